"""An upsert judged as a create (its lookup found no record) that the CRM made as an update of a
record that existed, through the real proxy to the sandboxes, with the CRMs' own clients.

The record appears between the proxy's lookup and the write (made by a hook the moment the CRM
has answered the lookup: a race, or someone arranging one). An earlier subrequest of the same
composite cannot make it: such a composite is refused before it is sent (guardrail.crm.ordered). The CRM's answer says it updated; the decision is a post-fail naming what
happened, audited and alerted; a single-record write's agent is told so in the CRM's error
format; and the conversation records the update it was, of a record not created here, so a
later write to that record is judged as one to a record the agent never had grounds for.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from simple_salesforce.exceptions import SalesforceMalformedRequest
from zenpy.lib.api_objects import User
from zenpy.lib.exception import APIException

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, GLOBEX_ACCOUNT_ID
from guardrail.sandbox.zendesk.seed import ACME_ORG, ACME_USER, AGENT_EMAIL, GLOBEX_ORG
from guardrail.testing import Stack
from tests.helpers import Race, grounded_pack, through_a_stack, wait_for_alert

UPDATED = "CreateUpdatedExisting"
CREATED = "UpdateCreatedNew"
ZENDESK_PACK = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
_numbers = itertools.count()


def conversation(stack: Stack, customer: dict[str, Any]) -> str:
    """A fresh conversation with the verified ``customer``; its id."""
    name = f"race-{next(_numbers)}"
    httpx.put(
        f"{stack.admin_url}/guardrail/v1/conversations/{name}",
        json={"channel": "chat", "customer": {**customer, "verified": True},
              "turns": [{"role": "customer", "text": "My router arrived broken."}]},
        timeout=10,
    ).raise_for_status()  # fmt: skip
    return name


def writes(stack: Stack, name: str) -> list[dict[str, Any]]:
    """The writes the conversation ``name`` recorded: what each did, to which record."""
    url = f"{stack.admin_url}/guardrail/v1/conversations/{name}"
    found = httpx.get(url, timeout=10).json()["writes"]
    return [{k: w[k] for k in ("operation", "judged_as", "id", "decision")} for w in found]


def recorded(operation: str, record_id: Any, judged_as: str | None = None) -> dict[str, Any]:
    """A write as its conversation records it (every write here reached the CRM, a post-fail
    one too: one of its records was updated in a race)."""
    return {
        "operation": operation,
        "judged_as": judged_as,
        "id": record_id,
        "decision": "post-fail",
    }


def raced(record_id: Any) -> dict[str, Any]:
    """How the conversation records a create the CRM made as an update of ``record_id``."""
    return recorded("update", record_id, judged_as="create")


def decision(stack: Stack, decision_id: str) -> dict[str, Any]:
    url = f"{stack.admin_url}/guardrail/v1/decisions/{decision_id}"
    return dict(httpx.get(url, timeout=10).json())


def updated_rules(record: dict[str, Any]) -> list[tuple[str, int]]:
    """The ``CreateUpdatedExisting`` violations of an audited decision, by intent."""
    return [(v["rule"], v["intent"]) for v in record["violations"] if v["rule"] == UPDATED]


# -- Salesforce -------------------------------------------------------------------------------

SALESFORCE_CUSTOMER = {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": []}


@pytest.fixture(scope="module")
def race() -> Race:
    return Race()


# A case's Description is read back, and a failed read-back reverted; a sandbox trigger
# rewrites a Description of REWRITTEN on update, so the read-back of such a write fails.
READ_BACK = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: case-description-readback}
spec:
  match: {objects: [Case], operations: [create, update, upsert]}
  post:
    when: has(intent.fields.Description)
    readBack: true
    mode: sync
    onFailure: revert
"""
REWRITTEN = "Rewritten by a trigger"
TRIGGERS = {"triggers": [{"object": "Case", "operations": ["update"],
                          "when": {"Description": REWRITTEN}, "action": "set",
                          "field": "Description", "value": "Changed on save"}]}  # fmt: skip


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    race: Race,
    alerts: tuple[str, list[dict[str, Any]]],
) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("races")
    policies = grounded_pack(directory / "policies")
    (policies / "readback.yaml").write_text(READ_BACK)
    hook, _ = alerts
    with Stack(
        directory, auth_mode="token", policies=policies, transport=race.wrap,
        alerts={"webhook_url": hook},
    ) as running:  # fmt: skip
        httpx.put(f"{running.sandbox_url}/_sandbox/triggers", json=TRIGGERS).raise_for_status()
        yield running


