"""`hpmap db init | load | dump` on a real throwaway PostgreSQL + PostGIS (tests/postgis.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from click.testing import Result
from pandas.testing import assert_frame_equal

from geopandas.testing import assert_geodataframe_equal

from geo import postgis
from geo.formats.tables import write_data_files
from geo.model.catalog import LAYERS
from geo.pipeline.read import FileSource, SourceSnapshot
from tests.builders import edit_csv, edit_geojson, read_csv, set_row, write_contacts, write_csv
from tests.cli_runner import hpmap, installed_command
from tests.conftest import DATA_DIR
from tests.test_translations import DETAIL_VI, OUTLINE_VI, translate

SHIPPED_FILES = sorted(path.name for path in DATA_DIR.iterdir() if path.suffix in (".csv", ".geojson"))


def db(*args: str, url: str | None = None) -> Result:
    """Run ``hpmap db ...`` in this process: the command's own code path."""
    return hpmap("db", *args, *(["--database-url", url] if url else []))


def tables(url: str) -> set[str]:
    with postgis.connect(url) as conn:
        rows = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'hpmap'")
        return {row[0] for row in rows}


def dumped(url: str, directory: Path) -> Path:
    assert db("dump", str(directory), url=url).exit_code == 0
    return directory


def assert_same_data(left: Path, right: Path) -> None:
    """The two directories read as the same frames: same features, properties and rows."""
    a, b = FileSource(left), FileSource(right)
    for spec in LAYERS:
        assert_geodataframe_equal(a.read_geometry(spec)[0], b.read_geometry(spec)[0])
        assert_frame_equal(a.read_attributes(spec)[0], b.read_attributes(spec)[0])
    assert_frame_equal(a.read_figures()[0], b.read_figures()[0])
    assert_frame_equal(a.read_sources()[0], b.read_sources()[0])
    assert_frame_equal(a.read_positions()[0], b.read_positions()[0])
    assert_frame_equal(a.read_city_figures()[0], b.read_city_figures()[0])
    assert_frame_equal(a.read_contacts()[0], b.read_contacts()[0])
    assert_geodataframe_equal(a.read_context()[0], b.read_context()[0])


# --- init ------------------------------------------------------------------------------------------


def test_init_creates_postgis_and_the_schema_and_can_be_repeated(postgres_cluster):
    url = postgres_cluster.create_database(postgis=False)
    assert db("init", url=url).exit_code == 0
    again = db("init", url=url)
    assert again.exit_code == 0
    with postgis.connect(url) as conn:
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'postgis'").fetchone() == ("postgis",)
    expected = {"features", "collections", "figures", "sources", "positions", "city_figures", "contacts", "context",
                "changes"}  # fmt: skip
    expected |= {f"{spec.name.replace('-', '_')}_{kind}" for spec in LAYERS for kind in ("geometry", "attributes")}
    assert tables(url) == expected
    assert "schema 'hpmap' ready" in again.stderr


def test_init_adds_the_position_and_context_tables_to_a_database_made_before_them(database_url, tiny_dir, tmp_path):
    assert db("init", url=database_url).exit_code == 0
    with postgis.connect(database_url) as conn:  # as a database initialised by an earlier release
        conn.execute("DROP TABLE hpmap.positions, hpmap.context")
    assert db("init", url=database_url).exit_code == 0
    assert {"positions", "context"} <= tables(database_url)
    assert db("load", str(tiny_dir), url=database_url).exit_code == 0
    assert_same_data(dumped(database_url, tmp_path / "out"), tiny_dir)


def test_init_adds_the_vietnamese_note_columns_to_tables_made_before_them(database_url, tiny_dir, tmp_path):
    assert db("init", url=database_url).exit_code == 0
    with postgis.connect(database_url) as conn:  # as a database initialised before the data had Vietnamese notes
        conn.execute("ALTER TABLE hpmap.industrial_parks_geometry DROP COLUMN geometry_note_vi")
        conn.execute("ALTER TABLE hpmap.context DROP COLUMN note_vi")
    assert db("init", url=database_url).exit_code == 0
    assert db("load", str(translate(tiny_dir)), url=database_url).exit_code == 0
    out = dumped(database_url, tmp_path / "out")
    assert_same_data(out, tiny_dir)  # the Vietnamese twins included, CSV columns and GeoJSON properties alike
    parks = read_csv(out / "industrial-parks.csv")
    assert [row["status_detail_vi"] for row in parks if row["id"] == "kcn-trang-due"] == [DETAIL_VI]
    assert f'"geometry_note_vi": "{OUTLINE_VI}"' in (out / "industrial-parks.geojson").read_text(encoding="utf-8")


# --- load and dump ---------------------------------------------------------------------------------


