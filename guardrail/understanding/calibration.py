"""Calibrating the lexical backend's confidences on the labelled utterances.

A reading's confidence must mean what the rules take it to mean: the probability that it is
right, so that ``SURE`` separates "the conversation contradicts the write" from "cannot tell".
Priors written by hand in ``lexicon/*.yaml`` do not: a phrase that reads well may fire on
small talk as often as on asks. So each phrase's reliability and each scope's are measured on
the corpus's ``train`` split and checked on ``dev``::

    python -m guardrail.understanding.calibration corpora/train/utterances.jsonl          # tables
    python -m guardrail.understanding.calibration corpora/train/utterances.jsonl --write  # and save

- an ask phrase of kind K: of the utterances where it was read, the share whose labels hold an
  ask of kind K (any status: the phrase finds the topic, the scopes its status);
- a reason phrase of reason R: of the utterances holding a refund ask where it was read, the
  share whose refund reason is R (``REASON_LABELS``);
- an agent's outcome phrase of outcome O ("I've refunded that"): of the agent's utterances
  where it was read, the share labelled O (a customer's "still not working" shows the outcome
  only at the end of a call, which an utterance alone cannot tell: those keep their priors);
- a status (how the ask stands at the end: asked, declined, retracted, a condition, a third
  party's, a question, an offer answered): of the asks read with it whose kind the labels
  hold, the share whose labelled status agrees on what rules act on, granted or not.

It then scores the calibrated readings the pack's rules block on, train beside dev
(``scores``): how often a granted ask, an amount, a reason is read, and how often a sure
reading contradicts the labels (what would block a good write).

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
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from guardrail.context.model import Turn
from guardrail.understanding.lexical import Lexicon, _Reading
from guardrail.understanding.model import SURE, AskStatus, Reason

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
    role: str = "customer"
    outcome: str | None = None

    def turns(self) -> list[Turn]:
        said = [Turn(role="agent", text=self.context)] if self.context else []
        return [*said, Turn(role="agent" if self.role == "agent" else "customer", text=self.text)]

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
    """The utterances of a corpus file, the customer's and the agent's (which ask nothing but
    may show an outcome)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found.append(
            Utterance(
                row["text"],
                row["context"],
                tuple(row["asks"]),
                row["split"],
                row["role"],
                row.get("outcome"),
            )
        )
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
    priors |= {p.regex.pattern: p.reliability for ps in lexicon.outcomes.values() for _, p in ps}
    tallies: dict[str, dict[str, Tally]] = {"patterns": {}, "statuses": {}}
    for u in utterances:
        reading = _Reading(lexicon, u.turns())
        if u.role == "agent":
            # what the agent says it did shows the outcome wherever it is said; what the
            # customer says shows it only at the end of a call, which an utterance alone
            # cannot tell, so customer phrases keep their priors
            alone = _Reading(lexicon, u.turns()[-1:])
            alone.outcome()
            reading.trace += [t for t in alone.trace if t[2] == "outcome"]
        kinds = u.kinds()
        for ask in reading.asks():
            if str(ask.kind) in kinds:
                t = tallies["statuses"].setdefault(
                    str(ask.status), Tally(lexicon.status_reliability[ask.status])
                )
                t.seen += 1
                # what rules act on: whether the ask stands granted or not ("declined" for a
                # labelled "retracted" is as much a no)
                gold = u.statuses(str(ask.kind))
                t.right += any(g.granted == ask.status.granted for g in gold)
        has_refund = "refund" in kinds
        seen: set[tuple[str, str]] = set()
        for what, source, how in reading.trace:
            if (source, how) in seen:
                continue
            seen.add((source, how))
            if how == "outcome":
                right = what == u.outcome
            elif how == "issue":
                if not has_refund or not any(what in r for r in REASON_LABELS.values()):
                    continue  # no label says whether it was right
                right = what in u.reasons()
            else:
                right = what in kinds
            t = tallies["patterns"].setdefault(source, Tally(priors[source]))
            t.seen += 1
            t.right += right
    return tallies


def scores(lexicon: Lexicon, utterances: Iterable[Utterance]) -> dict[str, tuple[int, int]]:
    """How the readings rules block on fare: per measure, (right, out of). For refunds and
    closures: a granted ask read as granted; a sure "not granted" read where the labels say
    granted (what would wrongly block); a not-granted ask read surely as not granted (what
    blocks rightly). For refund amounts: the amount asked among the plausible readings; a
    sure amount below the one asked (would wrongly block). For reasons: the refund's reason
    read; a sure other reason where it was not (would wrongly block)."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def count(measure: str, right: bool) -> None:
        found[measure][0] += right
        found[measure][1] += 1

    for u in utterances:
        reading = _Reading(lexicon, u.turns())
        asks = {str(a.kind): a for a in reading.asks()}
        issues = reading.issues()
        for label, kind in (("refund", "refund"), ("account_closure", "account closure")):
            gold = [a for a in u.asks if a["kind"] == label]
            if not gold:
                continue
            granted = any(STATUSES[a["status"]].granted for a in gold)
            read = asks.get(kind)
            sure_no = read is not None and not read.status.granted and read.confidence >= SURE
            if granted:
                count(f"{kind}: granted read as granted", read is not None and read.status.granted)
                count(f"{kind}: granted read surely as not (wrong block)", sure_no)
            else:
                count(f"{kind}: not granted read surely as not", sure_no)
        refund = asks.get("refund")
        for a in u.asks:
            if a["kind"] != "refund" or a["status"] != "asked":
                continue
            if a.get("amount") is not None:
                said = refund.amounts if refund else ()
                count("refund amount: among the readings", Decimal(str(a["amount"])) in said)
                count(
                    "refund amount: sure and below the one asked (wrong block)",
                    refund is not None
                    and refund.amount_confidence >= SURE
                    and max(said) < Decimal(str(a["amount"])),
                )
            if a.get("reason") in REASON_LABELS:
                wanted = REASON_LABELS[a["reason"]]
                read_reasons = {i.reason for i in issues if not i.negated}
                sure_other = {
                    i.reason for i in issues if not i.negated and i.confidence >= SURE
                } - wanted
                count("refund reason: read", bool(read_reasons & wanted))
                count(
                    "refund reason: only another read surely (wrong block)",
                    bool(sure_other) and not read_reasons & wanted,
                )
    return {k: (v[0], v[1]) for k, v in found.items()}


def score_table(train: dict[str, tuple[int, int]], dev: dict[str, tuple[int, int]]) -> str:
    lines = [f"{'measure':<62} {'train':>13} {'dev':>13}"]
    for key in sorted(train):
        cells = []
        for split in (train, dev):
            right, total = split.get(key, (0, 0))
            cells.append(f"{right / total:6.1%} ({total})" if total else "-")
        lines.append(f"{key:<62} {cells[0]:>13} {cells[1]:>13}")
    return "\n".join(lines)


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
    calibrated = Lexicon.default()
    print()
    print(score_table(scores(calibrated, split["train"]), scores(calibrated, split["dev"])))
    if args.write:
        write(train)
        print(f"written: {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
