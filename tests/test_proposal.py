"""Checking a proposed site (geo/proposal.py): reading the drawn polygon and measuring it.

Measurements are checked against an independent computation: shapely over coordinates projected to
UTM 48N with pyproj directly. Zone kkt-a of tests/builders.py spans lon 106.60–106.70, lat 20.70–20.80.
"""

from __future__ import annotations

import json
import math

import pytest

import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from geo.analysis.proposal import MAX_VERTICES, evaluate_proposal, polygon_from_geojson, read_proposal
from geo.model.catalog import METRIC_CRS
from geo.model.errors import InvalidQuery
from geo.pipeline.derive import great_circle_km
from tests.builders import PARK_INSIDE, PARK_OVERLAP, PARK_STRADDLE, ZONE_A

TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
TO_LONLAT = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
CLUSTER = box(106.66, 20.78, 106.665, 20.785)  # ccn-vinh-niem in tests/builders.py
BOW_TIE = [[106.70, 20.80], [106.75, 20.85], [106.75, 20.80], [106.70, 20.85], [106.70, 20.80]]


def metric(shape):
    return shapely.transform(shape, TO_METRIC.transform, interleaved=False)


def body(geometry) -> bytes:
    document = mapping(geometry) if hasattr(geometry, "geom_type") else geometry
    return json.dumps(document).encode()


def polygon(ring: list) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def circle(vertices: int, radius_deg: float = 0.01) -> list[list[float]]:
    """A closed ring of ``vertices`` positions (the last repeating the first) around (106.7, 20.8)."""
    ring = [
        [
            106.7 + radius_deg * math.cos(2 * math.pi * i / (vertices - 1)),
            20.8 + radius_deg * math.sin(2 * math.pi * i / (vertices - 1)),
        ]
        for i in range(vertices - 1)
    ]
    return ring + [ring[0]]


# --- reading -----------------------------------------------------------------------------------


