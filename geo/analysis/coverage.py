"""How much of each economic zone the industrial parks cover, and the parks' figures by district and commune.

The planners' coverage analysis. Every area is measured in ``METRIC_CRS`` (UTM 48N, metres) and
reported in hectares. Overlapping parks are counted once: covered land is the area of the *union*
of the park outlines clipped to the zone, split by status so that land under an operating park
counts as operating, then under construction, planned, proposed.

A sum over parks none of which has the figure is ``None`` (no data), never 0.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

import geopandas as gpd
from shapely import unary_union
from shapely.geometry.base import BaseGeometry

from geo.formats.export import csv_writer
from geo.model.catalog import ECONOMIC_ZONE_KIND, METRIC_CRS, STATUSES
from geo.model.files import vietnamese
from geo.model.text import fold
from geo.pipeline.derived_checks import AREA_TOLERANCE

M2_PER_HA = 10_000
MIN_OVERLAP_HA = 0.01  # park-to-park overlaps below this are drawing slivers, not findings
MIN_SHARED_M2 = 1.0  # a park that only touches a zone's edge shares no land with it
# An outline whose stated position uncertainty is at most this many metres is "known"; the rest (and
# those with none stated) are uncertain, and coverage reports the land resting on each apart.
KNOWN_WITHIN_M = 500
_PLACE_SEPARATORS = ("(", ";")  # "An Dương (Lê Lợi, Hồng Phong communes)" is recorded under "An Dương"

ZONE_CSV_COLUMNS = (
    "id", "name_vi", "name_en", "area_ha", "outline_ha", "covered_ha", "covered_pct",
    *(f"covered_{status}_ha" for status in STATUSES),
    "covered_known_ha", *(f"covered_known_{status}_ha" for status in STATUSES),
    "covered_uncertain_ha", *(f"covered_uncertain_{status}_ha" for status in STATUSES),
    "parks", "parks_declared", "leasable_ha", "occupied_ha", "occupancy_pct", "parks_with_occupancy",
)  # fmt: skip


def coverage_report(parks: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> dict:
    """Return the coverage of each economic zone by ``parks``, with groups by place, overlaps and mismatches.

    Parameters
    ----------
    parks
        The industrial-parks layer (index = feature id; ``name_vi``, ``name_en``, ``status``,
        ``zone_id``, ``old_district``, ``commune_2025``, ``area_ha``, ``leasable_ha``, ``occupancy_pct``).
    zones
        The economic-zones layer; only rows of kind ``economic_zone`` are zones (free-trade-zone
        sites are not). May be empty.

    Returns
    -------
    dict
        JSON-ready: ``zones``, ``districts``, ``communes`` (and ``districts_vi``, ``communes_vi``: the same
        parks grouped by the Vietnamese text of those cells), ``outside_zones``, ``overlaps``,
        ``area_mismatches``, ``totals`` and ``computed_in`` (the CRS areas were measured in).
    """
    metric_parks = _to_metric(parks)
    metric_zones = _economic_zones(zones)
    return {
        "zones": [_zone_entry(zone_id, zone, metric_parks) for zone_id, zone in metric_zones.iterrows()],
        "districts": place_groups(metric_parks, "old_district"),
        "communes": place_groups(metric_parks, "commune_2025"),
        "districts_vi": place_groups(metric_parks, "old_district", in_vietnamese=True),
        "communes_vi": place_groups(metric_parks, "commune_2025", in_vietnamese=True),
        "outside_zones": parks_outside_zones(metric_parks, metric_zones),
        "overlaps": park_overlaps(metric_parks),
        "area_mismatches": area_mismatches(metric_parks),
        "totals": _totals(metric_parks),
        "computed_in": METRIC_CRS,
    }


def _to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise ValueError("coverage: the frame has no CRS; the layers are stored in EPSG:4326")
    return gdf.to_crs(METRIC_CRS)


def _economic_zones(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if zones.empty or "kind" not in zones.columns:
        return gpd.GeoDataFrame({"name_vi": [], "name_en": [], "area_ha": []}, geometry=[], crs=METRIC_CRS)
    return _to_metric(zones[zones["kind"] == ECONOMIC_ZONE_KIND])


# --- zones ---------------------------------------------------------------------------------------


def _zone_entry(zone_id: str, zone: pd.Series, metric_parks: gpd.GeoDataFrame) -> dict:
    shape = zone.geometry
    inside = parks_sharing_land(metric_parks, shape)
    clipped = inside.geometry.intersection(shape)
    outline = shape.area / M2_PER_HA
    covered = unary_union(clipped.to_numpy()).area / M2_PER_HA if len(clipped) else 0.0
    return {
        "id": zone_id,
        "name_vi": zone["name_vi"],
        "name_en": zone["name_en"],
        "area_ha": _round(zone["area_ha"]),
        "outline_ha": _round(outline),
        "covered_ha": _round(covered),
        "covered_pct": _round(_percent(covered, outline)),
        "by_status": {status: _round(ha) for status, ha in area_by_status(clipped, inside["status"]).items()},
        "by_certainty": by_certainty(clipped, inside),
        "parks": sorted(inside.index),
        "parks_declared": sorted(metric_parks.index[metric_parks["zone_id"] == zone_id]),
        **_occupancy(inside),
    }


def is_known(parks: pd.DataFrame) -> pd.Series:
    """Tell, per park, whether its outline's position is known to within ``KNOWN_WITHIN_M`` (none stated: no)."""
    if "position_uncertainty_m" not in parks.columns:
        return pd.Series(False, index=parks.index)
    return (parks["position_uncertainty_m"] <= KNOWN_WITHIN_M).fillna(False).astype(bool)


