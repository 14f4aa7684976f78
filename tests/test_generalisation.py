"""Rule units on hand-made mentions: span trimming and splitting, city names, ingest joins.

The relation rules on whole documents are tested by the table in tests/cases/relations.toml
(tests/test_relation_cases.py); these are the checks that call one function of kg.relations or
kg.resolve directly, or that need a mention no model would give.  No NER model is loaded.  Every
sentence is written for this test (none is taken from the sample corpus or the held-out set)."""

from __future__ import annotations

from kg.ingest import prepare_text
from kg.relations import extract


def split_span(doc, a: str, b: str, typ: str) -> list[str]:
    """The mentions :func:`kg.relations.base._split_mention` makes of a model span of type
    ``typ`` from the first ``a`` to the end of the next ``b`` in ``doc.text``."""
    from kg.model import Mention
    from kg.relations.base import _split_mention

    t = doc.text
    s = t.index(a)
    e = t.index(b, s) + len(b)
    return [m.text for m in _split_mention(Mention(doc.id, 0, s, e, t[s:e], typ, None, "ner", 1.0), doc)]


def posts(result) -> set[tuple[str, str, str]]:
    return {(f.args["person"].text, f.args["post"].text, f.args["org"].text)
            for f in result.facts if f.relation == "holds_post"}


def orgs(result) -> set[str]:
    return {m.text for m in result.mentions if m.type == "Organization"}


def test_model_span_cut_after_city_is_extended(lexicon):
    """A model organisation that starts 1-3 characters after "<place>市/省" ("济和信息化局",
    "生健康委员会") is extended to the place; after 的/和 it is not."""
    from kg.model import Mention

    text = ("株洲市经济和信息化局党组书记、局长谭伟明介绍，湖南省卫生健康委员会主任周建出席。"
            "株洲市的信息化局也参加。\n")
    doc = prepare_text(text, "cut.txt")

    def at(sub: str, typ: str, nth: int = 0) -> Mention:
        i = -1
        for _ in range(nth + 1):
            i = doc.text.index(sub, i + 1)
        return Mention(doc.id, 0, i, i + len(sub), sub, typ)

    mentions = [at("济和信息化局", "Organization"), at("谭伟明", "Person"),
                at("生健康委员会", "Organization"), at("周建", "Person"),
                at("信息化局", "Organization", 1)]
    result = extract(doc, mentions, lexicon)
    assert {"株洲市经济和信息化局", "湖南省卫生健康委员会", "信息化局"} <= orgs(result)
    assert not {"济和信息化局", "生健康委员会"} & orgs(result)
    assert ("谭伟明", "局长", "株洲市经济和信息化局") in posts(result)
    assert ("周建", "主任", "湖南省卫生健康委员会") in posts(result)


def test_model_span_across_an_open_bracket_starts_after_it(lexicon):
    """A model organisation "A行动（市X局" (bracket left open) is cut to 市X局; a closed bracket
    inside a company name (X科技（芜湖）有限公司) stays."""
    from kg.model import Mention
    from kg.relations import _trim_mention

    doc = prepare_text("深入实施质量强市行动（市市场监督管理局牵头），支持瑞能科技（芜湖）有限公司扩产。\n")
    t = doc.text
    a = t.index("质量强市行动")
    b = t.index("局牵头") + 1
    m = _trim_mention(Mention(doc.id, 0, a, b, t[a:b], "Organization", "government", "ner", 1.0), doc)
    assert m is not None and m.text == "市市场监督管理局"
    a2 = t.index("瑞能")
    b2 = t.index("有限公司") + 4
    m2 = _trim_mention(Mention(doc.id, 0, a2, b2, t[a2:b2], "Organization", "enterprise", "ner", 1.0), doc)
    assert m2 is not None and m2.text == t[a2:b2]


def test_model_span_with_a_lone_closing_bracket_drops_it(lexicon):
    """"A科技有限公司（A锂能）": a model span "A锂能）" without its opening bracket ends before it;
    a closed bracket inside a name stays."""
    from kg.model import Mention
    from kg.relations import _trim_mention
    doc = prepare_text("澄州锂能科技有限公司（澄州锂能）、晶拓科技（澄州）有限公司扩产顺利。\n")
    t = doc.text
    a = t.index("澄州锂能", t.index("公司") + 2)      # the bracket may be normalised to ")"
    m = _trim_mention(Mention(doc.id, 0, a, a + 5, t[a:a + 5], "Organization", "enterprise", "ner", 1.0), doc)
    assert m is not None and m.text == "澄州锂能" and t[m.start:m.end] == "澄州锂能"
    a2 = t.index("晶拓")
    b2 = t.index("扩产")
    m2 = _trim_mention(Mention(doc.id, 0, a2, b2, t[a2:b2], "Organization", "enterprise", "ner", 1.0), doc)
    assert m2 is not None and m2.text == t[a2:b2]


