"""Text helpers: diacritic-insensitive matching of Vietnamese names."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\-–—_/.,;:()]+")


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without diacritics and with punctuation as single spaces.

    Examples
    --------
    >>> fold("KCN Tràng Duệ")
    'kcn trang due'
    >>> fold("Đình Vũ – Cát Hải")
    'dinh vu cat hai'
    """
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()
