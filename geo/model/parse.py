"""Parsing of the text conventions used in the attribute tables."""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def is_date(text: str) -> bool:
    """Tell whether ``text`` is a date of year, month or day precision: 2024, 2024-09, 2024-09-30."""
    return bool(_DATE.match(text or ""))


def split_list(text: str) -> list[str]:
    """Split a ``"; "``-separated cell into its items, dropping empty ones."""
    return [item.strip() for item in (text or "").split(";") if item.strip()]


def source_refs(text: str) -> list[tuple[str, str]]:
    """Split a ``sources`` cell, ``"id@as_of; id@as_of"``, into ``(source id, as_of)`` pairs.

    A reference without ``@`` gets an empty date, which validation reports.
    """
    refs = []
    for item in split_list(text):
        source_id, _, as_of = item.partition("@")
        refs.append((source_id.strip(), as_of.strip()))
    return refs


def number(text: str) -> float | None:
    """Return ``text`` as a finite float, or None when it is not one."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def is_web_address(text: str) -> bool:
    """Return whether ``text`` is an absolute http(s) address with a host: the only links pages make of data.

    Examples
    --------
    >>> is_web_address("https://www.vsip.com.vn"), is_web_address("javascript:alert(1)"), is_web_address("www.a.vn")
    (True, False, False)
    """
    if any(character.isspace() for character in text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
