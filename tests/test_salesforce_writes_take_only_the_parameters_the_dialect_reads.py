"""A query parameter on a write is something Salesforce may act on: ``updateOnly`` keeps an
upsert from creating, a collection delete's ``ids`` name what it deletes. A parameter the
dialect does not read would be judged by its spelling alone, so each write route takes only
the parameters Salesforce documents for it, read by the dialect (an upsert's ``updateOnly``
of ``true`` or ``false``; a collection delete's ``ids`` and ``allOrNone``); any other, or
another spelling, is refused in Salesforce's format naming it, and nothing is written. Reads
keep their parameters. The real simple-salesforce client, through the proxy, to the sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.testing import Stack
from tests.helpers import guarded_pack, through_a_stack

ACCOUNT = "001000000000001AAA"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    pack = guarded_pack(tmp_path_factory.mktemp("pack"))
    with Stack(tmp_path_factory.mktemp("params"), auth_mode="passthrough", policies=pack) as s:
        yield s


@pytest.fixture
def sf(stack: Stack) -> Any:
    return stack.salesforce(conversation="params", agent="agent-params")


@pytest.fixture
def case_id(stack: Stack) -> str:
    """A fresh Case, whose External_Id__c is P-1 (the last one's freed)."""

    async def create() -> str:
        for row in stack.store.records("Case"):
            if row.get("External_Id__c") == "P-1":
                stack.store.update("Case", row["Id"], {"External_Id__c": None})
        values = {"Subject": "Parameters", "AccountId": ACCOUNT, "External_Id__c": "P-1"}
        return stack.store.create("Case", values)

    return stack.call(create)


def rows(stack: Stack) -> list[dict[str, Any]]:
    return sorted(stack.store.records("Case"), key=lambda r: r["Id"])


def _writes(case_id: str) -> dict[str, tuple[str, str, dict[str, str], Any]]:
    """Each write route with a parameter Salesforce does not document for it (or a value or
    spelling it does not): method, path, parameters, body."""
    subject = {"Subject": "Changed"}
    return {
        "create": ("POST", "sobjects/Case", {"allOrNone": "false"}, subject),
        "update": ("PATCH", f"sobjects/Case/{case_id}", {"fields": "Subject"}, subject),
        "delete": ("DELETE", f"sobjects/Case/{case_id}", {"hard": "true"}, None),
        "upsert-value": ("PATCH", "sobjects/Case/External_Id__c/P-1", {"updateOnly": "1"},
                         subject),
        "upsert-spelling": ("PATCH", "sobjects/Case/External_Id__c/P-1",
                            {"UpdateOnly": "true"}, subject),
        "collection": ("PATCH", "composite/sobjects", {"allOrNone": "false"},
                       {"records": [{"attributes": {"type": "Case"}, "id": case_id,
                                     "Subject": "Changed"}]}),
        "collection-delete": ("DELETE", "composite/sobjects",
                              {"ids": case_id, "allOrNone": "true", "purge": "true"}, None),
        "composite": ("POST", "composite", {"collateSubrequests": "true"},
                      {"compositeRequest": [{"method": "PATCH", "referenceId": "a",
                                             "url": f"/services/data/v59.0/sobjects/Case/{case_id}",
                                             "body": subject}]}),
        "subrequest": ("POST", "composite", {},
                       {"compositeRequest": [{"method": "PATCH", "referenceId": "a",
                                             "url": f"/services/data/v59.0/sobjects/Case/{case_id}"
                                                    "?fields=Subject",
                                             "body": subject}]}),
        "subrequest-reference": ("POST", "composite", {},
                                 {"compositeRequest": [
                                     {"method": "GET", "referenceId": "g",
                                      "url": f"/services/data/v59.0/sobjects/Case/{case_id}"},
                                     {"method": "PATCH", "referenceId": "a",
                                      "url": f"/services/data/v59.0/sobjects/Case/{case_id}"
                                             "?x=@{g.Id}",
                                      "body": subject}]}),
    }  # fmt: skip


WRITES = list(_writes("x"))


@pytest.mark.parametrize("route", WRITES)
def test_a_parameter_the_dialect_does_not_read_is_refused_naming_it(
    stack: Stack, sf: Any, case_id: str, route: str
) -> None:
    method, path, params, body = _writes(case_id)[route]
    before = rows(stack)
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.restful(path, method=method, params=params, json=body)
    [error] = refused.value.content
    assert error["errorCode"] == "GUARDRAIL_AMBIGUOUS_REQUEST", error
    named = {"collection-delete": "purge", "subrequest": "fields", "subrequest-reference": "x"}.get(
        route
    ) or next(iter(params))
    assert repr(named) in error["message"] or f"{named}=" in error["message"], error
    assert rows(stack) == before


def test_an_upserts_update_only_is_read_and_forwarded(stack: Stack, sf: Any, case_id: str) -> None:
    path = "sobjects/Case/External_Id__c/P-1"
    sf.restful(path, method="PATCH", params={"updateOnly": "true"}, json={"Subject": "Kept"})
    assert stack.store.get("Case", case_id)["Subject"] == "Kept"  # type: ignore[index]
    before = rows(stack)
    with pytest.raises(Exception, match="NOT_FOUND"):  # no such record: nothing created
        sf.restful("sobjects/Case/External_Id__c/P-404", method="PATCH",
                   params={"updateOnly": "TRUE"}, json={"Subject": "New"})  # fmt: skip
    assert rows(stack) == before


def test_a_collection_deletes_ids_and_all_or_none_are_read(
    stack: Stack, sf: Any, case_id: str
) -> None:
    answer = sf.restful(
        "composite/sobjects", method="DELETE", params={"ids": case_id, "allOrNone": "true"}
    )
    assert [r["success"] for r in answer] == [True]
    assert stack.store.get("Case", case_id) is None


def test_reads_keep_their_parameters(sf: Any, case_id: str) -> None:
    found = sf.restful(f"sobjects/Case/{case_id}", params={"fields": "Subject"})
    assert found["Subject"] == "Parameters"
    assert sf.query(f"SELECT Id FROM Case WHERE Id = '{case_id}'")["totalSize"] == 1


@through_a_stack(15)
@given(
    name=st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]{0,20}", fullmatch=True),
    value=st.text(st.characters(codec="ascii", categories=["L", "N", "P"]), max_size=10),
)
def test_no_parameter_on_an_update_reaches_salesforce_unread(
    stack: Stack, sf: Any, case_id: str, name: str, value: str
) -> None:
    before = rows(stack)
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.restful(f"sobjects/Case/{case_id}", method="PATCH", params={name: value},
                   data=json.dumps({"Subject": "Changed"}))  # fmt: skip
    [error] = refused.value.content
    assert error["errorCode"] == "GUARDRAIL_AMBIGUOUS_REQUEST", error
    assert rows(stack) == before
