"""``guardrail understand FILE``: what crm-guardrail reads in a conversation, with the evidence
and the confidence of each reading, as the rules will see it."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from guardrail.config import DEFAULT_BACKENDS
from guardrail.context.model import ConversationIn
from guardrail.errors import ConfigError
from guardrail.understanding.model import SURE, Evidence, Understanding
from guardrail.understanding.service import Understander, available


def add_commands(commands: Any) -> None:
    understand = commands.add_parser(
        "understand",
        help="print what the guardrail reads in a conversation: asks, issues, facts, "
        "sensitive data, outcome, with evidence and confidence",
        description="Reads FILE (a conversation as PUT takes it, a check request or scenario "
        "with a `conversation`, or a scenario file: every conversation in it; '-' for stdin) "
        "with the understanding backends and prints each reading. A confidence under "
        f"{SURE} is not sure: rules treat it as 'cannot tell'.",
    )
    understand.add_argument("file", type=Path, metavar="FILE")
    understand.add_argument(
        "--backends",
        default=",".join(DEFAULT_BACKENDS),
        help=f"comma-separated, combined in order (available: {', '.join(available())})",
    )
    understand.add_argument("--json", action="store_true", help="the readings as JSON lines")
    understand.set_defaults(run=_understand)


def _understand(args: argparse.Namespace) -> int:
    try:
        reader = Understander.of([b.strip() for b in args.backends.split(",") if b.strip()])
    except ValueError as exc:
        raise ConfigError(f"--backends: {exc}") from None
    text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text()
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{args.file}: not YAML or JSON: {exc}") from None
    found = list(_conversations(document))
    if not found:
        raise ConfigError(
            f"{args.file}: no conversation in it (give `turns`, a `conversation`, or scenarios)"
        )
    for name, body in found:
        try:
            conversation = ConversationIn.model_validate(body)
        except ValidationError as exc:
            raise ConfigError(f"{args.file}: {name}: not a conversation: {exc}") from None
        reading = reader.understand(conversation.turns)
        if args.json:
            print(json.dumps({"name": name, **reading.to_json()}))
        else:
            print(describe(name, reading))
    return 0


def _conversations(document: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if not isinstance(document, Mapping):
        return
    if "turns" in document:
        yield "conversation", document
    elif isinstance(document.get("conversation"), Mapping):
        yield str(document.get("name", "conversation")), document["conversation"]
    for scenario in document.get("scenarios") or ():
        if isinstance(scenario, Mapping) and isinstance(scenario.get("conversation"), Mapping):
            yield str(scenario.get("name", "?")), scenario["conversation"]


def describe(name: str, reading: Understanding) -> str:
    """A reading in lines a person reads: each item, its confidence, where it was said."""
    lines = [f"== {name} ({reading.backend})"]
    for a in reading.asks:
        money = f" {a.amount} {a.currency or ''}".rstrip() if a.amount is not None else ""
        reason = f" reason={a.reason}" if a.reason else ""
        lines.append(f"  ask {a.kind}: {a.status}{money}{reason} {_conf(a.confidence)}")
        lines += _where(a.evidence)
    for i in reading.issues:
        lines.append(f"  issue {i.reason}{' (denied)' if i.negated else ''} {_conf(i.confidence)}")
        lines += _where(i.evidence)
    for f in reading.facts:
        currency = f" {f.currency}" if f.currency else ""
        lines.append(f"  fact {f.kind} {f.value}{currency} ({f.speaker}) {_conf(f.confidence)}")
    for s in reading.sensitive:
        turns = ", ".join(str(e.turn) for e in s.evidence)
        lines.append(f"  sensitive {s.kind} in turn {turns} {_conf(s.confidence)}")
    if reading.outcome is not None:
        lines.append(f"  outcome {reading.outcome.value} {_conf(reading.outcome.confidence)}")
        lines += _where(reading.outcome.evidence)
    elif reading.under_way is not None:
        lines.append(
            f"  outcome: none yet, the call is under way {_conf(reading.under_way.confidence)}"
        )
        lines += _where(reading.under_way.evidence)
    else:
        lines.append("  outcome: none shown")
    if reading.unsure:
        lines.append(f"  unsure: {'; '.join(reading.unsure)}")
    return "\n".join(lines)


def _conf(confidence: float) -> str:
    return f"[{confidence:.2f}{'' if confidence >= SURE else ', not sure'}]"


def _where(evidence: tuple[Evidence, ...]) -> list[str]:
    return [f"      turn {e.turn} [{e.start}:{e.end}]: {e.text!r}" for e in evidence]
