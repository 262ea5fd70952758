"""Card numbers and SSNs in a note, class by class: each written the ways an agent may write
one by accident or on purpose must be found (the sensitive-data rule refuses the note) and
masked (what is recorded of it keeps none of its digits); what is no card or SSN (a masked
"ending 4242", a last four, an order, a phone, a date, an amount) must not be."""

from __future__ import annotations

import itertools

import phonenumbers
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from guardrail.sinks.redact import mask_text, split_masked
from guardrail.understanding.sensitive import Edges, joined_chains, sensitive_kinds
from tests.conftest import card_digits_read, cards_of_every_length, ssns

MANY = settings(max_examples=200, deadline=None)
digits = st.text("0123456789", min_size=1, max_size=1)


def fours(number: str) -> list[str]:
    return [number[i : i + 4] for i in range(0, len(number), 4)]


def hidden(number: str, note: str) -> bool:
    """Whether ``note`` as masked for the logs and the audit keeps none of ``number``."""
    masked = mask_text(note)
    return number not in card_digits_read(masked) and not sensitive_kinds(masked)


# -- a number dictated in pieces, words between them --------------------------------------------

PAUSES = [". Then ", ", um, ", ". The rest is ", " and then ", "... sorry, ", ". Next: "]


@MANY
@example(card="4111111111111111", cut=2, pause=". Then ")
@given(card=cards_of_every_length(), cut=st.integers(1, 3), pause=st.sampled_from(PAUSES))
def test_a_card_dictated_in_two_sentences_is_found_and_masked(
    card: str, cut: int, pause: str
) -> None:
    groups = fours(card)
    head, tail = " ".join(groups[:cut]), " ".join(groups[cut:])
    note = f"Customer read the card out: {head}{pause}{tail}. Will call back."
    assert "card" in sensitive_kinds(note), note
    assert hidden(card, note), (note, mask_text(note))


@MANY
@example(card="5425233430109903", words=", ending ")
@given(
    card=cards_of_every_length(),
    words=st.sampled_from([", ending ", ", ends in ", " then ", " - last "]),
)
def test_a_card_with_its_last_digits_written_apart_is_found_and_masked(
    card: str, words: str
) -> None:
    *head, tail = fours(card)
    note = f"Panel $149 paid by card {' '.join(head)}{words}{tail}. Installer Monday."
    assert "card" in sensitive_kinds(note), note
    assert hidden(card, note), (note, mask_text(note))


@MANY
@given(ssn=ssns(), pause=st.sampled_from(PAUSES))
def test_an_ssn_given_as_its_first_five_and_last_four_is_found(ssn: str, pause: str) -> None:
    note = f"SSN: first five {ssn[:3]} {ssn[3:5]}{pause}last four {ssn[5:]}."
    assert "ssn" in sensitive_kinds(note), note
    assert hidden(ssn, note), (note, mask_text(note))


# -- what is no card and no SSN -------------------------------------------------------------------


def _phone() -> st.SearchStrategy[str]:
    three, four = st.integers(200, 999), st.integers(0, 9999)
    return st.builds(lambda a, b, c: f"({a}) {b}-{c:04d}", three, three, four)


@MANY
@example(last="0700", ending="4485", phone="(833) 989-4455")
@given(last=st.text("0123456789", min_size=4, max_size=4), ending=st.text("0123456789",
       min_size=4, max_size=4), phone=_phone())  # fmt: skip
def test_an_ssn_last_four_and_a_card_ending_beside_other_numbers_are_no_sensitive_data(
    last: str, ending: str, phone: str
) -> None:
    for note in (
        f"Verified with SSN last four {last}, card ending {ending}, phone {phone}.",
        f"SSN last four {last}. Card ending in {ending}. Callback {phone}.",
        f"Card last 4 {ending}, SSN last four digits {last}, order {last}{ending}.",
    ):
        assert sensitive_kinds(note) == frozenset(), note
        assert mask_text(note).count(last) >= 1, mask_text(note)


IDS = st.integers(100_000, 99_999_999).map(str)


@MANY
@given(first=IDS, second=IDS, template=st.sampled_from([
    "Paid by card. Orders {} and {}.",
    "Credit card charged twice, {} and {} are the transaction ids.",
    "Debit card: refund {} then {} then 7677.",
    "Customer's card was charged for {} and {}.",
]))  # fmt: skip
def test_a_card_payment_note_listing_order_or_transaction_ids_is_no_card(
    first: str, second: str, template: str
) -> None:
    note = template.format(first, second)
    assert sensitive_kinds(note) == frozenset(), note


