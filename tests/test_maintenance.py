"""The maintenance core (geo.formats.tables, incoming, matching, edits, imports, journal) on real files and frames."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import box

from geo.formats.incoming import IncomingTable, read_attribute_file, read_boundary_file
from geo.formats.journal import JOURNAL, commit_files, lock, recover
from geo.formats.tables import read_data_files
from geo.maintenance.changelog import Change, figure_text
from geo.maintenance.edits import apply_changes
from geo.maintenance.imports import plan_attribute_import, plan_boundary_import
from geo.maintenance.matching import match_rows
from geo.maintenance.plan import ImportOptions, plan_revert, prepare_write, resolve_source
from geo.model.errors import MaintenanceError
from geo.model.files import CHANGES_FILE, CITY_FIGURES_FILE, CONTACTS_FILE, CONTEXT_FILE
from tests.builders import PARK_INSIDE
from tests.conftest import DATA_DIR


def incoming(rows: list[dict], name: str = "in.csv") -> IncomingTable:
    frame = pd.DataFrame(rows, dtype=object).fillna("")
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return IncomingTable(name, frame)


# ------------------------------------------------------------------ reading and writing the data directory


NOT_EDITED = (CONTEXT_FILE, CITY_FIGURES_FILE, CONTACTS_FILE)  # context, city figures, contacts: no import edits them
EDITED = sorted(p.name for p in DATA_DIR.iterdir() if p.suffix in (".csv", ".geojson") and p.name not in NOT_EDITED)


@pytest.mark.parametrize("name", EDITED)
def test_every_shipped_file_is_written_back_byte_for_byte(name):
    files = read_data_files(DATA_DIR)
    assert files.render(name) == (DATA_DIR / name).read_bytes()


def test_the_test_builder_layout_is_kept_too(tiny_dir):
    files = read_data_files(tiny_dir)
    for name in ["industrial-parks.csv", "figures.csv", "industrial-parks.geojson", "positions.csv", "context.geojson"]:
        assert files.render(name) == (tiny_dir / name).read_bytes()


def test_a_missing_layer_file_is_named(tiny_dir):
    (tiny_dir / "ports.geojson").unlink()
    with pytest.raises(MaintenanceError, match="ports.geojson: file not found"):
        read_data_files(tiny_dir)


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


# ------------------------------------------------------------------ matching


@pytest.fixture
def parks_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["kcn-trang-due", "kcn-deep-c-1", "kcn-deep-c-2"],
            "name_vi": ["KCN Tràng Duệ", "KCN Đình Vũ (DEEP C I)", "KCN DEEP C II"],
            "name_en": ["Trang Due IP", "DEEP C I", "DEEP C II"],
            "aliases": ["LG park", "DEEP C", "DEEP C; Nam Đình Vũ II"],
        }
    )


LAYER_OF = {"kcn-trang-due": "industrial-parks", "kcn-deep-c-1": "industrial-parks",
            "kcn-deep-c-2": "industrial-parks", "port-tan-vu": "ports"}  # fmt: skip


@pytest.mark.parametrize(
    ("row", "matched", "verdict", "reason"),
    [
        ({"id": "kcn-trang-due"}, "kcn-trang-due", "", ""),
        ({"name_vi": "kcn trang due"}, "kcn-trang-due", "", ""),
        ({"name_en": "TRANG-DUE ip"}, "kcn-trang-due", "", ""),
        ({"name_vi": "Nam Dinh Vu II"}, "kcn-deep-c-2", "", ""),
        ({"id": "kcn-trang-due", "name_vi": "DEEP C II"}, "kcn-trang-due", "", ""),  # the id wins
        ({"id": "kcn-nowhere"}, None, "unmatched", "unknown id: no feature of layer 'industrial-parks' has it"),
        ({"id": "port-tan-vu"}, None, "unmatched", "id of a feature of layer 'ports', not of 'industrial-parks'"),
        ({"name_vi": "Đình Vũ"}, None, "unmatched", "no feature of layer 'industrial-parks' has this name or alias"),
        ({"name_vi": "Deep C"}, None, "ambiguous", "fits 2 features (kcn-deep-c-1, kcn-deep-c-2)"),
        ({"name_vi": ""}, None, "unmatched", "no id and no name"),
    ],
)
def test_matching_by_id_then_folded_name(parks_table, row, matched, verdict, reason):
    rows = pd.DataFrame([{"id": "", "name_vi": "", "name_en": "", **row}], index=[7])
    result = match_rows(rows, parks_table, "industrial-parks", LAYER_OF)
    assert dict(result.matched) == ({7: matched} if matched else {})
    misses = {"unmatched": result.unmatched, "ambiguous": result.ambiguous}
    if verdict:
        (miss,) = misses[verdict]
        assert miss.row == 7 and reason in miss.reason
    assert sum(len(m) for m in misses.values()) == (1 if verdict else 0)


def test_two_rows_for_one_feature_are_both_left_alone(parks_table):
    rows = pd.DataFrame({"id": ["kcn-trang-due", "", "kcn-deep-c-1"], "name_vi": ["", "LG park", ""]}, index=[2, 3, 4])
    result = match_rows(rows, parks_table, "industrial-parks", LAYER_OF)
    assert dict(result.matched) == {4: "kcn-deep-c-1"}
    assert [(m.row, m.reason) for m in result.ambiguous] == [
        (2, "rows 2, 3 all match feature 'kcn-trang-due': keep one of them"),
        (3, "rows 2, 3 all match feature 'kcn-trang-due': keep one of them"),
    ]


# ------------------------------------------------------------------ planning, applying, undoing


def test_a_figure_becomes_the_shown_value_and_the_old_one_stays(tiny_dir):
    files = read_data_files(tiny_dir)
    rows = incoming([{"id": "kcn-trang-due", "occupancy_pct": "82", "status": "planned"}])

    plan = plan_attribute_import(files, rows, ImportOptions(source_id="src-b", as_of="2025-06"))
    after = apply_changes(files, plan.changes)

    figures = after.table("figures.csv")
    occupancy = figures[(figures["feature_id"] == "kcn-trang-due") & (figures["field"] == "occupancy_pct")]
    assert occupancy[["value", "as_of", "sources", "shown"]].values.tolist() == [
        ["75", "2015", "src-b", "no"],
        ["82", "2025-06", "src-b", "yes"],
    ]
    park = after.table("industrial-parks.csv").set_index("id").loc["kcn-trang-due"]
    assert (park["status"], park["status_as_of"]) == ("planned", "2025-06")  # the status describes the import's date
    assert park["sources"] == "src-a@2024-09; src-b@2025-06"  # and cites its source


def test_values_already_right_are_counted_not_changed(tiny_dir):
    files = read_data_files(tiny_dir)
    rows = incoming(
        [{"id": "kcn-trang-due", "occupancy_pct": "75.0", "occupancy_pct_as_of": "2015", "status": "operating"}]
    )
    plan = plan_attribute_import(files, rows, ImportOptions(source_id="src-b"))
    assert plan.changes == () and plan.unchanged == 2


def test_skipped_columns_and_a_custom_id_column(tiny_dir):
    files = read_data_files(tiny_dir)
    rows = incoming([{"ma": "kcn-trang-due", "status": "planned", "developer": "LG", "remarks": "call back"}])
    options = ImportOptions(id_field="ma", skip_columns=("developer", "remarks"))
    plan = plan_attribute_import(files, rows, options)
    assert plan.layer == "industrial-parks"
    assert [(c.field, c.new) for c in plan.changes] == [("status", "planned")]


def test_a_row_found_by_id_may_rename_the_feature(tiny_dir):
    files = read_data_files(tiny_dir)
    rows = incoming([{"id": "kcn-trang-due", "name_vi": "KCN Tràng Duệ (giai đoạn 1)", "aliases": "Trang Due;LG park"}])
    plan = plan_attribute_import(files, rows, ImportOptions())
    assert [(c.field, c.old, c.new) for c in plan.changes] == [
        ("name_vi", "KCN Tràng Duệ", "KCN Tràng Duệ (giai đoạn 1)")
    ]  # and "a;b" is the same list as "a; b"
    assert plan.unchanged == 1


def test_a_row_found_by_name_never_renames_the_feature(tiny_dir):
    files = read_data_files(tiny_dir)
    rows = incoming([{"name_vi": "kcn trang due", "developer": "LG"}])
    plan = plan_attribute_import(files, rows, ImportOptions(layer="industrial-parks"))
    assert [(c.field, c.new) for c in plan.changes] == [("developer", "LG")]


@pytest.mark.parametrize(
    ("row", "options", "message"),
    [
        ({"id": "kcn-trang-due", "occupancy": "80"}, {}, r"unknown column\(s\): occupancy"),
        ({"id": "kcn-trang-due", "occupancy_pct": "80"}, {"as_of": "2025"}, "figures .*need a source"),
        ({"id": "kcn-trang-due", "occupancy_pct": "80"}, {"source_id": "src-a"}, "row 2: occupancy_pct 80 has no date"),
        ({"id": "kcn-trang-due", "status": "planned"}, {"source_id": "nope"}, "unknown source 'nope'"),
        ({"id": "kcn-trang-due"}, {"source_id": "src-a", "source_location": "https://elsewhere.org"},
         "registered with location '003_54207b29853fc65d.txt'"),
    ],
    ids=["unknown-column", "figure-without-source", "figure-without-date", "unknown-source", "source-clash"],
)  # fmt: skip
def test_imports_that_cannot_be_planned(tiny_dir, row, options, message):
    files = read_data_files(tiny_dir)
    with pytest.raises(MaintenanceError, match=message):
        plan_attribute_import(files, incoming([row]), ImportOptions(**options))


def test_a_new_source_location_is_registered_once(tiny_dir):
    files = read_data_files(tiny_dir)
    options = ImportOptions(source_location="https://www.heza.gov.vn/kcn", source_title="HEZA")
    source_id, changes = resolve_source(files, options)
    assert source_id.startswith("heza-") and len(changes) == 1
    after = apply_changes(files, changes)
    assert after.table("sources.csv").iloc[-1].tolist() == [
        source_id,
        "web",
        "https://www.heza.gov.vn/kcn",
        "HEZA",
        "",
        "",
        "",
    ]
    assert resolve_source(after, ImportOptions(source_location="https://www.heza.gov.vn/kcn")) == (source_id, [])


def test_every_edit_undone_gives_the_same_bytes(tiny_dir):
    files = read_data_files(tiny_dir)
    rows = incoming([{"id": "kcn-trang-due", "occupancy_pct": "82", "leasable_ha": "410", "developer": "LG"}])
    plan = plan_attribute_import(files, rows, ImportOptions(source_location="survey-2025.pdf", as_of="2025"))
    after = apply_changes(files, plan.changes)

    undone = apply_changes(after, [c.inverted() for c in reversed(plan.changes)])

    for name in ["figures.csv", "sources.csv", "industrial-parks.csv"]:
        assert after.render(name) != files.render(name)
        assert undone.render(name) == files.render(name)


def test_an_edit_that_finds_another_value_is_a_conflict(tiny_dir):
    files = read_data_files(tiny_dir)
    stale = Change("industrial-parks.csv", "industrial-parks", "kcn-trang-due", "status", "planned", "operating")
    with pytest.raises(MaintenanceError, match="field 'status': found 'operating' where 'planned' was expected"):
        apply_changes(files, [stale])
    figure = Change("figures.csv", "industrial-parks", "kcn-trang-due", "occupancy_pct",
                    figure_text("70", "2023", "src-b"), figure_text("80", "2025", "src-b"), op="add")  # fmt: skip
    with pytest.raises(MaintenanceError, match="found '75 \\(as of 2015; src-b\\)'"):
        apply_changes(files, [figure])


def test_a_pending_write_is_validated_without_touching_the_directory(tiny_dir):
    before = {p.name: p.read_bytes() for p in tiny_dir.iterdir()}
    files = read_data_files(tiny_dir)
    plan = plan_attribute_import(
        files,
        incoming([{"id": "kcn-trang-due", "occupancy_pct": "120"}]),
        ImportOptions(source_id="src-a", as_of="2025"),
    )
    from geo.maintenance.changelog import new_change_info

    pending = prepare_write(tiny_dir, files, list(plan.changes), new_change_info("t", "import attributes", "in.csv"))

    assert [str(e) for e in pending.errors] == [
        "error: figures.csv, feature 'kcn-trang-due', field 'occupancy_pct': value 120 is outside 0–100 %"
    ]
    assert set(pending.contents) == {"figures.csv", CHANGES_FILE}
    assert {p.name: p.read_bytes() for p in tiny_dir.iterdir()} == before


def test_boundaries_replace_the_outline_and_record_quality_and_source(tiny_dir):
    files = read_data_files(tiny_dir)
    survey = gpd.GeoDataFrame({"id": ["kcn-overlap"]}, geometry=[box(106.631, 20.731, 106.649, 20.749)], crs=4326)
    survey.index = pd.RangeIndex(1, 2)

    plan = plan_boundary_import(files, survey, "survey.gpkg", ImportOptions(source_id="src-b"))

    assert plan.layer == "industrial-parks"  # inferred from the ids
    assert [c.field for c in plan.changes] == ["geometry", "geometry_quality", "geometry_sources", "geometry_note"]
    after = apply_changes(files, plan.changes)
    properties = after.collections["industrial-parks.geojson"].feature("kcn-overlap")["properties"]
    assert properties == {
        "id": "kcn-overlap",
        "geometry_quality": "traced",
        "geometry_note": "Imported from survey.gpkg.",
        "geometry_sources": "src-b",
        "position_uncertainty_m": "500",  # kept: the import does not say how certain the new outline is
    }


def test_a_revert_is_refused_twice(tiny_dir):
    from geo.maintenance.changelog import append_to_log, new_change_info

    files = read_data_files(tiny_dir)
    change = Change("industrial-parks.csv", "industrial-parks", "kcn-trang-due", "status", "operating", "planned")
    info = new_change_info("t", "import attributes", "in.csv")
    files = files.with_files({CHANGES_FILE: append_to_log(files.tables[CHANGES_FILE], info, [change])}, {})
    _, inverse = plan_revert(files, info.change_id)
    assert inverse == [change.inverted()]
    undo = new_change_info("t", f"revert {info.change_id}", "in.csv")
    files = files.with_files({CHANGES_FILE: append_to_log(files.tables[CHANGES_FILE], undo, inverse)}, {})
    with pytest.raises(MaintenanceError, match=f"reverted already, by change {undo.change_id}"):
        plan_revert(files, info.change_id)
    with pytest.raises(MaintenanceError, match="no change 'nope'"):
        plan_revert(files, "nope")


# ------------------------------------------------------------------ the journal


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_commit_writes_every_file_and_leaves_nothing_behind(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"old a")
    (tmp_path / "a.csv").chmod(0o640)
    steps = []
    commit_files(tmp_path, {"a.csv": b"new a", "b.csv": b"new b"}, on_step=steps.append)
    assert _snapshot(tmp_path) == {"a.csv": b"new a", "b.csv": b"new b"}
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o640
    assert steps == ["staged", "committed", "replaced-1", "replaced-2", "done"]


class Killed(Exception):
    """Stands in for the process dying at a step."""


def _die_at(step_name):
    def on_step(step):
        if step == step_name:
            raise Killed(step)

    return on_step


def test_a_commit_killed_before_its_journal_is_rolled_back(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"old a")
    with pytest.raises(Killed):
        commit_files(tmp_path, {"a.csv": b"new a", "b.csv": b"new b"}, on_step=_die_at("staged"))
    assert len(list(tmp_path.iterdir())) == 3  # the old file and two staged ones
    outcome, names = recover(tmp_path)
    assert outcome == "back" and len(names) == 2
    assert _snapshot(tmp_path) == {"a.csv": b"old a"}


def test_a_commit_killed_between_renames_is_rolled_forward(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"old a")
    (tmp_path / "b.csv").write_bytes(b"old b")
    with pytest.raises(Killed):
        commit_files(tmp_path, {"a.csv": b"new a", "b.csv": b"new b"}, on_step=_die_at("replaced-1"))
    assert (tmp_path / "a.csv").read_bytes() == b"new a" and (tmp_path / "b.csv").read_bytes() == b"old b"
    assert recover(tmp_path) == ("forward", ["a.csv", "b.csv"])
    assert _snapshot(tmp_path) == {"a.csv": b"new a", "b.csv": b"new b"}
    assert recover(tmp_path) == ("clean", [])


def test_a_file_edited_by_hand_during_recovery_is_not_overwritten_blindly(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"old a")
    with pytest.raises(Killed):
        commit_files(tmp_path, {"a.csv": b"new a"}, on_step=_die_at("replaced-1"))
    (tmp_path / "a.csv").write_bytes(b"edited by hand")
    with pytest.raises(MaintenanceError, match="differs from what was to be written"):
        recover(tmp_path)
    assert (tmp_path / JOURNAL).exists()


def test_the_lock_keeps_a_second_command_out(tmp_path):
    with lock(tmp_path):
        with pytest.raises(MaintenanceError, match="another hpmap command is changing this directory"):
            with lock(tmp_path):
                pass
    with lock(tmp_path):
        pass  # released


def test_json_layout_of_an_edited_collection_is_kept(tiny_dir):
    files = read_data_files(tiny_dir)
    plan = plan_attribute_import(files, incoming([{"id": "kcn-overlap", "geometry_note": "checked"}]), ImportOptions())
    text = apply_changes(files, plan.changes).render("industrial-parks.geojson").decode()
    assert json.loads(text)["features"][1]["properties"]["geometry_note"] == "checked"
    assert "\n" not in text and '", "' in text  # the builder's one-line layout, as json.dumps writes it


def test_an_unknown_layer_is_named(tiny_dir):
    files = read_data_files(tiny_dir)
    with pytest.raises(MaintenanceError, match="no layer 'parks'; the layers are: economic-zones"):
        plan_attribute_import(files, incoming([{"id": "x"}]), ImportOptions(layer="parks"))


# ------------------------------------------------------------------ position evidence (positions.csv)

# A gate on kcn-overlap's east edge, as a future `hpmap import osm` would add it.
GATE = {
    "id": "kcn-overlap-gate", "feature_id": "kcn-overlap", "marks": "map_pin", "lon": "106.650000",
    "lat": "20.740000", "radius_m": "30", "confidence": "medium", "source": "src-a", "as_of": "2025-06",
    "note": 'the gate, "east side", on a public map',
}  # fmt: skip


def test_a_position_record_is_written_through_the_journal_logged_and_reverted(tiny_dir):
    from geo.maintenance.changelog import new_change_info
    from geo.maintenance.edits import position_change
    from geo.pipeline.build import build_dataset
    from tests.cli_runner import hpmap

    before = {path.name: path.read_bytes() for path in tiny_dir.iterdir()}
    files = read_data_files(tiny_dir)
    info = new_change_info("lan", "import osm", "osm-gates.geojson")

    pending = prepare_write(tiny_dir, files, [position_change("industrial-parks", GATE)], info)

    assert pending.errors == [] and sorted(pending.contents) == ["changes.csv", "positions.csv"]
    commit_files(tiny_dir, pending.contents)
    assert not (tiny_dir / JOURNAL).exists()
    rows = pd.read_csv(tiny_dir / "positions.csv", dtype=str, keep_default_na=False)
    assert list(rows["id"][rows["feature_id"] == "kcn-overlap"]) == [
        "kcn-overlap-shared", "kcn-overlap-pin", "kcn-overlap-gate"  # after the feature's other records
    ]
    assert rows[rows["id"] == "kcn-overlap-gate"].iloc[0].to_dict() == GATE
    log = pd.read_csv(tiny_dir / CHANGES_FILE, dtype=str, keep_default_na=False)
    assert log[["change_id", "feature", "file", "field", "op", "old_value"]].values.tolist() == [
        [info.change_id, "kcn-overlap", "positions.csv", "position", "add", ""]
    ]
    assert "kcn-overlap-gate" in set(build_dataset(tiny_dir).positions["id"])
    logged = hpmap("history", "--feature", "kcn-overlap", "--data-dir", tiny_dir)
    assert logged.exit_code == 0 and info.change_id in logged.stdout

    assert hpmap("revert", info.change_id, "--data-dir", tiny_dir).exit_code == 0

    after = {path.name: path.read_bytes() for path in tiny_dir.iterdir()}
    assert after.pop(CHANGES_FILE) and after == before  # positions.csv byte for byte, nothing else touched
    log = pd.read_csv(tiny_dir / CHANGES_FILE, dtype=str, keep_default_na=False)
    assert log["op"].tolist() == ["add", "remove"] and log["action"].iloc[1] == f"revert {info.change_id}"


def test_a_malformed_position_record_is_refused_naming_file_record_and_field(tiny_dir):
    from geo.maintenance.changelog import new_change_info
    from geo.maintenance.edits import position_change

    before = {path.name: path.read_bytes() for path in tiny_dir.iterdir()}
    change = position_change("industrial-parks", dict(GATE, lon="20.74", lat="106.65"))  # swapped

    pending = prepare_write(tiny_dir, read_data_files(tiny_dir), [change], new_change_info("lan", "import osm", "x"))

    [error] = pending.errors
    assert (error.file, error.feature, error.field) == ("positions.csv", "kcn-overlap-gate", "lon")
    assert "swapped" in error.message
    assert {path.name: path.read_bytes() for path in tiny_dir.iterdir()} == before


def test_adding_a_position_record_whose_id_is_taken_is_refused(tiny_dir):
    from geo.maintenance.edits import position_change

    taken = position_change("industrial-parks", dict(GATE, id="kcn-overlap-pin"))
    with pytest.raises(MaintenanceError, match="record id 'kcn-overlap-pin' is already used"):
        apply_changes(read_data_files(tiny_dir), [taken])
