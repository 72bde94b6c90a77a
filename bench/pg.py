"""A throwaway PostgreSQL + PostGIS cluster (the tests' own, ``tests/postgis.py``) loaded with ``hpmap db load``.

pygeoapi's PostgreSQL provider wants one table with an id column, a geometry column and a column per
property; the app keeps all layers in ``hpmap.features`` with the properties as JSON. A view over that
same table (same rows, same GiST index) gives pygeoapi what it wants.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from tests.postgis import Cluster, throwaway_cluster

PYGEOAPI_SCHEMA = "pygeoapi"


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server with PostGIS on this machine, or no user to run it as."""


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    """Start a private cluster in a temporary directory; stop and remove it on the way out."""
    with throwaway_cluster("hpmap-bench-pg-", unavailable=_unavailable) as cluster:
        yield cluster


def _unavailable(reason: str) -> None:
    raise ClusterUnavailable(reason)


def postmaster_pid(cluster: Cluster) -> int:
    """Return the process id of the cluster's server (its backends are its children)."""
    return int((cluster.data_dir / "postmaster.pid").read_text().split()[0])


def load(cluster: Cluster, data_dir: Path, hpmap: Path, timeout_s: float) -> str:
    """Create a database, load ``data_dir`` into it with ``hpmap db load`` and return its URL."""
    url = cluster.create_database()
    command = [str(hpmap), "db", "load", str(data_dir), "--database-url", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"hpmap db load {data_dir} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return url


def create_parks_view(url: str, collection: str, view: str = "parks") -> None:
    """Create ``pygeoapi.<view>``: ``collection``'s rows of ``hpmap.features``, one column per property."""
    with psycopg.connect(url, autocommit=True) as conn:
        kinds = conn.execute("SELECT property_kinds FROM hpmap.collections WHERE name = %s", (collection,)).fetchone()
        if kinds is None:
            raise RuntimeError(f"no collection {collection!r} in hpmap.collections")
        columns = [_column(name, kind) for name, kind in kinds[0].items() if name != "id"]
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(PYGEOAPI_SCHEMA)))
        statement = sql.SQL(
            "CREATE OR REPLACE VIEW {} AS SELECT id, geom, {} FROM hpmap.features WHERE collection = {}"
        ).format(sql.Identifier(PYGEOAPI_SCHEMA, view), sql.SQL(", ").join(columns), sql.Literal(collection))
        conn.execute(statement)


def _column(name: str, kind: str) -> sql.Composed:
    # Numbers as float8; everything else as jsonb, so that a list stays a list in pygeoapi's GeoJSON.
    template = "(properties ->> {key})::float8 AS {name}" if kind == "number" else "properties -> {key} AS {name}"
    return sql.SQL(template).format(key=sql.Literal(name), name=sql.Identifier(name))


def write_geojson(url: str, collection: str, target: Path) -> Path:
    """Write ``collection`` as a GeoJSON FeatureCollection, exactly the features the app's PostGIS store serves."""
    query = (
        "SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object("
        "'type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom, 15)::json, 'properties', properties_json) "
        "ORDER BY ord), '[]'::json))::text FROM hpmap.features WHERE collection = %s"
    )
    with psycopg.connect(url) as conn:
        text = conn.execute(query, (collection,)).fetchone()[0]
    target.write_text(text, encoding="utf-8")
    return target


def connection_parameters(url: str) -> dict:
    """Return host, port, dbname, user and password of a ``postgresql://`` URL, as pygeoapi's config wants them."""
    parts = urlsplit(url)
    return {
        "host": parts.hostname,
        "port": parts.port or 5432,
        "dbname": parts.path.lstrip("/"),
        "user": parts.username,
        "password": parts.password,
        "search_path": [PYGEOAPI_SCHEMA],
    }


def feature_count(url: str, collection: str) -> int:
    """Return how many features of ``collection`` the database holds."""
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM hpmap.features WHERE collection = %s", (collection,)).fetchone()[0]
