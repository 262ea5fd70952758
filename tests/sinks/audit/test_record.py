"""What an audit record holds of a decision: everything, with personal data masked, secrets
dropped, no header at all, in one canonical serialisation."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import orjson

from guardrail.model import Caller, Decision, Operation, Verdict, WriteIntent
from guardrail.sinks.audit.chain import EMPTY, chain_hash, link
from guardrail.sinks.audit.record import Ahead, Entry, decision_entry
from tests.auditdb import decision


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
