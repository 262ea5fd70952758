"""Confidences are calibrated on the labelled corpus: a phrase's reliability is how often it
was right there, and the shipped lexicon carries the measured values."""

import json
from pathlib import Path

import pytest
import yaml

from guardrail.understanding.calibration import OUTPUT, Tally, load, measure, scores, table
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


def test_scores_count_a_sure_decline_of_a_granted_ask_as_a_wrong_block(tmp_path):
    measured = scores(Lexicon.default(), load(_corpus(tmp_path)))
    assert measured["refund: granted read as granted"] == (1, 1)
    assert measured["refund: granted read surely as not (wrong block)"] == (0, 1)
    assert measured["refund: not granted read surely as not"] == (1, 1)


CORPUS = Path(__file__).parents[2] / "corpora" / "train" / "utterances.jsonl"


@pytest.fixture(scope="module")
def corpus() -> dict[str, list]:
    split: dict[str, list] = {"train": [], "dev": []}
    for u in load(CORPUS):
        split[u.split].append(u)
    return split


def test_the_shipped_calibration_is_the_one_the_lexicon_measures_on_the_train_split(corpus):
    shipped = yaml.safe_load(OUTPUT.read_text())
    measured = measure(Lexicon.uncalibrated(), corpus["train"])
    for section in ("patterns", "statuses"):
        now = {k: round(t.rate(), 3) for k, t in measured[section].items()}
        assert shipped[section] == now, f"re-run the calibration: {section} changed"


def test_on_dev_the_readings_that_block_rarely_contradict_the_labels(corpus):
    dev = scores(Lexicon.default(), corpus["dev"])
    for measure_name, (wrong, total) in dev.items():
        if "wrong block" in measure_name:
            assert wrong / total <= 0.05, measure_name
    right, total = dev["refund: not granted read surely as not"]
    assert right / total >= 0.75
