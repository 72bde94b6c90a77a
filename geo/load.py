"""Read the data directory's files into frames, reporting what cannot be read.

Every reader returns ``(frame, issues)``: the frame is empty (but has its columns) when
the file could not be read, and ``issues`` says why, naming the file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

import geopandas as gpd
from shapely.errors import GEOSException
from shapely.geometry import shape

from geo.catalog import WEB_CRS
from geo.models import Issue

GEOMETRY_COLUMNS = ["id", "geometry_quality", "geometry_note", "geometry_sources"]
FIGURE_COLUMNS = ["feature_id", "field", "value", "as_of", "sources", "shown", "note"]
SOURCE_COLUMNS = ["id", "kind", "location", "title", "published"]
_WGS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}


def read_geometry(path: Path) -> tuple[gpd.GeoDataFrame, list[Issue]]:
    """Read a GeoJSON FeatureCollection, one row per feature, keyed by ``properties.id``."""
    empty = gpd.GeoDataFrame(columns=GEOMETRY_COLUMNS, geometry=[], crs=WEB_CRS)
    name = path.name
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return empty, [_error(name, None, None, "file not found; every layer needs one")]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return empty, [_error(name, None, None, f"not valid UTF-8 JSON ({exc}); fix or restore it")]
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return empty, [_error(name, None, None, "not a GeoJSON FeatureCollection")]
    crs, issues = _crs_of(document, name)
    rows, geometries = [], []
    for position, feature in enumerate(document.get("features") or []):
        row, geometry, feature_issues = _read_feature(feature, position, name)
        issues += feature_issues
        if row is not None:
            rows.append(row)
            geometries.append(geometry)
    frame = gpd.GeoDataFrame(rows, columns=GEOMETRY_COLUMNS, geometry=geometries, crs=crs)
    return frame, issues


def _crs_of(document: dict, name: str) -> tuple[str | None, list[Issue]]:
    # RFC 7946 GeoJSON has no "crs" member and is always WGS 84 longitude/latitude;
    # older files name theirs, and a null one means "unknown".
    if "crs" not in document:
        return WEB_CRS, []
    member = document["crs"]
    crs_name = ((member or {}).get("properties") or {}).get("name")
    if crs_name is None:
        return None, [
            _error(
                name,
                None,
                None,
                "missing CRS (the 'crs' member is empty); remove it or re-export the file as GeoJSON in EPSG:4326",
            )
        ]
    if crs_name not in _WGS84_NAMES:
        return crs_name, [
            _error(
                name,
                None,
                None,
                f"wrong CRS '{crs_name}': layers are stored in "
                "EPSG:4326; reproject (e.g. ogr2ogr -t_srs EPSG:4326) and remove the 'crs' member",
            )
        ]
    return WEB_CRS, []


def _read_feature(feature: object, position: int, name: str):
    if not isinstance(feature, dict):
        return None, None, [_error(name, f"#{position}", None, "not a GeoJSON Feature object")]
    properties = feature.get("properties") or {}
    feature_id = properties.get("id")
    label = str(feature_id) if feature_id not in (None, "") else f"#{position}"
    row = [None if feature_id is None else str(feature_id)] + [
        _text(properties.get(column)) for column in GEOMETRY_COLUMNS[1:]
    ]
    raw = feature.get("geometry")
    if raw is None:
        return row, None, []  # reported by validation as "no geometry"
    try:
        return row, shape(raw), []
    except (GEOSException, ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        return row, None, [_error(name, label, "geometry", f"cannot be read as GeoJSON geometry ({exc})")]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def read_table(path: Path, columns: list[str] | tuple[str, ...]) -> tuple[pd.DataFrame, list[Issue]]:
    """Read a UTF-8 CSV table as text, checking that ``columns`` are present."""
    empty = pd.DataFrame(columns=list(columns), dtype="string")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        return empty, [_error(path.name, None, None, "file not found")]
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        return empty, [_error(path.name, None, None, f"cannot be read as a UTF-8 CSV table ({exc})")]
    missing = [c for c in columns if c not in table.columns]
    if missing:
        return empty, [_error(path.name, None, c, "column missing from the header row") for c in missing]
    return table.map(str.strip), []


def read_figures(data_dir: Path) -> tuple[pd.DataFrame, list[Issue]]:
    """Read ``figures.csv``: one sourced, dated value per row."""
    return read_table(data_dir / "figures.csv", FIGURE_COLUMNS)


def read_sources(data_dir: Path) -> tuple[pd.DataFrame, list[Issue]]:
    """Read ``sources.csv``: the register of articles, web pages and map references."""
    return read_table(data_dir / "sources.csv", SOURCE_COLUMNS)


def _error(file: str, feature: str | None, field: str | None, message: str) -> Issue:
    return Issue("error", file, feature, field, message)
