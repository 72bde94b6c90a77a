"""The planners' endpoints under /api: the coverage analysis and the data-quality report, as JSON, CSV or Excel.

Both reports take seconds on large data (20,000 parks: quality 4.8 s, the coverage page 8 s), so
each is computed once per data version (and reference date, and format) and kept in a cache bounded
in bytes (``webmap.server.answer_cache``), shared by the worker's requests: concurrent requests for one
report wait for one computation.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, request

from geo.analysis import coverage, quality
from geo.formats.export import xlsx_bytes
from geo.model.features import compact_json, json_value
from webmap.api import params
from webmap.api.responses import JSON, csv_attachment, public_and_cacheable, xlsx_attachment
from webmap.api.schemas.planning import CoverageReport, QualityReport
from webmap.layers import dataset
from webmap.server.answer_cache import AnswerCache, data_version

bp = Blueprint("coverage_api", __name__)

REPORTS_EXTENSION = "hpmap.reports"  # the computed reports and their renderings, by data version
REPORTS_CACHE_BYTES = 128 * 2**20  # per worker process: a few versions of each report on 20,000 parks


@bp.record_once
def _prepare_cache(state) -> None:
    budget = state.app.config.get("REPORTS_CACHE_BYTES", REPORTS_CACHE_BYTES)
    state.app.extensions[REPORTS_EXTENSION] = AnswerCache(budget)


def forget_reports(app) -> None:
    """Forget the reports of the data served until now (``webmap.server.reload``)."""
    app.extensions[REPORTS_EXTENSION].clear()  # their keys hold the data version: this only frees the memory sooner


def reports() -> AnswerCache:
    """Return the app's cache of reports: key them with ``data_version()``."""
    return current_app.extensions[REPORTS_EXTENSION]


bp.after_request(public_and_cacheable)  # tagged by the body: the same report gives the same tag


@bp.get("/coverage")
def coverage_view():
    """Coverage of each economic zone by the industrial parks; parks by district and commune."""
    format_ = params.check_format(request.args, params.COMMON_PARAMETERS, params.REPORT_FORMATS)
    if format_ == "csv":
        text = reports().get_or_compute(("coverage.csv", data_version()), lambda: coverage.zones_csv(coverage_report()))
        return csv_attachment(text, "coverage.csv")
    if format_ == "xlsx":
        book = reports().get_or_compute(
            ("coverage.xlsx", data_version()), lambda: xlsx_bytes(coverage.zones_rows(coverage_report()), "coverage")
        )
        return xlsx_attachment(book, "coverage.xlsx")
    text = reports().get_or_compute(("coverage.json", data_version()), lambda: _json_text(coverage_report()))
    return Response(text, content_type=JSON)


@bp.get("/quality")
def quality_view():
    """Completeness of the park attributes, and stale, conflicting and roughly drawn data."""
    format_ = params.check_format(request.args, params.QUALITY_PARAMETERS, params.REPORT_FORMATS)
    reference_date = quality.parse_reference_date(request.args.get("as_of"), default=date.today())
    if format_ == "csv":
        key = ("quality.csv", data_version(), reference_date)
        text = reports().get_or_compute(key, lambda: quality.findings_csv(quality_report(reference_date)))
        return csv_attachment(text, "data-quality.csv")
    if format_ == "xlsx":
        key = ("quality.xlsx", data_version(), reference_date)
        book = reports().get_or_compute(
            key, lambda: xlsx_bytes(quality.findings_rows(quality_report(reference_date)), "data quality")
        )
        return xlsx_attachment(book, "data-quality.xlsx")
    text = reports().get_or_compute(
        ("quality.json", data_version(), reference_date), lambda: _json_text(quality_report(reference_date))
    )
    return Response(text, content_type=JSON)


def coverage_report() -> CoverageReport:
    """Return the coverage report of the data served, computed once per data version."""

    def compute() -> dict:
        data = dataset()
        parks, zones = data.layer("industrial-parks").gdf, data.layer("economic-zones").gdf
        return json_value(coverage.coverage_report(parks, zones))

    return reports().get_or_compute(("coverage", data_version()), compute)


def quality_report(reference_date: date) -> QualityReport:
    """Return the quality report of the data served on ``reference_date``, computed once per data version."""
    return reports().get_or_compute(
        ("quality", data_version(), reference_date), lambda: quality.quality_report(dataset(), reference_date)
    )


def _json_text(body: dict) -> str:
    return compact_json(json_value(body))
