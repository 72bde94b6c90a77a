"""GDAL's OGC API – Features driver (the one QGIS uses) reads the API of the live server.

``ogrinfo`` comes from Debian's gdal-bin, which ``make test`` installs where it is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from geo.model.catalog import LAYERS
from geo.stores.query import within_bbox

TIMEOUT_S = 60  # for a whole ogrinfo run; each HTTP request has GDAL_HTTP_TIMEOUT
GDAL_ENV = {
    "GDAL_HTTP_TIMEOUT": "15",  # seconds per request
    "GDAL_HTTP_MAX_RETRY": "0",
    "NO_PROXY": "127.0.0.1,localhost",  # never send loopback requests through a proxy
    "no_proxy": "127.0.0.1,localhost",
    "CPL_CURL_VERBOSE": "NO",
}


@pytest.fixture(scope="module")
def ogrinfo() -> str:
    path = shutil.which("ogrinfo")
    if path is None:
        reason = "ogrinfo not found: install Debian's gdal-bin (make test does) to check the API with GDAL"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def run_ogrinfo(ogrinfo: str, *args: str) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [ogrinfo, "-ro", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env={**os.environ, **GDAL_ENV},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert not re.search(r"^ERROR \d+:", completed.stderr, flags=re.MULTILINE), completed.stderr
    return completed


def source(live_server) -> str:
    return f"OAPIF:{live_server.url}/api"


def counts(output: str) -> list[int]:
    return [int(n) for n in re.findall(r"^Feature Count: (\d+)$", output, flags=re.MULTILINE)]


def test_gdal_lists_every_layer(ogrinfo, live_server):
    output = run_ogrinfo(ogrinfo, source(live_server)).stdout
    listed = re.findall(r"^\d+: ([\w-]+)", output, flags=re.MULTILINE)
    assert listed == [spec.name for spec in LAYERS]


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.name)
def test_gdal_counts_every_feature_of_a_layer(ogrinfo, live_server, shipped, spec):
    output = run_ogrinfo(ogrinfo, "-so", source(live_server), spec.name).stdout
    assert counts(output) == [len(shipped.layer(spec.name).gdf)]
    assert f"TITLE={spec.title_en}" in output


def test_gdal_summarises_all_layers(ogrinfo, live_server, shipped):
    output = run_ogrinfo(ogrinfo, "-al", "-so", source(live_server)).stdout
    assert counts(output) == [len(shipped.layer(spec.name).gdf) for spec in LAYERS]


def test_gdal_pages_through_every_feature(ogrinfo, live_server, shipped):
    # GDAL asks for pages of 10 (limit=10) and follows the next links.
    output = run_ogrinfo(ogrinfo, "-al", "-q", source(live_server), "industrial-parks").stdout
    ids = re.findall(r"^  id \(String\) = (.+)$", output, flags=re.MULTILINE)
    assert ids == list(shipped.layer("industrial-parks").gdf.index)


def test_gdal_sends_property_filters_to_the_server(ogrinfo, live_server, shipped):
    # GDAL finds the filters in the OpenAPI document's paths["/collections/<id>/items"].
    parks = shipped.layer("industrial-parks").gdf
    completed = run_ogrinfo(
        ogrinfo, "--debug", "on", "-q", "-where", "status = 'planned'", source(live_server), "industrial-parks"
    )
    ids = re.findall(r"^  id \(String\) = (.+)$", completed.stdout, flags=re.MULTILINE)
    assert ids == list(parks.index[parks["status"] == "planned"])
    assert re.search(r"Fetch\(\S+/api/collections/industrial-parks/items\?\S*status=planned", completed.stderr)


def test_gdal_sends_bbox_to_the_server(ogrinfo, live_server, shipped):
    bbox = (106.6, 20.8, 106.7, 20.9)
    parks = shipped.layer("industrial-parks").gdf
    completed = run_ogrinfo(
        ogrinfo, "--debug", "on", "-q", "-spat", *map(str, bbox), source(live_server), "industrial-parks"
    )
    ids = re.findall(r"^  id \(String\) = (.+)$", completed.stdout, flags=re.MULTILINE)
    assert ids == list(within_bbox(parks, bbox).index) != []
    sent = re.findall(r"Fetch\(\S+/industrial-parks/items\?\S*bbox=([-\d.,e]+)", completed.stderr)
    assert sent and [float(v) for v in sent[0].split(",")] == pytest.approx(bbox)
