"""Token binding end to end: simple-salesforce over TLS with an agent token as its session id,
through the proxy (which holds the CRM credential, by client credentials), to the sandbox CRM.

The admin API that issues, lists and revokes tokens; the CRM's own 401 for an expired, revoked
or unknown token (and the audit record of the attempt); headers that must agree with the
token; scopes on reads and writes; what reaches the CRM in the token's place; the CRM token
fetched, cached, refreshed before expiry and after a CRM-side expiry mid-load.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from multidict import CIMultiDict
from prometheus_client.parser import text_string_to_metric_families
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)

from guardrail.config import AuthMode
from guardrail.sandbox import SandboxConfig
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID
from guardrail.testing import SANDBOX_TOKEN, Stack
from guardrail.upstream import Sender, UpstreamResponse
from tests.helpers import parameters_pack

CONVERSATION = {
    "channel": "chat",
    "customer": {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [], "verified": True},
    "turns": [{"role": "customer", "text": "My router arrived broken."}],
}
INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


class Recorder:
    """Stands between the proxy and the CRM: keeps the Authorization of every request."""

    def __init__(self) -> None:
        self.authorizations: list[str] = []

    def wrap(self, sender: Sender) -> Sender:
        recorder = self

        class Recording:
            async def send(
                self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
            ) -> UpstreamResponse:
                recorder.authorizations.append(headers.get("Authorization", ""))
                return await sender.send(method, path, headers, body)

        return Recording()


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, recorder: Recorder) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("tokens")
    with Stack(
        directory,
        auth_mode=AuthMode.TOKEN,
        policies=parameters_pack(directory / "policies"),
        transport=recorder.wrap,
    ) as running:
        yield running


@pytest.fixture
def admin(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{stack.admin_url}/guardrail/v1", timeout=10) as client:
        yield client


def conversation(admin: httpx.Client, cid: str) -> str:
    admin.put(f"/conversations/{cid}", json=CONVERSATION).raise_for_status()
    return cid


def counter(stack: Stack, name: str, **labels: str) -> float:
    text = httpx.get(f"{stack.admin_url}/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == f"{name}_total" and labels.items() <= sample.labels.items():
                return sample.value
    raise AssertionError(f"no {name} {labels}")


def raw(stack: Stack, token: str, method: str, path: str, **kwargs: Any) -> requests.Response:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.tls.ca_pem)
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    return session.request(
        method, f"{stack.proxy_url}/services/data/v59.0{path}", headers=headers, **kwargs
    )


def test_tokens_are_issued_listed_and_revoked_on_the_admin_api(
    stack: Stack, admin: httpx.Client
) -> None:
    cid = conversation(admin, "conv-admin")
    issued = admin.post(
        f"/conversations/{cid}/tokens",
        json={"agent": "agent-1", "ttl_seconds": 600, "scopes": {"objects": ["Case"]}},
    )
    assert issued.status_code == 201, issued.text
    assert issued.headers["Cache-Control"] == "no-store"
    body = issued.json()
    assert body["token"].startswith(f"grt.{body['token_id']}.")
    assert issued.headers["Location"].endswith(f"/tokens/{body['token_id']}")
    assert (body["conversation"], body["agent"], body["status"]) == (cid, "agent-1", "active")
    assert body["scopes"] == {"objects": ["Case"], "operations": ["*"]}

    listed = admin.get(f"/conversations/{cid}/tokens")
    assert [t["token_id"] for t in listed.json()["tokens"]] == [body["token_id"]]
    assert body["token"] not in listed.text
    assert "digest" not in listed.text

    assert admin.delete(f"/conversations/{cid}/tokens/{body['token_id']}").status_code == 204
    assert admin.delete(f"/conversations/{cid}/tokens/{body['token_id']}").status_code == 204
    [revoked] = admin.get(f"/conversations/{cid}/tokens").json()["tokens"]
    assert revoked["status"] == "revoked"
    assert revoked["revoked_at"] is not None


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "agent"),
        ({"agent": ""}, 422, "agent"),
        ({"agent": "a", "ttl_seconds": 0}, 422, "ttl_seconds"),
        ({"agent": "a", "ttl_seconds": 10**6}, 422, "ttl_seconds"),
        ({"agent": "a", "scopes": {"objects": ["Case;"]}}, 422, "scopes.objects[0]"),
        ({"agent": "a", "scopes": {"operations": ["write"]}}, 422, "scopes.operations[0]"),
        ({"agent": "a", "colour": "red"}, 422, "colour"),
    ],
)
def test_bad_token_requests_say_which_field(
    admin: httpx.Client, body: dict[str, Any], status: int, field: str
) -> None:
    cid = conversation(admin, "conv-bad")
    answer = admin.post(f"/conversations/{cid}/tokens", json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] == "invalid_token_request"
    assert field in [e["field"] for e in answer.json()["errors"]]


def test_unknown_conversations_and_tokens_are_404_and_bad_ids_400(admin: httpx.Client) -> None:
    missing = admin.post("/conversations/never-made/tokens", json={"agent": "a"})
    assert (missing.status_code, missing.json()["error"]) == (404, "conversation_not_found")
    cid = conversation(admin, "conv-404")
    gone = admin.delete(f"/conversations/{cid}/tokens/{'0' * 16}")
    assert (gone.status_code, gone.json()["error"]) == (404, "token_not_found")
    bad = admin.delete(f"/conversations/{cid}/tokens/not-an-id")
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_token_id")


def test_a_live_token_binds_the_agent_to_its_conversation_without_headers(
    stack: Stack, admin: httpx.Client, recorder: Recorder
) -> None:
    cid = conversation(admin, "conv-live")
    token = stack.agent_token(cid, "agent-live")
    sf = stack.salesforce(token=token)
    recorder.authorizations.clear()
    assert sf.Case.get(ACME_CASE_ID)["Id"] == ACME_CASE_ID
    assert sf.Case.update(ACME_CASE_ID, {"Priority": "Low"}) == 204
    seen = admin.get(f"/conversations/{cid}").json()
    assert [r["id"] for r in seen["reads"]] == [ACME_CASE_ID]
    assert [w["operation"] for w in seen["writes"]] == ["update"]
    # What reached the CRM bore the proxy's own token, never the agent's.
    assert recorder.authorizations
    assert all(a.startswith("Bearer ") for a in recorder.authorizations)
    assert {a.removeprefix("Bearer ") for a in recorder.authorizations} <= set(stack.oauth.issued)
    assert counter(stack, "guardrail_agent_tokens_used") >= 2


def test_expired_revoked_and_unknown_tokens_get_the_crms_own_401(
    stack: Stack, admin: httpx.Client
) -> None:
    cid = conversation(admin, "conv-401")
    expiring = stack.agent_token(cid, "agent-401", ttl_seconds=1)
    revoked = stack.agent_token(cid, "agent-401")
    admin.delete(f"/conversations/{cid}/tokens/{revoked.split('.')[1]}").raise_for_status()
    time.sleep(1.1)
    unknown = revoked[:-4] + ("AAAA" if not revoked.endswith("AAAA") else "BBBB")
    before = stack.store.records("Case")
    refused = {r: counter(stack, "guardrail_agent_tokens_refused", reason=r) for r in
               ("expired", "revoked", "unknown", "missing")}  # fmt: skip
    for token in (expiring, revoked, unknown, SANDBOX_TOKEN):
        with pytest.raises(SalesforceExpiredSession):
            stack.salesforce(token=token).Case.create({"Subject": "x", "Status": "New"})
        response = raw(stack, token, "GET", f"/sobjects/Case/{ACME_CASE_ID}")
        assert response.status_code == 401
        assert response.json() == INVALID_SESSION
    assert raw(stack, "", "GET", f"/sobjects/Case/{ACME_CASE_ID}").status_code == 401
    assert stack.store.records("Case") == before
    assert (
        counter(stack, "guardrail_agent_tokens_refused", reason="expired") == refused["expired"] + 2
    )
    assert (
        counter(stack, "guardrail_agent_tokens_refused", reason="revoked") == refused["revoked"] + 2
    )
    assert (
        counter(stack, "guardrail_agent_tokens_refused", reason="unknown") == refused["unknown"] + 4
    )
    assert (
        counter(stack, "guardrail_agent_tokens_refused", reason="missing") == refused["missing"] + 1
    )

    # The attempts with the revoked token are on record as that token's, agent's and
    # conversation's, refused: the audit shows an agent still at work after revocation.
    listed = admin.get("/decisions", params={"conversation": cid}).json()["decisions"]
    records = [admin.get(f"/decisions/{d['decision_id']}").json() for d in listed]
    by_token = [r for r in records if r["token_id"] == revoked.split(".")[1]]
    assert len(by_token) == 2
    for record in by_token:
        assert (record["decision"], record["agent"]) == ("block", "agent-401")
        assert record["violations"][0]["code"] == "INVALID_SESSION_ID"
        assert revoked not in str(record)


def test_deleting_the_conversation_revokes_its_tokens(stack: Stack, admin: httpx.Client) -> None:
    cid = conversation(admin, "conv-deleted")
    token = stack.agent_token(cid, "agent-deleted")
    assert stack.salesforce(token=token).Case.get(ACME_CASE_ID)["Id"] == ACME_CASE_ID
    assert admin.delete(f"/conversations/{cid}").status_code == 204
    with pytest.raises(SalesforceExpiredSession):
        stack.salesforce(token=token).Case.get(ACME_CASE_ID)
    assert [t["status"] for t in admin.get(f"/conversations/{cid}/tokens").json()["tokens"]] == [
        "revoked"
    ]


def test_headers_that_name_another_conversation_or_agent_are_refused(
    stack: Stack, admin: httpx.Client
) -> None:
    cid = conversation(admin, "conv-headers")
    token = stack.agent_token(cid, "agent-headers")
    before = stack.store.get("Case", ACME_CASE_ID)
    for header, value in (("X-Guardrail-Conversation", "conv-other"), ("X-Guardrail-Agent", "b")):
        sf = stack.salesforce(token=token)
        sf.session.headers[header] = value
        with pytest.raises(SalesforceRefusedRequest) as caught:
            sf.Case.update(ACME_CASE_ID, {"Priority": "High"})
        [error] = caught.value.content
        assert error["errorCode"] == "GUARDRAIL_TOKEN_SCOPE"
        assert f"{header} says {value!r}" in error["message"]
    assert stack.store.get("Case", ACME_CASE_ID) == before
    agreeing = stack.salesforce(token=token, conversation=cid, agent="agent-headers")
    assert agreeing.Case.update(ACME_CASE_ID, {"Priority": "Medium"}) == 204


def test_scopes_narrow_reads_and_writes(stack: Stack, admin: httpx.Client) -> None:
    cid = conversation(admin, "conv-scoped")
    token = stack.agent_token(
        cid, "agent-scoped", scopes={"objects": ["Case"], "operations": ["read", "update"]}
    )
    sf = stack.salesforce(token=token)

    def refusals() -> list[float]:  # counted under the object and operation asked for
        asked = [("Case", "create"), ("Case", "delete"), ("Account", "read")]
        found = []
        for sobject, operation in asked:
            labels = {"object": sobject, "operation": operation, "decision": "block"}
            try:
                found.append(counter(stack, "guardrail_requests", **labels))
            except AssertionError:  # no such series yet
                found.append(0.0)
        return found

    before = refusals()
    assert sf.Case.get(ACME_CASE_ID)["Id"] == ACME_CASE_ID
    assert sf.query(f"SELECT Id FROM Case WHERE Id = '{ACME_CASE_ID}'")["totalSize"] == 1
    assert sf.Case.update(ACME_CASE_ID, {"Priority": "Low"}) == 204
    refused = [
        (lambda: sf.Case.create({"Subject": "x", "Status": "New"}), "may not create Case"),
        (lambda: sf.Account.get(ACME_ACCOUNT_ID), "may not read Account"),
        (lambda: sf.query("SELECT Id FROM Account"), "may not read Account"),
        (lambda: sf.query("SELECT Id, Account.Name FROM Case"), "cannot tell which objects"),
        (lambda: sf.Case.delete(ACME_CASE_ID), "may not delete Case"),
    ]
    for call, words in refused:
        with pytest.raises(SalesforceRefusedRequest) as caught:
            call()
        assert words in caught.value.content[0]["message"]
    assert stack.store.get("Case", ACME_CASE_ID) is not None
    assert counter(stack, "guardrail_agent_tokens_refused", reason="scope") >= 5
    assert [a - b for a, b in zip(refusals(), before, strict=True)] == [1, 1, 2]


@pytest.mark.parametrize(
    ("job", "words"),
    [
        ({"object": "Account", "operation": "update"}, "may not update Account"),
        ({"object": "Case", "operation": "insert"}, "may not create Case"),
        ({"object": "Case", "operation": "delete"}, "may not delete Case"),
    ],
)
def test_a_scoped_token_may_not_create_a_bulk_job_its_rows_could_not_write(
    stack: Stack, admin: httpx.Client, job: dict[str, str], words: str
) -> None:
    cid = conversation(admin, "conv-scoped-bulk")
    token = stack.agent_token(
        cid, "agent-scoped", scopes={"objects": ["Case"], "operations": ["read", "update"]}
    )
    before = len(stack.store.bulk_jobs)
    answer = raw(stack, token, "POST", "/jobs/ingest", json={**job, "lineEnding": "LF"})
    assert answer.status_code == 403
    assert words in answer.json()[0]["message"]
    assert len(stack.store.bulk_jobs) == before
    allowed = raw(stack, token, "POST", "/jobs/ingest",
                  json={"object": "Case", "operation": "update", "lineEnding": "LF"})  # fmt: skip
    assert allowed.status_code == 200, allowed.text


def test_blocked_writes_still_read_as_blocked(stack: Stack, admin: httpx.Client) -> None:
    """A token changes who the agent is, not how its writes are judged."""
    cid = conversation(admin, "conv-judged")
    sf = stack.salesforce(token=stack.agent_token(cid, "agent-judged"))
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Case.create({"Subject": "x", "Status": "Open"})
    assert caught.value.content[0]["errorCode"] == "GUARDRAIL_PARAMETER_INVALID"


def test_the_crm_token_is_fetched_once_refreshed_before_expiry_and_after_a_crm_side_expiry(
    tmp_path: Path,
) -> None:
    """Sessions last 3 s at the sandbox; the proxy renews 1 s early. Mid-load, the sandbox
    ends every session: each write that met the 401 is sent again with a fresh token, and
    every write is saved exactly once."""
    sandbox = SandboxConfig(token_lifetime_seconds=3)
    credential = {
        "client_id": "sandbox-client",
        "client_secret": "sandbox-secret",
        "token_lifetime_seconds": 3,
        "refresh_margin_seconds": 1,
    }
    pack = parameters_pack(tmp_path / "policies")
    with Stack(
        tmp_path, auth_mode=AuthMode.TOKEN, sandbox=sandbox, credential=credential, policies=pack
    ) as stack:
        httpx.put(
            f"{stack.admin_url}/guardrail/v1/conversations/load", json=CONVERSATION
        ).raise_for_status()
        token = stack.agent_token("load", "agent-load")
        for _ in range(5):
            assert stack.salesforce(token=token).Case.get(ACME_CASE_ID)["Id"] == ACME_CASE_ID
        assert len(stack.oauth.issued) == 1  # fetched once, then cached

        time.sleep(2.1)  # inside the margin: renewed before the sandbox would refuse it
        stack.salesforce(token=token).Case.get(ACME_CASE_ID)
        assert len(stack.oauth.issued) == 2
        assert counter(stack, "guardrail_crm_credential_fetches", reason="rejected") == 0

        def create(n: int) -> str:
            created = stack.salesforce(token=token).Case.create(
                {"Subject": f"Load {n}", "Status": "New"}
            )
            return str(created["id"])

        with ThreadPoolExecutor(8) as pool:
            writes = [pool.submit(create, n) for n in range(40)]
            while sum(w.done() for w in writes) < 10:
                time.sleep(0.002)
            stack.oauth.expire_all()  # the CRM ends the proxy's session mid-load
            ids = [w.result() for w in writes]
        assert len(set(ids)) == 40
        subjects = [c["Subject"] for c in stack.store.records("Case") if "Load" in c["Subject"]]
        assert sorted(subjects) == sorted(f"Load {n}" for n in range(40))
        assert (
            counter(stack, "guardrail_crm_credential_fetches", reason="rejected", result="success")
            == 1
        )


def test_an_agent_token_in_x_sfdc_session_gets_the_bulk_api_10_refusal_in_its_format(
    stack: Stack, admin: httpx.Client, recorder: Recorder
) -> None:
    token = stack.agent_token(conversation(admin, "conv-bulk1"), "agent-bulk1")
    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.tls.ca_pem)
    url = f"{stack.proxy_url}/services/async/59.0/job"
    job = {"operation": "insert", "object": "Case", "contentType": "JSON"}
    sent = len(recorder.authorizations)

    as_json = session.post(url, json=job, headers={"X-SFDC-Session": token})
    assert as_json.status_code == 400
    assert as_json.json()["exceptionCode"] == "GUARDRAIL_UNSUPPORTED_ENDPOINT"
    assert "Bulk API 1.0" in as_json.json()["exceptionMessage"]

    as_xml = session.post(url, data=b"<jobInfo/>", headers={"X-SFDC-Session": token,
                                                           "Content-Type": "application/xml"})  # fmt: skip
    assert as_xml.status_code == 400
    assert "<exceptionCode>GUARDRAIL_UNSUPPORTED_ENDPOINT</exceptionCode>" in as_xml.text

    unknown = session.post(url, json=job, headers={"X-SFDC-Session": token[:-4] + "AAAA"})
    assert unknown.status_code == 401
    assert len(recorder.authorizations) == sent  # nothing reached the CRM


def test_a_check_bearing_an_agent_token_is_judged_as_that_tokens_request(
    stack: Stack, admin: httpx.Client
) -> None:
    """``POST /check`` with the agent's token judges the write as the proxy would: in the
    token's conversation, within its scopes, refused for a conversation it is not bound to."""
    cid = conversation(admin, "conv-checked")
    token = stack.agent_token(
        cid, "agent-checked", scopes={"objects": ["Case"], "operations": ["read", "update"]}
    )
    write = {"method": "POST", "path": "/services/data/v59.0/sobjects/Case",
             "body": {"Subject": "x", "Status": "New"},
             "headers": {"Authorization": f"Bearer {token}"}}  # fmt: skip

    def checked(**extra: Any) -> dict[str, Any]:
        answer = admin.post("/check", json={**write, **extra})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    proxied = raw(stack, token, "POST", "/sobjects/Case", json=write["body"])
    assert proxied.status_code == 403
    assert checked()["error"] == "GUARDRAIL_TOKEN_SCOPE"  # no create in its scopes
    elsewhere = checked(conversation_id="conv-elsewhere")
    assert "this agent token is bound to 'conv-checked'" in elsewhere["message"]
    unknown = {**write, "headers": {"Authorization": "Bearer gat_unknown"}}
    assert admin.post("/check", json=unknown).json()["error"] == "INVALID_SESSION_ID"
