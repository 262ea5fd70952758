"""A Zendesk id in a write is a number, or its digits alone as text: Zendesk (Rails, whose
``\\d`` is ASCII) reads no other. An id one reader could take for a ticket's and another not
(``"1001\\n"``, which a pattern ending in ``$`` takes for 1001's digits; a space before the
digits; fullwidth digits, which Python reads as digits; a float) is refused before anything is
asked of Zendesk, saying how to name the ticket."""

from __future__ import annotations

import json
from typing import Any

import pytest
from multidict import CIMultiDict

from guardrail.crm.base import RawRequest, dialect_for
from guardrail.errors import MalformedBody
from tests.helpers import FULLWIDTH

ZD = dialect_for("zendesk")
ODD_IDS = ["1001\n", " 1001", "1001 ", "1001".translate(FULLWIDTH), "1001.0", 1001.0]


def parse(method: str, target: str, body: Any) -> Any:
    raw = RawRequest(method, target, CIMultiDict({"Content-Type": "application/json"}),
                     json.dumps(body).encode())  # fmt: skip
    return ZD.parse(ZD.canonical(raw))


@pytest.mark.parametrize("named", ODD_IDS)
@pytest.mark.parametrize(
    ("method", "target", "body"),
    [
        ("PUT", "/api/v2/tickets/update_many.json",
         lambda i: {"tickets": [{"id": i, "status": "open"}]}),
        ("POST", "/api/v2/tickets/7/merge.json", lambda i: {"ids": [i]}),
        ("POST", "/api/v2/organizations/create_or_update.json",
         lambda i: {"organization": {"id": i, "notes": "x"}}),
    ],
)  # fmt: skip
def test_a_write_naming_a_record_by_an_odd_id_is_refused_saying_how_to_name_it(
    method: str, target: str, body: Any, named: Any
) -> None:
    with pytest.raises(MalformedBody, match="digits") as refused:
        parse(method, target, body(named))
    assert refused.value.status == 400


@pytest.mark.parametrize("named", [1001, "1001"])
def test_a_number_or_its_digits_name_the_ticket(named: Any) -> None:
    parsed = parse("PUT", "/api/v2/tickets/update_many.json",
                   {"tickets": [{"id": named, "status": "open"}]})  # fmt: skip
    assert [i.record_id for i in parsed.intents] == ["1001"]
