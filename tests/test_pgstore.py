"""The PostGIS store on a real throwaway PostgreSQL (tests/postgis.py): same frames, same features, safe SQL."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from pandas.testing import assert_frame_equal
from psycopg import sql

from geopandas.testing import assert_geodataframe_equal

from geo import inspect_dataset, postgis
from geo.model.catalog import LAYERS
from geo.model.errors import InvalidData, InvalidQuery, UnknownLayer
from geo.model.features import to_geojson
from geo.model.files import CONTEXT_COLUMNS, CONTEXT_FILE, POSITIONS_FILE
from geo.pipeline.read import FileSource, SourceSnapshot
from geo.stores.memory import FileStore
from geo.stores.query import FeatureQuery
from tests.builders import (
    CONTACTS,
    CONTEXT,
    edit_csv,
    edit_geojson,
    empty_layer,
    set_row,
    write_contacts,
    write_dataset,
)
from tests.conftest import DATA_DIR
from tests.test_ogr import counts, ogrinfo, run_ogrinfo, source  # noqa: F401  (ogrinfo is a fixture)
from webmap import create_app


@pytest.fixture(scope="module")
def shipped_url(postgres_cluster) -> str:
    return postgres_cluster.loaded(DATA_DIR)


@pytest.fixture(scope="module")
def pg_store(shipped_url):
    store = postgis.PostgisStore.open(shipped_url)
    yield store
    store.close()


@pytest.fixture
def tiny_url(database_url, tmp_path) -> str:
    """A database of its own, loaded with the hand-made data set: a test may change it."""
    snapshot = SourceSnapshot.take(FileSource(write_dataset(tmp_path / "data")))
    dataset, _ = inspect_dataset(snapshot)
    with postgis.connect(database_url) as conn:
        postgis.load_snapshot(conn, snapshot, dataset)
    return database_url


# --- the database source gives the pipeline exactly what the files give ------------------------


def test_tables_read_back_as_the_files_read(shipped_url):
    files = FileSource(DATA_DIR)
    with postgis.connect(shipped_url) as conn:
        database = postgis.PgSource(conn)
        for spec in LAYERS:
            (from_file, no_issues), (from_table, none_either) = files.read_geometry(spec), database.read_geometry(spec)
            assert_geodataframe_equal(from_table, from_file, check_less_precise=False)
            assert_frame_equal(database.read_attributes(spec)[0], files.read_attributes(spec)[0])
            assert no_issues == none_either == []
        assert_frame_equal(database.read_figures()[0], files.read_figures()[0])
        assert_frame_equal(database.read_sources()[0], files.read_sources()[0])
        assert_frame_equal(database.read_positions()[0], files.read_positions()[0])
        assert_frame_equal(database.read_contacts()[0], files.read_contacts()[0])
        assert_geodataframe_equal(database.read_context()[0], files.read_context()[0], check_less_precise=False)


def test_positions_and_context_read_back_as_the_files_read(tiny_dir, database_url):
    edit_csv(tiny_dir / POSITIONS_FILE, set_row("kcn-overlap-pin", note='a note, with "quotes"\nand a line'))
    edit_geojson(tiny_dir / CONTEXT_FILE, lambda d: d["features"][0]["properties"].pop("note"))  # absent: ""
    files = FileSource(tiny_dir)
    snapshot = SourceSnapshot.take(files)
    with postgis.connect(database_url) as conn:
        postgis.load_snapshot(conn, snapshot, inspect_dataset(snapshot)[0])
        database = postgis.PgSource(conn)
        (positions, no_issues), (context, none_either) = database.read_positions(), database.read_context()
        dataset = postgis.read_dataset(conn)
    assert no_issues == none_either == []
    assert_frame_equal(positions, files.read_positions()[0])
    assert_geodataframe_equal(context, files.read_context()[0], check_less_precise=False)
    assert list(context.columns) == [*CONTEXT_COLUMNS, "geometry"] and len(context) == len(CONTEXT)
    # What the placement checks ran on, plus the Vietnamese note the data set offers (none in these files).
    assert_frame_equal(dataset.positions.drop(columns="note_vi"), positions)
    assert (dataset.positions["note_vi"] == "").all()
    assert_geodataframe_equal(dataset.context, context)


def test_contacts_read_back_as_the_files_read_and_reach_the_features(tiny_dir, database_url):
    write_contacts(tiny_dir, [*CONTACTS, ("kcn-overlap", "management_board", 'Ban "Quản lý", KCN', "", "",
                                          "", "Số 2, đường\nThanh Niên", "src-a", "2021-02", "")])  # fmt: skip
    files = FileSource(tiny_dir)
    snapshot = SourceSnapshot.take(files)
    with postgis.connect(database_url) as conn:
        postgis.load_snapshot(conn, snapshot, inspect_dataset(snapshot)[0])
        contacts, no_issues = postgis.PgSource(conn).read_contacts()
        parks = postgis.read_dataset(conn).layer("industrial-parks").gdf
    assert no_issues == [] and len(contacts) == 3
    assert_frame_equal(contacts, files.read_contacts()[0])
    assert parks.loc["kcn-overlap", "contacts"][0]["address"] == "Số 2, đường\nThanh Niên"
    assert parks.loc["kcn-trang-due", "website"] == "https://trangdue.example.vn"


def test_the_data_set_built_from_the_database_is_the_same(shipped_url, shipped):
    with postgis.connect(shipped_url) as conn:
        dataset = postgis.read_dataset(conn)
        located = postgis.PgSource(conn).locate  # the same issues, naming the tables instead of the files
    assert list(dataset.layers) == list(shipped.layers)
    for name, layer in shipped.layers.items():
        assert to_geojson(dataset.layer(name).gdf) == to_geojson(layer.gdf)
    assert_frame_equal(dataset.sources, shipped.sources)
    assert_frame_equal(dataset.positions, shipped.positions)
    assert_geodataframe_equal(dataset.context, shipped.context, check_less_precise=False)
    assert dataset.issues == [dataclasses.replace(issue, file=located(issue.file)) for issue in shipped.issues]


def test_errors_in_the_tables_name_table_feature_and_field(tiny_url):
    with postgis.connect(tiny_url) as conn:
        conn.execute("UPDATE hpmap.industrial_parks_attributes SET status = 'closed' WHERE id = 'kcn-overlap'")
        conn.execute("DROP TABLE hpmap.figures")
        dataset, issues = inspect_dataset(postgis.PgSource(conn))
    assert dataset is None
    errors = [(i.file, i.feature, i.field) for i in issues if i.severity == "error"]
    assert ("table hpmap.industrial_parks_attributes", "kcn-overlap", "status") in errors
    assert ("table hpmap.figures", None, None) in errors


def test_the_app_refuses_to_start_on_bad_tables(tiny_url):
    with postgis.connect(tiny_url) as conn:
        conn.execute("UPDATE hpmap.ports_geometry SET geometry_quality = 'exact'")
    with pytest.raises(InvalidData, match="table hpmap.ports_geometry, feature 'port-lach-huyen', field 'geometry_q"):
        create_app({"DATABASE_URL": tiny_url})


def test_an_unreachable_database_is_named_without_its_password(postgres_cluster):
    url = f"postgresql://hpmap:s3cret-pw@127.0.0.1:{postgres_cluster.port}/nowhere"
    with pytest.raises(postgis.DatabaseUnavailable) as caught:
        create_app({"DATABASE_URL": url})
    message = str(caught.value)
    assert f"cannot connect to the database postgresql://hpmap:***@127.0.0.1:{postgres_cluster.port}/nowhere" in message
    assert "s3cret-pw" not in message


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h:5432/db", "postgresql://u@h:5432/db"),
        ("postgresql:///db?host=/run/pg&password=x&sslmode=require", "postgresql:///db?host=/run/pg&password=***&sslmode=require"),
        ("host=h password=secret dbname=db", "host=h password=*** dbname=db"),
        ("host=h password = 'it\\'s a secret' dbname=db", "host=h password = *** dbname=db"),
        ("dbname=db", "dbname=db"),
    ],
)  # fmt: skip
def test_redact_hides_only_the_password(url, shown):
    assert postgis.redact(url) == shown


# --- the serving table answers like the files ----------------------------------------------------

QUERIES = [
    FeatureQuery(),
    FeatureQuery(limit=7, offset=3),
    FeatureQuery(offset=10**18),
    FeatureQuery(bbox=(106.5, 20.8, 106.8, 21.0)),
    FeatureQuery(bbox=(170.0, -90.0, 106.7, 90.0)),  # across the antimeridian
    FeatureQuery(bbox=(106.6, 20.8, 106.6, 20.8)),  # a point
    FeatureQuery(filters=(("status", ("planned", "operating")),)),
    FeatureQuery(filters=(("sectors", ("logistics", "electronics")), ("former_province", ("hai-phong",)))),
    FeatureQuery(filters=(("year_established", ("1994", "2.025e3")),)),
    FeatureQuery(filters=(("zone_spatial", ("kkt-dinh-vu-cat-hai",)),), limit=3),
    FeatureQuery(filters=(("zone_spatial", ("",)),)),
    FeatureQuery(filters=(("parent_id", ("port-lach-huyen",)),), bbox=(106.0, 20.0, 107.5, 21.5)),
    FeatureQuery(properties=("id", "name_vi", "status", "aliases", "centroid_lat", "sources")),
    FeatureQuery(properties=("status",), bbox=(106.5, 20.8, 106.8, 21.0)),
    FeatureQuery(properties=("name_en", "figures"), filters=(("status", ("operating",)),), limit=4, offset=2),
]


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.name)
@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_postgis_pages_are_the_file_pages(shipped, pg_store, spec, query):
    expected = FileStore(shipped).items(spec.name, query)
    page = pg_store.items(spec.name, query)
    assert (page.number_matched, page.offset, page.limit) == (expected.number_matched, query.offset, query.limit)
    assert json.dumps(page.features, ensure_ascii=False) == json.dumps(expected.features, ensure_ascii=False)


def test_a_database_loaded_before_property_texts_still_answers_property_selections(shipped, database_url):
    with postgis.connect(database_url) as conn:
        postgis.init_schema(conn)
        postgis.write_features(conn, shipped)
        conn.execute("ALTER TABLE hpmap.features DROP COLUMN property_texts")
        conn.execute("ALTER TABLE hpmap.collections DROP COLUMN property_names")
    store = postgis.PostgisStore.open(database_url)
    try:
        query = FeatureQuery(limit=20, properties=("name_vi", "status", "aliases", "sources"))
        expected = FileStore(shipped).items("industrial-parks", query)
        assert store.items("industrial-parks", query).features == expected.features
    finally:
        store.close()



def test_features_as_stored_are_read_as_the_files_store_encodes_them(shipped, pg_store):
    files = FileStore(shipped)
    for name, layer in shipped.layers.items():
        whole = FeatureQuery(limit=len(layer.gdf) + 1)
        assert pg_store.items(name, whole).feature_texts == files.items(name, whole).feature_texts  # byte for byte
        assert [pg_store.item_text(name, i) for i in layer.gdf.index] == layer.feature_texts


def test_a_database_loaded_before_feature_text_builds_each_feature_in_sql(shipped, database_url):
    with postgis.connect(database_url) as conn:
        postgis.init_schema(conn)
        postgis.write_features(conn, shipped)
        conn.execute("UPDATE hpmap.features SET feature_text = NULL WHERE id = 'port-lach-huyen'")  # one row lacks it
    store = postgis.PostgisStore.open(database_url)
    try:
        lacking = store.item("ports", "port-lach-huyen")
        assert lacking == FileStore(shipped).item("ports", "port-lach-huyen")
        with postgis.connect(database_url) as conn:
            conn.execute("ALTER TABLE hpmap.features DROP COLUMN feature_text")  # a release before the column
        store.forget_collections()  # as a reload does
        query = FeatureQuery(limit=20)
        assert store.items("ports", query).features == FileStore(shipped).items("ports", query).features
        assert store.item("ports", "port-lach-huyen") == lacking
    finally:
        store.close()

def test_every_postgis_item_is_the_file_item(shipped, pg_store):
    files = FileStore(shipped)
    for name, layer in shipped.layers.items():
        for feature_id in layer.gdf.index:
            assert json.dumps(pg_store.item(name, feature_id)) == json.dumps(files.item(name, feature_id))
    assert pg_store.item("ports", "kcn-trang-due") is None is pg_store.item_text("ports", "kcn-trang-due")
    with pytest.raises(UnknownLayer, match="no layer 'harbours'"):
        pg_store.item_text("harbours", "port-lach-huyen")


def test_postgis_gives_compact_feature_text_built_in_sql(shipped, pg_store):
    text = pg_store.item_text("ports", "port-lach-huyen")
    page = pg_store.items("ports", FeatureQuery(limit=3))
    assert all(isinstance(t, str) for t in [text, *page.feature_texts]) and page.number_returned == 3
    for feature_text in (text, *page.feature_texts):  # what the API splices into its responses as it is
        assert feature_text.startswith('{"type":"Feature","id":"') and feature_text.endswith("}")
        assert feature_text == json.dumps(json.loads(feature_text), ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    ("collection", "query", "error", "message"),
    [
        ("ports", FeatureQuery(filters=(("colour", ("red",)),)), InvalidQuery, "no property 'colour' to filter on"),
        ("ports", FeatureQuery(filters=(("geometry", ("x",)),)), InvalidQuery, "no property 'geometry'"),
        ("ports", FeatureQuery(filters=(("year_established", ("nan",)),)), InvalidQuery, "a number, got 'nan'"),
        ("ports", FeatureQuery(limit=0), InvalidQuery, "limit: expected a whole number of at least 1"),
        ("ports", FeatureQuery(offset=-1), InvalidQuery, "offset: expected a whole number of at least 0"),
        ("ports", FeatureQuery(bbox=(0, 10, 1, 5)), InvalidQuery, "min latitude 10.0 is above max latitude 5.0"),
        ("harbours", FeatureQuery(), UnknownLayer, "no layer 'harbours'; the layers are: economic-zones,"),
    ],
)  # fmt: skip
def test_both_stores_refuse_the_same_queries(shipped, pg_store, collection, query, error, message):
    for store in (FileStore(shipped), pg_store):
        with pytest.raises(error, match=message):
            store.items(collection, query)


def test_an_empty_layer_reads_and_answers_alike(database_url, tiny_dir):
    empty_layer(tiny_dir, "industrial-clusters")
    snapshot = SourceSnapshot.take(FileSource(tiny_dir))
    dataset, _ = inspect_dataset(snapshot)
    with postgis.connect(database_url) as conn:
        postgis.load_snapshot(conn, snapshot, dataset)
        from_tables = postgis.PgSource(conn).read_file("industrial-clusters.geojson")[0]
        attributes = postgis.PgSource(conn).read_file("industrial-clusters.csv")[0]
    assert_geodataframe_equal(from_tables, FileSource(tiny_dir).read_geometry(LAYERS[2])[0])
    assert_frame_equal(attributes, FileSource(tiny_dir).read_attributes(LAYERS[2])[0])
    store = postgis.PostgisStore.open(database_url)
    try:
        for query in (FeatureQuery(), FeatureQuery(filters=(("year_established", ("1994",)), ("sectors", ("x",))))):
            page, expected = (
                store.items("industrial-clusters", query),
                FileStore(dataset).items("industrial-clusters", query),
            )
            assert (page.features, page.number_matched) == (expected.features, expected.number_matched) == ([], 0)
        with pytest.raises(InvalidQuery, match="expected a number"):
            store.items("industrial-clusters", FeatureQuery(filters=(("year_established", ("x",)),)))
    finally:
        store.close()


def test_the_postgis_app_serves_from_the_database(request, shipped_url):
    app = create_app({"DATABASE_URL": shipped_url, "DATA_DIR": "/nonexistent", "TESTING": True})
    try:
        assert isinstance(app.extensions["hpmap.store"], postgis.PostgisStore)
        body = app.test_client().get("/api/collections/airports/items?limit=1").get_json()
        assert (body["numberMatched"], body["numberReturned"]) == (2, 1)
    finally:
        app.extensions["hpmap.store"].close()


# --- the spatial index ---------------------------------------------------------------------------

SYNTHETIC = """
INSERT INTO hpmap.features (collection, id, ord, geom, properties, properties_json)
SELECT 'synthetic', 'f' || n, n,
       ST_MakeEnvelope(100 + (n % 100) * 0.1, (n / 100) * 0.1, 100.05 + (n % 100) * 0.1, 0.05 + (n / 100) * 0.1, 4326),
       '{}', '{}'
