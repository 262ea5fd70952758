"""End to end: the real simple-salesforce client, over TLS with a test CA, through the proxy, to
the sandbox CRM. What the agent sees, and what the CRM ends up holding."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.helpers import parameters_pack, write_case_pack

BASE = "/services/data/v59.0"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shipped pack's ParameterValidation; conversation rules have their own suite."""
    directory = tmp_path_factory.mktemp("stack")
    with Stack(
        directory, auth_mode="passthrough", policies=parameters_pack(directory / "policies")
    ) as running:
        yield running


@pytest.fixture
def sf(stack: Stack) -> Any:
    return stack.salesforce(conversation="conv-e2e", agent="agent-e2e")


def decisions(sf: Any) -> list[str]:
    """The X-Guardrail-Decision of every response the client gets from now on."""
    seen: list[str] = []
    sf.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    return seen


def snapshot(stack: Stack, sobject: str) -> list[dict[str, Any]]:
    return sorted(stack.store.records(sobject), key=lambda r: r["Id"])


def test_valid_create_update_upsert_delete_reach_the_crm(stack: Stack, sf: Any) -> None:
    seen = decisions(sf)
    created = sf.Case.create(
        {
            "Subject": "Router broken",
            "Status": "New",
            "Origin": "Chat",
            "AccountId": ACME_ACCOUNT_ID,
        }
    )
    assert created["success"] is True
    case_id = created["id"]
    assert stack.store.get("Case", case_id)["Subject"] == "Router broken"

    assert sf.Case.update(case_id, {"Status": "Working", "Priority": "High"}) == 204
    saved = stack.store.get("Case", case_id)
    assert (saved["Status"], saved["Priority"]) == ("Working", "High")

    assert sf.Account.upsert("External_Id__c/E2E-1", {"Name": "E2E Ltd"}) == 201
    assert sf.Account.upsert("External_Id__c/E2E-1", {"Phone": "555-0100"}) in (200, 204)
    [account] = [a for a in stack.store.records("Account") if a.get("External_Id__c") == "E2E-1"]
    assert (account["Name"], account["Phone"]) == ("E2E Ltd", "555-0100")

    assert sf.Case.delete(case_id) == 204
    assert stack.store.get("Case", case_id) is None
    assert seen == ["allow"] * 5


@pytest.mark.parametrize(
    ("call", "field", "words"),
    [
        (lambda sf: sf.Case.create({"Subject": "x", "Status": "Open"}), "Status", "not an allowed value"),
        (lambda sf: sf.Case.update(ACME_CASE_ID, {"Sentiment__c": "angry"}), "Sentiment__c", "not a field"),
        (lambda sf: sf.Contact.create({"FirstName": "Dana"}), "LastName", "is required when creating"),
        (lambda sf: sf.Case.create({"Subject": "x", "AccountId": "001-bogus"}), "AccountId", "not a Salesforce id"),
        (lambda sf: sf.Case.create({"Subject": "x", "AccountId": ACME_CONTACT_ID}), "AccountId", "is a Contact id"),
    ],
    ids=["bad-picklist", "unknown-field", "missing-required", "malformed-id", "wrong-object-id"],
)  # fmt: skip
def test_invalid_writes_are_blocked_naming_the_field_and_the_crm_is_unchanged(
    stack: Stack, sf: Any, call: Any, field: str, words: str
) -> None:
    before = {o: snapshot(stack, o) for o in ("Case", "Contact")}
    seen = decisions(sf)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        call(sf)
    [error] = caught.value.content
    assert error["errorCode"] == "GUARDRAIL_PARAMETER_INVALID"
    assert error["fields"] == [field]
    assert field in error["message"]
    assert words in error["message"]
    assert seen == ["block"]
    assert {o: snapshot(stack, o) for o in ("Case", "Contact")} == before


