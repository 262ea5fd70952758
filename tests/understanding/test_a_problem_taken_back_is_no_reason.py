"""A problem the customer names and then takes back ("it was late... no, sorry, it came on time"),
or one they deny of what someone else said, is not their reason; the problem they give instead is.
Denying it of another thing ("the box wasn't damaged") takes nothing back."""

import pytest

from guardrail.understanding.model import Reason


@pytest.mark.parametrize(
    ("said", "dropped", "kept"),
    [
        # corrected in the same breath
        (("c: The blender turned up late. Hang on, no, sorry, it came right on time. The lid is "
          "cracked though, can I get a refund?",), Reason.LATE, Reason.DAMAGED),
        # corrected a turn later, after the agent's answer
        (("c: My headphones are broken, I'd like my money back.", "a: What's wrong with them?",
          "c: Actually they're not broken, they work. They're just the wrong model, I wanted "
          "the wireless ones."), Reason.DAMAGED, Reason.WRONG_ITEM),
        (("c: I think you overcharged me for the hamper.",
          "a: It was forty-five with five for delivery, fifty in all.",
          "c: Oh you're right, the price is fine. It just turned up three days late."),
         Reason.BILLING, Reason.LATE),
        # someone else's account of it, denied
        (("c: My husband says the rug came late but it didn't, it arrived Thursday. It's the "
          "wrong size though, can I get a refund?",), Reason.LATE, Reason.WRONG_ITEM),
    ],
)  # fmt: skip
def test_a_problem_taken_back_gives_way_to_the_one_given_instead(read, said, dropped, kept):
    reasons = read.reasons(*said)
    assert dropped not in reasons
    assert kept in reasons


def test_a_problem_denied_thing_by_thing_is_denied(read):
    said = ("c: The plates came, not one of them chipped, but a whole week late.",)
    assert Reason.DAMAGED not in read.reasons(*said)
    assert Reason.LATE in read.reasons(*said)


def test_a_vague_word_after_a_denial_does_not_undo_it(read):
    said = ("c: There's nothing wrong with the cheese. You charged me twice for it, and that "
            "is rotten. Give me one of them back.",)  # fmt: skip
    assert read.reasons(*said) == {Reason.BILLING}


@pytest.mark.parametrize(
    "said",
    [
        ("c: The kettle arrived dented. The box wasn't damaged, oddly. I'd like a refund.",),
        ("c: One of the glasses was smashed. The other glasses weren't broken. Refund that one.",),
        ("c: The kettle arrived dented, can I get a refund?", "a: Was the packaging damaged?",
         "c: The box? No, the box was intact, just the kettle."),
        ("c: It's not broken... well, actually, yes, it is broken, the switch has snapped off.",),
    ],
)  # fmt: skip
def test_a_denial_of_another_thing_or_before_the_problem_takes_nothing_back(read, said):
    assert Reason.DAMAGED in read.reasons(*said)
