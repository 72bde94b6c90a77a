"""Where features are, and whether their outlines agree with it.

Two inputs beside the layers: ``positions.csv``, the cited evidence for where each feature is (a map
pin, a tenant's plot, a commune's centre, ...), and ``context.geojson``, the geography features are
measured against (the province boundary, the sea, the rivers, commune and district centres).

Checks, each an ``Issue`` naming file, feature and field:
- a position record that is malformed (vocabulary, coordinates, source, date);
- an outline with no position evidence (error), or farther from its best evidence than its stated
  uncertainty (error), or claiming to be more certain than that evidence can be (warning);
- an outline on water, unless a source says the land was reclaimed (error);
- an outline across the province boundary (error);
- an outline far from the 2025 commune it declares (warning);
- two outlines overlapping by more than ``OVERLAP_HA`` with no 'shared_land' record on the overlap (warning).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from shapely.geometry import Point

from geo.model import parse
from geo.model.catalog import CONFIDENCES, CONTEXT_KINDS, METRIC_CRS, POSITION_MARKS, REGION, WEB_CRS
from geo.model.errors import Issue
from geo.model.files import CONTEXT_FILE, POSITIONS_FILE
from geo.model.text import fold

WATER_KINDS = ("sea", "river")
WATER_SHARE = 0.10  # an outline may overlap the (simplified) water this much before it is "on water"
WATER_HA = 3.0  # ... and at most this many hectares
# The neighbours' boundary is Natural Earth's 1:10m line, good to about a kilometre: an outline may reach this
# far into a neighbouring province before it is said to cross the boundary.
PROVINCE_TOLERANCE_M = 800
NESTED_SHARE = 0.9  # one outline this much inside another: a terminal in its park, not an overlap
OVERLAP_HA = 1.0  # overlaps larger than this between two outlines are reported
COMMUNE_DISTANCE_M = 5_000  # outline farther than this from the centre of its declared commune
_GEOMETRY_OF_KIND = {kind: "point" if kind == "place" else "polygon" for kind in CONTEXT_KINDS}
_POLYGONAL = ("Polygon", "MultiPolygon")
# Evidence that maps the feature's own outline: its point is a centroid, its radius the outline's reach.
OUTLINE_MARKS = ("gis_polygon", "osm_outline")
LAND_MARKS = ("reclaimed_land", "shared_land")  # what a source says of the land, not where the feature is


@dataclass(frozen=True)
class Evidence:
    """A feature's best position record: the one its outline must agree with."""

    record_id: str
    marks: str
    point: Point  # EPSG:32648 metres
    radius_m: float
    confidence: str


# ---------------------------------------------------------------- the files themselves


def validate_positions(positions: pd.DataFrame, feature_ids: set[str], source_ids: set[str]) -> list[Issue]:
    """Check every position record: a known feature, the vocabulary, coordinates in the region, a source, a date."""
    issues = []
    for record_id in sorted(set(positions["id"][positions["id"].duplicated() & (positions["id"] != "")])):
        issues.append(Issue("error", POSITIONS_FILE, record_id, "id", "duplicate record id: ids must be unique"))
    for row in positions.itertuples(index=False):
        label = row.id or "(no id)"
        issues += [Issue("error", POSITIONS_FILE, label, field, message) for field, message in _record_problems(
            row, feature_ids, source_ids
        )]
    return issues


def _record_problems(row, feature_ids: set[str], source_ids: set[str]) -> list[tuple[str, str]]:
    problems = []
    if not row.id or not parse.SLUG.match(row.id):
        problems.append(("id", f"'{row.id}' is not a slug id: use lower-case letters, digits and hyphens"))
    if row.feature_id not in feature_ids:
        problems.append(("feature_id", f"'{row.feature_id}' is not the id of a feature of any layer"))
    if row.marks not in POSITION_MARKS:
        problems.append(("marks", f"'{row.marks}' is not one of: {', '.join(POSITION_MARKS)}"))
    lon, lat = parse.number(row.lon), parse.number(row.lat)
    if lon is None or lat is None:
        problems.append(("lon", f"lon '{row.lon}' and lat '{row.lat}' must both be decimal degrees"))
    elif not REGION.contains(Point(lon, lat)):
        hint = " (latitude and longitude swapped?)" if REGION.contains(Point(lat, lon)) else ""
        problems.append(("lon", f"({lon}, {lat}) lies outside the Hải Phòng region{hint}"))
    radius = parse.number(row.radius_m)
    if radius is None or radius < 0:
        problems.append(("radius_m", f"'{row.radius_m}' must be the metres the marked thing may be from the feature"))
    if row.confidence not in CONFIDENCES:
        problems.append(("confidence", f"'{row.confidence}' is not one of: {', '.join(CONFIDENCES)}"))
    if row.source not in source_ids:
        problems.append(("source", f"unknown source '{row.source}': cite an id of sources.csv"))
    if not parse.is_date(row.as_of):
        problems.append(("as_of", f"malformed date '{row.as_of}': write YYYY, YYYY-MM or YYYY-MM-DD"))
    return problems


