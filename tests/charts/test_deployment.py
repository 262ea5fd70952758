"""The Deployment: a hardened, non-root pod, probed on the admin port, secrets by reference."""

from __future__ import annotations

from typing import Any

import helm_python as helm
import pytest
import yaml

from tests.charts.chart import REQUIRED, Manifest, Render, Rendered, merged


def pod_spec(rendered: Rendered) -> Manifest:
    spec: Manifest = rendered.one("Deployment")["spec"]["template"]["spec"]
    return spec


@pytest.mark.parametrize("which", ["default", "full"])
def test_runs_as_non_root_with_a_read_only_root_filesystem(
    which: str, request: pytest.FixtureRequest
) -> None:
    rendered: Rendered = request.getfixturevalue(which)
    pod = pod_spec(rendered)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the image's guardrail user
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    container = rendered.container()
    assert container["securityContext"] == {
        "runAsNonRoot": True,
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    # Writable: an emptyDir at /tmp, the SQLite audit log's directory when there is no
    # PostgreSQL, and the full values' extra scratch volume. Everything else is read-only.
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]["name"]]
    writable = {"/tmp", "/var/lib/guardrail/audit", "/var/lib/guardrail"}
    for path, mount in mounts.items():
        if path not in writable:
            assert mount.get("readOnly") is True, path


def test_a_platform_assigned_user_id_still_runs_as_non_root(render: Render) -> None:
    ids = {"runAsUser": None, "runAsGroup": None, "fsGroup": None}
    rendered = render(merged(REQUIRED, {"podSecurityContext": ids}))
    context = pod_spec(rendered)["securityContext"]
    assert context == {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}


@pytest.mark.parametrize("which", ["default", "full"])
def test_probes_are_on_the_admin_port(which: str, request: pytest.FixtureRequest) -> None:
    rendered: Rendered = request.getfixturevalue(which)
    container = rendered.container()
    admin = next(p for p in container["ports"] if p["name"] == "admin")
    listen = {e["name"]: e.get("value") for e in container["env"]}["GUARDRAIL_ADMIN_LISTEN"]
    assert listen.endswith(f":{admin['containerPort']}")
    probes = {
        kind: container[f"{kind}Probe"]["httpGet"] for kind in ("startup", "liveness", "readiness")
    }
    assert probes == {
        "startup": {"path": "/healthz", "port": "admin"},
        "liveness": {"path": "/healthz", "port": "admin"},
        "readiness": {"path": "/readyz", "port": "admin"},
    }


