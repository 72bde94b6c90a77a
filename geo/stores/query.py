"""Select a layer's features by bounding box, property values and page: the OGC API items query.

A query may also ask for its page's geometries simplified for a web map's zoom level (``zoom``).
Every function returns a new frame (or a ``Page`` holding one) and never modifies its input.
Coordinates are CRS84 degrees: longitude first, as in GeoJSON and the ``gdf`` (EPSG:4326).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, box

from geo.model.catalog import FORMER_PROVINCES, GEOMETRY_QUALITIES, QUERYABLES, STATUSES, LayerSpec
from geo.model.errors import InvalidQuery

Bbox = tuple[float, float, float, float]  # (min lon, min lat, max lon, max lat), CRS84 degrees
MAX_ZOOM = 22  # the deepest web map zoom level a query may simplify for
TILE_PX = 256  # a Web Mercator tile's width in pixels: the world is TILE_PX · 2^zoom pixels wide
_POLYGON, _MULTIPOLYGON = 3, 6  # shapely.get_type_id's codes


@dataclass(frozen=True)
class FeatureQuery:
    """What a client asked of one collection's items."""

    bbox: Bbox | None = None  # min lon > max lon means the box crosses the antimeridian
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (property, values): any value, every property
    offset: int = 0  # features to skip, counted after filtering
    limit: int = 100  # most features to return
    zoom: int | None = None  # web map zoom level 0..MAX_ZOOM: simplify the page's geometries for it; None: as stored
    properties: tuple[str, ...] | None = None  # the properties each feature carries, in layer order; None: all


class Paging:
    """What a page of results knows about its neighbours (needs features, number_matched, offset, limit)."""

    @property
    def number_returned(self) -> int:
        """Return how many features this page holds."""
        return len(self.features)

    @property
    def has_next(self) -> bool:
        """Return whether features remain after this page."""
        return self.offset + self.limit < self.number_matched

    @property
    def has_previous(self) -> bool:
        """Return whether features come before this page."""
        return self.offset > 0


@dataclass(frozen=True)
class Page(Paging):
    """One page of the features matching a query."""

    features: gpd.GeoDataFrame  # the page, in layer order
    number_matched: int  # features matching the query, on every page
    offset: int
    limit: int


def run_query(gdf: gpd.GeoDataFrame, query: FeatureQuery) -> Page:
    """Return the page of ``gdf`` that ``query`` selects: bbox, then filters, then offset and limit.

    With a ``zoom``, the page's geometries (only those: the cost is bounded by the limit) are then
    simplified for it (``simplified``); the bbox is matched against the geometries as stored.
    """
    positions, number_matched = page_positions(gdf, query)
    result = Page(gdf.iloc[positions], number_matched, query.offset, query.limit)
    if query.zoom is None:
        return result
    return replace(result, features=simplified(result.features, simplify_tolerance(query.zoom)))


def page_positions(gdf: gpd.GeoDataFrame, query: FeatureQuery) -> tuple[np.ndarray, int]:
    """Return the positions of the rows on the page ``query`` selects, and how many rows match in all.

    Bbox, then filters, then offset and limit; a bad zoom is refused before any of that work.
    """
    if query.zoom is not None:
        simplify_tolerance(query.zoom)
    positions = selected_positions(gdf, query)
    start, stop = page_bounds(len(positions), query.offset, query.limit)
    return positions[start:stop], len(positions)


def selected_positions(gdf: gpd.GeoDataFrame, query: FeatureQuery) -> np.ndarray:
    """Return the positions of the rows of ``gdf`` that ``query``'s bbox and filters select, in layer order."""
    positions = np.arange(len(gdf)) if query.bbox is None else bbox_positions(gdf, query.bbox)
    if query.filters:
        positions = positions[_matches(gdf.iloc[positions], query.filters)]
    return positions


