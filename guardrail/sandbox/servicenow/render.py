"""Records as the Table API returns them, by ``sysparm_display_value`` and
``sysparm_exclude_reference_link``.

- ``false`` (the default): the stored value; a reference is ``{"link", "value"}`` (``""``
  when empty), or its plain value when links are excluded.
- ``true``: the display value (a choice's label, a reference's display field); a reference
  is ``{"link", "display_value"}``.
- ``all``: ``{"display_value", "value"}`` for every field, a reference with its ``link``.

A dot-walked field (``caller_id.email``, ``super_class.name``) is the field of the record the
reference names, under its dotted name ("" when the reference is empty).

A journal field reads back empty as a value; its display value is its entries, newest first,
each under a ``<when> - <who> (<field label>)`` line, as the platform shows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from guardrail.sandbox.servicenow.store import META_FIELDS, InstanceStore
from guardrail.sandbox.servicenow.tables import Column, Kind


def render(
    store: InstanceStore,
    table: str,
    row: Mapping[str, str],
    *,
    base_url: str,
    display: str = "false",
    exclude_link: bool = False,
    fields: Iterable[str] | None = None,
) -> dict[str, Any]:
    spec = store.tables.get(table)
    names = (
        list(fields)
        if fields is not None
        else (list(spec.columns) if spec else list(META_FIELDS.get(table, row)))
    )
    out: dict[str, Any] = {}
    for name in names:
        if "." in name:  # dot-walked: the field of the record a reference names
            head, _, rest = name.partition(".")
            found = store.referenced(table, row, head)
            walked = render(store, *found, base_url=base_url, display=display,
                            exclude_link=exclude_link, fields=[rest]) if found else {}  # fmt: skip
            out[name] = walked.get(rest, _shape(display, "", ""))
            continue
        if name not in row and (spec is None or name not in spec.columns):
            continue  # a field the table does not have is left out, as the platform does
        column = spec.columns[name] if spec else None
        value = row.get(name, "")
        if column is not None and column.kind is Kind.JOURNAL:
            entries = store.journal_entries(table, row.get("sys_id", ""), name)
            shown = "".join(
                f"{e['sys_created_on']} - {e['sys_created_by']} ({column.label})\n{e['value']}\n\n"
                for e in reversed(entries)
            )
            out[name] = _shape(display, "", shown)
        elif column is not None and column.reference and value:
            target = store.reference_table(column, value)
            link = f"{base_url}/api/now/table/{target}/{value}"
            shown = store.display(target, value)
            out[name] = _reference(display, value, shown, None if exclude_link else link)
        else:
            out[name] = _shape(display, value, _label(column, value))
    return out


def _label(column: Column | None, value: str) -> str:
    if column is not None and column.choices:
        return column.choices.get(value, value)
    return value


def _shape(display: str, value: str, shown: str) -> Any:
    if display == "all":
        return {"display_value": shown, "value": value}
    return shown if display == "true" else value


def _reference(display: str, value: str, shown: str, link: str | None) -> Any:
    if display == "all":
        out: dict[str, str] = {"display_value": shown, "value": value}
    elif display == "true":
        if link is None:
            return shown
        out = {"display_value": shown}
    elif link is None:
        return value
    else:
        out = {"value": value}
    return {**out, "link": link} if link is not None else out
