"""(placeholder) `hpmap db init | load | dump`: the PostGIS store."""

from __future__ import annotations


def register(commands) -> None:
    """Add this module's subcommands to the ``hpmap`` parser's ``commands``."""
