"""``guardrail audit ...``: the audit log from the command line, against the proxy's own stores.

list, show, export (JSONL, CSV), verify, stats and prune all take ``--dsn`` (default: the
``audit_dsn`` setting, from ``GUARDRAIL_AUDIT_DSN`` or the config file, else the SQLite file
``guardrail-audit.db`` here). They never create a log: pointed at a store that holds none,
they say so. ``verify`` exits 1 at the first broken link; any command exits 1 when the store
cannot be read, and 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guardrail.sinks.audit.store import Storage


def add_commands(commands: Any) -> None:
    """Add ``audit`` and its actions to the ``guardrail`` command's subparsers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dsn", help="sqlite:///PATH or postgresql://... (GUARDRAIL_AUDIT_DSN)")
    common.add_argument("--config", type=Path, help="YAML or TOML settings file")
    common.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for the store (default 60)"
    )
    audit = commands.add_parser("audit", help="search, export, verify and prune the audit log")
    actions = audit.add_subparsers(required=True, metavar="ACTION")

    list_ = actions.add_parser("list", parents=[common], help="decisions, newest first")
    list_.add_argument("--decision", help="allow, block, shadow-block, post-fail")
    list_.add_argument("--object", help="CRM object, e.g. Case")
    list_.add_argument("--rule", help="rule name, or policy/rule")
    list_.add_argument("--agent")
    list_.add_argument("--conversation")
    list_.add_argument("--since", type=_time, help="ISO 8601 time (UTC unless a zone is given)")
    list_.add_argument("--until", type=_time, help="ISO 8601 time, exclusive")
    list_.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    list_.add_argument("--json", action="store_true", help="one JSON summary per line")
    list_.set_defaults(run=_list)

    show = actions.add_parser("show", parents=[common], help="one decision, whole, with reviews")
    show.add_argument("decision_id")
    show.set_defaults(run=_show)

    export = actions.add_parser("export", parents=[common], help="every record, in order")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--since", type=_time)
    export.add_argument("--until", type=_time)
    export.add_argument("--output", "-o", type=Path, help="file to write (default stdout)")
    export.set_defaults(run=_export)

    verify = actions.add_parser("verify", parents=[common], help="walk the hash chain")
    verify.add_argument(
        "--checkpoint",
        type=_checkpoint,
        help="SEQ:HASH published earlier (metric or log); also proves nothing was cut after it",
    )
    verify.set_defaults(run=_verify)

    stats = actions.add_parser("stats", parents=[common], help="counts, span and head")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=_stats)

    prune = actions.add_parser(
        "prune", parents=[common], help="remove records older than a time (itself recorded)"
    )
    prune.add_argument("--before", type=_time, required=True, help="ISO 8601 time")
    prune.add_argument("--chunk", type=int, default=10_000, help="records per transaction")
    prune.set_defaults(run=_prune)


def _time(text: str) -> datetime:
    from guardrail.sinks.audit.record import parse_time

    try:
        return parse_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None


def _checkpoint(text: str) -> Any:
    from guardrail.sinks.audit.chain import Head

    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise argparse.ArgumentTypeError("expected SEQ:HASH (a 64-hex-digit sha256)")
    return Head(int(seq), digest.lower())


def _with_storage(args: argparse.Namespace, work: Callable[[Storage], Awaitable[int]]) -> int:
    from guardrail.config import load_audit_settings
    from guardrail.errors import AuditUnavailable
    from guardrail.sinks.audit import open_storage

    dsn = args.dsn
    if dsn is None:
        configured = load_audit_settings(args.config).audit_dsn
        dsn = configured.get_secret_value() if configured else None
    storage = open_storage(dsn, timeout=args.timeout)

    async def run() -> int:
        try:
            await storage.open(migrate=False)
            return await work(storage)
        finally:
            await storage.close()

    try:
        return asyncio.run(run())
    except AuditUnavailable as exc:
        print(f"guardrail: error: {exc.message}", file=sys.stderr)
        return 1


