"""Answers kept by query, bounded in bytes: each worker holds at most ``max_bytes`` of them, the least
recently used dropped first.

Keys are the normalised query (what the parsed parameters mean, not how they were spelled: order,
``1`` or ``1.0``) and the data version, so that a reload of the data never serves an old answer. An
answer larger than a quarter of the budget is computed and sent but not kept: one 15 MB search must
not push out a hundred small ones. Concurrent requests for one missing key wait for one computation
(the expensive reports take seconds on large data) instead of each computing it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache


def answer_size(answer: Any) -> int:
    """Return the bytes an answer holds: its texts (a tuple's items summed), or Python's size of it."""
    if isinstance(answer, tuple):
        return sum(answer_size(part) for part in answer)
    if isinstance(answer, dict):
        return sys.getsizeof(answer) + sum(answer_size(k) + answer_size(v) for k, v in answer.items())
    return sys.getsizeof(answer)


class AnswerCache:
    """A thread-safe LRU of answers bounded by ``max_bytes``; ``get_or_compute`` computes a key once."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._answers: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=answer_size)
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers)

    @property
    def bytes_held(self) -> int:
        with self._lock:
            return int(self._answers.currsize)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return the answer kept for ``key``, or ``compute()`` it (once, however many ask at once) and keep it.

        With no budget nothing is kept, so nothing is waited for either: each request computes its own.
        """
        if self.max_bytes <= 0:
            return compute()
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                return answer
            computing = self._computing.setdefault(key, threading.Lock())
        try:
            with computing:
                with self._lock:
                    answer = self._answers.get(key)
                if answer is None:
                    answer = compute()
                    if answer is not None and answer_size(answer) <= self.max_bytes // 4:  # None: no answer
                        with self._lock:
                            self._answers[key] = answer
        finally:  # also when compute() raised (a bad query): no lock left behind per such key
            with self._lock:
                self._computing.pop(key, None)
        return answer

    def get(self, key: Hashable) -> Any:
        """Return the answer kept for ``key``, or None."""
        with self._lock:
            return self._answers.get(key)

    def put(self, key: Hashable, answer: Any) -> None:
        """Keep ``answer`` for ``key``, unless it is larger than a quarter of the budget."""
        if answer_size(answer) <= self.max_bytes // 4:
            with self._lock:
                self._answers[key] = answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


def query_key(query: Any) -> Hashable:
    """Return a hashable key of a parsed query (a dataclass): its fields, mappings sorted, sequences as tuples.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Q:
    ...     weights: dict
    ...     limit: int
    >>> query_key(Q({"b": 1.0, "a": 2}, 5)) == query_key(Q({"a": 2.0, "b": 1}, 5))
    True
    """
    from dataclasses import fields

    return tuple((f.name, _hashable(getattr(query, f.name))) for f in fields(query))


def _hashable(value: Any) -> Hashable:
    if isinstance(value, dict) or hasattr(value, "items"):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


def data_version() -> str | None:
    """Return the version of the data the current app serves (``webmap.server.reload``), for cache keys."""
    from flask import current_app

    return current_app.extensions.get("hpmap.data_version")


# --- the OGC API's features: a page of items, or one item, per data version ----------------------------

API_ANSWERS = "hpmap.api.answers"
API_RESPONSES = "hpmap.api.responses"
API_CACHE_BYTES = 64 * 2**20  # per worker process: some 300 pages of 100 parks (about 190 KB each)


def api_answers() -> AnswerCache:
    """Return the app's cache of feature answers (made on first use, ``API_CACHE_BYTES`` config; 0 keeps none)."""
    from flask import current_app

    extensions = current_app.extensions
    answers = extensions.get(API_ANSWERS)
    if answers is None:
        answers = extensions.setdefault(API_ANSWERS, AnswerCache(api_cache_budget(current_app.config)))
    return answers


def api_cache_budget(config) -> int:
    """Return the bytes of feature answers a process may keep: ``API_CACHE_BYTES``, or the default when None."""
    budget = config.get("API_CACHE_BYTES")
    return API_CACHE_BYTES if budget is None else int(budget)


def items_key(collection: str, query: Any) -> Hashable:
    """Return the key of an items page: the data version, the collection and what the parsed query means.

    A filter's values select any of them: their order and repetition do not change the page.
    """
    filters = tuple((name, tuple(sorted(set(values)))) for name, values in query.filters)
    return ("items", data_version(), collection, query.bbox, filters, query.offset, query.limit, query.zoom,
            query.properties)  # fmt: skip


