"""`hpmap db init | load [DATA_DIR] | dump [DIR]`: the PostGIS store.

The database is ``--database-url`` or ``$HPMAP_DATABASE_URL``. Progress and errors go to stderr.
"""

from __future__ import annotations

import functools
from pathlib import Path

import click
import psycopg

from geo import inspect_dataset, postgis
from geo.formats.tables import write_data_files
from geo.model.errors import InvalidData, Issue
from geo.pipeline.read import FileSource, SourceSnapshot
from webmap import default_data_dir
from webmap.cli.options import DEFAULT_DATA, path_argument
from webmap.cli.output import Failure, say

database_url_option = click.option(
    "--database-url", envvar="HPMAP_DATABASE_URL", help="PostgreSQL URL (default: $HPMAP_DATABASE_URL)"
)


@click.group()
def db() -> None:
    """The PostGIS store: create its tables, load a data directory, dump it.

    The database is --database-url or $HPMAP_DATABASE_URL.
    """


def _connect(url: str | None) -> psycopg.Connection:
    if not url:
        raise Failure("no database: give --database-url or set HPMAP_DATABASE_URL")
    say(f"connecting to {postgis.redact(url)}")
    return postgis.connect(url)


def _database_errors(command):
    """Report a database error as one line and exit status 1, like the other commands' errors."""

    @functools.wraps(command)
    def guarded(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except psycopg.Error as exc:
            raise Failure(f"database error: {' '.join(str(exc).split())}") from None

    return guarded


@db.command()
@database_url_option
@_database_errors
def init(database_url: str | None) -> None:
    """Create PostGIS (where missing) and the hpmap schema; safe to repeat."""
    with _connect(database_url) as conn, conn.transaction():
        postgis.init_schema(conn)
    say(f"schema '{postgis.SCHEMA}' ready")


@db.command(help=f"Validate a data directory, then replace the database's data with it.\n\nDATA_DIR ({DEFAULT_DATA}). "
            "One transaction: a directory with errors, or a failure half-way, changes nothing.")  # fmt: skip
@path_argument("data_dir")
@database_url_option
@_database_errors
def load(data_dir: Path | None, database_url: str | None) -> int:
    data_dir = data_dir or default_data_dir()
    say(f"reading {data_dir}")
    snapshot = SourceSnapshot.take(FileSource(data_dir))
    dataset, issues = inspect_dataset(snapshot)
    if dataset is None:
        _report(issues)
        say(f"nothing loaded: {data_dir} has errors (the database is unchanged)")
        return 1
    with _connect(database_url) as conn:
        try:
            postgis.load_snapshot(conn, snapshot, dataset)
        except InvalidData as exc:
            _report(exc.issues)
            return 1
    counts = ", ".join(f"{len(layer.gdf)} {name}" for name, layer in dataset.layers.items())
    say(f"loaded {counts} into schema '{postgis.SCHEMA}'")
    return 0


@db.command(help=f"Write the database's data back as GeoJSON and CSV files.\n\nDIRECTORY ({DEFAULT_DATA}). "
            "Each file is replaced atomically.")  # fmt: skip
@path_argument("directory")
@database_url_option
@_database_errors
def dump(directory: Path | None, database_url: str | None) -> int:
    directory = directory or default_data_dir()
    with _connect(database_url) as conn:
        snapshot = postgis.read_snapshot(conn)
    problems = [issue for _, issues in snapshot.tables.values() for issue in issues]
    if problems:
        _report(problems)
        return 1
    for path in write_data_files(snapshot.frames(), directory):
        say(f"wrote {path}")
    return 0


def _report(issues: list[Issue]) -> None:
    errors = [issue for issue in issues if issue.severity == "error"]
    for issue in errors:
        click.echo(f"  {issue}", err=True)
    say(f"{len(errors)} error(s)")
