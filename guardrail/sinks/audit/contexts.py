"""Reading back the contexts decision records name (guardrail.context.snapshot): a record keeps
the hashes of its context's parts, the log keeps each part once in ``audit_contexts``.

Whatever shows or judges a record again (replay, the decisions API, the review page) reads it
through ``Contexts``, which fetches the parts a page of records names in one query and keeps
the latest it parsed, since consecutive records of a call name mostly the same parts.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from guardrail.context import snapshot
from guardrail.sinks.audit.store import Storage

#: Parsed parts kept between pages: a page's calls' platform parts and recent reads and writes.
_CACHE = 4096


class Contexts:
    """Expands the context references of records read from ``storage``."""

    def __init__(self, storage: Storage, size: int = _CACHE) -> None:
        self._storage = storage
        self._size = size
        self._parts: OrderedDict[str, Any] = OrderedDict()

    async def expand(self, bodies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """``bodies`` with each ``context`` whole (the form records kept before references).
        A record whose parts the log does not hold keeps ``context`` None and names the
        missing hashes in ``context_missing`` (``guardrail audit verify`` reports it too)."""
        named = {h for body in bodies for h in _references(body)}
        parts = {h: self._parts[h] for h in named if h in self._parts}
        fetched = await self._storage.contexts(named - parts.keys())
        for digest, text in fetched.items():
            parts[digest] = self._remember(digest, orjson.loads(text))
        return [_expanded(body, parts) for body in bodies]

    async def one(self, body: dict[str, Any]) -> dict[str, Any]:
        return (await self.expand([body]))[0]

    def _remember(self, digest: str, value: Any) -> Any:
        self._parts[digest] = value
        while len(self._parts) > self._size:
            self._parts.popitem(last=False)
        return value


def _references(body: Mapping[str, Any]) -> Iterable[str]:
    context = body.get("context")
    return snapshot.references(context) if isinstance(context, Mapping) else ()


def _expanded(body: dict[str, Any], parts: Mapping[str, Any]) -> dict[str, Any]:
    context = body.get("context")
    if not isinstance(context, Mapping):
        return body
    missing = sorted({h for h in snapshot.references(context) if h not in parts})
    if missing:
        return {**body, "context": None, "context_missing": missing}
    return {**body, "context": snapshot.expand(context, parts)}


def part_problem(digest: str, body: bytes | None) -> str | None:
    """What is wrong with the stored part a record names by ``digest``, or None."""
    if body is None:
        return f"names context part {digest[:16]}..., which the log does not hold"
    if hashlib.sha256(body).hexdigest() != digest:
        return f"context part {digest[:16]}... does not match its hash (it was changed)"
    return None
