"""Building blocks of the training utterances: how people say amounts, card numbers and SSNs,
and how speech recognisers, chat and second-language speakers change what they write.

Everything takes a ``random.Random`` so ``build.py`` stays deterministic.
"""

from __future__ import annotations

import random
import re

ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    """0..9999 in English words."""
    if n < 20:
        return ONES[n]
    if n < 100:
        t, o = divmod(n, 10)
        return TENS[t] + ("" if o == 0 else "-" + ONES[o])
    if n < 1000:
        h, r = divmod(n, 100)
        return ONES[h] + " hundred" + ("" if r == 0 else " and " + words(r))
    th, r = divmod(n, 1000)
    return words(th) + " thousand" + ("" if r == 0 else (" and " if r < 100 else " ") + words(r))


SYMBOL = {"USD": "$", "GBP": "£", "EUR": "€"}
UNIT = {"USD": ("dollar", "dollars"), "GBP": ("pound", "pounds"), "EUR": ("euro", "euros")}
SLANG = {"USD": ["bucks"], "GBP": ["quid"], "EUR": ["euros"]}
MINOR = {"USD": "cents", "GBP": "pence", "EUR": "cents"}


def _digits(value: float) -> str:
    return f"{value:.2f}" if value != int(value) else str(int(value))


def amount_text(
    value: float, currency: str | None, rng: random.Random, spoken: bool = False
) -> str:
    """One way a customer might say ``value`` in ``currency`` (None: no currency said).

    ``spoken``: forms a speech recogniser writes (words, or digits with a spoken unit)."""
    whole = int(value)
    cents = round((value - whole) * 100)
    if currency is None:
        if cents:
            return rng.choice(
                [
                    _digits(value),
                    f"{words(whole)} {words(cents)}" if cents >= 10 else _digits(value),
                ]
            )
        return rng.choice([str(whole), words(whole)])
    sym = SYMBOL[currency]
    one, many = UNIT[currency]
    if cents:
        forms = [
            f"{words(whole)} {words(cents)}"
            if cents >= 10
            else f"{words(whole)} oh {words(cents)}",
            f"{words(whole)} {many} {words(cents)}",
            f"{words(whole)} {many} and {words(cents)} {MINOR[currency]}",
        ]
        if not spoken:
            forms += [f"{sym}{value:.2f}", f"{sym}{value:.2f}", f"{value:.2f} {many}"]
            if currency == "EUR":
                forms += [f"{whole},{cents:02d} €", f"€{whole},{cents:02d}"]
        return rng.choice(forms)
    if currency == "GBP" and whole == 5 and rng.random() < 0.5:
        return "a fiver"
    if currency == "GBP" and whole == 10 and rng.random() < 0.5:
        return "a tenner"
    if currency == "USD" and whole == 100 and rng.random() < 0.3:
        return "a hundred bucks"
    forms = [
        f"{words(whole)} {many if whole != 1 else one}",
        f"{words(whole)} {rng.choice(SLANG[currency])}",
    ]
    if not spoken:
        forms += [f"{sym}{whole}", f"{sym}{whole}", f"{whole} {many}", f"{sym}{whole}.00"]
        if currency == "EUR":
            forms += [f"{whole}€", f"{whole} EUR", f"EUR {whole}"]
        if currency == "GBP":
            forms += [f"{whole} quid", f"£{whole}"]
        if currency == "USD":
            forms += [f"{whole} bucks", f"${whole}"]
    else:
        forms += [f"{whole} {many}"]
    return rng.choice(forms)


# -- card numbers and SSNs ------------------------------------------------------------------


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_card(rng: random.Random) -> str:
    """A Luhn-valid card number: a well-known test number or a generated one."""
    known = [
        "4111111111111111",
        "5555555555554444",
        "378282246310005",
        "6011111111111117",
        "4012888888881881",
        "5105105105105100",
        "371449635398431",
        "4242424242424242",
    ]
    if rng.random() < 0.4:
        return rng.choice(known)
    prefix = rng.choice(["4", "51", "52", "53", "54", "55", "6011", "34", "37", "4"])
    length = 15 if prefix in ("34", "37") else 16
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError("unreachable")


