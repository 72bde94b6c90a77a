"""Server-side clustering: GET /api/collections/{id}/clusters, geo.stores.clusters, and both stores agreeing."""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from urllib.parse import quote

import numpy as np
import pytest
from psycopg import sql

import shapely
from shapely.geometry import Point, shape

from geo import postgis
from geo.formats.synthetic import write_synthetic_dataset
from geo.model.errors import InvalidQuery
from geo.stores import clusters as clustering
from geo.stores.clusters import MAX_CELLS, bin_points, cell_size
from geo.stores.query import FeatureQuery
from tests.builders import write_dataset
from tests.conftest import DATA_DIR
from tests.postgis import STORES, app_config
from tests.test_factories import add_factory
from webmap import create_app

JSON = "application/json"
GEOJSON = "application/geo+json"
HOSTILE = '<img src=x onerror="alert(1)"><script>'
# Three factories: a and b share a cell up to zoom 13, c lies 35 km away (cells computed by hand).
FACTORY_A = {"type": "Point", "coordinates": [106.625, 20.725]}  # in kcn-trang-due (tests/builders.py)
FACTORY_B = {"type": "Point", "coordinates": [106.635, 20.735]}  # in kcn-trang-due, planned
FACTORY_C = {"type": "Point", "coordinates": [106.31, 20.91]}  # in kcn-outside
CLUSTERS = "/api/collections/factories/clusters"


@pytest.fixture(scope="module", params=STORES)
def store(request):
    """Where the features come from: the files, or PostGIS loaded from them (tests/postgis.py)."""
    return request.param


def _serve(request, store: str, data_dir):
    app = create_app(app_config(request, store, data_dir))
    request.addfinalizer(app.extensions["hpmap.store"].close)
    return app.test_client()


@pytest.fixture(scope="module")
def three_dir(tmp_path_factory):
    directory = write_dataset(tmp_path_factory.mktemp("three") / "data")
    add_factory(directory, "factory-a", geometry=FACTORY_A)
    add_factory(directory, "factory-b", geometry=FACTORY_B, status="planned")
    add_factory(directory, "factory-c", geometry=FACTORY_C, parent_id="kcn-outside")
    return directory


@pytest.fixture(scope="module")
def three(request, store, three_dir):
    return _serve(request, store, three_dir)


@pytest.fixture(scope="module")
def shipped_client(request, store):
    return _serve(request, store, DATA_DIR)


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    """A small synthetic data set: 300 park outlines and 900 factory points, as `hpmap synth` writes them."""
    return write_synthetic_dataset(DATA_DIR, tmp_path_factory.mktemp("synth") / "data", count=300, seed=7)


