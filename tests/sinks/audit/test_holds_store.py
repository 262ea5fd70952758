"""The held writes' table beside the audit log, on both stores: kept as given, moved only by
compare-and-set, and added to a log made before it by migration."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from guardrail.sinks.audit import open_storage
from guardrail.sinks.audit.record import decision_entry
from guardrail.sinks.audit.store import HoldRow, HoldState, Storage
from tests.auditdb import decision

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _held(decision_id: str, body: bytes = b'{"Amount__c": 12.99}', minutes: int = 60) -> HoldRow:
    return HoldRow(
        decision_id=decision_id,
        state=HoldState.HELD,
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=minutes),
        updated_at=NOW,
        conversation="call-1",
        agent="support-bot",
        policy="refund-rules",
        rule="RefundRequested",
        request={
            "method": "POST",
            "target": "/services/data/v59.0/sobjects/Refund__c",
            "headers": [["Content-Type", "application/json"]],
        },
        body=body,
        execution_id=f"{decision_id}-result",
    )


async def test_a_held_write_is_kept_byte_for_byte(storage: Storage) -> None:
    body = b'{"Amount__c": 12.99, "Reason__c": "Late Delivery"}\n'
    await storage.add_hold(_held("d1", body))
    kept = await storage.hold("d1")
    assert kept is not None
    assert kept.body == body
    assert kept.request is not None
    assert kept.request["target"].endswith("/Refund__c")
    assert (kept.state, kept.created_at, kept.expires_at) == (
        HoldState.HELD,
        NOW,
        NOW + timedelta(minutes=60),
    )
    assert await storage.waiting_holds() == (1, NOW)


async def test_of_two_claims_at_once_exactly_one_moves_the_hold(storage: Storage) -> None:
    await storage.add_hold(_held("d2"))
    claims = await asyncio.gather(
        *(
            storage.move_hold(
                "d2",
                (HoldState.HELD,),
                HoldState.EXECUTING,
                NOW,
                values={"claim": f"c{n}", "reviewer": f"r{n}"},
            )
            for n in range(4)
        )
    )
    won = [c for c in claims if c is not None]
    assert len(won) == 1
    assert won[0].state is HoldState.EXECUTING
    # Only the claim's holder may settle it.
    assert (
        await storage.move_hold("d2", (HoldState.EXECUTING,), HoldState.DONE, NOW, claim="other")
        is None
    )
    done = await storage.move_hold(
        "d2",
        (HoldState.EXECUTING,),
        HoldState.DONE,
        NOW,
        claim=won[0].claim,
        values={"body": None, "request": None, "outcome": {"status": 201}},
    )
    assert done is not None
    assert (done.body, done.outcome) == (None, {"status": 201})
    assert await storage.move_hold("d2", (HoldState.HELD,), HoldState.REJECTED, NOW) is None


async def test_a_write_held_while_its_hold_stands_is_that_hold_until_it_settles(
    storage: Storage,
) -> None:
    """Of holds racing to keep the same write (``repeat_key``), one is kept and every one is
    answered with it; settled, the write may be held again. Without a key, each is kept."""
    same = [replace(_held(f"r{n}"), repeat_key="same-write") for n in range(4)]
    kept = await asyncio.gather(*(storage.add_hold(h) for h in same))
    assert len({k.decision_id for k in kept}) == 1
    standing = kept[0].decision_id
    assert [await storage.hold(h.decision_id) is not None for h in same].count(True) == 1
    claimed = await storage.move_hold(standing, (HoldState.HELD,), HoldState.EXECUTING, NOW)
    assert claimed is not None
    assert (await storage.add_hold(replace(same[0], decision_id="r-late"))).decision_id == standing
    await storage.move_hold(standing, (HoldState.EXECUTING,), HoldState.DONE, NOW)
    again = await storage.add_hold(replace(same[0], decision_id="r-again"))
    assert again.decision_id == "r-again"
    assert (await storage.add_hold(_held("no-key"))).decision_id == "no-key"


async def test_holds_due_to_expire_are_found_oldest_first(storage: Storage) -> None:
    await storage.add_hold(_held("late", minutes=-1))
    await storage.add_hold(_held("later", minutes=30))
    due = await storage.holds((HoldState.HELD,), limit=10, expires_before=NOW)
    assert [h.decision_id for h in due] == ["late"]


async def test_a_log_made_before_holds_gains_the_table_and_keeps_its_records(dsn: str) -> None:
    old = open_storage(dsn, timeout=5)
    old.migrations = old.migrations[:1]  # type: ignore[attr-defined]
    await old.open()
    await old.commit([decision_entry(decision(1))])
    await old.close()
    new = open_storage(dsn, timeout=5)
    await new.open()
    try:
        assert (await new.stats()).records == 1
        await new.add_hold(_held("d3"))
        assert await new.hold("d3") is not None
    finally:
        await new.close()
