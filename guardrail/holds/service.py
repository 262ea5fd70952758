"""A held write's life: kept, approved (judged again, executed once) or rejected, or expired.

Exactly once. Every transition is a compare-and-set on the hold's row in the shared audit store
(``held -> executing -> done``), so of two approvals (repeated, or on two replicas at once) one
claims the hold and the other is told it is no longer pending. The replica holding the claim
judges the write again and sends it; once the CRM has answered it records the settling decision
(under the id fixed when the write was held), then marks the hold done. A replica that dies in
between leaves the hold ``executing``; when its lease runs out, any replica's sweeper takes the
claim over and recovers: a settling decision already in the audit log means only the mark was
lost; otherwise it asks the CRM whether the write is there (the record read back; for a create,
a record with its fields that was not there when the write was sent: the look-alikes are
noted in the hold before sending) and records it as found, and only a write the CRM does not hold is
judged again and sent. Nothing is ever resent blindly.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import structlog
from multidict import CIMultiDict

from guardrail import lookups
from guardrail.answered import answered
from guardrail.config import HoldSettings
from guardrail.context.facts import Facts
from guardrail.context.model import ReadRecord
from guardrail.crm.base import ParsedRequest, RawRequest, RecordRead, Shape
from guardrail.errors import (
    AuditUnavailable,
    CredentialFailed,
    DependencyFailure,
    RequestRejected,
    UnsupportedEndpoint,
)
from guardrail.holds.authority import Lapsed, lapsed
from guardrail.holds.metrics import HoldMetrics
from guardrail.holds.notify import Notifier
from guardrail.holds.repeat import repeat_key
from guardrail.holds.session import saved_read, vouch
from guardrail.judge import FactsSource, Judge
from guardrail.model import (
    Action,
    Caller,
    Decision,
    HoldLink,
    Mode,
    Operation,
    Saved,
    Verdict,
    Violation,
    WriteIntent,
    new_decision_id,
)
from guardrail.sinks.audit.log import AuditLog
from guardrail.sinks.audit.record import format_time, refusal_entry
from guardrail.sinks.audit.store import HoldRow, HoldState, Storage
from guardrail.sinks.redact import mask_text
from guardrail.tokens.gate import TokenGate
from guardrail.upstream import Sender, UpstreamResponse

log = structlog.get_logger("guardrail.holds")

#: Request headers never kept with a held write: the proxy's own credential goes on when it is
#: executed, and nothing else that authenticates the agent is needed or may be stored.
_PRIVATE = frozenset({"authorization", "cookie", "proxy-authorization"})
_SWEEP_BATCH = 100


class HoldNotFound(LookupError):
    """No held write has this decision id."""


class NotPending(Exception):
    """The hold was already approved, rejected or expired: nothing was done."""

    def __init__(self, hold: HoldRow) -> None:
        super().__init__(f"hold {hold.decision_id} is {hold.state}, not waiting for approval")
        self.hold = hold


class Barred(StrEnum):
    """Why a reviewer may not settle a hold: a fixed few, so they can label a metric."""

    NOT_REVIEWER = "not_reviewer"  # not one of holds.reviewers
    OWN_WRITE = "own_write"  # the write was made as an agent of the reviewer's own name
    OWN_AGENT = "own_agent"  # by an agent the reviewer is responsible for (holds.agents_of)
    AGENT_UNKNOWN = "agent_unknown"  # it names no agent, and the reviewer is responsible for some


class NotAllowed(Exception):
    """This reviewer may not settle this hold, for ``reason``."""

    def __init__(self, message: str, reason: Barred) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class HeldRequest:
    """The request exactly as judged: method, origin-form target and the headers that go with
    it to the CRM (none that authenticates); the body is kept beside it, byte for byte."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, method: str, target: str, headers: CIMultiDict[str]) -> HeldRequest:
        kept = tuple((k, v) for k, v in headers.items() if k.lower() not in _PRIVATE)
        return cls(method, target, kept)

    def document(self) -> dict[str, Any]:
        return {"method": self.method, "target": self.target, "headers": list(self.headers)}

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> HeldRequest:
        return cls(doc["method"], doc["target"], tuple((k, v) for k, v in doc["headers"]))


