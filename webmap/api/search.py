"""``GET /api/search-index``: what the map's search box searches, fetched when the box is first used.

Kept out of the map page's first load (tests/test_browser_assets.py budgets it): names, aliases, tenants,
communes, old districts and former provinces of every feature, and the places, computed once per data
version and language (the former province is named in the reader's language).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from geo.analysis.search_index import search_index
from geo.model.features import compact_json
from webmap.api import params
from webmap.api.planning import reports
from webmap.api.responses import JSON, public_and_cacheable
from webmap.api.schemas.search import SearchIndex
from webmap.i18n import t
from webmap.layers import dataset
from webmap.map_config import SEARCH_ORDER
from webmap.server.answer_cache import data_version

bp = Blueprint("search_api", __name__)
bp.after_request(public_and_cacheable)  # tagged by the body: the same index gives the same tag


@bp.get("/search-index")
def search_index_view():
    """Every feature's searchable texts and the places, for the map's search box."""
    params.check_format(request.args, params.COMMON_PARAMETERS, params.SEARCH_INDEX_FORMATS)
    lang = request.args.get("lang", "en")
    text = reports().get_or_compute(("search-index", data_version(), lang), lambda: compact_json(index_body(lang)))
    return Response(text, content_type=JSON)


def index_body(lang: str) -> SearchIndex:
    """Return the search index with each former province named in ``lang``."""
    index = search_index(dataset(), SEARCH_ORDER)
    for feature in index["features"]:
        for match in feature["matches"]:
            if match[0] == "province":
                match[1] = t(f"province_{match[1]}", lang)
    return index
