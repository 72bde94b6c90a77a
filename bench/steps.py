"""One data set through every server: the app on the files and on PostGIS, pygeoapi on GeoJSON and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from bench import browser, pg, pygeoapi_env, servers, soak, wrk
from bench.datasets import PARKS, DataSet
from bench.machine import OthersMeter
from bench.report import ITEM, ITEMS, UNCACHED

ZOOMED_VIEW = "/?lang=en&lat=20.80&lon=106.55&z=13"  # inside the synthetic parks, at the viewport-loading zoom
PARK_PATH = 'path[data-layer="industrial-parks"]'
MIN_REQUESTS = 20  # fewer completed requests than this make no throughput figure: the run is repeated, longer
NOISY = 0.10  # other processes' share of the CPU above which a measurement is repeated
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """What the run does and for how long (seconds unless named otherwise)."""

    sizes: tuple[int, ...] = (1_000, 20_000)
    connections: int = 16
    warmup_s: float = 2
    duration_s: float = 10
    timeout_s: float = 10  # a response slower than this counts as a timeout (and leaves the latency histogram)
    slow_duration_s: float = 60  # a run with fewer than MIN_REQUESTS is measured again this long (and timeout)
    soak_s: float = 60
    soak_warmup_s: float = 5
    soak_timeout_s: float = 2  # wrk's default: what a client would call a timeout
    soak_store: str = "files"
    page_repeats: int = 5
    workers: int = 2  # the app's worker processes: one per core, as `hpmap serve` defaults to
    threads: int = 2  # threads per worker process, as `hpmap serve` defaults to
    pygeoapi_workers: int = 4  # gunicorn sync workers, as the reference figures
    start_timeout_s: float = 300
    pygeoapi: bool = True
    noisy_wait_s: float = 180  # a measurement disturbed by other processes is repeated after waiting this for quiet

    def describe(self) -> str:
        """Return the settings as one sentence for the report."""
        parts = (
            f"{self.connections} connections (wrk, 2 threads)",
            f"{self.warmup_s:g} s warm-up + {self.duration_s:g} s per run, timeout {self.timeout_s:g} s",
            f"a run with fewer than {MIN_REQUESTS} requests done is measured again for {self.slow_duration_s:g} s",
            f"soak {self.soak_s:g} s after {self.soak_warmup_s:g} s warm-up (timeout {self.soak_timeout_s:g} s)",
            f"page: median of {self.page_repeats} cold loads",
            f"the app: `hpmap serve`, gunicorn with {self.workers} gevent worker processes; the ceiling the same",
            f"pygeoapi: gunicorn with {self.pygeoapi_workers} sync workers",
            f"a measurement during which other processes took over {NOISY:.0%} of the CPU is repeated once after "
            f"waiting up to {self.noisy_wait_s:g} s for quiet",
        )
        return "; ".join(parts) + "."


class Run:
    """A run in progress: its settings, working directories, the results so far, and step bookkeeping."""

    def __init__(self, settings: Settings, workdir: Path, log_dir: Path, results: dict):
        self.settings, self.workdir, self.log_dir, self.results = settings, workdir, log_dir, results
        self.largest = ""  # label of the largest data set: the one the page, soak and API targets use
        self.roots = {os.getpid()}  # our processes (and, once started, the PostgreSQL cluster's postmaster)

    def others(self) -> OthersMeter:
        """Return a started meter of the CPU other processes use (see ``bench.machine``)."""
        meter = OthersMeter(self.roots)
        meter.start()
        return meter

    def wait_for_quiet(self, limit_s: float, window_s: float = 5) -> float:
        """Wait (at most ``limit_s``) until other processes use under ``NOISY`` of the CPU; return their share (%)."""
        deadline = time.monotonic() + limit_s
        while True:
            meter = self.others()
            time.sleep(window_s)
            share = meter.share()
            if share < NOISY or time.monotonic() >= deadline:
                progress(f"other processes use {100 * share:.0f} % of the CPU; going on")
                return round(100 * share, 1)
            progress(f"waiting for a quiet machine: other processes use {100 * share:.0f} % of the CPU")

    def quietly(self, measure: Callable[[], T]) -> tuple[T, dict]:
        """Return ``measure()`` and the others' CPU share meanwhile; repeat it once, after a quiet spell, if noisy."""
        meter = self.others()
        value, share = measure(), meter.share()
        if share <= NOISY or self.settings.noisy_wait_s <= 0:
            return value, {"others_cpu_pct": round(100 * share, 1)}
        progress(f"  other processes took {100 * share:.0f} % of the CPU meanwhile: measuring again when quiet")
        self.wait_for_quiet(self.settings.noisy_wait_s)
        meter = self.others()
        value = measure()
        return value, {"others_cpu_pct": round(100 * meter.share(), 1), "noisy_first_pct": round(100 * share, 1)}

    def step(self, name: str, action: Callable, *args, **kwargs):
        """Run one step; on failure record the error (the run goes on) and return None."""
        started = time.monotonic()
        progress(f"{name} …")
        try:
            return action(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 -- a failed step is reported, the others still run
            traceback.print_exc(file=sys.stderr)
            self.results["errors"].append({"step": name, "error": f"{type(exc).__name__}: {exc}"[:2000]})
            return None
        finally:
            self.results["steps"].append({"step": name, "seconds": round(time.monotonic() - started, 1)})


def progress(message: str) -> None:
    """Print a time-stamped progress line to stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] bench: {message}", file=sys.stderr, flush=True)


@contextmanager
def serving(start: Callable[[], servers.Server]) -> Iterator[servers.Server]:
    """Start a server with ``start()`` and stop it on the way out."""
    server = start()
    try:
        yield server
    finally:
        server.stop()


def bench_dataset(run: Run, data: DataSet, cluster, venv: Path | None) -> None:
    """Measure every server on ``data``, one after the other."""
    url = None
    if cluster is not None:
        timeout_s = run.settings.start_timeout_s
        url = run.step(
            f"load {data.label} parks into PostGIS", pg.load, cluster, data.directory, servers.HPMAP, timeout_s
        )
    run.step(f"app, files, {data.label}", _app, run, data, "files", None)
    if url:
        run.step(f"app, PostGIS, {data.label}", _app, run, data, "postgis", url)
    if venv is not None:
        geojson = run.step(f"GeoJSON for pygeoapi, {data.label}", _geojson_file, run, data, url)
        if geojson:
            provider = pygeoapi_env.geojson_provider(geojson)
            run.step(f"pygeoapi, GeoJSON, {data.label}", _pygeoapi, run, data, venv, "geojson", provider)
        if url:
            run.step(f"pygeoapi, PostgreSQL, {data.label}", _pygeoapi_postgresql, run, data, venv, url)


def _app(run: Run, data: DataSet, store: str, url: str | None) -> None:
    """The app on ``store`` ("files", or "postgis" at ``url``): the page and the soak where due, the load runs."""
    start = partial(
        servers.start_hpmap,
        f"app-{store}-{data.parks}",
        data.directory,
        database_url=url,
        workers=run.settings.workers,
        threads=run.settings.threads,
        log_dir=run.log_dir,
        timeout_s=run.settings.start_timeout_s,
    )
    with serving(start) as server:
        if store == "files" and data.label in ("shipped", run.largest):
            run.step(f"map page, {data.label}", _page, run, data, server)
        _load_runs(run, data, server, "app", store)
        if data.label == run.largest and run.settings.soak_store == store:
            run.step(f"soak, {store}, {data.label}", _soak, run, data, server)
        bodies = run.step(f"the app's answers, {store}, {data.label}", _answers, run, data, server, store)
    if bodies:
        run.step(f"ceiling, {store}, {data.label}", _ceiling, run, data, store, bodies)
    if data.label == run.largest:
        run.step(f"app, caches off, {store}, {data.label}", _app_uncached, run, data, store, url)


def _app_uncached(run: Run, data: DataSet, store: str, url: str | None) -> None:
    """The app with its API answer caches off (``HPMAP_API_CACHE_BYTES=0``): every request computed, as if every
    view were new (the load runs cycle through 20 boxes and 200 ids, which the caches otherwise answer)."""
    start = partial(
        servers.start_hpmap,
        f"app-uncached-{store}-{data.parks}",
        data.directory,
        database_url=url,
        workers=run.settings.workers,
        threads=run.settings.threads,
        log_dir=run.log_dir,
        timeout_s=run.settings.start_timeout_s,
        settings={"HPMAP_API_CACHE_BYTES": "0"},
    )
    with serving(start) as server:
        _load_runs(run, data, server, UNCACHED, store)


def _answers(run: Run, data: DataSet, server: servers.Server, store: str) -> Path:
    """Write the app's answers to every load path (and the probes) for the ceiling to serve."""
    paths = [server.api_path(PARKS, p) for p in data.items_queries()]
    paths += [server.api_path(PARKS, f"items/{feature_id}") for feature_id in data.ids]
    bodies = {}
    for path in [*paths, "/api", server.probe]:
        status, body = servers.fetch(server.base_url + path, timeout_s=servers.DRAIN_TIMEOUT_S)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        kind = "application/geo+json" if "/items" in path else "application/json"
        bodies[path] = (kind, body.decode("utf-8"))
    target = run.workdir / f"ceiling-{store}-{data.parks}.json"
    target.write_text(json.dumps(bodies), encoding="utf-8")
    return target


def _ceiling(run: Run, data: DataSet, store: str, bodies: Path) -> None:
    """The same stack, settings and paths, answering the app's bytes from a dict: what the app could reach."""
    start = partial(
        servers.start_ceiling,
        f"ceiling-{store}-{data.parks}",
        bodies,
        workers=run.settings.workers,
        log_dir=run.log_dir,
        timeout_s=run.settings.start_timeout_s,
    )
    with serving(start) as server:
        _load_runs(run, data, server, "ceiling", store)


def _geojson_file(run: Run, data: DataSet, url: str | None) -> Path:
    target = run.workdir / f"parks-{data.parks}.geojson"
    if url:  # the features exactly as the app's PostGIS store serves them
        return pg.write_geojson(url, PARKS, target)
    command = [str(servers.HPMAP), "export", PARKS, "--data-dir", str(data.directory), "-o", str(target)]
    subprocess.run(command, check=True, capture_output=True, timeout=run.settings.start_timeout_s)
    return target


def _pygeoapi_postgresql(run: Run, data: DataSet, venv: Path, url: str) -> None:
    pg.create_parks_view(url, PARKS, "parks")
    _pygeoapi(run, data, venv, "postgresql", pygeoapi_env.postgresql_provider(pg.connection_parameters(url), "parks"))


def _pygeoapi(run: Run, data: DataSet, venv: Path, store: str, provider: dict) -> None:
    directory = run.workdir / f"pygeoapi-{store}-{data.parks}"
    config, openapi = pygeoapi_env.write_config(directory, PARKS, provider, _extent(data), venv)
    name = f"pygeoapi-{store}-{data.parks}"
    start = partial(
        servers.start_pygeoapi,
        name,
        venv,
        config,
        openapi,
        workers=run.settings.pygeoapi_workers,
        log_dir=run.log_dir,
        timeout_s=run.settings.start_timeout_s,
    )
    with serving(start) as server:
        _load_runs(run, data, server, "pygeoapi", store)


def _extent(data: DataSet) -> tuple[float, ...]:
    boxes = data.boxes
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _load_runs(run: Run, data: DataSet, server: servers.Server, server_kind: str, store: str) -> None:
    queries = {ITEMS: data.items_queries(), ITEM: [f"items/{feature_id}" for feature_id in data.ids]}
    for query, paths in queries.items():
        record = {"server": server_kind, "store": store, "dataset": data.label, "parks": data.parks, "query": query}
        full = [server.api_path(PARKS, path) for path in paths]
        record.update(run.step(f"{server.name}: {query}", _measure, run, server, full, query) or {"result": None})
        run.results["load"].append(record)


def _measure(run: Run, server: servers.Server, paths: list[str], query: str) -> dict:
    """Check one response, then load the server (again, if other processes disturbed the run)."""
    server.drain()  # what an earlier run left in flight
    sample = _sample(server.base_url + paths[0])
    paths_file = wrk.write_paths(paths, run.workdir / f"{server.name}-{len(paths)}.paths")
    (result, extended), others = run.quietly(partial(_load_once, run, server, paths_file))
    progress(
        f"  {result.rps:,.1f} req/s, p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, "
        f"non-2xx {result.non2xx}, timeouts {result.timeouts}"
    )
    return {"result": result.to_json(), "sample": sample, "extended": extended, **others}


def _load_once(run: Run, server: servers.Server, paths_file: Path) -> tuple[wrk.LoadResult, bool]:
    """Warm up, drain, measure; a server too slow for the run is measured again, longer. Return (result, longer?)."""
    s = run.settings
    load = partial(wrk.measure, server.base_url, paths_file, connections=s.connections, drain=server.drain)
    result = load(warmup_s=s.warmup_s, duration_s=s.duration_s, timeout_s=s.timeout_s)
    if result.requests >= MIN_REQUESTS:
        return result, False
    # E.g. pygeoapi's GeoJSON provider on 20,000 parks: seconds per request, tens of seconds under load.
    progress(f"  {result.requests} requests in {s.duration_s:g} s: measuring again for {s.slow_duration_s:g} s")
    return load(warmup_s=0, duration_s=s.slow_duration_s, timeout_s=s.slow_duration_s), True


def _sample(url: str) -> dict:
    """Fetch one response before the load: its status, size and number of features (a check on both servers)."""
    status, body = servers.fetch(url, timeout_s=servers.DRAIN_TIMEOUT_S)
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}: {body[:300]!r}")
    document = json.loads(body)
    features = len(document["features"]) if "features" in document else 1
    return {"status": status, "bytes": len(body), "features": features, "url": url}


