"""IsCompliant: a policy's CEL rules over the write and the conversation it belongs to.

Rules are compiled once, when the policy set loads; a rule passes when its expression is true.
Each request gets one set of bound functions (guardrail.policy.functions) and, per intent and
policy, one CEL context holding small values only: the intent, the customer, entitlements,
policy params. The transcript is reached through functions over pre-digested facts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import cel

from guardrail.checks.base import CheckContext
from guardrail.checks.guard import Guard, guard
from guardrail.context.facts import Facts
from guardrail.context.model import READ_JSON, WRITE_JSON, Conversation, Customer, WriteRecord
from guardrail.model import Action, Violation, WriteIntent
from guardrail.policy.functions import CEL_BUILTINS, NAMES, RuleFunctions, is_operator
from guardrail.sinks.redact import mask_card_data

RULE_CODE = "GUARDRAIL_POLICY_VIOLATION"
CONTEXT_CODE = "GUARDRAIL_CONTEXT_REQUIRED"
ERROR_CODE = "GUARDRAIL_RULE_ERROR"
CONTEXT_HEADER = "X-Guardrail-Conversation"
UNSURE_NOTE = "(crm-guardrail's reading of the conversation is not sure of this.)"


class RuleCompileError(ValueError):
    """A rule's expression does not compile or calls an unknown function."""


def compile_expression(source: str) -> Any:
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
    return program


@dataclass(frozen=True, slots=True)
class CompiledRule:
    name: str
    program: Any
    message: str
    message_program: Any | None
    action: Action
    #: Holds when the rule's failure comes from an unsure reading (policy ``uncertain``).
    uncertain_program: Any | None = None
    on_uncertain: Action = Action.BLOCK


class RuleSet:
    """A policy's compiled rules, run on a CEL environment; each false rule is a violation.

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

    def run(self, env: Environment) -> list[Violation]:
        found = []
        for rule in self.rules:
            try:
                passed = _run(rule.program, env) is True
            except Exception as exc:  # CEL raises many unrelated types
                found.append(self.error(rule.name, exc))
                continue
            if not passed:
                unsure = self._unsure(rule, env)
                message = self._message(rule, env)
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

    def _unsure(self, rule: CompiledRule, env: Environment) -> bool:
        """Whether the rule failed only because the conversation's reading is not sure. An
        ``uncertain`` expression that errors counts as sure: the failure stands."""
        if rule.uncertain_program is None or rule.action is not Action.BLOCK:
            return False
        try:
            return _run(rule.uncertain_program, env) is True
        except Exception:  # CEL raises many unrelated types
            return False

    def _message(self, rule: CompiledRule, env: Environment) -> str:
        """The rule's message; one its expression builds from the write never quotes card
        data back (a note's stated facts may be pieces of a disguised card number)."""
        if rule.message_program is None:
            return rule.message
        try:
            text = _run(rule.message_program, env)
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
        conditions: Sequence[Any] = (),
        variables: Sequence[tuple[str, Any]] = (),
        params: Mapping[str, Any] | None = None,
        context_required: bool = False,
        block_without_context: bool = True,
        fail_open: bool = False,
    ) -> None:
        self.policy = policy
        self.rules = RuleSet(policy, rules, fail_open=fail_open)
        self.conditions = tuple(conditions)
        self.variables = tuple(variables)
        self.params = dict(params or {})
        self.context_required = context_required
        self.block_without_context = block_without_context
        programs = [*self.conditions, *(p for _, p in self.variables)]
        for rule in rules:
            programs += [rule.program, rule.message_program, rule.uncertain_program]
        self.reaches = {id(p): reaches(p.source) for p in programs if p is not None}
        # The conditions and rules the write's field names can decide without running them.
        tests = [*self.conditions, *(rule.program for rule in rules)]
        self.guards = {id(p): g for p in tests if (g := guard(p.source)) is not None}

    def __call__(self, intent: WriteIntent, context: CheckContext) -> Sequence[Violation]:
        env = Environment.of(context, intent)
        scope = env.scope.judge({"params": self.params}, self.reaches, self.guards)
        try:
            if not all(_run(c, env) is True for c in self.conditions):
                return ()
        except Exception as exc:  # as a rule error: the write cannot be judged
            return [self.rules.error("matchConditions", exc)]
        facts = context.facts
        if self.context_required and (facts is None or facts.conversation is None):
            return self._missing_context(context) if self.block_without_context else ()
        if self.variables:
            values: dict[str, Any] = {}
            scope["variables"] = values  # later variables may use earlier ones
            for name, program in self.variables:
                try:
                    values[name] = _run(program, env)
                except Exception as exc:  # as a rule error: the write cannot be judged
                    return [self.rules.error(f"variables.{name}", exc)]
        return self.rules.run(env)

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


