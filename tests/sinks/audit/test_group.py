"""Group commit, the writer thread and the health state on their own: batching, idle work,
failures, the bound."""

from __future__ import annotations

import asyncio

import pytest

from guardrail.errors import AuditUnavailable
from guardrail.sinks.audit.group import GroupCommitter
from guardrail.sinks.audit.health import Health
from guardrail.sinks.audit.thread import Worker


async def test_appends_arriving_during_a_commit_share_the_next() -> None:
    batches: list[list[int]] = []

    async def commit(items: list[int]) -> list[int]:
        batches.append(items)
        await asyncio.sleep(0.01)
        return [i * 10 for i in items]

    group: GroupCommitter[int, int] = GroupCommitter(commit, max_batch=4)
    results = await asyncio.gather(*(group.hand(i) for i in range(10)))
    assert results == [i * 10 for i in range(10)]
    assert batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert group.commits == 3
    assert await group.hand(42) == 420  # an idle log commits at once, alone
    assert batches[-1] == [42]


async def test_a_failed_commit_fails_every_append_in_it_and_only_those() -> None:
    calls = 0

    async def commit(items: list[int]) -> list[int]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        if calls == 1:
            raise AuditUnavailable("disk full")
        return items

    group: GroupCommitter[int, int] = GroupCommitter(commit, max_batch=2)
    outcomes = await asyncio.gather(*(group.hand(i) for i in range(4)), return_exceptions=True)
    assert [type(o).__name__ for o in outcomes[:2]] == ["AuditUnavailable"] * 2
    assert outcomes[2:] == [2, 3]


async def test_a_caller_that_stops_waiting_does_not_break_the_batch() -> None:
    release = asyncio.Event()

    async def commit(items: list[int]) -> list[int]:
        await release.wait()
        return items

    group: GroupCommitter[int, int] = GroupCommitter(commit, max_batch=8)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await group.hand(1)
    other = group.hand(2)
    release.set()
    assert await other == 2
    await group.drain()


def test_health_follows_commits_and_their_bound() -> None:
    changes: list[bool] = []
    health = Health(0.5, changes.append)
    assert not health.available  # not opened yet
    health.succeeded(0.01)
    assert health.available
    health.succeeded(0.8)  # committed, but slower than the bound: writes stop
    assert not health.available
    assert "over the 0.5 s bound" in health.reason
    health.succeeded(0.01)
    health.failed("connection refused")
    assert health.reason == "connection refused"
    health.closed()
    assert changes == [True, False, True, False, False]


async def test_a_writer_thread_does_its_idle_work_while_nothing_is_queued() -> None:
    pieces = [1, 2, 3]
    done: list[int] = []
    ran: list[str] = []

    def idle() -> bool:
        if not pieces:
            return False
        done.append(pieces.pop(0))
        return True

    worker = Worker("test-idle", idle=idle)
    try:
        await worker.call(lambda: ran.append("call"))
        assert ran == ["call"]
        worker.nudge()
        for _ in range(200):
            if done == [1, 2, 3]:
                break
            await asyncio.sleep(0.01)
        assert done == [1, 2, 3]
        pieces.append(4)  # more, and a call: both done, the thread goes on
        worker.nudge()
        await worker.call(lambda: ran.append("later"))
        for _ in range(200):
            if done == [1, 2, 3, 4]:
                break
            await asyncio.sleep(0.01)
        assert (done, ran) == ([1, 2, 3, 4], ["call", "later"])
    finally:
        await worker.stop()


async def test_idle_work_that_fails_stops_until_the_next_nudge() -> None:
    tries: list[int] = []

    def idle() -> bool:
        tries.append(1)
        raise RuntimeError("ahead of time only")

    worker = Worker("test-idle-fails", idle=idle)
    try:
        worker.nudge()
        assert await worker.call(lambda: 42) == 42  # the thread lives on
        await asyncio.sleep(0.05)
        assert len(tries) <= 3  # once each time it runs out of calls, not in a spin
    finally:
        await worker.stop()
