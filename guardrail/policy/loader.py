"""Loading a policy directory into an immutable, versioned PolicySet, and reloading it atomically.

Every problem raises PolicyError naming the file and the place (``spec.match.operations[1]``,
line 12), so ``guardrail serve`` can stop with a message an operator can act on, and a reload
can keep the last good set.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from jsonschema.exceptions import SchemaError
from pydantic import ValidationError

from guardrail.checks.base import Check
from guardrail.checks.compare import Kind
from guardrail.checks.post import PostCheck
from guardrail.checks.rules import CompiledRule, IsCompliant, RuleCompileError, compile_expression
from guardrail.checks.schema import FieldType, ParameterValidation
from guardrail.checks.source import inline_params
from guardrail.crm.base import Dialect, dialect_for
from guardrail.crm.markup import html_text
from guardrail.errors import AmbiguousRequest, ConfigError, MalformedBody, PolicyError
from guardrail.model import Action, Mode, Operation, WriteIntent, replaced
from guardrail.policy.model import PolicyDocument, Rule

_Key = TypeVar("_Key")  # a key of the policies' index (PolicySet.matching)

WILDCARD = "*"
#: A pack's labeled scenarios (guardrail.scenarios): beside its policies, never loaded as one.
SCENARIOS_DIR = "scenarios"


@dataclass(frozen=True, slots=True)
class Policy:
    """A loaded policy: what it matches and the checks it runs."""

    name: str
    crm: str
    objects: frozenset[str]  # as the policy spells them; matched case-insensitively
    operations: frozenset[Operation]
    mode: Mode
    fail_open: bool
    checks: tuple[Check, ...]
    source: str
    post: PostCheck | None = None
    #: A write that meets schema drift is blocked (else let through, flagged): spec.onDrift
    block_on_drift: bool = False
    #: How long a write this policy holds may wait for approval (spec.holdSeconds); None:
    #: the proxy's holds.expire_seconds.
    hold_seconds: float | None = None


@dataclass(frozen=True)
class PolicySet:
    """The policies in force. Immutable: a reload builds a new set and swaps it in whole."""

    version: str
    policies: tuple[Policy, ...]
    source: str
    #: key prefix -> object name, for writes that name a record only by its id: the
    #: dialects' standard objects' and those the pack's schemas declare
    prefixes: dict[str, str] = field(default_factory=dict)
    #: crm -> its dialect, which says what a record id of its CRM is and where a record's own
    #: is (Dialect.is_id, Dialect.id_field)
    dialects: dict[str, Dialect] = field(default_factory=dict, repr=False, compare=False)
    _exact: dict[tuple[str, str, Operation], tuple[Policy, ...]] = field(
        init=False, repr=False, compare=False
    )
    _wildcard: dict[tuple[str, Operation], tuple[Policy, ...]] = field(
        init=False, repr=False, compare=False
    )
    #: ``_exact`` and ``_wildcard`` as the post sections of their policies (post_checks)
    _exact_post: dict[tuple[str, str, Operation], tuple[tuple[Policy, PostCheck], ...]] = field(
        init=False, repr=False, compare=False
    )
    _wildcard_post: dict[tuple[str, Operation], tuple[tuple[Policy, PostCheck], ...]] = field(
        init=False, repr=False, compare=False
    )
    _spelling: dict[tuple[str, str], str] = field(init=False, repr=False, compare=False)
    _kinds: dict[tuple[str, str], dict[str, Kind]] = field(init=False, repr=False, compare=False)
    _writable: dict[tuple[str, str], frozenset[str]] = field(init=False, repr=False, compare=False)
    _fields: dict[tuple[str, str], dict[str, str]] = field(init=False, repr=False, compare=False)
    #: (crm, object) -> field -> each value its schema lists, folded -> as listed
    _listed: dict[tuple[str, str], dict[str, dict[str, str]]] = field(
        init=False, repr=False, compare=False
    )
    #: (crm, object) -> field -> the JSON types its schema says it takes (and its items)
    _types: dict[tuple[str, str], dict[str, FieldType]] = field(
        init=False, repr=False, compare=False
    )
    #: (crm, object) -> its fields shown rendered as HTML
    _markup: dict[tuple[str, str], frozenset[str]] = field(init=False, repr=False, compare=False)
    _ids: dict[tuple[str, str], frozenset[str]] = field(init=False, repr=False, compare=False)
    _own: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    #: The lengths of the key prefixes, and each prefix's place among them (object_for_id)
    _prefix_lengths: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _prefix_places: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact: dict[tuple[str, str, Operation], list[Policy]] = {}
        wildcard: dict[tuple[str, Operation], list[Policy]] = {}
        spelling: dict[tuple[str, str], str] = {}
        for policy in self.policies:
            for obj in policy.objects - {WILDCARD}:
                spelling.setdefault((policy.crm, obj.lower()), obj)
            for op in policy.operations:
                if WILDCARD in policy.objects:
                    wildcard.setdefault((policy.crm, op), []).append(policy)
                for obj in policy.objects - {WILDCARD}:
                    exact.setdefault((policy.crm, obj.lower(), op), []).append(policy)
        object.__setattr__(self, "_exact", {k: tuple(v) for k, v in exact.items()})
        object.__setattr__(self, "_wildcard", {k: tuple(v) for k, v in wildcard.items()})
        object.__setattr__(self, "_exact_post", _posts(exact))
        object.__setattr__(self, "_wildcard_post", _posts(wildcard))
        object.__setattr__(self, "_spelling", spelling)
        kinds: dict[tuple[str, str], dict[str, Kind]] = {}
        writable: dict[tuple[str, str], frozenset[str]] = {}
        names: dict[tuple[str, str], dict[str, str]] = {}
        values: dict[tuple[str, str], dict[str, dict[str, str]]] = {}
        types: dict[tuple[str, str], dict[str, FieldType]] = {}
        markup: dict[tuple[str, str], frozenset[str]] = {}
        for policy in self.policies:
            for check in policy.checks:
                if isinstance(check, ParameterValidation):
                    for obj in policy.objects - {WILDCARD}:
                        key = (policy.crm, obj.lower())
                        kinds.setdefault(key, {}).update(check.kinds())
                        writable[key] = writable.get(key, frozenset()) | check.updateable
                        names.setdefault(key, {}).update(check.spelling)
                        listed = {f: {_folded(v): v for v in vs} for f, vs in check.listed.items()}
                        values.setdefault(key, {}).update(listed)
                        types.setdefault(key, {}).update(check.types)
                        markup[key] = markup.get(key, frozenset()) | check.markup
        object.__setattr__(self, "_kinds", kinds)
        object.__setattr__(self, "_writable", writable)
        object.__setattr__(self, "_fields", names)
        object.__setattr__(self, "_listed", values)
        object.__setattr__(self, "_types", types)
        object.__setattr__(self, "_markup", markup)
        own = {crm: frozenset({d.id_field}) for crm, d in self.dialects.items()}
        ids = {
            (crm, obj): frozenset(n for n, k in typed.items() if k is Kind.ID)
            | own.get(crm, frozenset())
            for (crm, obj), typed in kinds.items()
        }
        object.__setattr__(self, "_own", own)
        object.__setattr__(self, "_ids", ids)
        lengths = tuple(sorted({len(p) for p in self.prefixes}))
        object.__setattr__(self, "_prefix_lengths", lengths)
        object.__setattr__(self, "_prefix_places", {p: n for n, p in enumerate(self.prefixes)})

    def matching(self, crm: str, sobject: str, operation: Operation) -> tuple[Policy, ...]:
        """The policies that apply to a write, in load order (exact matches, then wildcards)."""
        return self._exact.get((crm, sobject.lower(), operation), ()) + self._wildcard.get(
            (crm, operation), ()
        )

    def kinds(self, crm: str, sobject: str) -> dict[str, Kind]:
        """How to compare each field of an object, from its schema (strings when unknown)."""
        return self._kinds.get((crm, sobject.lower()), {})

    def id_fields(self, crm: str, sobject: str) -> frozenset[str]:
        """The fields of an object that hold record ids by their type: the references its
        schema types (Kind.ID) and the record's own id field. Decided by the field, never by
        the value's shape: text shaped like an id (a card number and two letters) is text."""
        return self._ids.get((crm, sobject.lower())) or self._own.get(crm, frozenset())

    def writable(self, crm: str, sobject: str) -> frozenset[str]:
        """Fields a write may set on an existing record, from the object's schema."""
        return self._writable.get((crm, sobject.lower()), frozenset())

    def schemas(self, crm: str) -> tuple[tuple[Policy, str, Mapping[str, Any]], ...]:
        """(policy, object, JSON Schema) for each object a policy's schema covers, in load
        order: what drift checks compare with the CRM's describe."""
        return tuple(
            (policy, obj, check.schema)
            for policy in self.policies
            if policy.crm == crm
            for check in policy.checks
            if isinstance(check, ParameterValidation)
            for obj in sorted(policy.objects - {WILDCARD})
        )

    def post_checks(
        self, crm: str, sobject: str, operation: Operation
    ) -> tuple[tuple[Policy, PostCheck], ...]:
        """The post sections that apply to a write, with their policies, in ``matching``'s
        order: found as ``matching`` finds the policies, in an index of the post sections made
        with the set (every forwarded write asks, and most policies have none)."""
        return self._exact_post.get((crm, sobject.lower(), operation), ()) + (
            self._wildcard_post.get((crm, operation), ())
        )

    def hold_seconds(self, names: Iterable[str]) -> float | None:
        """The shortest wait for approval the named policies set (spec.holdSeconds), if any."""
        wanted = set(names)
        found = [p.hold_seconds for p in self.policies if p.name in wanted and p.hold_seconds]
        return min(found) if found else None

    def object_for_id(self, record_id: str) -> str:
        """The object a record id belongs to, by its key prefix ("" when unknown, or when the
        CRM's ids do not name their object)."""
        # Asked several times a write: the prefixes it may start with looked up by length, the
        # first of them in the prefixes' order, as a scan of every prefix would find it.
        places = self._prefix_places
        found = [p for n in self._prefix_lengths if (p := record_id[:n]) in places]
        if not found:
            return ""
        return self.prefixes[found[0] if len(found) == 1 else min(found, key=places.__getitem__)]

    @property
    def crm(self) -> str:
        """The one CRM the policies are written for. Raises ConfigError for a set that mixes
        CRMs (a tool that judges for one CRM cannot tell which)."""
        crms = sorted({p.crm for p in self.policies})
        if len(crms) != 1:
            raise ConfigError(f"{self.source}: the policies are for {', '.join(crms)}; name one")
        return crms[0]

    def object_name(self, crm: str, sobject: str) -> str | None:
        """The policies' spelling of an object they name, or None: keeps metric labels bounded."""
        return self._spelling.get((crm, sobject.lower()))

    def canonical(self, crm: str, intent: WriteIntent) -> WriteIntent:
        """``intent`` in the describe's spelling: its object as the policies name it, its
        fields (and external id field, and referencing fields) as the object's schema names
        them. The CRM ignores the case of these names, so a rule must never see two spellings
        of one; a field given twice in two spellings is refused (MalformedBody). A name no
        schema knows keeps its spelling (the schema check, where the schema is closed, refuses
        it). Its ``id_fields`` are the object's (``id_fields``) but those it sets to a value
        that is no id of its CRM (Dialect.is_id: "4111 1111 1111 1111" in a reference field is
        text, refused as an id and masked as text). A field given a value of a JSON type its
        schema does not take (Task.Description 12345, a custom field as a list) is refused
        (MalformedBody) before any rule reads it: a rule reading it as its type could not be
        evaluated, telling the agent to fetch the administrator of a write only malformed. A
        field its readers see rendered as HTML (a rich text area: ``contentMediaType:
        text/html``) is its ``html_text``: a card split by tags reads whole, as shown. Every
        judging entry point may call it; made again it reads no less."""
        sobject = self.object_name(crm, intent.object) or intent.object
        spelling = self._fields.get((crm, sobject.lower()), {})

        def spelled(name: str) -> str:
            return spelling.get(name.lower(), name)

        listed = self._listed.get((crm, sobject.lower()), {})
        types = self._types.get((crm, sobject.lower()), {})
        markup = self._markup.get((crm, sobject.lower()), frozenset())

        fields: dict[str, Any] = {}
        seen: dict[str, str] = {}
        for name, value in intent.fields.items():
            canonical = spelled(name)
            if canonical.lower() in seen:
                raise MalformedBody(
                    f"{intent.ref or 'The record'} sets {sobject}.{canonical} twice (as "
                    f"{seen[canonical.lower()]!r} and {name!r}); the CRM reads field names in "
                    "any case, so send it once."
                )
            seen[canonical.lower()] = name
            fields[canonical] = value
            if canonical in markup and isinstance(value, str):  # a rich text area
                fields[canonical] = html_text(value)
            self._refuse_respelled(intent, sobject, canonical, value, listed.get(canonical))
            typed = types.get(canonical)
            if typed and (problem := typed.problem(f"{sobject}.{canonical}", value)):
                raise MalformedBody(
                    f"{f'{intent.ref}: ' if intent.ref else ''}{problem} The CRM keeps the field "
                    "as that type, and crm-guardrail judges it only so."
                )
        ext = intent.external_id_field
        ext = spelled(ext) if ext else ext
        references = {spelled(k): v for k, v in intent.references.items()}
        id_fields = self._holding_ids(crm, sobject, fields)
        if (
            sobject == intent.object and ext == intent.external_id_field
            and list(fields.items()) == list(intent.fields.items())
            and list(references) == list(intent.references)
            and id_fields == intent.id_fields
        ):  # fmt: skip
            return intent  # spelled so already: most writes
        return replaced(
            intent,
            object=sobject,
            fields=fields,
            external_id_field=ext,
            references=references,
            id_fields=id_fields,
        )

    @staticmethod
    def _refuse_respelled(
        intent: WriteIntent, sobject: str, name: str, value: Any, listed: Mapping[str, str] | None
    ) -> None:
        """Refuse (AmbiguousRequest) a value its field's schema lists in another spelling: in
        another case or with space around it ("closed", " Closed"). A CRM comparing such values
        loosely saves the listed one (Salesforce saves a picklist's own value whatever its
        case), while a rule comparing text reads the value sent: ``Status__c == "Closed"``
        would not see the account closed."""
        if not listed or not isinstance(value, str):
            return
        meant = listed.get(_folded(value))
        if meant is not None and meant != value:
            raise AmbiguousRequest(
                f"{intent.ref or 'The record'} sets {sobject}.{name} to {value!r}, which is the "
                f"value {meant!r} spelled another way; the CRM may save it as {meant!r}, which "
                f"crm-guardrail would not have judged. Send {meant!r}, as the field's values "
                "spell it."
            )

    def _holding_ids(self, crm: str, sobject: str, fields: Mapping[str, Any]) -> frozenset[str]:
        typed = self.id_fields(crm, sobject)
        dialect = self.dialects.get(crm)
        if dialect is None:  # no CRM says what its ids are: none is taken for one
            return frozenset()
        written = [n for n in typed if n in fields and not dialect.is_id(fields[n])]
        return typed.difference(written) if written else typed

    def object_names(self, crm: str) -> list[str]:
        return sorted(name for (c, _), name in self._spelling.items() if c == crm)


