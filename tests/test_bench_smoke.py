"""The benchmark harness's pure parts (bench/), on fixed inputs: no network, no servers, no browser."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from bench import browser, datasets, machine, report, wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000
  2 threads and 16 connections
  1530 requests in 2.00s, 861.26KB read
  Non-2xx or 3xx responses: 3
BENCH_JSON {"duration_us": 2000000, "requests": 1530, "bytes": 881932, "non2xx": 3, "non2xx_statuses": {"404": 3}, \
"errors": {"connect": 0, "read": 1, "write": 0, "status": 3, "timeout": 2}, \
"latency_us": {"min": 273, "mean": 5270.1, "max": 16821, "p50": 4988, "p90": 9214, "p99": 13571}}
"""


def test_wrk_report_is_parsed():
    result = wrk.parse_report(WRK_OUTPUT)
    assert (result.requests, result.rps, result.non2xx, result.timeouts, result.socket_errors) == (1530, 765.0, 3, 2, 1)
    assert (result.p50_ms, result.p99_ms, result.max_ms) == (4.988, 13.571, 16.821)
    assert result.bytes_per_response == pytest.approx(576.4, abs=0.1)
    assert result.statuses == {"404": 3}


def test_a_run_without_completed_requests_has_no_latency():
    line = WRK_OUTPUT.splitlines()[-1].replace('"requests": 1530', '"requests": 0')
    result = wrk.parse_report(line)
    assert (result.rps, result.p50_ms, result.bytes_per_response) == (0.0, None, 0.0)


def test_wrk_output_without_the_report_line_is_an_error():
    with pytest.raises(wrk.WrkError, match="BENCH_JSON"):
        wrk.parse_report("Running 10s test @ http://127.0.0.1:8000\n")


def test_gzip_sizes_are_summed_per_body():
    bodies = [b"a" * 10_000, b"body { color: red }" * 50, b""]
    each = [len(gzip.compress(body, compresslevel=6, mtime=0)) for body in bodies]
    assert browser.sum_gzip(bodies) == sum(each)
    assert browser.gzip_size(bodies[0]) < 100  # repetitive: compresses well


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        (["http://127.0.0.1:8000/static/a.js", "data:text/css,x"], []),
        (["http://127.0.0.1:8001/a.js"], ["http://127.0.0.1:8001/a.js"]),
        (["https://unpkg.com/leaflet.js"], ["https://unpkg.com/leaflet.js"]),
        ([], []),
    ],
)
def test_foreign_assets(urls, expected):
    assert browser.foreign(urls, "http://127.0.0.1:8000") == expected


def test_inlined_data_is_found_by_ids_or_many_coordinates():
    placeholder = "<textarea placeholder='{\"coordinates\": [[[106.70, 20.70], [106.72, 20.70]]]}'></textarea>"
    assert browser.inlined_data(placeholder, ("kcn-a",)) == []
    layer = "[" + ",".join("[106.1, 20.9]" for _ in range(50)) + "]"
    assert browser.inlined_data(layer, ()) == ["50 coordinate pairs"]
    assert browser.inlined_data('{"id": "kcn-a"}', ("kcn-a", "kcn-b")) == ["1 park ids, e.g. kcn-a"]


def test_boxes_cover_about_the_wanted_number_of_features():
    # A 10 × 10 grid of unit squares with gaps: a box around the middle one meeting 9 squares is 3 × 3.
    bounds = np.array([(x * 2.0, y * 2.0, x * 2.0 + 1, y * 2.0 + 1) for y in range(10) for x in range(10)])
    box = datasets.box_around(bounds, 55, 9)
    assert datasets.count_meeting(bounds, box) == 9
    assert datasets.count_meeting(bounds, datasets.box_around(bounds, 0, 500)) == 100  # fewer than wanted: all


def test_others_cpu_excludes_our_process_trees():
    before = {1: (0, 100), 10: (1, 50), 11: (10, 20), 20: (1, 0)}
    after = {1: (0, 100), 10: (1, 150), 11: (10, 120), 20: (1, machine.TICKS_PER_S), 30: (1, 0)}
    assert machine.descendants(after, {10}) == {10, 11}
    share = machine.others_cpu_share(before, after, {10}, seconds=1.0)
    assert share == pytest.approx(1 / (machine.os.cpu_count() or 1))


def _load(server, store, dataset, query, rps, p50, p99):
    result = {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "max_ms": p99,
        "bytes_per_response": 1000.0,
        "non2xx": 0,
        "timeouts": 0,
    }
    return {"server": server, "store": store, "dataset": dataset, "query": query, "result": result}


