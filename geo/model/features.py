"""A feature as the API and the exports show it: its properties in a fixed order, as JSON values and text."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

import geopandas as gpd
from shapely.geometry import mapping

from geo.model.catalog import FIGURE_FIELDS, KEY_INFRASTRUCTURE

# Each English text beside its Vietnamese twin (``status_detail``, ``status_detail_vi``, ...).
LEADING_COLUMNS = [
    "id", "name_vi", "name_en", "kind", "status", "status_as_of", "status_detail", "status_detail_vi",
    "area_ha", "area_ha_as_of", "area_computed_ha", "leasable_ha", "leasable_ha_as_of",
    "occupancy_pct", "occupancy_pct_as_of", "free_ha", "free_ha_as_of",
    "zone_id", "zone_spatial", "zone_share_pct", "former_province", "old_district", "old_district_vi",
    "commune_2025", "commune_2025_vi", "developer", "developer_vi", "sectors", "sectors_vi", "tenants", "aliases",
    "parent_id", "geometry_quality", "geometry_note", "geometry_note_vi", "geometry_sources",
]  # fmt: skip


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