SQUARE = box(106.68, 20.77, 106.72, 20.80)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (mapping(SQUARE), SQUARE),
        ({"type": "Feature", "properties": {"name": "plot 7"}, "geometry": mapping(SQUARE)}, SQUARE),
        ({"type": "Feature", "geometry": mapping(SQUARE)}, SQUARE),  # no properties: lenient
        (polygon([[106.68, 20.77, 5], [106.72, 20.77, 5], [106.72, 20.8, 5], [106.68, 20.8, 5], [106.68, 20.77, 5]]),
         SQUARE),  # heights are dropped
        (mapping(MultiPolygon([SQUARE, box(106.75, 20.77, 106.76, 20.78)])),
         MultiPolygon([SQUARE, box(106.75, 20.77, 106.76, 20.78)])),
        (mapping(box(106.6, 20.7, 106.65, 20.75).difference(box(106.62, 20.72, 106.64, 20.74))),
         box(106.6, 20.7, 106.65, 20.75).difference(box(106.62, 20.72, 106.64, 20.74))),  # a hole
        (polygon([[106, 21], [107, 21], [107, 20.999], [106, 21]]),
         Polygon([(106, 21), (107, 21), (107, 20.999)])),  # integer coordinates
    ],
)  # fmt: skip
def test_polygons_are_read(document, expected):
    assert read_proposal(body(document)).equals(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "the request body is empty"),
        (b" \n ", "the request body is empty"),
        (b"not json", "the request body is not JSON (Expecting value: line 1 column 1"),
        (b'{"type": "Polygon"', "the request body is not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 20_000, "nested too deeply"),
        (b"[106.7, 20.8]", "not a GeoJSON object: expected a JSON object with a \"type\" member, got [106.7, 20.8]"),
        (b'"Polygon"', "not a GeoJSON object"),
        (b"{}", "not a GeoJSON object"),
        (b'{"type": 7, "coordinates": []}', "not a GeoJSON object"),
        (b'{"type": "Point", "coordinates": [106.7, 20.8]}', "a Point is not an area: send a Polygon or MultiPolygon"),
        (b'{"type": "MultiPoint", "coordinates": []}', "a MultiPoint is not an area"),
        (b'{"type": "LineString", "coordinates": [[106.7, 20.8], [106.8, 20.8]]}', "a LineString is not an area"),
        (b'{"type": "MultiLineString", "coordinates": []}', "a MultiLineString is not an area"),
        (b'{"type": "GeometryCollection", "geometries": []}', "a GeometryCollection is not an area"),
        (b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.7, 20.8]}}', "a Point is not an area"),
        (b'{"type": "Feature", "geometry": null, "properties": {}}', "the Feature has no geometry object (got null)"),
        (b'{"type": "Feature"}', "the Feature has no geometry object"),
        (b'{"type": "FeatureCollection", "features": []}', "'FeatureCollection' is not accepted: send one Polygon"),
        (b'{"type": "Circle", "radius": 5}', "'Circle' is not accepted"),
        (b'{"type": "polygon", "coordinates": []}', "'polygon' is not accepted"),
        (b'{"type": "Polygon", "coordinates": []}', "the Polygon is empty: it has no rings"),
        (b'{"type": "MultiPolygon", "coordinates": []}', "the MultiPolygon is empty"),
        (b'{"type": "MultiPolygon", "coordinates": [[]]}', "the MultiPolygon is empty"),
        (b'{"type": "Polygon"}', "coordinates: a polygon's coordinates are a list of rings, got null"),
        (b'{"type": "MultiPolygon", "coordinates": {}}', "a MultiPolygon's coordinates are a list of polygons"),
        (b'{"type": "Polygon", "coordinates": [[]]}', "coordinates[0]: a ring is a list of at least 4 positions"),
        (b'{"type": "Polygon", "coordinates": [[[106.7, 20.8], [106.8, 20.8], [106.7, 20.8]]]}',
         "a ring is a list of at least 4 positions"),
        (body(polygon([[106.7, 20.8], [106.8, 20.8], [106.8, 20.9], [106.7, 20.9]])),
         "coordinates[0]: the ring is not closed: its last position must repeat the first, [106.7, 20.8]"),
        (body(polygon([[106.7, 20.8], [106.8, "20.8"], [106.8, 20.9], [106.7, 20.8]])),
         'coordinates[0][1]: a position is 2 or 3 finite numbers (longitude, latitude[, height]), got [106.8, "20.8"]'),
        (body(polygon([[106.7, 20.8], [106.8], [106.8, 20.9], [106.7, 20.8]])), "coordinates[0][1]: a position is"),
        (body(polygon([[106.7, 20.8], [106.8, 20.8, 1, 2], [106.8, 20.9], [106.7, 20.8]])), "a position is"),
        (body(polygon([[106.7, 20.8], [True, 20.8], [106.8, 20.9], [106.7, 20.8]])), "a position is"),
        (body(polygon([[106.7, 20.8], None, [106.8, 20.9], [106.7, 20.8]])), "a position is"),
        (b'{"type": "Polygon", "coordinates": [[[106.7, 20.8], [1e999, 20.8], [106.8, 20.9], [106.7, 20.8]]]}',
         "a position is 2 or 3 finite numbers"),
        (b'{"type": "Polygon", "coordinates": [[[106.7, 20.8], [NaN, 20.8], [106.8, 20.9], [106.7, 20.8]]]}',
         "NaN is not a JSON number"),
        (b'{"type": "Polygon", "coordinates": [[[106.7, 20.8], [Infinity, 20.8], [106.8, 20.9], [106.7, 20.8]]]}',
         "Infinity is not a JSON number"),
        (body({"type": "MultiPolygon", "coordinates": [[circle(5)], [[[106.7, 20.8], [106.8, 20.8]]]]}),
         "coordinates[1][0]: a ring is a list of at least 4 positions"),
        (body(polygon(BOW_TIE)), "the outline crosses itself near 20.82500° N, 106.72500° E: redraw it there"),
        (body({"type": "Polygon", "coordinates": [circle(20), [[106.9, 20.9], [106.91, 20.9], [106.91, 20.91],
                                                               [106.9, 20.9]]]}),
         "a hole lies outside the outline near"),
        (body(MultiPolygon([box(106.7, 20.8, 106.72, 20.82), box(106.71, 20.81, 106.73, 20.83)])),
         "the outline crosses itself near"),
        (body(polygon([[106.7, 20.8], [106.7, 20.8], [106.7, 20.8], [106.7, 20.8]])),
         "a ring has too few distinct corners"),
        (body(box(2.30, 48.80, 2.40, 48.90)),
         "the proposal is far away: it spans lon 2.3..2.4, lat 48.8..48.9, not within the Hải Phòng region "
         "(lon 105.9..107.2, lat 20.45..21.25)"),
        (body(box(20.77, 106.68, 20.80, 106.72)), "the coordinates look like latitude, longitude"),
        (body(box(107.1, 21.2, 107.3, 21.3)), "far away"),  # partly outside
    ],
)  # fmt: skip
def test_bad_bodies_are_refused_with_a_reason(raw, message):
    with pytest.raises(InvalidQuery) as refused:
        read_proposal(raw)
    assert message in str(refused.value)