class Holds:
    def __init__(
        self,
        *,
        audit: AuditLog,
        judge: Judge,
        report: Callable[[Decision], Awaitable[None]],
        metrics: HoldMetrics,
        settings: HoldSettings,
        sender: Callable[[], Sender | None],
        notifier: Notifier | None = None,
        tokens: TokenGate | None = None,
    ) -> None:
        self._audit = audit
        self._judge = judge  # the proxy's: a held write is judged again as it was judged
        self._dialect = judge.dialect
        self._pipeline = judge.pipeline
        self._report = report  # the sinks but the audit log, which is written here first
        self.metrics = metrics
        self.settings = settings
        self._sender = sender
        self.notifier = notifier
        self._tokens = tokens  # token mode: a held write is made for the token that sent it

    @property
    def _storage(self) -> Storage:
        return self._audit.storage

    # -- holding ---------------------------------------------------------------------------

    async def hold(
        self,
        decision: Decision,
        request: HeldRequest,
        body: bytes,
        session: lookups.Get | None = None,
    ) -> Decision:
        """Keep the held write durably; the decision with when it expires. ``session`` asks
        the CRM with the agent's own session (pass-through mode), which must reach what the
        write changes (guardrail.holds.session). Raises AuditUnavailable when the store cannot
        keep it, CredentialFailed when the proxy has no CRM credential to execute it with once
        approved, and what ``vouch`` raises (the write is then refused)."""
        if self._sender() is None:
            raise CredentialFailed(
                "crm-guardrail would hold this write for a person's approval, but has no CRM "
                "credential of its own to make it once approved; nothing was sent. The operator "
                "must set credential.access_token or credential.client_id and client_secret."
            )
        if session is not None:
            await vouch(self._dialect, request.target, decision.intents, session)
        holding = [v for v in decision.violations if v.holds]
        own = self._pipeline.policies.hold_seconds(v.policy for v in holding)
        now = _now()
        until = now + timedelta(seconds=own or self.settings.expire_seconds)
        row = HoldRow(
            decision_id=decision.id,
            state=HoldState.HELD,
            created_at=now,
            expires_at=until,
            updated_at=now,
            conversation=decision.caller.conversation,
            agent=decision.caller.agent,
            policy=holding[0].policy,
            rule=holding[0].rule,
            request=request.document(),
            body=body,
            execution_id=new_decision_id(),
            repeat_key=repeat_key(decision.caller.conversation, decision.intents),
        )
        standing = await self._keep(row)
        if standing.decision_id != row.decision_id:  # the same write, sent again
            self.metrics.count(standing.policy, standing.rule, "repeated")
            log.info("hold_repeated", decision_id=decision.id, of=standing.decision_id)
            until = standing.expires_at
            link = HoldLink(state="repeat", of=standing.decision_id, until=format_time(until))
            return replace(decision, hold=link)
        self.metrics.count(row.policy, row.rule, "held")
        link = HoldLink(state="held", until=format_time(until), reading=reading(decision))
        return replace(decision, hold=link)

    async def _keep(self, row: HoldRow) -> HoldRow:
        """Keep ``row``, or find the hold that stands for the same write; one past its expiry
        the sweeper has not reached yet is expired first, and the write kept afresh."""
        try:
            async with asyncio.timeout(self._audit.timeout_seconds):
                standing = await self._storage.add_hold(row)
                if standing.state is HoldState.HELD and standing.expires_at <= row.created_at:
                    await self._expire(standing)
                    standing = await self._storage.add_hold(row)
        except TimeoutError:
            raise AuditUnavailable("the audit store did not keep the held write in time") from None
        return standing

    async def get(self, decision_id: str) -> HoldRow:
        row: HoldRow | None = await self._storage.hold(decision_id)
        if row is None:
            raise HoldNotFound(decision_id)
        return row

    # -- settling --------------------------------------------------------------------------

    def check_reviewer(self, row: HoldRow, reviewer: str) -> None:
        """Raises NotAllowed unless ``reviewer`` may settle ``row``."""
        allowed = self.settings.reviewers
        if allowed and reviewer not in allowed:
            raise NotAllowed(
                f"{reviewer!r} is not one of the reviewers who may settle holds",
                Barred.NOT_REVIEWER,
            )
        # Names compared as one identity whatever their case: an agent names
        # itself in pass-through mode, and a reviewer's own agent must not pass for another.
        if row.agent is not None and _identity(row.agent) == _identity(reviewer):
            raise NotAllowed(
                f"this write was made as agent {row.agent!r}, the name {reviewer!r} approves as, "
                "and whoever made a write may not approve it; ask another reviewer",
                Barred.OWN_WRITE,
            )
        own = {
            _identity(agent)
            for name, agents in self.settings.agents_of.items()
            if _identity(name) == _identity(reviewer)
            for agent in agents
        }
        if own and row.agent is None:
            raise NotAllowed(
                f"this write names no agent, so crm-guardrail cannot tell it is not one of "
                f"{reviewer!r}'s agents; ask a reviewer responsible for no agent",
                Barred.AGENT_UNKNOWN,
            )
        if row.agent is not None and _identity(row.agent) in own:
            raise NotAllowed(
                f"{reviewer!r} is responsible for agent {row.agent!r}, so may not approve its "
                "writes; ask another reviewer",
                Barred.OWN_AGENT,
            )

    async def approve(self, decision_id: str, reviewer: str, comment: str) -> HoldRow:
        """Claim the hold, judge it again and execute it once. Raises HoldNotFound,
        NotAllowed (the attempt audited), NotPending (already settled or claimed)."""
        row = await self.get(decision_id)
        await self._allowed(row, reviewer, "approve", comment)
        comment = mask_text(comment)  # kept and shown as the audit record keeps it
        now = _now()
        if row.state is HoldState.HELD and row.expires_at <= now:
            await self._expire(row)
            raise NotPending(await self.get(decision_id))
        claimed = await self._storage.move_hold(
            decision_id,
            (HoldState.HELD,),
            HoldState.EXECUTING,
            now,
            values={
                "claim": _claim(),
                "claimed_at": now,
                "reviewer": reviewer,
                "comment": comment,
            },
        )
        if claimed is None:
            raise NotPending(await self.get(decision_id))
        self.metrics.count(row.policy, row.rule, "approved", (now - row.created_at).total_seconds())
        log.info("hold_approved", decision_id=decision_id, reviewer=reviewer)
        return await self._execute(claimed)

    async def reject(self, decision_id: str, reviewer: str, comment: str) -> HoldRow:
        """Settle the hold as rejected; nothing is sent. Raises HoldNotFound, NotAllowed (the
        attempt audited), NotPending."""
        row = await self.get(decision_id)
        await self._allowed(row, reviewer, "reject", comment)
        comment = mask_text(comment)  # kept and shown as the audit record keeps it
        message = f"Rejected by {reviewer}" + (f": {comment}" if comment else ".")
        settled = await self._close(row, HoldState.REJECTED, reviewer=reviewer, comment=comment)
        if settled is None:
            raise NotPending(await self.get(decision_id))
        await self._record_unsent(row, settled, "HoldRejected", message)
        return settled

    async def _allowed(self, row: HoldRow, reviewer: str, attempt: str, comment: str) -> None:
        """``check_reviewer``, a refusal leaving a trace: a record in the audit chain beside
        the hold (who tried to ``attempt`` it, and why they may not), a count and a log line.
        Like every decision, the refusal is answered only once it is audited: AuditUnavailable
        when the log cannot keep it (the hold is not settled either way)."""
        try:
            self.check_reviewer(row, reviewer)
        except NotAllowed as exc:
            self.metrics.refused.labels(row.policy, row.rule, exc.reason.value).inc()
            log.warning(
                "hold_settle_refused",
                decision_id=row.decision_id,
                reviewer=reviewer,
                attempt=attempt,
                reason=exc.reason.value,
                policy=row.policy,
                rule=row.rule,
            )
            await self._audit.append(
                refusal_entry(
                    row.decision_id, attempt, reviewer, exc.reason.value, str(exc), comment
                )
            )
            raise

    async def _expire(self, row: HoldRow) -> None:
        settled = await self._close(row, HoldState.EXPIRED)
        if settled is not None:
            waited = (row.expires_at - row.created_at).total_seconds()
            message = f"Expired: nobody approved it within {waited:g} s."
            await self._record_unsent(row, settled, "HoldExpired", message)

    async def _close(
        self, row: HoldRow, to: HoldState, reviewer: str | None = None, comment: str = ""
    ) -> HoldRow | None:
        values: dict[str, Any] = {"request": None, "body": None}
        if reviewer is not None:
            values |= {"reviewer": reviewer, "comment": comment}
        settled: HoldRow | None = await self._storage.move_hold(
            row.decision_id, (HoldState.HELD,), to, _now(), values=values
        )
        if settled is not None:
            waited = (settled.updated_at - row.created_at).total_seconds()
            self.metrics.count(row.policy, row.rule, str(to), waited)
            log.info(f"hold_{to}", decision_id=row.decision_id, reviewer=reviewer)
        return settled

    async def _record_unsent(self, row: HoldRow, settled: HoldRow, rule: str, message: str) -> None:
        """The settling decision of a hold that was not sent (rejected, expired)."""
        read = await self._parse(row)
        parsed = read[1] if read is not None else None
        decision = Decision(
            id=row.execution_id,
            verdict=Verdict.BLOCK,
            crm=self._dialect.name,
            intents=parsed.intents if parsed else (),
            violations=(
                Violation(
                    policy="guardrail",
                    rule=rule,
                    message=message,
                    code=f"GUARDRAIL_{rule.removeprefix('Hold').upper()}_HOLD",
                ),
            ),
            policy_version=self._pipeline.policy_version,
            caller=Caller(conversation=row.conversation, agent=row.agent),
            hold=HoldLink(
                state=str(settled.state),
                of=row.decision_id,
                reviewer=settled.reviewer,
                comment=settled.comment or "",
                reason=message,
            ),
        )
        await self._announce(decision, settled, record=True)

    # -- executing -------------------------------------------------------------------------

    async def _execute(self, claimed: HoldRow) -> HoldRow:
        """Judge the claimed hold again and, if it still holds, send it; record and settle."""
        sender = self._sender()
        try:
            lapse = await self.lapsed(claimed)
            read = await self._parse(claimed, None if lapse else sender)
        except DependencyFailure as exc:  # the CRM or the token store did not answer: retried
            log.warning("hold_not_executed", decision_id=claimed.decision_id, error=exc.message)
            return claimed
        parsed = read[1] if read is not None else None
        if lapse is not None:
            return await self._refuse(claimed, parsed, lapse.refusal())
        if read is None or parsed is None or sender is None or claimed.request is None:
            why = (
                "the proxy has no CRM credential of its own to execute it with"
                if sender is None
                else "the held request can no longer be read"
            )
            return await self._refuse(claimed, parsed, f"Not executed: {why}.")
        request = HeldRequest.from_document(claimed.request)
        caller = Caller(conversation=claimed.conversation, agent=claimed.agent)
        try:
            current, gone = await self._current(sender, request.target, parsed.intents)
            if gone:
                return await self._refuse(
                    claimed, parsed, f"Not executed: record {gone} no longer exists in the CRM."
                )
            # Judged as the proxy judged it (whose the records it names are asked again),
            # with the records it changes as the CRM holds them now.
            now = replace(self._judge, context=_Now(self._judge.context, tuple(current)))
            asked = lookups.asking(sender)
            judged = (await now.decide(read[0], parsed.intents, caller, asked)).decision
            covered = await self._approved(claimed)
        except DependencyFailure as exc:  # the claim lapses; recovery tries again
            log.warning("hold_not_executed", decision_id=claimed.decision_id, error=exc.message)
            return claimed
        except RequestRejected as exc:  # a record it names is gone, say
            return await self._refuse(claimed, parsed, f"Not executed: {exc.message}")
        if judged.verdict is Verdict.BLOCK:
            reasons = " ".join(
                f"{v.policy}/{v.rule}: {v.message}" for v in judged.violations if v.blocks
            )
            return await self._refuse(
                claimed,
                parsed,
                f"Not executed: judged again, it no longer holds. {reasons}",
                judged,
            )
        unseen = [v for v in judged.violations if v.holds and v.name not in covered]
        if unseen:
            reasons = " ".join(f"{v.name}: {v.message}" for v in unseen)
            return await self._refuse(
                claimed,
                parsed,
                "Not executed: judged again, it is now held for a reason the approval did not "
                f"cover. {reasons} The agent may send it again, to be held for that.",
                judged,
            )
        try:  # what the CRM holds already that a create of this write could be taken for
            existing = await self._existing(sender, request.target, parsed.intents)
        except DependencyFailure as exc:
            log.warning("hold_not_executed", decision_id=claimed.decision_id, error=exc.message)
            return claimed
        marked = await self._storage.move_hold(
            claimed.decision_id,
            (HoldState.EXECUTING,),
            HoldState.EXECUTING,
            _now(),
            claim=claimed.claim,
            values={"outcome": {"existing": existing}},
        )
        if marked is None:  # another replica took the claim over; it settles it
            return await self.get(claimed.decision_id)
        headers: CIMultiDict[str] = CIMultiDict(request.headers)
        try:
            answer = await sender.send(request.method, request.target, headers, claimed.body)
        except DependencyFailure as exc:  # may or may not be saved: recovery reads it back
            log.warning("hold_send_unanswered", decision_id=claimed.decision_id, error=exc.message)
            return claimed
        saved = self._dialect.saved(parsed, answer.status, answer.body)
        readback = await self._read_back(
            sender, request.target, parsed.intents, tuple(s.id for s in saved)
        )
        failed = answer.status >= 300
        approved = replace(
            judged,
            id=claimed.execution_id,
            verdict=Verdict.ALLOW,  # what still only held it, the reviewer approved
            status=answer.status,
            upstream_status=answer.status,
            hold=HoldLink(
                state="approved",
                of=claimed.decision_id,
                reviewer=claimed.reviewer,
                comment=claimed.comment or "",
                reason=_crm_error(answer.body) if failed else "",
                readback=readback,
            ),
        )
        decision = answered(approved, saved)
        return await self._finish(claimed, decision, HoldState.FAILED if failed else HoldState.DONE)

    async def lapsed(self, row: HoldRow) -> Lapsed | None:
        """Why the agent token that sent the held write no longer carries its agent's
        authority (token mode; guardrail.holds.authority), or None while it does or no token
        sent it. Raises ContextUnavailable when the token store does not answer."""
        if self._tokens is None:
            return None
        return await lapsed(self._tokens.store, self._storage, row, self._tokens.clock())

    async def _approved(self, row: HoldRow) -> set[str]:
        """The reasons to hold (``policy/rule``) the reviewer saw and approved: the held
        decision's, as the audit log recorded them (only the hold's own first one when the
        record is gone)."""
        recorded = await self._storage.decision(row.decision_id)
        shown = recorded.body.get("violations", ()) if recorded is not None else ()
        held = (
            f"{v['policy']}/{v['rule']}"
            for v in shown
            if v["action"] == Action.HOLD and v["mode"] == Mode.ENFORCE
        )
        return {f"{row.policy}/{row.rule}", *held}

    async def _refuse(
        self,
        claimed: HoldRow,
        parsed: ParsedRequest | None,
        reason: str,
        judged: Decision | None = None,
    ) -> HoldRow:
        decision = Decision(
            id=claimed.execution_id,
            verdict=Verdict.BLOCK,
            crm=self._dialect.name,
            intents=parsed.intents if parsed else (),
            violations=judged.violations if judged else (),
            policy_version=self._pipeline.policy_version,
            caller=Caller(conversation=claimed.conversation, agent=claimed.agent),
            error="GUARDRAIL_HOLD_REFUSED",
            facts=judged.facts if judged else None,
            hold=HoldLink(
                state="refused",
                of=claimed.decision_id,
                reviewer=claimed.reviewer,
                comment=claimed.comment or "",
                reason=mask_text(reason),  # rule messages, quoting the write: shown as recorded
            ),
        )
        return await self._finish(claimed, decision, HoldState.REFUSED)

    async def _finish(self, claimed: HoldRow, decision: Decision, state: HoldState) -> HoldRow:
        """Record the settling decision, then mark the hold settled (in that order: a crash
        between them is recovered by finding the record)."""
        try:
            if await self._storage.decision(decision.id) is None:
                await self._audit.record(decision)
        except AuditUnavailable as exc:  # the claim lapses; recovery finds the write and records
            log.error("hold_not_recorded", decision_id=claimed.decision_id, error=exc.message)
            return claimed
        outcome = {
            "decision_id": decision.id,
            "status": decision.upstream_status,
            "saved_ids": list(decision.saved_ids),
            "reason": decision.hold.reason if decision.hold else "",
        }
        settled: HoldRow | None = await self._storage.move_hold(
            claimed.decision_id,
            (HoldState.EXECUTING,),
            state,
            _now(),
            claim=claimed.claim,
            values={"outcome": outcome, "request": None, "body": None},
        )
        if settled is None:  # another replica took the claim over; it settles it
            return await self.get(claimed.decision_id)
        self.metrics.count(claimed.policy, claimed.rule, str(state))
        log.info(f"hold_{state}", decision_id=claimed.decision_id, result=decision.id)
        await self._announce(decision, settled, record=False)
        return settled

    async def _announce(self, decision: Decision, settled: HoldRow, *, record: bool) -> None:
        """Tell everyone but the caller: the audit log (unless already), the other sinks
        (metrics, logs, the conversation's history), the webhook."""
        if record:
            await self._audit.record(decision)
        await self._report(decision)
        if self.notifier is not None:
            self.notifier.push(event(settled, decision))

    # -- sweeping: expiry and recovery -----------------------------------------------------

    async def sweep(self) -> None:
        """Expire what waited too long, recover what a dead replica left executing, and
        publish how many wait. Safe on every replica at once: each move is compare-and-set."""
        now = _now()
        for row in await self._storage.holds(
            (HoldState.HELD,), limit=_SWEEP_BATCH, expires_before=now
        ):
            await self._expire(row)
        stale = now - timedelta(seconds=self.settings.lease_seconds)
        for row in await self._storage.holds(
            (HoldState.EXECUTING,), limit=_SWEEP_BATCH, claimed_before=stale
        ):
            await self.recover(row)
        count, oldest = await self._storage.waiting_holds()
        self.metrics.waiting.set(count)
        self.metrics.oldest_waiting.set((now - oldest).total_seconds() if oldest else 0.0)

    async def sweep_forever(self) -> None:
        while True:
            try:
                if self._audit.available:  # while it is down, its own probe reports it
                    await self.sweep()
            except Exception:  # the next sweep may succeed; the loop must live on
                self.metrics.sweep_errors.inc()
                log.exception("hold_sweep_failed")
            await asyncio.sleep(self.settings.sweep_seconds)

    async def recover(self, row: HoldRow) -> None:
        """Take over a hold whose executing replica's lease ran out, and finish it without
        ever sending it twice."""
        now = _now()
        taken: HoldRow | None = await self._storage.move_hold(
            row.decision_id,
            (HoldState.EXECUTING,),
            HoldState.EXECUTING,
            now,
            claim=row.claim,
            values={"claim": _claim(), "claimed_at": now},
        )
        if taken is None:
            return  # another replica took it over first
        log.warning("hold_recovering", decision_id=row.decision_id)
        recorded = await self._storage.decision(row.execution_id)
        if recorded is not None:  # recorded, but the mark was lost
            body = recorded.body
            hold = body.get("hold") or {}
            state = (
                HoldState.REFUSED
                if hold.get("state") == "refused"
                else HoldState.FAILED
                if (body.get("upstream_status") or 0) >= 300
                else HoldState.DONE
            )
            settled = await self._storage.move_hold(
                row.decision_id,
                (HoldState.EXECUTING,),
                state,
                _now(),
                claim=taken.claim,
                values={
                    "outcome": {
                        "decision_id": row.execution_id,
                        "status": body.get("upstream_status"),
                        "saved_ids": [i.get("saved_id") for i in body.get("intents", ())],
                        "reason": hold.get("reason", ""),
                    },
                    "request": None,
                    "body": None,
                },
            )
            if settled is not None:
                self.metrics.count(row.policy, row.rule, str(state))
                if self.notifier is not None:
                    self.notifier.push({**event(settled, None), "status": body.get("status")})
            return
        sender = self._sender()
        read = await self._parse(taken, sender)
        parsed = read[1] if read is not None else None
        if parsed is None or sender is None or taken.request is None:
            await self._execute(taken)  # refuses, saying why
            return
        target = HeldRequest.from_document(taken.request).target
        existing = (row.outcome or {}).get("existing")
        if existing is None:  # stopped before the marker: nothing was sent
            await self._execute(taken)
            return
        try:
            found = await self._landed(sender, target, parsed.intents, existing)
        except _CannotTell as exc:  # never sent twice: a person looks at the CRM instead
            await self._refuse(taken, parsed, str(exc))
            return
        if found is None:
            await self._execute(taken)  # the CRM does not hold it: judged again, sent once
            return
        readback = await self._read_back(sender, target, parsed.intents, found)
        decision = Decision(
            id=row.execution_id,
            verdict=Verdict.ALLOW,
            crm=self._dialect.name,
            intents=parsed.intents,
            violations=(),
            policy_version=self._pipeline.policy_version,
            caller=Caller(conversation=row.conversation, agent=row.agent),
            saved=tuple(Saved(i) for i in found),
            hold=HoldLink(
                state="approved",
                of=row.decision_id,
                reviewer=row.reviewer,
                comment=row.comment or "",
                reason=(
                    "Recovered after the executing replica stopped: the CRM already held this "
                    "write, so it was not sent again."
                ),
                readback=readback,
            ),
        )
        await self._finish(taken, decision, HoldState.DONE)

    async def _existing(
        self, sender: Sender, target: str, intents: Sequence[WriteIntent]
    ) -> dict[str, list[str]]:
        """Per create intent (by index), the records the CRM already holds that look like it:
        recorded before the write is sent, so recovery can tell the one it created."""
        found: dict[str, list[str]] = {}
        for n, intent in enumerate(intents):
            if intent.operation is Operation.CREATE:
                found[str(n)] = await self._lookalikes(sender, target, intent) or []
        return found

    async def _lookalikes(
        self, sender: Sender, target: str, intent: WriteIntent
    ) -> list[str] | None:
        """The records that look like ``intent``'s create now; None when the CRM cannot be
        asked (its dialect has no such read)."""
        ask = self._dialect.lookalikes(target, intent)
        if ask is None:
            return None
        answer = await sender.send(ask.method, ask.target, CIMultiDict(ask.headers), ask.body)
        return self._dialect.lookalike_ids(answer.status, answer.body)

    async def _landed(
        self,
        sender: Sender,
        target: str,
        intents: Sequence[WriteIntent],
        existing: Mapping[str, Sequence[str]],
    ) -> tuple[str | None, ...] | None:
        """The saved ids, when the CRM already holds every write of ``intents`` (any of them,
        for a request the CRM may have saved in part); None when it holds none. A create is
        found as a look-alike record that was not there before the write was sent."""
        found: list[str | None] = []
        for n, intent in enumerate(intents):
            if intent.operation is Operation.CREATE:
                before = set(existing.get(str(n), ()))
                seen = await self._lookalikes(sender, target, intent)
                if seen is None:
                    raise _CannotTell(
                        "crm-guardrail stopped while sending this approved create and cannot "
                        "ask the CRM whether it saved it; it was not sent again. Check the CRM "
                        f"for the {intent.object} before creating it by hand."
                    )
                new = [i for i in seen if i not in before]
                found.append(new[0] if new else None)
                continue
            if intent.record_id is None:
                found.append(None)
                continue
            current, gone = await self._current(sender, target, (intent,))
            if intent.operation is Operation.DELETE:
                found.append(intent.record_id if gone else None)
            elif current and _applied(intent.fields, current[0].fields):
                found.append(intent.record_id)
            else:
                found.append(None)
        return tuple(found) if any(found) else None

    # -- reading the CRM -------------------------------------------------------------------

    async def _current(
        self, sender: Sender, target: str, intents: Sequence[WriteIntent]
    ) -> tuple[list[RecordRead], str | None]:
        """The records ``intents`` change, as the CRM holds them now, and the id of one that
        no longer exists (None when all do)."""
        found: list[RecordRead] = []
        for intent in intents:
            if intent.record_id is None or not intent.object:
                continue
            answer = await self._read(sender, target, intent.object, intent.record_id, None)
            records = self._dialect.read_records(answer.status, answer.body)
            if answer.status == 404 or (answer.status == 200 and not records):
                return found, intent.record_id
            found.extend(records)
        return found, None

    async def _read_back(
        self,
        sender: Sender,
        target: str,
        intents: Sequence[WriteIntent],
        saved: Sequence[str | None],
    ) -> tuple[Mapping[str, Any], ...]:
        """The saved records' written fields as the CRM holds them after the write."""
        shown: list[Mapping[str, Any]] = []
        for intent, record_id in zip(intents, saved, strict=False):
            if record_id is None or intent.operation is Operation.DELETE or not intent.object:
                continue
            try:
                answer = await self._read(sender, target, intent.object, record_id, intent.fields)
            except (DependencyFailure, RequestRejected):
                continue
            for record in self._dialect.read_records(answer.status, answer.body):
                fields = {k: v for k, v in record.fields.items() if k in intent.fields}
                shown.append({"object": record.object, "id": record.id, "fields": fields})
        return tuple(shown)

    async def _read(
        self,
        sender: Sender,
        target: str,
        sobject: str,
        record_id: str,
        fields: Iterable[str] | None,
    ) -> UpstreamResponse:
        """The record as the CRM holds it now, read as the dialect reads saved records, in
        the API of the held request (``target``)."""
        out = saved_read(self._dialect, target, sobject, [record_id], fields)
        return await sender.send(out.method, out.target, CIMultiDict(out.headers), out.body)

    async def _parse(
        self, row: HoldRow, sender: Sender | None = None
    ) -> tuple[str, ParsedRequest] | None:
        """The held request read again as the proxy read it (its path, and its writes):
        canonically, its names in the describe's spelling and, given a sender, what they
        really write resolved as the CRM holds them now (Judge.resolved). None when it can no
        longer be read."""
        if row.request is None:
            return None
        request = HeldRequest.from_document(row.request)
        headers: CIMultiDict[str] = CIMultiDict(request.headers)
        raw = RawRequest(request.method, request.target, headers, row.body or b"")
        caller = Caller(conversation=row.conversation, agent=row.agent)
        try:
            canonical, parsed = await self._judge.read(raw, caller)
            intents: Sequence[WriteIntent]
            if sender is None:
                intents = self._pipeline.canonical(self._dialect.name, parsed.intents)
            else:
                intents = await self._judge.resolved(
                    canonical.path, parsed.intents, lookups.asking(sender)
                )
        except RequestRejected:
            return None
        return canonical.path, replace(parsed, intents=tuple(intents))


