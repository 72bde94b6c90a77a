"""The map page's config: what its script needs to know, each fact taken from where it lives.

The page carries it as JSON (``<script type="application/json" id="hpmap-config">``); the script
(webmap/static/js/map/page.js) repeats none of it: statuses, places and criteria come from ``geo``, page
sizes and zooms from the API's limits, words from ``webmap.i18n``, colours from the stylesheet.
"""

from __future__ import annotations

import json
from functools import cache

from flask import current_app

from geo.analysis.sites import CRITERIA, FREE_LAND
from geo.model.catalog import KEY_INFRASTRUCTURE, LAYERS, STATUSES
from geo.stores.query import MAX_ZOOM
from webmap.api.params import MAX_LIMIT
from webmap.background import background_url
from webmap.basemap import configured as configured_basemap
from webmap.i18n import LOCALES, catalog, layer_title, t
from webmap.layers import dataset
from webmap.maps import OSM_ATTRIBUTION, MapParts, osm_layers
from webmap.templating import STATIC_DIR, asset

VIEWPORT_THRESHOLD = 2_000  # features; above it a layer is fetched by bounding box as the map moves
VIEWPORT = {
    "zoom": 12,  # a large layer's features are drawn from this zoom on; below it, the server's clusters
    "limit": MAX_LIMIT,  # at most this many features of a view, the API's page size
    "first": 100,  # the view's first page: small, drawn while the server makes the others
    "page": 300,  # the size of the others, asked for together
}
# What the map draws of each feature (js/map: style, tooltip, quality badge, search); a popup fetches
# its feature whole when it opens. A layer is asked for those of them it has.
MAP_PROPERTIES = ("id", "name_vi", "name_en", "kind", "status", "geometry_quality", "centroid_lat", "centroid_lon",
                  "aliases")  # fmt: skip
# The figures a feature's popup shows, per layer (the feature page shows them all).
POPUP_FIELDS = {
    "economic-zones": ("area_ha", "year_established"),
    "industrial-parks": ("area_ha", "leasable_ha", "occupancy_pct", "year_established", "investment_vnd_bn"),
    "industrial-clusters": ("area_ha", "occupancy_pct", "year_established", "investment_vnd_bn"),
    "ports": ("area_ha", "capacity_teu_per_year", "quay_length_m"),
    "airports": ("area_ha", "runway_length_m", "passengers_per_year"),
    "factories": (),
}
ALWAYS_SHOWN = ("area_ha", "occupancy_pct", "leasable_ha")  # said to be unknown rather than left out
WITH_DISTANCES = ("industrial-parks", "industrial-clusters")  # popups listing the distances to key places
# The interface's words the map's scripts say (js/: msg.<key>); the page's own words are in its HTML.
# tests/test_map_config.py checks this list against the scripts.
SCRIPT_MESSAGES = (
    "background_failed", "basemap_failed", "close",
    "conflict", "details", "distance_note", "distances", "draw_finish_line", "draw_finish_polygon",
    "draw_first_corner", "draw_next_corner", "free_ha", "free_ha_help", "geometry_quality", "load_failed",
    "load_failed_help", "loading", "loading_layers", "locate_failed", "measure", "measure_hint", "measure_total",
    "no_data",
    "of_proposal", "offline_note", "points", "popup_failed", "proposal_area", "proposal_need_points",
    "proposal_no_overlap", "proposal_not_json", "proposal_outside", "proposal_overlaps", "proposal_running_area",
    "proposal_zone", "reload", "request_failed", "request_unreachable", "score", "search_alias", "search_commune",
    "search_none", "search_old_district", "search_place", "search_province", "search_tenant", "sites_excluded",
    "sites_lacks", "sites_need_status", "sites_none", "sites_not_scored", "sites_pick", "sites_results",
    "sites_tied", "sites_unknown", "tool_failed", "uncertainty_note", "uncertainty_unknown", "zoom_in",
)  # fmt: skip
# The zooms from which the background's names show (js/map/labels.js): provinces below "places", the
# communes and wards from "places" on, the parks' names from "parks" on.
LABEL_ZOOMS = {"places": 12, "parks": 13}
# Search lists matches of equal rank in this order of their layers.
SEARCH_ORDER = ("industrial-parks", "ports", "airports", "industrial-clusters", "factories", "economic-zones")


def map_properties(layer) -> str:
    """Return the ``properties`` parameter of the map's requests for ``layer``'s items."""
    return ",".join(name for name in MAP_PROPERTIES if name in layer.property_names)


def map_selections(data) -> dict[str, tuple[str, ...]]:
    """Return, per layer, the properties the map asks for (``geo.stores.memory.FileStore`` encodes them at start)."""
    return {name: tuple(map_properties(layer).split(",")) for name, layer in data.layers.items()}


