"""A reason written into a record, read as the customer is read: the issue classes
(``Reason``) the lexical reader finds in it, or that it records none given ("customer
declined to say", "no reason given"); and whether the customer withheld theirs ("I'd rather
not say", "no particular reason"). A rule holds the two against each other (the closure
reason against the customer's: guardrail.policy.functions.written_reason).

The written text is read by the lexical reader whatever backends read the conversation: a
record's few words are read on the write path, the same in every door, never by a model."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from guardrail.context.model import Turn
from guardrail.understanding.lexical import LexicalBackend, lexicon_file
from guardrail.understanding.model import Reason
from guardrail.understanding.speakers import speakers
from guardrail.understanding.text import clean

# No reason, withheld or none: in the customer's words ("I'd rather not say", "no particular
# reason", "that's personal", "that's my business") and in a record's ("declined to give a
# reason", "none given", "not stated"). "For no reason" tells how a fault behaves, and "no
# reason to" an argument.
NONE_GIVEN = re.compile(
    r"\b(?:rather|sooner|prefer(?:s|red)?|preferring) not (?:to )?(?:say|tell|share|give|disclose|"
    r"discuss|answer|get into|go into|talk about|explain|specify|state)\b"
    r"|\b(?:declined|declines|refused|refuses|unwilling|did not want|didn't want|does not want|"
    r"doesn't want|don't want|do not want|not willing|not going to|not gonna) (?:to )?(?:say|"
    r"tell|share|give|disclose|discuss|answer|get into|go into|talk about|explain|specify|state|"
    r"provide)\b"
    r"|(?<!\bfor )\bno (?:particular |real |specific |special |given |stated )?reasons?"
    r"(?! (?:to|for|why|i|you|we|he|she|they|it|that)\b)"
    r"|\b(?:none|reason|reasons) (?:was |were )?(?:given|stated|provided|specified|disclosed|"
    r"withheld|undisclosed|not (?:given|stated|provided|specified|disclosed))\b"
    r"|\b(?:did not|didn't|would not|wouldn't|will not|won't) (?:say|give|state|specify|"
    r"provide|disclose|share)(?: (?:a|any|the|their|his|her) reasons?| why)?(?=\s*(?:$|[,.;!?]))"
    r"|\b(?:undisclosed|unspecified|not disclosed|not specified|not stated|not given)\s*$"
    r"|\b(?:won't|will not|wouldn't|would not) (?:get|go) into (?:it|that|the|my|reasons?|why)\b"
    r"|\bnone of (?:your|their|the company's) (?:business|concern)\b"
    r"|\b(?:that's|that is|it's|it is) (?:my|our) (?:own )?(?:business|affair|concern|lookout)"
    r"(?=\s*(?:$|[,.;!?]))|\bmind your own(?: business)?\b|\b(?:that's|that is|it's|it is) "
    r"between (?:me|us|myself) and\b"
    r"|\b(?:it's|that's|it is|that is) (?:a )?(?:personal|private)(?: (?:matter|reasons?|thing))?"
    r"(?=\s*(?:$|[,.;!?]))|^personal(?: reasons?)?\s*$|\bfor personal reasons\b"
    r"|\bjust because\s*(?:$|[,.;!?])"
    r"|\bkeep (?:the reasons?|my reasons?|that|it|why)(?: \w+){0,3} to (?:myself|ourselves)\b"
)
# A record's words that stand in for a reason and say none: a filler ("N/A", "TBC", "-",
# "other") or a pointer elsewhere ("see notes", "as discussed", "refer to the case"). Not a
# record that none was given (NONE_GIVEN): neither the customer's reason nor their declining.
PLACEHOLDER = re.compile(
    r"^\W*(?:n\W?a|not applicable|tbc|tbd|tba|to be (?:confirmed|decided|added)|unknown|other|"
    r"others|misc|miscellaneous|various|general|x+|test"
    r"|(?:please )?(?:see|refer to|check|in) (?:the )?(?:case |call |account |agent )?(?:notes?|"
    r"comments?|case|below|above|file|description|history|attached|log|transcript)"
    r"|as (?:discussed|agreed|per (?:the )?(?:call|notes?|conversation|case|customer))"
    r"|per (?:the )?(?:call|notes?|conversation|case))?\W*$"
)
# The agent asks why ("may I ask why?", "what's made you decide?", "any reason?").
_WHY_ASKED = re.compile(
    r"\bwhy\b|\breasons?\b|\bwhat(?:'s| has| have)? (?:\w+ )?(?:made|prompted|led|brought)\b"
    r"|\bwhat happened\b|\bwhat's (?:behind|changed|wrong)\b"
)
# How records name a reason: a label or noun phrase ("Account fees", "Repeated outages", "Poor
# customer service", "Better rate elsewhere") where the customer tells a story ("the fees went
# up again"), so the customer's reader finds no class in it and the record would read as no
# reason at all. Each names the issue classes it may stand for (any one fits the customer's).
_LABELS: tuple[tuple[re.Pattern[str], frozenset[Reason]], ...] = tuple(
    (re.compile(pattern), frozenset(reasons))
    for pattern, reasons in (
        (
            r"\b(?:fees?|charges?|charged|prices?|pricing|costs?|costly|expensive|dear|"
            r"rates?|premiums?|tariffs?|bills?|billing|billed|overcharg\w*|interest|apr|"
            r"afford\w*|cheaper|cheap|discount\w*|value for money|too much|competitor\w*|"
            r"better (?:deal|offer|quote|rate|price)s?)\b",
            (Reason.BILLING,),
        ),
        (
            r"\b(?:technical|tech (?:issues?|problems?|faults?)|outages?|speeds?|latency|"
            r"glitch\w*|bugs?|crash\w*|froze|freez\w*|no service|no signal|"
            r"(?:internet|broadband|wifi|wi fi|connection|signal|network|coverage|reception|"
            r"line|phone line|service) (?:keeps )?(?:drops?|dropping|dropped|cuts? out|cutting out|"
            r"issues?|problems?|faults?|outages?|failures?|down|off|unreliable|slow|poor)|"
            r"(?:slow|poor|unreliable|patchy|weak|bad|intermittent|dropping|flaky|unstable) "
            r"(?:\w+ )?(?:speeds?|connection|connectivity|signal|coverage|broadband|internet|"
            r"wifi|reception|network|line)|"
            r"(?:unreliable|patchy|intermittent|dropping|flaky|unstable) (?:\w+ )?service|"
            r"(?:app|website|site|online banking|internet banking|portal|login|log in) "
            r"(?:\w+ )?(?:problems?|issues?|errors?|not working|down|crash\w*|froze|freez\w*|"
            r"faults?|failures?)|"
            r"(?:problems?|issues?|trouble|unhappy|dissatisfied|dislikes?|hates?|frustrat\w*) "
            r"with (?:the )?(?:mobile |online |banking )?(?:app|website|site|online banking|"
            r"portal|login|software|platform|system|program|programme|tools?)|(?:dislikes?|"
            r"hates?) (?:the )?(?:mobile |online |banking )?(?:app|website|site|software|"
            r"platform)|(?:software|platform|system) (?:\w+ )?(?:problems?|issues?|errors?|"
            r"faults?|failures?|bugs?|not working))\b",
            (Reason.TECHNICAL,),
        ),
        (
            r"\b(?:faulty|faults?|broken|defective|keeps breaking|kept breaking|breakdowns?)\b",
            (Reason.DAMAGED, Reason.TECHNICAL),
        ),
        (
            r"\b(?:customer (?:service|care|support)|(?:poor|bad|terrible|awful|appalling|rude|"
            r"unhelpful|slow) (?:\w+ )?(?:service|staff|support|advisers?|advisors?|agents?|"
            r"treatment|experience|communication|responses?|aftercare)|rude|complain\w*|"
            r"dissatisf\w*|(?:unhappy|not happy) with (?:the )?(?:\w+ )?(?:service|staff|"
            r"support|company|treatment|handling)|"
            r"(?:long )?(?:phone )?(?:wait|waiting|hold) times?|long waits?|"
            r"(?:calls?|emails?|complaints?) (?:not |never )(?:returned|answered)|"
            r"never (?:called|rang|got) back|unresolved|not resolved|"
            r"never (?:resolved|fixed|sorted))\b",
            (Reason.SERVICE,),
        ),
        (
            r"\b(?:missed (?:\w+ )?(?:appointments?|visits?)|no shows?)\b",
            (Reason.SERVICE, Reason.LATE),
        ),
        (
            r"\b(?:(?:late|delayed|missed|missing|lost|failed) (?:\w+ )?(?:deliver\w*|parcels?|"
            r"orders?|pick ?ups?|collections?|shipments?)|deliver\w* (?:delays?|late|problems?|"
            r"issues?|failures?)|delays?|never (?:arrived|came|turned up|delivered))\b",
            (Reason.LATE,),
        ),
    )
)
# A record's label is read sure: it names its reason in the record's own few words.
_LABEL_SURE = 0.8

# What a reason to leave is about, named alike in a record and by the customer
# (lexicon/leaving.yaml): a move, the price, not using it, a rival, a breach, a death...,
# which the issue classes have no class for or read only in a story, and the things a reason
# is about, which a customer denies in a word ("it's not the delivery thing").
_TOPICS: dict[str, re.Pattern[str]] = {
    topic: re.compile("|".join(f"(?:{p})" for p in patterns))
    for topic, patterns in lexicon_file("leaving.yaml").items()
}
# The classes that are a reason to leave in themselves, and that a customer who has one tells:
# one of them given, a record of another class is not theirs. Not the price nor a rival, named
# in passing on most calls about an account ("the final bill", "I've moved the balance
# elsewhere"), nor what a problem is about (the app, the connection: the issue classes read
# those), nor what follows from most reasons or sums them up (SUMMING).
OWN_REASONS = frozenset({
    "moving", "bereavement", "security", "business_closed", "hardship", "duplicate", "marketing",
    "life",
})  # fmt: skip
# Written reasons that follow from or sum up any other ("No longer needed", "Poor service").
SUMMING = frozenset({"not_using", "service"})
# A topic denied just before it is named ("I'm not moving anywhere", "it's not the price", "it's
# nothing to do with the move", "no, not really the app"); not "no" right before the thing ("no
# signal", "no coverage", "a no-fee card": its lack, the complaint itself). A no that answers
# the agent's guess at it is found apart.
_FILLER = (
    r"(?:really|actually|even|about|the|a|that|your|their|its|my|our|because of|due to|"
    r"anything to do with|to do with)"
)
_DENIED_BEFORE = re.compile(
    rf"(?:\b(?:not|never)|n't)\s+(?:{_FILLER}\s+){{0,3}}$|\bno\s+(?:{_FILLER}\s+){{1,3}}$"
    r"|\bnothing to do with (?:the |a |my |our |your |their |its )?$"
)
_NO_PRICE = re.compile(r"(?<!\ba )(?<!\ban )\bno\s+$")
# A topic spoken well of just after it is named ("signal was always good", "the monthly fee,
# that's fine", "the app's great"): not why they leave; unless the sentence says it changed
# ("the coverage was good until they moved the mast").
_PRAISED_AFTER = re.compile(
    r"(?:\s+\w+){0,2}?(?:,\s*(?:(?:that|it|which|this|they)(?:'s| is| was| are| were| has"
    r" been| have been))|\s*(?:'s|s)|\s+(?:is|was|are|were|has been|have been))\s+"
    r"(?:(?:always|really|actually|honestly|totally|perfectly|absolutely|quite|pretty|all|been|"
    r"very|so|ever so)\s+)*(?:fine|good|great|ok|okay|excellent|perfect|grand|brilliant|alright|"
    r"all right|reasonable|fair|lovely|wonderful|fantastic|amazing|superb|helpful|nice|kind|"
    r"no problem|not (?:that |so |too )?bad)\b"
    # or said to be no trouble ("the ads aren't that bad")
    r"|(?:\s+\w+){0,2}?\s+(?:isn't|aren't|wasn't|weren't) (?:that|so|too|really|all that) bad\b"
    # or put up with ("the fees i don't mind", "the branch I can live without")
    r"|\s+(?:i|we) (?:don't|do not|wouldn't|would not) mind\b|\s+(?:i|we) can live with"
)
# A topic said not to be why just after it is named ("the fee is not the issue", "I'm only
# moving across town. That's not really it", "the service was never the problem").
_DENIED_AFTER = re.compile(
    r"(?:\W+\w+){0,6}?\W+(?:(?:(?:that|it|this|which|the \w+)(?:'s| is| was)? (?:not|never)"
    r"|(?:is|was) (?:not|never)) (?:really |actually |honestly |even )?it\b(?!\s*\?)"
    r"|(?:(?:that|it|this|which|the \w+)(?:'s| is| was)? (?:not|never)|(?:isn't|wasn't)"
    r"|(?:is|was) (?:not|never)) (?:really |actually |honestly |even )?(?:why|the (?:reason|"
    r"issue|problem))\b(?! (?:with|for|at|then|now)\b)"
    # or not minded ("the app, but that doesn't bother me", "not cheap, but I wouldn't care")
    r"|(?:that|it|this|they) (?:doesn't|does not|didn't|did not|don't|do not|wouldn't|won't) "
    r"bother (?:me|us)\b|(?:i|we) (?:don't|do not|wouldn't|would not) (?:care|mind) about "
    r"(?:that|it)\b)"
)
_CHANGED = re.compile(
    r"\b(?:until|till|used to|anymore|any more|but now|now it|now its|lately|recently|"
    r"these days|at first|to begin with)\b"
)
# The agent's guess at why, asked yes or no ("Is it because of the house move?", "Is that down
# to the price?", "I see the branch is closing, is that why?"); the customer's bare no answers
# it.
_TAGGED = r"|.*,\s*(?:is|was) (?:that|it|this) (?:why|the reason)\b"
_GUESSED = re.compile(
    rf"^(?:is|was|are|were|would|could|has|have|did) (?:it|that|this|you)\b{_TAGGED}"
)
# A guess at what happened ("Have you sold the van?", "Is it the interest rate?"), not an offer
# ("Would you want the cover moved?").
_GUESS = re.compile(rf"^(?:is|was|are|were|has|have|did) (?:it|that|this|you)\b{_TAGGED}")
# The agent's word asked back before the answer ("moving? no, ...").
_ASKED_BACK = re.compile(r"^(?:\w+\s+)?\w+\?\s*")
_NO = re.compile(r"^(?:no|nah|nope|not really|not at all)\b")
# A reply that what the agent just said is not why ("Moving house, okay." - "Oh, that's not
# really it"): a no to all of it, guess or not.
_NOT_IT = re.compile(
    r"^(?:(?:oh|well|um|erm|er|ah|no|nah)\W+)*(?:(?:that|it)(?:'s| is) not|(?:that|it) isn't) "
    r"(?:really |actually |quite |exactly )?(?:it|why|the reason)\b"
)
# Words that give a reason after the customer withheld it ("I'd rather not say. If I'm honest
# it's because ...", "Ah, whatever. It's the breach"); not a story told after ("my sister's gone
# into a care home and I'm visiting her").
_BECAUSE = re.compile(
    r"\b(?:it's|it is|that's|that is|mainly|really|just) because\b|\bthe (?:real |main )?reason "
    r"(?:is|was)\b|\bif i'm honest\b|\bto be honest\b|\btruth is\b"
    r"|\b(?:it's|it is|it was) (?:the|your|just the|really the|about the)\b(?! same\b)"
)
# A yes to the agent's reason put as a question ("Is that the reason?" - "Yes, exactly"), with
# no but after it.
_YES = re.compile(
    r"^(?:yes|yeah|yep|aye|correct|exactly|that's (?:right|it|correct))\b(?!.*\bbut\b)"
)
# A no with nothing after it but the wish to go ("no", "not really, just want it closed",
# "nope, just cancel it please"): to "why?", no reason.
_NONE_TO_SAY = re.compile(
    r"^(?:no|nah|nope|not really|no not really|nothing|nothing really|not particularly)\b\W*"
    r"(?:(?:i |we )?(?:just|only|simply) (?:(?:want|wanted|need|needed|would like|'d like) )?"
    r"(?:it |to |the account |my account |the membership |my membership )?"
    r"(?:closed|cancelled|canceled|close it|cancel it|close|cancel|leave|gone|done|shut|ended)\b"
    r"(?: \w+){0,3})?\W*$"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_STOP = re.compile(r"[.!?]")
_WORD = re.compile(r"[a-z]+")
# A person's name, first and last ("Howard Price", "Mr Price"): no words of a reason.
_FULL_NAME = re.compile(r"\b(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?|[A-Z][a-z]+) [A-Z][a-z]+\b")
# Words any guess or reason may hold without saying what it is about.
_NOT_REASON_WORDS = frozenset({
    "that", "this", "with", "your", "have", "been", "were", "what", "because", "about", "from",
    "just", "they", "them", "there", "their", "account", "accounts", "close", "closed", "closing",
    "cancel", "cancelled", "cancelling", "leave", "leaving", "reason", "reasons", "customer",
    "anything", "something", "else", "elsewhere", "thing", "things", "would", "could", "should",
    "maybe", "perhaps", "still", "want", "wanted", "need", "needed", "more", "much", "very",
    "really", "today", "does", "doesn", "didn", "isn", "wasn", "haven", "sorry", "okay",
    "policy", "cover", "plan", "membership", "subscription", "insurance", "contract",
})  # fmt: skip
# The customer's own turn asks to leave ("no reason, just close it").
_LEAVING = re.compile(r"\b(?:close|closed|closing|cancel|cancelled|shut|leave|leaving|end)\b")


@dataclass(frozen=True, slots=True)
class Written:
    """What a written reason says: the issue classes read in it (the most confident reading's
    ``confidence``), whether it records that none was given, and whether it only stands in
    for one (``PLACEHOLDER``)."""

    reasons: frozenset[Reason]
    confidence: float
    none_given: bool
    placeholder: bool = False


@functools.cache
def _reader() -> LexicalBackend:
    return LexicalBackend()


# Bounded: a record's reason is a few words, and a conversation's writes repeat them.
@functools.lru_cache(maxsize=1024)
def read_written(text: str) -> Written:
    """The issue classes the reader reads in ``text`` as if the customer said it (negated
    ones left out: "not a billing problem" names none), whether it records none given, and
    whether it says nothing ("N/A", "see notes")."""
    issues = [
        i for i in _reader().understand([Turn(role="customer", text=text)]).issues if not i.negated
    ]
    said = clean(text)
    labelled = frozenset(r for pattern, named in _LABELS if pattern.search(said) for r in named)
    return Written(
        reasons=frozenset(i.reason for i in issues) | labelled,
        confidence=max((i.confidence for i in issues), default=_LABEL_SURE if labelled else 0.0),
        none_given=bool(NONE_GIVEN.search(said)),
        placeholder=bool(said.strip()) and PLACEHOLDER.match(said) is not None,
    )


def withheld(turns: Sequence[Turn]) -> bool:
    """Whether the customer said they give no reason: in answer to the agent asking why or
    guessing at it, or in the turn that asks to leave; or a bare no to the agent's last
    question, why ("Any reason?" - "Not really, just want it closed"); and did not give one
    after all ("I'd rather not say." ... "Ah, whatever. It's the breach")."""
    asked_why = why_last = refused = False
    for turn in holders(turns):
        text = clean(turn.text)
        if turn.role == "agent":
            last = _SENTENCE_END.split(text.strip())[-1]
            # asked why, or guessed at it ("Is it a price thing? Have you seen cheaper?")
            asked_why = bool(_WHY_ASKED.search(text) or _GUESSED.match(last))
            why_last = bool(_WHY_ASKED.search(last))
        elif turn.role == "customer":
            # asked why, or their own words on why ("that isn't why, and I'd rather not go
            # into the reason"), or the turn that asks to leave
            none = NONE_GIVEN.search(text)
            after = text
            if none and (asked_why or _LEAVING.search(text) or _WHY_ASKED.search(text)):
                refused, after = True, text[none.end() :]
            elif why_last and _NONE_TO_SAY.match(text):
                refused, after = True, ""
            if refused and _BECAUSE.search(after):
                refused = False
            asked_why = why_last = False
    return refused


def holders(turns: Sequence[Turn]) -> list[Turn]:
    """The turns but those of someone on the customer's side who is not the holder ("(wife)
    Because he never goes!"): their reason is not the holder's."""
    scopes = _reader().lexicon.scopes
    found = speakers(
        turns, scopes["speaker_other"], scopes["speaker_holder"], scopes["speaker_owns"]
    )
    return [t for t, p in zip(turns, found, strict=True) if p is None or not p.other]


