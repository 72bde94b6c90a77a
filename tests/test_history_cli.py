"""hpmap history and revert, a command killed midway, and the real seaport GIS layer as an import."""
# ruff: noqa: F811  (the fixtures imported from the module this one was split from are redefined as arguments)

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import Result

import geopandas as gpd
from shapely.geometry import box

from tests.builders import edit_csv, read_csv
from tests.cli_runner import hpmap
from tests.paused_hpmap import kill, start_paused
from tests.test_import_cli import (
    PORTS_GIS,
    shipped_copy,  # noqa: F401  (fixtures: pytest finds them by name)
    snapshot,
    write_text,
    write_xlsx,
    zipped_shapefile,
)

# ------------------------------------------------------------------ history and revert


def _change_id(result: Result) -> str:
    line = next(line for line in result.stdout.splitlines() if line.startswith("Change "))
    return line.split()[1]


def test_history_then_revert_gives_back_the_same_bytes(tmp_path, shipped_copy):
    original = snapshot(shipped_copy)
    sheet = write_xlsx(
        tmp_path / "parks.xlsx",
        [["id", "status", "developer", "occupancy_pct", "as_of"],
         ["kcn-deep-c-2", "operating", "DEEP C (Rent-A-Port)", 88, "2025-09"],
         ["kcn-nomura-hai-phong", None, None, 99, "2025-09"]],
    )  # fmt: skip
    first = hpmap("import", "attributes", sheet, "--data-dir", shipped_copy, "--source-location", "survey-2025.pdf")
    # Around the seaport plan's DEEP C II polygon, the park's best position evidence: a survey may move an
    # outline, but not away from where the evidence puts the park.
    survey = gpd.GeoDataFrame({"id": ["kcn-deep-c-2"]}, geometry=[box(106.775, 20.782, 106.80, 20.80)], crs=4326)
    second = hpmap("import", "boundaries", zipped_shapefile(tmp_path, survey), "--data-dir", shipped_copy,
                   "--source", "ref-ports-gis", "--quality", "approximate")  # fmt: skip
    assert first.exit_code == 0, first.stderr
    assert second.exit_code == 0, second.stderr
    imported, outlined = _change_id(first), _change_id(second)

    history = hpmap("history", "--data-dir", shipped_copy)
    one = hpmap("history", "--limit", "1", "--data-dir", shipped_copy)
    nomura = hpmap("history", "--feature", "kcn-nomura-hai-phong", "--data-dir", shipped_copy)

    assert history.stdout.index(outlined) < history.stdout.index(imported)  # most recent first
    assert "industrial-parks.geojson  kcn-deep-c-2  geometry_quality: traced → approximate" in history.stdout
    assert "sources.csv  survey-2025-" in history.stdout
    assert imported not in one.stdout and outlined in one.stdout
    assert "kcn-nomura-hai-phong  occupancy_pct" in nomura.stdout and "kcn-deep-c-2" not in nomura.stdout

    unchanged = snapshot(shipped_copy)
    dry = hpmap("revert", outlined, "--dry-run", "--data-dir", shipped_copy)
    assert dry.exit_code == 0 and "geometry_quality: approximate → traced" in dry.stdout
    assert snapshot(shipped_copy) == unchanged
    assert hpmap("revert", outlined, "--data-dir", shipped_copy).exit_code == 0
    reverted = hpmap("revert", imported, "--data-dir", shipped_copy, "--by", "lan")
    assert reverted.exit_code == 0, reverted.stderr

    after = snapshot(shipped_copy)
    assert after.pop("changes.csv")
    assert after == original  # every data file byte-identical to before the imports
    log = read_csv(shipped_copy / "changes.csv")
    assert [r["action"] for r in log if r["who"] == "lan"][0] == f"revert {imported}"
    again = hpmap("revert", imported, "--data-dir", shipped_copy)
    assert again.exit_code == 1 and "was reverted already" in again.stderr


def test_a_revert_that_would_undo_a_later_change_is_refused(tmp_path, tiny_dir):
    first = hpmap("import", "attributes", write_text(tmp_path / "a.csv", "id,status\nkcn-trang-due,planned\n"),
                  "--data-dir", tiny_dir)  # fmt: skip
    hpmap("import", "attributes", write_text(tmp_path / "b.csv", "id,status\nkcn-trang-due,under_construction\n"),
          "--data-dir", tiny_dir)  # fmt: skip
    before = snapshot(tiny_dir)

    result = hpmap("revert", _change_id(first), "--data-dir", tiny_dir)

    assert result.exit_code == 1
    assert "field 'status': found 'under_construction' where 'planned' was expected" in result.stderr
    assert "hpmap history --feature kcn-trang-due" in result.stderr
    assert snapshot(tiny_dir) == before


def test_history_of_an_untouched_directory_and_an_unknown_change(tiny_dir):
    assert hpmap("history", "--data-dir", tiny_dir).stdout == "No change logged yet.\n"
    unknown = hpmap("revert", "20250101-000000-abcd", "--data-dir", tiny_dir)
    assert unknown.exit_code == 1 and "no change '20250101-000000-abcd' in changes.csv" in unknown.stderr


# ------------------------------------------------------------------ a process killed midway


def _start_paused(step: str, incoming: Path, data_dir: Path) -> subprocess.Popen:
    """Start an import of ``incoming`` into ``data_dir`` in a process of its own, paused at ``step`` of its commit."""
    return start_paused(step, "import", "attributes", incoming, "--data-dir", data_dir, "--source", "src-a",
                        "--as-of", "2025")  # fmt: skip


@pytest.fixture
def figures_update(tmp_path) -> Path:
    return write_text(tmp_path / "in.csv", "id,status,occupancy_pct\nkcn-trang-due,planned,81\n")


