"""Validation of whole files: errors listed, corrupt or missing files named, warnings, city figures and contacts."""

from __future__ import annotations

import re

import pytest

from geo import InvalidData, build_dataset, inspect_dataset
from tests.builders import CONTACTS, edit_csv, edit_geojson, set_row, write_contacts
from tests.test_validate import _set_figure, _set_geometry


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


def test_a_document_registered_under_two_source_ids_is_named(tiny_dir):
    location = next(line.split(",")[2] for line in (tiny_dir / "sources.csv").read_text().splitlines()[1:]
                    if line.startswith("src-a,"))  # fmt: skip
    edit_csv(tiny_dir / "sources.csv", set_row("src-b", location=location))

    dataset, issues = inspect_dataset(tiny_dir)

    assert dataset is not None  # a warning: the data still loads
    found = [i for i in issues if i.file == "sources.csv" and i.field == "location" and i.feature == "src-b"]
    assert [i.severity for i in found] == ["warning"] and "'src-a'" in found[0].message, issues

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
