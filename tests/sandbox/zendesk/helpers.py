"""Helpers of the Zendesk sandbox tests: a client of its Support API with the agent's token."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp.test_utils import TestClient

from guardrail.sandbox.zendesk import ZendeskStore
from guardrail.sandbox.zendesk.seed import AGENT_EMAIL

BASIC = base64.b64encode(f"{AGENT_EMAIL}/token:sandbox-api-token".encode()).decode()
AUTH = {"Authorization": f"Basic {BASIC}"}


class Api:
    """Calls below /api/v2 with the agent's API token; answers (status, JSON body or None)."""

    def __init__(self, client: TestClient[Any, Any], store: ZendeskStore) -> None:
        self.client = client
        self.store = store

    async def call(
        self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        response = await self.client.request(
            method, "/api/v2" + path, json=body, headers=headers if headers is not None else AUTH
        )
        text = await response.text()
        return response.status, (await response.json() if text else None)
