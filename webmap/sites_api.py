"""The investor endpoints under /api: ``GET /api/sites`` (find and rank parks) and ``POST /api/evaluate``.

The scoring and the proposal checks live in ``geo.analysis.sites`` and ``geo.analysis.proposal``; this module parses the
request, calls them and writes JSON, CSV or GeoJSON. Every bad input raises ``InvalidQuery`` (a 400) or
``RequestEntityTooLarge`` (a 413), which ``webmap.errors`` turns into ``{"code", "description"}``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from shapely.geometry import mapping

from geo.analysis import proposal, sites
from geo.formats.export import csv_writer, flat_value
from geo.model.catalog import FORMER_PROVINCES, STATUSES
from geo.model.errors import InvalidQuery
from geo.model.features import json_value
from geo.pipeline.derive import economic_zones
from webmap import api, i18n, params
from webmap.layers import dataset
from webmap.server import answer_cache
from webmap.server.answer_cache import query_key

bp = Blueprint("sites_api", __name__)

JSON, GEOJSON, CSV = "application/json", "application/geo+json", "text/csv; charset=utf-8"
CACHE_CONTROL = "public, max-age=300"
MAX_BODY_BYTES = 64 * 1024  # a drawn outline is a few kB; the app-wide limit is 256 KiB
SITES_FORMATS = ("json", "csv", "geojson")
WEIGHT_PARAMETERS = {f"w_{c.parameter}": c.key for c in sites.CRITERIA}
DISTANCE_PARAMETERS = {f"max_km_{c.parameter}": c.key for c in sites.DISTANCES}
SITES_PARAMETERS = (
    "status", "min_free_ha", *DISTANCE_PARAMETERS, "sector", "in_zone", "former_province",
    *WEIGHT_PARAMETERS, "limit", "unknowns", *params.COMMON_PARAMETERS,
)  # fmt: skip
REPEATABLE = ("status", "sector")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_WHOLE_NUMBER = re.compile(r"[0-9]+")
_FINGERPRINT = "hpmap.sites_api.fingerprint"
_ANSWERS = "hpmap.sites_api.answers"
MAX_KEPT_BYTES = 64 * 2**20  # per worker process; a search over 20,000 parks as GeoJSON is 15 MB


@bp.get("/sites")
def find_sites():
    """Industrial parks matching the filters, ranked by weighted score, as JSON, CSV or GeoJSON.

    An answer is computed once per distinct query and kept (the data set does not change while the
    app runs): a repeated search, the common case of a shared link, costs a lookup.
    """
    format_ = params.check_format(request.args, SITES_PARAMETERS, SITES_FORMATS, REPEATABLE)
    query = parse_site_query(request.args)
    # The host is part of the answer: it carries absolute links to the parks' pages.
    key = (answer_cache.data_version(), format_, request.host_url, request.args.get("lang"), query_key(query))
    answers = current_app.extensions[_ANSWERS]
    text, content_type, headers = answers.get_or_compute(key, lambda: _sites_answer(format_, request.args))
    return Response(text, content_type=content_type, headers=headers)


def _sites_answer(format_: str, args: MultiDict) -> tuple[str, str, dict]:
    query = parse_site_query(args)
    parks = dataset().layer("industrial-parks").gdf
    search = sites.find_sites(parks, query)
    if format_ == "csv":
        return sites_csv(search, query, parks), CSV, {"Content-Disposition": 'attachment; filename="sites.csv"'}
    body = sites_body(search, query, args)
    if format_ == "geojson":
        return _json_text(sites_feature_collection(search, body)), GEOJSON, {}
    return _json_text(body), JSON, {}


@bp.record_once
def _prepare_answers(state) -> None:
    state.app.extensions[_ANSWERS] = answer_cache.AnswerCache(state.app.config.get("SITES_CACHE_BYTES", MAX_KEPT_BYTES))


@bp.post("/evaluate")
def evaluate():
    """Check a proposed site drawn as a GeoJSON polygon: area, zones, overlaps and distances."""
    params.check_format(request.args, params.COMMON_PARAMETERS, ("json",), REPEATABLE)
    shape = proposal.read_proposal(_bounded_body())
    evaluation = proposal.evaluate_proposal(shape, dataset())
    return _json(json_value(dataclasses.asdict(evaluation)))


# --- parameters --------------------------------------------------------------------------------


def parse_site_query(args: MultiDict) -> sites.SiteQuery:
    """Return the site query of ``GET /api/sites``'s parameters, with defaults for the missing ones."""
    weights = dict(sites.DEFAULT_WEIGHTS)
    for name, key in WEIGHT_PARAMETERS.items():
        if name in args:
            weights[key] = _number(args, name, strictly_positive=False)
    max_km = {
        key: _number(args, name, strictly_positive=True) for name, key in DISTANCE_PARAMETERS.items() if name in args
    }
    return sites.SiteQuery(
        statuses=_choices(args, "status", STATUSES),
        min_free_ha=_number(args, "min_free_ha", strictly_positive=False) if "min_free_ha" in args else None,
        max_km=max_km,
        sectors=_choices(args, "sector", None),
        in_zone=_in_zone(args.get("in_zone", "any")),
        former_province=_choices(args, "former_province", FORMER_PROVINCES)[0] if "former_province" in args else None,
        weights=weights,
        limit=_limit(args.get("limit")),
        unknowns=_choices(args, "unknowns", sites.UNKNOWNS_CHOICES)[0] if "unknowns" in args else "apart",
    )


