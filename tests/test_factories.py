"""The factories layer: points where every other layer holds outlines, empty in the shipped data."""

from __future__ import annotations

import json
import math

import pytest

import geopandas as gpd
import shapely
from shapely.geometry import mapping

from geo import build_dataset, inspect_dataset
from geo.analysis.coverage import coverage_report
from geo.analysis.quality import completeness
from geo.analysis.sites import SiteQuery, find_sites
from geo.formats.synthetic import FACTORIES_PER_PARK, synthetic_factories, synthetic_parks, write_synthetic_dataset
from geo.model.catalog import LAYERS, LayerSpec
from tests.builders import PARK_INSIDE, PARK_OUTSIDE, _attributes, edit_csv, edit_geojson, read_csv
from tests.cli_runner import hpmap
from tests.conftest import DATA_DIR
from tests.postgis import STORES, app_config
from webmap import create_app
from webmap.i18n import KIND_LABELS, LANGUAGES, gettext, layer_title

INSIDE_PARK = {"type": "Point", "coordinates": [106.63, 20.73]}  # in kcn-trang-due, in economic zone kkt-a


def add_factory(directory, feature_id="factory-lg", geometry=INSIDE_PARK, **attributes):
    """Add one factory to a data directory's factories layer."""

    def add(document):
        properties = {"id": feature_id, "geometry_quality": "approximate", "geometry_note": "", "geometry_sources": ""}
        document["features"].append({"type": "Feature", "properties": properties, "geometry": geometry})

    edit_geojson(directory / "factories.geojson", add)
    row = {**_attributes(feature_id, "Nhà máy LG", "factory", parent_id="kcn-trang-due"), **attributes}
    edit_csv(directory / "factories.csv", lambda rows: rows + [row])


def errors(directory) -> list[str]:
    _, issues = inspect_dataset(directory)
    return [str(issue) for issue in issues if issue.severity == "error"]


def warnings(directory) -> list[str]:
    _, issues = inspect_dataset(directory)
    return [str(issue) for issue in issues if issue.severity == "warning"]


# --- the layer and the shipped data ---------------------------------------------------------------


def test_factories_is_the_sixth_layer_and_the_only_point_layer():
    assert [spec.name for spec in LAYERS][-1] == "factories" and len(LAYERS) == 6
    factories = LAYERS[-1]
    assert (factories.title_en, factories.title_vi, factories.kinds) == ("Factories", "Nhà máy", ("factory",))
    assert factories.geometry_types == ("Point", "MultiPoint")
    assert {spec.geometry for spec in LAYERS[:-1]} == {"polygon"}
    assert LAYERS[0].geometry_types == ("Polygon", "MultiPolygon")


def test_a_layer_of_an_unknown_geometry_kind_is_refused():
    with pytest.raises(ValueError, match="geometry 'line' is not one of: polygon, point"):
        LayerSpec("roads", "Roads", "Đường", ("road",), geometry="line")


def test_every_kind_and_layer_has_a_title_in_every_language():
    for spec in LAYERS:
        assert all(layer_title(spec.name, lang) for lang in LANGUAGES)
        for kind in spec.kinds:
            assert all(gettext(KIND_LABELS[kind], lang) for lang in LANGUAGES)
    assert (layer_title("factories", "vi"), gettext(KIND_LABELS["factory"], "en")) == ("Nhà máy", "Factory")
    assert (layer_title("factories", "ko"), gettext(KIND_LABELS["factory"], "zh")) == ("공장", "工厂")


def test_the_shipped_factories_layer_is_empty_and_the_data_still_validates(shipped):
    assert shipped.layer("factories").gdf.empty
    assert json.loads((DATA_DIR / "factories.geojson").read_text(encoding="utf-8"))["features"] == []
    assert read_csv(DATA_DIR / "factories.csv") == []

    result = hpmap("validate", str(DATA_DIR))

    assert result.exit_code == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout
    assert "2 airports, 0 factories." in result.stdout


