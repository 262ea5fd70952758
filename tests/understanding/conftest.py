"""Helpers for the understanding tests: a conversation from (role, text) pairs, read."""

from __future__ import annotations

import pytest

from guardrail.context.model import Turn
from guardrail.understanding.lexical import LexicalBackend
from guardrail.understanding.model import Ask, AskKind, Understanding


def turns(*said: str) -> list[Turn]:
    """ "c: ..." is the customer, "a: ..." the agent."""
    return [Turn(role="customer" if s[:2] == "c:" else "agent", text=s[2:].strip()) for s in said]


class Reader:
    def __init__(self) -> None:
        self.backend = LexicalBackend()

    def __call__(self, *said: str) -> Understanding:
        return self.backend.understand(turns(*said))

    def ask(self, kind: AskKind, *said: str) -> Ask | None:
        found = self(*said).asks_of(kind)
        return found[0] if found else None


@pytest.fixture(scope="session")
def read() -> Reader:
    return Reader()
