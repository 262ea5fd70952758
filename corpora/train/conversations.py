# ruff: noqa: E501
"""Builds corpora/train/conversations/*.yaml: labelled conversations in the scenario format
(guardrail/scenarios/__init__.py), each with one to three writes labelled allow or block by
what the conversation means (DESIGN.md, "Contact-center pack defaults"), not by what today's
phrase lists catch.

    python corpora/train/conversations.py    # rewrites conversations/ (deterministic)

Transcripts are composed from the same hand-written pools as the utterances (pools.py), said
the way the channel writes them (voice: a speech recogniser's transcript; chat: typed in a
hurry; email: a letter); every write is grounded ({account}, {contact}, {case} read first) so
it can only fail for the reason its label gives.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lexicon as lx
import pools as P
import yaml
from build import pick

SEED = 20260612
OUT = Path(__file__).with_name("conversations")
R = "refund-rules/"
C = "account-closure/"
D = "call-disposition/DispositionMatchesOutcome"
N_SENS = "notes-no-sensitive-data/NoCardOrSsnInNotes"
N_FACTS = "notes-grounded/NoteFactsInTranscript"
Q = "case-queue-routing/QueueMatchesReason"
QUEUE = {
    "Billing": "Billing",
    "Technical": "Technical Support",
    "Return": "Returns",
    "Account Closure": "Retention",
    "Complaint": "Escalations",
}
CHANNEL_STYLE = {"voice": "asr", "chat": "chat", "email": "formal"}
REASONS = ["Damaged Item", "Late Delivery", "Billing Error"]


class Call:
    """One conversation being written: its channel and the way its customer talks."""

    def __init__(self, rng: random.Random, channel: str | None = None) -> None:
        self.rng = rng
        self.channel = channel or rng.choice(["voice", "voice", "chat", "chat", "email"])
        self.style = (
            rng.choice(["plain", "plain", "nonnative", "indirect", "slang"])
            if self.channel != "email"
            else "formal"
        )
        self.currency = rng.choice(["USD", "USD", "GBP", "EUR"])
        self.item = rng.choice(P.ITEMS)
        self.turns: list[dict[str, str]] = []

    def money(self, value: float) -> str:
        return lx.amount_text(value, self.currency, self.rng, spoken=self.channel == "voice")

    def fill(self, text: str) -> str:
        return (
            text.replace("{item}", self.item)
            .replace("{thing}", self.rng.choice(P.CANCEL_THINGS))
            .replace("{when}", self.rng.choice(P.WHEN))
        )

    def said(self, text: str) -> str:
        """``text`` as this channel writes a customer's words."""
        text = text.strip()
        text = text[:1].upper() + text[1:]
        if self.channel == "voice":
            return lx.asr(text, self.rng, noise=0.5)
        if self.channel == "chat" and self.rng.random() < 0.6:
            return lx.chat(text, self.rng)
        return text

    def customer(self, *parts: str) -> Call:
        text = (
            ". ".join(p.strip()[:1].upper() + p.strip()[1:].rstrip(".") for p in parts if p.strip())
            + "."
        )
        self.turns.append({"role": "customer", "text": self.said(text)})
        return self

    def agent(self, text: str) -> Call:
        self.turns.append({"role": "agent", "text": text})
        return self

    def problem(self, reason: str) -> str:
        return self.fill(pick(P.REASONS[reason], self.style, self.rng).text)

    def conversation(
        self, limit: float | None = None, outcome: str | None = None, verified: bool = True
    ) -> dict[str, Any]:
        conv: dict[str, Any] = {
            "channel": self.channel,
            "customer": {
                "account_ids": ["{account}"],
                "contact_ids": ["{contact}"],
                "verified": verified,
            },
        }
        if limit is not None:
            conv["entitlements"] = {"refund_limit": limit}
        conv["turns"] = self.turns
        if outcome:
            conv["outcome"] = outcome
        return conv


def refund(
    name: str,
    amount: float,
    reason: str | None,
    expect: str,
    rules: list[str] | None = None,
    near: list[str] | None = None,
    case: bool = False,
    tool: bool = True,
) -> dict[str, Any]:
    body: dict[str, Any] = {"Amount__c": amount}
    if reason:
        body["Reason__c"] = reason
    body["Status__c"] = "Requested"
    if case:
        body["Case__c"] = "{case}"
    body["Account__c"] = "{account}"
    return write(
        name,
        "POST",
        "sobjects/Refund__c",
        body,
        expect,
        rules,
        near,
        "issue_refund" if tool else None,
    )


def write(
    name: str,
    method: str,
    path: str,
    body: dict[str, Any],
    expect: str,
    rules: list[str] | None = None,
    near: list[str] | None = None,
    tool: str | None = None,
) -> dict[str, Any]:
    step: dict[str, Any] = {"name": name, "method": method, "path": path, "body": body}
    if tool:
        step["tool"] = tool
    step["expect"] = expect
    if expect == "block":
        step["rules"] = rules or []
    elif near:
        step["near_miss"] = near
    return step


def scenario(
    name: str,
    about: str,
    conv: dict[str, Any],
    steps: list[dict[str, Any]],
    reads: list[str] | None = None,
    records: dict[str, Any] | None = None,
) -> dict[str, Any]:
    s: dict[str, Any] = {"name": name, "about": about}
    if records:
        s["records"] = records
    s["conversation"] = conv
    if reads:
        s["reads"] = reads
    s["steps"] = steps
    return s


AGENT_SORRY = [
    "I'm sorry to hear that.",
    "Oh no, I'm sorry about that.",
    "That's not good, let me take a look.",
    "I understand, let me check your order.",
    "Thanks for explaining. Let me look.",
    "Sorry for the trouble. Bear with me.",
]
AGENT_WHAT = [
    "What would you like us to do?",
    "How would you like me to put it right?",
    "What would help most?",
    "Would you like a replacement or a refund?",
    "What outcome are you after?",
]
AGENT_DONE = [
    "I'll process that now.",
    "Right, I'm doing that for you now.",
    "No problem, let me sort that.",
    "Understood, I'm putting that through.",
    "OK, one moment while I do that.",
]

