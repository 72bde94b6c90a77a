"""Small PMTiles archives for the tests of ``hpmap serve --basemap``: real vector tiles (MVT, encoded by
``mapbox-vector-tile``) in a real archive (written by ``pmtiles``), laid out as a Protomaps basemap is: an
``earth`` layer (land) and a ``water`` layer, here the tile's northern half, so a drawn tile has two colours."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import mapbox_vector_tile
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

EXTENT = 4096
MAX_ZOOM = 8
HAI_PHONG = (20.84, 106.68)  # lat, lon: the tiles written are the ones over it, one per zoom


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int]:
    """The (x, y) of the web-mercator tile at zoom ``z`` holding the point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def vector_tile() -> bytes:
    """One MVT tile: land everywhere, water over its northern half."""
    land = f"POLYGON ((0 0, {EXTENT} 0, {EXTENT} {EXTENT}, 0 {EXTENT}, 0 0))"
    water = f"POLYGON ((0 {EXTENT // 2}, {EXTENT} {EXTENT // 2}, {EXTENT} {EXTENT}, 0 {EXTENT}, 0 {EXTENT // 2}))"
    return mapbox_vector_tile.encode([
        {"name": "earth", "features": [{"geometry": land, "properties": {"kind": "earth"}}]},
        {"name": "water", "features": [{"geometry": water, "properties": {"kind": "ocean"}}]},
    ])  # fmt: skip


def write_basemap(path: Path, max_zoom: int = MAX_ZOOM) -> Path:
    """Write a PMTiles v3 archive of vector tiles over Hải Phòng, zooms 0 to ``max_zoom``; return ``path``."""
    data = gzip.compress(vector_tile(), mtime=0)
    tiles = sorted(zxy_to_tileid(z, *tile_of(*HAI_PHONG, z)) for z in range(max_zoom + 1))
    with path.open("wb") as file:
        writer = Writer(file)
        for tile_id in tiles:
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.GZIP,
                "min_zoom": 0,
                "max_zoom": max_zoom,
                "min_lon_e7": int(105.5e7), "min_lat_e7": int(20.0e7),
                "max_lon_e7": int(107.5e7), "max_lat_e7": int(21.5e7),
                "center_zoom": 9, "center_lon_e7": int(106.68e7), "center_lat_e7": int(20.84e7),
            },
            {"name": "hpmap test basemap", "vector_layers": [{"id": "earth"}, {"id": "water"}]},
        )  # fmt: skip
    return path
