"""gzip for clients that accept it: the same bytes once decompressed, static files compressed ahead."""

from __future__ import annotations

import gzip
import json
import re
import urllib.request

import pytest

from tests.conftest import DATA_DIR, REPO
from webmap import create_app

ITEMS = "/api/collections/industrial-parks/items?limit=50"
FIRST_LOAD_LIMIT = 200_000  # bytes on the wire for the map's first load


@pytest.fixture(scope="module")
def client():
    return create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True}).test_client()


def without_time(body: bytes) -> dict:
    document = json.loads(body)
    document.pop("timeStamp", None)
    return document


def test_answers_are_gzipped_for_clients_that_accept_it(client):
    plain = client.get(ITEMS)
    packed = client.get(ITEMS, headers={"Accept-Encoding": "br;q=1.0, gzip;q=0.8"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    assert without_time(gzip.decompress(packed.data)) == without_time(plain.data)
    assert len(packed.data) * 4 < len(plain.data)
    refused = client.get(ITEMS, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_static_files_are_sent_precompressed(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    script = next(url for url in re.findall(r'src="(/static/[^"]+\.js[^"]*)"', page))
    packed = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    path = REPO / "webmap" / script.split("?")[0].lstrip("/")
    assert gzip.decompress(packed.data) == path.read_bytes()
    assert packed.headers["Cache-Control"] == "public, max-age=86400"


def test_the_maps_first_load_moves_under_200_kb(live_server):
    """What the map page names (scripts, styles, its setup script, the layers it preloads), as sent to a browser."""

    def fetch(path: str) -> tuple[bytes, int]:
        request = urllib.request.Request(live_server.url + path, headers={"Accept-Encoding": "gzip, deflate, br"})
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            encoded = response.headers.get("Content-Encoding") == "gzip"
            return (gzip.decompress(raw) if encoded else raw), len(raw)

    page, total = fetch("/?lang=en")
    named = set(re.findall(r'(?:src|href)="(/(?:static|map|api)/[^"]+)"', page.decode()))
    assert any("/api/collections/" in url for url in named) and any(".js" in url for url in named)
    for url in sorted(named):
        total += fetch(url.replace("&amp;", "&"))[1]
    assert total < FIRST_LOAD_LIMIT, total
