"""The OGC API – Features part of the OpenAPI document: its paths, assembled per collection, and parameters.

The landing page is relative to the server root; the rest is relative to ``/api`` (a path-level
server), the way OGC clients look paths up. Each collection's own items and clusters paths list the
properties it can be filtered on and the ones ``properties`` may name (GDAL reads a collection's
filters from ``paths["/collections/<id>/items"]``); the generic ``{collectionId}`` paths list the
parameters every collection shares.
"""

from __future__ import annotations

from geo.model.dataset import Layer
from geo.model.parse import SLUG
from geo.stores.clusters import CELL_PX, MAX_CELLS
from geo.stores.query import MAX_ZOOM, filter_vocabulary, queryables
from webmap.api import params
from webmap.api.openapi.generate import answer, cached_json, get, in_path, listed, query, ref, repeated
from webmap.api.params import CRS84, DEFAULT_LIMIT, FORMATS, MAX_LIMIT
from webmap.i18n import LANGUAGES

TAG = "OGC API – Features"
NUMERIC_QUERYABLES = {"year_established"}
TEXT = {"type": "string", "pattern": params.WORD_PATTERN}

CLUSTERS_DESCRIPTION = (
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


def _json_ok(description: str, schema: str) -> dict:
    return cached_json(answer(description, json=ref("schemas", schema)))


def _geojson_ok(description: str, schema: str) -> dict:
    return cached_json(answer(description, geojson=ref("schemas", schema)))


def paths(layers: list[Layer], api_url: str) -> dict:
    """Return the path items of the OGC API, keyed from the server root (/api, /api/) or from ``api_url``."""
    common = [ref("parameters", "f"), ref("parameters", "lang")]
    collection_id, feature_id = ref("parameters", "collectionId"), ref("parameters", "featureId")
    not_found = {"404": ref("responses", "NotFound")}
    landing = _json_ok("Title, description and links to the API's parts", "LandingPage")
    below_root = {
        "/openapi.json": get(
            "openApiDocument", TAG, "This OpenAPI document", common,
            cached_json(answer("The OpenAPI 3.0 document", openapi=ref("schemas", "OpenApiDocument"))),
        ),
        "/conformance": get(
            "conformance", TAG, "The OGC conformance classes implemented", common,
            _json_ok("Conformance classes", "ConfClasses"),
        ),
        "/collections": get("collections", TAG, "Every layer, with its extent", common,
                            _json_ok("The layers", "Collections")),
        "/collections/{collectionId}": get(
            "collection", TAG, "One layer's metadata", [collection_id, *common],
            {**_json_ok("The layer", "Collection"), **not_found},
        ),
        "/collections/{collectionId}/items": get(
            "items", TAG, "One layer's features (each collection's own path lists its filters and properties)",
            [collection_id, *_items_parameters(), ref("parameters", "zoom")],
            {**_geojson_ok("A page of features", "FeatureCollection"), **not_found},
        ),
        "/collections/{collectionId}/items/{featureId}": get(
            "feature", TAG, "One feature", [collection_id, feature_id, *common],
            {**_geojson_ok("The feature", "Feature"), **not_found},
        ),
        "/collections/{collectionId}/clusters": get(
            "clusters", TAG, "One layer's features counted in grid cells for a web map's zoom level (each "
            "collection's own path lists its filters)", [collection_id, *_clusters_parameters()],
            {**_geojson_ok(_CLUSTERS_OK, "ClusterCollection"), **not_found}, description=CLUSTERS_DESCRIPTION,
        ),
    }  # fmt: skip
    for layer in layers:
        spec, operation = layer.spec, layer.spec.name.replace("-", "_")
        below_root[f"/collections/{spec.name}/items"] = get(
            f"items_{operation}", TAG, f"{spec.title_en}: features, filtered by bbox and properties",
            [*_items_parameters(), *_filter_parameters(layer), ref("parameters", "zoom"), _properties(layer)],
            _geojson_ok(f"A page of {spec.title_en.lower()}", "FeatureCollection"),
        )  # fmt: skip
    for layer in layers:
        spec, operation = layer.spec, layer.spec.name.replace("-", "_")
        below_root[f"/collections/{spec.name}/clusters"] = get(
            f"clusters_{operation}", TAG,
            f"{spec.title_en}: clusters for a zoom level, filtered by bbox and properties",
            [*_clusters_parameters(), *_filter_parameters(layer)], _geojson_ok(_CLUSTERS_OK, "ClusterCollection"),
            description=CLUSTERS_DESCRIPTION,
        )  # fmt: skip
    api_server = [{"url": api_url, "description": "the OGC API – Features root"}]
    return {
        "/api": get("landingPage", TAG, "Landing page", common, landing),
        "/api/": get("landingPageSlash", TAG, "Landing page (same as /api)", common, landing),
        **{path: {"servers": api_server, **item} for path, item in below_root.items()},
    }


_CLUSTERS_OK = "The clusters: one Point feature per occupied cell"


def _clusters_parameters() -> list[dict]:
    # In the order the 400 listing an endpoint's parameters gives them: zoom, bbox, bbox-crs, f, lang, filters.
    return [ref("parameters", name) for name in ("clustersZoom", "bbox", "bbox-crs", "f", "lang")]


def _items_parameters() -> list[dict]:
    return [ref("parameters", name) for name in ("bbox", "bbox-crs", "limit", "offset", "f", "lang")]


def _filter_parameters(layer: Layer) -> list[dict]:
    vocabularies = filter_vocabulary(layer.spec)
    parameters = []
    for name in queryables(layer.spec):
        if name in vocabularies:
            item = {"type": "string", "enum": list(vocabularies[name])}
        elif name in NUMERIC_QUERYABLES:
            item = {"type": "number"}  # compared as numbers: 1994 and 1994.0 are one year
        else:
            item = TEXT
        verb = "include" if name == "sectors" else "equals"
        parameters.append(repeated(name, f"Only features whose {name} {verb} the value (any of them, when repeated)",
                                   item))  # fmt: skip
    return parameters


def _properties(layer: Layer) -> dict:
    return listed(
        "properties", "Only these properties in each feature (comma-separated names, e.g. name_vi,name_en,status): "
        "what a client draws, in a smaller answer. The feature's id and geometry are always there. Without it, "
        "every property.", {"type": "string", "enum": list(layer.property_names)}, minItems=1,
    )  # fmt: skip


def parameters(layers: list[Layer]) -> dict:
    """Return the parameters the OGC paths refer to (``#/components/parameters/<name>``)."""
    return {
        "f": query("f", "Response format: (Geo)JSON, the only one", {"type": "string", "enum": list(FORMATS)}),
        "lang": query("lang", "Interface language (the data hold both)", {"type": "string", "enum": list(LANGUAGES)}),
        "bbox": listed(
            "bbox", "Only features intersecting the box min lon,min lat,max lon,max lat (CRS84); 6 numbers for a 3D "
            "box, whose heights are ignored. Longitudes lie in -180..180 and latitudes in -90..90, min lat at most max "
            "lat (else 400: most often a box given latitude first); min lon > max lon crosses the antimeridian. A box "
            "of no width or height (a point, a line) selects what it touches.",
            {"type": "number"}, minItems=4, maxItems=6, **{"not": {"minItems": 5, "maxItems": 5}},
        ),
        "bbox-crs": query("bbox-crs", "CRS of bbox: only CRS84", {"type": "string", "format": "uri", "enum": [CRS84]}),
        "limit": query(
            "limit", f"Features per page, at most {MAX_LIMIT}: a larger value is read as {MAX_LIMIT} (OGC API – "
            "Features asks a server to reduce such a limit, not to refuse it)",
            {"type": "integer", "minimum": 1, "default": DEFAULT_LIMIT},
        ),
        "offset": query("offset", "Matching features to skip (follow the next/prev links)",
                        {"type": "integer", "minimum": 0, "default": 0}),
        "zoom": query(
            "zoom", "Simplify the page's geometries for a web map at this zoom level: topology-preserving, to a "
            "tolerance of about half a pixel, 360 / (256 · 2^zoom) / 2 degrees; a geometry that would come out "
            "empty or invalid is returned as stored. Features are still selected by their stored geometry, and "
            "the next/prev links keep the zoom. Without it, geometries are returned as stored.",
            {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM},
        ),
        "clustersZoom": query(
            "zoom", f"The web map zoom level to cluster for: cells {CELL_PX} · 360 / (256 · 2^zoom) degrees wide",
            {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}, required=True,
        ),
        "collectionId": in_path("collectionId", "A layer",
                                {"type": "string", "enum": [layer.spec.name for layer in layers]}),
        "featureId": in_path("featureId", "A feature id, e.g. kcn-trang-due: a slug (no other id exists: 404)",
                             {"type": "string", "pattern": SLUG.pattern}),
    }  # fmt: skip
