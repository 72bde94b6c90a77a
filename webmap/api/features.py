"""OGC API – Features (Part 1: Core, GeoJSON) over the data set's layers, with its OpenAPI document.

Every layer is a collection; metadata is ``application/json``, features ``application/geo+json``.
Collection metadata comes from the data set; items come from the feature store (``geo.stores.memory``:
the files in memory, or PostGIS), and so do their clusters for a web map's zoom level
(``/collections/<id>/clusters``, ``geo.stores.clusters``; not part of OGC API – Features). GET responses
carry a weak ETag (data set, code and URL) and may be cached for five minutes (``responses``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, request, url_for

from geo.model.dataset import Layer
from geo.model.errors import UnknownFeature
from geo.model.features import compact_json
from geo.stores.memory import FeaturePage, FeatureStore
from webmap.api import params
from webmap.api.openapi import document as openapi
from webmap.api.responses import GEOJSON, JSON, json_response, tagged_by_url
from webmap.api.schemas.features import Collection, Link
from webmap.layers import dataset
from webmap.server import answer_cache

bp = Blueprint("api", __name__)
bp.after_request(tagged_by_url)

CONFORMANCE = tuple(
    f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{name}" for name in ("core", "geojson", "oas30")
)
TITLE = "Hải Phòng Industrial Map"
DESCRIPTION = (
    "Economic zones, industrial parks and clusters, seaports and airports of Hải Phòng, "
    "with every figure's source and date (OGC API – Features, GeoJSON, CRS84 longitude/latitude)."
)


@bp.get("/")
@bp.get("")  # registered first: url_for builds /api, the URL GDAL and QGIS are given
def landing():
    """The landing page: what this API is and where its parts are."""
    params.check_parameters(request.args)
    links = [
        _link("api.landing", "self", JSON, "This document"),
        _link("api.openapi_document", "service-desc", openapi.MEDIA_TYPE, "The API definition (OpenAPI 3.0)"),
        _link("api.conformance", "conformance", JSON, "The OGC conformance classes this API implements"),
        _link("api.collections", "data", JSON, "The layers: economic zones, parks, clusters, ports, airports"),
    ]
    return json_response({"title": TITLE, "description": DESCRIPTION, "links": links})


@bp.get("/conformance")
def conformance():
    """The conformance classes implemented."""
    params.check_parameters(request.args)
    return json_response({"conformsTo": list(CONFORMANCE)})


@bp.get("/collections")
def collections():
    """Every layer, with its extent and links."""
    params.check_parameters(request.args)
    body = {
        "links": [_link("api.collections", "self", JSON, "The layers")],
        "collections": [_collection(layer) for layer in dataset().layers.values()],
    }
    return json_response(body)


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    """One layer's metadata."""
    params.check_parameters(request.args)
    return json_response(_collection(dataset().layer(collection_id)))


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    """One layer's features, filtered by bbox and properties, one page at a time; ``zoom`` simplifies them."""
    layer = dataset().layer(collection_id)
    query = params.parse_items_query(request.args, layer.spec)
    selected = params.parse_properties(request.args.get("properties"), layer.property_names)
    query = replace(query, properties=selected)
    # The features are JSON text already (geo.stores.memory), with the properties asked for, kept per data
    # version and normalised query (webmap.server.answer_cache): spliced in, never decoded and encoded again.
    features, number_matched, number_returned = answer_cache.page_features(collection_id, query, _store)
    result = FeaturePage((), number_matched, query.offset, query.limit)  # for its links
    head = {
        "type": "FeatureCollection",
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "numberMatched": number_matched,
        "numberReturned": number_returned,
        "links": _page_links(layer, result),
    }
    body = (compact_json(head)[:-1] + ',"features":[').encode() + features + b"]}"
    return Response(body, content_type=GEOJSON)


