"""The investor site finder: filter the industrial parks, score them on weighted criteria and rank them.

Each criterion turns one value of a park into points from 0 to 100:

- ``free_land``: ``100 × min(free_ha, 100) / 100``: 100 points from 100 ha of free land up;
- a distance (``lach_huyen``, ``nam_do_son``, ``cat_bi``, ``tien_lang_airport``, ``city_centre``):
  ``100 × max(0, 1 − km / 60)``: 100 points on the spot, none from 60 km away.

A park's score is the weighted mean of its points over the criteria whose weight is above 0 and whose
value is known, ``Σ w·points / Σ w``, rounded to 0.01. Each criterion's share, ``w·points / Σ w``, is
rounded to 0.01 by the largest-remainder method (round every share down, then give the hundredths still
missing to the shares that lost most), so the breakdown a user reads adds up exactly to the score.

Scores within ``TIE_POINTS`` (0.5) of the best score of a group share its rank ("1, 1, 3"): the data's
figures and distances are not precise enough to tell such parks apart.

A park whose needed value is unknown (no free land figure while free land is filtered on or weighted, or a
distance to a place missing from the data) is never zero and never silently dropped. ``unknowns`` says
what happens to it: ``apart`` (the default) lists it apart with the reasons; ``include`` ranks it among
the others on the criteria whose values are known, marked with the criteria it lacks (a park with no
weighted value known comes last, unscored); ``exclude`` leaves it out and counts it.
Distances are great-circle km between centroids (see ``geo.pipeline.derive``), not road distances.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.model.errors import InvalidQuery
from geo.model.text import fold

FREE_LAND_CAP_HA = 100.0  # free land beyond this earns no more points
DISTANCE_ZERO_KM = 60.0  # a place this far away or further earns no points
DISTANCE_NOTE = "great-circle km between feature centroids, not road distance"


@dataclass(frozen=True)
class Criterion:
    """One thing a park is scored on."""

    key: str  # the name in responses: "free_land", "lach_huyen", ...
    parameter: str  # the suffix of its query parameters: w_<parameter>, max_km_<parameter>
    column: str  # the parks layer's column holding the value (ha or km)
    default_weight: float
    label: str  # what the value is, in a reason: "distance to Lạch Huyện port"

    @property
    def is_distance(self) -> bool:
        """Tell whether the criterion is a distance in km (the others are free land in ha)."""
        return self.column.startswith("distance_km_")


def _distance(place_key: str, default_weight: float, place: str) -> Criterion:
    # One spelling everywhere: the key of KEY_INFRASTRUCTURE names the criterion, its parameters and its column.
    return Criterion(place_key, place_key, f"distance_km_{place_key}", default_weight, f"distance to {place}")


FREE_LAND = Criterion("free_land", "free_land", "free_ha", 0.0, "free land")
DISTANCES: tuple[Criterion, ...] = (
    _distance("lach_huyen", 2.0, "Lạch Huyện port"),
    _distance("nam_do_son", 0.0, "Nam Đồ Sơn port"),
    _distance("cat_bi", 1.0, "Cát Bi airport"),
    _distance("tien_lang_airport", 0.0, "Tiên Lãng airport"),
    _distance("city_centre", 1.0, "the city centre"),
)
CRITERIA: tuple[Criterion, ...] = (FREE_LAND, *DISTANCES)
DEFAULT_WEIGHTS: dict[str, float] = {c.key: c.default_weight for c in CRITERIA}
POINTS_RULES = {
    FREE_LAND.key: "100 × min(free_ha, 100) / 100: 100 points from 100 ha of free land up",
    **{c.key: "100 × max(0, 1 − km / 60): 100 points on the spot, 0 from 60 km away" for c in DISTANCES},
}
IN_ZONE_CHOICES = ("any", "yes", "no")  # or an economic zone's id
UNKNOWNS_CHOICES = ("apart", "include", "exclude")  # what to do with a park whose needed values are unknown
TIE_POINTS = 0.5  # scores this close to a group's best share its rank


@dataclass(frozen=True)
class SiteQuery:
    """What an investor asks for: filters, criterion weights and how many parks to return."""

    statuses: tuple[str, ...] = ()  # empty: every status
    min_free_ha: float | None = None  # ha
    max_km: Mapping[str, float] = field(default_factory=dict)  # distance criterion key → km
    sectors: tuple[str, ...] = ()  # any of them; compared with geo.model.text.fold
    in_zone: str = "any"  # any | yes | no | an economic zone id (the declared zone_id)
    former_province: str | None = None
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))  # criterion key → ≥ 0
    limit: int | None = None  # None: every ranked park
    unknowns: str = "apart"  # one of UNKNOWNS_CHOICES


@dataclass(frozen=True)
class UnknownSite:
    """A park that might match but whose needed values are not known."""

    id: str
    name_vi: str
    name_en: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SiteSearch:
    """The outcome of a ``SiteQuery``."""

    results: gpd.GeoDataFrame  # ranked parks with rank, tied, score, score_breakdown, unknown_criteria, reasons
    unknown: tuple[UnknownSite, ...]  # by id; only with ``unknowns="apart"``
    matched: int  # parks ranked before ``limit`` was applied
    excluded_unknown: int = 0  # parks left out because a needed value is unknown (``unknowns="exclude"``)


def find_sites(parks: gpd.GeoDataFrame, query: SiteQuery) -> SiteSearch:
    """Return the parks matching ``query``, ranked by score (highest first, then by id).

    Parameters
    ----------
    parks
        The industrial parks layer (index = feature id) with its derived ``free_ha`` and
        ``distance_km_*`` columns.
    query
        Filters and weights; ``query.weights`` must give at least one criterion a weight above 0.

    Returns
    -------
    SiteSearch
        The ranked parks, the parks whose needed values are unknown, and the number ranked.

    Raises
    ------
    InvalidQuery
        When every weight is 0, or a weight, limit or distance is out of range.
    """
    weights = active_weights(query.weights)
    _check_limits(query)
    candidates = _matching_categories(parks, query)
    candidates = candidates[~_failing_known_limits(candidates, query)]
    needed = needed_criteria(query)
    unknown_mask = candidates[[c.column for c in needed]].isna().any(axis=1)
    unknown: tuple[UnknownSite, ...] = ()
    excluded = 0
    if query.unknowns == "apart":
        unknown = tuple(_unknown_site(row, needed) for _, row in candidates[unknown_mask].sort_index().iterrows())
    if query.unknowns != "include":
        excluded = int(unknown_mask.sum()) if query.unknowns == "exclude" else 0
        candidates = candidates[~unknown_mask.to_numpy(dtype=bool)]
    ranked = rank_sites(score_sites(candidates, weights, needed))
    limited = ranked if query.limit is None else ranked.iloc[: query.limit]
    return SiteSearch(results=limited, unknown=unknown, matched=len(ranked), excluded_unknown=excluded)


def active_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Return the weights above 0, by criterion key, or raise ``InvalidQuery`` when there are none.

    Examples
    --------
    >>> active_weights({"free_land": 0, "cat_bi": 2.5})
    {'cat_bi': 2.5}
    """
    known = {c.key for c in CRITERIA}
    for key, weight in weights.items():
        if key not in known:
            raise InvalidQuery(f"no criterion '{key}'; the criteria are: {', '.join(sorted(known))}")
        if not math.isfinite(weight) or weight < 0:
            raise InvalidQuery(f"weight of {key}: expected a finite number of at least 0, got {weight}")
    active = {c.key: float(weights[c.key]) for c in CRITERIA if weights.get(c.key, 0) > 0}  # in criteria order
    if not active:
        names = ", ".join(f"w_{c.parameter}" for c in CRITERIA)
        raise InvalidQuery(f"every weight is 0: give at least one of {names} a value above 0")
    return active


