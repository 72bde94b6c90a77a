"""The bodies of the investors' endpoints: ``GET /api/sites`` (ranked parks) and ``POST /api/evaluate``.

The keyed objects (distances, score breakdowns, criteria) hold one member per criterion of ``geo.analysis.sites``;
``ProposalZone``, ``ProposalOverlap`` and ``ProposalEvaluation`` carry the fields of ``geo.analysis.proposal``'s
``ZoneShare``, ``Overlap`` and ``Evaluation``, and ``SiteUnknown`` those of ``geo.analysis.sites.UnknownSite``
(tests/test_sites_api.py holds them to it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from geo.analysis import proposal, sites
from geo.model.catalog import FORMER_PROVINCES, STATUSES
from webmap.api.schemas import described, keyed
from webmap.api.schemas.features import Geometry, Uri

CRITERION_KEYS = tuple(c.key for c in sites.CRITERIA)
DISTANCE_KEYS = tuple(c.key for c in sites.DISTANCES)
NonNegative = Annotated[float, Field(ge=0)]


def _keyed(name: str, keys: tuple[str, ...], value: Any, description: str) -> type:
    return keyed(name, keys, value, description, total=False)


Distances = _keyed(
    "Distances", DISTANCE_KEYS, float | None,
    "Great-circle km from the centroid to each key place; null if it is unknown",
)  # fmt: skip
DistanceUncertainties = _keyed(
    "DistanceUncertainties", DISTANCE_KEYS, float | None,
    "How many km each distance may be off: the sum of both places' position uncertainties (a conservative "
    "bound); 0 for an exact place; null if either uncertainty is not stated or the place is absent",
)  # fmt: skip
ScoreBreakdown = _keyed(
    "ScoreBreakdown", CRITERION_KEYS, float,
    "Each known weighted criterion's share of the score, w·points / Σw over the known criteria, in hundredths "
    "rounded by largest remainder so that they add up exactly to score",
)  # fmt: skip


@described
class SiteResult(TypedDict):
    """One ranked park"""

    rank: Annotated[Annotated[int, Field(ge=1)] | None, Field(
        description=f"Scores within {sites.TIE_POINTS} points of their group's best share a rank (1, 1, 3); null "
        "for a park included with no weighted value known (unknowns=include)"
    )]  # fmt: skip
    tied: bool
    """Another park shares this rank"""
    id: str
    name_vi: str
    name_en: str
    status: Literal[STATUSES]
    kind: str
    zone_id: str
    """The declared economic zone, or an empty string"""
    former_province: Literal[FORMER_PROVINCES]
    sectors: list[str]
    sectors_vi: list[str]
    """The same sectors in Vietnamese, in the same order; empty where not translated"""
    developer: str
    """The developer or operator as published; empty if unknown"""
    developer_vi: str
    """The developer text in Vietnamese; empty where not translated"""
    area_ha: float | None
    """Declared area (ha)"""
    area_ha_as_of: str | None
    """Date the area describes"""
    occupancy_pct: float | None
    free_ha: float | None
    """Leasable area × (1 − occupancy), ha"""
    free_ha_as_of: str | None
    """Date of the older of the two figures"""
    lease_usd_m2: float | None
    """Published land lease price, USD/m² for the remaining term"""
    lease_usd_m2_as_of: str | None
    geometry_quality: str
    score: Annotated[float, Field(ge=0, le=100)] | None
    """The sum of score_breakdown; null when no weighted value is known (never 0 for unknowns)"""
    score_breakdown: ScoreBreakdown
    unknown_criteria: list[Literal[CRITERION_KEYS]]
    """Criteria filtered on or weighted whose value this park lacks (unknowns=include)"""
    reasons: list[str]
    """Why each of unknown_criteria is unknown"""
    distances_km: Distances
    distance_uncertainty_km: DistanceUncertainties
    page_url: Uri
    """The park's page (absolute)"""


@described
class SiteUnknown(TypedDict):
    """A park that might match but whose needed values are unknown"""

    id: str
    name_vi: str
    name_en: str
    reasons: Annotated[list[str], Field(min_length=1)]
    page_url: Uri


