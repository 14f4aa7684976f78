"""Entity resolution: alias merging, context city, no merging of different people/organs that
share a short name, ids and mentioned_in facts (real NER model, real ingest)."""

from __future__ import annotations


from kg.ingest import prepare_text
from kg.lexicon import Lexicon
from kg.model import document_id, post_id, stable_id
from kg.relations import extract
from kg.resolve import _LONG_TEXT, _counts_in, context_cities, infer_city, infer_county, infer_county_from_places, resolve
from conftest import mention


def run_with_cities(tagger, lexicon, texts: dict[str, str], overrides=None):
    """(each document's context city, entities, facts)."""
    docs = [prepare_text(t, doc_id) for doc_id, t in texts.items()]
    results = [extract(d, tagger.tag(d), lexicon) for d in docs]
    entities, facts = resolve(docs, results, lexicon, city_overrides=overrides)
    cities = context_cities(docs, results, lexicon, city_overrides=overrides)
    return [cities[d.id] for d in docs], entities, facts


def run(tagger, lexicon, texts: dict[str, str], overrides=None):
    docs = [prepare_text(t, doc_id) for doc_id, t in texts.items()]
    results = [extract(d, tagger.tag(d), lexicon) for d in docs]
    entities, facts = resolve(docs, results, lexicon, city_overrides=overrides)
    return docs, entities, facts


def by_name(entities, typ):
    out = {}
    for e in entities.values():
        if e.type == typ:
            out.setdefault(e.name, []).append(e)
    return out


DRC_A = """推动重大项目谋划行动落地见效
——访包头市发展和改革委员会党组书记、主任李明远
“市发改委将作为重大项目谋划行动牵头抓总部门，统筹协调全市重大项目。”包头市发展和改革委员会党组书记、主任李明远表示。
"""

DRC_B = """本报讯（记者 周丽）包头市发改委近日召开会议，市发展和改革委员会有关负责人出席。
"""

DAIRY_A = """本报讯（记者 周丽）近日，内蒙古蒙牛乳业（集团）股份有限公司入选首批中国消费名品名单。
"""

DAIRY_B = """全力推进以乳业为龙头的绿色农畜产品加工产业集群。建成投产蒙牛乳铁蛋白深加工、九期奶粉等项目，集群产值达到500亿元。
"""


def test_alias_merging_across_documents(tagger, lexicon):
    docs, ents, facts = run(tagger, lexicon, {"a.txt": DRC_A, "b.txt": DRC_B})
    orgs = by_name(ents, "Organization")
    drc = orgs["包头市发展和改革委员会"]
    assert len(drc) == 1
    e = drc[0]
    assert e.id == stable_id("Organization", "包头市发展和改革委员会")
    assert {"市发改委", "包头市发改委", "市发展和改革委员会"} <= e.aliases
    assert e.docs == {"a.txt", "b.txt"}
    assert e.subtype == "government"
    la = [f for f in facts if f.relation == "leads_action"]
    assert {(f.args["agency"].entity_id, f.args["action"].name) for f in la} == \
        {(e.id, "重大项目谋划行动")}
    # one mentioned_in per (entity, document, written form), the form's first mention as
    # evidence: a.txt writes the full name and 市发改委, b.txt 包头市发改委 and 市发展和改革委员会
    mi = [f for f in facts if f.relation == "mentioned_in" and f.args["entity"].entity_id == e.id]
    assert sorted((f.evidence.doc_id, f.args["entity"].text) for f in mi) == [
        ("a.txt", "包头市发展和改革委员会"), ("a.txt", "市发改委"),
        ("b.txt", "包头市发改委"), ("b.txt", "市发展和改革委员会")]
    for f in mi:
        assert f.args["document"].type == "Document"
        assert f.args["document"].entity_id == document_id(f.evidence.doc_id)
        assert f.args["entity"].name == "包头市发展和改革委员会"
    text_a = docs[0].text           # analysis text
    starts = {f.args["entity"].text: f.evidence.start for f in mi if f.evidence.doc_id == "a.txt"}
    assert starts == {"包头市发展和改革委员会": text_a.index("包头市发展和改革委员会"),
                      "市发改委": text_a.index("市发改委")}


