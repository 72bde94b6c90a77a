"""The OGC API – Features and its OpenAPI document, through Flask's test client on real data."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from geo.model.catalog import LAYERS
from tests.builders import write_dataset
from tests.conftest import DATA_DIR
from tests.postgis import STORES, app_config
from webmap import create_app

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
TINY_PARKS = ["kcn-trang-due", "kcn-overlap", "kcn-straddle", "kcn-outside"]  # see tests/builders.py
ENDPOINTS = [
    "/api",
    "/api/",
    "/api/conformance",
    "/api/collections",
    "/api/collections/ports",
    "/api/collections/ports/items",
    "/api/collections/ports/items/port-lach-huyen",
    "/api/openapi.json",
]


@pytest.fixture(scope="module", params=STORES)
def store(request):
    """Where the items come from: the files, or PostGIS loaded from them (tests/postgis.py)."""
    return request.param


@pytest.fixture(scope="module")
def app(request, store):
    app = create_app(app_config(request, store, DATA_DIR))
    yield app
    app.extensions["hpmap.store"].close()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def tiny_client(request, store, tmp_path_factory):
    data_dir = write_dataset(tmp_path_factory.mktemp("tiny") / "data")
    app = create_app(app_config(request, store, data_dir))
    yield app.test_client()
    app.extensions["hpmap.store"].close()


@pytest.fixture(scope="module")
def document(client):
    return client.get("/api/openapi.json").get_json(force=True)


def ok(client, url: str, content_type: str = JSON) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type == content_type
    return response.get_json(force=True)


def refused(client, url: str, status: int = 400) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == JSON
    body = response.get_json()
    assert body["code"] == status and isinstance(body["description"], str) and body["description"]
    return body["description"]


def feature_ids(body: dict) -> list[str]:
    return [feature["id"] for feature in body["features"]]


def links(body: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in body["links"]}


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- landing page, conformance, collections ----------------------------------------------------


@pytest.mark.parametrize("url", ["/api", "/api/"])
def test_landing_page_links_to_every_part(client, url):
    body = ok(client, url)
    assert body["title"] == "Hải Phòng Industrial Map" and body["description"]
    by_rel = links(body)
    assert set(by_rel) == {"self", "service-desc", "conformance", "data"}
    assert by_rel["service-desc"]["type"] == OPENAPI
    for link in body["links"]:
        assert link["href"].startswith("http://localhost/api") and link["title"]
        assert client.get(link["href"]).content_type == link["type"]


def test_conformance_declares_core_geojson_and_oas30(client):
    conforms = ok(client, "/api/conformance")["conformsTo"]
    base = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
    assert {base + "core", base + "geojson", base + "oas30"} <= set(conforms)


def test_collections_list_every_layer_with_extent_and_links(client, shipped):
    body = ok(client, "/api/collections")
    assert [c["id"] for c in body["collections"]] == [spec.name for spec in LAYERS]
    assert links(body)["self"]["href"] == "http://localhost/api/collections"
    for collection in body["collections"]:
        assert collection == ok(client, f"/api/collections/{collection['id']}")


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.name)
def test_collection_metadata(client, shipped, spec):
    body = ok(client, f"/api/collections/{spec.name}")
    assert (body["id"], body["title"], body["itemType"], body["crs"]) == (spec.name, spec.title_en, "feature", [CRS84])
    assert body["description"]
    if shipped.layer(spec.name).gdf.empty:  # no feature, no extent (the shipped factories layer)
        assert "extent" not in body
    else:
        assert body["extent"]["spatial"]["crs"] == CRS84
        assert body["extent"]["spatial"]["bbox"] == [pytest.approx(list(shipped.layer(spec.name).gdf.total_bounds))]
    by_rel = links(body)
    assert by_rel["self"] == {
        "href": f"http://localhost/api/collections/{spec.name}",
        "rel": "self",
        "type": JSON,
        "title": spec.title_en,
    }
    assert by_rel["items"]["type"] == GEOJSON
    assert by_rel["items"]["href"] == f"http://localhost/api/collections/{spec.name}/items"


# --- items and features ------------------------------------------------------------------------


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.name)
def test_items_are_the_whole_layer_in_order(client, shipped, spec):
    gdf = shipped.layer(spec.name).gdf
    body = ok(client, f"/api/collections/{spec.name}/items", GEOJSON)
    assert body["type"] == "FeatureCollection"
    assert feature_ids(body) == list(gdf.index)
    assert body["numberMatched"] == body["numberReturned"] == len(gdf)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timeStamp"])
    assert set(links(body)) == {"self", "collection"}  # one page: no next, no prev
    for feature in body["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert feature["properties"]["id"] == feature["id"]


def test_every_feature_has_its_own_url(client, shipped):
    for name, layer in shipped.layers.items():
        for feature_id in layer.gdf.index:
            body = ok(client, f"/api/collections/{name}/items/{quote(feature_id)}", GEOJSON)
            assert (body["type"], body["id"]) == ("Feature", feature_id)
            assert body["properties"]["name_vi"] == layer.gdf.at[feature_id, "name_vi"]
            assert links(body)["self"]["href"] == f"http://localhost/api/collections/{name}/items/{feature_id}"
            assert links(body)["collection"]["href"] == f"http://localhost/api/collections/{name}"


def test_properties_keep_lists_objects_and_nulls(client):
    properties = ok(client, "/api/collections/industrial-parks/items/kcn-nomura-hai-phong", GEOJSON)["properties"]
    assert isinstance(properties["sectors"], list) and isinstance(properties["aliases"], list)
    assert isinstance(properties["sources"][0], dict) and isinstance(properties["figures"][0], dict)
    assert properties["investment_usd_m"] is None  # unknown: null, never NaN


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        ("106.60,20.70,106.70,20.80", ["kcn-trang-due", "kcn-overlap", "kcn-straddle"]),
        ("106.61,20.71,106.625,20.725", ["kcn-trang-due"]),
        ("106.60,20.70,0,106.70,20.80,100", ["kcn-trang-due", "kcn-overlap", "kcn-straddle"]),  # 3D box
        ("106.63,20.73,106.63,20.73", ["kcn-trang-due", "kcn-overlap"]),
        ("-180,-90,180,90", TINY_PARKS),
        ("170,-90,110,90", TINY_PARKS),  # across the antimeridian
        ("170,-90,106.5,90", ["kcn-outside"]),
        ("106.0,20.0,106.1,20.1", []),
        ("1e2,2e1,1.1e2,2.1e1", TINY_PARKS),
    ],
)
def test_bbox_selects_exactly_the_intersecting_features(tiny_client, bbox, expected):
    body = ok(tiny_client, f"/api/collections/industrial-parks/items?bbox={bbox}", GEOJSON)
    assert feature_ids(body) == expected
    assert body["numberMatched"] == body["numberReturned"] == len(expected)
    crs = ok(tiny_client, f"/api/collections/industrial-parks/items?bbox={bbox}&bbox-crs={CRS84}", GEOJSON)
    assert feature_ids(crs) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=planned", ["kcn-overlap"]),
        ("status=planned&status=under_construction", ["kcn-overlap", "kcn-straddle"]),
        ("status=proposed", []),
        ("kind=industrial_park", TINY_PARKS),
        ("sectors=electronics", ["kcn-trang-due"]),
        ("sectors=shipbuilding", []),
        ("zone_id=kkt-a", ["kcn-trang-due", "kcn-overlap"]),
        ("zone_spatial=kkt-a", ["kcn-trang-due", "kcn-overlap"]),
        ("former_province=hai-duong", ["kcn-outside"]),
        ("geometry_quality=indicative&status=operating", ["kcn-outside"]),
        ("name_en=IP%20Tr%C3%A0ng%20Du%E1%BB%87", ["kcn-trang-due"]),
        ("id=kcn-straddle", ["kcn-straddle"]),
        ("year_established=1994", []),
        ("status=operating&bbox=106.60,20.70,106.70,20.80", ["kcn-trang-due"]),
    ],
)
def test_property_filters(tiny_client, query, expected):
    body = ok(tiny_client, f"/api/collections/industrial-parks/items?{query}", GEOJSON)
    assert feature_ids(body) == expected
    assert body["numberMatched"] == len(expected)
    assert query_of(links(body)["self"]["href"]) == query_of("?" + query)


@pytest.mark.parametrize(
    ("query", "returned", "matched", "rels"),
    [
        ("", 4, 4, {"self", "collection"}),
        ("limit=2", 2, 4, {"self", "collection", "next"}),
        ("limit=2&offset=2", 2, 4, {"self", "collection", "prev"}),
        ("limit=2&offset=1", 2, 4, {"self", "collection", "next", "prev"}),
        ("limit=2&offset=3", 1, 4, {"self", "collection", "prev"}),
        ("offset=4", 0, 4, {"self", "collection", "prev"}),
        ("offset=99999999999999999999999999", 0, 4, {"self", "collection", "prev"}),
        ("limit=1000000000000000000000", 4, 4, {"self", "collection"}),
        ("limit=1&status=planned", 1, 1, {"self", "collection"}),
        ("status=proposed&offset=5", 0, 0, {"self", "collection", "prev"}),
    ],
)
def test_counts_and_links_of_a_page(tiny_client, query, returned, matched, rels):
    body = ok(tiny_client, f"/api/collections/industrial-parks/items?{query}", GEOJSON)
    assert (body["numberReturned"], body["numberMatched"], len(body["features"])) == (returned, matched, returned)
    assert set(links(body)) == rels
    for link in body["links"]:
        assert link["href"].startswith("http://localhost/api/collections/industrial-parks")
        assert link["type"] == (JSON if link["rel"] == "collection" else GEOJSON)


def test_limit_defaults_to_100_and_is_clamped_to_1000(client):
    parks = ok(client, "/api/collections/industrial-parks/items?limit=1&offset=60", GEOJSON)
    assert query_of(links(parks)["prev"]["href"])["limit"] == ["1"]
    default = ok(client, "/api/collections/industrial-parks/items?offset=60", GEOJSON)
    assert query_of(links(default)["prev"]["href"]) == {"offset": ["0"], "limit": ["100"]}
    clamped = ok(client, "/api/collections/industrial-parks/items?limit=5000&offset=60", GEOJSON)
    assert query_of(links(clamped)["prev"]["href"]) == {"offset": ["0"], "limit": ["1000"]}


def walk(client, url: str, rel: str) -> list[dict]:
    pages = []
    while url is not None:
        pages.append(ok(client, url, GEOJSON))
        url = links(pages[-1]).get(rel, {}).get("href")
        assert len(pages) <= 100, "the links loop"
    return pages


@pytest.mark.parametrize("limit", [1, 2, 7, 10, 52, 53, 54, 1000])
@pytest.mark.parametrize("query", ["", "&status=planned", "&bbox=106.5,20.8,106.8,21.0"])
def test_next_and_prev_links_cover_every_feature_exactly_once(client, shipped, limit, query):
    gdf = shipped.layer("industrial-parks").gdf
    expected = ok(client, f"/api/collections/industrial-parks/items?limit=1000{query}", GEOJSON)
    forward = walk(client, f"/api/collections/industrial-parks/items?limit={limit}{query}", "next")
    ids = [i for body in forward for i in feature_ids(body)]
    assert ids == feature_ids(expected) and Counter(ids).most_common(1)[0][1] == 1
    assert 0 < len(ids) <= len(gdf)
    assert {body["numberMatched"] for body in forward} == {len(ids)}
    assert all(body["numberReturned"] == limit for body in forward[:-1])
    backward = walk(client, links(forward[-1])["self"]["href"], "prev")
    assert [i for body in reversed(backward) for i in feature_ids(body)] == ids
    for body in forward:
        kept = {name: values for name, values in query_of(links(body)["self"]["href"]).items() if name != "offset"}
        assert kept == {"limit": [str(limit)], **query_of("?" + query.lstrip("&"))}
