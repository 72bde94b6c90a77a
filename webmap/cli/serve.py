"""`hpmap serve`: the web map under gunicorn (``webmap.server.serving``), a production WSGI server."""

from __future__ import annotations

import os
from pathlib import Path

import click

from webmap import create_app, default_data_dir
from webmap.cli.options import data_dir_option
from webmap.cli.output import say
from webmap.server import serving


def default_workers() -> int:
    """Return the default number of server processes: one per core, at least 1, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--offline", is_flag=True, help="never ask another host for anything (no basemap tiles)")
@click.option("--basemap", type=click.Path(path_type=Path, dir_okay=False),
              help="a vector basemap extract (PMTiles v3, e.g. from Protomaps) to serve and draw under the layers "
              "instead of the online tiles (also $HPMAP_BASEMAP)")  # fmt: skip
@data_dir_option()
@click.option("--public-url", help="the address clients use, e.g. https://map.example.org: absolute links are built "
              "from it, never from the request's Host header (also $HPMAP_PUBLIC_URL)")  # fmt: skip
@click.option("--workers", type=click.IntRange(min=1), default=default_workers(),
              help="worker processes (default: one per core, at most 4)")  # fmt: skip
@click.option("--threads", type=click.IntRange(min=1), default=2,
              help="kept for compatibility, no effect: each connection has its own greenlet")  # fmt: skip
@click.option("--keepalive", type=click.IntRange(min=0), default=0,
              help="seconds a connection may wait for its next request (default 0: closed after each response, "
              "which spreads connections evenly over the workers)")  # fmt: skip
def serve(host: str, port: int, offline: bool, basemap: Path | None, data_dir: Path | None, public_url: str | None,
          workers: int, threads: int, keepalive: int) -> None:  # fmt: skip
    """Serve the web map with a production WSGI server."""
    if basemap is not None:
        check_basemap(basemap)
    # Before the app's modules import the database driver: imported unpatched, it would wait for the
    # database in a way that stops every other connection of the worker.
    serving.patch_for_gevent()
    config = {"DATA_DIR": str(data_dir or default_data_dir())}
    if offline:
        config["OFFLINE"] = True
    if public_url:
        config["PUBLIC_URL"] = public_url
    if basemap is not None:
        config["BASEMAP"] = str(basemap)
    app = create_app(config)
    say(f"serving http://{host}:{port}/ ({workers} processes)")
    serving.serve(app, host, port, workers=workers, threads=threads, keepalive_s=keepalive)


def check_basemap(path: Path) -> None:
    """Stop with a usage error naming ``path`` unless it is a PMTiles archive of vector tiles."""
    from webmap.basemap import BasemapError, open_basemap

    try:
        open_basemap(path)
    except BasemapError as error:
        raise click.BadParameter(str(error), param_hint="'--basemap'") from None
