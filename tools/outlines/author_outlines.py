"""Author the project's outlines from the position evidence (data/positions.csv) and the context geography.

Run from the repository root: ``.venv/bin/python tools/outlines/author_outlines.py``. It rewrites the
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

import csv
import json
import math
from pathlib import Path

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
SPACING_FRACTION = 1 / 14  # re-traced rings get about 14 vertices at least
MIN_SPACING_M = 35.0
START_OFFSET = 0.37  # of one spacing: no vertex lands on the reference's first vertex
CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


def read_collection(layer: str) -> dict:
    return json.loads((DATA / f"{layer}.geojson").read_text(encoding="utf-8"))


def write_collection(layer: str, document: dict) -> None:
    (DATA / f"{layer}.geojson").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def to_metric(geometry):
    return gpd.GeoSeries([geometry], crs=4326).to_crs(METRIC).iloc[0]


def to_wgs84(geometry):
    out = gpd.GeoSeries([geometry], crs=METRIC).to_crs(4326).iloc[0]
    return shapely.set_precision(out, 1e-6)


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


# ---------------------------------------------------------------- re-tracing


def retrace(geometry):
    """Return ``geometry`` (metric) re-drawn with vertices spaced along its rings, none of the originals."""
    parts = []
    for part in getattr(geometry, "geoms", [geometry]):
        shell = _resample(part.exterior)
        holes = [h for h in (_resample(ring) for ring in part.interiors) if h and len(h) >= 4]
        parts.append(shapely.make_valid(Polygon(shell, holes)))
    return shapely.union_all(parts)


def _resample(ring):
    length = ring.length
    spacing = max(MIN_SPACING_M, length * SPACING_FRACTION)
    steps = max(8, int(length // spacing))
    step = length / steps
    return [(p.x, p.y) for p in (ring.interpolate(((START_OFFSET + i) * step) % length) for i in range(steps))]


# ---------------------------------------------------------------- drawing around evidence


def bearing_of(anchor: Point, evidence: list[dict], water) -> tuple[float, str]:
    """Return the long side's direction in degrees from east, and why."""
    if water is not None and not water.is_empty and anchor.distance(water) < RIVER_REACH_M:
        near = shapely.ops.nearest_points(anchor, water)[1]
        dx, dy = near.x - anchor.x, near.y - anchor.y
        return math.degrees(math.atan2(dy, dx)) + 90.0, "long side along the nearest river bank"
    others = [r["point"] for r in evidence[1:] if r["point"].distance(anchor) > 200]
    if others:
        dx, dy = others[0].x - anchor.x, others[0].y - anchor.y
        return math.degrees(math.atan2(dy, dx)), "long side along the line between its evidence points"
    return 0.0, "orientation unknown (east–west drawn)"


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

    low, high = 1.0, 8.0
    for _ in range(40):
        mid = (low + high) / 2
        if candidate(mid).area < area_m2:
            low = mid
        else:
            high = mid
    return candidate(high)


