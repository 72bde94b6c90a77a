"""The data set in PostgreSQL/PostGIS: schema, loading, reading back, and the items queries in SQL.

Everything lives in the ``hpmap`` schema, in two kinds of tables:

- SOURCE tables mirror the files of a data directory, so that a dump writes them back unchanged:
  per layer ``<layer>_geometry`` (the GeoJSON file's rows: ``id``, ``geometry_quality``,
  ``geometry_note``, ``geometry_sources``, ``position_uncertainty_m``, ``geom``) and ``<layer>_attributes``
  (the CSV table, every column as text, in the file's order), then ``figures``, ``sources`` and
  ``positions`` (tables of text, like the attribute tables) and ``context`` (``context.geojson``'s rows:
  ``CONTEXT_COLUMNS`` and ``geom``). ``ord`` keeps each file's row order. ``PgSource`` reads them as
  the pipeline's ``DataSource``.
- SERVING tables hold what the pipeline derives from them: ``features`` (one row per feature with
  its exported properties) and ``collections`` (each layer's properties, and which are numbers).
  ``PostgisStore`` answers the OGC API's items queries from them in SQL.

Every value travels as a statement parameter; identifiers come from the catalog, quoted by ``psycopg.sql``.
Connections are in autocommit mode: the only transactions are the explicit ``conn.transaction()`` blocks.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

import geopandas as gpd
import shapely

from geo.model.catalog import LAYERS, REQUIRED_COLUMNS, LayerSpec
from geo.model.dataset import Dataset
from geo.model.errors import GeoDataError, InvalidData, InvalidQuery, Issue, StoreUnavailable, UnknownLayer
from geo.model.features import compact_json, feature_properties, property_columns
from geo.model.files import (
    CHANGE_COLUMNS,
    CITY_FIGURE_COLUMNS,
    CITY_FIGURES_FILE,
    CONTEXT_COLUMNS,
    CONTEXT_FILE,
    FIGURE_COLUMNS,
    POSITION_COLUMNS,
    POSITIONS_FILE,
    SOURCE_COLUMNS,
    geometry_columns,
)
from geo.pipeline.build import build_dataset
from geo.pipeline.read import SourceSnapshot, checked_table, geometry_frame
from geo.stores.clusters import MAX_CELLS, Clusters, cell_size, clusters_from_rows, too_many_cells
from geo.stores.memory import FeaturePage
from geo.stores.query import FeatureQuery, check_bbox, parse_number, simplify_tolerance

SCHEMA = "hpmap"
SRID = 4326  # EPSG:4326, longitude/latitude, as in the files
# More decimals than a double holds: PostGIS then prints the shortest text that reads back as the same double.
GEOJSON_DECIMALS = 20
CONNECT_TIMEOUT_S = 10
VERSION_TABLE = "data_version"  # one row: the transaction that last wrote the serving tables
CHANGES_TABLE = "changes"  # the change log (geo.postgis.maintenance), mirroring a data directory's changes.csv
# The data directory's files that are not a layer's: each mirrored by the table of its own name.
_TEXT_FILES = {
    "figures.csv": FIGURE_COLUMNS,
    "sources.csv": SOURCE_COLUMNS,
    POSITIONS_FILE: POSITION_COLUMNS,
    CITY_FIGURES_FILE: CITY_FIGURE_COLUMNS,
}


class DatabaseUnavailable(GeoDataError):
    """The database cannot be reached; the message names it without its password."""


# ---------------------------------------------------------------- connections


def redact(url: str) -> str:
    """Return the database URL (or ``key=value`` string) with its password replaced by ``***``.

    Examples
    --------
    >>> redact("postgresql://hpmap:s3cret@db.example:5432/hpmap")
    'postgresql://hpmap:***@db.example:5432/hpmap'
    >>> redact("host=db password='a b' dbname=hpmap")
    'host=db password=*** dbname=hpmap'
    """
    if "://" not in url:
        return re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", url)
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    query = re.sub(r"(^|&)(password=)[^&]*", r"\1\2***", parts.query)
    # Not urlunsplit: it would turn "postgresql:///db" (no host: the default socket) into "postgresql:/db".
    return f"{parts.scheme}://{userinfo}{at}{hosts}{parts.path}" + (f"?{query}" if query else "")


def connect(url: str) -> psycopg.Connection:
    """Open an autocommit connection to ``url``, or raise ``DatabaseUnavailable`` naming it without its password."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.Error as exc:
        raise DatabaseUnavailable(f"cannot connect to the database {redact(url)}: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _table(name: str) -> sql.Identifier:
    return sql.Identifier(SCHEMA, name)


def table_of(file_name: str) -> str:
    """Return the table that mirrors ``file_name`` (``ports.geojson`` → ``ports_geometry``).

    Examples
    --------
    >>> table_of("industrial-parks.csv"), table_of("industrial-parks.geojson"), table_of("figures.csv")
    ('industrial_parks_attributes', 'industrial_parks_geometry', 'figures')
    >>> table_of("positions.csv"), table_of("context.geojson"), table_of("city-figures.csv")
    ('positions', 'context', 'city_figures')
    """
    stem, _, suffix = file_name.rpartition(".")
    if file_name in _TEXT_FILES or file_name == CONTEXT_FILE:
        return stem.replace("-", "_")
    return f"{stem.replace('-', '_')}_{'geometry' if suffix == 'geojson' else 'attributes'}"


def _text_columns(file_name: str) -> tuple[str, ...]:
    return tuple(_TEXT_FILES.get(file_name, REQUIRED_COLUMNS))


# ---------------------------------------------------------------- schema


def init_schema(conn: psycopg.Connection, specs: tuple[LayerSpec, ...] = LAYERS) -> None:
    """Create PostGIS and btree_gist where missing, the ``hpmap`` schema and every table and index; keep what exists."""
    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    conn.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")  # a text column beside a geometry in one GiST index
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
    for spec in specs:
        _create_geometry_table(conn, table_of(spec.geometry_file))
        _create_text_table(conn, table_of(spec.attributes_file), REQUIRED_COLUMNS)
    # positions, context and city figures came after the first release: a database made before gets them here.
    for file_name in _TEXT_FILES:
        _create_text_table(conn, table_of(file_name), _text_columns(file_name))
    _create_context_table(conn)
    create_change_log(conn)
    features = _table("features")
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (collection text NOT NULL, id text NOT NULL, ord integer NOT NULL, "
            "geom geometry(Geometry, {srid}), "
            "properties jsonb NOT NULL, "  # filtered on
            "properties_json json NOT NULL, "  # served: the same object, keys in export order (jsonb sorts them)
            "PRIMARY KEY (collection, id))"
        ).format(features, srid=sql.Literal(SRID))
    )
    # Added later (a database made before gets them here): each property's value as JSON text, in the
    # order of the collection's property_names, from which a page with some properties only is spliced.
    conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS property_texts text[]").format(features))
    # Every items query asks for one collection's features in a box: one index answers both. With the
    # geometry alone indexed, the planner may AND it with the collection's every entry in the order
    # index below (20,000 read to find 100 parks among 60,000 factories). It replaces that older index.
    conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(SCHEMA, "features_geom_idx")))
    conn.execute(
        sql.SQL("CREATE INDEX IF NOT EXISTS features_collection_geom_idx ON {} USING gist (collection, geom)").format(
            features
        )
    )
    # A page without a bbox is read in layer order: from this index, not by sorting the whole collection.
    conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS features_order_idx ON {} (collection, ord)").format(features))
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, ord integer NOT NULL, property_kinds jsonb NOT NULL)"
        ).format(_table("collections"))
    )
    conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS property_names text[]").format(_table("collections")))


