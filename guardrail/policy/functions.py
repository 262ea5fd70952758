"""The CEL function library rules call, bound per request to that request's facts.

    customer_said(phrase) bool           the customer said the phrase (any case, whole words, not
                                         negated); {amount} in it is any money amount
    customer_said_any(list) bool         ... any of the phrases
    customer_text() string               the customer's turns, lower-cased, joined
    requested_amount([phrases]) double|null  the largest money amount the customer named, if
                                         any; given the phrases that ask (e.g. for a refund),
                                         the total asked in the sentences that ask, if any
                                         names one (Transcript.asked_amount)
    amounts_mentioned() list<double>     every money amount the customer named
    unsupported_facts(text[, others]) list<string>  references and numbers (3+ digits),
                                         amounts, dates, counts, durations in text the
                                         conversation lacks in any form, by class (said in
                                         words, another date format or unit of time, of the
                                         same things, read from the CRM); never card data
                                         (sensitive_data names it), nor a number split
                                         between text and one of the write's ``others``
                                         texts into card data; and claims the conversation
                                         lacks (a request of a kind the customer never made,
                                         a legal threat: guardrail.understanding.claims)
    amount_shown(amount) bool            the amount is one the conversation shows: said by
                                         either side in any form (a whole sum: any number
                                         said), the sum or difference of two said, worked out
                                         from an ask, or on a record the agent read (as
                                         unsupported_facts grounds an amount)
    pii(text) list<string>               personal data kinds in text: card (Luhn), ssn, email, phone
    phone_number(text[, regions]) bool   text is one valid phone number, written internationally
                                         or in a region's national form (a text, a phone field's
                                         too, that is none is read: a card put there is found)
    grounded(id[, object]) bool          the verified customer's id, or read or created here,
                                         or one the CRM fills into the write from a grounded
                                         record it names (intent.filled)
    was_read(id[, object]) bool          the agent read this record in this conversation
    created(id[, object]) bool           the agent created this record in this conversation
    read_field(id, field[, object]) dyn  the field's value as the agent read it, else null
    known_field(id, field[, object]) dyn  the field's value as the CRM holds it, where the proxy
                                         read the written record first (intent.current); else
                                         as last read, or set by a write that reached the CRM,
                                         in this conversation; else null
      (``object``: the object the id names a record of (intent.object, "user"). Where the
      CRM's ids name their object (Salesforce's key prefix, ServiceNow's sys_id) it may be
      left out; where one number names a record of each object (Zendesk: ticket, user and
      organization 40002 are three records) an id without it names no record: not grounded,
      read or created, no field known. The customer's ids are the dialect's account and
      contact objects' (Zendesk: organization, user).)
    same_id(a, b) bool                   two spellings of one record's id (Salesforce: 15 and 18
                                         characters) compare equal (ids of one object)
    recent_writes(seconds) list<map>     this conversation's writes within the window, and the
                                         ones before this in its request (decision "pending")
    written_amounts(object, field, seconds[, id]) list  the field's value on each record of
                                         object the conversation set it on and that reached
                                         the CRM or may have (however sent: a bulk row or a
                                         job's record, whose id never came back, at the value
                                         sent), the request's earlier writes too; one per
                                         record as it stands now, the record id left out
    account_writes(id, seconds[, object, operation[, fields]]) list<map>  writes touching
                                         the account, any conversation (and pending ones
                                         naming it); given ``object`` and ``operation``, only
                                         those; given ``fields`` (a map of field to value),
                                         only those setting one of the fields to a value
                                         like the one given (strings alike in any case, null
                                         as ""; a field set to any other kind of value
                                         always counts). Looked up in an index of the
                                         account's writes, so a write costs what may match,
                                         not all the account holds: a narrowing, which the
                                         filter after it still tests exactly
    total(list) double                   the numbers added up exactly (as decimals: money)

  What the conversation says (guardrail.understanding; kinds: refund, replacement,
  cancellation, account closure, callback, escalation, address change, plan change, other):
    ask(kind) map                        {found, kind, status, granted, amount, amounts,
                                         amount_sure, currency, reason, confidence, sure}: how
                                         the customer's ask of that kind stands; ``sure`` also
                                         when it is surely absent; ``amounts`` every plausible
                                         reading of the amount ("two fifty": 2.5 and 250),
                                         ``amount_sure`` when it was named in the asking clause
    asked(kind) bool                     the customer asked (or accepted the agent's offer)
    retracted(kind) bool                 asked, then taken back (or declined outright)
    asked_amount(kind) double|null       the largest plausible reading of the amount asked,
                                         else the largest the customer named (never sure)
    issues() list<map>                   {reason, negated, confidence, sure}: the customer's
                                         problems (damaged, late, billing, wrong item...);
                                         negated: one they say they do not have
    written_reason(kind, text) map       {fits, contradicts, given, reasons, none_given, sure}:
                                         a reason written for the customer's ask of that kind
                                         (a closure's) held against the one they gave. The
                                         text is read with the customer's issue classes
                                         (guardrail.understanding.written), ``none_given``
                                         when it records none ("declined to say"); ``given``
                                         is the ask's reason, "declined" when the customer
                                         withheld one, else "". ``contradicts`` only when
                                         surely: the text surely names a reason the customer
                                         did not describe while they surely gave another or
                                         withheld theirs, or one they surely denied ("it's
                                         not the money", "is it the move?" - "no, I'm not
                                         moving", "have you sold it?" - "no"), or says
                                         nothing ("N/A", "see notes") where they did not
                                         withhold theirs (then neither); only the
                                         holder's turns count, not another speaker's on
                                         their side of the line; ``fits`` when
                                         nothing is in doubt (one of their problems, none
                                         given by a customer who gave none, words the
                                         reader cannot classify); neither: cannot tell
    kept_account(name) bool              the customer said to keep the account a record's
                                         Name names ("keep the checking": "Everyday
                                         Checking"), one of theirs not to close
    outcome() map                        {value, source, confidence, sure, under_way}: the
                                         platform's outcome (source "platform"), else the
                                         transcript's ("transcript"); else value "", either
                                         because the transcript shows the call still under
                                         way (under_way, sure when plainly so) or because it
                                         shows no outcome that can be read (never sure)
    sensitive_data(text[, phones])       card (Luhn) and ssn in text (or a list of a write's
      list<string>                       texts), in any written form (spoken digit by digit,
                                         in words, grouped oddly, disguised: see
                                         guardrail.understanding.disguise), or split between
                                         the texts or across the conversation's last writes;
                                         phones (the write's phone numbers, and its number
                                         fields' values) are not read alone but joined to the
                                         texts, so a number split between a note and a phone
                                         or number field is found (a number field's earlier
                                         writes too); a number that is a card number whole is
                                         one
    text_fields() list<string>           the names of the write's texts, what sensitive_data
                                         is given and masking masks: every string field,
                                         whatever its value's shape, but one that holds record
                                         ids by its type (a reference in the pack's schema,
                                         the record's own id: intent.id_fields), which is read
                                         as no text (guardrail.sinks.redact.text_fields)
    number_fields() list<string>         the names of the write's number fields, but one
                                         that holds record ids by its type (Zendesk's are
                                         numbers): sensitive_data's numbers
    unsure() list<string>                why the reading as a whole may be wrong
    lower(text) string                   lower-cased text
    join(list, separator) string         the items as text, joined

Written writes are maps: {object, operation, id, fields, decision, age_seconds}.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from guardrail.context.facts import Facts, Figure, digits, pii_in, stated_facts
from guardrail.context.lru import Lru
from guardrail.context.model import MAX_RECORDED, PENDING, WriteRecord
from guardrail.errors import HistoryForgotten
from guardrail.model import SAVED, WriteIntent
from guardrail.sinks.redact import (
    MASKS,
    finite_number,
    is_card_number,
    is_number,
    number_digits,
    number_fields,
    split_masked,
    text_fields,
)
from guardrail.understanding.claims import unsupported_claims
from guardrail.understanding.dates import readings_of, same_date
from guardrail.understanding.kept import kept_named, kept_words
from guardrail.understanding.lexical import to_leave
from guardrail.understanding.model import SURE, AskKind, Fact, FactKind, Reason, unread
from guardrail.understanding.numbers import plain
from guardrail.understanding.phones import dialled, is_phone_number
from guardrail.understanding.sensitive import (
    LONGEST_BETWEEN,
    Edges,
    joined_chains,
    piece_digits,
    sensitive_kinds,
)
from guardrail.understanding.written import (
    OWN_REASONS,
    SUMMING,
    denied_guesses,
    denied_topics,
    given_topics,
    labelled,
    read_written,
    reason_words,
    withheld,
    written_topics,
)

#: CEL's own functions and macros an expression may call besides this library.
CEL_BUILTINS = frozenset(
    {
        "size", "has", "contains", "startsWith", "endsWith", "matches", "int", "uint", "double",
        "string", "bytes", "bool", "timestamp", "duration", "type", "dyn", "all", "exists",
        "exists_one", "map", "filter", "lowerAscii", "getFullYear", "getMonth", "getDayOfMonth",
        "getDayOfWeek", "getHours", "getMinutes",
    }
)  # fmt: skip


# The amounts said whose sums and differences a note may state where it names one (a price
# difference, a total): the first few, so that many amounts do not ground any number.
_WORKED_OUT = 6
# A number split across writes: the last few saved writes' text, each joined at its edge to
# the one being judged (guardrail.understanding.sensitive.joined_chains).
_EARLIER = 3


def is_operator(name: str) -> bool:
    return name[:1] in ("_", "!", "-", "@")


class RuleFunctions:
    """The library, answering from the facts of the write being judged (one per write and
    intent: guardrail.checks.rules.Environment)."""

    def __init__(self, facts: Facts | None) -> None:
        self.facts = facts
        #: The writes before this one in its request (guardrail.checks.base.CheckContext):
        #: what adds writes up (recent_writes, account_writes, a number split across writes)
        #: sees them as earlier writes, decision "pending".
        self.pending: tuple[WriteRecord, ...] = ()
        #: The write being judged: a value the CRM fills from one of its fields is grounded
        #: as that field is (grounded()).
        self.intent: WriteIntent | None = None

    @property
    def _facts(self) -> Facts:
        if self.facts is None:  # a rule erred: the write is judged by its failure policy
            raise RuntimeError("rule functions called outside a request's judging")
        return self.facts

    def bound(self) -> dict[str, Callable[..., Any]]:
        return {name: getattr(self, name) for name in NAMES}

    def customer_said(self, phrase: str) -> bool:
        return self._facts.transcript.customer_said(phrase)

    def customer_said_any(self, phrases: Iterable[str]) -> bool:
        return any(self._facts.transcript.customer_said(p) for p in phrases)

    def customer_text(self) -> str:
        return self._facts.transcript.customer_text

    def requested_amount(self, phrases: Iterable[str] = ()) -> float | None:
        amount = self._facts.transcript.asked_amount(phrases)
        return None if amount is None else float(amount)

    def amounts_mentioned(self) -> list[float]:
        return [float(a) for a in self._facts.transcript.customer_amounts]

    def unsupported_facts(self, text: str | None, others: Sequence[str] = ()) -> list[str]:
        if not text:
            return []
        if others:  # card data split with another of the write's texts is no stated fact
            others = [o for o in others if o != text]
            text = split_masked({-1: text, **dict(enumerate(others))})[-1]
        c = self._facts.conversation
        claims = unsupported_claims(text, c.turns if c else (), lambda: self._facts.understanding)
        return [s.text for s in self._unsupported(stated_facts(text))] + claims

    def amount_shown(self, amount: object) -> bool:
        value = finite_number(amount)
        if value is None:
            return False
        # a whole sum said with a currency the reader does not know ("RM180", "P120")
        whole = (
            value == value.to_integral_value()
            and str(int(value)) in self._facts.transcript.number_tokens
        )
        return whole or not self._unsupported(
            [Figure("amount", str(value), (value,), worked_out=True)]
        )

    def _unsupported(self, stated: Sequence[Figure]) -> list[Figure]:
        """The figures the conversation lacks in any form (unsupported_facts)."""
        transcript = self._facts.transcript
        unsupported = [s for s in stated if not transcript.supports(s)]
        if not unsupported:
            return unsupported
        # a number the customer corrected is in the turns, misheard: nothing else supports it
        misheard = [s for s in unsupported if transcript.misheard(s)]
        unsupported = [s for s in unsupported if not transcript.misheard(s)]
        # said in words ("thirty quid", "order one oh four four two", "the ninth of December"):
        # the reading's facts
        facts = self._facts.understanding.facts
        unsupported = [s for s in unsupported if not _said(s, facts)]
        # the sum the customer asked, as the reading worked it out ("half of my ninety": $45)
        asked = self._asked_sums() if unsupported else set()
        unsupported = [s for s in unsupported if not (s.kind == "amount" and _found(s, asked))]
        # what the agent looked up in the CRM here (a case number, a balance) is no invention
        looked_up = self._looked_up() if unsupported else set()
        return misheard + [s for s in unsupported if not _found(s, looked_up)]

    def _asked_sums(self) -> set[str]:
        """Every amount the customer's money asks came to, as the reading worked them out (a
        share or a count of a price said), plain."""
        asks = self._facts.understanding.asks
        return {plain(v) for a in asks if a.status.granted for v in a.amounts}

    def _looked_up(self) -> set[str]:
        """Every number-like value of the records read in this conversation: its digits, and
        as an amount."""
        c = self._facts.conversation
        found: set[str] = set()
        for value in (v for r in (c.reads if c else ()) for v in r.fields.values()):
            if isinstance(value, str) or is_number(value):
                found.add(digits(str(value)))
                if (amount := finite_number(value)) is not None:
                    found.add(plain(amount))
        return found

    def phone_number(self, text: str | None, regions: Sequence[str] = ()) -> bool:
        return bool(text) and is_phone_number(str(text), tuple(map(str, regions)))

    def pii(self, text: str | None) -> list[str]:
        return pii_in(text, masked=self._facts.redacted) if text else []

    def grounded(self, record_id: str | None, sobject: str = "") -> bool:
        return (
            not record_id
            or self._facts.grounded(sobject, str(record_id))
            or self._filled(str(record_id))
        )

    def _filled(self, record_id: str) -> bool:
        """Whether the CRM fills ``record_id`` into the write from a grounded record it names
        (a case's account, from its contact): the proxy read it there, from the CRM. (Only
        Salesforce fills, whose ids name their object: the source is grounded by its id.)"""
        intent = self.intent
        if intent is None:
            return False
        fields = intent.fields
        return any(
            fields.get(name) == record_id and bool(source := fields.get(origin))
            and self._facts.grounded("", str(source))
            for name, origin in intent.filled.items()
        )  # fmt: skip

    def created(self, record_id: str | None, sobject: str = "") -> bool:
        return bool(record_id) and self._facts.created(sobject, str(record_id))

    def was_read(self, record_id: str | None, sobject: str = "") -> bool:
        return bool(record_id) and self._facts.records.read(sobject, str(record_id))

    def read_field(self, record_id: str | None, field: str, sobject: str = "") -> Any:
        if not record_id:
            return None
        return self._facts.records.read_field(sobject, str(record_id), field)

    def known_field(self, record_id: str | None, field: str, sobject: str = "") -> Any:
        if not record_id:
            return None
        current = self._current(sobject, str(record_id), field)
        if current is not None:
            return current[0]
        return self._facts.records.known_field(sobject, str(record_id), field)

    def _current(self, sobject: str, record_id: str, field: str) -> tuple[Any] | None:
        """The field's value as the CRM held it when the write was judged, where the dialect
        read it (``intent.current``, of the record the write changes): fresher than anything
        the conversation read or wrote."""
        intent = self.intent
        if intent is None or not intent.current or not intent.record_id:
            return None
        key = self._facts.record_key
        if key(intent.object, intent.record_id) != key(sobject, record_id):
            return None
        return next(((v,) for k, v in intent.current.items() if k.lower() == field.lower()), None)

    def _same(self, a: str, b: str) -> bool:
        """Two ids of one (unnamed) object name one record."""
        key = self._facts.record_key
        return key("", a) == key("", b)

    def same_id(self, a: str | None, b: str | None) -> bool:
        return bool(a) and bool(b) and self._same(str(a), str(b))

    def recent_writes(self, seconds: float) -> list[dict[str, Any]]:
        return [_as_map(w, age) for w, age in self._recent(seconds)]

    def _recent(self, seconds: float) -> list[tuple[WriteRecord, float]]:
        """This conversation's writes within the window and the ones before this in its
        request, each with its age. Raises HistoryForgotten when some may be missing."""
        c = self._facts.conversation
        if c is None:
            return []
        if c.forgotten is not None and (self._facts.now - c.forgotten).total_seconds() <= seconds:
            raise HistoryForgotten(
                f"this conversation has made more than {MAX_RECORDED} writes and the proxy keeps "
                f"the newest {MAX_RECORDED}, so its writes of the last {seconds:g} s are not all "
                "known. Escalate this write to a person."
            )
        return self._within((*c.writes, *self.pending), seconds)

    def written_amounts(
        self, sobject: str, field: str, seconds: float, record_id: str | None = None
    ) -> list[Any]:
        """What this conversation set ``field`` to on ``sobject`` records within the window,
        one value per record (but ``record_id``, the one being judged), for totals such as
        its refunds: every write that reached the CRM or may have (unanswered, or read back
        wrong), however it was sent, at the value the record holds now as far as the
        conversation knows; a record whose id the CRM never gave back (a bulk upload's row, a
        job's ticket) at the value sent, since no later write can be told apart from it; and
        the writes before this one in its request."""
        wanted, key = field.lower(), self._facts.record_key
        skip = key(sobject, str(record_id)) if record_id else None
        values: dict[object, Any] = {}
        for n, (w, _) in enumerate(self._recent(seconds)):
            sent = [v for k, v in w.fields.items() if k.lower() == wanted]
            if w.object != sobject or not sent or not _may_have_landed(w):
                continue
            at: object = key(w.object, w.id) if w.id else n
            if at != skip:
                saved = w.id and w.decision != PENDING
                values[at] = self.known_field(w.id, field, w.object) if saved else sent[-1]
        return [v for v in values.values() if v is not None]

    def account_writes(
        self,
        account_id: str | None,
        seconds: float,
        sobject: str | None = None,
        operation: str | None = None,
        like: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        if not account_id:
            return []
        # an account's id, keyed as the customer's account ids are (Zendesk: an organization's)
        account = self._facts.customer_objects[0]
        key = self._facts.record_key(account, str(account_id))
        # a pending write is the account's when any id it names is (a superset of the
        # dialect's accounts of a write: more to compare, never fewer)
        pending = [
            w for w in self.pending
            if any(self._facts.record_key(account, str(v)) == key
                   for v in (w.id, *w.fields.values()) if isinstance(v, str) or is_number(v, int))
        ]  # fmt: skip
        stored = self._facts.account_writes.get(key, [])
        if sobject is not None and operation is not None:
            stored = _indexed(key, stored).like(sobject, operation, like)
            pending = _WriteIndex(pending).like(sobject, operation, like)
        within = self._within((*stored, *pending), seconds)
        return [_as_map(w, age) for w, age in within]

    def total(self, numbers: Iterable[Any]) -> float:
        return float(sum((Decimal(str(n)) for n in numbers), Decimal(0)))

    def ask(self, kind: str) -> dict[str, Any]:
        wanted = AskKind(kind)  # an unknown kind is a rule error naming it
        reading = self._facts.understanding
        found = reading.asks_of(wanted)
        if not found:
            absent_sure = unread(wanted) not in reading.unsure
            return {
                "found": False, "kind": kind, "status": "", "granted": False, "amount": None,
                "amounts": [], "amount_sure": False, "currency": "", "reason": "",
                "confidence": 0.0, "sure": absent_sure,
            }  # fmt: skip
        a = found[0]
        return {
            "found": True,
            "kind": kind,
            "status": str(a.status),
            "granted": a.status.granted,
            "amount": None if a.amount is None else float(a.amount),
            "amounts": [float(x) for x in a.amounts],
            "amount_sure": a.amount is not None and a.amount_confidence >= SURE,
            "currency": a.currency or "",
            "reason": str(a.reason) if a.reason else "",
            "confidence": a.confidence,
            "sure": a.confidence >= SURE,
        }

    def asked(self, kind: str) -> bool:
        return bool(self.ask(kind)["granted"])

    def retracted(self, kind: str) -> bool:
        return self.ask(kind)["status"] in ("retracted", "declined")

    def asked_amount(self, kind: str) -> float | None:
        asked = self.ask(kind)
        if asked["amounts"]:
            return float(max(asked["amounts"]))
        said = [
            float(f.value)
            for f in self._facts.understanding.facts
            if f.kind is FactKind.MONEY and f.speaker == "customer"
        ]
        return max(said) if said else None

    def issues(self) -> list[dict[str, Any]]:
        return [
            {
                "reason": str(i.reason),
                "negated": i.negated,
                "confidence": i.confidence,
                "sure": i.confidence >= SURE,
            }
            for i in self._facts.understanding.issues
        ]

    def written_reason(self, kind: str, text: str | None) -> dict[str, Any]:
        wanted = AskKind(kind)  # an unknown kind is a rule error naming it
        reading = self._facts.understanding
        found = reading.asks_of(wanted)
        given = found[0].reason if found else None
        as_asked = to_leave if wanted is AskKind.ACCOUNT_CLOSURE else _same_reason
        heard: dict[Reason, float] = {}
        for i in (i for i in reading.issues if not i.negated):
            heard[as_asked(i.reason)] = max(heard.get(as_asked(i.reason), 0.0), i.confidence)
        # what the customer surely said was not the problem ("it's not the money")
        denied = {as_asked(i.reason) for i in reading.issues if i.negated and i.confidence >= SURE}
        refused = self._facts.of_turns(withheld)
        written = read_written(str(text or ""))
        reasons = {as_asked(r) for r in written.reasons}
        sure = written.confidence >= SURE
        # one of their problems (any will do); a complaint of service sums up any problem, but
        # never stands for a reason the customer withheld
        service = bool(reasons) and reasons <= {Reason.SERVICE}
        # what the written reason is about and what the customer gave (lexicon/leaving.yaml)
        topics = written_topics(str(text or ""))
        gave = self._facts.of_turns(given_topics)
        own = gave & OWN_REASONS  # a reason to leave in itself: a move, a death...
        if written.placeholder:  # "N/A", "see notes": no reason, nor their declining one
            fits, contradicts = False, not refused
        elif not reasons & heard.keys() and reason_words(str(text or "")) & self._facts.of_turns(
            denied_guesses
        ):
            # the agent's guess the customer said no to ("Have you sold the van?" - "No")
            fits, contradicts = False, True
        elif (topics and Reason.SERVICE not in reasons & heard.keys()) and (
            topics <= (said_not := self._facts.of_turns(denied_topics))
            or (not reasons and topics & said_not)
        ):
            # a reason the customer said was not theirs ("is it the move?" - "no, I'm not
            # moving"; "it's not the delivery thing"): all it is about, or any of it where the
            # issue classes have no class for it; how they were served has many parts, and
            # praise of one is no denial of a complaint of another ("the engineers were rude
            # ... the billing team were wonderful")
            fits, contradicts = False, True
        elif reasons and reasons <= denied - heard.keys():  # a reason the customer denied
            fits, contradicts = False, sure
        elif not refused and (reasons & heard.keys() or topics & gave or (service and not own)):
            # or the reason they gave in other words ("Relocating" for "we're off to live in
            # Lisbon", "Not using it" for "I never go"); a complaint of service, but not where
            # they gave a reason of their own (made redundant: not "Poor service")
            fits, contradicts = True, False
        elif topics - SUMMING and own and not refused:
            # a reason of another class than the one they gave ("Premium increase" for "I'm
            # moving back to Ireland to look after my mum"): never surely, as a class is read
            # from words said in passing too ("my other account", "my details")
            fits, contradicts = False, False
        elif reasons and refused:  # a reason written where the customer withheld theirs
            fits, contradicts = False, sure and not reasons & self._facts.of_turns(labelled)
        elif reasons and given is not None:  # another reason than the one they gave
            # surely, but not where the customer named it too, in a record's words ("Speeds. I
            # get 80 at night"): their story read as another reason may have missed it
            named = reasons & self._facts.of_turns(labelled)
            fits, contradicts = False, sure and heard.get(given, 0.0) >= SURE and not named
        elif reasons:  # no reason of theirs read: none to contradict, nor to stand on (the
            # agent's own, or a story the reader missed): a person says which
            fits, contradicts = False, False
        elif written.none_given:  # fits a customer who gave none; one read may be theirs
            fits, contradicts = not (given is not None or gave) or refused, False
        else:  # words the reader cannot classify: a reason only where the customer gave none
            fits, contradicts = not refused, False
        return {
            "fits": fits,
            "contradicts": contradicts,
            "given": "declined" if refused else str(given or ""),
            "reasons": sorted(str(r) for r in reasons),
            "none_given": written.none_given,
            "sure": sure,
        }

    def kept_account(self, name: Any) -> bool:
        c = self._facts.conversation
        return (
            isinstance(name, str)
            and c is not None
            and kept_named(self._facts.of_turns(kept_words), name)
        )

    def outcome(self) -> dict[str, Any]:
        c = self._facts.conversation
        if c is not None and c.outcome:
            return _outcome(c.outcome, "platform", 1.0)
        reading = self._facts.understanding
        if reading.outcome is not None:
            return _outcome(str(reading.outcome.value), "transcript", reading.outcome.confidence)
        if reading.under_way is not None:
            return _outcome("", "transcript", reading.under_way.confidence, under_way=True)
        return _outcome("", "", 0.0)

    def sensitive_data(
        self, text: str | Sequence[str] | None, phones: Sequence[str] | None = None
    ) -> list[str]:
        texts = [text] if isinstance(text, str) else list(text or ())
        pieces = [t for t in texts if t]
        # a write's phone numbers are not read alone (a card finder misreads some), but a card
        # split between one and a note is found: each is joined by its digits (how it is
        # grouped, "(415) 555-...", would keep the joiner from seeing where it starts)
        numbers = [d for p in phones or () for d in _joined_digits(p)]
        if not pieces and not numbers:
            return []
        found = set().union(*map(sensitive_kinds, pieces))
        if any(is_card_number(p) for p in phones or ()):  # a card put whole in a number field
            found.add("card")
        if self._facts.redacted:  # a replayed record: its masks stand for what they replaced
            found |= {k for k in ("card", "ssn") if any(MASKS[k] in p for p in pieces)}
        # a number split between two of the write's texts, or between one of them and one of
        # the conversation's last few saved writes: where one ends in a digit and the other
        # starts with one, what the two edges say together and neither says alone; never two
        # phone numbers (two numbers side by side make a long one by chance)
        read = [_edges(p) for p in pieces] + [_edges(d) for d in numbers]
        if any(joins for _, joins in read):
            given = [(e, n >= len(pieces)) for n, (e, _) in enumerate(read)]
            notes, earlier_phones = self._earlier_texts()
            earlier = [(_edges(t)[0], False) for t in notes]
            earlier += [(_edges(d)[0], True) for n in earlier_phones for d in dialled(n)]
            edges = [*given, *earlier]

            def may_join(chain: tuple[int, ...]) -> bool:
                """This write's in it, and no two phone numbers side by side."""
                return min(chain) < len(given) and not any(
                    edges[a][1] and edges[b][1] for a, b in itertools.pairwise(chain)
                )

            for _, kinds in joined_chains([e for e, _ in edges], may_join):
                found |= kinds
        return sorted(found)

    def _earlier_texts(self) -> tuple[list[str], list[str]]:
        """The text of this conversation's last few writes that reached the CRM, the writes
        before this one in its request first; and the phone numbers and numbers they set. A
        write that sets nothing but a number (a piece a number split over many notes runs
        through) is not one of the few, while such pieces say no more digits together than
        may lie between a number's first and last."""
        c = self._facts.conversation
        saved = (
            *reversed(self.pending),
            *(w for w in reversed(c.writes if c else ()) if w.decision in SAVED),
        )
        texts: list[str] = []
        numbers: list[str] = []
        counted = between = 0
        for n, write in enumerate(saved):
            # a saved write's reading is its own, remembered; the request's are read here
            text, phones, stored, said = (
                _written(write) if n < len(self.pending) else _saved_written(write)
            )
            if not (text.strip() or phones or stored):
                continue
            texts.append(text)
            numbers.extend((*phones, *stored))
            if said is not None:
                between += said
            if said is None or between > LONGEST_BETWEEN:
                counted += 1
                if counted == _EARLIER:
                    break
        return [t for t in texts if t.strip()], numbers

    def text_fields(self) -> list[str]:
        if self.intent is None:
            raise RuntimeError("rule functions called outside a write's judging")
        return list(text_fields(self.intent.fields, self.intent.id_fields))

    def number_fields(self) -> list[str]:
        if self.intent is None:
            raise RuntimeError("rule functions called outside a write's judging")
        return list(number_fields(self.intent.fields, self.intent.id_fields))

    def unsure(self) -> list[str]:
        return list(self._facts.understanding.unsure)

    def lower(self, text: str | None) -> str:
        return (text or "").lower()

    def join(self, items: Iterable[Any], separator: str) -> str:
        return separator.join(str(i) for i in items)

    def _within(
        self, writes: Iterable[WriteRecord], seconds: float
    ) -> list[tuple[WriteRecord, float]]:
        now = self._facts.now
        aged = ((w, (now - w.at).total_seconds()) for w in writes)
        return [(w, age) for w, age in aged if age <= seconds]


def _same_reason(reason: Reason) -> Reason:
    return reason


class _WriteIndex:
    """Writes by object and operation and, asked for, by the value each sets a field to
    (account_writes): what a lookup returns is in the writes' order, and a superset of the
    writes whose field equals the value asked, as CEL's ``==`` or ``lower()`` of both finds:
    a string is indexed lower-cased, null as "", and any other value under every key."""

    __slots__ = ("_by_value", "_of", "writes")

    def __init__(self, writes: Sequence[WriteRecord]) -> None:
        self.writes = tuple(writes)
        self._of: dict[tuple[str, str], list[int]] = {}
        for n, w in enumerate(self.writes):
            self._of.setdefault((w.object, w.operation), []).append(n)
        #: (object, operation, field) -> value's key -> positions; ANY: every key's
        self._by_value: dict[tuple[str, str, str], dict[object, list[int]]] = {}

    def like(
        self, sobject: str, operation: str, like: Mapping[str, Any] | None
    ) -> list[WriteRecord]:
        of = self._of.get((sobject, operation), [])
        if like is None:
            return [self.writes[n] for n in of]
        found: set[int] = set()
        for name, value in like.items():
            wanted = _index_key(value)
            if wanted is _ANY:  # a value only CEL compares: any write of the kind may match
                return [self.writes[n] for n in of]
            by_value = self._values(sobject, operation, str(name), of)
            found.update(by_value.get(wanted, ()), by_value.get(_ANY, ()))
        return [self.writes[n] for n in sorted(found)]

    def _values(
        self, sobject: str, operation: str, name: str, of: list[int]
    ) -> dict[object, list[int]]:
        by_value = self._by_value.get((sobject, operation, name))
        if by_value is None:  # made whole, then shared: another thread sees all of it or none
            by_value = {}
            for n in of:
                if name in (fields := self.writes[n].fields):
                    by_value.setdefault(_index_key(fields[name]), []).append(n)
            self._by_value[sobject, operation, name] = by_value
        return by_value


#: The key of a field value no string is like (a number, a list): indexed under every key.
_ANY = object()
#: The last history of each account indexed, by the account's key (account_writes).
_INDEXES: Lru[_WriteIndex] = Lru(256)


def _indexed(account: object, history: Sequence[WriteRecord]) -> _WriteIndex:
    """The account's history indexed: made again only when it is another history (a write
    recorded or aged out), so once per stored write, not once per write judged. Comparing
    is cheap: the store hands back the same records (a tuple compares identical items as
    equal without looking into them)."""
    writes = tuple(history)
    index = _INDEXES.peek(account)
    if index is None or index.writes != writes:
        index = _WriteIndex(writes)
        _INDEXES.put(account, index)
    return index


def _index_key(value: Any) -> object:
    if isinstance(value, str):
        return value.lower()
    return "" if value is None else _ANY


def _as_map(w: WriteRecord, age: float) -> dict[str, Any]:
    return {"object": w.object, "operation": w.operation, "id": w.id, "fields": w.fields,
            "decision": w.decision, "age_seconds": age}  # fmt: skip


def _may_have_landed(w: WriteRecord) -> bool:
    """Whether a write reached the CRM or may have: saved (or before this one in its
    request), and not refused by the CRM's answer."""
    return w.decision == PENDING or (w.decision in SAVED and not w.refused_by_crm)


def _outcome(value: str, source: str, confidence: float, under_way: bool = False) -> dict[str, Any]:
    return {
        "value": value,
        "source": source,
        "confidence": confidence,
        "sure": confidence >= SURE,
        "under_way": under_way,
    }


def _edges(text: str) -> tuple[Edges, bool]:
    """A text's edges, and whether they may join another text's (sensitive_data): ending in a
    number, or perhaps carrying one on. Remembered for a short text (a picklist's value, a
    subject, a phone number), which writes set again and again; a longer one is read anew."""
    return _short_edges(text) if len(text) <= _SHORT else _edges_of(text)


def _edges_of(text: str) -> tuple[Edges, bool]:
    edges = Edges.of(text)
    return edges, edges.ends or edges.carries_on


# Bounded, and only short texts: a note's whole text is not kept for every write.
_short_edges = functools.lru_cache(maxsize=4096)(_edges_of)
_SHORT = 200


def _written(write: WriteRecord) -> tuple[str, tuple[str, ...], tuple[str, ...], int | None]:
    """What sensitive_data joins of a write to the one judged: its texts but its phone
    numbers, joined; its phone numbers; the digits its number fields store; and how many
    digits it says if it says nothing but a number (its texts, phones and numbers), else
    None (``_earlier_texts``)."""
    values = list(text_fields(write.fields, write.id_fields).values())
    phones = tuple(v for v in values if is_phone_number(v))
    text = "\n".join(v for v in values if v not in phones)
    numbered = number_fields(write.fields, write.id_fields).values()
    stored = tuple(d for v in numbered for d in number_digits(v))
    said = piece_digits(text) if text.strip() else 0
    if said is not None:
        said += sum(len(d) for n in phones for d in dialled(n)) + sum(map(len, stored))
    return text, phones, stored, said


def _saved_written(write: WriteRecord) -> tuple[str, tuple[str, ...], tuple[str, ...], int | None]:
    """``_written`` of a saved write, read once: every later write of its conversation joins
    the last few saved writes to its own again. Kept with the write itself (by its identity,
    which the kept entry holds), bounded."""
    found = _WRITTEN.peek(id(write))
    if found is None or found[0] is not write:
        found = (write, _written(write))
        _WRITTEN.put(id(write), found)
    return found[1]


# The saved writes ``_saved_written`` read lately: the last few of each call in progress.
_WRITTEN: Lru[tuple[WriteRecord, tuple[str, tuple[str, ...], tuple[str, ...], int | None]]] = Lru(
    4096
)


def _joined_digits(value: object) -> list[str]:
    """What a value read only joined to a write's texts stands for: a phone number as it is
    dialled, a number field's value as the digits the CRM stores."""
    return dialled(value) if isinstance(value, str) else number_digits(value)


def _found(stated: Figure, values: set[str]) -> bool:
    """Whether a stated amount, reference or number is among values (plain amounts, digit
    strings): the number whole, or each of its numbers (a range, "100-150"; "9-10am" states no
    number of three digits). A date, a count or a length of time is none of them."""
    if stated.kind in ("date", "count", "duration"):
        return False
    if stated.values:
        return all(plain(a) in values for a in stated.values)
    token = digits(stated.text)
    if len(token) >= 3 and token in values:
        return True
    numbers = re.findall(r"\d+", stated.text)
    return len(numbers) > 1 and all(len(n) < 3 or n in values for n in numbers)


def _said(stated: Figure, facts: Sequence[Fact]) -> bool:
    """Whether the reading's facts hold what a note states: a date one of them can be (the 9
    December is "the ninth"), the amounts (or, where the note names it a difference or a
    total, the difference or sum of two amounts said: "the £10 difference" between 49.99 and
    39.99), else the number. A count or a length of time is the transcript's to ground."""
    if stated.kind == "date":
        return any(
            same_date(stated_as, said_as)
            for f in facts
            if f.kind is FactKind.DATE
            for said_as in readings_of(f.value)
            for stated_as in readings_of(stated.text)
        )
    if stated.kind in ("count", "duration", "percent"):
        return False
    said = {f.value for f in facts}
    if not stated.values:
        return _found(stated, said)
    if stated.worked_out:
        money = [
            d
            for f in facts
            if f.kind is FactKind.MONEY
            if (d := finite_number(f.value)) is not None
        ][:_WORKED_OUT]
        said |= {plain(x) for a, b in itertools.combinations(money, 2) for x in (a + b, abs(a - b))}
    return all(plain(a) in said for a in stated.values)


NAMES = frozenset(
    name for name in vars(RuleFunctions) if not name.startswith("_") and name != "bound"
)

#: The functions whose answer, given their arguments, one revision of the conversation decides
#: (what was said, its reading, what the platform set), never the write, the records or the
#: time: a rule that calls only these on a revision's values is run once per revision
#: (guardrail.checks.rules).
REVISION_FUNCTIONS = frozenset(
    {
        "customer_said", "customer_said_any", "customer_text", "requested_amount",
        "amounts_mentioned", "ask", "asked", "retracted", "asked_amount", "issues",
        "written_reason", "outcome", "unsure", "pii", "phone_number", "same_id", "lower", "join",
        "total",
    }
)  # fmt: skip
