"""Facts rules use, derived once from a conversation and cached per (id, version).

CEL converts every value it is given, and a 40-turn transcript is costly to convert on every
write, so rules never see the raw turns: they ask questions (did the customer say X, which
amounts did they name, was this id read) that these facts answer in Python.
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from guardrail.context.corrections import refuted
from guardrail.context.figures import listed, priced, quantities, worked_out
from guardrail.context.model import Conversation, Turn, WriteRecord
from guardrail.context.records import Records
from guardrail.sinks.redact import MASKS
from guardrail.understanding.dates import dates_in
from guardrail.understanding.disguise import overridden
from guardrail.understanding.model import Understanding
from guardrail.understanding.numbers import bare_amounts, luhn, money_in, sensitive_digits
from guardrail.understanding.sensitive import TYPED_CARD, TYPED_SSN, sensitive_runs, typed_kinds
from guardrail.understanding.service import current
from guardrail.understanding.text import clean, sentences

_WORDS = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Chat and speech-to-text write "hasn't" with U+2019 as often as with an ASCII apostrophe.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u02bc\u2032", "'"))
# "double-charged" says what "double charged" says: a hyphen between letters is a space.
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])")
_AMOUNT = re.compile(
    r"(?:[$€£]\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?)"
    r"|(?:\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s?(?:dollars|usd|euros?|eur|pounds|gbp|bucks)\b)",
    re.IGNORECASE,
)
AMOUNT_SLOT = "{amount}"
"""In a phrase, any money amount."""
_ANY_AMOUNT = (
    r"(?:[$€£]\s?\d[\d,]*(?:\.\d{1,2})?"
    r"|\d[\d,]*(?:\.\d{1,2})?\s?(?:dollars|usd|euros?|eur|pounds|gbp|bucks))"
)
_NUMBERISH = re.compile(r"[A-Za-z]*[-#]?\d[\d\-/.,]*\d|\b\d\b")
_PLAIN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_STATED = re.compile(
    # "order 10442", "order #10-442", "invoice INV-20931": at least three digits, dashes between
    r"(?:order|case|ticket|invoice|ref(?:erence)?)\s*(?:number|no\.?|#)?\s*[:#]?\s*"
    r"([A-Za-z]*-?\d(?:-?\d){2,})"
    r"|[$€£]\s?\d[\d,]*(?:\.\d{1,2})?"
    r"|\b\d[\d,]*(?:\.\d{1,2})?\s?(?:dollars|usd|euros?|pounds)\b",
    re.IGNORECASE,
)
# A share said ("15%", "ten percent" as the reader cleans it, "12.5 per cent"); 100 and 0 are
# manners of speaking ("100% sure") more than figures.
_PERCENT = re.compile(r"(?<![\w.,])(\d{1,2}(?:\.\d{1,2})?)\s?(?:%|percent\b|per cent\b)")
# A sum with its pence or cents and no currency ("agreed a credit of 75.00"): money all the same.
_CENTS = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}(?!\w|\.\d)")
# Any other number of three digits or more a note states, grouped or coded as people write
# references, quantities and phone numbers ("INV-20877", "0722 481 093", "BR772104339BR").
_NUMBER = re.compile(
    r"(?<![\w$€£.,])(?:[A-Za-z]{1,4}[-#]?)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:[ -]\d+)*"
    r"(?:[A-Za-z]{1,4})?(?![\w])"
)
# A card's expiry date: part of the card's data when a card number is beside it.
_EXPIRY = re.compile(
    r"(?i)\b(?:exp(?:iry|ires|iration)?(?: date)?|valid (?:thru|through|until|to)|good thru)"
    r"\b[.:]?\s*\d{1,2}\s*/\s*\d{2,4}"
)
# A phrase the customer negates does not count ("I don't want a refund", "it's not broken").
# Negated intent ("don't want", "not asking for") may stand a few words before the phrase; a bare
# "not"/"no"/"never" only right before it, so "I never got my refund" still asks for one.
_CLAUSE_END = re.compile(r"[.!?;,]|\bbut\b")
_NEGATED_INTENT = re.compile(
    r"\b(?:(?:do|does|did|would|will|wo)n'?t|(?:do|does|did|would|will) not|never|not|no)\s+"
    r"(?:want|need|wish|ask(?:ed|ing)? for|looking for|interested in|requesting)\b"
    r"(?:\s+\S+){0,3}\s*$"
)
_NEGATED_WORD = re.compile(r"(?<!why )\b(?:not|no|never|(?:is|was|are|were)n'?t)(?:\s+\S+)?\s*$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<!\w)(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]?\d{4}\b")


def normalize(text: str) -> str:
    """Lower-cased, single-spaced, ASCII apostrophes, hyphens between letters as spaces: what
    phrase matching compares."""
    text = _WORD_HYPHEN.sub(" ", text.translate(_APOSTROPHES))
    return _WORDS.sub(" ", text).strip().lower()


def negated(before: str) -> bool:
    """Whether the clause that ends where a phrase starts negates the phrase."""
    clause = _CLAUSE_END.split(before[-120:])[-1]
    return bool(_NEGATED_INTENT.search(clause) or _NEGATED_WORD.search(clause))


# Bounded: phrases come from policy params (hundreds), so a reload's new ones push out the old.
@functools.lru_cache(maxsize=1024)
def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """The regular expression that finds ``phrase`` in normalized text, None for no phrase."""
    phrase = normalize(phrase)
    if not phrase:
        return None
    body = re.escape(phrase).replace(re.escape(AMOUNT_SLOT), _ANY_AMOUNT)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _says(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` holds the phrase, not negated."""
    return any(not negated(text[: m.start()]) for m in pattern.finditer(text))


