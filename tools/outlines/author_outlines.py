"""Author the project's outlines from the position evidence (data/positions.csv) and the context geography.

Run from the repository root: ``.venv/bin/python tools/outlines/author_outlines.py [--roads LINES.geojson …]``,
beside shared/ (it re-traces the seaport reference in ../shared/reference/ports-gis). It rewrites the
geometry files of data/ in place; review the diff and run ``hpmap validate`` after it.

What it does, per feature (see data/README.md, "Geometry and its quality"):
- Outlines taken from the seaport plan's layer (quality ``traced``) are re-drawn with our own vertices,
  spaced along the edge from an offset start: the reference is followed, never copied.
- Every other park and cluster is drawn around its best evidence (positions.csv): a rectangle of the
  declared area (or the nominal area when none is published), its long side along the nearest river bank
  when one lies within RIVER_REACH_M, else along the line between its evidence points; then cut by the
  water, kept inside the city and off the neighbours already drawn, and grown back to its area.
- Each gets ``position_uncertainty_m``: the best evidence's own radius plus half the outline's width for
  drawn outlines (the shape is not known), a fixed TRACED_UNCERTAINTY_M for re-traced ones.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

from notes_vi import with_vietnamese_notes
from tracing import CLEARANCE_M, retrace

import geopandas as gpd
import shapely
import shapely.ops
from shapely import affinity
from shapely.geometry import Point, Polygon, box, mapping, shape

DATA = Path("data")
METRIC = "EPSG:32648"
LAYERS = ("economic-zones", "industrial-parks", "industrial-clusters", "ports", "airports")
DRAWN = ("industrial-parks", "industrial-clusters")
NOMINAL_HA = {"industrial-parks": 100.0, "industrial-clusters": 30.0}
TRACED_UNCERTAINTY_M = 150
RIVER_REACH_M = 2_500
ROAD_REACH_M = 1_500  # a park this close to a national road or railway is drawn along it, on its evidence's side

CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


def read_collection(layer: str) -> dict:
    return json.loads((DATA / f"{layer}.geojson").read_text(encoding="utf-8"))


def write_collection(layer: str, document: dict) -> None:
    document = with_vietnamese_notes(document)  # each note in Vietnamese too (geometry_note_vi)
    (DATA / f"{layer}.geojson").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def to_metric(geometry):
    return gpd.GeoSeries([geometry], crs=4326).to_crs(METRIC).iloc[0]


def to_wgs84(geometry):
    out = gpd.GeoSeries([geometry], crs=METRIC).to_crs(4326).iloc[0]
    return shapely.set_precision(shapely.make_valid(out), 1e-6)


def declared_areas() -> dict[str, float]:
    areas = {}
    with (DATA / "figures.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["field"] == "area_ha" and row["shown"] == "yes":
                areas[row["feature_id"]] = float(row["value"])
    return areas


def evidence_by_feature() -> dict[str, list[dict]]:
    records: dict[str, list[dict]] = {}
    with (DATA / "positions.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["marks"] == "reclaimed_land":
                continue
            row["point"] = to_metric(Point(float(row["lon"]), float(row["lat"])))
            records.setdefault(row["feature_id"], []).append(row)
    for rows in records.values():
        rows.sort(key=lambda r: (CONFIDENCE_RANK[r["confidence"]], float(r["radius_m"]), r["id"]))
    return records


def context() -> tuple:
    document = json.loads((DATA / "context.geojson").read_text(encoding="utf-8"))
    water, province = [], None
    for feature in document["features"]:
        kind = feature["properties"]["kind"]
        if kind in ("sea", "river"):
            water.append(to_metric(shape(feature["geometry"])))
        elif kind == "province":
            province = to_metric(shape(feature["geometry"]))
    return shapely.union_all(water), province


# ---------------------------------------------------------------- drawing around evidence


def read_roads(paths: list[Path]):
    """Return the national roads and railways given (metric), to orient and bound outlines; None without any."""
    lines = [to_metric(shape(f["geometry"])) for path in paths for f in json.loads(path.read_text())["features"]]
    return shapely.union_all(lines) if lines else None


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


def _without_slivers(geometry, min_m2: float = 5_000):
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


def is_drawn(layer: str, properties: dict) -> bool:
    return (layer in DRAWN and properties["geometry_quality"] != "traced") or properties["id"] in DRAWN_ELSEWHERE


DRAWN_ELSEWHERE = {"airport-tien-lang", "ftz-site-1-southern"}  # placeholders in other layers, re-placed by evidence


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
NAM_DINH_VU, FTZ_SITE_2 = "kcn-nam-dinh-vu", "ftz-site-2-nam-dinh-vu"
ZONE_LAYER_DRAWN_BELOW = {FTZ_SITE_2}
PORTS_GIS = Path("../shared/reference/ports-gis/port_berths.geojson")  # checked against, re-traced, never copied


def plan_polygon(name: str):
    """Return the seaport plan's polygon called ``name`` (EPSG:32648), to be re-traced."""
    plan = gpd.read_file(PORTS_GIS)
    return shapely.union_all(plan[plan["ten"] == name].to_crs(METRIC).geometry.to_numpy())


