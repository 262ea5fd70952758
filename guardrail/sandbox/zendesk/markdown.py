"""A comment's ``body`` rendered as Zendesk renders it: Markdown.

Zendesk documents three bodies for a comment, ``plain_body``, ``body`` and ``html_body``, and
"Markdown formatting is supported in body but not in html_body" (Ticket Comments, "Bodies for
comments"). So ``41**11** 1111 1111 1111`` is saved as written and shown as a card number. The
sandbox renders the inline marks CommonMark defines (strong and emphasis with ``*``, and with
``_`` between words only; strike-through; code spans; a backslash escaping punctuation; and
character references, which the HTML keeps for its reader to decode); markup other than
those is shown as text.
"""

from __future__ import annotations

import html
import re

#: Text a code span holds, and a character a backslash escapes: shown as written.
_LITERAL = re.compile(r"`(?P<code>[^`]+)`|\\(?P<escaped>[!-/:-@\[-`{-~])")
#: A run of text between a mark (``*``, or ``_`` between words only) and the same mark.
_BETWEEN = r"{0}(?=\S)(.+?)(?<=\S){0}|(?<![0-9A-Za-z]){1}(?=\S)(.+?)(?<=\S){1}(?![0-9A-Za-z])"
#: The marks rendered, strongest first, and the tag each renders as.
_MARKS = (
    (re.compile(_BETWEEN.format(r"\*\*", "__")), "strong"),
    (re.compile(_BETWEEN.format(r"\*", "_")), "em"),
    (re.compile(_BETWEEN.format("~~", "~~")), "del"),
)
#: Text held out of the marks while they are rendered, by its place in a list.
_HELD = re.compile("\ue000([0-9]+)\ue001")


def rendered(body: str) -> str:
    """``body``'s ``html_body``: a paragraph of its text with the inline marks rendered."""
    text = html.escape(body, quote=False).replace("&amp;", "&")  # references stay references
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(f"<code>{match['code']}</code>" if match["code"] else match["escaped"])
        return f"\ue000{len(held) - 1}\ue001"

    text = _LITERAL.sub(hold, text)
    for mark, tag in _MARKS:
        text = mark.sub(f"<{tag}>\\1\\2</{tag}>", text)  # one of the two groups matched
    return f"<p>{_HELD.sub(lambda m: held[int(m[1])], text)}</p>"
