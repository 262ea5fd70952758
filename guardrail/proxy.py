"""One request's path: dialect -> pipeline -> forward -> sinks -> response.

Reads are forwarded as they are. A write is read into intents, judged, and either refused in
the CRM's own format or forwarded unchanged; either way the decision reaches every sink before
the agent's response leaves. Anything that keeps the proxy from judging or forwarding a write
fails closed: the write is not sent and the agent is told why.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

import structlog
from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.typedefs import Handler
from multidict import CIMultiDict, CIMultiDictProxy

from guardrail import lookups
from guardrail.answered import OTHERWISE, answered
from guardrail.context.facts import Facts
from guardrail.context.loader import ContextLoader
from guardrail.crm.base import (
    CanonicalRequest,
    Narrowed,
    ParsedRequest,
    RawRequest,
    Reply,
    Shape,
)
from guardrail.errors import (
    AuditUnavailable,
    BodyTooLarge,
    ClientTimeout,
    DependencyFailure,
    MalformedRequest,
    RequestRejected,
    ShuttingDown,
    TokenRefused,
)
from guardrail.holds import HeldRequest, Holds, held_message, holdable, waiting_on
from guardrail.holds.poll import POLL_PATH, polled
from guardrail.judge import Judge
from guardrail.model import Action, Caller, Decision, Verdict, Violation, new_decision_id
from guardrail.partial import Partial, planned
from guardrail.post import Job, PostVerifier, failure_reply
from guardrail.sinks.fanout import Fanout
from guardrail.sinks.metrics import Metrics
from guardrail.tokens.gate import TokenGate
from guardrail.tracing import DISABLED, Tracing
from guardrail.upstream import Sender, UpstreamResponse, request_headers

log = structlog.get_logger("guardrail.proxy")
DECISION_HEADER = "X-Guardrail-Decision"
DECISION_ID_HEADER = "X-Guardrail-Decision-Id"
#: On a request saved in part: the decision on the records that were blocked.
BLOCKED_DECISION_ID_HEADER = "X-Guardrail-Blocked-Decision-Id"
UPSTREAM: web.AppKey[Sender] = web.AppKey("upstream", Sender)


class Proxy:
    """The proxy listener's one handler."""

    def __init__(
        self,
        judge: Judge,
        context: ContextLoader,
        metrics: Metrics,
        sinks: Fanout,
        *,
        max_body_bytes: int,
        body_timeout: float,
        post: PostVerifier | None = None,
        tokens: TokenGate | None = None,
        admit_write: Callable[[], None] | None = None,
        tracing: Tracing = DISABLED,
        holds: Holds | None = None,
    ) -> None:
        """``post`` reads writes back when their policies say so; ``tokens`` (auth_mode:
        token) binds each request to its agent token; the judge's ``jobs`` read bulk jobs row
        by row (refused without them); ``admit_write`` raises a DependencyFailure while a
        write could not be accounted for (the audit log down), so it is refused before it is
        judged."""
        self.judge = judge
        self.dialect = judge.dialect
        self.pipeline = judge.pipeline
        self.context = context
        self.metrics = metrics
        self.sinks = sinks
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self.post = post
        self.tokens = tokens
        self.bulk = judge.jobs
        self.admit_write = admit_write or _admit_all
        self.tracing = tracing
        self.holds = holds  # keeps held writes until approved; without it a hold is refused
        self.draining = False  # set when the listener stops: reads cut short are not timeouts

    def sender(self, upstream: Sender) -> Sender:
        """How the proxy sends to the CRM: every forwarded write and read, every lookup,
        read-back and revert alike: with the proxy's own credential in token mode, and a
        client span each when tracing."""
        credentialed = self.tokens.forwarding(upstream) if self.tokens is not None else upstream
        return self.tracing.sender(credentialed)

    def application(self) -> web.Application:
        app = web.Application(client_max_size=self.max_body_bytes, middlewares=[self._unrouted])
        app.router.add_get(POLL_PATH, self._poll)  # the agent's own holds: the proxy's path
        # Every path, a decoded newline included ("." would not match it, and aiohttp would
        # answer a plain 404 no dialect rendered and no decision recorded).
        app.router.add_route("*", r"/{tail:[\s\S]*}", self.handle)
        return app

    @web.middleware
    async def _unrouted(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A target no path route can match (CONNECT's ``host:port``, ``OPTIONS *``) is read
        like any other, so it is refused in the CRM's format and recorded, not answered by a
        bare 404."""
        if request.match_info.http_exception is not None:
            return await self.handle(request)
        return await handler(request)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if not self.tracing.enabled:
            return await self._handle(request)
        with self.tracing.request(request.method, request.path, request.headers):
            return await self._handle(request)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        caller = _caller(request)
        try:
            _check_text(request.headers)
            grant = None
            if self.tokens is not None:  # before the body: an unknown session learns nothing
                grant = await self.tokens.bind(request.headers, caller)
                caller = grant.caller
                grant.admit()
            body = await self._read_body(request)
            # Read once, as the CRM will execute it; only this reading is judged and forwarded.
            # raw_path is byte for byte: re-quoting could change what the CRM sees.
            canonical, parsed = await self.judge.read(
                RawRequest(request.method, request.raw_path, request.headers, body), caller
            )
            if grant is not None:
                try:
                    grant.admit_scope(canonical.method, parsed)
                except TokenRefused as exc:  # counted and audited under what it asked for
                    return await self._refuse(exc, caller, started, parsed)
            if parsed.shape is Shape.READ and canonical.is_read:
                return await self._forward_read(request, canonical, parsed, caller)
            self.admit_write()
            if parsed.shape is Shape.READ:  # no record written (a session exchanged, a query
                # job run) or a request the operator forwards unjudged (unknown_writes: forward)
                unjudged = self._unjudged(canonical, caller, started)
                done, answer = await self._write(request, canonical, parsed, unjudged, None)
                return await self._finish(done, _response(answer))
            # Looked up with the request's own session (the forwarding client puts the proxy's
            # credential in its place in token mode).
            asked = lookups.asking(request.app[UPSTREAM], request.headers.get("Authorization"))
            verdict = await self.judge.judge(canonical.path, parsed.intents, caller, asked)
            judged = replace(parsed, intents=verdict.intents)
            facts, decision = verdict.facts, verdict.decision
        except (RequestRejected, DependencyFailure) as exc:
            return await self._refuse(exc, caller, started)
        if decision.verdict is Verdict.BLOCK:
            try:
                split = planned(self.dialect, canonical, parsed, decision)
            except RequestRejected as exc:
                return await self._refuse(exc, decision.caller, time.perf_counter())
            if split is not None:
                return await self._forward_partial(request, judged, decision, *split, facts)
            reply = self.dialect.render_block(judged, decision)
            return await self._finish(replace(decision, status=reply.status), _own(reply))
        if decision.verdict is Verdict.HOLD:
            return await self._hold(request, canonical, judged, decision)
        if self.bulk is not None:
            try:
                await self.bulk.admit(judged, decision)
            except (RequestRejected, DependencyFailure) as exc:
                return await self._refuse(exc, caller, started)
        self.sinks.ahead(decision)  # its record is begun while the CRM answers
        done, answer = await self._write(request, canonical, judged, decision, facts)
        if self.bulk is not None and isinstance(answer, UpstreamResponse):
            try:
                await self.bulk.record(judged, caller, answer.status, answer.body)
            except DependencyFailure:
                log.warning("bulk_job_not_recorded", conversation=caller.conversation)
        return await self._finish(done, _response(answer))

    async def _poll(self, request: web.Request) -> web.StreamResponse:
        """An agent's poll of its own held write (guardrail.holds.poll); refused in the
        CRM's format, as any request of the agent's."""
        try:
            _check_text(request.headers)
            shown = await polled(
                self.holds, self.tokens, request.headers, _caller(request), request.match_info["id"]
            )
        except (RequestRejected, DependencyFailure) as exc:
            return _own(self.dialect.render_error(exc))
        return web.json_response(shown)

    async def _read_body(self, request: web.Request) -> bytes:
        if not request.body_exists:
            return b""
        if (request.content_length or 0) > self.max_body_bytes:
            raise _too_large(self.max_body_bytes)
        try:
            if request.content.is_eof():  # all of it arrived with the headers: no timer to set
                return await request.read()
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
        self, request: web.Request, canonical: CanonicalRequest
    ) -> tuple[UpstreamResponse | DependencyFailure, float]:
        """Forward the canonical request (its method, target and body: what was judged); the
        CRM's answer (or why there is none) and its time."""
        sent = time.perf_counter()
        answer: UpstreamResponse | DependencyFailure
        headers = _forwarded_headers(request, canonical)
        method, target = canonical.method, canonical.target
        try:
            answer = await request.app[UPSTREAM].send(method, target, headers, canonical.body)
        except DependencyFailure as exc:
            answer = exc
        return answer, time.perf_counter() - sent

    async def _forward_read(
        self,
        request: web.Request,
        canonical: CanonicalRequest,
        parsed: ParsedRequest,
        caller: Caller,
    ) -> web.StreamResponse:
        answer, seconds = await self._send(request, canonical)
        if isinstance(answer, DependencyFailure):
            self.metrics.read(parsed.sobject, seconds, answer.code)
            return _own(self.dialect.render_error(answer))
        self.metrics.read(parsed.sobject, seconds, None)
        if caller.conversation and parsed.shows_records:
            # Before the response leaves: the agent's next write may rely on this read.
            records = self.dialect.read_records(answer.status, answer.body)
            try:
                await self.context.record_reads(caller, records)
            except DependencyFailure:
                log.warning("reads_not_recorded", conversation=caller.conversation)
        relayed = _relay(answer)
        if self.bulk is not None and parsed.job is not None:
            return await self._job_results(parsed, caller, answer, relayed)
        return relayed

    async def _job_results(
        self,
        parsed: ParsedRequest,
        caller: Caller,
        answer: UpstreamResponse,
        relayed: web.Response,
    ) -> web.Response:
        """A bulk job's results, relayed as the CRM gave them; rows it saved otherwise than
        they were judged are reported as a post-fail (guardrail.bulk), named on the answer."""
        assert self.bulk is not None
        try:
            reported = await self.bulk.results(
                parsed, caller, answer.status, answer.body, self.pipeline.policy_version
            )
        except DependencyFailure:
            log.warning("bulk_results_not_read", conversation=caller.conversation)
            return relayed
        if reported is None:
            return relayed
        return await self._finish(reported, relayed)

    async def _write(
        self,
        request: web.Request,
        canonical: CanonicalRequest,
        parsed: ParsedRequest,
        decision: Decision,
        facts: Facts | None,
    ) -> tuple[Decision, Reply | UpstreamResponse]:
        """Make an allowed write (read back when its policies say so): what was decided once
        the CRM answered, and the agent's answer. A write the CRM did not answer is told why,
        in the CRM's format."""
        post = self.post
        # A bulk upload's rows are saved later, when the CRM processes the job: nothing to
        # read back now.
        plan = post.plan(decision) if post is not None and parsed.shape is not Shape.BULK else None
        if post is None or plan is None:
            answer, seconds = await self._send(request, canonical)
            if isinstance(answer, DependencyFailure):
                return self._unanswered(decision, answer, seconds)
            saved = self.dialect.saved(parsed, answer.status, answer.body)
            done = answered(decision, saved, answer.status, seconds)
            return self._told(parsed, decision, done, answer)
        headers = _forwarded_headers(request, canonical)
        job = Job(decision, parsed, plan, canonical, headers, facts)
        sent = time.perf_counter()
        try:
            verified, reply = await post.forward(request.app[UPSTREAM], job)
        except DependencyFailure as exc:
            return self._unanswered(decision, exc, time.perf_counter() - sent)
        verified = replace(verified, upstream_seconds=time.perf_counter() - sent)
        return self._told(parsed, decision, verified, reply)

    def _told(
        self,
        parsed: ParsedRequest,
        judged: Decision,
        done: Decision,
        answer: Reply | UpstreamResponse,
    ) -> tuple[Decision, Reply | UpstreamResponse]:
        """What the agent is told of a made write: a single record the CRM saved otherwise
        than it was judged (a create it made as an update: guardrail.answered) is told so in
        the CRM's error format, as a failed read-back is; anything else as answered."""
        if (
            parsed.shape is not Shape.SINGLE
            or not isinstance(answer, UpstreamResponse)
            or not any(v.rule in OTHERWISE for v in done.violations)
        ):
            return done, answer
        reply = failure_reply(self.dialect, parsed, done, len(judged.violations))
        return replace(done, status=reply.status), reply

    def _unanswered(
        self, decision: Decision, error: DependencyFailure, seconds: float
    ) -> tuple[Decision, Reply]:
        failed = replace(decision, status=error.status, error=error.code, upstream_seconds=seconds)
        return failed, self.dialect.render_error(error)

    async def _forward_partial(
        self,
        request: web.Request,
        judged: ParsedRequest,
        decision: Decision,
        partial: Partial,
        narrowed: Narrowed,
        facts: Facts,
    ) -> web.StreamResponse:
        """A request the CRM saves part by part, some parts blocked: the others are forwarded
        on their own (``narrowed``), and the agent gets one answer in the original order
        (guardrail.partial). ``judged`` is the request with its lookups resolved."""
        sent = replace(narrowed.parsed, intents=partial.allowed.intents)
        done, answer = await self._write(request, narrowed.request, sent, partial.allowed, facts)
        merged = None
        if isinstance(answer, UpstreamResponse) and answer.status == 200:
            merged = self.dialect.merge(judged, decision, partial.forwarded, answer.body)
        response = _response(answer)
        if merged is not None:
            response.body = merged
        await self.sinks.emit(replace(partial.blocked, status=response.status))
        response.headers[BLOCKED_DECISION_ID_HEADER] = partial.blocked.id
        return await self._finish(done, response)

    async def _hold(
        self,
        request: web.Request,
        canonical: CanonicalRequest,
        parsed: ParsedRequest,
        decision: Decision,
    ) -> web.StreamResponse:
        """Keep the canonical request, exactly as judged, until a person approves it; it is
        not forwarded."""
        # No session of the agent's is kept, wherever it put one: authorize removes each place
        # the CRM takes one, and the Authorization it puts in their stead HeldRequest drops.
        headers = self.dialect.authorize(_forwarded_headers(request, canonical), "")
        try:
            holdable(parsed)
            if self.holds is None:
                raise AuditUnavailable("crm-guardrail cannot keep writes for approval here")
            held = await self.holds.hold(
                decision,
                HeldRequest.of(canonical.method, canonical.target, headers),
                canonical.body,
                # Pass-through: the CRM must take the agent's own session for this write.
                None
                if self.tokens is not None
                else lookups.asking(request.app[UPSTREAM], request.headers.get("Authorization")),
            )
        except (RequestRejected, DependencyFailure) as exc:  # not kept: refused as such
            reply = self.dialect.render_error(exc)
            code = exc.code if isinstance(exc, DependencyFailure) else None
            failed = replace(decision, verdict=Verdict.BLOCK, status=reply.status, error=code)
            return await self._finish(failed, _own(reply))
        message = held_message(held, pollable=self.tokens is not None)
        reply = self.dialect.render_hold(parsed, held, message)
        response = await self._finish(replace(held, status=reply.status), _own(reply))
        # A write sent again is answered as the hold it repeats: the id the agent waits on.
        response.headers[DECISION_ID_HEADER] = waiting_on(held)
        return response

    def _unjudged(self, canonical: CanonicalRequest, caller: Caller, started: float) -> Decision:
        """The record of a request forwarded with nothing to judge, so none goes unaccounted."""
        return Decision(
            id=new_decision_id(),
            verdict=Verdict.ALLOW,
            crm=self.dialect.name,
            intents=(),
            violations=(
                Violation(
                    policy="guardrail",
                    rule="Unjudged",
                    message=f"{canonical.method} {canonical.path} was forwarded without being "
                    "judged: it writes no record the dialect can read (an OAuth exchange, or an "
                    "endpoint forwarded because unknown_writes is forward).",
                    action=Action.AUDIT,
                    code="GUARDRAIL_UNJUDGED",
                ),
            ),
            policy_version=self.pipeline.policy_version,
            caller=caller,
            guardrail_seconds=time.perf_counter() - started,
        )

    async def _refuse(
        self,
        error: RequestRejected | DependencyFailure,
        caller: Caller,
        started: float,
        parsed: ParsedRequest | None = None,
    ) -> web.StreamResponse:
        """A write the proxy could not judge: refused, and recorded as a blocked decision
        (with what it asked to write or read, when it was read that far)."""
        decision, reply = self._refusal(error, caller, started, parsed)
        return await self._finish(decision, _own(reply))

    def refuse_unread(self, error: RequestRejected) -> web.StreamResponse:
        """A request that could not be read at all (its HTTP framing broken: guardrail.framing),
        refused as any other and recorded with no caller, before its answer leaves: the
        answer is made where nothing can be awaited, so it records itself when prepared."""
        decision, reply = self._refusal(error, Caller(), time.perf_counter())
        return _Finishing(reply, functools.partial(self._finish, decision))

    def _refusal(
        self,
        error: RequestRejected | DependencyFailure,
        caller: Caller,
        started: float,
        parsed: ParsedRequest | None = None,
    ) -> tuple[Decision, Reply]:
        reply = self.dialect.render_error(error)
        intents = parsed.intents if parsed is not None else ()
        reads = sorted(parsed.reads or ()) if parsed is not None and not intents else ()
        decision = Decision(
            id=new_decision_id(),
            verdict=Verdict.BLOCK,
            crm=self.dialect.name,
            intents=intents,
            reads=tuple(reads),
            violations=(Violation.refusal(error),),
            policy_version=self.pipeline.policy_version,
            caller=caller,
            status=reply.status,
            guardrail_seconds=time.perf_counter() - started,
            error=error.code if isinstance(error, DependencyFailure) else None,
        )
        return decision, reply

    async def _finish(self, decision: Decision, response: web.Response) -> web.Response:
        self.tracing.decided(decision)
        await self.sinks.emit(decision)
        response.headers[DECISION_HEADER] = str(decision.verdict)
        response.headers[DECISION_ID_HEADER] = decision.id
        return response


def _admit_all() -> None:
    return None


def _caller(request: web.Request) -> Caller:
    """Who the headers say is calling; a value that is not text (_check_text refuses the
    request) is left out, so the refusal can be recorded."""
    headers = request.headers
    return Caller(
        conversation=_text(headers.get("X-Guardrail-Conversation")),
        agent=_text(headers.get("X-Guardrail-Agent")),
        tool=_text(headers.get("X-Guardrail-Tool")),
        traceparent=_text(headers.get("traceparent")),
    )


def _check_text(headers: CIMultiDictProxy[str]) -> None:
    """Raises MalformedRequest for a header whose bytes were not UTF-8 (the server keeps each
    such byte as a lone surrogate): it can be neither recorded nor forwarded as sent."""
    for name, value in headers.items():
        if _text(name) is None or _text(value) is None:
            raise MalformedRequest(
                f"The header {ascii(name)[1:-1]} is not UTF-8 text (it holds a byte of another "
                "encoding), so crm-guardrail can neither record nor forward it; nothing was "
                "sent. Send header names and values as ASCII or UTF-8."
            )


def _text(value: str | None) -> str | None:
    """``value`` if it is text, else None."""
    if value is None or value.isascii():
        return value
    try:
        value.encode()
    except UnicodeEncodeError:
        return None
    return value


def _forwarded_headers(request: web.Request, canonical: CanonicalRequest) -> CIMultiDict[str]:
    """The agent's end-to-end headers, less those that no longer describe the canonical body."""
    return request_headers(request.headers.items(), canonical.drop_headers)


def _too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(
        f"The request body is larger than crm-guardrail's limit of {limit} bytes; nothing was "
        "sent. Split the write into smaller requests."
    )


def _response(answer: Reply | UpstreamResponse) -> web.Response:
    return _own(answer) if isinstance(answer, Reply) else _relay(answer)


def _own(reply: Reply) -> web.Response:
    return web.Response(status=reply.status, body=reply.body, headers=CIMultiDict(reply.headers))


class _Finishing(web.Response):
    """Our reply, finished (its decision recorded and named on it) when it is prepared."""

    def __init__(
        self, reply: Reply, finish: Callable[[web.Response], Awaitable[web.Response]]
    ) -> None:
        super().__init__(status=reply.status, body=reply.body, headers=CIMultiDict(reply.headers))
        self._finish = finish

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        await self._finish(self)
        return await super().prepare(request)


def _relay(answer: UpstreamResponse) -> web.Response:
    return web.Response(status=answer.status, body=answer.body, headers=answer.headers)
