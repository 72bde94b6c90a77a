"""What the map page loads, and when: the first-load budget, the panels, tools and plugins fetched on first
use, the layers' data asked for once while the scripts load, large layers drawn page by page; and the built
files in webmap/static/dist/ matching their sources and the packages the lockfile pins."""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.browser import FIRST_LOAD_TYPES, gzip_size
from geo.formats.synthetic import write_synthetic_dataset
from geo.model.catalog import LAYERS
from tests.conftest import DATA_DIR, REPO, LiveServer, Watched
from webmap.map_config import VIEWPORT_THRESHOLD

STATIC = REPO / "webmap" / "static"
DIST = STATIC / "dist"
FRONTEND = REPO / "tools" / "frontend"
FIRST_LOAD_BUDGET = 60_000  # bytes: issue 6's "≤ 60 KB gzip" (bench/report.py: 1 KB = 1,000 bytes)
# What only a button (or the search box, a popup, a large layer) needs: the chunks esbuild names after
# their module (sites-<hash>.js), the panels' and the drawing tools' styles, the plugins of vendor/.
ON_FIRST_USE = ("/static/dist/sites-", "/static/dist/proposal-", "/static/dist/draw", "/static/dist/measuring-",
                "/static/dist/search-", "/static/dist/popups-", "/static/dist/viewport-", "/static/dist/panels.css",
                "/static/dist/sheet", "/static/vendor/locate/", "/static/vendor/fullscreen/Control.",
                "/static/dist/basemap.js")  # fmt: skip


def first_load(w: Watched, path: str) -> dict[str, int]:
    """Open ``path``; return each script's and stylesheet's gzip size, counted as bench/browser.py counts them:
    every one loaded until the page is ready and 300 ms after, each compressed on its own at level 6; but for
    what the page asks for only once its layers are drawn (AFTER_READY), checked to be asked for after."""
    responses = []
    w.page.on("response", lambda r: responses.append(r) if r.request.resource_type in FIRST_LOAD_TYPES else None)
    w.page.add_init_script(READY_STAMP)
    w.open(path)
    w.page.wait_for_timeout(300)
    later = w.page.evaluate(
        "ps => performance.getEntriesByType('resource').filter(e => ps.some(p => new URL(e.name).pathname"
        ".startsWith(p))).map(e => [new URL(e.name).pathname, e.startTime >= window.__readyAt])", list(AFTER_READY)
    )
    assert later and all(after for _, after in later), later
    return {urlsplit(r.url).path: gzip_size(r.body()) for r in responses if r.ok and not r.url.split("?")[0]
            .endswith(tuple(path for path, _ in later))}  # fmt: skip


# The background's code and style (js/map/background.js, css/background.css): asked for once the layers are
# drawn, when the page is ready, so not part of the first load.
AFTER_READY = ("/static/dist/background",)
READY_STAMP = """new MutationObserver(() => { if (document.body && document.body.dataset.ready && !window.__readyAt)
    window.__readyAt = performance.now(); }).observe(document, {subtree: true, attributes: true, childList: true});"""


def fetched(w: Watched, prefix: str) -> list[str]:
    return [url for url in w.requests if urlsplit(url).path.startswith(prefix)]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_first_load_stays_within_its_budget_and_loads_only_what_it_uses(watched, lang):
    w = watched()
    sizes = first_load(w, f"/?lang={lang}")
    assert sum(sizes.values()) <= FIRST_LOAD_BUDGET, sizes
    assert not [path for path in sizes if path.startswith(ON_FIRST_USE)]  # nothing that only a button needs
    assert not [path for path in sizes if path.startswith(("/static/js/", "/static/css/"))]  # minified only
    assert w.foreign_requests() == [] and w.errors() == []
    # every script waits for the page to be parsed (defer, or an ES module: deferred too) and none runs inline
    scripts = w.page.eval_on_selector_all(
        "script:not([type]), script[type=module]", "ss => ss.map(s => [s.src !== '', s.defer || s.type === 'module'])"
    )
    assert scripts and all(src and deferred for src, deferred in scripts)


