"""The one judging path: read a request, resolve its writes, load the conversation's facts,
evaluate the policies.

The proxy, ``POST /check``, ``guardrail check``, ``guardrail test``, an approved hold and
``guardrail replay`` all judge through a Judge, so a write gets the same decision wherever it is
judged. They differ only in what they hand it: where the facts come from (the conversation
store, an inline conversation, a decision record's snapshot) and how the CRM is asked what a
write really writes (guardrail.lookups: the proxy's client, the simulated CRM, none to ask, or
as a record kept the answers). Every door names one; none judges a write the proxy would
resolve first as written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from guardrail import lookups
from guardrail.bulk import BulkJobs
from guardrail.context.facts import Facts
from guardrail.crm.base import CanonicalRequest, Dialect, ParsedRequest, RawRequest
from guardrail.errors import BulkJobRefused
from guardrail.model import Caller, Decision, WriteIntent
from guardrail.pipeline import Canonical, Pipeline


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
    #: The bulk jobs made through the proxy, by which a job's upload is read as its rows'
    #: writes (guardrail.bulk); None where a door knows of none (replay): a job step is refused.
    jobs: BulkJobs | None = None

    async def read(self, raw: RawRequest, caller: Caller) -> tuple[CanonicalRequest, ParsedRequest]:
        """The request as the CRM will execute it, and the writes in it (a bulk upload's rows,
        by the job ``caller``'s conversation made). Raises RequestRejected (BulkJobRefused)."""
        canonical = self.dialect.canonical(raw)
        parsed = self.dialect.parse(canonical)
        if parsed.job is None:
            return canonical, parsed
        if self.jobs is None:
            raise BulkJobRefused(
                "crm-guardrail judges a bulk job's steps by the job the proxy saw created, and "
                "knows of no jobs here; send the job through the proxy."
            )
        return canonical, await self.jobs.prepare(canonical, parsed, caller)

    async def judge(
        self,
        path: str,
        intents: Sequence[WriteIntent],
        caller: Caller,
        crm: lookups.Get | lookups.Recorded,
    ) -> Judged:
        """The decision on ``intents`` (of a request to ``path``). ``crm`` is asked what the
        writes really write (the record a write by lookup field names, the custom fields a
        Zendesk ticket's tags set, the class of a ServiceNow record written through its base
        table: the dialect's ``lookups``) and whose the records a write names are (grounded,
        not the customer's own ids); ``lookups.Unreachable`` refuses a write that needs asking,
        ``lookups.RECORDED`` judges writes as a record kept them. Raises RequestRejected,
        DependencyFailure."""
        return await self.decide(path, await self.resolved(path, intents, crm), caller, crm)

    async def resolved(
        self, path: str, intents: Sequence[WriteIntent], crm: lookups.Get | lookups.Recorded
    ) -> Sequence[WriteIntent]:
        """``intents`` as the CRM will execute them: names canonical, and what ``crm`` says
        each really writes. Raises RequestRejected, DependencyFailure."""
        canonical: Sequence[WriteIntent] = self.pipeline.canonical(self.dialect.name, intents)
        if isinstance(crm, lookups.Recorded):
            return canonical
        resolved = await lookups.resolve(self.dialect, path, canonical, crm)
        if any(r is not c for r, c in zip(resolved, canonical, strict=True)):
            return resolved  # a resolved record id is checked against its object
        return canonical

    async def decide(
        self,
        path: str,
        resolved: Sequence[WriteIntent],
        caller: Caller,
        crm: lookups.Get | lookups.Recorded,
    ) -> Judged:
        """The decision on writes already ``resolved``, in their conversation's facts, once
        ``crm`` said whose the records they name are. Raises RequestRejected,
        DependencyFailure."""
        dialect = self.dialect
        facts = await self.context.facts(caller, resolved)
        intents = resolved
        if not isinstance(crm, lookups.Recorded):
            object_for_id = self.pipeline.policies.object_for_id

            def owned(record_id: str) -> bool:
                """Whether a record is someone's the CRM could be asked about (a contact, a
                case), not a customer in itself (an account)."""
                found = dialect.owner_lookup(object_for_id(record_id), record_id, path)
                return found is not None

            asked = (facts, dialect.owner_fields, owned, object_for_id)
            intents = await lookups.belongings(
                dialect, path, resolved, crm, object_for_id,
                functools.partial(_whose_unknown, *asked), functools.partial(_whose_known, *asked),
            )  # fmt: skip
            if isinstance(resolved, Canonical) and intents is not resolved:
                # Whose their records are (belongs_to) renames nothing: made canonical once.
                intents = Canonical(intents, resolved.crm, resolved.made_by)
        decision = self.pipeline.evaluate(dialect.name, intents, caller, facts)
        return Judged(decision.intents, facts, decision)


def _whose_unknown(
    facts: Facts,
    owner_fields: Sequence[str],
    owned: Callable[[str], bool],
    object_for_id: Callable[[str], str],
    record_id: str,
) -> bool:
    """Whether to ask the CRM whose a record the write names is: one the conversation grounds
    (else the grounding rules refuse it), and not known already (_whose_known). The CRMs asked
    are those whose ids name their object (``object_for_id``)."""
    return facts.grounded(object_for_id(record_id), record_id) and not _whose_known(
        facts, owner_fields, owned, object_for_id, record_id
    )


def _whose_known(
    facts: Facts,
    owner_fields: Sequence[str],
    owned: Callable[[str], bool],
    object_for_id: Callable[[str], str],
    record_id: str,
) -> bool:
    """Whether the conversation knows whose a record is: the customer's own id, made in this
    conversation, or read with the fields that say whose it is, naming one of the customer's
    ids or only customers in themselves (accounts). Read naming a contact not theirs, only the
    CRM can say whether that contact is theirs another way (a colleague at their company)."""
    sobject = object_for_id(record_id)
    if facts.customers(sobject, record_id) or facts.created(sobject, record_id):
        return True
    shown = facts.shown(sobject, record_id, owner_fields)
    if shown is None:
        return False  # never read with them
    named = [v for v in shown if isinstance(v, str) and v]
    return any(facts.customers(object_for_id(v), v) for v in named) or not any(
        owned(v) for v in named
    )