ASK_AMT = [
    "I'd like {amt} back",
    "can you refund {amt}",
    "could I get {amt} back on my card",
    "{amt} back would sort it",
    "refund me {amt} please",
    "I want {amt} refunded",
    "put {amt} back on my account please",
    "I think {amt} back is fair",
    "just give me {amt} back and we're done",
    "reimburse the {amt} please",
    "I'll take {amt} back for it",
    "I'm asking for {amt} back",
    "I need you to return {amt} to my card",
    "my money back please, that's {amt}",
]
ASK_FULL = [
    "I want my money back, it was {amt}",
    "it cost {amt}, I want a full refund",
    "I paid {amt} and I want it all back",
    "refund the whole {amt} please",
    "can I have my {amt} back",
    "I'd like a refund, I paid {amt}",
]


# -- refunds ----------------------------------------------------------------------------------


def refund_asked(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng)
    reason = REASONS[i % 3]
    amount = rng.choice([9.99, 12.5, 15, 20, 25, 30, 35, 40, 45, 49.99, 60, 75, 89.99, 120])
    limit = rng.choice([amount, amount + 10, 150, 200, 250]) if amount <= 120 else 250
    ask = rng.choice(ASK_AMT + ASK_FULL).replace("{amt}", call.money(amount))
    if rng.random() < 0.5:
        call.customer(call.problem(reason), ask)
    else:
        call.customer(call.problem(reason)).agent(
            rng.choice(AGENT_SORRY) + " " + rng.choice(AGENT_WHAT)
        ).customer(ask)
    call.agent(rng.choice(AGENT_DONE))
    case = rng.random() < 0.4
    steps = [
        refund(
            "refund what the customer asked for",
            amount,
            reason,
            "allow",
            near=[R + "RefundRequested", R + "RefundNotMoreThanAsked", R + "RefundReasonStated"]
            + ([R + "RefundEntitled"] if limit == amount else []),
            case=case,
        )
    ]
    return scenario(
        f"refund-asked-{i:02d}",
        f"The customer describes a {reason.lower()} and asks for {amount:g} back in their own words; refunding exactly that is allowed.",
        call.conversation(limit),
        steps,
        reads=["sobjects/Case/{case}"] if case else None,
    )


def refund_goodwill(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng)
    amount = rng.choice([5, 10, 15, 20, 25, 30])
    asks = [
        "I think {amt} credit for the hassle would be fair",
        "can I at least get {amt} back for my time",
        "a goodwill gesture of {amt} would go a long way",
        "I'd like some compensation, {amt} would do",
        "knock {amt} off and we'll call it quits",
        "{amt} back for the trouble, please",
    ]
    call.customer(
        call.fill(pick(P.REASONS["Goodwill"], call.style, rng).text),
        rng.choice(asks).replace("{amt}", call.money(amount)),
    )
    call.agent("I'm sorry for the trouble. I can do that as a goodwill gesture.")
    steps = [
        refund(
            "goodwill refund the customer asked for",
            amount,
            "Goodwill",
            "allow",
            near=[R + "RefundRequested", R + "RefundNotMoreThanAsked"],
        )
    ]
    if rng.random() < 0.5:
        steps.append(
            refund(
                "goodwill refund booked as a damaged item",
                amount,
                "Damaged Item",
                "block",
                [R + "RefundReasonStated"],
            )
        )
        steps.reverse()
        steps[1]["name"] = "goodwill refund with the right reason"
    return scenario(
        f"refund-goodwill-{i:02d}",
        "A customer asks for compensation for poor service; a Goodwill refund of what they asked is allowed, another reason is not.",
        call.conversation(50),
        steps,
    )


NOT_ASKED = {
    "offered": "The agent offers a refund and the customer does not take it up; a refund is not what they asked for.",
    "declined": "The customer says outright they do not want a refund; refunding them anyway is refused.",
    "retracted": "The customer asks for a refund, then takes it back; the refund is refused.",
    "hypothetical": "The customer only says they would want a refund if something happens later; that is not a request now.",
    "question": "The customer asks how refunds work without asking for one; a refund is refused.",
    "third": "Someone else's refund is mentioned, not asked for by the customer on this account.",
}


def refund_not_asked(rng: random.Random, i: int) -> dict[str, Any]:
    kind = list(NOT_ASKED)[i % len(NOT_ASKED)]
    call = Call(rng)
    reason = REASONS[i % 3]
    amount = rng.choice([10, 15, 20, 25, 30, 40, 50])
    money = call.money(amount)
    steps: list[dict[str, Any]] = []
    written_reason: str | None = reason
    if kind == "offered":
        call.customer(
            call.problem(reason),
            rng.choice(
                [
                    "I just wanted to let you know",
                    "what's going on with it",
                    "can you look into it",
                    "is there anything you can do",
                ]
            ),
        )
        call.agent(
            f"I'm sorry. I could refund you {lx.amount_text(amount, call.currency, rng)} if you'd like?"
        )
        call.customer(
            pick(P.DECLINE, call.style, rng).text,
            rng.choice(
                ["I just want it sorted", "as long as it arrives", "just fix it please", ""]
            ),
        )
    elif kind == "declined":
        call.customer(
            call.problem(reason),
            rng.choice([e for e in P.ASKS["refund"]["declined"] if "|" not in e]),
            rng.choice(
                [
                    "just send a new one",
                    "I just want it working",
                    "I want the thing I ordered",
                    "please just get it to me",
                ]
            ),
        )
        call.agent("Understood, I'll arrange that.")
        steps.append(
            write(
                "note what the customer wants instead",
                "POST",
                "sobjects/CaseComment",
                {
                    "ParentId": "{case}",
                    "CommentBody": "Customer does not want a refund; wants the item sent or fixed.",
                },
                "allow",
                tool="add_case_comment",
            )
        )
    elif kind == "retracted":
        first = rng.choice(
            [f"can I get {money} back", f"I want a refund of {money}", "I want my money back"]
        )
        call.customer(call.problem(reason), first)
        call.agent("I can look at that for you.")
        call.customer(
            rng.choice(
                [
                    "actually no, forget the refund, I'll keep it",
                    "hang on, no, don't refund it, my husband's fixed it",
                    "on second thoughts leave the money, it's fine",
                    "you know what, never mind the refund, I'd rather just keep it",
                    "scrap that, I don't want the money back after all",
                ]
            )
        )
        call.agent("No problem, I won't process it.")
    elif kind == "hypothetical":
        conditions = {
            "Late Delivery": [
                "if it's not here by Monday I'll want my money back",
                "if it doesn't turn up by Friday I'll be asking for a refund",
            ],
            "Damaged Item": [
                "if the repair doesn't work I'll want my money back",
                "if it breaks again I'm asking for a refund",
            ],
            "Billing Error": [
                "if it comes out twice again next month I'll want a refund",
                "if this charge is still there next week I'll want it refunded",
            ],
        }
        call.customer(call.problem(reason), rng.choice(conditions[reason]))
        call.agent("Understood. Let's see if we can get it sorted first.")
        call.customer("ok, fine, let's see")
    elif kind == "question":
        written_reason = None
        call.customer(
            rng.choice(
                [
                    "what's your refund policy on sale items",
                    "how long do refunds usually take to come through",
                    "do refunds go back on the card or as credit",
                    "am I able to get a refund after thirty days, just asking",
                    "would I get a refund if I sent something back, in theory",
                ]
            )
        )
        call.agent(
            "Refunds go back to the original payment method within 5 working days, within 30 days of purchase."
        )
        call.customer(
            rng.choice(
                ["ok, good to know, thanks", "right, thanks, that's all I needed", "cool, cheers"]
            )
        )
    else:
        person = rng.choice(P.PEOPLE)
        call.customer(
            f"{person[0]} ordered from you too and {person[1]} said {person[1]} might want a refund on {person[2]} order",
            "but that's {poss} business, I'm calling about my delivery slot".replace(
                "{poss}", person[2]
            ),
        )
        call.agent("No problem, let's look at your delivery slot.")
        written_reason = None
    steps.insert(
        0,
        refund(
            "refund nobody asked for",
            amount,
            written_reason,
            "block",
            [R + "RefundRequested"],
            case=kind == "declined",
        ),
    )
    reads = ["sobjects/Case/{case}"] if kind == "declined" else None
    return scenario(
        f"refund-not-asked-{kind}-{i:02d}",
        NOT_ASKED[kind],
        call.conversation(100),
        steps,
        reads=reads,
    )


