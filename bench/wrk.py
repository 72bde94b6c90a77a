"""Load a server with wrk: a warm-up, then a measured run; parse what bench/wrk_report.lua prints."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
MARKER = "BENCH_JSON "
THREADS = 2  # wrk's own threads: one per core of the 2-core machine (it shares them with the server)


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed no report."""


@dataclass(frozen=True)
class LoadResult:
    """One measured wrk run: throughput, latency percentiles (ms) and failures."""

    requests: int
    duration_s: float
    rps: float  # requests per second over the measured run
    p50_ms: float | None  # None when no request completed
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    bytes_per_response: float
    non2xx: int
    timeouts: int
    socket_errors: int  # connect + read + write
    statuses: dict[str, int] = field(default_factory=dict)  # non-2xx statuses seen, with their counts

    def to_json(self) -> dict:
        """Return the result as a JSON-ready dict."""
        return asdict(self)


def parse_report(stdout: str) -> LoadResult:
    """Return the ``LoadResult`` in wrk's output, from the ``BENCH_JSON`` line the Lua script prints.

    Raises ``WrkError`` when there is no such line.
    """
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            return _result(json.loads(line[len(MARKER) :]))
    raise WrkError(f"no {MARKER.strip()} line in wrk's output:\n{stdout[-2000:]}")


def _result(raw: dict) -> LoadResult:
    duration_s = raw["duration_us"] / 1e6
    requests = raw["requests"]
    latency, errors = raw["latency_us"], raw["errors"]

    def ms(key: str) -> float | None:
        return latency[key] / 1000 if requests else None

    return LoadResult(
        requests=requests,
        duration_s=round(duration_s, 3),
        rps=round(requests / duration_s, 1) if duration_s > 0 else 0.0,
        p50_ms=ms("p50"),
        p90_ms=ms("p90"),
        p99_ms=ms("p99"),
        max_ms=ms("max"),
        bytes_per_response=round(raw["bytes"] / requests, 1) if requests else 0.0,
        non2xx=raw["non2xx"],
        timeouts=errors["timeout"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"],
        statuses=raw.get("non2xx_statuses", {}),
    )


def write_paths(paths: list[str], target: Path) -> Path:
    """Write the request paths (one per line) that the Lua script cycles through; return ``target``."""
    target.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    return target


def run(base_url: str, paths_file: Path, *, connections: int, duration_s: float, timeout_s: float) -> LoadResult:
    """Run wrk for ``duration_s`` seconds at ``connections`` connections and return what it measured."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise WrkError("wrk not found: `apt-get install -y wrk` (make bench installs it)")
    command = [
        wrk,
        f"-t{min(THREADS, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(duration_s))}s",
        f"--timeout={max(1, round(timeout_s))}s",
        "-s",
        str(LUA_SCRIPT),
        base_url,
        "--",
        str(paths_file),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration_s + timeout_s + 30)
    except subprocess.TimeoutExpired as exc:
        raise WrkError(f"wrk did not finish within {exc.timeout:.0f} s") from None
    if done.returncode != 0:
        raise WrkError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout[-2000:]}")
    return parse_report(done.stdout)


def measure(
    base_url: str,
    paths_file: Path,
    *,
    connections: int,
    warmup_s: float,
    duration_s: float,
    timeout_s: float,
    drain: Callable[[], None] = lambda: None,
) -> LoadResult:
    """Warm the server up for ``warmup_s`` (result discarded), then return a measured run of ``duration_s``.

    ``drain()`` is called between the two: when wrk stops, the requests it had in flight are still
    being served, and a slow server would spend the start of the measured run on them.
    """
    if warmup_s > 0:
        run(base_url, paths_file, connections=connections, duration_s=warmup_s, timeout_s=timeout_s)
    drain()
    return run(base_url, paths_file, connections=connections, duration_s=duration_s, timeout_s=timeout_s)
