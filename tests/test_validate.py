"""Every validation error is caught, with a message naming file, feature and field."""

from __future__ import annotations

import re

import pytest

from geo import InvalidData, build_dataset, inspect_dataset
from tests.builders import CONTACTS, edit_csv, edit_geojson, set_row, write_contacts


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


def test_build_raises_invalid_data_listing_every_error(tiny_dir):
    edit_csv(tiny_dir / "industrial-parks.csv", set_row("kcn-trang-due", status="active"))
    edit_csv(tiny_dir / "figures.csv", _set_figure("occupancy_pct", value="140"))

    with pytest.raises(InvalidData, match="2 error") as caught:
        build_dataset(tiny_dir)

    assert {i.field for i in caught.value.issues} == {"status", "occupancy_pct"}
    assert "industrial-parks.csv, feature 'kcn-trang-due', field 'status'" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", "not valid UTF-8 JSON"),
        (b'{"type": "FeatureCollection", "features": [', "not valid UTF-8 JSON"),
        (b"\xff\xfe\x00junk", "not valid UTF-8 JSON"),
        (b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (b"[]", "not a GeoJSON FeatureCollection"),
    ],
)
def test_a_corrupt_geometry_file_is_named(tiny_dir, content, pattern):
    (tiny_dir / "ports.geojson").write_bytes(content)

    _, issues = inspect_dataset(tiny_dir)

    assert any(i.file == "ports.geojson" and re.search(pattern, i.message) for i in issues), issues


@pytest.mark.parametrize("missing", ["airports.geojson", "airports.csv", "figures.csv", "sources.csv"])
def test_a_missing_file_is_named(tiny_dir, missing):
    (tiny_dir / missing).unlink()

    _, issues = inspect_dataset(tiny_dir)

    assert any(i.file == missing and "file not found" in i.message for i in issues)


def test_a_missing_column_is_named(tiny_dir):
    edit_csv(tiny_dir / "ports.csv", lambda rows: rows)
    text = (tiny_dir / "ports.csv").read_text(encoding="utf-8").replace("status_as_of", "status_date", 1)
    (tiny_dir / "ports.csv").write_text(text, encoding="utf-8")

    _, issues = inspect_dataset(tiny_dir)

    assert any(i.file == "ports.csv" and i.field == "status_as_of" and "column missing" in i.message for i in issues)


def test_an_unreadable_geometry_is_named(tiny_dir):
    edit_geojson(
        tiny_dir / "ports.geojson", _set_geometry("port-lach-huyen", {"type": "Polygon", "coordinates": [[1, 2]]})
    )

    _, issues = inspect_dataset(tiny_dir)

    assert any(
        i.feature == "port-lach-huyen" and i.field == "geometry" and "cannot be read" in i.message for i in issues
    )


def test_warns_when_outline_and_declared_area_disagree(tiny_dir):
    before = inspect_dataset(tiny_dir)[1]
    edit_csv(tiny_dir / "figures.csv", _set_figure("area_ha", value="900"))

    dataset, issues = inspect_dataset(tiny_dir)

    assert dataset is not None  # a warning does not stop the load
    [warning] = [i for i in issues if i not in before]
    assert warning.severity == "warning" and warning.feature == "kcn-trang-due"
    assert re.search(r"measures 4\d\d\.\d ha but the declared area is 900\.0 ha", warning.message)


def test_warns_when_declared_zone_disagrees_with_the_outline(tiny_dir):
    edit_csv(tiny_dir / "industrial-parks.csv", set_row("kcn-outside", zone_id="kkt-a"))

    dataset, issues = inspect_dataset(tiny_dir)

    assert dataset is not None
    assert [(i.feature, i.message) for i in issues if i.field == "zone_id"] == [
        ("kcn-outside", "declared in 'kkt-a' but its outline lies outside every economic zone")
    ]


