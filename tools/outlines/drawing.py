"""The shapes of authored outlines: rectangles around evidence, oriented along roads or river banks, cut by
water and neighbours and grown back to their area (used by author_outlines.py)."""

from __future__ import annotations

import math

import geopandas as gpd
import shapely
import shapely.ops
from shapely import affinity
from shapely.geometry import Point, Polygon, box

METRIC = "EPSG:32648"
RIVER_REACH_M = 2_500
ROAD_REACH_M = 1_500  # a park this close to a national road or railway is drawn along it, on its evidence's side
CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


def to_metric(geometry):
    return gpd.GeoSeries([geometry], crs=4326).to_crs(METRIC).iloc[0]


def to_wgs84(geometry):
    out = gpd.GeoSeries([geometry], crs=METRIC).to_crs(4326).iloc[0]
    return shapely.set_precision(shapely.make_valid(out), 1e-6)


def _direction_along(line, anchor: Point) -> float:
    at = line.project(anchor)
    ahead, behind = line.interpolate(min(at + 300, line.length)), line.interpolate(max(at - 300, 0))
    return math.degrees(math.atan2(ahead.y - behind.y, ahead.x - behind.x))


def bearing_of(anchor: Point, evidence: list[dict], water, roads=None) -> tuple[float, str]:
    """Return the long side's direction in degrees from east, and why."""
    if roads is not None and anchor.distance(roads) < ROAD_REACH_M:
        nearest = min(getattr(roads, "geoms", [roads]), key=anchor.distance)
        return _direction_along(nearest, anchor), "long side along the national road or railway beside it"
    if water is not None and not water.is_empty and anchor.distance(water) < RIVER_REACH_M:
        near = shapely.ops.nearest_points(anchor, water)[1]
        dx, dy = near.x - anchor.x, near.y - anchor.y
        return math.degrees(math.atan2(dy, dx)) + 90.0, "long side along the nearest river bank"
    others = [r["point"] for r in evidence[1:] if r["point"].distance(anchor) > 200]
    if others:
        dx, dy = others[0].x - anchor.x, others[0].y - anchor.y
        return math.degrees(math.atan2(dy, dx)), "long side along the line between its evidence points"
    return 0.0, "orientation unknown (east–west drawn)"


def agreeing_centre(records: list[dict]) -> Point:
    """Return the centre of the records that agree with the best one (within both radii), weighted by precision.

    Two sources a kilometre apart that both fit (a gate pin and a tenant's plot) bracket a park better than
    either alone: the outline goes between them, still within reach of the best.
    """
    best = records[0]
    agreeing = [
        r for r in records
        if r["point"].distance(best["point"]) <= float(best["radius_m"]) + float(r["radius_m"])
    ]  # fmt: skip
    weights = [1.0 / max(float(r["radius_m"]), 50.0) ** 2 for r in agreeing]
    x = sum(w * r["point"].x for w, r in zip(weights, agreeing, strict=True)) / sum(weights)
    y = sum(w * r["point"].y for w, r in zip(weights, agreeing, strict=True)) / sum(weights)
    return Point(x, y)


def draw_around(anchor: Point, area_m2: float, bearing: float, aspect: float, keep_out, province):
    """Return a rectangle of ``area_m2`` around ``anchor`` cut by ``keep_out``, grown back to its area."""

    def candidate(scale: float):
        width = math.sqrt(area_m2 * aspect) * scale
        height = math.sqrt(area_m2 / aspect) * scale
        rect = box(anchor.x - width / 2, anchor.y - height / 2, anchor.x + width / 2, anchor.y + height / 2)
        rect = affinity.rotate(rect, bearing, origin=anchor)
        if province is not None:
            rect = rect.intersection(province)
        if keep_out is not None:
            rect = rect.difference(keep_out)
        return _part_nearest(rect, anchor)

    return grown_to_area(candidate, area_m2, 1.0, 8.0)


def grown_to_area(candidate, area_m2: float, low: float, high: float):
    """Return ``candidate(x)`` for the x in [low, high] whose area comes closest to ``area_m2`` (bisection).

    ``candidate`` grows with x. The nearest piece of a cut shape can jump as it grows into a neighbour, so
    of the two ends the search closes on, the one closer to the area is kept.
    """
    for _ in range(40):
        mid = (low + high) / 2
        if candidate(mid).area < area_m2:
            low = mid
        else:
            high = mid
    return min((candidate(low), candidate(high)), key=lambda shape_: abs(shape_.area - area_m2))


