"""The place part of a party or government organ's name (kg.resolve._Canon.org): words the
rules glue before it are no part of the place.  No NER model, no document needed."""

from __future__ import annotations

from kg.resolve import _Canon


def test_a_word_before_a_bare_organ_leaves_the_context_citys_organ(lexicon):
    # 当地 / 多位 (places.tsv not_city) + 市委 is the context city's 市委, not a city 当地市
    c = _Canon(lexicon, "呼和浩特市", None)
    assert c.org("当地市委")[0] == "中国共产党呼和浩特市委员会"
    assert c.org("多位市委")[0] == "中国共产党呼和浩特市委员会"
    # also inside a template with words before the place (中共{place}委, 政协{place}委员会)
    assert c.org("中共当地市委")[0] == "中国共产党呼和浩特市委员会"
    assert c.org("中国共产党当地市委员会")[0] == "中国共产党呼和浩特市委员会"
    assert c.org("中共当地县委")[0] == "中共当地县委"           # no context county: left as written
    assert _Canon(lexicon, None, None, county="甲乙县").org("中共当地县委")[0] == "中国共产党甲乙县委员会"


def test_a_party_committee_is_named_in_full_in_every_form_and_its_departments_short(lexicon):
    # the real pages' gold names a committee 中国共产党X委员会 (as kg names the central one): the
    # page's short forms, 中共X委员会 and the full form are one name; a department written without
    # the party's name keeps the short one (resolve.tsv department_party), its 纪委 the full one
    c = _Canon(lexicon, "汀州市", None)
    full = "中国共产党汀州市委员会"
    assert {c.org(x)[0] for x in ("市委", "汀州市委", "中共汀州市委", "中共汀州市委员会", full,
                                  "中国共产党汀州市第三届委员会")} == {full}
    assert c.org("市委宣传部")[0] == c.org("汀州市委宣传部")[0] == "中共汀州市委宣传部"
    assert {c.org(x)[0] for x in ("市纪委", "汀州市纪委", "中共汀州市纪律检查委员会")} == {"中国共产党汀州市纪律检查委员会"}


def test_a_known_place_after_other_words_is_the_place(lexicon):
    c = _Canon(lexicon, None, None)
    assert c.org("会上代表佛山市委")[0] == "中国共产党佛山市委员会"
    assert c.org("内蒙古包头市委")[0] == "中国共产党包头市委员会"


def test_an_unknown_place_is_kept_whole(lexicon):
    # an invented city and a county under a city: no known place ends them after other words
    c = _Canon(lexicon, None, None)
    assert c.org("汀州市委")[0] == "中国共产党汀州市委员会"
    assert c.org("上海市崇明区委")[0] == "中国共产党上海市崇明区委员会"


def test_a_department_after_places_written_with_their_marks(lexicon):
    c = _Canon(lexicon, None, None)
    # 福建省|市场监管局: the place's own mark is no 省市 (nor 市市); the body's short form is read
    assert c.org("福建省市场监管局")[0] == "福建省市场监督管理局"
    assert c.org("哈尔滨市市场监管局")[0] == "哈尔滨市市场监督管理局"
    # 浙江省|温州市|市场监管局: both places are the prefix, the body is read as one (and the
    # canonical name leaves out the province before the city)
    assert c.org("浙江省温州市市场监管局")[0] == "温州市市场监督管理局"
    assert c.org("温州市市场监管局")[0] == "温州市市场监督管理局"


def test_a_prefecture_organ_needs_a_prefecture_context(lexicon):
    # 州委 / 州政府 are the context city's only when it is a prefecture written with 州
    assert _Canon(lexicon, "黔岭州", None).org("州委")[0] == "中国共产党黔岭州委员会"
    assert _Canon(lexicon, "黔岭州", None).org("州政府")[0] == "黔岭州人民政府"
    assert _Canon(lexicon, "江门市", None).org("州委")[0] == "州委"
    assert _Canon(lexicon, "江门市", None).org("州政府")[0] == "州政府"


def test_a_place_before_other_words_is_not_read_as_a_chain(lexicon):
    c = _Canon(lexicon, None, None)
    # 市民委 / 市民政局 after a city: the city keeps its 市 (市民 is no word there)
    assert c.org("北京市民委")[0] == "北京市民族事务委员会"
    assert c.split_place("北京市民政局") == ("北京市", "民政局")
    # only a known place with its mark is the second place of a chain: no 中国人民银行温州市,
    # no 上海北京 (a street)
    assert c.split_place("中国人民银行温州市中心支行") == ("中国", "人民银行温州市中心支行")
    assert c.split_place("上海北京路商贸有限公司") == ("上海", "北京路商贸有限公司")


