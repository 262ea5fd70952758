"""Writes by lookup field, through the proxy to the sandbox: resolved to the record they name
and judged as a write by id (grounding included), in every form Salesforce takes them."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from multidict import CIMultiDict

from guardrail import lookups
from guardrail.errors import LookupUnresolved, UpstreamUnavailable
from guardrail.model import Operation, WriteIntent
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, GLOBEX_ACCOUNT_ID
from guardrail.testing import SANDBOX_TOKEN, Stack
from guardrail.upstream import Sender, UpstreamResponse
from tests.helpers import grounded_pack

BASE = "/services/data/v59.0"
CONVERSATION = {
    "channel": "chat",
    "customer": {"account_ids": [ACME_ACCOUNT_ID], "contact_ids": [], "verified": True},
    "turns": [{"role": "customer", "text": "My router arrived broken, case 00001001."}],
}


class Lookups:
    """Stands between the proxy and the CRM: records each lookup's Authorization, and can make
    the CRM unreachable for lookups."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.down = False

    def wrap(self, sender: Sender) -> Sender:
        lookups = self

        class Watching:
            async def send(
                self, method: str, path: str, headers: CIMultiDict[str], body: bytes | None
            ) -> UpstreamResponse:
                if method == "GET":
                    lookups.seen.append((path, headers.get("Authorization", "")))
                    if lookups.down:
                        raise UpstreamUnavailable("the CRM is down")
                return await sender.send(method, path, headers, body)

        return Watching()


@pytest.fixture(scope="module")
def watch() -> Lookups:
    return Lookups()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, watch: Lookups) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("lookups")
    with Stack(
        directory,
        auth_mode="token",
        policies=grounded_pack(directory / "policies"),
        transport=watch.wrap,
    ) as running:
        yield running


@pytest.fixture
def agent(stack: Stack, request: pytest.FixtureRequest) -> requests.Session:
    """A session bearing an agent token of a fresh conversation with the Acme customer."""
    conversation = f"lookups-{request.node.name}"[:60]
    url = f"{stack.admin_url}/guardrail/v1/conversations/{conversation}"
    httpx.put(url, json=CONVERSATION, timeout=10).raise_for_status()
    return session(stack, stack.agent_token(conversation, "agent-lookups"))


def session(stack: Stack, token: str, **headers: str) -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.verify = str(stack.tls.ca_pem)
    s.headers.update({"Authorization": f"Bearer {token}", **headers})
    return s


def call(stack: Stack, s: requests.Session, method: str, path: str, **kw: Any) -> Any:
    return s.request(method, f"{stack.proxy_url}{BASE}{path}", **kw)


def make(stack: Stack, sobject: str, **values: Any) -> str:
    """A record made in the CRM directly (another customer's, unless said otherwise)."""

    async def create() -> str:
        return stack.store.create(sobject, values)

    return stack.call(create)


def case(stack: Stack, record_id: str) -> dict[str, Any] | None:
    return stack.store.get("Case", record_id)


def test_an_upsert_by_external_id_of_another_customers_case_is_blocked(
    stack: Stack, agent: requests.Session
) -> None:
    theirs = make(stack, "Case", Subject="Globex printer", AccountId=GLOBEX_ACCOUNT_ID,
                  External_Id__c="GX-100")  # fmt: skip
    for attempt in range(2):  # the proxy's own lookup grounds nothing
        answer = call(stack, agent, "PATCH", "/sobjects/Case/External_Id__c/GX-100",
                      json={"Subject": f"Hijacked {attempt}"})  # fmt: skip
        assert answer.status_code == 400
        assert answer.json()[0]["errorCode"] == "GUARDRAIL_POLICY_VIOLATION"
        assert "RecordGrounded" in answer.json()[0]["message"]
        assert theirs in answer.json()[0]["message"]
    assert case(stack, theirs)["Subject"] == "Globex printer"


