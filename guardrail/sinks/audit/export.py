"""Exports of the audit log: JSON lines (every record whole, with its chain fields, so a copy
can be verified on its own) and CSV (one flat row per record, for a spreadsheet)."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, TextIO

import orjson

from guardrail.sinks.audit.chain import Row
from guardrail.sinks.audit.record import parse_time

CSV_COLUMNS = (
    "seq",
    "at",
    "kind",
    "decision_id",
    "decision",
    "crm",
    "conversation",
    "agent",
    "tool",
    "objects",
    "operations",
    "record_ids",
    "rules",
    "messages",
    "status",
    "upstream_status",
    "error",
    "policy_version",
    "verdict",
    "comment",
    "reviewer",
    "before",
    "through",
    "deleted",
    "prev_hash",
    "hash",
)


async def write_jsonl(rows: AsyncIterator[Row], out: TextIO) -> int:
    count = 0
    async for row in rows:
        out.write(orjson.dumps(row.document(), option=orjson.OPT_SORT_KEYS).decode() + "\n")
        count += 1
    return count


async def write_csv(rows: AsyncIterator[Row], out: TextIO) -> int:
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    count = 0
    async for row in rows:
        writer.writerow(flat(row))
        count += 1
    return count


def summary(row: Row) -> dict[str, Any]:
    """What a list shows of a decision: who, what, why; the full record is one GET away."""
    body = row.body
    intents = body.get("intents", [])
    return {
        "decision_id": body["decision_id"],
        "at": body["at"],
        "decision": body["decision"],
        "crm": body.get("crm"),
        "conversation": body.get("conversation"),
        "agent": body.get("agent"),
        "tool": body.get("tool"),
        "objects": list(dict.fromkeys(i["object"] for i in intents)),
        "operations": list(dict.fromkeys(i["operation"] for i in intents)),
        "record_ids": [i.get("saved_id") or i.get("record_id") for i in intents],
        "violations": [
            {k: v[k] for k in ("policy", "rule", "message", "action", "mode")}
            for v in body.get("violations", [])
        ],
        "status": body.get("status"),
        "upstream_status": body.get("upstream_status"),
        "error": body.get("error"),
        "seq": row.seq,
    }


def flat(row: Row) -> dict[str, Any]:
    """One record as flat columns: lists joined by ``; ``."""
    body = row.body
    intents = body.get("intents", [])
    violations = body.get("violations", [])
    return {
        **{k: v for k, v in body.items() if k in CSV_COLUMNS and not isinstance(v, list | dict)},
        "seq": row.seq,
        "objects": _join(i["object"] for i in intents),
        "operations": _join(i["operation"] for i in intents),
        "record_ids": _join(i.get("saved_id") or i.get("record_id") or "" for i in intents),
        "rules": _join(f"{v['policy']}/{v['rule']}" for v in violations),
        "messages": _join(v["message"] for v in violations),
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def _join(values: Any) -> str:
    return "; ".join(str(v) for v in values)


async def between(
    rows: AsyncIterator[Row], since: datetime | None, until: datetime | None
) -> AsyncIterator[Row]:
    """Only the records with ``since <= at < until``."""
    async for row in rows:
        at = parse_time(row.entry.at)
        if (since is None or at >= since) and (until is None or at < until):
            yield row
