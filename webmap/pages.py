"""HTML pages."""

from __future__ import annotations

from html import escape

from flask import Blueprint

from webmap.layers import dataset

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """A list of the layers (the interactive map comes with the web-map issue)."""
    items = "".join(
        f'<li><a href="/api/collections/{escape(name)}/items">{escape(layer.spec.title_vi)} / '
        f"{escape(layer.spec.title_en)}</a>: {len(layer.gdf)}</li>"
        for name, layer in dataset().layers.items()
    )
    return f"<!doctype html><meta charset=utf-8><title>Hải Phòng Industrial Map</title><ul>{items}</ul>"
