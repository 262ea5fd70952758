"""Training the ``model`` backend (guardrail.understanding.classifier) on the labelled utterance
corpus, and measuring it beside the lexical backend on the corpus's dev split.

``guardrail understand-train [--corpus corpora/train] [--out FILE]`` trains on the train split's
customer utterances, prints per-kind precision and recall and status accuracy on the dev split
for both backends, and writes the weights (with the corpus hash and those figures). Training is
deterministic: full-batch gradient descent (Adam) on the logistic losses from zero weights, no
sampling, so the same corpus gives the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guardrail.context.model import Turn
from guardrail.errors import ConfigError
from guardrail.understanding.classifier import (
    KINDS,
    STATUSES,
    Featurizer,
    ModelBackend,
    Utterance,
    Weights,
    lexicon_digest,
)
from guardrail.understanding.lexical import LexicalBackend
from guardrail.understanding.model import AskKind, AskStatus, Backend

Floats = npt.NDArray[np.float32]
SHIPPED = Path(__file__).with_name("model_weights.npz")
_MIN_COUNT = 2  # a feature seen fewer times in training is not kept
_EPOCHS = 300
_RATE = 0.05
_L2 = 1e-4


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    utterance: Utterance
    asks: dict[AskKind, AskStatus]
    split: str


def load_corpus(folder: Path) -> tuple[list[Example], str]:
    """The customer utterances of ``folder/utterances.jsonl`` and the file's sha256."""
    path = folder / "utterances.jsonl"
    if not path.is_file():
        raise ConfigError(f"{path} does not exist (the corpus is corpora/train/)")
    raw = path.read_bytes()
    examples = []
    for line in raw.decode("utf-8").splitlines():
        row = json.loads(line)
        if row["role"] != "customer":
            continue
        examples.append(
            Example(
                id=row["id"],
                utterance=Utterance(row["text"], row["context"]),
                asks={
                    AskKind(a["kind"].replace("_", " ")): AskStatus(a["status"].replace("_", " "))
                    for a in row["asks"]
                },
                split=row["split"],
            )
        )
    return examples, hashlib.sha256(raw).hexdigest()


def train(examples: Sequence[Example], featurizer: Featurizer | None = None) -> Weights:
    featurizer = featurizer or Featurizer()
    kind_rows = [sorted(set(featurizer.of(e.utterance))) for e in examples]
    pairs = [(e, k, s) for e in examples for k, s in e.asks.items()]
    status_rows = [sorted(set(featurizer.of_kind(e.utterance, k))) for e, k, _ in pairs]
    counts = Counter(f for row in (*kind_rows, *status_rows) for f in row)
    features = tuple(sorted(f for f, n in counts.items() if n >= _MIN_COUNT))
    index = {f: i for i, f in enumerate(features)}
    kind_targets = np.array(
        [[k in e.asks for k in KINDS] for e in examples], dtype=np.float32
    ).reshape(len(examples), len(KINDS))
    status_targets = np.zeros((len(pairs), len(STATUSES)), dtype=np.float32)
    for n, (_, _, status) in enumerate(pairs):
        status_targets[n, STATUSES.index(status)] = 1
    return Weights(
        features=features,
        kinds=_fit(_sparse(kind_rows, index), kind_targets, len(features), softmax=False),
        statuses=_fit(_sparse(status_rows, index), status_targets, len(features), softmax=True),
        about={
            "kinds": [str(k) for k in KINDS],
            "statuses": [str(s) for s in STATUSES],
            "lexicon_sha256": lexicon_digest(),
            "examples": len(examples),
            "features": len(features),
        },
    )


@dataclass(frozen=True, slots=True)
class _Sparse:
    """Binary features: row ``rows[n]`` has feature ``columns[n]``."""

    rows: npt.NDArray[np.intp]
    columns: npt.NDArray[np.intp]
    count: int


def _sparse(rows: Sequence[Sequence[str]], index: dict[str, int]) -> _Sparse:
    pairs = [(r, index[f]) for r, row in enumerate(rows) for f in row if f in index]
    found = np.array(pairs, dtype=np.intp).reshape(-1, 2)
    return _Sparse(found[:, 0], found[:, 1], len(rows))


