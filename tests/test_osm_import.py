"""`hpmap import osm`: outlines from OpenStreetMap extracts written here, as XML and as PBF, on real stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import geopandas as gpd
from shapely.geometry import box, shape

from geo.formats.osm import extract_date, read_extract
from geo.formats.tables import read_data_files
from geo.maintenance.osm_match import OSM_UNCERTAINTY_M, match_extract
from geo.model.catalog import LAYERS, METRIC_CRS, REGION_BOUNDS
from tests.builders import edit_csv, read_csv, set_row, write_dataset
from tests.cli_runner import hpmap
from tests.osm_extracts import Extract
from tests.test_import_cli import snapshot

OUTLINE_LAYERS = [spec for spec in LAYERS if spec.geometry != "point"]
# kcn-trang-due (PARK_INSIDE, pin at 106.63, 20.73, ±50 m) in two phases that together cover its pin.
PHASE_1 = box(106.620, 20.720, 106.630, 20.741)
PHASE_2 = box(106.630, 20.720, 106.641, 20.741)
# Lạch Huyện (pin at 106.91, 20.79, ±50 m): a relation of two terminals side by side.
TERMINAL_1 = box(106.900, 20.780, 106.909, 20.800)
TERMINAL_2 = box(106.909, 20.780, 106.920, 20.800)


def hai_phong_extract() -> Extract:
    """One area for each case the matching must get right."""
    extract = Extract()
    extract.area(10, PHASE_1, landuse="industrial", name="KCN Tràng Duệ")
    extract.area(11, PHASE_2, landuse="industrial", name="KCN Tràng Duệ - Giai đoạn 2")
    # The same name 45 km west, in another province: not the park.
    extract.area(12, box(106.20, 20.60, 106.21, 20.61), landuse="industrial", name="KCN Tràng Duệ")
    # Written without diacritics and with the prefix spelled out; kcn-overlap is ±500 m around its pin.
    extract.area(13, box(106.632, 20.732, 106.652, 20.752), industrial="factory", name="Khu cong nghiep Chong Lan")
    # The exact name, a residential area (not a candidate) and an industrial one 1 km off (±3 km).
    extract.area(14, box(106.62, 20.72, 106.64, 20.74), landuse="residential", name="CCN Vĩnh Niệm")
    extract.area(15, box(106.668, 20.788, 106.674, 20.794), landuse="industrial", name="CCN Vĩnh Niệm")
    extract.multipolygon(
        20, [(21, TERMINAL_1), (22, TERMINAL_2)], harbour="yes", name="Cảng cửa ngõ", name_vi="Cảng Lạch Huyện"
    )
    # kcn-straddle's pin is at 106.70, 20.77 (±3 km): this one lies about 4.6 km away.
    extract.area(30, box(106.73, 20.80, 106.76, 20.83), landuse="industrial", name="KCN Vắt Ngang")
    # An alias (set by the tests) of airport-cat-bi.
    extract.area(40, box(106.713, 20.808, 106.732, 20.822), aeroway="aerodrome", name="Sân bay quốc tế Cát Bi")
    # Two areas of different names both fit airport-tien-lang: a person must choose.
    extract.area(50, box(106.64, 20.64, 106.66, 20.66), aeroway="aerodrome", name="Cảng hàng không Tiên Lãng")
    extract.area(51, box(106.65, 20.645, 106.67, 20.655), aeroway="aerodrome", name="Sân bay Tiên Lãng")
    # kcn-outside's name, but in another province, 40 km from its pin (±3 km).
    extract.area(60, box(106.05, 21.15, 106.06, 21.16), landuse="industrial", name="KCN Hải Dương")
    return extract


@pytest.fixture
def data_dir(tmp_path) -> Path:
    directory = write_dataset(tmp_path / "data")
    edit_csv(directory / "airports.csv", set_row("airport-cat-bi", aliases="Sân bay quốc tế Cát Bi"))
    edit_csv(directory / "airports.csv", set_row("airport-tien-lang", aliases="Sân bay Tiên Lãng"))
    return directory


@pytest.fixture(params=["osm", "osm.pbf"])
def extract_path(request, tmp_path) -> Path:
    extract = hai_phong_extract()
    path = tmp_path / f"hai-phong.{request.param}"
    return extract.write_pbf(path) if request.param == "osm.pbf" else extract.write_xml(path)


def test_both_formats_read_the_same_named_candidates_and_date(extract_path):
    extract = read_extract(extract_path, REGION_BOUNDS)
    assert extract.as_of == "2025-03-01"
    areas = extract.areas.set_index("osm_ref")
    assert "way/14" not in areas.index  # residential: not a candidate
    assert "way/21" not in areas.index  # a relation's untagged member is not an area of its own
    assert areas.loc["relation/20", "name_vi"] == "Cảng Lạch Huyện"
    assert areas.loc["way/13", "tagged"] == "industrial=factory"
    assert shape(areas.loc["relation/20", "geometry"]).equals(TERMINAL_1.union(TERMINAL_2))


def test_bbox_keeps_only_areas_that_meet_it(extract_path):
    extract = read_extract(extract_path, (106.6, 20.7, 106.7, 20.8))
    assert sorted(extract.areas["osm_ref"]) == ["way/10", "way/11", "way/13", "way/15"]


def test_matching_by_name_and_position(data_dir, extract_path):
    files = read_data_files(data_dir)
    report = match_extract(files, read_extract(extract_path, REGION_BOUNDS), "2025-03-01", OUTLINE_LAYERS)
    matched = {m.feature.feature_id: [a.ref for a in m.areas] for m in report.matched}
    assert matched == {
        "kcn-trang-due": ["way/10", "way/11"],  # phases joined; way/12, same name elsewhere, left out
        "kcn-overlap": ["way/13"],  # no diacritics, prefix spelled out
        "ccn-vinh-niem": ["way/15"],  # exact name; the residential area is no candidate
        "port-lach-huyen": ["relation/20"],  # a multipolygon relation, matched by name:vi
        "airport-cat-bi": ["way/40"],  # an alias
    }
    too_far = {r.feature.feature_id: [a.ref for a in r.areas] for r in report.too_far}
    assert too_far == {"kcn-straddle": ["way/30"], "kcn-outside": ["way/60"]}
    assert "4,5" in next(r.reason for r in report.too_far if r.feature.feature_id == "kcn-straddle")
    assert [(r.feature.feature_id, [a.ref for a in r.areas]) for r in report.several] == [
        ("airport-tien-lang", ["way/50", "way/51"])
    ]
    assert {f.feature_id for f in report.no_match} == {"kkt-a", "port-nam-do-son"}
    trang_due = next(m for m in report.matched if m.feature.feature_id == "kcn-trang-due")
    assert trang_due.outline.equals(PHASE_1.union(PHASE_2))
    assert [area.ref for area, _ in trang_due.elsewhere] == ["way/12"]
    port = next(m for m in report.matched if m.feature.feature_id == "port-lach-huyen")
    expected_ha = gpd.GeoSeries([TERMINAL_1.union(TERMINAL_2)], crs=4326).to_crs(METRIC_CRS).area.iloc[0] / 1e4
    assert port.area_ha == pytest.approx(expected_ha)


def test_an_area_that_fits_two_features_is_left_alone(data_dir, tmp_path):
    # kcn-overlap takes Tràng Duệ's name as an alias: the phases now fit both parks.
    edit_csv(data_dir / "industrial-parks.csv", set_row("kcn-overlap", aliases="KCN Tràng Duệ"))
    path = hai_phong_extract().write_xml(tmp_path / "x.osm")
    report = match_extract(read_data_files(data_dir), read_extract(path, REGION_BOUNDS), "2025", OUTLINE_LAYERS)
    several = {r.feature.feature_id: r.reason for r in report.several}
    assert "kcn-trang-due" not in {m.feature.feature_id for m in report.matched}
    assert "also fit(s) kcn-overlap" in several["kcn-trang-due"]
    assert "also fit(s) kcn-trang-due" in several["kcn-overlap"]


def test_dry_run_reports_feature_by_feature_and_changes_nothing(data_dir, extract_path):
    before = snapshot(data_dir)
    result = hpmap("import", "osm", extract_path, "--data-dir", data_dir, "--dry-run", "-q")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "kcn-trang-due (industrial-parks) KCN Tràng Duệ" in out
    assert "way/11 'KCN Tràng Duệ - Giai đoạn 2' (landuse=industrial)" in out
    assert "declared 490 ha" in out and "2 areas joined (phases)" in out
    assert "not way/12 'KCN Tràng Duệ'" in out
    assert "relation/20 'Cảng cửa ngõ / Cảng Lạch Huyện' (harbour=yes)" in out
    assert "too far from the evidence (left alone): 2" in out and "several candidates (left alone): 1" in out
    assert "no match: 2" in out
    assert "Dry run: nothing was written." in out
    assert snapshot(data_dir) == before


def test_import_and_revert_on_the_files_store(data_dir, tmp_path):
    path = hai_phong_extract().write_pbf(tmp_path / "vietnam-latest.osm.pbf")
    before = snapshot(data_dir)
    result = hpmap("import", "osm", path, "--data-dir", data_dir, "--layer", "industrial-parks", "-q")
    assert result.exit_code == 0, result.stderr

    sources = {row["id"]: row for row in read_csv(data_dir / "sources.csv")}
    osm = [row for row in sources.values() if row["kind"] == "osm"]
    assert [(row["location"], row["published"]) for row in osm] == [("vietnam-latest.osm.pbf", "2025-03-01")]
    assert "ODbL" in osm[0]["title"]
    collection = json.loads((data_dir / "industrial-parks.geojson").read_text())
    parks = {feature["properties"]["id"]: feature for feature in collection["features"]}
    trang_due = parks["kcn-trang-due"]
    assert shape(trang_due["geometry"]).equals(PHASE_1.union(PHASE_2))
    assert trang_due["properties"]["geometry_quality"] == "traced"
    assert trang_due["properties"]["geometry_sources"] == osm[0]["id"]
    assert trang_due["properties"]["position_uncertainty_m"] == str(OSM_UNCERTAINTY_M)
    assert "OpenStreetMap" in trang_due["properties"]["geometry_note"]
    records = [row for row in read_csv(data_dir / "positions.csv") if row["marks"] == "osm_outline"]
    assert {(row["id"], row["feature_id"], row["source"], row["as_of"]) for row in records} == {
        ("kcn-trang-due-osm-w10", "kcn-trang-due", osm[0]["id"], "2025-03-01"),
        ("kcn-trang-due-osm-w11", "kcn-trang-due", osm[0]["id"], "2025-03-01"),
        ("kcn-overlap-osm-w13", "kcn-overlap", osm[0]["id"], "2025-03-01"),
    }
    assert parks["kcn-straddle"]["properties"]["geometry_quality"] == "indicative"  # too far: untouched
    assert (data_dir / "ports.geojson").read_bytes() == before["ports.geojson"]  # --layer industrial-parks

    again = hpmap("import", "osm", path, "--data-dir", data_dir, "--layer", "industrial-parks", "-q")
    assert again.exit_code == 0 and "Nothing to change (2 matched feature(s)" in again.stdout

    change_id = hpmap("history", "--data-dir", data_dir).stdout.split()[0]
    undo = hpmap("revert", change_id, "--data-dir", data_dir, "-q")
    assert undo.exit_code == 0, undo.stderr
    after = snapshot(data_dir)
    assert {name: after[name] for name in before} == before


def test_an_xml_extract_without_a_date_needs_one(data_dir, tmp_path):
    extract = hai_phong_extract()
    extract.timestamp = None
    path = extract.write_xml(tmp_path / "overpass.osm")
    assert extract_date(path) is None
    refused = hpmap("import", "osm", path, "--data-dir", data_dir, "--dry-run", "-q")
    assert refused.exit_code != 0 and "overpass.osm" in refused.stderr and "--as-of" in refused.stderr
    dated = hpmap("import", "osm", path, "--data-dir", data_dir, "--as-of", "2025-02-14", "-q")
    assert dated.exit_code == 0, dated.stderr
    assert any(row["published"] == "2025-02-14" for row in read_csv(data_dir / "sources.csv"))


def test_a_date_that_contradicts_the_header_is_refused(data_dir, tmp_path):
    path = hai_phong_extract().write_pbf(tmp_path / "x.osm.pbf")
    result = hpmap("import", "osm", path, "--data-dir", data_dir, "--as-of", "2024-01-01", "--dry-run")
    assert result.exit_code != 0 and "2025-03-01" in result.stderr


def test_a_file_that_is_not_an_extract_is_refused(data_dir, tmp_path):
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"not a protobuf file")
    before = snapshot(data_dir)
    result = hpmap("import", "osm", bad, "--data-dir", data_dir)
    assert result.exit_code != 0 and "broken.osm.pbf" in result.stderr
    assert snapshot(data_dir) == before


def test_import_and_revert_on_postgis(data_dir, tmp_path, postgres_cluster):
    from geo import postgis
    from tests.test_pg_maintenance import contents

    url = postgres_cluster.create_database()
    assert hpmap("db", "load", data_dir, "--database-url", url).exit_code == 0
    with postgis.connect(url) as conn:
        if conn.execute("SELECT to_regclass('hpmap.positions')").fetchone()[0] is None:
            pytest.skip("this version's PostGIS store has no positions table yet: OSM outlines need it")
    before = contents(url)
    path = hai_phong_extract().write_pbf(tmp_path / "vietnam-latest.osm.pbf")
    result = hpmap("import", "osm", path, "--database-url", url, "-q")
    assert result.exit_code == 0, result.stderr
    with postgis.connect(url) as conn:
        records = conn.execute("SELECT id FROM hpmap.positions WHERE marks = 'osm_outline' ORDER BY id").fetchall()
        quality = conn.execute(
            "SELECT geometry_quality, position_uncertainty_m FROM hpmap.industrial_parks_geometry WHERE id = %s",
            ("kcn-trang-due",),
        ).fetchone()
    assert [r[0] for r in records] == [
        "airport-cat-bi-osm-w40", "ccn-vinh-niem-osm-w15", "kcn-overlap-osm-w13", "kcn-trang-due-osm-w10",
        "kcn-trang-due-osm-w11", "port-lach-huyen-osm-r20",
    ]  # fmt: skip
    assert quality[0] == "traced" and float(quality[1]) == OSM_UNCERTAINTY_M
    change_id = hpmap("history", "--database-url", url).stdout.split()[0]
    assert hpmap("revert", change_id, "--database-url", url, "-q").exit_code == 0
    after = contents(url)
    assert {name: rows for name, rows in after.items() if name != "changes"} == {
        name: rows for name, rows in before.items() if name != "changes"
    }


def map_config(data_dir: Path) -> dict:
    from webmap import create_app

    app = create_app({"DATA_DIR": str(data_dir), "OFFLINE": True, "TESTING": True})
    page = app.test_client().get("/").get_data(as_text=True)
    text = page.split('<script type="application/json" id="hpmap-config">', 1)[1].split("</script>", 1)[0]
    return {layer["id"]: layer for layer in json.loads(text)["layers"]}


def test_the_map_credits_openstreetmap_for_the_layers_drawing_its_outlines(data_dir, tmp_path):
    assert not any(layer["attribution"] for layer in map_config(data_dir).values())
    path = hai_phong_extract().write_pbf(tmp_path / "x.osm.pbf")
    assert hpmap("import", "osm", path, "--data-dir", data_dir, "--layer", "industrial-parks", "-q").exit_code == 0
    layers = map_config(data_dir)
    assert "OpenStreetMap</a> contributors (ODbL)" in layers["industrial-parks"]["attribution"]
    assert [name for name, layer in layers.items() if layer["attribution"]] == ["industrial-parks"]


@pytest.mark.browser
def test_the_attribution_shows_while_an_osm_layer_is_on_the_map(data_dir, tmp_path, watched):
    from tests.conftest import LiveServer

    path = hai_phong_extract().write_pbf(tmp_path / "x.osm.pbf")
    assert hpmap("import", "osm", path, "--data-dir", data_dir, "--layer", "industrial-parks", "-q").exit_code == 0
    server = LiveServer({"DATA_DIR": str(data_dir), "OFFLINE": True})
    try:
        page = watched(server).open("/")
        credit = page.locator(".leaflet-control-attribution")
        assert "OpenStreetMap contributors (ODbL)" in credit.inner_text()
        page.evaluate(
            "() => { const c = JSON.parse(document.getElementById('hpmap-config').textContent);"
            " const g = window[c.layers.find(l => l.id === 'industrial-parks').groupVar];"
            " g._map.removeLayer(g); }"
        )
        assert "OpenStreetMap" not in credit.inner_text()
    finally:
        server.stop()