def test_the_field_is_found_in_any_case_spelling(stack: Stack, agent: requests.Session) -> None:
    theirs = make(stack, "Case", Subject="Globex fax", AccountId=GLOBEX_ACCOUNT_ID,
                  External_Id__c="GX-101")  # fmt: skip
    answer = call(stack, agent, "PATCH", "/sobjects/Case/EXTERNAL_ID__C/gx-101",
                  json={"Subject": "Hijacked"})  # fmt: skip
    assert "RecordGrounded" in answer.json()[0]["message"]
    assert case(stack, theirs)["Subject"] == "Globex fax"


def test_an_upsert_of_a_case_the_agent_read_updates_it(
    stack: Stack, agent: requests.Session
) -> None:
    mine = make(stack, "Case", Subject="Acme modem", AccountId=ACME_ACCOUNT_ID,
                External_Id__c="AC-200")  # fmt: skip
    assert call(stack, agent, "GET", f"/sobjects/Case/{mine}").status_code == 200
    answer = call(stack, agent, "PATCH", "/sobjects/Case/External_Id__c/AC-200",
                  json={"Priority": "High"})  # fmt: skip
    assert answer.status_code == 200
    assert answer.headers["X-Guardrail-Decision"] == "allow"
    assert answer.json()["created"] is False
    assert case(stack, mine)["Priority"] == "High"
    record = httpx.get(
        f"{stack.admin_url}/guardrail/v1/decisions/{answer.headers['X-Guardrail-Decision-Id']}",
        timeout=10,
    ).json()
    [intent] = record["intents"]
    assert (intent["operation"], intent["record_id"]) == ("update", mine)
    assert intent["account"] == ACME_ACCOUNT_ID


@pytest.mark.parametrize(
    ("path", "field"),
    [("/sobjects/Case/Id/{id}", "Id"), ("/sobjects/Case/CaseNumber/{number}", "CaseNumber")],
)
def test_a_delete_by_id_or_case_number_of_another_customers_case_is_blocked(
    stack: Stack, agent: requests.Session, path: str, field: str
) -> None:
    theirs = make(stack, "Case", Subject="Globex scanner", AccountId=GLOBEX_ACCOUNT_ID)
    number = case(stack, theirs)["CaseNumber"]
    answer = call(stack, agent, "DELETE", path.format(id=theirs, number=number))
    assert answer.status_code == 400
    assert "RecordGrounded" in answer.json()[0]["message"]
    assert case(stack, theirs) is not None


def test_an_upsert_that_matches_nothing_is_judged_as_a_create(
    stack: Stack, agent: requests.Session
) -> None:
    blocked = call(stack, agent, "PATCH", "/sobjects/Case/External_Id__c/NEW-1",
                   json={"Subject": "Theirs", "AccountId": GLOBEX_ACCOUNT_ID})  # fmt: skip
    assert "AccountIdGrounded" in blocked.json()[0]["message"]
    assert not [c for c in stack.store.records("Case") if c["External_Id__c"] == "NEW-1"]

    created = call(stack, agent, "PATCH", "/sobjects/Case/External_Id__c/NEW-1",
                   json={"Subject": "Mine", "AccountId": ACME_ACCOUNT_ID})  # fmt: skip
    assert created.status_code == 201
    assert case(stack, created.json()["id"])["External_Id__c"] == "NEW-1"


def test_a_value_that_names_several_records_is_refused(
    stack: Stack, agent: requests.Session
) -> None:
    for last in ("One", "Two"):
        make(stack, "Contact", LastName=last, Email="twin@globex.example",
             AccountId=GLOBEX_ACCOUNT_ID)  # fmt: skip
    answer = call(stack, agent, "PATCH", "/sobjects/Contact/Email/twin@globex.example",
                  json={"LastName": "Hijacked"})  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()[0]["errorCode"] == "GUARDRAIL_LOOKUP_UNRESOLVED"
    assert "more than one record" in answer.json()[0]["message"]
    assert {c["LastName"] for c in stack.store.records("Contact")} >= {"One", "Two"}


