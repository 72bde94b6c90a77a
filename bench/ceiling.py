"""The ceiling: the app's own server stack answering the app's very bytes from a dict, doing nothing else.

``python bench/ceiling.py BODIES.json --port P --workers N`` serves every path of BODIES.json (written
by ``bench/steps.py`` from the app's answers: ``{path: [content type, body]}``) with the gunicorn
settings of ``hpmap serve`` (``webmap.server.serving.gunicorn_options``: the same gevent worker, processes and
keep-alive). What the app reaches against it is the share of time its own work leaves to the stack.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webmap.server import serving  # noqa: E402  (after the path above, so that it runs from a checkout too)


def wsgi_app(bodies: dict[str, tuple[str, bytes]]):
    """Return a WSGI app answering each known path (with its query string) with its body, else 404."""

    def app(environ, start_response):
        query = environ.get("QUERY_STRING", "")
        path = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        answer = bodies.get(path)
        if answer is None:
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
            return [b"not found"]
        content_type, body = answer
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bodies", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    serving.patch_for_gevent()
    bodies = {path: (kind, body.encode()) for path, (kind, body) in json.loads(args.bodies.read_text()).items()}
    serving.run_gunicorn(wsgi_app(bodies), serving.gunicorn_options(args.host, args.port, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
