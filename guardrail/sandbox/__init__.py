"""A Salesforce-shaped CRM in memory: the testbed for the proxy's tests, demo and benchmarks.

It answers like Salesforce's REST API (status codes, errorCodes, body shapes, 18-character
ids with the right key prefixes), so what passes against it passes against Salesforce.
See ``README.md`` in this folder for the surface, the seed ids and the trigger format.
"""

from guardrail.sandbox.app import STORE, create_app, run
from guardrail.sandbox.config import SandboxConfig
from guardrail.sandbox.store import SandboxStore

__all__ = ["STORE", "SandboxConfig", "SandboxStore", "create_app", "run"]