def reference_clearance():
    """Return a function moving any vertex within CLEARANCE_M of a seaport-plan vertex off it (cuts may land there)."""
    plan = gpd.read_file(PORTS_GIS).to_crs(METRIC)
    vertices = shapely.get_coordinates(plan.geometry.to_numpy())
    tree = shapely.STRtree(shapely.points(vertices))

    def clear(geometry):
        def move(coords):
            out = coords.copy()
            for i, (x, y) in enumerate(coords):
                near = tree.query(Point(x, y), predicate="dwithin", distance=CLEARANCE_M)
                if len(near):
                    out[i] = (x + 2 * CLEARANCE_M, y + 2 * CLEARANCE_M)
            return out

        return shapely.make_valid(shapely.transform(geometry, move))

    return clear


def attribute(layer: str, column: str) -> dict[str, str]:
    with (DATA / f"{layer}.csv").open(encoding="utf-8") as handle:
        return {row["id"]: row[column] for row in csv.DictReader(handle)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--roads", type=Path, nargs="*", default=[],
        help="GeoJSON lines of national roads and railways, used only to orient outlines and keep them on their "
             "evidence's side (not shipped: see data/README.md)",
    )  # fmt: skip
    args = parser.parse_args()
    areas = declared_areas()
    parents = {fid: p for layer in LAYERS for fid, p in attribute(layer, "parent_id").items()}
    zone_of = {fid: z for layer in LAYERS for fid, z in attribute(layer, "zone_id").items()}
    kinds = attribute("economic-zones", "kind")
    retraced: dict[str, object] = {}
    evidence = evidence_by_feature()
    water, province = context()
    roads = read_roads(args.roads)
    documents = {layer: read_collection(layer) for layer in LAYERS}
    drawn_so_far = []
    for layer in LAYERS:
        for feature in documents[layer]["features"]:
            properties = feature["properties"]
            fid = properties["id"]
            if is_drawn(layer, properties) or fid in ZONE_LAYER_DRAWN_BELOW or kinds.get(fid) == "economic_zone":
                continue  # drawn below
            outline = retrace(to_metric(shape(feature["geometry"])))
            if fid == NAM_DINH_VU:  # our earlier outline was the plan's, shrunk to the park's area: start again
                outline = retrace(plan_polygon("KHU CÔNG NGHIỆP NAM ĐÌNH VŨ"))
                outline, south_part = split_north_south(outline, areas[fid] * 10_000)
                retraced["_south_of_nam_dinh_vu"] = ("none", south_part)
            neighbours = [
                g for other, (_, g) in retraced.items()
                if parents.get(fid) != other and parents.get(other) != fid
                and g.intersection(outline).area < 0.5 * min(g.area, outline.area)  # nested: a terminal in its park
            ]  # fmt: skip
            if neighbours:  # adjacent plan polygons scaled to their declared areas must not overlap
                outline = _without_slivers(outline.difference(shapely.union_all(neighbours)))
            retraced[fid] = (layer, outline)
            feature["geometry"] = mapping(to_wgs84(outline))
            radius = float(evidence[fid][0]["radius_m"]) if fid in evidence else 0.0
            properties["position_uncertainty_m"] = str(int(max(TRACED_UNCERTAINTY_M, radius)))
            if layer not in ("airports", "economic-zones"):  # parks may stand inside a free-trade-zone site
                drawn_so_far.append(outline)
    # Larger outlines first: a small park anchored inside a larger one's rectangle is then pushed to its
    # edge, rather than the larger one drawn around it with a hole.
    to_draw = [
        (layer, feature) for layer in LAYERS for feature in documents[layer]["features"]
        if is_drawn(layer, feature["properties"])
    ]  # fmt: skip
    to_draw.sort(key=lambda item: -areas.get(item[1]["properties"]["id"], NOMINAL_HA.get(item[0], 100.0)))
    for layer, feature in to_draw:
        properties = feature["properties"]
        fid = properties["id"]
        records = evidence[fid]
        best = records[0]
        anchor = agreeing_centre(records)
        area_m2 = areas.get(fid, NOMINAL_HA.get(layer, 100.0)) * 10_000
        bearing, why = bearing_of(anchor, records, water, roads)
        near_water = why.startswith(("long side along the nearest river", "long side along the national"))
        aspect = aspect_for(area_m2, records, near_water)
        keep_out = shapely.union_all([water, *drawn_so_far, *([roads.buffer(15)] if roads is not None else [])])
        outline, shift = draw_clear_of_holes(anchor, area_m2, bearing, aspect, keep_out, province)
        if layer != "economic-zones":  # zones and their sites contain parks by design
            drawn_so_far.append(outline)
            retraced[fid] = (layer, outline)  # a zone member like the traced ones
        width = math.sqrt(area_m2 / aspect)
        uncertainty = int(math.ceil((float(best["radius_m"]) + width / 2 + shift) / 100.0) * 100)
        feature["geometry"] = mapping(to_wgs84(outline))
        properties["position_uncertainty_m"] = str(uncertainty)
        properties["geometry_quality"] = "approximate" if best["confidence"] == "high" else "indicative"
        known = "declared area" if fid in areas else f"nominal {NOMINAL_HA.get(layer, 100):.0f} ha (area unknown)"
        properties["geometry_note"] = (
            f"Drawn around its position evidence (best: {best['marks'].replace('_', ' ')}, record {best['id']}): "
            f"a shape of the {known}, {why}, cut by the water and its neighbours. The true outline is not "
            f"known; it may lie up to about {uncertainty:,} m from this one."
        )
        properties["geometry_sources"] = " ".join(dict.fromkeys(r["source"] for r in records))
    south_part = retraced.pop("_south_of_nam_dinh_vu")[1]
    for feature in documents["economic-zones"]["features"]:
        properties = feature["properties"]
        if properties["id"] != FTZ_SITE_2:
            continue
        park = retraced[NAM_DINH_VU][1]
        others = shapely.union_all([g for fid, (_, g) in retraced.items() if fid != FTZ_SITE_2])
        outline = grow_south(south_part, areas[FTZ_SITE_2] * 10_000, others.union(park), park.bounds[1] + 1)
        feature["geometry"] = mapping(to_wgs84(outline))
        best = evidence[FTZ_SITE_2][0]
        properties["position_uncertainty_m"] = str(int(max(1_500, float(best["radius_m"]))))
        properties["geometry_quality"] = "indicative"
        properties["geometry_note"] = (
            "South of Nam Đình Vũ zones 1–2 and north of the Lạch Huyện channel, as the final decision (QĐ 4068/"
            "QĐ-UBND, Oct 2025) bounds it: the southern part of the seaport plan's Nam Đình Vũ land beyond the "
            "park's declared 1,329 ha, grown over the tidal flats to the site's 1,077 ha. Indicative."
        )
        properties["geometry_sources"] = " ".join(dict.fromkeys(r["source"] for r in evidence[FTZ_SITE_2]))
        retraced[FTZ_SITE_2] = ("economic-zones", outline)
    sea = water  # the province is land; rivers inside a zone stay in it
    for feature in documents["economic-zones"]["features"]:
        properties = feature["properties"]
        if kinds[properties["id"]] != "economic_zone" or properties["id"] not in areas:
            continue  # the free-trade-zone sites are drawn where the decision or the plan puts them
        members = [g for fid, (_, g) in retraced.items() if zone_of.get(fid) == properties["id"]]
        members += [to_metric(shape(f["geometry"])) for f in documents["economic-zones"]["features"]
                    if zone_of.get(f["properties"]["id"]) == properties["id"]]  # its free-trade-zone sites
        land = shapely.union_all([province, *members])
        outline = regrow_zone(
            to_metric(shape(feature["geometry"])), areas[properties["id"]] * 10_000, sea.difference(land), land, members
        )
        feature["geometry"] = mapping(to_wgs84(outline.simplify(60)))
        properties["position_uncertainty_m"] = "5000"
        properties["geometry_note"] = (
            "No boundary map is published: drawn as land around the parks, ports and communes the establishment "
            "decisions list, off the sea, inside the city, grown evenly to the declared area. Indicative."
        )
    parents_of_sites = {p for fid, p in parents.items() if kinds.get(fid) == "free_trade_zone_site"}
    for feature in documents["economic-zones"]["features"]:
        properties = feature["properties"]
        if properties["id"] not in parents_of_sites:
            continue
        zone_layer = documents["economic-zones"]["features"]
        sites = [f for f in zone_layer if parents.get(f["properties"]["id"]) == properties["id"]]
        feature["geometry"] = mapping(to_wgs84(shapely.union_all([to_metric(shape(f["geometry"])) for f in sites])))
        properties["position_uncertainty_m"] = str(max(int(f["properties"]["position_uncertainty_m"]) for f in sites))
        properties["geometry_quality"] = "indicative"
        properties["geometry_note"] = "The union of its sites, each drawn where the decision puts it: see the sites."
        properties["geometry_sources"] = " ".join(dict.fromkeys(r["source"] for r in evidence[properties["id"]]))
    clear = reference_clearance()
    for layer in LAYERS:
        for feature in documents[layer]["features"]:
            feature["geometry"] = mapping(to_wgs84(clear(to_metric(shape(feature["geometry"])))))
        write_collection(layer, documents[layer])


if __name__ == "__main__":
    main()
