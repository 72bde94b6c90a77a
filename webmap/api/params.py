"""Parse and check the API's query strings; every bad value raises ``InvalidQuery`` (a 400).

OGC API – Features Part 1 asks a server to refuse parameters it does not know
(/req/core/query-param-unknown) and to clamp, not refuse, a limit above its maximum. What each
parameter accepts is what the OpenAPI document says (``webmap.api.openapi``); tests/test_schemathesis.py
holds the two together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from werkzeug.datastructures import MultiDict

from geo.analysis import sites
from geo.model.catalog import FORMER_PROVINCES, STATUSES, LayerSpec
from geo.model.errors import InvalidQuery
from geo.stores.query import MAX_ZOOM, FeatureQuery, check_bbox, filter_vocabulary, queryables
from webmap.i18n import LANGUAGES

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10**18  # far past any layer: a larger offset gives the same empty page
FORMATS = ("json", "geojson")
REPORT_FORMATS = ("json", "csv", "xlsx")  # the planners' reports: /api/coverage, /api/quality, /api/city
EVALUATE_FORMATS = ("json",)
SEARCH_INDEX_FORMATS = ("json",)
COMPARE_FORMATS = ("csv", "xlsx")  # the comparison page's ?f=: its table to download instead of the page
COMMON_PARAMETERS = ("f", "lang")
QUALITY_PARAMETERS = ("as_of", *COMMON_PARAMETERS)
ITEMS_PARAMETERS = ("bbox", "bbox-crs", "limit", "offset", *COMMON_PARAMETERS)
DISPLAY_PARAMETERS = ("zoom", "properties")  # items parameters that shape the features, not the selection
CLUSTERS_PARAMETERS = ("zoom", "bbox", "bbox-crs", *COMMON_PARAMETERS)  # then the filters, as on items
SITES_FORMATS = ("json", "csv", "xlsx", "geojson")
WEIGHT_PARAMETERS = {f"w_{c.parameter}": c.key for c in sites.CRITERIA}
DISTANCE_PARAMETERS = {f"max_km_{c.parameter}": c.key for c in sites.DISTANCES}
SITES_PARAMETERS = (
    "status", "min_free_ha", *DISTANCE_PARAMETERS, "sector", "in_zone", "former_province",
    *WEIGHT_PARAMETERS, "limit", "unknowns", *COMMON_PARAMETERS,
)  # fmt: skip
SITES_REPEATABLE = ("status", "sector")
# A value to look for, as the OpenAPI document states it: something besides spaces, and no NUL.
WORD_PATTERN = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"

_WHOLE_NUMBER = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def check_parameters(
    args: MultiDict, allowed: tuple[str, ...] = COMMON_PARAMETERS, repeatable: tuple[str, ...] = ()
) -> None:
    """Refuse unknown or repeated parameters and a bad ``f`` or ``lang``; ``lang`` changes nothing here."""
    for name in args:
        if name not in allowed:
            raise InvalidQuery(
                f"unknown query parameter '{name}'; the parameters of this endpoint are: {', '.join(allowed)}"
            )
        values = args.getlist(name)
        if any("\x00" in value for value in values):  # no name, id or vocabulary word holds one
            raise InvalidQuery(f"query parameter '{name}': a NUL character is not allowed")
        count = len(values)
        if count > 1 and name not in repeatable:
            raise InvalidQuery(f"query parameter '{name}' is given {count} times; give it once")
    _check_choice(args, "f", FORMATS)
    _check_choice(args, "lang", LANGUAGES)


def _check_choice(args: MultiDict, name: str, choices: tuple[str, ...]) -> None:
    value = args.get(name)
    if value is not None and value not in choices:
        raise InvalidQuery(f"{name}: expected one of {', '.join(choices)}, got '{value}'")


def parse_items_query(args: MultiDict, spec: LayerSpec) -> FeatureQuery:
    """Return the query that ``args`` asks of the items of ``spec``'s layer."""
    filterable = queryables(spec)
    check_parameters(args, allowed=ITEMS_PARAMETERS + filterable + DISPLAY_PARAMETERS, repeatable=filterable)
    return FeatureQuery(
        bbox=_parse_bbox_and_crs(args),
        filters=parse_filters(args, spec),
        offset=parse_offset(args.get("offset")),
        limit=parse_limit(args.get("limit")),
        zoom=parse_zoom(args.get("zoom")),
    )


