"""A ServiceNow-shaped instance in memory: the Table API, the Batch API, the Import Set API,
``sys_dictionary``/``sys_choice`` describe, OAuth, business rules and seed data.

It answers as the platform's REST APIs are documented to (status codes, the ``{"error":
{"message", "detail"}, "status": "failure"}`` body, 32-hex ``sys_id``s, reference and display
values), so a client that works against it (pysnc) works against an instance.
"""

from guardrail.sandbox.servicenow.app import INSTANCE, REQUESTS, create_app, run
from guardrail.sandbox.servicenow.config import InstanceConfig
from guardrail.sandbox.servicenow.store import InstanceStore

__all__ = ["INSTANCE", "REQUESTS", "InstanceConfig", "InstanceStore", "create_app", "run"]
