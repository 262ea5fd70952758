"""The ``model`` backend: a small linear classifier, trained on the labelled utterance corpus
(``guardrail understand-train``; guardrail.understanding.training), that reads each customer turn
(with the agent turn before it, where an offer would be) for which kinds of ask it makes and how
each stands.

Features are what the lexical backend's reading is made of, learned instead of written: the
cleaned words and word pairs of the turn, character n-grams (for misspellings and speech-to-text),
and each word marked by the scopes it falls in (negation in its sub-clause; condition, question,
third party, retraction in its sentence; guardrail.understanding.lexicon/scopes.yaml). Two
models share them: one logistic regression per ask kind (is it asked about at all), and one
softmax over statuses, fed the sentence where the kind is named.

Only asks are learned. Amounts, reasons, issues, facts, sensitive data and the outcome are the
lexical backend's, so this backend alone gives a whole reading and, combined, only its asks can
differ. The weights ship in the package (``model_weights.npz``: the feature names, both weight
matrices, the corpus hash and the dev-split metrics) and load once.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guardrail.context.model import Turn
from guardrail.understanding.lexical import LEXICON, LexicalBackend, Lexicon
from guardrail.understanding.model import Ask, AskKind, AskStatus, Evidence, Understanding
from guardrail.understanding.text import Sentence, sentences

log = logging.getLogger(__name__)
Floats = npt.NDArray[np.float32]
#: The statuses the corpus labels (an offer never answered is not among them).
STATUSES = tuple(s for s in AskStatus if s is not AskStatus.OFFERED)
KINDS = tuple(AskKind)
_SENTENCE_SCOPES = ("hypothetical", "question", "third_party", "retraction", "keep", "request")
_CONTEXT_SCOPES = ("offer", "offer_question")
_ANSWER_SCOPES = ("accept", "decline", "decline_anywhere")
_WORD = re.compile(r"[a-z0-9']+|[$£€?]")
THRESHOLD = 0.5  # a kind's probability from which the turn counts as asking about it
_STAYS = frozenset(
    {
        AskStatus.HYPOTHETICAL,
        AskStatus.QUESTION,
        AskStatus.THIRD_PARTY,
        AskStatus.OFFERED_ACCEPTED,
        AskStatus.OFFERED_DECLINED,
    }
)


@dataclass(frozen=True, slots=True)
class Utterance:
    """One customer turn and the agent turn before it (an offer it may answer)."""

    text: str
    context: str | None = None


class Featurizer:
    """Feature names of an utterance, and of the sentence of it where an ask kind is named."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or Lexicon.default()

    def of(self, u: Utterance) -> list[str]:
        parsed = sentences(u.text)
        found = self._context(u, parsed)
        for s in parsed:
            found += self._sentence(s)
        return found

    def of_kind(self, u: Utterance, kind: AskKind) -> list[str]:
        """Features for how ``kind`` stands: its sentences' (where the lexicon finds it named,
        else the whole turn's), the context's, and each crossed with the kind."""
        parsed = sentences(u.text)
        patterns = self.lexicon.asks.get(kind, ())
        named = [s for s in parsed if any(p.regex.search(s.text) for p in patterns)]
        found = self._context(u, parsed)
        for s in named or parsed:
            found += self._sentence(s)
        if named and len(named) < len(parsed):
            found.append("named-in-part")
        return found + [f"{kind}|{f}" for f in found if not f.startswith("c")]

    def _context(self, u: Utterance, parsed: Sequence[Sentence]) -> list[str]:
        if not u.context:
            return ["ctx:none"]
        scopes = self.lexicon.scopes
        found = ["ctx:agent"]
        context = " ".join(s.text for s in sentences(u.context))
        found += [f"ctx:{n}" for n in _CONTEXT_SCOPES if scopes[n].search(context)]
        found += [f"ctx:w:{w}" for w in _WORD.findall(context)]
        first = parsed[0].text if parsed else ""
        found += [f"ans:{n}" for n in _ANSWER_SCOPES if scopes[n].search(first)]
        return found

    def _sentence(self, s: Sentence) -> list[str]:
        scopes = self.lexicon.scopes
        marks = [n for n in _SENTENCE_SCOPES if scopes[n].search(s.text)]
        if s.raw.rstrip().endswith("?"):
            marks.append("qmark")
        found = [f"scope:{m}" for m in marks]
        for clause in s.clauses:
            words = _WORD.findall(clause.text)
            negated = scopes["negation"].search(clause.text)
            at = negated.end() if negated else None
            found += [f"w:{w}" for w in words]
            found += [f"b:{a}_{b}" for a, b in itertools.pairwise(words)]
            padded = f" {clause.text} "
            found += [f"g:{padded[i : i + 4]}" for i in range(len(padded) - 3)]
            if at is not None:
                found += ["scope:negation"]
                found += [f"neg|w:{w}" for w in _WORD.findall(clause.text[at:])]
            for m in marks:
                found += [f"{m}|w:{w}" for w in words]
        return found