def _part_nearest(geometry, anchor: Point):
    parts = [p for p in getattr(geometry, "geoms", [geometry]) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return Polygon()
    return min(parts, key=lambda p: (p.distance(anchor), -p.area))


def _without_slivers(geometry, min_m2: float = 5_000):
    parts = [p for p in getattr(geometry, "geoms", [geometry]) if p.geom_type == "Polygon" and p.area >= min_m2]
    return shapely.union_all(parts)


def aspect_for(feature_id: str, evidence: list[dict], near_water: bool) -> float:
    if near_water:
        return 2.2  # riverside parks stretch along their bank
    if len(evidence) > 1:
        spread = max(r["point"].distance(evidence[0]["point"]) for r in evidence)
        return min(2.5, 1.2 + spread / 2_000)
    return 1.0 + (len(feature_id) % 7) / 10  # no evidence of the shape: vary it, and say so


def regrow_zone(outline, area_m2: float, sea, province, members):
    """Return the zone's land: its outline off the sea, inside the city, with its members, grown to its area."""

    def candidate(distance: float):
        grown = outline.buffer(distance) if distance else outline
        return shapely.union_all([grown.intersection(province).difference(sea), *members])

    low, high = -3_000.0, 8_000.0
    for _ in range(40):
        mid = (low + high) / 2
        if candidate(mid).area < area_m2:
            low = mid
        else:
            high = mid
    return candidate(high)


def is_drawn(layer: str, properties: dict) -> bool:
    return (layer in DRAWN and properties["geometry_quality"] != "traced") or properties["id"] in DRAWN_ELSEWHERE


DRAWN_ELSEWHERE = {"airport-tien-lang", "ftz-site-1-southern"}  # placeholders in other layers, re-placed by evidence


def attribute(layer: str, column: str) -> dict[str, str]:
    with (DATA / f"{layer}.csv").open(encoding="utf-8") as handle:
        return {row["id"]: row[column] for row in csv.DictReader(handle)}


def main() -> None:
    areas = declared_areas()
    parents = {fid: p for layer in LAYERS for fid, p in attribute(layer, "parent_id").items()}
    zone_of = {fid: z for layer in LAYERS for fid, z in attribute(layer, "zone_id").items()}
    retraced: dict[str, object] = {}
    evidence = evidence_by_feature()
    water, province = context()
    documents = {layer: read_collection(layer) for layer in LAYERS}
    drawn_so_far = []
    for layer in LAYERS:
        for feature in documents[layer]["features"]:
            properties = feature["properties"]
            fid = properties["id"]
            if is_drawn(layer, properties) or layer == "economic-zones":
                continue  # drawn below
            outline = retrace(to_metric(shape(feature["geometry"])))
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
            if layer != "airports":
                drawn_so_far.append(outline)
    for layer in LAYERS:
        for feature in documents[layer]["features"]:
            properties = feature["properties"]
            fid = properties["id"]
            if not is_drawn(layer, properties):
                continue
            records = evidence[fid]
            best = records[0]
            anchor = best["point"]
            area_m2 = areas.get(fid, NOMINAL_HA.get(layer, 100.0)) * 10_000
            bearing, why = bearing_of(anchor, records, water)
            near_water = why.startswith("long side along the nearest river")
            aspect = aspect_for(fid, records, near_water)
            keep_out = shapely.union_all([water, *drawn_so_far]) if drawn_so_far else water
            outline = draw_around(anchor, area_m2, bearing, aspect, keep_out, province)
            if layer != "economic-zones":  # zones and their sites contain parks by design
                drawn_so_far.append(outline)
                retraced[fid] = (layer, outline)  # a zone member like the traced ones
            width = math.sqrt(area_m2 / aspect)
            uncertainty = int(math.ceil((float(best["radius_m"]) + width / 2) / 100.0) * 100)
            feature["geometry"] = mapping(to_wgs84(outline))
            properties["position_uncertainty_m"] = str(uncertainty)
            properties["geometry_quality"] = "approximate" if best["confidence"] == "high" else "indicative"
            known = "declared area" if fid in areas else f"nominal {NOMINAL_HA.get(layer, 100):.0f} ha (area unknown)"
            properties["geometry_note"] = (
                f"Drawn around its best position evidence ({best['marks'].replace('_', ' ')}, record {best['id']}): "
                f"a shape of the {known}, {why}, cut by the water and its neighbours. The true outline is not "
                f"known; it may lie up to about {uncertainty:,} m from this one."
            )
            properties["geometry_sources"] = " ".join(dict.fromkeys(r["source"] for r in records))
    sea = water  # the province is land; rivers inside a zone stay in it
    for feature in documents["economic-zones"]["features"]:
        properties = feature["properties"]
        if is_drawn("economic-zones", properties) or properties["id"] not in areas:
            continue
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
    for layer in LAYERS:
        write_collection(layer, documents[layer])


if __name__ == "__main__":
    main()
