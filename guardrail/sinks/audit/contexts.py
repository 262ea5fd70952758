"""Reading back the contexts decision records name (guardrail.context.snapshot): a record names
its context's parts by hash, the log keeps each part once in ``audit_contexts``.

Whatever shows, judges or verifies a record again (replay, the decisions API, the review page,
``guardrail audit verify``) reads it through ``Contexts``, which fetches the parts a page of
records names a level at a time (a window's links are found one from the next), checks each
against its hash, and keeps the latest it parsed, since consecutive records of a call name
mostly the same parts.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from guardrail.context import snapshot
from guardrail.sinks.audit.store import Storage

#: Parsed parts kept between pages: a page's calls' platform parts and the links of their
#: reads and writes.
_CACHE = 4096


class Contexts:
    """Resolves the context references of records read from ``storage``."""

    def __init__(self, storage: Storage, size: int = _CACHE) -> None:
        self._storage = storage
        self._size = size
        self._parts: OrderedDict[str, Any] = OrderedDict()

    async def expand(self, bodies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """``bodies`` with each ``context`` whole (the form records kept before references).
        A record whose parts the log does not hold, or holds changed, keeps ``context`` None and
        names their hashes in ``context_missing`` (``guardrail audit verify`` reports it too)."""
        parts, _ = await self.resolve([c for body in bodies if (c := _context(body))])
        return [_expanded(body, parts) for body in bodies]

    async def one(self, body: dict[str, Any]) -> dict[str, Any]:
        return (await self.expand([body]))[0]

    async def resolve(
        self, documents: Sequence[Mapping[str, Any]]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The parts ``documents`` (recorded contexts) need, parsed, by hash; and what is wrong
        with each needed part that could not be had, by hash (``part_problem``)."""
        parts: dict[str, Any] = {}
        problems: dict[str, str] = {}
        while wanted := {h for d in documents for h in snapshot.wanted(d, parts)} - problems.keys():
            for digest in wanted & self._parts.keys():
                parts[digest] = self._parts[digest]
                self._parts.move_to_end(digest)
            fetch = wanted - parts.keys()
            found = await self._storage.contexts(fetch) if fetch else {}
            for digest in fetch:
                problem = part_problem(digest, found.get(digest))
                if problem is not None:
                    problems[digest] = problem
                else:
                    parts[digest] = self._remember(digest, orjson.loads(found[digest]))
        return parts, problems

    def _remember(self, digest: str, value: Any) -> Any:
        self._parts[digest] = value
        while len(self._parts) > self._size:
            self._parts.popitem(last=False)
        return value


def _context(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    context = body.get("context")
    return context if isinstance(context, Mapping) else None


def _expanded(body: dict[str, Any], parts: Mapping[str, Any]) -> dict[str, Any]:
    context = _context(body)
    if context is None:
        return body
    missing = snapshot.wanted(context, parts)
    if missing:
        return {**body, "context": None, "context_missing": sorted(missing)}
    return {**body, "context": snapshot.expand(context, parts)}


def part_problem(digest: str, body: bytes | None) -> str | None:
    """What is wrong with the stored part a record names by ``digest``, or None."""
    if body is None:
        return f"names context part {digest[:16]}..., which the log does not hold"
    if hashlib.sha256(body).hexdigest() != digest:
        return f"context part {digest[:16]}... does not match its hash (it was changed)"
    return None
