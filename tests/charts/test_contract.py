"""What the chart hands the proxy is what the proxy reads: settings, and policies as mounted.

The settings file, environment and arguments of the rendered Deployment are fed to the real
settings loader (guardrail.config), so a misspelt key fails here, not in a crash-looping pod. The
policy ConfigMap is laid out as the kubelet lays out a ConfigMap volume (payload in a timestamped
directory, a ``..data`` link to it, and links to ``..data`` at the top; an update writes a new
directory and swaps the link), and loaded and reloaded through the path the pod is given.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from guardrail.config import HostPort, Settings, load_settings
from guardrail.policy.loader import PolicyStore, load_policy_set
from guardrail.sinks.audit.factory import open_storage
from guardrail.sinks.audit.sqlite import SQLiteStorage
from tests.charts.chart import REQUIRED, Manifest, Render, Rendered, merged

SHIPPED_PACK = Path(__file__).resolve().parents[2] / "policies" / "salesforce-contact-center"

#: What the Secrets of full-values.yaml hold, for the variables that reference them.
SECRET_VALUES = {
    "GUARDRAIL_UPSTREAM": "https://acme.my.salesforce.com",
    "GUARDRAIL_REDIS_URL": "redis://:pw@redis.data.svc:6379/0",
    "GUARDRAIL_AUDIT_DSN": "postgresql://guardrail:pw@postgres.data.svc:5432/audit",
    "GUARDRAIL_API_TOKENS": '["token-one", "token-two"]',
    "GUARDRAIL_ALERTS__WEBHOOK_URL": "https://hooks.example.com/guardrail",
    "GUARDRAIL_CREDENTIAL__CLIENT_SECRET": "oauth-secret",
    "GUARDRAIL_CREDENTIAL__ACCESS_TOKEN": "static-token",
    "GUARDRAIL_UNDERSTANDING__LLM__API_KEY": "llm-key",
}


def settings_of(rendered: Rendered, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Load Settings as `guardrail serve` would in the rendered pod."""
    for name in list(os.environ):
        if name.startswith(("GUARDRAIL_", "OTEL_")):
            monkeypatch.delenv(name)
    config_map = rendered.one("ConfigMap", "-config")
    config_file = tmp_path / "guardrail.yaml"
    config_file.write_text(config_map["data"]["guardrail.yaml"])
    container = rendered.container()
    for env in container["env"]:
        if "value" in env:
            monkeypatch.setenv(env["name"], env["value"])
        elif "secretKeyRef" in env["valueFrom"]:
            monkeypatch.setenv(env["name"], SECRET_VALUES[env["name"]])
    args = dict(zip(container["args"][::2], container["args"][1::2], strict=True))
    assert args.pop("--config") == "/etc/guardrail/config/guardrail.yaml"
    policies = args.pop("--policies", None)
    assert args == {}
    return load_settings(config_file, policies=Path(policies) if policies else None)


