"""Helpers for the understanding tests: a conversation from (role, text) pairs, read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from guardrail.cli import main
from guardrail.context.facts import Facts, Transcript
from guardrail.context.model import Conversation, ReadRecord, Turn
from guardrail.model import Caller, Operation, WriteIntent
from guardrail.pipeline import Pipeline
from guardrail.policy.functions import RuleFunctions
from guardrail.policy.loader import load_policy_set
from guardrail.understanding.lexical import LexicalBackend
from guardrail.understanding.model import (
    SURE,
    Ask,
    AskKind,
    AskStatus,
    Outcome,
    Reason,
    Understanding,
)

PACK = Path(__file__).parents[2] / "policies/salesforce-contact-center"


def turns(*said: str) -> list[Turn]:
    """ "c: ..." is the customer, "a: ..." the agent, "s: ..." the platform (system)."""
    roles = {"c:": "customer", "s:": "system"}
    return [Turn(role=roles.get(s[:2], "agent"), text=s[2:].strip()) for s in said]


def conversation(
    *said: str, outcome: str | None = None, reads: Sequence[ReadRecord] = ()
) -> Conversation:
    """A conversation of these turns (``turns``), in which the agent read ``reads``."""
    now = datetime.now(UTC)
    return Conversation(
        id=f"c-{hash(said)}",
        turns=turns(*said),
        outcome=outcome,
        reads=list(reads),
        created_at=now,
        updated_at=now,
    )


def facts(*said: str, outcome: str | None = None, reads: Sequence[ReadRecord] = ()) -> Facts:
    """The facts rules read for a conversation of these turns (``turns``), its transcript
    digested as the proxy digests it (guardrail.context.facts.TranscriptCache)."""
    talk = conversation(*said, outcome=outcome, reads=reads)
    return Facts(talk, transcript=Transcript.of(talk))


def reason_verdict(said: Sequence[str], written: str) -> str:
    """How a closure reason ``written`` stands against the conversation ``said``: it fits, it
    contradicts the customer's, or the reading is unsure (never both fits and contradicts)."""
    reason = RuleFunctions(facts(*said)).written_reason("account closure", written)
    assert not (reason["fits"] and reason["contradicts"])
    return "fits" if reason["fits"] else "contradicts" if reason["contradicts"] else "unsure"


class Reader:
    def __init__(self) -> None:
        self.backend = LexicalBackend()

    def __call__(self, *said: str) -> Understanding:
        return self.backend.understand(turns(*said))

    def ask(self, kind: AskKind, *said: str) -> Ask | None:
        found = self(*said).asks_of(kind)
        return found[0] if found else None

    def reasons(self, *said: str) -> set[Reason]:
        """The problems read, less those the customer said they do not have."""
        return {i.reason for i in self(*said).issues if not i.negated}

    def sure_reasons(self, *said: str) -> set[Reason]:
        """The problems read surely enough for a rule to stand on, less those denied."""
        return {i.reason for i in self(*said).issues if not i.negated and i.confidence >= SURE}

    def status(self, kind: AskKind, *said: str) -> AskStatus | None:
        """How the ask of ``kind`` stands, None when none was read."""
        ask = self.ask(kind, *said)
        return None if ask is None else ask.status

    def granted(self, kind: AskKind, *said: str) -> bool:
        """Whether the ask of ``kind`` stands as wanted: asked, or an offer taken."""
        status = self.status(kind, *said)
        return status is not None and status.granted

    def outcome(self, *said: str) -> tuple[Outcome | None, bool]:
        """The outcome read, and whether surely."""
        reading = self(*said).outcome
        return (None, False) if reading is None else (reading.value, reading.confidence >= SURE)


@pytest.fixture(scope="session")
def read() -> Reader:
    return Reader()


@pytest.fixture(scope="session")
def amount_judged(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., str]:
    """How RefundNotMoreThanAsked of the shipped pack judges a refund of ``amount`` after these
    turns (the agent having read ``reads``): "passes", "held" (failed on an unsure reading)
    or "blocked"."""
    root = tmp_path_factory.mktemp("refunds")
    (root / "refunds.yaml").write_text((PACK / "refunds.yaml").read_text())
    policies = load_policy_set(root)
    pipeline = Pipeline(lambda: policies)

    def judged(said: Sequence[str], amount: float, reads: Sequence[ReadRecord] = ()) -> str:
        intent = WriteIntent("salesforce", "Refund__c", Operation.CREATE, {"Amount__c": amount})
        found = facts(*said, reads=reads)
        decision = pipeline.evaluate("salesforce", [intent], Caller(), found)
        failed = [v for v in decision.violations if v.rule == "RefundNotMoreThanAsked"]
        return "passes" if not failed else "held" if failed[0].uncertain else "blocked"

    return judged


@pytest.fixture
def understood(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., str]:
    """What ``guardrail understand`` prints for a conversation of these turns."""

    def run(*turns: dict[str, str]) -> str:
        path = tmp_path / "conversation.yaml"
        path.write_text(yaml.safe_dump({"turns": list(turns)}))
        assert main(["understand", str(path)]) == 0
        return capsys.readouterr().out

    return run


def judged(*said: str) -> RuleFunctions:
    """The rule functions of a conversation of these turns (``facts``)."""
    return RuleFunctions(facts(*said))
