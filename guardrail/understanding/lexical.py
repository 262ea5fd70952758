"""The ``lexical`` backend: deterministic, in-process, a few milliseconds a conversation.

Phrase knowledge is data (``lexicon/*.yaml``), its patterns built from meaning classes of words
(``words.yaml``); this module is the reading. Each customer sentence is cut into sub-clauses;
every ask phrase found gets its status from its scopes (a negation before it or after it in its
sub-clause; a third party from the clause naming them until the customer speaks for themself;
a condition in its sentence, a threatened alternative only after it; a question, unless it
chases what was promised); retraction and correction sentences change the last ask; an agent's
offer takes the customer's next answer. Per ask kind, events are folded in order: the last word
of the customer stands.

Confidence is calibrated (guardrail.understanding.calibration): an ask's is the reliability of
the phrase that found it times that of the status read; an amount's says whether it was named
in the asking clause (sure) or only elsewhere (what was paid: not sure), and an amount said
ambiguously keeps every plausible reading. A reading that fails towards "no" is sure only when
both are; anything weaker is "cannot tell" for the rules.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml
from text_to_num import text2num  # type: ignore[import-untyped]

from guardrail.context.model import Turn
from guardrail.understanding.dates import dates_in
from guardrail.understanding.model import (
    SURE,
    Ask,
    AskKind,
    AskStatus,
    Evidence,
    Fact,
    FactKind,
    Issue,
    Outcome,
    OutcomeReading,
    Reason,
    Sensitive,
    SensitiveKind,
    Understanding,
    UnderWay,
    unread,
)
from guardrail.understanding.numbers import (
    PER_UNIT,
    Money,
    bare_amounts,
    card_number,
    money_in,
    plain,
    products,
    said_numbers,
    sensitive_digits,
    share,
    share_of,
    together,
)
from guardrail.understanding.speakers import interpreted, relayed, speakers, unlabelled
from guardrail.understanding.text import Clause, Sentence, clean, sentences

_MACROS = {
    "{it}": r"(?:it|that|this|them|those|the money|the charge|the payment|the cash|the amount)",
    "{me}": r"(?:me|us)",
    "{my}": r"(?:my|our|the|me|your)",
    # not said of someone else's doing ("she'll pay me back", "he will give it back")
    "{not_them}": "".join(
        rf"(?<!\b{who}{will} )"
        for who in ("she", "he", "they")
        for will in ("", "'ll", " will", " can", " would", " 'd", "'d", " should")
    ),
    "{money}": r"(?:(?:[$€£]\s?\d[\d,.]*|\d[\d,.]*(?:\s?(?:dollars?|bucks|quid|pounds?|euros?))?"
    r"(?: (?:and )?\d{1,2}(?: cents?| pence| p)?)?|(?:a )?(?:fiver|tenner))"
    r"(?: ?ish| odd| or so| and change| and a bit)?)",
}
# Kinds whose asks carry an amount worth reading.
_MONEY_KINDS = frozenset({AskKind.REFUND})
# Ways of leaving: a closure answers a wish to cancel everything.
_LEAVING = frozenset({AskKind.CANCELLATION, AskKind.ACCOUNT_CLOSURE})
# Asks whose reason the rules read: why the money is due, why the customer is leaving.
_REASONED = frozenset({AskKind.REFUND, AskKind.ACCOUNT_CLOSURE})
_ISSUE_NEGATION = re.compile(
    r"\b(?:not|isn't|wasn't|aren't|weren't|never|no|nothing|hasn't been|wasn't even)\s+(?:\w+\s+)?$"
    # "not a bag torn", "not one cup broken", "not one of them chipped"
    r"|\b(?:not|nor) (?:a|one|a single)(?: \w+| of (?:them|those|these|the \w+))\s+$"
    # "he's never once been late"
    r"|\bnever (?:once|ever|yet) (?:been|was|were|come|came|arrived) $"
)
# Below this, a problem's word is too vague to stand against the customer's denial of it.
_VAGUE = 0.5
# The problems of one thing among several, and the thing a denial names ("the box wasn't
# damaged", "the other glasses weren't broken").
_OF_ONE_THING = frozenset({Reason.DAMAGED, Reason.WRONG_ITEM})
_DENIED_OF = re.compile(r"\b(?:the|my|this|that|these|those|your|our|his|her|their) (\w+)")
# A customer correcting themself ("it was late... well, no, sorry, it wasn't late", "oh wait
# my bad, it came on time", "you're right, it came Wednesday", "ok honestly it's not broken");
# not sorry for something ("I'm sorry for his van but...").
_CORRECTING = re.compile(
    r"\b(?:no|nah|nope|sorry(?! (?:for|about|to|that)\b)|actually|wait|my bad|my mistake|"
    r"i mean|scratch that|correction|honestly|to be honest|you're right|you are right|"
    r"that's right|i was wrong|i'm wrong|"
    r"muddled|mixed up|confused|getting confused)\b"
)
# A bare no right before a phrase (the answer to a question, "no, it's not the price").
_AGREEING_NO = re.compile(r"\b(?:no|nah|nope)\W+$")
# What was meant or paid for, said before a phrase that denies the problem ("we paid to have them
# there on time", "it was supposed to arrive early", "so it would be here on time"), or bidden
# for others ("make sure the next family gets theirs on time"): an aim or a promise, not what
# happened, so no denial.
_AIMED = re.compile(
    r"\b(?:to|would|could|should|must|will|'d|'ll)\s+(?:have|get|be|arrive|come|reach|land|"
    r"turn up|show up|deliver)\b(?:\s+\S+){0,3}?\s*$"
    r"|\b(?:make sure|makes sure|ensure|see to it|see that)\b(?:\s+\S+){0,6}?\s*$"
)
# A problem denied after it is named ("a dent that doesn't exist", "damage that isn't even
# there", "a fault that was never there"): a past one only where nothing says since when ("a
# scratch that wasn't there before" is new damage); or said to have been there all along ("the
# scratch was already there"): none the customer caused or was sold.
_DENIED_AFTER = re.compile(
    r"\s+(?:was|were|had been|has been)\s+(?:already|always)\s+there\b"
    r"|(?:\s+\S+){0,4}?\s+(?:that|which|who)\s+(?:(?:doesn't|does not|don't|do not|isn't|is not|"
    r"aren't|are not|never)\s+(?:even\s+|actually\s+|really\s+)?(?:exist|exists|there|real)\b|"
    r"(?:never existed|never happened|wasn't there|was not there|was never there|weren't there|"
    r"were never there|didn't happen|did not happen|i didn't do|i did not do|i never did|i didn't"
    r" cause|i did not cause|i never caused)(?=\s*$|\s*[,.;!?]|\s+(?:and|but|so|yet)\b))"
)
# Wanting none of it, said inside the ask's own words ("I want no money back").
_WANT_NONE = re.compile(
    r"\b(?:want|wants|wanting|need|needs|needing|expect|expecting|after)\s+(?:no|none of|nothing)\b"
)
_NEGATOR = re.compile(r"\b(?:not|no|never|nothing|nobody|noone)\b|n't\b")
# Asking for a thing not to be done, just before it ("don't transfer me", "no need to call me",
# "you don't need to call me back").
_DONT = re.compile(
    r"\b(?:don't|do not|please don't|won't|no need to|never)\s+(?:(?:need|have) to\s+|\w+\s+)?$"
)
# Damage said of a person, not of the thing bought ("I'm a broke student", "my brain is
# fried", "I about fell off my chair"): the customer themself, a body part, a pet or a
# relative as the subject of a state ("is", "are") or, for the customer, of a verb.
_PERSONAL = re.compile(
    r"(?:\b(?:i|we)(?:'m|'re| am| are| was| were| feel| felt| looked| look)?"
    r"|\bmy (?:brain|head|back|knees?|feet|legs?|nerves|mind|heart|eyes)"
    r"(?: is| are|'s| was| were| feels| felt)"
    r"|\b(?:the|my|our) (?:dogs?|cats?|kids?|children|boys|girls|husband|wife|son|daughter|"
    r"family|students?)(?: is| are|'s| was| were| got| get))"
    r"(?: (?:so|just|totally|completely|really|absolutely|a bit|pretty|about|nearly|almost|"
    r"practically|a|an|flat|stony|utterly|feeling|all))*\s+$"
)
# The agent declining to do it ("I'm afraid we can't refund the delivery").
_REFUSING = re.compile(
    r"\b(?:can't|cannot|can not|won't|will not|unable to|not able to|don't|do not|not)"
    r"\s+(?:\w+\s+){0,2}$"
)
_PAUSE = re.compile(r"(?<=\d)\s*(?:\.{2,}|\u2026|-{2,}|\u2014)\s*(?=\d)")  # "4... 1"
_AND = re.compile(r"\b(?:and|plus|also|as well as|on top of)\b")
_BARE_YES = re.compile(r"(?:ok|okay|right|yes|yeah|yep|sure|alright|fine|mm|hmm)\W*")
# A deed that is not giving money ("put me back on", "move me to", "switch to"): a number after
# it is a plan, a speed, a date, not a sum.
_OTHER_DEED = re.compile(
    r"\b(?:put|move|switch|swap|change|upgrade|downgrade|set|keep|leave) (?:me|us|it|the \w+)? ?"
    r"(?:back )?(?:on|onto|to|at)\b"
)
# The agent asking the customer's leave for what it proposes ("if that's okay with you").
_CONSENT = re.compile(
    r"\bif (?:that's|that is|it's|it is|that'd be|that would be) (?:ok|okay|alright|all right|fine)"
    r"|\bif that (?:works|suits)\b"
)
# A price asked after ("the quote, is that still three-fifty?"): information sought, not a sum.
_PRICE_ASKED = re.compile(r"\b(?:is|was|isn't|wasn't) (?:that|it|this)(?: still| now| right)? $")
# A price per thing: the amount said is not surely the total asked.
_PER_UNIT = re.compile(rf"\b{PER_UNIT}\b")
# Keeping it said to be pointless or not wanted ("no point keeping it open", "I don't want to
# keep it"): no keeping.
_NOT_KEEPING = re.compile(
    r"(?:\b(?:don't|do not|not|never|no longer|won't|will not)\s+(?:\w+\s+){0,3}"
    r"|\b(?:no (?:point|reason|use|sense|need)|pointless|not worth)\b(?:\s+\w+)?\s*)$"
)
_THANKS = re.compile(r"(?:thanks|thank you|cheers|ta)\b")
# A request, not a no ("why don't you just refund me", "can you not just close it?")
# Words the customer addresses to the agent: a request of their own, whoever spoke before,
# unless it is for someone else's thing ("can you close his account").
_ADDRESSED = re.compile(r"\b(?:please|can i|could i|may i|can you|could you|would you)\b")
_THEIRS = re.compile(r"\b(?:his|her|hers|their|theirs|him|them)\b")
# The customer joining another's wish as their own ("my wife wants it closed and so do I").
_JOINS = re.compile(
    r"\b(?:so do i|so do we|as do i|me too|i do too|i do as well|we both|both of us)\b"
    r"|\band me\s*(?:[,.!;]|$)"
)
# The customer fixed it themself ("oh wait, I've fixed it"): no transfer or callback needed.
_SELF_FIXED = re.compile(
    r"\bi(?:'ve| have)? (?:just )?(?:found|fixed|sorted|solved) (?:it|the problem|the issue)\b"
    r"(?! (?:hard|difficult|odd|strange))"
)
# A bare "no" opening an answer ("no, that's all"), which answers only the question just asked.
_BARE_NO = re.compile(r"^(?:no|nah|nope|nothing)\b[\s,.!]*(?:thanks?(?: you)?\b[\s,.!]*)?")
# A bare pick of one thing ("the money", "the new one please", "a replacement then").
_BARE_PICK = re.compile(r"(?:the|a|an) (?:\w+ ){0,2}?\w+(?:,? (?:please|then|thanks|ta))?")
# "If I could get ...", said as a wish when the sentence welcomes it ("..., that'd be good").
_IF_I_COULD = re.compile(
    r"\bif (?=(?:i|we) could (?:just |possibly |please |maybe )?(?:get|have|be given|receive|"
    r"be refunded)\b)"
)
_WELCOME = re.compile(
    r"\b(?:that'd|that would|it'd|it would|that'll|that will) (?:really |sure |certainly )?be "
    r"(?:good|great|lovely|nice|grand|ideal|brilliant|perfect|helpful|appreciated|fab|fantastic|"
    r"super|awesome|wonderful|champion|ace|swell|fine|dandy)\b"
)
# Backing out once told what it brings ("oh no, then don't", "in that case skip it").
_BACK_OUT = re.compile(
    r"\b(?:then|in that case|if so|if that's the case)[, ]+(?:don't|do not|leave it|forget it|"
    r"skip it|no|nah|not|never ?mind|scrap it|i'll pass|no thanks)\b"
    r"|\b(?:don't|leave it|skip it|forget it) then\b"
    # leaving things as they are, or waiting the cost out ("I'll leave it and do it in July",
    # "I'll ride out the four months", "not paying that")
    r"|\b(?:i'll|i will|i think i'll|i'd rather|we'll) (?:just )?(?:leave it|wait|hold off|"
    r"stay put|stick with it|ride (?:it |(?:\w+ ){1,3})?out)\b"
    r"|^(?:(?:ok|okay|right|fine|well)[, ]+)?leave it\b"
    r"|\b(?:i'm |i am )?not (?:paying|going to pay) (?:that|it|this|for|[$€£]?\d)"
    r"|^(?:oh|ah|ugh|hmm|um|uh|wait|whoa|woah)[, ]+(?:no|nah|nope|hell no)\b"
)
_DESIRE = re.compile(
    r"\b(?:i|we) (?:really |just )?(?:want|need|would like|'d like|wanna)(?: to)?(?: \w+){0,2} ?$"
)
_HOW_NEXT = re.compile(
    r"\b(?:how (?:long|soon|much|do|does|will|can)|what (?:happens|do i|now|next|is the)"
    r"|when (?:will|can|do|does)|is (?:there|that|it) (?:a|any|possible|ok)|do i (?:need|have))\b"
)
_WHY_NOT = re.compile(
    r"\bwhy (?:not|don't you|can't you|won't you)\b"
    r"|\b(?:can|could|would) (?:you|ye|ya) (?:not|no)\b"  # "could ye no just put it back"
)
# A "no" just after a phrase cut off at its possessive ("I want to suspend my- no, close it"):
# a false start repaired, not a negation of what follows.
_CUT_OFF_NO = re.compile(r"\b(?:my|our|your|his|her|their)\s+no\s+$")
_INTERROGATIVE = re.compile(r"(?:do|does|did|is|are|have|has|what|how|when|why|where|which)\b")
_ADDING = re.compile(r"\b(?:also|as well|too|another|plus|on top|other)\b")
# "the other ..." said of what the customer used, kept or found fine ("I did use the other
# five", "the other two were fine"): what is not asked, so nothing added to the ask.
_OTHER_KEPT = re.compile(
    r"\b(?:used?|using|kept|keep(?:ing)?|had|have|enjoyed|received|got|wore|ate|watched|"
    r"attended|took|made)\s+(?:\w+\s+)?(?:the|my)\s+other\b"
    r"|\bthe other\s+(?:\w+\s+){0,2}(?:was|were|is|are)\s+(?:\w+\s+)?(?:fine|ok|okay|good|great)\b"
)
# Things that stand in for each other: the customer settles on one of them (the money back or
# a new one; leaving or a cheaper plan).
_INSTEAD_OF = (
    (AskKind.REFUND, AskKind.REPLACEMENT),
    (AskKind.ACCOUNT_CLOSURE, AskKind.PLAN_CHANGE),
    (AskKind.CANCELLATION, AskKind.PLAN_CHANGE),
)
# How the thing goes, said after it ("I wasn't expecting the refund to take this long"): the
# no is to that, not to the thing.
_HOW_IT_GOES = re.compile(
    r"\s+(?:to|would|will) (?:take|be|arrive|come|go through|show|reach|clear|land|bounce)\b"
)
# The choice left to the other ("whichever you'd like", "either is fine", "up to you").
_LEFT_TO_THEM = re.compile(
    r"\b(?:whichever|whatever|which ever|either|up to you|your call|(?:don't|do not) mind)\b"
)
# One amount said to be each thing's ("both 59.99", "39 each", "at 12 apiece"), in the sentence
# that says it (not "that comes to 10.78. Shall I refund both?").
_EACH = re.compile(r"\b(?:both|each|apiece|per (?:item|unit|one|piece|night|ticket))\b")
_BOTH = re.compile(r"\b(?:also|as well|too|plus|on top|both)\b")
# An ask pointing at every one of the things priced before it, by their count ("for both of
# those", "all three", "those two back").
_EVERY_ONE = re.compile(
    r"\b(?:both(?: of (?:them|those|these|the \w+))?|(?:all|those|these|the|all of the) "
    r"(?P<n>two|three|four|2|3|4)(?: of (?:them|those|these))?)\b(?! (?:days?|weeks?|months?))"
)
# Between a part and the whole it is of ("thirty of the sixty", "20 out of that 45").
_OF_WHOLE = re.compile(r"\s+(?:out )?of (?:the|that|this|my|your|our|the full|the whole) ")
# A price said of what holds the things priced ("in my $64 box", "out of the 80 order"): the
# holder named right after it. Only where a count points at fewer things than were priced.
_HOLDER = re.compile(
    r"\s+(?:\w+\s+)?(?:box|order|basket|hamper|parcel|package|delivery|bundle|kit|bag|"
    r"shop|bill|invoice|total)\b"
)
_COUNTS = {"both": 2, "two": 2, "2": 2, "three": 3, "3": 3, "four": 4, "4": 4}
# A turn said as a change of mind ("no, you know what, the exchange").
_CHANGE_OF_MIND = re.compile(
    r"\b(?:no|nah|actually|instead|rather|you know what|changed? my mind|on second thoughts?|"
    r"better|prefer|final|decided)\b"
)
# A self-repair before an amount said again: how speakers mark that what they just said was
# wrong: a no ("no, 30", "not 40, 30"), an apology ("sorry", "oops", "my bad"), a halt ("wait",
# "hang on", "scratch that"), a restating ("I mean", "or rather", "make that", "correction",
# "should be", "I misspoke").
_SELF_CORRECTION = re.compile(
    r"\b(?:no|nope|nah|not|sorry|apologies|pardon|oops|whoops|my bad|my mistake|i mean|i meant|"
    r"meant to say|what i meant|i misspoke|mis ?spoke|actually|wait|hang on|hold on|hold up|"
    r"one sec(?:ond)?|make (?:it|that)|rather|correction|scratch that|strike that|"
    r"should(?: have)? (?:be|been|say|said|read)|let me (?:correct|rephrase)|"
    r"did i say|i said (?:that )?wrong|got (?:that|it) wrong|wrong (?:amount|number|figure))\b"
)
# Money itself turned down ("I don't want money", "not after any cash"): the no is to the sum.
_MONEY_REFUSED = re.compile(
    r"\b(?:don't|do not|didn't|did not|not|never) (?:really |even )?(?:want|need|after|asking for|"
    r"looking for|bothered about) (?:the |any |your |a )?(?:money|cash|refund|dosh)\b"
)
# The ask made to hang on the customer's own choice, said just after it ("could I get a refund
# on it, if I wanted to?", "a refund, were I to send it back"): whether it could be, not a wish.
_IF_I_CHOSE = re.compile(
    r"^\W*(?:\w+\W+){0,4}?(?:if (?:i|we) (?:wanted|decided|chose|were to|was to|went ahead)|"
    r"were (?:i|we) to|should (?:i|we) (?:want|decide|choose))\b"
)
# A "not" right before an amount ("40 back, not 20"): that amount is the one taken back.
_NOT_AFTER = re.compile(r"\bnot\W*$")
# A sentence that is nothing but a self-repair ("I'd like $40 back - sorry - $30"): it marks the
# amount said next.
_REPAIR_ALONE = re.compile(rf"^(?:(?:{_SELF_CORRECTION.pattern})[\s,.!-]*)+$")
# A sum said as a sentence of its own, at most with a please or a sorry ("Twenty-one, please.",
# "Thirty-four, sorry.", "29.97"): the speaker naming the amount they mean.
_SUM_ALONE_BEFORE = re.compile(r"^(?:(?:so|just|only|um|uh|er)\W+)*$")
_SUM_ALONE_AFTER = re.compile(
    r"\W*(?:(?:please|pls|sorry|thanks|thank you|ta|then|total|in total|altogether)\W*)*$"
)
# A later amount settled on ("fifty quid back, well 20 pounds would do").
_SETTLES = re.compile(
    r"\s*(?:\w+\s+){0,2}?(?:would do|will do|is fine|is enough|is ok|is okay|would be fine|"
    r"would be ok|would be okay|is plenty|would be plenty)\b"
)
# A quotation in a turn: opened after a space or colon, closed before a space, stop or the end.
_QUOTE = re.compile(
    r"(?:(?<=[\s:,])|^)[\"\u201c\u2018'][^\"\u201c\u201d]{3,}?[\"\u201d\u2019'](?=[\s.,!?;]|$)"
)
# "the rest of the 130 visit is fine": the rest is settled as it stands, not the amount asked.
_REST = re.compile(
    r"\b(?:the rest|rest|remainder|everything else|the others?)(?: of)?"
    r"(?: (?:the|my|it|that|this))?\s*$"
)
# The words of an aside besides its amount ("29.49 I think", "the 29.49"): a few at most.
_ASIDE_WORDS = re.compile(r"\b[a-z]+\b")
# An amount asked as what is left once something is taken off ("what I paid minus the
# delivery"), or as the gap between two amounts ("the difference", "the extra").
_LESS = re.compile(
    r"\b(?:minus|less|excluding|except(?: for)?|not counting|apart from|take away|taking off|"
    r"after (?:taking off|deducting)|deducting|but not)\s+(?:the |my |your |that )?(?P<what>[a-z]+)"
)
# A figure written with its cents ("2.50"): never hundreds, as "two fifty" may be.
_WRITTEN_CENTS = re.compile(r"\d+\.\d{2}")
_GAP = re.compile(r"\bthe (?:difference|excess|extra|overcharge|overpayment)\b")
# Letting an amount go ("never mind the 35", "forget the fiver", "keep the 35"): asking no more.
_DISMISS = re.compile(
    r"\b(?:never ?mind|forget(?: about)?|scratch|don't worry about|no need for|keep|skip|drop)"
    r"\s+(?:the |that |my |your )?$"
)
# A sum made little of ("it's only a tenner", "it's just five quid"): why it is let go.
_MADE_LITTLE_OF = re.compile(
    r"\b(?:(?:it's|its|it is|that's|thats|that is|it was) )?(?:only|just|merely) (?:a |an )?$"
)
# The sum itself refused ("I don't want your 5.99", "not after the twenty quid"): it lets the
# money go as surely, though only when every sum the sentence names is refused ("I don't want
# 20, I want 40" asks the 40).
_UNWANTED = re.compile(
    r"\b(?:(?:don't|do not|doesn't|does not|won't|will not|never) (?:want|need)|not (?:after|"
    r"interested in|bothered about))\s+(?:the |that |my |your |this |any )?$"
)
# A clause of politeness alone.
_COURTESY = re.compile(r"(?:please|thanks|thank you|cheers|ta|if you can|if possible|if you could)")
# What an agent's question may name for the answer to point back at.
_ASKED_THING = re.compile(
    r"\b(?:the|your|this) (?:\w+ )?(?:account|membership|subscription|contract)\b"
)
# Where an option the agent sets out starts ("the first option is", "second, we refund"); not a
# share ("a third is 70").
_OPTION_MARK = re.compile(
    r"\b(?<!\ba )(?<!\bone )(?<!\btwo )"
    r"(?:(?:the )?(?:first|second|third|1st|2nd|3rd)(?: option| choice| one)?(?: is| would be|,)"
    r"|(?:first|second|third)ly|option (?:one|two|three|1|2|3|a|b|c))\b"
    r"|\b(?:one|two|three|1|2|3)(?=[:)] )"
)
# Where the next of options said as alternatives starts ("refund the 4.50, or cancel and refund
# the 22", "either a refund or a new one"); not "or so", "or not", "or two", "or anything".
_OR_OPTION = re.compile(
    r",? \bor\b (?!so\b|not\b|two\b|three\b|more\b|less\b|anything\b|something\b|whatever\b)"
)
# An option that opens on a thing, not a deed ("or the 22 ticket", "or a twelve pound one"): the
# same deed as the option before it, on another thing.
_SAME_DEED = re.compile(r"^(?:the|a|an|my|your|that|this|those|these|just|only|[$£€]|\d)")
# The other of two things, said as a correction of the one the agent named ("no, the other",
# "no, the other one", "not that one, the other").
_THE_OTHER = re.compile(
    r"^(?:no|nah|nope|not that(?: one)?)\b[\s,.!-]*(?:it's |its |i mean |i meant )?the other"
    r"(?: one| thing| account| card| order)?\b"
)
# An option picked by what it costs ("the cheaper one", "whichever's less", "the full one").
_CHEAPER = re.compile(
    r"\b(?:cheaper|cheapest|smaller|smallest|lower|lowest|less expensive|least expensive|"
    r"little|littler|less|least)(?: one| option| amount| refund| of the two)?\b"
)
_DEARER = re.compile(
    r"\b(?:bigger|biggest|larger|largest|higher|highest|more expensive|most expensive|dearer|"
    r"full|fuller|whole|more|most)(?: one| option| amount| refund| of the two| thing)\b"
)
# So many of the things spoken of ("the one that's ripped", "those two", "the other three",
# "both", "the pair of them").
_COUNTED = re.compile(
    r"\b(?:those|these|the|all|my)(?: other)?\s+"
    r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b"
    r"|\b(?P<both>both|(?:the|a) pair of (?:them|those|these))\b"
)
# A thing named as an aside after the ask ("..., the account?").
_ASIDE_THING = re.compile(
    r"^(?:the|my|our|this) (?:\w+ )?(?:account|acct|membership|subscription|contract)(?: please)?$"
)
# A choice between things offered, by its place ("the second one", "the other option"), bare
# or as the object of a verb of choosing, whoever says it how ("I'll go with the first", "we'd
# rather have the latter", "can I pick the second"); never under a negation ("not the first").
_PLACE = re.compile(
    r"^(?:(?:(?!(?:not|no|never|don't|won't|wouldn't|can't|cannot|neither|nor)\b)[\w']+ ){0,4}?"
    r"(?:take|have|go for|go with|pick|choose|opt for|select|prefer|like|want|do|get|"
    r"settle on|settle for|stick with|stick to|vote for|fancy|rather) )?(?:the )?"
    r"(?:(?P<which>first|second|third|1st|2nd|3rd|last|latter|former|other)"
    r"|(?:number|option|choice) (?P<nth>one|two|three|1|2|3|a|b|c))\b"
    r"(?: one| option| choice| thing| of (?:those|them|the two|the three)| please| then| thanks"
    r"| sounds| works| is| would| will| for me| you (?:said|mentioned)|'s|\W*$|\s*[,.!?])"
)
# Where in the options a place names: from the first, or back from the last.
_AT = {
    **dict.fromkeys(("first", "1st", "former", "one", "1", "a"), 0),
    **dict.fromkeys(("second", "2nd", "two", "2", "b"), 1),
    **dict.fromkeys(("third", "3rd", "three", "3", "c"), 2),
    **dict.fromkeys(("last", "latter", "other"), -1),
}
# Lead-ins before a yes or a no ("then yes", "in that case no"), and a thank-you or an "oh no"
# said before it.
_LEAD_IN = re.compile(
    r"^(?:(?:oh(?! no\b)|ooh|ah+|ay+|aw+|wow|gosh|well|um+|uh+|erm|er|hmm+|mm+|honestly|"
    r"to be honest|tbh|look|listen|you know what|i mean|then|in that case|if so|so|right)\b"
    r"[\s,!.]*)+"
)
# A pause to check before answering ("hold on, let me see", "one sec. let me look"), a sentence
# of nothing else.
_HOLD_ON = re.compile(
    r"^(?:(?:hold on|hang on|wait|one (?:sec|second|moment|mo|minute)|just a (?:sec|second|"
    r"moment|mo|minute)|give me a (?:sec|second|moment|mo|minute)|let me(?: just)?(?: (?:see|"
    r"check|look|think|have a look|work it out))?)\b[\s,.!-]*)+$"
)
# The customer saying that what they wondered about is now asked ("then consider yourself
# asked", "well, I'm asking now", "take that as a request").
_ASKED_NOW = re.compile(
    r"\bconsider (?:yourself|yourselves|it|this|that) (?:asked|requested)\b"
    r"|\b(?:then|well|so|ok|okay|right)\W+i(?:'m| am) asking\b"
    r"(?! (?:about|if|whether|why|what|how)\b)"
    r"|\bi(?:'m| am) asking (?:you )?now\b"
    r"|\b(?:consider|take|treat) (?:it|this|that) as (?:a|my) (?:formal |proper )?(?:request|yes)\b"
    r"|\bthat(?:'s| is) me asking\b"
)
# What the customer only wondered about, which _ASKED_NOW makes asked.
_MUSED = (AskStatus.HYPOTHETICAL, AskStatus.QUESTION)
# A yes turned about into a bare no ("yeah - actually no", "ok. wait, no"); a "no need" after it
# may be about another thing ("yes. actually, no need": cannot tell); and a no turned about
# into a yes.
_TURNABOUT = re.compile(
    r"^(?:yes|yeah|yep|yup|ya|yea|sure|ok|okay|alright|fine)\b[\s,.!-]*"
    r"(?:actually|wait|hang on|hold on|on second thoughts?|hmm+|um+|erm)\b[\s,.!-]*"
    r"(?=(?:no|nah|nope)\b(?! need| problem| worries| rush| hurry))"
    # and a no turned about into a yes ("no, it's fine, I'll just... actually, you know what,
    # go on"; "nah - wait, go on then")
    r"|^(?:no|nah|nope)\b[^?!]{0,40}?\b(?:actually|wait|hang on|hold on|on second thoughts?|"
    r"you know what|come to think of it)\b[\s,.!-]*(?:(?:actually|(?:you know )?what)\b[\s,.!-]*)?"
    r"(?=(?:go on|go ahead|yes|yeah|yep|ok|okay|sure|why not|do it)\b)"
)
# What a yes's condition sets as its terms: how much ("the full 45", "all of it", "at least 30").
_TERMS = re.compile(
    r"\b(?:full|whole|all|entire|total|everything|the lot|at least|no less than|no more than|"
    r"more than|less than)\b"
)
_ONLY = re.compile(r"\b(?:only|but only|just)\s+$")
# A sum asked for with a please, or with where it goes ("seventy pounds, please", "76, to the
# card"); a deed of giving back pointing at a sum just said ("please return that").
_SUM_REQUEST = re.compile(r"\bplease\b|\b(?:to|on|onto) (?:the|my|same|the same) (?:\w+ )?card\b")
# A rule named by the deed it governs ("our refund window is 30 days", "the returns policy").
_RULE_NAMED = re.compile(
    r"(?:refunds?|returns?|cancellations?|closures?)\s+(?:window|policy|period|rules?|terms|"
    r"deadline|limit|time ?limit|timeframe)\b"
)
# The deed said after it not to be done or possible ("refunds aren't possible once...",
# "a refund isn't something we can do"): the rule or a refusal, no deed.
_RULED_OUT = re.compile(
    r"\W*(?:\w+\W+){0,2}?(?:aren't|are not|isn't|is not|can't|cannot|won't|will not|wasn't|"
    r"weren't|never) (?:\w+ )?(?:possible|available|allowed|permitted|an option|something (?:we|i)|"
    r"given|offered|done|issued|granted|be (?:given|offered|done|issued|granted|possible))\b"
)
# Money told of as already come back ("the deposit came back to my card"), not asked to come
# ("can that come back to my card?"): no ask now.
_CAME_BACK = re.compile(
    r"\b(?:came|went|arrived|landed|was put|were put|was paid|were paid|got paid|"
    r"was sent|were sent|(?:has|have|had) (?:already )?(?:come|gone))\s+(?:straight\s+)?$"
)
_PART_BACK = re.compile(
    r"\b(?:came|went|arrived|landed|was paid|were paid|got paid|was sent|were sent) "
    r"(?:\w+ )?back\b|\b(?:was|were|been|already|you) (?:\w+ )?(?:refunded|returned|repaid)\b"
)
# What is left of a sum asked for ("could I get the rest", "the remainder please").
_REST_ASKED = re.compile(
    r"\b(?:the rest|the remainder|what's left|what is left)\b"
    # not the rest kept as fine ("those two refunded please, the rest are fine")
    r"(?!(?:'s|'re| (?:are|is|were|was|seem|look|looked|seemed))(?: all)? (?:fine|ok|okay|good|"
    r"alright|all right|grand|perfect|intact|undamaged|unbroken|great|lovely|spot on)\b)"
)
_WANTED = re.compile(
    r"\b(?:could|can|may) (?:i|we|you)\b|\bplease\b|\b(?:i'd|i would|we'd|we would) like\b"
    r"|\b(?:i|we) (?:want|need)\b"
)
_GIVEN_BACK = re.compile(
    r"^(?:(?:so|then|ok|okay|yes|yeah|please|and)\W+)*(?:please )?(?:return|refund|repay|reimburse|"
    r"give|send|pay|put|credit) (?:me |us )?(?:that|it|this|them)(?: back)?(?: (?:to|on|onto) "
    r"(?:me|us|my card|the card|my account))?(?: please)?$"
)
# Credit kept with the company to spend ("store credit", "as credit", "a voucher"), and money
# said to go only to the account, not out of the company ("put it on the account").
_KEPT_CREDIT = re.compile(
    r"\b(?:store|shop|account|site|gift|in-store) credit\b"
    r"|\bas (?:a |store )?(?:\w+'s )?credit\b"  # "or leave it as a month's credit"
    r"|\bin credit\b|\bvouchers?\b|\bgift cards?\b"
)
# An amount said as left where it is ("leave the hundred on there", "keep the other 40 on the
# account"): what the customer does not want back.
_LEFT = re.compile(r"\b(?:leave|keep)\s+(?:(?:the|that|it|other|remaining|rest|of|as)\s+)*$")
# An amount said as credit kept with the company ("a hundred as store credit", "25 in credit").
_AS_CREDIT = re.compile(
    r"\s*(?:(?:pounds?|quid|dollars?|bucks|euros?)\s+)?(?:(?:as|in|into|of|for)\s+)?(?:an?\s+)?"
    r"(?:(?:store|shop|account|site|gift|in-store)\s+)?(?:credit|vouchers?|gift cards?)\b"
)
_CREDIT_NAMED = re.compile(r"\b(?:credit|vouchers?|gift cards?)\b")
# An amount named as credit, nowhere said to go ("a £28 credit", "twenty in credit", "the 15 as
# store credit"): kept with the company unless money is said to go out (_MONEY_OUT).
_CREDIT_AMOUNT = re.compile(
    r"[$£€]?\d[\d.,]*(?: (?:pounds?|dollars?|euros?|quid|bucks))? "
    r"(?:(?:in|as) (?:a )?(?:store |shop |account )?)?credit\b(?! card)|" + _KEPT_CREDIT.pattern
)
# An answer that lets the agent's doing pass without taking it up ("ok whatever", "fine, as
# long as I get a router", "grand, whatever", "if you like").
_LETS_PASS = re.compile(
    r"^(?:(?:ok|okay|fine|grand|alright|all right|right|sure|yeah|yes),? )*(?:whatever|as long as|"
    r"if you (?:like|want|insist|must)|suit yourself|do what you (?:like|want)|up to you)\b"
)
_ON_ACCOUNT = re.compile(r"\b(?:on|onto|to|into) (?:the|your|my|our) account\b")
# The money taken as something kept with the company, by the customer's choice: credit, a
# voucher, points, or off a bill or order to come ("just take it off next month's bill", "leave
# the twenty-two as credit on the account", "chuck it on the trade account", "the points,
# definitely", "I'll use it on my next order"); never a credit card.
_CREDIT_CHOSEN = re.compile(
    r"\b(?:as|in) (?:a |an |store |shop |account |bill )?(?:credit|vouchers?|gift cards?|points)\b"
    r"(?! card)|\b(?:store|shop|account|bill|site) credit\b|\b(?:credit|vouchers?|points)(?:'s| is|"
    r" are) (?:fine|ok|okay|good|great|better|easier)\b"
    # a voucher or points taken, opening the answer or chosen ("the points, definitely", "no
    # thank you, a voucher", "I'll take the voucher"), not told of ("I got a voucher once");
    # the credit so, where the pick ends with it ("do the $60 credit then"), not where more is
    # said of it ("the credit still hasn't come through")
    r"|(?:^(?:(?:no|yes|yeah|oh|och|ok|okay|go on|then|actually|well|right|so|thank you|"
    r"thanks|please|fine)\W+)*|\b(?:take|have|go for|go with|choose|prefer|rather|give me|"
    r"make it|do)\s+)(?:a|the) (?:[£$€]?\d+(?:\.\d+)? )?(?:(?:travel|gift|loyalty|reward|bonus|"
    r"store|account) )?(?:vouchers?|points|credit(?=\s*(?:$|[,.!;])|\W*(?:please|then|thanks|ta|"
    r"instead)\b|\W*(?:is|'s|would be|sounds|works) (?:fine|good|great|better|ok|okay)\b))\b"
    r"|^(?:(?:no|yes|ok|okay|then|fine)\W+)*vouchers?\W*$"
    # kept on the account ("keep it on the account"; "put it on my account" may be the one paid
    # from), or off a bill or order to come
    r"|\b(?:keep|leave|save)\b(?:\s+[\w'£$€.]+){0,5}?\s+(?:on|in) (?:my |the |our |your )?"
    r"(?:\w+ )?account\b|\b(?:off|against|towards?) (?:my |the |our |your )?(?:\w+ )?(?:\w+ )?"
    r"(?:bill|invoice|statement|order)\b|\b(?:on|onto|for) (?:my |the |our |your )?(?:next|final|"
    r"following)(?: month'?s)? (?:bill|invoice|statement|order)\b"
)
# A thing said not to be wanted just before it ("not to my card", "I don't need it on the card",
# "no point it going back to the card", "rather than a voucher").
_NOT_WANTED_BEFORE = re.compile(
    r"(?:\bnot|n't|\bnever|\brather than|\binstead of|\bthan|\bno point)\s+(?:[\w']+\s+){0,4}$"
)
# The customer as the one who did the deed the agent names next, in the past ("you cancelled on
# the 26th?", "you've already closed it"): a fact checked, no offer of it.
_DONE_BY_YOU = re.compile(r"\byou(?:'ve| have| had)?(?: already| just)?\s+$")
# A deed said as done: its verb in the past, but not the asking for it ("you asked for that
# back", "you requested a refund": the wish read back, which the customer may confirm).
_DEED_DONE = re.compile(
    r"(?!(?:asked|requested|wanted|needed|wished|hoped|preferred|liked|applied|called|rang|"
    r"phoned|wrote|emailed|mentioned|said|told)\b)\w+ed\b"
)
# (not the customer coming back, "credit is fine ill be back", nor calling back, "can I speak to
# him and phone you back?", "I'll get back to you")
_MONEY_OUT = re.compile(
    r"\b(?:(?<!\bbe )(?<!\bcome )(?<!\bcoming )(?<!\byou )(?<!\bthem )(?<!\bhim )(?<!\bher )back"
    r"(?! to (?:you|them|him|her)\b)|bank|card|cash|money|refund\w*|transfer|paypal)\b"
)
# What a result worked out aloud is said after ("..., so 58", "that's 40 in all").
_SO = re.compile(
    r"\b(?:so|that's|that is|which is|making|makes|leaving|leaves|comes to|equals)\W*$"
)
# A sentence that only states the whole a sum comes to ("so that is $57", "that makes 38 in
# all", "so it's forty altogether"): the customer's reckoning of what they asked, the whole of it.
_TOTAL_STATED = re.compile(
    r"^(?:(?:ok|okay|right|yes|yeah|and)\W+)*(?:so\W+)?(?:that's|that is|that'd be|that would be|"
    r"it's|it is|that makes|that comes to|it comes to|which makes|which is)\W+"
    r"(?:(?:a total of|in total|altogether|all told)\W+)?(?=[$€£]?\d)"
)
# An agent's phrase said as what an offer after it is ("as a goodwill gesture, I can...", "by
# way of compensation we could..."): the words before it, and those that end it.
_FRAME = re.compile(r"\b(?:as|by way of)\s+(?:(?:a|an|some|small|little|one\s+off)\s+)*$")
_FRAMED = re.compile(r"^(?:\s+(?:gesture|payment|thank you|apology|sorry))?[\s,]+")
_PLEASANTRY = re.compile(
    r"^(?:that's|that is|you're|you are|how) (?:very |so |really |ever so |too )?(?:kind|nice|"
    r"sweet|good|generous|thoughtful|lovely)(?: of (?:you|ya|them|him|her|us))?"
    r"(?:,? (?:truly|really|honestly|indeed))?$|^(?:thanks|thank you|cheers|ta)(?: (?:so much|"
    r"very much|a lot|for offering|for the offer))?$|^(?:oh no|oh dear|oh god|ugh|typical)(?:,? "
    r"(?:that's|that is|how) (?:awful|terrible|annoying|a shame|a pain|rubbish|typical))?$"
)
# The offer asked back in surprise before the answer to it ("Oh, can you? Yeah, do that",
# "Really? Go on then", "You'd do that? Yes please"), or not caught ("Sorry? No, why would
# you", "Pardon? Oh, yes please"): no answer yet, the next sentence is.
_SURPRISED = re.compile(
    r"^(?:(?:can|could|would|will|do) you(?: really| do that)?|you(?:'d| can| could| would| will)"
    r"(?: really)?(?: do that)?|really|seriously|honestly|is that (?:right|so|possible|true)|"
    r"for real|no way|is it|are you sure|huh|sorry|pardon(?: me)?|excuse me|come again|what|"
    r"you what|eh|sorry,? what|say (?:that )?again)\W*$"
)
# An ask phrase spoken of in general ("refunds are a nightmare with you", "refunds take ages").
_GENERIC = re.compile(r"^ (?:are|were|take|took|always|never|usually|tend to|seem to)\b")
# Done already, or nearly, by the customer or the company ("I closed my old account years
# ago", "I nearly cancelled my membership", "I've already raised a chargeback with my bank",
# "you closed my account without telling me", "the courier refunded me directly"): told of,
# not asked of the company.
_DONE = re.compile(
    r"^(?:closed|cancelled|canceled|shut|deleted|terminated|ended|left|quit|ditched|binned|"
    r"charge ?back|refunded|reimbursed|reversed|credited)\b"
)
# Said to be done already ("the $45 was already refunded on Monday", "you already did that",
# "it's already been credited"): told of, not asked again.
_ALREADY_DONE = re.compile(
    r"(?:\b(?:was|were|has|have|had|it's|been|got)|'ve|'s|'d)\s+(?:been\s+)?already\s+"
    r"(?:been\s+)?(?:refunded|reimbursed|credited|paid back|returned|sent back|processed|issued)\b"
    r"|\b(?:was|were|has been|have been|had been|got)\s+(?:\w+\s+){0,2}?(?:refunded|reimbursed|"
    r"credited|paid back)\s+(?:\w+\s+){0,2}?already\b"
    # told as arrived: "the refund you did last week reached my bank", "it came through"; not
    # one that has not ("the refund you sent never came through"), nor a part of it
    r"|(?<!half the )(?<!part of the )(?<!some of the )\brefund\s+"
    r"(?:(?![\w']*n't\b|not\b|never\b|yet\b|still\b|aint\b|only\b)[\w']+\s+){0,6}?"
    r"(?:has |have |had )?(?:(?:come|came) through|reach(?:ed)?|arrived|landed|cleared|showed up|"
    r"turned up|hit my|is in my)\b"
)
# Said to be due, not done ("should have already been refunded by now"): chased.
_DUE = re.compile(r"\b(?:should|ought to|supposed to|meant to)\b|\bby now\b")
_BY_OTHER = (
    r"(?<!can )(?<!could )(?<!would )(?<!will )(?<!won't )"
    r"(?<!don't )(?<!do )(?<!please )\b(?:you|they|someone|somebody|paypal|(?:the|my|our) "
    r"(?:courier|seller|shop|store|airline|hotel|bank|merchant|vendor|retailer|restaurant|"
    r"driver|supplier|insurer|landlord|card (?:issuer|company)|marketplace|other company))"
    r"(?:'ve| have| has| had)?"
)
_DONE_TAIL = (
    r"\s+(?:(?:already|nearly|almost|once|previously|"
    r"originally|just about|since|just)\s+)?(?:(?:raised|filed|opened|lodged|started|"
    r"submitted|initiated|put in|begun|made)\s+(?:a|the|my|our)\s+)?$"
)
_DONE_BY = re.compile(rf"(?:\b(?:i|we|i've|we've|i had|we had)|{_BY_OTHER}){_DONE_TAIL}")
# Money another already sent back ("the seller sent my 54 back yesterday"): told of, not asked;
# the customer's own "I sent it back" is the goods returned.
_SENT_BY = re.compile(
    rf"{_BY_OTHER}\s+(?:(?:already|just|then|finally)\s+)?(?:sent|paid|gave|returned|transferred|"
    r"wired|put)(?:\s+(?:me|us))?\s+"
)
# Amounts said roughly or as a range: the largest reading takes in the rest.
_OR_JOIN = re.compile(r"^\s*(?:or|to|-|or maybe|maybe|or even|or perhaps)\s*$")
# A range said with its two ends ("between 20 and 30", "from 20 to 30").
_BETWEEN = re.compile(r"\b(?:between|from)\s+(?:[$€£]\s?)?$")
_RANGE_JOIN = re.compile(r"\s*(?:and|to|-)\s*(?:[$€£]\s?)?")
# Said roughly ("about 20", "like 20 quid"), but not wanted ("would you like 18 back").
_ROUGHLY_BEFORE = re.compile(
    r"\b(?:about|around|roughly|approximately|approx|circa|say|something like|give or take|"
    r"(?<!would )(?<!'d )(?<!\bi )(?<!you )(?<!\bwe )like|in the region of|somewhere around)"
    r"\s+(?:[$€£]\s?)?$"
)
_ROUGHLY_AFTER = re.compile(r"^\s?(?:ish|odd|or so|and change|and a bit|something)\b")
# The thing an ask names after its verb ("refund the add-on", "refund me the lamp").
_THING = re.compile(
    r"^\s+(?:me |us )?(?:the|my|our|that|this) (?:\w+ )?(?!(?:money|refund|amount|lot|whole|"
    r"full|rest|difference|charge|payment|bill|order|total|price|cost|balance|please|thanks|"
    r"now|back|too|then|for|as)\b)(?P<name>[a-z]{3,})\b"
)
# The thing an ask wants back, named by its own word ("want august back", "need the lamp back").
_WANTED_BACK = re.compile(
    r"\b(?:the |my |our )?(?!(?:it|them|that|this|those|these|money|cash|refund|everything|all|"
    r"some|one|mine|deposit|payment)\b)(?P<name>[a-z]{3,}) back$"
)
# A price given right after a thing's name ("august was 89", "the lamp is $80", "came to 40").
_PRICED_AT = r"(?:was|is|were|are|cost|costs|came to|comes to) (?=[$€£]?\d)"
# A deed the agent says they are about to do, not one done ("I'll escalate it", "let me
# transfer you").
_ANNOUNCED = re.compile(r"\b(?:i'll|i will|i'm going to|i am going to|let me|i'm about to)\b")
# Something offered in place of what was asked ("a repair instead?", "how about a voucher?").
_INSTEAD = re.compile(
    r"\b(?:instead|rather than|alternatively|as an alternative|how about|what about)\b"
    # or to keep them ("before you go, I can give you three months at half price")
    r"|\bbefore (?:you|we) (?:go|leave|close|cancel|do that)\b|\b(?:to|if it would|would that) "
    r"keep you\b|\bif you (?:stay|stayed|stick around)\b"
)
# What the agent's other thing is offered in place of ("... instead of closing it").
_GIVEN_UP = re.compile(r"\b(?:instead of|rather than|in place of)\b.*$")
# The customer taking the other thing the agent offered in place of their ask ("do that
# instead", "let's go with that one instead", "I'll have the other one instead").
_TAKEN_INSTEAD = re.compile(
    r"\b(?:do|go with|go for|have|take|book|prefer|rather) (?:that|this|the other)(?: one)?"
    r"(?: (?:one|day|time|slot))?\W*instead\b"
)
# A message forwarded in an email: from its header on, someone else's words.
_FORWARDED = re.compile(
    r"(?im)^[\s>-]*(?:-+\s*)?(?:forwarded message|begin forwarded message|fwd?:)"
)
# What a decision put off is about, when it names it ("... about the upgrade").
_DEFERRED_THING = re.compile(r"\s+(?:about|on|over)\s+(?:the|my|our|a|an|your)\s+\w+(?:\s+\w+)?")
_PART = re.compile(r"\b(?:just|only|but|except)\b")  # the part still wanted, after the whole
_NARROWED = re.compile(r"\b(?:just|only)\b")  # an offer narrowed to a part of it
# A thing the customer leaves out of what the agent listed ("leave the delivery").
_LEFT_OUT = re.compile(r"\b(?:leave|forget|skip|never mind|not|except|apart from|minus) (?:off )?")
# A day said to suit ("Thursday's grand, after ten"): the time of a callback offered, taken up;
# no yes to a refund the same turn offered.
_DAY_SUITS = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|today)'s "
    r"(?:\w+ )?(?:fine|good|great|perfect|grand|lovely|ideal|ok|okay)\b"
)
# The thing an ask narrows to ("only the extra tax back": "extra tax"), up to a word that ends it.
_NAMED_PART = re.compile(
    r"\b(?:the|my|our|that|this)\s+(?P<part>(?:(?!(?:back|please|part|bit|to|for|off|on|"
    r"from|of|one)\b)[a-z]+\s*){1,3})"
)
# An ask naming more than one thing, or the whole, after its narrowing word.
_MORE_THAN_A_PART = re.compile(
    r"\b(?:and|plus|with|as well|too|both|everything|whole|full|total)\b"
    r"(?! (?:keep|leave|i'll keep|i will keep|you keep)\b)|[&+]"
)
# One of several things pointed at ("that one", "the other one", "those two"): what a take-back
# names when it lets a part go.
_CONTENT = re.compile(r"\b[a-z]{3,}\b")
# A take-back's words that name no thing ("don't worry about the whole thing").
_NOT_A_THING = frozenset(
    ("don", "bother", "worry", "about", "with", "the", "that", "this", "need", "forget",
     "never", "mind", "skip", "scratch", "leave", "not", "interested", "your", "thing", "for")
)  # fmt: skip
_PICKED = re.compile(r"^(?:just|only) (?:the |that |this |[$£€]?\d)")  # the part kept, next
_ONE_OF = re.compile(
    r"\b(?:that|this|the other|the second|the first|those|these) (?:one|two|bit)\b"
)
# An ask pointing at one thing of several ("the chipped one", "just the one", "one of them");
# not "that one", which points as often at a sum just said.
_ONE_THING = re.compile(r"\bthe (?:\w+ )?one\b(?! of)|\bone of (?:them|those|these)\b")
_ITEM_BREAK = re.compile(r"[,:;]|\b(?:and|or|plus)\b")  # between the things a turn lists
_ITEM_WORD = re.compile(r"[a-z0-9]+")
# A thing named, then the answer about it ("the fee, no, leave it", "as for the hotel - yes
# please"): one of several questions or things answered in turn.
_TOPIC_ANSWER = re.compile(
    r"^(?:(?:and|but|as for|as to|about|oh)\W+)?(?:the|that|this|your|my|those|these)\s+"
    r"(?P<topic>(?:[a-z0-9'-]+\s+){0,2}?[a-z0-9'-]+)\s*[,:;-]+\s*"
    r"(?P<answer>yes|yeah|yep|aye|go ahead|no|nah|nope|not needed)\b"
)
_TOPIC_NO = frozenset({"no", "nah", "nope", "not needed"})
_NOT_ITEM = frozenset(
    [
        "the",
        "a",
        "an",
        "one",
        "ones",
        "my",
        "our",
        "that",
        "those",
        "these",
        "this",
        "it",
        "them",
        "please",
        "then",
        "thanks",
        "ta",
        "for",
        "of",
        "bit",
        "part",
        "thing",
        "things",
        "back",
        "refund",
        "want",
        "need",
        "i",
        "is",
        "fine",
        "ok",
        "okay",
        "do",
    ]
)
# Words too common to name what a question is about.
_FUNCTION_WORDS = frozenset({
    "would", "could", "should", "shall", "will", "have", "been", "being", "like", "right",
    "alright", "with", "your", "about", "what", "there", "here", "just", "sure", "really",
    "also", "while", "when", "where", "which", "from", "into",
})  # fmt: skip
# What may follow a bare number said as a sum ("just the 24 for the jumper", "that's 18."), not as
# a count of things ("just the two broken ones").
_SUM_ENDS = re.compile(r"\s*(?:$|[,.;!?]|(?:for|please|back|then|and|is|would|will|if)\b)")
# A closure asked of "it", not of the account by name ("I want it closed", "shut it down").
_PRONOUN_OBJECT = re.compile(r"\b(?:it|that|this|them)\b(?!.*\b(?:account|acct|membership)\b)")
# Things a customer may close or cancel other than the account.
_THINGS = (
    r"(?:card|order|complaint|case|ticket|booking|claim|query|dispute|request|parcel|payment|"
    r"reservation)"
)
# A sentence naming the thing meant, not the account ("the card, I mean", "close the card").
_OTHER_OBJECT = re.compile(
    r"^(?:(?:no|sorry|i mean|i meant|well|just|only)\W+)*(?:(?:close|cancel|stop|block|freeze|"
    rf"shut|end) )?(?:the|my|that|this|just the|only the) (?:\w+ )?{_THINGS}"
    r"(?:\W+(?:i mean|i meant|not the account|please|only|then))*$"
)
# The account or one such thing, named: what "it" in "close it" points back to is the last one.
_NAMED_THING = re.compile(rf"\b(?:(?P<account>account|acct|membership|profile)|{_THINGS})s?\b")
_BACK = re.compile(r"\b(?:that|it|this|those|them)\b")  # an ask pointing back at a thing said
# ... or at one named just before, its object left out as learners do ("the 30, give back to me")
_OBJECT_LEFT_OUT = re.compile(
    r"\b(?:give|send|pay|put|want|need|return)\s+back\b(?!\s+(?:the|my|our)\b)"
)
# "not a credit" said after asking for the money in the same sentence: the form it should take
# ("my 140 back on my card, not a credit"), not a no.
_NOT_THIS = re.compile(r"\b(?:not|never)\s+$")  # "not eighty": the amount refused
_FIRST_PERSON = re.compile(r"\b(?:i|we|i'd|i'm|i'll|i've|we'd|we're|me|my)\b")
# A clause asking about another thing ("is that open for eight?", "do you have 2 in blue?"):
# a bare number in it counts or times that thing.
_OTHER_QUESTION = re.compile(
    r"(?:^|[,;]\s*|\b(?:and|so|oh|also)\s+)(?:is|are|was|were|do|does|did|have|has|what|when|"
    r"where|which|how) (?:that|this|it|there|the|you|your|they|he|she)\b[^,;]*$"
)
# An ask for what a thing is worth or costs ("what the hood's worth", "what the strap costs",
# "the price of the lid"), and the sentence after that says it ("It's twenty on your site").
_WORTH = re.compile(
    r"\bwhat (?:\S+ ){0,3}?(?:is |'s |are |'re |was |were )?"
    r"(?:worth|costs?|cost me|goes for|sells for)\b"
    r"|\b(?:the )?(?:price|cost|value) of (?:the |that |this |a |my |them|it)\b"
)
_VALUED = re.compile(
    r"(?:it's|its|it is|that's|that is|they're|they are|which is|it was) (?:about |just |only )?"
)
_PAID = re.compile(
    r"\b(?:paid|pay|cost|costs|was|were|spent|price|priced|charged|billed|debited|deducted|bill|"
    r"fee|fees)\b"
    r"(?:\s+\S+){0,2}\s*$"
)
# Money as what is late ("the refund hasn't come", "the wages went in late"): no late delivery.
_MONEY_SUBJECT = re.compile(
    r"\b(?:refund|money|credit|payment|reimbursement|cash|compensation|voucher|wages|salary|pay|"
    r"pension|benefits?|deposit|transfer|direct debit|standing order)\b(?:\s+\S+){0,3}\s*$"
)
# A bare number said as a price: after a word of paying, or "for" ("bought it for 120"), or
# as the price shown ("the app tell me 32", "the site said 104").
_PRICED = re.compile(
    r"(?:\b(?:paid|pay|cost|costs|was|were|spent|price|priced|charged|billed|for|at|now|"
    r"quoted|quote|told|tell|tells|said|say|says|showed|shows|show)\b"
    r"(?:\s+\S+){0,2}|,)\s*$"
)
# "the 40 for the small dog": a sum named by what it paid for (a few, "the 3 for the kids", may
# count them)
_THE_SUM_FOR = re.compile(r"\b(?:the|that|this|my|our)\s+$")
_FOR = re.compile(r"\s+for\b")
_FEW_THINGS = 12
_FUTURE = re.compile(r"\b(?:i'll|i will|i'd|i would|we'll|we will|we'd|going to|gonna)\b")
_WILL = re.compile(r"\b(?:i'll|i will|we'll|we will|i'm going to|we're going to)\b")  # a threat
# "We're moving in the spring. I'll be closing it then.": a deed the customer will do at a later
# time named just before, pointed back to by "then" (a plan), not "close it then" (in that case).
_WILL_BE_DOING = re.compile(
    r"\b(?:i'll|i will|we'll|we will|i'm going to|we're going to) be \w+ing\b"
)
_THEN_END = re.compile(r"\bthen\W*$")
_LATER = re.compile(
    r"\b(?:in the (?:spring|summer|autumn|fall|winter|new year)|next (?:week|month|year|spring|"
    r"summer|autumn|fall|winter|season)|in (?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)|in (?:a few|a couple of|two|three|six) "
    r"(?:weeks|months)|after (?:christmas|the holidays|the new year)|"
    r"at the end of (?:the|this|next) (?:month|year))\b"
)
# Another thing raised: "also", "one more thing", "while you're there", "separately".
_ALSO = re.compile(
    r"\b(?:also|as well|on top of that|another thing|plus|one more thing|one other thing|"
    r"something else|separately|on another note|while (?:you're|you are|i've got you|i have you|"
    r"i'm on|i am on) (?:there|at it|on the line|here|on)?)\b"
)
# An amount asked as more on top of one asked before ("I want that 35 back too", "the fee as
# well"): never a change of mind about the earlier one, whatever else the clause says ("then").
# "Too" only where it adds ("that back too", "that too, please"), not as "too much".
_TOO = re.compile(r"\btoo\b(?=\s*(?:$|[,.!?;]|(?:please|then|thanks|pls)\b))|\b(?:as well|also)\b")
# A bare number said as a thing's price ("72 for the heater", "8 for delivery").
_PRICE_FOR = re.compile(r" for (?:the |that |this |those |these |my |our )?(?!\d)\w")
# A sum said of the thing it is for ("14 for the lid", "twelve for that one").
_FOR_THING = re.compile(r"\bfor (?:the|that|this|those|these|my|our) (?!(?:lot|total|whole)\b)\w+")
# One more of something ("that's another twelve"): more asked, not the sum haggled for.
_ANOTHER = re.compile(r"\banother\s+$")
# A sentence that opens on its condition ("if it packs in again", "but if not").
_IF_FIRST = re.compile(r"^(?:(?:and|but|so|oh|well|ok|okay)\W+)*(?:if|unless)\b")
# What someone else in the room keeps saying ("he says get it back", "she reckons"); not the
# holder's own words quoted by whoever types for them ("she says: 'please close my account'").
# Words enough between an ask and a word told of someone else after it that the word tells of
# what was said between: five or more.
_RUN_ON = re.compile(r"(?:\W+\w+){5,}")
_THEY_SAY = re.compile(
    r"\b(?:he|she) (?:says|keeps saying|is saying|reckons|insists)\b(?!\W*['\"\u2018\u201c])"
)
# One more thing, said after it ("the jug's cracked too", "that's another twelve").
_ADDED = re.compile(r"\b(?:too|as well|also|another)\b")
_CONTINUATION = re.compile(r"^(?:and|also|plus|oh and)\b")
# What a sum said as the whole is followed by ("44 all together", "79 in all", "60 in total").
_IN_ALL = re.compile(
    r"\s*(?:(?:pounds?|quid|dollars?|bucks|euros?)\s+)?(?:in all|all together|altogether|"
    r"all in|in total|total|all told)\b"
)
# A word said apart between commas that only colours the clause before it ("though",
# "mind you", "mind", "like", "you know", a "mate" or "love"): the condition it follows reaches
# past it ("if it doesn't come Friday, mind, I'll want my money back").
_ASIDE_WORD = re.compile(
    r"(?:though|then|however|anyway|mind(?: you)?|again|honestly|of course|like|you know|you see"
    r"|look|mate|love|pal|hun|i mean|remember)"
)
_JOINED = re.compile(r"^(?:and|or)\b")  # a clause carrying on the one before it
_ORDER = re.compile(
    r"\b(?P<what>order|case|ticket|invoice|ref|reference|booking|tracking)\s*(?:number|no|#|id)?"
    r"\s*(?:is\s*)?[:#]?\s*(?P<id>[a-z]{0,4}-?\d(?:[\s-]?\d){2,14})\b"
)
# How many of the customer's questions about what the agent said an ask costs may come before
# they back out of it.
_QUESTIONS_ABOUT_IT = 2
# How sure the call is under way: the agent's last turn holds the line, or did and the
# customer only waited since, or asks the customer something
_HOLDING, _WAITING, _ASKING = 0.85, 0.8, 0.75
# The platform noting the line is on hold ("[hold music, 1 min]"): the customer waits.
_HOLD_NOTE = re.compile(r"^\W*(?:on )?hold\b|\b(?:hold music|music on hold|on hold)\b")
# An outcome only guessed or hoped for ("maybe it's back", "I bet that's it").
_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|hopefully|i bet|i guess|fingers crossed|i hope|might|may be|could be)"
    r"\W+(?:\w+\W+){0,2}$"
)
# A time clause the outcome phrase is said in ("once I've found it", "when I'm in", "before I
# get a manager, let me look"): to come, if at all.
_NOT_YET = re.compile(
    r"\b(?:once|when|whenever|as soon as|until|till|after|before)\s+"
    r"(?:(?:i|we|you|they|he|she)(?:'ve|'m|'ll| have| am| are)?\s+)?$"
)
_STILL_WORKING = 0.85  # how much less sure an outcome is when the agent holds the line after it
_WHOSE = 0.5  # how sure an ask is the customer's own, once named as someone else's later
_ALTERNATIVE = 0.6  # how sure taking another thing offered drops the ask: not sure
_CREDIT_INSTEAD = 0.8  # how sure money taken as credit kept with the company is no money back
_CHANGED = 0.8  # how sure the customer turning to the other thing, as a change of mind, drops it
_UNDONE = 0.6  # a take-back undone, or one that may answer the agent's other question
_PROPOSED = 0.6  # how sure an amount the agent proposed and the customer took is the ask
_POLITE = 0.6  # how sure a question or musing put as a polite request is no ask
_THING_MEANT = 0.5  # how sure "close it" is the account when a card or order was named last
_PRICED_NEXT = 0.6  # how sure the agent's price of the thing wanted back is the ask
_EARLIER = 0.6  # how sure a share or difference of a price said in an earlier turn is the ask
_UNIT_PRICE = 0.6  # how sure a price per thing is the amount asked
_COUNTED_PRICE = 0.75  # how sure so many of a thing priced each is the amount asked
_REFUND_MADE = 0.75  # how sure an agent's "refunding the 20" shows a refund issued
_TURNED_DOWN = 0.65  # how sure turning down the transfer or callback offered leaves nothing done
_SARCASM = 0.5  # how sure an ask said mockingly is declined: not sure either way
_CHASE_ANSWERED = 0.8  # how sure a chase answered by the refund made before asks no other
_LEFT_BEFORE = 0.75  # how sure a charge told of, then the customer's leaving before it, is billing
_STATED = 0.6  # how sure the sum asked stands against a larger one the agent stated, thanked for
_AGENT_ISSUE = 0.55  # the most an agent's acknowledgement of a problem is worth: never sure
_ASR_MIN = 60  # characters of customer speech before its lack of punctuation says "ASR"
# Before calibration: how often the status read is the one meant, given the kind is right.
_STATUS_PRIORS = {
    AskStatus.ASKED: 0.95,
    AskStatus.DECLINED: 0.9,
    AskStatus.THIRD_PARTY: 0.85,
    AskStatus.HYPOTHETICAL: 0.85,
    AskStatus.QUESTION: 0.8,
    AskStatus.RETRACTED: 0.85,
    AskStatus.OFFERED_ACCEPTED: 0.85,
    AskStatus.OFFERED_DECLINED: 0.85,
    AskStatus.OFFERED: 0.8,
}


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    reliability: float
    # names the thing only as what is not wanted ("the money"), or the problem only as one
    # not had ("right on time")
    only_declined: bool = False
    # an outcome said as a courtesy ("all good", "thanks, bye"): no resolution after a refusal
    courtesy: bool = False


@dataclass(frozen=True)
class Lexicon:
    asks: dict[AskKind, tuple[_Pattern, ...]]
    reasons: dict[Reason, tuple[_Pattern, ...]]
    outcomes: dict[Outcome, tuple[tuple[str, _Pattern], ...]]
    outcome_priority: tuple[Outcome, ...]
    outcome_final: tuple[Outcome, ...]  # what was done stands against later small talk
    outcome_refusable: tuple[Outcome, ...]  # what the customer's next turn can turn down
    scopes: dict[str, re.Pattern[str]]
    cues: dict[AskKind, re.Pattern[str]]
    # How often a status read is right on what rules act on (granted or not), given the kind is
    # right (calibrated; priors in ``_STATUS_PRIORS``).
    status_reliability: dict[AskStatus, float] = field(default_factory=lambda: dict(_STATUS_PRIORS))
    # How much less reliable asks read from speech-to-text are (calibrated; at most 1).
    asr_factor: float = 0.9

    @classmethod
    def default(cls) -> Lexicon:
        """The lexicon shipped in ``guardrail/understanding/lexicon/``, its reliabilities
        calibrated (guardrail.understanding.calibration)."""
        return cls._shipped(calibrated=True)

    @classmethod
    def uncalibrated(cls) -> Lexicon:
        """The shipped lexicon with its priors: what calibration measures."""
        return cls._shipped(calibrated=False)

    @classmethod
    @functools.cache  # bounded: two lexicons, calibrated or not
    def _shipped(cls, calibrated: bool) -> Lexicon:
        load = lexicon_file
        outcomes = load("outcomes.yaml")
        priority = tuple(Outcome(o) for o in outcomes.pop("priority"))
        final = tuple(Outcome(o) for o in outcomes.pop("final"))
        refusable = tuple(Outcome(o) for o in outcomes.pop("refusable"))
        rates = (load("calibration.yaml") or {}) if calibrated else {}
        measured = {str(k): float(v) for k, v in (rates.get("patterns") or {}).items()}
        return cls(
            asks={AskKind(k): _patterns(v, measured) for k, v in load("asks.yaml").items()},
            reasons={Reason(k): _patterns(v, measured) for k, v in load("reasons.yaml").items()},
            outcomes={
                Outcome(k): tuple(
                    (who, _Pattern(rx, measured.get(rx.pattern, rel), courtesy="courtesy" in flags))
                    for who, rx, rel, flags in ((w, _compile(x), r, f) for w, x, r, *f in v)
                )
                for k, v in outcomes.items()
            },
            outcome_priority=priority,
            outcome_final=final,
            outcome_refusable=refusable,
            scopes={k: _compile(v) for k, v in load("scopes.yaml").items()},
            cues={AskKind(k): _compile(v) for k, v in load("cues.yaml").items()},
            status_reliability=_STATUS_PRIORS
            | {AskStatus(k): float(v) for k, v in (rates.get("statuses") or {}).items()},
            asr_factor=float(rates.get("asr", 0.9)),
        )


#: The shipped lexicon's folder: every reader of it (the lexicon, the written reasons, the
#: model's digest of it) finds it here, in the installed package.
LEXICON = resources.files("guardrail.understanding") / "lexicon"


def lexicon_file(name: str) -> Any:
    """A file of the shipped lexicon (``lexicon/<name>``), read."""
    return yaml.safe_load((LEXICON / name).read_text(encoding="utf-8"))


def _compile(source: str) -> re.Pattern[str]:
    for macro, body in (_MACROS | _word_classes()).items():
        source = source.replace(macro, body)
    return re.compile(source)


@functools.cache
def _word_classes() -> dict[str, str]:
    """``{name}`` for each meaning class of ``lexicon/words.yaml``: any of its words, the
    longest first (so "stopped working" wins over "stopped")."""
    classes = lexicon_file("words.yaml")
    return {
        "{" + name + "}": "(?:" + "|".join(sorted(map(str, words), key=len, reverse=True)) + ")"
        for name, words in classes.items()
    }


@functools.cache
def _visitor() -> re.Pattern[str]:
    """A person arriving, not the thing bought ("my granddaughter's just come in", "he only
    just got here"): the words before an arrival phrase that make it no late delivery."""
    return _compile(
        r"\b(?:(?:my|our|his|her|their|the) (?:{relation})|i|we|he|she)"
        r"(?:'s| has| is| had| was|'ve| have)?(?:\s+(?:only|just|finally|now|already|also))*\s+$"
    )


def _patterns(rows: Iterable[Sequence[Any]], measured: dict[str, float]) -> tuple[_Pattern, ...]:
    """A pattern's reliability is the one measured on the labelled corpus (calibration.yaml),
    else its prior in the lexicon."""
    compiled = (
        (_compile(str(rx)), float(rel), bool({"declined", "denied"} & set(flags)))
        for rx, rel, *flags in rows
    )
    return tuple(_Pattern(rx, measured.get(rx.pattern, rel), no) for rx, rel, no in compiled)


@dataclass(frozen=True, slots=True)
class _Said:
    """An amount as the customer said it: its likeliest reading, the largest plausible one
    ("two fifty": 2.50, but 250 cannot be ruled out) and how sure it is the amount asked."""

    value: Decimal
    currency: str | None
    high: Decimal
    confidence: float
    # one thing of several the agent priced, that the customer narrowed to ("just March"):
    # never a price per thing that a multiple of it only counts
    narrowed: bool = False
    # what they paid, read for an ask naming no amount: the likeliest meant until the ask is
    # said again with its own ("I paid 240 ... refund the unused 120")
    paid: bool = False

    def part(self, share: Decimal | None) -> _Said:
        """This share of it ("half back"), or itself when no share was said."""
        if share is None:
            return self
        return _Said(
            self.value * share, self.currency, self.high * share, self.confidence, paid=self.paid
        )


@dataclass
class _Event:
    """One thing said about an ask kind, in order."""

    order: tuple[int, int, int]  # turn, sentence, position
    status: AskStatus | None  # None: a retraction or correction of the last ask
    confidence: float
    evidence: Evidence
    said: _Said | None = None  # the amount it names
    correction: bool = False  # the amount replaces the last, whatever came before
    addition: bool = False  # the amount is for something else, added to the last ("also")
    fallback: bool = False  # the amount stands only if the ask named none
    chase: bool = False  # asked by chasing one promised ("where's my refund?")
    settles: bool = False  # the status stands whatever came before (a chase answered)
    put_to_them: bool = False  # the amount was asked about, or the customer said it back


@dataclass
class _Fold:
    """An ask kind's state as events are folded in."""

    status: AskStatus | None = None
    confidence: float = 0.0
    amounts: list[tuple[int, _Said]] = field(default_factory=list)  # (turn, amount)
    currency: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


def to_leave(reason: Reason) -> Reason:
    """A problem as a reason to leave: the hassle a gesture makes up for is a complaint of
    how the customer was treated, and a thing that does not work ("the router keeps
    failing", "repeated outages") is one reason whether read as broken or as a fault."""
    if reason is Reason.GOODWILL:
        return Reason.SERVICE
    return Reason.TECHNICAL if reason is Reason.DAMAGED else reason


class LexicalBackend:
    """``Backend`` over a phrase lexicon (the shipped one by default)."""

    name = "lexical"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or Lexicon.default()

    def understand(self, turns: Sequence[Turn], rev: int = 0) -> Understanding:
        read = Reading(self.lexicon, turns)
        return Understanding(
            backend=self.name,
            rev=rev,
            asks=read.asks(),
            issues=read.issues(),
            facts=read.facts(),
            sensitive=read.sensitive(),
            outcome=read.outcome(),
            unsure=tuple(read.unsure),
            under_way=read.under_way(),
        )


class Reading:
    """One conversation being read. ``trace`` records which phrase gave each reading, and how
    it stood, for calibration (guardrail.understanding.calibration)."""

    def __init__(self, lexicon: Lexicon, turns: Sequence[Turn]) -> None:
        self.lex = lexicon
        self.turns = turns
        scopes = lexicon.scopes
        self.speakers = speakers(
            turns, scopes["speaker_other"], scopes["speaker_holder"], scopes["speaker_owns"]
        )
        self.interpreted = interpreted(turns, scopes["interpreter"])
        self.parsed = [
            sentences(unlabelled(t.text, p)) for t, p in zip(turns, self.speakers, strict=True)
        ]
        self.unsure: list[str] = []
        customer = [t.text for t in turns if t.role == "customer"]
        speech = " ".join(customer)
        self.asr = len(speech) >= _ASR_MIN and not re.search(r"[.?!,]", speech)
        if self.asr:
            self.unsure.append("asr")
        self.customer_clean = " ".join(
            s.text for i, t in enumerate(turns) if t.role == "customer" for s in self.parsed[i]
        )
        self._issue_hits: list[tuple[Reason, float, tuple[int, int], Evidence]] = []
        self._denied: list[tuple[Reason, Evidence]] = []
        # The agent's account of the problem ("sorry for the delay"): read only where the
        # customer's own words gave none, and never sure (the agent is whom rules check).
        self._agent_hits: list[tuple[Reason, float, tuple[int, int], Evidence]] = []
        # What each reading came from, for calibration: (kind or reason, pattern, scope).
        self.trace: list[tuple[str, str, str]] = []
        # The customer asked for something no ask kind names since their last ask ("also can
        # you email me the statement"): a bare "never mind" after it is about that.
        self._other_request = False

    # asks -------------------------------------------------------------------------------

    def asks(self) -> tuple[Ask, ...]:
        events: dict[AskKind, list[_Event]] = {k: [] for k in AskKind}
        last_kind: AskKind | None = None
        # what a customer turn took up of an agent's offer ("shall I refund it?" - "yes
        # please"): the last thing wanted once that turn is read, which a later "actually,
        # never mind" takes back as it would one the customer asked for in their own words
        accepted: dict[int, AskKind] = {}
        for ti, turn in enumerate(self.turns):
            if turn.role == "agent":
                before = {kind: len(kind_events) for kind, kind_events in events.items()}
            for si, sentence in enumerate(self.parsed[ti]):
                if turn.role == "customer":
                    if si == 0:
                        self._backing_out(ti, events)
                    spoken = bool(events[AskKind.REFUND])  # money spoken of before it
                    found = self._customer_sentence(ti, si, sentence, events)
                    asked = _asked(self.turns[ti].text, sentence)
                    if spoken and not asked and _chooses_credit(sentence.text):
                        # (not asked: "a voucher for what, another sofa?")
                        self._credit_instead(ti, si, sentence, events[AskKind.REFUND])
                    if found:
                        last_kind = found
                        self._other_request = False
                    elif last_kind is not None and not self._others(ti):
                        self._follow_up(ti, si, sentence, events, last_kind)
                        self._put_off(ti, si, sentence, events)
                        self._other_request |= self._requests(sentence)
                elif turn.role == "agent":
                    self._agent_sentence(ti, si, sentence, events)
                    self._issues_in(ti, si, sentence, agent=True)
            answer = self._next_customer(ti) if turn.role == "agent" else None
            if answer is not None:
                for kind, kind_events in events.items():
                    if any(
                        e.status is AskStatus.OFFERED_ACCEPTED for e in kind_events[before[kind] :]
                    ):
                        accepted[answer] = kind
            elif ti in accepted:
                last_kind = accepted[ti]
        for kind_events in events.values():
            kind_events.sort(key=lambda e: e.order)
        folds = {kind: _fold(kind_events) for kind, kind_events in events.items()}
        for pair in _INSTEAD_OF:
            self._choose_between(pair, events, folds)
        asks = []
        for kind, fold in folds.items():
            if fold.status is None:
                if self._spoken_of(kind):
                    self.unsure.append(unread(kind))
                continue
            said = [a for _, a in fold.amounts]
            amount = sum((a.value for a in said), Decimal(0)) if said else None
            high = sum((a.high for a in said), Decimal(0))
            asks.append(
                Ask(
                    kind=kind,
                    status=fold.status,
                    # sure only as far as both the phrase (that this kind was spoken of) and
                    # the reading of how it stands are reliable
                    confidence=round(
                        fold.confidence
                        * self.lex.status_reliability[fold.status]
                        * (self.lex.asr_factor if self.asr else 1.0),
                        3,
                    ),
                    amount=amount,
                    currency=fold.currency,
                    reason=self._reason_near(kind, fold.evidence) if kind in _REASONED else None,
                    evidence=tuple(fold.evidence[-3:]),
                    amounts=() if amount is None else tuple(dict.fromkeys((amount, high))),
                    amount_confidence=min((a.confidence for a in said), default=0.0),
                )
            )
        return tuple(asks)

    def _choose_between(
        self,
        pair: tuple[AskKind, AskKind],
        events: dict[AskKind, list[_Event]],
        folds: dict[AskKind, _Fold],
    ) -> None:
        """Of two things that stand in for each other (the money back or a new one), both left
        asked, the one the customer turned to in a later turn stands and the other is dropped
        ("a refund... no, mejor el cambio, the exchange"): surely when said as a change of
        mind, else not; unless the later asks for it as well ("and a new one too")."""
        if not all((status := folds[k].status) is not None and status.granted for k in pair):
            return
        last = {k: max(e.order for e in events[k] if e.status and e.status.granted) for k in pair}
        earlier, later = sorted(pair, key=lambda k: last[k])
        turned = [
            e for e in events[later] if e.status and e.status.granted and e.order > last[earlier]
        ]
        same_turn = not turned or turned[0].order[0] == last[earlier][0]
        if same_turn and all(folds[k].status is AskStatus.OFFERED_ACCEPTED for k in pair):
            # one yes to an either-or offer ("a new one or your money back?" "yes please"):
            # taken, but which of the two cannot be told
            for k in pair:
                folds[k].confidence = min(folds[k].confidence, _ALTERNATIVE)
            self.unsure.append(f"{pair[0]} or {pair[1]}: one yes to both")
            return
        if not turned:  # both granted at one point: neither was turned to after the other
            return
        said = {e.order[0]: " ".join(s.text for s in self.parsed[e.order[0]]) for e in turned}
        first = turned[0].order[0]
        if first == last[earlier][0] or _BOTH.search(said[first]):
            return
        sure = any(
            self.turns[ti].role == "customer" and _CHANGE_OF_MIND.search(text)
            for ti, text in said.items()
        )
        fold = folds[earlier]
        fold.status = AskStatus.RETRACTED
        fold.confidence = _CHANGED if sure else _ALTERNATIVE
        fold.evidence.append(turned[-1].evidence)

    def _spoken_of(self, kind: AskKind) -> bool:
        """Whether the conversation shows an ask of ``kind`` no phrase read: the customer used
        its words, named a sum of money (for a money ask: "120 USD deducted 2 times"), or the
        agent went ahead with it ("Sure, closing your account") as if asked."""
        cue = self.lex.cues.get(kind)
        return (
            any(a[0] is kind for a in self._agent_acts)
            or (cue is not None and cue.search(self.customer_clean) is not None)
            or (kind in _MONEY_KINDS and bool(money_in(self.customer_clean)))
        )

    def _matches(self, text: str) -> list[tuple[AskKind, re.Match[str], _Pattern]]:
        """Ask phrases in ``text``; of overlapping ones the longest (the most specific). A
        credit given in kind ("a free class credit to your account") is no money."""
        in_kind = self.lex.scopes["in_kind"]
        hits = [
            (kind, m, p)
            for kind, patterns in self.lex.asks.items()
            for p in patterns
            for m in p.regex.finditer(text)
            if kind not in _MONEY_KINDS or not in_kind.search(text, 0, m.start())
        ]
        hits.sort(key=lambda h: (-(h[1].end() - h[1].start()), -h[2].reliability))
        kept: list[tuple[AskKind, re.Match[str], _Pattern]] = []
        for kind, m, p in hits:
            overlaps = [k for k, o, _ in kept if o.start() < m.end() and m.start() < o.end()]
            if any(k != kind for k in overlaps) or kind in overlaps:
                continue
            kept.append((kind, m, p))
        return kept

    def _customer_sentence(
        self, ti: int, si: int, s: Sentence, events: dict[AskKind, list[_Event]]
    ) -> AskKind | None:
        scopes = self.lex.scopes
        # a condition governs its clause and the ones next to it, a musing its own clause, an
        # alternative threatened ("..., or I'll go elsewhere") only the asks after it
        alternative = next(
            (
                (ci, found.start())
                for ci, c in enumerate(s.clauses)
                if (found := scopes["alternative"].search(c.text))
            ),
            (len(s.clauses), 0),
        )
        plain = [scopes["polite_if"].sub(" ", c.text) for c in s.clauses]
        if _WELCOME.search(s.text):  # "if I could get it back, that'd be great": a request
            plain = [_IF_I_COULD.sub(" ", p) for p in plain]
        conditions = (
            set()
            if scopes["bargain"].search(s.text)
            else _conditions(s, plain, scopes["condition"], self.turns[ti].text)
        )
        consequence = _consequence(s, conditions, self.turns[ti].text)
        if si > 0 and self._condition_alone(ti, si - 1):
            consequence.add(0)  # "if it packs in again. though i want the forty back"
        sarcastic = scopes["sarcasm"].search(s.text) is not None
        request = scopes["request"].search(s.text) is not None
        asking = (
            _asked(self.turns[ti].text, s)
            or self.asr
            or any(_INTERROGATIVE.match(c.text) for c in s.clauses)
        )
        question = bool(asking) and scopes["question"].search(s.text) is not None
        chasing = scopes["chasing"].search(s.text) is not None
        # "once the refund lands I'm closing it": a plan for later; "refund me once you have
        # it" still asks, only says when
        timed = scopes["timing"].search(s.text) is not None or (
            si > 0 and _planned_then(s.text, self.parsed[ti][si - 1].text)
        )
        retracting = scopes["retraction"].search(s.text) is not None
        # what the customer keeps: the account or service ("leave it open"), or the account
        # alone, something else going ("just the sports package, not the whole account")
        kept = (
            (AskKind.ACCOUNT_CLOSURE, AskKind.CANCELLATION)
            if _kept(scopes["keep"], s.text)
            else (AskKind.ACCOUNT_CLOSURE,)
            if scopes["account_kept"].search(s.text)
            else ()
        )
        self._issues_in(ti, si, s)
        # a money ask for a problem this turn brings up anew is another refund, on top of the
        # earlier one, not a change of mind about it
        new_problem = self._new_problem(ti, events[AskKind.REFUND])
        # "then I want that 35 back too": more, never a change of mind about the earlier sum
        on_top = self._on_top(ti, si)
        adding = (
            new_problem
            or on_top
            or _ADDING.search(_OTHER_KEPT.sub(" ", s.text)) is not None
            or any(_ALSO.search(e.text) for e in self.parsed[ti][:si])  # "also, ... I'd like 25"
        )
        last: AskKind | None = None
        third = False
        quoted = self._quoted_others(ti)
        other = self._others(ti)
        for ci, clause in enumerate(s.clauses):
            # someone else's wish reaches on until the customer speaks for themself ("my boss
            # wants a refund and I should get my money back too"); what the customer reads out
            # from someone else's letter or message is theirs, not the customer's, and all a
            # carer or spouse says on the line is theirs
            in_quote = any(a < clause.end and clause.start < b for a, b in quoted)
            voice = relayed(clause.text) if self.interpreted else clause.text
            # the company's promise to the customer, told ("he said ye'd be refunding me"): their
            # own ask, chased, whoever said it; someone in the room told of ("he says get it
            # back"), but an interpreter's "she says" is the holder's own word
            told = []
            if (tp := scopes["third_party"].search(voice)) and not scopes["promised_me"].search(
                voice
            ):
                told.append(tp.start())
            if not self.interpreted and (ts := _THEY_SAY.search(clause.text)):
                told.append(ts.start())
            told_at = None  # where a word told of someone else starts, when only it is theirs
            if other or in_quote:
                third = True
            elif told:
                third, told_at = True, None if self.interpreted else min(told)
            elif _FIRST_PERSON.search(voice):
                third = False
            said = _with_aside(clause.text, s.clauses[ci + 1 :])
            if si == 0 and (asked := self._asked_about(ti)) and _BACK.search(said):
                said = f"{said}, {asked}"  # "what about the account?" - "close it up"
            matches = self._matches(said)
            for kind, m, pattern in matches:
                before, after = clause.text[: m.start()], clause.text[m.end() :]
                later = " ".join([after, *(c.text for c in s.clauses[ci + 1 :])])
                # "don't bother sending the money back to my card": a negation reaches over
                # the same thing named just before
                plain_before = _without(before, [o.span() for k, o, _ in matches if k is kind])
                negated = (
                    (
                        scopes["negation"].search(plain_before)
                        and not _WHY_NOT.search(before)
                        and not _CUT_OFF_NO.search(plain_before)
                        and not scopes["unsaid_negation"].search(plain_before)
                        and not _HOW_IT_GOES.match(after)
                    )
                    or scopes["negated_after"].match(after)
                    or _WANT_NONE.search(m.group(0))
                )
                # someone else told of only well after the ask, in a sentence run on ("i'd like
                # the seven fifty back for the delivery please the flowers were lovely she
                # said"): that is theirs, the ask before it the customer's
                told_after = told_at is not None and _RUN_ON.search(clause.text, m.end(), told_at)
                third_here = third and not told_after
                theirs = not third_here and self._still_theirs(events[kind], clause.text, voice)
                if other and (negated or any(e.status is AskStatus.ASKED for e in events[kind])):
                    continue  # another speaker's no, or their word after the holder's own ask
                if kind in _MONEY_KINDS and self._credit_kept(ti, clause.text):
                    continue  # "put it on the account", the store credit offered: no money back
                if self._echoes_deed(ti, s, kind):
                    continue  # "I've refunded the 45" - "Refund?": surprise at it, no ask
                if negated and _part_asked(scopes["partial"], clause.text, later):
                    status = AskStatus.ASKED  # the whole refused, a part asked
                elif negated and ci in conditions:
                    # "..., as long as I don't have to post it back": a condition, not a no
                    status = AskStatus.HYPOTHETICAL
                elif negated:
                    status = AskStatus.DECLINED
                elif pattern.only_declined:
                    continue
                elif sarcastic:
                    status = AskStatus.DECLINED
                elif (third_here or theirs) and not (not other and _JOINS.search(s.text)):
                    status = AskStatus.THIRD_PARTY
                elif chasing:
                    status = AskStatus.ASKED
                elif (
                    ci in conditions
                    or ci in consequence
                    or (ci + 1 in conditions and _FUTURE.search(before) is not None)
                    or (_WILL.search(before) is not None and scopes["threat"].search(later))
                    or _IF_I_CHOSE.match(later)
                    or scopes["hypothetical"].search(plain[ci])
                    or (ci, m.start()) > alternative
                    or (timed and not request)
                ):
                    status = AskStatus.HYPOTHETICAL
                elif (
                    scopes["inquiry"].search(clause.text)
                    or (question and not request and not self._sum_wanted(kind, clause.text))
                ) and not _wanted_then_asked_how(before, after):
                    # how something works, asked in the ask's own clause ("I want a refund,
                    # tell me how long it takes" still asks)
                    status = AskStatus.QUESTION
                elif (
                    scopes["past_ask"].search(before)
                    or _said_done(clause.text, m)
                    or _GENERIC.match(after)
                    or (_DONE.match(m.group(0)) and _DONE_BY.search(before))
                    or _sent_by_other(before, m.group(0))
                    or (m.group(0).startswith("back") and _CAME_BACK.search(before))
                ):
                    if not self._not_come(ti, si, kind):
                        continue  # "my sister got a refund", "I closed it years ago": no ask now
                    # "she did a refund last week, it's not in my bank yet": that one chased
                    status, chasing = AskStatus.ASKED, True
                else:
                    status = AskStatus.ASKED
                # mocked, not meant: surely no ask, but not surely a no either
                conf = min(pattern.reliability, _SARCASM) if sarcastic else pattern.reliability
                if self._maybe_polite(status, s.text):
                    conf = min(conf, _POLITE)
                thing_meant = (
                    kind is AskKind.ACCOUNT_CLOSURE
                    and status is AskStatus.ASKED
                    and self._it_was_a_thing(ti, si, before, m, events[kind])
                )
                if (
                    status is AskStatus.THIRD_PARTY
                    and not other
                    and not theirs
                    and _addressed(clause.text, s.text)
                ):
                    conf = min(conf, _WHOSE)  # "my mum said you'd refund it, so please do"
                contrast = not retracting and _contrasted(events[kind], ti, si, m.group(0))
                if status is AskStatus.DECLINED and contrast:
                    continue  # "my 140 back on my card, not a credit": the form refused
                self.trace.append((str(kind), pattern.regex.pattern, str(status)))
                events[kind].append(
                    _Event(
                        (ti, si, ci * 1000 + m.start()),
                        status,
                        round(conf, 3),
                        _evidence(ti, clause),
                        self._asked_amount(kind, ti, si, s, ci, m, conf),
                        correction=retracting
                        or (
                            not new_problem
                            and not on_top
                            and (
                                scopes["correction"].search(clause.text) is not None
                                or self._repaired_since(ti, si, events[kind])
                            )
                        ),
                        addition=adding,
                        chase=chasing and status is AskStatus.ASKED,
                    )
                )
                if (
                    status is AskStatus.HYPOTHETICAL
                    and (retracting or timed)
                    and any(e.status is AskStatus.ASKED and e.order[0] < ti for e in events[kind])
                ):
                    # the ask made before, put off to later ("leave it then, I'll close it
                    # after Christmas"): dropped for now; surely only when let go in words
                    events[kind].append(
                        _Event(
                            (ti, si, ci * 1000 + m.end()),
                            AskStatus.RETRACTED,
                            _CHANGED if retracting else _UNDONE,
                            _evidence(ti, clause),
                        )
                    )
                if thing_meant:
                    # "my card's lost" - "close it": the card, likely; the account not surely
                    events[kind].append(
                        _Event(
                            (ti, si, ci * 1000 + m.end()),
                            AskStatus.RETRACTED,
                            _THING_MEANT,
                            _evidence(ti, clause),
                        )
                    )
                taken_back = scopes["retracted_after"].search(later)
                following = self.parsed[ti][si + 1].text if si + 1 < len(self.parsed[ti]) else ""
                if (taken_back and not _amounts(later[taken_back.end() :], True)) or (
                    kind in _MONEY_KINDS
                    and any(scopes["repaired_to"].search(t) for t in (later, following))
                ):
                    # "refund the $99, no wait, don't, I'll sort it myself"; "a refund, no
                    # sorry, I mean an exchange"
                    events[kind].append(
                        _Event(
                            (ti, si, ci * 1000 + m.end()),
                            AskStatus.RETRACTED,
                            round(conf, 3),
                            _evidence(ti, clause),
                        )
                    )
                last = kind
        if (
            last is None
            and not other
            and not third
            and (self._sum_asked(ti, si, s, events) or self._rest_asked(ti, si, s, events))
        ):
            last = AskKind.REFUND
        if not other:
            for kind in kept:
                events[kind].append(
                    _Event((ti, si, 999_999), AskStatus.DECLINED, 0.85, _evidence(ti, s))
                )
        return last

    def _repaired_since(self, ti: int, si: int, earlier: Sequence[_Event]) -> bool:
        """Whether a sentence of turn ``ti`` between its last ask of this kind and sentence
        ``si`` repairs it ("I want the forty-five back. No, wait, that's not fair on her.
        Give me half back"): the ask said next replaces that one, not adds to it."""
        last = next((e.order[1] for e in reversed(earlier) if e.order[0] == ti), None)
        if last is None:
            return False
        between = self.parsed[ti][last + 1 : si]
        return any(_SELF_CORRECTION.match(p.text) for p in between)

    def _sum_asked(
        self, ti: int, si: int, s: Sentence, events: dict[AskKind, list[_Event]]
    ) -> bool:
        """A sum the customer asks for in a sentence naming no deed, before any refund was
        granted, just after the agent spoke of refunding ("we do refund full unused weeks" -
        "so the two weeks, seventy pounds, please"), or a deed of giving back pointing at the
        sum the customer and the agent both just named ("20% of 158 is 31.60" - "I make it
        31.60 too. Please return that."): the refund asked, at that sum. Records it."""
        refund = events[AskKind.REFUND]
        agent = self._agent_before(ti)
        if agent is None or _granted(refund):
            return False
        if _asked(self.turns[ti].text, s):
            return False
        if _ALREADY_DONE.search(s.text) and not _DUE.search(s.text):
            return False  # "the $45 was already refunded on Monday, please check": told
        named = _sums(s.text)
        if named and _SUM_REQUEST.search(s.text) and self._spoke_of_refunding(agent):
            sum_ = _said(named[-1], 0.8 if named[-1].explicit else 0.7)
        elif not named and si and _GIVEN_BACK.search(s.text):
            said = self.parsed[ti][si - 1].text
            before = {
                a.value: a for a in _amounts(said, True) if not _NOT_THIS.search(said[: a.start])
            }
            offered = self._amounts_named(agent)
            if len(before) != 1 or not set(before) <= offered:
                return False
            sum_ = _said(next(iter(before.values())), 0.7)
        else:
            return False
        refund.append(_Event((ti, si, 0), AskStatus.ASKED, sum_.confidence, _evidence(ti, s), sum_))
        return True

    def _rest_asked(
        self, ti: int, si: int, s: Sentence, events: dict[AskKind, list[_Event]]
    ) -> bool:
        """The rest of the money asked for after the customer told of part of it come back
        ("the 50 deposit came back last week... could I have the rest now?"): the refund asked,
        at what is left of the two amounts the turn names (never sure). Records it."""
        refund = events[AskKind.REFUND]
        if _granted(refund):
            return False
        told = " ".join(p.text for p in self.parsed[ti][:si])
        if not (_REST_ASKED.search(s.text) and _WANTED.search(s.text) and _PART_BACK.search(told)):
            return False
        rest = self._worked_out(ti, s.text, None)
        if rest is None:
            return False
        refund.append(_Event((ti, si, 0), AskStatus.ASKED, rest.confidence, _evidence(ti, s), rest))
        return True

    def _spoke_of_refunding(self, ti: int) -> bool:
        """Whether agent turn ``ti`` speaks of refunding, not refusing it nor only on a
        condition ("we do refund unused weeks", "port taxes are refunded")."""
        return any(
            kind is AskKind.REFUND
            and not _REFUSING.search(clause.text[: m.start()])
            and not self._conditional(sentence.text, m)
            for sentence in self.parsed[ti]
            for clause in sentence.clauses
            for kind, m, _ in self._matches(clause.text)
        )

    def _credit_picked(self, ti: int, answer: str) -> bool:
        """Whether an answer picks the credit kept with the company that agent turn ``ti`` set
        out as an option beside the money ("the card, or store credit" - "yeah, the credit",
        "ok, put it on my account"), not refusing it nor asking the money back."""
        named = _CREDIT_NAMED.search(answer) or _ON_ACCOUNT.search(answer)
        return (
            self._credit_offered(ti)
            and named is not None
            and not _NEGATOR.search(answer, 0, named.start())
            and not _MONEY_OUT.search(answer)
        )

    def _money_picked(self, ti: int, answer: str) -> bool:
        """Whether an answer turns down the credit kept with the company that agent turn ``ti``
        set out beside the money, and asks the money out after it ("nah not a voucher, I want
        it on my card"): the money taken, whatever no it opens with."""
        named = _CREDIT_NAMED.search(answer)
        return (
            self._credit_offered(ti)
            and named is not None
            and _NEGATOR.search(answer, 0, named.start()) is not None
            and _MONEY_OUT.search(answer, named.end()) is not None
        )

    def _credit_offered(self, ti: int) -> bool:
        """Whether agent turn ``ti`` set out credit kept with the company as an option."""
        return any(
            kind is None and _KEPT_CREDIT.search(said.lower())
            for kind, said in self._option_texts(ti)
        )

    def _credit_kept(self, ti: int, clause: str) -> bool:
        """Whether a customer's clause only says where money goes, the account ("put it on the
        account"), just after the agent offered credit kept on it ("or put it on your account
        as store credit"): the credit taken, not money back."""
        agent = self._agent_before(ti)
        offered = agent is not None and _KEPT_CREDIT.search(self.turns[agent].text.lower())
        return (
            bool(offered)
            and _ON_ACCOUNT.search(clause) is not None
            and not _MONEY_OUT.search(clause)
        )

    def _not_come(self, ti: int, si: int, kind: AskKind) -> bool:
        """Whether customer turn ``ti``, from sentence ``si`` on, says the money told of as
        given has not reached them ("it's not in my bank yet", "hasn't shown up"): a chase."""
        not_come = self.lex.scopes["not_come"]
        return kind in _MONEY_KINDS and any(
            not_come.search(later.text) for later in self.parsed[ti][si:]
        )

    def _sum_wanted(self, kind: AskKind, clause: str) -> bool:
        """Whether an ask's own clause names the sum wanted ("idk what's fair, like 20 or 30
        back?"): a question around it hedges the amount, it does not seek information."""
        return kind in _MONEY_KINDS and bool(_amounts(clause, True))

    @staticmethod
    def _still_theirs(earlier: Sequence[_Event], clause: str, voice: str) -> bool:
        """Whether an ask pointing back at a thing ("please close it today") is about the
        someone else's thing the last ask of its kind was ("I want to close his account"):
        unless the customer now speaks of their own wish ("I want it closed too")."""
        return (
            bool(earlier)
            and earlier[-1].status is AskStatus.THIRD_PARTY
            and _BACK.search(clause) is not None
            and _FIRST_PERSON.search(voice) is None
        )

    def _others(self, ti: int) -> bool:
        """Whether turn ``ti`` is said by someone on the customer's side other than the
        account holder (guardrail.understanding.speakers)."""
        speaker = self.speakers[ti]
        return speaker is not None and speaker.other

    def _maybe_polite(self, status: AskStatus, text: str) -> bool:
        """Whether a question or musing may be a request put politely ("I was wondering if I
        could get a refund", "would it be possible to get my money back?"): then it is not
        surely no ask."""
        unasked = status in (AskStatus.QUESTION, AskStatus.HYPOTHETICAL)
        return unasked and self.lex.scopes["polite_ask"].search(text) is not None

    def _quoted_others(self, ti: int) -> list[tuple[int, int]]:
        """Spans of turn ``ti`` quoting someone else's words ("my ex emailed me this: 'close
        the joint account'", a message forwarded below); a quote of the customer's own letter
        is theirs."""
        raw = self.turns[ti].text
        spans = [(m.start(), len(raw)) for m in _FORWARDED.finditer(raw)][:1]
        for q in _QUOTE.finditer(raw):
            said_by = clean(raw[max(0, q.start() - 80) : q.start()])
            if self.lex.scopes["quoting_other"].search(said_by):
                spans.append((q.start(), q.end()))
        return spans

    def _new_problem(self, ti: int, refund: Sequence[_Event]) -> bool:
        """Whether turn ``ti``, or a turn since the money was last asked, describes a problem
        of a kind the turns up to that ask did not, after they described one ("i paid four
        ninety nine for next day and it come saturday so i want that back" - "and one of the
        mugs was in bits" - "so twelve for that one": the mug's twelve is more, not instead)."""
        asked = max(
            (e.order[0] for e in refund if e.status is AskStatus.ASKED and e.order[0] < ti),
            default=ti - 1,
        )
        before = {h[0] for h in self._issue_hits if h[2][0] <= asked}
        now = {h[0] for h in self._issue_hits if asked < h[2][0] <= ti}
        return bool(before) and bool(now - before)

    def _asked_now(
        self, ti: int, si: int, s: Sentence, events: dict[AskKind, list[_Event]]
    ) -> bool:
        """What was last only wondered about, asked now as it was put ("If I were to ask for
        the 65 back rather than a replacement...?" - "Not at all." - "Then consider yourself
        asked"): of several things wondered about at once, the first named (the others are
        what it is put against). Whether there was any."""
        last = {k: [e for e in es if e.status is not None][-1:] for k, es in events.items()}
        mused = [(e[0], k) for k, e in last.items() if e and e[0].status in _MUSED]
        if not mused:
            return False
        latest = max(e.order[:2] for e, _ in mused)
        musing, kind = min(((e, k) for e, k in mused if e.order[:2] == latest),
                           key=lambda m: m[0].order)  # fmt: skip
        events[kind].append(replace(musing, order=(ti, si, 0), status=AskStatus.ASKED,
                                    evidence=_evidence(ti, s)))  # fmt: skip
        return True

    def _credit_instead(self, ti: int, si: int, s: Sentence, refund: list[_Event]) -> None:
        """The money spoken of before taken as credit kept with the company instead ("just
        take it off next month's bill"): an ask taken back, an offer turned down; no money back.
        Credit asked for in the first place ("I'd like 15 taken off my next bill") is asked."""
        said = [e.status for e in refund if e.status is not None]
        if said and said[-1] is AskStatus.THIRD_PARTY:
            return  # another's ask on the line, the holder's choice over it: still theirs
        status = (
            AskStatus.RETRACTED
            if any(s.granted for s in said)
            else AskStatus.OFFERED_DECLINED
            if said and said[-1] in (AskStatus.OFFERED, AskStatus.OFFERED_DECLINED)
            else AskStatus.DECLINED
        )
        refund.append(_Event((ti, si, 999_998), status, _CREDIT_INSTEAD, _evidence(ti, s)))

    def _follow_up(
        self, ti: int, si: int, s: Sentence, events: dict[AskKind, list[_Event]], kind: AskKind
    ) -> None:
        """A customer sentence naming no ask: it may correct the amount ("actually twenty is
        fine"), add to it ("and $35 for the jug"), or take the last ask back ("never mind")."""
        scopes = self.lex.scopes
        if _ASKED_NOW.search(s.text) and self._asked_now(ti, si, s, events):
            return
        # "just the three fifteens": so many at a price, worked out
        found = _worked_amounts(s.text) if kind in _MONEY_KINDS else _amounts(s.text, False)
        amounts = [self._settled(a) for a in found if not _asks_of_other(s.text, a)]
        # "call it thirty of the sixty": the part, not the whole it is of
        amounts = [
            a
            for before, a in zip([None, *amounts], amounts, strict=False)
            if before is None or not _OF_WHOLE.fullmatch(s.text, before.end, a.start)
        ]
        # "nineteen, not twenty-four": the sum said not to be it is not asked, the other is,
        # in place of the one asked before
        denied = [a for a in amounts if _NOT_AFTER.search(s.text, 0, a.start)]
        instead = bool(denied) and len(denied) < len(amounts)
        if instead:
            amounts = [a for a in amounts if not any(a is d for d in denied)]
        # "keep the 35" lets an amount go; "I'll keep the four good ones" counts things
        sum_said = bool(amounts) and (
            amounts[0].explicit or _SUM_ENDS.match(s.text, amounts[0].end)
        )
        alone = _sum_alone(ti, s, amounts, events[kind]) and not (
            si > 0 and _total_of_parts(self.parsed[ti][si - 1].text, amounts[-1])
        )
        # the whole said as one sum ("so forty-four all together", "seventy-nine in all"): the
        # amount asked, in place of the parts that made it; not what was paid in all
        totalled = (
            bool(amounts)
            and _IN_ALL.match(s.text, amounts[-1].end) is not None
            and not _PAID.search(s.text[: amounts[-1].start])
            and (
                amounts[-1].explicit
                or not s.text[: amounts[-1].start].strip()
                or _SO.search(s.text[: amounts[-1].start]) is not None
            )
        )
        # the sum the agent just named, taken as the one wanted ("the 4 lessons missed would
        # be $60" - "alright, sixty and we're done"; "I can refund the whole 48" - "yes, the
        # whole forty-eight"): the ask stands at it, more or less than asked before
        taken = self.lex.scopes["accept"].search(s.text) and not _asked(self.turns[ti].text, s)
        agent = self._agent_before(ti)
        agreed = len(amounts) == 1 and (
            (bool(taken) and amounts[0].value in self._money_named(agent))
            # "which comes to seven forty-two" - "Seven forty-two. Yeah, okay, do that"
            or (
                self._said_back_then_taken(ti, si, s, amounts[0])
                and agent is not None
                and amounts[0].value in self._amounts_named(agent)
            )
        )
        correcting = (
            alone
            or agreed
            or instead
            or scopes["correction"].search(s.text)
            or scopes["retraction"].search(s.text)
            # the whole worked out ("so that is $57"): it replaces the part read before
            or (sum_said and len(amounts) == 1 and _TOTAL_STATED.match(s.text) is not None)
            or totalled
            # a self-repair before a sum said again ("hang on, it was $30", "no, $30"), unless
            # the sum is one more ("no, the charger was $30 too")
            or (
                sum_said
                and not _BOTH.search(s.text)
                and not _COUNTED.search(s.text)  # "no, you've done all 3": things counted
                and not _NOT_AFTER.search(s.text, 0, amounts[0].start)  # "not fifty": denied
                # the turn works it out after ("no, forty. twenty-five plus fifteen"): read there
                and not any(_amounts(n.text, True) for n in self.parsed[ti][si + 1 :])
                and (
                    _SELF_CORRECTION.search(s.text, 0, amounts[0].start)
                    or (si > 0 and _REPAIR_ALONE.match(self.parsed[ti][si - 1].text))
                )
            )
        )
        # more on top of a sum before ("the twelve as well"), not in its place; but for the
        # whole said ("put that on as well, so forty-four all together")
        on_top = self._on_top(ti, si)
        # nor the sum for the thing of a problem told since the ask ("the lid was cracked too"
        # - "right so 14 for the lid then"), unless repaired in words ("sorry, I meant 14")
        fresh = (
            kind in _MONEY_KINDS
            and _FOR_THING.search(s.text) is not None
            and self._new_problem(ti, events[kind])
            and not _SELF_CORRECTION.search(s.text)
        )
        correcting = correcting and (totalled or not (on_top or fresh))
        # what was paid told beside the ask said again ("I repeat, it is only the shipping, the
        # order was 62.95 total"): no sum asked in place of the one before, unless repaired
        # ("hang on, it was $30") or reckoned
        paid_only = (
            bool(amounts)
            and all(_PAID.search(s.text, 0, a.start) for a in amounts)
            and not on_top  # "and the delivery was £4.99 too": one more
        )
        if paid_only and not (alone or agreed or instead or totalled):
            correcting = correcting and bool(_SELF_CORRECTION.search(s.text, 0, amounts[0].start))
        # a sum asked as more ("yes please, the twelve as well") names what it adds; not one
        # told as charged too ("the courier also charged me twelve"), nor one already added
        asked = {a.value for _, a in _fold(events[kind]).amounts} if on_top else set()
        more = on_top and not any(
            _PAID.search(s.text, 0, a.start) or a.value in asked for a in amounts
        )
        named = correcting or more or (_CONTINUATION.match(s.text) and not paid_only)
        # a bare number said by itself is money only as a price ("it was 45", not "all 3") or
        # as the sum the agent just named, taken ("the teapot, eighteen pounds" - "yes, the
        # eighteen please"; not "Twenty? Nah", nor "Sixty. Okay. I need ask my boss")
        priced = [
            a
            for a in amounts
            if (
                named
                or a.explicit
                or _PAID.search(s.text[: a.start])
                or (taken and a.value in self._money_named(agent))
                or (fresh and _FOR_THING.match(s.text[a.end :].lstrip()) is not None)
            )
            and not _price_asked(self.turns[ti].text, s, a)
        ]
        # "don't bother, it's only a tenner": taken back, the sum made little of, not repaired
        made_little_of = bool(amounts) and _MADE_LITTLE_OF.search(s.text, 0, amounts[0].start)
        taken_back = bool(made_little_of and scopes["retraction"].search(s.text))
        if sum_said and kind in _MONEY_KINDS and (_lets_go(s.text, amounts) or taken_back):
            # one amount of several let go ("keep the two dollars, only the session") leaves
            # the rest asked; the only one, the ask
            rest = _rest_after_letting_go(_fold(events[kind]), amounts[0].value)
            events[kind].append(
                _Event((ti, si, 0), None, 0.8, _evidence(ti, s), rest, correction=True)
                if rest is not None
                else _Event((ti, si, 0), AskStatus.RETRACTED, 0.8, _evidence(ti, s))
            )
        elif (
            said := self._sum_said(ti, s, priced, 0.8 if named else 0.6)
        ) and kind in _MONEY_KINDS:
            # else an amount said later ("it was 45 dollars") stands only for an ask that named
            # none, and never surely: it may be what they paid
            events[kind].append(
                _Event(
                    (ti, si, 0),
                    AskStatus.ASKED
                    if _part_after_refusing(ti, s, amounts, events[kind])
                    # the sum said alone after taking back in this turn ("hold on, wrong line.
                    # ... Thirty-four, sorry"): a repair, the ask stands at it
                    or (alone and _taken_back_in(ti, events[kind]))
                    or _part_of_anothers_ask(s, amounts, events[kind])
                    else None,
                    0.75,
                    _evidence(ti, s),
                    said,
                    correction=bool(correcting),
                    fallback=not named,
                )
            )
        elif (
            not amounts
            and (agent := self._agent_before(ti)) is not None
            and (part := self._part_picked(agent, kind, ti, [s])) is not None
        ):
            # "two tickets at 28 and a 12 parking pass. All three?" - "just the tickets"
            events[kind].append(
                _Event((ti, si, 0), None, 0.75, _evidence(ti, s), part, correction=True)
            )
        elif self._takes_instead(ti, s, kind, events[kind]):
            # "shopping never came. refund it" - "I can refund the 35 or redeliver tomorrow" -
            # "tomorrow works. do that instead": the ask given up for the other thing
            events[kind].append(
                _Event((ti, si, 0), AskStatus.RETRACTED, _CHANGED, _evidence(ti, s))
            )
        elif self._wants_it_after_asking_about_it(ti, s, events[kind]):
            # "do I have to send it back to get a refund? because I want one"
            events[kind].append(_Event((ti, si, 0), AskStatus.ASKED, _POLITE, _evidence(ti, s)))
        elif self._points_elsewhere(s, kind, events[kind]):
            # "I want it closed. The card, I mean.": "it" was the card, not the account
            events[kind].append(_Event((ti, si, 0), AskStatus.RETRACTED, 0.6, _evidence(ti, s)))
        elif self._undoes_take_back(s, events[kind]):
            events[kind].append(_Event((ti, si, 0), AskStatus.ASKED, _UNDONE, _evidence(ti, s)))
        elif scopes["retraction"].search(s.text) and not amounts:
            target = self._named_kind(s.text, kind, events) or kind
            event = self._taking_back(ti, si, s, target, events[target])
            if event is not None:
                events[target].append(event)
        self._issues_in(ti, si, s)

    def _said_back_then_taken(self, ti: int, si: int, s: Sentence, said: Money) -> bool:
        """Whether customer sentence ``s`` says only the sum ``said`` and the next one takes
        it ("Seven forty-two. Yeah, okay, do that")."""
        following = self.parsed[ti][si + 1 : si + 2]
        # a bare "Okay." with more said after may only be heard, not agreed ("Sixty. Okay. I
        # need to ask my boss first")
        last = si + 2 == len(self.parsed[ti])
        return (
            bool(following)
            and (last or not _BARE_YES.fullmatch(following[0].text))
            and _SUM_ALONE_BEFORE.match(s.text[: said.start]) is not None
            and _SUM_ALONE_AFTER.match(s.text, said.end) is not None
            and self.lex.scopes["accept"].search(following[0].text) is not None
            and not _asked(self.turns[ti].text, following[0])
        )

    def _takes_instead(
        self, ti: int, s: Sentence, kind: AskKind, earlier: Sequence[_Event]
    ) -> bool:
        """Whether customer sentence ``s`` takes, in place of their own ask of ``kind``, the
        other thing the agent's turn just before offered ("I can refund it or redeliver
        tomorrow" - "do that instead"): the agent's last option is not the thing asked."""
        agent = self._agent_before(ti)
        if agent is None or not _TAKEN_INSTEAD.search(s.text):
            return False
        if not any(e.status is AskStatus.ASKED for e in earlier):
            return False
        said = " ".join(p.text for p in self.parsed[agent])
        offered = self.lex.scopes["offer"].search(said) or self._sets_out_options(agent)
        options = self._option_texts(agent)
        return bool(offered) and (not options or options[-1][0] is not kind)

    def _backing_out(self, ti: int, events: dict[AskKind, list[_Event]]) -> None:
        """The customer backing out of what they asked or took once the agent tells what it
        costs or brings ("a refund ends your promotion" - "oh, then don't", "no. leave it"):
        the last thing wanted before that agent turn is taken back."""
        agent = self._told_what_it_costs(ti)
        if agent is None or self._others(ti):
            return
        scopes = self.lex.scopes
        said = [(s, s.text) for s in self.parsed[ti]]
        if said and self._closing(agent):  # "no, that's all" answers "anything else?"
            said[0] = (said[0][0], _BARE_NO.sub("", said[0][1]))
        backing = [
            s
            for s, text in said
            if scopes["refuse"].search(text)
            or scopes["retraction"].search(text)
            or _BACK_OUT.search(text)
        ]
        taking = [
            s
            for s, text in said
            if s not in backing
            and scopes["accept"].search(_opening(text))
            and not scopes["decline"].search(_opening(text))
        ]
        if not backing or (taking and taking[-1].start > backing[-1].start):
            return  # "no... oh fine, go ahead": taken all the same
        wanted = [
            (e.order, kind)
            for kind, kind_events in events.items()
            for e in kind_events
            if e.order[0] < agent and e.status is not None and e.status.granted
        ]
        if not wanted:
            return
        kind = max(wanted)[1]
        asks = self.turns[agent].text.rstrip().endswith("?")
        if asks and set(self._offered_kinds(agent)) - {kind}:
            return  # the no may turn down the other thing that turn puts forward
        events[kind].append(
            _Event((ti, 0, -1), AskStatus.RETRACTED, 0.8, _evidence(ti, backing[-1]))
        )

    def _told_what_it_costs(self, ti: int) -> int | None:
        """The agent's turn that told what the customer's ask costs or brings, just before
        turn ``ti`` or before the customer's questions about it and their answers ("a $15
        fee" - "fifteen bucks? when's the 90 days up?" - "July 1" - "I'll leave it then")."""
        agent = self._agent_before(ti)
        for _ in range(_QUESTIONS_ABOUT_IT + 1):
            if agent is None:
                return None
            if any(self.lex.scopes["consequence"].search(s.text) for s in self.parsed[agent]):
                return agent
            # a question about it anywhere in the turn ("wait, I lose the miles? I need them")
            asked = [t for t in range(agent) if self.turns[t].role == "customer"][-1:]
            if not asked or "?" not in self.turns[asked[0]].text:
                return None
            agent = self._agent_before(asked[0])
        return None

    def _agent_before(self, ti: int) -> int | None:
        """The agent's turn just before turn ``ti``, past any platform events."""
        before = ti - 1
        while before >= 0 and self.turns[before].role == "system":
            before -= 1
        return before if before >= 0 and self.turns[before].role == "agent" else None

    def _put_off(self, ti: int, si: int, s: Sentence, events: dict[AskKind, list[_Event]]) -> None:
        """A decision put off ("I'll have a think and talk to my husband", "maybe another
        time"): what the customer asked in this turn or their last one is not asked now,
        unless the sentence puts off something else ("I'll think about the upgrade")."""
        deferral = self.lex.scopes["deferral"].search(s.text)
        if deferral is None:
            return
        before = [i for i in range(ti) if self.turns[i].role == "customer"]
        since = before[-1] if before else ti
        other = _DEFERRED_THING.match(s.text, deferral.end())
        for kind, kind_events in events.items():
            last = max(kind_events, key=lambda e: e.order, default=None)
            if last is None or last.status is None or not last.status.granted:
                continue
            cue = self.lex.cues.get(kind)
            if last.order[0] >= since and (other is None or (cue and cue.search(other[0]))):
                kind_events.append(_Event((ti, si, 0), AskStatus.RETRACTED, 0.8, _evidence(ti, s)))

    def _wants_it_after_asking_about_it(
        self, ti: int, s: Sentence, earlier: Sequence[_Event]
    ) -> bool:
        """Whether the customer, just after asking about a thing or musing on it in this turn,
        says they want it ("surely I'm entitled to a refund? I want one"): an ask, not sure."""
        return (
            bool(earlier)
            and earlier[-1].order[0] == ti
            and earlier[-1].status in (AskStatus.QUESTION, AskStatus.HYPOTHETICAL)
            and self.lex.scopes["wants_it"].search(s.text) is not None
        )

    def _it_was_a_thing(
        self, ti: int, si: int, before: str, m: re.Match[str], earlier: Sequence[_Event]
    ) -> bool:
        """Whether a closure asked of "it" ("yes, close it") points back to a card, an order
        or the like named last, by the customer or the agent, rather than to the account; "it"
        after a closure already asked ("I want out, close it") is that closure."""
        if _PRONOUN_OBJECT.search(m.group(0).lower()) is None:
            return False
        if any(e.status is AskStatus.ASKED for e in earlier):
            return False
        said = [before, *(p.text for p in reversed(self.parsed[ti][:si]))]
        for back in range(ti - 1, max(-1, ti - 3), -1):
            said.extend(p.text for p in reversed(self.parsed[back]))
        for text in said:
            named = list(_NAMED_THING.finditer(text.lower()))
            if named:
                return named[-1].group("account") is None
        return False

    def _points_elsewhere(self, s: Sentence, kind: AskKind, earlier: Sequence[_Event]) -> bool:
        """Whether a sentence names what a closure asked of "it" was ("the card, I mean",
        "close the card"): a thing other than the account, so the account may stay; never
        surely (the customer may want both)."""
        last = earlier[-1] if earlier else None
        return (
            kind in (AskKind.ACCOUNT_CLOSURE, AskKind.CANCELLATION)
            and last is not None
            and last.status is not None
            and last.status.granted
            and _PRONOUN_OBJECT.search(last.evidence.text.lower()) is not None
            and _OTHER_OBJECT.match(s.text) is not None
        )

    def _undoes_take_back(self, s: Sentence, earlier: Sequence[_Event]) -> bool:
        """Whether a sentence turns back to an ask just taken back ("no wait, yes, put it
        through"): the ask stands again, never surely (the customer said both)."""
        return (
            bool(earlier)
            and earlier[-1].status is AskStatus.RETRACTED
            and self.lex.scopes["reaffirm"].search(s.text) is not None
        )

    def _taking_back(
        self, ti: int, si: int, s: Sentence, kind: AskKind, earlier: Sequence[_Event]
    ) -> _Event | None:
        """What a customer's "actually, don't bother" does to the last ask: nothing when it
        names something else ("don't bother with the email"); else takes it back, surely only
        when it does not answer an agent's question about something else."""
        cue = self.lex.cues.get(kind)
        named_asked = self._names_asked(s.text, earlier)
        if self._names_other(s.text, kind) and not named_asked:
            return None
        held = self.lex.scopes["retraction"].search(s.text)
        if held is not None and held.group(0) == "hold on" and _ADDED.search(s.text):
            return None  # "oh, and hold on, the jug's got a crack in it too": one more
        if _ONE_OF.search(s.text) and any(_PICKED.match(n.text) for n in self.parsed[ti][si + 1 :]):
            return None  # "nah, don't bother with that one... just the 29": a part let go
        if self._other_request and not named_asked and (cue is None or not cue.search(s.text)):
            return None  # "close it. also email me the statement. never mind, I'll download it"
        asked = self._agent_question_before(ti)
        about_other = asked is not None and (cue is None or not cue.search(asked))
        conf = _UNDONE if about_other else 0.8
        return _Event((ti, si, 0), AskStatus.RETRACTED, conf, _evidence(ti, s))

    def _condition_alone(self, ti: int, si: int) -> bool:
        """Whether sentence ``si`` of turn ``ti`` is a condition and nothing else ("if it packs
        in again."), not asked: its outcome is said in the sentence after it, as a transcript
        without punctuation splits a sentence in two."""
        s = self.parsed[ti][si]
        condition = self.lex.scopes["condition"]
        raw = self.turns[ti].text
        if _asked(raw, s) or not _IF_FIRST.match(s.text):
            return False  # "what would happen if I closed it...": a question, however ended
        plain = [self.lex.scopes["polite_if"].sub(" ", c.text) for c in s.clauses]
        return len(_conditions(s, plain, condition, raw)) == len(s.clauses)

    def _requests(self, s: Sentence) -> bool:
        """Whether a customer sentence naming no ask asks the agent for something ("can you
        email me the statement", "please send the receipt"), not only thanks, a take-back or a
        question echoing the agent ("fifteen percent?", "it's already done?")."""
        text = s.text
        if self.lex.scopes["retraction"].search(text) or _COURTESY.fullmatch(text):
            return False
        return bool(_ADDRESSED.search(text) or self.lex.scopes["request"].search(text))

    def _named_kind(
        self, text: str, kind: AskKind, events: dict[AskKind, list[_Event]]
    ) -> AskKind | None:
        """The ask a "no need of money" or "don't bother with the money" names when it is not
        the last one (``kind``) but another still asked ("send the replacement. No need of
        money"): that one is taken back."""
        named = self.lex.scopes["retracted_thing"].search(text)
        if named is None or not self._names_other(text, kind):
            return None
        for other, said in events.items():
            cue = self.lex.cues.get(other)
            if other is not kind and _granted(said) and cue is not None and cue.search(named[0]):
                return other
        return None

    def _names_asked(self, text: str, earlier: Sequence[_Event]) -> bool:
        """Whether a "don't worry about the delivery fee thing" names the thing the customer
        asked for in words of its own ("can I get the 12.99 delivery fee back?"), whatever
        the ask kind's cues say."""
        named = self.lex.scopes["retracted_thing"].search(text)
        if named is None:
            return False
        words = set(_CONTENT.findall(named.group(0))) - _NOT_A_THING
        asked = (e.evidence.text.lower() for e in earlier if e.status is AskStatus.ASKED)
        return any(words & set(_CONTENT.findall(a)) for a in asked)

    def _pushed_past_no(self, ti: int, events: list[_Event]) -> bool:
        """Whether agent turn ``ti`` does what the customer last turned down ("no, just the
        repair" - "I'll put the eight through anyway" - "ok whatever"), and the customer lets
        it pass rather than take it: an "ok", "fine" or "whatever" to the agent's own doing
        after their no is no yes; only a plain one ("oh go on then, thanks") takes it."""
        stood = [e.status for e in events if e.status is not None]
        if not stood or stood[-1] not in (AskStatus.OFFERED_DECLINED, AskStatus.DECLINED):
            return False
        answer = self._next_customer(ti)
        if answer is None or not self.parsed[answer]:
            return True
        said = [_opening(p.text) for p in self.parsed[answer][:2]]
        if self.lex.scopes["grudging"].search(said[0]) or _LETS_PASS.match(said[0]):
            return True
        # "well, forty's forty. yeah righto, I'll take that": taken, a sentence on
        return not any(self.lex.scopes["accept"].search(text) for text in said)

    def _thing_instead(self, answer: str) -> bool:
        """Whether an answer to an offer of money asks for the thing itself instead (a new
        one, a swap), with no money named: the money turned down."""
        return not _amounts(answer, True) and any(
            kind is AskKind.REPLACEMENT for kind, _, _ in self._matches(answer)
        )

    def _names_other(self, text: str, kind: AskKind) -> bool:
        """Whether a "no need", "don't bother" or "not interested" names a thing other than an
        ask of ``kind`` ("don't bother with the email", "no need for a receipt")."""
        cue = self.lex.cues.get(kind)
        named = self.lex.scopes["retracted_thing"].search(text)
        return named is not None and (cue is None or not cue.search(named.group(0)))

    def _asked_about(self, ti: int) -> str | None:
        """The account (or membership...) an open question of the agent just before turn
        ``ti`` names ("what would you like to do with the account now?"), which "it" in the
        answer points back to; None when the question itself offers something."""
        question = self._agent_question_before(ti)
        if question is None or self._matches(question):
            return None
        named = _ASKED_THING.search(question)
        return named.group(0) if named else None

    def _agent_question_before(self, ti: int) -> str | None:
        """The question the agent's turn just before customer turn ``ti`` ends with, if any."""
        before = self._agent_before(ti)
        if before is None:
            return None
        if not self.turns[before].text.rstrip().endswith("?") or not self.parsed[before]:
            return None
        return self.parsed[before][-1].text

    def _agent_sentence(
        self, ti: int, si: int, s: Sentence, events: dict[AskKind, list[_Event]]
    ) -> None:
        scopes = self.lex.scopes
        made = self._made_before(ti, si, s, events[AskKind.REFUND])
        for clause in s.clauses:
            # one offer of a kind in a clause, read from its surest phrase ("I can refund 15 as
            # a gesture": the refund, not the gesture)
            best: dict[AskKind, tuple[AskKind, re.Match[str], _Pattern]] = {}
            for kind, m, pattern in self._matches(clause.text):
                if kind not in best or pattern.reliability > best[kind][2].reliability:
                    best[kind] = (kind, m, pattern)
            for kind, m, pattern in best.values():
                offered, restated = self._offered(ti, s, m)
                if not offered or (made and kind is AskKind.REFUND):
                    continue
                status, corrected = self._answer(ti, kind)
                if status is AskStatus.OFFERED_ACCEPTED and restated and corrected is None:
                    status = self._confirmed(ti)
                pick = self._own_pick(ti, kind, events)
                if status is AskStatus.OFFERED_ACCEPTED and pick == (kind,):
                    status = AskStatus.ASKED
                elif pick is not None and pick != (kind,) and _granted(events[kind]):
                    # the other thing set out taken in place of their own ask ("do I get
                    # anything back?" - "15 back or next month free" - "free month is grand")
                    status = AskStatus.RETRACTED
                conf = pattern.reliability
                # asked about there or after it ("I can return the 18. Would you like that?")
                asked = any(scopes["offer_question"].search(p.text) for p in self.parsed[ti][si:])
                asked = asked or self._proposes(ti, s, m)
                choice = asked or self._sets_out_options(ti)
                said = corrected or self._amount(kind, s, s.clauses.index(clause), m.span(), 0.85)
                less = _LESS.search(clause.text, m.start()) if kind in _MONEY_KINDS else None
                if corrected is None and less is not None:
                    # "the 144 back less the 12": what is left, as a customer's ask is read
                    said = self._worked_out(ti, clause.text, less)
                elif said is None and kind in _MONEY_KINDS and si > 0:
                    said = _whole_stated(self.parsed[ti][si - 1].text)
                if corrected is None and scopes["part_paid"].search(s.text):
                    said = None  # "the 8 for the first one now": a part paid, not the sum asked
                # a yes to an offer meeting the terms the customer set is their choice, not the
                # agent's word alone; terms set and not met leave it open, never surely
                met = status is AskStatus.OFFERED_ACCEPTED and _meets_terms(events[kind], said)
                if not restated and not choice and not met:
                    conf = min(conf, 0.5)  # "I'll close the account now": a confirmation
                    if status is AskStatus.OFFERED_ACCEPTED and self._pushed_past_no(
                        ti, events[kind]
                    ):
                        status = AskStatus.OFFERED_DECLINED
                if status is AskStatus.OFFERED_ACCEPTED and self._hesitant_yes(ti):
                    # "Oh. Okay.": the agent's word let pass, neither taken nor turned down
                    status, conf = AskStatus.OFFERED, min(conf, 0.5)
                if status is AskStatus.HYPOTHETICAL:
                    conf = min(conf, _UNDONE)
                events[kind].append(
                    _Event(
                        (ti, 0, 0),
                        status,
                        conf,
                        _evidence(ti, clause),
                        said,
                        correction=True,
                        # another thing offered back as well ("would you like that one back too?")
                        addition=kind in _MONEY_KINDS and _TOO.search(clause.text) is not None,
                        put_to_them=said is not None and self._put_to_them(ti, s, said.value),
                    )
                )
        # a sum said of the refund made before ("processed on the third, 35 pounds") is no offer
        proposed = (
            not made
            and events[AskKind.REFUND]
            and not any(self._matches(c.text) for c in s.clauses)
        )
        if proposed and self._amount_offered(ti, s, events[AskKind.REFUND]):
            return  # "how about 20?": another amount of the same refund, not another thing
        if _INSTEAD.search(s.text) and scopes["offer"].search(s.text):
            self._alternative(ti, s, events)

    def _on_top(self, ti: int, si: int) -> bool:
        """Whether the customer's sentence asks its sum as more on top of one before ("then I
        want that 35 back too", "the fee as well"), the word maybe split off as its own ("...
        back. Also.")."""
        said = self.parsed[ti]
        return _TOO.search(said[si].text) is not None or (
            si + 1 < len(said) and _TOO.fullmatch(said[si + 1].text.strip(" .!,")) is not None
        )

    def _made_before(self, ti: int, si: int, s: Sentence, refund: list[_Event]) -> bool:
        """Whether the agent finds the refund the customer chases was made before this call
        ("I can see the refund was issued on the ninth"): then the chase was a question about
        it, and asks no other refund, unless the customer asks again after. An amount said
        after the chase ("thirty-five pound") is of it."""
        last = next((e for e in reversed(refund) if e.status is not None), None)
        if last is None or not last.chase or not self.lex.scopes["made_before"].search(s.text):
            return False
        refund.append(
            _Event((ti, si, 0), AskStatus.QUESTION, _CHASE_ANSWERED, _evidence(ti, s), settles=True)
        )
        return True

    def _alternative(self, ti: int, s: Sentence, events: dict[AskKind, list[_Event]]) -> None:
        """Something else offered instead ("I can offer a repair instead?") and taken ("ok, a
        repair is fine then"): what the customer asked before may be dropped; never surely.
        The thing named as given up for it ("instead of closing it") is not the other thing."""
        named = {k for c in s.clauses for k, _, _ in self._matches(_GIVEN_UP.sub("", c.text))}
        for kind, kind_events in events.items():
            asked = any(e.status is AskStatus.ASKED for e in kind_events)
            if asked and kind not in named and self._answer(ti, kind)[0].granted:
                kind_events.append(
                    _Event((ti, 0, 0), AskStatus.RETRACTED, _ALTERNATIVE, _evidence(ti, s))
                )

    def _amount_offered(self, ti: int, s: Sentence, refund: list[_Event]) -> bool:
        """An amount the agent proposes for the refund spoken of, naming no refund ("how
        about 30?", "I could do 35 to cover the postage?"): taken by the customer's yes, it is
        the amount agreed, though not surely (it may be a time or a count). Worked out ("so
        that would be 38.80 back, and the 8.00 fee stays"), it is the sum the reckoning names,
        not one said after it."""
        said = _amounts(s.text, True)
        total = _total_of(s.text, said, {a.value for _, a in _fold(refund).amounts})
        offered = total is not None or any(
            self.lex.scopes[scope].search(s.text)
            for scope in ("offer", "offer_question", "reckoning")
        )
        if not said or not offered:
            return False
        if _CREDIT_AMOUNT.search(s.text) and not _MONEY_OUT.search(s.text):
            return False  # "I'll pass that to accounts for a £28 credit": kept, not paid back
        if self.lex.scopes["part_paid"].search(s.text):
            return True  # "the first instalment of 10 today": a part paid, not the sum agreed
        status, corrected = self._answer(ti, AskKind.REFUND)
        if (
            status is AskStatus.OFFERED_ACCEPTED
            and not _asked(self.turns[ti].text, s)
            and self._pushed_past_no(ti, refund)
        ):
            status = AskStatus.OFFERED_DECLINED  # "I'll pop it through anyway" - "whatever"
        if status is AskStatus.OFFERED_ACCEPTED:
            reckoned = self.lex.scopes["reckoning"].search(s.text)
            # the first sum after the reckoning's words, not a rate on the way ("the difference
            # is 8.20 a month, two months, so 16.40")
            named = (
                [total]
                if total is not None
                else [
                    a
                    for a in said
                    if reckoned and a.start >= reckoned.end() and not _priced_each(s.text, a)
                ][:1]
                or said[-1:]
            )
            amount = corrected or _said(named[0], _PROPOSED)
            # a total of the parts the customer named is theirs, however the agent says it
            put = total is not None or self._put_to_them(ti, s, amount.value)
            refund.append(
                _Event((ti, 0, 0), status, _PROPOSED, _evidence(ti, s), amount, put_to_them=put)
            )
        return True

    def _offered(self, ti: int, s: Sentence, m: re.Match[str]) -> tuple[bool, bool]:
        """Whether an agent's sentence offers what ``m`` names, and whether it does so by
        restating the customer's wish ("I understand you want to close your account?"); in
        a turn setting out options ("I have two options: the first is..."), each is offered."""
        at = s.text.find(m.group(0))
        if at > 0 and _DONE_BY_YOU.search(s.text, 0, at) and _DEED_DONE.match(m.group(0)):
            return False, False  # "just to confirm, you cancelled on February 26?": a fact
        # up to the end of the phrase: the offer's words may be the phrase's ("would you
        # like 35 back")
        said_before = s.text[: at + len(m.group(0))] or s.text
        restated = self.lex.scopes["restating"].search(said_before) is not None
        offer = self.lex.scopes["offer"].search(said_before) is not None
        # "as a goodwill gesture, I can do 58": the phrase names what the offer after it is
        framed = _FRAME.search(s.text, 0, at) is not None and bool(
            self.lex.scopes["offer"].match(_FRAMED.sub("", s.text[len(said_before) :]))
        )
        offered = restated or offer or framed
        return offered or self._proposes(ti, s, m) or self._sets_out_options(ti), restated

    def _proposes(self, ti: int, s: Sentence, deed: re.Match[str]) -> bool:
        """Whether agent sentence ``s`` proposes the deed ``deed`` names as a question ("Want
        the 20 back?", "I'd like to refund the delivery, if that's alright?"): an offer the
        answer settles; not a question after a proposal of something else ("I'd like to know,
        did the refund go through?")."""
        if not _asked(self.turns[ti].text, s):
            return False
        start = s.text.find(deed.group(0))
        return any(
            len(s.text[p.end() : start].split()) <= 2
            for p in self.lex.scopes["proposing"].finditer(s.text)
            if p.start() <= start
        )

    def _own_pick(
        self, ti: int, kind: AskKind, events: dict[AskKind, list[_Event]]
    ) -> tuple[AskKind | None] | None:
        """The option the customer picked, by its place, price, name or words, from options
        turn ``ti`` set out in answer to their own ask of ``kind``, or of a cancellation it is
        one way of ("I want to cancel everything" - "downgrade, or close the account?" - "the
        second one"): the thing it asks for, or (None,) for an option that is none ("next
        month free"); None when they asked nothing of it or picked none."""
        family = _LEAVING if kind in _LEAVING else frozenset({kind})
        own = any(e.status is AskStatus.ASKED for k in family for e in events[k])
        answer = self._next_customer(ti)
        if not own or answer is None or len(self._options(ti)) < 2:
            return None
        parsed = self.parsed[answer]
        priced = self._priced_option(ti, parsed)
        if priced is not None:
            return (priced[0],)
        placed = self._placed(ti, parsed)
        if placed is not None:
            return placed
        named = self._chosen(ti, self._answer_start(parsed)) or self._named_choice(ti, parsed)
        return (named,) if named is not None else self._worded(ti, answer)

    def _worded(self, ti: int, at: int) -> tuple[AskKind | None] | None:
        """The one option of turn ``ti`` whose own words answer turn ``at`` says back in its
        first sentence ("refund the 15 or give you next month free" - "free month is grand"):
        the thing it asks for, or (None,) for one that is none; None when it says back no
        option's words, or more than one's, or says them under a no or as a question."""
        if not self.parsed[at] or _asked(self.turns[at].text, first := self.parsed[at][0]):
            return None
        if _NEGATOR.search(first.text) or _LEFT_TO_THEM.search(first.text):
            return None
        words = _content_words(first.text)
        shared = [
            kind
            for kind, text in self._option_texts(ti)
            if words & _content_words(_LEFT_TO_THEM.split(text)[0])
        ]
        return (shared[0],) if len(shared) == 1 else None

    def _sets_out_options(self, ti: int) -> bool:
        """Whether turn ``ti`` sets out options to choose from ("two options for you")."""
        return any(self.lex.scopes["options"].search(p.text) for p in self.parsed[ti])

    @functools.cached_property
    def _agent_acts(self) -> list[tuple[AskKind, int, int, Sentence, re.Match[str]]]:
        """What the agent said they do or did, unoffered and not refused or asked about
        ("Sure, closing your account", "refunding the 20 now"): as if the customer asked."""
        acts = []
        for ti, turn in enumerate(self.turns):
            if turn.role != "agent":
                continue
            for si, s in enumerate(self.parsed[ti]):
                asked = _asked(turn.text, s)
                for clause in s.clauses:
                    for kind, m, _ in self._matches(clause.text):
                        before = clause.text[: m.start()]
                        if asked or self._offered(ti, s, m)[0] or _REFUSING.search(before):
                            continue
                        if _RULE_NAMED.match(clause.text, m.start()) or _RULED_OUT.match(
                            clause.text, m.end()
                        ):
                            continue  # "our refund window is 30 days", "refunds aren't possible
                            # once the work's done": the rule, no refund
                        acts.append((kind, ti, si, s, m))
        return acts

    def _confirmed(self, ti: int) -> AskStatus:
        """How the customer's yes to the agent's restatement of their wish in turn ``ti``
        stands: their own ask, made before the agent spoke, unless the yes is grudging ("I
        suppose so": the agent's idea, taken)."""
        answer = self._next_customer(ti)
        first = self.parsed[answer][0].text if answer is not None and self.parsed[answer] else ""
        grudging = self.lex.scopes["grudging"].match(first)
        return AskStatus.OFFERED_ACCEPTED if grudging else AskStatus.ASKED

    def _answer(self, ti: int, kind: AskKind) -> tuple[AskStatus, _Said | None]:
        """How the customer answered an offer made in turn ``ti``, and the amount they
        corrected it to ("no no, eighteen, not eighty": the offer taken, at 18)."""
        for at in range(ti + 1, len(self.turns)):
            if self.turns[at].role != "customer" or self._others(at):
                continue  # only the holder's answer takes or turns down an offer
            parsed = self.parsed[at]
            first = self._answer_start(parsed, ti)
            whole = " ".join(s.text for s in parsed[:3])
            if self._closing(ti):  # "no" to "anything else?" answers only that
                first, whole = _BARE_NO.sub("", first), _BARE_NO.sub("", whole)
            topics = self._topic_answers(ti, kind, parsed[:4])
            if topics is not None:
                return topics
            scopes = self.lex.scopes
            accepting = (
                scopes["accept"].search(first)
                and not scopes["decline"].search(first)
                and not _THANKS.match(first)  # "thanks, but no need": a polite no
                and not _thanked_but(first)  # "that's very kind, but I'll manage"
            )
            if scopes["noted"].search(first):
                return AskStatus.OFFERED, None  # "ok good to know": told, not taken up
            if _thanked_but(first) and scopes["decline"].search(_after_but(first)):
                return AskStatus.OFFERED_DECLINED, None  # "aw, that's sweet, but no, ..."
            if accepting and self._answers_other_question(ti, kind, whole):
                return AskStatus.OFFERED, None  # "okay, yeah, the texts are annoying"
            terms = self._terms(first) if accepting else None
            if terms is not None:
                # "ok if it's the full 45": not the offer as made, the customer's own terms
                wanted = _amounts(terms, True) if kind in _MONEY_KINDS else []
                return AskStatus.HYPOTHETICAL, _said(wanted[-1], 0.8) if wanted else None
            corrected_thing = self._the_other(ti, kind, parsed)
            if corrected_thing is not None:
                return corrected_thing
            if kind in _MONEY_KINDS and self._credit_picked(ti, whole):
                return AskStatus.OFFERED_DECLINED, None  # "yeah, the credit": not the money
            if kind in _MONEY_KINDS and not accepting and self._thing_instead(whole):
                # "I can refund the 60 instead?" - "I just need internet, a new router please"
                return AskStatus.OFFERED_DECLINED, None
            if kind in _MONEY_KINDS and self._money_picked(ti, whole):
                return AskStatus.OFFERED_ACCEPTED, None  # "not a voucher, on my card"
            if scopes["decline_anywhere"].search(whole) or scopes["deferral"].search(whole):
                if not accepting:
                    return AskStatus.OFFERED_DECLINED, None
                # "yes please, no need for a receipt": the no is about another thing; a yes
                # and a bare no together cannot tell
                elsewhere = self._names_other(whole, kind)
                return AskStatus.OFFERED_ACCEPTED if elsewhere else AskStatus.OFFERED, None
            if kind in _MONEY_KINDS and _waves_off(whole):
                return AskStatus.OFFERED_DECLINED, None  # "forget the twenty bucks"
            priced = self._priced_option(ti, parsed)
            if priced is not None:
                # "the cheaper one": the option of that price, at its amount
                chosen, money = priced
                if chosen is not kind:
                    return AskStatus.OFFERED_DECLINED, None
                return AskStatus.OFFERED_ACCEPTED, (
                    _said(money, 0.8) if kind in _MONEY_KINDS else None
                )
            placed = self._placed(ti, parsed)
            if placed is not None:
                # "three weeks? nah. the second one": the no is to the other option
                return (
                    AskStatus.OFFERED_ACCEPTED if placed[0] is kind else AskStatus.OFFERED_DECLINED
                ), None
            if scopes["decline"].search(first):
                # another sum, or a part's, named with the no ("no, eighteen, not eighty"; "just
                # the covers, 18"), not the one amount offered said again as what it is ("nah,
                # you're alright, it's only eighteen quid"); or a part of several picked
                again = self._offered_alone(ti)
                other = [a for a in _sums(first) if a.value not in again]
                if kind in _MONEY_KINDS and other:  # not "the three odd ones"
                    return AskStatus.OFFERED_ACCEPTED, _said(other[0], 0.8)
                named = _part_named(parsed[:3])
                if named is not None and named.value in again:
                    named = None
                if kind in _MONEY_KINDS and _MONEY_REFUSED.search(whole):
                    # "I don't want money. Can you just get it fixed?": what follows is the
                    # other way, no part of the sum
                    return AskStatus.OFFERED_DECLINED, None
                part = named or self._part_picked(ti, kind, at)
                if part is not None:
                    return AskStatus.OFFERED_ACCEPTED, part
                return AskStatus.OFFERED_DECLINED, None
            chosen = self._chosen(ti, first) or self._named_choice(ti, parsed)
            if chosen is not None:
                return (
                    AskStatus.OFFERED_ACCEPTED if chosen is kind else AskStatus.OFFERED_DECLINED
                ), None
            if self.lex.scopes["accept"].search(first) and not _thanked_but(first):
                # "yes but only the 10th one": the offer taken in part, at that part's amount
                return AskStatus.OFFERED_ACCEPTED, self._part_picked(ti, kind, at)
            if kind in _MONEY_KINDS and _NARROWED.match(first):
                # "only the mug please. 11.99": taken in part, at the part's amount; of a part
                # whose amount nobody said, cannot tell
                part = _part_named(parsed[:3]) or self._part_picked(ti, kind, at)
                return (AskStatus.OFFERED_ACCEPTED, part) if part else (AskStatus.OFFERED, None)
            if kind in _MONEY_KINDS and self._said_back(ti, parsed, at):
                return AskStatus.OFFERED_ACCEPTED, None  # "Seventy. Put it on my card."
            counter = self._counter(ti, at) if kind in _MONEY_KINDS else None
            if counter is not None:
                return AskStatus.OFFERED_ACCEPTED, _said(counter, 0.8)
            if at + 1 < len(self.turns) and self.turns[at + 1].role == "customer":
                continue  # one reply sent as several messages ("ah the new season is out" -
                # "credit is fine ill be back"): a message deciding nothing leaves it to the next
            return AskStatus.OFFERED, None
        return AskStatus.OFFERED, None

    def _said_back(self, ti: int, answer: Sequence[Sentence], at: int) -> bool:
        """Whether answer turn ``at`` says back, flat, the amount agent turn ``ti`` offered and
        then takes it or asks for it ("Seventy. Put it back on my card"), asking nothing: the
        amount taken. Said back as a question ("Seventy? Is that all?") or mulled over
        ("Fourteen. Hm.") it is weighed, not taken."""
        if len(answer) < 2:
            return False
        named = self._amounts_named(ti)
        then = answer[1].text
        return (
            _echoed(answer[0].text, named)
            and "?" not in self.turns[at].text[: answer[1].end + 1]
            and bool(self.lex.scopes["accept"].search(then) or self._matches(then))
        )

    def _answers_other_question(self, ti: int, kind: AskKind, answer: str) -> bool:
        """Whether a yes answers the question agent turn ``ti`` ends on, about another thing
        than its offer of ``kind`` ("I could refund the 28. Also, shall I switch off the
        texts?" - "Okay, yeah, the texts are annoying"): it names that question's thing, not
        the offer's; the offer is left unanswered."""
        if len(self.parsed[ti]) < 2:
            return False
        *before, last = self.parsed[ti]
        if not _asked(self.turns[ti].text, last):
            return False
        if any(k is kind for k, _, _ in self._matches(last.text)):
            return False
        asked = _content_words(last.text) - _item_words(" ".join(s.text for s in before))
        return bool(asked & _content_words(answer)) and not any(
            k is kind for k, _, _ in self._matches(answer)
        )

    def _topic_answers(
        self, ti: int, kind: AskKind, answer: Sequence[Sentence]
    ) -> tuple[AskStatus, _Said | None] | None:
        """An answer giving each thing a yes or a no by name ("Yes, that's the card. The fee,
        no, leave it"; "The hotel, yes please. The parking, no"), to the things agent turn
        ``ti`` offered ``kind`` for: a no to them all turns it down, whatever yes answers the
        agent's other question; a yes takes it, a part at the amount the answer or the turn
        tells for it (none told: taken, at what amount cannot be told). None when the answer
        names none of the offer's things so, or the turn set out options to pick from (a
        thing named there is picked: ``_named_choice``)."""
        if len(self._options(ti)) >= 2:
            return None
        offered = [
            _item_words(p.text)
            for p in self.parsed[ti]
            if any(k is kind for c in p.clauses for k, _, _ in self._matches(c.text))
        ]
        yes: list[frozenset[str]] = []
        no: list[frozenset[str]] = []
        for sentence in answer:
            said = _TOPIC_ANSWER.match(sentence.text)
            if said is None:
                continue
            words = _item_words(said["topic"])
            named = any(k is kind for k, _, _ in self._matches(said["topic"]))
            if words and (named or any(words <= o for o in offered)):
                (no if said["answer"] in _TOPIC_NO else yes).append(words)
        if not yes:
            return (AskStatus.OFFERED_DECLINED, None) if no else None
        if not no:
            return AskStatus.OFFERED_ACCEPTED, None
        part = _part_named(answer) or self._priced_part(ti, yes)
        return (AskStatus.OFFERED_ACCEPTED, part) if part else (AskStatus.OFFERED, None)

    def _offered_alone(self, ti: int) -> set[Decimal]:
        """The amount agent turn ``ti`` names, where it names only one."""
        offered = self._amounts_named(ti)
        return offered if len(offered) == 1 else set()

    def _money_named(self, ti: int | None) -> set[Decimal]:
        """Every sum turn ``ti`` names as money (with its currency or a money word)."""
        if ti is None:
            return set()
        return {a.value for s in self.parsed[ti] for a in money_in(s.text) if a.explicit}

    def _amounts_named(self, ti: int) -> set[Decimal]:
        """Every amount turn ``ti`` names, bare numbers too."""
        return {a.value for s in self.parsed[ti] for a in _amounts(s.text, True)}

    def _the_other(
        self, ti: int, kind: AskKind, answer: Sequence[Sentence]
    ) -> tuple[AskStatus, _Said | None] | None:
        """A "no, the other one" to agent turn ``ti`` naming one thing ("so close the joint
        account?" - "no, the other, my own one"): the deed stands, on another thing; of money,
        only at the amount the answer names (the other thing's price is not the one offered);
        None when the answer is no such correction or the turn set out options."""
        if not answer or not _THE_OTHER.match(_opening(answer[0].text)):
            return None
        if len(self._options(ti)) >= 2:
            return None  # "no, the other": the other option, read by its place
        if kind not in _MONEY_KINDS:
            return AskStatus.OFFERED_ACCEPTED, None
        named = [a for s in answer[:3] for a in _amounts(s.text, True)]
        return (AskStatus.OFFERED_ACCEPTED, _said(named[-1], 0.8)) if named else None

    def _part_picked(
        self, ti: int, kind: AskKind, at: int, answer: Sequence[Sentence] | None = None
    ) -> _Said | None:
        """The amount of the one thing, of those agent turn ``ti`` listed with their amounts,
        that customer turn ``at`` (and the customer's turns straight after it) narrows money
        offered or asked to ("the 3rd and the 10th, both 59.99. Refund both?" - "yes but only
        the 10th one"; "two tickets at 28 and a 12 parking pass" - "just the tickets": 56):
        the part kept is the amount asked; or leaves one out ("leave the delivery"): the rest
        is. None when the answer narrows to nothing the turn listed, or to a thing whose
        amount the turn does not tell."""
        if kind not in _MONEY_KINDS:
            return None
        if answer is None:
            answer = [s for t in self._customer_run(at) for s in self.parsed[t]][:4]
        wanted = [
            _item_words(s.text[part.end() :])
            for s in answer
            if (part := _NARROWED.search(s.text)) is not None
        ]
        if (kept := self._priced_part(ti, wanted)) is not None:
            return kept
        left = [
            _item_words(_ITEM_BREAK.split(s.text[gone.end() :])[0])
            for s in answer
            if (gone := _LEFT_OUT.search(s.text)) is not None
        ]
        return self._priced_rest(ti, left)

    def _priced_part(self, ti: int, wanted: Sequence[frozenset[str]]) -> _Said | None:
        """The amount agent turn ``ti`` lists for the one thing some of ``wanted`` (the words
        of a part the customer kept) name, where it tells one amount for it."""
        items = self._items_listed(ti)
        for words in wanted:
            named = [item for item in items if words and words <= _item_words(item)]
            if not named or len(named) == len(items):
                continue
            priced = {m for item in named for m in _item_amounts(item)}
            every = {m for item in items for m in _item_amounts(item)}
            each = any(_EACH.search(item) for item in items if _item_amounts(item))
            if not priced and len(every) == 1 and each:
                priced = every  # "the 3rd and the 10th, both 59.99": each at the one amount,
                # not the whole ("the eggs and the milk, that comes to 10.78")
            if len(priced) == 1:
                value, currency = priced.pop()
                return _Said(value, currency, value, 0.8, narrowed=True)
        return None

    def _items_listed(self, ti: int) -> list[str]:
        """The things turn ``ti`` lists, each sentence one at least ("March was 32. April also
        at 32.")."""
        return [i for p in self.parsed[ti] for i in _ITEM_BREAK.split(p.text) if i.strip()]

    def _priced_rest(self, ti: int, left: Sequence[frozenset[str]]) -> _Said | None:
        """The amount of what agent turn ``ti`` lists but the one thing the customer left out
        ("seventy-two for the heater and eight for delivery" - "leave the delivery": 72),
        where the turn tells one amount for each thing."""
        priced = [(item, _item_amounts(item)) for item in self._items_listed(ti)]
        priced = [(item, amounts) for item, amounts in priced if amounts]
        for words in left:
            rest = [a for item, a in priced if not (words and words <= _item_words(item))]
            if not words or not rest or len(rest) == len(priced) or any(len(a) != 1 for a in rest):
                continue
            currencies = {c for a in rest for _, c in a} - {None}
            value = sum((v for a in rest for v, _ in a), Decimal(0))
            currency = currencies.pop() if len(currencies) == 1 else None
            return _Said(value, currency, value, 0.75, narrowed=True)
        return None

    def _customer_run(self, at: int) -> list[int]:
        """Customer turn ``at`` and the customer's turns straight after it."""
        run = [at]
        while run[-1] + 1 < len(self.turns) and self.turns[run[-1] + 1].role == "customer":
            run.append(run[-1] + 1)
        return run

    def _terms(self, answer: str) -> str | None:
        """The terms a yes to an offer is given on, when it sets some ("ok if it's the full 45",
        "yes but only if it's all of it", "fine as long as it's at least 30"): what the
        customer would take, which is not the offer as made; None for a plain or polite yes
        ("yes if you could", "ok if that's easier for you")."""
        plain = self.lex.scopes["polite_if"].sub(" ", answer)
        condition = self.lex.scopes["condition"].search(plain)
        if condition is None:
            return None
        terms = plain[condition.start() :]
        named = _TERMS.search(terms) or _amounts(terms, True)
        return terms if named or _ONLY.search(plain, 0, condition.start()) else None

    def _counter(self, ti: int, at: int) -> Money | None:
        """The amount answer turn ``at`` to an offer of money haggles for ("Twenty-five? Come on.
        Forty, and I keep it"): the last it names that agent turn ``ti`` did not, and not as
        what was paid, nor as more for another thing ("the jug's cracked too. That's another
        twelve"); a count times a price it works out ("the 2 x 4.50") at its product."""
        offered = self._amounts_named(ti)
        named = [
            a
            for s in self.parsed[at]
            if not _TOO.search(s.text)
            for a in _worked_amounts(s.text)
            if not _ANOTHER.search(s.text, 0, a.start)
            if a.value not in offered
            and not _PAID.search(s.text[: a.start])
            and not _asks_of_other(s.text, a)
            and not _price_asked(self.turns[at].text, s, a)
        ]
        return named[-1] if named else None

    def _offered_kinds(self, ti: int) -> list[AskKind]:
        """The things agent turn ``ti`` names, in the order it names them."""
        offered: list[AskKind] = []
        for sentence in self.parsed[ti]:
            for clause in sentence.clauses:
                hits = sorted(self._matches(clause.text), key=lambda h: h[1].start())
                offered += [k for k, _, _ in hits if k not in offered]
        return offered

    def _chosen(self, ti: int, answer: str) -> AskKind | None:
        """Which of the things offered together in turn ``ti`` ("I can refund the 35 or send a
        replacement") the answer names ("another one please"); None when it names none of
        them, or only one was offered; a thing named under a no is not picked ("I'd rather have
        the money than risk another one")."""
        offered = self._offered_kinds(ti)
        if len(offered) < 2:
            return None
        negation = self.lex.scopes["negation"]
        named = {
            k
            for k, m, p in self._matches(answer)
            if k in offered and not p.only_declined and not negation.search(answer[: m.start()])
        }
        return named.pop() if len(named) == 1 else None

    def _named_choice(self, ti: int, answer: Sequence[Sentence]) -> AskKind | None:
        """The option of turn ``ti`` a short answer names by a word for it ("three weeks? nah.
        the money."): a bare "the ..." in its first sentences that only one offered thing's
        cue fits."""
        offered = self._offered_kinds(ti)
        if len(offered) < 2:
            return None
        for sentence in answer[:3]:
            if _BARE_PICK.fullmatch(_opening(sentence.text)) is None:
                continue
            fits = [
                k for k in offered if (cue := self.lex.cues.get(k)) and cue.search(sentence.text)
            ]
            if len(fits) == 1:
                return fits[0]
        return None

    def _placed(self, ti: int, answer: Sequence[Sentence]) -> tuple[AskKind | None] | None:
        """What the answer picks by its place ("the second one", "the first, the first one")
        in any of its first sentences, of the options turn ``ti`` set out: the thing asked for
        in that option, or (None,) for an option that is none ("a pause"); None when it picks
        none by place."""
        options = self._options(ti)
        for sentence in answer[:3]:
            place = _PLACE.match(_opening(sentence.text))
            if place is None or len(options) < 2:
                continue
            at = _AT[place["which"] or place["nth"]]
            return (options[at],) if -len(options) <= at < len(options) else None
        return None

    def _priced_option(
        self, ti: int, answer: Sequence[Sentence]
    ) -> tuple[AskKind | None, Money] | None:
        """The option of turn ``ti`` an answer picks by what it costs ("the cheaper one", "the
        full one"), with its amount: of options set out with an amount each."""
        said = " ".join(_opening(s.text) for s in answer[:3])
        cheaper, dearer = _CHEAPER.search(said), _DEARER.search(said)
        if (cheaper is None) == (dearer is None):
            return None
        # each option at the largest amount it names
        priced = [
            (max(found, key=lambda m: m.value), kind)
            for kind, text in self._option_texts(ti)
            if (found := _amounts(text, True))
        ]
        if len(priced) < 2:
            return None
        cost, chosen = (min if cheaper else max)(priced, key=lambda p: p[0].value)
        return chosen, cost

    def _option_texts(self, ti: int) -> list[tuple[AskKind | None, str]]:
        """The options agent turn ``ti`` sets out, as its marks ("first... second...", "one:
        ... two: ...") split it, else as the alternatives of its last sentence saying "or"
        ("I can refund the 4.50 fee, or cancel and refund the 22 ticket"): each with the first
        thing it names (an option naming a thing but no deed takes the deed before it) and
        its words."""
        text = " ".join(p.text for p in self.parsed[ti])
        marks = [m.start() for m in _OPTION_MARK.finditer(text)]
        if len(marks) < 2:
            alternatives = [p.text for p in self.parsed[ti] if _OR_OPTION.search(p.text)]
            if not alternatives:
                return []
            text = alternatives[-1]
            marks = [0, *(m.end() for m in _OR_OPTION.finditer(text))]
        spans = zip(marks, [*marks[1:], len(text)], strict=True)
        options: list[tuple[AskKind | None, str]] = []
        for a, b in spans:
            said = text[a:b]
            hits = sorted(self._matches(said), key=lambda h: h[1].start())
            kind = hits[0][0] if hits else None
            if kind is None and options and _SAME_DEED.match(said.lower()):
                kind = options[-1][0]
            if _KEPT_CREDIT.search(said.lower()):
                kind = None  # "or put it on your account as store credit": no money back
            options.append((kind, said))
        return options

    def _options(self, ti: int) -> list[AskKind | None]:
        """The options agent turn ``ti`` offers in order, each the thing it names (None for
        one naming no ask kind): as its "first... second..." mark them, else the things it
        names in order."""
        options = self._option_texts(ti)
        return [kind for kind, _ in options] if options else list(self._offered_kinds(ti))

    def _asked_amount(
        self, kind: AskKind, ti: int, si: int, s: Sentence, ci: int, m: re.Match[str], conf: float
    ) -> _Said | None:
        """The amount an ask names, else what the turn says was paid; an amount asked as what
        is left once something is taken off, or as the gap between two amounts, is worked out
        from the turn, and is unknown (never what was paid) when it cannot be."""
        if kind not in _MONEY_KINDS:
            return None
        clause = s.clauses[ci].text
        less = _LESS.search(clause, m.start())
        gap = _GAP.search(clause)
        if gap is not None and len(between := _amounts(clause[gap.end() :], True)) == 2:
            diff = abs(between[0].value - between[1].value)  # "the difference between 120 and 95"
            return _Said(diff, between[0].currency, diff, min(conf, 0.75))
        rest = _REST_ASKED.search(s.text) is not None and not _amounts(s.text, True)
        if less is not None or (gap is not None and not _amounts(clause, True)) or rest:
            return (
                _aside_amount(s, ci, conf)
                or self._reckoned_after(ti, si)
                or self._worked_out(ti, clause, less)
                or self._listed_part(ti, s.text)  # "only the extra tax back"
            )
        if not _amounts(s.text, True) and (
            priced := self._listed_part(ti, s.text) or self._priced(ti, clause[m.end() :])
        ):
            return priced
        if worked := products(clause):  # "refund me 3 nights at 90": the sum, not the rate
            return _Said(worked[-1].value, worked[-1].currency, worked[-1].high, _COUNTED_PRICE)
        # "the rest of it, the other three, I'd like back": the things counted in the sentence
        rest_counted = _REST_ASKED.search(s.text) is not None
        return (
            self._counted(ti, clause)
            or (self._counted(ti, s.text) if rest_counted else None)
            or self._amount(kind, s, ci, m.span(), conf)
            or self._said_next(ti, si, s, ci, conf)
            or self._paid(kind, ti, si, m.group(0))
            or self._priced_next(ti, m.group(0))
        )

    def _said_next(self, ti: int, si: int, s: Sentence, ci: int, conf: float) -> _Said | None:
        """The amount said as a sentence by itself right after an ask ending its sentence ("I
        just want back the money for her one. Sixty-five."): the amount asked, unless said as
        what was paid ("It was 40.")."""
        following = self.parsed[ti][si + 1 : si + 2]
        if ci != len(s.clauses) - 1 or not following:
            return None
        # the sum, named as money, may open a sentence that goes on ("Nine dollars, I figure,
        # a dollar a day"); not one asked about ("Sixty-nine, was it?")
        text = following[0].clauses[0].text
        said = _amounts(text, True)
        valued = _VALUED.match(text)
        if said and valued and said[0].start == valued.end() and _WORTH.search(s.clauses[ci].text):
            # "give me back what the hood's worth. It's twenty on your site": what it is worth
            return _said(said[0], conf)
        if len(following[0].clauses) > 1 and (
            not said or not all(a.explicit for a in said) or following[0].text.endswith("?")
        ):
            return None
        if any(_PAID.search(text[: a.start]) for a in said):
            return None
        return _aside(text, said, conf)

    def _sum_said(self, ti: int, s: Sentence, priced: Sequence[Money], conf: float) -> _Said | None:
        """The sum the last of ``priced`` says: of a price per thing ("its $19.50 a lesson"),
        the things counted in the sentence ("the 3 missed lessons") at that price, where it
        counts them."""
        if not priced:
            return None
        counted = None
        if _priced_each(s.text, priced[-1]):
            counted = self._counted(ti, s.text)
        if counted is None:
            return _said(priced[-1], conf)
        return replace(counted, confidence=min(conf, counted.confidence))

    def _counted(self, ti: int, clause: str) -> _Said | None:
        """An ask for so many of a thing priced each in its turn ("they're 8.50 each... can I
        get those two refunded"), else in the nearest turn before naming a price each ("the
        pass is thirty a class" - "the other three I'd like back"; "twelve pound each" -
        "reprint or refund?" - "the money for those twelve"): that many times the price."""
        count = _COUNTED.search(clause)
        if count is None:
            return None
        agent = self._agent_before(ti)
        near = [ti] if agent is None else [ti, agent]
        # things pointed back at ("those twelve") may have been priced further back, in a turn
        # naming no other sum
        pointed = count.group(0).startswith(("those", "these"))
        back = list(range(min(near) - 1, -1, -1)) if pointed else []
        each: list[Money] = []
        for at in near + back:
            text = " ".join(p.text for p in self.parsed[at])
            each = [a for a in _amounts(text, True) if _priced_each(text, a)]
            if each and at in back and any(a.start != each[0].start for a in money_in(text)):
                each = []
                break
            if each:
                break
        n = count["n"]
        if len(each) != 1:
            return self._listed(ti, count)
        if n is not None and any(
            a.start <= count.start("n") < count.end("n") < a.end for a in _amounts(clause, True)
        ):
            return None  # "the one eighty back": a sum said as two numbers, not a count
        times = 2 if n is None else int(n) if n.isdigit() else text2num(n, "en")
        if times == each[0].value and not pointed:
            return None  # "eighty-five each" - "the eighty-five back": the price, not a count
        total = each[0].value * times
        return _Said(total, each[0].currency, total, _COUNTED_PRICE)

    def _listed(self, ti: int, count: re.Match[str]) -> _Said | None:
        """So many things pointed back at ("refund those three") where a list of that many
        prices was said before ("eight, six and twelve dollars"; "two bags at 11.50 and the
        filter at 6"): the list's sum. The nearest turn naming sums is the list meant; never
        sure."""
        n = count["n"]
        if n is None or not count.group(0).startswith(("those", "these")):
            return None
        wanted = int(n) if n.isdigit() else text2num(n, "en")
        told = [" ".join(p.text for p in self.parsed[ti])]
        told += [" ".join(p.text for p in self.parsed[at]) for at in range(ti - 1, -1, -1)]
        for text in told:
            items = [(w.high / w.value, w.high) for w in products(text) if w.value]
            spans = [(w.start, w.end) for w in products(text)]
            items += [
                (Decimal(1), a.value)
                for a in _amounts(text, True)
                if not any(b <= a.start < e for b, e in spans)
            ]
            if not items:
                continue
            if sum(k for k, _ in items) != wanted:
                return None
            total = sum((v for _, v in items), Decimal(0))
            return _Said(total, None, total, _COUNTED_PRICE)
        return None

    def _priced(self, ti: int, rest: str) -> _Said | None:
        """The price the turn gives for the thing an ask names ("only the add-on is broken,
        the $22 one ... refund the add-on"), else the agent's turn just before it ("I see the
        lamp at $40 on the order" - "refund the lamp please"): said next to that thing's name;
        never sure."""
        thing = _THING.match(rest)
        if thing is None:
            return None
        name = re.escape(thing["name"])
        agent = self._agent_before(ti)
        for at in (ti,) if agent is None else (ti, agent):
            text = " ".join(p.text for p in self.parsed[at])
            for near in re.finditer(
                rf"\b{name}\w*\b(?:\W+\w+){{0,4}}?\W+(?=[$€£]?\d)"
                rf"|(?<=\d)(?:\W+\w+){{0,2}}?\W+{name}\b",
                text,
            ):
                around = text[max(0, near.start() - 12) : near.end() + 12]
                found = [a for a in money_in(around) if a.explicit]
                if len(found) == 1:
                    return _Said(found[0].value, found[0].currency, found[0].value, 0.65)
        return None

    def _listed_part(self, ti: int, sentence: str) -> _Said | None:
        """The price of the one thing an ask narrows to ("just refund the shipping part", "I
        only want the extra tax back") where a turn before it lists things each at its price
        ("the lamp at 64.99, shipping at 12.95 and tax at 5.36"), the nearest first: the part
        kept is the amount asked, as when an offer is narrowed (``_priced_part``). None when
        the asking ``sentence`` narrows to nothing, names more than one thing or the whole, or
        no list prices the thing named."""
        narrowed = _NARROWED.search(sentence)
        asked = re.split(r"[.;!?]", sentence[narrowed.end() :])[0] if narrowed else ""
        named = _NAMED_PART.search(asked)
        if named is None or _MORE_THAN_A_PART.search(asked):
            return None
        words = _item_words(named["part"])
        head = frozenset(_ITEM_WORD.findall(named["part"])[-1:]) & words  # "extra tax": tax
        for before in range(ti - 1, -1, -1):
            said = " ".join(p.text for p in self.parsed[before])
            items = [item for item in _ITEM_BREAK.split(said) if item.strip()]
            for wanted in dict.fromkeys(w for w in (words, head) if w):
                found = [item for item in items if wanted <= _item_words(item)]
                if len(items) < 2 or len(found) != 1:
                    continue
                # "shipping at 12.95": a price with its cents, though "at" may tell a time
                cents = {(Decimal(c), None) for c in _WRITTEN_CENTS.findall(found[0])}
                priced = _item_amounts(found[0]) or cents
                if len(priced) == 1:
                    value, currency = priced.pop()
                    return _Said(value, currency, value, 0.8)
        return None

    def _priced_next(self, ti: int, phrase: str) -> _Said | None:
        """For an ask naming a thing wanted back and no amount ("I want August back"), the
        price the agent's next turn gives that thing ("August was eighty-nine"); never sure."""
        wanted = _WANTED_BACK.search(phrase)
        agent = next(
            (i for i in range(ti + 1, len(self.turns)) if self.turns[i].role == "agent"), None
        )
        if wanted is None or agent is None:
            return None
        text = " ".join(p.text for p in self.parsed[agent])
        priced = re.search(rf"\b{re.escape(wanted['name'])} {_PRICED_AT}", text)
        rest = text[priced.end() :] if priced else ""
        found = _amounts(rest, True)[:1]
        if not found or _priced_each(rest, found[0]):
            return None  # "weeks are 142 a week": a rate, not the sum wanted back
        return _said(found[0], _PRICED_NEXT)

    def _worked_out(self, ti: int, clause: str, less: re.Match[str] | None) -> _Said | None:
        """What is left of the largest amount of turn ``ti`` once the amount taken off is
        ("minus the 5 delivery", "less the delivery": the amount said with it), or the gap
        between the turn's two amounts ("paid 229, now 199: the difference"); never sure."""
        text = " ".join(s.text for s in self.parsed[ti])
        found = _amounts(text, True)
        values = sorted({a.value for a in found})
        if less is None and len(values) != 2:
            # "I want the difference back" after "paid 149, now it's 119" in an earlier turn
            found = self._earlier_amounts(ti, 2)
            values = sorted({a.value for a in found})
        if less is None:
            if len(values) != 2:
                return None
            gap = values[1] - values[0]
            return _Said(gap, found[0].currency, gap, 0.6)
        off = _amounts(clause[less.end("what") - len(less["what"]) :], True)
        if not off:
            near = re.search(
                rf"(?P<a>[$€£]?\d[\d.,]*)(?: \w+)? {re.escape(less['what'])}\b"
                rf"|\b{re.escape(less['what'])} (?:\w+ ){{0,2}}?(?P<b>[$€£]?\d[\d.,]*)",
                text,
            )
            off = _amounts(near.group(0), True) if near else []
        if not off or not values or values[-1] <= off[0].value:
            return None
        left = values[-1] - off[0].value
        return _Said(left, found[0].currency, left, 0.6)

    def _reckoned_after(self, ti: int, si: int) -> _Said | None:
        """The sum the customer works out in the sentences after asking for a gap or a rest
        ("only the difference. 8 pounds a tyre, 4 tyres, 32 pounds"; "minus the fuel. 258"):
        the last said with its currency or worked out, or a bare number said by itself."""
        for later in reversed(self.parsed[ti][si + 1 :]):
            worked = [w for w in products(later.text) if w.value == w.high]
            named = worked or [a for a in _sums(later.text) if a.explicit]
            if not named and len(_ASIDE_WORDS.findall(later.text)) == 1:
                named = _sums(later.text)
            if named:
                return _said(named[-1], 0.75)
        return None

    def _earlier_amounts(self, ti: int, least: int) -> list[Money]:
        """The prices the nearest turn before ``ti`` naming at least ``least`` of them said
        (with a currency, or a bare number said as a price: "paid 149", "for 119"): what a share
        or a difference asked later ("half back", "the difference") is worked out from."""
        for said in self._amounts_before(ti, _said_as_price):
            if len({a.value for a in said}) >= least:
                return said
        return []

    def _earlier_price_each(self, ti: int) -> Money | None:
        """The price per thing ("8.50 each", "$19.50 a lesson") the nearest turn before ``ti``
        naming one said, where it names one only."""
        for said in self._amounts_before(ti, _priced_each):
            if each := {a.value: a for a in said}:
                return next(iter(each.values())) if len(each) == 1 else None
        return None

    def _amounts_before(self, ti: int, keep: Callable[[str, Money], bool]) -> Iterator[list[Money]]:
        """The amounts each turn before ``ti`` said that ``keep`` (given the sentence) keeps,
        nearest turn first."""
        for at in range(ti - 1, -1, -1):
            yield [
                a
                for sentence in self.parsed[at]
                for a in _amounts(sentence.text, True)
                if keep(sentence.text, a)
            ]

    def _answer_start(self, parsed: Sequence[Sentence], offer: int | None = None) -> str:
        """Where an answer to an offer starts, past a lead-in ("honestly, ...", "oh, ...", a
        sentence of nothing else: "I mean... yeah"), the figure agent turn ``offer`` named
        said back ("A hundred? Well... yes"), a pause to check and the checking aloud ("hold
        on, let me see... May, June... yes"), and a thank-you said before the yes or no ("Oh
        that's kind. No, leave it"), or a yes turned about at once into a no ("yeah -
        actually no", "sure. wait, no")."""
        texts = [t for p in parsed if (t := _opening(p.text))] or [""]
        if offer is not None:
            named = self._amounts_named(offer)
            while len(texts) > 1 and _echoed(texts[0], named):
                texts = texts[1:]
        scopes = self.lex.scopes
        if len(texts) > 1 and _HOLD_ON.match(texts[0]):
            # "hang on, let me look... May, June... yes": the answer after the checking
            for said in texts[1:4]:
                if scopes["decline"].search(said) or scopes["accept"].search(said):
                    return said
        asked_back = _PLEASANTRY.match(texts[0]) or _SURPRISED.match(texts[0])
        # "that's very kind. but no thanks": the thanks' "but" opens the answer
        second = texts[1].removeprefix("but ").lstrip(" ,") if len(texts) > 1 and asked_back else ""
        if scopes["decline"].search(second) or scopes["accept"].search(second):
            return second
        said = " ".join(texts[:2])
        turned = _TURNABOUT.match(said)
        return said[turned.end() :] if turned else texts[0]

    def _amount(
        self, kind: AskKind, s: Sentence, ci: int, span: tuple[int, int], topic: float
    ) -> _Said | None:
        """The amount an ask names: in its sub-clause (the one in or nearest the phrase), else
        in its sentence; a share of it when one is said of it ("half of the $40"). It is sure
        only when said in the asking clause with its currency, and no surer than the phrase
        that the ask is of this kind (``topic``); an amount said in another clause may be what
        they paid. Its largest reading takes in a list it starts ("$4.50 and $3.20")."""
        if kind not in _MONEY_KINDS:
            return None
        said = _amounts(s.text, True)
        found = None
        for first, then in itertools.pairwise(said):
            between = s.text[first.end : then.start]
            if (
                (_SELF_CORRECTION.search(between) and not _NOT_AFTER.search(between))
                or _NOT_AFTER.search(s.text, 0, first.start)  # "not $40, $30"
            ) or (_SETTLES.match(s.text, then.end) and not _REST.search(s.text, 0, then.start)):
                found = _said(said[-1], min(topic, 0.85))  # "fifty euros no sorry 10 euros"
                break
        if found is None and (result := _result_of(s.text, said)) is not None:
            return _said(result, min(topic, 0.9 if result.explicit else 0.75))
        if found is None:
            clause = s.clauses[ci].text
            in_clause = [self._settled(a) for a in _clause_amounts(s, ci)]
            aside = None if in_clause else _aside_amount(s, ci, topic)
            if aside is not None:
                return aside
            if in_clause:
                start, end = span
                best = min(in_clause, key=lambda a: max(a.start - end, start - a.end, 0))
                conf = min(topic, 0.9 if best.explicit else 0.75)
                if _PER_UNIT.search(s.text):  # "the 12 back for each of the tickets"
                    conf = min(conf, _UNIT_PRICE)
                found = _said(best, conf)
                wanted = [a for a in in_clause if a is best or not _left_with_company(clause, a)]
                high = max(_widest(clause, best, wanted), _added_on(clause, best, wanted))
                found = replace(found, high=high)
                # another amount floated beside it ("30 back, maybe 40 if you can"), not what
                # was paid, may be what they want: the largest reading widens to it
                # ("and £30 for the jug": on top of it)
                later = [
                    (a.high, _on_top(c.text))
                    for c in s.clauses[ci + 1 :]
                    for a in _amounts(c.text, True)
                    if not _PAID.search(c.text[: a.start])
                    and not _left_with_company(c.text, a)
                    # a bare number after another deed is no sum ("and put me back on 900")
                    and (a.explicit or not _OTHER_DEED.search(c.text, 0, a.start))
                ]
                settled = self.lex.scopes["correction"].search(s.text)
                if later and not settled:
                    on_top = sum((v for v, more in later if more), Decimal(0))
                    largest = max([found.high + on_top, *(v for v, _ in later)])
                    found = replace(found, high=largest)
                return found.part(share_of(clause, best))
            elsewhere = _paid_amounts(s.text, asking=True)
            if not elsewhere:
                return None
            start, end = span
            pointed = _pointing(s.clauses[ci].text[start:end], elsewhere)
            found = _said(elsewhere[-1], min(topic, 0.8 if pointed else 0.6))
            found = replace(found, high=together(s.text, elsewhere[-1], elsewhere))
        asked = share(s.text)
        return found.part(asked[0] if asked else None)

    def _paid(self, kind: AskKind, ti: int, si: int, phrase: str) -> _Said | None:
        """For an ask naming no amount ("I want my money back", "half back"), the amount the
        turn says elsewhere ("it was $49"), or its share: what they paid, the likeliest amount
        meant but never sure; a list there ("that's $4.50 and $3.20") may be meant whole."""
        said = self._paid_amount(kind, ti, si, phrase)
        return None if said is None else replace(said, paid=True)

    def _paid_amount(self, kind: AskKind, ti: int, si: int, phrase: str) -> _Said | None:
        if kind not in _MONEY_KINDS:
            return None
        sentences = self.parsed[ti]
        said_before = " ".join(s.text for s in sentences[:si])  # read as one: "4 films. $5.99 each"
        before = [(said_before, self._settled(a)) for a in _paid_amounts(said_before)]
        after = [
            (s.text, self._settled(a)) for s in sentences[si + 1 :] for a in _paid_amounts(s.text)
        ]
        if _ONE_THING.search(sentences[si].text):
            # "fourteen each, so twenty-eight in all, but I only want the broken one back": not
            # the whole
            before = [(t, a) for t, a in before if not _IN_ALL.match(t, a.end)]
        found = before[-1:] or after[:1]
        asked = share(sentences[si].text)
        if not found and asked is None and _ONE_THING.search(sentences[si].text):
            # "three mugs, eight fifty each" ... "money back for the chipped one": one thing
            # of those priced each in an earlier turn, at its price
            each = self._earlier_price_each(ti)
            return None if each is None else _said(each, _EARLIER)
        if not found:
            # "I used half, so half back": a share of the price named in an earlier turn
            earlier = self._earlier_amounts(ti, 1)
            if asked is None or not earlier:
                return None
            price = max(earlier, key=lambda a: a.value)
            return _said(price, _EARLIER).part(asked[0])
        text, money = found[0]
        if before and (every := _every_one(sentences[si].text, _paid_amounts(text), text)):
            return every
        pointed = bool(before) and _pointing(phrase, _paid_amounts(text))
        said = _said(money, 0.8 if pointed else 0.6)
        said = replace(said, high=together(text, money, money_in(text)))
        return said.part(asked[0] if asked else None)

    # issues -----------------------------------------------------------------------------

    def _issues_in(self, ti: int, si: int, s: Sentence, agent: bool = False) -> None:
        """The problems a sentence states: up to its first condition ("the microwave won't
        turn on, and if nothing works I'd want 50 back" states one; "if it arrives damaged"
        none); where no clause states one, the sentence read whole, after the one before it
        in the turn ("it says delivered. but it's not here"). An agent's sentence only
        acknowledges one, never surely, and denies none."""
        scopes = self.lex.scopes
        if not agent and self._echoes(ti, s):
            return
        found = False
        for ci, clause in enumerate(s.clauses):
            plain = scopes["polite_if"].sub(" ", clause.text)
            condition = scopes["condition"].search(plain) or scopes["hypothetical"].search(plain)
            stated = clause.text if condition is None else clause.text[: condition.start()]
            # "a wee dent in the box, but that's nothing": named, then waved away
            later = [c.text for c in s.clauses[ci + 1 :]]
            if si + 1 < len(self.parsed[ti]):
                later.append(self.parsed[ti][si + 1].text)  # "it's fine. otherwise..."
            waved = condition is None and _waved(scopes["dismissed"], " ".join(later))
            found = self._issue(ti, si, stated, clause, agent, waved=waved) or found
            if condition is not None:
                return
        if not found:
            # and the one before that, past a fragment between ("i cancelled the sports
            # thing? in august? and it's still on there")
            first = si - 2 if si > 1 and len(self.parsed[ti][si - 1].text.split()) <= 3 else si - 1
            before = "".join(p.text + " " for p in self.parsed[ti][max(first, 0) : si])
            found = self._issue(ti, si, before + s.text, s, agent, reach=len(before))
        left = scopes["left_before"].match(s.text)
        if not found and left and self._said_before(ti, si, "renewed"):
            # "vpn renewed. 79.99. i cancelled in jan": charged after leaving
            self._issue_hits.append((Reason.BILLING, _LEFT_BEFORE, (ti, si), _evidence(ti, s)))

    def _echoes(self, ti: int, s: Sentence) -> bool:
        """Whether a customer's question only repeats the agent's words just said ("ten days
        after?" to "refunded ten days after we receive it"): it echoes them, not a complaint."""
        asked = _asked(self.turns[ti].text, s)
        agent = self._agent_before(ti)
        words = s.text.split()
        if not asked or agent is None or len(words) < 2:
            return False
        said = {w for p in self.parsed[agent] for w in p.text.split()}
        return all(w in said for w in words)

    def _echoes_deed(self, ti: int, s: Sentence, kind: AskKind) -> bool:
        """Whether a customer's question of a word or three only names what the agent just
        said they did ("I've refunded the £45" - "Ah ah. Refund? I said send another one"):
        surprise at the deed, not an ask for it."""
        agent = self._agent_before(ti)
        return (
            agent is not None
            and _asked(self.turns[ti].text, s)
            and len(s.text.split()) <= 3
            and any(k is kind and at == agent for k, at, *_ in self._agent_acts)
        )

    def _issue(
        self,
        ti: int,
        si: int,
        stated: str,
        piece: Clause | Sentence,
        agent: bool,
        reach: int = 0,
        waved: bool = False,
    ) -> bool:
        """Records the problems ``stated`` names (ending past ``reach``): whether any; all of
        them denied when the customer waves them away right after (``waved``)."""
        found = False
        for reason, patterns in self.lex.reasons.items():
            for p in patterns:
                m = p.regex.search(stated)
                if m is None or m.end() <= reach:
                    continue
                if reason is Reason.LATE and _MONEY_SUBJECT.search(stated[: m.start()]):
                    continue  # a refund that has not come is chased, not late delivery
                if reason is Reason.DAMAGED and _PERSONAL.search(stated[: m.start()]):
                    continue
                if reason is Reason.LATE and _visitor().search(stated[: m.start()]):
                    continue  # "my granddaughter's just come in": a person arriving
                if p.only_declined and _AIMED.search(stated[: m.start()]):
                    continue  # "paid to have them there on time": what was paid for
                # a phrase that denies the problem ("right on time") states it when negated, not
                # when a bare no agrees with its own "not" ("the price?" - "no, it's not the price")
                agreeing = (
                    p.only_declined
                    and _AGREEING_NO.search(stated, 0, m.start()) is not None
                    and _NEGATOR.search(m.group(0)) is not None
                )
                negated = (
                    _ISSUE_NEGATION.search(stated[: m.start()]) is None or agreeing
                ) is p.only_declined
                if m.start() < reach and not negated and self._denies(reason, stated[:reach]):
                    continue  # read across into a sentence that denies it
                found = True
                denied = (
                    negated
                    or waved
                    or _DENIED_AFTER.match(stated, m.end())
                    or _waved(self.lex.scopes["dismissed"], stated[m.end() :], reach=5)
                )
                if agent:
                    if not denied:
                        conf = min(p.reliability, _AGENT_ISSUE)
                        self._agent_hits.append((reason, conf, (ti, si), _evidence(ti, piece)))
                elif denied:
                    self._denied.append((reason, _evidence(ti, piece)))
                else:
                    self._issue_hits.append((reason, p.reliability, (ti, si), _evidence(ti, piece)))
                    self.trace.append((str(reason), p.regex.pattern, "issue"))
                    if reason is Reason.LATE and self._said_before(ti, si, "billed_for"):
                        # charged for a thing, then it never came: a charge for nothing too
                        hit = (Reason.BILLING, p.reliability, (ti, si), _evidence(ti, piece))
                        self._issue_hits.append(hit)
                break
        return found

    def _said_before(self, ti: int, si: int, scope: str) -> bool:
        """Whether the customer's turn ``ti`` said what ``scope`` reads before sentence ``si``."""
        before = " ".join(s.text for s in self.parsed[ti][:si])
        return self.turns[ti].role == "customer" and bool(self.lex.scopes[scope].search(before))

    def _denies(self, reason: Reason, text: str) -> bool:
        """Whether ``text`` denies having the problem in so many words ("it came right on
        time"), not negated ("it was never on time")."""
        return any(
            (m := p.regex.search(text))
            and not _ISSUE_NEGATION.search(text[: m.start()])
            and not _AIMED.search(text[: m.start()])
            for p in self.lex.reasons[reason]
            if p.only_declined
        )

    def _taken_back(self) -> set[Reason]:
        """The problems the customer denied after last naming them ("it came late... well, no,
        it wasn't late, it's the wrong colour", "the speaker is broken" - "ok honestly it's not
        broken, I just don't like it"): taken back, so no longer theirs."""
        last: dict[Reason, Evidence] = {}
        named = {h[0] for h in self._issue_hits}
        for reason, conf, _, ev in self._issue_hits:
            # a vague word does not undo a denial ("the food was fine ... it's your billing
            # that's rotten")
            if conf < _VAGUE:
                continue
            if reason not in last or (ev.turn, ev.start) > (last[reason].turn, last[reason].start):
                last[reason] = ev
        return {
            reason
            for reason, ev in self._denied
            if reason in named
            and (
                reason not in last
                or (
                    (ev.turn, ev.start) > (last[reason].turn, last[reason].start)
                    and self._corrects(reason, last[reason], ev)
                )
            )
        }

    def _corrects(self, reason: Reason, named: Evidence, denied: Evidence) -> bool:
        """Whether the customer's words from a problem ``named`` to its denial say they are
        correcting themself ("no, sorry", "actually", "you're right"), not denying it of
        another thing ("the lamp's smashed. the box isn't damaged", "was the packaging
        damaged?" - "no, the box was intact"): damage or a wrong item is of one thing among
        several, so a denial naming a thing the problem was not said of is about another."""
        thing = _DENIED_OF.search(denied.text.lower())
        if reason in _OF_ONE_THING and thing and thing.group(1) not in named.text.lower():
            return False
        said = " ".join(
            s.text
            for ti in range(named.turn, denied.turn + 1)
            if self.turns[ti].role == "customer"
            for s in self.parsed[ti]
            if (ti, s.end) > (named.turn, named.start)
            and (ti, s.start) <= (denied.turn, denied.start)
        )
        return _CORRECTING.search(said) is not None

    def _customer_hits(self) -> list[tuple[Reason, float, tuple[int, int], Evidence]]:
        """The problems the customer named and did not take back."""
        taken = self._taken_back()
        return [h for h in self._issue_hits if h[0] not in taken]

    def issues(self) -> tuple[Issue, ...]:
        best: dict[Reason, Issue] = {}
        denied = {reason for reason, _ in self._denied}
        said = self._customer_hits()
        heard = said or [h for h in self._agent_hits if h[0] not in denied]
        cap = 1.0 if said else _AGENT_ISSUE
        for reason, conf, _, evidence in heard:
            found = best.get(reason)
            if found is None:
                best[reason] = Issue(reason, conf, (evidence,))
            else:
                combined = min(cap, 1 - (1 - found.confidence) * (1 - conf * 0.5))
                best[reason] = Issue(reason, round(combined, 3), (*found.evidence, evidence)[:3])
        for reason, evidence in self._denied:
            if reason not in best:
                best[reason] = Issue(reason, 0.8, (evidence,), negated=True)
        return tuple(best.values())

    def _reason_near(self, kind: AskKind, evidence: Sequence[Evidence]) -> Reason | None:
        """The issue nearest the ask: in the same turn first, then the closest turn. Leaving
        is no reason of its own; and to leave, the hassle a gesture makes up for ("the
        service has been a nightmare") is a complaint of how the customer was treated."""
        if not evidence:
            return None
        turn = evidence[0].turn
        leaving = kind is AskKind.ACCOUNT_CLOSURE
        candidates = [
            (to_leave(reason) if leaving else reason, conf, at)
            for reason, conf, at, _ in self._customer_hits()
            if reason is not Reason.ACCOUNT
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda h: (abs(h[2][0] - turn), -h[1]))[0]

    # facts, sensitive data, outcome -----------------------------------------------------

    def facts(self) -> tuple[Fact, ...]:
        # A sum is kept once for each side that says it: the customer's saying a sum the agent
        # named first ("It's the second one, six forty") makes it theirs (asked_amount).
        found: dict[tuple[FactKind, str, str | None, str | None], Fact] = {}
        key: tuple[FactKind, str, str | None, str | None]
        for ti, turn in enumerate(self.turns):
            for s in self.parsed[ti]:
                ev = _evidence(ti, s)
                # each reading the conversation leaves possible ("two ninety-nine" for an add-on
                # named "$2.99" is not 299), and bare amounts said as a price ("a fee of 79")
                refuted = set()
                for money in _paid_amounts(s.text):
                    readings = self._readings(money)
                    refuted |= {plain(r) for r in (money.value, money.high) if r not in readings}
                    # nor are its digits a number ("$2.99" is no 299)
                    refuted |= {plain(r * 100) for r in readings if r != r.to_integral_value()}
                    if money.hundreds is not None:  # the figure in hundreds too, unless settled
                        readings = self._readings(replace(money, other=money.hundreds))
                    for value in map(plain, readings):
                        key = (FactKind.MONEY, value, money.currency, turn.role)
                        found.setdefault(
                            key,
                            Fact(FactKind.MONEY, value, 0.9, money.currency, turn.role, (ev,)),
                        )
                for m in _ORDER.finditer(s.text):
                    what = (
                        FactKind.CASE if m.group("what") in ("case", "ticket") else FactKind.ORDER
                    )
                    value = re.sub(r"[\s-]", "", m.group("id"))
                    found.setdefault(
                        (what, value, None, None), Fact(what, value, 0.85, None, turn.role, (ev,))
                    )
                for date in dates_in(s.text):
                    sure = 0.8 if len(date.readings) == 1 else 0.5  # "3/4": which is the month?
                    for value in date.readings:
                        key = (FactKind.DATE, value, None, None)
                        found.setdefault(
                            key, Fact(FactKind.DATE, value, sure, None, turn.role, (ev,))
                        )
                for value in said_numbers(s.text):
                    if value in refuted:
                        continue
                    key = (FactKind.NUMBER, value, None, None)
                    found.setdefault(key, Fact(FactKind.NUMBER, value, 0.7, None, turn.role, (ev,)))
            for value in [*_paused_numbers(turn.text), *_card_endings(turn.text)]:
                key = (FactKind.NUMBER, value, None, None)
                ev = Evidence(ti, 0, len(turn.text), turn.text)
                found.setdefault(key, Fact(FactKind.NUMBER, value, 0.7, None, turn.role, (ev,)))
        return tuple(found.values())

    @functools.cached_property
    def _named_amounts(self) -> frozenset[Decimal]:
        """Amounts named unambiguously, with a currency ("$2.99", "two hundred and
        ninety-nine dollars") or written with their cents ("2.99 on the receipt"), and not as
        what they are not ("not two dollars ninety-nine"): what settles an amount said
        ambiguously elsewhere ("two ninety-nine")."""
        return frozenset(
            m.value
            for parsed in self.parsed
            for s in parsed
            for m in _amounts(s.text, True)
            if (m.explicit or _WRITTEN_CENTS.fullmatch(s.text, m.start, m.end))
            and not _NOT_THIS.search(s.text[: m.start])
        )

    def _readings(self, money: Money) -> tuple[Decimal, ...]:
        """The readings of an amount the conversation leaves possible: of one said
        ambiguously ("two ninety-nine", "the one fifteen"), the one named unambiguously
        elsewhere, else both figures' readings."""
        said = (money.value,) if money.high == money.value else (money.value, money.high)
        alone = () if money.single is None else (money.single,)
        return tuple(r for r in (*said, *alone) if r in self._named_amounts) or said

    def _settled(self, money: Money) -> Money:
        """An amount said ambiguously, settled by the reading named unambiguously elsewhere
        ("can I have the two ninety-nine back" after "$2.99 a month"): as sure as that one."""
        readings = self._readings(money)
        if money.high == money.value or len(readings) != 1:
            return money
        return replace(money, value=readings[0], other=None, explicit=True)

    def sensitive(self) -> tuple[Sensitive, ...]:
        found = []
        for ti, turn in enumerate(self.turns):
            for hit in sensitive_digits(clean(turn.text)):
                mask = "[CARD]" if hit.kind == "card" else "[SSN]"
                found.append(
                    Sensitive(
                        SensitiveKind(hit.kind),
                        hit.confidence,
                        (Evidence(ti, 0, len(turn.text), mask),),
                    )
                )
        return tuple(found)

    def outcome(self) -> OutcomeReading | None:
        """The outcome the call ended in, as a supervisor reads it: the latest said, except
        that a closing pleasantry or complaint does not undo a transfer, refund or callback
        made (``final``); none while the agent is still working on it (``under_way``). Its
        confidence is the surest phrase that showed it since anything said otherwise, surer
        when the agent's word and the customer's agree."""
        hits = self._hits
        if not hits:
            return None
        final = set(self.lex.outcome_final)
        strong = [h for h in hits if h[2] in final]
        rank = {o: n for n, o in enumerate(self.lex.outcome_priority)}
        if strong:
            chosen = min(strong, key=lambda h: (rank[h[2]], -h[0], -h[1]))
        elif self.under_way() is not None:
            return None
        else:
            chosen = max(hits, key=lambda h: (h[0], h[1], -rank[h[2]]))
        outcome = chosen[2]
        # what showed it since anything said otherwise; two sentences showing it (the agent's
        # word and the customer's, or the customer's twice) are surer together than either
        weak = [
            h[:2] for h in hits if h[2] is not outcome and h[2] not in final and h[:2] < chosen[:2]
        ]
        since = max(weak) if outcome not in final and weak else (-1, -1)
        showing = [h for h in hits if h[2] is outcome and h[:2] > since]
        surest = max(showing, key=lambda h: h[3])
        per_sentence: dict[tuple[int, int], float] = {}
        for h in showing:
            per_sentence[h[:2]] = max(per_sentence.get(h[:2], 0.0), h[3])
        first, second = [*sorted(per_sentence.values(), reverse=True), 0.0][:2]
        conf = 1 - (1 - first) * (1 - second * 0.5)
        if {h[2] for h in strong} - {outcome}:
            conf *= 0.8
            self.unsure.append("several outcomes shown")
        last_agent = max((i for i, t in enumerate(self.turns) if t.role == "agent"), default=-1)
        if outcome not in final and last_agent > chosen[0] and self._holding(last_agent):
            conf *= _STILL_WORKING  # the agent went on after it: less sure it is the end
        evidence = tuple(dict.fromkeys((chosen[4], surest[4])))
        return OutcomeReading(outcome, round(conf, 3), evidence)

    @functools.cached_property
    def _hits(self) -> list[tuple[int, int, Outcome, float, Evidence]]:
        """Every outcome phrase said by the speaker it counts for; an offer or request counts
        once the other side takes it up in their next turn (``agent?``, ``customer?``)."""
        hits: list[tuple[int, int, Outcome, float, Evidence]] = []
        final = set(self.lex.outcome_final)
        for ti, turn in enumerate(self.turns):
            for si, s in enumerate(self.parsed[ti]):
                for outcome, rows in self.lex.outcomes.items():
                    for who, p in rows:
                        if who.rstrip("?") not in ("any", turn.role):
                            continue
                        m = p.regex.search(s.text)
                        if m is None:
                            continue
                        if who.endswith("?") and (
                            self.lex.scopes["reported"].search(s.text)
                            or _DONT.search(s.text, 0, m.start())  # "no, don't transfer me"
                            or not self._taken_up(ti)
                        ):
                            continue
                        if who == "agent" and self._offering(ti, s, outcome in final, m[0]):
                            continue  # only asked or offered: an ``agent?`` row counts it if taken
                        negated = _NEGATOR.search(m.group(0)) or _ISSUE_NEGATION.search(
                            s.text[: m.start()]
                        )
                        if outcome is not Outcome.NO_RESOLUTION and negated:
                            continue
                        if self._unheeded(ti, outcome) or self._conditional(s.text, m):
                            continue
                        if _HEDGE.search(s.text[: m.start()]):
                            continue  # "maybe it's back", "I bet that's it": a guess
                        if _NOT_YET.search(s.text[: m.start()]):
                            continue  # "I'll call back once I've found it": not happened yet
                        if p.courtesy and self._after_refusal(ti, hits):
                            continue  # "I'm afraid not" - "all good, not your fault"
                        if outcome is Outcome.REFUND_ISSUED and self._pending(s):
                            continue  # sent for approval: asked for, not issued
                        hits.append((ti, si, outcome, p.reliability, _evidence(ti, s)))
                        self.trace.append((str(outcome), p.regex.pattern, "outcome"))
                        break
        hits += self._refunds_made()
        hits = [h for h in hits if not self._replaced(h, hits)]
        return hits + self._turned_down(hits)

    def _replaced(
        self,
        hit: tuple[int, int, Outcome, float, Evidence],
        hits: Sequence[tuple[int, int, Outcome, float, Evidence]],
    ) -> bool:
        """Whether a deed the agent only announced ("I'll escalate it to underwriting") gave
        way to another the agent put instead, which the customer took ("Actually I can credit
        the forty back instead" - "Do that then"), and was never done after all."""
        ti, si, outcome = hit[:3]
        if self.turns[ti].role != "agent" or not _ANNOUNCED.search(self.parsed[ti][si].text):
            return False
        for later in range(ti + 1, len(self.turns)):
            if (
                self.turns[later].role == "agent"
                and any(_INSTEAD.search(s.text) for s in self.parsed[later])
                and self._taken_up(later)
            ):
                return not any(h[2] is outcome and h[0] >= later for h in hits)
        return False

    def _turned_down(
        self, hits: Sequence[tuple[int, int, Outcome, float, Evidence]]
    ) -> list[tuple[int, int, Outcome, float, Evidence]]:
        """The customer turning down the transfer or callback that was the agent's way forward
        ("I can transfer you to claims" - "No, I'm not doing that again"), before anything
        else was done: the call ends with nothing done, though not surely on that alone (the
        customer may have got what they needed another way)."""
        found = []
        for ti, turn in enumerate(self.turns):
            if turn.role != "agent" or not any(
                p.regex.search(s.text)
                for o in self.lex.outcome_refusable
                for who, p in self.lex.outcomes[o]
                if who.rstrip("?") == "agent"
                for s in self.parsed[ti]
            ):
                continue
            answer = self._next_customer(ti)
            said = [] if answer is None else self._answered(answer, self._closing(ti))
            refused = any(self.lex.scopes["refuse"].search(t) for t in said)
            if answer is None or not refused or any(_SELF_FIXED.search(t) for t in said):
                continue
            if any(h[2] is not Outcome.NO_RESOLUTION and h[0] <= answer for h in hits):
                continue  # after a fix, or answered with one: no more wanted
            evidence = _evidence(answer, self.parsed[answer][0])
            found.append((answer, 0, Outcome.NO_RESOLUTION, _TURNED_DOWN, evidence))
        return found

    def _after_refusal(
        self, ti: int, hits: Sequence[tuple[int, int, Outcome, float, Evidence]]
    ) -> bool:
        """Whether the agent's turn just before turn ``ti`` showed only that nothing could be
        done ("not today, I'm afraid"): a pleasantry answering it is no resolution."""
        agent = max((i for i in range(ti) if self.turns[i].role == "agent"), default=-1)
        shown = {h[2] for h in hits if h[0] == agent}
        return shown == {Outcome.NO_RESOLUTION}

    def _refunds_made(self) -> list[tuple[int, int, Outcome, float, Evidence]]:
        """The agent doing a refund in words no outcome phrase knows ("that's gone through,
        7.50 back to your card", "refunding the 20"), unless only on a condition or the
        customer turns it down: the call issued a refund."""
        made = []
        for kind, ti, si, s, m in self._agent_acts:
            if kind is not AskKind.REFUND or self._conditional(s.text, m) or self._pending(s):
                continue
            if _credit_on_account(s.text):  # "done, the £60 credit is on your account": kept
                continue
            answer = self._next_customer(ti)
            if answer is None or not self._refuses(answer):
                made.append((ti, si, Outcome.REFUND_ISSUED, _REFUND_MADE, _evidence(ti, s)))
        return made

    def _pending(self, s: Sentence) -> bool:
        """Whether the agent's sentence ``s`` says the refund waits on someone's approval
        ("it needs a supervisor's sign-off, so I've sent your request up")."""
        return self.lex.scopes["pending_approval"].search(s.text) is not None

    def _conditional(self, text: str, m: re.Match[str]) -> bool:
        """Whether what a sentence shows happens only on a condition: one said before it ("if
        it drops again, I'll transfer you"), or after what is promised for the future ("I'll
        get an engineer to call you if it happens again"); "if that's ok" is politeness."""
        scopes = self.lex.scopes
        before = scopes["polite_if"].sub(" ", text[: m.start()])
        after = scopes["polite_if"].sub(" ", text[m.end() :])
        future = _FUTURE.search(text[: m.end()]) is not None
        return bool(scopes["condition"].search(before)) or (
            future and scopes["condition"].search(after) is not None
        )

    def _unheeded(self, ti: int, outcome: Outcome) -> bool:
        """Whether what turn ``ti`` shows did not come to pass: a transfer or callback the
        customer turns down in their next turn ("no, forget it"), or the customer ending a
        call after they showed how it ended ("great, thanks, bye" - [caller hung up]): that
        outcome stands, the hang-up is no resolution only of a call still going; a drop the
        customer speaks again after ([line lost] - [reconnected] - "ok I'm back") ended nothing."""
        turn = self.turns[ti]
        if outcome is Outcome.ESCALATED and (
            self._handover_failed(ti) or self._fixed_after_handover(ti)
        ):
            return True
        if turn.role == "agent" and outcome in self.lex.outcome_refusable:
            answer = self._next_customer(ti)
            return answer is not None and self._refuses(answer, self._closing(ti))
        if turn.role == "system" and outcome is Outcome.NO_RESOLUTION:
            if any(t.role == "customer" for t in self.turns[ti + 1 :]):
                return True  # the line dropped and the customer came back: the call went on
            before = max((i for i in range(ti) if self.turns[i].role != "system"), default=-1)
            return self._took_leave(ti) or (
                before >= 0
                and self.turns[before].role == "customer"
                and any(
                    p.regex.search(s.text)
                    for o, rows in self.lex.outcomes.items()
                    if o is not Outcome.NO_RESOLUTION
                    for who, p in rows
                    if who == "customer"
                    for s in self.parsed[before]
                )
            )
        return False

    def _took_leave(self, ti: int) -> bool:
        """Whether the customer's last words before the platform's turn ``ti`` took leave ("thank
        you so much, bye bye") and the agent only said goodbye back: the customer ending the
        call then ends it normally, it is no hang-up (what the call came to stands)."""
        scopes = self.lex.scopes
        last = max((i for i in range(ti) if self.turns[i].role == "customer"), default=-1)
        return (
            last >= 0
            and _goodbye(scopes, self.turns[last].text)
            and all(
                t.role == "system" or _goodbye(scopes, t.text) for t in self.turns[last + 1 : ti]
            )
        )

    def _handover_failed(self, ti: int) -> bool:
        """Whether the platform or the agent says, before the customer has spoken twice since
        turn ``ti``, that its transfer did not happen ("[transfer failed: no agents
        available]", "sorry, nobody's free right now")."""
        spoke = 0
        for turn, parsed in zip(self.turns[ti + 1 :], self.parsed[ti + 1 :], strict=True):
            if turn.role == "customer":
                spoke += 1
                if spoke == 2:
                    return False
                continue
            text = " ".join(s.text for s in parsed) if parsed else clean(turn.text)
            if self.lex.scopes["handover_failed"].search(text):
                return True
        return False

    def _fixed_after_handover(self, ti: int) -> bool:
        """Whether the transfer turn ``ti`` shows reached someone who fixed the problem: after
        the hand-over (the platform's note of it, or a second agent speaking straight after the
        first) the customer says in their own words that it works ("it worked, all the lines are
        there"). The call ended resolved, not transferred."""
        turns = self.turns
        handover = next(
            (
                i
                for i in range(ti, len(turns))
                if turns[i].role == "system"
                or (i > ti and turns[i].role == "agent" and turns[i - 1].role == "agent")
            ),
            None,
        )
        if handover is None:
            return False
        fixed = [
            p
            for who, p in self.lex.outcomes[Outcome.RESOLVED]
            if who == "customer" and not p.courtesy
        ]
        return any(
            p.regex.search(s.text)
            for i in range(handover + 1, len(turns))
            if turns[i].role == "customer" and not self._others(i)
            for s in self.parsed[i]
            for p in fixed
        )

    def _put_to_them(self, ti: int, s: Sentence, value: Decimal) -> bool:
        """Whether the amount ``value`` agent sentence ``s`` names was the customer's to take:
        asked about ("..., if that's okay with you?", "would you like...") or said back in the
        answer ("A hundred? Yes, the hundred, please"), not only stated and thanked for."""
        if _asked(self.turns[ti].text, s) or _CONSENT.search(s.text):
            return True
        if self.lex.scopes["offer_question"].search(s.text):
            return True
        at = self._next_customer(ti)
        return at is not None and any(
            value in self._readings(a) for p in self.parsed[at] for a in _amounts(p.text, True)
        )

    def _next_customer(self, ti: int) -> int | None:
        """The customer's turn answering turn ``ti``, if the agent did not speak again first."""
        for i in range(ti + 1, len(self.turns)):
            if self.turns[i].role == "customer" and not self._others(i):
                return i
            if self.turns[i].role == "agent":
                return None
        return None

    def _hesitant_yes(self, ti: int) -> bool:
        """Whether the customer's answer to turn ``ti`` is only a hesitant okay ("Erm, okay."):
        a sum the agent named there is let pass, not agreed. Read in the words as said: the
        cleaned text drops the "erm"."""
        at = self._next_customer(ti)
        answer = "" if at is None else self.turns[at].text.lower()
        return at is not None and bool(self.lex.scopes["hesitant_yes"].match(answer))

    def _refuses(self, ti: int, closing: bool = False) -> bool:
        """Whether the customer's turn ``ti`` turns down what the agent just said they would
        do: a refusal (``refuse``), the problem gone by their own hand, or giving up. After the
        agent's closing question (``closing``: "anything else?") a bare "no" answers that."""
        scopes = self.lex.scopes
        giving_up = [p for who, p in self.lex.outcomes[Outcome.NO_RESOLUTION] if who == "customer"]
        return any(
            scopes["refuse"].search(text)
            or _SELF_FIXED.search(text)
            or any(p.regex.search(text) for p in giving_up)
            for text in self._answered(ti, closing)
        )

    def _answered(self, ti: int, closing: bool) -> list[str]:
        """The sentences of the customer's turn ``ti``, less a bare "no" that answers only the
        agent's closing question (``closing``)."""
        said = [s.text for s in self.parsed[ti]]
        if closing and said:
            said[0] = _BARE_NO.sub("", said[0])
        return said

    def _closing(self, ti: int) -> bool:
        """Whether the agent's turn ``ti`` ends asking whether the call can close ("is there
        anything else I can help with?"): the customer's next words answer that first."""
        said = self.parsed[ti]
        asked = self.turns[ti].text.rstrip().endswith("?")
        return bool(said) and asked and self.lex.scopes["wrap_up"].search(said[-1].text) is not None

    def _offering(self, ti: int, s: Sentence, offer: bool, shown: str) -> bool:
        """Whether sentence ``s`` of turn ``ti`` asks about something, or (``offer``) offers
        what ``shown`` says, in its own clause: "that's more than I can refund, so I've
        escalated it" does what it says; the offer words are about something else."""
        asked = _asked(self.turns[ti].text, s)
        own = next((c.text for c in s.clauses if shown in c.text), s.text)
        said = own[: own.find(shown) + len(shown)] if shown in own else s.text
        return asked or (offer and self.lex.scopes["offering"].search(said) is not None)

    def _taken_up(self, ti: int) -> bool:
        """Whether the other side's next turn accepts what turn ``ti`` offered or asked: in its
        first sentence, or after a customer's hedge or musing ("if it's no trouble... yes",
        "four to six... I'd be in about then. Yeah, fine") in its next two."""
        role = self.turns[ti].role
        for turn, parsed in zip(self.turns[ti + 1 :], self.parsed[ti + 1 :], strict=True):
            if turn.role == role or turn.role == "system":
                continue
            scopes = self.lex.scopes
            if turn.role == "agent":
                first = _opening(parsed[0].text) if parsed else ""
                return scopes["agreeing"].search(first) is not None
            for sentence in parsed[:3]:
                said = _opening(sentence.text)
                if scopes["decline"].search(said) or scopes["decline_anywhere"].search(said):
                    return False
                if scopes["accept"].search(said) or _DAY_SUITS.match(said):
                    return True
            return False
        return False

    def under_way(self) -> UnderWay | None:
        """Whether the call has plainly not ended: nothing was done that stands (``final``),
        and the agent's last turn, after anything that showed an outcome, holds the line ("let
        me check", "one moment") or asks the customer for a step ("can you restart it?"), or
        asks them anything (not the closing "anything else?") before anything was fixed;
        after a hold the customer may only have waited ("ok, I'll wait"). A call the platform
        shows ended (the caller gone, the customer not back since) is not under way, whatever
        the agent says after. A call that shows no outcome otherwise is not under way: it is one
        not read."""
        hits = self._hits
        if any(h[2] in self.lex.outcome_final for h in hits):
            return None
        agent = max((i for i, t in enumerate(self.turns) if t.role == "agent"), default=-1)
        if agent <= max((h[0] for h in hits), default=-1):
            return None
        if any(self.turns[h[0]].role == "system" for h in hits):
            return None  # the line went dead: what the agent says into it ("hello?") ends nothing
        scopes = self.lex.scopes
        said = self.parsed[agent]
        text = " ".join(s.text for s in said)
        if not said or scopes["wrap_up"].search(text):
            return None
        # after a fix or anything done, the agent's last words are a follow-up (a note made,
        # a question); after "still not working" the troubleshooting goes on
        settled = any(h[2] is not Outcome.NO_RESOLUTION for h in hits)
        holding = self._holding(agent)
        if holding is not None:
            confidence = _WAITING if agent < len(self.turns) - 1 else _HOLDING
            return None if settled else UnderWay(confidence, (_evidence(agent, holding),))
        if agent < len(self.turns) - 1:
            return None  # the customer answered: where the call went is not read
        asking = self.turns[agent].text.rstrip().endswith("?") and not settled
        if scopes["instructing"].search(text) or asking:
            return UnderWay(_ASKING, (_evidence(agent, said[-1]),))
        return None

    def _holding(self, agent: int) -> Sentence | None:
        """What in the agent's turn ``agent`` holds the line, if the customer has only waited
        since (no goodbye, no system event)."""
        scopes = self.lex.scopes
        holding = [s for s in self.parsed[agent] if scopes["holding"].search(s.text)]
        waited = all(
            (t.role == "customer" and not _goodbye(scopes, t.text))
            or (t.role == "system" and _HOLD_NOTE.search(clean(t.text)) is not None)
            for t in self.turns[agent + 1 :]
        )
        return holding[-1] if holding and waited else None


def _said_done(clause: str, m: re.Match[str]) -> bool:
    """Whether the clause says the thing asked at ``m`` was done already ("the $45 was already
    refunded on Monday"), not that it is due ("should have already been refunded by now") nor
    that another thing was ("the 20 has already been refunded, now I want the 15 back")."""
    return not _DUE.search(clause) and any(
        d.start() < m.end() and m.start() < d.end() for d in _ALREADY_DONE.finditer(clause)
    )


def _granted(events: Sequence[_Event]) -> bool:
    """Whether any of an ask kind's events so far wants it (asked, or an offer taken)."""
    return any(e.status is not None and e.status.granted for e in events)


def _fold(events: Sequence[_Event]) -> _Fold:
    """An ask kind's events, in order, to where it stands at the end."""
    fold = _Fold()
    # a price said after the ask that did not change it: what a thing offered back as well,
    # naming no sum, is taken at ("the yoghurt's split, that was £2.85" - "that one back too?")
    beside: _Said | None = None
    for e in events:
        if e.status is None:  # an amount corrected or added
            if fold.status is None:
                continue
            if e.said is not None and not (e.fallback and fold.amounts):
                if e.correction or not fold.amounts:
                    fold.amounts = [(e.evidence.turn, e.said)]
                else:
                    fold.amounts.append((e.evidence.turn, e.said))
                fold.currency = e.said.currency or fold.currency
            elif e.said is not None:
                beside = e.said
            fold.evidence.append(e.evidence)
            continue
        current = fold.status
        new = e.status
        if e.settles:
            fold.status, fold.confidence = new, e.confidence
            fold.evidence.append(e.evidence)
            continue
        if new is AskStatus.DECLINED and current is not None and current.granted:
            new = AskStatus.RETRACTED
        if new is AskStatus.RETRACTED and (current is None or not current.granted):
            if current is AskStatus.RETRACTED and e.confidence > fold.confidence:
                # taken back again, in surer words ("the topper. Forget the 50.")
                fold.confidence = e.confidence
                fold.evidence.append(e.evidence)
            continue
        if (
            current is not None
            and current.granted
            and new
            in (
                AskStatus.HYPOTHETICAL,
                AskStatus.QUESTION,
                AskStatus.THIRD_PARTY,
                AskStatus.OFFERED,
                AskStatus.OFFERED_ACCEPTED,
                AskStatus.OFFERED_DECLINED,
            )
        ):
            # a musing or an offer after the customer asked does not undo the ask; an
            # accepted offer may still set the amount agreed; but the thing named as someone
            # else's in a later turn ("just close his account") leaves unsure whose it was
            offered = e.said if e.said is not None or not e.addition else beside
            if new is AskStatus.OFFERED_ACCEPTED and offered is not None:
                # the amount asked, agreed as it was: as sure as the surer saying of it
                same = [a for _, a in fold.amounts if a.value == offered.value]
                agreed = max([offered, *same], key=lambda a: a.confidence)
                # the customer's own sum for another thing, since the ask ("so twelve for
                # that one"), offered back as well ("I'll refund £12 for the mug as well")
                told = beside is not None and beside.value == offered.value
                if e.addition and not same and told:
                    fold.amounts.append((e.evidence.turn, agreed))
                elif _more_than_asked(fold, e):
                    # a larger sum the agent only stated ("I can see the 40 chairs, $180,
                    # I'll refund that"), thanked for: the customer's own sum stands, unsure
                    fold.amounts = [
                        (t, replace(a, confidence=min(a.confidence, _STATED)))
                        for t, a in fold.amounts
                    ]
                elif same and len(fold.amounts) > 1:
                    # one of several sums asked, agreed as it was ("the 22 for the toaster
                    # too"): the others stand beside it
                    fold.amounts = [
                        (t, agreed if a.value == offered.value else a) for t, a in fold.amounts
                    ]
                elif e.said is None and not same:
                    # another thing offered back as well, naming no sum ("that one back too?"),
                    # taken at the price said of it: on top of what was asked; a sum the offer
                    # names ("18 back to cover the postage too") is the amount proposed
                    fold.amounts.append((e.evidence.turn, agreed))
                else:
                    fold.amounts = [(e.evidence.turn, agreed)]
            if new is AskStatus.THIRD_PARTY and e.evidence.turn > fold.evidence[-1].turn:
                fold.status = new
                fold.confidence = _WHOSE
                fold.evidence.append(e.evidence)
            continue
        fold.status = new
        fold.confidence = e.confidence
        fold.evidence.append(e.evidence)
        if e.said is not None and new.granted:
            same_turn = bool(fold.amounts) and fold.amounts[-1][0] == e.evidence.turn
            # the ask said again in its turn with its own amount, where the first took what
            # they paid, names what it is for; only "also" adds it
            named = same_turn and fold.amounts[-1][1].paid and not e.said.paid
            adds = (e.addition or (same_turn and not named)) and not e.correction
            if not adds or current is not AskStatus.ASKED:
                fold.amounts = [(e.evidence.turn, e.said)]
            elif all(a.value != e.said.value for _, a in fold.amounts):
                fold.amounts.append((e.evidence.turn, e.said))
            fold.currency = e.said.currency or fold.currency
    return fold


def _more_than_asked(fold: _Fold, offer: _Event) -> bool:
    """Whether an offer taken is of more than every amount the customer asked, and was never
    put to them (a statement of what the agent will do, only thanked for)."""
    said = offer.said
    return (
        said is not None
        and not offer.put_to_them
        and offer.confidence < SURE
        and bool(fold.amounts)
        and all(said.value > _meant_high(a, said.value) for _, a in fold.amounts)
        # so many at the price the customer gave ("6.50 a ticket" - "two tickets, 13.00"):
        # the agent counting what the customer priced, not more than they asked
        and not any(
            a.value and said.value % a.value == 0 and not a.narrowed for _, a in fold.amounts
        )
    )


def _meant_high(asked: _Said, other: Decimal) -> Decimal:
    """The largest reading of an amount asked, but for a sum said as two numbers read a hundred
    times over ("six ninety-nine": 6.99 or 699) against a sum ``other`` of the smaller's scale
    ("nine ninety-eight"): then the customer meant the smaller. A sum ending in the customer's
    figure ("29.99" for a heard "9 99") is theirs heard whole, not more."""
    hundredfold = asked.high == asked.value * 100
    whole = plain(other).endswith(plain(asked.value))
    return asked.value if hundredfold and other * 10 < asked.high and not whole else asked.high


def _rest_after_letting_go(fold: _Fold, value: Decimal) -> _Said | None:
    """What a granted ask still asks once the amount ``value``, one of several it named, is
    let go; None when it named no other."""
    rest = [a for _, a in fold.amounts if a.value != value]
    if fold.status is None or not fold.status.granted or len(rest) in (0, len(fold.amounts)):
        return None
    return _Said(
        sum((a.value for a in rest), Decimal(0)),
        rest[0].currency,
        sum((a.high for a in rest), Decimal(0)),
        min(a.confidence for a in rest),
    )


def _meets_terms(earlier: Sequence[_Event], offered: _Said | None) -> bool:
    """Whether an amount offered meets the terms the customer's last answer set ("ok if it's
    the full 45" - "I can refund the full $45")."""
    last = earlier[-1] if earlier else None
    return (
        last is not None
        and last.status is AskStatus.HYPOTHETICAL
        and last.said is not None
        and offered is not None
        and offered.value >= last.said.value
    )


def _waves_off(answer: str) -> bool:
    """Whether an answer lets go of every sum it names ("forget the twenty bucks, I don't care
    about that", "keep the fiver"): the money offered turned down, no other amount asked."""
    named = _amounts(answer, True)
    return bool(named) and all(_let_go(answer[: a.start]) for a in named)


def _sent_by_other(before: str, phrase: str) -> bool:
    """Whether an ask phrase tells of money another already sent back ("the seller sent my 54
    back", "paypal returned the 20"), the sending verb just before it or its first word."""
    sent = _SENT_BY.search(before + phrase)
    return sent is not None and sent.start() < len(before) <= sent.end()


def _let_go(before: str) -> bool:
    """Whether the words before a sum let it go ("keep the", "I don't want your")."""
    return bool(_DISMISS.search(before) or _UNWANTED.search(before))


def _lets_go(text: str, amounts: Sequence[Money]) -> bool:
    """Whether a sentence lets go of the first sum it names: dismissed ("keep the 35"), or
    refused outright with every other sum it names ("I don't want your 5.99")."""
    before = text[: amounts[0].start]
    return bool(_DISMISS.search(before)) or (
        _UNWANTED.search(before) is not None and all(_let_go(text[: a.start]) for a in amounts)
    )


def _whole_stated(text: str) -> _Said | None:
    """The whole an agent's sentence states ("6.50 each, 13.00 altogether"), which an offer
    naming no amount right after it ("I can refund both booking fees") is of."""
    wholes = [a for a in _amounts(text, True) if _IN_ALL.match(text, a.end)]
    return _said(wholes[-1], _PROPOSED) if wholes else None


def _echoed(text: str, named: set[Decimal]) -> bool:
    """Whether an answer's sentence only says back an amount the offer named ("A hundred?",
    "Fifty-eight."), a word or so besides."""
    said = _amounts(text, True)
    others = len(_ASIDE_WORDS.findall(text)) - len(said)
    return bool(said) and all(a.value in named for a in said) and others <= 1


def _result_of(text: str, found: Sequence[Money]) -> Money | None:
    """The result of a sum worked out aloud ("68 less the 10 admin fee, so 58"; "60, and 40 on
    top, so 100 in total"): an amount said after "so" that two said just before it add up or
    come down to."""
    for a, b, c in zip(found, found[1:], found[2:], strict=False):
        if _SO.search(text, b.end, c.start) and c.value in (a.value - b.value, a.value + b.value):
            return c
    return None


def _asks_of_other(text: str, money: Money) -> bool:
    """Whether a bare number is said in a question about something else ("and is that open
    for eight?"): a count or a time of that thing, no sum; a question of one's own sum ("is
    it ok if I get 30?") may name one."""
    if money.explicit:
        return False
    asked = _OTHER_QUESTION.search(text, 0, money.start)
    return asked is not None and not _FIRST_PERSON.search(asked.group(0))


def _total_of(text: str, found: Sequence[Money], asked: set[Decimal]) -> Money | None:
    """The total an agent works out of what was asked and a part the customer named without
    its amount ("the twenty-nine plus whatever the tax was" - "the tax was 2.39, so 31.39";
    "the tenner and the postage" - "so 10 and 3.50, that's 13.50"): an amount said after "so"
    that two said before it, or one and an amount asked, add up to."""
    if (result := _result_of(text, found)) is not None and result.value > found[0].value:
        return result
    for part, total in itertools.pairwise(found):
        if _SO.search(text, part.end, total.start) and total.value - part.value in asked:
            return total
    return None


def _said_as_price(text: str, money: Money) -> bool:
    """Whether ``money`` in ``text`` is a price: with its currency, or a bare number said as
    one ("paid 149", "for 119")."""
    return money.explicit or _PRICED.search(text[: money.start]) is not None


def _priced_each(text: str, money: Money) -> bool:
    """Whether ``money`` in ``text`` is a price per thing ("$19.50 a lesson", "8.50 each")."""
    return _PER_UNIT.match(text[money.end :].lstrip()) is not None


def _said(money: Money, confidence: float) -> _Said:
    return _Said(money.value, money.currency, money.high, confidence)


def _amounts(text: str, bare: bool) -> list[Money]:
    found = money_in(text)
    if bare:
        found += bare_amounts(text)
    return sorted(found, key=lambda m: m.start)


def _worked_amounts(text: str) -> list[Money]:
    """The amounts ``text`` names, a count times a price worked out aloud ("2 x 4.50") read
    as its product in place of the numbers it is made of."""
    worked = [w for w in products(text) if w.value == w.high]
    rest = [a for a in _amounts(text, True) if not any(w.start <= a.start < w.end for w in worked)]
    return sorted([*worked, *rest], key=lambda m: m.start)


def _widest(text: str, money: Money, found: Sequence[Money]) -> Decimal:
    """The largest amount ``money`` may stand for: a list it is in (``together``), the other
    end of "20 or 25" and "20 to 25", and a tenth more when said roughly ("about 20", "20ish",
    "a hundred and change"); a range ("between 20 and 30") is its top, not a sum."""
    ranged = _range_top(text, money, found)
    high = ranged if ranged is not None else together(text, money, list(found))
    for other in (a for a in found if a.start >= money.end):
        if not _OR_JOIN.match(text[money.end : other.start]):
            break
        high = max(high, other.high)
    if _ROUGHLY_BEFORE.search(text[: money.start]) or _ROUGHLY_AFTER.match(text[money.end :]):
        high = max(high, (money.high * Decimal("1.1")).quantize(Decimal("0.01")))
    return high


def _range_top(text: str, money: Money, found: Sequence[Money]) -> Decimal | None:
    """The top of a range ``money`` opens ("between 20 and 30", "anywhere from 20 to 30")."""
    after = [a for a in found if a.start >= money.end][:1]
    opened = _BETWEEN.search(text, 0, money.start)
    if not after or opened is None or not _RANGE_JOIN.fullmatch(text[money.end : after[0].start]):
        return None
    return max(money.high, after[0].high)


def _clause_amounts(s: Sentence, at: int) -> list[Money]:
    """The amounts said in clause ``at`` of ``s``, read on into the next clause: "the 3, 3
    days" (the number said again with its unit) says a count, not an amount."""
    clause = s.clauses[at].text
    following = ", ".join(c.text for c in s.clauses[at : at + 2])
    return [a for a in _amounts(following, True) if a.end <= len(clause)]


# Another thing joined on to a list of things asked back ("and the toaster", "plus my charger")
_ANOTHER_THING = re.compile(r"(?:and|plus) (?:the|my|our|a|an|that|those|these) [a-z]+(?: [a-z]+)?")


def _aside_amount(s: Sentence, ci: int, topic: float) -> _Said | None:
    """The amount said as an aside right after the asking clause ("refund me the filter,
    29.49", "the difference, 120"), or right before it when the ask points back at it ("the
    150, can you put that back", "the 150, give back to me"), as sure as one said in it."""
    # past a "please" said between ("the difference, please, the forty"), and past more
    # things asked with it ("refund the towels, and the mat, thirty-two": both, at 32)
    after = ci + 1
    while after < len(s.clauses) and (
        _COURTESY.fullmatch(s.clauses[after].text)
        or (
            _ANOTHER_THING.fullmatch(s.clauses[after].text)
            and not _clause_amounts(s, after)
            and after + 1 < len(s.clauses)
        )
    ):
        after += 1
    asking = s.clauses[ci].text
    back = _BACK.search(asking) or _OBJECT_LEFT_OUT.search(asking)
    asides = [after] + ([ci - 1] if ci and back else [])
    for at in (a for a in asides if 0 <= a < len(s.clauses)):
        if (found := _aside(s.clauses[at].text, _clause_amounts(s, at), topic)) is not None:
            return _listed_after(s, at, found) if at == after else found
    return None


def _listed_after(s: Sentence, at: int, found: _Said) -> _Said:
    """An aside's amount with those of the other things listed after it, each named and then
    its amount as an aside of its own ("the kettle back, the 40, and the toaster, the 25": 65):
    all of them are asked."""
    more, k = Decimal(0), at + 1
    while k + 1 < len(s.clauses) and _ANOTHER_THING.fullmatch(s.clauses[k].text):
        named = _clause_amounts(s, k + 1)
        if len(named) != 1 or _aside(s.clauses[k + 1].text, named, found.confidence) is None:
            break
        more, k = more + named[0].value, k + 2
    return replace(found, value=found.value + more, high=found.high + more)


def _aside(aside: str, named: list[Money], topic: float) -> _Said | None:
    """The amount ``aside`` is, when it says little else ("29.49 I think", "the 150"): as sure
    as one said in the asking clause; a share of it when one is said of it ("20% off 65").
    ``named``: the amounts said in it."""
    if not named or len(_ASIDE_WORDS.findall(aside)) > 2 + len(named):
        return None
    if worked := products(aside):  # "2 x 8.99 = 17.98, can i get that back": the sum
        return _Said(worked[-1].value, worked[-1].currency, worked[-1].high, _COUNTED_PRICE)
    # a list said as the aside ("refund both, 30 and 15") is asked whole
    whole = together(aside, named[0], named)
    sure = min(topic, 0.9 if all(a.explicit for a in named) else 0.75)
    said = _Said(whole if len(named) > 1 else named[0].value, named[0].currency, whole, sure)
    return said.part(share_of(aside, named[0]))


def _conditions(
    s: Sentence, plain: Sequence[str], condition: re.Pattern[str], raw: str
) -> set[int]:
    """The sub-clauses of a sentence a condition is said in: one naming it, and those its
    "and" or "or" carries on without a pause ("if he goes abroad and the package does not
    work, can he get his money back": the condition is both), or with one where more of the
    sentence follows ("if the flight is late, and the driver leaves, do I get a refund?")."""
    found: set[int] = set()
    for ci, clause in enumerate(s.clauses):
        carried = ci - 1 in found and (
            (
                _JOINED.match(clause.text) is not None
                and (
                    "," not in raw[s.clauses[ci - 1].end : clause.start] or ci + 1 < len(s.clauses)
                )
            )
            or _ASIDE_WORD.fullmatch(clause.text) is not None  # "if it breaks, though, ..."
        )
        if carried or condition.search(plain[ci]):
            found.add(ci)
    return found


def _consequence(s: Sentence, conditions: set[int], raw: str) -> set[int]:
    """The sub-clauses a condition's outcome is said in: the one after it, and those its "and"
    carries on without a pause ("if it's not back by Monday, then I ring again and I want the
    refund": both hang on Monday)."""
    found: set[int] = set()
    for ci, clause in enumerate(s.clauses):
        carried = (
            ci - 1 in found
            and ci not in conditions
            and _JOINED.match(clause.text) is not None
            and "," not in raw[s.clauses[ci - 1].end : clause.start]
        )
        if ci - 1 in conditions or carried:
            found.add(ci)
    return found


def _with_aside(text: str, rest: Sequence[Clause]) -> str:
    """A clause with the thing it names as an aside right after it ("can you finish it off
    for me, the account?"), so an ask naming its object late reads whole."""
    if rest and _ASIDE_THING.match(rest[0].text):
        return f"{text}, {rest[0].text}"
    return text


def _wanted_then_asked_how(before: str, after: str) -> bool:
    """Whether an ask said as a want is followed, unpunctuated, by a question about what
    comes next ("i want to close my account how long does it take"): the want stands."""
    return _DESIRE.search(before) is not None and _HOW_NEXT.search(after) is not None


def _without(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the spans inside it cut out."""
    for start, end in sorted((sp for sp in spans if sp[1] <= len(text)), reverse=True):
        text = text[:start] + text[end:].lstrip()
    return text


def _contrasted(earlier: Sequence[_Event], ti: int, si: int, phrase: str) -> bool:
    """Whether a refused form of a thing follows an ask for it in the same sentence in other
    words ("I'd like my 140 back on my card, not a credit"): a contrast, not a take-back."""
    return any(
        e.order[:2] == (ti, si)
        and e.status is AskStatus.ASKED
        and phrase.lower() not in e.evidence.text.lower()
        for e in earlier
    )


def _addressed(clause: str, sentence: str) -> bool:
    """Whether a clause asks the agent for something, its sentence naming no one else's."""
    return _ADDRESSED.search(clause) is not None and _THEIRS.search(sentence) is None


def _kept(keep: re.Pattern[str], text: str) -> bool:
    """Whether a sentence says to keep the account or service ("I'll keep it open"), not
    that keeping it is pointless ("there's no point keeping it open")."""
    return any(not _NOT_KEEPING.search(text[: m.start()]) for m in keep.finditer(text))


def _part_asked(partial: re.Pattern[str], clause: str, later: str) -> bool:
    """Whether a clause refuses the whole of something ("I don't need the whole amount back")
    while what follows names the part still wanted ("just the £10", "twenty would do")."""
    return bool(partial.search(clause)) and bool(
        (_PART.search(later) and _amounts(later, True)) or _SETTLES.search(later)
    )


def _part_after_refusing(
    ti: int, s: Sentence, amounts: Sequence[Money], earlier: Sequence[_Event]
) -> bool:
    """Whether a sentence names the part still wanted ("just the twenty") right after the
    customer refused a larger amount in this turn ("I'm not asking for eighty"): asked, as
    "not all forty, twenty would do" is in one sentence."""
    last = earlier[-1] if earlier else None
    return (
        last is not None
        and last.order[0] == ti
        and last.status is AskStatus.DECLINED
        and last.said is not None
        and amounts[-1].value < last.said.value
        and _PART.search(s.text, 0, amounts[-1].start) is not None
    )


def _sum_alone(ti: int, s: Sentence, amounts: Sequence[Money], earlier: Sequence[_Event]) -> bool:
    """Whether a sentence is only a sum ("Sixty-four.", "Twenty-one, please."), or ends in the
    part of a price worked out ("it's a 68 bag so 34"), in the turn that spoke of the ask: the
    amount meant, over any the turn named before. Not a few said alone (a count, "all 3"),
    which the sum said next may price."""
    if not amounts or len(amounts) > 2 or not earlier or earlier[-1].order[0] != ti:
        return False
    sum_ = amounts[-1]
    first = amounts[0]
    return (
        (
            _SUM_ALONE_BEFORE.match(s.text[: sum_.start]) is not None
            if first is sum_
            else sum_.value < first.value and _SO.search(s.text, first.end, sum_.start) is not None
        )
        and _SUM_ALONE_AFTER.match(s.text, sum_.end) is not None
        and (sum_.explicit or sum_.value > _FEW_THINGS or sum_.value % 1 != 0)
    )


def _total_of_parts(before: str, money: Money) -> bool:
    """Whether a sum said alone is the total of the several said just before it ("the extra 25
    and the extra 15 back. Forty."): it restates them, read as their reading stands."""
    parts = _amounts(before, True)
    return len(parts) > 1 and sum((a.value for a in parts), Decimal(0)) == money.value


def _planned_then(sentence: str, before: str) -> bool:
    """Whether a sentence tells of a deed the customer will be doing "then", at a later time
    the sentence before named: a plan for later, not an ask now."""
    return (
        _WILL_BE_DOING.search(sentence) is not None
        and _THEN_END.search(sentence) is not None
        and _LATER.search(before) is not None
    )


def _taken_back_in(ti: int, earlier: Sequence[_Event]) -> bool:
    """Whether the customer took the ask back earlier in turn ``ti``."""
    return any(e.order[0] == ti and e.status is AskStatus.RETRACTED for e in earlier)


def _part_of_anothers_ask(s: Sentence, amounts: Sequence[Money], earlier: Sequence[_Event]) -> bool:
    """Whether the holder (``_follow_up`` reads only their sentences) names the part they want
    ("just the forty for the platter") of what a relative on the line asked for them ("ask
    for the whole hundred back"): the holder's own ask, at that part."""
    last = earlier[-1] if earlier else None
    return (
        last is not None
        and last.status is AskStatus.THIRD_PARTY
        and (last.said is None or amounts[-1].value < last.said.value)
        and _PART.search(s.text, 0, amounts[-1].start) is not None
        and not _PAID.search(s.text, 0, amounts[-1].start)  # "it was only forty": a price
    )


def _part_named(answer: Sequence[Sentence]) -> _Said | None:
    """The part a "no" to an offer of money narrows it to ("no, not the whole order, just the
    covers, that's 18"; "god no. only the pillowcases. 27"): the amount said after the part
    word in its sentence, or as the next sentence by itself ("just the one night. A hundred and
    twenty."); the offer corrected, not refused. Sure only when said with its currency."""
    for at, sentence in enumerate(answer):
        part = _NARROWED.search(sentence.text)
        if part is None:
            continue
        rest = sentence.text[part.start() :]
        aside = answer[at + 1].text if at + 1 < len(answer) else ""
        named = _sums(rest)
        if not named and len(_ASIDE_WORDS.findall(aside)) <= 2:
            named = _sums(aside)
        if named:
            return _said(named[0], 0.85 if named[0].explicit else 0.65)
        # "just the three odd ones. ... so 3 x 5.40, that's 16.20": the part's sum worked out
        worked = [w for later in answer[at:] for w in products(later.text) if w.value == w.high]
        return _said(worked[-1], 0.65) if worked else None
    return None


def _item_words(text: str) -> frozenset[str]:
    """The words naming a thing ("the 10th one": {"10"}, "the tickets": {"ticket"}), without
    ordinal endings, plurals and words that name nothing."""
    words = set()
    for word in _ITEM_WORD.findall(text):
        if word in _NOT_ITEM:
            continue
        word = re.sub(r"^(\d+)(?:st|nd|rd|th)$", r"\1", word)
        words.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return frozenset(words)


def _content_words(text: str) -> frozenset[str]:
    """The item words that name something (``_item_words``), not the short words and
    auxiliaries every question and answer share ("would that be all right?" - "yes, that
    would be lovely")."""
    return frozenset(w for w in _item_words(text) if len(w) > 3 and w not in _FUNCTION_WORDS)


def _item_amounts(item: str) -> set[tuple[Decimal, str | None]]:
    """The money a listed thing is said at: so many at a price as their product ("two tickets
    at 28": 56), else amounts with a currency or pence ("fees of 29.00") or said for a thing
    ("72 for the heater"), not a bare count or day ("from 1 to 31 march")."""
    worked = products(item)
    if worked:
        return {(w.high, w.currency) for w in worked}
    return {
        (a.value, a.currency)
        for a in _amounts(item, True)
        if a.explicit or "." in item[a.start : a.end] or _PRICE_FOR.match(item, a.end)
    }


def _sums(text: str) -> list[Money]:
    """The amounts ``text`` names as sums of money wanted: not refused ("not eighty"), not
    what was paid, and not counts of things ("just the two broken ones", "the one night")."""
    return [
        a
        for a in _amounts(text, True)
        if not _NOT_THIS.search(text[: a.start])
        and not _PAID.search(text[: a.start])
        and (a.explicit or _SUM_ENDS.match(text, a.end))
    ]


def _price_asked(turn: str, s: Sentence, money: Money) -> bool:
    """Whether ``money``, in sentence ``s`` of ``turn``, is a price asked after ("the quote,
    is that still three-fifty?"): a question of what something costs names no sum wanted."""
    return _asked(turn, s) and _PRICE_ASKED.search(s.text, 0, money.start) is not None


def _waved(dismissed: re.Pattern[str], after: str, reach: int = 0) -> bool:
    """Whether ``after`` waves away the problem named just before it ("but that's nothing"),
    at its start or, unpunctuated, within its first ``reach`` words ("a scratch on the side no
    big deal")."""
    starts = [0, *[m.end() for m in re.finditer(r"\s+", after)][:reach]]
    return any(dismissed.match(after[at:]) for at in starts)


def _added_on(clause: str, best: Money, found: Sequence[Money]) -> Decimal:
    """An amount asked with others added after it in its clause ("5 back for the missing one
    and 2 for the delivery"): all of them, as the largest reading."""
    total, last = best.high, best
    if _range_top(clause, best, found) is not None:
        return total  # "between 20 and 30": a range, not two amounts
    for other in (a for a in found if a.start >= best.end):
        if not _AND.search(clause, last.end, other.start):
            break
        total, last = total + other.high, other
    return total


def _chooses_credit(text: str) -> bool:
    """Whether a customer's sentence takes the money as something kept with the company
    (``_CREDIT_CHOSEN``), not said unwanted, and sends none of it out to them ("sixty back to my
    card and a hundred as credit": both)."""
    return _said_wanted(_CREDIT_CHOSEN, text) and not _said_wanted(_MONEY_OUT, text)


def _said_wanted(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` is found in ``text`` other than as a thing said unwanted."""
    return any(
        _NOT_WANTED_BEFORE.search(text, 0, m.start()) is None for m in pattern.finditer(text)
    )


def _credit_on_account(text: str) -> bool:
    """Whether a sentence puts credit kept with the company ("the £60 travel credit is on your
    account", "store credit added"), no money going out to the customer."""
    kept = _KEPT_CREDIT.search(text) or (_CREDIT_NAMED.search(text) and _ON_ACCOUNT.search(text))
    return bool(kept) and _MONEY_OUT.search(text) is None


def _left_with_company(clause: str, money: Money) -> bool:
    """Whether an amount's clause keeps it with the company rather than asking it back:
    left on the account or kept ("and leave the hundred on there"), or taken as credit ("and a
    hundred as store credit", "twenty-five in credit")."""
    return _LEFT.search(clause, 0, money.start) is not None or (
        _AS_CREDIT.match(clause, money.end) is not None
        and not _MONEY_OUT.search(clause, money.end)  # "as a credit to my card": money out
    )


def _on_top(clause: str) -> bool:
    """Whether an amount's clause adds it to the one asked before ("and £30 for the jug",
    "so the 14 for that as well"), rather than floating another figure for the same thing."""
    return _CONTINUATION.match(clause) is not None or _ALSO.search(clause) is not None


def _pointing(phrase: str, amounts: Sequence[Money]) -> bool:
    """Whether an ask points back at the one amount just said ("I paid $35 for delivery, I
    want that back"): then that amount is the one asked, surely."""
    return len(amounts) == 1 and amounts[0].explicit and _BACK.search(phrase) is not None


def _every_one(asking: str, prices: Sequence[Money], told: str) -> _Said | None:
    """The sum of the prices told before an ask (in ``told``) that points at every one of
    them by their count ("bag was eleven, deck was thirty-two. I'd like the money back for
    both of those", "those three back"): what is asked, as sure as an amount pointed at. The
    price of what holds them ("the eggs ($4.50) and yogurt ($3.20) in my $64 box") is no
    thing of theirs."""
    every = _EVERY_ONE.search(asking)
    count = _COUNTS.get(every["n"] or "both", 0) if every is not None else 0
    if len(prices) > count:
        prices = [p for p in prices if not _HOLDER.match(told, p.end)]
    if not count or len(prices) != count:
        return None
    value = sum((p.value for p in prices), Decimal(0))
    high = sum((p.high for p in prices), Decimal(0))
    currencies = {p.currency for p in prices} - {None}
    currency = currencies.pop() if len(currencies) == 1 else None
    return _Said(value, currency, high, 0.8)


def _paid_amounts(text: str, asking: bool = False) -> list[Money]:
    """Amounts said outside an asking clause: explicit ones, bare numbers said as a price
    ("it was 50", "paid 12.99"), as the whole of prices said ("fourteen pounds each, so
    twenty-eight in all") or, in the asking sentence, as the sum paid for a thing ("the 40 for
    the small dog, please give back"), and sums worked out aloud ("3 days at 45, 135"), whole."""
    explicit = money_in(text)
    priced = [
        a
        for a in bare_amounts(text)
        if _PAID.search(text[: a.start])
        or (
            explicit
            and a.value > _FEW_THINGS
            and _IN_ALL.match(text, a.end)
            and not _ONE_THING.search(text)  # "..., but I only want the broken one back"
        )
        or (
            asking
            and a.value > _FEW_THINGS
            and _THE_SUM_FOR.search(text[: a.start])
            and _FOR.match(text, a.end)
        )
    ]
    worked = products(text)
    said = [a for a in explicit + priced if not any(w.start <= a.start < w.end for w in worked)]
    return sorted(said + worked, key=lambda m: m.start)


def _paused_numbers(text: str) -> list[str]:
    """Numbers said with a pause inside them, which sentences cut apart ("seven seven four...
    one nine two": 774192)."""
    joined = _PAUSE.sub(" ", clean(text))
    return [n for n in said_numbers(joined) if n not in said_numbers(clean(text))]


def _card_endings(text: str) -> list[str]:
    """The last four digits of each card number said in ``text``, however it was said ("four
    oh one two ... one eight eight one": 1881): what a note may state of a card read out
    ("card ending 1881"), while the number itself is never a fact."""
    cleaned = clean(text)
    said = (re.sub(r"\D", "", cleaned[h.start : h.end]) for h in sensitive_digits(cleaned))
    return [digits[-4:] for digits in said if card_number(digits)]


def _asked(turn: str, s: Sentence) -> bool:
    """Whether sentence ``s`` of a turn's text is put as a question (ends in "?")."""
    return turn[s.end : s.end + 3].lstrip().startswith("?")


def _opening(text: str) -> str:
    """An answer without the sounds it opens with ("oh, that's kind", "um, no"): what the
    accept and decline scopes read from its start."""
    return _LEAD_IN.sub("", text)


def _thanked_but(answer: str) -> bool:
    """Whether an answer opens with thanks or praise for the offer and goes on with "but"
    ("that's very kind, but I think I'll manage", "lovely of you, but..."): a polite no coming,
    never a yes."""
    head, but, _ = answer.partition(" but ")
    return bool(but) and _PLEASANTRY.match(head.rstrip(" ,")) is not None


def _after_but(answer: str) -> str:
    """What an answer says after its first "but" ("that's kind, but no, ..." -> "no, ...")."""
    return answer.partition(" but ")[2].lstrip(" ,")


def _goodbye(scopes: dict[str, re.Pattern[str]], text: str) -> bool:
    """Whether a customer's turn takes leave ("ok bye", "forget it"): the call ends there."""
    return scopes["wrap_up"].search(clean(text)) is not None


def _evidence(turn: int, piece: Clause | Sentence) -> Evidence:
    return Evidence(turn, piece.start, piece.end, piece.raw)
