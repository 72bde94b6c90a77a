"""Checks on the data's text in two languages: each English text column beside its Vietnamese twin.

A twin (``note_vi`` beside ``note``, ``geometry_note_vi`` beside ``geometry_note``, ...) is optional: a file
without it, or with it empty throughout, is simply not translated, and the pages show the English text.
Once a file's twin holds some Vietnamese, the rows it misses are reported, once per file and column, as a
warning: the Vietnamese pages would show English there (an import that changes the English text empties
its stale translation, so the warning says what is left to translate).
"""

from __future__ import annotations

import pandas as pd

from geo.model import parse
from geo.model.errors import Issue
from geo.model.files import vietnamese

LISTED = 5  # rows named in a warning; the rest are counted
_ROW_KEYS = ("id", "feature_id", "field")  # what names a row, by file: its id, else its feature, else its field


def check_translations(table: pd.DataFrame, file: str, columns: tuple[str, ...]) -> list[Issue]:
    """Check the Vietnamese twin of each of ``columns`` in ``table`` (read from ``file``)."""
    issues = []
    labels = _row_labels(table)
    for column in columns:
        twin = vietnamese(column)
        if column not in table.columns or twin not in table.columns:
            continue
        english, translated = _filled(table[column]), _filled(table[twin])
        if not translated.any():
            continue
        issues += _warn(file, twin, labels[(english & ~translated).to_numpy()],
                        f"no Vietnamese beside the English text of {column}: the Vietnamese pages show the English; "
                        f"write it in {twin}")  # fmt: skip
        issues += _warn(file, twin, labels[(translated & ~english).to_numpy()],
                        f"Vietnamese text with no English in {column}: the other languages' pages show nothing; "
                        f"write the English in {column}")  # fmt: skip
    return issues


def check_list_twins(table: pd.DataFrame, file: str, column: str) -> list[Issue]:
    """Check that a list column's Vietnamese twin (``sectors_vi``) names as many items as the column, when it has any.

    The pages pair the items by position: a twin one item short would put each word beside the wrong one.
    """
    twin = vietnamese(column)
    if column not in table.columns or twin not in table.columns:
        return []
    issues = []
    for label, english, translated in zip(_row_labels(table), table[column], table[twin], strict=True):
        ours, theirs = parse.split_list(english), parse.split_list(translated)
        if theirs and len(theirs) != len(ours):
            issues.append(
                Issue("error", file, label, twin,
                      f"{len(theirs)} item(s) for the {len(ours)} of {column}: give one Vietnamese word per item of "
                      f"{column}, in the same order, separated by '; '")
            )  # fmt: skip
    return issues


def _filled(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str).str.strip() != ""


def _row_labels(table: pd.DataFrame) -> pd.Series:
    key = next((key for key in _ROW_KEYS if key in table.columns), None)
    if key is None:
        return pd.Series([f"#{position}" for position in range(len(table))], dtype=object)
    names = table[key].fillna("").astype(str).reset_index(drop=True)
    return names.where(names != "", "(no id)")


def _warn(file: str, twin: str, labels: pd.Series, message: str) -> list[Issue]:
    if labels.empty:
        return []
    named = list(dict.fromkeys(labels))
    shown = ", ".join(named[:LISTED]) + (f" and {len(named) - LISTED} more" if len(named) > LISTED else "")
    feature = named[0] if len(named) == 1 else None
    return [Issue("warning", file, feature, twin, f"{len(labels)} row(s) ({shown}): {message}")]
