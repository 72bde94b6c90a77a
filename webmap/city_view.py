"""The city as a whole: the "Hải Phòng at a glance" page (``/glance``) and ``GET /api/city`` (JSON or CSV).

Every value is a row of ``city-figures.csv`` with its date and the sources that state it (named by title
and publisher); the values not shown (earlier counts, other reports) stay visible below the shown ones.
"""

from __future__ import annotations

import io

from flask import Blueprint, Response, render_template, request

from geo.analysis.city import city_figures, parks_reference
from geo.formats.export import csv_writer
from geo.model.catalog import CITY_FIELDS
from webmap import params
from webmap.feature_view import source_label
from webmap.i18n import language
from webmap.layers import dataset

bp = Blueprint("city", __name__)

CITY_PARAMETERS = ("f", "lang")
CSV_COLUMNS = (
    "field", "label_en", "label_vi", "value", "unit", "as_of", "shown", "verified", "sources", "note", "note_vi",
)  # fmt: skip


def cited(figure: dict) -> dict:
    """Return a city figure with its labels and each source as a title, publisher and link."""
    spec = CITY_FIELDS[figure["field"]]
    register = dataset().sources
    sources = []
    for source_id in figure["sources"]:
        entry = register.loc[source_id].to_dict() if source_id in register.index else {}
        sources.append({"id": source_id, **source_label(entry)})
    return {**figure, "label_en": spec.en, "label_vi": spec.vi, "sources": sources}


@bp.get("/api/city")
def city_api():
    """The city's figures, each with its date and sources, and the data set's parks beside the city's."""
    format_ = params.check_format(request.args, CITY_PARAMETERS, ("json", "csv"))
    figures = [cited(figure) for figure in city_figures(dataset())]
    if format_ == "csv":
        return Response(
            _csv(figures),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="city-figures.csv"'},
        )
    response = {"figures": figures, "parks_reference": parks_reference(dataset())}
    return response, 200, {"Access-Control-Allow-Origin": "*"}


def _csv(figures: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for figure in figures:
        sources = "; ".join(f"{s['label']} ({s['publisher']}) {s['url'] or ''}".strip() for s in figure["sources"])
        cells = {**figure, "shown": "yes" if figure["shown"] else "no", "sources": sources}
        cells["verified"] = "yes" if figure["verified"] else "no"
        if figure["value"] is not None and float(figure["value"]).is_integer():
            cells["value"] = int(figure["value"])
        writer.writerow(["" if cells[name] is None else cells[name] for name in CSV_COLUMNS])
    return "\ufeff" + buffer.getvalue()


@bp.get("/glance")
def glance_page():
    """Hải Phòng at a glance: the city's shown figures, then every other value with its source."""
    lang = language()
    figures = [cited(figure) for figure in city_figures(dataset())]
    return render_template(
        "glance.html",
        lang=lang,
        shown=[f for f in figures if f["shown"]],
        others=[f for f in figures if not f["shown"]],
        reference=parks_reference(dataset()),
    )
