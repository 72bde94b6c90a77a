"""Measure the app against pygeoapi on the same data and machine; write bench/results/latest.{json,md}.

Usage: ``.venv/bin/python bench/run.py [--quick] [--duration S] …`` (``make bench`` sets up and runs it).
Every step runs on loopback, one after the other, each bounded in time. Missed targets are reported,
not fatal: the exit status is 1 only when a step crashed (it is named in the report), else 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make ``bench`` and ``tests`` importable
    sys.path.insert(0, str(REPO))

from bench import browser, datasets, pg, pygeoapi_env, report, servers  # noqa: E402
from bench.steps import Run, Settings, bench_dataset, progress  # noqa: E402

RESULTS = REPO / "bench" / "results"
QUICK = {
    "sizes": (1_000, 3_000),
    "warmup_s": 1,
    "duration_s": 3,
    "slow_duration_s": 15,
    "soak_s": 10,
    "soak_warmup_s": 2,
    "page_repeats": 2,
    "noisy_wait_s": 30,
}


def parse_args(argv: list[str] | None) -> tuple[Settings, argparse.Namespace]:
    """Return the run's settings from the command line (``--quick`` first, then any explicit option)."""
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI-sized: 1,000 and 3,000 parks, 3-s runs, 10-s soak")
    parser.add_argument(
        "--sizes", type=lambda t: tuple(int(v) for v in t.split(",")), help="synthetic sizes, e.g. 1000,20000"
    )
    parser.add_argument("--connections", type=int)
    parser.add_argument("--warmup", dest="warmup_s", type=float, help="seconds of warm-up before each measured run")
    parser.add_argument("--duration", dest="duration_s", type=float, help="seconds of each measured run")
    parser.add_argument("--timeout", dest="timeout_s", type=float, help="seconds after which wrk counts a timeout")
    parser.add_argument("--soak", dest="soak_s", type=float, help="seconds of the soak")
    parser.add_argument("--soak-store", choices=("files", "postgis"))
    parser.add_argument("--page-repeats", type=int, help="cold page loads per view (the median is reported)")
    parser.add_argument("--workers", type=int, help="worker processes of the app (gunicorn)")
    parser.add_argument("--threads", type=int, help="threads per worker process of the app")
    parser.add_argument("--pygeoapi-workers", type=int)
    parser.add_argument(
        "--noisy-wait",
        dest="noisy_wait_s",
        type=float,
        help="repeat a measurement disturbed by other processes after waiting up to this many seconds (0: never)",
    )
    parser.add_argument("--no-pygeoapi", dest="pygeoapi", action="store_false", default=None)
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="S",
        help="first wait up to S seconds for other processes to leave the CPU idle",
    )
    parser.add_argument("--keep", action="store_true", help="keep the working directory (data, configs)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="directory for latest.json and latest.md")
    args = parser.parse_args(argv)
    options = dict(QUICK) if args.quick else {}
    fields = {f.name for f in dataclasses.fields(Settings)}
    options.update({k: v for k, v in vars(args).items() if k in fields and v is not None})
    return Settings(**options), args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; write and print the report; return 1 when a step crashed, else 0."""
    settings, args = parse_args(argv)
    started = time.monotonic()
    results = _new_results(settings)
    workdir = RESULTS / "tmp" / time.strftime("run-%Y%m%d-%H%M%S")
    log_dir = RESULTS / "tmp" / "logs"
    for directory in (workdir, log_dir):
        directory.mkdir(parents=True, exist_ok=True)
    run = Run(settings, workdir, log_dir, results)
    if args.wait_quiet > 0:
        results["meta"]["others_cpu_pct_at_start"] = run.wait_for_quiet(args.wait_quiet)
        results["meta"]["started"] = time.strftime("%Y-%m-%d %H:%M %Z")
    try:
        _run_all(run)
    except Exception as exc:  # noqa: BLE001 -- still write what was measured, and say what broke
        traceback.print_exc(file=sys.stderr)
        results["errors"].append({"step": "run", "error": f"{type(exc).__name__}: {exc}"[:2000]})
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    results["meta"]["seconds"] = round(time.monotonic() - started, 1)
    text = _write(results, args.output)
    print(text)
    progress(f"done in {results['meta']['seconds']:.0f} s; logs in {log_dir}")
    return 1 if results["errors"] else 0


def _run_all(run: Run) -> None:
    _check_tools()
    venv = run.step("pygeoapi's virtual environment", pygeoapi_env.ensure_venv) if run.settings.pygeoapi else None
    run.results["meta"]["pygeoapi_version"] = _pygeoapi_version(venv)
    sets = run.step("data sets", datasets.prepare, run.settings.sizes, run.workdir, servers.HPMAP) or []
    run.results["datasets"] = [{"label": d.label, "parks": d.parks, "boxes": d.boxes, "ids": len(d.ids)} for d in sets]
    run.largest = run.results["largest"] = max(sets, key=lambda d: d.parks).label if sets else ""
    with ExitStack() as stack:
        cluster = run.step("PostgreSQL + PostGIS cluster", lambda: stack.enter_context(pg.running_cluster()))
        if cluster is not None:
            run.roots.add(pg.postmaster_pid(cluster))
        for data in sets:
            bench_dataset(run, data, cluster, venv)


def _check_tools() -> None:
    missing = [
        name
        for name, present in (
            ("wrk", shutil.which("wrk")),
            ("chromium", Path(browser.CHROMIUM).exists()),
            ("the app's .venv", servers.HPMAP.exists()),
        )
        if not present
    ]
    if missing:
        raise SystemExit(f"bench: missing {', '.join(missing)}: run `make bench` (it installs them)")


def _new_results(settings: Settings) -> dict:
    meta = {
        "started": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": _machine(),
        "app_version": _git_version(),
        "app_server": f"hpmap serve: gunicorn, {settings.workers} gevent worker processes",
        "pygeoapi_server": f"gunicorn, {settings.pygeoapi_workers} sync workers",
        "settings": dataclasses.asdict(settings),
        "settings_text": settings.describe(),
    }
    return {
        "meta": meta,
        "datasets": [],
        "load": [],
        "page": {},
        "page_html": {},
        "soak": None,
        "errors": [],
        "steps": [],
    }


def _machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    return f"{system}, {os.cpu_count()} cores ({model}), {memory_kib / 2**20:.0f} GiB RAM"


def _git_version() -> str:
    done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def _pygeoapi_version(venv: Path | None) -> str:
    if venv is None:
        return "not installed"
    command = [str(venv / "bin" / "python"), "-c", "import pygeoapi; print(pygeoapi.__version__)"]
    return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip() or "unknown"


def _write(results: dict, output: Path) -> str:
    """Write latest.json and latest.md under ``output``; return the markdown."""
    rows = report.evaluate(results)
    results["targets"] = report.rows_json(rows)
    results["misses"] = report.misses(rows)
    text = report.render(results, rows)
    output.mkdir(parents=True, exist_ok=True)
    (output / "latest.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (output / "latest.md").write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    sys.exit(main())
