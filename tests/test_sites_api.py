"""GET /api/sites and POST /api/evaluate through Flask's test client (and once over real HTTP).

The small data set is tests/test_sites.py's (free land known for three of the four parks); the
realistic queries run on the shipped data.
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import openpyxl
import pytest

from shapely.geometry import box, shape

from geo.analysis.sites import tie_ranks
from geo.formats.export import XLSX_MEDIA_TYPE
from geo.model.catalog import STATUSES
from tests.conftest import DATA_DIR
from tests.test_sites import DEFAULT_ORDER, remove_feature, write_sites_dataset
from webmap import create_app

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