def test_enterprise_brand_joins_full_name(tagger, lexicon):
    _, ents, facts = run(tagger, lexicon, {"a.txt": DAIRY_A, "b.txt": DAIRY_B})
    full = "内蒙古蒙牛乳业(集团)股份有限公司"      # NFKC form of the full-width brackets
    orgs = by_name(ents, "Organization")
    assert len(orgs[full]) == 1
    mengniu = orgs[full][0]
    assert "蒙牛" in mengniu.aliases and mengniu.docs == {"a.txt", "b.txt"}
    ic = {(f.args["member"].entity_id, f.args["cluster"].name) for f in facts
          if f.relation == "in_cluster" and f.args["member"].type == "Organization"}
    assert ic == {(mengniu.id, "绿色农畜产品加工产业集群")}


def test_context_city_inferred_and_overridden(tagger, lexicon):
    text = "市委书记王海军主持召开市委常委会会议。\n"
    # no city written: bare 市委 stays a local organ of an unknown city ...
    cities, ents, facts = run_with_cities(tagger, lexicon, {"x.txt": text})
    assert cities == [None]
    hp = [f for f in facts if f.relation == "holds_post"]
    assert [(f.args["person"].name, f.args["post"].name, f.args["org"].name) for f in hp] == \
        [("王海军", "书记", "市委")]
    # ... an override names the city
    cities, ents, facts = run_with_cities(tagger, lexicon, {"x.txt": text}, overrides={"x.txt": "赤峰市"})
    assert cities == ["赤峰市"]
    hp = [f for f in facts if f.relation == "holds_post"]
    assert [(f.args["post"].name, f.args["org"].name) for f in hp] == [("书记", "中国共产党赤峰市委员会")]
    org_id = hp[0].args["org"].entity_id
    assert hp[0].args["post"].entity_id == post_id(org_id, "书记")
    # doc.city set beforehand is kept
    d = prepare_text("包头市委书记孙立主持会议。乌海市委副书记、市长赵强出席。", "y.txt")
    assert infer_city(d, [], lexicon) == "包头市"
    d.city = "乌海市"
    ents2, facts2 = resolve([d], [extract(d, tagger.tag(d), lexicon)], lexicon)
    orgs = {f.args["org"].name for f in facts2 if f.relation == "holds_post"}
    assert orgs == {"中国共产党包头市委员会", "中国共产党乌海市委员会", "乌海市人民政府"}


def test_same_name_in_different_cities_not_merged(tagger, lexicon):
    a = "本报讯（记者 周丽）包头市召开会议。市委副书记、市长张伟出席并讲话。市委书记李华主持。\n"
    b = "本报讯（记者 陈雪）鄂尔多斯市召开会议。市委副书记、市长张伟出席。副市长张伟国参加。\n"
    cities, ents, facts = run_with_cities(tagger, lexicon, {"a.txt": a, "b.txt": b})
    assert cities == ["包头市", "鄂尔多斯市"]
    people = by_name(ents, "Person")
    assert len(people["张伟"]) == 2                      # two mayors, two people
    assert "张伟国" in people and len(people["张伟国"]) == 1
    assert people["张伟国"][0].id not in {e.id for e in people["张伟"]}
    orgs = by_name(ents, "Organization")
    assert "中国共产党包头市委员会" in orgs and "中国共产党鄂尔多斯市委员会" in orgs
    assert orgs["中国共产党包头市委员会"][0].id != orgs["中国共产党鄂尔多斯市委员会"][0].id
    mayors = {(f.args["person"].entity_id, f.args["org"].name) for f in facts
              if f.relation == "holds_post" and f.args["post"].name == "市长"}
    assert len(mayors) == 2
    assert {o for _, o in mayors} == {"包头市人民政府", "鄂尔多斯市人民政府"}


def test_national_leader_merges_across_cities(tagger, lexicon):
    a = "包头市委召开会议。会议传达学习习近平总书记重要讲话精神。\n"
    b = "鄂尔多斯市委召开会议。会议强调，要深入学习贯彻习近平总书记重要指示精神。\n"
    _, ents, _ = run(tagger, lexicon, {"a.txt": a, "b.txt": b})
    xi = by_name(ents, "Person")["习近平"]
    assert len(xi) == 1 and xi[0].docs == {"a.txt", "b.txt"}


