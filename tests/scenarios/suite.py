"""Run labeled scenarios (format: guardrail.scenarios) through the real proxy with
simple-salesforce, in front of the sandbox CRM.

The format, its loader, the starting records and the scoring are the package's, shared with
``guardrail test`` (which runs the same files offline); what is here is only what a live stack
needs: the sandbox to create records in, the admin API for conversations, a real CRM client.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

from guardrail.context.model import ConversationIn, ConversationPatch, TurnsIn
from guardrail.crm.salesforce_sim import API_PATH, STARTING_RECORDS
from guardrail.errors import RequestRejected
from guardrail.sandbox.seed import QUEUE_IDS
from guardrail.scenarios.format import (
    PatchStep,
    Placeholders,
    ReadStep,
    Scenario,
    TurnsStep,
    WriteStep,
    start,
)
from guardrail.scenarios.scoring import PARAMETER_VALIDATION, StepResult, failed_step
from guardrail.testing import SANDBOX_TOKEN, Stack

CONVERSATION_HEADER = "X-Guardrail-Conversation"
TOOL_HEADER = "X-Guardrail-Tool"
DECISION_HEADER = "X-Guardrail-Decision"
BLOCKED = re.compile(r"^Blocked by crm-guardrail \((?P<rule>[^()]+)\): ")
HELD = re.compile(r"\((?P<rule>[a-z0-9.-]+/[A-Za-z0-9]+)\) ")
#: errorCode -> the class of a request the guardrail refused before judging it.
REFUSALS = {cls.code: cls.__name__ for cls in RequestRejected.__subclasses__()}
REPORT = pytest.StashKey[str]()
#: The proxy's own CRM credential (the sandbox's token), as production has one: a write the
#: pack holds then waits for approval instead of being refused for want of it.
HOLDS_CREDENTIAL = {"access_token": SANDBOX_TOKEN}
"""Where the per-rule table is kept for the terminal summary."""

# JSON Schema keywords in the pack's schemas that only describe; the rest can reject a write.
# Keywords no value violates: x-salesforce-picklist lists an unrestricted picklist's values,
# and a value spelled another way is the dialect's refusal (guardrail/AmbiguousRequest); a
# field's type is the proxy's refusal before judging (guardrail/MalformedBody); a field shown
# as HTML (contentMediaType) is read as it shows.
_ANNOTATIONS = frozenset(
    {"title", "description", "$schema", "type", "contentMediaType", "x-salesforce-keyPrefix",
     "x-salesforce-picklist"}
)  # fmt: skip
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


# -- running ---------------------------------------------------------------------------------


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
        self._base = f"{stack.sandbox_url}{API_PATH}/sobjects"
        self._http = requests.Session()
        self._http.trust_env = False
        self._http.headers["Authorization"] = f"Bearer {SANDBOX_TOKEN}"

    def create(self, sobject: str, fields: dict[str, Any]) -> str:
        answer = self._http.post(f"{self._base}/{sobject}", json=fields, timeout=10)
        assert answer.status_code == 201, f"sandbox {sobject}: {answer.text}"
        return str(answer.json()["id"])


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
        values = start(scenario.records, tag, self._sandbox.create, STARTING_RECORDS, QUEUE_IDS)
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
                results.append(failed_step(scenario, step, exc))
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
        headers = dict(step.headers)
        if step.header == "conversation":
            headers[CONVERSATION_HEADER] = conversation
        elif step.header == "unregistered":
            headers[CONVERSATION_HEADER] = f"{conversation}-never-registered"
        if step.tool:
            headers[TOOL_HEADER] = step.tool
        path, body = values.fill(step.path), values.fill(step.body)
        result = StepResult.pending(scenario, step)
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
        if isinstance(answer, Mapping) and "compositeResponse" in answer:  # each subrequest's
            subs = answer["compositeResponse"]
            failed = any(sub["httpStatusCode"] >= 300 for sub in subs)
            messages = [m for sub in subs if sub["httpStatusCode"] >= 300
                        for m in _messages(sub["body"])]  # fmt: skip
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
    """Each error's message; a refusal by the guardrail itself (no rule: the request could not
    be judged) as the offline runner names it, ``guardrail/<error class>``, from its code."""
    if not isinstance(errors, list):
        return [str(errors)]
    found = []
    for error in errors:
        message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
        refused = REFUSALS.get(error.get("errorCode")) if isinstance(error, dict) else None
        if refused and not BLOCKED.match(message):
            message = f"Blocked by crm-guardrail (guardrail/{refused}): {message}"
        found.append(message)
    return found


def _judged(result: StepResult, decision: str, messages: Sequence[str], failed: bool) -> StepResult:
    """The result of a write the proxy answered. A write that failed although the proxy allowed
    it (the CRM refused it) is an error, not a pass."""
    if failed and decision not in ("block", "hold"):
        return replace(result, decision="error", detail=f"{decision}: " + " | ".join(messages))
    if not failed:
        return replace(result, decision=decision)
    if decision == "hold":
        held = frozenset(m["rule"] for text in messages for m in HELD.finditer(text))
        return replace(result, decision=decision, held_by=held, detail=" | ".join(messages))
    rules = frozenset(m["rule"] for m in map(BLOCKED.match, messages) if m)
    return replace(result, decision=decision, blocked_by=rules, detail=" | ".join(messages))
