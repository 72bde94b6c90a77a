"""The OpenAPI 3.0 document of the whole app: the pages, the OGC API – Features and the analyses.

Self-contained: every ``$ref`` points inside the document.
"""

from __future__ import annotations

from geo.model.dataset import Dataset
from geo.pipeline.derive import economic_zones
from webmap.api.openapi import analyses, ogc, pages, search
from webmap.api.openapi.generate import MEDIA_TYPE, RESPONSES, component_schemas
from webmap.api.schemas import features, investors, planning
from webmap.api.schemas import search as search_bodies

OPENAPI_VERSION = "3.0.3"

__all__ = ["MEDIA_TYPE", "build_document"]


def build_document(data: Dataset, server_url: str) -> dict:
    """Return the OpenAPI document describing every endpoint, served from ``server_url``."""
    layers = list(data.layers.values())
    zone_ids = list(economic_zones(data.layer("economic-zones").gdf).index)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Hải Phòng Industrial Map",
            "version": "1.0.0",
            "description": "The map and feature pages, and an OGC API – Features (Part 1: Core, GeoJSON) "
            "of Hải Phòng's economic zones, industrial parks and clusters, seaports and airports.",
            "license": {"name": "MIT"},
        },
        "servers": [{"url": server_url}],
        "tags": [
            {"name": pages.TAG, "description": "HTML pages and the files they use"},
            {"name": ogc.TAG, "description": "Layers as OGC API – Features collections, in GeoJSON (CRS84)"},
            {"name": analyses.INVESTORS, "description": "Find a site for an investor; check a proposed one"},
            {"name": analyses.PLANNING, "description": "Reports for planners: coverage, data quality, the city"},
        ],
        "paths": {
            **pages.paths(),
            **ogc.paths(layers, api_url=f"{server_url}/api"),
            **analyses.paths(zone_ids),
            **search.paths(),
        },
        "components": {
            "schemas": component_schemas(
                *features.BODIES, *investors.BODIES, *planning.BODIES, *search_bodies.BODIES
            ),
            "parameters": ogc.parameters(layers),
            "responses": RESPONSES,
        },
    }
