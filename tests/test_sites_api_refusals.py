"""GET /api/sites refused, and POST /api/evaluate."""
# ruff: noqa: F811  (the fixtures imported from the module this one was split from are redefined as arguments)

from __future__ import annotations

import http.client
import io
import json
from urllib.parse import quote

import pytest

from shapely.geometry import box, mapping

from tests.test_sites import remove_feature, write_sites_dataset
from tests.test_sites_api import (
    GEOJSON,
    JSON,
    PLACES,
    SQUARE,
    client,  # noqa: F401  (fixtures: pytest finds them by name)
    evaluate,
    refused,
)
from webmap import create_app

# --- GET /api/sites: refused -------------------------------------------------------------------


SITES_REFUSED = [
    ("min_free_ha=abc", "min_free_ha: expected a finite decimal number of at least 0, got 'abc'"),
    ("min_free_ha=NaN", "min_free_ha: expected a finite decimal number of at least 0, got 'NaN'"),
    ("min_free_ha=nan", "got 'nan'"),
    ("min_free_ha=inf", "got 'inf'"),
    ("min_free_ha=-Infinity", "got '-Infinity'"),
    ("min_free_ha=1e999", "got '1e999'"),
    ("min_free_ha=-1", "min_free_ha: expected a finite decimal number of at least 0, got '-1'"),
    ("min_free_ha=", "got ''"),
    ("min_free_ha=%201", "got ' 1'"),
    ("min_free_ha=0x10", "got '0x10'"),
    ("min_free_ha=1,5", "got '1,5'"),
    ("min_free_ha=%D9%A3", "min_free_ha"),  # an Arabic-Indic 3: float() would take it
    ("min_free_ha=1&min_free_ha=2", "query parameter 'min_free_ha' is given 2 times; give it once"),
    ("max_km_lach_huyen=0", "max_km_lach_huyen: expected a finite decimal number above 0, got '0'"),
    ("max_km_cat_bi=-5", "max_km_cat_bi: expected a finite decimal number above 0, got '-5'"),
    ("max_km_city_centre=NaN", "max_km_city_centre"),
    ("max_km_nam_do_son=inf", "max_km_nam_do_son"),
    ("max_km_tien_lang_airport=far", "max_km_tien_lang_airport: expected a finite decimal number above 0"),
    ("w_cat_bi=-1", "w_cat_bi: expected a finite decimal number of at least 0, got '-1'"),
    ("w_free_land=inf", "w_free_land"),
    ("w_lach_huyen=NaN", "w_lach_huyen"),
    ("w_nam_do_son=", "w_nam_do_son"),
    ("w_city_centre=1e400", "w_city_centre"),
    ("w_lach_huyen=0&w_cat_bi=0&w_city_centre=0", "every weight is 0: give at least one of w_free_land, w_lach_huyen"),
    ("w_lach_huyen=0&w_cat_bi=0&w_city_centre=0&f=csv", "every weight is 0"),
    ("limit=0", "limit: expected a whole number from 1, got '0'"),
    ("limit=-1", "limit"),
    ("limit=1.5", "limit"),
    ("limit=abc", "limit"),
    ("limit=", "limit"),
    ("status=closed", "status: 'closed' is not one of operating, under_construction, planned, proposed"),
    ("status=planned&status=closed", "'closed' is not one of"),
    ("status=", "status: give a value, e.g. status=operating"),
    ("sector=", "sector: give a value"),
    ("sector=%20", "sector: give a value"),
    ("in_zone=kkt-zzz", "in_zone: expected one of any, yes, no, kkt-a (an economic zone id), got 'kkt-zzz'"),
    ("in_zone=", "in_zone"),
    ("in_zone=YES", "in_zone"),
    ("in_zone=yes&in_zone=no", "'in_zone' is given 2 times"),
    ("former_province=ha-noi", "former_province: 'ha-noi' is not one of hai-phong, hai-duong"),
    ("former_province=hai-phong&former_province=hai-duong", "'former_province' is given 2 times"),
    ("f=xml", "f: expected one of json, csv, xlsx, geojson, got 'xml'"),
    ("f=", "f: expected one of json, csv, xlsx, geojson, got ''"),
    ("f=json&f=csv", "query parameter 'f' is given 2 times"),
    ("lang=fr", "lang: expected one of vi, en, ko, ja, zh, got 'fr'"),
    ("lang=vi&lang=en", "'lang' is given 2 times"),
    ("foo=1", "unknown query parameter 'foo'; the parameters of this endpoint are: status, min_free_ha, "
              "max_km_lach_huyen, max_km_nam_do_son, max_km_cat_bi, max_km_tien_lang_airport, max_km_city_centre, "
              "sector, in_zone, former_province, w_free_land, w_lach_huyen, w_nam_do_son, w_cat_bi, "
              "w_tien_lang_airport, w_city_centre, limit, unknowns, f, lang"),
    ("unknowns=maybe", "unknowns: 'maybe' is not one of apart, include, exclude"),
    ("unknowns=", "unknowns: give a value"),
    ("unknowns=include&unknowns=exclude", "'unknowns' is given 2 times"),
    ("max_km_hanoi=5", "unknown query parameter 'max_km_hanoi'"),
    ("w_hanoi=1", "unknown query parameter 'w_hanoi'"),
    ("bbox=1,2,3,4", "unknown query parameter 'bbox'"),
    ("Status=planned", "unknown query parameter 'Status'"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "message"), SITES_REFUSED)
