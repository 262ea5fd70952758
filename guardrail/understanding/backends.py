"""The optional understanding backends, made available by name to the service
(guardrail.understanding.service.register) with what they need from the settings: ``llm`` its
endpoint. The service then builds the configured ones, in order."""

from __future__ import annotations

from guardrail.config import UnderstandingSettings
from guardrail.understanding.llm import LLMBackend
from guardrail.understanding.service import register


def install(settings: UnderstandingSettings) -> None:
    """Register the backends these settings make possible (``llm`` when an endpoint is set)."""
    llm = settings.llm
    if llm.base_url is not None and llm.model is not None:
        register("llm", lambda: LLMBackend(llm))