def by_certainty(clipped: gpd.GeoSeries, parks: pd.DataFrame) -> dict:
    """Split covered land between outlines known to within ``KNOWN_WITHIN_M`` and uncertain ones.

    ``clipped`` are the parks' outlines clipped to a zone (metric CRS), aligned with ``parks``. Land
    under a known outline is "known"; "uncertain" is the land only uncertain outlines cover, so the two
    add up to the zone's covered area. Each has its hectares, by status (as ``area_by_status``), and parks.
    """
    known = is_known(parks).to_numpy()
    known_union = unary_union(clipped[known].to_numpy()) if known.any() else None
    uncertain = clipped[~known]
    if known_union is not None and len(uncertain):
        uncertain = uncertain.difference(known_union)
    return {
        "known_within_m": KNOWN_WITHIN_M,
        "known": _certainty_part(clipped[known], parks["status"][known]),
        "uncertain": _certainty_part(uncertain, parks["status"][~known]),
    }


def _certainty_part(shapes: gpd.GeoSeries, statuses: pd.Series) -> dict:
    by_status = area_by_status(shapes, statuses)
    return {
        "covered_ha": _round(sum(by_status.values())),
        "by_status": {status: _round(ha) for status, ha in by_status.items()},
        "parks": sorted(statuses.index),
    }


def parks_sharing_land(metric_parks: gpd.GeoDataFrame, shape: BaseGeometry) -> gpd.GeoDataFrame:
    """Return the parks whose outline shares land with ``shape`` (both in ``METRIC_CRS``), found with the index.

    A park that only touches ``shape`` along an edge shares no land with it.
    """
    candidates = metric_parks.iloc[np.sort(metric_parks.sindex.query(shape, predicate="intersects"))]
    shared = candidates.geometry.intersection(shape).area
    return candidates[shared > MIN_SHARED_M2]


