"""Requests whose parts the CRM runs in order (a ServiceNow batch, a Salesforce composite, a
Zendesk update_many): a write judged on a look-up is refused after another write that could
change the answer.

A dialect asks the CRM before judging some writes (the record a lookup field names, the children
a parent's new state moves, the account a case's contact gives it), and it asks before the
request runs, while the CRM makes each part's write on what the parts before it left. A part
that writes what such a look-up reads (a child given to the parent a later part moves, the
external id a later upsert looks its record up by) would have the later write judged on an
answer its own request made stale, so the later part is refused: sent on its own, once the
request before it is answered, it is judged on what the CRM then holds. Where the CRM may run
the parts in another order than sent (a Salesforce composite, collated), a part sent after the
look-up's may run before it, so it counts as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from guardrail.crm.base import Part
from guardrail.errors import AmbiguousRequest
from guardrail.model import WriteIntent


def refuse_stale_lookups(
    intents: Sequence[WriteIntent],
    parts: Sequence[Part],
    asked: Callable[[WriteIntent], bool],
    changes: Callable[[WriteIntent, WriteIntent], bool],
    label: str,
    any_order: str = "",
) -> None:
    """Refuse (AmbiguousRequest) a part with a write the CRM is ``asked`` about first when an
    earlier part's write ``changes`` (earlier, later) what the look-up reads; ``label`` names a
    part ("Batch request", "Subrequest"). ``any_order``, when the CRM may run the parts in
    another order than sent, says so (and how to keep it): then a later part counts too."""
    for n, part in enumerate(parts):
        for later in (intents[i] for i in part.intents if asked(intents[i])):
            for m, other in enumerate(parts):
                if m == n or (m > n and not any_order):
                    continue
                earlier = next(
                    (intents[i] for i in other.intents if changes(intents[i], later)), None
                )
                if earlier is None:
                    continue
                when = "before it" if m < n else f"after it ({any_order})"
                raise AmbiguousRequest(
                    f"{label} {part.ref}: crm-guardrail asks the CRM what this "
                    f"{later.operation} of {later.object} changes before judging it, and it "
                    f"asks before the request runs; {label.lower()} {other.ref} {when} "
                    f"writes {earlier.object} first, which may change that answer. Send "
                    f"{part.ref} on its own, once the request before it is answered."
                )
