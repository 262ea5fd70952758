"""Behavioural tests of the conversation reader, CheckList style (Ribeiro et al. 2020).

Capabilities the rules depend on (a refund asked, declined, retracted...; its amount, among
the others a call names: the bill, the charge, the agent's offer, a total, a fee, a difference;
the reason; an account closure against other cancellations, and the reason given for it or
none; the call's outcome) times test types:
minimum functionality (MFT: templates whose slots take many fillers), invariance (INV: a
perturbation that must not change the reading: fillers, speech-to-text, contractions, typos,
other names and products, politeness, small talk, the agent's words paraphrased) and
directional (DIR: a change that must move the reading one way: "actually never mind", "if",
"my wife wants").

Two splits, each with its own seed and its own fillers: ``dev`` is looked at while the reader
is fixed, ``held`` only counted, never read case by case: its failure rate is the measure of
whether a fix generalised. A case's ``check`` sees the reading of its turns (and, for INV, of
its base turns): what the rules read (``granted``, the asked amount, the issues, the outcome).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from guardrail.context.model import Turn
from guardrail.understanding.model import AskKind, Outcome, Reason, Understanding

SEEDS = {"dev": 7, "held": 1013}
TESTS = ("MFT", "INV", "DIR")
CEILINGS = Path(__file__).with_name("ceilings.yaml")  # failures per split, capability, test
PER_TEMPLATE = 20  # MFT cases drawn per template
INV_PER_CASE = 1  # perturbations tried per MFT case and perturbation kind
Check = Callable[[Understanding, Understanding | None], bool]


@dataclass(frozen=True)
class Case:
    capability: str
    test: str  # "MFT", "INV" or "DIR"
    kind: str  # the template or perturbation
    said: tuple[str, ...]  # "c: ...", "a: ...", "s: ..."
    check: Check
    base: tuple[str, ...] | None = None


def turns(said: Sequence[str]) -> list[Turn]:
    roles = {"c:": "customer", "s:": "system"}
    return [Turn(role=roles.get(s[:2], "agent"), text=s[2:].strip()) for s in said]


# ---------------------------------------------------------------- what the rules read


def granted(kind: AskKind) -> Callable[[Understanding], bool]:
    def read(u: Understanding) -> bool:
        return any(a.status.granted for a in u.asks_of(kind))

    return read


def asked_amount(u: Understanding) -> Decimal | None:
    """As the rules' ``asked_amount('refund')``: the largest plausible reading asked."""
    asks = u.asks_of(AskKind.REFUND)
    return max(asks[0].amounts) if asks and asks[0].amounts else None


def closure_reason(u: Understanding) -> Reason | None:
    """As the rules' ``ask('account closure').reason``: why the customer is leaving."""
    asks = u.asks_of(AskKind.ACCOUNT_CLOSURE)
    return asks[0].reason if asks else None


def reasons(u: Understanding) -> frozenset[Reason]:
    return frozenset(i.reason for i in u.issues if not i.negated)


def outcome(u: Understanding) -> Outcome | None:
    return None if u.outcome is None else u.outcome.value


def is_(read: Callable[[Understanding], Any], expected: Any) -> Check:
    return lambda u, _: read(u) == expected


def has(read: Callable[[Understanding], Any], expected: Any) -> Check:
    return lambda u, _: expected in read(u)


def lacks(read: Callable[[Understanding], Any], expected: Any) -> Check:
    return lambda u, _: expected not in read(u)


def same(read: Callable[[Understanding], Any]) -> Check:
    return lambda u, base: base is not None and read(u) == read(base)


# ---------------------------------------------------------------- fillers, per split

# Slots whose filler is incidental (swapped by INV "swap"); those starting "a_" are the agent's
# words (swapped by INV "agent"). Every other slot carries what is tested.
INCIDENTAL = ("item", "name", "relation", "day", "opener", "cur")
TYPO_FREE = ("item", "name", "day", "opener", "smalltalk")  # where typos may go

