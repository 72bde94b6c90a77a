"""The API under /api: OGC API – Features over the layers, the investors' and the planners' endpoints.

- ``features``: the OGC API – Features (landing page, conformance, collections, items, clusters)
  and the OpenAPI document of the whole app (``openapi``, generated from the bodies of ``schemas``);
- ``investors``: ``GET /api/sites`` (find and rank parks), ``POST /api/evaluate`` (check a drawn site);
- ``planning``: ``GET /api/coverage``, ``GET /api/quality``; ``city``: ``GET /api/city``;
- ``search``: ``GET /api/search-index`` (what the map's search box searches, fetched on its first use);
- ``params``: the query strings, every bad value a 400; ``responses``: what every answer shares
  (CORS, cache headers and ETags, JSON, CSV and Excel attachments).
"""

from __future__ import annotations

from flask import Flask

# The modules are imported where they are used: importing one of them (webmap.api.params, say) runs this
# file first, which then imports nothing back.


def register(app: Flask) -> None:
    """Serve the API's blueprints under /api."""
    from webmap.api import city, features, investors, planning, search
    from webmap.api.responses import data_fingerprint, remember_fingerprint

    remember_fingerprint(app, data_fingerprint(app.extensions["hpmap.dataset"]))
    for blueprint in (features.bp, investors.bp, planning.bp, city.bp, search.bp):
        app.register_blueprint(blueprint, url_prefix="/api")


def serve_new_data(app: Flask, fingerprint: str) -> None:
    """Forget what the API computed from the data ``app`` served until now (``webmap.server.reload``): ``fingerprint``
    (``responses.data_fingerprint`` of the new data, computed before they were put in place) tags the answers
    from now on.
    """
    from webmap.api import investors, planning
    from webmap.api.responses import remember_fingerprint

    remember_fingerprint(app, fingerprint)
    investors.forget_answers(app)
    planning.forget_reports(app)
