"""The city as a whole: the "Hải Phòng at a glance" page (``/glance``); its data are ``GET /api/city``'s.

Every value is a row of ``city-figures.csv`` with its date and the sources that state it (named by title
and publisher); the values not shown (earlier counts, other reports) stay visible below the shown ones.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from geo.analysis.city import city_figures, parks_reference
from webmap.api.city import cited
from webmap.i18n import language
from webmap.layers import dataset

bp = Blueprint("city", __name__)


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
