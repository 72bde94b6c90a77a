"""Helpers the templates call: translated text, language links, versioned assets, numbers."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Flask, current_app, request, url_for
from jinja2 import pass_context

from webmap.i18n import LANGUAGE_NAMES, data_text, html_language, t

STATIC_DIR = Path(__file__).resolve().parent / "static"


def register(app: Flask) -> None:
    """Make the helpers available in every template of ``app``."""
    app.extensions["hpmap.asset_version"] = asset_version()
    app.jinja_env.globals.update(t=_t, lang_url=_lang_url, asset=asset, fmt=_fmt, km=_km, text=_text)
    app.jinja_env.globals.update(language_names=LANGUAGE_NAMES, html_language=html_language)


def asset_version() -> str:
    """Return a short hash of the static files, so a changed file gets a new URL."""
    digest = hashlib.sha1()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def asset(path: str) -> str:
    """Return the versioned URL of a static file."""
    return url_for("static", filename=path, v=current_app.extensions["hpmap.asset_version"])


def format_number(value: float, lang: str) -> str:
    """Format a number the way readers of ``lang`` write it (1.234,5 in Vietnamese; 1,234.5 in the others).

    Examples
    --------
    >>> format_number(22540, "vi"), format_number(22540, "en"), format_number(652.73, "vi")
    ('22.540', '22,540', '652,73')
    """
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_distance(km: float | None, uncertainty_km: float | None, lang: str) -> str | None:
    """Format a distance with how far it may be off: "36 km ± 2 km", "4,2 km ± 0,6 km" (Vietnamese).

    The uncertainty is rounded up to a tenth of a km below 1 km (± 50 m reads "± 0.1 km"), to the
    nearest km from 1 km; the distance is given to the same precision. An unknown uncertainty is said
    to be unknown, never left out; none (0) shows the distance alone. None when the distance is unknown.

    Examples
    --------
    >>> format_distance(36.27, 2.0, "en"), format_distance(4.23, 0.55, "vi"), format_distance(12.3, 0.05, "en")
    ('36 km ± 2 km', '4,2 km ± 0,6 km', '12.3 km ± 0.1 km')
    >>> format_distance(1234.5, 3.5, "en"), format_distance(0, 0, "en"), format_distance(None, 1, "en")
    ('1,235 km ± 4 km', '0 km', None)
    """
    if km is None or (isinstance(km, float) and math.isnan(km)):
        return None
    if uncertainty_km is None or math.isnan(uncertainty_km):
        return f"{format_number(km, lang)} km ({t('uncertainty_unknown', lang)})"
    if uncertainty_km == 0:
        return f"{format_number(km, lang)} km"
    if uncertainty_km < 1:
        spread = math.ceil(round(uncertainty_km * 10, 6)) / 10
        distance = math.floor(km * 10 + 0.5) / 10
    else:
        spread = math.floor(uncertainty_km + 0.5)
        distance = math.floor(km + 0.5)
    return f"{format_number(distance, lang)} km ± {format_number(spread, lang)} km"


@pass_context
def _t(context, key: str) -> str:
    return t(key, context["lang"])


@pass_context
def _text(context, record, column: str):
    """``{{ text(f, 'note') }}``: the data's text in the page's language (``webmap.i18n.data_text``)."""
    return data_text(record, column, context["lang"])


@pass_context
def _fmt(context, value: float) -> str:
    return format_number(value, context["lang"])


@pass_context
def _km(context, km: float | None, uncertainty_km: float | None) -> str | None:
    return format_distance(km, uncertainty_km, context["lang"])


@pass_context
def _lang_url(context, code: str) -> str:
    args = request.args.to_dict()
    args["lang"] = code
    # A path of the request, not of a host: browsers read "/\\host" and "//host" as another site.
    return "/" + quote(request.path.lstrip("/\\"), safe="/") + "?" + urlencode(args)