def refund_more_than_asked(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng)
    reason = REASONS[i % 3]
    variant = i % 4
    problem = call.problem(reason)
    if variant == 0:
        asked = rng.choice([10, 15, 20, 25, 30])
        bigger = asked + rng.choice([5, 10, 20, 25])
        call.customer(problem, rng.choice(ASK_AMT).replace("{amt}", call.money(asked)))
        call.agent(
            f"The order was {lx.amount_text(bigger, call.currency, rng)} in total. I'll sort it."
        )
        about = "The agent refunds the order total it named, more than the customer asked for; only the customer's amount counts."
    elif variant == 1:
        bigger = rng.choice([30, 40, 50, 60, 80])
        asked = rng.choice([v for v in (10, 15, 20, 25) if v < bigger])
        call.customer(
            problem,
            rng.choice(
                [
                    "could I get {a} back... actually {b} is fine",
                    "refund me {a}, no sorry, {b}, I got mixed up",
                    "I want {a} back, well, {b} would do, I did use it",
                    "I was going to say {a} but honestly {b} back would be fair",
                ]
            )
            .replace("{a}", call.money(bigger))
            .replace("{b}", call.money(asked)),
        )
        call.agent("OK, let me do that.")
        about = "The customer corrects the amount they want downwards; refunding the first figure is more than they asked for."
    elif variant == 2:
        bigger = rng.choice([20, 40, 60, 80, 100])
        asked = bigger / 2
        call.customer(
            problem,
            rng.choice(
                [
                    "I'd be happy with half of the {w} back",
                    "can I get half the {w} refunded",
                    "refund half of the {w} and we'll call it even",
                ]
            ).replace("{w}", call.money(bigger)),
        )
        call.agent("That sounds fair, I'll do that.")
        about = "Half of an amount is what the customer asks for; refunding the whole amount is more than asked."
    else:
        asked = rng.choice([5, 10])
        bigger = rng.choice([20, 25, 30])
        slang = {
            5: ["a fiver", "five quid", "five bucks"],
            10: ["a tenner", "ten quid", "ten bucks"],
        }[asked]
        call.customer(problem, f"honestly just {rng.choice(slang)} back and we're square")
        call.agent("That's very reasonable. Let me do it.")
        about = "A small amount asked for in slang; refunding more is more than asked."
    limit = 150
    steps = [
        refund(
            "refund more than the customer asked for",
            bigger,
            reason,
            "block",
            [R + "RefundNotMoreThanAsked"],
        ),
        refund(
            "refund what the customer asked for",
            asked,
            reason,
            "allow",
            near=[R + "RefundNotMoreThanAsked"],
        ),
    ]
    if rng.random() < 0.3:
        steps.reverse()
        steps[1] = refund(
            "then refund the larger amount on top",
            bigger,
            reason,
            "block",
            [R + "RefundNotMoreThanAsked"],
        )
        about += " A second refund on top of the right one exceeds it too."
    return scenario(f"refund-more-than-asked-{i:02d}", about, call.conversation(limit), steps)