def validate_context(context: gpd.GeoDataFrame, source_ids: set[str]) -> list[Issue]:
    """Check the context geography: kinds, geometry of the kind, names, sources; exactly one province."""
    issues = []
    for row, geometry in zip(context.itertuples(index=False), context.geometry, strict=True):
        label = row.id or "(no id)"

        def error(field: str, message: str, label=label) -> None:
            issues.append(Issue("error", CONTEXT_FILE, label, field, message))

        if row.kind not in CONTEXT_KINDS:
            error("kind", f"'{row.kind}' is not one of: {', '.join(CONTEXT_KINDS)}")
        elif geometry is None or geometry.is_empty:
            error("geometry", "no geometry")
        elif (geometry.geom_type in _POLYGONAL) != (_GEOMETRY_OF_KIND[row.kind] == "polygon"):
            error("geometry", f"a {row.kind} is a {_GEOMETRY_OF_KIND[row.kind]}, found {geometry.geom_type}")
        elif not geometry.is_valid:
            error("geometry", "invalid geometry: repair it (shapely.make_valid, QGIS 'Fix geometries')")
        if not row.name_vi:
            error("name_vi", "empty: name the place, river or sea in Vietnamese")
        refs = parse.source_refs(row.sources)
        if not refs:
            error("sources", "no source: list at least one as 'source-id@YYYY'")
        for source_id, _ in refs:
            if source_id not in source_ids:
                error("sources", f"unknown source '{source_id}': add it to sources.csv")
    provinces = int((context["kind"] == "province").sum())
    if provinces > 1:
        issues.append(Issue("error", CONTEXT_FILE, None, "kind", f"{provinces} province features; keep exactly one"))
    return issues


# ---------------------------------------------------------------- outlines against evidence and geography


def in_evidence_order(positions: pd.DataFrame) -> pd.DataFrame:
    """Return the records best first per feature, land records last.

    Where-it-is records go by trust, then outlines (a mapped area is the feature itself) before points, then
    by precision.
    """
    ordered = positions.assign(
        _land=positions["marks"].isin(LAND_MARKS),
        _rank=positions["confidence"].map({c: i for i, c in enumerate(CONFIDENCES)}),
        _kind=~positions["marks"].isin(OUTLINE_MARKS),
        _radius=positions["radius_m"].map(parse.number),
    )
    keys = ["feature_id", "_land", "_rank", "_kind", "_radius", "id"]
    return ordered.sort_values(keys, kind="stable").drop(columns=keys[1:-1])


def best_evidence(positions: pd.DataFrame) -> dict[str, Evidence]:
    """Return each feature's best position record: the first of ``in_evidence_order``.

    Records that mark reclaimed or shared land say nothing of where the feature is and are left out.
    """
    best = in_evidence_order(positions[~positions["marks"].isin(LAND_MARKS)]).drop_duplicates("feature_id")
    if best.empty:
        return {}
    points = gpd.GeoSeries(
        gpd.points_from_xy(best["lon"].astype(float), best["lat"].astype(float)), crs=WEB_CRS
    ).to_crs(METRIC_CRS)
    return {
        row.feature_id: Evidence(row.id, row.marks, point, float(parse.number(row.radius_m)), row.confidence)
        for row, point in zip(best.itertuples(index=False), points, strict=True)
    }


