"""A card number written so that a screen laying text out right to left shows it is refused,
in every shipped pack's notes. The CRM keeps the text as written; the person reading the
record sees it as Unicode's bidirectional algorithm (UAX #9) lays it out: after a right-to-left
override the characters show reversed (rule L2: ``\\u202e1111 1111 1111 1114`` shows
``4111 1111 1111 1111``), and in a right-to-left paragraph or embedding numbers apart by spaces
show in reverse order, each left to right (rules N1, L2: ``1111 1111 1111 4111`` after a Hebrew
or Arabic word). Markup does the same where the CRM renders it (a Zendesk comment's html_body,
ServiceNow's journal HTML between [code] tags): ``dir="rtl"`` or CSS ``direction: rtl`` lays
its text out right to left, ``<bdo dir="rtl">`` or ``unicode-bidi: bidi-override`` shows it
reversed. The rule read the text as written only, so such a note
was saved. Text in a right-to-left script holding ordinary numbers (an order, a street number,
a phone) is a note like any other."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
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
#: Each shipped pack's CRM, and a note field its sensitive-data rule reads.
NOTES = {
    "salesforce": ("Case", "Description"),
    "servicenow": ("incident", "work_notes"),
    "zendesk": ("ticket", "comment.body"),
}
POLICIES = {crm: load_policy_set(PACKS / f"{crm}-contact-center") for crm in NOTES}
RULE = ("notes-no-sensitive-data", "NoCardOrSsnInNotes")
RIGHT_TO_LEFT_WORDS = st.sampled_from(["رقم البطاقة", "שלום, המספר", "ܫܠܡܐ", "ދިވެހި"])
#: Right-to-left override, embedding and isolate, each with what ends it.
OVERRIDES = st.sampled_from([("\u202e", "\u202c"), ("\u202b", "\u202c"), ("\u2067", "\u2069")])


def grouped(number: str) -> list[str]:
    return [number[i : i + 4] for i in range(0, len(number), 4)]


def refused(crm: str, text: str) -> bool:
    obj, field = NOTES[crm]
    return judged_refused(crm, WriteIntent(crm, obj, Operation.CREATE, {field: text}))


def judged_refused(crm: str, intent: WriteIntent) -> bool:
    """Whether the pack's sensitive-data rule refuses ``intent``."""
    now = datetime.now(UTC)
    turns = [Turn(role="customer", text="Hi, I need help with my order.")]
    facts = Facts(Conversation(id="c-rtl", turns=turns, created_at=now, updated_at=now))
    decision = Pipeline(lambda: POLICIES[crm]).evaluate(
        crm, [intent], Caller(conversation="c-rtl"), facts
    )
    return RULE in {(v.policy, v.rule) for v in decision.violations}


@st.composite
def shown_right_to_left(draw: st.DrawFn) -> str:
    """A note whose text, laid out right to left, shows a card's number."""
    card = draw(card_numbers())
    if draw(st.booleans()):  # overridden: written reversed, shown in order
        start, end = draw(OVERRIDES)
        written = card[::-1] if draw(st.booleans()) else " ".join(grouped(card))[::-1]
        return f"Card {start}{written}{end} noted."
    words = draw(RIGHT_TO_LEFT_WORDS)  # a right-to-left paragraph: groups shown reversed
    return f"{words} {' '.join(reversed(grouped(card)))}"


@settings(max_examples=60, deadline=None)
@given(crm=st.sampled_from(sorted(NOTES)), text=shown_right_to_left())
def test_a_card_number_shown_right_to_left_is_refused(crm: str, text: str) -> None:
    assert refused(crm, text), text


def test_right_to_left_text_with_ordinary_numbers_is_a_note() -> None:
    notes = ["רחוב הרצל 12, טלפון 555-1234", "رقم الطلب 1234 5678 تم الشحن", "שלום 2024"]
    for crm in NOTES:
        assert not any(refused(crm, text) for text in notes), crm


#: (markup around a card's number, how it is written inside so that it shows the number)
MARKUP = st.sampled_from([
    ('<p dir="rtl">{}</p>', "groups"), ("<span DIR=RTL>Card {}</span>", "groups"),
    ('<bdo dir="rtl">{}</bdo>', "reversed"), ('<p style="direction: rtl">{}</p>', "groups"),
    ('<span style="direction:rtl;unicode-bidi:bidi-override">{}</span>', "reversed"),
])  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(card=card_numbers(), markup=MARKUP, crm=st.sampled_from(["servicenow", "zendesk"]))
def test_a_card_number_markup_lays_out_right_to_left_is_refused(
    card: str, markup: tuple[str, str], crm: str
) -> None:
    element, how = markup
    written = card[::-1] if how == "reversed" else " ".join(reversed(grouped(card)))
    html = element.format(written)
    if crm == "zendesk":
        sent = ("PUT", "/api/v2/tickets/7.json", {"ticket": {"comment": {"html_body": html}}})
    else:
        sent = ("PATCH", "/api/now/table/incident/0123456789abcdef0123456789abcdef",
                {"work_notes": f"Noted [code]{html}[/code]"})  # fmt: skip
    (intent,) = read_json(dialect_for(crm), *sent).intents
    assert judged_refused(crm, intent), html
