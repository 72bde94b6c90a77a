"""GET /api/sites and POST /api/evaluate through Flask's test client (and once over real HTTP).

The small data set is tests/test_sites.py's (free land known for three of the four parks); the
realistic queries run on the shipped data.
"""

from __future__ import annotations

import csv
import dataclasses
import http.client
import io
import json
from urllib.parse import quote

import openpyxl
import pytest
from openapi_schema_validator import OAS30Validator

from shapely.geometry import box, mapping, shape

from geo.analysis import proposal
from geo.analysis.sites import UnknownSite, tie_ranks
from geo.formats.export import XLSX_MEDIA_TYPE
from geo.model.catalog import STATUSES
from tests.conftest import DATA_DIR
from tests.test_api import documented_paths, resolve
from tests.test_sites import DEFAULT_ORDER, remove_feature, write_sites_dataset
from webmap import create_app
from webmap.api.schemas import investors as bodies
from webmap.server.answer_cache import AnswerCache, answer_size

JSON, GEOJSON = "application/json", "application/geo+json"
CRITERIA = ["free_land", "lach_huyen", "nam_do_son", "cat_bi", "tien_lang_airport", "city_centre"]
PLACES = CRITERIA[1:]
RESULT_KEYS = [
    "rank", "tied", "id", "name_vi", "name_en", "status", "kind", "zone_id", "former_province", "sectors",
    "sectors_vi", "developer", "developer_vi", "area_ha", "area_ha_as_of", "occupancy_pct", "free_ha",
    "free_ha_as_of", "lease_usd_m2", "lease_usd_m2_as_of", "geometry_quality", "score", "score_breakdown",
    "unknown_criteria", "reasons", "distances_km", "distance_uncertainty_km", "page_url",
]  # fmt: skip
SQUARE = box(106.67, 20.77, 106.71, 20.80)  # three quarters in kkt-a, over kcn-straddle (see test_proposal.py)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data_dir = write_sites_dataset(tmp_path_factory.mktemp("sites-api") / "data")
    return create_app({"DATA_DIR": str(data_dir), "OFFLINE": True, "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def shipped_client():
    return create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def document(shipped_client):
    return shipped_client.get("/api/openapi.json").get_json(force=True)


def sites(client, query: str = "", content_type: str = JSON) -> dict:
    response = client.get(f"/api/sites?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type == content_type
    return response.get_json(force=True)


def result_ids(body: dict) -> list[str]:
    return [result["id"] for result in body["results"]]


def refused(response, status: int = 400) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == JSON
    body = response.get_json()
    assert body["code"] == status and isinstance(body["description"], str) and body["description"]
    return body["description"]


def evaluate(client, payload, **kwargs):
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post("/api/evaluate", data=data, **kwargs)


# --- GET /api/sites: the contract ---------------------------------------------------------------


def test_the_json_shape_is_the_contract(client):
    body = sites(client)
    assert list(body) == [
        "results", "unknown", "matched", "excluded_unknown", "criteria", "score_explanation", "tie_points",
        "distance_note", "query",
    ]  # fmt: skip
    first = body["results"][0]
    assert list(first) == RESULT_KEYS
    assert first | {"score": None, "score_breakdown": None, "distances_km": None, "distance_uncertainty_km": None} == {
        "rank": 1, "tied": False, "id": "kcn-straddle", "name_vi": "KCN Vắt Ngang", "name_en": "IP Vắt Ngang",
        "status": "under_construction", "kind": "industrial_park", "zone_id": "", "former_province": "hai-phong",
        "sectors": ["logistics"], "sectors_vi": [], "developer": "", "developer_vi": "", "area_ha": None,
            "area_ha_as_of": None, "occupancy_pct": None,
        "free_ha": None, "free_ha_as_of": None, "lease_usd_m2": None, "lease_usd_m2_as_of": None,
        "geometry_quality": "indicative", "score": None, "score_breakdown": None, "unknown_criteria": [],
        "reasons": [], "distances_km": None, "distance_uncertainty_km": None,
        "page_url": "http://localhost/features/kcn-straddle",
    }  # fmt: skip
    assert list(first["score_breakdown"]) == ["lach_huyen", "cat_bi", "city_centre"]
    assert list(first["distances_km"]) == PLACES
    assert first["distances_km"]["lach_huyen"] == 21.94
    # an indicative outline (± 3,000 m) to a traced port (± 50 m), and to the city centre (a chosen point)
    assert first["distance_uncertainty_km"]["lach_huyen"] == 3.05
    assert first["distance_uncertainty_km"]["city_centre"] == 3.0
    assert list(body["criteria"]) == CRITERIA
    assert body["criteria"]["lach_huyen"] == {
        "weight": 2.0,
        "points": "100 × max(0, 1 − km / 60): 100 points on the spot, 0 from 60 km away",
    }
    assert body["criteria"]["free_land"]["weight"] == 0
    assert body["distance_note"] == "great-circle km between feature centroids, not road distance"
    assert (body["matched"], body["unknown"], body["excluded_unknown"], body["tie_points"]) == (4, [], 0, 0.5)
    assert body["score_explanation"].startswith("Điểm = trung bình có trọng số")  # Vietnamese by default


def test_free_land_figures_come_with_their_date(client):
    by_id = {r["id"]: r for r in sites(client, "min_free_ha=0")["results"]}
    assert (by_id["kcn-outside"]["free_ha"], by_id["kcn-outside"]["free_ha_as_of"]) == (150.0, "2022")
    assert (by_id["kcn-trang-due"]["occupancy_pct"], by_id["kcn-trang-due"]["area_ha"]) == (75.0, 490.0)
    assert by_id["kcn-trang-due"]["zone_id"] == "kkt-a"


def test_the_query_is_echoed_normalised(client):
    query = sites(client, "status=planned&sector=Logistics&max_km_cat_bi=1e2&w_free_land=.5&limit=007&lang=en")["query"]
    assert query == {
        "status": ["planned"], "min_free_ha": None, "max_km_lach_huyen": None, "max_km_nam_do_son": None,
        "max_km_cat_bi": 100.0, "max_km_tien_lang_airport": None, "max_km_city_centre": None,
        "sector": ["Logistics"], "in_zone": "any", "former_province": None, "w_free_land": 0.5, "w_lach_huyen": 2.0,
        "w_nam_do_son": 0.0, "w_cat_bi": 1.0, "w_tien_lang_airport": 0.0, "w_city_centre": 1.0, "limit": 7,
        "unknowns": "apart", "f": "json", "lang": "en",
    }  # fmt: skip
    assert sites(client)["query"]["status"] == list(STATUSES)


@pytest.mark.parametrize(
    ("query", "results", "unknown"),
    [
        ("", DEFAULT_ORDER, []),
        ("status=planned", ["kcn-overlap"], []),
        ("status=operating&status=under_construction", ["kcn-straddle", "kcn-trang-due", "kcn-outside"], []),
        ("status=proposed", [], []),
        ("former_province=hai-duong", ["kcn-outside"], []),
        ("in_zone=any", DEFAULT_ORDER, []),
        ("in_zone=yes", ["kcn-overlap", "kcn-trang-due"], []),
        ("in_zone=no", ["kcn-straddle", "kcn-outside"], []),
        ("in_zone=kkt-a", ["kcn-overlap", "kcn-trang-due"], []),
        ("sector=ELECTRONICS", ["kcn-trang-due"], []),
        (f"sector={quote('điện tử')}", ["kcn-overlap"], []),
        ("sector=electronics&sector=logistics", ["kcn-straddle", "kcn-overlap", "kcn-trang-due"], []),
        ("sector=steel", [], []),
        ("max_km_lach_huyen=25", ["kcn-straddle"], []),
        ("max_km_nam_do_son=19.5", ["kcn-straddle", "kcn-overlap"], []),
        ("max_km_cat_bi=12", ["kcn-straddle", "kcn-overlap"], []),
        ("max_km_tien_lang_airport=10", ["kcn-trang-due"], []),
        ("max_km_city_centre=14", ["kcn-straddle", "kcn-overlap"], []),
        ("max_km_city_centre=0.5", [], []),
        ("min_free_ha=100", ["kcn-trang-due", "kcn-outside"], ["kcn-straddle"]),
        ("min_free_ha=0", ["kcn-overlap", "kcn-trang-due", "kcn-outside"], ["kcn-straddle"]),
        ("min_free_ha=1e3", [], ["kcn-straddle"]),
        ("w_free_land=1&w_lach_huyen=0&w_cat_bi=0&w_city_centre=0", ["kcn-outside", "kcn-trang-due", "kcn-overlap"],
         ["kcn-straddle"]),
        ("min_free_ha=10&in_zone=no", ["kcn-outside"], ["kcn-straddle"]),
        ("status=planned&in_zone=no", [], []),
        ("limit=2", DEFAULT_ORDER[:2], []),
        ("limit=99999999999999999999999999", DEFAULT_ORDER, []),
        ("min_free_ha=0&limit=1", ["kcn-overlap"], ["kcn-straddle"]),
    ],
)  # fmt: skip
def test_every_filter_is_honoured(client, query, results, unknown):
    body = sites(client, query)
    assert result_ids(body) == results
    assert [site["id"] for site in body["unknown"]] == unknown
    assert [r["rank"] for r in body["results"]] == tie_ranks([r["score"] for r in body["results"]])


def test_unknown_parks_come_with_reasons(client):
    [straddle] = sites(client, "min_free_ha=5")["unknown"]
    assert straddle == {
        "id": "kcn-straddle",
        "name_vi": "KCN Vắt Ngang",
        "name_en": "IP Vắt Ngang",
        "reasons": ["free land unknown: occupancy not published (leasable area 80 ha)"],
        "page_url": "http://localhost/features/kcn-straddle",
    }


def test_a_missing_key_place_puts_every_park_under_unknown(tmp_path):
    data_dir = write_sites_dataset(tmp_path / "data")
    remove_feature(data_dir, "airports", "airport-cat-bi")
    app_client = create_app({"DATA_DIR": str(data_dir), "OFFLINE": True, "TESTING": True}).test_client()
    body = sites(app_client)  # the default weights use Cát Bi
    assert (body["results"], body["matched"]) == ([], 0)
    assert [s["id"] for s in body["unknown"]] == ["kcn-outside", "kcn-overlap", "kcn-straddle", "kcn-trang-due"]
    assert {tuple(s["reasons"]) for s in body["unknown"]} == {
        ("distance to Cát Bi airport unknown: the place is not in the data set",)
    }
    assert result_ids(sites(app_client, "w_cat_bi=0")) == DEFAULT_ORDER
    assert (
        sites(app_client, "w_cat_bi=0&f=geojson", GEOJSON)["features"][0]["properties"]["distances_km"]["cat_bi"]
        is None
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "w_free_land=1&w_lach_huyen=1&w_nam_do_son=1&w_cat_bi=1&w_tien_lang_airport=1&w_city_centre=1",
        "w_free_land=3&w_cat_bi=0.7&w_city_centre=1e-9&min_free_ha=0",
        "w_nam_do_son=7&w_tien_lang_airport=3",
        "w_lach_huyen=1e308&w_cat_bi=1e308",
    ],
)
def test_breakdown_adds_up_to_the_score_exactly(client, query):
    body = sites(client, query)
    weighted = [key for key, criterion in body["criteria"].items() if criterion["weight"] > 0]
    for result in body["results"]:
        assert list(result["score_breakdown"]) == weighted
        assert round(sum(result["score_breakdown"].values()), 2) == result["score"]
        assert 0 <= result["score"] <= 100


def test_ranking_is_deterministic_with_ties_by_id(client):
    query = "w_free_land=1&w_lach_huyen=0&w_cat_bi=0&w_city_centre=0"
    first, second = sites(client, query), sites(client, query)
    assert first == second
    assert [(r["id"], r["score"]) for r in first["results"]] == [
        ("kcn-outside", 100.0), ("kcn-trang-due", 100.0), ("kcn-overlap", 20.0)
    ]  # fmt: skip


def test_weights_change_the_order(client):
    assert result_ids(sites(client, "w_lach_huyen=1&w_cat_bi=0&w_city_centre=0")) == DEFAULT_ORDER
    by_tien_lang = sites(client, "w_tien_lang_airport=1&w_lach_huyen=0&w_cat_bi=0&w_city_centre=0")
    assert result_ids(by_tien_lang) == ["kcn-trang-due", "kcn-overlap", "kcn-straddle", "kcn-outside"]
    free_first = sites(client, "w_free_land=10&min_free_ha=0")
    assert result_ids(free_first) == ["kcn-trang-due", "kcn-outside", "kcn-overlap"]


# --- GET /api/sites: CSV and GeoJSON ------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # the BOM: Excel then reads UTF-8 (the diacritics) right
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_has_one_row_per_result_then_the_parks_apart(client):
    response = client.get("/api/sites?min_free_ha=0&w_free_land=1&f=csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="sites.csv"'
    rows = csv_rows(response)
    assert list(rows[0]) == [
        "rank", "tied", "id", "name_vi", "name_en", "status", "score", "score_free_land", "score_lach_huyen",
        "score_cat_bi", "score_city_centre", "developer", "developer_vi", "area_ha", "area_ha_as_of", "free_ha",
        "free_ha_as_of", "occupancy_pct", "lease_usd_m2", "lease_usd_m2_as_of",
        *[f"distance_km_{place}" for place in PLACES], *[f"distance_uncertainty_km_{place}" for place in PLACES],
        "unknown_criteria", "reasons", "page_url",
    ]  # fmt: skip
    body = sites(client, "min_free_ha=0&w_free_land=1")
    assert [row["id"] for row in rows] == result_ids(body) + [site["id"] for site in body["unknown"]]
    for row, result in zip(rows, body["results"], strict=False):
        assert float(row["score"]) == result["score"] and int(row["rank"]) == result["rank"]
        assert row["tied"] == ("yes" if result["tied"] else "no")
        assert float(row["score_free_land"]) == result["score_breakdown"]["free_land"]
        assert float(row["distance_km_city_centre"]) == result["distances_km"]["city_centre"]
        assert float(row["distance_uncertainty_km_cat_bi"]) == result["distance_uncertainty_km"]["cat_bi"] > 0
        assert float(row["free_ha"]) == result["free_ha"] and row["free_ha_as_of"] == result["free_ha_as_of"]
        assert row["name_vi"] == result["name_vi"]
        assert row["page_url"] == f"http://localhost/features/{result['id']}"
    apart = rows[-1]
    assert (apart["id"], apart["rank"], apart["score"], apart["unknown_criteria"]) == (
        "kcn-straddle",
        "",
        "",
        "free_land",
    )
    assert apart["reasons"] == "free land unknown: occupancy not published (leasable area 80 ha)"
    assert float(apart["distance_km_lach_huyen"]) == 21.94


def test_xlsx_holds_the_csv_rows_with_numbers_as_numbers(client):
    query = "/api/sites?min_free_ha=0&w_free_land=1&f="
    response = client.get(query + "xlsx")
    assert response.status_code == 200
    assert response.content_type == XLSX_MEDIA_TYPE
    assert response.headers["Content-Disposition"] == 'attachment; filename="sites.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    rows = csv_rows(client.get(query + "csv"))
    assert table[0] == list(rows[0])
    assert [row[table[0].index("id")] for row in table[1:]] == [row["id"] for row in rows]
    first = dict(zip(table[0], table[1], strict=True))
    assert isinstance(first["score"], float) and first["score"] == float(rows[0]["score"])
    assert first["page_url"] == rows[0]["page_url"] and first["name_vi"] == rows[0]["name_vi"]
    apart = dict(zip(table[0], table[-1], strict=True))
    assert apart["rank"] is None and apart["unknown_criteria"] == "free_land"  # unknown: an empty cell


def test_csv_links_use_the_public_url_setting_and_the_language(tmp_path):
    data_dir = write_sites_dataset(tmp_path / "data")
    app = create_app({"DATA_DIR": str(data_dir), "OFFLINE": True, "TESTING": True,
                      "PUBLIC_URL": "https://maps.example.org/hp"})  # fmt: skip
    response = app.test_client().get("/api/sites?f=csv&lang=en", headers={"Host": "forged.example"})
    rows = csv_rows(response)
    assert rows[0]["page_url"] == "https://maps.example.org/hp/features/kcn-straddle?lang=en"


def test_csv_area_and_developer_come_from_the_park(shipped_client):
    rows = {row["id"]: row for row in csv_rows(shipped_client.get("/api/sites?f=csv&status=operating"))}
    vsip = rows["kcn-vsip-hai-phong"]
    assert vsip["developer"] and float(vsip["area_ha"]) > 0 and vsip["area_ha_as_of"]
    assert vsip["lease_usd_m2"] == ""  # no lease price published for it: empty, never 0


def test_unknowns_include_ranks_them_among_the_others_marked(client):
    body = sites(client, "min_free_ha=0&w_free_land=1&w_lach_huyen=1&w_cat_bi=0&w_city_centre=0&unknowns=include")
    assert body["unknown"] == [] and "kcn-straddle" in result_ids(body)
    straddle = next(r for r in body["results"] if r["id"] == "kcn-straddle")
    assert straddle["unknown_criteria"] == ["free_land"] and straddle["score"] > 0
    assert list(straddle["score_breakdown"]) == ["lach_huyen"]
    assert straddle["reasons"] == ["free land unknown: occupancy not published (leasable area 80 ha)"]
    assert body["query"]["unknowns"] == "include"


def test_unknowns_exclude_leaves_them_out_and_says_how_many(client):
    body = sites(client, "min_free_ha=0&unknowns=exclude")
    assert "kcn-straddle" not in result_ids(body) and body["unknown"] == []
    assert body["excluded_unknown"] == 1


def test_near_ties_share_a_rank(client):
    body = sites(client, "w_free_land=1&w_lach_huyen=0&w_cat_bi=0&w_city_centre=0")
    assert [(r["id"], r["rank"], r["tied"]) for r in body["results"]] == [
        ("kcn-outside", 1, True), ("kcn-trang-due", 1, True), ("kcn-overlap", 3, False)
    ]  # fmt: skip


def test_the_score_is_explained_in_the_asked_language(client):
    assert sites(client, "lang=en")["score_explanation"].startswith("Score = the weighted mean")
    assert "0.5 points share a rank" in sites(client, "lang=en")["score_explanation"]


def test_csv_leaves_unknown_values_empty_and_may_be_empty(client):
    rows = csv_rows(client.get("/api/sites?f=csv"))
    assert "score_free_land" not in rows[0] and rows[0]["free_ha"] == ""  # kcn-straddle: free land unknown
    assert client.get("/api/sites?f=csv&status=proposed").get_data(as_text=True).count("\n") == 1  # the header


def test_geojson_is_the_results_with_their_outlines(client, tmp_path):
    body = sites(client, "f=geojson&min_free_ha=0", GEOJSON)
    plain = sites(client, "min_free_ha=0")
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == result_ids(plain)
    assert [f["properties"] for f in body["features"]] == plain["results"]
    assert shape(body["features"][0]["geometry"]).equals(box(106.63, 20.73, 106.65, 20.75))  # kcn-overlap
    assert body["unknown"] == plain["unknown"] and body["matched"] == plain["matched"]
    import geopandas as gpd

    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps(body), encoding="utf-8")
    read = gpd.read_file(path)
    assert list(read["id"]) == result_ids(plain) and read.crs.to_epsg() == 4326


def test_sites_are_cacheable(client):
    first = client.get("/api/sites?max_km_lach_huyen=30")
    assert first.headers["Cache-Control"] == "public, max-age=300" and first.headers["ETag"].startswith('W/"')
    again = client.get("/api/sites?max_km_lach_huyen=30", headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
    assert client.get("/api/sites?max_km_lach_huyen=31").headers["ETag"] != first.headers["ETag"]
    assert "ETag" not in client.get("/api/sites?limit=0").headers
    assert first.headers["Access-Control-Allow-Origin"] == "*"


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


# --- the shipped data --------------------------------------------------------------------------


def test_parks_within_25_km_of_lach_huyen(shipped_client, shipped):
    body = sites(shipped_client, "max_km_lach_huyen=25")
    parks = shipped.layer("industrial-parks").gdf
    near = set(parks.index[parks["distance_km_lach_huyen"] <= 25])
    assert set(result_ids(body)) == near and body["matched"] == len(near) >= 10 and body["unknown"] == []
    assert all(r["distances_km"]["lach_huyen"] <= 25 for r in body["results"])
    scores = [(-r["score"], r["id"]) for r in body["results"]]
    assert scores == sorted(scores)
    assert "kcn-xuan-cau-lach-huyen" in near  # 1 km from the port


def test_shipped_investor_query_with_free_land(shipped_client):
    body = sites(shipped_client, "status=operating&min_free_ha=10&w_free_land=2&former_province=hai-phong")
    unknown = {site["id"]: site["reasons"] for site in body["unknown"]}
    # VSIP's 2008 leasable area and 2021 occupancy describe no single moment: its free land is unknown.
    assert "kcn-vsip-hai-phong" not in result_ids(body) and "kcn-vsip-hai-phong" in unknown
    assert "kcn-nomura-hai-phong" not in unknown  # 0 ha free: known, and too little
    assert "kcn-trang-due" not in unknown  # reported 100 % full: no free land, whatever its leasable area
    assert unknown["kcn-deep-c-2"][0].startswith("free land unknown")


def test_shipped_zone_filters(shipped_client, shipped):
    parks = shipped.layer("industrial-parks").gdf
    body = sites(shipped_client, "in_zone=kkt-dinh-vu-cat-hai&sector=logistics")
    assert set(result_ids(body)) == {
        i
        for i in parks.index
        if parks.at[i, "zone_id"] == "kkt-dinh-vu-cat-hai" and "logistics" in parks.at[i, "sectors"]
    }
    assert "ftz-site-1-southern" in refused(shipped_client.get("/api/sites?in_zone=ftz-site-1-southern"))


# --- the OpenAPI document ----------------------------------------------------------------------


def test_both_endpoints_are_documented(document):
    paths = documented_paths(document)
    names = [resolve(p, document)["name"] for p in paths["/api/sites"]["get"]["parameters"]]
    assert names == [
        "status", "min_free_ha", "max_km_lach_huyen", "max_km_nam_do_son", "max_km_cat_bi",
        "max_km_tien_lang_airport", "max_km_city_centre", "sector", "in_zone", "former_province", "w_free_land",
        "w_lach_huyen", "w_nam_do_son", "w_cat_bi", "w_tien_lang_airport", "w_city_centre", "limit", "unknowns",
        "f", "lang",
    ]  # fmt: skip
    assert set(paths["/api/sites"]["get"]["responses"]) >= {"200", "400"}
    evaluate_operation = paths["/api/evaluate"]["post"]
    assert set(evaluate_operation["responses"]) >= {"200", "400", "405", "413"}
    assert "get" not in paths["/api/evaluate"]


def _documented_schema(document, path, method, status, media_type):
    declared = resolve(documented_paths(document)[path][method]["responses"][status], document)
    return declared["content"][media_type]["schema"]


@pytest.mark.parametrize(
    ("query", "media_type"),
    [("max_km_lach_huyen=25", JSON), ("min_free_ha=0&w_free_land=1", JSON), ("f=geojson&limit=3", GEOJSON),
     ("status=proposed", JSON), ("min_free_ha=20&w_free_land=1&unknowns=include", JSON),
     ("min_free_ha=20&unknowns=exclude&f=geojson", GEOJSON)],
)  # fmt: skip
def test_site_responses_match_their_schema(shipped_client, document, query, media_type):
    body = sites(shipped_client, query, media_type)
    OAS30Validator(_documented_schema(document, "/api/sites", "get", "200", media_type)).validate(body)


def test_evaluate_responses_match_their_schema(shipped_client, document):
    ok = evaluate(shipped_client, mapping(box(106.70, 20.80, 106.75, 20.84)))
    OAS30Validator(_documented_schema(document, "/api/evaluate", "post", "200", JSON)).validate(ok.get_json())
    request_schema = resolve(documented_paths(document)["/api/evaluate"]["post"]["requestBody"], document)
    proposal = json.loads(json.dumps(mapping(box(106.70, 20.80, 106.75, 20.84))))  # tuples become lists
    OAS30Validator(request_schema["content"][JSON]["schema"]).validate(proposal)
    for response, status in [
        (evaluate(shipped_client, b"{}"), "400"),
        (evaluate(shipped_client, b" " * (65 * 1024)), "413"),
        (shipped_client.get("/api/evaluate"), "405"),
    ]:
        assert str(response.status_code) == status
        schema = _documented_schema(document, "/api/evaluate", "post", status, JSON)
        OAS30Validator(schema).validate(response.get_json())
    bad = shipped_client.get("/api/sites?limit=0")
    OAS30Validator(_documented_schema(document, "/api/sites", "get", "400", JSON)).validate(bad.get_json())


@pytest.mark.parametrize(
    ("body", "dataclass", "added"),
    [(bodies.ProposalEvaluation, proposal.Evaluation, set()), (bodies.ProposalZone, proposal.ZoneShare, set()),
     (bodies.ProposalOverlap, proposal.Overlap, set()), (bodies.SiteUnknown, UnknownSite, {"page_url"})],
)  # fmt: skip
def test_the_documented_bodies_hold_the_fields_of_the_dataclasses_they_send(body, dataclass, added):
    """A field added to a dataclass the API sends (dataclasses.asdict) must be added to the document's body too."""
    assert list(body.__annotations__) == [f.name for f in dataclasses.fields(dataclass)] + sorted(added)


def test_the_documented_site_result_holds_the_keys_each_result_has():
    assert list(bodies.SiteResult.__annotations__) == RESULT_KEYS


def test_a_repeated_search_is_answered_from_the_kept_answers():
    app = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True})
    client, answers = app.test_client(), app.extensions["hpmap.sites_api.answers"]
    first = client.get("/api/sites?status=operating&min_free_ha=5")

    (kept,) = answers._answers.values()
    again = client.get("/api/sites?status=operating&min_free_ha=5")

    assert kept[0] == first.get_data(as_text=True) and len(answers._answers) == 1
    assert again.get_data(as_text=True) == first.get_data(as_text=True)
    assert again.headers["ETag"] == first.headers["ETag"]
    csv_answer = client.get("/api/sites?status=operating&min_free_ha=5&f=csv")
    assert csv_answer.content_type.startswith("text/csv")  # another format, another answer
    assert len(answers._answers) == 2


def test_kept_answers_are_bounded_least_recently_used_first():
    one = answer_size("x" * 1000)
    kept = AnswerCache(4 * one + 10)
    for key in "abcd":
        kept.get_or_compute(key, lambda key=key: key * 1000)
    kept.get_or_compute("a", lambda: pytest.fail("a is kept"))
    kept.get_or_compute("e", lambda: "e" * 1000)  # "b" is the least recently used: it goes
    assert kept.bytes_held <= kept.max_bytes
    assert set(kept._answers) == {"a", "c", "d", "e"}
    kept.get_or_compute("big", lambda: "x" * (kept.max_bytes // 2))  # over a quarter: answered, not kept
    assert "big" not in kept._answers


@pytest.mark.parametrize("number", ["1" * 400, "1" * 5000, "-" + "9" * 4400, "1e999"])
def test_evaluate_refuses_huge_numbers_with_a_400(client, number):
    ring = f"[[{number},20.8],[106.8,20.8],[106.8,20.9],[{number},20.8]]"
    response = client.post(
        "/api/evaluate", data='{"type":"Polygon","coordinates":[' + ring + "]}", content_type="application/json"
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "finite" in response.get_json()["description"]


def test_kept_answers_are_bounded_in_bytes_and_keyed_by_meaning(shipped_client):
    # A budget of a few answers: each is kept (held as Python text it takes up to twice its UTF-8 bytes, still
    # under the quarter of the budget an answer may take), and 60 of them cannot all be.
    one_answer = len(shipped_client.get("/api/sites?f=geojson&limit=99999").data)
    budget = 10 * one_answer
    app = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True, "SITES_CACHE_BYTES": budget})
    client = app.test_client()
    sizes = []
    for i in range(60):  # each a distinct query with a big answer: all parks as GeoJSON
        response = client.get(f"/api/sites?f=geojson&limit={100000 + i}")
        assert response.status_code == 200
        sizes.append(len(response.data))
    assert sum(sizes) > 4 * budget  # kept by count, these would be far over the budget
    answers = app.extensions["hpmap.sites_api.answers"]
    assert 0 < answers.bytes_held <= budget

    answers.clear()
    spellings = ["?w_free_land=2&limit=5&status=operating", "?status=operating&limit=05&w_free_land=2.000"]
    bodies = [client.get("/api/sites" + query).data for query in spellings]
    assert bodies[0] == bodies[1]
    assert len(answers._answers) == 1  # the second spelling was a hit


def test_the_investors_first_question_lists_the_parks_that_lack_figures(shipped_client):
    """'Operating parks with at least 20 ha free within 30 km of Lạch Huyện' on the shipped data."""
    body = sites(shipped_client, "status=operating&min_free_ha=20&max_km_lach_huyen=30")
    unknown = {site["id"]: site["reasons"] for site in body["unknown"]}
    assert result_ids(body) or unknown  # an answer, or the parks that might qualify but lack figures
    assert "kcn-nam-dinh-vu" in unknown and unknown["kcn-nam-dinh-vu"][0].startswith("free land unknown")


def test_figures_years_apart_are_named_as_the_reason(shipped_client):
    body = sites(shipped_client, "status=operating&min_free_ha=10&former_province=hai-phong")
    reasons = {site["id"]: site["reasons"] for site in body["unknown"]}["kcn-vsip-hai-phong"]
    assert reasons[0] == "free land unknown: leasable area (2008) and occupancy (2021-07) describe years too far apart"


def test_the_investors_first_question_in_each_way_of_treating_unknowns(shipped_client):
    question = "status=operating&min_free_ha=20&max_km_lach_huyen=30"
    apart = sites(shipped_client, question)
    might_qualify = sorted(site["id"] for site in apart["unknown"])
    assert might_qualify and not result_ids(apart)  # on the shipped data no operating park is known to qualify
    included = sites(shipped_client, question + "&unknowns=include")
    assert sorted(result_ids(included)) == might_qualify  # ranked on what is known, never dropped, never 0
    for result in included["results"]:
        assert result["unknown_criteria"] == ["free_land"] and result["score"] > 0 and result["free_ha"] is None
        assert result["distances_km"]["lach_huyen"] <= 30
    ranks = [r["rank"] for r in included["results"]]
    assert ranks == tie_ranks([r["score"] for r in included["results"]]) and ranks[0] == 1
    excluded = sites(shipped_client, question + "&unknowns=exclude")
    assert (excluded["results"], excluded["unknown"], excluded["excluded_unknown"]) == ([], [], len(might_qualify))