def parse_clusters_query(args: MultiDict, spec: LayerSpec) -> tuple[FeatureQuery, int]:
    """Return the selection (bbox and filters, checked as for items) and the zoom that ``args`` ask clusters for.

    ``zoom`` is required; there is no paging: the answer holds every cluster (or is refused, when too many).
    """
    filterable = queryables(spec)
    check_parameters(args, allowed=CLUSTERS_PARAMETERS + filterable, repeatable=filterable)
    zoom = parse_zoom(args.get("zoom"))
    if zoom is None:
        raise InvalidQuery(f"zoom: required: the web map zoom level to cluster for, a whole number 0 to {MAX_ZOOM}")
    return FeatureQuery(bbox=_parse_bbox_and_crs(args), filters=parse_filters(args, spec)), zoom


def _parse_bbox_and_crs(args: MultiDict) -> tuple[float, float, float, float] | None:
    crs = args.get("bbox-crs", CRS84)
    if crs != CRS84:
        raise InvalidQuery(f"bbox-crs: only {CRS84} (longitude, latitude) is supported, got '{crs}'")
    return parse_bbox(args["bbox"]) if "bbox" in args else None


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Return the 2D box of ``bbox=minx,miny,maxx,maxy`` or of a 3D ``minx,miny,minz,maxx,maxy,maxz``.

    The ranges and the order of the latitudes are checked (``geo.stores.query.check_bbox``): a latitude
    beyond ±90 is most often a box given latitude first. A box of no width or height selects what
    it touches.
    """
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise InvalidQuery(
            f"bbox: expected 4 comma-separated numbers (min lon, min lat, max lon, max lat) "
            f"or 6 for a 3D box, got {len(parts)} value(s): '{text}'"
        )
    numbers = [_decimal("bbox", part) for part in parts]
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]  # drop the heights: CRS84 has none
    return check_bbox(numbers)


def _decimal(name: str, text: str) -> float:
    number = float(text) if _DECIMAL.fullmatch(text) else math.nan
    if not math.isfinite(number):
        raise InvalidQuery(f"{name}: '{text}' is not a finite decimal number")
    return number


def parse_limit(text: str | None) -> int:
    """Return the page size: 100 by default, and at most 1000 (a larger limit is clamped)."""
    if text is None:
        return DEFAULT_LIMIT
    return parse_whole_number("limit", text, MAX_LIMIT)


def parse_offset(text: str | None) -> int:
    """Return how many matching features to skip: 0 by default; past the end gives an empty page."""
    if text is None:
        return 0
    if not _WHOLE_NUMBER.fullmatch(text):
        raise InvalidQuery(f"offset: expected a whole number from 0, got '{text}'")
    return _clamped_int(text, MAX_OFFSET)


def parse_zoom(text: str | None) -> int | None:
    """Return the web map zoom level to simplify geometries for (0 to 22), or None: geometries as stored."""
    if text is None:
        return None
    if not _WHOLE_NUMBER.fullmatch(text) or len(text.lstrip("0")) > 2 or int(text) > MAX_ZOOM:
        raise InvalidQuery(f"zoom: expected a whole number from 0 to {MAX_ZOOM}, got '{text}'")
    return int(text)


def parse_properties(text: str | None, available: Sequence[str]) -> tuple[str, ...] | None:
    """Return the properties ``properties=a,b,c`` asks each feature to carry, in the order of ``available``
    (None: all of them).

    A client that draws a few of a layer's fields (the map: names, status, what its popups show)
    asks for those only; the answer shrinks by as much.
    """
    if text is None:
        return None
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise InvalidQuery("properties: give a comma-separated list of property names, e.g. properties=name_vi,status")
    unknown = [name for name in names if name not in available]
    if unknown:
        raise InvalidQuery(
            f"properties: no property {', '.join(repr(n) for n in unknown)} in this collection; "
            f"its properties are: {', '.join(available)}"
        )
    asked = set(names)
    return tuple(name for name in available if name in asked)


def _clamped_int(digits: str, ceiling: int) -> int:
    # Python refuses to parse ints of more than 4300 digits; any such number is above the ceiling.
    significant = digits.lstrip("0") or "0"
    return ceiling if len(significant) > len(str(ceiling)) else min(int(significant), ceiling)


def parse_filters(args: MultiDict, spec: LayerSpec) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the property filters in ``args``, checking closed vocabularies (status, kind, ...)."""
    vocabularies = filter_vocabulary(spec)
    filters = []
    for name in queryables(spec):
        values = tuple(args.getlist(name))
        if not values:
            continue
        filters.append((name, checked_values(name, values, vocabularies.get(name))))
    return tuple(filters)


