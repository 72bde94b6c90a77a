"""The maintenance core (geo.formats.tables, incoming, matching, edits, imports, journal) on real files and frames."""

from __future__ import annotations

import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import box

from geo.formats.incoming import IncomingTable
from geo.formats.tables import read_data_files
from geo.maintenance.changelog import Change, figure_text
from geo.maintenance.edits import apply_changes
from geo.maintenance.imports import plan_attribute_import, plan_boundary_import
from geo.maintenance.matching import match_rows
from geo.maintenance.plan import ImportOptions, plan_revert, prepare_write, resolve_source
from geo.model.errors import MaintenanceError
from geo.model.files import CHANGES_FILE, CITY_FIGURES_FILE, CONTACTS_FILE, CONTEXT_FILE
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
