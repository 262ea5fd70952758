"""The typed understanding: JSON round trip for the stores, and how backends' readings combine."""

from decimal import Decimal

import pytest

from guardrail.understanding.model import (
    SCHEMA_VERSION,
    Ask,
    AskKind,
    AskStatus,
    Evidence,
    Fact,
    FactKind,
    Issue,
    Outcome,
    OutcomeReading,
    Reason,
    Sensitive,
    SensitiveKind,
    Understanding,
    UnderWay,
    combine,
)


def _reading(
    backend: str = "lexical", status: AskStatus = AskStatus.ASKED, confidence: float = 0.9
):
    where = Evidence(turn=0, start=4, end=20, text="put it back on my card")
    return Understanding(
        backend=backend,
        rev=3,
        asks=(
            Ask(
                AskKind.REFUND,
                status,
                confidence,
                amount=Decimal("12.99"),
                currency="GBP",
                reason=Reason.DAMAGED,
                evidence=(where,),
            ),
        ),
        issues=(Issue(Reason.DAMAGED, 0.8, (where,)),),
        facts=(Fact(FactKind.MONEY, "12.99", 0.95, "GBP", "customer", (where,)),),
        sensitive=(Sensitive(SensitiveKind.CARD, 0.99, (Evidence(1, 0, 6, "[CARD]"),)),),
        outcome=OutcomeReading(Outcome.RESOLVED, 0.7, (Evidence(2, 0, 8, "it works"),)),
        unsure=("asr",),
    )


def test_an_understanding_survives_a_json_round_trip_exactly():
    reading = _reading()
    assert Understanding.from_json(reading.to_json()) == reading


def test_a_call_under_way_survives_a_json_round_trip_too():
    reading = Understanding(
        "lexical", under_way=UnderWay(0.85, (Evidence(1, 0, 13, "let me check."),))
    )
    assert Understanding.from_json(reading.to_json()) == reading


def test_combined_readings_are_under_way_only_while_none_shows_an_outcome():
    waiting = Understanding("lexical", under_way=UnderWay(0.85))
    assert combine([waiting, Understanding("llm")]).under_way == UnderWay(0.85)
    assert combine([waiting, _reading("llm")]).under_way is None


def test_a_stored_reading_of_another_schema_version_is_refused_so_it_is_recomputed():
    data = _reading().to_json() | {"version": 0}
    with pytest.raises(ValueError, match="schema"):
        Understanding.from_json(data)


def test_garbage_is_refused_as_a_value_error():
    with pytest.raises(ValueError, match="not an understanding"):
        Understanding.from_json({"version": SCHEMA_VERSION, "backend": "x"})


def test_backends_that_agree_keep_the_most_confident_ask():
    combined = combine([_reading("lexical", confidence=0.7), _reading("llm", confidence=0.9)])
    (ask,) = combined.asks
    assert combined.backend == "lexical+llm"
    assert ask.confidence == 0.9
    assert not any("disagree" in u for u in combined.unsure)


def test_backends_that_disagree_leave_the_winner_less_sure_and_say_so():
    combined = combine(
        [_reading("lexical", confidence=0.9), _reading("llm", AskStatus.DECLINED, 0.6)]
    )
    (ask,) = combined.asks
    assert ask.status is AskStatus.ASKED
    assert ask.confidence == pytest.approx(0.3)
    assert "backends disagree on refund" in combined.unsure


def test_only_offers_accepted_and_own_asks_are_granted():
    granted = {s for s in AskStatus if s.granted}
    assert granted == {AskStatus.ASKED, AskStatus.OFFERED_ACCEPTED}
