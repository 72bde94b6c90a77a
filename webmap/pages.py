"""HTML pages: the map, a page per feature (with JSON and GeoJSON variants), the map's script."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from geo.analysis import sites
from geo.analysis.city import parks_reference
from geo.analysis.sites import CRITERIA
from geo.formats.export import csv_writer, xlsx_bytes
from geo.model.catalog import FIGURE_FIELDS, KEY_INFRASTRUCTURE, STATUSES
from geo.model.errors import InvalidQuery
from geo.model.features import feature_properties, to_geojson
from geo.model.text import fold
from webmap.api import params
from webmap.api.investors import park_page_url, uncertainty_column
from webmap.api.planning import coverage_report, quality_report, reports
from webmap.api.responses import csv_attachment, xlsx_attachment
from webmap.compare_view import comparison, download_rows, parse_ids
from webmap.feature_view import feature_context, position_context
from webmap.i18n import LANGUAGES, QUALITY_LABELS, STATUS_LABELS, field_label, labels, language, t, unit_label
from webmap.layers import dataset
from webmap.map_config import criterion_label, lazy_module_chunks, map_config, module_chunks
from webmap.maps import BASEMAPS, MapParts, render_parts
from webmap.server.answer_cache import data_version
from webmap.templating import format_number

bp = Blueprint("pages", __name__)
SCRIPT_CACHE = "public, max-age=86400"


def render_maps(offline: bool) -> dict[str, tuple[MapParts, str]]:
    """Render the map once per language at start-up: (parts, version of its script)."""
    rendered = {}
    for lang in LANGUAGES:
        parts = render_parts(lang, offline)
        rendered[lang] = (parts, hashlib.sha1(parts.script.encode()).hexdigest()[:10])
    return rendered


def _map_parts(lang: str) -> tuple[MapParts, str]:
    return current_app.extensions["hpmap.maps"][lang]


@bp.get("/")
def map_page():
    """The map of every layer."""
    lang = language()
    parts, version = _map_parts(lang)
    config = map_config(lang, parts)
    chunks = module_chunks("hpmap.js")
    if any(layer.get("viewport") for layer in config["layers"]):  # its code is asked for at once: with the module
        chunks = tuple(dict.fromkeys(chunks + lazy_module_chunks("js/map/viewport.js")))
    return render_template(
        "map.html", lang=lang, parts=parts, parts_version=version, config=config, chunks=chunks,
        **_site_finder_choices(lang),
    )


def _site_finder_choices(lang: str) -> dict:
    data = dataset()
    parks = data.layer("industrial-parks").gdf
    zones = data.layer("economic-zones").gdf
    zones = zones[zones["kind"] == "economic_zone"]
    return {
        "statuses": STATUSES,
        "status_labels": labels(STATUS_LABELS, lang),
        "places": list(KEY_INFRASTRUCTURE),
        "sectors": sector_choices(parks, lang),
        "zones": [(zone_id, row["name_vi"] if lang == "vi" else row["name_en"]) for zone_id, row in zones.iterrows()],
        # each criterion's parameter, label and default weight, as the API weighs it by default (geo.analysis.sites)
        "weights": [(c.parameter, criterion_label(c, lang), int(c.default_weight)) for c in CRITERIA],
    }


def sector_choices(parks, lang: str) -> list[tuple[str, str]]:
    """Return the parks' sectors as (value the site finder filters on, its word in ``lang``), by that word.

    The value is the English word (``sectors``); Vietnamese reads the word ``sectors_vi`` pairs with it.
    """
    words: dict[str, str] = {}
    for english, translated in zip(parks["sectors"], parks["sectors_vi"], strict=True):
        paired = translated if lang == "vi" and len(translated) == len(english) else english
        for sector, word in zip(english, paired, strict=True):
            words.setdefault(sector, word)
    return sorted(words.items(), key=lambda item: (fold(item[1]), item[1]))


def zone_names(lang: str) -> dict[str, str]:
    """Every economic zone's (and free-trade-zone site's) id with its name in ``lang``."""
    zones = dataset().layer("economic-zones").gdf
    return {zone_id: row["name_vi"] if lang == "vi" else row["name_en"] for zone_id, row in zones.iterrows()}


@bp.get("/map/setup-<lang>.js")
def map_script(lang: str):
    """The script Folium generated for the map in ``lang`` (served, not inlined, for the CSP)."""
    if lang not in LANGUAGES:
        abort(404, description=f"no map script for language '{lang}'")
    parts, version = _map_parts(lang)
    response = Response(parts.script, mimetype="text/javascript")
    response.headers["Cache-Control"] = SCRIPT_CACHE
    response.set_etag(version)
    return response.make_conditional(request)


@bp.get("/features/<feature_id>")
def feature_page(feature_id: str):
    """Everything about one feature: figures with sources and dates, a small map, distances."""
    lang = language()
    layer, row = dataset().find_feature(feature_id)
    context = feature_context(row, lang, zone_names(lang))
    context["position"] = position_context(row, dataset().positions, dataset().sources, lang)
    online = not current_app.config["OFFLINE"]
    context["map_config"] = {
        "featureUrl": f"/api/collections/{layer.spec.name}/items/{quote(feature_id)}",
        "contextUrl": f"/api/collections/{layer.spec.name}/items?limit=1000&properties=id",  # outlines only
        "tiles": {"url": BASEMAPS[0][1], "attribution": BASEMAPS[0][2]} if online else None,
    }
    context["map_url"] = url_for("pages.map_page", lang=lang, f=feature_id)
    context["permalink"] = url_for("pages.feature_page", feature_id=feature_id, lang=lang, _external=True)
    context["json_url"] = url_for("pages.feature_json", feature_id=feature_id)
    context["geojson_url"] = url_for("pages.feature_geojson", feature_id=feature_id)
    return render_template("feature.html", lang=lang, **context)


@bp.get("/compare")
def compare_page():
    """Two to four parks side by side: every attribute, distances, sources, a small map."""
    lang = language()
    ids = parse_ids(request.args.get("ids"), lang)
    found = [dataset().find_feature(feature_id) for feature_id in ids]
    if "f" in request.args:
        return _comparison_download(request.args["f"], [row for _, row in found])
    context = comparison([row for _, row in found], lang, zone_names(lang))
    online = not current_app.config["OFFLINE"]
    context["map_config"] = {
        "featureUrls": [f"/api/collections/{layer.spec.name}/items/{quote(row.name)}" for layer, row in found],
        "contextUrl": f"/api/collections/{found[0][0].spec.name}/items?limit=1000&properties=id",
        "tiles": {"url": BASEMAPS[0][1], "attribution": BASEMAPS[0][2]} if online else None,
    }
    return render_template("compare.html", lang=lang, **context)


def _comparison_download(format_: str, rows: list) -> Response:
    if format_ not in params.COMPARE_FORMATS:
        raise InvalidQuery(f"f: expected one of {', '.join(params.COMPARE_FORMATS)}, got '{format_}'")
    table = download_rows(rows, sites.DISTANCES, uncertainty_column, park_page_url)
    if format_ == "xlsx":
        return xlsx_attachment(xlsx_bytes(table, "comparison"), "comparison.xlsx")
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    for row in table:
        writer.writerow(["" if cell is None else cell for cell in row])
    return csv_attachment("\ufeff" + buffer.getvalue(), "comparison.csv")  # the BOM: Excel reads the diacritics


@bp.get("/coverage")
def coverage_page():
    """The planners' page: coverage of each zone by status, occupancy, overlaps, gaps and data quality."""
    lang = language()
    key = ("coverage.html", data_version(), lang, date.today())
    return reports().get_or_compute(key, lambda: _render_coverage_page(lang))


