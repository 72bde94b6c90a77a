"""(placeholder) The sites endpoints under /api."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sites_api", __name__)
