"""What the held-write tests share: an unsure refund's conversation, and the admin calls."""

from __future__ import annotations

from typing import Any

import httpx

from guardrail.sandbox.seed import ACME_ACCOUNT_ID, ACME_CONTACT_ID

#: The reviewers' API tokens (api_reviewers) and an anonymous one (api_tokens).
RITA, OSCAR, ANON = "rita-token", "oscar-token", "anonymous-token"
REVIEWERS = {"rita": RITA, "oscar": OSCAR}

#: A customer whose words the reading cannot be sure are a refund request: held, not guessed.
UNSURE_REFUND_TURNS = [
    {
        "role": "customer",
        "text": "Tracking has said out for delivery since Monday. I'll take twelve euros "
        "and ninety-nine cents back for it.",
    },
    {"role": "agent", "text": "OK, one moment while I do that."},
]
REFUND = {
    "Amount__c": 12.99,
    "Reason__c": "Late Delivery",
    "Status__c": "Requested",
    "Account__c": ACME_ACCOUNT_ID,
}


def conversation(turns: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "channel": "chat",
        "customer": {
            "account_ids": [ACME_ACCOUNT_ID],
            "contact_ids": [ACME_CONTACT_ID],
            "verified": True,
        },
        "entitlements": {"refund_limit": 100},
        "turns": turns or UNSURE_REFUND_TURNS,
    }


def admin(base: str, method: str, path: str, token: str = RITA, **kw: Any) -> httpx.Response:
    return httpx.request(
        method,
        f"{base}/guardrail/v1/{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        **kw,
    )


def refunds(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r.get("Amount__c") == 12.99]


def settle(base: str, held: str, decision: str, token: str = RITA, **extra: Any) -> httpx.Response:
    """``POST /guardrail/v1/decisions/{held}/approval`` as the reviewer ``token`` names."""
    body = {"decision": decision, **extra}
    return admin(base, "POST", f"decisions/{held}/approval", token=token, json=body)
