"""`hpmap import`, `hpmap history` and `hpmap revert`, run as staff run them: real files; real processes where a
process is killed midway, two run at once, or the progress bar draws on a real terminal."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import geopandas as gpd
from shapely.geometry import box, mapping, shape

from tests.builders import PARK_INSIDE, edit_csv, read_csv, set_row
from tests.cli_runner import hpmap, installed_command
from tests.conftest import DATA_DIR

PORTS_GIS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "ports-gis" / "port_berths.geojson"
NEW_OUTLINE = box(106.621, 20.721, 106.641, 20.741)  # kcn-trang-due moved ~100 m north-east
HANOI = box(105.8, 21.0, 105.82, 21.02)  # west of the Hải Phòng region


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file of a directory, hidden ones included, with its bytes."""
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_geojson(path: Path, features: list[tuple[dict, object]]) -> Path:
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def zipped_shapefile(directory: Path, frame: gpd.GeoDataFrame, crs: str = "EPSG:3405") -> Path:
    """A zipped Shapefile of ``frame`` (EPSG:4326) written in ``crs``, as a surveyor would deliver it."""
    frame.to_crs(crs).to_file(directory / "survey.shp")
    with zipfile.ZipFile(directory / "survey.zip", "w") as archive:
        for part in sorted(directory.glob("survey.*")):
            if part.suffix != ".zip":
                archive.write(part, part.name)
    return directory / "survey.zip"


