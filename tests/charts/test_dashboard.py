"""The Grafana dashboard queries only metrics and labels the proxy really exports.

The metrics are read off live ``Metrics`` and ``AuditMetrics`` objects (guardrail/sinks/metrics.py,
guardrail/sinks/audit/metrics.py), so a renamed or removed metric breaks this test rather than
leaving a blank panel. promtool parses every query.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from guardrail.sinks.audit.metrics import AuditMetrics
from guardrail.sinks.metrics import Metrics
from tests.charts.chart import CHART, Rendered

DASHBOARD = CHART / "dashboards" / "guardrail.json"
#: Labels Prometheus adds when it scrapes (the Prometheus Operator adds the Kubernetes ones).
TARGET_LABELS = frozenset({"job", "instance", "namespace", "pod", "service", "container"})
PROMQL_KEYWORDS = frozenset(
    {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool"}
    | {"and", "or", "unless", "inf", "nan"}
)
#: Grafana's variables, as a query would be sent (values only matter for parsing).
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__range": "6h",
    "$__interval": "1m",
    "$namespace": ".*",
    "$job": ".*",
}


@cache
def exported() -> dict[str, frozenset[str]]:
    """Every series name the proxy exports, with the label names it carries: its Metrics, and
    the audit log's metrics on the same registry (as guardrail.app builds them)."""
    metrics = Metrics("salesforce", lambda name: None)
    audit = AuditMetrics(metrics.registry, "sqlite")
    labels: dict[str, frozenset[str]] = {}
    for collector in [*vars(metrics).values(), *vars(audit).values()]:
        if isinstance(collector, MetricWrapperBase):
            labels[collector._name] = frozenset(collector._labelnames)
    series: dict[str, frozenset[str]] = {}
    for family in metrics.registry.collect():
        names = frozenset(labels.get(family.name, ())).union(
            *(sample.labels for sample in family.samples)
        )
        suffixes = {
            "counter": ("_total", "_created"),
            "histogram": ("_bucket", "_count", "_sum", "_created"),
            "gauge": ("",),
        }[family.type]
        for suffix in suffixes:
            extra = {"le"} if suffix == "_bucket" else set()
            series[family.name + suffix] = names | extra
    return series


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def panels(board: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in board["panels"]:
        yield panel
        yield from panel.get("panels", [])


def queries(board: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, PromQL) for every panel target and every query variable."""
    for panel in panels(board):
        for target in panel.get("targets", []):
            yield f"panel {panel['title']!r} {target['refId']}", target["expr"]
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            # label_values(<series selector>, <label>): the selector is PromQL.
            match = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", variable["query"]["query"])
            assert match, variable["query"]
            yield f"variable {variable['name']}", match.group(1)


def referenced(expr: str) -> tuple[set[str], set[str]]:
    """The metric names and label names a PromQL expression uses."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    text = re.sub(r"\[[^\]]*\]", "", text)  # range selectors
    labels: set[str] = set()
    for matchers in re.findall(r"\{([^}]*)\}", text):
        labels.update(re.findall(r"([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)", matchers))
    text = re.sub(r"\{[^}]*\}", "", text)
    for grouping in re.findall(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", text):
        labels.update(name.strip() for name in grouping.split(",") if name.strip())
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = {
        m.group(1)
        for m in re.finditer(r"(?<![\w.$])([A-Za-z_:][\w:]*)\s*(\()?", text)
        if not m.group(2) and m.group(1) not in PROMQL_KEYWORDS
    }
    return names, labels


def test_the_reference_parser_finds_names_and_labels() -> None:
    names, labels = referenced(
        'topk(5, sum by (rule) (increase(a_total{x="1", y=~"$v"}[5m]))) / on (job) b > 1e-9'
    )
    assert names == {"a_total", "b"}
    assert labels == {"x", "y", "rule", "job"}


def test_dashboard_is_grafana_json() -> None:
    board = dashboard()
    assert board["uid"] == "crm-guardrail"
    assert board["title"]
    assert isinstance(board["schemaVersion"], int)
    ids = [p["id"] for p in panels(board)]
    assert len(ids) == len(set(ids))
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    for panel in panels(board):
        grid = panel["gridPos"]
        assert grid["x"] >= 0, panel["title"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        if panel["type"] == "row":
            continue
        # Every query goes to the data source the viewer picked.
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert panel["targets"], panel["title"]
        assert all(t["datasource"]["uid"] == "${datasource}" for t in panel["targets"])
        assert panel["description"], panel["title"]


def test_panels_do_not_overlap() -> None:
    taken: dict[tuple[int, int], str] = {}
    for panel in panels(dashboard()):
        grid = panel["gridPos"]
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in taken, f"{panel['title']} overlaps {taken[(x, y)]}"
                taken[(x, y)] = panel["title"]


def test_every_queried_metric_and_label_is_exported() -> None:
    series = exported()
    problems = []
    used: set[str] = set()
    for where, expr in queries(dashboard()):
        names, labels = referenced(expr)
        assert names, f"{where}: no metric in {expr}"
        used |= names
        for name in sorted(names - series.keys()):
            problems.append(f"{where}: {name} is not exported")
        known = TARGET_LABELS.union(*(series.get(name, frozenset()) for name in names))
        for label in sorted(labels - known):
            problems.append(f"{where}: no metric in it has label {label!r}")
    assert problems == []
    # The panels the dashboard promises: decisions, rules, both latencies, CRM errors, policy
    # reloads and version, the audit log's health.
    assert {
        "guardrail_requests_total",
        "guardrail_violations_total",
        "guardrail_check_duration_seconds_bucket",
        "guardrail_upstream_duration_seconds_bucket",
        "guardrail_upstream_errors_total",
        "guardrail_policy_reloads_total",
        "guardrail_policy_set_info",
        "guardrail_audit_errors_total",
        "guardrail_audit_available",
    } <= used


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing; .ci/run installs Debian's prometheus package")
        pytest.skip("promtool not installed")
    return found


def test_promtool_parses_every_query(tmp_path: Path) -> None:
    rules = []
    for index, (_where, expr) in enumerate(queries(dashboard())):
        for variable, value in sorted(GRAFANA_VARIABLES.items(), key=lambda kv: -len(kv[0])):
            expr = expr.replace(variable, value)
        assert "$" not in expr, expr
        rules.append({"record": f"dashboard:query:{index}", "expr": expr})
    rules_file = tmp_path / "dashboard-queries.yaml"
    rules_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = subprocess.run(
        [promtool(), "check", "rules", str(rules_file)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_chart_ships_the_dashboard_for_grafanas_sidecar(full: Rendered, default: Rendered) -> None:
    config_map = full.one("ConfigMap", "-dashboard")
    assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert config_map["metadata"]["annotations"] == {"grafana_folder": "CRM"}
    assert config_map["data"]["guardrail.json"] == DASHBOARD.read_text().rstrip("\n")
    assert not default.all("ConfigMap")[0]["metadata"]["name"].endswith("-dashboard")
    assert len(default.all("ConfigMap")) == 1
