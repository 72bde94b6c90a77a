"""The issue's targets checked against a run's results, rendered as a markdown table (and kept in the JSON)."""

from __future__ import annotations

import operator
from dataclasses import asdict, dataclass

KB = 1000  # bytes; the targets' "KB"
LARGE = "20,000"  # the data set the API and page targets name
SMALL = "shipped"  # ≈50 parks: the start of "latency growing at most 2× from 50 to 20,000 features"
ITEMS, ITEM = "items?bbox&limit=100", "feature by id"
# The app's store and the pygeoapi provider over the same data: (app store, pygeoapi provider, label).
BACKENDS = (("files", "geojson", "files"), ("postgis", "postgresql", "PostGIS"))
API_TARGETS = {  # app store → (items req/s ≥, items p99 ms ≤, feature-by-id req/s ≥)
    "files": (1000, 25, 2000),
    "postgis": (400, 60, 2000),
}
RATIO_TARGET = 5  # the app's items throughput at least this many times pygeoapi's
CEILING_SHARE_TARGET = 0.6  # the app's items throughput against the same stack serving its bytes from a dict
UNCACHED = "app, caches off"  # the app with HPMAP_API_CACHE_BYTES=0: every request computed
QUIET_PCT = 5  # other processes' share of the CPU above which the report warns
OPS = {"≤": operator.le, "≥": operator.ge}


@dataclass(frozen=True)
class Row:
    """One line of the table: a metric, its figure, its target and whether it was met."""

    metric: str
    measured: str
    target: str
    met: bool | None  # None: not measured, or a figure without a target
    pygeoapi: str = ""
    ratio: str = ""  # the app against pygeoapi, > 1 when the app does better
    miss: str = ""  # what was missed, with the figure (empty when met)


# ---------------------------------------------------------------- finding figures in the results


def find_load(results: dict, server: str, store: str, dataset: str, query: str) -> dict | None:
    """Return the wrk result of one run (``server`` app or pygeoapi), or None when it was not measured."""
    for run in results.get("load", []):
        if (run["server"], run["store"], run["dataset"], run["query"]) == (server, store, dataset, query):
            return run.get("result")
    return None


def _page(results: dict, dataset: str, view: str) -> dict:
    return results.get("page", {}).get(dataset, {}).get(view) or {}


# ---------------------------------------------------------------- formatting


def fmt_number(value: float | None, unit: str = "") -> str:
    """Return ``value`` for the table: thousands separated, one decimal below 100, then the unit."""
    if value is None:
        return "—"
    if isinstance(value, int):
        text = f"{value:,}"
    else:
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    return f"{text}×" if unit == "×" else f"{text} {unit}".strip()


def fmt_ratio(ratio: float | None) -> str:
    """Return a ratio as ``12.3×`` (or ``—``)."""
    return "—" if ratio is None else f"{ratio:,.1f}×"


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if not numerator or not denominator else numerator / denominator


# ---------------------------------------------------------------- rows


def threshold_row(metric: str, value: float | None, op: str, limit: float, unit: str, **extra) -> Row:
    """Return a row checking ``value op limit`` (``op`` is ``≤`` or ``≥``)."""
    target = f"{op} {fmt_number(limit, unit)}"
    if value is None:
        return Row(metric, "not measured", target, None, miss=f"{metric}: not measured", **extra)
    met = OPS[op](value, limit)
    measured = fmt_number(value, unit)
    return Row(metric, measured, target, met, miss="" if met else f"{metric}: {measured} (target {target})", **extra)