def labelled(turns: Sequence[Turn]) -> frozenset[Reason]:
    """The issue classes the customer named in a record's words ("it's the fees", "speeds, I
    get 80 at night"), not denied just before ("it's not about rates"): a record labelling
    their reason so is not surely another than the one read in their story."""
    named: set[Reason] = set()
    for turn in holders(turns):
        if turn.role != "customer":
            continue
        text = _without_names(turn.text)
        for pattern, reasons in _LABELS:
            for m in pattern.finditer(text):
                if _DENIED_BEFORE.search(text, 0, m.start()) is None:
                    named |= reasons
                    break
    return frozenset(named)


def _denied_before(topic: str, text: str, start: int) -> bool:
    """Whether the topic named at ``start`` is denied just before: a price also by a bare "no"
    ("sure there's no charges"), but for a thing said to have none ("a no-fee card")."""
    if _DENIED_BEFORE.search(text, 0, start) is not None:
        return True
    return topic == "price" and _NO_PRICE.search(text, 0, start) is not None


def _praised_after(text: str, end: int) -> bool:
    """Whether the topic named just before ``end`` is spoken well of right after it, in a
    sentence that does not say it changed."""
    if _PRAISED_AFTER.match(text, end) is None:
        return False
    sentence = _SENTENCE_END.split(text[end:], maxsplit=1)[0]
    return _CHANGED.search(sentence) is None


