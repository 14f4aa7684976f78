"""Ingest: decoding, normalisation with the offset map, wrap re-joining, sentences."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from kg.ingest import _variants, decode_bytes, load_document, prepare_text, read_corpus, split_sentences
from kg.model import InputError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SAMPLE = (
    "呼和浩特市人民政府与内蒙古伊利实业集团股份有限公司签署合作协议。\n"
    "市委书记于会文出席。\n"
)


def _original_of(doc, analysis: str) -> str:
    """The original characters behind the first occurrence of ``analysis`` in doc.text."""
    s = doc.text.index(analysis)
    os_, oe = doc.orig_span(s, s + len(analysis))
    return doc.original[os_:oe]


def _check_offsets(doc) -> None:
    """Every analysis character maps to an original character it was derived from."""
    assert len(doc.offsets) == len(doc.text) + 1
    assert doc.offsets[-1] == len(doc.original)
    assert all(a <= b for a, b in zip(doc.offsets, doc.offsets[1:])), "offset map not monotone"
    for i, ch in enumerate(doc.text):
        if ch in " \n":
            continue
        o = doc.original[doc.offsets[i]]
        if ch in unicodedata.normalize("NFKC", o) or ch + o in ("“「", "”」", "“『", "”』", '”"', '“"') \
                or ch == _variants().get(ord(o)):
            continue
        from opencc import OpenCC

        assert ch in OpenCC("t2s").convert(unicodedata.normalize("NFKC", o)), (i, ch, o)


# ---------------------------------------------------------------------------- encodings

@pytest.mark.parametrize(
    "codec,prefix,expected",
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("gbk", b"", "gb18030"),
        ("gb18030", b"", "gb18030"),
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
    ],
)
def test_encodings_simplified(tmp_path, codec, prefix, expected):
    f = tmp_path / "doc.txt"
    f.write_bytes(prefix + SAMPLE.encode(codec))
    doc = load_document(f)
    assert doc.encoding == expected
    assert doc.original == SAMPLE          # BOM removed, text exact
    assert "内蒙古伊利实业集团股份有限公司" in doc.text
    assert [s.text for s in doc.sentences] == [
        "呼和浩特市人民政府与内蒙古伊利实业集团股份有限公司签署合作协议。",
        "市委书记于会文出席。",
    ]
    import hashlib

    assert doc.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()


def test_big5_traditional(tmp_path):
    trad = "臺灣地區的國務院辦公廳發佈通知。\n經濟發展與環境保護並重。\n"
    f = tmp_path / "big5.txt"
    f.write_bytes(trad.encode("big5"))
    doc = load_document(f)
    assert doc.encoding == "big5"
    assert doc.original == trad
    assert doc.traditional is True
    assert "国务院办公厅" in doc.text
    assert "经济发展与环境保护并重" in doc.text
    _check_offsets(doc)


@pytest.mark.parametrize("text", ["人", "国务院", "中华人民共和国国务院办公厅", "GDP增长5.2%，CPI上涨0.2%。",
                                  "Hello world, this is a test.\nSecond line."])
def test_short_texts_decode(text):
    for codec in ("gbk", "utf-16-le", "utf-16-be", "utf-8"):
        decoded, _ = decode_bytes(text.encode(codec))
        assert decoded == text, codec


def test_bad_files_reported_and_rest_read(tmp_path):
    (tmp_path / "a_good.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_blank.txt").write_bytes(b"  \n\n \t\n")
    (tmp_path / "d_binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "e_png.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (tmp_path / "f_undecodable.txt").write_bytes(b"\x81\x30\xff\xfe\xfd\x80\x80" * 3 + b"\xff")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "g_good.md").write_text("## 标题\n\n正文第一句。", encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("a,b\n", encoding="utf-8")
    errors: list[InputError] = []
    docs = read_corpus(tmp_path, on_error=errors.append)
    assert [d.id for d in docs] == ["a_good.txt", "sub/g_good.md"]
    problems = {Path(e.path).name: e.problem for e in errors}
    assert set(problems) == {"b_empty.txt", "c_blank.txt", "d_binary.txt", "e_png.md", "f_undecodable.txt"}
    assert problems["b_empty.txt"] == "empty file"
    assert "blank" in problems["c_blank.txt"]
    assert "binary" in problems["d_binary.txt"]
    assert "binary" in problems["e_png.md"]
    assert "cannot decode" in problems["f_undecodable.txt"]
    for e in errors:           # the message names the file and the problem
        assert str(e).startswith(e.path) and e.problem in str(e)
    assert docs[1].text == "标题\n正文第一句。"


@pytest.mark.parametrize("codec,text", [("utf-8", SAMPLE), ("gbk", SAMPLE),
                                        ("big5", "湖北省經濟和信息化廳公布了名單。張三任廳長，李四任副廳長")])
def test_a_file_cut_inside_its_last_character_loses_that_character(tmp_path, caplog, codec, text):
    """A page's first 2,000 bytes (``head -c``) can end inside a character: its bytes are left
    out with a warning naming the file, not the whole file; bad bytes all through it still are
    an error."""
    text = text.rstrip("\n")
    raw = text.encode(codec)
    p = tmp_path / "cut.txt"
    p.write_bytes(raw[:-1])
    with caplog.at_level("WARNING", logger="kg.ingest"):
        doc = load_document(p)
    assert doc.original == text[:-1]
    assert any("cut.txt" in r.getMessage() and "ends inside" in r.getMessage() for r in caplog.records)
    p.write_bytes(b"".join(raw[i:i + 6] + b"\xff" for i in range(0, len(raw) - 1, 6)))
    with pytest.raises(InputError, match="cannot decode"):
        load_document(p)


@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
def test_a_file_with_a_damaged_spot_is_read_with_a_warning(tmp_path, caplog, codec):
    """One byte no encoding reads (a page damaged in transit) costs that spot, shown as U+FFFD,
    not the whole file; a file with many such spots is still an error."""
    text = SAMPLE * 3
    raw = text.encode(codec)
    p = tmp_path / "damaged.txt"
    p.write_bytes(raw[:10] + b"\xff" + raw[10:])
    with caplog.at_level("WARNING", logger="kg.ingest"):
        doc = load_document(p)
    assert doc.original.count("\ufffd") >= 1 and doc.original.startswith(text[:3])
    assert doc.text.endswith("市委书记于会文出席。")
    assert any("damaged.txt" in r.getMessage() and "damaged byte" in r.getMessage() for r in caplog.records)
    p.write_bytes(b"".join(raw[i:i + 20] + b"\xff" for i in range(0, len(raw), 20)))
    with pytest.raises(InputError, match="cannot decode"):
        load_document(p)


def test_garbage_is_not_read_as_a_cut_or_damaged_text():
    """A GBK file that lost one byte reads garbage from there on (GBK does not fall back into
    step): that is no cut at its end, nor a damaged spot; nor is a good text followed by a block
    of bad bytes; an ASCII file whose last bytes are a GBK character is GBK, not UTF-8 cut."""
    text = "湖北省经济和信息化厅公布了先进制造业集群名单，张三任厅长，李四任副厅长，会议在武汉召开。"
    g = (text * 20).encode("gbk")
    for raw in (g[:1000] + g[1001:],                                   # out of step to the end
                ((text + "\n") * 5).encode("gbk")[:11] + ((text + "\n") * 5).encode("gbk")[12:],
                (text * 600).encode() + b"\xff" * 50000):
        with pytest.raises(InputError, match="cannot decode"):
            decode_bytes(raw, "x.txt")
    assert decode_bytes(b"Report on the plan\n" + "涓".encode("gbk"), "x.txt") == ("Report on the plan\n涓", "gb18030")
    # short whole files are read as before: a cut read competes with whole ones and loses a tie
    assert decode_bytes("Contact: 郑昊".encode("gbk"), "x.txt") == ("Contact: 郑昊", "gb18030")
    assert decode_bytes("經濟".encode("big5"), "x.txt") == ("經濟", "big5")


def _with_nuls(raw: bytes, k: int) -> bytes:
    """``raw`` (UTF-8 Han text) with ``k`` NUL bytes spread between its characters."""
    out, last = bytearray(), 0
    for i in range(1, k + 1):
        pos = (i * len(raw) // (k + 1)) // 3 * 3
        out += raw[last:pos] + b"\x00"
        last = pos
    return bytes(out + raw[last:])


def test_stray_nul_bytes_read_and_removed(tmp_path):
    # a scraped page with stray NUL bytes is text: read, the NULs removed, offsets kept, up to
    # one byte in 100 (or two in a short file)
    text = "青禾市市委书记王小明主持会议。" * 20
    raw = text.encode("utf-8")
    bound = len(raw) // 100
    (tmp_path / "a_utf8.txt").write_bytes(_with_nuls(raw, bound))
    (tmp_path / "b_gbk.txt").write_bytes(b"\x00" + text.encode("gbk"))
    (tmp_path / "c_short.txt").write_bytes(b"\x00" + text[:15].encode("utf-8"))
    # binary data with NULs stays skipped, and so does text with more NULs than that, or a
    # byte order mark before them
    (tmp_path / "d_binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "e_over.txt").write_bytes(_with_nuls(raw, bound + 3))
    (tmp_path / "f_bom.txt").write_bytes(b"\xef\xbb\xbf" + _with_nuls(raw, bound * 4))
    errors: list[InputError] = []
    docs = read_corpus(tmp_path, on_error=errors.append)
    assert [d.id for d in docs] == ["a_utf8.txt", "b_gbk.txt", "c_short.txt"]
    assert {Path(e.path).name for e in errors} == {"d_binary.txt", "e_over.txt", "f_bom.txt"}
    assert all("binary" in e.problem for e in errors)
    for d in docs:
        assert d.text == text[:len(d.text)] and "\x00" not in d.text
        k = d.text.index("王小明")
        assert d.original[d.offsets[k]:d.offsets[k] + 3] == "王小明"
    assert docs[0].text == docs[1].text == text


def test_load_document_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="no such file or directory"):
        read_corpus(tmp_path / "missing")
    f = tmp_path / "x.txt"
    f.write_text(SAMPLE, encoding="utf-8")
    docs = read_corpus([f])
    assert docs[0].id == "x.txt"


# ---------------------------------------------------------------------------- normalisation

def test_nfkc_and_offsets():
    doc = prepare_text("ＡＢＣ公司（北京）成立于２０２４年。")
    assert doc.text == "ABC公司(北京)成立于2024年。"
    s = doc.text.index("北京")
    os_, oe = doc.orig_span(s, s + 2)
    assert doc.original[os_:oe] == "北京"
    os_, oe = doc.orig_span(0, 3)
    assert doc.original[os_:oe] == "ＡＢＣ"
    _check_offsets(doc)


def _nfkc_loop(text: str, src: list[int]) -> tuple[str, list[int]]:
    """The definition of ``kg.ingest._nfkc``: NFKC cluster by cluster (a base character and the
    combining marks after it) over the whole text, each cluster's characters mapped to its
    first index."""
    if unicodedata.is_normalized("NFKC", text):
        return text, src
    out: list[str] = []
    osrc: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        norm = unicodedata.normalize("NFKC", text[i:j])
        out.append(norm)
        osrc.extend([src[i]] * len(norm))
        i = j
    return "".join(out), osrc


def test_nfkc_translates_one_to_one_forms_and_normalises_clusters_as_the_loop_does():
    """``_nfkc`` (str.translate for the characters NFKC makes one other character, clusters
    only around combining marks and expansions) gives the text and map of ``_nfkc_loop``, the
    cluster-by-cluster definition, on random texts of full-width forms, combining marks,
    expansions (①, ㎡, ﬁ), Hangul jamo and a supplementary-plane letter."""
    import random
    from array import array

    from kg.ingest import _nfkc

    rng = random.Random(2)
    alphabet = list("市政府ＡＢ１２，：（）。ａé e\n") + ["\u0301", "\u0308", "\u0327", "①", "㎡", "ﬁ",
                                                "\u1100", "\u1161", "\u11a8", "가", "𝐀"]
    for _ in range(5000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        src = array("q", range(len(t)))
        text, osrc = _nfkc(t, src)
        want_text, want_src = _nfkc_loop(t, src)
        assert (text, list(osrc)) == (want_text, list(want_src)), repr(t)
    text, osrc = _nfkc("\u0301e\u0301ＡＢ", array("q", range(5)))
    assert (text, list(osrc)) == ("\u0301é" + "AB", [0, 1, 3, 4])


def test_deleted_positions_and_stray_traditional_characters_as_defined():
    """``_delete_positions`` (runs between the dropped positions) keeps the text and map of every
    other character; ``_stray_to_simplified`` (one table per text, str.translate) makes each
    character what the character-by-character definition makes it: a stray Traditional
    character outside GB2312 becomes Simplified, a GB2312 one (乾) and one of ``keep`` stay."""
    import random
    from array import array

    from kg.chars import is_han
    from kg.ingest import _delete_positions, _gb2312_han, _stray_to_simplified, _t2s_char

    rng = random.Random(5)
    alphabet = list("总书記內蒙古乾县市政府昇腾 ，。a1\n")
    gb = _gb2312_han()
    for _ in range(3000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 25)))
        src = array("q", range(100, 100 + len(t)))
        drop = {rng.randrange(-2, len(t) + 2) for _ in range(rng.randrange(0, 6))}
        keep = [i for i in range(len(t)) if i not in drop]
        text, osrc = _delete_positions(t, src, drop)
        assert (text, list(osrc)) == ("".join(t[i] for i in keep), [src[i] for i in keep]), (t, drop)
        want = "".join(c if (is_han(ch) and ch not in gb and ch != "昇" and len(c := _t2s_char(ch)) == 1)
                       else ch for ch in t)
        assert _stray_to_simplified(t, frozenset("昇")) == want, t
    assert _stray_to_simplified("总书記在內蒙古乾县", frozenset()) == "总书记在内蒙古乾县"


def test_wrap_rule_joins_newspaper_lines():
    raw = (
        "纳入总体工作计划。呼和浩特市\n"
        "委、市政府始终将“双拥模范城”视为党\n"
        "政军共同的政治任务和政治荣誉。\n"
    )
    doc = prepare_text(raw)
    assert "呼和浩特市委、市政府" in doc.text
    assert "党政军" in doc.text
    assert "\n" not in doc.text
    assert _original_of(doc, "呼和浩特市委") == "呼和浩特市\n委"
    _check_offsets(doc)


def test_wrap_rule_keeps_headlines_and_sentence_ends():
    raw = (
        "习近平同阿塞拜疆总统阿利耶夫会谈\n"
        " 中共呼和浩特市委员会机关报\n"
        "\n"
        "李强出席大会并讲话\n"
        "\n"
        "石泰峰、李书磊出席大会。\n"
        "谌贻琴主持大会。\n"
        "\n"
        "●本报记者 阿柔娜\n"
        "\n"
        "## 于会文主持会议\n"
        "本报讯(记者 若谷)1月30日,市委常委会召开扩大会议。\n"
    )
    doc = prepare_text(raw)
    assert doc.text.split("\n") == [
        "习近平同阿塞拜疆总统阿利耶夫会谈",
        "中共呼和浩特市委员会机关报",
        "李强出席大会并讲话",
        "石泰峰、李书磊出席大会。",
        "谌贻琴主持大会。",
        "●本报记者 阿柔娜",
        "于会文主持会议",
        "本报讯(记者 若谷)1月30日,市委常委会召开扩大会议。",
    ]
    assert [s.text for s in doc.sentences][:3] == [
        "习近平同阿塞拜疆总统阿利耶夫会谈", "中共呼和浩特市委员会机关报", "李强出席大会并讲话",
    ]


def test_wrap_across_column_break_and_paragraph_lines():
    # a paragraph broken by a blank line (column break) continues; a headline does not
    raw = (
        "习近平对双拥工作作出重要指示强调\n"
        "\n"
        "近年来,全市双拥工作取得积极进展,助力巩固\n"
        "\n"
        "提高一体化国家战略体系和能力,全市各项双拥成果得到巩固。\n"
        "\n"
        "项目兴则产业兴,项目强则呼和浩特强。尤其是契合“六大产业集群”方\n"
        "\n"
        "向的优质项目,是汇聚资本、技术、人才的关键载体。\n"
    )
    doc = prepare_text(raw)
    lines = doc.text.split("\n")
    assert lines[0] == "习近平对双拥工作作出重要指示强调"
    assert "助力巩固提高一体化国家战略体系" in lines[1]
    assert "“六大产业集群”方向的优质项目" in lines[2]
    assert len(lines) == 3


def test_wrap_narrow_column_splits_no_names():
    raw = (
        "这些活动不仅丰富了呼和浩\n"
        "特的文化生活,贴心的服务和精\n"
        "细的管理也极大提升了呼和浩特\n"
        "的知名度、美誉度和影响力,让呼\n"
        "和浩特成功破圈。\n"
    )
    doc = prepare_text(raw)
    assert doc.text.count("呼和浩特") == 3
    assert "\n" not in doc.text


def test_page_jump_markers_dropped():
    raw = (
        "（上接第1版）通过近几年的接续努力,产值突破90%。\n"
        "进高质量充分就业。 （下转第4版）\n"
        "(下转第4版)\n"
        "研究部署有关工作(转第3版)\n"
        "下转A3版\n"
        "后续内容(接第2版)继续。\n"
        "第4版新闻：本版编辑介绍。\n"
    )
    doc = prepare_text(raw)
    assert "版)" not in doc.text and "版）" not in doc.text
    assert "下转A3版" not in doc.text
    assert doc.text.split("\n") == [
        "通过近几年的接续努力,产值突破90%。",
        "进高质量充分就业。",
        "研究部署有关工作",
        "后续内容继续。",
        "第4版新闻:本版编辑介绍。",
    ]
    _check_offsets(doc)


@pytest.mark.parametrize("marker", ["（下转第4版）", "（上接第1版）", "(转第2版)", "（接第3版）", "（紧接第1版）",
                                    "（下转第二版）", "(下转 4 版)", "【下转第4版】", "（接上页）", "（下转A3版）"])
def test_page_jump_marker_variants(marker):
    doc = prepare_text(f"会议强调,要抓好落实。{marker}\n")
    assert doc.text == "会议强调,要抓好落实。"


def test_other_layout_indented_paragraphs_and_latin_wraps():
    # a different paper: centred headings, paragraphs indented with full-width spaces, wrapped
    raw = (
        "　　　　　　　　国务院召开常务会议\n"
        "　　　　　　部署推进新型城镇化建设\n"
        "\n"
        "　　新华社北京3月5日电　国务院总理李强3月5日主持召开国务院常务会\n"
        "议，研究部署推进以人为本的新型城镇化建设。会议指出，推进新型城\n"
        "镇化是现代化的必由之路。\n"
        "　　会议强调，要坚持以人为本，推动城市更新。国家发展和改革委员会\n"
        "要会同有关部门抓紧制定配套政策措施。\n"
        "　　会议还研究了其他事项。\n"
        "Economic growth in the region\n"
        "remained strong in 2024, driven by\n"
        "exports.\n"
    )
    doc = prepare_text(raw)
    assert doc.text.split("\n") == [
        "国务院召开常务会议",
        "部署推进新型城镇化建设",
        "新华社北京3月5日电 国务院总理李强3月5日主持召开国务院常务会议,研究部署推进以人为本的新型城镇化建设。"
        "会议指出,推进新型城镇化是现代化的必由之路。",
        "会议强调,要坚持以人为本,推动城市更新。国家发展和改革委员会要会同有关部门抓紧制定配套政策措施。",
        "会议还研究了其他事项。",
        "Economic growth in the region remained strong in 2024, driven by exports.",
    ]
    _check_offsets(doc)


def test_page_jump_is_a_hard_boundary():
    # text before 下转 continues on another page: it must not be glued to the next article
    raw = "是强化效率意识,推动项目“天天有\n\n(下转第4版)\n\n点、切入点、着力点,谋划新领域新赛道。\n"
    doc = prepare_text(raw)
    assert doc.text.split("\n") == ["是强化效率意识,推动项目“天天有", "点、切入点、着力点,谋划新领域新赛道。"]


def test_number_spaces_and_letterspacing():
    doc = prepare_text("全年总额达 1.2 万亿元，增长 8.9% ，4 月 23 日召开。\n 政 府 工 作 报 告\n同呼吸 共命运 心连心\n")
    lines = doc.text.split("\n")
    assert "1.2万亿元" in lines[0]
    assert "4月23日" in lines[0]
    assert lines[1] == "政府工作报告"
    assert lines[2] == "同呼吸 共命运 心连心"     # phrase separators stay
    assert _original_of(doc, "1.2万亿元") == "1.2 万亿元"
    _check_offsets(doc)


def test_padded_two_character_names_in_lists():
    """Name lists pad a two-character name to the width of three (王　伟): the padding goes, and
    the name stays apart from its neighbours; letter-spaced text is still closed up."""
    cases = {
        "出席会议的有李建国　王　伟　张三丰　刘　强　赵明远": "出席会议的有李建国 王伟 张三丰 刘强 赵明远",
        "出席会议的有李建国、王　伟、张三丰、刘　强。": "出席会议的有李建国、王伟、张三丰、刘强。",
        "主持人：王　伟": "主持人:王伟",
        "记者 李建国 王　伟": "记者 李建国 王伟",
        "出席：（王　伟）、李建国": "出席:(王伟)、李建国",
        # after a mark, a word is no word of two characters: letter spacing, as before
        "名单：王 伟 刘 强。": "名单:王伟刘强。",
        # at a line's start two single characters are letter spacing, as before
        "王　伟　李建国": "王伟李建国",
        "政 府 工作报告": "政府工作报告",
        # letter spacing runs on: three single characters or more, or one beside a word
        "政 府 工 作 报告": "政府工作报告",
        "【字体:大 中 小】": "【字体:大中小】",
        "协 作 ,进 出": "协作,进出",
        "同呼吸 共命运 心连心": "同呼吸 共命运 心连心",
        # a space inside running text is no list: left as it was
        "副市长王　伟主持会议。": "副市长王 伟主持会议。",
    }
    for raw, want in cases.items():
        doc = prepare_text(raw)
        assert doc.text == want, raw
        _check_offsets(doc)
    doc = prepare_text("出席会议的有李建国　王　伟　张三丰")
    k = doc.text.index("王伟")
    assert doc.offsets[k + 1] - doc.offsets[k] == 2           # 伟 still points past the padding


def test_table_rows_keep_their_cells_apart():
    """A line of cells separated by tabs (a table copied from a page or a sheet) keeps them apart:
    a number cell stays apart from the name after it, a tab at either end goes.  A row (three
    cells or more, or two beside another line with cells) neither continues the line before it
    nor is continued by the next; the same lines with spaces are joined, and so is a line with a
    single stray tab in running text."""
    rows = ("据悉，全县重点项目有\n"
            "\t1\t云岭纸业扩建项目 \t 云岭纸业有限公司\t12.5\t\n"
            "2\t溪桥食品冷链项目\t溪桥食品公司\t8\n"
            "项目进展顺利\n")
    doc = prepare_text(rows, "t.txt")
    assert doc.text.split("\n") == ["据悉,全县重点项目有", "1 云岭纸业扩建项目 云岭纸业有限公司 12.5",
                                     "2 溪桥食品冷链项目 溪桥食品公司 8", "项目进展顺利"]
    assert _original_of(doc, "2 溪桥") == "2\t溪桥"
    assert _original_of(doc, "项目 云岭纸业") == "项目 \t 云岭纸业"
    _check_offsets(doc)
    two = prepare_text("据悉，全县重点项目有\n名称\t金额\n云岭纸业扩建项目\t\t12.5\n", "two.txt")    # an empty cell
    assert two.text.split("\n") == ["据悉,全县重点项目有", "名称 金额", "云岭纸业扩建项目 12.5"]
    # without tabs: no row, the spaces around a number go and the lines are joined as before
    spaced = prepare_text(rows.replace("\t", " "), "s.txt")
    assert "12.52溪桥食品冷链项目" in spaced.text
    stray = prepare_text("会议要求，加快推进云岭纸业扩建\t项目建设，\n确保年底投产。\n", "r.txt")
    assert stray.text == "会议要求,加快推进云岭纸业扩建 项目建设,确保年底投产。"
    _check_offsets(stray)


def test_duplicate_paragraphs_dropped():
    raw = (
        "点、切入点、着力点,谋划新领域新赛道典型应用场景,下好“先手棋”。\n\n"
        "是强化效率意识,倒排工期、挂图作战,促使意向项目快签约。\n\n"
        "短句。\n\n"
        "点、切入点、着力点,谋划新领域新赛道典型应用场景,下好“先手棋”。\n\n"
        "短句。\n"
    )
    doc = prepare_text(raw)
    assert doc.text.count("切入点") == 1
    assert doc.text.count("短句。") == 2        # too short to be a duplicate paragraph
    _check_offsets(doc)


def test_traditional_offsets_point_at_traditional_surface():
    raw = "國務院總理李強會見內蒙古自治區黨委書記。\n呼和浩特市發展和改革委員會主任殷樹剛表示，將推進項目建設。\n"
    doc = prepare_text(raw)
    assert doc.traditional is True
    assert "国务院总理李强会见内蒙古自治区党委书记" in doc.text
    for simp, trad in [("国务院", "國務院"), ("内蒙古自治区党委", "內蒙古自治區黨委"),
                       ("呼和浩特市发展和改革委员会", "呼和浩特市發展和改革委員會"), ("殷树刚", "殷樹剛")]:
        assert _original_of(doc, simp) == trad
    _check_offsets(doc)


def test_simplified_is_not_traditional():
    doc = prepare_text(SAMPLE)
    assert doc.traditional is False
    assert doc.text == SAMPLE.strip()
    # t2s is not the identity on all Simplified text (乾县 -> 干县): Simplified stays untouched
    doc = prepare_text("陕西省乾县人民政府召开会议。")
    assert doc.traditional is False
    assert doc.text == "陕西省乾县人民政府召开会议。"


def test_stray_traditional_characters_of_a_simplified_text_are_simplified():
    """A Simplified page with a few Traditional characters (總书記, 內蒙古) stays a Simplified
    page, but those characters, which no Simplified text writes (outside GB2312's simplified
    set), are made Simplified one by one; the offsets point at them, and 乾 (a Simplified
    character t2s would change) and 昇 (a standard one outside GB2312) stay."""
    body = "各地要抓好春耕生产，稳定粮食播种面积，加强农田水利建设，推进高标准农田建设，做好农资供应和农技服务。"
    raw = "习近平总书記在內蒙古考察时强调，乾县要抓好春耕。昇腾芯片落地。" + body * 2 + "\n"
    doc = prepare_text(raw)
    assert doc.traditional is False
    # 昇 is a standard character outside GB2312 (ingest.tsv simplified_keep): it stays
    assert doc.text.startswith("习近平总书记在内蒙古考察时强调,乾县要抓好春耕。昇腾芯片落地。")
    assert _original_of(doc, "总书记") == "总书記"
    assert _original_of(doc, "内蒙古") == "內蒙古"
    _check_offsets(doc)


def test_crlf_and_markdown():
    doc = prepare_text("# 标题\r\n\r\n第一段,内容\r\n继续。\r\n")
    assert doc.text == "标题\n第一段,内容继续。"
    _check_offsets(doc)


# ---------------------------------------------------------------------------- sentences

def test_sentence_split_quotes_and_titles():
    text = "他说:“我们要努力。”随后离开。印发《关于加快发展的意见!》等文件;会议结束?好!"
    sents = [s.text for s in split_sentences(text, "t")]
    assert sents == ["他说:“我们要努力。”", "随后离开。", "印发《关于加快发展的意见!》等文件;", "会议结束?", "好!"]


def test_sentence_offsets_and_long_sentences():
    doc = prepare_text("甲" * 300 + "," + "乙" * 100 + "。\n短句。")
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text
        assert s.doc_id == "text"
        assert len(s.text) <= 250
    assert [s.index for s in doc.sentences] == list(range(len(doc.sentences)))
    assert doc.sentences[-1].text == "短句。"


def test_sample_corpus():
    errors: list[InputError] = []
    docs = read_corpus(DATA, on_error=errors.append)
    assert not errors
    assert [d.id for d in docs] == sorted(p.name for p in DATA.glob("*.txt"))
    for d in docs:
        assert d.encoding == "utf-8" and not d.traditional
        assert 60 <= len(d.sentences) <= 400, (d.id, len(d.sentences))
        assert max(len(s.text) for s in d.sentences) <= 250
        _check_offsets(d)
    by_id = {d.id: d for d in docs}
    t0 = by_id["000_13d6afb94e443b02.txt"].text
    assert "呼和浩特市委、市政府始终将" in t0           # wrapped line re-joined
    assert "下转" not in t0
    assert "呼和浩\n" not in t0 and "呼\n和浩特" not in t0
    # column breaks (blank line inside a paragraph) re-joined
    assert "近日,工业和信息化部公布首批中国消费名品名单" in t0
    assert "规划建设量子科技应用创新中心" in t0
    assert "\n巩固发展坚如磐石" in t0            # the headline is not glued to the kicker above it
    assert "与中电信量子信息科技集团签署" in t0    # a headline wrapped inside a company name
    t2 = by_id["002_fedfad648894b728.txt"].text
    assert t2.count("是强化效率意识,倒排工期") == 1   # duplicated paragraph dropped
    t3 = by_id["003_cacabed7aa6ec20d.txt"].text
    assert t3.startswith("政府工作报告\n")
    assert "霍尔果斯陆路口岸协作,进出口总额首次突破200亿元" in t3


def test_large_input_is_prepared_whole():
    """A 2 MB input is split into all its sentences with exact offsets.  (Its speed is a
    benchmark, not a test: the ingest stage of benchmarks/throughput.py and one_line.py.)"""
    base = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt")))
    single = prepare_text(base)
    # ~2 MB of distinct paragraphs (a copy number after every full stop defeats de-duplication)
    big = "\n\n".join(base.replace("。", f"。{k}") for k in range(20))
    doc = prepare_text(big)
    assert len(big.encode("utf-8")) > 1_500_000
    assert len(doc.sentences) > 15 * len(single.sentences)
    _check_offsets(doc)


def test_dateline_sources_come_from_the_data_file():
    # a dateline of a source listed in kg/data/ingest.tsv opens its own paragraph even after an
    # unfinished wrapped line; an unlisted word of the same shape does not
    doc = prepare_text("会议指出，要狠抓落实\n中新网郑州5月1日电 郑州市召开全市工业\n经济运行调度会议。\n")
    assert doc.text.split("\n") == ["会议指出,要狠抓落实", "中新网郑州5月1日电 郑州市召开全市工业经济运行调度会议。"]
    _check_offsets(doc)
    from kg.ingest import _dateline_re
    from kg.lexicon import Lexicon

    assert _dateline_re().match("澎湃新闻上海6月2日电") and not _dateline_re().match("某某网上海6月2日电")
    assert "中新网" in Lexicon.load().words("ingest", "dateline_source")


def test_photo_caption_credit_lines_end_their_paragraph():
    """A run of photo captions, each ending in its photographer's credit ("… 王立新 摄"), stays
    one caption a line: the credit word is no wrap into the next caption; a wrapped sentence
    around them is still re-joined."""
    text = ("青禾新区智能制造产业园一期厂房已经完工，各条生产线正在紧张调试。 王立新 摄\n"
            "远航汽车有限公司总装生产线上，工人们正在忙碌地安装车门。 记者 李晓红 摄影\n"
            "青禾县打造新能源汽车产业集群，全县规上工业产值突破九百亿元，两大产业集\n"
            "群产值占全县规上工业比重达到六成以上。\n")
    lines = prepare_text(text).text.split("\n")
    # (the credit after a sentence end, or in brackets, ends its line too)
    for credit in ("。王立新 摄", "（王立新 摄）"):
        got = prepare_text(text.replace("。 王立新 摄", credit, 1)).text.split("\n")
        assert got[0].startswith("青禾新区") and got[1].startswith("远航汽车"), got
    assert lines[0].startswith("青禾新区") and lines[0].endswith("摄"), lines
    assert lines[1].startswith("远航汽车") and lines[1].endswith("摄影"), lines
    assert lines[2].startswith("青禾县") and lines[2].endswith("六成以上。"), lines


def test_roster_and_labelled_lines_are_not_joined():
    """A press release's roster ("<title> <name>" lines shorter than the column) and labelled
    lines ("主持人：…", a speaker "方静：…") stay lines, while the wrapped answer is re-joined."""
    text = ("出席发布会的领导：\n"
            "中共青禾市临江区委副书记、区长 韩立群\n"
            "临江区发展和改革委员会主任 孟繁宇\n"
            "主持人：临江区人民政府新闻办公室主任 邵雨\n"
            "邵雨：各位媒体朋友，上午好！欢迎参加临江区新闻发布会。今天，我们邀请区\n"
            "委副书记、区长韩立群同志，区发展和改革委员会主任孟繁宇同志，介绍临江区\n"
            "产业集群建设有关情况，并回答大家关心的问题。首先请韩立群区长作介绍。\n"
            "韩立群：各位记者朋友，大家好！近年来，临江区坚持制造业立区，集中力量打\n"
            "造新能源汽车及零部件、智能装备两大产业集群，全区规上工业产值突破九百亿\n"
            "元，两大产业集群产值占全区规上工业比重达到六成以上。\n")
    doc = prepare_text(text)
    lines = doc.text.split("\n")
    assert "中共青禾市临江区委副书记、区长 韩立群" in lines
    assert "临江区发展和改革委员会主任 孟繁宇" in lines
    assert "主持人:临江区人民政府新闻办公室主任 邵雨" in lines
    assert any(ln.startswith("邵雨:各位媒体朋友") and ln.endswith("作介绍。") for ln in lines), lines
    assert any(ln.startswith("韩立群:各位记者朋友") and ln.endswith("六成以上。") for ln in lines), lines


# -- web-page noise (invented sentences) ------------------------------------------------------

def _orig_chars(doc):
    return "".join(doc.original[doc.offsets[i]] for i in range(len(doc.text)))


@pytest.mark.parametrize("raw, expected", [
    # pinyin glosses after a Han character, ASCII and full-width brackets
    ("新区管委会主任(rèn)王小明(míng)主持会议。", "新区管委会主任王小明主持会议。"),
    ("建设产业(yè)园区（qū）二期", "建设产业园区二期"),
    # the syllables of a word, run together or spaced
    ("位居全国前列(qiánliè),副县长（fù xiàn zhǎng）王小明到会(huì )。", "位居全国前列,副县长王小明到会。"),
    # glosses without tone marks, in a document that glosses its characters throughout
    ("青禾市(shi)城市管理局(ju)局长王小明(ming)对(dui)记者说。", "青禾市城市管理局局长王小明对记者说。"),
    # zero-width space, word joiner, soft hyphen, BOM inside a name
    ("汪\u200b驰、汪\u2060驰和汪\u00ad驰\ufeff出席。", "汪驰、汪驰和汪驰出席。"),
    # tags and character references left by scraping
    ('签约<span id="a1">仪式</span>在<b>市民中心</b>举行&nbsp;。', "签约仪式在市民中心举行。"),
])
def test_web_noise_removed_with_offsets(raw, expected):
    doc = prepare_text(raw)
    assert doc.text == expected
    # every kept character still maps to the same character of the user's text
    assert all(a == b for a, b in zip(_orig_chars(doc), expected) if a.strip() and b.strip())


@pytest.mark.parametrize("raw", [
    "全长12(km)的道路",            # a unit in brackets, no tone mark
    "新增耕地30亩(mu)和林地12亩(mu)",  # pinyin-like units, too few to be a glossed document
    "英文名称(Hohhot)保持不变",     # a Latin word
    "咖啡馆(Café Lumière)开业",     # Latin words with accents: capitals, no pinyin
    "推出新菜(entrée)和甜点",       # lower-case accented words that are no pinyin syllables
    "导师和门徒(protégé)同台",
    "比较 a<b 与 c>d 两项",         # a comparison, not a tag
])
def test_web_noise_keeps_ordinary_brackets(raw):
    assert prepare_text(raw).text.replace(" ", "") == raw.replace(" ", "")



def _as_cp1252_mojibake(text: str) -> str:
    """What a page shows when its UTF-8 bytes are read as Windows-1252 (bytes that code page
    leaves undefined show as C1 controls, as browsers and Python's latin-1 do)."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def test_mojibake_repaired_with_offsets():
    moj = _as_cp1252_mojibake("青川县召开座谈会。")
    raw = "新闻：" + moj + "Café au lait, résumé."
    doc = prepare_text(raw)
    assert doc.text.startswith("新闻:青川县召开座谈会。")
    assert "Café au lait, résumé." in doc.text              # real Latin text is left alone
    # each repaired character points at the first character of its byte sequence
    k = doc.text.index("川")
    assert doc.offsets[k] == len("新闻：") + 3


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_mojibake_with_the_line_break_byte_and_lone_characters(codec):
    # 先, 党 and 公 hold the byte 0x85, which Latin-1 shows as U+0085, a line break; 年 stands
    # alone between digits, “ ” are punctuation: each is repaired once the text is known to be
    # mojibake (a run of two Han characters or more)
    clean = "党委先行部署，2024年3月公布“名单”。\n公司名单附后。"
    moj = (clean.encode("utf-8").decode("latin-1") if codec == "latin-1"
           else _as_cp1252_mojibake(clean))
    assert ("\x85" if codec == "latin-1" else "\u2026") in moj       # the byte 0x85
    raw = "标题\n" + moj
    doc = prepare_text(raw)
    assert doc.text == prepare_text("标题\n" + clean).text
    # each character points at the first character of its byte sequence
    for k, ch in enumerate(doc.text):
        if k >= 3 and ord(ch) > 0x7F and ch != "\n":
            assert raw[doc.offsets[k]] == ch.encode("utf-8").decode("latin-1")[0]
    # one lone run is too weak a sign: Latin text with such a run stays as it is
    lone = "Ã©tÃ© 2024" + "年".encode("utf-8").decode("latin-1") + "3"
    assert prepare_text(lone).text == unicodedata.normalize("NFKC", lone)
    # in a mojibake text, a run that gives another script is the page's own Latin text
    # (× and “ read as UTF-8 are Hebrew ד)
    doc = prepare_text(moj + "3×“A”")
    assert doc.text.endswith("3×“A”")
    # a lone run that gives a Latin-1 symbol is repaired (25Â°C)
    more = "气温25°C，" + clean
    moj2 = (more.encode("utf-8").decode("latin-1") if codec == "latin-1" else _as_cp1252_mojibake(more))
    assert prepare_text(moj2).text.startswith("气温25°C,")


def test_markdown_marks_go_and_the_offsets_stay():
    """A page converted to Markdown keeps its bold marks, links and images: the marks go (the
    link's text stays), and each character still points at its own; 2**3, __init__, names masked
    with ** and a full stop (！, ! after NFKC) before a link stay."""
    raw = ("**全市重点项目名单公布**\n\n![现场图片](/img/a.jpg)张三出席会议，"
           "详见[关于印发方案的通知](https://www.example.gov.cn/a.html)。\n\n计算2**3与__init__。\n\n"
           "公示名单：张**、李**、王**。\n\n欢迎访问！[市政府网站](https://www.example.gov.cn)。\n\n"
           "**获奖名单**：张**、李**。\n\n李四出席会议![](https://www.example.gov.cn/b.png)王五主持。")
    doc = prepare_text(raw)
    assert doc.text.split("\n") == ["全市重点项目名单公布", "张三出席会议,详见关于印发方案的通知。",
                                     "计算2**3与__init__。", "公示名单:张**、李**、王**。",
                                     "欢迎访问!市政府网站。", "**获奖名单**:张**、李**。",
                                     "李四出席会议王五主持。"]
    for word in ("名单", "张三", "方案的通知", "2**3"):
        k = doc.text.index(word)
        assert raw[doc.offsets[k]:doc.offsets[k] + len(word)] == word
    _check_offsets(doc)


def test_a_bold_line_is_a_heading():
    """A whole line in bold is a heading, as a line after # is: it is never joined to the lines
    around it, though neither ends a sentence (a page's title written twice, then its body)."""
    for mark in ("**{}**", "# {}"):
        title = mark.format("汀州市召开全市重点项目推进会议")
        doc = prepare_text(f"{title}\n{title}\n3月5日，张三主持会议，李四出席会议并讲话，王五汇报工作")
        assert doc.text.split("\n") == ["汀州市召开全市重点项目推进会议"] * 2 + [
            "3月5日,张三主持会议,李四出席会议并讲话,王五汇报工作"], mark
        k = doc.text.index("张三")
        assert doc.original[doc.offsets[k]:doc.offsets[k] + 2] == "张三"


def test_emoji_go_and_dingbats_stay():
    raw = "张三👍出席会议🔥，1️⃣★重点项目👨‍👩‍👧开工。"
    doc = prepare_text(raw)
    assert doc.text == "张三出席会议,1★重点项目开工。"
    k = doc.text.index("出席")
    assert raw[doc.offsets[k]:doc.offsets[k] + 2] == "出席"
    _check_offsets(doc)


def test_variant_forms_that_t2s_leaves_are_simplified():
    """Hong Kong and Taiwan write some characters in forms OpenCC t2s leaves (衞生署): ingest.tsv
    ``variant`` makes them Simplified, in a Traditional page and as strays in a Simplified one,
    one character for one."""
    doc = prepare_text("香港特區政府衞生署今日公布，本港新增個案。")
    assert doc.traditional and doc.text.startswith("香港特区政府卫生署今日公布")
    assert doc.offsets[doc.text.index("卫")] == "香港特區政府衞生署".index("衞")
    doc = prepare_text("市衞生健康委员会召开会议。")
    assert not doc.traditional and doc.text == "市卫生健康委员会召开会议。"


UNDONE_VARIANTS = ("s2t", "s2tw", "s2hk", "mixed", "quotes", "big5", "gbk", "pinyin", "zw", "emoji",
                   "latin1", "cp1252", "fullwidth", "crlf")


@pytest.fixture(scope="module")
def robustness_benchmark():
    """benchmarks/robustness.py as a module, loaded once."""
    from conftest import load_benchmark

    return load_benchmark("robustness")


@pytest.mark.parametrize("variant", UNDONE_VARIANTS)
def test_page_noise_of_benchmarks_robustness_is_undone(tmp_path, variant, robustness_benchmark):
    """Each kind of page noise benchmarks/robustness.py scores as one ingest must undo: the
    analysis text of an invented page so written is the clean page's (the benchmark measures the
    same on real pages)."""
    import random
    rb = robustness_benchmark
    page = ("市政府召开2024年第一季度重点项目推进会\n"
            "3月15日，市长张建国主持召开会议，市发展和改革委员会主任李明汇报了“百日攻坚”专项行动进展。"
            "会议指出，要加快新能源汽车产业集群建设，推动长江运营中心等项目尽早投产。\n"
            "副市长王海峰、市工业和信息化局局长赵丽、市卫生健康委员会主任刘强出席会议。\n")
    clean = tmp_path / "clean.txt"
    clean.write_text(page, encoding="utf-8")
    convert = str
    if variant in rb.SCRIPT_VARIANTS:
        from opencc import OpenCC
        convert = OpenCC(rb.SCRIPT_VARIANTS[variant]).convert
    noisy = tmp_path / "noisy.txt"
    noisy.write_bytes(rb.perturb(page, variant, random.Random(7), convert))
    assert noisy.read_bytes() != clean.read_bytes()
    assert load_document(noisy).text == load_document(clean).text


def test_corner_brackets_are_quotation_marks():
    """「」『』 (Hong Kong, Taiwan; People's Daily 1998 writes 『』) are read as “”, one for one,
    in either script."""
    raw = "市場監管局啟動「清風行動」，口號是『守護安全』。"
    doc = prepare_text(raw)
    assert doc.text == "市场监管局启动“清风行动”,口号是“守护安全”。"
    assert raw[doc.offsets[doc.text.index("“")]] == "「"
    _check_offsets(doc)
    assert prepare_text("市场监管局启动「清风行动」。").text == "市场监管局启动“清风行动”。"
    assert prepare_text("一段引文的结尾」。").text == "一段引文的结尾”。"      # a lone closing mark
    # a straight quote pairing a curly one on its line is made curly; straight pairs stay
    doc = prepare_text('打响“清风行动2031"暨“护苗"专项整治，开展"三大提升行动”。他说"好"。')
    assert doc.text == '打响“清风行动2031”暨“护苗”专项整治,开展“三大提升行动”。他说"好"。'
    _check_offsets(doc)


def test_the_variant_rows_are_what_opencc_gives():
    """ingest.tsv's variant rows: every character outside GB2312 that t2s leaves and OpenCC
    hk2s or tw2s makes a GB2312 character (CJK Unified Ideographs)."""
    from opencc import OpenCC

    from kg.ingest import _gb2312_han
    gb = _gb2312_han()
    chars = "".join(chr(cp) for cp in range(0x4E00, 0xA000) if chr(cp) not in gb)
    t2s = OpenCC("t2s").convert(chars)
    want = {}
    for cfg in ("hk2s", "tw2s"):
        conv = OpenCC(cfg).convert(chars)
        assert len(conv) == len(t2s) == len(chars)
        for c, a, b in zip(chars, t2s, conv):
            if a == c and b != c and b in gb:
                want[ord(c)] = b
    assert _variants() == want


def test_a_variant_row_must_be_two_characters(tmp_path):
    import shutil
    from kg.lexicon import Lexicon
    from kg.model import KgError
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "kg" / "data", data)
    for bad in ("衞", "a台", "衞衞", "，台"):
        shutil.copy(Path(__file__).resolve().parent.parent / "kg" / "data" / "ingest.tsv", data / "ingest.tsv")
        with open(data / "ingest.tsv", "a", encoding="utf-8") as f:
            f.write(f"variant\t{bad}\n")
        with pytest.raises(KgError, match=r"ingest.tsv:\d+: variant must be two Han characters"):
            Lexicon.load(data)


