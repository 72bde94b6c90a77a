"""The investor's and the planner's tools in a real Chromium: site finder, comparison, proposal check, coverage."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import parse_qs, urlparse
from urllib.request import urlopen

import openpyxl
import pytest

from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_the_site_finder_filters_ranks_highlights_and_shares(watched, shipped):
    w = watched()
    page = w.open("/?lang=en&panel=sites")
    page.fill('input[name="max_km_lach_huyen"]', "25")
    page.click('#hp-sites-form button[type="submit"]')
    page.wait_for_selector("#hp-sites-results li")
    ids = page.eval_on_selector_all("#hp-sites-results li", "items => items.map(i => i.dataset.featureId)")
    parks = shipped.layer("industrial-parks").gdf
    expected = parks[parks["distance_km_lach_huyen"] <= 25].index
    assert set(ids) == set(expected) and ids
    assert page.locator(".hp-rank-marker").count() == len(ids)  # highlighted on the map
    scores = [float(s.split()[-1].replace(",", "")) for s in page.locator(".hp-score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    query = parse_qs(urlparse(page.url).query)
    assert parse_qs(query["sites"][0])["max_km_lach_huyen"] == ["25"]
    assert "f=csv" in page.get_attribute("#hp-sites-csv", "href")
    with page.expect_download() as download:  # the workbook, as the browser saves it
        page.click("#hp-sites-xlsx")
    assert download.value.suggested_filename == "sites.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    header, *rows = [[cell.value for cell in row] for row in sheet.rows]
    assert [row[header.index("id")] for row in rows][: len(ids)] == ids
    first = dict(zip(header, rows[0], strict=True))
    assert first["page_url"].startswith(w.server.url + "/features/" + ids[0])
    assert first["area_ha"] == parks.at[ids[0], "area_ha"]  # a number, not text

    shared = watched()
    again = shared.open(urlparse(page.url).path + "?" + urlparse(page.url).query)
    again.wait_for_selector("#hp-sites-results li")
    assert again.eval_on_selector_all("#hp-sites-results li", "items => items.map(i => i.dataset.featureId)") == ids
    assert again.input_value('input[name="max_km_lach_huyen"]') == "25"
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "site-finder.png"))

    boxes = page.locator('#hp-sites-results input[type="checkbox"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("#hp-sites-compare")
    page.wait_for_selector("body[data-ready]")
    assert page.url.split("?")[0].endswith("/compare")
    assert page.locator("table.hp-compare-table thead th[data-feature-id]").count() == 2
    assert w.errors() == [] and shared.errors() == [] and w.foreign_requests() == []


def test_unknown_free_land_is_listed_apart(watched):
    w = watched()
    page = w.open("/?lang=en&panel=sites")
    page.fill('input[name="min_free_ha"]', "10")
    page.click('#hp-sites-form button[type="submit"]')
    page.wait_for_selector("#hp-sites-unknown:not([hidden])")
    summary = page.inner_text("#hp-sites-unknown summary")
    assert re.match(r"\d+ parks could not be judged", summary)
    page.click("#hp-sites-unknown summary")
    assert "free land unknown" in page.inner_text("#hp-sites-unknown ul")
    assert w.errors() == []


def test_the_comparison_page_shows_the_parks_side_by_side(watched):
    w = watched()
    page = w.open("/compare?ids=kcn-trang-due,kcn-vsip-hai-phong,kcn-nomura-hai-phong&lang=en")
    headers = page.locator("table.hp-compare-table thead th[data-feature-id]").all_inner_texts()
    assert [h.split("\n")[0].strip() for h in headers][0].startswith("1")
    assert page.locator(".hp-map-number").count() == 3
    table = page.inner_text("table.hp-compare-table")
    assert "1,566 ha" in table and "Lạch Huyện port" in table and "LG Display" in table
    assert w.errors() == [] and w.foreign_requests() == []
    page.set_viewport_size({"width": 1100, "height": 1500})
    page.screenshot(path=str(SCREENSHOTS / "compare.png"))


def _click_map(page, fractions):
    box = page.locator(".folium-map").bounding_box()
    for fx, fy in fractions:
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_timeout(350)  # not a double-click


def test_checking_a_drawn_proposal(watched):
    w = watched(viewport={"width": 1280, "height": 800})
    page = w.open("/?lang=en&lat=20.80&lon=106.80&z=13&panel=proposal")
    page.wait_for_selector("#hp-proposal-panel:not([hidden])")  # with its drawing tools
    _click_map(page, [(0.55, 0.40), (0.70, 0.40), (0.70, 0.60), (0.55, 0.60)])
    page.click("#hp-proposal-finish")
    page.wait_for_selector("#hp-proposal-output:not([hidden])")
    text = page.inner_text("#hp-proposal-output")
    assert re.search(r"Area\s+[\d,.]+ ha", text)
    assert "Lạch Huyện port:" in text
    assert "proposal=" in page.url
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "proposal.png"))

    shared = watched()
    again = shared.open(urlparse(page.url).path + "?" + urlparse(page.url).query)
    again.wait_for_selector("#hp-proposal-output:not([hidden])")
    assert again.inner_text("#hp-proposal-output") == text
    assert w.errors() == [] and shared.errors() == []


def _area(text: str) -> float:
    return float(re.search(r"([\d,.]+) ha", text).group(1).replace(",", ""))


def test_drawing_a_proposal_shows_its_area_as_it_grows_undoes_and_edits_its_corners(watched):
    w = watched(viewport={"width": 1280, "height": 800})
    page = w.open("/?lang=en&lat=20.80&lon=106.80&z=13&panel=proposal")
    page.wait_for_selector("#hp-proposal-panel:not([hidden])")
    _click_map(page, [(0.55, 0.40), (0.70, 0.40), (0.70, 0.60)])
    three = _area(page.inner_text("#hp-proposal-running"))
    assert page.inner_text("#hp-proposal-running").startswith("Area so far: ≈ ")
    _click_map(page, [(0.55, 0.60)])
    four = _area(page.inner_text("#hp-proposal-running"))
    assert four == pytest.approx(2 * three, rel=0.01)  # a rectangle, then the triangle of its half
    page.click("#hp-proposal-undo")  # the last corner taken back
    assert _area(page.inner_text("#hp-proposal-running")) == three
    _click_map(page, [(0.55, 0.60)])
    page.click("#hp-proposal-finish")
    page.wait_for_selector("#hp-proposal-output:not([hidden])")
    checked = _area(page.inner_text("#hp-proposal-output"))
    assert checked == pytest.approx(four, rel=0.01)  # the running estimate agrees with the server's measure
    assert page.is_hidden("#hp-proposal-running")
    drawn, answer = page.url, page.inner_text("#hp-proposal-output")

    # once drawn, a corner dragged away is checked again, and undo puts it back
    corner = page.locator(".marker-icon:not(.marker-icon-middle)").first.bounding_box()
    x, y = corner["x"] + corner["width"] / 2, corner["y"] + corner["height"] / 2
    with page.expect_response("**/api/evaluate?lang=en"):
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x - 30, y - 30, steps=5)
        page.mouse.move(x - 60, y - 50, steps=5)
        page.mouse.up()
    page.wait_for_function("text => document.getElementById('hp-proposal-output').innerText !== text", arg=answer)
    assert _area(page.inner_text("#hp-proposal-output")) > checked and page.url != drawn
    with page.expect_response("**/api/evaluate?lang=en"):
        page.click("#hp-proposal-undo")
    page.wait_for_function("url => location.href === url", arg=drawn)
    page.wait_for_function("area => document.getElementById('hp-proposal-output').innerText.includes(area)",
                           arg=f"{checked:,} ha")  # fmt: skip
    assert w.errors() == [] and w.foreign_requests() == []


@pytest.mark.parametrize(
    ("geojson", "pattern"),
    [
        ('{"type": "Point", "coordinates": [106.7, 20.8]}', "(?i)polygon"),
        (
            '{"type": "Polygon", "coordinates": [[[2.30, 48.85], [2.31, 48.85], [2.31, 48.86], [2.30, 48.85]]]}',
            "(?i)region|far",
        ),
        ("not json", "(?i)json|unexpected|token"),
    ],
)
def test_a_bad_proposal_gets_a_clear_message(watched, geojson, pattern):
    w = watched()
    page = w.open("/?lang=en&panel=proposal")
    page.click("#hp-proposal-panel details summary")
    page.fill("#hp-proposal-geojson", geojson)
    page.click("#hp-proposal-check")
    page.wait_for_selector("#hp-proposal-message:not([hidden])")
    assert re.search(pattern, page.inner_text("#hp-proposal-message"))
    assert page.is_hidden("#hp-proposal-output")
    # the 400 answer is the app speaking; it is not a script error
    assert [e for e in w.errors() if "400" not in e] == []


def test_a_server_error_in_the_site_finder_is_explained_not_parsed(watched):
    w = watched()  # a proxy in front of the app that cannot reach it answers with its own HTML page
    gateway_error = {"status": 502, "content_type": "text/html", "body": "<h1>Bad gateway</h1>"}
    w.page.route("**/api/sites?*", lambda route: route.fulfill(**gateway_error))
    page = w.open("/?lang=en&panel=sites")
    page.click('#hp-sites-form button[type="submit"]')
    page.wait_for_selector("#hp-sites-message:not([hidden])")
    assert page.inner_text("#hp-sites-message") == "The server could not answer (HTTP 502). Try again later."
    assert page.is_hidden("#hp-sites-output")


@pytest.mark.parametrize(("lang", "operating"), [("en", "Operating"), ("vi", "Đang hoạt động")])
def test_the_coverage_page_renders_its_charts_headline_and_map(watched, lang, operating):
    w = watched()
    w.page.set_viewport_size({"width": 1440, "height": 1000})
    page = w.open(f"/coverage?lang={lang}")  # ready when its map has drawn
    assert page.locator("#chart-coverage rect.hp-bar-operating").count() == 2
    assert page.locator("#chart-occupancy rect.hp-occupancy-bar").count() >= 10
    report = json.loads(urlopen(w.server.url + "/api/coverage").read())
    # The headline: each zone's operating, under-construction and planned shares apart, with units.
    for zone in report["zones"]:
        line = page.inner_text(f'#coverage-headline li[data-zone="{zone["id"]}"]')
        share = zone["by_status"]["operating"] / zone["outline_ha"] * 100
        assert operating in line and line.count("%") == 3 and line.count("ha") >= 4
        expected = f"{share:,.2f}".rstrip("0").rstrip(".")
        assert (expected if lang == "en" else expected.replace(",", "_").replace(".", ",").replace("_", ".")) in line
    # The map: every park outside the zones and every overlapping park drawn.
    drawn = page.eval_on_selector_all("#hp-coverage-map path[data-coverage]", "ps => ps.map(p => p.dataset.featureId)")
    overlapping = {i for o in report["overlaps"] for i in (o["a"], o["b"])}
    assert sorted(drawn) == sorted({p["id"] for p in report["outside_zones"]} | overlapping)
    # Units and the reader's number format: "4.9 years" in English, "4,9 năm" in Vietnamese.
    age = page.locator("#table-stale td.hp-num").first.inner_text()
    assert re.fullmatch(r"\d+(\.\d)? years" if lang == "en" else r"\d+(,\d)? năm", age), age
    assert " ha" in page.inner_text("#table-conflicts")
    # Names are not squeezed to a word per line by the numeric columns.
    for table in ("#table-zones", "#table-certainty"):
        assert page.locator(f"{table} tbody th").first.bounding_box()["width"] >= 150
    assert w.errors() == [] and w.foreign_requests() == []
    if lang == "en":
        page.set_viewport_size({"width": 1100, "height": 1400})
        page.screenshot(path=str(SCREENSHOTS / "coverage.png"))
    page.set_viewport_size({"width": 1100, "height": 1400})
    page.screenshot(path=str(SCREENSHOTS / "coverage.png"))


def test_unknowns_can_be_ranked_on_what_is_known_and_are_marked(watched):
    w = watched()
    page = w.open("/?lang=en&panel=sites")
    page.fill('input[name="min_free_ha"]', "20")
    page.fill('input[name="max_km_lach_huyen"]', "30")
    page.select_option('select[name="unknowns"]', "include")
    page.click('#hp-sites-form button[type="submit"]')
    page.wait_for_selector("#hp-sites-results li.hp-result-lacking")
    assert "Lacks figures: free land unknown" in page.inner_text("#hp-sites-results li.hp-result-lacking")
    assert "0.5 points share a rank" in page.inner_text("#hp-sites-explained")
    assert page.is_hidden("#hp-sites-unknown")
    assert "unknowns%3Dinclude" in page.url and "unknowns=include" in page.get_attribute("#hp-sites-csv", "href")
    assert w.errors() == []
