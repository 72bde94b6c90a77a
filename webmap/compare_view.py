"""The comparison of two to four parks, prepared for its template: one row per attribute, one column per park."""

from __future__ import annotations

import pandas as pd

from geo.model.catalog import FIGURE_FIELDS, KEY_INFRASTRUCTURE
from geo.model.errors import InvalidQuery
from geo.model.features import json_value
from webmap.feature_view import ATTRIBUTES, feature_context
from webmap.i18n import field_label, t
from webmap.templating import format_distance, format_number

MIN_PARKS, MAX_PARKS = 2, 4
DOWNLOAD_COLUMNS = (
    "id", "name_vi", "name_en", "kind", "status", "status_as_of", "developer", "area_ha", "area_ha_as_of",
    "free_ha", "free_ha_as_of", "occupancy_pct", "occupancy_pct_as_of", "lease_usd_m2", "lease_usd_m2_as_of",
)  # fmt: skip


def parse_ids(text: str | None, lang: str) -> list[str]:
    """Return the distinct ids of ``?ids=a,b,c``; 2 to 4 of them, else ``InvalidQuery``."""
    ids = list(dict.fromkeys(part.strip() for part in (text or "").split(",") if part.strip()))
    if not MIN_PARKS <= len(ids) <= MAX_PARKS:
        raise InvalidQuery(t("compare_need", lang))
    return ids


def comparison(rows: list[pd.Series], lang: str, zone_names: dict[str, str] | None = None) -> dict:
    """Return the template variables: the parks' headers and the table rows (zones by name)."""
    contexts = [feature_context(row, lang, zone_names) for row in rows]
    return {
        "parks": [
            {
                "id": c["f"]["id"],
                "name": c["name"],
                "other_name": c["other_name"],
                "kind": c["kind_label"],
                "status": c["status_label"],
                "status_class": c["f"]["status"],
                "status_as_of": c["f"]["status_as_of"],
                "quality": c["quality_label"],
            }
            for c in contexts
        ],  # fmt: skip
        "figure_rows": _figure_rows(contexts, lang),
        "attribute_rows": _attribute_rows(contexts, lang),
        "distance_rows": _distance_rows(contexts, lang),
    }


def _header(context: dict) -> dict:
    props = context["f"]
    return {
        "id": props["id"],
        "name": context["name"],
        "other_name": context["other_name"],
        "kind": context["kind_label"],
        "status": context["status_label"],
        "status_class": props["status"],
        "status_as_of": props["status_as_of"],
        "quality": context["quality_label"],
    }


def _outline_area(area_ha: float | None, lang: str) -> dict | None:
    return None if area_ha is None else {"value": f"{format_number(area_ha, lang)} ha"}


def _figure_rows(contexts: list[dict], lang: str) -> list[dict]:
    rows = []
    for field in FIGURE_FIELDS:
        cells = [_shown_figure(c, field) for c in contexts]
        if field not in ("area_ha", "occupancy_pct", "leasable_ha") and all(cell is None for cell in cells):
            continue
        rows.append({"label": field_label(field, lang), "cells": cells})
    rows.append({"label": t("free_ha", lang), "cells": [_free_land(c, lang) for c in contexts]})
    outlines = [_outline_area(c["f"]["area_computed_ha"], lang) for c in contexts]
    rows.append({"label": t("area_computed_ha", lang), "cells": outlines})
    return rows


def _shown_figure(context: dict, field: str) -> dict | None:
    for row in context["figure_rows"]:
        if row["field"] == field and row["shown"] and row["value"] is not None:
            return {
                "value": row["value"],
                "as_of": row["as_of"],
                "sources": row["sources"],
                "verified": row["verified"],
                "conflict": row["conflict"],
            }
    return None


def _free_land(context: dict, lang: str) -> dict | None:
    free = context["f"]["free_ha"]
    if free is None:
        return None
    return {"value": f"{format_number(free, lang)} ha", "as_of": context["f"]["free_ha_as_of"]}


def _attribute_rows(contexts: list[dict], lang: str) -> list[dict]:
    per_park = [dict(c["attribute_rows"]) for c in contexts]
    labels = [t(key, lang) for key in ATTRIBUTES]
    return [{"label": label, "cells": [park[label] for park in per_park]} for label in labels]


def _distance_rows(contexts: list[dict], lang: str) -> list[dict]:
    rows = []
    for place in KEY_INFRASTRUCTURE:
        cells = [(c["f"].get(f"distance_km_{place}"), c["f"].get(f"distance_uncertainty_km_{place}")) for c in contexts]
        known = [km for km, _ in cells if km is not None]
        best = min(known) if known else None
        rows.append({
            "label": t(f"place_{place}", lang),
            "cells": [None if km is None else {"value": format_distance(km, spread, lang), "best": km == best}
                      for km, spread in cells],
        })  # fmt: skip
    return rows


def download_rows(rows: list[pd.Series], distances, uncertainty_column, page_url) -> list[list]:
    """Return the compared parks as a table for CSV and Excel (header first): one row per park, its figures
    with their dates, the km to each place of ``distances`` (site-finder criteria) with their uncertainty,
    and the absolute link ``page_url(id)`` of its page. An unknown value is None (an empty cell)."""
    header = [*DOWNLOAD_COLUMNS, *(f"distance_km_{c.key}" for c in distances)]
    header += [f"distance_uncertainty_km_{c.key}" for c in distances] + ["page_url"]
    table = [header]
    for row in rows:
        cells = [row.name if name == "id" else _cell(row.get(name)) for name in DOWNLOAD_COLUMNS]
        cells += [_cell(row.get(c.column)) for c in distances]
        cells += [_cell(row.get(uncertainty_column(c))) for c in distances]
        table.append([*cells, page_url(row.name)])
    return table


def _cell(value):
    value = json_value(value)
    return None if value == "" else value