def test_a_delete_that_matches_nothing_is_refused_saying_so(
    stack: Stack, agent: requests.Session
) -> None:
    answer = call(stack, agent, "DELETE", "/sobjects/Case/External_Id__c/NOPE-1")
    assert answer.status_code == 404  # as Salesforce answers it: no such record
    assert answer.json()[0]["errorCode"] == "NOT_FOUND"
    assert "External_Id__c = 'NOPE-1' does not exist" in answer.json()[0]["message"]


def test_a_collection_upsert_by_field_saves_only_the_grounded_records(
    stack: Stack, agent: requests.Session
) -> None:
    theirs = make(stack, "Case", Subject="Globex phone", AccountId=GLOBEX_ACCOUNT_ID,
                  External_Id__c="GX-300")  # fmt: skip
    assert call(stack, agent, "GET", f"/sobjects/Case/{ACME_CASE_ID}").status_code == 200

    async def tag() -> None:
        stack.store.update("Case", ACME_CASE_ID, {"External_Id__c": "AC-300"})

    stack.call(tag)
    records = [
        {"attributes": {"type": "Case"}, "External_Id__c": "GX-300", "Subject": "Hijacked"},
        {"attributes": {"type": "Case"}, "External_Id__c": "AC-300", "Priority": "Low"},
    ]
    answer = call(stack, agent, "PATCH", "/composite/sobjects/Case/External_Id__c",
                  json={"allOrNone": False, "records": records})  # fmt: skip
    results = answer.json()
    assert [r["success"] for r in results] == [False, True]
    assert "RecordGrounded" in results[0]["errors"][0]["message"]
    assert case(stack, theirs)["Subject"] == "Globex phone"
    assert case(stack, ACME_CASE_ID)["Priority"] == "Low"


def test_a_composite_subrequest_by_lookup_field_is_judged_against_its_record(
    stack: Stack, agent: requests.Session
) -> None:
    theirs = make(stack, "Case", Subject="Globex desk", AccountId=GLOBEX_ACCOUNT_ID,
                  External_Id__c="GX-400")  # fmt: skip
    body = {"allOrNone": True, "compositeRequest": [
        {"method": "DELETE", "url": f"{BASE}/sobjects/Case/External_Id__c/GX-400",
         "referenceId": "gone"},
    ]}  # fmt: skip
    answer = call(stack, agent, "POST", "/composite", json=body)
    [result] = answer.json()["compositeResponse"]
    assert "RecordGrounded" in result["body"][0]["message"]
    assert case(stack, theirs) is not None


def test_a_lookup_the_crm_does_not_answer_fails_closed(
    stack: Stack, agent: requests.Session, watch: Lookups
) -> None:
    mine = make(stack, "Case", Subject="Acme lamp", AccountId=ACME_ACCOUNT_ID,
                External_Id__c="AC-500")  # fmt: skip
    watch.down = True
    try:
        answer = call(stack, agent, "DELETE", "/sobjects/Case/External_Id__c/AC-500")
    finally:
        watch.down = False
    assert answer.status_code == 503
    assert case(stack, mine) is not None


def test_token_mode_looks_up_with_the_proxys_own_credential(
    stack: Stack, agent: requests.Session, watch: Lookups
) -> None:
    call(stack, agent, "DELETE", "/sobjects/Case/External_Id__c/NOPE-2")
    path, authorization = watch.seen[-1]
    assert path == f"{BASE}/sobjects/Case/External_Id__c/NOPE-2"
    assert authorization.startswith("Bearer ")
    assert "grt." not in authorization


def test_pass_through_mode_looks_up_with_the_agents_own_session(tmp_path: Path) -> None:
    watch = Lookups()
    with Stack(tmp_path, auth_mode="passthrough", policies=grounded_pack(tmp_path / "p"),
               transport=watch.wrap) as stack:  # fmt: skip
        httpx.put(f"{stack.admin_url}/guardrail/v1/conversations/pt", json=CONVERSATION,
                  timeout=10).raise_for_status()  # fmt: skip
        theirs = make(stack, "Case", Subject="Globex chair", AccountId=GLOBEX_ACCOUNT_ID,
                      External_Id__c="GX-600")  # fmt: skip
        agent = session(stack, SANDBOX_TOKEN, **{"X-Guardrail-Conversation": "pt"})
        answer = call(stack, agent, "DELETE", "/sobjects/Case/External_Id__c/GX-600")
        assert "RecordGrounded" in answer.json()[0]["message"]
        assert case(stack, theirs) is not None
        # the record it names first, then (a case delete) the cases naming it as parent
        assert (
            f"{BASE}/sobjects/Case/External_Id__c/GX-600",
            f"Bearer {SANDBOX_TOKEN}",
        ) in watch.seen
        assert {authorization for _, authorization in watch.seen} == {f"Bearer {SANDBOX_TOKEN}"}


