"""What the commands say on stderr: progress lines, click's progress bar, and a failure's one line."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

import click


def say(message: str) -> None:
    """Print one line of progress or refusal on stderr: ``hpmap: MESSAGE``."""
    click.echo(f"hpmap: {message}", err=True)


class Failure(click.ClickException):
    """The end of a command that cannot go on: ``hpmap: MESSAGE`` on stderr, exit status 1 (or ``exit_code``)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"hpmap: {self.message}", file=file, err=file is None)


class Progress:
    """Progress of a long command on stderr; when ``quiet``, only what must be said (``always``)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet

    def say(self, message: str, always: bool = False) -> None:
        """Print one line of progress."""
        if always or not self.quiet:
            say(message)

    @contextlib.contextmanager
    def bar(self, label: str) -> Iterator[Callable[[int, int], None]]:
        """Yield a ``(done, total)`` callback drawing click's progress bar labelled ``label``.

        On a terminal the bar is redrawn in place; in a log click writes its label once.
        """
        with contextlib.ExitStack() as drawn:
            bar = None

            def update(done: int, total: int) -> None:
                nonlocal bar
                if self.quiet or total == 0:
                    return
                if bar is None:  # the total is known only now
                    bar = drawn.enter_context(
                        click.progressbar(
                            length=total,
                            label=f"hpmap: {label}",
                            file=sys.stderr,
                            show_pos=True,
                            bar_template="%(label)s [%(bar)s] %(info)s",
                            fill_char="#",
                            empty_char=".",
                            width=30,
                        )  # fmt: skip
                    )
                bar.update(done - bar.pos)

            yield update
