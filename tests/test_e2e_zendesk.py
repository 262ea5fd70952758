"""End to end: zenpy, unchanged, over TLS with a test CA, through the proxy, to the Zendesk
sandbox. zenpy builds its URL as https://{subdomain}.{domain}; a requests transport pinned to
the proxy's address keeps that host name for SNI and the certificate, so nothing on the machine
is configured. What the agent sees, and what the CRM ends up holding."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from zenpy import Zenpy
from zenpy.lib.api_objects import Comment, CustomField, Ticket
from zenpy.lib.exception import APIException

from guardrail.cli import main
from guardrail.proxy import DECISION_ID_HEADER
from guardrail.sandbox.zendesk import ZENDESK_STORE, ZendeskConfig, create_app
from guardrail.sandbox.zendesk.fields import CONTACT_REASON_FIELD, REFUND_AMOUNT_FIELD
from guardrail.sandbox.zendesk.seed import (
    ACME_ORG,
    ACME_TICKET,
    ACME_USER,
    AGENT_EMAIL,
    AGENT_USER,
    BILLING_GROUP,
    GLOBEX_ORG,
    GLOBEX_TICKET,
    GLOBEX_USER,
    TECHNICAL_GROUP,
)
from guardrail.testing import Stack
from tests.helpers import zendesk_problem

PACK = Path(__file__).parent.parent / "policies" / "zendesk-contact-center"
HOST = "acme.zendesk.test"
CONVERSATION = "conv-zendesk-e2e"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("zendesk")
    with Stack(
        directory,
        auth_mode="passthrough",
        crm=lambda: create_app(ZendeskConfig()),
        hostnames=[HOST],
        dialect="zendesk",
        policies=PACK,
    ) as running:
        answer = httpx.put(
            f"{running.admin_url}/guardrail/v1/conversations/{CONVERSATION}",
            json={
                "channel": "chat",
                "customer": {
                    "account_ids": [str(ACME_ORG)],
                    "contact_ids": [str(ACME_USER)],
                    "verified": True,
                },
                "turns": [
                    {"role": "customer", "text": "Hi, I was charged twice on my last invoice."},
                    {"role": "agent", "text": "Sorry about that, let me open a ticket."},
                ],
            },
            timeout=10,
        )
        answer.raise_for_status()
        yield running


@pytest.fixture
def zenpy(stack: Stack) -> Zenpy:
    return stack.zendesk(
        conversation=CONVERSATION, agent="agent-zendesk-e2e", email=AGENT_EMAIL,
        token="sandbox-api-token",
    )  # fmt: skip


def tickets(stack: Stack) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        store = stack.crm_app[ZENDESK_STORE]
        return sorted(store.records("ticket") + store.records("comment"), key=lambda r: r["id"])

    return stack.call(read)


def billing_ticket(**changes: Any) -> Ticket:
    values: dict[str, Any] = {
        "subject": "Charged twice",
        "requester_id": ACME_USER,
        "group_id": BILLING_GROUP,
        "comment": Comment(body="Customer reports a double charge.", public=False),
        "custom_fields": [CustomField(id=CONTACT_REASON_FIELD, value="billing")],
    }
    return Ticket(**{**values, **changes})


def test_valid_writes_land_in_zendesk(stack: Stack, zenpy: Zenpy) -> None:
    seen: list[str] = []
    zenpy.tickets.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    audit = zenpy.tickets.create(billing_ticket())
    ticket_id = audit.ticket.id
    saved = zenpy.tickets(id=ticket_id)
    assert (saved.organization_id, saved.group_id) == (ACME_ORG, BILLING_GROUP)

    saved.status = "pending"
    saved.comment = Comment(body="Refund requested for the double charge.", public=False)
    zenpy.tickets.update(saved)
    assert zenpy.tickets(id=ticket_id).status == "pending"
    comments = [c.body for c in zenpy.tickets.comments(ticket=ticket_id)]
    assert comments[-1] == "Refund requested for the double charge."
    assert seen.count("allow") == 2  # the create and the update, judged and forwarded


@pytest.mark.parametrize(
    ("ticket", "rule"),
    [
        pytest.param(
            billing_ticket(custom_fields=[CustomField(id=CONTACT_REASON_FIELD, value="urgent!")]),
            "ticket-fields/ParameterValidation.enum",
            id="bad-custom-field-value",
        ),
        pytest.param(
            billing_ticket(requester_id=GLOBEX_USER),
            "grounded-references/RequesterGrounded",
            id="another-customers-requester",
        ),
        pytest.param(
            billing_ticket(
                comment=Comment(body="Card on file 4111 1111 1111 1111 charged.", public=False)
            ),
            "notes-no-sensitive-data/NoCardOrSsnInNotes",
            id="private-note-with-a-card-number",
        ),
        pytest.param(
            billing_ticket(group_id=TECHNICAL_GROUP),
            "ticket-group-routing/GroupMatchesReason",
            id="wrong-group",
        ),
    ],
)
def test_a_bad_write_is_refused_with_zendesks_error_and_nothing_changes(
    stack: Stack, zenpy: Zenpy, ticket: Ticket, rule: str
) -> None:
    before = tickets(stack)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.create(ticket)
    response = raised.value.response
    assert response.status_code == 422
    assert response.headers["X-Guardrail-Decision"] == "block"
    body = json.loads(str(raised.value))
    assert (body["error"], body["description"]) == ("RecordInvalid", "Record validation errors")
    descriptions = [d["description"] for ds in body["details"].values() for d in ds]
    assert any(rule in d for d in descriptions), descriptions
    assert tickets(stack) == before


def test_changing_a_ticket_never_read_is_refused(stack: Stack, zenpy: Zenpy) -> None:
    before = tickets(stack)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.update(Ticket(id=GLOBEX_TICKET, status="solved"))
    assert "RecordGrounded" in str(raised.value)
    assert tickets(stack) == before


def test_bulk_creates_land_and_the_tickets_they_made_are_changed_once_read(
    stack: Stack, zenpy: Zenpy
) -> None:
    job = zenpy.tickets.create([billing_ticket(subject="One"), billing_ticket(subject="Two")])
    done = zenpy.job_status(id=job.id)
    assert done.status == "completed"
    made = [r.id for r in done.results]
    assert [zenpy.tickets(id=i).subject for i in made] == ["One", "Two"]

    zenpy.tickets.update([Ticket(id=made[0], status="pending"), Ticket(id=made[1], status="hold")])
    saved = [stack.call(_ticket_of(stack, i)) for i in made]
    assert [t["status"] for t in saved] == ["pending", "hold"]

    zenpy.tickets.merge(made[0], [made[1]], source_comment="Same double charge.")
    assert stack.call(_ticket_of(stack, made[1]))["status"] == "closed"


def test_a_bulk_create_with_one_bad_ticket_is_refused_whole(stack: Stack, zenpy: Zenpy) -> None:
    before = tickets(stack)
    bad = billing_ticket(comment=Comment(body="SSN 078-05-1120 on file.", public=False))
    with pytest.raises(APIException) as raised:
        zenpy.tickets.create([billing_ticket(subject="Fine"), bad])
    body = json.loads(str(raised.value))
    assert body["error"] == "RecordInvalid"
    [detail] = body["details"]["base"]
    assert detail["description"].startswith("tickets[1]: Blocked by crm-guardrail")
    assert tickets(stack) == before


def test_the_customers_user_and_organization_are_never_deleted_one_or_many_at_once(
    stack: Stack, zenpy: Zenpy
) -> None:
    user, organization = zenpy.users(id=ACME_USER), zenpy.organizations(id=ACME_ORG)
    deletes = {
        "UserNotDeleted": [lambda: zenpy.users.delete(user), lambda: zenpy.users.delete([user])],
        "OrganizationNotDeleted": [
            lambda: zenpy.organizations.delete(organization),
            lambda: zenpy.organizations.delete([organization]),
        ],
    }
    for rule, calls in deletes.items():
        for delete in calls:
            with pytest.raises(APIException) as raised:
                delete()
            assert raised.value.response.headers["X-Guardrail-Decision"] == "block"
            body = json.loads(str(raised.value))
            [detail] = body["details"]["base"]
            assert f"customer-deletion/{rule}" in detail["description"]
            assert "correct the" in detail["description"]  # what to do instead

    async def still_there() -> tuple[Any, Any]:
        store = stack.crm_app[ZENDESK_STORE]
        return store.get("user", ACME_USER), store.get("organization", ACME_ORG)

    assert all(stack.call(still_there))


def test_tickets_the_agent_made_are_destroyed_many_at_once(stack: Stack, zenpy: Zenpy) -> None:
    job = zenpy.tickets.create([billing_ticket(subject="Dup A"), billing_ticket(subject="Dup B")])
    made = [r.id for r in zenpy.job_status(id=job.id).results]
    assert [zenpy.tickets(id=i).subject for i in made] == ["Dup A", "Dup B"]  # read: theirs
    done = zenpy.job_status(id=zenpy.tickets.delete([Ticket(id=i) for i in made]).id)
    assert [r.success for r in done.results] == [True, True]
    assert not {t["id"] for t in tickets(stack)} & set(made)


def test_merging_another_customers_ticket_is_refused(stack: Stack, zenpy: Zenpy) -> None:
    zenpy.tickets(id=ACME_TICKET)  # read: the customer's own ticket is grounded
    before = tickets(stack)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.merge(ACME_TICKET, [GLOBEX_TICKET])
    assert "RecordGrounded" in str(raised.value)
    assert tickets(stack) == before


def test_a_ticket_is_linked_only_to_a_problem_read_and_no_other_customers(
    stack: Stack, zenpy: Zenpy
) -> None:
    """problem_id names another ticket (an incident is solved with its problem, and listed on
    it): like every reference, it must be grounded, and, like a parent case, not another
    customer's; an internal problem ticket (the outage many customers report) is fine."""

    theirs = zendesk_problem(stack, GLOBEX_USER)
    internal = zendesk_problem(stack, AGENT_USER)
    zenpy.tickets(id=ACME_TICKET)
    for rule in ("ProblemGrounded", "PeopleGrounded"):  # never read, then read
        with pytest.raises(APIException) as raised:
            zenpy.tickets.update(Ticket(id=ACME_TICKET, type="incident", problem_id=theirs))
        assert f"/{rule})" in str(raised.value)
        assert "could not be evaluated" not in str(raised.value)
        assert stack.call(_ticket_of(stack, ACME_TICKET))["problem_id"] is None
        zenpy.tickets(id=theirs)

    zenpy.tickets(id=internal)
    zenpy.tickets.update(Ticket(id=ACME_TICKET, type="incident", problem_id=internal))
    assert stack.call(_ticket_of(stack, ACME_TICKET))["problem_id"] == internal


