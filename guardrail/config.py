"""Settings, from (highest first) CLI flags, ``GUARDRAIL_*`` environment variables, a config file.

The config file is YAML or TOML, named by ``--config`` or ``GUARDRAIL_CONFIG``. Nested groups
read from the environment with a double underscore: ``GUARDRAIL_TIMEOUTS__UPSTREAM=5``.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
    YamlConfigSettingsSource,
)
from yarl import URL

from guardrail.errors import ConfigError


class HostPort(BaseModel, frozen=True):
    host: str
    port: int = Field(ge=0, le=65535)

    @classmethod
    def parse(cls, text: str) -> HostPort:
        host, sep, port = text.rpartition(":")
        if not sep or not port.isdigit():
            raise ValueError(f"expected HOST:PORT, got {text!r}")
        return cls(host=host.strip("[]") or "0.0.0.0", port=int(port))  # noqa: S104

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


class Timeouts(BaseModel, frozen=True):
    """Seconds. ``client_body``: the agent must send its whole body within this."""

    client_body: float = Field(default=10.0, gt=0)
    upstream_connect: float = Field(default=5.0, gt=0)
    upstream: float = Field(default=30.0, gt=0)
    shutdown: float = Field(default=20.0, ge=0)


class Limits(BaseModel, frozen=True):
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    upstream_connections: int = Field(default=100, gt=0)


class AlertSettings(BaseModel, frozen=True):
    """Where blocked and post-failed writes are pushed (off the hot path)."""

    alertmanager_url: str | None = Field(default=None, description="Alertmanager base URL")
    webhook_url: SecretStr | None = Field(default=None, description="Generic JSON webhook URL")
    dedupe_seconds: float = Field(default=300.0, gt=0)
    queue_size: int = Field(default=1000, gt=0)
    decision_url: str | None = Field(
        default=None, description="Public base URL of /guardrail/v1/decisions, for alert links"
    )


class MetricsSettings(BaseModel, frozen=True):
    """Release cohorts (guardrail.sinks.metrics): writes, blocks per rule and call dispositions
    that do not match the conversation's outcome, by conversation intent and policy version."""

    conversation_intents: list[str] = Field(
        default_factory=list,
        description="Values of a conversation's metadata.intent kept as label values; any "
        "other is counted as 'other', none as 'unknown'",
        max_length=50,
    )
    mismatch_rules: list[str] = Field(
        default_factory=lambda: ["call-disposition/DispositionMatchesOutcome"],
        description="policy/Rule of the rules whose violations are disposition-vs-outcome "
        "mismatches",
    )
    disposition_field: str = Field(
        default="CallDisposition", description="The field a write sets a call disposition in"
    )


class HoldSettings(BaseModel, frozen=True):
    """Held writes (guardrail.holds): how long they wait, who may approve them, who hears."""

    expire_seconds: float = Field(
        default=3600.0, gt=0, description="An unapproved hold is rejected (expired) after this"
    )
    sweep_seconds: float = Field(
        default=5.0, gt=0, description="How often each replica looks for expired or stuck holds"
    )
    lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="An approved hold still executing after this (its replica died) is "
        "recovered by another: read back, never blindly resent",
    )
    reviewers: list[str] = Field(
        default_factory=list,
        description="Who may approve or reject holds (review users, api_reviewers names); "
        "empty: any signed-in reviewer",
    )
    agents_of: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Reviewer -> the agents they are responsible for (any case): they may not "
        "approve those agents' writes, nor a write that names no agent",
    )
    webhook_url: SecretStr | None = Field(
        default=None, description="Where each settled hold is pushed (JSON POST)"
    )


class DriftSettings(BaseModel, frozen=True):
    """Schema drift checks (guardrail.drift): the CRM's describe of every object the policies'
    schemas cover, fetched with the proxy's own credential and compared with those schemas."""

    interval_seconds: float = Field(
        default=300.0, ge=0, description="Check at start and this often (0: off)"
    )
    timeout_seconds: float = Field(default=30.0, gt=0, description="Per describe request")
    api_version: str = Field(default="59.0", pattern=r"^\d+\.\d+$")


