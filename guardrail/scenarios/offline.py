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
import re
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, unquote

from multidict import CIMultiDict

from guardrail import lookups
from guardrail.config import UnmatchedWrites
from guardrail.context.changes import ACCOUNT_RETENTION
from guardrail.context.loader import ContextLoader, ConversationRecorder
from guardrail.context.memory import MemoryConversationStore
from guardrail.context.model import ConversationIn, ConversationPatch, TurnsIn
from guardrail.crm import sfid
from guardrail.crm.base import RawRequest, Shape
from guardrail.crm.salesforce import SalesforceDialect
from guardrail.errors import DependencyFailure, RequestRejected
from guardrail.model import Caller, Decision, Operation, Verdict, Violation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.loader import PolicySet
from guardrail.scenarios.format import (
    API_PATH,
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
from guardrail.upstream import UpstreamResponse

AGENT = "scenario-agent"
#: The key prefix of records of an object the policy set gives none (a custom object without
#: a schema, written because unmatched writes are allowed).
UNKNOWN_PREFIX = "a00"
#: Conversations live as long as the run; nothing expires mid-suite.
IDLE_SECONDS = 24 * 3600


class ScenarioError(ValueError):
    """A step the simulation cannot run (an unknown record, a query it does not read)."""


# -- the simulated CRM -------------------------------------------------------------------------


@dataclass
class _Record:
    sobject: str
    fields: dict[str, Any]


_SOQL = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<object>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_CONDITION = re.compile(
    r"^\s*(?P<field>\w+)\s*(?P<op>=|!=|<>)\s*"
    r"(?:'(?P<text>(?:[^'\\]|\\.)*)'|(?P<number>-?\d+(?:\.\d+)?)|(?P<word>true|false|null))\s*$",
    re.IGNORECASE,
)
_WORDS = {"true": True, "false": False, "null": None}


class SimulatedCrm:
    """Records by id, answering reads in Salesforce's JSON and saving allowed writes.

    Ids are Salesforce-shaped (the object's key prefix from the policy set, ``SIM``, a serial,
    the checksum), so rules that check key prefixes see what they would see in an org.
    """

    def __init__(self, policies: PolicySet) -> None:
        self._prefixes = {o.lower(): p for p, o in policies.prefixes.items()}
        self._records: dict[str, _Record] = {}
        self._serial = 0

    def create(self, sobject: str, fields: Mapping[str, Any]) -> str:
        self._serial += 1
        prefix = self._prefixes.get(sobject.lower(), UNKNOWN_PREFIX)
        record_id = sfid.to18(f"{prefix}SIM{self._serial:09d}")
        self._records[record_id[:15]] = _Record(sobject, dict(fields))
        return record_id

    def read(self, what: str) -> bytes:
        """The response body of a read: a ``sobjects/...`` path or SOQL. Raises ScenarioError."""
        if what.lstrip()[:7].upper() == "SELECT ":
            return _json(self._query(what))
        path, _, query = what.partition("?")
        parts = path.strip("/").split("/")
        selected = dict(parse_qsl(query)).get("fields")
        names = [f.strip() for f in selected.split(",")] if selected else None
        if parts[0] == "sobjects" and len(parts) == 3:
            found = self._get(parts[1], parts[2])
        elif parts[0] == "sobjects" and len(parts) == 4:
            found = self._by_field(parts[1], parts[2], parts[3])
        else:
            raise ScenarioError(f"the simulated CRM does not read {what!r}")
        if found is None:
            raise ScenarioError(f"the simulated CRM has no record at {what!r}")
        return _json(_row(*found, names))

    async def get(self, target: str) -> UpstreamResponse:
        """The CRM's answer to the GET by lookup field the proxy makes before judging a write
        by lookup field (guardrail.lookups): the record, 300 for several, 404 for none."""
        path = unquote(target.partition("?")[0])
        parts = path.removeprefix(API_PATH).strip("/").split("/")
        if len(parts) != 4 or parts[0] != "sobjects":
            return UpstreamResponse(400, CIMultiDict(), b"[]")
        sobject, name, value = parts[1:]
        found = [
            (sfid.to18(key), record)
            for key, record in self._records.items()
            if record.sobject.lower() == sobject.lower()
            and _same(sfid.to18(key) if name.lower() == "id" else _field(record, name), value)
        ]
        if len(found) == 1:
            return UpstreamResponse(200, CIMultiDict(), _json(_row(*found[0], None)))
        return UpstreamResponse(300 if found else 404, CIMultiDict(), b"[]")

    def save(self, intents: Sequence[WriteIntent]) -> tuple[str | None, ...]:
        """Save each intent of an allowed write; the id each record has afterwards."""
        return tuple(self._save(intent) for intent in intents)

    def _save(self, intent: WriteIntent) -> str | None:
        fields = dict(intent.fields)
        record_id: str | None = intent.record_id
        if intent.operation is Operation.CREATE:
            return self.create(intent.object, fields)
        if intent.operation is Operation.UPSERT and intent.external_id_field:
            found = self._by_field(
                intent.object, intent.external_id_field, intent.external_id or ""
            )
            if found is None:
                return self.create(
                    intent.object, {**fields, intent.external_id_field: intent.external_id}
                )
            record_id = found[0]
        record = self._records.get((record_id or "")[:15])
        if record is not None and intent.operation is Operation.DELETE:
            del self._records[(record_id or "")[:15]]
        elif record is not None:
            record.fields.update(fields)
        return record_id

    def _get(self, sobject: str, record_id: str) -> tuple[str, _Record] | None:
        record = self._records.get(record_id[:15])
        if record is None or record.sobject.lower() != sobject.lower():
            return None
        return sfid.to18(record_id[:15]), record

    def _by_field(self, sobject: str, name: str, value: str) -> tuple[str, _Record] | None:
        for key, record in self._records.items():
            if record.sobject.lower() == sobject.lower() and _same(record.fields.get(name), value):
                return sfid.to18(key), record
        return None

    def _query(self, soql: str) -> dict[str, Any]:
        """The subset of SOQL scenarios read with: ``SELECT f, ... FROM Object [WHERE f op
        literal [AND ...]] [LIMIT n]``, ``op`` one of ``=`` and ``!=``."""
        match = _SOQL.match(soql)
        if match is None:
            raise ScenarioError(f"the simulated CRM does not read this SOQL: {soql!r}")
        conditions = []
        for clause in re.split(r"\s+AND\s+", match["where"] or "", flags=re.IGNORECASE):
            if not clause.strip():
                continue
            condition = _CONDITION.match(clause)
            if condition is None:
                raise ScenarioError(f"the simulated CRM does not read this condition: {clause!r}")
            conditions.append(condition)
        names = [f.strip() for f in match["fields"].split(",")]
        rows = [
            _row(sfid.to18(key), record, names)
            for key, record in self._records.items()
            if record.sobject.lower() == match["object"].lower()
            and all(_holds(c, record, key) for c in conditions)
        ]
        if match["limit"]:
            rows = rows[: int(match["limit"])]
        return {"totalSize": len(rows), "done": True, "records": rows}


def _holds(condition: re.Match[str], record: _Record, key: str) -> bool:
    name = condition["field"]
    actual = sfid.to18(key) if name.lower() == "id" else record.fields.get(name)
    if condition["text"] is not None:
        wanted: Any = condition["text"].replace("\\'", "'")
    elif condition["number"] is not None:
        wanted = float(condition["number"])
    else:
        wanted = _WORDS[condition["word"].lower()]
    equal = _same(actual, wanted)
    return equal if condition["op"] == "=" else not equal


def _field(record: _Record, name: str) -> Any:
    """A record's field by name in any case, as Salesforce reads field names."""
    return next((v for k, v in record.fields.items() if k.lower() == name.lower()), None)


def _same(actual: Any, wanted: Any) -> bool:
    """Salesforce's comparison: text case-insensitively, ids in either length."""
    if isinstance(actual, str) and isinstance(wanted, str):
        if sfid.is_id(actual) and sfid.is_id(wanted):
            return sfid.same_id(actual, wanted)
        return actual.lower() == wanted.lower()
    if isinstance(actual, int | float) and isinstance(wanted, int | float):
        return float(actual) == float(wanted)
    return bool(actual == wanted)


def _row(record_id: str, record: _Record, names: Iterable[str] | None) -> dict[str, Any]:
    fields = {"Id": record_id, **record.fields}
    if names is not None:
        wanted = {n.lower() for n in names} | {"id"}
        fields = {k: v for k, v in fields.items() if k.lower() in wanted}
    url = f"{API_PATH}/sobjects/{record.sobject}/{record_id}"
    return {"attributes": {"type": record.sobject, "url": url}, **fields}


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


# -- the runner --------------------------------------------------------------------------------


class OfflineRunner:
    """Runs scenarios through the proxy's dialect, context and pipeline against a simulated CRM.

    One runner holds one conversation store for all the scenarios it runs, as one proxy would:
    writes are indexed by account across conversations (duplicate detection).
    """

    def __init__(
        self, policies: PolicySet, unmatched: UnmatchedWrites = UnmatchedWrites.BLOCK
    ) -> None:
        self._dialect = SalesforceDialect()
        self._pipeline = Pipeline(lambda: policies, unmatched)
        self._store = MemoryConversationStore(IDLE_SECONDS)
        self._context = ContextLoader(self._store, ACCOUNT_RETENTION)
        self._recorder = ConversationRecorder(self._store)
        self._crm = SimulatedCrm(policies)
        self._run = uuid.uuid4().hex[:8]
        self._count = 0

    async def run(self, scenario: Scenario) -> list[StepResult]:
        """Every labeled write of the scenario, judged. A step that cannot run ends the
        scenario (later steps may depend on it) and is reported as an error."""
        self._count += 1
        tag = f"{self._run}-{self._count}"
        results: list[StepResult] = []
        try:
            values = start(scenario, tag, self._crm.create)
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
        target = f"{API_PATH}/{values.fill(step.path)}"
        body = b"" if step.body is None else json.dumps(values.fill(step.body)).encode()
        headers = CIMultiDict(step.headers)
        if body:
            headers["Content-Type"] = "application/json"
        try:
            canonical = self._dialect.canonical(RawRequest(step.method, target, headers, body))
            parsed = self._dialect.parse(canonical)
            if parsed.shape is Shape.READ:
                raise ScenarioError(f"{step.method} {target} is a read, not a write")
            intents = await lookups.resolve(
                self._dialect,
                canonical.path,
                self._pipeline.canonical(self._dialect.name, parsed.intents),
                self._crm.get,
            )
            facts = await self._context.facts(caller, intents)
            decision = self._pipeline.evaluate(self._dialect.name, intents, caller, facts)
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
            decision = replace(decision, saved_ids=self._crm.save(decision.intents))
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
) -> list[StepResult]:
    """Every labeled write of every scenario, in order, through one runner."""
    runner = OfflineRunner(policies, unmatched)
    return [result for scenario in scenarios for result in await runner.run(scenario)]
