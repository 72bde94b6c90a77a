"""The city as a whole: the sourced, dated figures of ``city-figures.csv`` and the data set measured against them.

The city's own counts (parks, their area) are the reference the coverage page compares the data set with:
"43 parks on 12,120 ha per the city (2025-08); 53 in this data set".
"""

from __future__ import annotations

import pandas as pd

from geo.model import parse
from geo.model.catalog import CITY_FIELDS
from geo.model.dataset import Dataset


def city_figures(dataset: Dataset) -> list[dict]:
    """Return every city figure, the shown value of each field first, then in file order.

    Each: ``field, value`` (a number), ``unit, as_of, sources`` (ids), ``shown, verified`` (booleans), ``note``
    and its Vietnamese twin ``note_vi`` ("" where the table has none).
    """
    figures = dataset.city_figures
    if figures.empty:
        return []
    rows = [_figure(row) for _, row in figures.iterrows()]
    order = {field: position for position, field in enumerate(CITY_FIELDS)}
    return sorted(rows, key=lambda row: (order[row["field"]], not row["shown"]))


def _figure(row: pd.Series) -> dict:
    return {
        "field": row["field"],
        "value": parse.number(row["value"]),
        "unit": row["unit"],
        "as_of": row["as_of"],
        "sources": row["sources"].split(),
        "shown": row["shown"] == "yes",
        "verified": row["verified"] == "yes",
        "note": row["note"],
        "note_vi": row.get("note_vi", ""),
    }


def shown_figure(dataset: Dataset, field: str) -> dict | None:
    """Return the shown value of a city field, or None when the data set has none."""
    return next((row for row in city_figures(dataset) if row["field"] == field and row["shown"]), None)


def parks_reference(dataset: Dataset) -> dict:
    """Return the city's count and area of industrial parks beside this data set's.

    ``city_parks``/``city_area_ha`` are the shown ``ip_count``/``ip_area_ha`` figures (None when absent),
    with their dates and sources; ``data_parks`` counts the parks layer, ``data_area_ha`` sums its
    declared areas (``data_parks_with_area`` parks have one).
    """
    parks = dataset.layer("industrial-parks").gdf
    count, area = shown_figure(dataset, "ip_count"), shown_figure(dataset, "ip_area_ha")
    declared = parks["area_ha"].dropna()
    return {
        "city_parks": count and count["value"],
        "city_parks_as_of": count and count["as_of"],
        "city_parks_sources": count["sources"] if count else [],
        "city_area_ha": area and area["value"],
        "city_area_as_of": area and area["as_of"],
        "city_area_sources": area["sources"] if area else [],
        "data_parks": len(parks),
        "data_area_ha": round(float(declared.sum()), 1),
        "data_parks_with_area": len(declared),
    }
