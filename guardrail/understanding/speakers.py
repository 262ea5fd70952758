"""Who speaks in a customer turn when more than one person is on the customer's side of a call.

A conference call's transcript may label each customer turn with its speaker ("Fatima (carer):
...", "Derek: ...", "Daughter: ..."), and the platform, the agent or the holder says who is who
("account holder Maureen and her husband Derek", "my wife Carol's on speaker too"). Only the
holder asks for something on their account or answers an offer for it: what anyone else on the
line says of an ask is a third party's wish, however it is put ("Can you close the account?"
from the carer). A label is a speaker's only when it says who they are, in brackets, as a role
itself or where the name is introduced; "Re:" or "Quick question:" is none. A
transcriber's tag in brackets ("[daughter] ...", "(husband, Peter) ...") says who speaks by
itself.

A phone interpreter is the one exception to "someone else": rendering the customer in the third
person ("she says she wants her money back") is the customer speaking, so in an interpreted call
the customer's turns are read as the customer's own first person (``relayed``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from guardrail.context.model import Turn

# A name of one to three capitalised words, a role in brackets perhaps, then a colon; or a
# transcriber's tag alone, in square or round brackets ("[son] ...", "[Wife, in background]:
# ...", "(husband, Peter) ...").
_LABEL = re.compile(
    r"^\s*(?:(?P<name>[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,2})(?: \((?P<role>[^()]{1,40})\))?:\s"
    r"|\[(?P<tag>[^\[\]]{1,40})\]:?\s|\((?P<round>[^()]{1,40})\):?\s)"
)


# A tag that is a name ("(Kemal)", "(Mrs Hale, on speaker)"), and words introducing one as
# someone's own relation ("my partner ", "our son "). Whoever introduces them is the holder
# unless the call says the account is another's ("it's his account", "in her name") or
# joint: then the one introduced may be the holder ("my dad Walter, it's his account").
_NAME = re.compile(r"[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,2}(?=$|,)")
_OWN = re.compile(r"\b(?:my|our)\b", re.IGNORECASE)
_ANOTHERS = re.compile(
    r"\b(?:his|her|their) (?:own )?(?:account|acct|membership|plan|policy)\b"
    r"|\bin (?:his|her|their) names?\b|\b(?:he|she)(?:'s| is) the (?:account ?)?holder\b"
    r"|\bjoint(?:ly)?\b|\bboth (?:our|of our) names\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Speaker:
    label: int  # how many characters of the turn its label takes ("Derek: ")
    other: bool  # someone on the customer's side who is not the account holder


def speakers(
    turns: Sequence[Turn], relation: re.Pattern[str], holder: re.Pattern[str], owns: re.Pattern[str]
) -> list[Speaker | None]:
    """Each turn's labelled speaker, None where the turn has none: the holder, or someone
    their role (``relation``: "carer", "her husband", a voice in the background) makes another
    person, unless it also names them the holder (``holder``). Where one labelled speaker says
    the account is theirs (``owns``: "it's my account"), every other label is someone else
    ("(Danny) We want to close the account" beside "(Mrs. Russo) It's my account")."""
    # who is who, as anyone says it: the platform, the agent or the holder ("my wife Carol's
    # on speaker too"), speaker labels left out
    said = " ".join(
        t.text[label.end() :] if (label := _LABEL.match(t.text)) else t.text for t in turns
    )
    labelled: list[tuple[re.Match[str], str | None] | None] = []
    for turn in turns:
        label = _LABEL.match(turn.text) if turn.role == "customer" else None
        bracket = None if label is None else label["tag"] or label["round"]
        role = (
            None
            if label is None
            else _tagged(bracket, said, relation)
            if bracket
            else label["role"] or _named(label["name"], said, relation)
        )
        labelled.append(None if label is None else (label, role))
    owners = {
        _who(found[0])
        for turn, found in zip(turns, labelled, strict=True)
        if found is not None
        and owns.search(turn.text[found[0].end() :].lower().replace("\u2019", "'"))
    }
    # one named speaker's own "it's my account" makes every other named speaker someone else
    owner = next(iter(owners)) if len(owners) == 1 else None
    result: list[Speaker | None] = []
    for found in labelled:
        named = found is not None and owner is not None and _who(found[0]).istitle()
        if found is None or (found[1] is None and not named):
            result.append(None)
            continue
        label, role = found[0], (found[1] or "").lower()
        other = relation.search(role) is not None or (named and _who(label) != owner)
        result.append(Speaker(label.end(), other and holder.search(role) is None))
    return result


def _who(label: re.Match[str]) -> str:
    """Who a label names, as the same speaker's other labels give it ("(Mrs. Russo)",
    "Mrs. Russo:")."""
    return (label["name"] or label["tag"] or label["round"] or "").strip()


def _named(name: str, said: str, relation: re.Pattern[str]) -> str | None:
    """The role a label gives: the label itself when it is one ("Daughter: ..."), else the
    words introducing the name (``_introduced``)."""
    if relation.fullmatch(name.lower()):
        return name
    return _introduced(name, said)


def _tagged(tag: str, said: str, relation: re.Pattern[str]) -> str:
    """The role a bracketed tag gives: the tag itself where it names one ("[son]", "(wife,
    Ana)", "(Mum)"); where it starts with a person's name ("(Kemal)", "(Mrs Wong)", "(Serkan,
    in the background)"), what follows the name, and the relation the call introduced them by
    as someone's own ("my partner Kemal will talk to you"; ``_ANOTHERS``). "Uncle Arthur" or
    "Mrs Hale" only address them: the holder may be anyone's uncle."""
    name = _NAME.match(tag)
    if name is None or relation.fullmatch(name.group(0).lower()):
        return tag
    rest = tag[name.end() :]
    intro = _introduced(name.group(0), said)
    own = intro is not None and _OWN.search(intro) and not _ANOTHERS.search(said)
    return f"{rest} {intro}" if own else rest


def _introduced(name: str, said: str) -> str | None:
    """The words introducing ``name`` where the platform or the agent names them ("account
    holder Maureen", "her carer Dee"), if anywhere."""
    intro = re.search(rf"((?:[\w']+ ){{1,3}}){re.escape(name)}\b", said)
    return None if intro is None else intro.group(1)


def unlabelled(text: str, speaker: Speaker | None) -> str:
    """A turn's text with its speaker label blanked out, every other character in its place
    (evidence spans still point into the turn as it was sent)."""
    return text if speaker is None else " " * speaker.label + text[speaker.label :]


# The interpreter's frame and the customer named in the third person, as the customer's "I".
_RELAY_FRAME = re.compile(
    r"\b(?:he|she) (?:says|said|is saying|tells me|told me|explains)(?: that)?\b"
)
_RELAYED = {"he": "i", "she": "i", "his": "my", "her": "my", "hers": "mine", "him": "me"}
_THIRD_PERSON = re.compile(r"\b(?:he|she|his|her|hers|him)\b", re.IGNORECASE)


def interpreted(turns: Sequence[Turn], interpreter: re.Pattern[str]) -> bool:
    """Whether an interpreter speaks for the customer: one introduces themself or is named."""
    return any(interpreter.search(t.text.lower()) for t in turns)


def relayed(text: str) -> str:
    """An interpreter's rendering of the customer in the customer's own first person: "she
    says her husband wants it closed" is "my husband wants it closed"."""
    text = _RELAY_FRAME.sub(" ", text)
    return _THIRD_PERSON.sub(lambda m: _RELAYED[m.group(0).lower()], text)