def test_valid_data_has_no_issue(tiny_dir):
    # PARK_OVERLAP shares a quarter of PARK_INSIDE's land on purpose (coverage and overlap tests need it),
    # and a 'shared_land' record on that land says a source gives it to both.
    assert inspect_dataset(tiny_dir)[1] == []


def test_a_directory_with_an_interrupted_change_is_refused(tiny_dir):
    from geo.formats.journal import JOURNAL

    (tiny_dir / JOURNAL).write_text('{"files": []}', encoding="utf-8")

    dataset, issues = inspect_dataset(tiny_dir)

    assert dataset is None
    assert any(i.file == JOURNAL and "hpmap history" in i.message for i in issues)


# --- city-figures.csv ------------------------------------------------------------------------------

CITY_HEADER = "field,value,unit,as_of,sources,shown,verified,note\n"
CITY_ROWS = "ip_count,43,parks,2025-08,src-a,yes,yes,\nip_count,40,parks,2025-07,src-a,no,yes,earlier count\n"


def test_a_data_directory_without_city_figures_is_still_valid(tiny_dir):
    dataset, issues = inspect_dataset(tiny_dir)
    assert dataset is not None and dataset.city_figures.empty


def test_city_figures_are_loaded_as_written(tiny_dir):
    (tiny_dir / "city-figures.csv").write_text(CITY_HEADER + CITY_ROWS, encoding="utf-8")
    dataset = build_dataset(tiny_dir)
    assert list(dataset.city_figures["value"]) == ["43", "40"]


@pytest.mark.parametrize(
    ("rows", "pattern"),
    [
        ("ip_cuont,43,parks,2025-08,src-a,yes,yes,\n", "unknown city field 'ip_cuont'"),
        ("ip_count,43,ha,2025-08,src-a,yes,yes,\n", "unit 'ha': ip_count is counted in parks"),
        ("ip_count,many,parks,2025-08,src-a,yes,yes,\n", "value 'many' is not a number"),
        ("ip_occupancy_pct,140,%,2025-08,src-a,yes,yes,\n", "outside 0–100"),
        ("ip_count,43,parks,August,src-a,yes,yes,\n", "date 'August' in as_of"),
        ("ip_count,43,parks,,src-a,yes,yes,\n", "date '' in as_of"),
        ("ip_count,43,parks,2025-08,,yes,yes,\n", "a figure without a source"),
        ("ip_count,43,parks,2025-08,src-nowhere,yes,yes,\n", "unknown source 'src-nowhere'"),
        ("ip_count,43,parks,2025-08,src-a,maybe,yes,\n", "shown is 'maybe'"),
        ("ip_count,43,parks,2025-08,src-a,yes,perhaps,\n", "verified is 'perhaps'"),
        (CITY_ROWS.replace(",no,", ",yes,"), "2 values marked shown=yes; mark exactly one of the 2 values"),
        (CITY_ROWS.replace(",yes,yes,", ",no,yes,"), "0 values marked shown=yes"),
    ],
)
def test_a_bad_city_figure_is_refused_naming_file_and_field(tiny_dir, rows, pattern):
    (tiny_dir / "city-figures.csv").write_text(CITY_HEADER + rows, encoding="utf-8")
    dataset, issues = inspect_dataset(tiny_dir)
    errors = [i for i in issues if i.severity == "error"]
    assert dataset is None and errors
    assert any(i.file == "city-figures.csv" and re.search(pattern, i.message) for i in errors), errors


def test_the_shipped_city_figures_cite_registered_sources_and_show_one_value_per_field():
    from geo.model.catalog import CITY_FIELDS
    from tests.conftest import DATA_DIR

    dataset = build_dataset(DATA_DIR)
    figures = dataset.city_figures
    assert len(figures) >= 70 and set(figures["field"]) <= set(CITY_FIELDS)
    shown = figures[figures["shown"] == "yes"]
    assert shown["field"].is_unique and set(shown["field"]) == set(figures["field"])
    for _, row in figures.iterrows():
        assert all(ref in dataset.sources.index for ref in row["sources"].split())