@pytest.mark.parametrize("value", ["GX/500", "GX-500.json", "GX-500.XML", "GX\\500"])
def test_a_value_a_url_would_read_otherwise_is_refused_not_looked_up(
    stack: Stack, agent: requests.Session, watch: Lookups, value: str
) -> None:
    """Put in the lookup's URL, a slash splits the path and a final .json is the response
    format (API 57.0 and before): the proxy would judge another record than the one the
    collection upsert, matching the value in its body, changes."""
    theirs = make(stack, "Case", Subject="Globex slash", AccountId=GLOBEX_ACCOUNT_ID,
                  External_Id__c=value)  # fmt: skip
    seen = len(watch.seen)
    records = [{"attributes": {"type": "Case"}, "External_Id__c": value, "Subject": "Hijacked"}]
    answer = call(stack, agent, "PATCH", "/composite/sobjects/Case/External_Id__c",
                  json={"allOrNone": True, "records": records})  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()[0]["errorCode"] == "GUARDRAIL_LOOKUP_UNRESOLVED"
    assert len(watch.seen) == seen
    assert case(stack, theirs)["Subject"] == "Globex slash"


def test_whose_a_named_record_is_is_asked_of_the_crm_and_audited(
    stack: Stack, agent: requests.Session, watch: Lookups
) -> None:
    """The agent read contacts by a query, and by fields, that showed no AccountId: the proxy
    asks the CRM which account each is in (once per request), and the decision record says
    so; a record read whole is judged as read, without asking."""
    theirs = make(stack, "Contact", LastName="Namesake", AccountId=GLOBEX_ACCOUNT_ID)
    mine = make(stack, "Contact", LastName="Colleague", AccountId=ACME_ACCOUNT_ID)
    found = call(stack, agent, "GET", "/query",
                 params={"q": "SELECT Id, LastName FROM Contact WHERE LastName = 'Namesake'"})  # fmt: skip
    assert [r["Id"] for r in found.json()["records"]] == [theirs]
    call(stack, agent, "GET", f"/sobjects/Contact/{mine}", params={"fields": "LastName"})
    asked = len(watch.seen)
    tasks = [{"attributes": {"type": "Task"}, "Subject": "Call back", "WhoId": who}
             for who in (theirs, mine, mine)]  # fmt: skip
    answer = call(stack, agent, "POST", "/composite/sobjects",
                  json={"allOrNone": False, "records": tasks})  # fmt: skip
    assert [r["success"] for r in answer.json()] == [False, True, True]
    assert "PeopleGrounded" in answer.json()[0]["errors"][0]["message"]
    assert sorted(p for p, _ in watch.seen[asked:] if "/sobjects/Contact/" in p) == sorted(
        f"{BASE}/sobjects/Contact/{c}" for c in (theirs, mine)
    )
    record = httpx.get(
        f"{stack.admin_url}/guardrail/v1/decisions/{answer.headers['X-Guardrail-Decision-Id']}",
        timeout=10,
    ).json()
    assert [i["belongs_to"] for i in record["intents"]] == [{"WhoId": [ACME_ACCOUNT_ID]}] * 2


