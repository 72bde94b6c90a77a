"""The OGC API – Features and its OpenAPI document, through Flask's test client on real data."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_openapi

import shapely
from shapely.geometry import shape

from geo.model.catalog import LAYERS, QUERYABLES
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


# --- refusals ----------------------------------------------------------------------------------

ITEMS = "/api/collections/industrial-parks/items"
MALFORMED = [
    # bbox
    (f"{ITEMS}?bbox=1,2,3", "4 comma-separated numbers"),
    (f"{ITEMS}?bbox=1,2,3,4,5", "got 5 value(s)"),
    (f"{ITEMS}?bbox=1,2,3,4,5,6,7", "got 7 value(s)"),
    (f"{ITEMS}?bbox=", "got 1 value(s)"),
    (f"{ITEMS}?bbox=106,20,107,NaN", "'NaN' is not a finite decimal number"),
    (f"{ITEMS}?bbox=106,20,inf,21", "'inf' is not a finite"),
    (f"{ITEMS}?bbox=106,20,1e999,21", "'1e999' is not a finite"),
    (f"{ITEMS}?bbox=a,b,c,d", "'a' is not a finite"),
    (f"{ITEMS}?bbox=106,,107,21", "'' is not a finite"),
    (f"{ITEMS}?bbox=106,%2020,107,21", "' 20' is not a finite"),
    (f"{ITEMS}?bbox=1_06,20,107,21", "'1_06' is not a finite"),
    (f"{ITEMS}?bbox=106.6,21,106.7,20", "min latitude 21.0 is above max latitude 20.0"),
    (f"{ITEMS}?bbox=20.8,106.6,20.9,106.7", "latitude 106.6 is outside -90..90"),
    (f"{ITEMS}?bbox=200,20,210,21", "longitude 200.0 is outside -180..180"),
    (f"{ITEMS}?bbox=106,20,107,21&bbox=1,2,3,4", "'bbox' is given 2 times"),
    (f"{ITEMS}?bbox=106,20,107,21&bbox-crs=EPSG:4326", "bbox-crs: only http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
    (f"{ITEMS}?bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326", "bbox-crs"),
    # limit and offset
    (f"{ITEMS}?limit=0", "limit: expected a whole number from 1"),
    (f"{ITEMS}?limit=000", "limit: expected a whole number"),
    (f"{ITEMS}?limit=-1", "limit"),
    (f"{ITEMS}?limit=1.5", "limit"),
    (f"{ITEMS}?limit=1e3", "limit"),
    (f"{ITEMS}?limit=ten", "limit"),
    (f"{ITEMS}?limit=", "limit"),
    (f"{ITEMS}?limit=%205", "limit"),
    (f"{ITEMS}?limit=%D9%A3", "limit"),  # an Arabic-Indic 3: Python's int() would take it
    (f"{ITEMS}?limit=-99999999999999999999", "limit"),
    (f"{ITEMS}?limit=5&limit=6", "'limit' is given 2 times"),
    (f"{ITEMS}?offset=-1", "offset: expected a whole number from 0"),
    (f"{ITEMS}?offset=-99999999999999999999999", "offset"),
    (f"{ITEMS}?offset=2.0", "offset"),
    (f"{ITEMS}?offset=x", "offset"),
    (f"{ITEMS}?offset=", "offset"),
    # filters
    (f"{ITEMS}?status=closed", "status: 'closed' is not one of operating, under_construction, planned, proposed"),
    (f"{ITEMS}?status=planned&status=closed", "'closed' is not one of"),
    (f"{ITEMS}?status=", "status: give a value"),
    (f"{ITEMS}?kind=airport", "kind: 'airport' is not one of industrial_park"),
    (f"{ITEMS}?former_province=ha-noi", "former_province"),
    (f"{ITEMS}?geometry_quality=exact", "geometry_quality: 'exact' is not one of traced, approximate, indicative"),
    (f"{ITEMS}?year_established=nineteen", "year_established: expected a number, got 'nineteen'"),
    (f"{ITEMS}?Status=planned", "unknown query parameter 'Status'"),
    (f"{ITEMS}?tenants=LG", "unknown query parameter 'tenants'"),
    ("/api/collections/airports/items?sectors=logistics", "unknown query parameter 'sectors'"),
    (f"{ITEMS}?datetime=2024-01-01T00:00:00Z", "unknown query parameter 'datetime'"),
    (f"{ITEMS}?filter=status='planned'", "unknown query parameter 'filter'"),
    (f"{ITEMS}?sortby=name_vi", "parameters of this endpoint are: bbox, bbox-crs, limit, offset, f, lang, id,"),
]


@pytest.mark.parametrize(("url", "message"), MALFORMED)
def test_malformed_items_requests_are_refused_with_a_reason(client, url, message):
    assert message in refused(client, url)


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("f=xml", "f: expected one of json, geojson, got 'xml'"),
        ("f=", "f: expected one of json, geojson, got ''"),
        ("f=json&f=json", "'f' is given 2 times"),
        ("lang=fr", "lang: expected one of vi, en, ko, ja, zh, got 'fr'"),
        ("lang=vi&lang=en", "'lang' is given 2 times"),
        ("colour=red", "unknown query parameter 'colour'"),
        ("callback=x", "unknown query parameter 'callback'"),
    ],
)
def test_every_endpoint_refuses_bad_common_parameters(client, url, query, message):
    assert message in refused(client, f"{url}?{query}")


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("query", ["", "f=json", "f=geojson", "lang=vi", "lang=en", "f=json&lang=en"])
def test_every_endpoint_accepts_f_and_lang(client, url, query):
    assert client.get(f"{url}?{query}").status_code == 200


def test_metadata_endpoints_refuse_items_parameters(client):
    assert "unknown query parameter 'limit'" in refused(client, "/api/collections?limit=10")
    feature = "/api/collections/ports/items/port-lach-huyen"
    assert "unknown query parameter 'bbox'" in refused(client, f"{feature}?bbox=1,2,3,4")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/collections/nope", "no layer 'nope'; the layers are: economic-zones, industrial-parks"),
        ("/api/collections/nope/items", "no layer 'nope'"),
        ("/api/collections/nope/items/port-lach-huyen", "no layer 'nope'"),
        ("/api/collections/ports/items/nope", "no feature 'nope' in collection 'ports'"),
        ("/api/collections/airports/items/port-lach-huyen", "it is in collection 'ports'"),
        ("/api/collections/Ports/items", "no layer 'Ports'"),
        ("/api/collections/ports/items/port-lach-huyen/more", "not found"),
        ("/api/nope", "not found"),
        ("/api/collections/", "not found"),
    ],
)
def test_unknown_things_are_404_json(client, url, message):
    assert message.lower() in refused(client, url, status=404).lower()


def test_unknown_collection_wins_over_bad_parameters(client):
    refused(client, "/api/collections/nope/items?limit=0", status=404)


def test_other_methods_are_405_json(client):
    response = client.post("/api/collections")
    assert response.status_code == 405 and response.content_type == JSON


HOSTILE = '<img src=x onerror="alert(1)"><script>'  # no "/": it also fits in one path segment


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"{ITEMS}?status={quote(HOSTILE)}", 400),
        (f"{ITEMS}?{quote(HOSTILE)}=1", 400),
        (f"{ITEMS}?bbox={quote(HOSTILE)},1,2,3", 400),
        (f"{ITEMS}?limit={quote(HOSTILE)}", 400),
        (f"/api/collections?f={quote(HOSTILE)}", 400),
        (f"/api/collections/{quote(HOSTILE, safe='')}", 404),
        (f"/api/collections/{quote(HOSTILE, safe='')}/items", 404),
        (f"{ITEMS}/{quote(HOSTILE, safe='')}", 404),
    ],
)
def test_hostile_strings_come_back_only_inside_json(client, url, status):
    response = client.get(url)
    assert (response.status_code, response.content_type) == (status, JSON)
    assert response.get_data(as_text=True).startswith("{")
    assert HOSTILE in response.get_json()["description"]


# --- caching -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ENDPOINTS + ["/api/collections/ports/items?limit=2&status=operating"])
def test_get_responses_are_cacheable_and_revalidate(client, url):
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "public, max-age=300"
    assert client.get(url).headers["ETag"] == etag
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert (not_modified.status_code, not_modified.data) == (304, b"")
    assert not_modified.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(url, headers={"If-None-Match": 'W/"other", ' + etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200
    head = client.head(url)
    assert (head.status_code, head.headers["ETag"], head.data) == (200, etag, b"")


def test_etags_differ_between_urls_and_data_sets(client, tiny_client):
    urls = ["/api/collections", "/api/collections?f=json", "/api/collections/ports/items?limit=1"]
    etags = {client.get(url).headers["ETag"] for url in urls}
    assert len(etags) == len(urls)
    assert tiny_client.get(urls[0]).headers["ETag"] not in etags


def test_errors_are_not_cached(client):
    for url in ["/api/collections/nope", f"{ITEMS}?limit=0"]:
        response = client.get(url, headers={"If-None-Match": "*"})
        assert response.status_code in (400, 404)
        assert "ETag" not in response.headers and "Cache-Control" not in response.headers


def test_api_answers_web_clients_on_other_sites(client):
    assert client.get("/api/collections").headers["Access-Control-Allow-Origin"] == "*"


# --- the OpenAPI document ----------------------------------------------------------------------


def test_openapi_document_is_valid_and_self_contained(client, document):
    assert client.get("/api/openapi.json").content_type == OPENAPI
    validate_openapi(document)
    refs = re.findall(r"'\$ref': '([^']*)'", repr(document))
    assert refs and all(ref.startswith("#/components/") for ref in refs)
    assert {"FeatureCollection", "Feature", "Exception", "Link"} <= set(document["components"]["schemas"])
    assert {"BadRequest", "NotFound"} <= set(document["components"]["responses"])


def documented_paths(document: dict) -> dict[str, dict]:
    """Return each path item by its full path: a path-level server puts the API's paths under /api."""
    full = {}
    for path, item in document["paths"].items():
        server = item.get("servers", document["servers"])[0]["url"]
        full[urlsplit(server).path.rstrip("/") + path] = item
    return full


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", re.sub(r"<(?:[^<>:]*:)?[^<>]*>", "{}", path))


