"""The proxy reads a Zendesk write's nested values by flat names (``comment.body``,
``custom_fields.<id>``, ``user_fields.<key>``), which no Zendesk attribute holds. An attribute
sent under such a name (``"comment.body": "Called back."`` beside a comment holding a card
number) would replace what the rules judge, while Zendesk, ignoring an attribute it does not
have, saves the nested value unjudged. So a dotted attribute name is refused, on every record
and in every write form, saying how to send the value."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardrail.crm.base import dialect_for
from guardrail.errors import MalformedBody
from guardrail.sandbox.zendesk.fields import REFUND_AMOUNT_FIELD
from guardrail.testing import Stack
from tests.crm.helpers import read_json, refused_through_the_proxy, zendesk_ticket_writes

ZD = dialect_for("zendesk")
CARD = "Card 4111 1111 1111 1111 noted."
#: Names the proxy reads a nested value by, and a dotted name of nothing.
FLAT_NAMES = st.sampled_from(
    ["comment.body", "comment.public", "comment.author_id", "comment.html_body",
     f"custom_fields.{REFUND_AMOUNT_FIELD}", f"fields.{REFUND_AMOUNT_FIELD}", "subject.", ".tags"]
)  # fmt: skip
SHADOWS = st.sampled_from(["Called back.", "0.00", True, None, 1])


@given(name=FLAT_NAMES, shadow=SHADOWS, form=st.integers(0, 4))
def test_a_ticket_attribute_named_as_a_nested_value_is_refused(
    name: str, shadow: Any, form: int
) -> None:
    fields = {"comment": {"body": CARD, "public": False}, name: shadow}
    method, target, body = zendesk_ticket_writes(fields, {"subject": "Refund", **fields})[form]
    with pytest.raises(MalformedBody, match="nested") as refused:
        read_json(ZD, method, target, body)
    assert refused.value.status == 400


@pytest.mark.parametrize(
    ("path", "record"),
    [("/api/v2/users.json", {"user": {"name": "Ann", "user_fields.tier": "gold"}}),
     ("/api/v2/organizations.json", {"organization": {"name": "Acme",
                                                      "organization_fields.plan": "pro"}})],
)  # fmt: skip
def test_a_person_or_organization_attribute_named_as_a_nested_value_is_refused(
    path: str, record: dict[str, Any]
) -> None:
    with pytest.raises(MalformedBody, match="nested"):
        read_json(ZD, "POST", path, record)


def test_through_the_proxy_a_card_hidden_behind_a_dotted_attribute_changes_nothing(
    zendesk_stack: Stack,
) -> None:
    refused_through_the_proxy(
        zendesk_stack,
        {"comment": {"body": CARD, "public": False}, "comment.body": "Called back."},
        "nested",
    )
