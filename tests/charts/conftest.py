"""The Helm chart, rendered offline by Helm itself (helm-python-sdk): no cluster, no helm binary.

Two renders are shared by the tests: the defaults (plus the one required value, the CRM's URL)
and tests/charts/full-values.yaml, which turns every optional part on. A render takes ~2 ms.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import helm_python as helm
import pytest

from tests.charts.chart import CHART, NAMESPACE, RELEASE, REQUIRED, Render, Rendered, full_values


@pytest.fixture(scope="session")
def chart() -> Iterator[helm.Chart]:
    with helm.Chart.load(CHART) as loaded:
        yield loaded


@pytest.fixture(scope="session")
def render(chart: helm.Chart) -> Render:
    def _render(values: dict[str, Any]) -> Rendered:
        return Rendered(chart.render(values=values, name=RELEASE, namespace=NAMESPACE))

    return _render


@pytest.fixture(scope="session")
def default(render: Render) -> Rendered:
    return render(REQUIRED)


@pytest.fixture(scope="session")
def full(render: Render) -> Rendered:
    return render(full_values())
