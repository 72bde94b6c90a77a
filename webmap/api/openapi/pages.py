"""The HTML pages in the OpenAPI document, and the JSON and GeoJSON variants of a feature's page.

The map page's own parameters (centre, zoom, layers, open panel) are read by its script, not by the
server: any text is accepted, and a value the script cannot read leaves the map's default.
"""

from __future__ import annotations

from geo.model.catalog import STATUSES
from geo.model.parse import SLUG
from webmap.api import params
from webmap.api.openapi.generate import BINARY, answer, get, in_path, listed, query, ref
from webmap.i18n import LANGUAGES

TAG = "Pages"
_PAGE = {"type": "string", "description": "an HTML document"}
_TEXT = {"type": "string"}
_BAD_LANGUAGE = {"400": answer("lang names a language the app does not speak (an HTML page saying so)", html=_PAGE)}
_BACKGROUND = {  # plain GeoJSON: not the API's items (no links, no counts)
    "type": "object", "required": ["type", "features"],
    "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]}, "features": {"type": "array"}},
}
_NO_FEATURE = {"404": {"description": "No such feature"}}


def _archive(description: str) -> dict:
    return {"description": description,
            "content": {"application/vnd.pmtiles": {"schema": {"type": "string", "format": "binary"}}}}


def _read_by_the_map(name: str, description: str) -> dict:
    return query(name, f"{description}. Read by the map's script: a value it cannot read leaves its default", _TEXT)


def paths() -> dict:
    """Return the path items of the pages, keyed by their path from the server root."""
    lang = ref("parameters", "lang")
    feature_id = ref("parameters", "featureId")
    map_parameters = [
        lang,
        _read_by_the_map("lat", "Latitude of the map centre (degrees, -90 to 90)"),
        _read_by_the_map("lon", "Longitude of the map centre (degrees, -180 to 180)"),
        _read_by_the_map("z", "Zoom level (0 or more)"),
        _read_by_the_map("f", "Id of the feature whose details open with the map"),
        _read_by_the_map("status", f"Statuses to show, comma-separated: {', '.join(STATUSES)}"),
        _read_by_the_map("layers", "Layers to show, comma-separated collection ids"),
        _read_by_the_map("panel", "Panel open with the map: sites (site finder) or proposal (proposal check)"),
        _read_by_the_map("sites", "The site finder's query (the /api/sites parameters, URL-encoded); runs on opening"),
        _read_by_the_map("proposal", "Corners of a proposal to check, as lon,lat;lon,lat;..."),
    ]
    compared = listed(
        "ids", "2 to 4 distinct feature ids, comma-separated", {"type": "string", "pattern": SLUG.pattern},
        minItems=2, maxItems=4, uniqueItems=True,
    ) | {"required": True}  # fmt: skip
    download = query(
        "f", "Download the comparison instead of the page: csv (UTF-8 with a BOM) or xlsx (an Excel workbook), one "
        "row per park: names, kind, status, developer, area_ha, free_ha, occupancy_pct, lease_usd_m2 (each with "
        "its date), distance_km_<place> and distance_uncertainty_km_<place>, page_url",
        {"type": "string", "enum": list(params.COMPARE_FORMATS)},
    )  # fmt: skip
    return {
        "/": get("mapPage", TAG, "The interactive map", map_parameters,
                 {"200": answer("The map", html=_PAGE), **_BAD_LANGUAGE}),
        "/features/{featureId}": get(
            "featurePage", TAG, "One feature's page: figures with their sources and dates", [feature_id, lang],
            {"200": answer("The feature's page", html=_PAGE), **_BAD_LANGUAGE, **_NO_FEATURE},
        ),
        "/features/{featureId}.json": get(
            "featureJson", TAG, "One feature's attributes, figures and sources as JSON", [feature_id],
            {"200": answer("The feature", json=ref("schemas", "FeatureRecord")), **_NO_FEATURE},
        ),
        "/features/{featureId}.geojson": get(
            "featureGeoJson", TAG, "One feature as a GeoJSON Feature", [feature_id],
            {"200": answer("The feature", geojson=ref("schemas", "Feature")), **_NO_FEATURE},
        ),
        "/compare": get(
            "comparePage", TAG, "Two to four parks side by side", [compared, lang, download],
            {"200": answer("The comparison, or with f its table (an attachment)", html=_PAGE, csv=_TEXT, xlsx=BINARY),
             "400": answer("Not 2 to 4 distinct ids, a bad lang or an unknown f (an HTML page saying so)",
                           html=_PAGE),
             **_NO_FEATURE},
        ),
        "/coverage": get(
            "coveragePage", TAG, "Planners' view: zone coverage, occupancy, overlaps and data quality, with charts",
            [lang], {"200": answer("The coverage page", html=_PAGE), **_BAD_LANGUAGE},
        ),
        "/background.geojson": get(
            "mapBackground", TAG, "The map's own background: sea, rivers, the city and its neighbours, place names",
            [query("v", "The data version (from the map page); with the current one, cached for a year", _TEXT)],
            {"200": answer("The background's features (kind, name_vi, name_en)", geojson=_BACKGROUND),
             "304": {"description": "Not modified (If-None-Match)"}},
        ),
        "/basemap.pmtiles": get(
            "basemapArchive", TAG, "The vector basemap given to `hpmap serve --basemap`, whole or by byte range",
            [{"name": "Range", "in": "header", "required": False,
              "schema": {"type": "string", "pattern": "^bytes=[0-9]*-[0-9]*$"},
              "description": "One byte range, e.g. bytes=0-16383"}],
            {"200": _archive("The PMTiles archive"), "206": _archive("The range asked for"),
             "304": {"description": "Not modified (If-None-Match, If-Modified-Since)"},
             "404": {"description": "The app serves no basemap"},
             "416": {"description": "The range lies outside the archive"}},
        ),
        "/glance": get(
            "glancePage", TAG, "Hải Phòng at a glance: the city's figures, each dated and cited, other values below",
            [lang], {"200": answer("The page", html=_PAGE), **_BAD_LANGUAGE},
        ),
        "/map/setup-{lang}.js": get(
            "mapScript", TAG, "The script that sets up the map in one language",
            [in_path("lang", "Language of the labels", {"type": "string", "enum": list(LANGUAGES)})],
            {"200": answer("The script", js=_TEXT), "404": {"description": "No such language"}},
        ),
    }  # fmt: skip
