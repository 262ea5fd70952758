"""The typed understanding: JSON round trip for the stores, and how backends' readings combine."""

from decimal import Decimal

import pytest

from guardrail.understanding.model import (
    SCHEMA_VERSION,
    SURE,
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


def test_a_call_the_first_reading_finds_under_way_stays_so_unsure_where_another_sees_an_end():
    waiting = Understanding("lexical", under_way=UnderWay(0.85))
    assert combine([waiting, Understanding("llm")]).under_way == UnderWay(0.85)
    doubted = combine([waiting, _reading("llm")])
    assert doubted.outcome is None
    assert doubted.under_way is not None
    assert doubted.under_way.confidence < SURE


def test_a_stored_reading_of_another_schema_version_is_refused_so_it_is_recomputed():
    data = _reading().to_json() | {"version": 0}
    with pytest.raises(ValueError, match="schema"):
        Understanding.from_json(data)


def test_garbage_is_refused_as_a_value_error():
    with pytest.raises(ValueError, match="not an understanding"):
        Understanding.from_json({"version": SCHEMA_VERSION, "backend": "x"})


def test_backends_that_agree_keep_the_first_readings_ask():
    combined = combine([_reading("lexical", confidence=0.8), _reading("llm", confidence=0.9)])
    (ask,) = combined.asks
    assert combined.backend == "lexical+llm"
    assert ask.confidence == 0.8
    assert not any("disagree" in u for u in combined.unsure)


@pytest.mark.parametrize(
    ("first", "second"),
    [(AskStatus.ASKED, AskStatus.DECLINED), (AskStatus.DECLINED, AskStatus.ASKED)],
)
def test_another_backend_never_overturns_the_first_reading_only_makes_it_unsure(first, second):
    combined = combine([_reading("lexical", first, 0.9), _reading("llm", second, 0.95)])
    (ask,) = combined.asks
    assert ask.status is first
    assert ask.confidence < SURE
    assert "backends disagree on refund" in combined.unsure


def test_an_ask_only_another_backend_read_leaves_its_absence_unsure():
    combined = combine([Understanding("lexical"), _reading("llm")])
    assert combined.asks == ()
    assert "cues of refund not read" in combined.unsure


def test_a_backend_that_could_not_read_a_kind_makes_the_first_readings_ask_unsure():
    down = Understanding("llm", unsure=("llm unavailable: timeout", "cues of refund not read"))
    (ask,) = combine([_reading("lexical"), down]).asks
    assert ask.status is AskStatus.ASKED
    assert ask.confidence < SURE


def test_an_outcome_another_backend_reads_otherwise_is_unsure_and_the_first_stands():
    other = Understanding("llm", outcome=OutcomeReading(Outcome.ESCALATED, 0.95))
    combined = combine([_reading("lexical"), other])
    assert combined.outcome is not None
    assert combined.outcome.value is Outcome.RESOLVED
    assert combined.outcome.confidence < SURE


def test_an_issue_another_backend_reads_denied_is_unsure_and_one_it_agrees_on_stays_as_read():
    denied = Understanding("llm", issues=(Issue(Reason.DAMAGED, 0.95, negated=True),))
    agreed = Understanding("llm", issues=(Issue(Reason.DAMAGED, 0.99),))
    (read,) = [i for i in combine([_reading("lexical"), denied]).issues if not i.negated]
    assert read.confidence < SURE
    assert combine([_reading("lexical"), agreed]).issues == _reading("lexical").issues


def test_an_issue_only_another_backend_read_is_never_sure():
    late = Understanding("llm", issues=(Issue(Reason.LATE, 0.95),))
    issues = {i.reason: i.confidence for i in combine([_reading("lexical"), late]).issues}
    assert issues[Reason.DAMAGED] == 0.8
    assert issues[Reason.LATE] < SURE


def test_only_offers_accepted_and_own_asks_are_granted():
    granted = {s for s in AskStatus if s.granted}
    assert granted == {AskStatus.ASKED, AskStatus.OFFERED_ACCEPTED}