def _run(program: Any, env: Environment) -> Any:
    scope = env.scope
    decided = scope.decided(program, env.fields)
    if decided is not None:
        return decided
    scope.running = id(program)
    return program.execute(env.cel)


def reaches(
    source: str, names: Sequence[str] = ("params", "variables")
) -> dict[str, frozenset[str]]:
    """The keys of each named map an expression can reach, for each it uses only as
    ``name.key``; a name used otherwise (bare, indexed, in a string) is left out: it may
    reach every key. CEL converts a map it is handed whole, on every access, so a rule given
    only what it reaches converts that, not the whole map."""
    use = re.compile(rf"(?<![\w.])({'|'.join(names)})\b(?:\s*\.\s*([A-Za-z_]\w*))?")
    keys: dict[str, set[str]] = {}
    whole: set[str] = set()
    for match in use.finditer(source):
        name, key = match.groups()
        if key is None:
            whole.add(name)
        else:
            keys.setdefault(name, set()).add(key)
    return {name: frozenset(k) for name, k in keys.items() if name not in whole}


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
    """The CEL context of one intent in one request, shared by every policy judging it.

    Converting values is what costs (CEL converts every value: ~4 us a string, ~250 us a
    whole context); running a compiled rule on a built context costs ~2 us. So what a
    conversation revision's writes share (the conversation's values, the bound function
    library) is converted once per revision (Shared, kept in Facts.revision) and each write
    adds only its own values; what differs per policy (``params``, ``variables``) reaches CEL
    through the resolver, from ``scope``. ``reads`` and ``writes`` are converted only for rules
    that use them.
    """

    def __init__(self, context: CheckContext, intent: WriteIntent) -> None:
        facts = context.facts or Facts(conversation=None)
        shared = Shared.borrow(facts)
        shared.lend(facts, intent, context.pending)
        context.closing.append(functools.partial(shared.give_back, facts.revision))
        shared.cel.update(
            {
                "intent": intent_value(intent),
                "tool": context.caller.tool or "",
                "agent": context.caller.agent or "",
                "now": facts.now,
            }
        )
        self.scope = shared.scope
        self.cel = shared.cel
        self.fields = intent.fields

    @classmethod
    def of(cls, context: CheckContext, intent: WriteIntent) -> Environment:
        key = f"cel:{id(intent)}"
        env: Environment | None = context.memo.get(key)
        if env is None:
            env = context.memo[key] = cls(context, intent)
        return env


