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
- every record the sandbox changed belongs to an intent of an allowed, audited decision, and an
  update changed only fields the intent names, spelled as the describe spells them; a record a
  delete changed beside its own (a lookup naming it cleared, a child deleted with it: the case
  a refund or another customer's child case names, the case a comment is on) was named by no
  intent, so it counts as unjudged;
- a refused request (or one carrying what the test's policies forbid: ``Priority: High`` in any
  spelling, a behaviour header that switches a safeguard off) leaves the sandbox unchanged, and
  is audited;
- an answer without a decision is a forwarded read, which changed nothing;
- another customer's records are never changed, and nothing they hold is copied into a record
  of this conversation's customer (the pack grounds writes: a write by lookup field is judged
  as the same write by id).

Writes by lookup field (``External_Id__c``, ``Id``, ``CaseNumber`` in any spelling; values of
this customer's record, another customer's, none, or several) singly, deleted, in collection
upserts (``allOrNone`` true or false, mixing records) and in composite subrequests; composite
references into what a GET subrequest read; SOQL reads that Salesforce documents as updating
what they return (FOR VIEW, FOR REFERENCE); and Bulk API 2.0 ingest jobs (create, upload CSV
with good and bad rows and CSV quirks, UploadComplete) are drawn too. For a bulk job, the
records the CRM changes on UploadComplete must belong to the intents of the upload the proxy
allowed (a created row by its marker Subject).
"""

from __future__ import annotations

import gzip
import itertools
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from guardrail.crm import sfid
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, GLOBEX_ACCOUNT_ID
from guardrail.testing import Stack
from tests.helpers import SHIPPED_PACK, Answer, Sent, Wire, guarded_pack, taken_changes

API = "/services/data/v59.0"
ACCOUNT = ACME_ACCOUNT_ID
CONVERSATION = "invariant"
#: What another customer's Case holds: it must never show up in a record of this customer.
SECRET = "GLOBEX-SECRET 4111 1111 1111 1111"
#: Its external id needs encoding in a URL (a space, a plus, a non-ASCII letter).
THEIR_KEY = "GX 1+\u00fc"
SHARED_EMAIL = "shared@globex.example"


# -- building variants ---------------------------------------------------------------------------

PRIORITY_NAMES = st.sampled_from(
    ["Priority", "priority", "PRIORITY", "pRiOrItY", "Pr\u0131or\u0131ty"]
)
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
        ((("Sforce_Auto_Assign", "FALSE"),), True),
        ((("Authorization", "Bearer another-session"),), True),
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
    kinds = ["Case", "case", "Case", "Task", "Opportunity"]  # a Case id under another type
    attributes = ("attributes", {"type": draw(st.sampled_from(kinds))})
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


@dataclass(frozen=True)
class Targets:
    """One example's records: this customer's fresh Case (read in the conversation, so a write
    to it is grounded) and another customer's (never read), each with its lookup values. A
    record may name this customer's Case (``REFERRERS``), which deleting it clears or deletes."""

    ours: str
    ours_key: str
    ours_number: str
    theirs: str
    theirs_number: str


#: Field names a write may look its record up by, in the spellings an agent may send.
LOOKUP_FIELDS = st.sampled_from(
    ["External_Id__c", "external_id__c", "EXTERNAL_ID__C", "Id", "id", "CaseNumber", "casenumber"]
)
WHOSE = st.sampled_from(["ours", "ours", "theirs", "none"])
_serial = itertools.count(1)


def lookup_value(field: str, whose: str, t: Targets) -> str:
    """The value naming ``whose`` record by ``field`` ("none": a value naming no record)."""
    kind = field.lower()
    if kind == "id":
        return {"ours": t.ours, "theirs": t.theirs}.get(whose, "500000000000999AAA")
    if kind == "casenumber":
        return {"ours": t.ours_number, "theirs": t.theirs_number}.get(whose, "99999999")
    keys = {"ours": t.ours_key, "theirs": THEIR_KEY, "suffixed": f"{t.ours_key}.json"}
    return keys.get(whose, f"INV-NEW-{next(_serial)}")


def in_path(value: str, draw: st.DrawFn) -> str:
    """A value as a path segment, percent-encoded one way or another (a + may stay raw)."""
    return quote(value, safe=draw(st.sampled_from(["", "+"])))


