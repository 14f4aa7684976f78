"""Relation layer on realistic sentences of the genre (not the sample corpus), with the real
NER model, real ingest normalisation and the shipped lexicon."""

from __future__ import annotations

import pytest

from kg.ingest import prepare_text
from kg.lexicon import Lexicon
from kg.model import KgError
from kg.relations import extract
from kg.resolve import context_cities, resolve


def run(tagger, lexicon, texts: dict[str, str], overrides=None):
    docs = [prepare_text(t, doc_id) for doc_id, t in texts.items()]
    results = [extract(d, tagger.tag(d), lexicon) for d in docs]
    entities, facts = resolve(docs, results, lexicon, city_overrides=overrides)
    return docs, results, entities, facts


def triples(facts, relation):
    out = set()
    for f in facts:
        if f.relation != relation:
            continue
        out.add(tuple(f.args[r].name for r in sorted(f.args)))
    return out


BAOTOU = """包头市人民政府与内蒙古华云新材料有限公司签署合作协议
本报讯（记者 王晓明）5月8日，包头市人民政府与内蒙古华云新材料有限公司签署铝基新材料产业园项目合作协议。市委副书记、市长张立新，内蒙古华云新材料有限公司董事长刘建国出席签约仪式并举行工作座谈。
副市长李文华参加。
"""

ORDOS_INTERVIEW = """全力实施就业促进行动 推动高质量充分就业
——访鄂尔多斯市人力资源和社会保障局党组书记、局长高志强
“作为就业促进行动的牵头部门，市人社局将切实扛起牵头抓总责任。”鄂尔多斯市人力资源和社会保障局党组书记、局长高志强在接受记者采访时说。
高志强表示，市人社局将深入实施“技能提升行动”，持续开展“春风行动”，围绕“六个行动”要求，全力稳住就业基本盘。
"""

BAOTOU_REPORT = """全力推进以稀土新材料为引领的稀土产业集群。建成投产金力永磁高性能磁材二期、天和磁材3万吨等项目；开工建设华美稀土新材料产业园、中科院包头稀土研发中心二期等项目，集群产值达到600亿元。
（二）持续塑造现代服务业优势
建成投产中石化风光制氢一期等项目。
"""

# Traditional script: ingest converts it, the rules see Simplified text
ORDOS_TRAD = """本報訊（記者 陳美玲）6月3日，鄂爾多斯市委副書記、市長王建軍主持召開市政府常務會議。副市長趙志剛出席會議。
"""


def test_appositive_chain_two_organisations_and_byline(tagger, lexicon):
    docs, results, ents, facts = run(tagger, lexicon, {"bt.txt": BAOTOU})
    assert context_cities(docs, results, lexicon) == {docs[0].id: "包头市"}
    hp = triples(facts, "holds_post")     # (org, person, post)
    assert hp == {
        ("中国共产党包头市委员会", "张立新", "副书记"),
        ("包头市人民政府", "张立新", "市长"),
        ("内蒙古华云新材料有限公司", "刘建国", "董事长"),
        ("包头市人民政府", "李文华", "副市长"),
    }
    persons = {e.name for e in ents.values() if e.type == "Person"}
    assert persons == {"张立新", "刘建国", "李文华", "王晓明"}
    # the Post arg is a post of its organisation: post_id(org, title)
    from kg.model import post_id
    f = next(f for f in facts if f.relation == "holds_post" and f.args["post"].name == "副市长")
    assert f.args["post"].entity_id == post_id(f.args["org"].entity_id, "副市长")
    assert f.extractor == "post_chain" and 0 < f.confidence <= 1
    # evidence: analysis offsets of the chain + name inside its sentence
    ev = f.evidence
    assert docs[0].text[ev.start:ev.end] == "副市长李文华"
    assert ev.sentence == docs[0].sentences[ev.sent_index].text


def test_interview_framing_and_lead_cue(tagger, lexicon):
    _, _, _, facts = run(tagger, lexicon, {"eeds.txt": ORDOS_INTERVIEW})
    hp = triples(facts, "holds_post")
    assert hp == {("鄂尔多斯市人力资源和社会保障局", "高志强", "党组书记"),
                  ("鄂尔多斯市人力资源和社会保障局", "高志强", "局长")}
    la = triples(facts, "leads_action")   # (action, agency)
    assert la == {
        ("就业促进行动", "鄂尔多斯市人力资源和社会保障局"),
        ("技能提升行动", "鄂尔多斯市人力资源和社会保障局"),
        ("春风行动", "鄂尔多斯市人力资源和社会保障局"),
    }   # the umbrella “六个行动” is not led by one department
    ex = {f.args["action"].name: f.extractor for f in facts if f.relation == "leads_action"
          and f.extractor == "lead_cue"}
    assert ex == {"就业促进行动": "lead_cue"}


