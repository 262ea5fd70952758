"""One write, one decision, whichever door it comes through.

For generated writes to each CRM (Salesforce, Zendesk, ServiceNow, each with its shipped pack,
through a running proxy in front of its sandbox), the lookup-dependent ones included (an upsert
or delete by a lookup field, a Zendesk drop-down set by its tag, a ServiceNow record updated
(its class asked: a table may be extended), a record whose customer only the CRM knows), four doors judge the same
write in the same conversation:

- the proxy itself (the decision it records);
- ``POST /guardrail/v1/check`` on the same running service, just before;
- ``guardrail check`` (a dry run: no CRM and no conversation store), given the conversation and
  what the agent read;
- ``guardrail replay`` of the proxy's decision record with the same policies.

The check API and replay must decide as the proxy did: the same verdict, by the same rules. A
Salesforce collection sent with ``allOrNone: false`` and some records blocked is saved in part
(guardrail.partial): the proxy records two decisions, on the records it saved and on those it
refused; the check API and the dry run must answer that split (which records each side holds,
decided by which rules), and replay must reproduce both decisions. The dry run must too, except that a write the proxy judged only once the CRM had answered a lookup
is refused by it, saying so (it cannot ask), never judged as written.

Each example has a customer of its own (an account, its contact and case, and another
customer's), made in the sandbox, so what earlier examples wrote (a duplicate case) is no part
of it: the dry run cannot know another conversation's writes.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import ssl
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from guardrail.checks.post import POST_CODE
from guardrail.context.model import ConversationIn
from guardrail.crm import salesforce_sim, servicenow_sim, zendesk_sim
from guardrail.crm.base import StartingRecord
from guardrail.crm.zendesk_fields import unflatten
from guardrail.dryrun import NO_CRM, PARTIAL, CheckRequest, judge, offline
from guardrail.errors import DependencyFailure, LookupUnavailable, RequestRejected
from guardrail.model import Action, Mode, Violation
from guardrail.policy.loader import PolicySet, load_policy_set
from guardrail.proxy import BLOCKED_DECISION_ID_HEADER
from guardrail.replay import Outcome, Replayer
from guardrail.sandbox.servicenow import INSTANCE
from guardrail.sandbox.servicenow import create_app as servicenow_app
from guardrail.sandbox.zendesk import ZENDESK_STORE, ZendeskConfig
from guardrail.sandbox.zendesk import create_app as zendesk_app
from guardrail.sandbox.zendesk.fields import (
    CONTACT_REASON_FIELD,
    REFUND_REASON_FIELD,
    RESOLUTION_FIELD,
)
from guardrail.scenarios.format import Placeholders, start
from guardrail.testing import SANDBOX_TOKEN, Stack
from tests.helpers import through_a_stack

PACKS = Path(__file__).resolve().parent.parent / "policies"


def _refusals(cls: type[Exception]) -> Iterator[type[Exception]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _refusals(sub)


#: errorCode -> the rule the proxy records a refusal under (Violation.refusal).
REFUSED_BY = {c.code: f"guardrail/{c.__name__}"  # type: ignore[attr-defined]
              for c in (*_refusals(RequestRejected), *_refusals(DependencyFailure))}  # fmt: skip


@dataclass(frozen=True)
class Write:
    method: str
    path: str  # below the CRM's API path, with placeholders
    body: Any
    lookup: str  # what makes it lookup-dependent, "" for a plain write


@dataclass(frozen=True, repr=False)
class Crm:
    """One CRM's stack and how a test makes its records and speaks to it."""

    name: str
    stack: Stack
    policies: PolicySet
    api: str
    authorization: str
    starting: tuple[StartingRecord, ...]
    queues: Mapping[str, str]
    #: What each example's records hold besides the starting records' defaults.
    own: Mapping[str, Mapping[str, Any]]
    create: Callable[[Stack, str, dict[str, Any]], str]

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"Crm({self.name})")  # how Hypothesis shows a failing example's fixture


# -- making records in each sandbox ------------------------------------------------------------


