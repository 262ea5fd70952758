"""A card number dressed as a record id is text; a record id is not, whatever its digits say.

What holds an id is decided by the field's type, never by the value's shape: the references the
pack's schemas type (``x-salesforce-reference``, ``x-servicenow-reference``) and the record's
own id field (its dialect's). A card number with letters added to look like an id (a 14-digit
card and a letter, 16 digits and two, card digits padded into 32 hex) in any other string field
of any object the shipped packs' sensitive-data rule covers is refused by it and masked in the
audit record, and so is a card number in a field that holds ids, written as no id of its CRM;
a real id in a reference field, one whose digits read as a card too, is neither refused nor
masked, beside a text ending in digits or not. Either way the audit record, judged
again by replay, is judged as the write was. Zendesk's ids are numbers, typed as references
too (``x-zendesk-reference``): a card number put whole in a number field that holds no ids is
refused and masked, and an id in one that does, whatever its digits, is neither.

The pack is judged in-process here (many examples); the end-to-end test at the bottom sends the
write through the real proxy with simple-salesforce.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from simple_salesforce.exceptions import SalesforceMalformedRequest

from guardrail.checks.compare import Kind
from guardrail.cli import main
from guardrail.context import snapshot
from guardrail.context.facts import Facts
from guardrail.context.model import Conversation, Turn, WriteRecord
from guardrail.errors import MalformedBody
from guardrail.model import SAVED, Caller, Decision, Operation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import PolicySet, load_policy_set
from guardrail.proxy import DECISION_ID_HEADER
from guardrail.replay import Replayer
from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CASE_ID, ACME_CONTACT_ID
from guardrail.sinks.audit.record import decision_entry
from guardrail.testing import Stack
from tests.conftest import (
    ID_LETTERS,
    card_digits_read,
    cards_in_id_shapes,
    cards_of_every_length,
    glued_to_letters,
    salesforce_ids,
    ssns,
    sys_ids,
)
from tests.helpers import salesforce_in, through_a_stack

PACKS = Path(__file__).resolve().parent.parent / "policies"
CRMS = ("salesforce", "servicenow", "zendesk")
POLICIES = {crm: load_policy_set(PACKS / f"{crm}-contact-center") for crm in CRMS}
NOTES = "notes-no-sensitive-data"
RULE = "NoCardOrSsnInNotes"


def _fields(crm: str) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(object, field, schema property) of each object the sensitive-data rule covers."""
    policies = POLICIES[crm]
    (notes,) = (p for p in policies.policies if p.name == NOTES)
    seen = set()
    for _, obj, schema in policies.schemas(crm):
        for name, prop in schema["properties"].items():
            if obj in notes.objects and (obj, name) not in seen:
                seen.add((obj, name))
                yield obj, name, prop


def _types(prop: Mapping[str, Any]) -> set[str]:
    types = prop.get("type")
    return {types} if isinstance(types, str) else set(types or ())


def _holds_text(prop: Mapping[str, Any]) -> bool:
    types = _types(prop)
    return "string" in types or (not types and "enum" in prop)


#: (crm, object, field) of every string field that holds no ids: text, whatever its shape.
TEXT_FIELDS = [
    (crm, obj, name)
    for crm in CRMS
    for obj, name, prop in _fields(crm)
    if _holds_text(prop) and name not in POLICIES[crm].id_fields(crm, obj)
]
#: (crm, object, field, what an id there names) of every field that holds ids: references,
#: typed by the schema, and the record's own id field.
ID_FIELDS = [
    (crm, obj, name, prop.get("x-salesforce-reference") or {obj: ""})
    for crm in CRMS
    for obj, name, prop in _fields(crm)
    if name in POLICIES[crm].id_fields(crm, obj)
]
#: (crm, object, field) of every number field that holds no ids (a call's duration, a
#: Zendesk custom field of numbers).
NUMBER_FIELDS = [
    (crm, obj, name)
    for crm in CRMS
    for obj, name, prop in _fields(crm)
    if POLICIES[crm].kinds(crm, obj).get(name) is Kind.NUMBER
    and name not in POLICIES[crm].id_fields(crm, obj)
]


def _as_typed(crm: str, obj: str, field: str, value: Any) -> Any:
    """``value`` as the field's schema types it: an item of a field that holds a list of ids
    (a Zendesk ticket's ``collaborator_ids``) goes in a list, as the CRM takes it (a field of
    another JSON type is refused before any rule runs)."""
    prop = {(o, n): p for o, n, p in _fields(crm)}[obj, field]
    return [value] if "array" in _types(prop) else value


