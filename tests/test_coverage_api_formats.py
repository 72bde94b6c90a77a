"""The planners' reports as CSV and xlsx, their parameters, caching and OpenAPI description."""
# ruff: noqa: F811  (the fixtures imported from the module this one was split from are redefined as arguments)

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from openapi_schema_validator import OAS30Validator

from geo.formats.export import XLSX_MEDIA_TYPE
from tests.conftest import DATA_DIR
from tests.test_api_document import documented_paths, resolve
from tests.test_coverage_api import CSV, JSON, STATUS_ORDER, app, client, coverage_dir, new_app, ok, tiny_client  # noqa: F401  (fixtures: pytest finds them by name)
from tests.test_quality import evidence_with_findings, with_evidence
from webmap import create_app

# --- CSV, parameters, caching ---------------------------------------------------------------------


def test_coverage_csv_is_the_zones_table(client):
    response = ok(client, "/api/coverage?f=csv", CSV)
    assert response.headers["Content-Disposition"] == 'attachment; filename="coverage.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    zones = ok(client, "/api/coverage").get_json()["zones"]
    assert [row["id"] for row in rows] == [zone["id"] for zone in zones]
    for row, zone in zip(rows, zones, strict=True):
        assert float(row["covered_ha"]) == zone["covered_ha"]
        assert [float(row[f"covered_{s}_ha"]) for s in STATUS_ORDER] == [zone["by_status"][s] for s in STATUS_ORDER]
        assert row["parks"].split("; ") == zone["parks"]
        assert row["name_vi"] == zone["name_vi"]


def test_quality_csv_parses_and_matches_the_json(client):
    response = ok(client, "/api/quality?as_of=2025-12-31&f=csv", CSV)
    assert response.headers["Content-Disposition"] == 'attachment; filename="data-quality.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == ["section", "layer", "id", "name_vi", "name_en", "field", "value", "as_of", "detail"]
    counts = ok(client, "/api/quality?as_of=2025-12-31").get_json()["counts"]
    sections = [row["section"] for row in rows]
    assert sections.count("stale") == counts["stale"]
    assert sections.count("approximate_geometry") == counts["approximate_geometry"]
    assert sections.count("conflict") >= 2 * counts["conflicts"]  # one row per value, two values at least


def test_quality_on_the_shipped_data(client, shipped):
    report = ok(client, "/api/quality?as_of=2025-12-31").get_json()
    parks = shipped.layer("industrial-parks").gdf
    assert report["counts"]["parks"] == len(parks)
    assert {row["total"] for row in report["completeness"]} == {len(parks)}
    assert all(item["age_years"] > 2 for item in report["stale"])
    assert ("kcn-dinh-vu-deep-c-1", "area_ha") in {(c["id"], c["field"]) for c in report["conflicts"]}
    traced = sum((layer.gdf["geometry_quality"] == "traced").sum() for layer in shipped.layers.values())
    assert report["counts"]["approximate_geometry"] == sum(len(layer.gdf) for layer in shipped.layers.values()) - traced


def test_quality_defaults_to_today(client):
    assert ok(client, "/api/quality").get_json()["reference_date"] == date.today().isoformat()


