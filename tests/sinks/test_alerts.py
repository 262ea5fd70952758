"""The alert sink against a real local receiver: dedupe, retries, bounded queue, drain."""

from __future__ import annotations

import asyncio

import pytest

from guardrail.model import Caller, Decision, Operation, Verdict, Violation, WriteIntent
from guardrail.sinks import alerts
from guardrail.sinks.alerts import Alerter, alertmanager, webhook
from guardrail.sinks.metrics import Metrics
from tests.sinks.helpers import Receiver, serve


def counted(metrics: Metrics, target: str, result: str) -> float:
    return metrics.alerts.labels(target, result)._value.get()  # type: ignore[attr-defined, no-any-return]


def blocked(conversation: str = "c-1", rule: str = "RefundEntitled", n: int = 0) -> Decision:
    intent = WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": 90})
    violation = Violation(
        "refund-rules", rule, "Refund of 90 for bob@example.com is over the limit", intent=0
    )
    return Decision(f"d-{n}", Verdict.BLOCK, "salesforce", (intent,), (violation,), "v1",
                    Caller(conversation, "agent-7"))  # fmt: skip


async def test_one_message_per_rule_and_conversation_within_the_window() -> None:
    receiver = Receiver()
    server = await serve(receiver)
    metrics = Metrics("salesforce", lambda o: o)
    alerter = Alerter([webhook(str(server.make_url("/hook")))], metrics, dedupe_seconds=60)
    alerter.start()
    for n in range(3):
        await alerter.emit(blocked(n=n))
    await alerter.emit(blocked(conversation="c-2", n=9))
    await alerter.emit(Decision("d-ok", Verdict.ALLOW, "salesforce", (), (), "v1"))
    await alerter.close()
    await server.close()
    assert [(b["conversation"], b["decision_id"]) for b in receiver.bodies] == [
        ("c-1", "d-0"),
        ("c-2", "d-9"),
    ]
    first = receiver.bodies[0]
    assert (first["policy"], first["rule"], first["object"], first["agent"]) == (
        "refund-rules",
        "RefundEntitled",
        "Refund__c",
        "agent-7",
    )
    assert "bob@example.com" not in first["message"]  # PII is masked before it leaves
    assert counted(metrics, "any", "deduplicated") == 2
    assert counted(metrics, "webhook", "sent") == 2


async def test_alertmanager_shape_and_retries_with_backoff() -> None:
    receiver = Receiver(failures=2)
    server = await serve(receiver)
    metrics = Metrics("salesforce", lambda o: o)
    alerter = Alerter(
        [alertmanager(str(server.make_url("")))], metrics, backoff_seconds=0.01,
        decision_url="https://guardrail.example/guardrail/v1/decisions",
    )  # fmt: skip
    alerter.start()
    await alerter.emit(blocked())
    await alerter.close()
    await server.close()
    [[alert]] = receiver.bodies
    assert alert["labels"]["alertname"] == "GuardrailWriteBlocked"
    assert alert["labels"]["rule"] == "RefundEntitled"
    assert alert["generatorURL"] == "https://guardrail.example/guardrail/v1/decisions/d-0"
    assert alert["startsAt"] < alert["endsAt"]
    assert counted(metrics, "alertmanager", "sent") == 1


async def test_an_unreachable_target_is_counted_not_raised_and_a_full_queue_drops_loudly(
    unused_tcp_port: int,
) -> None:
    metrics = Metrics("salesforce", lambda o: o)
    alerter = Alerter(
        [webhook(f"http://127.0.0.1:{unused_tcp_port}/hook")], metrics, queue_size=2,
        retries=2, backoff_seconds=0.01,
    )  # fmt: skip
    for n in range(4):  # the worker is not running yet: the queue fills
        await alerter.emit(blocked(conversation=f"c-{n}", n=n))
    assert counted(metrics, "any", "dropped") == 2
    alerter.start()
    await asyncio.wait_for(alerter.close(), 5)
    assert counted(metrics, "webhook", "failed") == 2


async def test_dedupe_memory_stays_bounded_when_every_alert_is_new(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(alerts, "MAX_DEDUPED", 50)
    metrics = Metrics("salesforce", lambda o: o)
    alerter = Alerter([], metrics, dedupe_seconds=3600, queue_size=10_000)
    for n in range(500):  # 500 conversations within one window: each alert is new
        await alerter.emit(blocked(conversation=f"c-{n}", n=n))
    assert len(alerter._last_sent) <= 50
    # the newest are the ones remembered: a repeat of the last is still deduplicated
    await alerter.emit(blocked(conversation="c-499", n=500))
    assert counted(metrics, "any", "deduplicated") == 1