# -- every digit of a number masked, whatever its prefix reads as --------------------------------

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
ZERO_WORDS = ["zero", "oh", "nought"]


@MANY
@example(card="5105105105105100", zero="oh")
@given(card=cards_of_every_length(), zero=st.sampled_from(ZERO_WORDS))
def test_a_card_in_words_is_masked_to_its_last_digit_though_a_shorter_part_reads_as_a_card(
    card: str, zero: str
) -> None:
    said = " ".join(zero if d == "0" else WORDS[int(d)] for d in card)
    note = f"Customer read out {said} and hung up."
    assert "card" in sensitive_kinds(note), note
    masked = mask_text(note)
    assert masked == "Customer read out [CARD] and hung up.", masked


@MANY
@given(card=cards_of_every_length(), month=st.integers(1, 12), year=st.integers(25, 35))
def test_a_card_and_the_expiry_written_right_after_it_are_masked_together(
    card: str, month: int, year: int
) -> None:
    note = f"Paid with {' '.join(fours(card))} {month:02d}/{year} today."
    assert mask_text(note) == "Paid with [CARD] today.", mask_text(note)


# -- phone numbers listed ------------------------------------------------------------------------


@st.composite
def us_phones(draw: st.DrawFn) -> str:
    """A valid US number as an agent types one: with dots, dashes or spaces."""
    area = draw(st.sampled_from(["212", "312", "415", "512", "617", "646", "303", "404"]))
    digits = area + draw(st.integers(200, 999).map(str)) + draw(st.text("0123456789",
                                                                       min_size=4, max_size=4))  # fmt: skip
    assume(phonenumbers.is_valid_number(phonenumbers.parse(digits, "US")))
    separator = draw(st.sampled_from([".", "-", " "]))
    return separator.join([digits[:3], digits[3:6], digits[6:]])


@MANY
@example(phones=["415.555.0143", "212-555-0199"])
@given(phones=st.lists(us_phones(), min_size=2, max_size=3))
def test_phone_numbers_listed_with_commas_are_no_card(phones: list[str]) -> None:
    note = f"Customer's numbers: {', '.join(phones)}. Call either."
    assert sensitive_kinds(note) == frozenset(), note


# -- more pieces than can be tried --------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text("0123456789", min_size=3, max_size=6), min_size=16, max_size=24))
def test_texts_a_number_could_run_through_in_more_orders_than_are_tried_read_as_a_card_and_are_masked(
    numbers: list[str],
) -> None:
    # an agent picks how many fields a write has, and the orders a split number could take
    # through them grow as their fourth power: past a bound, the write is taken as holding
    # a card (refused) and every piece masked, rather than read for seconds or let through
    texts = {f"Field{i}__c": n for i, n in enumerate(numbers)}
    found = set().union(
        *(kinds for _, kinds in joined_chains([Edges.of(t) for t in texts.values()]))
    )
    assert "card" in found
    masked = split_masked(texts)
    assert not any(c.isdigit() for v in masked.values() for c in v), masked


# -- nine plain digits: an SSN where one is named, in any spelling, glued or apart ---------------

# What a note may call a social security number (or the ITIN issued in its place), spelled
# out letter by letter too, as speech-to-text writes it.
SSN_NAMES = [
    "SSN", "ssn", "S.S.N.", "S.S.N", "SSNs", "SSNo", "SSN#", "ss#", "SS #", "ss no",
    "SS no.", "SS number", "soc sec", "Soc. Sec. #", "Soc.Sec.No.", "socsec", "SocSec",
    "soc-sec", "social sec", "social security", "Social Security No", "socialsecurity",
    "SocialSecurityNumber", "social-security-no", "ITIN", "itin",
    "S S N", "s s n", "S S No", "s. s. n.",
]  # fmt: skip
# Letters an identifier carries with its digits (an order's, an invoice's, a ticket's).
ID_LETTERS = ["ORD", "INV", "PO", "TKT", "REF", "A", "x", "ab", "Q-", "CASE"]


def _nine(ssn: str, before: str, after: str, glued: bool) -> str:
    gap = "" if glued else " "
    return f"{before}{gap}{ssn}{gap}{after}".strip()


