"""The map and the feature pages in a real Chromium, driven by Playwright, over real HTTP."""

from __future__ import annotations

import json
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from tests.builders import HOSTILE_NAME, write_hostile_dataset
from tests.conftest import SCREENSHOTS, LiveServer
from webmap.templating import format_distance

pytestmark = pytest.mark.browser


def click_feature(page, feature_id: str) -> None:
    """Click a point of the feature's outline that nothing else covers."""
    point = page.evaluate(
        """id => {
            const path = document.querySelector(`path[data-feature-id="${id}"]`);
            const box = path.getBoundingClientRect();
            for (let fy = 0.5; fy < 1; fy += 0.07) for (const sy of [1, -1]) for (let fx = 0.1; fx < 1; fx += 0.1) {
                const x = box.left + box.width * fx, y = box.top + box.height * (0.5 + sy * (fy - 0.5));
                if (document.elementFromPoint(x, y) === path) return [x, y];
            }
            return null;
        }""",
        feature_id,
    )
    assert point, f"no clickable point on {feature_id}"
    page.mouse.click(*point)


def test_the_map_shows_every_feature_of_every_layer(watched, shipped):
    w = watched(locale="en-GB")
    page = w.open("/?lang=en")
    for name, layer in shipped.layers.items():
        drawn = page.eval_on_selector_all(
            f'path[data-layer="{name}"]', "paths => [...new Set(paths.map(p => p.dataset.featureId))]"
        )
        assert sorted(drawn) == sorted(layer.gdf.index), name
    assert w.errors() == [] and w.foreign_requests() == [] and w.dialogs == []
    page.screenshot(path=str(SCREENSHOTS / "map.png"))


def test_clicking_a_park_opens_its_popup_with_dated_sourced_figures(watched, shipped):
    w = watched()
    page = w.open("/?lang=en&lat=20.80&lon=106.80&z=13")
    click_feature(page, "kcn-nam-dinh-vu")
    popup = page.wait_for_selector(".leaflet-popup-content .hp-popup")
    text = popup.inner_text()
    assert "Nam Đình Vũ Non-tariff Zone" in text
    assert "1,329 ha (2023," in text and "Operating" in text
    park = shipped.layer("industrial-parks").gdf.loc["kcn-nam-dinh-vu"]
    km, spread = park["distance_km_lach_huyen"], park["distance_uncertainty_km_lach_huyen"]
    assert spread > 0 and f"Lạch Huyện port: {format_distance(km, spread, 'en')}" in text  # the script agrees
    assert " ± " in text
    assert page.inner_text(".hp-legend-uncertainty") == "± km: both positions' uncertainty"
    assert popup.query_selector('a.hp-details[href="/features/kcn-nam-dinh-vu?lang=en"]')
    assert "f=kcn-nam-dinh-vu" in page.url  # the open feature is in the URL
    # The layer brought what the map draws; the figures, sources and distances came with the popup.
    url = page.evaluate(
        "JSON.parse(document.getElementById('hpmap-config').textContent).layers"
        ".find(l => l.id === 'industrial-parks').url"
    )
    assert url in [urlsplit(u).path + "?" + urlsplit(u).query for u in w.requests]  # what the map asked for
    with urlopen(w.server.url + url) as response:
        drawn = next(f for f in json.load(response)["features"] if f["id"] == "kcn-nam-dinh-vu")["properties"]
    assert "status" in drawn and "name_en" in drawn and "sources" not in drawn and "area_ha" not in drawn
    assert w.errors() == []


def test_search_ignores_diacritics_and_zooms_to_the_result(watched):
    w = watched()
    page = w.open("/?lang=vi")
    page.fill("#hp-search-input", "trang due")
    results = page.locator("#hp-search-results button")
    results.first.wait_for()
    names = results.all_inner_texts()
    assert any("KCN Tràng Duệ (giai đoạn 1 & 2)" in n for n in names)
    page.locator('#hp-search-results button[data-feature-id="kcn-trang-due"]').click()
    popup = page.wait_for_selector(".leaflet-popup-content .hp-popup")
    assert "KCN Tràng Duệ (giai đoạn 1 & 2)" in popup.inner_text()
    assert page.evaluate("map_hpmap.getZoom()") >= 12
    page.fill("#hp-search-input", "deep c")
    page.locator("#hp-search-results button").first.wait_for()
    found = page.eval_on_selector_all("#hp-search-results button", "bs => bs.map(b => b.dataset.featureId)")
    assert {"kcn-dinh-vu-deep-c-1", "kcn-deep-c-2", "kcn-deep-c-3"} <= set(found)
    assert w.errors() == []