def check_outlines(
    outlines: gpd.GeoDataFrame,
    positions: pd.DataFrame,
    context: gpd.GeoDataFrame,
    file_of: dict[str, str],
) -> list[Issue]:
    """Check every outline against its evidence, the water, the province boundary and its neighbours.

    ``outlines`` (EPSG:4326) holds every polygon feature of every layer, indexed by id, with the
    columns ``position_uncertainty_m``, ``commune_2025``, ``parent_id``, ``kind``;
    ``file_of`` maps a feature id to its geometry file, for the messages.
    """
    metric = outlines.to_crs(METRIC_CRS)
    context_metric = context.to_crs(METRIC_CRS)
    issues = _check_evidence(metric, positions, file_of)
    reclaimed = set(positions["feature_id"][positions["marks"] == "reclaimed_land"])
    issues += _check_water(metric, context_metric, reclaimed, file_of)
    issues += _check_province(metric, context_metric, file_of)
    issues += _check_declared_places(metric, context_metric, file_of)
    made_up = set(positions["feature_id"][positions["marks"] == "synthetic"])  # hpmap synth's scale-test parks
    issues += _check_overlaps(metric.drop(index=list(made_up & set(metric.index))), _shared_points(positions), file_of)
    return issues


def _shared_points(positions: pd.DataFrame) -> dict[str, list]:
    """Return, per feature, the points (EPSG:32648) where a source says its land is shared with another feature."""
    rows = positions[positions["marks"] == "shared_land"]
    if rows.empty:
        return {}
    points = gpd.GeoSeries(gpd.points_from_xy(rows["lon"].astype(float), rows["lat"].astype(float)), crs=WEB_CRS)
    shared: dict[str, list] = {}
    for feature_id, point in zip(rows["feature_id"], points.to_crs(METRIC_CRS), strict=True):
        shared.setdefault(feature_id, []).append(point)
    return shared


def _check_evidence(metric: gpd.GeoDataFrame, positions: pd.DataFrame, file_of: dict[str, str]) -> list[Issue]:
    best = best_evidence(positions)
    issues = []
    for feature_id, outline, uncertainty in zip(
        metric.index, metric.geometry, metric["position_uncertainty_m"], strict=True
    ):
        file = file_of[feature_id]
        if pd.isna(uncertainty) or uncertainty < 0:
            issues.append(
                Issue("error", file, feature_id, "position_uncertainty_m",
                      "missing or negative: state in metres how far the true outline may be from this one")
            )  # fmt: skip
            continue
        evidence = best.get(feature_id)
        if evidence is None:
            issues.append(
                Issue("error", POSITIONS_FILE, feature_id, "feature_id",
                      "no position evidence: add a sourced record of where the feature is (see data/README.md)")
            )  # fmt: skip
            continue
        distance = outline.distance(evidence.point)
        if distance > uncertainty:
            issues.append(
                Issue("error", file, feature_id, "geometry",
                      f"outline lies {distance:,.0f} m from its best evidence '{evidence.record_id}' "
                      f"({evidence.marks}), more than its stated uncertainty of {uncertainty:,.0f} m: "
                      "move the outline or state the uncertainty honestly")
            )  # fmt: skip
        elif uncertainty < evidence.radius_m and evidence.marks not in OUTLINE_MARKS:
            issues.append(
                Issue("warning", file, feature_id, "position_uncertainty_m",
                      f"states ±{uncertainty:,.0f} m but its best evidence '{evidence.record_id}' "
                      f"({evidence.marks}) is only good to {evidence.radius_m:,.0f} m")
            )  # fmt: skip
    return issues


