"""The investor's and the planner's tools in a real Chromium: site finder, comparison, proposal check, coverage."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

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


def test_the_coverage_page_renders_its_charts(watched):
    w = watched()
    page = w.open_static("/coverage?lang=en")
    assert page.locator("#chart-coverage rect.hp-bar-operating").count() == 2
    assert page.locator("#chart-occupancy rect.hp-occupancy-bar").count() >= 10
    assert "Economic zone" in page.inner_text("#table-zones")
    assert w.errors() == [] and w.foreign_requests() == []
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
