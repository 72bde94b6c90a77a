"""The change log, ``changes.csv``: one row per elementary edit, grouped by change id.

A change is what one ``hpmap import`` or ``hpmap revert`` did. Every edit carries the value before and
after, so that a change can be undone exactly: the inverse of setting a value is setting the old one
back, the inverse of adding a figure or source row is removing it.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pandas as pd

from geo.formats.tables import CsvTable
from geo.model.errors import MaintenanceError
from geo.model.files import CHANGE_COLUMNS, CHANGES_FILE

OPS = {"set": "set", "add": "remove", "remove": "add"}  # each operation and its inverse
_FIGURE = re.compile(r"^(?P<value>.*) \(as of (?P<as_of>[^;]*); (?P<sources>.*)\)$")


@dataclass(frozen=True)
class Change:
    """One elementary edit of one file of the data directory.

    ``op`` is ``set`` for a cell, a GeoJSON property or a geometry (``old`` and ``new`` are the values,
    a geometry as compact GeoJSON); ``add`` for a new figure row (``new``, shown from now on, hides
    ``old``), a new source row or a new position record (``new`` is the row as JSON); ``remove`` is the
    inverse of ``add``.
    """

    file: str  # the data file edited: ports.csv, ports.geojson, figures.csv, sources.csv, positions.csv
    layer: str  # the feature's layer; "" for the source register
    feature: str  # feature id (the one a position record places); the source id for sources.csv
    field: str  # column, GeoJSON property, "geometry", a figure field, or "source"
    old: str
    new: str
    op: str = "set"

    def inverted(self) -> Change:
        """Return the edit that undoes this one."""
        return replace(self, old=self.new, new=self.old, op=OPS[self.op])


@dataclass(frozen=True)
class ChangeInfo:
    """Who made a change, when, how and from what."""

    change_id: str
    when: str  # UTC, ISO 8601, to the second
    who: str
    action: str  # "import attributes", "import boundaries", "revert <change id>"
    source: str  # the file imported and the source id, or what was reverted


def new_change_info(who: str, action: str, source: str, now: datetime | None = None) -> ChangeInfo:
    """Return the description of a change made now, with a fresh id such as ``20251121-060500-3fa9``."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    change_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    return ChangeInfo(change_id, f"{now:%Y-%m-%dT%H:%M:%SZ}", who, action, source)


def figure_text(value: str, as_of: str, sources: str) -> str:
    """Return a figure row's identity as logged: ``90 (as of 2025-06; heza-2025)``."""
    return f"{value} (as of {as_of}; {sources})"


def parse_figure_text(text: str) -> tuple[str, str, str]:
    """Return ``(value, as_of, sources)`` from a logged figure identity."""
    found = _FIGURE.match(text)
    if found is None:
        raise MaintenanceError(f"{CHANGES_FILE}: '{text}' is not a logged figure ('value (as of date; sources)')")
    return found["value"], found["as_of"], found["sources"]


def append_to_log(log: CsvTable, info: ChangeInfo, changes: list[Change]) -> CsvTable:
    """Return the change log with one row per edit of ``changes`` added at the end."""
    rows = [
        [info.change_id, info.when, info.who, info.action, info.source,
         c.layer, c.feature, c.file, c.field, c.op, c.old, c.new]
        for c in changes
    ]  # fmt: skip
    added = pd.DataFrame(rows, columns=CHANGE_COLUMNS, dtype=object)
    frame = added if log.frame.empty else pd.concat([log.frame, added], ignore_index=True)
    return replace(log, frame=frame)


def changes_of(log: pd.DataFrame, change_id: str) -> tuple[ChangeInfo, list[Change]]:
    """Return what change ``change_id`` was and its edits, in the order they were made.

    Raises
    ------
    MaintenanceError
        When no change has that id.
    """
    rows = log[log["change_id"] == change_id]
    if rows.empty:
        raise MaintenanceError(f"no change '{change_id}' in {CHANGES_FILE}; `hpmap history` lists them")
    first = rows.iloc[0]
    info = ChangeInfo(change_id, first["when"], first["who"], first["action"], first["source"])
    edits = [
        Change(r.file, r.layer, r.feature, r.field, r.old_value, r.new_value, r.op)
        for r in rows.itertuples(index=False)
    ]
    return info, edits


def reverted_by(log: pd.DataFrame, change_id: str) -> str | None:
    """Return the id of the change that reverted ``change_id``, if any."""
    hits = log[log["action"] == f"revert {change_id}"]
    return None if hits.empty else str(hits["change_id"].iloc[-1])


def history(
    log: pd.DataFrame, feature: str | None = None, limit: int | None = None
) -> list[tuple[ChangeInfo, list[Change]]]:
    """Return the logged changes, most recent first, each with its edit rows.

    ``feature`` keeps the changes (and their rows) that touched that feature; ``limit`` keeps the most
    recent ones.
    """
    rows = log if feature is None else log[log["feature"] == feature]
    order = list(dict.fromkeys(reversed(rows["change_id"].tolist())))
    if limit is not None:
        order = order[:limit]
    return [changes_of(rows, change_id) for change_id in order]


def describe_edit(old: str, new: str) -> str:
    """Return ``old → new`` for a reader; a value that grew at its end shows only what was added.

    Examples
    --------
    >>> describe_edit("src-a@2024; src-b@2025", "src-a@2024; src-b@2025; heza@2025-06")
    "… + '; heza@2025-06'"
    """
    if old and new.startswith(old) and len(new) > len(old):
        return f"… + {new[len(old) :]!r}"
    if new and old.startswith(new) and len(old) > len(new):
        return f"… − {old[len(new) :]!r}"
    return f"{display_value(old)} → {display_value(new)}"


def display_value(text: str, width: int = 70) -> str:
    """Return a logged value for a reader: a geometry summarised, long text shortened."""
    if text == "":
        return "(empty)"
    if text.startswith("{") and '"coordinates"' in text:
        return _geometry_summary(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _geometry_summary(text: str) -> str:
    try:
        geometry = json.loads(text)
    except json.JSONDecodeError:
        return text[:40] + "…"
    vertices = len(re.findall(r"\[\s*-?\d", json.dumps(geometry.get("coordinates"))))
    return f"{geometry.get('type')}, {vertices} vertices"