def test_party_prefix_is_not_part_of_the_context_city(tagger, lexicon):
    # a masthead "中共X市委员会机关报" and "中共X市委" must not make "中共X市" the city
    text = ("中共乌海市委员会机关报\n\n"
            "中共乌海市委召开常委会会议。市委副书记、市长李振东主持会议，"
            "市委书记高世宏讲话。乌海市各部门负责同志参加会议。")
    docs, entities, facts = run(tagger, lexicon, {"wuhai.txt": text})
    assert infer_city(docs[0], [], lexicon) == "乌海市"
    orgs = {f.args["org"].name for f in facts if f.relation == "holds_post"}
    assert "乌海市人民政府" in orgs and "中国共产党乌海市委员会" in orgs
    assert not any(o.startswith("中共中共") or o.startswith("中共乌海市人民") for o in orgs)


def test_a_word_glued_before_a_known_city_is_not_part_of_the_context_city(lexicon):
    """"今年伊春市…" / "欢迎收看桂平市…" written so often that the glued form wins the count: the
    context city is the known city it ends with (a gazetteer city, a named place such as 天津,
    a county-level city); an unknown X市 is left as it is."""
    def city(text):
        return infer_city(prepare_text(text, "c.txt"), [], lexicon)

    assert city("今年伊春市召开林业会议。今年伊春市造林十万亩。今年伊春市植树节启动。") == "伊春市"
    assert city("欢迎收看桂平市新闻。欢迎收看桂平市新闻联播。欢迎收看桂平市要闻。") == "桂平市"
    assert city("并以天津市为龙头。并以天津市为中心。并以天津市为枢纽。") == "天津市"
    assert city("汀州市召开林业会议。汀州市造林十万亩。汀州市植树节启动。") == "汀州市"


def test_numbered_party_committee_is_the_committee(tagger, lexicon):
    text = ("4月2日，中国共产党乌海市第十一届委员会第八次全体会议召开。"
            "市委书记高世宏代表市委常委会作工作报告。")
    docs, entities, facts = run(tagger, lexicon, {"plenary.txt": text})
    party = [e for e in entities.values() if e.type == "Organization" and e.name == "中国共产党乌海市委员会"]
    assert len(party) == 1 and party[0].subtype == "party"
    assert not any("第十一届" in e.name for e in entities.values())


def test_infer_county_needs_two_votes():
    """The context county: X县委 / X县人民政府 written twice (or once plus the headline); a city
    report naming one district's government once has none; 自治区 is never a county."""
    lex = Lexicon.load()
    county = prepare_text("松溪县召开经济工作会议\n中共松溪县委召开经济工作会议。县委书记讲话。\n", "a.txt")
    assert infer_county(county, lex) == "松溪县"
    city_doc = prepare_text("澄江市召开工作会议\n澄江市委召开会议，自治区政府有关负责人、"
                            "柳溪区政府负责人参加。自治区党委要求抓好落实。\n", "b.txt")
    assert infer_county(city_doc, lex) is None
    two = prepare_text("工作简报\n青禾县人民政府发布通知。5日青禾县委召开会议。\n", "c.txt")
    assert infer_county(two, lex) == "青禾县"
    # a headline opening "会议由县委…": a county's name holds no function character (由)
    led = prepare_text("会议由县委副书记、代县长张立主持并讲话。\n", "d.txt")
    assert infer_county(led, lex) is None
    led_twice = prepare_text("会议由县委副书记主持。由青禾县委统一部署，青禾县委牵头落实。\n", "e.txt")
    assert infer_county(led_twice, lex) == "青禾县"
    # a function character inside a county's name is no cut (和林县 is not 林县)
    inner = prepare_text("和林县委召开常委会会议，和林县委书记王立新出席。\n", "f.txt")
    assert infer_county(inner, lex) == "和林县"