def _topics(text: str) -> frozenset[str]:
    return frozenset(t for t, pattern in _TOPICS.items() if pattern.search(text))


# Remembered, bounded: a written reason is a picklist value or a short text, asked again on
# every closure write, and cleaning it is most of a closure write's judging once the turns'
# readings are kept per revision.
@functools.lru_cache(maxsize=1024)
def written_topics(text: str) -> frozenset[str]:
    """The reasons beyond the issue classes (``_TOPICS``) a written reason names."""
    return _topics(clean(text))


def denied_topics(turns: Sequence[Turn]) -> frozenset[str]:
    """The reasons beyond the issue classes the customer surely said were not theirs: denied in
    their words ("I'm not moving anywhere", "the signal was always good") or by a no to the
    agent's guess at it ("Is it the move?" - "no, ..."): in their own words, the last thing
    they said of it stands ("I'm moving" ... "I'm not moving, I just say that": denied); a no
    to a guess stands unless their own last word gives it as theirs."""
    said_no, own = _topics_said(turns)
    return frozenset(t for t in said_no | own.keys() if own.get(t, True))


def given_topics(turns: Sequence[Turn]) -> frozenset[str]:
    """The reasons beyond the issue classes the customer gave as theirs: named in their own
    words, last, and not denied ("we're moving in with my partner")."""
    said_no, own = _topics_said(turns)
    given = {t for t, denied in own.items() if not denied and t not in said_no}
    return frozenset(given | _confirmed(turns))


