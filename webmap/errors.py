"""The one place that turns errors into HTTP responses: JSON under /api/, HTML elsewhere."""

from __future__ import annotations

import logging
from functools import partial
from html import escape

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from geo.errors import InvalidQuery, UnknownFeature, UnknownLayer

STATUS = {UnknownLayer: 404, UnknownFeature: 404, InvalidQuery: 400}
log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Install the handlers on ``app``, routing errors included."""
    for exc_type, status in STATUS.items():
        app.register_error_handler(exc_type, partial(_respond, status))
    app.register_error_handler(HTTPException, lambda e: _respond(e.code or 500, e))
    app.register_error_handler(Exception, _server_error)


def _server_error(error: Exception):
    log.error("unhandled error on %s", request.path, exc_info=error)
    return _respond(500, error, message="internal error")


def _respond(status: int, error: Exception, message: str | None = None):
    if message is None:
        message = error.description if isinstance(error, HTTPException) else str(error)
    if request.path.startswith("/api"):
        return {"code": status, "description": message}, status
    body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(str(message))}</p>"
    return body, status, {"Content-Type": "text/html; charset=utf-8"}
