"""load → validate → join → derive on small real data sets."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import box

from geo import build_dataset
from geo.model.catalog import LAYERS, METRIC_CRS, WEB_CRS
from geo.pipeline.derive import add_zone_membership, great_circle_km
from geo.pipeline.read import read_geometry
from tests.builders import (
    PARK_INSIDE,
    PARK_STRADDLE,
    edit_csv,
    empty_layer,
    remove_features,
    set_row,
    write_contacts,
)


def _metric_area_ha(shape) -> float:
    return float(gpd.GeoSeries([shape], crs=WEB_CRS).to_crs(METRIC_CRS).area.iloc[0]) / 10_000


def test_every_layer_is_built_indexed_by_id(tiny):
    assert list(tiny.layers) == [spec.name for spec in LAYERS]
    parks = tiny.layer("industrial-parks").gdf
    assert list(parks.index) == ["kcn-trang-due", "kcn-overlap", "kcn-straddle", "kcn-outside"]
    assert parks.crs == WEB_CRS


def test_attributes_are_joined_and_lists_split(tiny):
    park = tiny.layer("industrial-parks").gdf.loc["kcn-trang-due"]
    assert park["name_vi"] == "KCN Tràng Duệ"
    assert park["aliases"] == ["Trang Due", "LG park"]
    assert park["tenants"] == ["LG Display", "LG Innotek"]
    assert park["geometry_quality"] == "traced"


def test_the_shown_figure_becomes_the_property_with_its_date(tiny):
    park = tiny.layer("industrial-parks").gdf.loc["kcn-trang-due"]
    assert park["area_ha"] == 490 and park["area_ha_as_of"] == "2014"
    assert park["occupancy_pct"] == 75 and park["occupancy_pct_as_of"] == "2015"
    assert math.isnan(park["investment_vnd_bn"]) and park["investment_vnd_bn_as_of"] is None


def test_conflicting_values_are_all_kept_and_the_shown_one_marked(tiny):
    park = tiny.layer("industrial-parks").gdf.loc["kcn-trang-due"]
    areas = [f for f in park["figures"] if f["field"] == "area_ha"]
    assert [(f["value"], f["as_of"], f["sources"], f["shown"]) for f in areas] == [
        (490.0, "2014", ["src-a"], True),
        (600.0, "2020", ["src-b"], False),
    ]
    assert park["conflicts"] == ["area_ha"]
    assert tiny.layer("industrial-parks").gdf.loc["kcn-overlap", "conflicts"] == []


def test_sources_name_the_location_and_the_date_described(tiny):
    park = tiny.layer("industrial-parks").gdf.loc["kcn-trang-due"]
    by_key = {(s["id"], s["as_of"]): s for s in park["sources"]}
    assert by_key[("src-a", "2024-09")]["fields"] == ["description"]
    assert by_key[("src-a", "2014")]["fields"] == ["area_ha", "leasable_ha"]
    assert by_key[("src-a", "2014")]["location"] == "003_54207b29853fc65d.txt"
    assert by_key[("src-b", "2020")]["location"] == "https://example.org/parks"


def test_contacts_are_joined_with_their_sources_and_the_developers_website_comes_first(tiny_dir):
    write_contacts(tiny_dir)
    parks = build_dataset(tiny_dir).layer("industrial-parks").gdf
    developer, board = parks.loc["kcn-trang-due", "contacts"]
    assert (developer["role"], developer["website"], developer["sources"], developer["as_of"]) == (
        "developer", "https://trangdue.example.vn", ["src-b"], "2024"
    )
    assert (board["role"], board["phone"], board["sources"], board["note"]) == (
        "management_board", "0225 383 6543", ["src-a"], "the page is undated"
    )
    assert parks.loc["kcn-trang-due", "website"] == "https://trangdue.example.vn"
    assert parks.loc["kcn-overlap", "contacts"] == [] and parks.loc["kcn-overlap", "website"] == ""
    by_key = {(s["id"], s["as_of"]): s["fields"] for s in parks.loc["kcn-trang-due", "sources"]}
    assert by_key[("src-b", "2024")] == ["contact"] and by_key[("src-a", "")] == ["contact"]


def test_a_board_website_stands_in_when_the_developer_has_none(tiny_dir):
    write_contacts(tiny_dir, [
        ("kcn-overlap", "developer", "Developer", "", "0225 1", "", "", "src-a", "2024", ""),
        ("kcn-overlap", "management_board", "Board", "https://board.example.vn", "", "", "", "src-a", "2024", ""),
    ])  # fmt: skip
    parks = build_dataset(tiny_dir).layer("industrial-parks").gdf
    assert parks.loc["kcn-overlap", "website"] == "https://board.example.vn"


def test_computed_area_is_measured_in_a_metric_crs(tiny):
    park = tiny.layer("industrial-parks").gdf.loc["kcn-trang-due"]
    assert park["area_computed_ha"] == pytest.approx(_metric_area_ha(PARK_INSIDE), rel=1e-4)
    # 0.02° × 0.02° at 20.7° N: about 2.08 km × 2.21 km
    assert 440 < park["area_computed_ha"] < 480


def test_centroid_is_in_degrees(tiny):
    park = tiny.layer("industrial-parks").gdf.loc["kcn-trang-due"]
    assert park["centroid_lon"] == pytest.approx(106.63, abs=1e-4)
    assert park["centroid_lat"] == pytest.approx(20.73, abs=1e-4)


def test_zone_membership_is_spatial(tiny):
    parks = tiny.layer("industrial-parks").gdf
    assert parks.loc["kcn-trang-due", "zone_spatial"] == "kkt-a"
    assert parks.loc["kcn-trang-due", "zone_share_pct"] == 100.0
    assert parks.loc["kcn-outside", "zone_spatial"] == ""
    assert parks.loc["kcn-outside", "zone_share_pct"] == 0.0
    # half of the straddling park is inside: 50 % is enough to belong
    assert parks.loc["kcn-straddle", "zone_share_pct"] == pytest.approx(50.0, abs=0.5)


def test_a_park_mostly_outside_belongs_to_no_zone():
    zones = gpd.GeoDataFrame(
        {"kind": ["economic_zone"]}, geometry=[box(106.60, 20.70, 106.70, 20.80)], crs=WEB_CRS, index=["kkt-a"]
    )
    parks = gpd.GeoDataFrame(geometry=[box(106.695, 20.75, 106.72, 20.76)], crs=WEB_CRS, index=["kcn-x"])
    out = add_zone_membership(parks, zones)
    assert out.loc["kcn-x", "zone_spatial"] == ""
    assert out.loc["kcn-x", "zone_share_pct"] == pytest.approx(20.0, abs=0.5)
    assert "zone_spatial" not in parks.columns  # the input is not modified


def test_distances_are_great_circle_km_between_centroids(tiny):
    parks = tiny.layer("industrial-parks").gdf
    port = tiny.layer("ports").gdf.loc["port-lach-huyen"]
    park = parks.loc["kcn-trang-due"]
    expected = great_circle_km(park["centroid_lon"], park["centroid_lat"], port["centroid_lon"], port["centroid_lat"])
    assert park["distance_km_lach_huyen"] == pytest.approx(expected, abs=0.01)
    assert 28 < park["distance_km_lach_huyen"] < 30  # 0.28° of longitude and 0.06° of latitude
    assert park["distance_km_city_centre"] > 0
    assert set(parks.columns) >= {
        "distance_km_lach_huyen",
        "distance_km_nam_do_son",
        "distance_km_cat_bi",
        "distance_km_tien_lang_airport",
        "distance_km_city_centre",
    }


def test_distances_are_empty_when_the_place_is_not_in_the_data(tiny_dir):
    remove_features(tiny_dir, "airports", {"airport-tien-lang"})

    parks = build_dataset(tiny_dir).layer("industrial-parks").gdf

    assert parks["distance_km_tien_lang_airport"].isna().all()
    assert parks["distance_km_cat_bi"].notna().all()


def test_free_land_needs_both_leasable_area_and_occupancy(tiny):
    parks = tiny.layer("industrial-parks").gdf
    assert parks.loc["kcn-trang-due", "free_ha"] == pytest.approx(100.0)  # 400 ha × 25 %
    assert parks.loc["kcn-trang-due", "free_ha_as_of"] == "2014"  # the older of the two dates
    assert pd.isna(parks.loc["kcn-overlap", "free_ha"])


def test_an_empty_layer_is_allowed(tiny_dir):
    empty_layer(tiny_dir, "industrial-clusters")

    clusters = build_dataset(tiny_dir).layer("industrial-clusters").gdf

    assert clusters.empty
    assert "distance_km_cat_bi" in clusters.columns


def test_a_layer_with_no_zones_has_no_membership(tiny_dir):
    empty_layer(tiny_dir, "economic-zones")
    edit_csv(tiny_dir / "industrial-parks.csv", lambda rows: [dict(r, zone_id="") for r in rows])
    edit_csv(tiny_dir / "figures.csv", lambda rows: [r for r in rows if r["feature_id"] != "kkt-a"])

    parks = build_dataset(tiny_dir).layer("industrial-parks").gdf

    assert (parks["zone_spatial"] == "").all()


def test_unknown_layer_names_the_known_ones(tiny):
    from geo import UnknownLayer

    with pytest.raises(UnknownLayer, match="economic-zones, industrial-parks"):
        tiny.layer("parks")


def test_find_feature_across_layers(tiny):
    from geo import UnknownFeature

    layer, row = tiny.find_feature("airport-cat-bi")
    assert layer.spec.name == "airports" and row["name_vi"] == "Cảng hàng không Cát Bi"
    with pytest.raises(UnknownFeature):
        tiny.find_feature("kcn-nowhere")


def test_read_geometry_reports_features_without_touching_the_file(tiny_dir):
    path = tiny_dir / "industrial-parks.geojson"
    before = path.read_bytes()
    frame, issues = read_geometry(path)
    assert issues == [] and len(frame) == 4
    assert path.read_bytes() == before


def test_straddling_park_overlap_area(tiny):
    zone = tiny.layer("economic-zones").gdf.loc["kkt-a", "geometry"]
    inside = _metric_area_ha(PARK_STRADDLE.intersection(zone))
    assert inside == pytest.approx(_metric_area_ha(PARK_STRADDLE) / 2, rel=0.01)


def test_status_edit_flows_through(tiny_dir):
    edit_csv(tiny_dir / "industrial-parks.csv", set_row("kcn-outside", status="proposed"))
    assert build_dataset(tiny_dir).layer("industrial-parks").gdf.loc["kcn-outside", "status"] == "proposed"


def test_a_full_park_has_no_free_land_even_without_a_leasable_area(tiny_dir):
    edit_csv(tiny_dir / "figures.csv", lambda rows: rows + [dict(rows[0], feature_id="kcn-overlap",
             field="occupancy_pct", value="100", as_of="2024-09", shown="yes", note="")])  # fmt: skip

    parks = build_dataset(tiny_dir).layer("industrial-parks").gdf

    assert parks.loc["kcn-overlap", "free_ha"] == 0.0
    assert parks.loc["kcn-overlap", "free_ha_as_of"] == "2024-09"
    assert pd.isna(parks.loc["kcn-straddle", "free_ha"])


def test_leasable_area_and_occupancy_years_apart_make_no_free_land(tiny_dir):
    edit_csv(
        tiny_dir / "figures.csv",
        lambda rows: [
            {**r, "as_of": "2021"} if (r["feature_id"], r["field"]) == ("kcn-trang-due", "occupancy_pct") else r
            for r in rows
        ],
    )
    parks = build_dataset(tiny_dir).layer("industrial-parks").gdf
    assert pd.isna(parks.loc["kcn-trang-due", "free_ha"])  # 2014 leasable × 2021 occupancy describes no moment


def test_stated_vacant_land_is_the_free_land(tiny_dir):
    edit_csv(
        tiny_dir / "figures.csv",
        lambda rows: rows
        + [{"feature_id": "kcn-trang-due", "field": "vacant_ha", "value": "62.4", "as_of": "2023-05",
            "sources": "src-b", "shown": "yes", "verified": "yes", "note": ""}],
    )  # fmt: skip
    parks = build_dataset(tiny_dir).layer("industrial-parks").gdf
    assert parks.loc["kcn-trang-due", "free_ha"] == pytest.approx(62.4)
    assert parks.loc["kcn-trang-due", "free_ha_as_of"] == "2023-05"
