"""The one place that turns errors into HTTP responses: JSON for the API and data URLs, HTML elsewhere."""

from __future__ import annotations

import logging
from functools import partial

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from geo.model.errors import InvalidQuery, StoreUnavailable, UnknownFeature, UnknownLayer
from webmap.i18n import LANGUAGES, preferred_language, t

STATUS = {UnknownLayer: 404, UnknownFeature: 404, InvalidQuery: 400}
JSON_SUFFIXES = (".json", ".geojson", ".js")
UNAVAILABLE = "the map's database cannot be reached just now; try again in a few seconds"
log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Install the handlers on ``app``, routing errors included."""
    for exc_type, status in STATUS.items():
        app.register_error_handler(exc_type, partial(_respond, status))
    app.register_error_handler(HTTPException, lambda e: _respond(e.code or 500, e))
    app.register_error_handler(StoreUnavailable, _unavailable)
    app.register_error_handler(Exception, _server_error)


def _server_error(error: Exception):
    log.error("unhandled error on %s", request.path, exc_info=error)
    return _respond(500, error, message="internal error")


def _unavailable(error: StoreUnavailable):
    # Expected while the database restarts or is away: one line, no traceback; the client is told
    # when to come back, not which database failed or why.
    log.warning("503 on %s: %s", request.path, error)
    body, status, headers = _respond(503, error, message=UNAVAILABLE)
    return body, status, {**headers, "Retry-After": str(error.retry_after_s)}


def wants_json() -> bool:
    """Tell whether the failed request was for data (the API, a .json/.geojson URL) rather than a page."""
    return request.path == "/api" or request.path.startswith("/api/") or request.path.endswith(JSON_SUFFIXES)


def _respond(status: int, error: Exception, message: str | None = None):
    if message is None:
        message = error.description if isinstance(error, HTTPException) else str(error)
    headers = dict(error.get_headers()) if isinstance(error, HTTPException) else {}
    headers.pop("Content-Type", None)  # ours depends on the format chosen below
    if wants_json():
        return {"code": status, "description": message}, status, headers
    asked = request.args.get("lang")
    lang = asked if asked in LANGUAGES else preferred_language()
    summary_key = {404: "error_404", 400: "error_400"}.get(status, "error_500" if status >= 500 else "error_400")
    page = render_template("error.html", status=status, message=message, summary=t(summary_key, lang), lang=lang)
    return page, status, {**headers, "Content-Type": "text/html; charset=utf-8"}
