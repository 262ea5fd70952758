"""Batch API requests saved in part: the instance runs each request of a batch on its own (one
failing does not undo the others), so the guardrail forwards the requests it allows and answers
the ones it blocks itself.

The narrowed batch holds the allowed requests as sent (same ids, urls, headers and bodies, the
same ``batch_request_id``) and is read again by the dialect; it must yield exactly their
intents, or nothing is sent. The instance's answers and the guardrail's errors are merged into
one batch answer in the original order, each blocked request answered 400 with ServiceNow's
error body (base64, as the Batch API carries bodies).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any

from guardrail.crm import base
from guardrail.crm.base import CanonicalRequest, Narrowed, Parse, ParsedRequest, Part

_JSON = "application/json;charset=UTF-8"


def narrow(
    parse: Parse, request: CanonicalRequest, parsed: ParsedRequest, forwarded: Sequence[Part]
) -> Narrowed:
    """The batch holding only the ``forwarded`` requests. Raises MalformedBody when it does not
    read as exactly their writes (nothing is then sent)."""
    kept = {part.ref for part in forwarded}
    payload = {
        **request.payload,
        "rest_requests": [r for r in request.payload["rest_requests"] if r["id"] in kept],
    }
    return base.narrowed(
        parse,
        request.rewritten(payload),
        [parsed.intents[n] for part in forwarded for n in part.intents],
        "crm-guardrail could not forward the allowed requests of this batch on their own; "
        "nothing was sent. Resend them without the blocked ones.",
    )


def merge(
    parsed: ParsedRequest,
    forwarded: Sequence[Part],
    body: bytes,
    refused: Callable[[Part], bytes],
) -> bytes | None:
    """One batch answer in the original order: the instance's answer to each forwarded request,
    ``refused(part)`` (an error body) for the others. None when the instance's answer is not a
    batch answer (the whole call failed: relay it as it is)."""
    try:
        answer = json.loads(body)
        served = {str(item["id"]): item for item in answer["serviced_requests"]}
    except (ValueError, KeyError, TypeError):
        return None
    ours = {part.ref for part in forwarded}
    items: list[dict[str, Any]] = []
    for part in parsed.parts:
        if part.ref not in ours:
            items.append(_refused(part.ref, refused(part)))
        elif part.ref in served:
            items.append(served[part.ref])
    merged = {**answer, "serviced_requests": items}
    return json.dumps(merged).encode()


def _refused(ref: str, error: bytes) -> dict[str, Any]:
    return {
        "id": ref,
        "body": base64.b64encode(error).decode(),
        "status_code": 400,
        "status_text": "Bad Request",
        "headers": [{"name": "Content-Type", "value": _JSON}],
        "execution_time": 0,
    }