def digits(token: str) -> str:
    """The digits of a token, so "#10-442" and "10442" compare equal."""
    return "".join(c for c in token if c.isdigit())


def amounts_in(text: str) -> list[Decimal]:
    """Money amounts stated in ``text`` ("$25", "25.50 dollars", "€1,200")."""
    found = []
    for match in _AMOUNT.finditer(text):
        whole = (match.group(1) or match.group(3) or "").replace(",", "")
        cents = match.group(2) or match.group(4) or ""
        try:
            found.append(Decimal(f"{whole}.{cents}" if cents else whole))
        except InvalidOperation:
            continue
    return found


def pii_in(text: str, masked: bool = False) -> list[str]:
    """The kinds of personal data ``text`` contains: card (Luhn-valid), ssn, email, phone.

    ``masked``: ``text`` comes from the audit log (a replay), where personal data was masked
    before it was stored; a mask (``[CARD]``) then counts as the kind it replaced, so a write
    blocked for a card number is judged the same when it is replayed.
    """
    typed = typed_kinds(text)
    found = {
        "card": "card" in typed,
        "ssn": "ssn" in typed,
        "email": _EMAIL.search(text) is not None,
        "phone": _PHONE.search(text) is not None,
    }
    return [k for k, hit in found.items() if hit or (masked and MASKS[k] in text)]


@dataclass(frozen=True)
class Figure:
    """A figure a note states, of its class: "reference" (an order or case number), "amount",
    "date", "count", "duration" or "percent" (``values``: the one figure, a duration in its
    base unit, ``unit``: what is counted or the base unit of time), "number" (any other of
    three digits or more). ``worked_out``: the note names it a difference or a total of
    others."""

    kind: str
    text: str  # as written
    values: tuple[Decimal, ...] = ()
    unit: str = ""
    worked_out: bool = False


def stated_facts(text: str) -> list[Figure]:
    """Order/case numbers and other numbers of three digits or more, amounts, dates, counts
    and durations a note states, as written, in order, then those it shows where a
    right-to-left override shows its text reversed (disguise.overridden: ``order
    \u202e4321\u202c`` states 1234 to its reader, which the conversation must hold too). Card
    data is not among them (a card number, an SSN, a card's expiry beside its number): the
    sensitive-data rule names it, whoever said it."""
    written = _stated(text)
    shown = overridden(text)
    return written if shown is None else written + [f for f in _stated(shown) if f not in written]


