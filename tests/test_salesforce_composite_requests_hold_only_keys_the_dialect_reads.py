"""A composite request holds ``allOrNone``, ``collateSubrequests`` and ``compositeRequest``, and
each subrequest ``method``, ``url``, ``referenceId``, ``body`` and ``httpHeaders``, as
Salesforce documents them. A key the dialect does not read is one the CRM may: another
spelling of one it reads (``httpheaders``, ``BODY``: a reader that ignores case takes headers
or a body the proxy never judged), or one it does not know. Either is refused in Salesforce's
format, naming the key, and nothing in the composite is written; ``collateSubrequests`` is
read as the JSON boolean it is. The real simple-salesforce client, through the proxy, to the
sandbox."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_CASE_ID
from guardrail.testing import Stack
from tests.helpers import through_a_stack

BASE = "/services/data/v59.0"
COMPOSITE = ("allOrNone", "collateSubrequests", "compositeRequest")
SUBREQUEST = ("method", "url", "referenceId", "body", "httpHeaders")


@pytest.fixture(scope="module")
def sf(notes_stack: Stack) -> Any:
    """simple-salesforce through a stack judging by the shipped pack's ParameterValidation."""
    return notes_stack.salesforce(conversation="conv-composite-keys", agent="agent-e2e")


def _update(subject: str) -> dict[str, Any]:
    return {"method": "PATCH", "url": f"{BASE}/sobjects/Case/{ACME_CASE_ID}",
            "referenceId": "w", "body": {"Subject": subject}}  # fmt: skip


def _refused(stack: Stack, sf: Any, composite: dict[str, Any]) -> str:
    """The proxy's message refusing ``composite``; the CRM unchanged."""
    before = copy.deepcopy(stack.store.records("Case"))
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.restful("composite", method="POST", json=composite)
    [error] = refused.value.content
    assert error["errorCode"] == "JSON_PARSER_ERROR", error
    assert stack.store.records("Case") == before
    return str(error["message"])


@pytest.mark.parametrize("collate", [True, False])
def test_the_keys_salesforce_documents_land(notes_stack: Stack, sf: Any, collate: bool) -> None:
    composite = {"allOrNone": True, "collateSubrequests": collate,
                 "compositeRequest": [{**_update(f"Collated {collate}"), "httpHeaders": {}}]}  # fmt: skip
    answer = sf.restful("composite", method="POST", json=composite)
    assert [r["httpStatusCode"] for r in answer["compositeResponse"]] == [204]
    saved = notes_stack.store.get("Case", ACME_CASE_ID)
    assert saved is not None
    assert saved["Subject"] == f"Collated {collate}"


@pytest.mark.parametrize("value", ["false", "true", 0, None])
def test_collate_subrequests_that_is_not_a_boolean_is_refused(
    notes_stack: Stack, sf: Any, value: Any
) -> None:
    composite = {"collateSubrequests": value, "compositeRequest": [_update("Never")]}
    assert "collateSubrequests must be true or false" in _refused(notes_stack, sf, composite)


def _spellings(keys: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Keys a reader may take for one of ``keys`` (another case, spaces around it), and others."""
    return st.one_of(
        st.sampled_from(keys).flatmap(
            lambda key: (
                st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in key))
                .map("".join)
                .filter(lambda k: k != key)
            )
        ),
        st.sampled_from(keys).map(lambda key: f" {key}"),
        st.sampled_from(keys).map(lambda key: f"{key} "),
        st.sampled_from(["richInput", "graphId", "headers", "batchRequests", "records", "x"]),
    )


@through_a_stack(20)
@given(key=_spellings(COMPOSITE))
def test_a_composite_key_the_dialect_does_not_read_is_refused_naming_it(
    notes_stack: Stack, sf: Any, key: str
) -> None:
    composite = {"compositeRequest": [_update("Never")], key: False}
    assert repr(key) in _refused(notes_stack, sf, composite)


@through_a_stack(20)
@given(key=_spellings(SUBREQUEST))
def test_a_subrequest_key_the_dialect_does_not_read_is_refused_naming_it(
    notes_stack: Stack, sf: Any, key: str
) -> None:
    """``"httpheaders": {"Accept-Encoding": "gzip"}`` would be headers the proxy never read."""
    sub = {**_update("Never"), key: {"Accept-Encoding": "gzip"}}
    told = _refused(notes_stack, sf, {"compositeRequest": [sub]})
    assert told.startswith("Subrequest w: "), told
    assert repr(key) in told, told
