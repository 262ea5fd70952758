"""A number a note shows its reader is one it states, however it is written: after a
right-to-left override the characters up to its pop show reversed (UAX #9 rule L2), so
``order \\u202e4321\\u202c`` shows ``order 1234``. Notes grounding read the note as written only,
so a note showing a number the conversation never held passed, written as the reverse of one
it did; in every shipped pack, and in markup the CRM renders, where ``<bdo dir="rtl">`` or CSS
``unicode-bidi: bidi-override; direction: rtl`` shows its element's text reversed. A card number partly under such an override shows whole and is
refused too. A note stating what the conversation holds, as written and shown, passes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from guardrail.context.facts import Facts
from guardrail.context.model import Conversation, Turn
from guardrail.crm.base import dialect_for
from guardrail.model import Caller, Operation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set
from tests.conftest import card_numbers
from tests.crm.helpers import read_json

PACKS = Path(__file__).resolve().parent.parent / "policies"
#: Each shipped pack's CRM, and a note its notes rules read.
NOTES = {
    "salesforce": ("Case", {"Subject": "Order"}, "Description"),
    "servicenow": ("incident", {"short_description": "Order"}, "work_notes"),
    "zendesk": ("ticket", {"subject": "Order", "comment.public": False}, "comment.body"),
}
POLICIES = {crm: load_policy_set(PACKS / f"{crm}-contact-center") for crm in NOTES}
GROUNDING = ("notes-grounded", "NoteFactsInTranscript")
CARDS = ("notes-no-sensitive-data", "NoCardOrSsnInNotes")
OVERRIDE, POP = "\u202e", "\u202c"


def found(crm: str, said: str, note: str) -> set[tuple[str, str]]:
    """(policy, rule) of what the pack finds of a note written after the customer said ``said``."""
    obj, fields, field = NOTES[crm]
    return judged(crm, said, [WriteIntent(crm, obj, Operation.CREATE, {**fields, field: note})])


def judged(crm: str, said: str, intents: list[WriteIntent]) -> set[tuple[str, str]]:
    now = datetime.now(UTC)
    turns = [Turn(role="customer", text=said)]
    facts = Facts(Conversation(id="c-shown", turns=turns, created_at=now, updated_at=now))
    decision = Pipeline(lambda: POLICIES[crm]).evaluate(
        crm, intents, Caller(conversation="c-shown"), facts
    )
    return {(v.policy, v.rule) for v in decision.violations}


NUMBERS = st.integers(10_000, 99_999_999).map(str).filter(lambda n: n != n[::-1])


@settings(max_examples=60, deadline=None)
@given(crm=st.sampled_from(sorted(NOTES)), number=NUMBERS, closed=st.booleans())
def test_a_note_showing_a_number_the_conversation_lacks_is_refused(
    crm: str, number: str, closed: bool
) -> None:
    said = f"Hi, my order {number} never arrived."
    note = f"Chased order {OVERRIDE}{number}{POP if closed else ''} with the courier."
    assert GROUNDING in found(crm, said, note), note


@settings(max_examples=30, deadline=None)
@given(crm=st.sampled_from(sorted(NOTES)), number=NUMBERS)
def test_a_note_stating_what_the_conversation_holds_passes(crm: str, number: str) -> None:
    said = f"Hi, my order {number} never arrived."
    assert GROUNDING not in found(crm, said, f"Chased order {number} with the courier.")


@settings(max_examples=60, deadline=None)
@given(crm=st.sampled_from(sorted(NOTES)), card=card_numbers(), data=st.data())
def test_a_card_number_partly_under_an_override_is_refused(
    crm: str, card: str, data: st.DataObject
) -> None:
    groups = [card[i : i + 4] for i in range(0, len(card), 4)]
    cut = data.draw(st.integers(1, len(groups) - 1))
    shown_last = " ".join(groups[cut:])
    assume(shown_last != shown_last[::-1])
    note = f"Noted {' '.join(groups[:cut])} {OVERRIDE}{shown_last[::-1]}{POP} for the refund."
    assert CARDS in found(crm, "Hi, I need help with my order.", note), note


REVERSING_MARKUP = st.sampled_from([
    '<bdo dir="rtl">{}</bdo>',
    '<bdo dir="RTL"><b>{}</b></bdo>',
    '<span style="unicode-bidi: bidi-override; direction: rtl">{}</span>',
])  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(number=NUMBERS, markup=REVERSING_MARKUP)
def test_a_zendesk_html_note_showing_a_number_reversed_is_read_as_shown(
    number: str, markup: str
) -> None:
    said = f"Hi, my order {number} never arrived."
    html_body = f"<p>Chased order {markup.format(number)} with the courier.</p>"
    body = {"ticket": {"comment": {"html_body": html_body, "public": False}}}
    intents = list(read_json(dialect_for("zendesk"), "PUT", "/api/v2/tickets/7.json", body).intents)
    assert GROUNDING in judged("zendesk", said, intents), html_body
