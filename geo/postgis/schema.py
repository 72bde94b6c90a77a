"""Creating the ``hpmap`` schema: PostGIS, the source tables, the serving tables and their indexes."""

from __future__ import annotations

from collections.abc import Iterable

import psycopg
from psycopg import sql

from geo.model.catalog import LAYERS, REQUIRED_COLUMNS, LayerSpec
from geo.model.files import (
    CHANGE_COLUMNS,
    CONTEXT_COLUMNS,
    CONTEXT_FILE,
)
from geo.postgis.connection import CHANGES_TABLE, SCHEMA, SRID, TEXT_FILES, table_identifier, table_of, text_columns


def init_schema(conn: psycopg.Connection, specs: tuple[LayerSpec, ...] = LAYERS) -> None:
    """Create PostGIS and btree_gist where missing, the ``hpmap`` schema and every table and index; keep what exists."""
    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    conn.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")  # a text column beside a geometry in one GiST index
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
    for spec in specs:
        _create_geometry_table(conn, table_of(spec.geometry_file))
        create_text_table(conn, table_of(spec.attributes_file), REQUIRED_COLUMNS)
    # positions, context, city figures and contacts came after the first release: an older database gets them here.
    for file_name in TEXT_FILES:
        create_text_table(conn, table_of(file_name), text_columns(file_name))
    _create_context_table(conn)
    create_change_log(conn)
    features = table_identifier("features")
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
    # Added later too: the whole feature as GeoJSON text, encoded as the files store encodes it
    # (geo.model.features.feature_texts), so that a page of features as stored is read, not built per request.
    conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS feature_text text").format(features))
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
        ).format(table_identifier("collections"))
    )
    add_names = sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS property_names text[]")
    conn.execute(add_names.format(table_identifier("collections")))


def create_change_log(conn: psycopg.Connection) -> None:
    """Create ``hpmap.changes`` where missing: the log of ``hpmap import`` and ``revert``, ``changes.csv``'s columns."""
    create_text_table(conn, CHANGES_TABLE, CHANGE_COLUMNS)


def _create_geometry_table(conn: psycopg.Connection, table: str) -> None:
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (id text PRIMARY KEY, ord integer NOT NULL UNIQUE, "
            "geometry_quality text NOT NULL, geometry_note text NOT NULL, geometry_sources text NOT NULL, "
            "geom geometry(Geometry, {srid}))"
        ).format(table_identifier(table), srid=sql.Literal(SRID))
    )
    # Added after the first release: databases made before them get the columns here.
    for column in ("position_uncertainty_m", "geometry_note_vi"):
        _add_text_column(conn, table, column)
    index = sql.Identifier(f"{table}_geom_idx")
    gist = sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING gist (geom)")
    conn.execute(gist.format(index, table_identifier(table)))


def _create_context_table(conn: psycopg.Connection) -> None:
    # Keyed by row order: a context feature's id is only a label, and the table keeps whatever the file holds.
    table = table_of(CONTEXT_FILE)
    definitions = [sql.SQL("{} text").format(sql.Identifier("id"))]
    definitions += [sql.SQL("{} text NOT NULL").format(sql.Identifier(column)) for column in CONTEXT_COLUMNS[1:]]
    conn.execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (ord integer PRIMARY KEY, {}, geom geometry(Geometry, {srid}))").format(
            table_identifier(table), sql.SQL(", ").join(definitions), srid=sql.Literal(SRID)
        )
    )
    _add_text_column(conn, table, "note_vi")  # added after the table: databases made before get it here
    index = sql.Identifier(f"{table}_geom_idx")
    gist = sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING gist (geom)")
    conn.execute(gist.format(index, table_identifier(table)))


def _add_text_column(conn: psycopg.Connection, table: str, column: str) -> None:
    statement = sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} text NOT NULL DEFAULT ''")
    conn.execute(statement.format(table_identifier(table), sql.Identifier(column)))


def create_text_table(conn: psycopg.Connection, table: str, columns: Iterable[str]) -> None:
    definitions = [sql.SQL("{} text NOT NULL").format(sql.Identifier(column)) for column in columns]
    conn.execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (ord integer PRIMARY KEY, {})").format(
            table_identifier(table), sql.SQL(", ").join(definitions)
        )
    )
