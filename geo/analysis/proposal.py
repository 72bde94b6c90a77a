"""Check a proposed site: read a drawn polygon, then measure it against the zones, parks and key places.

``read_proposal`` turns a request body (GeoJSON, CRS84 longitude/latitude) into a checked polygon, or
raises ``InvalidQuery`` saying what is wrong and how to fix it. ``evaluate_proposal`` measures it in
UTM 48N (``METRIC_CRS``): its area, the economic zones holding it, the parks and clusters it overlaps,
and great-circle distances from its centroid to the key places.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import geopandas as gpd
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from geo.analysis.sites import DISTANCES
from geo.model.catalog import METRIC_CRS, REGION_BOUNDS, WEB_CRS
from geo.model.dataset import Dataset
from geo.model.errors import InvalidQuery
from geo.pipeline.derive import ZONE_SHARE, economic_zones, great_circle_km, key_point_uncertainties, key_points

MAX_AREA_HA = 5_000.0
MAX_VERTICES = 5_000
NOT_AREAS = ("Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection")
OVERLAP_LAYERS = ("industrial-parks", "industrial-clusters")
# Smaller intersections round to 0.00 ha; they are slivers along a shared edge (edges straight in degrees
# are not quite straight in UTM), not overlaps.
MIN_OVERLAP_M2 = 50.0


@dataclass(frozen=True)
class ZoneShare:
    """An economic zone and how much of the proposal lies in it."""

    id: str
    name_vi: str
    name_en: str
    share_pct: float  # % of the proposal's area inside the zone


@dataclass(frozen=True)
class Overlap:
    """A park or cluster that the proposal overlaps."""

    id: str
    layer: str
    name_vi: str
    name_en: str
    overlap_ha: float
    share_of_proposal_pct: float  # % of the proposal's area inside the feature


@dataclass(frozen=True)
class Evaluation:
    """What the proposal is and what it touches."""

    area_ha: float  # measured in computed_in
    centroid: tuple[float, float]  # (lon, lat), CRS84
    zone: ZoneShare | None  # the zone holding the largest share, if at least half
    zones: tuple[ZoneShare, ...]  # every zone it overlaps, largest share first
    overlaps: tuple[Overlap, ...]  # largest first
    distances_km: dict[str, float]  # criterion key (geo.analysis.sites) → great-circle km; NaN if the place is absent
    # criterion key → km each distance may be off: the place's position uncertainty (the drawn site is exact)
    distance_uncertainty_km: dict[str, float]
    computed_in: str = METRIC_CRS


def read_proposal(body: bytes) -> Polygon | MultiPolygon:
    """Return the polygon in a GeoJSON request body, checked, or raise ``InvalidQuery`` saying why not.

    The body holds a Polygon or MultiPolygon geometry, or a Feature holding one, in longitude/latitude
    (CRS84). It must be non-empty, valid (no self-intersection), inside the Hải Phòng region, at most
    5,000 vertices and at most 5,000 ha.

    Examples
    --------
    >>> read_proposal(b'{"type": "Point", "coordinates": [106.7, 20.8]}')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geo.model.errors.InvalidQuery: a Point is not an area: send a Polygon or MultiPolygon ...
    """
    shape = polygon_from_geojson(_decode_json(body))
    _check_in_region(shape)
    _check_valid(shape)
    _check_area(shape)
    return shape


def _decode_json(body: bytes):
    if not body.strip():
        raise InvalidQuery("the request body is empty: send a GeoJSON Polygon or MultiPolygon (longitude, latitude)")
    try:
        text = body.decode("utf-8")
        # Numbers as floats: a 400-digit integer is then inf (refused below as not finite), not an OverflowError.
        return json.loads(text, parse_constant=_refuse_constant, parse_int=float)
    except UnicodeDecodeError:
        raise InvalidQuery("the request body is not UTF-8 text: send GeoJSON (JSON, UTF-8)") from None
    except json.JSONDecodeError as error:
        raise InvalidQuery(f"the request body is not JSON ({error}): send a GeoJSON geometry or Feature") from None
    except RecursionError:
        raise InvalidQuery("the request body is not GeoJSON: its arrays are nested too deeply") from None


def _refuse_constant(name: str):
    raise InvalidQuery(f"the request body is not JSON: {name} is not a JSON number; coordinates must be finite")


def polygon_from_geojson(document) -> Polygon | MultiPolygon:
    """Return the Polygon or MultiPolygon in a decoded GeoJSON geometry or Feature, with its structure checked.

    Only the structure is checked here (types, rings, positions, vertex count, emptiness), not validity.

    Examples
    --------
    >>> polygon_from_geojson({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}).area
    0.5
    """
    geometry = _geometry_member(document)
    coordinates = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [_polygon_rings(coordinates, "coordinates")]
    else:
        if not isinstance(coordinates, list):
            raise InvalidQuery(
                f"coordinates: a MultiPolygon's coordinates are a list of polygons, got {_show(coordinates)}"
            )
        polygons = [_polygon_rings(part, f"coordinates[{i}]") for i, part in enumerate(coordinates)]
    vertices = sum(len(ring) for rings in polygons for ring in rings)
    if vertices > MAX_VERTICES:
        raise InvalidQuery(f"the outline has {vertices:,} vertices; at most {MAX_VERTICES:,} are accepted: simplify it")
    if not polygons or not any(polygons):
        raise InvalidQuery(f"the {geometry['type']} is empty: it has no rings; draw an outline")
    if geometry["type"] == "Polygon":
        return Polygon(polygons[0][0], polygons[0][1:])
    return MultiPolygon([(rings[0], rings[1:]) for rings in polygons if rings])


def _geometry_member(document) -> dict:
    """Return the geometry object of a geometry or a Feature, refusing anything that is not polygonal."""
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        raise InvalidQuery(f'not a GeoJSON object: expected a JSON object with a "type" member, got {_show(document)}')
    if document["type"] == "Feature":
        document = document.get("geometry")
        if not isinstance(document, dict) or not isinstance(document.get("type"), str):
            raise InvalidQuery(f"the Feature has no geometry object (got {_show(document)}): draw a Polygon")
    type_ = document["type"]
    if type_ in NOT_AREAS:
        raise InvalidQuery(f"a {type_} is not an area: send a Polygon or MultiPolygon (or a Feature holding one)")
    if type_ not in ("Polygon", "MultiPolygon"):
        raise InvalidQuery(
            f"'{_show(type_)}' is not accepted: send one Polygon or MultiPolygon geometry, or one Feature holding one"
        )
    return document


def _polygon_rings(rings, where: str) -> list[list[tuple[float, float]]]:
    if not isinstance(rings, list):
        raise InvalidQuery(f"{where}: a polygon's coordinates are a list of rings, got {_show(rings)}")
    return [_ring(ring, f"{where}[{i}]") for i, ring in enumerate(rings)]


def _ring(ring, where: str) -> list[tuple[float, float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise InvalidQuery(
            f"{where}: a ring is a list of at least 4 positions, the last equal to the first; got {_show(ring)}"
        )
    positions = [_position(position, f"{where}[{i}]") for i, position in enumerate(ring)]
    if positions[0] != positions[-1]:
        first = list(positions[0])
        raise InvalidQuery(f"{where}: the ring is not closed: its last position must repeat the first, {first}")
    return positions


def _position(position, where: str) -> tuple[float, float]:
    """Return (lon, lat) of a GeoJSON position, dropping any height."""
    numbers = isinstance(position, list) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in position
    )
    if not numbers or len(position) not in (2, 3) or not all(math.isfinite(v) for v in position):
        raise InvalidQuery(
            f"{where}: a position is 2 or 3 finite numbers (longitude, latitude[, height]), got {_show(position)}"
        )
    return float(position[0]), float(position[1])


def _show(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def _check_in_region(shape: BaseGeometry) -> None:
    west, south, east, north = REGION_BOUNDS
    minx, miny, maxx, maxy = shape.bounds
    if west <= minx and maxx <= east and south <= miny and maxy <= north:
        return
    where = f"lon {minx:g}..{maxx:g}, lat {miny:g}..{maxy:g}"
    message = (
        f"the proposal is far away: it spans {where}, not within the Hải Phòng region "
        f"(lon {west:g}..{east:g}, lat {south:g}..{north:g})"
    )
    if west <= miny and maxy <= east and south <= minx and maxx <= north:
        message += "; the coordinates look like latitude, longitude: GeoJSON puts longitude first"
    raise InvalidQuery(message)


def _check_valid(shape: BaseGeometry) -> None:
    if not shape.is_valid:
        raise InvalidQuery(f"{invalidity_in_words(explain_validity(shape))}: redraw it there")


# GEOS's reasons (shapely.validation.explain_validity) in a planner's words.
_INVALIDITY_WORDS = {
    "Self-intersection": "the outline crosses itself",
    "Ring Self-intersection": "the outline touches itself",
    "Interior is disconnected": "a hole cuts the outline in two",
    "Hole lies outside shell": "a hole lies outside the outline",
    "Nested holes": "a hole lies inside another hole",
    "Nested shells": "one part lies inside another",
    "Duplicate Rings": "a ring is drawn twice",
    "Too few points in geometry component": "a ring has too few distinct corners",
    "Ring is not closed": "a ring does not end where it starts",
}


def invalidity_in_words(reason: str) -> str:
    """Return GEOS's explanation of an invalid outline in words, with where it is as latitude, longitude.

    Examples
    --------
    >>> invalidity_in_words("Self-intersection[106.65 20.65]")
    'the outline crosses itself near 20.65000° N, 106.65000° E'
    >>> invalidity_in_words("Something new[1 2]")
    'the outline is invalid (Something new) near 2.00000° N, 1.00000° E'
    """
    what, _, where = reason.partition("[")
    words = _INVALIDITY_WORDS.get(what.strip(), f"the outline is invalid ({what.strip()})")
    try:
        lon, lat = (float(value) for value in where.rstrip("]").split()[:2])
    except ValueError:
        return words
    return f"{words} near {abs(lat):.5f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.5f}° {'E' if lon >= 0 else 'W'}"


def _check_area(shape: BaseGeometry) -> None:
    area_ha = _metric(shape).area / 10_000
    if area_ha > MAX_AREA_HA:
        raise InvalidQuery(f"the proposal measures {area_ha:,.1f} ha; at most {MAX_AREA_HA:,.0f} ha can be checked")
    if area_ha == 0:
        raise InvalidQuery("the proposal is empty: its outline encloses no area")


def _metric(shape: BaseGeometry) -> BaseGeometry:
    return gpd.GeoSeries([shape], crs=WEB_CRS).to_crs(METRIC_CRS).iloc[0]


def evaluate_proposal(shape: Polygon | MultiPolygon, data: Dataset) -> Evaluation:
    """Measure ``shape`` (EPSG:4326, as returned by ``read_proposal``) against the data set's layers.

    Areas and shares are computed in UTM 48N; distances are great-circle km from the centroid.
    """
    metric = _metric(shape)
    centroid = gpd.GeoSeries([metric.centroid], crs=METRIC_CRS).to_crs(WEB_CRS).iloc[0]
    lon, lat = round(centroid.x, 6), round(centroid.y, 6)
    zone_fractions = _zone_fractions(metric, data)
    zones = tuple(_zone_share(zone_id, fraction, data) for zone_id, fraction in zone_fractions)
    # Decide on the unrounded share: 49.999 % is not "at least half", even if it shows as 50.0.
    largest = zones[0] if zone_fractions and zone_fractions[0][1] >= ZONE_SHARE else None
    return Evaluation(
        area_ha=round(metric.area / 10_000, 2),
        centroid=(lon, lat),
        zone=largest,
        zones=zones,
        overlaps=_overlaps(metric, data),
        distances_km=_distances(lon, lat, data),
        distance_uncertainty_km=_distance_uncertainties(data),
    )


def _intersection_m2(metric: BaseGeometry, gdf: gpd.GeoDataFrame):
    """Return the area in m² of each feature of ``gdf`` inside ``metric``, keeping only real overlaps."""
    areas = gdf.geometry.to_crs(METRIC_CRS).intersection(metric).area
    return areas[areas >= MIN_OVERLAP_M2]


def _zone_fractions(metric: BaseGeometry, data: Dataset) -> list[tuple[str, float]]:
    """Return (zone id, fraction of the proposal inside it) for each economic zone overlapped, largest first."""
    areas = _intersection_m2(metric, economic_zones(data.layer("economic-zones").gdf))
    return sorted(((str(zone_id), area / metric.area) for zone_id, area in areas.items()), key=lambda z: (-z[1], z[0]))


def _zone_share(zone_id: str, fraction: float, data: Dataset) -> ZoneShare:
    zone = data.layer("economic-zones").gdf.loc[zone_id]
    return ZoneShare(zone_id, zone["name_vi"], zone["name_en"], round(100 * fraction, 2))


def _overlaps(metric: BaseGeometry, data: Dataset) -> tuple[Overlap, ...]:
    overlaps = []
    for name in OVERLAP_LAYERS:
        gdf = data.layer(name).gdf
        for feature_id, area in _intersection_m2(metric, gdf).items():
            row = gdf.loc[feature_id]
            overlap_ha, share_pct = round(area / 10_000, 2), _pct(area, metric.area)
            overlaps.append(Overlap(str(feature_id), name, row["name_vi"], row["name_en"], overlap_ha, share_pct))
    return tuple(sorted(overlaps, key=lambda o: (-o.overlap_ha, o.id)))


def _pct(part_m2: float, whole_m2: float) -> float:
    return round(100 * part_m2 / whole_m2, 2)


def _distances(lon: float, lat: float, data: Dataset) -> dict[str, float]:
    points = key_points({name: layer.gdf for name, layer in data.layers.items()})
    distances = {}
    for criterion in DISTANCES:
        place = points.get(criterion.parameter)
        distances[criterion.key] = round(great_circle_km(lon, lat, *place), 2) if place else float("nan")
    return distances


def _distance_uncertainties(data: Dataset) -> dict[str, float]:
    metres = key_point_uncertainties({name: layer.gdf for name, layer in data.layers.items()})
    return {c.key: round(metres.get(c.parameter, float("nan")) / 1000, 3) for c in DISTANCES}