def test_a_prefecture_organ_with_its_mark_written_twice(lexicon):
    c = _Canon(lexicon, "黔岭州", None)
    assert c.org("黔岭州州委")[0] == c.org("州委")[0] == "中国共产党黔岭州委员会"
    # a city written without its 市 (a --city override) is no prefecture
    assert _Canon(lexicon, "温州", None).org("州委")[0] == "州委"


def test_a_verb_before_a_bare_organ_names_no_county(lexicon):
    from kg.ingest import prepare_text
    from kg.resolve import infer_county
    # 会同 (a county's short name) is the verb "jointly with" here: written only before an organ
    # or a department, it is not the page's county
    doc = prepare_text("市公安局会同县委政法委开展行动。市教育局会同县教育局督查。县委提出要求。", "v.txt")
    assert infer_county(doc, lexicon) is None
    doc = prepare_text("武义县委召开会议。项目落户武义县。县委书记出席。", "w.txt")
    assert infer_county(doc, lexicon) == "武义县"


def test_a_city_mark_written_again_before_the_organ(lexicon):
    # "昭通市市委": the city's mark written again before 委 is the organ's, as 莘县县委's is;
    # a county-level city named with a doubled mark (津市市, counties.tsv) keeps it
    c = _Canon(lexicon, None, None)
    assert c.org("昭通市市委")[0] == "中国共产党昭通市委员会"
    assert c.org("汀州市市委")[0] == "中国共产党汀州市委员会"
    assert c.org("津市市委")[0] == "中国共产党津市市委员会"


def test_the_higher_places_left_out_of_an_organisation_name(lexicon):
    # a province before a city goes, a city before a county too (one character after it is
    # enough: 阳新县委); a district keeps its city (district names repeat across cities)
    c = _Canon(lexicon, None, None)
    assert c.org("湖北省黄石市阳新县委")[0] == c.org("湖北省黄石市阳新县县委")[0] == "中国共产党阳新县委员会"
    assert c.org("江苏省南京市鼓楼区人民政府")[0] == "南京市鼓楼区人民政府"
    assert c.org("重庆市丰都县城管局")[0].startswith("丰都县")
    assert c.org("上海市崇明区人民政府")[0] == "上海市崇明区人民政府"


def test_youth_league_committees_are_not_the_partys(lexicon):
    # 团县委 / 团市委 / X市团委 are the Communist Youth League's committees (共青团), not a
    # party committee of a place "团县"
    c = _Canon(lexicon, "青禾市", None, county="甲乙县")
    assert c.org("团县委")[0] == "共青团甲乙县委员会"
    assert c.org("团市委")[0] == "共青团青禾市委员会"
    assert c.org("青禾市团委")[0] == "共青团青禾市委员会"
    assert not _Canon(lexicon, None, None).org("团县委")[0].startswith("中共")
    assert c.org("县委")[0] == "中国共产党甲乙县委员会"
    # the written full form is the same committee; a province's, by the document's province
    assert c.org("共青团青禾市委")[0] == "共青团青禾市委员会"
    assert _Canon(lexicon, "青禾市", "青川省").org("团省委")[0] == "共青团青川省委员会"
    # 团区委 is a district's only where the context county is a district
    assert c.org("团区委")[0] == "团区委"


def test_a_generic_noun_alone_makes_no_organisation(lexicon):
    # 公司 / 党委 / 事业部 written alone and named by nothing longer (resolve.tsv generic_org) make
    # no entity, and the facts naming them go; a named company and its facts stay
    from kg.ingest import prepare_text
    from kg.model import Arg, DocResult, Evidence, Fact, Mention
    from kg.resolve import resolve

    doc = prepare_text("青禾电子有限公司总经理王小明介绍，公司事业部总监李文华主持会议。", "g.txt")
    t = doc.text

    def mention(x, typ, k=0):
        s = t.index(x) if not k else t.index(x, t.index(x) + 1)
        return Mention(doc.id, 0, s, s + len(x), x, typ, None, "ner", 0.9)

    def holds(person, post, org):
        ev = Evidence(doc.id, 0, t.index(person), t.index(person) + len(person), t)
        return Fact("holds_post", {"person": Arg(person, "Person"), "post": Arg(post, "Post"),
                                   "org": Arg(org, "Organization")}, ev, "test")

    ms = [mention("青禾电子有限公司", "Organization"), mention("王小明", "Person"),
          mention("事业部", "Organization"), mention("李文华", "Person"),
          mention("公司", "Organization", k=1)]
    res = DocResult(doc.id, ms, [holds("王小明", "总经理", "青禾电子有限公司"),
                                 holds("李文华", "总监", "事业部")])
    ents, facts = resolve([doc], [res], lexicon)
    orgs = {e.name for e in ents.values() if e.type == "Organization"}
    assert orgs == {"青禾电子有限公司"}
    posts = {(f.args["person"].text, f.args["org"].name) for f in facts if f.relation == "holds_post"}
    assert posts == {("王小明", "青禾电子有限公司")}