def _confirmed(turns: Sequence[Turn]) -> set[str]:
    """The topics of an agent's turn ending in a question the customer answers yes ("your bill
    went up in March. Is that the reason?" - "Yes, that's exactly it")."""
    confirmed: set[str] = set()
    asked: frozenset[str] = frozenset()
    for turn in holders(turns):
        text = _without_names(turn.text)
        if turn.role == "agent":
            asked = _topics(text) if text.rstrip().endswith("?") else frozenset()
        elif turn.role == "customer":
            if _YES.match(text):
                confirmed |= asked
            asked = frozenset()
    return confirmed


def _topics_said(turns: Sequence[Turn]) -> tuple[set[str], dict[str, bool]]:
    """The topics of the agent's guesses the customer answered no, and each topic's last word
    in the customer's own: denied (True) or given."""
    said_no: set[str] = set()  # guesses answered no
    own: dict[str, bool] = {}
    for text, answered_no in _guesses_answered(turns, _GUESSED, _topics, _without_names):
        said_no |= answered_no
        found = sorted(
            (m.start(), m.end(), topic) for topic, pattern in _TOPICS.items()
            for m in pattern.finditer(text)
        )  # fmt: skip
        for start, end, topic in found:
            if _echoed(text, start, end) or _asked(text, end):
                continue  # "Moving? No, I'm not moving anywhere": the guess said back
            own[topic] = (
                _denied_before(topic, text, start)
                or _praised_after(text, end)
                or _DENIED_AFTER.match(text, end) is not None
            )
    return said_no, own


