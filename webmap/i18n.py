"""The interface's languages: which one a request gets, and the words in each (gettext catalogues).

English is the source language: the words are written in English where they are used, marked for
extraction (``N_`` here, ``gettext`` in code, ``{{ _('...') }}`` in templates), and each other language's
words are in ``webmap/translations/<lang>/LC_MESSAGES/messages.po`` (README: Languages says how to update
them). Templates get their words from Flask-Babel, for the language ``negotiate`` picks; code that works for
a language it is given (the map rendered at start-up, a feature page's rows) calls ``gettext(message, lang)``;
the map's script gets ``catalog(lang)`` in its page's config.

Data text (descriptions, notes, developer, communes) is in the data in English, with a Vietnamese twin
column beside it (``status_detail_vi`` beside ``status_detail``, ``geo.model.files.vietnamese``); names are
``name_vi`` and ``name_en``. The Vietnamese interface shows the Vietnamese text (``data_text``), every other
language the English one: the data has no Korean, Japanese or Chinese text.
"""

from __future__ import annotations

import functools
from pathlib import Path

import flask_babel
from babel.support import NullTranslations, Translations
from flask import Flask, request
from flask_babel import Babel
from markupsafe import escape

from geo.model.catalog import FIGURE_FIELDS
from geo.model.errors import InvalidQuery
from geo.model.files import vietnamese

# The one list of the interface's languages (the API's ``lang`` parameter and its OpenAPI enum read it too).
LANGUAGES = ("vi", "en", "ko", "ja", "zh")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "ko": "한국어", "ja": "日本語", "zh": "中文"}
HTML_LANGUAGE_TAGS = {"zh": "zh-Hans"}  # BCP 47 where the code alone says too little: simplified Chinese
DEFAULT_LANGUAGE = "vi"  # a browser that states no preference: the city's own language
FALLBACK_LANGUAGE = "en"  # a browser that asks only for languages the app does not have
# How the page's script formats numbers (Intl) in each language.
LOCALES = {"vi": "vi-VN", "en": "en-GB", "ko": "ko-KR", "ja": "ja-JP", "zh": "zh-CN"}
SOURCE_LANGUAGE = "en"  # the msgids' language: it needs no catalogue
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "mark for extraction, translate later")
    """Mark ``message`` for extraction; ``gettext(message, lang)`` translates it where it is shown."""
    return message