def _check_limits(query: SiteQuery) -> None:
    distances = {c.key for c in DISTANCES}
    for key, km in query.max_km.items():
        if key not in distances:
            raise InvalidQuery(f"no distance criterion '{key}'; they are: {', '.join(sorted(distances))}")
        if not math.isfinite(km) or km <= 0:
            raise InvalidQuery(f"max km to {key}: expected a finite number above 0, got {km}")
    if query.min_free_ha is not None and not (math.isfinite(query.min_free_ha) and query.min_free_ha >= 0):
        raise InvalidQuery(f"min free land: expected a finite number of at least 0, got {query.min_free_ha}")
    if query.unknowns not in UNKNOWNS_CHOICES:
        raise InvalidQuery(f"unknowns: expected one of {', '.join(UNKNOWNS_CHOICES)}, got '{query.unknowns}'")
    if query.limit is not None and (
        isinstance(query.limit, bool) or not isinstance(query.limit, int) or query.limit < 1
    ):
        raise InvalidQuery(f"limit: expected a whole number of at least 1, got {query.limit!r}")


def needed_criteria(query: SiteQuery) -> tuple[Criterion, ...]:
    """Return the criteria whose value a park must have: those filtered on or weighted above 0."""
    filtered = set(query.max_km) | ({FREE_LAND.key} if query.min_free_ha is not None else set())
    return tuple(c for c in CRITERIA if c.key in filtered or query.weights.get(c.key, 0) > 0)