def _takes_text(crm: str, obj: str, field: str) -> bool:
    """Whether the field (or a list field's items) may hold a string, as its schema types it."""
    prop = {(o, n): p for o, n, p in _fields(crm)}[obj, field]
    prop = prop.get("items", prop) if "array" in _types(prop) else prop
    return not _types(prop) or "string" in _types(prop)


def _facts(*earlier: WriteRecord) -> Facts:
    now = datetime.now(UTC)
    turns = [Turn(role="customer", text="Hi, I need help with my order.")]
    conversation = Conversation(
        id="c-ids", turns=turns, writes=list(earlier), created_at=now, updated_at=now
    )
    return Facts(conversation)


def judged(
    crm: str, obj: str, fields: Mapping[str, Any], facts: Facts | None = None
) -> tuple[Decision, dict[str, Any]]:
    """The pack's decision on a create of ``fields``, and its audit record (context expanded,
    as replay reads it)."""
    policies = POLICIES[crm]
    intent = WriteIntent(crm, obj, Operation.CREATE, dict(fields))
    decision = Pipeline(lambda: policies).evaluate(
        crm, [intent], Caller(conversation="c-ids"), facts or _facts()
    )
    entry = decision_entry(decision)
    body = orjson.loads(entry.body)
    kept = {part.hash: orjson.loads(part.body) for part in entry.parts}
    body["context"] = snapshot.expand(body["context"], kept)
    return decision, body


def replays_as_judged(policies: PolicySet, body: dict[str, Any]) -> bool:
    """Whether replay judges the audit record as the write was judged."""
    replayed = asyncio.run(Replayer(policies).judge(body))
    assert not isinstance(replayed, str), replayed
    before, after = replayed
    return before == after


def rules(decision: Decision) -> set[str]:
    return {v.rule for v in decision.violations}


@settings(max_examples=300, deadline=None)
@given(where=st.sampled_from(TEXT_FIELDS), hidden=cards_in_id_shapes())
def test_a_card_number_dressed_as_a_record_id_in_any_text_field_is_refused_and_masked(
    where: tuple[str, str, str], hidden: tuple[str, str]
) -> None:
    crm, obj, field = where
    card, value = hidden
    decision, record = judged(crm, obj, {field: value})
    assert RULE in rules(decision), (where, value)
    assert card not in card_digits_read(json.dumps(record, ensure_ascii=False)), record
    assert replays_as_judged(POLICIES[crm], record)


@settings(max_examples=300, deadline=None)
@given(where=st.sampled_from(ID_FIELDS), data=st.data())
def test_a_record_id_in_a_field_that_holds_ids_is_neither_refused_nor_masked(
    where: tuple[str, str, str, Mapping[str, str]], data: st.DataObject
) -> None:
    # Zendesk's are integers (its own id field's: the ones a user, a group... are named by
    # are numbers to the schema, read as numbers: below)
    crm, obj, field, names = where
    prefix = data.draw(st.sampled_from(sorted(names.values())))
    own = {o: p for p, o in POLICIES[crm].prefixes.items()}
    prefix = prefix or own.get(obj, "")
    record_id = data.draw(
        salesforce_ids(prefix) if crm == "salesforce"
        else sys_ids() if crm == "servicenow"
        else st.one_of(st.integers(1, 2**53), cards_of_every_length().map(int))
    )  # fmt: skip
    texts = [n for c, o, n in TEXT_FIELDS if (c, o) == (crm, obj)]
    beside = data.draw(st.sampled_from(texts))
    # a text ending in digits, which an id starting with digits could seem to go on from
    text = data.draw(st.from_regex(r"[A-Za-z]{2,8} [0-9]{1,8}", fullmatch=True))
    value = _as_typed(crm, obj, field, record_id)
    decision, record = judged(crm, obj, {beside: text, field: value})
    assert RULE not in rules(decision), (where, record_id, text)
    assert record["intents"][0]["fields"][field] == value
    assert replays_as_judged(POLICIES[crm], record)


@settings(max_examples=100, deadline=None)
@given(where=st.sampled_from(ID_FIELDS), card=cards_of_every_length())
@example(where=("zendesk", "user", "id", {"user": ""}), card="4000000000000002")
def test_a_card_number_in_a_field_that_holds_ids_but_written_as_no_id_is_text(
    where: tuple[str, str, str, Mapping[str, str]], card: str
) -> None:
    # The field holds ids; a value its CRM takes for none is text: refused, and masked even
    # though the schema check refuses it too (the audit log keeps every refused write).
    crm, obj, field, _ = where
    value = _as_typed(crm, obj, field, " ".join(card[n : n + 4] for n in range(0, len(card), 4)))
    if not _takes_text(crm, obj, field):
        # a field of numbers (Zendesk's ids): text there is refused before any rule runs
        with pytest.raises(MalformedBody, match=field) as refused:
            judged(crm, obj, {field: value})
        assert card not in card_digits_read(str(refused.value)), refused.value  # not said back
        return
    decision, record = judged(crm, obj, {field: value})
    assert RULE in rules(decision), (where, value)
    assert card not in card_digits_read(json.dumps(record, ensure_ascii=False)), record
    assert replays_as_judged(POLICIES[crm], record)