def test_every_url_rule_of_the_app_is_documented(app, document):
    documented = {_template(path) for path in documented_paths(document)}
    rules = {rule.rule for rule in app.url_map.iter_rules() if not rule.rule.startswith("/static/")}
    assert {"/", "/api", "/api/collections/<collection_id>/items"} <= rules
    assert {rule for rule in rules if _template(rule) not in documented} == set()


def test_every_documented_path_is_served(app, document):
    examples = {"collectionId": "ports", "featureId": "port-lach-huyen", "lang": "vi"}
    adapter = app.url_map.bind("localhost")
    for path, item in documented_paths(document).items():
        concrete = re.sub(r"\{([^}]*)\}", lambda m: examples[m.group(1)], path)
        methods = set(item) - {"servers"}
        assert methods and methods <= {"get", "post"}, path
        for method in methods:
            endpoint, _ = adapter.match(concrete, method=method.upper())
            assert endpoint != "static", path


def test_documented_pages_have_their_parameters(document):
    paths = documented_paths(document)
    map_parameters = {p["name"] for p in paths["/"]["get"]["parameters"] if "name" in p}
    assert {"lat", "lon", "z", "f", "status", "layers"} <= map_parameters
    for path in ["/features/{featureId}", "/features/{featureId}.json", "/features/{featureId}.geojson"]:
        assert {"200", "404"} <= set(paths[path]["get"]["responses"])
    assert paths["/map/setup-{lang}.js"]["get"]["parameters"][0]["schema"]["enum"] == ["vi", "en", "ko", "ja", "zh"]


