"""Running labeled scenarios offline: the proxy's own dialect, conversation store, context
loader and pipeline, with a simulated CRM in place of a real one.

The simulated CRM holds only what the scenario declares (its starting records) and what its
allowed writes save. A read answers from those records in the CRM's own response format and
goes through the dialect's ``read_records``, as a proxied read's response does; a write is
parsed by the dialect, judged by the pipeline against the conversation as the store has it,
and, when not blocked, saved in the simulation; either way its decision joins the conversation
as the proxy's ConversationRecorder records it. No network, no process: a pack's scenarios run
in well under a second per hundred writes, so a rule change can be checked before a commit.

What it cannot show is what only a CRM knows: a write the CRM itself would refuse is saved
here. The end-to-end suite (tests/scenarios) runs the same files against the sandbox CRM for
that.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from multidict import CIMultiDict

from guardrail.bulk import BulkJobs
from guardrail.config import UnmatchedWrites
from guardrail.context.changes import ACCOUNT_RETENTION
from guardrail.context.loader import ContextLoader, ConversationRecorder
from guardrail.context.memory import MemoryConversationStore
from guardrail.context.model import ConversationIn, ConversationPatch, TurnsIn
from guardrail.crm.base import Dialect, RawRequest, Shape, dialect_for
from guardrail.errors import DependencyFailure, RequestRejected, ScenarioError
from guardrail.judge import Judge
from guardrail.model import Caller, Decision, Saved, Verdict, Violation
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import PolicySet
from guardrail.scenarios.format import (
    NewConversationStep,
    PatchStep,
    Placeholders,
    ReadStep,
    Scenario,
    TurnsStep,
    WriteStep,
    start,
)
from guardrail.scenarios.scoring import StepResult, failed_step

AGENT = "scenario-agent"
#: Conversations live as long as the run; nothing expires mid-suite.
IDLE_SECONDS = 24 * 3600


# -- the runner --------------------------------------------------------------------------------


class OfflineRunner:
    """Runs scenarios through the proxy's dialect, context and pipeline against a simulated CRM.

    One runner holds one conversation store for all the scenarios it runs, as one proxy would:
    writes are indexed by account across conversations (duplicate detection).
    """

    def __init__(
        self,
        policies: PolicySet,
        dialect: Dialect,
        unmatched: UnmatchedWrites = UnmatchedWrites.BLOCK,
    ) -> None:
        self._dialect = dialect
        self._store = MemoryConversationStore(IDLE_SECONDS)
        self._context = ContextLoader(self._store, dialect, ACCOUNT_RETENTION)
        jobs = BulkJobs(self._store, dialect, lambda obj: policies.kinds(dialect.name, obj))
        self._judge = Judge(dialect, Pipeline(lambda: policies, unmatched), self._context, jobs)
        self._recorder = ConversationRecorder(self._store, dialect)
        self._crm = dialect.simulator({o: p for p, o in policies.prefixes.items()})
        self._run = uuid.uuid4().hex[:8]
        self._count = 0

    async def run(self, scenario: Scenario) -> list[StepResult]:
        """Every labeled write of the scenario, judged. A step that cannot run ends the
        scenario (later steps may depend on it) and is reported as an error."""
        self._count += 1
        tag = f"{self._run}-{self._count}"
        results: list[StepResult] = []
        try:
            crm = self._crm
            values = start(scenario.records, tag, crm.create, crm.starting_records, crm.queues)
            conversation = f"scenario-{tag}-{scenario.name}"
            await self._put(conversation, values.fill(scenario.conversation))
            for read in scenario.reads:
                await self._read(values.fill(read), conversation)
        except (LookupError, ValueError) as exc:
            return [failed_step(scenario, scenario.steps[0], exc)]
        for n, step in enumerate(scenario.steps):
            try:
                if isinstance(step, WriteStep):
                    results.append(await self._write(scenario, step, values, conversation))
                elif isinstance(step, ReadStep):
                    await self._read(values.fill(step.read), conversation)
                elif isinstance(step, PatchStep):
                    patch = ConversationPatch.model_validate(values.fill(step.patch))
                    if await self._store.patch(conversation, patch) is None:
                        raise ScenarioError(f"conversation {conversation} is gone")
                elif isinstance(step, TurnsStep):
                    turns = TurnsIn.model_validate({"turns": values.fill(step.append_turns)})
                    if await self._store.append_turns(conversation, turns.turns) is None:
                        raise ScenarioError(f"conversation {conversation} is gone")
                elif isinstance(step, NewConversationStep):
                    conversation = f"scenario-{tag}-{n}-{scenario.name}"
                    await self._put(conversation, values.fill(step.new_conversation))
            except (LookupError, ValueError) as exc:
                results.append(failed_step(scenario, step, exc))
                break
        return results

    async def _put(self, conversation: str, body: Any) -> None:
        await self._store.put(conversation, ConversationIn.model_validate(body))

    async def _read(self, what: str, conversation: str) -> None:
        body = self._crm.read(what)
        records = self._dialect.read_records(200, body)
        await self._context.record_reads(Caller(conversation=conversation, agent=AGENT), records)

    async def _write(
        self, scenario: Scenario, step: WriteStep, values: Placeholders, conversation: str
    ) -> StepResult:
        started = time.perf_counter()
        result = StepResult.pending(scenario, step)
        caller = Caller(
            conversation=_conversation_header(step, conversation), agent=AGENT, tool=step.tool
        )
        target = f"{self._crm.api_path}/{values.fill(step.path)}"
        body = b"" if step.body is None else json.dumps(values.fill(step.body)).encode()
        headers = CIMultiDict(step.headers)
        if body:
            headers["Content-Type"] = "application/json"
        try:
            raw = RawRequest(step.method, target, headers, body)
            canonical, parsed = await self._judge.read(raw, caller)
            if parsed.shape is Shape.READ:
                raise ScenarioError(f"{step.method} {target} is a read, not a write")
            judged = await self._judge.judge(canonical.path, parsed.intents, caller, self._crm.get)
            decision = judged.decision
        except (RequestRejected, DependencyFailure) as exc:
            # As the proxy refuses a write it cannot judge: blocked, by the guardrail itself.
            return replace(
                result,
                decision=str(Verdict.BLOCK),
                blocked_by=frozenset({Violation.refusal(exc).name}),
                detail=exc.message,
                seconds=time.perf_counter() - started,
            )
        if decision.forwarded:
            saved = self._crm.save(decision.intents, parsed.shape)
            decision = replace(decision, saved=tuple(Saved(i) for i in saved))
            if step.method == "POST" and parsed.shape is Shape.SINGLE and decision.saved_ids[0]:
                values.created[step.name] = decision.saved_ids[0]
        await self._recorder.emit(decision)
        return _judged(result, decision, time.perf_counter() - started)


def _conversation_header(step: WriteStep, conversation: str) -> str | None:
    if step.header == "none":
        return None
    if step.header == "unregistered":
        return f"{conversation}-never-registered"
    return conversation


def _judged(result: StepResult, decision: Decision, seconds: float) -> StepResult:
    warned = frozenset(
        f"{v.policy}/{v.rule}" for v in decision.violations if v.uncertain and not v.would_block
    )
    if decision.verdict not in (Verdict.BLOCK, Verdict.HOLD):
        return replace(result, decision=str(decision.verdict), warned_by=warned, seconds=seconds)
    held = decision.verdict is Verdict.HOLD
    blocking = [v for v in decision.violations if (v.holds if held else v.blocks)]
    rules = frozenset(v.name for v in blocking)
    return replace(
        result,
        decision=str(decision.verdict),
        blocked_by=frozenset() if held else rules,
        held_by=rules if held else frozenset(),
        warned_by=warned,
        detail=" | ".join(f"({v.policy}/{v.rule}) {v.message}" for v in blocking),
        seconds=seconds,
    )


async def run_all(
    policies: PolicySet,
    scenarios: Iterable[Scenario],
    unmatched: UnmatchedWrites = UnmatchedWrites.BLOCK,
    dialect: Dialect | None = None,
) -> list[StepResult]:
    """Every labeled write of every scenario, in order, through one runner: the CRM's the
    pack is written for unless ``dialect`` is given."""
    runner = OfflineRunner(policies, dialect or dialect_for(policies.crm), unmatched)
    return [result for scenario in scenarios for result in await runner.run(scenario)]
