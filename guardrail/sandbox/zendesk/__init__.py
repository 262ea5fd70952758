"""A Zendesk Support account in memory: the Zendesk dialect's testbed, demo and benchmark CRM.

It answers as Zendesk's Support API is documented to (status codes, ``RecordInvalid`` details,
integer ids, job statuses for bulk calls), so zenpy works against it unchanged. It shares the
Salesforce sandbox's change log (``Change``) and request counter.
"""

from guardrail.sandbox.zendesk.app import ZENDESK_STORE, ZendeskConfig, create_app, run
from guardrail.sandbox.zendesk.store import ZendeskStore

__all__ = ["ZENDESK_STORE", "ZendeskConfig", "ZendeskStore", "create_app", "run"]
