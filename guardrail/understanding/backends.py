"""The optional understanding backends, made available by name to the service
(guardrail.understanding.service.register) with what they need from the settings (``llm`` its
endpoint, ``model`` its weights); the service then builds the configured ones, in order. Each is
imported when first built: the command line does not pay for numpy or the openai client."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from guardrail.config import LLMSettings, UnderstandingSettings
from guardrail.understanding.model import Backend
from guardrail.understanding.service import register


def install(settings: UnderstandingSettings) -> None:
    """Register ``model`` and, when an endpoint is set, ``llm``."""
    register("model", lambda: _model(settings.model_file))
    llm = settings.llm
    if llm.base_url is not None and llm.model is not None:
        register("llm", lambda: _llm(llm))


def _model(path: Path | None) -> Backend:
    from guardrail.understanding.classifier import ModelBackend

    return ModelBackend.from_file(path)


def _llm(settings: LLMSettings) -> Backend:
    from guardrail.understanding.llm import LLMBackend

    return LLMBackend(settings)


def add_commands(commands: Any) -> None:
    """``guardrail understand-train``: the model backend trained on the utterance corpus."""
    parser = commands.add_parser(
        "understand-train",
        help="train the model understanding backend on the utterance corpus; report on dev",
        description="Trains the model backend's classifier on the train split of "
        "CORPUS/utterances.jsonl, prints per-kind precision and recall and status accuracy on "
        "its dev split beside the lexical backend's, and writes the weights with the corpus "
        "hash and those figures (default: the file shipped in the package).",
    )
    parser.add_argument("--corpus", type=Path, default=Path("corpora/train"))
    parser.add_argument("--out", type=Path, default=None, help="the weights file to write")
    parser.set_defaults(run=_train)


def _train(args: argparse.Namespace) -> int:
    from guardrail.understanding import training

    return training.run(args)
