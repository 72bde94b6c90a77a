"""`hpmap import attributes | boundaries | osm`, `hpmap history`, `hpmap revert`: keeping the data true.

The data are a data directory or, with a database URL (``--database-url`` or ``$HPMAP_DATABASE_URL``;
``--data-dir`` chooses the files), a PostGIS database. Every command takes a lock, plans its edits with the
same code for both, validates the whole changed data set, and only then changes everything at once: a
directory's files through ``geo.formats.journal`` (after finishing or undoing what a killed command left), a
database's tables in one transaction (``geo.postgis.maintenance``). Reports and diffs go to stdout; progress,
refusals and errors to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo import inspect_dataset
from geo.formats import journal
from geo.formats.incoming import read_attribute_file, read_boundary_file
from geo.formats.osm import read_extract
from geo.formats.tables import DataFiles, read_change_log, read_data_files
from geo.maintenance.changelog import Change, describe_edit, history, new_change_info
from geo.maintenance.imports import plan_attribute_import, plan_boundary_import
from geo.maintenance.matching import NAME_FIELDS
from geo.maintenance.osm_import import plan_osm_import
from geo.maintenance.osm_match import OSM_UNCERTAINTY_M, report_lines
from geo.maintenance.plan import ImportOptions, Plan, Proposal, new_issues, plan_revert, propose
from geo.model.catalog import GEOMETRY_QUALITIES, LAYERS, REGION_BOUNDS
from geo.model.errors import MaintenanceError
from geo.model.parse import is_date
from webmap import default_data_dir

PAUSE_HOOK = "HPMAP_TEST_PAUSE_AT"  # tests: sleep at this step ("replaced-1", "published") so they can kill us


def register(commands) -> None:
    """Add this module's subcommands to the ``hpmap`` parser's ``commands``."""
    import_ = commands.add_parser("import", help="bring new attributes, figures or boundaries into the data")
    kinds = import_.add_subparsers(dest="kind", required=True)

    attributes = kinds.add_parser("attributes", help="attribute values and figures from a CSV or .xlsx file")
    attributes.add_argument("file", type=Path, help="CSV (UTF-8) or Excel .xlsx; the first row names the columns")
    attributes.add_argument("--sheet", help="the workbook's sheet to read (default: the first)")
    attributes.add_argument("--as-of", help="the date the figures describe, YYYY[-MM[-DD]] (or an as_of column)")
    attributes.add_argument("--skip-column", action="append", default=[], metavar="NAME", help="leave a column out")
    _add_common(attributes)
    attributes.set_defaults(run=run_import_attributes)

    boundaries = kinds.add_parser("boundaries", help="outlines from GeoJSON, a GeoPackage or a zipped Shapefile")
    boundaries.add_argument("file", type=Path, help="in any CRS (e.g. VN-2000 / UTM 48N, EPSG:3405)")
    boundaries.add_argument("--input-layer", help="the layer of a multi-layer file to read")
    boundaries.add_argument("--crs", help="the CRS to assume when the file names none, e.g. EPSG:3405")
    boundaries.add_argument("--quality", choices=list(GEOMETRY_QUALITIES), default="traced")
    boundaries.add_argument("--note", help="geometry_note of the new outlines (default: 'Imported from FILE.')")
    _add_common(boundaries)
    boundaries.set_defaults(run=run_import_boundaries)

    osm = kinds.add_parser(
        "osm",
        help="outlines of parks, ports and airports from an OpenStreetMap extract (.osm.pbf or .osm)",
        description="Match the extract's named industrial, port and aerodrome areas to features by name and "
        "position, and bring their outlines in as traced geometry (position uncertainty "
        f"{OSM_UNCERTAINTY_M} m), each OSM object recorded as position evidence. Extracts: e.g. "
        "https://download.geofabrik.de/asia/vietnam.html. OSM data is © OpenStreetMap contributors, ODbL 1.0.",
    )
    osm.add_argument("file", type=Path, help="the extract, e.g. vietnam-latest.osm.pbf")
    osm.add_argument("--layer", action="append", choices=[s.name for s in LAYERS if s.geometry != "point"],
                     help="only this layer (repeatable; default: every outline layer)")  # fmt: skip
    osm.add_argument("--bbox", metavar="MINLON,MINLAT,MAXLON,MAXLAT", type=_bbox, default=REGION_BOUNDS,
                     help="read only areas meeting this box (default: the Hải Phòng region)")  # fmt: skip
    osm.add_argument("--as-of", help="the extract's date, YYYY-MM-DD, when its header states none")
    osm.add_argument("--source-location", metavar="URL", help="where the extract was downloaded from "
                     "(recorded in sources.csv; default: its file name)")  # fmt: skip
    osm.add_argument("--dry-run", action="store_true", help="print the report and the diff, change nothing")
    osm.add_argument("--by", help="who makes the change (default: the OS user)")
    _add_store(osm)
    osm.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    osm.set_defaults(run=run_import_osm)

    log = commands.add_parser("history", help="the change log, most recent change first")
    log.add_argument("--feature", metavar="ID", help="only the changes to this feature")
    log.add_argument("--limit", type=int, default=20, metavar="N", help="the N most recent changes (default 20)")
    _add_store(log)
    log.set_defaults(run=run_history)

    revert = commands.add_parser("revert", help="undo a logged change exactly (itself logged)")
    revert.add_argument("change_id", metavar="CHANGE_ID", help="as `hpmap history` lists it")
    revert.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    revert.add_argument("--by", help="who makes the change (default: the OS user)")
    _add_store(revert)
    revert.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    revert.set_defaults(run=run_revert)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--layer", choices=[spec.name for spec in LAYERS], help="default: the layer of the file's ids")
    parser.add_argument("--id-field", default="id", help="the column holding feature ids (default: id)")
    names = ", ".join(NAME_FIELDS)
    parser.add_argument("--name-field", action="append", metavar="NAME", help=f"a column of names (default: {names})")
    parser.add_argument("--source", help="the source of the new values: an id of sources.csv")
    parser.add_argument("--source-location", metavar="URL_OR_FILE", help="register a new source at this location")
    parser.add_argument("--source-title", default="", help="the new source's title")
    parser.add_argument("--strict", action="store_true", help="refuse when any row is unmatched or ambiguous")
    parser.add_argument("--dry-run", action="store_true", help="print the diff, change nothing")
    parser.add_argument("--by", help="who makes the change (default: the OS user)")
    _add_store(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="the data directory to change (default: $HPMAP_DATA_DIR)")
    parser.add_argument("--database-url", help="change this PostGIS database instead (default: $HPMAP_DATABASE_URL)")


def run_import_attributes(args) -> int:
    """Import attribute values and figures for a layer's features."""
    if args.as_of and not is_date(args.as_of):
        raise MaintenanceError(f"--as-of {args.as_of}: not a date; write YYYY, YYYY-MM or YYYY-MM-DD")

    def plan(files, progress):
        progress.say(f"reading {args.file}")
        incoming = read_attribute_file(args.file, sheet=args.sheet)
        return plan_attribute_import(files, incoming, _options(args), progress.bar("matching rows"))

    return _run_import(args, "import attributes", "row", plan)


