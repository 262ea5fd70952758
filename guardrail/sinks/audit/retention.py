"""Retention: removing old records is a prune, itself audited, never a quiet DELETE.

A prune runs in chunks, each its own transaction with its own prune record, so the write lock
is never held for long: the proxy's appends (and other replicas') keep flowing while months of
records are removed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from guardrail.errors import ConfigError
from guardrail.sinks.audit.chain import Row
from guardrail.sinks.audit.record import now
from guardrail.sinks.audit.store import Storage

CHUNK = 10_000


async def prune(storage: Storage, before: datetime, chunk: int = CHUNK) -> list[Row]:
    """Remove every record older than ``before``; the prune records appended, oldest first."""
    if before > datetime.now(UTC):
        raise ConfigError(f"refusing to prune up to {before.isoformat()}, which is in the future")
    done = []
    while True:
        row = await storage.prune(before, now(), chunk)
        done.append(row)
        if int(row.body["deleted"]) < chunk:
            return done
