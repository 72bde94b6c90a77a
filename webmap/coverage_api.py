"""(placeholder) The coverage endpoints under /api."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("coverage_api", __name__)
