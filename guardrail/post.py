"""Post-guardrails in the request path: read back what the CRM saved, judge it, revert or alert.

Sync mode verifies before the agent is answered (a single-record write costs no extra round
trip: it is made inside one composite that also reads the record before and after). Async mode
answers at once and verifies from a bounded queue; when the queue is full the write is verified
inline instead, so nothing is ever dropped, and shutdown drains the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace

import structlog
from multidict import CIMultiDict

from guardrail.answered import answered
from guardrail.checks.base import CheckContext
from guardrail.checks.post import PostCheck
from guardrail.context.facts import Facts
from guardrail.crm.base import (
    CanonicalRequest,
    Dialect,
    Outbound,
    ParsedRequest,
    Record,
    Reply,
    Revert,
    Shape,
)
from guardrail.errors import DependencyFailure
from guardrail.model import Decision, FieldDiff, Operation, Saved, Verdict, Violation
from guardrail.policy.loader import Policy, PolicySet
from guardrail.sinks.metrics import Metrics
from guardrail.upstream import Sender, UpstreamResponse

log = structlog.get_logger("guardrail.post")

Checks = tuple[tuple[Policy, PostCheck], ...]


@dataclass(frozen=True)
class Job:
    """A write to verify: what was decided, how it was sent, what the CRM said it saved."""

    decision: Decision
    parsed: ParsedRequest
    checks: tuple[Checks, ...]  # per intent
    request: CanonicalRequest  # as forwarded
    headers: CIMultiDict[str]
    facts: Facts | None


class PostVerifier:
    def __init__(
        self,
        dialect: Dialect,
        policies: Callable[[], PolicySet],
        metrics: Metrics,
        report: Callable[[Decision], Awaitable[None]],
        queue_size: int = 1000,
    ) -> None:
        self._dialect = dialect
        self._policies = policies
        self._metrics = metrics
        self._report = report  # where async verdicts go (the sinks)
        self._queue: asyncio.Queue[tuple[Job, Sender]] = asyncio.Queue(queue_size)
        self._worker: asyncio.Task[None] | None = None

    def plan(self, decision: Decision) -> tuple[Checks, ...] | None:
        """The post checks of each intent, or None when no intent has any."""
        policies = self._policies()
        checks = tuple(
            tuple(
                (policy, check)
                for policy, check in policies.post_checks(decision.crm, i.object, i.operation)
                if check.applies(i)
            )
            if i.operation is not Operation.DELETE
            else ()
            for i in decision.intents
        )
        return checks if any(checks) else None

    async def forward(
        self, upstream: Sender, job: Job
    ) -> tuple[Decision, Reply | UpstreamResponse]:
        """Make the write and verify it as its policies say; the decision and the agent's answer."""
        asynchronous = all(p.asynchronous for checks in job.checks for _, p in checks)
        if job.parsed.shape is Shape.SINGLE and not asynchronous:
            single = await self._single(upstream, job)
            if single is not None:
                return single
        request = job.request
        answer = await upstream.send(
            request.method, request.target, job.headers, request.body or None
        )
        saved = self._dialect.saved(job.parsed, answer.status, answer.body)
        decision = answered(job.decision, saved, answer.status)
        job = replace(job, decision=decision)
        if answer.status >= 300 and job.parsed.shape is Shape.SINGLE:
            return decision, answer
        if asynchronous:
            try:
                self._queue.put_nowait((job, upstream))
                self._metrics.post_queue.set(self._queue.qsize())
                return decision, answer
            except asyncio.QueueFull:
                self._metrics.post_overflow.inc()  # verified inline rather than dropped
        verified = await self._verify_saved(upstream, job)
        return verified, answer

    # -- single record: write and read in one round trip ------------------------------------

    async def _single(
        self, upstream: Sender, job: Job
    ) -> tuple[Decision, Reply | UpstreamResponse] | None:
        """A single-record write made with its read-back in one request, where the CRM has
        one (None where it has not)."""
        intent = job.decision.intents[0]
        checks = job.checks[0]
        fields = _fields(intent.fields, checks)
        wants_before = any(p.revert or p.rules.rules for _, p in checks)
        outbound = self._dialect.write_and_read(intent, job.request, fields, wants_before)
        if outbound is None:
            return None
        started = time.perf_counter()
        answer = await _send(upstream, job.headers, outbound)
        self._metrics.readback_seconds.observe(time.perf_counter() - started)
        outcome = self._dialect.written(answer.status, answer.headers, answer.body)
        if outcome is None:  # the request itself was refused: nothing was written
            return replace(job.decision, status=answer.status), answer
        reply = outcome.reply
        decision = replace(job.decision, status=reply.status, upstream_status=reply.status)
        if reply.status >= 300:
            return decision, reply
        saved = Saved(outcome.record_id or intent.record_id, outcome.created)
        decision = answered(decision, (saved,))
        verified = await self._judge(
            upstream,
            replace(job, decision=decision),
            {0: (outcome.after, outcome.before, outcome.created)},
        )
        if verified.verdict is not Verdict.POST_FAIL:
            return verified, reply
        return verified, failure_reply(
            self._dialect, job.parsed, verified, len(job.decision.violations)
        )

    # -- many records: one read per object -------------------------------------------------------

    async def _verify_saved(self, upstream: Sender, job: Job) -> Decision:
        decision = job.decision
        wanted: dict[str, dict[int, str]] = {}
        # A record the CRM saved under an id its answer does not give: never read, so unread.
        found: dict[int, tuple[Record | None, None, bool]] = {}
        for n, intent in enumerate(decision.intents):
            saved = decision.saved[n] if n < len(decision.saved) else Saved()
            if job.checks[n] and saved.id:
                wanted.setdefault(intent.object, {})[n] = saved.id
            elif job.checks[n] and saved.unnamed:
                found[n] = (None, None, intent.operation is Operation.CREATE)
        dialect = self._dialect
        for sobject, by_intent in wanted.items():
            fields = _fields(
                {f for n in by_intent for f in decision.intents[n].fields},
                tuple(c for n in by_intent for c in job.checks[n]),
            )
            outbound = dialect.read_saved(job.request, sobject, list(by_intent.values()), fields)
            started = time.perf_counter()
            try:
                answer = await _send(upstream, job.headers, outbound)
            except DependencyFailure:
                answer = UpstreamResponse(503, CIMultiDict(), b"")
            self._metrics.readback_seconds.observe(time.perf_counter() - started)
            records = dialect.saved_records(answer.status, answer.body)
            for n, record_id in by_intent.items():
                # As the CRM answered, where it said: a create it made as an update of an
                # existing record is reverted as an update, never by deleting that record.
                said = decision.saved[n].created
                created = (
                    decision.intents[n].operation is Operation.CREATE if said is None else said
                )
                found[n] = (records.get(dialect.record_key(sobject, record_id)), None, created)
        return await self._judge(upstream, job, dict(sorted(found.items())))

    # -- judging, reverting ------------------------------------------------------------------------

    async def _judge(
        self,
        upstream: Sender,
        job: Job,
        saved: Mapping[int, tuple[Record | None, Record | None, bool]],
    ) -> Decision:
        decision = job.decision
        policies = self._policies()
        context = CheckContext(caller=decision.caller, facts=job.facts)
        diffs: list[FieldDiff] = []
        violations: list[Violation] = []
        revert_result: str | None = None
        for n, (after, before, created) in saved.items():
            intent = decision.intents[n]
            kinds = policies.kinds(decision.crm, intent.object)
            found: list[Violation] = []
            for policy, check in job.checks[n]:
                if after is None:
                    found.append(_unread(policy.name, intent.object, n))
                    continue
                d, v = check.judge(intent, n, after, before, context, kinds)
                diffs += d
                found += [replace(x, mode=policy.mode) for x in v]
            failed = any(v.blocks for v in found)
            self._metrics.post_checks.labels(intent.object, "fail" if failed else "pass").inc()
            violations += found
            if failed and any(p.revert for _, p in job.checks[n]):
                revert_result = await self._revert(upstream, job, n, created, before, after)
        verdict = Verdict.POST_FAIL if any(v.blocks for v in violations) else decision.verdict
        return replace(
            decision,
            verdict=verdict,
            violations=decision.violations + tuple(violations),
            diffs=tuple(diffs),
            revert=revert_result,
        )

    async def _revert(
        self,
        upstream: Sender,
        job: Job,
        n: int,
        created: bool,
        before: Record | None,
        after: Record | None,
    ) -> str:
        intent = job.decision.intents[n]
        record_id = job.decision.saved_ids[n] if n < len(job.decision.saved_ids) else None
        writable = self._policies().writable(job.decision.crm, intent.object)
        mark = next((p.revert_mark for _, p in job.checks[n] if p.revert and p.revert_mark), None)
        plan = (
            self._dialect.revert(
                job.request, intent, Revert(record_id, created, before, after, writable, mark)
            )
            if record_id
            else None
        )
        if plan is None:
            result = "no_pre_image"
        else:
            try:
                answer = await _send(upstream, job.headers, plan)
                result = self._dialect.reverted(answer.status)
            except DependencyFailure:
                result = "failed"
        self._metrics.reverts.labels(result).inc()
        log_method = log.info if result == "success" else log.error
        log_method("revert", result=result, decision_id=job.decision.id, object=intent.object,
                   record_id=record_id)  # fmt: skip
        return result

    # -- the async queue ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.create_task(self._verify_forever())

    async def close(self, deadline: float) -> None:
        """Drain: every write already queued is verified (within ``deadline`` seconds)."""
        if self._worker is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), deadline)
        left = self._queue.qsize()
        if left:
            log.error("post_verifications_not_drained", left=left)
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker
        self._worker = None

    async def _verify_forever(self) -> None:
        while True:
            job, upstream = await self._queue.get()
            try:
                verified = await self._verify_saved(upstream, job)
                # Only what verifying found: a post-fail the CRM's answer made was told already.
                found = verified.violations[len(job.decision.violations) :]
                if any(v.blocks for v in found):
                    await self._report(verified)
            except Exception:
                log.exception("post_verification_failed", decision_id=job.decision.id)
            finally:
                self._queue.task_done()
                self._metrics.post_queue.set(self._queue.qsize())


