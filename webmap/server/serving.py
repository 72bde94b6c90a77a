"""The production server: gunicorn, with the app loaded once and forked into worker processes.

Python runs one thread at a time per process, so a process per core is what lets the app use the
machine: the master loads and checks the data (a data error stops start-up before any worker
exists), then forks the workers, which share the loaded data copy-on-write. A database connection
pool cannot cross a fork (its sockets and threads would be shared), so every worker opens its own.

Each worker serves its connections with gevent (gunicorn's ``gevent`` worker): one greenlet per
connection, a few kilobytes each. A client that sends its request slowly (one header line every
few seconds, a body trickled byte by byte), or reads its answer slowly, holds only its greenlet;
with threads (the ``gthread`` worker) four such clients held every thread and nobody else was
answered. The same holds for a database that stops answering: its requests wait without holding
the worker. The standard library is patched for gevent before anything opens a socket or a lock
(``patch_for_gevent``): in the master, before the app is loaded, so that the modules imported then
(psycopg, its pool) see the patched versions in the workers.
"""

from __future__ import annotations

import gc
import logging
import os
import sys

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.ggevent import GeventWorker

GRACEFUL_TIMEOUT_S = 10  # a stopping worker finishes its requests within this
WORKER_CONNECTIONS = 1000  # connections one worker process holds at once (each a greenlet, slow or not)


def patch_for_gevent() -> None:
    """Make the standard library's sockets, locks, threads and sleeps cooperate with gevent's greenlets.

    Call before the app is created: what is imported later, the database driver and pool above all,
    then waits for the network without blocking the other connections of its worker.
    """
    from gevent import monkey

    if not monkey.is_module_patched("socket"):
        monkey.patch_all()


class Worker(GeventWorker):
    """gunicorn's gevent worker, whose own error answers (400, 414, 431: requests it cannot parse) carry
    the security headers every response of the app carries."""

    def handle_error(self, req, client, addr, exc):
        from webmap.server.security import ERROR_PAGE_POLICY, SECURITY_HEADERS  # not before gevent's patching

        captured = _CapturingSocket(client)
        super().handle_error(req, client=captured, addr=addr, exc=exc)
        head, separator, body = bytes(captured.data).partition(b"\r\n\r\n")
        if separator:
            extra = {**SECURITY_HEADERS, "Content-Security-Policy": ERROR_PAGE_POLICY}
            head += b"".join(f"\r\n{name}: {value}".encode("latin-1") for name, value in extra.items())
        try:
            client.sendall(head + separator + body)
        except OSError:
            pass  # the client is gone


class _CapturingSocket:
    """Stands in for the client's socket while gunicorn writes its error answer, keeping the bytes."""

    def __init__(self, sock):
        self._sock, self.data = sock, bytearray()

    def sendall(self, data: bytes) -> None:
        self.data += data

    send = sendall

    def gettimeout(self):
        return 0.0  # as "non-blocking": gunicorn then writes at once, no mode switch

    def setblocking(self, flag) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._sock, name)


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        return self.application


def serve(app: Flask, host: str, port: int, workers: int, threads: int, keepalive_s: int = 0) -> None:
    """Serve ``app`` on ``host:port`` with ``workers`` gevent processes, until stopped.

    ``threads`` is kept for the command line's sake and no longer used: each worker serves up to
    ``WORKER_CONNECTIONS`` connections at once, each in its own greenlet.

    ``keepalive_s`` is how long a connection may wait for its next request; 0 (the default) closes it after
    each response. Every worker is woken by a new connection and the first to accept it keeps it: long-lived
    connections can then pile up on one worker (one core) while the other idles, halving throughput at
    random (measured: 900 or 1,900 pages/s from one run to the next). Closed after each response, the
    connections spread evenly (a steady 1,600), at the cost of a loopback handshake per request; the
    reverse proxy in front keeps the clients' own connections alive (docs/deployment.md).
    """
    if app.config.get("DATABASE_URL"):
        app.extensions["hpmap.store"].close()  # the master's pool: each worker opens its own after the fork
    options = gunicorn_options(host, port, workers, keepalive_s)
    # After the worker's own gevent set-up: its pool's threads are greenlets of that worker.
    options["post_worker_init"] = lambda _worker: _start_worker(app)
    # The loaded data are some million objects that live as long as the server: out of the collector's
    # sight, a full collection no longer walks them (a latency spike under load), and the workers'
    # copies of their pages stay shared.
    gc.collect()
    gc.freeze()
    run_gunicorn(app, options)


def gunicorn_options(host: str, port: int, workers: int, keepalive_s: int = 0) -> dict:
    """Return the gunicorn settings of ``hpmap serve`` (also those of the benchmark's ceiling, bench/ceiling.py)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "webmap.server.serving.Worker",
        "worker_connections": WORKER_CONNECTIONS,
        "preload_app": True,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "keepalive": keepalive_s,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "hpmap",
    }


def run_gunicorn(wsgi_app, options: dict) -> None:
    """Serve ``wsgi_app`` with gunicorn and ``options`` until stopped; the process then ends."""
    try:
        _Gunicorn(wsgi_app, options).run()
    except SystemExit as stop:
        # The workers are stopped: leave without the interpreter's teardown, which, with the standard
        # library patched by gevent, prints "Exception ignored" tracebacks from logging's locks.
        logging.shutdown()
        sys.stderr.flush()
        os._exit(stop.code if isinstance(stop.code, int) else 1)


def _start_worker(app: Flask) -> None:
    from webmap.server import reload

    _open_worker_store(app)
    reload.watch(app)  # each worker follows the data's version by itself


def _open_worker_store(app: Flask) -> None:
    url = app.config.get("DATABASE_URL")
    if url:
        from geo import postgis

        # Without waiting: a worker restarted while the database is away serves 503s until it returns,
        # rather than failing to boot (which would stop the whole server).
        app.extensions["hpmap.store"] = postgis.PostgisStore.open(url, wait=False)
