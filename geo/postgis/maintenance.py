"""Keeping the data true in a PostGIS deployment: an import or a revert as one transaction.

The planning is the data directory's (``geo.maintenance.imports``, ``geo.maintenance.plan``): only where the tables come
from and where the edited ones go differ. One command is one transaction:

1. ``session`` connects, begins, and takes a transaction-level advisory lock, so that a second
   ``hpmap import`` or ``revert`` on the same database waits for the first to end instead of interleaving;
2. ``read_files`` then reads every source table and the change log as ``DataFiles``. The transaction is
   READ COMMITTED, so each read sees what the previous command committed while we waited for the lock;
3. ``Session.prepare`` makes the edits in memory (``geo.maintenance.plan.edited``), rewrites the changed
   tables (``load.write_table``), appends one row per edit to ``hpmap.changes`` and calls
   ``load.publish``, which validates the data as the transaction sees them and rebuilds the serving
   tables;
4. ``Session.commit`` commits. Anything else — a refusal, a dry run, an error, a killed process —
   ends the transaction without a commit: every table is as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
import psycopg
from psycopg import sql

import geopandas as gpd
from shapely.geometry import mapping, shape

from geo.formats.tables import CsvTable, DataFiles, GeoJsonFile
from geo.maintenance.changelog import Change, ChangeInfo, append_to_log
from geo.maintenance.plan import edited
from geo.model.catalog import LAYERS, LayerSpec
from geo.model.errors import InvalidData, Issue, MaintenanceError
from geo.model.files import CHANGE_COLUMNS, CHANGES_FILE, GEOMETRY_COLUMNS, geometry_columns
from geo.pipeline.build import inspect_dataset
from geo.pipeline.read import SourceSnapshot, geometry_frame
from geo.postgis.connection import CHANGES_TABLE, SCHEMA, connect, table_of
from geo.postgis.load import publish, write_table
from geo.postgis.schema import create_change_log
from geo.postgis.source import PgSource

LOCK_KEY = 0x68706D6170  # "hpmap" in ASCII: the advisory lock of maintenance commands (per database)
Step = Callable[[str], None]  # told "written-1", "written-2", …, "logged", "published" (tests pause there)


@dataclass(frozen=True)
class Outcome:
    """What a change does to the database, as the open transaction holds it, and what validation says."""

    info: ChangeInfo
    changes: tuple[Change, ...]
    tables: tuple[str, ...]  # qualified names of the tables rewritten or appended to, the change log last
    issues: list[Issue]  # of the whole changed data set (table, feature, field), warnings included

    @property
    def errors(self) -> list[Issue]:
        """Return the issues that refuse the change."""
        return [issue for issue in self.issues if issue.severity == "error"]


@dataclass
class Session:
    """One maintenance command's transaction: the tables as read under the lock, and the way to change them."""

    conn: psycopg.Connection  # not in autocommit mode: one transaction, committed by ``commit`` only
    snapshot: SourceSnapshot  # the source tables as read under the lock
    files: DataFiles  # the same tables, and the change log, as maintenance edits them
    on_step: Step
    validation: str = "in the database transaction"  # where the changed data set is checked, for progress lines
    refused: bool = False

    def prepare(self, changes: list[Change], info: ChangeInfo) -> Outcome:
        """Write ``changes`` and their log rows in the transaction, then validate and publish the result.

        Raises
        ------
        MaintenanceError
            When an edit does not find the value it expects (the data changed since it was planned).
        """
        after = edited(self.files, changes, info)
        names = sorted({change.file for change in changes})
        tables = (*(_qualified(table_of(name)) for name in names), _qualified(CHANGES_TABLE))
        try:
            for number, name in enumerate(names, start=1):
                write_table(self.conn, name, table_frame(after, name))
                self.on_step(f"written-{number}")
            append_log(self.conn, info, changes)
            self.on_step("logged")
            issues = publish(self.conn, self.files.specs).issues
        except InvalidData as exc:
            issues = exc.issues
        self.refused = any(issue.severity == "error" for issue in issues)
        if not self.refused:
            self.on_step("published")
        return Outcome(info=info, changes=tuple(changes), tables=tables, issues=issues)

    def issues_before(self) -> list[Issue]:
        """Return every issue of the data set as it was before this command, warnings included."""
        return inspect_dataset(self.snapshot, self.files.specs)[1]

    def commit(self, outcome: Outcome) -> list[str]:
        """Commit the transaction ``outcome`` was prepared in; return the tables it changed.

        Raises
        ------
        MaintenanceError
            When the prepared change was refused: it is never committed.
        """
        if self.refused or outcome.errors:
            raise MaintenanceError("a refused change cannot be committed; nothing was changed")
        self.conn.commit()
        return list(outcome.tables)