def page_rows(results: dict) -> list[Row]:
    """Rows for the map page: weight, self-hosting, first render and longest task."""
    large = results.get("largest", LARGE)
    shipped, default_large, zoomed = (
        _page(results, SMALL, "default"),
        _page(results, large, "default"),
        _page(results, large, "zoomed"),
    )
    html = results.get("page_html", {})
    rows = [
        threshold_row("map page HTML, gzip", _kb(shipped.get("html_gzip_bytes")), "≤", 15, "KB"),
        threshold_row(f"map page HTML, gzip, {large} parks", _kb(default_large.get("html_gzip_bytes")), "≤", 15, "KB"),
        _inlined_row(html),
        threshold_row("first-load scripts and styles, gzip", _kb(shipped.get("assets_gzip_bytes")), "≤", 60, "KB"),
        _self_hosted_row(shipped),
        threshold_row("first render, shipped data", shipped.get("first_render_ms"), "≤", 400, "ms"),
        Row("first contentful paint, shipped data", fmt_number(shipped.get("fcp_ms"), "ms"), "", None),
        threshold_row("longest task, shipped data", shipped.get("longest_task_ms"), "≤", 200, "ms"),
        threshold_row(
            f"first render, {large} parks, opening view", default_large.get("first_render_ms"), "≤", 800, "ms"
        ),
        threshold_row(
            f"first render, {large} parks, zoom 13 (parks drawn)", zoomed.get("first_render_ms"), "≤", 800, "ms"
        ),
        threshold_row(
            f"longest task, {large} parks",
            _max(default_large.get("longest_task_ms"), zoomed.get("longest_task_ms")),
            "≤",
            200,
            "ms",
        ),
    ]
    return rows


def _kb(size: int | None) -> float | None:
    return None if size is None else size / KB


def _max(*values: float | None) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _inlined_row(html: dict) -> Row:
    metric = "map page inlines no data"
    if not html:
        return Row(metric, "not measured", "no features in the HTML", None, miss=f"{metric}: not measured")
    found = [finding for facts in html.values() for finding in facts.get("inlined", [])]
    measured = "none found" if not found else "; ".join(sorted(set(found)))
    return Row(
        metric, measured, "no features in the HTML", not found, miss="" if not found else f"{metric}: {measured}"
    )


def _self_hosted_row(page: dict) -> Row:
    metric = "first-load scripts and styles self-hosted"
    if not page:
        return Row(metric, "not measured", "all same-origin", None, miss=f"{metric}: not measured")
    foreign = page.get("foreign_assets", [])
    measured = f"{page.get('assets', 0) - len(foreign)} of {page.get('assets', 0)} same-origin"
    miss = "" if not foreign else f"{metric}: from elsewhere: {', '.join(foreign)}"
    return Row(metric, measured, "all same-origin", not foreign, miss=miss)


def api_rows(results: dict) -> list[Row]:
    """Rows for the API on the large data set, each store against pygeoapi on the same data."""
    large, rows = results.get("largest", LARGE), []
    for store, provider, label in BACKENDS:
        min_rps, max_p99, min_item_rps = API_TARGETS[store]
        ours = find_load(results, "app", store, large, ITEMS) or {}
        theirs = find_load(results, "pygeoapi", provider, large, ITEMS) or {}
        rows.append(_throughput_row(f"{ITEMS}, {label}, {large} parks", ours, theirs, min_rps, RATIO_TARGET))
        rows.append(
            threshold_row(
                f"{ITEMS}, {label}, {large} parks: p99",
                ours.get("p99_ms"),
                "≤",
                max_p99,
                "ms",
                pygeoapi=fmt_number(theirs.get("p99_ms"), "ms"),
                ratio=fmt_ratio(_ratio(theirs.get("p99_ms"), ours.get("p99_ms"))),
            )
        )
        ours_id = find_load(results, "app", store, large, ITEM) or {}
        theirs_id = find_load(results, "pygeoapi", provider, large, ITEM) or {}
        rows.append(_throughput_row(f"{ITEM}, {label}, {large} parks", ours_id, theirs_id, min_item_rps, None))
        ceiling = find_load(results, "ceiling", store, large, ITEMS) or {}
        share = _ratio(ours.get("rps"), ceiling.get("rps"))
        rows.append(
            threshold_row(
                f"{ITEMS}, {label}, {large} parks: share of the stack's ceiling "
                f"({fmt_number(ceiling.get('rps'), 'req/s')} serving the same bytes from a dict)",
                share,
                "≥",
                CEILING_SHARE_TARGET,
                "×",
            )
        )
        uncached = find_load(results, UNCACHED, store, large, ITEMS) or {}
        if uncached:  # the figure with every request computed: no target, said beside the warm one
            share_uncached = _ratio(uncached.get("rps"), ceiling.get("rps"))
            metric = f"{ITEMS}, {label}, {large} parks, answer caches off: share of the ceiling"
            measured = f"{fmt_number(share_uncached, '×')} ({fmt_number(uncached.get('rps'), 'req/s')}, p99 " \
                       f"{fmt_number(uncached.get('p99_ms'), 'ms')})"  # fmt: skip
            rows.append(Row(metric, measured if share_uncached is not None else "not measured", "", None))
    return rows


