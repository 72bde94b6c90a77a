"""Helpers the templates call: translated text, language links, versioned assets, numbers."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Flask, current_app, request, url_for
from jinja2 import pass_context

from webmap.i18n import t

STATIC_DIR = Path(__file__).resolve().parent / "static"


def register(app: Flask) -> None:
    """Make the helpers available in every template of ``app``."""
    app.extensions["hpmap.asset_version"] = asset_version()
    app.jinja_env.globals.update(t=_t, lang_url=_lang_url, asset=asset, fmt=_fmt)


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
    """Format a number the way readers of ``lang`` write it (1.234,5 in Vietnamese; 1,234.5 in English).

    Examples
    --------
    >>> format_number(22540, "vi"), format_number(22540, "en"), format_number(652.73, "vi")
    ('22.540', '22,540', '652,73')
    """
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


@pass_context
def _t(context, key: str) -> str:
    return t(key, context["lang"])


@pass_context
def _fmt(context, value: float) -> str:
    return format_number(value, context["lang"])


@pass_context
def _lang_url(context, code: str) -> str:
    args = request.args.to_dict()
    args["lang"] = code
    # A path of the request, not of a host: browsers read "/\\host" and "//host" as another site.
    return "/" + quote(request.path.lstrip("/\\"), safe="/") + "?" + urlencode(args)
