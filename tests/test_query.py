"""geo/query.py: bbox through the spatial index, property filters, paging and zoom, on real frames."""

from __future__ import annotations

import pytest
from pandas.testing import assert_frame_equal

import geopandas as gpd
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, Polygon, box

from geo.model.catalog import LAYERS, QUERYABLES, REGION_BOUNDS
from geo.model.errors import InvalidQuery
from geo.stores.query import (
    FeatureQuery,
    check_bbox,
    filter_vocabulary,
    matching,
    page,
    queryables,
    run_query,
    within_bbox,
)

# The tiny fixture's parks (tests/builders.py), in file order:
#   kcn-trang-due  106.62–106.64 × 20.72–20.74  operating, zone kkt-a, sectors electronics, area 490 ha
#   kcn-overlap    106.63–106.65 × 20.73–20.75  planned, zone kkt-a
#   kcn-straddle   106.69–106.71 × 20.76–20.78  under construction
#   kcn-outside    106.30–106.32 × 20.90–20.92  operating, former Hải Dương
ALL_PARKS = ["kcn-trang-due", "kcn-overlap", "kcn-straddle", "kcn-outside"]


@pytest.fixture(scope="module")
def parks(tiny):
    return tiny.layer("industrial-parks").gdf


def ids(gdf) -> list[str]:
    return list(gdf.index)


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        ((106.60, 20.70, 106.70, 20.80), ["kcn-trang-due", "kcn-overlap", "kcn-straddle"]),
        ((106.61, 20.71, 106.625, 20.725), ["kcn-trang-due"]),
        ((106.645, 20.745, 106.66, 20.76), ["kcn-overlap"]),
        ((106.64, 20.74, 106.645, 20.745), ["kcn-trang-due", "kcn-overlap"]),  # touching a corner counts
        ((106.63, 20.73, 106.63, 20.73), ["kcn-trang-due", "kcn-overlap"]),  # a point
        ((106.70, 20.70, 106.70, 20.80), ["kcn-straddle"]),  # a line
        ((-180, -90, 180, 90), ALL_PARKS),
        ((106.0, 20.0, 106.1, 20.1), []),
        ((-10, -10, 10, 10), []),
        # min lon > max lon: the box crosses the antimeridian, 170..180 and -180..max lon
        ((170, -90, 110, 90), ALL_PARKS),
        ((170, -90, 106.5, 90), ["kcn-outside"]),
        ((107, -90, -170, 90), []),
    ],
)
def test_within_bbox(parks, bbox, expected):
    assert ids(within_bbox(parks, bbox)) == expected


def test_antimeridian_box_finds_features_on_both_sides():
    places = gpd.GeoDataFrame(
        {"name": ["Taveuni", "Vava'u", "Hải Phòng", "Samoa"]},
        geometry=[Point(179.9, -16.8), box(-174.1, -18.8, -173.9, -18.6), Point(106.7, 20.8), Point(-172.1, -13.8)],
        crs="EPSG:4326",
    )
    assert list(within_bbox(places, (179, -20, -173, -15))["name"]) == ["Taveuni", "Vava'u"]
    assert list(within_bbox(places, (179, -20, -170, -10))["name"]) == ["Taveuni", "Vava'u", "Samoa"]
    assert list(within_bbox(places, (-173, -20, 179, -15))["name"]) == []


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ((1, 2, 3), "expected 4 numbers"),
        ((1, 2, 3, 4, 5, 6), "expected 4 numbers"),
        ((), "expected 4 numbers"),
        (("106", "20", "east", "21"), "expected numbers"),
        ((106, 20, None, 21), "expected numbers"),
        ((float("nan"), 20, 107, 21), "finite"),
        ((106, 20, float("inf"), 21), "finite"),
        ((-181, 20, 107, 21), "longitude -181.0 is outside -180..180"),
        ((106, 20, 180.5, 21), "longitude 180.5 is outside -180..180"),
        ((106, -91, 107, 21), "latitude -91.0 is outside -90..90"),
        ((106, 20, 107, 90.1), "latitude 90.1 is outside -90..90"),
        ((20.8, 106.6, 20.9, 106.7), "latitude 106.6 is outside"),  # lat/lon swapped
        ((106.5, 21.0, 106.8, 20.5), "min latitude 21.0 is above max latitude 20.5"),
    ],
)
def test_bad_bbox_is_refused(bbox, message):
    with pytest.raises(InvalidQuery, match=message):
        check_bbox(bbox)