def criterion_points(criterion: Criterion, value: float) -> float:
    """Return the 0–100 points of ``value`` (ha of free land, or km) on ``criterion``.

    Examples
    --------
    >>> criterion_points(FREE_LAND, 250.0), criterion_points(FREE_LAND, 40.0)
    (100.0, 40.0)
    >>> criterion_points(DISTANCES[0], 15.0), criterion_points(DISTANCES[0], 75.0)
    (75.0, 0.0)
    """
    if criterion.is_distance:
        return 100.0 * max(0.0, 1.0 - value / DISTANCE_ZERO_KM)
    return 100.0 * min(value, FREE_LAND_CAP_HA) / FREE_LAND_CAP_HA


def score_breakdown(values: Mapping[str, float], weights: Mapping[str, float]) -> dict[str, float]:
    """Return each weighted criterion's share of the score, ``w·points / Σ w``, in hundredths that add up.

    ``weights`` holds only weights above 0; ``values`` the park's value for each of them. The shares are
    rounded by the largest-remainder method: their sum is the exact score rounded to 0.01.

    Examples
    --------
    >>> score_breakdown({"free_land": 50.0, "cat_bi": 30.0}, {"free_land": 1, "cat_bi": 2})
    {'free_land': 16.67, 'cat_bi': 33.33}
    >>> places = ["lach_huyen", "cat_bi", "city_centre"]
    >>> score_breakdown(dict.fromkeys(places, 0.0), dict.fromkeys(places, 1))
    {'lach_huyen': 33.34, 'cat_bi': 33.33, 'city_centre': 33.33}
    """
    # Divide by the largest weight first: huge weights (1e308) then cannot overflow the sum.
    largest = max(weights.values())
    relative = {key: weight / largest for key, weight in weights.items()}
    total = sum(relative.values())
    by_key = {c.key: c for c in CRITERIA}
    exact = {key: 100 * share * criterion_points(by_key[key], values[key]) / total for key, share in relative.items()}
    return {key: hundredths / 100 for key, hundredths in _largest_remainder(exact).items()}


def _largest_remainder(exact: Mapping[str, float]) -> dict[str, int]:
    """Return whole numbers close to ``exact`` whose sum is the rounded sum of ``exact`` (ties: first key)."""
    target = round(sum(exact.values()))
    floors = {key: math.floor(value + 1e-9) for key, value in exact.items()}  # 1e-9: 1666.9999999 is 1667
    missing = target - sum(floors.values())
    by_remainder = sorted(exact, key=lambda key: -(exact[key] - floors[key]))  # stable: criteria order on ties
    for key in by_remainder[: max(0, missing)]:
        floors[key] += 1
    return floors


def score_of(breakdown: Mapping[str, float]) -> float:
    """Return the score: the sum of the breakdown, rounded to 2 decimals (it is a whole number of hundredths).

    Examples
    --------
    >>> score_of({"free_land": 16.67, "cat_bi": 33.33})
    50.0
    """
    return round(sum(breakdown.values()), 2)


def score_sites(
    parks: gpd.GeoDataFrame, weights: Mapping[str, float], needed: tuple[Criterion, ...] = ()
) -> gpd.GeoDataFrame:
    """Return a copy of ``parks`` with ``score``, ``score_breakdown``, ``unknown_criteria`` and ``reasons``.

    A park is scored on its weighted criteria whose values are known; ``unknown_criteria`` names the
    ``needed`` criteria (filtered on or weighted) it lacks, with the ``reasons``. A park with no weighted
    value known gets no score (NaN) and an empty breakdown, never zero.
    """
    by_key = {c.key: c for c in CRITERIA}
    breakdowns, lacking, reasons = [], [], []
    for _, row in parks.iterrows():
        known = {key: float(row[by_key[key].column]) for key in weights if pd.notna(row[by_key[key].column])}
        breakdowns.append(score_breakdown(known, {key: weights[key] for key in known}) if known else {})
        missing = tuple(c for c in needed if pd.isna(row[c.column]))
        lacking.append([c.key for c in missing])
        reasons.append([_reason(c, row) for c in missing])
    out = parks.copy()
    out["score_breakdown"] = pd.Series(breakdowns, index=parks.index, dtype=object)
    out["score"] = pd.Series([score_of(b) if b else math.nan for b in breakdowns], index=parks.index, dtype=float)
    out["unknown_criteria"] = pd.Series(lacking, index=parks.index, dtype=object)
    out["reasons"] = pd.Series(reasons, index=parks.index, dtype=object)
    return out


