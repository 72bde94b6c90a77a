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
        with computing:
            with self._lock:
                answer = self._answers.get(key)
            if answer is None:
                answer = compute()
                if answer_size(answer) <= self.max_bytes // 4:
                    with self._lock:
                        self._answers[key] = answer
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