def criterion_label(criterion, lang: str) -> str:
    """A site-finder criterion's label: free land, or the place a distance is measured to."""
    return t("criterion_free_land" if criterion is FREE_LAND else f"place_{criterion.parameter}", lang)


def map_config(lang: str, parts: MapParts) -> dict:
    """Return the config of the map page in ``lang`` whose Folium map is ``parts``."""
    data = dataset()
    with_osm = osm_layers(data)  # the data changes under a running app (imports): read on every page
    return {
        "lang": lang,
        "locale": LOCALES[lang],
        "offline": current_app.config["OFFLINE"],
        "mapVar": parts.map_var,
        "minimapVar": parts.minimap_var,
        "featurePage": "/features/",
        "layers": [_layer(spec, data.layer(spec.name), parts, lang, spec.name in with_osm) for spec in LAYERS],
        "statuses": list(STATUSES),
        # distances to them are the layers' properties distance_km_<key> (geo.pipeline.derive)
        "places": [{"key": place, "label": t(f"place_{place}", lang)} for place in KEY_INFRASTRUCTURE],
        # A criterion's key in the API and its parameter (w_<id>, max_km_<id>) are one spelling: the place's key.
        "criteria": [{"key": c.key, "id": c.parameter, "label": criterion_label(c, lang)} for c in CRITERIA],
        "viewport": VIEWPORT,
        "maxApiZoom": MAX_ZOOM,
        "alwaysShown": list(ALWAYS_SHOWN),
        "styles": {  # loaded on first use (the sheet: on a phone; the background: once the layers are drawn)
            "panels": asset("dist/panels.css"), "draw": asset("dist/draw.css"), "sheet": asset("dist/sheet.css"),
            "background": asset("dist/background.css"),
        },
        "labels": _labels(lang),
        # the app's own background (js/map/background.js), fetched once the layers are drawn
        "background": {"url": background_url(), "labelZoom": LABEL_ZOOMS},
        "basemap": _basemap(),
    }


def _basemap() -> dict | None:
    """The basemap served by the app, if any, and the script that draws it (js/map/basemap.js)."""
    basemap = configured_basemap()
    return basemap.page_config() | {"script": asset("dist/basemap.js")} if basemap else None


def _labels(lang: str) -> dict:
    labels = catalog(lang)
    labels["messages"] = {key: labels["messages"][key] for key in SCRIPT_MESSAGES}
    return labels


def _layer(spec, layer, parts: MapParts, lang: str, from_osm: bool) -> dict:
    count = len(layer.gdf)
    return {
        "id": spec.name,
        "title": layer_title(spec.name, lang),
        "url": f"/api/collections/{spec.name}/items?limit={MAX_LIMIT}&properties={map_properties(layer)}",
        "item": f"/api/collections/{spec.name}/items/",  # + id: one feature with every property
        "groupVar": parts.layer_vars[spec.name],
        "count": count,
        # A large layer is loaded for the view only, and only from a zoom where that stays small.
        "viewport": count > VIEWPORT_THRESHOLD,
        "clusters": f"/api/collections/{spec.name}/clusters",  # how a viewport layer shows when zoomed out
        "points": spec.geometry == "point",
        "attribution": OSM_ATTRIBUTION if from_osm else "",  # ODbL credit while its outlines are drawn
        "popupFields": list(POPUP_FIELDS.get(spec.name, ())),
        "distances": spec.name in WITH_DISTANCES,
        "searchOrder": SEARCH_ORDER.index(spec.name) if spec.name in SEARCH_ORDER else len(SEARCH_ORDER),
    }


@cache
def module_chunks(entry: str) -> tuple[str, ...]:
    """The URLs of the chunks the built module ``entry`` (dist/hpmap.js) imports, for the page to preload.

    Their names carry their content's hash; the URLs are the ones the module asks for (no ?v=), so that a
    preloaded chunk is the module the browser runs.
    """
    return tuple(f"/static/dist/{chunk}" for chunk in _manifest()["files"][entry]["imports"])


@cache
def lazy_module_chunks(source: str) -> tuple[str, ...]:
    """The URLs of the chunk built from ``source`` (e.g. "js/map/viewport.js", which dist/hpmap.js imports when
    the data needs it) and of the chunks it imports: what a page that will need it preloads.

    esbuild names such a chunk after its module ("viewport-<hash>.js"); the shared chunks are "chunk-<hash>.js".
    """
    files = _manifest()["files"]
    stem = source.rsplit("/", 1)[-1].removesuffix(".js") + "-"
    found = [name for name, entry in files.items() if source in entry["sources"] and name.startswith(stem)]
    if len(found) != 1:
        raise LookupError(f"dist/manifest.json: expected one chunk built from {source}, found {found}")
    return tuple(f"/static/dist/{name}" for name in [found[0], *files[found[0]]["imports"]])


@cache
def _manifest() -> dict:
    return json.loads((STATIC_DIR / "dist" / "manifest.json").read_text())
