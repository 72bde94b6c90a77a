"""``GET /api/city``: the figures about Hải Phòng as a whole, as JSON, CSV or an Excel workbook.

Every value is a row of ``city-figures.csv`` with its date and the sources that state it (named by title
and publisher); the values not shown (earlier counts, other reports) stay in the answer beside the shown ones.
"""

from __future__ import annotations

import io

from flask import Blueprint, request

from geo.analysis.city import city_figures, parks_reference
from geo.formats.export import csv_writer, xlsx_bytes
from geo.model.catalog import CITY_FIELDS
from webmap.api import params
from webmap.api.responses import csv_attachment, json_response, public_and_cacheable, xlsx_attachment
from webmap.api.schemas.planning import CityFigures
from webmap.feature_view import source_label
from webmap.layers import dataset

bp = Blueprint("city_api", __name__)
bp.after_request(public_and_cacheable)  # tagged by the body, as the other reports

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


@bp.get("/city")
def city_api():
    """The city's figures, each with its date and sources, and the data set's parks beside the city's."""
    format_ = params.check_format(request.args, params.COMMON_PARAMETERS, params.REPORT_FORMATS)
    figures = [cited(figure) for figure in city_figures(dataset())]
    if format_ == "xlsx":
        return xlsx_attachment(xlsx_bytes(_rows(figures), "city figures"), "city-figures.xlsx")
    if format_ == "csv":
        return csv_attachment(_csv(figures), "city-figures.csv")
    body: CityFigures = {"figures": figures, "parks_reference": parks_reference(dataset())}
    return json_response(body)


def _csv(figures: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    for row in _rows(figures):
        writer.writerow(["" if cell is None else cell for cell in row])
    return "\ufeff" + buffer.getvalue()


def _rows(figures: list[dict]) -> list[list]:
    """Return the figures as a table (header first) for CSV and Excel; an unknown value is None."""
    rows: list[list] = [list(CSV_COLUMNS)]
    for figure in figures:
        sources = "; ".join(f"{s['label']} ({s['publisher']}) {s['url'] or ''}".strip() for s in figure["sources"])
        cells = {**figure, "shown": "yes" if figure["shown"] else "no", "sources": sources}
        cells["verified"] = "yes" if figure["verified"] else "no"
        if figure["value"] is not None and float(figure["value"]).is_integer():
            cells["value"] = int(figure["value"])
        rows.append([cells[name] for name in CSV_COLUMNS])
    return rows