def _stated(text: str) -> list[Figure]:
    taken = _card_data(text)
    lowered = _lowered(text)
    found: list[tuple[int, Figure]] = []
    spans: list[tuple[int, int, str, tuple[Decimal, ...], str]] = [
        *(
            (*m.span(), "reference" if m.group(1) else "amount", (), "")
            for m in _STATED.finditer(text)
        ),
        *((d.start, d.end, "date", (), "") for d in dates_in(text)),
        *((*m.span(), "percent", (_decimal(m[1]),), "") for m in _PERCENT.finditer(lowered)),
        *((*m.span(), "amount", (), "") for m in _CENTS.finditer(text)),
        *((q.start, q.end, q.kind, (q.value,), q.unit) for q in quantities(lowered)),
        *((start, end, "amount", (value,), "") for start, end, value in priced(lowered)),
        *(
            (*m.span(), "number", (), "")
            for m in _NUMBER.finditer(text)
            if len(digits(m.group(0))) >= 3
        ),
    ]
    for start, end, kind, values, unit in spans:  # the most telling kind first: read once
        if not any(start < e and s < end for s, e in taken):
            taken.append((start, end))
            stated = text[start:end].strip()
            if kind == "amount":
                values = values or tuple(stated_amounts(stated))
            figure = Figure(kind, stated, values, unit, worked_out(lowered, start, end))
            found.append((start, figure))
    return [figure for _, figure in sorted(found, key=lambda f: f[0])]


def stated_amounts(stated: str) -> list[Decimal]:
    """The money a stated fact names: with its currency, or written with pence or cents."""
    return amounts_in(stated) or [_decimal(m.group(0)) for m in _CENTS.finditer(stated)]


def _lowered(text: str) -> str:
    """``text`` as normalize() has it, letter for letter (what is found in it is where it is
    in ``text``): lower case, ASCII apostrophes, a hyphen between letters and every space as
    one space."""
    lowered = _WORD_HYPHEN.sub(" ", text.translate(_APOSTROPHES))
    lowered = re.sub(r"\s", " ", lowered).lower()
    return lowered if len(lowered) == len(text) else re.sub(r"\s", " ", text)


def _card_data(text: str) -> list[tuple[int, int]]:
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lower case is longer: spans would shift
        lower = text
    found = sensitive_digits(lower)
    cards = [(h.start, h.end) for h in found if h.kind == "card"]
    cards += [m.span() for m in TYPED_CARD.finditer(text) if luhn(digits(m.group(0)))]
    ssns = [(h.start, h.end) for h in found if h.kind == "ssn"]
    ssns += [m.span() for m in TYPED_SSN.finditer(text)]
    disguised = sensitive_runs(text)  # the words a disguised one is written in
    cards += [(start, end) for start, end, kind in disguised if kind == "card"]
    ssns += [(start, end) for start, end, kind in disguised if kind == "ssn"]
    expiry = [m.span() for m in _EXPIRY.finditer(text)] if cards else []
    return cards + ssns + expiry


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