@pytest.mark.parametrize(
    ("format_", "check"),
    [
        ("geojson", lambda text: json.loads(text) == {"type": "FeatureCollection", "features": []}),
        ("csv", lambda text: text.startswith("id,name_vi,name_en,") and text.count("\n") == 1),
    ],
)
def test_the_empty_layer_exports(format_, check):
    result = hpmap("export", "factories", "--format", format_)
    assert result.exit_code == 0, result.stderr
    assert check(result.stdout)


def test_the_empty_layer_exports_as_a_geopackage(tmp_path):
    target = tmp_path / "factories.gpkg"
    result = hpmap("export", "factories", "--format", "gpkg", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    frame = gpd.read_file(target)
    assert frame.empty and "parent_id" in frame.columns


def test_the_empty_layer_is_served():
    client = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True}).test_client()

    listed = client.get("/api/collections").get_json()["collections"]
    items = client.get("/api/collections/factories/items").get_json()

    assert [c["id"] for c in listed] == [spec.name for spec in LAYERS]
    assert client.get("/api/collections/factories").status_code == 200
    assert items["features"] == [] and items["numberMatched"] == 0
    assert client.get("/?lang=en").status_code == 200


@pytest.mark.parametrize("store", STORES)
def test_factory_points_are_served_from_either_store(request, tmp_path, store):
    from tests.builders import write_dataset

    directory = write_dataset(tmp_path / "data")
    add_factory(directory)
    add_factory(directory, "factory-far", geometry=mapping(PARK_OUTSIDE.centroid), parent_id="kcn-outside")
    app = create_app(app_config(request, store, directory))
    client = app.test_client()
    try:
        base = "/api/collections/factories/items"
        every = client.get(f"{base}?zoom=8").get_json()
        in_park = client.get(f"{base}?parent_id=kcn-trang-due").get_json()
        in_box = client.get(f"{base}?bbox=106.6,20.7,106.7,20.8").get_json()
        one = client.get(f"{base}/factory-lg").get_json()
        metadata = client.get("/api/collections/factories").get_json()
    finally:
        app.extensions["hpmap.store"].close()

    assert [f["id"] for f in every["features"]] == ["factory-lg", "factory-far"]
    assert {f["geometry"]["type"] for f in every["features"]} == {"Point"}
    assert [f["id"] for f in in_park["features"]] == [f["id"] for f in in_box["features"]] == ["factory-lg"]
    assert one["geometry"] == INSIDE_PARK and one["properties"]["zone_share_pct"] is None
    far_lon, far_lat = PARK_OUTSIDE.centroid.coords[0]  # north-west of factory-lg
    assert metadata["extent"]["spatial"]["bbox"] == [pytest.approx([far_lon, 20.73, 106.63, far_lat])]


def test_coverage_quality_and_site_search_leave_factories_out(tiny_dir):
    before = build_dataset(tiny_dir)
    add_factory(tiny_dir)
    after = build_dataset(tiny_dir)

    def results(data):
        parks, zones = data.layer("industrial-parks").gdf, data.layer("economic-zones").gdf
        ranked = find_sites(parks, SiteQuery()).results
        return coverage_report(parks, zones), completeness(parks), list(ranked.index), list(ranked["score"])

    assert results(after) == results(before)


# --- validation -----------------------------------------------------------------------------------


def test_a_factory_point_loads_with_its_derived_fields(tiny_dir):
    before = inspect_dataset(tiny_dir)[1]  # the tiny data's own overlap warning
    add_factory(tiny_dir, zone_id="kkt-a")

    data, issues = inspect_dataset(tiny_dir)

    assert issues == before
    factory = data.layer("factories").gdf.loc["factory-lg"]
    assert factory.geometry.geom_type == "Point" and factory["parent_id"] == "kcn-trang-due"
    assert (factory["centroid_lon"], factory["centroid_lat"]) == pytest.approx((106.63, 20.73))
    # A point has no area, no share of a zone and no free land; its zone and distances are known.
    assert math.isnan(factory["area_computed_ha"]) and math.isnan(factory["zone_share_pct"])
    assert math.isnan(factory["free_ha"])
    assert factory["zone_spatial"] == "kkt-a"
    assert 0 < factory["distance_km_cat_bi"] < 20 and 0 < factory["distance_km_city_centre"] < 20
    served = create_app({"DATA_DIR": str(tiny_dir), "OFFLINE": True, "TESTING": True}).test_client()
    feature = served.get("/api/collections/factories/items/factory-lg").get_json()
    assert feature["geometry"] == {"type": "Point", "coordinates": [106.63, 20.73]}
    assert feature["properties"]["area_computed_ha"] is None and feature["properties"]["free_ha"] is None


