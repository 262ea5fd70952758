"""Labeled scenario suites run end to end: the shipped pack's scenarios (format and loader:
guardrail.scenarios) through a real proxy in front of the sandbox CRM, with a real CRM client.
``guardrail test`` runs the same files offline (tests/test_policy_cli.py)."""
