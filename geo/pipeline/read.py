"""Read the data directory's files into frames, reporting what cannot be read.

Every reader returns ``(frame, issues)``: the frame is empty (but has its columns) when
the file could not be read, and ``issues`` says why, naming the file.

The pipeline reads through a ``DataSource``: ``FileSource`` is a data directory, a
``SourceSnapshot`` holds every frame of another source read once, and ``geo.postgis.store.PgSource``
reads the database tables that mirror the files.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

import geopandas as gpd
from shapely.errors import GEOSException
from shapely.geometry import shape

from geo.formats.tables import read_csv_table
from geo.model.catalog import LAYERS, REQUIRED_COLUMNS, WEB_CRS, LayerSpec
from geo.model.errors import Issue, MaintenanceError
from geo.model.files import (
    CITY_FIGURE_COLUMNS,
    CITY_FIGURES_FILE,
    CONTACT_COLUMNS,
    CONTACTS_FILE,
    CONTEXT_COLUMNS,
    CONTEXT_FILE,
    FIGURE_COLUMNS,
    FIGURES_FILE,
    GEOMETRY_COLUMNS,
    POSITION_COLUMNS,
    POSITIONS_FILE,
    SOURCE_COLUMNS,
    SOURCES_FILE,
)

_WGS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}


def read_geometry(path: Path, columns: list[str] = GEOMETRY_COLUMNS) -> tuple[gpd.GeoDataFrame, list[Issue]]:
    """Read a GeoJSON FeatureCollection, one row per feature, keyed by ``properties.id``.

    ``columns`` are the properties kept, as text ("" where absent): a layer's ``GEOMETRY_COLUMNS``
    or the context file's ``CONTEXT_COLUMNS``.
    """
    empty = gpd.GeoDataFrame(columns=columns, geometry=[], crs=WEB_CRS)
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
        row, geometry, feature_issues = _read_feature(feature, position, name, columns)
        issues += feature_issues
        if row is not None:
            rows.append(row)
            geometries.append(geometry)
    return geometry_frame(rows, geometries, crs, columns), issues


def geometry_frame(
    rows: list, geometries: list, crs: str | None = WEB_CRS, columns: list[str] = GEOMETRY_COLUMNS
) -> gpd.GeoDataFrame:
    """Return a geometry file's frame: ``columns`` (text) from ``rows``, plus ``geometries``."""
    return gpd.GeoDataFrame(rows, columns=columns, geometry=geometries, crs=crs)


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


def _read_feature(feature: object, position: int, name: str, columns: list[str]):
    if not isinstance(feature, dict):
        return None, None, [_error(name, f"#{position}", None, "not a GeoJSON Feature object")]
    properties = feature.get("properties") or {}
    feature_id = properties.get("id")
    label = str(feature_id) if feature_id not in (None, "") else f"#{position}"
    row = [None if feature_id is None else str(feature_id)] + [_text(properties.get(column)) for column in columns[1:]]
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
    if not path.is_file():
        return empty, [_error(path.name, None, None, "file not found")]
    try:
        table = read_csv_table(path, required=()).frame.astype(str)
    except (MaintenanceError, csv.Error) as exc:
        reason = str(exc).removeprefix(f"{path.name}: ")
        return empty, [_error(path.name, None, None, f"cannot be read as a UTF-8 CSV table ({reason})")]
    return checked_table(table, path.name, columns)


