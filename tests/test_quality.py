"""geo/quality.py on the hand-made data set (tests/builders.py), with a fixed reference date."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date

import pandas as pd
import pytest

from geo import build_dataset
from geo.analysis.quality import (
    CSV_COLUMNS,
    end_of_period,
    findings_csv,
    is_stale,
    parse_reference_date,
    quality_report,
    stale_from,
)
from geo.model.errors import InvalidQuery
from geo.pipeline.read import read_positions
from tests.builders import edit_csv, edit_geojson, empty_layer, write_dataset

REFERENCE = date(2025, 12, 31)


def add_figures(data_dir, *figures: tuple[str, ...]) -> None:
    """Append (feature_id, field, value, as_of, sources, shown, note) rows to figures.csv."""
    columns = ("feature_id", "field", "value", "as_of", "sources", "shown", "note")
    edit_csv(
        data_dir / "figures.csv",
        lambda rows: rows + [{**dict(zip(columns, f, strict=True)), "verified": "yes"} for f in figures],
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """The hand-made data set with figures at the staleness boundaries and a developer recorded."""
    directory = write_dataset(tmp_path_factory.mktemp("quality") / "data")
    add_figures(
        directory,
        ("kcn-overlap", "leasable_ha", "300", "2023-12", "src-a", "yes", ""),  # exactly 2 years: fresh
        ("kcn-overlap", "occupancy_pct", "40", "2023-11", "src-a", "yes", ""),  # 2 years and a month: stale
        ("kcn-straddle", "year_established", "2023", "2023", "src-a", "yes", ""),  # to 31 Dec 2023: fresh
        ("kcn-outside", "year_established", "1997", "1997", "src-a", "yes", ""),  # a founding year never goes stale
        ("port-lach-huyen", "quay_length_m", "750", "2023-12-30", "src-b", "yes", ""),  # a day past 2 years: stale
        ("port-lach-huyen", "quay_length_m", "800", "2025", "src-a", "no", "a later plan"),  # not shown: never stale
    )
    edit_csv(directory / "industrial-parks.csv", lambda rows: [
        dict(r, developer="DEEP C" if r["id"] == "kcn-overlap" else r["developer"]) for r in rows
    ])  # fmt: skip
    return directory


def evidence_with_findings(data_dir) -> pd.DataFrame:
    """The directory's position records (a pin at each outline's centre), changed to give the report findings.

    Tràng Duệ's pin moves 0.005° east of its outline (≈ 521 m), Vắt Ngang's 0.01° (≈ 1,041 m); the
    overlapping park gains a tenant's plot inside it, more precise than its pin (its best evidence now);
    the park outside the zone loses its only record.
    """
    positions, issues = read_positions(data_dir)
    assert not issues
    pins = positions.set_index("id", drop=False)
    pins.loc["kcn-trang-due-pin", ["lon", "lat"]] = ["106.645000", "20.730000"]  # outline: lon 106.62–106.64
    pins.loc["kcn-straddle-pin", ["lon", "lat"]] = ["106.720000", "20.770000"]  # outline: lon 106.69–106.71
    plot = dict(pins.loc["kcn-overlap-pin"], id="kcn-overlap-lot-a1", marks="tenant_plot", radius_m="10", note="lot A1")
    kept = pins[pins["feature_id"] != "kcn-outside"]
    return pd.concat([kept, pd.DataFrame([plot])], ignore_index=True)


def with_evidence(dataset, positions: pd.DataFrame):
    """``dataset`` with ``positions`` as its position evidence, whatever the pipeline loaded."""
    return dataclasses.replace(dataset, positions=positions)


@pytest.fixture(scope="module")
def report(data_dir) -> dict:
    return quality_report(with_evidence(build_dataset(data_dir), evidence_with_findings(data_dir)), REFERENCE)


def by_id_field(items: list[dict]) -> dict[tuple[str, str], dict]:
    return {(item["id"], item["field"]): item for item in items}


def test_report_header_and_counts(report):
    assert report["reference_date"] == "2025-12-31" and report["stale_after_years"] == 2
    assert report["counts"] == {
        "parks": 4,
        "stale": len(report["stale"]),
        "conflicts": len(report["conflicts"]),
        "approximate_geometry": len(report["approximate_geometry"]),
        "without_position_evidence": 1,  # kcn-outside
    }


def test_position_evidence_per_layer(report):
    layers = {entry["layer"]: entry for entry in report["position_evidence"]}
    assert list(layers) == ["economic-zones", "industrial-parks", "industrial-clusters", "ports", "airports",
                            "factories"]  # fmt: skip
    parks = layers["industrial-parks"]
    assert (parks["features"], parks["with_evidence"], parks["without_evidence"]) == (4, 3, ["kcn-outside"])
    assert parks["median_distance_m"] == pytest.approx(521, abs=5)  # 0 (overlap), 521 (Tràng Duệ), 1,041
    assert parks["worst_distance_m"] == pytest.approx(1041, abs=10)
    assert parks["worst_feature"] == "kcn-straddle"
    assert parks["by_marks"] == {"map_pin": 2, "tenant_plot": 1}  # in POSITION_MARKS order
    ports = layers["ports"]  # pins at the centres: every outline holds its evidence
    assert (ports["median_distance_m"], ports["worst_distance_m"], ports["by_marks"]) == (0.0, 0.0, {"map_pin": 2})
    factories = layers["factories"]
    assert (factories["features"], factories["median_distance_m"], factories["worst_feature"]) == (0, None, None)


def test_position_evidence_of_a_data_set_without_positions(data_dir):
    dataset = with_evidence(build_dataset(data_dir), pd.DataFrame())  # no positions.csv (an older data set)
    parks = next(e for e in quality_report(dataset, REFERENCE)["position_evidence"] if e["layer"] == "industrial-parks")
    assert parks["with_evidence"] == 0 and len(parks["without_evidence"]) == 4
    assert (parks["median_distance_m"], parks["worst_distance_m"], parks["by_marks"]) == (None, None, {})


def test_completeness_counts_the_parks_with_a_value(report):
    known = {row["field"]: (row["known"], row["total"], row["pct"]) for row in report["completeness"]}
    assert known == {
        "area_ha": (2, 4, 50.0),  # Tràng Duệ and the overlapping park
        "leasable_ha": (2, 4, 50.0),
        "occupancy_pct": (2, 4, 50.0),
        "year_established": (2, 4, 50.0),
        "investment_vnd_bn": (0, 4, 0.0),
        "developer": (1, 4, 25.0),
        "old_district": (0, 4, 0.0),
        "commune_2025": (0, 4, 0.0),
        "sectors": (1, 4, 25.0),  # a list: known when not empty
        "tenants": (1, 4, 25.0),
        "zone_id": (2, 4, 50.0),
    }
    assert [row["field"] for row in report["completeness"]][:3] == ["area_ha", "leasable_ha", "occupancy_pct"]


def test_stale_lists_shown_figures_older_than_two_years(report):
    stale = by_id_field(report["stale"])
    assert set(stale) == {
        ("kcn-trang-due", "area_ha"),  # 2014 (its 2020 value is not shown)
        ("kcn-trang-due", "leasable_ha"),  # 2014
        ("kcn-trang-due", "occupancy_pct"),  # 2015
        ("kcn-overlap", "occupancy_pct"),  # 2023-11: ended 30 Nov 2023
        ("port-lach-huyen", "quay_length_m"),  # 2023-12-30
        ("kkt-a", "area_ha"),  # 2021
    }  # fresh: 2023 (year), 2023-12 (month), the overlapping park's area (2025)
    assert stale[("kcn-trang-due", "area_ha")] == {
        "id": "kcn-trang-due", "layer": "industrial-parks", "name_vi": "KCN Tràng Duệ", "name_en": "IP Tràng Duệ",
        "field": "area_ha", "value": 490.0, "as_of": "2014", "age_years": 11.0,
    }  # fmt: skip
    assert stale[("port-lach-huyen", "quay_length_m")]["layer"] == "ports"
    assert stale[("port-lach-huyen", "quay_length_m")]["value"] == 750.0


@pytest.mark.parametrize(
    ("as_of", "reference", "stale"),
    [
        ("2023", date(2025, 12, 31), False),  # a year means its 31 December: exactly 2 years
        ("2023", date(2026, 1, 1), True),
        ("2023-02", date(2025, 2, 28), False),  # a month means its last day
        ("2023-02", date(2025, 3, 1), True),
        ("2024-02", date(2026, 3, 1), False),  # 29 Feb 2024 + 2 years: generously 1 March 2026
        ("2024-02", date(2026, 3, 2), True),
        ("2023-06-15", date(2025, 6, 15), False),  # a day is that day
        ("2023-06-15", date(2025, 6, 16), True),
        ("2025-06", date(2025, 1, 1), False),  # describes a date after the reference
        ("", REFERENCE, False),  # malformed: not judged
        ("June 2020", REFERENCE, False),
    ],
)
def test_staleness_boundaries(as_of, reference, stale):
    assert is_stale(as_of, reference) is stale


@pytest.mark.parametrize(
    ("as_of", "end", "first_stale_day"),
    [
        ("2023", date(2023, 12, 31), date(2026, 1, 1)),
        ("2023-02", date(2023, 2, 28), date(2025, 3, 1)),
        ("2024-02", date(2024, 2, 29), date(2026, 3, 2)),
        ("2024-12", date(2024, 12, 31), date(2027, 1, 1)),
        ("2022-04-30", date(2022, 4, 30), date(2024, 5, 1)),
    ],
)
def test_end_of_period_and_first_stale_day(as_of, end, first_stale_day):
    assert end_of_period(as_of) == end
    assert stale_from(as_of) == first_stale_day


def test_conflicts_list_every_value(report):
    assert report["conflicts"] == [
        {
            "id": "kcn-trang-due",
            "layer": "industrial-parks",
            "name_vi": "KCN Tràng Duệ",
            "name_en": "IP Tràng Duệ",
            "field": "area_ha",
            "values": [
                {"value": 490.0, "as_of": "2014", "sources": ["src-a"], "shown": True, "verified": True},
                {"value": 600.0, "as_of": "2020", "sources": ["src-b"], "shown": False, "verified": True},
            ],
        },
        {
            "id": "port-lach-huyen",
            "layer": "ports",
            "name_vi": "Cảng Lạch Huyện",
            "name_en": "Cảng Lạch Huyện",
            "field": "quay_length_m",
            "values": [
                {"value": 750.0, "as_of": "2023-12-30", "sources": ["src-b"], "shown": True, "verified": True},
                {"value": 800.0, "as_of": "2025", "sources": ["src-a"], "shown": False, "verified": True},
            ],
        },
    ]


def test_approximate_geometry_lists_every_feature_not_traced(report):
    rough = [(item["layer"], item["id"], item["geometry_quality"]) for item in report["approximate_geometry"]]
    assert rough == [
        ("economic-zones", "kkt-a", "approximate"),
        ("industrial-parks", "kcn-overlap", "approximate"),
        ("industrial-parks", "kcn-straddle", "indicative"),
        ("industrial-parks", "kcn-outside", "indicative"),
        ("industrial-clusters", "ccn-vinh-niem", "indicative"),
        ("airports", "airport-cat-bi", "approximate"),
        ("airports", "airport-tien-lang", "indicative"),
    ]  # traced: Tràng Duệ and both ports
    assert set(report["approximate_geometry"][0]) == {
        "id", "layer", "name_vi", "name_en", "geometry_quality", "geometry_note", "geometry_note_vi",
    }  # fmt: skip


def test_geometry_notes_are_carried(tmp_path):
    directory = write_dataset(tmp_path / "data")
    edit_geojson(directory / "airports.geojson", lambda d: [
        f["properties"].update(geometry_note="drawn around the aerodrome reference point") for f in d["features"]
    ])  # fmt: skip
    rough = {item["id"]: item for item in quality_report(build_dataset(directory), REFERENCE)["approximate_geometry"]}
    assert rough["airport-cat-bi"]["geometry_note"] == "drawn around the aerodrome reference point"


def test_a_data_set_with_no_park_no_figure_and_every_outline_traced(tmp_path):
    directory = write_dataset(tmp_path / "data")
    empty_layer(directory, "industrial-parks")
    edit_csv(directory / "figures.csv", lambda rows: [])
    for layer in ("economic-zones", "industrial-clusters", "ports", "airports"):
        edit_geojson(directory / f"{layer}.geojson", lambda d: [
            f["properties"].update(geometry_quality="traced") for f in d["features"]
        ])  # fmt: skip

    report = quality_report(build_dataset(directory), REFERENCE)

    assert report["counts"] == {
        "parks": 0, "stale": 0, "conflicts": 0, "approximate_geometry": 0,
        "without_position_evidence": sum(len(e["without_evidence"]) for e in report["position_evidence"]),
    }  # fmt: skip
    assert report["stale"] == report["conflicts"] == report["approximate_geometry"] == []
    assert {(row["known"], row["total"], row["pct"]) for row in report["completeness"]} == {(0, 0, None)}


def test_the_report_is_plain_json(report):
    assert json.loads(json.dumps(report, allow_nan=False)) == report


def test_findings_csv_has_one_row_per_finding(report):
    rows = list(csv.DictReader(io.StringIO(findings_csv(report))))
    assert tuple(rows[0]) == CSV_COLUMNS
    sections = [row["section"] for row in rows]
    assert sections.count("completeness") == 11
    assert sections.count("stale") == len(report["stale"])
    assert sections.count("conflict") == 4  # one row per value of the two conflicts
    assert sections.count("approximate_geometry") == len(report["approximate_geometry"])
    assert sections.count("no_position_evidence") == 1
    evidence = {(row["layer"], row["field"]): row for row in rows if row["section"] == "position_evidence"}
    worst = evidence[("industrial-parks", "worst_distance_m")]
    assert (worst["id"], round(float(worst["value"]))) == ("kcn-straddle", 1041)
    assert evidence[("industrial-parks", "marks:tenant_plot")]["value"] == "1"
    assert evidence[("industrial-parks", "median_distance_m")]["detail"] == "3 of 4 features have position evidence"
    missing = next(row for row in rows if row["section"] == "no_position_evidence")
    assert (missing["layer"], missing["id"]) == ("industrial-parks", "kcn-outside")
    area = next(row for row in rows if row["section"] == "completeness" and row["field"] == "area_ha")
    assert (area["layer"], area["id"], area["value"], area["detail"]) == (
        "industrial-parks",
        "",
        "50.0",
        "2 of 4 parks",
    )
    shown = next(row for row in rows if row["section"] == "conflict" and row["value"] == "490.0")
    assert (shown["id"], shown["as_of"], shown["detail"]) == ("kcn-trang-due", "2014", "shown; sources: src-a")
    stale = next(row for row in rows if row["section"] == "stale" and row["id"] == "kkt-a")
    assert (stale["field"], stale["value"], stale["as_of"], stale["detail"]) == (
        "area_ha", "11500.0", "2021", "4.0 years before 2025-12-31",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, date(2000, 1, 2)), ("2025-12-31", date(2025, 12, 31)), ("2024-02-29", date(2024, 2, 29))],
)
def test_parse_reference_date(text, expected):
    assert parse_reference_date(text, default=date(2000, 1, 2)) == expected


@pytest.mark.parametrize("text", ["", "2025", "2025-12", "2025-1-01", "20251231", "2025-02-30", "2025-12-31T00:00",
                                  "31/12/2025", "today", "２０２５-12-31"])  # fmt: skip
def test_parse_reference_date_refuses_anything_but_a_day(text):
    with pytest.raises(InvalidQuery, match="as_of: .* is not a day written YYYY-MM-DD"):
        parse_reference_date(text, default=REFERENCE)
