"""What an audit record holds of a decision: everything, with personal data masked, secrets
dropped, no header at all, in one canonical serialisation."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson

from guardrail.context import snapshot
from guardrail.context.facts import Facts, Transcript
from guardrail.context.model import Conversation, WriteRecord
from guardrail.model import Caller, Decision, Operation, Verdict, WriteIntent
from guardrail.sinks.audit.chain import EMPTY, chain_hash, link
from guardrail.sinks.audit.record import Ahead, Entry, decision_entry
from tests.auditdb import decision

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_field_values_are_masked_and_secrets_dropped() -> None:
    write = WriteIntent(
        "salesforce",
        "Contact",
        Operation.UPSERT,
        {
            "Email": "jane@example.com",
            "Phone": "+1 415 555 0100",
            "Notes": {"card": "4111 1111 1111 1111", "api_key": "k-123"},
            "Big": 2**80,
            "Odd": math.nan,
        },
        external_id_field="Email__c",
        external_id="jane@example.com",
    )
    entry = decision_entry(
        Decision(
            "d-1",
            Verdict.ALLOW,
            "salesforce",
            (write,),
            (),
            "v1",
            Caller(traceparent="00-abc-def-01"),
        )
    )
    body = orjson.loads(entry.body)
    intent = body["intents"][0]
    assert intent["fields"] == {
        "Email": "[EMAIL]",
        "Phone": "[PHONE]",
        "Notes": {"card": "[CARD]", "api_key": "[REDACTED]"},
        "Big": str(2**80),
        "Odd": "nan",
    }
    assert intent["external_id"] == "[EMAIL]"
    assert body["traceparent"] == "00-abc-def-01"
    assert b"jane" not in entry.body
    assert b"4111" not in entry.body
    assert b"uthorization" not in entry.body


def test_the_body_is_canonical_and_its_columns_derive_from_it() -> None:
    entry = decision_entry(decision(7, Verdict.BLOCK, rule="Status"))
    assert entry.body == orjson.dumps(orjson.loads(entry.body), option=orjson.OPT_SORT_KEYS)
    assert Entry.of(orjson.loads(entry.body)) == entry
    assert entry.verdict == "block"
    assert entry.decision_id == "decision-0007"
    assert entry.terms == ("object:Case", "rule:Status", "rule:case-fields/Status")


def test_each_hash_covers_sequence_predecessor_and_body() -> None:
    entries = [decision_entry(decision(n)) for n in range(3)]
    rows = link(EMPTY, entries)
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].hash == chain_hash(3, rows[1].hash, entries[2].body)
    assert rows[2].hash != chain_hash(2, rows[1].hash, entries[2].body)


def unstamped(entry: Entry) -> dict[str, Any]:
    body: dict[str, Any] = orjson.loads(entry.body)
    del body["at"]
    return body


def test_a_record_begun_ahead_is_made_once_and_reads_as_one_made_at_once() -> None:
    ahead = Ahead()
    judged = decision(1, Verdict.BLOCK, rule="Status")
    ahead.expect(judged)
    assert ahead.work()
    assert not ahead.work()  # one piece, made once
    done = replace(judged, status=400, guardrail_seconds=0.001)
    [entry] = ahead.made([done])
    assert unstamped(entry) == unstamped(decision_entry(done))
    assert entry.terms == decision_entry(done).terms


def test_a_record_made_before_its_turn_ahead_is_not_begun_after() -> None:
    ahead = Ahead()
    judged = decision(2)
    ahead.expect(judged)
    [entry] = ahead.made([judged])
    assert unstamped(entry) == unstamped(decision_entry(judged))
    assert not ahead.work()


def test_a_decision_that_ended_with_other_intents_is_recorded_with_them() -> None:
    ahead = Ahead()
    judged = decision(3)
    ahead.expect(judged)
    assert ahead.work()
    changed = replace(judged, intents=decision(4, obj="Contact").intents)
    [entry] = ahead.made([changed])
    assert unstamped(entry)["intents"][0]["object"] == "Contact"
    assert unstamped(entry) == unstamped(decision_entry(changed))


def test_decisions_expected_and_never_recorded_are_forgotten() -> None:
    ahead = Ahead(most=2)
    for n in range(5):
        ahead.expect(decision(n))
    assert [ahead.work() for _ in range(3)] == [True, True, False]


def intent_of(fields: dict[str, Any]) -> WriteIntent:
    return WriteIntent(
        "salesforce", "Case", Operation.CREATE, fields, id_fields=frozenset({"AccountId"})
    )


def test_a_write_reads_the_same_in_its_own_record_and_in_the_context_of_the_next() -> None:
    fields = {"Subject": "card 4111 1111", "Description": "1111 1111 please", "Count": 3,
              "AccountId": "001SB0000000001AAA", "Flag": True}  # fmt: skip
    first = decision_entry(Decision("d-1", Verdict.ALLOW, "salesforce", (intent_of(fields),),
                                    (), "v1", Caller(conversation="c1")))  # fmt: skip
    write = WriteRecord(decision_id="d-1", object="Case", operation="create", id="500SB01",
                        fields=dict(fields), decision="allow", at=NOW,
                        id_fields=frozenset({"AccountId"}))  # fmt: skip
    call = Conversation(id="c1", writes=[write], created_at=NOW, updated_at=NOW, version=2, rev=1)
    judged = Decision("d-2", Verdict.ALLOW, "salesforce", (intent_of({"Subject": "x"}),), (),
                      "v1", Caller(conversation="c1"),
                      facts=Facts(call, Transcript.of(call), {}, NOW))  # fmt: skip
    second = decision_entry(judged)
    parts = {p.hash: orjson.loads(p.body) for p in second.parts}
    context = snapshot.expand(orjson.loads(second.body)["context"], parts)
    masked = orjson.loads(first.body)["intents"][0]["fields"]
    assert context["conversation"]["writes"][0]["fields"] == masked
    assert masked["Subject"] != fields["Subject"]  # the card split between them, masked
    assert masked["AccountId"] == "001SB0000000001AAA"


def test_fields_alike_but_of_other_types_are_masked_each_as_it_is() -> None:
    flags = []
    for n, value in enumerate((True, 1, "1")):
        judged = Decision(f"d-{n}", Verdict.ALLOW, "salesforce", (intent_of({"Flag": value}),),
                          (), "v1", Caller())  # fmt: skip
        flags.append(orjson.loads(decision_entry(judged).body)["intents"][0]["fields"]["Flag"])
    assert flags == [True, 1, "1"]