# The words the map's script and the views look up by key (``catalog``, ``t``).
MESSAGES: dict[str, str] = {
    "search_none": N_("Nothing found"),
    # Why a search result matched, before the matching text: "tenant: LG Display".
    "search_alias": N_("also called"),
    "search_tenant": N_("tenant"),
    "search_commune": N_("commune"),
    "search_old_district": N_("former district"),
    "search_province": N_("former province"),
    "search_place": N_("Place (commune, ward or district)"),
    "legend": N_("Legend"),
    "legend_kinds": N_("Kind"),
    "legend_status": N_("Status (click to filter)"),
    "legend_quality": N_("Position reliability"),
    "group_zones": N_("Economic zones"),
    "group_industry": N_("Industry"),
    "group_transport": N_("Transport"),
    "group_basemap": N_("Basemap"),
    "basemap_osm": N_("OpenStreetMap"),
    "basemap_satellite": N_("Satellite"),
    "offline_note": N_("Offline mode: no basemap tiles"),
    "details": N_("Details"),
    "no_data": N_("no data"),
    "undated": N_("undated"),
    "geometry_quality": N_("Position"),
    "free_ha": N_("Free land (estimate)"),
    "free_ha_help": N_("leasable area × (1 − occupancy)"),
    "distances": N_("Distances (straight line)"),
    "distance_note": N_("Great-circle distance between centroids, not road distance."),
    "uncertainty_unknown": N_("position uncertainty not stated"),
    "legend_uncertainty": N_("± km: both positions' uncertainty"),
    "uncertainty_note": N_(
        "Distances read “± x km”: the most they may be off, the sum of both places' position uncertainties."
    ),
    "place_lach_huyen": N_("Lạch Huyện port"),
    "place_nam_do_son": N_("Nam Đồ Sơn port"),
    "place_cat_bi": N_("Cát Bi airport"),
    "place_tien_lang_airport": N_("Tiên Lãng airport"),
    "place_city_centre": N_("City centre"),
    "measure": N_("Measure distance"),
    "measure_hint": N_("Click the map to add points; click a point already placed, or this button, to finish."),
    "draw_first_corner": N_("Click to place the first point"),
    "draw_next_corner": N_("Click to add a point"),
    "draw_finish_line": N_("Click a point already placed to finish"),
    "draw_finish_polygon": N_("Click the first corner to close the outline"),
    "measure_total": N_("Total"),
    "locate": N_("Show my location"),
    "locate_failed": N_("Your position is not available: the browser was not allowed to share it, or could not find "
                        "it."),
    "fullscreen": N_("Full screen"),
    "fullscreen_exit": N_("Exit full screen"),
    "loading": N_("Loading…"),
    "zoom_in": N_("zoom in to see them"),
    "loading_layers": N_("Loading the map's layers…"),
    "load_failed": N_("Could not load"),
    "load_failed_help": N_("Check your connection, then reload the page."),
    "reload": N_("Reload"),
    "tool_failed": N_("Could not load this tool."),
    "background_failed": N_("Could not load the map's background (coast, rivers, place names): the layers are shown "
                            "without it. Reload the page to try again."),
    "basemap_failed": N_("Could not load the basemap served by this app: the layers are shown without it. Reload "
                         "the page to try again."),
    "close": N_("Close"),
    "popup_failed": N_("Could not load the details; close this and open it again."),
    "request_unreachable": N_("The server could not be reached. Check your connection and try again."),
    "request_failed": N_("The server could not answer (HTTP %(status)s). Try again later."),
    "copy_link": N_("Copy link"),
    "link_copied": N_("Link copied"),
    "copy_link_manual": N_("Copy this link:"),
    "developer": N_("Developer / operator"),
    "old_district": N_("District (before 2025)"),
    "commune_2025": N_("Commune/ward (from 2025)"),
    "zone_declared": N_("Economic zone (declared)"),
    "zone_spatial": N_("Economic zone (by outline)"),
    "former_province": N_("Former province"),
    "sectors": N_("Sectors"),
    "tenants": N_("Notable tenants"),
    "aliases": N_("Other names"),
    "conflict": N_("Sources disagree"),
    "area_computed_ha": N_("Area of the drawn outline"),
    "description": N_("description"),
    "sites_results": N_("results"),
    "sites_none": N_("No park meets every condition."),
    "sites_unknown": N_("parks could not be judged (missing figures)"),
    "sites_score_explained": N_(
        "Score = the weighted mean of the 0–100 points of the criteria whose values are known; each part is "
        "weight × points ÷ total weight, rounded to 0.01 so that the parts add up to the score; scores within "
        "0.5 points share a rank."
    ),
    "sites_excluded": N_("parks left out for lacking figures"),
    "sites_tied": N_("tied"),
    "sites_lacks": N_("Lacks figures"),
    "sites_not_scored": N_("not scored"),
    "sites_pick": N_("Pick to compare"),
    "sites_need_status": N_("Tick at least one status."),
    "score": N_("Score"),
    "points": N_("pts"),
    "criterion_free_land": N_("Free land"),
    "proposal_area": N_("Area"),
    "proposal_zone": N_("Economic zone"),
    "proposal_outside": N_("Outside every economic zone"),
    "proposal_overlaps": N_("Overlaps existing parks and clusters"),
    "proposal_no_overlap": N_("Overlaps no park or cluster"),
    "proposal_need_points": N_("At least 3 corners are needed."),
    "proposal_undo": N_("Undo"),
    "proposal_running_area": N_("Area so far"),
    "proposal_not_json": N_("The pasted text is not valid JSON."),
    "of_proposal": N_("of the proposal"),
    # An age on the coverage page: "4.9 years".
    "years": N_("%(years)s years"),
    # On the coverage map, before the numbers of a park's rows in the overlaps table: "overlap 1, 3".
    "coverage_overlap_pair": N_("overlap"),
    "compare_need": N_("Give 2 to 4 park ids, separated by commas: ?ids=id-1,id-2"),
    "province_hai-phong": N_("Hải Phòng"),
    "province_hai-duong": N_("Hải Dương (merged 1 July 2025)"),
}