def ok(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type == GEOJSON
    return response.get_json(force=True)


def refused(client, url: str, status: int = 400) -> str:
    response = client.get(url)
    assert (response.status_code, response.content_type) == (status, JSON), response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == status and body["description"]
    return body["description"]


def cells(body: dict) -> list[tuple]:
    """Return each cluster as (count, id or None, lon, lat)."""
    return [
        (f["properties"]["count"], f["properties"].get("id"), *f["geometry"]["coordinates"]) for f in body["features"]
    ]


# --- the grid ------------------------------------------------------------------------------------


@pytest.mark.parametrize("zoom", range(23))
def test_cells_are_60_pixels_of_the_zoom_level(zoom):
    assert cell_size(zoom) == 60 * 360 / (256 * 2**zoom) == 84.375 / 2**zoom


@pytest.mark.parametrize("zoom", [-1, 23, 1.0, True, None, "3"])
def test_a_zoom_outside_0_to_22_is_refused(zoom):
    with pytest.raises(InvalidQuery, match="zoom: expected a whole number from 0 to 22"):
        cell_size(zoom)


def naive_clusters(lons, lats, ids, zoom) -> list[tuple]:
    """The clusters by a plain loop: (row, column, count, mean lon, mean lat, lone id), by row then column."""
    size, groups = cell_size(zoom), defaultdict(list)
    for lon, lat, feature_id in zip(lons, lats, ids, strict=True):
        if math.isfinite(lon) and math.isfinite(lat):
            groups[(math.floor(lat / size), math.floor(lon / size))].append((lon, lat, feature_id))
    return [
        (row, column, len(members), sum(m[0] for m in members) / len(members),
         sum(m[1] for m in members) / len(members), members[0][2] if len(members) == 1 else None)
        for (row, column), members in sorted(groups.items())
    ]  # fmt: skip


def as_tuples(found: clustering.Clusters) -> list[tuple]:
    return list(
        zip(found.rows.tolist(), found.columns.tolist(), found.counts.tolist(), found.lons.tolist(),
            found.lats.tolist(), found.feature_ids, strict=True)
    )  # fmt: skip


@pytest.mark.parametrize("zoom", [0, 3, 8, 12, 16, 22])
@pytest.mark.parametrize("spread", ["hai-phong", "world"])
def test_binning_matches_a_plain_loop(zoom, spread):
    # Both ways of finding the occupied cells (an array over a small grid, sorting over a large one),
    # negative coordinates, and a point without coordinates (left out).
    rng = random.Random(zoom)
    if spread == "world":
        points = [(rng.uniform(-180, 180), rng.uniform(-85, 85)) for _ in range(3000)]
    else:
        points = [(rng.uniform(106.15, 106.95), rng.uniform(20.60, 21.05)) for _ in range(3000)]
    points += [points[0], (math.nan, math.nan)]  # two features at one place
    lons, lats = (np.array(values) for values in zip(*points, strict=True))
    ids = np.array([f"f-{n}" for n in range(len(points))], dtype=object)
    found, expected = as_tuples(bin_points(lons, lats, ids, zoom)), naive_clusters(lons, lats, ids, zoom)
    assert [cell[:3] + cell[5:] for cell in found] == [cell[:3] + cell[5:] for cell in expected]
    assert np.allclose([cell[3:5] for cell in found], [cell[3:5] for cell in expected], rtol=0, atol=1e-9)
    assert sum(cell[2] for cell in found) == len(points) - 1


def test_nothing_to_bin_gives_no_cell():
    found = bin_points(np.array([]), np.array([]), np.array([], dtype=object), 12)
    assert (found.number_matched, found.feature_texts(), found.cell_size) == (0, [], cell_size(12))


def test_an_answer_holds_at_most_max_cells_cells():
    columns = np.arange(MAX_CELLS + 1)
    lons, lats = (columns + 0.5) * cell_size(22), np.full(MAX_CELLS + 1, 0.5 * cell_size(22))
    ids = np.array([f"f-{n}" for n in columns], dtype=object)
    assert bin_points(lons[:-1], lats[:-1], ids[:-1], 22).counts.tolist() == [1] * MAX_CELLS
    with pytest.raises(InvalidQuery, match="more than 10,000 cells; ask for a smaller bbox .* or a lower zoom"):
        bin_points(lons, lats, ids, 22)
    assert bin_points(lons, lats, ids, 0).counts.tolist() == [MAX_CELLS + 1]


def test_a_hostile_id_is_json_data_in_the_cluster_text():
    ids = np.array([HOSTILE + '"}]},\\', "x"], dtype=object)
    found = bin_points(np.array([106.7, 0.0]), np.array([20.8, 0.0]), ids, 12)
    texts = found.feature_texts()
    assert [json.loads(text)["properties"]["id"] for text in texts] == ["x", HOSTILE + '"}]},\\']
    assert found.features == [json.loads(text) for text in texts]


# --- the endpoint, on both stores ------------------------------------------------------------------


def test_cells_of_three_factories(three):
    body = ok(three, f"{CLUSTERS}?zoom=10")
    assert (body["type"], body["zoom"], body["cellSize"]) == ("FeatureCollection", 10, 0.0823974609375)
    assert (body["numberMatched"], body["numberReturned"]) == (3, 2)
    # Row 251 (a and b, at their mean), then row 253 (c, at its own position): south to north.
    assert cells(body) == [(2, None, pytest.approx(106.63, abs=1e-12), pytest.approx(20.73, abs=1e-12)),
                           (1, "factory-c", 106.31, 20.91)]  # fmt: skip
    assert all(f["geometry"]["type"] == "Point" and "id" not in f for f in body["features"])
    assert cells(ok(three, f"{CLUSTERS}?zoom=0")) == [(3, None, pytest.approx(106.52333333333), pytest.approx(20.79))]
    apart = ok(three, f"{CLUSTERS}?zoom=16")
    assert [(c[0], c[1]) for c in cells(apart)] == [(1, "factory-a"), (1, "factory-b"), (1, "factory-c")]
    assert [c[2:] for c in cells(apart)] == [(106.625, 20.725), (106.635, 20.735), (106.31, 20.91)]


def test_links_point_to_these_clusters_and_the_collection(three):
    body = ok(three, f"{CLUSTERS}?zoom=12&status=operating")
    links = {link["rel"]: link for link in body["links"]}
    assert links["self"]["href"] == f"http://localhost{CLUSTERS}?zoom=12&status=operating"
    assert links["self"]["type"] == GEOJSON
    assert links["collection"]["href"] == "http://localhost/api/collections/factories"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bbox=106.6,20.7,106.7,20.8", [(2, None)]),  # kcn-trang-due's two
        ("bbox=106.6,20.7,106.63,20.73", [(1, "factory-a")]),
        ("bbox=106.0,20.0,106.5,21.0", [(1, "factory-c")]),
        ("bbox=107,20,108,21", []),
        ("bbox=106.63,20.7,106.62,21", [(1, "factory-b"), (1, "factory-c")]),  # across the antimeridian: not a
        ("status=operating", [(1, "factory-a"), (1, "factory-c")]),
        ("status=planned", [(1, "factory-b")]),
        ("status=planned&status=operating", [(2, None), (1, "factory-c")]),
        ("parent_id=kcn-outside", [(1, "factory-c")]),
        ("id=factory-a&id=factory-c", [(1, "factory-a"), (1, "factory-c")]),
        ("bbox=106.6,20.7,106.7,20.8&status=operating", [(1, "factory-a")]),
        ("kind=factory&former_province=hai-duong", []),
    ],
)
def test_bbox_and_filters_select_as_items_do(three, query, expected):
    body = ok(three, f"{CLUSTERS}?zoom=10&{query}")
    assert [(count, feature_id) for count, feature_id, *_ in cells(body)] == expected
    items = ok(three, f"/api/collections/factories/items?{query}")
    assert body["numberMatched"] == items["numberMatched"] == sum(count for count, *_ in cells(body))


