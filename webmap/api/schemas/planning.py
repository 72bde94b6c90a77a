"""The bodies of the planners' endpoints: ``GET /api/coverage``, ``GET /api/quality`` and ``GET /api/city``.

Every member of these reports is always present: null stands for "no data".
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from geo.analysis.coverage import KNOWN_WITHIN_M, MIN_OVERLAP_HA
from geo.analysis.quality import COMPLETENESS_FIELDS, STALE_AFTER_YEARS, TRACED
from geo.model.catalog import CITY_FIELDS, GEOMETRY_QUALITIES, METRIC_CRS, POSITION_MARKS, STATUSES
from webmap.api.schemas import described, keyed

Count = Annotated[int, Field(ge=0)]
Hectares = Annotated[float, Field(ge=0, description="hectares, measured in EPSG:32648 (UTM 48N)")]
HectaresOrNull = Annotated[Annotated[float, Field(ge=0)] | None, Field(description="hectares; null when no data")]
PercentOrNull = Annotated[Annotated[float, Field(ge=0)] | None, Field(description="percent; null when no data")]
MetresOrNull = Annotated[Annotated[float, Field(ge=0)] | None, Field(description="metres; null when unknown")]
Ids = list[str]
Date = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY, YYYY-MM or YYYY-MM-DD")]
DateOrEmpty = Annotated[str, Field(
    pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$",
    description="YYYY, YYYY-MM or YYYY-MM-DD; empty when no source dates the value",
)]  # fmt: skip
ByStatus = keyed("ByStatus", STATUSES, Hectares, "hectares by status")


@described
class Occupancy(TypedDict):
    leasable_ha: HectaresOrNull
    """leasable hectares of the parks with both leasable area and occupancy known (the base of occupancy_pct);
    null when none has both"""
    occupied_ha: HectaresOrNull
    """Σ leasable × occupancy / 100 over those parks"""
    occupancy_pct: PercentOrNull
    """occupied_ha / leasable_ha × 100 (weighted by leasable area)"""


@described
class ParkNames(TypedDict):
    id: str
    name_vi: str
    name_en: str


@described
class CoverageCertaintyPart(TypedDict):
    covered_ha: Hectares
    by_status: ByStatus
    parks: Ids
    """ids of the parks whose outlines are in this part, sorted"""


@described
class CoverageCertainty(TypedDict):
    known_within_m: Annotated[Literal[KNOWN_WITHIN_M], Field(description="the threshold, metres")]
    known: CoverageCertaintyPart
    uncertain: CoverageCertaintyPart


CoverageCertainty.__doc__ = (
    f"covered_ha split by how well the outlines are placed: 'known' is the land under outlines whose "
    f"position_uncertainty_m is at most {KNOWN_WITHIN_M} m; 'uncertain' the land only under outlines more "
    "uncertain or stating none. The two add up to covered_ha (union_ha in the totals)."
)


@described
class CoverageZone(ParkNames, Occupancy):
    """One economic zone. by_status splits covered_ha: land under an operating park counts as operating, then
    under_construction, planned, proposed. The occupancy figures are over the zone's parks."""

    area_ha: HectaresOrNull
    """declared area"""
    outline_ha: Hectares
    """the zone outline's measured area"""
    covered_ha: Hectares
    """area of the union of the park outlines clipped to the zone"""
    covered_pct: PercentOrNull
    """covered_ha / outline_ha × 100"""
    by_status: ByStatus
    by_certainty: CoverageCertainty
    parks: Ids
    """ids of the parks sharing land with the zone, sorted"""
    parks_declared: Ids
    """ids of the parks whose zone_id is this zone, sorted"""
    parks_with_occupancy: Count


@described
class CoveragePlace(Occupancy):
    """The parks recorded under one district or commune (the text before the first '(' or ';')"""

    name: str
    parks: Ids
    declared_ha: HectaresOrNull
    """Σ of the known declared areas"""
    outline_ha: Hectares
    """Σ of the outlines' measured areas"""


@described
class CoverageParkOutside(ParkNames):
    status: Literal[STATUSES]


@described
class CoverageOverlap(TypedDict):
    a: str
    b: str
    overlap_ha: Hectares
    share_of_smaller_pct: Annotated[float, Field(ge=0, le=100)]


CoverageOverlap.__doc__ = f"Two parks whose outlines share more than {MIN_OVERLAP_HA} ha, largest first"


@described
class CoverageAreaMismatch(TypedDict):
    """A park whose outline is more than 15 % from its declared area; ratio = outline / declared"""

    id: str
    declared_ha: Hectares
    outline_ha: Hectares
    ratio: Annotated[float, Field(ge=0)]


@described
class CoverageTotals(Occupancy):
    parks: Count
    declared_ha: HectaresOrNull
    outline_ha: Hectares
    union_ha: Hectares
    """area of the union of every park outline (overlaps counted once)"""
    by_certainty: CoverageCertainty
    parks_with_occupancy: Count


