"""HTML pages: the map, a page per feature (with JSON and GeoJSON variants), the map's script."""

from __future__ import annotations

import hashlib
from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from geo.analysis.city import parks_reference
from geo.model.catalog import KEY_INFRASTRUCTURE, LAYERS, STATUSES
from geo.model.features import feature_properties, to_geojson
from geo.model.text import fold
from webmap.compare_view import comparison, parse_ids
from webmap.coverage_api import coverage_report, quality_report, reports
from webmap.feature_view import feature_context, position_context
from webmap.i18n import (
    LANGUAGES,
    QUALITY_LABELS,
    STATUS_LABELS,
    catalog,
    field_label,
    labels,
    language,
    layer_title,
    text_properties,
)
from webmap.layers import dataset
from webmap.maps import BASEMAPS, OSM_ATTRIBUTION, MapParts, osm_layers, render_parts
from webmap.server.answer_cache import data_version

bp = Blueprint("pages", __name__)
SCRIPT_CACHE = "public, max-age=86400"
VIEWPORT_THRESHOLD = 2_000  # features; above it a layer is fetched by bounding box as the map moves
# What the map draws of each feature (hpmap.js: style, tooltip, quality badge, search); a popup
# fetches its feature whole when it opens. A layer is asked for those of them it has.
MAP_PROPERTIES = ("id", "name_vi", "name_en", "kind", "status", "geometry_quality", "centroid_lat", "centroid_lon",
                  "aliases")  # fmt: skip


def map_properties(layer) -> str:
    """Return the ``properties`` parameter of the map's requests for ``layer``'s items."""
    return ",".join(name for name in MAP_PROPERTIES if name in layer.property_names)


def map_selections(data) -> dict[str, tuple[str, ...]]:
    """Return, per layer, the properties the map asks for (``geo.stores.memory.FileStore`` encodes them at start)."""
    return {name: tuple(map_properties(layer).split(",")) for name, layer in data.layers.items()}


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
    with_osm = osm_layers(dataset())
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
                "url": f"/api/collections/{spec.name}/items?limit=1000&properties="
                + map_properties(dataset().layer(spec.name)),
                "item": f"/api/collections/{spec.name}/items/",  # + id: one feature with every property
                "groupVar": parts.layer_vars[spec.name],
                "count": len(dataset().layer(spec.name).gdf),
                # A large layer is loaded for the view only, and only from a zoom where that stays small.
                "viewport": len(dataset().layer(spec.name).gdf) > VIEWPORT_THRESHOLD,
                "clusters": f"/api/collections/{spec.name}/clusters",  # how a viewport layer shows when zoomed out
                "points": spec.geometry == "point",
                # The data changes under a running app (imports): which layers draw OSM outlines is read here.
                "attribution": OSM_ATTRIBUTION if spec.name in with_osm else "",
            }
            for spec in LAYERS
        ],
        "places": list(KEY_INFRASTRUCTURE),
        "labels": catalog(lang),
        # The data's text in the page's language: {"status_detail": "status_detail_vi", ...} for Vietnamese.
        "textProperties": text_properties(lang),
    }
    return render_template(
        "map.html", lang=lang, parts=parts, parts_version=version, config=config, **_site_finder_choices(lang)
    )


SITE_WEIGHTS = (  # (criterion, label, default weight): the defaults the API uses too
    ("free_land", "criterion_free_land", 0),
    ("lach_huyen", "place_lach_huyen", 2),
    ("nam_do_son", "place_nam_do_son", 0),
    ("cat_bi", "place_cat_bi", 1),
    ("tien_lang_airport", "place_tien_lang_airport", 0),
    ("city_centre", "place_city_centre", 1),
)


def _site_finder_choices(lang: str) -> dict:
    data = dataset()
    parks = data.layer("industrial-parks").gdf
    zones = data.layer("economic-zones").gdf
    zones = zones[zones["kind"] == "economic_zone"]
    return {
        "statuses": STATUSES,
        "status_labels": labels(STATUS_LABELS, lang),
        "places": list(KEY_INFRASTRUCTURE),
        "sectors": sector_choices(parks, lang),
        "zones": [(zone_id, row["name_vi"] if lang == "vi" else row["name_en"]) for zone_id, row in zones.iterrows()],
        "weights": SITE_WEIGHTS,
    }