def test_killed_between_two_renames_the_next_run_completes_the_change(tmp_path, tiny_dir, figures_update):
    reference = Path(shutil.copytree(tiny_dir, tmp_path / "reference"))
    assert hpmap("import", "attributes", figures_update, "--data-dir", reference, "--source", "src-a",
                 "--as-of", "2025").exit_code == 0  # fmt: skip
    before = snapshot(tiny_dir)

    kill(_start_paused("replaced-1", figures_update, tiny_dir))

    half = snapshot(tiny_dir)
    assert ".hpmap-journal.json" in half and "changes.csv" in half  # the first file is in place…
    assert half["figures.csv"] == before["figures.csv"]  # …the second not yet
    result = hpmap("history", "--data-dir", tiny_dir)
    assert "completed a change a killed process left half written" in result.stderr
    assert "kcn-trang-due  occupancy_pct: 75 (as of 2015; src-b) → 81 (as of 2025; src-a)" in result.stdout
    after, expected = snapshot(tiny_dir), snapshot(reference)
    assert after.pop("changes.csv") and expected.pop("changes.csv")  # change ids and times differ
    assert after == expected  # fully new, no journal or staged file left
    assert hpmap("validate", tiny_dir).exit_code == 0


def test_killed_before_the_commit_point_the_next_run_discards_it(tiny_dir, figures_update):
    before = snapshot(tiny_dir)

    kill(_start_paused("staged", figures_update, tiny_dir))

    assert any(name.startswith(".hpmap-new-") for name in snapshot(tiny_dir))
    result = hpmap("history", "--data-dir", tiny_dir)
    assert "discarded the staged files of a change that never committed" in result.stderr
    assert snapshot(tiny_dir) == before  # fully old


def test_a_second_import_waits_its_turn(tiny_dir, figures_update):
    process = _start_paused("staged", figures_update, tiny_dir)
    try:
        result = hpmap("import", "attributes", figures_update, "--data-dir", tiny_dir, "--source", "src-a",
                       "--as-of", "2025")  # fmt: skip
    finally:
        kill(process)
    assert result.exit_code == 1 and "another hpmap command is changing this directory" in result.stderr


# ------------------------------------------------------------------ the real seaport GIS layer


needs_ports_gis = pytest.mark.skipif(not PORTS_GIS.exists(), reason=f"reference layer absent: {PORTS_GIS}")


def _add_aliases(data_dir: Path, aliases: dict[str, str]) -> None:
    def edit(rows):
        for row in rows:
            if row["id"] in aliases:
                row["aliases"] = "; ".join(filter(None, [row["aliases"], aliases[row["id"]]]))
        return rows

    edit_csv(data_dir / "ports.csv", edit)


@needs_ports_gis
def test_the_seaport_gis_layer_as_boundaries_of_a_copy_of_the_ports(shipped_copy):
    _add_aliases(shipped_copy, {
        "port-lach-huyen-berths-1-2-hict": "Bến cảng Container Quốc tế Tân Cảng Hải Phòng",
        "port-lach-huyen-berths-3-4": "Bến cảng Container số 3-4 Cảng Hải Phòng",
        "port-lach-huyen-berths-5-6-hhit": "Bến cảng Container số 5-6 HATECO",
    })  # fmt: skip

    started = time.perf_counter()
    result = hpmap("import", "boundaries", PORTS_GIS, "--layer", "ports", "--name-field", "ten",
                   "--source", "ref-ports-gis", "--data-dir", shipped_copy)  # fmt: skip
    seconds = time.perf_counter() - started

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    # Hoàng Diệu, Chùa Vẽ and Tân Vũ by their names; the three Lạch Huyện terminals by the aliases added.
    assert "matched: 6 (0 by id, 6 by name)" in out
    assert "unmatched: 116" in out and "ambiguous: 0" in out
    assert "feature 76 '': no id and no name: fill the id column or one of ten" in out
    # Outline, note and the note's Vietnamese twin ("Nhập từ port_berths.geojson."); quality and source were right.
    assert "changed: 18 field(s) of 6 feature(s)" in out
    assert "new warning: ports.geojson, feature 'port-lach-huyen-berths-5-6-hhit', field 'geometry': outline" in out
    assert seconds < 60
    validated = hpmap("validate", shipped_copy)
    assert validated.exit_code == 0 and "0 error(s)" in validated.stdout


@needs_ports_gis
def test_a_real_self_intersecting_berth_is_refused(shipped_copy):
    _add_aliases(shipped_copy, {"port-nam-dinh-vu": "Bến cảng Nam Đình Vũ (giai đoạn 3)"})
    before = snapshot(shipped_copy)

    result = hpmap("import", "boundaries", PORTS_GIS, "--layer", "ports", "--name-field", "ten",
                   "--source", "ref-ports-gis", "--data-dir", shipped_copy)  # fmt: skip

    assert result.exit_code == 1
    assert "ports.geojson, feature 'port-nam-dinh-vu', field 'geometry': invalid geometry (Self-intersection" in (
        result.stderr
    )
    assert snapshot(shipped_copy) == before


@needs_ports_gis
def test_two_berths_claiming_one_port_are_ambiguous(shipped_copy):
    _add_aliases(shipped_copy, {"port-dinh-vu-area": "Bến cảng Euro Đình Vũ"})

    result = hpmap("import", "boundaries", PORTS_GIS, "--layer", "ports", "--name-field", "ten",
                   "--source", "ref-ports-gis", "--data-dir", shipped_copy, "--dry-run")  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert "ambiguous: 2" in result.stdout
    assert "all match feature 'port-dinh-vu-area': keep one of them" in result.stdout