def test_a_multipoint_factory_is_allowed(tiny_dir):
    before = warnings(tiny_dir)
    add_factory(tiny_dir, geometry={"type": "MultiPoint", "coordinates": [[106.625, 20.725], [106.635, 20.735]]})
    assert errors(tiny_dir) == [] and warnings(tiny_dir) == before


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            mapping(PARK_INSIDE),
            "factories.geojson, feature 'factory-lg', field 'geometry': Polygon found; "
            "the factories layer holds Point or MultiPoint positions",
        ),
        (
            {"type": "LineString", "coordinates": [[106.62, 20.72], [106.63, 20.73]]},
            "field 'geometry': LineString found; the factories layer holds Point or MultiPoint positions",
        ),
        (None, "factories.geojson, feature 'factory-lg', field 'geometry': no geometry: place the feature's position"),
        ({"type": "Point", "coordinates": []}, "field 'geometry': empty geometry: place the feature's position"),
        ({"type": "Point", "coordinates": [2.35, 48.85]}, "field 'geometry': lies outside the Hải Phòng region"),
        ({"type": "Point", "coordinates": [20.73, 106.63]}, "the file looks projected"),
    ],
    ids=["polygon", "line", "none", "empty", "far-away", "swapped"],
)
def test_a_factory_that_is_not_a_point_in_the_region_is_an_error(tiny_dir, geometry, message):
    add_factory(tiny_dir, geometry=geometry)
    assert any(message in error for error in errors(tiny_dir)), errors(tiny_dir)


def test_a_point_in_an_outline_layer_is_an_error(tiny_dir):
    def to_point(document):
        document["features"][0]["geometry"] = INSIDE_PARK

    edit_geojson(tiny_dir / "industrial-parks.geojson", to_point)

    assert errors(tiny_dir) == [
        "error: industrial-parks.geojson, feature 'kcn-trang-due', field 'geometry': Point found; "
        "the industrial-parks layer holds Polygon or MultiPolygon outlines"
    ]


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"parent_id": "kcn-nowhere"}, "factories.csv, feature 'factory-lg', field 'parent_id': 'kcn-nowhere' is not"),
        ({"kind": "industrial_park"}, "field 'kind': 'industrial_park' is not a kind of this layer (factory)"),
        ({"zone_id": "kcn-trang-due"}, "field 'zone_id': 'kcn-trang-due' is not an economic zone id"),
        ({"sources": ""}, "field 'sources': no source"),
    ],
)
def test_a_factory_attribute_is_validated_as_any_other(tiny_dir, attributes, message):
    add_factory(tiny_dir, **attributes)
    assert any(message in error for error in errors(tiny_dir)), errors(tiny_dir)


@pytest.mark.parametrize(
    ("geometry", "attributes", "message"),
    [
        (
            mapping(PARK_OUTSIDE.centroid),
            {},
            "factories.geojson, feature 'factory-lg', field 'parent_id': lies outside the outline of its parent "
            "'kcn-trang-due'",
        ),
        (
            INSIDE_PARK,
            {"parent_id": "factory-other"},
            "field 'parent_id': parent 'factory-other' has no outline: parent_id names the park",
        ),
        (
            mapping(PARK_OUTSIDE.centroid),
            {"parent_id": "", "zone_id": "kkt-a"},
            "field 'zone_id': declared in 'kkt-a' but its position lies outside every economic zone",
        ),
    ],
    ids=["outside-its-park", "parent-is-a-point", "outside-its-zone"],
)
def test_a_factory_out_of_place_is_a_warning(tiny_dir, geometry, attributes, message):
    add_factory(tiny_dir, "factory-other", geometry=INSIDE_PARK)
    add_factory(tiny_dir, geometry=geometry, **attributes)

    assert errors(tiny_dir) == []
    assert [w for w in warnings(tiny_dir) if "factory-lg" in w and message in w], warnings(tiny_dir)