class Credential(BaseModel, frozen=True):
    """The proxy's own credential for the CRM (describe fetches; agent tokens swap to it).

    A static access token, or the OAuth 2.0 client-credentials flow against ``token_url``
    (default: the upstream's ``/services/oauth2/token``). A fetched token is kept until
    ``refresh_margin_seconds`` before it expires, and fetched again at once when the CRM
    refuses it. Salesforce's token answer carries no ``expires_in`` (a session lasts the org's
    session timeout, 2 hours unless changed), so ``token_lifetime_seconds`` says how long one
    lives when the answer does not.
    """

    access_token: SecretStr | None = None
    token_url: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    token_lifetime_seconds: float = Field(default=7200.0, gt=0)
    refresh_margin_seconds: float = Field(default=300.0, ge=0)

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        clients = (self.client_id is not None, self.client_secret is not None)
        if any(clients) and not all(clients):
            raise ValueError("client_id and client_secret go together")
        if self.access_token is not None and any(clients):
            raise ValueError("give access_token or client_id/client_secret, not both")
        if self.token_url is not None and not all(clients):
            raise ValueError("token_url needs client_id and client_secret")
        return self

    @property
    def configured(self) -> bool:
        return self.access_token is not None or self.client_id is not None


class AuthMode(StrEnum):
    """How agents authenticate through the proxy to the upstream CRM.

    ``token``: the proxy issues each agent a short-lived token bound to one conversation and
    holds the CRM credential itself, so an agent can neither bypass the proxy nor act outside
    its conversation. ``passthrough``: the agent brings its own CRM token and the
    X-Guardrail-* headers, which the proxy forwards as they are.
    """

    TOKEN = "token"  # noqa: S105 - a mode's name, not a secret
    PASSTHROUGH = "passthrough"


class AgentTokenSettings(BaseModel, frozen=True):
    """Lifetimes of the agent tokens the admin API issues (``auth_mode: token``)."""

    default_ttl_seconds: int = Field(default=3600, gt=0)
    max_ttl_seconds: int = Field(default=86400, gt=0)

    @model_validator(mode="after")
    def _default_within_max(self) -> Self:
        if self.default_ttl_seconds > self.max_ttl_seconds:
            raise ValueError("default_ttl_seconds must not exceed max_ttl_seconds")
        return self


class UnknownWrites(StrEnum):
    """What happens to a write the proxy cannot read (an endpoint its dialect does not know)."""

    BLOCK = "block"
    FORWARD = "forward"


class UnmatchedWrites(StrEnum):
    """What happens to a write no policy covers."""

    BLOCK = "block"
    ALLOW = "allow"


class FailurePolicy(StrEnum):
    """What an understanding backend that cannot read (an LLM endpoint slow, down, or answering
    what does not parse) leaves: ``fallback``: nothing, the other configured backends' reading
    stands; ``unsure``: an empty reading marked unsure, so combined asks lose confidence and
    rules treat them as "cannot tell"."""

    FALLBACK = "fallback"
    UNSURE = "unsure"


class LLMSettings(BaseModel, frozen=True):
    """An OpenAI-compatible chat endpoint (vLLM, Ollama, a hosted model) for the ``llm``
    understanding backend. Turns are sent with card numbers and SSNs masked."""

    base_url: str | None = Field(
        default=None,
        description="e.g. http://127.0.0.1:11434/v1 (Ollama), https://api.openai.com/v1",
    )
    model: str | None = Field(default=None, description="The model name the endpoint serves")
    api_key: SecretStr = Field(
        default=SecretStr("none"), description="Bearer key; local endpoints take any"
    )
    timeout_seconds: float = Field(default=20.0, gt=0, description="Per conversation reading")
    concurrency: int = Field(default=4, gt=0, description="Requests in flight at once, at most")
    failure: FailurePolicy = FailurePolicy.FALLBACK
    cache_size: int = Field(default=4096, gt=0, description="Readings kept (per rev, LRU)")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and URL(value).scheme not in ("http", "https"):
            raise ValueError(f"base_url must be an http(s) URL, got {value!r}")
        return value


BackendName = Literal["lexical", "model", "llm"]


#: The lexical reading, with the classifier's second opinion on every ask: where the two
#: disagree the reading is unsure, so a write the lexicon alone would block is held for a
#: person instead (guardrail.understanding.model.combine).
DEFAULT_BACKENDS: tuple[BackendName, ...] = ("lexical", "model")


class UnderstandingSettings(BaseModel, frozen=True):
    """How conversations are read (guardrail.understanding): the backends, combined in this
    order (the first reads, the others can only make it unsure), and what the optional ones
    need."""

    backends: list[BackendName] = Field(
        default_factory=lambda: list(DEFAULT_BACKENDS), min_length=1
    )
    model_file: Path | None = Field(
        default=None, description="Weights of the ``model`` backend (default: the shipped ones)"
    )
    llm: LLMSettings = LLMSettings()

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if len(set(self.backends)) != len(self.backends):
            raise ValueError(f"backends named twice: {self.backends}")
        if "llm" in self.backends and (self.llm.base_url is None or self.llm.model is None):
            raise ValueError("the llm backend needs llm.base_url and llm.model")
        return self


def _parse_listen(value: Any) -> Any:
    return HostPort.parse(value) if isinstance(value, str) else value


