"""Phones and accessibility, in a real browser: every page fits a 360-px screen without sideways scrolling
and passes axe-core with no serious or critical violation, at 1440 and 360 px, in Vietnamese, English and
Korean; the map's outlines come after its controls in the tab order and are named; on a phone a popup is
a bottom sheet that a swipe, Esc or its close button closes.

axe-core is vendored under tests/vendor/axe-core/ (from npm: axe-core 4.14.1, MPL-2.0; README there) and
handed to the page at the app's own address by the test, so no page of the app ships it and no request
leaves the machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"  # answered by the test (page.route), never by the app
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
# Every kind of page: the map (with a popup, the site finder, the proposal's drawing too), a feature, a
# comparison, coverage, the city's figures, an error page. True: the page says when its script is done
# (body[data-ready]).
PAGES = [
    ("/", True),
    ("/?f=kcn-trang-due", True),
    ("/?panel=sites", True),
    ("/?panel=proposal", True),  # drawing: geoman's handles on the map
    ("/features/kcn-trang-due", True),
    ("/compare?ids=kcn-trang-due,kcn-vsip-hai-phong,kcn-nomura-hai-phong", True),
    ("/coverage", False),
    ("/glance", False),
    ("/features/no-such-feature", False),
]


def with_lang(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + "lang=" + lang


def serious_violations(page, server) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands: 'rule: target, …'."""
    page.route(server.url + AXE_PATH, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=server.url + AXE_PATH)
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id + ': ' + v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', '))""")
    assert page.evaluate("typeof axe.run") == "function"  # axe did run: an empty list is its answer
    return found


def open_page(w, path: str, scripted: bool):
    page = w.open(path) if scripted else w.open_static(path)
    page.wait_for_timeout(300)  # a popup's fade, a chart's layout
    return page


@pytest.mark.parametrize("lang", ["vi", "en", "ko"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_every_page_fits_the_screen_and_passes_axe(watched, lang, screen):
    options = PHONE if screen == "phone" else DESKTOP
    width = options["viewport"]["width"]
    w = watched(**options)
    problems = {}
    for path, scripted in PAGES:
        page = open_page(w, with_lang(path, lang), scripted)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems[path + " scrollWidth"] = scroll_width
        if path.startswith("/?f="):
            assert page.locator(".leaflet-popup .hp-popup").count() == 1, path  # axe sees the popup too
        if "panel=proposal" in path:  # axe sees the drawing's handles
            page.wait_for_selector(".leaflet-marker-icon.marker-icon", state="attached")
        if "no-such" in path:
            assert page.locator(".hp-error-box").count() == 1, path  # an error page indeed
        violations = serious_violations(page, w.server)
        if violations:
            problems[path + " axe"] = violations
    assert problems == {}
    assert w.foreign_requests() == []


def test_the_map_controls_come_before_the_outlines_and_the_outlines_are_named(watched):
    w = watched(**DESKTOP)
    page = w.open("/?lang=en")
    focused = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate("""() => { const e = document.activeElement;
            return [e.tagName.toLowerCase(), e.getAttribute('class') || '', e.getAttribute('aria-label') || '',
                    e.getAttribute('data-feature-id') || '']; }""")
        )
        if focused[-1][0] == "path":
            break
    kinds = [tag + "." + cls.split(" ")[0] for tag, cls, _, _ in focused]
    zoom_in = kinds.index("a.leaflet-control-zoom-in")
    assert zoom_in < 16, kinds  # the bar's links and buttons, the map, then its controls
    assert "button.hp-legend-toggle" in kinds[zoom_in:]
    first_outline = kinds.index("path.hp-feature")
    assert first_outline > kinds.index("button.hp-legend-toggle")  # every control first
    _, _, label, feature_id = focused[first_outline]
    assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
    # Enter opens its popup with the focus on a close button named in the page's language; Esc closes it
    # and gives the focus back to the outline. Its name: the popup's title and status.
    page.keyboard.press("Enter")
    popup = page.wait_for_selector(f'.leaflet-popup .hp-popup[data-feature-id="{feature_id}"]')
    title, status = popup.query_selector("h3").inner_text(), popup.query_selector(".hp-status").inner_text()
    assert label == f"{title} · {status}" and title and status
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Close"
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    assert page.evaluate("document.activeElement.getAttribute('data-feature-id')") == feature_id
    assert w.errors() == []


def sheet_box(page) -> dict:
    return page.evaluate("""() => { const s = document.querySelector('.leaflet-popup');
        const r = s.getBoundingClientRect(), c = s.querySelector('.leaflet-popup-close-button').getBoundingClientRect();
        return {sheet: s.classList.contains('hp-sheet'), x: r.x, width: r.width, top: r.top, bottom: r.bottom,
                close_w: c.width, close_h: c.height, label: s.querySelector('.leaflet-popup-close-button')
                .getAttribute('aria-label')}; }""")


def swipe_down(page, selector: str, distance: int) -> None:
    """A one-finger swipe down the element: touch events as a phone's browser sends them."""
    page.evaluate(
        """([selector, distance]) => {
        const node = document.querySelector(selector), r = node.getBoundingClientRect();
        const at = (y) => new Touch({identifier: 1, target: node, clientX: r.x + r.width / 2, clientY: y});
        const start = at(r.top + 20), end = at(r.top + 20 + distance);
        node.dispatchEvent(new TouchEvent('touchstart', {touches: [start], changedTouches: [start], bubbles: true}));
        node.dispatchEvent(new TouchEvent('touchmove', {touches: [end], changedTouches: [end], bubbles: true}));
        node.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: [end], bubbles: true}));
    }""",
        [selector, distance],
    )


