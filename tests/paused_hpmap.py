"""``hpmap`` as a real process that stops at one step of its commit, so that a test can kill it there.

The steps are those ``geo.formats.journal.commit_files`` ("staged", "committed", "replaced-1", …) and
``geo.postgis.maintenance.Session`` ("written-1", …, "logged", "published") report to their ``on_step``.
Run as a module (``start_paused`` does), this file is the child: it wraps those two functions so that
their steps also reach a pause, then runs ``hpmap`` unchanged. At the step the child writes
"paused at STEP" on stderr, the event the test waits for, then waits for SIGUSR1 (``go_on``), at most
ten minutes, while the test kills it (``kill``) or does what it must while the step is held.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def start_paused(step: str, *args, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``hpmap ARGS`` in a child process with ``env`` added; return it once it has paused at ``step``.

    Its stdout and stderr are pipes: read what is left with ``communicate``.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.paused_hpmap", step, *map(str, args)],
        cwd=REPO, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    for line in process.stderr:
        if line == f"paused at {step}\n":
            return process
    process.kill()
    raise AssertionError(f"hpmap never reached {step}: {process.communicate()}")


def kill(process: subprocess.Popen) -> None:
    """Kill ``process`` as a power cut would (SIGKILL: no clean-up of any kind) and wait for its end."""
    process.kill()
    process.communicate(timeout=10)


def go_on(process: subprocess.Popen) -> None:
    """Let a paused ``process`` go on from its step."""
    process.send_signal(signal.SIGUSR1)


def _pause_at(step: str) -> Callable[[str], None]:
    def on_step(reached: str) -> None:
        if reached == step:
            # SIGUSR1 is blocked first, so that one sent as soon as the line below is read stays pending
            # rather than killing the process.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
            print(f"paused at {step}", file=sys.stderr, flush=True)
            signal.sigtimedwait({signal.SIGUSR1}, 600)

    return on_step


def _also_telling(function, observer: Callable[[str], None]):
    """Return ``function`` whose steps also reach ``observer``, after the caller's own ``on_step``, if any."""

    @functools.wraps(function)
    def wrapped(*args, on_step=None, **kwargs):
        def both(step: str) -> None:
            if on_step is not None:
                on_step(step)
            observer(step)

        return function(*args, on_step=both, **kwargs)

    return wrapped


def _run(step: str, argv: list[str]) -> None:
    from geo.formats import journal
    from geo.postgis import maintenance as pgmaintenance
    from webmap.cli import main

    pause = _pause_at(step)
    journal.commit_files = _also_telling(journal.commit_files, pause)
    pgmaintenance.session = _also_telling(pgmaintenance.session, pause)
    main(argv)


if __name__ == "__main__":
    _run(sys.argv[1], sys.argv[2:])
