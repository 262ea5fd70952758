"""Token binding (``auth_mode: token``): agent tokens issued, bound to requests, swapped.

The bearer an agent sends is its token. A live one names the conversation and the agent, so
the X-Guardrail-* headers become unnecessary; when the agent sends them anyway they must agree
with the token, because a token used for another conversation would judge writes against the
wrong transcript. A missing, unknown, expired or revoked token gets the CRM's own 401 (an
expired session), whatever the request; an expired or revoked one is still attributed to its
token, agent and conversation, so the refused attempt is audited as theirs. Scopes then narrow
what a live token may touch, reads included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from guardrail.config import AgentTokenSettings, AuthMode, Settings
from guardrail.context.changes import utc_now
from guardrail.credential import CredentialedSender, CrmCredential, open_credential
from guardrail.crm.base import Dialect, ParsedRequest, Shape
from guardrail.errors import InvalidSession, TokenRefused
from guardrail.model import Caller
from guardrail.sinks.metrics import Metrics
from guardrail.tokens.factory import open_token_store
from guardrail.tokens.model import (
    AgentToken,
    Revocation,
    Scopes,
    TokenIn,
    TokenStatus,
    digest,
    issue,
    token_id_of,
)
from guardrail.tokens.store import TokenStore
from guardrail.upstream import Sender

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Tokens whose digest is remembered (``TokenGate.bind``): about as many as are in use at once.
CHECKED_TOKENS = 4096


@dataclass(frozen=True, slots=True)
class Grant:
    """What one request's bearer grants. ``caller`` is the token's when the token is known
    (live or not), else what the headers claimed; ``refusal`` is why a session is refused."""

    caller: Caller
    claimed: Caller
    token: AgentToken | None
    refusal: InvalidSession | None
    metrics: Metrics

    def admit(self) -> None:
        """Let a live token in. Raises InvalidSession, or TokenRefused when the headers name
        another conversation or agent."""
        if self.refusal is not None or self.token is None:
            refusal = self.refusal or InvalidSession("unknown")
            self.metrics.tokens_refused.labels(refusal.reason).inc()
            raise refusal
        token, claimed = self.token, self.claimed
        for what, said, bound in (
            ("X-Guardrail-Conversation", claimed.conversation, token.conversation),
            ("X-Guardrail-Agent", claimed.agent, token.agent),
        ):
            if said is not None and said != bound:
                self._refuse(
                    f"{what} says {said!r}, but this agent token is bound to {bound!r}; nothing "
                    f"was sent. Drop the header or use a token issued for {said!r}.",
                    "mismatch",
                )
        self.metrics.tokens_used.inc()

    def admit_scope(self, method: str, parsed: ParsedRequest) -> None:
        """Refuse (TokenRefused) a request that touches an object or operation outside the
        token's scopes."""
        assert self.token is not None, "admit() first"
        scopes = self.token.scopes
        if parsed.shape is Shape.READ and method.upper() not in _READ_METHODS:
            # A write the dialect cannot read, forwarded as the operator chose: only a token
            # allowed every object and operation may make it.
            if not (scopes.any_object and scopes.allows_operation("*")):
                self._refuse(_scoped(scopes, f"{method} {parsed.sobject or 'this endpoint'}"))
            return
        writes = [(str(i.operation), i.object) for i in parsed.intents]
        if parsed.job is not None and parsed.job.kind == "create":
            writes.append((parsed.operation, parsed.sobject))  # the job its rows will write
        for operation, sobject in writes:
            if not (scopes.allows_operation(operation) and scopes.allows_object(sobject)):
                self._refuse(_scoped(scopes, f"{operation} {sobject}"))
        if parsed.reads is None:
            if not (scopes.any_object and scopes.allows_operation("read")):
                self._refuse(
                    _scoped(scopes, "read")
                    + " crm-guardrail cannot tell which objects this read shows (relationship "
                    "fields, subqueries, searches, query pages), so a scoped token may not make "
                    "it: query one allowed object at a time, without relationship fields."
                )
            return
        for name in sorted(parsed.reads):
            if not (scopes.allows_operation("read") and scopes.allows_object(name)):
                self._refuse(_scoped(scopes, f"read {name}"))

    def _refuse(self, message: str, reason: str = "scope") -> None:
        self.metrics.tokens_refused.labels(reason).inc()
        raise TokenRefused(message, reason)


