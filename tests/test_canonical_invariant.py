"""The differential invariant: what the CRM changes is what the proxy allowed and audited.

Hypothesis builds request variants an attacker (a prompt-injected or careless agent) would try:
method overrides in the query (any value, any spelling, repeated) and in headers, bodies on
reads, paths with dot segments, ``;`` parameters, double slashes and encodings, object and
field names in any case, a field given twice (as a duplicate JSON key, or in two spellings),
sObject Collections and Composite subrequests carrying the same tricks, gzip and deflate bodies
(broken ones too) and behaviour headers. Each is sent byte for byte (``http.client``: no client
normalises the path) through the real proxy to the sandbox, which executes what Salesforce
executes (case-insensitive names, ``POST ?_HttpMethod=PATCH``, collections, composite) and logs
what it changed. After each request:

- no answer is a 500;
- every record the sandbox changed belongs to an intent of an allowed, audited decision (a
  cascade to the record such an intent wrote), and an update changed only fields the intent
  names, spelled as the describe spells them;
- a refused request (or one carrying what the test's policies forbid: ``Priority: High`` in any
  spelling, a behaviour header that switches a safeguard off) leaves the sandbox unchanged, and
  is audited;
- an answer without a decision is a forwarded read, which changed nothing.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from guardrail.crm import sfid
from guardrail.sandbox.store import Change
from guardrail.testing import Stack
from tests.helpers import Answer, Sent, Wire, guarded_pack

API = "/services/data/v59.0"
ACCOUNT = "001000000000001AAA"


# -- building variants ---------------------------------------------------------------------------

PRIORITY_NAMES = st.sampled_from(["Priority", "priority", "PRIORITY", "pRiOrItY"])
SUBJECT_NAMES = st.sampled_from(["Subject", "subject", "SUBJECT"])
PRIORITIES = st.sampled_from(["High", "Low", "Medium"])
PREFIXES = st.sampled_from(
    [
        f"{API}/SObjects",
        f"{API}//sobjects",
        f"{API}/./sobjects",
        f"{API}/x/../sobjects",
        f"{API}/x/%2e%2e/sobjects",
        f"{API}/x/%2E%2E/sobjects",
        f"{API}/x/..;/sobjects",
        f"{API}/sobjects;v=1",
        f"{API}/%73objects",
        f"{API}%2fsobjects",
        "/services/oauth2/../data/v59.0/sobjects",
        "/services/oauth2/%2e%2e/data/v59.0/sobjects",
        "/SERVICES/OAUTH2/../DATA/v59.0/sobjects",
        "/services/oauth2/token/../../data/v59.0/sobjects",
    ]
)
CASE_NAMES = st.sampled_from(["case", "CASE", "%43ase", "Case%00", "Case;x=1", "Ca%0Ase"])
#: (query, effective method the sandbox would execute for a POST, forbidden by Salesforce's docs)
OVERRIDES = st.sampled_from(
    [
        "_HttpMethod=PATCH",
        "_HttpMethod=patch",
        "_httpmethod=PATCH",
        "_HTTPMETHOD=PATCH",
        "_HttpMethod=GET",
        "_HttpMethod=HEAD",
        "_HttpMethod=DELETE",
        "_HttpMethod=PATCH&_HttpMethod=GET",
        "_HttpMethod=GET&_HttpMethod=PATCH",
        "_HttpMethod=PATCH&_httpmethod=GET",
        "_Http%4Dethod=PATCH",
    ]
)
OVERRIDE_HEADERS = st.sampled_from(
    [
        (("X-HTTP-Method-Override", "PATCH"),),
        (("X-HTTP-Method", "GET"),),
        (("x-method-override", "DELETE"),),
    ]
)
#: (headers, whether the test's policies forbid them)
BEHAVIOUR = st.sampled_from(
    [
        ((("Sforce-Auto-Assign", "TRUE"),), False),
        ((("Sforce-Auto-Assign", "FALSE"),), True),
        ((("sforce-auto-assign", "false"),), True),
        ((("Sforce-Auto-Assign", "TRUE"), ("Sforce-Auto-Assign", "FALSE")), True),
        ((("Sforce-Duplicate-Rule-Header", "allowSave=true"),), True),
        ((("Sforce-Duplicate-Rule-Header", "allowSave = TRUE; runAsCurrentUser=true"),), True),
        ((("Sforce-Call-Options", "defaultNamespace=acme"),), True),
        ((("Sforce-Not-Documented", "1"),), True),
        ((("Sforce-Mru", "updateMru=false"),), False),
    ]
)
ENCODINGS = st.sampled_from(["gzip", "deflate", "gzip-mislabelled", "gzip-truncated"])
#: What a variant may twist; each it does not twist is sent as a well-behaved client would.
TWISTS = ("prefix", "object", "override", "override-header", "behaviour", "encoding", "method")


class Twist:
    """One variant's twists: ``pick(name, strategy, clean)`` draws from ``strategy`` when the
    variant twists ``name``, else gives ``clean``. Mostly clean requests, a few twists each,
    so allowed writes are common and every twist meets every write form."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.names = draw(st.sets(st.sampled_from(TWISTS), max_size=2))

    def pick(self, name: str, strategy: st.SearchStrategy[Any], clean: Any) -> Any:
        return self.draw(strategy) if name in self.names else clean


