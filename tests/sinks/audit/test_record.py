"""What an audit record holds of a decision: everything, with personal data masked, secrets
dropped, no header at all, in one canonical serialisation."""

from __future__ import annotations

import math

import orjson

from guardrail.model import Caller, Decision, Operation, Verdict, WriteIntent
from guardrail.sinks.audit.chain import EMPTY, chain_hash, link
from guardrail.sinks.audit.record import Entry, decision_entry
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