def holdable(parsed: ParsedRequest) -> None:
    """Raises UnsupportedEndpoint for a write that cannot wait for approval: a bulk job's
    upload (the job would be left open with none of its rows sent). Every door answers it: the
    proxy refuses such a hold, the check API and the dry run say it would."""
    if parsed.shape is Shape.BULK:
        raise UnsupportedEndpoint(
            "crm-guardrail holds a record of this bulk job for a person's approval, and "
            "a bulk job cannot wait for one; nothing was sent. Send that record as a "
            "single write, which can wait for approval."
        )


def held_message(decision: Decision, *, pollable: bool) -> str:
    """What the agent is told about its held write: why, that it was not sent, until when it
    may wait, the decision id it waits as (the standing hold's, for a write sent again), not
    to send it again, and how it learns the outcome: by polling with its own agent token
    (``pollable``), else from the platform that runs it, through the admin API
    (guardrail.holds.poll)."""
    why = " ".join(f"({v.name}) {v.message}" for v in decision.violations if v.holds)
    link = decision.hold
    held = waiting_on(decision)
    until = link.until if link is not None else "its expiry"
    again = (
        "This same write was sent before and already waits; it was not kept again. "
        if link is not None and link.of is not None
        else ""
    )
    outcome = (
        f"Poll the outcome here with your own token: GET /guardrail/v1/decisions/{held}."
        if pollable
        else "The outcome is not shown to agents here (that takes an agent token); the "
        "platform that runs you can see it."
    )
    return (
        f"Held for approval by crm-guardrail {why} {again}The write was not sent: it waits for "
        f"a person's approval until {until} (decision {held}), and is rejected if nobody "
        f"approves it by then. Tell the customer it is being reviewed; do not send it again. "
        f"{outcome}"
    )


