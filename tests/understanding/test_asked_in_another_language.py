"""A refund asked in the language the customer switches to ("Je veux être remboursé", "voglio un
rimborso", "ich möchte eine Rückerstattung"): the ask, as in English or Spanish; the same word
under an English no is still a no, and so is the same word under that language's own no."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import AskKind, AskStatus

REFUND = AskKind.REFUND
TOLD = "c: The ferry was cancelled and nobody told us."


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("c: Je veux être remboursé.", AskStatus.ASKED),
        ("c: Voglio un rimborso, per favore.", AskStatus.ASKED),
        ("c: Ich möchte eine Rückerstattung bitte.", AskStatus.ASKED),
        ("c: Quero o meu dinheiro.", AskStatus.ASKED),
        ("c: I don't want a remboursement, just put us on the next one.", AskStatus.DECLINED),
        ("c: Just put us on the next one.", None),
    ],
)
def test_a_refund_asked_in_another_language_is_the_ask(read, said, status):
    assert read.status(REFUND, TOLD, "a: I'm very sorry.", said) is status


@pytest.mark.parametrize(
    "said",
    [
        "c: Je ne veux pas être remboursé, juste le prochain bateau.",
        "c: Non, pas de remboursement, merci.",
        "c: Non voglio un rimborso.",
        "c: Ich möchte keine Rückerstattung.",
        "c: Não quero o meu dinheiro, quero a viagem.",
        "c: No quiero un reembolso, solo el cambio.",
    ],
)
def test_a_refund_refused_in_another_language_is_no_ask(read, said):
    assert read.status(REFUND, TOLD, "a: I'm very sorry.", said) is not AskStatus.ASKED


@pytest.mark.parametrize(
    "said",
    [
        "c: On ne nous a rien dit. Je veux être remboursé.",
        "c: Nadie nos avisó y no es justo, quiero un reembolso.",
        "c: Ich habe es nicht bekommen und möchte jetzt eine Rückerstattung.",
    ],
)
def test_a_no_about_something_else_leaves_the_foreign_ask(read, said):
    assert read.status(REFUND, TOLD, "a: I'm very sorry.", said) is AskStatus.ASKED
