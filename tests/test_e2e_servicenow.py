"""End to end: the real pysnc client, unchanged, over TLS with a test CA, through the proxy, to
the ServiceNow sandbox instance, judged by the shipped ServiceNow contact-center pack. What the
agent sees, and what the instance ends up holding."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from pysnc.exceptions import AuthenticationException, RequestException

from guardrail.config import AuthMode
from guardrail.sandbox.servicenow import INSTANCE, InstanceStore, create_app
from guardrail.sandbox.servicenow.seed import (
    ACME_ACCOUNT_ID,
    ACME_CASE_ID,
    ACME_CONTACT_ID,
    AGENT_USER_ID,
    GLOBEX_ACCOUNT_ID,
    GLOBEX_CONTACT_ID,
    GROUP_IDS,
)
from guardrail.testing import Stack

PACK = Path(__file__).resolve().parent.parent / "policies" / "servicenow-contact-center"
CASE = "sn_customerservice_case"
TURNS = [
    {"role": "customer", "text": "I was charged twice for my plan this month, please sort it out."},
    {"role": "agent", "text": "I'm sorry about that, I'll open a billing case for you."},
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("servicenow")
    with Stack(
        directory, auth_mode=AuthMode.PASSTHROUGH, crm=create_app, dialect="servicenow",
        policies=PACK,
    ) as running:  # fmt: skip
        yield running


@pytest.fixture(scope="module")
def store(stack: Stack) -> InstanceStore:
    found: InstanceStore = stack.crm_app[INSTANCE]
    return found


@pytest.fixture
def conversation(stack: Stack, request: pytest.FixtureRequest) -> str:
    """A conversation with Acme's verified contact about a double charge."""
    name = f"conv-{request.node.name[:40]}"
    answer = httpx.put(
        f"{stack.admin_url}/guardrail/v1/conversations/{name}",
        json={"channel": "voice", "turns": TURNS,
              "customer": {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID],
                           "verified": True}},
        timeout=10,
    )  # fmt: skip
    answer.raise_for_status()
    return name


@pytest.fixture
def client(stack: Stack, conversation: str) -> Any:
    return stack.servicenow(conversation=conversation, agent="agent-e2e")


def decisions(client: Any) -> list[str]:
    """The X-Guardrail-Decision of every response the client gets from now on."""
    seen: list[str] = []
    client.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    return seen


def new_case(client: Any, **fields: str) -> Any:
    case = client.GlideRecord(CASE)
    case.initialize()
    values = {"short_description": "Charged twice this month", "account": ACME_ACCOUNT_ID,
              "contact": ACME_CONTACT_ID, "category": "billing",
              "assignment_group": GROUP_IDS["Billing"], **fields}  # fmt: skip
    for name, value in values.items():
        setattr(case, name, value)
    return case


def test_valid_creates_updates_and_deletes_reach_the_instance(
    stack: Stack, store: InstanceStore, client: Any
) -> None:
    seen = decisions(client)
    case = new_case(client)
    sys_id = case.insert()
    saved = store.get(CASE, str(sys_id))
    assert saved is not None
    assert (saved["account"], saved["category"]) == (ACME_ACCOUNT_ID, "billing")

    case.work_notes = "Customer reports being charged twice this month."
    case.state = "10"
    assert case.update()
    assert store.get(CASE, str(sys_id))["state"] == "10"  # type: ignore[index]
    assert store.notes(CASE, str(sys_id), "work_notes") == [
        "Customer reports being charged twice this month."
    ]

    assert case.delete() is True
    assert store.get(CASE, str(sys_id)) is None
    assert seen == ["allow"] * 3


def test_a_record_the_agent_read_can_be_updated_in_a_batch(
    store: InstanceStore, client: Any
) -> None:
    cases = client.GlideRecord(CASE)
    cases.add_query("account", ACME_ACCOUNT_ID)
    cases.query()
    assert len(cases) == 1
    for case in cases:
        case.priority = "2"
    assert cases.update_multiple() is True
    assert store.get(CASE, ACME_CASE_ID)["priority"] == "2"  # type: ignore[index]


def _create(**fields: str) -> Callable[[Any], Any]:
    return lambda client: new_case(client, **fields).insert()


def _incident(client: Any) -> Any:
    incident = client.GlideRecord("incident")
    incident.initialize()
    incident.short_description = "Charged twice"
    incident.caller_id = GLOBEX_CONTACT_ID
    return incident.insert()


