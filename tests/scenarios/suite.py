"""Load labeled scenarios (format: tests/scenarios/__init__.py), run them through the proxy with
simple-salesforce, and score each rule: recall on the bad writes, false blocks on the good ones.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
import requests
import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

from guardrail.context.model import ConversationIn, ConversationPatch, TurnsIn
from guardrail.pipeline import NO_POLICY_RULE
from guardrail.sandbox.seed import QUEUE_IDS
from guardrail.testing import SANDBOX_TOKEN, Stack

API = "/services/data/v59.0"
CONVERSATION_HEADER = "X-Guardrail-Conversation"
TOOL_HEADER = "X-Guardrail-Tool"
DECISION_HEADER = "X-Guardrail-Decision"
BLOCKED = re.compile(r"^Blocked by crm-guardrail \((?P<rule>[^()]+)\): ")
PARAMETER_VALIDATION = "ParameterValidation"
CONTEXT_REQUIRED = "ContextRequired"
REPORT = pytest.StashKey[str]()
"""Where the per-rule table is kept for the terminal summary."""

# -- the scenario files ---------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WriteStep(_Strict):
    name: str
    method: Literal["POST", "PATCH", "DELETE"]
    path: str
    body: dict[str, Any] | None = None
    tool: str | None = None
    header: Literal["conversation", "none", "unregistered"] = "conversation"
    expect: Literal["allow", "block"]
    rules: tuple[str, ...] = ()
    near_miss: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _labelled(self) -> WriteStep:
        if self.expect == "block" and not self.rules:
            raise ValueError(f"step {self.name!r}: a block must name the rules that block it")
        if self.expect == "allow" and self.rules:
            raise ValueError(f"step {self.name!r}: an allowed write names no blocking rules")
        if self.expect == "block" and self.near_miss:
            raise ValueError(f"step {self.name!r}: only an allowed write is a near miss")
        for rule in (*self.rules, *self.near_miss):
            if rule.count("/") != 1:
                raise ValueError(f"step {self.name!r}: {rule!r} is not policy/Rule")
        return self


class ReadStep(_Strict):
    name: str
    read: str


class PatchStep(_Strict):
    name: str
    patch: dict[str, Any]


class TurnsStep(_Strict):
    name: str
    append_turns: list[dict[str, Any]]


class NewConversationStep(_Strict):
    name: str
    new_conversation: dict[str, Any]


_STEP_KINDS = ("read", "patch", "append_turns", "new_conversation")


def _step_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return next((k for k in _STEP_KINDS if k in value), "write")
    return "write"


Step = Annotated[
    Annotated[WriteStep, Tag("write")]
    | Annotated[ReadStep, Tag("read")]
    | Annotated[PatchStep, Tag("patch")]
    | Annotated[TurnsStep, Tag("append_turns")]
    | Annotated[NewConversationStep, Tag("new_conversation")],
    Discriminator(_step_kind),
]


class Scenario(_Strict):
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    about: str
    conversation: dict[str, Any]
    existing_case: dict[str, Any] = Field(default_factory=dict)
    reads: tuple[str, ...] = ()
    steps: tuple[Step, ...] = Field(min_length=1)
    theme: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ConversationIn.model_validate(self.conversation)
        names = Counter(s.name for s in self.steps)
        if twice := [n for n, c in names.items() if c > 1]:
            raise ValueError(f"step names must be unique in a scenario: {twice}")
        for step in self.steps:
            if isinstance(step, PatchStep):
                ConversationPatch.model_validate(step.patch)
            elif isinstance(step, TurnsStep):
                TurnsIn.model_validate({"turns": step.append_turns})
            elif isinstance(step, NewConversationStep):
                ConversationIn.model_validate(step.new_conversation)
        if not any(isinstance(s, WriteStep) for s in self.steps):
            raise ValueError("a scenario needs at least one write")
        return self

    @property
    def writes(self) -> list[WriteStep]:
        return [s for s in self.steps if isinstance(s, WriteStep)]


class _ScenarioFile(_Strict):
    scenarios: list[Scenario] = Field(min_length=1)


def load_scenarios(directory: Path) -> list[Scenario]:
    """Every scenario in the directory's YAML files, each tagged with its file's theme."""
    found: list[Scenario] = []
    for path in sorted(directory.glob("*.yaml")):
        document = _ScenarioFile.model_validate(yaml.safe_load(path.read_text()))
        found += [s.model_copy(update={"theme": path.stem}) for s in document.scenarios]
    names = Counter(s.name for s in found)
    if twice := [n for n, c in names.items() if c > 1]:
        raise ValueError(f"scenario names must be unique: {twice}")
    return found


# -- what the suite must cover ----------------------------------------------------------------


PROXY_RULES = frozenset({f"guardrail/{NO_POLICY_RULE}"})
"""Rules of the proxy itself: a write to an object no policy covers is blocked."""


def pack_rules(pack: Path) -> set[str]:
    """``policy/Rule`` for every CEL rule of the pack, ``policy/ContextRequired`` for each
    policy that blocks writes without a conversation, and the proxy's own rules."""
    rules: set[str] = set(PROXY_RULES)
    for path in pack.glob("*.yaml"):
        for policy in yaml.safe_load_all(path.read_text()):
            name, spec = policy["metadata"]["name"], policy["spec"]
            rules |= {f"{name}/{rule['name']}" for rule in spec.get("rules", [])}
            context = spec.get("context") or {}
            if context.get("required") and context.get("onMissing", "block") == "block":
                rules.add(f"{name}/{CONTEXT_REQUIRED}")
    return rules