def _list(args: argparse.Namespace) -> int:
    from guardrail.sinks.audit.export import summary
    from guardrail.sinks.audit.store import MAX_LIMIT, Query

    if not 1 <= args.limit <= MAX_LIMIT:
        raise _usage(f"--limit must be from 1 to {MAX_LIMIT}")
    query = Query(
        verdict=args.decision,
        object=args.object,
        rule=args.rule,
        agent=args.agent,
        conversation=args.conversation,
        since=args.since,
        until=args.until,
        limit=args.limit,
    )

    async def work(storage: Storage) -> int:
        rows = (await storage.find(query))[: query.limit]
        summaries = [summary(row) for row in rows]
        if args.json:
            for line in summaries:
                print(json.dumps(line))
        else:
            _table(summaries)
        return 0

    return _with_storage(args, work)


def _table(summaries: list[dict[str, Any]]) -> None:
    print(f"{'AT':<27} {'DECISION':<12} {'OBJECT':<14} {'AGENT':<14} {'DECISION ID':<36} RULES")
    for s in summaries:
        rules = ", ".join(f"{v['policy']}/{v['rule']}" for v in s["violations"]) or "-"
        print(
            f"{s['at']:<27} {s['decision']:<12} {','.join(s['objects']) or '-':<14} "
            f"{s['agent'] or '-':<14} {s['decision_id']:<36} {rules}"
        )


def _show(args: argparse.Namespace) -> int:
    async def work(storage: Storage) -> int:
        row = await storage.decision(args.decision_id)
        if row is None:
            print(f"guardrail: error: no decision {args.decision_id!r}", file=sys.stderr)
            return 1
        document = row.document()
        document["reviews"] = [r.document() for r in await storage.reviews(args.decision_id)]
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0

    return _with_storage(args, work)


def _export(args: argparse.Namespace) -> int:
    from guardrail.sinks.audit.export import between, write_csv, write_jsonl

    write = write_csv if args.format == "csv" else write_jsonl

    async def work(storage: Storage) -> int:
        rows = between(storage.scan(), args.since, args.until)
        if args.output is None:
            await write(rows, sys.stdout)
            return 0
        with args.output.open("w", encoding="utf-8", newline="") as out:
            count = await write(rows, out)
        print(f"wrote {count} records to {args.output}", file=sys.stderr)
        return 0

    return _with_storage(args, work)


def _verify(args: argparse.Namespace) -> int:
    from guardrail.sinks.audit.verify import verify

    async def work(storage: Storage) -> int:
        result = await verify(storage, args.checkpoint)
        if result.broken is not None:
            print(
                f"audit log BROKEN at seq {result.broken.seq}: {result.broken.problem} "
                f"({result.records} records checked from {result.starts_from})"
            )
            return 1
        span = f"seq {result.first_seq}..{result.head.seq}" if result.records else "empty"
        print(
            f"audit log ok: {result.records} records ({span}) from {result.starts_from}; "
            f"head {result.head.seq}:{result.head.hash}"
        )
        return 0

    return _with_storage(args, work)


def _stats(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    async def work(storage: Storage) -> int:
        stats = asdict(await storage.stats())
        if args.json:
            print(json.dumps(stats, indent=2))
            return 0
        head = stats["head"]
        print(f"store:      {storage.where}")
        print(f"records:    {stats['records']}  {_counts(stats['by_kind'])}")
        print(f"decisions:  {_counts(stats['decisions_by_verdict']) or '-'}")
        print(f"span:       {stats['first_at'] or '-'} .. {stats['last_at'] or '-'}")
        print(f"head:       {head['seq']}:{head['hash']}")
        prune = stats["last_prune"]
        if prune:
            print(f"last prune: seq {prune['seq']} at {prune['at']}: through {prune['through']}")
        return 0

    return _with_storage(args, work)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def _prune(args: argparse.Namespace) -> int:
    from guardrail.sinks.audit.retention import prune

    if args.chunk < 1:
        raise _usage("--chunk must be at least 1")

    async def work(storage: Storage) -> int:
        rows = await prune(storage, args.before, args.chunk)
        deleted = sum(int(r.body["deleted"]) for r in rows)
        last = rows[-1]
        print(
            f"pruned {deleted} records older than {args.before.isoformat()} "
            f"(through seq {last.body['through']}); prune record{'s' if len(rows) > 1 else ''} "
            f"{', '.join(str(r.seq) for r in rows)}"
        )
        return 0

    return _with_storage(args, work)


def _usage(message: str) -> Exception:
    from guardrail.errors import ConfigError

    return ConfigError(message)