# --- contacts.csv ----------------------------------------------------------------------------------

DEVELOPER = CONTACTS[0]  # feature_id, role, name, website, phone, email, address, sources, as_of, note


def _contact(**values) -> tuple:
    columns = ("feature_id", "role", "name", "website", "phone", "email", "address", "sources", "as_of", "note")
    return tuple(values.get(column, cell) for column, cell in zip(columns, DEVELOPER, strict=True))


def test_a_data_directory_without_contacts_is_still_valid_and_has_none(tiny_dir):
    dataset, issues = inspect_dataset(tiny_dir)
    assert issues == [] and dataset.layer("industrial-parks").gdf.loc["kcn-trang-due", "contacts"] == []


def test_contacts_as_written_are_valid(tiny_dir):
    write_contacts(tiny_dir)
    assert inspect_dataset(tiny_dir)[1] == []


@pytest.mark.parametrize(
    ("contact", "feature", "field", "pattern"),
    [
        (_contact(feature_id="kcn-nowhere"), "kcn-nowhere", "feature_id", "unknown feature id"),
        (_contact(role="owner"), "kcn-trang-due", "role", "'owner' is not one of: developer, management_board"),
        (_contact(name=""), "kcn-trang-due", "name", "empty: name the developer or board"),
        (_contact(website="", phone="", email="", address=""), "kcn-trang-due", "website", "no way to reach it"),
        (_contact(website="javascript:alert(1)"), "kcn-trang-due", "website", "is not a web address"),
        (_contact(website="www.trangdue-ip.com.vn"), "kcn-trang-due", "website", "with http:// or https://"),
        (_contact(website="https://a b.vn"), "kcn-trang-due", "website", "is not a web address"),
        (_contact(website="http://[::1"), "kcn-trang-due", "website", "is not a web address"),
        (_contact(email="info at trangdue"), "kcn-trang-due", "email", "is not an e-mail address"),
        (_contact(as_of="last year"), "kcn-trang-due", "as_of", "malformed date 'last year'"),
        (_contact(as_of="", note=""), "kcn-trang-due", "as_of", "say in the note why none is known"),
        (_contact(sources=""), "kcn-trang-due", "sources", "a contact without a source"),
        (_contact(sources="src-a src-nowhere"), "kcn-trang-due", "sources", "unknown source 'src-nowhere'"),
    ],
)
def test_a_bad_contact_is_refused_naming_file_feature_and_field(tiny_dir, contact, feature, field, pattern):
    write_contacts(tiny_dir, [contact])
    dataset, issues = inspect_dataset(tiny_dir)
    assert dataset is None
    assert [(i.file, i.feature, i.field) for i in issues] == [("contacts.csv", feature, field)], issues
    assert re.search(pattern, issues[0].message), issues[0].message


def test_a_contacts_file_without_a_column_is_refused(tiny_dir):
    no_website = (
        "feature_id,role,name,phone,email,address,sources,as_of,note\n"
        "kcn-trang-due,developer,SHP,0225,,,src-a,2024,\n"
    )
    (tiny_dir / "contacts.csv").write_text(no_website, encoding="utf-8")
    dataset, issues = inspect_dataset(tiny_dir)
    assert dataset is None
    assert any(i.file == "contacts.csv" and i.field == "website" and "missing" in i.message for i in issues)


def test_the_shipped_contacts_name_known_features_and_sources_and_link_only_the_web():
    from geo.model.parse import is_web_address
    from tests.conftest import DATA_DIR

    dataset = build_dataset(DATA_DIR)
    contacts = [c for layer in dataset.layers.values() for cs in layer.gdf["contacts"] for c in cs]
    assert len(contacts) >= 20
    assert all(all(ref in dataset.sources.index for ref in c["sources"]) for c in contacts)
    assert all(is_web_address(c["website"]) for c in contacts if c["website"])
