"""The JSON / GeoJSON API."""

from __future__ import annotations

from flask import Blueprint

from geo.export import to_geojson
from webmap.layers import dataset

bp = Blueprint("api", __name__)


@bp.get("/collections")
def collections():
    """List the layers."""
    return {
        "collections": [
            {"id": name, "title": layer.spec.title_en, "features": len(layer.gdf)}
            for name, layer in dataset().layers.items()
        ]
    }


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    """One layer's features as GeoJSON."""
    body = to_geojson(dataset().layer(collection_id).gdf)
    return body, 200, {"Content-Type": "application/geo+json"}
