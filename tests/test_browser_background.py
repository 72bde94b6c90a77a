"""The map's own background in the real browser: offline, the sea, the rivers, the city and its
neighbours are drawn under the layers with the communes' and parks' names, from the app alone; with
``hpmap serve --basemap FILE.pmtiles`` the vector basemap is read from the app by byte ranges and drawn."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import DATA_DIR, SCREENSHOTS, LiveServer
from tests.pmtiles_files import write_basemap
from webmap.basemap import URL

pytestmark = pytest.mark.browser
HAI_PHONG_CENTRE = "lat=20.86&lon=106.68"


def open_with_background(w, path: str):
    page = w.open(path)
    page.wait_for_selector("body[data-background=drawn]", timeout=20_000)
    page.wait_for_timeout(200)  # the labels are placed on the first frame after
    return page


LABEL_BOXES = """ls => ls.map(l => {
    const r = l.getBoundingClientRect();
    return {text: l.textContent, x: r.x, y: r.y, w: r.width, h: r.height};
})"""


def label_boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, LABEL_BOXES)


def overlaps(a: dict, b: dict) -> bool:
    across = a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
    return across and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if overlaps(a, b)]


def test_offline_the_map_shows_sea_rivers_boundaries_and_place_names(watched):
    w = watched(viewport={"width": 1280, "height": 800})
    page = open_with_background(w, f"/?lang=vi&{HAI_PHONG_CENTRE}&z=12")
    for kind in ("sea", "river", "province", "neighbour"):
        assert page.locator(f".leaflet-hp-background-pane path.hp-bg-{kind}").count() >= 1, kind
    # drawn under the layers: the background's pane lies below the outlines' (and the tiles')
    z = page.evaluate("[...['hp-background', 'overlay', 'tile']].map(p => +getComputedStyle("
                      "document.querySelector('.leaflet-' + p + '-pane')).zIndex)")  # fmt: skip
    assert z[0] < z[2] < z[1]
    sea = page.locator("path.hp-bg-sea").first
    assert page.evaluate("p => getComputedStyle(p).fill", sea.element_handle()) == "rgb(207, 227, 241)"
    places = label_boxes(page, ".hp-label-place")
    assert len(places) >= 5
    assert any(p["text"].startswith(("Phường ", "Xã ")) for p in places)  # Vietnamese names, with diacritics
    assert overlapping(places) == []
    assert all(p["w"] > 0 and p["h"] > 0 for p in places)
    assert w.foreign_requests() == [] and w.errors() == []
    assert all(urlsplit(url).netloc == urlsplit(w.server.url).netloc for url in w.requests)
    page.screenshot(path=str(SCREENSHOTS / "offline-background.png"))


def test_park_names_show_from_a_city_zoom_and_not_before(watched, shipped):
    w = watched(viewport={"width": 1280, "height": 800})
    page = open_with_background(w, f"/?lang=en&{HAI_PHONG_CENTRE}&z=11")
    assert page.locator(".hp-label-park").count() == 0
    assert page.locator(".hp-label-place:not(.hp-label-far)").count() == 0  # every commune only from zoom 12
    page.goto(w.server.url + f"/?lang=en&{HAI_PHONG_CENTRE}&z=13")
    page.wait_for_selector("body[data-ready]")
    page.wait_for_selector(".hp-label-park", timeout=10_000)
    parks = label_boxes(page, ".hp-label-park")
    assert parks and overlapping(parks) == []
    places = label_boxes(page, ".hp-label-place")
    assert places and any(p["text"].endswith((" ward", " commune")) for p in places)  # English names in English
    assert overlapping(parks + places) == []  # the communes' names keep clear of the parks'
    # the parks' names lie over the outlines, the communes' under them (and under any tiles)
    z = page.evaluate("['hp-labels', 'overlay', 'hp-background-labels', 'tile'].map(p => +getComputedStyle("
                      "document.querySelector('.leaflet-' + p + '-pane')).zIndex)")  # fmt: skip
    assert z[0] > z[1] > z[3] > z[2]
    assert w.foreign_requests() == [] and w.errors() == []
    page.goto(w.server.url + f"/?lang=en&{HAI_PHONG_CENTRE}&z=13&layers=ports,industrial-clusters")
    page.wait_for_selector("body[data-background=drawn]")
    shown = {box["text"] for box in label_boxes(page, ".hp-label-park")}
    gdf = shipped.layer("industrial-parks").gdf
    park_names = set(gdf["name_en"].fillna(gdf["name_vi"]))
    assert shown and not shown & park_names  # the clusters' names only: the parks' layer is off



def test_a_park_hidden_by_the_status_filter_loses_its_name_too(watched, shipped):
    w = watched(viewport={"width": 1280, "height": 800})
    page = open_with_background(w, f"/?lang=en&{HAI_PHONG_CENTRE}&z=13&layers=industrial-parks")
    page.wait_for_selector(".hp-label-park", timeout=10_000)
    gdf = shipped.layer("industrial-parks").gdf
    names = gdf["name_en"].fillna(gdf["name_vi"])
    operating = set(names[gdf["status"] == "operating"])
    before = {box["text"] for box in label_boxes(page, ".hp-label-park")}
    assert before & operating  # some operating parks are named in this view
    page.evaluate("document.querySelector('#hp-legend input[value=operating]').click()")
    page.wait_for_function("() => !document.querySelector('#hp-legend input[value=operating]').checked")
    after = {box["text"] for box in label_boxes(page, ".hp-label-park")}
    # no operating park's name; the others stay (and names they had been thinned out for may show now)
    assert not after & operating and after >= before - operating and "status=" in page.url
    assert w.errors() == []

def test_at_the_city_view_the_provinces_are_named(watched):
    w = watched(viewport={"width": 1280, "height": 800})
    page = open_with_background(w, "/?lang=ko")
    names = [box["text"] for box in label_boxes(page, ".hp-label-province, .hp-label-neighbour")]
    assert "Hải Phòng city" in names and "Quảng Ninh" in names


@pytest.fixture(scope="module")
def basemap_server(tmp_path_factory):
    archive = write_basemap(tmp_path_factory.mktemp("basemap") / "extract.pmtiles")
    server = LiveServer({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "BASEMAP": str(archive)})
    yield server
    server.stop()


def test_a_basemap_served_by_the_app_is_read_by_ranges_and_drawn(watched, basemap_server):
    w = watched(basemap_server, viewport={"width": 1024, "height": 700})
    ranges, answers = [], []
    w.page.on("request", lambda r: ranges.append(r.headers.get("range")) if urlsplit(r.url).path == URL else None)
    w.page.on("response", lambda r: answers.append(r.status) if urlsplit(r.url).path == URL else None)
    page = w.open(f"/?lang=en&{HAI_PHONG_CENTRE}&z=9")
    page.wait_for_selector("canvas.leaflet-tile.leaflet-tile-loaded", timeout=20_000)
    page.wait_for_timeout(300)
    assert ranges and all(r and r.startswith("bytes=") for r in ranges), ranges
    assert answers and set(answers) == {206}, answers
    # the tile over Hải Phòng holds land and, on its northern half, water: two colours on the canvas
    colours = page.evaluate("""() => {
        const seen = new Set();
        for (const c of document.querySelectorAll('canvas.leaflet-tile-loaded')) {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2] + ',' + d[i + 3]);
        }
        return [...seen];
    }""")
    assert len([c for c in colours if not c.endswith(",0")]) >= 2, colours
    assert page.locator(".leaflet-control-attribution", has_text="OpenStreetMap").count() == 1
    assert w.foreign_requests() == [] and w.errors() == []


@pytest.fixture(scope="module")
def online_server():
    server = LiveServer({"DATA_DIR": str(DATA_DIR), "OFFLINE": False})
    yield server
    server.stop()


def test_online_the_background_lies_under_the_tiles_and_shows_where_they_fail(watched, online_server):
    w = watched(online_server, viewport={"width": 1024, "height": 700})
    failed = []
    w.page.route("https://**/*", lambda route: (failed.append(route.request.url), route.abort()))  # tiles blocked
    page = open_with_background(w, f"/?lang=en&{HAI_PHONG_CENTRE}&z=12")
    assert failed and all(urlsplit(url).netloc in ("tile.openstreetmap.org",) for url in failed), failed[:3]
    assert page.locator(".leaflet-tile-pane img.leaflet-tile").count() > 0  # the tiles are there, over it
    assert page.locator(".leaflet-hp-background-pane path.hp-bg-sea").count() == 1
    assert page.locator(".hp-label-place").count() >= 5
    # every tile failed, so no image covers the background: each tile is empty (no pixel drawn)
    assert page.evaluate("[...document.querySelectorAll('.leaflet-tile-pane img')].every(i => i.naturalWidth === 0)")
    sea = page.locator("path.hp-bg-sea").bounding_box()
    assert sea and sea["width"] > 100 and sea["height"] > 100