def resolve(node, document):
    """Return ``node`` with every local $ref replaced by its target (the schemas have no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolve(target, document)
        return {key: resolve(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(value, document) for value in node]
    return node


def parameter_names(operation: dict, document: dict) -> list[str]:
    return [resolve(parameter, document)["name"] for parameter in operation["parameters"]]


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.name)
def test_each_collection_documents_its_filters(app, document, spec):
    operation = documented_paths(document)[f"/api/collections/{spec.name}/items"]["get"]
    names = parameter_names(operation, document)
    assert names == ["bbox", "bbox-crs", "limit", "offset", "f", "lang", *QUERYABLES[spec.name], "zoom", "properties"]
    kind = next(p for p in operation["parameters"] if p.get("name") == "kind")
    assert kind["schema"]["items"]["enum"] == list(spec.kinds)
    limit = resolve({"$ref": "#/components/parameters/limit"}, document)
    # A larger limit is read as 1000 (OGC API – Features), so the schema sets no maximum: its description does.
    assert limit["schema"]["default"] == 100 and "maximum" not in limit["schema"]
    assert "at most 1000" in limit["description"]
    properties = next(p for p in operation["parameters"] if p.get("name") == "properties")
    layer = app.extensions["hpmap.dataset"].layer(spec.name)
    assert properties["schema"]["items"]["enum"] == list(layer.property_names)


@pytest.mark.parametrize(
    ("url", "path", "status", "media_type"),
    [
        ("/api", "/api", "200", JSON),
        ("/api/conformance", "/api/conformance", "200", JSON),
        ("/api/collections", "/api/collections", "200", JSON),
        ("/api/collections/ports", "/api/collections/{collectionId}", "200", JSON),
        ("/api/collections/ports/items?limit=3", "/api/collections/{collectionId}/items", "200", GEOJSON),
        ("/api/collections/ports/items?limit=3", "/api/collections/ports/items", "200", GEOJSON),
        ("/api/collections/ports/items/port-lach-huyen", "/api/collections/{collectionId}/items/{featureId}", "200",
         GEOJSON),
        ("/api/collections/ports/items?limit=0", "/api/collections/ports/items", "400", JSON),
        ("/api/collections/ports/items/nope", "/api/collections/{collectionId}/items/{featureId}", "404", JSON),
    ],
)  # fmt: skip
def test_responses_match_their_documented_schemas(client, document, url, path, status, media_type):
    response = client.get(url)
    assert str(response.status_code) == status
    declared = resolve(documented_paths(document)[path]["get"]["responses"][status], document)
    OAS30Validator(declared["content"][media_type]["schema"]).validate(response.get_json(force=True))


# --- zoom: geometries simplified for a web map ---------------------------------------------------

ZOOM_REFUSED = [
    ("zoom=23", "zoom: expected a whole number from 0 to 22, got '23'"),
    ("zoom=-1", "got '-1'"),
    ("zoom=%2B3", "got '+3'"),
    ("zoom=1.5", "got '1.5'"),
    ("zoom=12.0", "got '12.0'"),
    ("zoom=1e1", "got '1e1'"),
    ("zoom=", "got ''"),
    ("zoom=%2012", "got ' 12'"),
    ("zoom=twelve", "got 'twelve'"),
    ("zoom=%D9%A3", "zoom: expected a whole number"),  # an Arabic-Indic 3: Python's int() would take it
    ("zoom=99999999999999999999999999", "zoom: expected a whole number from 0 to 22"),
    ("zoom=12&zoom=13", "'zoom' is given 2 times"),
    ("Zoom=12", "unknown query parameter 'Zoom'"),
]


@pytest.mark.parametrize(("query", "message"), ZOOM_REFUSED)
def test_a_bad_zoom_is_refused_with_a_reason(client, query, message):
    assert message in refused(client, f"{ITEMS}?{query}")


def test_the_parameters_listed_in_a_refusal_include_zoom_and_properties(client):
    assert refused(client, f"{ITEMS}?sortby=name_vi").endswith(", zoom, properties")


def geometry_only(body: dict) -> dict:
    """Return ``body`` without what a zoom may change: the geometries (and the time stamp, and the links' URLs)."""
    features = [{**feature, "geometry": feature["geometry"]["type"]} for feature in body["features"]]
    return {**body, "features": features, "timeStamp": None, "links": [link["rel"] for link in body["links"]]}


def vertex_count(body: dict) -> int:
    return sum(shapely.get_num_coordinates(shape(feature["geometry"])) for feature in body["features"])


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.name)
@pytest.mark.parametrize("zoom", [0, 9, 12, 22])
def test_zoom_simplifies_the_geometries_and_nothing_else(client, spec, zoom):
    plain = ok(client, f"/api/collections/{spec.name}/items", GEOJSON)
    zoomed = ok(client, f"/api/collections/{spec.name}/items?zoom={zoom}", GEOJSON)
    assert geometry_only(zoomed) == geometry_only(plain)  # same features, properties, types, counts, links
    assert vertex_count(zoomed) <= vertex_count(plain)
    if zoom == 0 and spec.geometry == "polygon" and plain["features"]:  # a point has nothing to simplify
        assert vertex_count(zoomed) < vertex_count(plain)


