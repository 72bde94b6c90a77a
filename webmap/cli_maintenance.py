"""(placeholder) `hpmap import attributes | boundaries`, `hpmap history`, `hpmap revert`: keeping the data true."""

from __future__ import annotations


def register(commands) -> None:
    """Add this module's subcommands to the ``hpmap`` parser's ``commands``."""