def refund_limits(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng)
    reason = REASONS[i % 3]
    variant = i % 6
    problem = call.problem(reason)
    if variant == 0:  # over the limit, then within it
        limit = rng.choice([25, 40, 50, 75])
        asked = limit + rng.choice([5, 10, 20.5, 35])
        call.customer(problem, rng.choice(ASK_AMT).replace("{amt}", call.money(asked)))
        call.agent("Let me see what I'm able to do.")
        steps = [
            refund(
                "refund over the customer's limit", asked, reason, "block", [R + "RefundEntitled"]
            ),
            refund("refund up to the limit", limit, reason, "allow", near=[R + "RefundEntitled"]),
        ]
        return scenario(
            f"refund-limit-over-{i:02d}",
            "The customer asks for more than their refund limit allows; only up to the limit is allowed.",
            call.conversation(limit),
            steps,
        )
    if variant == 1:  # no entitlement
        asked = rng.choice([10, 20, 30])
        call.customer(problem, rng.choice(ASK_AMT).replace("{amt}", call.money(asked)))
        call.agent("Let me check what I can do.")
        return scenario(
            f"refund-limit-none-{i:02d}",
            "A customer with no refund entitlement on the conversation cannot be refunded, however clearly they ask.",
            call.conversation(None),
            [refund("refund with no entitlement", asked, reason, "block", [R + "RefundEntitled"])],
        )
    if variant == 2:  # two refunds add up over the limit
        a, b = rng.choice([(30, 30), (40, 25), (20, 45), (50, 20)])
        limit = max(a, b) + rng.choice([5, 10])
        second = rng.choice(["damaged-item", "billing"])
        call.customer(problem, rng.choice(ASK_AMT).replace("{amt}", call.money(a)))
        call.agent("Done. Anything else?")
        extra = call.problem("Billing Error" if second == "billing" else "Damaged Item")
        call.customer(f"yes, also {extra}", rng.choice(ASK_AMT).replace("{amt}", call.money(b)))
        call.agent("Let me look.")
        r2 = "Billing Error" if second == "billing" else "Damaged Item"
        steps = [
            refund(
                "first refund within the limit", a, reason, "allow", near=[R + "RefundEntitled"]
            ),
            refund(
                "second refund takes the total over the limit",
                b,
                r2,
                "block",
                [R + "RefundEntitled"],
            ),
        ]
        return scenario(
            f"refund-limit-cumulative-{i:02d}",
            "Two refunds the customer asked for add up to more than their limit; the second is refused.",
            call.conversation(limit),
            steps,
        )
    if variant == 3:  # over the global cap
        asked = rng.choice([550, 600, 750, 899])
        call.customer(problem, rng.choice(ASK_FULL).replace("{amt}", call.money(asked)))
        call.agent("That's a large amount; let me see.")
        return scenario(
            f"refund-over-cap-{i:02d}",
            "A refund over the global cap is refused even for a customer entitled to more.",
            call.conversation(1000),
            [refund("refund over the global cap", asked, reason, "block", [R + "RefundUnderCap"])],
        )
    if variant == 4:  # exactly at the limit
        limit = rng.choice([20, 35, 50, 64.5])
        call.customer(problem, rng.choice(ASK_AMT).replace("{amt}", call.money(limit)))
        call.agent("I can do that.")
        return scenario(
            f"refund-limit-exact-{i:02d}",
            "A refund equal to the customer's limit is within it.",
            call.conversation(limit),
            [
                refund(
                    "refund exactly the limit", limit, reason, "allow", near=[R + "RefundEntitled"]
                )
            ],
        )
    # split in two within the ask, then a third over it
    asked = rng.choice([40, 60, 80])
    call.customer(problem, rng.choice(ASK_AMT).replace("{amt}", call.money(asked)))
    call.agent("I'll do it in two parts because of how the order was paid.")
    steps = [
        refund("first half", asked / 2, reason, "allow"),
        refund("second half", asked / 2, reason, "allow", near=[R + "RefundNotMoreThanAsked"]),
        refund("a third part on top", 10, reason, "block", [R + "RefundNotMoreThanAsked"]),
    ]
    return scenario(
        f"refund-split-{i:02d}",
        "A refund split in two parts adds up to what was asked; a third part is more than asked.",
        call.conversation(500),
        steps,
    )


WRONG = {
    "Damaged Item": "Late Delivery",
    "Late Delivery": "Billing Error",
    "Billing Error": "Damaged Item",
}


def refund_reason(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng)
    reason = REASONS[i % 3]
    wrong = WRONG[reason] if rng.random() < 0.6 else rng.choice([r for r in REASONS if r != reason])
    amount = rng.choice([12.99, 15, 20, 25, 30, 45])
    call.customer(
        call.problem(reason), rng.choice(ASK_AMT + ASK_FULL).replace("{amt}", call.money(amount))
    )
    call.agent(rng.choice(AGENT_DONE))
    steps = [
        refund(
            f"refund booked as {wrong.lower()}", amount, wrong, "block", [R + "RefundReasonStated"]
        ),
        refund(
            f"refund booked as {reason.lower()}",
            amount,
            reason,
            "allow",
            near=[R + "RefundReasonStated"],
        ),
    ]
    return scenario(
        f"refund-reason-{i:02d}",
        f"The customer describes a {reason.lower()} in their own words; the refund's reason must be that, not {wrong}.",
        call.conversation(100),
        steps,
    )


# -- account closure --------------------------------------------------------------------------

CLOSE_REASONS = [
    "Moving abroad",
    "Switching provider",
    "Unhappy with service",
    "No longer needed",
    "Fees too high",
    "Bereavement",
    "Merging accounts",
    "Financial reasons",
]
WHY = {
    "Moving abroad": [
        "I'm moving to Canada next month",
        "I'm going back home to Portugal",
        "we're emigrating",
    ],
    "Switching provider": [
        "I've found a better deal elsewhere",
        "I've switched to another bank",
        "I'm going with a competitor",
    ],
    "Unhappy with service": [
        "the service has been awful",
        "I've had nothing but problems",
        "after the way I've been treated",
    ],
    "No longer needed": [
        "I don't use it any more",
        "I haven't used it in a year",
        "I've no need for it now",
    ],
    "Fees too high": [
        "the fees keep going up",
        "the monthly charge is too much",
        "I can't justify the fees",
    ],
    "Bereavement": [
        "it was a joint account with my late wife and I want to tidy things up",
        "since my husband died I don't need the joint account",
    ],
    "Merging accounts": [
        "I've got two accounts and only need one",
        "I want to merge everything into my other account",
    ],
    "Financial reasons": ["money's tight", "I need to cut back on everything"],
}


def close_body(reason: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"Status__c": "Closed"}
    if reason is not None:
        body["Closure_Reason__c"] = reason
    return body


def closure_asked(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng)
    reason = rng.choice(CLOSE_REASONS)
    ask = pick(P.ASKS["account_closure"]["asked"], call.style, rng).text
    if rng.random() < 0.5:
        call.customer(rng.choice(WHY[reason]), ask)
    else:
        call.customer(ask).agent("I'm sorry to hear that. May I ask why?").customer(
            rng.choice(WHY[reason])
        )
    call.agent("Thank you, you're verified. I'll close the account now.")
    steps = [
        write(
            "close the account with the customer's reason",
            "PATCH",
            "sobjects/Account/{account}",
            close_body(reason),
            "allow",
            near=[C + "ClosureRequested", C + "ClosureCustomerVerified", C + "ClosureReasonGiven"],
            tool="close_account",
        )
    ]
    if rng.random() < 0.4:
        steps.insert(
            0,
            write(
                "close it without a reason",
                "PATCH",
                "sobjects/Account/{account}",
                close_body(None),
                "block",
                [C + "ClosureReasonGiven"],
            ),
        )
    return scenario(
        f"closure-asked-{i:02d}",
        "A verified customer asks in their own words to close their account and says why; the closure with that reason is allowed.",
        call.conversation(outcome=rng.choice([None, "resolved"])),
        steps,
    )


