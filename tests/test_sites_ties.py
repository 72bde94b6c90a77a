"""The site finder's near ties, and parks with unknown values included, excluded or listed apart."""
# ruff: noqa: F811  (the fixtures imported from the module this one was split from are redefined as arguments)

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.analysis.sites import (
    DISTANCES,
    SiteQuery,
    criterion_points,
    find_sites,
    score_breakdown,
    score_of,
    tie_ranks,
)
from geo.model.errors import InvalidQuery
from tests.test_sites import (
    ids,
    parks,  # noqa: F401  (fixtures: pytest finds them by name)
    weights,
)

# --- near ties, unknown values included or excluded -----------------------------------------------


@pytest.mark.parametrize(
    ("scores", "ranks"),
    [
        ([90.0, 89.5, 89.49, 70.0], [1, 1, 3, 4]),  # 0.5 apart is a tie, 0.51 is not
        ([90.0, 89.6, 89.2, 88.8], [1, 1, 3, 3]),  # measured from the group's best: no chain of ties
        ([50.0, 50.0, 50.0], [1, 1, 1]),
        ([10.0, math.nan], [1, None]),
        ([], []),
    ],
)
def test_scores_within_half_a_point_share_a_rank(scores, ranks):
    assert tie_ranks(scores) == ranks


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.001, 1000)), min_size=1, max_size=6))
def test_the_breakdown_always_adds_up_to_the_rounded_exact_score(points_and_weights):
    keys = [c.key for c in DISTANCES][: len(points_and_weights)] or ["free_land"]
    pairs = dict(zip(keys, points_and_weights, strict=False))
    values = {key: (1 - points / 100) * 60 for key, (points, _) in pairs.items()}  # km giving those points
    weights_ = {key: weight for key, (_, weight) in pairs.items()}
    breakdown = score_breakdown(values, weights_)
    exact = sum(weights_[k] * criterion_points(DISTANCES[i], values[k]) for i, k in enumerate(pairs))
    exact /= sum(weights_.values())
    assert sum(round(v * 100) for v in breakdown.values()) == round(score_of(breakdown) * 100)
    assert abs(score_of(breakdown) - exact) <= 0.005 + 1e-9
    assert all(round(v, 2) == v for v in breakdown.values())


def test_unknowns_apart_is_the_default(parks):
    default = find_sites(parks, SiteQuery(min_free_ha=0))
    apart = find_sites(parks, SiteQuery(min_free_ha=0, unknowns="apart"))
    assert ids(default.results) == ids(apart.results) and "kcn-straddle" not in ids(default.results)
    assert [site.id for site in default.unknown] == ["kcn-straddle"]


def test_included_unknowns_are_ranked_on_what_is_known_and_marked(parks):
    search = find_sites(parks, SiteQuery(min_free_ha=0, weights=weights(free_land=1, lach_huyen=1),
                                         unknowns="include"))  # fmt: skip
    assert search.unknown == () and "kcn-straddle" in ids(search.results) and search.matched == 4
    straddle = search.results.loc["kcn-straddle"]
    assert list(straddle["unknown_criteria"]) == ["free_land"]
    assert straddle["reasons"][0].startswith("free land unknown")
    # scored on Lạch Huyện alone (its only known weighted value), never 0 for the missing free land
    lach_huyen = criterion_points(DISTANCES[0], parks.at["kcn-straddle", "distance_km_lach_huyen"])
    assert straddle["score"] == pytest.approx(lach_huyen, abs=0.005)
    assert list(straddle["score_breakdown"]) == ["lach_huyen"]
    assert all(
        list(search.results.loc[p, "unknown_criteria"]) == [] for p in ids(search.results) if p != "kcn-straddle"
    )


def test_a_park_with_no_weighted_value_known_comes_last_unscored(parks):
    search = find_sites(parks, SiteQuery(weights=weights(free_land=1), unknowns="include"))
    assert ids(search.results)[-1] == "kcn-straddle"
    last = search.results.iloc[-1]
    assert pd.isna(last["rank"]) and math.isnan(last["score"]) and last["score_breakdown"] == {}


def test_excluded_unknowns_are_left_out_and_counted(parks):
    search = find_sites(parks, SiteQuery(min_free_ha=0, unknowns="exclude"))
    assert "kcn-straddle" not in ids(search.results) and search.unknown == ()
    assert search.excluded_unknown == 1


def test_an_unknown_choice_is_refused(parks):
    with pytest.raises(InvalidQuery, match="unknowns: expected one of apart, include, exclude, got 'maybe'"):
        find_sites(parks, SiteQuery(unknowns="maybe"))