VOCAB: dict[str, dict[str, list[Any]]] = {
    "dev": {
        "item": ["kettle", "desk lamp", "pair of trainers", "phone case", "blender", "rucksack",
                 "hair dryer", "yoga mat", "coffee grinder", "winter coat", "bluetooth speaker",
                 "set of saucepans"],
        "name": ["Priya", "Tom", "Grace", "Luis", "Hannah", "Dev", "Marta", "Owen"],
        "relation": ["wife", "husband", "mum", "son", "flatmate", "partner"],
        "day": ["Friday", "Monday", "the weekend", "next Tuesday", "the end of the week"],
        "cur": ["$", "£", "€"],
        "opener": ["Hi there.", "Hello, thanks for picking up.", "Hiya.", "Good morning.",
                   "Hey, I hope you can help."],
        "a_greet": ["Hi, you're through to support, how can I help?",
                    "Thanks for calling, what can I do for you today?",
                    "Hello, this is {name}, how can I help you?",
                    "Good afternoon, what seems to be the problem?"],
        "a_sorry": ["I'm sorry to hear that.", "Oh no, that's not good at all.",
                    "Sorry about that, let me have a look.", "Right, I can see the order here."],
        "a_offer": ["Would you like me to refund it for you?",
                    "I can refund that for you if you'd like?",
                    "Shall I put a refund through for you?",
                    "I'm able to refund the full amount, would that help?"],
        "a_options": [("I can either send you a new one or refund you, which would you prefer?",
                       "replacement", "refund"),
                      ("We could refund the cost or send out a replacement, what works for you?",
                       "refund", "replacement"),
                      ("I can offer a refund or a replacement, which do you want?",
                       "refund", "replacement")],
        "a_ack": ["Of course.", "No problem.", "Sure, one moment.", "Okay, let me see."],
        "problem": [("it arrived with the handle snapped off", Reason.DAMAGED),
                    ("it came smashed in the box", Reason.DAMAGED),
                    ("it stopped working after two days", Reason.DAMAGED),
                    ("it still hasn't turned up and it's been three weeks", Reason.LATE),
                    ("the parcel never arrived", Reason.LATE),
                    ("you charged me twice for it", Reason.BILLING),
                    ("I was billed more than the price on the website", Reason.BILLING),
                    ("you sent me the wrong colour", Reason.WRONG_ITEM),
                    ("it's not what I ordered, I got a completely different model",
                     Reason.WRONG_ITEM)],
        "problem_neg": [("it's not broken or anything, I just don't like it", Reason.DAMAGED),
                        ("it arrived on time, no complaints there, I just changed my mind",
                         Reason.LATE),
                        ("there's nothing wrong with it, it's just too big", Reason.DAMAGED),
                        ("the billing was fine, I just don't need it any more",
                         Reason.BILLING),
                        ("it's the right colour and everything, I just don't want it",
                         Reason.WRONG_ITEM)],
        "ask_direct": ["I want a refund.", "I'd like a refund please.", "Please refund me.",
                       "Can I get a refund?", "I want my money back.", "I need a refund for it.",
                       "Refund it please.", "I'd like my money back."],
        "ask_indirect": ["Could you put the money back on my card?",
                         "I'd rather just have what I paid returned.",
                         "Is there any way the charge could be reversed?",
                         "Can you credit it back to my account?",
                         "I think I'm owed the money for it.",
                         "I'd like to be reimbursed for it.",
                         "Just send the payment back to me, please.",
                         "Any chance of getting my money returned?"],
        "yes": ["Yes please.", "Yeah, that would be great.", "Go on then.", "Sure, why not.",
                "Yes, do that.", "That works for me.", "Please do.", "Yep, sounds good."],
        "pick_first": ["The first one.", "The first option, please.", "I'll go with the first.",
                       "The first please."],
        "pick_second": ["The second one.", "The second option please.", "The latter, please.",
                        "I'll take the second."],
        "decline": ["I don't want a refund, I just want it fixed.",
                    "No refund please, send me a working one.",
                    "I'm not after my money back, I just want a new one.",
                    "I don't need a refund.", "Keep the money, I'd rather have a replacement."],
        "brush_off": ["No thanks, I'll keep it.", "Nah, it's fine.", "That's alright, don't worry.",
                      "No, I'm good thanks.", "I'll pass, thanks.", "Not necessary, honestly."],
        "retract": ["Actually, never mind, I'll keep it.", "Hmm, on second thoughts, forget it.",
                    "Actually no, don't bother, it's fine.",
                    "Wait, scratch that, I don't want the refund after all."],
        "cond": ["if it doesn't arrive by {day},", "if it breaks again,",
                 "if the replacement is faulty too,", "should it not turn up by {day},"],
        "cond_ask": ["I'll want a refund.", "I'll be asking for my money back.",
                     "I'd want a full refund."],
        "question": ["Would I be able to get a refund if it doesn't fit?",
                     "What's your refund policy if I change my mind?",
                     "Do you do refunds on sale items?",
                     "If I sent it back, would I get a refund?"],
        "third": ["My {relation} wants a refund for it.",
                  "My {relation} asked me to get their money back for it.",
                  "My {relation} would like a refund, it's their order."],
        "amt": [("twenty five", 25), ("forty", 40), ("sixty two", 62), ("a hundred and ten", 110),
                ("eighteen", 18), ("seventy five", 75), ("ninety", 90), ("thirty", 30)],
        "amt_digits": [("45", 45), ("19.99", Decimal("19.99")), ("120", 120), ("8.50",
                       Decimal("8.50")), ("33", 33), ("210", 210)],
        "amt_slang": [("a tenner", 10), ("a fiver", 5), ("twenty quid", 20), ("fifty bucks", 50),
                      ("forty quid", 40), ("a hundred bucks", 100)],
        "amt_ask": ["I'd like {amt} back.", "Can you refund me {amt}?",
                    "I want {amt} refunded please.", "Could I get {amt} back on my card?"],
        "amt_fix": ["sorry, I mean {amt2}.", "no wait, make that {amt2}.",
                    "actually, it was {amt2}, not that."],
        "range": ["somewhere between {lo} and {hi}", "{lo} to {hi}", "about {lo} or {hi}"],
        "unit": ["I bought {n} of them at {p} each, so I want the money back for all of them.",
                 "refund me the {p} for each of the {n} I ordered."],
        "closure": ["Please close my account.", "I want to close my account.",
                    "I'd like my account shut down.", "Can you delete my account completely?",
                    "I want to close the account with you for good."],
        "other_cancel": ["Can you cancel my credit card?", "I want to cancel my subscription.",
                         "Please cancel the insurance add-on.", "Cancel my order please.",
                         "I'd like to cancel the direct debit.",
                         "Can you cancel my broadband package?"],
        "closure_q": ["What happens to my points if I close my account?",
                      "How would I go about closing my account, just out of interest?",
                      "If I closed my account, would I lose my history?",
                      "Is there a fee for closing an account?"],
        "a_resolved": ["I've fixed that now, it should work fine.",
                       "That's sorted for you, the change has gone through.",
                       "All done, your order has been updated."],
        "c_resolved": ["Brilliant, that's working now, thanks.", "Great, that's sorted it, cheers.",
                       "Perfect, all good now, thank you."],
        "a_unresolved": ["I'm afraid I can't do anything about that.",
                         "Unfortunately we're unable to help with that.",
                         "Sorry, there's nothing I can do from here."],
        "c_unresolved": ["That's useless. Forget it.", "Well this is a waste of time.",
                         "It's still not working, this hasn't helped at all."],
        "a_escalate": ["I'm going to escalate this to my supervisor.",
                       "Let me raise this with my manager for you.",
                       "I'll pass this on to our complaints team."],
        "a_transfer": ["I'm transferring you to billing now.",
                       "I'll put you through to the technical team.",
                       "Let me connect you with a specialist, one moment."],
        "a_callback": ["Someone will call you back tomorrow morning.",
                       "I've booked a callback for Thursday afternoon.",
                       "Our engineer will ring you tomorrow to arrange a visit."],
        "hangup": ["customer hung up", "Customer disconnected.", "Call dropped by caller."],
        "smalltalk": ["Sorry, the dog's barking.", "Lovely weather today, isn't it.",
                      "I'm just on my lunch break.", "Bear with me, I'm on the bus."],
        "polite": ["if it's not too much trouble, {x}", "{x} Thanks so much.",
                   "sorry to be a pain, but {x}", "I hate to ask, but {x}",
                   "{x} I'd be really grateful."],
        "fill": ["um", "like", "you know", "uh", "erm"],
        # amounts among others: {m} the amount asked, {o} another (larger) one, {f} a fee;
        # each filler says which of them, or what sum of them, is asked
        "money": [12, 18, 25, 30, 35, 40, 45, 60, 75, 80],
        "fee": [3, 4, 5, 6, 8],
        "bill": [("My bill came to {o} this month and {m} of that is a charge I never agreed to. "
                  "I'd like the {m} back.", "m"),
                 ("The bill was {o}, but {m} of it was for a service I cancelled, so refund me "
                  "{m} please.", "m")],
        "charge": [("You charged me {o} for it. I only want {m} back for the missing part.", "m"),
                   ("It was {o} on my card. Can you refund {m} of that for the broken lid?",
                    "m")],
        "a_offer_amt": ["I can refund {o} for you.", "I'm able to offer you {o} back.",
                        "I could put {o} back on your card."],
        "counter": [("Actually I'd like {m} back please.", "m"),
                    ("No, I only want {m} refunded.", "m"),
                    ("Could you make it {m} instead?", "m")],
        "total": [("The whole order came to {o}, but only this was faulty, so please refund the "
                   "{m} it cost.", "m"),
                  ("My basket was {o} in total. The {item} was {m} of that and I want that {m} "
                   "back.", "m")],
        "partial": [("It cost {o}. I'd be happy with a partial refund of {m}.", "m"),
                    ("I paid {o} for it but I'll settle for {m} back.", "m")],
        "tax": [("I want {m} back plus the {f} delivery fee.", "m+f"),
                ("Refund me the {m} and the {f} tax on top, please.", "m+f"),
                ("I'd like {m} back, the {f} postage can stay with you.", "m")],
        "diff": [("You charged me {o} instead of {m}. I want the difference back.", "o-m"),
                 ("I was billed {o} when the price was {m}, so refund me the difference.",
                  "o-m")],
        "fix_next": [("Sorry, I misread the receipt, it's {m}.", "m"),
                     ("Hang on, no, it was {m}, not that.", "m")],
        "amt_cents": [("five dollars and fifty cents", Decimal("5.50")),
                      ("ninety nine cents", Decimal("0.99")),
                      ("twelve dollars forty", Decimal("12.40")),
                      ("sixty five cents", Decimal("0.65")),
                      ("$3.75", Decimal("3.75")), ("eight dollars and five cents",
                      Decimal("8.05"))],
        "unit_apart": ["I bought {n} of them. They were {p} each. I want my money back for all "
                       "of them.", "They cost {p} each. I ordered {n}. Please refund the lot."],
        # a closure's reason: said before or after the ask, as a complaint, or not at all
        "closure_why": [("the internet keeps dropping out every evening", Reason.TECHNICAL),
                        ("you've charged me twice for the same month", Reason.BILLING),
                        ("the app hasn't let me log in for a week", Reason.TECHNICAL),
                        ("I keep getting billed for things I never ordered", Reason.BILLING),
                        ("every delivery I get turns up days late", Reason.LATE)],
        "complaint": [("Your staff were really rude to me on the phone last week.",
                       Reason.SERVICE),
                      ("I've complained three times and nobody got back to me.", Reason.SERVICE),
                      ("Honestly the service has been appalling.", Reason.SERVICE)],
        "a_why": ["Can I ask why you'd like to close it?", "May I ask what's made you decide?",
                  "Sorry to hear that, what's the reason?"],
        "refused": ["I'd rather not say.", "I'd prefer not to go into it.",
                    "That's my business, just close it please."],
        "none_given": ["No reason really, just close it.", "No particular reason.",
                       "There's no reason, I just want it closed."],
        "vague": ["It's just not for me any more.", "I just don't use it much.",
                  "Personal reasons."],
    },
    "held": {
        "item": ["toaster", "office chair", "pair of boots", "tablet cover", "food processor",
                 "suitcase", "electric toothbrush", "dumbbell set", "espresso machine",
                 "rain jacket", "smart watch", "duvet"],
        "name": ["Nadia", "Ben", "Chloe", "Ravi", "Sofia", "Kwame", "Ingrid", "Patrick"],
        "relation": ["brother", "daughter", "dad", "girlfriend", "neighbour", "sister"],
        "day": ["Thursday", "Saturday", "tomorrow", "next Wednesday", "the first of the month"],
        "cur": ["$", "£", "€"],
        "opener": ["Hello.", "Hi, sorry to bother you.", "Morning.", "Evening, hi.",
                   "Right, hello there."],
        "a_greet": ["Welcome to customer care, how may I help?",
                    "Hi, {name} speaking, what can I help with?",
                    "Hello, you're through to the help desk.", "Hi there, what's happened?"],
        "a_sorry": ["That's frustrating, I apologise.", "I see, sorry for the trouble.",
                    "Let me pull up your details.", "Apologies for that."],
        "a_offer": ["I could refund that for you, would you like that?",
                    "Do you want me to process a refund?",
                    "How about I refund it for you?",
                    "I can give you your money back, is that okay?"],
        "a_options": [("I can either refund you or send a new one, which would you like?",
                       "refund", "replacement"),
                      ("We can send a replacement out or give you a refund, your choice.",
                       "replacement", "refund"),
                      ("Options are a replacement or a full refund, which suits you?",
                       "replacement", "refund")],
        "a_ack": ["Right.", "Certainly.", "Okay, bear with me.", "Got it."],
        "problem": [("it turned up cracked down the side", Reason.DAMAGED),
                    ("the screen is shattered", Reason.DAMAGED),
                    ("it won't switch on at all", Reason.DAMAGED),
                    ("it's ten days late and still no sign of it", Reason.LATE),
                    ("the delivery never came", Reason.LATE),
                    ("I was charged two times", Reason.BILLING),
                    ("there's a charge on my statement I don't recognise", Reason.BILLING),
                    ("you sent the wrong size", Reason.WRONG_ITEM),
                    ("I received someone else's order", Reason.WRONG_ITEM)],
        "problem_neg": [("it isn't damaged, it's just not for me", Reason.DAMAGED),
                        ("it came quickly, delivery was fine, I just don't want it", Reason.LATE),
                        ("nothing's wrong with it as such, I just ordered two", Reason.DAMAGED),
                        ("I wasn't overcharged or anything, I just don't need it",
                         Reason.BILLING),
                        ("it's exactly what I ordered, I just don't like it", Reason.WRONG_ITEM)],
        "ask_direct": ["I'd like a refund.", "Refund me please.", "I want a full refund.",
                       "Could I have a refund?", "Give me my money back.",
                       "I'm asking for a refund.", "I want to be refunded.",
                       "Please give me a refund."],
        "ask_indirect": ["Can the payment go back onto my card?",
                         "I'd like what I paid for it back.",
                         "Can you reverse the charge for it?",
                         "Could you reimburse me for it?",
                         "Can that money be returned to my account?",
                         "I just want my money returned, to be honest.",
                         "Is it possible to get the cost back?",
                         "Could you pay me back for it?"],
        "yes": ["Yes, please do that.", "Okay, yes.", "That'd be lovely, thanks.",
                "Yes go ahead.", "Sounds good to me.", "Yeah, please.", "Alright then, yes.",
                "Definitely, thank you."],
        "pick_first": ["First one please.", "Option one.", "I'd go for the first.",
                       "The first of those."],
        "pick_second": ["Second one please.", "Option two.", "I'll go for the second.",
                        "The other one, the second."],
        "decline": ["I'm not looking for a refund, just a working one.",
                    "I don't want my money back.", "No, I don't want a refund.",
                    "A refund isn't what I want, I want it repaired.",
                    "I'm not asking for a refund."],
        "brush_off": ["No, you're alright.", "Nope, it's okay.", "No need, thanks.",
                      "Don't worry about that.", "I'm fine as it is, thank you.",
                      "No, leave it."],
        "retract": ["Oh, forget it actually, I'll keep it.", "No, actually, leave it.",
                    "Hang on, never mind, don't refund it.",
                    "Actually I've changed my mind, no refund."],
        "cond": ["if it's not fixed by {day},", "if this happens again,",
                 "if the courier loses it again,", "in case it doesn't work,"],
        "cond_ask": ["I'll want my money back.", "I'm going to want a refund.",
                     "I'd expect a refund."],
        "question": ["Can I get a refund if I return it unopened?",
                     "How long do refunds usually take?",
                     "Are refunds possible after thirty days?",
                     "Would a refund be possible if it breaks?"],
        "third": ["My {relation} wants their money back.",
                  "My {relation} needs a refund for the one they bought.",
                  "It's my {relation} who wants a refund, they asked me to ring."],
        "amt": [("thirty five", 35), ("fifty", 50), ("eighty four", 84), ("a hundred and fifty",
                150), ("twelve", 12), ("sixty", 60), ("twenty two", 22), ("two hundred", 200)],
        "amt_digits": [("55", 55), ("14.50", Decimal("14.50")), ("95", 95), ("240", 240),
                       ("7.99", Decimal("7.99")), ("66", 66)],
        "amt_slang": [("a fiver", 5), ("thirty quid", 30), ("a tenner", 10), ("sixty bucks", 60),
                      ("ten quid", 10), ("twenty bucks", 20)],
        "amt_ask": ["Can I have {amt} back?", "Please refund {amt}.",
                    "I need {amt} back please.", "Put {amt} back on my card."],
        "amt_fix": ["sorry, {amt2} I meant.", "no hang on, {amt2}.",
                    "correction, it should be {amt2}."],
        "range": ["between {lo} and {hi}", "{lo} or {hi} or so", "anything from {lo} to {hi}"],
        "unit": ["I got {n} at {p} each, I want my money back for them all.",
                 "it's {p} a piece and I bought {n}, so refund all of those."],
        "closure": ["Close my account, please.", "I'd like to close down my account.",
                    "Please shut my account.", "Can you terminate my account?",
                    "I want my account closed."],
        "other_cancel": ["I'd like to cancel my debit card.", "Can you cancel the membership?",
                         "Cancel the extra data add-on, please.",
                         "I want to cancel the booking.", "Cancel my magazine subscription.",
                         "Please cancel the standing order."],
        "closure_q": ["Can I close my account online, or do I have to ring?",
                      "What would happen to my balance if I closed the account?",
                      "How long does it take to close an account?",
                      "Would closing my account cancel my orders too?"],
        "a_resolved": ["I've reset it for you, try it now.",
                       "That's been corrected on our end.", "Okay, I've updated the address."],
        "c_resolved": ["Yes, it works now, thank you.", "Lovely, that's fixed it.",
                       "Great, sorted, thanks a lot."],
        "a_unresolved": ["I'm afraid we can't refund that.",
                         "Sorry, I'm unable to change that.",
                         "There's nothing more I can do, I'm afraid."],
        "c_unresolved": ["I give up.", "This is ridiculous, I'll go elsewhere.",
                         "Still not sorted, pointless."],
        "a_escalate": ["I'll escalate this to the complaints team.",
                       "I've escalated it to a supervisor.",
                       "I'm passing this to my manager now."],
        "a_transfer": ["I'll transfer you to the returns department.",
                       "Connecting you to accounts now.",
                       "I'm putting you through to a colleague in billing."],
        "a_callback": ["We'll give you a call back on Monday.",
                       "A callback is booked for 3pm tomorrow.",
                       "I'll get the team to ring you later today."],
        "hangup": ["Caller hung up.", "customer disconnected", "The line went dead."],
        "smalltalk": ["Sorry, it's noisy here.", "My kids are shouting in the background.",
                      "It's been a long day.", "Hold on, just moving rooms."],
        "polite": ["if you don't mind, {x}", "{x} Thank you ever so much.", "apologies, but {x}",
                   "no rush, but {x}", "{x} That would be a big help."],
        "fill": ["uhm", "like", "sort of", "hmm", "uh"],
        "money": [14, 20, 28, 32, 38, 48, 55, 65, 70, 90],
        "fee": [2, 5, 7, 9, 10],
        "bill": [("This month's bill is {o} and there's {m} on it for a package I never took. I "
                  "want that {m} refunded.", "m"),
                 ("I got a bill for {o}; {m} of it is an add-on I never asked for. Refund the "
                  "{m}, please.", "m")],
        "charge": [("I paid {o} for the set. Just refund {m} for the piece that's damaged.", "m"),
                   ("The charge was {o}, and I'd like {m} of it back.", "m")],
        "a_offer_amt": ["We can give you {o} back.", "I'm happy to refund {o}.",
                        "How about a refund of {o}?"],
        "counter": [("I'd rather have {m} back, please.", "m"),
                    ("Just {m} is what I'm asking for.", "m"),
                    ("Hmm, I was after {m} back.", "m")],
        "total": [("The order total was {o}; the {item} alone was {m}, and that's all I want "
                   "back.", "m"),
                  ("Everything together cost {o}. Refund me {m}, that's the one that broke.",
                   "m")],
        "partial": [("I spent {o} on it, so a part refund of {m} would be fair.", "m"),
                    ("It was {o}, I'm only asking for {m} of that back.", "m")],
        "tax": [("Please refund {m} plus the {f} shipping.", "m+f"),
                ("I want the {m} back and the {f} in fees as well.", "m+f"),
                ("Refund the {m}; forget the {f} service fee.", "m")],
        "diff": [("I was charged {o} rather than {m}, so please refund the difference.", "o-m"),
                 ("It rang up at {o} when it should have been {m}. I'd like the difference "
                  "back.", "o-m")],
        "fix_next": [("Oh sorry, my mistake, it's {m}.", "m"),
                     ("No wait, I read that wrong, {m}.", "m")],
        "amt_cents": [("seven dollars and twenty cents", Decimal("7.20")),
                      ("forty nine cents", Decimal("0.49")),
                      ("fifteen dollars sixty", Decimal("15.60")),
                      ("eighty cents", Decimal("0.80")),
                      ("$6.45", Decimal("6.45")), ("two dollars and ten cents",
                      Decimal("2.10"))],
        "unit_apart": ["I got {n} of them. Each one was {p}. Please refund all of them.",
                       "The price was {p} per item. There were {n} in the order. I want it "
                       "all back."],
        "closure_why": [("my broadband has been down most of the month", Reason.TECHNICAL),
                        ("I was overcharged on my last three bills", Reason.BILLING),
                        ("I can't sign in to the website at all", Reason.TECHNICAL),
                        ("there's a charge on my statement I don't recognise", Reason.BILLING),
                        ("my orders keep arriving a week late", Reason.LATE)],
        "complaint": [("The person I spoke to yesterday was so unhelpful.", Reason.SERVICE),
                      ("I want to make a complaint about how I've been treated.",
                       Reason.SERVICE),
                      ("Frankly your customer service is shocking.", Reason.SERVICE)],
        "a_why": ["Could you tell me why you're leaving?", "Is there a reason for closing?",
                  "What's prompted that, if you don't mind me asking?"],
        "refused": ["I don't want to say.", "I'd rather keep that to myself.",
                    "Does it matter? Just close it."],
        "none_given": ["No reason, I just want to.", "No specific reason, honestly.",
                       "Nothing in particular, just close it."],
        "vague": ["It's time for a change.", "I just feel like moving on.",
                  "Various reasons, really."],
    },
}  # fmt: skip