def draw_clear_of_holes(anchor: Point, area_m2: float, bearing: float, aspect: float, keep_out, province):
    """Draw around ``anchor``; where the outline would ring a neighbour, move it off that neighbour and redraw.

    Returns the outline and how far its anchor moved (metres), which the uncertainty must include.
    """
    start = anchor
    if keep_out is not None and keep_out.contains(anchor):  # another outline holds this evidence already
        edge = shapely.ops.nearest_points(keep_out.boundary, anchor)[0]
        out_x, out_y = edge.x - anchor.x, edge.y - anchor.y
        length = math.hypot(out_x, out_y) or 1.0
        margin = math.sqrt(area_m2 / aspect) / 4
        anchor = Point(edge.x + out_x / length * margin, edge.y + out_y / length * margin)
    outline = draw_around(anchor, area_m2, bearing, aspect, keep_out, province)
    for _ in range(4):
        holes = [Polygon(ring) for part in getattr(outline, "geoms", [outline]) for ring in part.interiors]
        if not holes:
            break
        ringed = shapely.union_all(holes)
        away_x, away_y = anchor.x - ringed.centroid.x, anchor.y - ringed.centroid.y
        length = math.hypot(away_x, away_y) or 1.0
        step = math.sqrt(ringed.area) + math.sqrt(area_m2 / aspect) / 2
        anchor = Point(anchor.x + away_x / length * step, anchor.y + away_y / length * step)
        outline = draw_around(anchor, area_m2, bearing, aspect, keep_out, province)
    return outline, anchor.distance(start)


def _part_nearest(geometry, anchor: Point):
    parts = [p for p in getattr(geometry, "geoms", [geometry]) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return Polygon()
    return min(parts, key=lambda p: (p.distance(anchor), -p.area))


def without_slivers(geometry, min_m2: float = 5_000):
    parts = [p for p in getattr(geometry, "geoms", [geometry]) if p.geom_type == "Polygon" and p.area >= min_m2]
    return shapely.union_all(parts)


def aspect_for(area_m2: float, evidence: list[dict], near_water: bool) -> float:
    if near_water:  # riverside parks stretch along their bank; how far is not known
        return 1.8 + (math.sqrt(area_m2) * 0.0137) % 0.8
    if len(evidence) > 1:
        spread = max(r["point"].distance(evidence[0]["point"]) for r in evidence)
        if spread > 200:
            return min(2.5, 1.2 + spread / 2_000)
    # Nothing tells the shape: vary the proportions (from the area, so a rerun draws the same) rather than
    # stamp one shape everywhere. They mean nothing; the note and the uncertainty say so.
    return 1.1 + (math.sqrt(area_m2) * 0.0137) % 1.0


def regrow_zone(outline, area_m2: float, sea, province, members):
    """Return the zone's land: its outline off the sea, inside the city, with its members, grown to its area."""

    def candidate(distance: float):
        grown = outline.buffer(distance) if distance else outline
        return shapely.union_all([grown.intersection(province).difference(sea), *members])

    return grown_to_area(candidate, area_m2, -3_000.0, 8_000.0)


def split_north_south(outline, north_area_m2: float):
    """Cut ``outline`` along a parallel: the northern part of ``north_area_m2``, and the rest to the south."""
    minx, miny, maxx, maxy = outline.bounds
    low, high = miny, maxy
    for _ in range(50):
        mid = (low + high) / 2
        if outline.intersection(box(minx, mid, maxx, maxy)).area > north_area_m2:
            low = mid
        else:
            high = mid
    north = outline.intersection(box(minx, low, maxx, maxy))
    return north, outline.difference(north)


def grow_south(core, area_m2: float, keep_out, cut_y: float):
    """Return ``core`` grown evenly, south of ``cut_y`` and off ``keep_out``, to ``area_m2``."""
    minx, miny, maxx, maxy = core.bounds

    def candidate(distance: float):
        south = box(minx - 10_000, miny - 10_000, maxx + 10_000, cut_y)
        return _part_nearest(core.buffer(distance).intersection(south).difference(keep_out), core.centroid)

    return grown_to_area(candidate, area_m2, 0.0, 5_000.0)


# The free-trade zone's site 2 (QĐ 4068/QĐ-UBND, Oct 2025) lies south of Nam Đình Vũ's zones 1–2, between the
# park and the Lạch Huyện channel: the plan's 1,856-ha Nam Đình Vũ polygon holds the park (1,329 ha declared by
# its developer) in its north and the start of site 2 in its south.
