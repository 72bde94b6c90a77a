"""What the API's answers share: open to scripts of any site, cached for five minutes, revalidated by ETag.

The home of these headers for every blueprint under /api (coverage_api uses it; api and sites_api
still keep their own copies, see docs/architecture.md).
"""

from __future__ import annotations

from flask import Response, request

CACHE_CONTROL = "public, max-age=300"


def public_and_cacheable(response: Response, etag: str | None = None) -> Response:
    """Let any site's scripts read ``response``; make a 200 to GET or HEAD cacheable and conditional.

    The ETag is weak, and ``etag`` when given (a tag that does not depend on the body, whose timeStamp
    changes between responses), otherwise a hash of the body.
    """
    response.headers["Access-Control-Allow-Origin"] = "*"  # public open data, for web clients on any site
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        if etag is None:
            response.add_etag(weak=True)
        else:
            response.set_etag(etag, weak=True)
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.make_conditional(request)
    return response
