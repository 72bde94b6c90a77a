"""Options and parameter types that several commands share, defined once."""

from __future__ import annotations

from pathlib import Path

import click

from geo.model.catalog import LAYERS

LAYER_NAMES = [spec.name for spec in LAYERS]
OUTLINE_LAYER_NAMES = [spec.name for spec in LAYERS if spec.geometry != "point"]
DEFAULT_DATA = "default: $HPMAP_DATA_DIR or the embedded data"


class Choice(click.Choice):
    """click's ``Choice``, refusing in the words the command has always used (scripts and tests match them)."""

    def get_invalid_choice_message(self, value, ctx) -> str:
        return f"invalid choice: {value!r} (choose from {', '.join(map(repr, self.choices))})"


def path_argument(name: str, required: bool = False):
    """A file or directory argument, given as a ``Path``; whether it exists is the command's to say."""
    return click.argument(name, type=click.Path(path_type=Path), required=required)


def data_dir_option(help: str = DEFAULT_DATA):
    """``--data-dir DIR``: the data directory to read (or change)."""
    return click.option("--data-dir", type=click.Path(path_type=Path), help=help)


quiet_option = click.option("-q", "--quiet", is_flag=True, help="no progress on stderr")