@MANY
@given(
    ssn=ssns(),
    name=st.sampled_from(SSN_NAMES),
    letters=st.tuples(st.sampled_from(["", *ID_LETTERS]), st.sampled_from(["", "x", "z", "ab"])),
    glued=st.booleans(),
    where=st.sampled_from(["{name}{number}", "{name}: {number}", "{number} ({name})",
                           "{name} on file is {number}", "{number} is the {name}"]),
)  # fmt: skip
def test_nine_digits_where_an_ssn_is_named_in_any_spelling_are_an_ssn_glued_or_apart(
    ssn: str, name: str, letters: tuple[str, str], glued: bool, where: str
) -> None:
    before, after = letters
    if where.startswith("{name}{number}"):  # the name glued on is what comes before
        before = ""
    number = _nine(ssn, before, after, glued)
    note = f"Note: {where.format(name=name, number=number)}. Done."
    assert "ssn" in sensitive_kinds(note), note
    assert hidden(ssn, note), (note, mask_text(note))


@MANY
@given(
    ssn=ssns(),
    letters=st.tuples(st.sampled_from(ID_LETTERS), st.sampled_from(["", "x", "z", "ab"])),
    glued=st.booleans(),
    said=st.sampled_from(["Order", "Shipped", "Invoice", "Customer quoted", "Ref"]),
)
def test_nine_digits_glued_to_letters_where_no_ssn_is_named_read_as_the_digits_apart_do(
    ssn: str, letters: tuple[str, str], glued: bool, said: str
) -> None:
    # an identifier's letters change nothing: nine plain digits no SSN is named near are an
    # order or reference number, as they are with the letters spaced off
    note = f"{said} {_nine(ssn, *letters, glued)} today."
    apart = f"{said} {_nine(ssn, *letters, glued=False)} today."
    assert sensitive_kinds(note) == sensitive_kinds(apart) == frozenset(), note


# -- a digit said as a count of it ("four ones", "two 9s", "quadruple nine") --------------------

PLURALS = [
    "zeros",
    "ones",
    "twos",
    "threes",
    "fours",
    "fives",
    "sixes",
    "sevens",
    "eights",
    "nines",
]
COUNTS = {
    2: ["two", "2", "double"],
    3: ["three", "3", "triple", "treble"],
    4: ["four", "4", "quadruple"],
}


@MANY
@given(number=st.one_of(cards_of_every_length(), ssns()), data=st.data(), digits=st.booleans())
def test_a_number_read_out_with_its_repeated_digits_counted_is_found_and_masked(
    number: str, data: st.DataObject, digits: bool
) -> None:
    words = []
    for digit, run in itertools.groupby(number):
        n, d = len(list(run)), int(digit)
        while n:
            take = min(n, 4)
            if take == 1:
                words.append(WORDS[d] if not digits else digit)
            else:
                count = data.draw(st.sampled_from(COUNTS[take]))
                if count in ("double", "triple", "treble", "quadruple"):
                    words.append(f"{count} {WORDS[d] if not digits else digit}")
                else:
                    words.append(f"{count} {PLURALS[d] if not digits else digit + 's'}")
            n -= take
    said = "card" if len(number) > 9 else "social security number"
    note = f"Customer read the {said} out: {', '.join(words)}. Will call back."
    assert sensitive_kinds(note), note
    assert hidden(number, note), (note, mask_text(note))


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("001100001", "two zeros, two ones, four zeros, one"),  # a digit named alone, last
        ("133666666", "one, 2 threes, quadruple six, two sixes"),  # first
        ("444406666", "four fours, zero, quadruple six"),  # between counts
        ("001774444", "2 0s, one, 2 sevens, quadruple four"),  # counts as digits, names
        ("111412222", "three ones - 4 - one - four 2s"),  # parted by dashes
        ("219099999", "219, zero, 9, quadruple 9"),
        ("2221777799922333", "three twos, one, 4 sevens, three nines, 2 twos, three threes"),
        ("855883333", "8 double five double eight 4 3s"),  # double before a digit
        ("5186111110444338", "5 one 8 six four ones 1 zero triple four 2 3s 8"),
    ],
)
def test_a_number_read_out_with_counts_and_digits_named_alone_is_found_and_masked(
    number: str, said: str
) -> None:
    kind = "card" if len(number) > 9 else "social security number"
    note = f"Customer read the {kind} out: {said}. Will call back."
    assert sensitive_kinds(note), note
    assert hidden(number, note), (note, mask_text(note))


@MANY
@given(n=st.sampled_from(["two", "three", "four"]), plural=st.sampled_from(PLURALS))
def test_a_count_of_ones_or_fives_paid_or_seen_is_no_card(n: str, plural: str) -> None:
    note = f"Customer paid cash, {n} {plural} and a twenty, on card ending 4242 on 12/03/2026."
    assert sensitive_kinds(note) == frozenset(), note