def page_bounds(matched: int, offset: int, limit: int) -> tuple[int, int]:
    """Return the slice (start, stop) of ``matched`` results that the page at ``offset`` of ``limit`` covers.

    An offset past the end gives an empty page. ``offset`` must be >= 0 and ``limit`` >= 1.

    >>> page_bounds(5, 3, 10), page_bounds(5, 9, 10)
    ((3, 5), (5, 5))
    """
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidQuery(f"offset: expected a whole number of at least 0, got {offset!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidQuery(f"limit: expected a whole number of at least 1, got {limit!r}")
    start = min(offset, matched)
    return start, min(start + limit, matched)


def check_bbox(bbox: Iterable[float]) -> Bbox:
    """Return ``bbox`` as a 4-tuple of floats, or raise ``InvalidQuery`` saying what is wrong.

    Longitudes lie in -180..180 and latitudes in -90..90; min lat may not exceed max lat, but
    min lon may exceed max lon: such a box crosses the antimeridian (OGC API – Features 7.15.3).

    Examples
    --------
    >>> check_bbox([170, -10, -170, 10])
    (170.0, -10.0, -170.0, 10.0)
    >>> check_bbox([106.5, 21.0, 106.8, 20.5])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.model.errors.InvalidQuery: bbox: min latitude 21.0 is above max latitude 20.5 ...
    """
    try:
        values = tuple(float(v) for v in bbox)
    except (TypeError, ValueError):
        raise InvalidQuery(f"bbox: expected numbers, got {bbox!r}") from None
    if len(values) != 4:
        raise InvalidQuery(f"bbox: expected 4 numbers (min lon, min lat, max lon, max lat), got {len(values)}")
    if not all(math.isfinite(v) for v in values):
        raise InvalidQuery(f"bbox: every number must be finite, got {list(values)}")
    for name, value, limit in zip(("longitude", "latitude") * 2, values, (180, 90) * 2, strict=True):
        _check_range(name, value, limit)
    _, miny, _, maxy = values
    if miny > maxy:
        raise InvalidQuery(
            f"bbox: min latitude {miny} is above max latitude {maxy} (order: min lon, min lat, max lon, max lat)"
        )
    return values


def _check_range(name: str, value: float, limit: float) -> None:
    if not -limit <= value <= limit:
        raise InvalidQuery(f"bbox: {name} {value} is outside -{limit}..{limit} (CRS84: longitude first, then latitude)")


def within_bbox(gdf: gpd.GeoDataFrame, bbox: Iterable[float]) -> gpd.GeoDataFrame:
    """Return the rows of ``gdf`` whose geometry intersects ``bbox``, found with the spatial index.

    A box whose min lon exceeds its max lon crosses the antimeridian and is searched as two boxes,
    min lon..180 and -180..max lon.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> places = gpd.GeoDataFrame({"name": ["Suva", "Apia"]}, geometry=[Point(178.4, -18.1), Point(-171.8, -13.8)])
    >>> list(within_bbox(places, (175, -20, -170, -10))["name"])
    ['Suva', 'Apia']
    >>> list(within_bbox(places, (-170, -20, 170, -10))["name"])
    []
    """
    return gdf.iloc[bbox_positions(gdf, bbox)]


def bbox_positions(gdf: gpd.GeoDataFrame, bbox: Iterable[float]) -> np.ndarray:
    """Return the sorted positions of the rows of ``gdf`` whose geometry intersects ``bbox`` (``within_bbox``)."""
    minx, miny, maxx, maxy = check_bbox(bbox)
    if minx <= maxx:
        boxes = [box(minx, miny, maxx, maxy)]
    else:
        boxes = [box(minx, miny, 180.0, maxy), box(-180.0, miny, maxx, maxy)]
    hits = [gdf.sindex.query(b, predicate="intersects") for b in boxes]
    # Sorted: rows keep the layer's order. Two boxes (either side of the antimeridian) may share a row.
    return np.sort(hits[0]) if len(hits) == 1 else np.unique(np.concatenate(hits))


def matching(gdf: gpd.GeoDataFrame, filters: Iterable[tuple[str, Iterable[str]]] = ()) -> gpd.GeoDataFrame:
    """Return the rows of ``gdf`` equal to one of the given values on every filtered property.

    A list property (``sectors``) matches when it contains a value; a numeric property compares
    numerically (``"1994"`` matches 1994.0). An unknown property or a non-number for a numeric
    property raises ``InvalidQuery``.
    """
    return gdf[_matches(gdf, filters)]


def _matches(gdf: gpd.GeoDataFrame, filters: Iterable[tuple[str, Iterable[str]]]) -> np.ndarray:
    keep = np.ones(len(gdf), dtype=bool)
    for property_, values in filters:
        keep &= _property_matches(gdf, property_, tuple(values))
    return keep


def _property_matches(gdf: gpd.GeoDataFrame, property_: str, values: tuple[str, ...]) -> np.ndarray:
    if property_ not in gdf.columns or property_ == gdf.geometry.name:
        raise InvalidQuery(f"no property '{property_}' to filter on")
    column = gdf[property_]
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        numbers = [parse_number(property_, value) for value in values]
        return column.isin(numbers).to_numpy(dtype=bool)
    wanted = set(values)
    if pd.api.types.infer_dtype(column, skipna=True) == "string":
        # Text and missing values only (status, kind, ids): matched in one vectorised pass, not cell by cell.
        return column.isin(wanted).to_numpy(dtype=bool)
    return np.fromiter((_cell_matches(cell, wanted) for cell in column), dtype=bool, count=len(column))


def _cell_matches(cell, wanted: set[str]) -> bool:
    if isinstance(cell, (list, tuple, np.ndarray)):
        return any(item in wanted for item in cell)
    return isinstance(cell, str) and cell in wanted


def parse_number(property_: str, text: str) -> float:
    """Return ``text`` as a finite float for a numeric filter on ``property_``, else ``InvalidQuery``."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InvalidQuery(f"{property_}: expected a number, got '{text}'")
    return number


def page(gdf: gpd.GeoDataFrame, offset: int = 0, limit: int = 100) -> Page:
    """Return the ``limit`` rows after the first ``offset``, with the number of rows in ``gdf``.

    An offset past the end gives an empty page. ``offset`` must be >= 0 and ``limit`` >= 1.

    Examples
    --------
    >>> letters = gpd.GeoDataFrame({"letter": list("abcde")}, geometry=[None] * 5)
    >>> result = page(letters, offset=3, limit=10)
    >>> list(result.features["letter"]), result.number_matched, result.has_next, result.has_previous
    (['d', 'e'], 5, False, True)
    """
    start, stop = page_bounds(len(gdf), offset, limit)
    return Page(gdf.iloc[start:stop], number_matched=len(gdf), offset=offset, limit=limit)


def simplify_tolerance(zoom: int) -> float:
    """Return the simplification tolerance, in degrees, for web map zoom level ``zoom``: half a pixel.

    A Web Mercator map at zoom z is 256 · 2^z pixels round the equator, so one pixel spans
    360 / (256 · 2^z) degrees of longitude at every latitude (and cos(latitude) times that of
    latitude: at Hải Phòng, 20.8° N, the tolerance is about 0.53 pixel north–south). The tolerance
    is half a pixel: 360 / (256 · 2^z) / 2 degrees, a power of two times 45, so exactly the same
    double wherever it is computed. Raises ``InvalidQuery`` for anything but a whole number 0..22.

    Examples
    --------
    >>> simplify_tolerance(0), simplify_tolerance(12)
    (0.703125, 0.000171661376953125)
    >>> simplify_tolerance(23)
    Traceback (most recent call last):
    ...
    geo.model.errors.InvalidQuery: zoom: expected a whole number from 0 to 22, got 23
    """
    return pixel_degrees(zoom) / 2


def pixel_degrees(zoom: int) -> float:
    """Return the width of a screen pixel in degrees of longitude at web map zoom ``zoom``: 360 / (256 · 2^zoom).

    A power of two times 1.40625, so exact. Raises ``InvalidQuery`` for anything but a whole number 0..22.
    """
    if isinstance(zoom, bool) or not isinstance(zoom, int) or not 0 <= zoom <= MAX_ZOOM:
        raise InvalidQuery(f"zoom: expected a whole number from 0 to {MAX_ZOOM}, got {zoom!r}")
    return 360 / (TILE_PX * 2**zoom)


def simplified(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` with each geometry simplified to ``tolerance`` degrees, topology preserved.

    shapely's ``simplify(tolerance, preserve_topology=True)`` (GEOS' TopologyPreservingSimplifier,
    as PostGIS' ``ST_SimplifyPreserveTopology``) keeps every ring and part, so a polygon never
    collapses; should a result still be empty or invalid, the feature keeps its stored geometry.
    A MultiPolygon of one part stays a MultiPolygon (GEOS would give a Polygon). Every dropped vertex
    lies within the tolerance of the outline, or within twice it where GEOS >= 3.12 also dropped a
    ring's first vertex (it checks that vertex, not those the vertex already stood for).

    Examples
    --------
    >>> from shapely.geometry import MultiPolygon, Polygon
    >>> bumpy = Polygon([(0, 0), (1, 0.001), (2, 0), (2, 2), (0, 2)])
    >>> [g.wkt for g in simplified(gpd.GeoDataFrame(geometry=[bumpy, MultiPolygon([bumpy])]), 0.01).geometry]
    ['POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))', 'MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)))']
    """
    out = gdf.copy()
    simple = simplified_geometries(gdf.geometry.to_numpy(), tolerance)
    out[gdf.geometry.name] = gpd.GeoSeries(simple, index=gdf.index, crs=gdf.crs)
    return out


def simplified_geometries(stored: np.ndarray, tolerance: float) -> np.ndarray:
    """Return the shapely geometries (or None) of ``stored`` simplified as ``simplified`` does, in a new array."""
    simple = shapely.simplify(stored, tolerance, preserve_topology=True)
    broken = shapely.is_empty(simple) | ~shapely.is_valid(simple)  # None is not valid: it stays None
    unwrapped = (shapely.get_type_id(stored) == _MULTIPOLYGON) & (shapely.get_type_id(simple) == _POLYGON)
    simple[unwrapped] = np.array([MultiPolygon([polygon]) for polygon in simple[unwrapped]], dtype=object)
    return np.where(broken, stored, simple)


def filter_vocabulary(spec: LayerSpec) -> dict[str, tuple[str, ...]]:
    """Return, for each queryable property of ``spec``'s layer with a closed vocabulary, its values."""
    vocabularies = {
        "kind": spec.kinds,
        "status": STATUSES,
        "former_province": FORMER_PROVINCES,
        "geometry_quality": tuple(GEOMETRY_QUALITIES),
    }
    return {name: values for name, values in vocabularies.items() if name in queryables(spec)}


def queryables(spec: LayerSpec) -> tuple[str, ...]:
    """Return the properties a client may filter ``spec``'s layer on."""
    return QUERYABLES.get(spec.name, ("id", "kind", "status"))