class _Sourced(BaseSettings):
    """Reads, highest first: arguments (CLI flags), ``GUARDRAIL_*`` variables, the config file."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = _config_file.get() or os.environ.get("GUARDRAIL_CONFIG")
        if config_file:
            sources.append(_file_source(settings_cls, Path(config_file)))
        return tuple(sources)


class AuditSettings(_Sourced):
    """The audit log's settings: part of Settings, and alone for ``guardrail audit``, which
    reads a store without a CRM to proxy (so it needs no upstream)."""

    model_config = SettingsConfigDict(env_prefix="GUARDRAIL_", extra="ignore", frozen=True)

    audit_dsn: SecretStr | None = Field(
        default=None,
        description="sqlite:///path or postgresql://...; default sqlite:///guardrail-audit.db "
        "(in the working directory)",
    )
    audit_fail_open: bool = Field(
        default=False, description="Forward writes even while the audit log cannot record them"
    )
    audit_timeout_seconds: float = Field(
        default=2.0, gt=0, description="An audit commit slower than this fails closed"
    )
    audit_checkpoint_seconds: float = Field(
        default=60.0, gt=0, description="How often the chain head is published (metric, log)"
    )


class Settings(AuditSettings):
    model_config = SettingsConfigDict(
        env_prefix="GUARDRAIL_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    upstream: str = Field(description="Base URL of the CRM, e.g. https://acme.my.salesforce.com")
    policies: Path | None = Field(
        default=None, description="Policy directory (default: shipped pack)"
    )
    dialect: str = "salesforce"
    listen: Annotated[HostPort, NoDecode] = HostPort(host="127.0.0.1", port=8080)
    admin_listen: Annotated[HostPort, NoDecode] = HostPort(host="127.0.0.1", port=9090)
    admin_hosts: list[
        Annotated[str, Field(pattern=r"^(\*|[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])$")]
    ] = Field(
        default_factory=list,
        description="Names the admin listener answers to while it takes no API token, "
        "besides localhost, its admin_listen host and any IP address (a page that "
        "rebinds its own name to the listener is refused); '*': any name",
    )
    tls_cert: Path | None = None
    tls_key: Path | None = None
    upstream_ca: Path | None = Field(default=None, description="CA bundle to verify the CRM with")
    timeouts: Timeouts = Timeouts()
    limits: Limits = Limits()
    alerts: AlertSettings = AlertSettings()
    credential: Credential = Credential()
    drift: DriftSettings = DriftSettings()
    holds: HoldSettings = HoldSettings()
    metrics: MetricsSettings = MetricsSettings()
    auth_mode: AuthMode = Field(
        default=AuthMode.TOKEN,
        description="token: agents use tokens the proxy issues, the proxy holds the CRM "
        "credential; passthrough: agents bring their own CRM token and headers",
    )
    agent_tokens: AgentTokenSettings = AgentTokenSettings()
    policy_watch_seconds: float = Field(
        default=2.0, ge=0, description="Reload policies when their files change (0: off)"
    )
    unknown_writes: UnknownWrites = UnknownWrites.BLOCK
    unmatched_writes: UnmatchedWrites = UnmatchedWrites.BLOCK
    log_level: str = "info"
    log_field_values: bool = False
    tracing: bool = Field(
        default=False, description="OpenTelemetry spans, exported by OTLP as OTEL_* configures"
    )
    api_tokens: list[SecretStr] = Field(
        default_factory=list,
        description="Platform bearer tokens for every admin API; none (and no api_reviewers): "
        "the JSON API is open",
    )
    api_reviewers: dict[Annotated[str, Field(min_length=1, pattern=r"^[^:]+$")], SecretStr] = Field(
        default_factory=dict,
        description="Admin API bearer tokens that carry a reviewer's name (name: token): the "
        "identity that approves or rejects a hold; they read and mark decisions, settle holds "
        "and open the review page, nothing else (a token also in api_tokens has both roles)",
    )
    review_users: dict[Annotated[str, Field(min_length=1, pattern=r"^[^:]+$")], SecretStr] = Field(
        default_factory=dict,
        description="Review page users (name: password, HTTP basic); with api_tokens or these "
        "set, /review/ asks for one or the other",
    )
    redis_url: SecretStr | None = Field(
        default=None,
        description="Conversation store shared by replicas (redis://...); in memory when unset",
    )
    redis_prefix: str = Field(
        default="guardrail:", min_length=1, description="Key prefix in Redis (one per deployment)"
    )
    understanding: UnderstandingSettings = UnderstandingSettings()
    conversation_idle_seconds: float = Field(
        default=3600, gt=0, description="A conversation not read or written for this long is gone"
    )

    _check_listen = field_validator("listen", "admin_listen", mode="before")(_parse_listen)

    @field_validator("upstream")
    @classmethod
    def _upstream_is_http_origin(cls, value: str) -> str:
        return str(origin_as_written(value, "upstream")).rstrip("/")

    @model_validator(mode="after")
    def _tls_pair(self) -> Self:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together")
        return self

    @model_validator(mode="after")
    def _reviewers_sign_in(self) -> Self:
        """Limits on who approves holds go by the reviewer's name, which only a reviewer who
        signs in proves; without one an approval's name is whatever its sender typed."""
        if (self.holds.reviewers or self.holds.agents_of) and not (
            self.api_reviewers or self.review_users
        ):
            raise ValueError(
                "holds.reviewers and holds.agents_of limit who approves holds by name, and "
                "with neither api_reviewers or review_users configured no reviewer signs in, "
                "so an approval carries whatever name its sender types; configure "
                "api_reviewers (name: token) or review_users (name: password)"
            )
        return self

    @model_validator(mode="after")
    def _token_url_on_the_upstream(self) -> Self:
        """The client secret goes to ``token_url``: only to the CRM's own origin (each CRM's
        client-credentials endpoint is on the instance's own domain)."""
        if self.credential.token_url is not None:
            token = origin_as_written(self.credential.token_url, "credential.token_url")
            if token.origin() != self.upstream_url.origin():
                raise ValueError(
                    f"credential.token_url must be on the upstream's origin "
                    f"{self.upstream_url.origin()}, not {token.origin()}: the client secret "
                    "is sent there"
                )
        return self

    @property
    def upstream_url(self) -> URL:
        return URL(self.upstream)


