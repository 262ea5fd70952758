"""An interpreter rendering the customer in the third person is the customer asking; anyone else
they mention is still someone else."""

import pytest

from guardrail.understanding.model import AskKind, AskStatus

from .conftest import Reader

REFUND = AskKind.REFUND
CLOSURE = AskKind.ACCOUNT_CLOSURE


@pytest.mark.parametrize(
    ("opening", "relay", "kind"),
    [
        (
            "c: Hi, I'm the Somali interpreter, ID 3381, I have Mrs Warsame with me.",
            "c: She says she wants her money back for the heater, it never worked.",
            REFUND,
        ),
        (
            "c: Good morning, interpreter 77 here on behalf of the caller.",
            "c: He is saying the course was useless, he would like a refund of the 60.",
            REFUND,
        ),
        (
            "a: I've got a translator joining us now.",
            "c: She told me she wants to close her account, she is moving to Lisbon.",
            CLOSURE,
        ),
        (
            "c: Hello, I'm interpreting for Mr Okafor today.",
            "c: He needs his account cancelled, he says the shop is closing down.",
            CLOSURE,
        ),
    ],
)
def test_an_interpreters_third_person_is_the_customer_asking(
    read: Reader, opening: str, relay: str, kind: AskKind
) -> None:
    ask = read.ask(kind, opening, "a: Thanks, how can I help?", relay)
    assert ask is not None
    assert ask.status is AskStatus.ASKED


@pytest.mark.parametrize(
    "relay",
    [
        "c: She says her son wants the account closed, not her.",
        "c: He says his wife would like the account shut down.",
    ],
)
def test_a_relative_the_interpreter_relays_is_still_a_third_party(read: Reader, relay: str) -> None:
    ask = read.ask(CLOSURE, "c: Interpreter 2210 here, Portuguese.", "a: Go ahead.", relay)
    assert ask is not None
    assert ask.status is AskStatus.THIRD_PARTY


def test_without_an_interpreter_he_or_she_is_someone_else(read: Reader) -> None:
    ask = read.ask(REFUND, "c: I'm calling about my flatmate.", "c: She wants her money back.")
    assert ask is not None
    assert ask.status is AskStatus.THIRD_PARTY
