"""The records a write changes beside the one it names, as a look-up found them: a parent's
children (a ServiceNow parent incident's state carried to each child), the records naming one a
delete removes (a Salesforce refund's case cleared, a case's comments deleted with it), which
no intent of the request names, so a write that would change any is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from guardrail.crm import lookup_answers
from guardrail.errors import AmbiguousRequest
from guardrail.model import WriteIntent

#: Children named in a refusal (a look-up asks for one more, to say there are more).
NAMED = 5

Row = dict[str, Any]


def rows(answer: Any, key: str) -> list[Row] | None:
    """The records a look-up's answer (as ``lookup_answers.answer`` read it) lists under
    ``key`` (a Salesforce query's ``records``, the Table API's ``result``), or None for an
    answer that lists none."""
    listed = answer.get(key) if isinstance(answer, dict) else None
    if not isinstance(listed, list) or not all(isinstance(r, dict) for r in listed):
        return None
    return listed


def none_changed(
    intent: WriteIntent,
    status: int,
    rows: list[Row] | None,
    unknown: str,
    label: Callable[[Row], str],
    refusal: Callable[[str], str],
) -> WriteIntent:
    """``intent``, when a look-up answered ``status`` with no children it would change
    (``rows``: as ``lookup_answers.answer`` read them; None for an answer that lists none).
    Raises AmbiguousRequest (``refusal`` of the children, each by ``label``, the first NAMED
    and "and more" past them) or LookupFailed (``unknown``: what crm-guardrail could not tell
    without them)."""
    if rows is None:
        raise lookup_answers.failed(f"tell {unknown}", "the CRM", status)
    if not rows:
        return intent
    more = " and more" if len(rows) > NAMED else ""
    raise AmbiguousRequest(refusal(", ".join(label(row) for row in rows[:NAMED]) + more))
