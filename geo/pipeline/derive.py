"""Values computed from the geometry: area, centroid, economic zone, distances, free land."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo.model.catalog import ECONOMIC_ZONE_KIND, KEY_INFRASTRUCTURE, METRIC_CRS, WEB_CRS

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
ZONE_SHARE = 0.5  # a feature lies in a zone when this share of its area is inside
POLYGONAL = ("Polygon", "MultiPolygon")  # outlines; a point layer's features have no area


def is_polygonal(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Return, per feature, whether its geometry is an outline (a point has no area, zone share or free land)."""
    return pd.Series(gdf.geometry.geom_type.isin(POLYGONAL).to_numpy(dtype=bool), index=gdf.index)


def add_area_and_centroid(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``area_computed_ha`` (measured in UTM 48N; empty for a point) and ``centroid_lon``/``centroid_lat``."""
    out = gdf.copy()
    metric = gdf.geometry.to_crs(METRIC_CRS)
    out["area_computed_ha"] = (metric.area / 10_000).round(2).where(is_polygonal(gdf))
    centroids = metric.centroid.to_crs(WEB_CRS)
    out["centroid_lon"] = centroids.x.round(6)
    out["centroid_lat"] = centroids.y.round(6)
    return out


def economic_zones(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the economic zones proper (not free-trade-zone sites) from the zones layer."""
    return zones[zones["kind"] == ECONOMIC_ZONE_KIND]


def add_zone_membership(gdf: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``zone_spatial`` (the zone holding most of the feature, if over half) and ``zone_share_pct``.

    A point's zone is the first zone covering it, and its share stays empty: a point has no area to share.
    """
    out = gdf.copy()
    polygonal = is_polygonal(gdf)
    out["zone_spatial"] = ""
    out["zone_share_pct"] = pd.Series(0.0, index=gdf.index).where(polygonal)
    if zones.empty or gdf.empty:
        return out
    features = gdf.geometry.to_crs(METRIC_CRS)
    zone_shapes = zones.geometry.to_crs(METRIC_CRS)
    points = features[~polygonal]
    if len(points):
        out.loc[points.index, "zone_spatial"] = _zones_covering(points, zone_shapes)
    for feature_id, shape in features[polygonal].items():
        if shape.area == 0:
            continue
        shares = zone_shapes.intersection(shape).area / shape.area
        best = shares.idxmax()
        out.at[feature_id, "zone_share_pct"] = round(float(shares[best]) * 100, 1)
        if shares[best] >= ZONE_SHARE:
            out.at[feature_id, "zone_spatial"] = best
    return out


def _zones_covering(points: gpd.GeoSeries, zone_shapes: gpd.GeoSeries) -> pd.Series:
    """Return, per point, the id of the first zone covering it ("" for none); both in the same CRS."""
    found = pd.Series("", index=points.index, dtype=object)
    for zone_id, zone in zone_shapes.items():
        free = (found == "").to_numpy()
        covered = free & shapely.covers(zone, points.to_numpy())
        found[covered] = zone_id
    return found


def key_points(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, tuple[float, float]]:
    """Return (lon, lat) of each key infrastructure place present in ``layers``."""
    points = {}
    for key, target in KEY_INFRASTRUCTURE.items():
        if isinstance(target, tuple):
            points[key] = target
            continue
        for gdf in layers.values():
            if target in gdf.index:
                points[key] = (gdf.at[target, "centroid_lon"], gdf.at[target, "centroid_lat"])
    return points


def key_point_uncertainties(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, float]:
    """Return the position uncertainty in metres of each key place present in ``layers``.

    A place given as coordinates (the city centre) is a point we chose: it is exact (0). A feature's
    is its ``position_uncertainty_m``, NaN where not stated.
    """
    uncertainties = {}
    for key, target in KEY_INFRASTRUCTURE.items():
        if isinstance(target, tuple):
            uncertainties[key] = 0.0
            continue
        for gdf in layers.values():
            if target in gdf.index:
                uncertainties[key] = _metres(gdf.at[target, "position_uncertainty_m"])
    return uncertainties


def _metres(value) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def distance_uncertainty_m(uncertainty_a_m: float, uncertainty_b_m: float) -> float:
    """Return how far a distance between two features may be off, given each one's position uncertainty.

    The sum: each centroid may lie up to its feature's uncertainty from where it is drawn, so by the
    triangle inequality the distance between them is off by at most the sum (a conservative bound;
    independent errors would usually cancel in part). NaN when either is unknown.

    Examples
    --------
    >>> distance_uncertainty_m(500, 3000), distance_uncertainty_m(50, 0)
    (3500.0, 50.0)
    """
    return float(uncertainty_a_m) + float(uncertainty_b_m)


def add_distances(
    gdf: gpd.GeoDataFrame,
    points: dict[str, tuple[float, float]],
    uncertainties: dict[str, float] | None = None,
) -> gpd.GeoDataFrame:
    """Add ``distance_km_<place>``: great-circle km from the centroid to each key place.

    With ``uncertainties`` (metres per place, see ``key_point_uncertainties``) also add
    ``distance_uncertainty_km_<place>``: how far that distance may be off (``distance_uncertainty_m``
    of the feature's and the place's uncertainty), NaN where either is not stated; 0 for a feature's
    distance to itself.
    """
    out = gdf.copy()
    own = out["position_uncertainty_m"] if "position_uncertainty_m" in out.columns else pd.Series(np.nan, out.index)
    for key in KEY_INFRASTRUCTURE:
        column = f"distance_km_{key}"
        spread = f"distance_uncertainty_km_{key}"
        if key not in points:
            out[column] = np.nan
            if uncertainties is not None:
                out[spread] = np.nan
            continue
        lon, lat = points[key]
        out[column] = [
            round(great_circle_km(lon0, lat0, lon, lat), 2)
            for lon0, lat0 in zip(out["centroid_lon"], out["centroid_lat"], strict=True)
        ]
        if uncertainties is not None:
            target = KEY_INFRASTRUCTURE[key]
            out[spread] = [
                0.0 if feature_id == target else round(distance_uncertainty_m(_metres(u), uncertainties[key]) / 1000, 3)
                for feature_id, u in zip(out.index, own, strict=True)
            ]
    return out


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the haversine distance in km between two lon/lat points.

    Examples
    --------
    >>> round(great_circle_km(106.0, 21.0, 106.0, 20.0), 1)
    111.2
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


MAX_YEARS_APART = 1  # leasable area and occupancy further apart than this do not make a free-land figure


def add_free_land(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``free_ha``: the vacant land a source states, else leasable area × (1 − occupancy); empty for a point.

    The product is only taken when both figures describe years at most ``MAX_YEARS_APART`` apart (a 2008
    leasable area times a 2021 occupancy describes no moment). A park reported 100 % occupied has no
    free land whatever its leasable area, so it gets 0 even when the leasable area is unknown.
    ``free_ha_as_of`` is the stated figure's date, or the older of the two dates used.
    """
    out = gdf.copy()
    full = out["occupancy_pct"] == 100
    together = [_same_time(a, b) for a, b in zip(out["leasable_ha_as_of"], out["occupancy_pct_as_of"], strict=True)]
    product = (out["leasable_ha"] * (1 - out["occupancy_pct"] / 100)).where(together).where(~full, 0.0)
    stated = out["vacant_ha"] if "vacant_ha" in out.columns else pd.Series(np.nan, index=out.index)
    free = stated.where(stated.notna(), product)
    out["free_ha"] = pd.to_numeric(free, errors="coerce").round(2).where(is_polygonal(gdf))
    stated_as_of = out["vacant_ha_as_of"] if "vacant_ha_as_of" in out.columns else pd.Series(None, index=out.index)
    out["free_ha_as_of"] = [
        None if pd.isna(value)
        else said_as_of if pd.notna(said)
        else occupied if is_full
        else min(leasable, occupied)
        for value, said, said_as_of, is_full, leasable, occupied in zip(
            out["free_ha"], stated, stated_as_of, full, out["leasable_ha_as_of"], out["occupancy_pct_as_of"],
            strict=True,
        )
    ]  # fmt: skip
    return out


def _same_time(leasable_as_of: str | None, occupancy_as_of: str | None) -> bool:
    if not leasable_as_of or not occupancy_as_of:
        return False
    return abs(int(leasable_as_of[:4]) - int(occupancy_as_of[:4])) <= MAX_YEARS_APART
