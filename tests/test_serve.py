"""``hpmap serve``: the production server, several worker processes, on the files and on PostGIS."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cli_runner import hpmap
from tests.conftest import DATA_DIR
from webmap import create_app

pytestmark = pytest.mark.slow  # each test starts gunicorn and its workers

START_TIMEOUT_S = 60
PAGE = "/api/collections/industrial-parks/items?bbox=106.0,20.5,107.0,21.2&limit=7&offset=3"
FEATURE = "/api/collections/industrial-parks/items/kcn-trang-due"
FEATURE_PAGE = "/api/collections/industrial-parks/items?id=kcn-trang-due&properties=developer"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, json.loads(response.read())


def start_serve(log_path: Path, env: dict, *extra: str) -> tuple[subprocess.Popen, str]:
    """Start ``hpmap serve`` on a free port with ``env``; return the process and its base URL once it answers."""
    port = _free_port()
    script = Path(sys.executable).with_name("hpmap")
    command = [str(script), "serve", "--port", str(port), "--offline", *extra]
    log = log_path.open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            _get(base + "/api/conformance")
            return process, base
        except OSError:
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("HPMAP_")}


@pytest.fixture(params=["files", "postgis"])
def served(request, tmp_path):
    """``hpmap serve --workers 2`` on the shipped data, from the files or from a PostGIS database."""
    env = clean_env()
    if request.param == "postgis":
        env["HPMAP_DATABASE_URL"] = request.getfixturevalue("postgres_cluster").loaded(DATA_DIR)
    process, base = start_serve(tmp_path / "serve.log", env, "--workers", "2", "--threads", "2")
    yield process, base
    stop(process)


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


SLOW_CLIENTS = 64


def _slow_client(port: int, index: int) -> socket.socket:
    """A connection that has sent part of a request and then goes quiet: headers, or a body, unfinished."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    if index % 2:
        sock.sendall(b"GET /api HTTP/1.1\r\nHost: x\r\n")
    else:
        sock.sendall(b"POST /api/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 60000\r\n\r\n{\"type\": ")
    return sock


def test_slow_clients_do_not_keep_others_waiting(tmp_path):
    # Each slow client trickles a request (one header line or a few body bytes now and then) and never
    # finishes it; the server must go on answering everyone else within the 3 s a person will wait.
    process, base = start_serve(tmp_path / "serve.log", clean_env(), "--workers", "2", "--threads", "2")
    port = int(base.rsplit(":", 1)[1])
    slow = []
    try:
        slow = [_slow_client(port, index) for index in range(SLOW_CLIENTS)]
        time.sleep(0.5)
        for sock in slow:  # still alive: one more line each
            sock.sendall(b"X-Slow: 1\r\n" if slow.index(sock) % 2 else b"1")
        for _ in range(3):
            started = time.monotonic()
            with urllib.request.urlopen(base + "/api/conformance", timeout=3) as response:
                assert response.status == 200
            assert time.monotonic() - started < 3
    finally:
        for sock in slow:
            sock.close()
        stop(process)


RELOADED_WITHIN_S = 5


@pytest.mark.parametrize("store", ["files", "postgis"])
def test_a_running_server_serves_a_new_data_version_within_seconds_without_a_failed_request(request, tmp_path, store):
    data_dir = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    env, target = clean_env(), ["--data-dir", str(data_dir)]
    if store == "postgis":
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database()
        assert hpmap("db", "load", data_dir, "--database-url", url).exit_code == 0
        env["HPMAP_DATABASE_URL"], target = url, ["--database-url", url]
    process, base = start_serve(tmp_path / "serve.log", env, "--workers", "2", "--data-dir", str(data_dir))
    statuses, stop_load = [], threading.Event()

    def load() -> None:
        while not stop_load.is_set():
            for path in (FEATURE, FEATURE_PAGE, "/api/sites?limit=3", "/api/quality"):  # items and item kept
                try:
                    with urllib.request.urlopen(base + path, timeout=10) as response:
                        statuses.append(response.status)
                except urllib.error.HTTPError as error:
                    statuses.append(error.code)
                except OSError as error:
                    statuses.append(repr(error))

    threads = [threading.Thread(target=load, daemon=True) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        incoming = tmp_path / "parks.csv"
        incoming.write_text("id,developer\nkcn-trang-due,Reloaded Developer Co.\n", encoding="utf-8")
        command = ["import", "attributes", str(incoming), "--layer", "industrial-parks", "--by", "test", *target]
        assert hpmap(*command).exit_code == 0
        imported = time.monotonic()
        seen = 0  # answers with the new value in a row: every worker must have it
        while seen < 6:
            assert time.monotonic() - imported < RELOADED_WITHIN_S, "the new data were not served in time"
            # The API's item (from PostGIS, read from the database) and the page's data (from the loaded data set)
            _, item = _get(base + FEATURE)
            _, items = _get(base + FEATURE_PAGE)
            _, page_data = _get(base + "/features/kcn-trang-due.json")
            new = {item["properties"].get("developer"), page_data["properties"].get("developer")}
            new |= {feature["properties"]["developer"] for feature in items["features"]}
            seen = seen + 1 if new == {"Reloaded Developer Co."} else 0
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        stop_load.set()
        for thread in threads:
            thread.join(timeout=30)
        stop(process)
    assert statuses and set(statuses) == {200}, [s for s in statuses if s != 200][:5]


def _raw_answer(port: int, request: bytes) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:  # closed with part of our request unread: the answer came first
            pass
    return data.decode("latin-1")


def test_the_servers_own_error_answers_carry_the_security_headers(tmp_path):
    process, base = start_serve(tmp_path / "serve.log", clean_env(), "--workers", "1")
    port = int(base.rsplit(":", 1)[1])
    requests = {
        414: b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        400: b"GET / HTTP/1.1\r\nNot a header\r\n\r\n",
        431: b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n",
    }
    try:
        for status, request in requests.items():
            answer = _raw_answer(port, request)
            head = answer.split("\r\n\r\n", 1)[0].lower()
            assert head.startswith(f"http/1.1 {status} "), head
            assert "x-content-type-options: nosniff" in head and "x-frame-options: deny" in head
            assert "content-security-policy: default-src 'none'" in head and "frame-ancestors 'none'" in head
    finally:
        stop(process)
