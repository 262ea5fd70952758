"""The ``guardrail`` command: serve, sandbox, demo, check, audit, schema, test, replay."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrail import __version__, audit_cli, policy_cli
from guardrail.config import UnderstandingSettings
from guardrail.errors import ConfigError, PolicyError
from guardrail.understanding import backends as understanding_backends
from guardrail.understanding import cli as understanding_cli

if TYPE_CHECKING:
    from guardrail.app import Guardrail
    from guardrail.drift import Describe


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        result: int = args.run(args)
    except (ConfigError, PolicyError) as exc:
        print(f"guardrail: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`guardrail audit export | head`): stop quietly, as cat does,
        # and keep the interpreter's last flush of stdout from complaining about it too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell shows for a writer whose reader left
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guardrail", description="Inline write-guardrail proxy between AI agents and a CRM."
    )
    parser.add_argument("--version", action="version", version=f"crm-guardrail {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the proxy and admin listeners")
    serve.add_argument("--config", type=Path, help="YAML or TOML settings file")
    serve.add_argument("--upstream", help="CRM base URL (GUARDRAIL_UPSTREAM)")
    serve.add_argument("--policies", type=Path, help="policy directory (default: shipped pack)")
    serve.add_argument("--listen", help="proxy HOST:PORT (default 127.0.0.1:8080)")
    serve.add_argument("--admin-listen", help="admin HOST:PORT (default 127.0.0.1:9090)")
    serve.add_argument("--tls-cert", type=Path, help="serve the proxy over TLS with this cert")
    serve.add_argument("--tls-key", type=Path, help="the TLS certificate's private key")
    serve.add_argument("--log-level", help="debug, info, warning, error")
    serve.add_argument(
        "--auth-mode",
        choices=("token", "passthrough"),
        help="token (default): agents use tokens the proxy issues; passthrough: agents bring "
        "their own CRM token and headers (GUARDRAIL_AUTH_MODE)",
    )
    serve.add_argument(
        "--check-config",
        action="store_true",
        help="validate the settings and policies, probe every dependency once, print what is "
        "wrong and exit (1 when a dependency fails, 2 when settings or policies are invalid)",
    )
    serve.set_defaults(run=_serve)

    sandbox = commands.add_parser("sandbox", help="run a sandbox CRM (Salesforce by default)")
    sandbox.add_argument("--listen", default="127.0.0.1:8000", help="HOST:PORT")
    sandbox.add_argument("--triggers", type=Path, help="YAML/JSON file of sandbox triggers")
    sandbox.add_argument(
        "--token", action="append", help="accepted bearer token (default: sandbox-token)"
    )
    sandbox.add_argument(
        "--crm",
        choices=("salesforce", "zendesk", "servicenow"),
        default="salesforce",
        help="the CRM to play (servicenow: --triggers is a business rules file)",
    )
    sandbox.set_defaults(run=_sandbox)

    certs = commands.add_parser(
        "certs",
        help="write a development CA and a proxy certificate it issued (for --tls-cert/--tls-key)",
        description="Writes DIR/ca.pem (the CA clients trust), DIR/server.pem and DIR/server.key "
        "(the proxy's certificate and key). For development: use your own PKI in production.",
    )
    certs.add_argument("directory", type=Path)
    certs.add_argument(
        "--host",
        action="append",
        help="a name or IP the certificate is for (repeat; default 127.0.0.1 and localhost)",
    )
    certs.set_defaults(run=_certs)

    demo = commands.add_parser("demo", help="sandbox + proxy + a scripted agent, explained")
    demo.add_argument(
        "--keep-running", action="store_true", help="leave the stack up afterwards to explore"
    )
    demo.add_argument(
        "--crm",
        choices=("salesforce", "zendesk", "servicenow"),
        default="salesforce",
        help="the CRM to play: its sandbox, dialect, pack and client (simple-salesforce, zenpy, "
        "pysnc)",
    )
    demo.set_defaults(run=_demo)

    check = commands.add_parser(
        "check",
        help="judge one write (and its conversation) against the policies, offline",
        description="FILE is YAML or JSON: {method, path, body, headers, conversation_id, "
        "conversation, reads: [{object, id, fields}]} (README: 'Checking a write offline'); "
        "exits 1 when the write would be blocked, whole or in part.",
    )
    check.add_argument("file", type=Path, help="the check request ('-' for stdin)")
    check.add_argument("--policies", type=Path, help="policy directory (default: shipped pack)")
    check.set_defaults(run=_check)

    audit_cli.add_commands(commands)
    policy_cli.add_commands(commands)
    understanding_backends.install(UnderstandingSettings())
    understanding_cli.add_commands(commands)
    understanding_backends.add_commands(commands)

    schema = commands.add_parser("schema", help="JSON Schemas from the CRM's describe")
    schema_commands = schema.add_subparsers(required=True, metavar="ACTION")
    imports = schema_commands.add_parser("import", help="write <Object>.json for each object")
    _describe_options(imports)
    imports.add_argument("--objects", required=True, help="comma-separated, e.g. Case,Account")
    imports.add_argument("--out", type=Path, required=True, help="directory for the schemas")
    imports.set_defaults(run=_schema_import)
    diff = schema_commands.add_parser(
        "diff",
        help="compare the policies' schemas with the CRM's describe",
        description="Prints each difference (schema drift) by kind: required_added, "
        "field_removed, field_added, picklist_value_added, picklist_value_removed, "
        "length_changed, type_changed. Exits 1 when there is any, 2 when the describe "
        "cannot be read.",
    )
    _describe_options(diff)
    diff.add_argument(
        "--objects", help="comma-separated (default: every object the policies' schemas cover)"
    )
    diff.add_argument("--policies", type=Path, help="policy directory (default: shipped pack)")
    diff.set_defaults(run=_schema_diff)
    return parser


def _describe_options(parser: argparse.ArgumentParser) -> None:
    """Where the describe is read from, for the schema commands."""
    parser.add_argument("--url", required=True, help="CRM base URL (the sandbox, or the CRM)")
    parser.add_argument(
        "--crm", help="the CRM's dialect (default: the one the policies are for, else dialect)"
    )
    parser.add_argument("--api-version", default="59.0")
    parser.add_argument(
        "--token-env",
        default="GUARDRAIL_CRM_TOKEN",
        help="environment variable holding the CRM access token (default GUARDRAIL_CRM_TOKEN)",
    )


def _serve(args: argparse.Namespace) -> int:
    from guardrail.app import build, serve_forever
    from guardrail.config import load_settings
    from guardrail.sinks import logs

    settings = load_settings(
        args.config,
        upstream=args.upstream,
        policies=args.policies,
        listen=args.listen,
        admin_listen=args.admin_listen,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        log_level=args.log_level,
        auth_mode=args.auth_mode,
    )
    logs.configure("critical" if args.check_config else settings.log_level)
    guardrail = build(settings)
    if args.check_config:
        return _check_config(guardrail)
    _run(serve_forever(guardrail))
    return 0


def _check_config(guardrail: Guardrail) -> int:
    from guardrail.app import probe_once

    current = guardrail.policies.current
    print(f"settings: ok (upstream {guardrail.settings.upstream})")
    count = len(current.policies)
    print(f"policies: ok ({count} from {current.source}, version {current.version})")
    failing = asyncio.run(probe_once(guardrail))
    for name in guardrail.readiness.dependencies:
        print(f"{name}: {'FAILED: ' + failing[name] if name in failing else 'ok'}")
    return 1 if failing else 0


def _sandbox(args: argparse.Namespace) -> int:
    from guardrail.config import HostPort
    from guardrail.sandbox import SandboxConfig, run

    listen = HostPort.parse(args.listen)
    if args.crm == "zendesk":
        from guardrail.sandbox import zendesk

        desk = zendesk.ZendeskConfig(triggers_file=args.triggers)
        if args.token:
            desk = zendesk.ZendeskConfig(
                api_tokens=frozenset(args.token), triggers_file=args.triggers
            )
        zendesk.run(listen.host, listen.port, desk)
        return 0
    if args.crm == "servicenow":
        from guardrail.sandbox import servicenow

        given = servicenow.InstanceConfig()
        config = servicenow.InstanceConfig(
            access_tokens=frozenset(args.token) if args.token else given.access_tokens,
            rules_file=args.triggers,
        )
        servicenow.run(listen.host, listen.port, config)
        return 0
    tokens = frozenset(args.token) if args.token else SandboxConfig().access_tokens
    run(listen.host, listen.port, SandboxConfig(access_tokens=tokens, triggers_file=args.triggers))
    return 0


def _certs(args: argparse.Namespace) -> int:
    from guardrail.tls import DevelopmentCerts

    hosts = tuple(args.host) if args.host else ("127.0.0.1", "localhost")
    made = DevelopmentCerts.create(args.directory, hosts)
    print(f"CA (clients trust this): {made.ca_pem}")
    print(f"proxy certificate:       {made.cert_pem} (for {', '.join(hosts)})")
    print(f"proxy key:               {made.key_pem}")
    print(f"serve with: --tls-cert {made.cert_pem} --tls-key {made.key_pem}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from guardrail.sinks import logs

    logs.configure("error")
    if args.crm == "zendesk":
        from guardrail import demo_zendesk

        return demo_zendesk.run_demo(keep_running=args.keep_running)
    from guardrail.demo import run_demo

    return run_demo(keep_running=args.keep_running, crm=args.crm)


def _check(args: argparse.Namespace) -> int:
    import yaml
    from pydantic import ValidationError

    from guardrail.app import default_policies
    from guardrail.config import DEFAULT_BACKENDS
    from guardrail.dryrun import NO_CRM, PARTIAL, CheckRequest, judge, offline
    from guardrail.policy.loader import load_policy_set
    from guardrail.understanding import service as understanding

    policies = load_policy_set(args.policies or default_policies())
    understanding.configure(DEFAULT_BACKENDS)  # as the proxy reads by default
    text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text()
    try:
        request = CheckRequest.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{args.file}: not a check request: {exc}") from None
    result = asyncio.run(judge(request, offline(policies), NO_CRM))
    print(json.dumps(result, indent=2))
    return 1 if result["decision"] in ("block", PARTIAL) else 0


def _describe(args: argparse.Namespace, crm: str) -> Describe:
    """The describe of the CRM the schema commands name. Raises ConfigError."""
    from guardrail.credential import StaticCredential
    from guardrail.crm.base import dialect_for
    from guardrail.drift import Describe

    token = os.environ.get(args.token_env)
    if not token:
        raise ConfigError(f"set {args.token_env} to the CRM access token")
    return Describe(dialect_for(crm), args.url, StaticCredential(token), args.api_version)


def _object_list(text: str) -> list[str]:
    return [o.strip() for o in text.split(",") if o.strip()]


def _schema_import(args: argparse.Namespace) -> int:
    import httpx

    from guardrail.config import Settings
    from guardrail.crm.schemas import write_schemas

    describe = _describe(args, args.crm or Settings.model_fields["dialect"].default)
    try:
        schemas = asyncio.run(describe(_object_list(args.objects)))
    except httpx.HTTPError as exc:
        print(f"guardrail: error: describe failed: {exc}", file=sys.stderr)
        return 1
    for path in write_schemas(schemas, args.out):
        print(path)
    return 0


def _schema_diff(args: argparse.Namespace) -> int:
    import httpx

    from guardrail.app import default_policies
    from guardrail.drift import detect, standing
    from guardrail.policy.loader import load_policy_set

    policies = load_policy_set(args.policies or default_policies())
    crm = args.crm or policies.crm
    covered = {obj.lower(): obj for _, obj, _ in policies.schemas(crm)}
    objects = _object_list(args.objects) if args.objects else list(covered.values())
    unknown = [o for o in objects if o.lower() not in covered]
    if unknown:
        raise ConfigError(f"no policy's schema covers {', '.join(unknown)}")
    describe = _describe(args, crm)
    try:
        found = standing(asyncio.run(detect(policies, describe.dialect, describe, objects)))
    except httpx.HTTPError as exc:
        print(f"guardrail: error: describe failed: {exc}", file=sys.stderr)
        return 2
    for drift, names in found.items():
        print(f"{drift.describe()}  [{', '.join(names)}]")
    checked = len({o.lower() for o in objects})
    if not found:
        print(f"no drift: the policies' schemas match the CRM's describe ({checked} objects)")
        return 0
    print(f"{len(found)} differences between the policies' schemas and the CRM's describe")
    return 1


def _run(coro: Any) -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is absent on Windows
        asyncio.run(coro)
    else:
        uvloop.run(coro)
