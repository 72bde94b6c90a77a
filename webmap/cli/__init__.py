"""The ``hpmap`` command: one click group, each command in the module of its concern.

- ``data.py``: ``validate``, ``export``, ``stats``, ``synth`` (read a data directory);
- ``serve.py``: ``serve`` (the web map under gunicorn);
- ``db.py``: ``db init | load | dump`` (the PostGIS store);
- ``imports.py``: ``import attributes | boundaries | osm``, and ``history.py``: ``history``, ``revert``; both
  change the data through ``editing.py`` (lock, validate the whole changed data set, write all or nothing).

What several commands share has one home: ``options.py`` (options and parameter types) and ``output.py``
(progress, the progress bar, and a failure's message and exit status). No command module imports another.

A command returns its exit status (``None`` or 0 for success). Data and reports go to stdout; progress,
refusals and errors to stderr, each line starting ``hpmap:``.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import click

from geo.model.errors import GeoDataError
from webmap.cli.output import Failure

# Each command's module is imported when the command is asked for, not before: ``serve`` must patch the
# standard library for gevent before the database driver is imported (``webmap.server.serving.patch_for_gevent``),
# and the other commands do not pay for the imports of commands they are not.
COMMANDS = {
    "validate": "webmap.cli.data:validate",
    "export": "webmap.cli.data:export",
    "stats": "webmap.cli.data:stats",
    "synth": "webmap.cli.data:synth",
    "serve": "webmap.cli.serve:serve",
    "db": "webmap.cli.db:db",
    "import": "webmap.cli.imports:import_group",
    "history": "webmap.cli.history:history",
    "revert": "webmap.cli.history:revert",
}


class _Commands(click.Group):
    """The ``hpmap`` group: finds its commands in ``COMMANDS``, turns data and file errors into ``Failure``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context):
        try:
            status = super().invoke(ctx)
        except GeoDataError as exc:
            raise Failure(str(exc)) from None
        except OSError as exc:
            raise Failure(f"{exc.filename or ''}: {exc.strerror or exc}") from None
        if status:
            ctx.exit(status)
        return status


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
def hpmap() -> None:
    """Hải Phòng industrial map: data tools and web app."""


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``hpmap`` on ``argv`` (default: the process's arguments) and exit with its status."""
    hpmap.main(args=None if argv is None else list(argv), prog_name="hpmap")
