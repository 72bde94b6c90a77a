"""The placement checks (geo.pipeline.placement) through the pipeline, on the hand-made data: each fails when broken."""

from __future__ import annotations

import re

import pytest

import geopandas as gpd
from shapely.geometry import Point, box, mapping

from geo import inspect_dataset
from geo.model.catalog import METRIC_CRS, WEB_CRS
from tests.builders import drop_positions, edit_csv, edit_geojson, set_row

RIVER_BOX = box(106.50, 20.90, 106.52, 20.92)  # on the tiny data's river (lon 106.50–106.52)
WEST_OF_THE_CITY = box(106.15, 20.90, 106.17, 20.92)  # 3–5 km into the neighbour west of lon 106.20


def issues_of(directory) -> list[tuple[str, str, str | None, str | None, str]]:
    _, issues = inspect_dataset(directory)
    return [(i.severity, i.file, i.feature, i.field, i.message) for i in issues]


def new_issues(directory, before) -> list[tuple]:
    return [issue for issue in issues_of(directory) if issue not in before]


def move(directory, layer: str, feature_id: str, outline, pin: bool = True) -> None:
    """Give ``feature_id`` a new outline; with ``pin``, its map pin moves along to the outline's centre."""

    def edit(document):
        for feature in document["features"]:
            if feature["properties"]["id"] == feature_id:
                feature["geometry"] = mapping(outline)

    edit_geojson(directory / f"{layer}.geojson", edit)
    if pin:
        centre = outline.centroid
        edit_csv(
            directory / "positions.csv", set_row(f"{feature_id}-pin", lon=f"{centre.x:.6f}", lat=f"{centre.y:.6f}")
        )


def add_position(directory, **record) -> None:
    row = {"radius_m": "100", "confidence": "high", "source": "src-a", "as_of": "2024", "note": ""} | record
    edit_csv(directory / "positions.csv", lambda rows: [*rows, row])


def metres(a, b) -> float:
    """The distance between two EPSG:4326 geometries, in metres (the checks' projected CRS)."""
    both = gpd.GeoSeries([a, b], crs=WEB_CRS).to_crs(METRIC_CRS)
    return both.iloc[0].distance(both.iloc[1])


# --- evidence ---------------------------------------------------------------------------------------


def test_an_outline_without_evidence_is_an_error(tiny_dir):
    before = issues_of(tiny_dir)
    # Its pin gone, the park keeps only what a source says of its land: no evidence of where it is.
    edit_csv(tiny_dir / "positions.csv", lambda rows: [r for r in rows if r["id"] != "kcn-overlap-pin"])

    [(severity, file, feature, field, message)] = new_issues(tiny_dir, before)

    assert (severity, file, feature, field) == ("error", "positions.csv", "kcn-overlap", "feature_id")
    assert message.startswith("no position evidence")


def test_an_outline_moved_5_km_from_its_pin_is_an_error_naming_the_distance(tiny_dir):
    before = issues_of(tiny_dir)
    pin = Point(106.785, 20.63)  # the centre of port-nam-do-son, where its pin stays
    moved = box(106.77, 20.675, 106.80, 20.695)  # 0.045° (5 km) north of it
    move(tiny_dir, "ports", "port-nam-do-son", moved, pin=False)

    [(severity, file, feature, field, message)] = new_issues(tiny_dir, before)

    assert (severity, file, feature, field) == ("error", "ports.geojson", "port-nam-do-son", "geometry")
    distance = metres(moved, pin)
    assert 4_900 < distance < 5_100
    assert message.startswith(f"outline lies {distance:,.0f} m from its best evidence 'port-nam-do-son-pin'")
    assert "stated uncertainty of 50 m" in message


def test_the_pin_moved_along_keeps_the_outline_valid(tiny_dir):
    before = issues_of(tiny_dir)
    move(tiny_dir, "ports", "port-nam-do-son", box(106.77, 20.675, 106.80, 20.695))
    assert new_issues(tiny_dir, before) == []


def test_a_more_trusted_record_is_the_best_evidence(tiny_dir):
    before = issues_of(tiny_dir)
    edit_csv(tiny_dir / "positions.csv", set_row("kcn-outside-pin", confidence="low"))
    # A tenant's plot 9 km east of the outline, more trusted than the pin the outline agrees with.
    add_position(tiny_dir, id="kcn-outside-plot", feature_id="kcn-outside", marks="tenant_plot", lon="106.40",
                 lat="20.91", confidence="medium")  # fmt: skip

    [(severity, _, feature, field, message)] = new_issues(tiny_dir, before)

    assert (severity, feature, field) == ("error", "kcn-outside", "geometry")
    assert "best evidence 'kcn-outside-plot' (tenant_plot)" in message