def not_a_card(rng: random.Random) -> str:
    """A 16-digit number that fails Luhn (a tracking or order reference)."""
    while True:
        n = "".join(str(rng.randrange(10)) for _ in range(16))
        if not luhn_ok(n):
            return n


def invented_ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}{rng.randrange(1, 100):02d}{rng.randrange(1, 10000):04d}"


DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
FILLERS = ["um", "uh", "er", "hang on", "sorry", "wait", "let me see", "erm", "okay"]


def spell_digits(digits: str, rng: random.Random, oh: bool = True) -> list[str]:
    out = []
    for d in digits:
        if d == "0" and oh and rng.random() < 0.6:
            out.append("oh")
        else:
            out.append(DIGIT_WORDS[int(d)])
    return out


def say_number(digits: str, groups: list[int], rng: random.Random) -> str:
    """``digits`` in one of many written forms: grouped, run together, dashed, words, digit by
    digit, odd groupings, fillers between groups, doubles ("double four")."""
    form = rng.choice(
        [
            "grouped",
            "plain",
            "dashed",
            "words",
            "bydigit",
            "odd",
            "fillers",
            "mixed",
            "doubles",
            "dots",
        ]
    )
    parts, i = [], 0
    for g in groups:
        parts.append(digits[i : i + g])
        i += g
    if form == "grouped":
        return " ".join(parts)
    if form == "plain":
        return digits
    if form == "dashed":
        return "-".join(parts)
    if form == "dots":
        return ".".join(parts)
    if form == "words":
        return ", ".join(" ".join(spell_digits(p, rng)) for p in parts)
    if form == "bydigit":
        return " ".join(digits)
    if form == "odd":
        cuts, out, j = [], [], 0
        while j < len(digits):
            k = rng.choice([2, 3, 3, 4, 5])
            cuts.append(digits[j : j + k])
            j += k
        out = cuts
        return " ".join(out)
    if form == "fillers":
        out = []
        for p in parts:
            out.append(p)
            if rng.random() < 0.6:
                out.append(rng.choice(FILLERS))
        if out[-1] in FILLERS:
            out.pop()
        return " ".join(out)
    if form == "mixed":
        return " ".join(p if rng.random() < 0.5 else " ".join(spell_digits(p, rng)) for p in parts)
    # doubles: "four one double one ..."
    out, j = [], 0
    while j < len(digits):
        if j + 1 < len(digits) and digits[j] == digits[j + 1] and rng.random() < 0.7:
            out.append("double " + DIGIT_WORDS[int(digits[j])])
            j += 2
        else:
            out.append(DIGIT_WORDS[int(digits[j])])
            j += 1
    return " ".join(out)


def say_card(number: str, rng: random.Random) -> str:
    groups = [4, 6, 5] if len(number) == 15 else [4, 4, 4, 4]
    return say_number(number, groups, rng)


def say_ssn(ssn: str, rng: random.Random) -> str:
    return say_number(ssn, [3, 2, 4], rng)


# -- style transforms -----------------------------------------------------------------------

ASR_FILLERS = [
    "um",
    "uh",
    "like",
    "you know",
    "i mean",
    "so",
    "uh huh",
    "erm",
    "basically",
    "kind of",
    "sort of",
    "right",
]
MISHEARD = {
    "close": ["clothes", "clos"],
    "closed": ["clothes", "close"],
    "account": ["a count", "account"],
    "refund": ["re fund", "refunds", "we fund"],
    "supervisor": ["super visor", "supervise her"],
    "manager": ["man ager", "manage her"],
    "address": ["a dress"],
    "delivery": ["the livery", "deliver e"],
    "cancel": ["cancer", "can sell"],
    "charged": ["charge", "charted"],
    "twice": ["twice", "two ice"],
    "replacement": ["replace mint", "replace meant"],
    "broken": ["broke in", "broke and"],
    "quid": ["quit", "squid"],
    "parcel": ["parcel", "pastel"],
    "subscription": ["subscript shun", "prescription"],
    "callback": ["call back", "colback"],
    "upgrade": ["up grade"],
    "plan": ["plane", "plan"],
    "order": ["older", "order"],
    "money": ["money", "many"],
}