@st.composite
def lookup_write(draw: st.DrawFn, t: Targets) -> Sent:
    """An upsert or delete naming its record by a lookup field: singly, in a collection upsert
    (allOrNone true or false, records of several customers), or as a composite subrequest."""
    twist = Twist(draw)
    field = draw(LOOKUP_FIELDS)
    forms = ["upsert", "delete", "collection", "collection", "composite", "contact", "suffixed"]
    form = draw(st.sampled_from(forms))
    fields, forbidden = draw(record_fields())
    if form == "suffixed":  # API 57.0 reads INV-1.json in a URL as INV-1 (.json: the format)
        value = lookup_value("External_Id__c", "suffixed", t)
        record = [("attributes", {"type": "Case"}), ("External_Id__c", value), ("Subject", "S")]
        body = f'{{"allOrNone": false, "records": [{record_json(record)}]}}'
        target = "/services/data/v57.0/composite/sobjects/Case/External_Id__c"
        return _sent(twist, "PATCH", target, body.encode(), False, "lookup-suffixed")
    if form == "contact":  # Email: a value two Contacts share names several records
        target = f"{API}/sobjects/Contact/{draw(st.sampled_from(['Email', 'email']))}/"
        target += in_path(SHARED_EMAIL, draw)
        return _sent(twist, "PATCH", target, b'{"Title": "Shared"}', False, "lookup-several")
    if form in ("upsert", "delete"):
        value = lookup_value(field, draw(WHOSE), t)
        target = f"{API}/sobjects/Case/{field}/{in_path(value, draw)}"
        body = b"" if form == "delete" else record_json(fields).encode()
        method = "PATCH" if form == "upsert" else "DELETE"
        return _sent(twist, method, target, body, forbidden and form == "upsert", f"lookup-{form}")
    records = []
    whose_in_body = st.sampled_from(["ours", "ours", "theirs", "none", "suffixed", "suffixed"])
    for whose in draw(st.lists(whose_in_body, min_size=1, max_size=3)):
        spelled = field if field.lower() != "id" else draw(st.sampled_from(["Id", "id"]))
        pairs = [("attributes", {"type": "Case"}), (spelled, lookup_value(field, whose, t))]
        records.append(record_json([*pairs, *fields]))
    all_or_none = draw(st.booleans())
    rows = f'{{"allOrNone": {json.dumps(all_or_none)}, "records": [{", ".join(records)}]}}'
    # Up to API 57.0 a lookup of "INV-1.json" in a URL finds INV-1: not what the body names.
    version = draw(st.sampled_from(["v59.0", "v57.0"]))
    url = f"/services/data/{version}/composite/sobjects/Case/{field}"
    if form == "collection":
        note = f"lookup-collection-{'all' if all_or_none else 'part'}"
        return _sent(twist, "PATCH", url, rows.encode(), forbidden, note)
    sub = f'{{"method": "PATCH", "url": {json.dumps(url)}, "referenceId": "c", "body": {rows}}}'
    composite_body = f'{{"allOrNone": true, "compositeRequest": [{sub}]}}'
    return _sent(twist, "POST", f"{API}/composite", composite_body.encode(), forbidden,
                 "lookup-composite")  # fmt: skip


@st.composite
def reference(draw: st.DrawFn, t: Targets) -> Sent:
    """A composite whose write is filled in from what a GET subrequest read of another
    customer's record (in its url, a field, inside a text), or from an id it created."""
    twist = Twist(draw)
    read: dict[str, Any] = {"method": "GET", "url": f"{API}/sobjects/Case/{t.theirs}",
                            "referenceId": "g"}  # fmt: skip
    how = draw(st.sampled_from(["url", "field", "inside", "created"]))
    write: dict[str, Any] = {"method": "PATCH", "url": f"{API}/sobjects/Case/{t.ours}",
                             "referenceId": "w", "body": {"Subject": "@{g.Subject}"}}  # fmt: skip
    if how == "url":
        write = {**write, "url": f"{API}/sobjects/Case/@{{g.Id}}", "body": {"Subject": "Moved"}}
    elif how == "inside":
        write["body"] = {"Description": "Copied: @{g.Subject}"}
    elif how == "created":
        read = {"method": "POST", "url": f"{API}/sobjects/Case", "referenceId": "g",
                "body": {"Subject": "Parent"}}  # fmt: skip
        write["body"] = {"ParentId": "@{g.id}"}
    body = json.dumps({"allOrNone": True, "compositeRequest": [read, write]}).encode()
    return _sent(twist, "POST", f"{API}/composite", body, False, f"reference-{how}")