def test_cluster_section_members(tagger, lexicon):
    _, results, _, facts = run(tagger, lexicon, {"report.txt": BAOTOU_REPORT})
    ic = {(f.args["member"].type, f.args["member"].text) for f in facts
          if f.relation == "in_cluster"}
    assert ic == {
        ("Project", "金力永磁高性能磁材二期"), ("Organization", "金力永磁"),
        ("Project", "天和磁材3万吨"), ("Organization", "天和"),
        ("Project", "华美稀土新材料产业园"), ("Organization", "华美"),
        ("Project", "中科院包头稀土研发中心二期"),   # a public institution: no enterprise member
    }   # the project after the section mark （二） is no member
    assert {f.args["cluster"].name for f in facts if f.relation == "in_cluster"} == {"稀土产业集群"}
    types = {(m.type, m.text) for m in results[0].mentions}
    assert ("Cluster", "稀土产业集群") in types
    assert ("Project", "中石化风光制氢一期") in types


def test_traditional_script(tagger, lexicon):
    docs, results, ents, facts = run(tagger, lexicon, {"trad.txt": ORDOS_TRAD})
    assert context_cities(docs, results, lexicon) == {docs[0].id: "鄂尔多斯市"}
    assert triples(facts, "holds_post") == {
        ("中国共产党鄂尔多斯市委员会", "王建军", "副书记"),
        ("鄂尔多斯市人民政府", "王建军", "市长"),
        ("鄂尔多斯市人民政府", "赵志刚", "副市长"),
    }
    # evidence maps back to the Traditional original
    f = next(f for f in facts if f.relation == "holds_post" and f.args["person"].name == "赵志刚")
    s, e = docs[0].orig_span(f.evidence.start, f.evidence.end)
    assert docs[0].original[s:e] == "副市長趙志剛"


def test_national_posts_and_title_after_name(tagger, lexicon):
    text = ("新华社北京5月1日电（记者 张明）中共中央总书记、国家主席、中央军委主席习近平近日作出重要指示。"
            "中共中央政治局常委、国务院总理李强出席会议并讲话。\n"
            "各地要深入学习贯彻习近平总书记重要讲话精神。\n")
    _, _, _, facts = run(tagger, lexicon, {"x.txt": text})
    hp = triples(facts, "holds_post")
    assert ("中国共产党中央委员会", "习近平", "总书记") in hp
    assert ("中华人民共和国", "习近平", "国家主席") in hp
    assert ("中央军事委员会", "习近平", "主席") in hp
    assert ("中国共产党中央委员会政治局", "李强", "常委") in hp
    assert ("中华人民共和国国务院", "李强", "总理") in hp
    assert ("新华通讯社", "张明", "记者") in hp
    after = [f for f in facts if f.extractor == "title_after_name"]
    assert after and all(f.args["person"].name == "习近平" for f in after)


def test_no_chain_without_organisation(tagger, lexicon):
    # "接受记者采访" and "领航校长培树工程" contain titles but no post chain
    text = ("局长赵刚在接受记者采访时表示，将推进“领航校长培树工程”。\n")
    _, _, ents, facts = run(tagger, lexicon, {"n.txt": text})
    assert triples(facts, "holds_post") == set()
    assert not any(e.type == "Person" and e.name in ("采访时", "培树工程") for e in ents.values())


def test_lexicon_errors_name_file_and_line(tmp_path):
    import shutil

    from kg.lexicon import DEFAULT_DIR

    for p in DEFAULT_DIR.glob("*.tsv"):
        shutil.copy(p, tmp_path / p.name)
    bad = tmp_path / "posts.tsv"
    bad.write_text(bad.read_text(encoding="utf-8") + "市长\tgovernment\t\t{place}\tmaybe\n",
                   encoding="utf-8")
    with pytest.raises(KgError, match=r"posts.tsv:\d+: after_name"):
        Lexicon.load(tmp_path)
    (tmp_path / "posts.tsv").unlink()
    with pytest.raises(KgError, match="posts.tsv: lexicon file missing"):
        Lexicon.load(tmp_path)


WEB_PAGE = """首页 > 新闻中心 > 本地要闻
赤峰市召开全市就业工作推进会
发布时间：2025-03-12 09:30  来源：赤峰日报  字号：大 中 小
3月11日，赤峰市就业工作推进会召开。市委常委、常务副市长刘振华出席并讲话，市人力资源和社会保障局局长孙红梅主持会议。
会议指出，市人社局作为“就业促进行动”牵头单位，要抓好各项任务落实。由市工信局牵头的“助企纾困行动”要持续推进。
责任编辑：王小燕
【打印本页】【关闭窗口】
"""

REPORT_HEADINGS = """（一）做大做强新能源产业集群
开工建设远景能源乌兰察布风电场二期、明阳智能风机装备制造基地等项目；建成投产华电红山储能电站。
（二）培育壮大现代煤化工产业集群
建成投产久泰能源煤制烯烃一期等项目。
"""