def sector_choices(parks, lang: str) -> list[tuple[str, str]]:
    """Return the parks' sectors as (value the site finder filters on, its word in ``lang``), by that word.

    The value is the English word (``sectors``); Vietnamese reads the word ``sectors_vi`` pairs with it.
    """
    words: dict[str, str] = {}
    for english, translated in zip(parks["sectors"], parks["sectors_vi"], strict=True):
        paired = translated if lang == "vi" and len(translated) == len(english) else english
        for sector, word in zip(english, paired, strict=True):
            words.setdefault(sector, word)
    return sorted(words.items(), key=lambda item: (fold(item[1]), item[1]))


def zone_names(lang: str) -> dict[str, str]:
    """Every economic zone's (and free-trade-zone site's) id with its name in ``lang``."""
    zones = dataset().layer("economic-zones").gdf
    return {zone_id: row["name_vi"] if lang == "vi" else row["name_en"] for zone_id, row in zones.iterrows()}


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
    context = feature_context(row, lang, zone_names(lang))
    context["position"] = position_context(row, dataset().positions, dataset().sources, lang)
    online = not current_app.config["OFFLINE"]
    context["map_config"] = {
        "featureUrl": f"/api/collections/{layer.spec.name}/items/{quote(feature_id)}",
        "contextUrl": f"/api/collections/{layer.spec.name}/items?limit=1000&properties=id",  # outlines only
        "tiles": {"url": BASEMAPS[0][1], "attribution": BASEMAPS[0][2]} if online else None,
    }
    context["map_url"] = url_for("pages.map_page", lang=lang, f=feature_id)
    context["permalink"] = url_for("pages.feature_page", feature_id=feature_id, lang=lang, _external=True)
    context["json_url"] = url_for("pages.feature_json", feature_id=feature_id)
    context["geojson_url"] = url_for("pages.feature_geojson", feature_id=feature_id)
    return render_template("feature.html", lang=lang, **context)


@bp.get("/compare")
def compare_page():
    """Two to four parks side by side: every attribute, distances, sources, a small map."""
    lang = language()
    ids = parse_ids(request.args.get("ids"), lang)
    found = [dataset().find_feature(feature_id) for feature_id in ids]
    context = comparison([row for _, row in found], lang, zone_names(lang))
    online = not current_app.config["OFFLINE"]
    context["map_config"] = {
        "featureUrls": [f"/api/collections/{layer.spec.name}/items/{quote(row.name)}" for layer, row in found],
        "contextUrl": f"/api/collections/{found[0][0].spec.name}/items?limit=1000&properties=id",
        "tiles": {"url": BASEMAPS[0][1], "attribution": BASEMAPS[0][2]} if online else None,
    }
    return render_template("compare.html", lang=lang, **context)


STATUS_COLOURS = {"operating": "#1e7b34", "under_construction": "#e8a33d", "planned": "#6c8fd1", "proposed": "#b8bec6"}


@bp.get("/coverage")
def coverage_page():
    """The planners' page: coverage of each zone by status, occupancy, overlaps, gaps and data quality."""
    lang = language()
    key = ("coverage.html", data_version(), lang, date.today())
    return reports().get_or_compute(key, lambda: _render_coverage_page(lang))


def _render_coverage_page(lang: str) -> str:
    parks = dataset().layer("industrial-parks").gdf
    names = {fid: row["name_vi"] if lang == "vi" else row["name_en"] for fid, row in parks.iterrows()}
    occupancy = [
        {"id": fid, "name": names[fid], "occupancy_pct": row["occupancy_pct"], "as_of": row["occupancy_pct_as_of"]}
        for fid, row in parks[parks["occupancy_pct"].notna()].sort_values("occupancy_pct", ascending=False).iterrows()
    ]
    return render_template(
        "coverage.html",
        lang=lang,
        coverage=coverage_report(),
        quality=quality_report(date.today()),
        statuses=STATUSES,
        status_labels=labels(STATUS_LABELS, lang),
        status_colours=STATUS_COLOURS,
        quality_labels=labels(QUALITY_LABELS, lang),
        occupancy=occupancy,
        names=names,
        field_label=lambda field: field_label(field, lang),
        reference=parks_reference(dataset()),
    )


@bp.get("/features/<feature_id>.json")
def feature_json(feature_id: str):
    """One feature's properties as JSON, with its layer."""
    layer, row = dataset().find_feature(feature_id)
    properties = feature_properties(row, list(layer.property_names))
    return {"id": feature_id, "layer": layer.spec.name, "properties": properties}


@bp.get("/features/<feature_id>.geojson")
def feature_geojson(feature_id: str):
    """One feature as a GeoJSON Feature."""
    layer, _ = dataset().find_feature(feature_id)
    feature = to_geojson(layer.gdf.loc[[feature_id]])["features"][0]
    return feature, 200, {"Content-Type": "application/geo+json"}