@st.composite
def query_read(draw: st.DrawFn, t: Targets) -> Sent:
    """A SOQL read of this customer's case, maybe with a clause that makes Salesforce update
    what it returns (FOR VIEW, FOR REFERENCE, in any case and spacing), maybe only naming the
    words inside a text it compares; singly or as a composite GET subrequest."""
    clause = draw(st.sampled_from(["", "FOR VIEW", "for  reference", "For View", "literal"]))
    where = f"Id = '{t.ours}'" if clause != "literal" else "Subject = 'ready for view'"
    soql = f"SELECT Id, Subject FROM Case WHERE {where}" + (
        f" {clause}" if clause != "literal" else ""
    )
    url = f"{API}/query?q={quote(soql, safe='')}"
    if draw(st.booleans()):
        return Sent("GET", url, note=f"query-{clause or 'plain'}")
    body = json.dumps({"compositeRequest": [{"method": "GET", "url": url, "referenceId": "q"}]})
    return Sent("POST", f"{API}/composite", body.encode(), (("Content-Type", "application/json"),),
                note=f"query-composite-{clause or 'plain'}")  # fmt: skip


@dataclass(frozen=True)
class Bulk:
    """A Bulk API 2.0 ingest job: its creation, its CSV upload, then UploadComplete."""

    spec: dict[str, Any]
    data: bytes
    forbidden: bool
    note: str


_DELIMITERS = {"COMMA": ",", "SEMICOLON": ";", "TAB": "\t", "PIPE": "|"}


