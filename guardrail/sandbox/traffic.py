"""How many requests reached the sandbox's Salesforce API, so a test can assert on round trips.

The proxy promises a bounded number of upstream calls per agent write (one composite for a
verified single-record write, say); counting at the CRM is the only place that sees them all.
Every request under ``/services/data`` counts once, whatever its answer (a 401 or 404
reached the CRM too); a Composite request is one request, as Salesforce meters it, however
many subrequests it holds. The admin endpoints (``/_sandbox/...``) are not counted.
"""

from __future__ import annotations

from collections import Counter
from typing import Any


class RequestCounter:
    """Requests counted by route: ``"METHOD /template"`` below ``/services/data/vXX.X``
    (``"PATCH /sobjects/{sobject}/{record_id}"``, ``"POST /composite"``), the path as sent
    for one that matches no route, and ``"GET /services/data"`` for the version list."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def record(self, route: str) -> None:
        self._counts[route] += 1

    @property
    def total(self) -> int:
        return self._counts.total()

    @property
    def by_route(self) -> dict[str, int]:
        return dict(self._counts)

    def snapshot(self) -> dict[str, Any]:
        """``{"total": n, "by_route": {...}}``, what ``GET /_sandbox/requests`` answers."""
        return {"total": self.total, "by_route": self.by_route}

    def reset(self) -> None:
        self._counts.clear()
