"""Classes of characters and character bigrams for the learned layer's features.

The layer's features are the characters and bigrams around and inside a candidate (``S:Act:l2=``,
``R:L:bg=``): a word seen on no training page weighs nothing, however close in use to one that
did.  A :class:`WordClasses` maps each character and bigram to one of ``k`` classes of similar
embeddings, and the features are repeated with the class in place of the text (``S:Act:l2k=17``),
so what the models learn of one member of a class reaches the others.  What the classes hold, and
what they did to the figures: docs/evaluation.md, "Session 38" (not in the shipped models).

The classes are a spherical k-means of the NER model's character and bigram embeddings (skip-gram
vectors pre-trained on 4.55M characters, then fine-tuned by the tagger: docs/ner.md, "Model"),
made once when the relation models are trained and saved beside them (``classes.json``), so the
layer never depends on the NER model it runs with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model import KgError

FILE = "classes.json"
_MARK = "<"          # the corpus markers (<msra>, <cluener>...) and special tokens: no class


@dataclass(frozen=True)
class WordClasses:
    """The class of each character (``char``) and bigram (``bigram``): their ids as strings."""
    char: dict[str, str]
    bigram: dict[str, str]
    k: tuple[int, int]        # (classes of characters, classes of bigrams)

    def of_char(self, c: str) -> str:
        return self.char.get(c, "-")

    def of_bigram(self, b: str) -> str:
        return self.bigram.get(b, "-")

    # ------------------------------------------------------------------ files
    def save(self, path: Path) -> None:
        """One string per class: its members joined (a character is one, a bigram two)."""
        def rows(m: dict[str, str], k: int) -> list[str]:
            out = [[] for _ in range(k)]
            for tok in sorted(m):
                out[int(m[tok])].append(tok)
            return ["".join(r) for r in out]
        data = {"k": list(self.k), "char": rows(self.char, self.k[0]), "bigram": rows(self.bigram, self.k[1])}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "WordClasses":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            char = {c: str(i) for i, row in enumerate(data["char"]) for c in row}
            bigram = {row[j:j + 2]: str(i) for i, row in enumerate(data["bigram"]) for j in range(0, len(row), 2)}
            return cls(char, bigram, (int(data["k"][0]), int(data["k"][1])))
        except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
            raise KgError(f"{path}: unreadable word classes ({e})") from e


def spherical_kmeans(x: np.ndarray, k: int, *, iters: int = 30, seed: int = 0) -> np.ndarray:
    """The class of each row of ``x``: k-means on the unit sphere (cosine), ``k`` centres drawn
    from the rows by a seeded generator; float64, so the same rows give the same classes."""
    x = np.asarray(x, dtype=np.float64)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    if k >= len(x):
        return np.arange(len(x))
    rng = np.random.default_rng(seed)
    centres = x[np.sort(rng.choice(len(x), size=k, replace=False))].copy()
    assign = np.full(len(x), -1)
    for _ in range(iters):
        new = (x @ centres.T).argmax(axis=1)
        if np.array_equal(new, assign):
            break
        assign = new
        for c in range(k):
            members = x[assign == c]
            if len(members):
                m = members.sum(axis=0)
                centres[c] = m / max(np.linalg.norm(m), 1e-12)
    return assign


def from_ner_model(directory: Path, k_char: int = 128, k_bigram: int = 256, seed: int = 0) -> WordClasses:
    """The classes of the characters and bigrams of the NER model in ``directory`` (its
    ``model.pt`` embeddings and ``vocabs.json``)."""
    import torch     # (import cost) only when the classes are made

    try:
        vocabs = json.loads((directory / "vocabs.json").read_text(encoding="utf-8"))
        state = torch.load(directory / "model.pt", map_location="cpu", weights_only=True)
        tables = (("token", "embed.char.weight", k_char, 1), ("bigram", "embed.bigram.weight", k_bigram, 2))
        maps = []
        for vocab, key, k, n in tables:
            tokens = vocabs[vocab]["idx_to_token"]
            weights = state[key].float().numpy()
            rows = [i for i, tok in enumerate(tokens) if len(tok) == n and not tok.startswith(_MARK)]
            assign = spherical_kmeans(weights[rows], k, seed=seed)
            maps.append({tokens[i]: str(int(a)) for i, a in zip(rows, assign)})
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        raise KgError(f"{directory}: cannot read the NER model's embeddings for word classes ({e})") from e
    return WordClasses(maps[0], maps[1], (k_char, k_bigram))
