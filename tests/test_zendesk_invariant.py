"""The differential invariant for Zendesk: what the Zendesk sandbox changes is what the proxy
allowed and audited.

Hypothesis builds the request variants a careless or prompt-injected agent would try against
Zendesk's API: method override headers (with ``_`` for ``-`` too), a write made on behalf of
another user (``X-On-Behalf-Of``, refused by the pack's safeguards), bodies on reads and deletes, paths with dot segments,
``;`` parameters, double slashes, encodings and case changes, with and without ``.json``;
attributes in other spellings, a key given twice, ``fields`` beside ``custom_fields``, an
attribute named as the proxy reads a nested value (``comment.body``), comments as text or
objects, HTML comments hiding a card number in markup, character references or an
attribute, query parameters on a write (``ticket[...]``, which Zendesk, a Rails app, reads over
the body's ticket, after a ``;`` too; ``_method``; side-loads), endpoints the proxy does not judge (tags, macros,
imports), an agent's delete (Zendesk hands the agent's tickets that are not closed to the one
deleting them), and bulk writes (update_many by a list, merge) naming a ticket by an id spelled as
Zendesk reads one (a number, its digits) or as one reader could take for it and another not (a
line break after the digits, a space before them, fullwidth digits, a float). Each is sent byte for byte through the real proxy to the sandbox. After each:

- no answer is a 500;
- every record the sandbox changed (a ticket, or a comment on one) belongs to an intent of an
  allowed, audited decision;
- a request carrying what the test's policies forbid (priority ``urgent``, a card number in a
  comment) changes nothing, and nothing forbidden is ever saved;
- an answer without a decision is a forwarded read, which changed nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from guardrail.context.facts import pii_in
from guardrail.sandbox.store import Change
from guardrail.sandbox.zendesk import ZENDESK_STORE
from guardrail.testing import Stack
from tests.helpers import FULLWIDTH, Answer, Sent, Wire, zendesk_stack_forbidding

API = "/api/v2"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with zendesk_stack_forbidding(tmp_path_factory.mktemp("zendesk-invariant")) as running:
        yield running


# -- building variants ------------------------------------------------------------------------

PRIORITIES = st.sampled_from(["high", "low", "urgent"])
RARELY = st.integers(0, 4).map(lambda n: n == 0)


@st.composite
def ticket_body(draw: st.DrawFn) -> tuple[str, bool]:
    """A ticket's JSON text, and whether it sets priority urgent (in Zendesk's spelling)."""
    priority = draw(PRIORITIES)
    pairs: list[tuple[str, Any]] = [
        (
            draw(st.sampled_from(["priority", "priority", "priority", "Priority", "PRIORITY"])),
            priority,
        )
    ]
    forbidden = pairs[0][0] == "priority" and priority == "urgent"
    if draw(RARELY):
        pairs.append(("priority", draw(PRIORITIES)))  # a key twice (or two spellings)
        forbidden = forbidden or pairs[-1][1] == "urgent"
    if draw(st.booleans()):
        pairs.append(("subject", draw(st.sampled_from(["Router", "ROUTER", ""]))))
    comment, card = draw(
        st.sampled_from(
            [
                (None, False),
                ("Checked.", False),
                ({"body": "Checked.", "public": False}, False),
                ({"body": "x", "html_body": "y"}, False),
                ({"body": "x", "id": 5}, False),
                ({"html_body": "<p>Checked &amp; fixed.</p>"}, False),
                ({"html_body": CARD_IN_MARKUP, "public": False}, True),
                ({"html_body": CARD_IN_REFERENCES}, True),
                ({"html_body": CARD_IN_ATTRIBUTE, "public": False}, True),
                ({"html_body": CARD_IN_INSTRUCTION, "public": False}, True),
                ({"html_body": CARD_PAST_AN_END_TAG, "public": False}, True),
                ({"html_body": CARD_AROUND_NO_TAG, "public": False}, True),
            ]
        )
    )
    if comment is not None:
        pairs.append(("comment", comment))
        forbidden = forbidden or card
        if draw(RARELY):  # an attribute standing in for the comment's body as the proxy reads it
            pairs.append(("comment.body", "Checked."))
    custom = draw(st.sampled_from(["custom_fields", "fields", "both", None, None]))
    entry = [{"id": 360000101, "value": draw(st.sampled_from(["billing", "other", "nope"]))}]
    if custom == "both":
        pairs += [("custom_fields", entry), ("fields", entry)]
    elif custom:
        pairs.append((custom, entry))
    text = "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs) + "}"
    return text, forbidden


#: A card number an HTML comment body hides from a reader of its markup: split by a tag, spelled
#: with character references, in an attribute, a processing instruction or an end tag, or
#: around what one reader takes for a tag and another for text.
CARD_IN_MARKUP = "Card 41<b></b>11 1111 1111 1111 noted."
CARD_IN_REFERENCES = "Card 4&#49;11&#32;1111 1111 1111 noted."
CARD_IN_ATTRIBUTE = '<p title="4111 1111 1111 1111">Noted.</p>'
CARD_IN_INSTRUCTION = "<p>Noted.</p><?card 4111 1111 1111 1111?>"
CARD_PAST_AN_END_TAG = "<p>Noted.</p 4111 1111 1111 1111>"
#: Text to HTML (``<`` before a digit opens no tag), a tag to the sandbox's cruder reading.
CARD_AROUND_NO_TAG = "Card 41<11>11 1111 1111 1111 noted."
#: Query parameters on a write: the CRM (a Rails app) reads ``ticket[...]`` over the body's
#: ticket, may read ``_method`` as the method, and (on Rack 2) ``;`` as ``&``; the rest it may
#: read as anything.
QUERIES = st.sampled_from(
    [("", False)] * 6
    + [("?ticket[priority]=urgent", True), ("?ticket%5Bpriority%5D=urgent", True),
       ("?_method=DELETE", False), ("?async=true", False), ("?include=users", False),
       ("?async=true;ticket[priority]=urgent", True)]
)  # fmt: skip
CLEAN = Sent("PUT", "", b'{"ticket": {"priority": "high", "comment": "Checked."}}')
JSON = (("Content-Type", "application/json"),)


def id_spellings(ticket_id: int) -> st.SearchStrategy[tuple[Any, bool]]:
    """A ticket id as a bulk write's body spells it, and whether it is no plain id (a number,
    or its digits alone), which the proxy must not let change anything."""
    return st.sampled_from([
        (ticket_id, False), (str(ticket_id), False), (f"{ticket_id}\n", True),
        (f" {ticket_id}", True), (str(ticket_id).translate(FULLWIDTH), True),
        (float(ticket_id), True),
    ])  # fmt: skip


@st.composite
def bulk_writes(draw: st.DrawFn, ticket_id: int, other_id: int) -> Sent:
    """An update_many by a list of tickets, or a merge of ``other_id`` into ``ticket_id``,
    naming the ticket by an id in any spelling."""
    named, odd = draw(id_spellings(other_id))
    if draw(st.booleans()):
        body = {"tickets": [{"id": named, "priority": "high"}]}
        target = f"{API}/tickets/update_many.json"
        return Sent("PUT", target, json.dumps(body).encode(), JSON, odd, "update_many/list")
    body = {"ids": [named], "source_comment": "Merged."}
    target = f"{API}/tickets/{ticket_id}/merge.json"
    return Sent("POST", target, json.dumps(body).encode(), JSON, odd, "merge")


@st.composite
def variants(draw: st.DrawFn, ticket_id: int, other_id: int, agent_id: int) -> Sent:
    if draw(RARELY):
        return draw(bulk_writes(ticket_id, other_id))
    if draw(RARELY):  # the agent holds ticket_id, or (half the time) nothing
        return Sent("DELETE", f"{API}/users/{agent_id}.json", b"", JSON, note="delete/agent")
    if draw(st.booleans()):  # half are writes a careful agent makes: they must land
        kind = draw(st.sampled_from(["update", "create", "update_many", "delete"]))
        target = {
            "update": f"{API}/tickets/{ticket_id}.json", "create": f"{API}/tickets.json",
            "update_many": f"{API}/tickets/update_many.json?ids={ticket_id}",
            "delete": f"{API}/tickets/{ticket_id}.json",
        }[kind]  # fmt: skip
        method = {"update": "PUT", "create": "POST", "update_many": "PUT", "delete": "DELETE"}
        body = b"" if kind == "delete" else CLEAN.body
        return Sent(method[kind], target, body, (("Content-Type", "application/json"),),
                    note=f"clean {kind}")  # fmt: skip
    record, forbidden = draw(ticket_body())
    body = f'{{"ticket": {record}}}'.encode()
    suffix = draw(st.sampled_from([".json", "", ".json/", "/"]))
    twist = draw(st.sampled_from(
        ["plain"] * 6 + ["double-slash", "dot", "encoded-dot", "semicolon", "encoded-digit", "case"]
    ))  # fmt: skip
    path = {
        "plain": f"{API}/tickets/{ticket_id}",
        "double-slash": f"{API}//tickets/{ticket_id}",
        "dot": f"{API}/tickets/./{ticket_id}",
        "encoded-dot": f"{API}/tickets/%2e%2e/tickets/{ticket_id}",
        "semicolon": f"{API}/tickets;x=1/{ticket_id}",
        "encoded-digit": f"{API}/tickets/%3{str(ticket_id)[0]}{str(ticket_id)[1:]}",
        "case": f"{API}/Tickets/{ticket_id}",
    }[twist] + suffix
    kind = draw(st.sampled_from(["update", "create", "update_many", "tags", "delete", "read"]))
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    if draw(RARELY):
        headers += ((draw(st.sampled_from(["X-HTTP-Method-Override", "X-Method-Override",
                                           "X_HTTP_Method_Override"])),
                     draw(st.sampled_from(["GET", "DELETE", "PUT"]))),)  # fmt: skip
    behalf = draw(RARELY)  # the write made as another user: the pack's safeguards forbid it
    if behalf:
        headers += ((draw(st.sampled_from(["X-On-Behalf-Of", "x_on_behalf_of"])), "40003"),)
        forbidden = True
    query, query_forbidden = draw(QUERIES)
    if kind == "update":
        note = f"update/{twist}{query and '/query'}"
        return Sent("PUT", path + query, body, headers, forbidden or query_forbidden, note)
    if kind == "create":
        target = f"{API}/tickets{suffix}{query}"
        note = f"create{query and '/query'}"
        return Sent("POST", target, body, headers, forbidden or query_forbidden, note)
    if kind == "update_many":
        target = f"{API}/tickets/update_many{suffix}?ids={ticket_id}"
        return Sent("PUT", target, body, headers, forbidden, "update_many")
    if kind == "tags":  # adds tags: a write the proxy does not judge
        tags = b'{"tags": ["vip"]}'
        return Sent("PUT", f"{API}/tickets/{ticket_id}/tags.json", tags, headers, True, "tags")
    if kind == "delete":
        sent_body = body if draw(st.booleans()) else b""
        return Sent("DELETE", path, sent_body, headers, bool(sent_body) or behalf,
                    f"delete/{twist}")  # fmt: skip
    sent_body = body if draw(st.booleans()) else b""
    return Sent("GET", path, sent_body, headers, bool(sent_body), f"read/{twist}")


# -- checking -----------------------------------------------------------------------------------


def fresh_ticket(stack: Stack) -> int:
    async def create() -> int:
        store = stack.crm_app[ZENDESK_STORE]
        made = store.create_ticket({"subject": "Invariant", "comment": {"body": "Hi"}})
        store.clear_changes()
        return int(made["id"])

    return stack.call(create)


def fresh_agent(stack: Stack, holding: int | None) -> int:
    """A new agent, assigned ticket ``holding`` (None: no ticket)."""

    async def create() -> int:
        store = stack.crm_app[ZENDESK_STORE]
        agent = int(store.create_user({"name": "Invariant Agent", "role": "agent"})["id"])
        if holding is not None:
            store.update_ticket(holding, {"assignee_id": agent})
        store.clear_changes()
        return agent

    return stack.call(create)


def taken(stack: Stack) -> tuple[list[Change], dict[str, int]]:
    """The changes since the last call, and each changed comment's ticket."""

    async def take() -> tuple[list[Change], dict[str, int]]:
        store = stack.crm_app[ZENDESK_STORE]
        found = list(store.changes)
        store.clear_changes()
        tickets = {str(c["id"]): c["ticket_id"] for c in store.records("comment")}
        return found, tickets

    return stack.call(take)


