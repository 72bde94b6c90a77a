"""How every command that changes the data does it, on a data directory or on a PostGIS database.

The data are a data directory or, with a database URL (``--database-url`` or ``$HPMAP_DATABASE_URL``;
``--data-dir`` chooses the files), a PostGIS database. ``open_target`` takes the lock and reads the tables
(a directory first finishes or undoes what a killed command left); ``prepare_and_write`` makes the edits
with the same code for both, validates the whole changed data set, and only then changes everything at
once: a directory's files through ``geo.formats.journal``, a database's tables in one transaction
(``geo.postgis.maintenance``). Reports and diffs go to stdout; progress, refusals and errors to stderr.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from geo import inspect_dataset
from geo.formats import journal
from geo.formats.tables import DataFiles, read_data_files
from geo.maintenance.changelog import Change, ChangeInfo, describe_edit
from geo.maintenance.plan import PendingWrite, new_issues, prepare_write
from geo.model.errors import MaintenanceError
from webmap import default_data_dir
from webmap.cli.options import data_dir_option, quiet_option
from webmap.cli.output import Progress


@dataclass(frozen=True)
class Store:
    """Which data a command reads or changes: ``--data-dir`` or ``--database-url``, else the environment's."""

    data_dir: Path | None
    database_url: str | None

    def url(self) -> str | None:
        """Return the database to change, or None for a data directory: an option given wins over the environment."""
        if self.database_url and self.data_dir:
            raise MaintenanceError("give --data-dir or --database-url, not both")
        if self.data_dir:
            return None
        return self.database_url or os.environ.get("HPMAP_DATABASE_URL") or None

    def directory(self) -> Path:
        """Return the data directory (``--data-dir``, else ``$HPMAP_DATA_DIR``, else the embedded data)."""
        data_dir = self.data_dir or default_data_dir()
        if not data_dir.is_dir():
            raise MaintenanceError(f"{data_dir}: no such data directory")
        return data_dir


@dataclass(frozen=True)
class Edit:
    """How a command changes the data: where, by whom, for real or as a dry run, how loudly."""

    store: Store
    by: str | None
    dry_run: bool
    progress: Progress

    def who(self) -> str:
        """Return who makes the change: ``--by``, else the OS user."""
        if self.by:
            return self.by
        try:
            return getpass.getuser()
        except (OSError, KeyError):  # no login name and no passwd entry (e.g. some containers)
            return f"uid-{os.getuid()}"


def store_options(command):
    """Add ``--data-dir`` and ``--database-url``; hand the command one ``store: Store`` for them."""

    @data_dir_option(help="the data directory (default: $HPMAP_DATA_DIR, unless a database is given)")
    @click.option("--database-url", help="this PostGIS database instead (default: $HPMAP_DATABASE_URL)")
    @functools.wraps(command)
    def with_store(*args, data_dir, database_url, **kwargs):
        return command(*args, store=Store(data_dir, database_url), **kwargs)

    return with_store


def edit_options(dry_run_help: str):
    """Add ``--dry-run``, ``--by``, the store's options and ``-q``; hand the command one ``edit: Edit``."""

    def decorate(command):
        @click.option("--dry-run", is_flag=True, help=dry_run_help)
        @click.option("--by", help="who makes the change (default: the OS user)")
        @store_options
        @quiet_option
        @functools.wraps(command)
        def with_edit(*args, dry_run, by, store, quiet, **kwargs):
            return command(*args, edit=Edit(store, by, dry_run, Progress(quiet)), **kwargs)

        return with_edit

    return decorate


@contextlib.contextmanager
def open_target(store: Store, progress: Progress) -> Iterator:
    """Yield what the command changes, locked, its tables read: ``Directory`` or a ``pgmaintenance.Session``."""
    url = store.url()
    if url is None:
        data_dir = store.directory()
        with journal.lock(data_dir):
            recover(data_dir, progress)
            yield Directory(data_dir, read_data_files(data_dir), progress)
        return
    from geo import postgis  # psycopg is only needed with a database
    from geo.postgis import maintenance as pgmaintenance

    progress.say(f"connecting to {postgis.redact(url)}")
    with pgmaintenance.session(url, on_wait=_say_waiting(progress)) as session:
        yield session


@dataclass(frozen=True)
class Directory:
    """A data directory as what a change is made to: validated in a temporary copy, written through the journal."""

    data_dir: Path
    files: DataFiles
    progress: Progress
    validation: str = "in a temporary copy"

    def prepare(self, changes: list[Change], info: ChangeInfo) -> PendingWrite:
        """Make, log and validate ``changes`` in a copy of the directory."""
        return prepare_write(self.data_dir, self.files, changes, info)

    def issues_before(self) -> list:
        """Return every issue of the directory as it is."""
        return inspect_dataset(self.data_dir, self.files.specs)[1]

    def commit(self, pending: PendingWrite) -> list[str]:
        """Write the pending's files all at once; return their names."""
        self.progress.say(f"writing {len(pending.contents)} files")
        journal.commit_files(self.data_dir, pending.contents)
        return list(pending.contents)


def prepare_and_write(edit: Edit, target, changes: list[Change], info: ChangeInfo) -> int:
    """Validate ``changes`` on ``target``, print the diff, and write them unless refused or a dry run."""
    edit.progress.say(f"validating the changed data set ({len(changes)} edits) {target.validation}")
    pending = target.prepare(changes, info)
    print_diff(pending.changes)
    before = target.issues_before() if pending.issues else []  # a second pipeline run: only when it tells something
    if pending.errors:
        _print_refusal(pending, before)
        return 1
    for warning in [i for i in new_issues(before, pending.issues) if i.severity == "warning"]:
        click.echo(f"  new {warning}")
    if edit.dry_run:
        click.echo("Dry run: nothing was written.")
        return 0
    written = ", ".join(target.commit(pending))
    click.echo(f"Change {info.change_id} written ({written}); undo it with `hpmap revert {info.change_id}`.")
    return 0


def _print_refusal(pending, before) -> None:
    old = set(before)
    count = len(pending.errors)
    click.echo(f"hpmap: refused: the changed data would have {count} error(s); nothing was changed.", err=True)
    for issue in pending.errors:
        suffix = " (already in the data before this change)" if issue in old else ""
        click.echo(f"  {issue}{suffix}", err=True)


def print_diff(changes, header: bool = True) -> None:
    """Print each change on a line: file, feature, field, old → new."""
    if header:
        click.echo(f"Changes ({len(changes)}):")
    for change in changes:
        what = {"add": " [new row]", "remove": " [row removed]"}.get(change.op, "")
        click.echo(f"  {change.file}  {change.feature}  {change.field}: {describe_edit(change.old, change.new)}{what}")


def recover(data_dir: Path, progress: Progress) -> None:
    """Finish or undo what a killed command left in ``data_dir``, saying which."""
    outcome, names = journal.recover(data_dir)
    if outcome == "forward":
        progress.say(f"completed a change a killed process left half written: {', '.join(names)}", always=True)
    elif outcome == "back":
        progress.say(f"discarded the staged files of a change that never committed: {', '.join(names)}", always=True)


def _say_waiting(progress: Progress):
    return lambda: progress.say("another hpmap command is changing this database: waiting for it to end", always=True)