def _posts(
    policies: Mapping[_Key, Sequence[Policy]],
) -> dict[_Key, tuple[tuple[Policy, PostCheck], ...]]:
    """Of the policies matching each key, those with a post section and it, in order (none:
    the key left out)."""
    posts = {k: tuple((p, p.post) for p in ps if p.post is not None) for k, ps in policies.items()}
    return {k: found for k, found in posts.items() if found}


def load_policy_set(root: Path) -> PolicySet:
    """Load every ``*.yaml``/``*.yml`` under ``root``. Raises PolicyError."""
    root = root.resolve()
    if not root.is_dir():
        raise PolicyError(str(root), "", "policy directory does not exist")
    files = [p for p in _visible_files(root) if p.suffix in (".yaml", ".yml")]
    digest = hashlib.sha256()
    policies: list[Policy] = []
    prefixes: dict[str, str] = {}
    dialects: dict[str, Dialect] = {}
    for path in files:
        text = _read(path)
        digest.update(f"{path.relative_to(root)}\0{text}\0".encode())
        for policy, schema in _load_file(root, path, text):
            policies.append(policy)
            if schema.text:
                digest.update(schema.text.encode())
            if schema.key_prefix:
                prefixes[schema.key_prefix] = schema.object
    if not policies:
        raise PolicyError(str(root), "", "no policies found (expected *.yaml files)")
    _unique_names(policies)
    for crm in sorted({p.crm for p in policies}):
        try:
            dialects[crm] = dialect_for(crm)
        except ConfigError as exc:
            raise PolicyError(str(root), f"spec.crm {crm!r}", str(exc)) from None
        prefixes = {**{p: o for o, p in dialects[crm].key_prefixes.items()}, **prefixes}
    return PolicySet(
        version=digest.hexdigest()[:12],
        policies=tuple(policies),
        source=str(root),
        prefixes=prefixes,
        dialects=dialects,
    )