@pytest.mark.parametrize("name", ["economic-zones", "industrial-parks", "industrial-clusters", "ports", "airports"])
@pytest.mark.parametrize("zoom", [0, 9, 12, 22])
def test_every_collection_clusters_and_counts_add_up(shipped_client, name, zoom):
    body = ok(shipped_client, f"/api/collections/{name}/clusters?zoom={zoom}")
    items = ok(shipped_client, f"/api/collections/{name}/items?limit=1000")
    counts = [count for count, *_ in cells(body)]
    assert body["numberMatched"] == sum(counts) == items["numberMatched"] > 0
    assert body["numberReturned"] == len(body["features"]) and min(counts) >= 1
    outlines = {feature["id"]: shape(feature["geometry"]) for feature in items["features"]}
    size = cell_size(zoom)
    keys = []
    for count, feature_id, lon, lat in cells(body):
        keys.append((math.floor(lat / size), math.floor(lon / size)))
        if count == 1:  # a lone feature's cluster is its point on surface: inside its outline, linked by id
            assert outlines[feature_id].covers(Point(lon, lat))
        else:
            assert feature_id is None
    assert keys == sorted(set(keys))  # one cluster per cell, by row then column; each in its own cell


def test_an_empty_collection_has_no_cluster(shipped_client):
    body = ok(shipped_client, f"{CLUSTERS}?zoom=5")
    assert (body["numberMatched"], body["numberReturned"], body["features"]) == (0, 0, [])


# --- refusals: the same 400s as the items' -----------------------------------------------------------

