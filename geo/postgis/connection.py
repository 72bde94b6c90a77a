"""Connecting to PostgreSQL/PostGIS and naming the ``hpmap`` schema's tables.

The schema holds SOURCE tables mirroring a data directory's files (written by ``load``, read by
``source.PgSource``) and SERVING tables derived from them (``features``, ``collections``) that
``store.PostgisStore`` queries. Every value travels as a statement parameter; identifiers come from the
catalog, quoted by ``psycopg.sql``. Connections are in autocommit mode: the only transactions are the
explicit ``conn.transaction()`` blocks.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from geo.model.catalog import REQUIRED_COLUMNS
from geo.model.errors import GeoDataError
from geo.model.files import (
    CITY_FIGURE_COLUMNS,
    CITY_FIGURES_FILE,
    CONTACT_COLUMNS,
    CONTACTS_FILE,
    CONTEXT_FILE,
    FIGURE_COLUMNS,
    POSITION_COLUMNS,
    POSITIONS_FILE,
    SOURCE_COLUMNS,
)

SCHEMA = "hpmap"
SRID = 4326  # EPSG:4326, longitude/latitude, as in the files
# More decimals than a double holds: PostGIS then prints the shortest text that reads back as the same double.
GEOJSON_DECIMALS = 20
CONNECT_TIMEOUT_S = 10
VERSION_TABLE = "data_version"  # one row: the transaction that last wrote the serving tables
CHANGES_TABLE = "changes"  # the change log (geo.postgis.maintenance), mirroring a data directory's changes.csv
# The data directory's files that are not a layer's: each mirrored by the table of its own name.
TEXT_FILES = {
    "figures.csv": FIGURE_COLUMNS,
    "sources.csv": SOURCE_COLUMNS,
    POSITIONS_FILE: POSITION_COLUMNS,
    CITY_FIGURES_FILE: CITY_FIGURE_COLUMNS,
    CONTACTS_FILE: CONTACT_COLUMNS,
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
        raise DatabaseUnavailable(f"cannot connect to the database {redact(url)}: {reason(exc)}") from None


def reason(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def table_identifier(name: str) -> sql.Identifier:
    return sql.Identifier(SCHEMA, name)


def table_of(file_name: str) -> str:
    """Return the table that mirrors ``file_name`` (``ports.geojson`` → ``ports_geometry``).

    Examples
    --------
    >>> table_of("industrial-parks.csv"), table_of("industrial-parks.geojson"), table_of("figures.csv")
    ('industrial_parks_attributes', 'industrial_parks_geometry', 'figures')
    >>> table_of("positions.csv"), table_of("context.geojson"), table_of("city-figures.csv"), table_of("contacts.csv")
    ('positions', 'context', 'city_figures', 'contacts')
    """
    stem, _, suffix = file_name.rpartition(".")
    if file_name in TEXT_FILES or file_name == CONTEXT_FILE:
        return stem.replace("-", "_")
    return f"{stem.replace('-', '_')}_{'geometry' if suffix == 'geojson' else 'attributes'}"


def text_columns(file_name: str) -> tuple[str, ...]:
    return tuple(TEXT_FILES.get(file_name, REQUIRED_COLUMNS))