@dataclass(frozen=True, slots=True)
class _SchemaSource:
    object: str = ""
    key_prefix: str = ""
    text: str = ""


def _visible_files(root: Path) -> list[Path]:
    """Files under ``root``, hidden ones left out: a Kubernetes ConfigMap mount keeps a hidden
    timestamped copy (``..2026_11_25_...``) beside the files it shows, and editors leave
    ``.swp`` files; reading those would load every policy twice. A pack's labeled scenarios
    (``scenarios/`` at the top, guardrail.scenarios) ship beside its policies but are not
    policies: they are left out too, so editing one neither reloads nor re-versions the set."""
    return sorted(
        p for p in root.rglob("*") if p.is_file() and _policy_file(p.relative_to(root).parts)
    )


def _policy_file(parts: tuple[str, ...]) -> bool:
    return not any(part.startswith(".") for part in parts) and not (
        len(parts) > 1 and parts[0] == SCENARIOS_DIR
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(path), "", f"cannot read: {exc}") from None


def _load_file(root: Path, path: Path, text: str) -> Iterable[tuple[Policy, _SchemaSource]]:
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(str(path), where, f"YAML error: {problem}") from None
    for index, (node, raw) in enumerate(zip(nodes, documents, strict=True)):
        if raw is None:
            continue
        prefix = f"document {index + 1}, " if len(documents) > 1 else ""
        try:
            doc = PolicyDocument.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = tuple(err["loc"])
            where = f"{prefix}{_dotted(loc)} (line {_line(node, loc)})"
            raise PolicyError(str(path), where, err["msg"]) from None
        schema, schema_text = _schema(root, path, doc, prefix)
        schema_info = _SchemaSource()
        checks: list[Check] = []
        if doc.spec.rules or doc.spec.context.required:
            checks.append(_is_compliant(doc, path, node, prefix))
        if schema is not None:
            where = f"{prefix}spec.{'schemaFile' if doc.spec.schema_file else 'schema'}"
            try:
                checks.append(ParameterValidation(doc.metadata.name, schema))
            except SchemaError as exc:
                at = ".".join(str(p) for p in exc.path)
                raise PolicyError(
                    str(path), where, f"invalid JSON Schema{_at(at)}: {exc.message}"
                ) from None
            prefix_value = schema.get("x-salesforce-keyPrefix")
            schema_info = _SchemaSource(
                str(schema["title"]),
                prefix_value if isinstance(prefix_value, str) else "",
                schema_text,
            )
        spec = doc.spec
        yield (
            Policy(
                name=doc.metadata.name,
                crm=spec.crm,
                objects=frozenset(spec.match.objects),
                operations=frozenset(spec.match.operations),
                mode=spec.mode,
                fail_open=spec.failure_policy == "open",
                checks=tuple(checks),
                source=str(path),
                post=_post(doc, path, node, prefix),
                block_on_drift=spec.on_drift == "block",
                hold_seconds=spec.hold_seconds,
            ),
            schema_info,
        )


