"""One request's path: dialect -> pipeline -> forward -> sinks -> response.

Reads are forwarded as they are. A write is read into intents, judged, and either refused in
the CRM's own format or forwarded unchanged; either way the decision reaches every sink before
the agent's response leaves. Anything that keeps the proxy from judging or forwarding a write
fails closed: the write is not sent and the agent is told why.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import structlog
from aiohttp import web
from multidict import CIMultiDict

from guardrail.context.facts import Facts
from guardrail.context.loader import ContextLoader
from guardrail.crm.base import Dialect, ParsedRequest, Reply, Shape
from guardrail.errors import (
    AuditUnavailable,
    BodyTooLarge,
    ClientTimeout,
    DependencyFailure,
    RequestRejected,
    ShuttingDown,
    UnsupportedEndpoint,
)
from guardrail.holds import HeldRequest, Holds, held_message
from guardrail.model import Caller, Decision, Verdict, Violation, new_decision_id
from guardrail.pipeline import Pipeline
from guardrail.post import Checks, Job, PostVerifier
from guardrail.sinks import Sink
from guardrail.sinks.audit import AuditSink
from guardrail.sinks.metrics import Metrics
from guardrail.tokens.gate import TokenGate
from guardrail.tracing import DISABLED
from guardrail.upstream import Sender, UpstreamResponse, request_headers

log = structlog.get_logger("guardrail.proxy")
DECISION_HEADER = "X-Guardrail-Decision"
DECISION_ID_HEADER = "X-Guardrail-Decision-Id"
UPSTREAM: web.AppKey[Sender] = web.AppKey("upstream", Sender)


class Proxy:
    """The proxy listener's one handler."""

    def __init__(
        self,
        dialect: Dialect,
        pipeline: Pipeline,
        metrics: Metrics,
        context: ContextLoader,
        sinks: Sequence[Sink],
        *,
        max_body_bytes: int,
        body_timeout: float,
    ) -> None:
        self.dialect = dialect
        self.pipeline = pipeline
        self.metrics = metrics
        self.context = context
        self.sinks = tuple(sinks)
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self.post: PostVerifier | None = None  # set by the app when policies may read back
        self.tracing = DISABLED
        self.draining = False  # set when the listener stops: reads cut short are not timeouts
        # Raises a DependencyFailure while a write could not be accounted for (the audit log
        # down): the write is refused before it is judged. Set by the app.
        self.admit_write: Callable[[], None] = _admit_all
        # With agent tokens (auth_mode: token), binds each request to its token. Set by the app.
        self.tokens: TokenGate | None = None
        # Keeps held writes until approved (guardrail.holds). Set by the app.
        self.holds: Holds | None = None

    def application(self) -> web.Application:
        app = web.Application(client_max_size=self.max_body_bytes)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if not self.tracing.enabled:
            return await self._handle(request)
        with self.tracing.request(request.method, request.path, request.headers):
            return await self._handle(request)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        caller = _caller(request)
        target = request.raw_path  # byte for byte: re-quoting could change what the CRM sees
        try:
            if not target.startswith("/") or target.startswith("//"):
                raise UnsupportedEndpoint(f"crm-guardrail does not forward {target!r}.")
            grant = None
            if self.tokens is not None:  # before the body: an unknown session learns nothing
                grant = await self.tokens.bind(request.headers, caller)
                caller = grant.caller
                grant.admit()
            body = await self._read_body(request)
            parsed = self.dialect.parse(
                request.method,
                request.path,
                request.query,
                request.headers.get("Content-Type", ""),
                body,
            )
            if grant is not None:
                grant.admit_scope(request.method, parsed)
            if parsed.shape is Shape.READ:
                return await self._forward_read(request, target, body, parsed, caller)
            self.admit_write()
            facts = await self.context.facts(caller, parsed.intents)
            decision = self.pipeline.evaluate(self.dialect.name, parsed.intents, caller, facts)
        except (RequestRejected, DependencyFailure) as exc:
            return await self._refuse(exc, caller, started)
        if decision.verdict is Verdict.BLOCK:
            reply = self.dialect.render_block(parsed, decision)
            return await self._finish(replace(decision, status=reply.status), _own(reply))
        if decision.verdict is Verdict.HOLD:
            return await self._hold(request, target, body, parsed, decision)
        plan = self.post.plan(decision) if self.post is not None else None
        if plan is not None:
            return await self._forward_verified(
                request, target, body, parsed, decision, facts, plan
            )
        return await self._forward_write(request, target, body, parsed, decision)

    async def _read_body(self, request: web.Request) -> bytes:
        if not request.body_exists:
            return b""
        if (request.content_length or 0) > self.max_body_bytes:
            raise _too_large(self.max_body_bytes)
        try:
            async with asyncio.timeout(self.body_timeout):
                return await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise _too_large(self.max_body_bytes) from None
        except (TimeoutError, asyncio.CancelledError):
            if self.draining:  # the server cut the read short to stop
                raise ShuttingDown(
                    "crm-guardrail is restarting and stopped before this request's body arrived; "
                    "nothing was sent. Retry it."
                ) from None
            raise ClientTimeout(
                f"The request body did not arrive within {self.body_timeout:g} s; nothing was sent."
            ) from None

    async def _send(
        self, request: web.Request, target: str, body: bytes
    ) -> tuple[UpstreamResponse | DependencyFailure, float]:
        """Forward the request as it came; the CRM's answer (or why there is none) and its time."""
        sent = time.perf_counter()
        answer: UpstreamResponse | DependencyFailure
        headers = request_headers(request.headers.items())
        try:
            with self.tracing.upstream(request.method, target, headers):
                answer = await request.app[UPSTREAM].send(request.method, target, headers, body)
        except DependencyFailure as exc:
            answer = exc
        return answer, time.perf_counter() - sent

    async def _forward_read(
        self,
        request: web.Request,
        target: str,
        body: bytes,
        parsed: ParsedRequest,
        caller: Caller,
    ) -> web.StreamResponse:
        answer, seconds = await self._send(request, target, body)
        if isinstance(answer, DependencyFailure):
            self.metrics.read(parsed.sobject, seconds, answer.code)
            return _own(self.dialect.render_error(answer))
        self.metrics.read(parsed.sobject, seconds, None)
        if caller.conversation:
            # Before the response leaves: the agent's next write may rely on this read.
            records = self.dialect.read_records(answer.status, answer.body)
            try:
                await self.context.record_reads(caller, records)
            except DependencyFailure:
                log.warning("reads_not_recorded", conversation=caller.conversation)
        return _relay(answer)

    async def _forward_write(
        self,
        request: web.Request,
        target: str,
        body: bytes,
        parsed: ParsedRequest,
        decision: Decision,
    ) -> web.StreamResponse:
        answer, seconds = await self._send(request, target, body)
        if isinstance(answer, DependencyFailure):
            return await self._unanswered(decision, answer, seconds)
        done = replace(
            decision,
            status=answer.status,
            upstream_status=answer.status,
            upstream_seconds=seconds,
            saved_ids=self.dialect.saved_ids(parsed, answer.status, answer.body),
        )
        return await self._finish(done, _relay(answer))

    async def _forward_verified(
        self,
        request: web.Request,
        target: str,
        body: bytes,
        parsed: ParsedRequest,
        decision: Decision,
        facts: Facts,
        plan: tuple[Checks, ...],
    ) -> web.StreamResponse:
        """A write whose policies read it back after it is saved (guardrail.post)."""
        assert self.post is not None
        headers = request_headers(request.headers.items())
        job = Job(decision, parsed, plan, target, headers, facts)
        sent = time.perf_counter()
        try:
            verified, answer = await self.post.forward(
                request.app[UPSTREAM], request.method, job, body
            )
        except DependencyFailure as exc:
            return await self._unanswered(decision, exc, time.perf_counter() - sent)
        verified = replace(verified, upstream_seconds=time.perf_counter() - sent)
        response = _own(answer) if isinstance(answer, Reply) else _relay(answer)
        return await self._finish(verified, response)

    async def _hold(
        self,
        request: web.Request,
        target: str,
        body: bytes,
        parsed: ParsedRequest,
        decision: Decision,
    ) -> web.StreamResponse:
        """Keep the write, exactly as judged, until a person approves it; not forwarded."""
        headers = request_headers(request.headers.items())
        try:
            if self.holds is None:
                raise AuditUnavailable("crm-guardrail cannot keep writes for approval here")
            held = await self.holds.hold(
                decision, HeldRequest.of(request.method, target, headers), body
            )
        except DependencyFailure as exc:  # not kept: refused, and recorded as refused
            reply = self.dialect.render_error(exc)
            failed = replace(decision, verdict=Verdict.BLOCK, status=reply.status, error=exc.code)
            return await self._finish(failed, _own(reply))
        reply = self.dialect.render_hold(parsed, held, held_message(held))
        return await self._finish(replace(held, status=reply.status), _own(reply))

    async def _unanswered(
        self, decision: Decision, error: DependencyFailure, seconds: float
    ) -> web.StreamResponse:
        """An allowed write the CRM did not answer: the agent hears why, in the CRM's format."""
        failed = replace(decision, status=error.status, error=error.code, upstream_seconds=seconds)
        return await self._finish(failed, _own(self.dialect.render_error(error)))

    async def _refuse(
        self, error: RequestRejected | DependencyFailure, caller: Caller, started: float
    ) -> web.StreamResponse:
        """A write the proxy could not judge: refused, and recorded as a blocked decision."""
        reply = self.dialect.render_error(error)
        decision = Decision(
            id=new_decision_id(),
            verdict=Verdict.BLOCK,
            crm=self.dialect.name,
            intents=(),
            violations=(
                Violation(
                    policy="guardrail",
                    rule=type(error).__name__,
                    message=error.message,
                    code=error.code,
                ),
            ),
            policy_version=self.pipeline.policy_version,
            caller=caller,
            status=reply.status,
            guardrail_seconds=time.perf_counter() - started,
            error=error.code if isinstance(error, DependencyFailure) else None,
        )
        return await self._finish(decision, _own(reply))

    async def _finish(self, decision: Decision, response: web.Response) -> web.Response:
        self.tracing.decided(decision)
        await self.emit(decision)
        response.headers[DECISION_HEADER] = str(decision.verdict)
        response.headers[DECISION_ID_HEADER] = decision.id
        return response

    async def emit(self, decision: Decision, *, audited: bool = False) -> None:
        """Every sink gets the decision (but the audit log when ``audited``: it has it); a
        failing sink is counted, never the agent's problem."""
        for sink in self.sinks:
            if audited and isinstance(sink, AuditSink):
                continue
            try:
                await sink.emit(decision)
            except Exception:  # the write's fate is sealed; a sink must not change the answer
                self.metrics.sink_errors.labels(type(sink).__name__).inc()
                log.exception("sink_failed", sink=type(sink).__name__, decision_id=decision.id)


def _admit_all() -> None:
    return None


def _caller(request: web.Request) -> Caller:
    headers = request.headers
    return Caller(
        conversation=headers.get("X-Guardrail-Conversation"),
        agent=headers.get("X-Guardrail-Agent"),
        tool=headers.get("X-Guardrail-Tool"),
        traceparent=headers.get("traceparent"),
    )


def _too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(
        f"The request body is larger than crm-guardrail's limit of {limit} bytes; nothing was "
        "sent. Split the write into smaller requests."
    )


def _own(reply: Reply) -> web.Response:
    return web.Response(status=reply.status, body=reply.body, headers=CIMultiDict(reply.headers))


def _relay(answer: UpstreamResponse) -> web.Response:
    return web.Response(status=answer.status, body=answer.body, headers=answer.headers)