def test_a_lost_gbk_lead_byte_is_read_as_its_character():
    # 縣 is BF 68 in GBK: a page that lost the first byte shows ?h (ingest.tsv lost_lead)
    raw = "副县长王宁主持??h人大常委會主任李华出席。"
    doc = prepare_text(raw)
    assert "??县人大常委会主任李华" in doc.text
    k = doc.text.index("县人大")
    assert raw[doc.offsets[k]] == "h"            # the character points at the letter it replaced
    # only after two ASCII ? and before a Han character: English text, a lone letter, one ?
    # and a full-width ？ the page writes stay as they are
    for keep in ("这是什么??how 的问题", "What??h 中文", "问号??hi中文", "什么是?h型钢"):
        assert prepare_text(keep).text.replace(" ", "") == keep.replace(" ", "")
    assert prepare_text("请问？？h股和A股").text == "请问??h股和A股"
    # the character put in is Simplified: it does not tip a Simplified page into conversion
    simple = "乾县召开会议。??h人大常委会主任周建华出席。副县长李明讲话。"
    doc = prepare_text(simple)
    assert not doc.traditional and doc.text.startswith("乾县") and "??县人大常委会" in doc.text


def test_a_lost_lead_row_must_be_a_letter_and_one_character(tmp_path):
    import shutil
    from kg.lexicon import Lexicon
    from kg.model import KgError
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "kg" / "data", data)
    with open(data / "ingest.tsv", "a", encoding="utf-8") as f:
        f.write("lost_lead\th县城\n")
    with pytest.raises(KgError, match=r"ingest.tsv:\d+: lost_lead must be an ASCII letter"):
        Lexicon.load(data)


@pytest.mark.parametrize("ch, han", [("中", True), ("\u3400", True), ("\U00020000", True), ("\uf900", True),
                                     ("a", False), ("，", False), ("", False), ("ー", False)])
def test_one_han_definition(ch, han):
    from kg.chars import is_han
    assert is_han(ch) is han