def record_json(fields: list[tuple[str, Any]]) -> str:
    """A JSON object with exactly these pairs, duplicates kept (json.dumps would drop them)."""
    return "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in fields) + "}"


@st.composite
def record_fields(draw: st.DrawFn) -> tuple[list[tuple[str, Any]], bool]:
    """A Case's fields: a Subject, maybe a Priority, maybe given twice (same key, or two
    spellings); forbidden when any reading of it sets Priority High."""
    fields: list[tuple[str, Any]] = [(draw(SUBJECT_NAMES), "Invariant")]
    forbidden = False
    for _ in range(draw(st.integers(0, 2))):
        value = draw(PRIORITIES)
        forbidden |= value == "High"
        fields.append((draw(PRIORITY_NAMES), value))
    if draw(st.booleans()) and len(fields) > 1:
        name, value = fields[-1]
        fields.append((name, "High"))  # the same key again: a duplicate JSON key
        forbidden = True
    return fields, forbidden


def encode(body: bytes, how: str) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    if not body or not how:
        return body, ()
    if how == "gzip":
        return gzip.compress(body), (("Content-Encoding", "gzip"),)
    if how == "deflate":
        return zlib.compress(body), (("Content-Encoding", "deflate"),)
    if how == "gzip-mislabelled":
        return body, (("Content-Encoding", "gzip"),)
    return gzip.compress(body)[:-6], (("Content-Encoding", "gzip"),)


@st.composite
def single_row(draw: st.DrawFn, case_id: str) -> Sent:
    """An sObject Rows write (create, update, delete, upsert by Id) in any method form."""
    twist = Twist(draw)
    fields, forbidden = draw(record_fields())
    form = draw(st.sampled_from(["create", "update", "delete", "upsert-id"]))
    clean = {"create": "POST", "update": "PATCH", "delete": "DELETE", "upsert-id": "PATCH"}
    method = twist.pick("method", st.sampled_from(["POST", "GET", "HEAD", "PUT"]), clean[form])
    tail = {"create": "", "update": f"/{case_id}", "delete": f"/{case_id}"}.get(
        form, f"/Id/{case_id}"
    )
    query = twist.pick("override", OVERRIDES, "")
    prefix = twist.pick("prefix", PREFIXES, f"{API}/sobjects")
    target = f"{prefix}/{twist.pick('object', CASE_NAMES, 'Case')}{tail}"
    target += draw(st.sampled_from(["", "/"])) + (f"?{query}" if query else "")
    delete = form == "delete" and "method" not in twist.names
    body = b"" if delete else record_json(fields).encode()
    return _sent(twist, method, target, body, forbidden and not delete, form)


@st.composite
def collection(draw: st.DrawFn, case_id: str) -> Sent:
    """sObject Collections: create, update (records naming their id in any spelling), delete
    by ids (a parameter given twice too)."""
    twist = Twist(draw)
    form = draw(st.sampled_from(["create", "update", "delete"]))
    query = twist.pick("override", OVERRIDES, "")
    if form == "delete":
        ids = draw(st.sampled_from([f"ids={case_id}", f"ids={case_id}&ids=001000000000002AAA"]))
        method = twist.pick("method", st.sampled_from(["POST", "GET"]), "DELETE")
        target = f"{API}/composite/sobjects?{ids}" + (f"&{query}" if query else "")
        return _sent(twist, method, target, b"", False, "collection-delete")
    fields, forbidden = draw(record_fields())
    attributes = ("attributes", {"type": draw(st.sampled_from(["Case", "case"]))})
    if form == "update":
        fields = [(draw(st.sampled_from(["id", "Id", "ID"])), case_id), *fields]
        if draw(st.booleans()):
            fields.append(("Id", "500000000000001AAA"))  # named twice: which one is written?
    body = '{"allOrNone": true, "records": [' + record_json([attributes, *fields]) + "]}"
    clean = "POST" if form == "create" else "PATCH"
    method = twist.pick("method", st.sampled_from(["POST", "PATCH", "GET", "DELETE"]), clean)
    target = f"{API}/composite/sobjects" + (f"?{query}" if query else "")
    return _sent(twist, method, target, body.encode(), forbidden, f"collection-{form}")