def checked_table(
    table: pd.DataFrame, name: str, columns: list[str] | tuple[str, ...]
) -> tuple[pd.DataFrame, list[Issue]]:
    """Return ``table`` (text cells) with its cells stripped, or an empty frame and an issue per missing column."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        empty = pd.DataFrame(columns=list(columns), dtype="string")
        return empty, [_error(name, None, c, "column missing from the header row") for c in missing]
    return table.map(str.strip), []


def read_figures(data_dir: Path) -> tuple[pd.DataFrame, list[Issue]]:
    """Read ``figures.csv``: one sourced, dated value per row."""
    return read_table(data_dir / FIGURES_FILE, FIGURE_COLUMNS)


def read_sources(data_dir: Path) -> tuple[pd.DataFrame, list[Issue]]:
    """Read ``sources.csv``: the register of articles, web pages and map references."""
    return read_table(data_dir / SOURCES_FILE, SOURCE_COLUMNS)


def read_positions(data_dir: Path) -> tuple[pd.DataFrame, list[Issue]]:
    """Read ``positions.csv``: the evidence for where each feature is, one sourced record per row."""
    return read_table(data_dir / POSITIONS_FILE, POSITION_COLUMNS)


def read_city_figures(data_dir: Path) -> tuple[pd.DataFrame, list[Issue]]:
    """Read ``city-figures.csv``: sourced, dated figures about the city as a whole; empty where there is none."""
    path = data_dir / CITY_FIGURES_FILE
    if not path.exists():  # a directory made before the table: no city figures, not an error
        return pd.DataFrame(columns=CITY_FIGURE_COLUMNS, dtype=str), []
    return read_table(path, CITY_FIGURE_COLUMNS)


def read_contacts(data_dir: Path) -> tuple[pd.DataFrame, list[Issue]]:
    """Read ``contacts.csv``: each feature's developer or management board, how to reach it, and who says so."""
    path = data_dir / CONTACTS_FILE
    if not path.exists():  # a directory made before the table: no contacts, not an error
        return pd.DataFrame(columns=CONTACT_COLUMNS, dtype=str), []
    return read_table(path, CONTACT_COLUMNS)


def read_context(data_dir: Path) -> tuple[gpd.GeoDataFrame, list[Issue]]:
    """Read ``context.geojson``: the province boundary, sea, rivers and places features are checked against."""
    return read_geometry(data_dir / CONTEXT_FILE, CONTEXT_COLUMNS)


