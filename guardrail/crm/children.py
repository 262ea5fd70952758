"""The records a write changes beside the one it names, as a look-up found them: a parent's
children (a ServiceNow parent incident's state carried to each child), the records naming one a
delete removes (a Salesforce refund's case cleared, a case's comments deleted with it), which
no intent of the request names, so a write that would change any is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guardrail.errors import AmbiguousRequest, InvalidSession, LookupFailed
from guardrail.model import WriteIntent

#: Children named in a refusal (a look-up asks for one more, to say there are more).
NAMED = 5

Row = dict[str, Any]


def none_changed(
    intent: WriteIntent,
    status: int,
    rows: list[Row] | None,
    unknown: str,
    label: Callable[[Row], str],
    refusal: Callable[[str], str],
) -> WriteIntent:
    """``intent``, when a look-up answered ``status`` with no children it would change
    (``rows``: None for an answer that lists none). Raises AmbiguousRequest (``refusal`` of
    the children, each by ``label``, the first NAMED and "and more" past them), InvalidSession
    (the credential was refused) or LookupFailed (``unknown``: what crm-guardrail could not
    tell without them)."""
    if status == 401:
        raise InvalidSession("expired")
    if status != 200 or rows is None:
        raise LookupFailed(
            f"crm-guardrail could not tell {unknown} (the CRM answered {status}), so it cannot "
            "judge the write; nothing was sent. Retry later."
        )
    if not rows:
        return intent
    more = " and more" if len(rows) > NAMED else ""
    raise AmbiguousRequest(refusal(", ".join(label(row) for row in rows[:NAMED]) + more))
