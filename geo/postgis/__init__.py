"""PostGIS as the engine for larger deployments. Needs psycopg: only a database deployment imports this.

The modules follow the data: ``connection`` (connecting, naming the tables), ``schema`` (creating them),
``load`` (writing a data set in), ``source`` (reading it back as the pipeline's data source),
``statements`` (the items and clusters SQL), ``store`` (serving through a pool, with deadlines and
outages) and ``maintenance`` (imports and reverts against the database). The names below are what the
rest of the application uses.
"""

from geo.postgis.connection import (
    CHANGES_TABLE,
    SCHEMA,
    VERSION_TABLE,
    DatabaseUnavailable,
    connect,
    redact,
    table_of,
)
from geo.postgis.load import load_snapshot, publish, replace_rows, write_features, write_table
from geo.postgis.schema import create_change_log, init_schema
from geo.postgis.source import PgSource, read_dataset, read_snapshot
from geo.postgis.statements import clusters_statement, items_statement
from geo.postgis.store import POOL_TIMEOUT_S, QUERY_DEADLINE_S, PostgisStore

__all__ = [
    "CHANGES_TABLE", "POOL_TIMEOUT_S", "QUERY_DEADLINE_S", "SCHEMA", "VERSION_TABLE", "DatabaseUnavailable",
    "PgSource", "PostgisStore", "clusters_statement", "connect", "create_change_log", "init_schema",
    "items_statement", "load_snapshot", "publish", "read_dataset", "read_snapshot", "redact", "replace_rows",
    "table_of", "write_features", "write_table",
]  # fmt: skip