def outline_evidence_distances(outlines: gpd.GeoDataFrame, positions: pd.DataFrame) -> pd.DataFrame:
    """Return, per outline, its best evidence's kind and the distance in metres between the two (0 inside)."""
    best = best_evidence(positions)
    metric = outlines.to_crs(METRIC_CRS)
    rows = []
    for feature_id, outline in metric.geometry.items():
        evidence = best.get(feature_id)
        rows.append(
            {
                "feature_id": feature_id,
                "marks": evidence.marks if evidence else None,
                "distance_m": round(outline.distance(evidence.point), 1) if evidence else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["feature_id", "marks", "distance_m"])


def _water(context_metric: gpd.GeoDataFrame):
    water = context_metric[context_metric["kind"].isin(WATER_KINDS)].geometry
    return shapely.union_all(water.to_numpy()) if len(water) else None


def _check_water(metric, context_metric, reclaimed: set[str], file_of) -> list[Issue]:
    water = _water(context_metric)
    if water is None or water.is_empty:
        return []
    shapely.prepare(water)
    issues = []
    for feature_id, outline in metric.geometry.items():
        if feature_id in reclaimed or not shapely.intersects(water, outline):
            continue
        wet = outline.intersection(water).area
        if wet > WATER_SHARE * outline.area and wet > WATER_HA * 10_000:
            issues.append(
                Issue("error", file_of[feature_id], feature_id, "geometry",
                      f"{wet / 10_000:,.1f} ha ({wet / outline.area:.0%}) of the outline lies on water "
                      f"({CONTEXT_FILE}): move it onto the bank the sources give, or cite a source for "
                      "reclaimed land (a 'reclaimed_land' record in positions.csv)")
            )  # fmt: skip
    return issues


def _check_province(metric, context_metric, file_of) -> list[Issue]:
    neighbours = context_metric[context_metric["kind"] == "neighbour"]
    if neighbours.empty:
        return []
    beyond = shapely.union_all(neighbours.geometry.buffer(-PROVINCE_TOLERANCE_M).to_numpy())
    shapely.prepare(beyond)
    issues = []
    for feature_id, outline in metric.geometry.items():
        if not shapely.intersects(beyond, outline):
            continue
        outside = outline.intersection(beyond).area / 10_000
        issues.append(
            Issue("error", file_of[feature_id], feature_id, "geometry",
                  f"{outside:,.1f} ha of the outline lies more than {PROVINCE_TOLERANCE_M} m inside a neighbouring "
                  f"province ({CONTEXT_FILE}): keep it on the Hải Phòng side")
        )  # fmt: skip
    return issues


def _check_declared_places(metric, context_metric, file_of) -> list[Issue]:
    places = context_metric[context_metric["kind"] == "place"]
    centres: dict[str, list] = {}
    for name, point in zip(places["name_vi"], places.geometry, strict=True):
        centres.setdefault(_place_key(name), []).append(point)
    issues = []
    declared = zip(metric.index, metric["commune_2025"].fillna(""), metric.geometry, strict=True)
    for feature_id, cell, outline in declared:
        name = _first_place(cell)
        points = centres.get(_place_key(name)) if name else None
        if not points:
            continue
        distance = min(outline.distance(point) for point in points)
        if distance > COMMUNE_DISTANCE_M:
            issues.append(
                Issue("warning", file_of[feature_id], feature_id, "commune_2025",
                      f"outline lies {distance / 1000:,.1f} km from the centre of {name}, the commune_2025 "
                      "it declares: check the position or the place")
            )  # fmt: skip
    return issues


def _first_place(cell: str) -> str:
    """Return the first place a commune or district cell names: 'Tân Trường (Cẩm Giàng)' → 'Tân Trường'."""
    head = cell.split(";")[0].split(",")[0].split("(")[0]
    return head.replace("(inferred)", "").strip()


_PLACE_PREFIXES = ("xa ", "phuong ", "thi tran ", "huyen ", "quan ", "thi xa ", "thanh pho ", "dac khu ")


def _place_key(name: str) -> str:
    key = fold(name).strip()
    for prefix in _PLACE_PREFIXES:
        key = key.removeprefix(prefix)
    return key


def _check_overlaps(metric: gpd.GeoDataFrame, shared_points: dict[str, list], file_of) -> list[Issue]:
    geometries = metric.geometry.to_numpy()
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    ids = metric.index.to_numpy()
    parents = metric["parent_id"].fillna("").to_numpy()
    kinds = metric["kind"].to_numpy()
    issues = []
    for i, j in zip(left, right, strict=True):
        if i >= j or parents[i] == ids[j] or parents[j] == ids[i] or _nested_kinds(kinds[i], kinds[j]):
            continue
        common = geometries[i].intersection(geometries[j])
        shared_ha = common.area / 10_000
        nested = common.area >= NESTED_SHARE * min(geometries[i].area, geometries[j].area)
        if shared_ha <= OVERLAP_HA or nested or _sourced(common, ids[i], ids[j], shared_points):
            continue
        issues.append(
            Issue("warning", file_of[ids[i]], ids[i], "geometry",
                  f"overlaps '{ids[j]}' by {shared_ha:,.1f} ha: separate the outlines, or cite a source that "
                  "they share land (a 'shared_land' record on the overlap in positions.csv)")
        )  # fmt: skip
    return issues


def _sourced(common, id_a: str, id_b: str, shared_points: dict[str, list]) -> bool:
    """Tell whether a 'shared_land' record of either feature lies on ``common``, the land both outlines cover."""
    points = [*shared_points.get(id_a, []), *shared_points.get(id_b, [])]
    return any(common.distance(point) < 1.0 for point in points)


def _nested_kinds(a: str, b: str) -> bool:
    """Zones and the free-trade zone contain parks and ports by design (a port area its terminals: parent_id)."""
    return bool({"economic_zone", "free_trade_zone", "free_trade_zone_site"} & {a, b})