@pytest.mark.browser
def test_the_layers_are_asked_for_once_each_while_the_scripts_load(watched, shipped):
    w = watched()
    page = w.open("/?lang=en")
    preloaded = page.eval_on_selector_all('link[rel="preload"][as="fetch"]', "ls => ls.map(l => l.href)")
    assert sorted(urlsplit(url).path for url in preloaded) == sorted(
        f"/api/collections/{spec.name}/items"
        for spec in LAYERS
        if len(shipped.layer(spec.name).gdf) <= VIEWPORT_THRESHOLD
    )
    for url in preloaded:  # the script's own request was answered by the preload: no second one
        assert w.requests.count(url) == 1, url


@pytest.mark.browser
def test_the_panels_load_on_first_use_and_work_offline(watched, shipped):
    w = watched()
    page = w.open("/?lang=en")
    assert not [url for url in w.requests if urlsplit(url).path.startswith(ON_FIRST_USE)]
    assert page.is_hidden("#hp-sites-panel")

    page.click("#hp-sites-toggle")
    page.wait_for_selector("#hp-sites-panel:not([hidden])")
    assert fetched(w, "/static/dist/sites-") and fetched(w, "/static/dist/panels.css")
    assert not fetched(w, "/static/dist/proposal-") and not fetched(w, "/static/dist/draw")
    assert page.get_attribute("#hp-sites-toggle", "aria-expanded") == "true"
    assert page.evaluate("getComputedStyle(document.getElementById('hp-sites-panel')).position") == "absolute"
    page.fill('input[name="max_km_lach_huyen"]', "25")
    page.click('#hp-sites-form button[type="submit"]')
    page.wait_for_selector("#hp-sites-results li")
    parks = shipped.layer("industrial-parks").gdf
    ids = page.eval_on_selector_all("#hp-sites-results li", "items => items.map(i => i.dataset.featureId)")
    assert set(ids) == set(parks.index[parks["distance_km_lach_huyen"] <= 25])
    assert "sites=" in page.url

    page.click("#hp-proposal-toggle")  # opens the proposal check, closes the site finder
    page.wait_for_selector("#hp-proposal-panel:not([hidden])")
    assert fetched(w, "/static/dist/proposal-") and len(fetched(w, "/static/dist/panels.css")) == 1
    assert fetched(w, "/static/dist/draw.css")  # the drawing tools come with it
    assert page.is_hidden("#hp-sites-panel")
    assert "hp-drawing" in page.get_attribute(".folium-map", "class")
    page.click("#hp-proposal-panel .hp-close")
    assert page.is_hidden("#hp-proposal-panel")
    page.click("#hp-sites-toggle")  # the panel's module, imported once, opens it again
    page.wait_for_selector("#hp-sites-panel:not([hidden])")
    assert len(fetched(w, "/static/dist/sites-")) == 1
    assert w.errors() == [] and w.foreign_requests() == []


@pytest.mark.browser
def test_the_locate_control_loads_its_plugin_on_first_use(watched):
    w = watched(geolocation={"latitude": 20.86, "longitude": 106.68, "accuracy": 40}, permissions=["geolocation"])
    page = w.open("/?lang=en")
    assert page.locator(".leaflet-control-locate").count() == 1
    assert page.get_attribute(".leaflet-control-locate a", "title") == "Show my location"
    assert not fetched(w, "/static/vendor/locate/")
    page.click(".leaflet-control-locate a")
    page.wait_for_selector(".leaflet-control-locate.active")  # the plugin's own control, in the button's place
    page.wait_for_selector("path.leaflet-control-locate-marker")  # the position, drawn as a circle marker
    assert page.locator(".leaflet-control-locate").count() == 1
    assert len(fetched(w, "/static/vendor/locate/")) == 1
    arrived = """([lat, lng]) => Math.abs(map_hpmap.getCenter().lat - lat) <= 0.01
                               && Math.abs(map_hpmap.getCenter().lng - lng) <= 0.01"""
    wait_until(page, arrived, [20.86, 106.68])  # the map flies there
    centre = page.evaluate("[map_hpmap.getCenter().lat, map_hpmap.getCenter().lng]")
    assert centre == pytest.approx([20.86, 106.68], abs=0.01)
    assert w.errors() == [] and w.foreign_requests() == []  # no inline style refused by the CSP either