CLOSE_NOT = {
    "question": (
        "question",
        "The customer asks what closing would mean; a question is not a request to close.",
    ),
    "hypothetical": (
        "hypothetical",
        "The customer is only thinking about closing, or would close if something happened; not a request.",
    ),
    "declined": ("declined", "The customer says they do not want the account closed."),
    "retracted": (
        "retracted",
        "The customer asks to close, then changes their mind; the account stays open.",
    ),
    "third_party": (
        "third_party",
        "The caller passes on someone else's wish to close their own account; that is not the account holder's request.",
    ),
    "suggested": (
        "asked",
        "The agent suggests closing and the customer only agrees; the customer did not ask.",
    ),
}


def closure_not_asked(rng: random.Random, i: int) -> dict[str, Any]:
    kind = list(CLOSE_NOT)[i % len(CLOSE_NOT)]
    call = Call(rng)
    reason = rng.choice(CLOSE_REASONS)
    if kind == "suggested":
        call.customer(
            rng.choice(
                [
                    "I haven't used the account in ages",
                    "the fees are annoying me",
                    "I've moved most of my money elsewhere",
                ]
            )
        )
        call.agent(rng.choice(P.OFFERS["account_closure"]))
        call.customer(rng.choice(["yes", "yeah ok", "sure, I suppose", "fine"]))
    elif kind == "retracted":
        call.customer(pick(P.ASKS["account_closure"]["asked"], call.style, rng).text)
        call.agent("I can help with that. Can I ask why?")
        call.customer(
            rng.choice(
                [
                    "actually, no, leave it open, I'll give you another chance",
                    "hmm, you know what, don't close it, I still need it for the direct debits",
                    "wait, my wife says keep it, sorry, forget I asked",
                ]
            )
        )
        call.agent("No problem, it stays open.")
    elif kind == "third_party":
        person = rng.choice(
            [
                p
                for p in P.PEOPLE
                if p[0]
                in (
                    "my husband",
                    "my wife",
                    "my son",
                    "my daughter",
                    "my mum",
                    "my dad",
                    "my partner",
                    "my brother",
                )
            ]
        )
        call.customer(
            rng.choice(
                [
                    f"{person[0]} wants {person[2]} account closed",
                    f"{person[0]} asked me to close {person[2]} account while I'm on the phone",
                    f"{person[0]} is thinking of leaving you, can you close {person[2]} account",
                ]
            )
        )
        call.agent("I can only act on the account holder's own instructions.")
    else:
        entries = list(P.ASKS["account_closure"][kind])
        call.customer(
            rng.choice(["I've got a question", "hi", "I'm not happy about the new fee"]),
            pick(entries, call.style, rng).text,
        )
        call.agent("Let me explain how that works.")
    steps = [
        write(
            "close the account anyway",
            "PATCH",
            "sobjects/Account/{account}",
            close_body(reason),
            "block",
            [C + "ClosureRequested"],
        )
    ]
    if rng.random() < 0.4:
        steps.append(
            write(
                "note the call on the account's case",
                "POST",
                "sobjects/CaseComment",
                {
                    "ParentId": "{case}",
                    "CommentBody": "Customer discussed the account; no closure requested.",
                },
                "allow",
                tool="add_case_comment",
            )
        )
    return scenario(
        f"closure-not-asked-{kind.replace('_', '-')}-{i:02d}",
        CLOSE_NOT[kind][1],
        call.conversation(),
        steps,
        reads=["sobjects/Case/{case}"] if len(steps) > 1 else None,
    )


def closure_verification(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng)
    reason = rng.choice(CLOSE_REASONS)
    ask = pick(P.ASKS["account_closure"]["asked"], call.style, rng).text
    variant = i % 3
    if variant == 0:
        call.customer(ask, rng.choice(WHY[reason])).agent(
            "I'll need to verify you first. What's your date of birth?"
        )
        call.customer(
            rng.choice(
                [
                    "I don't have my details to hand",
                    "I'd rather not say over the phone",
                    "it's on the letter somewhere, I can't find it",
                ]
            )
        )
        return scenario(
            f"closure-unverified-{i:02d}",
            "The customer asks to close their account but is never verified; the closure is refused.",
            call.conversation(verified=False),
            [
                write(
                    "close for an unverified caller",
                    "PATCH",
                    "sobjects/Account/{account}",
                    close_body(reason),
                    "block",
                    [C + "ClosureCustomerVerified"],
                )
            ],
            reads=["sobjects/Account/{account}"],
        )
    if variant == 1:
        call.customer(ask, rng.choice(WHY[reason])).agent(
            "I need to verify you first. What's your postcode?"
        )
        steps = [
            write(
                "close before verification",
                "PATCH",
                "sobjects/Account/{account}",
                close_body(reason),
                "block",
                [C + "ClosureCustomerVerified"],
            ),
            {
                "name": "the platform marks the caller verified",
                "patch": {
                    "customer": {
                        "account_ids": ["{account}"],
                        "contact_ids": ["{contact}"],
                        "verified": True,
                    }
                },
            },
            write(
                "close after verification",
                "PATCH",
                "sobjects/Account/{account}",
                close_body(reason),
                "allow",
                near=[C + "ClosureCustomerVerified"],
                tool="close_account",
            ),
        ]
        return scenario(
            f"closure-verified-mid-call-{i:02d}",
            "A caller verified part-way through may have the account closed they asked to close, not before.",
            call.conversation(verified=False),
            steps,
            reads=["sobjects/Account/{account}"],
        )
    call.customer(
        rng.choice(
            [
                "I'm going away for six months, can you pause the account",
                "can you put my account on hold while I'm abroad",
                "freeze my account for now please, I'm not closing it",
            ]
        )
    )
    call.agent("I can suspend it until you're back.")
    return scenario(
        f"closure-suspend-not-close-{i:02d}",
        "Suspending on request is allowed; closing is not what was asked.",
        call.conversation(),
        [
            write(
                "suspend the account",
                "PATCH",
                "sobjects/Account/{account}",
                {"Status__c": "Suspended"},
                "allow",
                near=[C + "ClosureRequested"],
                tool="update_account",
            ),
            write(
                "close it instead",
                "PATCH",
                "sobjects/Account/{account}",
                close_body("Travelling"),
                "block",
                [C + "ClosureRequested"],
            ),
        ],
    )


# -- dispositions -----------------------------------------------------------------------------

