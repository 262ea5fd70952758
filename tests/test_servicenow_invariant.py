"""The differential invariant on ServiceNow: what the instance changes is what the proxy allowed
and audited.

Hypothesis builds the request variants a prompt-injected or careless agent would try on the
Table API and the Batch API: paths with dot segments, ``;`` parameters, double slashes and
needless encodings, table names in other spellings, method override headers, parameters given
twice, display-value input, a write asking for an answer the proxy cannot read (no body, XML,
XML preferred to JSON by quality: a create's record would then be named by no audited intent), parameters that change what a write does (audit fields kept off,
domain separation crossed: refused by the pack's safeguards) or that the Table API does not
document, a method override parameter, script in a query, duplicate JSON keys, a delete of a
record others reference (the instance clears each reference to it, one to a table the record's
extends too: an admin's field referencing ``task`` names the case; and a record of an admin's
table named through the table it extends), a forbidden value
(``category: complaint``, refused by the test's policy), a work note hiding a card number in
HTML between ``[code]`` tags (which the instance renders), each sent alone or inside a batch.
Each is sent byte for byte through the real proxy to the sandbox instance, which logs what it
changed. After each:

- no answer is a 5xx;
- every record the instance changed was written by an intent of an allowed, audited decision;
- a request carrying a forbidden value or parameter changes nothing.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from guardrail.config import AuthMode
from guardrail.context.facts import pii_in
from guardrail.sandbox.servicenow import INSTANCE, InstanceStore, create_app
from guardrail.sandbox.servicenow.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from guardrail.sandbox.servicenow.tables import Column, Kind, Table
from guardrail.testing import Stack
from tests.helpers import Answer, Sent, Wire, servicenow_safeguards_pack

NO_COMPLAINTS = """\
apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata: {name: no-complaints}
spec:
  crm: servicenow
  match: {objects: [sn_customerservice_case], operations: [create, update]}
  rules:
    - name: NotAComplaint
      expression: '!has(intent.fields.category) || intent.fields.category != "complaint"'
      message: No complaints here.
    - name: NoCardInWorkNotes
      expression: '!has(intent.fields.work_notes) || !pii(intent.fields.work_notes).exists(k, k == "card")'
      message: No card numbers in work notes.