def test_far_away_without_the_swap_hint():
    with pytest.raises(InvalidQuery) as refused:
        read_proposal(body(box(2.30, 48.80, 2.40, 48.90)))
    assert "latitude, longitude" not in str(refused.value)


def test_more_than_5000_ha_is_refused_with_the_measured_area():
    big = box(106.70, 20.80, 106.775, 20.87)
    measured_ha = metric(big).area / 10_000
    assert 5_500 < measured_ha < 6_500
    with pytest.raises(InvalidQuery, match=r"at most 5,000 ha can be checked") as refused:
        read_proposal(body(big))
    stated = float(str(refused.value).split("measures ")[1].split(" ha")[0].replace(",", ""))
    assert stated == pytest.approx(measured_ha, rel=0.005)


def test_5000_vertices_are_accepted_and_5001_refused():
    assert len(read_proposal(body(polygon(circle(MAX_VERTICES)))).exterior.coords) == MAX_VERTICES
    with pytest.raises(InvalidQuery, match="the outline has 5,001 vertices; at most 5,000 are accepted: simplify it"):
        read_proposal(body(polygon(circle(MAX_VERTICES + 1))))


def test_vertices_are_counted_over_every_ring_and_part():
    two = {"type": "MultiPolygon", "coordinates": [[circle(2_500)], [circle(2_501, 0.02)]]}
    with pytest.raises(InvalidQuery, match="5,001 vertices"):
        polygon_from_geojson(two)


# --- measuring ---------------------------------------------------------------------------------


def expected_shares(proposal, shapes: dict) -> dict[str, float]:
    """Independent: % of the proposal's UTM area inside each shape."""
    area = metric(proposal).area
    return {name: 100 * metric(proposal).intersection(metric(shape)).area / area for name, shape in shapes.items()}


@pytest.mark.parametrize(
    ("proposal", "zone_expected"),
    [
        (box(106.68, 20.77, 106.72, 20.80), None),  # half inside kkt-a: 49.9987 % in UTM, so no zone
        (box(106.67, 20.77, 106.71, 20.80), "kkt-a"),  # three quarters inside kkt-a
        (box(106.705, 20.77, 106.745, 20.80), None),  # outside kkt-a, still over the straddling park
    ],
)
def test_zone_share_area_and_overlap_match_an_independent_computation(tiny, proposal, zone_expected):
    evaluation = evaluate_proposal(proposal, tiny)
    assert evaluation.area_ha == pytest.approx(metric(proposal).area / 10_000, rel=0.005)
    zone_share = expected_shares(proposal, {"kkt-a": ZONE_A})["kkt-a"]
    if zone_share > 0:
        assert [(z.id, z.name_en) for z in evaluation.zones] == [("kkt-a", "Khu kinh tế A")]
        assert evaluation.zones[0].share_pct == pytest.approx(zone_share, rel=0.005)
    else:
        assert evaluation.zones == ()
    assert (evaluation.zone.id if evaluation.zone else None) == zone_expected
    assert (evaluation.zone is not None) == (zone_share >= 50)
    [overlap] = evaluation.overlaps
    assert (overlap.id, overlap.layer, overlap.name_vi) == ("kcn-straddle", "industrial-parks", "KCN Vắt Ngang")
    expected_ha = metric(proposal).intersection(metric(PARK_STRADDLE)).area / 10_000
    assert overlap.overlap_ha == pytest.approx(expected_ha, rel=0.005)
    share = expected_shares(proposal, {"park": PARK_STRADDLE})["park"]
    assert overlap.share_of_proposal_pct == pytest.approx(share, rel=0.005)
    assert evaluation.computed_in == "EPSG:32648"


def test_just_under_half_is_not_in_the_zone_even_when_it_rounds_to_50(tiny):
    proposal = box(106.68, 20.77, 106.72, 20.80)
    assert 49.99 < expected_shares(proposal, {"kkt-a": ZONE_A})["kkt-a"] < 50
    evaluation = evaluate_proposal(proposal, tiny)
    assert evaluation.zones[0].share_pct == 50.0 and evaluation.zone is None