def create_change_log(conn: psycopg.Connection) -> None:
    """Create ``hpmap.changes`` where missing: the log of ``hpmap import`` and ``revert``, ``changes.csv``'s columns."""
    _create_text_table(conn, CHANGES_TABLE, CHANGE_COLUMNS)


def _create_geometry_table(conn: psycopg.Connection, table: str) -> None:
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (id text PRIMARY KEY, ord integer NOT NULL UNIQUE, "
            "geometry_quality text NOT NULL, geometry_note text NOT NULL, geometry_sources text NOT NULL, "
            "geom geometry(Geometry, {srid}))"
        ).format(_table(table), srid=sql.Literal(SRID))
    )
    # Added after the first release: databases made before it get the column here.
    conn.execute(
        sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS position_uncertainty_m text NOT NULL DEFAULT ''").format(
            _table(table)
        )
    )
    index = sql.Identifier(f"{table}_geom_idx")
    conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING gist (geom)").format(index, _table(table)))


def _create_context_table(conn: psycopg.Connection) -> None:
    # Keyed by row order: a context feature's id is only a label, and the table keeps whatever the file holds.
    table = table_of(CONTEXT_FILE)
    definitions = [sql.SQL("{} text").format(sql.Identifier("id"))]
    definitions += [sql.SQL("{} text NOT NULL").format(sql.Identifier(column)) for column in CONTEXT_COLUMNS[1:]]
    conn.execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (ord integer PRIMARY KEY, {}, geom geometry(Geometry, {srid}))").format(
            _table(table), sql.SQL(", ").join(definitions), srid=sql.Literal(SRID)
        )
    )
    index = sql.Identifier(f"{table}_geom_idx")
    conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING gist (geom)").format(index, _table(table)))


def _create_text_table(conn: psycopg.Connection, table: str, columns: Iterable[str]) -> None:
    definitions = [sql.SQL("{} text NOT NULL").format(sql.Identifier(column)) for column in columns]
    conn.execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (ord integer PRIMARY KEY, {})").format(
            _table(table), sql.SQL(", ").join(definitions)
        )
    )


# ---------------------------------------------------------------- writing


