"""Bulk API 2.0 ingest jobs through the proxy to the sandbox: every row judged, an upload with
one blocked row refused whole (nothing of it reaches the CRM), steps the proxy cannot judge
refused. Driven by simple-salesforce's Bulk 2.0 client and by plain HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, GLOBEX_ACCOUNT_ID
from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.helpers import grounded_pack

BASE = "/services/data/v59.0"
CONVERSATION = {
    "channel": "chat",
    "customer": {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [], "verified": True},
    "turns": [{"role": "customer", "text": "Please log these router faults as cases."}],
}


#: A row a person must approve: a Case at Priority High.
HIGH_HELD = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: high-held}
spec:
  match: {objects: [Case], operations: [create]}
  rules:
    - name: HighApproved
      expression: '!has(intent.fields.Priority) || intent.fields.Priority != "High"'
      message: A High-priority case needs a supervisor.
      action: hold
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("bulk")
    policies = grounded_pack(directory / "policies")
    (policies / "high-held.yaml").write_text(HIGH_HELD)
    with Stack(directory, auth_mode="passthrough", policies=policies) as running:
        yield running


def conversation(stack: Stack, name: str) -> str:
    url = f"{stack.admin_url}/guardrail/v1/conversations/{name}"
    httpx.put(url, json=CONVERSATION, timeout=10).raise_for_status()
    return name


@pytest.fixture
def sf(stack: Stack, request: pytest.FixtureRequest) -> Any:
    name = conversation(stack, f"bulk-{request.node.name}"[:60])
    return stack.salesforce(conversation=name, agent="agent-bulk")


def http(stack: Stack, name: str) -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.verify = str(stack.tls.ca_pem)
    s.headers.update({"Authorization": f"Bearer {SANDBOX_TOKEN}",
                      "X-Guardrail-Conversation": name})  # fmt: skip
    return s


def new_job(stack: Stack, s: requests.Session, **spec: Any) -> str:
    body = {"object": "Case", "operation": "insert", "lineEnding": "LF", **spec}
    answer = s.post(f"{stack.proxy_url}{BASE}/jobs/ingest", json=body)
    assert answer.status_code == 200, answer.text
    job_id: str = answer.json()["id"]
    return job_id


def upload(stack: Stack, s: requests.Session, job_id: str, data: str) -> requests.Response:
    return s.put(f"{stack.proxy_url}{BASE}/jobs/ingest/{job_id}/batches", data=data.encode(),
                 headers={"Content-Type": "text/csv"})  # fmt: skip


def subjects(stack: Stack) -> set[str]:
    return {c["Subject"] for c in stack.store.records("Case")}


def test_a_good_batch_lands(stack: Stack, sf: Any) -> None:
    records = [
        {"Subject": "Bulk router 1", "Status": "New", "AccountId": ACME_ACCOUNT_ID},
        {"Subject": "Bulk router 2", "Status": "Working", "AccountId": ACME_ACCOUNT_ID},
    ]
    [result] = sf.bulk2.Case.insert(records=records)
    assert (result["numberRecordsProcessed"], result["numberRecordsFailed"]) == (2, 0)
    assert {"Bulk router 1", "Bulk router 2"} <= subjects(stack)


def test_a_batch_with_one_bad_row_is_refused_with_its_reason_and_nothing_lands(
    stack: Stack, sf: Any
) -> None:
    records = [
        {"Subject": "Bulk modem 1", "Status": "New", "AccountId": ACME_ACCOUNT_ID},
        {"Subject": "Bulk modem 2", "Status": "New", "AccountId": GLOBEX_ACCOUNT_ID},
        {"Subject": "Bulk modem 3", "Status": "New", "AccountId": ACME_ACCOUNT_ID},
    ]
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.bulk2.Case.insert(records=records)
    errors = refused.value.content
    assert errors[0]["errorCode"] == "GUARDRAIL_BULK_UPLOAD_REFUSED"
    assert "rows 2 (of 3)" in errors[0]["message"]
    assert errors[1]["message"].startswith("Row 2: blocked by crm-guardrail")
    assert "AccountIdGrounded" in errors[1]["message"]
    assert not {"Bulk modem 1", "Bulk modem 2", "Bulk modem 3"} & subjects(stack)
    jobs = [j for j in stack.store.bulk_jobs.values() if j.data is None]
    assert jobs  # the CRM got the job, never its data


def test_a_delete_job_deletes_only_what_the_conversation_grounds(stack: Stack) -> None:
    name = conversation(stack, "bulk-delete")
    s = http(stack, name)

    async def make(account: str) -> str:
        return stack.store.create("Case", {"Subject": "Bulk delete", "AccountId": account})

    theirs = stack.call(lambda: make(GLOBEX_ACCOUNT_ID))
    job = new_job(stack, s, operation="delete")
    answer = upload(stack, s, job, f"Id\n{theirs}\n")
    assert answer.status_code == 400
    assert "RecordGrounded" in answer.json()[1]["message"]
    done = s.patch(f"{stack.proxy_url}{BASE}/jobs/ingest/{job}", json={"state": "UploadComplete"})
    assert done.json()[0]["errorCode"] == "GUARDRAIL_BULK_JOB_REFUSED"
    assert stack.store.get("Case", theirs) is not None


def test_an_upsert_job_is_judged_against_the_records_it_names(stack: Stack) -> None:
    name = conversation(stack, "bulk-upsert")
    s = http(stack, name)

    async def make() -> str:
        return stack.store.create("Case", {"Subject": "Globex bulk", "External_Id__c": "GXB-1",
                                           "AccountId": GLOBEX_ACCOUNT_ID})  # fmt: skip

    theirs = stack.call(make)
    job = new_job(stack, s, operation="upsert", externalIdFieldName="External_Id__c")
    answer = upload(stack, s, job, "External_Id__c,Subject\nGXB-1,Hijacked\n")
    assert "RecordGrounded" in answer.json()[1]["message"]
    assert stack.store.get("Case", theirs)["Subject"] == "Globex bulk"


def test_an_update_job_of_a_grounded_case_is_processed(stack: Stack) -> None:
    name = conversation(stack, "bulk-update")
    s = http(stack, name)
    s.get(f"{stack.proxy_url}{BASE}/sobjects/Case/{ACME_CASE_ID}").raise_for_status()
    job = new_job(stack, s, operation="update")
    assert (
        upload(stack, s, job, f'Id,Subject\n{ACME_CASE_ID},"Damaged, twice"\n').status_code == 201
    )
    again = upload(stack, s, job, f"Id,Subject\n{ACME_CASE_ID},Second upload\n")
    assert again.json()[0]["errorCode"] == "GUARDRAIL_BULK_JOB_REFUSED"
    done = s.patch(f"{stack.proxy_url}{BASE}/jobs/ingest/{job}", json={"state": "UploadComplete"})
    assert done.json()["state"] == "JobComplete"
    assert stack.store.get("Case", ACME_CASE_ID)["Subject"] == "Damaged, twice"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ('Subject,Status\n"Open quote,New\n', "not closed"),
        ("Subject,Status\nOne,New\r\nTwo,New\n", "line ending"),
        ('Subject,Status\nSa"y,New\n', "quote inside"),
        ("Subject,Status\nOne,New,Extra\n", "3 values"),
        ("Subject,subject\nOne,Two\n", "twice"),
        ("Subject,Account.External_Id__c\nOne,ACME-001\n", "related record"),
    ],
)
def test_csv_the_crm_could_read_otherwise_is_refused_and_not_sent(
    stack: Stack, data: str, words: str
) -> None:
    name = conversation(stack, "bulk-malformed")
    s = http(stack, name)
    job = new_job(stack, s)
    before = stack.store.requests.total
    answer = upload(stack, s, job, data)
    assert answer.status_code == 400
    assert words in answer.json()[0]["message"]
    assert stack.store.requests.total == before


@pytest.mark.parametrize(
    ("operation", "data"),
    [("update", "Id,Subject\n#N/A,x\n"), ("update", "Id,Subject\n,x\n"), ("delete", "Id\n#N/A\n")],
)
def test_a_row_that_changes_no_named_record_is_refused_and_not_sent(
    stack: Stack, operation: str, data: str
) -> None:
    """Judged as a change of no record, such a row met no grounding rule at all."""
    s = http(stack, conversation(stack, "bulk-no-id"))
    job = new_job(stack, s, operation=operation)
    before = stack.store.requests.total
    answer = upload(stack, s, job, data)
    assert answer.status_code == 400
    assert "gives no Id" in answer.json()[0]["message"]
    assert stack.store.requests.total == before


def test_jobs_the_proxy_cannot_judge_are_refused(stack: Stack) -> None:
    name = conversation(stack, "bulk-refused")
    s = http(stack, name)
    hard = s.post(f"{stack.proxy_url}{BASE}/jobs/ingest",
                  json={"object": "Case", "operation": "hardDelete"})  # fmt: skip
    assert "hardDelete" in hard.json()[0]["message"]

    direct = httpx.post(f"{stack.sandbox_url}{BASE}/jobs/ingest",
                        json={"object": "Case", "operation": "insert"},
                        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"})  # fmt: skip
    unknown = upload(stack, s, direct.json()["id"], "Subject\nSneaky\n")
    assert unknown.json()[0]["errorCode"] == "GUARDRAIL_BULK_JOB_REFUSED"

    job = new_job(stack, s)
    other = http(stack, conversation(stack, "bulk-other"))
    crossed = upload(stack, other, job, "Subject\nCrossed\n")
    assert crossed.json()[0]["errorCode"] == "GUARDRAIL_BULK_JOB_REFUSED"
    assert not {"Sneaky", "Crossed"} & subjects(stack)


def test_a_query_job_is_a_read(stack: Stack) -> None:
    s = http(stack, conversation(stack, "bulk-query"))
    answer = s.post(f"{stack.proxy_url}{BASE}/jobs/query",
                    json={"operation": "query", "query": "SELECT Id FROM Case"})  # fmt: skip
    assert answer.status_code == 404  # the sandbox has no query jobs; the proxy forwarded it


def test_an_upsert_by_id_row_without_an_id_is_judged_as_the_create_it_makes(
    stack: Stack,
) -> None:
    s = http(stack, conversation(stack, "bulk-upsert-create"))
    job = new_job(stack, s, operation="upsert", externalIdFieldName="Id")
    answer = upload(stack, s, job, "Id,Subject\n,Created by upsert\n")
    assert answer.status_code == 201, answer.text
    decision = httpx.get(
        f"{stack.admin_url}/guardrail/v1/decisions/{answer.headers['X-Guardrail-Decision-Id']}",
        timeout=10,
    ).json()
    [intent] = decision["intents"]
    assert (intent["operation"], intent["external_id_field"]) == ("create", None)


@pytest.mark.parametrize("step", ["create", "complete"])
def test_a_behaviour_header_on_a_bulk_step_that_judges_no_row_is_refused(
    stack: Stack, step: str
) -> None:
    """Headers on the job's creation or completion would apply to rows judged without them."""
    s = http(stack, conversation(stack, f"bulk-header-{step}"))
    header = {"Sforce-Auto-Assign": "FALSE"}
    if step == "create":
        body = {"object": "Case", "operation": "insert", "lineEnding": "LF"}
        answer = s.post(f"{stack.proxy_url}{BASE}/jobs/ingest", json=body, headers=header)
    else:
        job = new_job(stack, s)
        assert upload(stack, s, job, "Subject\nHeadered\n").status_code == 201
        answer = s.patch(f"{stack.proxy_url}{BASE}/jobs/ingest/{job}",
                         json={"state": "UploadComplete"}, headers=header)  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()[0]["errorCode"] == "GUARDRAIL_AMBIGUOUS_REQUEST"
    assert "Headered" not in subjects(stack)