def _compiler(
    path: Path, node: yaml.Node, prefix: str, params: Mapping[str, Any] | None = None
) -> Callable[[str, tuple[Any, ...]], Any]:
    """Compiles CEL once, at load; a bad expression names its place in the file. Given the
    policy's ``params``, the program run is the expression with them written in as literals
    (checks.source.inline_params), the expression as written having compiled."""

    def compiled(source: str, loc: tuple[Any, ...]) -> Any:
        try:
            program = compile_expression(source)
        except RuleCompileError as exc:
            where = f"{prefix}{_dotted(loc)} (line {_line(node, loc)})"
            raise PolicyError(str(path), where, f"invalid CEL: {exc}") from None
        inlined = inline_params(source, params) if params else source
        return program if inlined == source else compile_expression(inlined)

    return compiled


def _rules(
    rules: Sequence[Rule],
    at: tuple[Any, ...],
    compiled: Callable[[str, tuple[Any, ...]], Any],
    on_uncertain: Action = Action.BLOCK,
) -> list[CompiledRule]:
    found = []
    for i, rule in enumerate(rules):
        loc = (*at, i)
        message = rule.message_expression
        unsure = rule.uncertain
        found.append(
            CompiledRule(
                name=rule.name,
                program=compiled(rule.expression, (*loc, "expression")),
                message=rule.message,
                message_program=compiled(message, (*loc, "messageExpression")) if message else None,
                action=rule.action,
                uncertain_program=compiled(unsure, (*loc, "uncertain")) if unsure else None,
                on_uncertain=on_uncertain,
            )
        )
    return found


