"""Whether a Zendesk comment is public is a JSON boolean: ``"public": "false"`` (or ``0``,
``"0"``, ``"f"``, ``"off"``, ``null``...) may be an internal note to Zendesk (Rails casts such
text to false) while the proxy read it as no ``false`` at all, so the rules that judge private
notes (notes-grounded: ``comment.public == false``) would not see the note Zendesk saved.
Any value but true or false is refused by the dialect, whatever a pack's schema allows, saying
to send true or false; true and false are read as sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict

from guardrail.crm.base import RawRequest, dialect_for
from guardrail.errors import MalformedBody
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER
from guardrail.testing import Stack
from tests.helpers import ZendeskAgent

ZD = dialect_for("zendesk")


def writes(public: Any) -> list[tuple[str, str, dict[str, Any]]]:
    comment = {"comment": {"body": "Refunded 600.", "public": public}}
    new = {"subject": "Refund", **comment}
    return [
        ("POST", "/api/v2/tickets.json", {"ticket": new}),
        ("PUT", f"/api/v2/tickets/{ACME_TICKET}.json", {"ticket": comment}),
        ("PUT", f"/api/v2/tickets/update_many.json?ids={ACME_TICKET}", {"ticket": comment}),
        ("PUT", "/api/v2/tickets/update_many.json", {"tickets": [{"id": ACME_TICKET, **comment}]}),
        ("POST", "/api/v2/tickets/create_many.json", {"tickets": [new]}),
    ]


def parse(method: str, target: str, body: Any) -> Any:
    raw = RawRequest(method, target, CIMultiDict({"Content-Type": "application/json"}),
                     json.dumps(body).encode())  # fmt: skip
    return ZD.parse(ZD.canonical(raw))


#: What Rails reads as a boolean (ActiveModel::Type::Boolean: "f", "0", "false", "off" and
#: their upper case false, other text true) and anything else that is not one.
RAILS_FALSE = ("false", "FALSE", "False", "f", "F", "0", "off", "OFF", "no", "")
RAILS_TRUE = ("true", "TRUE", "t", "1", "on", "yes")
NOT_A_BOOLEAN = st.one_of(
    st.sampled_from(RAILS_FALSE + RAILS_TRUE),
    st.integers(-2, 2),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8),
    st.lists(st.booleans(), max_size=2),
)


@given(public=NOT_A_BOOLEAN, form=st.integers(0, 4))
def test_a_comment_public_that_is_not_a_boolean_is_refused(public: Any, form: int) -> None:
    method, target, body = writes(public)[form]
    with pytest.raises(MalformedBody, match="true or false") as refused:
        parse(method, target, body)
    assert refused.value.status == 400


@pytest.mark.parametrize("public", [True, False])
@pytest.mark.parametrize("form", range(5))
def test_true_and_false_are_read_as_sent(public: bool, form: int) -> None:
    parsed = parse(*writes(public)[form])
    assert all(i.fields["comment.public"] is public for i in parsed.intents)


def test_through_the_proxy_a_public_given_as_text_is_refused_and_nothing_changes(
    zendesk_stack: Stack,
) -> None:
    ticket = f"/api/v2/tickets/{ACME_TICKET}.json"
    agent = ZendeskAgent(zendesk_stack, {"account_ids": [str(ACME_ORG)],
                                         "contact_ids": [str(ACME_USER)]}, reads=(ticket,))  # fmt: skip
    before = agent.records("ticket")
    answer = agent.write("PUT", ticket, {"ticket": {"comment": {
        "body": "Refunded 600.", "public": "false"}}})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "true or false" in answer.json()["description"], answer.text
    assert answer.headers["X-Guardrail-Decision"] == "block"
    assert agent.records("ticket") == before
