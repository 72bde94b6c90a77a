"""Shared fixtures: the shipped data set and small real data directories."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import build_dataset
from tests.builders import write_dataset

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"
SHARED = REPO.parent / "shared"


def pytest_report_header(config):
    import geopandas
    import pyproj
    import shapely

    return f"geopandas {geopandas.__version__}, shapely {shapely.__version__}, pyproj {pyproj.__version__}"


@pytest.fixture(scope="session")
def shipped():
    """The embedded data set, built once."""
    return build_dataset(DATA_DIR)


@pytest.fixture
def tiny_dir(tmp_path) -> Path:
    """A fresh, valid, hand-made data directory that a test may break."""
    return write_dataset(tmp_path / "data")


@pytest.fixture
def tiny(tiny_dir):
    """The hand-made data set, built."""
    return build_dataset(tiny_dir)