ZOOM_REFUSED = [
    ("", "zoom: required: the web map zoom level to cluster for, a whole number 0 to 22"),
    ("bbox=106,20,107,21", "zoom: required"),
    ("zoom=23", "zoom: expected a whole number from 0 to 22, got '23'"),
    ("zoom=-1", "got '-1'"),
    ("zoom=1.5", "got '1.5'"),
    ("zoom=", "got ''"),
    ("zoom=%D9%A3", "zoom: expected a whole number"),
    ("zoom=99999999999999999999999999", "zoom: expected a whole number from 0 to 22"),
    ("zoom=12&zoom=13", "'zoom' is given 2 times"),
    ("zoom=12&limit=10", "unknown query parameter 'limit'; the parameters of this endpoint are: zoom, bbox, "
                         "bbox-crs, f, lang, id, name_vi"),
    ("zoom=12&offset=10", "unknown query parameter 'offset'"),
    ("zoom=12&f=xml", "f: expected one of json, geojson, got 'xml'"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "message"), ZOOM_REFUSED)
def test_a_missing_or_bad_zoom_is_refused(three, query, message):
    assert message in refused(three, f"{CLUSTERS}?{query}")


@pytest.mark.parametrize(
    "query",
    [
        "bbox=106,20,107", "bbox=106,20,inf,21", "bbox=106.6,21,106.7,20", "bbox=200,20,210,21",
        "bbox=106,20,107,21&bbox-crs=EPSG:4326", "status=closed", "status=", "kind=airport",
        "year_established=nineteen", "Status=planned", "sectors=",
    ],
)  # fmt: skip
def test_bad_selections_get_the_items_400(three, query):
    message = refused(three, f"{CLUSTERS}?zoom=3&{query}")
    items_message = refused(three, f"/api/collections/factories/items?{query}")
    assert message.split("; the parameters")[0] == items_message.split("; the parameters")[0]


def test_an_unknown_collection_is_404(three):
    assert "no layer 'nope'" in refused(three, "/api/collections/nope/clusters?zoom=3", status=404)
    refused(three, "/api/collections/nope/clusters?zoom=99", status=404)  # the collection first, as for items


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"{CLUSTERS}?zoom={quote(HOSTILE)}", 400),
        (f"{CLUSTERS}?zoom=3&status={quote(HOSTILE)}", 400),
        (f"{CLUSTERS}?zoom=3&{quote(HOSTILE)}=1", 400),
        (f"{CLUSTERS}?zoom=3&bbox={quote(HOSTILE)},1,2,3", 400),
        (f"/api/collections/{quote(HOSTILE, safe='')}/clusters?zoom=3", 404),
    ],
)
def test_hostile_strings_come_back_only_inside_json(three, url, status):
    response = three.get(url)
    assert (response.status_code, response.content_type) == (status, JSON)
    assert response.get_data(as_text=True).startswith("{") and HOSTILE in response.get_json()["description"]


@pytest.mark.parametrize("query", [f"id={quote(HOSTILE)}", f"parent_id={quote(HOSTILE)}", f"name_vi={quote(HOSTILE)}"])
def test_a_hostile_filter_value_matches_nothing(three, query):
    body = ok(three, f"{CLUSTERS}?zoom=3&{query}")
    assert (body["numberMatched"], body["features"]) == (0, [])