def _is_compliant(doc: PolicyDocument, path: Path, node: yaml.Node, prefix: str) -> IsCompliant:
    spec = doc.spec
    compiled = _compiler(path, node, prefix, spec.params)
    conditions = [
        compiled(c.expression, ("spec", "matchConditions", i, "expression"))
        for i, c in enumerate(spec.match_conditions)
    ]
    variables = [
        (v.name, compiled(v.expression, ("spec", "variables", i, "expression")))
        for i, v in enumerate(spec.variables)
    ]
    return IsCompliant(
        doc.metadata.name,
        _rules(spec.rules, ("spec", "rules"), compiled, Action(spec.on_uncertain)),
        conditions,
        variables,
        spec.params,
        context_required=spec.context.required,
        block_without_context=spec.context.on_missing == "block",
        fail_open=spec.failure_policy == "open",
    )


def _post(doc: PolicyDocument, path: Path, node: yaml.Node, prefix: str) -> PostCheck | None:
    post = doc.spec.post
    if post is None:
        return None
    compiled = _compiler(path, node, prefix)
    rules = _rules(post.rules, ("spec", "post", "rules"), compiled)
    return PostCheck.build(
        doc.metadata.name,
        read_back=post.read_back,
        when=compiled(post.when, ("spec", "post", "when")) if post.when else None,
        fields=post.fields,
        rules=rules,
        revert=post.on_failure == "revert",
        asynchronous=post.mode == "async",
        revert_mark=post.revert_mark,
    )


