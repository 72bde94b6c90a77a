"""GET /api/coverage and /api/quality through Flask's test client, checked against an independent computation.

The independent computation reads the layers as the ``hpmap export`` command writes them and measures
with plain geopandas and shapely (no code of geo/coverage.py), pair by pair, without a spatial index.
"""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pytest

import geopandas as gpd
from shapely import unary_union
from shapely.geometry import box, mapping

from tests.builders import edit_csv, edit_geojson, empty_layer, set_row, write_dataset
from tests.cli_runner import hpmap
from tests.conftest import DATA_DIR
from webmap import create_app

JSON = "application/json"
CSV = "text/csv; charset=utf-8"
METRIC = "EPSG:32648"
STATUS_ORDER = ("operating", "under_construction", "planned", "proposed")  # most advanced first
TOLERANCE = 0.005  # the API and the independent computation agree to 0.5 %

ZONE_EMPTY = box(106.40, 20.55, 106.45, 20.60)  # economic zone kkt-b: no park
FTZ_SITE = box(106.61, 20.71, 106.66, 20.76)  # a free-trade-zone site inside kkt-a: not an economic zone
PARK_PROPOSED = box(106.61, 20.71, 106.63, 20.73)  # a quarter under PARK_INSIDE (kcn-trang-due, operating)


def add_feature(directory, layer: str, feature_id: str, shape, quality: str, **attributes: str) -> None:
    """Append a feature to a layer: its outline to the GeoJSON, a copy of the first row, changed, to the table."""
    feature = {
        "type": "Feature",
        "properties": {"id": feature_id, "geometry_quality": quality, "geometry_note": "", "geometry_sources": ""},
        "geometry": mapping(shape),
    }
    edit_geojson(directory / f"{layer}.geojson", lambda document: document["features"].append(feature))
    blank = {"aliases": "", "sectors": "", "tenants": "", "developer": "", "zone_id": "", "parent_id": ""}
    edit_csv(directory / f"{layer}.csv", lambda rows: [*rows, {**rows[0], **blank, "id": feature_id, **attributes}])


def add_figures(directory, *figures: tuple[str, ...]) -> None:
    columns = ("feature_id", "field", "value", "as_of", "sources", "shown", "note")
    edit_csv(
        directory / "figures.csv",
        lambda rows: rows + [{**dict(zip(columns, f, strict=True)), "verified": "yes"} for f in figures],
    )


def write_coverage_dataset(directory):
    """The hand-made data set, plus an empty zone, a free-trade-zone site, a proposed park, districts and figures."""
    write_dataset(directory)
    add_feature(directory, "economic-zones", "kkt-b", ZONE_EMPTY, "indicative", name_vi="Khu kinh tế B",
                name_en="Economic zone B")  # fmt: skip
    add_feature(directory, "economic-zones", "ftz-a", FTZ_SITE, "indicative", kind="free_trade_zone_site",
                name_vi="Khu thương mại tự do A", name_en="Free trade zone A", parent_id="kkt-a")  # fmt: skip
    add_feature(directory, "industrial-parks", "kcn-de-xuat", PARK_PROPOSED, "indicative", status="proposed",
                name_vi="KCN Đề Xuất", name_en="IP Proposed", old_district="Kiến Thụy")  # fmt: skip
    parks = directory / "industrial-parks.csv"
    edit_csv(parks, set_row("kcn-trang-due", old_district="An Dương (Lê Lợi, Hồng Phong communes)",
                            commune_2025="An Phong ward (unofficial)"))  # fmt: skip
    edit_csv(parks, set_row("kcn-overlap", old_district="An Dương; partly Kiến An"))
    edit_csv(parks, set_row("kcn-straddle", old_district="Kiến Thụy (Tân Trào)", commune_2025="Kiến Hưng"))
    add_figures(
        directory,
        ("kcn-straddle", "area_ha", "300", "2024", "src-a", "yes", ""),  # its outline is about 460 ha
        ("kcn-straddle", "leasable_ha", "80", "2024", "src-a", "yes", ""),
        ("kcn-straddle", "occupancy_pct", "50", "2024", "src-a", "yes", ""),
        ("kcn-overlap", "leasable_ha", "300", "2024", "src-a", "yes", ""),  # no occupancy: left out of it
        ("kcn-outside", "leasable_ha", "50", "2024", "src-a", "yes", ""),
        ("kcn-outside", "occupancy_pct", "100", "2024", "src-a", "yes", ""),
    )
    return directory


