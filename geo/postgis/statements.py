"""The SQL of the items and clusters queries, built from a ``FeatureQuery`` with every value a parameter."""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import sql

from geo.model.errors import InvalidQuery
from geo.model.features import compact_json
from geo.postgis.connection import GEOJSON_DECIMALS, table_identifier
from geo.stores.clusters import MAX_CELLS, cell_size
from geo.stores.query import FeatureQuery, check_bbox, parse_number, simplify_tolerance

_ALL_PROPERTIES = sql.SQL("properties_json::text")


def _feature(geometry: str, properties: sql.Composable = _ALL_PROPERTIES) -> sql.Composed:
    """Return the SQL of a row's GeoJSON Feature as compact text, its geometry given by the expression ``geometry``
    and its properties' JSON text by ``properties`` (by default all of them, as stored).

    Concatenated rather than built with ``json_build_object``: the parts are JSON text already
    (``ST_AsGeoJSON``, the stored properties), so nothing is parsed again, and the result is text,
    which psycopg hands over as a ``str`` instead of decoding it into dicts.
    """
    return sql.SQL(
        """'{{"type":"Feature","id":' || to_json(id)::text """
        """|| ',"geometry":' || coalesce(ST_AsGeoJSON({geometry}, {decimals}), 'null') """
        """|| ',"properties":' || {properties} || '}}'"""
    ).format(geometry=sql.SQL(geometry), decimals=sql.Literal(GEOJSON_DECIMALS), properties=properties)


def _some_properties(names: Sequence[str], stored: Sequence[str] | None) -> sql.Composed:
    """Return the SQL of the JSON object of a row's properties ``names``, in that order.

    Each value is spliced from ``property_texts``, the row's values as JSON text in the order
    ``stored`` (the collection's ``property_names``); a database loaded before that column existed
    (``stored`` None) has them taken out of ``properties_json`` (``->`` keeps a json value's text).
    """
    parts = []
    for position, name in enumerate(names):
        key = sql.Literal(("," if position else "{") + compact_json(name) + ":")
        if stored is None:
            value = sql.SQL("coalesce((properties_json -> {})::text, 'null')").format(sql.Literal(name))
        else:
            value = sql.SQL("property_texts[{}]").format(sql.Literal(stored.index(name) + 1))
        parts.append(sql.SQL("{} || {}").format(key, value))
    return sql.SQL("(") + sql.SQL(" || ").join(parts) + sql.SQL(" || '}')")


# As geo.stores.query.simplified: topology-preserving simplification to a tolerance (%s, degrees), keeping
# the stored geometry where the result would be empty or invalid, and a MultiPolygon of one part a
# MultiPolygon.
_SIMPLIFIED = (
    "(SELECT CASE WHEN ST_IsEmpty(simple) OR NOT ST_IsValid(simple) THEN geom "
    "WHEN GeometryType(geom) = 'MULTIPOLYGON' THEN ST_Multi(simple) ELSE simple END "
    "FROM (SELECT ST_SimplifyPreserveTopology(geom, %s) AS simple) AS simplified)"
)
# One row per feature of the page, in layer order, each with the number of matching features (an
# InitPlan: counted once). The page is cut first and its features built after (LATERAL, flattened by
# the planner), so their cost, simplification included, is bounded by the limit. An empty page has no row.
_ITEMS = sql.SQL(
    "SELECT (SELECT count(*) FROM {features} WHERE {conditions}), feature.text "
    "FROM (SELECT * FROM {features} WHERE {conditions} ORDER BY ord LIMIT %s OFFSET %s) "
    "AS page CROSS JOIN LATERAL (SELECT {feature}) AS feature (text) ORDER BY page.ord"
)
# A feature as stored (``feature_text``, written by ``hpmap db load``), or built where a row lacks it.
_STORED_FEATURE = sql.SQL("coalesce(feature_text, {})").format(_feature("geom"))
_ITEM = sql.SQL("SELECT {feature} FROM {features} WHERE collection = %s AND id = %s")
ITEM = _ITEM.format(feature=_feature("geom"), features=table_identifier("features"))
STORED_ITEM = _ITEM.format(feature=_STORED_FEATURE, features=table_identifier("features"))
# Whether hpmap.features has feature_text: a database loaded by an older release has not.
FEATURE_TEXT_STORED = sql.SQL(
    "SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass({}) AND attname = 'feature_text' "
    "AND NOT attisdropped)"
).format(sql.Literal("hpmap.features"))
# property_names through to_jsonb: NULL, not an error, where a database made before has no such column.
COLLECTIONS = sql.SQL("SELECT name, property_kinds, to_jsonb(c) -> 'property_names' FROM {} AS c ORDER BY ord").format(
    table_identifier("collections")
)
# The box as ST_Envelope of its diagonal: a zero-width box stays a point or a line, which intersects what
# it lies in (ST_MakeEnvelope would give a collapsed polygon, which intersects nothing), as shapely does.
_ENVELOPE = (
    "ST_Intersects(geom, ST_Envelope(ST_SetSRID(ST_MakeLine(ST_MakePoint(%s, %s), ST_MakePoint(%s, %s)), 4326)))"
)
_TEXT_MATCH = "(jsonb_typeof(properties -> %s) IN ('string', 'array') AND (properties -> %s) ?| %s::text[])"
_NUMBER_MATCH = (
    "(CASE WHEN jsonb_typeof(properties -> %s) = 'number' THEN (properties ->> %s)::float8 END) = ANY(%s::float8[])"
)