def checked_values(name: str, values: Sequence[str], vocabulary: Sequence[str] | None) -> tuple[str, ...]:
    """Return ``values`` of parameter ``name``, refusing a blank one or, given a ``vocabulary``, a word not in it."""
    for value in values:
        if value.strip() == "":
            raise InvalidQuery(f"{name}: give a value, e.g. {name}={vocabulary[0] if vocabulary else '...'}")
        if vocabulary is not None and value not in vocabulary:
            raise InvalidQuery(f"{name}: '{value}' is not one of {', '.join(vocabulary)}")
    return tuple(values)


def check_format(
    args: MultiDict, allowed: tuple[str, ...], formats: tuple[str, ...], repeatable: tuple[str, ...] = ()
) -> str:
    """Check the parameters like ``check_parameters`` but with this endpoint's own formats; return ``f``.

    The analyses speak other formats (csv, xlsx) than the OGC endpoints (json, geojson).
    """
    others = MultiDict([(name, value) for name, value in args.items(multi=True) if name != "f"])
    check_parameters(others, allowed=allowed, repeatable=repeatable)
    given = args.getlist("f")
    if len(given) > 1:
        raise InvalidQuery(f"query parameter 'f' is given {len(given)} times; give it once")
    format_ = given[0] if given else "json"
    if format_ not in formats:
        raise InvalidQuery(f"f: expected one of {', '.join(formats)}, got '{format_}'")
    return format_


# --- GET /api/sites --------------------------------------------------------------------------------


def parse_site_query(args: MultiDict, zone_ids: Sequence[str]) -> sites.SiteQuery:
    """Return the site query of ``GET /api/sites``'s parameters, with defaults for the missing ones.

    ``zone_ids`` are the economic zones ``in_zone`` may name besides any, yes and no.
    """
    weights = dict(sites.DEFAULT_WEIGHTS)
    weights |= {key: parse_amount(name, args[name]) for name, key in WEIGHT_PARAMETERS.items() if name in args}
    choice = {name: checked_values(name, args.getlist(name), vocabulary)[0] for name, vocabulary in (
        ("former_province", FORMER_PROVINCES), ("unknowns", sites.UNKNOWNS_CHOICES)) if name in args}  # fmt: skip
    return sites.SiteQuery(
        statuses=checked_values("status", args.getlist("status"), STATUSES),
        min_free_ha=parse_amount("min_free_ha", args["min_free_ha"]) if "min_free_ha" in args else None,
        max_km={key: parse_amount(name, args[name], above_zero=True) for name, key in DISTANCE_PARAMETERS.items()
                if name in args},
        sectors=checked_values("sector", args.getlist("sector"), None),
        in_zone=_in_zone(args.get("in_zone", "any"), zone_ids),
        former_province=choice.get("former_province"),
        weights=weights,
        limit=None if "limit" not in args else parse_whole_number("limit", args["limit"], ceiling=10**9),
        unknowns=choice.get("unknowns", "apart"),
    )


def _in_zone(value: str, zone_ids: Sequence[str]) -> str:
    if value in sites.IN_ZONE_CHOICES or value in zone_ids:
        return value
    choices = ", ".join((*sites.IN_ZONE_CHOICES, *zone_ids))
    raise InvalidQuery(f"in_zone: expected one of {choices} (an economic zone id), got '{value}'")


def parse_amount(name: str, text: str, above_zero: bool = False) -> float:
    """Return a finite decimal number of at least 0 (ha, a weight), or above 0 (a distance); -0 is 0."""
    number = float(text) if _DECIMAL.fullmatch(text) else math.nan
    if not (0 < number < math.inf if above_zero else 0 <= number < math.inf):
        bound = "above 0" if above_zero else "of at least 0"
        raise InvalidQuery(f"{name}: expected a finite decimal number {bound}, got '{text}'")
    return number + 0.0


def parse_whole_number(name: str, text: str, ceiling: int) -> int:
    """Return a whole number from 1, read as ``ceiling`` when larger (the limits: OGC's 1000, far more than parks)."""
    if not _WHOLE_NUMBER.fullmatch(text) or not text.strip("0"):
        raise InvalidQuery(f"{name}: expected a whole number from 1, got '{text}'")
    return _clamped_int(text, ceiling)