@pytest.fixture
def results():
    items, item = report.ITEMS, report.ITEM
    page = {
        "html_gzip_bytes": 5_400,
        "assets_gzip_bytes": 74_500,
        "assets": 15,
        "foreign_assets": [],
        "first_render_ms": 350.0,
        "fcp_ms": 200.0,
        "longest_task_ms": 80.0,
    }
    zoomed = dict(page, first_render_ms=900.0)
    return {
        "largest": "20,000",
        "page": {"shipped": {"default": page}, "20,000": {"default": page, "zoomed": zoomed}},
        "page_html": {"shipped": {"inlined": []}},
        "load": [
            _load("app", "files", "shipped", items, 1500.0, 8.0, 20.0),
            _load("app", "files", "20,000", items, 1200.0, 10.0, 24.0),
            _load("pygeoapi", "geojson", "20,000", items, 200.0, 80.0, 300.0),
            _load("app", "files", "20,000", item, 2500.0, 5.0, 9.0),
            _load("app", "postgis", "shipped", items, 500.0, 10.0, 30.0),
            _load("app", "postgis", "20,000", items, 450.0, 30.0, 70.0),
            _load("pygeoapi", "postgresql", "20,000", items, 100.0, 150.0, 400.0),
        ],
        "soak": {
            "load": {"non2xx": 0, "socket_errors": 0, "timeouts": 0},
            "rss_growth_pct": 12.5,
            "duration_s": 60,
            "connections": 16,
            "timeout_s": 2,
        },
    }


def test_targets_are_checked_with_their_figures(results):
    rows = {row.metric: row for row in report.evaluate(results)}
    files = rows["items?bbox&limit=100, files, 20,000 parks"]
    assert (files.measured, files.met, files.pygeoapi, files.ratio) == ("1,200 req/s", True, "200 req/s", "6.0×")
    assert files.target == "≥ 1,000 req/s and ≥ 5× pygeoapi" and files.miss == ""
    postgis = rows["items?bbox&limit=100, PostGIS, 20,000 parks"]  # fast enough, but only 4.5× pygeoapi
    assert (postgis.met, postgis.ratio) == (False, "4.5×")
    assert postgis.miss == "items?bbox&limit=100, PostGIS, 20,000 parks: 4.5× pygeoapi (target ≥ 5×)"
    assert rows["items?bbox&limit=100, PostGIS, 20,000 parks: p99"].miss.endswith("70.0 ms (target ≤ 60 ms)")
    assert rows["first-load scripts and styles, gzip"].miss == (
        "first-load scripts and styles, gzip: 74.5 KB (target ≤ 60 KB)"
    )
    assert rows["first render, 20,000 parks, zoom 13 (parks drawn)"].met is False
    assert rows["feature by id, PostGIS, 20,000 parks"].measured == "not measured"
    assert rows["items?bbox&limit=100, files: p50 growth, shipped → 20,000 parks"].met is True


def test_missed_targets_are_listed_and_the_table_renders(results):
    rows = report.evaluate(results)
    missed = report.misses(rows)
    assert "soak, 60 s at 16 connections: RSS growth after warm-up: 12.5 % (target ≤ 10 %)" in missed
    assert any(line.startswith("items?bbox&limit=100, PostGIS, 20,000 parks: 4.5× pygeoapi") for line in missed)
    text = report.render(results, rows)
    assert "| items?bbox&limit=100, files, 20,000 parks | 1,200 req/s |" in text
    assert text.count("\n| app |") == 5 and "| pygeoapi | geojson | 20,000 |" in text


def test_a_server_that_completed_nothing_gives_a_bound(results):
    theirs = next(run for run in results["load"] if run["store"] == "geojson")
    theirs["result"].update(requests=0, rps=0.0, duration_s=60.0)
    row = {row.metric: row for row in report.evaluate(results)}["items?bbox&limit=100, files, 20,000 parks"]
    assert (row.pygeoapi, row.ratio, row.met) == ("0 done in 60 s", "> 72,000.0×", True)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [(None, "ms", "—"), (1234.5, "req/s", "1,234 req/s"), (12.34, "ms", "12.3 ms"), (3, "", "3"), (2.0, "×", "2.0×")],
)
def test_numbers_are_formatted_for_the_table(value, unit, expected):
    assert report.fmt_number(value, unit) == expected
