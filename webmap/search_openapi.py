"""The OpenAPI description of ``GET /api/search-index``, merged into webmap/openapi.py's document."""

from __future__ import annotations

from geo.analysis.search_index import MATCH_KINDS

_STRING = {"type": "string"}
_MATCH = {
    "type": "array",
    "minItems": 2,
    "maxItems": 2,
    "items": _STRING,
    "description": f"[kind, text]: kind one of {', '.join(MATCH_KINDS)}; a former province by its name in lang",
}
_FEATURE = {
    "type": "object",
    "required": ["id", "layer", "name_vi", "name_en", "status", "matches"],
    "properties": {
        "id": _STRING,
        "layer": {**_STRING, "description": "the collection id"},
        "name_vi": _STRING,
        "name_en": _STRING,
        "status": _STRING,
        "matches": {"type": "array", "items": _MATCH},
    },
}
_PLACE = {
    "type": "object",
    "required": ["id", "name_vi", "name_en", "lon", "lat"],
    "properties": {
        "id": _STRING,
        "name_vi": _STRING,
        "name_en": _STRING,
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
    },
}
SEARCH_PATHS = {
    "/api/search-index": {
        "get": {
            "operationId": "getSearchIndex",
            "tags": ["Pages"],
            "summary": "What the map's search box searches: every feature's names, aliases, tenants, commune "
            "(2025), old districts and former province, and the commune, ward and district centres",
            "parameters": [
                {
                    "name": "f",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["json"], "default": "json"},
                },
                {"$ref": "#/components/parameters/lang"},
            ],  # fmt: skip
            "responses": {
                "200": {
                    "description": "Features in the search's layer order, then the places",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["features", "places"],
                                "properties": {
                                    "features": {"type": "array", "items": _FEATURE},
                                    "places": {"type": "array", "items": _PLACE},
                                },
                            }
                        },
                    },  # fmt: skip
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        }
    }
}
