"""What the CRM answered it did with a judged write, set against what was judged.

A write by lookup field is judged as the write the CRM will make once the proxy has looked its
record up (guardrail.lookups): an upsert whose value names no record is judged as a create.
The record can appear between the lookup and the write (a race, an earlier subrequest of the
same composite, or someone arranging it), and the CRM then updates it: a record no rule judged
the write against, maybe another customer's. The CRM's answer says so (Salesforce: 200 and
``"created": false``, per record in a collection; Zendesk: 200, not 201), and the dialect reads
it (``Dialect.saved``). The write has landed and cannot be taken back, so it is called out: the
decision is a post-fail naming what happened (audited, alerted; a single-record write's agent
is told, in the CRM's error format), and the conversation records the write as the update it
was, of a record not created here (guardrail.context.loader), so nothing later trusts it as the
agent's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import structlog

from guardrail.model import Decision, Saved, Verdict, Violation, WriteIntent

log = structlog.get_logger("guardrail.answered")

#: The rule a create the CRM made as an update of an existing record is reported under.
UPDATED = "CreateUpdatedExisting"


def answered(decision: Decision, saved: Sequence[Saved]) -> Decision:
    """``decision`` once the CRM answered with ``saved`` (one per intent): each create the CRM
    says it made as an update of an existing record is a violation, and the write a
    post-fail."""
    done = replace(decision, saved=tuple(saved))
    updated = [
        (n, intent, s)
        for n, (intent, s) in enumerate(zip(decision.intents, saved, strict=False))
        if s.updated(intent)
    ]
    if not updated:
        return done
    for n, intent, s in updated:
        log.warning("create_updated_existing", decision_id=decision.id, intent=n,
                    object=intent.object, record_id=s.id)  # fmt: skip
    found = tuple(_updated(intent, n, s) for n, intent, s in updated)
    return replace(done, verdict=Verdict.POST_FAIL, violations=decision.violations + found)


def _updated(intent: WriteIntent, n: int, saved: Saved) -> Violation:
    named = (
        f" by {intent.external_id_field} = {intent.external_id!r}"
        if intent.external_id_field and intent.external_id is not None
        else ""
    )
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
