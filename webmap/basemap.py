"""A vector basemap served by the app itself: one PMTiles archive (``hpmap serve --basemap FILE``).

An offline deployment that wants streets and place names under its layers gives the app a Protomaps /
OpenStreetMap extract in the PMTiles format (version 3, vector tiles); the page's renderer
(protomaps-leaflet, js/map/basemap.js) reads it with HTTP range requests from ``/basemap.pmtiles``, the one
file configured, and draws it instead of the online tiles. The archive's header is checked when the app
starts, so a wrong file stops start-up with a message naming it rather than a blank map.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, send_file

bp = Blueprint("basemap", __name__)
URL = "/basemap.pmtiles"  # protomaps-leaflet takes a URL ending in .pmtiles for an archive
MIMETYPE = "application/vnd.pmtiles"
CACHE_SECONDS = 86400
HEADER = struct.Struct("<7sB8Q3Q4B2B4iB2i")  # PMTiles v3's fixed 127-byte header (its spec, "Header")
MVT = 1
TILE_TYPES = {0: "unknown", 1: "vector (MVT)", 2: "PNG", 3: "JPEG", 4: "WebP", 5: "AVIF"}


class BasemapError(ValueError):
    """A basemap file that cannot be served; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Basemap:
    """A checked PMTiles archive: its path and what the renderer needs to know of it."""

    path: Path
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]  # west, south, east, north (degrees)

    def page_config(self) -> dict:
        """What the map page's script needs: the URL, the zooms the archive has tiles for, its extent."""
        west, south, east, north = self.bounds
        return {"url": URL, "minZoom": self.min_zoom, "maxZoom": self.max_zoom,
                "bounds": [[south, west], [north, east]]}  # fmt: skip


def open_basemap(path: str | Path) -> Basemap:
    """Check that ``path`` is a PMTiles v3 archive of vector tiles; return what serving it needs."""
    path = Path(path)
    if not path.is_file():
        raise BasemapError(f"{path}: no such file (--basemap expects a .pmtiles file)")
    with path.open("rb") as file:
        head = file.read(HEADER.size)
    if len(head) < HEADER.size or not head.startswith(b"PMTiles"):
        raise BasemapError(f"{path}: not a PMTiles archive (it does not start with the PMTiles header)")
    fields = HEADER.unpack(head)
    version = fields[1]
    if version != 3:
        raise BasemapError(f"{path}: PMTiles version {version}; the map reads version 3 (convert it with "
                           "`pmtiles convert`)")  # fmt: skip
    tile_type, min_zoom, max_zoom = fields[16], fields[17], fields[18]
    if tile_type != MVT:
        kind = TILE_TYPES.get(tile_type, f"type {tile_type}")
        raise BasemapError(f"{path}: its tiles are {kind}; --basemap needs vector tiles (MVT), such as a Protomaps "
                           "basemap extract")  # fmt: skip
    west, south, east, north = (value / 1e7 for value in fields[19:23])
    return Basemap(path.resolve(), min_zoom, max_zoom, (west, south, east, north))


def configured(app=None) -> Basemap | None:
    """The basemap of ``app`` (default: the current app), if it was given one."""
    return (app or current_app).extensions.get("hpmap.basemap")


def check(app) -> None:
    """Check ``app``'s ``BASEMAP`` file, if any, for serving (raises ``BasemapError`` on a wrong file)."""
    if app.config.get("BASEMAP"):
        app.extensions["hpmap.basemap"] = open_basemap(app.config["BASEMAP"])


@bp.get(URL)
def basemap_file():
    """The configured archive, whole or by byte range (``Range: bytes=…``, answered 206)."""
    basemap = configured()
    if basemap is None:
        abort(404)
    # send_file answers a Range request with 206 and that part only, or 416 when it lies outside the
    # file; the ETag and Last-Modified let the renderer check every part comes from the same file.
    response = send_file(basemap.path, mimetype=MIMETYPE, conditional=True, etag=True, max_age=CACHE_SECONDS)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