def test_a_bulk_job_step_inside_a_composite_is_refused(stack: Stack) -> None:
    """Inside a composite, a job's completion would skip the check that its upload was judged."""
    s = http(stack, conversation(stack, "bulk-composite"))
    job = new_job(stack, s)
    sub = {"method": "PATCH", "url": f"{BASE}/jobs/ingest/{job}", "referenceId": "done",
           "body": {"state": "UploadComplete"}}  # fmt: skip
    answer = s.post(f"{stack.proxy_url}{BASE}/composite", json={"compositeRequest": [sub]})
    assert answer.status_code == 400
    assert answer.json()[0]["errorCode"] == "GUARDRAIL_UNSUPPORTED_ENDPOINT"
    assert stack.store.bulk_jobs[job].state == "Open"


def check(stack: Stack, name: str, job: str, data: str) -> dict[str, Any]:
    """What ``POST /check`` answers for uploading ``data`` to ``job`` in conversation ``name``."""
    answer = httpx.post(f"{stack.admin_url}/guardrail/v1/check", json={
        "method": "PUT", "path": f"{BASE}/jobs/ingest/{job}/batches", "body": data,
        "headers": {"Content-Type": "text/csv"}, "conversation_id": name,
    }, timeout=10)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def both_doors(stack: Stack, name: str, data: str) -> tuple[dict[str, Any], requests.Response]:
    """A new job in conversation ``name``, its upload of ``data`` checked, then sent."""
    s = http(stack, name)
    job_id = new_job(stack, s)
    return check(stack, name, job_id, data), upload(stack, s, job_id, data)