@dataclass(frozen=True)
class Weights:
    """A trained classifier: feature names, per-kind and per-status weights (the last row of
    each is the bias), and where they came from."""

    features: tuple[str, ...]
    kinds: Floats  # (features + 1, len(KINDS))
    statuses: Floats  # (features + 1, len(STATUSES))
    about: dict[str, Any]  # corpus hash, sizes, dev metrics

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {f: i for i, f in enumerate(self.features)}

    def rows(self, names: Iterable[str]) -> npt.NDArray[np.intp]:
        index = self.index
        return np.fromiter({index[n] for n in names if n in index}, dtype=np.intp)

    def kind_probabilities(self, features: Sequence[str]) -> Floats:
        logits = self.kinds[self.rows(features)].sum(axis=0) + self.kinds[-1]
        return np.asarray(1 / (1 + np.exp(-logits)), dtype=np.float32)

    def status_probabilities(self, features: Sequence[str]) -> Floats:
        logits = self.statuses[self.rows(features)].sum(axis=0) + self.statuses[-1]
        exp = np.exp(logits - logits.max())
        return np.asarray(exp / exp.sum(), dtype=np.float32)

    def save(self, path: Path) -> None:
        with path.open("wb") as out:
            np.savez_compressed(
                out,
                features=np.array(self.features, dtype=np.str_),
                kinds=self.kinds.astype(np.float16),
                statuses=self.statuses.astype(np.float16),
                about=np.array(json.dumps(self.about)),
            )

    @classmethod
    def load(cls, path: Path) -> Weights:
        """Raises ValueError when ``path`` is not a classifier of these kinds and statuses."""
        with np.load(path, allow_pickle=False) as data:
            weights = cls(
                features=tuple(str(f) for f in data["features"]),
                kinds=data["kinds"].astype(np.float32),
                statuses=data["statuses"].astype(np.float32),
                about=json.loads(str(data["about"])),
            )
        shape = (len(weights.features) + 1,)
        if (
            weights.kinds.shape != (*shape, len(KINDS))
            or weights.statuses.shape != (*shape, len(STATUSES))
            or weights.about.get("kinds") != [str(k) for k in KINDS]
            or weights.about.get("statuses") != [str(s) for s in STATUSES]
        ):
            raise ValueError(f"{path}: not a classifier of this version's kinds and statuses")
        return weights

    @classmethod
    @functools.cache  # bounded: the one shipped weights file
    def shipped(cls) -> Weights:
        with resources.as_file(
            resources.files("guardrail.understanding") / "model_weights.npz"
        ) as path:
            return cls.load(path)


@dataclass(frozen=True, slots=True)
class Prediction:
    kind: AskKind
    status: AskStatus
    confidence: float