def _salesforce_record(stack: Stack, sobject: str, fields: dict[str, Any]) -> str:
    async def make() -> str:
        return stack.store.create(sobject, fields)

    return stack.call(make)


def _zendesk_record(stack: Stack, sobject: str, fields: dict[str, Any]) -> str:
    obj, flat = zendesk_sim.starting_record(sobject, fields)
    record = unflatten(flat)
    if obj == "ticket":
        record.setdefault("comment", {"body": "Opened by the customer."})

    async def make() -> str:
        made = getattr(stack.crm_app[ZENDESK_STORE], f"create_{obj}")(record)
        return str(made["id"])

    return stack.call(make)


def _servicenow_record(stack: Stack, table: str, fields: dict[str, Any]) -> str:
    async def make() -> str:
        return str(stack.crm_app[INSTANCE].insert(table, fields, user="admin")["sys_id"])

    return stack.call(make)


@pytest.fixture(scope="module")
def salesforce(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crm]:
    pack = PACKS / "salesforce-contact-center"
    with Stack(tmp_path_factory.mktemp("doors-sf"), auth_mode="passthrough",
               policies=pack) as stack:  # fmt: skip
        yield Crm(
            "salesforce", stack, load_policy_set(pack), salesforce_sim.API_PATH, f"Bearer {SANDBOX_TOKEN}",
            salesforce_sim.STARTING_RECORDS, salesforce_sim.QUEUE_IDS,
            {"other_contact": {"External_Id__c": "OTH-{tag}"}}, _salesforce_record,
        )  # fmt: skip


@pytest.fixture(scope="module")
def zendesk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crm]:
    pack = PACKS / "zendesk-contact-center"
    with Stack(tmp_path_factory.mktemp("doors-zd"), auth_mode="passthrough",
               crm=lambda: zendesk_app(ZendeskConfig()), dialect="zendesk",
               policies=pack) as stack:  # fmt: skip
        yield Crm(
            "zendesk", stack, load_policy_set(pack), zendesk_sim.API_PATH, "Bearer sandbox-oauth-token",
            tuple(zendesk_sim.SimulatedZendesk.starting_records), {},
            {"contact": {"Email": "sam-{tag}@example.com"},
             "other_contact": {"Email": "someone-{tag}@example.com"}},
            _zendesk_record,
        )  # fmt: skip


@pytest.fixture(scope="module")
def servicenow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crm]:
    pack = PACKS / "servicenow-contact-center"
    basic = base64.b64encode(b"admin:sandbox-password").decode()
    with Stack(tmp_path_factory.mktemp("doors-sn"), auth_mode="passthrough",
               crm=servicenow_app, dialect="servicenow", policies=pack) as stack:  # fmt: skip
        yield Crm(
            "servicenow", stack, load_policy_set(pack), servicenow_sim.API_PATH, f"Basic {basic}",
            servicenow_sim.STARTING_RECORDS, servicenow_sim.GROUP_IDS, {},
            _servicenow_record,
        )  # fmt: skip


# -- the writes ------------------------------------------------------------------------------

TURNS = st.sampled_from([
    "I was charged twice on my last bill, please sort it out.",
    "My parcel arrived damaged and I want to return it.",
    "The router keeps dropping the connection.",
    "Please change my phone number to 555 0100.",
    "I'd like a refund of $20 for the late delivery, please.",
])  # fmt: skip
NAMES = st.sampled_from(["Sample", "Someone Else"])


