"""A local fake of an OpenAI-compatible chat endpoint (``POST /v1/chat/completions``), spoken to
by the real ``openai`` client: it answers what a test sets, records every request, and counts
how many were in flight at once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from guardrail.config import FailurePolicy, LLMSettings
from guardrail.understanding.llm import LLMBackend


@dataclass
class FakeLLM:
    url: str = ""
    answer: Any = field(default_factory=dict)  # a dict is sent as JSON content, a str as is
    delay: float = 0.0
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    closing: asyncio.Event = field(default_factory=asyncio.Event)  # ends every delay at once

    async def completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.wait_for(self.closing.wait(), self.delay)
        except TimeoutError:
            pass
        finally:
            self.in_flight -= 1
        if self.status != 200:
            return web.json_response(
                {"error": {"message": "overloaded", "type": "server_error"}}, status=self.status
            )
        content = self.answer if isinstance(self.answer, str) else json.dumps(self.answer)
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                        "logprobs": None,
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            }
        )


@pytest.fixture
async def fake_llm() -> AsyncIterator[FakeLLM]:
    fake = FakeLLM()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.completions)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.url = f"http://127.0.0.1:{port}/v1"
    yield fake
    fake.closing.set()
    await runner.cleanup()


@pytest.fixture
def llm_backend(fake_llm: FakeLLM) -> Iterator[Callable[..., LLMBackend]]:
    """Backends on the fake endpoint (``timeout_seconds``, ``failure``... as keywords)."""
    made: list[LLMBackend] = []

    def make(**settings: Any) -> LLMBackend:
        settings.setdefault("failure", FailurePolicy.FALLBACK)
        backend = LLMBackend(
            LLMSettings(
                base_url=fake_llm.url, model="fake-model", api_key="sk-test-secret", **settings
            )
        )
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.close()
