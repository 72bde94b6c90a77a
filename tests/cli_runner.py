"""Run the ``hpmap`` command from the tests: in this process (click's CliRunner) or as the installed script."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner, Result

from webmap.cli import hpmap as hpmap_command


def hpmap(*args, env: dict[str, str | None] | None = None) -> Result:
    """Run ``hpmap ARGS`` in this process: the command's own code path, its stdout, stderr and exit status.

    ``env`` sets (or, with None, removes) environment variables for the run only.
    """
    return CliRunner().invoke(hpmap_command, [str(arg) for arg in args], env=env, catch_exceptions=False)


def installed_command() -> list[str]:
    """The ``hpmap`` script as installed (``python -m webmap.cli`` where it is not), for a real process."""
    script = Path(sys.executable).with_name("hpmap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "webmap.cli"]