# --- water and the province -------------------------------------------------------------------------


def test_an_outline_on_the_river_is_an_error(tiny_dir):
    before = issues_of(tiny_dir)
    move(tiny_dir, "industrial-parks", "kcn-outside", RIVER_BOX)

    [(severity, file, feature, field, message)] = new_issues(tiny_dir, before)

    assert (severity, file, feature, field) == ("error", "industrial-parks.geojson", "kcn-outside", "geometry")
    assert re.match(r"[\d.,]+ ha \(100%\) of the outline lies on water \(context\.geojson\)", message)
    assert "reclaimed_land" in message


def test_a_reclaimed_land_record_lifts_the_water_error(tiny_dir):
    before = issues_of(tiny_dir)
    move(tiny_dir, "industrial-parks", "kcn-outside", RIVER_BOX)
    add_position(tiny_dir, id="kcn-outside-reclaimed", feature_id="kcn-outside", marks="reclaimed_land",
                 lon="106.51", lat="20.91", radius_m="1000", note="filled in 2019")  # fmt: skip

    assert new_issues(tiny_dir, before) == []


def test_a_reclaimed_land_record_is_never_the_best_evidence(tiny_dir):
    before = issues_of(tiny_dir)
    drop_positions(tiny_dir, "kcn-outside")
    add_position(tiny_dir, id="kcn-outside-reclaimed", feature_id="kcn-outside", marks="reclaimed_land",
                 lon="106.31", lat="20.91")  # fmt: skip

    [(severity, _, feature, _, message)] = new_issues(tiny_dir, before)

    assert (severity, feature) == ("error", "kcn-outside") and message.startswith("no position evidence")


def test_an_outline_outside_the_province_is_an_error(tiny_dir):
    before = issues_of(tiny_dir)
    move(tiny_dir, "industrial-parks", "kcn-outside", WEST_OF_THE_CITY)

    [(severity, file, feature, field, message)] = new_issues(tiny_dir, before)

    assert (severity, file, feature, field) == ("error", "industrial-parks.geojson", "kcn-outside", "geometry")
    assert re.match(
        r"[\d.,]+ ha of the outline lies more than 800 m inside a neighbouring province \(context\.geojson\)", message
    )


def test_an_outline_just_across_the_simplified_boundary_is_tolerated(tiny_dir):
    before = issues_of(tiny_dir)
    move(tiny_dir, "industrial-parks", "kcn-outside", box(106.195, 20.90, 106.22, 20.92))  # about 500 m across
    assert new_issues(tiny_dir, before) == []


# --- neighbours and declared places --------------------------------------------------------------------


def test_a_sourced_overlap_is_not_reported(tiny_dir):
    assert [i for i in issues_of(tiny_dir) if "overlaps" in i[4]] == []  # kcn-overlap-shared lies on it


def test_an_overlap_of_more_than_a_hectare_is_a_warning(tiny_dir):
    edit_csv(tiny_dir / "positions.csv", lambda rows: [r for r in rows if r["id"] != "kcn-overlap-shared"])
    overlaps = [i for i in issues_of(tiny_dir) if "overlaps" in i[4]]
    assert [(severity, feature, field) for severity, _, feature, field, _ in overlaps] == [
        ("warning", "kcn-trang-due", "geometry")
    ]
    assert re.match(r"overlaps 'kcn-overlap' by 11\d\.\d ha", overlaps[0][4])


def test_an_overlap_under_a_hectare_is_not_reported(tiny_dir):
    move(tiny_dir, "industrial-parks", "kcn-overlap", box(106.6395, 20.7395, 106.6595, 20.7595))  # ~0.3 ha shared
    assert [i for i in issues_of(tiny_dir) if "overlaps" in i[4]] == []


def test_an_outline_far_from_its_declared_commune_is_a_warning(tiny_dir):
    before = issues_of(tiny_dir)
    edit_csv(tiny_dir / "industrial-parks.csv", set_row("kcn-trang-due", commune_2025="Xã Tràng Duệ"))  # near
    edit_csv(tiny_dir / "industrial-parks.csv", set_row("kcn-outside", commune_2025="Tràng Duệ (Hải An)"))  # far

    [(severity, file, feature, field, message)] = new_issues(tiny_dir, before)

    assert (severity, file, feature, field) == ("warning", "industrial-parks.geojson", "kcn-outside", "commune_2025")
    assert re.match(r"outline lies 3\d\.\d km from the centre of Tràng Duệ, the commune_2025 it declares", message)


