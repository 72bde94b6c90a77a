"""The one place that turns errors into HTTP responses: JSON for the API and data URLs, HTML elsewhere."""

from __future__ import annotations

import logging
from functools import partial

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from geo.model.errors import InvalidQuery, StoreUnavailable, UnknownFeature, UnknownLayer
from webmap.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, gettext, negotiate

STATUS = {UnknownLayer: 404, UnknownFeature: 404, InvalidQuery: 400}
JSON_SUFFIXES = (".json", ".geojson", ".js")
UNAVAILABLE = N_("the map's database cannot be reached just now; try again in a few seconds")
INTERNAL_ERROR = N_("internal error")
SUMMARIES = {
    400: N_("The request is not valid."),
    404: N_("No such page or feature."),
    500: N_("Server error."),
}
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
    return _respond(500, error, message=gettext(INTERNAL_ERROR, _language()))


def _unavailable(error: StoreUnavailable):
    # Expected while the database restarts or is away: one line, no traceback; the client is told
    # when to come back, not which database failed or why.
    log.warning("503 on %s: %s", request.path, error)
    body, status, headers = _respond(503, error, message=gettext(UNAVAILABLE, _language()))
    return body, status, {**headers, "Retry-After": str(error.retry_after_s)}


def wants_json() -> bool:
    """Tell whether the failed request was for data (the API, a .json/.geojson URL) rather than a page."""
    return request.path == "/api" or request.path.startswith("/api/") or request.path.endswith(JSON_SUFFIXES)


def _language() -> str:
    """The language of an error: a page's (``?lang=``, else the browser's); the API's ``?lang=``, else English.

    API clients seldom state a language and the API's other messages are English; the pages' scripts
    give ``lang`` with every request they make.
    """
    if not wants_json():
        return negotiate()
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else SOURCE_LANGUAGE


def _respond(status: int, error: Exception, message: str | None = None):
    if message is None:
        message = error.description if isinstance(error, HTTPException) else str(error)
    headers = dict(error.get_headers()) if isinstance(error, HTTPException) else {}
    headers.pop("Content-Type", None)  # ours depends on the format chosen below
    if wants_json():
        return {"code": status, "description": message}, status, headers
    lang = _language()
    summary = gettext(SUMMARIES.get(status, SUMMARIES[500] if status >= 500 else SUMMARIES[400]), lang)
    if status == 404:
        message = request.path  # what was not found, rather than the store's words for it (English)
    page = render_template("error.html", status=status, message=message, summary=summary, lang=lang)
    return page, status, {**headers, "Content-Type": "text/html; charset=utf-8"}
