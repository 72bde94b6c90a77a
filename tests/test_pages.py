"""The HTML pages over HTTP: language, errors, escaping, security headers, self-hosted assets."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest

from tests.builders import HOSTILE_NAME, write_contacts, write_hostile_dataset
from tests.conftest import DATA_DIR
from webmap import create_app


@pytest.fixture(scope="module")
def client():
    return create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    directory = write_hostile_dataset(tmp_path_factory.mktemp("hostile") / "data")
    return create_app({"DATA_DIR": str(directory), "OFFLINE": True, "TESTING": True}).test_client()


PAGES = ["/", "/features/kcn-trang-due", "/map/setup-vi.js", "/features/kcn-trang-due.json"]


@pytest.mark.parametrize("url", PAGES + ["/api/collections", "/features/nowhere", "/static/js/hpmap.js"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    response.close()  # static files are streamed from an open file
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("query", "header", "expected"), [
    ("?lang=vi", None, "Bản đồ công nghiệp Hải Phòng"),
    ("?lang=en", None, "Hải Phòng Industrial Map"),
    ("", "vi-VN,vi;q=0.9", "Bản đồ công nghiệp Hải Phòng"),
    ("", "en-GB,en;q=0.8", "Hải Phòng Industrial Map"),
    ("", "fr-FR", "Hải Phòng Industrial Map"),  # none of ours: English (issue 13)
    ("", None, "Bản đồ công nghiệp Hải Phòng"),  # no preference stated: the city's own language
    ("?lang=en", "vi", "Hải Phòng Industrial Map"),
])  # fmt: skip
def test_language_from_the_url_then_the_browser(client, query, header, expected):
    headers = {"Accept-Language": header} if header else {}
    page = client.get("/" + query, headers=headers).get_data(as_text=True)
    assert f"<title>{expected}</title>" in page


def test_an_unknown_language_is_a_400_page_in_the_browser_language(client):
    response = client.get("/?lang=fr", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "text/html" in response.content_type
    assert "Language &#39;fr&#39; is not supported; use one of: vi, en, ko, ja, zh." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "text"), [("vi", "Không tìm thấy trang hoặc đối tượng này."), ("en", "No such page or feature.")]
)
def test_not_found_page_speaks_the_users_language(client, lang, text):
    response = client.get(f"/features/kcn-nowhere?lang={lang}")
    assert response.status_code == 404 and text in response.get_data(as_text=True)


def test_unknown_feature_json_variant_is_json(client):
    response = client.get("/features/kcn-nowhere.geojson")
    assert response.status_code == 404 and response.get_json()["description"]


def test_the_map_page_embeds_no_data_and_no_inline_script(client):
    page = client.get("/?lang=vi").get_data(as_text=True)
    assert len(page.encode()) < 30_000
    assert "kcn-trang-due" not in page  # layers come from the API by URL
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    executable = [(attrs, body) for attrs, body in scripts if 'type="application/json"' not in attrs]
    assert all("src=" in attrs and not body.strip() for attrs, body in executable)


@pytest.mark.parametrize(
    "url", ["/?lang=vi", "/?lang=en", "/map/setup-vi.js", "/map/setup-en.js", "/features/kcn-trang-due?lang=en"]
)
def test_offline_pages_name_no_other_host(client, url):
    body = client.get(url).get_data(as_text=True)
    fetched = re.findall(r'src="([^"]+)"', body) + re.findall(r'<link[^>]*href="([^"]+)"', body)
    for target in fetched:  # what the browser loads by itself (plain <a> links are only followed on a click)
        assert target.startswith("/"), target
    assert "openstreetmap" not in body and "arcgisonline" not in body


def test_online_map_offers_osm_and_satellite_with_attribution():
    app = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": False, "TESTING": True})
    client = app.test_client()
    script = client.get("/map/setup-en.js").get_data(as_text=True)
    assert "tile.openstreetmap.org" in script and "World_Imagery" in script
    assert "openstreetmap.org/copyright" in script and "contributors" in script and "Esri" in script
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org https://server.arcgisonline.com" in csp


def test_every_asset_the_page_names_is_served(client):
    page = client.get("/?lang=vi").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/[^"]+)"', page)
    assert any("leaflet.js" in u for u in urls) and any("hpmap.js" in u for u in urls)
    for url in urls:
        if url.startswith("/?"):
            continue
        response = client.get(html.unescape(url))  # as a browser reads the attribute
        response.close()
        assert response.status_code == 200, url


def test_map_script_is_cacheable_and_conditional(client):
    first = client.get("/map/setup-vi.js")
    assert first.headers["Cache-Control"] == "public, max-age=86400"
    again = client.get("/map/setup-vi.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/map/setup-fr.js").status_code == 404


def test_feature_page_shows_figures_with_source_and_date(client):
    page = client.get("/features/kcn-dinh-vu-deep-c-1?lang=en").get_data(as_text=True)
    assert "<h1>Đình Vũ Industrial Zone / DEEP C Haiphong I</h1>" in page
    assert "541 ha" in page and "1,254 ha" in page and "Sources disagree" in page
    # Sources by title and publisher, never by file name, id or path.
    assert "Để Hải Phòng sớm trở thành thành phố công nghiệp theo hướng hiện đại" in page
    assert "Tạp chí Cộng sản" in page
    assert not re.search(
        r"\d{3}_[0-9a-f]{16}\.txt|src-00\d|\.js\b[^\"]", page.split("<main", 1)[1].split("<script", 1)[0]
    )
    assert "Lạch Huyện port" in page and "Great-circle distance between centroids" in page
    assert 'href="http://localhost/features/kcn-dinh-vu-deep-c-1?lang=en"' in page  # permalink


def test_a_value_whose_sources_were_not_told_apart_says_so(client):
    page = client.get("/features/kcn-vsip-hai-phong?lang=en").get_data(as_text=True)
    leasable = re.search(r'data-field="leasable_ha">(.*?)</tr>', page, re.S).group(1)
    assert "one of these; not verified per figure" in leasable and "507 ha" in leasable
    area = re.search(r'data-field="area_ha">(.*?)</tr>', page, re.S).group(1)
    assert "not verified" not in area  # 1,566 ha: read in the VSIP page that states it


def test_zones_are_named_not_numbered(client):
    page = client.get("/features/kcn-dinh-vu-deep-c-1?lang=en").get_data(as_text=True)
    attributes = page.split("<h2>Attributes</h2>", 1)[1].split("</table>", 1)[0]
    assert "kkt-dinh-vu-cat-hai" not in attributes and "Đình Vũ – Cát Hải Economic Zone" in attributes


def test_an_undated_figure_says_undated(client):
    page = client.get("/features/kcn-thuy-nguyen?lang=en").get_data(as_text=True)
    assert "undated" in page and "an earlier plan" in page


def test_feature_page_in_vietnamese_formats_numbers_the_vietnamese_way(client):
    page = client.get("/features/kkt-dinh-vu-cat-hai?lang=vi").get_data(as_text=True)
    assert "22.540 ha" in page and "Diện tích" in page


def test_unknown_figure_says_no_data(client):
    page = client.get("/features/kcn-do-son?lang=en").get_data(as_text=True)
    row = re.search(r'data-field="area_ha">(.*?)</tr>', page, re.S).group(1)
    assert "no data" in row


def test_the_contact_block_links_the_website_safely_and_names_source_and_date(tiny_dir):
    write_contacts(tiny_dir)
    app = create_app({"DATA_DIR": str(tiny_dir), "OFFLINE": True, "TESTING": True})
    page = app.test_client().get("/features/kcn-trang-due?lang=en").get_data(as_text=True)
    block = page.split('<section id="hp-contact">', 1)[1].split("</section>", 1)[0]
    developer, board = block.split('<table class="hp-contact">')[1:]
    assert "<caption>Developer: Công ty CP KCN Sài Gòn – Hải Phòng</caption>" in developer
    link = '<a href="https://trangdue.example.vn" rel="noopener noreferrer">https://trangdue.example.vn</a>'
    assert link in developer
    assert "0225 282 0182" in developer and "info@trangdue.example.vn" in developer and ">2024<" in developer
    assert '<a href="https://example.org/parks" rel="nofollow noopener">A web page</a>' in developer
    assert "<caption>Management board: Ban Quản lý Khu kinh tế</caption>" in board
    assert board.count("no data") == 3 and "undated" in board and "the page is undated" in board
    assert '<td>Industry overview <span class="hp-publisher">(Báo Hải Phòng)</span>, 2024-09</td>' in board
    assert ".txt" not in block and "src-" not in block
    sources = page.split("<h2>Sources</h2>", 1)[1]
    assert re.search(r"A web page</a>[^\n]*; 2024: Contact\)", sources) and "undated: Contact)" in sources


def test_a_shipped_park_links_its_developers_site_and_names_the_page_that_gives_it(client):
    page = client.get("/features/kcn-vsip-hai-phong?lang=en").get_data(as_text=True)
    block = page.split('<section id="hp-contact">', 1)[1].split("</section>", 1)[0]
    assert '<a href="https://www.vsip.com.vn" rel="noopener noreferrer">https://www.vsip.com.vn</a>' in block
    assert "Vietnam Singapore Industrial Park Hai Phong" in block and "Becamex IDC" in block


def test_a_feature_without_contacts_says_no_data(client):
    page = client.get("/features/kcn-do-son?lang=en").get_data(as_text=True)
    block = page.split('<section id="hp-contact">', 1)[1].split("</section>", 1)[0]
    assert '<p class="hp-nodata">no data</p>' in block and "<table" not in block


def test_feature_json_and_geojson_variants(client, shipped):
    data = client.get("/features/kcn-trang-due.json").get_json()
    assert data["layer"] == "industrial-parks" and data["properties"]["name_vi"] == "KCN Tràng Duệ (giai đoạn 1 & 2)"
    feature = client.get("/features/kcn-trang-due.geojson")
    assert feature.content_type == "application/geo+json"
    assert feature.get_json()["geometry"]["type"] == "Polygon"


@pytest.mark.parametrize("lang", ["en", "vi"])  # the English text, then its Vietnamese twins
def test_hostile_values_are_escaped_on_the_feature_page(hostile_client, lang):
    page = hostile_client.get(f"/features/kcn-trang-due?lang={lang}").get_data(as_text=True)
    assert "<script>window.__pwned" not in page and "<img src=x" not in page and "<svg onload" not in page
    assert page.count("&lt;svg onload=") >= 5  # status, outline note, developer, sectors, a figure's note
    assert "&lt;img src=x onerror=" in page
    assert 'href="javascript:' not in page
    assert "javascript:window.__pwned=4" not in page  # a location that is no web address is never shown
    contact = page.split('<section id="hp-contact">', 1)[1].split("</section>", 1)[0]
    escaped = "https://example.org/&#34;&gt;&lt;script&gt;window.__pwned=5&lt;/script&gt;"
    assert f'<a href="{escaped}" rel="noopener noreferrer">' in contact


def test_hostile_values_in_json_variants_stay_data(hostile_client):
    data = hostile_client.get("/features/kcn-trang-due.json").get_json()
    assert data["properties"]["name_vi"] == HOSTILE_NAME


def test_every_api_endpoint_is_in_the_readme():
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    app = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True})
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api") and rule.rule not in ("/api/",):
            documented = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + _camel(m.group(1)) + "}", rule.rule)
            method = "POST" if "POST" in rule.methods else "GET"
            assert f"`{method} {documented}`" in readme, documented


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.mark.parametrize("url", [
    '/?lat="><script>alert(1)</script>&z=<img src=x onerror=alert(1)>',
    "/features/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/features/kcn-trang-due?lang=%3Cscript%3E",
    "/features/" + "x" * 5000,
    "/map/setup-%3Cb%3E.js",
    "/features/..%2F..%2Fetc%2Fpasswd",
])  # fmt: skip
def test_hostile_urls_get_escaped_4xx_or_inert_pages(client, url):
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code < 500
    if response.is_json:  # data, served as JSON with nosniff: never rendered as a page
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    else:
        assert "<script>alert(1)" not in body and "<img src=x" not in body and "<b>" not in body
    if url.startswith("/?"):
        assert response.status_code == 200
    else:
        assert 400 <= response.status_code < 500


def test_the_coverage_page_agrees_with_the_api_and_draws_its_charts(client):
    report = client.get("/api/coverage").get_json()
    page = client.get("/coverage?lang=en").get_data(as_text=True)
    for zone in report["zones"]:
        row = re.search(rf'<tr data-zone="{zone["id"]}">(.*?)</tr>', page, re.S).group(1)
        assert f"{zone['covered_pct']:,.2f}".rstrip("0").rstrip(".") + " %" in row
    chart = re.search(r'<svg class="hp-chart" id="chart-coverage".*?</svg>', page, re.S).group(0)
    assert chart.count('class="hp-bar-operating"') == len(report["zones"])
    occupancy = re.search(r'<svg class="hp-chart" id="chart-occupancy".*?</svg>', page, re.S).group(0)
    assert occupancy.count('class="hp-occupancy-bar"') >= 10
    assert 'href="/api/quality?f=csv"' in page and 'href="/api/coverage?f=csv"' in page
    assert "Figures older than two years" in page and "Parks that overlap" in page


def test_the_coverage_page_speaks_vietnamese(client):
    page = client.get("/coverage?lang=vi").get_data(as_text=True)
    assert "Độ phủ theo khu kinh tế và tình trạng" in page and "Khu kinh tế Đình Vũ – Cát Hải" in page


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_hostile_values_are_escaped_on_coverage_and_compare_pages(hostile_client, lang):
    for url in (f"/coverage?lang={lang}", f"/compare?ids=kcn-trang-due,kcn-overlap&lang={lang}"):
        page = hostile_client.get(url).get_data(as_text=True)
        assert "<script>window.__pwned" not in page and "<img src=x" not in page and "<svg onload" not in page, url
        assert "&lt;img src=x onerror=" in page, url


@pytest.mark.parametrize(("query", "status"), [
    ("ids=kcn-trang-due", 400), ("ids=", 400), ("", 400), ("ids=a,b,c,d,e", 400),
    ("ids=kcn-trang-due,kcn-nowhere", 404), ("ids=kcn-trang-due,kcn-trang-due", 400),
    ("ids=kcn-trang-due,kcn-vsip-hai-phong", 200),
])  # fmt: skip
def test_the_comparison_takes_two_to_four_known_parks(client, query, status):
    assert client.get(f"/compare?{query}").status_code == status


@pytest.mark.parametrize("path", ["/%5Cevil.example", "/%5C%5Cevil.example/x"])
def test_the_language_switch_of_an_error_page_stays_on_this_site(client, path):
    page = client.get(path + "?lang=vi").get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"[^>]*data-lang-switch', page)
    assert links
    for link in links:
        assert link.startswith("/") and not link.startswith("//") and "\\" not in link, link


def test_versioned_static_assets_are_cached_for_a_day(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    asset = next(url for url in re.findall(r'src="(/static/[^"]+)"', page) if "?v=" in url)
    response = client.get(asset)
    response.close()
    assert response.headers["Cache-Control"] == "public, max-age=86400"


def test_the_comparison_downloads_as_excel_and_csv_with_what_an_investor_needs(client, shipped):
    ids = "kcn-trang-due,kcn-vsip-hai-phong"
    page = client.get(f"/compare?ids={ids}&lang=en").get_data(as_text=True)
    assert 'f=xlsx" download="comparison.xlsx"' in page and 'f=csv" download="comparison.csv"' in page
    workbook = client.get(f"/compare?ids={ids}&lang=en&f=xlsx")
    assert workbook.status_code == 200 and workbook.headers["Content-Disposition"].endswith('comparison.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.get_data())).active
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    parks = shipped.layer("industrial-parks").gdf
    trang_due = dict(zip(header, rows[0], strict=True))
    park = parks.loc["kcn-trang-due"]
    assert trang_due["id"] == "kcn-trang-due" and trang_due["developer"] == park["developer"]
    assert trang_due["area_ha"] == park["area_ha"] and trang_due["status"] == park["status"]
    assert trang_due["distance_km_lach_huyen"] == park["distance_km_lach_huyen"]
    assert trang_due["page_url"] == "http://localhost/features/kcn-trang-due?lang=en"
    assert dict(zip(header, rows[1], strict=True))["lease_usd_m2"] is None  # unknown: empty, never 0
    text = client.get(f"/compare?ids={ids}&f=csv").get_data(as_text=True)
    assert text.startswith("\ufeff") and list(csv.reader(io.StringIO(text[1:])))[0] == header
    assert client.get(f"/compare?ids={ids}&f=pdf").status_code == 400