@pytest.mark.parametrize(
    ("write", "rule", "words"),
    [
        (_create(category="refunds"), "case-fields/ParameterValidation.enum",
         "'refunds' is not an allowed value"),
        (_create(u_sentiment="angry"), "case-fields/ParameterValidation.additionalProperties",
         "u_sentiment is not a field"),
        (_create(account=GLOBEX_ACCOUNT_ID), "grounded-references/AccountGrounded",
         "is not the verified customer's account"),
        (_incident, "grounded-references/CallerGrounded", "is not the verified customer"),
        (_create(work_notes="Refund to card 4111 1111 1111 1111"),
         "notes-no-sensitive-data/NoCardOrSsnInNotes", "card number"),
        (_create(assignment_group=GROUP_IDS["Technical Support"]),
         "case-assignment-routing/GroupMatchesCategory", "does not handle cases of category"),
    ],
    ids=["bad-choice", "unknown-field", "other-customers-account", "other-customers-caller",
         "card-number-in-note", "wrong-assignment-group"],
)  # fmt: skip
def test_refused_writes_raise_pysncs_exception_with_servicenows_error_and_change_nothing(
    store: InstanceStore, client: Any, write: Callable[[Any], Any], rule: str, words: str
) -> None:
    before = copy.deepcopy(store.rows)
    store.changes.clear()
    seen = decisions(client)
    with pytest.raises(RequestException) as caught:
        write(client)
    [error] = caught.value.args
    assert error["status"] == "failure"
    assert f"({rule})" in error["error"]["message"]
    assert words in error["error"]["message"]
    assert seen == ["block"]
    assert store.changes == []
    assert store.rows == before


@pytest.mark.parametrize("assignee", ["never-read", "another-customers-contact", "own-contact"])
def test_a_case_is_assigned_only_to_an_agent_the_conversation_read(
    store: InstanceStore, client: Any, assignee: str
) -> None:
    """assigned_to names a sys_user, and a customer contact is one (customer_contact extends
    sys_user; the Table API applies no reference qualifier): the instance mails the assignee
    the case. So it must be an agent the agent read, never a customer, another's or this one."""
    person = {"never-read": AGENT_USER_ID, "another-customers-contact": GLOBEX_CONTACT_ID,
              "own-contact": ACME_CONTACT_ID}[assignee]  # fmt: skip
    client.GlideRecord("customer_contact").get(GLOBEX_CONTACT_ID)  # read: grounded, not theirs
    case = client.GlideRecord(CASE)
    assert case.get(ACME_CASE_ID)
    before = copy.deepcopy(store.rows)
    case.assigned_to = person
    with pytest.raises(RequestException) as caught:
        case.update()
    [error] = caught.value.args
    assert "(people-grounded/AssigneeIsAgent)" in error["error"]["message"]
    assert store.rows == before

    agent = client.GlideRecord("sys_user")
    assert agent.get(AGENT_USER_ID)  # an agent, read: the case may be theirs to work
    case.assigned_to = AGENT_USER_ID
    assert case.update()
    assert store.get(CASE, ACME_CASE_ID)["assigned_to"] == AGENT_USER_ID  # type: ignore[index]


def test_an_agent_token_is_swapped_for_the_proxys_own_credential(tmp_path: Path) -> None:
    """Token binding: pysnc bears an agent token bound to the conversation; the proxy presents
    its own OAuth token (client credentials at /oauth_token.do) to the instance."""
    with Stack(
        tmp_path,
        auth_mode=AuthMode.TOKEN,
        crm=create_app,
        dialect="servicenow",
        policies=PACK,
    ) as stack:
        url = f"{stack.admin_url}/guardrail/v1/conversations/conv-token"
        customer = {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [ACME_CONTACT_ID],
                    "verified": True}  # fmt: skip
        httpx.put(url, json={"channel": "chat", "turns": TURNS, "customer": customer},
                  timeout=10).raise_for_status()  # fmt: skip
        agent = stack.servicenow(auth=stack.agent_token("conv-token", "agent-token"))
        sys_id = new_case(agent).insert()
        store: InstanceStore = stack.crm_app[INSTANCE]
        assert store.get(CASE, str(sys_id)) is not None

        with pytest.raises(RequestException) as refused:
            new_case(agent, account=GLOBEX_ACCOUNT_ID).insert()
        assert "AccountGrounded" in refused.value.args[0]["error"]["message"]

        stranger = stack.servicenow(auth="not-a-token")
        with pytest.raises(AuthenticationException):
            stranger.GlideRecord(CASE).get(ACME_CASE_ID)


