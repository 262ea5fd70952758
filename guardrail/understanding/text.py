"""Turning what a customer typed or said into clauses a phrase lexicon can read.

Chat and speech-to-text differ in the surface, not in the meaning: "I don't want a refund." and
"um i i dont want a a refund" must read alike. So each turn is cut into sentences (at
punctuation, and where there is none, at discourse markers such as "but", "actually", "no
wait") and each sentence into sub-clauses (at commas and "and"); each piece keeps its span in
the original text (the evidence) and a cleaned form: lower case, ASCII apostrophes, contractions
restored ("dont" -> "don't"), fillers dropped, stutters collapsed, numbers in words as digits.

Negation reaches only within a sub-clause; conditions, questions and corrections reach the
whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from text_to_num import alpha2digit, text2num  # type: ignore[import-untyped]

_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u02bc\u2032`", "'"))
_SPACES = re.compile(r"\s+")
_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
# A number in words with "is" run on ("ninety's fair", "twenty's enough", a day: "the
# third's the concert"): the number, then "is", so the number reads as digits.
_NUMBER_IS = re.compile(
    r"\b((?:twen|thir|for|fif|six|seven|eigh|nine)ty|(?:thir|four|fif|six|seven|eigh|nine)teen|"
    r"ten|eleven|twelve|hundred|thousand|"
    r"(?<=\bthe )(?:(?:twenty|thirty)[ -]?)?(?:third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    r"(?<=\bthe )(?:tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth|"
    r"twentieth|thirtieth))'s\b"
)
# Speech-to-text drops apostrophes; put back those the scopes read.
_CONTRACTIONS = {
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't", "wont": "won't",
    "wouldnt": "wouldn't", "couldnt": "couldn't", "shouldnt": "shouldn't", "isnt": "isn't",
    "wasnt": "wasn't", "arent": "aren't", "werent": "weren't", "havent": "haven't",
    "hasnt": "hasn't", "hadnt": "hadn't", "im": "i'm", "ive": "i've", "id": "i'd", "ill": "i'll",
    "youre": "you're", "youve": "you've", "youll": "you'll", "theyre": "they're",
    "thats": "that's", "its": "it's", "whats": "what's", "theres": "there's", "hes": "he's",
    "shes": "she's",
    "lets": "let's", "aint": "ain't", "gonna": "going to", "wanna": "want to", "gotta": "got to",
    "cos": "because", "cuz": "because", "pls": "please", "plz": "please", "u": "you", "ur": "your",
    "thx": "thanks", "acct": "account", "a/c": "account", "gimme": "give me", "lemme": "let me",
    "an'": "and", "'em": "them",
    # the plural "you" of the American South, Ireland and Scotland ("I'll call y'all back")
    "y'all": "you", "yall": "you", "ya'll": "you", "youse": "you",
    # written chat's shorthand, read as the words it stands for
    "nvm": "never mind", "nevermind": "never mind", "tbh": "to be honest", "tbf": "to be fair",
    "ngl": "not going to lie", "idk": "i don't know", "rn": "right now", "obv": "obviously",
    "obvs": "obviously", "fr": "for real", "btw": "by the way", "imo": "in my opinion",
    "asap": "as soon as possible", "ty": "thank you", "tysm": "thank you so much",
    "thnx": "thanks", "thanx": "thanks", "thks": "thanks", "tks": "thanks", "np": "no problem",
    "yh": "yeah", "kk": "ok", "okk": "ok", "wud": "would", "cud": "could", "shud": "should",
    "dnt": "don't", "tmrw": "tomorrow", "tmr": "tomorrow", "2moro": "tomorrow", "2day": "today",
    "b4": "before", "msg": "message", "acc": "account", "accnt": "account", "coz": "because",
    "w/": "with", "w/o": "without", "pmt": "payment",
    # a syllable written as the digit that sounds like it ("came 2 days l8")
    "l8": "late", "l8r": "later", "w8": "wait", "w8ing": "waiting", "gr8": "great",
    "2nite": "tonight",
}  # fmt: skip
# "four" as a speech recogniser writes "for": before a word a number never counts ("ask four a
# refund", "four the delivery", "four my order"), though "four a month" and digits read out
# ("ending two four that was") are still numbers.
_FOUR_FOR = re.compile(
    r"(?<!\d )(?<!one )(?<!two )(?<!three )(?<!five )(?<!six )(?<!seven )(?<!eight )"
    r"(?<!nine )(?<!four )(?<!zero )(?<!oh )(?<!double )(?<!triple )(?<!treble )(?<!last )"
    r"\bfour(?= (?:a (?!(?:day|week|month|year|night|piece|pop)\b)|an|the|my|me|you|your|it|"
    r"this|that|us|them|him|her|our|their|what|how|ages|nothing|sure|free)\b)"
)
# "one" as a speech recogniser writes "won" ("refund the won that's ripped"): before a relative
# pronoun, after a determiner, where the currency never stands.
_WON_ONE = re.compile(r"\b(the|that|this|which) won(?= (?:that|which|who)\b)")
# A letter o typed for a zero in an amount ("$4o", "1oo", "12.5o"): a number and its currency
# sign, then digits and o's only, up to the end of the word.
_O_FOR_ZERO = re.compile(r"(?<![\w.,])[$€£¥₹]?\d[\d.,]*o[\do.,]*(?![\w'])")
# An account a speech recogniser split in two ("close my a count").
_A_COUNT = re.compile(r"\b(my|the|your|our|this|that|his|her|their|joint|an?) a count\b")
# An account the recogniser heard as "count", closed or cancelled ("cancel my count").
_MY_COUNT = re.compile(
    r"\b((?:cancel|cancelling|canceling|close|closing|shut|shutting|delete|terminate) "
    r"(?:my|the|our|this|that)) count\b"
)
_CONTRACTION = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, _CONTRACTIONS)) + r")(?![\w'])")
# "you know" as a filler, not in "just so you know", "let you know", "do you know"
_HESITATION = (
    r"(?:u+m+|u+h+m*|e+r+m*|e+h+|h+m+|m+h*m+|ah+|"
    r"(?<!so )(?<!let )(?<!do )(?<!did )(?<!if )(?<!as )you know)"
)
_FILLERS = re.compile(
    rf"(?:,\s*)?(?<![\w'])(?:{_HESITATION}|i guess|sort of|"
    r"kind of(?! (?:you|ya|them|him|her|us)\b)|basically|literally|like,)"
    r"(?![\w'])[,]?"
)
# A comma that only opens or closes a hesitation ("I don't uh, want a refund", "I'm not, erm,
# after one") does not end a clause: negation and what a clause is about reach across it.
_HESITATED = re.compile(rf"(?i)(?<![\w']){_HESITATION}$|(?<![\w'])like$")
_HESITATING = re.compile(rf"(?i)\s*{_HESITATION}(?![\w'])")
# "i i want", "i want i want": a word or up to three said again (never digits: "4 1 1 1"),
# never a letter that is no word ("a" and "i" are): "s s n" is an initialism spelled out.
_STUTTER = re.compile(r"(?<![\w'])((?![b-hj-z] )(?:[a-z][a-z']* ){1,3}?)\1+")
# Where a sentence ends: punctuation, or (unpunctuated speech) a discourse marker.
_SENTENCE = re.compile(
    r"[.!?;]+(?=\s|$)|\.{3,}|…|\s[-–—]+\s|"  # noqa: RUF001 (dashes, as written)
    r"(?<=\w)(?<!\beven)(?=\s+(?:but|actually(?!\s*(?:[.!?]|$))|although|though(?!\s*(?:[,.!?]|$))|however|"
    r"anyway(?!\s*(?:[.!?,]|$))|otherwise|oh and|"
    r"no wait|wait no|on second thoughts?|scratch that|never ?mind|"
    r"because|cause|so can|so could|so i|also|plus|then again)\b)",
    re.IGNORECASE,
)
# "and" joins clauses, but not the parts of an amount ("one hundred and twenty", "forty pounds
# and fifty pence").
_NUMBER_WORD = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|a half)"
)
_SUBCLAUSE = re.compile(
    r"(?<!\d),|,(?!\d{2,3}\b)|(?<!hundred)(?<!thousand)(?<!\bgrand)(?<!pounds)(?<!dollars)(?<!euros)"
    rf"\s(?=and\s(?!{_NUMBER_WORD}\b|[$€£¥₹]\s?\d|a (?:half|quarter)\b))",
    re.IGNORECASE,
)
# "double oh", "triple seven", "treble two", "double 4": the digit said two or three times
_REPEATED = re.compile(
    r"\b(double|triple|treble)[\s-]+"
    r"(zero|one|two|three|four|five|six|seven|eight|nine|\d)\b(?! ?\d)"
)
# "oh" for zero among digits, ending them or starting a run of them ("one oh four", "six six
# two oh", "double oh double oh", "oh seven seven"), or one of them read out a digit at a time
# ("seven, oh, four"), or ending three or more read so ("eight eight nine oh and"), not "five,
# oh, and" or "twenty oh well".
_DIGIT_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|\d+|oh?)"
_OH = re.compile(r"\boh?\b")
_DOUBLED = re.compile(r"\b(?:double|triple|treble) $")
_DIGIT_BEFORE = re.compile(rf"\b{_DIGIT_WORD} $")
_DIGIT_AFTER = re.compile(rf" (?:{_DIGIT_WORD}|double|triple|treble)\b|\s*$|\s*[,.;!?]")
_DIGITS_AFTER = re.compile(rf" {_DIGIT_WORD} {_DIGIT_WORD}\b")  # "oh seven seven...": leading
_LISTED_BEFORE = re.compile(rf"\b{_DIGIT_WORD}, $")  # "seven, oh, four": digit by digit
# the end of a number read out digit by digit, whatever follows ("eight eight nine oh and")
_DICTATED_BEFORE = re.compile(rf"\b(?:{_DIGIT_WORD} ){{3}}$")
_LISTED_AFTER = re.compile(rf",? {_DIGIT_WORD}\b")
_ZERO_LEFT = re.compile(r"(?<=\d )zero\b|\bzero(?= \d)")  # what text2num leaves beside digits
# A figure of two digits said in the plural after a count ("the two twenty-eights", "two
# fifties", "three fifteens"): so many things at that price each, which "2 28" would read as
# 2.28 or 228. Never a digit ("three sevens" may be 777 dictated) nor "ones" ("the nine
# ninety-nine ones" are things priced so).
_COUNTED_FIGURE = re.compile(
    # a count before a price said plural ("two seven fifties": two at 7.50) counts the price
    r"\b(?:(?P<lead>two|three|four|five|six|seven|eight|nine|ten|[2-9]) )?"
    r"(?P<count>two|three|four|five|six|seven|eight|nine|ten|[2-9]) (?P<figure>"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety) "
    r"(?:twos|threes|fours|fives|sixes|sevens|eights|nines)"
    r"|tens|elevens|twelves|(?:thir|four|fif|six|seven|eigh|nine)teens"
    r"|(?:twen|thir|for|fif|six|seven|eigh|nine)ties)\b"
)
# "and" between tens and units ("two at eleven-fifty and one at six") joins two numbers, not one:
# English says "fifty-one", never "fifty and one", though text2num reads it as 51. (Only the tens
# end in "ty" before a digit word; splitting elsewhere changes nothing.)
_TENS_AND = re.compile(r"(?<=ty) and (?=(?:one|two|three|four|five|six|seven|eight|nine)\b)")


@dataclass(frozen=True, slots=True)
class Clause:
    """A piece of a turn: its span in the turn's text and its cleaned form."""

    start: int
    end: int
    raw: str
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    raw: str
    text: str
    clauses: tuple[Clause, ...]