class Shared:
    """A CEL context holding one conversation revision's values and the function library,
    lent to one write at a time: the functions answer from the facts of the write it is lent
    to (RuleFunctions), and a write's own values are added on top. Given back when the write
    is judged, it lets go of that write's facts and conversation (nothing of a write's objects
    outlives its judging); the CEL copies of its own values (intent, tool, agent, now) stay in
    the native context until the next write replaces them, one write's worth per revision."""

    __slots__ = ("cel", "functions", "scope")
    KEY = "cel"

    def __init__(self, conversation: Conversation | None) -> None:
        c = conversation
        self.functions = RuleFunctions(None)
        self.scope = Scope(None)
        self.cel = cel.Context(
            variables={
                "conversation": {
                    "id": c.id if c else "",
                    "channel": (c.channel if c else None) or "",
                    "outcome": (c.outcome if c else None) or "",
                    "metadata": c.metadata if c else {},
                    "turn_count": len(c.turns) if c else 0,
                },
                "customer": (c.customer if c else Customer()).model_dump(),
                "entitlements": dict(c.entitlements) if c else {},
            },
            functions=self.functions.bound(),
        )
        # The context is native: the garbage collector cannot see what it holds, so nothing it
        # holds may lead back to it (a bound method of an object holding it would keep both
        # alive forever): the functions and the resolver hold only the facts lent.
        self.cel.set_variable_resolver(self.scope)

    @classmethod
    def borrow(cls, facts: Facts) -> Shared:
        """The revision's context if no other write has it, else a new one."""
        kept = facts.revision.pop(cls.KEY, None) if facts.revision is not None else None
        return kept if kept is not None else cls(facts.conversation)

    def lend(
        self, facts: Facts, intent: WriteIntent, pending: tuple[WriteRecord, ...] = ()
    ) -> None:
        functions = self.functions
        functions.facts, functions.intent, functions.pending = facts, intent, pending
        self.scope.lend(facts.conversation, pending)

    def give_back(self, revision: dict[str, Any] | None) -> None:
        self.functions.facts, self.functions.intent, self.functions.pending = None, None, ()
        self.scope.lend(None)
        if revision is not None:
            revision.setdefault(self.KEY, self)


class Scope:
    """The names CEL asks the resolver for: the judging policy's ``params`` and ``variables``
    (``policy``, set per policy), and the conversation's ``reads`` and ``writes``, converted on
    first use. Holds no reference to the Environment or its CEL context (see there)."""

    __slots__ = (
        "_conversation",
        "_guards",
        "_pending",
        "_reaches",
        "_records",
        "policy",
        "running",
    )

    def __init__(self, conversation: Conversation | None) -> None:
        self.lend(conversation)

    def lend(
        self, conversation: Conversation | None, pending: tuple[WriteRecord, ...] = ()
    ) -> None:
        """Start over for a write judged with ``conversation`` and the ``pending`` writes
        before it in its request (None: forget the last)."""
        self._conversation, self._pending = conversation, pending
        self._records: dict[str, list[dict[str, Any]]] = {}
        self.judge({})

    def judge(
        self,
        policy: dict[str, Any],
        reaches: Mapping[int, Mapping[str, frozenset[str]]] = {},
        guards: Mapping[int, Guard] = {},
    ) -> dict[str, Any]:
        """Judge with a policy's names (``params``, ``variables``...): ``policy``, returned to
        be added to. ``reaches``: by program (its id), the keys it reaches of each (reaches());
        ``guards``: by program, what the write's field names decide of it (guard())."""
        self.policy = policy
        self._reaches = reaches
        self._guards = guards
        self.running = 0  # the id of the program running
        return policy

    def decided(self, program: Any, fields: Mapping[str, Any]) -> bool | None:
        """The outcome of ``program`` as the write's field names decide it, or None: run it."""
        found = self._guards.get(id(program))
        return None if found is None else found.decide(fields)

    def __call__(self, name: str) -> Any:
        found = self.policy.get(name)
        if found is not None:
            keys = self._reaches.get(self.running, {}).get(name)
            return found if keys is None else {k: found[k] for k in keys if k in found}
        if name not in ("reads", "writes"):
            return found
        records = self._records.get(name)
        if records is None:
            c = self._conversation
            if c is None:
                records = []
            elif name == "reads":
                records = [READ_JSON.dump_python(r, mode="json") for r in c.reads]
            else:
                written = (*c.writes, *self._pending)
                records = [WRITE_JSON.dump_python(w, mode="json") for w in written]
            self._records[name] = records
        return records