def items_statement(
    collection: str,
    query: FeatureQuery,
    kinds: dict[str, str],
    names: Sequence[str] | None = None,
    stored_text: bool = False,
) -> tuple[sql.Composed, list]:
    """Return the SQL and parameters answering ``query`` on ``collection``, whose properties are ``kinds``.

    The statement gives one row per feature of the page, in layer order: the number of matching
    features, then the feature as GeoJSON text, its geometry simplified for ``query.zoom`` when it
    is given, with ``query.properties`` only when they are given (``names``: the collection's
    ``property_names``, if stored). A feature with neither is read as stored when ``stored_text`` says the
    table has ``feature_text``. An empty page gives no row. Raises ``InvalidQuery`` as
    ``geo.stores.query.run_query`` does, and for a property the collection does not have.
    """
    _check_paging(query)
    tolerance = None if query.zoom is None else simplify_tolerance(query.zoom)
    where, params = _selection(collection, query, kinds)
    geometry = "geom" if tolerance is None else _SIMPLIFIED
    if query.properties is None:
        feature = _STORED_FEATURE if stored_text and tolerance is None else _feature(geometry)
    else:
        unknown = [name for name in query.properties if name not in kinds]
        if unknown:
            raise InvalidQuery(f"properties: no property {', '.join(map(repr, unknown))} in collection '{collection}'")
        feature = _feature(geometry, _some_properties(query.properties, names))
    statement = _ITEMS.format(features=table_identifier("features"), conditions=where, feature=feature)
    params = [*params, *params, query.limit, query.offset]  # the count's conditions, then the page's
    return statement, params if tolerance is None else [*params, tolerance]  # the tolerance: last, in the LATERAL


def _selection(collection: str, query: FeatureQuery, kinds: dict[str, str]) -> tuple[sql.Composed, list]:
    """Return the WHERE conditions that select ``query``'s features of ``collection``, and their parameters."""
    conditions, params = ["collection = %s"], [collection]
    if query.bbox is not None:
        minx, miny, maxx, maxy = check_bbox(query.bbox)
        # A box whose min lon exceeds its max lon crosses the antimeridian: two boxes.
        boxes = [(minx, miny, maxx, maxy)] if minx <= maxx else [(minx, miny, 180.0, maxy), (-180.0, miny, maxx, maxy)]
        conditions.append("(" + " OR ".join([_ENVELOPE] * len(boxes)) + ")")
        params += [value for box in boxes for value in box]
    for property_, values in query.filters:
        if property_ not in kinds:
            raise InvalidQuery(f"no property '{property_}' to filter on")
        if kinds[property_] == "number":
            conditions.append(_NUMBER_MATCH)
            params += [property_, property_, [parse_number(property_, value) for value in values]]
        else:
            conditions.append(_TEXT_MATCH)
            params += [property_, property_, list(values)]
    return sql.SQL(" AND ").join(sql.SQL(condition) for condition in conditions), params


# As geo.stores.clusters.bin_points: the selected features' points (as geo.stores.clusters.representative_points: GEOS'
# point on surface; a Point is its own, so points skip GEOS), grouped by cell (floor of degrees / cell
# size), by row then column, at most one cell more than allowed (to tell "too many"). A lone feature gives
# its id. OFFSET 0 keeps the planner from inlining the point into each of its four uses (four GEOS calls a
# row), and lets it hash the groups: inlined, it sorted 60,000 rows, spilling to disk, in twice the time.
_CLUSTERS = sql.SQL(
    "SELECT cell_row, cell_column, count(*), avg(lon), avg(lat), CASE WHEN count(*) = 1 THEN min(id) END "
    "FROM (SELECT id, lon, lat, floor(lat / %s) AS cell_row, floor(lon / %s) AS cell_column "
    "FROM (SELECT id, ST_X(point) AS lon, ST_Y(point) AS lat FROM (SELECT id, "
    "CASE WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_PointOnSurface(geom) END AS point "
    "FROM {features} WHERE {conditions} OFFSET 0) AS selected) AS located "
    "WHERE lon IS NOT NULL AND lat IS NOT NULL) AS binned "
    "GROUP BY cell_row, cell_column ORDER BY cell_row, cell_column LIMIT %s"
)


def clusters_statement(
    collection: str, query: FeatureQuery, zoom: int, kinds: dict[str, str]
) -> tuple[sql.Composed, list]:
    """Return the SQL and parameters of ``query``'s clusters at ``zoom`` on ``collection`` (``geo.stores.clusters``).

    One row per occupied cell, by row then column: row, column, count, mean longitude, mean
    latitude, and the id of the cell's feature when it holds one; ``MAX_CELLS + 1`` rows at most.
    Raises ``InvalidQuery`` as ``items_statement`` does, and for a zoom outside 0..22.
    """
    size = cell_size(zoom)
    where, params = _selection(collection, query, kinds)
    statement = _CLUSTERS.format(features=table_identifier("features"), conditions=where)
    return statement, [size, size, *params, MAX_CELLS + 1]  # in the order of their places in the text


def _check_paging(query: FeatureQuery) -> None:
    for name, value, least in (("offset", query.offset, 0), ("limit", query.limit, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise InvalidQuery(f"{name}: expected a whole number of at least {least}, got {value!r}")