def run_import_boundaries(args) -> int:
    """Import outlines for a layer's features, reprojected to EPSG:4326."""

    def plan(files, progress):
        progress.say(f"reading {args.file}")
        incoming = read_boundary_file(args.file, layer=args.input_layer, crs=args.crs)
        return plan_boundary_import(files, incoming, args.file.name, _options(args), progress.bar("matching features"))

    return _run_import(args, "import boundaries", "feature", plan)


def run_import_osm(args) -> int:
    """Bring outlines in from an OpenStreetMap extract, feature by feature as its report says."""
    progress = Progress(quiet=args.quiet)
    layers = [spec for spec in LAYERS if spec.geometry != "point" and (not args.layer or spec.name in args.layer)]
    progress.say(f"reading {args.file} (this takes a while for a country extract)")
    extract = read_extract(args.file, args.bbox)
    with _open_target(args, progress) as target:
        plan = plan_osm_import(target.files, extract, layers, args.as_of, args.source_location)
        print("\n".join(report_lines(plan.report)))
        if not plan.changes:
            print(f"Nothing to change ({plan.unchanged} matched feature(s) already as in the extract).")
            return 0
        source = "; ".join(c.feature for c in plan.changes if c.field == "source") or _geometry_source(plan)
        info = new_change_info(_who(args), "import osm", f"{extract.name}; {source}")
        return _propose_and_write(args, target, list(plan.changes), info, progress)


def _geometry_source(plan) -> str:
    return next((c.new for c in plan.changes if c.field == "geometry_sources"), "")


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}': write MINLON,MINLAT,MAXLON,MAXLAT in degrees") from None
    if not (west < east and south < north):
        raise argparse.ArgumentTypeError(f"'{text}': the minimum must be below the maximum on both axes")
    return west, south, east, north