def test_infer_county_takes_the_county_a_page_also_writes_short():
    """A page that writes its district short (新区 for 浦东新区) more often than in full: the
    county is the counties.tsv name the organ is written with, not the short form."""
    lex = Lexicon.load()
    doc = prepare_text("浦东新区召开会议\n浦东新区人民政府发布通知。新区发展势头良好，新区企业增多，"
                       "新区人民政府表示将继续支持。\n", "a.txt")
    assert infer_county(doc, lex) == "浦东新区"


def test_infer_county_from_places_when_no_organ_names_it():
    """A page that writes its organs bare (区委副书记、区长X) is about the county-level place it
    names most often: twice at least, more often than any other, no development zone."""
    from kg.model import DocResult, Mention
    lex = Lexicon.load()
    text = "柳溪区召开会议\n会上，区委副书记、区长韩明远讲话。柳溪区高新区、云岭市柳溪区企业参加。\n"
    doc = prepare_text(text, "p.txt")

    def places(*names):
        out, pos = [], 0
        for n in names:
            i = doc.text.index(n, pos)
            out.append(Mention(doc.id, 0, i, i + len(n), n, "Place"))
            pos = i
        return out
    assert infer_county(doc, lex) is None
    assert infer_county_from_places(doc, places("柳溪区", "云岭市柳溪区"), lex) == "柳溪区"
    assert infer_county_from_places(doc, places("柳溪区"), lex) is None              # once only
    assert infer_county_from_places(doc, places("柳溪区高新区", "柳溪区高新区"), lex) is None   # a zone
    res = DocResult(doc.id, places("柳溪区", "云岭市柳溪区"), [])
    from kg.resolve import _contexts
    canon = _contexts({doc.id: doc}, [res], lex, {doc.id: None}, {})[doc.id]
    assert canon.org("区人民政府")[0] == "柳溪区人民政府"


def test_county_documents_key_people_and_organs_by_county(tagger, lexicon):
    """Two county documents without a city: 县委 is each county's, and a shared name held in
    different counties stays two people."""
    texts = {
        "a.txt": "松溪县召开经济工作会议\n中共松溪县委召开经济工作会议。县委书记邬承泽出席会议并讲话。\n",
        "b.txt": "青禾县召开项目调度会\n中共青禾县委召开项目调度会。县委书记邬承泽出席会议。\n",
    }
    _docs, entities, facts = run(tagger, lexicon, texts)
    orgs = by_name(entities, "Organization")
    assert "中国共产党松溪县委员会" in orgs and "中国共产党青禾县委员会" in orgs
    assert "县委" not in orgs
    assert len(by_name(entities, "Person")["邬承泽"]) == 2


def test_a_place_written_only_inside_a_name_is_not_mentioned(lexicon):
    """The place of a located_in fact that the document writes only inside the other argument's
    name (汀州省 of 汀州省发改委) stays an entity of the fact but gets no mentioned_in fact; a
    place the document also writes on its own does (hand-made mentions and facts)."""
    from kg.model import Arg, DocResult, Evidence, Fact, Mention

    def build(text, own_place: bool):
        doc = prepare_text(text, "p.txt")
        s = text.index("汀州省发改委")
        ms = [Mention(doc.id, 0, s, s + 6, "汀州省发改委", "Organization", "government", "hanlp")]
        if own_place:
            p = text.rindex("汀州省")
            ms.append(Mention(doc.id, 0, p, p + 3, "汀州省", "Place", None, "hanlp"))
        located = Fact("located_in", {"entity": Arg("汀州省发改委", "Organization", "government"),
                                      "place": Arg("汀州省", "Place")},
                       Evidence(doc.id, 0, s, s + 6, text), "name_prefix", 0.7)
        return resolve([doc], [DocResult(doc.id, ms, [located])], lexicon)

    def mentioned(facts):
        return {f.args["entity"].name for f in facts if f.relation == "mentioned_in"}

    entities, facts = build("汀州省发改委发布通知。", own_place=False)
    loc = [f for f in facts if f.relation == "located_in"]
    assert len(loc) == 1 and loc[0].args["place"].entity_id in entities
    assert "汀州省" not in mentioned(facts) and "汀州省发展和改革委员会" in mentioned(facts) | {
        f.args["entity"].text for f in facts if f.relation == "mentioned_in"}
    _entities, facts = build("汀州省发改委发布通知，汀州省各地落实。", own_place=True)
    assert "汀州省" in mentioned(facts)


