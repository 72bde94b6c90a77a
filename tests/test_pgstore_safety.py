"""PostGIS store: SQL injection is harmless, rows change in one transaction, and GDAL reads the PostGIS-backed API."""
# ruff: noqa: F811  (the fixtures imported from the module this one was split from are redefined as arguments)

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from shapely.geometry import box

from geo import postgis
from geo.model.catalog import LAYERS
from geo.model.errors import InvalidData, InvalidQuery, UnknownLayer
from geo.stores.memory import FileStore
from geo.stores.query import FeatureQuery
from tests.conftest import LiveServer
from tests.test_ogr import counts, ogrinfo, run_ogrinfo, source  # noqa: F401  (ogrinfo is a fixture)
from tests.test_pgstore import shipped_url, tiny_url  # noqa: F401  (fixtures: pytest finds them by name)
from webmap import create_app

# --- SQL injection ----------------------------------------------------------------------------

INJECTIONS = [
    "x' OR '1'='1",
    "'; DROP TABLE hpmap.features; --",
    '"); DELETE FROM hpmap.features; --',
    "kcn-trang-due' OR 1=1 --",
    "%s %(x)s {} \\",
]


def _counts(conn) -> tuple[int, int]:
    features = conn.execute("SELECT count(*) FROM hpmap.features").fetchone()[0]
    parks = conn.execute("SELECT count(*) FROM hpmap.industrial_parks_attributes").fetchone()[0]
    return features, parks


@pytest.mark.parametrize("attack", INJECTIONS)
def test_injection_through_the_store_is_harmless(tiny_url, attack):
    store = postgis.PostgisStore.open(tiny_url)
    try:
        with postgis.connect(tiny_url) as conn:
            before = _counts(conn)
        assert store.items("industrial-parks", FeatureQuery(filters=(("name_vi", (attack,)),))).number_matched == 0
        assert store.items("industrial-parks", FeatureQuery(filters=(("sectors", (attack, "x")),))).features == []
        assert store.item("industrial-parks", attack) is None
        with pytest.raises(InvalidQuery):
            store.items("industrial-parks", FeatureQuery(filters=((attack, ("x",)),)))
        with pytest.raises(InvalidQuery):
            store.items("industrial-parks", FeatureQuery(filters=(("year_established", (attack,)),)))
        with pytest.raises(UnknownLayer):
            store.items(attack, FeatureQuery())
        with postgis.connect(tiny_url) as conn:
            assert _counts(conn) == before == (10, 4)
    finally:
        store.close()


def test_injection_through_the_api_is_harmless(tiny_url):
    app = create_app({"DATABASE_URL": tiny_url, "TESTING": True})
    client = app.test_client()
    try:
        for attack in INJECTIONS:
            body = client.get("/api/collections/industrial-parks/items", query_string={"name_vi": attack}).get_json()
            assert body["numberMatched"] == 0
            response = client.get("/api/collections/industrial-parks/items/" + quote(attack, safe=""))
            assert response.status_code == 404
        assert client.get("/api/collections/industrial-parks/items").get_json()["numberMatched"] == 4
    finally:
        app.extensions["hpmap.store"].close()


# --- changing rows in a transaction (for data maintenance) ----------------------------------------


def test_replaced_rows_are_validated_and_served_in_one_transaction(tiny_url):
    with postgis.connect(tiny_url) as conn:
        parks, _ = postgis.PgSource(conn).read_file("industrial-parks.csv")
        changed = parks[parks["id"] == "kcn-overlap"].assign(status="operating")
        with conn.transaction():
            postgis.replace_rows(conn, "industrial-parks.csv", changed)
            postgis.publish(conn)
        after, _ = postgis.PgSource(conn).read_file("industrial-parks.csv")
        served = conn.execute("SELECT properties ->> 'status' FROM hpmap.features WHERE id = 'kcn-overlap'")
        served = served.fetchone()[0]
    assert list(after["id"]) == list(parks["id"])  # the row kept its place
    assert list(after["status"]) == ["operating", "operating", "under_construction", "operating"]
    assert served == "operating"


