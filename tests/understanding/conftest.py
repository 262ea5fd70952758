"""Helpers for the understanding tests: a conversation from (role, text) pairs, read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from guardrail.cli import main
from guardrail.context.facts import Facts, Transcript
from guardrail.context.model import Conversation, Turn
from guardrail.policy.functions import RuleFunctions
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


def turns(*said: str) -> list[Turn]:
    """ "c: ..." is the customer, "a: ..." the agent, "s: ..." the platform (system)."""
    roles = {"c:": "customer", "s:": "system"}
    return [Turn(role=roles.get(s[:2], "agent"), text=s[2:].strip()) for s in said]


def conversation(*said: str, outcome: str | None = None) -> Conversation:
    """A conversation of these turns (``turns``)."""
    now = datetime.now(UTC)
    return Conversation(
        id=f"c-{hash(said)}", turns=turns(*said), outcome=outcome, created_at=now, updated_at=now
    )


def facts(*said: str, outcome: str | None = None) -> Facts:
    """The facts rules read for a conversation of these turns (``turns``)."""
    return Facts(conversation(*said, outcome=outcome))


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

    def outcome(self, *said: str) -> tuple[Outcome | None, bool]:
        """The outcome read, and whether surely."""
        reading = self(*said).outcome
        return (None, False) if reading is None else (reading.value, reading.confidence >= SURE)


@pytest.fixture(scope="session")
def read() -> Reader:
    return Reader()


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
    """The rule functions of a conversation of these turns, its transcript digested as the
    proxy digests it (guardrail.context.facts.TranscriptCache)."""
    talk = conversation(*said)
    return RuleFunctions(Facts(talk, transcript=Transcript.of(talk)))
