"""The OpenAPI description of ``GET /api/city``, merged into webmap/openapi.py's document."""

from __future__ import annotations

from geo.model.catalog import CITY_FIELDS

_STRING = {"type": "string"}
_SOURCE = {
    "type": "object",
    "required": ["id", "label", "publisher", "url", "published"],
    "properties": {
        "id": _STRING,
        "label": {**_STRING, "description": "The source's title (or publisher when untitled)"},
        "publisher": _STRING,
        "url": {**_STRING, "nullable": True},
        "published": _STRING,
    },
}
_FIGURE = {
    "type": "object",
    "required": [
        "field", "label_en", "label_vi", "value", "unit", "as_of", "sources", "shown", "verified", "note", "note_vi",
    ],  # fmt: skip
    "properties": {
        "field": {"type": "string", "enum": list(CITY_FIELDS)},
        "label_en": _STRING,
        "label_vi": _STRING,
        "value": {"type": "number"},
        "unit": _STRING,
        "as_of": {**_STRING, "description": "The date the figure describes: YYYY, YYYY-MM or YYYY-MM-DD"},
        "sources": {"type": "array", "items": _SOURCE, "minItems": 1},
        "shown": {"type": "boolean", "description": "The value shown for its field (exactly one per field)"},
        "verified": {"type": "boolean", "description": "false: rests on the fact sheet's attribution, not re-read"},
        "note": {**_STRING, "description": "The note in English"},
        "note_vi": {**_STRING, "description": "The note in Vietnamese; empty where nobody translated it"},
    },
}
_NUMBER_OR_NULL = {"type": "number", "nullable": True}
_REFERENCE = {
    "type": "object",
    "description": "The city's count and area of industrial parks (shown ip_count, ip_area_ha) beside this data set's",
    "properties": {
        "city_parks": _NUMBER_OR_NULL,
        "city_parks_as_of": {**_STRING, "nullable": True},
        "city_parks_sources": {"type": "array", "items": _STRING},
        "city_area_ha": _NUMBER_OR_NULL,
        "city_area_as_of": {**_STRING, "nullable": True},
        "city_area_sources": {"type": "array", "items": _STRING},
        "data_parks": {"type": "integer", "minimum": 0},
        "data_area_ha": {"type": "number", "minimum": 0},
        "data_parks_with_area": {"type": "integer", "minimum": 0},
    },
}
CITY_PATHS = {
    "/api/city": {
        "get": {
            "operationId": "getCityFigures",
            "tags": ["Planning"],
            "summary": "Figures about Hải Phòng as a whole, each dated and cited, and the data set's parks beside them",
            "parameters": [
                {"name": "f", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"},
                 "description": "csv: UTF-8 with a BOM, sources as 'title (publisher) url'"},
                {"$ref": "#/components/parameters/lang"},
            ],
            "responses": {
                "200": {
                    "description": "Every city figure, the shown value of each field first",
                    "content": {
                        "application/json": {"schema": {
                            "type": "object", "required": ["figures", "parks_reference"],
                            "properties": {"figures": {"type": "array", "items": _FIGURE},
                                           "parks_reference": _REFERENCE},
                        }},
                        "text/csv": {"schema": _STRING},
                    },
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        }
    }
}  # fmt: skip