@described
class CoverageReport(TypedDict):
    zones: list[CoverageZone]
    districts: list[CoveragePlace]
    communes: list[CoveragePlace]
    districts_vi: list[CoveragePlace]
    """The parks by the Vietnamese text of old_district"""
    communes_vi: list[CoveragePlace]
    """The parks by the Vietnamese text of commune_2025"""
    outside_zones: list[CoverageParkOutside]
    overlaps: list[CoverageOverlap]
    area_mismatches: list[CoverageAreaMismatch]
    totals: CoverageTotals
    computed_in: Literal[METRIC_CRS]
    """the CRS areas are measured in"""


# --- GET /api/quality ------------------------------------------------------------------------------

ByMarks = keyed(
    "ByMarks", POSITION_MARKS, Count, "how many features rest on each kind of evidence (their best record's marks)",
    total=False,
)


@described
class QualityPositionEvidence(TypedDict):
    """One layer's geometries against their position evidence (positions.csv): a feature's best record is the
    most trusted, then the most precise; distances in metres, measured in EPSG:32648"""

    layer: str
    features: Count
    with_evidence: Count
    """features with at least one position record"""
    without_evidence: Ids
    """ids of the features with no position record, sorted"""
    median_distance_m: MetresOrNull
    """median distance between a geometry and its best evidence (0 when it holds it); null when no feature has
    evidence"""
    worst_distance_m: MetresOrNull
    """the largest of those distances"""
    worst_feature: str | None
    """the feature at worst_distance_m"""
    by_marks: ByMarks


@described
class QualityCompleteness(TypedDict):
    field: Literal[COMPLETENESS_FIELDS]
    known: Count
    total: Count
    pct: Annotated[Annotated[float, Field(ge=0, le=100)] | None, Field(
        description="known / total × 100; null when there is no park"
    )]  # fmt: skip


@described
class QualityStaleFigure(ParkNames):
    layer: str
    field: str
    value: float | None
    as_of: Date
    age_years: float
    """years from the end of the as_of period to the reference"""


QualityStaleFigure.__doc__ = (
    f"A shown figure describing a date more than {STALE_AFTER_YEARS} years before the reference date (a year "
    "counts from its 31 December, a month from its last day)"
)


@described
class QualityFigureValue(TypedDict):
    value: float | None
    as_of: DateOrEmpty
    sources: Ids
    shown: bool
    verified: bool
    """false: one of the sources states the value, not known which"""


@described
class QualityConflict(ParkNames):
    layer: str
    field: str
    values: list[QualityFigureValue]


@described
class QualityRoughGeometry(ParkNames):
    layer: str
    geometry_quality: Literal[tuple(q for q in GEOMETRY_QUALITIES if q != TRACED)]
    geometry_note: str | None
    geometry_note_vi: str | None
    """The note in Vietnamese, if any"""


@described
class QualityCounts(TypedDict):
    parks: Count
    stale: Count
    conflicts: Count
    approximate_geometry: Count
    without_position_evidence: Count


@described
class QualityReport(TypedDict):
    reference_date: date
    stale_after_years: Literal[STALE_AFTER_YEARS]
    completeness: list[QualityCompleteness]
    stale: list[QualityStaleFigure]
    conflicts: list[QualityConflict]
    approximate_geometry: list[QualityRoughGeometry]
    position_evidence: list[QualityPositionEvidence]
    counts: QualityCounts


# --- GET /api/city ---------------------------------------------------------------------------------


@described
class CitySource(TypedDict):
    id: str
    label: str
    """The source's title (or publisher when untitled)"""
    publisher: str
    url: str | None
    published: str


@described
class CityFigure(TypedDict):
    field: Literal[tuple(CITY_FIELDS)]
    label_en: str
    label_vi: str
    value: float
    unit: str
    as_of: str
    """The date the figure describes: YYYY, YYYY-MM or YYYY-MM-DD"""
    sources: Annotated[list[CitySource], Field(min_length=1)]
    shown: bool
    """The value shown for its field (exactly one per field)"""
    verified: bool
    """false: rests on the fact sheet's attribution, not re-read"""
    note: str
    """The note in English"""
    note_vi: str
    """The note in Vietnamese; empty where nobody translated it"""


@described
class ParksReference(TypedDict, total=False):
    """The city's count and area of industrial parks (shown ip_count, ip_area_ha) beside this data set's"""

    city_parks: float | None
    city_parks_as_of: str | None
    city_parks_sources: list[str]
    city_area_ha: float | None
    city_area_as_of: str | None
    city_area_sources: list[str]
    data_parks: Count
    data_area_ha: Annotated[float, Field(ge=0)]
    data_parks_with_area: Count


@described
class CityFigures(TypedDict):
    """Every city figure, the shown value of each field first, and the data set's parks beside the city's"""

    figures: list[CityFigure]
    parks_reference: ParksReference


BODIES = (CoverageReport, QualityReport, CityFigures)