@bp.get("/collections/<collection_id>/clusters")
def clusters(collection_id: str):
    """The features that a bbox and filters select, counted in grid cells sized for a web map's ``zoom``."""
    layer = dataset().layer(collection_id)
    selection, zoom = params.parse_clusters_query(request.args, layer.spec)
    result = _store().clusters(collection_id, selection, zoom)
    head = {
        "type": "FeatureCollection",
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "zoom": zoom,
        "cellSize": result.cell_size,
        "numberMatched": result.number_matched,
        "numberReturned": len(result.counts),
        "links": [
            {"href": _items_url(), "rel": "self", "type": GEOJSON, "title": "These clusters"},
            _link("api.collection", "collection", JSON, layer.spec.title_en, collection_id=collection_id),
        ],
    }
    text = compact_json(head)[:-1] + ',"features":[' + ",".join(result.feature_texts()) + "]}"
    return Response(text, content_type=GEOJSON)


@bp.get("/collections/<collection_id>/items/<feature_id>")
def feature(collection_id: str, feature_id: str):
    """One feature as GeoJSON."""
    params.check_parameters(request.args)
    layer = dataset().layer(collection_id)
    text = answer_cache.item_text(collection_id, feature_id, _store)
    if text is None:
        raise UnknownFeature(_missing_feature_message(collection_id, feature_id))
    links = [
        _link("api.feature", "self", GEOJSON, "This feature", collection_id=collection_id, feature_id=feature_id),
        _link("api.collection", "collection", JSON, layer.spec.title_en, collection_id=collection_id),
    ]
    return Response(text.rstrip()[:-1] + ',"links":' + compact_json(links) + "}", content_type=GEOJSON)


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.0 definition of every endpoint of the app."""
    params.check_parameters(request.args)
    return json_response(openapi.build_document(dataset(), server_url=request.url_root.rstrip("/")), openapi.MEDIA_TYPE)


def _store() -> FeatureStore:
    return current_app.extensions["hpmap.store"]


def _missing_feature_message(collection_id: str, feature_id: str) -> str:
    message = f"no feature '{feature_id}' in collection '{collection_id}'"
    for name, layer in dataset().layers.items():
        if feature_id in layer.gdf.index:
            return f"{message}; it is in collection '{name}'"
    return message


def _collection(layer: Layer) -> Collection:
    spec, name = layer.spec, layer.spec.name
    body = {
        "id": name,
        "title": spec.title_en,
        "description": f"{spec.title_en} of Hải Phòng ({spec.title_vi}): {len(layer.gdf)} features, "
        f"of kind {', '.join(spec.kinds)}.",
        "itemType": "feature",
        "crs": [params.CRS84],
        "links": [
            _link("api.collection", "self", JSON, spec.title_en, collection_id=name),
            _link("api.items", "items", GEOJSON, f"{spec.title_en}: the features", collection_id=name),
        ],
    }
    bounds = [float(v) for v in layer.gdf.total_bounds]
    if all(math.isfinite(v) for v in bounds):  # an empty layer has no extent
        body["extent"] = {"spatial": {"bbox": [bounds], "crs": params.CRS84}}
    return body


def _page_links(layer: Layer, result: FeaturePage) -> list[Link]:
    name = layer.spec.name
    links = [
        {"href": _items_url(), "rel": "self", "type": GEOJSON, "title": "This page"},
        _link("api.collection", "collection", JSON, layer.spec.title_en, collection_id=name),
    ]
    if result.has_next:
        next_url = _items_url(offset=result.offset + result.limit, limit=result.limit)
        links.append({"href": next_url, "rel": "next", "type": GEOJSON, "title": "Next page"})
    if result.has_previous:
        start = max(0, min(result.offset, result.number_matched) - result.limit)
        previous_url = _items_url(offset=start, limit=result.limit)
        links.append({"href": previous_url, "rel": "prev", "type": GEOJSON, "title": "Previous page"})
    return links


def _items_url(**changes: int) -> str:
    """Return this request's absolute URL with ``changes`` to its query parameters (the others, zoom too, kept)."""
    args = request.args.to_dict(flat=False)
    args.update({name: [str(value)] for name, value in changes.items()})
    return url_for(request.endpoint, **request.view_args, **args, _external=True)


def _link(endpoint: str, rel: str, type_: str, title: str, **values: str) -> Link:
    return {"href": url_for(endpoint, **values, _external=True), "rel": rel, "type": type_, "title": title}