class DataSource(Protocol):
    """Where the pipeline reads a data set's tables from: a data directory, a database, a snapshot.

    Each reader returns what the file readers above return for the same content, with issues
    naming where the rows are (``locate`` turns a file name into that place's name).
    """

    def read_geometry(self, spec: LayerSpec) -> tuple[gpd.GeoDataFrame, list[Issue]]:
        """Return the rows of ``spec``'s geometry file, as ``read_geometry`` does."""

    def read_attributes(self, spec: LayerSpec) -> tuple[pd.DataFrame, list[Issue]]:
        """Return ``spec``'s attribute table, as ``read_table`` does."""

    def read_figures(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the table of figures."""

    def read_sources(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the register of sources."""

    def read_positions(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the position evidence table."""

    def read_city_figures(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the city-level figures."""

    def read_contacts(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the features' contacts (developer, management board)."""

    def read_context(self) -> tuple[gpd.GeoDataFrame, list[Issue]]:
        """Return the context geography (``CONTEXT_COLUMNS`` and geometry)."""

    def locate(self, file_name: str) -> str:
        """Return the name under which issues about ``file_name``'s rows are reported."""


@dataclass(frozen=True)
class FileSource:
    """A data directory: per layer a GeoJSON file and a CSV table, then figures, sources, positions, context."""

    data_dir: Path

    def read_geometry(self, spec: LayerSpec) -> tuple[gpd.GeoDataFrame, list[Issue]]:
        """Read ``<layer>.geojson``."""
        return read_geometry(Path(self.data_dir) / spec.geometry_file)

    def read_attributes(self, spec: LayerSpec) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``<layer>.csv``."""
        return read_table(Path(self.data_dir) / spec.attributes_file, REQUIRED_COLUMNS)

    def read_figures(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``figures.csv``."""
        return read_figures(Path(self.data_dir))

    def read_sources(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``sources.csv``, refusing a directory whose last change was interrupted."""
        sources, issues = read_sources(Path(self.data_dir))
        return sources, _interrupted_change(Path(self.data_dir)) + issues

    def read_positions(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``positions.csv``."""
        return read_positions(Path(self.data_dir))

    def read_city_figures(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``city-figures.csv``."""
        return read_city_figures(Path(self.data_dir))

    def read_contacts(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``contacts.csv``."""
        return read_contacts(Path(self.data_dir))

    def read_context(self) -> tuple[gpd.GeoDataFrame, list[Issue]]:
        """Read ``context.geojson``."""
        return read_context(Path(self.data_dir))

    def locate(self, file_name: str) -> str:
        """Return ``file_name``: issues name the file itself."""
        return file_name


def _interrupted_change(data_dir: Path) -> list[Issue]:
    from geo.formats.journal import JOURNAL  # the maintenance commands' commit journal

    if not (data_dir / JOURNAL).exists():
        return []
    return [
        _error(
            JOURNAL,
            None,
            None,
            "an import or revert was interrupted while writing its files; "
            "run `hpmap history` (it completes or undoes the change) before using this directory",
        )
    ]


@dataclass(frozen=True)
class SourceSnapshot:
    """Every table of a source, read once: what is validated is exactly what gets written.

    ``tables`` maps a file name (``ports.geojson``, ``ports.csv``, ``figures.csv``, ``positions.csv``,
    ``context.geojson``, ...) to its frame and the issues met reading it. Readers return copies, so a
    caller may change them.
    """

    origin: DataSource
    tables: dict[str, tuple[pd.DataFrame, list[Issue]]] = field(default_factory=dict)

    @classmethod
    def take(cls, origin: DataSource, specs: tuple[LayerSpec, ...] = LAYERS) -> SourceSnapshot:
        """Read every table of ``origin`` for the layers ``specs``."""
        tables = {
            "sources.csv": origin.read_sources(),
            "figures.csv": origin.read_figures(),
            POSITIONS_FILE: origin.read_positions(),
            CITY_FIGURES_FILE: origin.read_city_figures(),
            CONTACTS_FILE: origin.read_contacts(),
            CONTEXT_FILE: origin.read_context(),
        }
        for spec in specs:
            tables[spec.geometry_file] = origin.read_geometry(spec)
            tables[spec.attributes_file] = origin.read_attributes(spec)
        return cls(origin, tables)

    def read_geometry(self, spec: LayerSpec) -> tuple[gpd.GeoDataFrame, list[Issue]]:
        """Return the geometry rows read from the origin."""
        return self._copy(spec.geometry_file)

    def read_attributes(self, spec: LayerSpec) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the attribute table read from the origin."""
        return self._copy(spec.attributes_file)

    def read_figures(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the figures read from the origin."""
        return self._copy("figures.csv")

    def read_sources(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the sources read from the origin."""
        return self._copy("sources.csv")

    def read_positions(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the position evidence read from the origin."""
        return self._copy(POSITIONS_FILE)

    def read_city_figures(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the city-level figures read from the origin."""
        return self._copy(CITY_FIGURES_FILE)

    def read_contacts(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Return the contacts read from the origin."""
        return self._copy(CONTACTS_FILE)

    def read_context(self) -> tuple[gpd.GeoDataFrame, list[Issue]]:
        """Return the context geography read from the origin."""
        return self._copy(CONTEXT_FILE)

    def locate(self, file_name: str) -> str:
        """Return the origin's name for ``file_name``."""
        return self.origin.locate(file_name)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Return each table's frame by file name, as read."""
        return {file_name: frame for file_name, (frame, _) in self.tables.items()}

    def _copy(self, file_name: str) -> tuple[pd.DataFrame, list[Issue]]:
        frame, issues = self.tables[file_name]
        return frame.copy(), list(issues)


def _error(file: str, feature: str | None, field: str | None, message: str) -> Issue:
    return Issue("error", file, feature, field, message)
