"""IsCompliant: a policy's CEL rules over the write and the conversation it belongs to.

Rules are compiled once, when the policy set loads, to Python functions (guardrail.policy.native)
over plain values: judging converts nothing. Each intent of a request gets one Environment,
shared by every policy judging it: its values (the intent, the conversation's, the caller's) and
the rule functions bound to the request's facts; a policy adds only its own names (``params``,
``variables``) on top. The transcript is reached through functions over pre-digested facts.
A program that reads only what one conversation revision decides (its values, the reading of
it, earlier such variables) is run once per revision, and its value (or error) reused by every
write until the conversation changes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import cel

from guardrail.checks.base import CheckContext
from guardrail.context.facts import Facts
from guardrail.context.model import READ_JSON, WRITE_JSON, Conversation, Customer, WriteRecord
from guardrail.model import Action, Violation, WriteIntent
from guardrail.policy.functions import (
    CEL_BUILTINS,
    NAMES,
    REVISION_FUNCTIONS,
    RuleFunctions,
    is_operator,
)
from guardrail.policy.native import Names, Program
from guardrail.sinks.redact import mask_card_data

RULE_CODE = "GUARDRAIL_POLICY_VIOLATION"
CONTEXT_CODE = "GUARDRAIL_CONTEXT_REQUIRED"
ERROR_CODE = "GUARDRAIL_RULE_ERROR"
CONTEXT_HEADER = "X-Guardrail-Conversation"
UNSURE_NOTE = "(crm-guardrail's reading of the conversation is not sure of this.)"
#: What a rule may read and stay one revision's (conversation_values; functions of the revision).
_OF_REVISION = frozenset(
    {"conversation", "customer", "entitlements", *(f"F.{f}" for f in REVISION_FUNCTIONS)}
)
# Facts.revision_memo's key for the values of the programs run once per revision.
_ONCE = "once-per-revision"


class RuleCompileError(ValueError):
    """A rule's expression does not compile or calls an unknown function."""


def compile_expression(source: str) -> Program:
    """A compiled CEL program. Raises RuleCompileError naming what is wrong."""
    try:
        program = cel.compile(source)
    except ValueError as exc:
        raise RuleCompileError(str(exc).split("\n", 1)[0]) from None
    unknown = sorted(
        f
        for f in program.functions()
        if not is_operator(f) and f not in NAMES and f not in CEL_BUILTINS
    )
    if unknown:
        raise RuleCompileError(
            f"unknown function(s) {', '.join(unknown)}; available: {', '.join(sorted(NAMES))}"
        )
    return Program(source, program, NAMES)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    name: str
    program: Program
    message: str
    message_program: Program | None
    action: Action
    #: Holds when the rule's failure comes from an unsure reading (policy ``uncertain``).
    uncertain_program: Program | None = None
    on_uncertain: Action = Action.BLOCK


class RuleSet:
    """A policy's compiled rules, run on a policy's names; each false rule is a violation.

    A rule that errors at run time (a field the write lacks, a wrong type) is judged by the
    policy's failurePolicy, as Kubernetes ValidatingAdmissionPolicy does: closed blocks the
    write naming the rule and the error; open lets it through with a warning. Either way the
    error is a violation (code GUARDRAIL_RULE_ERROR), so it is audited, logged and counted.
    """

    def __init__(
        self,
        policy: str,
        rules: Sequence[CompiledRule],
        code: str = RULE_CODE,
        fail_open: bool = False,
    ) -> None:
        self.policy = policy
        self.rules = tuple(rules)
        self.code = code
        self.fail_open = fail_open

    def run(self, names: Names, functions: RuleFunctions) -> list[Violation]:
        found = []
        for rule in self.rules:
            try:
                passed = rule.program.run(names, functions) is True
            except Exception as exc:  # CEL raises many unrelated types
                found.append(self.error(rule.name, exc))
                continue
            if not passed:
                unsure = self._unsure(rule, names, functions)
                message = self._message(rule, names, functions)
                if unsure:
                    message = f"{message} {UNSURE_NOTE}"
                found.append(
                    Violation(
                        policy=self.policy,
                        rule=rule.name,
                        message=message,
                        action=rule.on_uncertain if unsure else rule.action,
                        code=self.code,
                        uncertain=unsure,
                    )
                )
        return found

    def _unsure(self, rule: CompiledRule, names: Names, functions: RuleFunctions) -> bool:
        """Whether the rule failed only because the conversation's reading is not sure. An
        ``uncertain`` expression that errors counts as sure: the failure stands."""
        if rule.uncertain_program is None or rule.action is not Action.BLOCK:
            return False
        try:
            return rule.uncertain_program.run(names, functions) is True
        except Exception:  # CEL raises many unrelated types
            return False

    def _message(self, rule: CompiledRule, names: Names, functions: RuleFunctions) -> str:
        """The rule's message; one its expression builds from the write never quotes card
        data back (a note's stated facts may be pieces of a disguised card number)."""
        if rule.message_program is None:
            return rule.message
        try:
            text = rule.message_program.run(names, functions)
        except Exception:  # a broken message must not hide the violation
            return rule.message
        return mask_card_data(text) if isinstance(text, str) and text else rule.message

    def error(self, rule: str, exc: Exception) -> Violation:
        what = f"Rule {rule} could not be evaluated on this write ({type(exc).__name__}: {exc})"
        if self.fail_open:
            return Violation(
                policy=self.policy,
                rule=rule,
                message=f"{what}; policy {self.policy} fails open, so the write went through.",
                action=Action.WARN,
                code=ERROR_CODE,
            )
        return Violation(
            policy=self.policy,
            rule=rule,
            message=(
                f"{what}; crm-guardrail does not let it through (policy {self.policy} fails "
                "closed). Tell the guardrail administrator."
            ),
            code=ERROR_CODE,
        )