class TokenGate:
    """Token binding for one upstream: issues, finds and revokes agent tokens (in the shared
    store, counting each), and forwards with the proxy's own CRM credential in their place."""

    def __init__(
        self,
        store: TokenStore,
        credential: CrmCredential,
        metrics: Metrics,
        lifetimes: AgentTokenSettings,
        dialect: Dialect,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.dialect = dialect  # where an agent presents its session, and the proxy its own
        self.credential = credential
        self.metrics = metrics
        self.lifetimes = lifetimes
        self.clock = clock
        # Token -> (its id, its digest), for tokens that matched their record: an agent bears
        # the same token on every request, so it is read and digested once. Only tokens a
        # record matched are kept (made-up ones cannot fill it), and every request still reads
        # the record, so a token revoked or expired since is refused as before.
        self._checked: dict[str, tuple[str, str]] = {}

    async def issue(self, conversation_id: str, data: TokenIn) -> tuple[str, AgentToken]:
        """A new token for the conversation; the caller shows it once. Raises ValueError for a
        ttl past ``max_ttl_seconds``."""
        ttl = data.ttl_seconds or self.lifetimes.default_ttl_seconds
        if ttl > self.lifetimes.max_ttl_seconds:
            raise ValueError(f"at most {self.lifetimes.max_ttl_seconds} seconds")
        token, record = issue(conversation_id, data, ttl, self.clock())
        await self.store.add(record)
        self.metrics.tokens_issued.inc()
        return token, record

    async def revoke(self, conversation_id: str, token_id: str) -> Revocation:
        result = await self.store.revoke(conversation_id, token_id)
        if result is Revocation.REVOKED:
            self.metrics.tokens_revoked.inc()
        return result

    async def revoke_conversation(self, conversation_id: str) -> int:
        revoked = await self.store.revoke_conversation(conversation_id)
        self.metrics.tokens_revoked.inc(revoked)
        return revoked

    def forwarding(self, sender: Sender) -> Sender:
        """``sender`` with the CRM credential put on every request, in place of the token."""
        return CredentialedSender(sender, self.credential, self.dialect.authorize)

    async def close(self) -> None:
        await self.credential.close()
        await self.store.close()

    async def bind(self, headers: Mapping[str, str], claimed: Caller) -> Grant:
        """The grant of the request's bearer. Raises ContextUnavailable when the store is
        down (the request is refused: fail closed)."""
        # Wherever the CRM takes a session (Salesforce: Bulk API 1.0's X-SFDC-Session too):
        # an agent token there is the agent's, so it gets the guardrail's answer.
        given = self.dialect.agent_token(headers)
        if not given:
            return Grant(claimed, claimed, None, InvalidSession("missing"), self.metrics)
        checked = self._checked.get(given)
        token_id, given_digest = checked or (token_id_of(given), digest(given))
        token = await self.store.find(token_id) if token_id else None
        if token is None or not token.digested(given_digest):
            return Grant(claimed, claimed, None, InvalidSession("unknown"), self.metrics)
        if checked is None:
            if len(self._checked) >= CHECKED_TOKENS:
                del self._checked[next(iter(self._checked))]
            self._checked[given] = (token.token_id, given_digest)
        caller = Caller(
            conversation=token.conversation,
            agent=token.agent,
            tool=claimed.tool,
            traceparent=claimed.traceparent,
            token_id=token.token_id,
        )
        status = token.status(self.clock())
        refusal = None if status is TokenStatus.ACTIVE else InvalidSession(str(status))
        return Grant(caller, claimed, token, refusal, self.metrics)


def open_gate(settings: Settings, metrics: Metrics, dialect: Dialect) -> TokenGate | None:
    """The token gate ``auth_mode: token`` needs, or None in pass-through mode. Raises
    ConfigError when the proxy has no CRM credential of its own."""
    if settings.auth_mode is not AuthMode.TOKEN:
        return None

    def counted(reason: str, result: str) -> None:
        metrics.credential_fetches.labels(reason, result).inc()

    credential = open_credential(
        settings.credential,
        settings.upstream,
        token_path=dialect.token_path,
        timeout=settings.timeouts.upstream,
        ca_file=str(settings.upstream_ca) if settings.upstream_ca else None,
        on_fetch=counted,
    )
    redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
    store = open_token_store(redis_url, settings.redis_prefix)
    return TokenGate(store, credential, metrics, settings.agent_tokens, dialect)


def _scoped(scopes: Scopes, what: str) -> str:
    return (
        f"This agent token may not {what}: it is scoped to objects {', '.join(scopes.objects)} "
        f"and operations {', '.join(scopes.operations)}. Nothing was sent."
    )