def test_an_upload_is_refused_as_an_endpoint_the_proxy_does_not_judge(zenpy: Zenpy) -> None:
    """zenpy's attachments.upload posts the file's bytes to /uploads (its token then rides on a
    comment): refused naming the endpoint and what to write instead, not as a body to resend
    as JSON."""
    with pytest.raises(APIException) as raised:
        zenpy.attachments.upload(b"\x89PNG not really", target_name="a.png",
                                 content_type="image/png")  # fmt: skip
    assert raised.value.response.status_code == 400
    assert "does not know how to check POST /api/v2/uploads" in str(raised.value)


@pytest.fixture(scope="module")
def bound(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Token mode: the proxy holds its own Zendesk OAuth token (client credentials)."""
    with Stack(
        tmp_path_factory.mktemp("zendesk-tokens"),
        auth_mode="token",
        crm=lambda: create_app(ZendeskConfig()),
        hostnames=[HOST],
        dialect="zendesk",
        policies=PACK,
    ) as running:
        httpx.put(
            f"{running.admin_url}/guardrail/v1/conversations/{CONVERSATION}",
            json={"channel": "chat", "customer": {"account_ids": [str(ACME_ORG)],
                  "contact_ids": [str(ACME_USER)], "verified": True},
                  "turns": [{"role": "customer", "text": "I was charged twice."}]},
            timeout=10,
        ).raise_for_status()  # fmt: skip
        yield running


def test_an_agent_token_bound_to_the_conversation_writes_as_the_proxy(bound: Stack) -> None:
    token = bound.agent_token(CONVERSATION, "agent-7")
    zenpy = bound.zendesk(oauth_token=token)  # no conversation header: the token says it
    audit = zenpy.tickets.create(billing_ticket())
    assert bound.call(_ticket_of(bound, audit.ticket.id))["requester_id"] == ACME_USER
    with pytest.raises(APIException):
        zenpy.tickets.create(billing_ticket(requester_id=GLOBEX_USER))


@pytest.mark.parametrize("credential", [{"oauth_token": "grt.nope.nope"},
                                        {"email": AGENT_EMAIL, "token": "sandbox-api-token"}])  # fmt: skip
def test_an_unknown_token_gets_zendesks_401_and_nothing_is_written(
    bound: Stack, credential: dict[str, str]
) -> None:
    before = bound.call(_tickets_of(bound))
    zenpy = bound.zendesk(**credential)
    with pytest.raises(APIException) as raised:
        zenpy.tickets.create(billing_ticket())
    assert raised.value.response.status_code == 401
    assert json.loads(str(raised.value)) == {"error": "Couldn't authenticate you"}
    assert bound.call(_tickets_of(bound)) == before


def _ticket_of(stack: Stack, ticket_id: int) -> Any:
    async def read() -> dict[str, Any]:
        return stack.crm_app[ZENDESK_STORE].fetch("ticket", ticket_id)

    return read


def _tickets_of(stack: Stack) -> Any:
    async def read() -> list[dict[str, Any]]:
        return stack.crm_app[ZENDESK_STORE].records("ticket")

    return read


READ_BACK = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: ticket-read-back}
spec:
  crm: zendesk
  match: {objects: [ticket], operations: [create, update]}
  post:
    readBack: true
    onFailure: revert
"""
LOWER_BILLING = {"triggers": [{"object": "ticket", "when": {"group_id": BILLING_GROUP},
                               "field": "priority", "value": "low"}]}  # fmt: skip


@pytest.fixture(scope="module")
def reading_back(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The pack plus a read-back policy that reverts, before a Zendesk whose trigger lowers
    the priority of every Billing ticket."""
    directory = tmp_path_factory.mktemp("zendesk-read-back")
    policies = directory / "policies"
    shutil.copytree(PACK, policies, ignore=shutil.ignore_patterns("scenarios"))
    (policies / "read-back.yaml").write_text(READ_BACK)
    triggers = directory / "triggers.json"
    triggers.write_text(json.dumps(LOWER_BILLING))
    with Stack(
        directory, auth_mode="passthrough", crm=lambda: create_app(ZendeskConfig(
            triggers_file=triggers)),
        hostnames=[HOST], dialect="zendesk", policies=policies,
    ) as running:  # fmt: skip
        httpx.put(
            f"{running.admin_url}/guardrail/v1/conversations/{CONVERSATION}",
            json={"channel": "chat", "customer": {"account_ids": [str(ACME_ORG)],
                  "contact_ids": [str(ACME_USER)], "verified": True},
                  "turns": [{"role": "customer", "text": "I was charged twice."}]},
            timeout=10,
        ).raise_for_status()  # fmt: skip
        yield running


def test_a_trigger_that_rewrites_the_saved_ticket_is_caught_and_the_ticket_deleted(
    reading_back: Stack,
) -> None:
    """Zendesk has no write that reads back in the same call, so the agent gets Zendesk's own
    answer; the proxy reads the ticket back (with its last audit: the comment it added),
    finds the trigger's rewrite, deletes what was created and audits the post-fail."""
    zenpy = reading_back.zendesk(conversation=CONVERSATION, email=AGENT_EMAIL,
                                 token="sandbox-api-token")  # fmt: skip
    seen: list[str] = []
    zenpy.tickets.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    before = reading_back.call(_tickets_of(reading_back))
    zenpy.tickets.create(billing_ticket(priority="high"))
    assert seen == ["post-fail"]
    assert reading_back.call(_tickets_of(reading_back)) == before  # reverted: deleted

    zenpy.tickets.create(billing_ticket(priority="low"))  # what the trigger keeps, comment too
    assert seen == ["post-fail", "allow"]
    admin = f"{reading_back.admin_url}/guardrail/v1/decisions"
    [failed] = httpx.get(f"{admin}?decision=post-fail", timeout=10).json()["decisions"]
    record = httpx.get(f"{admin}/{failed['decision_id']}", timeout=10).json()
    assert record["revert"] == "success"


def test_a_comment_in_markdown_is_read_back_as_it_was_written(reading_back: Stack) -> None:
    """A comment's body is read as written and as its Markdown shows it, when judged and when
    read back alike: the saved comment is the one written, no post-failure."""
    zenpy = reading_back.zendesk(conversation=CONVERSATION, email=AGENT_EMAIL,
                                 token="sandbox-api-token")  # fmt: skip
    seen: list[str] = []
    zenpy.tickets.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get("X-Guardrail-Decision", "-"))
    )
    body = "Customer reports a **double** charge on `invoice_7`, _twice_."
    zenpy.tickets.create(billing_ticket(priority="low", comment=Comment(body=body, public=False)))
    assert seen == ["allow"]