def test_edges_of_the_world_are_valid_boxes():
    assert check_bbox((-180, -90, 180, 90)) == (-180.0, -90.0, 180.0, 90.0)
    assert check_bbox((180, 0, -180, 0)) == (180.0, 0.0, -180.0, 0.0)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([], ALL_PARKS),
        ([("status", ["planned"])], ["kcn-overlap"]),
        ([("status", ["planned", "under_construction"])], ["kcn-overlap", "kcn-straddle"]),
        ([("status", ["proposed"])], []),
        ([("kind", ["industrial_park"])], ALL_PARKS),
        ([("sectors", ["electronics"])], ["kcn-trang-due"]),  # a list property contains the value
        ([("sectors", ["garments"])], []),
        ([("aliases", ["LG park"])], ["kcn-trang-due"]),
        ([("zone_id", ["kkt-a"])], ["kcn-trang-due", "kcn-overlap"]),
        ([("former_province", ["hai-duong"])], ["kcn-outside"]),
        ([("name_vi", ["KCN Tràng Duệ"])], ["kcn-trang-due"]),
        ([("name_vi", ["kcn tràng duệ"])], []),  # equality is exact
        ([("id", ["kcn-straddle", "kcn-nowhere"])], ["kcn-straddle"]),
        ([("area_ha", ["490"])], ["kcn-trang-due"]),  # numbers compare as numbers
        ([("area_ha", ["490.0"])], ["kcn-trang-due"]),
        ([("area_ha", ["4.9e2"])], ["kcn-trang-due"]),
        ([("area_ha", ["491"])], []),
        ([("geometry_quality", ["indicative"]), ("status", ["operating"])], ["kcn-outside"]),
        ([("zone_id", ["kkt-a"]), ("status", ["under_construction"])], []),
    ],
)
def test_matching(parks, filters, expected):
    assert ids(matching(parks, filters)) == expected


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ([("colour", ["red"])], "no property 'colour'"),
        ([("geometry", ["x"])], "no property 'geometry'"),
        ([("area_ha", ["many"])], "area_ha: expected a number, got 'many'"),
        ([("area_ha", ["nan"])], "expected a number"),
        ([("area_ha", ["inf"])], "expected a number"),
        ([("area_ha", [""])], "expected a number"),
    ],
)
def test_bad_filter_is_refused(parks, filters, message):
    with pytest.raises(InvalidQuery, match=message):
        matching(parks, filters)


@pytest.mark.parametrize(
    ("offset", "limit", "expected", "has_next", "has_previous"),
    [
        (0, 100, ALL_PARKS, False, False),
        (0, 2, ALL_PARKS[:2], True, False),
        (2, 2, ALL_PARKS[2:], False, True),
        (1, 2, ALL_PARKS[1:3], True, True),
        (3, 10, ALL_PARKS[3:], False, True),
        (4, 10, [], False, True),
        (10**18, 10, [], False, True),
        (0, 1, ALL_PARKS[:1], True, False),
    ],
)
def test_page(parks, offset, limit, expected, has_next, has_previous):
    result = page(parks, offset=offset, limit=limit)
    assert ids(result.features) == expected
    assert (result.number_matched, result.number_returned) == (4, len(expected))
    assert (result.has_next, result.has_previous) == (has_next, has_previous)


@pytest.mark.parametrize(
    ("offset", "limit", "message"),
    [
        (-1, 10, "offset: expected a whole number of at least 0, got -1"),
        (0, 0, "limit: expected a whole number of at least 1, got 0"),
        (0, -5, "limit"),
        (0, 1.5, "limit"),
        (0.0, 10, "offset"),
        (True, 10, "offset"),
        ("3", 10, "offset"),
    ],
)
def test_bad_page_is_refused(parks, offset, limit, message):
    with pytest.raises(InvalidQuery, match=message):
        page(parks, offset=offset, limit=limit)


def test_empty_results_keep_the_columns(parks):
    empty = run_query(parks, FeatureQuery(bbox=(0, 0, 1, 1)))
    assert empty.number_matched == 0
    assert list(empty.features.columns) == list(parks.columns)
    assert empty.features.crs == parks.crs
    assert page(parks.iloc[:0]).number_matched == 0


