"""Retention: removing old records is a prune, itself audited, never a quiet DELETE.

A prune runs in chunks, each its own transaction with its own prune record, so the write lock
is never held for long: the proxy's appends (and other replicas') keep flowing while months of
records are removed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from guardrail.errors import ConfigError
from guardrail.sinks.audit.chain import Row
from guardrail.sinks.audit.record import now, parse_time
from guardrail.sinks.audit.store import Storage

CHUNK = 10_000


async def prune(storage: Storage, before: datetime, chunk: int = CHUNK) -> list[Row]:
    """Remove every record older than ``before``; the prune records appended, oldest first."""
    if before > datetime.now(UTC):
        raise ConfigError(f"refusing to prune up to {before.isoformat()}, which is in the future")
    done = [await storage.prune(before, now(), chunk)]
    while int(done[-1].body["deleted"]) == chunk and await _older_remain(storage, before):
        done.append(await storage.prune(before, now(), chunk))
    return done


async def _older_remain(storage: Storage, before: datetime) -> bool:
    async for first in storage.scan(batch=1):
        return parse_time(first.entry.at) < before
    return False
