"""The features served from ``hpmap.features`` through a pool of connections, with deadlines and outages."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import replace

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from geo.model.errors import StoreUnavailable, UnknownLayer
from geo.postgis.connection import (
    CONNECT_TIMEOUT_S,
    VERSION_TABLE,
    DatabaseUnavailable,
    connect,
    reason,
    redact,
    table_identifier,
)
from geo.postgis.statements import (
    COLLECTIONS,
    FEATURE_TEXT_STORED,
    ITEM,
    STORED_ITEM,
    clusters_statement,
    items_statement,
)
from geo.stores.clusters import MAX_CELLS, Clusters, clusters_from_rows, too_many_cells
from geo.stores.memory import FeaturePage
from geo.stores.query import FeatureQuery

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
        self._stored_text = False  # whether hpmap.features has each feature's text (feature_text), read with them

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
            raise DatabaseUnavailable(f"cannot use the database {redact(url)}: {reason(exc)}") from None
        return store

    def items(self, collection: str, query: FeatureQuery) -> FeaturePage:
        """Return the page of ``collection``'s features that ``query`` selects, counted and built in SQL."""
        kinds = self._property_kinds(collection)
        statement, params = items_statement(collection, query, kinds, self._names.get(collection), self._stored_text)
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
        rows = self._fetch(STORED_ITEM if self._stored_text else ITEM, (collection, feature_id))
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
            rows = self._fetch(sql.SQL("SELECT version FROM {}").format(table_identifier(VERSION_TABLE)), ())
        except psycopg.errors.UndefinedTable:
            return "0"
        return str(rows[0][0]) if rows else "0"

    def forget_collections(self) -> None:
        """Read the collections and their property kinds again at the next query (new data were loaded)."""
        self._kinds = None

    def _collections(self) -> dict[str, dict[str, str]]:
        """Return each collection's property kinds, read from the database the first time."""
        if self._kinds is None:
            rows = self._fetch(COLLECTIONS, ())
            self._stored_text = self._fetch(FEATURE_TEXT_STORED, ())[0][0]
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
                f"the database {self._shown_url} does not answer: {reason(exc)}", retry_after_s=RETRY_AFTER_S
            ) from exc
        self._down = False
        return rows