def _options(args) -> ImportOptions:
    return ImportOptions(
        layer=args.layer,
        id_field=args.id_field,
        name_fields=tuple(args.name_field or NAME_FIELDS),
        source_id=args.source,
        source_location=args.source_location,
        source_title=args.source_title,
        as_of=getattr(args, "as_of", None),
        skip_columns=tuple(getattr(args, "skip_column", ())),
        quality=getattr(args, "quality", "traced"),
        note=getattr(args, "note", None),
    )


def _run_import(args, action: str, unit: str, plan_with) -> int:
    progress = Progress(quiet=args.quiet)
    started = time.perf_counter()
    with _open_target(args, progress) as target:
        plan: Plan = plan_with(target.files, progress)
        _print_matching(plan, args.file.name, unit)
        if args.strict and (plan.matching.unmatched or plan.matching.ambiguous):
            print("hpmap: refused (--strict): rows unmatched or ambiguous; nothing was changed", file=sys.stderr)
            return 1
        if not plan.changes:
            print(f"Nothing to change ({plan.unchanged} value(s) already as in the file).")
            return 0
        source = "; ".join(part for part in (args.file.name, _source_of(plan.changes, args.source)) if part)
        info = new_change_info(_who(args), action, source)
        code = _propose_and_write(args, target, list(plan.changes), info, progress)
    if code == 0:
        progress.say(f"done in {time.perf_counter() - started:.2f} s")
    return code


def _source_of(changes, source_id: str | None) -> str:
    registered = [change.feature for change in changes if change.field == "source"]
    return registered[0] if registered else (source_id or "")


def run_revert(args) -> int:
    """Undo a logged change, checking that nothing changed the same values since."""
    progress = Progress(quiet=args.quiet)
    with _open_target(args, progress) as target:
        original, changes = plan_revert(target.files, args.change_id)
        print(f"Revert of change {original.change_id} ({original.action}, {original.when}, by {original.who}):")
        info = new_change_info(_who(args), f"revert {original.change_id}", original.source)
        return _propose_and_write(args, target, changes, info, progress)


def _propose_and_write(args, target, changes: list[Change], info, progress) -> int:
    progress.say(f"validating the changed data set ({len(changes)} edits) {target.validation}")
    proposal = target.propose(changes, info)
    _print_diff(proposal.changes)
    before = target.issues_before() if proposal.issues else []  # a second pipeline run: only when it tells something
    if proposal.errors:
        _print_refusal(proposal, before)
        return 1
    for warning in [i for i in new_issues(before, proposal.issues) if i.severity == "warning"]:
        print(f"  new {warning}")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    written = ", ".join(target.commit(proposal))
    print(f"Change {info.change_id} written ({written}); undo it with `hpmap revert {info.change_id}`.")
    return 0


@contextlib.contextmanager
def _open_target(args, progress: Progress) -> Iterator:
    """Yield what the command changes, locked, its tables read: ``_Directory`` or a ``pgmaintenance.Session``."""
    url = _database_url(args)
    if url is None:
        data_dir = _data_dir(args)
        with journal.lock(data_dir):
            _recover(data_dir, progress)
            yield _Directory(data_dir, read_data_files(data_dir), progress)
        return
    from geo import postgis  # psycopg is only needed with a database
    from geo.postgis import maintenance as pgmaintenance

    progress.say(f"connecting to {postgis.redact(url)}")
    with pgmaintenance.session(url, on_wait=_say_waiting(progress), on_step=_pause_hook(progress)) as session:
        yield session


@dataclass(frozen=True)
class _Directory:
    """A data directory as what a change is made to: validated in a temporary copy, written through the journal."""

    data_dir: Path
    files: DataFiles
    progress: Progress
    validation: str = "in a temporary copy"

    def propose(self, changes: list[Change], info) -> Proposal:
        """Make, log and validate ``changes`` in a copy of the directory."""
        return propose(self.data_dir, self.files, changes, info)

    def issues_before(self) -> list:
        """Return every issue of the directory as it is."""
        return inspect_dataset(self.data_dir, self.files.specs)[1]

    def commit(self, proposal: Proposal) -> list[str]:
        """Write the proposal's files all at once; return their names."""
        self.progress.say(f"writing {len(proposal.contents)} files")
        journal.commit_files(self.data_dir, proposal.contents, on_step=_pause_hook(self.progress))
        return list(proposal.contents)


def _print_refusal(proposal, before) -> None:
    old = set(before)
    count = len(proposal.errors)
    print(f"hpmap: refused: the changed data would have {count} error(s); nothing was changed.", file=sys.stderr)
    for issue in proposal.errors:
        suffix = " (already in the data before this change)" if issue in old else ""
        print(f"  {issue}{suffix}", file=sys.stderr)