def waiting_on(decision: Decision) -> str:
    """The id of the hold a held decision waits as: its own, or the one it repeats."""
    link = decision.hold
    return link.of if link is not None and link.of is not None else decision.id


def reading(decision: Decision) -> tuple[dict[str, Any], ...]:
    """What the rules read of the conversation (asks, issues, stated facts, and what it saw
    but could not read), as the review shows it: each with its status, confidence and
    evidence (turn and words)."""
    facts = decision.facts
    if facts is None or facts.conversation is None:
        return ()
    read = facts.understanding  # what the rules read (made once per Facts)
    items: list[dict[str, Any]] = []
    for ask in read.asks:
        items.append(
            {
                "what": f"ask: {ask.kind}",
                "status": str(ask.status),
                "confidence": round(ask.confidence, 2),
                "amount": None if ask.amount is None else str(ask.amount),
                "evidence": [{"turn": e.turn, "text": e.text} for e in ask.evidence],
            }
        )
    for issue in read.issues:
        items.append(
            {
                "what": f"issue: {issue.reason}",
                "status": "denied" if issue.negated else "stated",
                "confidence": round(issue.confidence, 2),
                "amount": None,
                "evidence": [{"turn": e.turn, "text": e.text} for e in issue.evidence],
            }
        )
    for fact in read.facts:
        items.append(
            {
                "what": f"fact: {fact.kind}",
                "status": f"said by the {fact.speaker}",
                "confidence": round(fact.confidence, 2),
                "amount": str(fact.value),
                "evidence": [{"turn": e.turn, "text": e.text} for e in fact.evidence],
            }
        )
    for note in read.unsure:  # what the reading saw but could not read: why it is unsure
        items.append(
            {"what": "unsure", "status": note, "confidence": 0.0, "amount": None, "evidence": []}
        )
    return tuple(items)