@settings(max_examples=200, deadline=None)
@given(where=st.sampled_from(NUMBER_FIELDS), card=cards_of_every_length())
def test_a_card_number_put_whole_in_any_number_field_is_refused_and_masked(
    where: tuple[str, str, str], card: str
) -> None:
    crm, obj, field = where
    decision, record = judged(crm, obj, {field: int(card)})
    assert RULE in rules(decision), (where, card)
    assert card not in card_digits_read(json.dumps(record, ensure_ascii=False)), record
    assert replays_as_judged(POLICIES[crm], record)


def test_every_pack_has_a_number_field_and_zendesk_types_its_ids() -> None:
    """What the tests above draw from: a number field in each pack but ServiceNow's (whose
    API takes numbers as text), and Zendesk's id fields among those that hold ids."""
    assert {crm for crm, _, _ in NUMBER_FIELDS} == {"salesforce", "zendesk"}
    zendesk = {(obj, name) for crm, obj, name, _ in ID_FIELDS if crm == "zendesk"}
    assert {("ticket", "assignee_id"), ("ticket", "collaborator_ids"),
            ("user", "organization_id")} <= zendesk  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(
    record_id=salesforce_ids("500"),
    hidden=cards_in_id_shapes(18),
    text=st.from_regex(r"[A-Za-z]{2,8} [0-9]{1,8}", fullmatch=True),
)
def test_an_earlier_writes_id_is_no_text_and_its_text_dressed_as_an_id_is(
    record_id: str, hidden: tuple[str, str], text: str
) -> None:
    # The conversation's last saved writes are read joined at their edges to this one's: an
    # id one of them holds is not (as the proxy judged it, and as replay rebuilds it).
    policies = POLICIES["salesforce"]
    fields = {"ParentId": record_id, "Subject": "Follow-up"}
    earlier = WriteRecord(
        decision_id="d-earlier", object="Case", operation="create", fields=fields,
        decision=str(next(iter(SAVED))), at=datetime.now(UTC),
        id_fields=policies.id_fields("salesforce", "Case"),
    )  # fmt: skip
    decision, record = judged("salesforce", "Case", {"Description": text}, _facts(earlier))
    assert RULE not in rules(decision), (record_id, text)
    assert replays_as_judged(policies, record)
    card, value = hidden
    decision, record = judged("salesforce", "Case", {"Description": value}, _facts(earlier))
    assert RULE in rules(decision)
    assert card not in card_digits_read(json.dumps(record, ensure_ascii=False))
    assert replays_as_judged(policies, record)


@settings(max_examples=300, deadline=None)
@example(
    where=("salesforce", "Case", "Description"), glued=("219099999", "219-09-9999", "X219-09-9999Y")
)
@example(
    where=("zendesk", "ticket", "subject"),
    glued=("4111111111111111", "4111-1111-1111-1111", "4111-1111-1111-1111x"),
)
@given(where=st.sampled_from(TEXT_FIELDS), glued=glued_to_letters())
def test_a_card_number_or_ssn_with_letters_glued_to_it_in_any_text_field_is_refused_and_masked(
    where: tuple[str, str, str], glued: tuple[str, str, str]
) -> None:
    crm, obj, field = where
    digits, _, value = glued
    decision, record = judged(crm, obj, {field: f"Ref {value} noted"})
    assert RULE in rules(decision), (where, value)
    assert digits not in card_digits_read(json.dumps(record, ensure_ascii=False)), record
    assert replays_as_judged(POLICIES[crm], record)


@settings(max_examples=200, deadline=None)
@example(number="219099999", between="x")
@example(number="4111111111111111", between=" | ")
@example(number="4111111111111111", between=" x ")
@given(
    number=st.one_of(cards_of_every_length(), ssns()),
    between=st.one_of(
        st.sampled_from([" | ", " * ", ")(", "] [", " ~ ", " • "]),
        st.builds(
            "{}{}{}".format,
            st.sampled_from(["", " "]),
            st.sampled_from(ID_LETTERS),
            st.sampled_from(["", " "]),
        ),
    ),
)
def test_a_card_number_or_ssn_in_groups_apart_by_a_letter_spaced_or_not_or_a_spaced_mark_is_refused(
    number: str, between: str
) -> None:
    cuts = [3, 5] if len(number) == 9 else list(range(4, len(number), 4))
    bounds = [0, *cuts, len(number)]
    written = between.join(number[a:b] for a, b in itertools.pairwise(bounds))
    decision, record = judged("salesforce", "Case", {"Description": f"Noted {written} today"})
    assert RULE in rules(decision), written
    assert number not in card_digits_read(json.dumps(record, ensure_ascii=False)), record