def _number(args: MultiDict, name: str, strictly_positive: bool) -> float:
    text = args[name]
    number = float(text) if _DECIMAL.fullmatch(text) else float("nan")
    bound = "above 0" if strictly_positive else "of at least 0"
    if not (number > 0 if strictly_positive else number >= 0) or number == float("inf"):
        raise InvalidQuery(f"{name}: expected a finite decimal number {bound}, got '{text}'")
    return number + 0.0  # -0 becomes 0


def _choices(args: MultiDict, name: str, vocabulary: tuple[str, ...] | None) -> tuple[str, ...]:
    values = tuple(args.getlist(name))
    for value in values:
        if value.strip() == "":
            example = vocabulary[0] if vocabulary else "logistics"
            raise InvalidQuery(f"{name}: give a value, e.g. {name}={example}")
        if vocabulary is not None and value not in vocabulary:
            raise InvalidQuery(f"{name}: '{value}' is not one of {', '.join(vocabulary)}")
    return values


def _in_zone(value: str) -> str:
    zone_ids = tuple(economic_zones(dataset().layer("economic-zones").gdf).index)
    if value in sites.IN_ZONE_CHOICES or value in zone_ids:
        return value
    choices = ", ".join(sites.IN_ZONE_CHOICES + zone_ids)
    raise InvalidQuery(f"in_zone: expected one of {choices} (an economic zone id), got '{value}'")


def _limit(text: str | None) -> int | None:
    if text is None:
        return None
    if not _WHOLE_NUMBER.fullmatch(text) or not text.strip("0"):
        raise InvalidQuery(f"limit: expected a whole number from 1, got '{text}'")
    digits = text.lstrip("0")
    return 10**9 if len(digits) > 9 else int(digits)  # far more than there are parks


def _bounded_body() -> bytes:
    """Return the request body, refusing one larger than ``MAX_BODY_BYTES`` before reading it when possible."""
    too_large = RequestEntityTooLarge(
        f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB: simplify the outline (fewer vertices)"
    )
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise too_large
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise too_large
    return body


# --- responses ---------------------------------------------------------------------------------


RESULT_FIELDS = (
    "id", "name_vi", "name_en", "status", "kind", "zone_id", "former_province", "sectors", "sectors_vi",
    "developer", "developer_vi", "area_ha", "area_ha_as_of", "occupancy_pct", "free_ha", "free_ha_as_of",
    "lease_usd_m2", "lease_usd_m2_as_of", "geometry_quality",
)  # fmt: skip


