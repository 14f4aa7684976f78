"""Training pages with their names swapped: more examples for the span and pair models.

The span and pair models read a candidate's characters and bigrams (the body of a cluster's
name, the member's name, the agency's).  Trained on 211 pages, they learn the names of those
pages' topics as much as the way a page writes a relation, and on pages of other topics they
meet bigrams they never saw (session 36: the Cluster span model's out-of-fold F2 0.53 on train,
0.41 on dev).  An augmented copy of a training page keeps its text and swaps the names of its
gold records for the names of other pages' records of the same kind: a cluster's name for
another cluster's, an action's for another action's, a member enterprise's, a project's, a lead
agency's for another one's.  The words around them (the cues of a relation: lead words, list
marks, a cluster's head word) stay, so what a model learns from the copy is more of the cues and
less of the names.

A swap is made on the page as written (:attr:`Document.original`), and the copy is read again
through ingest, NER and the rules as any page is.  Each of a record's forms written in the page
is replaced by one of the donor record's forms (the one that ends as it does, then the nearest in
length: a quoted action's name by the donor's quoted form), all at once, longest form first at
each position; the donor is a name of about the same length (a brand's short name for a short
name).  The same replacement is applied to every form of every gold record of the page, so a
record whose name holds a swapped name (an organisation holding a place, a cluster holding its
member) follows.  The copy's gold is the page's with its
forms so replaced, under the copy's name: :func:`twin_name` ``(k, doc)``.

A copy is a twin of its page: a training keeps it in its page's fold (``kg.learned.train.train``'s
``extra_sources``), so that no out-of-fold score of a page comes from a model that learned from its
copy, and its donors are pages of that fold (``groups``), so that none comes from a model that
learned the page's names from another page's copy.  Deterministic: the donors are drawn with a
generator seeded by ``seed``, the copy's index and the page's name.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..evaluate import Gold, GoldRecord

# the kinds of names swapped, and where a gold record holds them: (record kind, entity type or
# member type, slot)
SWAPPED = {
    "cluster": ("entity", "Cluster", "name"),
    "action": ("entity", "Action", "name"),
    "project": ("entity", "Project", "name"),
    "enterprise": ("in_cluster", "Enterprise", "member"),
    "agency": ("leads_action", None, "agency"),
}
# a form with an inserted pinyin gloss, 局長(zhǎng): never a donor's form (the copy would carry
# a gloss where the page wrote none)
_GLOSS = re.compile(r"\([A-Za-z\u00C0-\u024F\u0300-\u036F ]+\)")
#: the shortest form swapped (a one-character form is written inside too many other words)
MIN_FORM = 2


def twin_name(k: int, doc: str) -> str:
    """The document name of the ``k``-th augmented copy of page ``doc``."""
    return f"aug{k}~{doc}"


@dataclass
class Augmented:
    """One augmented copy: its name, the page it copies, its text (as written), how many of the
    page's forms were swapped."""
    name: str
    source: str
    text: str
    swaps: int


def _names(records: Sequence[GoldRecord], kind: str) -> list[tuple[str, ...]]:
    """The form lists of ``records`` of one swapped kind (each list once)."""
    rkind, typ, slot = SWAPPED[kind]
    out, seen = [], set()
    for r in records:
        if r.kind != rkind:
            continue
        if rkind == "entity" and r.type != typ:
            continue
        if rkind == "in_cluster" and r.member_type != typ:
            continue
        forms = r.slots.get(slot) or ()
        if forms and forms[0] not in seen:
            seen.add(forms[0])
            out.append(forms)
    return out


def _donor_forms(forms: Sequence[str]) -> list[str]:
    """A donor record's forms: without pinyin glosses, each once, longest first."""
    out = []
    for f in forms:
        if len(f) >= MIN_FORM and not _GLOSS.search(f) and f not in out:
            out.append(f)
    return sorted(out, key=lambda f: (-len(f), f))


def _suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _closest(form: str, donor: Sequence[str]) -> str:
    """The donor form that replaces ``form``: the one that ends as it does (a cluster's head word,
    a company's legal word), then the nearest in length, then the longer."""
    return max(donor, key=lambda d: (min(_suffix(form, d), 4), -abs(len(d) - len(form)), len(d), d))