def test_on_a_phone_the_popup_is_a_bottom_sheet_that_a_swipe_esc_or_its_button_closes(watched):
    w = watched(**PHONE)
    page = w.open("/?lang=ko&f=kcn-trang-due")
    page.wait_for_selector(".leaflet-popup.hp-sheet .hp-popup")
    page.wait_for_timeout(300)
    box = sheet_box(page)
    assert box["sheet"] and box["x"] == 0 and box["width"] == 360
    assert box["bottom"] == pytest.approx(740, abs=1)  # along the screen's bottom edge
    assert box["bottom"] - box["top"] <= 740 / 2  # at most half the screen
    assert box["close_w"] >= 44 and box["close_h"] >= 44 and box["label"] == "닫기"
    page.screenshot(path=str(SCREENSHOTS / "map-phone-sheet.png"))
    # panning the map leaves the sheet where it is
    page.mouse.move(180, 300)
    page.mouse.down()
    page.mouse.move(120, 260, steps=5)
    page.mouse.up()
    assert sheet_box(page)["top"] == pytest.approx(box["top"], abs=1)
    swipe_down(page, ".leaflet-popup.hp-sheet", 20)  # too short: stays
    assert page.locator(".leaflet-popup.hp-sheet").count() == 1
    swipe_down(page, ".leaflet-popup.hp-sheet", 120)
    page.wait_for_selector(".leaflet-popup", state="detached")
    assert "f=" not in page.url
    for close in ("Escape", "button"):
        page.fill("#hp-search-input", "trang due")
        page.locator('#hp-search-results button[data-feature-id="kcn-trang-due"]').click()
        page.wait_for_selector(".leaflet-popup.hp-sheet .hp-popup")
        if close == "Escape":
            page.keyboard.press("Escape")
        else:
            page.locator(".hp-sheet .leaflet-popup-close-button").click()
        page.wait_for_selector(".leaflet-popup", state="detached")
    assert w.errors() == []


def test_on_a_wide_screen_the_popup_points_at_its_feature(watched):
    w = watched(**DESKTOP)
    page = w.open("/?lang=en&f=kcn-trang-due")
    page.wait_for_selector(".leaflet-popup .hp-popup")
    assert not sheet_box(page)["sheet"]
    assert page.locator(".leaflet-popup-tip").is_visible()
    assert not [url for url in w.requests if "/static/dist/sheet" in url]  # the sheet's code: phones only


@pytest.mark.parametrize("lang", ["vi", "ko"])
def test_the_coverage_charts_words_stay_readable_on_a_phone(watched, lang):
    w = watched(**PHONE)
    page = w.open_static(f"/coverage?lang={lang}")
    texts = page.evaluate("""() => [...document.querySelectorAll('#chart-coverage text, #chart-occupancy text')]
        .map((t) => { const r = t.getBoundingClientRect(), s = t.closest('svg').getBoundingClientRect();
                      return [t.textContent, r.height, r.left >= s.left - 1 && r.right <= s.right + 1]; })""")
    assert len(texts) > 10
    assert all(height >= 11 for _, height, _ in texts), texts  # the font's size, not shrunk to the screen
    assert all(inside for _, _, inside in texts), [t for t in texts if not t[2]]
    # the wide tables scroll inside boxes the keyboard reaches; the page itself does not
    regions = page.locator(".hp-table-scroll[tabindex='0'][role='region']")
    assert regions.count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SCREENSHOTS / f"coverage-phone-{lang}.png"), full_page=False)


def test_the_feature_page_on_a_phone_reads_its_tables_as_cards(watched):
    w = watched(**PHONE)
    page = w.open("/features/kcn-trang-due?lang=en")
    cell = page.locator("table.hp-evidence td[data-label='Source']").first.element_handle()
    assert page.evaluate("(td) => getComputedStyle(td).display", cell) == "block"  # a line of its own
    assert "Source" in page.evaluate("(td) => getComputedStyle(td, '::before').content", cell)  # named
    assert page.locator("table.hp-evidence thead").bounding_box()["height"] <= 1  # for screen readers only
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#hp-position").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "feature-phone.png"))
