"""`hpmap import attributes | boundaries | osm`: new values, figures and outlines into the data.

Each import plans its edits from the file, prints how the file's rows matched the features, and hands
the edits to ``webmap.cli.editing`` (validated whole, written all or nothing, logged for ``hpmap revert``).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from pathlib import Path

import click

from geo.formats.incoming import read_attribute_file, read_boundary_file
from geo.formats.osm import read_extract
from geo.maintenance.changelog import new_change_info
from geo.maintenance.imports import plan_attribute_import, plan_boundary_import
from geo.maintenance.matching import NAME_FIELDS
from geo.maintenance.osm_import import plan_osm_import
from geo.maintenance.osm_match import OSM_UNCERTAINTY_M, report_lines
from geo.maintenance.plan import ImportOptions, Plan
from geo.model.catalog import GEOMETRY_QUALITIES, LAYERS, REGION_BOUNDS
from geo.model.errors import MaintenanceError
from geo.model.parse import is_date
from webmap.cli.editing import Edit, edit_options, open_target, prepare_and_write
from webmap.cli.options import LAYER_NAMES, OUTLINE_LAYER_NAMES, Choice, path_argument


@click.group("import")
def import_group() -> None:
    """Bring new attributes, figures or boundaries into the data."""


def matching_options(command):
    """Add the options that say how a file's rows find their features; hand the command ``options`` and ``strict``."""

    @click.option("--layer", type=Choice(LAYER_NAMES), help="default: the layer of the file's ids")
    @click.option("--id-field", default="id", show_default=True, help="the column holding feature ids")
    @click.option("--name-field", multiple=True, metavar="NAME",
                  help=f"a column of names, repeatable (default: {', '.join(NAME_FIELDS)})")  # fmt: skip
    @click.option("--source", help="the source of the new values: an id of sources.csv")
    @click.option("--source-location", metavar="URL_OR_FILE", help="register a new source at this location")
    @click.option("--source-title", default="", help="the new source's title")
    @click.option("--strict", is_flag=True, help="refuse when any row is unmatched or ambiguous")
    @functools.wraps(command)
    def with_matching(*args, layer, id_field, name_field, source, source_location, source_title, strict, **kwargs):
        options = ImportOptions(
            layer=layer,
            id_field=id_field,
            name_fields=tuple(name_field) or NAME_FIELDS,
            source_id=source,
            source_location=source_location,
            source_title=source_title,
        )
        return command(*args, options=options, strict=strict, **kwargs)

    return with_matching


