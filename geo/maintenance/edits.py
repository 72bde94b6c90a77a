"""Make logged edits on a data directory's tables: pure (inputs are copied), each edit checked.

Every edit first checks that it finds the value it expects (``Change.old``): an import is planned
against the current data, and a revert must find what the change it undoes left. A mismatch means
someone changed the data in between, and nothing is applied.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping

import pandas as pd

from geo.formats.tables import CsvTable, DataFiles, GeoJsonFile
from geo.maintenance.changelog import Change, display_value, figure_text, parse_figure_text
from geo.model.errors import MaintenanceError
from geo.model.files import FIGURES_FILE, POSITION_COLUMNS, POSITIONS_FILE, SOURCES_FILE, vietnamese

SOURCE_FIELDS = ("kind", "location", "title", "published", "publisher", "language")
NOTE_VI = vietnamese("note")  # a position record's Vietnamese note, where positions.csv has the column


def apply_changes(files: DataFiles, changes: Iterable[Change]) -> DataFiles:
    """Return ``files`` with every edit of ``changes`` made, in order.

    Raises
    ------
    MaintenanceError
        When an edit does not find the value it expects, or its feature, row or column.
    """
    frames: dict[str, pd.DataFrame] = {}
    documents: dict[str, dict] = {}
    for change in changes:
        if change.file in files.collections:
            if change.file not in documents:
                documents[change.file] = copy.deepcopy(files.collections[change.file].document)
            _edit_collection(documents[change.file], change)
        elif change.file in files.tables:
            frame = frames.get(change.file)
            frame = files.table(change.file).copy() if frame is None else frame
            frames[change.file] = _edit_table(frame, change)
        else:
            raise MaintenanceError(f"{change.file}: not a file of the data directory; cannot edit it")
    tables = {
        name: CsvTable(frame, files.tables[name].line_end, files.tables[name].bom) for name, frame in frames.items()
    }
    collections = {name: GeoJsonFile(doc, files.collections[name].style) for name, doc in documents.items()}
    return files.with_files(tables, collections)


def compact_geometry(geometry: Mapping | None) -> str:
    """Return a GeoJSON geometry object as one line of JSON, as the change log keeps it ("" for none)."""
    return "" if geometry is None else json.dumps(geometry, separators=(",", ":"), ensure_ascii=False)


def source_text(row: Mapping) -> str:
    """Return a source register row (without its id) as the change log keeps it."""
    return json.dumps({name: row.get(name, "") for name in SOURCE_FIELDS}, ensure_ascii=False)


def position_text(row: Mapping) -> str:
    """Return a positions.csv record (its id included) as the change log keeps it.

    Its Vietnamese note goes in only when it has one: a record logged before the twin existed reads the same.
    """
    record = {name: row.get(name, "") for name in POSITION_COLUMNS}
    if row.get(NOTE_VI):
        record[NOTE_VI] = row[NOTE_VI]
    return json.dumps(record, ensure_ascii=False)


def position_change(layer: str, row: Mapping) -> Change:
    """Return the edit that adds the position record ``row`` (``POSITION_COLUMNS``) to positions.csv.

    It is logged under the feature the record places, so that ``hpmap history --feature`` shows it.
    """
    return Change(POSITIONS_FILE, layer, row["feature_id"], "position", "", position_text(row), op="add")


def figure_identity(row: Mapping) -> str:
    """Return a figures.csv row's identity as the change log writes it."""
    return figure_text(row["value"], row["as_of"], row["sources"])


def _edit_collection(document: dict, change: Change) -> None:
    feature = next(
        (f for f in document["features"] if (f.get("properties") or {}).get("id") == change.feature),
        None,
    )
    if feature is None:
        raise MaintenanceError(f"{change.file}: no feature '{change.feature}'")
    if change.field == "geometry":
        _expect(compact_geometry(feature.get("geometry")), change)
        feature["geometry"] = json.loads(change.new) if change.new else None
        return
    properties = feature.setdefault("properties", {})
    current = properties.get(change.field)
    _expect("" if current is None else str(current), change)
    properties[change.field] = change.new


def _edit_table(frame: pd.DataFrame, change: Change) -> pd.DataFrame:
    row_edits = {
        (FIGURES_FILE, "add"): _add_figure, (FIGURES_FILE, "remove"): _remove_figure,
        (SOURCES_FILE, "add"): _add_source, (SOURCES_FILE, "remove"): _remove_source,
        (POSITIONS_FILE, "add"): _add_position, (POSITIONS_FILE, "remove"): _remove_position,
    }  # fmt: skip
    if (change.file, change.op) in row_edits:
        return row_edits[change.file, change.op](frame, change)
    if change.op != "set" or change.file == FIGURES_FILE:
        raise MaintenanceError(f"{change.file}: cannot {change.op} a {change.field} value here")
    rows = frame.index[frame["id"] == change.feature]
    if len(rows) != 1:
        raise MaintenanceError(f"{change.file}: {len(rows)} rows with id '{change.feature}', expected one")
    if change.field not in frame.columns:
        raise MaintenanceError(f"{change.file}: no column '{change.field}'")
    _expect(frame.at[rows[0], change.field], change)
    frame.at[rows[0], change.field] = change.new
    return frame