def augment(pages: dict[str, str], gold: Gold, copies: int = 1, seed: int = 13,
            kinds: Sequence[str] = tuple(SWAPPED), groups: dict[str, int] | None = None
            ) -> tuple[list[Augmented], Gold]:
    """``copies`` augmented copies of each page of ``pages`` (name -> text as written) whose gold
    is in ``gold``, and the copies' gold (their records, with the pages' headers).  A page with
    no name of ``kinds`` written in it gives no copy.

    ``groups`` (page -> group; a training's folds): a page's donors are pages of its own group
    only.  A copy is trained on wherever its page is, and held out with it; a name it took from
    a page of another fold would be learned by the models that score that page out of fold, and
    the out-of-fold scores (and so the thresholds) would flatter the models."""
    bad = sorted(set(kinds) - set(SWAPPED))
    if bad:
        raise ValueError(f"unknown kinds of names: {', '.join(bad)} (known: {', '.join(SWAPPED)})")
    by_doc: dict[str, list[GoldRecord]] = {}
    for r in gold.records:
        by_doc.setdefault(r.doc, []).append(r)
    # every page's names of each kind, as donors (a page never gives its own names)
    donors: dict[str, list[tuple[str, list[str]]]] = {k: [] for k in kinds}
    for doc in sorted(by_doc):
        if doc not in pages:
            continue
        for k in kinds:
            for forms in _names(by_doc[doc], k):
                df = _donor_forms(forms)
                if df:
                    donors[k].append((doc, df))
    out: list[Augmented] = []
    records: list[GoldRecord] = []
    exhaustive: dict[str, frozenset[str]] = {}
    for c in range(copies):
        for doc in sorted(pages):
            recs = by_doc.get(doc, [])
            text = pages[doc]
            rng = random.Random(f"{seed}:{c}:{doc}")
            mapping: dict[str, str] = {}
            used: set[str] = set()
            for k in kinds:
                pool = [d for d in donors[k] if d[0] != doc
                        and (groups is None or groups.get(d[0]) == groups.get(doc))]
                for forms in _names(recs, k):
                    written = sorted({f for f in forms if len(f) >= MIN_FORM and f in text},
                                     key=lambda f: (-len(f), f))
                    if not written or not pool:
                        continue
                    # a donor of about the length of the name (a brand's short name for a
                    # short name, a company's full name for a full one), from another page, not
                    # one already given on this page
                    n = len(written[0])
                    near = [d for d in pool if abs(len(d[1][0]) - n) <= max(2, n // 3)] or pool
                    for _try in range(8):
                        _d, df = near[rng.randrange(len(near))]
                        if df[0] not in used:
                            break
                    used.add(df[0])
                    for f in written:
                        mapping.setdefault(f, _closest(f, df))
            if not mapping:
                continue
            rx = re.compile("|".join(re.escape(f) for f in sorted(mapping, key=lambda f: (-len(f), f))))

            def swap(s: str) -> str:
                return rx.sub(lambda m: mapping[m.group()], s)

            name = twin_name(c, doc)
            for r in recs:
                slots = {k: tuple(dict.fromkeys(swap(f) for f in forms)) for k, forms in r.slots.items()}
                records.append(replace(r, doc=name, slots=slots, norm={}))
            if doc in gold.exhaustive:
                exhaustive[name] = gold.exhaustive[doc]
            out.append(Augmented(name, doc, swap(text), len(mapping)))
    return out, Gold(records=records, exhaustive=exhaustive, path=f"{gold.path} (augmented)")


def augmented_documents(docs: Sequence, gold: Gold, copies: int, folds: int, seed: int = 13, lexicon=None,
                        kinds: Sequence[str] = tuple(SWAPPED)) -> tuple[list, Gold, list[str]]:
    """:func:`augment` over ``docs`` (:class:`kg.model.Document`, read from their original text),
    the training documents of ``kg.learned.train.train`` with ``folds`` folds, in its order (each
    page's donors from its own fold): the copies as Documents (read again through ingest, with
    ``lexicon``'s ingest words), their gold, and the name of the page each copies (``train``'s
    ``extra_sources``)."""
    from ..ingest import prepare_text
    from .train import document_folds

    groups = dict(zip((d.id for d in docs), document_folds(len(docs), folds)))
    copied, copy_gold = augment({d.id: d.original for d in docs}, gold, copies=copies, seed=seed, kinds=kinds,
                                groups=groups)
    return ([prepare_text(a.text, a.name, lexicon) for a in copied], copy_gold, [a.source for a in copied])