# JSON Schema keywords in the pack's schemas that only describe; the rest can reject a write.
_ANNOTATIONS = frozenset({"title", "description", "$schema", "x-salesforce-keyPrefix"})
# Keywords whose violations ParameterValidation reports as the kind "field".
_FIELD_KEYWORDS = frozenset({"readOnly", "x-salesforce-createOnly"})


def parameter_kinds(pack: Path) -> set[str]:
    """``ParameterValidation.<kind>`` for every kind of violation the pack's schemas can raise."""
    kinds = {"required", "additionalProperties"}
    for path in (pack / "schemas").glob("*.json"):
        schema = yaml.safe_load(path.read_text())
        for prop in schema["properties"].values():
            for keyword in set(prop) - _ANNOTATIONS:
                kinds.add("field" if keyword in _FIELD_KEYWORDS else keyword)
    return {f"{PARAMETER_VALIDATION}.{k}" for k in kinds}


def rule_kind(rule: str) -> str:
    """``case-fields/ParameterValidation.enum`` -> ``ParameterValidation.enum``; other rules as
    they are (their policy is part of their identity)."""
    name = rule.split("/", 1)[1]
    return name if name.startswith(f"{PARAMETER_VALIDATION}.") else rule


# -- placeholders ----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(?P<key>[a-z_]+)(?::(?P<arg>[^{}|]+))?(?:\|(?P<filter>15))?\}")
_FILLER = "The customer described the problem at length. "


