"""Rules read the understanding through CEL, and tell "contradicts" from "cannot tell"."""

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.context.facts import Facts
from guardrail.context.model import Conversation, ReadRecord, WriteRecord
from guardrail.model import Action, Caller, Operation, Verdict, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.functions import RuleFunctions
from guardrail.policy.loader import load_policy_set
from guardrail.sinks.redact import CARD_AS_NUMBER, mask_fields, text_fields
from tests.conftest import card_digits_read, cards_of_every_length, ssns

from .conftest import facts, turns

POLICY = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {{name: refunds}}
spec:
  match: {{objects: [Refund__c]}}
  onUncertain: {on_uncertain}
  rules:
    - name: RefundRequested
      expression: asked("refund")
      uncertain: '!ask("refund").sure'
      message: The customer never asked for a refund.
"""


def decide(tmp_path: Path, policy: str, intent: WriteIntent, *said: str):
    (tmp_path / "p.yaml").write_text(policy)
    policies = load_policy_set(tmp_path)
    return Pipeline(lambda: policies).evaluate("salesforce", [intent], Caller(), facts(*said))


def judge(tmp_path: Path, on_uncertain: str, *said: str):
    intent = WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": 10})
    return decide(tmp_path, POLICY.format(on_uncertain=on_uncertain), intent, *said)


def test_a_write_the_conversation_contradicts_is_blocked_and_not_marked_unsure(tmp_path):
    decision = judge(tmp_path, "warn", "c: I'm not after a refund, just tell me where it is")
    assert decision.verdict is Verdict.BLOCK
    (violation,) = decision.violations
    assert not violation.uncertain


def test_a_write_the_reading_cannot_tell_only_warns_under_on_uncertain_warn(tmp_path):
    # money is talked about, but no ask is read: "cannot tell"
    decision = judge(tmp_path, "warn", "c: the charge on my card looks odd, sort it out")
    assert decision.verdict is Verdict.ALLOW
    (violation,) = decision.violations
    assert violation.uncertain
    assert violation.action is Action.WARN
    assert "not sure" in violation.message


def test_on_uncertain_block_blocks_what_the_reading_cannot_tell(tmp_path):
    decision = judge(tmp_path, "block", "c: the charge on my card looks odd, sort it out")
    assert decision.verdict is Verdict.BLOCK
    assert decision.violations[0].uncertain


def test_an_asked_refund_passes(tmp_path):
    decision = judge(tmp_path, "warn", "c: it arrived in bits, put the money back on my card")
    assert decision.verdict is Verdict.ALLOW
    assert decision.violations == ()


def test_cel_functions_expose_the_ask_its_amount_and_reason():
    f = RuleFunctions(facts("c: it turned up in bits, can i have thirty quid back?"))
    ask = f.ask("refund")
    assert (ask["status"], ask["amount"], ask["currency"], ask["reason"], ask["sure"]) == (
        "asked",
        30.0,
        "GBP",
        "damaged",
        True,
    )
    assert f.asked("refund")
    assert not f.retracted("refund")
    assert f.asked_amount("refund") == 30.0
    assert [i["reason"] for i in f.issues()] == ["damaged"]


def test_an_unknown_ask_kind_is_a_rule_error_not_a_silent_false():
    with pytest.raises(ValueError, match="teleport"):
        RuleFunctions(facts("c: hello")).ask("teleport")


def test_the_outcome_comes_from_the_platform_else_from_the_transcript_and_says_which():
    said = ("c: my wifi is down", "a: I've reset it.", "c: it's working now, thanks")
    assert RuleFunctions(facts(*said, outcome="escalated")).outcome()["source"] == "platform"
    read = RuleFunctions(facts(*said)).outcome()
    assert (read["value"], read["source"]) == ("resolved", "transcript")


def test_the_decision_names_the_outcome_source_it_used(tmp_path):
    (tmp_path / "p.yaml").write_text(
        """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: dispositions}
spec:
  match: {objects: [Task]}
  rules:
    - name: DispositionMatchesOutcome
      expression: outcome().value == "resolved"
      message: wrong disposition
