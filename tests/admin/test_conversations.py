"""The conversation context API: every route, every error status, each error naming its field."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from guardrail.admin.conversations import CONVERSATIONS, MAX_BODY_BYTES, routes
from guardrail.context.memory import MemoryConversationStore
from guardrail.context.model import MAX_TURNS, ReadRecord, WriteRecord
from guardrail.context.redis import RedisConversationStore
from guardrail.context.store import ConversationStore

URL = "/guardrail/v1/conversations/{}"
ACCOUNT = "001000000000001AAA"
BODY = {
    "channel": "voice",
    "customer": {"account_ids": [ACCOUNT], "contact_ids": [], "verified": True},
    "entitlements": {"refund_limit": 50},
    "turns": [
        {"role": "customer", "text": "My order arrived broken."},
        {"role": "agent", "text": "Sorry to hear that."},
    ],
    "outcome": None,
    "metadata": {"queue": "billing"},
}


def app_with(store: ConversationStore) -> web.Application:
    app = web.Application()
    app[CONVERSATIONS] = store
    app.router.add_routes(routes)
    return app


@pytest.fixture
def store() -> MemoryConversationStore:
    return MemoryConversationStore(idle_seconds=60)


@pytest.fixture
async def client(store: MemoryConversationStore, aiohttp_client: Any) -> TestClient[Any, Any]:
    return await aiohttp_client(app_with(store))


async def call(
    client: TestClient[Any, Any], method: str, cid: str, path: str = "", **kwargs: Any
) -> tuple[int, Any]:
    response = await client.request(method, URL.format(cid) + path, **kwargs)
    if response.status == 204:
        return 204, await response.read()
    assert response.content_type == "application/json"
    return response.status, await response.json()


async def test_put_creates_then_replaces(client: TestClient[Any, Any]) -> None:
    response = await client.put(URL.format("conv-1"), json=BODY)
    assert response.status == 201
    assert response.headers["Location"] == URL.format("conv-1")
    created = await response.json()
    assert created["id"] == "conv-1"
    assert created["customer"] == BODY["customer"]
    assert created["turns"] == BODY["turns"]
    assert created["reads"] == created["writes"] == []
    assert datetime.fromisoformat(created["created_at"]).tzinfo is not None

    status, replaced = await call(client, "PUT", "conv-1", json={"channel": "chat"})
    assert status == 200
    assert replaced["channel"] == "chat"
    assert replaced["turns"] == []
    assert replaced["created_at"] == created["created_at"]
    assert replaced["version"] > created["version"]


async def test_get_shows_what_the_proxy_recorded(
    client: TestClient[Any, Any], store: MemoryConversationStore
) -> None:
    await call(client, "PUT", "conv-1", json=BODY)
    now = datetime.now(UTC)
    await store.record_reads("conv-1", [ReadRecord(object="Case", id="500A", at=now)])
    write = WriteRecord(
        decision_id="d1", object="Case", operation="update", decision="block", at=now
    )
    await store.record_write("conv-1", write, ())
    status, got = await call(client, "GET", "conv-1")
    assert status == 200
    assert [r["id"] for r in got["reads"]] == ["500A"]
    assert [(w["decision_id"], w["decision"]) for w in got["writes"]] == [("d1", "block")]
    assert datetime.fromisoformat(got["reads"][0]["at"]) == now


async def test_post_turns_appends(client: TestClient[Any, Any]) -> None:
    await call(client, "PUT", "conv-1", json=BODY)
    turns = {"turns": [{"role": "customer", "text": "I want a refund."}]}
    status, got = await call(client, "POST", "conv-1", "/turns", json=turns)
    assert status == 200
    assert [t["text"] for t in got["turns"]][-2:] == ["Sorry to hear that.", "I want a refund."]


async def test_patch_merges(client: TestClient[Any, Any]) -> None:
    await call(client, "PUT", "conv-1", json=BODY)
    patch = {"outcome": "refund_issued", "entitlements": {"refund_limit": 80}}
    status, got = await call(
        client,
        "PATCH",
        "conv-1",
        json=patch,
        # RFC 7396's own media type is accepted as JSON too.
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert status == 200
    assert got["outcome"] == "refund_issued"
    assert got["entitlements"] == {"refund_limit": 80}
    assert got["turns"] == BODY["turns"]


async def test_delete_forgets(client: TestClient[Any, Any]) -> None:
    await call(client, "PUT", "conv-1", json=BODY)
    status, body = await call(client, "DELETE", "conv-1")
    assert (status, body) == (204, b"")
    assert (await call(client, "GET", "conv-1"))[0] == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "", None),
        ("DELETE", "", None),
        ("PATCH", "", {"outcome": "resolved"}),
        ("POST", "/turns", {"turns": [{"role": "agent", "text": "hello?"}]}),
    ],
)
async def test_unknown_conversation_is_404(
    client: TestClient[Any, Any], method: str, path: str, body: Any
) -> None:
    status, error = await call(client, method, "nobody", path, json=body)
    assert status == 404
    assert error["error"] == "conversation_not_found"
    assert "'nobody'" in error["message"]


@pytest.mark.parametrize("cid", ["has%20space", "x" * 201, "caf%C3%A9", "a%2Fb", "semi;colon"])
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
async def test_bad_conversation_id_is_400(
    client: TestClient[Any, Any], cid: str, method: str
) -> None:
    status, error = await call(client, method, cid, json=BODY)
    assert status == 400
    assert error["error"] == "invalid_conversation_id"


async def test_any_id_of_the_allowed_characters_works(client: TestClient[Any, Any]) -> None:
    cid = "Genesys:call.42_a@b-" + "x" * 180
    assert (await call(client, "PUT", cid, json=BODY))[0] == 201
    assert (await call(client, "GET", cid))[1]["id"] == cid


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b'{"channel": "voice",', "application/json"),
        (b"", "application/json"),
        (b'{"entitlements": {"refund_limit": NaN}}', "application/json"),
        (b"\xff\xfe\xfa", "application/json"),
        (b'{"channel": "voice"}', "text/plain"),
        (b'{"channel": "voice"}', "application/x-www-form-urlencoded"),
    ],
)
@pytest.mark.parametrize(("method", "path"), [("PUT", ""), ("PATCH", ""), ("POST", "/turns")])
async def test_body_that_is_not_json_is_400(
    client: TestClient[Any, Any], data: bytes, content_type: str, method: str, path: str
) -> None:
    await call(client, "PUT", "conv-1", json=BODY)
    headers = {"Content-Type": content_type}
    status, error = await call(client, method, "conv-1", path, data=data, headers=headers)
    assert status == 400
    assert error["error"] == "invalid_json"
    assert error["message"]


async def test_invalid_conversation_is_422_naming_each_field(
    client: TestClient[Any, Any],
) -> None:
    body = {
        **BODY,
        "turns": [*BODY["turns"], {"role": "robot", "text": "beep"}, {"role": "agent"}],
        "entitlements": {"refund_limit": [50]},
        "customer": {"verified": "maybe"},
        "priority": "high",
    }
    status, error = await call(client, "PUT", "conv-1", json=body)
    assert status == 422
    assert error["error"] == "invalid_conversation"
    fields = {e["field"]: e["message"] for e in error["errors"]}
    assert set(fields) == {
        "turns[2].role",
        "turns[3].text",
        "entitlements.refund_limit",  # once, not once per type the value could have had
        "customer.verified",
        "priority",
    }
    assert "'customer', 'agent' or 'system'" in fields["turns[2].role"]
    assert "Field required" in fields["turns[3].text"]
    assert "valid string" in fields["entitlements.refund_limit"]
    assert "valid integer" in fields["entitlements.refund_limit"]
    assert "Extra inputs" in fields["priority"]
    assert "turns[2].role" in error["message"]
    assert (await call(client, "GET", "conv-1"))[0] == 404  # nothing stored


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PUT", "", [BODY], "body"),
        ("PATCH", "", {"outcome": "x" * 65}, "outcome"),
        ("PATCH", "", {"turns": [{"role": "agent", "text": 7}]}, "turns[0].text"),
        ("POST", "/turns", {"turns": []}, "turns"),
        ("POST", "/turns", {}, "turns"),
        # Valid alone, but the transcript it would make is over the limit.
        ("POST", "/turns", {"turns": [{"role": "agent", "text": "."}] * MAX_TURNS}, "turns"),
    ],
)
async def test_every_body_is_validated(
    client: TestClient[Any, Any], method: str, path: str, body: Any, field: str
) -> None:
    await call(client, "PUT", "conv-1", json=BODY)
    status, error = await call(client, method, "conv-1", path, json=body)
    assert status == 422
    assert [e["field"] for e in error["errors"]] == [field]
    assert (await call(client, "GET", "conv-1"))[1]["turns"] == BODY["turns"]


async def test_body_over_the_limit_is_413(client: TestClient[Any, Any]) -> None:
    padding = "x" * (MAX_BODY_BYTES + 1)
    status, error = await call(client, "PUT", "conv-1", json={"metadata": {"pad": padding}})
    assert status == 413
    assert error["error"] == "body_too_large"

    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length to refuse it by
        yield b'{"metadata": {"pad": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 1):
            yield b"x" * 65536
        yield b'"}}'

    headers = {"Content-Type": "application/json"}
    status, error = await call(client, "PUT", "conv-1", data=chunked(), headers=headers)
    assert status == 413
    assert (await call(client, "GET", "conv-1"))[0] == 404


async def test_a_body_just_under_the_limit_is_taken(client: TestClient[Any, Any]) -> None:
    envelope = len(b'{"metadata": {"pad": ""}}')
    body = b'{"metadata": {"pad": "' + b"x" * (MAX_BODY_BYTES - envelope) + b'"}}'
    headers = {"Content-Type": "application/json"}
    assert (await call(client, "PUT", "conv-1", data=body, headers=headers))[0] == 201


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "", BODY),
        ("GET", "", None),
        ("PATCH", "", {"outcome": "resolved"}),
        ("POST", "/turns", {"turns": [{"role": "agent", "text": "hi"}]}),
        ("DELETE", "", None),
    ],
)
async def test_store_down_is_503(aiohttp_client: Any, method: str, path: str, body: Any) -> None:
    down = RedisConversationStore.open(f"redis://127.0.0.1:{closed_port()}/0", 60, timeout=1)
    try:
        client = await aiohttp_client(app_with(down))
        status, error = await call(client, method, "conv-1", path, json=body)
    finally:
        await down.close()
    assert status == 503
    assert error["error"] == "context_unavailable"
    assert "conversation store" in error["message"]


async def test_what_the_customer_asked_is_read_when_turns_arrive_and_shown_by_get(
    client: TestClient[Any, Any], store: MemoryConversationStore
) -> None:
    body = {
        "turns": [
            {
                "role": "customer",
                "text": "It turned up in bits, could you put the thirty quid back on my card?",
            }
        ]
    }
    status, put = await call(client, "PUT", "conv-u", json=body)
    assert status == 201
    (ask,) = put["understanding"]["asks"]
    assert (ask["kind"], ask["status"], ask["amount"], ask["currency"], ask["reason"]) == (
        "refund",
        "asked",
        "30",
        "GBP",
        "damaged",
    )
    stored = await store.get("conv-u")
    assert stored is not None
    assert stored.understanding == put["understanding"]

    more = {"turns": [{"role": "customer", "text": "Actually never mind, I'll keep it."}]}
    status, appended = await call(client, "POST", "conv-u", "/turns", json=more)
    assert appended["understanding"]["rev"] == appended["rev"]
    assert appended["understanding"]["asks"][0]["status"] == "retracted"

    status, patched = await call(client, "PATCH", "conv-u", json={"turns": []})
    assert patched["understanding"]["asks"] == []
    status, got = await call(client, "GET", "conv-u")
    assert got["understanding"] == patched["understanding"]