# What a lenient parser drops or resolves, so the origin used would not be the one written.
_UNWRITTEN = re.compile(r"[\x00-\x20\x7f\\]")
_DOT_SEGMENT = re.compile(r"/(?:\.|%2e){1,2}(?=/|$)|%2f|%5c", re.IGNORECASE)


def origin_as_written(value: str, name: str) -> URL:
    """``value`` as an http(s) URL that forwards to exactly the origin and path it spells:
    no user or password (a credential there would be sent to the CRM in every request, and
    logged wherever the URL is), no whitespace or control characters (dropped by parsers, so
    ``evil.com<TAB>ab`` is the host ``evil.comab``), no percent-escapes in the host, no query
    or fragment, no dot segments or encoded slashes in the path (resolved away)."""
    if _UNWRITTEN.search(value):
        raise ValueError(f"{name} must not hold whitespace, control characters or backslashes")
    if "@" in value.split("//", 1)[-1].split("/", 1)[0]:
        raise ValueError(
            f"{name} must not carry a user or password (user:pass@host): put the CRM "
            "credential in credential.access_token, or credential.client_id and "
            "credential.client_secret"
        )
    try:
        url = URL(value)
    except (ValueError, IndexError) as exc:  # yarl raises IndexError on some bracketed hosts
        raise ValueError(f"{name} is no URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.raw_host:
        raise ValueError(f"{name} must be an http(s) URL with a host, got {url.scheme}://...")
    if "%" in url.raw_host:
        raise ValueError(f"{name} must not percent-encode its host")
    if "?" in value or "#" in value:
        raise ValueError(f"{name} must not carry a query or fragment")
    if _DOT_SEGMENT.search(url.raw_path) or _DOT_SEGMENT.search(value.split("//", 1)[-1]):
        raise ValueError(f"{name} must not hold dot segments or encoded slashes in its path")
    return url


_config_file: ContextVar[Path | None] = ContextVar("guardrail_config_file", default=None)


def _file_source(settings_cls: type[BaseSettings], path: Path) -> PydanticBaseSettingsSource:
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    if path.suffix in (".yaml", ".yml"):
        return YamlConfigSettingsSource(settings_cls, yaml_file=path)
    if path.suffix == ".toml":
        return TomlConfigSettingsSource(settings_cls, toml_file=path)
    raise ConfigError(f"config file {path}: use .yaml, .yml or .toml")


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from every source; ``overrides`` (CLI flags) win. Raises ConfigError."""
    from pydantic import ValidationError

    token = _config_file.set(config_file)
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    finally:
        _config_file.reset(token)


def load_audit_settings(config_file: Path | None = None) -> AuditSettings:
    """The audit settings alone, from the environment and config file. Raises ConfigError."""
    from pydantic import ValidationError

    token = _config_file.set(config_file)
    try:
        return AuditSettings()
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    finally:
        _config_file.reset(token)


def _describe(exc: Any) -> str:
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "settings"
        lines.append(f"{where}: {err['msg']}")
    return "invalid settings: " + "; ".join(lines)
