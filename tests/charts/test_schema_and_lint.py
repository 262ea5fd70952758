"""values.schema.json refuses bad values before anything renders; `helm lint --strict` is clean."""

from __future__ import annotations

import json
from typing import Any

import helm_python as helm
import pytest
import yaml

from tests.charts.chart import CHART, REQUIRED, full_values, merged


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"replicaCount": "two"}, "/replicaCount': got string, want integer"),
        ({"replicaCount": 0}, "/replicaCount': minimum: got 0, want 1"),
        ({"replicaCount": 101}, "/replicaCount': maximum: got 101, want 100"),
        ({"replicas": 3}, "additional properties 'replicas' not allowed"),
        ({"image": {"tags": "1.0"}}, "/image': additional properties 'tags' not allowed"),
        ({"config": {"logLevel": "loud"}}, "/config/logLevel': value must be one of"),
        ({"config": {"timeouts": {"upstream": 0}}}, "/config/timeouts/upstream'"),
        ({"config": {"unknownWrites": "allow"}}, "/config/unknownWrites': value must be one of"),
        ({"ports": {"proxy": 70000}}, "/ports/proxy': maximum"),
        ({"upstream": {"url": "acme.my.salesforce.com"}}, "/upstream/url'"),
        ({"image": {"digest": "latest"}}, "/image/digest'"),
        ({"networkPolicy": {"egress": {"redis": {"cidrs": ["redis"]}}}}, "/cidrs/0'"),
        ({"podDisruptionBudget": {"minAvailable": "half"}}, "/podDisruptionBudget/minAvailable'"),
        ({"podSecurityContext": {"runAsUser": 0}}, "/podSecurityContext/runAsUser'"),
        ({"policies": {"files": {"../etc/passwd": "x"}}}, "invalid propertyName '../etc/passwd'"),
        ({"serviceMonitor": {"interval": "often"}}, "/serviceMonitor/interval'"),
        (
            {"dashboard": {"labels": {"grafana_dashboard": 1}}},
            "/dashboard/labels/grafana_dashboard'",
        ),
    ],
)
def test_schema_refuses_a_bad_value(
    chart: helm.Chart, values: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(helm.HelmValuesError) as refused:
        chart.render(values=merged(REQUIRED, values), name="gr", namespace="crm")
    assert complaint in str(refused.value)


def test_schema_accepts_the_defaults_and_the_full_values(chart: helm.Chart) -> None:
    chart.validate_schema(REQUIRED)
    chart.validate_schema(full_values())


def test_schema_closes_every_object_it_describes() -> None:
    """Every object with named properties refuses unknown keys: a typo is an error, not a no-op."""
    schema = json.loads((CHART / "values.schema.json").read_text())
    open_objects = []

    def walk(node: dict[str, Any], where: str) -> None:
        if node.get("type") == "object" and "properties" in node:
            if node.get("additionalProperties") is not False:
                open_objects.append(where or "/")
            for key, child in node["properties"].items():
                walk(child, f"{where}/{key}")

    walk(schema, "")
    assert open_objects == []


def test_schema_and_values_yaml_name_the_same_keys() -> None:
    schema = json.loads((CHART / "values.schema.json").read_text())
    values = yaml.safe_load((CHART / "values.yaml").read_text())

    def keys(node: dict[str, Any], value: Any, where: str) -> list[str]:
        missing = []
        props = node.get("properties", {})
        if isinstance(value, dict) and props:
            for key in props.keys() - value.keys() - {"global"}:
                # helm drops null values, so a nullable key has no default in values.yaml.
                if key in node.get("required", []):
                    missing.append(f"{where}/{key}")
            for key, child in value.items():
                missing.extend(keys(props.get(key, {}), child, f"{where}/{key}"))
        return missing

    assert keys(schema, values, "") == []


@pytest.mark.parametrize("which", ["default", "full"])
def test_helm_lint_strict_is_clean(which: str) -> None:
    values = REQUIRED if which == "default" else full_values()
    report = helm.lint(CHART, values, strict=True, kube_version="v1.29.0")
    assert report["errors"] == []
    # Severity 2 is a warning, 3 an error; strict lint fails on either. 1 (info) is advice
    # such as "icon is recommended".
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_helm_lint_passes_on_the_chart_alone() -> None:
    """`helm lint charts/guardrail` with no values, as a platform team's CI would run it."""
    report = helm.lint(CHART, None, strict=True, kube_version="v1.29.0")
    assert report["errors"] == []
