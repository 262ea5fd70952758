"""Where readings are made and found: one function serves the admin API (which computes and
stores a reading when turns arrive), the write path (which reads the stored one) and every
offline path (``guardrail check``, ``test``, ``replay``, an old record with none stored).

The backends in force are configured once per process (``configure``, from the settings'
``understanding.backends``; until then ``lexical`` alone). Other backends register a
factory under their name (``register``) and are combined in the configured order
(guardrail.understanding.model.combine).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from threading import Lock
from typing import Any

from guardrail.context.model import Conversation, Turn
from guardrail.understanding.lexical import LexicalBackend
from guardrail.understanding.model import ALL_UNREAD, Backend, Understanding, combine

log = logging.getLogger(__name__)

_FACTORIES: dict[str, Callable[[], Backend]] = {"lexical": LexicalBackend}


def register(name: str, factory: Callable[[], Backend]) -> None:
    """Make a backend available to ``configure`` by name (``model``, ``llm``...)."""
    _FACTORIES[name] = factory


def available() -> tuple[str, ...]:
    return tuple(sorted(_FACTORIES))


class Understander:
    """Reads conversations with the configured backends, one reading per (id, rev) cached."""

    def __init__(self, backends: Sequence[Backend], cache_size: int = 1024) -> None:
        if not backends:
            raise ValueError("at least one understanding backend is needed")
        self.backends = tuple(backends)
        self.name = "+".join(b.name for b in self.backends)
        # Bounded (cache_size readings, least recently used out): calls in progress, not history.
        self._cache: OrderedDict[tuple[str, int, int], Understanding] = OrderedDict()
        self._size = cache_size
        self._lock = Lock()

    @classmethod
    def of(cls, names: Sequence[str]) -> Understander:
        """Raises ValueError naming an unknown backend and the known ones."""
        unknown = [n for n in names if n not in _FACTORIES]
        if unknown:
            raise ValueError(
                f"unknown understanding backend(s) {', '.join(unknown)}; "
                f"available: {', '.join(available())}"
            )
        return cls([_FACTORIES[n]() for n in names])

    def understand(self, turns: Sequence[Turn], rev: int = 0) -> Understanding:
        """Every backend's reading, combined; a backend that fails is left out and named."""
        readings = []
        failed = []
        for backend in self.backends:
            try:
                readings.append(backend.understand(turns, rev))
            except Exception:  # a backend (an endpoint, a model) must not stop the reading
                log.exception("understanding backend %s failed", backend.name)
                failed.append(backend.name)
        if not readings:
            # nothing read is not "nothing asked": every kind is unsure
            unsure = ("no backend could read", *ALL_UNREAD)
            return Understanding(backend=self.name, rev=rev, unsure=unsure)
        found = combine(readings)
        if failed:
            found = Understanding(
                **{**_fields(found), "unsure": (*found.unsure, *(f"{n} failed" for n in failed))}
            )
        return found

    def read(self, conversation: Conversation) -> Understanding:
        """The conversation's reading for its current rev: the stored one when it is that rev's
        and of this schema and backend, else computed now (and cached)."""
        # The turns' hash too: ids and revs are per store (tests, replays of other stores).
        key = (
            conversation.id,
            conversation.rev,
            hash(tuple((t.role, t.text) for t in conversation.turns)),
        )
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        stored = stored_reading(conversation)
        if stored is not None and stored.backend == self.name:
            found = stored
        else:
            found = self.understand(conversation.turns, conversation.rev)
        with self._lock:
            self._cache[key] = found
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return found


def stored_reading(conversation: Conversation) -> Understanding | None:
    """The reading stored with the conversation, if it is of its current rev and schema."""
    data = conversation.understanding
    if not data or data.get("rev") != conversation.rev:
        return None
    try:
        return Understanding.from_json(data)
    except ValueError:
        return None


def _fields(u: Understanding) -> dict[str, Any]:
    return {f: getattr(u, f) for f in u.__dataclass_fields__}


_current = Understander([LexicalBackend()])


def configure(names: Sequence[str]) -> Understander:
    """Set the backends this process reads conversations with. Raises ValueError."""
    global _current
    _current = Understander.of(names)
    return _current


def current() -> Understander:
    return _current