def _add_figure(frame: pd.DataFrame, change: Change) -> pd.DataFrame:
    shown = _figure_rows(frame, change, shown="yes")
    current = figure_identity(frame.loc[shown[0]]) if len(shown) else ""
    _expect(current, change)
    if len(shown):
        frame.at[shown[0], "shown"] = "no"
    value, as_of, sources = parse_figure_text(change.new)
    row = {column: "" for column in frame.columns}
    row.update(feature_id=change.feature, field=change.field, value=value, as_of=as_of, sources=sources, shown="yes")
    row["verified"] = "yes"  # an imported figure names the one source that states it
    position = _insertion_point(frame, change)
    new_row = pd.DataFrame([row], columns=frame.columns, dtype=object)
    return pd.concat([frame.iloc[:position], new_row, frame.iloc[position:]], ignore_index=True)


def _remove_figure(frame: pd.DataFrame, change: Change) -> pd.DataFrame:
    shown = _figure_rows(frame, change, shown="yes")
    current = figure_identity(frame.loc[shown[0]]) if len(shown) else ""
    if not shown:
        raise _conflict(change, "", change.old)
    _expect(current, change)
    frame = frame.drop(index=shown[0]).reset_index(drop=True)
    if change.new:
        hidden = [i for i in _figure_rows(frame, change, shown="no") if figure_identity(frame.loc[i]) == change.new]
        if not hidden:
            raise _conflict(change, "(no such row)", change.new)
        frame.at[hidden[0], "shown"] = "yes"
    return frame


def _figure_rows(frame: pd.DataFrame, change: Change, shown: str) -> list:
    mask = (frame["feature_id"] == change.feature) & (frame["field"] == change.field) & (frame["shown"] == shown)
    return list(frame.index[mask])


def _insertion_point(frame: pd.DataFrame, change: Change) -> int:
    # A new figure goes after the feature's other values of that field, else after the feature's other
    # figures, else at the end: the file stays grouped by feature, and removing it restores the bytes.
    same_feature = frame["feature_id"] == change.feature
    for mask in (same_feature & (frame["field"] == change.field), same_feature):
        positions = [i for i, hit in enumerate(mask) if hit]
        if positions:
            return positions[-1] + 1
    return len(frame)


def _add_source(frame: pd.DataFrame, change: Change) -> pd.DataFrame:
    if (frame["id"] == change.feature).any():
        raise MaintenanceError(f"{SOURCES_FILE}: source id '{change.feature}' is already registered")
    row = {column: "" for column in frame.columns}
    row.update(json.loads(change.new), id=change.feature)
    return pd.concat([frame, pd.DataFrame([row], columns=frame.columns, dtype=object)], ignore_index=True)


def _remove_source(frame: pd.DataFrame, change: Change) -> pd.DataFrame:
    rows = frame.index[frame["id"] == change.feature]
    if len(rows) != 1:
        raise _conflict(change, "", change.old)
    _expect(source_text(frame.loc[rows[0]]), change)
    return frame.drop(index=rows[0]).reset_index(drop=True)


def _add_position(frame: pd.DataFrame, change: Change) -> pd.DataFrame:
    record = json.loads(change.new)
    if (frame["id"] == record["id"]).any():
        raise MaintenanceError(f"{POSITIONS_FILE}: record id '{record['id']}' is already used")
    if record["feature_id"] != change.feature:
        raise MaintenanceError(
            f"{POSITIONS_FILE}: record '{record['id']}' places '{record['feature_id']}', not '{change.feature}'"
        )
    row = {column: "" for column in frame.columns}
    row.update(record)
    # After the feature's other records, else at the end: removing it gives back the same bytes.
    positions = [i for i, hit in enumerate(frame["feature_id"] == change.feature) if hit]
    at = positions[-1] + 1 if positions else len(frame)
    new_row = pd.DataFrame([row], columns=frame.columns, dtype=object)
    return pd.concat([frame.iloc[:at], new_row, frame.iloc[at:]], ignore_index=True)


def _remove_position(frame: pd.DataFrame, change: Change) -> pd.DataFrame:
    record_id = json.loads(change.old)["id"]
    rows = frame.index[frame["id"] == record_id]
    if len(rows) != 1:
        raise _conflict(change, "", change.old)
    _expect(position_text(frame.loc[rows[0]]), change)
    return frame.drop(index=rows[0]).reset_index(drop=True)


def _expect(current: str, change: Change) -> None:
    if current != change.old:
        raise _conflict(change, current, change.old)


def _conflict(change: Change, found: str, expected: str) -> MaintenanceError:
    return MaintenanceError(
        f"{change.file}, feature '{change.feature}', field '{change.field}': found {display_value(found)!r} "
        f"where {display_value(expected)!r} was expected; the data changed since. "
        f"`hpmap history --feature {change.feature}` shows what changed it"
    )
