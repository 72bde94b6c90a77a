"""The OpenAPI document, and zoom-simplified geometries for a web map."""
# ruff: noqa: F811  (the fixtures imported from the module this one was split from are redefined as arguments)

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_openapi

import shapely
from shapely.geometry import shape

from geo.model.catalog import LAYERS, QUERYABLES
from tests.conftest import DATA_DIR
from tests.test_api import GEOJSON, JSON, OPENAPI, app, client, document, links, ok, query_of, refused, store, walk  # noqa: F401  (fixtures: pytest finds them by name)
from webmap import create_app

ITEMS = "/api/collections/industrial-parks/items"


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
