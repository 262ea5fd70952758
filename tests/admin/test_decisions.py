"""The decisions API over both stores: filters, cursor paging, the full record, reviews, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from guardrail.admin.auth import Credentials
from guardrail.admin.decisions import DECISIONS, routes
from guardrail.admin.roles import signed_in
from guardrail.model import Verdict
from guardrail.sinks.audit import AuditLog, open_storage
from tests.auditdb import STORES, audit_dsn, decision, tamper

URL = "/guardrail/v1/decisions"


@pytest.fixture(params=STORES)
def dsn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with audit_dsn(request.param, tmp_path) as found:
        yield found


@pytest.fixture
async def audit(dsn: str) -> AsyncIterator[AuditLog]:
    log = AuditLog(open_storage(dsn, timeout=5), timeout_seconds=5)
    await log.start()
    for n in range(1, 13):
        blocked = n % 3 == 0
        await log.record(
            decision(
                n,
                Verdict.BLOCK if blocked else Verdict.ALLOW,
                obj="Refund__c" if n == 12 else "Case",
                rule=("RefundUnderCap" if n == 12 else "Status") if blocked else None,
                agent="agent-2" if n > 6 else "agent-1",
                conversation=f"conv-{n % 2}",
            )
        )
    yield log
    await log.close()


@pytest.fixture
async def client(audit: AuditLog, aiohttp_client: Any) -> TestClient[Any, Any]:
    app = web.Application(middlewares=[signed_in(Credentials())])
    app[DECISIONS] = audit
    app.router.add_routes(routes)
    return await aiohttp_client(app)  # type: ignore[no-any-return]


async def ids(client: TestClient[Any, Any], query: str) -> list[str]:
    answer = await client.get(f"{URL}?{query}")
    assert answer.status == 200, await answer.text()
    return [d["decision_id"] for d in (await answer.json())["decisions"]]


async def test_filters(client: TestClient[Any, Any]) -> None:
    assert await ids(client, "decision=block") == [f"decision-{n:04d}" for n in (12, 9, 6, 3)]
    assert await ids(client, "object=Refund__c") == ["decision-0012"]
    assert await ids(client, "rule=Status") == [f"decision-{n:04d}" for n in (9, 6, 3)]
    assert await ids(client, "rule=case-fields/RefundUnderCap") == ["decision-0012"]
    assert await ids(client, "agent=agent-1&decision=block") == ["decision-0006", "decision-0003"]
    assert await ids(client, "conversation=conv-1&agent=agent-2") == [
        f"decision-{n:04d}" for n in (11, 9, 7)
    ]
    assert await ids(client, "since=2000-01-01T00:00:00Z&until=2001-01-01") == []
    assert len(await ids(client, "since=2000-01-01T00:00:00%2B01:00")) == 12


async def test_summaries_name_what_a_reviewer_needs(client: TestClient[Any, Any]) -> None:
    answer = await client.get(f"{URL}?decision=block&limit=1")
    [summary] = (await answer.json())["decisions"]
    assert summary["objects"] == ["Refund__c"]
    assert summary["agent"] == "agent-2"
    assert summary["violations"] == [
        {
            "policy": "case-fields",
            "rule": "RefundUnderCap",
            "message": "RefundUnderCap is wrong: call [PHONE]",
            "action": "block",
            "mode": "enforce",
        }
    ]


async def test_cursor_pages_newest_first_without_overlap(client: TestClient[Any, Any]) -> None:
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = "limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = await (await client.get(f"{URL}?{query}")).json()
        seen += [d["decision_id"] for d in body["decisions"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [f"decision-{n:04d}" for n in range(12, 0, -1)]


async def test_one_decision_whole_with_its_chain_and_reviews(
    client: TestClient[Any, Any], dsn: str
) -> None:
    answer = await client.get(f"{URL}/decision-0006")
    assert answer.status == 200
    body = await answer.json()
    assert body["decision"] == "block"
    assert body["intents"][0]["fields"]["Description"] == "mail me at [EMAIL]"
    assert body["policy_version"] == "policy-v1"
    assert body["chain"]["seq"] == 6
    assert body["chain"]["intact"] is True
    assert body["reviews"] == []

    review = {"verdict": "false_positive", "comment": "the status was fine", "reviewer": "rita"}
    posted = await client.post(f"{URL}/decision-0006/reviews", json=review)
    assert posted.status == 201
    assert posted.headers["Location"] == f"{URL}/decision-0006"
    mark = await posted.json()
    assert mark["verdict"] == "false_positive"
    assert mark["chain"]["seq"] == 13
    body = await (await client.get(f"{URL}/decision-0006")).json()
    assert [r["comment"] for r in body["reviews"]] == ["the status was fine"]
    assert body["chain"]["seq"] == 6  # the decision itself is unchanged

    await tamper(
        dsn, "UPDATE audit_log SET body = replace(body, 'write 6', 'write 0') WHERE seq = 6"
    )
    body = await (await client.get(f"{URL}/decision-0006")).json()
    assert body["chain"]["intact"] is False
    assert "hash does not match" in body["chain"]["problem"]


@pytest.mark.parametrize(
    ("query", "status", "error", "says"),
    [
        ("decision=maybe", 400, "invalid_query", "decision: 'maybe' is not one of allow"),
        ("limit=0", 400, "invalid_query", "limit: '0' is not a whole number from 1 to 500"),
        ("limit=x", 400, "invalid_query", "limit"),
        ("since=yesterday", 400, "invalid_query", "since: 'yesterday' is not an ISO 8601"),
        ("cursor=bm9wZQ", 400, "invalid_cursor", "pass next_cursor"),
        ("colour=red", 400, "invalid_query", "unknown parameter 'colour'"),
        ("agent=a&agent=b", 400, "invalid_query", "agent: give it once"),
    ],
)
async def test_bad_queries_say_what_to_fix(
    client: TestClient[Any, Any], query: str, status: int, error: str, says: str
) -> None:
    answer = await client.get(f"{URL}?{query}")
    assert answer.status == status
    body = await answer.json()
    assert body["error"] == error
    assert says in body["message"]


async def test_bad_reviews_and_unknown_decisions(client: TestClient[Any, Any]) -> None:
    missing = await client.get(f"{URL}/decision-9999")
    assert missing.status == 404
    assert (await missing.json())["error"] == "decision_not_found"
    review = {"verdict": "confirmed", "reviewer": "rita"}
    assert (await client.post(f"{URL}/decision-9999/reviews", json=review)).status == 404
    assert (await client.get(f"{URL}/bad%20id")).status == 400

    wrong = await client.post(
        f"{URL}/decision-0003/reviews", json={"verdict": "meh", "reviewer": "", "extra": 1}
    )
    assert wrong.status == 422
    body = await wrong.json()
    assert body["error"] == "invalid_review"
    assert {p["field"] for p in body["errors"]} == {"verdict", "reviewer", "extra"}
    not_json = await client.post(
        f"{URL}/decision-0003/reviews", data=b"{", headers={"Content-Type": "application/json"}
    )
    assert not_json.status == 400
    assert (await not_json.json())["error"] == "invalid_json"


async def test_a_store_that_is_down_is_a_503(client: TestClient[Any, Any], audit: AuditLog) -> None:
    await audit.storage.close()
    answer = await client.get(URL)
    assert answer.status == 503
    body = await answer.json()
    assert body["error"] == "audit_unavailable"
    assert "not open" in body["message"]


async def test_a_later_verdict_on_the_same_write_is_shown_with_what_came_before(
    client: TestClient[Any, Any], audit: AuditLog
) -> None:
    allowed = decision(13, Verdict.ALLOW)
    await audit.record(allowed)
    await audit.record(replace(allowed, verdict=Verdict.POST_FAIL))  # the async read-back's
    body = await (await client.get(f"{URL}/decision-0013")).json()
    assert body["decision"] == "post-fail"
    assert [e["decision"] for e in body["earlier"]] == ["allow"]
    assert await ids(client, "decision=post-fail") == ["decision-0013"]