def test_a_named_record_the_crm_no_longer_has_is_refused_saying_so(
    stack: Stack, agent: requests.Session
) -> None:
    gone = make(stack, "Contact", LastName="Moved away", AccountId=ACME_ACCOUNT_ID)
    call(stack, agent, "GET", f"/sobjects/Contact/{gone}", params={"fields": "LastName"})

    async def delete() -> None:
        stack.store.delete("Contact", gone)

    stack.call(delete)
    answer = call(stack, agent, "POST", "/sobjects/Task", json={"Subject": "x", "WhoId": gone})
    assert answer.status_code == 400
    assert answer.json()[0]["errorCode"] == "GUARDRAIL_LOOKUP_UNRESOLVED"
    assert "does not have" in answer.json()[0]["message"]


def test_whose_a_named_record_is_fails_closed_when_the_crm_does_not_answer(
    stack: Stack, agent: requests.Session, watch: Lookups
) -> None:
    theirs = make(stack, "Contact", LastName="Unreachable", AccountId=GLOBEX_ACCOUNT_ID)
    call(stack, agent, "GET", f"/sobjects/Contact/{theirs}", params={"fields": "LastName"})
    tasks = len(stack.store.records("Task"))
    watch.down = True
    try:
        answer = call(
            stack, agent, "POST", "/sobjects/Task", json={"Subject": "x", "WhoId": theirs}
        )
    finally:
        watch.down = False
    assert answer.status_code == 503
    assert len(stack.store.records("Task")) == tasks


def test_a_record_read_whole_is_judged_as_read_without_asking_the_crm(
    stack: Stack, agent: requests.Session, watch: Lookups
) -> None:
    theirs = make(stack, "Case", Subject="Globex kettle", AccountId=GLOBEX_ACCOUNT_ID)
    call(stack, agent, "GET", f"/sobjects/Case/{theirs}")
    asked = len(watch.seen)
    answer = call(stack, agent, "PATCH", f"/sobjects/Case/{theirs}", json={"Priority": "Low"})
    assert answer.status_code == 400
    assert "RecordOwned" in answer.json()[0]["message"]
    assert len(watch.seen) == asked
    assert case(stack, theirs)["Priority"] != "Low"


# -- rounds: a look-up needed once another is answered -----------------------------------------


class Chained:
    """A dialect whose writes need ``needs`` rounds of look-ups in turn, each once the one
    before is answered (what it asks next follows from what it learnt), ``together`` in each."""

    def __init__(self, needs: int, together: int = 1) -> None:
        self.needs = needs
        self.together = together

    def lookups(self, intent: WriteIntent, path: str, answered: Collection[str]) -> tuple[str, ...]:
        done = len(intent.fields.get("learnt", ()))
        if done >= self.needs * self.together:
            return ()
        return tuple(f"/ask/{done + n}" for n in range(self.together))

    def resolved(self, intent: WriteIntent, target: str, status: int, body: bytes) -> WriteIntent:
        learnt = (*intent.fields.get("learnt", ()), body.decode())
        return replace(intent, fields={**intent.fields, "learnt": learnt})


async def answer(target: str) -> UpstreamResponse:
    return UpstreamResponse(200, CIMultiDict(), target.encode())


async def test_a_look_up_needed_once_another_is_answered_is_made_too() -> None:
    write = WriteIntent("crm", "Thing", Operation.UPDATE, {}, record_id="1")
    [found] = await lookups.resolve(Chained(2), "/", [write], answer)  # type: ignore[arg-type]
    assert found.fields["learnt"] == ("/ask/0", "/ask/1")


async def test_a_write_needing_more_look_ups_than_it_is_given_is_refused() -> None:
    write = WriteIntent("crm", "Thing", Operation.UPDATE, {}, record_id="1")
    with pytest.raises(LookupUnresolved, match="more look-ups"):
        await lookups.resolve(Chained(lookups.ROUNDS + 1), "/", [write], answer)  # type: ignore[arg-type]


async def test_look_ups_that_need_no_answer_of_each_other_are_one_round() -> None:
    write = WriteIntent("crm", "Thing", Operation.DELETE, {}, record_id="1")
    many = Chained(1, together=lookups.ROUNDS + 2)
    [found] = await lookups.resolve(many, "/", [write], answer)  # type: ignore[arg-type]
    assert found.fields["learnt"] == tuple(f"/ask/{n}" for n in range(lookups.ROUNDS + 2))
