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
    which the KeyErrors below absorb.
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
        found = self._entries.get(key)
        if found is not None:
            with contextlib.suppress(KeyError):
                self._entries.move_to_end(key)
        return found

    def drop(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def put(self, key: Hashable, value: V) -> None:
        entries = self._entries
        entries[key] = value
        while len(entries) > self._size:
            with contextlib.suppress(KeyError):
                entries.popitem(last=False)
