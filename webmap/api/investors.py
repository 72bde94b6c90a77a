"""The investor endpoints under /api: ``GET /api/sites`` (find and rank parks) and ``POST /api/evaluate``.

The scoring and the proposal checks live in ``geo.analysis.sites`` and ``geo.analysis.proposal``; this module parses the
request, calls them and writes JSON, CSV, an Excel workbook or GeoJSON. Every bad input raises ``InvalidQuery`` (a
400) or ``RequestEntityTooLarge`` (a 413), which ``webmap.errors`` turns into ``{"code", "description"}``.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping

import pandas as pd
from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from shapely.geometry import mapping

from geo.analysis import proposal, sites
from geo.formats.export import csv_writer, flat_value, xlsx_bytes
from geo.model.catalog import STATUSES
from geo.model.features import compact_json, json_value
from geo.pipeline.derive import economic_zones
from webmap import i18n
from webmap.api import params
from webmap.api.params import DISTANCE_PARAMETERS, WEIGHT_PARAMETERS
from webmap.api.responses import CSV, GEOJSON, JSON, XLSX, json_response, tagged_by_url
from webmap.api.schemas.investors import ProposalEvaluation, SiteFeatureCollection, SiteResult, SiteSearch
from webmap.layers import dataset
from webmap.server import answer_cache
from webmap.server.answer_cache import query_key

bp = Blueprint("sites_api", __name__)
bp.after_request(tagged_by_url)

MAX_BODY_BYTES = 64 * 1024  # a drawn outline is a few kB; the app-wide limit is 256 KiB
_ANSWERS = "hpmap.sites_api.answers"
MAX_KEPT_BYTES = 64 * 2**20  # per worker process; a search over 20,000 parks as GeoJSON is 15 MB


@bp.record_once
def _prepare_answers(state) -> None:
    state.app.extensions[_ANSWERS] = answer_cache.AnswerCache(state.app.config.get("SITES_CACHE_BYTES", MAX_KEPT_BYTES))


def forget_answers(app) -> None:
    """Forget the searches answered from the data served until now (``webmap.server.reload``)."""
    app.extensions[_ANSWERS].clear()  # their keys hold the data version: this only frees the memory sooner


@bp.get("/sites")
def find_sites():
    """Industrial parks matching the filters, ranked by weighted score, as JSON, CSV, Excel or GeoJSON.

    An answer is computed once per distinct query and kept (the data set does not change while the
    app runs): a repeated search, the common case of a shared link, costs a lookup.
    """
    format_ = params.check_format(request.args, params.SITES_PARAMETERS, params.SITES_FORMATS, params.SITES_REPEATABLE)
    query = parse_site_query(request.args)
    # The host is part of the answer: it carries absolute links to the parks' pages.
    key = (answer_cache.data_version(), format_, request.host_url, request.args.get("lang"), query_key(query))
    answers = current_app.extensions[_ANSWERS]
    text, content_type, headers = answers.get_or_compute(key, lambda: _sites_answer(format_, request.args))
    return Response(text, content_type=content_type, headers=headers)


def parse_site_query(args: MultiDict) -> sites.SiteQuery:
    """Return the site query of ``GET /api/sites``'s parameters, with defaults for the missing ones."""
    return params.parse_site_query(args, zone_ids=tuple(economic_zones(dataset().layer("economic-zones").gdf).index))


def _sites_answer(format_: str, args: MultiDict) -> tuple[str | bytes, str, dict]:
    query = parse_site_query(args)
    parks = dataset().layer("industrial-parks").gdf
    search = sites.find_sites(parks, query)
    if format_ == "csv":
        return sites_csv(search, query, parks), CSV, {"Content-Disposition": 'attachment; filename="sites.csv"'}
    if format_ == "xlsx":
        workbook = xlsx_bytes(sites_rows(search, query, parks), "sites")
        return workbook, XLSX, {"Content-Disposition": 'attachment; filename="sites.xlsx"'}
    body = sites_body(search, query, args)
    if format_ == "geojson":
        return compact_json(sites_feature_collection(search, body)), GEOJSON, {}
    return compact_json(body), JSON, {}


@bp.post("/evaluate")
def evaluate():
    """Check a proposed site drawn as a GeoJSON polygon: area, zones, overlaps and distances."""
    params.check_format(request.args, params.COMMON_PARAMETERS, params.EVALUATE_FORMATS)
    shape = proposal.read_proposal(_bounded_body())
    evaluation: ProposalEvaluation = json_value(dataclasses.asdict(proposal.evaluate_proposal(shape, dataset())))
    return json_response(evaluation)


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


def site_record(row: pd.Series) -> SiteResult:
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


def sites_body(search: sites.SiteSearch, query: sites.SiteQuery, args: MultiDict) -> SiteSearch:
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


def sites_feature_collection(search: sites.SiteSearch, body: SiteSearch) -> SiteFeatureCollection:
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
    """Return ``sites_rows`` as CSV for a spreadsheet, with a UTF-8 BOM (Excel then reads the diacritics)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    for row in sites_rows(search, query, parks):
        writer.writerow(["" if cell is None else cell for cell in row])
    return "\ufeff" + buffer.getvalue()


def sites_rows(search: sites.SiteSearch, query: sites.SiteQuery, parks: pd.DataFrame) -> list[list]:
    """Return the ranked parks as a table (header first) for CSV and Excel: rank, names, score and one
    column per weighted criterion, the park's figures, km with their uncertainty, the missing values and
    the park's page; then the parks listed apart (no rank, no score). Unknown values are None.
    """
    weighted = list(sites.active_weights(query.weights))
    columns = [*CSV_LEADING_COLUMNS, *(f"score_{key}" for key in weighted), *CSV_PARK_COLUMNS]
    columns += [f"distance_km_{c.key}" for c in sites.DISTANCES]
    columns += [f"distance_uncertainty_km_{c.key}" for c in sites.DISTANCES]
    columns += ["unknown_criteria", "reasons", "page_url"]
    rows: list[list] = [columns]
    for _, row in search.results.iterrows():
        record = site_record(row)
        cells = [record[name] for name in CSV_LEADING_COLUMNS]
        cells[1] = "yes" if record["tied"] else "no"
        cells += [record["score_breakdown"].get(key) for key in weighted]
        rows.append(_flat_cells(cells + _park_cells(record)))
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
        rows.append(_flat_cells(cells + [None] * len(weighted) + _park_cells(record)))
    return rows


def _park_cells(record: dict) -> list:
    cells = [record[name] for name in CSV_PARK_COLUMNS]
    cells += list(record["distances_km"].values()) + list(record["distance_uncertainty_km"].values())
    return cells + ["; ".join(record["unknown_criteria"]), "; ".join(record["reasons"]), record["page_url"]]


def _flat_cells(cells: list) -> list:
    return [None if cell is None else flat_value(cell) for cell in cells]

