"""Reading the source tables back as the pipeline's ``DataSource``, in one consistent snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import psycopg
from psycopg import sql

import geopandas as gpd
import shapely

from geo.model.catalog import LAYERS, LayerSpec
from geo.model.dataset import Dataset
from geo.model.errors import Issue
from geo.model.files import (
    CITY_FIGURES_FILE,
    CONTACTS_FILE,
    CONTEXT_FILE,
    POSITIONS_FILE,
    geometry_columns,
)
from geo.pipeline.build import build_dataset
from geo.pipeline.read import SourceSnapshot, checked_table, geometry_frame
from geo.postgis.connection import SCHEMA, table_identifier, table_of, text_columns


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

    def read_contacts(self) -> tuple[pd.DataFrame, list[Issue]]:
        """Read ``contacts``."""
        return self.read_file(CONTACTS_FILE)

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
                else pd.DataFrame(columns=text_columns(file_name), dtype="string")
            )
            return empty, [Issue("error", self.locate(file_name), None, None, "no such table: run `hpmap db load`")]
        if geometry:
            return self._geometry(table, geometry_columns(file_name)), []
        cursor = self.conn.execute(sql.SQL("SELECT * FROM {} ORDER BY ord").format(table_identifier(table)))
        names = [column.name for column in cursor.description]
        frame = pd.DataFrame([row[1:] for row in cursor.fetchall()], columns=names[1:], dtype=str)
        return checked_table(frame, self.locate(file_name), text_columns(file_name))

    def _geometry(self, table: str, columns: list[str]) -> gpd.GeoDataFrame:
        statement = sql.SQL("SELECT {}, ST_AsBinary(geom) FROM {} ORDER BY ord").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), table_identifier(table)
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
