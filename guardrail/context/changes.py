"""What each change does to a conversation, decided once for both store backends.

The memory and Redis stores differ only in where the parts of a conversation live. What a PATCH
merges, what appending turns may do, which accounts a write is indexed under, how long the index
remembers and how the parts are put back together are the same rules, so they live here.

Versions: each store takes every conversation's next version from one store-wide counter (a
Python counter; INCR on one Redis key). A conversation deleted and created again therefore
never repeats a version, so anything cached per (id, version) cannot go stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from guardrail.context.lru import Lru
from guardrail.context.model import (
    Conversation,
    ConversationIn,
    ConversationPatch,
    ReadRecord,
    Turn,
    WriteRecord,
)

#: How long the per-account write index remembers a write (duplicate detection looks back
#: hours, not days).
ACCOUNT_RETENTION = timedelta(hours=24)
#: Writes kept per account within the retention, newest first: a runaway agent hammering one
#: account must not grow the index without bound.
MAX_ACCOUNT_WRITES = 1000


def utc_now() -> datetime:
    """The stores' default clock: aware, so stored times compare with the records' own."""
    return datetime.now(UTC)


def patched(platform: ConversationIn, patch: ConversationPatch) -> ConversationIn:
    """``platform`` with ``patch`` merged in as a JSON Merge Patch (RFC 7396).

    Only the members the client sent count. Objects merge member by member (so
    ``{"customer": {"verified": true}}`` keeps the account ids, and one entitlement can change
    alone); lists and scalars replace (``turns`` given means the whole transcript); ``null``
    removes a member, which puts a top-level field back to its default.
    Raises pydantic's ValidationError when the merged conversation breaks a limit.
    """
    merged = _merge(
        platform.model_dump(mode="json"), patch.model_dump(mode="json", exclude_unset=True)
    )
    return ConversationIn.model_validate(merged)


def _merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _merge(merged.get(key), value)
    return merged


def with_turns(platform: ConversationIn, turns: Sequence[Turn]) -> ConversationIn:
    """``platform`` with ``turns`` appended.

    Raises ValidationError past MAX_TURNS, as PUT does: a transcript silently losing its start
    (where the customer was verified, say) would mislead the rules more than a refusal would.
    """
    return ConversationIn.model_validate({**dict(platform), "turns": [*platform.turns, *turns]})


def assemble(
    conversation_id: str,
    platform: ConversationIn,
    *,
    created_at: datetime,
    updated_at: datetime,
    version: int,
    rev: int,
    reads: Sequence[ReadRecord],
    writes: Sequence[WriteRecord],
    understanding: dict[str, Any] | None = None,
    forgotten: datetime | None = None,
) -> Conversation:
    """The conversation as the API and the rules see it, from the parts a store keeps.

    Every part was validated when it was stored, so it is assembled without validating again:
    with hundreds of recorded reads and writes that was a measurable share of each write. What
    the platform said changes only with ``rev``, so it is made into a model once per rev and
    copied, with what changes more often, on every load (every write loads its conversation).
    """
    key = (conversation_id, rev, created_at)
    found = _platforms.peek(key)
    if found is None or found[0] is not platform:
        made = Conversation.model_construct(
            **dict(platform), id=conversation_id, created_at=created_at, rev=rev
        )
        _platforms.put(key, found := (platform, made))
    return found[1].model_copy(
        update={
            "reads": list(reads),
            "writes": list(writes),
            "updated_at": updated_at,
            "version": version,
            "understanding": understanding,
            "forgotten": forgotten,
        }
    )


# The platform parts of the calls in progress, as models, with the part each was made of (a
# store keeps its platform part as one object per rev; another object, even an equal one, is
# made into a model again).
_platforms: Lru[tuple[ConversationIn, Conversation]] = Lru(1024)


def account_window_start(since: datetime, now: datetime) -> datetime:
    """Where an account query starts: never before the retention, even if the index has not
    been trimmed yet (trimming happens when a write arrives)."""
    return max(since, now - ACCOUNT_RETENTION)