def denied_guesses(turns: Sequence[Turn]) -> frozenset[str]:
    """The words of the agent's guesses at why that the customer answered no ("Have you sold the
    van?" - "No, still got it"; "Is it the interest rate?" - "No, the rate's fine"): a reason
    written in them is the guess, not the customer's."""
    return frozenset(
        w for _, said_no in _guesses_answered(turns, _GUESS, reason_words, clean) for w in said_no
    )


def _guesses_answered(
    turns: Sequence[Turn],
    guess: re.Pattern[str],
    about: Callable[[str], Iterable[str]],
    read: Callable[[str], str],
) -> Iterator[tuple[str, frozenset[str]]]:
    """Each of the holder's turns as ``read``, with what the agent's guesses just before it
    (sentences ``guess`` matches) were ``about`` when the turn answers them no ("no", "moving?
    no"), or all the agent's turn was about when it says that is not why ("that's not really
    it"), else nothing."""
    guessed = said = frozenset[str]()
    for turn in holders(turns):
        text = read(turn.text)
        if turn.role == "agent":
            sentences = _SENTENCE_END.split(text)
            guessed = frozenset(x for s in sentences if guess.match(s) for x in about(s))
            said = frozenset(x for s in sentences for x in about(s))
        elif turn.role == "customer":
            reply = _ASKED_BACK.sub("", text)
            yield (
                text,
                said if _NOT_IT.match(reply) else guessed if _NO.match(reply) else frozenset(),
            )
            guessed = said = frozenset()


def _without_names(text: str) -> str:
    """``text`` cleaned, less people's names ("Howard Price": no price)."""
    return clean(_FULL_NAME.sub(" ", text))


def reason_words(text: str) -> frozenset[str]:
    """The words that say what a reason is about ("sold", "interest", "rate"), not how it is
    put or the account it is about."""
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 3) - _NOT_REASON_WORDS


def _asked(text: str, end: int) -> bool:
    """Whether the words ending at ``end`` are in a question ("is there a fee to close it?",
    "and the last bill?"): asked about, not given as why."""
    stop = _STOP.search(text, end)
    return stop is not None and stop.group() == "?"


def _echoed(text: str, start: int, end: int) -> bool:
    """Whether the words at ``start:end`` are asked back alone, a word or none before them in
    their sentence ("Moving?", "the price?"): the agent's guess said again, not named."""
    if not text[end:].lstrip().startswith("?"):
        return False
    return len(_SENTENCE_END.split(text[:start])[-1].split()) <= 1
