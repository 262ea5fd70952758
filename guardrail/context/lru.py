"""A bounded map, least recently used out first: what was made once is not made again (a
context part, a decoded record, a conversation's platform part) until it falls out."""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Lru(Generic[V]):
    """A bounded map, least recently used out first.

    A write looks up every record its context names (guardrail.context.snapshot: up to 2 x
    KEPT_RECORDS), so a lookup takes no lock: each OrderedDict operation is atomic under the
    GIL, and one process running several proxies in threads (tests, an embedding app) can
    only race to make a part twice or to move or drop an entry another thread just dropped,
    which the KeyError below absorbs. A hit is taken out and put back at the end rather than
    moved there: no KeyError to absorb on the path taken several times a write (a
    ``contextlib.suppress`` there, a context manager made and entered in Python, cost more
    than the lookup).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        found = self.peek(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def peek(self, key: Hashable) -> V | None:
        found = self._entries.pop(key, None)
        if found is not None:
            self._entries[key] = found
        return found

    def drop(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def put(self, key: Hashable, value: V) -> None:
        entries = self._entries
        entries[key] = value
        while len(entries) > self._size:
            with contextlib.suppress(KeyError):
                entries.popitem(last=False)
