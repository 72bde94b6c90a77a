"""``GET /api/search-index``: what the map's search box searches, fetched when the box is first used.

Kept out of the map page's first load (tests/test_browser_assets.py budgets it): names, aliases, tenants,
communes, old districts and former provinces of every feature, and the places, computed once per data
version and language (the former province is named in the reader's language).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from geo.analysis.search_index import search_index
from webmap import params
from webmap.coverage_api import reports
from webmap.i18n import t
from webmap.layers import dataset
from webmap.map_config import SEARCH_ORDER
from webmap.responses import public_and_cacheable
from webmap.server.answer_cache import data_version

bp = Blueprint("search_api", __name__)
PARAMETERS = ("f", "lang")

bp.after_request(public_and_cacheable)


@bp.get("/search-index")
def search_index_view():
    """Every feature's searchable texts and the places, for the map's search box."""
    params.check_format(request.args, PARAMETERS, ("json",))
    lang = request.args.get("lang", "en")
    text = reports().get_or_compute(("search-index", data_version(), lang), lambda: _index_text(lang))
    return Response(text, content_type="application/json")


def _index_text(lang: str) -> str:
    index = search_index(dataset(), SEARCH_ORDER)
    for feature in index["features"]:
        for match in feature["matches"]:
            if match[0] == "province":
                match[1] = t(f"province_{match[1]}", lang)
    return json.dumps(index, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