# A word said with its g dropped ("keepin'", "waitin'", "nothin'").
_G_DROPPED = re.compile(r"\b([a-z]{2,})in'(?![a-z])")


def clean(text: str) -> str:
    """The form phrase patterns read: lower case, contractions and chat shorthand restored,
    fillers and stutters gone, typos of the words asks turn on mended ("refnud", "$4o"),
    numbers in words as digits ("twenty five quid" -> "25 quid")."""
    text = _WORD_HYPHEN.sub(" ", text.translate(_APOSTROPHES).lower())
    text = _O_FOR_ZERO.sub(lambda m: m.group(0).replace("o", "0"), text)
    text = _G_DROPPED.sub(r"\1ing", text)  # "keepin'" is "keeping"
    text = _A_COUNT.sub(r"\1 account", _FOUR_FOR.sub("for", _TOKEN.sub(_mend, text)))
    text = _MY_COUNT.sub(r"\1 account", text)
    text = _WON_ONE.sub(r"\1 one", text)
    text = _NUMBER_IS.sub(r"\1 is", _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(1)], text))
    text = _FILLERS.sub(" ", text)
    text = _COUNTED_FIGURE.sub(_times, text)
    text = digits_from_words(_SPACES.sub(" ", text).strip())
    return _STUTTER.sub(r"\1", text + " ").strip()