def _fit(x: _Sparse, y: Floats, features: int, softmax: bool) -> Floats:
    """Weights (the last row the bias) minimising the mean logistic (or softmax) loss plus an L2
    penalty, by full-batch Adam from zero."""
    classes = y.shape[1]
    w = np.zeros((features + 1, classes), dtype=np.float64)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, _EPOCHS + 1):
        logits = (
            np.stack(
                [
                    np.bincount(x.rows, weights=w[x.columns, c], minlength=x.count)
                    for c in range(classes)
                ],
                axis=1,
            )
            + w[-1]
        )
        if softmax:
            exp = np.exp(logits - logits.max(axis=1, keepdims=True))
            p = exp / exp.sum(axis=1, keepdims=True)
        else:
            p = 1 / (1 + np.exp(-logits))
        error = (p - y) / x.count
        grad = np.empty_like(w)
        for c in range(classes):
            grad[:-1, c] = np.bincount(x.columns, weights=error[x.rows, c], minlength=features)
        grad[-1] = error.sum(axis=0)
        grad[:-1] += _L2 * w[:-1]
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= _RATE * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return w.astype(np.float32)


def evaluate(backend: Backend, examples: Sequence[Example]) -> dict[str, Any]:
    """Per-kind precision and recall of the asks ``backend`` reads in each utterance, status
    accuracy where it found a kind that is there, and the share of utterances read exactly."""
    hit: Counter[AskKind] = Counter()
    said: Counter[AskKind] = Counter()
    there: Counter[AskKind] = Counter()
    statuses_right = statuses_seen = exact = 0
    for e in examples:
        turns = [Turn(role="customer", text=e.utterance.text)]
        if e.utterance.context:
            turns.insert(0, Turn(role="agent", text=e.utterance.context))
        read = {a.kind: a.status for a in backend.understand(turns).asks}
        exact += read == e.asks
        for kind in read:
            said[kind] += 1
        for kind, status in e.asks.items():
            there[kind] += 1
            if kind in read:
                hit[kind] += 1
                statuses_seen += 1
                statuses_right += read[kind] is status
    per_kind = {
        str(k): {
            "precision": round(hit[k] / said[k], 3) if said[k] else None,
            "recall": round(hit[k] / there[k], 3) if there[k] else None,
            "support": there[k],
        }
        for k in KINDS
    }
    found, named = sum(hit.values()), sum(said.values())
    return {
        "kinds": per_kind,
        "precision": round(found / named, 3) if named else None,
        "recall": round(found / sum(there.values()), 3) if there else None,
        "status_accuracy": round(statuses_right / statuses_seen, 3) if statuses_seen else None,
        "exact": round(exact / len(examples), 3) if examples else None,
        "utterances": len(examples),
    }


def report(name: str, metrics: dict[str, Any]) -> str:
    lines = [
        f"{name}: asks precision {_figure(metrics['precision'])} recall "
        f"{_figure(metrics['recall'])}, status accuracy {_figure(metrics['status_accuracy'])}, "
        f"utterances read exactly {_figure(metrics['exact'])} "
        f"(dev: {metrics['utterances']} utterances)"
    ]
    for kind, m in metrics["kinds"].items():
        lines.append(
            f"  {kind:16} precision {_figure(m['precision'])}  recall {_figure(m['recall'])}"
            f"  ({m['support']})"
        )
    return "\n".join(lines)


def _figure(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def run(args: argparse.Namespace) -> int:
    """``guardrail understand-train`` (guardrail.understanding.backends.add_commands)."""
    examples, digest = load_corpus(args.corpus)
    featurizer = Featurizer()
    weights = train([e for e in examples if e.split == "train"], featurizer)
    dev = [e for e in examples if e.split == "dev"]
    model = evaluate(ModelBackend(weights), dev)
    lexical = evaluate(LexicalBackend(), dev)
    weights = replace(
        weights,
        about={
            **weights.about,
            "corpus_sha256": digest,
            "lexicon_sha256": lexicon_digest(),
            "dev": model,
            "dev_lexical": lexical,
        },
    )
    out = args.out or SHIPPED
    weights.save(out)
    print(report("model", model))
    print(report("lexical", lexical))
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB, corpus {digest[:12]})")
    return 0