def _mentioned(lexicon, doc, ms) -> set[tuple[str, str]]:
    """(type, text) of the mentioned_in facts resolution makes of the mentions ``ms`` of ``doc``."""
    from kg.model import DocResult
    _e, facts = resolve([doc], [DocResult(doc.id, ms, [])], lexicon)
    return {(f.args["entity"].type, f.args["entity"].text) for f in facts if f.relation == "mentioned_in"}


def test_a_place_mention_inside_an_organisation_mention_is_not_mentioned(lexicon):
    """A Place mention that lies inside an Organization mention (the NER model's 汀州 of
    汀州门户网) makes no mentioned_in fact; the same place written on its own does (hand-made
    mentions)."""
    doc = prepare_text("汀州门户网讯 青禾县召开大会，汀州各地落实。", "q.txt")

    def at(x, typ, nth=0):
        return mention(doc, x, typ, "other" if typ == "Organization" else None, nth=nth)

    def mentioned(ms):
        return _mentioned(lexicon, doc, ms)

    inside = [at("汀州门户网", "Organization"), at("汀州", "Place"), at("青禾县", "Place")]
    got = mentioned(inside)
    assert ("Organization", "汀州门户网") in got and ("Place", "青禾县") in got
    assert ("Place", "汀州") not in got
    assert ("Place", "汀州") in mentioned(inside + [at("汀州", "Place", nth=1)])


def test_a_mention_inside_a_longer_one_of_its_type_is_not_mentioned(lexicon):
    """A Place mention inside a longer Place mention (汀州市 of 汀州市高新区) and an Organization
    mention inside a longer Organization mention (汀州市委 of 汀州市委宣传部) make no mentioned_in
    fact, as the real pages' gold lists only the longer name; a form written on its own later
    is the entity's mentioned form (hand-made mentions)."""
    doc = prepare_text("汀州市高新区和汀州市委宣传部召开大会，汀州各地落实，汀州市委要求抓好。", "n.txt")

    def at(x, typ, nth=0):
        return mention(doc, x, typ, "party" if typ == "Organization" else None, nth=nth)

    def mentioned(ms):
        return _mentioned(lexicon, doc, ms)

    nested = [at("汀州市高新区", "Place"), at("汀州市", "Place"), at("汀州市委宣传部", "Organization"),
              at("汀州市委", "Organization")]
    got = mentioned(nested)
    assert ("Place", "汀州市高新区") in got and ("Organization", "汀州市委宣传部") in got
    assert not any(x in (("Place", "汀州市"), ("Organization", "汀州市委")) for x in got), got
    got = mentioned(nested + [at("汀州", "Place", nth=2), at("汀州市委", "Organization", nth=1)])
    assert ("Place", "汀州") in got and ("Organization", "汀州市委") in got, got


def test_a_party_committees_department_is_one_organisation_with_and_without_the_party(lexicon):
    """中共戊己市委宣传部, 戊己市委宣传部 and 市委宣传部 (in a 戊己市 page) are one organisation, named
    with the party's short name as its committee's canonical name has it; 戊己市委市政府督查室
    (the committee and the government) is left as written (hand-made mentions)."""
    from kg.model import DocResult, Mention

    text = "中共戊己市委宣传部召开会议。戊己市委宣传部部署工作，市委宣传部负责落实。戊己市委市政府督查室通报。"
    doc = prepare_text(text, "p.txt")
    # (form, the text right after it, which makes the occurrence unique)
    ms = [Mention(doc.id, 0, i, i + len(x), x, "Organization", "party", "hanlp")
          for x, after in (("中共戊己市委宣传部", "召开"), ("戊己市委宣传部", "部署"), ("市委宣传部", "负责"),
                           ("戊己市委市政府督查室", "通报"))
          for i in (text.index(x + after),)]
    entities, _facts = resolve([doc], [DocResult(doc.id, ms, [])], lexicon)
    orgs = {e.name: set(e.aliases) for e in entities.values() if e.type == "Organization"}
    assert orgs["中共戊己市委宣传部"] >= {"戊己市委宣传部", "市委宣传部"}, orgs
    assert "戊己市委市政府督查室" in orgs, orgs
    # another party body written short is no committee (戊己市纪委 -> 中共戊己市纪律检查委员会):
    # 戊己市纪委监委 keeps its name
    doc = prepare_text("戊己市纪委监委召开会议。", "q.txt")
    m = Mention(doc.id, 0, 0, 7, "戊己市纪委监委", "Organization", "party", "hanlp")
    entities, _facts = resolve([doc], [DocResult(doc.id, [m], [])], lexicon)
    assert {e.name for e in entities.values()} == {"戊己市纪委监委"}


