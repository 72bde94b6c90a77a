"""Write a joined layer as GeoJSON, CSV or GeoPackage for QGIS and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
from shapely.geometry import mapping

from geo.model.catalog import FIGURE_FIELDS, KEY_INFRASTRUCTURE

LEADING_COLUMNS = [
    "id", "name_vi", "name_en", "kind", "status", "status_as_of", "status_detail",
    "area_ha", "area_ha_as_of", "area_computed_ha", "leasable_ha", "leasable_ha_as_of",
    "occupancy_pct", "occupancy_pct_as_of", "free_ha", "free_ha_as_of",
    "zone_id", "zone_spatial", "zone_share_pct", "former_province", "old_district", "commune_2025",
    "developer", "sectors", "tenants", "aliases", "parent_id",
    "geometry_quality", "geometry_note", "geometry_sources",
]  # fmt: skip
FORMATS = ("geojson", "csv", "gpkg")


def property_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """Return the property columns in export order: the key ones first, then the rest."""
    geometry = gdf.geometry.name  # once: each lookup builds a GeoSeries
    rest = [c for c in gdf.columns if c not in LEADING_COLUMNS and c != geometry]
    extra = [f for f in FIGURE_FIELDS if f in rest] + [f"{f}_as_of" for f in FIGURE_FIELDS if f"{f}_as_of" in rest]
    distances = [
        column
        for k in KEY_INFRASTRUCTURE
        for column in (f"distance_km_{k}", f"distance_uncertainty_km_{k}")
        if column in rest
    ]  # each distance beside how far it may be off
    tail = [c for c in rest if c not in extra and c not in distances]
    return [c for c in LEADING_COLUMNS if c in gdf.columns] + extra + distances + tail


def json_value(value):
    """Return ``value`` as a plain JSON-serialisable value (NaN and NA become None)."""
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_value(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def feature_properties(row, columns: list[str]) -> dict:
    """Return one feature's properties as a JSON-safe dict."""
    return {column: json_value(row[column]) for column in columns}


def to_geojson(gdf: gpd.GeoDataFrame) -> dict:
    """Return the layer as a GeoJSON FeatureCollection (EPSG:4326) with every property."""
    columns = property_columns(gdf)
    # Column by column, then zipped into rows: a fraction of the cost of iterating rows.
    values = [[json_value(v) for v in gdf[column].tolist()] for column in columns]
    features = [
        {
            "type": "Feature",
            "id": feature_id,
            "geometry": None if geometry is None else mapping(geometry),
            "properties": dict(zip(columns, row, strict=True)),
        }
        for feature_id, geometry, row in zip(gdf.index, gdf.geometry, zip(*values, strict=True), strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def feature_texts(gdf: gpd.GeoDataFrame) -> list[str]:
    """Return each feature of ``to_geojson(gdf)`` as compact JSON text, in layer order."""
    return [compact_json(feature) for feature in to_geojson(gdf)["features"]]


def compact_json(value) -> str:
    """Return ``value`` as compact JSON text, UTF-8 characters kept; a NaN is refused, never sent."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def flat_value(value) -> str | float | int | None:
    """Return ``value`` as one table cell: lists joined by '; ', objects as JSON."""
    value = json_value(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula


def spreadsheet_safe(cell):
    """Return ``cell`` so that a spreadsheet shows it as text, never runs it: a leading ' before a formula.

    Every CSV the app and the CLI write goes through ``csv_writer``, which applies this to each cell.
    Numbers are left as they are; text that starts like a formula gets the apostrophe spreadsheets
    hide and read as "this is text".

    Examples
    --------
    >>> [spreadsheet_safe(v) for v in ("=SUM(A1)", "@SUM(A1)", "-1+1", -1.5, "Tràng Duệ")]
    ["'=SUM(A1)", "'@SUM(A1)", "'-1+1", -1.5, 'Tràng Duệ']
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, cells) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in cells])


class _SafeDictWriter:
    def __init__(self, writer: csv.DictWriter):
        self._writer = writer

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: dict) -> None:
        self._writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})


def csv_writer(buffer: io.StringIO, fieldnames: list[str] | tuple[str, ...] | None = None):
    """Return the CSV writer every CSV download and export uses: ``csv.writer``'s dialect, cells made safe.

    With ``fieldnames``, a ``csv.DictWriter`` (missing keys written empty).
    """
    if fieldnames is not None:
        return _SafeDictWriter(csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n", restval=""))
    return _SafeWriter(csv.writer(buffer, lineterminator="\n"))


def to_csv_text(gdf: gpd.GeoDataFrame) -> str:
    """Return the layer as CSV: one row per feature, lists flattened, geometry as WKT last."""
    columns = property_columns(gdf)
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(columns + ["geometry_wkt"])
    for (_, row), geometry in zip(gdf.iterrows(), gdf.geometry, strict=True):
        cells = [flat_value(row[c]) for c in columns]
        writer.writerow(["" if c is None else c for c in cells] + [geometry.wkt if geometry is not None else ""])
    return buffer.getvalue()


def flat_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy with only scalar columns, for formats without list types (GeoPackage)."""
    columns = property_columns(gdf)
    flat = gpd.GeoDataFrame(
        {c: [flat_value(v) for v in gdf[c]] for c in columns}, geometry=list(gdf.geometry), crs=gdf.crs
    )
    return flat


def write_atomically(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``: never a half-written file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent or ".")
    os.close(fd)
    os.unlink(tmp)  # some writers refuse an existing file
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_layer(gdf: gpd.GeoDataFrame, format_: str, path: Path, layer_name: str) -> None:
    """Write the layer to ``path`` in ``format_`` (geojson, csv or gpkg), atomically."""
    if format_ == "geojson":
        text = json.dumps(to_geojson(gdf), ensure_ascii=False)
        write_atomically(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    elif format_ == "csv":
        text = to_csv_text(gdf)
        write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    elif format_ == "gpkg":
        flat = flat_frame(gdf)
        write_atomically(path, lambda tmp: flat.to_file(tmp, layer=layer_name, driver="GPKG"))
    else:
        raise ValueError(f"unknown format '{format_}'; use one of {', '.join(FORMATS)}")
