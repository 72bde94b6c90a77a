"""Data maintenance: the journal that makes a multi-file write all-or-nothing, and position evidence edits."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo.formats.journal import JOURNAL, commit_files, lock, recover
from geo.formats.tables import read_data_files
from geo.maintenance.edits import apply_changes
from geo.maintenance.imports import plan_attribute_import
from geo.maintenance.plan import ImportOptions, prepare_write
from geo.model.errors import MaintenanceError
from geo.model.files import CHANGES_FILE
from tests.test_maintenance import incoming

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
