"""crm-guardrail: an inline write-guardrail proxy between AI agents and their CRM."""

__version__ = "0.1.0"
