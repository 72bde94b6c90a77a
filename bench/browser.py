"""The map page in headless Chromium (Playwright): page weight, first render and the longest blocking task.

The page's Content-Security-Policy forbids inline script and eval in the page; the observers below are
injected with ``add_init_script``, which Chromium runs through the DevTools protocol before the page's
own scripts, outside the CSP. ``window.__bench.installed`` says whether they ran.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

# As tests/conftest.py: Debian's Chromium, with the flags for a closed network.
CHROMIUM = os.environ.get("HPMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-quic",
]
GZIP_LEVEL = 6  # nginx's and most servers' usual level (the app itself does not compress)
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 30_000
FIRST_LOAD_TYPES = ("script", "stylesheet")

# Long tasks (≥ 50 ms, the browser's definition) and the moments the page says it is ready and first
# draws a given selector, each stamped in ms since navigation start; "frame" is the next animation frame.
OBSERVERS = """
(() => {
  const bench = window.__bench = {installed: true, longtasks: [], marks: {}};
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longtasks.push(entry.duration);
    }).observe({type: "longtask", buffered: true});
  } catch (error) { bench.longtaskError = String(error); }
  const stamp = (name) => {
    if (bench.marks[name] !== undefined) return;
    bench.marks[name] = performance.now();
    requestAnimationFrame(() => { bench.marks[name + "_frame"] = performance.now(); });
  };
  const check = () => {
    const body = document.body;
    if (body && body.dataset.ready) stamp("ready_" + body.dataset.ready);
    if (bench.selector && document.querySelector(bench.selector)) stamp("selector");
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true,
                                                 attributeFilter: ["data-ready"]});
})();
"""


@dataclass(frozen=True)
class PageRun:
    """One cold load of the page: times in ms since navigation start, sizes in bytes."""

    ready_ms: float | None  # body[data-ready="true"], painted in the next frame
    selector_ms: float | None  # the awaited selector first in the DOM, next frame (None: not awaited)
    first_render_ms: float | None  # the later of the two: when the page shows what it was asked for
    fcp_ms: float | None  # first-contentful-paint
    longest_task_ms: float  # 0 when no task reached 50 ms
    long_tasks: int
    html_gzip_bytes: int
    html_bytes: int
    assets_gzip_bytes: int  # every script and stylesheet the page asked for before it was ready, each gzip-compressed
    assets: int
    asset_gzip_bytes: dict[str, int]  # each such script's or stylesheet's path → its gzip size
    after_ready_gzip_bytes: dict[str, int]  # those asked for once the page was ready (not in the first load)
    foreign_assets: list[str]  # scripts or stylesheets from another origin
    observers_installed: bool


# Coordinate pairs (lon, lat) written out in the HTML: an example geometry in a placeholder has a few,
# inlined features have hundreds.
COORDINATE_PAIR = re.compile(r"\[\s*-?\d{1,3}\.\d+\s*,\s*-?\d{1,2}\.\d+\s*\]")
MAX_COORDINATE_PAIRS = 20


def inlined_data(html: str, ids: tuple[str, ...]) -> list[str]:
    """Return what in ``html`` looks like inlined features: many coordinate pairs, or any of the park ``ids``."""
    found = []
    pairs = len(COORDINATE_PAIR.findall(html))
    if pairs > MAX_COORDINATE_PAIRS:
        found.append(f"{pairs} coordinate pairs")
    present = [feature_id for feature_id in ids if feature_id in html]
    if present:
        found.append(f"{len(present)} park ids, e.g. {present[0]}")
    return found


def gzip_size(body: bytes, level: int = GZIP_LEVEL) -> int:
    """Return the size of ``body`` gzip-compressed at ``level``."""
    return len(gzip.compress(body, compresslevel=level, mtime=0))


def sum_gzip(bodies: list[bytes], level: int = GZIP_LEVEL) -> int:
    """Return the total of each body's own gzip size (as a browser downloads them: one response each)."""
    return sum(gzip_size(body, level) for body in bodies)


def foreign(urls: list[str], origin: str) -> list[str]:
    """Return the URLs in ``urls`` that are not on ``origin`` (scheme://host:port) or inline (``data:``)."""
    home = urlsplit(origin)
    return [url for url in urls if not url.startswith("data:") and urlsplit(url)[:2] != home[:2]]