@described
class CriterionWeight(TypedDict):
    weight: NonNegative
    points: str
    """How its 0–100 points are computed"""


SiteCriteria = _keyed(
    "SiteCriteria", CRITERION_KEYS, CriterionWeight,
    "Every criterion with its weight and how its 0–100 points are computed",
)  # fmt: skip


@described
class SiteSearchParts(TypedDict):
    unknown: list[SiteUnknown]
    matched: Annotated[int, Field(ge=0)]
    """Parks ranked, before limit"""
    excluded_unknown: Annotated[int, Field(ge=0)]
    """Parks left out for an unknown value (unknowns=exclude)"""
    criteria: SiteCriteria
    score_explanation: str
    """How the score is made, in one line, in the asked language"""
    tie_points: float
    """Scores this close to their group's best share its rank"""
    distance_note: str
    query: dict[str, Any]
    """Every parameter with the value used (given or default)"""


@described
class SiteSearch(SiteSearchParts):
    """The answer of GET /api/sites as JSON"""

    results: list[SiteResult]


@described
class SiteFeature(TypedDict):
    type: Literal["Feature"]
    id: str
    geometry: Geometry
    properties: SiteResult


@described
class SiteFeatureCollection(SiteSearchParts):
    """The ranked parks with their outlines (properties as in SiteResult), and the rest of SiteSearch"""

    type: Literal["FeatureCollection"]
    features: list[SiteFeature]


# --- POST /api/evaluate ----------------------------------------------------------------------------

Position = Annotated[list[float], Field(min_length=2, max_length=3)]
"""[lon, lat] (a height, if any, is ignored)"""
Ring = Annotated[list[Position], Field(min_length=4)]


@described
class ProposalPolygon(TypedDict):
    """A GeoJSON Polygon, longitude/latitude (CRS84): an outer ring, then its holes, each closed"""

    type: Literal["Polygon"]
    coordinates: Annotated[list[Ring], Field(min_length=1)]


@described
class ProposalMultiPolygon(TypedDict):
    """A GeoJSON MultiPolygon, longitude/latitude (CRS84)"""

    type: Literal["MultiPolygon"]
    coordinates: Annotated[list[Annotated[list[Ring], Field(min_length=1)]], Field(min_length=1)]


ProposalGeometry = ProposalPolygon | ProposalMultiPolygon


@described
class ProposalFeature(TypedDict):
    """A GeoJSON Feature holding the proposal"""

    type: Literal["Feature"]
    geometry: ProposalGeometry
    properties: NotRequired[dict[str, Any] | None]


Proposal = ProposalPolygon | ProposalMultiPolygon | ProposalFeature


@described
class ProposalZone(TypedDict):
    id: str
    name_vi: str
    name_en: str
    share_pct: float
    """% of the proposal's area inside the zone"""


@described
class ProposalOverlap(TypedDict):
    id: str
    layer: Literal[proposal.OVERLAP_LAYERS]
    name_vi: str
    name_en: str
    overlap_ha: float
    share_of_proposal_pct: float


@described
class ProposalEvaluation(TypedDict):
    area_ha: float
    centroid: tuple[float, float]
    """[lon, lat]"""
    zone: ProposalZone | None
    """The economic zone holding the largest share, if at least 50 %; else null"""
    zones: list[ProposalZone]
    """Every economic zone it overlaps"""
    overlaps: list[ProposalOverlap]
    """Every industrial park and cluster it overlaps, largest overlap first"""
    distances_km: Distances
    distance_uncertainty_km: Annotated[DistanceUncertainties, Field(
        description="How many km each distance may be off: the key place's position uncertainty (the drawn site "
        "is exact); null if it is not stated or the place is absent"
    )]  # fmt: skip
    computed_in: Literal[proposal.METRIC_CRS]
    """CRS of areas and shares"""


BODIES = (SiteSearch, SiteFeatureCollection, ProposalFeature, ProposalEvaluation)