def area_by_status(shapes: gpd.GeoSeries, statuses: pd.Series) -> dict[str, float]:
    """Return hectares of the union of ``shapes`` per status, each piece of land counted once.

    Land under parks of several statuses counts for the most advanced one (operating, then under
    construction, planned, proposed), so the values sum to the area of the union. ``shapes`` are in
    a metric CRS.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> shapes = gpd.GeoSeries([box(0, 0, 200, 100), box(100, 0, 300, 100)])
    >>> area_by_status(shapes, pd.Series(["planned", "operating"]))
    {'operating': 2.0, 'under_construction': 0.0, 'planned': 1.0, 'proposed': 0.0}
    """
    claimed: BaseGeometry | None = None
    areas = {}
    for status in STATUSES:
        union = unary_union(shapes[(statuses == status).to_numpy()].to_numpy())
        fresh = union if claimed is None else union.difference(claimed)
        areas[status] = fresh.area / M2_PER_HA
        claimed = union if claimed is None else claimed.union(union)
    return areas


def parks_outside_zones(metric_parks: gpd.GeoDataFrame, metric_zones: gpd.GeoDataFrame) -> list[dict]:
    """Return the parks sharing land with no economic zone, in layer order (both frames in ``METRIC_CRS``)."""
    inside: set[str] = set()
    for shape in metric_zones.geometry:
        inside.update(parks_sharing_land(metric_parks, shape).index)
    outside = metric_parks[~metric_parks.index.isin(sorted(inside))]
    return [
        {"id": park_id, "name_vi": park["name_vi"], "name_en": park["name_en"], "status": park["status"]}
        for park_id, park in outside.iterrows()
    ]


# --- parks against parks --------------------------------------------------------------------------


def park_overlaps(metric_parks: gpd.GeoDataFrame) -> list[dict]:
    """Return every pair of parks overlapping by more than ``MIN_OVERLAP_HA``, largest overlap first.

    Candidate pairs come from the spatial index; ``share_of_smaller_pct`` is the overlap as a share
    of the smaller park's outline. ``a`` comes before ``b`` in the layer.
    """
    left, right = metric_parks.sindex.query(metric_parks.geometry, predicate="intersects")
    pairs = left < right  # each unordered pair once, no park with itself
    shapes, ids = metric_parks.geometry.to_numpy(), metric_parks.index
    overlaps = []
    for i, j in zip(left[pairs], right[pairs], strict=True):
        shared = shapes[i].intersection(shapes[j]).area / M2_PER_HA
        if shared <= MIN_OVERLAP_HA:
            continue
        smaller = min(shapes[i].area, shapes[j].area) / M2_PER_HA
        overlaps.append(
            {
                "a": ids[i],
                "b": ids[j],
                "overlap_ha": _round(shared),
                "share_of_smaller_pct": _round(shared / smaller * 100),
            }
        )
    return sorted(overlaps, key=lambda o: (-o["overlap_ha"], o["a"], o["b"]))


def area_mismatches(metric_parks: gpd.GeoDataFrame) -> list[dict]:
    """Return the parks whose outline is more than ``AREA_TOLERANCE`` (15 %) from the declared area, worst first.

    ``ratio`` is outline / declared; parks without a declared area are left out.
    """
    declared = metric_parks["area_ha"]
    outline = metric_parks.geometry.area / M2_PER_HA
    ratio = outline / declared.where(declared > 0)
    off = ratio[(ratio - 1).abs() > AREA_TOLERANCE]
    worst_first = (off - 1).abs().sort_values(ascending=False, kind="stable").index
    return [
        {
            "id": park_id,
            "declared_ha": _round(declared[park_id]),
            "outline_ha": _round(outline[park_id]),
            "ratio": _round(ratio[park_id], 3),
        }
        for park_id in worst_first
    ]


# --- places and totals ----------------------------------------------------------------------------


def place_name(recorded: str) -> str:
    """Return the place a district or commune cell names: the text before the first "(" or ";", trimmed.

    Examples
    --------
    >>> place_name("An Dương (Lê Lợi, Hồng Phong communes)")
    'An Dương'
    >>> place_name("  Cẩm Giàng; partly Bình Giang ")
    'Cẩm Giàng'
    >>> place_name("")
    ''
    """
    text = recorded if isinstance(recorded, str) else ""
    for separator in _PLACE_SEPARATORS:
        text = text.split(separator, 1)[0]
    return text.strip()


