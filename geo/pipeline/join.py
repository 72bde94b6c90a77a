"""Join the attribute table, the figures, the contacts and the source register onto a layer's geometry."""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.model import parse
from geo.model.catalog import CONTACT_ROLES, FIGURE_FIELDS, LIST_COLUMNS, TRANSLATED_ATTRIBUTES
from geo.model.files import CONTACT_COLUMNS, vietnamese


def with_translations(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Return ``table`` with the Vietnamese twin of each of ``columns`` (empty where the table has none).

    A data set built from a directory without the twins offers the same columns as one with them.
    """
    missing = [vietnamese(column) for column in columns if vietnamese(column) not in table.columns]
    return table.assign(**dict.fromkeys(missing, "")) if missing else table


def attach_attributes(geometry: gpd.GeoDataFrame, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return the geometry rows with their attribute row, indexed by feature id.

    List cells (aliases, sectors, sectors_vi, tenants) become Python lists; a table without the
    Vietnamese twins of its text (``TRANSLATED_ATTRIBUTES``) gets them empty.
    """
    table = with_translations(table, TRANSLATED_ATTRIBUTES)
    joined = geometry.merge(table, on="id", how="inner", validate="one_to_one")
    for column in LIST_COLUMNS:
        joined[column] = joined[column].map(parse.split_list)
    joined["geometry_sources"] = joined["geometry_sources"].map(lambda cell: cell.split())
    joined["position_uncertainty_m"] = joined["position_uncertainty_m"].map(parse.number).astype(float)
    return joined.set_index("id", drop=False).rename_axis(None)


def attach_figures(gdf: gpd.GeoDataFrame, figures: pd.DataFrame) -> gpd.GeoDataFrame:
    """Add each field's shown value and its date, every sourced value, and the conflicting fields.

    For each figure field ``f`` the frame gets ``f`` (the value shown, NaN when unknown) and
    ``f_as_of``; ``figures`` lists every value with its sources, date and whether it is shown;
    ``conflicts`` names the fields whose sources disagree.
    """
    out = gdf.copy()
    mine = figures[figures["feature_id"].isin(out.index)]
    records = {feature_id: [] for feature_id in out.index}
    for row in mine.itertuples(index=False):
        records[row.feature_id].append(
            {
                "field": row.field,
                "value": parse.number(row.value),
                "unit": FIGURE_FIELDS[row.field].unit,
                "as_of": row.as_of,
                "sources": row.sources.split(),
                "shown": row.shown == "yes",
                # False: one of ``sources`` states the value, but nobody checked which.
                "verified": row.verified == "yes",
                "note": row.note,
                "note_vi": getattr(row, "note_vi", ""),
            }
        )
    for field in FIGURE_FIELDS:
        out[field] = np.nan
        out[f"{field}_as_of"] = None
    for feature_id, items in records.items():
        for item in items:
            if item["shown"]:
                out.at[feature_id, item["field"]] = item["value"]
                out.at[feature_id, f"{item['field']}_as_of"] = item["as_of"]
    out["figures"] = pd.Series(records)
    out["conflicts"] = out["figures"].map(_conflicting_fields)
    return out


def _conflicting_fields(items: list[dict]) -> list[str]:
    values: dict[str, set] = {}
    for item in items:
        values.setdefault(item["field"], set()).add(item["value"])
    return sorted(field for field, distinct in values.items() if len(distinct) > 1)


def attach_contacts(gdf: gpd.GeoDataFrame, contacts: pd.DataFrame) -> gpd.GeoDataFrame:
    """Add ``contacts`` (every row of ``contacts.csv`` for the feature, in file order) and ``website``.

    Each contact is a dict of ``CONTACT_COLUMNS`` but the feature id, and ``note_vi``; ``sources`` as a list
    of ids; ``website`` is the first developer's web address, else the first management board's, else "".
    """
    out = gdf.copy()
    records: dict[str, list[dict]] = {feature_id: [] for feature_id in out.index}
    for row in contacts[contacts["feature_id"].isin(out.index)].itertuples(index=False):
        contact = {column: getattr(row, column) for column in CONTACT_COLUMNS[1:]}
        contact["note_vi"] = getattr(row, "note_vi", "")
        records[row.feature_id].append(contact | {"sources": row.sources.split()})
    out["contacts"] = pd.Series(records, dtype=object)
    out["website"] = out["contacts"].map(_website)
    return out


def _website(contacts: list[dict]) -> str:
    for role in CONTACT_ROLES:  # the developer's site before the board's
        for contact in contacts:
            if contact["role"] == role and contact["website"]:
                return contact["website"]
    return ""


def attach_sources(gdf: gpd.GeoDataFrame, sources: pd.DataFrame) -> gpd.GeoDataFrame:
    """Add ``sources``: one entry per (source, date described) with what it backs.

    Each entry is ``{"id", "location", "title", "publisher", "kind", "published", "as_of", "fields"}``;
    ``fields`` names the figures it backs, ``["description"]`` for the descriptive attributes and
    ``"contact"`` for a contact (``attach_contacts``; a frame without contacts has none).
    """
    # A plain dict: looked up once per source of every feature, tens of thousands of times on large layers.
    register = {
        row.id: {"location": row.location, "title": row.title, "publisher": row.publisher, "kind": row.kind,
                 "published": row.published}
        for row in sources.itertuples(index=False)
    }  # fmt: skip
    out = gdf.copy()
    contacts = gdf["contacts"] if "contacts" in gdf.columns else pd.Series([[]] * len(gdf), index=gdf.index)
    out["sources"] = [
        _source_entries(cell, items + [_as_backing(contact) for contact in reached], register)
        for cell, items, reached in zip(gdf["sources"], gdf["figures"], contacts, strict=True)
    ]
    return out


def _as_backing(contact: dict) -> dict:
    # A contact backs the page's contact block as a figure backs its field.
    return {"field": "contact", "sources": contact["sources"], "as_of": contact["as_of"]}


UNREGISTERED = {"location": "", "title": "", "publisher": "", "kind": "", "published": ""}


def _source_entries(cell: str, figures: list[dict], register: dict[str, dict]) -> list[dict]:
    backing: dict[tuple[str, str], list[str]] = {}
    for source_id, as_of in parse.source_refs(cell):
        backing.setdefault((source_id, as_of), []).append("description")
    for item in figures:
        for source_id in item["sources"]:
            fields = backing.setdefault((source_id, item["as_of"]), [])
            if item["field"] not in fields:
                fields.append(item["field"])
    entries = []
    for (source_id, as_of), fields in backing.items():
        entries.append({"id": source_id, **register.get(source_id, UNREGISTERED), "as_of": as_of, "fields": fields})
    return entries