@contextlib.contextmanager
def session(
    url: str,
    specs: tuple[LayerSpec, ...] = LAYERS,
    on_wait: Callable[[], None] | None = None,
    on_step: Step | None = None,
) -> Iterator[Session]:
    """Open the transaction of one maintenance command on ``url``: locked, with the tables read.

    ``on_wait`` is called when another command holds the lock, before waiting for it. Leaving the
    block without ``Session.commit`` leaves the database as it was.

    Raises
    ------
    DatabaseUnavailable
        When the database cannot be reached.
    InvalidData
        When a source table cannot be read (``hpmap db load`` never ran, a column is missing).
    MaintenanceError
        For any error the database reports; the transaction is then rolled back.
    """
    conn = connect(url)
    try:
        conn.autocommit = False  # the whole command is one transaction
        # Whatever the server's default: a snapshot taken when the lock is asked for would hide what the
        # command we waited for committed, and writing our tables from it would undo that command.
        conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        lock(conn, on_wait)
        snapshot, files = read_files(conn, specs)
        yield Session(conn, snapshot, files, on_step or (lambda _step: None))
    except psycopg.Error as exc:
        raise MaintenanceError(f"database error, nothing was changed: {' '.join(str(exc).split())}") from None
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()  # a no-op after a commit; otherwise nothing of the command is kept
        conn.close()


def lock(conn: psycopg.Connection, on_wait: Callable[[], None] | None = None) -> None:
    """Take the maintenance lock for the rest of the transaction, waiting while another command holds it."""
    if conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
        return
    if on_wait is not None:
        on_wait()
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))


def read_files(conn: psycopg.Connection, specs: tuple[LayerSpec, ...] = LAYERS) -> tuple[SourceSnapshot, DataFiles]:
    """Read every source table, and the change log, as maintenance reads a data directory's files.

    Raises
    ------
    InvalidData
        When a table cannot be read; the issues name it.
    """
    snapshot = SourceSnapshot.take(PgSource(conn), specs)
    problems = [issue for _, issues in snapshot.tables.values() for issue in issues if issue.severity == "error"]
    if problems:
        raise InvalidData(problems)
    return snapshot, files_of(snapshot, read_change_log(conn), specs)


def files_of(snapshot: SourceSnapshot, log: pd.DataFrame, specs: tuple[LayerSpec, ...] = LAYERS) -> DataFiles:
    """Return the tables of ``snapshot`` and the change log ``log`` as ``DataFiles``."""
    tables, collections = {CHANGES_FILE: CsvTable(log)}, {}
    for name, (frame, _) in snapshot.tables.items():
        if name.endswith(".geojson"):
            collections[name] = GeoJsonFile(feature_collection(frame, geometry_columns(name)))
        else:
            tables[name] = CsvTable(frame.astype(object))
    return DataFiles(tables=tables, collections=collections, specs=specs)


def feature_collection(frame: gpd.GeoDataFrame, columns: list[str] = GEOMETRY_COLUMNS) -> dict:
    """Return a geometry table's frame as the FeatureCollection its file would hold (EPSG:4326).

    ``columns`` are the file's properties (``geo.pipeline.read.geometry_columns``). Coordinates stay tuples:
    the change log's compact GeoJSON of an outline is the same as from lists.
    """
    rows = frame[columns].itertuples(index=False, name=None)
    features = [
        {
            "type": "Feature",
            "properties": dict(zip(columns, row, strict=True)),
            "geometry": None if geometry is None else mapping(geometry),
        }
        for row, geometry in zip(rows, frame.geometry, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def table_frame(files: DataFiles, name: str) -> pd.DataFrame:
    """Return the frame ``load.write_table`` takes for the file ``name`` of ``files``."""
    if name not in files.collections:
        return files.table(name)
    features = files.collections[name].document["features"]
    columns = geometry_columns(name)
    rows = [[str((f.get("properties") or {}).get(column, "")) for column in columns] for f in features]
    geometries = [None if f.get("geometry") is None else shape(f["geometry"]) for f in features]
    return geometry_frame(rows, geometries, columns=columns)


def append_log(conn: psycopg.Connection, info: ChangeInfo, changes: list[Change]) -> None:
    """Append one row per edit of ``changes`` to ``hpmap.changes``, after the rows already there."""
    create_change_log(conn)  # a database initialised before the log existed gets it now
    empty = CsvTable(pd.DataFrame(columns=CHANGE_COLUMNS, dtype=object))
    rows = append_to_log(empty, info, changes).frame
    table = sql.Identifier(SCHEMA, CHANGES_TABLE)
    start = conn.execute(sql.SQL("SELECT coalesce(max(ord) + 1, 0) FROM {}").format(table)).fetchone()[0]
    columns = sql.SQL(", ").join(sql.Identifier(column) for column in ["ord", *CHANGE_COLUMNS])
    with conn.cursor() as cursor, cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, columns)) as copy:
        for position, row in enumerate(rows.itertuples(index=False, name=None), start=start):
            copy.write_row((position, *row))


def read_change_log(conn: psycopg.Connection) -> pd.DataFrame:
    """Return ``hpmap.changes`` as ``changes.csv`` reads, oldest row first; empty when no change was logged."""
    exists = conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.{CHANGES_TABLE}",)).fetchone()[0]
    if exists is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS, dtype=object)
    statement = sql.SQL("SELECT {} FROM {} ORDER BY ord").format(
        sql.SQL(", ").join(sql.Identifier(column) for column in CHANGE_COLUMNS),
        sql.Identifier(SCHEMA, CHANGES_TABLE),
    )
    return pd.DataFrame(conn.execute(statement).fetchall(), columns=CHANGE_COLUMNS, dtype=object)


def change_log(url: str) -> pd.DataFrame:
    """Return the change log of the database at ``url`` (for ``hpmap history``)."""
    with connect(url) as conn:
        return read_change_log(conn)


def _qualified(table: str) -> str:
    return f"{SCHEMA}.{table}"