@pytest.fixture
def shipped_copy(tmp_path) -> Path:
    """A copy of the embedded data set: tests never write into data/."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


# ------------------------------------------------------------------ refusals: nothing changes


def _bowtie():
    return {"type": "Polygon", "coordinates": [[[106.62, 20.72], [106.64, 20.74], [106.64, 20.72], [106.62, 20.74],
                                                [106.62, 20.72]]]}  # fmt: skip


def _swapped():
    return mapping(
        shape({"type": "Polygon", "coordinates": [[[y, x] for x, y in mapping(PARK_INSIDE)["coordinates"][0]]]})
    )


REFUSALS = {
    "empty-csv": (
        lambda d: write_text(d / "in.csv", ""), ["attributes"], [], "in.csv: empty file, nothing to import"),
    "empty-xlsx": (
        lambda d: write_xlsx(d / "in.xlsx", []), ["attributes"], [], "in.xlsx: empty file, no header row"),
    "bad-status": (
        lambda d: write_text(d / "in.csv", "id,status\nkcn-trang-due,active\n"), ["attributes"], [],
        "industrial-parks.csv, feature 'kcn-trang-due', field 'status': 'active' is not one of: operating"),
    "unknown-source": (
        lambda d: write_text(d / "in.csv", "id,occupancy_pct\nkcn-trang-due,80\n"), ["attributes"],
        ["--source", "src-zz", "--as-of", "2025"], "unknown source 'src-zz': it is not in sources.csv"),
    "occupancy-120": (
        lambda d: write_text(d / "in.csv", "id,occupancy_pct\nkcn-trang-due,120\n"), ["attributes"],
        ["--source", "src-a", "--as-of", "2025"],
        "figures.csv, feature 'kcn-trang-due', field 'occupancy_pct': value 120 is outside 0–100 %"),
    "negative-area": (
        lambda d: write_text(d / "in.csv", "name_vi,area_ha,as_of\nkcn chong lan,-5,2025\n"), ["attributes"],
        ["--source", "src-a", "--layer", "industrial-parks"],
        "figures.csv, feature 'kcn-overlap', field 'area_ha': negative value -5 ha"),
    "row-date-malformed": (
        lambda d: write_text(d / "in.csv", "id,leasable_ha,as_of\nkcn-trang-due,300,June 2025\n"), ["attributes"],
        ["--source", "src-a"], "field 'leasable_ha': malformed date 'June 2025' in as_of"),
    "as-of-malformed": (
        lambda d: write_text(d / "in.csv", "id,status\nkcn-trang-due,planned\n"), ["attributes"],
        ["--as-of", "2025/06"], "--as-of 2025/06: not a date"),
    "figure-without-source": (
        lambda d: write_text(d / "in.csv", "id,occupancy_pct\nkcn-trang-due,80\n"), ["attributes"],
        ["--as-of", "2025"], "figures (occupancy_pct) need a source"),
    "unknown-column": (
        lambda d: write_text(d / "in.csv", "id,occupancy\nkcn-trang-due,80\n"), ["attributes"], [],
        "unknown column(s): occupancy"),
    "strict-unknown-id": (
        lambda d: write_text(d / "in.csv", "id,status\nkcn-trang-due,planned\nkcn-unknown,planned\n"),
        ["attributes"], ["--strict"], "refused (--strict)"),
    "invalid-geometry": (
        lambda d: write_geojson(d / "in.geojson", [({"id": "kcn-trang-due"}, _bowtie())]), ["boundaries"],
        ["--source", "src-a"], "industrial-parks.geojson, feature 'kcn-trang-due', field 'geometry': invalid geometry"),
    "swapped-coordinates": (
        lambda d: write_geojson(d / "in.geojson", [({"id": "kcn-trang-due"}, _swapped())]), ["boundaries"],
        ["--source", "src-a"], "are not longitude/latitude degrees; the file looks projected"),
    "outside-the-region": (
        lambda d: write_geojson(d / "in.geojson", [({"id": "kcn-trang-due"}, mapping(HANOI))]),
        ["boundaries"], ["--source", "src-a"], "field 'geometry': lies outside the Hải Phòng region"),
    "point-not-outline": (
        lambda d: write_geojson(d / "in.geojson", [({"id": "kcn-trang-due"}, mapping(PARK_INSIDE.centroid))]),
        ["boundaries"], ["--source", "src-a"],
        "field 'geometry': Point found; the industrial-parks layer holds Polygon or MultiPolygon outlines"),
    "boundaries-without-source": (
        lambda d: write_geojson(d / "in.geojson", [({"id": "kcn-trang-due"}, mapping(NEW_OUTLINE))]),
        ["boundaries"], [], "boundaries need a source"),
    "ids-of-two-layers": (
        lambda d: write_geojson(d / "in.geojson", [({"id": "kcn-trang-due"}, mapping(NEW_OUTLINE)),
                                                   ({"id": "port-lach-huyen"}, mapping(NEW_OUTLINE))]),
        ["boundaries"], ["--source", "src-a"], "ids belong to several layers (industrial-parks, ports)"),
    # Files that are too big, or built to be: refused with a message before they are unpacked.
    "xlsx-bomb": (lambda d: _xlsx_with(d, "xl/worksheets/padding.xml", b"A" * 30_000_000), ["attributes"], [],
                  "refused as a decompression bomb"),
    "xlsx-entities": (lambda d: _xlsx_with(d, "xl/worksheets/sheet1.xml", ENTITY_SHEET), ["attributes"], [],
                      "in.xlsx: cannot be read as an Excel workbook"),
    "csv-cell-too-long": (lambda d: write_text(d / "in.csv", "id,developer\nkcn-trang-due," + "x" * 200_000 + "\n"),
                          ["attributes"], [], "a cell holds at most 131,072 characters"),
    "nul-in-a-cell": (lambda d: write_text(d / "in.csv", "id,developer\nkcn-trang-due,A\x00B\n"), ["attributes"], [],
                      "in.csv: row 2, column 'developer': a NUL character"),
    "too-many-vertices": (lambda d: write_geojson(d / "in.geojson", [({"id": "kcn-trang-due"}, _many_vertices())]),
                          ["boundaries"], ["--source", "src-a"], "in.geojson: feature 1: 200,000 vertices"),
    "too-many-features": (lambda d: write_geojson(d / "in.geojson", [({"id": f"p{i}"}, POINT) for i in range(100_001)]),
                          ["boundaries"], ["--source", "src-a"], "in.geojson: 100,001 features; at most 100,000"),
    "lunar-crs": (lambda d: _on_the_moon(d), ["boundaries"], ["--source", "src-a"],
                  "cannot be turned into longitude/latitude from its CRS"),
}  # fmt: skip

LAUGHS = b"".join(  # "billion laughs": each entity ten of the one before
    b'<!ENTITY l%d "%s">' % (level, b"ha" if level == 0 else b"&l%d;" % (level - 1) * 10) for level in range(10)
)
ENTITY_SHEET = (b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w [' + LAUGHS + b"]>"
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>')
POINT = {"type": "Point", "coordinates": [106.7, 20.8]}


def _xlsx_with(directory: Path, member: str, content: bytes) -> Path:
    """A real workbook (id, developer) with ``member`` added or replaced."""
    plain = write_xlsx(directory / "plain.xlsx", [["id", "developer"], ["kcn-trang-due", "LG"]])
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(directory / "in.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename != member:
                out.writestr(item, source.read(item))
        out.writestr(member, content)
    return directory / "in.xlsx"


def _many_vertices():
    import math

    ring = [[106.70 + 0.01 * math.cos(2 * math.pi * i / 200_000), 20.80 + 0.01 * math.sin(2 * math.pi * i / 200_000)]
            for i in range(199_999)]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def _on_the_moon(directory: Path) -> Path:
    frame = gpd.GeoDataFrame({"id": ["kcn-trang-due"]}, geometry=[NEW_OUTLINE], crs="IAU_2015:30100")
    frame.to_file(directory / "moon.gpkg")
    return directory / "moon.gpkg"


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_imports_leave_every_file_as_it_was(tmp_path, tiny_dir, case):
    make_file, kind, extra, message = REFUSALS[case]
    incoming = make_file(tmp_path)
    before = snapshot(tiny_dir)

    result = hpmap("import", *kind, incoming, "--data-dir", tiny_dir, *extra)

    assert result.exit_code == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(tiny_dir) == before  # byte for byte, and no change log, temporary or journal file


# ------------------------------------------------------------------ imports that go through


def test_a_csv_with_bom_and_windows_line_ends_matched_by_name(tmp_path, tiny_dir):
    incoming = write_text(tmp_path / "parks.csv", "\ufeffname_vi,status,developer\r\nkcn trang due,planned,LG\r\n")

    result = hpmap(
        "import", "attributes", incoming, "--layer", "industrial-parks", "--data-dir", tiny_dir, "--by", "lan"
    )

    assert result.exit_code == 0, result.stderr
    assert "matched: 1 (0 by id, 1 by name)" in result.stdout
    assert "industrial-parks.csv  kcn-trang-due  status: operating → planned" in result.stdout
    row = next(r for r in read_csv(tiny_dir / "industrial-parks.csv") if r["id"] == "kcn-trang-due")
    assert (row["status"], row["developer"], row["name_vi"]) == ("planned", "LG", "KCN Tràng Duệ")
    log = read_csv(tiny_dir / "changes.csv")
    assert [(r["who"], r["action"], r["source"], r["feature"], r["field"], r["old_value"], r["new_value"])
            for r in log] == [
        ("lan", "import attributes", "parks.csv", "kcn-trang-due", "status", "operating", "planned"),
        ("lan", "import attributes", "parks.csv", "kcn-trang-due", "developer", "", "LG"),
    ]  # fmt: skip
    assert log[0]["when"].endswith("Z") and dt.datetime.fromisoformat(log[0]["when"])
    assert hpmap("validate", tiny_dir).exit_code == 0


def test_an_excel_sheet_of_figures_with_a_new_source(tmp_path, tiny_dir):
    incoming = write_xlsx(
        tmp_path / "heza-2025.xlsx",
        [["id", "occupancy_pct", "leasable_ha", "as_of"], ["kcn-trang-due", 82.5, 410, dt.datetime(2025, 6, 30)]],
    )

    result = hpmap(
        "import", "attributes", incoming, "--data-dir", tiny_dir,
        "--source-location", "https://heza.haiphong.gov.vn/kcn-2025", "--source-title", "HEZA 2025",
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    source = read_csv(tiny_dir / "sources.csv")[-1]
    assert source["kind"] == "web" and source["title"] == "HEZA 2025" and source["id"].startswith("heza-")
    figures = [(r["field"], r["value"], r["as_of"], r["sources"], r["shown"])
               for r in read_csv(tiny_dir / "figures.csv") if r["feature_id"] == "kcn-trang-due"]  # fmt: skip
    assert ("occupancy_pct", "75", "2015", "src-b", "no") in figures
    assert ("occupancy_pct", "82.5", "2025-06-30", source["id"], "yes") in figures
    assert ("leasable_ha", "410", "2025-06-30", source["id"], "yes") in figures
    assert f"heza-2025.xlsx; {source['id']}" in (tiny_dir / "changes.csv").read_text(encoding="utf-8")


def test_unmatched_and_ambiguous_rows_are_reported_and_left_alone(tmp_path, tiny_dir):
    edit_csv(tiny_dir / "industrial-parks.csv", set_row("kcn-overlap", aliases="LG park"))
    incoming = write_text(
        tmp_path / "in.csv",
        "id,name_vi,status\n"
        "kcn-nowhere,,planned\n"  # row 2: unknown id
        "port-lach-huyen,,planned\n"  # row 3: a port, not a park
        ",LG park,planned\n"  # row 4: the alias of two parks
        ",KCN Vắt Ngang,planned\n"  # rows 5 and 6: the same park twice
        "kcn-straddle,,operating\n"
        ",KCN Hải Dương,planned\n",  # row 7: matched
    )
    before = (tiny_dir / "industrial-parks.csv").read_bytes()

    result = hpmap("import", "attributes", incoming, "--layer", "industrial-parks", "--data-dir", tiny_dir, "--dry-run")

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "matched: 1 (0 by id, 1 by name)" in out
    assert "unmatched: 2" in out and "ambiguous: 3" in out
    assert "row 2 'kcn-nowhere': unknown id: no feature of layer 'industrial-parks' has it" in out
    assert "row 3 'port-lach-huyen': id of a feature of layer 'ports', not of 'industrial-parks'" in out
    assert "row 4 'LG park': fits 2 features (kcn-overlap, kcn-trang-due)" in out
    assert "row 5 'KCN Vắt Ngang': rows 5, 6 all match feature 'kcn-straddle'" in out
    assert "industrial-parks.csv  kcn-outside  status: operating → planned" in out
    assert "Dry run: nothing was written." in out
    assert (tiny_dir / "industrial-parks.csv").read_bytes() == before and not (tiny_dir / "changes.csv").exists()


def test_a_zipped_vn2000_shapefile_replaces_an_outline(tmp_path, tiny_dir):
    survey = gpd.GeoDataFrame({"ten": ["KCN Trang Due"]}, geometry=[NEW_OUTLINE], crs="EPSG:4326")
    incoming = zipped_shapefile(tmp_path, survey)

    result = hpmap(
        "import", "boundaries", incoming, "--layer", "industrial-parks", "--name-field", "ten",
        "--source", "src-b", "--quality", "traced", "--data-dir", tiny_dir,
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert (
        "industrial-parks.geojson  kcn-trang-due  geometry: Polygon, 5 vertices → Polygon, 5 vertices" in result.stdout
    )
    document = json.loads((tiny_dir / "industrial-parks.geojson").read_text(encoding="utf-8"))
    feature = next(f for f in document["features"] if f["properties"]["id"] == "kcn-trang-due")
    assert shape(feature["geometry"]).hausdorff_distance(NEW_OUTLINE) < 1e-7  # back in EPSG:4326, to a centimetre
    assert feature["properties"]["geometry_sources"] == "src-b"
    assert feature["properties"]["geometry_note"] == "Imported from survey.zip."
    assert "crs" not in document


def test_a_geopackage_layer_chosen_and_the_layer_inferred_from_ids(tmp_path, tiny_dir):
    path = tmp_path / "survey.gpkg"
    gpd.GeoDataFrame({"id": ["kcn-trang-due"]}, geometry=[NEW_OUTLINE], crs=4326).to_file(path, layer="parks")
    gpd.GeoDataFrame({"id": ["x"]}, geometry=[NEW_OUTLINE], crs=4326).to_file(path, layer="other")

    refused = hpmap("import", "boundaries", path, "--source", "src-a", "--data-dir", tiny_dir)
    result = hpmap("import", "boundaries", path, "--input-layer", "parks", "--source", "src-a", "--data-dir", tiny_dir)

    assert refused.exit_code == 1 and "choose one with --input-layer" in refused.stderr
    assert result.exit_code == 0, result.stderr
    assert "Import of survey.gpkg into layer industrial-parks" in result.stdout


def test_dry_run_prints_the_diff_and_changes_nothing(tmp_path, tiny_dir):
    incoming = write_text(tmp_path / "in.csv", "id,status,occupancy_pct\nkcn-trang-due,planned,80\n")
    before = snapshot(tiny_dir)

    result = hpmap("import", "attributes", incoming, "--source", "src-a", "--as-of", "2025", "--dry-run",
                   "--data-dir", tiny_dir)  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert "industrial-parks.csv  kcn-trang-due  status: operating → planned" in result.stdout
    assert "figures.csv  kcn-trang-due  occupancy_pct: 75 (as of 2015; src-b) → 80 (as of 2025; src-a) [new row]" in (
        result.stdout
    )
    assert snapshot(tiny_dir) == before


def test_nothing_to_change_is_said_and_nothing_is_logged(tmp_path, tiny_dir):
    incoming = write_text(tmp_path / "in.csv", "id,status\nkcn-trang-due,operating\n")
    result = hpmap("import", "attributes", incoming, "--data-dir", tiny_dir)
    assert result.exit_code == 0 and "Nothing to change (1 value(s) already as in the file)." in result.stdout
    assert not (tiny_dir / "changes.csv").exists()


def test_progress_goes_to_stderr_unless_quiet(tmp_path, tiny_dir):
    incoming = write_text(tmp_path / "in.csv", "id,status\nkcn-trang-due,planned\n")
    loud = hpmap("import", "attributes", incoming, "--data-dir", tiny_dir, "--dry-run")
    quiet = hpmap("import", "attributes", incoming, "--data-dir", tiny_dir, "--dry-run", "--quiet")
    assert "hpmap: matching rows\n" in loud.stderr  # not a terminal (a log): the bar's label, once
    assert "validating the changed data set" in loud.stderr
    assert quiet.stderr == "" and quiet.stdout == loud.stdout


def test_on_a_terminal_the_progress_bar_is_drawn_in_place(tmp_path, tiny_dir):
    incoming = write_text(tmp_path / "in.csv", "id,status\nkcn-trang-due,planned\n")
    terminal, its_side = os.openpty()
    process = subprocess.Popen(
        [*installed_command(), "import", "attributes", str(incoming), "--data-dir", str(tiny_dir), "--dry-run"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=its_side,
    )  # fmt: skip
    os.close(its_side)
    shown = b""
    while chunk := _read_terminal(terminal):
        shown += chunk
    os.close(terminal)
    assert process.wait(timeout=60) == 0
    # Each redraw starts at the line's beginning ("\r"); the last one shows the bar full.
    assert re.search(rb"\r(\x1b\[\?25l)?hpmap: matching rows \[#{30}\] 1/1", shown), shown


def _read_terminal(terminal: int) -> bytes:
    """Read what a process wrote to its terminal; b"" once it has closed it (Linux says EIO)."""
    try:
        return os.read(terminal, 4096)
    except OSError:
        return b""


def test_the_data_dir_comes_from_the_environment(tmp_path, tiny_dir):
    incoming = write_text(tmp_path / "in.csv", "id,status\nkcn-trang-due,planned\n")
    result = hpmap("import", "attributes", incoming, env={"HPMAP_DATA_DIR": str(tiny_dir)})
    assert result.exit_code == 0, result.stderr
    assert (tiny_dir / "changes.csv").exists()
