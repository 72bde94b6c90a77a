"""The map's search index in the OpenAPI document: ``GET /api/search-index``, whose body is the schema
generated from ``webmap.api.schemas.search``."""

from __future__ import annotations

from webmap.api import params
from webmap.api.openapi.generate import answer, cached_json, get, query, ref
from webmap.api.openapi.pages import TAG


def paths() -> dict:
    """Return the path item of the search index, keyed by its full path."""
    return {
        "/api/search-index": get(
            "getSearchIndex", TAG, "What the map's search box searches: every feature's names, aliases, tenants, "
            "commune (2025), old districts and former province, and the commune, ward and district centres",
            [query("f", "Response format", {"type": "string", "enum": list(params.SEARCH_INDEX_FORMATS),
                                            "default": "json"}),
             ref("parameters", "lang")],
            cached_json(answer("Features in the search's layer order, then the places",
                               json=ref("schemas", "SearchIndex"))),
        ),
    }  # fmt: skip