def test_dump_of_the_loaded_shipped_data_is_byte_for_byte_the_files(database_url, tmp_path):
    loaded = db("load", str(DATA_DIR), url=database_url)
    assert loaded.exit_code == 0
    err = loaded.stderr
    assert "loaded 6 economic-zones, 53 industrial-parks, 11 industrial-clusters, 15 ports, 2 airports" in err
    out = dumped(database_url, tmp_path / "out")
    assert sorted(path.name for path in out.iterdir()) == SHIPPED_FILES
    for name in SHIPPED_FILES:
        assert (out / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


def test_dump_of_a_load_is_byte_for_byte_the_files_laid_out_as_shipped(database_url, tiny_dir, tmp_path):
    # The tiny data rewritten in the shipped files' layout; a test of its own while data/ lacks some files.
    write_contacts(tiny_dir)
    shipped_like = tmp_path / "shipped-like"
    write_data_files(SourceSnapshot.take(FileSource(tiny_dir)).frames(), shipped_like)
    names = sorted(path.name for path in shipped_like.iterdir())
    assert {"positions.csv", "context.geojson", "contacts.csv"} <= set(names)
    assert db("load", str(shipped_like), url=database_url).exit_code == 0
    out = dumped(database_url, tmp_path / "out")
    assert sorted(path.name for path in out.iterdir()) == names
    for name in names:
        assert (out / name).read_bytes() == (shipped_like / name).read_bytes(), name


def test_dump_of_other_data_reads_back_the_same(database_url, tiny_dir, tmp_path):
    # The hand-made files are laid out differently (compact JSON): the content must survive, not the layout.
    ports = read_csv(tiny_dir / "ports.csv")
    rows = [dict(row, remark=f'note, with "quotes"\n{i}') for i, row in enumerate(ports)]
    write_csv(tiny_dir / "ports.csv", [*ports[0], "remark"], rows)  # an extra column, cells to quote
    assert db("load", str(tiny_dir), url=database_url).exit_code == 0
    out = dumped(database_url, tmp_path / "out")
    assert_same_data(out, tiny_dir)
    assert (out / "ports.csv").read_text().splitlines()[0].endswith(",sources,remark")


def test_load_refuses_invalid_data_and_changes_nothing(database_url, tiny_dir, tmp_path):
    assert db("load", str(DATA_DIR), url=database_url).exit_code == 0
    edit_csv(tiny_dir / "industrial-parks.csv", set_row("kcn-overlap", status="closed"))
    refused = db("load", str(tiny_dir), url=database_url)
    assert refused.exit_code == 1
    err = refused.stderr
    assert "industrial-parks.csv, feature 'kcn-overlap', field 'status'" in err
    assert "nothing loaded" in err and "the database is unchanged" in err
    out = dumped(database_url, tmp_path / "out")
    assert all((out / name).read_bytes() == (DATA_DIR / name).read_bytes() for name in SHIPPED_FILES)


def test_a_failure_while_writing_rolls_the_whole_load_back(database_url, tiny_dir, tmp_path):
    assert db("load", str(tiny_dir), url=database_url).exit_code == 0
    before = dumped(database_url, tmp_path / "before")
    # Valid for the pipeline, refused by the database half-way through: figures and sources are written first.
    edit_csv(tiny_dir / "figures.csv", lambda rows: [dict(row, note="changed") for row in rows])
    edit_geojson(tiny_dir / "airports.geojson", lambda doc: doc["features"][0]["geometry"].update(coordinates=[
        [[x, y, 5.0] for x, y in ring] for ring in doc["features"][0]["geometry"]["coordinates"]]))  # fmt: skip
    refused = db("load", str(tiny_dir), url=database_url)
    assert refused.exit_code == 1
    assert "airports.geojson, feature 'airport-cat-bi', field 'geometry': 3D coordinates" in refused.stderr
    assert_same_data(dumped(database_url, tmp_path / "after"), before)


def test_dump_refuses_an_empty_database_and_writes_nothing(database_url, tmp_path):
    refused = db("dump", str(tmp_path / "out"), url=database_url)
    assert refused.exit_code == 1
    assert "table hpmap.sources: no such table: run `hpmap db load`" in refused.stderr
    assert not (tmp_path / "out").exists()


def test_dump_replaces_files_whole(database_url, tmp_path):
    assert db("load", str(DATA_DIR), url=database_url).exit_code == 0
    out = tmp_path / "out"
    shutil.copytree(DATA_DIR, out)
    (out / "ports.csv").write_text("stale", encoding="utf-8")
    dumped(database_url, out)
    assert (out / "ports.csv").read_bytes() == (DATA_DIR / "ports.csv").read_bytes()
    assert sorted(path.name for path in out.iterdir()) == sorted(path.name for path in DATA_DIR.iterdir())


# --- which database -----------------------------------------------------------------------------


def test_without_a_database_url_the_command_says_how_to_give_one(monkeypatch):
    monkeypatch.delenv("HPMAP_DATABASE_URL", raising=False)
    result = db("init")
    assert result.exit_code == 1
    assert result.stderr == "hpmap: no database: give --database-url or set HPMAP_DATABASE_URL\n"


def test_an_unreachable_database_is_reported_without_its_password(postgres_cluster):
    url = f"postgresql://postgres:wrong-secret@127.0.0.1:{postgres_cluster.port}/hpmap_template"
    result = db("init", url=url)
    assert result.exit_code == 1
    err = result.stderr
    assert f"cannot connect to the database postgresql://postgres:***@127.0.0.1:{postgres_cluster.port}/" in err
    assert "wrong-secret" not in err


def test_the_hpmap_command_reads_the_url_from_the_environment(database_url, tmp_path):
    command = installed_command()
    env = {**os.environ, "HPMAP_DATABASE_URL": database_url}
    for args in (["db", "init"], ["db", "load", str(DATA_DIR)], ["db", "dump", str(tmp_path / "out")]):
        result = subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, env=env, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stdout == ""  # progress goes to stderr
    assert (tmp_path / "out" / "industrial-parks.geojson").read_bytes() == (
        DATA_DIR / "industrial-parks.geojson"
    ).read_bytes()
