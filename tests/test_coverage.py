"""geo/coverage.py on small real frames whose areas are known exactly.

Shapes are drawn in UTM 48N (the CRS coverage measures in) in units of 100 m, so a 10 × 10 square
is 100 ha, then handed over in EPSG:4326 like the layers.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import box

from geo.analysis.coverage import area_by_status, coverage_report, place_name, zones_csv
from geo.model.catalog import METRIC_CRS, STATUSES, WEB_CRS

X0, Y0 = 650_000, 2_300_000  # metres in UTM 48N, near Hải Phòng
NAN = math.nan


def square(x: float, y: float, size: float) -> object:
    """A square of ``size`` × 100 m with its south-west corner (x, y) hundred metres from (X0, Y0)."""
    return box(X0 + x * 100, Y0 + y * 100, X0 + (x + size) * 100, Y0 + (y + size) * 100)


def frame(rows: list[dict], defaults: dict) -> gpd.GeoDataFrame:
    records = [{**defaults, **row} for row in rows]
    columns = {name: [r[name] for r in records] for name in ["id", *defaults]}
    shapes = [r["shape"] for r in records]
    gdf = gpd.GeoDataFrame(columns, geometry=shapes, crs=METRIC_CRS).to_crs(WEB_CRS)
    return gdf.set_index(pd.Index(columns["id"], dtype=object)).rename_axis(None)


PARK_DEFAULTS = {
    "name_vi": "KCN", "name_en": "IP", "status": "operating", "zone_id": "", "old_district": "",
    "commune_2025": "", "area_ha": NAN, "leasable_ha": NAN, "occupancy_pct": NAN, "position_uncertainty_m": 100.0,
}  # fmt: skip
ZONE_DEFAULTS = {"name_vi": "Khu kinh tế", "name_en": "Economic zone", "kind": "economic_zone", "area_ha": NAN}


def make_parks(*rows: dict) -> gpd.GeoDataFrame:
    return frame(list(rows), PARK_DEFAULTS)


# Zone z (400 ha) holds: "op" (100 ha, operating), "plan" (100 ha, a quarter under "op"), "uc" (half in the
# zone), "prop" (entirely under "op"). "edge" only touches z's east edge; "far" is nowhere near. Zone y is empty;
# the free-trade-zone site covers z but is no economic zone.
PARKS = make_parks(
    {"id": "op", "shape": square(0, 0, 10), "zone_id": "z", "area_ha": 100.0, "leasable_ha": 80.0,
     "occupancy_pct": 50.0, "old_district": "An Dương (Lê Lợi, Hồng Phong communes)", "commune_2025": "An Phong ward"},
    {"id": "plan", "shape": square(5, 5, 10), "status": "planned", "zone_id": "z", "area_ha": 120.0,
     "leasable_ha": 40.0, "occupancy_pct": 100.0, "old_district": "An Dương; partly Kiến An",
     "position_uncertainty_m": 2000.0},
    {"id": "uc", "shape": square(15, 0, 10), "status": "under_construction", "area_ha": 88.0, "leasable_ha": 70.0,
     "old_district": "Kiến Thụy", "position_uncertainty_m": NAN},
    {"id": "prop", "shape": square(0, 0, 5), "status": "proposed", "old_district": "  "},
    {"id": "edge", "shape": square(20, 12, 5), "old_district": "Kiến Thụy (Tân Trào)", "position_uncertainty_m": 500.0},
    {"id": "far", "shape": square(100, 100, 10), "area_ha": 50.0, "leasable_ha": 20.0, "occupancy_pct": 100.0},
)  # fmt: skip
ZONES = frame(
    [
        {"id": "z", "shape": square(0, 0, 20), "area_ha": 410.0},
        {"id": "y", "shape": square(50, 50, 10)},
        {"id": "ftz", "shape": square(0, 0, 20), "kind": "free_trade_zone_site"},
    ],
    ZONE_DEFAULTS,
)


@pytest.fixture(scope="module")
def report() -> dict:
    return coverage_report(PARKS, ZONES)


def zone(report: dict, zone_id: str) -> dict:
    return next(z for z in report["zones"] if z["id"] == zone_id)


def test_only_economic_zones_are_reported(report):
    assert [z["id"] for z in report["zones"]] == ["z", "y"]
    assert report["computed_in"] == "EPSG:32648"


def test_covered_land_counts_overlaps_once_and_clips_to_the_zone(report):
    z = zone(report, "z")
    assert (z["area_ha"], z["outline_ha"]) == (410.0, 400.0)
    assert z["covered_ha"] == pytest.approx(100 + 75 + 50, abs=0.01)  # op, plan less op, the inside half of uc
    assert z["covered_pct"] == pytest.approx(56.25, abs=0.01)


def test_covered_land_goes_to_the_most_advanced_status(report):
    by_status = zone(report, "z")["by_status"]
    assert by_status == pytest.approx({"operating": 100, "under_construction": 50, "planned": 75, "proposed": 0})
    assert sum(by_status.values()) == pytest.approx(zone(report, "z")["covered_ha"], abs=0.02)


def test_covered_land_is_split_between_known_and_uncertain_outlines(report):
    # op and prop (± 100 m) are known; plan (± 2 km) and uc (no uncertainty stated) are not
    split = zone(report, "z")["by_certainty"]
    assert split["known_within_m"] == 500
    assert split["known"]["parks"] == ["op", "prop"] and split["uncertain"]["parks"] == ["plan", "uc"]
    assert split["known"]["covered_ha"] == pytest.approx(100, abs=0.01)
    assert split["known"]["by_status"] == pytest.approx({"operating": 100, "under_construction": 0, "planned": 0,
                                                         "proposed": 0}, abs=0.01)  # fmt: skip
    # land under both a known and an uncertain outline rests on the known one: plan counts only beyond op
    assert split["uncertain"]["by_status"] == pytest.approx({"operating": 0, "under_construction": 50, "planned": 75,
                                                             "proposed": 0}, abs=0.01)  # fmt: skip
    assert split["known"]["covered_ha"] + split["uncertain"]["covered_ha"] == pytest.approx(
        zone(report, "z")["covered_ha"], abs=0.02
    )


def test_an_outline_known_to_exactly_the_threshold_is_known(report):
    split = report["totals"]["by_certainty"]
    assert split["known"]["parks"] == ["edge", "far", "op", "prop"]  # edge states ± 500 m
    assert (split["known"]["covered_ha"], split["uncertain"]["covered_ha"]) == pytest.approx((225, 175), abs=0.01)


def test_parks_in_a_zone_share_land_with_it(report):
    z = zone(report, "z")
    assert z["parks"] == ["op", "plan", "prop", "uc"]  # "edge" only touches the boundary
    assert z["parks_declared"] == ["op", "plan"]


def test_zone_occupancy_is_weighted_over_the_parks_with_both_figures(report):
    z = zone(report, "z")
    assert (z["leasable_ha"], z["occupied_ha"], z["parks_with_occupancy"]) == (120.0, 80.0, 2)  # uc has no occupancy
    assert z["occupancy_pct"] == pytest.approx(66.67)


def test_a_zone_with_no_park(report):
    y = zone(report, "y")
    assert (y["covered_ha"], y["covered_pct"], y["parks"], y["parks_declared"]) == (0.0, 0.0, [], [])
    assert y["by_status"] == {"operating": 0.0, "under_construction": 0.0, "planned": 0.0, "proposed": 0.0}
    assert (y["leasable_ha"], y["occupied_ha"], y["occupancy_pct"], y["parks_with_occupancy"]) == (None, None, None, 0)
    assert y["area_ha"] is None  # no declared area: null, not NaN


def test_parks_outside_every_zone(report):
    assert report["outside_zones"] == [
        {"id": "edge", "name_vi": "KCN", "name_en": "IP", "status": "operating"},
        {"id": "far", "name_vi": "KCN", "name_en": "IP", "status": "operating"},
    ]


def test_overlaps_are_pairs_over_a_hundredth_of_a_hectare_largest_first(report):
    assert report["overlaps"] == [
        {"a": "op", "b": "plan", "overlap_ha": 25.0, "share_of_smaller_pct": 25.0},
        {"a": "op", "b": "prop", "overlap_ha": 25.0, "share_of_smaller_pct": 100.0},
    ]  # plan and prop share one corner only


def test_area_mismatches_are_over_15_percent_worst_first(report):
    assert report["area_mismatches"] == [
        {"id": "far", "declared_ha": 50.0, "outline_ha": 100.0, "ratio": 2.0},
        {"id": "plan", "declared_ha": 120.0, "outline_ha": 100.0, "ratio": 0.833},
    ]  # uc: 100 ha drawn for 88 declared is within 15 %


def test_districts_group_by_the_text_before_the_detail(report):
    assert [(d["name"], d["parks"]) for d in report["districts"]] == [
        ("An Dương", ["op", "plan"]),
        ("Kiến Thụy", ["edge", "uc"]),
    ]  # "prop" and "far" record no district
    an_duong = report["districts"][0]
    assert (an_duong["declared_ha"], an_duong["outline_ha"]) == (220.0, 200.0)
    assert (an_duong["leasable_ha"], an_duong["occupied_ha"], an_duong["occupancy_pct"]) == (120.0, 80.0, 66.67)
    kien_thuy = report["districts"][1]
    assert (kien_thuy["declared_ha"], kien_thuy["leasable_ha"], kien_thuy["occupancy_pct"]) == (88.0, None, None)
    assert set(an_duong) == {"name", "parks", "declared_ha", "outline_ha", "leasable_ha", "occupied_ha",
                             "occupancy_pct"}  # fmt: skip


def test_communes_group_the_same_way(report):
    assert [(c["name"], c["parks"]) for c in report["communes"]] == [("An Phong ward", ["op"])]


def test_totals_over_every_park(report):
    assert report["totals"] == {
        "parks": 6,
        "declared_ha": 358.0,  # the four known declared areas
        "outline_ha": 450.0,
        "union_ha": 400.0,  # op 100, plan 75 beyond op, uc 100, edge 25, far 100; prop lies under op
        "by_certainty": report["totals"]["by_certainty"],  # see test_an_outline_known_to_exactly_the_threshold...
        "leasable_ha": 140.0,  # op, plan and far have both figures; uc has no occupancy
        "occupied_ha": 100.0,
        "occupancy_pct": 71.43,
        "parks_with_occupancy": 3,
    }


@pytest.mark.parametrize(
    ("recorded", "name"),
    [
        ("An Dương (Lê Lợi, Hồng Phong communes)", "An Dương"),
        ("Hải An (Đông Hải 2 ward)", "Hải An"),
        ("Cẩm Giàng; Bình Giang", "Cẩm Giàng"),
        ("Hải Dương city (Tứ Minh ward), Km 51 QL5", "Hải Dương city"),
        ("  Tiên Lãng  ", "Tiên Lãng"),
        ("(inferred)", ""),
        ("", ""),
        (None, ""),
        (NAN, ""),
    ],
)
def test_place_name(recorded, name):
    assert place_name(recorded) == name


@pytest.mark.parametrize(
    ("shapes", "statuses", "expected"),
    [
        ([], [], {"operating": 0, "under_construction": 0, "planned": 0, "proposed": 0}),
        ([square(0, 0, 10)], ["proposed"], {"operating": 0, "under_construction": 0, "planned": 0, "proposed": 100}),
        ([square(0, 0, 10), square(0, 0, 10)], ["planned", "under_construction"],
         {"operating": 0, "under_construction": 100, "planned": 0, "proposed": 0}),
        ([square(0, 0, 10), square(5, 0, 10), square(0, 0, 20)], ["proposed", "operating", "planned"],
         {"operating": 100, "under_construction": 0, "planned": 300, "proposed": 0}),
    ],
)  # fmt: skip
def test_area_by_status_counts_each_piece_of_land_once(shapes, statuses, expected):
    result = area_by_status(gpd.GeoSeries(shapes, crs=METRIC_CRS), pd.Series(statuses, dtype=object))
    assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    "zones",
    [
        ZONES.iloc[:0],  # the layer, emptied
        ZONES[ZONES["kind"] != "economic_zone"],  # free-trade-zone sites only
        gpd.GeoDataFrame(),  # nothing at all
    ],
    ids=["empty-layer", "sites-only", "bare-frame"],
)
def test_a_data_set_with_no_zone(zones):
    report = coverage_report(PARKS, zones)
    assert report["zones"] == []
    assert [p["id"] for p in report["outside_zones"]] == list(PARKS.index)
    assert report["totals"]["parks"] == 6 and len(report["overlaps"]) == 2


def test_a_data_set_with_no_park():
    report = coverage_report(make_parks(), ZONES)
    z = zone(report, "z")
    assert (z["covered_ha"], z["parks"], z["occupancy_pct"]) == (0.0, [], None)
    assert report["districts"] == report["communes"] == report["outside_zones"] == report["overlaps"] == []
    assert report["area_mismatches"] == []
    nothing = {"covered_ha": 0.0, "by_status": dict.fromkeys(STATUSES, 0.0), "parks": []}
    assert z["by_certainty"] == {"known_within_m": 500, "known": nothing, "uncertain": nothing}
    assert report["totals"] == {
        "parks": 0, "declared_ha": None, "outline_ha": 0.0, "union_ha": 0.0,
        "by_certainty": {"known_within_m": 500, "known": nothing, "uncertain": nothing}, "leasable_ha": None,
        "occupied_ha": None, "occupancy_pct": None, "parks_with_occupancy": 0,
    }  # fmt: skip


def test_the_report_is_plain_json_without_nan(report):
    text = json.dumps(report, allow_nan=False)
    assert json.loads(text) == report


def test_the_inputs_are_not_modified(report):
    assert PARKS.crs == WEB_CRS and ZONES.crs == WEB_CRS
    assert "kind" not in PARKS.columns and list(ZONES.index) == ["z", "y", "ftz"]


def test_zones_csv_has_one_row_per_zone_with_status_columns(report):
    lines = zones_csv(report).splitlines()
    assert lines[0].startswith("id,name_vi,name_en,area_ha,outline_ha,covered_ha,covered_pct,covered_operating_ha,")
    assert lines[1].startswith(
        "z,Khu kinh tế,Economic zone,410.0,400.0,225.0,56.25,100.0,50.0,75.0,0.0,"
        "100.0,100.0,0.0,0.0,0.0,125.0,0.0,50.0,75.0,0.0,"  # known, then uncertain: total and by status
    )
    assert "covered_known_ha,covered_known_operating_ha," in lines[0]
    assert ",covered_uncertain_ha,covered_uncertain_operating_ha," in lines[0]
    assert "op; plan; prop; uc" in lines[1]
    assert lines[2].startswith("y,Khu kinh tế,Economic zone,,100.0,0.0,0.0,")
    assert len(lines) == 3