def csv_value(value: str, delimiter: str) -> str:
    if any(c in value for c in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def bulk_job(draw: st.DrawFn, t: Targets) -> Bulk:
    """An ingest job of good and bad rows (another customer's record, Priority High), in the
    job's delimiter and line ending or not, with CSV quirks: quoted newlines and delimiters,
    a BOM, header case, a column named twice, an empty column name."""
    operation = draw(st.sampled_from(["insert", "update", "upsert", "delete"]))
    delimiter_name = draw(st.sampled_from(list(_DELIMITERS)))
    ending_name = draw(st.sampled_from(["LF", "CRLF"]))
    spec: dict[str, Any] = {"object": draw(st.sampled_from(["Case", "case"])),
                            "operation": operation, "lineEnding": ending_name,
                            "columnDelimiter": delimiter_name}  # fmt: skip
    field = "Id"
    if operation == "upsert":
        names = ["External_Id__c", "external_id__c", "EXTERNAL_ID__C", "Id", "id", "CaseNumber"]
        field = draw(st.sampled_from(names))
        spec["externalIdFieldName"] = field
    quirks = ["bom", "twice", "empty", "delimiter", "ending"]
    quirk = draw(st.sampled_from(["", "", "", "", "", *quirks]))
    delimiter = "\t" if quirk == "delimiter" and delimiter_name != "TAB" else ","
    delimiter = _DELIMITERS[delimiter_name] if quirk != "delimiter" else delimiter
    if quirk == "delimiter" and delimiter == _DELIMITERS[delimiter_name]:
        delimiter = ";"
    ending = {"LF": "\n", "CRLF": "\r\n"}[ending_name]
    if quirk == "ending":
        ending = "\r\n" if ending == "\n" else "\n"
    subject = draw(st.sampled_from(["Subject", "subject", "SUBJECT"]))
    priority = draw(PRIORITY_NAMES)
    header = {"insert": [subject, priority], "delete": ["Id"]}.get(
        operation, [field, subject, priority]
    )
    if quirk == "twice":
        header.append(priority.lower() if priority != priority.lower() else "PRIORITY")
    if quirk == "empty":
        header.append("")
    forbidden = False
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        whose = draw(st.sampled_from(["ours", "ours", "ours", "theirs", "none"]))
        marker = f"Bulk {next(_serial)}" + draw(st.sampled_from(["", "\nsecond line", "; a, b"]))
        value = draw(st.sampled_from(["Low", "Medium", "Low", "High"]))
        forbidden |= value == "High" and operation != "delete"
        row = {"insert": [marker, value], "delete": [lookup_value("Id", whose, t)]}.get(
            operation, [lookup_value(field, whose, t), marker, value]
        )
        row += [value] * (len(header) - len(row))
        lines.append(delimiter.join(csv_value(v, delimiter) for v in row))
    text = ending.join([delimiter.join(header), *lines]) + ending
    data = ("\ufeff" if quirk == "bom" else "") + text
    return Bulk(spec, data.encode(), forbidden, f"bulk-{operation}{'-' + quirk if quirk else ''}")


@st.composite
def variants(draw: st.DrawFn, t: Targets) -> Sent | Bulk:
    kinds = ["single", "single", "collection", "composite", "lookup", "lookup", "reference"]
    kind = draw(st.sampled_from([*kinds, "bulk", "bulk", "query"]))
    if kind == "bulk":
        job: Bulk = draw(bulk_job(t))
        return job
    made: Any = {"lookup": lookup_write, "reference": reference, "query": query_read}.get(kind)
    if made is not None:
        return cast(Sent, draw(made(t)))
    made = {"single": single_row, "collection": collection, "composite": composite}[kind]
    return cast(Sent, draw(made(t.ours)))


# -- the test --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    pack = guarded_pack(tmp_path_factory.mktemp("pack"))
    (pack / "grounding.yaml").write_text((SHIPPED_PACK / "grounding.yaml").read_text())
    with Stack(tmp_path_factory.mktemp("invariant"), auth_mode="passthrough", policies=pack) as s:
        conversation = {
            "channel": "chat",
            "customer": {"account_ids": [ACCOUNT], "contact_ids": [], "verified": True},
            "turns": [{"role": "customer", "text": "Please update my case."}],
        }
        url = f"{s.admin_url}/guardrail/v1/conversations/{CONVERSATION}"
        httpx.put(url, json=conversation, timeout=10).raise_for_status()

        async def theirs() -> None:
            for _ in range(2):
                s.store.create("Contact", {"LastName": "Shared", "Email": SHARED_EMAIL,
                                           "AccountId": GLOBEX_ACCOUNT_ID})  # fmt: skip

        s.call(theirs)
        yield s


#: What may name this customer's fresh Case: nothing, a refund (its lookup Case__c), a comment
#: (deleted with the case), another customer's child case (its lookup ParentId).
REFERRERS = st.sampled_from(["", "", "Refund__c", "CaseComment", "Case"])


def targets(stack: Stack, referrer: str) -> Targets:
    """A fresh Case of this customer, read through the proxy (so writes to it are grounded),
    maybe named by a ``referrer`` record, and a fresh one of another customer holding a secret,
    each with an external id."""
    n = next(_serial)

    async def create() -> tuple[str, str]:
        ours = stack.store.create(
            "Case", {"Subject": "Invariant target", "AccountId": ACCOUNT,
                     "External_Id__c": f"INV-{n}"}
        )  # fmt: skip
        for row in stack.store.records("Case"):
            if row["External_Id__c"] == THEIR_KEY:
                stack.store.delete("Case", row["Id"])
        theirs = stack.store.create(
            "Case", {"Subject": SECRET, "AccountId": GLOBEX_ACCOUNT_ID,
                     "External_Id__c": THEIR_KEY}
        )  # fmt: skip
        # Theirs too, keyed as ours plus the format suffix API 57.0 reads off a URL.
        stack.store.create(
            "Case", {"Subject": SECRET, "AccountId": GLOBEX_ACCOUNT_ID,
                     "External_Id__c": f"INV-{n}.json"}
        )  # fmt: skip
        naming = {
            "Refund__c": {"Amount__c": 5, "Case__c": ours},
            "CaseComment": {"ParentId": ours, "CommentBody": "Noted"},
            "Case": {"Subject": SECRET, "AccountId": GLOBEX_ACCOUNT_ID, "ParentId": ours},
        }
        if referrer:
            stack.store.create(referrer, naming[referrer])
        return ours, theirs

    ours, theirs = stack.call(create)
    read = Wire(stack).send(Sent("GET", f"{API}/sobjects/Case/{ours}"))
    assert read.status == 200, read.body
    rows = snapshot(stack)
    return Targets(ours, f"INV-{n}", rows[ours[:15]]["CaseNumber"], theirs,
                   rows[theirs[:15]]["CaseNumber"])  # fmt: skip


def snapshot(stack: Stack) -> dict[str, dict[str, Any]]:
    async def rows() -> dict[str, dict[str, Any]]:
        return {r["Id"][:15]: r for r in stack.store.records("Case")}

    return stack.call(rows)


#: Fields the sandbox sets itself on a save (audit fields, formulas, auto-numbers).
def judged_fields(stack: Stack) -> frozenset[str]:
    stype = stack.store.schema.get("Case")
    assert stype is not None
    return frozenset(f.name for f in stype.fields if not (f.system or f.formula or f.auto_number))


def audited(stack: Stack, answer: Answer, where: str) -> dict[str, Any]:
    decision_id = answer.headers.get("x-guardrail-decision-id")
    assert decision_id is not None, f"{where}: no decision"
    record = httpx.get(f"{stack.admin_url}/guardrail/v1/decisions/{decision_id}", timeout=10)
    assert record.status_code == 200, f"{where}: decision {decision_id} not audited"
    decision: dict[str, Any] = record.json()
    return decision


def check(
    stack: Stack,
    where: str,
    forbidden: bool,
    decision: dict[str, Any],
    before: dict[str, dict[str, Any]],
    t: Targets,
) -> None:
    """Every change the sandbox logged belongs to an intent of ``decision``, allowed and
    audited; another customer's record is untouched and nothing of it was copied."""
    changed = taken_changes(stack)
    after = snapshot(stack)
    for key, row in before.items():
        if row["AccountId"] == GLOBEX_ACCOUNT_ID:
            assert after.get(key) == row, f"{where}: their {key} changed"
    for row in after.values():
        if row["AccountId"] != GLOBEX_ACCOUNT_ID:
            assert SECRET not in json.dumps(row), f"{where}: their secret copied into {row}"
        assert row["Priority"] != "High", f"{where}: a forbidden value was saved"
    if not changed:
        return
    assert not forbidden, f"{where}: forbidden, yet the sandbox changed {changed}"
    assert decision["decision"] in ("allow", "shadow-block"), f"{where}: {decision['decision']}"
    intents = decision["intents"]
    named = {(i.get(key) or "")[:15] for i in intents for key in ("record_id", "saved_id")} - {""}
    markers = {i["fields"].get("Subject") for i in intents if i["operation"] == "create"}
    judged = judged_fields(stack)
    for change in changed:
        key = change.record_id[:15]
        if key not in named and change.kind == "create":
            assert after[key]["Subject"] in markers, f"{where}: {change} made by no intent"
            continue
        assert key in named, f"{where}: {change} belongs to no allowed intent ({intents})"
        if change.cause is None and change.kind == "update" and change.sobject == "Case":
            old, new = before[change.record_id[:15]], after[change.record_id[:15]]
            moved = {f for f in judged if old.get(f) != new.get(f)}
            written = {f for i in intents for f in i["fields"]}
            assert moved <= written, f"{where}: changed {moved}, judged {written}"


def run_request(stack: Stack, sent: Sent, t: Targets, before: dict[str, dict[str, Any]]) -> str:
    where = f"{sent.note}: {sent.method} {sent.target} {sent.headers} {sent.body[:300]!r}"
    answer = Wire(stack).send(sent)
    assert answer.status < 500, f"{where} -> {answer.status} {answer.body[:300]!r}"
    if "x-guardrail-decision-id" not in answer.headers:  # a forwarded read
        assert sent.method in ("GET", "HEAD"), where
        assert not sent.body, where
        assert not taken_changes(stack), f"{where}: a read changed something"
        return "read"
    check(stack, where, sent.forbidden, audited(stack, answer, where), before, t)
    return answer.headers["x-guardrail-decision"]


def run_bulk(stack: Stack, job: Bulk, t: Targets, before: dict[str, dict[str, Any]]) -> str:
    """Create the job, upload its CSV, complete it: what the CRM then saves must be what the
    upload's allowed decision holds; a refused upload leaves nothing to complete."""
    wire, where = Wire(stack), f"{job.note}: {job.spec} {job.data[:300]!r}"
    json_type = (("Content-Type", "application/json"),)
    made = wire.send(Sent("POST", f"{API}/jobs/ingest", json.dumps(job.spec).encode(), json_type))
    assert made.status == 200, f"{where}: {made.status} {made.body[:300]!r}"
    job_id = json.loads(made.body)["id"]
    csv_type = (("Content-Type", "text/csv"),)
    batches = f"{API}/jobs/ingest/{job_id}/batches"
    uploaded = wire.send(Sent("PUT", batches, job.data, csv_type))
    assert uploaded.status < 500, f"{where} -> {uploaded.status} {uploaded.body[:300]!r}"
    decision = audited(stack, uploaded, where)
    state = json.dumps({"state": "UploadComplete"}).encode()
    done = wire.send(Sent("PATCH", f"{API}/jobs/ingest/{job_id}", state, json_type))
    assert done.status < 500, f"{where} -> {done.status} {done.body[:300]!r}"
    assert (done.status == 200) == (uploaded.status == 201), f"{where}: {done.body[:300]!r}"
    audited(stack, done, where)
    check(stack, where, job.forbidden, decision, before, t)
    return str(decision["decision"])


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_change_the_crm_makes_was_allowed_and_audited(
    stack: Stack, data: st.DataObject
) -> None:
    t = targets(stack, data.draw(REFERRERS))
    assert sfid.is_id(t.ours)
    taken_changes(stack)
    before = snapshot(stack)
    drawn = data.draw(variants(t))
    if isinstance(drawn, Bulk):
        event(f"{drawn.note}: {run_bulk(stack, drawn, t, before)}")
    else:
        event(f"{drawn.note}: {run_request(stack, drawn, t, before)}")
