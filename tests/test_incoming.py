"""Reading what staff bring: spreadsheets (CSV, Excel) and boundary files, in any CRS."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

import geopandas as gpd

from geo.formats.incoming import read_attribute_file, read_boundary_file
from geo.model.errors import MaintenanceError
from tests.builders import PARK_INSIDE

# ------------------------------------------------------------------ incoming spreadsheets


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("\ufeffid,status\r\nkcn-a,planned\r\n".encode(), [{"id": "kcn-a", "status": "planned"}]),
        (b"id;status\nkcn-a;planned\n", [{"id": "kcn-a", "status": "planned"}]),
        (b"id\tstatus\n kcn-a \t planned \n\n", [{"id": "kcn-a", "status": "planned"}]),
        (b"id,status,,\nkcn-a,planned,,\n", [{"id": "kcn-a", "status": "planned"}]),
        (b"id,status\n", []),
        (b"id,status\nkcn-a\n", [{"id": "kcn-a", "status": ""}]),
    ],
    ids=["bom-crlf", "semicolons", "tabs-blank-line", "empty-trailing-columns", "header-only", "short-row"],
)
def test_csv_variants_are_read(tmp_path, content, expected):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    table = read_attribute_file(path)
    assert table.frame.to_dict(orient="records") == expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \r\n", "empty file"),
        ("id,status\nkcn-a,đang hoạt động\n".encode("utf-16"), "not UTF-8"),
        (b"id,status,status\nkcn-a,a,b\n", "named twice in the header row: status"),
        (b"id,,status\nkcn-a,a,b\n", "column 2 has no name"),
        (b"id,status\nkcn-a,planned,extra\n", "row 2 has more cells"),
    ],
    ids=["zero-bytes", "blank", "utf-16", "duplicate-column", "unnamed-column", "ragged-row"],
)
def test_unreadable_csv_files_are_refused(tmp_path, content, message):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(MaintenanceError, match=message):
        read_attribute_file(path)


def test_excel_numbers_and_dates_are_read_as_typed(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "occupancy_pct", "leasable_ha", "as_of"])
    sheet.append(["kcn-a", 85.0, 120.5, dt.datetime(2025, 6, 30)])
    sheet.append([None, None, None, None])
    sheet.append(["kcn-b", 7, None, 2024])
    workbook.save(tmp_path / "in.xlsx")

    table = read_attribute_file(tmp_path / "in.xlsx")

    assert table.frame.to_dict(orient="index") == {
        2: {"id": "kcn-a", "occupancy_pct": "85", "leasable_ha": "120.5", "as_of": "2025-06-30"},
        4: {"id": "kcn-b", "occupancy_pct": "7", "leasable_ha": "", "as_of": "2024"},
    }


def test_excel_sheet_by_name_and_a_broken_workbook(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "notes"
    workbook.create_sheet("parks").append(["id"])
    workbook.save(tmp_path / "in.xlsx")
    assert list(read_attribute_file(tmp_path / "in.xlsx", sheet="parks").frame.columns) == ["id"]
    with pytest.raises(MaintenanceError, match="no sheet 'zones'; the sheets are: notes, parks"):
        read_attribute_file(tmp_path / "in.xlsx", sheet="zones")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip file")
    with pytest.raises(MaintenanceError, match="cannot be read as an Excel workbook"):
        read_attribute_file(tmp_path / "bad.xlsx")


# ------------------------------------------------------------------ incoming boundaries


def _parks(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["kcn-trang-due"], "ten": ["KCN Tràng Duệ"]}, geometry=[PARK_INSIDE], crs="EPSG:4326"
    ).to_crs(crs)


def test_a_zipped_shapefile_in_vn2000_comes_back_in_wgs84(tmp_path):
    _parks("EPSG:3405").to_file(tmp_path / "parks.shp")
    with zipfile.ZipFile(tmp_path / "parks.zip", "w") as archive:
        for part in tmp_path.glob("parks.*"):
            if part.suffix != ".zip":
                archive.write(part, part.name)

    frame = read_boundary_file(tmp_path / "parks.zip")

    assert frame.crs == "EPSG:4326"
    assert frame.loc[1, "id"] == "kcn-trang-due" and frame.loc[1, "ten"] == "KCN Tràng Duệ"
    assert frame.geometry.loc[1].hausdorff_distance(PARK_INSIDE) < 1e-7  # degrees: a centimetre


def test_a_file_without_crs_needs_one_named(tmp_path):
    _parks("EPSG:3405").to_file(tmp_path / "parks.shp")
    (tmp_path / "parks.prj").unlink()
    with pytest.raises(MaintenanceError, match="names no CRS; give the one it is in, e.g. --crs EPSG:3405"):
        read_boundary_file(tmp_path / "parks.shp")
    frame = read_boundary_file(tmp_path / "parks.shp", crs="EPSG:3405")
    assert frame.geometry.loc[1].centroid.distance(PARK_INSIDE.centroid) < 1e-6


def test_a_geopackage_with_two_layers_needs_one_chosen(tmp_path):
    path = tmp_path / "survey.gpkg"
    _parks().to_file(path, layer="parks", driver="GPKG")
    _parks("EPSG:32648").to_file(path, layer="parks_utm", driver="GPKG")
    with pytest.raises(MaintenanceError, match=r"2 layers \(parks, parks_utm\); choose one with --input-layer"):
        read_boundary_file(path)
    frame = read_boundary_file(path, layer="parks_utm")
    assert frame.crs == "EPSG:4326" and frame.geometry.loc[1].centroid.distance(PARK_INSIDE.centroid) < 1e-6


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.geojson", b"", "empty file"),
        ("broken.geojson", b"{not json", "cannot be read as a GIS layer"),
        ("parks.kml", b"<kml/>", "give GeoJSON, a GeoPackage"),
    ],
)
def test_unreadable_boundary_files_are_refused(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(MaintenanceError, match=message):
        read_boundary_file(tmp_path / name)
