"""``hpmap serve``: the production server, several worker processes, on the files and on PostGIS."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR
from webmap import create_app

START_TIMEOUT_S = 60
PAGE = "/api/collections/industrial-parks/items?bbox=106.0,20.5,107.0,21.2&limit=7&offset=3"
FEATURE = "/api/collections/industrial-parks/items/kcn-trang-due"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, json.loads(response.read())


@pytest.fixture(params=["files", "postgis"])
def served(request, tmp_path):
    """``hpmap serve --workers 2`` on the shipped data, from the files or from a PostGIS database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HPMAP_")}
    if request.param == "postgis":
        env["HPMAP_DATABASE_URL"] = request.getfixturevalue("postgres_cluster").loaded(DATA_DIR)
    port = _free_port()
    script = Path(sys.executable).with_name("hpmap")
    command = [str(script), "serve", "--port", str(port), "--offline", "--workers", "2", "--threads", "2"]
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            _get(base + "/api/conformance")
            break
        except OSError:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.2)
    yield process, base
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    log.close()


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_workers_answer_concurrent_requests_alike(served):
    process, base = served
    client = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True}).test_client()  # the reference: files, in process
    expected_page = client.get(PAGE).get_json()["features"]
    expected_feature = client.get(FEATURE).get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(_get, [base + (PAGE if i % 2 else FEATURE) for i in range(60)]))

    assert len(_children(process.pid)) == 2  # two worker processes under the master
    for index, (status, body) in enumerate(answers):
        assert status == 200
        if index % 2:
            assert body["features"] == expected_page and body["numberMatched"] > 7
        else:
            assert body["properties"] == expected_feature["properties"]
            assert body["geometry"] == expected_feature["geometry"]


def test_sigterm_stops_master_and_workers(served):
    process, _ = served
    workers = _children(process.pid)

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
