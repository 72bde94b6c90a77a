"""The site finder (geo/sites.py) on a small real data set: filters, unknown values, scoring and ranking.

The tiny data set of tests/builders.py, plus free-land figures and sectors written here, gives:

=============  ==================  ========  ===========  ===========  ================  ============
park           status              zone_id   province     free_ha      sectors           lach_huyen km
=============  ==================  ========  ===========  ===========  ================  ============
kcn-trang-due  operating           kkt-a     hai-phong    100 (2014)   electronics       29.87
kcn-overlap    planned             kkt-a     hai-phong    20 (2024)    Điện tử, logistics  28.62
kcn-straddle   under_construction  ""        hai-phong    unknown      logistics         21.94
kcn-outside    operating           ""        hai-duong    150 (2022)   —                 63.76
=============  ==================  ========  ===========  ===========  ================  ============

With the default weights (Lạch Huyện 2, Cát Bi 1, city centre 1) they rank straddle, overlap,
trang-due, outside.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from geo import build_dataset
from geo.analysis.sites import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    DISTANCES,
    FREE_LAND,
    SiteQuery,
    criterion_points,
    find_sites,
    score_breakdown,
    score_of,
)
from geo.model.errors import InvalidQuery
from geo.model.files import FIGURE_COLUMNS
from tests.builders import edit_csv, remove_features, set_row, write_dataset

PARKS = ["kcn-outside", "kcn-overlap", "kcn-straddle", "kcn-trang-due"]
DEFAULT_ORDER = ["kcn-straddle", "kcn-overlap", "kcn-trang-due", "kcn-outside"]
FREE_LAND_FIGURES = [
    # feature_id, field, value, as_of, sources, shown, verified, note
    ("kcn-overlap", "leasable_ha", "200", "2024", "src-a", "yes", "yes", ""),
    ("kcn-overlap", "occupancy_pct", "90", "2024", "src-a", "yes", "yes", ""),
    ("kcn-outside", "leasable_ha", "150", "2022", "src-b", "yes", "yes", ""),
    ("kcn-outside", "occupancy_pct", "0", "2023", "src-b", "yes", "yes", ""),
    ("kcn-straddle", "leasable_ha", "80", "2024", "src-a", "yes", "yes", "occupancy not published"),
]
SECTORS = {"kcn-overlap": "Điện tử; logistics", "kcn-straddle": "logistics"}


def write_sites_dataset(directory: Path) -> Path:
    """The tiny data set with free land known for three parks (one of them over 100 ha) and more sectors."""
    write_dataset(directory)
    columns = FIGURE_COLUMNS
    edit_csv(
        directory / "figures.csv", lambda rows: rows + [dict(zip(columns, f, strict=True)) for f in FREE_LAND_FIGURES]
    )
    for park, sectors in SECTORS.items():
        edit_csv(directory / "industrial-parks.csv", set_row(park, sectors=sectors))
    return directory


def remove_feature(directory: Path, layer: str, feature_id: str) -> None:
    """Remove one feature from a data directory, with its figures and position evidence."""
    remove_features(directory, layer, {feature_id})


@pytest.fixture(scope="module")
def parks(tmp_path_factory):
    return build_dataset(write_sites_dataset(tmp_path_factory.mktemp("sites") / "data")).layer("industrial-parks").gdf


@pytest.fixture(scope="module")
def parks_without_nam_do_son(tmp_path_factory):
    directory = write_sites_dataset(tmp_path_factory.mktemp("no-port") / "data")
    remove_feature(directory, "ports", "port-nam-do-son")
    return build_dataset(directory).layer("industrial-parks").gdf


def ids(frame) -> list[str]:
    return list(frame.index)


def weights(**given: float) -> dict[str, float]:
    """Every weight 0 except those given, by criterion key."""
    return {c.key: given.get(c.key, 0.0) for c in CRITERIA}


def test_the_fixture_has_the_values_the_tests_rely_on(parks):
    assert parks.loc[PARKS, "free_ha"].tolist()[:2] == [150.0, 20.0]
    assert math.isnan(parks.at["kcn-straddle", "free_ha"]) and parks.at["kcn-trang-due", "free_ha"] == 100.0
    assert parks.at["kcn-outside", "free_ha_as_of"] == "2022"
    assert parks.loc[PARKS, "distance_km_lach_huyen"].notna().all()


# --- points and scores -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "value", "points"),
    [
        (FREE_LAND, 0.0, 0.0),
        (FREE_LAND, 20.0, 20.0),
        (FREE_LAND, 100.0, 100.0),
        (FREE_LAND, 1e6, 100.0),
        (DISTANCES[0], 0.0, 100.0),
        (DISTANCES[0], 30.0, 50.0),
        (DISTANCES[2], 60.0, 0.0),
        (DISTANCES[4], 600.0, 0.0),
    ],
)
def test_criterion_points(criterion, value, points):
    assert criterion_points(criterion, value) == pytest.approx(points)


@pytest.mark.parametrize(
    ("values", "weights_", "expected"),
    [
        ({"free_land": 50.0}, {"free_land": 3.0}, {"free_land": 50.0}),
        ({"free_land": 100.0, "cat_bi": 30.0}, {"free_land": 1.0, "cat_bi": 1.0}, {"free_land": 50.0, "cat_bi": 25.0}),
        ({"lach_huyen": 0.0, "cat_bi": 0.0, "city_centre": 0.0}, {"lach_huyen": 1, "cat_bi": 1, "city_centre": 1},
         {"lach_huyen": 33.34, "cat_bi": 33.33, "city_centre": 33.33}),  # the spare hundredth to the first
        ({"free_land": 40.0}, {"free_land": 1e308}, {"free_land": 40.0}),  # no overflow
        ({"free_land": 40.0, "cat_bi": 6.0}, {"free_land": 1e308, "cat_bi": 1e308},
         {"free_land": 20.0, "cat_bi": 45.0}),
    ],
)  # fmt: skip
def test_score_breakdown_is_each_weighted_share_rounded_by_largest_remainder(values, weights_, expected):
    assert score_breakdown(values, weights_) == expected


def test_score_is_the_sum_of_the_rounded_breakdown():
    breakdown = {"lach_huyen": 33.33, "cat_bi": 33.33, "city_centre": 33.33}
    assert score_of(breakdown) == 99.99
    assert score_of({}) == 0


@pytest.mark.parametrize(
    ("weights_", "message"),
    [
        (weights(), "every weight is 0: give at least one of w_free_land, w_lach_huyen"),
        ({**DEFAULT_WEIGHTS, "cat_bi": -1.0}, "weight of cat_bi: expected a finite number of at least 0, got -1.0"),
        ({**DEFAULT_WEIGHTS, "cat_bi": math.nan}, "weight of cat_bi"),
        ({**DEFAULT_WEIGHTS, "cat_bi": math.inf}, "weight of cat_bi"),
        ({"hanoi": 1.0}, "no criterion 'hanoi'"),
    ],
)
def test_bad_weights_are_refused(parks, weights_, message):
    with pytest.raises(InvalidQuery, match=message):
        find_sites(parks, SiteQuery(weights=weights_))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (SiteQuery(max_km={"hanoi": 5}), "no distance criterion 'hanoi'"),
        (SiteQuery(max_km={"free_land": 5}), "no distance criterion 'free_land'"),
        (SiteQuery(max_km={"cat_bi": 0}), "max km to cat_bi: expected a finite number above 0, got 0"),
        (SiteQuery(max_km={"cat_bi": math.nan}), "max km to cat_bi"),
        (SiteQuery(min_free_ha=-1), "min free land: expected a finite number of at least 0, got -1"),
        (SiteQuery(min_free_ha=math.inf), "min free land"),
        (SiteQuery(limit=0), "limit: expected a whole number of at least 1, got 0"),
        (SiteQuery(limit=2.5), "limit"),
        (SiteQuery(limit=True), "limit"),
    ],
)
def test_bad_limits_are_refused(parks, query, message):
    with pytest.raises(InvalidQuery, match=message):
        find_sites(parks, query)


def test_the_breakdown_follows_the_criteria_order_whatever_the_weights_order(parks):
    reordered = {"city_centre": 1.0, "free_land": 1.0, "cat_bi": 1.0}
    [row] = [r for _, r in find_sites(parks, SiteQuery(weights=reordered, limit=1)).results.iterrows()]
    assert list(row["score_breakdown"]) == ["free_land", "cat_bi", "city_centre"]


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "results", "unknown"),
    [
        (SiteQuery(), DEFAULT_ORDER, []),
        (SiteQuery(statuses=("planned",)), ["kcn-overlap"], []),
        (SiteQuery(statuses=("operating",)), ["kcn-trang-due", "kcn-outside"], []),
        (SiteQuery(statuses=("operating", "under_construction")), ["kcn-straddle", "kcn-trang-due", "kcn-outside"], []),
        (SiteQuery(statuses=("proposed",)), [], []),
        (SiteQuery(former_province="hai-duong"), ["kcn-outside"], []),
        (SiteQuery(former_province="hai-phong"), ["kcn-straddle", "kcn-overlap", "kcn-trang-due"], []),
        (SiteQuery(in_zone="yes"), ["kcn-overlap", "kcn-trang-due"], []),
        (SiteQuery(in_zone="no"), ["kcn-straddle", "kcn-outside"], []),
        (SiteQuery(in_zone="kkt-a"), ["kcn-overlap", "kcn-trang-due"], []),
        (SiteQuery(in_zone="kkt-b"), [], []),
        (SiteQuery(sectors=("electronics",)), ["kcn-trang-due"], []),
        (SiteQuery(sectors=("ELECTRONICS",)), ["kcn-trang-due"], []),
        (SiteQuery(sectors=("dien tu",)), ["kcn-overlap"], []),
        (SiteQuery(sectors=("ĐIỆN TỬ",)), ["kcn-overlap"], []),
        (SiteQuery(sectors=("Logistics",)), ["kcn-straddle", "kcn-overlap"], []),
        (SiteQuery(sectors=("electronics", "logistics")), ["kcn-straddle", "kcn-overlap", "kcn-trang-due"], []),
        (SiteQuery(sectors=("electro",)), [], []),  # whole sectors, not substrings
        (SiteQuery(sectors=("steel",)), [], []),
        (SiteQuery(max_km={"lach_huyen": 25}), ["kcn-straddle"], []),
        (SiteQuery(max_km={"lach_huyen": 29}), ["kcn-straddle", "kcn-overlap"], []),
        (SiteQuery(max_km={"lach_huyen": 29.87}), ["kcn-straddle", "kcn-overlap", "kcn-trang-due"], []),  # inclusive
        (SiteQuery(max_km={"cat_bi": 12}), ["kcn-straddle", "kcn-overlap"], []),
        (SiteQuery(max_km={"tien_lang_airport": 10}), ["kcn-trang-due"], []),
        (SiteQuery(max_km={"nam_do_son": 19.5}), ["kcn-straddle", "kcn-overlap"], []),
        (SiteQuery(max_km={"city_centre": 1}), [], []),
        (SiteQuery(max_km={"lach_huyen": 29, "cat_bi": 6}), ["kcn-straddle"], []),
        (SiteQuery(min_free_ha=100), ["kcn-trang-due", "kcn-outside"], ["kcn-straddle"]),
        (SiteQuery(min_free_ha=0), ["kcn-overlap", "kcn-trang-due", "kcn-outside"], ["kcn-straddle"]),
        (SiteQuery(min_free_ha=1000), [], ["kcn-straddle"]),
        (SiteQuery(min_free_ha=100, statuses=("operating",)), ["kcn-trang-due", "kcn-outside"], []),
        (SiteQuery(min_free_ha=10, max_km={"lach_huyen": 25}), [], ["kcn-straddle"]),
        (SiteQuery(min_free_ha=10, max_km={"lach_huyen": 20}), [], []),  # straddle is too far: not unknown
        (SiteQuery(statuses=("planned",), in_zone="no"), [], []),
        (SiteQuery(former_province="hai-duong", max_km={"lach_huyen": 60}), [], []),
    ],
)
def test_every_filter_is_honoured(parks, query, results, unknown):
    search = find_sites(parks, query)
    assert ids(search.results) == results
    assert [site.id for site in search.unknown] == unknown
    assert search.matched == len(results)


def test_free_land_weight_needs_free_land(parks):
    search = find_sites(parks, SiteQuery(weights=weights(free_land=1)))
    assert ids(search.results) == ["kcn-outside", "kcn-trang-due", "kcn-overlap"]  # 100, 100 (tie: by id), 20
    assert [(s.id, s.reasons) for s in search.unknown] == [
        ("kcn-straddle", ("free land unknown: occupancy not published (leasable area 80 ha)",))
    ]


def test_unknown_parks_are_listed_with_every_reason_never_dropped(parks_without_nam_do_son):
    parks = parks_without_nam_do_son
    assert parks["distance_km_nam_do_son"].isna().all()
    search = find_sites(parks, SiteQuery(min_free_ha=10, weights={**DEFAULT_WEIGHTS, "nam_do_son": 1.0}))
    assert ids(search.results) == []
    reasons = {site.id: site.reasons for site in search.unknown}
    nam_do_son = "distance to Nam Đồ Sơn port unknown: the place is not in the data set"
    assert reasons == {
        "kcn-outside": (nam_do_son,),
        "kcn-overlap": (nam_do_son,),  # its 20 ha pass min_free_ha=10
        "kcn-straddle": ("free land unknown: occupancy not published (leasable area 80 ha)", nam_do_son),
        "kcn-trang-due": (nam_do_son,),
    }


def test_a_park_failing_a_known_filter_is_excluded_even_with_unknown_values(parks_without_nam_do_son):
    search = find_sites(parks_without_nam_do_son, SiteQuery(min_free_ha=50, max_km={"nam_do_son": 100}))
    assert ids(search.results) == []
    assert [site.id for site in search.unknown] == ["kcn-outside", "kcn-straddle", "kcn-trang-due"]  # not overlap


def test_a_missing_place_matters_only_when_it_is_used(parks_without_nam_do_son):
    assert ids(find_sites(parks_without_nam_do_son, SiteQuery()).results) == DEFAULT_ORDER


def test_reasons_name_the_missing_figures(tiny):
    search = find_sites(tiny.layer("industrial-parks").gdf, SiteQuery(min_free_ha=1))
    reasons = {site.id: site.reasons for site in search.unknown}
    assert reasons["kcn-outside"] == ("free land unknown: leasable area and occupancy not published",)
    assert ids(search.results) == ["kcn-trang-due"]


# --- ranking ---------------------------------------------------------------------------------


def test_default_scores_follow_the_formula(parks):
    search = find_sites(parks, SiteQuery())
    for park_id, row in search.results.iterrows():
        weighted = [c for c in CRITERIA if DEFAULT_WEIGHTS[c.key] > 0]
        points = {c.key: criterion_points(c, parks.at[park_id, c.column]) for c in weighted}
        exact = sum(DEFAULT_WEIGHTS[k] * points[k] for k in points) / sum(DEFAULT_WEIGHTS.values())
        assert row["score"] == pytest.approx(exact, abs=0.03)
        assert set(row["score_breakdown"]) == {"lach_huyen", "cat_bi", "city_centre"}


@pytest.mark.parametrize(
    "query",
    [
        SiteQuery(),
        SiteQuery(weights=weights(free_land=1, lach_huyen=1, nam_do_son=1, cat_bi=1, tien_lang_airport=1,
                                  city_centre=1)),
        SiteQuery(weights=weights(free_land=0.3, cat_bi=7, city_centre=1e-9)),
        SiteQuery(weights=weights(tien_lang_airport=3, nam_do_son=1)),
    ],
)  # fmt: skip
def test_breakdown_adds_up_to_the_score_exactly(parks, query):
    search = find_sites(parks, query)
    assert len(search.results) >= 3
    for _, row in search.results.iterrows():
        assert round(sum(row["score_breakdown"].values()), 2) == row["score"]
        assert math.isclose(sum(row["score_breakdown"].values()), row["score"], abs_tol=1e-9)
        assert all(round(v, 2) == v for v in row["score_breakdown"].values())


@pytest.mark.parametrize(
    ("weights_", "column"),
    [
        (weights(lach_huyen=1), "distance_km_lach_huyen"),
        (weights(tien_lang_airport=1), "distance_km_tien_lang_airport"),
        (weights(cat_bi=5), "distance_km_cat_bi"),
        (weights(city_centre=0.1), "distance_km_city_centre"),
    ],
)
def test_a_single_distance_weight_ranks_by_that_distance(parks, weights_, column):
    results = find_sites(parks, SiteQuery(weights=weights_)).results
    assert ids(results) == list(parks.sort_values([column]).index)


def test_weights_change_the_order(parks):
    by_lach_huyen = ids(find_sites(parks, SiteQuery(weights=weights(lach_huyen=1))).results)
    by_tien_lang = ids(find_sites(parks, SiteQuery(weights=weights(tien_lang_airport=1))).results)
    assert by_lach_huyen == ["kcn-straddle", "kcn-overlap", "kcn-trang-due", "kcn-outside"]
    assert by_tien_lang == ["kcn-trang-due", "kcn-overlap", "kcn-straddle", "kcn-outside"]
    free_first = ids(find_sites(parks, SiteQuery(min_free_ha=0, weights=weights(free_land=10, lach_huyen=1))).results)
    assert free_first == ["kcn-trang-due", "kcn-outside", "kcn-overlap"]


def test_ranking_is_deterministic_and_ties_go_by_id(parks):
    query = SiteQuery(weights=weights(free_land=1))
    first, second = find_sites(parks, query), find_sites(parks, query)
    assert ids(first.results) == ids(second.results) == ["kcn-outside", "kcn-trang-due", "kcn-overlap"]
    assert first.results["score"].tolist() == [100.0, 100.0, 20.0]
    assert first.results["rank"].tolist() == [1, 1, 3]  # 100 and 100 are a tie
    assert first.results["tied"].tolist() == [True, True, False]
    shuffled = find_sites(parks.iloc[::-1], query)
    assert ids(shuffled.results) == ids(first.results)


def test_limit_keeps_the_best_and_matched_counts_all(parks):
    search = find_sites(parks, SiteQuery(limit=2))
    assert ids(search.results) == DEFAULT_ORDER[:2] and search.matched == 4
    assert ids(find_sites(parks, SiteQuery(limit=100)).results) == DEFAULT_ORDER


def test_the_input_frame_is_not_modified(parks):
    before = parks.copy()
    find_sites(parks, SiteQuery(min_free_ha=0, weights=weights(free_land=1)))
    pd.testing.assert_frame_equal(parks.drop(columns="geometry"), before.drop(columns="geometry"))
    assert "score" not in parks.columns


def test_an_empty_layer_gives_empty_results(parks):
    search = find_sites(parks.iloc[:0], SiteQuery(min_free_ha=5))
    assert (len(search.results), search.unknown, search.matched) == (0, (), 0)
