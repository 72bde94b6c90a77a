"""The body of ``GET /api/search-index``: what the map's search box searches (``geo.analysis.search_index``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from geo.analysis.search_index import MATCH_KINDS
from geo.model.catalog import LAYERS
from webmap.api.schemas import described

LAYER_NAMES = tuple(spec.name for spec in LAYERS)
Match = Annotated[tuple[Literal[MATCH_KINDS], str], Field(
    description=f"[kind, text]: kind one of {', '.join(MATCH_KINDS)}; a former province by its name in lang"
)]  # fmt: skip


@described
class SearchFeature(TypedDict):
    """One feature and the texts that lead to it"""

    id: str
    layer: Literal[LAYER_NAMES]
    """the collection id"""
    name_vi: str
    name_en: str
    status: str
    """empty when the feature states none"""
    matches: list[Match]
    """besides the names: aliases, tenants, communes (2025), old districts, the former province"""


@described
class SearchPlace(TypedDict):
    """A commune, ward or district centre: a result that moves the map"""

    id: str
    name_vi: str
    name_en: str
    lon: Annotated[float, Field(ge=-180, le=180)]
    lat: Annotated[float, Field(ge=-90, le=90)]


@described
class SearchIndex(TypedDict):
    """What the map's search box searches"""

    features: list[SearchFeature]
    """every feature, in the search's layer order"""
    places: list[SearchPlace]


BODIES = (SearchIndex,)