def _throughput_row(metric: str, ours: dict, theirs: dict, min_rps: float, min_ratio: float | None) -> Row:
    rps = ours.get("rps")
    their_rps, their_text, bound = their_throughput(theirs)
    ratio = _ratio(rps, their_rps)
    ratio_text = ("> " if bound and ratio else "") + fmt_ratio(ratio)
    row = threshold_row(metric, rps, "≥", min_rps, "req/s", pygeoapi=their_text, ratio=ratio_text)
    if min_ratio is None or rps is None:
        return row
    target = f"{row.target} and ≥ {min_ratio}× pygeoapi"
    ratio_met = ratio is not None and ratio >= min_ratio
    ratio_miss = "" if ratio_met else f"{metric}: {ratio_text} pygeoapi (target ≥ {min_ratio}×)"
    misses = "; ".join(m for m in (row.miss, ratio_miss) if m)
    return Row(metric, row.measured, target, bool(row.met and ratio_met), row.pygeoapi, row.ratio, misses)


def their_throughput(result: dict) -> tuple[float | None, str, bool]:
    """Return pygeoapi's req/s, its text, and whether it is only an upper bound (no request done in the run)."""
    if result.get("requests") == 0 and result.get("duration_s"):
        bound = 1 / result["duration_s"]
        return bound, f"0 done in {result['duration_s']:.0f} s", True
    return result.get("rps"), fmt_number(result.get("rps"), "req/s"), False


def growth_rows(results: dict) -> list[Row]:
    """Rows for how the items query's median latency grows from the shipped data to the large set."""
    large, rows = results.get("largest", LARGE), []
    for store, _, label in BACKENDS:
        p50_small = (find_load(results, "app", store, SMALL, ITEMS) or {}).get("p50_ms")
        p50_large = (find_load(results, "app", store, large, ITEMS) or {}).get("p50_ms")
        metric = f"{ITEMS}, {label}: p50 growth, {SMALL} → {large} parks"
        row = threshold_row(metric, _ratio(p50_large, p50_small), "≤", 2, "×")
        detail = f"{fmt_number(p50_small, 'ms')} → {fmt_number(p50_large, 'ms')}"
        rows.append(
            Row(
                row.metric,
                f"{row.measured} ({detail})" if row.met is not None else row.measured,
                row.target,
                row.met,
                miss=row.miss and f"{row.miss}: {detail}",
            )
        )
    return rows


def soak_rows(results: dict) -> list[Row]:
    """Rows for the soak: failures, timeouts and the server's memory."""
    soak = results.get("soak") or {}
    load = soak.get("load") or {}
    label = f"soak, {soak.get('duration_s', '?')} s at {soak.get('connections', '?')} connections"
    failures = None if not load else load["non2xx"] + load["socket_errors"]
    return [
        threshold_row(f"{label}: non-2xx and socket errors", failures, "≤", 0, ""),
        threshold_row(f"{label}: timeouts (> {soak.get('timeout_s', '?')} s)", load.get("timeouts"), "≤", 0, ""),
        threshold_row(f"{label}: RSS growth after warm-up", soak.get("rss_growth_pct"), "≤", 10, "%"),
    ]


def evaluate(results: dict) -> list[Row]:
    """Return every target's row, in the table's order."""
    return page_rows(results) + api_rows(results) + growth_rows(results) + soak_rows(results)


