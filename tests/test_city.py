"""The city as a whole: GET /api/city (JSON, CSV), the "at a glance" page and the coverage page's reference."""

from __future__ import annotations

import csv
import io

import pytest
from openapi_schema_validator import OAS30Validator

from tests.conftest import DATA_DIR
from tests.test_api_document import documented_paths, resolve
from webmap import create_app


@pytest.fixture(scope="module")
def client():
    return create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True}).test_client()


def test_the_city_api_gives_every_figure_with_its_date_and_named_sources(client):
    response = client.get("/api/city")
    assert response.status_code == 200
    body = response.get_json()
    with (DATA_DIR / "city-figures.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(body["figures"]) == len(rows)
    shown = [f for f in body["figures"] if f["shown"]]
    assert len({f["field"] for f in shown}) == len(shown) == len({r["field"] for r in rows})
    ip_count = next(f for f in shown if f["field"] == "ip_count")
    assert (ip_count["value"], ip_count["unit"]) == (43, "parks") and ip_count["as_of"]
    for figure in body["figures"]:
        assert figure["sources"] and all(s["label"] and not s["label"].endswith(".txt") for s in figure["sources"])
    assert body["parks_reference"]["city_area_ha"] == 12120 and body["parks_reference"]["data_parks"] == 53


def test_the_city_csv_opens_in_excel_and_matches_the_json(client):
    response = client.get("/api/city?f=csv")
    assert response.content_type == "text/csv; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == len(client.get("/api/city").get_json()["figures"])
    assert rows[0]["label_vi"] and rows[0]["sources"]


def test_the_city_api_refuses_an_unknown_parameter(client):
    response = client.get("/api/city?f=xml")
    assert response.status_code == 400 and response.get_json()["description"]


def test_the_city_api_is_documented_and_answers_its_schema(client):
    document = client.get("/api/openapi.json").get_json(force=True)
    operation = documented_paths(document)["/api/city"]["get"]
    schema = resolve(operation["responses"]["200"], document)["content"]["application/json"]["schema"]
    OAS30Validator(schema).validate(client.get("/api/city").get_json())


@pytest.mark.parametrize(
    ("lang", "reference"),
    [("en", "43 industrial parks on ~12,120 ha per the city (2025-08) — 53 in this data set."),
     ("vi", "43 khu công nghiệp trên ~12.120 ha theo thành phố (2025-08) — 53 khu trong bộ dữ liệu này.")],
)  # fmt: skip
def test_the_glance_page_and_the_coverage_page_state_the_citys_reference(client, lang, reference):
    glance = client.get(f"/glance?lang={lang}").get_data(as_text=True)
    assert reference in glance
    assert 'data-field="ip_count"' in glance and "vietnamnews.vn" in glance
    assert "Hải Phòng" in glance and "_" not in glance.split('id="table-city"')[1].split("<th scope")[1][:60]
    coverage = client.get(f"/coverage?lang={lang}").get_data(as_text=True)
    assert reference in coverage and f'href="/glance?lang={lang}"' in coverage
    assert f'href="/glance?lang={lang}"' in client.get(f"/?lang={lang}").get_data(as_text=True)


def test_unverified_city_figures_say_so(client):
    glance = client.get("/glance?lang=en").get_data(as_text=True)
    row = glance.split('data-field="ip_area_ha"')[1].split("</tr>")[0]
    assert "12,120 ha" in row and "per the fact sheet; page not re-read" in row


def test_a_data_set_without_city_figures_shows_no_data(tiny_dir):
    app_client = create_app({"DATA_DIR": str(tiny_dir), "OFFLINE": True, "TESTING": True}).test_client()
    assert app_client.get("/api/city").get_json()["figures"] == []
    page = app_client.get("/glance?lang=en").get_data(as_text=True)
    assert "No data" in page or "no data" in page
    assert 'id="coverage-reference"' not in app_client.get("/coverage?lang=en").get_data(as_text=True)
