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
        """Return the answer kept for ``key``, or ``compute()`` it (once, however many ask at once) and keep it."""
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
API_CACHE_BYTES = 64 * 2**20  # per worker process: some 300 pages of 100 parks (about 190 KB each)


def api_answers() -> AnswerCache:
    """Return the app's cache of feature answers (made on first use, ``API_CACHE_BYTES`` config; 0 keeps none)."""
    from flask import current_app

    extensions = current_app.extensions
    answers = extensions.get(API_ANSWERS)
    if answers is None:
        budget = current_app.config.get("API_CACHE_BYTES")
        answers = extensions.setdefault(API_ANSWERS, AnswerCache(API_CACHE_BYTES if budget is None else budget))
    return answers


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
