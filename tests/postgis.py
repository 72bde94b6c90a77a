"""A throwaway PostgreSQL + PostGIS cluster for the tests: started once per session, removed at the end.

Debian keeps the server binaries in /usr/lib/postgresql/<major>/bin; ``make test`` installs
``postgresql`` and ``postgresql-15-postgis-3`` where missing. Without them the tests that need a
database skip, except under CI (``$CI`` set), where they fail. The cluster is private: a fresh
data directory in a temporary directory, a free loopback port, its socket in that directory, a
random password; it is run as the ``postgres`` system user when the tests run as root.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

PG_ROOT = Path("/usr/lib/postgresql")
POSTGIS_CONTROL = "/usr/share/postgresql/{major}/extension/postgis.control"
TEMPLATE = "hpmap_template"  # a database with PostGIS, copied for each new test database
START_TIMEOUT_S = 60


def find_server() -> tuple[Path | None, str]:
    """Return the newest server ``bin`` directory that has PostGIS, or None and the reason."""
    majors = sorted((p.parent.parent for p in PG_ROOT.glob("*/bin/initdb")), key=lambda p: int(p.name), reverse=True)
    if not majors:
        return None, f"no PostgreSQL server under {PG_ROOT}/*/bin: install Debian's postgresql (make test does)"
    for major in majors:
        if Path(POSTGIS_CONTROL.format(major=major.name)).exists():
            return major / "bin", ""
    return None, f"PostGIS missing for PostgreSQL {majors[0].name}: install postgresql-{majors[0].name}-postgis-3"


class Cluster:
    """A running throwaway cluster; ``create_database`` gives each caller a database of its own."""

    def __init__(self, bin_dir: Path, directory: Path):
        self.bin_dir, self.directory = bin_dir, directory
        self.data_dir, self.log = directory / "data", directory / "server.log"
        self.password = secrets.token_hex(16)
        self.port = _free_port()
        self._count = 0
        self._loaded: dict[Path, str] = {}

    def url(self, dbname: str) -> str:
        """Return the URL of database ``dbname``."""
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        """Run initdb and start the server; raise with the server log when it does not start."""
        password_file = self.directory / "password"
        password_file.write_text(self.password + "\n")
        _give_to_server_user(self.directory, password_file)
        self._run("initdb", "-D", self.data_dir, "-U", "postgres", "-A", "scram-sha-256", f"--pwfile={password_file}",
                  "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")  # fmt: skip
        self.start_server()
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
        with psycopg.connect(self.url(TEMPLATE), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")

    def start_server(self) -> None:
        """Start the server on the cluster's data directory and port: at first, or again after ``stop``."""
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"  # throwaway: speed over durability
        )
        self._run(
            "pg_ctl", "-D", self.data_dir, "-l", self.log, "-w", "-t", str(START_TIMEOUT_S), "-o", options, "start"
        )

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; by default at once (nothing in it is worth keeping). ``start_server`` starts it again.

        ``mode`` is pg_ctl's: ``fast`` ends every session cleanly first, ``immediate`` kills the server.
        """
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", self.data_dir, "-m", mode, "-w", "stop")

    def create_database(self, postgis: bool = True) -> str:
        """Create an empty database (with PostGIS unless ``postgis`` is false) and return its URL."""
        self._count += 1
        name = f"hpmap_test_{self._count}"
        template = TEMPLATE if postgis else "template0"
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)
        return self.url(name)

    def loaded(self, data_dir: Path) -> str:
        """Return the URL of a database loaded from ``data_dir`` by ``hpmap db load``; one per directory.

        Shared between tests: use it read-only.
        """
        data_dir = Path(data_dir).resolve()
        if data_dir not in self._loaded:
            from tests.cli_runner import hpmap

            url = self.create_database()
            loaded = hpmap("db", "load", data_dir, "--database-url", url)
            assert loaded.exit_code == 0, loaded.stderr
            self._loaded[data_dir] = url
        return self._loaded[data_dir]

    def _run(self, program: str, *args) -> None:
        command = [str(self.bin_dir / program), *map(str, args)]
        if os.geteuid() == 0:  # initdb refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        completed = subprocess.run(command, cwd=self.directory, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} failed ({completed.returncode}):\n{completed.stderr}\n{log}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _give_to_server_user(*paths: Path) -> None:
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam("postgres")
    for path in paths:
        os.chown(path, user.pw_uid, user.pw_gid)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def throwaway_cluster(
    prefix: str = "hpmap-pg-", unavailable: Callable[[str], None] = _unavailable
) -> Iterator[Cluster]:
    """Start a cluster in a temporary directory named ``prefix``…; stop and remove it on the way out.

    Without a server (or a user to run it as), ``unavailable(reason)`` is called, which must raise:
    by default the test is skipped (failed under CI).
    """
    bin_dir, reason = find_server()
    if bin_dir is None:
        unavailable(reason)
    if os.geteuid() == 0 and not _has_user("postgres"):
        unavailable("running as root but there is no 'postgres' system user to run the server as")
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    cluster = Cluster(bin_dir, directory)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL + PostGIS cluster for the whole session."""
    with throwaway_cluster() as cluster:
        yield cluster


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture
def database_url(postgres_cluster) -> str:
    """A new, empty database with PostGIS, for a test that changes it."""
    return postgres_cluster.create_database()


STORES = ("files", "postgis")


def app_config(request, store: str, data_dir: Path) -> dict:
    """Return ``create_app``'s config serving ``data_dir`` from ``store``: the files, or PostGIS loaded from them."""
    config = {"DATA_DIR": str(data_dir), "OFFLINE": True, "TESTING": True}
    if store == "postgis":
        config["DATABASE_URL"] = request.getfixturevalue("postgres_cluster").loaded(data_dir)
    return config
