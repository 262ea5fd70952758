"""The interface every pre-write check implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from guardrail.model import Caller, Violation, WriteIntent


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may know beyond the intent itself."""

    caller: Caller


class Check(Protocol):
    """Judges one write. Returns its violations (empty when the write passes).

    ``policy`` is the name of the policy the check belongs to; violations carry it. A check
    that raises is a check failure, handled by its policy's failure policy.
    """

    name: str

    def __call__(self, intent: WriteIntent, context: CheckContext) -> Sequence[Violation]: ...