def test_ner_span_over_a_name_end_is_split():
    """A Place span glued over a closing quote or a dash ("莫斯科”货运航线", "秦皇岛)—长沙") holds
    one name before it and maybe one after: each becomes a mention, the noun after a quote does not.
    A bracket closed inside the span stays; organisations are only cut by _trim_mention."""
    doc = prepare_text("“长沙—莫斯科”货运航线开通，建设“天津(秦皇岛)—长沙”分拨中心和“专精特新”企业服务中心。\n")

    def split(a: str, b: str, typ: str) -> list[str]:
        return split_span(doc, a, b, typ)

    assert split("莫斯科", "货运航线", "Place") == ["莫斯科"]
    assert split("长沙—", "莫斯科", "Place") == ["长沙", "莫斯科"]
    assert split("秦皇岛", "—长沙", "Place") == ["秦皇岛", "长沙"]
    assert split("天津(", "岛)", "Place") == ["天津(秦皇岛)"]
    assert split("专精特新", "中心", "Organization") == ["企业服务中心"]      # _trim_mention's last segment


def test_list_marker_or_open_bracket_is_no_part_of_a_name():
    """A web/paper list marker or an unclosed bracket glued before an NER span ("·A有限公司",
    "【X区") is cut off; a bracket closed inside the span stays; a marker alone gives nothing."""
    doc = prepare_text("重点项目\n· 赣州明晟电子有限公司封装项目\n【崇义县】崇义县推进锂电产业。\n"
                       "▲ 【南康区】\n")

    def split(a: str, b: str, typ: str) -> list[str]:
        return split_span(doc, a, b, typ)

    assert split("·", "有限公司", "Organization") == ["赣州明晟电子有限公司"]
    assert split("【崇", "崇义县", "Place") == ["崇义县"]
    assert split("▲", "▲", "Place") == []


def test_date_and_dateline_make_no_city():
    """"2025年湖州市共安排…" names the city 湖州市, not 年湖州市 (a date unit after a digit is a
    boundary, in city_names and at the start of an NER span); a paper's dateline of fields apart
    by spaces ("… 第03版：要闻") is not joined to the next line, so 要闻 is no city before 市委."""
    from kg.model import Mention
    from kg.relations.base import _View, _split_mention, city_names

    text = "据了解，2025年湖州市共安排重大产业项目90个。\n"
    counts, _ = city_names(text)
    assert "湖州市" in counts and not any(c.startswith("年") for c in counts), counts
    doc = prepare_text(text)
    t = doc.text
    s = t.index("年湖州市")
    got = [m.text for m in _split_mention(Mention(doc.id, 0, s, s + 4, t[s:s + 4], "Place", None, "ner", 1.0), doc)]
    assert got == ["湖州市"]

    page = ("2026年5月8日 星期五 农历四月廿二 第03版：要闻\n"
            "市委常委会召开会议研究部署重点工作安排\n")
    view = _View(page)
    counts, _ = city_names(view.text)
    assert "要闻市" not in counts, counts
    # hard-wrapped prose is still joined
    prose = _View("会议要求，各地各部门要把思想和行动统一到部署要求上来，加快推进重大\n项目建设。\n")
    assert "重大项目" in prose.text


def test_city_after_an_autonomous_region():
    """"自治区包头市", "广西壮族自治区青禾市": 自 is a function character, so the run before 市
    started at 治; the region mark is no part of the city (治区包头市 was named a city)."""
    from kg.relations.base import city_names

    for text, city in [("据悉，自治区包头市人民政府近日召开会议。", "包头市"),
                       ("内蒙古自治区赤峰市委召开会议。", "赤峰市"),
                       ("广西壮族自治区青禾市政府发布通知。", "青禾市"),
                       ("浙江省湖州市召开会议。", "湖州市")]:
        counts, _ = city_names(text)
        assert city in counts and not any("区" in c for c in counts), (text, counts)


def test_city_after_a_joined_menu_line(lexicon):
    """A web page's menu line ("… | 登录 | 注册") joined by ingest to the site's heading names no
    city 注册湖州市: a line break ingest removed starts a city name."""
    from kg.relations.base import city_names, removed_breaks
    from kg.resolve import infer_city

    page = ("无障碍 | 关怀版 | 登录 | 注册\n湖州市人民政府\n"
            "湖州市召开重大项目推进会。会议由湖州市人民政府主办，湖州市经信局、湖州市发改局参加。\n")
    doc = prepare_text(page)
    counts, _ = city_names(doc.text, breaks=removed_breaks(doc))
    assert not any(c.startswith("注册") for c in counts), counts
    assert infer_city(doc, [], lexicon) == "湖州市"