def test_a_citys_short_form_in_a_fact_joins_its_mention_with_the_mark(lexicon):
    """The place of a fact written short (located_in(戊己市委, 戊己)) and a Place mention of the
    same city with its mark (戊己市) are one place (hand-made mention and fact)."""
    from kg.model import Arg, DocResult, Evidence, Fact, Mention

    text = "戊己市委召开常委会会议，研究部署工作。"
    doc = prepare_text(text, "c.txt")
    ms = [Mention(doc.id, 0, 0, 4, "戊己市委", "Organization", "party", "hanlp"),
          Mention(doc.id, 0, 0, 3, "戊己市", "Place", None, "learned")]
    located = Fact("located_in", {"entity": Arg("戊己市委", "Organization", "party"), "place": Arg("戊己", "Place")},
                   Evidence(doc.id, 0, 0, 4, text), "name_prefix", 0.7)
    entities, _facts = resolve([doc], [DocResult(doc.id, ms, [located])], lexicon)
    places = [e for e in entities.values() if e.type == "Place"]
    assert [e.name for e in places] == ["戊己市"] and "戊己" in places[0].aliases


def test_department_city_form_is_looked_up_through_one_index(lexicon):
    """A department written without its city is the city's when the text also writes it with the
    city: the look-up goes through one index of the text (not a scan of the text per name),
    with the answers of ``in``."""
    from kg.resolve import _Canon

    text = "汀州市教育局召开会议。" + "会议指出，" * 50 + "教育局要求各校落实。"
    c = _Canon(lexicon, "汀州市", None, text)
    for x in ("汀州市教育局", "市教育局", "汀州市卫健局", "教育局要求", "没有的字串"):
        assert c.written(x) == (x in text)
    assert c.org("教育局") == ("汀州市教育局", False)
    assert c._occurrences.passes == 1          # one index for every look-up
    assert _Canon(lexicon, "汀州市", None, "教育局要求各校落实。").org("教育局")[0] == "教育局"


def test_an_organisation_a_bare_title_implies_is_not_mentioned(lexicon):
    """A holds_post fact whose organisation the document does not write (总书记 implies the
    party centre, 副区长 a 区政府) keeps its organisation as an entity but makes no mentioned_in
    fact; a government the evidence names through its place (青禾县县长 -> 青禾县人民政府) is
    mentioned (hand-made mentions and facts)."""
    from kg.model import Arg, DocResult, Evidence, Fact, Mention

    def build(text, person, post, org):
        doc = prepare_text(text, "h.txt")
        s = text.index(person)
        ms = [Mention(doc.id, 0, s, s + len(person), person, "Person", None, "hanlp")]
        held = Fact("holds_post", {"person": Arg(person, "Person"), "post": Arg(post, "Post"),
                                   "org": Arg(org, "Organization", "government")},
                    Evidence(doc.id, 0, 0, len(text) - 1, text), "post_chain", 0.85)
        return resolve([doc], [DocResult(doc.id, ms, [held])], lexicon)

    def mentioned(facts):
        return {f.args["entity"].type for f in facts if f.relation == "mentioned_in"}

    entities, facts = build("邬承泽副区长出席会议。", "邬承泽", "副区长", "区政府")
    held = [f for f in facts if f.relation == "holds_post"]
    assert len(held) == 1 and held[0].args["org"].entity_id in entities
    assert mentioned(facts) == {"Person"}
    _entities, facts = build("青禾县县长邬承泽出席会议。", "邬承泽", "县长", "青禾县人民政府")
    assert mentioned(facts) == {"Person", "Organization"}
    # written in the document: mentioned, wherever the evidence stands
    _entities, facts = build("区政府召开会议。邬承泽副区长出席。", "邬承泽", "副区长", "区政府")
    assert mentioned(facts) == {"Person", "Organization"}


