"""Reading CEL source text before it is compiled: where its code is (outside its string
literals), and a policy's ``params`` written into it as literals.

``params`` are fixed when a policy set loads, but a rule reached them through the variable
resolver, and CEL converts what a resolver hands it on every access: a list of six names read
inside a ``filter`` was converted once per field of every write. Written into the expression
(``params.not_text`` becomes ``(["Phone", "Fax", ...])``), they are part of the compiled
program. A param that has no literal form (a date), one tested with ``has()``, and ``params``
used whole stay with the resolver.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

_PARAM = re.compile(r"(?<![\w.])params\s*\.\s*([A-Za-z_]\w*)")
_IN_HAS = re.compile(r"has\s*\(\s*$")
_INT64 = range(-(2**63), 2**63)


def code(source: str) -> Iterator[tuple[int, str]]:
    """Each character of ``source`` outside its string literals, with its index. Raises
    ValueError for a string literal that does not end."""
    quote, raw, i = "", False, 0
    while i < len(source):
        c = source[i]
        if quote:
            if c == "\\" and not raw:
                i += 1
            elif source.startswith(quote, i):
                i += len(quote) - 1
                quote = ""
        elif c in "\"'":
            quote = source[i : i + 3] if source[i : i + 3] in ('"""', "'''") else c
            raw = source[i - 1 : i] in ("r", "R")  # no escapes in it
            i += len(quote) - 1
        else:
            yield i, c
        i += 1
    if quote:
        raise ValueError("a string literal does not end")


def inline_params(source: str, params: Mapping[str, Any]) -> str:
    """``source`` with each ``params.<key>`` in its code replaced by the literal of that
    param's value, where it has one."""
    try:
        outside = {i for i, _ in code(source)}
    except ValueError:
        return source
    pieces, at = [], 0
    for found in _PARAM.finditer(source):
        start, name = found.start(), found.group(1)
        if start not in outside or name not in params or _IN_HAS.search(source[:start]):
            continue
        text = literal(params[name])
        if text is None:
            continue
        pieces += [source[at:start], f"({text})"]
        at = found.end()
    return "".join([*pieces, source[at:]])


def literal(value: Any) -> str | None:
    """``value`` as a CEL literal of the value CEL makes of it, or None when it has none."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value in _INT64 else None
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        items = [literal(v) for v in value]
        return None if None in items else f"[{', '.join(items)}]"  # type: ignore[arg-type]
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        pairs = [(literal(k), literal(v)) for k, v in value.items()]
        if any(v is None for _, v in pairs):
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
    return None
