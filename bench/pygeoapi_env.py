"""pygeoapi for comparison, in the benchmark's own virtual environment, with a configuration per data source.

pygeoapi reads its configuration (YAML) from ``$PYGEOAPI_CONFIG`` and an OpenAPI document, generated
from it by ``pygeoapi openapi generate``, from ``$PYGEOAPI_OPENAPI``; its WSGI app is
``pygeoapi.flask_app:APP``, served here by gunicorn. YAML is a superset of JSON: the configuration is
written as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".venv-pygeoapi"
# Pinned for comparable runs; psycopg2 and GeoAlchemy2 are what pygeoapi's PostgreSQL provider imports.
REQUIREMENTS = ("pygeoapi==0.21.0", "gunicorn==27.0.1", "psycopg2-binary==2.9.13", "GeoAlchemy2==0.20.0")
STAMP = VENV / ".installed"
INSTALL_TIMEOUT_S = 900
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def ensure_venv(venv: Path = VENV) -> Path:
    """Create ``venv`` and install pygeoapi, gunicorn and the PostgreSQL provider's drivers, unless done already."""
    stamp = venv / ".installed"
    wanted = "\n".join(REQUIREMENTS)
    if stamp.exists() and stamp.read_text() == wanted and (venv / "bin" / "gunicorn").exists():
        return venv
    python = shutil.which("python3") or sys.executable
    _run([python, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "--upgrade", "pip"])
    _run([*pip, *REQUIREMENTS])
    stamp.write_text(wanted)
    return venv


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… failed ({done.returncode}):\n{done.stderr[-3000:]}")


def geojson_provider(path: Path) -> dict:
    """Return pygeoapi's GeoJSON provider on the FeatureCollection at ``path`` (ids in ``properties.id``)."""
    return {"type": "feature", "name": "GeoJSON", "data": str(path), "id_field": "id"}


def postgresql_provider(connection: dict, table: str) -> dict:
    """Return pygeoapi's PostgreSQL provider on ``table`` (found through ``connection['search_path']``)."""
    return {
        "type": "feature",
        "name": "PostgreSQL",
        "data": connection,
        "id_field": "id",
        "table": table,
        "geom_field": "geom",
    }


def write_config(
    directory: Path, collection: str, provider: dict, bbox: tuple[float, ...], venv: Path = VENV
) -> tuple[Path, Path]:
    """Write pygeoapi's configuration serving ``collection`` from ``provider``, and its OpenAPI document.

    Returns the two paths, for ``$PYGEOAPI_CONFIG`` and ``$PYGEOAPI_OPENAPI``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    config, openapi = directory / "pygeoapi-config.yml", directory / "pygeoapi-openapi.yml"
    config.write_text(json.dumps(_config(collection, provider, bbox), indent=1), encoding="utf-8")
    env = dict(os.environ, PYGEOAPI_CONFIG=str(config))
    command = [str(venv / "bin" / "pygeoapi"), "openapi", "generate", str(config), "--output-file", str(openapi)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pygeoapi openapi generate failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return config, openapi


def _config(collection: str, provider: dict, bbox: tuple[float, ...]) -> dict:
    # The URL is only used to build links in responses; the server binds where gunicorn says.
    server = {
        "bind": {"host": "127.0.0.1", "port": 5000},
        "url": "http://127.0.0.1:5000",
        "mimetype": "application/json; charset=UTF-8",
        "encoding": "utf-8",
        "language": "en-US",
        "cors": False,
        "pretty_print": False,
        "gzip": False,  # as the app: compact JSON, no compression
        "limits": {"default_items": 100, "max_items": 1000},
        "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OpenStreetMap"},
    }
    metadata = {
        "identification": {
            "title": "hpmap benchmark",
            "description": "pygeoapi on the app's data",
            "keywords": ["benchmark"],
            "keywords_type": "theme",
            "terms_of_service": "none",
            "url": "http://127.0.0.1",
        },
        "license": {"name": "MIT", "url": "https://opensource.org/licenses/MIT"},
        "provider": {"name": "hpmap", "url": "http://127.0.0.1"},
        "contact": {"name": "hpmap", "email": "bench@example.org", "url": "http://127.0.0.1"},
    }
    resource = {
        "type": "collection",
        "title": collection,
        "description": f"{collection} (benchmark)",
        "keywords": [],
        "links": [],
        "extents": {"spatial": {"bbox": list(bbox), "crs": CRS84}},
        "providers": [provider],
    }
    return {"server": server, "logging": {"level": "ERROR"}, "metadata": metadata, "resources": {collection: resource}}
