"""`hpmap db init | load [DATA_DIR] | dump [DIR]`: the PostGIS store.

The database is ``--database-url`` or ``$HPMAP_DATABASE_URL``. Progress and errors go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import psycopg

from geo import inspect_dataset, postgis
from geo.formats.tables import write_data_files
from geo.model.errors import InvalidData, Issue
from geo.pipeline.read import FileSource, SourceSnapshot
from webmap import default_data_dir


def register(commands) -> None:
    """Add this module's subcommands to the ``hpmap`` parser's ``commands``."""
    db = commands.add_parser("db", help="the PostGIS store: create its tables, load a data directory, dump it")
    actions = db.add_subparsers(dest="db_command", required=True)

    init = actions.add_parser("init", help="create PostGIS (where missing) and the hpmap schema; safe to repeat")
    init.set_defaults(run=run_init)

    load = actions.add_parser("load", help="validate a data directory, then replace the database's data with it")
    load.add_argument("data_dir", nargs="?", type=Path, help="default: $HPMAP_DATA_DIR or the embedded data")
    load.set_defaults(run=run_load)

    dump = actions.add_parser("dump", help="write the database's data back as GeoJSON and CSV files")
    dump.add_argument("directory", nargs="?", type=Path, help="default: $HPMAP_DATA_DIR or the embedded data")
    dump.set_defaults(run=run_dump)

    for action in (init, load, dump):
        action.add_argument("--database-url", help="PostgreSQL URL (default: $HPMAP_DATABASE_URL)")


def _database_url(args: argparse.Namespace) -> str:
    url = args.database_url or os.environ.get("HPMAP_DATABASE_URL")
    if not url:
        raise SystemExit("hpmap: no database: give --database-url or set HPMAP_DATABASE_URL")
    return url


def _connect(args: argparse.Namespace) -> psycopg.Connection:
    url = _database_url(args)
    _progress(f"connecting to {postgis.redact(url)}")
    return postgis.connect(url)


def _progress(message: str) -> None:
    print(f"hpmap: {message}", file=sys.stderr)


def _database_errors(run):
    """Report a database error as one line and exit status 1, like the other commands' errors."""

    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except psycopg.Error as exc:
            _progress(f"database error: {' '.join(str(exc).split())}")
            return 1

    guarded.__doc__ = run.__doc__
    return guarded


@_database_errors
def run_init(args: argparse.Namespace) -> int:
    """Create the PostGIS extension where missing and the hpmap schema; idempotent."""
    with _connect(args) as conn, conn.transaction():
        postgis.init_schema(conn)
    _progress(f"schema '{postgis.SCHEMA}' ready")
    return 0


@_database_errors
def run_load(args: argparse.Namespace) -> int:
    """Validate a data directory, then replace every table with it in one transaction."""
    data_dir = args.data_dir or default_data_dir()
    _progress(f"reading {data_dir}")
    snapshot = SourceSnapshot.take(FileSource(data_dir))
    dataset, issues = inspect_dataset(snapshot)
    if dataset is None:
        _report(issues)
        _progress(f"nothing loaded: {data_dir} has errors (the database is unchanged)")
        return 1
    with _connect(args) as conn:
        try:
            postgis.load_snapshot(conn, snapshot, dataset)
        except InvalidData as exc:
            _report(exc.issues)
            return 1
    counts = ", ".join(f"{len(layer.gdf)} {name}" for name, layer in dataset.layers.items())
    _progress(f"loaded {counts} into schema '{postgis.SCHEMA}'")
    return 0


@_database_errors
def run_dump(args: argparse.Namespace) -> int:
    """Write the source tables back as the data directory's GeoJSON and CSV files, each atomically."""
    directory = args.directory or default_data_dir()
    with _connect(args) as conn:
        snapshot = postgis.read_snapshot(conn)
    problems = [issue for _, issues in snapshot.tables.values() for issue in issues]
    if problems:
        _report(problems)
        return 1
    for path in write_data_files(snapshot.frames(), directory):
        _progress(f"wrote {path}")
    return 0


def _report(issues: list[Issue]) -> None:
    errors = [issue for issue in issues if issue.severity == "error"]
    for issue in errors:
        print(f"  {issue}", file=sys.stderr)
    _progress(f"{len(errors)} error(s)")