def rank_sites(scored: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``scored`` ordered by score (highest first, unscored last), ties by id, with ``rank`` and ``tied``.

    A park whose score is within ``TIE_POINTS`` of the best score of the group above shares that group's
    rank; the next group's rank counts every park before it ("1, 1, 3"). Unscored parks have no rank.
    """
    ordered = scored.assign(_id=scored.index.astype(str)).sort_values(
        ["score", "_id"], ascending=[False, True], kind="stable", na_position="last"
    )
    ordered = ordered.drop(columns="_id")
    ranks = tie_ranks(ordered["score"].tolist())
    ordered.insert(0, "rank", pd.array(ranks, dtype="Int64"))
    shared = pd.Series(ranks).value_counts()
    ordered["tied"] = [rank is not None and shared[rank] > 1 for rank in ranks]
    return ordered


def tie_ranks(scores: list[float]) -> list[int | None]:
    """Return the rank of each of ``scores`` (sorted highest first, NaN last): near ties share a rank.

    Examples
    --------
    >>> tie_ranks([90.0, 89.5, 89.4, 70.0, 69.8, float("nan")])
    [1, 1, 3, 4, 4, None]
    """
    ranks: list[int | None] = []
    group_best: int | None = None  # in hundredths, so that 0.5 is exact
    for position, score in enumerate(scores, start=1):
        if math.isnan(score):
            ranks.append(None)
            continue
        hundredths = round(score * 100)
        if group_best is None or group_best - hundredths > round(TIE_POINTS * 100):
            group_best = hundredths
            ranks.append(position)
        else:
            ranks.append(ranks[-1])
    return ranks


def _matching_categories(parks: gpd.GeoDataFrame, query: SiteQuery) -> gpd.GeoDataFrame:
    """Return the parks matching the filters whose values are always known: status, sector, zone, province."""
    keep = pd.Series(True, index=parks.index)
    if query.statuses:
        keep &= parks["status"].isin(query.statuses)
    if query.sectors:
        wanted = {fold(sector) for sector in query.sectors}
        keep &= parks["sectors"].map(lambda sectors: _has_sector(sectors, wanted))
    if query.former_province is not None:
        keep &= parks["former_province"] == query.former_province
    keep &= _in_zone(parks["zone_id"].fillna(""), query.in_zone)
    return parks[keep.to_numpy(dtype=bool)]


def _has_sector(sectors, wanted: set[str]) -> bool:
    return isinstance(sectors, (list, tuple, np.ndarray)) and any(fold(str(s)) in wanted for s in sectors)


def _in_zone(zone_ids: pd.Series, in_zone: str) -> pd.Series:
    if in_zone == "any":
        return pd.Series(True, index=zone_ids.index)
    if in_zone == "yes":
        return zone_ids != ""
    if in_zone == "no":
        return zone_ids == ""
    return zone_ids == in_zone


def _failing_known_limits(parks: gpd.GeoDataFrame, query: SiteQuery) -> pd.Series:
    """Return where a known value breaks a limit: too little free land or too far away."""
    failing = pd.Series(False, index=parks.index)
    if query.min_free_ha is not None:
        failing |= parks[FREE_LAND.column] < query.min_free_ha  # NaN compares False: unknown, not failing
    by_key = {c.key: c for c in DISTANCES}
    for key, km in query.max_km.items():
        failing |= parks[by_key[key].column] > km
    return failing


def _unknown_site(row: pd.Series, needed: tuple[Criterion, ...]) -> UnknownSite:
    reasons = tuple(_reason(criterion, row) for criterion in needed if pd.isna(row[criterion.column]))
    return UnknownSite(id=str(row.name), name_vi=row["name_vi"], name_en=row["name_en"], reasons=reasons)


def _reason(criterion: Criterion, row: pd.Series) -> str:
    if criterion.is_distance:
        return f"{criterion.label} unknown: the place is not in the data set"
    leasable, occupancy = row.get("leasable_ha"), row.get("occupancy_pct")
    if pd.isna(leasable) and pd.isna(occupancy):
        return "free land unknown: leasable area and occupancy not published"
    if pd.isna(leasable):
        return f"free land unknown: leasable area not published (occupancy {occupancy:g} %)"
    if pd.isna(occupancy):
        return f"free land unknown: occupancy not published (leasable area {leasable:g} ha)"
    return (
        f"free land unknown: leasable area ({row.get('leasable_ha_as_of')}) and occupancy "
        f"({row.get('occupancy_pct_as_of')}) describe years too far apart"
    )