def failure_reply(
    dialect: Dialect, parsed: ParsedRequest, decision: Decision, judged: int
) -> Reply:
    """The agent's answer to a single-record write that failed after it was made: each
    blocking violation found since it was judged (past the first ``judged``), with what became
    of the record, in the CRM's error format."""
    saved_id = decision.saved_ids[0] if decision.saved_ids else None
    what = "it was reverted" if decision.revert == "success" else (
        "it was left as saved and reported" if decision.revert is None
        else f"reverting it failed ({decision.revert}) and was reported"
    )  # fmt: skip
    messages = [
        (f"Blocked by crm-guardrail ({v.policy}/{v.rule}) after the write: {v.message} "
         f"Record {saved_id}: {what}.", list(v.fields))
        for v in decision.violations[judged:]
        if v.blocks
    ]  # fmt: skip
    return dialect.render_post_failure(parsed, messages)


def _fields(written: Iterable[str], checks: Checks) -> set[str] | None:
    """What to read back: the fields written and those the policies name; everything (None)
    when a post rule may look at any field of the record."""
    if any(p.rules.rules for _, p in checks):
        return None
    return {*written, *(f for _, p in checks for f in p.fields)}


async def _send(
    upstream: Sender, headers: CIMultiDict[str], outbound: Outbound
) -> UpstreamResponse:
    """A request the proxy makes for itself, with the agent's end-to-end headers (its session)
    less its body's, and the request's own over them."""
    sent = CIMultiDict(headers)
    sent.popall("Content-Type", None)
    sent.update(outbound.headers)
    return await upstream.send(outbound.method, outbound.target, sent, outbound.body)


def _unread(policy: str, sobject: str, n: int) -> Violation:
    return Violation(
        policy=policy,
        rule="ReadBack",
        message=f"The saved {sobject} could not be read back, so it could not be verified.",
        code="GUARDRAIL_POST_VERIFY_FAILED",
        intent=n,
    )
