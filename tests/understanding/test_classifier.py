"""The model backend: trained by `guardrail understand-train`, saved, loaded, and reading."""

import json
from decimal import Decimal

import pytest

from guardrail.cli import main
from guardrail.config import UnderstandingSettings
from guardrail.context.model import Turn
from guardrail.understanding.backends import install
from guardrail.understanding.classifier import Classifier, ModelBackend, Utterance, Weights
from guardrail.understanding.model import AskKind, AskStatus
from guardrail.understanding.service import Understander

SAID = {
    "i want a refund please": {"refund": "asked"},
    "can i get my money back": {"refund": "asked"},
    "refund me the 20 dollars": {"refund": "asked"},
    "i don't want a refund": {"refund": "declined"},
    "no refund needed thanks": {"refund": "declined"},
    "i'm not after a refund": {"refund": "declined"},
    "please close my account": {"account_closure": "asked"},
    "i want to close my account": {"account_closure": "asked"},
    "close the account today": {"account_closure": "asked"},
    "my husband wants his account closed": {"account_closure": "third_party"},
    "my wife wants her account closed": {"account_closure": "third_party"},
    "the parcel is late": {},
    "hello there": {},
    "thanks for your help": {},
}


def _corpus(folder, split_of=lambda n: "train"):
    rows = [
        {
            "id": f"u{n:04}",
            "text": text,
            "role": "customer",
            "context": None,
            "asks": [
                {"kind": k, "status": s, "amount": None, "currency": None, "reason": None}
                for k, s in asks.items()
            ],
            "facts": {"amounts": [], "card": False, "ssn": False},
            "outcome": None,
            "split": split_of(n),
            "style": "plain",
        }
        for n, (text, asks) in enumerate(SAID.items())
    ]
    rows.append({**rows[0], "id": "u9999", "role": "agent", "asks": []})  # agents' are skipped
    folder.mkdir(exist_ok=True)
    (folder / "utterances.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return folder


def test_a_model_trained_on_a_tiny_corpus_is_saved_loads_and_predicts(tmp_path, capsys):
    corpus = _corpus(tmp_path / "corpus", split_of=lambda n: "dev" if n % 5 == 3 else "train")
    out = tmp_path / "weights.npz"

    assert main(["understand-train", "--corpus", str(corpus), "--out", str(out)]) == 0

    printed = capsys.readouterr().out
    assert "model: asks precision" in printed
    assert "lexical: asks precision" in printed
    assert "account closure" in printed
    weights = Weights.load(out)
    assert len(weights.about["corpus_sha256"]) == 64
    assert weights.about["dev"]["utterances"] == 3
    classifier = Classifier(weights)
    (refund,) = classifier.predict(Utterance("i want a refund please"))
    assert (refund.kind, refund.status) == (AskKind.REFUND, AskStatus.ASKED)
    (closure,) = classifier.predict(Utterance("my husband wants his account closed"))
    assert (closure.kind, closure.status) == (AskKind.ACCOUNT_CLOSURE, AskStatus.THIRD_PARTY)
    assert classifier.predict(Utterance("hello there")) == []

    install(UnderstandingSettings(backends=["model"], model_file=out))
    try:
        reader = Understander.of(["model"])
    finally:
        install(UnderstandingSettings())  # the shipped weights again, for whoever comes next
    (closure,) = reader.understand(turns_of("please close my account")).asks
    assert (closure.kind, closure.status) == (AskKind.ACCOUNT_CLOSURE, AskStatus.ASKED)


def turns_of(text):
    return [Turn(role="customer", text=text)]


def test_weights_of_other_kinds_are_refused(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    out = tmp_path / "weights.npz"
    main(["understand-train", "--corpus", str(corpus), "--out", str(out)])
    weights = Weights.load(out)
    about = {**weights.about, "kinds": ["refund"]}
    Weights(weights.features, weights.kinds, weights.statuses, about).save(out)

    with pytest.raises(ValueError, match="not a classifier of this version's kinds"):
        Weights.load(out)


def test_a_missing_corpus_is_reported(tmp_path, capsys):
    assert main(["understand-train", "--corpus", str(tmp_path)]) == 2
    assert "utterances.jsonl does not exist" in capsys.readouterr().err


def test_the_shipped_model_reads_asks_and_keeps_the_lexical_amount():
    reading = ModelBackend().understand(
        [
            Turn(role="agent", text="How can I help?"),
            Turn(role="customer", text="The lamp arrived smashed, I want a refund of $35."),
        ],
        rev=2,
    )
    assert reading.backend == "model"
    assert reading.rev == 2
    (refund,) = reading.asks
    assert (refund.kind, refund.status, refund.amount, refund.currency) == (
        AskKind.REFUND,
        AskStatus.ASKED,
        Decimal(35),
        "USD",
    )
    assert refund.evidence[0].turn == 1


def test_asking_then_declining_in_a_later_turn_is_a_retraction():
    reading = ModelBackend().understand(
        [
            Turn(role="customer", text="please close my account"),
            Turn(role="agent", text="I can do that for you."),
            Turn(role="customer", text="actually no, I don't want to close my account"),
        ]
    )
    (closure,) = reading.asks_of(AskKind.ACCOUNT_CLOSURE)
    assert closure.status is AskStatus.RETRACTED


def test_the_model_backend_is_available_by_name():
    install(UnderstandingSettings())
    assert Understander.of(["lexical", "model"]).name == "lexical+model"