def test_bad_site_queries_are_refused_with_a_reason(client, query, message):
    assert message in refused(client.get(f"/api/sites?{query}"))


@pytest.mark.parametrize("query", ["min_free_ha=1e1", "w_cat_bi=.5", "w_cat_bi=%2B2", "min_free_ha=-0", "lang=vi"])
def test_number_spellings_are_accepted(client, query):
    assert client.get(f"/api/sites?{query}").status_code == 200


def test_hostile_values_come_back_only_inside_json(client):
    hostile = '<img src=x onerror="alert(1)"><script>'
    for query in [f"min_free_ha={quote(hostile)}", f"{quote(hostile)}=1", f"in_zone={quote(hostile)}"]:
        response = client.get(f"/api/sites?{query}")
        assert (response.status_code, response.content_type) == (400, JSON)
        assert hostile in response.get_json()["description"]


def test_only_get_is_allowed_on_sites(client):
    refused(client.post("/api/sites"), 405)


# --- POST /api/evaluate ------------------------------------------------------------------------


def test_evaluate_shape_on_a_hand_built_case(client):
    response = evaluate(client, mapping(SQUARE))
    assert (response.status_code, response.content_type) == (200, JSON)
    body = response.get_json()
    assert list(body) == [
        "area_ha", "centroid", "zone", "zones", "overlaps", "distances_km", "distance_uncertainty_km", "computed_in",
    ]  # fmt: skip
    assert body["zone"] == {"id": "kkt-a", "name_vi": "Khu kinh tế A", "name_en": "Khu kinh tế A",
                            "share_pct": body["zones"][0]["share_pct"]}  # fmt: skip
    assert body["zone"]["share_pct"] == pytest.approx(75, abs=0.5)
    # the drawn site is exact: each distance is as uncertain as the place (a traced port ± 50 m, the city centre 0)
    assert body["distance_uncertainty_km"]["lach_huyen"] == 0.05 and body["distance_uncertainty_km"]["city_centre"] == 0
    [overlap] = body["overlaps"]
    assert list(overlap) == ["id", "layer", "name_vi", "name_en", "overlap_ha", "share_of_proposal_pct"]
    assert (overlap["id"], overlap["layer"]) == ("kcn-straddle", "industrial-parks")
    assert list(body["distances_km"]) == PLACES and body["computed_in"] == "EPSG:32648"
    assert len(body["centroid"]) == 2 and 106.67 < body["centroid"][0] < 106.71 and 20.77 < body["centroid"][1] < 20.8


def test_evaluate_takes_a_feature_and_geojson_or_any_content_type(client):
    expected = evaluate(client, mapping(SQUARE)).get_json()
    feature = {"type": "Feature", "properties": None, "geometry": mapping(SQUARE)}
    assert evaluate(client, feature).get_json() == expected
    text = json.dumps(mapping(SQUARE)).encode()
    assert client.post("/api/evaluate", data=text, content_type=GEOJSON).get_json() == expected
    assert client.post("/api/evaluate?lang=vi", data=text, content_type="text/plain").get_json() == expected


def test_a_missing_key_place_gives_a_null_distance(tmp_path):
    data_dir = write_sites_dataset(tmp_path / "data")
    remove_feature(data_dir, "ports", "port-lach-huyen")
    app_client = create_app({"DATA_DIR": str(data_dir), "OFFLINE": True, "TESTING": True}).test_client()
    distances = evaluate(app_client, mapping(SQUARE)).get_json()["distances_km"]
    assert distances["lach_huyen"] is None and distances["cat_bi"] > 0


def _compact(document) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()


