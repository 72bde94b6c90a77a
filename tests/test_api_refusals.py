"""OGC API requests refused with a clear 4xx, and the answers' cache headers."""
# ruff: noqa: F811  (the fixtures imported from the module this one was split from are redefined as arguments)

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.test_api import ENDPOINTS, JSON, app, client, refused, store, tiny_client  # noqa: F401  (fixtures: pytest finds them by name)

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
