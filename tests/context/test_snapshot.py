"""The conversation context a decision record keeps (masked) and replay rebuilds."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from guardrail.context import snapshot
from guardrail.context.facts import Facts, Transcript, pii_in
from guardrail.context.model import Conversation, Customer, ReadRecord, Turn, WriteRecord
from guardrail.policy.functions import RuleFunctions
from guardrail.sinks.redact import mask_text

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CARD = "4111 1111 1111 1111"  # passes the Luhn check
TRACKING = "1234 5678 9012 3456"  # does not


def facts() -> Facts:
    conversation = Conversation(
        id="c1",
        channel="voice",
        customer=Customer(account_ids=["001SB0000000001AAA"], verified=True),
        entitlements={"refund_limit": 100},
        turns=[
            Turn(role="customer", text=f"My card {CARD} was charged $25 twice."),
            Turn(role="customer", text="Mail me at sam@example.com, parcel 1234 5678 9012 3456."),
        ],
        outcome="refund_issued",
        metadata={"intent": "billing", "api_key": "k-1"},
        reads=[
            ReadRecord(object="Case", id="500SB0000000001AAA", fields={"Reason": "Billing"}, at=NOW)
        ],
        writes=[
            WriteRecord(
                decision_id="d0",
                object="Refund__c",
                operation="create",
                id="a01SB0000000001AAA",
                fields={"Amount__c": 25, "Note__c": f"card {CARD}"},
                decision="allow",
                at=NOW,
            )
        ],
        created_at=NOW,
        updated_at=NOW,
        version=3,
        rev=2,
    )
    return Facts(conversation, Transcript.of(conversation), {}, NOW)


def recorded(judged: Facts) -> dict[str, Any]:
    """The context as a record keeps it, its parts put back in (as the audit log does)."""
    dumped = snapshot.dump(judged)
    parts = {part.hash: json.loads(part.body) for part in dumped.parts}
    assert not snapshot.wanted(dumped.document, parts)  # the dump holds every part it names
    return snapshot.expand(dumped.document, parts)


def test_the_context_is_masked_and_rebuilds_what_rules_read() -> None:
    text = json.dumps(recorded(facts()))
    assert CARD not in text
    assert "sam@example.com" not in text
    assert "k-1" not in text  # a secret-named key's value is dropped
    assert "[CARD]" in text
    assert "[NUMBER]" in text  # the parcel number is not a card

    rebuilt = snapshot.load(json.loads(text))
    assert rebuilt.redacted
    assert rebuilt.now == NOW
    c = rebuilt.conversation
    assert c is not None
    assert (c.id, c.outcome, c.version, c.rev) == ("c1", "refund_issued", 3, 2)
    assert c.customer.account_ids == ["001SB0000000001AAA"]
    assert c.reads[0].fields == {"Reason": "Billing"}
    assert c.writes[0].fields["Amount__c"] == 25
    functions = RuleFunctions(rebuilt)
    assert functions.requested_amount() == 25.0
    assert functions.grounded("500SB0000000001AAA")
    assert functions.known_field("500SB0000000001AAA", "Reason") == "Billing"


def test_masks_read_as_what_they_replaced_only_in_a_rebuilt_context() -> None:
    note = mask_text(f"Customer gave card {CARD}; parcel {TRACKING}")
    assert note == "Customer gave card [CARD]; parcel [NUMBER]"
    assert pii_in(note) == []  # live: a literal mask is no card number
    assert pii_in(note, masked=True) == ["card"]
    assert pii_in(mask_text(f"parcel {TRACKING}"), masked=True) == []
    rebuilt = snapshot.load(recorded(facts()))
    assert RuleFunctions(rebuilt).pii(note) == ["card"]
    assert RuleFunctions(facts()).pii(note) == []


def test_a_trimmed_history_is_replayed_as_trimmed() -> None:
    """Replay must fail closed where the live judgement did: the rebuilt conversation keeps
    the time its history was trimmed at (and a whole history rebuilds as whole)."""
    live = facts()
    assert snapshot.load(recorded(live)).conversation.forgotten is None  # type: ignore[union-attr]
    trimmed = replace(
        live,
        conversation=live.conversation.model_copy(  # type: ignore[union-attr]
            update={"forgotten": NOW - timedelta(minutes=5)}
        ),
    )
    rebuilt = snapshot.load(recorded(trimmed)).conversation
    assert rebuilt is not None
    assert rebuilt.forgotten == NOW - timedelta(minutes=5)


def test_a_context_without_a_conversation() -> None:
    rebuilt = snapshot.load(recorded(Facts(None, now=NOW)))
    assert rebuilt.conversation is None
    assert rebuilt.redacted


def test_a_record_names_its_revision_and_history_by_hash_not_by_copy() -> None:
    first = snapshot.dump(facts())
    assert "[CARD]" not in json.dumps(first.document)  # the turns are a part, named by hash
    c = facts().conversation
    assert c is not None
    later = replace(facts(), conversation=c.model_copy(update={"version": 9}))
    again = snapshot.dump(later)  # a later write at the same revision names the same parts
    assert again.document["conversation"]["platform"] == first.document["conversation"]["platform"]
    assert again.parts == first.parts
    changed = replace(facts(), conversation=c.model_copy(update={"rev": 3, "outcome": "x"}))
    moved = snapshot.dump(changed).document["conversation"]["platform"]
    assert moved != first.document["conversation"]["platform"]


def test_a_call_that_goes_on_names_its_newest_records_as_a_fresh_reading_would() -> None:
    c = facts().conversation
    assert c is not None
    writes = [
        WriteRecord(decision_id=f"d{n}", object="Case", operation="update", id=f"500{n}",
                    fields={"Subject": f"call {n}"}, decision="allow", at=NOW)
        for n in range(70)
    ]  # fmt: skip
    # The same records, as the memory store keeps them; 56 and 57 again: writes of a call seen
    # at older versions, as concurrent writes are.
    for upto in (3, 4, 55, 56, 58, 70, 56, 57):
        going = c.model_copy(update={"writes": writes[:upto], "version": upto})
        named = recorded(replace(facts(), conversation=going))
        copies = [replace(w) for w in writes[:upto]]
        # another call: named without any window of this one's
        fresh = c.model_copy(update={"id": "another", "writes": copies, "version": upto})
        expected = recorded(replace(facts(), conversation=fresh))
        assert named["conversation"]["writes"] == expected["conversation"]["writes"]
        assert named["conversation"]["writes"][-1]["decision_id"] == f"d{upto - 1}"
        assert len(named["conversation"]["writes"]) == min(upto, snapshot.KEPT_RECORDS)


def test_a_call_keeps_one_window_however_its_store_hands_out_its_records() -> None:
    """The Redis store decodes new record objects on every load: the window its last write
    named is still found (records are named by value) and replaced, not joined by another."""
    c = facts().conversation
    assert c is not None
    windows = snapshot._windows._entries  # the memo whose growth is the point
    call = c.model_copy(update={"id": "redis-call"})

    def mine() -> int:
        return sum(1 for key in windows if key[1] == "redis-call")

    for upto in range(1, 40):
        loaded = [
            WriteRecord(decision_id=f"d{n}", object="Case", operation="update", id=f"500{n}",
                        decision="allow", at=NOW)
            for n in range(upto)
        ]  # fmt: skip
        going = call.model_copy(update={"writes": loaded, "version": upto})
        snapshot.dump(replace(facts(), conversation=going))
        assert mine() == 2  # its reads' window and its writes'
    assert all(len(windows[key]) <= 32 for key in windows if key[1] == "redis-call")


def test_a_long_calls_next_write_names_and_adds_as_little_as_its_first() -> None:
    c = facts().conversation
    assert c is not None
    call = c.model_copy(update={"id": "long-call"})
    writes = [
        WriteRecord(decision_id=f"d{n}", object="Case", operation="update", id=f"500{n}",
                    fields={"Subject": f"call {n}"}, decision="allow", at=NOW)
        for n in range(1001)
    ]  # fmt: skip
    sizes, added = [], []
    stored: set[str] = set()
    for upto in range(1, 1001):
        going = call.model_copy(update={"writes": writes[:upto], "version": upto})
        dumped = snapshot.dump(replace(facts(), conversation=going))
        sizes.append(len(json.dumps(dumped.document)))
        added.append(sum(len(p.body) for p in dumped.parts if p.hash not in stored))
        stored |= {p.hash for p in dumped.parts}
    assert max(sizes[60:]) <= sizes[0] + 10  # the window's size is a number, not a list
    assert max(added[60:]) < 400  # one link: the new write and its predecessor's hash
    rebuilt = recorded(replace(facts(), conversation=going))["conversation"]["writes"]
    assert [w["decision_id"] for w in rebuilt] == [f"d{n}" for n in range(950, 1000)]


def test_an_accounts_write_recorded_late_is_in_the_window_where_it_arrived() -> None:
    """An account's writes come by time from every replica: one may arrive before the newest."""

    def write(n: int) -> WriteRecord:
        return WriteRecord(decision_id=f"a{n}", object="Case", operation="update", id=f"500{n}",
                           decision="allow", at=NOW + timedelta(seconds=n))  # fmt: skip

    account = "001SB0000000009AAA"
    for history in ([write(1), write(3)], [write(2), write(3)], [write(1), write(2), write(3)]):
        judged = replace(facts(), account_writes={account: history})
        rebuilt = recorded(judged)["account_writes"][account]
        assert [w["decision_id"] for w in rebuilt] == [w.decision_id for w in history]