STATUS_LABELS = {
    "operating": N_("Operating"),
    "under_construction": N_("Under construction"),
    "planned": N_("Planned"),
    "proposed": N_("Proposed"),
}
QUALITY_LABELS = {
    "traced": N_("traced from a map reference"),
    "approximate": N_("approximate, around a known point"),
    "indicative": N_("indicative, may be kilometres off"),
}
MARK_LABELS = {
    "official_coordinate": N_("coordinates in an official document"),
    "osm_outline": N_("an OpenStreetMap area"),
    "gis_polygon": N_("a polygon of the seaport plan's GIS layer"),
    "map_pin": N_("a pin, gate or office on a public map"),
    "tenant_plot": N_("a tenant's plot"),
    "landmark": N_("a landmark the sources name"),
    "commune_centre": N_("the commune's centre"),
    "reclaimed_land": N_("land reclaimed from the water"),
    "shared_land": N_("land shared with another feature"),
    "synthetic": N_("synthetic (scale test)"),
}
# The feature page's contact block only: kept out of MESSAGES, which every map page sends to its script.
CONTACT_LABELS = {
    "contact": N_("Contact"),
    "website": N_("Website"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "address": N_("Address"),
}
CONTACT_ROLE_LABELS = {"developer": N_("Developer"), "management_board": N_("Management board")}
CONFIDENCE_LABELS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
KIND_LABELS = {
    "economic_zone": N_("Economic zone"),
    "free_trade_zone": N_("Free trade zone"),
    "free_trade_zone_site": N_("Free-trade-zone site"),
    "industrial_park": N_("Industrial park"),
    "industrial_complex": N_("Industrial complex"),
    "industrial_logistics_zone": N_("Industrial & logistics zone"),
    "industrial_cluster": N_("Industrial cluster"),
    "port_area": N_("Port area"),
    "port_terminal": N_("Port terminal"),
    "airport": N_("Airport"),
    "factory": N_("Factory"),
}
LAYER_TITLES = {  # the English titles are geo.model.catalog's LayerSpec.title_en (tests/test_i18n.py checks)
    "economic-zones": N_("Economic zones"),
    "industrial-parks": N_("Industrial parks"),
    "industrial-clusters": N_("Industrial clusters"),
    "ports": N_("Seaports"),
    "airports": N_("Airports"),
    "factories": N_("Factories"),
}
FIELD_LABELS = {
    "area_ha": N_("Area"),
    "leasable_ha": N_("Leasable industrial land"),
    "occupancy_pct": N_("Occupancy"),
    "year_established": N_("Year established"),
    "investment_vnd_bn": N_("Infrastructure investment"),
    "investment_usd_m": N_("Investment"),
    "capacity_teu_per_year": N_("Container capacity"),
    "quay_length_m": N_("Quay length"),
    "runway_length_m": N_("Runway length"),
    "passengers_per_year": N_("Passengers per year"),
    "vacant_ha": N_("Vacant leasable land (as stated)"),
    "lease_usd_m2": N_("Land lease price"),
    "power_mva": N_("Power substation capacity"),
    "water_m3_per_day": N_("Water supply capacity"),
    "wastewater_m3_per_day": N_("Wastewater treatment capacity"),
    "tenant_investment_usd_m": N_("A tenant's investment"),
}
# The units that read differently in another language; the others (ha, %, m, MVA) read the same in all.
UNIT_LABELS = {
    "year": "",  # a year is shown bare: 2008
    "billion VND": N_("billion VND"),
    "million USD": N_("million USD"),
    "TEU/year": N_("TEU/year"),
    "passengers/year": N_("per year"),
    "USD/m² for the remaining term": N_("USD/m² for the remaining term"),
    "m³/day": N_("m³/day"),
}
ATTRIBUTE_MESSAGES = {"zone_id": "zone_declared"}  # attribute columns whose label has another message key


def init_app(app: Flask) -> None:
    """Give ``app``'s templates the words of the request's language (``_``, ``gettext``, ``ngettext``).

    Flask-Babel picks the language (``negotiate``) and loads its catalogue. The templates' functions escape
    the translation as well as its ``%(name)s`` values: the words are text, never markup.
    """
    Babel(app, locale_selector=negotiate, default_locale=DEFAULT_LANGUAGE,
          default_translation_directories=str(TRANSLATIONS_DIR), configure_jinja=False)  # fmt: skip
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: escape(flask_babel.get_translations().gettext(message)),
        ngettext=lambda singular, plural, n: escape(flask_babel.get_translations().ngettext(singular, plural, n)),
        newstyle=True,
    )