# ---------------------------------------------------------------- templates

# A template: turns with {slot}s, and how the filled case is checked given the bindings.
Binder = Callable[[Mapping[str, Any]], Check]


@dataclass(frozen=True)
class Template:
    capability: str
    name: str
    said: tuple[str, ...]
    check: Binder
    dirs: tuple[str, ...] = ()  # the directional changes that apply (DIRECTIONS)
    invs: tuple[str, ...] = ()  # the perturbations that do not apply
    # the slot whose value carries the ask (for "if" and third-party changes)
    key: str | None = None


def _t(capability: str, name: str, *said: str, check: Binder, **kw: Any) -> Template:
    return Template(capability, name, said, check, **kw)


REFUND = AskKind.REFUND
CLOSURE = AskKind.ACCOUNT_CLOSURE
refund_ok = granted(REFUND)
closure_ok = granted(CLOSURE)
ASK_DIRS = ("never_mind", "if", "third_party")


def _yes(read: Callable[[Understanding], bool]) -> Binder:
    return lambda b: is_(read, True)


def _no(read: Callable[[Understanding], bool]) -> Binder:
    return lambda b: is_(read, False)


def _amount(b: Mapping[str, Any]) -> Check:
    return is_(asked_amount, Decimal(str(b["value"])))


def _closure_for(b: Mapping[str, Any]) -> Check:
    """Closed at the customer's ask, for the reason they gave (None when they gave none)."""
    reason = b.get("reason")
    return lambda u, _: closure_ok(u) and closure_reason(u) == reason


