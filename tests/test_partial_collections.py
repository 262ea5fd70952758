"""sObject Collections with allOrNone false, through the proxy to the sandbox: the blocked
records get their errors, the others are saved, and the agent gets one result in its order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, GLOBEX_ACCOUNT_ID
from guardrail.testing import Stack
from tests.helpers import grounded_pack, salesforce_in

CONVERSATION = {
    "channel": "chat",
    "customer": {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [], "verified": True},
    "turns": [{"role": "customer", "text": "My router arrived broken, case 00001001."}],
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("partial")
    with Stack(
        directory, auth_mode="passthrough", policies=grounded_pack(directory / "policies")
    ) as running:
        yield running


@pytest.fixture
def sf(stack: Stack, request: pytest.FixtureRequest) -> Any:
    return salesforce_in(stack, f"partial-{request.node.name}", CONVERSATION, "agent-partial")


def globex_case(stack: Stack, subject: str) -> str:
    """A case of another customer's, made in the CRM directly."""

    async def make() -> str:
        return stack.store.create("Case", {"Subject": subject, "AccountId": GLOBEX_ACCOUNT_ID})

    return stack.call(make)


def audited(stack: Stack, decision_id: str) -> dict[str, Any]:
    url = f"{stack.admin_url}/guardrail/v1/decisions/{decision_id}"
    record: dict[str, Any] = httpx.get(url, timeout=10).json()
    return record


def collection(sf: Any, method: str, path: str = "composite/sobjects", **kw: Any) -> Any:
    return sf.session.request(method, f"{sf.base_url}{path}", headers=sf.headers, **kw)


def test_a_blocked_record_gets_its_error_and_the_others_are_created(stack: Stack, sf: Any) -> None:
    records = [
        {"attributes": {"type": "Case"}, "Subject": "Partial one", "AccountId": ACME_ACCOUNT_ID},
        {"attributes": {"type": "Case"}, "Subject": "Partial two", "AccountId": GLOBEX_ACCOUNT_ID},
        {"attributes": {"type": "Case"}, "Subject": "Partial three", "AccountId": ACME_ACCOUNT_ID},
    ]
    answer = collection(sf, "POST", json={"allOrNone": False, "records": records})
    results = answer.json()
    assert answer.status_code == 200
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1]["errors"][0]["statusCode"] == "GUARDRAIL_POLICY_VIOLATION"
    assert "AccountIdGrounded" in results[1]["errors"][0]["message"]
    assert stack.store.get("Case", results[0]["id"])["Subject"] == "Partial one"
    assert stack.store.get("Case", results[2]["id"])["Subject"] == "Partial three"
    subjects = {c["Subject"] for c in stack.store.records("Case")}
    assert "Partial two" not in subjects

    allowed = audited(stack, answer.headers["X-Guardrail-Decision-Id"])
    blocked = audited(stack, answer.headers["X-Guardrail-Blocked-Decision-Id"])
    assert answer.headers["X-Guardrail-Decision"] == "allow"
    assert (allowed["decision"], blocked["decision"]) == ("allow", "block")
    assert [i["fields"]["Subject"] for i in allowed["intents"]] == ["Partial one", "Partial three"]
    assert [i["saved_id"] for i in allowed["intents"]] == [results[0]["id"], results[2]["id"]]
    assert [i["fields"]["Subject"] for i in blocked["intents"]] == ["Partial two"]
    assert blocked["violations"][0]["rule"] == "AccountIdGrounded"


def test_a_collection_update_saves_the_grounded_records_only(stack: Stack, sf: Any) -> None:
    other = globex_case(stack, "Globex printer")
    sf.Case.get(ACME_CASE_ID)  # grounds the customer's case
    records = [
        {"attributes": {"type": "Case"}, "id": other, "Subject": "Hijacked"},
        {"attributes": {"type": "Case"}, "id": ACME_CASE_ID, "Priority": "High"},
    ]
    results = collection(sf, "PATCH", json={"allOrNone": False, "records": records}).json()
    assert [r["success"] for r in results] == [False, True]
    assert results[0]["id"] == other
    assert "RecordGrounded" in results[0]["errors"][0]["message"]
    assert stack.store.get("Case", other)["Subject"] == "Globex printer"
    assert stack.store.get("Case", ACME_CASE_ID)["Priority"] == "High"


def test_a_collection_delete_deletes_the_grounded_records_only(stack: Stack, sf: Any) -> None:
    other = globex_case(stack, "Globex keep me")
    mine = sf.Case.create({"Subject": "Delete me", "AccountId": ACME_ACCOUNT_ID})["id"]
    answer = collection(sf, "DELETE", f"composite/sobjects?ids={other},{mine}&allOrNone=false")
    results = answer.json()
    assert [(r["id"], r["success"]) for r in results] == [(other, False), (mine, True)]
    assert stack.store.get("Case", other) is not None
    assert stack.store.get("Case", mine) is None


def test_all_or_none_is_still_refused_whole(stack: Stack, sf: Any) -> None:
    records = [
        {"attributes": {"type": "Case"}, "Subject": "Whole one", "AccountId": ACME_ACCOUNT_ID},
        {"attributes": {"type": "Case"}, "Subject": "Whole two", "AccountId": GLOBEX_ACCOUNT_ID},
    ]
    results = collection(sf, "POST", json={"allOrNone": True, "records": records}).json()
    assert [r["success"] for r in results] == [False, False]
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert not {"Whole one", "Whole two"} & {c["Subject"] for c in stack.store.records("Case")}


def test_every_record_blocked_forwards_nothing(stack: Stack, sf: Any) -> None:
    before = stack.store.requests.total
    records = [{"attributes": {"type": "Case"}, "Subject": "No", "AccountId": GLOBEX_ACCOUNT_ID}]
    answer = collection(sf, "POST", json={"allOrNone": False, "records": records})
    assert answer.headers["X-Guardrail-Decision"] == "block"
    assert answer.json()[0]["success"] is False
    assert stack.store.requests.total == before


def test_an_all_or_none_that_is_not_a_boolean_is_refused_and_nothing_saved(
    stack: Stack, sf: Any
) -> None:
    before = stack.store.requests.total
    records = [{"attributes": {"type": "Case"}, "Subject": "Zero", "AccountId": ACME_ACCOUNT_ID}]
    answer = collection(sf, "POST", json={"allOrNone": 0, "records": records})
    assert answer.status_code == 400
    assert "allOrNone must be true or false" in answer.json()[0]["message"]
    assert stack.store.requests.total == before
