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

from drawing import (
    CONFIDENCE_RANK,
    METRIC,
    agreeing_centre,
    aspect_for,
    bearing_of,
    draw_clear_of_holes,
    grow_south,
    regrow_zone,
    split_north_south,
    to_metric,
    to_wgs84,
    without_slivers,
)
from notes_vi import with_vietnamese_notes
from tracing import CLEARANCE_M, retrace

import geopandas as gpd
import shapely
import shapely.ops
from shapely.geometry import Point, mapping, shape

DATA = Path("data")
LAYERS = ("economic-zones", "industrial-parks", "industrial-clusters", "ports", "airports")
DRAWN = ("industrial-parks", "industrial-clusters")
NOMINAL_HA = {"industrial-parks": 100.0, "industrial-clusters": 30.0}
TRACED_UNCERTAINTY_M = 150



def read_collection(layer: str) -> dict:
    return json.loads((DATA / f"{layer}.geojson").read_text(encoding="utf-8"))


def write_collection(layer: str, document: dict) -> None:
    document = with_vietnamese_notes(document)  # each note in Vietnamese too (geometry_note_vi)
    (DATA / f"{layer}.geojson").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


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


def is_drawn(layer: str, properties: dict) -> bool:
    return (layer in DRAWN and properties["geometry_quality"] != "traced") or properties["id"] in DRAWN_ELSEWHERE


DRAWN_ELSEWHERE = {"airport-tien-lang", "ftz-site-1-southern"}  # placeholders in other layers, re-placed by evidence


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
                outline = without_slivers(outline.difference(shapely.union_all(neighbours)))
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