class IsCompliant:
    """Runs one policy's rules on an intent."""

    name = "IsCompliant"

    def __init__(
        self,
        policy: str,
        rules: Sequence[CompiledRule],
        conditions: Sequence[Program] = (),
        variables: Sequence[tuple[str, Program]] = (),
        params: Mapping[str, Any] | None = None,
        context_required: bool = False,
        block_without_context: bool = True,
        fail_open: bool = False,
    ) -> None:
        self.policy = policy
        once = {p: once_per_revision(p) for p in of_revision(rules, conditions, variables)}
        rules = [
            replace(r, program=once.get(r.program, r.program),
                    message_program=_kept(once, r.message_program),
                    uncertain_program=_kept(once, r.uncertain_program))
            for r in rules
        ]  # fmt: skip
        self.rules = RuleSet(policy, rules, fail_open=fail_open)
        self.conditions = tuple(once.get(p, p) for p in conditions)
        self.variables = tuple((name, once.get(p, p)) for name, p in variables)
        self.params = dict(params or {})
        self.context_required = context_required
        self.block_without_context = block_without_context

    def __call__(self, intent: WriteIntent, context: CheckContext) -> Sequence[Violation]:
        env = Environment.of(context, intent)
        # The write's names, with this policy's own put in over the last policy's (policies
        # judge an intent one after another): nothing of the write's is copied per policy,
        # and what its names make on first use (reads, writes) is made once for them all.
        names = env.names
        names["params"] = self.params
        names.pop("variables", None)
        functions = env.functions
        try:
            for condition in self.conditions:
                if condition.run(names, functions) is not True:
                    return ()
        except Exception as exc:  # as a rule error: the write cannot be judged
            return [self.rules.error("matchConditions", exc)]
        facts = context.facts
        if self.context_required and (facts is None or facts.conversation is None):
            return self._missing_context(context) if self.block_without_context else ()
        if self.variables:
            values: dict[str, Any] = {}
            names["variables"] = values  # later variables may use earlier ones
            for name, program in self.variables:
                try:
                    values[name] = program.run(names, functions)
                except Exception as exc:  # as a rule error: the write cannot be judged
                    return [self.rules.error(f"variables.{name}", exc)]
        return self.rules.run(names, functions)

    def _missing_context(self, context: CheckContext) -> Sequence[Violation]:
        conversation = context.caller.conversation
        if conversation:
            why = (
                f"conversation {conversation!r} is unknown to crm-guardrail (never registered, "
                "or expired). Register it with PUT /guardrail/v1/conversations/{id} first."
            )
        else:
            why = f"the request has no {CONTEXT_HEADER} header. Send it with the conversation id."
        return [
            Violation(
                policy=self.policy,
                rule="ContextRequired",
                message=f"Policy {self.policy} judges writes against their conversation, but {why}",
                code=CONTEXT_CODE,
            )
        ]


def of_revision(
    rules: Sequence[CompiledRule],
    conditions: Sequence[Program] = (),
    variables: Sequence[tuple[str, Program]] = (),
) -> frozenset[Program]:
    """A policy's programs one conversation revision decides: they read only its values, the
    functions it alone answers and the variables so made (in order: a variable reads those
    before it). Only those that call a function are kept for running once per revision: a
    look-up costs what reading a kept value does."""
    known = set(_OF_REVISION)
    for name, program in variables:
        (known.add if program.reads <= known else known.discard)(f"variables.{name}")
    programs = [
        *conditions,
        *(program for _, program in variables),
        *(p for r in rules for p in (r.program, r.message_program, r.uncertain_program) if p),
    ]
    return frozenset(
        p for p in programs if p.reads <= known and any(r.startswith("F.") for r in p.reads)
    )