def test_default_settings_load(
    default: Rendered, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_of(default, tmp_path, monkeypatch)
    assert settings.upstream == "https://acme.my.salesforce.com"
    assert settings.listen == HostPort(host="0.0.0.0", port=8080)  # noqa: S104
    assert settings.admin_listen == HostPort(host="0.0.0.0", port=9090)  # noqa: S104
    assert settings.policies is None  # the pack shipped in the image
    assert settings.policy_watch_seconds == 2
    assert settings.timeouts.shutdown == 20
    assert settings.redis_url is None
    assert settings.tracing is False
    assert str(settings.auth_mode) == "token"
    assert settings.credential.access_token is not None  # the Secret the render must name
    # Without PostgreSQL the audit log is SQLite on the pod's writable audit volume.
    assert settings.audit_dsn is not None
    storage = open_storage(settings.audit_dsn.get_secret_value(), timeout=1)
    assert isinstance(storage, SQLiteStorage)
    mounts = {m["name"]: m["mountPath"] for m in default.container()["volumeMounts"]}
    assert storage.path == Path(mounts["audit"]) / "guardrail-audit.db"
    # The admin listener, open without apiTokens, answers to the Service's names (and
    # addresses: probes and scrapes), not to a name a page rebinds to the pod.
    assert settings.admin_hosts == [
        "gr-guardrail",
        "gr-guardrail.crm",
        "gr-guardrail.crm.svc",
        "gr-guardrail.crm.svc.cluster.local",
    ]
    # Every default of the chart is the proxy's own default, but where the pod needs another.
    own = {"upstream", "listen", "admin_listen", "audit_dsn", "credential", "admin_hosts"}
    assert settings.model_dump(exclude=own) == (
        Settings(upstream=settings.upstream).model_dump(exclude=own)
    )


def test_full_settings_load(
    full: Rendered, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_of(full, tmp_path, monkeypatch)
    assert settings.listen == HostPort(host="::", port=8443)
    assert settings.admin_listen == HostPort(host="::", port=9091)
    assert settings.policies == Path("/etc/guardrail/custom-policies/..data")
    assert settings.tls_cert == Path("/etc/guardrail/tls/tls.crt")
    assert settings.tls_key == Path("/etc/guardrail/tls/tls.key")
    assert settings.upstream_ca == Path("/etc/guardrail/upstream-ca/ca.crt")
    assert settings.redis_url is not None
    assert settings.redis_url.get_secret_value() == SECRET_VALUES["GUARDRAIL_REDIS_URL"]
    assert settings.redis_prefix == "guardrail-prod:"
    assert settings.audit_dsn is not None
    assert settings.audit_dsn.get_secret_value().startswith("postgresql://")
    assert (settings.audit_fail_open, settings.audit_timeout_seconds) == (True, 0.5)
    assert settings.audit_checkpoint_seconds == 30
    assert [t.get_secret_value() for t in settings.api_tokens] == ["token-one", "token-two"]
    assert "guardrail-admin.example.com" in settings.admin_hosts
    assert any(h.endswith(".crm.svc.k8s.example") for h in settings.admin_hosts)
    assert settings.alerts.webhook_url is not None
    assert settings.alerts.webhook_url.get_secret_value() == "https://hooks.example.com/guardrail"
    assert settings.alerts.alertmanager_url == "http://alertmanager.monitoring.svc:9093"
    assert (settings.alerts.dedupe_seconds, settings.alerts.queue_size) == (120, 5000)
    assert settings.timeouts.model_dump() == {
        "client_body": 5,
        "upstream_connect": 2.5,
        "upstream": 20,
        "shutdown": 25.5,
    }
    assert settings.limits.max_body_bytes == 4 * 1024 * 1024
    assert (str(settings.unknown_writes), str(settings.unmatched_writes)) == ("forward", "allow")
    assert (settings.log_level, settings.log_field_values) == ("debug", True)
    assert settings.conversation_idle_seconds == 7200
    assert settings.policy_watch_seconds == 5
    assert settings.tracing is True
    credential = settings.credential
    assert credential.token_url == "https://acme.my.salesforce.com/services/oauth2/token"
    assert credential.client_id == "guardrail-connected-app"
    assert credential.client_secret is not None
    assert credential.client_secret.get_secret_value() == "oauth-secret"
    assert credential.access_token is None
    assert str(settings.auth_mode) == "token"
    assert settings.drift.model_dump() == {
        "interval_seconds": 600,
        "timeout_seconds": 10,
        "api_version": "61.0",
    }
    understanding = settings.understanding
    assert understanding.backends == ["lexical", "llm"]
    assert understanding.llm.base_url == "http://vllm.ai.svc:8000/v1"
    assert understanding.llm.model == "qwen2.5-7b-instruct"
    assert understanding.llm.api_key.get_secret_value() == "llm-key"
    assert (understanding.llm.timeout_seconds, understanding.llm.concurrency) == (10, 8)
    assert str(understanding.llm.failure) == "unsure"


def test_passthrough_needs_no_crm_credential(
    render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = merged(
        REQUIRED,
        {"config": {"authMode": "passthrough"}, "upstream": {"credential": {"existingSecret": ""}}},
    )
    settings = settings_of(render(values), tmp_path, monkeypatch)
    assert str(settings.auth_mode) == "passthrough"
    assert not settings.credential.configured


def test_a_static_crm_token_loads(
    render: Render, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = {"upstream": {"credential": {"existingSecret": "crm-token"}}}
    settings = settings_of(render(merged(REQUIRED, values)), tmp_path, monkeypatch)
    assert settings.credential.access_token is not None
    assert settings.credential.access_token.get_secret_value() == "static-token"
    assert settings.credential.token_url is None


class KubeletVolume:
    """A ConfigMap volume as the kubelet's atomic writer keeps it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir()
        self.generation = 0

    def write(self, config_map: Manifest, volume: Manifest) -> None:
        """Project the ConfigMap's keys through the volume's items, then swap ``..data``."""
        self.generation += 1
        payload = self.root / f"..2026_11_25_20_00_0{self.generation}.000000001"
        data = config_map["data"]
        items = volume["configMap"].get("items") or [{"key": k, "path": k} for k in data]
        for item in items:
            target = payload / item["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(data[item["key"]])
        previous = (self.root / "..data").resolve() if (self.root / "..data").exists() else None
        link = self.root / "..data_tmp"
        link.symlink_to(payload.name)
        link.replace(self.root / "..data")
        for top in {Path(item["path"]).parts[0] for item in items}:
            if not (self.root / top).is_symlink():
                (self.root / top).symlink_to(Path("..data") / top)
        if previous is not None:
            for path in sorted(previous.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            previous.rmdir()


def pack_files(pack: Path) -> dict[str, str]:
    """The pack's policy files; its labeled scenarios (``scenarios/``) are for ``guardrail test``
    and are not deployed."""
    return {
        str(path.relative_to(pack)): path.read_text()
        for path in sorted(pack.rglob("*"))
        if path.is_file() and path.relative_to(pack).parts[0] != "scenarios"
    }


def policy_mount(rendered: Rendered) -> tuple[Manifest, Manifest, str]:
    """The policy ConfigMap, its volume, and the directory `--policies` names in the pod."""
    pod = rendered.one("Deployment")["spec"]["template"]["spec"]
    volume = next(v for v in pod["volumes"] if v["name"] == "policies")
    mount = next(m for m in rendered.container()["volumeMounts"] if m["name"] == "policies")
    args = rendered.container()["args"]
    policies_dir = args[args.index("--policies") + 1]
    assert policies_dir.startswith(mount["mountPath"] + "/")
    relative = policies_dir.removeprefix(mount["mountPath"] + "/")
    return rendered.one("ConfigMap", "-policies"), volume, relative


def test_the_shipped_pack_loads_from_a_config_map_and_reloads_when_it_changes(
    render: Render, tmp_path: Path
) -> None:
    files = pack_files(SHIPPED_PACK)
    assert any("/" in path for path in files)  # schemas/ sits in a sub-directory
    config_map, volume, relative = policy_mount(
        render(merged(REQUIRED, {"policies": {"files": files}}))
    )
    mounted = KubeletVolume(tmp_path / "policies")
    mounted.write(config_map, volume)

    store = PolicyStore(mounted.root / relative)
    # The same files at the same relative paths: the same policy set version.
    assert store.current.version == load_policy_set(SHIPPED_PACK).version
    assert not store.changed()

    # `kubectl apply` of an edited ConfigMap: the kubelet writes a new payload and swaps the link.
    edited = dict(files)
    edited["notes.yaml"] = files["notes.yaml"] + "\n# tightened by the compliance team\n"
    config_map, volume, _ = policy_mount(render(merged(REQUIRED, {"policies": {"files": edited}})))
    mounted.write(config_map, volume)
    assert store.changed()
    reloaded = store.reload()
    copy = tmp_path / "edited"
    for path, text in edited.items():
        (copy / path).parent.mkdir(parents=True, exist_ok=True)
        (copy / path).write_text(text)
    assert (
        reloaded.version == load_policy_set(copy).version != load_policy_set(SHIPPED_PACK).version
    )


def test_an_existing_config_map_is_mounted_through_its_items(
    render: Render, tmp_path: Path
) -> None:
    """`kubectl create configmap --from-file=pack/ --from-file=pack/schemas/` is flat: the items
    put the schemas back under schemas/."""
    files = pack_files(SHIPPED_PACK)
    items = [{"key": Path(path).name, "path": path} for path in files]
    rendered = render(
        merged(
            REQUIRED,
            {"policies": {"existingConfigMap": "my-policies", "existingConfigMapItems": items}},
        )
    )
    assert len(rendered.all("ConfigMap")) == 1  # the chart makes none for the policies
    pod = rendered.one("Deployment")["spec"]["template"]["spec"]
    volume = next(v for v in pod["volumes"] if v["name"] == "policies")
    assert volume["configMap"] == {"name": "my-policies", "items": items}
    existing = {"data": {Path(path).name: text for path, text in files.items()}}
    mounted = KubeletVolume(tmp_path / "policies")
    mounted.write(existing, volume)
    args = rendered.container()["args"]
    loaded = load_policy_set(mounted.root / Path(args[args.index("--policies") + 1]).name)
    assert loaded.version == load_policy_set(SHIPPED_PACK).version


def test_policy_files_keep_their_text_byte_for_byte(render: Render) -> None:
    text = "a: 'quoted'\nb: \"double\" # comment\n\n  indented: {x: 1}\n\ttab\n"
    rendered = render(merged(REQUIRED, {"policies": {"files": {"odd.yaml": text}}}))
    assert rendered.one("ConfigMap", "-policies")["data"] == {"odd.yaml": text}
    assert yaml.safe_load(rendered.files["guardrail/templates/policies-configmap.yaml"])