def test_collections_are_allowed_or_blocked_per_record(stack: Stack, sf: Any) -> None:
    records = [
        {"attributes": {"type": "Case"}, "Subject": "Collection one", "Status": "New"},
        {"attributes": {"type": "Task"}, "Subject": "Call back", "Status": "Not Started"},
    ]
    created = sf.restful(
        "composite/sobjects", method="POST", json={"allOrNone": True, "records": records}
    )
    assert [r["success"] for r in created] == [True, True]
    assert stack.store.get("Task", created[1]["id"])["Subject"] == "Call back"

    before = snapshot(stack, "Case")
    records[1]["Status"] = "Done"  # not a Task status
    blocked = sf.restful(
        "composite/sobjects", method="POST", json={"allOrNone": True, "records": records}
    )
    assert blocked[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert blocked[1]["success"] is False
    assert blocked[1]["errors"][0]["statusCode"] == "GUARDRAIL_PARAMETER_INVALID"
    assert blocked[1]["errors"][0]["fields"] == ["Status"]
    assert snapshot(stack, "Case") == before

    ids = ",".join(r["id"] for r in created)
    deleted = sf.restful(f"composite/sobjects?ids={ids}", method="DELETE")
    assert [r["success"] for r in deleted] == [True, True]
    assert stack.store.get("Case", created[0]["id"]) is None


def test_composite_is_allowed_whole_or_refused_whole(stack: Stack, sf: Any) -> None:
    def composite(status: str) -> dict[str, Any]:
        return {
            "allOrNone": True,
            "compositeRequest": [
                {"method": "POST", "url": f"{BASE}/sobjects/Account", "referenceId": "acct",
                 "body": {"Name": f"Composite {status}"}},
                {"method": "POST", "url": f"{BASE}/sobjects/Case", "referenceId": "case",
                 "body": {"Subject": "Composite case", "Status": status, "AccountId": "@{acct.id}"}},
            ],
        }  # fmt: skip

    ok = sf.restful("composite", method="POST", json=composite("New"))["compositeResponse"]
    assert [r["httpStatusCode"] for r in ok] == [201, 201]
    case = stack.store.get("Case", ok[1]["body"]["id"])
    assert case["AccountId"] == ok[0]["body"]["id"]

    accounts = snapshot(stack, "Account")
    refused = sf.restful("composite", method="POST", json=composite("Open"))["compositeResponse"]
    assert [r["referenceId"] for r in refused] == ["acct", "case"]
    assert refused[0]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert refused[1]["body"][0]["errorCode"] == "GUARDRAIL_PARAMETER_INVALID"
    assert snapshot(stack, "Account") == accounts


def test_reads_pass_through(sf: Any) -> None:
    case = sf.Case.get(ACME_CASE_ID)
    assert case["Id"] == ACME_CASE_ID
    result = sf.query(f"SELECT Id, Subject FROM Case WHERE Id = '{ACME_CASE_ID}'")
    assert result["totalSize"] == 1


def raw(stack: Stack, method: str, path: str, body: bytes, content_type: str) -> requests.Response:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.tls.ca_pem)
    return session.request(
        method,
        stack.proxy_url + path,
        data=body,
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}", "Content-Type": content_type},
    )


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b'{"Subject": "x",', "application/json", 400, "JSON_PARSER_ERROR"),
        (b"Subject=x", "application/x-www-form-urlencoded", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (json.dumps({"Subject": "x" * (2 * 1024 * 1024)}).encode(), "application/json", 413, "GUARDRAIL_BODY_TOO_LARGE"),
    ],
    ids=["malformed-json", "wrong-content-type", "2MB-body"],
)  # fmt: skip
def test_bad_requests_get_salesforce_errors_and_nothing_is_forwarded(
    stack: Stack, body: bytes, content_type: str, status: int, code: str
) -> None:
    before = snapshot(stack, "Case")
    response = raw(stack, "POST", f"{BASE}/sobjects/Case", body, content_type)
    assert response.status_code == status
    assert response.json()[0]["errorCode"] == code
    assert response.headers["X-Guardrail-Decision"] == "block"
    assert snapshot(stack, "Case") == before


def test_shadow_mode_forwards_and_reports_shadow_block(tmp_path: Path) -> None:
    with Stack(
        tmp_path, auth_mode="passthrough", policies=write_case_pack(tmp_path / "p", mode="shadow")
    ) as shadow:
        sf = shadow.salesforce()
        seen = decisions(sf)
        created = sf.Case.create({"Subject": "Shadowed", "Status": "Escalated", "Priority": "High"})
        assert created["success"] is True
        assert seen == ["shadow-block"]  # Priority is not in the shadow policy's schema
        assert shadow.store.get("Case", created["id"])["Priority"] == "High"


def test_crm_down_and_too_slow_fail_closed_in_salesforce_format(tmp_path: Path) -> None:
    from guardrail.sandbox import SandboxConfig

    slow = SandboxConfig(latency_seconds=1.0)
    pack = parameters_pack(tmp_path / "policies")
    with Stack(
        tmp_path / "slow",
        auth_mode="passthrough",
        sandbox=slow,
        timeouts={"upstream": 0.3},
        policies=pack,
    ) as stack:
        response = raw(
            stack, "POST", f"{BASE}/sobjects/Case", b'{"Subject": "x"}', "application/json"
        )
        assert response.status_code == 504
        assert response.json()[0]["errorCode"] == "GUARDRAIL_UPSTREAM_TIMEOUT"
    with Stack(
        tmp_path / "down", auth_mode="passthrough", upstream="http://127.0.0.1:9", policies=pack
    ) as stack:
        response = raw(
            stack, "POST", f"{BASE}/sobjects/Case", b'{"Subject": "x"}', "application/json"
        )
        assert response.status_code == 503
        assert response.json()[0]["errorCode"] == "GUARDRAIL_UPSTREAM_UNAVAILABLE"