def load_snapshot(conn: psycopg.Connection, snapshot: SourceSnapshot, dataset: Dataset) -> None:
    """Replace every table with ``snapshot``'s and ``dataset``'s rows, in one transaction: all or nothing.

    ``dataset`` must be what the pipeline built from ``snapshot`` (``hpmap db load`` validates first).
    """
    with conn.transaction():
        init_schema(conn, tuple(layer.spec for layer in dataset.layers.values()))
        for file_name, (frame, _) in snapshot.tables.items():
            write_table(conn, file_name, frame)
        write_features(conn, dataset)
    if conn.autocommit and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
        # VACUUM (outside any transaction) marks the new rows visible to every query, so that counting
        # a whole collection reads the order index only: 2 ms rather than 30 for 20,000 parks.
        conn.execute(sql.SQL("VACUUM {}").format(_table("features")))


def write_table(conn: psycopg.Connection, file_name: str, frame: pd.DataFrame) -> None:
    """Replace the rows of the table mirroring ``file_name`` with ``frame``'s, in their order.

    A CSV table is recreated with ``frame``'s columns; a geometry table keeps its columns.
    Call it inside a transaction, then ``publish`` to validate and serve the result.
    """
    table = table_of(file_name)
    if file_name.endswith(".geojson"):
        _write_geometry_rows(conn, file_name, table, frame)
        return
    if "ord" in frame.columns:
        raise InvalidData([Issue("error", file_name, None, "ord", "column name reserved for the row order; rename it")])
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(_table(table)))
    _create_text_table(conn, table, frame.columns)
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in ["ord", *frame.columns])
    copy_rows = sql.SQL("COPY {} ({}) FROM STDIN").format(_table(table), columns)
    with conn.cursor() as cursor, cursor.copy(copy_rows) as copy:
        for position, row in enumerate(frame.itertuples(index=False, name=None)):
            copy.write_row((position, *row))