def test_overlaps_cover_parks_and_clusters_largest_first(tiny):
    proposal = box(106.625, 20.725, 106.67, 20.79)
    evaluation = evaluate_proposal(proposal, tiny)
    assert [(o.id, o.layer) for o in evaluation.overlaps] == [
        ("kcn-overlap", "industrial-parks"),  # wholly inside: 0.02° × 0.02°
        ("kcn-trang-due", "industrial-parks"),  # 0.015° × 0.015°
        ("ccn-vinh-niem", "industrial-clusters"),  # wholly inside: 0.005° × 0.005°
    ]
    expected = {"kcn-overlap": PARK_OVERLAP, "kcn-trang-due": PARK_INSIDE, "ccn-vinh-niem": CLUSTER}
    for overlap in evaluation.overlaps:
        area_ha = metric(proposal).intersection(metric(expected[overlap.id])).area / 10_000
        assert overlap.overlap_ha == pytest.approx(area_ha, rel=0.005)
    assert evaluation.zone.id == "kkt-a" and evaluation.zone.share_pct == 100.0


@pytest.mark.parametrize(
    "beside",
    [
        box(106.62, 20.70, 106.64, 20.72),  # shares kcn-trang-due's southern edge, vertex for vertex
        box(106.71, 20.77, 106.75, 20.80),  # along kcn-straddle's eastern edge, other vertices: a 2 m² sliver in UTM
    ],
)
def test_touching_a_park_along_an_edge_is_not_an_overlap(tiny, beside):
    assert evaluate_proposal(beside, tiny).overlaps == ()


def test_touching_a_zone_along_an_edge_is_not_being_in_it(tiny):
    evaluation = evaluate_proposal(box(106.70, 20.71, 106.72, 20.75), tiny)  # along kkt-a's eastern edge
    assert (evaluation.zones, evaluation.zone) == ((), None)


def test_centroid_and_distances(tiny):
    proposal = box(106.68, 20.77, 106.72, 20.80)
    evaluation = evaluate_proposal(proposal, tiny)
    lon, lat = TO_LONLAT.transform(*metric(proposal).centroid.coords[0])
    assert evaluation.centroid == (pytest.approx(lon, abs=1e-6), pytest.approx(lat, abs=1e-6))
    lach_huyen = tiny.layer("ports").gdf.loc["port-lach-huyen"]
    km = great_circle_km(lon, lat, lach_huyen["centroid_lon"], lach_huyen["centroid_lat"])
    assert evaluation.distances_km["lach_huyen"] == pytest.approx(km, abs=0.01)
    centre_km = great_circle_km(lon, lat, 106.6832, 20.8587)
    assert evaluation.distances_km["city_centre"] == pytest.approx(centre_km, abs=0.01)
    assert list(evaluation.distances_km) == ["lach_huyen", "nam_do_son", "cat_bi", "tien_lang_airport", "city_centre"]


def test_a_place_missing_from_the_data_has_no_distance(tmp_path):
    from geo import build_dataset
    from tests.test_sites import remove_feature, write_sites_dataset

    directory = write_sites_dataset(tmp_path / "data")
    remove_feature(directory, "airports", "airport-tien-lang")
    evaluation = evaluate_proposal(box(106.68, 20.77, 106.72, 20.80), build_dataset(directory))
    assert math.isnan(evaluation.distances_km["tien_lang_airport"])
    assert evaluation.distances_km["cat_bi"] > 0


def test_a_proposal_over_a_shipped_park_finds_it_and_its_zone(shipped):
    parks = shipped.layer("industrial-parks").gdf
    outline = parks.at["kcn-nam-dinh-vu", "geometry"]
    evaluation = evaluate_proposal(read_proposal(body(outline)), shipped)
    assert evaluation.overlaps[0].id == "kcn-nam-dinh-vu"
    assert evaluation.overlaps[0].share_of_proposal_pct == pytest.approx(100, abs=0.01)
    assert evaluation.area_ha == pytest.approx(parks.at["kcn-nam-dinh-vu", "area_computed_ha"], rel=0.001)
    assert evaluation.zone.id == "kkt-dinh-vu-cat-hai"