def _render_coverage_page(lang: str) -> str:
    parks = dataset().layer("industrial-parks").gdf
    names = {fid: row["name_vi"] if lang == "vi" else row["name_en"] for fid, row in parks.iterrows()}
    occupancy = [
        {"id": fid, "name": names[fid], "occupancy_pct": row["occupancy_pct"], "as_of": row["occupancy_pct_as_of"]}
        for fid, row in parks[parks["occupancy_pct"].notna()].sort_values("occupancy_pct", ascending=False).iterrows()
    ]
    return render_template(
        "coverage.html",
        lang=lang,
        coverage=coverage_report(),
        quality=quality_report(date.today()),
        statuses=STATUSES,
        status_labels=labels(STATUS_LABELS, lang),
        quality_labels=labels(QUALITY_LABELS, lang),
        occupancy=occupancy,
        names=names,
        field_label=lambda field: field_label(field, lang),
        with_unit=lambda value, field: with_unit(value, field, lang),
        years=lambda value: t("years", lang) % {"years": format_number(round(value, 1), lang)},
        shares=zone_shares(coverage_report()["zones"]),
        headline_statuses=HEADLINE_STATUSES,
        reference=parks_reference(dataset()),
        map_config={
            "lang": lang,
            "zonesUrl": "/api/collections/economic-zones/items?limit=1000&properties=id,name_vi,name_en",
            "parksUrl": "/api/collections/industrial-parks/items?limit=1000&properties=id,name_vi,name_en",
            "outside": [park["id"] for park in coverage_report()["outside_zones"]],
            "overlaps": [[pair["a"], pair["b"]] for pair in coverage_report()["overlaps"]],
            "overlapWord": t("coverage_overlap_pair", lang),
            "tiles": None if current_app.config["OFFLINE"] else {"url": BASEMAPS[0][1], "attribution": BASEMAPS[0][2]},
        },
    )


HEADLINE_STATUSES = ("operating", "under_construction", "planned")  # the coverage headline's shares, in order


def zone_shares(zones: list[dict]) -> dict[str, dict[str, float | None]]:
    """Per zone id, the share (%) of its outline covered by parks of each headline status; None without outline."""
    return {
        zone["id"]: {
            status: (zone["by_status"][status] or 0) / zone["outline_ha"] * 100 if zone["outline_ha"] else None
            for status in HEADLINE_STATUSES
        }
        for zone in zones
    }


def with_unit(value: float, field: str, lang: str) -> str:
    """A figure's value as the reader's language writes it, with its unit: "22,540 ha", "2008"."""
    unit = unit_label(FIGURE_FIELDS[field].unit, lang) if field in FIGURE_FIELDS else ""
    return format_number(value, lang) + (f" {unit}" if unit else "")


@bp.get("/features/<feature_id>.json")
def feature_json(feature_id: str):
    """One feature's properties as JSON, with its layer."""
    layer, row = dataset().find_feature(feature_id)
    properties = feature_properties(row, list(layer.property_names))
    return {"id": feature_id, "layer": layer.spec.name, "properties": properties}


@bp.get("/features/<feature_id>.geojson")
def feature_geojson(feature_id: str):
    """One feature as a GeoJSON Feature."""
    layer, _ = dataset().find_feature(feature_id)
    feature = to_geojson(layer.gdf.loc[[feature_id]])["features"][0]
    return feature, 200, {"Content-Type": "application/geo+json"}
