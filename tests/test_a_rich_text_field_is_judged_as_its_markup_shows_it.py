"""A field its readers see rendered as HTML is judged as it shows: a Salesforce rich text area
(describe's ``htmlFormatted: true``, ``extraTypeInfo: richtextarea``) and a ServiceNow ``html``
field. The schemas made from a describe said only "a string", so the card rule read the
markup as written, and a card split by tags (``4111<b></b>1111...``) was no card to it and one
to the reader. The schema now says ``contentMediaType: text/html`` of such a field, and the
write is judged as its ``html_text``; the Salesforce sandbox's Case carries one (a custom
Resolution Notes rich text area)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.crm.markup import HTML
from guardrail.crm.salesforce_schema import schema_from_describe
from guardrail.crm.servicenow_schema import schema_from_dictionary
from guardrail.model import Caller, Operation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import load_policy_set
from tests.conftest import card_numbers

PACKS = Path(__file__).resolve().parent.parent / "policies"
#: Each dialect's sandbox's field shown rendered as HTML, on an object its pack judges
RICH = {
    "salesforce": ("Case", {"Subject": "Refund"}, "Resolution_Notes__c"),
    "servicenow": ("incident", {"short_description": "Refund"}, "u_resolution_details"),
}
POLICIES = {crm: load_policy_set(PACKS / f"{crm}-contact-center") for crm in RICH}
CARDS = ("notes-no-sensitive-data", "NoCardOrSsnInNotes")
#: Markup that shows nothing between two digits
TAGS = st.sampled_from(["<b></b>", "<span></span>", "<!-- -->", "</p><p>", "<i>", "</i>", "<br>"])


@st.composite
def split_by_markup(draw: st.DrawFn) -> str:
    """A card number whose digits some markup parts, showing it whole."""
    card = draw(card_numbers())
    cuts = sorted(draw(st.sets(st.integers(1, len(card) - 1), min_size=1, max_size=4)))
    pieces = [card[a:b] for a, b in zip([0, *cuts], [*cuts, len(card)], strict=True)]
    return "".join(p + (draw(TAGS) if i < len(pieces) - 1 else "") for i, p in enumerate(pieces))


def found(crm: str, markup: str) -> set[tuple[str, str]]:
    obj, fields, field = RICH[crm]
    intent = WriteIntent(crm, obj, Operation.CREATE, {**fields, field: markup})
    decision = Pipeline(lambda: POLICIES[crm]).evaluate(crm, [intent], Caller())
    return {(v.policy, v.rule) for v in decision.violations}


@settings(max_examples=60, deadline=None)
@given(crm=st.sampled_from(sorted(RICH)), note=split_by_markup())
def test_a_card_split_by_markup_in_a_field_shown_as_html_is_refused(crm: str, note: str) -> None:
    assert CARDS in found(crm, f"<p>Paid by {note}</p>"), note


@pytest.mark.parametrize("crm", sorted(RICH))
def test_a_field_shown_as_html_without_card_data_is_judged_as_its_text(crm: str) -> None:
    assert CARDS not in found(crm, "<p>Refund <b>sent</b> for order 1234</p>")


def test_a_field_the_describe_says_is_html_is_marked_so_in_its_schema() -> None:
    salesforce = schema_from_describe(
        {"name": "Case", "fields": [
            {"name": "Notes__c", "type": "textarea", "htmlFormatted": True,
             "extraTypeInfo": "richtextarea", "createable": True, "updateable": True},
            {"name": "Plain__c", "type": "textarea", "createable": True, "updateable": True},
        ]}, {})  # fmt: skip
    assert salesforce["properties"]["Notes__c"]["contentMediaType"] == HTML
    assert "contentMediaType" not in salesforce["properties"]["Plain__c"]
    servicenow = schema_from_dictionary(
        "incident",
        [{"element": "u_notes", "internal_type": "html"},
         {"element": "u_plain", "internal_type": "string"}],
        [],
    )  # fmt: skip
    assert servicenow["properties"]["u_notes"]["contentMediaType"] == HTML
    assert "contentMediaType" not in servicenow["properties"]["u_plain"]
