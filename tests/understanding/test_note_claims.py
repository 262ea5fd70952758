"""A note's claims are held against the conversation as its figures are: a request it puts in
the customer's mouth where they made no ask of that kind, or a legal threat where they named
nothing legal, is unsupported; a request they made, in any standing, or a threat they did make,
is not."""

import pytest

from guardrail.policy.functions import RuleFunctions

from .conftest import facts

AUTO_RENEW = (
    "c: could you turn off the auto renewal on my plan please",
    "a: All done, it won't renew now.",
    "c: cheers",
)
LOST_BAG = (
    "c: My suitcase has been missing for five days now.",
    "a: I'm sorry, it's been traced to Madrid and arrives tomorrow.",
)


def unsupported(said: tuple[str, ...], note: str) -> list[str]:
    return RuleFunctions(facts(*said)).unsupported_facts(note)


@pytest.mark.parametrize(
    ("said", "note", "claim"),
    [
        (AUTO_RENEW, "Customer requested account closure. Auto-renewal off.",
         "a request for account closure"),
        (LOST_BAG, "Bag traced to Madrid. Customer threatened legal action.",
         "a threat of legal action"),
        (LOST_BAG, "Caller wants a refund for the bag.", "a request for refund"),
    ],
)  # fmt: skip
def test_a_claim_the_conversation_lacks_is_unsupported(said, note, claim):
    assert claim in unsupported(said, note)


@pytest.mark.parametrize(
    ("said", "note"),
    [
        (AUTO_RENEW, "Customer asked to switch off auto renewal; done."),
        ((*LOST_BAG, "c: If it isn't here tomorrow my solicitor hears about it."),
         "Customer threatened legal action if the bag is late again."),
        (("c: Close my account please.", "a: Are you sure?", "c: Actually no, keep it."),
         "Customer requested account closure, then changed their mind."),
        (LOST_BAG, "Refund offered for the delay; agent to follow up."),
    ],
)  # fmt: skip
def test_a_claim_the_conversation_bears_out_or_no_claim_is_supported(said, note):
    assert unsupported(said, note) == []


def test_a_request_of_a_kind_the_reader_reads_loosely_or_left_unread_is_no_claim_checked():
    said = ("c: can my subscription come off the visa ending 1234 instead?",
            "a: Sure, I'll send you a secure link.")  # fmt: skip
    assert unsupported(said, "Customer wants the subscription moved to the visa ending 1234.") == []


AWAITING_APPROVAL = (
    "c: you billed the premium twice, $45 each, can I have one back?",
    "a: I've raised a 45 refund; refunds need manager approval, you'll hear within two days.",
)


def test_a_refund_noted_as_issued_while_it_waits_for_approval_is_unsupported(read):
    note = "Refund of 45 approved and issued to the customer."
    assert "a refund issued" in unsupported(AWAITING_APPROVAL, note)


@pytest.mark.parametrize(
    ("said", "note"),
    [
        (AWAITING_APPROVAL, "Refund of 45 raised, awaiting manager approval."),
        (("c: you billed the premium twice, $45 each, can I have one back?",
          "a: Done, I've refunded the 45 to your card."),
         "Refund of 45 issued to the customer."),
    ],
)  # fmt: skip
def test_a_refund_noted_as_it_stands_is_supported(said, note):
    assert unsupported(said, note) == []