def _outcome_is(value: Outcome) -> Binder:
    return lambda b: is_(outcome, value)


TEMPLATES: tuple[Template, ...] = (
    # a refund asked
    _t("refund asked: direct", "problem then ask", "a: {a_greet}",
       "c: {opener} It's about my {item}: {problem}. {ask_direct}", check=_yes(refund_ok), dirs=ASK_DIRS,
       key="ask_direct"),
    _t("refund asked: direct", "ask alone", "a: {a_greet}", "c: {ask_direct}", "a: {a_ack}",
       check=_yes(refund_ok), dirs=ASK_DIRS, key="ask_direct"),
    _t("refund asked: indirect", "problem then ask", "a: {a_greet}",
       "c: {opener} The {item} I ordered, {problem}.", "a: {a_sorry}", "c: {ask_indirect}",
       check=_yes(refund_ok), dirs=ASK_DIRS, key="ask_indirect"),
    _t("refund asked: indirect", "ask then problem", "a: {a_greet}",
       "c: {ask_indirect} {problem}.", check=_yes(refund_ok), dirs=ASK_DIRS, key="ask_indirect"),
    _t("refund asked: elliptical yes to an offer", "offer", "a: {a_greet}",
       "c: It's about my {item}: {problem}.", "a: {a_sorry} {a_offer}", "c: {yes}", check=_yes(refund_ok),
       dirs=("never_mind", "no")),
    _t("refund asked: picked from options", "by position", "a: {a_greet}",
       "c: It's about my {item}: {problem}.", "a: {a_options}", "c: {pick}",
       check=lambda b: is_(refund_ok, b["picked"] == "refund"), invs=("polite",)),
    # not asked
    _t("refund declined", "says no", "a: {a_greet}", "c: {opener} It's about my {item}: {problem}.",
       "a: {a_sorry}", "c: {decline}", check=_no(refund_ok), dirs=("takes_it",)),
    _t("refund declined", "brushes off an offer", "a: {a_greet}", "c: It's about my {item}: {problem}.",
       "a: {a_offer}", "c: {brush_off}", check=_no(refund_ok), dirs=("takes_it",)),
    _t("refund retracted", "asks then takes back", "a: {a_greet}",
       "c: It's about my {item}: {problem}. {ask_direct}", "a: {a_ack}", "c: {retract}",
       check=_no(refund_ok)),
    _t("refund retracted", "accepts then takes back", "a: {a_greet}",
       "c: It's about my {item}: {problem}.", "a: {a_offer}", "c: {yes}", "a: {a_ack}", "c: {retract}",
       check=_no(refund_ok)),
    _t("refund hypothetical", "if", "a: {a_greet}", "c: {opener} I ordered a {item}. {cond} "
       "{cond_ask}", check=_no(refund_ok), invs=("polite",)),
    _t("refund hypothetical", "a question", "a: {a_greet}", "c: {opener} {question}",
       check=_no(refund_ok)),
    _t("refund third party", "someone else wants it", "a: {a_greet}",
       "c: {opener} {third}", check=_no(refund_ok)),
    # amounts
    _t("amount: words", "words", "a: {a_greet}", "c: It's about my {item}: {problem}. {amt_ask}",
       check=_amount, dirs=("correct",)),
    _t("amount: digits", "digits", "a: {a_greet}", "c: It's about my {item}: {problem}. {amt_ask}",
       check=_amount, dirs=("correct",)),
    _t("amount: colloquial", "slang", "a: {a_greet}", "c: It's about my {item}: {problem}. {amt_ask}",
       check=_amount),
    _t("amount: corrected", "corrected", "a: {a_greet}",
       "c: It's about my {item}: {problem}. {amt_ask} {amt_fix}", check=_amount),
    _t("amount: range", "range", "a: {a_greet}",
       "c: It's about my {item}: {problem}. I'd like {range} back.", check=_amount),
    _t("amount: per unit", "per unit", "a: {a_greet}", "c: It's about the {item}: {problem}. {unit}",
       check=_amount),
    # reasons
    _t("reason: stated", "problem", "a: {a_greet}", "c: {opener} It's about my {item}: {problem}.",
       "a: {a_sorry}", "c: {ask_direct}", check=lambda b: has(reasons, b["reason"]),
       dirs=("negate",)),
    _t("reason: negated", "not a problem", "a: {a_greet}",
       "c: {opener} About my {item}, {problem_neg}. {ask_direct}",
       check=lambda b: lacks(reasons, b["reason"])),
    # closure
    _t("closure asked", "asks", "a: {a_greet}", "c: {opener} {closure}", "a: {a_ack}",
       check=_yes(closure_ok), dirs=ASK_DIRS, key="closure"),
    _t("closure: other cancellations", "cancels something else", "a: {a_greet}",
       "c: {opener} {other_cancel}", check=_no(closure_ok), dirs=("and_close",)),
    _t("closure: a question", "asks about it", "a: {a_greet}", "c: {opener} {closure_q}",
       check=_no(closure_ok)),
    # outcomes
    _t("outcome: resolved", "fixed and thanked", "a: {a_greet}", "c: It's about my {item}: {problem}.",
       "a: {a_resolved}", "c: {c_resolved}", check=_outcome_is(Outcome.RESOLVED),
       dirs=("still_broken",)),
    _t("outcome: unresolved", "refused", "a: {a_greet}", "c: It's about my {item}: {problem}.",
       "a: {a_unresolved}", "c: {c_unresolved}", check=_outcome_is(Outcome.NO_RESOLUTION)),
    _t("outcome: escalated", "escalated", "a: {a_greet}", "c: It's about my {item}: {problem}.",
       "a: {a_sorry} {a_escalate}", check=_outcome_is(Outcome.ESCALATED)),
    _t("outcome: transferred", "transferred", "a: {a_greet}", "c: It's about my {item}: {problem}.",
       "a: {a_transfer}", "c: Okay, thanks.", check=_outcome_is(Outcome.ESCALATED),
       dirs=("refuse_transfer",)),
    _t("outcome: callback", "callback", "a: {a_greet}", "c: It's about my {item}: {problem}.",
       "a: {a_callback}", "c: Okay, thanks.", check=_outcome_is(Outcome.CALLBACK_SCHEDULED)),
    _t("outcome: hung up", "hung up", "a: {a_greet}", "c: It's about my {item}: {problem}.",
       "a: {a_sorry} Can you give me the order number?", "s: {hangup}",
       check=_outcome_is(Outcome.NO_RESOLUTION)),
    # (added last: the cases drawn before them stay as they were)
    _t("amount: per unit across sentences", "per unit", "a: {a_greet}",
       "c: It's about the {item}: {problem}. {unit_apart}", check=_amount),
    _t("amount: cents", "cents", "a: {a_greet}", "c: It's about my {item}: {problem}. {amt_ask}",
       check=_amount, invs=("swap",)),
    # the amount asked among the others a call names
    _t("amount: among others", "the bill", "a: {a_greet}", "c: {opener} {bill}", check=_amount,
       key="bill", dirs=("correct",)),
    _t("amount: among others", "the charge", "a: {a_greet}", "c: It's about my {item}: {problem}.",
       "a: {a_sorry}", "c: {charge}", check=_amount, key="charge", dirs=("correct",)),
    _t("amount: among others", "the agent's offer", "a: {a_greet}",
       "c: It's about my {item}: {problem}. I want a refund.", "a: {a_offer_amt}", "c: {counter}",
       check=_amount, key="counter"),
    _t("amount: among others", "a total and one item", "a: {a_greet}",
       "c: It's about my {item}: {problem}. {total}", check=_amount, key="total"),
    _t("amount: among others", "a partial refund", "a: {a_greet}",
       "c: It's about my {item}: {problem}. {partial}", check=_amount, key="partial"),
    _t("amount: among others", "taxes and fees", "a: {a_greet}",
       "c: It's about my {item}: {problem}. {tax}", check=_amount, key="tax"),
    _t("amount: among others", "corrected in the next turn", "a: {a_greet}",
       "c: It's about my {item}: {problem}. I'd like {o} back.", "a: {a_ack}", "c: {fix_next}",
       check=_amount, key="fix_next"),
    _t("amount: a difference", "charged instead of", "a: {a_greet}", "c: {opener} {diff}",
       check=_amount, key="diff"),
    # a closure's reason
    _t("closure: reason given", "before the ask", "a: {a_greet}",
       "c: {opener} {closure_why}. {closure}", check=_closure_for, key="closure",
       dirs=("never_mind",)),
    _t("closure: reason given", "after the ask", "a: {a_greet}", "c: {opener} {closure}",
       "a: {a_why}", "c: Well, {closure_why}.", check=_closure_for, dirs=("never_mind",)),
    _t("closure: reason given", "as a complaint", "a: {a_greet}",
       "c: {opener} {complaint} {closure}", check=_closure_for, key="closure"),
    _t("closure: no reason given", "refused", "a: {a_greet}", "c: {opener} {closure}",
       "a: {a_why}", "c: {refused}", check=_closure_for),
    _t("closure: no reason given", "none", "a: {a_greet}", "c: {opener} {closure}", "a: {a_why}",
       "c: {none_given}", check=_closure_for),
    _t("closure: no reason given", "vague", "a: {a_greet}", "c: {opener} {closure}",
       "a: {a_why}", "c: {vague}", check=_closure_for),
)  # fmt: skip

