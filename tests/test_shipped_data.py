"""The embedded data set: complete, sourced, and where the references say."""

from __future__ import annotations

import csv
import json

import pytest

import geopandas as gpd
from shapely.geometry import Point

from geo import inspect_dataset
from geo.model.catalog import METRIC_CRS, STATUSES, WEB_CRS
from geo.model.files import geometry_columns
from geo.model.text import fold
from tests.conftest import DATA_DIR, SHARED

REFERENCE_CSV = SHARED / "reference" / "facts_entities.csv"
PORTS_GIS = SHARED / "reference" / "ports-gis" / "port_berths.geojson"
CAT_BI_ARP = (106.72306, 20.81694)  # aerodrome reference point, Vietnam eAIP (lon, lat)

# Every entity the source articles in shared/sources/ name, by layer and (folded) name.
NAMED_IN_ARTICLES = [
    ("economic-zones", "dinh vu cat hai"),
    ("economic-zones", "ven bien phia nam"),
    ("industrial-parks", "nomura"),
    ("industrial-parks", "kcn dinh vu"),
    ("industrial-parks", "deep c hai phong ii"),
    ("industrial-parks", "nam dinh vu"),
    ("industrial-parks", "trang due"),
    ("industrial-parks", "vsip"),
    ("industrial-parks", "kcn do son"),
    ("industrial-parks", "nam cau kien"),
    ("industrial-parks", "vinfast"),
    ("industrial-clusters", "vinh niem"),
    ("industrial-clusters", "tan lien"),
    ("industrial-clusters", "ccn an lao"),
    ("ports", "lach huyen"),
    ("ports", "nam do son"),
    ("ports", "dinh vu"),
    ("ports", "hoang dieu"),
    ("ports", "chua ve"),
    ("ports", "van uc"),
    ("airports", "cat bi"),
    ("airports", "tien lang"),
]


def test_the_shipped_data_has_no_error_and_no_warning():
    dataset, issues = inspect_dataset(DATA_DIR)
    assert dataset is not None
    assert [str(i) for i in issues] == []


@pytest.mark.parametrize(("layer", "name"), NAMED_IN_ARTICLES, ids=[n for _, n in NAMED_IN_ARTICLES])
def test_every_entity_named_in_the_articles_is_on_its_layer(shipped, layer, name):
    gdf = shipped.layer(layer).gdf
    names = [fold(" ".join([row["name_vi"], row["name_en"], *row["aliases"]])) for _, row in gdf.iterrows()]
    assert any(name in text for text in names), f"{name} not on {layer}"


def test_layers_hold_the_expected_features(shipped):
    parks = shipped.layer("industrial-parks").gdf
    assert len(parks) >= 50
    assert (parks["former_province"] == "hai-duong").sum() >= 20
    assert {"operating", "under_construction", "planned"} <= set(parks["status"])
    zones = shipped.layer("economic-zones").gdf
    assert zones.loc["kkt-dinh-vu-cat-hai", "area_ha"] == 22540
    assert zones.loc["kkt-ven-bien-phia-nam-hai-phong", "area_ha"] == 20000
    assert {"ftz-site-1-southern", "ftz-site-2-nam-dinh-vu", "ftz-site-3-cat-hai"} <= set(zones.index)


def test_lach_huyen_berth_groups_carry_their_status(shipped):
    ports = shipped.layer("ports").gdf
    assert ports.loc["port-lach-huyen-berths-1-2-hict", "status"] == "operating"
    assert ports.loc["port-lach-huyen-berths-3-4", "status"] == "operating"
    assert ports.loc["port-lach-huyen-berths-5-6-hhit", "status"] == "operating"
    assert ports.loc["port-lach-huyen-berths-7-8", "status"] == "under_construction"
    assert ports.loc["port-lach-huyen-berths-9-22", "status"] == "planned"
    assert ports.loc["port-nam-do-son", "status"] == "planned"


def test_conflicting_areas_are_kept_and_one_is_shown(shipped):
    park = shipped.layer("industrial-parks").gdf.loc["kcn-dinh-vu-deep-c-1"]
    values = {f["value"]: f["shown"] for f in park["figures"] if f["field"] == "area_ha"}
    assert values == {541.0: True, 1254.0: False, 906.7: False, 116.0: False, 161.0: False, 540.0: False}
    assert park["area_ha"] == 541 and "area_ha" in park["conflicts"]


def test_every_feature_has_the_required_properties(shipped):
    for layer in shipped.layers.values():
        for feature_id, row in layer.gdf.iterrows():
            assert row["name_vi"] and row["name_en"], feature_id
            assert row["status"] in STATUSES, feature_id
            assert row["sources"], feature_id
            for source in row["sources"]:
                # A figure no source dates has no as_of (its note says so); a description is always dated.
                assert source["location"] and (source["as_of"] or "description" not in source["fields"]), source


def test_declared_areas_match_the_outlines_within_15_percent(shipped):
    for layer in shipped.layers.values():
        known = layer.gdf[layer.gdf["area_ha"].notna()]
        ratio = known["area_computed_ha"] / known["area_ha"]
        assert ratio.between(0.85, 1.15).all(), ratio[~ratio.between(0.85, 1.15)]


def test_cat_bi_outline_covers_its_reference_point(shipped):
    airport = shipped.layer("airports").gdf.loc["airport-cat-bi"]
    assert airport.geometry.contains(Point(*CAT_BI_ARP))