def _maybe(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


SF_CASE = _maybe(
    Status=st.sampled_from(["New", "Working", "Escalated", "Closed"]),
    Reason=st.sampled_from(["Billing", "Return", "Technical"]),
    OwnerId=st.sampled_from(["{queue:Billing}", "{queue:Returns}", "{queue:Escalations}"]),
    ContactId=st.sampled_from(["{contact}", "{other_contact}"]),
)
SF_CASE_RECORD = st.sampled_from(["{case}", "{other_case}"])


def _asked(record: dict[str, Any]) -> list[str]:
    """What the CRM is asked before a case update is judged: the case's current queue, Reason
    and Status when it changes the Reason and not the queue (the routing rule judges the case
    as it will be), and the account of a contact it sets with no AccountId."""
    return [
        what
        for what, named, unnamed in (
            ("current queue", "Reason", "OwnerId"),
            ("ContactId's account", "ContactId", "AccountId"),
        )
        if named in record and unnamed not in record
    ]


def _case_update(record: str, body: dict[str, Any]) -> Write:
    return Write("PATCH", f"sobjects/Case/{record}", body, ", ".join(_asked(body)))


SALESFORCE_WRITES = st.one_of(
    st.builds(_case_update, SF_CASE_RECORD, SF_CASE),
    st.builds(Write, st.just("PATCH"), st.builds("sobjects/Case/Id/{}".format, SF_CASE_RECORD),
              SF_CASE, st.just("upsert by Id")),
    st.builds(Write, st.just("DELETE"), st.builds("sobjects/Case/Id/{}".format, SF_CASE_RECORD),
              st.none(), st.just("delete by Id")),
    st.builds(Write, st.just("PATCH"),
              st.builds("sobjects/Contact/External_Id__c/{}".format,
                        st.sampled_from(["{contact_ext}", "OTH-{tag}", "NEW-{tag}"])),
              st.fixed_dictionaries({"LastName": NAMES}, optional={
                  "AccountId": st.sampled_from(["{account}", "{other_account}"])}),
              st.just("upsert by external id")),
    st.builds(Write, st.just("POST"), st.just("sobjects/Case"),
              st.fixed_dictionaries(
                  {"Subject": st.just("Help {tag}"), "Origin": st.just("Phone"),
                   "AccountId": st.sampled_from(["{account}", "{other_account}"])},
                  optional={"Reason": st.sampled_from(["Billing", "Return"]),
                            "ContactId": st.sampled_from(["{contact}", "{other_contact}"])}),
              st.just("")),
)  # fmt: skip
SF_NEW_CASE = st.fixed_dictionaries(
    {
        "attributes": st.just({"type": "Case"}),
        "Subject": st.just("Help {tag}"),
        "Origin": st.just("Phone"),
        "AccountId": st.sampled_from(["{account}", "{other_account}"]),
    },
    optional={"ContactId": st.sampled_from(["{contact}", "{other_contact}"])},
)
SF_CASE_UPDATE = st.builds(
    lambda record, body: {"attributes": {"type": "Case"}, "id": record, **body},
    SF_CASE_RECORD,
    SF_CASE,
)


def _in_part(method: str, path: str, records: Any) -> Write:
    """A collection saved record by record; the CRM is asked what it is asked of each record
    (``_asked``), and of a case deleted, the cases naming it as their parent."""
    body = None if records is None else {"allOrNone": False, "records": records}
    asked = sorted({what for r in records or () for what in _asked(r)})
    if method == "DELETE":
        asked.append("child cases")
    return Write(method, path, body, ", ".join(asked))


#: sObject Collections saved record by record, mixing the customer's records and another's.
SALESFORCE_COLLECTIONS = st.one_of(
    st.builds(lambda records: _in_part("POST", "composite/sobjects", records),
              st.lists(SF_NEW_CASE, min_size=2, max_size=3)),
    st.builds(lambda records: _in_part("PATCH", "composite/sobjects", records),
              st.lists(SF_CASE_UPDATE, min_size=2, max_size=2, unique_by=lambda r: r["id"])),
    st.builds(lambda ids: _in_part("DELETE", f"composite/sobjects?ids={','.join(ids)}"
                                             "&allOrNone=false", None),
              st.lists(SF_CASE_RECORD, min_size=2, max_size=2, unique=True)),
)  # fmt: skip
SALESFORCE_READS = [
    "sobjects/Case/{case}",
    "sobjects/Case/{other_case}",
    "sobjects/Contact/{contact}",
    "query/?q=SELECT+Id+FROM+Contact+WHERE+Id+=+'{other_contact}'",  # whose: not shown
    "query/?q=SELECT+Id+FROM+Case+WHERE+Id+=+'{other_case}'",
]

ZD_TAGS = st.lists(st.sampled_from(["billing", "technical", "goodwill", "resolved", "escalated",
                                    "vip"]), max_size=2, unique=True)  # fmt: skip
ZD_FIELDS = {CONTACT_REASON_FIELD: ["billing", "technical"], REFUND_REASON_FIELD: ["goodwill"],
             RESOLUTION_FIELD: ["resolved", "escalated"]}  # fmt: skip


@st.composite
def zendesk_tickets(draw: st.DrawFn) -> dict[str, Any]:
    ticket: dict[str, Any] = {"comment": {"body": "Checked it.", "public": False}}
    for name in draw(st.lists(st.sampled_from(["tags", "additional_tags"]), max_size=1)):
        ticket[name] = draw(ZD_TAGS)
    if draw(st.booleans()):
        field = draw(st.sampled_from(sorted(ZD_FIELDS)))
        ticket["custom_fields"] = [{"id": field, "value": draw(st.sampled_from(ZD_FIELDS[field]))}]
    return ticket


def _tagged(ticket: dict[str, Any]) -> str:
    return "tags" if {"tags", "additional_tags"} & set(ticket) else ""


ZENDESK_WRITES = st.one_of(
    st.builds(lambda record, ticket: Write("PUT", f"tickets/{record}.json", {"ticket": ticket},
                                           _tagged(ticket)),
              st.sampled_from(["{case}", "{other_case}"]), zendesk_tickets()),
    st.builds(lambda ticket: Write("POST", "tickets.json", {"ticket": {
        **ticket, "subject": "Help {tag}", "requester_id": "{contact}"}}, _tagged(ticket)),
        zendesk_tickets()),
    st.builds(lambda email, name: Write("POST", "users/create_or_update.json",
                                        {"user": {"email": email, "name": name}},
                                        "create_or_update by email"),
              st.sampled_from(["sam-{tag}@example.com", "someone-{tag}@example.com",
                               "new-{tag}@example.com"]), NAMES),
    st.builds(lambda record, tags: Write("PUT", f"users/{record}.json", {"user": {"tags": tags}},
                                         "tags"),
              st.sampled_from(["{contact}", "{other_contact}"]), ZD_TAGS),
)  # fmt: skip
ZENDESK_READS = [
    "tickets/{case}.json",
    "tickets/{other_case}.json",
    "users/{contact}.json",
    "users/{other_contact}.json",
]

SN_CASE = _maybe(
    short_description=st.just("Checked {tag}"),
    state=st.sampled_from(["1", "2", "3"]),
    contact=st.sampled_from(["{contact}", "{other_contact}"]),
    account=st.sampled_from(["{account}", "{other_account}"]),
)


def _through(base: str, own: str) -> st.SearchStrategy[tuple[str, str]]:
    """A table and what makes an update through it lookup-dependent: the record's class is
    asked, through its base table or its own (which an admin's table may extend)."""
    return st.sampled_from([(base, "base table"), (own, "its class")])


SERVICENOW_WRITES = st.one_of(
    st.builds(lambda table, record, body: Write("PATCH", f"{table[0]}/{record}", body, table[1]),
              _through("task", "sn_customerservice_case"),
              st.sampled_from(["{case}", "{other_case}"]), SN_CASE),
    st.builds(lambda table, record, body: Write("PATCH", f"{table[0]}/{record}", body, table[1]),
              _through("sys_user", "customer_contact"),
              st.sampled_from(["{contact}", "{other_contact}"]),
              _maybe(account=st.sampled_from(["{account}", "{other_account}"]),
                     last_name=NAMES)),
    st.builds(lambda table, record, body: Write("PATCH", f"{table[0]}/{record}", body, table[1]),
              _through("core_company", "customer_account"),
              st.sampled_from(["{account}", "{other_account}"]),
              _maybe(name=st.just("Renamed {tag}"))),
    st.builds(lambda body: Write("POST", "sn_customerservice_case", body, ""),
              st.fixed_dictionaries({"short_description": st.just("Help {tag}"),
                                     "account": st.sampled_from(["{account}", "{other_account}"]),
                                     "contact": st.sampled_from(["{contact}",
                                                                 "{other_contact}"])})),
)  # fmt: skip
SERVICENOW_READS = [
    "sn_customerservice_case/{case}",
    "sn_customerservice_case/{other_case}",
    "customer_contact/{other_contact}",
    "customer_account/{other_account}",
]


# -- the doors ---------------------------------------------------------------------------------

_numbers = itertools.count()


@dataclass(frozen=True)
class Example:
    write: Write
    reads: list[str]
    turn: str
    verified: bool


def _outcome(verdict: str, violations: list[dict[str, Any]]) -> Outcome:
    """A decision as replay compares them: its verdict and the rules that make it."""
    found = [
        Violation(policy=v["policy"], rule=v["rule"], message="",
                  action=Action(v.get("action", "block")), mode=Mode(v.get("mode", "enforce")),
                  code=str(v.get("code", "")))
        for v in violations
        if v.get("code") != POST_CODE
    ]  # fmt: skip
    outcome = Outcome.of(found)
    return outcome if outcome.verdict == verdict or verdict == "post-fail" else Outcome(verdict)


@dataclass(frozen=True)
class Split:
    """A collection saved in part: the records saved and those refused (by ref), and the
    decision on each side."""

    saved: tuple[str, ...]
    refused: tuple[str, ...]
    outcomes: tuple[Outcome, Outcome]

    @classmethod
    def of(cls, saved: dict[str, Any], refused: dict[str, Any]) -> Split:
        """From the two decisions (as the check API answers them, or the audit log's)."""
        return cls(
            _refs(saved), _refs(refused),
            (_outcome(saved["decision"], saved["violations"]),
             _outcome(refused["decision"], refused["violations"])),
        )  # fmt: skip

    def __str__(self) -> str:
        saved, refused = self.outcomes
        return f"partial: saved {list(self.saved)} {saved}, refused {list(self.refused)} {refused}"


def _refs(decision: dict[str, Any]) -> tuple[str, ...]:
    return tuple(i["ref"] for i in decision["intents"])


def _checked(answer: dict[str, Any]) -> Outcome | Split:
    """What the check API or a dry run answered, as an Outcome (a Split for a collection it
    says would be saved in part, each record's verdict as the side it is on)."""
    if answer["decision"] == PARTIAL:
        split = Split.of(answer["saved"], answer["refused"])
        verdicts = {r["ref"]: r["decision"] for r in answer["records"]}
        assert [r for r, v in verdicts.items() if v == "block"] == list(split.refused), answer
        assert sorted(verdicts) == sorted(split.saved + split.refused), answer
        return split
    if "violations" in answer:
        return _outcome(answer["decision"], answer["violations"])
    return Outcome(answer["decision"], (REFUSED_BY.get(answer.get("error", ""), "?"),))


class Doors:
    """One example, through every door."""

    def __init__(self, crm: Crm, example: Example) -> None:
        self.crm = crm
        self.example = example
        tag = f"{uuid.uuid4().hex[:8]}"
        self.values: Placeholders = start(
            crm.own, tag, lambda o, f: crm.create(crm.stack, o, f), crm.starting, crm.queues
        )
        self.conversation = f"doors-{next(_numbers)}-{tag}"
        self.platform = self.values.fill({
            "channel": "chat",
            "customer": {"account_ids": ["{account}"], "contact_ids": ["{contact}"],
                         "verified": example.verified},
            "turns": [{"role": "customer", "text": example.turn}],
        })  # fmt: skip
        stack = crm.stack
        self.admin = httpx.Client(base_url=f"{stack.admin_url}/guardrail/v1", timeout=30)
        self.agent = httpx.Client(
            base_url=stack.proxy_url, timeout=30,
            verify=ssl.create_default_context(cafile=stack.tls.ca_pem),
            headers={"Authorization": crm.authorization,
                     "X-Guardrail-Conversation": self.conversation},
        )  # fmt: skip
        self.admin.put(f"/conversations/{self.conversation}", json=self.platform)
        for read in example.reads:
            self.agent.get(f"{crm.api}/{self.values.fill(read)}").raise_for_status()
        self.method = example.write.method
        self.path = f"{crm.api}/{self.values.fill(example.write.path)}"
        self.body = self.values.fill(example.write.body)

    def close(self) -> None:
        self.admin.close()
        self.agent.close()

    def check_api(self) -> Outcome | Split:
        answer = self.admin.post("/check", json={
            "method": self.method, "path": self.path, "body": self.body,
            "headers": {"Authorization": self.crm.authorization},
            "conversation_id": self.conversation,
        })  # fmt: skip
        assert answer.status_code in (200, 503), answer.text
        return _checked(answer.json())

    def dry_run(self) -> Outcome | Split:
        """``guardrail check``: the conversation and what the agent read (as the proxy
        recorded it), given inline."""
        seen = self.admin.get(f"/conversations/{self.conversation}").json()["reads"]
        request = CheckRequest.model_validate({
            "method": self.method, "path": self.path, "body": self.body,
            "conversation_id": self.conversation, "conversation": self.platform,
            "reads": [{"object": r["object"], "id": r["id"], "fields": r["fields"]}
                      for r in seen],
        })  # fmt: skip
        return _checked(asyncio.run(judge(request, offline(self.crm.policies), NO_CRM)))

    def proxy(self) -> tuple[Outcome | Split, list[dict[str, Any]]]:
        """The proxy's decision and its record; for a collection it saved in part, the two
        decisions and their records (saved, refused)."""
        sent = self.agent.request(self.method, self.path, json=self.body)
        record = self._decision(sent.headers["X-Guardrail-Decision-Id"])
        blocked_id = sent.headers.get(BLOCKED_DECISION_ID_HEADER)
        if blocked_id is None:
            return _outcome(record["decision"], record["violations"]), [record]
        blocked = self._decision(blocked_id)
        split = Split.of(record, blocked)
        refused = [r for r in sent.json() if not r["success"]
                   and r["errors"][0]["statusCode"].startswith("GUARDRAIL_")]  # fmt: skip
        assert len(refused) == len(split.refused), sent.text  # each refused record told so
        return split, [record, blocked]

    def _decision(self, decision_id: str) -> dict[str, Any]:
        record: dict[str, Any] = self.admin.get(f"/decisions/{decision_id}").json()
        return record

    def replay(self, record: dict[str, Any]) -> tuple[Outcome, Outcome] | str:
        return asyncio.run(Replayer(self.crm.policies).judge(record))


def _through_every_door(crm: Crm, example: Example) -> None:
    doors = Doors(crm, example)
    try:
        checked = doors.check_api()
        dry = doors.dry_run()
        proxied, records = doors.proxy()
        replayed = [doors.replay(record) for record in records]
    finally:
        doors.close()
    event(f"{example.write.lookup or 'plain'}: {proxied}")
    what = f"{doors.method} {doors.path} {doors.body}"
    assert checked == proxied, f"check API {checked} != proxy {proxied}: {what}"
    lookup_refused = Outcome("block", (REFUSED_BY[LookupUnavailable.code],))
    assert dry in (proxied, lookup_refused), f"dry run {dry} != proxy {proxied}: {what}"
    if dry == lookup_refused and dry != proxied:
        assert example.write.lookup or example.reads, what  # only a write the CRM is asked about
    decided = proxied.outcomes if isinstance(proxied, Split) else (proxied,)
    for again, outcome in zip(replayed, decided, strict=True):
        if not isinstance(again, str):  # a refusal before judging has nothing to judge again
            assert again == (outcome, outcome), f"replay {again} != proxy {outcome}: {what}"


def examples(writes: st.SearchStrategy[Write], reads: list[str]) -> st.SearchStrategy[Example]:
    return st.builds(
        Example, writes, st.lists(st.sampled_from(reads), max_size=3, unique=True), TURNS,
        st.booleans(),
    )  # fmt: skip


@through_a_stack(40)
@given(example=examples(SALESFORCE_WRITES, SALESFORCE_READS))
def test_a_salesforce_write_gets_one_decision_at_every_door(
    salesforce: Crm, example: Example
) -> None:
    _through_every_door(salesforce, example)


@through_a_stack(40)
@given(example=examples(SALESFORCE_COLLECTIONS, SALESFORCE_READS))
def test_a_salesforce_collection_saved_in_part_gets_one_decision_per_record_at_every_door(
    salesforce: Crm, example: Example
) -> None:
    _through_every_door(salesforce, example)


@through_a_stack(40)
@given(example=examples(ZENDESK_WRITES, ZENDESK_READS))
def test_a_zendesk_write_gets_one_decision_at_every_door(zendesk: Crm, example: Example) -> None:
    _through_every_door(zendesk, example)


@through_a_stack(40)
@given(example=examples(SERVICENOW_WRITES, SERVICENOW_READS))
def test_a_servicenow_write_gets_one_decision_at_every_door(
    servicenow: Crm, example: Example
) -> None:
    _through_every_door(servicenow, example)


# -- a door with no CRM to ask -------------------------------------------------------------


@pytest.mark.parametrize(
    ("pack", "method", "path", "body"),
    [
        pytest.param("zendesk-contact-center", "PUT", "/api/v2/tickets/1.json",
                     {"ticket": {"tags": ["refund_issued"]}}, id="zendesk-option-tag"),
        pytest.param("servicenow-contact-center", "PATCH",
                     "/api/now/table/sys_user/0123456789abcdef0123456789abcdef",
                     {"phone": "555"}, id="servicenow-base-table"),
        pytest.param("salesforce-contact-center", "PATCH",
                     "/services/data/v59.0/sobjects/Contact/External_Id__c/C-1",
                     {"LastName": "Sample"}, id="salesforce-upsert"),
    ],
)  # fmt: skip
async def test_a_dry_run_refuses_a_write_only_the_crm_can_resolve_saying_where_to_check_it(
    pack: str, method: str, path: str, body: Any
) -> None:
    request = CheckRequest(method=method, path=path, body=body)
    answer = await judge(request, offline(load_policy_set(PACKS / pack)), NO_CRM)
    assert answer["decision"] == "block"
    assert answer["error"] == LookupUnavailable.code
    assert "POST /guardrail/v1/check" in answer["message"]
    assert [v["rule"] for v in answer["violations"]] == ["LookupUnavailable"]


async def test_reads_are_given_by_the_crms_own_ids() -> None:
    zendesk = offline(load_policy_set(PACKS / "zendesk-contact-center"))
    write = {"method": "PUT", "path": "/api/v2/users/40002.json", "body": {"user": {"name": "A"}},
             "conversation": {"channel": "chat", "turns": []}}  # fmt: skip
    read = CheckRequest.model_validate({**write, "reads": [{"object": "user", "id": "40002"}]})
    assert (await judge(read, zendesk, NO_CRM)).get("error") is None
    wrong = CheckRequest.model_validate({**write, "reads": [{"object": "user", "id": "ada"}]})
    refused = await judge(wrong, zendesk, NO_CRM)
    assert (refused["decision"], refused["error"]) == ("block", "GUARDRAIL_READ_INVALID")


async def test_reads_given_with_a_stored_conversation_ground_the_write_as_the_proxys_would() -> (
    None
):
    door = offline(load_policy_set(PACKS / "salesforce-contact-center"))
    account, case = "001000000000001AAA", "500000000000001AAA"
    stored = {"channel": "chat", "turns": [{"role": "customer", "text": "Please update my case."}],
              "customer": {"account_ids": [account], "verified": True}}  # fmt: skip
    await door.context.store.put("stored", ConversationIn.model_validate(stored))  # type: ignore[attr-defined]
    write = {"method": "PATCH", "path": f"/services/data/v59.0/sobjects/Case/{case}",
             "body": {"Status": "Working"}, "conversation_id": "stored"}  # fmt: skip
    unread = await judge(CheckRequest.model_validate(write), door, NO_CRM)
    read = {"object": "Case", "id": case, "fields": {"AccountId": account}}
    given = await judge(CheckRequest.model_validate({**write, "reads": [read]}), door, NO_CRM)
    assert unread["decision"] == "block"
    assert given["decision"] == "allow", given