def test_the_check_api_judges_an_upload_by_its_job_as_the_proxy_does(stack: Stack) -> None:
    """``POST /check`` reads an upload's rows by the job the proxy saw created, so it blocks the
    row the proxy blocks; an upload to a job it never saw is refused, as the proxy refuses it
    (it used to allow any upload: no rows, nothing to judge)."""
    name = conversation(stack, "bulk-checked")
    data = f"Subject,AccountId\nMine,{ACME_ACCOUNT_ID}\nTheirs,{GLOBEX_ACCOUNT_ID}\n"
    checked, proxied = both_doors(stack, name, data)
    assert (checked["decision"], proxied.headers["X-Guardrail-Decision"]) == ("block", "block")
    assert {v["rule"] for v in checked["violations"]} == {"AccountIdGrounded"}
    unknown = check(stack, name, "750000000000000AAA", data)
    assert (unknown["decision"], unknown["error"]) == ("block", "GUARDRAIL_BULK_JOB_REFUSED")


def test_an_upload_with_a_row_held_for_approval_is_refused_whole_at_both_doors(
    stack: Stack,
) -> None:
    """A bulk job cannot wait for a person: an upload one of whose rows a policy holds is
    refused whole, nothing of it sent, and the check API says so before (it used to answer
    ``hold``, a promise the proxy does not keep)."""
    data = f"Subject,AccountId,Priority\nHeld row,{ACME_ACCOUNT_ID},High\n"
    checked, proxied = both_doors(stack, conversation(stack, "bulk-held"), data)
    assert (checked["decision"], checked["error"]) == ("block", "GUARDRAIL_UNSUPPORTED_ENDPOINT")
    assert proxied.status_code == 400
    assert proxied.json()[0]["errorCode"] == checked["error"]
    assert "single write" in proxied.json()[0]["message"]
    assert "Held row" not in subjects(stack)


def test_a_second_upload_to_a_job_is_refused_at_both_doors(stack: Stack) -> None:
    name = conversation(stack, "bulk-second")
    s = http(stack, name)
    job_id = new_job(stack, s)
    first = f"Subject,AccountId\nFirst upload,{ACME_ACCOUNT_ID}\n"
    assert check(stack, name, job_id, first)["decision"] == "allow"
    assert upload(stack, s, job_id, first).status_code == 201
    second = f"Subject,AccountId\nSecond upload,{ACME_ACCOUNT_ID}\n"
    checked = check(stack, name, job_id, second)
    proxied = upload(stack, s, job_id, second)
    assert (checked["decision"], checked["error"]) == ("block", "GUARDRAIL_BULK_JOB_REFUSED")
    assert proxied.status_code == 400
    assert proxied.json()[0]["errorCode"] == checked["error"]
