"""How kg's scores move when real pages arrive in another script, encoding or layout.

    python benchmarks/robustness.py                                  # realpages/dev, every variant
    python benchmarks/robustness.py --split train --variants latin1,cp1252 --keep /tmp/rb

The pages of a realpages split that are Simplified and carry no pinyin glosses (ingest says so:
``Document.traditional`` and the gloss pattern) are copied once as they are and once per
variant, each a transformation real pages show (issue 16):

* ``s2t`` / ``s2tw`` / ``s2hk``: Traditional script (OpenCC ``s2t``, ``s2tw``, ``s2hk``), written
  as UTF-8; ``mixed``: a tenth of the characters through ``s2t`` (stray Traditional characters);
* ``quotes``: the quotation marks of Hong Kong and Taiwan, 「」 for “” and 『』 for ‘’;
* ``big5``: ``s2tw`` written in Big5, ``gbk``: the page written in GBK;
* ``pinyin``: a tone-marked pinyin gloss after half the occurrences of ten characters
  (长(zhǎng), 区(qū) …);
* ``zw``: a zero-width space after 3% of the characters;
* ``emoji``: a pictograph (👍, 🔥 …) after a third of the commas, full stops and exclamation marks;
* ``html``: tags and character references after half the commas and full stops;
* ``latin1`` / ``cp1252``: the UTF-8 bytes read as Latin-1 / Windows-1252 (undefined bytes as C1
  controls, as browsers do), the result written as UTF-8;
* ``fullwidth``: ASCII letters, digits and marks in their full-width forms (２０２４年);
* ``crlf``: CRLF line ends and two ideographic spaces opening each paragraph;
* ``wrap``: every line hard-wrapped at 28 characters (text copied out of a PDF: continuation
  lines start at the margin);
* ``dupes``: every line written twice, each copy a paragraph of its own (a scraping repeat);
* ``md``: as Markdown: a ``#`` title, paragraphs apart, every fifth one in ``**bold**``;
* ``chrome``: navigation and sharing lines of a site's page around the text;
* ``padnames``: the two-character person names of the gold written padded to the width of
  three (王　伟) where they stand as list items (between 、 ， ： ； a line's edge or a space).

The gold is the split's, restricted to these pages; for the Traditional variants each surface
form's conversion is added to its record (the gold lists the forms a page writes).  Each copy is
built and scored as ``kg eval`` does (the shipped models, no cache).  The script, encoding and
noise variants should score as the clean copy: ingest undoes them; layout variants change what
the page says where (its first line, its line breaks), so they may move a little.  The texts stay
in the temporary directory (``--keep`` to look at them): none of them belongs in the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALPAGES = ROOT.parent / "shared" / "realpages"

# ten characters real pages gloss, with their tone-marked readings there
_GLOSSES = {"长": "zhǎng", "导": "dǎo", "区": "qū", "发": "fā", "运": "yùn", "项": "xiàng",
            "营": "yíng", "业": "yè", "专": "zhuān", "场": "chǎng"}
_EMOJI = ("\U0001f44d", "\U0001f525", "\U0001f449", "\U0001f389", "\U0001f600\ufe0f")
_CORNER = str.maketrans("“”‘’", "「」『』")
_HTML_BITS = ("<br/>", '</span><span class="x">', "&nbsp;", "<p>", "&ldquo;")
_CHROME_TOP = "首页 > 新闻中心 > 本地要闻\n【字体：大 中 小】 打印本页 关闭窗口\n"
_CHROME_END = "\n上一篇：下一篇：\n分享到：微信 微博 QQ空间\n"

VARIANTS = ("s2t", "s2tw", "s2hk", "mixed", "quotes", "big5", "gbk", "pinyin", "zw", "emoji", "html",
            "latin1", "cp1252", "fullwidth", "crlf", "wrap", "dupes", "md", "chrome", "padnames")
SCRIPT_VARIANTS = {"s2t": "s2t", "s2tw": "s2tw", "s2hk": "s2hk", "big5": "s2tw", "mixed": "s2t"}  # -> OpenCC


def _cp1252_as_browsers(data: bytes) -> str:
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def perturb(text: str, variant: str, rng: random.Random, convert: Callable[[str], str],
            names: frozenset[str] = frozenset()) -> bytes:
    """The bytes of ``text`` as variant ``variant`` writes them (``convert``: the OpenCC
    conversion of a script variant; ``names``: the page's two-character person names)."""
    if variant == "quotes":
        return text.translate(_CORNER).encode("utf-8")
    if variant == "mixed":
        return "".join(convert(c) if rng.random() < 0.1 else c for c in text).encode("utf-8")
    if variant in SCRIPT_VARIANTS:
        return convert(text).encode("big5" if variant == "big5" else "utf-8", errors="replace")
    if variant == "gbk":
        return text.encode("gbk", errors="replace")
    if variant == "pinyin":
        out = "".join(c + (f"({_GLOSSES[c]})" if c in _GLOSSES and rng.random() < 0.5 else "") for c in text)
    elif variant == "zw":
        out = "".join(c + ("\u200b" if rng.random() < 0.03 else "") for c in text)
    elif variant == "emoji":
        out = "".join(c + (rng.choice(_EMOJI) if c in "，。！" and rng.random() < 0.3 else "") for c in text)
    elif variant == "html":
        out = "".join(c + (rng.choice(_HTML_BITS) if c in "，。" and rng.random() < 0.5 else "") for c in text)
    elif variant == "latin1":
        out = text.encode("utf-8").decode("latin-1")
    elif variant == "cp1252":
        out = _cp1252_as_browsers(text.encode("utf-8"))
    elif variant == "crlf":
        out = "\r\n".join("\u3000\u3000" + line if line.strip() else line for line in text.split("\n"))
    elif variant == "wrap":      # a continuation line starts at the margin, as PDF text does
        out = "\n".join("\n".join(line[i:i + 28] if i == 0 else line[i:i + 28].lstrip()
                                  for i in range(0, max(len(line), 1), 28))
                        for line in text.split("\n"))
    elif variant == "fullwidth":
        out = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    elif variant == "dupes":
        out = "\n\n".join(p + "\n\n" + p for p in text.split("\n") if p.strip())
    elif variant == "md":
        lines = text.split("\n")
        out = "\n\n".join(["# " + lines[0]] + [("**" + x + "**" if k % 5 == 0 else x) for k, x in enumerate(lines[1:])
                                                if x.strip()])
    elif variant == "chrome":
        out = _CHROME_TOP + text + _CHROME_END
    elif variant == "padnames":
        out = text
        for x in sorted(names):
            out = re.sub(f"(?:(?<=^)|(?<=[、，,：:；; ])){re.escape(x)}(?=$|[、，,；; 。])",
                         x[0] + "\u3000" + x[1], out, flags=re.M)
    else:
        raise ValueError(f"unknown variant {variant!r}; known: {', '.join(VARIANTS)}")
    return out.encode("utf-8")


def clean_pages(split_dir: Path) -> list[Path]:
    """The split's pages that are Simplified and carry no pinyin gloss (the gloss pattern ingest
    deletes)."""
    from kg.ingest import _PINYIN_GLOSS_RE, load_document

    out = []
    for p in sorted((split_dir / "docs").glob("*.txt")):
        doc = load_document(p)
        if not doc.traditional and not _PINYIN_GLOSS_RE.search(doc.original):
            out.append(p)
    return out


def write_variant(pages: list[Path], gold_lines: list[dict], variant: str | None, out: Path) -> None:
    """``out/docs`` (the pages as ``variant`` writes them; None: as they are) and ``out/gold.jsonl``."""
    docs = out / "docs"
    docs.mkdir(parents=True)
    convert: Callable[[str], str] = str
    if variant == "quotes":
        convert = lambda x: x.translate(_CORNER)          # noqa: E731 (the gold's forms)
    elif variant in SCRIPT_VARIANTS:
        from opencc import OpenCC
        convert = OpenCC(SCRIPT_VARIANTS[variant]).convert
    rng = random.Random(7)
    names: dict[str, set[str]] = {}
    for r in gold_lines:
        if r.get("type") == "Person":
            names.setdefault(r["doc"], set()).update(x for x in r["name"] if len(x) == 2)
    for p in pages:
        text = p.read_text(encoding="utf-8")
        (docs / p.name).write_bytes(text.encode("utf-8") if variant is None else
                                    perturb(text, variant, rng, convert, frozenset(names.get(p.name, ()))))
    with open(out / "gold.jsonl", "w", encoding="utf-8") as f:
        for r in gold_lines:
            if variant in SCRIPT_VARIANTS or variant == "quotes":
                r = dict(r)
                for k, v in r.items():
                    if isinstance(v, list) and k != "exhaustive":
                        r[k] = v + [c for c in dict.fromkeys(convert(x) for x in v) if c not in v]
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def score_dir(d: Path) -> dict:
    from kg.evaluate import load_gold, load_predictions, score
    from kg.pipeline import build

    result = build([d / "docs"], None, use_cache=False, write_rdf=False)
    rep = score(load_gold(d / "gold.jsonl"), load_predictions([f.to_dict() for f in result.facts]))
    return rep.to_dict()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev", help="realpages split (dev, train)")
    ap.add_argument("--realpages", type=Path, default=REALPAGES)
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated; known: " + ", ".join(VARIANTS))
    ap.add_argument("--keep", type=Path, default=None, help="write the copies here (a new or empty "
                                                          "directory) and keep them")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = ap.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    split_dir = args.realpages / args.split
    if not (split_dir / "gold.jsonl").is_file():
        sys.exit(f"{split_dir}: no gold.jsonl (see ../shared/realpages/README.md)")
    pages = clean_pages(split_dir)
    names = {p.name for p in pages}
    gold_lines = [r for r in (json.loads(x) for x in open(split_dir / "gold.jsonl", encoding="utf-8"))
                  if r.get("doc") in names]
    if args.keep and args.keep.exists() and (not args.keep.is_dir() or any(args.keep.iterdir())):
        sys.exit(f"{args.keep}: not empty; --keep wants a new or empty directory")
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-robustness-"))
    rows = []
    try:
        for v in [None] + variants:
            d = work / (v or "clean")
            write_variant(pages, gold_lines, v, d)
            rep = score_dir(d)
            by = {k: rep["kinds"][k]["f1"] for k in ("holds_post", "leads_action", "in_cluster")}
            by.update({k: rep["entity_types"][k]["f1"] for k in ("Person", "Organization", "Place")})
            rows.append((v or "clean", rep["overall"], by))
            o = rep["overall"]
            print(f"{v or 'clean':8} overall {100 * o['f1']:5.1f}  TP {o['tp']:4d}  FP {o['fp']:4d}  FN {o['fn']:4d}  "
                  + "  ".join(f"{k} {100 * x:5.1f}" for k, x in by.items()), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(pages)} pages of {split_dir} (Simplified, no glosses)")
    if args.json:
        args.json.write_text(json.dumps([{"variant": v, "overall": o, "f1": by} for v, o, by in rows],
                                        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
