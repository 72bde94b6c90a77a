"""The hpmap command: in this process through click's CliRunner, and as the installed script where that matters."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

import pyogrio

from geo import build_dataset
from geo.analysis.stats import position_evidence
from geo.model.catalog import LAYERS
from tests.builders import edit_csv, set_row
from tests.cli_runner import hpmap, installed_command
from tests.conftest import DATA_DIR, REPO
from tests.test_boundaries import imported_modules
from webmap.cli import COMMANDS
from webmap.cli.data import evidence_table_text

REQUIRED = {"id", "name_vi", "name_en", "status", "area_ha", "sources"}


def run_installed(*args: str) -> subprocess.CompletedProcess:
    """Run the installed ``hpmap`` script: its entry point, and a process of its own."""
    return subprocess.run([*installed_command(), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", ["installed", "python -m"])
def test_validate_passes_on_the_shipped_data(command):
    prefix = installed_command() if command == "installed" else [sys.executable, "-m", "webmap.cli"]
    result = subprocess.run([*prefix, "validate", str(DATA_DIR)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout
    assert "53 industrial-parks" in result.stdout


def test_validate_reports_file_feature_and_field_and_exits_1(tiny_dir):
    edit_csv(tiny_dir / "industrial-parks.csv", set_row("kcn-trang-due", status="active"))

    result = hpmap("validate", str(tiny_dir))

    assert result.exit_code == 1
    assert "industrial-parks.csv, feature 'kcn-trang-due', field 'status': 'active' is not one of" in result.stdout
    assert "1 error(s)" in result.stdout


def test_validate_a_directory_that_does_not_exist(tmp_path):
    result = hpmap("validate", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "economic-zones.geojson: file not found" in result.stdout


@pytest.mark.parametrize("layer", [spec.name for spec in LAYERS])
def test_export_geojson_returns_every_feature_with_its_properties(shipped, layer):
    result = hpmap("export", layer)

    assert result.exit_code == 0, result.stderr
    collection = json.loads(result.stdout)  # progress went to stderr, not into the data
    features = collection["features"]
    assert len(features) == len(shipped.layer(layer).gdf)
    for feature in features:
        properties = feature["properties"]
        assert REQUIRED <= set(properties), feature["id"]
        assert properties["sources"] and all(
            s["location"] and (s["as_of"] or "description" not in s["fields"]) for s in properties["sources"]
        )
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_export_csv_is_one_row_per_feature(shipped):
    result = hpmap("export", "industrial-parks", "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(shipped.layer("industrial-parks").gdf)
    nomura = next(r for r in rows if r["id"] == "kcn-nomura-hai-phong")
    assert nomura["name_vi"] == "KCN Nomura – Hải Phòng"
    assert nomura["area_ha"] == "153.0" and nomura["area_ha_as_of"] == "2022-07"
    assert nomura["geometry_wkt"].startswith("POLYGON")
    assert json.loads(nomura["sources"])[0]["location"]
    unknown = next(r for r in rows if r["id"] == "kcn-do-son")
    assert unknown["area_ha"] == ""  # never a made-up number


def test_export_gpkg_to_a_file(tmp_path, shipped):
    target = tmp_path / "ports.gpkg"

    result = hpmap("export", "ports", "--format", "gpkg", "-o", str(target))

    assert result.exit_code == 0, result.stderr
    frame = pyogrio.read_dataframe(target)
    assert len(frame) == len(shipped.layer("ports").gdf)
    assert REQUIRED <= set(frame.columns)
    assert [p.name for p in tmp_path.iterdir()] == ["ports.gpkg"]  # no temporary file left


def test_export_gpkg_needs_a_file_name():
    result = hpmap("export", "ports", "--format", "gpkg")
    assert result.exit_code == 2
    assert "-o FILE.gpkg" in result.stderr and result.stdout == ""


def test_export_of_broken_data_fails_without_writing(tiny_dir, tmp_path):
    edit_csv(tiny_dir / "figures.csv", lambda rows: [dict(r, value="-1") for r in rows])
    target = tmp_path / "out.geojson"

    result = hpmap("export", "industrial-parks", "--data-dir", str(tiny_dir), "-o", str(target))

    assert result.exit_code == 1
    assert "figures.csv, feature 'kcn-trang-due', field 'area_ha': negative value" in result.stderr
    assert not target.exists()


def test_unknown_layer_is_refused():
    result = hpmap("export", "parks")
    assert result.exit_code == 2 and "invalid choice: 'parks'" in result.stderr


def test_stats_counts_per_layer_and_status(shipped):
    result = hpmap("stats", "--json")

    rows = json.loads(result.stdout)["totals"]
    parks = {r["status"]: r for r in rows if r["layer"] == "industrial-parks"}
    gdf = shipped.layer("industrial-parks").gdf
    assert parks["operating"]["features"] == int((gdf["status"] == "operating").sum())
    assert sum(r["features"] for r in rows) == sum(len(layer.gdf) for layer in shipped.layers.values())
    assert parks["planned"]["area_unknown"] == int(gdf[gdf["status"] == "planned"]["area_ha"].isna().sum())


def test_stats_table_is_readable():
    result = hpmap("stats")
    assert result.exit_code == 0
    assert "industrial-parks" in result.stdout and "declared_ha" in result.stdout
    assert "median_m" in result.stdout and "worst_feature" in result.stdout


def test_stats_give_each_layers_distance_to_its_position_evidence(tiny_dir):
    result = hpmap("stats", "--json", env={"HPMAP_DATA_DIR": str(tiny_dir)})
    evidence = {entry["layer"]: entry for entry in json.loads(result.stdout)["position_evidence"]}
    assert list(evidence) == [spec.name for spec in LAYERS]
    # the same numbers as the quality report's (tests/test_quality.py checks them on moved evidence)
    assert list(evidence.values()) == position_evidence(build_dataset(tiny_dir))
    assert evidence["industrial-parks"]["features"] == 4


def test_stats_table_of_position_evidence():
    evidence = [
        {"layer": "industrial-parks", "features": 4, "without_evidence": ["kcn-outside"], "median_distance_m": 520.6,
         "worst_distance_m": 1040.9, "worst_feature": "kcn-straddle", "by_marks": {"map_pin": 2, "tenant_plot": 1}},
        {"layer": "factories", "features": 0, "without_evidence": [], "median_distance_m": None,
         "worst_distance_m": None, "worst_feature": None, "by_marks": {}},
    ]  # fmt: skip
    lines = evidence_table_text(evidence).splitlines()
    assert lines[0].split() == ["layer", "features", "no_evidence", "median_m", "worst_m", "worst_feature", "evidence"]
    assert lines[1].split() == ["industrial-parks", "4", "1", "521", "1,041", "kcn-straddle", "map_pin", "2,",
                                "tenant_plot", "1"]  # fmt: skip
    assert lines[2].split() == ["factories", "0", "0", "-", "-", "-", "-"]


def test_data_dir_from_the_environment(tiny_dir):
    result = hpmap("stats", "--json", env={"HPMAP_DATA_DIR": str(tiny_dir)})
    rows = json.loads(result.stdout)["totals"]
    assert sum(r["features"] for r in rows if r["layer"] == "industrial-parks") == 4


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (
            lambda d: (d / "ports.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8"),
            "ports.geojson: not valid UTF-8 JSON",
        ),
        (lambda d: (d / "airports.csv").unlink(), "airports.csv: file not found"),
        (lambda d: (d / "figures.csv").write_bytes(b"\xff\xfe\x00\x00garbage"), "figures.csv"),
    ],
    ids=["corrupt geojson", "missing table", "binary figures"],
)
def test_serve_refuses_to_start_on_broken_data_naming_the_file(tiny_dir, break_it, message):
    break_it(tiny_dir)

    result = run_installed("serve", "--data-dir", str(tiny_dir), "--port", "0")  # serve patches its process for gevent

    assert result.returncode == 1
    assert message in result.stderr
    assert "serving" not in result.stderr


# ------------------------------------------------------------------ the package's shape

CLI_DIR = REPO / "webmap" / "cli"
# Each module imports only from the layers before its own: no circle, and no command module knows another.
CLI_LAYERS = [
    {"output", "options"},
    {"editing"},
    {"data", "serve", "db", "imports", "history"},
    {"__init__"},
    {"__main__"},
]


def cli_module(stem: str) -> str:
    return "webmap.cli" if stem == "__init__" else f"webmap.cli.{stem}"


def test_every_cli_module_has_a_layer():
    assert {path.stem for path in CLI_DIR.glob("*.py")} == set().union(*CLI_LAYERS)


@pytest.mark.parametrize("layer", range(len(CLI_LAYERS)))
def test_cli_modules_import_only_from_the_layers_before_theirs(layer):
    below = {cli_module(stem) for stems in CLI_LAYERS[:layer] for stem in stems}
    for stem in CLI_LAYERS[layer]:
        imported = imported_modules((CLI_DIR / f"{stem}.py").read_text(encoding="utf-8"), "webmap.cli")
        assert {module for module in imported if module.startswith("webmap.cli")} <= below, stem


def test_every_command_of_the_table_is_found_by_its_name():
    for name in COMMANDS:
        result = hpmap(name, "--help")
        assert result.exit_code == 0 and result.stdout.startswith(f"Usage: hpmap {name} "), result.output


def test_the_database_driver_is_not_imported_before_serve_patches_for_gevent():
    script = "import sys, webmap.cli.serve; print(sorted(m for m in sys.modules if m.split('.')[0] == 'psycopg'))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == "[]\n"