def place_groups(metric_parks: gpd.GeoDataFrame, column: str, in_vietnamese: bool = False) -> list[dict]:
    """Group the parks by the place ``column`` records (see ``place_name``); parks with none are left out.

    ``in_vietnamese``: by the place its Vietnamese twin (``<column>_vi``) records, where it has one.
    Groups are sorted by name, ignoring diacritics and case.
    """
    cells = metric_parks[column]
    twin = vietnamese(column)
    if in_vietnamese and twin in metric_parks.columns:
        cells = metric_parks[twin].where(metric_parks[twin].fillna("") != "", cells)
    names = cells.map(place_name)
    groups = []
    for name in sorted(set(names) - {""}, key=lambda n: (fold(n), n)):
        members = metric_parks[(names == name).to_numpy()]
        occupancy = _occupancy(members)
        del occupancy["parks_with_occupancy"]
        groups.append(
            {
                "name": name,
                "parks": sorted(members.index),
                "declared_ha": _known_sum(members["area_ha"]),
                "outline_ha": _round(members.geometry.area.sum() / M2_PER_HA),
                **occupancy,
            }
        )
    return groups


def _totals(metric_parks: gpd.GeoDataFrame) -> dict:
    union = unary_union(metric_parks.geometry.to_numpy()).area if len(metric_parks) else 0.0
    return {
        "parks": len(metric_parks),
        "declared_ha": _known_sum(metric_parks["area_ha"]),
        "outline_ha": _round(metric_parks.geometry.area.sum() / M2_PER_HA),
        "union_ha": _round(union / M2_PER_HA),
        "by_certainty": by_certainty(metric_parks.geometry, metric_parks),
        **_occupancy(metric_parks),
    }


def _occupancy(parks: pd.DataFrame) -> dict:
    """Leasable and occupied hectares over the parks with both figures, and the weighted occupancy."""
    known = parks[parks["leasable_ha"].notna() & parks["occupancy_pct"].notna()]
    leasable = float(known["leasable_ha"].sum())
    occupied = float((known["leasable_ha"] * known["occupancy_pct"] / 100).sum())
    has_data = len(known) > 0
    return {
        "leasable_ha": _round(leasable) if has_data else None,
        "occupied_ha": _round(occupied) if has_data else None,
        "occupancy_pct": _round(_percent(occupied, leasable)) if has_data else None,
        "parks_with_occupancy": len(known),
    }


def _known_sum(values: pd.Series) -> float | None:
    known = values.dropna()
    return _round(float(known.sum())) if len(known) else None


def _percent(part: float, whole: float) -> float | None:
    return part / whole * 100 if whole > 0 else None


def _round(value, digits: int = 2) -> float | None:
    """Return ``value`` rounded, or None for a missing or non-finite number (JSON has no NaN)."""
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


# --- CSV ------------------------------------------------------------------------------------------


def zones_csv(report: dict) -> str:
    """Return ``zones_rows`` as CSV."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    for row in zones_rows(report):
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


def zones_rows(report: dict) -> list[list]:
    """Return the report's zones as a table (header first; None where no data): one row per zone, ``by_status``
    flattened to ``covered_<status>_ha`` and ``by_certainty`` to ``covered_known_ha``,
    ``covered_known_<status>_ha``, ``covered_uncertain_...``.
    """
    rows: list[list] = [list(ZONE_CSV_COLUMNS)]
    for zone in report["zones"]:
        cells = {**zone, **{f"covered_{status}_ha": ha for status, ha in zone["by_status"].items()}}
        for part in ("known", "uncertain"):
            certainty = zone["by_certainty"][part]
            cells[f"covered_{part}_ha"] = certainty["covered_ha"]
            cells |= {f"covered_{part}_{status}_ha": ha for status, ha in certainty["by_status"].items()}
        cells["parks"], cells["parks_declared"] = "; ".join(zone["parks"]), "; ".join(zone["parks_declared"])
        rows.append([cells[column] for column in ZONE_CSV_COLUMNS])
    return rows
