"""`hpmap import`, `history` and `revert` against PostGIS (tests/postgis.py): one transaction, all or nothing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import Result

import geopandas as gpd
from shapely.geometry import box, shape

from geo import postgis
from geo.model.catalog import LAYERS
from tests import cli_runner
from tests.cli_runner import installed_command
from tests.conftest import DATA_DIR
from tests.paused_hpmap import go_on, kill, start_paused
from tests.test_import_cli import write_text, write_xlsx, zipped_shapefile
from webmap import create_app

PARK = "kcn-trang-due-3"  # under construction since 2025-12, no occupancy figure yet
SOURCE = "heza-1d91cb"  # a source of sources.csv that already cites it
ITEM = f"/api/collections/industrial-parks/items/{PARK}"
# kcn-trang-due-3's own outline, moved about 1 km north-east.
NEW_OUTLINE = box(106.515, 20.828, 106.545, 20.853)  # around its evidence, the centre of An Trường commune


@pytest.fixture
def shipped_db(postgres_cluster) -> str:
    """A database of its own, loaded with the embedded data: a test may change it."""
    url = postgres_cluster.create_database()
    assert cli_runner.hpmap("db", "load", DATA_DIR, "--database-url", url).exit_code == 0
    return url


@pytest.fixture
def update(tmp_path) -> Path:
    """A status change and an occupancy figure for one park."""
    return write_text(tmp_path / "heza-2026.csv", f"id,status,occupancy_pct\n{PARK},operating,35\n")


def hpmap(*args, url: str) -> Result:
    """Run an ``hpmap`` command on the database ``url`` in this process: the command's own code path."""
    return cli_runner.hpmap(*args, "--database-url", url)


def contents(url: str) -> dict[str, list[str]]:
    """Every row of every table of the hpmap schema, as JSON text (geometries as EWKB hex), in table order.

    The data version is left out: every write changes it, a revert included (running servers reload).
    """
    with postgis.connect(url) as conn:
        names = [row[0] for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'hpmap' "
            "AND table_name <> %s ORDER BY table_name", (postgis.VERSION_TABLE,)
        )]  # fmt: skip
        return {
            name: conn.execute(f"SELECT row_to_json(t)::text FROM hpmap.{name} AS t ORDER BY 1").fetchall()
            for name in names
        }


def dumped(url: str, directory: Path) -> dict[str, bytes]:
    """The files ``hpmap db dump`` writes, with their bytes."""
    assert cli_runner.hpmap("db", "dump", directory, "--database-url", url).exit_code == 0
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def change_id(out: str) -> str:
    line = next(line for line in out.splitlines() if line.startswith("Change "))
    return line.split()[1]


def served_park(url: str) -> dict:
    client = create_app({"DATABASE_URL": url, "OFFLINE": True, "TESTING": True}).test_client()
    response = client.get(ITEM)
    assert response.status_code == 200
    return response.get_json()["properties"]


# ------------------------------------------------------------------ an import, applied and served


def test_an_attributes_import_is_committed_logged_and_served(shipped_db, update):
    data_before = {path.name: path.read_bytes() for path in DATA_DIR.iterdir()}

    result = hpmap(
        "import", "attributes", update, "--source", SOURCE, "--as-of", "2026-01", "--by", "lan", url=shipped_db
    )

    out, err = result.stdout, result.stderr
    assert result.exit_code == 0, err
    assert f"industrial-parks.csv  {PARK}  status: under_construction → operating" in out
    assert f"industrial-parks.csv  {PARK}  status_as_of: 2025-12 → 2026-01" in out
    assert f"industrial-parks.csv  {PARK}  sources: … + '; {SOURCE}@2026-01'" in out
    assert f"figures.csv  {PARK}  occupancy_pct: (empty) → 35 (as of 2026-01; {SOURCE}) [new row]" in out
    assert "(hpmap.figures, hpmap.industrial_parks_attributes, hpmap.changes)" in out
    assert "validating the changed data set (4 edits) in the database transaction" in err
    park = served_park(shipped_db)
    assert (park["status"], park["status_as_of"]) == ("operating", "2026-01")
    assert (park["occupancy_pct"], park["occupancy_pct_as_of"]) == (35, "2026-01")
    shown = [f for f in park["figures"] if f["field"] == "occupancy_pct"]
    assert shown == [{"field": "occupancy_pct", "value": 35, "unit": "%", "as_of": "2026-01", "sources": [SOURCE],
                      "shown": True, "verified": True, "note": "", "note_vi": ""}]  # fmt: skip

    logged = hpmap("history", "--feature", PARK, url=shipped_db)
    assert logged.exit_code == 0
    history = logged.stdout
    assert history.startswith(f"{change_id(out)}  ")
    assert f"  lan  import attributes  heza-2026.csv; {SOURCE}" in history
    assert {path.name: path.read_bytes() for path in DATA_DIR.iterdir()} == data_before  # the files are not touched


