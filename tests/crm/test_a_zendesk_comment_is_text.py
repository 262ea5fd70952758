"""What a Zendesk comment says is JSON text: a ``body``, ``html_body``, a new ticket's
``description`` or a merge's ``target_comment`` or ``source_comment`` given as a number, a boolean, a list or an object is some text to Zendesk (Rails
casts it) and no note to the rules that read notes, which could not be evaluated on it: the
agent was told to fetch the guardrail's administrator, and the administrator was alerted, by
a write that was only malformed. The dialect refuses it first, in Zendesk's format, saying to
send the words as a string; text and null are read as before."""

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
KEYS = ("body", "html_body", "description", "target_comment", "source_comment")


def writes(key: str, said: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """Every ticket write form carrying ``said`` as its comment's ``key``; a description only
    where it is one (a new ticket's), a merge's comment in a merge."""
    if key.endswith("_comment"):
        return [("POST", "/api/v2/tickets/7/merge.json", {"ids": [8], key: said})]
    if key == "description":
        new = {"subject": "Refund", "description": said}
        return [w for w in zendesk_ticket_writes({}, new) if w[0] == "POST"]
    comment = {"comment": {key: said, "public": False}}
    return zendesk_ticket_writes(comment, {"subject": "Refund", **comment})


WORDS = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8)
SCALAR = st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False))
NOT_TEXT = st.one_of(
    SCALAR,
    st.lists(st.one_of(SCALAR, WORDS), max_size=3),
    st.dictionaries(WORDS, WORDS, max_size=2),
)


@given(key=st.sampled_from(KEYS), said=NOT_TEXT, data=st.data())
def test_a_comment_that_is_not_text_is_refused_saying_to_send_a_string(
    key: str, said: Any, data: st.DataObject
) -> None:
    method, target, body = data.draw(st.sampled_from(writes(key, said)))
    with pytest.raises(MalformedBody, match=rf"(^|\.){key} is ") as refused:
        read_json(ZD, method, target, body)
    assert refused.value.status == 400


@pytest.mark.parametrize("key", KEYS)
def test_text_is_read_as_the_comment(key: str) -> None:
    for write in writes(key, "Refunded 600."):
        said = [i.fields.get("comment.body") for i in read_json(ZD, *write).intents]
        assert "Refunded 600." in said


def test_through_the_proxy_a_comment_given_as_a_list_is_refused_and_nothing_changes(
    zendesk_stack: Stack,
) -> None:
    refused_through_the_proxy(
        zendesk_stack, {"comment": {"body": ["Refunded", 600], "public": False}}, "not text"
    )
