"""Conversation-bound agent tokens: issued on the admin API, checked on the proxy listener."""