def test_zoom_at_the_map_zooms_shrinks_the_detailed_outlines(client):
    # The ports' outlines, traced from the port plan, are the shipped data's most detailed: 744 vertices.
    plain = ok(client, "/api/collections/ports/items", GEOJSON)
    zoomed = [ok(client, f"/api/collections/ports/items?zoom={zoom}", GEOJSON) for zoom in (12, 14)]
    assert vertex_count(zoomed[0]) < vertex_count(zoomed[1]) < vertex_count(plain)


@pytest.mark.parametrize("query", ["zoom=12", "zoom=0&status=operating", "bbox=106.5,20.8,106.8,21.0&zoom=014"])
def test_next_and_prev_links_keep_the_zoom(client, query):
    forward = walk(client, f"{ITEMS}?limit=7&{query}", "next")
    assert len(forward) > 1
    backward = walk(client, links(forward[-1])["self"]["href"], "prev")
    expected = ok(client, f"{ITEMS}?limit=1000&{query}", GEOJSON)
    assert [f for body in forward for f in body["features"]] == expected["features"]
    assert [f for body in reversed(backward) for f in body["features"]] == expected["features"]
    for body in forward + backward:
        for link in body["links"]:
            if link["rel"] != "collection":
                assert query_of(link["href"])["zoom"] == query_of("?" + query)["zoom"]


