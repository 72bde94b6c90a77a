"""The site finder on the shipped data, and its OpenAPI description."""
# ruff: noqa: F811  (the fixtures imported from the module this one was split from are redefined as arguments)

from __future__ import annotations

import dataclasses
import json

import pytest
from openapi_schema_validator import OAS30Validator

from shapely.geometry import box, mapping

from geo.analysis import proposal
from geo.analysis.sites import UnknownSite, tie_ranks
from tests.conftest import DATA_DIR
from tests.test_api_document import documented_paths, resolve
from tests.test_sites_api import (  # noqa: F401  (fixtures: pytest finds them by name)
    GEOJSON,
    JSON,
    RESULT_KEYS,
    client,
    document,
    evaluate,
    refused,
    result_ids,
    shipped_client,
    sites,
)
from webmap import create_app
from webmap.api.schemas import investors as bodies
from webmap.server.answer_cache import AnswerCache, answer_size

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
