"""The API under /api: OGC API – Features over the layers, the investors' and the planners' endpoints.

- ``features``: the OGC API – Features (landing page, conformance, collections, items, clusters)
  and the OpenAPI document of the whole app (``openapi``);
- ``investors``: ``GET /api/sites`` (find and rank parks), ``POST /api/evaluate`` (check a drawn site);
- ``planning``: ``GET /api/coverage``, ``GET /api/quality``; ``city``: ``GET /api/city``;
- ``params``: the query strings, every bad value a 400; ``responses``: what every answer shares
  (CORS, cache headers and ETags, JSON and CSV).
"""

from __future__ import annotations

from flask import Flask

from webmap.api import city, features, investors, planning
from webmap.api.features import data_fingerprint

__all__ = ["data_fingerprint", "register", "serve_new_data"]


def register(app: Flask) -> None:
    """Serve the API's blueprints under /api."""
    for blueprint in (features.bp, investors.bp, planning.bp, city.bp):
        app.register_blueprint(blueprint, url_prefix="/api")


def serve_new_data(app: Flask, fingerprint: str) -> None:
    """Forget what the API computed from the data ``app`` served until now (``webmap.reload``): ``fingerprint``
    (``data_fingerprint`` of the new data, computed before they were put in place) tags the answers from now on.
    """
    features.serve_new_data(app, fingerprint)
    investors.serve_new_data(app)
    planning.serve_new_data(app)