def test_default_resources_and_replicas(default: Rendered) -> None:
    assert default.container()["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"cpu": "1", "memory": "512Mi"},
    }
    assert default.one("Deployment")["spec"]["replicas"] == 2
    # A rollout never takes a serving pod away before its replacement is ready.
    assert default.one("Deployment")["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


@pytest.mark.parametrize("which", ["default", "full"])
def test_grace_period_outlasts_the_pre_stop_pause_and_the_drain(
    which: str, request: pytest.FixtureRequest
) -> None:
    rendered: Rendered = request.getfixturevalue(which)
    settings = yaml.safe_load(rendered.one("ConfigMap", "-config")["data"]["guardrail.yaml"])
    pre_stop = rendered.container()["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    grace = pod_spec(rendered)["terminationGracePeriodSeconds"]
    assert grace > int(pre_stop[1]) + settings["timeouts"]["shutdown"]


def test_settings_come_from_the_config_map_and_listen_on_every_address(default: Rendered) -> None:
    container = default.container()
    assert container["args"] == ["--config", "/etc/guardrail/config/guardrail.yaml"]
    env = {e["name"]: e for e in container["env"]}
    # By default the one secret referenced is the CRM credential token mode needs.
    credential = env.pop("GUARDRAIL_CREDENTIAL__ACCESS_TOKEN")["valueFrom"]["secretKeyRef"]
    assert credential == {"name": "crm-credential", "key": "access-token"}
    assert {name: e["value"] for name, e in env.items()} == {
        "GUARDRAIL_LISTEN": "0.0.0.0:8080",
        "GUARDRAIL_ADMIN_LISTEN": "0.0.0.0:9090",
        "GUARDRAIL_UPSTREAM": "https://acme.my.salesforce.com",
        "GUARDRAIL_AUDIT_DSN": "sqlite:////var/lib/guardrail/audit/guardrail-audit.db",
    }
    config = next(v for v in pod_spec(default)["volumes"] if v["name"] == "config")
    assert config["configMap"]["name"] == default.one("ConfigMap", "-config")["metadata"]["name"]


def test_secrets_are_referenced_never_inlined(full: Rendered) -> None:
    env = {e["name"]: e for e in full.container()["env"]}
    refs = {
        name: (e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"])
        for name, e in env.items()
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert refs == {
        "GUARDRAIL_UPSTREAM": ("guardrail-upstream", "instance-url"),
        "GUARDRAIL_REDIS_URL": ("guardrail-redis", "redis-url"),
        "GUARDRAIL_AUDIT_DSN": ("guardrail-audit", "postgres-dsn"),
        "GUARDRAIL_API_TOKENS": ("guardrail-api", "tokens.json"),
        "GUARDRAIL_ALERTS__WEBHOOK_URL": ("guardrail-alert-webhook", "webhook-url"),
        "GUARDRAIL_CREDENTIAL__CLIENT_SECRET": ("guardrail-crm-credential", "oauth-client-secret"),
        "GUARDRAIL_UNDERSTANDING__LLM__API_KEY": ("guardrail-llm", "key"),
    }
    assert "Secret" not in full.kinds()  # the chart never holds a secret itself


def test_tls_and_the_crm_ca_are_secret_volumes(full: Rendered) -> None:
    container = full.container()
    env = {e["name"]: e.get("value") for e in container["env"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec(full)["volumes"]}
    assert env["GUARDRAIL_TLS_CERT"] == f"{mounts['tls']}/tls.crt"
    assert env["GUARDRAIL_TLS_KEY"] == f"{mounts['tls']}/tls.key"
    assert volumes["tls"]["secret"] == {
        "secretName": "guardrail-tls",
        "defaultMode": 0o440,  # the key readable by the pod's group (fsGroup), no one else
        "items": [{"key": "cert.pem", "path": "tls.crt"}, {"key": "key.pem", "path": "tls.key"}],
    }
    assert env["GUARDRAIL_UPSTREAM_CA"] == f"{mounts['upstream-ca']}/ca.crt"
    assert volumes["upstream-ca"]["secret"]["secretName"] == "guardrail-upstream-ca"
    assert volumes["upstream-ca"]["secret"]["items"] == [{"key": "bundle.pem", "path": "ca.crt"}]


def test_extra_env_volumes_and_scheduling_pass_through(full: Rendered) -> None:
    container = full.container()
    env = {e["name"] for e in container["env"]}
    assert {"OTEL_RESOURCE_ATTRIBUTES", "POD_NAME"} <= env
    assert container["envFrom"] == [{"configMapRef": {"name": "guardrail-extra-env"}}]
    pod = pod_spec(full)
    assert pod["nodeSelector"] == {"kubernetes.io/os": "linux"}
    assert pod["priorityClassName"] == "high-priority"
    assert pod["imagePullSecrets"] == [{"name": "registry-credentials"}]
    assert pod["tolerations"][0]["key"] == "dedicated"
    assert pod["topologySpreadConstraints"][0]["topologyKey"] == "topology.kubernetes.io/zone"
    hard = pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert (
        hard[0]["labelSelector"]["matchLabels"]
        == full.one("Deployment")["spec"]["selector"]["matchLabels"]
    )
    assert container["image"] == (
        "registry.example.com/platform/crm-guardrail@sha256:" + "0123456789abcdef" * 4
    )


def test_image_defaults_to_the_chart_app_version(default: Rendered) -> None:
    assert default.container()["image"] == "crm-guardrail:0.1.0"
    soft = pod_spec(default)["affinity"]["podAntiAffinity"]
    assert "preferredDuringSchedulingIgnoredDuringExecution" in soft


def test_settings_change_rolls_the_pods_but_a_policy_change_does_not(render: Render) -> None:
    def checksum(values: dict[str, Any]) -> str:
        deployment = render(merged(REQUIRED, values)).one("Deployment")
        value: str = deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
        return value

    policy = {"policies": {"files": {"a.yaml": "one"}}}
    base = checksum(policy)
    assert len(base) == 64
    assert checksum(merged(policy, {"config": {"logLevel": "debug"}})) != base
    # Policies are reloaded in place by the running pods (policies.watchSeconds): no restart.
    assert checksum({"policies": {"files": {"a.yaml": "two"}}}) == base


def test_without_postgresql_the_audit_log_is_sqlite_on_a_writable_volume(
    render: Render, default: Rendered, full: Rendered
) -> None:
    volumes = {v["name"]: v for v in pod_spec(default)["volumes"]}
    assert volumes["audit"] == {"name": "audit", "emptyDir": {}}
    assert "no audit DSN" in default.notes
    # With PostgreSQL there is no local log, and so no volume for it.
    assert "audit" not in {v["name"] for v in pod_spec(full)["volumes"]}
    claimed = render(
        merged(REQUIRED, {"replicaCount": 1, "audit": {"sqlite": {"existingClaim": "audit-log"}}})
    )
    claim = {v["name"]: v for v in pod_spec(claimed)["volumes"]}["audit"]
    assert claim["persistentVolumeClaim"] == {"claimName": "audit-log"}


def test_one_sqlite_claim_cannot_serve_several_replicas(render: Render) -> None:
    with pytest.raises(helm.HelmRenderError, match="one replica"):
        render(merged(REQUIRED, {"audit": {"sqlite": {"existingClaim": "audit-log"}}}))


def test_tracing_turns_on_spans_and_names_the_collector(render: Render) -> None:
    rendered = render(
        merged(
            REQUIRED,
            {"tracing": {"enabled": True, "otlpEndpoint": "http://otel-collector:4318"}},
        )
    )
    settings = yaml.safe_load(rendered.one("ConfigMap", "-config")["data"]["guardrail.yaml"])
    assert settings["tracing"] is True
    env = {e["name"]: e.get("value") for e in rendered.container()["env"]}
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"


def test_a_static_crm_token_is_referenced_alone(render: Render) -> None:
    rendered = render(merged(REQUIRED, {"upstream": {"credential": {"existingSecret": "crm"}}}))
    refs = {
        e["name"]: e["valueFrom"]["secretKeyRef"]
        for e in rendered.container()["env"]
        if "valueFrom" in e
    }
    assert refs == {"GUARDRAIL_CREDENTIAL__ACCESS_TOKEN": {"name": "crm", "key": "access-token"}}