def test_clusters_are_cacheable(three):
    first = three.get(f"{CLUSTERS}?zoom=10")
    assert first.headers["ETag"].startswith('W/"') and first.headers["Cache-Control"] == "public, max-age=300"
    assert three.get(f"{CLUSTERS}?zoom=10", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert three.get(f"{CLUSTERS}?zoom=11").headers["ETag"] != first.headers["ETag"]


# --- the two stores agree ------------------------------------------------------------------------------


SYNTH_QUERIES = [
    "", "bbox=106.5,20.7,106.8,20.9", "status=operating", "status=planned&status=proposed",
    "bbox=106.3,20.6,106.6,21.0&status=under_construction", "sectors=synthetic",
]  # fmt: skip


@pytest.mark.slow
def test_both_stores_give_the_same_clusters_of_synthetic_data(request, synth_dir, postgres_cluster):
    files, postgis = _serve(request, "files", synth_dir), _serve(request, "postgis", synth_dir)
    compared = 0
    for name in ("factories", "industrial-parks"):
        for zoom in range(23):
            for query in SYNTH_QUERIES:
                url = f"/api/collections/{name}/clusters?zoom={zoom}&{query}"
                expected, answer = files.get(url), postgis.get(url)
                assert (answer.status_code, answer.content_type) == (expected.status_code, expected.content_type)
                expected, answer = expected.get_json(force=True), answer.get_json(force=True)
                if "code" in expected:  # a refusal, the same
                    assert answer == expected
                    continue
                assert [f["properties"] for f in answer["features"]] == [f["properties"] for f in expected["features"]]
                assert np.allclose(
                    [f["geometry"]["coordinates"] for f in answer["features"]] or np.zeros((0, 2)),
                    [f["geometry"]["coordinates"] for f in expected["features"]] or np.zeros((0, 2)),
                    rtol=0, atol=1e-9,
                )  # fmt: skip
                same = ("numberMatched", "numberReturned", "zoom", "cellSize", "links")
                assert {key: answer[key] for key in same} == {key: expected[key] for key in same}
                compared += answer["numberReturned"]
    assert compared > 20_000  # cells compared, most of them single features at the deeper zooms


def test_both_stores_refuse_more_than_max_cells(request, database_url):
    # 10,001 points on one row of zoom-22 cells, one per cell: one cell too many.
    size = cell_size(22)
    with postgis.connect(database_url) as conn:
        postgis.init_schema(conn)
        conn.execute(
            "INSERT INTO hpmap.features (collection, id, ord, geom, properties, properties_json) "
            "SELECT 'synthetic', CASE WHEN n = 0 THEN %s ELSE 'f' || n END, n, "
            "ST_SetSRID(ST_MakePoint((n + 0.5) * %s, 0.5 * %s), 4326), '{}', '{}' "
            "FROM generate_series(0, %s) AS n",
            (HOSTILE, size, size, MAX_CELLS),
        )
        conn.execute("INSERT INTO hpmap.collections (name, ord, property_kinds) VALUES ('synthetic', 0, '{}')")
    store = postgis.PostgisStore.open(database_url)
    try:
        with pytest.raises(InvalidQuery, match="at zoom 22 the features selected fill more than 10,000 cells"):
            store.clusters("synthetic", FeatureQuery(), 22)
        every = store.clusters("synthetic", FeatureQuery(), 0)
        assert (every.counts.tolist(), every.number_matched) == ([MAX_CELLS + 1], MAX_CELLS + 1)
        fewer = store.clusters("synthetic", FeatureQuery(bbox=(0, 0, MAX_CELLS * size, 1)), 22)
        assert fewer.counts.tolist() == [1] * MAX_CELLS and fewer.feature_ids[:2] == (HOSTILE, "f1")
        assert json.loads(fewer.feature_texts()[0])["properties"]["id"] == HOSTILE  # data, never markup
    finally:
        store.close()


def test_the_postgis_grouping_is_parameterised_and_uses_the_spatial_index(database_url):
    statement, params = postgis.clusters_statement("synthetic", FeatureQuery(bbox=(105, 2, 105.3, 2.3)), 12, {})
    assert params == [cell_size(12), cell_size(12), "synthetic", 105.0, 2.0, 105.3, 2.3, MAX_CELLS + 1]
    with postgis.connect(database_url) as conn:
        postgis.init_schema(conn)
        conn.execute(
            "INSERT INTO hpmap.features (collection, id, ord, geom, properties, properties_json) "
            "SELECT c, 'f' || n, n, ST_MakeEnvelope(100 + (n % 100) * 0.1, (n / 100) * 0.1, "
            "100.05 + (n % 100) * 0.1, 0.05 + (n / 100) * 0.1, 4326), '{}', '{}' "
            "FROM generate_series(0, 4999) AS n, unnest(ARRAY['synthetic', 'other']) AS c"
        )
        conn.execute("ANALYZE hpmap.features")
        plan = "\n".join(row[0] for row in conn.execute(sql.SQL("EXPLAIN ") + statement, params))
        rows = conn.execute(statement, params).fetchall()
    assert "features_collection_geom_idx" in plan and "Seq Scan" not in plan, plan
    assert sum(row[2] for row in rows) == 16  # the 4 × 4 squares the box touches, by their points on surface
    points = shapely.points([(row[3], row[4]) for row in rows if row[2] == 1])
    assert shapely.intersects(points, shapely.box(105, 2, 105.35, 2.35)).all()
