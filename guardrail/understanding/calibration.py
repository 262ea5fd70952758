"""Calibrating the lexical backend's confidences on the labelled utterances.

A reading's confidence must mean what the rules take it to mean: the probability that it is
right, so that ``SURE`` separates "the conversation contradicts the write" from "cannot tell".
Priors written by hand in ``lexicon/*.yaml`` do not: a phrase that reads well may fire on
small talk as often as on asks. So each phrase's reliability and each scope's are measured on
the corpus's ``train`` split and checked on ``dev``::

    python -m guardrail.understanding.calibration corpora/train/utterances.jsonl          # table
    python -m guardrail.understanding.calibration corpora/train/utterances.jsonl --write  # and save

- an ask phrase of kind K: of the utterances where it was read, the share whose labels hold an
  ask of kind K (any status: the phrase finds the topic, the scopes its status);
- a reason phrase of reason R: of the utterances holding a refund ask where it was read, the
  share whose refund reason is R (``REASON_LABELS``);
- a status (the scope that gave it: a negation, a condition, a third party, a question, or
  none): of the asks read with it whose kind the labels hold, the share labelled that status.

A measured share is shrunk towards the prior by ``PRIOR_WEIGHT`` pseudo-observations, so a
phrase seen three times keeps most of its prior. ``--write`` saves the train split's values in
``lexicon/calibration.yaml``, which ``Lexicon.default`` reads in place of the priors.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from guardrail.context.model import Turn
from guardrail.understanding.lexical import Lexicon, _Reading
from guardrail.understanding.model import AskStatus, Reason

PRIOR_WEIGHT = 5.0
OUTPUT = Path(__file__).parent / "lexicon" / "calibration.yaml"

KINDS = {
    "refund": "refund",
    "replacement": "replacement",
    "cancellation": "cancellation",
    "account_closure": "account closure",
    "callback": "callback",
    "escalation": "escalation",
    "address_change": "address change",
    "plan_change": "plan change",
    "other": "other",
}
STATUSES = {
    "asked": AskStatus.ASKED,
    "declined": AskStatus.DECLINED,
    "retracted": AskStatus.RETRACTED,
    "hypothetical": AskStatus.HYPOTHETICAL,
    "third_party": AskStatus.THIRD_PARTY,
    "question": AskStatus.QUESTION,
    "offered_accepted": AskStatus.OFFERED_ACCEPTED,
    "offered_declined": AskStatus.OFFERED_DECLINED,
}
# The corpus's picklist reasons and the issues (Reason) that stand for each.
REASON_LABELS: dict[str, frozenset[str]] = {
    "Damaged Item": frozenset({Reason.DAMAGED, Reason.WRONG_ITEM}),
    "Late Delivery": frozenset({Reason.LATE}),
    "Billing Error": frozenset({Reason.BILLING}),
    "Goodwill": frozenset({Reason.GOODWILL, Reason.SERVICE}),
}


@dataclass(frozen=True, slots=True)
class Utterance:
    text: str
    context: str | None
    asks: tuple[dict[str, Any], ...]
    split: str

    def turns(self) -> list[Turn]:
        said = [Turn(role="agent", text=self.context)] if self.context else []
        return [*said, Turn(role="customer", text=self.text)]

    def kinds(self) -> set[str]:
        return {KINDS[a["kind"]] for a in self.asks}

    def statuses(self, kind: str) -> set[AskStatus]:
        return {STATUSES[a["status"]] for a in self.asks if KINDS[a["kind"]] == kind}

    def reasons(self) -> set[str]:
        return {
            str(r)
            for a in self.asks
            if a["kind"] == "refund" and a["reason"]
            for r in REASON_LABELS.get(a["reason"], ())
        }


def load(path: Path) -> list[Utterance]:
    """The customer utterances of a corpus file (agent turns carry no asks)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["role"] == "customer":
            found.append(Utterance(row["text"], row["context"], tuple(row["asks"]), row["split"]))
    return found


@dataclass
class Tally:
    prior: float
    seen: int = 0
    right: int = 0

    def rate(self) -> float:
        return (self.right + PRIOR_WEIGHT * self.prior) / (self.seen + PRIOR_WEIGHT)


def measure(lexicon: Lexicon, utterances: Iterable[Utterance]) -> dict[str, dict[str, Tally]]:
    """Per pattern (by its compiled source) and per status: how often the reading was right."""
    priors = {p.regex.pattern: p.reliability for ps in lexicon.asks.values() for p in ps}
    priors |= {p.regex.pattern: p.reliability for ps in lexicon.reasons.values() for p in ps}
    tallies: dict[str, dict[str, Tally]] = {"patterns": {}, "statuses": {}}
    for u in utterances:
        reading = _Reading(lexicon, u.turns())
        kinds = u.kinds()
        for ask in reading.asks():
            if str(ask.kind) in kinds:
                t = tallies["statuses"].setdefault(
                    str(ask.status), Tally(lexicon.status_reliability[ask.status])
                )
                t.seen += 1
                t.right += ask.status in u.statuses(str(ask.kind))
        has_refund = "refund" in kinds
        seen: set[tuple[str, str]] = set()
        for what, source, how in reading.trace:
            if (source, how) in seen:
                continue
            seen.add((source, how))
            if how == "issue":
                if not has_refund or not any(what in r for r in REASON_LABELS.values()):
                    continue  # no label says whether it was right
                right = what in u.reasons()
            else:
                right = what in kinds
            t = tallies["patterns"].setdefault(source, Tally(priors[source]))
            t.seen += 1
            t.right += right
    return tallies


def table(train: dict[str, dict[str, Tally]], dev: dict[str, dict[str, Tally]]) -> str:
    """Reliability per pattern and per status, train beside dev, the least reliable first."""
    lines = [f"{'what':<70} {'prior':>5} {'train n':>7} {'rate':>5} {'dev n':>5} {'rate':>5}"]
    for section in ("statuses", "patterns"):
        lines.append(f"-- {section}")
        rows = sorted(train[section].items(), key=lambda kv: kv[1].rate())
        for key, t in rows:
            d = dev[section].get(key, Tally(t.prior))
            raw_dev = f"{d.right / d.seen:.2f}" if d.seen else "-"
            lines.append(
                f"{key[:70]:<70} {t.prior:>5.2f} {t.seen:>7} {t.rate():>5.2f} {d.seen:>5} "
                f"{raw_dev:>5}"
            )
    return "\n".join(lines)


def write(train: dict[str, dict[str, Tally]], path: Path = OUTPUT) -> None:
    data = {
        section: {key: round(t.rate(), 3) for key, t in sorted(tallies.items())}
        for section, tallies in train.items()
    }
    header = (
        "# Generated by `python -m guardrail.understanding.calibration "
        "corpora/train/utterances.jsonl --write`\n# from the train split: do not edit. "
        "Reliabilities measured per pattern and status.\n"
    )
    path.write_text(header + yaml.safe_dump(data, sort_keys=True, width=10_000), "utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="utterances.jsonl")
    parser.add_argument("--write", action="store_true", help=f"save the train rates in {OUTPUT}")
    args = parser.parse_args(argv)
    utterances = load(args.corpus)
    uncalibrated = Lexicon.uncalibrated()
    split: dict[str, list[Utterance]] = defaultdict(list)
    for u in utterances:
        split[u.split].append(u)
    train = measure(uncalibrated, split["train"])
    dev = measure(uncalibrated, split["dev"])
    print(table(train, dev))
    if args.write:
        write(train)
        print(f"written: {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
