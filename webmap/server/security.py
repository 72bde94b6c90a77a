"""Security headers on every response: a Content-Security-Policy the pages satisfy, and friends."""

from __future__ import annotations

from flask import Flask, Response

from webmap.maps import TILE_HOSTS


def content_security_policy(offline: bool) -> str:
    """Return the CSP: only our own scripts (no inline script, no eval), images from tile hosts when online."""
    images = "'self' data:" if offline else "'self' data: " + " ".join(TILE_HOSTS)
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {images}",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])  # fmt: skip


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# For the server's own answers to requests it cannot parse (webmap.server.serving): a page that loads nothing.
ERROR_PAGE_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def register(app: Flask) -> None:
    """Add the headers to every response of ``app``."""
    policy = content_security_policy(app.config["OFFLINE"])

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.update(SECURITY_HEADERS)
        return response
