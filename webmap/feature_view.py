"""What a feature page shows, prepared for its template (the template only lays it out)."""

from __future__ import annotations

import pandas as pd

import geopandas as gpd

from geo.model import parse
from geo.model.catalog import FIGURE_FIELDS, KEY_INFRASTRUCTURE, WEB_CRS
from geo.model.features import json_value
from geo.model.files import POSITION_COLUMNS, vietnamese
from geo.pipeline.placement import best_evidence, in_evidence_order, outline_evidence_distances
from webmap.i18n import (
    CONFIDENCE_LABELS,
    CONTACT_LABELS,
    CONTACT_ROLE_LABELS,
    FIELD_LABELS,
    KIND_LABELS,
    MARK_LABELS,
    QUALITY_LABELS,
    STATUS_LABELS,
    data_text,
    field_label,
    gettext,
    labels,
    t,
    unit_label,
)
from webmap.templating import format_distance, format_number

ATTRIBUTES = ("developer", "old_district", "commune_2025", "zone_declared", "zone_spatial", "former_province",
              "sectors", "tenants", "aliases")  # fmt: skip


def feature_context(row: pd.Series, lang: str, zone_names: dict[str, str] | None = None) -> dict:
    """Return the template variables of the page of feature ``row`` in ``lang``.

    ``zone_names`` maps economic-zone ids to their names in ``lang``, so that a page names a zone, not its id.
    """
    props = {key: json_value(value) for key, value in row.items() if key != "geometry"}
    name = props["name_vi"] if lang == "vi" else props["name_en"]
    return {
        "f": props,
        "name": name,
        "other_name": props["name_en"] if lang == "vi" else props["name_vi"],
        "status_detail": data_text(props, "status_detail", lang),
        "geometry_note": data_text(props, "geometry_note", lang),
        "kind_label": gettext(KIND_LABELS[props["kind"]], lang),
        "status_label": gettext(STATUS_LABELS[props["status"]], lang),
        "quality_label": gettext(QUALITY_LABELS[props["geometry_quality"]], lang),
        "figure_rows": figure_rows(props, lang),
        "attribute_rows": attribute_rows(props, lang, zone_names or {}),
        "distance_rows": distance_rows(props, lang),
        "contact_rows": contact_rows(props, lang),
        "contact_labels": labels(CONTACT_LABELS, lang),
        "source_rows": source_rows(props, lang),
    }


def figure_rows(props: dict, lang: str) -> list[dict]:
    """Every sourced value, the shown one first in each field; a known-empty area says 'no data'."""
    rows = []
    for field in FIGURE_FIELDS:
        values = sorted((f for f in props["figures"] if f["field"] == field), key=lambda f: not f["shown"])
        if not values and field not in ("area_ha", "occupancy_pct"):
            continue
        if not values:
            rows.append({"field": field, "label": field_label(field, lang), "value": None, "as_of": "",
                         "sources": [], "note": "", "shown": True, "conflict": False})  # fmt: skip
        for figure in values:
            rows.append(
                {
                    "field": field,
                    "label": field_label(field, lang),
                    "value": _with_unit(figure["value"], field, lang),
                    "as_of": figure["as_of"],
                    "sources": [_source_link(source_id, props) for source_id in figure["sources"]],
                    # Several candidates, not known which states the value: the page says so.
                    "verified": figure.get("verified", True),
                    "note": data_text(figure, "note", lang),
                    "shown": figure["shown"],
                    "conflict": field in props["conflicts"],
                }
            )
    return rows


def _with_unit(value: float, field: str, lang: str) -> str:
    unit = unit_label(FIGURE_FIELDS[field].unit, lang)
    number = str(int(value)) if field == "year_established" else format_number(value, lang)
    return f"{number} {unit}".strip()


def _source_link(source_id: str, props: dict) -> dict:
    entry = next((s for s in props["sources"] if s["id"] == source_id), {"location": ""})
    return source_label(entry)


def source_label(entry: dict) -> dict:
    """Return how a page names a register entry: its title and publisher, linked when it is a web address.

    Never its id, file name or path: an entry without a title is named after its web site, or "untitled".
    """
    location = entry.get("location") or ""
    url = location if location.startswith(("http://", "https://")) else None
    site = url.split("/")[2].removeprefix("www.") if url else ""
    title = (entry.get("title") or "").strip()
    publisher = (entry.get("publisher") or "").strip() or site
    return {"label": title or publisher or "untitled source", "publisher": publisher if title else "", "url": url,
            "published": entry.get("published") or ""}  # fmt: skip


def attribute_rows(props: dict, lang: str, zone_names: dict[str, str]) -> list[tuple[str, str]]:
    """The descriptive attributes in ``lang``'s text, lists joined, codes turned into words, zones by name."""
    share = props["zone_share_pct"]  # none for a point (a factory): it has no area to share
    zone = zone_names.get(props["zone_spatial"], props["zone_spatial"])
    values = {
        "developer": data_text(props, "developer", lang),
        "old_district": data_text(props, "old_district", lang),
        "commune_2025": data_text(props, "commune_2025", lang),
        "zone_declared": zone_names.get(props["zone_id"], props["zone_id"]),
        "zone_spatial": zone and (zone if share is None else f"{zone} ({format_number(share, lang)} %)"),
        "former_province": t(f"province_{props['former_province']}", lang),
        "sectors": ", ".join(data_text(props, "sectors", lang) or []),
        "tenants": ", ".join(props["tenants"]),
        "aliases": ", ".join(props["aliases"]),
    }
    return [(t(key, lang), values[key]) for key in ATTRIBUTES]


