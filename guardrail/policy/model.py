"""The policy file format, modelled on Kubernetes ValidatingAdmissionPolicy.

apiVersion: guardrail/v1
kind: GuardrailPolicy
metadata:
  name: case-fields
  description: Case writes must match the Case schema.
spec:
  crm: salesforce
  match:
    objects: [Case]                       # "*" matches every object
    operations: [create, update, upsert]  # default: all four
  mode: enforce                           # or shadow: report, never block
  failurePolicy: closed                   # or open: a check or rule that errors lets it through
  schemaFile: schemas/Case.json           # or an inline `schema:`
  onDrift: flag                           # or block: a write that meets schema drift
  onUncertain: block                      # or warn: a rule failing on an unsure reading
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from guardrail.model import Action, Mode, Operation


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True
    )


class Metadata(_Strict):
    name: str = Field(pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", max_length=63)
    description: str = ""
    labels: dict[str, str] = Field(default_factory=dict)


class Match(_Strict):
    objects: list[str] = Field(min_length=1)
    operations: list[Operation] = Field(default_factory=lambda: list(Operation), min_length=1)


class Rule(_Strict):
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9]*$", max_length=63)
    expression: str = Field(min_length=1)
    message: str = Field(min_length=1)
    message_expression: str | None = None
    action: Action = Action.BLOCK
    #: When the rule fails and this holds, the failure is "cannot tell" (the conversation's
    #: reading is not sure), not "contradicts": the policy's ``onUncertain`` decides.
    uncertain: str | None = None


class MatchCondition(_Strict):
    name: str
    expression: str = Field(min_length=1)


class Variable(_Strict):
    """A named expression rules read as ``variables.<name>`` (evaluated in order, once)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=63)
    expression: str = Field(min_length=1)


class ContextRequirement(_Strict):
    required: bool = False
    on_missing: Literal["block", "allow"] = "block"


class PostSpec(_Strict):
    """After a write is saved: read it back, compare, run post rules; on failure alert or revert."""

    read_back: bool = True
    fields: list[str] = Field(default_factory=list)  # compared besides the fields written
    rules: list[Rule] = Field(default_factory=list)
    on_failure: Literal["alert", "revert"] = "alert"
    mode: Literal["sync", "async"] = "sync"
    #: Where deletes are not allowed: revert a created record by setting these fields instead.
    revert_mark: dict[str, Any] | None = None


class PolicySpec(_Strict):
    crm: str = "salesforce"
    match: Match
    mode: Mode = Mode.ENFORCE
    failure_policy: Literal["closed", "open"] = "closed"
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    schema_file: str | None = None
    context: ContextRequirement = Field(default_factory=ContextRequirement)
    params: dict[str, Any] = Field(default_factory=dict)
    match_conditions: list[MatchCondition] = Field(default_factory=list)
    variables: list[Variable] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    post: PostSpec | None = None
    #: What a write gets when it meets drift between this policy's schema and the CRM's
    #: describe (guardrail.drift): block it naming the drift, or let it through flagged.
    on_drift: Literal["block", "flag"] = "flag"
    #: What a rule failing on an unsure reading of the conversation does (its ``uncertain``
    #: expression held): block like any failure, or warn (let the write through, flagged for
    #: review, audited and counted). Like ValidatingAdmissionPolicy's failurePolicy, explicit.
    on_uncertain: Literal["block", "warn"] = "block"

    @model_validator(mode="after")
    def _one_schema(self) -> PolicySpec:
        if self.schema_ is not None and self.schema_file is not None:
            raise ValueError("give either schema or schemaFile, not both")
        if "on_drift" in self.model_fields_set and self.schema_ is None and not self.schema_file:
            raise ValueError("onDrift is about the policy's schema; give schema or schemaFile")
        return self


class PolicyDocument(_Strict):
    api_version: Literal["guardrail/v1"]
    kind: Literal["GuardrailPolicy"]
    metadata: Metadata
    spec: PolicySpec
