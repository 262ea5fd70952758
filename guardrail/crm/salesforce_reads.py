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
_WRITING = re.compile(
    r"\bFOR\s+(?:VIEW|REFERENCE|UPDATE)\b|\bUPDATE\s+(?:TRACKING|VIEWSTAT)\b", re.IGNORECASE
)
_TERMS = re.compile(r"\{(?:[^}\\]|\\.)*\}")  # SOSL: FIND {what to search}
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
        return soql_objects(query.get("q", ""))
    return None


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
    ``FOR UPDATE``: locks), in any case and spacing, outside the texts it compares and the
    terms it searches: a write in a GET, which the proxy would forward unjudged."""
    found = _WRITING.search(_TERMS.sub("{}", _LITERAL.sub("''", query)))
    if found:
        clause = " ".join(found[0].split()).upper()
        raise AmbiguousRequest(
            f"The query's {clause} clause makes Salesforce update the records it returns, a "
            "write crm-guardrail does not judge inside a read. Send the query without it."
        )


def soql_objects(soql: str) -> frozenset[str] | None:
    """The objects a SOQL query reads, or None when it may reach others than those it names
    in FROM (relationship fields, subqueries, TYPEOF) or names none."""
    text = _LITERAL.sub("''", soql)
    if _NESTED.search(text) or _TRAVERSAL.search(text):
        return None
    names = frozenset(_FROM.findall(text))
    return names or None
