"""Money, numbers and sensitive digits in cleaned text (guardrail.understanding.text.clean).

Amounts come in many forms: "$19.99", "€15", "15 euros", "thirty quid" (cleaned to "30
quid"), "a fiver", "two grand", "42 pounds 50", "twelve ninety nine" (cleaned to "12 99"),
"50p", "half of the 40". Card numbers and SSNs are spoken digit by digit, grouped oddly, or
written with dots: the digits are rejoined across separators before the Luhn check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from text_to_num import text2num  # type: ignore[import-untyped]

from guardrail.understanding.phones import is_phone_number

_CURRENCY_WORDS = {
    "$": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD", "buck": "USD", "usd": "USD",
    "£": "GBP", "quid": "GBP", "pound": "GBP", "pounds": "GBP", "gbp": "GBP", "squid": "GBP",
    "€": "EUR", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "₹": "INR", "rs": "INR", "rs.": "INR", "rupee": "INR", "rupees": "INR", "inr": "INR",
    "r": "ZAR", "rand": "ZAR", "zar": "ZAR",
    "c$": "CAD", "ca$": "CAD", "cad": "CAD", "a$": "AUD", "au$": "AUD", "aud": "AUD",
}  # fmt: skip
# A currency's sign before the figure: "$", "£", "€", "₹", "Rs 59", "C$26", "A$74", and the
# rand's "R180" (the letter only right before digits that end the word: "R2D2" is no money).
_SIGN = r"(?:(?<![\w$])(?:ca|au|c|a)\$|\$|[£€₹]|\brs\.?\s?|\br(?=\d[\d,.]*(?![\w])))"
# The money words a figure is said with ("40 quid", "a dollar 30", "299 rupees").
_MONEY_WORD = (
    r"(?:dollars?|bucks?|usd|quid|squid|pounds?|gbp|euros?|eur|rupees?|inr|rand|zar|cad|aud)"
)
# A decimal comma ("€25,50", "12,99 euros") is read as a point: two digits after it, never three.
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,4},\d{2}(?![\d,])|\d+(?:\.\d{1,2})?"
# Things counted, not priced: "four charges", "the three 10 euro fees".
_COUNTED = (
    r"(?:fees|charges|tickets|items|payments|bills|seats|nights|months|lessons|sessions|bags|"
    r"boxes|orders|packs|purchases|transactions|debits|meals|drinks|games|pairs|bottles|rooms|"
    r"subscriptions|memberships|licences|licenses|classes|visits|rides|passes|appointments|"
    r"deliveries|lunches)"
)
_MONEY = re.compile(
    # a price dictated digit by digit ("one five dollars": 15)
    r"(?<![\d.,])(?P<spelled>\d(?: \d){1,3}) (?P<sword>dollars?|bucks|quid|pounds?|euros?)\b"
    rf"|(?P<sym>{_SIGN})\s?(?P<a>{_NUMBER})(?P<k>k\b| grand\b)?"
    # the cents said after the sign's figure, named ("$20 and 9 cents", "£4 and 50 pence")
    r"(?:(?<=\d)\s(?:and\s)?(?P<scents>\d{1,2})\s?(?:cents?|pence|p)\b)?"
    # a figure and its money word; one or two said as a word, which stays one ("a dollar 30",
    # "one pound 20", "two euros 50"), though "a pound of" is a weight
    rf"|(?:(?P<b>{_NUMBER})\s?(?P<k2>k|grand)?\s?(?P<word>{_MONEY_WORD}|€|£)"
    rf"|\b(?P<few>a|an|one|two) (?P<fword>{_MONEY_WORD})(?! of\b))\b"
    r"(?:\s(?:and\s)?(?P<cents>\d{1,2})(?:\s(?:cents?|pence|p))?\b(?!\s?(?:dollars?|quid|pounds?|euros?)))?"
    r"|(?P<c>\d{1,3})\s?(?P<pence>p|pence|cents?)\b"
    r"|\b(?P<slang>(?:a |one )?fiver|(?:a |one )?tenner|a grand|(?P<g>\d+) grand|"
    r"(?:a |one )pony|(?:a |one )monkey|a ton(?! of)|(?:a |one )?c note|"
    r"(?<!\bwhat )(?:a |one )score(?! (?:of|on|in|at|to|from|was|is)\b))\b"
    # "one twenty-nine ninety-nine" (cleaned to "1 29 99"): hundreds, the rest, the cents
    r"|(?<!\d )\b(?P<hundreds>[1-9]) (?P<tens>[1-9]\d) (?P<hcents>[1-9]\d)\b(?! \d)"
    r"(?! ?(?:days?|weeks?|months?|years?|hours?|minutes?|times?|items?|%))"
    # "twenty oh nine" (cleaned to "20 oh 9"): the "oh" a zero before a single cent digit
    r"|\b(?P<words>\d{1,3}) (?P<wcents>[1-9]\d|(?<=(?<!\d)[1-9]\d )oh (?:[1-9]|one|two))\b"
    r"(?! ?(?:days?|weeks?|months?|years?|hours?|minutes?|times?|items?|%))"
    # "three 10 euro fees": a count, then the price of each
    rf"(?! ?(?:dollars?|bucks|quid|pounds?|euros?) (?:\w+ )?(?:{_COUNTED}|each|apiece))",
    re.IGNORECASE,
)
# "one" as the thing singled out ("just the one fifteen back", "so one forty-five you give me
# back"), not as a figure's first digit: after a determiner or a joining word, or first.
_ONE_OF = re.compile(r"(?:^|\b(?:the|that|this|so|and|but|just|only|then))\s*$")
# A number that is not money: followed by a unit, or naming an order, a date, a count.
_NOT_MONEY_AFTER = re.compile(
    r"\s?(?:days?|weeks?|months?|years?|hours?|hrs?|minutes?|mins?|seconds?|times?|items?|"
    r"dys|wks?|mths?|mnths?|mos|yrs?|secs?|"  # as typed in a hurry ("the other 3 wks back")
    r"units?|pieces?|boxes?|orders?|parcels?|packages?|people|percent|per cent|st|nd|rd|th|am|"
    r"pm|o'clock|past (?:1[0-2]|[1-9]|midnight|noon)|gb|mb|mbps|kg|g|cm|mm|inch|inches|feet|ft|"
    r"miles?|km|stars?|of them|"
    r"(?:of )?(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec))\b|\s?%"
)
# A few said of things counted, perhaps with what they are ("four charges", "4 gem packs");
# "the 9.99 gem packs" is a price, and so may "the 25 fees" be.
_FEW = 12
_COUNTING = re.compile(
    rf"\s(?:(?!(?:for|of|on|in|to|and|or|the|per|a|an|from|back|off)\b)[a-z]+\s)?{_COUNTED}\b"
)
# A bare number, perhaps in thousands as written in short ("billed 1.2k", "a 3k deposit").
_BARE = re.compile(r"(?<![\w.,$£€#/-])(\d{1,5}(?:\.\d{1,2})?)(k\b)?(?![\w./-]|\.\d|,\d)")
# A whole number after a plural pointing word ("refund those three", "these two were bent"):
# so many things already spoken of; a sum is pointed at in the singular ("that 30", "the 30").
_THOSE = re.compile(r"\b(?:those|these)\s+$")
# A day after its month ("December 12"); never one said with its cents ("the December 12.99").
_MONTH_BEFORE = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\s*$"
)
_CENTS = re.compile(r"\d+\.\d{2}")
# A few things taken together ("all three back", "all 4 of them"): so many things, no sum.
_ALL = re.compile(r"\ball\s+$")
_NOT_MONEY_BEFORE = re.compile(
    r"\b(?:order|case|ticket|invoice|ref|reference|number|no|#|account|acct|card|pin|code|"
    r"(?:ending|ends|ends in|ending in|last (?:four|4|digits)|option|choice)|"
    r"flat|house|room|step|version|page|line|item|at|since|out of|"
    # a number that labels a thing ("charger four", "bay 3", "lane 2", "gate 12")
    r"charger|bay|lane|gate|pump|platform|terminal|court|pitch|table|seat|row|aisle|dock|"
    r"stall|locker|booth|cubicle|kennel|pen|berth|cabin|pod|ward|bed|hole|door|zone|level|"
    r"floor|unit|plot|pier|space|exit|junction|route|bus|track|screen|studio|suite)\s*$"
    # a time of day ("tomorrow by ten", "Monday before 9", "this morning around eleven")
    r"|\b(?:today|tomorrow|tonight|morning|afternoon|evening|noon|midday|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|weekend)\s+(?:by|before|after|from|until|till|"
    r"around|about|between)\s*$"
    # a time of day told by the clock's hand ("half past ten", "twenty past three", "quarter to
    # nine"): the hour after it ("twenty to thirty" is a range)
    r"|\b(?:(?:half|quarter) (?:past|to)|\d{1,2}(?: minutes)? past)\s*$"
    # how many a thing holds ("one of the mugs out the set of four", "a pack of six"): a count
    r"|\b(?:set|pack|box|pair|bundle|bag|packet|crate|tray|carton|case|multipack|batch|"
    r"family|party|group|team|class|course|block|series|run|book|roll|sheet|strip)s? of\s*$"
)
# A share of an amount: "half", "a third", "a fifth" (cleaned text says "a 5th"), "two thirds",
# "three quarters", "20%", "ten percent". An ordinal naming the thing after it ("a third
# party", "a fifth time") is no share, nor is a time ("a quarter past ten") or quarters of a
# year ("the last three quarters").
_PARTS = {"half": 2, "third": 3, "quarter": 4, "fourth": 4}
_SHARE = re.compile(
    r"\b(?:(?P<half>half)"
    r"|(?:a|one) (?P<nth>third|quarter|3rd)\b"
    r"(?!\s+(?:past\b|to \d)|\s+(?:party|parties|time|person|place|floor|option|choice|one"
    r"|item|order|attempt|call|day|week|month|year|night|round|generation|grade|gear)\b)"
    # a smaller share only said as one ("a fifth of that back", "a tenth off"), not a thing
    # counted ("a fourth charge", "a 4th of July sale")
    r"|(?:a|one) (?P<small>fourth|(?:[4-9]|10)th)\b(?=\s+(?:of\b(?!\s+(?:january|february|"
    r"march|april|may|june|july|august|september|october|november|december)\b)|back\b|off\b|"
    r"refund)|\s*(?:[.,!?]|$))"
    r"|(?P<k>[2-9]|two|three|four|five|six|seven|eight|nine) (?P<nths>thirds|quarters|fourths"
    r"|(?:[3-9]|10)(?:rds|ths))\b(?=\s+(?:of|back|off|refund\w*)\b|\s*(?:[.,!?]|$))"
    r"|(?P<pct>\d{1,2}(?:\.\d)?)\s?(?:%|percent\b|per cent\b))"
)
# A share said of the amount right after it ("half of the $40", "20% of $150"), or taken off it
# ("20% off 65": the 13 off is the share).
_SHARE_OF = re.compile(r"\s*(?:(?:of|off)\s+)?(?:(?:the|my|that|it|what i paid|a|an)\s+)?$")
# Amounts listed together ("$4.50 and $3.20"): together they may be what is asked.
_LIST_JOIN = re.compile(r"^\s*(?:,|and|plus|&|\+|,\s*and)\s*(?:(?:the|another|a)\s+)?$")
# A price per thing ("each", "per ticket", "$19.50 a lesson", "12.50 a month"): "a" or "per"
# before a thing sold by the piece or a span of time, not "20 a good deal".
PER_UNIT = (
    r"(?:each|apiece|a piece|(?:per|a|an) (?:item|one|month|week|day|night|ticket|person|head|"
    r"lesson|class|session|visit|seat|ride|pair|meal|box|payment))"
)
# So many of a price ("four rentals at $5.99 each").
_EACH = re.compile(rf"^\s*(?:for )?{PER_UNIT}\b")
# The count of it said after a price each: "of the N" things, or N had ("$15 for each of the 3
# I ordered", "$12 each. I ordered 4", "each one was $20... there were 3 in the order").
_COUNT_AFTER = re.compile(
    r"(?i)[^$€£\d]{0,40}?\b(?:each of (?:the |my |those |these |them,? )?|(?:i|we) (?:have |had |"
    r"just |only )?(?:ordered|bought|got|purchased|paid for) |there (?:were|are) )"
    r"(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
    r"(?!\s*(?:dollars?|bucks|quid|pounds?|euros?|p|pence|cents?|%|days?|weeks?|months?|years?|"
    r"hours?|minutes?|times|at)\b)"
)
_COUNT = re.compile(
    r"\b(?P<n>\d{1,2})\s+(?!(?:dollars?|bucks|quid|pounds?|euros?|p|pence|cents?)\b)[a-z]"
)

# A count said right before a price and the plural thing after it ("the three 10 euro fees").
_COUNT_BEFORE = re.compile(
    r"\b(?P<n>[2-9]|1[0-2]|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+$"
)
_PLURAL_AFTER = re.compile(rf"^\s*(?:\w+ )?{_COUNTED}\b")

# Digits as a speaker says them: a run of digit groups separated by spaces, commas, dashes or
# dots.
_DIGIT_RUN = re.compile(r"(?<![\w.])\d+(?:[\s.,\-/]{1,3}\d+)*(?![\w])")
# Where the numbers of a list of phones are read as national ones too (an agent's notes).
_PHONE_REGIONS = ("US",)
# Where a social security number is named, however spelled or abbreviated, and glued into
# one word ("S.S.N.", "SSNo", "ss#", "Soc. Sec. #", "socsec", "SocialSecurityNumber"), or the
# ITIN issued in its place: nine plain digits there are one. Letters glued to nine digits
# name nothing by themselves ("ORD219099999" is an order's number, as "219099999" is).
_SSN_CONTEXT = re.compile(
    r"\b(?:social(?:sec\w*)?|security number|s\.? ?s\.? ?n(?:s|o|os|um|umber)?|ss ?#"
    r"|ss (?:no|num|number)|soc\.? ?sec|itins?)(?:\b|(?<=#))"
)
#: A word naming something else that has a number (an order, a phone, a loyalty card...).
OTHER_NUMBER = (
    r"(?:order|case|ticket|phone|account|invoice|tracking|ref|reference|transaction|"
    r"confirmation|id|iban|ending|ext|extension|zip|postcode|pin|cvv|cvc|exp|expiry|expires|"
    r"amount|total|dob|born|birth|loyalty|gift|member|membership|points|rewards?|sim|imei|"
    r"serial|request|claim|booking|policy|receipt|voucher|coupon|parcel|shipment)s?\b"
)
# Where a card is spoken of: its pieces may be dictated with words between them.
_CARD_CONTEXT = re.compile(
    r"\b(?:cards?|visa|mastercard|master card|amex|american express|discover|debit|credit|"
    r"cc|pan|long number)\b"
)
# A payment card named right before a number ("card", "Visa", "paid by", "charged to"), a
# few words between at most, none naming another number nor ending a sentence.
_CARD_NAMED = re.compile(
    r"(?:\b(?:(?P<kind>[a-z]+) )?cards?|\b(?:visa|mastercard|master card|amex|american express|"
    r"discover|cc|pan|paid (?:by|with|on|using)|charged? (?:to|on)))\b"
    rf"(?:[\s,:#'-]+(?!{OTHER_NUMBER})[a-z']+){{0,5}}[\s,:#'-]*$"
)
# Cards that pay for nothing: their number is no payment card's (a store card's, a
# business card's may be).
_UNPAID_CARDS = frozenset(
    {"loyalty", "gift", "reward", "rewards", "membership", "member", "library", "sim", "id"}
    | {"club", "points", "access", "key"}
)
_SSN_GROUPS = re.compile(r"^\d{3}[\s.,\-/]+\d{2}[\s.,\-/]+\d{4}$")  # 3-2-4 is never a date
# A few words (five), no digits, naming nothing else that has a number (an order, a phone...).
_PAUSE = re.compile(rf"[\s.,;:!?\-]*(?:(?!{OTHER_NUMBER})[a-z']+[\s.,;:!?\-]+){{0,5}}")
# How many digits a reference shows ("last 4", "first 6"): a count, no digit of a number.
_COUNT_OF_DIGITS = re.compile(r"\b((?:last|first|final) )(\d)(?= |$)")
# A masked number's visible digits ("ending 4242"): never a piece of another; its last
# digits ("last 4 9999") only end one ("first 5 21909, last 4 9999"), never start one.
_SHOWN_DIGITS = re.compile(r"\b(?:ending(?: in| with)?|ends (?:in|with))[\s:]*$")
_LAST_DIGITS = re.compile(r"\b(?:last|final) n(?: digits)?(?: (?:of|are|is))?[\s:]*$")
# A piece that is money or a date or time, never a piece of a dictated number.
_NOT_A_PIECE = re.compile(r"[$£€]\s?$")
_DATE_OR_AMOUNT = re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{2,4}$|^\d+\.\d{2}$|^\d{1,2}:\d{2}$")


# Money slang and what it is worth; "a score" is twenty of whatever money is meant.
_SLANG = (
    ("pony", 25, "GBP"),
    ("monkey", 500, "GBP"),
    ("ton", 100, "GBP"),
    ("c note", 100, "USD"),
    ("score", 20, None),
)


@dataclass(frozen=True, slots=True)
class Money:
    value: Decimal
    currency: str | None
    start: int
    end: int
    explicit: bool  # a currency or money word said it; a bare number is not explicit
    # The largest plausible reading: "two fifty" is 2.50 but may be 250, "one twenty" 1.20 or
    # 120; the value itself when the form is unambiguous.
    other: Decimal | None = None
    # Two numbers said as a figure may be hundreds however large the first ("eighteen fifty" is
    # 18.50 for a fee, 1,850 for an estimate): that reading, which only context can settle.
    hundreds: Decimal | None = None
    # "the one fifteen back" may be 1.15, 115, or the one (fee) of 15: the last reading, which
    # only the amount named plainly elsewhere can settle.
    single: Decimal | None = None

    @property
    def high(self) -> Decimal:
        return self.value if self.other is None else max(self.value, self.other)


def money_in(text: str) -> list[Money]:
    """Amounts named explicitly (a currency sign or word, "fiver", "50p", "12 99")."""
    found = []
    for m in _MONEY.finditer(text):
        try:
            found.append(_money(m))
        except InvalidOperation:
            continue
    return found


_DIGIT_WORDS = {"one": "1", "two": "2"}


def _money(m: re.Match[str]) -> Money:
    g = m.groupdict()
    if g["sym"]:
        value = _decimal(g["a"]) * (1000 if g["k"] else 1)
        if g["scents"] and "." not in g["a"]:
            value += Decimal(g["scents"]) / 100
        sign = g["sym"].lower().rstrip()
        return Money(value, _CURRENCY_WORDS[sign], m.start(), m.end(), True)
    if g["b"] or g["few"]:
        figure = g["b"] or ("2" if g["few"].lower() == "two" else "1")
        value = _decimal(figure) * (1000 if g["k2"] else 1)
        if g["cents"] and "." not in figure:
            value += Decimal(g["cents"]) / 100
        word = (g["word"] or g["fword"]).lower()
        return Money(value, _CURRENCY_WORDS[word], m.start(), m.end(), True)
    if g["c"]:
        return Money(Decimal(g["c"]) / 100, None, m.start(), m.end(), True)
    if g["spelled"]:
        value = _decimal(g["spelled"].replace(" ", ""))
        return Money(value, _CURRENCY_WORDS[g["sword"].lower()], m.start(), m.end(), True)
    if g["slang"]:
        slang = g["slang"]
        for word, worth, currency in _SLANG:
            if word in slang:
                return Money(Decimal(worth), currency, m.start(), m.end(), True)
        if "fiver" in slang:
            return Money(Decimal(5), "GBP", m.start(), m.end(), True)
        if "tenner" in slang:
            return Money(Decimal(10), "GBP", m.start(), m.end(), True)
        return Money(Decimal(g["g"] or 1) * 1000, None, m.start(), m.end(), True)
    if g["hundreds"]:
        value = Decimal(g["hundreds"]) * 100 + Decimal(g["tens"]) + Decimal(g["hcents"]) / 100
        return Money(value, None, m.start(), m.end(), False)
    # "12 99": two numbers said as a price ("twelve ninety nine"); with one digit first ("two
    # fifty") it may as well be hundreds
    cents_said = g["wcents"].removeprefix("oh ")  # "one" and "two" stay words beside digits
    units, cents = Decimal(g["words"]), Decimal(_DIGIT_WORDS.get(cents_said, cents_said))
    other = units * 100 + cents if units < 10 else None
    hundreds = units * 100 + cents if 10 <= units < 100 else None
    single = cents if units == 1 and _ONE_OF.search(m.string, 0, m.start()) else None
    return Money(units + cents / 100, None, m.start(), m.end(), False, other, hundreds, single)


def bare_amounts(text: str) -> list[Money]:
    """Numbers that may be money in an asking clause ("can I get 40 back"): not followed by a
    unit, not an order or card number, not a year, not part of a spoken digit run."""
    taken = [(m.start, m.end) for m in money_in(text)]
    found = []
    for m in _BARE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if _NOT_MONEY_AFTER.match(text, m.end()) or _NOT_MONEY_BEFORE.search(text[: m.start()]):
            continue
        raw = m.group(1)
        if _MONTH_BEFORE.search(text[: m.start()]) and not _CENTS.fullmatch(raw):
            continue
        if len(raw) == 4 and raw[:2] in ("19", "20") and not m.group(2):  # a year
            continue
        if raw.isdigit() and int(raw) <= _FEW and _COUNTING.match(text, m.end()):
            continue
        if raw.isdigit() and not m.group(2) and _THOSE.search(text, 0, m.start()):
            continue
        if raw.isdigit() and int(raw) <= _FEW and _ALL.search(text, 0, m.start()):
            continue
        if _restated_with_unit(text, m.end(), raw):
            continue
        if re.search(r"\d\s+$", text[: m.start()]) or re.match(r"\s+\d", text[m.end() :]):
            continue  # one digit of a spoken run
        found.append(
            Money(_decimal(raw) * (1000 if m.group(2) else 1), None, m.start(), m.end(), False)
        )
    return found


def _restated_with_unit(text: str, end: int, raw: str) -> bool:
    """Whether the number ending at ``end`` is said again straight after with a unit that is
    no money ("the three, three days", "two... sorry, two nights"): a count, as the second
    saying makes plain."""
    again = re.compile(rf"[\s,.\u2026-]*(?:(?:i mean|sorry|um|uh|er)[\s,]+)?{re.escape(raw)}\b")
    m = again.match(text, end)
    return m is not None and _NOT_MONEY_AFTER.match(text, m.end()) is not None


def plain(value: Decimal) -> str:
    """A money value as facts hold it: "30", "12.99", "0.5" (never "3E+1")."""
    return format(value.normalize(), "f")


def share(text: str) -> tuple[Decimal, int] | None:
    """The share of an amount the text asks for ("half back": 0.5, "20% of the price": 0.2) and
    where its phrase ends, or None."""
    m = _SHARE.search(text)
    if m is None:
        return None
    if m["half"]:
        part = Decimal("0.5")
    elif m["nth"] or m["small"]:
        part = 1 / _parts(m["nth"] or m["small"])
    elif m["nths"]:
        k = m["k"]
        part = (int(k) if k.isdigit() else text2num(k, "en")) / _parts(m["nths"].removesuffix("s"))
    else:
        part = _decimal(m["pct"]) / 100
    return part, m.end()


def _parts(nth: str) -> Decimal:
    """How many parts an ordinal cuts a whole into: "quarter" 4, "5th" 5."""
    return Decimal(_PARTS.get(nth) or int(nth[:-2]))


def share_of(text: str, money: Money) -> Decimal | None:
    """The share said right before ``money`` ("half of the $40", "half back, half of the
    $40"), or None: a share said elsewhere ("3 bucks, half the difference") describes the
    amount, not a part of it."""
    last = max((m.start() for m in _SHARE.finditer(text, 0, money.start)), default=None)
    found = None if last is None else share(text[last : money.start])
    if last is None or found is None or not _SHARE_OF.match(text, last + found[1], money.start):
        return None
    return found[0]


# A count times a rate, said as sums are worked out aloud: "3 times 45", "3 x 45", "3 days at
# 45", "2 nights at $80 a night", "4 by 12.50", or so many of the things at a price ("3 of the
# 9.99 ones", "two of those $5 bags", "three lots of 39.99", "4 payments of £12": a price with
# cents or a currency, never a count as in "3 of the 12 mugs"); perhaps its result after it
# ("..., 135").
_PRODUCT = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"\s*(?:(?:times|x|\*|by|multiplied by)"
    r"|(?:(?:lots?|payments?|instalments?|installments?|charges?|debits?|fees?)\s+)?of"
    r"(?:\s+(?:those|these))?(?=\s+(?:the\s+)?(?:[$€£]|\d{1,4}(?:\.\d{2}|\s\d{2})(?![\d.,])))"
    r"|(?:(?!at\b)[a-z]+\s+){1,2}at)\s+(?:the\s+)?"
    r"(?P<rate>[$€£]?\d{1,5}(?:\.\d{1,2}|\s\d{2}(?!\d))?(?:\s?(?:dollars?|euros?|pounds?|bucks|quid))?)"
    r"(?![\d.,]\d)"
)
_RESULT = re.compile(
    r"(?:\s*(?:,|=|is|equals|makes|so|that's|that is|gives)\s*)+(?P<r>[$€£]?\d[\d.,]*)"
)


def products(text: str) -> list[Money]:
    """Amounts worked out as a count times a rate, spanning the sum and any result said after
    it: the product where the sum is done aloud ("three times forty-five", "3 days at 45, so
    135"); else ("4 films at 5.99") the rate, the product its largest reading."""
    found = []
    for m in _PRODUCT.finditer(text):
        rate = money_in(m["rate"]) or bare_amounts(m["rate"])
        if len(rate) != 1 or _NOT_MONEY_AFTER.match(text, m.end()):
            continue  # "3 times at 9am"
        n = m["n"]
        value = rate[0].value * (int(n) if n.isdigit() else text2num(n, "en"))
        end = m.end()
        result = _RESULT.match(text, end)
        done = m["n"] and not re.search(r"\b(?:at|of)\b", m.group(0))  # "times", "x": worked out
        if result is not None and _decimal(result["r"].lstrip("$€£").rstrip(".,")) == value:
            end, done = result.end(), True
        said = value if done else rate[0].value
        found.append(Money(said, rate[0].currency, m.start(), end, rate[0].explicit, value))
    return found


def together(text: str, money: Money, found: list[Money]) -> Decimal:
    """The largest amount ``money`` may stand for in ``text``: the whole of a list it is in
    ("$4.50 and $3.20"), or so many of it ("4 rentals ... $5.99 each"); else itself."""
    total = money.high
    last = money
    for other in (a for a in found if a.start >= money.end):
        if not _LIST_JOIN.match(text[last.end : other.start]):
            break
        total += other.high
        last = other
    first = money
    for other in sorted((a for a in found if a.end <= money.start), key=lambda a: -a.start):
        if not _LIST_JOIN.match(text[other.end : first.start]):
            break
        total += other.high
        first = other
    count = _COUNT_BEFORE.search(text[: money.start])
    if count and _PLURAL_AFTER.match(text[money.end :]):
        n = count["n"]
        total = max(total, money.high * (int(n) if n.isdigit() else text2num(n, "en")))
    if _EACH.match(text[money.end :]):
        counts = [int(c["n"]) for c in _COUNT.finditer(text[: money.start])]
        if (after := _COUNT_AFTER.match(text, money.end)) is not None:
            n = after["n"]
            counts.append(int(n) if n.isdigit() else text2num(n, "en"))
        if counts and 1 < counts[-1] <= 20:
            total = max(total, money.high * counts[-1])
    return total


def _decimal(raw: str) -> Decimal:
    if re.fullmatch(r"\d{1,4},\d{2}", raw):
        return Decimal(raw.replace(",", "."))
    return Decimal(raw.replace(",", ""))


def luhn(number: str) -> bool:
    """Whether a string of digits passes the Luhn check (every payment card number does)."""
    total = 0
    for i, char in enumerate(reversed(number)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_number(digits: str) -> bool:
    """Whether a string of digits is a payment card number as cards are issued: of a length its
    scheme issues (Visa, first digit 4, 13 to 19; Mastercard 2 and 5, Amex, Diners and JCB 3,
    Discover, UnionPay and Maestro 6: 14 to 19; UATP, 1, 15) and Luhn-valid. One number in ten
    passes Luhn by chance; a reference or order number seldom also starts as a card does."""
    lengths = _CARD_SCHEME_LENGTHS.get(digits[:1], range(0))
    return len(digits) in lengths and luhn(digits)


@dataclass(frozen=True, slots=True)
class DigitsFound:
    kind: str  # "card" or "ssn"
    start: int
    end: int
    confidence: float


def sensitive_digits(text: str) -> list[DigitsFound]:
    """Card numbers (``card_number``, any grouping) and SSNs (3-2-4 groups, or nine
    digits where a social security number is spoken of) in cleaned text."""
    found = []
    text = _COUNT_OF_DIGITS.sub(r"\1n", text)
    ssn_context = _SSN_CONTEXT.search(text) is not None
    for m in _DIGIT_RUN.finditer(text):
        run = m.group(0)
        digits = re.sub(r"\D", "", run)
        if _phone_list(run):
            continue
        if 13 <= len(digits) <= 19 and card_number(digits):
            found.append(DigitsFound("card", m.start(), m.end(), 0.97))
        elif len(digits) > min(_CARD_LENGTHS) and _card_within(
            run, text[: m.start()].rstrip().endswith("+")
        ):
            found.append(DigitsFound("card", m.start(), m.end(), 0.85))
        elif 13 <= len(digits) <= 19 and _named_card(text, m):
            found.append(DigitsFound("card", m.start(), m.end(), 0.9))
        elif len(digits) == 9 and _SSN_GROUPS.match(run):
            found.append(DigitsFound("ssn", m.start(), m.end(), 0.93))
        elif len(digits) == 9 and ssn_context:
            found.append(DigitsFound("ssn", m.start(), m.end(), 0.9))
    if ssn_context and not found:
        found += _paused(text, "ssn")
    if _CARD_CONTEXT.search(text) and not any(h.kind == "card" for h in found):
        found += _paused(text, "card")
    return found


def _phone_list(run: str) -> bool:
    """Whether a run is phone numbers listed with commas ("415.555.0143, 212-555-0199"),
    each valid (guardrail.understanding.phones; national ones of the United States): two of
    them side by side are twenty digits, in which a card's length passes Luhn by chance."""
    pieces = re.split(r"\s*,\s*", run)
    return len(pieces) > 1 and all(is_phone_number(p, _PHONE_REGIONS) for p in pieces)


def _paused(text: str, kind: str) -> list[DigitsFound]:
    """Nine digits (an SSN) or a card number dictated in pieces with a few words of pause
    between them ("024, um, 90, let me see, 2118"; "4111 1111. Then 1111 1111"), where one is
    spoken of. A piece that is money, a date, or what a masked number shows ("ending 4242")
    is none of it, nor does a pause go past a word naming another number ("order")."""
    runs = [
        m
        for m in _DIGIT_RUN.finditer(text)
        if not _SHOWN_DIGITS.search(text[: m.start()])
        and not _NOT_A_PIECE.search(text[: m.start()])
        and not _DATE_OR_AMOUNT.match(m.group(0))
    ]
    found = []
    for i, first in enumerate(runs):
        if _LAST_DIGITS.search(text[: first.start()]):
            continue
        said, last = re.sub(r"\D", "", first.group(0)), i
        while not _complete(said, kind) and len(said) < 19 and last + 1 < len(runs):
            if not _PAUSE.fullmatch(text[runs[last].end() : runs[last + 1].start()]):
                break
            last += 1
            said += re.sub(r"\D", "", runs[last].group(0))
        if last > i and _complete(said, kind) and _grouped_as(kind, runs[i : last + 1]):
            found.append(DigitsFound(kind, first.start(), runs[last].end(), 0.8))
    return found


def _grouped_as(kind: str, pieces: list[re.Match[str]]) -> bool:
    """Whether pieces of a card are grouped as a card's (``card_grouped``); an SSN's pieces
    may be any."""
    return kind == "ssn" or card_grouped([p.group(0) for p in pieces])


def card_grouped(pieces: Sequence[str]) -> bool:
    """Whether pieces of a card are grouped as a card's digits are read out: in fours (the
    last perhaps shorter), an Amex's or Diners' 4-6-5 or 4-6-4, or one digit at a time; a
    list of transaction or order numbers of other lengths is none."""
    sizes = [len(g) for p in pieces for g in re.split(r"[\s.,\-/]+", p) if g]
    return sizes in ([4, 6, 5], [4, 6, 4]) or set(sizes[:-1]) <= {1, 4}


def _named_card(text: str, run: re.Match[str]) -> bool:
    """Whether a run of a card's length, grouped as a card is written (``card_grouped``) or
    said (digits a few at a time, zeros aside: "four five three nine ... zero zero four two"
    is cleaned to "4 5 3 9 ... 004 2"), is named a payment card in the few words before it
    ("paid by card 4539 ...", "Visa: 4532 ..."): a card with a digit misheard or mistyped
    fails Luhn and is the customer's card all the same. A loyalty, gift or other card that
    pays nothing is no such name, nor does the name reach past a word naming another number
    ("card declined, order 4539 ...")."""
    named = _CARD_NAMED.search(text, 0, run.start())
    said = all(len(g.lstrip("0")) <= 3 for g in re.split(r"[\s.,\-/]+", run.group(0)))
    grouped = said or card_grouped([run.group(0)])
    return named is not None and named["kind"] not in _UNPAID_CARDS and grouped


def _complete(said: str, kind: str) -> bool:
    """Whether the digits said so far are a whole SSN or card number."""
    return len(said) == 9 if kind == "ssn" else card_number(said)


def said_numbers(text: str) -> list[str]:
    """The digits of every number of three digits or more in cleaned text, however it was
    grouped ("7 7 1 9", "77-19": 7719), and of each piece a comma or stop divides ("40771, 2":
    also 40771); never a card number or an SSN, which a reading must not hold."""
    held = [(h.start, h.end) for h in sensitive_digits(text)]
    found: list[str] = []
    for m in _DIGIT_RUN.finditer(text):
        if any(start <= m.start() < end for start, end in held):
            continue
        pieces = [m.group(0), *re.split(r"[.,]\s*", m.group(0))]
        found += [d for d in dict.fromkeys(re.sub(r"\D", "", p) for p in pieces) if len(d) >= 3]
    return list(dict.fromkeys(found))


def _card_within(run: str, international: bool = False) -> bool:
    """A Luhn-valid number of a card's length starting at a group boundary of a longer run
    (a card number said with its expiry date or security code after it, or a stray number
    before it); after a ``+``, also the rest of the run once a country code of one to three
    digits is taken off ("+14111111111111111", a card made to look like a phone number: a
    phone number has at most 15 digits, so what is left of one is never that long)."""
    groups = re.split(r"[\s.,\-/]+", run)
    for first in range(len(groups)):
        digits = "".join(groups[first:])
        for length in _CARD_LENGTHS:
            if len(digits) >= length and card_number(digits[:length]):
                return True
    digits = "".join(groups)
    rests = (digits[code:] for code in (1, 2, 3)) if international else ()
    return any(len(r) in _CARD_LENGTHS and card_number(r) for r in rests)


#: The lengths of the card numbers issued today, read within a longer run (Diners 14, Amex 15,
#: most 16, JCB, Discover, UnionPay and Maestro up to 19; 13, Visa's first, no more), longest
#: first.
_CARD_LENGTHS = (19, 18, 17, 16, 15, 14)
_CARD_SCHEME_LENGTHS = {"1": range(15, 16), "4": range(13, 20)} | {
    first: range(14, 20) for first in "2356"
}
