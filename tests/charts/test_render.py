"""The chart renders, with the defaults and with every optional part on, into valid Kubernetes."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from tests.charts.chart import (
    CHART,
    REQUIRED,
    ROOT,
    Manifest,
    Render,
    Rendered,
    full_values,
    merged,
)

#: The oldest Kubernetes the chart supports (Chart.yaml kubeVersion >=1.25) that is still
#: common, and the newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.29", kubernetes_validate.latest_version())
#: Custom resources have no schema in kubernetes-validate (Prometheus Operator CRDs).
CRD_GROUPS = ("monitoring.coreos.com/",)


def validate(manifests: list[Manifest], version: str) -> list[str]:
    """Every object against the API schema of ``version``, strictly (no unknown fields)."""
    problems = []
    for doc in manifests:
        if doc["apiVersion"].startswith(CRD_GROUPS):
            continue
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = "/".join(str(p) for p in exc.path)
            problems.append(f"{doc['kind']} {doc['metadata']['name']}: {where}: {exc.message}")
    return problems


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("which", ["default", "full"])
def test_every_manifest_is_valid_kubernetes(
    which: str, version: str, request: pytest.FixtureRequest
) -> None:
    rendered: Rendered = request.getfixturevalue(which)
    assert rendered.manifests
    assert validate(rendered.manifests, version) == []


def test_the_validator_catches_an_unknown_field(default: Rendered) -> None:
    deployment = yaml.safe_load(yaml.safe_dump(default.one("Deployment")))
    deployment["spec"]["replica"] = 2
    assert any("replica" in p for p in validate([deployment], "1.29"))


def test_defaults_render_the_core_and_nothing_optional(default: Rendered) -> None:
    assert default.kinds() == {
        "ConfigMap",
        "Deployment",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
    }
    # The one ConfigMap is the settings: policies come from the image.
    assert default.one("ConfigMap")["metadata"]["name"] == "gr-guardrail-config"
    deployment = default.one("Deployment")
    assert deployment["spec"]["replicas"] == 2
    assert "--policies" not in default.container()["args"]


def test_full_values_render_every_optional_part(full: Rendered) -> None:
    assert full.kinds() == {
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "PrometheusRule",
        "Service",
        "ServiceAccount",
        "ServiceMonitor",
    }
    assert len(full.all("ConfigMap")) == 3  # settings, policies, dashboard
    # Every template renders something with full values: no dead template.
    empty = [path for path, text in full.files.items() if not text.strip()]
    assert empty == []


def test_every_resource_is_labelled_and_namespaced(full: Rendered) -> None:
    for doc in full.manifests:
        labels = doc["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "crm-guardrail"
        assert labels["app.kubernetes.io/instance"] == "gr"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        expected = "monitoring" if doc["metadata"]["name"].endswith("-dashboard") else "crm"
        assert doc["metadata"]["namespace"] == expected


def test_without_the_crm_url_the_render_says_what_is_missing(chart: helm.Chart) -> None:
    with pytest.raises(helm.HelmRenderError, match=r"upstream\.url .* is required"):
        chart.render(values={}, name="gr", namespace="crm")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"upstream": {"existingSecret": "crm"}},
            "upstream.url or upstream.existingSecret, not both",
        ),
        (
            {"policies": {"files": {"a.yaml": "x"}, "existingConfigMap": "mine"}},
            "policies.files or policies.existingConfigMap, not both",
        ),
        (
            {"policies": {"existingConfigMapItems": [{"key": "a", "path": "a.yaml"}]}},
            "existingConfigMapItems maps the keys of policies.existingConfigMap",
        ),
        (
            {"policies": {"files": {"a/b.yaml": "x", "a_b.yaml": "y"}}},
            "would share the ConfigMap key",
        ),
        (
            {"terminationGracePeriodSeconds": 25},
            r"terminationGracePeriodSeconds \(25\) must exceed .* \(25\)",
        ),
        (
            {"autoscaling": {"enabled": True, "minReplicas": 5, "maxReplicas": 3}},
            "minReplicas must not exceed",
        ),
        (
            {"prometheusRule": {"enabled": True, "defaultRules": False}},
            "defaultRules false needs prometheusRule.groups",
        ),
        (
            {"upstream": {"credential": {"existingSecret": ""}}},
            r"config.authMode token .* needs the proxy's own CRM credential",
        ),
        (
            {"config": {"understanding": {"backends": ["lexical", "llm"]}}},
            "backends has llm: set config.understanding.llm.baseUrl",
        ),
        (
            {"upstream": {"credential": {"tokenUrl": "https://login.example.com/token"}}},
            "tokenUrl .* needs upstream.credential.clientId",
        ),
        (
            {"upstream": {"credential": {"clientId": "app"}}},
            "clientId is only used with upstream.credential.tokenUrl",
        ),
    ],
)
def test_contradictory_values_stop_the_render(
    chart: helm.Chart, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(helm.HelmRenderError, match=message):
        chart.render(values=merged(REQUIRED, values), name="gr", namespace="crm")


def test_service_exposes_the_proxy_and_admin_ports(default: Rendered, full: Rendered) -> None:
    ports = {p["name"]: p for p in default.one("Service")["spec"]["ports"]}
    assert ports["proxy"]["port"] == 8080
    assert ports["proxy"]["targetPort"] == "proxy"
    assert ports["proxy"]["appProtocol"] == "http"
    assert ports["admin"]["port"] == 9090
    assert ports["admin"]["targetPort"] == "admin"
    full_ports = {p["name"]: p for p in full.one("Service")["spec"]["ports"]}
    assert full_ports["proxy"]["port"] == 443
    assert full_ports["proxy"]["appProtocol"] == "https"
    container_ports = {p["name"]: p["containerPort"] for p in full.container()["ports"]}
    assert container_ports == {"proxy": 8443, "admin": 9091}
    selector = full.one("Service")["spec"]["selector"]
    pod_labels = full.one("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= pod_labels.items()


def test_autoscaling_replaces_the_fixed_replica_count(full: Rendered) -> None:
    assert "replicas" not in full.one("Deployment")["spec"]
    hpa = full.one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": full.one("Deployment")["metadata"]["name"],
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 12)
    targets = {m["resource"]["name"]: m["resource"]["target"] for m in hpa["spec"]["metrics"]}
    assert targets == {
        "cpu": {"type": "Utilization", "averageUtilization": 60},
        "memory": {"type": "Utilization", "averageUtilization": 80},
    }


def test_disruption_budget_needs_more_than_one_replica(render: Render, full: Rendered) -> None:
    assert full.one("PodDisruptionBudget")["spec"] == {
        "maxUnavailable": "25%",
        "selector": full.one("Deployment")["spec"]["selector"],
    }
    single = render(merged(REQUIRED, {"replicaCount": 1}))
    assert "PodDisruptionBudget" not in single.kinds()
    scaling_from_one = {"autoscaling": {"enabled": True, "minReplicas": 1}}
    assert "PodDisruptionBudget" not in render(merged(REQUIRED, scaling_from_one)).kinds()


def test_network_policy_allows_only_the_listeners_dns_crm_redis_and_postgresql(
    full: Rendered,
) -> None:
    spec = full.one("NetworkPolicy")["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["podSelector"] == full.one("Deployment")["spec"]["selector"]
    assert [[p["port"] for p in rule["ports"]] for rule in spec["ingress"]] == [
        ["proxy"],
        ["admin"],
    ]
    assert all(rule["from"] for rule in spec["ingress"])
    egress = [(rule.get("to", []), [p["port"] for p in rule["ports"]]) for rule in spec["egress"]]
    dns, crm, redis, postgresql, alertmanager = egress
    assert dns[1] == [53, 53]
    assert crm == (
        [
            {
                "ipBlock": {
                    "cidr": "0.0.0.0/0",
                    "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"],
                }
            }
        ],
        [443, 8443],
    )
    assert redis[0][0] == {"ipBlock": {"cidr": "10.20.0.15/32"}}
    assert "podSelector" in redis[0][1]
    assert redis[1] == [6379]
    assert postgresql == ([{"ipBlock": {"cidr": "10.30.0.0/24"}}], [5432])
    assert alertmanager[1] == [9093]


def test_network_policy_leaves_out_targets_without_addresses(render: Render) -> None:
    rendered = render(merged(REQUIRED, {"networkPolicy": {"enabled": True}}))
    egress = rendered.one("NetworkPolicy")["spec"]["egress"]
    # DNS and the CRM only: Redis and PostgreSQL have no CIDRs or peers by default.
    assert [[p["port"] for p in rule["ports"]] for rule in egress] == [[53, 53], [443]]
    # An empty `from` admits anyone: no peers configured means the ports are open to all.
    assert all("from" not in rule for rule in rendered.one("NetworkPolicy")["spec"]["ingress"])


def test_service_monitor_scrapes_the_admin_port(full: Rendered) -> None:
    monitor = full.one("ServiceMonitor")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert monitor["spec"]["selector"]["matchLabels"] == full.one("Service")["spec"]["selector"]
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "admin"
    assert endpoint["path"] == "/metrics"
    assert (endpoint["interval"], endpoint["scrapeTimeout"]) == ("15s", "5s")
    assert endpoint["metricRelabelings"][0]["action"] == "drop"


def test_the_charts_alert_rules_are_the_repositorys(render: Render) -> None:
    """monitoring/alerts.yaml is the one source (promtool tests it); the chart carries a copy
    (Helm reads only files inside the chart), which must stay identical."""
    chart_rules = (CHART / "rules" / "alerts.yaml").read_text()
    assert chart_rules == (ROOT / "monitoring" / "alerts.yaml").read_text(), (
        "cp monitoring/alerts.yaml charts/guardrail/rules/alerts.yaml"
    )


def test_prometheus_rule_ships_the_projects_alert_rules_by_default(
    render: Render, tmp_path: Path
) -> None:
    groups = yaml.safe_load((ROOT / "monitoring" / "alerts.yaml").read_text())["groups"]
    rendered = render(merged(REQUIRED, {"prometheusRule": {"enabled": True}}))
    rule = rendered.one("PrometheusRule")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    # Alert templates such as {{ $value }} pass through Helm untouched.
    assert rule["spec"]["groups"] == groups
    # What the Prometheus Operator hands Prometheus is a valid rules file.
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    checked = subprocess.run(
        ["promtool", "check", "rules", str(tmp_path / "rules.yaml")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    extra = [{"name": "mine", "rules": [{"alert": "Mine", "expr": "up == 0"}]}]
    both = render(merged(REQUIRED, {"prometheusRule": {"enabled": True, "groups": extra}}))
    assert both.one("PrometheusRule")["spec"]["groups"] == [*groups, *extra]
    only = render(
        merged(
            REQUIRED, {"prometheusRule": {"enabled": True, "defaultRules": False, "groups": extra}}
        )
    )
    assert only.one("PrometheusRule")["spec"]["groups"] == extra


def test_notes_say_how_to_reach_the_proxy_and_warn_about_unshared_state(
    default: Rendered, full: Rendered
) -> None:
    assert "http://gr-guardrail.crm.svc:8080" in default.notes
    assert "replicas without Redis" in default.notes
    assert "pack shipped in the image" in default.notes
    assert "https://gr-crm-guardrail.crm.svc:443" in full.notes
    assert "WARNING" not in full.notes
    assert "NOTE" not in full.notes
    assert "reloaded in place (checked every 5 s" in full.notes


def test_full_values_file_is_valid_against_the_schema(chart: helm.Chart) -> None:
    chart.validate_schema(full_values())