@st.composite
def composite(draw: st.DrawFn, case_id: str) -> Sent:
    """Composite: a subrequest carrying an override in its url, a body on its read, its own
    behaviour headers, or an ordinary update."""
    twist = Twist(draw)
    fields, forbidden = draw(record_fields())
    query = twist.pick("override", OVERRIDES, "")
    method = twist.pick("method", st.sampled_from(["POST", "GET", "patch", "DELETE"]), "PATCH")
    prefix = twist.pick("prefix", PREFIXES, f"{API}/sobjects")
    sub: dict[str, Any] = {
        "method": method,
        "url": f"{prefix}/{twist.pick('object', CASE_NAMES, 'Case')}/{case_id}"
        + (f"?{query}" if query else ""),
        "referenceId": "write",
    }
    if draw(st.booleans()):
        behaviour, bad = draw(BEHAVIOUR)
        sub["httpHeaders"] = dict(behaviour)
        forbidden |= bad
    body = json.dumps({"allOrNone": True, "compositeRequest": [sub]})
    body = body.replace(
        '"referenceId": "write"', '"referenceId": "write", "body": ' + record_json(fields)
    )
    return _sent(twist, "POST", f"{API}/composite", body.encode(), forbidden, "composite")


def _sent(twist: Twist, method: str, target: str, body: bytes, forbidden: bool, note: str) -> Sent:
    behaviour, bad = twist.pick("behaviour", BEHAVIOUR, ((), False))
    encoded, encoding = encode(body, twist.pick("encoding", ENCODINGS, ""))
    headers = (
        *((("Content-Type", "application/json"),) if body else ()),
        *encoding,
        *behaviour,
        *twist.pick("override-header", OVERRIDE_HEADERS, ()),
    )
    return Sent(method, target, encoded, headers, forbidden or bad, note)


@st.composite
def variants(draw: st.DrawFn, case_id: str) -> Sent:
    kind = draw(st.sampled_from([single_row, single_row, collection, composite]))
    sent: Sent = draw(kind(case_id))
    return sent


# -- the test --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    pack = guarded_pack(tmp_path_factory.mktemp("pack"))
    with Stack(tmp_path_factory.mktemp("invariant"), auth_mode="passthrough", policies=pack) as s:
        yield s


def fresh_case(stack: Stack) -> str:
    async def create() -> str:
        return stack.store.create("Case", {"Subject": "Invariant target", "AccountId": ACCOUNT})

    return stack.call(create)


def snapshot(stack: Stack) -> dict[str, dict[str, Any]]:
    async def rows() -> dict[str, dict[str, Any]]:
        return {r["Id"][:15]: r for r in stack.store.records("Case")}

    return stack.call(rows)


def changes(stack: Stack) -> list[Change]:
    async def taken() -> list[Change]:
        found = list(stack.store.changes)
        stack.store.clear_changes()
        return found

    return stack.call(taken)


#: Fields the sandbox sets itself on a save (audit fields, formulas, auto-numbers).
def judged_fields(stack: Stack) -> frozenset[str]:
    stype = stack.store.schema.get("Case")
    assert stype is not None
    return frozenset(f.name for f in stype.fields if not (f.system or f.formula or f.auto_number))


def check(stack: Stack, sent: Sent, answer: Answer, before: dict[str, dict[str, Any]]) -> None:
    where = f"{sent.note}: {sent.method} {sent.target} {sent.headers} {sent.body[:300]!r}"
    assert answer.status < 500, f"{where} -> {answer.status} {answer.body[:300]!r}"
    changed = changes(stack)
    decision_id = answer.headers.get("x-guardrail-decision-id")
    if decision_id is None:  # a forwarded read
        assert sent.method in ("GET", "HEAD"), where
        assert not sent.body, where
        assert not changed, f"{where}: a read changed {changed}"
        return
    record = httpx.get(f"{stack.admin_url}/guardrail/v1/decisions/{decision_id}", timeout=10)
    assert record.status_code == 200, f"{where}: decision {decision_id} not audited"
    decision = record.json()
    if not changed:
        return
    assert not sent.forbidden, f"{where}: forbidden, yet the sandbox changed {changed}"
    assert decision["decision"] in ("allow", "shadow-block"), f"{where}: {decision['decision']}"
    intents = decision["intents"]
    named = {(i.get(key) or "")[:15] for i in intents for key in ("record_id", "saved_id")} - {""}
    after = snapshot(stack)
    judged = judged_fields(stack)
    for change in changed:
        key = (change.cause or change.record_id)[:15]
        assert key in named, f"{where}: {change} belongs to no allowed intent ({intents})"
        if change.cause is None and change.kind == "update" and change.sobject == "Case":
            old, new = before[change.record_id[:15]], after[change.record_id[:15]]
            moved = {f for f in judged if old.get(f) != new.get(f)}
            written = {f for i in intents for f in i["fields"]}
            assert moved <= written, f"{where}: changed {moved}, judged {written}"
    for row in after.values():
        assert row["Priority"] != "High", f"{where}: a forbidden value was saved"


@settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_change_the_crm_makes_was_allowed_and_audited(
    stack: Stack, data: st.DataObject
) -> None:
    case_id = fresh_case(stack)
    assert sfid.is_id(case_id)
    changes(stack)
    before = snapshot(stack)
    sent = data.draw(variants(case_id))
    answer = Wire(stack).send(sent)
    event(f"{sent.note}: {answer.headers.get('x-guardrail-decision', 'read')}")
    check(stack, sent, answer, before)