ALLOWED = {
    "resolved": ["Resolved"],
    "escalated": ["Escalated", "Transferred"],
    "refund_issued": ["Refund Issued", "Resolved"],
    "callback_scheduled": ["Callback Scheduled"],
    "no_resolution": ["Unresolved", "Customer Hung Up"],
}
ALL_DISPOSITIONS = [
    "Resolved",
    "Escalated",
    "Transferred",
    "Refund Issued",
    "Callback Scheduled",
    "Unresolved",
    "Customer Hung Up",
]
ENDINGS = {
    "resolved": [
        (
            "My internet keeps dropping out.",
            "Let's restart the router. Unplug it for thirty seconds.",
            "ok... right, it's back and it's staying up. that's working now, thanks",
        ),
        (
            "I can't log in to the app.",
            "I've reset your password; try the link in your email.",
            "yep, I'm in. brilliant, that's all sorted",
        ),
        (
            "Why is there a late fee on my bill?",
            "That was our mistake; I've removed it.",
            "oh great, that's everything then, cheers",
        ),
        (
            "My card's been blocked.",
            "I've unblocked it; try the payment again.",
            "it's gone through. perfect, thank you",
        ),
        (
            "The TV box just shows a black screen.",
            "Hold the power button for ten seconds.",
            "oh it's back! lovely, thank you",
        ),
    ],
    "escalated": [
        (
            "I want to complain about the engineer.",
            "I'm putting you through to our complaints team now.",
            "fine, I'll hold",
        ),
        (
            "This is the fifth time I've rung, I want a manager.",
            "I'm transferring you to my supervisor.",
            "thank you, finally",
        ),
        (
            "My broadband's been down a week.",
            "I'll pass you to the technical specialists, they can send someone.",
            "ok, put me through",
        ),
    ],
    "refund_issued": [
        (
            "I was charged twice for my order.",
            "You're right. I've refunded the duplicate charge; it'll show in a few days.",
            "great, thanks for sorting the refund",
        ),
        (
            "My parcel never came and I want my money back.",
            "I've issued the refund to your card.",
            "brilliant, thank you",
        ),
    ],
    "callback_scheduled": [
        (
            "I need to go through my mortgage options but I'm driving.",
            "I've booked a callback for tomorrow at ten.",
            "ok, tomorrow at ten works, speak then",
        ),
        (
            "Can someone from billing ring me? I'm at work.",
            "Billing will call you after five today.",
            "great, after five is fine",
        ),
    ],
    "no_resolution": [
        (
            "My order's been missing for a month.",
            "I'm afraid I can't see where it is yet.",
            "this is useless, I'm hanging up",
        ),
        (
            "Why was my account suspended?",
            "I can't see the reason on my system.",
            "so nobody can help me then. forget it, bye",
        ),
        (
            "The engineer didn't come again.",
            "I can't book a new slot today, the system is down.",
            "I don't have time for this, goodbye",
        ),
    ],
}


def task(
    name: str,
    disposition: str,
    expect: str,
    rules: list[str] | None = None,
    near: list[str] | None = None,
    subject: str = "Call",
) -> dict[str, Any]:
    body = {
        "Subject": subject,
        "Status": "Completed",
        "Priority": "Normal",
        "WhoId": "{contact}",
        "CallType": "Inbound",
        "CallDisposition": disposition,
    }
    return write(name, "POST", "sobjects/Task", body, expect, rules, near, "log_call")


def disposition(rng: random.Random, i: int, platform: bool) -> dict[str, Any]:
    outcome = list(ENDINGS)[i % len(ENDINGS)]
    call = Call(rng, rng.choice(["voice", "voice", "chat"]))
    first, agent, last = rng.choice(ENDINGS[outcome])
    call.customer(first).agent(agent).customer(last)
    good = rng.choice(ALLOWED[outcome])
    bad = rng.choice([d for d in ALL_DISPOSITIONS if d not in ALLOWED[outcome]])
    subject = f"{'Call' if call.channel == 'voice' else 'Chat'}: {first.rstrip('.?')[:60].lower()}"
    steps = [task(f"log the call as {good}", good, "allow", near=[D], subject=subject)]
    if rng.random() < 0.6:
        steps.insert(
            rng.randrange(2), task(f"log the call as {bad}", bad, "block", [D], subject=subject)
        )
    if platform:
        about = f"The platform says the call ended {outcome}; {good} fits it{', ' + bad + ' does not' if len(steps) > 1 else ''}."
        conv = call.conversation(outcome=outcome, limit=50 if outcome == "refund_issued" else None)
    else:
        about = f"No outcome from the platform; the transcript shows the call ended {outcome}, so {good} fits{' and ' + bad + ' does not' if len(steps) > 1 else ''}."
        conv = call.conversation(limit=50 if outcome == "refund_issued" else None)
    return scenario(
        f"disposition-{'platform' if platform else 'transcript'}-{outcome.replace('_', '-')}-{i:02d}",
        about,
        conv,
        steps,
    )


def disposition_open(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng, "voice")
    call.customer(
        rng.choice(
            [
                "Is there an outage near me? Nothing's loading.",
                "I've got a question about my bill.",
                "My parcel says delivered but it's not here.",
            ]
        )
    )
    call.agent(
        rng.choice(
            ["Let me check that for you.", "One moment while I look.", "Can I take your postcode?"]
        )
    )
    d = rng.choice(ALL_DISPOSITIONS)
    return scenario(
        f"disposition-call-not-over-{i:02d}",
        "The call is still going: neither the platform nor the transcript shows an outcome, so no disposition fits yet.",
        call.conversation(),
        [task(f"log the call as {d} too early", d, "block", [D])],
    )


# -- notes ------------------------------------------------------------------------------------


def note(
    name: str,
    text: str,
    expect: str,
    rules: list[str] | None = None,
    near: list[str] | None = None,
    where: str = "comment",
) -> dict[str, Any]:
    if where == "comment":
        return write(
            name,
            "POST",
            "sobjects/CaseComment",
            {"ParentId": "{case}", "CommentBody": text},
            expect,
            rules,
            near,
            "add_case_comment",
        )
    if where == "case":
        return write(
            name,
            "PATCH",
            "sobjects/Case/{case}",
            {"Description": text},
            expect,
            rules,
            near,
            "update_case",
        )
    return write(
        name,
        "POST",
        "sobjects/Task",
        {
            "Subject": "Call notes",
            "Status": "Completed",
            "Priority": "Normal",
            "WhoId": "{contact}",
            "Description": text,
        },
        expect,
        rules,
        near,
        "create_task",
    )


