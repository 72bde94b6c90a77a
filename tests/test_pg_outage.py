"""PostGIS going away mid-run: the API answers 503 JSON at once, and serves again by itself when it is back.

The app runs under waitress over real HTTP (tests/conftest.py), on a cluster of this module's own
(tests/postgis.py), which the tests stop and start again: stopping the session's cluster would fail
every other database test.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from geo import postgis
from geo.model.errors import StoreUnavailable
from geo.stores.query import FeatureQuery
from tests.conftest import DATA_DIR, LiveServer
from tests.postgis import throwaway_cluster
from tests.test_serve import start_serve, stop
from webmap import create_app
from webmap.errors import UNAVAILABLE

ITEMS = "/api/collections/industrial-parks/items?bbox=106.3,20.6,106.9,21.0&limit=5"
ITEM = "/api/collections/ports/items/port-lach-huyen"
FAST_S = 1.5  # a 503 while the database is known to be down comes at once; this is the slack of a busy machine
BACK_WITHIN_S = 20  # the pool retries 1, 2 and 4 s apart, then at the next request


pytestmark = pytest.mark.postgis  # a cluster of its own, not the session's: the fixture names do not say it


@pytest.fixture(scope="module")
def cluster():
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def url(cluster) -> str:
    return cluster.loaded(DATA_DIR)


@pytest.fixture(scope="module")
def server(url):
    # Without the API's answer caches: these tests are about what the store does in an outage. With them, an
    # answer kept for the current data version is still served (test_kept_answers_are_served_through_an_outage).
    server = LiveServer({"DATABASE_URL": url, "OFFLINE": True, "API_CACHE_BYTES": 0})
    yield server
    server.stop()


def get(server: LiveServer, path: str, sent: threading.Semaphore | None = None) -> tuple[int, dict, bytes, float]:
    """Return status, headers, body and seconds taken of one GET over a new HTTP connection.

    ``sent``, if given, is released once the request is on its way (before its answer is read).
    """
    start = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path)
        if sent is not None:
            sent.release()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, dict(response.getheaders()), body, time.monotonic() - start


def content(body: bytes) -> dict:
    """Return a response's JSON without its timeStamp (the time of the response, not of the data)."""
    document = json.loads(body)
    document.pop("timeStamp", None)
    return document


def answers(server: LiveServer) -> dict[str, dict]:
    """Return the API's answers to ITEMS and ITEM, asserting that both are 200s."""
    result = {}
    for path in (ITEMS, ITEM):
        status, _, body, _ = get(server, path)
        assert status == 200, (path, status, body[:300])
        result[path] = content(body)
    return result


def wait_until_served(server: LiveServer, path: str) -> float:
    """Return the seconds until ``path`` is answered 200 again; fail after BACK_WITHIN_S."""
    start = time.monotonic()
    while (waited := time.monotonic() - start) < BACK_WITHIN_S:
        status, _, body, _ = get(server, path)
        if status == 200:
            return waited
        assert status == 503, (status, body[:300])
        time.sleep(0.2)
    pytest.fail(f"{path} still unavailable {BACK_WITHIN_S} s after the database came back")


class Load:
    """Threads asking for ITEMS and ITEM without pause, recording every status and time taken."""

    def __init__(self, server: LiveServer, threads: int = 4):
        self.server, self.results, self._stop = server, [], threading.Event()
        self._answered = threading.Condition()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, index: int) -> None:
        paths = (ITEMS, ITEM)
        while not self._stop.is_set():
            status, headers, body, seconds = get(self.server, paths[index % 2])
            with self._answered:
                self.results.append((status, headers, body, seconds))
                self._answered.notify_all()
            index += 1

    def wait_for(self, status: int, after: int = 0, timeout_s: float = BACK_WITHIN_S) -> int:
        """Wait until a request answered after the first ``after`` results got ``status``; return the count so far."""
        with self._answered:
            answered = self._answered.wait_for(
                lambda: any(s == status for s, *_ in self.results[after:]), timeout=timeout_s
            )
            assert answered, f"no {status} among {len(self.results) - after} answers within {timeout_s} s"
            return len(self.results)

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_connections_the_server_closed_are_replaced_without_an_error(server, url):
    expected = answers(server)
    with postgis.connect(url) as conn:  # what an idle-session timeout or a DBA's pg_terminate_backend does
        ended = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert ended >= 1
    assert answers(server) == expected


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_stopped_database_gives_503_json_then_the_same_answers_when_it_is_back(server, cluster, url, mode):
    expected = answers(server)
    with Load(server) as load:
        load.wait_for(200)  # the load runs while the database answers
        cluster.stop(mode)
        load.wait_for(503)  # and has run into the outage: the store now knows the database is away
        during = list(load.results)
        for path in (ITEMS, ITEM):
            status, headers, body, seconds = get(server, path)
            assert status == 503, (path, status, body[:300])
            assert headers["Content-Type"] == "application/json"
            assert json.loads(body) == {"code": 503, "description": UNAVAILABLE}
            assert int(headers["Retry-After"]) > 0
            assert seconds < FAST_S, f"{path}: 503 after {seconds:.1f} s"
        assert get(server, "/?lang=en")[0] == 200  # what needs no database is still served
        with pytest.raises(
            postgis.DatabaseUnavailable, match=r"cannot connect to the database postgresql://postgres:\*\*\*@"
        ):
            create_app({"DATABASE_URL": url, "OFFLINE": True})  # a start-up now fails, saying why
        cluster.start_server()
        wait_until_served(server, ITEMS)
        load.wait_for(200, after=len(load.results))  # the load is served again too
    statuses = {status for status, *_ in load.results}
    assert statuses <= {200, 503}, statuses  # never a 500
    assert {status for status, *_ in during} == {200, 503}  # the load did run into the outage
    slowest = max(seconds for *_, seconds in load.results)
    assert slowest < postgis.POOL_TIMEOUT_S + 2, f"a request took {slowest:.1f} s"
    assert answers(server) == expected