@pytest.mark.skipif(not PORTS_GIS.exists(), reason="the port GIS reference is not beside this checkout")
def test_traced_outlines_lie_where_the_port_gis_layer_says(shipped):
    reference = gpd.read_file(PORTS_GIS).to_crs(METRIC_CRS).union_all().buffer(300)
    checked = 0
    for layer in shipped.layers.values():
        traced = layer.gdf[(layer.gdf["geometry_quality"] == "traced")]
        for feature_id, row in traced.iterrows():
            assert "ref-ports-gis" in row["geometry_sources"], feature_id
            outline = gpd.GeoSeries([row.geometry], crs=WEB_CRS).to_crs(METRIC_CRS).iloc[0]
            inside = outline.intersection(reference).area / outline.area
            assert inside > 0.85, (feature_id, inside)
            checked += 1
    assert checked >= 20


@pytest.mark.skipif(not REFERENCE_CSV.exists(), reason="the reference fact sheet is not beside this checkout")
def test_every_entity_of_the_reference_fact_sheet_is_in_the_data(shipped):
    with REFERENCE_CSV.open(encoding="utf-8") as handle:
        slugs = {row["slug"] for row in csv.DictReader(handle)}
    slugs.discard("ftz-hai-phong")  # the free-trade zone is mapped through its three sites
    ours = {fid for layer in shipped.layers.values() for fid in layer.gdf.index}
    assert slugs - ours == set()


def test_geojson_files_are_plain_rfc7946():
    for path in DATA_DIR.glob("*.geojson"):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert "crs" not in document, path.name
        columns = geometry_columns(path.name)
        for feature in document["features"]:
            assert set(feature["properties"]) == set(columns)


# ------------------------------------------------------------------ outlines are our own


def _vertices(geometry) -> list[tuple[float, float]]:
    parts = getattr(geometry, "geoms", [geometry])
    return [xy for part in parts for ring in [part.exterior, *part.interiors] for xy in ring.coords]


@pytest.mark.skipif(not PORTS_GIS.exists(), reason="the seaport reference layer is in shared/, beside the checkout")
def test_no_outline_repeats_a_vertex_of_the_seaport_reference(shipped):
    """The reference layer has no licence: we trace our own outlines against it, never copy its vertices."""
    from shapely import STRtree

    reference = gpd.read_file(PORTS_GIS).to_crs(METRIC_CRS)
    points = [Point(xy) for geometry in reference.geometry for xy in _vertices(geometry)]
    tree = STRtree(points)
    copied = {}
    for name, layer in shipped.layers.items():
        if layer.spec.geometry != "polygon":
            continue
        for feature_id, geometry in layer.gdf.geometry.to_crs(METRIC_CRS).items():
            ours = [Point(xy) for xy in _vertices(geometry)]
            hits = sum(len(tree.query(point, predicate="dwithin", distance=1.0)) > 0 for point in ours)
            if hits:
                copied[f"{name}/{feature_id}"] = hits
    assert copied == {}


def _shape_signature(geometry) -> tuple:
    """The outline's shape, blind to position, size and rotation: its rounded turning angles and edge ratios."""
    import math

    ring = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area).exterior
    coords = list(ring.coords)[:-1]
    following = coords[1:] + coords[:1]
    edges = [(x1 - x0, y1 - y0) for (x0, y0), (x1, y1) in zip(coords, following, strict=True)]
    lengths = [math.hypot(dx, dy) for dx, dy in edges]
    scale = math.sqrt(abs(ring.envelope.area)) or 1.0
    turns = [
        round(math.degrees(math.atan2(a[0] * b[1] - a[1] * b[0], a[0] * b[0] + a[1] * b[1])) / 5)
        for a, b in zip(edges, edges[1:] + edges[:1], strict=True)
    ]
    ratios = [round(length / scale, 1) for length in lengths]
    rotations = [tuple(zip(turns[i:] + turns[:i], ratios[i:] + ratios[:i], strict=True)) for i in range(len(turns))]
    return min(rotations)


def test_no_more_than_a_tenth_of_park_and_cluster_outlines_share_one_shape(shipped):
    from collections import Counter

    signatures = Counter()
    for name in ("industrial-parks", "industrial-clusters"):
        outlines = shipped.layer(name).gdf.geometry.to_crs(METRIC_CRS)
        signatures.update(_shape_signature(geometry) for geometry in outlines)
    total = sum(signatures.values())
    assert max(signatures.values()) <= total / 10, signatures.most_common(1)


def test_no_park_or_cluster_outline_rings_another_feature(shipped):
    from shapely.geometry import Polygon

    outlines = {
        feature_id: geometry
        for layer in shipped.layers.values() if layer.spec.geometry == "polygon"
        for feature_id, geometry in layer.gdf.geometry.items()
    }  # fmt: skip
    ringed = []
    for name in ("industrial-parks", "industrial-clusters"):
        for feature_id, geometry in shipped.layer(name).gdf.geometry.items():
            holes = [Polygon(ring) for part in getattr(geometry, "geoms", [geometry]) for ring in part.interiors]
            ringed += [(feature_id, other) for hole in holes for other, shape in outlines.items()
                       if other != feature_id and hole.intersects(shape)]  # fmt: skip
    assert ringed == []
