"""The map's own background: sea, rivers, the city and its neighbours, and the place names, from the data.

It is drawn under every layer, online (under the tile basemaps, showing wherever a tile fails) and offline
(the only background), so the map can be read with no tile server: one GeoJSON document built from the
data set's context geography (``context.geojson``) once per data version, served by ``/background.geojson``
with the version in its URL (cached for a year, gzip-compressed as it leaves), never inlined in the page.

Its features keep ``kind``, ``name_vi`` and ``name_en``; an area's feature also carries where its name
goes (``label_lat``, ``label_lon``: a point inside it). The outlines are simplified to about 30 m, a pixel
at zoom 12, and their coordinates rounded to 5 decimals (about 1 m).
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, current_app, request

from webmap.layers import dataset

bp = Blueprint("background", __name__)
AREA_KINDS = ("neighbour", "province", "sea", "river")  # drawn in this order: land first, water over it
LABEL_KINDS = ("place",)
SIMPLIFY_DEGREES = 0.0003  # about 30 m at this latitude
DECIMALS = 5
YEAR = "public, max-age=31536000, immutable"


def background_document(context) -> bytes:
    """Return the background's GeoJSON (UTF-8) for the context frame ``context``."""
    features = []
    for kind in AREA_KINDS:
        for _, row in context[context["kind"] == kind].iterrows():
            geometry = row.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
            if geometry.is_empty:
                continue
            inside = row.geometry.representative_point()
            features.append(_feature(row, geometry, label_lat=round(inside.y, DECIMALS),
                                     label_lon=round(inside.x, DECIMALS)))  # fmt: skip
    for _, row in context[context["kind"].isin(LABEL_KINDS)].iterrows():
        features.append(_feature(row, row.geometry))
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _feature(row, geometry, **extra) -> dict:
    properties = {"id": row["id"], "kind": row["kind"], "name_vi": row["name_vi"], "name_en": row["name_en"]}
    return {"type": "Feature", "properties": properties | extra, "geometry": _rounded(geometry.__geo_interface__)}


def _rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value, (int, float)):
            return round(value, DECIMALS)
        return [walk(item) for item in value]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def background() -> tuple[bytes, str]:
    """Return the loaded data set's background document and its version (built once per data set)."""
    data = dataset()
    cached = current_app.extensions.get("hpmap.background")
    if cached is None or cached[0] is not data:
        body = background_document(data.context)
        cached = (data, body, hashlib.sha1(body).hexdigest()[:12])
        current_app.extensions["hpmap.background"] = cached
    return cached[1], cached[2]


def background_url() -> str:
    """The background's URL, versioned by its content."""
    return f"/background.geojson?v={background()[1]}"


@bp.get("/background.geojson")
def background_geojson():
    """The map's background (sea, rivers, boundaries, place names) as GeoJSON."""
    body, version = background()
    response = Response(body, mimetype="application/geo+json")
    # a page made before the data changed asks for the old version: it gets the current one, not cached long
    response.headers["Cache-Control"] = YEAR if request.args.get("v") == version else "public, max-age=300"
    response.set_etag(version)
    return response.make_conditional(request)