def run_history(args) -> int:
    """Print the change log, most recent change first."""
    url = _database_url(args)
    if url is not None:
        from geo.postgis import maintenance as pgmaintenance

        log = pgmaintenance.change_log(url)
    else:
        data_dir = _data_dir(args)
        with journal.lock(data_dir):
            _recover(data_dir, Progress(quiet=False))
            log = read_change_log(data_dir).frame
    entries = history(log, feature=args.feature, limit=args.limit)
    if not entries:
        print("No change logged yet." if args.feature is None else f"No change logged for '{args.feature}'.")
    for info, changes in entries:
        print(f"{info.change_id}  {info.when}  {info.who}  {info.action}  {info.source}")
        _print_diff(changes, header=False)
    return 0


def _print_diff(changes, header: bool = True) -> None:
    if header:
        print(f"Changes ({len(changes)}):")
    for change in changes:
        what = {"add": " [new row]", "remove": " [row removed]"}.get(change.op, "")
        print(f"  {change.file}  {change.feature}  {change.field}: {describe_edit(change.old, change.new)}{what}")


def _print_matching(plan: Plan, file_name: str, unit: str) -> None:
    matching = plan.matching
    by_name = len(matching.by_name)
    print(f"Import of {file_name} into layer {plan.layer}:")
    print(f"  matched: {len(matching.matched)} ({len(matching.matched) - by_name} by id, {by_name} by name)")
    for title, misses in (("unmatched", matching.unmatched), ("ambiguous", matching.ambiguous)):
        print(f"  {title}: {len(misses)}")
        for miss in misses:
            print(f"    {unit} {miss.row} {miss.value!r}: {miss.reason}")
    changed = {(change.feature, change.field) for change in plan.changes if change.field != "source"}
    print(f"  changed: {len(changed)} field(s) of {len({f for f, _ in changed})} feature(s)")
    print(f"  unchanged (skipped): {plan.unchanged}")


def _database_url(args) -> str | None:
    """Return the database to change, or None for a data directory: an option given wins over the environment."""
    if args.database_url and args.data_dir:
        raise MaintenanceError("give --data-dir or --database-url, not both")
    if args.data_dir:
        return None
    return args.database_url or os.environ.get("HPMAP_DATABASE_URL") or None


def _data_dir(args) -> Path:
    data_dir = args.data_dir or default_data_dir()
    if not data_dir.is_dir():
        raise MaintenanceError(f"{data_dir}: no such data directory")
    return data_dir


def _recover(data_dir: Path, progress: Progress) -> None:
    outcome, names = journal.recover(data_dir)
    if outcome == "forward":
        progress.say(f"completed a change a killed process left half written: {', '.join(names)}", always=True)
    elif outcome == "back":
        progress.say(f"discarded the staged files of a change that never committed: {', '.join(names)}", always=True)


def _who(args) -> str:
    if args.by:
        return args.by
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (e.g. some containers)
        return f"uid-{os.getuid()}"


def _say_waiting(progress: Progress):
    return lambda: progress.say("another hpmap command is changing this database: waiting for it to end", always=True)


def _pause_hook(progress: Progress):
    pause_at = os.environ.get(PAUSE_HOOK)

    def on_step(step: str) -> None:
        if step == pause_at:
            # Until SIGUSR1 (the test lets us go on) or ten minutes; SIGUSR1 is blocked first, so one sent
            # as soon as the line below is read is kept pending rather than killing the process.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
            progress.say(f"paused at {step} ({PAUSE_HOOK})", always=True)
            signal.sigtimedwait({signal.SIGUSR1}, 600)

    return on_step


class Progress:
    """Progress on stderr: a bar redrawn in place on a terminal, a few plain lines elsewhere; nothing when quiet."""

    def __init__(self, quiet: bool, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.redraw = self.stream.isatty()

    def say(self, message: str, always: bool = False) -> None:
        """Print one line of progress."""
        if always or not self.quiet:
            print(f"hpmap: {message}", file=self.stream, flush=True)

    def bar(self, label: str):
        """Return a ``(done, total)`` callback drawing a bar labelled ``label``."""
        shown = set()

        def update(done: int, total: int) -> None:
            if self.quiet or total == 0:
                return
            tenth = done * 10 // total
            if not self.redraw and (tenth in shown or (tenth % 5 and done != total)):
                return  # in a log: 0 %, 50 %, 100 % only
            shown.add(tenth)
            filled = done * 30 // total
            line = f"hpmap: {label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}"
            end = "\n" if (done == total or not self.redraw) else ""
            print(("\r" if self.redraw else "") + line, end=end, file=self.stream, flush=True)

        return update
