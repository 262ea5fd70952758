"""The conversation a write belongs to, as the admin API takes it and the rules see it.

The contact-center platform tells the proxy about a conversation (channel, verified customer,
entitlements, transcript turns, outcome); the proxy adds what it saw the agent read and write.
Rules judge a write against all of it.
"""

from __future__ import annotations

import functools
import sys
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_TURNS = 2000
MAX_TURN_CHARS = 20_000
MAX_RECORDED = 500  # reads and writes kept per conversation (oldest dropped first)

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


#: A word every record repeats (an object name, an operation, a verdict): one copy in memory.
Label = Annotated[str, AfterValidator(sys.intern)]


@functools.cache
def _every_field(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


class _Recorded(_Strict):
    """A record kept by the hundred per conversation, so its size is what memory grows by.

    Pydantic gives each instance its own set of the fields it was given (728 bytes of a
    1.7 KB write record); a record given every field shares one. Safe because records are
    frozen: pydantic only ever changes that set in place on assignment.
    """

    def model_post_init(self, context: Any, /) -> None:
        every = _every_field(type(self))
        if self.__pydantic_fields_set__ == every:
            object.__setattr__(self, "__pydantic_fields_set__", every)


class ReadRecord(_Recorded):
    """A record the agent read through the proxy (GET sObject, SOQL, collections GET)."""

    object: Label
    id: str
    fields: dict[str, Scalar] = Field(default_factory=dict)
    at: datetime


class WriteRecord(_Recorded):
    """A write the proxy judged in this conversation, whatever the verdict."""

    decision_id: str
    object: Label
    operation: Label
    id: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    decision: Label
    at: datetime


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