def _schema(
    root: Path, path: Path, doc: PolicyDocument, prefix: str
) -> tuple[dict[str, Any] | None, str]:
    """The policy's JSON Schema (inline or from its file) and the file's text, titled by object."""
    spec = doc.spec
    if spec.schema_file is not None:
        schema, text = _schema_file(root, path, spec.schema_file, f"{prefix}spec.schemaFile")
    elif spec.schema_ is not None:
        schema, text = dict(spec.schema_), ""
    else:
        return None, ""
    schema.setdefault("title", spec.match.objects[0])
    return schema, text


def _schema_file(root: Path, path: Path, name: str, where: str) -> tuple[dict[str, Any], str]:
    target = (path.parent / name).resolve()
    if not target.is_relative_to(root):
        raise PolicyError(str(path), where, f"{name} is outside the policy directory")
    if not target.is_file():
        raise PolicyError(str(path), where, f"{name} does not exist")
    text = _read(target)
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyError(str(target), f"line {exc.lineno}, column {exc.colno}", exc.msg) from None
    if not isinstance(schema, dict):
        raise PolicyError(str(target), "", "a JSON Schema must be an object")
    return schema, text


def _unique_names(policies: Sequence[Policy]) -> None:
    seen: dict[str, str] = {}
    for policy in policies:
        if policy.name in seen:
            raise PolicyError(
                policy.source,
                "metadata.name",
                f"{policy.name!r} is already defined in {seen[policy.name]}",
            )
        seen[policy.name] = policy.source


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "document"


def _line(node: yaml.Node, loc: tuple[Any, ...]) -> int:
    """The line of the deepest YAML node the pydantic error location reaches."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node = match
    return int(node.start_mark.line) + 1


def _at(path: str) -> str:
    return f" at {path}" if path else ""


class PolicyStore:
    """Holds the policy set in force; ``reload`` swaps in a new one only if it loads whole."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._seen = self.fingerprint()
        self.current = load_policy_set(root)

    def reload(self) -> PolicySet:
        """Load the directory again. On PolicyError the current set stays in force."""
        with self._lock:
            self._seen = self.fingerprint()
            candidate = load_policy_set(self.root)
            self.current = candidate
            return candidate

    def fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        """Name, size and modification time of every file: cheap enough to poll."""
        found = []
        for path in _visible_files(self.root):
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(found)

    def changed(self) -> bool:
        """Whether the directory changed since the last load or reload attempt."""
        return self.fingerprint() != self._seen


def _folded(value: str) -> str:
    """A listed value as a loose comparison reads it: without case or space around it."""
    return value.strip().casefold()
