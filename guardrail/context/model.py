"""The conversation a write belongs to, as the admin API takes it and the rules see it.

The contact-center platform tells the proxy about a conversation (channel, verified customer,
entitlements, transcript turns, outcome); the proxy adds what it saw the agent read and write.
Rules judge a write against all of it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

MAX_TURNS = 2000
MAX_TURN_CHARS = 20_000
#: Reads and writes kept per conversation, newest (oldest dropped first). Far more than a call
#: makes; a runaway agent past it is judged against a history that says it is incomplete
#: (``Conversation.forgotten``), so what is dropped can never let a write through.
MAX_RECORDED = 100

Scalar = str | int | float | bool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Turn(_Strict):
    role: Literal["customer", "agent", "system"]
    text: str = Field(max_length=MAX_TURN_CHARS)


class Customer(_Strict):
    account_ids: list[str] = Field(default_factory=list, max_length=100)
    contact_ids: list[str] = Field(default_factory=list, max_length=100)
    verified: bool = False


class ConversationIn(_Strict):
    """The body of ``PUT /guardrail/v1/conversations/{id}``: creates or replaces."""

    channel: str | None = Field(default=None, max_length=64)
    customer: Customer = Field(default_factory=Customer)
    entitlements: dict[str, Scalar] = Field(default_factory=dict, max_length=200)
    turns: list[Turn] = Field(default_factory=list, max_length=MAX_TURNS)
    outcome: str | None = Field(default=None, max_length=64)
    metadata: dict[str, Any] = Field(default_factory=dict, max_length=100)


class ConversationPatch(_Strict):
    """The body of ``PATCH``: any top-level subset, merged (``turns`` replaced if given)."""

    channel: str | None = Field(default=None, max_length=64)
    customer: Customer | None = None
    entitlements: dict[str, Scalar] | None = Field(default=None, max_length=200)
    turns: list[Turn] | None = Field(default=None, max_length=MAX_TURNS)
    outcome: str | None = Field(default=None, max_length=64)
    metadata: dict[str, Any] | None = Field(default=None, max_length=100)


class TurnsIn(_Strict):
    """The body of ``POST .../turns``: appended in order."""

    turns: list[Turn] = Field(min_length=1, max_length=MAX_TURNS)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadRecord:
    """A record the agent read through the proxy (GET sObject, SOQL, collections GET).

    Records are kept by the hundred per conversation, so their size is what memory grows by:
    a slotted dataclass is a third of a pydantic model's (no per-instance ``__dict__`` or
    fields-set), and the words every record repeats (object names, operations, verdicts) are
    interned, one copy each. Built from values already checked (the proxy's own), validated
    by pydantic where they come from outside (``READ_JSON``, ``WRITE_JSON``).
    """

    object: str
    id: str
    fields: dict[str, Scalar] = field(default_factory=dict)
    at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "object", sys.intern(self.object))


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteRecord:
    """A write the proxy judged in this conversation, whatever the verdict (see ReadRecord)."""

    decision_id: str
    object: str
    operation: str
    id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    decision: str
    at: datetime
    #: The status the CRM answered the request with (None: not sent, or no answer came): a
    #: 4xx says the CRM saved none of it.
    status: int | None = None
    #: The operation the write was judged as, where the CRM's answer says it made another
    #: (``operation``): a create it made as an update of a record that already existed
    #: (guardrail.answered). None when it made what was judged. Such a write changed a record
    #: no rule judged it against, so it grounds nothing (Records.saved).
    judged_as: str | None = None
    #: The fields that hold record ids by their type (WriteIntent.id_fields): a number split
    #: across writes is read in the others only (guardrail.sinks.redact.text_fields).
    id_fields: frozenset[str] = frozenset()

    @property
    def refused_by_crm(self) -> bool:
        """Whether the CRM answered that it saved nothing of the request."""
        return self.status is not None and 400 <= self.status < 500

    def __post_init__(self) -> None:
        for name in ("object", "operation", "decision"):
            object.__setattr__(self, name, sys.intern(getattr(self, name)))


#: The decision of a write judged before another in the same request, not yet made
#: (guardrail.checks.base.CheckContext.pending): never stored.
PENDING = "pending"

#: Records as JSON (the Redis store keeps each as one string): validated on the way in.
READ_JSON: TypeAdapter[ReadRecord] = TypeAdapter(ReadRecord)
WRITE_JSON: TypeAdapter[WriteRecord] = TypeAdapter(WriteRecord)


class Conversation(_Strict):
    """A conversation as stored: what the platform said plus what the proxy saw.

    ``version`` goes up on every change; ``rev`` is the version at which what the platform said
    (turns, customer, entitlements, outcome...) last changed, so facts derived from it can be
    cached per (id, rev) while reads and writes keep arriving.
    """

    id: str
    channel: str | None = None
    customer: Customer = Field(default_factory=Customer)
    entitlements: dict[str, Scalar] = Field(default_factory=dict)
    turns: list[Turn] = Field(default_factory=list)
    outcome: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    reads: list[ReadRecord] = Field(default_factory=list)
    writes: list[WriteRecord] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    version: int = 1
    rev: int = 1
    #: What the conversation says, read when its turns arrived (guardrail.understanding):
    #: the JSON of an Understanding, valid only while its ``rev`` is the conversation's.
    understanding: dict[str, Any] | None = None
    #: The time of the newest write dropped from ``writes`` (past MAX_RECORDED), None while
    #: the history is whole: rules that look back past it cannot be judged (fail closed).
    forgotten: datetime | None = None