def once_per_revision(program: Program) -> Program:
    """``program``, run once per conversation revision: its value, or its error, kept in the
    revision's memo (Facts.revision_memo) for every write until the conversation changes;
    run each time where no revision is kept."""
    run = program.run
    once = copy.copy(program)

    def kept_run(names: Names, functions: Any = None) -> Any:
        facts = functions.facts if isinstance(functions, RuleFunctions) else None
        if facts is None or (memo := facts.revision_memo(_ONCE)) is None:
            return run(names, functions)
        kept = memo.get(once)
        if kept is None:
            ok, found = True, None
            try:
                found = run(names, functions)
            except Exception as exc:  # CEL raises many unrelated types
                ok, found = False, exc.with_traceback(None)
            # the reading read again where the first run read it: a decision says so
            kept = memo[once] = (ok, found, "understanding" in vars(facts))
        elif kept[2]:
            facts.understanding  # noqa: B018
        if kept[0]:
            return kept[1]
        raise kept[1]

    once.run = kept_run
    return once


def _kept(once: Mapping[Program, Program], program: Program | None) -> Program | None:
    return None if program is None else once.get(program, program)


def intent_value(intent: WriteIntent) -> dict[str, Any]:
    """The ``intent`` variable: what rules see of a write."""
    return {
        "object": intent.object,
        "operation": str(intent.operation),
        "id": intent.record_id or "",
        "external_id_field": intent.external_id_field or "",
        "external_id": intent.external_id or "",
        "account": intent.account or "",
        "belongs_to": {f: list(owners) for f, owners in intent.belongs_to.items()},
        "filled": dict(intent.filled),
        "current": dict(intent.current),
        "fields": dict(intent.fields),
        "headers": dict(intent.headers),
    }


class Environment:
    """What rules see of one intent in one request, shared by every policy judging it: the
    write's values (``names``) and the rule functions bound to the request's facts.

    Nothing is converted: rules run as Python over these values. What a conversation
    revision's writes share (its ``conversation``, ``customer``, ``entitlements``) is made once
    per revision (kept in Facts.revision); ``reads`` and ``writes`` only for a rule that uses
    them."""

    __slots__ = ("__weakref__", "functions", "names")

    def __init__(self, context: CheckContext, intent: WriteIntent) -> None:
        facts = context.facts or Facts(conversation=None)
        self.functions = RuleFunctions(facts)
        self.functions.pending = context.pending
        self.functions.intent = intent
        self.names = WriteNames(
            {
                **conversation_values(facts),
                "intent": intent_value(intent),
                "tool": context.caller.tool or "",
                "agent": context.caller.agent or "",
                "now": facts.now,
            },
            facts.conversation,
            context.pending,
        )

    @classmethod
    def of(cls, context: CheckContext, intent: WriteIntent) -> Environment:
        key = ("rules", id(intent), len(context.pending))  # one intent may be written twice
        env: Environment | None = context.memo.get(key)
        if env is None:
            env = context.memo[key] = cls(context, intent)
        return env


_REVISION_KEY = "rule-values"


def conversation_values(facts: Facts) -> Mapping[str, Any]:
    """The conversation's variables, made once per stored revision."""
    kept = facts.revision.get(_REVISION_KEY) if facts.revision is not None else None
    if kept is None:
        kept = _conversation_values(facts.conversation)
        if facts.revision is not None:
            facts.revision[_REVISION_KEY] = kept
    return kept


def _conversation_values(c: Conversation | None) -> dict[str, Any]:
    return {
        "conversation": {
            "id": c.id if c else "",
            "channel": (c.channel if c else None) or "",
            "outcome": (c.outcome if c else None) or "",
            "metadata": c.metadata if c else {},
            "turn_count": len(c.turns) if c else 0,
        },
        "customer": (c.customer if c else Customer()).model_dump(),
        "entitlements": dict(c.entitlements) if c else {},
    }


class WriteNames(Names):
    """A write's names; ``reads`` and ``writes`` (the conversation's records, and the writes
    before this one in its request) are made on first use."""

    __slots__ = ("_conversation", "_pending")

    def __init__(
        self,
        values: Mapping[str, Any],
        conversation: Conversation | None,
        pending: tuple[WriteRecord, ...],
    ) -> None:
        super().__init__(values)
        self._conversation, self._pending = conversation, pending

    def __missing__(self, name: str) -> Any:
        c = self._conversation
        if name == "reads":
            records = [READ_JSON.dump_python(r, mode="json") for r in c.reads] if c else []
        elif name == "writes":
            written = (*c.writes, *self._pending) if c else ()
            records = [WRITE_JSON.dump_python(w, mode="json") for w in written]
        else:
            return super().__missing__(name)
        self[name] = records
        return records
