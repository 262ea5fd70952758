"""Conversation understanding: what the customer asked for, the facts they stated, the sensitive
data they spoke and the outcome the transcript shows, read once per conversation revision
(guardrail.understanding.model) and read by rules through the CEL library."""