def site_record(row: pd.Series) -> dict:
    """Return one ranked park as a JSON-safe dict (NaN becomes None): rank, attributes, score, distances.

    ``rank`` is null for a park included with no weighted value known (``unknowns=include``); ``tied``
    says another park shares its rank; ``unknown_criteria`` and ``reasons`` say which needed values it lacks.
    """
    record = {"rank": None if pd.isna(row["rank"]) else int(row["rank"]), "tied": bool(row["tied"])}
    record |= {"id": str(row.name)}
    record |= {name: json_value(row[name]) for name in RESULT_FIELDS[1:]}
    record["score"] = json_value(row["score"])
    record["score_breakdown"] = json_value(row["score_breakdown"])
    record["unknown_criteria"] = list(row["unknown_criteria"])
    record["reasons"] = list(row["reasons"])
    record["distances_km"] = {c.key: json_value(row[c.column]) for c in sites.DISTANCES}
    record["distance_uncertainty_km"] = {c.key: json_value(row.get(uncertainty_column(c))) for c in sites.DISTANCES}
    record["page_url"] = park_page_url(record["id"])
    return record


def park_page_url(feature_id: str) -> str:
    """Return the absolute address of a park's page: the public URL setting's host, else the request's."""
    return url_for("pages.feature_page", feature_id=feature_id, lang=request.args.get("lang"), _external=True)


def uncertainty_column(criterion: sites.Criterion) -> str:
    """Return the column saying how far a distance criterion's km may be off (``derive.add_distances``)."""
    return criterion.column.replace("distance_km_", "distance_uncertainty_km_", 1)


def criteria_record(weights: Mapping[str, float]) -> dict:
    """Return every criterion with its weight and how its points are computed."""
    return {
        c.key: {"weight": float(weights.get(c.key, 0.0)), "points": sites.POINTS_RULES[c.key]} for c in sites.CRITERIA
    }


def sites_body(search: sites.SiteSearch, query: sites.SiteQuery, args: MultiDict) -> dict:
    """Return the JSON body of ``GET /api/sites``."""
    lang = args.get("lang") if args.get("lang") in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    return {
        "results": [site_record(row) for _, row in search.results.iterrows()],
        "unknown": [
            json_value(dataclasses.asdict(site)) | {"page_url": park_page_url(site.id)} for site in search.unknown
        ],
        "matched": search.matched,
        "excluded_unknown": search.excluded_unknown,
        "criteria": criteria_record(query.weights),
        "score_explanation": i18n.t("sites_score_explained", lang),
        "tie_points": sites.TIE_POINTS,
        "distance_note": sites.DISTANCE_NOTE,
        "query": _normalised_query(query, args),
    }


def _normalised_query(query: sites.SiteQuery, args: MultiDict) -> dict:
    """Return every parameter with the value used: what was given, parsed, or its default."""
    return {
        "status": list(query.statuses or STATUSES),
        "min_free_ha": query.min_free_ha,
        **{name: query.max_km.get(key) for name, key in DISTANCE_PARAMETERS.items()},
        "sector": list(query.sectors),
        "in_zone": query.in_zone,
        "former_province": query.former_province,
        **{name: query.weights[key] for name, key in WEIGHT_PARAMETERS.items()},
        "limit": query.limit,
        "unknowns": query.unknowns,
        "f": args.get("f", "json"),
        "lang": args.get("lang"),
    }


def sites_feature_collection(search: sites.SiteSearch, body: dict) -> dict:
    """Return the ranked parks as a GeoJSON FeatureCollection; the rest of ``body`` rides along."""
    features = [
        {"type": "Feature", "id": record["id"], "geometry": mapping(geometry), "properties": record}
        for record, geometry in zip(body["results"], search.results.geometry, strict=True)
    ]
    extra = {key: value for key, value in body.items() if key != "results"}
    return {"type": "FeatureCollection", "features": features, **extra}


