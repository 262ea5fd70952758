"""Whether a Zendesk comment is public is a JSON boolean: ``"public": "false"`` (or ``0``,
``"0"``, ``"f"``, ``"off"``, ``null``...) may be an internal note to Zendesk (Rails casts such
text to false) while the proxy read it as no ``false`` at all, so the rules that judge private
notes (notes-grounded: ``comment.public == false``) would not see the note Zendesk saved.
Any value but true or false is refused by the dialect, whatever a pack's schema allows, saying
to send true or false; true and false are read as sent."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardrail.crm.base import dialect_for
from guardrail.errors import MalformedBody
from guardrail.testing import Stack
from tests.crm.helpers import read_json, refused_through_the_proxy, zendesk_ticket_writes

ZD = dialect_for("zendesk")


def writes(public: Any) -> list[tuple[str, str, dict[str, Any]]]:
    comment = {"comment": {"body": "Refunded 600.", "public": public}}
    new = {"subject": "Refund", **comment}
    return zendesk_ticket_writes(comment, new)


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
        read_json(ZD, method, target, body)
    assert refused.value.status == 400


@pytest.mark.parametrize("public", [True, False])
@pytest.mark.parametrize("form", range(5))
def test_true_and_false_are_read_as_sent(public: bool, form: int) -> None:
    parsed = read_json(ZD, *writes(public)[form])
    assert all(i.fields["comment.public"] is public for i in parsed.intents)


def test_through_the_proxy_a_public_given_as_text_is_refused_and_nothing_changes(
    zendesk_stack: Stack,
) -> None:
    refused_through_the_proxy(
        zendesk_stack, {"comment": {"body": "Refunded 600.", "public": "false"}}, "true or false"
    )