"""
    )
    policies = load_policy_set(tmp_path)
    intent = WriteIntent("salesforce", "Task", Operation.CREATE, {"CallDisposition": "Resolved"})
    said = ("c: my wifi is down", "a: I've reset it.", "c: it's working now, thanks")
    decision = Pipeline(lambda: policies).evaluate("salesforce", [intent], Caller(), facts(*said))
    assert decision.verdict is Verdict.ALLOW
    assert decision.outcome_source == "transcript"


def test_sensitive_data_finds_a_card_spelled_out_in_a_note():
    f = RuleFunctions(facts("c: hi"))
    note = "Customer gave card four one one one one one one one one one one one one one one one"
    assert f.sensitive_data(note) == ["card"]
    assert f.sensitive_data("Customer called about order 10442") == []


@pytest.mark.parametrize("number", [11111111, 11111111.0, -11111111])
def test_a_card_split_between_a_note_and_a_number_field_is_found(number: float) -> None:
    """A number field's value is joined to the note, as a phone's is."""
    f = RuleFunctions(facts("c: hi"))
    assert f.sensitive_data(["Card 4111 1111"], [number]) == ["card"]
    assert f.sensitive_data([], [number]) == []
    assert f.sensitive_data(["Card 4111 1111"], [1111.5, True]) == []


@given(card=cards_of_every_length(), spelled=st.sampled_from(["int", "float", "negative"]))
def test_a_card_number_put_whole_in_a_number_field_is_found(card: str, spelled: str) -> None:
    """No count, duration or amount is a card's length and Luhn-valid with a card's prefix: a
    number field holding one holds a card (a float only where it holds every digit)."""
    number = float(card) if spelled == "float" and len(card) <= 15 else int(card)
    number = -number if spelled == "negative" else number
    assert RuleFunctions(facts("c: hi")).sensitive_data([], [number]) == ["card"]
    assert mask_fields({"Duration": number}, ()) == {"Duration": CARD_AS_NUMBER}


@given(card=cards_of_every_length(), change=st.integers(1, 9), size=st.integers(0, 10**12 - 1))
def test_a_number_field_reads_as_its_digits_would_in_a_note(
    card: str, change: int, size: int
) -> None:
    """A card's digits with its check digit changed is a card in a number field exactly when
    it is one written in a note; a number short of a card's length (a duration, an amount, an
    order number) is never one, and is kept as it is."""
    wrong = int(card[:-1] + str((int(card[-1]) + change) % 10))
    f = RuleFunctions(facts("c: hi"))
    assert f.sensitive_data([], [wrong]) == f.sensitive_data([str(wrong)]), wrong
    for number in (size, float(size)):
        assert f.sensitive_data([], [number]) == [], number
        assert mask_fields({"Duration": number}, ()) == {"Duration": number}


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        # a date: the same day said any way; another day is invented
        ("c: can you do the twenty-first of March?", "Visit rebooked for 21 March.", []),
        ("c: can you do the twenty-first of March?", "Visit rebooked for 12 March.", ["12 March"]),
        ("c: it never came on the 3rd", "Missed delivery on 3 May.", []),
        ("c: I rang on the 3rd and the 10th", "Rang on 3rd and 10th.", []),
        ("c: I rang on the 3rd and the 10th", "Rang on 3rd and 13th.", ["13th"]),
        # a reference said digit by digit, or grouped: any number, not only an order's
        ("c: the claim is four four seven one", "Chasing claim 4471.", []),
        ("c: the claim is four four seven one", "Chasing claim 4417.", ["4417"]),
        ("c: it's order one oh four four two", "Order 10442 is late.", []),
        ("c: the parcel code is XK 204 117 309 GB", "Parcel XK204117309GB stuck.", []),
        ("c: ring me on 0722 481 093", "Call back on 0722 418 093.", ["0722 418 093"]),
        # a range states its own numbers: small ones are no facts
        ("c: can the engineer come between nine and ten", "Engineer booked 9-10am.", []),
        ("c: we have between 100 and 150 staff", "Customer has 100-150 staff.", []),
        # money with its pence and no currency sign
        ("c: it went up to twelve pounds fifty", "Price rose to 12.50.", []),
        ("c: it went up again", "Agreed a credit of 12.50.", ["12.50"]),
        # an amount worked out from two said: a difference, a total
        ("c: I paid £49.99, it's £39.99 on your site", "Refunded the £10 difference.", []),
        ("c: I paid £49.99, it's £39.99 on your site", "Refunded £12 difference.", ["£12"]),
        # a price said in words: every reading it may have, unless one is named with a currency
        ("c: the chair was eight ninety-nine", "Chair bought for $899.", []),
        ("c: the chair was eight ninety-nine", "Chair bought for $8.99.", []),
        ("c: it's two ninety nine, it says $2.99 a month", "Add-on at $2.99 a month.", []),
        ("c: it's two ninety nine, it says $2.99 a month", "Add-on at $299 a month.", ["$299"]),
        ("c: I was charged $4.50", "Charged $450.", ["$450"]),
        # a bare amount said as a price
        ("c: there's a return fee of seventy-nine", "Return fee of $79 deducted.", []),
        ("c: there's a return fee of seventy-nine", "Return fee of $97 deducted.", ["$97"]),
    ],
)
def test_a_note_states_only_numbers_dates_and_amounts_the_conversation_holds(
    said, note, unsupported
):
    assert RuleFunctions(facts(said)).unsupported_facts(note) == unsupported


def test_a_card_and_its_expiry_in_a_note_are_sensitive_data_not_facts_to_ground():
    f = RuleFunctions(facts("c: take it from my card four one one one, and so on, expiry oh four"))
    note = "Pay by card 4111 1111 1111 1111, exp 04/29."
    assert f.sensitive_data(note) == ["card"]
    assert f.unsupported_facts(note) == []


def test_a_note_may_state_a_number_the_agent_read_from_the_crm():
    now = datetime.now(UTC)
    read = ReadRecord(object="Account", id="001A", fields={"AccountNumber": "AC-55012"}, at=now)
    conversation = Conversation(
        id="c-read", turns=turns("c: what's my balance?"), reads=[read], created_at=now,
        updated_at=now,
    )  # fmt: skip
    f = RuleFunctions(Facts(conversation))
    assert f.unsupported_facts("Account AC-55012: balance explained.") == []
    assert f.unsupported_facts("Account AC-55021: balance explained.") == ["AC-55021"]


def test_a_note_stating_an_amount_said_in_words_is_grounded():
    f = RuleFunctions(facts("c: can I get thirty quid back for the broken lamp"))
    assert f.unsupported_facts("Refunded £30 for the broken lamp.") == []
    assert f.unsupported_facts("Refunded £45 for the broken lamp.") == ["£45"]


@pytest.mark.parametrize(
    ("said", "note", "unsupported"),
    [
        ("c: the garage wants twenty-four ninety for the gearbox", "Quote $2,490.", []),
        ("c: the garage wants twenty-four ninety for the gearbox", "Quote $24.90.", []),
        ("c: contractor said sixty-five hundred, no, sixty-five twenty", "Bid $6,520.", []),
        ("c: the vet bill came to eleven forty", "Vet bill $1,140.", []),
        ("c: the vet bill came to eleven forty", "Vet bill $1,410.", ["$1,410"]),
        # settled where the amount is named plainly elsewhere
        ("c: it's $11.40 a month, so the eleven forty", "Charge $1,140.", ["$1,140"]),
    ],
)
def test_a_figure_said_as_two_numbers_grounds_a_note_in_hundreds_unless_named_otherwise(
    said, note, unsupported
):
    assert RuleFunctions(facts(said)).unsupported_facts(note) == unsupported


def test_the_amount_asked_is_the_largest_plausible_reading_and_says_whether_it_is_sure():
    spoken = RuleFunctions(facts("c: it broke, can i have two fifty back"))
    assert spoken.ask("refund")["amounts"] == [2.5, 250.0]
    assert spoken.asked_amount("refund") == 250.0
    paid = RuleFunctions(facts("c: i paid $40 for it, i want my money back"))
    assert paid.asked_amount("refund") == 40.0
    assert not paid.ask("refund")["amount_sure"]


PACK = Path(__file__).parents[2] / "policies" / "salesforce-contact-center"


@pytest.mark.parametrize(
    ("said", "verdict", "uncertain", "told"),
    [
        # the agent still holds the line: the call surely has no outcome yet
        (("a: one moment, I'm checking",), Verdict.BLOCK, False, "still under way"),
        # the call may have ended, how is not read: cannot tell, so a person decides
        (
            ("a: there's an outage, engineers are on it", "c: right"),
            Verdict.HOLD,
            True,
            "cannot read the conversation's outcome",
        ),
    ],
)
def test_a_disposition_with_no_outcome_is_blocked_while_the_call_is_surely_under_way_else_held(
    tmp_path, said, verdict, uncertain, told
):
    intent = WriteIntent("salesforce", "Task", Operation.CREATE, {"CallDisposition": "Resolved"})
    policy = (PACK / "dispositions.yaml").read_text()
    decision = decide(tmp_path, policy, intent, "c: my tv has no signal", *said)
    (violation,) = decision.violations
    assert (decision.verdict, violation.uncertain) == (verdict, uncertain)
    assert told in violation.message
    assert decision.outcome_source == ("transcript" if not uncertain else None)


@settings(max_examples=100, deadline=None)
@given(
    card=cards_of_every_length(), cut=st.integers(1, 3), stop=st.sampled_from([".", ",", ";", " -"])
)
def test_a_card_split_between_two_fields_with_a_stop_after_its_first_half_is_found_and_masked(
    card: str, cut: int, stop: str
) -> None:
    groups = [card[i : i + 4] for i in range(0, len(card), 4)]
    subject = f"Card {' '.join(groups[:cut])}{stop}"
    note = f"{' '.join(groups[cut:])} is the rest."
    assert RuleFunctions(facts("c: hi")).sensitive_data([subject, note]) == ["card"]
    # as the audit record keeps them (a half may read as a card of its own, masked as one)
    masked = mask_fields({"Subject": subject, "Description": note}, ())
    assert card not in card_digits_read(" ".join(masked.values())), masked


@settings(max_examples=100, deadline=None)
@given(
    card=cards_of_every_length(),
    cut=st.integers(1, 2),
    lead=st.sampled_from(
        ["Customer typed card ending", "the card ending in", "and it ends", "rest typed as"]
    ),
)
def test_a_card_split_between_two_fields_its_rest_named_after_a_few_words_is_found_and_masked(
    card: str, cut: int, lead: str
) -> None:
    # "card starts 5425 2334" in the subject, "typed card ending 3010 9903 in chat" in the
    # note: the last digits named as such are a card's last four only when four are named
    groups = [card[i : i + 4] for i in range(0, len(card), 4)]
    subject = f"Chat: bill payment, card starts {' '.join(groups[:cut])}"
    note = f"{lead} {' '.join(groups[cut:])} in chat; pay link sent."
    assert RuleFunctions(facts("c: hi")).sensitive_data([subject, note]) == ["card"]
    masked = mask_fields({"Subject": subject, "Description": note}, ())
    assert card not in card_digits_read(" ".join(masked.values())), masked


def test_a_cards_last_four_named_beside_another_number_is_no_card() -> None:
    functions = RuleFunctions(facts("c: hi"))
    assert functions.sensitive_data(["Chat: order 5425 2334", "Card ending 9903 on file."]) == []


@settings(max_examples=200, deadline=None)
@given(
    text=st.from_regex(r"[A-Za-z]{2,8} [0-9]{1,8}", fullmatch=True),
    sys_id=st.from_regex(r"[0-9]{4,14}[a-f][0-9a-f]{0,17}", fullmatch=True).map(
        lambda s: (s + "0" * 32)[:32]
    ),
)
def test_a_record_id_is_never_masked_so_a_replayed_write_reads_as_the_judged_one(
    text: str, sys_id: str
) -> None:
    # A sys_id in a reference field beside a text ending in digits: the rule reads no number
    # across the two (an id is not text), and masking must not either, or the stored record
    # would read as a card.
    fields, ids = {"short_description": text, "contact": sys_id}, frozenset({"contact"})
    masked = mask_fields(fields, ids)
    assert masked["contact"] == sys_id
    read = RuleFunctions(facts("c: hi")).sensitive_data(list(text_fields(fields, ids).values()))
    redacted = RuleFunctions(replace(facts("c: hi"), redacted=True))
    assert redacted.sensitive_data(list(text_fields(masked, ids).values())) == read


def _cut(number: str, data: st.DataObject, most: int) -> list[str]:
    """``number`` cut into two to ``most`` pieces where ``data`` chooses."""
    k = data.draw(st.integers(2, min(most, len(number))))
    cuts = sorted(
        data.draw(st.sets(st.integers(1, len(number) - 1), min_size=k - 1, max_size=k - 1))
    )
    return [number[a:b] for a, b in itertools.pairwise([0, *cuts, len(number)])]


def _split_number(data: st.DataObject, most: int) -> list[str]:
    """A card or an SSN (said to be one) cut into pieces: the first after a word, the last
    before one, those between standing alone, as an agent would put them in fields or notes."""
    kind = data.draw(st.sampled_from(["card", "ssn"]))
    number = data.draw(cards_of_every_length() if kind == "card" else ssns())
    pieces = _cut(number, data, most)
    said = "Card" if kind == "card" else "SSN"
    return [f"{said} {pieces[0]}", *pieces[1:-1], f"{pieces[-1]} is the rest"]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_card_or_ssn_cut_into_any_number_of_pieces_across_a_writes_fields_is_found(
    data: st.DataObject,
) -> None:
    # however many fields an agent spreads a number over, in whatever order the fields come
    # (past the orders that can be tried, whatever the pieces may run through is taken as a
    # card: either is refused)
    pieces = _split_number(data, most=9)
    fields = data.draw(st.permutations(pieces))
    assert RuleFunctions(facts("c: hi")).sensitive_data(fields), fields


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_card_or_ssn_cut_into_any_number_of_pieces_across_notes_one_after_another_is_refused(
    data: st.DataObject,
) -> None:
    # each note is judged with those saved before it; one of them must be refused
    pieces = _split_number(data, most=9)
    judged = facts("c: hi")
    assert judged.conversation is not None
    for i, piece in enumerate(pieces):
        if RuleFunctions(judged).sensitive_data([piece]):
            return
        judged.conversation.writes.append(
            WriteRecord(
                decision_id=f"d{i}",
                object="Task",
                operation="create",
                fields={"Description": piece},
                decision="allow",
                at=datetime.now(UTC),
            )
        )
    raise AssertionError(f"every piece saved: {pieces}")