# The long words an ask turns on, which typing and speech recognisers get wrong by a letter
# ("refnud", "refuund", "acount"): a word one edit (a letter added, dropped, changed or two
# swapped) from one of them, and not itself a word, is read as it. Short words are left alone:
# one letter from a short word is often another word.
_KEY_WORDS = frozenset({
    "refund", "refunds", "refunded", "refunding", "reimburse", "reimbursed", "reimbursement",
    "replacement", "compensation", "cancellation", "supervisor", "subscription", "account",
    "accounts", "everything",
})  # fmt: skip
_NOT_TYPOS = frozenset({"accounted", "recount", "recounts"})
_TOKEN = re.compile(r"\b[a-z]{5,}\b")


def _mend(m: re.Match[str]) -> str:
    word = m.group(0)
    if word in _KEY_WORDS or word in _NOT_TYPOS:
        return word
    for key in _KEY_WORDS:
        if abs(len(key) - len(word)) <= 1 and _one_edit(word, key):
            return key
    return word


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` with one letter added, dropped, changed, or two swapped."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )  # fmt: skip
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


# Amounts said in Spanish by code-switching callers ("me cobraron doscientos", "ciento
# veinte"): a run of number words led by a tens or hundreds word, which no English word is
# ("once", "dos", "tres" alone are left as they are).
_ES_BIG = (
    r"(?:veinte|veinti\w+|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|cien|"
    r"ciento|doscientos|trescientos|cuatrocientos|quinientos|seiscientos|setecientos|"
    r"ochocientos|novecientos|dieci\w+)"
)
_ES_NUMBER = re.compile(
    rf"\b{_ES_BIG}(?:\s+(?:y\s+)?(?:{_ES_BIG}|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|"
    r"nueve|mil))*\b"
)


# An amount with its cents after "con" ("doce con cincuenta", "32 con 90"): written as an
# amount said in English words is ("twelve fifty": "12 50"), which reads as money.
_ES_WORD = (
    rf"(?:{_ES_BIG}|cero|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|"
    r"trece|catorce|quince|mil)"
)
_ES_AMOUNT = rf"(?:\d+|{_ES_WORD}(?:\s+(?:y\s+)?{_ES_WORD})*)"
_ES_DECIMAL = re.compile(rf"\b(?P<whole>{_ES_AMOUNT})\s+con\s+(?P<cents>{_ES_AMOUNT})\b")


def _spanish_decimal(m: re.Match[str]) -> str:
    whole, cents = _spanish_value(m["whole"]), _spanish_value(m["cents"])
    if whole is None or cents is None or cents >= 100:
        return m.group(0)
    return f"{whole} {cents}" if cents >= 10 else f"{whole}.0{cents}"


def _spanish_value(said: str) -> int | None:
    if said.isdigit():
        return int(said)
    try:
        return int(text2num(said, "es"))
    except (ValueError, IndexError, TypeError):
        return None


def _spanish(m: re.Match[str]) -> str:
    try:
        return str(alpha2digit(m.group(0), "es"))
    except (ValueError, IndexError, TypeError):
        return m.group(0)


def _times(m: re.Match[str]) -> str:
    figure = m["figure"]
    one = (
        figure[:-3] + "y"
        if figure.endswith("ies")
        else figure[:-2]
        if figure.endswith("xes")
        else figure[:-1]
    )
    if m["lead"]:
        return f"{m['lead']} times {m['count']} {one}"
    return f"{m['count']} times {one}"


def digits_from_words(text: str) -> str:
    """Numbers in words as digits; "double four" as "4 4", "oh" among digits as 0."""
    text = _OH.sub(_zero, text)
    text = _REPEATED.sub(lambda m: " ".join([m[2]] * (2 if m[1] == "double" else 3)), text)
    text = _ES_NUMBER.sub(_spanish, _ES_DECIMAL.sub(_spanish_decimal, text))
    try:
        text = " and ".join(alpha2digit(piece, "en") for piece in _TENS_AND.split(text))
    except (ValueError, IndexError, TypeError):  # text2num on odd input: keep the words
        return text
    return _AND_A_PART.sub(_and_a_part, _ZERO_LEFT.sub("0", text))


# "twelve and a half" (12.50), "3 and a quarter", "ten and three quarters": a whole number and
# a part of one, as one figure; text2num reads only the whole ("12 and a half")
_AND_A_PART = re.compile(r"(?<![\d.,])(\d+) and (a half|a quarter|(?:three|3) quarters)\b")


def _and_a_part(m: re.Match[str]) -> str:
    return f"{m[1]}.{_PARTS[m[2]]}"


_PARTS = {"a half": "50", "a quarter": "25", "three quarters": "75", "3 quarters": "75"}


def _zero(m: re.Match[str]) -> str:
    text, start, end = m.string, m.start(), m.end()
    among = _DIGIT_BEFORE.search(text, 0, start) and _DIGIT_AFTER.match(text, end)
    listed = _LISTED_BEFORE.search(text, 0, start) and _LISTED_AFTER.match(text, end)
    doubled = _DOUBLED.search(text, 0, start) or _DICTATED_BEFORE.search(text, 0, start)
    return "zero" if among or listed or doubled or _DIGITS_AFTER.match(text, end) else m.group(0)


def sentences(text: str) -> tuple[Sentence, ...]:
    """The turn's sentences and their sub-clauses, with spans, cleaned."""
    found = []
    for start, end in _spans(text, _SENTENCE, 0, len(text)):
        clauses = tuple(
            Clause(s, e, text[s:e], clean(text[s:e]))
            for s, e in _spans(text, _SUBCLAUSE, start, end, _hesitation)
        )
        clauses = tuple(c for c in clauses if c.text)
        if clauses:
            found.append(Sentence(start, end, text[start:end], clean(text[start:end]), clauses))
    # an earlier message quoted in a reply ("> I wrote: please refund...") was said before it
    return tuple(sorted(found, key=lambda s: not _quoted(text, s.start, s.end)))


# Where an earlier message quoted in a reply begins when its lines are not marked ("... Thanks,
# R. > On 3 May I wrote: please refund...", "-----Original Message-----").
_QUOTE_HEADER = re.compile(
    r"(?i)(?:^|\s)>?\s*on\s[^\n]{1,100}?\bwrote:|-{2,}\s*original message\s*-{2,}"
)


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether the piece ``text[start:end]`` is on a line quoted from an earlier message, or
    at or after the header of one pasted in."""
    header = _QUOTE_HEADER.search(text)
    marked = text[text.rfind("\n", 0, start) + 1 :].lstrip().startswith(">")
    return marked or (header is not None and header.start() < end)


def _hesitation(match: re.Match[str]) -> bool:
    text = match.string
    return bool(_HESITATED.search(text, 0, match.start()) or _HESITATING.match(text, match.end()))


def _spans(
    text: str,
    splitter: re.Pattern[str],
    start: int,
    end: int,
    unless: Callable[[re.Match[str]], bool] = lambda m: False,
) -> list[tuple[int, int]]:
    """The stripped pieces of ``text[start:end]`` between matches of ``splitter`` (those
    ``unless`` holds for left alone)."""
    pieces = []
    at = start
    for match in splitter.finditer(text, start, end):
        if unless(match):
            continue
        pieces.append((at, match.start()))
        at = match.end()
    pieces.append((at, end))
    out = []
    for s, e in pieces:
        while s < e and text[s] in " \t\n,":
            s += 1
        while e > s and text[e - 1] in " \t\n,":
            e -= 1
        if s < e:
            out.append((s, e))
    return out
