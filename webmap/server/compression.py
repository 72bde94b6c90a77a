"""gzip for clients that accept it: the app's answers compressed as they leave, the static files once.

The map's first load was 550 KB uncompressed (its layers' GeoJSON above all); GeoJSON and scripts
shrink five- to tenfold. Static files are compressed once, when the app is created (they change only
with a release, and their URLs carry a version); other answers as they are sent, at a fast level
(6 saves little more on GeoJSON and costs twice the time). A proxy that compresses already
(docs/deployment.md) sees an encoded answer and passes it on; ``Vary: Accept-Encoding`` tells caches
to keep the two variants apart.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from flask import Flask, Response, request

from webmap.templating import STATIC_DIR

LEVEL = 4
STATIC_LEVEL = 9
MIN_BYTES = 1024  # below a packet, compression saves nothing
COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "application/javascript",
                "application/vnd.oai.openapi+json", "image/svg+xml")  # fmt: skip
STATIC_SUFFIXES = (".js", ".css", ".svg", ".json", ".html", ".txt", ".map")


def accepts_gzip() -> bool:
    """Tell whether the request's ``Accept-Encoding`` takes gzip (and does not refuse it with q=0)."""
    for part in request.headers.get("Accept-Encoding", "").lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def precompressed_static(directory: Path = STATIC_DIR) -> dict[str, bytes]:
    """Return each compressible static file's gzip bytes by its path under /static/ (when they save bytes)."""
    compressed = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix in STATIC_SUFFIXES:
            raw = path.read_bytes()
            packed = gzip.compress(raw, STATIC_LEVEL, mtime=0)
            if len(packed) < len(raw):
                compressed[path.relative_to(directory).as_posix()] = packed
    return compressed


def register(app: Flask) -> None:
    """Compress ``app``'s answers for clients that accept gzip."""
    static = precompressed_static()

    @app.after_request
    def compress(response: Response) -> Response:
        response.vary.add("Accept-Encoding")
        if response.status_code != 200 or "Content-Encoding" in response.headers or not accepts_gzip():
            return response
        if request.endpoint == "static":
            packed = static.get(request.view_args.get("filename", ""))
            if packed is None:
                return response
            response.close()  # the file send_file opened
            response.direct_passthrough = False
            response.set_data(packed)
        else:
            if response.is_streamed or not (response.mimetype or "").startswith(COMPRESSIBLE):
                return response
            body = response.get_data()
            if len(body) < MIN_BYTES:
                return response
            response.set_data(gzip.compress(body, LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        return response