def _page(run: Run, data: DataSet, server: servers.Server) -> None:
    status, html = servers.fetch(server.base_url + "/?lang=en")
    run.results["page_html"][data.label] = {
        "status": status,
        "bytes": len(html),
        "gzip_bytes": browser.gzip_size(html),
        "inlined": browser.inlined_data(html.decode("utf-8", "replace"), data.ids),
    }
    views = {"default": ("/?lang=en", None)}
    if data.label != "shipped":
        views["zoomed"] = (ZOOMED_VIEW, PARK_PATH)
    page, others = run.quietly(partial(browser.measure, server.base_url, views, run.settings.page_repeats))
    run.results["page"][data.label] = {**page, **others}


def _soak(run: Run, data: DataSet, server: servers.Server) -> None:
    s = run.settings
    # Half bbox queries, half features by id, interleaved.
    pairs = zip(data.items_queries(), (f"items/{feature_id}" for feature_id in data.ids), strict=False)
    paths = [server.api_path(PARKS, path) for pair in pairs for path in pair]
    paths_file = wrk.write_paths(paths, run.workdir / f"soak-{data.parks}.paths")
    settings = {"connections": s.connections, "duration_s": s.soak_s, "timeout_s": s.soak_timeout_s}
    measure = partial(soak.soak, server.base_url, server.pid, paths_file, warmup_s=s.soak_warmup_s, **settings)
    figures, others = run.quietly(partial(measure, drain=server.drain))
    figures.update(dataset=data.label, store=s.soak_store, paths=len(paths), **settings, **others)
    run.results["soak"] = figures
