"""The soak: a long run at full load, with the server's resident memory sampled from /proc."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench import wrk
from bench.servers import rss_kib

SAMPLE_EVERY_S = 1.0


def soak(
    base_url: str,
    pid: int,
    paths_file: Path,
    *,
    connections: int,
    warmup_s: float,
    duration_s: float,
    timeout_s: float,
    drain: Callable[[], None] = lambda: None,
) -> dict:
    """Warm up, note the RSS of process ``pid``, load it for ``duration_s`` sampling its RSS; return the figures."""
    wrk.run(base_url, paths_file, connections=connections, duration_s=warmup_s, timeout_s=timeout_s)
    drain()
    baseline = rss_kib(pid)
    outcome: dict = {}

    def load() -> None:
        try:
            outcome["result"] = wrk.run(
                base_url, paths_file, connections=connections, duration_s=duration_s, timeout_s=timeout_s
            )
        except Exception as exc:  # noqa: BLE001 -- handed to the caller's thread below
            outcome["error"] = exc

    runner = threading.Thread(target=load, daemon=True)
    runner.start()
    samples = [(0.0, baseline)]
    started = time.monotonic()
    while runner.is_alive():
        runner.join(timeout=SAMPLE_EVERY_S)
        samples.append((round(time.monotonic() - started, 1), rss_kib(pid)))
    if "error" in outcome:
        raise outcome["error"]
    return summarise(outcome["result"], samples)


def summarise(result: wrk.LoadResult, samples: list[tuple[float, int]]) -> dict:
    """Return the load figures and the RSS at the start (after warm-up), the end and the peak (KiB)."""
    start, end = samples[0][1], samples[-1][1]
    return {
        "load": result.to_json(),
        "rss_start_kib": start,
        "rss_end_kib": end,
        "rss_peak_kib": max(rss for _, rss in samples),
        "rss_growth_pct": round(100 * (end - start) / start, 1) if start else None,
        "rss_samples": samples,
    }