def test_a_commune_the_context_does_not_know_is_not_checked(tiny_dir):
    before = issues_of(tiny_dir)
    edit_csv(tiny_dir / "industrial-parks.csv", set_row("kcn-outside", commune_2025="Xã Không Có"))
    assert new_issues(tiny_dir, before) == []


# --- the files themselves ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"id": "Pin 1"}, "id", "is not a slug id"),
        ({"feature_id": "kcn-nowhere"}, "feature_id", "'kcn-nowhere' is not the id of a feature"),
        ({"marks": "gate"}, "marks", "'gate' is not one of: official_coordinate"),
        ({"lon": "106,64"}, "lon", "must both be decimal degrees"),
        ({"lon": "20.74", "lat": "106.64"}, "lon", "outside the Hải Phòng region (latitude and longitude swapped?)"),
        ({"radius_m": "-5"}, "radius_m", "must be the metres"),
        ({"confidence": "sure"}, "confidence", "'sure' is not one of: high, medium, low"),
        ({"source": "src-z"}, "source", "unknown source 'src-z'"),
        ({"as_of": "June 2024"}, "as_of", "malformed date 'June 2024'"),
    ],
    ids=["id", "feature", "marks", "lon", "swapped", "radius", "confidence", "source", "date"],
)
def test_a_malformed_position_record_is_an_error_naming_file_record_and_field(tiny_dir, values, field, message):
    edit_csv(tiny_dir / "positions.csv", lambda rows: [dict(r, **values) if r["id"] == "kcn-overlap-pin" else r
                                                       for r in rows])  # fmt: skip
    record = values.get("id", "kcn-overlap-pin")

    dataset, issues = inspect_dataset(tiny_dir)

    assert dataset is None
    found = [i for i in issues if (i.severity, i.file, i.feature, i.field) == ("error", "positions.csv", record, field)]
    assert len(found) == 1 and message in found[0].message, [str(i) for i in issues]


def test_a_repeated_record_id_is_an_error(tiny_dir):
    edit_csv(tiny_dir / "positions.csv", set_row("kcn-outside-pin", id="kcn-overlap-pin"))
    assert ("error", "positions.csv", "kcn-overlap-pin", "id", "duplicate record id: ids must be unique") in issues_of(
        tiny_dir
    )


@pytest.mark.parametrize(
    ("feature_id", "properties", "geometry", "field", "message"),
    [
        ("song-thang", {}, Point(106.51, 20.80), "geometry", "a river is a polygon, found Point"),
        ("xa-trang-due", {}, box(106.62, 20.72, 106.64, 20.74), "geometry", "a place is a point, found Polygon"),
        ("song-thang", {"kind": "lake"}, None, "kind", "'lake' is not one of: province, neighbour, sea, river, place"),
        ("song-thang", {"name_vi": ""}, None, "name_vi", "empty: name the place"),
        ("song-thang", {"sources": "src-z@2024"}, None, "sources", "unknown source 'src-z'"),
    ],
    ids=["river-as-point", "place-as-polygon", "unknown-kind", "no-name", "unknown-source"],
)
def test_a_malformed_context_feature_is_an_error(tiny_dir, feature_id, properties, geometry, field, message):
    def edit(document):
        for feature in document["features"]:
            if feature["properties"]["id"] == feature_id:
                feature["properties"].update(properties)
                if geometry is not None:
                    feature["geometry"] = mapping(geometry)

    edit_geojson(tiny_dir / "context.geojson", edit)

    dataset, issues = inspect_dataset(tiny_dir)

    assert dataset is None
    found = [i for i in issues if (i.file, i.feature, i.field) == ("context.geojson", feature_id, field)]
    assert len(found) == 1 and found[0].severity == "error" and message in found[0].message, [str(i) for i in issues]


def test_a_second_province_is_an_error(tiny_dir):
    edit_geojson(tiny_dir / "context.geojson", lambda d: d["features"].append(d["features"][0]))
    assert ("error", "context.geojson", None, "kind", "2 province features; keep exactly one") in issues_of(tiny_dir)
