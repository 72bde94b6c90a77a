"""Every validation error is caught, with a message naming file, feature and field."""

from __future__ import annotations

import re

import pytest

from geo import inspect_dataset
from tests.builders import edit_csv, edit_geojson, set_row


def _set_geometry(feature_id, geometry):
    def edit(document):
        for feature in document["features"]:
            if feature["properties"]["id"] == feature_id:
                feature["geometry"] = geometry

    return edit


def _set_property(feature_id, **values):
    def edit(document):
        for feature in document["features"]:
            if feature["properties"]["id"] == feature_id:
                feature["properties"].update(values)

    return edit


def _set_figure(field, **values):
    def edit(rows):
        for row in rows:
            if row["feature_id"] == "kcn-trang-due" and row["field"] == field and row["shown"] == "yes":
                row.update(values)
        return rows

    return edit


def _append(row):
    return lambda rows: rows + [dict(rows[0], **row)]


def _drop(feature_id):
    return lambda rows: [r for r in rows if r["id"] != feature_id]


BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[106.62, 20.72], [106.64, 20.74], [106.64, 20.72], [106.62, 20.74], [106.62, 20.72]]],
}
FAR_AWAY = {"type": "Polygon", "coordinates": [[[2.30, 48.85], [2.31, 48.85], [2.31, 48.86], [2.30, 48.85]]]}
SWAPPED = {"type": "Polygon", "coordinates": [[[20.72, 106.62], [20.74, 106.62], [20.74, 106.64], [20.72, 106.62]]]}
PROJECTED = {
    "type": "Polygon",
    "coordinates": [[[650000, 2290000], [651000, 2290000], [651000, 2291000], [650000, 2290000]]],
}
EMPTY = {"type": "Polygon", "coordinates": []}
POINT = {"type": "Point", "coordinates": [106.63, 20.73]}

