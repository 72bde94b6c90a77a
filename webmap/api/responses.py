"""What the API's answers share: open to scripts of any site, cached for five minutes, revalidated by ETag;
JSON that never holds a NaN; CSV and Excel workbooks as attachments.

An answer is tagged either by its URL and the fingerprint of the data and of the code that shapes answers
(``tagged_by_url``: the OGC API and the site search, whose answers carry a timestamp), or by its body
(``public_and_cacheable``: the reports, whose default reference date is today).
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from flask import Flask, Response, current_app, request

from geo.formats.export import XLSX_MEDIA_TYPE
from geo.model.dataset import Dataset
from geo.model.features import compact_json

JSON = "application/json"
GEOJSON = "application/geo+json"
CSV = "text/csv; charset=utf-8"
XLSX = XLSX_MEDIA_TYPE
CACHE_CONTROL = "public, max-age=300"
_FINGERPRINT = "hpmap.api.fingerprint"
# The geo code that shapes the answers, besides webmap/api itself: found without importing it (the PostGIS
# modules need psycopg, which a deployment on the files does not load).
_SHAPING_ANSWERS = (
    "geo.model.features", "geo.formats.export", "geo.stores.query", "geo.stores.clusters", "geo.stores.memory",
    "geo.postgis.statements", "geo.postgis.store", "geo.analysis.sites", "geo.analysis.proposal",
)


def data_fingerprint(data: Dataset) -> str:
    """Return a hash of every feature served and of the code that shapes the answers."""
    digest = hashlib.sha256()
    shaping = [Path(importlib.util.find_spec(module).origin) for module in _SHAPING_ANSWERS]
    code = sorted(Path(__file__).parent.rglob("*.py")) + shaping
    for path in code:
        digest.update(path.read_bytes())
    for name, layer in data.layers.items():
        digest.update(name.encode())
        for text in layer.feature_texts:
            digest.update(text.encode())
    return digest.hexdigest()


def remember_fingerprint(app: Flask, fingerprint: str) -> None:
    """Tag ``app``'s answers from now on with ``fingerprint`` (``data_fingerprint`` of the data it serves)."""
    app.extensions[_FINGERPRINT] = fingerprint


def public_and_cacheable(response: Response, etag: str | None = None) -> Response:
    """Let any site's scripts read ``response``; make a 200 to GET or HEAD cacheable and conditional.

    The ETag is weak, and ``etag`` when given (a tag that does not depend on the body, whose timeStamp
    changes between responses), otherwise a hash of the body.
    """
    response.headers["Access-Control-Allow-Origin"] = "*"  # public open data, for web clients on any site
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        if etag is None:
            response.add_etag(weak=True)
        else:
            response.set_etag(etag, weak=True)
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.make_conditional(request)
    return response


def tagged_by_url(response: Response) -> Response:
    """``public_and_cacheable``, tagged by the request's URL and the data and code fingerprint."""
    tag = hashlib.sha256(f"{current_app.extensions[_FINGERPRINT]} {request.url}".encode()).hexdigest()[:32]
    return public_and_cacheable(response, tag)


def json_response(body: dict | list, content_type: str = JSON) -> Response:
    """Return ``body`` as compact JSON; a NaN that slipped through is a bug to see, never invalid JSON to send."""
    return Response(compact_json(body), content_type=content_type)


def csv_attachment(text: str, filename: str) -> Response:
    """Return CSV ``text`` as a download named ``filename``."""
    return Response(text, content_type=CSV, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def xlsx_attachment(book: bytes, filename: str) -> Response:
    """Return the Excel workbook ``book`` (``geo.formats.export.xlsx_bytes``) as a download named ``filename``."""
    return Response(book, content_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