@pytest.mark.browser
def test_the_full_screen_control_loads_its_plugin_on_first_use(watched):
    w = watched()
    page = w.open("/?lang=en")
    assert page.get_attribute(".hp-lazy-fullscreen a", "title") == "Full screen"
    assert not fetched(w, "/static/vendor/fullscreen/Control.")  # its icon only
    page.click(".hp-lazy-fullscreen a")
    page.wait_for_selector("a.leaflet-control-zoom-fullscreen.leaflet-fullscreen-on")  # the plugin's own button
    assert page.evaluate("document.fullscreenElement === map_hpmap.getContainer()")
    assert page.locator(".hp-lazy-fullscreen").count() == 0
    assert len(fetched(w, "/static/vendor/fullscreen/Control.FullScreen.js")) == 1
    page.click("a.leaflet-control-zoom-fullscreen")
    page.wait_for_selector("a.leaflet-control-zoom-fullscreen:not(.leaflet-fullscreen-on)")
    assert page.evaluate("document.fullscreenElement") is None
    assert w.errors() == [] and w.foreign_requests() == []


@pytest.fixture(scope="module")
def synth_server(tmp_path_factory):
    directory = write_synthetic_dataset(DATA_DIR, tmp_path_factory.mktemp("synth") / "data", count=3000, seed=7)
    server = LiveServer({"DATA_DIR": str(directory), "OFFLINE": True})
    yield server
    server.stop()


@pytest.mark.browser
def test_a_large_layer_is_drawn_page_by_page(browser, synth_server):
    w = Watched(browser, synth_server)
    try:
        page = w.open("/?lang=en&lat=20.80&lon=106.55&z=12")
        page.wait_for_selector('path[data-layer="industrial-parks"]', state="attached")  # some lie outside the view
        pages = [parse_qs(urlsplit(url).query) for url in fetched(w, "/api/collections/industrial-parks/items")]
        first = pages[0]
        assert first["limit"] == ["100"] and "offset" not in first  # a small first page, drawn first
        with urlopen(f"{synth_server.url}/api/collections/industrial-parks/items?limit=1&bbox={first['bbox'][0]}") as r:
            matched = json.load(r)["numberMatched"]
        wanted = min(matched, 1000)
        assert wanted > 100
        drawn_all = "wanted => document.querySelectorAll('path[data-layer=\"industrial-parks\"]').length === wanted"
        wait_until(page, drawn_all, wanted)  # every page drawn as it comes
        assert page.locator('path[data-layer="industrial-parks"]').count() == wanted
        pages = [parse_qs(urlsplit(url).query) for url in fetched(w, "/api/collections/industrial-parks/items")]
        offsets = sorted(int(p.get("offset", ["0"])[0]) for p in pages)
        assert offsets == list(range(0, 100, 100)) + list(range(100, wanted, 300))
        assert sum(int(p["limit"][0]) for p in pages) == wanted  # never more than the view's first 1,000
        assert {p["bbox"][0] for p in pages} == {first["bbox"][0]} and {p["zoom"][0] for p in pages} == {"12"}
        notes = [n for n in page.locator(".hp-viewport-note").all_inner_texts() if n.startswith("Industrial parks")]
        assert bool(notes) == (matched > 1000)  # "Industrial parks: 1,000 / …" only when some are not drawn
        assert w.errors() == []
    finally:
        w.close()