def test_a_batch_is_saved_in_part_as_the_instance_saves_it(
    stack: Stack, store: InstanceStore, client: Any
) -> None:
    """pysnc's update_multiple sends one batch; the request with a card number in its note is
    refused with ServiceNow's error, the other is forwarded and saved, and pysnc reports the
    batch as not wholly updated."""
    first = new_case(client, short_description="First", category="return",
                     assignment_group=GROUP_IDS["Returns"])  # fmt: skip
    second = new_case(client, short_description="Second", category="other")
    ids = [str(first.insert()), str(second.insert())]
    cases = client.GlideRecord(CASE)
    cases.add_query("sys_id", "IN", ",".join(ids))
    cases.query()
    answers: list[Any] = []
    for case in cases:
        case.work_notes = (
            "Card 4111 1111 1111 1111" if case.short_description == "First" else "Called back."
        )
    assert cases.update_multiple(custom_handler=answers.append) is True
    assert sorted(a.status_code for a in answers) == [200, 400]
    [refused] = [a.json() for a in answers if a.status_code == 400]
    assert "(notes-no-sensitive-data/NoCardOrSsnInNotes)" in refused["error"]["message"]
    assert store.notes(CASE, ids[0], "work_notes") == []
    assert store.notes(CASE, ids[1], "work_notes") == ["Called back."]


def test_an_oauth_token_fetched_through_the_proxy_carries_pysncs_writes(
    stack: Stack, store: InstanceStore, conversation: str
) -> None:
    """OAuth in pass-through: the token exchange (a form POST to /oauth_token.do) writes no
    record and is forwarded; the bearer token it returns carries pysnc's writes."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.tls.ca_pem)
    answer = session.post(
        f"{stack.proxy_url}/oauth_token.do",
        data={"grant_type": "password", "client_id": "sandbox-client",
              "client_secret": "sandbox-secret", "username": "admin",
              "password": "sandbox-password"},
        timeout=10,
    )  # fmt: skip
    assert answer.status_code == 200
    client = stack.servicenow(conversation=conversation, auth=answer.json()["access_token"])
    sys_id = new_case(client, category="technical", assignment_group=GROUP_IDS["Technical Support"],
                      short_description="Router drops every evening").insert()  # fmt: skip
    assert store.get(CASE, str(sys_id)) is not None


def test_the_import_set_api_is_refused_with_servicenows_error(
    stack: Stack, store: InstanceStore, conversation: str
) -> None:
    """The instance would transform the row into an incident through a transform map the proxy
    cannot see: refused, nothing staged or written (the sandbox would have made an incident)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(stack.tls.ca_pem)
    session.auth = ("admin", "sandbox-password")
    incidents = len(store.records("incident"))
    answer = session.post(
        f"{stack.proxy_url}/api/now/import/u_incident_import",
        json={"u_short_description": "Imported", "u_caller_id": GLOBEX_CONTACT_ID},
        headers={"X-Guardrail-Conversation": conversation},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["status"] == "failure"
    assert "Import Set API" in answer.json()["error"]["message"]
    assert answer.headers["X-Guardrail-Decision"] == "block"
    assert len(store.records("incident")) == incidents


def test_an_attachment_upload_is_refused_as_an_endpoint_the_proxy_does_not_judge(
    store: InstanceStore, client: Any
) -> None:
    """pysnc's add_attachment posts the file's bytes to the Attachment API: refused naming the
    endpoint and where to write instead (not as a body to resend as JSON), nothing stored."""
    case = client.GlideRecord(CASE)
    assert case.get(ACME_CASE_ID)
    store.changes.clear()
    with pytest.raises(RequestException) as caught:
        case.add_attachment("invoice.png", b"\x89PNG not really", "image/png")
    [error] = caught.value.args
    assert (
        "does not know how to check POST /api/now/v1/attachment/file" in error["error"]["message"]
    )
    assert "Write through the Table API" in error["error"]["message"]
    assert store.changes == []


@pytest.mark.parametrize(
    ("table", "sys_id", "cleared"),
    [
        ("customer_contact", ACME_CONTACT_ID, "sn_customerservice_case.contact"),
        ("customer_account", ACME_ACCOUNT_ID, "customer_contact.account"),
    ],
    ids=["contact", "account"],
)
def test_the_customers_own_account_or_contact_is_never_deleted_alone_or_in_a_batch(
    store: InstanceStore, client: Any, table: str, sys_id: str, cleared: str
) -> None:
    """Refused before the pack's customer-deletion rules: deleting either clears the references
    to it (a case's contact, a contact's account), records the delete does not name."""
    record = client.GlideRecord(table)
    assert record.get(sys_id)
    seen = decisions(client)
    with pytest.raises(RequestException) as caught:
        record.delete()
    message = caught.value.args[0]["error"]["message"]
    assert cleared in message
    assert "update" in message  # what to do instead
    batch = client.GlideRecord(table)
    batch.add_query("sys_id", sys_id)
    with pytest.raises(RequestException) as refused:
        batch.delete_multiple()
    assert cleared in refused.value.args[0]["error"]["message"]
    assert seen == ["block", "-", "block"]  # the delete; the batch's query (a read), itself
    assert store.get(table, sys_id) is not None
