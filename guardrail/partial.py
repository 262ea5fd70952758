"""Partial saves: a request the CRM saves record by record, some records blocked.

Salesforce saves an sObject Collection sent with ``allOrNone: false`` record by record: a record
that fails gets its own error and the others are saved. The guardrail does the same with the
records it blocks: they get their per-record errors, and the others are forwarded on their own
(a request the dialect rewrites to hold only them, read again to prove it holds exactly what was
judged) and saved. The agent gets one result in the original order, and the audit log records
what happened: one decision for the blocked records, one for the forwarded ones. The check API
and ``guardrail check`` answer the same split (``planned``), so an agent that checks first
learns which records the proxy would save.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from guardrail.crm.base import CanonicalRequest, Dialect, Narrowed, ParsedRequest, Part, Shape
from guardrail.model import Decision, Verdict, Within, decide, new_decision_id


@dataclass(frozen=True, slots=True)
class Partial:
    """How a request splits: the parts forwarded, and the decision on each side."""

    forwarded: tuple[Part, ...]
    blocked: Decision
    allowed: Decision


def split(parsed: ParsedRequest, decision: Decision) -> Partial | None:
    """The split of a blocked request the CRM would save record by record, or None when it is
    refused whole: it is not such a request, nothing in it may be saved, a violation blocks
    the request rather than one record, or a record left to forward waits for a person's
    approval (a hold keeps a whole request, and the others would be saved before it is
    approved). Every door reports this split: the proxy makes it, the check API and the dry run
    answer it (guardrail.dryrun)."""
    if parsed.shape is not Shape.COLLECTION or parsed.all_or_none or not decision.violations:
        return None
    blocking = [v for v in decision.violations if v.blocks]
    if not blocking or any(v.intent is None for v in blocking):
        return None
    refused = {v.intent for v in blocking}
    forwarded = tuple(p for p in parsed.parts if not refused.intersection(p.intents))
    if not forwarded:
        return None
    kept = [n for p in forwarded for n in p.intents]
    dropped = [n for n in range(len(decision.intents)) if n not in set(kept)]
    allowed = _subset(decision, kept, decision.id, whole=True)
    if allowed.verdict is Verdict.HOLD:
        return None
    return Partial(
        forwarded,
        blocked=_subset(decision, dropped, new_decision_id(), whole=False),
        allowed=allowed,
    )


def planned(
    dialect: Dialect, request: CanonicalRequest, read: ParsedRequest, decision: Decision
) -> tuple[Partial, Narrowed] | None:
    """The split of a blocked request (``split``) and the request of only its forwarded records
    (``read`` as the dialect read ``request``), or None when it is refused whole. Raises
    RequestRejected when those records cannot be sent on their own: refused whole, saying so."""
    partial = split(read, decision)
    if partial is None:
        return None
    return partial, dialect.narrow(request, read, partial.forwarded)


def _subset(decision: Decision, indices: Sequence[int], decision_id: str, whole: bool) -> Decision:
    """The decision on some of its intents, renumbered, with the verdict their violations call
    for; ``whole``: with the (non-blocking) violations about the request as a whole. It keeps
    the request it is part of, for replay."""
    position = {old: new for new, old in enumerate(indices)}
    violations = tuple(
        replace(v, intent=None if v.intent is None else position[v.intent])
        for v in decision.violations
        if (v.intent is None and whole) or v.intent in position
    )
    return replace(
        decision,
        id=decision_id,
        verdict=decide(violations),
        intents=tuple(decision.intents[n] for n in indices),
        violations=violations,
        within=Within(decision.intents, tuple(indices)),
    )
