"""The Flask shell around the geo core: map page, feature pages and API."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from geo import build_dataset

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app: the only place that reads configuration and loads the data.

    Configuration comes from defaults, then the environment (``HPMAP_DATA_DIR``,
    ``HPMAP_OFFLINE``), then ``config``. A data error stops start-up, naming the file.
    """
    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=os.environ.get("HPMAP_DATA_DIR") or str(DEFAULT_DATA_DIR),
        OFFLINE=_env_flag("HPMAP_OFFLINE"),
        MAX_CONTENT_LENGTH=256 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config or {})
    app.config["OFFLINE"] = bool(app.config["OFFLINE"])
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", 86400)  # static URLs carry a version
    app.extensions["hpmap.dataset"] = build_dataset(app.config["DATA_DIR"])

    from webmap import api, coverage_api, errors, pages, security, sites_api, templating

    app.extensions["hpmap.maps"] = pages.render_maps(app.config["OFFLINE"])
    templating.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(sites_api.bp, url_prefix="/api")
    app.register_blueprint(coverage_api.bp, url_prefix="/api")
    errors.register(app)
    security.register(app)
    return app
