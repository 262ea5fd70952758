"""sObject Collections saved in part (``allOrNone: false``): the request of only the records
forwarded, and the one result the agent gets back.

The narrowed request is built from what was read (the records as sent, the ids as judged) and
read again by the dialect; it must yield exactly the forwarded records' intents, or nothing is
sent. The CRM's per-record results and the guardrail's per-record errors are merged back into
the original order, as Salesforce answers a collection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from guardrail.crm import base
from guardrail.crm.base import CanonicalRequest, Narrowed, Parse, ParsedRequest, Part
from guardrail.crm.canonical import NO_BODY


def narrow(
    parse: Parse, request: CanonicalRequest, parsed: ParsedRequest, forwarded: Sequence[Part]
) -> Narrowed:
    """The collection request holding only the ``forwarded`` records. Raises MalformedBody when
    the narrowed request does not read as exactly their writes (nothing is then sent)."""
    kept = [n for part in forwarded for n in part.intents]
    if request.payload is NO_BODY:  # a delete: the ids are in the URL
        query = {
            "ids": ",".join(parsed.intents[n].record_id or "" for n in kept),
            "allOrNone": "false",
        }
        path = request.target.partition("?")[0]
        narrowed = replace(request, query=query, target=f"{path}?{urlencode(query)}")
    else:
        records = request.payload["records"]
        payload = {"allOrNone": False, "records": [records[n] for n in kept]}
        narrowed = request.rewritten(payload)
    return base.narrowed(
        parse,
        narrowed,
        [parsed.intents[n] for n in kept],
        "crm-guardrail could not forward the allowed records of this collection on their own; "
        "nothing was sent. Resend them without the blocked records.",
    )


def merge(
    parsed: ParsedRequest,
    forwarded: Sequence[Part],
    results: Any,
    refused: Callable[[Part], dict[str, Any]],
) -> list[Any] | None:
    """One result per record in the original order: the CRM's for the forwarded records (in
    the order it answered them), ``refused(part)`` for the others. None when the CRM's answer
    is not a result per forwarded record (the whole call failed: relay it as it is)."""
    if not isinstance(results, list) or len(results) != len(forwarded):
        return None
    answered = iter(results)
    ours = {part.ref for part in forwarded}
    return [next(answered) if part.ref in ours else refused(part) for part in parsed.parts]