@import_group.command()
@path_argument("file", required=True)
@click.option("--sheet", help="the workbook's sheet to read (default: the first)")
@click.option("--as-of", help="the date the figures describe, YYYY[-MM[-DD]] (or an as_of column)")
@click.option("--skip-column", multiple=True, metavar="NAME", help="leave a column out (repeatable)")
@matching_options
@edit_options("print the diff, change nothing")
def attributes(file: Path, sheet, as_of, skip_column, options: ImportOptions, strict: bool, edit: Edit) -> int:
    """Attribute values and figures from a CSV or .xlsx file.

    FILE: CSV (UTF-8) or Excel .xlsx; the first row names the columns.
    """
    if as_of and not is_date(as_of):
        raise MaintenanceError(f"--as-of {as_of}: not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    options = dataclasses.replace(options, as_of=as_of, skip_columns=tuple(skip_column))

    def plan(files, progress):
        progress.say(f"reading {file}")
        incoming = read_attribute_file(file, sheet=sheet)
        with progress.bar("matching rows") as update:
            return plan_attribute_import(files, incoming, options, update)

    return _run_import(edit, file, options, strict, plan, action="import attributes", unit="row")


@import_group.command()
@path_argument("file", required=True)
@click.option("--input-layer", help="the layer of a multi-layer file to read")
@click.option("--crs", help="the CRS to assume when the file names none, e.g. EPSG:3405")
@click.option("--quality", type=Choice(list(GEOMETRY_QUALITIES)), default="traced", show_default=True)
@click.option("--note", help="geometry_note of the new outlines (default: 'Imported from FILE.')")
@click.option(
    "--note-vi",
    help="its Vietnamese twin, geometry_note_vi (default, where the layer has Vietnamese notes: 'Nhập từ FILE.', "
    "or none beside a --note)",
)
@matching_options
@edit_options("print the diff, change nothing")
def boundaries(
    file: Path, input_layer, crs, quality, note, note_vi, options: ImportOptions, strict: bool, edit: Edit
) -> int:
    """Outlines from GeoJSON, a GeoPackage or a zipped Shapefile.

    FILE: in any CRS (VN-2000 / UTM 48N, EPSG:3405, for one); the outlines are reprojected to EPSG:4326.
    """
    options = dataclasses.replace(options, quality=quality, note=note, note_vi=note_vi)

    def plan(files, progress):
        progress.say(f"reading {file}")
        incoming = read_boundary_file(file, layer=input_layer, crs=crs)
        with progress.bar("matching features") as update:
            return plan_boundary_import(files, incoming, file.name, options, update)

    return _run_import(edit, file, options, strict, plan, action="import boundaries", unit="feature")


def _run_import(
    edit: Edit, file: Path, options: ImportOptions, strict: bool, plan_with, *, action: str, unit: str
) -> int:
    started = time.perf_counter()
    with open_target(edit.store, edit.progress) as target:
        plan: Plan = plan_with(target.files, edit.progress)
        _print_matching(plan, file.name, unit)
        if strict and (plan.matching.unmatched or plan.matching.ambiguous):
            click.echo("hpmap: refused (--strict): rows unmatched or ambiguous; nothing was changed", err=True)
            return 1
        if not plan.changes:
            click.echo(f"Nothing to change ({plan.unchanged} value(s) already as in the file).")
            return 0
        source = "; ".join(part for part in (file.name, _source_of(plan, options.source_id)) if part)
        info = new_change_info(edit.who(), action, source)
        code = prepare_and_write(edit, target, list(plan.changes), info)
    if code == 0:
        edit.progress.say(f"done in {time.perf_counter() - started:.2f} s")
    return code


def _source_of(plan: Plan, source_id: str | None) -> str:
    """Return the source the new values cite: the one the import registered, else ``--source``."""
    registered = [change.feature for change in plan.changes if change.field == "source"]
    return registered[0] if registered else (source_id or "")


def _print_matching(plan: Plan, file_name: str, unit: str) -> None:
    matching = plan.matching
    by_name = len(matching.by_name)
    click.echo(f"Import of {file_name} into layer {plan.layer}:")
    click.echo(f"  matched: {len(matching.matched)} ({len(matching.matched) - by_name} by id, {by_name} by name)")
    for title, misses in (("unmatched", matching.unmatched), ("ambiguous", matching.ambiguous)):
        click.echo(f"  {title}: {len(misses)}")
        for miss in misses:
            click.echo(f"    {unit} {miss.row} {miss.value!r}: {miss.reason}")
    changed = {(change.feature, change.field) for change in plan.changes if change.field != "source"}
    click.echo(f"  changed: {len(changed)} field(s) of {len({f for f, _ in changed})} feature(s)")
    click.echo(f"  unchanged (skipped): {plan.unchanged}")


def _bbox(ctx, param, text: str | None) -> tuple[float, float, float, float]:
    if text is None:
        return REGION_BOUNDS
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise click.BadParameter(f"'{text}': write MINLON,MINLAT,MAXLON,MAXLAT in degrees") from None
    if not (west < east and south < north):
        raise click.BadParameter(f"'{text}': the minimum must be below the maximum on both axes")
    return west, south, east, north


@import_group.command(
    help="Outlines of parks, ports and airports from an OpenStreetMap extract (.osm.pbf or .osm).\n\n"
    "Match the extract FILE's named industrial, port and aerodrome areas to features by name and position, "
    f"and bring their outlines in as traced geometry (position uncertainty {OSM_UNCERTAINTY_M} m), each OSM object "
    "recorded as position evidence. Extracts: e.g. https://download.geofabrik.de/asia/vietnam.html. OSM data is "
    "© OpenStreetMap contributors, ODbL 1.0.",
)
@path_argument("file", required=True)
@click.option("--layer", "layers", multiple=True, type=Choice(OUTLINE_LAYER_NAMES),
              help="only this layer (repeatable; default: every outline layer)")  # fmt: skip
@click.option("--bbox", metavar="MINLON,MINLAT,MAXLON,MAXLAT", callback=_bbox,
              help="read only areas meeting this box (default: the Hải Phòng region)")  # fmt: skip
@click.option("--as-of", help="the extract's date, YYYY-MM-DD, when its header states none")
@click.option("--source-location", metavar="URL", help="where the extract was downloaded from "
              "(recorded in sources.csv; default: its file name)")  # fmt: skip
@edit_options("print the report and the diff, change nothing")
def osm(file: Path, layers: tuple[str, ...], bbox, as_of, source_location, edit: Edit) -> int:
    progress = edit.progress
    progress.say(f"reading {file} (this takes a while for a country extract)")
    extract = read_extract(file, bbox)
    with open_target(edit.store, progress) as target:
        chosen = [spec for spec in LAYERS if spec.name in (layers or OUTLINE_LAYER_NAMES)]
        plan = plan_osm_import(target.files, extract, chosen, as_of, source_location)
        click.echo("\n".join(report_lines(plan.report)))
        if not plan.changes:
            click.echo(f"Nothing to change ({plan.unchanged} matched feature(s) already as in the extract).")
            return 0
        source = "; ".join(c.feature for c in plan.changes if c.field == "source") or _geometry_source(plan)
        info = new_change_info(edit.who(), "import osm", f"{extract.name}; {source}")
        return prepare_and_write(edit, target, list(plan.changes), info)


def _geometry_source(plan) -> str:
    return next((c.new for c in plan.changes if c.field == "geometry_sources"), "")