@dataclass(frozen=True)
class Transcript:
    """What the conversation's turns say, pre-digested."""

    customer_text: str  # normalized customer turns, joined
    all_text: str  # normalized, every turn
    customer_amounts: tuple[Decimal, ...]
    number_tokens: frozenset[str]  # digit strings of every number anywhere in the transcript
    # every amount and plain number in it, as a decimal: "$2.99" is 2.99, never 299
    amount_tokens: frozenset[str] = frozenset()
    customer_turns: tuple[str, ...] = ()  # normalized, one by one (a phrase stays in its turn)
    # the customer's sentences that name amounts (normalized), with those amounts
    customer_amount_sentences: tuple[tuple[str, tuple[Decimal, ...]], ...] = ()
    # every count and duration said: (kind, value, unit), a duration in its base unit, a
    # number said alone a count of "" (guardrail.context.figures.quantities)
    said_quantities: frozenset[tuple[str, Decimal, str]] = frozenset()
    # every share said ("ten percent off": 10), as a note's percent figure must be
    said_percents: frozenset[Decimal] = frozenset()
    # digits of the numbers an agent read back and the customer corrected, said nowhere else
    # (guardrail.context.corrections): no support for a note
    refuted: frozenset[str] = frozenset()

    @classmethod
    def of(cls, conversation: Conversation) -> Transcript:
        customer = " \n ".join(t.text for t in conversation.turns if t.role == "customer")
        everything = " \n ".join(t.text for t in conversation.turns)
        numbers = [m.group(0) for m in _NUMBERISH.finditer(everything)]
        tokens = {digits(n) for n in numbers}
        as_money = {str(a.normalize()) for a in amounts_in(everything)}
        # "my bill is 82.40": a bare number said in the conversation supports "$82.40" in a note.
        as_money |= {
            str(Decimal(n.replace(",", "")).normalize())
            for n in numbers
            if _PLAIN_NUMBER.fullmatch(n)
        }
        # so does one said in words ("from fifty-five to forty-four a month"), read as the
        # reader reads it: "thirty-two fifty" is 32.50, not 32 and 50
        spoken = [clean(t.text) for t in conversation.turns]
        # and one ending a sentence ("the email says I get back... ninety-five."), read in the
        # sentences the reader cuts a turn into
        cut = [s.text for t in conversation.turns for s in sentences(t.text)]
        as_money |= {
            str(m.value.normalize())
            for said in (*spoken, *cut)
            for m in (*money_in(said), *bare_amounts(said))
        }
        return cls(
            customer_text=normalize(customer),
            all_text=normalize(everything),
            customer_amounts=tuple(amounts_in(customer)),
            number_tokens=frozenset(t for t in tokens | as_money if t),
            amount_tokens=frozenset(as_money),
            customer_turns=tuple(
                normalize(t.text) for t in conversation.turns if t.role == "customer"
            ),
            customer_amount_sentences=tuple(
                (normalize(sentence), tuple(amounts))
                for t in conversation.turns
                if t.role == "customer"
                for sentence in _SENTENCE_END.split(t.text)
                if (amounts := amounts_in(sentence))
            ),
            said_quantities=frozenset(
                (q.kind, q.value, q.unit)
                for q in (
                    *(q for said in spoken for q in quantities(normalize(said), said=True)),
                    *listed(cut),
                )
            ),
            said_percents=frozenset(
                _decimal(m[1]) for said in spoken for m in _PERCENT.finditer(normalize(said))
            ),
            refuted=refuted(conversation.turns, spoken),
        )

    def customer_said(self, phrase: str) -> bool:
        """Whether a customer turn says the phrase (whole words), not negated. ``{amount}`` in a
        phrase stands for any money amount ("{amount} back" matches "$15 back")."""
        pattern = phrase_pattern(phrase)
        return pattern is not None and any(_says(pattern, turn) for turn in self.customer_turns)

    def asked_amount(self, phrases: Iterable[str]) -> Decimal | None:
        """What the customer asked for in total: in each of their sentences that asks with one of
        the phrases, the largest amount it names, summed, an amount repeated in several
        sentences counted once ("refund the $30 difference" after "I paid $129.99" is 30; "$30
        for the glasses. And $35 for the jug" is 65). When no asking sentence names an amount,
        the largest amount the customer named at all; None when they named none."""
        patterns = [p for p in map(phrase_pattern, phrases) if p is not None]
        asked = {
            max(amounts)
            for sentence, amounts in self.customer_amount_sentences
            if any(_says(p, sentence) for p in patterns)
        }
        if asked:
            return sum(asked, Decimal(0))
        return max(self.customer_amounts) if self.customer_amounts else None

    def counted(self, stated: Figure) -> bool:
        """Whether a count a note states was said: of the same things; or, where the
        conversation never counts those (by that name: "kids" for "children"), said of other
        things or alone."""
        value, unit = stated.values[0], stated.unit
        counts = [(v, u) for kind, v, u in self.said_quantities if kind == "count"]
        if (value, unit) in counts:
            return True
        return all(u != unit for _, u in counts) and any(v == value for v, _ in counts)

    def supports(self, stated: Figure) -> bool:
        """Whether a figure a note states appears in the transcript as written, of its class:
        a date as written (in words, or another form: the reading's facts decide), an amount
        among the amounts and numbers said, a count of the same things, a length of time in
        any unit, a reference or number by its digits."""
        if stated.kind == "date":  # whole words: "3rd" is not in "23rd"
            pattern = phrase_pattern(stated.text)
            return pattern is not None and pattern.search(self.all_text) is not None
        if stated.kind == "count":
            return self.counted(stated)
        if stated.kind == "duration":
            return ("duration", stated.values[0], stated.unit) in self.said_quantities
        if stated.kind == "percent":
            return stated.values[0] in self.said_percents
        if stated.values:
            return all(str(a.normalize()) in self.amount_tokens for a in stated.values)
        if self.misheard(stated):
            return False
        token = digits(stated.text)
        return not token or token in self.number_tokens or normalize(stated.text) in self.all_text

    def misheard(self, stated: Figure) -> bool:
        """Whether a reference or number a note states is one the customer corrected."""
        return not stated.values and stated.kind != "date" and digits(stated.text) in self.refuted


