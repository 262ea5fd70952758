"""The interface every pre-write check implements."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from guardrail.context.facts import Facts
from guardrail.context.model import WriteRecord
from guardrail.model import Caller, Violation, WriteIntent


@dataclass(slots=True)
class CheckContext:
    """What a check may know beyond the intent itself, for one request.

    ``memo`` lets a check keep what it derives once per request (its rule environments) for
    every intent and policy of that request.
    """

    caller: Caller
    facts: Facts | None = None
    #: The writes before the one being judged in the same request (a collection's earlier
    #: records, earlier subrequests, bulk rows), decision ``pending``: the CRM makes them one
    #: after another, so rules that add writes up see them as they would see earlier requests.
    pending: tuple[WriteRecord, ...] = ()
    memo: dict[Hashable, Any] = field(default_factory=dict)


class Check(Protocol):
    """Judges one write. Returns its violations (empty when the write passes).

    ``policy`` is the name of the policy the check belongs to; violations carry it. A check
    that raises is a check failure, handled by its policy's failure policy.
    """

    name: str

    def __call__(self, intent: WriteIntent, context: CheckContext) -> Sequence[Violation]: ...
