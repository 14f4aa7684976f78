"""Rule layer on top of the NER mentions: extra entities and the relations kg extracts.

``extract(doc, mentions, lexicon) -> DocResult`` adds the entity types the NER model does not
give (Project, Action, Cluster), strengthens Person / Organization / Post with grammar
(appositive post chains, bylines, organisation suffixes and abbreviations), and extracts

* ``holds_post(person, post, org)`` -- appositive chains ("市委副书记、市长贺海东"), bylines
  ("本报记者 阿柔娜"), "X的Y" forms and titles after a name ("习近平总书记");
* ``leads_action(agency, action)`` -- 牵头 statements and interview framing (the department
  whose head is interviewed leads the actions it says it carries out);
* ``in_cluster(member, cluster)`` -- projects (and the enterprises named in them) listed in a
  cluster's section ("全力推进…的新材料产业集群。建成投产A、B等项目…");
* ``part_of`` (organisation inside an organisation) and ``located_in`` (organisation or
  project whose name starts with a place).

All grammar words come from the lexicon (``kg/data/*.tsv``); this module only holds the
mechanics.  Offsets in mentions and evidence are analysis offsets into ``doc.text``.  Args
carry surface forms; :mod:`kg.resolve` turns them into canonical entities.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .lexicon import Lexicon
from .model import Arg, DocResult, Document, Evidence, Fact, Mention

_HAN = "\u4e00-\u9fff"
# characters that end a name / clause for the grammar (ASCII forms after NFKC included)
_HARD = set("，。；：！？、,.;:!?“”‘’\"'()（）《》<>【】[]{}—…·\n\r\t 　●■◆▲★/|")
_CLAUSE_END = set("，。；：！？,;:!?\n")
# function words that cannot be inside an organisation name in a post chain; the organisation
# starts after the last of them ("记者采访了市发改委党组书记…")
_ORG_CUTS = ("采访了", "专访", "采访", "访", "了", "的", "在", "是", "由", "对", "向", "被", "把",
             "让", "据", "从", "经", "同", "与", "跟", "请", "会见", "看望", "陪同", "任", "兼任",
             "的有", "还有", "包括")
# characters a person name does not start with
_NAME_BAD_FIRST = set("会的和及等们一要将在是了对就把被为与同向从兼任也还都已并其该各本全这那有无不处室部组团院厅局")
# function words that never occur inside a project / cluster / action name
_NAME_STOP = ("的", "了", "是", "在", "将", "把", "被")


# the next item of an enumeration after a clause end ("。二是", "；其三，", "。第四，")
_ENUM_OPEN = r"^\s*(?:[一二三四五六七八九十]+[是、]|其[一二三四五六七八九十][,，、]?|第[一二三四五六七八九十][,，、]|首先[,，]?|其次[,，]?|再次[,，]?|最后[,，]?|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、])"
_ENUM_NEXT = re.compile(r"[。；;！？!?]\s*(?:[二三四五六七八九十]是|其[二三四五六七八九十][,，、]?|第[二三四五六七八九十][,，、])")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"

# prepositions / verbs that can stand right before a place name
_PREP = ("按照", "根据", "围绕", "通过", "关于", "对于", "作为", "位于", "来自", "前往", "召开",
         "主持", "举行", "支持", "推动", "建设", "打造", "全力", "助力", "服务", "落户", "签约",
         "推进", "加快", "实施", "促进", "全面", "深化", "提升", "开展", "组织", "各级", "全体")
_PLACE_BAD = set("城都超上门股夜集全我本该各的和在是了与及对为副正任兼")
_FUNC = set("的在与和及对为是了从到于由向被把将让使经据访同给自赴至")


# "A有限公司(的)B项目": a project written after the company that owns it (groups: the company,
# an optional 的, the project)
_OWNED_PROJECT = re.compile(r"(.{2,30}?(?:公司|集团))(?!股份|有限|公司)(的?)(.+)$")


def _list_items(body: str, start: int) -> Iterable[tuple[int, str]]:
    """The items of a list "A、B和C及D" written at ``start``: (start of the item, item), items
    stripped of surrounding whitespace, empty ones skipped."""
    pos = start
    for raw in re.split(r"(、|和|及)", body):
        it = raw.strip()
        s_ = pos + (raw.find(it) if it else 0)
        pos += len(raw)
        if raw in ("、", "和", "及") or not it:
            continue
        yield s_, it


def city_names(text: str, mentions=(), prefixes: Iterable[str] = (),
               not_city: Iterable[str] = ()) -> tuple[Counter, Counter]:
    """Cities written as "X市" in ``text``: X is the longest run of 2-6 Han characters before
    市 that starts after a boundary (punctuation, a function word) or is an NER place.
    ``prefixes`` are words that may stand before a city name but are never part of it
    (places.tsv ``city_prefix``: 中共呼和浩特市委 names the city 呼和浩特市).
    ``not_city`` are words (places.tsv ``not_city``: 联合, 会同 …) that are never a city
    before 市 ("联合市发改委…" names no city 联合市).
    Returns (occurrences, occurrences opening an organisation name such as X市委)."""
    prefixes = sorted(prefixes, key=len, reverse=True)
    not_city = set(not_city)
    counts: Counter[str] = Counter()
    strong: Counter[str] = Counter()
    org_rx = re.compile(rf"^(?:委|人民政府|政府|人大|政协|纪委|[{_HAN}]{{1,12}}?(?:局|委员会|委|办公室|厅))")
    ner_places = {}
    for mm in mentions:
        if mm.type == "Place":
            ner_places[mm.end] = mm.start
    for m in re.finditer("市", text):
        e = m.start()
        cand = None
        if e in ner_places and 2 <= e - ner_places[e] <= 6:
            cand = text[ner_places[e]:e]
        else:
            for k in range(6, 1, -1):
                x = text[max(0, e - k):e]
                if len(x) < k or not re.fullmatch(f"[{_HAN}]+", x) or x[-1] in _PLACE_BAD \
                        or x[0] in _PLACE_BAD or any(c in _FUNC and c != "和" for c in x) \
                        or x.startswith(_PREP) or "市" in x:
                    continue
                left = text[e - k - 1] if e - k - 1 >= 0 else ""
                if not left or not _is_han(left) or left in _FUNC:
                    cand = x
                    break
        if cand is None:
            continue
        for pre in prefixes:
            if cand.startswith(pre) and len(cand) - len(pre) >= 2:
                cand = cand[len(pre):]
                break
        # "浙江省湖州市": the province before the city is no part of it
        cand = re.split("省|自治区", cand)[-1]
        if cand in not_city or len(cand) < 2:
            continue
        counts[cand + "市"] += 1
        if org_rx.match(text[m.end():m.end() + 14]):
            strong[cand + "市"] += 1
    # "浩特市" (after the 和 of 呼和浩特) is the tail of a longer city written elsewhere
    for c in sorted(counts, key=len):
        longer = [c2 for c2 in counts if c2 != c and c2.endswith(c)]
        if longer:
            c2 = max(longer, key=lambda x: counts[x])
            counts[c2] += counts.pop(c)
            strong[c2] += strong.pop(c, 0)
    return counts, strong


# characters that may not stand between a place ("X市") and a cut organisation span for the
# span to be extended back to the place ("芜湖市经|济和信息化局" is extended, "X市的|Y局" is not)
_GAP_FUNC = set("的和与在由及对向被把了是为从同跟将等并或")
_ADMIN_END = "市省区县盟旗州"


def place_extension(text: str, p: int, lo: int, is_place) -> int:
    """Start of "<place><1-3 characters>" ending at ``p`` when ``text[p-k:p]`` (k = 1..3,
    Han, no function character) follows a place ending in 市/省/区/县/盟/旗/州 that starts at or
    after ``lo``; ``p`` otherwise.  ``is_place(name)`` says whether a name is a place."""
    for k in (1, 2, 3):
        c = p - k
        if c - 1 < lo or not all(_is_han(ch) and ch not in _GAP_FUNC for ch in text[c:p]):
            break
        if text[c - 1] not in _ADMIN_END:
            continue
        # a bare 县/市/区 prefix opening the name ("。县经|济和信息化局"): the organ of the
        # document's own county / city
        if text[c - 1] in "市县区旗" and (c - 1 == 0 or not _is_han(text[c - 2]) or text[c - 2] in _FUNC):
            return c - 1
        for ln in range(8, 1, -1):
            a = c - ln
            if a < lo:
                continue
            cand = text[a:c]
            if not all(_is_han(ch) for ch in cand):
                continue
            if is_place(cand):
                return a
            # a district / county name standing alone ("，朝阳区市场监督管理局"): 2-5
            # characters after punctuation or a function word
            left = text[a - 1] if a > 0 else ""
            if 3 <= ln <= 6 and (not left or not _is_han(left) or left in _FUNC) \
                    and not any(ch in _GAP_FUNC for ch in cand[:-1]):
                return a
    return p


_SPLITTERS = set("，。；：！？、,;:!?“”‘’\n")


def _trim_mention(m: Mention, doc: Document) -> Mention | None:
    """Cut an NER span that runs over punctuation ("日,内蒙古…公司") to its last segment."""
    text = doc.text[m.start:m.end]
    # "A锂能）": a closing bracket without its opening one is no part of the name
    if text[-1:] in ")）" and "(" not in text and "（" not in text and len(text) > 3:
        text = text[:-1]
        m = Mention(m.doc_id, m.sent_index, m.start, m.end - 1, text, m.type, m.subtype, m.source, m.score)
    cut = max((i for i, c in enumerate(text) if c in _SPLITTERS), default=-1)
    # "A行动（市X局": an opening bracket left open inside the span starts a new name (a closed
    # one is part of it: "X科技（洛阳）有限公司")
    ob = max(text.rfind("("), text.rfind("（"))
    if ob > cut and ")" not in text[ob:] and "）" not in text[ob:]:
        cut = ob
    if m.type == "Organization":
        # "行动由市发改委": the organisation starts after a function word
        for w in ("由", "的", "了", "在", "是", "对", "向", "被", "把", "将", "经", "据"):
            i = text.rfind(w)
            # "市经信局": a function-word character right after a bare 市/县 prefix is a body word
            if i > cut and len(text) - i - 1 >= 2 \
                    and text[cut + 1:i] not in ("市", "区", "县", "旗", "盟", "省", "自治区"):
                cut = i
    if m.type == "Organization":
        after = doc.text[m.end:m.end + 4]
        for k in (1, 2):
            tail = text[-k:]
            if len(text) > k + 2 and any((tail + after).startswith(x) and len(x) > k
                                         for x in ("党组", "党委", "党工委", "书记", "副书记",
                                                   "主任", "局长", "副局长")):
                text = text[:-k]
                m = Mention(m.doc_id, m.sent_index, m.start, m.end - k, text, m.type,
                            m.subtype, m.source, m.score)
                break
    if cut < 0:
        return m
    s = m.start + cut + 1
    rest = doc.text[s:m.end]
    if len(rest.strip()) < 2:
        return None
    return Mention(m.doc_id, m.sent_index, s, m.end, rest, m.type, m.subtype, m.source, m.score)


@dataclass
class _Chain:
    start: int          # view offsets
    end: int            # end of the person name
    person: str
    person_start: int
    elements: list[tuple[str, str, str]]   # (org surface or "", org kind, title)
    interview: bool


class _View:
    """doc.text without in-word line breaks (a wrapped line joined inside a word), with a map
    back to doc.text offsets."""

    def __init__(self, text: str, byline_rx: re.Pattern[str] | None = None):
        keep: list[int] = []
        lines_start = 0
        for i, ch in enumerate(text):
            if ch == "\n":
                line = text[lines_start:i]
                prev_c = text[i - 1] if i > 0 else ""
                next_c = text[i + 1] if i + 1 < len(text) else ""
                nxt_line = text[i + 1:i + 9]
                joinable = (len(line.strip()) >= 15 and _is_han(prev_c) and _is_han(next_c)
                            and not (byline_rx is not None and byline_rx.match(nxt_line))
                            and prev_c not in "。！？"
                            # a web page's menu / tool line ("登录 | 注册", "[ 繁體版 ]") is no
                            # hard-wrapped prose
                            and not re.search(r"[|｜\[\]【】]", line)
                            and not re.match(r"^\s*(?:[（(][一二三四五六七八九十0-9]+[）)]|"
                                             r"[一二三四五六七八九十]+、|——)", line))
                lines_start = i + 1
                if joinable:
                    continue
            keep.append(i)
        self.map = keep
        self.text = "".join(text[i] for i in keep)
        # view offsets where a line break was removed before the character
        self.joins = [j for j in range(1, len(keep)) if "\n" in text[keep[j - 1]:keep[j]]]
        self.inv: list[int] = [0] * (len(text) + 1)
        j = 0
        for i in range(len(text) + 1):
            while j < len(keep) and keep[j] < i:
                j += 1
            self.inv[i] = j

    def to_doc(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            p = self.map[start] if start < len(self.map) else (self.map[-1] + 1 if self.map else 0)
            return p, p
        return self.map[start], self.map[end - 1] + 1


class _Extractor:
    def __init__(self, doc: Document, mentions: list[Mention], lex: Lexicon):
        self.doc = doc
        self.lex = lex
        self._gazetteer: set[str] | None = None
        media = self.lex.words("persons", "media_self")
        self.v = _View(doc.text, re.compile(
            "(?:" + "|".join(re.escape(w) for w in media) + ")?(?:实习|特约|首席)?(?:记者|通讯员)")
            if media else None)
        self.t = self.v.text
        # view offsets where the original had a line break that ingest already removed
        off, orig = doc.offsets, doc.original
        self.orig_breaks: list[int] = []
        if off and len(off) == len(doc.text) + 1:
            mp = self.v.map
            self.orig_breaks = [j for j in range(1, len(mp))
                                if "\n" in orig[off[mp[j - 1]] + 1:off[mp[j]]]]
        self.ner = [m for m in (_trim_mention(m, doc) for m in mentions) if m is not None]
        self.ner = self._cut_agency_verbs(self.ner)
        self.ner = self._join_party_prefix(self._extend_to_places(self.ner))
        self.mentions: list[Mention] = []
        self.facts: list[Fact] = []
        # NER mentions in view coordinates, by type
        self.ner_v: list[tuple[int, int, str, str | None, str]] = []
        for m in self.ner:
            s, e = self.v.inv[m.start], self.v.inv[m.end]
            if e > s:
                self.ner_v.append((s, e, m.type, m.subtype, self.t[s:e]))
        self.places = self._place_names()
        self.posts_rx = re.compile("|".join(re.escape(t) for t in
                                            sorted(lex.posts, key=lambda x: -len(x))))
        self.persons: dict[tuple[int, int], str] = {}        # view span -> source
        self.person_names: set[str] = set()
        self.actions: dict[tuple[int, int], str] = {}        # view span -> canonical text
        self.projects: dict[tuple[int, int], str] = {}
        self.project_owned: set[tuple[int, int]] = set()     # projects written after their company
        self.enterprises: dict[tuple[int, int], str] = {}
        self.orgs: dict[tuple[int, int], tuple[str, str | None]] = {}
        self.clusters: dict[tuple[int, int], str] = {}
        self.chains: list[_Chain] = []

    # ------------------------------------------------------------------ helpers
    def _cut_agency_verbs(self, mentions: list[Mention]) -> list[Mention]:
        """"联合市工业和信息化局" tagged as one organisation: a verb before an agency
        (action_patterns.tsv agency_verb) is no part of it when a 市/区/县/省 prefix or a
        place follows it."""
        verbs = sorted(self.lex.words("action_patterns", "agency_verb"), key=len, reverse=True)
        gaz = tuple(self.lex.words("places", "province") + self.lex.words("places", "city")
                    + self.lex.words("places", "name"))
        out = []
        for m in mentions:
            if m.type == "Organization":
                v = next((w for w in verbs if m.text.startswith(w)), None)
                rest = m.text[len(v):] if v else ""
                if v and len(rest) >= 3 and (rest[0] in "市区县省州旗盟" or rest.startswith(gaz)):
                    m = Mention(m.doc_id, m.sent_index, m.start + len(v), m.end, rest, m.type,
                                m.subtype, m.source, m.score)
            out.append(m)
        return out

    def _extend_to_places(self, mentions: list[Mention]) -> list[Mention]:
        """An organisation/place span that starts inside a city name ("浩特市教育局" in
        "呼和浩特市教育局") is extended to the start of the name."""
        text = self.doc.text
        names = set(self.lex.words("places", "city")) | set(self.lex.words("places", "province")) \
            | set(self.lex.words("places", "name"))
        counts, _ = city_names(text, prefixes=self.lex.words("places", "city_prefix"),
                                not_city=self.lex.words("places", "not_city"))
        names |= {c[:-1] for c in counts if len(c) >= 3}
        names = {n for n in names if len(n) >= 2}
        if not names:
            return self._trim_person_adverbs(mentions)
        rx = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
        spans = [(m.start(), m.end()) for m in rx.finditer(text)]
        admin = tuple(self.lex.words("places", "suffix"))

        def is_place(x: str) -> bool:
            return x in names or any(x.endswith(a) and x[:-len(a)] in names for a in admin) \
                or (len(x) >= 3 and x[-1] in _ADMIN_END and x[:-1] in names)

        out = []
        for m in mentions:
            if m.type in ("Organization", "Place"):
                for a, b in spans:
                    if a < m.start < b:
                        m = Mention(m.doc_id, m.sent_index, a, m.end, text[a:m.end], m.type,
                                    m.subtype, m.source, m.score)
                        break
            if m.type == "Organization":
                # the model's span starts 1-3 characters after "<place>市" ("济和信息化局")
                line = text.rfind("\n", 0, m.start) + 1
                a = place_extension(text, m.start, max(line, m.start - 12), is_place)
                if a < m.start and self.lex.ends_with_org_suffix(m.text):
                    m = Mention(m.doc_id, m.sent_index, a, m.end, text[a:m.end], m.type,
                                m.subtype, m.source, m.score)
            out.append(m)
        return self._trim_person_adverbs(out)

    def _trim_person_adverbs(self, mentions: list[Mention]) -> list[Mention]:
        """A model person span that swallowed the adverb after the name ("陆明也" in
        "陆明也表示") ends before the adverb."""
        text = self.doc.text
        advs = self.lex.words("persons", "adverb")
        out = []
        for m in mentions:
            if m.type == "Person":
                for a in advs:
                    if m.text.endswith(a) and len(m.text) - len(a) >= 2 \
                            and self._adverb_cut(text[m.end - len(a):m.end + 4]):
                        m = Mention(m.doc_id, m.sent_index, m.start, m.end - len(a),
                                    m.text[:-len(a)], m.type, m.subtype, m.source, m.score)
                        break
            out.append(m)
        return out

    def _join_party_prefix(self, mentions: list[Mention]) -> list[Mention]:
        """"中国共产党" + "呼和浩特市第十三届委员会": an organ written right after a party prefix
        (places.tsv ``city_prefix``) is one party organisation with it; the prefix alone is
        not a separate mention there."""
        text = self.doc.text
        prefixes = sorted(self.lex.words("places", "city_prefix"), key=len, reverse=True)
        joined: list[Mention] = []
        absorbed: set[tuple[int, int]] = set()
        for m in mentions:
            if m.type == "Organization" and m.text.endswith(("委员会", "委")):
                pre = next((p for p in prefixes if text.endswith(p, 0, m.start)), None)
                if pre and not m.text.startswith(prefixes[0][:1]):
                    a = m.start - len(pre)
                    absorbed.add((a, m.start))
                    m = Mention(m.doc_id, m.sent_index, a, m.end, text[a:m.end], m.type,
                                "party", m.source, m.score)
            joined.append(m)
        return [m for m in joined if (m.start, m.end) not in absorbed]

    def _place_names(self) -> set[str]:
        names = set(self.lex.words("places", "name")) | set(self.lex.words("places", "province"))
        for c in self.lex.words("places", "city"):
            names.add(c)
            if not c.endswith("盟"):
                names.add(c + "市")
        for s, e, typ, _sub, text in self.ner_v:
            if typ == "Place":
                names.add(text)
        # cities written in this document ("包头市" and "包头")
        counts, _strong = city_names(self.t, prefixes=self.lex.words("places", "city_prefix"),
                                     not_city=self.lex.words("places", "not_city"))
        for c in counts:
            names.add(c)
            names.add(c[:-1])
        return names

    def _is_place(self, text: str) -> bool:
        if not text:
            return False
        if text in self.places:
            return True
        return self._has_place_suffix(text)

    def _is_trade(self, item: str) -> bool:
        """A list item that names a trade (储能电池, 正极材料: starts with an industry term), not a
        company -- unless it ends in 公司/集团."""
        return item.startswith(tuple(self.lex.words("industry_terms", "term"))) \
            and not re.search("(?:公司|集团)$", item)

    def _is_place_by_form(self, text: str) -> bool:
        """A place by the gazetteer or by an administrative suffix -- not merely because the model
        tagged it so (it tags some brands written like places, e.g. X家居 in a list of enterprises)."""
        return bool(text) and (text in self._lex_places() or self._has_place_suffix(text))

    def _has_place_suffix(self, text: str) -> bool:
        for s in self.lex.words("places", "suffix"):
            if text.endswith(s) and 2 <= len(text) - len(s) + 1 and len(text) <= 8:
                body = text[: -len(s)]
                if len(body) >= 1 and all(_is_han(c) for c in body) \
                        and not self.lex.ends_with_org_suffix(body):
                    if len(s) == 1 and len(body) < 1:
                        return False
                    return True
        return False

    def _ner_at(self, start: int, typ: str) -> tuple[int, int] | None:
        best = None
        for s, e, t, _sub, _x in self.ner_v:
            if s == start and t == typ and (best is None or e > best[1]):
                best = (s, e)
        return best

    def _ner_spans(self, typ: str) -> set[tuple[int, int]]:
        return {(s, e) for s, e, t, _sub, _x in self.ner_v if t == typ}

    def _evidence(self, vstart: int, vend: int) -> Evidence:
        s, e = self.v.to_doc(vstart, vend)
        sent = self.doc.sentence_at(s) or self.doc.sentence_at(max(0, e - 1))
        if sent is None:
            return Evidence(self.doc.id, -1, s, e, self.doc.text[s:e])
        return Evidence(self.doc.id, sent.index, s, e, sent.text)

    def _mention(self, vstart: int, vend: int, typ: str, subtype: str | None, source: str,
                 score: float = 0.9, text: str | None = None) -> None:
        s, e = self.v.to_doc(vstart, vend)
        sent = self.doc.sentence_at(s)
        self.mentions.append(Mention(self.doc.id, sent.index if sent else -1, s, e,
                                     text if text is not None else self.doc.text[s:e],
                                     typ, subtype, source, score))

    def _fact(self, relation: str, args: dict[str, Arg], span: tuple[int, int], extractor: str,
              confidence: float) -> None:
        self.facts.append(Fact(relation, args, self._evidence(*span), extractor, confidence))

    def _clause_start(self, pos: int, stop: set[str] = _HARD) -> int:
        i = pos
        while i > 0 and self.t[i - 1] not in stop:
            i -= 1
        return i

    # ------------------------------------------------------------------ persons
    def _name_after(self, pos: int) -> tuple[int, int] | None:
        """A person name starting at ``pos`` (after a post title)."""
        t = self.t
        p = pos
        while p < len(t) and t[p] in " \u3000":
            p += 1
        if p >= len(t) or not _is_han(t[p]) or t[p] in _NAME_BAD_FIRST:
            return None
        run_end = p
        while run_end < len(t) and (_is_han(t[run_end]) or t[run_end] == "·") and run_end - p < 12:
            run_end += 1
        followers = self.lex.words("persons", "follower")
        not_person = set(self.lex.words("persons", "not_person"))
        scored: list[tuple[float, tuple[int, int]]] = []
        for k in (2, 3, 4):
            if p + k > run_end:
                break
            rest = t[p + k:run_end]
            name = t[p:p + k]
            if name in not_person or any(c in name for c in "的了是在"):
                continue
            if p + k == run_end:
                scored.append((1.5 if k <= 3 else 0.5, (p, p + k)))
            else:
                # an adverb between the name and its verb ends the name ("陆明|也表示"),
                # better than any cut that swallows it ("陆明也|表示")
                if self._adverb_cut(rest) and not any(name.startswith(f, 2) for f in followers):
                    scored.append((4, (p, p + k)))
                    continue
                f = next((f for f in followers if rest.startswith(f)), None)
                if f:
                    # a longer follower word is the better cut ("李建华|陪同" over "李建华陪|同")
                    scored.append((min(len(f), 3), (p, p + k)))
        cands = [sp for _sc, sp in scored]
        ner = self._ner_at(p, "Person")
        if ner and (t[ner[0]:ner[1]] in not_person or not self._person_supported(t[ner[0]:ner[1]])):
            ner = None
        if scored:
            top = max(sc for sc, _ in scored)
            best = [sp for sc, sp in scored if sc == top]
            pick = ner if ner in best else best[0]
            if top < 2 and pick != ner:
                # a weak cut ("市长热线", "市长信箱"): a name then starts with a common surname
                # or is written elsewhere in the document too
                surnames = set(self.lex.words("persons", "surname"))
                name = t[pick[0]:pick[1]]
                if not (name[0] in surnames or name[:2] in surnames or t.count(name) >= 2):
                    return None
            return pick
        if ner and ner[1] - ner[0] in (2, 3, 4, 5) and not cands:
            return ner
        if ner and 2 <= ner[1] - ner[0] <= 5:
            return ner
        # a name glued to the next words: keep the candidate that recurs in the document
        # followed by a follower word or punctuation ("伊德尔重大项目…" / "伊德尔表示"),
        # only in an interview header ("——访…主任伊德尔")
        if "访" not in t[max(0, pos - 40):pos]:
            return None
        for k in (3, 2, 4):
            if p + k > run_end:
                continue
            name = t[p:p + k]
            for m in re.finditer(re.escape(name), t):
                if m.start() == p:
                    continue
                after = t[m.end():m.end() + 3]
                if after[:1] in _HARD or any(after.startswith(f) for f in followers):
                    return (p, p + k)
        return None

    def _adverb_cut(self, rest: str) -> str | None:
        """The adverb ``rest`` starts with when a verb (a follower word), another adverb or
        punctuation follows it ("也表示", "随后指出"); None otherwise."""
        followers = self.lex.words("persons", "follower")
        advs = self.lex.words("persons", "adverb")
        for a in advs:
            if rest.startswith(a):
                after = rest[len(a):]
                if not after or not _is_han(after[0]) or any(after.startswith(f) for f in followers) \
                        or any(after.startswith(b) for b in advs) \
                        or any(after.startswith(v) for v in self.lex.words("persons", "adverb_verb")):
                    return a
        return None

    def _add_person(self, span: tuple[int, int], source: str) -> None:
        if span not in self.persons:
            self.persons[span] = source
            self.person_names.add(self.t[span[0]:span[1]])

    def bylines(self) -> None:
        not_person = set(self.lex.words("persons", "not_person"))
        for kind in ("byline", "bullet", "credit"):
            for rx in self.lex.patterns("persons", kind):
                for m in rx.finditer(self.t):
                    names_start = m.start("names")
                    raw = m.group("names")
                    pos = names_start
                    # which organisation employs the reporter
                    line_start = self.t.rfind("\n", 0, m.start()) + 1
                    before = self.t[line_start:m.start()]
                    org = None
                    wire = re.search(r"([\u4e00-\u9fff]{2,4}社)[\u4e00-\u9fff0-9月日]*电\s*[(（]?$",
                                     before)
                    if wire:
                        org = wire.group(1)
                    elif kind == "byline" and ("本报" in m.group(0) or "本报" in before):
                        org = "本报"
                    elif kind == "byline" and before.strip(" \u3000"):
                        # "X日报记者 张三 李四": the paper the model names right before the title
                        be = line_start + len(before.rstrip(" \u3000"))
                        org = next((x for a, b, typ, _s, x in self.ner_v
                                    if typ == "Organization" and line_start <= a and b == be), None)
                        # a model span that swallowed the title ("X日报记者")
                        org = org or next((self.t[a:m.start()] for a, b, typ, _s, x in self.ner_v
                                           if typ == "Organization" and line_start <= a
                                           and a + 2 <= m.start() < b and b <= m.end()
                                           and be == m.start()), None)
                    title_m = re.search(r"(实习记者|特约记者|首席记者|记者|通讯员)", m.group(0)) \
                        if kind == "byline" else None
                    # more names after spaces up to the line end ("记者 张三 李四"), each
                    # starting with a common surname
                    le = self.t.find("\n", m.end("names"))
                    le = len(self.t) if le < 0 else le
                    extra = self.t[m.end("names"):le]
                    surnames = set(self.lex.words("persons", "surname"))
                    if kind == "byline" and re.fullmatch(r"(?:[ \u3000]+[\u4e00-\u9fff]{2,3})+[ \u3000]*", extra) \
                            and all(x[0] in surnames and x not in self.lex.posts and x not in not_person
                                    and not self.lex.post_suffix(x) for x in extra.split()):
                        raw = raw + extra.rstrip(" \u3000")
                    for part in re.split(r"([、，,]|[ \u3000]+)", raw):
                        if part in ("、", "，", ",") or (part and not part.strip(" \u3000")):
                            pos += len(part)
                            continue
                        s = pos + (len(part) - len(part.lstrip(" \u3000")))
                        name = part.strip(" \u3000")
                        pos += len(part)
                        if name.endswith("摄") and len(name) > 2:
                            name = name[:-1]
                        if not (2 <= len(name) <= 5) or name in not_person or "本报" in name:
                            continue
                        span = (s, s + len(name))
                        self._add_person(span, kind)
                        if title_m and org:
                            args = {
                                "person": Arg(name, "Person"),
                                "post": Arg(title_m.group(1), "Post"),
                                "org": Arg(org, "Organization", "other"),
                            }
                            self._fact("holds_post", args, (m.start(), span[1]), "byline", 0.8)

    # ------------------------------------------------------------------ post chains
    def _org_part_start(self, estart: int, tstart: int) -> int:
        """Left edge of the organisation part of a chain element [estart, tstart)."""
        # a headline line joined before the chain ("X委员会召开会议|X委员会主任…"): the
        # organisation starts on the chain's own line when that part is a placed organisation
        for j in sorted(set(self.v.joins) | set(self.orig_breaks), reverse=True):
            if estart < j < tstart:
                part = self.t[j:tstart]
                if len(part) >= 4 and self.lex.ends_with_org_suffix(part) \
                        and any(self._is_place(part[:k]) for k in range(2, min(len(part) - 1, 8))):
                    estart = j
                # "登录 | 注册" + a line "区委书记…": a whole abbreviation opening the chain's
                # line is no continuation of a word that is no place
                elif self._abbr_match(part) and not self._is_place_by_form(self.t[estart:j]):
                    estart = j
                break
        seg = self.t[estart:tstart]
        cut = 0
        for w in _ORG_CUTS:
            i = seg.rfind(w)
            while i >= 0:
                end = i + len(w)
                # "访" inside 信访局 is part of a name
                if w == "访" and seg[end:end + 1] == "局":
                    i = seg.rfind(w, 0, i)
                    continue
                # "X经开区党工委", "X经济技术开发区管委会": 经 opens a zone's name
                if w == "经" and re.match(r"开区|济(?:技术)?开发区|济区", seg[end:]):
                    i = seg.rfind(w, 0, i)
                    continue
                cut = max(cut, end)
                break
        # "…在赣州市召开 / 本报记者 X": the byline's organisation is the paper itself, never the
        # headline joined before it
        for w in self.lex.words("persons", "media_self"):
            i = seg.rfind(w)
            if i > 0:
                return estart + i
        if cut:
            # "芜湖市经济和信息化局": 经 of 经济 is no cut when a place stands just before it
            ext = place_extension(self.t, estart + cut, estart, self._is_place)
            # ... but an interview verb before that place is none of it ("——访X市大数据局",
            # "专访了X市…局")
            if ext < estart + cut:
                region = self.t[ext:estart + cut]
                ends = [region.rfind(w) + len(w) for w in ("访", "了") if region.rfind(w) >= 0]
                if ends:
                    ext += max(ends)
            return ext
        return estart + cut

    def _classify_org(self, text: str) -> str:
        """"org", "place" or "" (not an organisation: the chain is not a post chain)."""
        if not text or any(c in _HARD for c in text) or len(text) > 30:
            return ""
        if self.lex.ends_with_org_suffix(text) or self._abbr_match(text):
            return "org"
        if self._is_place(text):
            return "place"
        for s, e, typ, _sub, x in self.ner_v:
            if x == text and typ in ("Organization", "Place") and len(x) >= 3:
                return "org" if typ == "Organization" else "place"
        # "<place>生态环境": a place followed by a department body without its suffix
        for p in sorted(self.places, key=len, reverse=True):
            if len(p) >= 2 and text.startswith(p) and len(text) - len(p) >= 2:
                return "org"
        m = re.match(rf"^[{_HAN}]{{2,6}}?(?:市|自治区|省|盟|县|旗)", text)
        if m and len(text) - m.end() >= 2 and self._is_place(m.group(0)):
            return "org"
        return ""

    def _abbr_match(self, text: str) -> bool:
        for a in self.lex.abbreviations:
            if a.scope == "whole":
                if "{place}" in a.short:
                    rx = "^" + re.escape(a.short).replace(re.escape("{place}"), f"[{_HAN}]{{2,8}}") + "$"
                    if re.match(rx, text):
                        return True
                elif text == a.short:
                    return True
            elif text.endswith(a.short):
                return True
        return False

    def post_chains(self) -> None:
        t = self.t
        for m in self.posts_rx.finditer(t):
            ts, te = m.start(), m.end()
            name = self._name_after(te)
            if name is None:
                continue
            # walk back over the chain elements separated by 、
            elements: list[tuple[int, int, int]] = []   # (element start, title start, title end)
            cur_ts, cur_te = ts, te
            while True:
                estart = cur_ts
                while estart > 0 and t[estart - 1] not in _HARD:
                    # "董事长兼总经理": 兼 after a title separates two elements like 、
                    if t[estart - 1] == "兼" and self.lex.post_suffix(t[max(0, estart - 9):estart - 1]):
                        break
                    estart -= 1
                # the title found by the regex may be the tail of a longer title
                el = t[estart:cur_te]
                title = self.lex.post_suffix(el) or t[cur_ts:cur_te]
                cur_ts = cur_te - len(title)
                ostart = self._org_part_start(estart, cur_ts)
                elements.append((ostart, cur_ts, cur_te))
                if ostart == estart and estart > 0 and t[estart - 1] in "、兼":
                    prev_end = estart - 1
                    prev_el_start = prev_end
                    while prev_el_start > 0 and t[prev_el_start - 1] not in _HARD:
                        if t[prev_el_start - 1] == "兼" and self.lex.post_suffix(
                                t[max(0, prev_el_start - 9):prev_el_start - 1]):
                            break
                        prev_el_start -= 1
                    prev = t[prev_el_start:prev_end]
                    pt = self.lex.post_suffix(prev)
                    if pt:
                        cur_ts, cur_te = prev_end - len(pt), prev_end
                        continue
                break
            elements.reverse()
            # "X的Y": an organisation before 的 owns a title standing alone
            first_os, first_ts, _ = elements[0]
            de_org = None
            if first_os == first_ts and first_os > 0 and t[first_os - 1] == "的":
                j = first_os - 1
                k = j
                while k > 0 and t[k - 1] not in _HARD:
                    k -= 1
                cand = t[self._org_part_start(k, j):j]
                if cand and (self.lex.ends_with_org_suffix(cand) or self._is_place(cand)
                             or self._abbr_match(cand)):
                    de_org = cand
            if any(os_ < ts_ and not self._classify_org(t[os_:ts_]) for os_, ts_, _ in elements) \
                    and not de_org:
                continue
            parsed: list[tuple[str, str, str]] = []
            prev_org: tuple[str, str] | None = None
            for idx, (os_, ts_, te_) in enumerate(elements):
                title = t[ts_:te_]
                info = self.lex.posts[title]
                org_text = t[os_:ts_]
                if idx == 0 and not org_text and de_org:
                    org_text = de_org
                kind = self._classify_org(org_text)
                # "内蒙古自治区党委书记": the party committee belongs to the organisation
                for pre in ("党委", "党工委", "党组"):
                    if kind == "place" and title.startswith(pre) and title[len(pre):] in self.lex.posts:
                        org_text, title = org_text + pre, title[len(pre):]
                        info = self.lex.posts[title]
                        kind = "org"
                        break
                if kind == "place":
                    org_text = info.place_org.replace("{place}", org_text) if info.place_org \
                        else org_text
                    kind = "org" if info.place_org else "place"
                if org_text:
                    parsed.append((org_text, kind, title))
                    prev_org = (org_text, kind)
                elif info.implied_org:
                    parsed.append((info.implied_org, "implied", title))
                    prev_org = (info.implied_org, "implied")
                elif prev_org is not None:
                    parsed.append((prev_org[0], "inherited", title))
                else:
                    parsed.append(("", "none", title))
            chain_start = elements[0][0]
            # "官渡区委书记A，区委副书记、区长B": a bare 区委 / 区人民政府 takes the district named
            # with its organ earlier in the same sentence
            ss_ = max(t.rfind(c, 0, chain_start) for c in "。！？!?\n") + 1
            named = {}
            # the organisations of earlier chains of the sentence, then of this chain's elements
            orgs_before = [o for ch0 in self.chains if ss_ <= ch0.start < chain_start
                           for o, _k, _t in ch0.elements] + [o for o, _k, _t in parsed]
            for o in orgs_before:
                om = re.fullmatch(rf"([{_HAN}]{{1,4}}[区县旗])(?:委|人民政府|政府)", o or "")
                if om and self._is_place(om.group(1)) and om.group(1)[:-1] not in ("本", "全", "该", "我") \
                        and not any(c in _FUNC for c in om.group(1)):
                    named[om.group(1)[-1]] = om.group(1)
            if named:
                parsed = [(named[o[0]] + o[1:], "org" if k_ in ("implied", "inherited") else k_, tt)
                          if o[:1] in named and re.fullmatch(r"[区县旗](?:委|人民政府|政府)", o) else (o, k_, tt)
                          for o, k_, tt in parsed]
            # "局党组书记、局长X" (the page's own body) / "副主任X" without organisation: the
            # organisation of the previous chain or of the headline, when the title fits it
            bare = set(self.lex.words("persons", "bare_org"))
            if parsed and all(k == "none" or (o in bare and k != "implied") for o, k, _t in parsed):
                carried = self._carried_org(chain_start, [tt for _o, _k, tt in parsed])
                if carried:
                    parsed = [(carried, "carried", tt) for _o, _k, tt in parsed]
            pre = t[max(0, chain_start - 3):chain_start]
            interview = pre.endswith("访") and ("——" in t[max(0, chain_start - 4):chain_start]
                                               or "—" in pre)
            person = t[name[0]:name[1]]
            # "本报记者专访了X局局长Y" in an article whose answers are labelled "Y：": an interview
            # without a ——访 header
            if not interview and re.search(r"(?:专访|采访|访问)了?$", t[max(0, chain_start - 4):chain_start]) \
                    and re.search(rf"(?m)^[ \t\u3000]*{re.escape(person)}[ \t\u3000]*[:：]", t[name[1]:]):
                interview = True
            if not any(o for o, _k, _t in parsed) and name not in self._ner_spans("Person"):
                continue
            ch = _Chain(chain_start, name[1], person, name[0], parsed, interview)
            self.chains.append(ch)
            self._add_person(name, "post_chain")
            self._mention(ts, te, "Post", None, "post_chain", 0.9)
            # "副主任乙、丙": the title and its organisation hold for every listed name
            names = [name]
            q = name[1]
            while q < len(t) and t[q] == "、":
                seg_end = q + 1
                while seg_end < len(t) and t[seg_end] not in _HARD:
                    seg_end += 1
                if self.posts_rx.search(t, q + 1, seg_end):
                    break
                nx = self._name_after(q + 1)
                if nx is not None and nx[1] - nx[0] >= 3 and t[nx[1] - 1] == "等":
                    nx = (nx[0], nx[1] - 1)     # "乙、丙等参加"
                if nx is None or nx[0] != q + 1 or nx[1] - nx[0] > 4:
                    break
                names.append(nx)
                q = nx[1]
            for nx in names[1:]:
                self._add_person(nx, "post_chain")
            for org_text, kind, title in parsed:
                if not org_text:
                    continue
                conf = {"org": 0.9, "place": 0.85, "implied": 0.85, "inherited": 0.85,
                        "carried": 0.75}[kind]
                for nx in names:
                    args = {"person": Arg(t[nx[0]:nx[1]], "Person"), "post": Arg(title, "Post"),
                            "org": Arg(org_text, "Organization", self.lex.org_subtype(org_text))}
                    self._fact("holds_post", args, (chain_start, nx[1]), "post_chain", conf)
            if elements[0][0] < elements[0][1]:
                os_, ts_, _ = elements[0]
                txt = t[os_:ts_]
                if self._classify_org(txt) == "org":
                    self.orgs.setdefault((os_, ts_), (txt, self.lex.org_subtype(txt)))

    def _title_fits(self, org: str, titles: list[str]) -> bool:
        """persons.tsv title_org: 主任 needs …委员会/办公室/中心, X长 needs an organisation
        ending in X (局长 -> …局); other titles are never carried."""
        compat = {}
        for v in self.lex.words("persons", "title_org"):
            k, _, sufs = v.partition("=")
            compat[k] = tuple(x for x in sufs.split("|") if x)
        for title in titles:
            core = re.sub("^(?:常务副|副|代理)", "", title)
            if core in compat:
                ok = org.endswith(compat[core])
            elif core.endswith("长") and len(core) >= 2:
                ok = org.endswith(core[-2])
            else:
                ok = False
            if not ok:
                return False
        return True

    def _orgs_between(self, a: int, b: int) -> set[str]:
        spans = [(x, y) for x, y, typ, _s, _x in self.ner_v if typ == "Organization"] + list(self.orgs)
        spans += [(ch.start, ch.end) for ch in self.chains
                  if any(k in ("org", "inherited") for _o, k, _t in ch.elements)]
        out = set()
        for x, y in spans:
            if a <= x and y <= b:
                if (x, y) in self.orgs:
                    out.add(self.orgs[(x, y)][0])
                elif any(ch.start == x and ch.end == y for ch in self.chains):
                    ch = next(ch for ch in self.chains if ch.start == x and ch.end == y)
                    out |= {o for o, k, _t in ch.elements if o and k in ("org", "inherited")}
                else:
                    out.add(self.t[x:y])
        return out

    def _org_core(self, name: str) -> str:
        """An organisation's name without its place prefix and with body abbreviations written
        out (西宁市发改委, 市发改委 and 西宁市发展和改革委员会 share one core)."""
        core = re.sub(rf"^[{_HAN}]{{0,8}}?(?:市|县|区|旗|盟|省)(?=[{_HAN}]{{2}})", "", name)
        for ab in sorted(self.lex.abbreviations, key=lambda a: len(a.short), reverse=True):
            if ab.scope == "body" and "{" not in ab.full and core.endswith(ab.short):
                core = core[: -len(ab.short)] + ab.full
                break
        return core

    def _blocking_orgs(self, a: int, b: int, org: str, titles: list[str]) -> set[str]:
        """Organisations named in [a, b) that could hold the titles instead of ``org``: the same
        body written otherwise (市发改委) and bodies the titles do not fit (an enterprise for 副
        局长) block nothing."""
        core = self._org_core(org)
        return {o for o in self._orgs_between(a, b)
                if self._org_core(o) != core and self._title_fits(o, titles)}

    def _carried_org(self, start: int, titles: list[str]) -> str | None:
        """The organisation a title written without one refers to: the previous chain's (same
        paragraph or previous sentence) or the headline's single organisation, never across
        another organisation named in between, and only when the title fits it."""
        t = self.t
        bare = set(self.lex.words("persons", "bare_org"))
        for ch in reversed(self.chains):
            if ch.end > start:
                continue
            gap = t[ch.end:start]
            if "\n" in gap and len(re.findall("[。！？!?]", gap)) > 1:
                break
            org = next((o for o, k, _t in reversed(ch.elements)
                        if o and k in ("org", "inherited") and o not in bare), None)
            if org and self._title_fits(org, titles) and not (
                    self._blocking_orgs(ch.end, start, org, titles) - {org}):
                return org
            break
        # the heading lines: up to three lines before the first one holding a sentence end
        # (a navigation line, the headline, a 来源/date line)
        bounds = sorted(set(self.v.joins) | {m.end() for m in re.finditer("\n", t)})
        hl_end = 0
        for b in bounds[:3]:
            if re.search("[。！？!?]", t[hl_end:b]):
                break
            hl_end = b
        if hl_end == 0:
            return None
        names = {n for n in self._orgs_between(0, hl_end) if n not in bare and len(n) >= 4}
        # a navigation word joined before the headline's organisation ("工作动态X委员会") is the
        # same organisation
        names = {n for n in names if not any(m != n and n.endswith(m) for m in names)}
        # navigation words the model tags (新闻中心) do not hold a 副局长
        names = {n for n in names if self._title_fits(n, titles)}
        if len(names) != 1:
            return None
        org = names.pop()
        if not self._title_fits(org, titles) or (self._blocking_orgs(hl_end, start, org, titles) - {org} - bare):
            return None
        return org

    def _surname_name(self, end: int, lengths=(3, 2)) -> tuple[int, int] | None:
        """A 2-3 character name ending at ``end`` that starts with a common surname."""
        t = self.t
        surnames = set(self.lex.words("persons", "surname"))
        for k in lengths:
            s = end - k
            if s < 0 or not all(_is_han(c) for c in t[s:end]):
                continue
            if t[s] in surnames or t[s:s + 2] in surnames:
                return (s, end)
        return None

    def titles_after_names(self) -> None:
        """"习近平总书记": a title that may follow the name of its holder."""
        titles = [p.title for p in self.lex.posts.values() if p.after_name and p.implied_org]
        if not titles:
            return
        ner_person = {(a, b) for a, b, typ, _s, _x in self.ner_v if typ == "Person"}
        known = set(self.person_names) | {x for _a, _b, typ, _s, x in self.ner_v
                                          if typ == "Person"}
        rx = re.compile("|".join(re.escape(x) for x in sorted(titles, key=len, reverse=True)))
        for m in rx.finditer(self.t):
            ts = m.start()
            span = next(((a, b) for (a, b) in ner_person if b == ts and 2 <= b - a <= 4), None)
            if span is None:
                span = next(((ts - len(n), ts) for n in sorted(known, key=len, reverse=True)
                             if 2 <= len(n) <= 4 and self.t[max(0, ts - len(n)):ts] == n), None)
            if span is None:
                span = self._surname_name(ts)
            if span is None:
                continue
            # the title here must not open a post chain of its own ("总书记习近平")
            name = self.t[span[0]:span[1]]
            if span[0] > 0 and self.t[span[0] - 1] in "、" or name in self.lex.posts:
                continue
            info = self.lex.posts[m.group(0)]
            args = {"person": Arg(name, "Person"), "post": Arg(m.group(0), "Post"),
                    "org": Arg(info.implied_org, "Organization")}
            self._add_person(span, "title_after_name")
            self._fact("holds_post", args, (span[0], m.end()), "title_after_name", 0.85)

    def listed_persons(self) -> None:
        """Names listed with known persons ("石泰峰、李书磊、…沈跃跃出席") and a surname-led
        2-3 character name opening a clause before a reporting verb ("谌贻琴主持大会")."""
        t = self.t
        known = {(a, b) for a, b, typ, _s, _x in self.ner_v if typ == "Person"} | set(self.persons)
        surnames = set(self.lex.words("persons", "surname"))
        verbs = ("主持", "出席", "表示", "指出", "强调", "介绍", "讲话", "参加", "涉嫌")
        for m in re.finditer(rf"[{_HAN}]{{2,4}}(?:、[{_HAN}]{{2,4}})+", t):
            items = []
            pos = m.start()
            for it in m.group(0).split("、"):
                items.append((pos, pos + len(it)))
                pos += len(it) + 1
            # the last item may run into the verb: "沈跃跃出席大会"
            hits = [sp for sp in items if sp in known]
            if len(hits) < 2:
                # a list of surname-led 2-3 character names closed by 等 or a reporting verb
                after = t[m.end():m.end() + 2]
                sur = [sp for sp in items if sp[1] - sp[0] <= 3 and
                       (t[sp[0]] in surnames or t[sp[0]:sp[0] + 2] in surnames)]
                last = items[-1]
                tail_verb = any(t[last[0]:].startswith(t[last[0]:last[0] + k] + v)
                                for k in (2, 3) for v in verbs)
                if len(items) >= 3 and len(sur) >= max(3, (2 * len(items) + 2) // 3) \
                        and (after.startswith("等") or tail_verb) \
                        and all(t[a:b] not in self.places and not self.lex.ends_with_org_suffix(t[a:b])
                                for a, b in items):
                    for a, b in sur:
                        self._add_person((a, b), "list")
                    if last not in sur:
                        cand = self._name_after(last[0])
                        if cand and cand[1] <= last[1] and (t[cand[0]] in surnames):
                            self._add_person(cand, "list")
                continue
            for a, b in items:
                if (a, b) in known:
                    continue
                # "副市长李静怡、…": the first item runs into the title before a known name
                if any(kb == b and a < ka for ka, kb in known):
                    continue
                if b - a <= 3:
                    self._add_person((a, b), "list")
                else:
                    cand = self._name_after(a)
                    if cand and cand[1] <= b:
                        self._add_person(cand, "list")
        preceders = "".join(f"|(?<={re.escape(w)})" for w in self.lex.words("persons", "preceder"))
        for m in re.finditer(rf"(?:^|(?<=[。,，;；:：!！?？\n、]){preceders})([{_HAN}]{{2,3}}?)"
                             rf"(?:{'|'.join(verbs)})", t):
            a, b = m.start(1), m.end(1)
            name = t[a:b]
            if (a, b) in known or name[0] not in surnames or name in self.lex.posts:
                continue
            if any(c in name for c in "的了是在和与会市区县局委省国党"):
                continue
            self._add_person((a, b), "reporting_verb")

    # ------------------------------------------------------------------ organisations
    def org_grammar(self) -> None:
        """Organisation short forms (市发改委, 市委, 中共中央) and the prefix+body+suffix grammar."""
        t = self.t
        whole = [a.short for a in self.lex.abbreviations
                 if a.scope == "whole" and "{" not in a.short]
        body = [a.short for a in self.lex.abbreviations if a.scope == "body"]
        prefixes = ["市", "区", "县", "旗", "盟", "省", "自治区"]
        places = sorted((p for p in self.places if len(p) >= 2), key=len, reverse=True)
        pre_rx = "|".join(re.escape(p) for p in places + prefixes)
        # body abbreviations after a prefix
        if body:
            rx = re.compile(f"(?:{pre_rx})(?:{'|'.join(re.escape(b) for b in sorted(body, key=len, reverse=True))})(?![员会])")
            for m in rx.finditer(t):
                if self._mid_word_prefix(m.start(), m.group(0), places):
                    continue
                self.orgs.setdefault((m.start(), m.end()), (m.group(0), "government"))
        # 市/区/县 + body + 局/委/办... (body without function words)
        sufs = ["委员会", "办公室", "局", "委", "厅", "办"]
        rx = re.compile(f"(?:{pre_rx})([{_HAN}]{{1,10}}?)(?:{'|'.join(sufs)})(?![{_HAN}]{{0}}会)")
        non_prefix = ("场", "民", "容", "政", "本级", "级", "区")
        for m in rx.finditer(t):
            b = m.group(1)
            if self._mid_word_prefix(m.start(), m.group(0), places):
                continue
            # 市政务服务…局 / 市民政局 / 市民族事务委员会 are 市 + a body starting with 政/民
            if (b.startswith(non_prefix) and not b.startswith(("政务", "民政", "民族", "民宗")))\
                    or any(w in b for w in _NAME_STOP + ("和平", "各", "全", "成立", "与", "等", "由",
                                                         "行动", "工程", "计划", "牵头", "、")):
                continue
            if m.start() > 0 and t[m.start() - 1] == "市" and not t[m.start():].startswith("市市"):
                pass
            self.orgs.setdefault((m.start(), m.end()), (m.group(0), "government"))
        for w in sorted(whole, key=len, reverse=True):
            if len(w) < 2 or w in ("国家", "中国", "我国"):
                continue
            for m in re.finditer(re.escape(w), t):
                # "市委" inside "呼和浩特市委" still names the same organ; keep the longer span
                self.orgs.setdefault((m.start(), m.end()), (w, None))
        # "来源：X县融媒体中心　作者：…", "主办：X县人民政府办公室": the body a page credits
        labels = self.lex.words("persons", "source_label")
        if labels:
            rx = re.compile(rf"(?:{'|'.join(re.escape(w) for w in labels)})[:：]\s*([{_HAN}]{{4,24}}?)"
                            rf"(?=[\s|｜]|作者|编辑|记者|发布|日期|时间|浏览|$)")
            for m in rx.finditer(t):
                if self.lex.ends_with_org_suffix(m.group(1)):
                    self.orgs.setdefault((m.start(1), m.end(1)),
                                         (m.group(1), self.lex.org_subtype(m.group(1))))
        # "<place>市委" / "<place>党委" / "<place>政府"
        for a in self.lex.abbreviations:
            if a.scope == "whole" and a.short.startswith("{place}"):
                tail = a.short[len("{place}"):]
                for p in places:
                    for m in re.finditer(re.escape(p + tail), t):
                        self.orgs.setdefault((m.start(), m.end()), (m.group(0), None))

    def _mid_word_prefix(self, start: int, text: str, places: list[str]) -> bool:
        """A bare 市/区/县/旗 prefix that ends a longer place name ("鄂托克|旗发改委"): the
        organisation is not "旗发改委" (the model's or the chain's span carries the place)."""
        if any(text.startswith(p) for p in places) or start == 0:
            return False
        # a model organisation / place span runs over the prefix from the left
        return any(typ in ("Organization", "Place") and a < start < b
                   for a, b, typ, _sub, _x in self.ner_v)

    # ------------------------------------------------------------------ actions
    def _action_ok(self, name: str) -> bool:
        bare = name.replace("“", "").replace("”", "").replace("‘", "").replace("’", "")
        suffix = next((s for s in self.lex.words("action_patterns", "suffix") if bare.endswith(s)),
                      None)
        if suffix is None:
            return False
        body = bare[: -len(suffix)]
        if len(body) < 2 or body in self.lex.words("action_patterns", "generic_body"):
            return False
        if any(body.startswith(q) for q in self.lex.words("action_patterns", "quantifier")):
            return False
        outside = re.sub("[“‘][^”’]*[”’]", "", name)
        # "家电以旧换新等系列促销活动": a class of activities, no name
        if re.search("等(?:系列|一系列|各类|多项|专项)", body):
            return False
        if any(w in body for w in _NAME_STOP) or "、" in outside \
                or any(w in outside for w in ("和", "与", "及")):
            return False
        return True

    def _is_infra(self, name: str) -> bool:
        bare = re.sub("[“”‘’\"]", "", name)
        return any(rx.search(bare) for rx in self.lex.patterns("project_patterns", "infra_cue"))

    def _add_action(self, s: int, e: int, source: str) -> None:
        # "深化“X”活动": a verb right before the opening quote is no part of the name
        q = next((k for k in range(s, e) if self.t[k] in "“「『\""), None)
        v = next((w for w in self.lex.words("action_patterns", "quote_verb")
                  if q is not None and q - len(w) >= s and self.t.startswith(w, q - len(w))), None)
        if v:
            s = q
        name = self.t[s:e]
        if self._is_infra(name):
            self.projects.setdefault((s, e), name)
            return
        for (a, b) in list(self.actions):
            if a <= s and e <= b:
                return
            if s <= a and b <= e:
                del self.actions[(a, b)]
        self.actions[(s, e)] = name

    def actions_grammar(self) -> None:
        t = self.t
        sufs = self.lex.words("action_patterns", "suffix")
        suf_rx = "|".join(re.escape(s) for s in sufs)
        # quoted names: “温暖工程”, “三北”工程, “强基”行动
        umb = self.lex.patterns("action_patterns", "umbrella")
        for m in re.finditer(r"[“\"‘]([^“”‘’\"\n]{1,24})[”\"’]", t):
            inner = m.group(1)
            if any(inner.endswith(s) for s in sufs):
                if self._action_ok(inner) or any(rx.search(inner) for rx in umb):
                    self._add_action(m.start(), m.end(), "quoted")
                continue
            after = re.match(f"(?:{suf_rx})", t[m.end():])
            if after and len(inner) >= 2:
                start = m.start()
                if not _is_han(inner[0]):
                    # 优化营商环境“4.0”行动: the words before the quote belong to the name
                    j = start
                    while j > 0 and _is_han(t[j - 1]) and start - j < 10:
                        j -= 1
                    pre = t[j:start]
                    for v in sorted(self.lex.words("action_patterns", "intro_verb"), key=len):
                        k = pre.rfind(v)
                        if k >= 0:
                            pre = pre[k + len(v):]
                    start = start - len(pre)
                self._add_action(start, m.end() + after.end(), "quoted")
        # umbrella names without quotes: 六个行动, 六大行动
        for rx in self.lex.patterns("action_patterns", "umbrella"):
            body = rx.pattern.lstrip("^")
            for m in re.finditer(f"(?:{body})(?:{suf_rx})", t):
                self._add_action(m.start(), m.end(), "umbrella")
        # verb-introduced names: 实施城市精细化管理行动
        verbs = self.lex.words("action_patterns", "intro_verb")
        vrx = re.compile(f"(?:{'|'.join(re.escape(v) for v in verbs)})"
                         f"([{_HAN}0-9A-Za-z“”.]{{2,22}}?(?:{suf_rx}))")
        for m in vrx.finditer(t):
            s, e = m.start(1), m.end(1)
            name = t[s:e]
            # "围绕如何全面深入推进“六大行动”": the name starts after the last verb in it
            inner = max(((name.rfind(v) + len(v)) for v in verbs if name.rfind(v) >= 0),
                        default=0)
            if inner:
                s += inner
                name = t[s:e]
            # strip a leading city / place prefix ("呼和浩特市助企行动")
            if self._action_ok(name):
                self._add_action(s, e, "intro_verb")
        # known national campaigns
        for w in self.lex.words("action_patterns", "known"):
            for m in re.finditer(re.escape(w), t):
                self._add_action(m.start(), m.end(), "lexicon")
        # every other occurrence of an action named in this document
        names = {self._bare(n) for n in self.actions.values()}
        for n in sorted(names, key=len, reverse=True):
            if len(n) < 4:
                continue
            for m in re.finditer(re.escape(n), t):
                if not any(a <= m.start() < b for (a, b) in self.actions):
                    self.actions[(m.start(), m.end())] = n

    @staticmethod
    def _bare(name: str) -> str:
        return re.sub("[“”‘’\"「」]", "", name)

    # ------------------------------------------------------------------ projects & clusters
    def _brand(self, item: str) -> str | None:
        """The enterprise brand a project item starts with ("伊利奶粉三期" -> 伊利), an
        enterprise written in full at its start, or a two-character brand (see _brand_any)."""
        return self._brand_any(item)

    def _brand_terms(self, item: str) -> str | None:
        """The brand before the first industry term or digit ("伊利奶粉三期" -> 伊利)."""
        if not item or item[0] in "“\"‘" or not _is_han(item[0]):
            return None
        terms = self.lex.words("industry_terms", "term")
        if any(item.startswith(w) for w in terms):
            return None
        first = len(item)
        for w in terms:
            i = item.find(w, 2)
            if 2 <= i < first:
                first = i
        dm = re.search(r"[0-9０-９]", item)
        if dm and 2 <= dm.start() < first:
            first = dm.start()
        brand = item[:first]
        # a place written after the brand belongs to the facility ("中科院包头稀土…")
        for p in sorted(self.places, key=len, reverse=True):
            if len(p) >= 2 and brand.endswith(p) and len(brand) - len(p) >= 2:
                brand = brand[: -len(p)]
                break
        if first == len(item):
            # no industry word: the item is the brand itself unless it carries a head/phase
            for rx in self.lex.patterns("project_patterns", "phase"):
                brand = rx.sub("", brand)
            for h in self.lex.words("project_patterns", "head"):
                if brand.endswith(h) and len(brand) > len(h) + 1 and h not in ("电厂",):
                    return None
            if len(brand) > 6 and not any(brand.endswith(b) for b in
                                          self.lex.words("industry_terms", "brand_suffix")):
                return None
        if not (2 <= len(brand) <= 10) or "期" in brand:
            return None
        lex_places = set(self.lex.words("places", "name")) | set(self.lex.words("places", "province")) \
            | set(self.lex.words("places", "city"))
        if brand in self.lex.words("industry_terms", "not_brand") or brand in lex_places:
            return None
        if any(brand.endswith(z) for z in self.lex.words("project_patterns", "zone")):
            return None
        if any(brand.startswith(nb) for nb in self.lex.words("industry_terms", "not_brand")
               if len(nb) >= 2) and brand not in ("中国联通", "中国融通") and len(brand) <= 3:
            return None
        return brand

    def _has_head(self, item: str) -> bool:
        if any(rx.search(item) for rx in self.lex.patterns("project_patterns", "phase")):
            return True
        return any(item.endswith(h) for h in self.lex.words("project_patterns", "head"))

    def project_lists(self) -> list[tuple[int, list[tuple[int, int, str]], list[tuple[int, int, str]]]]:
        """Lists of projects after a build verb.  Returns per list: (position, projects,
        enterprises) with view spans and names."""
        t = self.t
        verbs = self.lex.words("project_patterns", "build_verb")
        tails = self.lex.words("project_patterns", "tail")
        vrx = re.compile("|".join(re.escape(v) for v in verbs))
        out = []
        for sent in re.finditer(r"[^。；;！？!?\n]+", t):
            ss, se = sent.start(), sent.end()
            parts = [(m.start() + ss, m.end() + ss) for m in re.finditer(r"[^,，]+", t[ss:se])]
            # group a verb part with the comma parts that continue its list; a group whose
            # last part ends with "等项目"/"项目" lists projects throughout
            segs: list[tuple[int, int, int]] = []     # (body start, end, group)
            active = False
            group = -1
            for ps, pe in parts:
                part = t[ps:pe]
                vm = vrx.search(part)
                off = ps
                if vm:
                    group += 1
                    segs.append((off + vm.end(), pe, group))
                    active = True
                elif active and ("、" in part or part.rstrip().endswith("项目")):
                    segs.append((off, pe, group))
                else:
                    active = False
            group_proj = {}
            for bs, pe, g in segs:
                last = t[bs:pe].rstrip()
                for tl in tails:
                    if last.endswith(tl) and tl not in ("等", "建设", "等项目"):
                        last = last[: -len(tl)]
                group_proj[g] = last.endswith("项目")
            for body_s, pe, g in segs:
                body = t[body_s:pe]
                head = ""
                items_txt = body
                end_proj = False
                m_deng = re.search(r"等([^、]*)$", body)
                if m_deng:
                    head = m_deng.group(1)
                    items_txt = body[:m_deng.start()]
                    for tl in tails:
                        if head.endswith(tl) and tl != "等":
                            head = head[: -len(tl)]
                    end_proj = head.endswith(("项目", "工程")) or head == ""
                    if head and not end_proj and not self._has_head(head):
                        continue      # "…等改革", "…等业态": not projects
                else:
                    # "A项目、B项目建设": 建设 after a project name is the verb's noun
                    if re.search("(?:项目|工程)(?:建设|落地|开工)$", items_txt):
                        items_txt = items_txt[:-2]
                    for tl in tails:
                        if items_txt.endswith(tl) and tl not in ("等", "建设") \
                                and len(items_txt) > len(tl) + 2:
                            items_txt = items_txt[: -len(tl)]
                            break
                    if items_txt.endswith("项目"):
                        end_proj = True
                # "A项目和B项目": 和/及/与 between two project names joins the list
                items_txt = re.sub(r"(?<=项目|工程)[和及与](?=[^，,、]{3})", "、", items_txt)
                items = []
                pos = body_s
                for raw in items_txt.split("、"):
                    s = pos + (len(raw) - len(raw.lstrip()))
                    it = raw.strip()
                    items.append((s, s + len(it), it))
                    pos += len(raw) + 1
                # "新建年产5万吨X项目": the build word is not part of the name
                lead_words = sorted(verbs, key=len, reverse=True)
                for n, (s, e, it) in enumerate(items):
                    w = next((v for v in lead_words if it.startswith(v) and len(it) - len(v) >= 4), None)
                    if w:
                        items[n] = (s + len(w), e, it[len(w):])
                items = [x for x in items if x[2] and not self._generic_project(x[2])]
                if not items:
                    continue
                if any(any(w in it for w in _NAME_STOP) for _, _, it in items):
                    continue
                projects: list[tuple[int, int, str]] = []
                enterprises: list[tuple[int, int, str]] = []
                if head and not head.endswith(("项目", "工程")):
                    for i, (s, e, it) in enumerate(items):
                        projects.append((s, e, it + head))
                        b = self._brand(it)
                        if b:
                            enterprises.append((s, s + len(b), b))
                else:
                    for i, (s, e, it) in enumerate(items):
                        b = self._brand(it)
                        bare = b == it
                        name = it
                        if bare:
                            # borrow the head of the next item that has brand + head
                            for s2, e2, it2 in items[i + 1:]:
                                b2 = self._brand(it2)
                                if b2 and b2 != it2:
                                    name = it + it2[len(b2):]
                                    break
                        if not (end_proj or group_proj[g] or self._has_head(name)):
                            continue
                        if head.endswith("工程") and not name.endswith(("工程", "项目")):
                            pass
                        projects.append((s, e, name))
                        if b:
                            enterprises.append((s, s + len(b), b))
                if projects or enterprises:
                    out.append((body_s, projects, enterprises))
                    for s, e, name in projects:
                        self.projects.setdefault((s, e), name)
                    for s, e, name in enterprises:
                        self.enterprises.setdefault((s, e), name)
        return out

    def enterprise_lists(self) -> list:
        """"引进A、B、C等龙头企业": enterprises listed by name."""
        t = self.t
        out = []
        rx = re.compile(r"(?:引进|培育|支持|依托|引育|壮大|做强|招引)([^,，;；。:：\n]+?)等[^,，;；。\n]{0,6}企业")
        for m in rx.finditer(t):
            ents = []
            pos = m.start(1)
            for raw in m.group(1).split("、"):
                it = raw.strip()
                if it and self._brand(it) and not self._has_head(it) and len(it) <= 8:
                    s_ = pos + (len(raw) - len(raw.lstrip()))
                    ents.append((s_, s_ + len(it), it))
                pos += len(raw) + 1
            if ents:
                out.append((m.start(1), [], ents))
                for s_, e_, name in ents:
                    self.enterprises.setdefault((s_, e_), name)
        return out

    def projects_before_verb(self) -> list:
        """"S43机场高速、S29呼凉高速建成通车": a list of facilities before a completion verb."""
        t = self.t
        verbs = self.lex.words("project_patterns", "post_verb")
        if not verbs:
            return []
        rx = re.compile(f"([^,，;；。:：!?！？\n]+?)(?:等项目|项目)?(?:{'|'.join(re.escape(v) for v in verbs)})")
        out = []
        for m in rx.finditer(t):
            s0 = m.start(1)
            txt = m.group(1)
            # drop a leading verb / function words ("争取呼包高铁…")
            for w in sorted(self.lex.words("project_patterns", "build_verb")
                            + self.lex.words("clusters", "member_verb")
                            + ["争取", "推动", "实现", "确保", "力争", "完成"], key=len, reverse=True):
                if txt.startswith(w):
                    s0 += len(w)
                    txt = txt[len(w):]
                    break
            projects = []
            pos = s0
            for raw in txt.split("、"):
                it = raw.strip()
                if it and self._has_head(it) and not any(w in it for w in _NAME_STOP) \
                        and len(it) <= 20 and it not in self.lex.words("project_patterns", "head") \
                        and not self._generic_project(it):
                    projects.append((pos, pos + len(it), it))
                pos += len(raw) + 1
            for s, e, name in projects:
                self.projects.setdefault((s, e), name)
            if projects:
                out.append((s0, projects, []))
        return out

    def named_projects(self) -> None:
        """"…项目" names outside lists ("签署量子产业创新基地项目…协议")."""
        t = self.t
        cuts = sorted(set(self.lex.words("project_patterns", "build_verb"))
                      | set(self.lex.words("action_patterns", "intro_verb"))
                      | {"签署", "签约", "的", "和", "与", "及", "在", "了", "为", "是", "个"},
                      key=len, reverse=True)
        verbs = (set(self.lex.words("project_patterns", "build_verb"))
                 | set(self.lex.words("action_patterns", "intro_verb")) | {"签署", "签约"})
        for m in re.finditer(f"[{_HAN}A-Za-z0-9“”]{{3,24}}?项目", t):
            s, e = m.start(), m.end()
            seg = t[s:e]
            cut = 0
            cut_word = ""
            for c in cuts:
                i = seg.rfind(c, 0, len(seg) - 2)
                if i >= 0 and (i + len(c) > cut or (i + len(c) == cut and len(c) > len(cut_word))):
                    cut, cut_word = i + len(c), c
            # only a name right after a verb that builds, signs or carries out projects, or the
            # next item of such a list ("推进A项目、B三期项目建设")
            listed = cut == 0 and s > 0 and t[s - 1] == "、" and any(
                b == s - 1 for (_a, b) in self.projects)
            if cut_word not in verbs and not listed:
                continue
            name = seg[cut:]
            body = name[:-2]
            if body.endswith("等"):
                continue
            if len(body) < 4 or body.endswith(("重点", "重大", "帮扶", "交通", "示范", "民生", "产业")):
                continue
            if any(w in body for w in _NAME_STOP) or body[0].isdigit() or self._generic_project(name):
                continue
            self.projects.setdefault((s + cut, e), name)

    def clusters_grammar(self) -> None:
        t = self.t
        sufs = self.lex.words("clusters", "suffix")
        cuts = self.lex.words("clusters", "cut")
        rx = re.compile(f"[{_HAN}A-Za-z0-9“”]{{1,24}}?(?:{'|'.join(re.escape(s) for s in sufs)})"
                        f"(?![{_HAN}]{{0,1}}(?:游|化))")
        for m in rx.finditer(t):
            s, e = m.start(), m.end()
            # the name starts after the last cut word
            seg = t[s:e]
            core_end = len(seg) - max(len(x) for x in sufs if seg.endswith(x))
            cut = 0
            for c in cuts:
                i = seg.rfind(c, 0, core_end)
                if i >= 0:
                    cut = max(cut, i + len(c))
            s2 = s + cut
            name = t[s2:e]
            core = name
            for x in sufs:
                if core.endswith(x):
                    core = core[: -len(x)]
                    break
            core = core.strip("“”")
            if len(core) < 2 or core in ("产业", "制造业", "一批"):
                continue
            if name.startswith("”"):
                continue
            # "X产业链" names a cluster only as a whole name: not 全产业链 (inside a project),
            # 产业链群 / 产业链招商 / 产业链一期, nor generic (重点产业链)
            if name.endswith("产业链") and (
                    core.startswith("全") or not all(_is_han(c) for c in core) or "年" in core
                    or re.match(r"(?:群|招商|[一二三四五六七八九十]期|项目|链长)", t[e:e + 4])
                    or core in self.lex.words("clusters", "chain_generic")):
                continue
            # quoted umbrella: “六大产业集群”
            if s2 > 0 and t[s2 - 1] == "“" and t[e:e + 1] == "”":
                s2, e = s2 - 1, e + 1
            self.clusters[(s2, e)] = t[s2:e]
        # "这个集群" / "该产业集群" refer back to a cluster named before: no name of their own
        for a, b in self._cluster_anaphors():
            for k in [k for k in self.clusters if k[0] < b and a < k[1]]:
                del self.clusters[k]
        # "绿色算力、生物医药等集群": each listed item is a cluster
        for m in re.finditer(f"([{_HAN}、]{{2,40}})等(?:{'|'.join(re.escape(s) for s in sufs)})", t):
            seg = m.group(1)
            start = m.start(1)
            cut = 0
            for c in cuts:
                i = seg.rfind(c)
                if i >= 0:
                    cut = max(cut, i + len(c))
            pos = start + cut
            for it in seg[cut:].split("、"):
                if len(it) >= 2:
                    self.clusters.setdefault((pos, pos + len(it)), it)
                pos += len(it) + 1

    def _cluster_anaphors(self) -> list[tuple[int, int]]:
        """Spans of anaphoric cluster words (这个集群, 该产业集群, 这一产业链)."""
        words = self.lex.words("clusters", "anaphor")
        out = []
        if words:
            sufs = self.lex.words("clusters", "suffix")
            rx = re.compile(f"(?:{'|'.join(map(re.escape, words))})(?:产业)?"
                            f"(?:{'|'.join(map(re.escape, sufs))})(?![{_HAN}]{{0,1}}(?:游|化))")
            out = [(m.start(), m.end()) for m in rx.finditer(self.t)]
        # bare anaphors ("集群内，…", "目前，集群内已聚集…")
        for rx in self.lex.patterns("clusters", "anaphor_rx"):
            out += [(m.start(), m.end()) for m in rx.finditer(self.t)
                    if not any(a < m.end() and m.start() < b for a, b in out)]
        return sorted(out)

    def in_cluster(self, lists) -> None:
        """Cluster sections: a heading sentence ending with one cluster; the project lists
        until the next heading or section mark are its members."""
        t = self.t
        heads = self.lex.words("clusters", "heading_verb")
        marks = self.lex.patterns("clusters", "section_mark")
        sents = [(m.start(), m.end()) for m in re.finditer(r"[^。！？!?\n]+[。！？!?]?", t)]
        sections: list[tuple[int, int, tuple[int, int]]] = []
        lead_in = tuple(self.lex.words("clusters", "lead_in"))
        builds = self.lex.words("project_patterns", "build_verb")

        def heading(ss: int, se: int) -> tuple[tuple[int, int], int] | None:
            """(cluster span, section start) when the sentence opens a cluster section:
            "全力推进以…的X产业集群。" or a first clause "X产业集群方面:" / "围绕X产业集群,"."""
            text = t[ss:se]
            lead = len(text) - len(text.lstrip())
            stripped = re.sub(r"^[（(][一二三四五六七八九十0-9]+[）)]", "", text.strip())
            off = ss + lead + (len(text.strip()) - len(stripped))
            inside = sorted((a, b) for (a, b) in self.clusters if ss <= a and b <= se)
            if not inside:
                return None
            if any(stripped.startswith(h) for h in heads) and len(inside) == 1 \
                    and t[inside[0][1]:se].strip(" 。.!！") == "":
                return inside[0], se
            # a heading line joined with its body: "…产业集群建成投产A、B等项目"
            if any(stripped.startswith(h) for h in heads) and \
                    re.match("|".join(re.escape(v) for v in builds), t[inside[0][1]:se]):
                return inside[0], inside[0][1]
            # first clause: [lead-in/heading verb] CLUSTER [方面] followed by , or :
            a, b = inside[0]
            pre = t[off:a]
            if pre and not any(pre == w or pre.endswith(w) and len(pre) <= len(w) + 4
                               for w in list(lead_in) + heads):
                return None
            m = re.match(r"(?:方面|领域)?[,，:：]", t[b:se])
            if m:
                return (a, b), b + m.end()
            return None

        for i, (ss, se) in enumerate(sents):
            h = heading(ss, se)
            if h is None:
                continue
            (a, b), start = h
            name = self._bare(self.clusters[(a, b)])
            if re.match(r"^[一二三四五六七八九十两0-9]+[个大项]", name):
                continue
            # the section ends at the next heading / section mark
            end = len(t)
            for ss2, se2 in sents[i + 1:]:
                if any(rx.search(t[ss2:se2]) for rx in marks) or heading(ss2, se2):
                    end = ss2
                    break
            # a first-clause opener ("X产业集群方面，") scopes its paragraph only
            for oa, ob, ostart, oend in self._cluster_openers():
                if (oa, ob) == (a, b) and ostart == start:
                    end = min(end, oend)
            if re.fullmatch(r"(?:方面|领域)?\s*[,，:：]", t[b:start]):
                # "全力打造X产业集群，…": the rest of the paragraph
                pm = re.compile(r"[。！？!?]\s*\n|\n\s*\n").search(t, start)
                end = min(end, pm.start() + 1 if pm else len(t))
            sections.append((start, end, (a, b)))
        for s0, s1, cspan in sections:
            cname = self.clusters[cspan]
            for pos, projects, enterprises in lists:
                if not (s0 <= pos < s1):
                    continue
                for s, e, name in projects:
                    args = {"member": Arg(name, "Project"),
                            "cluster": Arg(cname, "Cluster")}
                    self._fact("in_cluster", args, (s, e), "cluster_section", 0.85)
                full = None
                for s, e, name in enterprises:
                    # "引进了江苏A能源科技有限公司…，A能源年产…项目": the brand is the company
                    # the section names in full
                    if full is None:
                        full = [x for _a, _b, x in self._enterprises_in(s0, s1)
                                if re.search("(?:公司|集团)$", x)]
                    if any(len(x) > len(name) and name in x[:len(name) + 4] for x in full) \
                            or self._named_in_full(name, full):
                        continue
                    args = {"member": Arg(name, "Organization", "enterprise"),
                            "cluster": Arg(cname, "Cluster")}
                    self._fact("in_cluster", args, (s, e), "cluster_section_brand", 0.75)

    # ------------------------------------------------------------------ leads_action
    def _orgs_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        out = [(a, b, x[0]) for (a, b), x in self.orgs.items() if s <= a and b <= e]
        for a, b, typ, _sub, x in self.ner_v:
            # an agency is a named body: the model's span must end like an organisation
            if typ == "Organization" and s <= a and b <= e and not any(c in _HARD for c in x) \
                    and (self.lex.ends_with_org_suffix(x) or self._abbr_match(x)):
                out.append((a, b, x))
        # drop spans inside longer ones
        out.sort(key=lambda z: (z[0], -(z[1] - z[0])))
        res = []
        for z in out:
            if res and res[-1][0] <= z[0] and z[1] <= res[-1][1]:
                continue
            res.append(z)
        return res

    def _actions_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        return sorted((a, b, n) for (a, b), n in self.actions.items() if s <= a and b <= e)

    def _umbrella(self, name: str) -> bool:
        # "“三个一批”项目建设活动": a quoted numeral slogan followed by its own head word names
        # one campaign ("“六个行动”" alone stays an umbrella)
        qm = re.match(r"^\s*[“「『\"]([^”」』\"]+)[”」』\"](.+)$", name)
        if qm and qm.group(2).strip() and not any(
                qm.group(1).endswith(x) for x in self.lex.words("action_patterns", "suffix")):
            return False
        bare = self._bare(name)
        return any(rx.search(bare) for rx in self.lex.patterns("action_patterns", "umbrella"))

    def leads(self) -> None:
        t = self.t
        cues = self.lex.words("action_patterns", "lead_cue")
        crx = re.compile("|".join(re.escape(c) for c in cues))
        done: set[tuple[str, str]] = set()

        def emit(org: str, act: tuple[int, int, str], span: tuple[int, int], ex: str, c: float):
            key = (org, self._bare(act[2]))
            if key in done:
                return
            done.add(key)
            args = {"agency": Arg(org, "Organization", self.lex.org_subtype(org)),
                    "action": Arg(act[2], "Action")}
            self._fact("leads_action", args, span, ex, c)

        for sm in re.finditer(r"[^。！？!?\n]+", t):
            ss, se = sm.start(), sm.end()
            for cm in crx.finditer(t, ss, se):
                pairs = self._respectively(ss, se, cm.start())
                if pairs:
                    for o, a in pairs:
                        emit(o[2], a, (min(o[0], a[0]), max(o[1], a[1])), "lead_cue", 0.9)
                    continue
                picked = self._lead_pick(ss, se, cm.start(), cm.end())
                if picked is None:
                    continue
                org, act = picked
                if org is None:
                    # "作为X的牵头部门，我们将…" inside an interview: the interviewee's department
                    iorg = self._interview_org_before(cm.start())
                    if iorg:
                        # "我局将牵头实施A和B": every joined action
                        for a in self._co_actions(act, ss, se):
                            emit(iorg, a, (a[0], a[1]), "interview_frame", 0.7)
                    continue
                for o in self._co_leads(org):
                    # the action may stand in the sentence before (一、实施A和B。由C牵头…)
                    lo = ss if act[0] >= ss else max(t.rfind("\n", 0, act[0]) + 1, act[0] - 120)
                    for a in self._co_actions(act, lo, se):
                        emit(o[2], a, (min(o[0], a[0]), max(o[1], a[1])), "lead_cue", 0.9)

        # interview framing
        lead_sufs = self.lex.words("action_patterns", "lead_suffix")
        verbs = self.lex.words("action_patterns", "intro_verb")
        heads = [c for c in self.chains if c.interview]
        for i, ch in enumerate(heads):
            org = next((o for o, k, _t in ch.elements if k == "org"), None)
            if org is None:
                continue
            # the section starts at the headline line before the interview header
            line_start = t.rfind("\n", 0, ch.start) + 1
            prev_line_start = t.rfind("\n", 0, max(0, line_start - 1)) + 1
            headline = t[prev_line_start:line_start].strip()
            sec_start = prev_line_start if (headline and len(headline) <= 40
                                            and not re.search(r"[。!！?？]$", headline)) \
                else line_start
            if i + 1 < len(heads):
                nxt = heads[i + 1].start
                nl = t.rfind("\n", 0, nxt) + 1
                pl = t.rfind("\n", 0, max(0, nl - 1)) + 1
                sec_end = pl if pl > sec_start else nl
            else:
                sec_end = len(t)
            for a in self._actions_in(sec_start, sec_end):
                bare = self._bare(a[2])
                if self._umbrella(a[2]) or not any(bare.endswith(s) for s in lead_sufs):
                    continue
                in_headline = a[0] < line_start
                pre = t[max(sec_start, a[0] - 8):a[0]]
                introduced = any(pre.endswith(v) for v in verbs)
                if in_headline or introduced:
                    emit(org, a, (a[0], a[1]), "interview_frame", 0.7)
                    # "实施A行动和B工程": the actions joined to an introduced one
                    if introduced:
                        for a2 in self._co_actions(a, a[0], min(sec_end, a[1] + 60)):
                            if any(self._bare(a2[2]).endswith(x) for x in lead_sufs):
                                emit(org, a2, (a2[0], a2[1]), "interview_frame", 0.7)

    # ------------------------------------------------------------------ part_of / located_in
    def structure(self) -> None:
        orgs = {}
        for (a, b), (x, sub) in self.orgs.items():
            orgs[(a, b)] = x
        for a, b, typ, _sub, x in self.ner_v:
            if typ == "Organization":
                orgs.setdefault((a, b), x)
        orgs = {k: x for k, x in orgs.items() if not self.lex.post_suffix(x)}
        names = set(orgs.values())
        done = set()
        for (a, b), x in sorted(orgs.items()):
            for y in names:
                if y != x and x.startswith(y) and len(x) - len(y) >= 2 \
                        and self.lex.ends_with_org_suffix(y) and self.lex.ends_with_org_suffix(x) \
                        and not x[len(y):].startswith(("党组", "党委")) and (x, y) not in done:
                    if self.lex.org_subtype(x) == "enterprise":
                        continue
                    done.add((x, y))
                    self._fact("part_of", {"part": Arg(x, "Organization", self.lex.org_subtype(x)),
                                           "whole": Arg(y, "Organization", self.lex.org_subtype(y))},
                               (a, b), "name_prefix", 0.7)
        places = sorted((p for p in self.places if len(p) >= 2), key=len, reverse=True)
        seen = set()
        items = [(s, e, x, "Organization") for (s, e), x in orgs.items()] + \
                [(s, e, x, "Project") for (s, e), x in self.projects.items()]
        for s, e, x, typ in items:
            for p in places:
                if x.startswith(p) and len(x) > len(p) + 1 and (x, p) not in seen:
                    if not self._is_place(p):
                        continue
                    seen.add((x, p))
                    sub = self.lex.org_subtype(x) if typ == "Organization" else None
                    self._fact("located_in", {"entity": Arg(x, typ, sub), "place": Arg(p, "Place")},
                               (s, e), "name_prefix", 0.7)
                    break

    # ------------------------------------------------------------------ generalisation
    # Grammar that carries leads_action / in_cluster beyond the sample genre: bare action
    # names in 牵头 sentences, 「」 quotes, cluster-scoped clauses and sentences, enterprise
    # lists (A、B等企业) and enterprises written in full inside a project name.

    def _strip_quotes(self, name: str) -> str:
        return re.sub("[“”‘’\"「」『』]", "", name)

    def actions_bare(self) -> None:
        """Action names the verb/quote rules miss: 「保就业」行动, “技能X”培训行动, and bare
        noun phrases ending with an action suffix in a sentence that says who leads
        (产业链招商行动由市商务局牵头, 作为质量强市行动的牵头部门)."""
        t = self.t
        sufs = sorted(self.lex.words("action_patterns", "suffix"), key=len, reverse=True)
        suf_rx = "|".join(re.escape(s) for s in sufs)
        # quoted core (any quote style) with up to four words between the quote and the suffix
        for m in re.finditer(rf"[“「『‘\"]([^“”「」『』‘’\"\n]{{2,16}})[”」』’\"]([{_HAN}]{{0,4}}?)"
                             rf"(?:{suf_rx})", t):
            s, e = m.start(), m.end()
            if any(a <= s and e <= b for a, b in self.actions):
                continue
            # "“十五五”时期重大工程": a period or a generic word between quote and suffix
            infix = m.group(2)
            if re.search("时期|期间|以来|重大|重点|相关|有关|各项|系列|这|该|等", infix) \
                    or infix in self.lex.words("action_patterns", "generic_body"):
                continue
            if self._action_ok(self._strip_quotes(t[s:e])):
                self._add_action(s, e, "quoted")
        # names found elsewhere that start with a year or a scope word ("2025年…", "全市…")
        for (s0, e0), n in sorted(self.actions.items()):
            m0 = re.match(r"(?:[0-9]{2,4}年度?|全市|全区|全省|全盟|全旗|全县|我市|本市|我区|本区|今年|明年)+",
                          t[s0:e0])
            if m0 and len(self._strip_quotes(t[s0 + m0.end():e0])) >= 4 \
                    and self._action_ok(self._strip_quotes(t[s0 + m0.end():e0])):
                del self.actions[(s0, e0)]
                self.actions[(s0 + m0.end(), e0)] = t[s0 + m0.end():e0]
        cues = self.lex.words("action_patterns", "lead_cue")
        cut_words = sorted(set(self.lex.words("action_patterns", "bare_cut"))
                           | set(self.lex.words("action_patterns", "intro_verb")) | set(cues)
                           | set(self.lex.words("action_patterns", "lead_object_verb")),
                           key=len, reverse=True)
        for sm in re.finditer(r"[^。！？!?\n]+", t):
            ss, se = sm.start(), sm.end()
            if not any(c in t[ss:se] for c in cues):
                continue
            for m in re.finditer(f"(?:{suf_rx})", t[ss:se]):
                e = ss + m.end()
                j = ss + m.start()
                while j > ss and (_is_han(t[j - 1]) or t[j - 1] in "“”「」0123456789") \
                        and ss + m.start() - j < 24:
                    j -= 1
                # a leading year is not part of the name ("2025年…行动")
                ym = re.match(r"[0-9]{2,4}年度?", t[j:ss + m.start()])
                if ym:
                    j += ym.end()
                while j < ss + m.start() and t[j].isdigit():
                    j += 1
                body = t[j:ss + m.start()]
                cut = 0
                for w in cut_words:
                    k = body.rfind(w)
                    if k >= 0:
                        cut = max(cut, k + len(w))
                # "A行动和B行动": the second name starts after the conjunction
                for cm2 in re.finditer(f"(?:{suf_rx})(?:以及|和|及|与|、)", body):
                    cut = max(cut, cm2.end())
                s = j + cut
                pm0 = re.match(r"(?:[0-9]{2,4}年度?|全市|全区|全省|全盟|全旗|全县|我市|本市|我区|本区)+", t[s:e])
                if pm0:
                    s += pm0.end()
                name = t[s:e]
                if len(self._strip_quotes(name)) < 4 or any(
                        (a <= s < b or a < e <= b) and not (s <= a and b <= e)
                        for a, b in self.actions):
                    continue
                # "要以“X”行动为抓手，由B牵头": a quoted name found already is the whole name;
                # the words before its quote are the sentence's, not the name's
                if any(b == e and s < a and t[a] in "“「『‘\"" for a, b in self.actions):
                    continue
                # an organisation or place at the start is the owner, not the name
                if self.lex.ends_with_org_suffix(t[s:e - 1]) or any(
                        a <= s < b for a, b in self.orgs):
                    continue
                if self._action_ok(self._strip_quotes(name)) and not self._is_place(name):
                    self._add_action(s, e, "bare")
        # a quoted name with words on both sides in a 牵头 sentence: 数字经济“一号工程”升级版由
        # Y牵头 -> the whole phrase (the words before start after a verb or clause boundary)
        for sm in re.finditer(r"[^。！？!?\n]+", t):
            ss, se = sm.start(), sm.end()
            if not any(c in t[ss:se] for c in cues):
                continue
            for (a, b) in sorted(k for k in self.actions if ss <= k[0] and k[1] <= se):
                if t[a] not in "“「『‘\"" or t[b - 1] not in "”」』’\"":
                    continue
                rm = re.match(rf"[{_HAN}0-9.]{{1,6}}?(?=由|牵头)", t[b:se])
                if not rm:
                    continue
                j = a
                while j > ss and _is_han(t[j - 1]) and a - j < 8:
                    j -= 1
                body = t[j:a]
                cut = 0
                for w in cut_words:
                    k = body.rfind(w)
                    if k >= 0:
                        cut = max(cut, k + len(w))
                pm0 = re.match(r"(?:[0-9]{2,4}年度?|全市|全区|全省|全盟|全旗|全县|我市|本市|我区|本区)+",
                               body[cut:])
                if pm0:
                    cut += pm0.end()
                s0 = j + cut
                if any(a2 <= s0 < b2 for a2, b2 in self.orgs) or self._is_place(t[s0:a]) \
                        or s0 >= a or rm.group(0)[-1] in "各的等和及与":
                    continue
                del self.actions[(a, b)]
                self.actions[(s0, b + rm.end())] = t[s0:b + rm.end()]
        # every other occurrence of the names found here
        names = {self._bare(n) for n in self.actions.values()}
        for n in sorted(names, key=len, reverse=True):
            if len(n) < 4:
                continue
            for m in re.finditer(re.escape(n), t):
                if not any(a <= m.start() < b or a < m.end() <= b for (a, b) in self.actions):
                    self.actions[(m.start(), m.end())] = n

    _ENTERPRISE_END = re.compile(r"^(.{2,24}?(?:公司|集团))(?![)）有股])")

    def _full_enterprise_prefix(self, item: str) -> str | None:
        """"X航化工有限责任公司甲醇技改项目" -> the enterprise written in full at the start."""
        m = self._ENTERPRISE_END.match(item)
        if m and len(item) - m.end() >= 2 and not any(c in _HARD and c not in "()（）"
                                                      for c in m.group(1)):
            return m.group(1)
        return None

    def _brand_char(self, item: str) -> str | None:
        """A two-character brand before a product word no term list knows (X泰|精工二期):
        the third character starts a product word."""
        if len(item) < 5 or not all(_is_han(c) for c in item[:3]):
            return None
        # brand + product + phase with a four-character core (X泰精工|二期) splits 2 + 2
        core = re.sub("(?:项目|工程)$", "", item)
        for rx in self.lex.patterns("project_patterns", "phase"):
            core = rx.sub("", core)
        phased = core != item and len(core) == 4 and all(_is_han(c) for c in core)
        if item[2] not in self.lex.words("industry_terms", "term_char") and not phased:
            return None
        b = item[:2]
        if b in self._lex_places() or b in self.lex.words("industry_terms", "not_brand") \
                or any(w.startswith(b) for w in self.lex.words("industry_terms", "term")) \
                or b[0] in "新老大小高低全本该各某总分" or b in ("中小", "中心", "中部", "中央", "中型") \
                or any(c in b for c in "的了是在将把被与及对为由向"):
            return None
        return b

    def _lex_places(self) -> set[str]:
        """Places of the gazetteer (not the model's: it tags brands such as X兴 as places).
        Built once per document: the list readers ask for it item by item."""
        if self._gazetteer is None:
            names = set(self.lex.words("places", "name")) | set(self.lex.words("places", "province"))
            for c in self.lex.words("places", "city"):
                names |= {c, c + "市"}
            self._gazetteer = names
        return self._gazetteer

    def _brand_any(self, item: str) -> str | None:
        """The enterprise named at the start of a project item, or None: a full name, a known
        brand, the brand before an industry word / digit run, never a quantity or build word
        (年产…, 新建…) and never ending in the ordinal 第 (X第8.6代… -> X)."""
        if any(item.startswith(w) for w in self.lex.words("industry_terms", "brand_reject")):
            return None
        full = self._full_enterprise_prefix(item)
        if full:
            return full
        known = next((k for k in self.lex.words("industry_terms", "known_brand")
                      if item.startswith(k)), None)
        if not known and (any(item.startswith(w) for w in self.lex.words("industry_terms", "public_start"))
                          or any(w in item for w in self.lex.words("industry_terms", "public_body"))):
            # 国家…创新中心二期项目, 省级…研究院…项目: a public institution, no enterprise
            return None
        # "X新区跨境电商产业园", "Y县…基地": an item opening with a zone or district names no brand
        zones = [z for z in self.lex.words("project_patterns", "zone") if len(z) >= 2 or z in "区县旗"]
        words = set(self.lex.words("industry_terms", "term")) \
            | set(self.lex.words("industry_terms", "brand_suffix"))
        if not known and any(k - len(z) >= 1 and not any(c in _FUNC for c in item[:k])
                             and not any(w in item[:k] for w in words)
                             for k in range(2, min(len(item), 9)) for z in zones
                             if item[:k].endswith(z)):
            return None   # (a full enterprise name at the start was returned above)
        site = self._brand_before_site(item)
        if site:
            return site
        if known:
            # "晶澳科技…": the brand word after a known short name belongs to it
            suf = next((x for x in self.lex.words("industry_terms", "brand_suffix")
                        if item.startswith(x, len(known)) and len(x) <= 2), None)
            return known + suf if suf and len(item) > len(known) + len(suf) else known
        # an industry word + a brand word opening the item is a brand (航天动力|发动机三期)
        terms = self.lex.words("industry_terms", "term")
        lead = next((w for w in terms if item.startswith(w)), None)
        if lead:
            suf = next((x for x in self.lex.words("industry_terms", "brand_suffix")
                        if item.startswith(x, len(lead)) and len(x) == 2), None)
            rest = item[len(lead) + 2:] if suf else ""
            if suf and len(rest) >= 2 and (any(rest.startswith(w) for w in terms)
                                           or re.match(r"[0-9A-Za-z]", rest)
                                           or self._has_head(rest)):
                return lead + suf
        b = self._brand_any_rules(item)
        if b and b.endswith("第") and len(b) >= 3:
            b = b[:-1]
        if b and (any(b.startswith(w) for w in self.lex.words("industry_terms", "brand_reject"))
                  or len(b) < 2):
            return None
        return b

    def _place_like(self, text: str) -> bool:
        """A place written between a brand and its plant: a known place or 1-4 characters
        closed by an administrative suffix (X区, X县, X市, X镇)."""
        if text in self.places or text in self._lex_places():
            return True
        return bool(re.fullmatch(r"[\u4e00-\u9fff]{1,4}[区县市镇旗]", text)) \
            and not any(c in _FUNC for c in text)

    def _brand_before_site(self, item: str) -> str | None:
        """"X汽车Y区工厂二期项目" -> X汽车: a plant word (clusters.tsv facility), optionally
        after a place, ends the brand; the brand must end in an industry or brand word so
        that its own product word is kept (never a shorter prefix).  A named park (X半导体
        Y园区) counts as a place; a city opening the brand (长沙光电Y区基地) belongs to it."""
        facs = self.lex.words("clusters", "facility")
        hits = sorted((k, w) for w in facs for k in [item.find(w, 3)] if k >= 3)
        if not hits:
            return None
        fpos, fac = hits[0]
        pre = item[:fpos]
        parks = ("园区", "工业园", "产业园")
        ends = sorted(set(self.lex.words("industry_terms", "term"))
                      | set(self.lex.words("industry_terms", "brand_suffix")), key=len, reverse=True)
        zones = self.lex.words("project_patterns", "zone")
        sites = set(self.lex.words("industry_terms", "site_term"))
        ends = [w for w in ends if w not in sites]
        terms = self.lex.words("industry_terms", "term")
        not_brand = self.lex.words("industry_terms", "not_brand")

        def site_after(rest: str) -> bool:
            return bool(rest) and (self._place_like(rest) or (
                fac in parks and 2 <= len(rest) <= 3 and all(_is_han(c) for c in rest)
                and not any(c in _FUNC for c in rest) and not any(w in rest for w in ends)))

        def ok(cand: str, head: str, placed: bool) -> bool:
            return all(_is_han(c) for c in cand) and 3 <= len(cand) <= 8 \
                and (placed or (head not in self._lex_places() and head not in self.places)) \
                and not any(c in _FUNC for c in head) \
                and not any(head.endswith(z) for z in zones if z not in ("山", "河", "湖", "村")) \
                and not any(cand.startswith(w) for w in terms) \
                and not any(cand.startswith(w) for w in not_brand)

        # a brand word closes the brand first (X科技|集成电路基地 -> X科技)
        for k in range(3, len(pre) + 1):
            suf = next((w for w in self.lex.words("industry_terms", "brand_suffix")
                        if pre[:k].endswith(w) and k - len(w) >= 2), None)
            if suf:
                cand, head = pre[:k], pre[:k - len(suf)]
                if ok(cand, head, site_after(pre[k:])):
                    return cand
                break
        for k in range(len(pre), 2, -1):
            rest, cand = pre[k:], pre[:k]
            # the product word is kept only where a place stands between it and the plant
            if not site_after(rest):
                continue
            end = next((w for w in ends if cand.endswith(w) and len(cand) - len(w) >= 2), None)
            if end and ok(cand, cand[:-len(end)], True):
                return cand
        return None

    def _brand_any_rules(self, item: str) -> str | None:
        # "X生物三期项目": a two-character brand + a word that names companies only right after
        # such a brand (industry_terms.tsv short_brand_suffix; not "X生物医药产业园")
        for w in self.lex.words("industry_terms", "short_brand_suffix"):
            head = item[:2]
            if item.startswith(w, 2) and len(item) > 4 + 1 and all(_is_han(c) for c in head) \
                    and not item.startswith(("医药", "制品", "医学", "技术"), 4) \
                    and head not in self._lex_places() and head not in self.places \
                    and not any(head.startswith(x) for x in self.lex.words("industry_terms", "term")) \
                    and not any(c in _FUNC for c in head):
                return item[:2 + len(w)]
        b = self._brand_terms(item)
        terms = self.lex.words("industry_terms", "term")
        hit = any(item.find(w, 2) >= 2 for w in terms) or re.search(r"[0-9０-９]", item[2:])
        # a brand closed by a brand word (X通矿业|选矿三期), preferred over a longer cut
        # at a later industry term (X和煤业|焦炉煤气制氢二期)
        for suf in self.lex.words("industry_terms", "brand_suffix"):
            k = item.find(suf, 2)
            if 2 <= k <= 4 and len(item) - k - len(suf) >= 2 and all(_is_han(c) for c in item[:k]):
                cand = item[:k + len(suf)]
                head = cand[:k]
                # a place or zone before the brand word ("X区食品产业园") is no brand; natural
                # features (山, 河) do name enterprises
                if head not in self._lex_places() and not any(c in "的了是在将把被与及对为由向" for c in head) \
                        and not any(head.endswith(z) for z in self.lex.words("project_patterns", "zone")
                                    if z not in ("山", "河", "湖", "村")) \
                        and (b is None or not hit or len(b) > len(cand)
                             or (len(b) == 2 and cand == b + suf)):
                    return cand
        if b is None or not hit:
            # two characters before a product word
            c = self._brand_char(item)
            if c and (b is None or b.startswith(c)):
                return c
        return b

    def _enterprise_class(self, name: str) -> bool:
        """"规上工业企业", "专精特新企业": a class of enterprises, not one enterprise."""
        words = self.lex.words("clusters", "enterprise_class")
        if re.search("(?:公司|集团|股份)$", name):
            return False
        return any(name.endswith(w) or name.startswith(w) for w in words)

    def _enterprises_in(self, s0: int, s1: int) -> list[tuple[int, int, str]]:
        """Enterprises named in [s0, s1): model organisations cut at their enterprise suffix
        (…有限公司入选… -> …有限公司), names ending in an enterprise suffix, A、B等企业 lists."""
        t = self.t
        out: dict[tuple[int, int], str] = {}
        for a, b, typ, _sub, x in self.ner_v:
            if typ != "Organization" or not (s0 <= a and b <= s1):
                continue
            em = self._ENTERPRISE_END.match(x)
            cut = em.end() if em else None
            # "A有限公司宁州分公司（A宁州工厂）": the branch is the enterprise named
            bm = re.match(rf"[{_HAN}]{{2,6}}?(?:分公司|子公司|分厂)", x[cut:]) if cut else None
            if bm:
                cut += bm.end()
            if cut and not any(c in _HARD and c not in "()（）" for c in x[:cut]):
                h = self._class_head_end(x[:cut])
                out[(a + h, a + cut)] = x[h:cut]
            # "A汽车宁州基地、B有限公司产能持续释放": a plant the model names as an enterprise,
            # listed where a clause or a list item starts, stands for its enterprise
            elif not cut and _sub == "enterprise" and 5 <= len(x) <= 16 \
                    and x.endswith(tuple(self.lex.words("clusters", "facility"))) \
                    and (a == s0 or t[a - 1] in "，,。；;：:、\n") \
                    and not t.startswith(("项目", "工程", "二期", "三期", "扩能", "扩建"), b) \
                    and all(_is_han(c) for c in x):
                out[(a, b)] = x
        tails = self.lex.words("clusters", "enterprise_tail")
        mverbs = sorted(set(self.lex.words("clusters", "member_verb"))
                        | set(self.lex.words("project_patterns", "build_verb"))
                        | set(self.lex.words("clusters", "subject_verb"))
                        | set(self.lex.words("clusters", "clause_adverb")), key=len, reverse=True)
        # company names the model missed: a list item ending in 公司/集团, after the last verb
        for m in re.finditer(r"[^、,，;；:：。!?！？\s]{2,36}?(?:公司|集团)(?![)）有股])", t[s0:s1]):
            seg, start = m.group(0), s0 + m.start()
            cut = 0
            for v in mverbs + list(_NAME_STOP) + ["由"]:
                k = seg.rfind(v)
                if k >= 0:
                    cut = max(cut, k + len(v))
            cut = max(cut, self._class_head_end(seg))
            bm = re.compile(rf"[{_HAN}]{{2,6}}?(?:分公司|子公司|分厂)").match(t, start + len(seg), s1)
            if bm:       # "A有限公司宁州分公司": the branch
                seg = seg + bm.group(0)
            name = seg[cut:]
            if 4 <= len(name) and all(_is_han(c) or c in "()（）" for c in name) \
                    and not any(a <= start + cut and start + len(seg) <= b for (a, b) in out):
                out.setdefault((start + cut, start + len(seg)), name)
        # "重点企业有A、B、C等" / "龙头企业包括：A、B": the items up to the clause end
        for hm in (m for rx in self.lex.patterns("clusters", "enterprise_head_rx")
                   for m in rx.finditer(t, s0, s1)):
            k = hm.end()
            cm = re.compile(r"[,，。;；!?！？\n]").search(t, k, s1)
            body = t[k:cm.start() if cm else s1]
            body = re.sub(r"等(?:[\u4e00-\u9fff]{0,4}(?:企业|公司))?$", "", body)
            for s_, it in _list_items(body, k):
                # "A股份有限公司（A）": the full name without its bracketed short form
                it = re.sub(r"(?<=公司|集团)[（(][^（）()]{2,8}[）)]$", "", it)
                trade = self._is_trade(it)
                # the head says these are enterprises: the model's place tag does not overrule it
                if 2 <= len(it) <= 30 and not any(w in it for w in _NAME_STOP) and not trade \
                        and not re.search(r"[0-9]", it) and not self._is_place_by_form(it) \
                        and not self._enterprise_class(it) and not self._has_head(it):
                    out.setdefault((s_, s_ + len(it)), it)
        # "以A、B为龙头" / "聚焦A、B，": names written without suffix, where they look like names
        for fm in (m for rx in self.lex.patterns("clusters", "enterprise_frame_rx")
                   for m in rx.finditer(t, s0, s1)):
            for s_, it in _list_items(fm.group("names"), fm.start("names")):
                it = re.sub(r"(?<=公司|集团)[（(][^（）()]{2,8}[）)]$", "", re.sub(r"等$", "", it))
                # "支持A、B合肥基地扩大产能": a predicate after the list is read elsewhere
                if "等" in it or any(v in it for v in self.lex.words("clusters", "capacity_verb")):
                    continue
                trade = self._is_trade(it)
                if 2 <= len(it) <= 30 and not any(w in it for w in _NAME_STOP) and not trade \
                        and all(_is_han(c) or c in "()（）" for c in it) \
                        and not self._is_place(it) and not self._enterprise_class(it) \
                        and not self._has_head(it) and self._name_like(s_, it):
                    out.setdefault((s_, s_ + len(it)), it)
        tail_rx = [re.escape(x) for x in tails] + [p.pattern for p in
                                                   self.lex.patterns("clusters", "enterprise_tail_rx")]
        if tail_rx:
            rx = re.compile(rf"([^,，。;；:：!?！？\n等]+?)(?:{'|'.join(tail_rx)})")
            for m in rx.finditer(t, s0, s1):
                seg, start = m.group(1), m.start(1)
                cut = 0
                for v in mverbs:
                    k = seg.rfind(v, 0, max(0, seg.find("、")) if "、" in seg else len(seg))
                    if k >= 0:
                        cut = max(cut, k + len(v))
                # "集聚了A、B等企业": the aspect particle after the verb
                if cut and seg[cut:cut + 1] == "了":
                    cut += 1
                pos = start + cut
                for raw in seg[cut:].split("、"):
                    it = raw.strip()
                    # "规上工业企业、专精特新企业等企业" are classes of enterprises, not names
                    # "引进储能电池、正极材料等配套企业": product words name a trade, not a company
                    trade = self._is_trade(it)
                    if 2 <= len(it) <= 30 and not any(w in it for w in _NAME_STOP) and not trade \
                            and not (self._is_place(it) and not it.startswith(
                                tuple(self.lex.words("industry_terms", "known_brand")))) \
                            and not self._enterprise_class(it):
                        s = pos + raw.find(it)
                        out.setdefault((s, s + len(it)), it)
                    pos += len(raw) + 1
        # drop spans inside longer ones
        res = []
        for (a, b), x in sorted(out.items(), key=lambda z: (z[0][0], -(z[0][1] - z[0][0]))):
            if res and res[-1][0] <= a and b <= res[-1][1]:
                continue
            res.append((a, b, x))
        return res

    def _class_head_end(self, seg: str) -> int:
        """"链主企业A有限公司", "龙头企业B集团": the end of a class head (clusters.tsv
        enterprise_class + 企业/单位) before a company name of 4+ characters; 0 if none."""
        words = self.lex.words("clusters", "enterprise_class")
        end = 0
        for m in re.finditer("(?:" + "|".join(map(re.escape, words)) + ")(?:企业|单位)", seg):
            # "中小企业服务有限公司" is one name
            if len(seg) - m.end() >= 4 and not seg.startswith(
                    ("服务", "管理", "发展", "投资", "咨询", "孵化", "信用", "融资", "担保"), m.end()):
                end = m.end()
        return end

    def _name_like(self, s: int, item: str) -> bool:
        """An item written without an enterprise suffix that looks like an enterprise name: a
        model organisation, a brand-word ending (X科技, X制药), a known brand, or the start of a
        project or company named elsewhere in the document (A of "A二期项目")."""
        e = s + len(item)
        if any(typ == "Organization" and a <= s and e <= b for a, b, typ, _s, _x in self.ner_v):
            return True
        ends = self.lex.words("industry_terms", "brand_suffix") + self.lex.words("industry_terms", "short_brand_suffix")
        if any(item.endswith(w) and len(item) > len(w) for w in ends) \
                or item.startswith(tuple(self.lex.words("industry_terms", "known_brand"))):
            return True
        return len(item) >= 2 and any(
            m.start() != s and re.match(rf"[{_HAN}0-9A-Za-z]{{0,20}}?(?:项目|工程|公司|集团)", self.t[m.end():m.end() + 24])
            for m in re.finditer(re.escape(item), self.t))

    def _capacity_objects(self, s0: int, s1: int) -> list[tuple[int, int, str]]:
        """"支持A汽车、B合肥基地扩大产能": the enterprises a support verb (clusters.tsv
        member_verb) names before a capacity verb (capacity_verb), written without 等企业.
        A plant item ("B合肥基地") names its enterprise B (the place and facility dropped)."""
        t = self.t
        mverbs = self.lex.words("clusters", "member_verb")
        cverbs = self.lex.words("clusters", "capacity_verb")
        if not mverbs or not cverbs:
            return []
        facilities = self.lex.words("clusters", "facility")
        terms = self.lex.words("industry_terms", "term")
        rx = re.compile(f"(?:{'|'.join(re.escape(v) for v in mverbs)})"
                        f"([^,，;；:：。!?！？\n]{{2,60}}?)(?:{'|'.join(re.escape(v) for v in cverbs)})")
        out: list[tuple[int, int, str]] = []
        for m in rx.finditer(t, s0, s1):
            pos = m.start(1)
            # 和/及/与 join two names only where both sides keep 2+ characters (瑞和生物 is one)
            pieces = []
            for part in re.split(r"(、)", m.group(1)):
                sub = re.split(r"(和|及|与)", part)
                if len(sub) > 1 and all(len(x.strip()) >= 2 for x in sub[::2]):
                    pieces.extend(sub)
                else:
                    pieces.append(part)
            for raw in pieces:
                if raw in ("、", "和", "及", "与"):
                    pos += len(raw)
                    continue
                it = raw.strip()
                s = pos + raw.find(it) if it else pos
                pos += len(raw)
                if not it:
                    continue
                name = it
                fac = next((f for f in facilities if name.endswith(f) and len(name) > len(f) + 1), None)
                if fac:
                    name = name[:-len(fac)]
                    known = next((k for k in self.lex.words("industry_terms", "known_brand")
                                  if name.startswith(k)), None)
                    place = next((p for p in sorted(self.places, key=len, reverse=True)
                                  if len(p) >= 2 and name.endswith(p) and len(name) - len(p) >= 2), None)
                    bsuf = next(((k, x) for x in self.lex.words("industry_terms", "brand_suffix")
                                 for k in [name.find(x, 2)] if 2 <= k and k + len(x) < len(name)), None)
                    if known:
                        name = known
                    elif place:
                        name = name[:-len(place)]
                    elif bsuf:
                        # "X股份张北基地": the brand ends with its brand word
                        name = name[:bsuf[0] + len(bsuf[1])]
                if not (2 <= len(name) <= 10) or not all(_is_han(c) or c.isalnum() for c in name) \
                        or "项目" in name or "工程" in name \
                        or any(w in name for w in _NAME_STOP) \
                        or (self._is_place_by_form(name) if fac else self._is_place(name)) \
                        or self._enterprise_class(name) or self._has_head(name) \
                        or any(name.startswith(w) for w in terms) \
                        or any(name.startswith(w) for w in self.lex.words("industry_terms", "brand_reject")) \
                        or name in self.lex.words("industry_terms", "not_brand") \
                        or any(name.startswith(w) for w in self.lex.words("industry_terms", "not_brand")):
                    continue
                out.append((s, s + len(name), name))
        return out

    def _generic_project(self, item: str) -> bool:
        """"重点项目", "更多项目", "一批重大工程": a generic word and a head name no project."""
        body = re.sub("(?:项目|工程|項目)$", "", item)
        return body != item and (not body or body in self.lex.words("project_patterns", "generic")
                                 or body.startswith(tuple(self.lex.words("project_patterns",
                                                                         "generic_start")))
                                 or any(rx.search(body) for rx in self.lex.patterns("project_patterns",
                                                                                    "generic_rx")))

    def _cluster_openers(self, clusters=None) -> list[tuple[int, int, int, int]]:
        """Clauses opened by a cluster ("在X产业集群方面，", "X产业集群：", "围绕X产业集群，"):
        (cluster start, cluster end, scope start, scope end).  The scope is the rest of the
        paragraph, up to the ；/clause before the next opener."""
        t = self.t
        if clusters is None:
            clusters = sorted(self.clusters)
        lead_in = tuple(self.lex.words("clusters", "lead_in") + self.lex.words("clusters", "topic_in"))
        found = []
        for a, b0 in clusters:
            ls = max(t.rfind(c, 0, a) for c in "\n。；;！？!?") + 1
            # a bracketed note after the cluster ("X产业集群（市工信局牵头）。") belongs to its heading
            nm = re.match(r"[（(][^（）()。\n]{1,30}[）)]", t[b0:])
            b = b0 + nm.end() if nm else b0
            # a numbered report item whose heading is the cluster ("一、X产业集群。支持…"):
            # the item runs to the next numbered item
            if re.search(r"(?<![统唯第同单万逐专之])\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、])\s*$",
                        t[ls:a]) and t[b:b + 1] in "。." and t[b + 1:b + 2] not in ("\n", ""):
                found.append((a, b0, b + 1, "item"))
                continue
            b = b0
            # an interview answer opens with the speaker ("X：一是…"): the clause starts after it
            pre = re.sub(r"^[\s（(一二三四五六七八九十0-9)）、.．]*", "",
                         re.sub(rf"^[{_HAN}]{{2,4}}[:：]", "", t[ls:a])).strip()
            # enumerations: "一是在X产业集群方面，", "其次，X产业集群：" (after the marks above)
            pre = re.sub(r"^(?:是|其[一二三四五六七八九十]|首先|其次|再次|最后|同时|此外|另外)[,，]?", "", pre)
            # "吴某介绍，苏州将围绕X产业集群，…": a short subject and modal before the lead-in
            # word of the last clause
            last = re.split(r"[,，]", pre)[-1]
            lw = next((w for w in lead_in if last.endswith(w)), None)
            subj = last[:-len(lw)] if lw else ""
            if lw and pre not in lead_in and (re.fullmatch(
                    rf"[{_HAN}]{{0,6}}?(?:将|要|还将|也将|还要|将继续|继续|正|已)", subj)
                    # "安宁市围绕X产业链，…": a place as the subject, without a modal
                    or subj in self.lex.words("clusters", "lead_subject")
                    or (2 <= len(subj) <= 6 and (self._is_place(subj) or self._has_place_suffix(subj)))) \
                    and not any(c in _FUNC for c in subj.rstrip("将")):
                pre = lw
            # "襄阳市汽车产业集群中，A、B等企业…": a cluster (after a place or subject) followed
            # by 中/内 and a comma opens the clause like "在X产业集群中，"
            if pre and pre not in lead_in and re.match(r"(?:中|内)\s*[,，]", t[b0:b0 + 3]):
                lc = last.strip()
                if not lc or lc in self.lex.words("clusters", "lead_subject") \
                        or (2 <= len(lc) <= 6 and self._is_place(lc)):
                    pre = ""
            if pre and pre not in lead_in:
                continue
            bn = b0 + nm.end() if nm else b0     # after a bracketed note ("X产业集群（Y牵头）：")
            outs = "|".join(map(re.escape, self.lex.words("clusters", "lead_out")))
            m = re.match(rf"(?:{outs + '|' if outs else ''}(?:重点|重大|龙头|骨干)?(?:项目|企业)(?:建设)?)?\s*[,，:：]",
                         t[bn:bn + 9])
            # "以X产业链为例，": 以 opens a clause only with 为例
            if m and pre == "以" and not re.match(r"为例|為例", t[bn:bn + 2]):
                m = None
            if m:
                found.append((a, b, bn + m.end(), False))
                continue
            # a heading line that is only the cluster ("（一）新材料产业集群")
            hm = re.match(r"[。.]?[ \t]*\n", t[b:])
            if hm and b - ls <= 30 and t[ls:a].strip() == t[ls:a].strip(" \t") and "\n" not in t[ls:a]:
                found.append((a, b, b + hm.end(), True))
        out = []
        marks = self.lex.patterns("clusters", "section_mark")
        for i, (a, b, start, is_heading) in enumerate(found):
            if is_heading == "item":
                nm = re.compile(r"(?:^|[。！？!?\n])\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]"
                                r"|[0-9]+[.．、](?![0-9]))").search(t, start)
                pm = re.compile(r"\n\s*\n").search(t, start)
                end = min(nm.start() + 1 if nm else len(t), pm.start() if pm else len(t))
                out.append((a, b, start, end))
                continue
            if is_heading:
                # the section runs to the next heading line (section mark or a short line
                # without sentence end)
                end = len(t)
                for lm in re.finditer(r"[^\n]+", t[start:]):
                    line = lm.group(0).strip()
                    if lm.start() > 0 and (any(rx.search(line) for rx in marks)
                                           or (len(line) <= 30 and not re.search(r"[。!！?？;；]$", line))):
                        end = start + lm.start()
                        break
                if i + 1 < len(found) and found[i + 1][0] < end:
                    end = found[i + 1][0]
                out.append((a, b, start, end))
                continue
            # the paragraph ends at a line break after a sentence end (a hard-wrapped line
            # that stops at a comma continues the paragraph)
            pm = re.compile(r"[。！？!?；;]\s*\n|\n\s*\n").search(t, start)
            end = pm.start() + 1 if pm else len(t)
            # an enumeration ("一是X产业集群：…。二是…") ends the item at the next marker
            em = _ENUM_NEXT.search(t, start, end)
            if em:
                end = em.start() + 1
            if i + 1 < len(found) and found[i + 1][0] < end:
                nxt = found[i + 1][0]
                semi = max(t.rfind("；", start, nxt), t.rfind(";", start, nxt))
                end = semi + 1 if semi >= 0 else nxt
            out.append((a, b, start, end))
        return out

    def _scope_projects(self, s0: int, s1: int) -> None:
        """Inside a cluster scope, a 、-list whose items all end like a project (…项目, …基地,
        …二期) is a project list even without a build verb ("X产业集群：A项目、B基地。")."""
        t = self.t
        verbs = sorted(set(self.lex.words("clusters", "member_verb"))
                       | set(self.lex.words("project_patterns", "build_verb"))
                       | set(self.lex.words("project_patterns", "post_verb")), key=len, reverse=True)
        for cm in re.finditer(r"[^,，;；:：。!?！？\n]+", t[s0:s1]):
            cs = s0 + cm.start()
            clause = cm.group(0)
            # the build verb closing the clause ("…三期开工建设") is no opening verb
            tail = re.search(r"(?:等项目|等重点项目|项目群)?(?:建成投产|开工建设|投产|开工|落地|建成|建设|扩能升级)$",
                             clause)
            if tail and tail.start() > 0:
                clause = clause[:tail.start()]
            # "在建重点项目有A项目、B项目等12个": the list after a project head
            hm = next((m for rx in self.lex.patterns("clusters", "project_head_rx") for m in [rx.match(clause)] if m), None)
            if hm:
                clause = clause[:hm.end()] + re.sub(r"等[0-9一二三四五六七八九十百余多]+个(?:项目)?$", "", clause[hm.end():])
            cut = hm.end() if hm else 0
            for v in ([] if hm else verbs):
                k = clause.find(v)
                if k >= 0 and (k == 0 or k + len(v) > cut) and k < (clause.find("、") if "、" in clause else len(clause)):
                    cut = max(cut, k + len(v))
            body = clause[cut:]
            body = re.sub(r"(?:等项目|等重点项目|项目群)?(?:建成投产|开工建设|投产|开工|落地|建成|建设|扩能升级)?$",
                          "", body)
            # "A项目、B项目进展顺利": a short predicate after the last project name
            body = re.sub(r"(?<=项目|工程)(?:均|已|正|都|全面|总体)?[^、项工]{1,5}$", "", body) \
                if "、" in body else body
            pos = cs + cut
            items = []
            for raw in body.split("、"):
                it = raw.strip()
                s = pos + raw.find(it) if it else pos
                items.append((s, s + len(it), it))
                pos += len(raw) + 1
            if not items or not all(3 <= len(it) <= (40 if self._full_enterprise_prefix(it) else 24)
                                    and self._has_head(it)
                                    and not any(w in it for w in _NAME_STOP) for _s, _e, it in items):
                continue
            # one item: a project head, or a plant built in the clause ("加快A封装测试基地建设")
            if len(items) == 1 and not re.search("(?:项目|工程|[一二三四五六七八九十]期)$", items[0][2]) \
                    and not (tail and re.search("建设|开工|建成", tail.group(0))
                             and re.search("(?:基地|产业园|工厂|生产线)$", items[0][2])
                             and len(items[0][2]) >= 6):
                continue
            for s, e, it in items:
                if not any(a < e and s < b for (a, b) in self.projects) \
                        and it not in self.lex.words("project_patterns", "head") \
                        and not self._generic_project(it):
                    self.projects[(s, e)] = it

    def _place_brand(self, item: str, brand: str | None) -> str | None:
        """A brand opened by a place: "长沙吉利汽车产业园" -> the known brand after the place (吉利);
        "X县数字经济产业园" (a place + words + a park right after them) names no enterprise."""
        if not brand:
            return brand
        places = self._lex_places() | set(self.places) \
            | {p[:-1] for p in self.places if len(p) >= 3 and p[-1] in "市县区旗"} \
            | set(re.findall(r"([\u4e00-\u9fff]{2})[县区旗](?:委|人民政府|政府|人大)", self.t))
        p = next((x for x in sorted(places, key=len, reverse=True)
                  if len(x) >= 2 and brand.startswith(x) and len(brand) - len(x) >= 2), None)
        if not p:
            return brand
        rest = item[len(p):]
        known = next((k for k in self.lex.words("industry_terms", "known_brand") if rest.startswith(k)), None)
        if known:
            return known
        parks = ("产业园", "园区", "产业城", "科技城", "小镇", "产业基地")
        if item[len(brand):].startswith(parks):
            return None
        return brand

    def _colon_members(self, cspan: tuple[int, int], s0: int, s1: int) -> list[tuple[int, int, str]]:
        """"X产业集群：A股份有限公司、B、C三期项目。": a list right after the cluster's colon names
        its members; the items that are no project (no project head) are enterprises."""
        t = self.t
        if not re.fullmatch(r"(?:[（(][^（）()]{1,30}[）)])?\s*[:：]\s*", t[cspan[1]:s0]):
            return []
        cm = re.compile(r"[,，。;；!?！？\n]").search(t, s0, s1)
        body = t[s0:cm.start() if cm else s1]
        if "、" not in body:
            return []
        out = []
        pos = s0
        for raw in body.split("、"):
            it = raw.strip()
            s_ = pos + (raw.find(it) if it else 0)
            pos += len(raw) + 1
            it = re.sub(r"(?:等|等企业)$", "", it)
            if 4 <= len(it) <= 30 and self._has_head(it) and not self._generic_project(it) \
                    and not any(w in it for w in _NAME_STOP) \
                    and not any(a < s_ + len(it) and s_ < b for (a, b) in self.projects):
                self.projects[(s_, s_ + len(it))] = it
                continue
            if not (2 <= len(it) <= 30) or self._has_head(it) or any(w in it for w in _NAME_STOP) \
                    or re.search(r"[0-9]", it) or self._is_place(it) or self._enterprise_class(it) \
                    or it.startswith(tuple(self.lex.words("industry_terms", "term"))) \
                    or any(w in it for w in self.lex.words("industry_terms", "public_body")) \
                    or it.startswith(tuple(self.lex.words("industry_terms", "public_start"))):
                continue
            out.append((s_, s_ + len(it), it))
        return out

    def _short_forms(self, s0: int, s1: int) -> list[str]:
        """Short forms written in brackets after full enterprise names in [s0, s1)
        ("A集团股份有限公司（A股份）"), with a leading 中国 also dropped (中国X -> X)."""
        out = []
        for m in re.finditer(r"(?:公司|集团)[（(]([^（）()]{2,8})[）)]", self.t[s0:s1]):
            x = m.group(1)
            out.append(x)
            for p in self.lex.words("industry_terms", "short_drop_prefix"):
                if x.startswith(p) and len(x) - len(p) >= 2:
                    out.append(x[len(p):])
        return out

    def subject_projects(self) -> None:
        """Project mentions outside cluster scopes (after in_cluster, so they add no members): a
        "…项目" that is the subject of its clause before a progress word ("A二期项目已完成设备
        调试", "目前，B中心项目主体封顶") or the object of a visit verb ("察看了C产业化项目建设
        进展").  The name starts after an enterprise written before it (A有限公司X项目)."""
        t = self.t
        adverbs = sorted(set(self.lex.words("clusters", "clause_adverb"))
                         | set(self.lex.words("clusters", "subject_adverb")), key=len, reverse=True)
        verbs = tuple(set(self.lex.words("project_patterns", "build_verb"))
                      | set(self.lex.words("clusters", "member_verb")))
        progress = r"(?:已|正|将|也|于|均|完成|进入|开工|投产|建成|主体|顺利|全面|预计|总投资|计划|目前|上线|落地|封顶)"
        name_rx = rf"[{_HAN}A-Za-z0-9]{{4,30}}?项目"
        found = []
        for cm in re.finditer(r"[^,，;；:：。!?！？\n]+", t):
            k, ce = cm.start(), cm.end()
            moved = True
            while moved:
                moved = False
                for w in adverbs:
                    if t.startswith(w, k) and k + len(w) < ce:
                        k += len(w)
                        moved = True
                        break
            m = re.compile(name_rx + f"(?={progress})").match(t, k, ce)
            if m:
                found.append((m.start(), m.end()))
        for m in re.finditer(rf"(?:察看|查看|考察|参观|视察|走访)了?({name_rx})(?=建设|进展|现场|情况|[,，。])", t):
            found.append((m.start(1), m.end(1)))
        for s0, e0 in found:
            name = t[s0:e0]
            em = _OWNED_PROJECT.match(name)
            if em and len(em.group(3)) >= 6:
                s0 += len(name) - len(em.group(3))
                name = em.group(3)
            if name.startswith(verbs) or any(w in name for w in _NAME_STOP) or self._generic_project(name) \
                    or "公司" in name or self._is_place(name[:-2]) or name[0].isdigit() \
                    or name[:-2] in self.lex.words("project_patterns", "head") \
                    or any(a < e0 and s0 < b for (a, b) in self.projects):
                continue
            self.projects[(s0, e0)] = name

    def _named_in_full(self, brand: str, known: list[str]) -> bool:
        """The brand (智链云网 of 智链云网西南…项目) opens a company named in full after a place
        (深圳智链云网科技有限公司): it is that company, not one of its own."""
        for x in known:
            if x == brand or not re.search("(?:公司|集团)$", x):
                continue
            k = x.find(brand[:2])
            if 0 <= k <= 4 and (k == 0 or self._place_prefix(x[:k])):
                return True
        return False

    def _place_prefix(self, pre: str) -> bool:
        """A place written before a company's brand (江苏, 深圳, 青岛市)."""
        gaz = self._lex_places()
        return bool(pre) and pre[0] not in _FUNC and (
            pre in gaz or pre + "省" in gaz or pre + "市" in gaz or self._is_place(pre))

    def _short_name_members(self, s0: int, s1: int, have: list[str]) -> list[tuple[int, int, str, str]]:
        """"除A、B两家龙头企业外" / "A、B等龙头企业" in a cluster scope: A and B are short names; a
        company named in full anywhere in the document whose name (after a place) opens with
        one is the member, and so is every project named with it (A…项目)."""
        t = self.t
        rx = re.compile(rf"((?:[{_HAN}]{{2,6}}、)+[{_HAN}]{{2,6}})(?:等)?[两二三四五六七八九十0-9]+家"
                        rf"(?:龙头|骨干|链主|重点|领军|头部|核心)?企业")
        full_rx = re.compile(rf"[{_HAN}（）()]{{2,24}}?(?:股份有限公司|有限责任公司|有限公司|集团)")
        fulls = [(m.start(), m.end(), m.group(0)) for m in full_rx.finditer(t)]
        openers = sorted(set(self.lex.words("clusters", "clause_adverb"))
                         | set(self.lex.words("clusters", "member_verb"))
                         | {"除了", "除", "包括", "如", "像", "有"}, key=len, reverse=True)
        out: list[tuple[int, int, str, str]] = []
        for m in rx.finditer(t, s0, s1):
            pos = m.start(1)
            for it in m.group(1).split("、"):
                a, b = pos, pos + len(it)
                pos = b + 1
                # "除A、B两家龙头企业外": the first item starts after an opening word
                w = next((w for w in openers if it.startswith(w) and len(it) - len(w) >= 2), None)
                if w and a == m.start(1):
                    it, a = it[len(w):], a + len(w)
                if self._is_place_by_form(it) or self._enterprise_class(it) or any(c in _FUNC for c in it[:1]):
                    continue
                full = None
                for fa, fb, fx in fulls:
                    # the company name starts after the last function word / verb before it
                    k = fx.find(it)
                    if k < 0:
                        continue
                    # the name starts at a place right before the short name, else at it
                    # ("首先来到青岛A交通装备有限公司" -> 青岛A…)
                    pre = fx[:k]
                    j = next(j for j in range(len(pre) + 1)
                             if j == len(pre) or self._place_prefix(pre[j:]))
                    full = (fa + j, fb, fx[j:])
                    break
                name = full[2] if full else it
                if name not in have:
                    out.append((a, b, name, "Enterprise"))
                # projects named with it anywhere in the document
                for pm in re.finditer(rf"{re.escape(it)}[{_HAN}A-Za-z0-9]{{2,30}}?项目", t):
                    pname = pm.group(0)
                    if any(w in pname for w in _NAME_STOP) or self._generic_project(pname) \
                            or "公司" in pname:
                        continue
                    self.projects.setdefault((pm.start(), pm.end()), pname)
                    if pname not in have:
                        out.append((pm.start(), pm.end(), pname, "Project"))
        return out

    def _brand_word(self, brand: str, known: list[str]) -> bool:
        """A project's brand that stands for an enterprise of its own where the scope names its
        enterprises in full: a known brand or one closed by a brand word (X科技, X矿业), and
        neither inside a named enterprise nor opening with one's short form."""
        if any(brand in k or (brand.startswith(k) and len(k) >= 2) for k in known):
            return False
        return any(brand.startswith(k) for k in self.lex.words("industry_terms", "known_brand")) \
            or any(brand.endswith(w) and len(brand) > len(w)
                   for w in self.lex.words("industry_terms", "brand_suffix"))

    def _clause_projects(self, s0: int, s1: int) -> None:
        """Inside a cluster scope, a clause whose subject is a project ("目前，A二期项目主体厂房已
        封顶", "B股份有限公司（B）C扩建项目已进入设备安装阶段"): the name up to 项目/工程.  After a
        full enterprise name with its short form in brackets the project is what follows."""
        t = self.t
        adverbs = sorted(self.lex.words("clusters", "clause_adverb"), key=len, reverse=True)
        verbs = tuple(set(self.lex.words("project_patterns", "build_verb"))
                      | set(self.lex.words("clusters", "member_verb"))
                      | set(self.lex.words("clusters", "subject_verb"))
                      | set(self.lex.words("clusters", "scope_verb")))
        for cm in re.finditer(r"[^,，;；:：。!?！？\n]+", t[s0:s1]):
            k = s0 + cm.start()
            moved = True
            while moved:
                moved = False
                for w in adverbs:
                    if t.startswith(w, k) and k + len(w) < s0 + cm.end():
                        k += len(w)
                        moved = True
                        break
            # an opening support / build verb ("推动A有限公司扩能项目满产达效")
            if t.startswith("新", k) and any(t.startswith(w, k + 1) for w in verbs):
                k += 1            # "新签约了A项目"
            v = next((w for w in sorted(verbs, key=len, reverse=True) if t.startswith(w, k)), None)
            if v:
                k += len(v)
                if t.startswith("了", k):
                    k += 1
            ce = s0 + cm.end()
            while k < ce:
                m = re.compile(rf"[{_HAN}A-Za-z0-9（）()]{{4,40}}?(?:项目|工程)").match(t, k, ce)
                # "X生物工程股份有限公司建设Y项目": a 工程 inside a company name ends nothing
                while m and t.startswith(("股份", "有限", "公司", "集团", "项目", "技术"), m.end()):
                    m = re.compile(rf"[{_HAN}A-Za-z0-9（）()]{{{m.end() - k + 1},40}}?(?:项目|工程)").match(t, k, ce)
                # a project ending its clause is the object of the opening verb only
                if not m or (m.end() == ce and not v):
                    break
                ps, name = m.start(), m.group(0)
                # "引进了A有限公司年产10万吨X项目和B有限公司Y项目", "A有限公司的B二期项目…":
                # the project is what follows its enterprise
                em = _OWNED_PROJECT.match(name)
                owned = False
                if em and len(em.group(3)) >= 4 and not em.group(3).startswith(("等", "（", "(")) \
                        and "（" not in em.group(1) and "(" not in em.group(1):
                    ps += len(name) - len(em.group(3))
                    name = em.group(3)
                    owned = True
                if name.startswith(verbs) or any(w in name for w in _NAME_STOP) or self._generic_project(name):
                    break
                if "（" in name or "(" in name:
                    bm = re.match(r"(.{2,30}?(?:公司|集团))[（(]([^）)]{2,8})[）)](.*)$", name)
                    if bm and len(bm.group(3)) >= 4:
                        ps += len(name) - len(bm.group(3))
                        name = bm.group(3)
                    elif not self._full_enterprise_prefix(name):
                        break
                if any(a < m.end() and ps < b for (a, b) in self.projects):
                    break
                self.projects[(ps, m.end())] = name
                if owned:       # its enterprise is the company written before it, no brand in it
                    self.project_owned.add((ps, m.end()))
                # the next project joined by 和/及/与/、 ("A项目和B项目")
                jm = re.compile(r"(?:和|及|与|以及|、)").match(t, m.end(), ce)
                if not jm:
                    break
                k = jm.end()

    def _clause_subject(self, a: int, b: int) -> bool:
        """A cluster that opens a ；-clause of a sentence of several clauses ("A产业集群依托…；
        B产业集群…") and is followed by a verb phrase (not a meeting, list or genitive)."""
        t = self.t
        if not t[b:b + 1] or not _is_han(t[b]):
            return False
        if any(rx.match(t, b) for rx in self.lex.patterns("clusters", "clause_subject_stop_rx")):
            return False
        ss = max(t.rfind(c, 0, a) for c in "。！？!?\n") + 1
        se = re.compile(r"[。！？!?\n]").search(t, b)
        se = se.start() if se else len(t)
        if any(c in t[ss:se] for c in "；;"):
            return True
        # "A产业集群依托X公司，推进Y项目。": a cluster that opens its sentence
        return not re.sub(_ENUM_OPEN, "", t[ss:a]).strip()

    def _cluster_topics(self, clusters, skip) -> list[tuple[int, int, tuple[int, int]]]:
        """Clusters that are the subject of a member list ("目前全县X产业集群已集聚A、B等企业",
        "X产业集群今年将重点推进A项目") or the topic of a report sentence ("通报了X产业集群发展
        情况。"): (scope start, scope end, cluster span).  The scope runs from the cluster (the
        next sentence for a topic) to the end of its paragraph, or to the sentence of the next
        cluster of another name."""
        t = self.t
        adverbs = sorted(self.lex.words("clusters", "subject_adverb"), key=len, reverse=True)
        sverbs = tuple(self.lex.words("clusters", "subject_verb"))
        topic_rx = self.lex.patterns("clusters", "topic_tail_rx")
        verbs = set(self.lex.words("clusters", "scope_verb")) | set(self.lex.words("clusters", "member_verb")) \
            | set(self.lex.words("clusters", "heading_verb")) | set(self.lex.words("clusters", "lead_in")) \
            | set(self.lex.words("project_patterns", "build_verb")) | {"召开", "举行", "举办", "召集"}
        para_rx = re.compile(r"[。！？!?；;]\s*\n|\n\s*\n")
        out = []
        for a, b in clusters:
            if (a, b) in skip:
                continue
            cs = max(t.rfind(c, 0, a) for c in "，,。；;：:！？!?\n") + 1
            pre = re.sub(_ENUM_OPEN, "", t[cs:a])      # "一是X产业集群依托…"
            start = None
            tm = next((m for rx in topic_rx for m in [rx.match(t, b)] if m), None)
            lm = re.compile(r"(?:的)?(?:重点|重大|龙头|骨干|链主)?(?:项目|企业)(?:主要)?(?:有|包括|为)?[:：]").match(t, b)
            if tm:
                start = tm.end()
            elif lm and all(_is_han(c) for c in pre) and len(pre) <= 8:
                # "X产业集群重点项目：A、B进展顺利"
                start = lm.end()
            elif len(pre) <= 8 and all(_is_han(c) for c in pre) and not any(c in _FUNC for c in pre) \
                    and not any(v in pre for v in verbs):
                k = b
                moved = True
                while moved and not t.startswith(sverbs, k):
                    moved = False
                    for w in adverbs:
                        if t.startswith(w, k):
                            k += len(w)
                            moved = True
                            break
                v = next((w for w in sorted(sverbs, key=len, reverse=True) if t.startswith(w, k)), None)
                # "X产业集群推进会" is a meeting, not a cluster doing something
                if v and not re.match(r"(?:工作)?(?:大)?会", t[k + len(v):k + len(v) + 3]):
                    start = b
                elif not v and self._clause_subject(a, b):
                    # "…；C产业集群依托A公司，推进B项目；": whatever the verb, the cluster that
                    # opens a ；-clause scopes that clause
                    ce = re.compile(r"[。；;！？!?\n]").search(t, b)
                    ce = ce.start() + 1 if ce else len(t)
                    if ce > b:
                        out.append((b, ce, (a, b)))
                    continue
            if start is None:
                continue
            pm = para_rx.search(t, start)
            end = pm.start() + 1 if pm else len(t)
            em = _ENUM_NEXT.search(t, start, end)
            if em:
                end = em.start() + 1
            name = self._bare(self.clusters[(a, b)])
            for a2, b2 in clusters:
                if start <= a2 < end and self._bare(self.clusters[(a2, b2)]) != name:
                    end = max(start, max(t.rfind(c, start, a2) for c in "。；;！？!?\n") + 1)
                    break
            if end > start:
                out.append((start, end, (a, b)))
        return out

    def _scope_end(self, start: int, clusters, name: str) -> int:
        """The end of a scope opened at ``start`` for the cluster ``name``: the paragraph end,
        the next enumeration mark, or the sentence of the next cluster of another name."""
        t = self.t
        pm = re.compile(r"[。！？!?；;]\s*\n|\n\s*\n").search(t, start)
        end = pm.start() + 1 if pm else len(t)
        em = _ENUM_NEXT.search(t, start, end)
        if em:
            end = em.start() + 1
        for a2, b2 in clusters:
            if start <= a2 < end and self._bare(self.clusters[(a2, b2)]) != name:
                end = max(start, max(t.rfind(c, start, a2) for c in "。；;！？!?\n") + 1)
                break
        return end

    def _question_scopes(self, clusters) -> list[tuple[int, int, tuple[int, int]]]:
        """Interviews: a question line ("记者：X产业集群方面有哪些新进展？", also a request "请介绍
        一下…") that names one cluster scopes its answer, up to the next question line (or the
        sentence of another cluster)."""
        t = self.t
        labels = self.lex.words("clusters", "question_label")
        if not labels:
            return []
        alt = '|'.join(map(re.escape, labels))
        # "记者：", "■记者：", "【记者】", "问："
        lab = re.compile(rf"^[ \t\u3000■●◆▲★]*(?:(?:{alt})[ \t\u3000]*[:：]|[【\[](?:{alt})[】\]][:：]?)", re.M)
        heads = [m for m in lab.finditer(t)]
        out = []
        for i, m in enumerate(heads):
            le = t.find("\n", m.end())
            le = len(t) if le < 0 else le
            # a question ("…进展如何？") or a request ("请介绍一下X产业集群的情况。")
            if not re.search(r"[？?。]$|请|谈谈|介绍", t[m.end():le].rstrip()):
                continue
            inside = [(a, b) for (a, b) in clusters if m.end() <= a and b <= le]
            if len({self._bare(self.clusters[c]) for c in inside}) != 1:
                continue
            span = inside[-1]
            name = self._bare(self.clusters[span])
            end = heads[i + 1].start() if i + 1 < len(heads) else len(t)
            for a2, b2 in clusters:
                if le <= a2 < end and self._bare(self.clusters[(a2, b2)]) != name:
                    end = max(le, max(t.rfind(c, le, a2) for c in "。；;！？!?\n") + 1)
                    break
            if end > le:
                out.append((le, end, span))
        return out

    def _anaphor_scopes(self, clusters) -> list[tuple[int, int, tuple[int, int]]]:
        """"这个集群…" / "该集群…" opening an answer or a clause: the cluster named last before it
        (in the question or the sentence before) scopes the rest of the paragraph."""
        t = self.t
        adverbs = set(self.lex.words("clusters", "subject_adverb")) | set(self.lex.words("clusters", "clause_adverb"))
        # "围绕这个集群，…": a lead-in word before the anaphor
        adverbs |= set(self.lex.words("clusters", "lead_in"))
        out = []
        for a, b in self._cluster_anaphors():
            ls = max(t.rfind(c, 0, a) for c in "，,。；;：:！？!?\n") + 1
            pre = t[ls:a].strip()
            if pre and pre not in adverbs and not (
                    pre[-2:] in adverbs and re.sub(r"[\s，,]", "", pre[:-2]) in adverbs):
                continue
            prev = [c for c in clusters if c[1] <= a and a - c[1] <= 400]
            if not prev:
                continue
            span = max(prev)
            end = self._scope_end(b, clusters, self._bare(self.clusters[span]))
            if end > b:
                out.append((b, end, span))
        return out

    def cluster_scopes(self) -> None:
        """in_cluster from text scoped to one cluster:
        * a clause opened by the cluster ("在X产业集群方面，…", "X产业集群：…", "围绕X产业集群，…")
          scopes the rest of its paragraph, up to the next such opener;
        * a sentence or ；-clause that names one cluster as the object of a scope verb
          ("加快推进A、B等项目，壮大X产业集群") scopes itself.
        Members: the projects listed in the scope, the enterprises named in those projects and
        the enterprises the scope names (full names, A、B等企业)."""
        t = self.t
        if not self.clusters:
            return
        done = {(f.args["member"].text, f.args["cluster"].text)
                for f in self.facts if f.relation == "in_cluster"}
        clusters = sorted((a, b) for (a, b) in self.clusters
                          if not re.match(r"^[“「]?[一二三四五六七八九十两0-9]+[个大项]",
                                          self._bare(self.clusters[(a, b)])))
        scopes: list[tuple[int, int, tuple[int, int], str]] = []
        openers = self._cluster_openers(clusters)
        for a, b, start, end in openers:
            scopes.append((start, end, (a, b), "cluster_scope"))
        opener_spans = {(a, b) for a, b, _s, _e in openers}
        for start, end, span in self._cluster_topics(clusters, opener_spans):
            scopes.append((start, end, span, "cluster_topic"))
        for start, end, span in self._question_scopes(clusters):
            scopes.append((start, end, span, "cluster_question"))
        for start, end, span in self._anaphor_scopes(clusters):
            scopes.append((start, end, span, "cluster_anaphor"))
        verbs = self.lex.words("clusters", "scope_verb")
        for sm in re.finditer(r"[^。；;！？!?\n]+", t):
            ss, se = sm.start(), sm.end()
            inside = [(a, b) for (a, b) in clusters if ss <= a and b <= se]
            names = {self._bare(self.clusters[c]) for c in inside}
            if len(names) != 1 or any(c in opener_spans for c in inside):
                continue
            a, b = inside[0]
            cl = max(t.rfind(c, ss, a) for c in ",，") + 1
            cl = max(cl, ss)
            before = t[cl:a]
            # "壮大X产业集群" / "X产业集群加快壮大，A、B项目建成投产"
            cr = re.compile(r"[,，]").search(t, b, se)
            after = t[b:min(cr.start() if cr else se, b + 6)]
            # "X产业集群推进会在A公司召开" is a meeting, no cluster doing something
            stop = any(rx.match(t, b) for rx in self.lex.patterns("clusters", "clause_subject_stop_rx"))
            if not (any(v in before for v in verbs) or (not stop and any(
                    after.startswith(v) or after[2:].startswith(v) for v in verbs))):
                continue
            scopes.append((ss, se, (a, b), "cluster_sentence"))
        for s0, s1, cspan, ex in scopes:
            cname = self.clusters[cspan]
            self._scope_projects(s0, s1)
            self._clause_projects(s0, s1)
            # "X产业园" inside "X产业园项目": one project, the written name
            for (a, b) in [k for k in self.projects if s0 <= k[0] and k[1] <= s1]:
                if any(a2 == a and b2 > b and t[b:b2] in ("项目", "工程") for (a2, b2) in self.projects):
                    del self.projects[(a, b)]
            members: list[tuple[int, int, str, str]] = []
            csufs = self.lex.words("clusters", "suffix")
            named = self._enterprises_in(s0, s1)
            colon = self._colon_members(cspan, s0, s1)   # also registers the colon list's projects
            # a scope that names its enterprises in full — with their short forms in brackets
            # ("依托A股份有限公司（A）、B有限公司（B）") or in a list ("集聚A股份有限公司、B等整车
            # 企业") — takes from a project's name only a brand word (X科技, a known brand) that is
            # none of those; "C新能源拖拉机基地" (C = a short form) or "D精深加工产业园" adds none
            shorts = self._short_forms(s0, s1)
            full_named = bool(shorts) or bool(re.search(
                r"(?:公司|集团)(?:、[^,，。;；]{2,40}?)?等[\u4e00-\u9fff]{0,4}企业", t[s0:s1]))
            known_names = [x for _a, _b, x in named] + shorts
            proj_spans = []
            for (a, b), name in sorted(self.projects.items()):
                # "“六大产业集群”项目" groups projects; it is not one
                if s0 <= a and b <= s1 and not any(x in name for x in csufs):
                    members.append((a, b, name, "Project"))
                    proj_spans.append((a, b))
                    brand = None if (a, b) in self.project_owned else self._place_brand(
                        self._strip_quotes(name), self._brand_any(self._strip_quotes(name)))
                    # a brand that opens a named enterprise (中联 of 中联重科股份有限公司) is that one
                    if brand and any(len(x) > len(brand) and x.startswith(brand) for x in known_names):
                        brand = None
                    # "重点企业有A汽车…，推进A汽车三期项目": the listed name, not a shorter brand
                    listed = next((x for x in sorted(known_names, key=len, reverse=True)
                                   if len(x) >= 2 and self._strip_quotes(name).startswith(x)), None)
                    if listed:
                        brand = listed
                    elif brand and full_named and not self._brand_word(brand, known_names):
                        brand = None
                    # "贵州A电池科技有限公司的A动力电池二期项目": the brand (after the place of a
                    # company named in the scope) is that company, named already
                    elif brand and self._named_in_full(brand, known_names):
                        brand = None
                    if brand:
                        members.append((a, a + len(brand), brand, "Enterprise"))
            for (a, b), name in sorted(self.enterprises.items()):
                if full_named and any(pa <= a and b <= pb for pa, pb in proj_spans) \
                        and not self._brand_word(name, known_names):
                    continue
                # a brand inside a project was decided with the project (place, named enterprise)
                inside = next((self.projects[(pa, pb)] for pa, pb in proj_spans if pa <= a and b <= pb), None)
                if inside is not None and (
                        self._place_brand(self._strip_quotes(inside), name) != name
                        or any(len(x) > len(name) and x.startswith(name) for x in known_names)
                        or self._named_in_full(name, known_names)):
                    continue
                if s0 <= a and b <= s1 and not self._enterprise_class(name) and not any(
                        x == name or x.startswith(name) for _a, _b, x, k in members if k == "Enterprise"):
                    members.append((a, b, name, "Enterprise"))
            # "除A、B两家龙头企业外": short names of enterprises named in full elsewhere in the
            # document (青岛A交通装备有限公司) and the projects named after them (A…项目)
            members += self._short_name_members(s0, s1, [x for _a, _b, x, _k in members])
            for a, b, name in named + self._capacity_objects(s0, s1) + colon:
                if full_named and not re.search("(?:公司|集团)$", name) \
                        and any(pa <= a and b <= pb for pa, pb in proj_spans) \
                        and not self._brand_word(name, [x for x in known_names if x != name]):
                    continue
                if any(pa <= a and b <= pb and k == "Project" and x != name and not x.startswith(name)
                       for pa, pb, x, k in members):
                    continue
                members.append((a, b, name, "Enterprise"))
            for a, b, name, kind in members:
                if (name, cname) in done:
                    continue
                done.add((name, cname))
                if kind == "Project":
                    args = {"member": Arg(name, "Project"), "cluster": Arg(cname, "Cluster")}
                    self._fact("in_cluster", args, (a, b), ex, 0.8)
                else:
                    self.enterprises.setdefault((a, b), name)
                    args = {"member": Arg(name, "Organization", "enterprise"),
                            "cluster": Arg(cname, "Cluster")}
                    self._fact("in_cluster", args, (a, b), ex + "_enterprise", 0.75)

    def _co_actions(self, act, ss: int, se: int) -> list:
        """The action and those joined to it (牵头实施A和B / A、B由C牵头)."""
        t = self.t
        acts = [a for a in self._actions_in(ss, se) if not self._umbrella(a[2])]
        out = [act]
        for step in (-1, 1):
            cur = act
            while True:
                if step < 0:
                    nxt = [a for a in acts if a[1] <= cur[0] and re.fullmatch(r"(?:、|和|及|与|以及)", t[a[1]:cur[0]])]
                else:
                    nxt = [a for a in acts if a[0] >= cur[1] and re.fullmatch(r"(?:、|和|及|与|以及)", t[cur[1]:a[0]])]
                if not nxt:
                    break
                cur = nxt[-1] if step < 0 else nxt[0]
                out.append(cur)
        return sorted(out)

    def _co_leads(self, org: tuple[int, int, str]) -> list[tuple[int, int, str]]:
        """The agency and those joined to it before the cue (由A、B牵头 / A会同B牵头)."""
        t = self.t
        orgs = self._orgs_in(max(0, org[0] - 80), org[1])
        out = [org]
        cur = org
        while True:
            prev = [o for o in orgs if o[1] < cur[0] and re.fullmatch(r"(?:、|和|与|及|会同)",
                                                                     t[o[1]:cur[0]])]
            if not prev:
                break
            cur = prev[-1]
            out.insert(0, cur)
        return out

    def _interview_org_before(self, pos: int) -> str | None:
        heads = [c for c in self.chains if c.interview and c.start < pos]
        if not heads:
            return None
        return next((o for o, k, _t in heads[-1].elements if k == "org"), None)

    def _respectively(self, ss: int, se: int, cs: int):
        """"A、B分别由C、D牵头": pairs in order."""
        t = self.t
        k = t.rfind("分别由", ss, cs)
        if k < 0:
            return []
        acts = [a for a in self._actions_in(ss, k) if not self._umbrella(a[2])]
        orgs = self._orgs_in(k + 3, cs)
        cl = max(t.rfind(c, ss, k) for c in ",，;；") + 1
        acts = [a for a in acts if a[0] >= max(cl, ss)]
        if len(acts) >= 2 and len(acts) == len(orgs):
            return list(zip(orgs, acts))
        return []

    def _lead_pick(self, ss: int, se: int, cs: int, ce: int):
        """(agency, action) for the 牵头 cue at [cs, ce) of sentence [ss, se), clause-aware:
        the action in the cue's clause (A由B牵头, B牵头实施A, 作为A的牵头部门), else the last
        one before it in the ；-segment (实施A，由B牵头抓总; A，B牵头，C配合); the agency before the
        cue in its clause, else after it (牵头单位为B), else the one that opens the next clause
        (作为A的牵头部门，B将…).  Agencies in a 配合 clause never lead."""
        t = self.t
        acts = [a for a in self._actions_in(ss, se) if not self._umbrella(a[2])]
        orgs = self._orgs_in(ss, se)
        sufs = "|".join(re.escape(x) for x in self.lex.words("action_patterns", "suffix"))
        anaphora = re.search(f"(?:该|此项|这项|这一|上述|此次|本次|这次)(?:{sufs})", t[ss:cs])
        # "此次行动由B牵头，…开展A等系列活动": the anaphor before the cue names the action, not a
        # name after the cue
        if anaphora and not any(ss + anaphora.end() <= a[0] and a[1] <= cs for a in acts):
            acts = [a for a in acts if a[1] <= ss + anaphora.start()]
        if not acts and orgs:
            # "该行动由B牵头" / a "牵头单位：B" line under the action's line: the last action of
            # the text just before
            label = re.match(r"\s*[:：为是]", t[ce:ce + 2])
            # "一、实施A行动。由B牵头抓总，C、D按职责分工负责。": a sentence that opens with
            # 由B牵头 leads the action named in the sentence before it (same item / line)
            opener = re.match(r"\s*(?:并|均|统一|具体|该项工作|此项工作)?由", t[ss:cs])
            if opener:
                ps = max([t.rfind(c, 0, max(0, ss - 1)) for c in "。！？!?\n"] + [-1]) + 1
                prev = [a for a in self._actions_in(ps, ss) if not self._umbrella(a[2])]
                before = [o for o in orgs if o[1] <= cs]
                if prev and before and ss - ps <= 160:
                    return before[-1], prev[-1]
            if anaphora or label:
                prev = [a for a in self._actions_in(max(0, ss - 120), ss) if not self._umbrella(a[2])]
                if prev:
                    act = prev[-1]
                    before = [o for o in orgs if o[1] <= cs]
                    after = [o for o in orgs if o[0] >= ce]
                    org = (after[0] if label and after else (before[-1] if before else None))
                    return org, act
            return None
        if not acts or not orgs:
            return None

        def span_of(pos: int, seps: str) -> tuple[int, int]:
            a = max([t.rfind(c, ss, pos) for c in seps] + [ss - 1]) + 1
            ends = [t.find(c, pos, se) for c in seps]
            b = min([x for x in ends if x >= 0] + [se])
            return a, b

        cl0, cl1 = span_of(cs, "，,；;")
        sg0, sg1 = span_of(cs, "；;")
        assist = self.lex.words("action_patterns", "assist_cue")
        cues = self.lex.words("action_patterns", "lead_cue")

        def assisting(o) -> bool:
            a, b = span_of(o[0], "，,；;")
            seg = t[a:b]
            return any(w in seg for w in assist) and not any(c in seg for c in cues)

        orgs = [o for o in orgs if not assisting(o)]
        in_clause = [a for a in acts if cl0 <= a[0] and a[1] <= cl1]
        if in_clause:
            act = min(in_clause, key=lambda a: min(abs(a[0] - cs), abs(a[1] - cs)))
        else:
            seg_before = [a for a in acts if sg0 <= a[0] and a[1] <= cs]
            seg_any = [a for a in acts if sg0 <= a[0] and a[1] <= sg1]
            if seg_before:
                act = seg_before[-1]
            elif seg_any:
                act = seg_any[0]
            elif len({self._bare(a[2]) for a in acts}) == 1:
                act = acts[0]
            else:
                return None
        orgs = [o for o in orgs if not (act[0] <= o[0] < act[1])]
        if not orgs:
            return None
        zw = t.rfind("作为", cl0, cs)
        if zw >= 0 and zw <= act[0] < cs:
            adj = [o for o in orgs if o[1] <= zw and zw - o[1] <= 1]
            after = [o for o in orgs if o[0] >= ce]
            before = [o for o in orgs if o[1] <= zw]
            if adj:
                return adj[-1], act
            comma = re.compile(r"[,，]").search(t, ce, se)
            if after and comma and 0 <= after[0][0] - comma.end() <= 6:
                return after[0], act
            if self._interview_org_before(cs):
                return None, act        # "…表示，作为X的牵头单位，我们将…": the interviewee's
            return (before[-1] if before else (after[0] if after else None)), act
        before = [o for o in orgs if cl0 <= o[0] and o[1] <= cs]
        after = [o for o in orgs if o[0] >= ce and o[1] <= cl1]
        if before:
            return before[-1], act
        if after:
            return after[0], act
        before_seg = [o for o in orgs if sg0 <= o[0] and o[1] <= cs]
        return (before_seg[-1] if before_seg else None), act

    # ------------------------------------------------------------------ output
    def _listed_with_places(self, s: int, e: int) -> bool:
        t = self.t
        place_spans = {(a, b) for a, b, typ, _sub, _x in self.ner_v if typ == "Place"}
        neigh = []
        if s > 0 and t[s - 1] == "、":
            j = s - 1
            k = j
            while k > 0 and _is_han(t[k - 1]) and j - k < 8:
                k -= 1
            neigh.append((k, j))
        if e < len(t) and t[e] == "、":
            k = e + 1
            j = k
            while j < len(t) and _is_han(t[j]) and j - k < 8:
                j += 1
            neigh.append((k, j))
        for a, b in neigh:
            x = t[a:b]
            if x in self.places or any(pa == a for pa, pb in place_spans) \
                    or any(x.startswith(p) for p in self.places if len(p) >= 2):
                return True
        return False

    def _person_supported(self, name: str) -> bool:
        """Some occurrence of ``name`` has a name's left edge (punctuation, a function word,
        a title, a verb such as 会见) and right edge (punctuation or a follower word).  A name
        that does not start with a common surname needs a title or such a verb before it."""
        t = self.t
        followers = self.lex.words("persons", "follower")
        preceders = self.lex.words("persons", "preceder") + list(self.lex.posts)
        surnames = set(self.lex.words("persons", "surname"))
        common = name[0] in surnames or name[:2] in surnames
        for m in re.finditer(re.escape(name), t):
            s, e = m.start(), m.end()
            left = t[s - 1] if s > 0 else ""
            titled = any(t.endswith(w, 0, s) for w in preceders)
            # after 的 (的殷切希望) or opening a quoted title (“钟鸣盛世——…”) a word is no name
            left_ok = titled or (common and (not left or not _is_han(left) or left in _FUNC)
                                 and left != "的" and left not in "“「《『‘")
            right = t[e:e + 4]
            right_ok = not right or not _is_han(right[0]) \
                or any(right.startswith(f) for f in followers)
            if left_ok and right_ok:
                return True
        return False

    def collect_mentions(self) -> None:
        not_person = set(self.lex.words("persons", "not_person"))
        rule_person_spans = set(self.persons)
        covered: list[tuple[int, int]] = []
        for (s, e), _x in self.projects.items():
            covered.append((s, e))
        for (s, e) in list(self.orgs) + list(self.enterprises) + list(self.actions) \
                + list(self.clusters):
            covered.append((s, e))
        known = {n for n in self.person_names if 2 <= len(n) <= 3} | {
            m.text for m in self.ner if m.type == "Person" and 2 <= len(m.text) <= 3}
        for m in self.ner:
            s, e = self.v.inv[m.start], self.v.inv[m.end]
            # a model "place" that the grammar reads as an organisation (X县融媒体中心)
            if m.type == "Place" and (s, e) in self.orgs and self.lex.ends_with_org_suffix(self.orgs[(s, e)][0]) \
                    and not self._is_place(self.orgs[(s, e)][0]):
                continue
            if m.type == "Person":
                x = m.text
                if x in not_person or x in self.places or len(x) < 2 or len(x) > 6 \
                        or not all(_is_han(c) or c == "·" for c in x):
                    continue
                # inside a rule-found organisation / project, or overlapping a rule person
                if (s, e) not in rule_person_spans and any(a <= s and e <= b for a, b in covered):
                    continue
                # listed among places ("阿拉山口、霍尔果斯、二连浩特等地")
                if (s, e) not in rule_person_spans and self._listed_with_places(s, e):
                    continue
                if any(a < e and s < b and (a, b) != (s, e) for a, b in rule_person_spans):
                    continue
                # a model-only person needs one occurrence that stands like a name
                if (s, e) not in rule_person_spans and not self._person_supported(x):
                    continue
                # two known names glued together ("贺海东崔振武出席")
                if any(x.startswith(a) and x[len(a):] in known and a in known for a in known):
                    continue
            self.mentions.append(m)
        for (s, e), src in sorted(self.persons.items()):
            if any(m.type == "Person" and (self.v.inv[m.start], self.v.inv[m.end]) == (s, e)
                   for m in self.ner):
                continue
            self._mention(s, e, "Person", None, src, 0.9)
        ner_spans = {(self.v.inv[m.start], self.v.inv[m.end]) for m in self.ner if m.type != "Place"}
        for (s, e), (x, sub) in sorted(self.orgs.items()):
            if (s, e) not in ner_spans:
                self._mention(s, e, "Organization", sub or self.lex.org_subtype(x), "grammar", 0.8)
        for (s, e), x in sorted(self.enterprises.items()):
            self._mention(s, e, "Organization", "enterprise", "brand", 0.7)
        for (s, e), x in sorted(self.projects.items()):
            self._mention(s, e, "Project", None, "pattern", 0.8, text=x)
        for (s, e), x in sorted(self.actions.items()):
            self._mention(s, e, "Action", None, "pattern", 0.8, text=x)
        for (s, e), x in sorted(self.clusters.items()):
            self._mention(s, e, "Cluster", None, "pattern", 0.8, text=x)
        self.mentions.sort(key=lambda m: (m.start, m.end, m.type))

    def _written_heads(self, lists):
        """"推动X产业园项目投产": a list item cut before the 项目 written right after it
        takes it (the project is named as written, one project, not two)."""
        t = self.t
        out = []
        for pos, projects, enterprises in lists:
            fixed = []
            for s, e, name in projects:
                if t.startswith("项目", e) and not name.endswith(("项目", "工程")) \
                        and self._has_head(name) and (s, e) in self.projects:
                    del self.projects[(s, e)]
                    self.projects.setdefault((s, e + 2), name + "项目")
                    e, name = e + 2, name + "项目"
                fixed.append((s, e, name))
            out.append((pos, fixed, enterprises))
        return out

    def run(self) -> DocResult:
        self.bylines()
        self.org_grammar()
        self.post_chains()
        self.titles_after_names()
        self.listed_persons()
        self.actions_grammar()
        self.actions_bare()
        lists = self._written_heads(self.project_lists() + self.projects_before_verb()
                                    + self.enterprise_lists())
        self.named_projects()
        self.clusters_grammar()
        self.in_cluster(lists)
        self.cluster_scopes()
        self.subject_projects()
        self.leads()
        self.structure()
        self.collect_mentions()
        # one fact per (relation, args, evidence span)
        seen = set()
        facts = []
        for f in self.facts:
            k = (f.relation, tuple(sorted((r, a.text) for r, a in f.args.items())),
                 f.evidence.start, f.evidence.end)
            if k in seen:
                continue
            seen.add(k)
            facts.append(f)
        return DocResult(self.doc.id, self.mentions, facts)


def extract(doc: Document, mentions: list[Mention], lexicon: Lexicon) -> DocResult:
    """All mentions (NER + rule-found) and the facts of one document."""
    return _Extractor(doc, mentions, lexicon).run()
