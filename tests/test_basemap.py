"""The map's own background (``/background.geojson``) and the basemap of ``hpmap serve --basemap FILE``:
the archive checked at start, served by byte ranges from one route, the CLI's messages for a wrong file."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from tests.cli_runner import hpmap
from tests.conftest import DATA_DIR
from tests.pmtiles_files import write_basemap
from webmap import create_app
from webmap.basemap import MIMETYPE, URL, BasemapError, open_basemap


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return write_basemap(tmp_path_factory.mktemp("basemap") / "hai-phong.pmtiles")


@pytest.fixture(scope="module")
def app(archive):
    return create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "BASEMAP": str(archive)})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def get(client, path, **headers):
    """GET ``path``; the response read whole and closed (send_file's open file with it)."""
    response = client.get(path, headers=headers)
    response.get_data()
    response.close()
    return response


def page_config(client, path="/?lang=en") -> dict:
    html = client.get(path).get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="hpmap-config">(.*?)</script>', html, re.S)[1])


# ---------------------------------------------------------------- the archive checked at start


def test_a_pmtiles_archive_of_vector_tiles_is_read_with_its_zooms_and_extent(archive):
    basemap = open_basemap(archive)
    assert (basemap.min_zoom, basemap.max_zoom) == (0, 8)
    assert basemap.bounds == (105.5, 20.0, 107.5, 21.5)
    assert basemap.page_config() == {"url": URL, "minZoom": 0, "maxZoom": 8, "bounds": [[20.0, 105.5], [21.5, 107.5]]}


def test_a_missing_file_or_one_that_is_not_pmtiles_is_refused_by_name(tmp_path):
    with pytest.raises(BasemapError, match=r"nowhere\.pmtiles: no such file"):
        open_basemap(tmp_path / "nowhere.pmtiles")
    geojson = tmp_path / "roads.pmtiles"
    geojson.write_text('{"type": "FeatureCollection", "features": []}' * 5)
    with pytest.raises(BasemapError, match=r"roads\.pmtiles: not a PMTiles archive"):
        open_basemap(geojson)
    with pytest.raises(BasemapError, match="not a PMTiles archive"):
        open_basemap(DATA_DIR / "sources.csv")


def test_an_archive_of_raster_tiles_is_refused(tmp_path, archive):
    raster = tmp_path / "satellite.pmtiles"
    head = bytearray(archive.read_bytes())
    head[99] = 2  # the header's tile type: PNG
    raster.write_bytes(bytes(head))
    with pytest.raises(BasemapError, match=r"satellite\.pmtiles: its tiles are PNG; --basemap needs vector tiles"):
        open_basemap(raster)


def test_the_app_does_not_start_with_a_wrong_basemap(tmp_path):
    with pytest.raises(BasemapError, match="no such file"):
        create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "BASEMAP": str(tmp_path / "gone.pmtiles")})


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"<html>not tiles</html>", "not a PMTiles archive"),
])  # fmt: skip
def test_serve_says_what_is_wrong_with_the_basemap_and_exits(tmp_path, content, message):
    path = tmp_path / "extract.pmtiles"
    if content is not None:
        path.write_bytes(content)
    result = hpmap("serve", "--offline", "--basemap", path)
    assert result.exit_code == 2
    assert "Invalid value for '--basemap'" in result.output
    assert f"{path}: {message}" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- served by byte ranges


def test_the_whole_archive_is_served_with_its_type_and_cache_headers(client, archive):
    response = get(client, URL, **{"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.mimetype == MIMETYPE
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert "Content-Encoding" not in response.headers  # the archive's tiles are compressed already
    assert response.get_data() == archive.read_bytes()


def test_a_range_is_answered_with_that_part_only(client, archive):
    whole = archive.read_bytes()
    response = get(client, URL, Range="bytes=0-126", **{"Accept-Encoding": "gzip"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 0-126/{len(whole)}"
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == whole[:127] and response.get_data().startswith(b"PMTiles\x03")
    middle = get(client, URL, Range="bytes=127-300")
    assert middle.status_code == 206 and middle.get_data() == whole[127:301]
    tail = get(client, URL, Range="bytes=-10")
    assert tail.status_code == 206 and tail.get_data() == whole[-10:]


def test_a_range_past_the_end_is_refused(client, archive):
    size = archive.stat().st_size
    response = get(client, URL, Range=f"bytes={size + 10}-{size + 20}")
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"


def test_a_revalidation_of_the_same_file_is_not_modified(client):
    etag = get(client, URL).headers["ETag"]
    assert get(client, URL, **{"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", [
    "/basemap.pmtiles/../webmap/__init__.py", "/basemap.pmtiles/x", "/basemap.pmtiles%2F..%2F..%2Fetc%2Fpasswd",
    "/other.pmtiles", "/static/../basemap.pmtiles/../../etc/passwd",
])  # fmt: skip
def test_no_other_path_reaches_a_file(client, path):
    assert get(client, path).status_code == 404


def test_a_query_string_does_not_choose_the_file(client, archive):
    response = get(client, "/basemap.pmtiles?path=/etc/passwd&filename=../../etc/passwd")
    assert response.status_code == 200 and response.get_data() == archive.read_bytes()


def test_without_a_basemap_the_route_is_not_found_and_the_page_has_none():
    plain = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True}).test_client()
    assert get(plain, URL).status_code == 404
    assert page_config(plain)["basemap"] is None


def test_the_page_draws_the_basemap_instead_of_the_online_tiles(archive):
    online = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": False, "BASEMAP": str(archive)}).test_client()
    drawn = page_config(online)["basemap"]
    assert drawn == open_basemap(archive).page_config() | {"script": drawn["script"]}
    assert drawn["script"].startswith("/static/dist/basemap.js?v=")
    script = online.get("/map/setup-en.js").get_data()
    assert b"L.tileLayer" not in script and b"tile.openstreetmap.org" not in script
    tiles = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": False}).test_client().get("/map/setup-en.js")
    assert b"tile.openstreetmap.org" in tiles.get_data()  # without a basemap, the online tiles as before


# ---------------------------------------------------------------- the background


def test_the_background_holds_the_sea_rivers_city_neighbours_and_places(client):
    config = page_config(client, "/?lang=vi")
    response = client.get(config["background"]["url"])
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    features = response.get_json()["features"]
    kinds = {kind: [f for f in features if f["properties"]["kind"] == kind] for kind in
             ("sea", "river", "province", "neighbour", "place")}  # fmt: skip
    assert [len(kinds[k]) for k in ("sea", "river", "province")] == [1, 1, 1]
    assert len(kinds["neighbour"]) == 7 and len(kinds["place"]) == 114
    city = kinds["province"][0]["properties"]
    assert city["name_vi"] == "Thành phố Hải Phòng" and -90 < city["label_lat"] < 90
    assert {"Xã An Lão", "Phường Phù Liễn"} <= {f["properties"]["name_vi"] for f in kinds["place"]}
    assert all(f["geometry"]["type"] == "Point" for f in kinds["place"])


def test_the_background_is_compressed_versioned_and_not_in_the_page(client):
    config = page_config(client)
    url = config["background"]["url"]
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.get_data()))["type"] == "FeatureCollection"
    assert len(packed.get_data()) < 25_000
    unversioned = client.get("/background.geojson?v=older")  # a page made before a data change
    assert unversioned.status_code == 200 and unversioned.headers["Cache-Control"] == "public, max-age=300"
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Phù Liễn" not in html and "MultiPolygon" not in html