def language() -> str:
    """Return the request's language: ``?lang=`` when given, else the browser's preference (``negotiate``).

    Raises
    ------
    InvalidQuery
        When ``?lang=`` names a language the app does not speak (said in the browser's language).
    """
    asked = request.args.get("lang")
    if asked is not None and asked not in LANGUAGES:
        message = N_("Language '%(value)s' is not supported; use one of: %(languages)s.")
        raise InvalidQuery(gettext(message, preferred_language(), value=asked, languages=", ".join(LANGUAGES)))
    return negotiate()


def negotiate() -> str:
    """Return the language of the request's words: a valid ``?lang=``, else the browser's preference."""
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else preferred_language()


def preferred_language() -> str:
    """Return the best of our languages for the browser's Accept-Language.

    A browser that asks for none of them gets English (``FALLBACK_LANGUAGE``), one that states no
    preference Vietnamese (``DEFAULT_LANGUAGE``). A regional or script variant gets its language:
    zh-CN, zh-Hans and zh-TW all get ``zh`` (simplified Chinese), ko-KR gets ``ko``.
    """
    accepted = request.accept_languages
    if not accepted:
        return DEFAULT_LANGUAGE
    return accepted.best_match(LANGUAGES) or FALLBACK_LANGUAGE


def html_language(lang: str) -> str:
    """Return the BCP 47 tag of ``lang`` for ``<html lang>`` and ``hreflang``: ``zh-Hans`` for ``zh``."""
    return HTML_LANGUAGE_TAGS.get(lang, lang)


@functools.cache
def translations(lang: str) -> NullTranslations:
    """Return the compiled catalogue of ``lang`` (none for English, the source language).

    Raises
    ------
    FileNotFoundError
        When the catalogue of one of ``LANGUAGES`` is missing (README: Languages, ``make translations``).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"no language '{lang}'; the languages are {', '.join(LANGUAGES)}")
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    with (TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as compiled:
        return Translations(compiled)


def gettext(message: str, lang: str, **variables) -> str:
    """Return ``message`` in ``lang``, its ``%(name)s`` placeholders filled from ``variables`` if any are given."""
    text = translations(lang).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, lang: str, **variables) -> str:
    """Return the form of a message for the count ``num`` in ``lang``; ``%(num)s`` is the count."""
    return translations(lang).ngettext(singular, plural, num) % {"num": num, **variables}


def t(key: str, lang: str) -> str:
    """Return the interface text ``key`` of ``MESSAGES`` in ``lang``."""
    return gettext(MESSAGES[key], lang)


def labels(table: dict[str, str], lang: str) -> dict[str, str]:
    """Return a table of words (``STATUS_LABELS``, ``KIND_LABELS``...) in ``lang``."""
    return {key: gettext(message, lang) for key, message in table.items()}


def unit_label(unit: str, lang: str) -> str:
    """Return how a figure's unit reads in ``lang``: "tỷ đồng" for billion VND in Vietnamese, "" for a year."""
    if unit not in UNIT_LABELS:
        return unit
    return gettext(UNIT_LABELS[unit], lang) if UNIT_LABELS[unit] else ""


def field_label(field: str, lang: str) -> str:
    """Return the label of a figure field or an attribute column in ``lang``."""
    if field in FIELD_LABELS:
        return gettext(FIELD_LABELS[field], lang)
    return t(ATTRIBUTE_MESSAGES.get(field, field), lang)


def layer_title(name: str, lang: str) -> str:
    """Return a layer's title in ``lang``."""
    return gettext(LAYER_TITLES[name], lang)


def data_text(record, column: str, lang: str):
    """Return the data's text ``column`` of ``record`` (a dict or a row) as a page in ``lang`` shows it.

    Vietnamese gets the twin ``<column>_vi`` where it has text, else the English (an older data directory, a
    note nobody translated yet); every other language gets the English column.
    """
    if lang == "vi":
        translated = record.get(vietnamese(column))
        if translated is not None and len(translated):
            return translated
    return record.get(column)


def catalog(lang: str) -> dict:
    """Return every label the map's script needs, in ``lang``."""
    return {
        "messages": labels(MESSAGES, lang),
        "status": labels(STATUS_LABELS, lang),
        "quality": labels(QUALITY_LABELS, lang),
        "kind": labels(KIND_LABELS, lang),
        "field": labels(FIELD_LABELS, lang),
        "field_unit": {field: unit_label(spec.unit, lang) for field, spec in FIGURE_FIELDS.items()},
    }