@pytest.mark.browser
def test_a_view_asks_for_its_box_widened_to_a_grid_and_a_small_pan_asks_nothing(browser, synth_server):
    """Nearby views share one URL (the server's answer cache and the browser's HTTP cache answer it again)."""
    items = "/api/collections/industrial-parks/items"
    w = Watched(browser, synth_server)
    try:
        page = w.open("/?lang=en&lat=20.80&lon=106.55&z=12")
        page.wait_for_selector('path[data-layer="industrial-parks"]', state="attached")
        view = page.evaluate("(b => [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()])(map_hpmap.getBounds())")
        asked = parse_qs(urlsplit(fetched(w, items)[0]).query)["bbox"][0]
        west, south, east, north = map(float, asked.split(","))
        step = 360 / 2**13  # half a tile at zoom 12
        assert west <= view[0] and south <= view[1] and east >= view[2] and north >= view[3]  # the view, inside
        assert max(view[0] - west, east - view[2]) < step and max(view[1] - south, north - view[3]) < step
        assert all(abs(v / step - round(v / step)) * step < 1e-5 for v in (west, south, east, north))  # on the grid
        before = len(fetched(w, items))
        pixel = step / 128
        room_east, room_west = (east - view[2]) / pixel, (view[0] - west) / pixel  # pixels to the grid lines
        shift = int(room_east) - 1 if room_east > room_west else 1 - int(room_west)
        assert abs(shift) >= 60  # the larger room is at least half a cell
        page.evaluate("dx => { map_hpmap.panBy([dx, 0], {animate: false}); }", shift)
        page.wait_for_timeout(500)
        assert len(fetched(w, items)) == before  # the same cells: nothing asked again
        page.evaluate("dx => { map_hpmap.panBy([dx, 0], {animate: false}); }", 3 * 128 * (1 if shift > 0 else -1))
        for _ in range(100):  # requests are recorded as the page makes them
            if len(fetched(w, items)) > before:
                break
            page.wait_for_timeout(100)
        assert parse_qs(urlsplit(fetched(w, items)[-1]).query)["bbox"][0] != asked  # three cells on: a new box
        assert w.errors() == []
    finally:
        w.close()

def test_the_built_files_match_their_sources():
    """dist/ is made by tools/vendor-assets.sh and committed: run it again after editing js/ or css/."""
    manifest = json.loads((DIST / "manifest.json").read_text())
    built = {p.relative_to(DIST).as_posix() for p in DIST.rglob("*") if p.is_file()} - {"manifest.json"}
    assert built == set(manifest["files"]), "dist/ holds files the build did not make, or lacks some it made"
    for output, entry in manifest["files"].items():
        assert _sha256(DIST / output) == entry["sha256"], f"dist/{output} was changed by hand"
        for source, digest in entry["sources"].items():
            assert _sha256(STATIC / source) == digest, (
                f"dist/{output} is older than {source}: run tools/vendor-assets.sh"
            )
    sources = {source for entry in manifest["files"].values() for source in entry["sources"]}
    own = {p.relative_to(STATIC).as_posix() for p in (STATIC / "js").rglob("*.js")}
    assert own <= sources  # every script is built: the pages load dist/ only
    assert {"css/hpmap.css", "css/panels.css", "css/draw.css"} <= sources


def test_the_built_files_come_from_the_packages_the_lockfile_pins():
    """The libraries are npm's, at the versions tools/frontend/package-lock.json pins (npm ci installs them)."""
    manifest = json.loads((DIST / "manifest.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    wanted = json.loads((FRONTEND / "package.json").read_text())
    pinned = {name: lock["packages"][f"node_modules/{name}"]["version"]
              for name in {**wanted["dependencies"], **wanted["devDependencies"]}}  # fmt: skip
    assert sorted(manifest["packages"]) == sorted(f"{name}@{version}" for name, version in pinned.items())
    assert all(version == pinned[name] for name, version in wanted["dependencies"].items())  # exact versions


def test_the_map_page_names_only_built_and_vendored_files(live_server):
    client = live_server.app.test_client()
    page = client.get("/?lang=en").get_data(as_text=True)
    urls = re.findall(r'(?:src|href|data-script|data-style)="(/static/[^"?]+)', page)
    assert urls and all(url.startswith(("/static/dist/", "/static/vendor/", "/static/favicon")) for url in urls)
    setup = client.get("/map/setup-en.js").get_data(as_text=True)
    assert "/static/vendor/locate/L.Control.Locate.min.js?v=" in setup  # fetched by its button
    assert "/static/vendor/fullscreen/Control.FullScreen.js?v=" in setup


def wait_until(page, condition: str, arg=None, timeout_ms: float = 10_000) -> None:
    """Wait until the page's ``condition`` (a JavaScript function of ``arg``) holds; the caller asserts after."""
    try:
        page.wait_for_function(condition, arg=arg, timeout=timeout_ms)
    except PlaywrightTimeout:
        pass  # the assertion that follows says what the page shows instead


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
