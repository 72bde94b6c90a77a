"""The planners' endpoints under /api: the coverage analysis and the data-quality report, as JSON or CSV.

The coverage report depends only on the data, which do not change while the app runs: it is computed
on first use, once per app, and served from ``app.extensions``. The quality report depends on a
reference date and is computed per request (it takes milliseconds).
"""

from __future__ import annotations

import json
import threading
from datetime import date

from flask import Blueprint, Response, current_app, request

from geo import coverage, quality
from geo.export import json_value
from webmap import params
from webmap.layers import dataset

bp = Blueprint("coverage_api", __name__)

JSON = "application/json"
CSV = "text/csv; charset=utf-8"
FORMATS = ("json", "csv")
CACHE_CONTROL = "public, max-age=300"
COVERAGE_PARAMETERS = ("f", "lang")
QUALITY_PARAMETERS = ("as_of", "f", "lang")
COVERAGE_EXTENSION = "hpmap.coverage"  # the app's coverage report, once computed
_LOCK_EXTENSION = "hpmap.coverage.lock"


@bp.record_once
def _prepare_cache(state) -> None:
    state.app.extensions[_LOCK_EXTENSION] = threading.Lock()


@bp.after_request
def _cacheable(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"  # public open data, for web clients on any site
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag(weak=True)  # from the body: the same report gives the same tag
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.make_conditional(request)
    return response


@bp.get("/coverage")
def coverage_view():
    """Coverage of each economic zone by the industrial parks; parks by district and commune."""
    format_ = params.check_format(request.args, COVERAGE_PARAMETERS, FORMATS)
    report = coverage_report()
    if format_ == "csv":
        return _csv(coverage.zones_csv(report), "coverage.csv")
    return _json(report)


@bp.get("/quality")
def quality_view():
    """Completeness of the park attributes, and stale, conflicting and roughly drawn data."""
    format_ = params.check_format(request.args, QUALITY_PARAMETERS, FORMATS)
    reference_date = quality.parse_reference_date(request.args.get("as_of"), default=date.today())
    report = quality.quality_report(dataset(), reference_date)
    if format_ == "csv":
        return _csv(quality.findings_csv(report), "data-quality.csv")
    return _json(report)


def coverage_report() -> dict:
    """Return this app's coverage report, computing it on the first call only."""
    extensions = current_app.extensions
    if COVERAGE_EXTENSION not in extensions:
        with extensions[_LOCK_EXTENSION]:  # each worker process serves from several threads
            if COVERAGE_EXTENSION not in extensions:
                data = dataset()
                report = coverage.coverage_report(data.layer("industrial-parks").gdf, data.layer("economic-zones").gdf)
                extensions[COVERAGE_EXTENSION] = json_value(report)
    return extensions[COVERAGE_EXTENSION]


def _json(body: dict) -> Response:
    # allow_nan=False: a NaN that slipped through is a bug to see, never invalid JSON to send.
    text = json.dumps(json_value(body), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(text, content_type=JSON)


def _csv(text: str, filename: str) -> Response:
    return Response(text, content_type=CSV, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