def search_results(page, query: str) -> list[dict]:
    """Type ``query`` in the search box; return each result's feature or place id and its text."""
    page.fill("#hp-search-input", query)
    page.locator("#hp-search-results button").first.wait_for()
    return page.eval_on_selector_all(
        "#hp-search-results button",
        "bs => bs.map(b => ({id: b.dataset.featureId || b.dataset.placeId, text: b.innerText}))",
    )


@pytest.mark.parametrize(
    ("lang", "tenant", "commune", "province"),
    [("vi", "doanh nghiệp thuê đất", "xã/phường", "tỉnh cũ"), ("en", "tenant", "commune", "former province")],
)
def test_search_finds_tenants_communes_and_former_provinces_and_says_why(watched, shipped, lang, tenant, commune,
                                                                         province):  # fmt: skip
    w = watched()
    page = w.open(f"/?lang={lang}")
    # The index is not part of the page: it comes when the search box is first used.
    assert not any("/api/search-index" in url for url in w.requests)
    parks = shipped.layer("industrial-parks").gdf
    with_lg = [i for i, ts in parks["tenants"].items() if any(t.startswith("LG Display") for t in ts)]
    results = search_results(page, "lg")
    assert any("/api/search-index" in url for url in w.requests)
    first = {r["id"]: r["text"] for r in results}
    assert with_lg and set(with_lg) <= set(first)
    assert f"{tenant}: LG " in first[with_lg[0]]
    results = search_results(page, "lg display")
    assert results[0]["id"] == with_lg[0] and f"{tenant}: LG Display" in results[0]["text"]
    # A name or alias equal to the query comes first ("Tràng Duệ" is the park's alias), then the other names,
    # which need no explanation, before any other kind of match.
    results = search_results(page, "Trang  DUE")
    assert results[0]["id"] == "kcn-trang-due" and results[0]["text"].endswith(": Tràng Duệ")
    assert results[1]["id"].startswith("kcn-trang-due") and len(results[1]["text"].split("\n")) == 2
    # A former province: the parks of old Hải Dương, each saying so, after the place of that name.
    from_hai_duong = set(parks.index[parks["former_province"] == "hai-duong"])
    results = search_results(page, "hai duong")
    assert results[0]["text"].startswith("Phường Hải Dương" if lang == "vi" else "Hải Dương ward")
    parks_found = [r for r in results if r["id"] in parks.index]
    assert parks_found and {r["id"] for r in parks_found} <= from_hai_duong
    why = [r["text"].split("\n")[-1] for r in parks_found]
    assert all("Hải Dương" in line for line in why) and f"{province}: Hải Dương (" in "\n".join(why)
    # A commune of 2025: the parks in it, with the commune named.
    in_an_duong = {i for i, c in parks["commune_2025"].items() if "Phường An Dương" in str(c)}
    results = search_results(page, "phuong an duong")
    assert in_an_duong and in_an_duong <= {r["id"] for r in results}
    assert all(f"{commune}: Phường An Dương" in r["text"] for r in results if r["id"] in in_an_duong)
    # A place result moves the map there.
    page.locator("#hp-search-results button[data-place-id]").first.click()
    assert page.evaluate("map_hpmap.getZoom()") >= 13
    assert "An Dương" in page.wait_for_selector(".leaflet-popup-content").inner_text()
    assert w.errors() == [] and w.foreign_requests() == []


def test_the_language_switch_changes_the_interface_and_keeps_the_view(watched):
    w = watched(locale="vi-VN")
    page = w.open("/?lat=20.85&lon=106.70&z=12")
    assert page.get_attribute("html", "lang") == "vi"
    assert page.get_attribute("#hp-search-input", "placeholder") == "Tìm khu, cụm, cảng…"
    assert "Chú giải" in page.inner_text(".hp-legend")
    page.click('a[data-lang-switch="en"]')
    page.wait_for_selector("body[data-ready]")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_attribute("#hp-search-input", "placeholder") == "Search parks, ports…"
    assert "Legend" in page.inner_text(".hp-legend") and "Under construction" in page.inner_text(".hp-legend")
    assert page.evaluate("map_hpmap.getZoom()") == 12
    assert w.errors() == []


def test_status_filter_hides_features_and_lives_in_the_url(watched, shipped):
    w = watched()
    page = w.open("/?lang=en&status=operating")
    parks = shipped.layer("industrial-parks").gdf
    drawn = set(
        page.eval_on_selector_all('path[data-layer="industrial-parks"]', "ps => ps.map(p => p.dataset.featureId)")
    )
    assert drawn == set(parks.index[parks["status"] == "operating"])
    page.check('input[data-status="planned"]')
    assert "status=operating%2Cplanned" in page.url or "status=operating,planned" in page.url