def test_tickets_a_bulk_create_saves_unnamed_are_a_post_fail_never_passed_unread(
    reading_back: Stack,
) -> None:
    """create_many answers a job, not the tickets it makes: the proxy cannot read them back,
    so their read-back fails (audited and alerted as unverified) rather than being skipped,
    which let a bulk create land what the single create's read-back catches."""
    zenpy = reading_back.zendesk(conversation=CONVERSATION, email=AGENT_EMAIL,
                                 token="sandbox-api-token")  # fmt: skip
    seen: list[tuple[str, str]] = []
    zenpy.tickets.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(
            (r.headers.get("X-Guardrail-Decision", "-"), r.headers.get(DECISION_ID_HEADER, ""))
        )
    )
    zenpy.tickets.create([billing_ticket(priority="high"), billing_ticket(subject="Again")])
    [(verdict, decision_id)] = seen
    assert verdict == "post-fail"
    admin = f"{reading_back.admin_url}/guardrail/v1/decisions/{decision_id}"
    record = httpx.get(admin, timeout=10).json()
    assert [v["rule"] for v in record["violations"]] == ["ReadBack", "ReadBack"]


def test_replay_judges_recorded_zendesk_writes_again_under_a_candidate_pack(
    stack: Stack, zenpy: Zenpy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    since = datetime.now(UTC).isoformat()
    zenpy.tickets.create(billing_ticket(subject="Replay one"))  # allowed: billing -> Billing
    with pytest.raises(APIException):
        zenpy.tickets.create(billing_ticket(group_id=TECHNICAL_GROUP))  # refused
    dsn = f"sqlite:///{(stack.directory / 'audit.db').resolve()}"

    def replay(policies: Path) -> tuple[int, list[dict[str, Any]]]:
        code = main(["replay", "--since", since, "--policies", str(policies), "--dsn", dsn,
                     "--json"])  # fmt: skip
        # The stack's own decision logs share stdout; the report's lines are JSON objects.
        lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
        return code, [line for line in lines if "kind" in line]

    assert replay(PACK) == (0, [])
    candidate = tmp_path / "candidate"
    shutil.copytree(PACK, candidate)
    routing = candidate / "routing.yaml"
    routing.write_text(routing.read_text().replace("billing: [20001]", "billing: [20002]"))
    code, flips = replay(candidate)
    assert code == 1
    assert sorted(f["kind"] for f in flips) == ["allow->block", "block->allow"]


def test_a_card_number_put_whole_in_a_number_field_is_refused_and_never_recorded(
    stack: Stack, zenpy: Zenpy, capsys: pytest.CaptureFixture[str]
) -> None:
    """The refund amount is a number field; a card number there is a card in the ticket.
    Refused in Zendesk's format, nothing written, and the audit record holds no digit of it
    while replay still judges it as the proxy did (a card, an amount over any cap)."""
    card = 4111111111111111
    since = datetime.now(UTC).isoformat()
    before = tickets(stack)
    fields = [CustomField(id=CONTACT_REASON_FIELD, value="billing"),
              CustomField(id=REFUND_AMOUNT_FIELD, value=card)]  # fmt: skip
    with pytest.raises(APIException) as raised:
        zenpy.tickets.create(billing_ticket(custom_fields=fields))
    response = raised.value.response
    assert response.status_code == 422
    body = json.loads(str(raised.value))
    descriptions = [d["description"] for ds in body["details"].values() for d in ds]
    assert any("card number" in d for d in descriptions), descriptions
    assert tickets(stack) == before
    decision = response.headers[DECISION_ID_HEADER]
    record = httpx.get(f"{stack.admin_url}/guardrail/v1/decisions/{decision}", timeout=10)
    assert str(card) not in record.text
    dsn = f"sqlite:///{(stack.directory / 'audit.db').resolve()}"
    capsys.readouterr()
    code = main(["replay", "--since", since, "--policies", str(PACK), "--dsn", dsn, "--json"])
    assert code == 0, capsys.readouterr().out


def test_create_or_update_is_judged_as_the_write_it_makes(stack: Stack, zenpy: Zenpy) -> None:
    """The proxy looks the user up by email first: the verified customer's own user is an
    update of that user; another customer's is an update of a user never read, refused."""
    from zenpy.lib.api_objects import User

    zenpy.users.create_or_update(User(name="Ada Lovelace", email="ada@acme.example",
                                      phone="+15550111"))  # fmt: skip
    assert stack.call(_user_of(stack, ACME_USER))["phone"] == "+15550111"

    with pytest.raises(APIException) as raised:
        zenpy.users.create_or_update(User(name="Gus", email="gus@globex.example", phone="0"))
    assert "grounded-references/RecordGrounded" in str(raised.value)
    assert stack.call(_user_of(stack, GLOBEX_USER))["phone"] == "+15550199"

    made = zenpy.users.create_or_update(User(name="Ada's colleague", email="bo@acme.example",
                                             organization_id=ACME_ORG))  # fmt: skip
    assert stack.call(_user_of(stack, made.id))["organization_id"] == ACME_ORG


@pytest.mark.parametrize(
    ("resource", "record"),
    [("users", {"name": "Gus", "email": "gus@globex.example"}),
     ("organizations", {"name": "Globex", "external_id": "GLOBEX-1"})],
)  # fmt: skip
def test_a_create_or_update_that_also_sets_tags_is_judged_as_the_write_it_makes(
    stack: Stack, resource: str, record: dict[str, Any]
) -> None:
    """Its tags are looked up among the ticket fields' options and its record by email or
    external id, both: another customer's record, never read, is refused as without tags."""
    before = stack.call(_records(stack))
    body = {resource[:-1]: {**record, "tags": ["vip"], "notes": "Mine now."}}
    answer = _create_or_update(stack, resource, body)
    assert answer.status_code == 422, answer.text
    assert "grounded-references/RecordGrounded" in answer.text
    assert stack.call(_records(stack)) == before


def test_create_or_update_finds_its_record_as_zendesk_does_or_is_refused(stack: Stack) -> None:
    """Zendesk finds a create_or_update's record by external id in any case and as text, by
    any of a user's emails (a secondary one too), and by email or external id in an order it
    does not document: each is judged as the write it makes (another customer's record,
    refused) or refused, and nothing of them lands."""
    other = stack.call(_made_user(stack, {"name": "Gus Two", "external_id": "777",
                                          "organization_id": GLOBEX_ORG}))  # fmt: skip
    stack.call(_secondary_email(stack, GLOBEX_USER, "gus.home@globex.example"))
    before = stack.call(_records(stack))
    sent = [
        ("organizations", {"organization": {"name": "Renamed", "external_id": "globex-1"}}),
        ("users", {"user": {"name": "Gus", "email": "gus.home@globex.example", "phone": "0"}}),
        ("users", {"user": {"name": "Gus", "external_id": 777, "phone": "0"}}),
        ("users", {"user": {"name": "Gus", "email": "new@acme.example", "external_id": "777"}}),
    ]
    for resource, body in sent:
        answer = _create_or_update(stack, resource, body)
        assert answer.status_code in (400, 422), (body, answer.text)
        assert answer.headers["X-Guardrail-Decision"] == "block"
    assert stack.call(_records(stack)) == before
    assert stack.call(_user_of(stack, other))["phone"] is None
    assert stack.call(_user_of(stack, GLOBEX_USER))["phone"] == "+15550199"


def _create_or_update(stack: Stack, resource: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{stack.proxy_url}/api/v2/{resource}/create_or_update.json", json=body,
        headers={"Authorization": "Bearer sandbox-oauth-token",
                 "X-Guardrail-Conversation": CONVERSATION},
        verify=str(stack.tls.ca_pem), timeout=10,
    )  # fmt: skip


def _secondary_email(stack: Stack, user_id: int, email: str) -> Any:
    async def add() -> None:
        store = stack.crm_app[ZENDESK_STORE]
        store.update_user(user_id, {"email": email})
        store.clear_changes()

    return add


def _made_user(stack: Stack, values: dict[str, Any]) -> Any:
    async def make() -> int:
        return int(stack.crm_app[ZENDESK_STORE].create_user(values)["id"])

    return make


def _records(stack: Stack) -> Any:
    async def read() -> list[dict[str, Any]]:
        store = stack.crm_app[ZENDESK_STORE]
        return store.records("user") + store.records("organization")

    return read


def _user_of(stack: Stack, user_id: int) -> Any:
    async def read() -> dict[str, Any]:
        return stack.crm_app[ZENDESK_STORE].fetch("user", user_id)

    return read