def nothing_forbidden_saved(stack: Stack) -> bool:
    """No ticket is urgent, and no comment (as Zendesk shows it) holds a card number."""

    async def check() -> bool:
        store = stack.crm_app[ZENDESK_STORE]
        urgent = any(t["priority"] == "urgent" for t in store.records("ticket"))
        card = any("card" in pii_in(c["plain_body"]) for c in store.records("comment"))
        return not urgent and not card

    return stack.call(check)


def check(stack: Stack, sent: Sent, answer: Answer) -> None:
    where = f"{sent.note}: {sent.method} {sent.target} {sent.headers} {sent.body[:300]!r}"
    assert answer.status < 500, f"{where} -> {answer.status} {answer.body[:300]!r}"
    changed, comment_tickets = taken(stack)
    decision_id = answer.headers.get("x-guardrail-decision-id")
    if decision_id is None:  # a forwarded read
        assert sent.method == "GET", where
        assert not sent.body, where
        assert not changed, f"{where}: a read changed {changed}"
        return
    record = httpx.get(f"{stack.admin_url}/guardrail/v1/decisions/{decision_id}", timeout=10)
    assert record.status_code == 200, f"{where}: decision {decision_id} not audited"
    decision = record.json()
    assert nothing_forbidden_saved(stack), f"{where}: a forbidden value was saved"
    if not changed:
        return
    assert not sent.forbidden, f"{where}: forbidden, yet the sandbox changed {changed}"
    assert decision["decision"] in ("allow", "shadow-block"), f"{where}: {decision['decision']}"
    named = {str(i.get(k)) for i in decision["intents"] for k in ("record_id", "saved_id")}
    for change in changed:
        ticket = comment_tickets.get(change.record_id) if change.sobject == "comment" else None
        key = str(ticket) if ticket is not None else change.record_id
        assert key in named, f"{where}: {change} belongs to no allowed intent ({named})"


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_change_zendesk_makes_was_allowed_and_audited(
    stack: Stack, data: st.DataObject
) -> None:
    ticket_id, other_id = fresh_ticket(stack), fresh_ticket(stack)
    agent_id = fresh_agent(stack, data.draw(st.sampled_from([ticket_id, None]), label="holding"))
    sent = data.draw(variants(ticket_id, other_id, agent_id))
    answer = Wire(stack, "Bearer sandbox-oauth-token").send(sent)
    event(f"{sent.note}: {answer.headers.get('x-guardrail-decision', 'read')}")
    check(stack, sent, answer)