def asr(text: str, rng: random.Random, noise: float = 1.0) -> str:
    """A speech recogniser's transcript: lower case, no punctuation, fillers, stutters and
    sometimes a misheard word. Digits survive (many recognisers write numbers as digits)."""
    t = text.lower()
    t = t.replace("\u2019", "'")
    t = re.sub(r"[.,!?;:\"()]+", " ", t)
    t = re.sub(r"(?<=\d) (?=\d{3}\b)", " ", t)
    if rng.random() < 0.5:
        t = t.replace("'", "")
    toks = t.split()
    out: list[str] = []
    for i, tok in enumerate(toks):
        if rng.random() < 0.07 * noise and i > 0:
            out.append(rng.choice(ASR_FILLERS))
        if rng.random() < 0.04 * noise and tok.isalpha():
            out.append(tok)  # stutter
        if tok in MISHEARD and rng.random() < 0.12 * noise:
            tok = rng.choice(MISHEARD[tok])
        out.append(tok)
    if rng.random() < 0.3 * noise:
        out.insert(0, rng.choice(["yeah", "hi", "um", "uh", "so", "hello", "yes", "okay so"]))
    return " ".join(out)


CHAT_SUBS = [
    (r"\byou\b", "u"),
    (r"\byour\b", "ur"),
    (r"\bplease\b", "pls"),
    (r"\bplease\b", "plz"),
    (r"\bthanks\b", "thx"),
    (r"\bthank you\b", "ty"),
    (r"\bbecause\b", "cuz"),
    (r"\bare\b", "r"),
    (r"\bwant to\b", "wanna"),
    (r"\bgoing to\b", "gonna"),
    (r"\bto be honest\b", "tbh"),
    (r"\bI don't know\b", "idk"),
    (r"\bright now\b", "rn"),
    (r"\bI'm\b", "im"),
    (r"\bdon't\b", "dont"),
    (r"\bcan't\b", "cant"),
    (r"\bdidn't\b", "didnt"),
    (r"\bdoesn't\b", "doesnt"),
    (r"\bwon't\b", "wont"),
    (r"\bmessage\b", "msg"),
    (r"\baccount\b", "acct"),
    (r"\bbefore\b", "b4"),
    (r"\bsomeone\b", "some1"),
    (r"\bokay\b", "ok"),
    (r"\bwhat\b", "wat"),
    (r"\bthough\b", "tho"),
    (r"\bnumber\b", "no."),
]


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind < 0.7:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def chat(text: str, rng: random.Random) -> str:
    """Typed in a hurry: abbreviations, typos, dropped capitals and apostrophes."""
    t = text
    for pattern, repl in CHAT_SUBS:
        if re.search(pattern, t, flags=re.IGNORECASE) and rng.random() < 0.45:
            t = re.sub(pattern, repl, t, flags=re.IGNORECASE)
    if rng.random() < 0.6:
        t = t.lower()
    if rng.random() < 0.4:
        t = t.replace("'", "")
    toks = t.split(" ")
    toks = [typo(w, rng) if rng.random() < 0.05 else w for w in toks]
    t = " ".join(toks)
    if rng.random() < 0.3:
        t = t.rstrip(".") + rng.choice(
            ["!!", "??", " :(", " lol", "...", " asap", " !!!", " 🙁", " thx"]
        )
    if rng.random() < 0.3:
        t = t.replace(". ", rng.choice([" ", ", ", " - "]))
    return t


NAMES = [
    "Priya Shah",
    "Tom Okafor",
    "Margaret Doyle",
    "Luis Fernández",
    "Hannah Weiss",
    "Chen Wei",
    "Aoife Byrne",
    "David Mensah",
    "Sofia Rossi",
    "James Whitaker",
    "Fatima Al-Sayed",
    "Oliver Nowak",
]


def formal(text: str, rng: random.Random) -> str:
    """An email: greeting, the body, a sign-off."""
    greet = rng.choice(
        [
            "Dear Sir or Madam,",
            "Dear Customer Services,",
            "Hello,",
            "To whom it may concern,",
            "Dear Support Team,",
            "Good afternoon,",
        ]
    )
    sign = rng.choice(
        [
            "Kind regards,",
            "Yours faithfully,",
            "Best regards,",
            "Many thanks,",
            "Regards,",
            "Yours sincerely,",
        ]
    )
    sep = rng.choice(["\n\n", " ", "\n"])
    return f"{greet}{sep}{text}{sep}{sign} {rng.choice(NAMES)}"