"""
#: Work notes: plain, and a card number the instance shows from HTML between [code] tags.
NOTES = st.sampled_from([None, "Called back.", "[code]<b>Called</b> back.[/code]",
                         "Card [code]41<b></b>11 1111 1111 1111[/code]",
                         "Card [CODE]4&#49;11 1111 1111 1111[/CODE]"])  # fmt: skip

PREFIXES = st.sampled_from([
    "/api/now/table", "/api/now/v1/table", "/api/now/v2/table", "/api/now//table",
    "/api/now/./table", "/api/now/x/../table", "/api/now/x/%2e%2e/table", "/api/now/table;v=1",
    "/api/now/%74able", "/api/now%2ftable", "/API/now/table", "/api/now/import/../table",
])  # fmt: skip
TABLES = st.sampled_from(["sn_customerservice_case", "SN_CUSTOMERSERVICE_CASE",
                          "sn_customerservice%5fcase", "sn_customerservice_case;x=1"])  # fmt: skip
QUERIES = st.sampled_from([
    "", "?sysparm_display_value=all", "?sysparm_input_display_value=true",
    "?sysparm_input_display_value=false", "?sysparm_fields=number&SYSPARM_FIELDS=state",
    "?sysparm_suppress_auto_sys_field=true", *["?sysparm_query_no_domain=true"] * 4,
    "?sysparm_query_no_domain=false&sysparm_display_value=all", "?_method=DELETE",
    "?sysparm_foo=1", "?sysparm_query=sys_created_on>javascript:gs.daysAgo(1)",
])  # fmt: skip
#: What the test's policies forbid a write to carry, in any reading: a complaint, a write the
#: instance would save without its audit fields or across its domains.
FORBIDDEN = (
    "complaint",
    "sysparm_suppress_auto_sys_field=true",
    "sysparm_query_no_domain=true",
    "Card [",
)
HEADERS = st.sampled_from([(), (("X-HTTP-Method-Override", "DELETE"),),
                           (("X-HTTP-Method-Override", "GET"),), (("X-no-response-body", "true"),),
                           (("Accept", "application/xml"),),
                           (("Accept", "application/xml, application/json;q=0.5"),),
                           (("Accept", "application/*;q=0.9, application/json;q=0.1"),),
                           (("Accept", "application/json, application/xml;q=0.5"),)])  # fmt: skip
CATEGORIES = st.sampled_from(["billing", "complaint", "technical"])
#: An admin's callback (a record of its table extending ``interaction``), which the case names.
CALLBACK_ID = "c0ffee00c0ffee00c0ffee00c0ffee00"
#: What a delete names: the customer's case (through its table or ``task``, which it extends),
#: or a record other records reference (their cases name the contact, the contact names the
#: account, the case its callback, named through interaction), each reference cleared by the
#: delete.
DELETED = st.sampled_from([("sn_customerservice_case", ACME_CASE_ID), ("task", ACME_CASE_ID),
                           ("customer_contact", ACME_CONTACT_ID),
                           ("customer_account", ACME_ACCOUNT_ID),
                           ("interaction", CALLBACK_ID)])  # fmt: skip
#: An admin's field referencing ``task``, which may name the customer's case.
FOLLOW_UP = Column("u_follow_up", "Follow-up", Kind.REFERENCE, 32, reference="task")
#: An admin's field naming the case's callback.
CALLBACK = Column("u_callback", "Callback", Kind.REFERENCE, 32, reference="u_callback")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("servicenow-invariant")
    policies = servicenow_safeguards_pack(directory / "policies")
    (policies / "no-complaints.yaml").write_text(NO_COMPLAINTS)
    with Stack(
        directory, auth_mode=AuthMode.PASSTHROUGH, crm=create_app, dialect="servicenow",
        policies=policies,
    ) as running:  # fmt: skip
        yield running


def _body(data: st.DataObject, category: str) -> bytes:
    duplicate = data.draw(st.sampled_from([False, False, True]), label="duplicate key")
    if duplicate:
        return f'{{"short_description": "x", "category": "billing", "category": "{category}"}}'.encode()
    note = data.draw(NOTES, label="work note")
    record = {"short_description": "x", "category": category}
    return json.dumps(record if note is None else {**record, "work_notes": note}).encode()


def _variant(data: st.DataObject) -> Sent:
    """A write, plain half of the time (so allowed writes are judged too), else with tricks:
    in its path and headers, or in its query parameters alone."""
    plain = data.draw(st.booleans(), label="plain")
    prefix, table = (
        ("/api/now/table", "sn_customerservice_case") if plain or data.draw(st.booleans())
        else (data.draw(PREFIXES), data.draw(TABLES))
    )  # fmt: skip
    query = "" if plain else data.draw(QUERIES)
    method = data.draw(st.sampled_from(["POST", "PATCH", "PUT", "DELETE"]))
    category = data.draw(CATEGORIES)
    record = ACME_CASE_ID
    if method == "DELETE" and table == "sn_customerservice_case":
        table, record = data.draw(DELETED, label="deleted")
    target = f"{prefix}/{table}" + (f"/{record}" if method != "POST" else "") + query
    body = b"" if method == "DELETE" else _body(data, category)
    headers = (("Content-Type", "application/json"), *(() if plain else data.draw(HEADERS)))
    forbidden = any(f in target or f in body.decode() for f in FORBIDDEN)
    if data.draw(st.booleans(), label="in a batch"):
        inner: dict[str, Any] = {"id": "1", "method": method, "url": target,
                                 "headers": [{"name": k, "value": v} for k, v in headers]}  # fmt: skip
        if body:
            inner["body"] = base64.b64encode(body).decode()
        batch = json.dumps({"batch_request_id": "b", "rest_requests": [inner]}).encode()
        return Sent("POST", "/api/now/v1/batch", batch, (("Content-Type", "application/json"),),
                    forbidden, "batch")  # fmt: skip
    return Sent(method, target, body, headers, forbidden, "table")


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_change_the_instance_makes_was_allowed_and_audited(
    stack: Stack, data: st.DataObject
) -> None:
    store: InstanceStore = stack.crm_app[INSTANCE]
    stack.call(_reset(store, data.draw(st.booleans(), label="a task reference names the case")))
    sent = _variant(data)
    answer: Answer = stack.call(_send_in_thread(Wire(stack), sent))
    where = f"{sent.note}: {sent.method} {sent.target} {sent.headers} {sent.body[:200]!r}"
    assert answer.status < 500, f"{where} -> {answer.status} {answer.body[:300]!r}"
    changed = list(store.changes)
    event(f"{sent.note}: {answer.headers.get('x-guardrail-decision', 'refused')}, "
          f"{'changed' if changed else 'unchanged'}")  # fmt: skip
    if not changed:
        return
    assert not sent.forbidden, f"{where}: forbidden, yet the instance changed {changed}"
    decision_id = answer.headers.get("x-guardrail-decision-id")
    assert decision_id, f"{where}: changed {changed} without a decision"
    record = httpx.get(f"{stack.admin_url}/guardrail/v1/decisions/{decision_id}", timeout=10)
    decision = record.json()
    assert decision["decision"] in ("allow", "shadow-block"), where
    named = {i.get(k) for i in decision["intents"] for k in ("record_id", "saved_id")} - {None}
    for change in changed:
        assert change.record_id in named, f"{where}: {change} belongs to no allowed intent"
    assert all(r["category"] != "complaint" for r in store.records("sn_customerservice_case"))
    shown = [_shown(e["value"]) for e in store.journal]
    assert not any("card" in pii_in(text) for text in shown), f"{where}: a card was saved"


def _shown(entry: str) -> str:
    """A journal entry as the instance shows it: HTML between [code] tags rendered."""
    code = re.compile(r"\[code\](.*?)\[/code\]", re.IGNORECASE | re.DOTALL)
    return code.sub(lambda m: html.unescape(re.sub(r"<[^>]*>", "", m[1])), entry)


def _reset(store: InstanceStore, follow_up: bool) -> Any:
    async def reset() -> None:
        store.reset()
        store.add_table(Table("u_callback", "Callback", {}, "number"), extends="interaction")
        store.insert("u_callback", {"sys_id": CALLBACK_ID}, user="system")
        store.add_field("sn_customerservice_case", CALLBACK)
        store.update("sn_customerservice_case", ACME_CASE_ID, {"u_callback": CALLBACK_ID},
                     user="system")  # fmt: skip
        if follow_up:
            store.add_field("interaction", FOLLOW_UP)
            store.insert("interaction", {"u_follow_up": ACME_CASE_ID}, user="system")
        store.changes.clear()

    return reset


def _send_in_thread(wire: Wire, sent: Sent) -> Any:
    """The blocking send, run off the stack's loop (which serves the proxy and the sandbox)."""
    import asyncio

    async def send() -> Answer:
        return await asyncio.to_thread(wire.send, sent)

    return send
