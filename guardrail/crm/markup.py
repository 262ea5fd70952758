"""Text a CRM renders as markup, read as what it says: the reading rules must judge.

A card number split by a tag (``41<b></b>11``), spelled with character references
(``4&#49;11``) or kept in an attribute is no card number to a rule reading the markup, and one
to the person reading the record. Zendesk renders a comment's ``html_body``, and its ``body``
as Markdown; ServiceNow renders HTML between ``[code]`` and ``[/code]`` in a journal entry.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from guardrail.understanding.disguise import EMBEDDING, OVERRIDE, POP

#: What a field's schema says of one its readers see rendered as HTML (JSON Schema's
#: ``contentMediaType``): a Salesforce rich text area, a ServiceNow html field. Its text is
#: judged as its ``html_text`` (PolicySet.canonical).
HTML = "text/html"
#: Elements that set their text's direction whatever their attributes say (bidi override and
#: isolate), and the values of ``dir`` that may lay it out right to left.
_DIRECTED = frozenset({"bdo", "bdi"})
_RIGHT_TO_LEFT_DIRS = frozenset({"rtl", "auto"})


#: Elements HTML never closes: no text of theirs to override.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shown: list[str] = []
        self.kept: list[str] = []  # what the markup saves and shows no one
        self.right_to_left = False  # some of it may be laid out right to left
        self.open: list[tuple[str, bool]] = []  # each open element, and whether it overrides

    def handle_data(self, data: str) -> None:
        self.shown.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.kept.extend(value for _, value in attrs if value)
        said = [(name, (value or "").lower()) for name, value in attrs]
        self.right_to_left |= tag in _DIRECTED or any(_lays_out_right_to_left(*a) for a in said)
        if tag in _VOID:
            return
        # <bdo dir="rtl">, CSS unicode-bidi: bidi-override with direction rtl: its text shows
        # reversed, as after Unicode's right-to-left override, up to the element's end
        overrides = (
            tag == "bdo" or any(n == "style" and "bidi-override" in v for n, v in said)
        ) and any(_lays_out_right_to_left(n, v) and (n == "dir" or "rtl" in v) for n, v in said)
        if overrides:  # shown as after a right-to-left override (disguise.overridden)
            self.shown.append(OVERRIDE)
        self.open.append((tag, overrides))

    def handle_endtag(self, tag: str) -> None:
        if not any(name == tag for name, _ in self.open):
            return
        while self.open:
            name, overrides = self.open.pop()
            if overrides:
                self.shown.append(POP)
            if name == tag:
                return

    def handle_comment(self, data: str) -> None:
        self.kept.append(data)

    # Processing instructions and declarations (<?x ...?>, <!DOCTYPE ...>, <![CDATA[...]]>):
    # saved as a comment is, shown by no reader.
    def handle_pi(self, data: str) -> None:
        self.kept.append(data)

    def handle_decl(self, decl: str) -> None:
        self.kept.append(decl)

    def unknown_decl(self, data: str) -> None:
        self.kept.append(data)


def _lays_out_right_to_left(attribute: str, value: str) -> bool:
    """Whether an attribute may lay its element's text out right to left: ``dir`` (rtl, or
    auto: by its first letter), or CSS saying so in ``style`` (``direction: rtl``,
    ``unicode-bidi: bidi-override``)."""
    if attribute == "dir":
        return value.strip() in _RIGHT_TO_LEFT_DIRS
    return attribute == "style" and ("rtl" in value or "bidi" in value)


_END_TAG_REST = re.compile(r"</[A-Za-z][^\s/>]*([^>]*)>")
#: Anything between < and >, as a cruder reader than HTML's drops it as a tag: ``<11>`` too,
#: which HTML shows as text.
_ANYTHING_TAGGED = re.compile(r"<[^>]*>")


def html_text(markup: str) -> str:
    """What an ``html_body`` says, as rules must read it: its text as Zendesk shows the
    comment (tags dropped, character references decoded, no-break spaces as spaces), then,
    a line each, what the saved markup still holds unshown: attribute values, HTML comments,
    processing instructions and declarations, and text past an end tag's name; and the text
    a cruder reader shows, dropping anything between < and >, where it differs. Markup that
    may lay text out right to left (``dir="rtl"``, ``<bdo>``, CSS ``direction: rtl``) is read
    as text that says so in Unicode (a right-to-left embedding first: disguise.shown_orders),
    so its numbers are read in the orders it may show. Tags join their text without a gap, so
    a number split by markup (``41<b></b>11``, ``4&#49;11``) reads whole, as the comment shows
    it."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    # what an end tag holds past its name (</p 4111 ...>): saved, not shown, and dropped by
    # HTMLParser
    kept = parser.kept + [rest for rest in _END_TAG_REST.findall(markup) if rest.strip()]
    shown = "".join(parser.shown)
    crude = html.unescape(_ANYTHING_TAGGED.sub("", markup))
    if crude != shown:  # "41<11>11": text to HTML, a tag to a cruder reader; read both ways
        kept.append(crude)
    text = shown + "".join(f"\n{line}" for line in kept)
    if parser.right_to_left:  # dir="rtl", <bdo>: its numbers may show in another order
        text = EMBEDDING + text
    return text.replace("\xa0", " ")


_CODE = re.compile(r"\[code\](.*?)\[/code\]", re.IGNORECASE | re.DOTALL)


def code_text(value: str) -> str:
    """A ServiceNow text as the instance shows it: each ``[code]...[/code]`` block (HTML it
    renders) read as its ``html_text``, the rest as written."""
    return _CODE.sub(lambda block: html_text(block[1]), value)


#: What Markdown may drop from the text it shows: emphasis (``_`` not inside a word, where it
#: is text), strike-through and code marks, and the backslash before a character it escapes.
_MARKDOWN_MARKS = re.compile(r"[*~`]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|\\(?=[!-/:-@\[-`{-~])")


def markdown_text(text: str) -> str:
    """What a Zendesk comment's ``body`` says, as rules must read it: Zendesk shows it as
    Markdown ("Markdown formatting is supported in body"), so a number split by its marks
    (``41**11**``, ``4111 `1111```) or spelled with character references (``4&#49;11``)
    reads whole to the person reading the comment. As written, then, on a line of its own
    where it differs, with every mark Markdown may drop dropped and the rest read as HTML
    (``html_text``): more than Markdown drops (a lone ``*``), never less."""
    shown = html_text(_MARKDOWN_MARKS.sub("", text))
    return text if shown == text else f"{text}\n{shown}"