_EMPTY = Transcript("", "", (), frozenset())
# Facts.revision's key for the reading of the revision, with the service that read it.
_UNDERSTANDING = "understanding"
# Facts.revision's key for the keys of the customer's own ids (Facts.customers).
_CUSTOMERS = "customers"
# Facts.revision's key for what the turns alone decide (Facts.of_turns), by what derives it.
_TURNS = "of-turns"
_T = TypeVar("_T")


def id_alone(sobject: str, record_id: str) -> str:
    """A record key of the id alone (facts made with no dialect: its ids as written)."""
    return record_id


@dataclass(frozen=True)
class Facts:
    """Everything rules may know about the conversation of one request."""

    conversation: Conversation | None
    transcript: Transcript = _EMPTY
    account_writes: dict[str, list[WriteRecord]] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now().astimezone())
    #: Rebuilt from an audit record (guardrail.replay), whose personal data is masked.
    redacted: bool = False
    #: What every spelling of one record's id shares, with the record's object where its id
    #: does not name it, as the CRM's dialect says (Dialect.record_key: Salesforce's 15- and
    #: 18-character ids compare equal; Zendesk's ticket and user 40002 do not).
    record_key: Callable[[str, str], str] = id_alone
    #: The objects the customer's account ids and contact ids name (Dialect.customer_objects).
    customer_objects: tuple[str, str] = ("", "")
    #: What judging derives once per stored conversation revision and reuses for every write
    #: until the conversation changes (guardrail.checks.rules keeps its rule values here);
    #: one per (id, rev), from the ContextLoader. None: derive per write.
    revision: dict[str, Any] | None = None
    #: The conversation's reads and saved writes by record, as the ContextLoader indexed this
    #: version of it (shared with what it asked before); None: indexed here on first use.
    indexed: Records | None = None

    @functools.cached_property
    def understanding(self) -> Understanding:
        """What the conversation says (guardrail.understanding): the reading stored with it
        for its rev, else read now; computed at most once per Facts, only if a rule asks."""
        if self.conversation is None:
            return Understanding(backend="none")
        service = current()
        if self.revision is None:
            return service.read(self.conversation)
        # Per revision: the service's own cache is keyed by the turns' hash, made per call.
        found = self.revision.get(_UNDERSTANDING)
        if found is None or found[0] is not service:
            found = self.revision[_UNDERSTANDING] = (service, service.read(self.conversation))
        reading: Understanding = found[1]
        return reading

    def revision_memo(self, key: str) -> dict[Any, Any] | None:
        """A memo under ``key`` of what this revision alone decides, as the understanding
        service in force reads it (a new service reads it anew, as ``understanding`` does);
        None where no revision is kept (facts made for one judging)."""
        if self.revision is None:
            return None
        service = current()
        found = self.revision.get(key)
        if found is None or found[0] is not service:
            found = self.revision[key] = (service, {})
        memo: dict[Any, Any] = found[1]
        return memo

    def of_turns(self, derive: Callable[[Sequence[Turn]], _T]) -> _T:
        """``derive`` of the conversation's turns (of none without one): what was said alone
        decides it, so it is made once per revision and reused by every write until the turns
        change (a closure's reason read against a long call cleaned every turn per write)."""
        memo = self._of_turns
        if derive not in memo:
            c = self.conversation
            memo[derive] = derive(c.turns if c is not None else ())
        found: _T = memo[derive]
        return found

    @functools.cached_property
    def _of_turns(self) -> dict[Callable[[Sequence[Turn]], Any], Any]:
        """Where ``of_turns`` keeps what it made: with the revision, else with these facts."""
        if self.revision is None:
            return {}
        memo: dict[Callable[[Sequence[Turn]], Any], Any] = self.revision.setdefault(_TURNS, {})
        return memo

    @property
    def outcome_source(self) -> str | None:
        """Where the outcome rules saw came from: "platform" (set by the platform),
        "transcript" (read from the turns, when a rule asked for it: an outcome, or the call
        still under way), else None."""
        c = self.conversation
        if c is None:
            return None
        if c.outcome:
            return "platform"
        read = self.__dict__.get("understanding")  # only if a rule read it: never forced
        shown = read is not None and (read.outcome is not None or read.under_way is not None)
        return "transcript" if shown else None

    def customers(self, sobject: str, record_id: str) -> bool:
        """Whether the record (of ``sobject``) is one of the conversation's customer's own
        accounts or contacts, as the platform names them (verified or not)."""
        return (
            self.conversation is not None and self.record_key(sobject, record_id) in self._customers
        )

    @functools.cached_property
    def _customers(self) -> frozenset[str]:
        """The keys of the customer's own ids: made once per revision (they change with it)."""
        kept: frozenset[str] | None = (
            self.revision.get(_CUSTOMERS) if self.revision is not None else None
        )
        if kept is None:
            c = self.conversation
            account, contact = self.customer_objects
            kept = frozenset(
                (
                    *(self.record_key(account, i) for i in c.customer.account_ids),
                    *(self.record_key(contact, i) for i in c.customer.contact_ids),
                )
                if c is not None
                else ()
            )
            if self.revision is not None:
                self.revision[_CUSTOMERS] = kept
        return kept

    @functools.cached_property
    def records(self) -> Records:
        """The conversation's reads and saved writes by record."""
        if self.indexed is not None:
            return self.indexed
        return Records.of(self.conversation, self.record_key)

    def grounded(self, sobject: str, record_id: str) -> bool:
        """Whether the agent may write a reference to this record (of ``sobject``): the
        verified customer's, one it read, or one it created in this conversation. Cheapest
        sources first, stopping at the first match: the writes are indexed only when they must
        be."""
        c = self.conversation
        if c is None:
            return False
        if c.customer.verified and self.customers(sobject, record_id):
            return True
        return self.records.read(sobject, record_id) or self.records.saved(sobject, record_id)

    def shown(self, sobject: str, record_id: str, names: Iterable[str]) -> list[Any] | None:
        """The values of the fields ``names`` that what the agent read of this record in this
        conversation, or a saved write of it, holds (null too); None when none holds any."""
        return self.records.shown(sobject, record_id, names)

    def created(self, sobject: str, record_id: str) -> bool:
        """Whether the agent created this record in this conversation (a saved write made it:
        its references were judged the customer's when it was)."""
        return self.records.created(sobject, record_id)


class TranscriptCache:
    """Transcripts by (conversation id, rev), each with its revision's memo (Facts.revision):
    digested once per change of what was said, not per read or write the agent makes. A rev is
    the store's version at the change, never reused, so an entry cannot outlive what it was
    derived from. Bounded (``size`` entries, least recently used out): the calls in progress
    on one replica, not every call it has seen."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size  # bound: 1024 revisions (a transcript and its rule values each)
        self._entries: OrderedDict[tuple[str, int], tuple[Transcript, dict[str, Any]]] = (
            OrderedDict()
        )

    def get(self, conversation: Conversation) -> tuple[Transcript, dict[str, Any]]:
        key = (conversation.id, conversation.rev)
        found = self._entries.get(key)
        if found is None:
            found = self._entries[key] = (Transcript.of(conversation), {})
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return found