def test_an_invalid_change_rolls_back(tiny_url):
    with postgis.connect(tiny_url) as conn:
        parks, _ = postgis.PgSource(conn).read_file("industrial-parks.csv")
        before = _counts(conn)
        broken = pd.concat([parks[parks["id"] == "kcn-overlap"].assign(status="closed"), parks.iloc[:0]])
        with pytest.raises(InvalidData, match="table hpmap.industrial_parks_attributes, feature 'kcn-overlap'"):
            with conn.transaction():
                postgis.replace_rows(conn, "industrial-parks.csv", broken, removed=["kcn-outside"])
                postgis.publish(conn)
        after, _ = postgis.PgSource(conn).read_file("industrial-parks.csv")
        assert_frame_equal(after, parks)
        assert _counts(conn) == before


def test_a_replaced_outline_is_served_and_dumped(tiny_url):
    with postgis.connect(tiny_url) as conn:
        outlines, _ = postgis.PgSource(conn).read_file("industrial-parks.geojson")
        moved = outlines[outlines["id"] == "kcn-outside"].assign(geometry=[box(106.30, 20.90, 106.33, 20.93)])
        with conn.transaction():
            postgis.replace_rows(conn, "industrial-parks.geojson", moved)
            dataset = postgis.publish(conn)
        after, _ = postgis.PgSource(conn).read_file("industrial-parks.geojson")
        served = conn.execute(
            "SELECT ST_Equals(geom, ST_MakeEnvelope(106.30, 20.90, 106.33, 20.93, 4326)) FROM hpmap.features "
            "WHERE id = 'kcn-outside'"
        ).fetchone()[0]
    assert list(after["id"]) == list(outlines["id"])
    assert after.geometry.iloc[-1].equals(box(106.30, 20.90, 106.33, 20.93))
    assert served is True
    assert dataset.layer("industrial-parks").gdf.at["kcn-outside", "area_computed_ha"] > 900


def test_removed_and_new_rows(tiny_url):
    with postgis.connect(tiny_url) as conn:
        sources, _ = postgis.PgSource(conn).read_file("sources.csv")
        new = pd.DataFrame(
            [["src-c", "web", "https://example.org/c", "C", "", "", ""]], columns=sources.columns, dtype=str
        )
        with conn.transaction():
            postgis.replace_rows(conn, "sources.csv", new)
        after, _ = postgis.PgSource(conn).read_file("sources.csv")
    assert list(after["id"]) == ["src-a", "src-b", "src-c"]


# --- GDAL reads the PostGIS-backed API --------------------------------------------------------------


@pytest.fixture(scope="module")
def postgis_live_server(shipped_url):
    server = LiveServer({"DATABASE_URL": shipped_url, "OFFLINE": True})
    yield server
    server.stop()


def test_gdal_reads_the_postgis_store(ogrinfo, postgis_live_server, shipped):  # noqa: F811
    summary = run_ogrinfo(ogrinfo, "-al", "-so", source(postgis_live_server)).stdout
    assert counts(summary) == [len(shipped.layer(spec.name).gdf) for spec in LAYERS]
    parks = shipped.layer("industrial-parks").gdf
    paged = run_ogrinfo(ogrinfo, "-al", "-q", source(postgis_live_server), "industrial-parks").stdout
    assert [line.split(" = ")[1] for line in paged.splitlines() if line.startswith("  id (String) = ")] == list(
        parks.index
    )
    planned = run_ogrinfo(
        ogrinfo, "-q", "-where", "status = 'planned'", "-spat", "106.3", "20.6", "106.9", "21.0",
        source(postgis_live_server), "industrial-parks",
    ).stdout  # fmt: skip
    ids = [line.split(" = ")[1] for line in planned.splitlines() if line.startswith("  id (String) = ")]
    expected = FileStore(shipped).items(
        "industrial-parks", FeatureQuery(bbox=(106.3, 20.6, 106.9, 21.0), filters=(("status", ("planned",)),))
    )
    assert ids == [feature["id"] for feature in expected.features] != []
