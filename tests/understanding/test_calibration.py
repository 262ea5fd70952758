"""Confidences are calibrated on the labelled corpus: a phrase's reliability is how often it
was right there, and the shipped lexicon carries the measured values."""

import json
from pathlib import Path

from guardrail.understanding.calibration import Tally, load, measure, table
from guardrail.understanding.lexical import Lexicon
from guardrail.understanding.model import AskStatus

ROWS = [
    {"text": "I want a refund, it broke", "asks": [{"kind": "refund", "status": "asked",
     "reason": "Damaged Item"}]},
    {"text": "I don't want a refund, it broke", "asks": [{"kind": "refund",
     "status": "declined", "reason": "Damaged Item"}]},
    {"text": "what's your refund policy?", "asks": []},
]  # fmt: skip


def _corpus(tmp_path: Path) -> Path:
    path = tmp_path / "u.jsonl"
    lines = [
        json.dumps({"role": "customer", "context": None, "split": "train"} | row) for row in ROWS
    ]
    path.write_text("\n".join(lines))
    return path


def test_a_phrase_right_two_times_in_three_is_shrunk_from_its_prior_towards_two_thirds(tmp_path):
    tallies = measure(Lexicon.uncalibrated(), load(_corpus(tmp_path)))
    refund = next(t for k, t in tallies["patterns"].items() if k.startswith(r"\brefund"))
    assert (refund.seen, refund.right) == (3, 2)
    assert 2 / 3 < refund.rate() < refund.prior


def test_a_status_is_scored_only_where_the_kind_was_right(tmp_path):
    tallies = measure(Lexicon.uncalibrated(), load(_corpus(tmp_path)))
    assert {k: (t.seen, t.right) for k, t in tallies["statuses"].items()} == {
        "asked": (1, 1),
        "declined": (1, 1),
    }


def test_the_table_shows_train_beside_dev():
    train = {"statuses": {"asked": Tally(0.9, 10, 8)}, "patterns": {}}
    dev = {"statuses": {"asked": Tally(0.9, 4, 3)}, "patterns": {}}
    assert "0.75" in table(train, dev).splitlines()[2]


def test_the_shipped_lexicon_uses_the_measured_reliabilities():
    shipped, priors = Lexicon.default(), Lexicon.uncalibrated()
    assert shipped.status_reliability != priors.status_reliability
    assert shipped.status_reliability[AskStatus.ASKED] < priors.status_reliability[AskStatus.ASKED]
