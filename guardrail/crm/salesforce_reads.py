"""Which objects a Salesforce read shows, so an agent token's object scopes cover reads too.

The answer is a set of object names; empty for a read that shows no record (the version list,
the resources map, describeGlobal, limits); None when the proxy cannot tell: a relationship
traversal (``/sobjects/Account/{id}/Cases``), SOQL with relationship fields, subqueries or
TYPEOF, SOSL (it searches every object), a query's next page (its locator names no object),
and every other endpoint. A token scoped to some objects is refused a read the proxy cannot
tell, rather than trusted with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from guardrail.crm import sfid
from guardrail.errors import AmbiguousRequest

_ROOT = re.compile(r"^/services/data(/v\d+\.\d+)?/?$", re.IGNORECASE)
_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'")
_FROM = re.compile(r"\bFROM\s+([A-Za-z][A-Za-z0-9_]*)", re.IGNORECASE)
_TRAVERSAL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\s*\.\s*[A-Za-z_]")
_NESTED = re.compile(r"\(\s*SELECT\b|\bTYPEOF\b", re.IGNORECASE)
#: Not only at a word's start: SOQL's lexer ends a number where its digits end, so ``LIMIT
#: 1FOR VIEW`` is ``LIMIT 1`` and ``FOR VIEW``; no valid query has the words otherwise.
_WRITING = re.compile(
    r"FOR\s+(?:VIEW|REFERENCE|UPDATE)\b|UPDATE\s+(?:TRACKING|VIEWSTAT)\b", re.IGNORECASE
)
_TERMS = re.compile(r"\{(?:[^}\\]|\\.)*\}")  # SOSL: FIND {what to search}
_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_FROM_WORD = re.compile(r"(?<![\w.])FROM\b", re.IGNORECASE)
#: A column Salesforce shows as the record holds it: a field (through relationships), every
#: field (FIELDS()), a subquery's or TYPEOF's records (nested, so they ground nothing).
_AS_HELD = re.compile(
    r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\Z|\(\s*SELECT\b.*\)\Z|TYPEOF\b.*\bEND\Z"
    r"|FIELDS\s*\(\s*(?:ALL|STANDARD|CUSTOM)\s*\)\Z",
    re.IGNORECASE | re.DOTALL,
)
_AGGREGATE_CALL = re.compile(r"\b(?:COUNT|COUNT_DISTINCT|SUM|AVG|MIN|MAX)\s*\(", re.IGNORECASE)
_GROUP_BY = re.compile(r"\bGROUP\s+BY\b", re.IGNORECASE)
_NOT_AS_HELD = (
    "which is not a field as the record holds it (a function such as FORMAT(), toLabel() or "
    "convertCurrency() changes the value, an alias the name it is shown under), and "
    "crm-guardrail takes what a read shows as what the agent saw of each record. Select the "
    "fields themselves (SELECT Id, Amount__c FROM ...)."
)
_METADATA = frozenset({"sobjects", "limits"})
_QUERIES = frozenset({"query", "queryall"})
NOTHING: frozenset[str] = frozenset()


def objects_read(
    path: str, segments: Sequence[str] | None, query: Mapping[str, str]
) -> frozenset[str] | None:
    """The objects a GET of ``path`` (``segments`` below ``/services/data/vXX.X``) shows."""
    if _ROOT.match(path):
        return NOTHING
    if not segments:
        return None
    resource = segments[0].lower()
    if len(segments) == 1 and resource in _METADATA:
        return NOTHING
    if resource == "sobjects":
        # {Object}, {Object}/describe, {Object}/{id}, {Object}/{Field}/{value}; but
        # {Object}/{id}/{relationship} shows the related object's records.
        if len(segments) <= 3 or (len(segments) == 4 and not sfid.is_id(segments[2])):
            return frozenset({segments[1]})
        return None
    if resource == "composite" and len(segments) == 3 and segments[1].lower() == "sobjects":
        return frozenset({segments[2]})
    if resource in _QUERIES and len(segments) == 1:
        return soql_objects(query_text(query))
    return None


def query_text(query: Mapping[str, str]) -> str:
    """The SOQL or SOSL a query or search runs: its ``q`` parameter in any case spelling
    (the request holds it once: ``decode_query``), since a CRM reading names loosely would
    run a ``Q`` the proxy did not read."""
    return next((v for k, v in query.items() if k.lower() == "q"), "")


def shows_records(segments: Sequence[str] | None) -> bool:
    """Whether a GET of the resource ``segments`` (below ``/services/data/vXX.X``) names
    answers with the CRM's own records, which may ground the agent's writes: a record by id
    or by an id-lookup field, a query's page, a collection's retrieve. Not
    ``/sobjects/{Object}/{id}/{name}``: the path does not say whether ``name`` is a
    relationship or a blob field, and a blob is a file's bytes as whoever uploaded it wrote
    them (a JSON file there can look like any record); nor search results, the recent list,
    describes, limits, or anything else."""
    if not segments:
        return False
    resource = segments[0].lower()
    if resource in _QUERIES:
        return len(segments) <= 2  # the query, or its next page by locator
    if resource == "sobjects":
        return len(segments) == 3 or (len(segments) == 4 and not sfid.is_id(segments[2]))
    return resource == "composite" and len(segments) == 3 and segments[1].lower() == "sobjects"


def refuse_writing_clause(query: str) -> None:
    """Refuse a SOQL or SOSL query with a clause that makes Salesforce update the records it
    returns (``FOR VIEW``, ``FOR REFERENCE``: their last viewed or referenced date, the
    recently viewed list; ``UPDATE TRACKING``, ``UPDATE VIEWSTAT``: article statistics;
    ``FOR UPDATE``: locks), in any case and spacing, written against what comes before it or
    not, outside the texts it compares and the terms it searches: a write in a GET, which the
    proxy would forward unjudged."""
    found = _WRITING.search(_TERMS.sub("{}", _LITERAL.sub("''", query)))
    if found:
        clause = " ".join(found[0].split()).upper()
        raise AmbiguousRequest(
            f"The query's {clause} clause makes Salesforce update the records it returns, a "
            "write crm-guardrail does not judge inside a read. Send the query without it."
        )


#: Parameters of a read that make Salesforce update what it returns, by resource and name
#: (lower-case), as documented: parameterized search's ``updateTracking`` (the keyword
#: statistics of the Knowledge articles found) and ``updateViewStat`` (their view statistics),
#: SOSL's UPDATE TRACKING and UPDATE VIEWSTAT given as parameters.
_WRITING_PARAMETERS = {
    "parameterizedsearch": {"updatetracking": "updateTracking", "updateviewstat": "updateViewStat"}
}


def refuse_writing_parameters(resource: str, query: Mapping[str, str]) -> None:
    """Refuse a read of ``resource`` (its first segment) with a parameter that makes
    Salesforce update the records it returns, in any case spelling of its name (a reader
    ignoring case would take it), set to anything but ``false``: a write in a GET, as
    ``refuse_writing_clause`` refuses the clauses that ask the same."""
    writing = _WRITING_PARAMETERS.get(resource.lower())
    if writing is None:
        return
    for name, value in query.items():
        documented = writing.get(name.lower())
        if documented is not None and value.lower() != "false":
            raise AmbiguousRequest(
                f"{name}={value[:20]} makes Salesforce update the statistics of the records "
                "the search finds, a write crm-guardrail does not judge inside a read. Send "
                f"the search without {documented} (or with {documented}=false)."
            )


def refuse_relabelled_columns(soql: str) -> None:
    """Refuse a SOQL query whose rows would show a value under a field's name that is not
    what the record holds there: ``FORMAT()``, ``toLabel()``, ``convertCurrency()`` (any
    function) change the value, an alias the name it is shown under (``toLabel(Type)
    Reason``), and the proxy takes a read's rows as what the agent saw of each record, which
    grounds its writes. An aggregate query's rows are no records (Salesforce types them
    AggregateResult, which ground nothing), so it may use both. A query whose select list the
    proxy cannot find is refused too: it cannot tell what its rows show."""
    if not soql.strip():
        return  # Salesforce refuses it: nothing is read
    text = _LITERAL.sub("''", soql)
    found = _select_list(text)
    if found is None:
        raise AmbiguousRequest(
            "crm-guardrail cannot find the query's SELECT ... FROM, so it cannot tell what its "
            "rows show. Send a query of the form SELECT field, ... FROM Object ..."
        )
    columns, rest = found
    if _GROUP_BY.search(_outside_parentheses(rest)) or any(
        _AGGREGATE_CALL.search(c) for c in columns if not c.startswith("(")
    ):
        return
    for column in columns:
        if not _AS_HELD.match(column):
            shown = " ".join(column.split())[:100]
            raise AmbiguousRequest(f"The query shows {shown!r}, {_NOT_AS_HELD}")


def _select_list(text: str) -> tuple[list[str], str] | None:
    """The columns of a SOQL query (its literals blanked) and what follows its top-level
    FROM; None when it has no SELECT ... FROM at the top level or unbalanced parentheses."""
    start = _SELECT.match(text)
    if start is None:
        return None
    columns, depth, begin = [], 0, start.end()
    for at in range(start.end(), len(text)):
        char = text[at]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and char == ",":
            columns.append(text[begin:at].strip())
            begin = at + 1
        elif depth == 0 and _FROM_WORD.match(text, at):
            columns.append(text[begin:at].strip())
            return columns, text[at:]
    return None


def _outside_parentheses(text: str) -> str:
    """``text`` without what any parentheses hold (a subquery's own clauses)."""
    kept, depth = [], 0
    for char in text:
        depth += char == "("
        if depth == 0:
            kept.append(char)
        depth -= char == ")" and depth > 0
    return "".join(kept)


def soql_objects(soql: str) -> frozenset[str] | None:
    """The objects a SOQL query reads, or None when it may reach others than those it names
    in FROM (relationship fields, subqueries, TYPEOF) or names none."""
    text = _LITERAL.sub("''", soql)
    if _NESTED.search(text) or _TRAVERSAL.search(text):
        return None
    names = frozenset(_FROM.findall(text))
    return names or None
