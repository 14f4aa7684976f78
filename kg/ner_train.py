"""Training and evaluation of kg's own NER model (char BiLSTM-CRF, HanLP ``RNNNamedEntityRecognizer``).

kg labels (BIO scheme, see ``kg/models/ner/train_rules.json`` and docs/ner.md):

=====  ==========================  =================================================
label  kg type (subtype)           sources
=====  ==========================  =================================================
PER    Person                      CLUENER name, Resume NAME, MSRA PER
POST   Post                        CLUENER position, Resume TITLE, silver on MSRA
GOV    Organization (government)   CLUENER government, MSRA/Resume ORG by suffix rule
COM    Organization (enterprise)   CLUENER company, MSRA/Resume ORG by suffix rule
ORG    Organization (other)        CLUENER organization, the rest of MSRA/Resume ORG
LOC    Place                       CLUENER address + scene, MSRA LOC, Resume LOC
=====  ==========================  =================================================

Corpora are read from ``--corpora`` / ``$KG_CORPORA`` / ``../shared/corpora`` (relative to the
repository, then to the working directory).  Nothing here downloads anything.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from kg.model import KgError

Span = tuple[int, int, str]            # start, end (exclusive), label
Sample = tuple[str, list[Span]]        # text, spans

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_MODEL_DIR = Path(__file__).resolve().parent / "models" / "ner"
RULES_FILE = "train_rules.json"
DATASETS = ("cluener-dev", "msra-test", "resume-test")

# The labels of the evaluation sets, in the order they are reported.
CLUENER_EVAL = {"name": "PER", "position": "POST", "government": "GOV", "company": "COM",
                "organization": "ORG", "address": "LOC", "scene": "LOC"}


# --------------------------------------------------------------------------------------------
# Corpus location

def corpora_dir(path: str | os.PathLike | None = None) -> Path:
    """The corpora directory: ``path``, else ``$KG_CORPORA``, else ``../shared/corpora``."""
    candidates: list[Path] = []
    if path:
        candidates.append(Path(path))
    elif os.environ.get("KG_CORPORA"):
        candidates.append(Path(os.environ["KG_CORPORA"]))
    else:
        candidates += [REPO_ROOT.parent / "shared" / "corpora", Path.cwd().parent / "shared" / "corpora",
                       Path.cwd() / "shared" / "corpora"]
    for c in candidates:
        if c.is_dir():
            return c
    raise KgError(f"NER corpora not found (tried {', '.join(str(c) for c in candidates)}); "
                  "pass --corpora or set KG_CORPORA")


def _need(path: Path) -> Path:
    if not path.is_file():
        raise KgError(f"{path}: corpus file not found")
    return path


# --------------------------------------------------------------------------------------------
# Readers (all return (text, [(start, end_exclusive, corpus_label)]))

def read_cluener(path: str | os.PathLike) -> list[Sample]:
    """CLUENER2020 JSON lines; the corpus' ``end`` is inclusive, ours is exclusive."""
    out: list[Sample] = []
    p = Path(path)
    with open(_need(p), encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                text = obj["text"]
                spans: list[Span] = []
                for label, ents in (obj.get("label") or {}).items():
                    for surface, positions in ents.items():
                        for start, end in positions:
                            if text[start:end + 1] != surface:
                                raise ValueError(f"span [{start}, {end}] is {text[start:end + 1]!r}, "
                                                 f"not {surface!r}")
                            spans.append((start, end + 1, label))
            except (ValueError, KeyError, TypeError) as e:
                raise KgError(f"{p}:{lineno}: bad CLUENER record: {e}") from e
            out.append((text, sorted(spans)))
    return out


def tags_to_spans(tags: Sequence[str]) -> list[Span]:
    """Spans of a BIO/IOB2 or BMES/BIOES tag sequence (a stray I-/M-/E- starts a new span)."""
    spans: list[Span] = []
    start, label = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, lab = tag.partition("-")
        if prefix in ("B", "S") or prefix == "O" or (prefix in ("I", "M", "E") and lab != label):
            if label is not None:
                spans.append((start, i, label))
            start, label = (i, lab) if prefix != "O" else (None, None)
            if prefix == "S":
                spans.append((i, i + 1, lab))
                start, label = None, None
        if prefix == "E" and label is not None:
            spans.append((start, i + 1, label))
            start, label = None, None
    return spans


def spans_to_bio(n: int, spans: Iterable[Span]) -> list[str]:
    tags = ["O"] * n
    for s, e, lab in spans:
        tags[s] = f"B-{lab}"
        for i in range(s + 1, e):
            tags[i] = f"I-{lab}"
    return tags


def read_char_tagged(path: str | os.PathLike) -> list[Sample]:
    """One ``char<TAB or SPACE>tag`` per line, blank line between sentences (MSRA BIO, Resume BMES)."""
    p = Path(path)
    out: list[Sample] = []
    chars: list[str] = []
    tags: list[str] = []

    def flush():
        if chars:
            out.append(("".join(chars), tags_to_spans(tags)))
        chars.clear()
        tags.clear()

    with open(_need(p), encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                flush()
                continue
            parts = line.split("\t") if "\t" in line else line.rsplit(" ", 1)
            if len(parts) != 2 or len(parts[0]) != 1:
                raise KgError(f"{p}:{lineno}: expected 'char<TAB>tag', got {line!r}")
            chars.append(parts[0])
            tags.append(parts[1].strip())
    flush()
    return out


_REALPAGE_LABELS = {"Person": "PER", "Organization": "ORG*", "Place": "LOC"}


def read_realpages(root: str | os.PathLike, rules: dict) -> list[Sample]:
    """Sentences of annotated real pages (``root/docs`` + ``root/gold.jsonl``, the format of
    ``../shared/gold/GUIDELINES.md``) with the gold's Person / Organization / Place names, and
    the post titles of its holds_post records, projected onto every place the analysis text
    writes them (longest form first, no overlaps).  Only documents whose gold header marks the
    three entity types exhaustive are used: everything else in their sentences is truly O."""
    from kg.evaluate import load_gold, normalize
    from kg.ingest import read_corpus

    root = Path(root)
    gold = load_gold(_need(root / "gold.jsonl"))
    forms: dict[str, dict[str, str]] = defaultdict(dict)
    for r in gold.records:
        if r.kind == "entity" and r.type in _REALPAGE_LABELS:
            for f in r.slots["name"]:
                forms[r.doc].setdefault(normalize(f), _REALPAGE_LABELS[r.type])
        elif r.kind == "holds_post":
            for f in r.slots["post"]:
                forms[r.doc].setdefault(normalize(f), "POST")
    out: list[Sample] = []
    if not (root / "docs").is_dir():
        raise KgError(f"{root / 'docs'}: annotated pages not found")
    for doc in read_corpus([root / "docs"]):
        if not {"Person", "Organization", "Place"} <= gold.exhaustive.get(doc.id, frozenset()):
            continue
        names = sorted((f for f in forms.get(doc.id, {}) if len(f) >= 2), key=lambda f: (-len(f), f))
        for sent in doc.sentences:
            text = sent.text
            taken = [False] * len(text)
            spans: list[Span] = []
            for f in names:
                for m in re.finditer(re.escape(f), text):
                    s, e = m.span()
                    if any(taken[s:e]):
                        continue
                    lab = forms[doc.id][f]
                    if lab == "ORG*":
                        lab = org_subtype_label(f, rules)
                    spans.append((s, e, lab))
                    for k in range(s, e):
                        taken[k] = True
            if text.strip():
                out.append((text, sorted(spans)))
    return out


def read_peoples_daily_text(path: str | os.PathLike) -> list[str]:
    """The plain text of People's Daily 1998 (PFR), one paragraph per item.

    Each line is ``ID/m  word/POS  [word/POS word/POS]nt ...``; the ID, the POS tags and the
    compound brackets are dropped.  Only the text is used (for pre-training character vectors,
    see :func:`pretrain_vectors`): its nr/ns/nt tags are not kg's label set.
    """
    p = Path(path)
    out: list[str] = []
    with open(_need(p), encoding="utf-8") as f:
        for line in f:
            tokens = line.split()
            words = []
            for tok in tokens[1:]:                         # tokens[0] is the paragraph id
                word = tok.lstrip("[").rsplit("/", 1)[0]
                if word:
                    words.append(word)
            if words:
                out.append("".join(words))
    return out


def build_lexicon(path: str | os.PathLike, min_count: int = 2) -> dict[str, set[str]]:
    """Words of People's Daily 1998 (PFR) by type, for the model's lexicon features
    (:func:`kg.ner.lexicon_features`): ``{"W": words, "P": person names, "L": place names,
    "O": organisation names}``.

    - a one-character ``nr`` token (a surname) is merged with the ``nr`` token after it
      (``江/nr 泽民/nr`` -> 江泽民), so that a list of names stays apart;
    - ``ns`` words and bracketed ``[...]ns`` compounds are places, ``nt`` words and ``[...]nt``
      compounds organisations;
    - every other word of 2 to 8 Han characters seen at least ``min_count`` times is a ``W`` word.
    Names of every count are kept.  Only words of 2 to :data:`kg.ner.LEXICON_MAX_WORD` Han
    characters are listed.
    """
    from kg.ner import LEXICON_MAX_WORD

    han = re.compile(r"^[\u3400-\u9fff]{2,%d}$" % LEXICON_MAX_WORD)
    words: Counter = Counter()
    out: dict[str, set[str]] = {"W": set(), "P": set(), "L": set(), "O": set()}
    typed = {"nr": "P", "ns": "L", "nt": "O"}
    p = Path(path)
    with open(_need(p), encoding="utf-8") as f:
        for line in f:
            tokens = line.split()[1:]
            name: list[str] = []            # the nr tokens of a person name being merged
            compound: list[str] | None = None
            for tok in tokens + ["/w"]:
                opens = tok.startswith("[")
                tok = tok.lstrip("[")
                word, _, pos = tok.rpartition("/")
                closing = None
                if "]" in pos:
                    pos, _, closing = pos.partition("]")
                if name and (pos != "nr" or len(name) > 1 or len(name[-1]) > 1):   # surname + given name
                    full = "".join(name)
                    if han.match(full):
                        out["P"].add(full)
                    name = []
                if pos == "nr":
                    name.append(word)
                if opens:
                    compound = []
                if compound is not None:
                    compound.append(word)
                    if closing is not None:
                        full = "".join(compound)
                        if closing in typed and han.match(full):
                            out[typed[closing]].add(full)
                        compound = None
                if pos in ("ns", "nt") and han.match(word):
                    out[typed[pos]].add(word)
                elif pos != "nr" and han.match(word):
                    words[word] += 1
    out["W"] = {w for w, n in words.items() if n >= min_count}
    return out


def pretrain_vectors(texts: Sequence[str], *, char_dim: int, bigram_dim: int, threads: int = 2,
                     seed: int = 1, epochs: int = 5, log=print) -> tuple[dict, dict]:
    """Skip-gram vectors (gensim word2vec) for characters and for character bigrams.

    Trained on unlabelled text before the tagger, they initialise its char and bigram
    embeddings (the "pre-trained char + bichar embeddings" of Zhang & Yang 2018's baselines).
    Returns ``({char: vector}, {bigram: vector})``.
    """
    try:
        from gensim.models import Word2Vec
    except ImportError as e:              # a training-only dependency: pip install -e ".[train]"
        raise KgError("pre-training vectors needs gensim: pip install -e \".[train]\"") from e
    from kg.ner import char_bigrams

    t0 = time.time()
    chars = [list(t) for t in texts if t]
    cm = Word2Vec(chars, vector_size=char_dim, window=5, min_count=2, sg=1, negative=10,
                  workers=threads, seed=seed, epochs=epochs)
    char_vecs = {w: cm.wv[w] for w in cm.wv.index_to_key}
    bigram_vecs: dict = {}
    if bigram_dim:
        bm = Word2Vec([char_bigrams(c) for c in chars], vector_size=bigram_dim, window=5, min_count=2, sg=1,
                      negative=10, workers=threads, seed=seed, epochs=epochs)
        bigram_vecs = {w: bm.wv[w] for w in bm.wv.index_to_key}
    log(f"pre-trained vectors on {len(chars)} texts, {sum(map(len, chars))} chars: {len(char_vecs)} chars, "
        f"{len(bigram_vecs)} bigrams in {time.time() - t0:.0f}s")
    return char_vecs, bigram_vecs


def init_embedding(weight, vocab, vectors: dict) -> int:
    """Copy pre-trained ``vectors`` into the rows of ``weight`` (an embedding matrix indexed by
    ``vocab``), each scaled to the norm of a N(0, 1) row (sqrt(dim)) like the rows it replaces.
    Returns the number of rows set; padding (row 0) and words without a vector keep their init."""
    import torch

    dim = weight.size(1)
    n = 0
    with torch.no_grad():
        for token, idx in vocab.token_to_idx.items():
            vec = vectors.get(token)
            if vec is None or idx == 0:
                continue
            v = torch.tensor(list(map(float, vec)), dtype=weight.dtype)
            weight[idx] = v / (v.norm() + 1e-8) * dim ** 0.5
            n += 1
    return n


# --------------------------------------------------------------------------------------------
# Label mapping

def load_rules(path: str | os.PathLike | None = None) -> dict:
    p = Path(path) if path else PACKAGE_MODEL_DIR / RULES_FILE
    try:
        return json.loads(_need(p).read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise KgError(f"{p}: not valid JSON: {e}") from e


def org_subtype_label(surface: str, rules: dict) -> str:
    """GOV/COM/ORG for an organisation span that has no subtype in its corpus."""
    r = rules["org_subtype"]
    if any(surface.startswith(p) for p in r["other_prefixes"]):
        return r["other_fallback"]
    if any(surface.endswith(s) for s in r["company_suffixes"]):
        return "COM"
    if any(surface.endswith(s) for s in r["government_suffixes"]):
        return "GOV"
    return r["other_fallback"]


def map_corpus(samples: list[Sample], corpus: str, rules: dict) -> list[Sample]:
    """Map a corpus' own labels onto kg labels; unmapped labels become O."""
    table = rules["corpus_labels"][corpus]
    drop = set(rules.get("drop_spans", {}).get(corpus, []))
    out = []
    for text, spans in samples:
        mapped = []
        for s, e, lab in spans:
            new = table.get(lab)
            if not new or text[s:e] in drop:
                continue
            if new == "ORG*":
                new = org_subtype_label(text[s:e], rules)
            mapped.append((s, e, new))
        out.append((text, _non_overlapping(mapped)))
    return out


def _non_overlapping(spans: list[Span]) -> list[Span]:
    """Keep the longest of overlapping spans (CLUENER has a few nested/overlapping ones)."""
    kept: list[Span] = []
    for s, e, lab in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if all(e <= ks or s >= ke for ks, ke, _ in kept):
            kept.append((s, e, lab))
    return sorted(kept)


def post_titles(samples: list[Sample], rules: dict) -> list[str]:
    """Titles reliably annotated as POST in the (mapped) CLUENER/Resume training data."""
    cfg = rules["silver_post"]
    labelled = Counter(text[s:e] for text, spans in samples for s, e, lab in spans if lab == "POST")
    blob = "\n".join(text for text, _ in samples)
    # occurrences inside any POST span count as labelled: 书记 inside 党委书记 is still a post
    post_blob = "\n".join(text[s:e] for text, spans in samples for s, e, lab in spans if lab == "POST")
    titles = []
    for t, n in labelled.items():
        if n < cfg["min_count"] or not (cfg["min_len"] <= len(t) <= cfg["max_len"]) or t in cfg["exclude"]:
            continue
        if post_blob.count(t) / max(blob.count(t), 1) >= cfg["min_ratio"]:
            titles.append(t)
    titles = set(titles) | (set(cfg.get("include", [])) - set(cfg["exclude"]))
    return sorted(titles, key=lambda t: (-len(t), t))


def add_silver_posts(samples: list[Sample], titles: list[str]) -> tuple[list[Sample], int]:
    """Mark known titles as POST where the corpus left the text unlabelled (longest match first)."""
    out, added = [], 0
    by_first: dict[str, list[str]] = defaultdict(list)
    for t in titles:                      # already longest first
        by_first[t[0]].append(t)
    for text, spans in samples:
        covered = [False] * len(text)
        for s, e, _ in spans:
            for i in range(s, e):
                covered[i] = True
        new = list(spans)
        i = 0
        while i < len(text):
            hit = None
            for t in by_first.get(text[i], ()):
                if text.startswith(t, i) and not any(covered[i:i + len(t)]):
                    hit = t
                    break
            if hit:
                new.append((i, i + len(hit), "POST"))
                added += 1
                i += len(hit)
            else:
                i += 1
        out.append((text, sorted(new)))
    return out, added


# --------------------------------------------------------------------------------------------
# Scoring (span-level exact match)

def score_spans(gold: Sequence[Iterable[Span]], pred: Sequence[Iterable[Span]],
                labels: Sequence[str] | None = None) -> dict:
    """Exact-match span P/R/F1 per label and micro-averaged over all labels.

    ``gold`` and ``pred`` are parallel lists (one entry per sentence) of (start, end, label).
    Returns ``{"labels": {label: {p, r, f1, gold, pred, correct}}, "micro": {...}}`` with
    p/r/f1 as fractions in [0, 1].
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted")
    tp: Counter = Counter()
    ng: Counter = Counter()
    np_: Counter = Counter()
    for g, p in zip(gold, pred):
        gs, ps = set(g), set(p)
        for _, _, lab in gs:
            ng[lab] += 1
        for _, _, lab in ps:
            np_[lab] += 1
        for _, _, lab in gs & ps:
            tp[lab] += 1
    labs = list(labels) if labels else sorted(set(ng) | set(np_))

    def prf(c, gn, pn):
        p = c / pn if pn else 0.0
        r = c / gn if gn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": p, "r": r, "f1": f, "gold": gn, "pred": pn, "correct": c}

    per = {lab: prf(tp[lab], ng[lab], np_[lab]) for lab in labs}
    micro = prf(sum(tp[lab] for lab in labs), sum(ng[lab] for lab in labs), sum(np_[lab] for lab in labs))
    return {"labels": per, "micro": micro}


# --------------------------------------------------------------------------------------------
# Training data

def _split_long(text: str, spans: list[Span], max_len: int) -> list[Sample]:
    """Cut a training sentence into pieces of at most ``max_len`` chars, never inside an entity."""
    if len(text) <= max_len:
        return [(text, spans)]
    inside = [False] * (len(text) + 1)
    for s, e, _ in spans:
        for i in range(s + 1, e):
            inside[i] = True
    pieces, start = [], 0
    while len(text) - start > max_len:
        cut = None
        for i in range(start + max_len, start + max_len // 2, -1):   # prefer after punctuation
            if not inside[i] and text[i - 1] in "，。；！？、,;!?":
                cut = i
                break
        if cut is None:
            cut = next((i for i in range(start + max_len, start, -1) if not inside[i]), start + max_len)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(text)))
    return [(text[a:b], [(s - a, e - a, lab) for s, e, lab in spans if s >= a and e <= b]) for a, b in pieces]


def build_training_data(corpora: Path, use: Sequence[str] = ("cluener", "resume", "msra"),
                        msra_sentences: int | None = None, rules: dict | None = None,
                        seed: int = 1, max_len: int = 150, repeat: dict[str, int] | None = None,
                        log=print, with_corpus: bool = False) -> tuple[list, list, dict]:
    """Mapped training and model-selection samples.

    The selection (dev) set is held out of the *training* splits (10% of CLUENER train, Resume dev,
    1,000 MSRA train sentences), so CLUENER dev and MSRA test stay clean test sets.  ``repeat``
    up-samples a corpus' training part (``{"cluener": 2}``: each CLUENER sentence twice per epoch).
    Samples are ``(text, spans)``, or ``(text, spans, corpus)`` with ``with_corpus``.
    """
    repeat = repeat or {}
    rules = rules or load_rules()
    rng = random.Random(seed)
    trn: list[Sample] = []
    dev: list[Sample] = []
    stats: dict = {}
    gold_posts: list[Sample] = []
    if "cluener" in use:
        cl = _tag(map_corpus(read_cluener(corpora / "cluener2020" / "train.json"), "cluener", rules), "cluener")
        rng.shuffle(cl)
        n_dev = len(cl) // 10
        dev += cl[:n_dev]
        trn += cl[n_dev:] * repeat.get("cluener", 1)
        gold_posts += cl[n_dev:]
        stats["cluener"] = len(cl) - n_dev
    if "resume" in use:
        rs = _tag(map_corpus(read_char_tagged(corpora / "resume" / "train.char.bmes"), "resume", rules), "resume")
        trn += rs * repeat.get("resume", 1)
        gold_posts += rs
        dev += _tag(map_corpus(read_char_tagged(corpora / "resume" / "dev.char.bmes"), "resume", rules), "resume")
        stats["resume"] = len(rs)
    if "msra" in use:
        ms = map_corpus(read_char_tagged(corpora / "msra" / "train.bio"), "msra", rules)
        rng.shuffle(ms)
        titles = post_titles([(t, sp) for t, sp, _ in gold_posts], rules) if gold_posts else []
        ms, added = add_silver_posts(ms, titles)
        ms = _tag(ms, "msra")
        stats["silver_post_titles"] = len(titles)
        stats["silver_posts_added"] = added
        dev += ms[:1000]
        ms = ms[1000:]
        if msra_sentences is not None:
            ms = ms[:msra_sentences]
        trn += ms * repeat.get("msra", 1)
        stats["msra"] = len(ms)
    if "realpages" in use:
        # annotated real web pages (../shared/realpages/train), framed as MSRA sentences: kg tags
        # with MSRA's conventions, whose labels (PER/LOC/ORG) the real-page gold follows
        rp = _tag(read_realpages(corpora.parent / "realpages" / "train", rules), "msra")
        trn += rp * repeat.get("realpages", 1)
        stats["realpages"] = len(rp)
    if repeat:
        stats["repeat"] = dict(repeat)
    if not trn:
        raise KgError(f"no training corpus selected (use one of cluener, resume, msra, realpages; "
                      f"got {list(use)})")
    trn = [(*piece, c) for text, spans, c in trn for piece in _split_long(text, spans, max_len)]
    dev = [(*piece, c) for text, spans, c in dev for piece in _split_long(text, spans, max_len)]
    rng.shuffle(trn)
    stats["train_sentences"] = len(trn)
    stats["train_chars"] = sum(len(t[0]) for t in trn)
    stats["dev_sentences"] = len(dev)
    stats["train_label_counts"] = dict(Counter(lab for _, spans, _ in trn for _, _, lab in spans))
    if not with_corpus:
        trn, dev = [t[:2] for t in trn], [t[:2] for t in dev]
    return trn, dev, stats


def _tag(samples: list[Sample], corpus: str) -> list[tuple[str, list[Span], str]]:
    return [(text, spans, corpus) for text, spans in samples]


def _to_hanlp(samples: list, markers: dict[str, str] | None = None) -> list[dict]:
    """HanLP samples (char lists + BIO tags).  With ``markers`` (corpus -> token), each
    ``(text, spans, corpus)`` sample is framed by its corpus' marker token at both ends (tag O),
    so that one model learns each corpus' annotation conventions (see :mod:`kg.ner`, criteria)."""
    out = []
    for sample in samples:
        text, spans = sample[0], sample[1]
        chars, tags = list(text), spans_to_bio(len(text), spans)
        if markers:
            m = markers[sample[2]]
            chars, tags = [m, *chars, m], ["O", *tags, "O"]
        out.append({"token": chars, "tag": tags})
    return out


def patch_crf(component) -> None:
    """Work around the upstream HanLP bug: ``RNNTaggingModel`` passes ``crf_constraints`` (None)
    positionally as the CRF's ``batch_first``, so the CRF reads (batch, time) tensors as
    (time, batch).  The model is batch-first; say so."""
    crf = getattr(getattr(component, "model", None), "crf", None)
    if crf is not None:
        crf.batch_first = True


def train(out_dir: str | os.PathLike, corpora_dir_: str | os.PathLike | None = None, *,
          use: Sequence[str] = ("cluener", "resume", "msra"), msra_sentences: int | None = None,
          epochs: int = 10, embed: int = 100, hidden: int = 128, batch_size: int = 32, lr: float = 1e-3,
          drop: float = 0.5, patience: int = 5, threads: int = 2, seed: int = 1, max_len: int = 150,
          bigram_dim: int = 50, bigram_vocab: int = 20000, lexicon_dim: int = 0, train_metric: bool = False, half: bool = True,
          max_minutes: float | None = None, repeat: dict[str, int] | None = None, pretrain: bool = False,
          pretrain_epochs: int = 5, init_from: str | os.PathLike | None = None,
          embeddings_from: str | os.PathLike | None = None, rules_path: str | os.PathLike | None = None,
          criteria: bool = False, default_criterion: str = "msra", log=print) -> dict:
    """Train a char BiLSTM-CRF on the mapped corpora and save a HanLP component into ``out_dir``.

    ``bigram_dim`` > 0 adds char-bigram features (the ``bigram_vocab`` most frequent training
    bigrams, see :func:`kg.ner.char_bigrams`); 0 trains a plain char model.  ``train_metric``
    False skips HanLP's per-batch Viterbi decoding of the training batches (only for the progress
    display), which costs CPU time.  Returns a summary (data statistics, best selection-set F1,
    wall time, model size).  ``max_minutes`` stops before an epoch that would end past the budget
    (estimated from the previous epoch) and keeps the best epoch so far.  ``pretrain`` first trains
    skip-gram char and bigram vectors (:func:`pretrain_vectors`) on the training text plus the
    People's Daily 1998 text and initialises the embeddings with them; CLUENER dev and MSRA test
    text is never used.  ``init_from`` continues training from the weights of an earlier run on
    the same data (same vocabularies, e.g. with a lower ``lr``).  ``patience`` is HanLP's early
    stop (epochs without a better selection score); the learning rate is halved after 3 such
    epochs, so a patience above 3 lets the halved rate run.  ``criteria`` frames every sentence
    with a marker token of its corpus (:data:`kg.ner.CRITERIA`), so that the model learns each
    corpus' conventions separately; the model then tags with ``default_criterion``'s unless told
    otherwise.  With ``init_from``, a model trained without markers can be continued with them:
    embedding rows are copied by token, new tokens start random.  ``embeddings_from`` starts the
    embeddings alone from an earlier model's (by token), for a model of another shape (e.g. a
    smaller ``hidden``); the BiLSTM, output layer and CRF start fresh, and nothing is pre-trained.
    """
    if init_from is not None and embeddings_from is not None:
        raise KgError("--init-from and --embeddings-from exclude each other: the first continues a model "
                      "of the same shape, the second starts a new one from another model's embeddings")
    import torch
    from hanlp.components.ner.rnn_ner import RNNNamedEntityRecognizer

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    corpora = corpora_dir(corpora_dir_)
    rules = load_rules(rules_path)
    t0 = time.time()
    trn, dev, stats = build_training_data(corpora, use, msra_sentences, rules, seed, max_len, repeat, log,
                                          with_corpus=True)
    log(f"training data: {json.dumps(stats, ensure_ascii=False)}")
    from kg.ner import CRITERIA

    # corpora framed with another corpus' marker (realpages: msra's) add no marker of their own
    markers = {c: CRITERIA[c] for c in use if c in CRITERIA} if criteria else None
    if markers and default_criterion not in markers:
        raise KgError(f"default criterion {default_criterion!r} is not one of the corpora trained on "
                      f"({', '.join(use)})")
    hanlp_trn, hanlp_dev = _to_hanlp(trn, markers), _to_hanlp(dev, markers)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if markers:     # written first, so that a run stopped by hand can still be finalized
        from kg.ner import CRITERIA_FILE

        (out / CRITERIA_FILE).write_text(json.dumps({"markers": markers, "default": default_criterion},
                                                    ensure_ascii=False, indent=1), encoding="utf-8")

    rec = RNNNamedEntityRecognizer()
    embed_cfg = embed
    if bigram_dim:
        from hanlp.common.vocab import Vocab
        from kg.ner import BIGRAM_VOCAB, CharBigramEmbedding, char_bigrams

        counts = Counter(b for sample in hanlp_trn for b in char_bigrams(sample["token"]))
        bv = Vocab()
        for b, n in counts.most_common(bigram_vocab):
            if n < 2:
                break
            bv.get_idx(b)
        bv.lock()
        rec.vocabs[BIGRAM_VOCAB] = bv
        rec.vocabs["token"] = Vocab()            # keeps the vocab dict mutable so HanLP builds the rest
        stats["bigram_vocab"] = len(bv)
        stats["bigrams_seen"] = len(counts)
        if lexicon_dim:
            from kg.ner import LEXICON_TYPES, LEXICON_VOCAB

            pd98 = corpora / "peoples_daily_1998" / "199801.utf8.txt"
            lexicon = build_lexicon(pd98)
            lv = Vocab()
            for t in LEXICON_TYPES:
                for w in sorted(lexicon[t]):
                    lv.get_idx(t + w)
            lv.lock()
            rec.vocabs[LEXICON_VOCAB] = lv
            stats["lexicon"] = {t: len(lexicon[t]) for t in LEXICON_TYPES}
            log(f"lexicon from {pd98}: {stats['lexicon']}")
        embed_cfg = CharBigramEmbedding(char_dim=embed, bigram_dim=bigram_dim, lexicon_dim=lexicon_dim)
    elif lexicon_dim:
        raise KgError("lexicon features (--lexicon-dim) need bigram features (--bigram-dim > 0)")
    vectors: tuple[dict, dict] | None = None
    if pretrain and init_from is None and embeddings_from is None:   # the weights come from those
        texts = list(dict.fromkeys(t[0] for t in trn + dev))
        pd98 = corpora / "peoples_daily_1998" / "199801.utf8.txt"
        if pd98.is_file():
            texts += read_peoples_daily_text(pd98)
        vectors = pretrain_vectors(texts, char_dim=embed, bigram_dim=bigram_dim, threads=threads, seed=seed,
                                   epochs=pretrain_epochs, log=log)
    upstream_build = rec.build_model

    def build_model_patched(**kwargs):
        model = upstream_build(**kwargs)
        if model.crf is not None:
            model.crf.batch_first = True
        if init_from is not None:
            _load_weights_from(model, rec.vocabs, Path(init_from), log=log)
            log(f"weights initialised from {init_from}")
        elif embeddings_from is not None:
            _load_weights_from(model, rec.vocabs, Path(embeddings_from), log=log, embeddings_only=True)
            log(f"embeddings initialised from {embeddings_from}")
        elif vectors is not None and not stats.get("pretrained_rows"):
            emb = model.embed
            char_weight = emb.char.weight if bigram_dim else emb.weight
            rows = {"char": init_embedding(char_weight, rec.vocabs["token"], vectors[0])}
            if bigram_dim:
                rows["bigram"] = init_embedding(emb.bigram.weight, rec.vocabs[BIGRAM_VOCAB], vectors[1])
            stats["pretrained_rows"] = rows
            log(f"embeddings initialised from pre-trained vectors: {rows}")
        return model

    rec.build_model = build_model_patched       # instance attribute: fit() and load() use it
    history: list[float] = []

    def write_record(finished: bool, stopped_by_time_budget: bool = False) -> dict:
        """training.json: written after every epoch (``finished`` false) and at the end."""
        summary = {
            "stats": stats,
            "selection_f1": max(history) if history else None,
            "selection_f1_by_epoch": [round(x, 4) for x in history],
            "epochs_run": len(history),
            "finished": finished,
            "stopped_by_time_budget": stopped_by_time_budget,
            "seconds": round(time.time() - t0, 1),
            "size_bytes": sum(f.stat().st_size for f in out.iterdir() if f.is_file() and f.name != "training.json"),
            "params": dict(half=half, epochs=epochs, embed=embed, bigram_dim=bigram_dim, bigram_vocab=bigram_vocab,
                           lexicon_dim=lexicon_dim,
                           hidden=hidden, batch_size=batch_size, lr=lr, drop=drop, use=list(use),
                           msra_sentences=msra_sentences, threads=threads, seed=seed, max_minutes=max_minutes,
                           repeat=dict(repeat or {}), pretrain=pretrain, pretrain_epochs=pretrain_epochs,
                           patience=patience, init_from=None if init_from is None else str(init_from),
                           **({"embeddings_from": str(embeddings_from)} if embeddings_from is not None else {}),
                           criteria=criteria, default_criterion=default_criterion if criteria else None),
        }
        (out / "training.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        return summary
    upstream_eval = rec.evaluate_dataloader

    def evaluate_recorded(*args, **kwargs):
        loss, metric = upstream_eval(*args, **kwargs)
        history.append(float(metric.score))
        write_record(finished=False)          # a run stopped by hand keeps its record
        return loss, metric

    rec.evaluate_dataloader = evaluate_recorded
    if not train_metric:
        rec.fit_dataloader = lambda trn_, criterion, optimizer, metric, logger_, **kw: _lean_epoch(
            rec, trn_, criterion, optimizer, logger_, kw.get("ratio_width"))
    t_fit = time.time()
    epoch_starts: list[float] = []
    upstream_epoch = rec.fit_dataloader

    def epoch_with_budget(*args, **kwargs):
        now = time.time()
        if max_minutes and epoch_starts:
            last = now - epoch_starts[-1]
            if now - t_fit + last > max_minutes * 60:
                raise _OutOfTime()
        epoch_starts.append(now)
        return upstream_epoch(*args, **kwargs)

    rec.fit_dataloader = epoch_with_budget
    # HanLP's progress printer keeps the sys.stderr of the moment hanlp was first imported; a run
    # inside a captured stream that has since been closed (typer's CliRunner) would fail on it
    from hanlp.utils import log_util

    log_util._printer.out = sys.stderr
    stopped_early = False
    try:
        rec.fit(hanlp_trn, hanlp_dev, str(out), batch_size=batch_size, epochs=epochs, embed=embed_cfg,
                rnn_hidden=hidden, drop=drop, lr=lr, patience=patience, tagging_scheme="BIO",
                token_delimiter="", seed=seed, devices=-1)
    except _OutOfTime:
        stopped_early = True                    # the best epoch's weights are already on disk
        log(f"time budget of {max_minutes} min reached after {len(epoch_starts)} epochs")
    finalize_model_dir(out, half=half, rules_path=rules_path)
    return write_record(finished=True, stopped_by_time_budget=stopped_early)


class _OutOfTime(Exception):
    pass


def _load_weights_from(model, vocabs, src: Path, log=print, embeddings_only: bool = False) -> None:
    """Copy the weights of the model saved in ``src`` into ``model``.  Its tag vocabulary must equal
    the one just built from the training data.  Where the char or bigram vocabulary differs (a
    model trained without corpus markers continued with them), embedding rows are copied by
    token and tokens new to this run keep their fresh initialisation.  ``embeddings_only``: only
    the embeddings (``embed.*``: char and bigram rows by token, the lexicon projection), for a
    model of another shape; the rest keeps its fresh initialisation."""
    import torch

    try:
        saved = json.loads((src / "vocabs.json").read_text(encoding="utf-8"))
        state = torch.load(src / "model.pt", map_location="cpu", weights_only=True)
    except (OSError, ValueError) as e:
        raise KgError(f"{src}: cannot read a model to continue from ({e})") from None
    state = {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
    own = model.state_dict()
    from kg.ner import BIGRAM_VOCAB

    emb_param = {"token": "embed.char.weight", BIGRAM_VOCAB: "embed.bigram.weight"}
    for name, vocab in vocabs.items():
        tokens = [t for t, _ in sorted(vocab.token_to_idx.items(), key=lambda kv: kv[1])]
        theirs = saved.get(name, {}).get("idx_to_token")
        if theirs == tokens:
            continue
        if embeddings_only and name not in emb_param:
            continue
        if name == "tag" and theirs is not None and sorted(theirs) == sorted(tokens):
            _permute_tags(state, [theirs.index(t) for t in tokens])   # same tags, another order
            log(f"tag order differs from {src}; output and CRF rows permuted")
            continue
        param = emb_param.get(name)
        if param is None or param not in own or param not in state:
            raise KgError(f"{src}: its {name!r} vocabulary differs from this training data's; "
                          f"continue only with the corpora, --repeat and --seed it was trained with")
        if state[param].shape[1:] != own[param].shape[1:]:
            raise KgError(f"{src}: its {param} rows are {tuple(state[param].shape[1:])} wide, "
                          f"this model's {tuple(own[param].shape[1:])}")
        where = {t: i for i, t in enumerate(theirs or [])}
        rows = own[param].clone()
        copied = 0
        for i, t in enumerate(tokens):
            j = where.get(t)
            if j is not None and j < state[param].size(0):
                rows[i] = state[param][j]
                copied += 1
        state[param] = rows
        log(f"{name} embeddings: {copied} of {len(tokens)} rows copied by token from {src}")
    if embeddings_only:
        theirs_emb = {k: v for k, v in state.items() if k.startswith("embed.")}
        bad = sorted(k for k, v in theirs_emb.items() if k not in own or v.shape != own[k].shape)
        if bad:
            raise KgError(f"{src}: its embeddings {', '.join(bad)} are not this model's (another shape, "
                          "or none here: e.g. lexicon features on one side only)")
        state = {**own, **theirs_emb}
    model.load_state_dict(state)


def _permute_tags(state: dict, order: list[int]) -> None:
    """Reorder the tag dimension of the output layer and the CRF: new tag i = saved tag order[i]."""
    import torch

    idx = torch.tensor(order)
    for k in ("out.weight", "out.bias", "crf.start_transitions", "crf.end_transitions"):
        if k in state:
            state[k] = state[k].index_select(0, idx)
    if "crf.transitions" in state:
        state["crf.transitions"] = state["crf.transitions"].index_select(0, idx).index_select(1, idx)


def finalize_model_dir(out: str | os.PathLike, *, half: bool = True,
                       rules_path: str | os.PathLike | None = None) -> None:
    """Make a HanLP save directory a kg model directory: add ``labels.json`` and the training rules,
    optionally store the weights as float16, drop HanLP's ``train.log``.  Idempotent; also used
    for a run that was stopped by hand (its best epoch's weights are on disk).  A run with corpus
    markers wrote its ``criteria.json`` when it started; it stays as it is."""
    import torch
    from kg.ner import DEFAULT_LABELS, LABELS_FILE

    out = Path(out)
    if not (out / "model.pt").is_file() or not (out / "config.json").is_file():
        raise KgError(f"{out}: no HanLP model to finalize (model.pt/config.json missing)")
    src = Path(rules_path) if rules_path else PACKAGE_MODEL_DIR / RULES_FILE
    if src.resolve() != (out / RULES_FILE).resolve():
        shutil.copyfile(src, out / RULES_FILE)
    (out / LABELS_FILE).write_text(json.dumps({k: list(v) for k, v in DEFAULT_LABELS.items()}, indent=1),
                                   encoding="utf-8")
    if half:
        # float16 on disk halves the size; HanLP's load_state_dict copies the values back into
        # float32 parameters (docs/ner.md compares the scores of both).
        weights = out / "model.pt"
        state = torch.load(weights, map_location="cpu", weights_only=True)
        torch.save({k: v.half() if v.is_floating_point() else v for k, v in state.items()}, weights)
    train_log = out / "train.log"
    if train_log.exists():
        train_log.unlink()                      # HanLP's own log; kept out of the shipped dir


def _lean_epoch(rec, trn, criterion, optimizer, logger, ratio_width=None) -> None:
    """One training epoch like HanLP's RNNTagger.fit_dataloader, minus decoding the batch."""
    from torch import nn
    from hanlp.utils.time_util import CountdownTimer

    rec.model.train()
    timer = CountdownTimer(len(trn))
    total = 0.0
    for idx, batch in enumerate(trn):
        optimizer.zero_grad()
        out, mask = rec.feed_batch(batch)
        loss = rec.compute_loss(criterion, out, batch["tag_id"], mask)
        loss.backward()
        nn.utils.clip_grad_norm_(rec.model.parameters(), 5.0)
        optimizer.step()
        total += loss.item()
        timer.log(f"loss: {total / (idx + 1):.4f}", ratio_percentage=False, logger=logger, ratio_width=ratio_width)


# --------------------------------------------------------------------------------------------
# Evaluation

_KG_TO_LABEL = {("Person", None): "PER", ("Post", None): "POST", ("Organization", "government"): "GOV",
                ("Organization", "enterprise"): "COM", ("Organization", "other"): "ORG",
                ("Organization", None): "ORG", ("Place", None): "LOC"}


def _pred_labels(pred: list[tuple[int, int, str, str | None]]) -> list[Span]:
    out = []
    for s, e, typ, sub in pred:
        lab = _KG_TO_LABEL.get((typ, sub)) or _KG_TO_LABEL.get((typ, None))
        if lab:
            out.append((s, e, lab))
    return out


def _merge_org(spans: Iterable[Span]) -> list[Span]:
    return [(s, e, "ORG" if lab in ("GOV", "COM", "ORG") else lab) for s, e, lab in spans]


def evaluate(model_dir: str | os.PathLike | None, corpora_dir_: str | os.PathLike | None, dataset: str,
             *, batch_size: int = 64, threads: int | None = 1, criterion: str | None = "auto") -> dict:
    """Span-level exact-match scores of a model on ``dataset`` (cluener-dev, msra-test, resume-test).

    cluener-dev: gold mapped to kg labels (address and scene both -> LOC; book/movie/game ignored);
    also ``by_cluener_label`` (per original label, where the model's merged type matches) and
    ``org_any`` (GOV/COM/ORG merged).  msra-test: GOV/COM/ORG predictions count as ORG, POST is
    ignored (MSRA has no posts).

    ``criterion`` applies to a model trained with corpus markers: "auto" tags with the
    dataset's own corpus conventions (cluener for cluener-dev ...), None with the model's
    default, or a corpus name.
    """
    from kg.ner import DEFAULT_MODEL_DIR, NerTagger, read_criteria

    if dataset not in DATASETS:
        raise KgError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
    corpora = corpora_dir(corpora_dir_)
    rules = load_rules(Path(model_dir) / RULES_FILE if model_dir and (Path(model_dir) / RULES_FILE).exists()
                       else None)
    if dataset == "cluener-dev":
        raw = read_cluener(corpora / "cluener2020" / "dev.json")
        gold = [[(s, e, CLUENER_EVAL[lab]) for s, e, lab in spans if lab in CLUENER_EVAL] for _, spans in raw]
    elif dataset == "msra-test":
        raw = read_char_tagged(corpora / "msra" / "test.bio")
        gold = [spans for _, spans in raw]
    else:
        raw = read_char_tagged(corpora / "resume" / "test.char.bmes")
        gold = [[(s, e, lab) for s, e, lab in spans] for _, spans in map_corpus(raw, "resume", rules)]
    texts = [t for t, _ in raw]
    if criterion == "auto":
        has_markers = read_criteria(model_dir or DEFAULT_MODEL_DIR) is not None
        criterion = dataset.split("-")[0] if has_markers else None
    tagger = NerTagger.load(model_dir, threads=threads, criterion=criterion)
    t0 = time.time()
    pred = [_pred_labels(p) for p in tagger.tag_sentences(texts, batch_size=batch_size)]
    secs = time.time() - t0
    result: dict = {"dataset": dataset, "model": str(tagger.path), "version": tagger.version,
                    "criterion": tagger.criterion,
                    "sentences": len(texts), "chars": sum(map(len, texts)), "seconds": round(secs, 2)}
    if dataset == "msra-test":
        pred = [[sp for sp in _merge_org(p) if sp[2] != "POST"] for p in pred]
        result.update(score_spans(gold, pred, ["PER", "LOC", "ORG"]))
    elif dataset == "cluener-dev":
        result.update(score_spans(gold, pred, ["PER", "POST", "GOV", "COM", "ORG", "LOC"]))
        result["org_any"] = score_spans([_merge_org(g) for g in gold], [_merge_org(p) for p in pred],
                                        ["ORG"])["labels"]["ORG"]
        by = {}
        for lab, ours in CLUENER_EVAL.items():
            g = [[(s, e, lab) for s, e, lb in spans if lb == lab] for _, spans in raw]
            p = [[(s, e, lab) for s, e, lb in ps if lb == ours] for ps in pred]
            # precision against one CLUENER label is meaningless when two share a kg label (LOC)
            by[lab] = score_spans(g, p, [lab])["labels"][lab]
        result["by_cluener_label"] = by
    else:
        result.update(score_spans(gold, pred, ["PER", "POST", "GOV", "COM", "ORG", "LOC"]))
    return result


# --------------------------------------------------------------------------------------------
# option parsing for ``kg model train`` (the commands themselves are in kg/cli.py)

def _parse_repeat(text: str) -> dict[str, int]:
    """'cluener=2,resume=1' -> {'cluener': 2, 'resume': 1}."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, n = part.partition("=")
        if not sep or not n.strip().isdigit() or int(n) < 1:
            raise KgError(f"--repeat: expected corpus=N with N >= 1, got {part!r}")
        out[name.strip()] = int(n)
    return out


if __name__ == "__main__":   # pragma: no cover - the commands are ``kg model ...`` (kg/cli.py)
    sys.exit(f"kg.ner_train is library code; the command is: kg model {' '.join(sys.argv[1:])}")
