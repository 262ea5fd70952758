"""A Zendesk custom field in a write is named by its id as a number, or its digits alone as
text: ``"0360000102"``, ``"+360000102"``, ``" 360000102"`` or fullwidth digits may be the refund
amount field to Zendesk (Rails casts an id's text to a number) while the proxy read them as
fields no rule reads (``custom_fields.0360000102``), so what the refund rules judge would not
be what Zendesk saved. Such a spelling is refused by the dialect, whatever a pack's schema
allows, saying how to name the field; the two spellings Zendesk and the proxy read alike name
one field, ``custom_fields.360000102``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict

from guardrail.crm.base import RawRequest, dialect_for
from guardrail.errors import MalformedBody
from guardrail.sandbox.zendesk.fields import REFUND_AMOUNT_FIELD
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_TICKET, ACME_USER
from guardrail.testing import Stack
from tests.helpers import FULLWIDTH, ZendeskAgent

ZD = dialect_for("zendesk")
DIGITS = str(REFUND_AMOUNT_FIELD)


def writes(field_id: Any) -> list[tuple[str, str, dict[str, Any]]]:
    custom = {"custom_fields": [{"id": field_id, "value": "600.00"}]}
    new = {"subject": "Refund", "comment": {"body": "Refunded."}, **custom}
    return [
        ("POST", "/api/v2/tickets.json", {"ticket": new}),
        ("PUT", f"/api/v2/tickets/{ACME_TICKET}.json", {"ticket": custom}),
        ("PUT", f"/api/v2/tickets/update_many.json?ids={ACME_TICKET}", {"ticket": custom}),
        ("PUT", "/api/v2/tickets/update_many.json", {"tickets": [{"id": ACME_TICKET, **custom}]}),
        ("POST", "/api/v2/tickets/create_many.json", {"tickets": [new]}),
    ]


def parse(method: str, target: str, body: Any) -> Any:
    raw = RawRequest(method, target, CIMultiDict({"Content-Type": "application/json"}),
                     json.dumps(body).encode())  # fmt: skip
    return ZD.parse(ZD.canonical(raw))


#: Other spellings of the refund amount field's id: padded, signed, spaced, other digits, a
#: float, digits split by an underscore or written as an exponent.
ODD = st.one_of(
    st.integers(1, 4).map(lambda n: "0" * n + DIGITS),
    st.sampled_from(["+", "-", " ", "\t", "\n"]).map(lambda c: c + DIGITS),
    st.sampled_from([" ", "\n", ".0", ".", "e0", "_"]).map(lambda c: DIGITS + c),
    st.just(DIGITS.translate(FULLWIDTH)),
    st.just(float(REFUND_AMOUNT_FIELD)),
    st.just("360_000_102"),
    st.just("3.60000102e8"),
    st.just(0),
    st.just(-REFUND_AMOUNT_FIELD),
    st.just(True),
)


@given(field_id=ODD, form=st.integers(0, 4))
def test_a_custom_field_named_by_another_spelling_of_its_id_is_refused(
    field_id: Any, form: int
) -> None:
    method, target, body = writes(field_id)[form]
    with pytest.raises(MalformedBody, match="digits alone") as refused:
        parse(method, target, body)
    assert refused.value.status == 400


@pytest.mark.parametrize("field_id", [REFUND_AMOUNT_FIELD, DIGITS])
@pytest.mark.parametrize("form", range(5))
def test_a_number_or_its_digits_name_the_field(field_id: Any, form: int) -> None:
    parsed = parse(*writes(field_id)[form])
    assert all(i.fields[f"custom_fields.{DIGITS}"] == "600.00" for i in parsed.intents)


def test_through_the_proxy_a_padded_field_id_is_refused_and_nothing_changes(
    zendesk_stack: Stack,
) -> None:
    ticket = f"/api/v2/tickets/{ACME_TICKET}.json"
    agent = ZendeskAgent(zendesk_stack, {"account_ids": [str(ACME_ORG)],
                                         "contact_ids": [str(ACME_USER)]}, reads=(ticket,))  # fmt: skip
    before = agent.records("ticket")
    answer = agent.write("PUT", ticket, {"ticket": {"custom_fields": [
        {"id": "0" + DIGITS, "value": "600.00"}]}})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "digits alone" in answer.json()["description"], answer.text
    assert answer.headers["X-Guardrail-Decision"] == "block"
    assert agent.records("ticket") == before
