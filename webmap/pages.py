"""HTML pages: the map, a page per feature (with JSON and GeoJSON variants), the map's script."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from geo.catalog import KEY_INFRASTRUCTURE, LAYERS
from geo.export import feature_properties, property_columns, to_geojson
from webmap.feature_view import feature_context
from webmap.i18n import LANGUAGES, catalog, language, layer_title
from webmap.layers import dataset
from webmap.maps import BASEMAPS, MapParts, render_parts

bp = Blueprint("pages", __name__)
SCRIPT_CACHE = "public, max-age=86400"


def render_maps(offline: bool) -> dict[str, tuple[MapParts, str]]:
    """Render the map once per language at start-up: (parts, version of its script)."""
    rendered = {}
    for lang in LANGUAGES:
        parts = render_parts(lang, offline)
        rendered[lang] = (parts, hashlib.sha1(parts.script.encode()).hexdigest()[:10])
    return rendered


def _map_parts(lang: str) -> tuple[MapParts, str]:
    return current_app.extensions["hpmap.maps"][lang]


@bp.get("/")
def map_page():
    """The map of every layer."""
    lang = language()
    parts, version = _map_parts(lang)
    config = {
        "lang": lang,
        "offline": current_app.config["OFFLINE"],
        "mapVar": parts.map_var,
        "minimapVar": parts.minimap_var,
        "featurePage": "/features/",
        "layers": [
            {
                "id": spec.name,
                "title": layer_title(spec.name, lang),
                "url": f"/api/collections/{spec.name}/items?limit=1000",
                "groupVar": parts.layer_vars[spec.name],
            }
            for spec in LAYERS
        ],
        "places": list(KEY_INFRASTRUCTURE),
        "labels": catalog(lang),
    }
    return render_template("map.html", lang=lang, parts=parts, parts_version=version, config=config)


@bp.get("/map/setup-<lang>.js")
def map_script(lang: str):
    """The script Folium generated for the map in ``lang`` (served, not inlined, for the CSP)."""
    if lang not in LANGUAGES:
        abort(404, description=f"no map script for language '{lang}'")
    parts, version = _map_parts(lang)
    response = Response(parts.script, mimetype="text/javascript")
    response.headers["Cache-Control"] = SCRIPT_CACHE
    response.set_etag(version)
    return response.make_conditional(request)


@bp.get("/features/<feature_id>")
def feature_page(feature_id: str):
    """Everything about one feature: figures with sources and dates, a small map, distances."""
    lang = language()
    layer, row = dataset().find_feature(feature_id)
    context = feature_context(row, lang)
    online = not current_app.config["OFFLINE"]
    context["map_config"] = {
        "featureUrl": f"/api/collections/{layer.spec.name}/items/{quote(feature_id)}",
        "contextUrl": f"/api/collections/{layer.spec.name}/items?limit=1000",
        "tiles": {"url": BASEMAPS[0][1], "attribution": BASEMAPS[0][2]} if online else None,
    }
    context["map_url"] = url_for("pages.map_page", lang=lang, f=feature_id)
    context["permalink"] = url_for("pages.feature_page", feature_id=feature_id, lang=lang, _external=True)
    context["json_url"] = url_for("pages.feature_json", feature_id=feature_id)
    context["geojson_url"] = url_for("pages.feature_geojson", feature_id=feature_id)
    return render_template("feature.html", lang=lang, **context)


@bp.get("/features/<feature_id>.json")
def feature_json(feature_id: str):
    """One feature's properties as JSON, with its layer."""
    layer, row = dataset().find_feature(feature_id)
    properties = feature_properties(row, property_columns(layer.gdf))
    return {"id": feature_id, "layer": layer.spec.name, "properties": properties}


@bp.get("/features/<feature_id>.geojson")
def feature_geojson(feature_id: str):
    """One feature as a GeoJSON Feature."""
    layer, _ = dataset().find_feature(feature_id)
    feature = to_geojson(layer.gdf.loc[[feature_id]])["features"][0]
    return feature, 200, {"Content-Type": "application/geo+json"}