def test_run_query_applies_bbox_then_filters_then_page(parks):
    query = FeatureQuery(bbox=(106.60, 20.70, 106.70, 20.80), filters=(("status", ("operating", "planned")),), limit=1)
    first = run_query(parks, query)
    second = run_query(parks, FeatureQuery(bbox=query.bbox, filters=query.filters, offset=1, limit=1))
    assert (ids(first.features), ids(second.features)) == (["kcn-trang-due"], ["kcn-overlap"])
    assert first.number_matched == second.number_matched == 2
    assert first.has_next and not second.has_next


def test_queries_never_modify_their_input(parks):
    before = parks.copy()
    run_query(parks, FeatureQuery(bbox=(170, -90, 110, 90), filters=(("sectors", ("electronics",)),), offset=0))
    matching(parks, [("area_ha", ["490"])])
    page(parks, offset=1, limit=1)
    assert_geodataframe_equal(parks, before)


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.name)
def test_every_shipped_feature_is_in_its_layer_bounds_and_the_region(shipped, spec):
    gdf = shipped.layer(spec.name).gdf
    if not gdf.empty:  # an empty layer (factories) has no bounds: total_bounds is all NaN
        assert ids(within_bbox(gdf, tuple(gdf.total_bounds))) == ids(gdf)
    assert ids(within_bbox(gdf, REGION_BOUNDS)) == ids(gdf)
    assert ids(within_bbox(gdf, (-180, -90, 0, 90))) == []


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.name)
def test_shipped_filters_partition_each_layer_by_status(shipped, spec):
    gdf = shipped.layer(spec.name).gdf
    parts = [ids(matching(gdf, [("status", [status])])) for status in filter_vocabulary(spec)["status"]]
    assert sorted(sum(parts, [])) == sorted(ids(gdf))


def test_every_layer_has_queryables_with_their_vocabularies():
    for spec in LAYERS:
        assert queryables(spec) == QUERYABLES[spec.name]
        vocabularies = filter_vocabulary(spec)
        assert vocabularies["kind"] == spec.kinds
        assert set(vocabularies) == {"kind", "status", "former_province", "geometry_quality"}


# --- zoom: the page's geometries simplified --------------------------------------------------------


@pytest.fixture
def bumpy():
    """Two parks: one whose bump, poking 70 m east, alone reaches the box (106.70, 20.70, 106.80, 20.80)."""
    bump = Polygon([(106.60, 20.70), (106.6995, 20.70), (106.6995, 20.74), (106.7002, 20.75), (106.6995, 20.76),
                    (106.6995, 20.80), (106.60, 20.80)])  # fmt: skip
    return gpd.GeoDataFrame({"status": ["operating", "planned"]}, geometry=[bump, box(106.5, 20.5, 106.55, 20.55)],
                            index=["kcn-bump", "kcn-far"], crs="EPSG:4326")  # fmt: skip


def test_zoom_simplifies_the_page_and_selects_by_the_stored_geometry(bumpy):
    query = FeatureQuery(bbox=(106.70, 20.70, 106.80, 20.80), zoom=8)
    result = run_query(bumpy, query)
    assert ids(result.features) == ["kcn-bump"] and result.number_matched == 1  # the bump counts
    simple = result.features.geometry.iloc[0]
    assert not simple.intersects(box(*query.bbox))  # though at zoom 8 it is gone
    assert simple.is_valid and len(simple.exterior.coords) < len(bumpy.geometry.iloc[0].exterior.coords)
    assert list(result.features.columns) == list(bumpy.columns) and result.features.crs == bumpy.crs


def test_zoom_changes_geometries_only(parks):
    plain, zoomed = run_query(parks, FeatureQuery(limit=2)), run_query(parks, FeatureQuery(limit=2, zoom=3))
    assert (ids(zoomed.features), zoomed.number_matched, zoomed.has_next) == (ids(plain.features), 4, True)
    assert_frame_equal(zoomed.features.drop(columns="geometry"), plain.features.drop(columns="geometry"))


def test_without_zoom_geometries_are_as_stored(bumpy):
    assert_geodataframe_equal(run_query(bumpy, FeatureQuery()).features, bumpy)


@pytest.mark.parametrize("zoom", [-1, 23, 2.0, "12"])
def test_a_bad_zoom_is_refused(parks, zoom):
    with pytest.raises(InvalidQuery, match="zoom: expected a whole number from 0 to 22"):
        run_query(parks, FeatureQuery(zoom=zoom))


def test_zoom_never_modifies_the_input(bumpy):
    before = bumpy.copy()
    run_query(bumpy, FeatureQuery(zoom=0))
    assert_geodataframe_equal(bumpy, before)