FROM generate_series(0, 4999) AS n
"""  # 5000 squares of 0.05°, on a 0.1° grid from (100, 0) to (110, 5)


@pytest.mark.parametrize(
    ("bbox", "matched"),
    [((105.02, 2.02, 105.33, 2.33), 16), ((109.92, 4.92, 100.03, 4.97), 2)],  # the second crosses the antimeridian
)
def test_bbox_queries_use_the_gist_index(database_url, bbox, matched):
    with postgis.connect(database_url) as conn:
        postgis.init_schema(conn)
        conn.execute(SYNTHETIC)
        for other in ("a", "b", "c"):  # other collections on the same ground, as factories lie within parks
            conn.execute(
                "INSERT INTO hpmap.features SELECT %s, id, ord, geom, properties, properties_json FROM hpmap.features "
                "WHERE collection = 'synthetic'",
                (other,),
            )
        conn.execute("ANALYZE hpmap.features")
        statement, params = postgis.items_statement("synthetic", FeatureQuery(bbox=bbox), {})
        plan = "\n".join(row[0] for row in conn.execute(sql.SQL("EXPLAIN ") + statement, params))
        rows = conn.execute(statement, params).fetchall()
    # Both scans (the count's and the page's) find the collection's features in the box in one index.
    scanned = re.findall(r"Index Scan (?:using|on) (\w+)", plan)
    assert len(scanned) >= 2 and set(scanned) == {"features_collection_geom_idx"}, plan
    assert "Seq Scan" not in plan, plan
    assert [number_matched for number_matched, _ in rows] == [matched] * matched  # one row per feature


def test_a_page_without_bbox_is_read_in_layer_order_from_an_index(database_url):
    with postgis.connect(database_url) as conn:
        postgis.init_schema(conn)
        conn.execute(SYNTHETIC)
        conn.execute("ANALYZE hpmap.features")
        statement, params = postgis.items_statement("synthetic", FeatureQuery(offset=4990, limit=20), {})
        plan = "\n".join(row[0] for row in conn.execute(sql.SQL("EXPLAIN ") + statement, params))
        rows = conn.execute(statement, params).fetchall()
    assert "Index Scan using features_order_idx" in plan and "Sort" not in plan, plan  # no sort of 5,000 rows
    assert [json.loads(text)["id"] for _, text in rows] == [f"f{n}" for n in range(4990, 5000)]
    assert {number_matched for number_matched, _ in rows} == {5000}


def test_a_load_leaves_the_table_analysed_and_vacuumed(tiny_url):
    with postgis.connect(tiny_url) as conn:
        estimated, visible, pages = conn.execute(
            "SELECT reltuples, relallvisible, relpages FROM pg_class WHERE oid = 'hpmap.features'::regclass"
        ).fetchone()
    assert estimated == 10  # ANALYZEd by the load, not left to autovacuum (-1: never analysed)
    assert visible == pages > 0  # VACUUMed: a count can read the index alone
