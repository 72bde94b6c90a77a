"""The interface's languages: complete catalogues, negotiation, every page in every language."""

from __future__ import annotations

import gettext as gnu_gettext
import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from geo.model.catalog import LAYERS
from tests.conftest import DATA_DIR
from webmap import create_app
from webmap.i18n import (
    KIND_LABELS,
    LANGUAGE_NAMES,
    LANGUAGES,
    LAYER_TITLES,
    MESSAGES,
    SOURCE_LANGUAGE,
    STATUS_LABELS,
    TRANSLATIONS_DIR,
    catalog,
    gettext,
)

REPO = Path(__file__).resolve().parent.parent
TRANSLATED = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
# %(name)s, a bare %s or %d, a literal %% (python-format), and {name} (str.format, which must not creep in)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd%]|\{\w*\}")


@pytest.fixture(scope="module")
def client():
    return create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True, "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def extracted() -> dict[str, tuple[str, ...]]:
    """Every message the code and templates mark, as `make translations` extracts them: msgid -> all its ids."""
    with (REPO / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    messages = {}
    for _, _, message, _, _ in extract_from_dir(str(REPO), method_map, options_map):
        ids = message if isinstance(message, tuple) else (message,)
        messages[ids[0]] = ids
    return messages


def catalogue(lang: str):
    with (TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=lang)


def translations(lang: str) -> dict[str, tuple[str, ...]]:
    """The catalogue of ``lang`` as msgid -> its translation's forms (one, or one per plural form)."""
    return {
        (m.id[0] if isinstance(m.id, tuple) else m.id): tuple(m.string) if isinstance(m.string, tuple) else (m.string,)
        for m in catalogue(lang)
        if m.id
    }


def test_the_extraction_finds_the_words_of_code_templates_and_label_tables(extracted):
    assert "Hải Phòng Industrial Map" in extracted  # a template's _()
    assert "Operating" in extracted and "Industrial parks" in extracted  # N_() in webmap/i18n.py
    assert "No such page or feature." in extracted  # N_() in webmap/errors.py
    assert len(extracted["%(parks)s industrial park on ~%(area)s ha per the city (%(as_of)s) — "
                         "%(data_parks)s in this data set."]) == 2  # fmt: skip  (an ngettext: singular, plural)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation_and_no_stale_one(extracted, lang):
    entries = catalogue(lang)
    fuzzy = [m.id for m in entries if m.id and m.fuzzy]
    assert fuzzy == [], f"{lang}: fuzzy entries need a translator's look (make translations, then edit)"
    have = translations(lang)
    missing = sorted(set(extracted) - set(have))
    assert missing == [], f"{lang}: run `make translations` and translate these"
    empty = sorted(msgid for msgid, forms in have.items() if not all(form.strip() for form in forms))
    assert empty == [], f"{lang}: untranslated"
    assert sorted(set(have) - set(extracted)) == [], f"{lang}: words no longer used: run `make translations`"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_translation_keeps_the_placeholders_of_its_message(lang):
    for message in catalogue(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        assert not any("{" in p for p in expected), f"{ids[0]!r}: write placeholders as %(name)s"
        for form in forms:
            assert sorted(PLACEHOLDER.findall(form)) == expected, f"{lang}: {ids[0]!r} -> {form!r}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_compiled_catalogue_is_the_po_file_compiled(lang):
    """The app loads the committed .mo: it must say what the .po says (`make translations` compiles it)."""
    with (TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
        compiled = {key: text for key, text in gnu_gettext.GNUTranslations(mo)._catalog.items() if key != ""}
    expected = {}
    for message in catalogue(lang):
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            expected.update({(message.id[0], i): form for i, form in enumerate(message.string)})
        else:
            expected[message.id] = message.string
    assert compiled == expected


NAMES = ("Hải Phòng", "Hải Dương", "Lạch Huyện", "Nam Đồ Sơn", "Cát Bi", "Tiên Lãng")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_vietnamese_names_keep_their_diacritics_in_every_language(lang):
    named = 0
    for msgid, forms in translations(lang).items():
        for name in NAMES:
            if name in msgid:
                named += 1
                assert all(name in form for form in forms), f"{lang}: {msgid!r} -> {forms}"
    assert named >= 8


GLOSSARY = {  # one word for each of the investors' terms, in every message that uses it
    "industrial park": {"ko": "산업단지", "ja": "工業団地", "zh": "工业园区"},
    "economic zone": {"ko": "경제구역", "ja": "経済区", "zh": "经济区"},
    "occupancy": {"ko": "입주율", "ja": "入居率", "zh": "入驻率"},
}


@pytest.mark.parametrize("lang", ["ko", "ja", "zh"])
def test_the_investors_terms_are_translated_the_same_way_everywhere(lang):
    have = translations(lang)
    for term, words in GLOSSARY.items():
        using = [msgid for msgid in have if term in msgid.lower()]
        assert len(using) >= 3, term
        for msgid in using:
            assert all(words[lang] in form for form in have[msgid]), f"{lang}: {msgid!r} -> {have[msgid]}"


def test_layer_titles_are_the_catalogs_titles():
    assert set(LAYER_TITLES) == {spec.name for spec in LAYERS}
    for spec in LAYERS:
        assert LAYER_TITLES[spec.name] == spec.title_en
        assert gettext(LAYER_TITLES[spec.name], "vi") == spec.title_vi


@pytest.mark.parametrize(("lang", "operating", "park"), [
    ("vi", "Đang hoạt động", "Khu công nghiệp"),
    ("en", "Operating", "Industrial park"),
    ("ko", "운영 중", "산업단지"),
    ("ja", "稼働中", "工業団地"),
    ("zh", "运营中", "工业园区"),
])  # fmt: skip
def test_the_maps_script_gets_its_words_in_the_pages_language(lang, operating, park):
    words = catalog(lang)
    assert words["status"]["operating"] == operating and words["kind"]["industrial_park"] == park
    assert set(words["messages"]) == set(MESSAGES) and all(words["messages"].values())
    assert words["field_unit"]["year_established"] == ""


# ---------------------------------------------------------------- negotiation


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)">', page).group(1)


@pytest.mark.parametrize(("header", "expected"), [
    ("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko"),
    ("ja-JP", "ja"),
    ("zh-CN,zh;q=0.9", "zh-Hans"),
    ("zh-Hans", "zh-Hans"),
    ("zh-Hans-CN", "zh-Hans"),
    ("zh", "zh-Hans"),
    ("vi-VN", "vi"),
    ("en-US", "en"),
    ("fr-FR,de;q=0.8", "en"),  # none of ours: English
    ("sw", "en"),
    ("fr-FR,ja;q=0.3", "ja"),  # the best of ours, however low the browser ranks it
    ("", "vi"),  # no preference stated: the city's own language
])  # fmt: skip
def test_the_browsers_languages_pick_the_best_of_ours(client, header, expected):
    headers = {"Accept-Language": header} if header else {}
    assert html_lang(client.get("/", headers=headers).get_data(as_text=True)) == expected


def test_the_url_outranks_the_browser(client):
    page = client.get("/?lang=ja", headers={"Accept-Language": "ko-KR"}).get_data(as_text=True)
    assert html_lang(page) == "ja" and "<title>Hải Phòng産業マップ</title>" in page


def test_an_unknown_language_in_the_url_is_refused_in_the_browsers_language(client):
    response = client.get("/?lang=sw", headers={"Accept-Language": "ko-KR"})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and html_lang(text) == "ko"
    assert "'sw' 언어는 지원되지 않습니다. 다음 중 하나를 사용하세요: vi, en, ko, ja, zh." in text


PAGES = ["/", "/features/kcn-trang-due", "/compare?ids=kcn-trang-due,kcn-vsip-hai-phong", "/coverage", "/glance"]
WORDS = {  # a word of the shared page frame and one of each page, in each language
    "vi": ("Bản đồ công nghiệp Hải Phòng", ["Tìm theo tên", "Số liệu", "So sánh khu công nghiệp",
                                             "Chất lượng dữ liệu", "Chỉ tiêu"]),
    "en": ("Hải Phòng Industrial Map", ["Search by name", "Figures", "Compare industrial parks", "Data quality",
                                        "Figure"]),
    "ko": ("Hải Phòng 산업 지도", ["이름으로 검색", "수치", "산업단지 비교", "데이터 품질", "항목"]),
    "ja": ("Hải Phòng産業マップ", ["名称で検索", "数値", "工業団地の比較", "データ品質", "項目"]),
    "zh": ("Hải Phòng工业地图", ["按名称搜索", "数据", "工业园区比较", "数据质量", "指标"]),
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_speaks_the_language_asked_for(client, lang):
    title, words = WORDS[lang]
    for path, word in zip(PAGES, words, strict=True):
        url = f"{path}{'&' if '?' in path else '?'}lang={lang}"
        response = client.get(url)
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 200 and title in page and word in page, url
        assert html_lang(page) == ("zh-Hans" if lang == "zh" else lang)
        switch = re.findall(r'data-lang-switch="(\w+)"[^>]*>([^<]+)</a>', page)
        assert switch == list(LANGUAGE_NAMES.items()), url  # all five, each in its own name
        assert re.search(rf'data-lang-switch="{lang}" aria-current="true"', page)


@pytest.mark.parametrize(("lang", "summary"), [
    ("ko", "해당 페이지나 대상을 찾을 수 없습니다."), ("ja", "該当するページまたは対象が見つかりません。"),
    ("zh", "找不到该页面或对象。"), ("vi", "Không tìm thấy trang hoặc đối tượng này."),
])  # fmt: skip
def test_the_error_page_speaks_the_language_and_shows_what_was_not_found(client, lang, summary):
    response = client.get(f"/features/kcn-nowhere?lang={lang}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and summary in page and "<code>/features/kcn-nowhere</code>" in page
    assert "no feature" not in page  # the store's English sentence stays out of the page


@pytest.mark.parametrize("lang", ["ko", "ja", "zh"])
def test_korean_japanese_and_chinese_pages_show_the_english_data_text_and_the_vietnamese_name(client, lang):
    page = html.unescape(client.get(f"/features/port-lach-huyen?lang={lang}").get_data(as_text=True))
    assert "<h1>Lạch Huyện port area (Hải Phòng International Gateway Port)</h1>" in page  # name_en
    assert "Khu bến cảng Lạch Huyện (Cảng cửa ngõ quốc tế Hải Phòng)" in page  # name_vi, with its diacritics
    assert gettext(STATUS_LABELS["operating"], lang) in page and gettext(KIND_LABELS["port_area"], lang) in page


def test_the_site_finders_explanation_follows_the_lang_parameter(client):
    explanations = {lang: client.get(f"/api/sites?lang={lang}").get_json()["score_explanation"] for lang in LANGUAGES}
    assert explanations["ko"].startswith("점수 = ") and explanations["zh"].startswith("得分 = ")
    assert len(set(explanations.values())) == len(LANGUAGES)


def test_every_languages_map_script_is_served(client):
    for lang in LANGUAGES:
        assert client.get(f"/map/setup-{lang}.js").status_code == 200
    assert client.get("/map/setup-sw.js").status_code == 404


@pytest.fixture(scope="module")
def failing_client():
    """The app with two routes that fail as a bug would: a page and an API URL."""
    app = create_app({"DATA_DIR": str(DATA_DIR), "OFFLINE": True})

    def fail():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken_page", fail)
    app.add_url_rule("/api/broken", "broken_api", fail)
    return app.test_client()


def test_a_server_error_speaks_the_pages_language_and_the_apis_asked_one(failing_client):
    page = failing_client.get("/broken", headers={"Accept-Language": "ja"})
    assert page.status_code == 500 and "サーバーエラーです。" in page.get_data(as_text=True)
    assert failing_client.get("/api/broken?lang=zh").get_json() == {"code": 500, "description": "内部错误"}
    # an API client that names no language gets the API's own, English, whatever its Accept-Language
    assert failing_client.get("/api/broken", headers={"Accept-Language": "ko"}).get_json()["description"] == (
        "internal error"
    )