def test_the_feature_page_renders_with_its_small_map(watched):
    w = watched()
    page = w.open("/features/kcn-trang-due?lang=en")
    assert page.inner_text("h1") == "Tràng Duệ Industrial Park (phases 1–2)"
    assert page.query_selector("#hp-small-map path.leaflet-interactive")
    assert "LG Display" in page.inner_text("main")
    assert w.errors() == [] and w.foreign_requests() == []
    page.set_viewport_size({"width": 1100, "height": 1600})
    page.screenshot(path=str(SCREENSHOTS / "feature.png"))


def test_the_phone_layout_works_at_360_pixels(watched):
    w = watched(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = w.open("/?lang=vi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    search = page.locator("#hp-search-input").bounding_box()
    assert search["x"] >= 0 and search["x"] + search["width"] <= 360
    map_box = page.locator(".folium-map").bounding_box()
    assert map_box["height"] > 570 and map_box["width"] == 360  # the bar takes four rows, not six (207 px)
    assert page.locator(".hp-bar").bounding_box()["height"] <= 170
    tools = page.locator(".hp-tools").bounding_box()
    assert tools["height"] < 40 and tools["x"] + tools["width"] <= 360  # one row, scrolled sideways
    assert page.get_attribute(".hp-legend-toggle", "aria-expanded") == "false"  # the legend starts folded
    page.fill("#hp-search-input", "lach huyen")
    page.locator("#hp-search-results button").first.click()
    popup = page.wait_for_selector(".leaflet-popup-content .hp-popup")
    box = popup.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert w.errors() == []
    assert "Khu bến cảng Lạch Huyện" in popup.inner_text()  # the exact alias ranks first
    page.wait_for_timeout(400)  # let the popup finish fading in
    page.screenshot(path=str(SCREENSHOTS / "map-phone.png"))


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    directory = write_hostile_dataset(tmp_path_factory.mktemp("hostile") / "data")
    server = LiveServer({"DATA_DIR": str(directory), "OFFLINE": True})
    yield server
    server.stop()


def test_hostile_values_never_run_in_popups_tooltips_search_or_pages(watched, hostile_server):
    w = watched(server=hostile_server)
    page = w.open("/?lang=en&lat=20.73&lon=106.63&z=13")
    page.fill("#hp-search-input", "trang due")
    page.locator('#hp-search-results button[data-feature-id="kcn-trang-due"]').click()
    popup = page.wait_for_selector(".leaflet-popup-content .hp-popup")
    assert HOSTILE_NAME in popup.inner_text()
    assert page.query_selector(".leaflet-popup img, .leaflet-popup script, .leaflet-popup svg") is None
    page.hover('path[data-feature-id="kcn-trang-due"]', force=True)
    w.open("/features/kcn-trang-due?lang=en")
    assert HOSTILE_NAME in w.page.inner_text("h1")
    assert w.page.query_selector("main img, main svg[onload], a[href^='javascript:']") is None
    assert w.page.evaluate("window.__pwned") is None
    assert w.dialogs == []


def test_map_controls_are_all_there_and_measurement_works(watched):
    w = watched()
    page = w.open("/?lang=en&lat=20.80&lon=106.80&z=12")
    for selector in (".hp-lazy-fullscreen", ".leaflet-control-locate", ".leaflet-control-minimap",
                     ".leaflet-control-scale", ".leaflet-control-layers"):  # fmt: skip
        assert page.query_selector(selector), selector
    groups = page.eval_on_selector_all(".leaflet-control-layers-group-name", "ns => ns.map(n => n.textContent.trim())")
    assert groups == ["Economic zones", "Industry", "Transport"]
    page.click(".hp-measure-button")
    page.wait_for_selector('.hp-measure-button[aria-pressed="true"]')  # the drawing tools come on first use
    size = page.evaluate("[map_hpmap.getSize().x, map_hpmap.getSize().y]")
    box = page.locator(".folium-map").bounding_box()
    start = (box["x"] + size[0] * 0.4, box["y"] + size[1] * 0.5)
    end = (box["x"] + size[0] * 0.6, box["y"] + size[1] * 0.5)
    page.mouse.click(*start)
    page.wait_for_timeout(400)  # two quick clicks would be a double-click (zoom)
    page.mouse.click(*end)
    expected_km = page.evaluate(
        "([a, b]) => map_hpmap.distance(map_hpmap.containerPointToLatLng(a),"
        " map_hpmap.containerPointToLatLng(b)) / 1000",
        [[size[0] * 0.4, size[1] * 0.5], [size[0] * 0.6, size[1] * 0.5]],
    )
    readout = page.inner_text(".hp-measure-readout")
    assert readout.startswith("Total: ") and readout.endswith(" km")
    assert float(readout.removeprefix("Total: ").removesuffix(" km").replace(",", "")) == pytest.approx(
        expected_km, abs=0.01
    )
    assert w.errors() == []


def test_escape_closes_the_open_popup_wherever_the_focus_is(watched):
    w = watched()
    page = w.open("/?lang=en")
    page.fill("#hp-search-input", "trang due")
    page.locator('#hp-search-results button[data-feature-id="kcn-trang-due"]').click()
    page.wait_for_selector(".leaflet-popup-content .hp-popup")
    assert "f=kcn-trang-due" in page.url
    page.focus("#hp-search-input")  # the focus away from the map
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    assert "f=" not in page.url
    assert w.errors() == []


def test_copy_link_copies_the_view_on_the_map_and_the_other_pages(watched):
    w = watched(permissions=["clipboard-read", "clipboard-write"])
    page = w.open("/?lang=en&lat=20.80&lon=106.80&z=12&status=operating,planned")
    page.evaluate("map_hpmap.setView([20.85, 106.70], 13)")
    page.wait_for_function("() => location.search.includes('z=13')")
    page.click("#hp-copy-link")
    page.wait_for_selector("#hp-copy-status:not([hidden])")
    assert page.inner_text("#hp-copy-status") == "Link copied"
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url and "lat=20.85000" in copied and "z=13" in copied and "status=operating" in copied
    for path in ("/coverage?lang=vi", "/compare?ids=kcn-trang-due,kcn-nam-dinh-vu&lang=en"):
        other = w.open_static(path)
        other.click("#hp-copy-link")
        other.wait_for_selector("#hp-copy-status:not([hidden])")
        assert other.evaluate("navigator.clipboard.readText()") == other.url
    assert w.page.inner_text("#hp-copy-status") == "Link copied"
    assert w.errors() == [] and w.foreign_requests() == []


def test_copy_link_without_a_clipboard_shows_the_link_to_copy(watched):
    w = watched()  # no clipboard permission: the browser refuses the page the clipboard
    page = w.open_static("/coverage?lang=en")
    page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined})")  # as on plain http
    page.click("#hp-copy-link")
    page.wait_for_selector("#hp-copy-status input")
    assert page.input_value("#hp-copy-status input") == page.url
    assert page.inner_text("#hp-copy-status").startswith("Copy this link:")


