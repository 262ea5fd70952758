"""Least privilege on the admin listener. A reviewer's token (``api_reviewers``) reads the
decisions, marks them and approves or rejects holds, and the review page; every other API
(conversations, agent tokens, policies, drift, checks, and any added later) takes a platform
token (``api_tokens``). A token listed in both is both. With no API token configured but review
users who sign in, the open API may not settle a hold in a name its caller types."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from guardrail.app import Guardrail, build
from guardrail.config import Settings
from guardrail.model import Verdict
from tests.auditdb import decision

PLATFORM, RITA, BOTH = "platform-token", "rita-token", "sam-token"
#: What a reviewer's token may call, and nothing more.
REVIEWERS_MAY = {
    ("GET", "/guardrail/v1/decisions"),
    ("GET", "/guardrail/v1/decisions/{id}"),
    ("POST", "/guardrail/v1/decisions/{id}/reviews"),
    ("POST", "/guardrail/v1/decisions/{id}/approval"),
}
DECISION = "0190f0a4-0000-7000-8000-000000000000"


#: A proxy in token mode (so the agent token API is mounted) with its own CRM credential.
TOKEN_MODE = {
    "auth_mode": "token",
    "credential": {"access_token": "crm-token"},
    "drift": {"interval_seconds": 0},
}


@pytest.fixture
async def guardrail(admin_settings: Callable[..., Settings]) -> AsyncIterator[Guardrail]:
    made = build(
        admin_settings(
            **TOKEN_MODE, api_tokens=[PLATFORM, BOTH], api_reviewers={"rita": RITA, "sam": BOTH}
        )
    )
    await made.audit.start()
    yield made
    await made.audit.close()


@pytest.fixture
async def admin(guardrail: Guardrail, aiohttp_client: Any) -> Any:
    return await aiohttp_client(guardrail.admin_app())


def _api_routes(admin: Any) -> list[tuple[str, str]]:
    return sorted(
        {
            (route.method, route.resource.canonical)
            for route in admin.app.router.routes()
            if route.resource is not None
            and route.resource.canonical.startswith("/guardrail/")
            and route.method != "HEAD"
        }
    )


def _url(path: str) -> str:
    filled = path.replace("{token_id}", "0123456789abcdef")
    return filled.replace("{id}", DECISION if "/decisions/" in path else "conv-1")


async def _call(admin: Any, method: str, path: str, token: str) -> Any:
    return await admin.request(
        method, _url(path), headers={"Authorization": f"Bearer {token}"}, json={}
    )


async def test_a_reviewers_token_is_refused_every_api_but_the_decisions(admin: Any) -> None:
    routes = _api_routes(admin)
    assert set(routes) > REVIEWERS_MAY
    for method, path in routes:
        answer = await _call(admin, method, path, RITA)
        if (method, path) in REVIEWERS_MAY:
            assert answer.status not in (401, 403), (method, path, await answer.text())
            continue
        assert answer.status == 403, (method, path, await answer.text())
        body = await answer.json()
        assert body["error"] == "forbidden"
        assert "api_tokens" in body["message"], body


@pytest.mark.parametrize("token", [PLATFORM, BOTH])
async def test_a_platform_token_keeps_every_api(admin: Any, token: str) -> None:
    for method, path in _api_routes(admin):
        answer = await _call(admin, method, path, token)
        assert answer.status not in (401, 403), (method, path, await answer.text())


async def test_a_reviewers_token_opens_the_review_page(admin: Any) -> None:
    page = await admin.get("/review/", headers={"Authorization": f"Bearer {RITA}"})
    assert page.status == 200


async def test_an_open_api_settles_no_hold_in_a_typed_name_while_reviewers_sign_in(
    admin_settings: Callable[..., Settings], aiohttp_client: Any
) -> None:
    guardrail = build(admin_settings(**TOKEN_MODE, review_users={"rita": "rita-password"}))
    await guardrail.audit.start()
    try:
        admin = await aiohttp_client(guardrail.admin_app())
        answer = await admin.post(
            f"/guardrail/v1/decisions/{DECISION}/approval",
            json={"decision": "approve", "reviewer": "rita"},
        )
        assert answer.status == 403, await answer.text()
        assert (await answer.json())["error"] == "reviewer_unknown"
    finally:
        await guardrail.audit.close()


async def test_a_reviewers_mark_carries_the_name_its_token_proves(
    guardrail: Guardrail, admin: Any
) -> None:
    """As a review user's on the page: a name in the body is not the reviewer's to choose."""
    await guardrail.audit.record(decision(1, Verdict.BLOCK, rule="StatusKnown"))
    url = "/guardrail/v1/decisions/decision-0001/reviews"
    for token, sent, recorded in (
        (RITA, {"reviewer": "oscar"}, "rita"),
        (RITA, {}, "rita"),
        (PLATFORM, {"reviewer": "pat"}, "pat"),  # an anonymous token names its reviewer
    ):
        answer = await admin.post(
            url,
            json={"verdict": "confirmed", **sent},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status == 201, await answer.text()
        assert (await answer.json())["reviewer"] == recorded
    anonymous = await admin.post(
        url, json={"verdict": "confirmed"}, headers={"Authorization": f"Bearer {PLATFORM}"}
    )
    assert anonymous.status == 422
