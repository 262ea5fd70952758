"""Builds corpora/train/utterances.jsonl: labelled customer and agent utterances for training
and developing crm-guardrail's understanding of what a customer asked for.

    python corpora/train/build.py            # rewrites utterances.jsonl (deterministic)

Each utterance is composed from hand-written pools (pools.py) -- an opener, small talk, the
problem, one or two asks, a closer -- chosen for its style, then rewritten the way its channel
writes it (lexicon.py: speech-recogniser transcripts, hurried chat, email). The labels are
decided before the text is written, so they are right by construction; the hand-written cases
in specials.py cover what composition cannot (corrections, arithmetic, sarcasm, mixed negation).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lexicon as lx
import pools as P
import specials

SEED = 20260611
OUT = Path(__file__).with_name("utterances.jsonl")

STYLES = {
    "plain": 16,
    "asr": 22,
    "chat": 18,
    "formal": 9,
    "nonnative": 11,
    "indirect": 10,
    "slang": 6,
    "smalltalk": 8,
}
TAG = {"formal": "F", "nonnative": "N", "indirect": "I", "slang": "S"}
STATUS_WEIGHTS = {
    "asked": 40,
    "declined": 12,
    "retracted": 8,
    "hypothetical": 11,
    "third_party": 9,
    "question": 10,
    "offered_accepted": 9,
    "offered_declined": 6,
}
AMOUNTS = [
    5,
    7.5,
    9.99,
    10,
    12.99,
    15,
    18.5,
    20,
    22,
    25,
    29.99,
    30,
    35,
    40,
    45,
    49.99,
    50,
    60,
    64.5,
    75,
    80,
    89.99,
    99,
    100,
    120,
    150,
    199,
    250,
    300,
    450,
    600,
    1200,
]
CURRENCIES = {"USD": 45, "GBP": 32, "EUR": 16, None: 7}


def weighted(rng: random.Random, table: dict[Any, int]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


class Entry:
    """A pool entry: its text and its tags (see pools.py)."""

    def __init__(self, raw: str) -> None:
        m = re.match(r"^([FNIS~=]+)\|(.*)$", raw)
        self.tags, self.text = (m.group(1), m.group(2)) if m else ("", raw)

    def fits(self, style: str) -> bool:
        want = TAG.get(style)
        if want:
            return want in self.tags
        return "F" not in self.tags and "N" not in self.tags


def pick(
    pool: list[str], style: str, rng: random.Random, cond: Callable[[Entry], bool] = lambda e: True
) -> Entry:
    entries = [Entry(r) for r in pool]
    good = [e for e in entries if e.fits(style) and cond(e)]
    if not good:
        good = [e for e in entries if e.fits("plain") and cond(e)] or [
            e for e in entries if cond(e)
        ]
    if not good:
        good = [e for e in entries if e.fits(style)] or entries
    return rng.choice(good)


class Slots:
    """The values one utterance's slots take, and the amount text said for each amount."""

    def __init__(self, rng: random.Random, style: str) -> None:
        self.rng = rng
        self.spoken = style == "asr"
        self.currency = weighted(rng, CURRENCIES)
        person = rng.choice(P.PEOPLE)
        self.values = {
            "item": rng.choice(P.ITEMS),
            "person": person[0],
            "pron": person[1],
            "poss": person[2],
            "when": rng.choice(P.WHEN),
            "plan": rng.choice(P.PLANS),
            "addr": rng.choice(P.ADDRS),
            "thing": rng.choice(P.CANCEL_THINGS),
        }
        self.amounts: list[float] = []

    def money(self, value: float) -> str:
        self.amounts.append(value)
        return lx.amount_text(value, self.currency, self.rng, spoken=self.spoken)

    def fill(self, text: str, amt: float | None = None, price: float | None = None) -> str:
        out = text
        if "{price}" in out and price is not None:
            out = out.replace("{price}", self.money(price))
        if "{amt}" in out and amt is not None:
            out = out.replace("{amt}", self.money(amt))
        for key, value in self.values.items():
            out = out.replace("{" + key + "}", value)
        return out


def sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def join(parts: list[str], rng: random.Random) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if not out:
            out = sentence(p)
            continue
        sep = rng.choice([". ", ". ", ", ", " - ", "... ", ". ", " and "])
        if out[-1] in ".!?,":
            sep = " "
            out += sep + (sentence(p) if out[-1] in ".!?" else p)
        else:
            out += sep + (sentence(p) if sep.strip() in (".", "...") else p)
    if out and out[-1] not in ".!?":
        out += (
            rng.choice([".", ".", "", "!", "?"])
            if not out.lower().startswith(
                ("how", "what", "is ", "can", "could", "do ", "would", "will", "am ")
            )
            else "?"
        )
    return out


def render(text: str, style: str, rng: random.Random) -> str:
    if style == "asr":
        return lx.asr(text, rng)
    if style == "chat":
        return lx.chat(text, rng)
    if style == "formal":
        return lx.formal(text, rng)
    return text


def ask(
    kind: str,
    status: str,
    amount: float | None = None,
    currency: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    value = None if amount is None else float(amount)
    return {
        "kind": kind,
        "status": status,
        "amount": value,
        "currency": currency if value is not None else None,
        "reason": reason,
    }


def amount_below(rng: random.Random, price: float | None) -> float:
    if price is None:
        return rng.choice(AMOUNTS[:24])
    return rng.choice([price, price, round(price / 2, 2), min(price, rng.choice([5, 10, 15, 20]))])


# -- clause builders: one ask, its text and its label ------------------------------------------


def refund_clause(
    status: str, style: str, s: Slots, rng: random.Random, reason: str | None, price: float | None
) -> tuple[str, dict[str, Any]]:
    pool = P.ASKS["refund"][status]
    use_amt = rng.random() < 0.5
    e = pick(pool, style, rng, lambda e: ("{amt}" in e.text) == use_amt)
    amount: float | None = None
    if "{amt}" in e.text:
        amount = amount_below(rng, price)
        text = s.fill(e.text, amt=amount)
    else:
        text = s.fill(e.text)
        if (
            "=" in e.tags
            and price is not None
            and status in ("asked", "third_party", "hypothetical", "retracted")
        ):
            amount = price
    return text, ask("refund", status, amount, s.currency, reason)


def correction_clause(
    style: str, s: Slots, rng: random.Random, reason: str | None
) -> tuple[str, dict[str, Any]]:
    a1 = rng.choice([20, 30, 40, 50, 60, 80, 100, 25])
    a2 = rng.choice([v for v in (5, 10, 15, 20, 25) if v < a1])
    forms = [
        "could I get {a1} back... actually {a2} is fine",
        "refund me {a1}, no sorry, {a2}, I got mixed up",
        "I want {a1} back, well, {a2} would do",
        "{a1} back please. Actually make it {a2}, the rest was my fault",
        "I was going to say {a1} but honestly {a2} back would be fair",
        "put {a1} on my card, um, no, {a2}, the delivery part was free anyway",
    ]
    f = rng.choice(forms)
    t1 = s.money(a1)
    t2 = s.money(a2)
    return f.replace("{a1}", t1).replace("{a2}", t2), ask(
        "refund", "asked", float(a2), s.currency, reason
    )


def half_clause(
    style: str, s: Slots, rng: random.Random, reason: str | None
) -> tuple[str, dict[str, Any]]:
    whole = rng.choice([20, 40, 60, 80, 100, 30, 50])
    forms = [
        "I'd be happy with half of the {w} back",
        "can I get half the {w} refunded",
        "refund half of the {w} and we'll call it even",
        "just give me back half of that {w}",
    ]
    text = rng.choice(forms).replace("{w}", s.money(whole))
    s.amounts.append(whole / 2)
    return text, ask("refund", "asked", whole / 2, s.currency, reason)


def generic_clause(
    kind: str, status: str, style: str, s: Slots, rng: random.Random
) -> tuple[str, dict[str, Any]]:
    e = pick(P.ASKS[kind][status], style, rng)
    return s.fill(e.text), ask(kind, status)


def problem_for(
    kind: str, style: str, s: Slots, rng: random.Random
) -> tuple[str | None, str | None, float | None]:
    """(description, refund reason, price said)."""
    if kind in ("refund",):
        reason = weighted(
            rng,
            {
                "Damaged Item": 30,
                "Late Delivery": 26,
                "Billing Error": 24,
                "Goodwill": 10,
                None: 10,
            },
        )
    elif kind == "replacement":
        reason = weighted(rng, {"Damaged Item": 55, None: 45})
    elif kind in ("cancellation", "escalation", "account_closure", "callback"):
        reason = weighted(rng, {"Late Delivery": 15, "Billing Error": 20, "Goodwill": 15, None: 50})
    else:
        reason = None
    parts = []
    if reason is None and kind == "replacement":
        parts.append(s.fill(pick(P.WRONG_ITEM, style, rng).text))
    elif reason is not None:
        parts.append(s.fill(pick(P.REASONS[reason], style, rng).text))
    price = None
    if kind in ("refund", "replacement") and rng.random() < 0.4:
        price = rng.choice(AMOUNTS)
        parts.append(s.fill(pick(P.PRICE, style, rng).text, price=price))
    return (", ".join(parts) if parts else None), reason, price


def customer_utterance(kind: str, status: str, style: str, rng: random.Random) -> dict[str, Any]:
    s = Slots(rng, style)
    parts: list[str] = []
    if rng.random() < (0.9 if style == "smalltalk" else 0.25):
        parts.append(pick(P.OPENERS, style, rng).text)
    if style == "smalltalk":
        parts += rng.sample(P.SMALLTALK, rng.choice([1, 2, 2, 3]))
    said = len(s.amounts)
    desc, reason, price = problem_for(kind, style, s, rng)
    if desc and (status != "question" or rng.random() < 0.3):
        parts.append(desc)
    else:
        del s.amounts[said:]
        reason, price = None, None
    reason_for_ask = None if kind != "refund" else reason
    if kind == "refund" and status == "asked" and rng.random() < 0.07:
        text, a = correction_clause(style, s, rng, reason_for_ask)
    elif kind == "refund" and status == "asked" and rng.random() < 0.05:
        text, a = half_clause(style, s, rng, reason_for_ask)
    elif kind == "refund":
        text, a = refund_clause(status, style, s, rng, reason_for_ask, price)
    else:
        text, a = generic_clause(kind, status, style, s, rng)
    parts.append(text)
    if rng.random() < 0.3:
        parts.append(pick(P.CLOSERS, style, rng).text)
    body = join(parts, rng)
    return record(render(body, style, rng), [a], s.amounts, style)


MULTI_PAIRS = [
    (("refund", "declined"), ("replacement", "asked")),
    (("refund", "asked"), ("escalation", "asked")),
    (("cancellation", "asked"), ("refund", "asked")),
    (("address_change", "asked"), ("callback", "asked")),
    (("refund", "asked"), ("account_closure", "asked")),
    (("replacement", "declined"), ("refund", "asked")),
    (("account_closure", "declined"), ("refund", "asked")),
    (("plan_change", "asked"), ("other", "asked")),
    (("refund", "hypothetical"), ("replacement", "asked")),
    (("account_closure", "hypothetical"), ("escalation", "asked")),
    (("cancellation", "asked"), ("account_closure", "declined")),
    (("refund", "asked"), ("callback", "asked")),
    (("escalation", "declined"), ("refund", "asked")),
    (("refund", "retracted"), ("replacement", "asked")),
    (("plan_change", "asked"), ("cancellation", "asked")),
    (("refund", "question"), ("cancellation", "asked")),
    (("address_change", "asked"), ("refund", "asked")),
    (("account_closure", "asked"), ("callback", "declined")),
    (("replacement", "asked"), ("address_change", "asked")),
    (("refund", "third_party"), ("refund", "asked")),
]


def multi_utterance(rng: random.Random) -> dict[str, Any]:
    style = weighted(rng, {k: v for k, v in STYLES.items() if k != "smalltalk"})
    s = Slots(rng, style)
    pair = rng.choice(MULTI_PAIRS)
    parts: list[str] = []
    asks = []
    reason = weighted(rng, {"Damaged Item": 40, "Late Delivery": 25, "Billing Error": 25, None: 10})
    price = None
    if reason:
        parts.append(s.fill(pick(P.REASONS[reason], style, rng).text))
    if rng.random() < 0.35:
        price = rng.choice(AMOUNTS[:26])
        parts.append(s.fill(pick(P.PRICE, style, rng).text, price=price))
    for kind, status in pair:
        if kind == "refund":
            text, a = refund_clause(status, style, s, rng, reason, price)
        else:
            text, a = generic_clause(kind, status, style, s, rng)
        parts.append(text)
        asks.append(a)
    if rng.random() < 0.3:
        parts.append(pick(P.CLOSERS, style, rng).text)
    return record(
        render(join(parts, rng), style, rng),
        asks,
        s.amounts,
        "multi" if style in ("plain", "smalltalk") else style,
    )


def offer_utterance(kind: str, accepted: bool, rng: random.Random) -> dict[str, Any]:
    style = weighted(
        rng, {"plain": 30, "asr": 25, "chat": 20, "formal": 5, "nonnative": 10, "slang": 10}
    )
    s = Slots(rng, style)
    offer = rng.choice(P.OFFERS[kind])
    amount = None
    if "{amt}" in offer:
        amount = rng.choice(AMOUNTS[:20])
        context = s.fill(offer.replace("{amt}", lx.amount_text(amount, s.currency or "USD", rng)))
        s.currency = s.currency or "USD"
    else:
        context = s.fill(offer)
    reply = pick(P.ACCEPT if accepted else P.DECLINE, style, rng).text
    if accepted and rng.random() < 0.2:
        reply += rng.choice(
            [", thanks", ", that'd be brilliant", ". Cheers", " - how long will it take?"]
        )
    if not accepted and rng.random() < 0.3:
        reply += rng.choice(
            [
                ", I just want it sorted",
                ", it's fine",
                ". I'll think about it",
                ", honestly it's ok",
            ]
        )
    a = ask(kind, "offered_accepted" if accepted else "offered_declined", amount, s.currency)
    text = reply if style == "formal" else render(reply, style, rng)
    return record(text, [a], [], style, context=context)


def no_ask_utterance(rng: random.Random) -> dict[str, Any]:
    style = weighted(rng, STYLES)
    s = Slots(rng, style)
    roll = rng.random()
    parts: list[str] = []
    if style == "smalltalk":
        parts.append(pick(P.OPENERS, style, rng).text)
        parts += rng.sample(P.SMALLTALK, 2)
        if rng.random() < 0.5:
            parts.append(pick(P.NO_ASK, "plain", rng).text)
    elif roll < 0.45:
        parts.append(pick(P.NO_ASK, style, rng).text)
    else:
        # a problem described, nothing asked for
        reason = rng.choice(list(P.REASONS))
        parts.append(s.fill(pick(P.REASONS[reason], style, rng).text))
        if rng.random() < 0.3:
            parts.append(s.fill(pick(P.PRICE, style, rng).text, price=rng.choice(AMOUNTS)))
        if rng.random() < 0.4:
            parts.append(
                rng.choice(
                    [
                        "I just wanted to let you know",
                        "what's going on",
                        "I'm really disappointed",
                        "I don't know what to do",
                        "is this normal",
                        "it's really annoying",
                        "I thought you should know",
                        "any idea why",
                        "I've got photos if you need them",
                    ]
                )
            )
    return record(render(join(parts, rng), style, rng), [], s.amounts, style)


CARD_FORMS = [
    "my card number is {card}",
    "the card's {card}, expiry oh four twenty seven",
    "can you charge it to {card}",
    "it's a visa, {card}",
    "ok the long number on the front is {card}",
    "pay with this one, {card}",
    "card number {card} and the security code is on the back",
    "the card I was charged on is {card}",
    "right, I've got it here, {card}",
    "my new card is {card}, can you update it",
    "N|my card is {card}",
    "F|The card used for the purchase was {card}.",
    "S|it's me debit card, {card}",
]
SSN_FORMS = [
    "my social is {ssn}",
    "social security number {ssn}",
    "for verification my SSN is {ssn}",
    "ok my social, it's {ssn}",
    "the SSN on the account should be {ssn}",
    "you need my social? {ssn}",
    "it's {ssn}, that's my social security",
    "N|my social security is {ssn}",
    "F|My Social Security number is {ssn}.",
]
SAFE_NUMBER_FORMS = [
    ("the card ending {last4}", "card"),
    ("my card ends in {last4}", "card"),
    ("the last four of my card are {last4}", "card"),
    ("the last four of my social are {last4}", "ssn"),
    ("my tracking number is {notcard}", "card"),
    ("order number {order}", "none"),
    ("my phone number is 415 555 0134", "none"),
    ("sort code 20 00 00 account number 12345678", "none"),
    ("the reference on the letter is {notcard}", "card"),
    ("my zip is 94107 and my date of birth is 12 04 1981", "none"),
    ("my account number is 0049 2231 77", "none"),
    ("the invoice number is INV-{order}", "none"),
    ("call me on 07700 900123", "none"),
    ("my member number is {notcard}", "card"),
]


def sensitive_utterance(rng: random.Random) -> dict[str, Any]:
    style = weighted(
        rng, {"plain": 25, "asr": 35, "chat": 15, "nonnative": 10, "formal": 5, "slang": 10}
    )
    s = Slots(rng, style)
    roll = rng.random()
    card = ssn = False
    asks: list[dict[str, Any]] = []
    parts: list[str] = []
    if roll < 0.42:
        number = lx.luhn_card(rng)
        said = lx.say_card(number, rng)
        parts.append(pick(CARD_FORMS, style, rng).text.replace("{card}", said))
        card = True
    elif roll < 0.72:
        said = lx.say_ssn(lx.invented_ssn(rng), rng)
        parts.append(pick(SSN_FORMS, style, rng).text.replace("{ssn}", said))
        ssn = True
    else:
        form, _ = rng.choice(SAFE_NUMBER_FORMS)
        parts.append(
            form.replace(
                "{last4}",
                rng.choice(
                    [
                        "1111",
                        "4444",
                        "0005",
                        "one one one one",
                        "four four four four",
                        "6789",
                        "seven two one oh",
                    ]
                ),
            )
            .replace("{notcard}", lx.say_number(lx.not_a_card(rng), [4, 4, 4, 4], rng))
            .replace("{order}", str(rng.randrange(10000, 999999)))
        )
    if rng.random() < 0.35:
        reason = rng.choice(["Damaged Item", "Late Delivery", "Billing Error"])
        amount = rng.choice(AMOUNTS[:20])
        t = rng.choice(
            [
                "please refund the {amt} to it",
                "put the {amt} back on that",
                "that's where the {amt} refund should go",
                "I need {amt} refunded",
            ]
        )
        parts.insert(0, s.fill(pick(P.REASONS[reason], style, rng).text))
        parts.append(s.fill(t, amt=amount))
        asks.append(ask("refund", "asked", amount, s.currency, reason))
    text = (
        render(join(parts, rng), style, rng)
        if style != "asr"
        else lx.asr(join(parts, rng), rng, noise=0.5)
    )
    return record(text, asks, s.amounts, style, card=card, ssn=ssn)


def outcome_utterance(rng: random.Random) -> dict[str, Any]:
    outcome = rng.choice(list(P.OUTCOME_CUSTOMER))
    style = weighted(
        rng, {"plain": 30, "asr": 30, "chat": 20, "formal": 5, "nonnative": 8, "slang": 7}
    )
    e = pick(P.OUTCOME_CUSTOMER[outcome], style, rng)
    text = e.text
    if rng.random() < 0.5:
        text = rng.choice(["oh", "right", "ok", "yes", "ah", "mm", "well", "alright"]) + ", " + text
    if rng.random() < 0.4:
        text += rng.choice(
            [
                ". Bye",
                ". Have a good day",
                ". Speak soon",
                ", bye now",
                ". Thanks anyway",
                ". Right, I've got to go",
            ]
        )
    return record(render(sentence(text), style, rng), [], [], style, outcome=outcome)


def agent_utterance(rng: random.Random) -> dict[str, Any]:
    s = Slots(rng, "plain")
    s.currency = s.currency or "USD"
    roll = rng.random()
    outcome = None
    card = False
    if roll < 0.35:
        outcome = rng.choice(list(P.AGENT_OUTCOME))
        text = rng.choice(P.AGENT_OUTCOME[outcome])
        text = s.fill(text, amt=rng.choice(AMOUNTS[:20]))
    elif roll < 0.65:
        kind = rng.choice(list(P.OFFERS))
        text = s.fill(rng.choice(P.OFFERS[kind]), amt=rng.choice(AMOUNTS[:20]))
    elif roll < 0.75:
        number = lx.luhn_card(rng)
        text = rng.choice(
            [
                "Just to confirm, that's {card}?",
                "I've got the card as {card}, is that right?",
                "So the card number is {card}.",
            ]
        ).replace("{card}", lx.say_card(number, rng))
        card = True
    else:
        text = rng.choice(P.AGENT_NEUTRAL)
    style = "asr" if rng.random() < 0.3 else "agent"
    if style == "asr":
        text = lx.asr(text, rng, noise=0.5)
    return record(text, [], s.amounts, style, role="agent", outcome=outcome, card=card)


# -- records ----------------------------------------------------------------------------------


def record(
    text: str,
    asks: list[dict[str, Any]],
    amounts: list[float],
    style: str,
    *,
    role: str = "customer",
    context: str | None = None,
    outcome: str | None = None,
    card: bool = False,
    ssn: bool = False,
) -> dict[str, Any]:
    norm = [float(a) for a in amounts]
    return {
        "text": text,
        "role": role,
        "context": context,
        "asks": asks,
        "facts": {"amounts": norm, "card": card, "ssn": ssn},
        "outcome": outcome,
        "style": style,
    }


KIND_COUNTS = {
    "refund": 900,
    "replacement": 220,
    "cancellation": 230,
    "account_closure": 280,
    "callback": 140,
    "escalation": 150,
    "address_change": 110,
    "plan_change": 140,
    "other": 140,
}


def build() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    out: list[dict[str, Any]] = []
    for kind, n in KIND_COUNTS.items():
        for _ in range(n):
            status = weighted(rng, STATUS_WEIGHTS)
            if status in ("offered_accepted", "offered_declined"):
                out.append(offer_utterance(kind, status == "offered_accepted", rng))
            else:
                out.append(customer_utterance(kind, status, weighted(rng, STYLES), rng))
    out += [multi_utterance(rng) for _ in range(260)]
    out += [no_ask_utterance(rng) for _ in range(380)]
    out += [sensitive_utterance(rng) for _ in range(260)]
    out += [outcome_utterance(rng) for _ in range(260)]
    out += [agent_utterance(rng) for _ in range(240)]
    out += specials.records()
    seen: set[str] = set()
    unique = []
    for r in out:
        key = r["text"].lower().strip()
        if key in seen:
            continue
        seen.add(key)
        unique.append(r)
    rng.shuffle(unique)
    final = []
    for i, r in enumerate(unique, 1):
        r = {"id": f"u{i:04d}", **r}
        r["split"] = "dev" if rng.random() < 0.15 else "train"
        final.append(
            {
                k: r[k]
                for k in (
                    "id",
                    "text",
                    "role",
                    "context",
                    "asks",
                    "facts",
                    "outcome",
                    "split",
                    "style",
                )
            }
        )
    return final


def main() -> None:
    rows = build()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"{len(rows)} utterances -> {OUT}")


if __name__ == "__main__":
    main()