def contact_rows(props: dict, lang: str) -> list[dict]:
    """The developer's and management board's contacts, each with the sources that state it and its date.

    The website is a link only when it is an http(s) address (validation refuses others; the page checks again).
    """
    rows = []
    for contact in props.get("contacts") or []:
        role = contact["role"]
        website = contact["website"]
        rows.append(
            {
                "role": gettext(CONTACT_ROLE_LABELS[role], lang) if role in CONTACT_ROLE_LABELS else role,
                "name": contact["name"],
                "website": website,
                "website_url": website if parse.is_web_address(website) else None,
                "phone": contact["phone"],
                "email": contact["email"],
                "address": contact["address"],
                "as_of": contact["as_of"],
                "note": data_text(contact, "note", lang),
                "sources": [_source_link(source_id, props) for source_id in contact["sources"]],
            }
        )
    return rows


def distance_rows(props: dict, lang: str) -> list[tuple[str, str]]:
    """Great-circle distances to the key places that are in the data, each with how far it may be off."""
    rows = []
    for place in KEY_INFRASTRUCTURE:
        km = props.get(f"distance_km_{place}")
        if km is not None:
            rows.append(
                (t(f"place_{place}", lang), format_distance(km, props.get(f"distance_uncertainty_km_{place}"), lang))
            )
    return rows


def position_context(row: pd.Series, positions: pd.DataFrame, sources: pd.DataFrame, lang: str) -> dict:
    """Return the page's "Position" section: stated uncertainty, geometry quality and every evidence record.

    Records come best first (the order ``geo.pipeline.placement.best_evidence`` trusts them in); each names what
    it marks, its source (title and link from the register), date, confidence and radius.
    """
    records = _records_of(positions, row.name)
    uncertainty = json_value(row.get("position_uncertainty_m"))
    best = best_evidence(records).get(row.name)
    return {
        "uncertainty": None if uncertainty is None else f"± {format_number(uncertainty, lang)} m",
        "records": [
            _position_record(record, sources, lang) | {"best": best is not None and record.id == best.record_id}
            for record in records.itertuples(index=False)
        ],
        "outline_to_evidence": _outline_to_evidence(row, records, lang),
    }


def _records_of(positions: pd.DataFrame, feature_id: str) -> pd.DataFrame:
    if not set(POSITION_COLUMNS) <= set(positions.columns):  # no positions.csv in this data set (yet)
        return pd.DataFrame(columns=POSITION_COLUMNS)
    columns = [*POSITION_COLUMNS, *[c for c in (vietnamese("note"),) if c in positions.columns]]
    return in_evidence_order(positions[positions["feature_id"] == feature_id])[columns]


def _position_record(record, sources: pd.DataFrame, lang: str) -> dict:
    source = sources.loc[record.source] if record.source in sources.index else None
    location = "" if source is None else source["location"]
    radius = parse.number(record.radius_m)
    return {
        "id": record.id,
        "marks": gettext(MARK_LABELS[record.marks], lang) if record.marks in MARK_LABELS else record.marks,
        "source_label": (source["title"] if source is not None and source["title"] else location) or record.source,
        "source_url": location if location.startswith(("http://", "https://")) else None,
        "as_of": record.as_of,
        "confidence": gettext(CONFIDENCE_LABELS[record.confidence], lang)
        if record.confidence in CONFIDENCE_LABELS
        else "",
        "radius": None if radius is None else f"{format_number(radius, lang)} m",
        "note": data_text(record._asdict(), "note", lang),
    }


def _outline_to_evidence(row: pd.Series, records: pd.DataFrame, lang: str) -> str | None:
    """The distance from the drawn geometry to its best evidence, as the validation measures it."""
    if records.empty or row.geometry is None:
        return None
    outline = gpd.GeoDataFrame({"id": [row.name]}, geometry=[row.geometry], crs=WEB_CRS, index=[row.name])
    measured = outline_evidence_distances(outline, records)
    metres = measured["distance_m"].iloc[0]
    return (
        None
        if pd.isna(metres)
        else f"{format_number(round(metres), lang)} m ({_mark_label(measured['marks'].iloc[0], lang)})"
    )


def _mark_label(marks: str, lang: str) -> str:
    return gettext(MARK_LABELS[marks], lang) if marks in MARK_LABELS else ""


def source_rows(props: dict, lang: str) -> list[dict]:
    """Each source once, with the dates it describes and what it backs at each date."""
    grouped: dict[str, dict] = {}
    for source in props["sources"]:
        row = grouped.setdefault(source["id"], {**source_label(source), "uses": []})
        fields = [_backed_label(f, lang) for f in source["fields"]]
        row["uses"].append(f"{source['as_of'] or t('undated', lang)}: {', '.join(fields)}")
    return list(grouped.values())


def _backed_label(field: str, lang: str) -> str:
    # What a source backs: a figure field, the contact block, or the descriptive attributes.
    if field in FIELD_LABELS:
        return field_label(field, lang)
    return gettext(CONTACT_LABELS["contact"], lang) if field == "contact" else t("description", lang)
