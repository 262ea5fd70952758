"""What the CRM answered it did with a judged write, set against what was judged.

A write by lookup field is judged as the write the CRM will make once the proxy has looked its
record up (guardrail.lookups): an upsert whose value names no record is judged as a create.
The record can appear between the lookup and the write (a race, an earlier subrequest of the
same composite, or someone arranging it), and the CRM then updates it: a record no rule judged
the write against, maybe another customer's. The CRM's answer says so (Salesforce: 200 and
``"created": false``, per record in a collection; Zendesk: 200, not 201), and the dialect reads
it (``Dialect.saved``). The reverse too: an upsert judged as an update of the record its
lookup found, which was gone (deleted, or its value changed) when the CRM made the write, is
a new record (``"created": true``) no create rule judged (a second case for the account, say).
The write has landed and cannot be taken back, so it is called out: the
decision is a post-fail naming what happened (audited, alerted; a single-record write's agent
is told, in the CRM's error format), and the conversation records the write as the update it
was, of a record not created here (guardrail.context.loader), so nothing later trusts it as the
agent's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog

from guardrail.model import Decision, Saved, Verdict, Violation, WriteIntent, replaced

log = structlog.get_logger("guardrail.answered")

#: The rule a create the CRM made as an update of an existing record is reported under.
UPDATED = "CreateUpdatedExisting"
#: The rule an update the CRM made as a create of a new record is reported under.
CREATED = "UpdateCreatedNew"
#: The rules a write the CRM saved otherwise than it was judged is reported under.
OTHERWISE = frozenset({UPDATED, CREATED})


def answered(
    decision: Decision,
    saved: Sequence[Saved],
    status: int | None = None,
    seconds: float | None = None,
) -> Decision:
    """``decision`` once the CRM answered with ``saved`` (one per intent): each create the CRM
    says it made as an update of an existing record, and each update it made as a create,
    is a violation, and the write a post-fail. ``status`` (the CRM's answer's, which the agent
    gets) and ``seconds`` (the CRM's time), when given, are recorded too: in the one copy of
    the decision this makes (a decision is twenty fields to copy)."""
    answer: dict[str, Any] = {} if status is None else {"status": status, "upstream_status": status}
    if seconds is not None:
        answer["upstream_seconds"] = seconds
    done = replaced(decision, saved=tuple(saved), **answer)
    found: list[Violation] = []
    for n, (intent, s) in enumerate(zip(decision.intents, saved, strict=False)):
        if s.updated(intent) or s.made(intent):
            violation = _updated(intent, n, s) if s.updated(intent) else _made(intent, n, s)
            log.warning("saved_otherwise_than_judged", decision_id=decision.id, intent=n,
                        object=intent.object, rule=violation.rule, record_id=s.id)  # fmt: skip
            found.append(violation)
    if not found:
        return done
    violations = decision.violations + tuple(found)
    return replaced(done, verdict=Verdict.POST_FAIL, violations=violations)


def _named(intent: WriteIntent) -> str:
    if intent.external_id_field and intent.external_id is not None:
        return f" by {intent.external_id_field} = {intent.external_id!r}"
    return ""


def _made(intent: WriteIntent, n: int, saved: Saved) -> Violation:
    made = f"a new {intent.object} {saved.id}" if saved.id else f"a new {intent.object}"
    return Violation(
        policy="guardrail",
        rule=CREATED,
        message=(
            f"This {intent.object} write{_named(intent)} was judged as changing the existing "
            f"{intent.object} {intent.record_id}, which crm-guardrail found when it looked it "
            f"up, but the CRM created {made} instead: that record was gone by then (deleted, "
            "or its value changed), so no rule judged the write as the new record it made. Do "
            "not send it again: read the new record, and tell a person if it should not exist."
        ),
        fields=(intent.external_id_field,) if intent.external_id_field else (),
        code="GUARDRAIL_UPDATE_CREATED_NEW",
        intent=n,
    )


def _updated(intent: WriteIntent, n: int, saved: Saved) -> Violation:
    named = _named(intent)
    record = f"the existing {intent.object} {saved.id}" if saved.id else (
        f"an existing {intent.object} (its answer did not say which)"
    )  # fmt: skip
    return Violation(
        policy="guardrail",
        rule=UPDATED,
        message=(
            f"This {intent.object} write{named} was judged as creating a new record, since no "
            f"record matched when crm-guardrail looked it up, but the CRM updated {record} "
            "instead: the record appeared in between, and the CRM saved the update. Do not "
            "send it again: read that record first, and make sure it is the customer's, "
            "before changing it."
        ),
        fields=(intent.external_id_field,) if intent.external_id_field else (),
        code="GUARDRAIL_CREATE_UPDATED_EXISTING",
        intent=n,
    )
