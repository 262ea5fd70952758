"""A speaker the transcript tags by name in brackets ("(Arjun) ...") is who the call introduced
them as: the holder's own relation or partner ("my brother Arjun will explain") asks for a third
party, whoever else is named is the holder, and a title ("(Mrs Okafor)") is no relation."""

from __future__ import annotations

import pytest

from guardrail.understanding.model import SURE, AskKind, AskStatus

CLOSURE = AskKind.ACCOUNT_CLOSURE
REFUND = AskKind.REFUND


@pytest.mark.parametrize(
    "said",
    [
        ("c: Hi, Priya Nair, it's about the gym. Sorry, the plumber's here. My brother Arjun will "
         "finish this for me.",
         "c: (Arjun) Yeah, hi. She's moving to Leeds, so close the account please."),
        ("c: Morning, Dave Hollins from the bakery, the account's in my name. Our daughter Tess "
         "is on the extension.",
         "c: (Tess) We're shutting the shop in May, can you cancel the whole account?"),
    ],
)  # fmt: skip
def test_someone_the_holder_introduced_as_their_own_asks_for_a_third_party(read, said):
    ask = read.ask(CLOSURE, *said)
    assert ask is not None
    assert (ask.status, ask.confidence >= SURE) == (AskStatus.THIRD_PARTY, True)


def test_the_holders_partner_wanting_money_back_is_not_the_holders_ask(read):
    said = (
        "c: It's Rosa Quint, I run the florist. My partner Lou is on the other phone.",
        "c: (Lou) You charged us 30 for buckets after we left. We want that back.",
        "c: No, Lou, we kept the buckets an extra week. That's right, we owe it.",
    )
    assert read.status(REFUND, *said) is AskStatus.THIRD_PARTY


@pytest.mark.parametrize(
    "said",
    [
        # introduced by someone whose words say the account is the one introduced's
        ("c: Hello, I'm with my dad Walter, it's his account, he's on speaker.",
         "c: (Walter) I'd like to close my account please, I'm going into a home."),
        # addressed, not introduced as someone's own
        ("c: Hello, Uncle Ted is here with me.",
         "c: (Ted) I'd like to close my account please, I'm going into a home."),
        # a title, not "the missus"
        ("c: Hello, Mrs Okafor's the name.",
         "c: (Mrs Okafor) I'd like to close my account please, I'm going into a home."),
        # a joint account has two holders
        ("c: Hi, Ana Ruiz, my husband Joel is here too, it's a joint account.",
         "c: (Joel) We'd like to close the account please, we're moving abroad."),
    ],
)  # fmt: skip
def test_a_named_speaker_not_introduced_as_the_callers_own_asks_for_themself(read, said):
    assert read.status(CLOSURE, *said) is AskStatus.ASKED