def event(hold: HoldRow, decision: Decision | None) -> dict[str, Any]:
    """What the webhook gets about a settled hold."""
    link = decision.hold if decision is not None else None
    return {
        "event": "hold_settled",
        "decision_id": hold.decision_id,
        "state": str(hold.state),
        "conversation": hold.conversation,
        "agent": hold.agent,
        "policy": hold.policy,
        "rule": hold.rule,
        "reviewer": hold.reviewer,
        "comment": hold.comment,
        "result_decision_id": hold.execution_id,
        "status": decision.upstream_status if decision is not None else None,
        "saved_ids": list(decision.saved_ids) if decision is not None else [],
        "reason": link.reason if link is not None else "",
        "at": format_time(hold.updated_at),
    }


@dataclass(frozen=True)
class _Now:
    """The facts an approved hold is judged in: its conversation's (``store``), with the
    records it changes as the CRM holds them now (``current``: _with_reads)."""

    store: FactsSource
    current: tuple[RecordRead, ...]

    async def facts(self, caller: Caller, intents: Sequence[WriteIntent]) -> Facts:
        return _with_reads(await self.store.facts(caller, intents), self.current)


def _with_reads(facts: Facts, current: Sequence[RecordRead]) -> Facts:
    """``facts`` with the records as the CRM holds them now read last, so rules judge the
    record's current state; nothing is stored (the agent did not read them)."""
    c = facts.conversation
    if c is None or not current:
        return facts
    at = datetime.now(UTC)
    reads = [ReadRecord(object=r.object, id=r.id, fields=dict(r.fields), at=at) for r in current]
    return replace(facts, conversation=c.model_copy(update={"reads": [*c.reads, *reads]}))


def _applied(written: Mapping[str, Any], saved: Mapping[str, Any]) -> bool:
    """Whether the saved record holds every value the write set."""
    lowered = {k.lower(): v for k, v in saved.items()}
    for name, value in written.items():
        have = lowered.get(name.lower(), _MISSING)
        if have is _MISSING:
            return False
        if isinstance(value, int | float) and isinstance(have, int | float):
            if abs(float(value) - float(have)) > 1e-9:
                return False
        elif value != have:
            return False
    return True


_MISSING = object()


def _crm_error(body: bytes) -> str:
    text = mask_text(body.decode("utf-8", "replace")[:500])  # it may quote the values written
    return f"The CRM refused the write: {text}"


def _identity(name: str) -> str:
    """One spelling of a reviewer's or an agent's name, whatever its case."""
    return name.casefold()


def _claim() -> str:
    return secrets.token_hex(8)


def _now() -> datetime:
    return datetime.now(UTC)


class _CannotTell(Exception):
    """Recovery cannot tell whether an interrupted write reached the CRM."""
