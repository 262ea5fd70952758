"""``guardrail understand FILE`` prints the reading with its evidence and confidences."""

import json
from pathlib import Path

import pytest

from guardrail.cli import main


def test_understand_prints_asks_with_evidence_and_confidence(understood) -> None:
    out = understood(
        {"role": "customer", "text": "It turned up in bits. Could you put the thirty quid back?"},
        {"role": "agent", "text": "I've refunded it."},
    )
    assert "ask refund: asked 30 GBP reason=damaged" in out
    assert "turn 0 [" in out
    assert "thirty quid back" in out
    assert "outcome refund_issued" in out


def test_understand_reads_every_conversation_of_a_scenario_file_as_json(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(
        "scenarios:\n"
        "  - name: one\n    conversation: {turns: [{role: customer, text: I don't want a refund}]}\n"
        "  - name: two\n    conversation: {turns: [{role: customer, text: close my account}]}\n"
    )
    assert main(["understand", "--json", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(d["name"], d["asks"][0]["status"]) for d in lines] == [
        ("one", "declined"),
        ("two", "asked"),
    ]


def test_understand_refuses_a_file_without_a_conversation(tmp_path, capsys) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("hello: world\n")
    assert main(["understand", str(path)]) != 0
    assert "no conversation" in capsys.readouterr().err


def test_an_unknown_backend_is_refused_naming_the_known_ones(tmp_path, capsys) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("turns: []\n")
    assert main(["understand", "--backends", "oracle", str(path)]) != 0
    assert "available: lexical" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("backends", "read_by"), [(["--backends", "lexical"], "lexical"), ([], "lexical+model")]
)
def test_guardrail_test_scores_another_scenario_directory_with_warns_and_rule_accuracy(
    tmp_path, capsys, backends, read_by
) -> None:
    pack = Path(__file__).resolve().parents[2] / "policies" / "salesforce-contact-center"
    scenarios = tmp_path / "held"
    scenarios.mkdir()
    (scenarios / "refunds.yaml").write_text((pack / "scenarios" / "refunds.yaml").read_text())
    assert main(["test", str(pack), "--scenarios", str(scenarios), *backends]) == 0
    out = capsys.readouterr().out
    assert f"scenarios: {scenarios}" in out
    assert "warns held load rule acc" in out
    assert f"{read_by:<20} recall 100.0%" in out


def test_understand_says_when_the_call_is_still_under_way(understood) -> None:
    out = understood(
        {"role": "customer", "text": "My parcel hasn't moved in a week."},
        {"role": "agent", "text": "Bear with me while I ask the courier."},
    )
    assert "outcome: none yet, the call is under way" in out
    assert "bear with me" in out.lower()
