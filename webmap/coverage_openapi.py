"""(placeholder) The OpenAPI description of the coverage endpoints, merged into webmap/openapi.py."""

from __future__ import annotations

SCHEMAS: dict = {}


def paths() -> dict:
    """Return the OpenAPI path items of the coverage endpoints, keyed by their full path (/api/...)."""
    return {}