@settings(max_examples=300, deadline=None)
@example(card="4111111111111111", cut=8, letters="xyz", where=1)
# letters that make a half an ordinal ("4000ST", "000000000002ST"): still the card's digits
@example(card="4000000000000002", cut=4, letters="ST", where=2)
@example(card="4000000000000002", cut=4, letters="ST", where=1)
@given(
    card=cards_of_every_length(),
    cut=st.integers(4, 12),
    letters=st.text(ID_LETTERS, min_size=1, max_size=4),
    where=st.integers(0, 3),
)
def test_a_card_number_split_between_two_fields_with_letters_glued_to_a_half_is_refused_and_masked(
    card: str, cut: int, letters: str, where: int
) -> None:
    # the letters glued to either half, on the side where the halves meet or the other
    first, second = card[:cut], card[cut:]
    if where == 0:
        first = letters + first
    elif where == 1:
        second = second + letters
    elif where == 2:
        first = first + letters
    else:
        second = letters + second
    fields = {"Subject": f"Card {first}", "Description": f"{second} confirmed by the customer"}
    decision, record = judged("salesforce", "Case", fields)
    assert RULE in rules(decision), fields
    assert card not in card_digits_read(json.dumps(record, ensure_ascii=False)), record
    assert replays_as_judged(POLICIES["salesforce"], record)


@pytest.mark.parametrize(
    ("subject", "description"),
    [
        ("Delivery due the 21st", "2 parcels missing"),
        ("Refund by the 22nd", "12 items, order 55501"),
        ("Promised for March 1st", "10 boxes"),
        ("Router swapped on the 3rd", "4111 1111 1111 1 is the old one's serial"),
    ],
)
def test_a_real_ordinal_beside_another_texts_digits_that_make_no_card_with_it_is_not_refused(
    subject: str, description: str
) -> None:
    decision, _ = judged("salesforce", "Case", {"Subject": subject, "Description": description})
    assert RULE not in rules(decision)


@settings(max_examples=200, deadline=None)
@example(number="219099999", cuts=[3, 5], spoken="SSN")
@example(number="4111111111111111", cuts=[4, 8, 12], spoken="Card")
@given(
    number=st.one_of(cards_of_every_length(), ssns()),
    cuts=st.lists(st.integers(1, 12), min_size=2, max_size=3, unique=True).map(sorted),
    spoken=st.sampled_from(["Card", "SSN", "Ref"]),
)
def test_a_card_number_or_ssn_split_over_three_or_four_fields_is_refused_and_masked(
    number: str, cuts: list[int], spoken: str
) -> None:
    # each piece alone, and each two side by side, may read as no number: only all together
    # (nine digits not grouped 3-2-4 are an SSN where one is spoken of)
    assume(cuts[-1] < len(number))
    spoken = "SSN" if len(number) == 9 else spoken
    bounds = [0, *cuts, len(number)]
    pieces = [number[a:b] for a, b in itertools.pairwise(bounds)]
    names = ["Subject", "Type", "External_Id__c", "Description"][-len(pieces) :]
    fields = dict(zip(names, pieces, strict=True))
    fields[names[0]] = f"{spoken} {pieces[0]}"
    fields[names[-1]] = f"{pieces[-1]} confirmed by the customer"
    decision, record = judged("salesforce", "Case", fields)
    assert RULE in rules(decision), fields
    assert number not in card_digits_read(json.dumps(record, ensure_ascii=False)), record
    assert replays_as_judged(POLICIES["salesforce"], record)


@settings(max_examples=100, deadline=None)
@given(
    card=cards_of_every_length(),
    cuts=st.lists(st.integers(2, 12), min_size=2, max_size=2, unique=True).map(sorted),
)
def test_a_card_number_split_over_three_writes_of_a_conversation_is_refused(
    card: str, cuts: list[int]
) -> None:
    policies = POLICIES["salesforce"]
    first, middle, last = card[: cuts[0]], card[cuts[0] : cuts[1]], card[cuts[1] :]
    earlier = [
        WriteRecord(
            decision_id=f"d-{n}",
            object="Task",
            operation="create",
            fields={"Subject": text},
            decision=str(next(iter(SAVED))),
            at=datetime.now(UTC),
            id_fields=policies.id_fields("salesforce", "Task"),
        )
        for n, text in enumerate([f"Card {first}", middle])
    ]
    decision, _ = judged("salesforce", "Case", {"Description": f"{last} noted"}, _facts(*earlier))
    assert RULE in rules(decision), (first, middle, last)


