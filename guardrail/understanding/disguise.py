"""Text as card-number and SSN detection reads it: one canonical form that sees through the
ways a number is written to slip past a digit pattern while it still reads as the number.

- compatibility forms folded (NFKC: fullwidth digits, superscripts, ligatures);
- invisible characters dropped: format characters (zero-width space and joiners, word joiner,
  byte-order mark, soft hyphen, direction marks), combining marks, control characters;
- every decimal digit Unicode knows (Arabic-Indic, Devanagari, Thai...) as its ASCII digit;
- any space as a space, any dash as ``-``, and any other mark between two digits (``_ * · • |
  \\ ~ +``..., spaced or not, or ``)(``) as ``-``; a colon is kept, so times never join into a
  number; letters parting groups of a card's length or 3-2-4, among spaces, dots or dashes
  (``4111x1111x1111x1111``) too;
- letters that stand in for digits (``O``/``o`` for 0, ``I``/``l`` for 1) read as digits in a
  group that holds digits, or in a group of two or more of them beside such a group;
- a whole card-length number glued to letters, unbroken or grouped (``card4111...``,
  ``...1111exp``, ``AB4111-1111-1111-1111``), or an SSN glued to a word either side
  (``SSN123-45-6789``, ``X123-45-6789Y``), parted from them (a shorter number, as in ``v2.1``
  or ``SN-4249``, stays glued: it is a code);
- percent-encoding decoded (``4111%201111...``), and a base64 word that decodes to printable
  text (``NDExMSAxMTEx...``) read as that text too, on a line of its own;
- a text a reader may see in another order than it is written (``shown_orders``): one holding
  a direction override, embedding or isolate, a right-to-left mark or a right-to-left letter
  is read in the orders Unicode's bidirectional algorithm may show it in too.

The digit-run rules (guardrail.understanding.numbers.sensitive_digits: Luhn for cards, the
3-2-4 groups or a spoken-of social security number for SSNs) then judge this form, so an
ordinary number (an order, a phone, a date, an amount) reads as it did before.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from urllib.parse import unquote

_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_BASE64 = re.compile(r"(?<![\w+/])[A-Za-z0-9+/]{16,}={0,2}(?![\w+/=])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DROPPED = frozenset({"Cf", "Mn", "Me", "Cc"})
_KEPT = frozenset("\t\n\r")
#: Letters their readers see as blank (Hangul fillers, default-ignorable): read as a space,
#: so a card parted by one after each digit reads as its digits spaced.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_MARK_BETWEEN = re.compile(r"(?<=\d)(?:\s?[^\w\s.,/:$£€%()\[\]-]{1,3}\s?|\)\s?\(|\]\s?\[)(?=\d)")
# groups of digits parted by letters, spaced or not, or by a space, dot or dash where a letter
# parts others ("4111x1111x1111x1111", "4111 x 1111 x 1111 x 1111", "219a09b9999",
# "4000x 0000 0000 0002", "41111111x11111111"), or by an ordinal's two letters glued to the
# group before ("4000th 0000 0000 0002"); a letter standing in for a digit is one
_LETTERED = re.compile(
    r"(?<!\w)\d{2,8}(?:(?: ?[^\W\d_OoIl] ?|[^\W\d_OoIl]{2} ?|[ .-])\d{1,8})+(?!\w)"
)
_LETTER = re.compile(r"[^\W\d_]")
_DIGITS = re.compile(r"\d+")
_GROUP = re.compile(r"(?<![^\W\d])[0-9OoIl]+(?![^\W\d])")
_SEPARATION = re.compile(r"[^\w:$£€%]{1,3}")
_STAND_INS = str.maketrans("OoIl", "0011")
# 13 to 19 digits (or letters standing in for some) in one unbroken run, or digits grouped
# by one space, dot or dash between them: a card's length
_GLUED = re.compile(r"(?<![0-9OoIl])[0-9OoIl]{13,19}(?![0-9OoIl])")
_GLUED_GROUPS = re.compile(r"(?<!\d)\d(?:[ .-]?\d){12,18}(?!\d)")
# an SSN's nine digits glued to a word ("SSN123-45-6789", "user.123.45.6789"), or a word
# glued to them ("123-45-6789X"); a "word" of letters that stand in for digits ("l22222
# 2222": 122222 2222) is part of the number, not a word
_GLUED_SSN = re.compile(r"(?<![^\W\d_])([^\W\d_]+)(\.?)(?=\d{3}[-. ]?\d{2}[-. ]?\d{4}(?!\d))")
_SSN_GLUED = re.compile(r"(?<!\d)(\d{3}[-. ]?\d{2}[-. ]?\d{4})([^\W\d_]+)(?![^\W\d_])")
STAND_IN_LETTERS = frozenset("OoIl")


#: What makes a reader's screen lay text out right to left (Unicode's bidirectional algorithm,
#: UAX #9): the explicit embeddings, overrides and isolates, the right-to-left and Arabic
#: letter marks, and the right-to-left scripts' letters (Hebrew, Arabic, Syriac, Thaana, NKo...
#: and their presentation forms).
_RIGHT_TO_LEFT = re.compile(
    "[\u200f\u061c\u202a-\u202e\u2066-\u2069\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def shown_orders(text: str) -> list[str]:
    """The other orders a reader may see ``text``'s characters in, when it holds anything that
    lays text out right to left (none otherwise): reversed whole, as a right-to-left override
    shows what follows it (``\u202e1111 1111 1111 1114`` shows a card's number, rule L2), and
    its words in reverse order, as a right-to-left paragraph or embedding shows numbers apart
    by spaces, each one left to right (rules N1 and L2: ``1111 1111 1111 4111`` after an
    Arabic word shows the card's number too). More orders than any one layout shows, never
    fewer: each is read beside the text as written."""
    if not _RIGHT_TO_LEFT.search(text):
        return []
    shown = overridden(text)
    return [text[::-1], " ".join(reversed(text.split())), *([shown] if shown else [])]


#: Unicode's right-to-left embedding (RLE) and override (RLO), and the pop (PDF) that ends
#: either: what markup laying text out right to left is read as holding (guardrail.crm.markup).
EMBEDDING, OVERRIDE, POP = "\u202b", "\u202e", "\u202c"
#: The explicit embeddings and overrides (LRE, RLE, LRO, RLO), each ended by a pop.
_PUSHES = frozenset({"\u202a", EMBEDDING, "\u202d", OVERRIDE})


def overridden(text: str) -> str | None:
    """``text`` as a reader sees it where a right-to-left override reverses it (UAX #9 rule
    L2), the rest as written: what follows each U+202E, up to the pop that ends it or its
    line's end, shown reversed in place (``order \u202e4321\u202c`` shows ``order 1234``).
    None when it holds no override. Unlike the other shown orders, a figure in it is one a
    reader sees: it is read for what a note states (guardrail.context.facts.stated_facts)."""
    if OVERRIDE not in text:
        return None
    return "".join(_overridden_line(line) for line in text.splitlines(keepends=True))


def _overridden_line(line: str) -> str:
    start = line.find(OVERRIDE)
    if start < 0:
        return line
    depth, end = 1, len(line.rstrip("\r\n"))
    for at in range(start + 1, end):
        depth += line[at] in _PUSHES
        depth -= line[at] == POP
        if depth == 0:
            end = at
            break
    return line[: start + 1] + line[start + 1 : end][::-1] + _overridden_line(line[end:])


def detection_form(text: str) -> str:
    """``text`` in the canonical form card-number and SSN detection reads (module doc)."""
    if _PERCENT.search(text):
        text = unquote(text)
    decoded = [d for d in map(_decoded, _BASE64.findall(text)) if d]
    if decoded:
        text = "\n".join([text, *decoded])
    if text.isascii():  # the common case: only controls to drop and underscores to read
        return _finished(_CONTROL.sub("", text).replace("_", "-"))
    chars = []
    for char in unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text)):
        if char.isascii() and (char.isprintable() or char in _KEPT):
            chars.append("-" if char == "_" else char)
            continue
        category = unicodedata.category(char)
        if category in _DROPPED and char not in _KEPT:
            continue
        digit = unicodedata.digit(char, None)
        if digit is not None:
            chars.append(str(digit))
        elif category == "Pd" or char == "\u2212":
            chars.append("-")
        elif char.isspace() or category[0] == "Z" or char in _BLANK_LETTERS:
            chars.append(" ")
        else:
            chars.append(char)
    return _finished(unicodedata.normalize("NFC", "".join(chars)))


def _finished(form: str) -> str:
    """Numbers glued to words parted from them, stand-ins read, marks between digits as -."""
    form = _GLUED_GROUPS.sub(_groups_parted, _GLUED.sub(_parted, form))
    form = _SSN_GLUED.sub(_parted_from_word, _GLUED_SSN.sub(_word_parted, form))
    return _MARK_BETWEEN.sub("-", _stand_ins_read(_LETTERED.sub(_letters_apart, form)))


def _letters_apart(m: re.Match[str]) -> str:
    """Groups parted by letters, as grouped digits if they are a card's length or an SSN's
    3-2-4; else as written (``1920x1080x60``, and digits parted by no letter, which read as
    they are). A letter parts them as a space does: a phone number and a short extension
    after an ``x`` read as the same digits spaced would (Luhn and the scheme decide)."""
    written = m.group(0)
    if _LETTER.search(written) is None:
        return written
    groups = _DIGITS.findall(written)
    digits = sum(map(len, groups))
    shaped = 13 <= digits <= 19 or [len(g) for g in groups] == [3, 2, 4]
    return "-".join(groups) if shaped else written


def _parted(m: re.Match[str]) -> str:
    """A card-length run of mostly digits, set apart from the letters it is glued to."""
    run = m.group(0)
    return _groups_parted(m) if sum(c.isdigit() for c in run) * 2 > len(run) else run


def _groups_parted(m: re.Match[str]) -> str:
    """A card-length run set apart from a letter glued to either end (one standing in for a
    digit may be the number's)."""
    before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
    return f"{' ' * _glue(before)}{m.group(0)}{' ' * _glue(after)}"


def _glue(char: str) -> bool:
    return char.isalpha() and char not in STAND_IN_LETTERS


def _word_parted(m: re.Match[str]) -> str:
    """A word glued to an SSN's digits, set apart from them (letters standing in stay)."""
    word, dot = m.groups()
    return word + dot if set(word) <= STAND_IN_LETTERS else f"{word} "


def _parted_from_word(m: re.Match[str]) -> str:
    """An SSN's digits set apart from the word glued after them (letters standing in stay)."""
    number, word = m.groups()
    return f"{number}{word}" if set(word) <= STAND_IN_LETTERS else f"{number} {word}"


def _stand_ins_read(text: str) -> str:
    """``O``/``o``/``I``/``l`` as digits where they stand among digits (module doc)."""
    groups = list(_GROUP.finditer(text))
    if not groups:
        return text
    digits = [any(c.isdigit() for c in g.group(0)) for g in groups]
    beside = [
        i > 0 and _SEPARATION.fullmatch(text[groups[i - 1].end() : g.start()]) is not None
        for i, g in enumerate(groups)
    ]  # beside[i]: group i follows group i-1 across a separator only
    for order in (range(1, len(groups)), range(len(groups) - 2, -1, -1)):
        for i in order:
            j = i - 1 if order.step == 1 else i + 1
            linked = beside[i] if order.step == 1 else beside[j]
            if not digits[i] and linked and digits[j] and len(groups[i].group(0)) >= 2:
                digits[i] = True
    out, last = [], 0
    for group, read in zip(groups, digits, strict=True):
        out.append(text[last : group.start()])
        out.append(group.group(0).translate(_STAND_INS) if read else group.group(0))
        last = group.end()
    return "".join(out) + text[last:]


def _decoded(word: str) -> str:
    """What a base64 word says, if it decodes to printable ASCII text; else nothing."""
    try:
        raw = base64.b64decode(word, validate=True)
    except (binascii.Error, ValueError):
        return ""
    text = raw.decode("ascii", errors="replace")
    return text if text.isprintable() and "\ufffd" not in text else ""
