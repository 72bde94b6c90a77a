"""The JSON bodies the API sends and receives, declared once as typed dicts.

The handlers build them (their functions return these types) and ``webmap.api.openapi`` generates the
OpenAPI document's schemas from them (``openapi.generate``): a field's docstring is its description,
its ``Field`` its bounds. ``tests/test_schemathesis.py`` checks every answer against the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

described = with_config(ConfigDict(use_attribute_docstrings=True))
"""A typed dict whose attribute docstrings describe its fields."""

closed = with_config(ConfigDict(use_attribute_docstrings=True, extra="forbid"))
"""A typed dict that holds no key but its own (``additionalProperties: false``)."""


def keyed(name: str, keys: Iterable[str], value: Any, description: str, total: bool = True) -> type:
    """Return a closed typed dict named ``name`` whose members are ``keys`` (some of them unless ``total``),
    each holding a ``value``."""
    members = TypedDict(name, dict.fromkeys(keys, value), total=total)
    members.__doc__ = description
    return closed(members)
