"""A running server picks up a new data version by itself: no restart, no request dropped.

Each worker process polls the version of its data once a second (``watch``):

- the files: the names, sizes and modification times of the data directory's CSV and GeoJSON files,
  ``changes.csv`` included (``hpmap import`` and ``hpmap revert`` log each change there). While a
  maintenance commit is under way (its journal, ``geo.formats.journal``, is present) there is no version:
  the files are not read half renamed;
- PostGIS: ``hpmap.data_version``, which every load, import and revert sets in its own transaction
  (``geo.postgis.store.write_features``): one indexed row read a second.

On a new version the data are read and checked aside, then put in place in one step: a request
already running finishes with the data it started with, the next one gets the new. Caches are keyed
by the data version, so nothing computed from the old data is served with the new. Data that fail
validation are not served (the old stay, and a warning says why); the next change is tried again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

from flask import Flask

from geo import build_dataset
from geo.formats import journal
from geo.model.errors import GeoDataError, StoreUnavailable
from geo.stores.memory import FileStore

POLL_S = 0.5
VERSION_EXTENSION = "hpmap.data_version"
log = logging.getLogger(__name__)


def files_version(directory: Path) -> str | None:
    """Return a version of the data files in ``directory``, or None while a commit is renaming them."""
    if not directory.is_dir() or (directory / journal.JOURNAL).exists():
        return None
    stats = sorted(
        (path.name, path.stat().st_mtime_ns, path.stat().st_size)
        for path in directory.iterdir()
        if path.is_file() and path.suffix in (".csv", ".geojson")
    )
    return "files:" + hashlib.sha1(repr(stats).encode()).hexdigest()[:16]


def current_version(app: Flask) -> str | None:
    """Return the version of the data ``app`` is configured with, as the files or the database have it now."""
    if app.config.get("DATABASE_URL"):
        return "postgis:" + app.extensions["hpmap.store"].data_version()
    return files_version(Path(app.config["DATA_DIR"]))


def reload_data(app: Flask, version: str) -> None:
    """Read and check the data now configured, then serve them from the next request on."""
    from webmap import api
    from webmap.api.responses import data_fingerprint
    from webmap.map_config import map_selections
    from webmap.server import answer_cache

    url = app.config.get("DATABASE_URL")
    if url:
        from geo import postgis

        with postgis.connect(url) as conn:
            dataset = postgis.read_dataset(conn)
        store = app.extensions["hpmap.store"]
        store.forget_collections()
    else:
        dataset = build_dataset(app.config["DATA_DIR"])
        store = FileStore(dataset, map_selections(dataset))
    fingerprint = data_fingerprint(dataset)  # before the swap: it reads every feature
    extensions = app.extensions
    extensions["hpmap.dataset"], extensions["hpmap.store"] = dataset, store
    api.serve_new_data(app, fingerprint)
    extensions[VERSION_EXTENSION] = version
    answer_cache.forget(app)  # their keys hold the version: this only frees the memory sooner


def watch(app: Flask) -> threading.Thread:
    """Start polling for new data versions in this process; return the (daemon) thread."""
    thread = threading.Thread(target=_poll, args=(app,), name="hpmap-data-watch", daemon=True)
    thread.start()
    return thread


def _poll(app: Flask) -> None:
    refused = None  # a version that failed validation: not read again until it changes
    while True:
        time.sleep(POLL_S)
        try:
            version = current_version(app)
            if version is None or version in (app.extensions.get(VERSION_EXTENSION), refused):
                continue
            started = time.monotonic()
            reload_data(app, version)
            log.warning("serving data version %s (read in %.1f s)", version, time.monotonic() - started)
        except StoreUnavailable:
            continue  # the database is away: the requests say so; try again in a second
        except GeoDataError as exc:
            refused = version
            log.warning("new data not served, the old stay: %s", exc)
        except Exception:  # noqa: BLE001  (the watcher must outlive any surprise; the traceback is logged)
            log.exception("checking for new data failed")
