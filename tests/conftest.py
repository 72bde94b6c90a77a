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


class LiveServer:
    """The real app under waitress on a free loopback port, in a background thread."""

    def __init__(self, config: dict):
        import socket
        import threading

        import waitress

        from webmap import create_app

        self.app = create_app(config)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = waitress.create_server(self.app, host="127.0.0.1", port=self.port, threads=8)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server():
    """The app on the shipped data, offline (no request to any other host), over real HTTP."""
    server = LiveServer({"DATA_DIR": str(DATA_DIR), "OFFLINE": True})
    yield server
    server.stop()
