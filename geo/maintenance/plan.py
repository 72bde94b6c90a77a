"""Keeping the data true: plan an import or a revert as edits, and check the result before anything is written.

The steps, each a pure function over ``DataFiles`` (nothing here writes to the data directory):

1. ``plan_attribute_import`` / ``plan_boundary_import`` match incoming rows to features and list the
   edits (``Change``) that would bring the data in line; ``plan_revert`` lists the inverse of a logged change.
2. ``edited`` makes the edits on copies of the tables and appends them to the change log; ``prepare_write``
   then renders the changed files and validates the whole changed data set in a temporary copy of the
   directory.
3. The caller writes ``PendingWrite.contents`` with ``geo.formats.journal.commit_files`` (the file store), or — for
   a database — ``geo.postgis.maintenance`` writes the tables ``edited`` gives in one transaction.

The tables come in as ``DataFiles``, whatever holds them: ``geo.formats.tables.read_data_files`` reads a data
directory, ``geo.postgis.maintenance.read_files`` the database.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from geo.formats.tables import DataFiles
from geo.maintenance.changelog import Change, ChangeInfo, append_to_log, changes_of, reverted_by
from geo.maintenance.edits import apply_changes, source_text
from geo.maintenance.matching import NAME_FIELDS, Matching
from geo.model.errors import Issue, MaintenanceError
from geo.model.files import CHANGES_FILE, SOURCES_FILE
from geo.model.text import fold
from geo.pipeline.build import inspect_dataset

Progress = Callable[[int, int], None]
GIS_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".shp", ".kml")


@dataclass(frozen=True)
class ImportOptions:
    """How to read and match an incoming file, and what to record with its values."""

    layer: str | None = None  # None: the layer whose ids the file uses
    id_field: str = "id"
    name_fields: tuple[str, ...] = NAME_FIELDS
    source_id: str | None = None  # an id of sources.csv
    source_location: str | None = None  # registers a new source (web address or file name)
    source_title: str = ""
    as_of: str | None = None  # the date the figures describe, YYYY[-MM[-DD]], unless a row says
    skip_columns: tuple[str, ...] = ()  # incoming columns to leave out
    quality: str = "traced"  # geometry_quality of imported boundaries
    note: str | None = None  # geometry_note of imported boundaries
    note_vi: str | None = None  # its Vietnamese twin, geometry_note_vi


@dataclass(frozen=True)
class Plan:
    """What an import would do: the matching, the edits, and how many values were already right."""

    layer: str
    matching: Matching
    changes: tuple[Change, ...]
    unchanged: int  # incoming values equal to the current ones


@dataclass(frozen=True)
class PendingWrite:
    """A change ready to be written: the edited files, rendered, and what validation says of them."""

    info: ChangeInfo
    changes: tuple[Change, ...]
    contents: dict[str, bytes]  # file name → new bytes, for every file the change touches
    issues: list[Issue]  # of the whole data set with the change made, warnings included

    @property
    def errors(self) -> list[Issue]:
        """Return the issues that refuse the change."""
        return [issue for issue in self.issues if issue.severity == "error"]


def prepare_write(data_dir: Path, files: DataFiles, changes: list[Change], info: ChangeInfo) -> PendingWrite:
    """Make ``changes`` on copies of ``files``, log them, and validate the result in a temporary copy of ``data_dir``.

    Raises
    ------
    MaintenanceError
        When an edit does not find the value it expects (the data changed since it was planned).
    """
    after = edited(files, changes, info)
    names = sorted({change.file for change in changes} | {CHANGES_FILE})
    contents = {name: after.render(name) for name in names}
    issues = check_in_copy(data_dir, contents, files)
    return PendingWrite(info=info, changes=tuple(changes), contents=contents, issues=issues)


def edited(files: DataFiles, changes: list[Change], info: ChangeInfo) -> DataFiles:
    """Return ``files`` with every edit of ``changes`` made and logged under ``info``: the data as the change leaves it.

    Raises
    ------
    MaintenanceError
        When an edit does not find the value it expects (the data changed since it was planned).
    """
    after = apply_changes(files, changes)
    return after.with_files({CHANGES_FILE: append_to_log(after.tables[CHANGES_FILE], info, changes)}, {})


def check_in_copy(data_dir: Path, contents: dict[str, bytes], files: DataFiles) -> list[Issue]:
    """Return every issue of the data set ``data_dir`` would be with ``contents`` written, leaving it untouched."""
    with tempfile.TemporaryDirectory(prefix="hpmap-check-") as scratch:
        copy = Path(scratch)
        for path in Path(data_dir).iterdir():
            if path.is_file() and not path.name.startswith("."):
                shutil.copyfile(path, copy / path.name)
        for name, content in contents.items():
            (copy / name).write_bytes(content)
        _, issues = inspect_dataset(copy, files.specs)
    return issues


def new_issues(before: list[Issue], after: list[Issue]) -> list[Issue]:
    """Return the issues of ``after`` that ``before`` did not have."""
    known = set(before)
    return [issue for issue in after if issue not in known]


def plan_revert(files: DataFiles, change_id: str) -> tuple[ChangeInfo, list[Change]]:
    """Return the logged change ``change_id`` and the edits that undo it, last edit first.

    Raises
    ------
    MaintenanceError
        When there is no such change, or it was reverted already.
    """
    log = files.table(CHANGES_FILE)
    info, changes = changes_of(log, change_id)
    undone_by = reverted_by(log, change_id)
    if undone_by is not None:
        raise MaintenanceError(f"change {change_id} was reverted already, by change {undone_by}")
    return info, [change.inverted() for change in reversed(changes)]


def infer_layer(files: DataFiles, ids: list[str]) -> str:
    """Return the one layer whose features have the ids ``ids`` name.

    Raises
    ------
    MaintenanceError
        When the ids name no feature, or features of several layers.
    """
    layer_of = files.layer_of()
    layers = sorted({layer_of[i] for i in ids if i in layer_of})
    if len(layers) == 1:
        return layers[0]
    if not layers:
        raise MaintenanceError("no id of the file is a feature id: say which layer it is about with --layer")
    raise MaintenanceError(f"the file's ids belong to several layers ({', '.join(layers)}): choose one with --layer")


def resolve_source(files: DataFiles, options: ImportOptions) -> tuple[str | None, list[Change]]:
    """Return the source id to cite, and the edit registering it in sources.csv when it is new.

    Raises
    ------
    MaintenanceError
        When ``--source`` names no registered source and no location is given, or clashes with one.
    """
    sources = files.table(SOURCES_FILE)
    source_id, location = options.source_id, options.source_location
    if not location:
        if source_id is not None and source_id not in set(sources["id"]):
            raise MaintenanceError(
                f"unknown source '{source_id}': it is not in sources.csv; register it with "
                "--source-location URL_OR_FILE (and --source-title)"
            )
        return source_id, []
    registered = sources[sources["location"] == location]
    if source_id is None and not registered.empty:
        return str(registered["id"].iloc[0]), []
    if source_id is not None and source_id in set(sources["id"]):
        known = sources.loc[sources["id"] == source_id, "location"].iloc[0]
        if known != location:
            raise MaintenanceError(f"source '{source_id}' is registered with location '{known}', not '{location}'")
        return source_id, []
    source_id = source_id or new_source_id(location)
    row = {
        "kind": source_kind(location),
        "location": location,
        "title": options.source_title,
        "published": "",
        "publisher": "",
        "language": "",
    }
    return source_id, [Change(SOURCES_FILE, "", source_id, "source", "", source_text(row), op="add")]


def new_source_id(location: str) -> str:
    """Return a source id in the register's style: a slug of the site or file, and a short hash.

    Examples
    --------
    >>> new_source_id("https://www.heza.gov.vn/tin-tuc/kcn-2025")
    'heza-a90b6a'
    """
    parsed = urlparse(location)
    stem = parsed.netloc.removeprefix("www.").split(".")[0] if parsed.netloc else Path(location).stem
    slug = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")[:24].strip("-") or "source"
    return f"{slug}-{hashlib.sha1(location.encode('utf-8')).hexdigest()[:6]}"


def source_kind(location: str) -> str:
    """Return the register's kind for a location: ``web``, ``gis`` (a map layer) or ``article`` (a file)."""
    if urlparse(location).scheme in ("http", "https"):
        return "web"
    return "gis" if Path(location).suffix.lower() in GIS_SUFFIXES else "article"
