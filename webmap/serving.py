"""The production server: gunicorn, with the app loaded once and forked into worker processes.

Python runs one thread at a time per process, so a process per core is what lets the app use the
machine: the master loads and checks the data (a data error stops start-up before any worker
exists), then forks the workers, which share the loaded data copy-on-write. Each worker serves
several connections at once with threads (keep-alive included). A database connection pool cannot
cross a fork (its sockets and threads would be shared), so every worker opens its own.
"""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication

GRACEFUL_TIMEOUT_S = 10  # a stopping worker finishes its requests within this


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``app`` on ``host:port`` with ``workers`` processes of ``threads`` threads each, until stopped."""
    if app.config.get("DATABASE_URL"):
        app.extensions["hpmap.store"].close()  # the master's pool: each worker opens its own after the fork
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "hpmap",
        "post_fork": lambda _server, _worker: _open_worker_store(app),
    }
    _Gunicorn(app, options).run()


def _open_worker_store(app: Flask) -> None:
    url = app.config.get("DATABASE_URL")
    if url:
        from geo import pgstore

        # Without waiting: a worker restarted while the database is away serves 503s until it returns,
        # rather than failing to boot (which would stop the whole server).
        app.extensions["hpmap.store"] = pgstore.PostgisStore.open(url, wait=False)
