"""Shared fixtures: the shipped data set and small real data directories."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from geo import build_dataset
from tests.builders import write_dataset
from tests.postgis import database_url, postgres_cluster  # noqa: F401  (fixtures: a throwaway PostGIS)

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"
SHARED = REPO.parent / "shared"
os.environ.pop("HPMAP_DATABASE_URL", None)  # each test chooses its store; never a developer's database


# The fixtures that start or use the session's throwaway PostgreSQL (tests/postgis.py). A test that asks for
# one, directly or through another fixture, or that runs against a "postgis" store parameter, is marked
# ``postgis``, so that `pytest -m "not postgis"` runs without a database server.
POSTGIS_FIXTURES = frozenset({"postgres_cluster", "database_url"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if needs_postgis(item):
            item.add_marker(pytest.mark.postgis)


def needs_postgis(item) -> bool:
    params = getattr(item, "callspec", None)
    store_params = params.params.values() if params else ()
    return bool(POSTGIS_FIXTURES & set(item.fixturenames)) or any(
        isinstance(value, str) and value == "postgis" for value in store_params
    )


class PostgisGuard:
    """Refuse the database to a test not marked ``postgis`` (one that takes it by ``request.getfixturevalue``).

    The fixtures are session-scoped, so this sees only the test that starts the cluster: in a run without
    the postgis tests (`-m "not postgis"`) that is any test that needs it. Registered as a plugin of its own:
    pytest asks a conftest's hooks only about its folder's nodes, and a session fixture belongs to the session.
    """

    @pytest.hookimpl(tryfirst=True)
    def pytest_fixture_setup(self, fixturedef, request):
        test = getattr(request, "_pyfuncitem", None)
        if fixturedef.argname in POSTGIS_FIXTURES and test is not None and test.get_closest_marker("postgis") is None:
            reason = f"{test.nodeid} uses the {fixturedef.argname} fixture without the postgis marker"
            pytest.fail(f"{reason}: ask for it as an argument of the test or of its fixture", pytrace=False)


def pytest_configure(config):
    config.pluginmanager.register(PostgisGuard(), "hpmap-postgis-guard")


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


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """The hand-made data set, built once for the session: read it, never change it (a test that changes
    data takes ``tiny_dir`` and builds its own)."""
    from geopandas.testing import assert_geodataframe_equal

    directory = write_dataset(tmp_path_factory.mktemp("tiny") / "data")
    dataset = build_dataset(directory)
    yield dataset
    for name, layer in build_dataset(directory).layers.items():  # no test changed it
        assert_geodataframe_equal(dataset.layers[name].gdf, layer.gdf)


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
        self._stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        try:
            self.server.run()
        except OSError:  # the socket closed under the loop's last select(): expected when stopping
            if not self._stopping:
                raise

    def stop(self) -> None:
        self._stopping = True
        self.server.close()
        self.thread.join(timeout=5)
        self.app.extensions["hpmap.store"].close()  # a PostGIS store's pool; nothing for the files


@pytest.fixture(scope="session")
def live_server():
    """The app on the shipped data, offline (no request to any other host), over real HTTP."""
    server = LiveServer({"DATA_DIR": str(DATA_DIR), "OFFLINE": True})
    yield server
    server.stop()


# ---------------------------------------------------------------- a real browser
# The README's screenshots are taken by these tests; `make screenshots` refreshes docs/screenshots/,
# an ordinary run writes to build/ so that testing leaves the work tree as it was.
SCREENSHOTS = REPO / ("docs" if os.environ.get("HPMAP_UPDATE_SCREENSHOTS") else "build") / "screenshots"
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
CHROMIUM = os.environ.get("HPMAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a closed network: without them Chromium keeps trying to reach its own services.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-quic"]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
        pytest.skip(f"Chromium not found at {CHROMIUM}; run `make test` to install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page with every console message, page error, dialog and request recorded."""

    def __init__(self, browser, server, **context_options):
        self.server = server
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.console, self.requests, self.dialogs = [], [], []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: str, ready: str = "true"):
        self.page.goto(self.server.url + path)
        self.page.wait_for_selector("body[data-ready]", timeout=20_000)
        assert self.page.get_attribute("body", "data-ready") == ready, self.console
        return self.page

    def open_static(self, path: str):
        """Open a page that runs no script of its own (no data-ready flag to wait for)."""
        self.page.goto(self.server.url + path, wait_until="load")
        return self.page

    def errors(self) -> list[str]:
        return [m for m in self.console if m.startswith(("error", "pageerror"))]

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.server.url) and not url.startswith("data:")]

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, live_server):
    pages = []

    def make(server=live_server, **options):
        page = Watched(browser, server, **options)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()