def test_a_layer_that_cannot_be_loaded_is_named_with_what_to_do(watched):
    w = watched()
    w.page.route("**/api/collections/ports/items?*", lambda route: route.abort())
    page = w.open("/?lang=vi", ready="error")
    note = page.locator("#hp-loading")
    assert note.get_attribute("role") == "alert"
    assert note.inner_text().startswith("Không tải được: Cảng biển. Hãy kiểm tra kết nối mạng rồi tải lại trang.")
    assert note.locator("button.hp-reload").inner_text() == "Tải lại"
    assert page.locator('path[data-layer="industrial-parks"]').count() > 0  # the others are drawn
    assert page.locator('path[data-layer="ports"]').count() == 0


def test_the_map_says_it_is_loading_until_its_layers_are_drawn(watched):
    w = watched()
    held = []
    w.page.route("**/api/collections/economic-zones/items?*", lambda route: held.append(route))
    w.page.goto(w.server.url + "/?lang=en")
    w.page.wait_for_function("() => document.querySelectorAll('path[data-layer=\"industrial-parks\"]').length > 0")
    assert w.page.inner_text("#hp-loading") == "Loading the map's layers…"  # shown from the HTML on
    assert w.page.get_attribute("body", "data-ready") is None
    while not held:
        w.page.wait_for_timeout(50)
    for route in held:
        route.continue_()
    w.page.wait_for_selector("body[data-ready='true']")
    assert w.page.locator("#hp-loading").count() == 0
    assert w.errors() == []


def test_my_location_refused_says_so_in_the_pages_language(watched):
    w = watched()  # no geolocation permission granted: the browser refuses the position
    page = w.open("/?lang=vi")
    page.on("dialog", lambda dialog: dialog.dismiss())  # the plugin's own alert, in the browser's words
    locate = page.locator(".leaflet-control-locate a").first
    locate.click()
    page.wait_for_selector(".leaflet-control-locate.leaflet-control:not(.hp-lazy-loading)")
    note = page.locator("#hp-loading.hp-error")
    if not note.is_visible():  # the first click may only have loaded the plugin
        page.locator(".leaflet-control-locate a").first.click()
    note.wait_for(state="visible")
    assert "Không có vị trí của bạn" in note.inner_text()
    assert w.errors() == []
