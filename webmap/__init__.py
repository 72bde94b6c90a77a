"""The Flask shell around the geo core: map page, feature pages and API."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from geo import build_dataset
from geo.model.dataset import Dataset
from geo.stores.memory import FeatureStore, FileStore

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def default_data_dir() -> Path:
    """Return ``$HPMAP_DATA_DIR`` or the embedded data directory."""
    return Path(os.environ.get("HPMAP_DATA_DIR") or DEFAULT_DATA_DIR)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app: the only place that reads configuration and loads the data.

    Configuration comes from defaults, then the environment (``HPMAP_DATA_DIR``,
    ``HPMAP_DATABASE_URL``, ``HPMAP_OFFLINE``, ``HPMAP_PUBLIC_URL``, ``HPMAP_BASEMAP``,
    ``HPMAP_API_CACHE_BYTES``), then ``config``. With a ``DATABASE_URL`` the data come from PostgreSQL/PostGIS
    (loaded by ``hpmap db load``), otherwise from ``DATA_DIR``.
    A data error stops start-up, naming the file (or table); so does a database that cannot be
    reached, naming it without its password; so does a ``BASEMAP`` that is not a PMTiles archive of vector
    tiles (``webmap.basemap.BasemapError``).
    """
    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=str(default_data_dir()),
        DATABASE_URL=os.environ.get("HPMAP_DATABASE_URL") or None,
        OFFLINE=_env_flag("HPMAP_OFFLINE"),
        PUBLIC_URL=os.environ.get("HPMAP_PUBLIC_URL") or None,
        BASEMAP=os.environ.get("HPMAP_BASEMAP") or None,
        # Bytes of API feature answers each process keeps (webmap.server.answer_cache; None: its default; 0: none).
        API_CACHE_BYTES=int(os.environ["HPMAP_API_CACHE_BYTES"]) if os.environ.get("HPMAP_API_CACHE_BYTES") else None,
        MAX_CONTENT_LENGTH=256 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 86400  # static URLs carry a version (Flask's default is no-cache)
    app.config.update(config or {})
    app.config["OFFLINE"] = bool(app.config["OFFLINE"])
    from webmap import basemap
    from webmap.server import reload

    basemap.check(app)  # before the data: a wrong file is said at once
    version = reload.files_version(Path(app.config["DATA_DIR"])) if not app.config.get("DATABASE_URL") else None
    dataset, store = _open_data(app.config)
    if app.config.get("DATABASE_URL"):
        version = "postgis:" + store.data_version()
    app.extensions[reload.VERSION_EXTENSION] = version  # read before the data: a change meanwhile is seen
    app.extensions["hpmap.dataset"] = dataset  # pages, site finder, coverage, quality, collection metadata
    app.extensions["hpmap.store"] = store  # the API's items and item queries

    from webmap import api, background, city_view, errors, i18n, pages, templating
    from webmap.server import answer_cache, compression, security

    # a basemap of the app's own replaces the online tiles
    app.extensions["hpmap.maps"] = pages.render_maps(app.config["OFFLINE"] or basemap.configured(app) is not None)
    i18n.init_app(app)
    templating.register(app)
    app.register_blueprint(pages.bp)
    api.register(app)
    app.register_blueprint(city_view.bp)
    app.register_blueprint(background.bp)
    app.register_blueprint(basemap.bp)
    errors.register(app)
    security.register(app)
    compression.register(app)  # after the blueprints' own hooks (ETags, Cache-Control) have run
    kept = answer_cache.api_cache_budget(app.config) // answer_cache.RESPONSES_SHARE
    app.wsgi_app = app.extensions[answer_cache.API_RESPONSES] = answer_cache.KeptResponses(app, app.wsgi_app, kept)
    if app.config["PUBLIC_URL"]:
        app.wsgi_app = PublicUrl(app.wsgi_app, app.config["PUBLIC_URL"])
    return app


class PublicUrl:
    """Build every absolute link from the configured public URL, never from the request's ``Host`` header.

    A forged ``Host`` would otherwise go into the API's links, the OpenAPI server, next/prev and
    redirects, and a shared cache in front could hand that answer to everyone.
    """

    def __init__(self, wsgi_app, public_url: str):
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"HPMAP_PUBLIC_URL: expected http(s)://host[:port][/path], got '{public_url}'")
        self.wsgi_app = wsgi_app
        self.scheme, self.host, self.prefix = parts.scheme, parts.netloc, parts.path.rstrip("/")

    def __call__(self, environ, start_response):
        environ["wsgi.url_scheme"], environ["HTTP_HOST"] = self.scheme, self.host
        environ["SERVER_NAME"], _, port = self.host.partition(":")
        environ["SERVER_PORT"] = port or ("443" if self.scheme == "https" else "80")
        environ["SCRIPT_NAME"] = self.prefix
        environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.wsgi_app(environ, start_response)


def _open_data(config) -> tuple[Dataset, FeatureStore]:
    """Return the data set and the feature store: from the database when one is configured, else the files."""
    url = config.get("DATABASE_URL")
    if not url:
        dataset = build_dataset(config["DATA_DIR"])
        from webmap.map_config import map_selections

        return dataset, FileStore(dataset, map_selections(dataset))
    from geo import postgis  # psycopg is only needed with a database

    with postgis.connect(url) as conn:
        dataset = postgis.read_dataset(conn)
    return dataset, postgis.PostgisStore.open(url)
