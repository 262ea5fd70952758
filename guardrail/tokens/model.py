"""Agent tokens: what one is, and the rules both stores apply (as ``guardrail.context.changes``).

An agent token stands in for the CRM credential in an off-the-shelf agent tool that takes only
an instance URL and an access token. It names one conversation and one agent, and may be
narrowed to some objects and operations. It looks like ``grt.<token id>.<secret>``: the id finds
the record, and the whole token is checked against the record's SHA-256 digest in constant time.
Only the digest is stored; the token itself is shown once, when it is issued.

A record outlives its token's expiry by ``RETAIN_AFTER_EXPIRY``, so a late request with it is
told apart from one with a made-up token (metrics and audit say "expired", not "unknown").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: Every token starts so; a secret scanner, a log filter or a person can tell one at a glance.
PREFIX = "grt"
RETAIN_AFTER_EXPIRY = timedelta(hours=24)
ANY = "*"
OPERATIONS = ("read", "create", "update", "upsert", "delete")

_TOKEN = re.compile(rf"{PREFIX}\.(?P<id>[0-9a-f]{{16}})\.[A-Za-z0-9_-]{{43}}")
TOKEN_ID = re.compile(r"[0-9a-f]{16}")

ObjectName = Annotated[str, StringConstraints(pattern=r"^(\*|[A-Za-z][A-Za-z0-9_]{0,79})$")]
OperationName = Literal["*", "read", "create", "update", "upsert", "delete"]


def _any_operation() -> list[OperationName]:
    return ["*"]


class Scopes(BaseModel):
    """What a token may touch: objects (``*``: any) and operations (``read`` covers every
    read; ``*``: any). Object names compare case-insensitively, as Salesforce's do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    objects: list[ObjectName] = Field(default_factory=lambda: [ANY], min_length=1, max_length=200)
    operations: list[OperationName] = Field(
        default_factory=_any_operation, min_length=1, max_length=len(OPERATIONS) + 1
    )

    def allows_object(self, name: str) -> bool:
        return ANY in self.objects or name.lower() in {o.lower() for o in self.objects}

    def allows_operation(self, operation: str) -> bool:
        return ANY in self.operations or operation in self.operations

    @property
    def any_object(self) -> bool:
        return ANY in self.objects


class TokenIn(BaseModel):
    """The body of ``POST /guardrail/v1/conversations/{id}/tokens``."""

    model_config = ConfigDict(extra="forbid")

    agent: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:@/-]+$")
    ttl_seconds: int | None = Field(default=None, gt=0)
    scopes: Scopes = Field(default_factory=Scopes)


class TokenStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class Revocation(StrEnum):
    """What a revoke found: the token revoked now, revoked before, or no such token."""

    REVOKED = "revoked"
    ALREADY = "already"
    UNKNOWN = "unknown"


class AgentToken(BaseModel):
    """A token's record as the stores keep it: everything but the token."""

    model_config = ConfigDict(frozen=True)

    token_id: str
    conversation: str
    agent: str
    scopes: Scopes
    digest: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def status(self, now: datetime) -> TokenStatus:
        if self.revoked_at is not None:
            return TokenStatus.REVOKED
        return TokenStatus.ACTIVE if now < self.expires_at else TokenStatus.EXPIRED

    def digested(self, token_digest: str) -> bool:
        """Whether a token of ``token_digest`` (``digest``) is this record's, in constant time."""
        return hmac.compare_digest(token_digest, self.digest)

    @property
    def forget_at(self) -> datetime:
        return self.expires_at + RETAIN_AFTER_EXPIRY

    def public(self, now: datetime) -> dict[str, object]:
        """The record as the admin API shows it: never the digest, let alone the token."""
        return {
            "token_id": self.token_id,
            "conversation": self.conversation,
            "agent": self.agent,
            "scopes": self.scopes.model_dump(),
            "issued_at": self.issued_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "status": str(self.status(now)),
        }


def digest(token: str) -> str:
    """SHA-256, hex. The secret is 256 random bits, so no salt or slow hash is needed: there is
    nothing to guess from the digest."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_id_of(token: str) -> str | None:
    """The id inside a token, or None when ``token`` is not shaped like an agent token."""
    match = _TOKEN.fullmatch(token)
    return match.group("id") if match else None


def issue(
    conversation_id: str, data: TokenIn, ttl_seconds: int, now: datetime
) -> tuple[str, AgentToken]:
    """A new token and the record to store (the token goes to the caller, once)."""
    token_id = secrets.token_hex(8)
    token = f"{PREFIX}.{token_id}.{secrets.token_urlsafe(32)}"
    record = AgentToken(
        token_id=token_id,
        conversation=conversation_id,
        agent=data.agent,
        scopes=data.scopes,
        digest=digest(token),
        issued_at=now,
        expires_at=now + timedelta(seconds=ttl_seconds),
    )
    return token, record