# ---------------------------------------------------------------- rendering


def markdown_table(rows: list[Row]) -> str:
    """Return the rows as a markdown table."""
    lines = ["| metric | measured | target | met? | pygeoapi | ratio |", "|---|---:|---|:---:|---:|---:|"]
    for row in rows:
        met = {True: "yes", False: "**no**", None: "—" if not row.target else "not measured"}[row.met]
        cells = (row.metric, row.measured, row.target, met, row.pygeoapi, row.ratio)
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


RUN_COLUMNS = (
    "server",
    "store",
    "parks",
    "query",
    "req/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "bytes/resp",
    "non-2xx",
    "timeouts",
    "others' CPU",
)


def runs_table(results: dict) -> str:
    """Return every load run (both servers, every store and size) as a markdown table."""
    lines = ["| " + " | ".join(RUN_COLUMNS) + " |", "|---|---|---:|---|" + "---:|" * (len(RUN_COLUMNS) - 4)]
    lines += ["| " + " | ".join(_cell(cell) for cell in _run_cells(run)) + " |" for run in results.get("load", [])]
    return "\n".join(lines) + "\n"


def _run_cells(run: dict) -> list[str]:
    result = run.get("result")
    query = f"{run['query']} ({result['duration_s']:.0f}-s run)" if run.get("extended") and result else run["query"]
    cells = [run["server"], run["store"], run["dataset"], query]
    if result is None:
        return cells + [f"failed: {str(run.get('error', 'see the failed steps'))[:80]}"] + [""] * 7
    figures = [result[key] for key in ("rps", "p50_ms", "p99_ms", "max_ms", "bytes_per_response")]
    cells += [fmt_number(value) for value in figures] + [str(result["non2xx"]), str(result["timeouts"])]
    return cells + [fmt_number(run.get("others_cpu_pct"), "%")]


def busiest_others(results: dict) -> float | None:
    """Return the largest share (%) of the machine's CPU that other processes used during a measurement."""
    shares = [run.get("others_cpu_pct") for run in results.get("load", [])]
    shares += [page.get("others_cpu_pct") for page in results.get("page", {}).values()]
    shares.append((results.get("soak") or {}).get("others_cpu_pct"))
    known = [share for share in shares if share is not None]
    return max(known) if known else None


def misses(rows: list[Row]) -> list[str]:
    """Return a line per target not met (or not measured), naming it with its figure."""
    return [row.miss for row in rows if row.met is not True and row.miss]


def render(results: dict, rows: list[Row]) -> str:
    """Return the whole markdown report: the targets, the misses, every load run, the settings."""
    meta = results.get("meta", {})
    missed = misses(rows)
    parts = [
        f"Run of {meta.get('started', '?')} on {meta.get('machine', '?')}; app {meta.get('app_version', '?')}, "
        f"pygeoapi {meta.get('pygeoapi_version', '?')} ({meta.get('pygeoapi_server', '?')}); "
        f"{meta.get('settings_text', '')}\n",
        _quiet_note(results),
        markdown_table(rows),
        f"\n**Targets missed: {len(missed)} of {sum(1 for r in rows if r.target)}.**\n",
        "".join(f"- {line}\n" for line in missed),
        "\nEvery load run:\n\n",
        runs_table(results),
    ]
    errors = results.get("errors", [])
    if errors:
        parts.append("\nSteps that failed:\n\n" + "".join(f"- {e['step']}: {e['error']}\n" for e in errors))
    return "".join(parts)


def _quiet_note(results: dict) -> str:
    busiest = busiest_others(results)
    if busiest is None or busiest < QUIET_PCT:
        return "\n"
    return (
        f"\n**The machine was not quiet:** other processes used up to {fmt_number(busiest, '%')} of its CPU during "
        'a measurement (column "others\' CPU" below); those figures understate the servers.\n\n'
    )


def rows_json(rows: list[Row]) -> list[dict]:
    """Return the rows as JSON-ready dicts."""
    return [asdict(row) for row in rows]