# -- end to end: simple-salesforce through the proxy, the shipped sensitive-data rule -----------

_conversations = itertools.count()


@pytest.fixture(scope="module")
def stack(notes_stack: Stack) -> Stack:
    return notes_stack


def agent(stack: Stack) -> tuple[Any, list[str]]:
    """A client in a conversation of its own, and the decision id of each answer it gets."""
    body = {"channel": "voice", "customer": {"account_ids": [ACME_ACCOUNT_ID],
            "contact_ids": [ACME_CONTACT_ID], "verified": True},
            "turns": [{"role": "customer", "text": "My router from order 1044 is broken."}]}  # fmt: skip
    sf = salesforce_in(stack, f"sf-id-shape-{next(_conversations)}", body, "agent-id-shape")
    seen: list[str] = []
    sf.session.hooks["response"].append(
        lambda r, *a, **k: seen.append(r.headers.get(DECISION_ID_HEADER, ""))
    )
    return sf, seen


@through_a_stack(15)
@given(hidden=cards_in_id_shapes(), field=st.sampled_from(["Subject", "Description"]))
def test_through_the_proxy_a_case_with_a_card_dressed_as_an_id_is_refused_and_kept_masked(
    stack: Stack, capfd: pytest.CaptureFixture[str], hidden: tuple[str, str], field: str
) -> None:
    card, value = hidden
    sf, seen = agent(stack)
    before = len(stack.store.records("Case"))
    since = datetime.now(UTC).isoformat()
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Case.create({"Subject": "Router broken", "Status": "New", field: value,
                        "AccountId": ACME_ACCOUNT_ID, "ContactId": ACME_CONTACT_ID})  # fmt: skip
    assert "card number" in refused.value.content[0]["message"], value
    assert len(stack.store.records("Case")) == before
    url = f"{stack.admin_url}/guardrail/v1/decisions/{seen[-1]}"
    record = httpx.get(url, timeout=10).json()
    assert record["decision"] == "block"
    assert card not in card_digits_read(json.dumps(record, ensure_ascii=False)), record
    dsn = f"sqlite:///{(stack.directory / 'audit.db').resolve()}"
    capfd.readouterr()
    pack = str(stack.directory / "policies")
    code = main(["replay", "--since", since, "--policies", pack, "--dsn", dsn, "--json"])
    assert code == 0, capfd.readouterr().out  # judged again from what was kept: as the proxy did


@pytest.mark.parametrize(
    ("digits", "fields"),
    [
        ("219099999", {"Subject": "Ref X219-09-9999Y"}),
        ("4111111111111111", {"Description": "Ref AB4111-1111-1111-1111cd"}),
        ("4111111111111111", {"Subject": "Card 4111 1111", "Description": "1111 1111xyz ok"}),
        ("4111111111111111",
         {"Subject": "Card 4111", "Type": "1111 1111", "Description": "1111 confirmed"}),
    ],
)  # fmt: skip
def test_through_the_proxy_a_case_with_a_number_glued_or_split_over_three_fields_is_refused(
    stack: Stack, digits: str, fields: dict[str, str]
) -> None:
    sf, seen = agent(stack)
    before = len(stack.store.records("Case"))
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Case.create({"Subject": "Router broken", "Status": "New", **fields,
                        "AccountId": ACME_ACCOUNT_ID, "ContactId": ACME_CONTACT_ID})  # fmt: skip
    assert "social security number" in refused.value.content[0]["message"], fields
    assert len(stack.store.records("Case")) == before
    url = f"{stack.admin_url}/guardrail/v1/decisions/{seen[-1]}"
    record = httpx.get(url, timeout=10).json()
    assert digits not in card_digits_read(json.dumps(record, ensure_ascii=False)), record


def test_through_the_proxy_a_case_naming_records_by_their_ids_lands(stack: Stack) -> None:
    sf, _ = agent(stack)
    created = sf.Case.create({"Subject": "Router broken", "Status": "New",
                              "Description": "Router from order 1044",
                              "AccountId": ACME_ACCOUNT_ID, "ContactId": ACME_CONTACT_ID,
                              "ParentId": ACME_CASE_ID})  # fmt: skip
    assert created["success"] is True