# Templates whose slot takes a value drawn from a list named otherwise.
_SLOT_SOURCE = {
    "amount: words": ("amt", "{cur_word}"),
    "amount: digits": ("amt_digits", "{cur}"),
    "amount: colloquial": ("amt_slang", ""),
    "amount: cents": ("amt_cents", ""),
}
# Fillers naming several amounts ({m}, {o}, {f}), each with which of them is asked.
_AMONG = ("bill", "charge", "counter", "total", "partial", "tax", "diff", "fix_next")
_CUR_WORD = {"$": "dollars", "£": "pounds", "€": "euros"}
_SLOT = re.compile(r"\{(\w+)\}")


# ---------------------------------------------------------------- filling templates


def _bind(t: Template, vocab: Mapping[str, list[Any]], rng: random.Random,
          fixed: Mapping[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    """Fillers for every slot ``t`` uses (``fixed`` kept), and the values they carry."""
    b: dict[str, Any] = dict(fixed or {})
    pending = [s for said in t.said for s in _SLOT.findall(said)]
    while pending:
        slot = pending.pop(0)
        if slot in b:
            pending[:0] = [s for s in _SLOT.findall(str(b[slot])) if s not in b]
            continue
        if slot == "amt_ask":
            b[slot] = rng.choice(vocab["amt_ask"])
            pending[:0] = ["amt"]
        elif slot == "amt":
            b.setdefault("cur", rng.choice(vocab["cur"]))
            source, form = _SLOT_SOURCE.get(t.capability, ("amt", "{cur_word}"))
            said, value = rng.choice(vocab[source])
            b["amt"] = _money(said, form, b["cur"])
            b["value"] = value
        elif slot == "amt_fix":
            b[slot] = rng.choice(vocab[slot])
            b.setdefault("cur", rng.choice(vocab["cur"]))
            first, _ = rng.choice(vocab["amt_digits"])
            said, value = rng.choice([a for a in vocab["amt"] if a[1] != Decimal(first)])
            b["amt"] = _money(first, "{cur}", b["cur"])
            b["amt2"] = _money(said, "{cur_word}", b["cur"])
            b["value"] = value
        elif slot == "range":
            b[slot] = rng.choice(vocab[slot])
            b.setdefault("cur", rng.choice(vocab["cur"]))
            lo = rng.choice([10, 15, 20, 25, 30, 40])
            hi = lo + rng.choice([5, 10, 20])
            b["lo"], b["hi"] = f"{b['cur']}{lo}", f"{b['cur']}{hi}"
            b["value"] = hi
        elif slot in _AMONG:
            b[slot], which = rng.choice(vocab[slot])
            numbers = _amounts(b, rng, vocab)
            b["value"] = sum(-numbers[w[1]] if w[0] == "-" else numbers[w[-1]]
                             for w in re.findall(r"[+-]?\w", which))  # fmt: skip
        elif slot in ("m", "o", "f"):
            _amounts(b, rng, vocab)
        elif slot in ("unit", "unit_apart"):
            b[slot] = rng.choice(vocab[slot])
            b.setdefault("cur", rng.choice(vocab["cur"]))
            n, p = rng.choice([2, 3, 4, 5]), rng.choice([6, 8, 12, 15, 20, 25])
            b["n"], b["p"] = str(n), f"{b['cur']}{p}"
            b["value"] = n * p
        elif slot in ("problem", "problem_neg", "closure_why", "complaint"):
            b[slot], b["reason"] = rng.choice(vocab[slot])
        elif slot == "a_options":
            order = b.get("order")  # the agent paraphrased: the options in the same order
            options = [o for o in vocab[slot] if order is None or o[1:] == order]
            b[slot], *chosen = rng.choice(options)
            b["order"] = tuple(chosen)
            if "pick" not in b:
                pick = rng.choice(["pick_first", "pick_second"])
                b["pick"] = rng.choice(vocab[pick])
                b["picked"] = chosen[0] if pick == "pick_first" else chosen[1]
        elif slot in ("cur_word",):
            b[slot] = _CUR_WORD[b.setdefault("cur", rng.choice(vocab["cur"]))]
        else:
            b[slot] = rng.choice(vocab[slot])
        pending[:0] = _SLOT.findall(str(b[slot]))
    return b


def _amounts(b: dict[str, Any], rng: random.Random, vocab: Mapping[str, list[Any]]) -> dict[str, int]:  # fmt: skip
    """The amounts {m} (asked), {o} (another, larger) and {f} (a fee), drawn once per case and
    said in its currency."""
    if "m" not in b:
        cur = b.setdefault("cur", rng.choice(vocab["cur"]))
        m = rng.choice(vocab["money"])
        drawn = {"m": m, "o": m + rng.choice([10, 15, 20, 25]), "f": rng.choice(vocab["fee"])}
        b.update({k: f"{cur}{v}" for k, v in drawn.items()})
    return {k: int(str(b[k]).lstrip("$£€")) for k in ("m", "o", "f")}


def _money(said: str, form: str, cur: str) -> str:
    if form == "{cur}":
        return f"{cur}{said}"
    if form == "{cur_word}":
        return f"{said} {_CUR_WORD[cur]}"
    return said


def render(t: Template, b: Mapping[str, Any]) -> tuple[str, ...]:
    def fill(text: str) -> str:
        for _ in range(4):  # fillers hold slots of their own ("{name}", "{day}")
            text = _SLOT.sub(lambda m: str(b[m.group(1)]), text)
        return text

    return tuple(fill(s) for s in t.said)


# ---------------------------------------------------------------- perturbations (INV)

# Words a typo is never put into: those the reading turns on.
_KEY = re.compile(
    r"(?i)^(?:refund\w*|money|back|close\w*|account|cancel\w*|never|not|no|nope|don't|dont|"
    r"want\w*|need\w*|like|if|should|would|could|yes|yeah|first|second|latter|option|keep|"
    r"mind|forget|rather|charge\w*|reverse\w*|credit\w*|reimburs\w*|owed|paid|returned|"
    r"transfer\w*|escalat\w*|connect\w*|call\w*|ring|booked|fixed|sorted|working|works|"
    r"afraid|unable|nothing|useless|hung|disconnected|dead|wife|husband|\W*\d.*)$"
)
_EXPAND = {"it's been": "it has been", "i'd": "I would", "i'm": "I am", "don't": "do not", "it's": "it is",
           "i'll": "I will", "can't": "cannot", "isn't": "is not", "that's": "that is",
           "won't": "will not", "i've": "I have", "doesn't": "does not", "hasn't": "has not",
           "you're": "you are", "there's": "there is", "we're": "we are"}  # fmt: skip
_CONTRACT = {"i would": "I'd", "i am": "I'm", "do not": "don't", "it is": "it's",
             "i will": "I'll", "is not": "isn't", "that is": "that's"}  # fmt: skip


def _customer(said: tuple[str, ...], change: Callable[[str], str]) -> tuple[str, ...]:
    return tuple(f"c: {change(s[2:].strip())}" if s.startswith("c:") else s for s in said)


# a number word or amount: a filler never goes between two of them ("seventy, um, five")
_NUMERIC = re.compile(
    r"(?i)^[$£€]?\d|^(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|and|thousand|pounds|"
    r"dollars|euros|quid|bucks|cents|pence)\W*$"
)


def _fillers(rng: random.Random, vocab: Mapping[str, list[Any]]) -> Callable[[str], str]:
    def change(text: str) -> str:
        words = text.split(" ")
        able = [i for i in range(len(words))
                if not (i and _NUMERIC.match(words[i - 1]) and _NUMERIC.match(words[i]))]  # fmt: skip
        at = rng.choice(able)
        return " ".join([*words[:at], rng.choice(vocab["fill"]) + ",", *words[at:]])

    return change


def _asr(text: str) -> str:
    return re.sub(r"[^\w\s$£€.]|(?<!\d)\.|\.(?!\d)", "", text).lower()


def _contractions(text: str) -> str:
    low = text
    for a, b in _EXPAND.items():
        low = re.sub(rf"(?i)\b{re.escape(a)}\b", b, low)
    if low != text:
        return low
    for a, b in _CONTRACT.items():
        low = re.sub(rf"(?i)\b{a}\b", b, low)
    return low


def _keys(b: Mapping[str, Any]) -> frozenset[str]:
    """The words of the fillers that carry what is tested: no typo goes into them."""
    return frozenset(
        w.strip(".,?!:").lower()
        for slot, value in b.items()
        if slot not in TYPO_FREE and not slot.startswith("a_")
        for w in str(value).split()
    )


def _typo(rng: random.Random, keys: frozenset[str]) -> Callable[[str], str]:
    def change(text: str) -> str:
        words = text.split(" ")
        able = [i for i, w in enumerate(words) if len(w.strip(".,?!:")) >= 5
                and not _KEY.match(w.strip(".,?!:")) and w.strip(".,?!:").lower() not in keys]  # fmt: skip
        if not able:
            return text
        i = rng.choice(able)
        w = words[i]
        j = rng.randrange(1, len(w.strip(".,?!")) - 1)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        return " ".join(words)

    return change


def _polite(rng: random.Random, vocab: Mapping[str, list[Any]]) -> Callable[[str], str]:
    def change(text: str) -> str:
        wrapper = rng.choice(vocab["polite"])
        inner = text if wrapper.startswith("{x}") else text[:1].lower() + text[1:]
        return wrapper.replace("{x}", inner)

    return change


def _last_customer(said: tuple[str, ...], change: Callable[[str], str]) -> tuple[str, ...]:
    last = max(i for i, s in enumerate(said) if s.startswith("c:"))
    return tuple(f"c: {change(s[2:].strip())}" if i == last else s for i, s in enumerate(said))


def _smalltalk(said: tuple[str, ...], rng: random.Random,
               vocab: Mapping[str, list[Any]]) -> tuple[str, ...]:  # fmt: skip
    first = min(i for i, s in enumerate(said) if s.startswith("c:"))
    talk = rng.choice(vocab["smalltalk"])
    return tuple(f"c: {talk} {s[2:].strip()}" if i == first else s for i, s in enumerate(said))


PERTURBATIONS = ("fillers", "asr", "contractions", "typo", "swap", "polite", "smalltalk", "agent")


def perturb(kind: str, t: Template, b: Mapping[str, Any], said: tuple[str, ...],
            rng: random.Random, vocab: Mapping[str, list[Any]]) -> tuple[str, ...] | None:  # fmt: skip
    """``said`` changed in a way that must not change its reading; None when it cannot be."""
    if kind == "fillers":
        return _customer(said, _fillers(rng, vocab))
    if kind == "asr":
        return _customer(said, _asr)
    if kind == "contractions":
        return _customer(said, _contractions)
    if kind == "typo":
        return _customer(said, _typo(rng, _keys(b)))
    if kind == "polite":
        slot = t.key or ("amt_ask" if "amt_ask" in b else None)
        if slot is None:
            return None
        return render(t, dict(b, **{slot: _polite(rng, vocab)(str(b[slot]))}))
    if kind == "smalltalk":
        return _smalltalk(said, rng, vocab)
    keep = (lambda s: s not in INCIDENTAL) if kind == "swap" else (lambda s: not s.startswith("a_"))
    fixed = {k: v for k, v in b.items() if keep(k)}
    if kind == "swap" and "cur" in b and t.capability.startswith("amount"):
        fixed = {k: v for k, v in b.items() if k not in INCIDENTAL}
        return _rebound(t, fixed, b, rng, vocab)
    return render(t, _bind(t, vocab, rng, fixed))


def _rebound(t: Template, fixed: dict[str, Any], b: Mapping[str, Any], rng: random.Random,
             vocab: Mapping[str, list[Any]]) -> tuple[str, ...]:  # fmt: skip
    """An amount case with another currency: the same numbers, said in it."""
    other = rng.choice([c for c in vocab["cur"] if c != b["cur"]])
    swapped = {k: _swap_currency(v, b["cur"], other) if isinstance(v, str) else v
               for k, v in fixed.items()}  # fmt: skip
    swapped["cur"] = other
    return render(t, _bind(t, vocab, rng, swapped))


def _swap_currency(text: str, was: str, now: str) -> str:
    return text.replace(was, now).replace(_CUR_WORD[was], _CUR_WORD[now])


# ---------------------------------------------------------------- directional changes (DIR)


def _third(ask: str, relation: str) -> str | None:
    """A first-person ask said as someone else's wish ("I want" -> "my wife wants")."""
    for mine, theirs in ((r"^I want\b", "wants"), (r"^I'd like\b", "would like"),
                         (r"^I need\b", "needs"), (r"^I'm asking for\b", "is asking for")):  # fmt: skip
        if re.match(mine, ask):
            return re.sub(mine, f"My {relation} {theirs}", ask).replace(" my ", " their ")
    return None


def direct(kind: str, t: Template, b: Mapping[str, Any], said: tuple[str, ...],
           rng: random.Random, vocab: Mapping[str, list[Any]]) -> tuple[tuple[str, ...], Check] | None:  # fmt: skip
    """``said`` changed so that its reading must move, and how; None when it cannot be."""
    cap = t.capability
    read = closure_ok if cap.startswith("closure") else refund_ok
    if kind == "never_mind":
        tail = rng.choice(["Actually, never mind, forget it.", "Actually no, leave it.",
                           "On second thoughts, don't bother.", "Wait, no, forget that."])  # fmt: skip
        return (*said, "a: {}".format(rng.choice(vocab["a_ack"])), f"c: {tail}"), is_(read, False)
    if kind == "if" and t.key:
        cond = rng.choice(vocab["cond"]).replace("{day}", rng.choice(vocab["day"]))
        ask = str(b[t.key])
        changed = dict(b, **{t.key: f"{cond[:1].upper()}{cond[1:]} {ask[:1].lower()}{ask[1:]}"})
        return render(t, changed), is_(read, False)
    if kind == "third_party" and t.key:
        third = _third(str(b[t.key]), rng.choice(vocab["relation"]))
        if third is None:
            return None
        return render(t, dict(b, **{t.key: third})), is_(read, False)
    if kind == "no":
        return render(t, dict(b, yes=rng.choice(vocab["brush_off"]))), is_(read, False)
    if kind == "takes_it":
        back = rng.choice(["Actually, you know what, I will take the refund after all.",
                           "On second thoughts, yes, refund it please.",
                           "Actually, I've changed my mind, I'd like the refund."])  # fmt: skip
        return (*said, "a: {}".format(rng.choice(vocab["a_ack"])), f"c: {back}"), is_(read, True)
    if kind == "correct":
        lower = Decimal(str(b["value"])) - rng.choice([5, 10])
        if lower <= 0:
            return None
        fix = f"{b['cur']}{lower}" if "cur" in b else str(lower)
        return _last_customer(said, lambda s: f"{s} Sorry, I mean {fix}."), is_(asked_amount, lower)
    if kind == "negate":
        reason = b["reason"]
        neg = rng.choice(vocab["problem_neg"])
        if neg[1] is not reason:
            return None
        return render(t, dict(b, problem=neg[0])), lacks(reasons, reason)
    if kind == "and_close":
        more = rng.choice(["And close my account too, while you're at it.",
                           "Then I want the whole account closed as well."])  # fmt: skip
        return _last_customer(said, lambda s: f"{s} {more}"), is_(closure_ok, True)
    if kind == "still_broken":
        more = rng.choice(["Hang on, no, it's still not working.",
                           "Oh wait, it's still doing the same thing."])  # fmt: skip
        return _last_customer(said, lambda s: more), lambda u, _: outcome(u) is not Outcome.RESOLVED
    if kind == "refuse_transfer":
        more = rng.choice(["No, don't transfer me, I'll sort it myself.",
                           "No thanks, I don't want to be passed around, forget it."])  # fmt: skip
        return (_last_customer(said, lambda s: more),
                lambda u, _: outcome(u) is not Outcome.ESCALATED)  # fmt: skip
    return None


DIRECTIONS = ("never_mind", "if", "third_party", "no", "takes_it", "correct", "negate",
              "and_close", "still_broken", "refuse_transfer")  # fmt: skip


# ---------------------------------------------------------------- the suite


def generate(split: str) -> list[Case]:
    """Every case of one split, the same on every run."""
    rng = random.Random(SEEDS[split])
    vocab = VOCAB[split]
    cases: list[Case] = []
    for t in TEMPLATES:
        seen: set[tuple[str, ...]] = set()
        for _ in range(PER_TEMPLATE * 4):
            if len(seen) >= PER_TEMPLATE:
                break
            b = _bind(t, vocab, rng)
            said = render(t, b)
            if said in seen:
                continue
            seen.add(said)
            check = t.check(b)
            cases.append(Case(t.capability, "MFT", t.name, said, check))
            for kind in PERTURBATIONS:
                if kind in t.invs:
                    continue
                changed = perturb(kind, t, b, said, rng, vocab)
                if changed is not None and changed != said:
                    cases.append(Case(t.capability, "INV", kind, changed, _both(check), said))
            for kind in t.dirs:
                moved = direct(kind, t, b, said, rng, vocab)
                if moved is not None:
                    cases.append(Case(t.capability, "DIR", kind, moved[0], moved[1]))
    return cases


def _both(check: Check) -> Check:
    """INV: a perturbation fails when it breaks a reading that was right unperturbed."""
    return lambda u, base: check(u, None) or (base is not None and not check(base, None))


def run(cases: Sequence[Case], read: Callable[[Sequence[Turn]], Understanding]) -> list[tuple[Case, bool]]:  # fmt: skip
    """Each case and whether it passed."""
    readings: dict[tuple[str, ...], Understanding] = {}

    def reading(said: tuple[str, ...]) -> Understanding:
        if said not in readings:
            readings[said] = read(turns(said))
        return readings[said]

    return [
        (
            case,
            bool(case.check(reading(case.said), None if case.base is None else reading(case.base))),
        )
        for case in cases
    ]


def table(results: Sequence[tuple[Case, bool]]) -> dict[str, dict[str, list[int]]]:
    """capability: test type: [cases, failures]."""
    out: dict[str, dict[str, list[int]]] = {}
    for case, ok in results:
        cell = out.setdefault(case.capability, {}).setdefault(case.test, [0, 0])
        cell[0] += 1
        cell[1] += not ok
    return out
