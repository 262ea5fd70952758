"""Conversation context: what the agent was told, who the customer is, what it read and wrote."""