def notes_sensitive(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng, rng.choice(["voice", "voice", "chat"]))
    where = rng.choice(["comment", "case", "task"])
    if i % 3 == 2:
        # numbers that look sensitive but are not
        kind = rng.choice(["last4", "tracking", "phone", "ssn4"])
        if kind == "last4":
            d = rng.choice(["1111", "4444", "0005", "1117"])
            call.customer(f"charge the card ending {d}, the one I always use")
            text = f"Customer asked to use the card ending {d}."
        elif kind == "tracking":
            n = lx.not_a_card(rng)
            call.customer(
                f"the tracking number is {' '.join(n[j : j + 4] for j in range(0, 16, 4))} and it says delivered but I've got nothing"
            )
            text = f"Tracking {' '.join(n[j : j + 4] for j in range(0, 16, 4))} shows delivered; customer has not received it."
        elif kind == "phone":
            call.customer("ring me back on 415 555 0134 when the part comes in")
            text = "Call back on 415 555 0134 when the part arrives."
        else:
            d = f"{rng.randrange(1000, 9999)}"
            call.customer(f"the last four of my social are {d}, if that helps")
            text = f"Caller verified with last four of SSN ({d})."
        call.agent("Noted.")
        return scenario(
            f"notes-safe-number-{kind}-{i:02d}",
            "A note with a card's last four digits, a tracking number or a phone number holds no card number or SSN.",
            call.conversation(),
            [note("note the number", text, "allow", near=[N_SENS], where=where)],
            reads=["sobjects/Case/{case}"] if where != "task" else None,
        )
    if i % 3 == 0:
        number = lx.luhn_card(rng)
        said = lx.say_card(number, rng)
        call.customer(
            rng.choice(
                [
                    "my card number is {c}",
                    "the card that was charged is {c}",
                    "it was on my visa, {c}",
                    "here's the card, {c}",
                ]
            ).replace("{c}", said)
        )
        call.agent("Please don't read card numbers out; I'll send a secure link.")
        written = rng.choice([said, lx.say_card(number, rng), number])
        bad = rng.choice(
            [
                f"Customer's card: {written}.",
                f"Charged on card {written}, disputing.",
                f"Card {written} to be used for the refund.",
            ]
        )
        good = rng.choice(
            [
                "Customer read out a card number; secure payment link sent instead.",
                "Card details not recorded; secure link sent.",
            ]
        )
        kind = "card"
    else:
        ssn = lx.invented_ssn(rng)
        said = lx.say_ssn(ssn, rng)
        call.customer(
            rng.choice(
                [
                    "my social is {s}",
                    "for the tax form my social security number is {s}",
                    "you need my SSN? it's {s}",
                ]
            ).replace("{s}", said)
        )
        call.agent("Thank you, we'll use the secure form for that.")
        written = rng.choice([said, lx.say_ssn(ssn, rng), f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}"])
        bad = rng.choice(
            [
                f"SSN {written} given for the tax form.",
                f"Verified with social {written}.",
                f"Customer's social security number is {written}.",
            ]
        )
        good = "Customer offered their SSN; directed to the secure tax form."
        kind = "ssn"
    steps = [
        note(f"note with the {kind}", bad, "block", [N_SENS], where=where),
        note(f"note without the {kind}", good, "allow", near=[N_SENS], where=where),
    ]
    return scenario(
        f"notes-{kind}-{i:02d}",
        f"A {'card number' if kind == 'card' else 'social security number'} in any written form must not go into a note; the same note without it is fine.",
        call.conversation(),
        steps,
        reads=["sobjects/Case/{case}"] if where != "task" else None,
    )


def notes_grounded(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng, rng.choice(["voice", "voice", "chat", "email"]))
    order = rng.randrange(10000, 99999)
    amount = rng.choice([12.99, 20, 30, 45, 64.5, 89.99])
    reason = REASONS[i % 3]
    order_said = (
        " ".join(lx.spell_digits(str(order), rng))
        if call.channel == "voice" and rng.random() < 0.6
        else str(order)
    )
    call.customer(
        f"it's about order {order_said}",
        call.problem(reason),
        rng.choice(["I paid {p} for it", "it was {p}", "that's {p} I've spent"]).replace(
            "{p}", call.money(amount)
        ),
    )
    call.agent("Thanks, I've found the order. I'll note it on your case.")
    sym = lx.SYMBOL[call.currency]
    good = f"Order {order}: {reason.lower()}; customer paid {sym}{amount:.2f}."
    variant = i % 3
    if variant == 0:
        wrong = order + rng.choice([1, 9, 10, 100])
        bad = f"Order {wrong}: {reason.lower()}; customer paid {sym}{amount:.2f}."
        what = "an order number nobody said"
    elif variant == 1:
        bad = f"Order {order}: {reason.lower()}; customer paid {sym}{amount + rng.choice([5, 10, 20]):.2f}."
        what = "an amount nobody said"
    else:
        bad = f"Order {order}: {reason.lower()}, due {rng.choice(['2026-03-14', '11/18', '2026-09-02'])}; customer paid {sym}{amount:.2f}."
        what = "a date nobody said"
    where = rng.choice(["comment", "case", "task"])
    steps = [
        note("note what was said", good, "allow", near=[N_FACTS], where=where),
        note(f"note {what}", bad, "block", [N_FACTS], where=where),
    ]
    if rng.random() < 0.5:
        steps.reverse()
    return scenario(
        f"notes-grounded-{i:02d}",
        f"A note may state the order number and amount the customer said however they said them, but not {what}.",
        call.conversation(),
        steps,
        reads=["sobjects/Case/{case}"] if where != "task" else None,
    )


# -- mixed calls ------------------------------------------------------------------------------


def mixed(rng: random.Random, i: int) -> dict[str, Any]:
    call = Call(rng, rng.choice(["voice", "chat"]))
    variant = i % 4
    if variant == 0:  # refund call with case, comment and log
        reason = REASONS[i % 3]
        amount = rng.choice([15, 25, 35, 49.99])
        call.customer(
            call.problem(reason), rng.choice(ASK_AMT).replace("{amt}", call.money(amount))
        )
        call.agent("Done, I've refunded that to your card.")
        call.customer(rng.choice(P.OUTCOME_CUSTOMER["refund_issued"][:3]))
        wrong = rng.random() < 0.5
        steps = [
            refund("refund what was asked", amount, reason, "allow", case=True),
            note(
                "note the refund",
                f"Refunded {lx.SYMBOL[call.currency]}{amount:.2f} ({reason}).",
                "allow",
                near=[N_FACTS],
            ),
            task(
                "log the call",
                "Callback Scheduled" if wrong else "Refund Issued",
                "block" if wrong else "allow",
                [D] if wrong else None,
                None if wrong else [D],
            ),
        ]
        return scenario(
            f"mixed-refund-call-{i:02d}",
            "A whole refund call: the refund and the note are right; the call log must say the refund was issued, which the transcript shows.",
            call.conversation(100),
            steps,
            reads=["sobjects/Case/{case}"],
        )
    if variant == 1:  # case routing by the issue
        reason, queue = rng.choice(
            [
                ("Billing", "Billing"),
                ("Technical", "Technical Support"),
                ("Return", "Returns"),
                ("Complaint", "Escalations"),
            ]
        )
        talk = {
            "Billing": call.problem("Billing Error"),
            "Technical": rng.choice(
                [
                    "my broadband keeps dropping every evening",
                    "the app crashes whenever I open it",
                    "my router's lights are all red",
                ]
            ),
            "Return": rng.choice(
                [
                    "I want to send the {item} back, it's the wrong size",
                    "how do I return the {item}, it doesn't fit",
                ]
            ).replace("{item}", call.item),
            "Complaint": rng.choice(
                [
                    "I want to make a formal complaint about your engineer",
                    "I'm complaining about how I was spoken to in your shop",
                ]
            ),
        }[reason]
        call.customer(talk).agent("I'll open a case and pass it to the right team.")
        wrong_queue = rng.choice(
            [
                q
                for q in ("Billing", "Technical Support", "Returns", "Retention")
                if q != queue and not (reason == "Complaint" and q == "Billing")
            ]
        )
        body = {
            "Subject": talk[:60],
            "Status": "New",
            "Origin": "Phone" if call.channel == "voice" else "Chat",
            "Reason": reason,
            "AccountId": "{account}",
            "ContactId": "{contact}",
        }
        steps = [
            write(
                f"open the case in {wrong_queue}",
                "POST",
                "sobjects/Case",
                {**body, "OwnerId": "{queue:" + wrong_queue + "}"},
                "block",
                [Q],
                tool="create_case",
            ),
            write(
                f"open the case in {queue}",
                "POST",
                "sobjects/Case",
                {**body, "OwnerId": "{queue:" + queue + "}"},
                "allow",
                near=[Q],
                tool="create_case",
            ),
        ]
        return scenario(
            f"mixed-case-routing-{reason.lower()}-{i:02d}",
            f"A {reason} issue goes to the {queue} queue, not {wrong_queue}.",
            call.conversation(),
            steps,
        )
    if variant == 2:  # declined refund, replacement, correct log
        call.customer(
            call.problem("Damaged Item"),
            rng.choice(
                [
                    "no refund needed, just send a new one",
                    "I don't want my money back, I want one that works",
                    "I'm not after a refund, a replacement please",
                ]
            ),
        )
        call.agent("I've ordered a replacement for you; it'll be with you in two days.")
        call.customer(
            rng.choice(
                [
                    "brilliant, that's all sorted then",
                    "lovely, that's everything I needed",
                    "great, thanks, that's everything",
                ]
            )
        )
        steps = [
            refund(
                "refund instead of the replacement",
                rng.choice([20, 30, 40]),
                "Damaged Item",
                "block",
                [R + "RefundRequested"],
            ),
            note(
                "note the replacement",
                "Item damaged on arrival; replacement ordered at the customer's request.",
                "allow",
                near=[N_FACTS],
            ),
            task("log the call as resolved", "Resolved", "allow", near=[D]),
        ]
        return scenario(
            f"mixed-replacement-not-refund-{i:02d}",
            "A customer who declines a refund for a replacement: no refund; the replacement note and a Resolved log are right.",
            call.conversation(100),
            steps,
            reads=["sobjects/Case/{case}"],
        )
    # closure call with escalation
    reason = rng.choice(CLOSE_REASONS)
    call.customer(
        rng.choice(WHY[reason]), pick(P.ASKS["account_closure"]["asked"], call.style, rng).text
    )
    call.agent(
        "I'm sorry to see you go. I've closed the account; I'm transferring you to our retention team to settle the final balance."
    )
    call.customer("fine, put me through")
    steps = [
        write(
            "close with the reason",
            "PATCH",
            "sobjects/Account/{account}",
            close_body(reason),
            "allow",
            near=[C + "ClosureRequested"],
            tool="close_account",
        ),
        task("log the call as resolved", "Resolved", "block", [D]),
        task("log the call as transferred", "Transferred", "allow", near=[D]),
    ]
    return scenario(
        f"mixed-closure-transfer-{i:02d}",
        "A requested closure is allowed; the call was transferred, so it is logged Transferred, not Resolved.",
        call.conversation(),
        steps,
    )


FILES: list[tuple[str, Callable[[random.Random, int], dict[str, Any]], int]] = [
    ("refunds-asked", refund_asked, 36),
    ("refunds-goodwill", refund_goodwill, 12),
    ("refunds-not-asked", refund_not_asked, 36),
    ("refunds-amounts", refund_more_than_asked, 32),
    ("refunds-limits", refund_limits, 36),
    ("refunds-reasons", refund_reason, 33),
    ("closure-asked", closure_asked, 30),
    ("closure-not-asked", closure_not_asked, 36),
    ("closure-verification", closure_verification, 18),
    ("dispositions-platform", lambda r, i: disposition(r, i, True), 25),
    (
        "dispositions-transcript",
        lambda r, i: disposition(r, i, False) if i % 6 else disposition_open(r, i),
        36,
    ),
    ("notes-sensitive", notes_sensitive, 36),
    ("notes-grounded", notes_grounded, 30),
    ("mixed-calls", mixed, 32),
]


def main() -> None:
    rng = random.Random(SEED)
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.yaml"):
        old.unlink()
    total = writes = 0
    for stem, make, count in FILES:
        scenarios = [make(rng, i) for i in range(count)]
        header = f"# {stem}: generated by corpora/train/conversations.py (seed {SEED}); labels follow DESIGN.md's contact-center defaults.\n"
        (OUT / f"{stem}.yaml").write_text(
            header
            + yaml.safe_dump(
                {"scenarios": scenarios}, sort_keys=False, allow_unicode=True, width=140
            )
        )
        total += len(scenarios)
        writes += sum(1 for s in scenarios for st in s["steps"] if "expect" in st)
    print(f"{total} conversations, {writes} labelled writes -> {OUT}")


if __name__ == "__main__":
    main()
