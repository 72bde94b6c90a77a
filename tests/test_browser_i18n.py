"""The interface's language as a browser gets it: from its own language settings, with no ?lang=."""

from __future__ import annotations

import pytest

from tests.conftest import SCREENSHOTS
from tests.test_browser import click_feature

pytestmark = pytest.mark.browser


def test_a_korean_browser_gets_korean_words_on_the_map_and_a_park_page(watched):
    w = watched(locale="ko-KR")
    page = w.open("/?lat=20.80&lon=106.80&z=13")
    assert page.get_attribute("html", "lang") == "ko"
    assert page.get_attribute("#hp-search-input", "placeholder") == "산업단지, 항만 검색…"
    legend = page.inner_text(".hp-legend")
    assert "범례" in legend and "운영 중" in legend and "건설 중" in legend
    groups = page.eval_on_selector_all(".leaflet-control-layers-group-name", "ns => ns.map(n => n.textContent.trim())")
    assert groups == ["경제구역", "산업", "교통"]
    assert page.inner_text('a[data-lang-switch="ko"][aria-current="true"]') == "한국어"
    click_feature(page, "kcn-nam-dinh-vu")
    popup = page.wait_for_selector(".leaflet-popup-content .hp-popup").inner_text()
    assert "산업단지" in popup and "운영 중" in popup and "Lạch Huyện 항" in popup
    assert "Nam Đình Vũ Non-tariff Zone" in popup  # the English name (with its diacritics): no Korean data
    page.screenshot(path=str(SCREENSHOTS / "map-ko.png"))

    page = w.open("/features/kcn-trang-due")
    assert page.get_attribute("html", "lang") == "ko"
    assert page.inner_text("h1") == "Tràng Duệ Industrial Park (phases 1–2)"
    main = page.inner_text("main")
    assert "KCN Tràng Duệ" in main  # the Vietnamese name, with its diacritics
    assert "지도에서 보기" in main and "수치" in main and "출처" in main and "입주율" in main
    assert w.errors() == [] and w.foreign_requests() == []


def test_a_browser_in_a_language_we_do_not_have_gets_english(watched):
    w = watched(locale="sw")
    page = w.open("/")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_attribute("#hp-search-input", "placeholder") == "Search parks, ports…"
    assert "Legend" in page.inner_text(".hp-legend")
    page = w.open("/features/kcn-trang-due")
    assert page.get_attribute("html", "lang") == "en" and "Show on the map" in page.inner_text("main")
    assert w.errors() == []
