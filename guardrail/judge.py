"""The one judging path: read a request, resolve its writes, load the conversation's facts,
evaluate the policies.

The proxy, ``POST /check``, ``guardrail check``, ``guardrail test`` and ``guardrail replay`` all
judge through a Judge, so a write gets the same decision wherever it is judged. They differ only
in what they hand it: where the facts come from (the conversation store, an inline
conversation, a decision record's snapshot) and whether there is a CRM to resolve a write by
lookup field against (the proxy's sender, the simulated CRM; none for a dry run or a replay,
which judge such a write as read).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from guardrail import lookups
from guardrail.context.facts import Facts
from guardrail.crm.base import CanonicalRequest, Dialect, ParsedRequest, RawRequest
from guardrail.model import Caller, Decision, WriteIntent
from guardrail.pipeline import Pipeline


class FactsSource(Protocol):
    """Where a write's facts come from (guardrail.context.loader.ContextLoader, mostly)."""

    async def facts(self, caller: Caller, intents: Sequence[WriteIntent]) -> Facts:
        """The conversation and the accounts' recent writes. Raises ContextUnavailable."""
        ...


@dataclass(frozen=True, slots=True)
class Judged:
    """A judged write: its intents as judged (names canonical, lookups resolved), the facts
    they were judged in, and the decision."""

    intents: tuple[WriteIntent, ...]
    facts: Facts
    decision: Decision


@dataclass(frozen=True)
class Judge:
    dialect: Dialect
    pipeline: Pipeline
    context: FactsSource

    def read(self, raw: RawRequest) -> tuple[CanonicalRequest, ParsedRequest]:
        """The request as the CRM will execute it, and the writes in it. Raises
        RequestRejected."""
        canonical = self.dialect.canonical(raw)
        return canonical, self.dialect.parse(canonical)

    async def judge(
        self,
        path: str,
        intents: Sequence[WriteIntent],
        caller: Caller,
        lookup: lookups.Get | None = None,
    ) -> Judged:
        """The decision on ``intents`` (of a request to ``path``). ``lookup`` asks the CRM
        which record a write by lookup field names, and whose the records a write names
        (grounded, not the customer's own ids) are; without it such a write is judged as
        written, and whose a record is as the agent read it. Raises RequestRejected,
        DependencyFailure."""
        crm = self.dialect.name
        canonical: Sequence[WriteIntent] = self.pipeline.canonical(crm, intents)
        if lookup is not None:
            resolved = await lookups.resolve(self.dialect, path, canonical, lookup)
            if any(r is not c for r, c in zip(resolved, canonical, strict=True)):
                canonical = resolved  # a resolved record id is checked against its object
        facts = await self.context.facts(caller, canonical)
        if lookup is not None:
            canonical = await lookups.belongings(
                self.dialect, path, canonical, lookup, self.pipeline.policies.object_for_id,
                functools.partial(_whose_unknown, facts, self.dialect.owner_fields),
            )  # fmt: skip
        decision = self.pipeline.evaluate(crm, canonical, caller, facts)
        return Judged(decision.intents, facts, decision)


def _whose_unknown(facts: Facts, owner_fields: Sequence[str], record_id: str) -> bool:
    """Whether to ask the CRM whose a record the write names is: one the conversation grounds
    (else the grounding rules refuse it), not the customer's own id, not made in this
    conversation, and not read with a field that says whose it is."""
    return facts.grounded(record_id) and not (
        facts.customers(record_id)
        or facts.created(record_id)
        or facts.shows(record_id, owner_fields)
    )