def test_an_accounts_writes_kept_as_the_same_objects_are_told_apart_as_copies_are() -> None:
    """The memory store hands out the same record objects every load: a window is extended
    when they are the ones it ends with, and a write that arrived late still starts anew."""
    account = "001SB0000000008AAA"
    w = [
        WriteRecord(decision_id=f"s{n}", object="Case", operation="update", id=f"500{n}",
                    decision="allow", at=NOW + timedelta(seconds=n))
        for n in range(5)
    ]  # fmt: skip
    for history in ([w[1], w[2]], [w[1], w[2], w[3]], [w[0], w[2], w[3], w[4]], w):
        judged = replace(facts(), account_writes={account: history})
        rebuilt = recorded(judged)["account_writes"][account]
        assert [r["decision_id"] for r in rebuilt] == [r.decision_id for r in history]


def test_a_context_recorded_in_an_earlier_form_is_still_read() -> None:
    """Records made before windows were chained name each read and write by hash."""
    c = facts().conversation
    assert c is not None
    current = recorded(facts())
    parts = {part.hash: json.loads(part.body) for part in snapshot.dump(facts()).parts}
    record = snapshot.Part.of(current["conversation"]["writes"][0])
    platform = next(h for h, p in parts.items() if "turns" in p)
    earlier = {
        "now": current["now"],
        "conversation": {"id": "c1", "platform": platform, "reads": [], "writes": [record.hash],
                         "updated_at": NOW.isoformat(), "version": 3, "rev": 2},
        "account_writes": {},
    }  # fmt: skip
    assert snapshot.wanted(earlier, parts) == {record.hash}
    parts[record.hash] = json.loads(record.body)
    again = snapshot.expand(earlier, parts)
    assert again["conversation"]["writes"] == current["conversation"]["writes"]
    assert again["conversation"]["turns"] == current["conversation"]["turns"]


def test_a_card_split_between_two_fields_of_an_earlier_write_is_masked_in_the_context() -> None:
    """An allowed write (the sensitive-data rule in audit or warn mode, or not in the pack)
    that split a card between two texts: each half alone reads as no number, so the context
    of every later record must mask both, as the write's own record does."""
    live = facts()
    conversation = live.conversation
    assert conversation is not None
    halves = {"Description": "Paid with card 4111 1111", "Subject": "1111 1111 thanks"}
    split = WriteRecord(
        decision_id="d1",
        object="Case",
        operation="create",
        id="500SB0000000002AAA",
        fields=halves,
        decision="allow",
        at=NOW,
    )
    judged = replace(
        live,
        conversation=conversation.model_copy(update={"writes": [*conversation.writes, split]}),
    )
    kept = recorded(judged)
    text = json.dumps(kept)
    assert "4111 1111" not in text
    assert "1111 1111" not in text
    assert "Paid with card" in text  # the rest of the texts is kept
