"""The admin API's JSON bodies are read as the proxy reads an agent's: strictly, one way. A key
given twice (which ``approve`` counts: the first or the last?) is refused, and nesting too deep
for the parser is a 400 that says so, not a 500; whatever bytes arrive, a refusal is a 4xx
that says what to fix."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardrail.app import build
from guardrail.config import Settings

TOKEN = "platform-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
HELD = "0190f0a4-0000-7000-8000-000000000000"
PATHS = [
    ("POST", f"/guardrail/v1/decisions/{HELD}/approval"),
    ("POST", f"/guardrail/v1/decisions/{HELD}/reviews"),
    ("PUT", "/guardrail/v1/conversations/conv-1"),
    ("POST", "/guardrail/v1/conversations/conv-1/turns"),
    ("PATCH", "/guardrail/v1/conversations/conv-1"),
]


@pytest.fixture
async def admin(admin_settings: Callable[..., Settings], aiohttp_client: Any) -> AsyncIterator[Any]:
    guardrail = build(admin_settings(auth_mode="passthrough", api_tokens=[TOKEN]))
    await guardrail.audit.start()
    yield await aiohttp_client(guardrail.admin_app())
    await guardrail.audit.close()


@pytest.mark.parametrize(("method", "path"), PATHS)
async def test_a_key_given_twice_is_refused(admin: Any, method: str, path: str) -> None:
    body = b'{"decision": "reject", "verdict": "confirmed", "decision": "approve"}'
    answer = await admin.request(method, path, data=body, headers=HEADERS)
    assert answer.status == 400, await answer.text()
    found = await answer.json()
    assert found["error"] == "invalid_json"
    assert "'decision' twice" in found["message"]


@pytest.mark.parametrize(("method", "path"), PATHS)
async def test_nesting_past_what_any_body_needs_is_a_400(
    admin: Any, method: str, path: str
) -> None:
    deep = b'{"turns": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    answer = await admin.request(method, path, data=deep, headers=HEADERS)
    assert answer.status == 400, await answer.text()
    assert "nests deeper" in (await answer.json())["message"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
_NAMES = st.sampled_from(["decision", "comment", "reviewer", "verdict", "turns", "x"])


@st.composite
def _bodies(draw: st.DrawFn) -> bytes:
    """Bytes an admin client could send: JSON of any shape (keys given twice, wrong types),
    nested a little or a lot, cut short, or not text at all."""
    pairs = draw(st.lists(st.tuples(_NAMES, _JSON), max_size=4))
    text = "{" + ", ".join(f'"{k}": {json.dumps(v)}' for k, v in pairs) + "}"
    depth = draw(st.integers(0, 3000))
    text = "[" * depth + text + "]" * depth
    cut = draw(st.integers(0, len(text)))
    return draw(st.sampled_from([text.encode(), text[:cut].encode(), draw(st.binary())]))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(PATHS), body=_bodies())
async def test_whatever_the_body_a_refusal_is_a_4xx_that_says_what_to_fix(
    admin: Any, route: tuple[str, str], body: bytes
) -> None:
    method, path = route
    answer = await admin.request(method, path, data=body, headers=HEADERS)
    assert answer.status < 500, (body[:200], await answer.text())
    if answer.status >= 400:
        assert (await answer.json())["message"]