def test_a_factory_on_its_parks_edge_is_inside(tiny_dir):
    minx, miny, _, _ = PARK_INSIDE.bounds
    before = warnings(tiny_dir)
    add_factory(tiny_dir, geometry={"type": "Point", "coordinates": [minx, miny]})
    assert warnings(tiny_dir) == before


# --- the synthetic data set -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    directory = write_synthetic_dataset(DATA_DIR, tmp_path_factory.mktemp("synth") / "data", count=400, seed=5)
    return directory, build_dataset(directory)


def test_synth_writes_several_factories_per_park_inside_their_park(synth):
    directory, data = synth
    parks, factories = data.layer("industrial-parks").gdf, data.layer("factories").gdf

    assert data.issues == []  # no error, and no factory outside its park
    assert len(factories) == FACTORIES_PER_PARK * len(parks) == 1200
    assert factories.index.str.startswith("synth-factory-").all()
    assert factories["name_en"].str.startswith("Synthetic factory").all() and (factories["kind"] == "factory").all()
    assert (factories["geometry_quality"] == "indicative").all()
    assert factories["sources"].map(lambda entries: [e["id"] for e in entries] == ["synthetic"]).all()
    assert (factories.geometry.geom_type == "Point").all()
    outlines = parks.geometry.loc[factories["parent_id"]].to_numpy()
    assert shapely.contains_properly(outlines, factories.geometry.to_numpy()).all()
    assert factories["parent_id"].value_counts().eq(FACTORIES_PER_PARK).all()
    assert (factories["status"].to_numpy() == parks["status"].loc[factories["parent_id"]].to_numpy()).all()
    assert len(data.layer("ports").gdf) == 15  # the real layers are kept


def test_synth_takes_the_number_of_factories_and_keeps_the_parks(tmp_path):
    default = write_synthetic_dataset(DATA_DIR, tmp_path / "default", count=50, seed=2)
    fewer = write_synthetic_dataset(DATA_DIR, tmp_path / "fewer", count=50, seed=2, factories=7)
    none = write_synthetic_dataset(DATA_DIR, tmp_path / "none", count=50, seed=2, factories=0)

    assert len(read_csv(fewer / "factories.csv")) == 7 and read_csv(none / "factories.csv") == []
    for name in ("industrial-parks.geojson", "industrial-parks.csv", "figures.csv"):
        assert (fewer / name).read_bytes() == (default / name).read_bytes() == (none / name).read_bytes()
    assert inspect_dataset(none)[0].layer("factories").gdf.empty
    assert "--factories 7" in (fewer / "sources.csv").read_text(encoding="utf-8")
    assert "--factories" not in (default / "sources.csv").read_text(encoding="utf-8")


def test_synthetic_factories_are_the_same_for_the_same_seed():
    parks = list(synthetic_parks(30, seed=4))
    first = [(f["id"], f["parent_id"], f["shape"].wkt) for f in synthetic_factories(parks, 90, seed=4)]
    again = [(f["id"], f["parent_id"], f["shape"].wkt) for f in synthetic_factories(parks, 90, seed=4)]
    other = [(f["id"], f["parent_id"], f["shape"].wkt) for f in synthetic_factories(parks, 90, seed=5)]
    assert first == again and first != other


def test_a_factory_has_its_own_page_without_an_area(tmp_path):
    from tests.builders import write_dataset

    directory = write_dataset(tmp_path / "data")
    add_factory(directory)
    client = create_app({"DATA_DIR": str(directory), "OFFLINE": True}).test_client()

    page = client.get("/features/factory-lg?lang=en")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "factory-lg" in text or "Factory" in text
    assert "EPSG:32648" not in text  # no computed outline area for a point