EVALUATE_REFUSED = [
    (b"", "the request body is empty"),
    (b"not json", "the request body is not JSON"),
    (b"{", "the request body is not JSON"),
    (b"\xff", "not UTF-8"),
    (b"[" * 50_000, "nested too deeply"),
    (b"[106.7,20.8]", "not a GeoJSON object"),
    (b"null", "not a GeoJSON object"),
    (b'{"type":"Point","coordinates":[106.7,20.8]}', "a Point is not an area"),
    (b'{"type":"Feature","geometry":{"type":"LineString","coordinates":[[106.7,20.8],[106.8,20.8]]}}',
     "a LineString is not an area"),
    (b'{"type":"FeatureCollection","features":[]}', "'FeatureCollection' is not accepted"),
    (b'{"type":"Polygon","coordinates":[]}', "the Polygon is empty"),
    (b'{"type":"MultiPolygon","coordinates":[]}', "the MultiPolygon is empty"),
    (b'{"type":"Polygon","coordinates":[[[106.7,20.8],[NaN,20.8],[106.8,20.9],[106.7,20.8]]]}',
     "NaN is not a JSON number"),
    (b'{"type":"Polygon","coordinates":[[[106.7,20.8],[-1e999,20.8],[106.8,20.9],[106.7,20.8]]]}',
     "a position is 2 or 3 finite numbers"),
    (_compact({"type": "Polygon", "coordinates": [[[106.70, 20.80], [106.75, 20.85], [106.75, 20.80],
                                                   [106.70, 20.85], [106.70, 20.80]]]}),
     "the outline crosses itself near 20.82500° N, 106.72500° E"),
    (_compact(mapping(box(106.70, 20.80, 106.775, 20.87))), "at most 5,000 ha can be checked"),
    (_compact(mapping(box(2.30, 48.80, 2.40, 48.90))), "the proposal is far away"),
    (_compact(mapping(box(20.77, 106.68, 20.80, 106.72))), "GeoJSON puts longitude first"),
    # 5,001 short positions fit in 64 KiB; an outline with real decimals would hit the size limit first.
    (_compact({"type": "Polygon", "coordinates": [[[106, 21], [107, 21]] * 2500 + [[106, 21]]]}),
     "the outline has 5,001 vertices; at most 5,000 are accepted"),
]  # fmt: skip


@pytest.mark.parametrize(("payload", "message"), EVALUATE_REFUSED)
def test_bad_proposals_are_refused_with_a_reason(client, payload, message):
    assert len(payload) <= 64 * 1024
    assert message in refused(evaluate(client, payload))


def test_6000_ha_says_the_measured_area(client):
    description = refused(evaluate(client, mapping(box(106.70, 20.80, 106.775, 20.87))))
    assert description.startswith("the proposal measures 6,0") and description.endswith("ha can be checked")


@pytest.mark.parametrize(
    ("query", "message"),
    [("f=geojson", "f: expected one of json, got 'geojson'"), ("foo=1", "unknown query parameter 'foo'"),
     ("lang=fr", "lang: expected one of vi, en, ko, ja, zh")],
)  # fmt: skip
def test_evaluate_refuses_bad_parameters(client, query, message):
    assert message in refused(client.post(f"/api/evaluate?{query}", data=json.dumps(mapping(SQUARE))))


def test_a_body_over_64_kib_is_413(client):
    padded = json.dumps(mapping(SQUARE)).encode() + b" " * (64 * 1024)
    assert "larger than 64 KiB" in refused(evaluate(client, padded), 413)
    assert evaluate(client, padded[: 64 * 1024]).status_code == 200  # exactly 64 KiB is fine


def test_a_body_over_the_app_limit_is_413_too(client):
    assert refused(evaluate(client, b" " * (300 * 1024)), 413)


def test_a_chunked_body_over_64_kib_is_413(client):
    # No Content-Length: the limit is enforced while reading.
    padded = json.dumps(mapping(SQUARE)).encode() + b" " * (70 * 1024)
    response = client.post(
        "/api/evaluate",
        input_stream=io.BytesIO(padded),
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert "larger than 64 KiB" in refused(response, 413)


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_only_post_is_allowed_on_evaluate(client, method):
    refused(getattr(client, method)("/api/evaluate"), 405)


def test_evaluate_over_real_http_with_a_chunked_body(live_server):
    connection = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=10)
    try:
        connection.putrequest("POST", "/api/evaluate")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        body = json.dumps(mapping(box(106.76, 20.83, 106.78, 20.85))).encode()
        connection.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        response = connection.getresponse()
        assert (response.status, response.getheader("Content-Type")) == (200, JSON)
        assert json.loads(response.read())["computed_in"] == "EPSG:32648"
    finally:
        connection.close()
