"""The token gate binds each request to its token: a token it has admitted before is still
checked against its record on every request."""

from __future__ import annotations

import pytest

from guardrail.config import AgentTokenSettings
from guardrail.credential import StaticCredential
from guardrail.crm.base import dialect_for
from guardrail.errors import InvalidSession
from guardrail.model import Caller
from guardrail.sinks.metrics import Metrics
from guardrail.tokens.gate import TokenGate
from guardrail.tokens.memory import MemoryTokenStore
from guardrail.tokens.model import TokenIn


def gate() -> TokenGate:
    metrics = Metrics("salesforce", lambda name: name)
    return TokenGate(
        MemoryTokenStore(),
        StaticCredential("proxy-token"),
        metrics,
        AgentTokenSettings(),
        dialect_for("salesforce"),
    )


def bearing(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_admitted_before_is_refused_once_revoked_and_a_forged_twin_never() -> None:
    tokens = gate()
    token, record = await tokens.issue("conv-1", TokenIn(agent="agent-1"))
    for _ in range(2):  # the second request finds it admitted before
        grant = await tokens.bind(bearing(token), Caller())
        grant.admit()
        assert (grant.caller.conversation, grant.caller.token_id) == ("conv-1", record.token_id)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")  # same id
    with pytest.raises(InvalidSession) as unknown:
        (await tokens.bind(bearing(forged), Caller())).admit()
    assert unknown.value.reason == "unknown"
    await tokens.revoke("conv-1", record.token_id)
    with pytest.raises(InvalidSession) as revoked:
        (await tokens.bind(bearing(token), Caller())).admit()
    assert revoked.value.reason == "revoked"