def test_an_older_reference_date_finds_fewer_stale_figures(client):
    early = ok(client, "/api/quality?as_of=2015-01-01").get_json()["counts"]["stale"]
    late = ok(client, "/api/quality?as_of=2030-01-01").get_json()["counts"]["stale"]
    assert early < late


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/coverage?f=geojson", "f: expected one of json, csv, xlsx, got 'geojson'"),
        ("/api/coverage?f=", "f: expected one of json, csv, xlsx, got ''"),
        ("/api/coverage?f=csv&f=json", "query parameter 'f' is given 2 times"),
        ("/api/coverage?lang=fr", "lang: expected one of vi, en, ko, ja, zh"),
        ("/api/coverage?as_of=2025-12-31", "unknown query parameter 'as_of'"),
        ("/api/coverage?bbox=1,2,3,4", "unknown query parameter 'bbox'; the parameters of this endpoint are: f, lang"),
        ("/api/quality?as_of=2025-13-01", "as_of: '2025-13-01' is not a day written YYYY-MM-DD"),
        ("/api/quality?as_of=2025-02-30", "as_of: '2025-02-30' is not a day"),
        ("/api/quality?as_of=2025", "as_of: '2025' is not a day"),
        ("/api/quality?as_of=", "as_of: '' is not a day"),
        ("/api/quality?as_of=2025-01-01&as_of=2025-01-02", "query parameter 'as_of' is given 2 times"),
        ("/api/quality?f=pdf", "f: expected one of json, csv, xlsx"),
        ("/api/quality?lang=", "lang: expected one of vi, en, ko, ja, zh, got ''"),
        ("/api/quality?limit=10", "unknown query parameter 'limit'; the parameters of this endpoint are: as_of, f,"),
    ],
)  # fmt: skip
def test_bad_parameters_are_400_json(client, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert response.content_type == JSON
    body = response.get_json()
    assert body["code"] == 400 and message in body["description"]


@pytest.mark.parametrize("url", ["/api/coverage", "/api/quality?as_of=2025-12-31"])
def test_lang_is_accepted_and_changes_nothing(client, url):
    join = "&" if "?" in url else "?"
    bodies = {ok(client, f"{url}{join}lang={lang}").get_data() for lang in ("vi", "en", "ko", "ja", "zh")}
    assert bodies == {ok(client, f"{url}{join}f=json").get_data()}


@pytest.mark.parametrize("url", ["/api/coverage", "/api/coverage?f=csv", "/api/quality?as_of=2025-12-31"])
def test_responses_are_cacheable_and_open_to_other_sites(client, url):
    response = client.get(url)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


# --- the OpenAPI document -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document(client):
    return client.get("/api/openapi.json").get_json(force=True)


@pytest.mark.parametrize(
    ("url", "path", "status"),
    [
        ("/api/coverage", "/api/coverage", "200"),
        ("/api/quality?as_of=2025-12-31", "/api/quality", "200"),
        ("/api/quality?as_of=2015-06-30&lang=en", "/api/quality", "200"),
        ("/api/coverage?f=pdf", "/api/coverage", "400"),
        ("/api/quality?as_of=yesterday", "/api/quality", "400"),
    ],
)
def test_responses_match_their_documented_schemas(client, document, url, path, status):
    response = client.get(url)
    assert str(response.status_code) == status
    declared = resolve(documented_paths(document)[path]["get"]["responses"][status], document)
    OAS30Validator(declared["content"][JSON]["schema"]).validate(response.get_json())


def test_fixture_responses_match_their_documented_schemas(tiny_client, document):
    """The fixture has the nulls: a zone with no park, districts with no occupancy, a zone with no declared area."""
    for url, path in [("/api/coverage", "/api/coverage"), ("/api/quality?as_of=2025-12-31", "/api/quality")]:
        declared = resolve(documented_paths(document)[path]["get"]["responses"]["200"], document)
        OAS30Validator(declared["content"][JSON]["schema"]).validate(ok(tiny_client, url).get_json())


@pytest.mark.parametrize(
    ("path", "names"), [("/api/coverage", ["f", "lang"]), ("/api/quality", ["as_of", "f", "lang"])]
)
def test_parameters_and_csv_are_documented(document, path, names):
    operation = resolve(documented_paths(document)[path]["get"], document)
    assert [parameter["name"] for parameter in operation["parameters"]] == names
    formats = next(p for p in operation["parameters"] if p["name"] == "f")["schema"]["enum"]
    assert formats == ["json", "csv", "xlsx"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv", XLSX_MEDIA_TYPE}
    assert operation["responses"]["400"]["content"]["application/json"]["schema"]["required"] == ["code", "description"]


def test_quality_reports_each_layers_distance_to_its_position_evidence(coverage_dir, document):
    app = new_app(coverage_dir)
    dataset = app.extensions["hpmap.dataset"]
    app.extensions["hpmap.dataset"] = with_evidence(dataset, evidence_with_findings(coverage_dir))
    body = ok(app.test_client(), "/api/quality?as_of=2025-12-31").get_json()

    parks = next(entry for entry in body["position_evidence"] if entry["layer"] == "industrial-parks")
    assert parks["without_evidence"] == ["kcn-de-xuat", "kcn-outside"]  # the added park has no record either
    assert (parks["worst_feature"], round(parks["worst_distance_m"])) == ("kcn-straddle", 1041)
    assert parks["by_marks"] == {"map_pin": 2, "tenant_plot": 1}
    assert body["counts"]["without_position_evidence"] == 4  # and the added zone and free-trade-zone site
    declared = resolve(documented_paths(document)["/api/quality"]["get"]["responses"]["200"], document)
    OAS30Validator(declared["content"][JSON]["schema"]).validate(body)
    rows = list(csv.DictReader(io.StringIO(ok(app.test_client(), "/api/quality?f=csv", CSV).get_data(as_text=True))))
    missing = [(row["layer"], row["id"]) for row in rows if row["section"] == "no_position_evidence"]
    assert missing == [("economic-zones", "ftz-a"), ("economic-zones", "kkt-b"), ("industrial-parks", "kcn-de-xuat"),
                       ("industrial-parks", "kcn-outside")]  # fmt: skip


def test_the_reports_are_computed_once_per_data_version_and_shared(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from geo.analysis import coverage, quality

    calls = {"coverage": 0, "quality": 0}

    def counted(name, real):
        def run(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return run

    monkeypatch.setattr(coverage, "coverage_report", counted("coverage", coverage.coverage_report))
    monkeypatch.setattr(quality, "quality_report", counted("quality", quality.quality_report))
    client = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True}).test_client()
    urls = ["/api/quality", "/api/quality?f=csv", "/api/coverage", "/api/coverage?f=csv", "/coverage?lang=en"] * 4

    def get(url):
        return url, client.get(url).data

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = dict(pool.map(get, urls))
    assert len(answers) == 5 and all(answers.values())
    assert calls == {"coverage": 1, "quality": 1}
    assert client.get("/api/quality?as_of=2020-01-01").status_code == 200  # another reference date: computed
    assert calls["quality"] == 2


@pytest.mark.parametrize(("url", "filename"), [
    ("/api/coverage?f=", "coverage"),
    ("/api/quality?as_of=2026-01-01&f=", "data-quality"),
    ("/api/city?f=", "city-figures"),
])  # fmt: skip
def test_every_csv_download_also_comes_as_an_excel_workbook_with_the_same_table(client, url, filename):
    response = client.get(url + "xlsx")
    assert response.status_code == 200 and response.content_type == XLSX_MEDIA_TYPE
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    table = [[cell.value for cell in row] for row in sheet.rows]
    text = client.get(url + "csv").get_data(as_text=True).removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(table) == len(rows) > 1 and table[0] == rows[0]
    for cells, csv_cells in zip(table, rows, strict=True):
        for cell, csv_cell in zip(cells, csv_cells, strict=True):  # the same values; numbers as numbers
            if cell is None:
                assert csv_cell == ""
            elif isinstance(cell, (int, float)):
                assert float(csv_cell) == cell
            else:
                assert cell == csv_cell