class Agent:
    """A simple-salesforce agent in a conversation of its own with Acme's verified customer;
    ``decisions`` are the X-Guardrail-Decision of each answer it got."""

    def __init__(self, stack: Stack, version: str | None = None) -> None:
        self.conversation = conversation(stack, SALESFORCE_CUSTOMER)
        self.sf = stack.salesforce(token=stack.agent_token(self.conversation, "race-agent"))
        if version is not None:
            self.sf.sf_version = version
            self.sf.base_url = self.sf.base_url.replace("v59.0", f"v{version}")
        self.decisions: list[str] = []
        self.ids: list[str] = []
        self.sf.session.hooks["response"].append(self._seen)

    def _seen(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self.decisions.append(response.headers.get("X-Guardrail-Decision", "-"))
        self.ids.append(response.headers.get("X-Guardrail-Decision-Id", "-"))


def another_customers_case(stack: Stack, race: Race, value: str) -> str:
    """Arrange for Globex's case with External_Id__c ``value`` to appear right after the proxy
    looks that value up; the lookup's target."""
    lookup = f"/sobjects/Case/External_Id__c/{value}"
    race.arrange(lookup, lambda: stack.store.create("Case", {
        "Subject": "Globex printer", "AccountId": GLOBEX_ACCOUNT_ID, "External_Id__c": value,
    }))  # fmt: skip
    return lookup


def refused(call: Callable[[], Any]) -> dict[str, Any]:
    """The one error simple-salesforce raised for ``call``."""
    with pytest.raises(SalesforceMalformedRequest) as caught:
        call()
    [error] = caught.value.content
    return dict(error)


def test_an_upsert_whose_record_appears_after_its_lookup_is_told_audited_and_alerted(
    stack: Stack, race: Race, alerts: tuple[str, list[dict[str, Any]]]
) -> None:
    agent = Agent(stack)
    lookup = another_customers_case(stack, race, "GX-RACE-1")
    error = refused(lambda: agent.sf.Case.upsert("External_Id__c/GX-RACE-1",
                                                 {"Subject": "Router arrived broken"}))  # fmt: skip
    theirs = race.made[lookup]
    assert agent.decisions == ["post-fail"]
    assert error["errorCode"] == "GUARDRAIL_POST_VERIFY_FAILED"
    assert f"(guardrail/{UPDATED})" in error["message"]
    assert f"updated the existing Case {theirs}" in error["message"]
    assert "left as saved and reported" in error["message"]
    assert stack.store.get("Case", theirs)["Subject"] == "Router arrived broken"  # it landed

    record = decision(stack, agent.ids[0])
    assert record["decision"] == "post-fail"
    assert updated_rules(record) == [(UPDATED, 0)]
    [intent] = record["intents"]
    assert (intent["operation"], intent["saved_id"]) == ("create", theirs)  # as judged
    _, received = alerts
    alert = wait_for_alert(received, "guardrail", conversation=agent.conversation)
    assert (alert["decision"], alert["rule"], alert["object"]) == ("post-fail", UPDATED, "Case")
    assert writes(stack, agent.conversation) == [raced(theirs)]


def test_the_record_an_upsert_updated_in_a_race_is_not_the_agents_to_change_later(
    stack: Stack, race: Race
) -> None:
    agent = Agent(stack)
    lookup = another_customers_case(stack, race, "GX-RACE-2")
    refused(lambda: agent.sf.Case.upsert("External_Id__c/GX-RACE-2", {"Subject": "Router"}))
    theirs = race.made[lookup]

    error = refused(lambda: agent.sf.Case.update(theirs, {"Status": "Closed"}))
    assert "RecordGrounded" in error["message"]
    error = refused(lambda: agent.sf.Refund__c.create({"Amount__c": 10, "Case__c": theirs}))
    assert "CaseGrounded" in error["message"]
    assert stack.store.get("Case", theirs)["Status"] != "Closed"
    assert agent.decisions == ["post-fail", "block", "block"]


def test_before_api_46_an_upsert_that_updated_is_read_from_its_204(
    stack: Stack, race: Race
) -> None:
    agent = Agent(stack, version="45.0")
    lookup = another_customers_case(stack, race, "GX-RACE-3")
    error = refused(lambda: agent.sf.Case.upsert("External_Id__c/GX-RACE-3", {"Subject": "Old"}))
    assert f"(guardrail/{UPDATED})" in error["message"]
    assert "an existing Case (its answer did not say which)" in error["message"]
    assert stack.store.get("Case", race.made[lookup])["Subject"] == "Old"
    assert writes(stack, agent.conversation) == [raced(None)]


def test_a_collection_upsert_reports_the_records_the_crm_updated_and_owns_those_it_made(
    stack: Stack, race: Race
) -> None:
    agent = Agent(stack)
    lookup = another_customers_case(stack, race, "GX-RACE-4")
    records = [{"attributes": {"type": "Case"}, "External_Id__c": value, "Subject": "Router"}
               for value in ("GX-RACE-4", "AC-NEW-4")]  # fmt: skip
    rows = agent.sf.restful("composite/sobjects/Case/External_Id__c", method="PATCH",
                            json={"allOrNone": False, "records": records})  # fmt: skip
    theirs = race.made[lookup]
    assert [(r["success"], r["created"]) for r in rows] == [(True, False), (True, True)]
    mine = rows[1]["id"]
    assert agent.decisions == ["post-fail"]
    assert updated_rules(decision(stack, agent.ids[0])) == [(UPDATED, 0)]
    assert writes(stack, agent.conversation) == [
        raced(theirs),
        recorded("create", mine),
    ]
    assert (
        "RecordGrounded"
        in refused(lambda: agent.sf.Case.update(theirs, {"Priority": "Low"}))["message"]
    )
    assert agent.sf.Case.update(mine, {"Priority": "Low"}) == 204


def test_a_failed_read_back_of_a_record_updated_in_a_race_never_deletes_that_record(
    stack: Stack, race: Race
) -> None:
    """A revert undoes a create by deleting what it made; a record the CRM answered it
    updated was there before the write (another customer's), so it is not deleted: with no
    pre-image (a collection's records have none) it is left as saved and reported."""
    agent = Agent(stack)
    lookup = another_customers_case(stack, race, "GX-RACE-6")
    records = [{"attributes": {"type": "Case"}, "External_Id__c": "GX-RACE-6",
                "Subject": "Router", "Description": REWRITTEN}]  # fmt: skip
    agent.sf.restful("composite/sobjects/Case/External_Id__c", method="PATCH",
                     json={"allOrNone": False, "records": records})  # fmt: skip
    theirs = race.made[lookup]
    record = decision(stack, agent.ids[0])
    assert record["decision"] == "post-fail"
    assert {v["rule"] for v in record["violations"]} >= {UPDATED, "ReadBackMatches"}
    assert record["revert"] == "no_pre_image"
    saved = stack.store.get("Case", theirs)
    assert saved is not None
    assert saved["Description"] == "Changed on save"


@through_a_stack(examples=12)
@given(races=st.lists(st.booleans(), min_size=1, max_size=4))
def test_only_the_records_the_crm_made_for_the_agent_are_its_own(
    stack: Stack, race: Race, races: list[bool]
) -> None:
    """Whatever records of a collection upsert appear in a race, the conversation records
    each as the CRM made it: a created record is the agent's to change, an updated one is
    not; the write is a post-fail exactly when one was updated."""
    agent = Agent(stack)
    values = [f"PROP-{next(_numbers)}" for _ in races]
    for value, race_it in zip(values, races, strict=True):
        if race_it:
            another_customers_case(stack, race, value)
    records = [{"attributes": {"type": "Case"}, "External_Id__c": v, "Subject": "Router"}
               for v in values]  # fmt: skip
    rows = agent.sf.restful("composite/sobjects/Case/External_Id__c", method="PATCH",
                            json={"allOrNone": False, "records": records})  # fmt: skip
    assert [not r["created"] for r in rows] == races
    assert agent.decisions == ["post-fail" if any(races) else "allow"]
    history = writes(stack, agent.conversation)
    assert [w["operation"] for w in history] == ["update" if r else "create" for r in races]
    assert [w["judged_as"] for w in history] == ["create" if r else None for r in races]
    for row, race_it in zip(rows, races, strict=True):
        if race_it:
            error = refused(lambda row=row: agent.sf.Case.update(row["id"], {"Priority": "Low"}))
            assert "RecordGrounded" in error["message"]
        else:
            assert agent.sf.Case.update(row["id"], {"Priority": "Low"}) == 204


def a_case_gone_after_its_lookup(stack: Stack, race: Race, agent: Agent, value: str) -> str:
    """The customer's case with External_Id__c ``value``, read by ``agent``, deleted right
    after the proxy looks that value up (so the CRM makes a new one); its id."""
    case = stack.store.create("Case", {"Subject": "Acme router", "AccountId": ACME_ACCOUNT_ID,
                                       "External_Id__c": value})  # fmt: skip
    agent.sf.Case.get(case)
    race.arrange(f"/sobjects/Case/External_Id__c/{value}",
                 lambda: stack.store.delete("Case", case))  # fmt: skip
    return case


def arranged(stack: Stack, race: Race, agent: Agent, prefix: str, races: list[str]) -> list[str]:
    """An External_Id__c value per race: its record "appears" (another customer's) after the
    proxy's lookup, is "gone" (the customer's, deleted) after it, or is left ("none")."""
    values = [f"{prefix}-{next(_numbers)}" for _ in races]
    for value, how in zip(values, races, strict=True):
        if how == "appears":
            another_customers_case(stack, race, value)
        elif how == "gone":
            a_case_gone_after_its_lookup(stack, race, agent, value)
    return values


def upsert_in(agent: Agent, form: str, records: list[dict[str, Any]]) -> list[Any]:
    """Upsert ``records`` (Cases by External_Id__c) as ``form``: a collection upsert, or one
    sent as a composite's subrequest; each record's result."""
    base = "/services/data/v59.0/composite/sobjects/Case/External_Id__c"
    body = {"allOrNone": False, "records": [{"attributes": {"type": "Case"}, **r} for r in records]}
    if form == "collection":
        return list(agent.sf.restful(base.removeprefix("/services/data/v59.0/"), method="PATCH",
                                     json=body))  # fmt: skip
    answer = agent.sf.restful("composite", method="POST", json={"compositeRequest": [
        {"method": "PATCH", "url": base, "referenceId": "upserts", "body": body},
    ]})  # fmt: skip
    return list(answer["compositeResponse"][0]["body"])


@through_a_stack(examples=8)
@given(form=st.sampled_from(["collection", "composite"]), races=st.lists(
    st.sampled_from(["appears", "gone", "none"]), min_size=1, max_size=3))  # fmt: skip
def test_a_collection_upsert_saved_otherwise_than_judged_is_reported_sent_alone_or_in_a_composite(
    stack: Stack, race: Race, form: str, races: list[str]
) -> None:
    """Each record of a collection upsert, sent alone or as a composite's subrequest, that
    the CRM saved otherwise than it was judged (one judged a create the CRM made an update
    of a record that appeared; one judged an update of the customer's case the CRM made a
    new record, the case gone) is reported at its place, and the write is a post-fail
    exactly when one was."""
    agent = Agent(stack)
    values = arranged(stack, race, agent, "MIX", races)
    rows = upsert_in(agent, form, [{"External_Id__c": v, "Subject": "Router"} for v in values])
    assert [r["created"] for r in rows] == [how != "appears" for how in races]
    otherwise = {"appears": UPDATED, "gone": CREATED}
    expected = [(otherwise[how], n) for n, how in enumerate(races) if how in otherwise]
    record = decision(stack, agent.ids[-1])
    assert record["decision"] == ("post-fail" if expected else "allow")
    found = [
        (v["rule"], v["intent"]) for v in record["violations"] if v["rule"] in otherwise.values()
    ]
    assert found == expected
    history = writes(stack, agent.conversation)
    done = {"appears": ("update", "create"), "gone": ("create", "update"), "none": ("create", None)}
    assert [(w["operation"], w["judged_as"]) for w in history] == [done[how] for how in races]


def bulk_upsert(agent: Agent, values: list[str]) -> Any:
    """Upsert a Case per External_Id__c of ``values`` through a Bulk API 2.0 job, run it, and
    read its successful results (the answer to that read)."""
    jobs = f"{agent.sf.base_url}jobs/ingest"
    s, headers = agent.sf.session, agent.sf.headers
    made = s.post(jobs, headers=headers, json={"object": "Case", "operation": "upsert",
                  "externalIdFieldName": "External_Id__c", "lineEnding": "LF"})  # fmt: skip
    job = made.json()["id"]
    data = "External_Id__c,Subject\n" + "".join(f"{v},Router\n" for v in values)
    sent = s.put(f"{jobs}/{job}/batches", data=data.encode(),
                 headers={**headers, "Content-Type": "text/csv"})  # fmt: skip
    assert sent.status_code == 201, sent.text
    done = s.patch(f"{jobs}/{job}", headers=headers, json={"state": "UploadComplete"})
    assert done.json()["state"] == "JobComplete"
    return s.get(f"{jobs}/{job}/successfulResults", headers=headers)


@through_a_stack(examples=8)
@given(races=st.lists(st.sampled_from(["appears", "gone", "none"]), min_size=1, max_size=3))
def test_a_bulk_upsert_row_saved_otherwise_than_judged_is_reported_when_its_results_are_read(
    stack: Stack, race: Race, races: list[str]
) -> None:
    """Each row of a bulk upsert job is judged as the create or update its lookup found; the
    job runs later, and its successful results say what the CRM did (sf__Created). A row it
    saved the other way (the record appeared, or was gone, in between) is reported when the
    agent reads those results: a post-fail naming that row, and the conversation records
    what the CRM did."""
    agent = Agent(stack)
    values = arranged(stack, race, agent, "BULK", races)
    results = bulk_upsert(agent, values)
    assert results.status_code == 200
    otherwise = {"appears": UPDATED, "gone": CREATED}
    expected = sorted((otherwise[how], f"row {n}") for n, how in enumerate(races, start=1)
                      if how in otherwise)  # fmt: skip
    assert results.headers.get("X-Guardrail-Decision") == ("post-fail" if expected else None)
    if not expected:
        return
    record = decision(stack, results.headers["X-Guardrail-Decision-Id"])
    found = sorted((v["rule"], record["intents"][v["intent"]]["ref"])
                   for v in record["violations"])  # fmt: skip
    assert found == expected
    done = {"appears": ("update", "create"), "gone": ("create", "update")}
    reported = [(w["operation"], w["judged_as"]) for w in writes(stack, agent.conversation)
                if w["judged_as"]]  # fmt: skip
    assert sorted(reported) == sorted(done[how] for how in races if how in done)


def test_an_upsert_whose_record_is_gone_after_its_lookup_is_told_the_crm_made_a_new_one(
    stack: Stack, race: Race
) -> None:
    """Judged as an update of the customer's case its lookup found; the case was deleted
    before the write, so the CRM made a new case no create rule judged (a second case for
    the account, say). The agent is told; the new case is not taken as made here."""
    agent = Agent(stack)
    a_case_gone_after_its_lookup(stack, race, agent, "AC-GONE-1")
    error = refused(lambda: agent.sf.Case.upsert("External_Id__c/AC-GONE-1",
                                                 {"Subject": "Router arrived broken"}))  # fmt: skip
    assert error["errorCode"] == "GUARDRAIL_POST_VERIFY_FAILED"
    assert f"(guardrail/{CREATED})" in error["message"]
    [made] = [r["Id"] for r in stack.store.records("Case")
              if r["External_Id__c"] == "AC-GONE-1" and not r["IsDeleted"]]  # fmt: skip
    assert f"created a new Case {made}" in error["message"]
    assert writes(stack, agent.conversation) == [recorded("create", made, judged_as="update")]
    error = refused(lambda: agent.sf.Case.update(made, {"Status": "Closed"}))
    assert "RecordGrounded" in error["message"]


# -- Zendesk ----------------------------------------------------------------------------------

ZENDESK_CUSTOMER = {"account_ids": [str(ACME_ORG)], "contact_ids": [str(ACME_USER)]}


@pytest.fixture(scope="module")
def zendesk(tmp_path_factory: pytest.TempPathFactory, race: Race) -> Iterator[Stack]:
    from guardrail.sandbox.zendesk import ZendeskConfig, create_app

    with Stack(
        tmp_path_factory.mktemp("zendesk-races"), auth_mode="passthrough",
        crm=lambda: create_app(ZendeskConfig()), dialect="zendesk", policies=ZENDESK_PACK,
        hostnames=["acme.zendesk.test"], transport=race.wrap,
    ) as running:  # fmt: skip
        yield running


def test_a_zendesk_create_or_update_whose_user_appears_after_its_lookup_owns_nothing(
    zendesk: Stack, race: Race
) -> None:
    from guardrail.sandbox.zendesk import ZENDESK_STORE

    name = conversation(zendesk, ZENDESK_CUSTOMER)
    zenpy = zendesk.zendesk(conversation=name, email=AGENT_EMAIL, token="sandbox-api-token")
    seen: list[str] = []
    zenpy.users.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    email = "gail.race@globex.example"
    store = zendesk.crm_app[ZENDESK_STORE]
    race.arrange("users/search.json", lambda: store.create_user(
        {"name": "Gail", "email": email, "organization_id": GLOBEX_ORG}
    )["id"])  # fmt: skip

    with pytest.raises(APIException) as told:
        zenpy.users.create_or_update(User(name="Gail Racer", email=email, organization_id=ACME_ORG))
    theirs = race.made["users/search.json"]
    assert seen == ["post-fail"]
    assert UPDATED in str(told.value)
    assert store.fetch("user", theirs)["name"] == "Gail Racer"  # it landed
    assert writes(zendesk, name) == [raced(str(theirs))]

    with pytest.raises(APIException) as refused_later:
        zenpy.users.update(User(id=theirs, name="Gail Renamed"))
    assert "RecordGrounded" in str(refused_later.value)
    assert store.fetch("user", theirs)["name"] == "Gail Racer"
