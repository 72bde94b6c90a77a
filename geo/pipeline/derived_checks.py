"""Checks on the derived layers: outline against declared area and zone, factories inside their parks.

They run after ``derive`` (they need the measured area and the zone the outline lies in) and only warn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.model.catalog import LayerSpec
from geo.model.errors import Issue

AREA_TOLERANCE = 0.15  # outline area may differ from the declared area by this share


def check_derived(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[Issue]:
    """Warn where the outline disagrees with the declared area, or the outline or position with the declared zone."""
    issues = []
    shape = "outline" if spec.geometry == "polygon" else "position"
    declared_areas = gdf["area_ha"] if "area_ha" in gdf.columns else pd.Series(np.nan, index=gdf.index)
    rows = zip(gdf.index, declared_areas, gdf["area_computed_ha"], gdf["zone_id"], gdf["zone_spatial"], strict=True)
    for feature_id, declared, computed, declared_zone, spatial_zone in rows:
        # A point has no computed area (NaN): nothing to compare the declared one with.
        if pd.notna(declared) and declared > 0 and pd.notna(computed) and abs(computed / declared - 1) > AREA_TOLERANCE:
            issues.append(
                Issue(
                    "warning",
                    spec.geometry_file,
                    feature_id,
                    "geometry",
                    f"outline measures {computed:,.1f} ha but the declared area is {declared:,.1f} ha "
                    f"(more than {AREA_TOLERANCE:.0%} apart): redraw or rescale the outline",
                )
            )
        if declared_zone and spatial_zone != declared_zone:
            where = f"inside '{spatial_zone}'" if spatial_zone else "outside every economic zone"
            issues.append(
                Issue(
                    "warning",
                    spec.geometry_file,
                    feature_id,
                    "zone_id",
                    f"declared in '{declared_zone}' but its {shape} lies {where}",
                )
            )
    return issues


def check_positions_in_parents(
    gdf: gpd.GeoDataFrame, spec: LayerSpec, outlines: dict[str, BaseGeometry]
) -> list[Issue]:
    """Warn where a point feature (a factory) lies outside the outline of the park its ``parent_id`` names.

    ``outlines`` maps the id of every feature of a polygon layer to its outline (EPSG:4326). A
    parent id that names no outline (a point) is reported too; an unknown one is an error of
    ``validate_references``.
    """
    with_parent = gdf[gdf["parent_id"].fillna("") != ""]
    parents = [outlines.get(parent_id) for parent_id in with_parent["parent_id"]]
    known = np.array([parent is not None for parent in parents], dtype=bool)
    inside = np.zeros(len(with_parent), dtype=bool)
    if known.any():
        inside[known] = shapely.covers(
            np.array([p for p in parents if p is not None], dtype=object), with_parent.geometry.to_numpy()[known]
        )
    issues = []
    for (feature_id, parent_id), has_outline, is_inside in zip(
        with_parent["parent_id"].items(), known, inside, strict=True
    ):
        if not has_outline:
            message = f"parent '{parent_id}' has no outline: parent_id names the park the feature stands in"
        elif not is_inside:
            message = f"lies outside the outline of its parent '{parent_id}': check the position or the parent_id"
        else:
            continue
        issues.append(Issue("warning", spec.geometry_file, feature_id, "parent_id", message))
    return issues