def test_ner_span_over_table_cells_keeps_the_name_cells(lexicon):
    """A tab-separated project table that ingest joins into one line: an NER span running over
    cells (project, company, cluster, amount, place) keeps only the cells that look like a name
    of its type (a company by its suffix, a place by its suffix)."""
    from kg.model import Mention

    page = ("附件：2026年宜春市重点产业项目清单\n"
            "序号\t项目名称\t建设单位\t所属产业集群\t总投资（亿元）\t所在地\n"
            "1\t锂电池隔膜项目\t江西恒晟新材料有限公司\t锂电新能源产业集群\t12.0\t袁州区\n"
            "2\t储能电站项目\t宜春赣锋储能科技有限公司\t锂电新能源产业集群\t8.5\t万载县\n")
    doc = prepare_text(page, "t.txt")
    t = doc.text

    def span(a: str, b: str, typ: str) -> Mention:
        s = t.index(a)
        e = t.index(b, s) + len(b)
        return Mention(doc.id, 0, s, e, t[s:e], typ, "enterprise" if typ == "Organization" else None, "ner", 1.0)

    ner = [span("锂电池隔膜项目", "江西恒晟新材料有限公司", "Organization"),
           span("锂电新能源产业集群", "袁州区", "Place"),
           span("储能电站项目", "宜春赣锋储能科技有限公司", "Organization")]
    result = extract(doc, ner, lexicon)
    orgs = {m.text for m in result.mentions if m.type == "Organization"}
    places = {m.text for m in result.mentions if m.type == "Place"}
    assert {"江西恒晟新材料有限公司", "宜春赣锋储能科技有限公司"} <= orgs, orgs
    assert not any("项目" in o for o in orgs), orgs
    assert "袁州区" in places and not any("集群" in p for p in places), places


def test_a_span_over_a_cell_mark_keeps_the_name_at_its_own_offsets(lexicon):
    """A model span over "首页 | 汀州省教育厅 | 通知公告" (a breadcrumb) keeps the organisation
    only, and the mention's offsets give its text."""
    from kg.model import Mention

    doc = prepare_text("首页 | 汀州省教育厅 | 通知公告\n\n汀州省教育厅召开会议。\n", "b.txt")
    t = doc.text
    s, e = t.index("首页"), t.index("通知公告") + 4
    ner = [Mention(doc.id, 0, s, e, t[s:e], "Organization", "government", "ner", 1.0)]
    orgs = [m for m in extract(doc, ner, lexicon).mentions if m.type == "Organization" and m.start < e]
    assert [m.text for m in orgs] == ["汀州省教育厅"], orgs
    assert all(t[m.start:m.end] == m.text for m in orgs)


def test_verb_before_市_names_no_city(lexicon):
    """"自觉接受市人大…监督", "并请市政协委员…": a verb (or its tail after a function word
    such as 自) before 市 is no city (places.tsv not_city), so 市人大 keeps the paper's city."""
    from kg.relations import city_names

    text = "我们将自觉接受市人大及其常委会的法律监督，主动接受市政协的民主监督，并请市政协委员提出意见。"
    counts, _strong = city_names(text, not_city=lexicon.words("places", "not_city"))
    assert not counts, counts


def test_person_span_glued_to_a_verb_or_short_of_its_surname(lexicon):
    """A model person span that swallowed a reporting verb ("韩立新说") or lost its surname to
    the word before it ("落实|习文远" tagged 文远) becomes the name the document tags elsewhere."""
    from kg.model import Mention

    doc = prepare_text("市长韩立新出席会议。\n韩立新说，要抓好落实。\n习文远强调，要全面落实习文远书记的要求。\n")
    t = doc.text

    def ment(sub: str, nth: int = 0) -> Mention:
        s = -1
        for _ in range(nth + 1):
            s = t.index(sub, s + 1)
        return Mention(doc.id, 0, s, s + len(sub), sub, "Person", None, "hanlp", 1.0)

    mentions = [ment("韩立新"), ment("韩立新说"), ment("习文远"), ment("文远", 1)]
    result = extract(doc, mentions, lexicon)
    persons = sorted(m.text for m in result.mentions if m.type == "Person")
    assert "韩立新说" not in persons and "文远" not in persons, persons
    assert persons.count("习文远") == 2, persons


def test_city_of_a_province_prefixed_address(lexicon):
    """"江苏省扬州市邗江区…" in an address and "江苏省扬州市人民政府主办" give the context city 扬州市
    (no mentions needed)."""
    from kg.resolve import infer_city

    doc = prepare_text("地址：江苏省扬州市邗江区文昌西路1号。江苏省扬州市人民政府主办。\n", "a.txt")
    assert infer_city(doc, [], lexicon) == "扬州市"
