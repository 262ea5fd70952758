"""A Zendesk custom field in a write is named by its id as a number, or its digits alone as
text: ``"0360000102"``, ``"+360000102"``, ``" 360000102"`` or fullwidth digits may be the refund
amount field to Zendesk (Rails casts an id's text to a number) while the proxy read them as
fields no rule reads (``custom_fields.0360000102``), so what the refund rules judge would not
be what Zendesk saved. Such a spelling is refused by the dialect, whatever a pack's schema
allows, saying how to name the field; the two spellings Zendesk and the proxy read alike name
one field, ``custom_fields.360000102``."""

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
from tests.helpers import FULLWIDTH

ZD = dialect_for("zendesk")
DIGITS = str(REFUND_AMOUNT_FIELD)


def writes(field_id: Any) -> list[tuple[str, str, dict[str, Any]]]:
    custom = {"custom_fields": [{"id": field_id, "value": "600.00"}]}
    new = {"subject": "Refund", "comment": {"body": "Refunded."}, **custom}
    return zendesk_ticket_writes(custom, new)


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
        read_json(ZD, method, target, body)
    assert refused.value.status == 400


@pytest.mark.parametrize("field_id", [REFUND_AMOUNT_FIELD, DIGITS])
@pytest.mark.parametrize("form", range(5))
def test_a_number_or_its_digits_name_the_field(field_id: Any, form: int) -> None:
    parsed = read_json(ZD, *writes(field_id)[form])
    assert all(i.fields[f"custom_fields.{DIGITS}"] == "600.00" for i in parsed.intents)


def test_through_the_proxy_a_padded_field_id_is_refused_and_nothing_changes(
    zendesk_stack: Stack,
) -> None:
    refused_through_the_proxy(
        zendesk_stack, {"custom_fields": [{"id": "0" + DIGITS, "value": "600.00"}]}, "digits alone"
    )