def test_noisy_web_page(tagger, lexicon):
    docs, results, ents, facts = run(tagger, lexicon, {"web.html.txt": WEB_PAGE})
    assert context_cities(docs, results, lexicon) == {docs[0].id: "赤峰市"}
    assert triples(facts, "holds_post") == {
        ("中国共产党赤峰市委员会", "刘振华", "常委"),
        ("赤峰市人民政府", "刘振华", "常务副市长"),
        ("赤峰市人力资源和社会保障局", "孙红梅", "局长"),
    }
    assert triples(facts, "leads_action") == {
        ("就业促进行动", "赤峰市人力资源和社会保障局"),
        ("助企纾困行动", "赤峰市工业和信息化局"),
    }
    persons = {e.name for e in ents.values() if e.type == "Person"}
    assert persons == {"刘振华", "孙红梅", "王小燕"}     # the editor credit is a person


def test_report_section_headings(tagger, lexicon):
    _, _, _, facts = run(tagger, lexicon, {"rep.txt": REPORT_HEADINGS})
    by_cluster: dict[str, set[str]] = {}
    for f in facts:
        if f.relation == "in_cluster" and f.args["member"].type == "Project":
            by_cluster.setdefault(f.args["cluster"].name, set()).add(f.args["member"].name)
    assert by_cluster == {
        "新能源产业集群": {"远景能源乌兰察布风电场二期", "明阳智能风机装备制造基地", "华电红山储能电站"},
        "现代煤化工产业集群": {"久泰能源煤制烯烃一期"},
    }


def test_place_titles_party_committee_and_de_form(tagger, lexicon):
    text = ("本报讯（记者 李娜）近日，包头市市长张宏伟会见了内蒙古伊利实业集团股份有限公司的董事长潘刚一行。"
            "包头市副市长王丽、市政府秘书长赵军陪同。\n"
            "内蒙古自治区党委书记、自治区人大常委会主任孙大海在包头调研时强调，要做好稀土产业。\n")
    _, _, _, facts = run(tagger, lexicon, {"a.txt": text})
    assert triples(facts, "holds_post") == {
        ("包头市人民政府", "张宏伟", "市长"),                       # place + 市长
        ("内蒙古伊利实业集团股份有限公司", "潘刚", "董事长"),         # X的Y
        ("包头市人民政府", "王丽", "副市长"),
        ("包头市人民政府", "赵军", "秘书长"),
        ("中国共产党内蒙古自治区委员会", "孙大海", "书记"),               # <place>党委 + 书记
        ("内蒙古自治区人民代表大会常务委员会", "孙大海", "主任"),
    }


def test_titles_without_names_and_combined_titles(tagger, lexicon):
    text = ("本报讯（记者 李娜）记者从市教育局获悉，市长热线12345将延长服务时间。市长信箱同步开通。\n"
            "内蒙古蒙泰集团有限公司董事长兼总经理王建设，市长助理刘洋出席。\n")
    _, _, ents, facts = run(tagger, lexicon, {"包头.txt": text}, overrides={"包头.txt": "包头市"})
    assert triples(facts, "holds_post") == {
        ("内蒙古蒙泰集团有限公司", "王建设", "董事长"),      # 兼 joins two titles
        ("内蒙古蒙泰集团有限公司", "王建设", "总经理"),
        ("包头市人民政府", "刘洋", "市长助理"),
    }   # 市长热线 / 市长信箱 name no one
    assert {e.name for e in ents.values() if e.type == "Person"} == {"李娜", "王建设", "刘洋"}


def test_title_after_name_takes_back_a_surname_the_model_cut_off(lexicon):
    """"落实X近平总书记": a 2-character model name that does not start with a surname, right
    after a surname character, is the 3-character name (invented name, hand-made NER span)."""
    from kg.model import Mention
    text = "会议要求，认真落实林近安国家主席的讲话精神。\n"
    doc = prepare_text(text, "t.txt")
    s = doc.text.index("近安")
    ner = [Mention(doc.id, 0, s, s + 2, "近安", "Person")]
    res = extract(doc, ner, lexicon)
    got = {(f.args["person"].text, f.args["post"].text) for f in res.facts if f.relation == "holds_post"}
    assert ("林近安", "国家主席") in got and ("近安", "国家主席") not in got
    # a model name that starts with a surname stays as it is ("和李强": 和 is a surname too)
    text2 = "会议要求，认真落实和李安国家主席的讲话精神。\n"
    doc2 = prepare_text(text2, "u.txt")
    s2 = doc2.text.index("李安")
    res2 = extract(doc2, [Mention(doc2.id, 0, s2, s2 + 2, "李安", "Person")], lexicon)
    got2 = {f.args["person"].text for f in res2.facts if f.relation == "holds_post"}
    assert got2 == {"李安"}