class Classifier:
    """Weights and the features they were trained on: asks of one utterance."""

    def __init__(self, weights: Weights, featurizer: Featurizer | None = None) -> None:
        self.weights = weights
        self.featurizer = featurizer or Featurizer()

    def predict(self, u: Utterance) -> list[Prediction]:
        found = []
        kinds = self.weights.kind_probabilities(self.featurizer.of(u))
        for kind, p in zip(KINDS, kinds, strict=True):
            if p < THRESHOLD:
                continue
            statuses = self.weights.status_probabilities(self.featurizer.of_kind(u, kind))
            best = int(statuses.argmax())
            found.append(Prediction(kind, STATUSES[best], round(float(p * statuses[best]), 3)))
        return found


class ModelBackend:
    """``Backend``: the lexical reading, with the classifier's kind and status of each ask it
    reads in the turn that last spoke of it (a later follow-up the classifier cannot place,
    "no, leave it open", stays the lexicon's)."""

    name = "model"

    def __init__(self, weights: Weights | None = None, lexical: LexicalBackend | None = None):
        self.lexical = lexical or LexicalBackend()
        weights = weights or Weights.shipped()
        self.classifier = Classifier(weights, Featurizer(self.lexical.lexicon))
        if weights.about.get("lexicon_sha256") != lexicon_digest():
            log.warning(
                "the model understanding backend was trained with another lexicon than this "
                "one: its scope features may read differently; retrain (guardrail "
                "understand-train)"
            )

    @classmethod
    def from_file(cls, path: Path | None) -> ModelBackend:
        return cls(Weights.shipped() if path is None else Weights.load(path))

    def understand(self, turns: Sequence[Turn], rev: int = 0) -> Understanding:
        lexical = self.lexical.understand(turns, rev)
        said: dict[AskKind, list[tuple[int, Prediction]]] = {}
        for i, turn in enumerate(turns):
            if turn.role != "customer":
                continue
            before = turns[i - 1] if i and turns[i - 1].role == "agent" else None
            u = Utterance(turn.text, before.text if before else None)
            for p in self.classifier.predict(u):
                said.setdefault(p.kind, []).append((i, p))
        asks = {a.kind: a for a in lexical.asks}
        for kind, events in said.items():
            stands = _fold(events)
            if stands is None:
                continue
            i, p = stands
            known = asks.get(kind)
            if known is not None and max((e.turn for e in known.evidence), default=-1) > i:
                continue  # the lexicon read a later word on it, in a turn not naming it
            where = (Evidence(i, 0, len(turns[i].text), turns[i].text),)
            asks[kind] = (
                Ask(kind, p.status, p.confidence, evidence=where)
                if known is None  # else the amount, currency and reason read lexically
                else replace(known, status=p.status, confidence=p.confidence, evidence=where)
            )
        return replace(lexical, backend=self.name, asks=tuple(asks[k] for k in KINDS if k in asks))


# Bounded: one value, the shipped lexicon's.
@functools.cache
def lexicon_digest() -> str:
    """The shipped lexicon's sha256: its scopes and ask phrases are part of the features."""
    h = hashlib.sha256()
    for item in sorted(LEXICON.iterdir(), key=lambda i: i.name):
        if item.name.endswith(".yaml"):
            h.update(item.name.encode() + b"\0" + item.read_bytes())
    return h.hexdigest()


def _fold(events: Sequence[tuple[int, Prediction]]) -> tuple[int, Prediction] | None:
    """Where an ask kind stands after the turns that spoke of it, in order: the customer's last
    word, except that musing about it or an offer after asking does not undo the ask, and
    declining it after asking takes it back (a turn may also ask and take back at once)."""
    stands: tuple[int, Prediction] | None = None
    for i, p in events:
        if stands is not None and stands[1].status.granted:
            if p.status in _STAYS:
                continue
            if p.status is AskStatus.DECLINED:
                p = replace(p, status=AskStatus.RETRACTED)
        stands = (i, p)
    return stands