def measure_page(browser, origin: str, path: str, selector: str | None = None) -> PageRun:
    """Load ``origin + path`` in a fresh context (cold cache) and return what it took.

    ``selector``: also wait for it (e.g. the first park of a layer loaded by viewport).
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(OBSERVERS + (f"window.__bench.selector = {selector!r};" if selector else ""))
        assets: list = []
        page.on("response", lambda r: assets.append(r) if r.request.resource_type in FIRST_LOAD_TYPES else None)
        response = page.goto(origin + path, wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_selector("body[data-ready]", timeout=TIMEOUT_MS)
        if selector:
            page.wait_for_selector(selector, state="attached", timeout=TIMEOUT_MS)
        page.wait_for_timeout(300)  # let the last frame stamp and any long task after it be reported
        facts = page.evaluate(
            "() => ({bench: window.__bench || {}, "
            "fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime, "
            "asked: performance.getEntriesByType('resource').map(e => [e.name, e.startTime])})"
        )
        html = response.body()
        bodies = {r.url: r.body() for r in assets if r.ok}
        return _page_run(facts, html, bodies, [r.url for r in assets], origin, selector)
    finally:
        context.close()


def _page_run(facts: dict, html: bytes, bodies: dict[str, bytes], urls: list[str], origin: str, selector) -> PageRun:
    bench = facts["bench"]
    marks, tasks = bench.get("marks", {}), bench.get("longtasks", [])
    ready = marks.get("ready_true_frame", marks.get("ready_true"))
    drawn = marks.get("selector_frame", marks.get("selector")) if selector else None
    first = None if ready is None or (selector and drawn is None) else max(ready, drawn or 0)
    # The first load is what the page asked for before it was ready; what it asks for once its layers are drawn
    # (the background's chunk and style) is reported apart (tests/test_browser_assets.py counts the same way).
    ready_at = marks.get("ready_true")
    later = {url for url, start in facts.get("asked", []) if ready_at is not None and start >= ready_at}
    after_ready = {url: body for url, body in bodies.items() if url in later}
    bodies = {url: body for url, body in bodies.items() if url not in later}
    return PageRun(
        ready_ms=_ms(ready),
        selector_ms=_ms(drawn),
        first_render_ms=_ms(first),
        fcp_ms=_ms(facts.get("fcp")),
        longest_task_ms=_ms(max(tasks, default=0)),
        long_tasks=len(tasks),
        html_gzip_bytes=gzip_size(html),
        html_bytes=len(html),
        assets_gzip_bytes=sum_gzip(list(bodies.values())),
        assets=len(bodies),
        asset_gzip_bytes={urlsplit(url).path: gzip_size(body) for url, body in bodies.items()},
        after_ready_gzip_bytes={urlsplit(url).path: gzip_size(body) for url, body in after_ready.items()},
        foreign_assets=foreign(urls, origin),
        observers_installed=bool(bench.get("installed")),
    )


def _ms(value) -> float | None:
    return None if value is None else round(float(value), 1)


def median_run(runs: list[PageRun]) -> dict:
    """Return the medians of the runs' times and sizes, with every run kept under ``runs``."""
    keys = (
        "ready_ms",
        "selector_ms",
        "first_render_ms",
        "fcp_ms",
        "longest_task_ms",
        "html_gzip_bytes",
        "assets_gzip_bytes",
    )
    summary = {key: _median([getattr(run, key) for run in runs]) for key in keys}
    summary["longest_task_worst_ms"] = max((run.longest_task_ms for run in runs), default=None)
    summary["assets"] = runs[-1].assets if runs else 0
    summary["asset_gzip_bytes"] = runs[-1].asset_gzip_bytes if runs else {}
    summary["foreign_assets"] = sorted({url for run in runs for url in run.foreign_assets})
    summary["observers_installed"] = all(run.observers_installed for run in runs)
    summary["runs"] = [asdict(run) for run in runs]
    return summary


def _median(values: list) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 1) if known else None


def measure(origin: str, views: dict[str, tuple[str, str | None]], repeats: int) -> dict:
    """Measure each view (name → (path, selector)) ``repeats`` times in one Chromium; return medians per view."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: `make bench` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            measure_page(browser, origin, "/")  # Chromium's own first start is not the page's cost
            return {
                name: median_run([measure_page(browser, origin, path, sel) for _ in range(repeats)])
                for name, (path, sel) in views.items()
            }
        finally:
            browser.close()