def test_openapi_documents_zoom_on_every_items_path(document):
    paths = documented_paths(document)
    items_paths = ["/api/collections/{collectionId}/items", *(f"/api/collections/{s.name}/items" for s in LAYERS)]
    for path in items_paths:
        parameters = [resolve(p, document) for p in paths[path]["get"]["parameters"]]
        zoom = next(p for p in parameters if p["name"] == "zoom")
        assert (zoom["in"], zoom["required"]) == ("query", False)
        assert zoom["schema"] == {"type": "integer", "minimum": 0, "maximum": 22}
        assert "360 / (256 · 2^zoom) / 2" in zoom["description"]


@pytest.mark.parametrize("url", [
    "/api/collections/industrial-parks/items?status=%00",
    "/api/collections/industrial-parks/items?id=kcn%00x",
    "/api/collections/industrial-parks/clusters?zoom=9&id=a%00b",
    "/api/collections/industrial-parks/items/kcn%00x",
])  # fmt: skip
def test_a_nul_character_is_a_client_error_on_both_stores(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404), response.get_data(as_text=True)[:300]
    assert response.get_json()["code"] == response.status_code


def test_links_come_from_the_public_url_not_a_forged_host_header():
    app = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "PUBLIC_URL": "https://map.example.org"})
    client = app.test_client()
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    for url in ("/api", "/api/openapi.json", "/api/collections/industrial-parks/items?limit=2"):
        response = client.get(url, headers=forged)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert "evil.example" not in text, url
        assert "https://map.example.org/api" in text, url
    page = client.get("/api/collections/industrial-parks/items?limit=2", headers=forged).get_json()
    assert page["links"][0]["href"].startswith("https://map.example.org/api/collections/industrial-parks/items")


def test_items_carry_only_the_properties_asked_for_on_both_stores(client, document):
    url = "/api/collections/industrial-parks/items?limit=5"
    full = client.get(url).get_json()
    some = client.get(url + "&properties=status,name_vi").get_json()
    assert [f["id"] for f in some["features"]] == [f["id"] for f in full["features"]]
    for small, whole in zip(some["features"], full["features"], strict=True):
        assert list(small["properties"]) == ["name_vi", "status"]  # in the layer's order
        assert small["properties"] == {k: whole["properties"][k] for k in ("name_vi", "status")}
        assert small["geometry"] == whole["geometry"]
    assert "properties=status" in next(link["href"] for link in some["links"] if link["rel"] == "next")
    refused = client.get(url + "&properties=status,no_such_field")
    assert refused.status_code == 400 and "no_such_field" in refused.get_json()["description"]
    # Which names are valid depends on the collection: its own path lists them, the generic one does not.
    generic = document["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    assert "properties" not in parameter_names({"parameters": generic}, document)
    own = documented_paths(document)["/api/collections/industrial-parks/items"]["get"]
    assert "properties" in parameter_names(own, document)