def test_a_store_opened_while_the_database_is_away_serves_once_it_is_back(server, cluster, url):
    # What a server's worker process does when it starts during an outage (webmap.server.serving forks them).
    cluster.stop("fast")
    try:
        started = time.monotonic()
        with pytest.raises(postgis.DatabaseUnavailable, match=r"connect to the database postgresql://postgres:\*\*\*@"):
            postgis.PostgisStore.open(url)  # waiting for it: a start-up fails, saying why, at once
        assert time.monotonic() - started < FAST_S
        store = postgis.PostgisStore.open(url, wait=False)
        with pytest.raises(StoreUnavailable, match=r"the database postgresql://postgres:\*\*\*@.* does not answer"):
            store.item_text("ports", "port-lach-huyen")
    finally:
        cluster.start_server()
    try:
        start = time.monotonic()
        while (text := _answer_or_none(store)) is None:
            assert time.monotonic() - start < BACK_WITHIN_S, "the store did not reconnect"
            time.sleep(0.2)
        assert json.loads(text)["id"] == "port-lach-huyen"
        assert store.items("ports", FeatureQuery(limit=2)).number_returned == 2
    finally:
        store.close()
    wait_until_served(server, ITEMS)


def _answer_or_none(store: postgis.PostgisStore) -> str | None:
    try:
        return store.item_text("ports", "port-lach-huyen")
    except StoreUnavailable:
        return None


def _server_processes(cluster) -> list[int]:
    postmaster = int((cluster.data_dir / "postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    return [postmaster, *map(int, children)]


def test_a_hung_database_gives_503_in_seconds_and_holds_up_nothing_else(cluster, url, tmp_path):
    # Stopped with SIGSTOP, the server still accepts connections (the kernel completes them) but never answers.
    env = {k: v for k, v in os.environ.items() if not k.startswith("HPMAP_")} | {"HPMAP_DATABASE_URL": url}
    env["HPMAP_API_CACHE_BYTES"] = "0"  # the store's own answer to a hung database, not a kept one
    process, base = start_serve(tmp_path / "serve.log", env, "--workers", "2")
    port = int(base.rsplit(":", 1)[1])
    server = SimpleNamespace(port=port)
    hung = []
    try:
        assert get(server, ITEM)[0] == 200
        hung = _server_processes(cluster)  # the backends serving the workers' connections included
        for pid in hung:
            os.kill(pid, signal.SIGSTOP)
        sent = threading.Semaphore(0)
        with ThreadPoolExecutor(max_workers=8) as pool:
            api = [pool.submit(get, server, path, sent) for path in (ITEMS, ITEM) * 4]
            for _ in api:  # every one of them is with the server, waiting on the hung database
                assert sent.acquire(timeout=10), "a request to the API could not be sent"
            for path in ("/?lang=en", "/api/sites?limit=3", "/api/conformance"):
                status, _, _, seconds = get(server, path)
                assert status == 200 and seconds < 3, (path, status, seconds)
            for future in api:
                status, headers, body, seconds = future.result(timeout=60)
                assert status == 503, (status, body[:300])
                assert seconds < postgis.QUERY_DEADLINE_S + postgis.POOL_TIMEOUT_S + 2, seconds
    finally:
        for pid in hung:
            os.kill(pid, signal.SIGCONT)
        stop(process)


def test_kept_answers_are_served_through_an_outage_and_the_rest_is_503(cluster, url):
    server = LiveServer({"DATABASE_URL": url, "OFFLINE": True})  # the answer caches on, as by default
    try:
        status, _, kept, _ = get(server, ITEM)
        assert status == 200
        cluster.stop("fast")
        try:
            status, _, body, _ = get(server, ITEM)
            assert (status, body) == (200, kept)  # kept for this data version: the database is not asked
            status, headers, body, _ = get(server, ITEMS + "&offset=7")  # never asked before: the store must answer
            assert status == 503 and json.loads(body)["code"] == 503, (status, body[:300])
        finally:
            cluster.start_server()
        wait_until_served(server, ITEMS + "&offset=7")
    finally:
        server.stop()
