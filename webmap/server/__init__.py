"""Serving the app: the gunicorn worker that survives slow clients (serving), the answer caches bounded in
bytes (answer_cache), compression, security headers, and picking up a new data version (reload)."""
