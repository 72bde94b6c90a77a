"""Count a collection's features in the cells of a grid sized for a web map's zoom level: server-side clustering.

The grid is global and fixed for each zoom level: square cells ``cell_size(zoom)`` degrees wide
(``CELL_PX`` pixels of a Web Mercator map, east–west) whose edges lie on whole multiples of that
size from 0° longitude and latitude. A feature falls in the cell of its representative point
(``representative_points``); a cluster is an occupied cell, placed at the mean of its features'
points. Since the cells never move, panning the map changes which cells are shown, never their
contents. Coordinates are CRS84 degrees, longitude first.

Both feature stores cluster this way (the files with ``bin_points``, PostGIS in SQL) and give the
same cells, counts and ids; positions agree to the last few bits (sums taken in another order).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

import geopandas as gpd
import shapely

from geo.model.errors import InvalidQuery
from geo.stores.query import pixel_degrees

CELL_PX = 60  # a cell's width on screen, in pixels, at the zoom level it is made for
MAX_CELLS = 10_000  # most clusters one answer may hold: more is refused (ask for a smaller bbox or a lower zoom)
_DENSE_CELLS = 1 << 20  # grids up to this many cells are counted in an array, larger ones by sorting


@dataclass(frozen=True)
class Clusters:
    """The occupied cells of the grid for one zoom level, by row (south to north) then column (west to east).

    Arrays, one item per cell: the answer may hold up to ``MAX_CELLS`` cells.
    """

    zoom: int
    cell_size: float  # degrees, both ways: cell_size(zoom)
    rows: np.ndarray  # int64: floor(latitude / cell_size), ascending
    columns: np.ndarray  # int64: floor(longitude / cell_size), ascending within a row
    counts: np.ndarray  # int64: features in the cell, at least 1
    lons: np.ndarray  # float64: mean longitude of the cell's features' points (CRS84 degrees)
    lats: np.ndarray  # float64: mean latitude
    feature_ids: tuple[str | None, ...]  # the feature's id where the cell holds exactly one, else None

    @property
    def number_matched(self) -> int:
        """Return how many features the cells hold together."""
        return int(self.counts.sum())

    def feature_texts(self) -> list[str]:
        """Return one GeoJSON Point Feature per cell as compact JSON text: mean position, ``count``, lone ``id``.

        Text, as ``geo.stores.memory.FeaturePage``'s: up to ``MAX_CELLS`` features, written without building a
        dict for each (a float's repr is its JSON: the shortest text that reads back as the same double).
        """
        ids = [None if id_ is None else json.dumps(id_, ensure_ascii=False) for id_ in self.feature_ids]
        return [
            f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon!r},{lat!r}]}},'
            f'"properties":{{"count":{count}' + ("}}" if feature_id is None else f',"id":{feature_id}}}}}')
            for count, lon, lat, feature_id in zip(
                self.counts.tolist(), self.lons.tolist(), self.lats.tolist(), ids, strict=True
            )
        ]

    @property
    def features(self) -> list[dict]:
        """Return the clusters as GeoJSON Feature dicts (``feature_texts`` decoded)."""
        return [json.loads(text) for text in self.feature_texts()]


def cell_size(zoom: int) -> float:
    """Return the width of a cell, in degrees, for web map zoom level ``zoom``: ``CELL_PX`` pixels.

    A Web Mercator map at zoom z is 256 · 2^z pixels round the equator, so a cell spans
    60 · 360 / (256 · 2^z) degrees of longitude: a power of two times 84.375, exactly the same
    double wherever it is computed. Cells are as tall, in degrees, as they are wide: at Hải Phòng
    (20.8° N) that is about 64 pixels. Raises ``InvalidQuery`` for anything but a whole number 0..22.

    Examples
    --------
    >>> cell_size(0), cell_size(12)
    (84.375, 0.020599365234375)
    >>> cell_size(23)
    Traceback (most recent call last):
    ...
    geo.model.errors.InvalidQuery: zoom: expected a whole number from 0 to 22, got 23
    """
    return CELL_PX * pixel_degrees(zoom)


def representative_points(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return each feature's point to cluster by, as arrays of longitudes and latitudes (NaN where it has none).

    The point is GEOS' point on surface (shapely's ``point_on_surface``, PostGIS' ``ST_PointOnSurface``):
    a Point's own position, the point of a MultiPoint nearest its centroid, a point inside an outline
    (unlike the centroid, which may lie outside a concave one). Both stores ask GEOS, and its
    InteriorPointArea has given the same doubles across releases (3.11 and 3.14 agree on every
    feature of the shipped and of the synthetic data); a point that did differ by a last bit could
    change cell only if it lay on a cell's edge.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> lons, lats = representative_points(gpd.GeoDataFrame(geometry=[Point(106.7, 20.8), box(0, 0, 2, 1), None]))
    >>> lons.tolist(), lats.tolist()
    ([106.7, 1.0, nan], [20.8, 0.5, nan])
    """
    points = shapely.point_on_surface(gdf.geometry.to_numpy())
    return shapely.get_x(points), shapely.get_y(points)


def bin_points(lons: np.ndarray, lats: np.ndarray, ids: np.ndarray, zoom: int) -> Clusters:
    """Return the clusters of the points (``lons``, ``lats``) of the features ``ids`` at ``zoom``.

    A point without coordinates (NaN) is left out. Raises ``InvalidQuery`` for a bad zoom
    (``cell_size``) or when the points occupy more than ``MAX_CELLS`` cells.

    Examples
    --------
    >>> ids = np.array(["a", "b", "c"], dtype=object)
    >>> found = bin_points(np.array([106.60, 106.61, 106.90]), np.array([20.80, 20.80, 20.85]), ids, 10)
    >>> found.counts.tolist(), found.feature_ids, found.number_matched
    ([2, 1], (None, 'c'), 3)
    """
    size = cell_size(zoom)
    located = np.isfinite(lons) & np.isfinite(lats)
    if not located.all():
        lons, lats, ids = lons[located], lats[located], ids[located]
    rows = np.floor(lats / size).astype(np.int64)
    columns = np.floor(lons / size).astype(np.int64)
    keys, width, first_row, first_column = _cell_keys(rows, columns)
    cells, index = _occupied(keys)
    if len(cells) > MAX_CELLS:
        raise too_many_cells(zoom)
    counts = np.bincount(index, minlength=len(cells))
    # bincount adds the weights in the points' order; a lone point's mean is its own position exactly.
    lon_sums = np.bincount(index, weights=lons, minlength=len(cells))
    lat_sums = np.bincount(index, weights=lats, minlength=len(cells))
    # The sum of the positions in a cell holding one point is that point's position (exact below 2^53).
    position_sums = np.bincount(index, weights=np.arange(len(keys), dtype=float), minlength=len(cells))
    lone = counts == 1
    feature_ids = np.full(len(cells), None, dtype=object)
    feature_ids[lone] = ids[position_sums[lone].astype(np.int64)]
    return Clusters(
        zoom=zoom,
        cell_size=size,
        rows=cells // width + first_row,
        columns=cells % width + first_column,
        counts=counts,
        lons=lon_sums / np.maximum(counts, 1),
        lats=lat_sums / np.maximum(counts, 1),
        feature_ids=tuple(feature_ids.tolist()),
    )


def _cell_keys(rows: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, int, int, int]:
    """Return each point's cell as one number that sorts by row then column, the grid's width and origin."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64), 1, 0, 0
    first_row, first_column = int(rows.min()), int(columns.min())
    width = int(columns.max()) - first_column + 1
    # At most 360 / cell_size(22) ≈ 2e7 columns and half as many rows: the product fits in an int64.
    return (rows - first_row) * width + (columns - first_column), width, first_row, first_column


def _occupied(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct cell keys, ascending, and each point's index into them."""
    if len(keys) and int(keys.max()) < max(_DENSE_CELLS, 4 * len(keys)):
        # A grid small for the number of points (a zoomed-out view): count into an array, no sorting.
        present = np.bincount(keys) > 0
        cells = np.flatnonzero(present)
        slot = np.cumsum(present) - 1  # a key's index among the occupied cells
        return cells, slot[keys]
    return np.unique(keys, return_inverse=True)


def clusters_from_rows(zoom: int, rows: list[tuple]) -> Clusters:
    """Return the clusters given as (row, column, count, mean lon, mean lat, id or None) tuples, in order."""
    row_numbers, columns, counts, lons, lats, ids = zip(*rows, strict=True) if rows else ((),) * 6
    return Clusters(
        zoom=zoom,
        cell_size=cell_size(zoom),
        rows=np.array(row_numbers, dtype=np.int64),
        columns=np.array(columns, dtype=np.int64),
        counts=np.array(counts, dtype=np.int64),
        lons=np.array(lons, dtype=float),
        lats=np.array(lats, dtype=float),
        feature_ids=tuple(ids),
    )


def too_many_cells(zoom: int) -> InvalidQuery:
    """Return the error of an answer that would hold more than ``MAX_CELLS`` clusters (a 400)."""
    return InvalidQuery(
        f"zoom: at zoom {zoom} the features selected fill more than {MAX_CELLS:,} cells; "
        "ask for a smaller bbox (the map's view) or a lower zoom"
    )
