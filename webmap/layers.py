"""Access to the loaded data set from request handlers."""

from __future__ import annotations

from flask import current_app

from geo.model.dataset import Dataset


def dataset() -> Dataset:
    """Return the data set loaded by ``create_app``."""
    return current_app.extensions["hpmap.dataset"]
