"""Servers under test, each a child process on a free loopback port: the app (``hpmap serve``) and pygeoapi."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HPMAP = REPO / ".venv" / "bin" / "hpmap"
HOST = "127.0.0.1"
STOP_TIMEOUT_S = 15
DRAIN_TIMEOUT_S = 300


class ServerError(RuntimeError):
    """A server did not start (the message ends with its log) or could not be stopped."""


@dataclass
class Server:
    """A running server: its process, base URL, the prefix of its OGC API, and its log file."""

    name: str
    process: subprocess.Popen
    base_url: str  # http://127.0.0.1:PORT
    api_prefix: str  # "/api" for the app, "" for pygeoapi
    log: Path
    query_suffix: str = ""  # appended to every API query string, e.g. "f=json"
    probe: str = "/api/conformance"  # a cheap path: answered once the requests queued before it are done
    stop_signal: int = signal.SIGTERM

    @property
    def pid(self) -> int:
        """Return the id of the server's main process."""
        return self.process.pid

    def api_path(self, collection: str, query: str) -> str:
        """Return the path of ``/collections/<collection>/<query>`` on this server's API."""
        separator = "&" if "?" in query else "?"
        suffix = f"{separator}{self.query_suffix}" if self.query_suffix else ""
        return f"{self.api_prefix}/collections/{collection}/{query}{suffix}"

    def drain(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        """Wait until the requests a load left behind are served: a cheap request queues behind them."""
        fetch(self.base_url + self.probe, timeout_s=timeout_s)

    def stop(self) -> None:
        """Stop the server: its stop signal, then SIGKILL to its own process group if it does not go."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group this harness created for it
            self.process.wait(timeout=STOP_TIMEOUT_S)


def free_port() -> int:
    """Return a loopback port that is free now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_hpmap(
    name: str,
    data_dir: Path,
    *,
    database_url: str | None,
    workers: int,
    threads: int,
    log_dir: Path,
    timeout_s: float,
    settings: dict[str, str] | None = None,
) -> Server:
    """Start ``hpmap serve`` (gunicorn) on ``data_dir``'s files, or on PostGIS at ``database_url``; wait until ready.

    ``settings``: more ``HPMAP_*`` environment variables (``HPMAP_API_CACHE_BYTES``: "0" turns the caches off).
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HPMAP_")}
    env.update(settings or {})
    if database_url:
        env["HPMAP_DATABASE_URL"] = database_url
    command = [
        str(HPMAP),
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--offline",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--data-dir",
        str(data_dir),
    ]
    server = _spawn(name, command, env, port, "/api", log_dir)
    _wait_ready(server, "/api", timeout_s)
    return server


def start_ceiling(name: str, bodies: Path, *, workers: int, log_dir: Path, timeout_s: float) -> Server:
    """Start bench/ceiling.py: the app's stack answering the bytes in ``bodies`` from a dict; wait until ready."""
    port = free_port()
    command = [sys.executable, str(REPO / "bench" / "ceiling.py"), str(bodies), "--host", HOST, "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    server = _spawn(name, command, dict(os.environ), port, "/api", log_dir)
    _wait_ready(server, "/api", timeout_s)
    return server


def start_pygeoapi(
    name: str, venv: Path, config: Path, openapi: Path, *, workers: int, log_dir: Path, timeout_s: float
) -> Server:
    """Start pygeoapi's Flask app under gunicorn with ``workers`` worker processes; wait until ready."""
    port = free_port()
    env = dict(os.environ, PYGEOAPI_CONFIG=str(config), PYGEOAPI_OPENAPI=str(openapi))
    command = [
        str(venv / "bin" / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "pygeoapi.flask_app:APP",
    ]
    server = _spawn(name, command, env, port, "", log_dir)
    server.query_suffix, server.probe = "f=json", "/conformance?f=json"
    server.stop_signal = signal.SIGINT  # gunicorn: quick shutdown (SIGTERM waits for the workers' requests)
    _wait_ready(server, "/collections?f=json", timeout_s)
    return server


def _spawn(name: str, command: list[str], env: dict, port: int, prefix: str, log_dir: Path) -> Server:
    log = log_dir / f"{name}.log"
    with log.open("w") as handle:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=REPO, start_new_session=True
        )
    return Server(name, process, f"http://{HOST}:{port}", prefix, log)


def _wait_ready(server: Server, path: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(
                f"{server.name} exited ({server.process.returncode}) while starting:\n{_tail(server.log)}"
            )
        try:
            with urllib.request.urlopen(server.base_url + path, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    server.stop()
    raise ServerError(f"{server.name} not ready after {timeout_s:.0f} s:\n{_tail(server.log)}")


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"


def rss_kib(pid: int) -> int:
    """Return the resident set size of process ``pid`` and its children (the workers) in KiB, from /proc.

    Pages the workers share with their parent since the fork count once per process: the sum is
    an upper bound, and its growth is what the soak watches.
    """
    return sum(_own_rss_kib(process) for process in [pid, *_children(pid)])


def _own_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ServerError(f"no VmRSS for process {pid}")


def _children(pid: int) -> list[int]:
    children_file = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children_file.read_text().split()] if children_file.exists() else []


def fetch(url: str, timeout_s: float = 30) -> tuple[int, bytes]:
    """Return the status and body of a GET of ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