@dataclass
class Placeholders:
    """The values of one scenario's placeholders; ``created`` grows as its steps create."""

    records: dict[str, str]
    created: dict[str, str] = field(default_factory=dict)

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return _PLACEHOLDER.sub(self._one, value)
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, dict):
            return {self.fill(k): self.fill(v) for k, v in value.items()}
        return value

    def _one(self, match: re.Match[str]) -> str:
        key, arg = match["key"], match["arg"]
        if key == "queue" and arg in QUEUE_IDS:
            value = QUEUE_IDS[arg]
        elif key == "created" and arg in self.created:
            value = self.created[arg]
        elif key == "filler" and arg and arg.isdigit():
            value = (_FILLER * (int(arg) // len(_FILLER) + 1))[: int(arg)]
        elif key in self.records and arg is None:
            value = self.records[key]
        else:
            raise KeyError(f"placeholder {match[0]} has no value here")
        return value[:15] if match["filter"] else value


# -- running ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepResult:
    """One labeled write and what the guardrail did with it."""

    scenario: str
    step: str
    expect: str
    rules: frozenset[str]
    near_miss: frozenset[str]
    decision: str  # X-Guardrail-Decision, or "error" when the write failed otherwise
    blocked_by: frozenset[str] = frozenset()
    detail: str = ""

    @property
    def missed(self) -> frozenset[str]:
        """Expected blocking rules that did not block."""
        return self.rules - self.blocked_by

    @property
    def unexpected(self) -> frozenset[str]:
        """Rules that blocked although the label does not name them."""
        return self.blocked_by - self.rules

    @property
    def problem(self) -> str | None:
        where = f"{self.scenario} / {self.step}"
        if self.decision == "error":
            return f"{where}: failed outside the guardrail: {self.detail}"
        if self.expect == "allow" and self.decision != "allow":
            return f"{where}: false block by {sorted(self.blocked_by)}: {self.detail}"
        if self.expect == "block" and self.decision != "block":
            return f"{where}: missed, allowed although {sorted(self.rules)} should block it"
        if self.missed or self.unexpected:
            return (
                f"{where}: blocked by {sorted(self.blocked_by)}, expected {sorted(self.rules)}: "
                f"{self.detail}"
            )
        return None


class ConversationApi:
    """Registers and changes conversations through the admin API when it answers, else in the
    proxy's conversation store directly."""

    def __init__(self, stack: Stack) -> None:
        self._stack = stack
        self._http = requests.Session()
        self._http.trust_env = False
        self._over_http: bool | None = None

    def _url(self, conversation: str, tail: str = "") -> str:
        return f"{self._stack.admin_url}/guardrail/v1/conversations/{conversation}{tail}"

    def put(self, conversation: str, body: dict[str, Any]) -> None:
        if self._over_http is not False:
            answer = self._http.put(self._url(conversation), json=body, timeout=10)
            if answer.status_code in (200, 201):
                self._over_http = True
                return
            if self._over_http:
                raise AssertionError(f"PUT conversation: {answer.status_code} {answer.text}")
            self._over_http = False
        data = ConversationIn.model_validate(body)
        store = self._stack.guardrail.conversations
        self._stack.call(lambda: store.put(conversation, data))

    def patch(self, conversation: str, body: dict[str, Any]) -> None:
        if self._over_http:
            answer = self._http.patch(self._url(conversation), json=body, timeout=10)
            assert answer.status_code == 200, f"PATCH conversation: {answer.text}"
            return
        data = ConversationPatch.model_validate(body)
        store = self._stack.guardrail.conversations
        assert self._stack.call(lambda: store.patch(conversation, data)) is not None

    def append_turns(self, conversation: str, turns: list[dict[str, Any]]) -> None:
        if self._over_http:
            answer = self._http.post(
                self._url(conversation, "/turns"), json={"turns": turns}, timeout=10
            )
            assert answer.status_code == 200, f"POST turns: {answer.text}"
            return
        data = TurnsIn.model_validate({"turns": turns})
        store = self._stack.guardrail.conversations
        assert self._stack.call(lambda: store.append_turns(conversation, data.turns)) is not None


class Sandbox:
    """Creates each scenario's records straight in the sandbox CRM, not through the proxy."""

    def __init__(self, stack: Stack) -> None:
        self._base = f"{stack.sandbox_url}{API}/sobjects"
        self._http = requests.Session()
        self._http.trust_env = False
        self._http.headers["Authorization"] = f"Bearer {SANDBOX_TOKEN}"

    def create(self, sobject: str, fields: dict[str, Any]) -> str:
        answer = self._http.post(f"{self._base}/{sobject}", json=fields, timeout=10)
        assert answer.status_code == 201, f"sandbox {sobject}: {answer.text}"
        return str(answer.json()["id"])

    def customers(self, tag: str, existing_case: Mapping[str, Any]) -> dict[str, str]:
        """The customer's account, contact and open case, and someone else's."""
        records = {"account_ext": f"ACC-{tag}", "contact_ext": f"CON-{tag}"}
        mine = self._customer(
            f"Customer {tag}", records["account_ext"], records["contact_ext"], existing_case
        )
        theirs = self._customer(f"Someone {tag}", None, None, {})
        return records | mine | {f"other_{k}": v for k, v in theirs.items()}

    def _customer(
        self,
        name: str,
        account_ext: str | None,
        contact_ext: str | None,
        case: Mapping[str, Any],
    ) -> dict[str, str]:
        account = self.create(
            "Account", {"Name": name, "Status__c": "Active", "External_Id__c": account_ext}
        )
        contact = self.create(
            "Contact",
            {
                "FirstName": "Sam",
                "LastName": name,
                "AccountId": account,
                "External_Id__c": contact_ext,
            },
        )
        opened = {"Subject": "Open case", "Status": "New", "Origin": "Phone", **case}
        case_id = self.create("Case", {**opened, "AccountId": account, "ContactId": contact})
        return {"account": account, "contact": contact, "case": case_id}


@dataclass
class _Call:
    """The last response the client got: its decision header and status."""

    decision: str = "-"
    status: int = 0

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.decision = response.headers.get(DECISION_HEADER, "-")
        self.status = response.status_code


class ScenarioRunner:
    """Runs scenarios through the proxy with one simple-salesforce client."""

    def __init__(self, stack: Stack) -> None:
        self._run = uuid.uuid4().hex[:8]
        self._sandbox = Sandbox(stack)
        self._conversations = ConversationApi(stack)
        self._sf = stack.salesforce(agent="scenario-agent")
        self._last = _Call()
        self._sf.session.hooks["response"].append(self._last.hook)
        self._count = 0

    def run(self, scenario: Scenario) -> list[StepResult]:
        self._count += 1
        tag = f"{self._run}-{self._count}"
        values = Placeholders(self._sandbox.customers(tag, scenario.existing_case))
        conversation = f"scenario-{tag}-{scenario.name}"
        self._conversations.put(conversation, values.fill(scenario.conversation))
        for read in scenario.reads:
            self._read(values.fill(read), conversation)
        results: list[StepResult] = []
        for n, step in enumerate(scenario.steps):
            try:
                if isinstance(step, WriteStep):
                    results.append(self._write(scenario, step, values, conversation))
                elif isinstance(step, ReadStep):
                    self._read(values.fill(step.read), conversation)
                elif isinstance(step, PatchStep):
                    self._conversations.patch(conversation, values.fill(step.patch))
                elif isinstance(step, TurnsStep):
                    self._conversations.append_turns(conversation, values.fill(step.append_turns))
                else:
                    conversation = f"scenario-{tag}-{n}-{scenario.name}"
                    self._conversations.put(conversation, values.fill(step.new_conversation))
            except (KeyError, AssertionError, SalesforceError) as exc:
                results.append(_failed(scenario, step, exc))
                break  # later steps may depend on this one
        return results

    def _read(self, what: str, conversation: str) -> None:
        headers = {CONVERSATION_HEADER: conversation}
        if what.upper().startswith("SELECT "):
            self._sf.query(what, headers=headers)
        else:
            self._sf.restful(what, headers=headers)

    def _write(
        self, scenario: Scenario, step: WriteStep, values: Placeholders, conversation: str
    ) -> StepResult:
        headers = {}
        if step.header == "conversation":
            headers[CONVERSATION_HEADER] = conversation
        elif step.header == "unregistered":
            headers[CONVERSATION_HEADER] = f"{conversation}-never-registered"
        if step.tool:
            headers[TOOL_HEADER] = step.tool
        path, body = values.fill(step.path), values.fill(step.body)
        result = StepResult(
            scenario.name,
            step.name,
            step.expect,
            frozenset(step.rules),
            frozenset(step.near_miss),
            decision="-",
        )
        self._last.decision = "-"
        try:
            answer = self._send(step.method, path, body, headers)
        except SalesforceMalformedRequest as exc:
            return _judged(result, self._last.decision, _messages(exc.content), failed=True)
        if step.method == "POST" and isinstance(answer, Mapping) and "id" in answer:
            values.created[step.name] = str(answer["id"])
        if isinstance(answer, list):  # a collection: each record says whether it was saved
            messages = [m for record in answer for m in _messages(record.get("errors") or [])]
            failed = not all(record.get("success") for record in answer)
            return _judged(result, self._last.decision, messages, failed)
        failed = not 200 <= self._last.status < 300
        return _judged(result, self._last.decision, [f"status {self._last.status}"], failed)

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
        """The write as simple-salesforce makes it: sObject calls, else ``restful``."""
        parts = path.split("/")
        if parts[0] == "sobjects" and "?" not in path:
            sobject = getattr(self._sf, parts[1])
            match method, len(parts):
                case "POST", 2:
                    return sobject.create(body, headers=headers)
                case "PATCH", 3:
                    return sobject.update(parts[2], body, headers=headers)
                case "PATCH", 4:
                    return sobject.upsert(f"{parts[2]}/{parts[3]}", body, headers=headers)
                case "DELETE", 3:
                    return sobject.delete(parts[2], headers=headers)
        return self._sf.restful(path, method=method, json=body, headers=headers)


def _messages(errors: Any) -> list[str]:
    return [str(e.get("message", e)) for e in errors] if isinstance(errors, list) else [str(errors)]


def _judged(result: StepResult, decision: str, messages: Sequence[str], failed: bool) -> StepResult:
    """The result of a write the proxy answered. A write that failed although the proxy allowed
    it (the CRM refused it) is an error, not a pass."""
    if failed and decision != "block":
        return replace(result, decision="error", detail=f"{decision}: " + " | ".join(messages))
    if not failed:
        return replace(result, decision=decision)
    rules = frozenset(m["rule"] for m in map(BLOCKED.match, messages) if m)
    return replace(result, decision=decision, blocked_by=rules, detail=" | ".join(messages))


def _failed(scenario: Scenario, step: Any, exc: Exception) -> StepResult:
    """A step that could not run (a setup or CRM error): reported as an error of that step."""
    expect = step.expect if isinstance(step, WriteStep) else "allow"
    rules = frozenset(step.rules) if isinstance(step, WriteStep) else frozenset()
    return StepResult(
        scenario.name,
        step.name,
        expect,
        rules,
        frozenset(),
        decision="error",
        detail=f"{type(exc).__name__}: {exc}",
    )


# -- scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleScore:
    rule: str
    bad: int = 0
    caught: int = 0
    good: int = 0
    false_blocks: int = 0

    @property
    def recall(self) -> str:
        return f"{100 * self.caught / self.bad:.0f}%" if self.bad else "-"


def score(results: Iterable[StepResult], rules: Iterable[str] = ()) -> list[RuleScore]:
    """Per rule: labeled bad writes and how many it blocked; near misses (good writes labeled
    with it) and how many writes it blocked that it should not have."""
    bad: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    good: Counter[str] = Counter()
    false: Counter[str] = Counter()
    for r in results:
        bad.update(r.rules)
        good.update(r.near_miss)
        if r.decision == "block":
            caught.update(r.rules & r.blocked_by)
            false.update(r.unexpected)
    names = sorted(set(rules) | set(bad) | set(good) | set(false))
    return [RuleScore(n, bad[n], caught[n], good[n], false[n]) for n in names]


def table(scores: Sequence[RuleScore], results: Sequence[StepResult]) -> str:
    """The per-rule table, with totals."""
    width = max([len(s.rule) for s in scores] + [4])
    header = f"{'rule':<{width}}  {'bad':>4} {'caught':>6} {'recall':>6}  {'good':>4} {'false':>5}"
    lines = [header, "-" * len(header)]
    lines += [
        f"{s.rule:<{width}}  {s.bad:>4} {s.caught:>6} {s.recall:>6}  {s.good:>4} "
        f"{s.false_blocks:>5}"
        for s in scores
    ]
    blocks = [r for r in results if r.expect == "block"]
    allows = [r for r in results if r.expect == "allow"]
    caught = sum(1 for r in blocks if r.problem is None)
    false = sum(1 for r in allows if r.decision != "allow")
    lines += [
        "-" * len(header),
        f"writes: {len(results)}; bad {len(blocks)}, blocked as labeled {caught}; "
        f"good {len(allows)}, falsely blocked {false}",
    ]
    return "\n".join(lines)


def theme_counts(scenarios: Iterable[Scenario]) -> str:
    """``closure 12, dispositions 11, ...; 151 conversations``."""
    counts = Counter(s.theme for s in scenarios)
    themes = ", ".join(f"{theme} {n}" for theme, n in sorted(counts.items()))
    return f"{themes}; {sum(counts.values())} conversations"