def test_an_organisation_written_after_its_province_is_named_from_the_lower_place(lexicon):
    """An organisation name opening with a province and then a city, prefecture or county is
    named without the province (the real pages' gold names 内蒙古赤峰市人民政府办公室 by
    赤峰市人民政府办公室); a city or municipality before a county goes too, one before a
    district stays (district names repeat across cities: 鼓楼区).  The form the page writes
    stays the mention's text; names without a higher place before a lower one stay whole
    (hand-made mentions)."""
    from kg.model import DocResult, Mention

    def names(*orgs):
        text = "，".join(f"{o}发布通知" for o in orgs) + "。"
        doc = prepare_text(text, "o.txt")
        ms = []
        for o in orgs:
            s = text.index(o)
            ms.append(Mention(doc.id, 0, s, s + len(o), o, "Organization", "government", "hanlp"))
        _entities, facts = resolve([doc], [DocResult(doc.id, ms, [])], lexicon)
        return {f.args["entity"].text: f.args["entity"].name for f in facts if f.relation == "mentioned_in"}

    got = names("内蒙古赤峰市人民政府办公室", "重庆市丰都县城管局", "四川省绵阳市游仙区人民政府",
                "湖北省黄石市阳新县人民政府", "江苏省南京市鼓楼区人民政府", "福建省福州市鼓楼区人民政府")
    assert got["内蒙古赤峰市人民政府办公室"] == "赤峰市人民政府办公室"
    assert got["重庆市丰都县城管局"].startswith("丰都县")
    assert got["四川省绵阳市游仙区人民政府"] == "绵阳市游仙区人民政府"
    assert got["湖北省黄石市阳新县人民政府"] == "阳新县人民政府"
    assert got["江苏省南京市鼓楼区人民政府"] != got["福建省福州市鼓楼区人民政府"]
    kept = names("浙江省市场监督管理局", "太原市尖草坪区人民政府", "湖南省人民政府", "上海市崇明区人民政府")
    assert kept == {x: x for x in ("浙江省市场监督管理局", "太原市尖草坪区人民政府", "湖南省人民政府",
                                   "上海市崇明区人民政府")}


def test_a_region_before_a_market_is_no_city(lexicon):
    """"自治区市场监管局": the 市 of 市场 after 自治区 names no city "治区市" (a city name never
    ends with 区, 县, 省 or 旗: places.tsv city_bad_char)."""
    from kg.relations import city_names

    counts, _strong = city_names("按照自治区市场监管局部署，西宁市开展行动。", lex=lexicon)
    assert "西宁市" in counts and not any(c.endswith("区市") for c in counts)


def test_counts_in_counts_as_str_count_on_short_and_long_texts(monkeypatch):
    # invented strings; overlapping ones (阿阿 in 阿阿阿阿) count as str.count counts them
    words = ["阿阿", "临江", "临江市", "江市", "市", "不在", "临"] + [f"第{i}号" for i in range(20)]
    short = "临江市临江阿阿阿阿，江市第3号第3号。"
    long = (short + "临江新区第12号" * 3) * (_LONG_TEXT // 20 + 1)
    assert len(long) >= _LONG_TEXT
    import kg.lexicon

    scans = []
    real = kg.lexicon.Matcher.counts

    def spy(self, text):
        scans.append(len(text))
        return real(self, text)

    monkeypatch.setattr(kg.lexicon.Matcher, "counts", spy)
    for text in (short, long):
        assert _counts_in(text, words) == {w: text.count(w) for w in words}
    assert scans == [len(long)]                 # the long text in one pass, the short by str.count
    assert _counts_in(long, iter(words[:3])) == {w: long.count(w) for w in words[:3]}   # few: str.count
    assert _counts_in(long, []) == {}
