"""Replace several files of a directory all at once, so that a killed process leaves them all old or all new.

The commit, in order (a redo journal, as databases keep):

1. every new file is written in full to a temporary file beside its target and flushed to disk;
2. the journal, listing each temporary file, its target and the SHA-256 of its bytes, is written to a
   temporary name, flushed and renamed into place: this rename is the commit point;
3. each temporary file is renamed onto its target (``os.replace``: a reader sees the old file or the
   new one, never a part), then the journal is removed.

``recover`` runs before any other maintenance on the directory. A journal found there means a commit
was decided but maybe not finished: the renames still to do are done (rolled forward). Temporary files
without a journal are the remains of a commit that never reached its commit point: they are deleted,
and the directory is as it was (rolled back). Either way no file is ever half written.

``lock`` keeps two maintenance commands off one directory at a time (an exclusive ``flock`` on the
directory itself, released by the kernel when the process dies).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from geo.model.errors import MaintenanceError

JOURNAL = ".hpmap-journal.json"
_STAGED_PREFIX = ".hpmap-new-"
_JOURNAL_TMP = ".hpmap-journal.tmp"

Step = Callable[[str], None]  # told "staged", "committed", "replaced-1", "replaced-2", …, "done"


def commit_files(directory: Path, contents: dict[str, bytes], on_step: Step | None = None) -> None:
    """Write every ``name → bytes`` of ``contents`` into ``directory``, all or nothing, surviving a kill.

    ``on_step`` is told each step as it completes (tests use it to kill the process midway).
    """
    directory = Path(directory)
    step = on_step or (lambda _name: None)
    transaction = secrets.token_hex(4)
    entries = []
    try:
        for name, content in contents.items():
            staged = f"{_STAGED_PREFIX}{transaction}-{name}"
            _write_durably(directory / staged, content, like=directory / name)
            entries.append({"staged": staged, "target": name, "sha256": hashlib.sha256(content).hexdigest()})
    except BaseException:
        for entry in entries:
            (directory / entry["staged"]).unlink(missing_ok=True)
        raise
    step("staged")
    _write_durably(directory / _JOURNAL_TMP, json.dumps({"files": entries}, indent=1).encode("utf-8"))
    os.replace(directory / _JOURNAL_TMP, directory / JOURNAL)
    _sync_directory(directory)
    step("committed")
    _roll_forward(directory, entries, step)


def recover(directory: Path) -> tuple[str, list[str]]:
    """Finish or undo what a killed commit left in ``directory``.

    Returns ``("forward", files)`` when a decided commit was completed, ``("back", staged files)`` when
    an undecided one was discarded, and ``("clean", [])`` when there was nothing to do.

    Raises
    ------
    MaintenanceError
        When a file listed in the journal was changed by hand since the commit began.
    """
    directory = Path(directory)
    journal = directory / JOURNAL
    (directory / _JOURNAL_TMP).unlink(missing_ok=True)  # a journal never renamed: not committed
    if journal.exists():
        entries = json.loads(journal.read_text(encoding="utf-8"))["files"]
        _roll_forward(directory, entries, lambda _name: None)
        return "forward", [entry["target"] for entry in entries]
    leftovers = sorted(path.name for path in directory.glob(f"{_STAGED_PREFIX}*"))
    for name in leftovers:
        (directory / name).unlink()
    return ("back", leftovers) if leftovers else ("clean", [])


def _roll_forward(directory: Path, entries: list[dict], step: Step) -> None:
    for number, entry in enumerate(entries, start=1):
        staged, target = directory / entry["staged"], directory / entry["target"]
        if staged.exists():
            os.replace(staged, target)
        elif not target.exists() or hashlib.sha256(target.read_bytes()).hexdigest() != entry["sha256"]:
            raise MaintenanceError(
                f"{target}: an interrupted change was to write this file, but it differs from what was "
                f"to be written and the new version is gone; compare it with `hpmap history`, then delete "
                f"{directory / JOURNAL}"
            )
        step(f"replaced-{number}")
    _sync_directory(directory)
    (directory / JOURNAL).unlink(missing_ok=True)
    _sync_directory(directory)
    step("done")


@contextlib.contextmanager
def lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` for one maintenance command.

    Raises
    ------
    MaintenanceError
        When another process holds it.
    """
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            busy = f"{directory}: another hpmap command is changing this directory; try again when it is done"
            raise MaintenanceError(busy) from None
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


def _write_durably(path: Path, content: bytes, like: Path | None = None) -> None:
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        if like is not None and like.exists():
            os.fchmod(handle.fileno(), like.stat().st_mode & 0o7777)  # the new file keeps the old one's mode
        os.fsync(handle.fileno())


def _sync_directory(directory: Path) -> None:
    # Renames are durable only once the directory itself is flushed.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