def _write_geometry_rows(conn: psycopg.Connection, file_name: str, table: str, frame: gpd.GeoDataFrame) -> None:
    flat = [row for row in zip(frame["id"], frame.geometry, strict=True) if row[1] is not None and row[1].has_z]
    if flat:  # the column is 2D (geometry(Geometry, 4326)); heights would be refused without a location
        raise InvalidData(
            [Issue("error", file_name, fid, "geometry", "3D coordinates: drop the heights") for fid, _ in flat]
        )
    conn.execute(sql.SQL("DELETE FROM {}").format(_table(table)))
    columns = geometry_columns(file_name)
    rows = [
        (position, *(row[c] for c in columns), _wkb(geometry))
        for position, ((_, row), geometry) in enumerate(zip(frame.iterrows(), frame.geometry, strict=True))
    ]
    statement = sql.SQL("INSERT INTO {} (ord, {}, geom) VALUES (%s, {}, ST_GeomFromWKB(%s, {srid}))").format(
        _table(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        srid=sql.Literal(SRID),
    )
    with conn.cursor() as cursor:
        cursor.executemany(statement, rows)


def _wkb(geometry) -> bytes | None:
    return None if geometry is None else shapely.to_wkb(geometry)


def write_features(conn: psycopg.Connection, dataset: Dataset) -> int:
    """Replace the serving tables with ``dataset``'s layers; return how many features were written.

    Also sets ``hpmap.data_version`` to this transaction's id: running servers poll it and read the
    new data once it is committed (``webmap.reload``).
    """
    version_table = _table(VERSION_TABLE)
    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (version bigint NOT NULL)").format(version_table))
    conn.execute(sql.SQL("DELETE FROM {}").format(version_table))
    conn.execute(sql.SQL("INSERT INTO {} (version) VALUES (txid_current())").format(version_table))
    conn.execute(sql.SQL("DELETE FROM {}").format(_table("features")))
    conn.execute(sql.SQL("DELETE FROM {}").format(_table("collections")))
    insert_collection = sql.SQL("INSERT INTO {} (name, ord, property_kinds, property_names) VALUES (%s, %s, %s, %s)")
    insert_feature = sql.SQL(
        "INSERT INTO {} (collection, id, ord, geom, properties, properties_json, property_texts) "
        "VALUES (%s, %s, %s, ST_GeomFromWKB(%s, {srid}), %s::jsonb, %s::json, %s)"
    ).format(_table("features"), srid=sql.Literal(SRID))
    count = 0
    for position, (name, layer) in enumerate(dataset.layers.items()):
        columns = property_columns(layer.gdf)
        kinds = {column: _kind(layer.gdf[column]) for column in columns}
        conn.execute(insert_collection.format(_table("collections")), (name, position, Jsonb(kinds), columns))
        rows = list(_feature_rows(name, layer.gdf, columns))
        with conn.cursor() as cursor:
            cursor.executemany(insert_feature, rows)
        count += len(rows)
    # Statistics now, not whenever autovacuum gets to it: without them the planner misjudges the
    # first queries (it read a whole collection's primary key entries to narrow a bbox query down).
    conn.execute(sql.SQL("ANALYZE {}").format(_table("features")))
    return count


def _kind(column: pd.Series) -> str:
    # As geo.stores.query.matching: a numeric column compares numerically, any other by text (or list item).
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    return "number" if numeric else "text"


def _feature_rows(name: str, gdf: gpd.GeoDataFrame, columns: list[str]) -> Iterator[tuple]:
    # The same properties, in the same order, as geo.model.features.to_geojson gives the file store.
    for position, ((feature_id, row), geometry) in enumerate(zip(gdf.iterrows(), gdf.geometry, strict=True)):
        properties = feature_properties(row, columns)
        text = compact_json(properties)
        yield name, feature_id, position, _wkb(geometry), text, text, [compact_json(v) for v in properties.values()]


def replace_rows(
    conn: psycopg.Connection, file_name: str, rows: pd.DataFrame, key: str = "id", removed: Iterable[str] = ()
) -> None:
    """Put ``rows`` into ``file_name``'s table in place of the rows with the same ``key``; drop ``removed`` keys.

    Replaced rows keep their place (several rows may share a key, as a feature's figures do); rows
    with a new key go at the end. Call it inside ``conn.transaction()``, then ``publish(conn)``.
    """
    current, issues = PgSource(conn).read_file(file_name)
    if any(issue.severity == "error" for issue in issues):
        raise InvalidData(issues)
    write_table(conn, file_name, _merged(current, rows, key, set(removed)))


def _merged(current: pd.DataFrame, rows: pd.DataFrame, key: str, removed: set[str]) -> pd.DataFrame:
    new_keys, placed, pieces = set(rows[key]), set(), []
    for position, value in enumerate(current[key]):
        if value in new_keys and value not in placed:
            pieces.append(rows[rows[key] == value])
            placed.add(value)
        elif value not in new_keys and value not in removed:
            pieces.append(current.iloc[[position]])
    pieces.append(rows[~rows[key].isin(placed)])
    return pd.concat(pieces, ignore_index=True)


def publish(conn: psycopg.Connection, specs: tuple[LayerSpec, ...] = LAYERS) -> Dataset:
    """Validate the source tables as this transaction sees them and rebuild the serving tables from them.

    Raises ``InvalidData`` (naming table, feature and field) when they have errors: let it roll the
    caller's transaction back.
    """
    dataset = build_dataset(PgSource(conn), specs)
    write_features(conn, dataset)
    return dataset


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class PgSource:
    """The source tables of a database, read as the pipeline's ``DataSource``: the frames the files give."""

    conn: psycopg.Connection

    def read_geometry(self, spec: LayerSpec) -> tuple[gpd.GeoDataFrame, list[Issue]]:
        """Read ``<layer>_geometry``."""
        return self.read_file(spec.geometry_file)

    def read_attributes(self, spec: LayerSpec) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``<layer>_attributes``."""
        return self.read_file(spec.attributes_file)

    def read_figures(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``figures``."""
        return self.read_file("figures.csv")

    def read_sources(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``sources``."""
        return self.read_file("sources.csv")

    def read_positions(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``positions``."""
        return self.read_file(POSITIONS_FILE)

    def read_city_figures(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``city_figures``."""
        return self.read_file(CITY_FIGURES_FILE)

    def read_context(self) -> tuple[gpd.GeoDataFrame, list[Issue]]:
        """Read ``context``."""
        return self.read_file(CONTEXT_FILE)

    def read_file(self, file_name: str) -> tuple[pd.DataFrame, list[Issue]]:
        """Read the table mirroring ``file_name`` as the file reader would read that file."""
        table, geometry = table_of(file_name), file_name.endswith(".geojson")
        exists = self.conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.{table}",)).fetchone()[0]
        if exists is None:
            empty = (
                geometry_frame([], [], columns=geometry_columns(file_name))
                if geometry
                else pd.DataFrame(columns=_text_columns(file_name), dtype="string")
            )
            return empty, [Issue("error", self.locate(file_name), None, None, "no such table: run `hpmap db load`")]
        if geometry:
            return self._geometry(table, geometry_columns(file_name)), []
        cursor = self.conn.execute(sql.SQL("SELECT * FROM {} ORDER BY ord").format(_table(table)))
        names = [column.name for column in cursor.description]
        frame = pd.DataFrame([row[1:] for row in cursor.fetchall()], columns=names[1:], dtype=str)
        return checked_table(frame, self.locate(file_name), _text_columns(file_name))

    def _geometry(self, table: str, columns: list[str]) -> gpd.GeoDataFrame:
        statement = sql.SQL("SELECT {}, ST_AsBinary(geom) FROM {} ORDER BY ord").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), _table(table)
        )
        rows = self.conn.execute(statement).fetchall()
        width = len(columns)
        geometries = [None if row[width] is None else shapely.from_wkb(row[width]) for row in rows]
        return geometry_frame([list(row[:width]) for row in rows], geometries, columns=columns)

    def locate(self, file_name: str) -> str:
        """Return ``table hpmap.<table>`` for a data file's name: issues name the table."""
        if not file_name.endswith((".geojson", ".csv")):
            return file_name
        return f"table {SCHEMA}.{table_of(file_name)}"


@contextmanager
def _consistent_read(conn: psycopg.Connection) -> Iterator[None]:
    # One snapshot for every table, even while another session loads new data.
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def read_dataset(conn: psycopg.Connection, specs: tuple[LayerSpec, ...] = LAYERS) -> Dataset:
    """Build the data set from the source tables, read in one consistent snapshot."""
    with _consistent_read(conn):
        return build_dataset(PgSource(conn), specs)


def read_snapshot(conn: psycopg.Connection, specs: tuple[LayerSpec, ...] = LAYERS) -> SourceSnapshot:
    """Read every source table in one consistent snapshot (for ``hpmap db dump``)."""
    with _consistent_read(conn):
        return SourceSnapshot.take(PgSource(conn), specs)


# ---------------------------------------------------------------- serving

POOL_TIMEOUT_S = 5.0  # longest wait for a pooled connection while the database answers
RECONNECT_WAIT_S = 1.0  # after a connection broke: time enough to open another to a server that is up
UNAVAILABLE_WAIT_S = 0.1  # once the database failed: answer "unavailable" at once, till it answers again
# How long the pool keeps retrying a failed connection (after 1 s, then 2 s, ...) before it waits for a request
# to try again: short, so that a database that comes back is found within seconds, not minutes.
RECONNECT_TIMEOUT_S = 5.0
RETRY_AFTER_S = 5  # what a client told "unavailable" should wait before asking again
# A database host that vanishes (a crash, a network partition) is noticed within about 10 s, rather
# than when the kernel gives up on the TCP connection, minutes or hours later (libpq's parameters).
_TCP_LIVENESS = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
                 "tcp_user_timeout": 10_000}  # fmt: skip
# The slowest query the server may run (statement_timeout), and how long the app waits for an answer at
# all: a database that accepts connections but never answers (hung, stopped, a frozen network path)
# would otherwise hold a request for ever. Past QUERY_DEADLINE_S the connection is cut and the request
# answered 503.
STATEMENT_TIMEOUT_MS = 4000
QUERY_DEADLINE_S = 5.0
_SESSION_OPTIONS = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"


class _Deadlines:
    """Cuts the connections whose query has waited past its deadline, from one watcher thread per process.

    Cutting (a shutdown of the socket) ends libpq's wait with an error; the connection is then broken
    and the pool drops it. One thread for all queries: a timer per query would cost a thread start each.
    """

    def __init__(self):
        self._lock, self._waiting, self._pid = threading.Lock(), {}, None

    @contextmanager
    def watching(self, conn: psycopg.Connection, seconds: float):
        key = object()
        with self._lock:
            if self._pid != os.getpid():  # first use in this process (a forked worker has no watcher thread)
                self._pid = os.getpid()
                threading.Thread(target=self._watch, name="hpmap-query-deadlines", daemon=True).start()
            self._waiting[key] = (time.monotonic() + seconds, conn)
        try:
            yield
        finally:
            with self._lock:
                self._waiting.pop(key, None)

    def _watch(self) -> None:
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self._lock:
                late = [key for key, (deadline, _) in self._waiting.items() if deadline < now]
                cut = [self._waiting.pop(key)[1] for key in late]
            for conn in cut:
                _cut(conn)


def _cut(conn: psycopg.Connection) -> None:
    try:
        with socket.socket(fileno=os.dup(conn.pgconn.socket)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except (OSError, psycopg.Error):
        pass  # already closed


_DEADLINES = _Deadlines()


_ALL_PROPERTIES = sql.SQL("properties_json::text")


def _feature(geometry: str, properties: sql.Composable = _ALL_PROPERTIES) -> sql.Composed:
    """Return the SQL of a row's GeoJSON Feature as compact text, its geometry given by the expression ``geometry``
    and its properties' JSON text by ``properties`` (by default all of them, as stored).

    Concatenated rather than built with ``json_build_object``: the parts are JSON text already
    (``ST_AsGeoJSON``, the stored properties), so nothing is parsed again, and the result is text,
    which psycopg hands over as a ``str`` instead of decoding it into dicts.
    """
    return sql.SQL(
        """'{{"type":"Feature","id":' || to_json(id)::text """
        """|| ',"geometry":' || coalesce(ST_AsGeoJSON({geometry}, {decimals}), 'null') """
        """|| ',"properties":' || {properties} || '}}'"""
    ).format(geometry=sql.SQL(geometry), decimals=sql.Literal(GEOJSON_DECIMALS), properties=properties)


def _some_properties(names: Sequence[str], stored: Sequence[str] | None) -> sql.Composed:
    """Return the SQL of the JSON object of a row's properties ``names``, in that order.

    Each value is spliced from ``property_texts``, the row's values as JSON text in the order
    ``stored`` (the collection's ``property_names``); a database loaded before that column existed
    (``stored`` None) has them taken out of ``properties_json`` (``->`` keeps a json value's text).
    """
    parts = []
    for position, name in enumerate(names):
        key = sql.Literal(("," if position else "{") + compact_json(name) + ":")
        if stored is None:
            value = sql.SQL("coalesce((properties_json -> {})::text, 'null')").format(sql.Literal(name))
        else:
            value = sql.SQL("property_texts[{}]").format(sql.Literal(stored.index(name) + 1))
        parts.append(sql.SQL("{} || {}").format(key, value))
    return sql.SQL("(") + sql.SQL(" || ").join(parts) + sql.SQL(" || '}')")


# As geo.stores.query.simplified: topology-preserving simplification to a tolerance (%s, degrees), keeping
# the stored geometry where the result would be empty or invalid, and a MultiPolygon of one part a
# MultiPolygon.
_SIMPLIFIED = (
    "(SELECT CASE WHEN ST_IsEmpty(simple) OR NOT ST_IsValid(simple) THEN geom "
    "WHEN GeometryType(geom) = 'MULTIPOLYGON' THEN ST_Multi(simple) ELSE simple END "
    "FROM (SELECT ST_SimplifyPreserveTopology(geom, %s) AS simple) AS simplified)"
)
# One row per feature of the page, in layer order, each with the number of matching features (an
# InitPlan: counted once). The page is cut first and its features built after (LATERAL, flattened by
# the planner), so their cost, simplification included, is bounded by the limit. An empty page has no row.
_ITEMS = sql.SQL(
    "SELECT (SELECT count(*) FROM {features} WHERE {conditions}), feature.text "
    "FROM (SELECT * FROM {features} WHERE {conditions} ORDER BY ord LIMIT %s OFFSET %s) "
    "AS page CROSS JOIN LATERAL (SELECT {feature}) AS feature (text) ORDER BY page.ord"
)
_ITEM = sql.SQL("SELECT {feature} FROM {features} WHERE collection = %s AND id = %s").format(
    feature=_feature("geom"), features=_table("features")
)
# property_names through to_jsonb: NULL, not an error, where a database made before has no such column.
_COLLECTIONS = sql.SQL("SELECT name, property_kinds, to_jsonb(c) -> 'property_names' FROM {} AS c ORDER BY ord").format(
    _table("collections")
)
# The box as ST_Envelope of its diagonal: a zero-width box stays a point or a line, which intersects what
# it lies in (ST_MakeEnvelope would give a collapsed polygon, which intersects nothing), as shapely does.
_ENVELOPE = (
    "ST_Intersects(geom, ST_Envelope(ST_SetSRID(ST_MakeLine(ST_MakePoint(%s, %s), ST_MakePoint(%s, %s)), 4326)))"
)
_TEXT_MATCH = "(jsonb_typeof(properties -> %s) IN ('string', 'array') AND (properties -> %s) ?| %s::text[])"
_NUMBER_MATCH = (
    "(CASE WHEN jsonb_typeof(properties -> %s) = 'number' THEN (properties ->> %s)::float8 END) = ANY(%s::float8[])"
)


def items_statement(
    collection: str, query: FeatureQuery, kinds: dict[str, str], names: Sequence[str] | None = None
) -> tuple[sql.Composed, list]:
    """Return the SQL and parameters answering ``query`` on ``collection``, whose properties are ``kinds``.

    The statement gives one row per feature of the page, in layer order: the number of matching
    features, then the feature as GeoJSON text, its geometry simplified for ``query.zoom`` when it
    is given, with ``query.properties`` only when they are given (``names``: the collection's
    ``property_names``, if stored). An empty page gives no row. Raises ``InvalidQuery`` as
    ``geo.stores.query.run_query`` does, and for a property the collection does not have.
    """
    _check_paging(query)
    tolerance = None if query.zoom is None else simplify_tolerance(query.zoom)
    where, params = _selection(collection, query, kinds)
    geometry = "geom" if tolerance is None else _SIMPLIFIED
    if query.properties is None:
        feature = _feature(geometry)
    else:
        unknown = [name for name in query.properties if name not in kinds]
        if unknown:
            raise InvalidQuery(f"properties: no property {', '.join(map(repr, unknown))} in collection '{collection}'")
        feature = _feature(geometry, _some_properties(query.properties, names))
    statement = _ITEMS.format(features=_table("features"), conditions=where, feature=feature)
    params = [*params, *params, query.limit, query.offset]  # the count's conditions, then the page's
    return statement, params if tolerance is None else [*params, tolerance]  # the tolerance: last, in the LATERAL


def _selection(collection: str, query: FeatureQuery, kinds: dict[str, str]) -> tuple[sql.Composed, list]:
    """Return the WHERE conditions that select ``query``'s features of ``collection``, and their parameters."""
    conditions, params = ["collection = %s"], [collection]
    if query.bbox is not None:
        minx, miny, maxx, maxy = check_bbox(query.bbox)
        # A box whose min lon exceeds its max lon crosses the antimeridian: two boxes.
        boxes = [(minx, miny, maxx, maxy)] if minx <= maxx else [(minx, miny, 180.0, maxy), (-180.0, miny, maxx, maxy)]
        conditions.append("(" + " OR ".join([_ENVELOPE] * len(boxes)) + ")")
        params += [value for box in boxes for value in box]
    for property_, values in query.filters:
        if property_ not in kinds:
            raise InvalidQuery(f"no property '{property_}' to filter on")
        if kinds[property_] == "number":
            conditions.append(_NUMBER_MATCH)
            params += [property_, property_, [parse_number(property_, value) for value in values]]
        else:
            conditions.append(_TEXT_MATCH)
            params += [property_, property_, list(values)]
    return sql.SQL(" AND ").join(sql.SQL(condition) for condition in conditions), params


# As geo.stores.clusters.bin_points: the selected features' points (as geo.stores.clusters.representative_points: GEOS'
# point on surface; a Point is its own, so points skip GEOS), grouped by cell (floor of degrees / cell
# size), by row then column, at most one cell more than allowed (to tell "too many"). A lone feature gives
# its id. OFFSET 0 keeps the planner from inlining the point into each of its four uses (four GEOS calls a
# row), and lets it hash the groups: inlined, it sorted 60,000 rows, spilling to disk, in twice the time.
_CLUSTERS = sql.SQL(
    "SELECT cell_row, cell_column, count(*), avg(lon), avg(lat), CASE WHEN count(*) = 1 THEN min(id) END "
    "FROM (SELECT id, lon, lat, floor(lat / %s) AS cell_row, floor(lon / %s) AS cell_column "
    "FROM (SELECT id, ST_X(point) AS lon, ST_Y(point) AS lat FROM (SELECT id, "
    "CASE WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_PointOnSurface(geom) END AS point "
    "FROM {features} WHERE {conditions} OFFSET 0) AS selected) AS located "
    "WHERE lon IS NOT NULL AND lat IS NOT NULL) AS binned "
    "GROUP BY cell_row, cell_column ORDER BY cell_row, cell_column LIMIT %s"
)


def clusters_statement(
    collection: str, query: FeatureQuery, zoom: int, kinds: dict[str, str]
) -> tuple[sql.Composed, list]:
    """Return the SQL and parameters of ``query``'s clusters at ``zoom`` on ``collection`` (``geo.stores.clusters``).

    One row per occupied cell, by row then column: row, column, count, mean longitude, mean
    latitude, and the id of the cell's feature when it holds one; ``MAX_CELLS + 1`` rows at most.
    Raises ``InvalidQuery`` as ``items_statement`` does, and for a zoom outside 0..22.
    """
    size = cell_size(zoom)
    where, params = _selection(collection, query, kinds)
    statement = _CLUSTERS.format(features=_table("features"), conditions=where)
    return statement, [size, size, *params, MAX_CELLS + 1]  # in the order of their places in the text


def _check_paging(query: FeatureQuery) -> None:
    for name, value, least in (("offset", query.offset, 0), ("limit", query.limit, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise InvalidQuery(f"{name}: expected a whole number of at least {least}, got {value!r}")


class _ConnectionBroke(Exception):
    """A pooled connection turned out to be closed by the server (restarted, or ending idle sessions)."""


class PostgisStore:
    """The features served from ``hpmap.features``, through a pool of connections: queries run in SQL.

    When the database cannot be reached, or stops answering, the queries raise ``StoreUnavailable``
    after at most ``POOL_TIMEOUT_S`` seconds, and at once while it stays down; the pool reconnects by
    itself when the database is back. A connection the server closed (a restart, an idle timeout) is
    replaced and the query run once more, so that such a connection costs no error. Connections are
    not checked with a round trip before each use: that would double the round trips of every query.
    """

    def __init__(self, pool: ConnectionPool, shown_url: str = "the database"):
        self._pool = pool
        self._shown_url = shown_url  # the URL without its password, for messages
        self._down = False  # the database failed to answer, and has not answered since
        self._kinds: dict[str, dict[str, str]] | None = None  # each collection's property kinds, read once
        self._names: dict[str, list[str] | None] = {}  # each collection's property_names (None: not stored)

    @classmethod
    def open(cls, url: str, max_size: int = 10, wait: bool = True) -> PostgisStore:
        """Open a pool of connections to ``url``.

        With ``wait``, make sure the database answers, or raise ``DatabaseUnavailable``. Without,
        return at once: the queries raise ``StoreUnavailable`` until it answers (for a server's
        worker process, which should start even while the database is away, and serve once it is back).
        """
        pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            open=False,
            kwargs={
                "autocommit": True,
                "connect_timeout": CONNECT_TIMEOUT_S,
                "options": _SESSION_OPTIONS,
                **_TCP_LIVENESS,
            },
            timeout=POOL_TIMEOUT_S,
            reconnect_timeout=RECONNECT_TIMEOUT_S,
            name="hpmap",
        )
        store = cls(pool, redact(url))
        if wait:  # the server's own reason, at once, rather than the pool's timeout after its retries
            connect(url).close()
        try:
            pool.open(wait=wait, timeout=CONNECT_TIMEOUT_S)
            if wait:
                store._collections()
        except (PoolTimeout, psycopg.Error, StoreUnavailable) as exc:
            pool.close()
            raise DatabaseUnavailable(f"cannot use the database {redact(url)}: {_reason(exc)}") from None
        return store

    def items(self, collection: str, query: FeatureQuery) -> FeaturePage:
        """Return the page of ``collection``'s features that ``query`` selects, counted and built in SQL."""
        kinds = self._property_kinds(collection)
        statement, params = items_statement(collection, query, kinds, self._names.get(collection))
        rows = self._fetch(statement, params)
        if rows:
            number_matched = rows[0][0]
        elif query.offset == 0:
            number_matched = 0
        else:  # a page past the end has no row to carry the count: count with the first page's statement
            number_matched = self.items(collection, replace(query, offset=0, limit=1, zoom=None)).number_matched
        return FeaturePage([text for _, text in rows], number_matched, query.offset, query.limit)

    def clusters(self, collection: str, query: FeatureQuery, zoom: int) -> Clusters:
        """Return the clusters at ``zoom`` of the features ``query`` selects, grouped in SQL."""
        statement, params = clusters_statement(collection, query, zoom, self._property_kinds(collection))
        rows = self._fetch(statement, params)
        if len(rows) > MAX_CELLS:
            raise too_many_cells(zoom)
        return clusters_from_rows(zoom, rows)

    def item_text(self, collection: str, feature_id: str) -> str | None:
        """Return the feature ``feature_id`` of ``collection`` as GeoJSON text, or None."""
        self._property_kinds(collection)
        if "\x00" in feature_id:  # no id holds one, and PostgreSQL text cannot
            return None
        rows = self._fetch(_ITEM, (collection, feature_id))
        return rows[0][0] if rows else None

    def item(self, collection: str, feature_id: str) -> dict | None:
        """Return the feature ``feature_id`` of ``collection`` as a GeoJSON Feature dict, or None."""
        text = self.item_text(collection, feature_id)
        return None if text is None else json.loads(text)

    def close(self) -> None:
        """Close every connection of the pool."""
        self._pool.close()

    def data_version(self) -> str:
        """Return the version of the served data (``write_features``); "0" for a database loaded before versions."""
        try:
            rows = self._fetch(sql.SQL("SELECT version FROM {}").format(_table(VERSION_TABLE)), ())
        except psycopg.errors.UndefinedTable:
            return "0"
        return str(rows[0][0]) if rows else "0"

    def forget_collections(self) -> None:
        """Read the collections and their property kinds again at the next query (new data were loaded)."""
        self._kinds = None

    def _collections(self) -> dict[str, dict[str, str]]:
        """Return each collection's property kinds, read from the database the first time."""
        if self._kinds is None:
            rows = self._fetch(_COLLECTIONS, ())
            self._names = {name: names for name, _, names in rows}
            self._kinds = {name: kinds for name, kinds, _ in rows}
        return self._kinds

    def _property_kinds(self, collection: str) -> dict[str, str]:
        kinds = self._collections()
        try:
            return kinds[collection]
        except KeyError:
            raise UnknownLayer(f"no layer '{collection}'; the layers are: {', '.join(kinds)}") from None

    def _fetch(self, statement: sql.Composable, params: Sequence) -> list[tuple]:
        """Run ``statement`` on a pooled connection and return its rows, or raise ``StoreUnavailable``."""
        down = self._down
        try:
            return self._fetch_once(statement, params, UNAVAILABLE_WAIT_S if down else POOL_TIMEOUT_S, last=False)
        except _ConnectionBroke:
            # The server closed it: after a restart, every idle connection is closed too. Replace them
            # all now, rather than failing on each in turn, and try once more on a new one.
            self._pool.check()
        return self._fetch_once(statement, params, UNAVAILABLE_WAIT_S if down else RECONNECT_WAIT_S, last=True)

    def _fetch_once(self, statement: sql.Composable, params: Sequence, wait_s: float, last: bool) -> list[tuple]:
        try:
            with self._pool.connection(timeout=wait_s) as conn:
                started = time.monotonic()
                try:
                    with _DEADLINES.watching(conn, QUERY_DEADLINE_S):
                        rows = conn.execute(statement, params).fetchall()
                except psycopg.OperationalError as exc:
                    if time.monotonic() - started >= QUERY_DEADLINE_S:
                        raise psycopg.OperationalError(f"no answer within {QUERY_DEADLINE_S:g} s") from exc
                    if conn.broken and not last:
                        raise _ConnectionBroke from exc
                    raise
        except psycopg.OperationalError as exc:  # PoolTimeout included: no connection to be had in time
            self._down = True
            raise StoreUnavailable(
                f"the database {self._shown_url} does not answer: {_reason(exc)}", retry_after_s=RETRY_AFTER_S
            ) from exc
        self._down = False
        return rows
