"""The OpenAPI 3.0 document of the whole app: the map and feature pages and the OGC API – Features.

Self-contained: every ``$ref`` points inside the document. Pages and the API landing page are
relative to the server root; the rest of the API is relative to ``/api`` (a path-level server),
the way OGC clients look paths up. Each collection's items and clusters paths list the properties
it can be filtered on.
"""

from __future__ import annotations

from geo.model.catalog import STATUSES, LayerSpec
from geo.model.dataset import Dataset
from geo.stores.clusters import CELL_PX, MAX_CELLS
from geo.stores.query import MAX_ZOOM, filter_vocabulary, queryables
from webmap import coverage_openapi, sites_openapi
from webmap.city_openapi import CITY_PATHS
from webmap.params import CRS84, DEFAULT_LIMIT, FORMATS, LANGUAGES, MAX_LIMIT

OPENAPI_VERSION = "3.0.3"
JSON = "application/json"
MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"
GEOJSON = "application/geo+json"
HTML = "text/html"
PAGES, API = "Pages", "OGC API – Features"
NUMERIC_QUERYABLES = {"year_established"}
_STRING = {"type": "string"}
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


def build_document(data: Dataset, server_url: str) -> dict:
    """Return the OpenAPI document describing every endpoint, served from ``server_url``."""
    specs = [layer.spec for layer in data.layers.values()]
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Hải Phòng Industrial Map",
            "version": "1.0.0",
            "description": "The map and feature pages, and an OGC API – Features (Part 1: Core, GeoJSON) "
            "of Hải Phòng's economic zones, industrial parks and clusters, seaports and airports.",
            "license": {"name": "MIT"},
        },
        "servers": [{"url": server_url}],
        "tags": [
            {"name": PAGES, "description": "HTML pages and the files they use"},
            {"name": API, "description": "Layers as OGC API – Features collections, in GeoJSON (CRS84)"},
        ],
        "paths": {
            **_page_paths(),
            **_api_paths(specs, api_url=f"{server_url}/api"),
            **sites_openapi.paths(),
            **coverage_openapi.paths(),
            **CITY_PATHS,
        },
        "components": {
            "schemas": {**SCHEMAS, **sites_openapi.SCHEMAS, **coverage_openapi.SCHEMAS},
            "parameters": _parameters(specs),
            "responses": RESPONSES,
        },
    }


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _get(operation_id: str, tag: str, summary: str, parameters: list, responses: dict) -> dict:
    operation = {"operationId": operation_id, "tags": [tag], "summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


def _ok(description: str, media_type: str, schema: dict) -> dict:
    return {"description": description, "content": {media_type: {"schema": schema}}}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _path(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


# --- pages -------------------------------------------------------------------------------------

_FEATURE_ID = _ref("parameters", "featureId")
_HTML_PAGE = {"type": "string", "description": "an HTML document"}
_PAGE_ERRORS = {"404": {"description": "No such feature"}}


def _page_paths() -> dict:
    lang = _ref("parameters", "lang")
    map_parameters = [
        lang,
        _query("lat", "Latitude of the map centre (degrees)", {"type": "number", "minimum": -90, "maximum": 90}),
        _query("lon", "Longitude of the map centre (degrees)", {"type": "number", "minimum": -180, "maximum": 180}),
        _query("z", "Zoom level", {"type": "integer", "minimum": 0}),
        _query("f", "Id of the feature whose details open with the map", _STRING),
        _query("status", f"Statuses to show, comma-separated: {', '.join(STATUSES)}", _STRING),
        _query("layers", "Layers to show, comma-separated collection ids", _STRING),
        _query(
            "panel",
            "Panel open with the map: sites (site finder) or proposal (proposal check)",
            {"type": "string", "enum": ["sites", "proposal"]},
        ),
        _query("sites", "The site finder's query (the /api/sites parameters, URL-encoded); runs on opening", _STRING),
        _query("proposal", "Corners of a proposal to check, as lon,lat;lon,lat;...", _STRING),
    ]
    return {
        "/": _get("mapPage", PAGES, "The interactive map", map_parameters, {"200": _ok("The map", HTML, _HTML_PAGE)}),
        "/features/{featureId}": _get(
            "featurePage", PAGES, "One feature's page: figures with their sources and dates",
            [_FEATURE_ID, lang], {"200": _ok("The feature's page", HTML, _HTML_PAGE), **_PAGE_ERRORS},
        ),
        "/features/{featureId}.json": _get(
            "featureJson", PAGES, "One feature's attributes, figures and sources as JSON",
            [_FEATURE_ID], {"200": _ok("The feature", JSON, {"type": "object"}), **_PAGE_ERRORS},
        ),
        "/features/{featureId}.geojson": _get(
            "featureGeoJson", PAGES, "One feature as a GeoJSON Feature",
            [_FEATURE_ID], {"200": _ok("The feature", GEOJSON, _ref("schemas", "Feature")), **_PAGE_ERRORS},
        ),
        "/compare": _get(
            "comparePage", PAGES, "Two to four parks side by side",
            [_query("ids", "2 to 4 feature ids, comma-separated", _STRING), lang],
            {"200": _ok("The comparison", HTML, _HTML_PAGE), "400": {"description": "Fewer than 2 or more than 4 ids"},
             **_PAGE_ERRORS},
        ),
        "/coverage": _get(
            "coveragePage", PAGES, "Planners' view: zone coverage, occupancy, overlaps and data quality, with charts",
            [lang], {"200": _ok("The coverage page", HTML, _HTML_PAGE)},
        ),
        "/glance": _get(
            "glancePage", PAGES, "Hải Phòng at a glance: the city's figures, each dated and cited, other values below",
            [lang], {"200": _ok("The page", HTML, _HTML_PAGE)},
        ),
        "/map/setup-{lang}.js": _get(
            "mapScript", PAGES, "The script that sets up the map in one language",
            [_path("lang", "Language of the labels", {"type": "string", "enum": list(LANGUAGES)})],
            {"200": _ok("The script", "text/javascript", _STRING), "404": {"description": "No such language"}},
        ),
        "/background.geojson": _get(
            "mapBackground", PAGES, "The map's own background: sea, rivers, the city and its neighbours, place names",
            [_query("v", "The data version (from the map page); with the current one, cached for a year", _STRING)],
            {"200": _ok("The background's features (kind, name_vi, name_en)", GEOJSON,
                        _ref("schemas", "FeatureCollection")),
             "304": {"description": "Not modified (If-None-Match)"}},
        ),
        "/basemap.pmtiles": _get(
            "basemapArchive", PAGES, "The vector basemap given to `hpmap serve --basemap`, whole or by byte range",
            [{"name": "Range", "in": "header", "required": False, "schema": _STRING,
              "description": "One byte range, e.g. bytes=0-16383"}],
            {"200": _ok("The PMTiles archive", "application/vnd.pmtiles", {"type": "string", "format": "binary"}),
             "206": _ok("The range asked for", "application/vnd.pmtiles", {"type": "string", "format": "binary"}),
             "304": {"description": "Not modified (If-None-Match, If-Modified-Since)"},
             "404": {"description": "The app serves no basemap"},
             "416": {"description": "The range lies outside the archive"}},
        ),
    }  # fmt: skip


# --- API ---------------------------------------------------------------------------------------


def _json_ok(description: str, schema: str, media_type: str = JSON) -> dict:
    return {
        "200": _ok(description, media_type, _ref("schemas", schema)),
        "304": _ref("responses", "NotModified"),
        "400": _ref("responses", "BadRequest"),
        "500": _ref("responses", "ServerError"),
    }


def _api_paths(specs: list[LayerSpec], api_url: str) -> dict:
    common = [_ref("parameters", "f"), _ref("parameters", "lang")]
    collection_id = _ref("parameters", "collectionId")
    feature_id = _ref("parameters", "featureId")
    not_found = {"404": _ref("responses", "NotFound")}
    landing = _json_ok("Title, description and links to the API's parts", "LandingPage")
    below_root = {
        "/openapi.json": _get(
            "openApiDocument", API, "This OpenAPI document", common,
            _json_ok("The OpenAPI 3.0 document", "OpenApiDocument", MEDIA_TYPE),
        ),
        "/conformance": _get(
            "conformance", API, "The OGC conformance classes implemented", common,
            _json_ok("Conformance classes", "ConfClasses"),
        ),
        "/collections": _get(
            "collections", API, "Every layer, with its extent", common, _json_ok("The layers", "Collections")
        ),
        "/collections/{collectionId}": _get(
            "collection", API, "One layer's metadata", [collection_id, *common],
            {**_json_ok("The layer", "Collection"), **not_found},
        ),
        "/collections/{collectionId}/items": _get(
            "items", API, "One layer's features (each collection's own path lists its filters)",
            [collection_id, *_items_parameters(), _ZOOM, _PROPERTIES],
            {**_json_ok("A page of features", "FeatureCollection", GEOJSON), **not_found},
        ),
        "/collections/{collectionId}/items/{featureId}": _get(
            "feature", API, "One feature", [collection_id, feature_id, *common],
            {**_json_ok("The feature", "Feature", GEOJSON), **not_found},
        ),
        "/collections/{collectionId}/clusters": _clusters_operation(
            "clusters", "One layer's features counted in grid cells for a web map's zoom level (each "
            "collection's own path lists its filters)", [collection_id, *_clusters_parameters()], not_found,
        ),
    }  # fmt: skip
    for spec in specs:
        below_root[f"/collections/{spec.name}/items"] = _get(
            f"items_{spec.name.replace('-', '_')}", API, f"{spec.title_en}: features, filtered by bbox and properties",
            [*_items_parameters(), *_filter_parameters(spec), _ZOOM, _PROPERTIES],
            _json_ok(f"A page of {spec.title_en.lower()}", "FeatureCollection", GEOJSON),
        )  # fmt: skip
    for spec in specs:
        below_root[f"/collections/{spec.name}/clusters"] = _clusters_operation(
            f"clusters_{spec.name.replace('-', '_')}", f"{spec.title_en}: clusters for a zoom level, filtered by bbox "
            "and properties", [*_clusters_parameters(), *_filter_parameters(spec)], {},
        )  # fmt: skip
    # Keyed from the API root, where OGC clients look (GDAL reads the filters a collection offers
    # from paths["/collections/<id>/items"]); their own server puts them under /api.
    api_server = [{"url": api_url, "description": "the OGC API – Features root"}]
    return {
        "/api": _get("landingPage", API, "Landing page", common, landing),
        "/api/": _get("landingPageSlash", API, "Landing page (same as /api)", common, landing),
        **{path: {"servers": api_server, **item} for path, item in below_root.items()},
    }


_ZOOM = _ref("parameters", "zoom")  # after the filters, as in the 400 that lists an endpoint's parameters
_PROPERTIES = _ref("parameters", "properties")
_CLUSTERS_DESCRIPTION = (
    "Not part of OGC API – Features: for a web map that cannot fetch every feature to cluster them itself. "
    "The features that bbox and the filters select (as the items path selects them) are counted in the cells "
    f"of a global grid of square cells, {CELL_PX} · 360 / (256 · 2^zoom) degrees wide ({CELL_PX} pixels of a "
    "Web Mercator map at that zoom), with edges on whole multiples of that size from 0° longitude and latitude, "
    "so cells do not move as the map pans. A feature counts in the cell of its point on surface: a Point's own "
    "position, a point inside an outline. Each occupied cell is one Point feature at the mean of its features' "
    "points, with the number of features (count) and, where it holds exactly one, that feature's id; cells come "
    "by row, south to north, then column, west to east. A cell on the bbox's edge counts only the selected "
    "features. numberMatched is the number of features counted, numberReturned the number of cells. An answer "
    f"of more than {MAX_CELLS} cells is refused (400): ask for the map's view as bbox, or a lower zoom."
)


def _clusters_operation(operation_id: str, summary: str, parameters: list, more_responses: dict) -> dict:
    responses = _json_ok("The clusters: one Point feature per occupied cell", "ClusterCollection", GEOJSON)
    item = _get(operation_id, API, summary, parameters, {**responses, **more_responses})
    item["get"]["description"] = _CLUSTERS_DESCRIPTION
    return item


def _clusters_parameters() -> list[dict]:
    # In the order the 400 listing an endpoint's parameters gives them: zoom, bbox, bbox-crs, f, lang, filters.
    return [_ref("parameters", name) for name in ("clustersZoom", "bbox", "bbox-crs", "f", "lang")]


def _items_parameters() -> list[dict]:
    return [_ref("parameters", name) for name in ("bbox", "bbox-crs", "limit", "offset", "f", "lang")]


def _filter_parameters(spec: LayerSpec) -> list[dict]:
    vocabularies = filter_vocabulary(spec)
    parameters = []
    for name in queryables(spec):
        if name in vocabularies:
            item = {"type": "string", "enum": list(vocabularies[name])}
        elif name in NUMERIC_QUERYABLES:
            item = {"type": "integer"}
        else:
            item = _STRING
        description = f"Only features whose {name} equals the value (any of the values, when repeated)"
        if name == "sectors":
            description = "Only features whose sectors include the value (any of the values, when repeated)"
        parameter = _query(name, description, {"type": "array", "items": item})
        parameters.append({**parameter, "style": "form", "explode": True})
    return parameters


def _parameters(specs: list[LayerSpec]) -> dict:
    return {
        "f": _query("f", "Response format: (Geo)JSON, the only one", {"type": "string", "enum": list(FORMATS)}),
        "lang": _query("lang", "Interface language (the data hold both)", {"type": "string", "enum": list(LANGUAGES)}),
        "bbox": {
            **_query(
                "bbox",
                "Only features intersecting the box min lon,min lat,max lon,max lat (CRS84); 6 numbers for a 3D "
                "box. min lon > max lon crosses the antimeridian.",
                {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            ),
            "style": "form",
            "explode": False,
        },
        "bbox-crs": _query(
            "bbox-crs", "CRS of bbox: only CRS84", {"type": "string", "format": "uri", "enum": [CRS84]}
        ),
        "limit": _query(
            "limit", f"Features per page; a larger value is reduced to {MAX_LIMIT}",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        ),
        "offset": _query(
            "offset", "Matching features to skip (follow the next/prev links)",
            {"type": "integer", "minimum": 0, "default": 0},
        ),
        "zoom": _query(
            "zoom", "Simplify the page's geometries for a web map at this zoom level: topology-preserving, to a "
            "tolerance of about half a pixel, 360 / (256 · 2^zoom) / 2 degrees; a geometry that would come out "
            "empty or invalid is returned as stored. Features are still selected by their stored geometry, and "
            "the next/prev links keep the zoom. Without it, geometries are returned as stored.",
            {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM},
        ),
        "properties": {
            **_query(
                "properties", "Only these properties in each feature (comma-separated names, e.g. "
                "name_vi,name_en,status): what a client draws, in a smaller answer. The feature's id and geometry "
                "are always there; an unknown name is refused (400). Without it, every property.",
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ),
            "style": "form",
            "explode": False,
        },
        "clustersZoom": {
            **_query(
                "zoom", f"The web map zoom level to cluster for: cells {CELL_PX} · 360 / (256 · 2^zoom) degrees wide",
                {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM},
            ),
            "required": True,
        },
        "collectionId": _path("collectionId", "A layer", {"type": "string", "enum": [s.name for s in specs]}),
        "featureId": _path("featureId", "A feature id, e.g. kcn-trang-due", _STRING),
    }  # fmt: skip


_EXCEPTION = {"content": {JSON: {"schema": _ref("schemas", "Exception")}}}
RESPONSES = {
    "NotModified": {"description": "Unchanged since the ETag given in If-None-Match"},
    "BadRequest": {"description": "A query parameter is unknown, repeated or has a bad value", **_EXCEPTION},
    "NotFound": {"description": "No such collection or feature", **_EXCEPTION},
    "ServerError": {"description": "An unexpected error", **_EXCEPTION},
}


def _array_of(schema: str) -> dict:
    return {"type": "array", "items": _ref("schemas", schema)}


def _object(required: tuple[str, ...] = (), **properties: dict) -> dict:
    schema = {"type": "object", "properties": properties}
    return {**schema, "required": list(required)} if required else schema


def _constant(value: str) -> dict:
    return {"type": "string", "enum": [value]}


_LINKS = _array_of("Link")
_COUNT = {"type": "integer", "minimum": 0}
_NUMBERS = {"type": "array", "items": {"type": "number"}}
SCHEMAS = {
    "Link": _object(
        ("href", "rel"), href={"type": "string", "format": "uri"}, rel=_STRING, type=_STRING, title=_STRING
    ),
    "Exception": _object(("code", "description"), code={"type": "integer"}, description=_STRING),
    "LandingPage": _object(("links",), title=_STRING, description=_STRING, links=_LINKS),
    "ConfClasses": _object(("conformsTo",), conformsTo={"type": "array", "items": _STRING}),
    "Collection": _object(
        ("id", "links"),
        id=_STRING,
        title=_STRING,
        description=_STRING,
        itemType=_STRING,
        crs={"type": "array", "items": _STRING},
        links=_LINKS,
        extent=_object(spatial=_object(bbox={"type": "array", "items": _NUMBERS}, crs=_STRING)),
    ),
    "Collections": _object(("links", "collections"), links=_LINKS, collections=_array_of("Collection")),
    "Geometry": {
        **_object(("type",), type={"type": "string", "enum": list(GEOMETRY_TYPES)}, coordinates={"type": "array"}),
        "description": "A GeoJSON geometry, longitude/latitude (CRS84)",
    },
    "Feature": _object(
        ("type", "geometry", "properties"),
        type=_constant("Feature"),
        id=_STRING,
        geometry=_ref("schemas", "Geometry"),
        properties={"type": "object", "nullable": True},
        links=_LINKS,
    ),
    "FeatureCollection": _object(
        ("type", "features"),
        type=_constant("FeatureCollection"),
        features=_array_of("Feature"),
        links=_LINKS,
        timeStamp={"type": "string", "format": "date-time"},
        numberMatched=_COUNT,
        numberReturned=_COUNT,
    ),
    "Cluster": {
        **_object(
            ("type", "geometry", "properties"),
            type=_constant("Feature"),
            geometry=_object(
                ("type", "coordinates"),
                type=_constant("Point"),
                coordinates={**_NUMBERS, "minItems": 2, "maxItems": 2},
            ),
            properties=_object(("count",), count={"type": "integer", "minimum": 1}, id=_STRING),
        ),
        "description": "An occupied grid cell: the mean position of its features (CRS84), how many they are, and "
        "the feature's id where it holds exactly one",
    },
    "ClusterCollection": _object(
        ("type", "features", "zoom", "cellSize", "numberMatched", "numberReturned"),
        type=_constant("FeatureCollection"),
        features=_array_of("Cluster"),
        links=_LINKS,
        timeStamp={"type": "string", "format": "date-time"},
        zoom={"type": "integer", "minimum": 0, "maximum": MAX_ZOOM},
        cellSize={
            "type": "number",
            "exclusiveMinimum": True,
            "minimum": 0,
            "description": "A cell's width and height, in degrees",
        },
        numberMatched=_COUNT,
        numberReturned={**_COUNT, "maximum": MAX_CELLS},
    ),
    "OpenApiDocument": {"type": "object"},
}