def page_features(collection: str, query: Any, store: Callable[[], Any]) -> tuple[bytes, int, int]:
    """Return a page's features as one UTF-8 JSON text (``,``-joined), how many match, and how many it holds.

    Kept per data version and normalised query: the map asks for the same views again and again, and a
    page is then a lookup rather than a spatial search (or a database round trip) and 100 texts joined.
    ``store`` returns the current store; it is asked after the key has read the version, so that a reload
    in between can only put new data under the old version's key, never old data under the new one's.
    """
    key = items_key(collection, query)

    def compute() -> tuple[bytes, int, int]:
        page = store().items(collection, query)
        return ",".join(page.feature_texts).encode(), page.number_matched, page.number_returned

    return api_answers().get_or_compute(key, compute)


def item_text(collection: str, feature_id: str, store: Callable[[], Any]) -> str | None:
    """Return the current ``store()``'s ``item_text``, kept per data version when the store pays a round trip
    for it (PostGIS); one that holds its texts in memory already (``in_memory``) is asked directly. No such
    feature (None) is not kept."""
    key = ("item", data_version(), collection, feature_id)
    if getattr(store(), "in_memory", False):
        return store().item_text(collection, feature_id)
    return api_answers().get_or_compute(key, lambda: store().item_text(collection, feature_id))


# --- whole answers of the API's feature URLs, for the second they were made in ----------------------------

RESPONSES_SHARE = 4  # of API_CACHE_BYTES, the whole answers get a quarter: a second's working set is small
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_RANGE", "HTTP_RANGE")
# What the answer depends on besides the data version and the second: the URL as the app sees it (its links
# are built from it) and the encodings the client accepts (gzip or not).
_ANSWER_INPUTS = ("HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme", "SCRIPT_NAME", "PATH_INFO",
                  "QUERY_STRING", "HTTP_ACCEPT_ENCODING")  # fmt: skip


class KeptResponses:
    """WSGI middleware: a GET of a collection's items (a page, or a feature by id) answered 200 is kept, whole
    (status, headers, body), for the rest of the second it was made in, per data version and URL as sent.

    The map and its users ask for the same views again and again; within one second an answer is the very
    bytes the app would make again (its ``timeStamp`` counts seconds; every other part depends on the data
    version and the URL), so a repeat costs a lookup instead of Flask's routing, parsing, links and hooks.
    The answers' features are kept longer, by meaning, below (``page_features``), so the first request of
    the next second builds only the head. Conditional requests (If-None-Match …) and anything but a 200 go
    to the app as before. ``API_CACHE_BYTES`` of 0 keeps nothing here either.
    """

    def __init__(self, app, wsgi_app, max_bytes: int):
        self.app, self.wsgi_app = app, wsgi_app
        self.answers = AnswerCache(max_bytes)

    def __call__(self, environ, start_response):
        if not self._keepable(environ):
            return self.wsgi_app(environ, start_response)
        second = int(time.time())
        key = (self.app.extensions.get("hpmap.data_version"), second, *(environ.get(name) for name in _ANSWER_INPUTS))
        kept = self.answers.get(key)
        if kept is None:
            status, headers, body = self._answer(environ)
            kept = (status, headers, body)
            if status.startswith("200 ") and int(time.time()) == second:  # made within the second it is kept for
                self.answers.put(key, kept)
        status, headers, body = kept
        start_response(status, list(headers))
        return [body]

    def clear(self) -> None:
        self.answers.clear()

    @staticmethod
    def _keepable(environ) -> bool:
        path = environ.get("PATH_INFO", "")
        return (
            environ.get("REQUEST_METHOD") == "GET"
            and path.startswith("/api/collections/")
            and "/items" in path
            and not any(name in environ for name in _CONDITIONAL)
        )

    def _answer(self, environ) -> tuple[str, tuple, bytes]:
        started = []

        def start(status, headers, exc_info=None):
            started[:] = [status, tuple(headers)]
            return lambda data: None  # the app writes nothing outside its answer's body

        chunks = self.wsgi_app(environ, start)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return started[0], started[1], body


def forget(app) -> None:
    """Drop the feature answers ``app`` keeps (a new data version: their keys hold the old one)."""
    for name in (API_ANSWERS, API_RESPONSES):
        if name in app.extensions:
            app.extensions[name].clear()