def test_dry_run_prints_the_diff_and_changes_no_table(shipped_db, update):
    before = contents(shipped_db)

    result = hpmap(
        "import", "attributes", update, "--source", SOURCE, "--as-of", "2026-01", "--dry-run", url=shipped_db
    )

    out = result.stdout
    assert result.exit_code == 0
    assert f"figures.csv  {PARK}  occupancy_pct: (empty) → 35 (as of 2026-01; {SOURCE}) [new row]" in out
    assert "Dry run: nothing was written." in out
    assert contents(shipped_db) == before


REFUSED = {
    "bad-status": (
        "id,status\nkcn-trang-due-3,active\n",
        "table hpmap.industrial_parks_attributes, feature 'kcn-trang-due-3', field 'status': 'active' is not one of",
    ),
    "occupancy-120": (
        "id,occupancy_pct\nkcn-trang-due-3,120\n",
        "table hpmap.figures, feature 'kcn-trang-due-3', field 'occupancy_pct': value 120 is outside 0–100 %",
    ),
    "both": (
        "id,status,occupancy_pct\nkcn-trang-due-3,active,120\n",
        "the changed data would have 2 error(s); nothing was changed",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_import_leaves_every_table_unchanged(shipped_db, tmp_path, case):
    text, message = REFUSED[case]
    incoming = write_text(tmp_path / "in.csv", text)
    tables, files = contents(shipped_db), dumped(shipped_db, tmp_path / "before")

    result = hpmap("import", "attributes", incoming, "--source", SOURCE, "--as-of", "2026-01", url=shipped_db)

    assert result.exit_code == 1
    assert message in result.stderr
    assert contents(shipped_db) == tables  # sources, figures, features, the change log: every row
    assert dumped(shipped_db, tmp_path / "after") == files


# ------------------------------------------------------------------ other processes


def start_import_paused(step: str, incoming: Path, url: str) -> subprocess.Popen:
    """Start an import of ``incoming`` into ``url`` in a process of its own, paused at ``step`` of its transaction."""
    args = ["import", "attributes", incoming, "--source", SOURCE, "--as-of", "2026-01"]
    return start_paused(step, *args, env={"HPMAP_DATABASE_URL": url})


@pytest.mark.parametrize("step", ["written-1", "logged", "published"])
def test_an_import_killed_in_its_transaction_changes_nothing(shipped_db, update, tmp_path, step):
    tables, files = contents(shipped_db), dumped(shipped_db, tmp_path / "before")

    kill(start_import_paused(step, update, shipped_db))

    assert contents(shipped_db) == tables
    assert dumped(shipped_db, tmp_path / "after") == files
    again = hpmap("import", "attributes", update, "--source", SOURCE, "--as-of", "2026-01", url=shipped_db)
    assert again.exit_code == 0


WAITING = "hpmap: another hpmap command is changing this database: waiting for it to end\n"


def test_a_second_import_waits_and_plans_on_what_the_first_committed(shipped_db, update, tmp_path):
    first = start_import_paused("published", update, shipped_db)  # holds the lock, its change not yet committed
    second_file = write_text(tmp_path / "second.csv", f"id,status\n{PARK},planned\n")
    second = subprocess.Popen(
        [*installed_command(), "import", "attributes", str(second_file), "--database-url", shipped_db,
         "--as-of", "2026-02"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # The second says it waits once it has found the lock taken, before it reads a table: the
        # event to let the first go on at. It ends with nothing said if it did not wait.
        assert WAITING in iter(second.stderr.readline, ""), "the second import did not wait"
        go_on(first)
        first_out, _ = first.communicate(timeout=60)
        second_out, second_err = second.communicate(timeout=60)
    finally:
        for process in (first, second):
            process.kill()
    assert first.returncode == 0 and second.returncode == 0, second_err
    # The second import read the tables after the first committed: its old status is the first one's new.
    assert f"industrial-parks.csv  {PARK}  status: operating → planned" in second_out
    with postgis.connect(shipped_db) as conn:
        log = conn.execute("SELECT change_id, field FROM hpmap.changes ORDER BY ord").fetchall()
    first_fields, second_fields = ["status", "status_as_of", "sources", "occupancy_pct"], ["status", "status_as_of"]
    assert [field for _, field in log] == first_fields + second_fields
    assert list(dict.fromkeys(logged for logged, _ in log)) == [change_id(first_out), change_id(second_out)]


# ------------------------------------------------------------------ boundaries, history, revert


def test_boundaries_in_vn2000_are_imported_into_the_database(shipped_db, tmp_path):
    survey = gpd.GeoDataFrame({"ten": ["KCN Trang Due 3"]}, geometry=[NEW_OUTLINE], crs="EPSG:4326")

    result = hpmap("import", "boundaries", zipped_shapefile(tmp_path, survey, crs="EPSG:3405"), "--layer",
                 "industrial-parks", "--name-field", "ten", "--source", "ref-ports-gis", url=shipped_db)  # fmt: skip

    out, err = result.stdout, result.stderr
    assert result.exit_code == 0, err
    assert re.search(f"industrial-parks.geojson  {PARK}  geometry: Polygon, \\d+ vertices → Polygon, 5 vertices", out)
    assert f"new warning: table hpmap.industrial_parks_geometry, feature '{PARK}', field 'geometry': outline " in out
    with postgis.connect(shipped_db) as conn:
        frame, _ = postgis.PgSource(conn).read_geometry(LAYERS[1])
    row = frame.set_index("id").loc[PARK]
    assert row.geometry.hausdorff_distance(NEW_OUTLINE) < 1e-7  # from EPSG:3405 back to EPSG:4326, to a centimetre
    assert (row["geometry_quality"], row["geometry_sources"]) == ("traced", "ref-ports-gis")
    client = create_app({"DATABASE_URL": shipped_db, "OFFLINE": True, "TESTING": True}).test_client()
    served = client.get(ITEM).get_json()
    assert shape(served["geometry"]).hausdorff_distance(NEW_OUTLINE) < 1e-7


def test_history_then_revert_gives_back_exactly_the_rows(shipped_db, tmp_path):
    before_files, before_tables = dumped(shipped_db, tmp_path / "before"), contents(shipped_db)
    sheet = write_xlsx(
        tmp_path / "parks.xlsx",
        [["id", "status", "developer", "occupancy_pct", "as_of"],
         ["kcn-deep-c-2", "operating", "DEEP C (Rent-A-Port)", 88, "2025-09"],
         ["kcn-nomura-hai-phong", None, None, 99, "2025-09"]],
    )  # fmt: skip
    # Around the seaport plan's DEEP C II polygon, the park's best evidence (as in tests/test_import_cli.py).
    survey = gpd.GeoDataFrame({"id": ["kcn-deep-c-2"]}, geometry=[box(106.775, 20.782, 106.80, 20.80)], crs=4326)
    result = hpmap("import", "attributes", sheet, "--source-location", "survey-2025.pdf", url=shipped_db)
    assert result.exit_code == 0
    imported = change_id(result.stdout)
    result = hpmap("import", "boundaries", zipped_shapefile(tmp_path, survey), "--source", "ref-ports-gis",
                   "--quality", "approximate", url=shipped_db)  # fmt: skip
    assert result.exit_code == 0
    outlined = change_id(result.stdout)

    result = hpmap("history", url=shipped_db)
    assert result.exit_code == 0
    history = result.stdout
    assert history.index(outlined) < history.index(imported)  # most recent first
    assert "industrial-parks.geojson  kcn-deep-c-2  geometry_quality: traced → approximate" in history
    assert "sources.csv  survey-2025-" in history
    imported_tables = contents(shipped_db)
    result = hpmap("revert", outlined, "--dry-run", url=shipped_db)
    assert result.exit_code == 0 and "geometry_quality: approximate → traced" in result.stdout
    assert contents(shipped_db) == imported_tables
    assert hpmap("revert", outlined, url=shipped_db).exit_code == 0
    assert hpmap("revert", imported, "--by", "lan", url=shipped_db).exit_code == 0

    assert dumped(shipped_db, tmp_path / "after") == before_files
    after_tables = contents(shipped_db)
    # 10 edits (the Vietnamese twins of the developer and of the outline note among them), 10 undone.
    assert before_tables.pop("changes") == [] and len(after_tables.pop("changes")) == 2 * 10
    assert after_tables == before_tables  # the serving tables too
    result = hpmap("revert", imported, url=shipped_db)
    assert result.exit_code == 1 and "was reverted already" in result.stderr


def test_a_revert_that_would_undo_a_later_change_is_refused(shipped_db, update, tmp_path):
    imported = hpmap("import", "attributes", update, "--source", SOURCE, "--as-of", "2026-01", url=shipped_db)
    assert imported.exit_code == 0
    first = change_id(imported.stdout)
    later = write_text(tmp_path / "later.csv", f"id,status\n{PARK},planned\n")
    assert hpmap("import", "attributes", later, url=shipped_db).exit_code == 0
    tables = contents(shipped_db)

    result = hpmap("revert", first, url=shipped_db)

    assert result.exit_code == 1
    err = result.stderr
    assert "field 'status': found 'planned' where 'operating' was expected" in err
    assert contents(shipped_db) == tables


# ------------------------------------------------------------------ which store


def test_the_database_comes_from_the_environment_and_the_log_is_created_when_missing(shipped_db, update, monkeypatch):
    with postgis.connect(shipped_db) as conn:
        conn.execute("DROP TABLE hpmap.changes")  # as in a database initialised before the change log existed
    monkeypatch.setenv("HPMAP_DATABASE_URL", shipped_db)

    assert cli_runner.hpmap("history").stdout == "No change logged yet.\n"
    assert cli_runner.hpmap("import", "attributes", update, "--source", SOURCE, "--as-of", "2026-01").exit_code == 0
    logged = cli_runner.hpmap("history", "--limit", "1")
    assert logged.exit_code == 0 and f"{PARK}  occupancy_pct" in logged.stdout


def test_an_import_into_a_database_never_loaded_says_what_to_do(database_url, update):
    result = hpmap("import", "attributes", update, "--source", SOURCE, "--as-of", "2026-01", url=database_url)
    assert result.exit_code == 1
    assert "table hpmap.sources: no such table: run `hpmap db load`" in result.stderr


def test_the_data_dir_and_a_database_are_not_both_given(shipped_db, tiny_dir):
    result = cli_runner.hpmap("history", "--data-dir", tiny_dir, "--database-url", shipped_db)
    assert result.exit_code == 1
    assert "give --data-dir or --database-url, not both" in result.stderr


def test_a_given_data_dir_wins_over_the_environment(tiny_dir):
    result = cli_runner.hpmap(
        "history", "--data-dir", tiny_dir, env={"HPMAP_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nowhere"}
    )
    assert result.exit_code == 0 and result.stdout == "No change logged yet.\n"


# ------------------------------------------------------------------ position evidence (table positions)


def test_a_position_record_is_added_logged_and_reverted_in_one_transaction_each(database_url, tiny_dir, tmp_path):
    from geo.maintenance.changelog import new_change_info
    from geo.maintenance.edits import position_change
    from geo.postgis import maintenance as pgmaintenance
    from tests.test_maintenance_journal import GATE

    url = database_url
    assert cli_runner.hpmap("db", "load", tiny_dir, "--database-url", url).exit_code == 0
    before_files, before_tables = dumped(url, tmp_path / "before"), contents(url)
    info = new_change_info("lan", "import osm", "osm-gates.geojson")

    with pgmaintenance.session(url) as session:
        outcome = session.prepare([position_change("industrial-parks", GATE)], info)
        assert outcome.errors == [] and outcome.tables == ("hpmap.positions", "hpmap.changes")
        session.commit(outcome)

    with postgis.connect(url) as conn:
        positions = postgis.PgSource(conn).read_positions()[0]
        of_the_park = positions["id"][positions["feature_id"] == "kcn-overlap"]
        assert list(of_the_park) == ["kcn-overlap-shared", "kcn-overlap-pin", "kcn-overlap-gate"]
        assert positions[positions["id"] == "kcn-overlap-gate"].iloc[0].to_dict() == GATE
        assert "kcn-overlap-gate" in set(postgis.read_dataset(conn).positions["id"])
        log = pgmaintenance.read_change_log(conn)
    assert log[["change_id", "feature", "file", "op"]].values.tolist() == [
        [info.change_id, "kcn-overlap", "positions.csv", "add"]
    ]
    added = dumped(url, tmp_path / "added")
    assert [name for name in added if added[name] != before_files[name]] == ["positions.csv"]

    reverted = hpmap("revert", info.change_id, url=url)
    assert reverted.exit_code == 0 and f"Revert of change {info.change_id}" in reverted.stdout

    assert dumped(url, tmp_path / "after") == before_files
    after_tables = contents(url)
    assert len(after_tables.pop("changes")) == 2 and not before_tables.pop("changes")
    assert after_tables == before_tables  # positions and every other table, row for row