# (case, file to edit, edit, expected file, feature, field, message pattern)
CASES = [
    (
        "unknown id in figures",
        "figures.csv",
        _append({"feature_id": "kcn-nowhere"}),
        "figures.csv",
        "kcn-nowhere",
        "area_ha",
        "unknown feature id",
    ),
    (
        "unknown zone id",
        "industrial-parks.csv",
        set_row("kcn-trang-due", zone_id="kkt-nowhere"),
        "industrial-parks.csv",
        "kcn-trang-due",
        "zone_id",
        "not an economic zone id",
    ),
    (
        "malformed id",
        "industrial-parks.csv",
        set_row("kcn-outside", id="KCN Outside"),
        "industrial-parks.csv",
        "KCN Outside",
        "id",
        "not a slug",
    ),
    (
        "duplicate id in a table",
        "industrial-parks.csv",
        _append({"name_vi": "KCN Khác"}),
        "industrial-parks.csv",
        "kcn-trang-due",
        "id",
        "duplicate id",
    ),
    (
        "duplicate id across layers",
        "ports.csv",
        set_row("port-nam-do-son", id="kcn-trang-due"),
        "ports.csv",
        "kcn-trang-due",
        "id",
        "also used in layer 'industrial-parks'",
    ),
    (
        "attributes with no geometry",
        "industrial-parks.geojson",
        lambda d: d.update(features=[f for f in d["features"] if f["properties"]["id"] != "kcn-outside"]),
        "industrial-parks.csv",
        "kcn-outside",
        "id",
        "attributes with no geometry",
    ),
    (
        "geometry with no attributes",
        "industrial-parks.csv",
        _drop("kcn-outside"),
        "industrial-parks.geojson",
        "kcn-outside",
        "id",
        "geometry with no attributes",
    ),
    (
        "invalid geometry",
        "industrial-parks.geojson",
        _set_geometry("kcn-trang-due", BOW_TIE),
        "industrial-parks.geojson",
        "kcn-trang-due",
        "geometry",
        r"invalid geometry \(Self-intersection",
    ),
    (
        "empty geometry",
        "industrial-parks.geojson",
        _set_geometry("kcn-trang-due", EMPTY),
        "industrial-parks.geojson",
        "kcn-trang-due",
        "geometry",
        "empty geometry",
    ),
    (
        "no geometry",
        "industrial-parks.geojson",
        _set_geometry("kcn-trang-due", None),
        "industrial-parks.geojson",
        "kcn-trang-due",
        "geometry",
        "no geometry",
    ),
    (
        "a point, not an outline",
        "industrial-parks.geojson",
        _set_geometry("kcn-trang-due", POINT),
        "industrial-parks.geojson",
        "kcn-trang-due",
        "geometry",
        "Point found",
    ),
    (
        "outside the region",
        "industrial-parks.geojson",
        _set_geometry("kcn-trang-due", FAR_AWAY),
        "industrial-parks.geojson",
        "kcn-trang-due",
        "geometry",
        "outside the Hải Phòng region",
    ),
    (
        "latitude and longitude swapped",
        "industrial-parks.geojson",
        _set_geometry("kcn-trang-due", SWAPPED),
        "industrial-parks.geojson",
        "kcn-trang-due",
        "geometry",
        "not longitude/latitude|coordinate order",
    ),
    (
        "projected coordinates",
        "industrial-parks.geojson",
        _set_geometry("kcn-trang-due", PROJECTED),
        "industrial-parks.geojson",
        "kcn-trang-due",
        "geometry",
        "looks projected",
    ),
    (
        "missing CRS",
        "industrial-parks.geojson",
        lambda d: d.update(crs=None),
        "industrial-parks.geojson",
        None,
        None,
        "missing CRS",
    ),
    (
        "wrong CRS",
        "industrial-parks.geojson",
        lambda d: d.update(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}),
        "industrial-parks.geojson",
        None,
        None,
        "wrong CRS 'urn:ogc:def:crs:EPSG::3857'",
    ),
    (
        "unknown geometry quality",
        "industrial-parks.geojson",
        _set_property("kcn-trang-due", geometry_quality="good"),
        "industrial-parks.geojson",
        "kcn-trang-due",
        "geometry_quality",
        "'good' is not one of",
    ),
    (
        "status outside the vocabulary",
        "industrial-parks.csv",
        set_row("kcn-trang-due", status="active"),
        "industrial-parks.csv",
        "kcn-trang-due",
        "status",
        "'active' is not one of: operating, under_construction",
    ),
    (
        "kind of another layer",
        "industrial-parks.csv",
        set_row("kcn-trang-due", kind="airport"),
        "industrial-parks.csv",
        "kcn-trang-due",
        "kind",
        "not a kind of this layer",
    ),
    (
        "empty Vietnamese name",
        "industrial-parks.csv",
        set_row("kcn-trang-due", name_vi=""),
        "industrial-parks.csv",
        "kcn-trang-due",
        "name_vi",
        "Vietnamese name",
    ),
    (
        "occupancy above 100",
        "figures.csv",
        _set_figure("occupancy_pct", value="120"),
        "figures.csv",
        "kcn-trang-due",
        "occupancy_pct",
        "outside 0–100 %",
    ),
    (
        "occupancy below 0",
        "figures.csv",
        _set_figure("occupancy_pct", value="-5"),
        "figures.csv",
        "kcn-trang-due",
        "occupancy_pct",
        "negative value",
    ),
    (
        "negative area",
        "figures.csv",
        _set_figure("area_ha", value="-490"),
        "figures.csv",
        "kcn-trang-due",
        "area_ha",
        "negative value -490 ha",
    ),
    (
        "area not a number",
        "figures.csv",
        _set_figure("area_ha", value="about 500"),
        "figures.csv",
        "kcn-trang-due",
        "area_ha",
        "'about 500' is not a number",
    ),
    (
        "malformed figure date",
        "figures.csv",
        _set_figure("area_ha", as_of="14/2014"),
        "figures.csv",
        "kcn-trang-due",
        "area_ha",
        "malformed date '14/2014'",
    ),
    (
        "impossible month",
        "figures.csv",
        _set_figure("area_ha", as_of="2014-13"),
        "figures.csv",
        "kcn-trang-due",
        "area_ha",
        "malformed date '2014-13'",
    ),
    (
        "malformed status date",
        "industrial-parks.csv",
        set_row("kcn-trang-due", status_as_of="Sept 2024"),
        "industrial-parks.csv",
        "kcn-trang-due",
        "status_as_of",
        "malformed date 'Sept 2024'",
    ),
    (
        "a figure without a source",
        "figures.csv",
        _set_figure("area_ha", sources=""),
        "figures.csv",
        "kcn-trang-due",
        "area_ha",
        "a figure without a source",
    ),
    (
        "a figure with an unknown source",
        "figures.csv",
        _set_figure("area_ha", sources="src-zz"),
        "figures.csv",
        "kcn-trang-due",
        "area_ha",
        "unknown source 'src-zz'",
    ),
    (
        "two values shown",
        "figures.csv",
        lambda rows: [dict(r, shown="yes") for r in rows],
        "figures.csv",
        "kcn-trang-due",
        "area_ha",
        "2 values marked shown=yes",
    ),
    (
        "attributes without a source",
        "industrial-parks.csv",
        set_row("kcn-trang-due", sources=""),
        "industrial-parks.csv",
        "kcn-trang-due",
        "sources",
        "no source",
    ),
    (
        "source reference without a date",
        "industrial-parks.csv",
        set_row("kcn-trang-due", sources="src-a"),
        "industrial-parks.csv",
        "kcn-trang-due",
        "sources",
        "malformed date ''",
    ),
    (
        "unknown former province",
        "industrial-parks.csv",
        set_row("kcn-outside", former_province="hai-duong-cu"),
        "industrial-parks.csv",
        "kcn-outside",
        "former_province",
        "not one of: hai-phong, hai-duong",
    ),
    (
        "source with no location",
        "sources.csv",
        set_row("src-b", location=""),
        "sources.csv",
        "src-b",
        "location",
        "name the file",
    ),
]


@pytest.mark.parametrize(
    ("case", "file", "edit", "where", "feature", "field", "pattern"), CASES, ids=[c[0] for c in CASES]
)
def test_each_error_is_reported_with_file_feature_and_field(tiny_dir, case, file, edit, where, feature, field, pattern):
    path = tiny_dir / file
    (edit_geojson if file.endswith(".geojson") else edit_csv)(path, edit)

    dataset, issues = inspect_dataset(tiny_dir)

    assert dataset is None
    matching = [
        i
        for i in issues
        if i.severity == "error"
        and i.file == where
        and i.feature == feature
        and i.field == field
        and re.search(pattern, i.message)
    ]
    assert matching, "\n".join(str(i) for i in issues)
    text = str(matching[0])
    assert where in text and (feature is None or f"'{feature}'" in text)

