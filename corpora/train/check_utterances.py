# ruff: noqa: E501
"""Checks utterances.jsonl against its schema (README.md): python corpora/train/check_utterances.py"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KINDS = {
    "refund",
    "replacement",
    "cancellation",
    "account_closure",
    "callback",
    "escalation",
    "address_change",
    "plan_change",
    "other",
}
STATUSES = {
    "asked",
    "declined",
    "retracted",
    "hypothetical",
    "third_party",
    "offered_accepted",
    "offered_declined",
    "question",
}
REASONS = {"Damaged Item", "Late Delivery", "Billing Error", "Goodwill", None}
OUTCOMES = {"resolved", "escalated", "refund_issued", "callback_scheduled", "no_resolution", None}
KEYS = ["id", "text", "role", "context", "asks", "facts", "outcome", "split", "style"]


def problems(row: dict) -> list[str]:
    out = []
    if list(row) != KEYS:
        out.append(f"keys {list(row)}")
    if row["role"] not in ("customer", "agent") or row["split"] not in ("train", "dev"):
        out.append("role/split")
    if not row["text"].strip() or row["outcome"] not in OUTCOMES:
        out.append("text/outcome")
    for a in row["asks"]:
        if a["kind"] not in KINDS or a["status"] not in STATUSES or a["reason"] not in REASONS:
            out.append(f"ask {a}")
        if (a["amount"] is None) != (a["currency"] is None) and a["currency"] is not None:
            out.append(f"currency without amount {a}")
        if a["kind"] != "refund" and (a["reason"] or a["amount"]):
            out.append(f"reason/amount on a {a['kind']}")
        if a["status"].startswith("offered") and not row["context"]:
            out.append("offer without context")
    f = row["facts"]
    if set(f) != {"amounts", "card", "ssn"} or not all(isinstance(x, float) for x in f["amounts"]):
        out.append("facts")
    return out


def main() -> int:
    path = Path(__file__).with_name("utterances.jsonl")
    bad = 0
    ids = set()
    for line in path.read_text().splitlines():
        row = json.loads(line)
        if row["id"] in ids:
            print(row["id"], "duplicate id")
            bad += 1
        ids.add(row["id"])
        for p in problems(row):
            print(row["id"], p)
            bad += 1
    print(f"{len(ids)} utterances, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