CSV_LEADING_COLUMNS = ("rank", "tied", "id", "name_vi", "name_en", "status", "score")
CSV_PARK_COLUMNS = (
    "developer", "developer_vi", "area_ha", "area_ha_as_of", "free_ha", "free_ha_as_of", "occupancy_pct",
    "lease_usd_m2", "lease_usd_m2_as_of",
)  # fmt: skip


def sites_csv(search: sites.SiteSearch, query: sites.SiteQuery, parks: pd.DataFrame) -> str:
    """Return the ranked parks as CSV for a spreadsheet: a UTF-8 BOM (Excel then reads the diacritics),
    rank, names, score and one column per weighted criterion, the park's figures, km with their
    uncertainty, the missing values and the park's page; then the parks listed apart (no rank, no score).
    """
    weighted = list(sites.active_weights(query.weights))
    columns = [*CSV_LEADING_COLUMNS, *(f"score_{key}" for key in weighted), *CSV_PARK_COLUMNS]
    columns += [f"distance_km_{c.key}" for c in sites.DISTANCES]
    columns += [f"distance_uncertainty_km_{c.key}" for c in sites.DISTANCES]
    columns += ["unknown_criteria", "reasons", "page_url"]
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(columns)
    for _, row in search.results.iterrows():
        record = site_record(row)
        cells = [record[name] for name in CSV_LEADING_COLUMNS]
        cells[1] = "yes" if record["tied"] else "no"
        cells += [record["score_breakdown"].get(key) for key in weighted]
        writer.writerow(_csv_cells(cells + _park_cells(record)))
    for site in search.unknown:
        record = {name: json_value(parks.at[site.id, name]) for name in CSV_PARK_COLUMNS}
        record["distances_km"] = {c.key: json_value(parks.at[site.id, c.column]) for c in sites.DISTANCES}
        record["distance_uncertainty_km"] = {
            c.key: json_value(parks.at[site.id, uncertainty_column(c)]) for c in sites.DISTANCES
        }
        needed = sites.needed_criteria(query)
        record["unknown_criteria"] = [c.key for c in needed if pd.isna(parks.at[site.id, c.column])]
        record |= {"reasons": list(site.reasons), "page_url": park_page_url(site.id)}
        cells = [None, None, site.id, site.name_vi, site.name_en, json_value(parks.at[site.id, "status"]), None]
        writer.writerow(_csv_cells(cells + [None] * len(weighted) + _park_cells(record)))
    return "\ufeff" + buffer.getvalue()


def _park_cells(record: dict) -> list:
    cells = [record[name] for name in CSV_PARK_COLUMNS]
    cells += list(record["distances_km"].values()) + list(record["distance_uncertainty_km"].values())
    return cells + ["; ".join(record["unknown_criteria"]), "; ".join(record["reasons"]), record["page_url"]]


def _csv_cells(cells: list) -> list[str]:
    return ["" if cell is None else flat_value(cell) for cell in cells]


def _json(body: dict, content_type: str = JSON) -> Response:
    return Response(_json_text(body), content_type=content_type)


def _json_text(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


@bp.after_request
def _cacheable(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"  # public open data, for web clients on any site
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        fingerprint = current_app.extensions.get(_FINGERPRINT)
        if fingerprint is None:  # once per app: the data set and the code shaping the answers
            code = b"".join(Path(m.__file__).read_bytes() for m in (sites, proposal)) + Path(__file__).read_bytes()
            fingerprint = hashlib.sha256(api.fingerprint().encode() + code).hexdigest()
            current_app.extensions[_FINGERPRINT] = fingerprint
        response.set_etag(hashlib.sha256(f"{fingerprint} {request.url}".encode()).hexdigest()[:32], weak=True)
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.make_conditional(request)
    return response