@pytest.fixture(scope="module")
def coverage_dir(tmp_path_factory):
    return write_coverage_dataset(tmp_path_factory.mktemp("coverage") / "data")


def new_app(data_dir):
    return create_app({"DATA_DIR": str(data_dir), "OFFLINE": True, "TESTING": True})


@pytest.fixture(scope="module")
def tiny_client(coverage_dir):
    return new_app(coverage_dir).test_client()


@pytest.fixture(scope="module")
def app():
    return new_app(DATA_DIR)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def ok(client, url: str, content_type: str = JSON):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type == content_type
    return response


def by_id(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


# --- the independent computation -----------------------------------------------------------------


def exported(layer: str, data_dir=None) -> gpd.GeoDataFrame:
    """The layer as ``hpmap export <layer> --format geojson`` writes it, indexed by id."""
    options = ["--data-dir", str(data_dir)] if data_dir is not None else []
    result = hpmap("export", layer, "--format", "geojson", *options)
    assert result.exit_code == 0, result.stderr
    features = json.loads(result.stdout)["features"]
    return gpd.GeoDataFrame.from_features(features, crs="EPSG:4326").set_index("id")


def independent_zones(parks: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> dict[str, dict]:
    """Measure each economic zone's coverage with shapely alone, status by status as cumulative unions."""
    parks = parks.to_crs(METRIC)
    results = {}
    for zone_id, zone in zones[zones["kind"] == "economic_zone"].to_crs(METRIC).geometry.items():
        clipped = {park_id: shape.intersection(zone) for park_id, shape in parks.geometry.items()}
        clipped = {park_id: shape for park_id, shape in clipped.items() if shape.area > 1}
        by_status, union_so_far = {}, 0.0
        for rank, status in enumerate(STATUS_ORDER):
            kept = STATUS_ORDER[: rank + 1]
            advanced = [shape for park_id, shape in clipped.items() if parks.at[park_id, "status"] in kept]
            union = unary_union(advanced).area / 10_000 if advanced else 0.0
            by_status[status], union_so_far = union - union_so_far, union
        occupied = [(parks.at[p, "leasable_ha"], parks.at[p, "occupancy_pct"]) for p in clipped]
        occupied = [(lease, occ) for lease, occ in occupied if pd.notna(lease) and pd.notna(occ)]
        results[zone_id] = {
            "outline_ha": zone.area / 10_000,
            "covered_ha": union_so_far,
            "by_status": by_status,
            "parks": sorted(clipped),
            "leasable_ha": sum(lease for lease, _ in occupied) if occupied else None,
            "occupied_ha": sum(lease * occ / 100 for lease, occ in occupied) if occupied else None,
        }
    return results


def independent_overlaps(parks: gpd.GeoDataFrame) -> dict[frozenset, float]:
    """Every pair of parks sharing more than 0.01 ha, compared pair by pair (no spatial index)."""
    shapes = parks.to_crs(METRIC).geometry
    pairs = {}
    for (a, shape_a), (b, shape_b) in itertools.combinations(shapes.items(), 2):
        shared = shape_a.intersection(shape_b).area / 10_000
        if shared > 0.01:
            pairs[frozenset((a, b))] = shared
    return pairs


def close(actual, expected) -> bool:
    if expected is None:
        return actual is None
    return actual == pytest.approx(expected, rel=TOLERANCE, abs=0.01)


def assert_agrees(report: dict, parks: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> None:
    expected = independent_zones(parks, zones)
    served = by_id(report["zones"])
    assert set(served) == set(expected)
    for zone_id, figures in expected.items():
        zone = served[zone_id]
        assert zone["parks"] == figures["parks"], zone_id
        for key in ("outline_ha", "covered_ha", "leasable_ha", "occupied_ha"):
            assert close(zone[key], figures[key]), (zone_id, key, zone[key], figures[key])
        for status, area in figures["by_status"].items():
            assert close(zone["by_status"][status], area), (zone_id, status, zone["by_status"][status], area)
        assert close(zone["covered_pct"], figures["covered_ha"] / figures["outline_ha"] * 100), zone_id
    overlaps = {frozenset((o["a"], o["b"])): o["overlap_ha"] for o in report["overlaps"]}
    expected_overlaps = independent_overlaps(parks)
    assert set(overlaps) == set(expected_overlaps)
    assert all(close(overlaps[pair], area) for pair, area in expected_overlaps.items())


@pytest.fixture(scope="module")
def exported_tiny(coverage_dir):
    return exported("industrial-parks", coverage_dir), exported("economic-zones", coverage_dir)


@pytest.fixture(scope="module")
def exported_shipped():
    return exported("industrial-parks", DATA_DIR), exported("economic-zones", DATA_DIR)


def test_coverage_agrees_with_an_independent_computation_on_the_fixture(tiny_client, exported_tiny):
    report = ok(tiny_client, "/api/coverage").get_json()
    assert_agrees(report, *exported_tiny)


def test_coverage_agrees_with_an_independent_computation_on_the_shipped_data(client, exported_shipped):
    report = ok(client, "/api/coverage").get_json()
    assert_agrees(report, *exported_shipped)
    assert [zone["id"] for zone in report["zones"]] == ["kkt-dinh-vu-cat-hai", "kkt-ven-bien-phia-nam-hai-phong"]


# --- what the fixture must give ------------------------------------------------------------------


def test_fixture_zone_a_is_split_by_the_most_advanced_status(tiny_client):
    zone = by_id(ok(tiny_client, "/api/coverage").get_json()["zones"])["kkt-a"]
    by_status = zone["by_status"]  # every park is a 0.02° square, about 460 ha
    assert zone["covered_ha"] == pytest.approx(by_status["operating"] * 3, rel=0.01)  # 1 + 1/2 + 3/4 + 3/4
    assert by_status["under_construction"] == pytest.approx(by_status["operating"] / 2, rel=0.01)  # half inside
    assert by_status["planned"] == pytest.approx(by_status["operating"] * 3 / 4, rel=0.01)  # a quarter under Tràng Duệ
    assert by_status["proposed"] == pytest.approx(by_status["operating"] * 3 / 4, rel=0.01)  # likewise
    assert sum(by_status.values()) == pytest.approx(zone["covered_ha"], abs=0.02)
    assert zone["parks"] == ["kcn-de-xuat", "kcn-overlap", "kcn-straddle", "kcn-trang-due"]
    assert zone["parks_declared"] == ["kcn-overlap", "kcn-trang-due"]
    # Tràng Duệ 400 ha at 75 % and the straddling park 80 ha at 50 %; the overlapping park has no occupancy.
    assert (zone["leasable_ha"], zone["occupied_ha"], zone["parks_with_occupancy"]) == (480.0, 340.0, 2)
    assert zone["occupancy_pct"] == pytest.approx(70.83)


def test_fixture_zone_a_separates_land_on_known_and_on_uncertain_outlines(tiny_client):
    zone = by_id(ok(tiny_client, "/api/coverage").get_json()["zones"])["kkt-a"]
    split, by_status = zone["by_certainty"], zone["by_status"]
    # traced (± 50 m) and approximate (± 500 m) outlines are known; indicative ones (± 3 km) are not
    assert split["known"]["parks"] == ["kcn-overlap", "kcn-trang-due"]
    assert split["uncertain"]["parks"] == ["kcn-de-xuat", "kcn-straddle"]
    assert split["known"]["by_status"]["operating"] == by_status["operating"]  # Tràng Duệ
    assert split["known"]["by_status"]["planned"] == by_status["planned"]  # the overlapping park, beyond Tràng Duệ
    assert split["uncertain"]["by_status"]["under_construction"] == by_status["under_construction"]
    assert split["known"]["covered_ha"] + split["uncertain"]["covered_ha"] == pytest.approx(
        zone["covered_ha"], abs=0.02
    )


def test_coverage_page_shows_the_known_and_uncertain_land(tiny_client):
    html = ok(tiny_client, "/coverage?lang=en", "text/html; charset=utf-8").get_data(as_text=True)
    table = html[html.index('id="table-certainty"') :]
    assert "outlines known to within 500 m" in table and "uncertain outlines" in table
    assert 'data-zone="kkt-a" data-certainty="uncertain"' in table
    vi = ok(tiny_client, "/coverage?lang=vi", "text/html; charset=utf-8").get_data(as_text=True)
    assert "ranh giới sai số ≤ 500 m" in vi


def test_fixture_zone_with_no_park_and_a_site_that_is_no_zone(tiny_client):
    report = ok(tiny_client, "/api/coverage").get_json()
    assert [zone["id"] for zone in report["zones"]] == ["kkt-a", "kkt-b"]  # not the free-trade-zone site
    empty = by_id(report["zones"])["kkt-b"]
    assert (empty["covered_ha"], empty["covered_pct"], empty["parks"], empty["occupancy_pct"]) == (0.0, 0.0, [], None)
    assert empty["outline_ha"] > 0 and empty["area_ha"] is None


def test_fixture_places_outside_overlaps_and_mismatches(tiny_client):
    report = ok(tiny_client, "/api/coverage").get_json()
    assert [(d["name"], d["parks"]) for d in report["districts"]] == [
        ("An Dương", ["kcn-overlap", "kcn-trang-due"]),
        ("Kiến Thụy", ["kcn-de-xuat", "kcn-straddle"]),
    ]
    assert [(c["name"], c["parks"]) for c in report["communes"]] == [
        ("An Phong ward", ["kcn-trang-due"]),
        ("Kiến Hưng", ["kcn-straddle"]),
    ]
    assert report["outside_zones"] == [
        {"id": "kcn-outside", "name_vi": "KCN Hải Dương", "name_en": "IP Hải Dương", "status": "operating"}
    ]
    overlaps = {(o["a"], o["b"]): o["share_of_smaller_pct"] for o in report["overlaps"]}
    assert overlaps == pytest.approx(
        {("kcn-trang-due", "kcn-overlap"): 25, ("kcn-trang-due", "kcn-de-xuat"): 25}, abs=0.5
    )
    assert [m["id"] for m in report["area_mismatches"]] == ["kcn-straddle"]  # 300 ha declared, about 460 drawn
    assert report["area_mismatches"][0]["ratio"] == pytest.approx(1.53, abs=0.01)
    totals = report["totals"]
    assert (totals["parks"], totals["parks_with_occupancy"], totals["leasable_ha"]) == (5, 3, 530.0)
    assert totals["union_ha"] < totals["outline_ha"]  # the overlaps count once
    assert report["computed_in"] == "EPSG:32648"


def test_a_data_set_with_no_economic_zone(tmp_path):
    directory = write_dataset(tmp_path / "data")
    empty_layer(directory, "economic-zones")
    edit_csv(directory / "industrial-parks.csv", lambda rows: [dict(r, zone_id="") for r in rows])
    edit_csv(directory / "figures.csv", lambda rows: [r for r in rows if r["feature_id"] != "kkt-a"])

    client = new_app(directory).test_client()
    report = ok(client, "/api/coverage").get_json()
    assert report["zones"] == []
    assert [park["id"] for park in report["outside_zones"]] == [
        "kcn-trang-due", "kcn-overlap", "kcn-straddle", "kcn-outside",
    ]  # fmt: skip
    csv_text = ok(client, "/api/coverage?f=csv", CSV).get_data(as_text=True)
    assert csv_text.count("\n") == 1  # the header alone


# --- the shipped data ----------------------------------------------------------------------------


def test_shipped_coverage_is_consistent(client, shipped):
    report = ok(client, "/api/coverage").get_json()
    parks = shipped.layer("industrial-parks").gdf
    for zone in report["zones"]:
        assert 0 < zone["covered_pct"] < 100
        assert sum(zone["by_status"].values()) == pytest.approx(zone["covered_ha"], abs=0.05)
        assert set(zone["parks_declared"]) <= set(zone["parks"])
    inside = {park for zone in report["zones"] for park in zone["parks"]}
    outside = {park["id"] for park in report["outside_zones"]}
    assert inside | outside == set(parks.index) and not inside & outside
    assert report["totals"]["parks"] == len(parks)
    assert report["totals"]["declared_ha"] == pytest.approx(parks["area_ha"].sum(), abs=0.01)
    assert report["area_mismatches"] == []  # tests/test_shipped_data.py keeps declared areas within 15 %
