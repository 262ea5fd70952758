"""Bulk jobs the proxy saw created: what a later upload to them is judged as.

A bulk ingest job is created by one request and filled by another, possibly on another replica,
so what the job is (``JobSpec``: object, operation, how its data is written) lives in the
conversation store beside the conversation that created it. ``uploaded`` names the decision
that let the job's one upload through; it is set once, atomically, so no job gets a second,
unjudged upload.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from guardrail.crm.base import JobSpec


@dataclass(frozen=True, slots=True)
class BulkJob:
    id: str
    conversation: str
    spec: JobSpec
    uploaded: str | None = None

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "conversation": self.conversation,
                           "spec": asdict(self.spec)})  # fmt: skip

    @classmethod
    def from_json(cls, text: str, uploaded: str | None = None) -> BulkJob:
        data = json.loads(text)
        return cls(data["id"], data["conversation"], JobSpec(**data["spec"]), uploaded)
