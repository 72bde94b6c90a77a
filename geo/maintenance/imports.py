"""Plan an import: which features the incoming rows are about, and which edits would bring the data in line.

Attributes: a column named after a column of the layer's table (status, developer, …) or a GeoJSON
property (geometry_quality, …) sets that value; a column named after a figure field (occupancy_pct, …)
adds a sourced, dated figure that becomes the shown one, the previous value kept as history. Empty
cells never clear a value. Boundaries: the matched features' outlines are replaced (EPSG:4326) and
their quality and source recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from shapely.geometry import mapping

from geo.formats.incoming import IncomingTable
from geo.formats.tables import DataFiles
from geo.maintenance.changelog import Change, figure_text
from geo.maintenance.edits import compact_geometry, figure_identity
from geo.maintenance.matching import match_rows
from geo.maintenance.plan import ImportOptions, Plan, Progress, infer_layer, resolve_source
from geo.model import parse
from geo.model.catalog import FIGURE_FIELDS, GEOMETRY_QUALITIES, LIST_COLUMNS, TRANSLATED_ATTRIBUTES, LayerSpec
from geo.model.errors import MaintenanceError
from geo.model.files import FIGURES_FILE, GEOMETRY_PROPERTIES, SOURCES_FILE, TRANSLATED_GEOMETRY_TEXT, vietnamese

COORDINATE_DECIMALS = 7  # 1e-7 degree is about 1 cm: enough for any survey, and small files


def plan_attribute_import(
    files: DataFiles, incoming: IncomingTable, options: ImportOptions, progress: Progress | None = None
) -> Plan:
    """Match the rows of ``incoming`` to features and list the edits their values call for.

    Raises
    ------
    MaintenanceError
        For an unknown column, a figure without a source or a date, or an unknown source.
    """
    frame = incoming.frame
    layer = options.layer or infer_layer(files, _ids(frame, options.id_field))
    spec = files.spec(layer)
    table = files.table(spec.attributes_file)
    columns = _classify_columns(list(frame.columns), list(table.columns), options)
    matching = match_rows(
        frame, table, layer, files.layer_of(), id_field=options.id_field, name_fields=options.name_fields,
        progress=progress,
    )  # fmt: skip
    needs_source = any(frame.loc[row, f] for row in matching.matched for f in columns["figures"])
    source_id, changes = resolve_source(files, options)
    if needs_source and source_id is None:
        raise MaintenanceError(
            f"{incoming.name}: figures ({', '.join(columns['figures'])}) need a source: give --source SOURCE_ID "
            "(an id of sources.csv) or --source-location URL_OR_FILE, and --as-of YYYY[-MM[-DD]] or an as_of column"
        )
    context = _Context(files, spec, table.set_index("id"), columns, source_id, options)
    unchanged, problems = 0, []
    for row, feature_id in sorted(matching.matched.items()):
        # A row found by its name never renames the feature: its name cells are the key, not new values.
        by_name = row in matching.by_name
        row_changes, row_unchanged, row_problems = _row_edits(context, feature_id, frame.loc[row], by_name)
        changes += row_changes
        unchanged += row_unchanged
        problems += [f"row {row}: {problem}" for problem in row_problems]
    if problems:
        raise MaintenanceError(f"{incoming.name}: " + "; ".join(problems))
    return Plan(layer=layer, matching=matching, changes=tuple(_without_lone_source(changes)), unchanged=unchanged)


@dataclass(frozen=True)
class _Context:
    files: DataFiles
    spec: LayerSpec
    rows: pd.DataFrame  # the layer's attribute table, index = feature id
    columns: dict[str, list[str]]  # incoming columns by kind: table, geometry, figures, ignored
    source_id: str | None
    options: ImportOptions


def _without_lone_source(changes: list[Change]) -> list[Change]:
    # Registering a source that nothing cites would be a change of its own: leave it out.
    return changes if any(change.file != SOURCES_FILE for change in changes) else []


def _ids(frame: pd.DataFrame, id_field: str) -> list[str]:
    return [str(value) for value in frame[id_field] if str(value)] if id_field in frame.columns else []


def _classify_columns(columns: list[str], table_columns: list[str], options: ImportOptions) -> dict[str, list[str]]:
    # Name columns that are also table columns (name_vi, name_en) stay "table": a row matched by id may rename.
    ignored = {options.id_field, "id", "as_of", *options.skip_columns}
    kinds: dict[str, list[str]] = {"table": [], "geometry": [], "figures": [], "ignored": []}
    for column in columns:
        if column in ignored or _is_figure_date(column):
            kinds["ignored"].append(column)
        elif column in table_columns:
            kinds["table"].append(column)
        elif column in GEOMETRY_PROPERTIES:
            kinds["geometry"].append(column)
        elif column in FIGURE_FIELDS:
            kinds["figures"].append(column)
        elif column in options.name_fields:
            kinds["ignored"].append(column)
        else:
            kinds.setdefault("unknown", []).append(column)
    if "unknown" in kinds:
        known = ", ".join([*table_columns[1:], *GEOMETRY_PROPERTIES, *FIGURE_FIELDS, "as_of", "<figure>_as_of"])
        raise MaintenanceError(
            f"unknown column(s): {', '.join(kinds['unknown'])}. Columns can be: {known}; "
            "leave a column out with --skip-column NAME"
        )
    return kinds


def _is_figure_date(column: str) -> bool:
    return column.endswith("_as_of") and column.removesuffix("_as_of") in FIGURE_FIELDS


def _row_edits(context: _Context, feature_id: str, record: pd.Series, names_are_keys: bool):
    """Return the edits one incoming row calls for, how many of its values were already right, and its problems."""
    spec, options = context.spec, context.options
    as_of = record.get("as_of") or options.as_of or ""
    current_row = context.rows.loc[feature_id]
    wanted = {
        column: _normalised(column, record[column])
        for column in context.columns["table"]
        if record[column] and not (names_are_keys and column in options.name_fields)
    }
    cell_changes = {c: v for c, v in wanted.items() if v != current_row[c]}
    cell_changes |= stale_translations(cell_changes, wanted, current_row, TRANSLATED_ATTRIBUTES)
    _follow_status_and_sources(cell_changes, current_row, wanted, context.source_id, as_of)
    changes = [
        Change(spec.attributes_file, spec.name, feature_id, c, current_row[c], v) for c, v in cell_changes.items()
    ]
    unchanged = len(wanted) - len(set(wanted) & set(cell_changes))
    feature = context.files.collections[spec.geometry_file].feature(feature_id) or {}
    properties = {key: str(value) for key, value in (feature.get("properties") or {}).items() if value is not None}
    geometry_wanted = {column: record[column] for column in context.columns["geometry"] if record[column]}
    geometry_changes = {c: v for c, v in geometry_wanted.items() if v != properties.get(c, "")}
    unchanged += len(geometry_wanted) - len(geometry_changes)
    geometry_changes |= stale_translations(geometry_changes, geometry_wanted, properties, TRANSLATED_GEOMETRY_TEXT)
    changes += [
        Change(spec.geometry_file, spec.name, feature_id, c, properties.get(c, ""), v)
        for c, v in geometry_changes.items()
    ]
    figure_changes, figure_unchanged, problems = _figure_edits(context, feature_id, record, as_of)
    return changes + figure_changes, unchanged + figure_unchanged, problems


def stale_translations(changes: dict, wanted: dict, current, columns: tuple[str, ...]) -> dict[str, str]:
    """Return the Vietnamese twins to empty: those of ``columns`` that ``changes`` give new English text to.

    A translation of the old text would be wrong beside the new one; empty, the pages show the English and
    validation lists what is left to translate. A twin the import sets itself (in ``wanted``) is kept.
    ``current`` maps each column of the row (table cells or GeoJSON properties) to its value.
    """
    emptied = {}
    for column in columns:
        twin = vietnamese(column)
        if column in changes and twin not in wanted and twin in current and current[twin]:
            emptied[twin] = ""
    return emptied


def _normalised(column: str, value: str) -> str:
    # "a;b" and "a ;  b" are the same list as the tables' "a; b".
    return "; ".join(parse.split_list(value)) if column in LIST_COLUMNS else value


def _follow_status_and_sources(cell_changes: dict, current_row, wanted: dict, source_id, as_of: str) -> None:
    # A new status describes the import's date unless the file gives status_as_of itself; the
    # descriptive attributes cite the import's source (``sources``: "id@date; …") unless the file sets it.
    if "status" in cell_changes and "status_as_of" not in wanted and as_of and as_of != current_row["status_as_of"]:
        cell_changes["status_as_of"] = as_of
    if cell_changes and source_id and as_of and "sources" not in wanted:
        reference = f"{source_id}@{as_of}"
        cited = current_row["sources"]
        if (source_id, as_of) not in parse.source_refs(cited):
            cell_changes["sources"] = f"{cited}; {reference}" if cited else reference


def _figure_edits(context: _Context, feature_id: str, record: pd.Series, as_of: str):
    figures = context.files.table(FIGURES_FILE)
    changes, unchanged, problems = [], 0, []
    for field in context.columns["figures"]:
        value = record[field]
        if not value:
            continue
        date = record.get(f"{field}_as_of") or as_of
        if not date:
            problems.append(f"{field} {value} has no date: give --as-of or an as_of column")
            continue
        same = (figures["feature_id"] == feature_id) & (figures["field"] == field)
        shown = figures[same & (figures["shown"] == "yes")]
        current = shown.iloc[0] if len(shown) else None
        if current is not None and _same_number(current["value"], value) and current["as_of"] == date:
            unchanged += 1
            continue
        old = figure_identity(current) if current is not None else ""
        new = figure_text(value, date, context.source_id)
        changes.append(Change(FIGURES_FILE, context.spec.name, feature_id, field, old, new, op="add"))
    return changes, unchanged, problems


def _same_number(a: str, b: str) -> bool:
    x, y = parse.number(a), parse.number(b)
    return a == b or (x is not None and x == y)


def plan_boundary_import(
    files: DataFiles,
    incoming: gpd.GeoDataFrame,
    file_name: str,
    options: ImportOptions,
    progress: Progress | None = None,
) -> Plan:
    """Match the features of ``incoming`` (EPSG:4326) to a layer's and list the outline edits.

    Raises
    ------
    MaintenanceError
        For a quality outside the vocabulary, or boundaries without a source.
    """
    if options.quality not in GEOMETRY_QUALITIES:
        raise MaintenanceError(f"--quality {options.quality}: use one of {', '.join(GEOMETRY_QUALITIES)}")
    keys = pd.DataFrame(incoming.drop(columns=incoming.geometry.name))
    layer = options.layer or infer_layer(files, _ids(keys, options.id_field))
    spec = files.spec(layer)
    matching = match_rows(
        keys, files.table(spec.attributes_file), layer, files.layer_of(), id_field=options.id_field,
        name_fields=options.name_fields, unit="feature", progress=progress,
    )  # fmt: skip
    source_id, changes = resolve_source(files, options)
    if matching.matched and source_id is None:
        raise MaintenanceError(
            f"{file_name}: boundaries need a source: give --source SOURCE_ID (an id of sources.csv) "
            "or --source-location URL_OR_FILE to register the survey or map they come from"
        )
    collection = files.collections[spec.geometry_file]
    wanted = {
        "geometry_quality": options.quality,
        "geometry_sources": source_id,
        "geometry_note": options.note if options.note is not None else f"Imported from {file_name}.",
    }
    if options.note_vi is not None or is_translated(collection.document, "geometry_note"):
        default = f"Nhập từ {file_name}." if options.note is None else ""
        wanted["geometry_note_vi"] = options.note_vi if options.note_vi is not None else default
    unchanged = 0
    for row, feature_id in sorted(matching.matched.items()):
        edits = _outline_edits(
            collection.feature(feature_id) or {}, spec, feature_id, incoming.geometry.loc[row], wanted
        )
        changes += edits
        unchanged += 0 if edits else 1
    return Plan(layer=layer, matching=matching, changes=tuple(_without_lone_source(changes)), unchanged=unchanged)


def _outline_edits(feature: dict, spec: LayerSpec, feature_id: str, geometry, wanted: dict) -> list[Change]:
    # A new outline brings its quality, source and note; the same outline again changes nothing.
    old_geometry, new_geometry = compact_geometry(feature.get("geometry")), geometry_json(geometry)
    if new_geometry == old_geometry:
        return []
    properties = feature.get("properties") or {}
    edits = [Change(spec.geometry_file, spec.name, feature_id, "geometry", old_geometry, new_geometry)]
    for field, value in wanted.items():
        old = str(properties.get(field, ""))
        if old != value:
            edits.append(Change(spec.geometry_file, spec.name, feature_id, field, old, value))
    return edits


def is_translated(collection: dict, column: str) -> bool:
    """Tell whether a FeatureCollection's features give ``column`` a Vietnamese twin (one of them is enough).

    Only then does an edit write the twin: in a file nobody translated, one Vietnamese note among English
    ones would leave every other feature reported as untranslated.
    """
    twin = vietnamese(column)
    return any((feature.get("properties") or {}).get(twin) for feature in collection.get("features") or [])


def geometry_json(geometry) -> str:
    """Return a shapely geometry as compact GeoJSON, coordinates rounded to ``COORDINATE_DECIMALS``."""
    if geometry is None:
        return ""
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    return compact_geometry(json.loads(json.dumps(mapping(rounded))))
