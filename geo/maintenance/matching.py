"""Match incoming rows to a layer's features: by id when a row has one, else by name or alias.

Names are compared folded (``geo.model.text.fold``: no case, no diacritics, punctuation as spaces), against
``name_vi``, ``name_en`` and every alias. Nothing is guessed: a name that fits several features, or a
feature that several rows fit, is reported as ambiguous and left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from geo.model import parse
from geo.model.text import fold

NAME_FIELDS = ("name_vi", "name_en", "name")  # incoming columns tried for a name, by default


@dataclass(frozen=True)
class Miss:
    """An incoming row left alone, and why."""

    row: int  # spreadsheet row number, or feature number in a GIS file
    value: str  # the id or name(s) the row gave
    reason: str


@dataclass(frozen=True)
class Matching:
    """Which feature each incoming row is about, and the rows that fit none or several."""

    matched: Mapping[int, str]  # row → feature id
    by_name: frozenset[int]  # the matched rows that had no id and were matched by name
    unmatched: tuple[Miss, ...]
    ambiguous: tuple[Miss, ...]


def match_rows(
    incoming: pd.DataFrame,
    table: pd.DataFrame,
    layer: str,
    layer_of: Mapping[str, str],
    *,
    id_field: str = "id",
    name_fields: tuple[str, ...] = NAME_FIELDS,
    unit: str = "row",
    progress: Callable[[int, int], None] | None = None,
) -> Matching:
    """Match each row of ``incoming`` (index = row number) to a feature of ``table``, the layer's attributes.

    ``layer_of`` maps every feature id of the data set to its layer, to explain an id of another layer;
    ``unit`` is what the reasons call an incoming row ("row", "feature").

    Examples
    --------
    >>> table = pd.DataFrame({"id": ["kcn-a"], "name_vi": ["KCN Tràng Duệ"], "name_en": ["Trang Due IP"],
    ...                       "aliases": ["LG park"]})
    >>> rows = pd.DataFrame({"name_vi": ["kcn trang due", "Đình Vũ"]}, index=[2, 3])
    >>> result = match_rows(rows, table, "industrial-parks", {"kcn-a": "industrial-parks"})
    >>> dict(result.matched), [miss.row for miss in result.unmatched]
    ({2: 'kcn-a'}, [3])
    """
    names = _name_index(table)
    known_ids = set(table["id"])
    found: dict[int, str] = {}
    by_name: set[int] = set()
    unmatched, ambiguous = [], []
    for done, (row, record) in enumerate(incoming.iterrows(), start=1):
        feature_id = str(record.get(id_field, "") or "").strip() if id_field in incoming.columns else ""
        if feature_id:
            miss = _match_id(row, feature_id, known_ids, layer, layer_of)
            if miss is None:
                found[row] = feature_id
            else:
                unmatched.append(miss)
        else:
            given = [str(record[f]).strip() for f in name_fields if f in incoming.columns and str(record[f]).strip()]
            verdict, outcome = _match_names(row, given, names, layer, name_fields)
            if verdict == "matched":
                found[row] = outcome
                by_name.add(row)
            else:
                (ambiguous if verdict == "ambiguous" else unmatched).append(outcome)
        if progress is not None:
            progress(done, len(incoming))
    found, clashes = _without_shared_targets(found, incoming, (id_field, *name_fields), unit)
    return Matching(found, frozenset(by_name & set(found)), tuple(unmatched), tuple(ambiguous + clashes))


def _name_index(table: pd.DataFrame) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for record in table.itertuples(index=False):
        for name in [record.name_vi, record.name_en, *parse.split_list(getattr(record, "aliases", ""))]:
            if fold(name):
                index[fold(name)].add(record.id)
    return index


def _match_id(row: int, feature_id: str, known_ids: set[str], layer: str, layer_of: Mapping[str, str]) -> Miss | None:
    if feature_id in known_ids:
        return None
    if feature_id in layer_of:
        return Miss(row, feature_id, f"id of a feature of layer '{layer_of[feature_id]}', not of '{layer}'")
    return Miss(row, feature_id, f"unknown id: no feature of layer '{layer}' has it")


def _match_names(row: int, given: list[str], names: dict, layer: str, name_fields: tuple[str, ...]):
    # Returns ("matched", feature id), ("ambiguous", Miss) or ("unmatched", Miss).
    value = " / ".join(given)
    if not given:
        return "unmatched", Miss(row, "", f"no id and no name: fill the id column or one of {', '.join(name_fields)}")
    candidates = sorted(set().union(*(names.get(fold(name), set()) for name in given)))
    if len(candidates) == 1:
        return "matched", candidates[0]
    if candidates:
        listed = ", ".join(candidates)
        reason = f"fits {len(candidates)} features ({listed}): give the id, or an alias that tells them apart"
        return "ambiguous", Miss(row, value, reason)
    reason = f"no feature of layer '{layer}' has this name or alias (ignoring case and diacritics)"
    return "unmatched", Miss(row, value, reason)


def _without_shared_targets(found: dict[int, str], incoming, key_fields, unit: str) -> tuple[dict, list[Miss]]:
    # Two rows about one feature would overwrite each other: report both, apply neither.
    rows_of: dict[str, list[int]] = defaultdict(list)
    for row, feature_id in found.items():
        rows_of[feature_id].append(row)
    clashes = []
    for feature_id, rows in rows_of.items():
        if len(rows) > 1:
            listed = ", ".join(str(r) for r in rows)
            for row in rows:
                value = _row_value(incoming.loc[row], key_fields)
                reason = f"{unit}s {listed} all match feature '{feature_id}': keep one of them"
                clashes.append(Miss(row, value, reason))
    kept = {row: feature_id for row, feature_id in found.items() if len(rows_of[feature_id]) == 1}
    return kept, sorted(clashes, key=lambda miss: miss.row)


def _row_value(record: pd.Series, key_fields: tuple[str, ...]) -> str:
    for field in key_fields:
        if field in record.index and str(record[field]).strip():
            return str(record[field]).strip()
    return ""
