"""The HTML pages in the OpenAPI document, and the JSON and GeoJSON variants of a feature's page.

"""

from __future__ import annotations

from geo.catalog import STATUSES
from webmap.api.openapi.generate import answer, get, in_path, query, ref
from webmap.i18n import LANGUAGES

TAG = "Pages"
_PAGE = {"type": "string", "description": "an HTML document"}
_TEXT = {"type": "string"}
_BAD_LANGUAGE: dict = {}
_NO_FEATURE = {"404": {"description": "No such feature"}}




def paths() -> dict:
    """Return the path items of the pages, keyed by their path from the server root."""
    lang = ref("parameters", "lang")
    feature_id = ref("parameters", "featureId")
    map_parameters = [
        lang,
        query("lat", "Latitude of the map centre (degrees)", {"type": "number", "minimum": -90, "maximum": 90}),
        query("lon", "Longitude of the map centre (degrees)", {"type": "number", "minimum": -180, "maximum": 180}),
        query("z", "Zoom level", {"type": "integer", "minimum": 0}),
        query("f", "Id of the feature whose details open with the map", _TEXT),
        query("status", f"Statuses to show, comma-separated: {', '.join(STATUSES)}", _TEXT),
        query("layers", "Layers to show, comma-separated collection ids", _TEXT),
        query("panel", "Panel open with the map: sites (site finder) or proposal (proposal check)",
              {"type": "string", "enum": ["sites", "proposal"]}),
        query("sites", "The site finder's query (the /api/sites parameters, URL-encoded); runs on opening", _TEXT),
        query("proposal", "Corners of a proposal to check, as lon,lat;lon,lat;...", _TEXT),
    ]
    compared = query("ids", "2 to 4 feature ids, comma-separated", _TEXT)
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
            "comparePage", TAG, "Two to four parks side by side", [compared, lang],
            {"200": answer("The comparison", html=_PAGE),
             "400": {"description": "Fewer than 2 or more than 4 ids"},
             **_NO_FEATURE},
        ),
        "/coverage": get(
            "coveragePage", TAG, "Planners' view: zone coverage, occupancy, overlaps and data quality, with charts",
            [lang], {"200": answer("The coverage page", html=_PAGE), **_BAD_LANGUAGE},
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
