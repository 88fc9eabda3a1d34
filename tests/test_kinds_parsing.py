"""The parsing core of the document kinds (generator/kinds/): provisions and their anchors, decrees,
rules, amendment and repeal decisions, announcements, appointments, replies and attachments, on our own
test texts in the gazette's shapes (tests/data/kinds/) and on the real seed documents. Pure parsing:
no site build."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from generator.errors import Report
from generator.kinds.announcement import is_announcement, parse_announcement
from generator.kinds.appointment import parse_appointments
from generator.kinds.attachments import attachment_part, document_provisions, split_attachments
from generator.kinds.citations import toc_target
from generator.kinds.decision import classify_change, parse_decision
from generator.kinds.decree import citation_en, is_decree, parse_decree, parse_decree_document
from generator.kinds.reply import parse_reply
from generator.kinds.rules import parse_history, parse_rules, rule_id
from generator.kinds.structure import (find, label_en, label_zh, parse_provisions, parse_ref, ref_anchor, ref_en,
                                       ref_zh, walk)
from generator.kinds.text import Keys, cn_number, cn_numeral
from generator.model import Block
from generator.normalize import (cjk_chars, compact, is_traditional, page_furniture, to_simplified, unwrap,
                                 wrap_width)
from generator.kinds.circular import attachment_blocks, parse_circular

ROOT = Path(__file__).resolve().parent.parent
KINDS = ROOT / "tests" / "data" / "kinds"
HEADER = "北京市人民政府公报"


@pytest.fixture(scope="module")
def words():
    return {lang: yaml.safe_load((ROOT / "themes" / "default" / "i18n" / f"{lang}.yaml").read_text("utf-8"))
            for lang in ("en", "zh")}


def read(name: str):
    """(paragraphs, convert, text) of a test text, as a reader gets them."""
    text = (KINDS / name).read_text("utf-8")
    lines = text.split("\n")
    paras, _ = unwrap(lines, 0, len(lines), drop={HEADER: "running header"})
    return paras, (to_simplified if is_traditional(text) else None), text


def no_loss(text: str, blocks: list[Block], also: str = "", skip: set[int] | None = None) -> None:
    """Every Chinese character of every input line (the running headers, lines ``skip``, aside) is in
    exactly one block."""
    lines = text.split("\n")
    skip = skip if skip is not None else {i + 1 for i, l in enumerate(lines) if l.strip() == HEADER}
    source = Counter(cjk_chars("\n".join(l for i, l in enumerate(lines) if i + 1 not in skip)))
    parsed = Counter(cjk_chars("\n".join((b.original or b.text) for b in blocks) + also))
    assert parsed == source, (source - parsed, parsed - source)


def kinds_count(provisions, kind):
    return sum(1 for p in walk(provisions) if p.kind == kind)


def unique_anchors(provisions):
    anchors = [p.anchor for p in walk(provisions)]
    assert len(anchors) == len(set(anchors))
    return set(anchors)


# --------------------------------------------------------------------------
# structure: numbers, references, English labels


def test_chinese_numerals_both_ways():
    assert [cn_number(x) for x in ("一", "十", "十一", "二十三", "一百零八", "一百二十三", "两千零一", "12")] == \
        [1, 10, 11, 23, 108, 123, 2001, 12]
    assert all(cn_number(cn_numeral(n)) == n for n in range(1, 1000))


def test_references_parse_to_targets_and_anchors():
    assert parse_ref("第五条第二款第（三）项") == {"article": 5, "paragraph": 2, "item": 3}
    assert parse_ref("第十条之一") == {"article": 10, "article_sub": 1}
    assert parse_ref("第二章第一节") == {"chapter": 2, "section": 1}
    assert parse_ref("第九条第(三)项第2目") == {"article": 9, "item": 3, "subitem": 2}
    assert parse_ref("本办法") is None
    assert ref_anchor({"article": 5, "paragraph": 2, "item": 3}) == "article-5-paragraph-2-item-3"
    assert ref_anchor({"article": 5, "paragraph": 1, "item": 3}) == "article-5-item-3"  # 第一款 items need no 款
    assert ref_anchor({"article": 10, "article_sub": 1, "paragraph": 2}) == "article-10-1-paragraph-2"
    assert ref_anchor({"chapter": 2, "section": 1}) == "chapter-2-section-1"


def test_english_references_follow_one_convention(words):
    w = words["en"]["provisions"]
    assert ref_en("第五条第二款第（三）项", w) == "Article 5(2), item (3)"
    assert ref_en("第五条第（三）项", w) == "Article 5, item (3)"
    assert ref_en("第十条之一", w) == "Article 10a"
    assert ref_en("第十条之二第一款", w) == "Article 10b(1)"
    assert ref_en("第二章第一节", w) == "Chapter 2, Section 1"
    assert ref_en("第九条第（三）项第2目", w) == "Article 9, item (3), sub-item 2"
    assert ref_en("第三编", w) == "Part 3"


def test_chinese_references_are_written_in_the_theme_s_forms(words):
    """ref_zh writes a target back in the forms of zh.yaml's provisions.ref: what parse_ref reads, it writes."""
    w = words["zh"]["provisions"]
    for text in ("第五条第二款第（三）项", "第十条之一", "第十条之二第一款", "第二章第一节", "第九条第（三）项第2目",
                 "第三编", "第一百零八条"):
        assert ref_zh(parse_ref(text), w) == text


def _blocks(lines: list[str]) -> list[Block]:
    return [Block("para", t, i + 1, key=f"p{i}") for i, t in enumerate(lines)]


def test_books_chapters_sections_articles_and_labels(words):
    text = ["第一编 总则", "第一章 基本规定", "第一条 为了规范管理，制定本法。", "第二条 本法适用于本市。",
            "第二章", "一般规定", "第一节 登记", "第三条 申请登记的，应当提交下列材料：", "（一）申请书；",
            "（二）身份证明：", "1.居民身份证；", "2.户口簿。", "申请人应当对材料的真实性负责。",
            "第二编 分则", "第一章 专门规定", "第一百二十三条 本法自公布之日起施行。"]
    r = Report()
    provs = parse_provisions(_blocks(text), "t.txt", r)
    anchors = unique_anchors(provs)
    assert {"book-1", "book-1-chapter-1", "book-1-chapter-2", "book-1-chapter-2-section-1", "article-1", "article-3",
            "article-3-paragraph-1", "article-3-item-2", "article-3-item-2-subitem-2", "article-3-paragraph-2",
            "book-2", "book-2-chapter-1", "article-123"} <= anchors
    # a bare 第二章 takes its title from the next line
    ch = find(provs, "book-1-chapter-2")
    assert ch.title == "一般规定" and ch.block_keys[:2] == ["p4", "p5"]
    art3 = find(provs, "article-3")
    assert [c.anchor for c in art3.children] == ["article-3-paragraph-1", "article-3-paragraph-2"]
    en = {p.anchor: label_en(p, words["en"]["provisions"]) for p in walk(provs)}
    assert en["book-1"] == "Part 1" and en["book-1-chapter-2"] == "Chapter 2"
    assert en["book-1-chapter-2-section-1"] == "Section 1" and en["article-123"] == "Article 123"
    assert en["article-3-item-2"] == "Item (2)" and en["article-3-item-2-subitem-2"] == "Sub-item 2"
    assert en["article-3-paragraph-2"] == "Paragraph 2"
    assert label_zh(find(provs, "article-3-paragraph-2"), words["zh"]["provisions"]) == "第二款"
    # the article jumps from 3 to 123: said, with the line
    assert [str(w) for w in r.warnings] == ["t.txt:16: the article numbering skips: 第一百二十三条 (expected article 4)"]


def test_a_chapter_without_articles_is_said():
    """In rules, a 章 or 节 with no article under it lost its articles (a page not copied) or is not a chapter:
    a warning names its line; the articles around it keep their places."""
    text = ["第一章 总则", "第一条 为了规范管理，制定本办法。", "第二章 登记", "第三章 附则", "第二条 本办法自公布之日起施行。",
            "第四章 罚则", "第一节 一般规定"]
    r = Report()
    provs = parse_provisions(_blocks(text), "t.txt", r)
    assert [str(w) for w in r.warnings] == [
        "t.txt:3: 第二章 has no articles under it (expected the articles of each chapter (第…条) after its heading)",
        "t.txt:7: 第一节 has no articles under it (expected the articles of each chapter (第…条) after its heading)"]
    assert [c.anchor for c in find(provs, "chapter-3").children] == ["article-2"]
    # 第四章 holds a section (which holds nothing): said once, of the section
    assert [c.anchor for c in find(provs, "chapter-4").children] == ["chapter-4-section-1"]
    # a circular's chapters (no articles anywhere) may hold text alone: nothing to say
    r = Report()
    parse_provisions(_blocks(["第一章 总体要求", "坚持问题导向。", "第二章 工作任务", "第三章 保障措施", "加强组织领导。"]), "c.txt", r)
    assert not r.warnings


def test_repeated_and_skipped_numbers_warn_and_stay_unique():
    text = ["第一条 一。", "第二条 二。", "第二条 重复的二。", "第四条 四。", "第四条之一 四之一。", "第四条之三 跳过。"]
    r = Report()
    provs = parse_provisions(_blocks(text), "t.txt", r)
    assert [p.anchor for p in provs] == ["article-1", "article-2", "article-2-2nd", "article-4", "article-4-1",
                                         "article-4-3"]
    msgs = [str(w) for w in r.warnings]
    assert any("t.txt:3:" in m and "repeats" in m for m in msgs)
    assert any("t.txt:3:" in m and "article-2-2nd" in m for m in msgs)
    assert any("t.txt:4:" in m and "skips" in m for m in msgs)
    assert any("t.txt:6:" in m and "skips" in m for m in msgs)


def test_circular_headings_nest_and_continue_their_numbering(words):
    text = ["一、总体要求", "坚持问题导向。", "二、主要任务", "（一）完善设施", "1.改造管线；", "2.增设充电设施。",
            "（二）提升品质", "（1）补充绿化；", "三、保障措施", "（三）加强领导。", "（四）强化督查。"]
    r = Report()
    provs = parse_provisions(_blocks(text), "t.txt", r)
    assert [p.anchor for p in walk(provs)] == ["part-1", "part-2", "part-2-1", "part-2-1-1", "part-2-1-2", "part-2-2",
                                              "part-2-2-1", "part-3", "part-3-3", "part-3-4"]
    assert r.warnings == []  # （三） under 三、 continues （二） under 二、: not a skip
    w = words["en"]["provisions"]
    assert [label_en(p, w) for p in walk(provs)][:4] == ["I.", "II.", "(1)", "1."]
    assert find(provs, "part-1").block_keys == ["p0", "p1"]  # its paragraph belongs to it
    assert find(provs, "part-2").title == "主要任务"


def test_a_numbered_sentence_is_an_item_and_a_run_in_heading_keeps_its_title():
    """A reply's 三、市商务局要会同有关部门加强指导和服务。 was titled by its whole sentence, and shown as a heading
    in the contents, while 一、 and 二、 (longer) were paragraphs (a reviewer's real-looking reply; the seed's
    subsidy scheme had its numbered conditions so too). A numbered item that is one sentence has no title; a
    run-in heading (（一）加强组织领导。各区要…) and one that opens a list (二、工作任务：) keep theirs."""
    text = ["一、同意设立北京平谷农业中关村综合保税区，规划面积1.26平方公里，四至范围见附图。",
            "二、请平谷区人民政府抓紧编制建设方案，依法依规开展建设。", "三、市商务局要会同有关部门加强指导和服务。",
            "四、工作任务：", "（一）加强组织领导。各区要明确责任分工。", "（二）强化督查"]
    provs = parse_provisions(_blocks(text), "t.txt", Report())
    assert [(p.anchor, p.title) for p in walk(provs)] == [
        ("part-1", ""), ("part-2", ""), ("part-3", ""), ("part-4", "工作任务"), ("part-4-1", "加强组织领导"),
        ("part-4-2", "强化督查")]


def test_a_sub_item_with_a_figure_right_after_its_dot_is_a_sub_item_not_a_paragraph():
    """A 目 written 1.2026年12月31日前… (no space after the dot) was read as a 款: the 1. label refused a figure
    after the dot (to keep 1.5倍 a number), so the article's next paragraph became its 第五款 and a reference to
    its 第二款 pointed at the first sub-item (a reviewer's real-looking rules). A year after the dot is the
    text of a 目; another figure is one only where the numbering of the list says so (1. after a line ending
    with ：, followed by 2.; N. right after 目 N-1). A decimal or a date opening a paragraph stays a 款."""
    text = ["第一条 为了规范停车管理，制定本规定。",
            "第二条 区交通行政主管部门应当按照以下时间安排组织实施：", "1.2026年12月31日前，完成核心区泊位梳理；",
            "2.2027年6月30日前，完成中心城区泊位梳理；", "3.2027年12月31日前，完成全市泊位梳理。",
            "设置方案应当向社会公开征求意见。",
            "第三条 有关部门应当按照下列期限办理：", "1.10月1日前，完成申报；", "2.3个工作日内，完成审核。",
            "复核期限另行规定。",
            "第四条 停车收费标准由市发展改革部门制定。", "1.5倍以上的收费标准，应当听证。", "2026.1版标准同时废止。"]
    r = Report()
    provs = parse_provisions(_blocks(text), "t.txt", r)
    art2 = find(provs, "article-2")
    assert [c.anchor for c in art2.children] == ["article-2-paragraph-1", "article-2-paragraph-2"]
    assert [(c.anchor, c.label, c.text) for c in art2.children[0].children] == [
        ("article-2-subitem-1", "1.", "2026年12月31日前，完成核心区泊位梳理；"),
        ("article-2-subitem-2", "2.", "2027年6月30日前，完成中心城区泊位梳理；"),
        ("article-2-subitem-3", "3.", "2027年12月31日前，完成全市泊位梳理。")]
    assert find(provs, "article-2-paragraph-2").text == "设置方案应当向社会公开征求意见。"
    assert [c.anchor for c in find(provs, "article-3-paragraph-1").children] == ["article-3-subitem-1",
                                                                               "article-3-subitem-2"]
    assert find(provs, "article-3-subitem-2").text == "3个工作日内，完成审核。"
    assert find(provs, "article-3-paragraph-2").text == "复核期限另行规定。"
    art4 = find(provs, "article-4")  # a decimal and a date open paragraphs: no 目
    assert [(c.anchor, c.text) for c in art4.children] == [
        ("article-4-paragraph-1", "停车收费标准由市发展改革部门制定。"),
        ("article-4-paragraph-2", "1.5倍以上的收费标准，应当听证。"), ("article-4-paragraph-3", "2026.1版标准同时废止。")]
    assert r.warnings == []


def test_anchors_do_not_move_when_text_elsewhere_changes():
    paras, convert, _ = read("decree-rules.txt")
    d1 = parse_decree_document(paras, "a", Report(), convert)
    text = (KINDS / "decree-rules.txt").read_text("utf-8")
    # a longer article 1, a new paragraph in article 3, a new item in article 5, a changed chapter title
    text = text.replace("制定本办法。", "制定本办法。本办法的实施情况每年评估一次。", 1)
    text = text.replace("发展改革、规划自然资源", "区人民政府应当保障经费。\n\n发展改革、规划自然资源", 1)
    text = text.replace("（三）老城区", "（三）新增的第三项；\n\n（四）老城区", 1)
    text = text.replace("第三章　运营与服务\n\n第八条", "第三章　运营服务与质量\n\n第八条", 1)
    lines = text.split("\n")
    d2 = parse_decree_document(unwrap(lines, 0, len(lines))[0], "b", Report(), convert)
    a1 = {p.anchor: p.text for p in walk(d1.provisions)}
    a2 = {p.anchor: p.text for p in walk(d2.provisions)}
    assert set(a1) <= set(a2)
    assert set(a2) - set(a1) == {"article-3-paragraph-3", "article-5-item-4"}
    moved = {a for a in a1 if a1[a] != a2[a]}
    assert moved == {"article-1", "article-1-paragraph-1", "article-3-paragraph-2", "article-5-item-3", "chapter-3"} \
        - {"article-1-paragraph-1"}


# --------------------------------------------------------------------------
# decrees, decisions, rules


def test_decree_with_amendment_decision(words):
    paras, convert, text = read("decree-amendment.txt")
    assert is_decree(paras) and convert is None
    r = Report()
    d = parse_decree_document(paras, "decree-amendment.txt", r, convert)
    assert r.errors == [] and r.warnings == []
    dec = d.decree
    assert (dec.id, dec.number, dec.citation) == ("decree/331", 331, "北京市人民政府令第331号")
    assert (dec.signer, dec.signer_title, dec.date) == ("殷勇", "市长", "2026-03-10")
    assert (dec.meeting, dec.adopted, dec.effective) == ("市人民政府第85次常务会议", "2026-03-03", "2026-05-01")
    assert dec.text_kind == "decision"
    assert d.title == "北京市人民政府关于修改《北京市公共自行车租赁管理办法》等3项规章部分条款的决定"
    assert [a.rule_title for a in d.amendments] == ["北京市公共自行车租赁管理办法", "北京市户外广告设施设置管理规定",
                                                    "北京市城市道路挖掘管理办法"]
    a1, a2, a3 = d.amendments
    assert [(h.date, h.action, h.target) for h in a1.history] == [("2012-06-08", "公布", "decree/246"),
                                                                  ("2019-04-22", "修改", "decree/284")]
    assert "《北京市人民政府关于修改〈北京市公共自行车租赁管理办法〉的决定》" in a1.history[1].instrument
    assert [(c.action, c.target, c.anchor) for c in a1.changes] == [
        ("delete", {"article": 5}, "article-5"),
        ("delete", {"article": 8, "item": 3}, "article-8-item-3"),
        ("rewrite", {"article": 12}, "article-12"),
        ("rewrite", {"article": 9, "paragraph": 2}, "article-9-paragraph-2"),
        ("insert", {"article": 10, "article_sub": 1}, "article-10-1")]
    rewrite = a1.changes[2].text
    assert rewrite.startswith("第十二条") and rewrite.count("\n") == 5  # six paragraphs of new wording
    assert "（三）及时调度车辆" in rewrite and rewrite.endswith("处1000元以上1万元以下罚款。")
    assert (a1.changes[3].old, a1.changes[3].text) == ("市市政市容管理委员会", "市城市管理委员会")
    assert [(c.action, c.anchor, c.old, c.text) for c in a2.changes] == [
        ("insert", "article-3-paragraph-2", "", "户外广告设施设置规划由市城市管理部门会同市规划自然资源部门编制，报市人民政府批准后公布。"),
        ("delete", "article-14", "和市工商行政管理部门", ""),
        ("rename", "chapter-2", "", "设置规划与审批"),
        ("rewrite", "article-20-item-2", "五千元", "一万元")]
    assert [(h.action, h.target) for h in a2.history] == [("发布", "decree/263"), ("修改", "decree/298")]
    # item 三 is one change on the item's own (wrapped) paragraph
    assert [(c.action, c.anchor, c.old, c.text) for c in a3.changes] == [("rewrite", "article-7", "十五日", "十个工作日")]
    anchors = unique_anchors(d.provisions)
    assert {"item-1", "item-1-change-3", "item-2-change-4", "item-3", "item-3-change-1"} <= anchors
    assert kinds_count(d.provisions, "change") == 10
    change3 = find(d.provisions, "item-1-change-3")
    assert len(change3.block_keys) == 6  # the change and the five paragraphs of its quotation
    w = words["en"]["provisions"]
    assert (label_en(find(d.provisions, "item-2"), w), label_en(change3, w)) == ("II.", "3.")
    no_loss(text, d.blocks)


def test_decree_with_rules_chapters_sections_items_subitems(words):
    paras, convert, text = read("decree-rules.txt")
    r = Report()
    d = parse_decree_document(paras, "decree-rules.txt", r, convert)
    assert r.errors == [] and r.warnings == []
    assert (d.decree.id, d.decree.effective_text, d.decree.effective) == ("decree/332", "公布之日", "2026-03-02")
    assert d.title == "北京市社区养老服务设施管理办法" and d.history == []
    p = d.provisions
    assert (kinds_count(p, "chapter"), kinds_count(p, "section"), kinds_count(p, "article")) == (5, 2, 13)
    assert kinds_count(p, "paragraph") == 8  # the paragraphs of articles 2, 3, 6 and 11 (two each)
    assert kinds_count(p, "item") == 15 and kinds_count(p, "subitem") == 5
    assert [c.anchor for c in find(p, "chapter-2").children] == ["chapter-2-section-1", "chapter-2-section-2"]
    assert [c.anchor for c in find(p, "chapter-2-section-1").children] == ["article-4", "article-5"]
    assert [c.anchor for c in find(p, "article-5-item-2").children] == ["article-5-item-2-subitem-1",
                                                                     "article-5-item-2-subitem-2"]
    assert find(p, "article-2-paragraph-2-item-3").text == "农村幸福晚年驿站。"
    assert find(p, "article-11-paragraph-2-item-2").text == "擅自改变设施用途的；"
    assert find(p, "article-9-item-3-subitem-2").text == "按规定留存助餐食品样品；"
    # a wrapped article's line (第一条　… cut at the line's end) is joined to the next: one block, one paragraph
    assert len(find(p, "article-1").block_keys) == 1 and not find(p, "article-1").children
    # the table of contents is kept, and not read as chapters
    assert [b.text for b in d.blocks if b.kind == "toc"][:2] == ["目录", "第一章总则"]
    assert sum(1 for b in d.blocks if b.kind == "toc") == 8
    assert label_en(find(p, "chapter-2-section-2"), words["en"]["provisions"]) == "Section 2"
    assert citation_en(332, words["en"]["citation_forms"]) == \
        "Decree No. 332 of the Beijing Municipal People's Government"
    no_loss(text, d.blocks)


def test_rules_without_chapters_history_and_half_width_punctuation():
    paras, convert, text = read("rules-no-chapters.txt")
    r = Report()
    blocks, provs, history, title = parse_rules(paras, "rules-no-chapters.txt", r, convert)
    assert r.errors == [] and r.warnings == []
    assert title == "北京市街巷环境卫生责任区管理规定"
    assert rule_id(title, history) == "rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding"
    assert [(h.date, h.action, h.ordinal, h.target) for h in history] == [
        ("2008-05-06", "公布", 0, "decree/205"), ("2018-02-12", "修改", 1, "decree/277"),
        ("2026-03-10", "修改", 2, "decree/331")]
    assert history[0].body == "北京市人民政府" and history[0].instrument == "北京市人民政府令第205号"
    assert [p.anchor for p in provs] == [f"article-{n}" for n in range(1, 9)] + ["article-8-1"] + \
        [f"article-{n}" for n in range(9, 13)]
    assert kinds_count(provs, "chapter") == 0 and kinds_count(provs, "item") == 6
    assert [c.anchor for c in find(provs, "article-4").children] == ["article-4-paragraph-1", "article-4-paragraph-2"]
    # an item wrapped after its half-width (二) stays one item
    assert find(provs, "article-5-item-2").text.endswith("由街道办事处或者乡镇人民政府指定的单位负责；")
    assert find(provs, "article-8-1").label == "第八条之一"
    assert [b.kind for b in blocks[:3]] == ["title", "history", "para"]
    no_loss(text, blocks)


def test_an_unnumbered_supplementary_division_is_a_heading_not_a_paragraph():
    """附　　则 on a line of its own over a rule's last articles (a rule without chapters): it was read as the
    second 款 of the article before it, so 第五条第二款 was 附则 and the page showed it as that article's text."""
    lines = ["北京市A规定", "", "第一条　为了规范管理，制定本规定。", "", "第二条　违反本规定的，依法处理。", "",
             "附　　则", "", "第三条　本规定自2026年10月1日起施行。"]
    r = Report()
    blocks, provs, _, _ = parse_rules(unwrap(lines, 0, len(lines))[0], "a.txt", r)
    assert r.errors == [] and r.warnings == []
    assert [(b.kind, b.text) for b in blocks if b.kind == "heading"] == [("heading", "附则")]
    assert find(provs, "article-2").children == []  # one 款: no paragraph provisions
    assert [p.anchor for p in provs] == ["article-1", "article-2", "article-3"]
    heading = next(b.key for b in blocks if b.kind == "heading")
    assert not [p.anchor for p in walk(provs) if heading in p.block_keys]


def test_rules_in_traditional_script(words):
    paras, convert, text = read("rules-traditional.txt")
    assert convert is not None
    r = Report()
    blocks, provs, history, title = parse_rules(paras, "rules-traditional.txt", r, convert)
    assert r.errors == [] and r.warnings == []
    assert title == "北京市公共图书馆读者服务规定"
    assert blocks[0].original == "北京市公共圖書館讀者服務規定"
    assert rule_id(title, history) == "rule/2019/gong-gong-tu-shu-guan-du-zhe-fu-wu-gui-ding"
    assert [(h.date, h.action, h.target) for h in history] == [("2019-08-26", "公布", "decree/288")]
    assert (kinds_count(provs, "chapter"), kinds_count(provs, "article"), kinds_count(provs, "item")) == (3, 8, 6)
    assert find(provs, "chapter-3").title == "读者权利与义务"
    assert find(provs, "article-7-paragraph-2").text == "读者损坏或者遗失所借文献的，应当按照借阅规则予以赔偿。"
    assert [c.anchor for c in find(provs, "article-7-paragraph-1").children] == [
        "article-7-item-1", "article-7-item-2", "article-7-item-3"]
    art = find(provs, "article-3")
    orig = next(b.original for b in blocks if b.key == art.block_keys[0])
    assert orig.startswith("第三條")
    no_loss(text, blocks)


def test_decree_in_traditional_script_with_a_repeal_decision():
    paras, convert, text = read("decree-traditional.txt")
    assert convert is not None and is_decree(paras, convert)
    r = Report()
    d = parse_decree_document(paras, "decree-traditional.txt", r, convert)
    assert r.errors == [] and r.warnings == []
    assert (d.decree.id, d.decree.signer, d.decree.effective) == ("decree/333", "殷勇", "2026-03-20")
    assert d.decree.blocks[1].original == "第333號"
    assert [(a.rule_title, a.repeal, [c.action for c in a.changes]) for a in d.amendments] == [
        ("北京市建筑工地扬尘污染防治办法", True, ["repeal"]), ("北京市散装水泥管理规定", True, ["repeal"])]
    assert [(h.date, h.action, h.target) for h in d.amendments[0].history] == [
        ("2004-09-13", "发布", "decree/153"), ("2018-02-12", "修改", "decree/277")]
    assert [p.anchor for p in d.provisions] == ["item-1", "item-2"]
    no_loss(text, d.blocks)


def test_change_wordings():
    assert classify_change("删去第八条第（三）项、第（四）项。") == (
        "delete", [{"article": 8, "item": 3}, {"article": 8, "item": 4}], "", "")
    assert classify_change("将第十一条调整为第十二条。") == ("renumber", [{"article": 11}], "第十二条", "")
    assert classify_change("在第五条后增加一条：“新的一条。”")[:2] == ("insert", [{"article": 5, "position": "after"}])
    assert classify_change("将本办法中的“市政府”修改为“市人民政府”。") == ("rewrite", [], "市人民政府", "市政府")
    assert classify_change("第五条增加一项，作为第（四）项：“（四）其他情形。”")[:3] == (
        "insert", [{"article": 5, "item": 4}], "（四）其他情形。")
    assert classify_change("对条文顺序作相应调整。")[0] == "renumber"
    assert classify_change("本决定自公布之日起施行。") is None


def test_unreadable_change_and_unclosed_quotation_are_reported():
    lines = ["北京市人民政府关于修改《北京市A办法》的决定", "一、《北京市A办法》（2010年3月1日北京市人民政府令第220号公布）",
             "1.第五条作适当调整。", "2.第六条修改为：“第六条 新的规定。", "（一）第一项；"]
    paras = unwrap(lines, 0, len(lines))[0]
    r = Report()
    blocks, provs, amendments = parse_decision(paras, "d.txt", r)
    assert any(str(w).startswith("d.txt:3: cannot read this change") for w in r.warnings)
    assert [str(e) for e in r.errors] == ["d.txt:4: a quotation opened in this change is never closed "
                                          "(expected the new wording between “ and ”)"]
    assert len(blocks) == len(paras)  # nothing dropped


def test_a_decision_amending_one_rule_numbers_its_changes_as_items():
    """The commonest form: the preamble names the one rule (决定对《…》作如下修改：) and the items 一、二、 are its
    changes. It was refused as a decision naming no rule. Words quoted in 「」 are read as in “”."""
    lines = ["北京市人民政府关于修改《北京市A规定》部分条款的决定", "",
             "市人民政府决定对《北京市A规定》作如下修改：", "",
             "一、将第三条第一款中的「公共建筑」修改为「公共建筑和城市道路」。", "",
             "二、增加一条作为第五条：“违反本规定的，由城市管理综合执法部门责令改正。”", "",
             "三、删去第三条第二款第（三）项。", "", "此外，对条文顺序作相应调整。", "", "本决定自2026年12月3日起施行。"]
    paras = unwrap(lines, 0, len(lines))[0]
    r = Report()
    blocks, provs, amendments = parse_decision(paras, "one.txt", r)
    assert r.errors == [] and r.warnings == []
    assert [(a.rule_title, a.anchor, [(c.action, c.target, c.old, c.text) for c in a.changes]) for a in amendments] == [
        ("北京市A规定", "", [("rewrite", {"article": 3, "paragraph": 1}, "公共建筑", "公共建筑和城市道路"),
                          ("insert", {"article": 5}, "", "违反本规定的，由城市管理综合执法部门责令改正。"),
                          ("delete", {"article": 3, "paragraph": 2, "item": 3}, "", "")])]
    assert [(p.kind, p.anchor, p.label) for p in walk(provs)] == [
        ("change", "change-1", "一、"), ("change", "change-2", "二、"), ("change", "change-3", "三、")]
    assert len(blocks) == len(paras)
    for preamble in ("市人民政府决定，对《北京市A规定》作出如下修改：", "市人民政府决定对《北京市A规定》的部分条款进行如下修改："):
        other = [preamble if line.startswith("市人民政府决定") else line for line in lines]
        _, _, read_too = parse_decision(unwrap(other, 0, len(other))[0], "one.txt", r2 := Report())
        assert r2.errors == [] and [(a.rule_title, len(a.changes)) for a in read_too] == [("北京市A规定", 3)], preamble
    # the usual form after such a preamble (an item naming the rule, then numbered changes) is read as before
    lines = lines[:4] + ["一、《北京市A规定》（2010年3月1日北京市人民政府令第220号公布）", "", "1.删去第五条。", "",
                         "本决定自公布之日起施行。"]
    blocks, provs, amendments = parse_decision(unwrap(lines, 0, len(lines))[0], "one.txt", r := Report())
    assert r.errors == [] and r.warnings == []
    assert [(a.anchor, [c.anchor for c in a.changes]) for a in amendments] == [("item-1", ["article-5"])]
    assert [p.anchor for p in walk(provs)] == ["item-1", "item-1-change-1"]


def test_a_decision_amending_one_rule_keeps_the_history_its_preamble_prints():
    """决定对《北京市公共停车场管理办法》（2026年4月21日北京市人民政府令第340号公布）作如下修改: the commonest form prints
    the rule's history between its title and 作. It was refused as 'a decision that names no rule it amends or
    repeals' (a reviewer's real-looking decree 345); the history is the amendment's, as an item's is."""
    paras, convert, text = read("decree-parking-345.txt")
    d = parse_decree_document(paras, "decree-parking-345.txt", r := Report(), convert)
    assert r.errors == [] and r.warnings == []
    [a] = d.amendments
    assert (a.rule_title, a.anchor) == ("北京市公共停车场管理办法", "")
    assert [(h.date, h.action, h.instrument, h.target) for h in a.history] == [
        ("2026-04-21", "公布", "北京市人民政府令第340号", "decree/340")]
    assert [(c.number, c.action, c.target, c.anchor, c.old, c.text) for c in a.changes] == [
        (1, "rewrite", {"article": 3, "paragraph": 2}, "article-3-paragraph-2", "区交通行政主管部门", "区交通行政主管部门和街道办事处"),
        (2, "insert", {"article": 5, "paragraph": 2}, "article-5-paragraph-2", "", "配建停车场应当与主体工程同步设计、同步建设、同步交付使用。"),
        (3, "delete", {"article": 6, "item": 2, "subitem": 2}, "article-6-item-2-subitem-2", "", ""),
        (4, "rewrite", {"article": 9}, "article-9", "1000元以上5000元以下", "2000元以上1万元以下"),
        (5, "delete", {"article": 11, "item": 2}, "article-11-item-2", "", "")]
    assert [p.anchor for p in walk(d.provisions)] == [f"change-{n}" for n in range(1, 6)]
    no_loss(text, d.blocks)
    # a history of several steps, an instrument titled with 《〈〉》, and 的部分条款 after it
    preamble = ("市人民政府决定对《北京市公共停车场管理办法》（2026年4月21日北京市人民政府令第340号公布，根据2026年5月12日"
                "北京市人民政府令第342号《北京市人民政府关于修改〈北京市公共停车场管理办法〉的决定》修改）的部分条款作如下修改：")
    lines = text.replace(text.split("\n")[12], preamble).split("\n")
    d = parse_decree_document(unwrap(lines, 0, len(lines))[0], "x.txt", r := Report())
    assert r.errors == [] and r.warnings == []
    [a] = d.amendments
    assert [(h.date, h.action, h.target) for h in a.history] == [("2026-04-21", "公布", "decree/340"),
                                                                  ("2026-05-12", "修改", "decree/342")]
    assert a.history[1].instrument == "北京市人民政府令第342号《北京市人民政府关于修改〈北京市公共停车场管理办法〉的决定》"
    assert len(a.changes) == 5
    # two rules in the preamble are not one rule (their items would be read as its changes)
    lines = text.replace(text.split("\n")[12], "市人民政府决定对《北京市A办法》（2026年4月21日北京市人民政府令第340号公布）、"
                                                "《北京市B规定》作如下修改：").split("\n")
    _, _, amendments = parse_decision(unwrap(lines, 10, len(lines))[0], "y.txt", r := Report())
    assert amendments == [] and [e.message for e in r.errors] == ["a decision that names no rule it amends or repeals"]


def test_an_item_may_name_its_rule_without_guillemets():
    lines = ["北京市人民政府关于修改《北京市A办法》等二项规章部分条款的决定", "",
             "市人民政府决定对下列规章的部分条款予以修改：", "",
             "一、北京市A办法（2026年6月2日北京市人民政府令第344号发布）", "", "1.删去第五条第（二）项。", "",
             "二、北京市B规定（2004年10月20日北京市人民政府令第151号发布，根据2021年12月30日北京市人民政府令第303号修改）", "",
             "1.第十五条修改为：「设置户外广告设施，应当保证安全牢固。」", "", "本决定自公布之日起施行。"]
    r = Report()
    blocks, provs, amendments = parse_decision(unwrap(lines, 0, len(lines))[0], "n.txt", r)
    assert r.errors == [] and r.warnings == []
    assert [(a.rule_title, [h.instrument for h in a.history], [(c.action, c.anchor, c.text) for c in a.changes])
            for a in amendments] == [
        ("北京市A办法", ["北京市人民政府令第344号"], [("delete", "article-5-item-2", "")]),
        ("北京市B规定", ["北京市人民政府令第151号", "北京市人民政府令第303号"],
         [("rewrite", "article-15", "设置户外广告设施，应当保证安全牢固。")])]


def test_an_item_s_one_change_on_its_own_line_is_its_own_provision():
    """三、《北京市A办法》（…发布） then 将第二十一条中的… on the next line: the change was joined to the item's header
    (the header does not end a sentence), so its anchor sat on the header and the change had no block of its own."""
    lines = ["北京市人民政府关于修改《北京市A办法》等二项规章部分条款的决定", "", "市人民政府决定对下列规章的部分条款予以修改：", "",
             "一、《北京市A办法》（2011年3月7日北京市人民政府令第230号发布）", "", "将第二十一条中的“市档案局”修改为“市档案馆”。", "",
             "二、《北京市B办法》", "", "（2011年3月7日北京市人民政府令第231号发布）", "", "1.删去第五条。", "",
             "本决定自公布之日起施行。"]
    paras = unwrap(lines, 0, len(lines))[0]
    blocks, provs, amendments = parse_decision(paras, "x.txt", r := Report())
    assert r.errors == [] and r.warnings == []
    by_key = {b.key: b.text for b in blocks}
    assert [(p.anchor, [by_key[k][:6] for k in p.block_keys]) for p in walk(provs)] == [
        ("item-1", ["一、《北京市", "将第二十一条"]), ("item-1-change-1", ["将第二十一条"]),
        ("item-2", ["二、《北京市", "（2011年", "1.删去第五"]), ("item-2-change-1", ["1.删去第五"])]
    assert [(a.rule_title, [h.instrument for h in a.history], [c.anchor for c in a.changes]) for a in amendments] == [
        ("北京市A办法", ["北京市人民政府令第230号"], ["article-21"]), ("北京市B办法", ["北京市人民政府令第231号"], ["article-5"])]


def test_a_change_replacing_several_phrases_records_each():
    """将第二十一条中的“市档案局”修改为“市档案馆”，“区县档案局”修改为“区档案馆”: the second replacement was lost from
    the data (the change recorded only the first pair)."""
    lines = ["北京市人民政府关于修改《北京市A办法》的决定", "", "一、《北京市A办法》（2011年3月7日北京市人民政府令第230号发布）", "",
             "1.将第二十一条中的“市档案局”修改为“市档案馆”，“区县档案局”修改为“区档案馆”。", "",
             "2.将第五条中的「三十日」修改为「十五日」。", "", "本决定自公布之日起施行。"]
    blocks, provs, amendments = parse_decision(unwrap(lines, 0, len(lines))[0], "p.txt", r := Report())
    assert r.errors == [] and r.warnings == []
    assert [(c.number, c.action, c.anchor, c.old, c.text) for c in amendments[0].changes] == [
        (1, "rewrite", "article-21", "市档案局", "市档案馆"), (1, "rewrite", "article-21", "区县档案局", "区档案馆"),
        (2, "rewrite", "article-5", "三十日", "十五日")]
    assert [p.anchor for p in walk(provs)] == ["item-1", "item-1-change-1", "item-1-change-2"]


def test_a_change_replacing_words_in_two_provisions_records_each_with_its_provision():
    """1.将第三条第一款中的“百分之三十”修改为“百分之三十五”，第（二）项中的“一平方米”修改为“一点五平方米”。 (a reviewer's
    real-looking decision): the second replacement, in item (二) of the same article and paragraph, was dropped
    without a word. Each is a record of change 1, the later provision read relative to the one before it."""
    from types import SimpleNamespace

    from generator.kinds.decision import KIND as DECISION

    paras, convert, text = read("decision-greening-compound.txt")
    doc, _ = DECISION.read_document(paras, "c.txt", r := Report(), SimpleNamespace(convert=None, read_attachment=None))
    assert r.errors == [] and r.warnings == []
    a1, a2 = doc.amendments
    assert [(c.number, c.action, c.target, c.anchor, c.old, c.text) for c in a1.changes] == [
        (1, "rewrite", {"article": 3, "paragraph": 1}, "article-3-paragraph-1", "百分之三十", "百分之三十五"),
        (1, "rewrite", {"article": 3, "paragraph": 1, "item": 2}, "article-3-item-2", "一平方米", "一点五平方米"),
        (2, "insert", {"article": 4, "paragraph": 2}, "article-4-paragraph-2", "", "临时占用城市绿地的期限不得超过一年。"),
        (3, "delete", {"article": 3, "item": 3}, "article-3-item-3", "", "")]
    assert [(c.number, c.anchor, c.old) for c in a2.changes] == [(1, "article-7-2", "全市停车资源平台")]
    assert [p.anchor for p in walk(doc.provisions)] == [
        "item-1", "item-1-change-1", "item-1-change-2", "item-1-change-3", "item-2", "item-2-change-1"]
    no_loss(text, doc.blocks)

    def changes(change: str):
        lines = ["北京市人民政府关于修改《北京市A办法》的决定", "", "一、《北京市A办法》（2011年3月7日北京市人民政府令第230号发布）",
                 "", "1." + change, "", "本决定自公布之日起施行。"]
        _, _, amendments = parse_decision(unwrap(lines, 0, len(lines))[0], "p.txt", r := Report())
        return [(c.anchor, c.old, c.text) for c in amendments[0].changes], [str(w) for w in r.warnings]

    # 该条 and another paragraph; a bare pair after it is in that paragraph; a provision named in full; the rule
    assert changes("将第三条中的“甲”修改为“乙”，该条第二款中的“丙”修改为“丁”、“戊”修改为“己”；第五条第二款、第三款中的“庚”"
                   "修改为“辛”，本办法中的“区县”修改为“区”。") == ([
        ("article-3", "甲", "乙"), ("article-3-paragraph-2", "丙", "丁"), ("article-3-paragraph-2", "戊", "己"),
        ("article-5-paragraph-2", "庚", "辛"), ("", "区县", "区")], [])
    # a replacement that cannot be placed, words that are not read: a warning with file and line, never silence
    assert changes("将本办法中的“甲”修改为“乙”，第（二）项中的“丙”修改为“丁”。") == ([("", "甲", "乙")], [
        "p.txt:5: cannot tell which provision this replacement is in: 第（二）项中的“丙” (expected a provision such as "
        "第五条第二款 or 第（二）项, read relative to the one named before it)"])
    assert changes("将第三条中的“甲”修改为“乙”，并删去第五条中的“丙”。") == ([("article-3", "甲", "乙")], [
        "p.txt:5: part of this change is not read: '并删去第五条中的“丙”' (expected further replacements such as "
        "，第（二）项中的“A”修改为“B”)"])


def test_decree_without_number_is_an_error():
    lines = ["北京市人民政府令", "", "《北京市A办法》已经市人民政府常务会议审议通过，现予公布，自公布之日起施行。", "",
             "市长 殷勇", "", "2026年3月1日"]
    r = Report()
    parse_decree(unwrap(lines, 0, len(lines))[0], "x.txt", r)
    assert [str(e) for e in r.errors] == [
        "x.txt:3: a government decree (北京市人民政府令) without its number (expected a line 第N号 right under "
        "北京市人民政府令)"]


def test_history_forms():
    h = parse_history("（2004年6月30日北京市第十二届人民代表大会常务委员会第十三次会议通过 根据2019年11月27日"
                      "北京市第十五届人民代表大会常务委员会第十六次会议《关于修改〈北京市A条例〉的决定》修正）")
    assert [(x.date, x.body, x.action, x.target) for x in h] == [
        ("2004-06-30", "北京市第十二届人民代表大会常务委员会第十三次会议", "通过", ""),
        ("2019-11-27", "北京市第十五届人民代表大会常务委员会第十六次会议", "修正", "title:关于修改《北京市A条例》的决定")]
    h = parse_history("（2010年3月1日市人民政府第220号令发布，根据2018年2月12日第277号令修改）")
    assert [(x.date, x.action, x.target, x.body) for x in h] == [
        ("2010-03-01", "发布", "decree/220", "市人民政府"), ("2018-02-12", "修改", "decree/277", "")]


# --------------------------------------------------------------------------
# announcements, appointments, replies, attachments


def test_announcement():
    paras, convert, text = read("announcement.txt")
    assert is_announcement(paras)
    r = Report()
    a = parse_announcement(paras, "announcement.txt", r, convert)
    assert r.errors == [] and r.warnings == []
    assert (a.id, a.key) == ("announcement/ren-min-zheng-fu/2026/1", "announcement:北京市人民政府公告2026年第1号")
    assert (a.citation, a.kind, a.year, a.number, a.date) == ("北京市人民政府公告2026年第1号", "announcement", 2026, 1,
                                                              "2026-03-16")
    assert [p.anchor for p in walk(a.provisions)] == ["part-1", "part-2", "part-3", "part-3-1", "part-3-2", "part-4"]
    assert [b.kind for b in a.blocks[-3:]] == ["note", "signature", "date"]
    no_loss(text, a.blocks)


def test_notice_tonggao_with_joint_issuers_and_a_bare_number(words):
    paras, convert, text = read("notice-tonggao.txt")
    r = Report()
    a = parse_announcement(paras, "notice-tonggao.txt", r, convert)
    assert r.errors == [] and r.warnings == []
    assert a.issuers == ["北京市公安局公安交通管理局", "北京市交通委员会"]
    assert (a.kind, a.word, a.year, a.number) == ("notice", "通告", 2026, 3)  # the year from the date
    assert a.id == "notice/gong-an-ju-gong-an-jiao-tong-guan-li-ju/2026/3"  # a 通告: a number series of its own
    assert a.key == "announcement:北京市公安局公安交通管理局通告2026年第3号"
    assert [p.anchor for p in walk(a.provisions)] == ["part-1", "part-2", "part-2-1", "part-2-2", "part-3"]
    assert a.signatories == a.issuers
    from generator.kinds.announcement import citation_en as ann_en
    assert ann_en(a, "Traffic Management Bureau", words["en"]["citation_forms"]) == \
        "Traffic Management Bureau Notice No. 3 of 2026"
    no_loss(text, a.blocks)


def test_announcement_number_in_traditional_script():
    lines = ["北京市人民政府", "公告", "（2026年第4號）", "現將有關事項公告如下：", "一、本公告自發佈之日起施行。", "特此公告。",
             "北京市人民政府", "2026年4月1日"]
    text = "\n".join(lines)
    paras = unwrap(lines, 0, len(lines))[0]
    r = Report()
    a = parse_announcement(paras, "t.txt", r, to_simplified)
    assert (a.number, a.year, a.key) == (4, 2026, "announcement:北京市人民政府公告2026年第4号")
    assert a.blocks[2].original == "（2026年第4號）"
    no_loss(text, a.blocks)


def test_a_footnote_under_the_closing_date_is_a_footnote_not_the_end_of_the_text():
    """A footnote printed under an announcement's date (¹ 2007年…发布。) made it an announcement without its
    closing date: an error, the document refused (a reviewer's real-looking announcement). A rule's date was
    read as its text so too."""
    lines = ["北京市人民政府", "公告", "（2026年第4号）", "根据《北京市道路交通管理规定》¹，现将有关事项公告如下：",
             "一、本公告自发布之日起施行。", "特此公告。", "北京市人民政府", "2026年4月1日",
             "¹ 2007年12月21日北京市人民政府令第202号发布。"]
    paras = unwrap(lines, 0, len(lines))[0]
    r = Report()
    a = parse_announcement(paras, "t.txt", r)
    assert r.errors == [] and (a.date, a.signatories) == ("2026-04-01", ["北京市人民政府"])
    assert [(b.kind, b.text[:4]) for b in a.blocks[-4:]] == [("note", "特此公告"), ("signature", "北京市人"),
                                                             ("date", "2026"), ("footnote", "¹ 20")]
    no_loss("\n".join(lines), a.blocks)
    lines = ["北京市街巷环境卫生责任区管理规定", "第一条 为了加强管理，制定本规定。¹", "第二条 本规定自公布之日起施行。",
             "北京市人民政府", "2008年5月1日", "¹ 本条经2018年修改。"]
    r = Report()
    blocks, _, _, _ = parse_rules(unwrap(lines, 0, len(lines))[0], "r.txt", r)
    assert [b.kind for b in blocks[-3:]] == ["signature", "date", "footnote"]
    no_loss("\n".join(lines), blocks)


def _circular(name: str):
    paras, convert, text = read(name)
    r = Report()
    att = split_attachments(paras, name, r, convert)
    doc, rest = parse_circular(att.main, name, r, convert=convert)
    assert rest == []
    return doc, att, r, text


def test_appointments():
    doc, att, r, text = _circular("appointment.txt")
    provs, entries = parse_appointments(doc.blocks, "appointment.txt", r)
    assert r.errors == [] and r.warnings == []
    assert [label_en(p, yaml.safe_load((ROOT / "themes/default/i18n/en.yaml").read_text("utf-8"))["provisions"])
            for p in provs][:2] == ["1.", "2."]
    assert doc.id == "doc:京政任〔2026〕3号"
    assert [(e.action, e.persons, e.position, e.note, e.anchor) for e in entries] == [
        ("appoint", ["王建国"], "北京市体育局局长", "", "appoint-1"),
        ("appoint", ["李晓梅", "陈志远"], "北京市体育局副局长", "试用期一年", "appoint-2"),
        ("appoint", ["欧阳明"], "北京市文化和旅游局副局长", "", "appoint-3"),
        ("remove", ["赵永平"], "北京市体育局局长", "", "remove-1"),
        ("remove", ["孙立新"], "北京市文化和旅游局副局长", "", "remove-2")]
    assert [p.anchor for p in provs] == [e.anchor for e in entries]
    assert provs[0].block_keys == provs[1].block_keys  # two decisions in one paragraph
    no_loss(text, doc.blocks)


def test_appointment_list_with_section_headings():
    blocks = _blocks(["任命：", "张三为北京市A局局长；", "李四、王五为北京市B委员会副主任。", "免去：", "赵六的北京市C局副局长职务。"])
    provs, entries = parse_appointments(blocks)
    assert [(e.action, e.persons, e.position) for e in entries] == [
        ("appoint", ["张三"], "北京市A局局长"), ("appoint", ["李四", "王五"], "北京市B委员会副主任"),
        ("remove", ["赵六"], "北京市C局副局长")]


def test_a_removal_with_a_note_after_it_is_read():
    """免去…职务（另有任用） and 免去…职务，退休 were warned about and left out of the notice's data (a reviewer's
    real-looking notice): a note after the decision is its note, as on an appointment."""
    blocks = _blocks(["任命王芳为北京市人民政府副秘书长（挂职，时间一年）。",
                      "免去陈国强的北京市交通委员会副主任职务（另有任用）；免去马建华北京市民政局副局长职务，退休。"])
    r = Report()
    provs, entries = parse_appointments(blocks, "t.txt", r)
    assert r.warnings == []
    assert [(e.action, e.persons, e.position, e.note) for e in entries] == [
        ("appoint", ["王芳"], "北京市人民政府副秘书长", "挂职，时间一年"),
        ("remove", ["陈国强"], "北京市交通委员会副主任", "另有任用"),
        ("remove", ["马建华"], "北京市民政局副局长", "退休")]
    assert entries[2].text == "免去马建华北京市民政局副局长职务，退休"  # the clause as printed
    # a second removal after a comma, under the same 免去, is a removal, not a note (the review of this change)
    r = Report()
    provs, entries = parse_appointments(_blocks(["免去张三的市交通委主任职务，王五的市财政局局长职务。"]), "t.txt", r)
    assert r.warnings == []
    assert [(e.action, e.persons, e.position, e.note) for e in entries] == [
        ("remove", ["张三"], "市交通委主任", ""), ("remove", ["王五"], "市财政局局长", "")]


def test_addressees_parted_by_the_list_mark_are_each_a_body():
    """A reply to 平谷区人民政府、市商务局 had one addressee, the two names as one string (a reviewer's real-looking
    reply); 市政府各委、办、局 is one addressee, the kinds of one body listed."""
    lines = ["北京市人民政府关于同意设立北京平谷农业中关村综合保税区的批复", "京政字〔2026〕33号", "平谷区人民政府、市商务局：",
             "你们的请示收悉。经研究，现批复如下：同意设立。", "北京市人民政府", "2026年6月15日"]
    doc, _ = parse_circular(unwrap(lines, 0, len(lines))[0], "r.txt", Report())
    assert doc.addressees == ["平谷区人民政府", "市商务局"]
    lines[2] = "各区人民政府，市政府各委、办、局，各市属机构："
    doc, _ = parse_circular(unwrap(lines, 0, len(lines))[0], "r.txt", Report())
    assert doc.addressees == ["各区人民政府", "市政府各委、办、局", "各市属机构"]


def test_an_attachment_titled_under_its_label_keeps_its_title_and_not_the_footer():
    """A circular's 附件 on a line of its own, then the plan's title wrapped onto two lines: the attachment was
    titled 附件, its title was two paragraphs of its text, and the 版记 after it (抄送, …印发) was part of its
    text in the data (a reviewer's real-looking circular)."""
    from types import SimpleNamespace

    from generator.kinds.circular import CircularKind
    from generator.kinds.structure import walk as walk_provisions

    lines = ["北京市人民政府办公厅关于印发《北京市加快推进电动自行车集中充电设施建设三年行动方案（2026—2028年）》的通知",
             "", "京政办发〔2026〕18号", "", "各区人民政府，市政府各委、办、局，各市属机构：", "",
             "经市政府同意，现将《北京市加快推进电动自行车集中充电设施建设三年行动方案（2026—2028年）》印发给你们，请认真贯彻落实。",
             "", "北京市人民政府办公厅", "", "2026年6月12日", "", "（此件公开发布）", "", "附件", "",
             "北京市加快推进电动自行车集中充电设施建设", "三年行动方案（2026—2028年）", "",
             "为有效防范化解电动自行车火灾风险，制定本方案。", "", "一、总体目标", "",
             "到2028年底，全市新建电动自行车集中充电端口30万个。", "",
             "抄送：市委各部门，市人大常委会办公厅，市政协办公厅。", "", "北京市人民政府办公厅　　　　　2026年6月13日印发"]
    r = Report()
    ctx = SimpleNamespace(convert=None, read_attachment=None)
    doc, _ = CircularKind().read_document(unwrap(lines, 0, len(lines))[0], "c.txt", r, ctx)
    assert r.errors == []
    annex = next(p for p in doc.provisions if p.kind == "attachment")
    title = "北京市加快推进电动自行车集中充电设施建设三年行动方案（2026—2028年）"
    assert (annex.label, annex.title) == ("附件", title)
    kinds = {b.key: b.kind for b in doc.blocks}
    assert [kinds[k] for k in annex.block_keys] == ["annex-label", "title", "para", "heading", "para"]
    assert "footer" not in {kinds[k] for p in walk_provisions([annex]) for k in p.block_keys}
    assert doc.meta["cc"] == ["市委各部门", "市人大常委会办公厅", "市政协办公厅"]
    no_loss("\n".join(lines), doc.blocks)


def test_a_repeal_decision_listing_its_rules_in_an_annex_table_is_read():
    """对《…》等5部规章予以废止（目录附后）, the rules in a table of the annex: refused as 'a decision that names no
    rule it amends or repeals' (a reviewer's real-looking decision, the gazette's usual form for a clean-up)."""
    from types import SimpleNamespace

    from generator.kinds.decision import KIND as DECISION

    lines = ["北京市人民政府关于废止《北京市散装水泥管理规定》等2部规章的决定", "", "京政发〔2026〕15号", "",
             "各区人民政府，市政府各委、办、局，各市属机构：", "", "经清理，市人民政府决定：", "",
             "对《北京市散装水泥管理规定》（2001年4月2日北京市人民政府令第75号发布）等2部规章予以废止（目录附后）。", "",
             "本决定自公布之日起施行。", "", "附件：决定废止的规章目录", "", "北京市人民政府", "", "2026年5月8日", "",
             "附件", "", "决定废止的规章目录", "", "序号\t规章名称\t发布日期及文号",
             "1\t北京市散装水泥管理规定\t2001年4月2日北京市人民政府令第75号",
             "2\t北京市禁止露天烧烤食品的规定\t2000年5月12日北京市人民政府令第58号"]
    r = Report()
    doc, _ = DECISION.read_document(unwrap(lines, 0, len(lines))[0], "d.txt", r,
                                    SimpleNamespace(convert=None, read_attachment=None))
    assert r.errors == [], r.errors
    assert [(a.rule_title, a.repeal, [c.action for c in a.changes]) for a in doc.amendments] == [
        ("北京市散装水泥管理规定", True, ["repeal"]), ("北京市禁止露天烧烤食品的规定", True, ["repeal"])]
    h = doc.amendments[1].history[0]
    assert (h.date, h.action, h.instrument, h.text) == ("2000-05-12", "发布", "北京市人民政府令第58号",
                                                        "2000年5月12日北京市人民政府令第58号")
    # a name in 《》 or ending （试行）, a decree cell with its own verbs, a row without a name, a count that differs
    # from the title's: the review of this change found such rows dropped without a word
    lines[0] = lines[0].replace("等2部", "等4部")
    lines[-2:] = ["1\t《北京市散装水泥管理规定》\t2001年4月2日北京市人民政府令第75号",
                  "2\t关于加强XX管理的若干规定（试行）\t2000年5月12日北京市人民政府令第58号发布，根据2010年11月27日北京市人民"
                  "政府令第226号修改", "3\t\t2000年5月12日北京市人民政府令第59号"]
    r = Report()
    doc, _ = DECISION.read_document(unwrap(lines, 0, len(lines))[0], "d.txt", r,
                                    SimpleNamespace(convert=None, read_attachment=None))
    assert [a.rule_title for a in doc.amendments] == ["北京市散装水泥管理规定", "关于加强XX管理的若干规定（试行）"]
    assert [h.text for h in doc.amendments[1].history] == ["2000年5月12日北京市人民政府令第58号发布",
                                                           "根据2010年11月27日北京市人民政府令第226号修改"]
    assert [str(w) for w in r.warnings] == [
        f"d.txt:{len(lines)}: row 3 of the annex's list names no rule (expected 序号, the rule's title, its decree)",
        "d.txt:1: the title names 4 rules, the annex's list 2 (expected as many rows in the list as the title counts)"]


def _read_source(name: str, text: str | None = None):
    """A test text read as the build reads a source (sources.parse_source: the kind's reader, then the no-loss
    check): (its first document, the report's errors and warnings as text, the text)."""
    from generator.model import Source
    from generator.sources import detect_kind, parse_source

    text = text if text is not None else (KINDS / name).read_text("utf-8")
    res = parse_source(Source(path=name, kind=detect_kind(text), text=text), {})
    return res["payload"].documents[0][0], [str(e) for e in res["errors"]], [str(w) for w in res["warnings"]], text


def _table(doc, n: int = 0):
    """The rows of the document's ``n``-th table."""
    return [b for b in doc.blocks if b.kind == "table"][n].rows


def _row_lines(doc, n: int = 0):
    """The line each row of the document's ``n``-th table starts on."""
    return [b for b in doc.blocks if b.kind == "table"][n].row_lines


def test_a_table_cell_printed_over_two_lines_stays_in_its_row_and_column():
    """A cell too long for its column runs over two lines, the text giving each line with its tabs: each line
    was a row of its own, so a repealed rule was 北京市实施《中华人民共和国 with no history, and a project list's
    3 rows were 8 with cells in the wrong columns (政府 | 2026年12月 under 序号 and 项目名称), without a word (the
    reviewer's real-looking decision and circular). The lines of a row are one row again, every character kept."""
    doc, errors, warnings, text = _read_source("decision-repeal-table.txt")
    assert errors == [] and warnings == []
    rows = _table(doc)
    assert rows == [["序号", "规章名称", "公布日期及文号"],
                    ["1", "北京市停车场管理暂行办法", "2003年4月30日北京市人民政府令第130号"],
                    ["2", "北京市城市道路挖掘管理办法", "2008年11月20日北京市人民政府令第205号"],
                    ["3", "北京市实施《中华人民共和国水土保持法》办法", "1994年6月5日北京市人民政府令第18号"],
                    ["4", "北京市外地来京务工经商人员管理规定", "1995年7月15日北京市人民政府令第12号"],
                    ["5", "北京市生产经营单位安全生产主体责任规定", "2007年10月15日北京市人民政府令第198号"]]
    a = doc.amendments[2]
    assert (a.number, a.rule_title, a.repeal) == (3, "北京市实施《中华人民共和国水土保持法》办法", True)
    # each row on the line it starts on: the rows after the one printed over two lines were a line early
    assert _row_lines(doc) == [23, 24, 25, 26, 28, 29]
    assert [(a.number, a.line, a.changes[0].line) for a in doc.amendments] == [
        (1, 24, 24), (2, 25, 25), (3, 26, 26), (4, 28, 28), (5, 29, 29)]
    assert [(h.date, h.action, h.instrument, h.text) for h in a.history] == [
        ("1994-06-05", "公布", "北京市人民政府令第18号", "1994年6月5日北京市人民政府令第18号")]
    assert a.changes[0].source == "3\t北京市实施《中华人民共和国水土保持法》办法\t1994年6月5日北京市人民政府令第18号"
    no_loss(text, doc.blocks)

    doc, errors, warnings, text = _read_source("circular-project-table.txt")
    assert errors == [] and warnings == []
    rows = _table(doc)
    assert rows == [["序号", "项目名称", "所在区", "责任单位", "完成时限"],
                    ["1", "西城区真武庙五里3号院老旧小区改造", "西城区", "西城区人民政府", "2026年12月"],
                    ["2", "朝阳区劲松北社区综合整治", "朝阳区", "朝阳区人民政府、市住房城乡建设委", "2026年10月"],
                    ["3", "首钢园区北区工业遗存更新", "石景山区", "首钢集团", "2027年6月"]]
    assert _row_lines(doc) == [44, 45, 48, 51]
    no_loss(text, doc.blocks)


def test_a_cell_s_line_without_a_tab_between_two_rows_goes_on_the_row_above():
    """A line without a tab between two lines of a table is the rest of the row above's cell, cut where the
    column ended (…令 / 第130号); a numbered line there (（一）…) is a heading of its own, not a cell's words."""
    text = (KINDS / "decision-repeal-table.txt").read_text("utf-8").replace(
        "人民政府令第130号", "人民政府令\n第130号").replace("\n4\t", "\n（一）已由新规章代替的\n4\t")
    doc, errors, warnings, _ = _read_source("d.txt", text)
    assert errors == [] and warnings == []
    rows = [r for b in doc.blocks if b.kind == "table" for r in b.rows]
    assert rows[1] == ["1", "北京市停车场管理暂行办法", "2003年4月30日北京市人民政府令第130号"]
    assert rows[3][1] == "北京市实施《中华人民共和国水土保持法》办法" and rows[4][0] == "4"
    assert "（一）已由新规章代替的" in [b.text for b in doc.blocks if b.kind != "table"]
    assert [h.instrument for h in doc.amendments[0].history] == ["北京市人民政府令第130号"]
    no_loss(text, doc.blocks)


def test_a_row_whose_cells_cannot_be_those_of_the_heading_row_is_a_warning():
    """A row that cannot be given the heading row's number of cells is kept as printed, nothing joined on a
    guess, and a warning names its line and what was expected: row 4 of the repeal list without its decree (the
    wrapped row 5 after it is still joined: it starts with the next number), and a project row with a cell too
    many."""
    text = (KINDS / "decision-repeal-table.txt").read_text("utf-8").replace(
        "\t1995年7月15日北京市人民政府令第12号", "").replace("5\t北京市生产经营单位", "5\t北京市生产经营单位\n")
    doc, errors, warnings, _ = _read_source("d.txt", text)
    assert errors == []
    assert warnings == ["d.txt:28: a row of the table has 2 cells, its heading row (line 23) 3: it is kept as printed, "
                        "its cells may be out of their columns (expected 3 cells separated by tabs, a cell that runs "
                        "over two lines continued at the start of the next line)"]
    assert [(a.number, a.rule_title, len(a.history)) for a in doc.amendments[3:]] == [
        (4, "北京市外地来京务工经商人员管理规定", 0), (5, "北京市生产经营单位安全生产主体责任规定", 1)]
    no_loss(text, doc.blocks)

    text = (KINDS / "circular-project-table.txt").read_text("utf-8").replace("政府\t2026年12月", "政府\t2026年12月\t已开工")
    doc, errors, warnings, _ = _read_source("c.txt", text)
    assert errors == []
    assert [w.split(": it is kept")[0] for w in warnings] == [
        "c.txt:45: a row of the table has 4 cells, its heading row (line 44) 5",
        "c.txt:47: a row of the table has 3 cells, its heading row (line 44) 5"]
    rows = _table(doc)
    assert rows[1:3] == [["1", "西城区真武庙五里3号院老旧小区改造", "西城区", "西城区人民"], ["政府", "2026年12月", "已开工"]]
    assert rows[3] == ["2", "朝阳区劲松北社区综合整治", "朝阳区", "朝阳区人民政府、市住房城乡建设委", "2026年10月"]
    no_loss(text, doc.blocks)


def test_reply_names_the_request_it_answers():
    doc, att, r, text = _circular("reply.txt")
    rp = parse_reply(doc.blocks, "reply.txt", r)
    assert r.errors == [] and r.warnings == []
    assert doc.title.endswith("的批复") and doc.addressees == ["市园林绿化局"]
    assert (rp.request_title, rp.request_number, rp.request_target) == (
        "关于设立北京怀沙河水生野生动物自然保护区的请示", "京绿字〔2026〕8号", "doc:京绿字〔2026〕8号")
    assert rp.citation.text == "《关于设立北京怀沙河水生野生动物自然保护区的请示》（京绿字[2026]8号）"
    assert [p.anchor for p in walk(rp.provisions)] == ["part-1", "part-2", "part-2-1", "part-2-2", "part-3"]
    no_loss(text, doc.blocks)


def test_reply_without_request_is_an_error():
    r = Report()
    parse_reply(_blocks(["经研究，同意你局意见。"]), "r.txt", r)
    assert [str(e) for e in r.errors] == ["r.txt:1: a reply (批复) that does not name the request it answers "
                                          "(expected 你委《关于…的请示》（…〔2026〕N号）收悉 in its first paragraph)"]


def test_circular_with_two_attachments(words):
    doc, att, r, text = _circular("circular-with-attachments.txt")
    assert r.errors == [] and r.warnings == []
    assert att.listing == [(1, "北京市2026年老旧小区综合整治工作方案", 11), (2, "北京市老旧小区综合整治项目验收办法", 12)]
    assert [(p.number, p.title) for p in att.parts] == [(1, "北京市2026年老旧小区综合整治工作方案"),
                                                       (2, "北京市老旧小区综合整治项目验收办法")]
    keys = Keys(len(doc.blocks))
    blocks, provs = list(doc.blocks), parse_provisions(doc.blocks, "c.txt", r)
    assert provs == []  # the listing 附件：1.… 2.… is not a numbered heading
    for part in att.parts:
        b, p = attachment_part(part, keys, "c.txt", r)
        blocks += b
        provs.append(p)
    assert r.warnings == []
    anchors = unique_anchors(provs)
    assert {"annex-1", "annex-1-part-2-1-2", "annex-1-part-3", "annex-2", "annex-2-article-2-item-2"} <= anchors
    assert label_en(find(provs, "annex-2"), words["en"]["provisions"]) == "Annex 2"
    assert find(provs, "annex-1").label == "附件1"
    assert len({b.key for b in blocks}) == len(blocks)
    no_loss(text, blocks)


def test_attachment_listed_but_not_printed_is_a_warning():
    lines = ["附件：1.甲方案", "2.乙名单", "北京市人民政府", "2026年3月1日", "附件1", "甲方案", "一、目标"]
    r = Report()
    att = split_attachments(unwrap(lines, 0, len(lines))[0], "a.txt", r)
    assert [p.number for p in att.parts] == [1]
    assert [str(w) for w in r.warnings] == ["a.txt:1: 2 attachments listed, 1 printed (expected each listed "
                                            "attachment printed after the signature, starting 附件N)"]


# --------------------------------------------------------------------------
# the seeds: every document of the old kinds gets provisions


def test_seed_documents_get_stable_unique_anchors(corpus):
    expected = {  # top-level provisions of each seed document
        "doc:京政发〔2026〕1号": ["part-1", "part-2", "part-3", "annex-1"],
        "doc:京政办发〔2026〕4号": ["annex-1"],
        "doc:京商函字〔2026〕125号": ["annex-1"],
        "doc:京商电商字〔2026〕6号": ["part-1", "part-2", "part-3", "part-4", "part-5"],
    }
    for did, tops in expected.items():
        r = Report()
        provs = document_provisions(corpus.documents[did].blocks, did, r)
        assert [p.anchor for p in provs] == tops, did
        assert r.warnings == [], did
        unique_anchors(provs)
    # the task list: 308 numbered tasks under 10 sections of the issued list
    tl = document_provisions(corpus.documents["doc:京政发〔2026〕1号"].blocks)[-1]
    assert sum(1 for p in tl.walk() if p.kind == "heading" and p.level == 3) == 308
    assert find([tl], "annex-1-part-1-4-20").text.startswith("促进通勤圈一体发展")
    # the rules attached to 京商函字〔2026〕125号: 6 chapters, 23 articles, article 11's list in its 2nd paragraph
    rules = document_provisions(corpus.documents["doc:京商函字〔2026〕125号"].blocks)[-1]
    assert sum(1 for p in rules.walk() if p.kind == "chapter") == 6
    assert sum(1 for p in rules.walk() if p.kind == "article") == 23
    assert find([rules], "annex-1-article-11-paragraph-2-subitem-4") is not None
    # group headings (——支持条件：) scope the lists that restart under them
    provs = document_provisions(corpus.documents["doc:京商消一字〔2026〕5号"].blocks)
    assert find(provs, "part-1-2-group-2-4-5").label in ("(5)", "（5）")
    assert find(provs, "part-1-1").label == "方向1."


# --------------------------------------------------------------------------
# a whole gazette issue in the seed's layout


TOC_END = re.compile(r"[（(]([^()（）]+)[）)]\s*[（(](\d+)[）)]\s*$")


def _gazette():
    """Split tests/data/kinds/gazette-2026-14.txt the way the gazette reader is to: its table of contents
    names each document by what it prints in parentheses (a document number, 北京市人民政府令第N号, or an
    announcement's 2026年第N号)."""
    text = (KINDS / "gazette-2026-14.txt").read_text("utf-8")
    lines = text.split("\n")
    toc = next(i for i, l in enumerate(lines) if l.strip() == "目 录")
    en = next(i for i, l in enumerate(lines) if l.startswith("GAZETTE OF") and i > toc)
    note = next(i for i, l in enumerate(lines) if l.startswith("(The Table of Contents"))
    entries, buf, category = [], [], ""
    for i in range(toc + 1, en):
        s = lines[i].strip()
        if not s:
            continue
        if s.startswith("【"):
            category = s.strip("【】")
            continue
        m = TOC_END.search(s)
        buf.append(s[:m.start()] if m else s)
        if m:
            title = compact("".join(buf))
            entries.append({"category": category, "title": title, "number": m.group(1), "page": int(m.group(2)),
                            "target": toc_target(m.group(1), title)})
            buf = []
    body = note + 2
    paras, artefacts = unwrap(lines, body, len(lines), drop={HEADER: "running header"})
    texts = [compact(p.text) for p in paras]
    back = texts.index("政府公报查询方式")
    starts = []
    for e in entries:
        t = e["target"]
        if t.startswith("decree/"):
            k = next(k for k, x in enumerate(texts) if x == "北京市人民政府令" and texts[k + 1] == f"第{t[7:]}号")
        else:
            num = "2026年第2号" if t.startswith("announcement:") else t[4:]
            n = next(k for k, x in enumerate(texts) if x == num)
            k = n - 1
            while compact("".join(texts[k:n])) != e["title"]:
                k -= 1
        starts.append(k)
    docs = [paras[s:e] for s, e in zip(starts, starts[1:] + [back])]
    en_entries = [l.strip() for l in lines[en:note] if re.search(r"\)\s*\(\d+\)\s*$", l)]
    return text, lines, body, entries, en_entries, docs, paras[back:], artefacts


def test_gazette_issue_with_decrees_announcement_and_circulars():
    text, lines, body, entries, en_entries, docs, back, artefacts = _gazette()
    assert [(e["category"], e["target"], e["page"]) for e in entries] == [
        ("市政府规章", "decree/334", 3), ("市政府规章", "decree/335", 6),
        ("市政府文件", "announcement:北京市人民政府公告2026年第2号", 11), ("市政府文件", "doc:京政发〔2026〕6号", 13),
        ("市政府办公厅文件", "doc:京政办发〔2026〕11号", 16)]
    assert en_entries == ["(Decree No. 334) (3)", "(Decree No. 335) (6)", "(No. 2 of 2026) (11)",
                          "(Jingzhengfa[2026]No. 6) (13)", "(Jingzhengbanfa〔2026〕No. 11) (16)"]
    assert [a.line for a in artefacts] == [121, 146, 167]  # three running headers, one inside a paragraph
    path = "gazette-2026-14.txt"
    r = Report()
    all_blocks: list[Block] = []
    # 1. decree 334 and its amendment decision
    d = parse_decree_document(docs[0], path, r)
    assert compact(d.title) == entries[0]["title"]
    assert (d.decree.id, d.decree.effective) == ("decree/334", "2026-06-01")
    a1, a2 = d.amendments
    assert [(c.action, c.anchor) for c in a1.changes] == [("delete", "article-6-paragraph-2"), ("rewrite", "article-9"),
                                                         ("rewrite", "article-15")]
    assert a1.changes[1].text.count("\n") == 2 and (a1.changes[2].old, a1.changes[2].text) == ("二百元以下",
                                                                                             "五十元以上二百元以下")
    assert [(h.action, h.target) for h in a2.history] == [("发布", "decree/239"), ("修改", "decree/298")]
    assert [(c.action, c.anchor, c.text) for c in a2.changes] == [
        ("delete", "article-11-item-4", ""),
        ("insert", "article-20-1", "第二十条之一公园管理机构可以根据游客承载量实行预约游览。")]
    all_blocks += d.blocks
    # 2. decree 335 and the rules it promulgates
    d = parse_decree_document(docs[1], path, r)
    assert (d.decree.id, d.title, d.decree.effective) == ("decree/335", "北京市电动自行车停放充电安全管理办法", "2026-07-01")
    assert [p.anchor for p in d.provisions] == [f"article-{n}" for n in range(1, 8)]
    assert find(d.provisions, "article-1").text.endswith("根据有关法律、法规，结合本市实际，制定本办法。")
    assert [c.anchor for c in find(d.provisions, "article-4").children] == ["article-4-item-1", "article-4-item-2",
                                                                          "article-4-item-3"]
    assert find(d.provisions, "article-6").text.endswith("处警告或者五百元以下罚款。")  # across a running header
    all_blocks += d.blocks
    # 3. the announcement
    a = parse_announcement(docs[2], path, r)
    assert (a.key, a.id) == (entries[2]["target"], "announcement/ren-min-zheng-fu/2026/2")
    assert [p.anchor for p in walk(a.provisions)] == ["part-1", "part-2", "part-2-1", "part-2-2", "part-3"]
    all_blocks += a.blocks
    # 4. a circular with one unnumbered attachment
    att = split_attachments(docs[3], path, r)
    doc, rest = parse_circular(att.main, path, r)
    assert doc.id == entries[3]["target"] and rest == []
    assert [(p.number, p.title) for p in att.parts] == [(0, "第六批北京市非物质文化遗产代表性项目名录")]
    blocks, annex = attachment_part(att.parts[0], Keys(len(doc.blocks)), path, r)
    assert annex.anchor == "annex-1" and [c.anchor for c in annex.children] == ["annex-1-part-1", "annex-1-part-2",
                                                                              "annex-1-part-3"]
    all_blocks += doc.blocks + blocks
    # 5. a circular issuing a plan (no 附件 label: the existing reader's attachment)
    doc, rest = parse_circular(docs[4], path, r)
    attachment_blocks(doc, rest, path=path, report=r)
    provs = document_provisions(doc.blocks, path, r)
    assert [p.anchor for p in walk(provs)] == ["annex-1", "annex-1-part-1", "annex-1-part-1-1", "annex-1-part-1-1-1",
                                              "annex-1-part-1-1-2", "annex-1-part-1-2", "annex-1-part-2"]
    all_blocks += doc.blocks
    assert r.errors == [] and r.warnings == []
    # no character lost: cover and contents, the documents' blocks, the back matter
    front = "\n".join(lines[:body])
    no_loss(text, all_blocks, also=front + "".join(p.text for p in back), skip={a.line for a in artefacts})


def test_a_circular_s_second_attachment_has_its_label_and_title():
    """附件1 / its title / its table, then 附件2 / its title / its table: only the first label and title were
    read as such; the second attachment had no title (a bare 附件2 in the contents and the data) and its label and
    title were printed as paragraphs."""
    lines = ["北京市人民政府办公厅关于做好冬季清洁供暖工作的通知", "京政办发〔2026〕27号", "各区人民政府：",
             "一、各区要落实属地责任。", "二、具体任务见附件1和附件2。",
             "附件：1.冬季清洁供暖重点任务分工表", "2.各区煤改清洁能源任务表", "北京市人民政府办公厅", "2026年9月8日",
             "附件1", "冬季清洁供暖重点任务分工表", "序号\t任务\t牵头单位", "1\t完成供热管网改造\t市城市管理委",
             "附件2", "各区煤改清洁能源任务表", "区\t户数（户）", "门头沟区\t3860"]
    paras = unwrap(lines, 0, len(lines))[0]
    r = Report()
    doc, rest = parse_circular(paras, "c.txt", r)
    attachment_blocks(doc, rest, path="c.txt", report=r)
    provs = document_provisions(doc.blocks, "c.txt", r)
    assert r.errors == [] and r.warnings == []
    annexes = [(p.anchor, p.label, p.title) for p in provs if p.kind == "attachment"]
    assert annexes == [("annex-1", "附件1", "冬季清洁供暖重点任务分工表"), ("annex-2", "附件2", "各区煤改清洁能源任务表")]
    assert [(b.kind, b.text) for b in doc.blocks if b.kind in ("annex-label", "title") and b.level == 2] == [
        ("annex-label", "附件1"), ("title", "冬季清洁供暖重点任务分工表"),
        ("annex-label", "附件2"), ("title", "各区煤改清洁能源任务表")]
    no_loss("\n".join(lines), doc.blocks)


def test_joiner_keeps_the_new_kinds_lines_apart():
    """Lines the PDF joiner must not append to a full-width line before them: an announcement's or a
    decree's number, a Traditional article, an attachment label (and the title under it), a signature."""
    full = "关于二〇二六年清明节期间部分道路采取临时交通管理措施的通告"  # a full-width line, no stop
    cases = [[full, "第3号"], [full, "（2026年第1號）"], ["第一條　為了保障讀者利用公共圖書館的權利，提高服務質量的", "第二條　本規定適用於本市。"],
             ["附件：第六批北京市非物质文化遗产代表性项目名录", "北京市人民政府"],
             [full, "附件2"]]
    for lines in cases:
        paras, _ = unwrap(lines, 0, len(lines))
        assert len(paras) == 2, lines
    paras, _ = unwrap(["附件1", "北京市2026年老旧小区综合整治工作方案的实施范围和具体要求说明", "为持续改善居民居住条件，制定本方案。"], 0, 3)
    assert [p.text[:4] for p in paras] == ["附件1", "北京市2", "为持续改"]
    # a list of units that wraps before a name is still one paragraph
    paras, _ = unwrap(["1.完善首都规划体系。", "主责单位：市发展改革委，市财政局，市规划自然资源委，市住房城乡建设委，",
                       "北京市税务局"], 0, 3)
    assert len(paras) == 2
    # the first line of a text is its title: it does not run on into the line under it
    paras, _ = unwrap(["北京市人民政府关于修改和废止部分规章的决定", "", "为了维护法制统一，市人民政府决定作如下处理："], 0, 3)
    assert len(paras) == 2


def test_decision_that_amends_and_repeals():
    lines = ["北京市人民政府关于修改和废止部分规章的决定", "",
             "为了维护法制统一，市人民政府决定对下列规章作如下处理：", "",
             "一、对下列规章的部分条款作出修改", "",
             "（一）《北京市A办法》（2010年3月1日北京市人民政府令第220号公布）", "", "1.删去第五条。", "",
             "2.将第七条中的“三十日”修改为“十五日”。", "",
             "（二）将《北京市B规定》（2012年5月4日北京市人民政府令第240号发布）第三条第二款修改为：“第三条第二款内容。”", "",
             "二、废止下列规章", "",
             "（一）北京市C办法（2001年4月2日北京市人民政府令第75号发布）", "",
             "（二）《北京市D规定》（2003年6月9日北京市人民政府令第130号发布）", "",
             "本决定自公布之日起施行。"]
    paras = unwrap(lines, 0, len(lines))[0]
    r = Report()
    blocks, provs, amendments = parse_decision(paras, "m.txt", r)
    assert r.errors == [] and r.warnings == []
    assert [(a.rule_title, a.repeal, [(c.action, c.anchor) for c in a.changes]) for a in amendments] == [
        ("北京市A办法", False, [("delete", "article-5"), ("rewrite", "article-7")]),
        ("北京市B规定", False, [("rewrite", "article-3-paragraph-2")]),
        ("北京市C办法", True, [("repeal", "")]),
        ("北京市D规定", True, [("repeal", "")])]
    assert [p.anchor for p in walk(provs)] == ["part-1", "part-1-item-1", "part-1-item-1-change-1",
                                              "part-1-item-1-change-2", "part-1-item-2", "part-1-item-2-change-1",
                                              "part-2", "part-2-item-1", "part-2-item-2"]
    assert [(h.date, h.target) for h in amendments[2].history] == [("2001-04-02", "decree/75")]
    assert len(blocks) == len(paras)


def test_a_group_headings_label_in_a_translation_is_never_its_chinese_or_a_whole_sentence():
    """A group heading (——支持条件：…) is labelled in a translation by the words before the colon. A translation
    without a colon gave the whole sentence as the label, and one whose words before the colon ran over 80
    characters gave the Chinese in label_en (a review): the first clause is taken, and a long one is cut at a
    word."""
    from types import SimpleNamespace

    from generator.kinds.base import group_title

    def label(english):
        block = SimpleNamespace(key="p1")
        doc = SimpleNamespace(id="doc:x", blocks=[block])
        p = SimpleNamespace(block_keys=["p1"], title="支持条件")
        v = SimpleNamespace(authoritative="zh", ui={"en": {"ellipsis": "…"}},
                            block=lambda b, key, lang: {"status": "ok", "lang": "en", "text": english})
        return group_title(v, doc, p, "en")

    assert label("— Conditions for support: the following") == "Conditions for support"
    assert label("— Conditions for support, as follows") == "Conditions for support"
    long = "— " + "Conditions for the support of internationally friendly business districts and venues in Beijing"
    got = label(long + ": x")
    assert got.endswith("…") and len(got) <= 61 and "支持" not in got and " " in got
    assert label("— 2.5 million yuan at most") == "2.5 million yuan at most"  # a full stop inside a figure


def _wrapped(paragraphs: list[str], width: int) -> list[str]:
    """The paragraphs as a PDF's text layer gives them: cut every ``width`` characters, no blank lines."""
    return [p[i:i + width] for p in paragraphs for i in range(0, len(p), width)]


def test_text_wrapped_at_the_page_width_is_joined_whatever_its_lines_begin_with():
    """A gazette page's text layer cuts every line at the page's width (about 26 characters). A cut line that
    began like a heading (第一条, （一）) or a next line that looked like a label (告如下：) stayed a paragraph of
    its own, so an article was two paragraphs on its page and a word cut by the wrap could not be found (a
    reviewer's real-looking rule)."""
    paragraphs = ["第一条　为了落实《北京市控制吸烟条例》，进一步减少烟草烟雾对公众健康的危害，结合本市实际，制定本规定。",
                  "第二条　下列场所的室外区域禁止吸烟：",
                  "（一）幼儿园、中小学校、少年宫、儿童福利机构等以未成年人为主要活动人群的场所；",
                  "（二）对社会开放的文物保护单位；",
                  "（三）体育场、健身场的比赛区和坐席区。",
                  "前款规定场所的经营者或者管理者应当设置明显的禁止吸烟标志，并指定专人劝阻吸烟行为。",
                  "为保障汛期河道行洪安全，根据《中华人民共和国防洪法》等规定，现就有关事项通告如下：",
                  "第三条　违反本规定第二条第二款规定的，由卫生健康部门责令限期改正；逾期不改正的，处二千元以上一万元以下罚款。"]
    for width in (24, 26, 28):
        lines = ["北京市公共场所控制吸烟补充规定", *_wrapped(paragraphs, width)]
        assert max(len(x) for x in lines) == width and len(lines) >= len(paragraphs) + 5
        assert [p.text for p in unwrap(lines, 0, len(lines))[0]] == [lines[0], *paragraphs], width
    # a page ends inside the first article: its footer (the publication's name, the page's number) is furniture,
    # listed as an artefact, and the article runs on across it
    lines[2:2] = ["北京市人民政府公报", "", "— 23 —"]
    paras, artefacts = unwrap(lines, 0, len(lines))
    assert [p.text for p in paras] == [lines[0], *paragraphs]
    assert [(a.line, a.text, a.reason) for a in artefacts] == [(3, "北京市人民政府公报", "running header"),
                                                               (5, "— 23 —", "page number")]
    lines[2:5] = ["— 4 —"]
    assert [p.text for p in unwrap(lines, 0, len(lines))[0]] == [lines[0], *paragraphs]


def test_a_short_line_ending_with_a_colon_goes_on_a_line_cut_at_the_page_width():
    """第三条　新建居住区绿地率不得低于百分之三十，其中集中绿地 is cut at the full width of the page's lines, and the next
    line, 面积应当符合下列要求： (ten characters and a colon), was taken for a label (联系人：) and began a paragraph of
    its own: a second 款 of the article on its page (with three characters more it was joined). The page's width was
    not known either: a rule's wrapped lines are mostly its articles' first lines, counted as headings (a
    reviewer's rules from a PDF). A label after a line that ends with a mark, or after a short one, stays apart."""
    lines = ["北京市城市园林绿化管理实施办法",
             "第一条\u3000为了实施《北京市绿化条例》，加强城市绿化建设和管", "理，结合本市实际，制定本办法。",
             "第二条\u3000本办法适用于本市行政区域内城市绿化的规划、建设、", "保护和管理。",
             "第三条\u3000新建居住区绿地率不得低于百分之三十，其中集中绿地", "面积应当符合下列要求：",
             "（一）居住区人均集中绿地面积不少于二平方米；",
             "（二）居住小区人均集中绿地面积不少于一平方米，组团绿地面", "积不少于四百平方米，且应当设置不少于绿地面积百分之十的儿",
             "童游憩场地；",
             "第四条\u3000任何单位和个人不得擅自占用城市绿地。确需临时占用", "的，应当经园林绿化部门批准，并按照规定恢复原状。"]
    assert wrap_width(lines) == 28
    assert [p.text for p in unwrap(lines, 0, len(lines))[0]] == [
        lines[0], lines[1] + lines[2], lines[3] + lines[4], lines[5] + lines[6], lines[7], "".join(lines[8:11]),
        lines[11] + lines[12]]
    # in a circular wrapped at that width: a short line ending with ： goes on a full line that stops on a comma
    # (the paragraph's first, or a later one); a label stays apart after a full line that ends a sentence, and
    # after a short line
    body = ["为深入贯彻落实《北京市绿化条例》，扎实做好本年度城市绿化建设工作，进一步提升全市城市园林绿化管理和养护服务水平，"
            "现将有关事项通知如下：",
            "各区园林绿化部门要会同有关单位组织开展绿化养护专项检查，重点检查内容如下：",
            "一、各区要落实属地责任，加强辖区内公园绿地的日常养护管理，及时补植缺株断垄行道树，确保全市绿化成果得到有效巩固。",
            "二、请各区于六月三十日前将本年度城市绿化工作总结报送市园林绿化局，并抄送市发展改革委，逾期未报送的，将予以通报。"]
    tail = ["联系人：张明", "市园林绿化局城市绿化处", "联系电话：12345678", "北京市园林绿化局", "2026年5月20日"]
    lines = ["北京市园林绿化局关于做好城市绿化建设工作的通知", "各区人民政府，市政府各委、办、局：", *_wrapped(body, 28), *tail]
    assert wrap_width(lines) == 28 and lines[4] == "现将有关事项通知如下：" and lines[6] == "重点检查内容如下："
    assert len(lines[10]) == 28 and lines[11] == tail[0]
    assert [p.text for p in unwrap(lines, 0, len(lines))[0]] == [*lines[:2], *body, *tail]


def test_headings_as_wide_as_each_other_are_not_a_wrap_width():
    """Four headings of about one width over one-line paragraphs were taken for a text wrapped at that width, and
    each ran on into the paragraph under it; an attachment's title ran on into a wrapped first line of its text;
    a document titled …公报 after a page number was taken for the running header (a review of this change)."""
    lines = ["北京市人民政府关于推进新型基础设施建设的意见", "各区人民政府：", "为加快建设，现提出如下意见。",
             "一、坚持以习近平新时代中国特色社会主义思想为指导", "全面贯彻党的二十大精神。",
             "二、全面推进第五代移动通信网络建设和应用工作", "到2026年，全市5G基站达到10万个。",
             "三、加快推进数据中心和算力基础设施布局建设", "优化数据中心布局。",
             "四、大力推进工业互联网平台建设和推广应用工作", "建设一批工业互联网平台。"]
    assert [p.text for p in unwrap(lines, 0, len(lines))[0]] == lines
    lines = ["通知正文。", "附件", "北京市电动汽车充电基础设施建设三年行动方案", "为深入贯彻落实国家关于加快构建高质量充电基",
             "础设施体系的部署，结合本市实际，制定本方案。"]
    assert [p.text for p in unwrap(lines, 0, len(lines))[0]] == lines[:3] + [lines[3] + lines[4]]
    lines = ["通知正文。", "附件1", "北京市加快推进电动自行车集中充电设施建设三年行动方案", "工作目标和主要任务", "到2028年。"]
    assert [p.text for p in unwrap(lines, 0, len(lines))[0]] == lines
    lines = ["本办法自2026年5月1日起施行。", "— 23 —", "北京市第三次全国国土调查主要数据公报", "根据国务院部署，开展调查。"]
    paras, artefacts = unwrap(lines, 0, len(lines))
    assert [p.text for p in paras] == [lines[0], lines[2], lines[3]] and [a.text for a in artefacts] == ["— 23 —"]


# a page of the gazette as its PDF's text layer gives it: the sentence cut at the page's end runs on after the
# page's number and the next page's running header (a reviewer's PDF-extracted circular, 京政发〔2026〕29号)
PAGE_HEAD = ["北京市人民政府关于进一步加强城市道路交通", "安全管理工作的通知", "京政发〔2026〕29号",
             "各区人民政府，市政府各委、办、局，各市属机构：",
             "一、落实道路交通安全责任。各区人民政府要将道路交通安全工作纳入",
             "经济社会发展规划，建立健全道路交通安全工作协调机制，定期研究解",
             "决道路交通安全重大问题。市公安局公安交通管理局要加强对全市道路"]
PAGE_TAIL = ["交通安全工作的指导和监督。", "二、加强重点车辆管理。市交通委要会同相关部门加强对旅游客运、危",
             "险货物运输、渣土运输等重点车辆的动态监管，督促运输企业落实安全", "生产主体责任。"]
# every form of the running header a gazette page prints: the name and the issue with the page's spacing between,
# the digits spaced, the issue first, the total number, in Traditional script, an even page's issue alone, an odd
# page's name alone (letter-spaced too)
RUNNING_HEADERS = ["北京市人民政府公报                                2026年第20期",
                   "北京市人民政府公报 2026 年第 20 期",
                   "2026年第20期                                北京市人民政府公报",
                   "北京市人民政府公报\u30002026年第20期（总第944期）",
                   "北京市人民政府公報\u30002026年第20期（總第944期）",
                   "2026年第20期", "2026 年第 20 期（总第 944 期）", "北京市人民政府公报", "北 京 市 人 民 政 府 公 报",
                   # the issue in parentheses or after a middle dot (a review)
                   "北京市人民政府公报（2026年第20期）", "北京市人民政府公报·2026年第20期", "2026年第20期·北京市人民政府公报"]


def test_every_running_header_a_gazette_prints_is_page_furniture():
    """Only the bare name 北京市人民政府公报 beside a page's number was taken for the running header: the header a
    real gazette page prints carries the issue (北京市人民政府公报    2026年第20期), and it was kept and spliced into
    the sentence it interrupts (…加强对全市道路北京市人民政府公报2026年第20期交通安全工作的指导…). Every form is
    removed, listed as an artefact (nothing is lost silently), and the sentence runs on across the page break."""
    first = "".join(PAGE_HEAD[4:]) + PAGE_TAIL[0]
    want = [*PAGE_HEAD[:4], first, "".join(PAGE_TAIL[1:])]
    n = len(PAGE_HEAD)
    for header in RUNNING_HEADERS:
        # the header at the top of the next page, or as the footer over the page's number
        for page, at in ((["— 12 —", header], n + 2), ([header, "", "— 12 —"], n + 1)):
            lines = [*PAGE_HEAD, *page, *PAGE_TAIL]
            assert page_furniture(lines, 0, len(lines)).get(at - 1) == "running header", header
            paras, artefacts = unwrap(lines, 0, len(lines))
            assert [p.text for p in paras] == want, header
            assert sorted((a.line, a.text, a.reason) for a in artefacts if a.reason == "running header") \
                == [(at, header.strip(), "running header")]
    # a header of two lines, the name over the issue
    lines = [*PAGE_HEAD, "— 12 —", "", "北京市人民政府公报", "2026年第20期", *PAGE_TAIL]
    paras, artefacts = unwrap(lines, 0, len(lines))
    assert [p.text for p in paras] == want
    assert [a.text for a in artefacts] == ["— 12 —", "北京市人民政府公报", "2026年第20期"]


def test_a_line_that_only_names_the_gazette_or_its_issue_in_a_sentence_is_text():
    """Only a line that is the header and nothing else, beside a page's number, is furniture: a sentence or a title
    naming the gazette or an issue after a page break is text, and so is a header-like line away from a page
    number (a gazette's cover and table of contents print the name and the issue)."""
    for line in ("《北京市人民政府公报》2026年第20期刊登了本办法。", "北京市人民政府公报编辑部", "北京市人民政府公报增刊",
                 "北京市第三次全国国土调查主要数据公报", "2026年第20号", "第20期"):
        lines = ["本办法自2026年5月1日起施行。", "— 23 —", line, "根据国务院部署，开展调查。"]
        paras, artefacts = unwrap(lines, 0, len(lines))
        assert [p.text for p in paras] == [lines[0], line, lines[3]] and [a.text for a in artefacts] == ["— 23 —"]
    cover = ["北京市人民政府公报", "", "2026年第20期", "", "北京市人民政府办公厅主办"]
    assert [p.text for p in unwrap(cover, 0, len(cover))[0]] == [x for x in cover if x]


def test_a_gazette_issue_with_page_numbers_reads_as_without_them(tmp_path):
    """A gazette issue whose text layer keeps each page's number and a running header carrying the issue
    (北京市人民政府公报  2026年第14期; without a page number beside it too, as the seed's bare name is) reads as the
    issue without them: the same cover and table of contents (which print the name and the issue themselves), the
    same documents' text, the page's furniture listed as artefacts."""
    from generator.sources import parse_source, read_source

    def read(name: str, lines: list[str]):
        (tmp_path / name).write_text("\n".join(lines), "utf-8")
        res = parse_source(read_source(tmp_path / name, tmp_path), {})
        assert res["errors"] == [], res["errors"]
        issue, = res["payload"].items["gazettes"]
        return ([(b.kind, b.text) for b in issue.front], [[(b.kind, b.text) for b in d.blocks]
                                                          for d, _ in res["payload"].documents],
                [(a.text, a.reason) for a in res["artefacts"]])

    lines = (KINDS / "gazette-2026-14.txt").read_text("utf-8").split("\n")
    plain = read("plain.txt", lines)
    at = lines.index("为做好春季植树造林期间森林防火工作，保护森林资源和人民群众生命财产安全，根据《森林防火条例》和") + 1
    header = "北京市人民政府公报                              2026年第14期"
    bare = [i for i, x in enumerate(lines) if x == "北京市人民政府公报"]
    assert len(bare) == 5 and bare[2] < at  # the cover prints the name twice, the body's pages three times
    paged = list(lines)
    paged[bare[2]] = "2026年第14期                              北京市人民政府公报"  # an even page's header
    paged[at:at] = ["— 11 —", header]
    paged = read("paged.txt", paged)
    assert paged[:2] == plain[:2]
    assert plain[2] == [("北京市人民政府公报", "running header")] * 3
    assert paged[2] == [("2026年第14期                              北京市人民政府公报", "running header"),
                        *plain[2][1:], ("— 11 —", "page number"), (header, "running header")]
    assert ("cover", "北京市人民政府公报") in plain[0] and ("cover", "第14期 （总第938期）") in plain[0]


def _read_rules_pdf():
    """The reviewer's rules extracted from a gazette's PDF (tests/data/kinds/rules-pdf-pages.txt): read as the
    build reads a source. (document, its blocks by key, the artefacts)"""
    from generator.sources import parse_source, read_source

    res = parse_source(read_source(KINDS / "rules-pdf-pages.txt", KINDS), {})
    assert res["errors"] == [] and res["warnings"] == [], (res["errors"], res["warnings"])
    (doc, _), = res["payload"].documents
    return doc, {b.key: b for b in doc.blocks}, [(a.line, a.text, a.reason) for a in res["artefacts"]]


def test_rules_extracted_from_a_pdf_have_no_running_header_in_their_text():
    """The reviewer's rules: a page ends inside item （二） of 第三条, and the next page's header
    (北京市人民政府公报 2026 年第 20 期) became a paragraph of its own inside the item, printed on the page."""
    doc, blocks, artefacts = _read_rules_pdf()
    assert artefacts == [(13, "— 15 —", "page number"), (14, "北京市人民政府公报 2026 年第 20 期", "running header")]
    assert not [b.text for b in doc.blocks if "公报" in b.text or "第20期" in b.text]
    art3 = next(p for p in doc.provisions if p.anchor == "article-3")
    assert [p.text for p in art3.children] == [
        "居住区人均集中绿地面积不少于二平方米；",
        "居住小区人均集中绿地面积不少于一平方米，组团绿地面积不少于四百平方米，且应当设置不少于绿地面积百分之十的儿童游憩场地；",
        "新建居住区内的集中绿地应当在住宅交付使用前建成。"]


def test_rules_extracted_from_a_pdf_keep_each_article_s_paragraphs_whole():
    """The reviewer's rules: 第三条's first line is cut at the page's width before 面积应当符合下列要求：, which became a
    paragraph of its own (a second 款 on the page), and item （二）, cut at the width over a page break, was two."""
    doc, blocks, _ = _read_rules_pdf()
    articles = [p for p in doc.provisions if p.kind == "article"]
    assert [p.number for p in articles] == ["1", "2", "3", "4"]
    for art in articles:  # one 款 each: one block of the article's own, no paragraph provisions
        inner = {k for c in art.children for k in c.block_keys}
        assert len([k for k in art.block_keys if k not in inner]) == 1, art.label
        assert "paragraph" not in {c.kind for c in art.children}, art.label
    art3 = articles[2]
    inner = {k for c in art3.children for k in c.block_keys}
    assert [blocks[k].text for k in art3.block_keys if k not in inner] == [
        "第三条新建居住区绿地率不得低于百分之三十，其中集中绿地面积应当符合下列要求："]
    assert [[blocks[k].text for k in item.block_keys] for item in art3.children] == [
        ["（一）居住区人均集中绿地面积不少于二平方米；"],
        ["（二）居住小区人均集中绿地面积不少于一平方米，组团绿地面积不少于四百平方米，且应当设置不少于绿地面积百分之十的儿童游憩场地；"],
        ["（三）新建居住区内的集中绿地应当在住宅交付使用前建成。"]]


def test_a_heading_stays_apart_from_the_text_under_it_when_lines_are_paragraphs():
    """Where each line is a paragraph (the seeds), a long heading without a full stop is not a cut line; one that
    ends mid-sentence (、，) is, and so is an article's line, which is never a heading."""
    lines = ["一、深入落实城市总体规划，推动京津冀协同发展走深走实",
             "各区要结合实际制定具体措施。",
             "（一）加强组织领导",
             "各单位要明确责任分工，确保各项任务落到实处。",
             "（二）配备符合国家标准的充电设备，具备充满自动断电、",
             "过载保护功能；",
             "第五条　集中充电设施的运营单位应当每日巡查不少于两次，发现",
             "隐患及时处置。"]
    assert [p.text for p in unwrap(lines, 0, len(lines))[0]] == [
        lines[0], lines[1], lines[2], lines[3], lines[4] + lines[5], lines[6] + lines[7]]


def test_a_numbered_sentence_among_numbered_paragraphs_is_a_paragraph():
    """二、市城市管理委要会同…，具体任务见附件1。 (a sentence of 38 characters) between the numbered paragraphs 一、 and
    三、 was typed a heading, as any short 一、 line ending with 。 is, and printed as one among its siblings. With
    nothing under it before the next 一、 line and a sibling that is a paragraph, it is one of the list of numbered
    sentences. Real headings ending with 。 with text under them stay headings beside a long sibling, and so do the
    short 一、 sentences of a circular whose 一、 lines are all short."""
    def kinds_of(body, attachment=()):
        lines = ["北京市人民政府办公厅关于做好今冬明春能源保障工作的通知", "京政办发〔2026〕31号", "各区人民政府，市政府各委、办、局：",
                 *body, "北京市人民政府办公厅", "2026年10月9日"]
        if attachment:
            lines += ["附件", *attachment]
        paras = unwrap(lines, 0, len(lines))[0]
        r = Report()
        doc, rest = parse_circular(paras, "c.txt", r)
        attachment_blocks(doc, rest, path="c.txt", report=r)
        assert r.errors == []
        no_loss("\n".join(lines), doc.blocks)
        return {b.text[:2]: b.kind for b in doc.blocks if b.text[:2] in ("一、", "二、", "三、", "四、")}, doc

    listed = ["一、各区要落实属地责任，做好本区能源运行监测，发现问题及时协调解决，重大情况及时报告市政府，确保群众温暖过冬。",
              "二、市城市管理委要会同市发展改革委做好天然气、电力保障，具体任务见附件1。",
              "三、市应急局要加强安全生产检查，督促企业落实主体责任，严防各类事故发生，遇有突发情况及时启动应急预案并妥善处置。"]
    assert kinds_of(listed)[0] == {"一、": "para", "二、": "para", "三、": "para"}
    # the same list as an attachment's body
    found, doc = kinds_of(["现将有关事项通知如下，请认真贯彻落实。"], ["能源保障工作分工", *listed])
    assert found == {"一、": "para", "二、": "para", "三、": "para"}
    headed = ["一、充分认识做好防汛工作的重要性和紧迫性。", "今年汛期我市降雨偏多，各区各部门要高度重视。",
              "二、全面排查风险隐患，加强重点部位巡查，确保城市运行安全有序和人民群众生命财产安全。",
              "三、强化监测预警，切实提高灾害性天气应对处置能力。", "气象部门要加密监测，及时发布预警信息。"]
    assert kinds_of(headed)[0] == {"一、": "heading", "二、": "para", "三、": "heading"}
    short = ["一、加强组织领导。", "二、强化督促检查。", "三、做好宣传引导。"]
    assert kinds_of(short)[0] == {"一、": "heading", "二、": "heading", "三、": "heading"}
    # a table under a short 一、 line is what stands under a heading (a review): it stays one
    tabled = [listed[0], "二、落实资金保障。", "区名\t资金（万元）", "东城区\t500", listed[2]]
    assert kinds_of(tabled)[0] == {"一、": "para", "二、": "heading", "三、": "para"}


def test_an_appointment_and_a_removal_of_one_person_in_one_sentence_are_read():
    """任命刘芳（女）为…副主任，免去其…主任职务 (the usual form when a person moves up) was warned about and both
    decisions were left out of the notice's data (a review's notice): the comma before 免去 separates two decisions,
    其 is the person the first one names, and （女） after a name is not part of it."""
    blocks = _blocks(["任命张立华为北京市发展和改革委员会主任；",
                      "任命刘芳（女）为北京市教育委员会副主任，免去其北京市海淀区教育委员会主任职务；",
                      "任命陈红（女）、王五为北京市民政局副局长。"])
    r = Report()
    provs, entries = parse_appointments(blocks, "t.txt", r)
    assert r.warnings == []
    assert [(e.action, e.persons, e.position, e.anchor) for e in entries] == [
        ("appoint", ["张立华"], "北京市发展和改革委员会主任", "appoint-1"),
        ("appoint", ["刘芳"], "北京市教育委员会副主任", "appoint-2"),
        ("remove", ["刘芳"], "北京市海淀区教育委员会主任", "remove-1"),
        ("appoint", ["陈红", "王五"], "北京市民政局副局长", "appoint-3")]
    assert entries[2].text == "免去其北京市海淀区教育委员会主任职务" and provs[1].block_keys == provs[2].block_keys
    # the other order (a review): 任命其为 is the person just removed, not a person named 任命其
    provs, entries = parse_appointments(_blocks(["免去王五的北京市财政局局长职务，任命其为北京市审计局局长；"]), "t.txt", r)
    assert [(e.action, e.persons, e.position) for e in entries] == [
        ("remove", ["王五"], "北京市财政局局长"), ("appoint", ["王五"], "北京市审计局局长")]
@pytest.mark.parametrize("title, kind", [
    ("北京市人民政府关于加快推进智慧城市建设的实施意见", "opinions"),
    ("北京市人民政府办公厅关于做好2026年清明节期间安全工作的通知", "circular"),
    ("北京市商务局关于开展北京市有奖发票试点活动有关事项的公告", "announcement"),
    ("北京市人民政府关于在部分区域禁止燃放烟花爆竹的通告", "notice"),
    ("北京市公共数据管理办法（试行）", "measures"),  # the genre before the bracket
    ("北京市加快推进充电基础设施建设三年行动方案（2026—2028年）", "plan"),
    ("北京市人民政府关于同意设立北京大兴国际机场临空经济区的批复", "reply"),
    ("北京市人民政府关于表彰2025年度首都劳动奖状获得单位的决定", "decision"),
    ("北京市人民政府办公厅关于商请支持举办2026年北京国际设计周的函", "letter"),
    ("北京市人民政府关于2025年度法治政府建设情况的报告", "official-report"),
    ("北京市人民政府第12次常务会议纪要", "minutes"),
    ("北京市2026年政务公开工作要点", ""),  # no genre the site knows: no label rather than a wrong one
])
def test_a_numbered_document_has_the_genre_its_title_names(title, kind):
    """A numbered document whose title did not end in 通知 or 公告 was a 通告 (notice): an 意见 was labelled
    Notice."""
    lines = [title, "京政发〔2026〕27号", "各区人民政府：", "现提出如下意见。", "北京市人民政府", "2026年6月22日"]
    paras = unwrap(lines, 0, len(lines))[0]
    r = Report()
    doc, _ = parse_circular(paras, "t.txt", r)
    assert r.errors == [] and (doc.title, doc.kind) == (title, kind)


def test_a_table_row_with_an_empty_last_cell_keeps_it():
    """A row whose last cell is empty ends with a tab; the tab was stripped with the line's end, so the row had a cell
    too few and the next row was read as the rest of it (联系人 became 朝阳区园林绿化局海淀公园应急避难场所, a review).
    The empty cell is kept, and the next row is a row."""
    from generator.kinds.tables import join_rows

    lines = ["场所名称\t管理单位\t联系人", "朝阳公园应急避难场所\t朝阳区园林绿化局\t", "海淀公园应急避难场所\t海淀区园林绿化局\t李华"]
    r = Report()
    rows = join_rows(unwrap(lines, 0, len(lines))[0], "t.txt", r)
    assert [p.text.split("\t") for p in rows] == [["场所名称", "管理单位", "联系人"],
                                                   ["朝阳公园应急避难场所", "朝阳区园林绿化局", ""],
                                                   ["海淀公园应急避难场所", "海淀区园林绿化局", "李华"]]
    assert r.warnings == []


def _own_text(p, blocks) -> list[str]:
    """The texts of the blocks a provision holds itself (not through its children), as the data API gives them."""
    inner = {k for c in p.children for k in c.block_keys}
    by_key = {b.key: b for b in blocks}
    return [by_key[k].text for k in p.block_keys if k not in inner]


def test_footnotes_belong_to_no_provision_and_a_schedule_and_an_appendix_are_parts_of_the_attachment():
    """A circular issuing measures 一、二、三、 followed by two footnotes (¹ ²), then 附表 with its title and a table,
    then 附录 / 名词解释 with definitions 1. 2. (a reviewer's real-looking circular, read as the build reads it):
    三、 held the footnotes, 附表, the table and 附录 as its text, and the definitions were its items 三、1. and
    三、2. Now each footnote is a note of the attachment, in no provision; 附表 and 附录 are parts of the
    attachment of their own (label, title, their table or items under them); nothing is lost."""
    doc, errors, warnings, text = _read_source("circular-footnotes-appendix.txt")
    assert errors == [] and warnings == []
    no_loss(text, doc.blocks)
    (annex,) = doc.provisions
    assert [(p.kind, p.anchor, p.label, p.title) for p in annex.children] == [
        ("heading", "annex-1-part-1", "一、", "支持低空飞行器研发制造"),  # the name without the marker ¹
        ("heading", "annex-1-part-2", "二、", "完善低空基础设施"),
        ("heading", "annex-1-part-3", "三、", ""),
        ("schedule", "annex-1-schedule-1", "附表", "2026年低空起降场建设分区任务表"),
        ("appendix", "annex-1-appendix-1", "附录", "名词解释")]
    part1, part2, part3, schedule, appendix = annex.children
    notes = [b for b in doc.blocks if b.kind == "footnote"]
    assert [b.text[:7] for b in notes] == ["¹ 低空飞行器", "² 起降场，包"]
    held = {k for p in walk(annex.children) for k in p.block_keys}
    assert not held & {b.key for b in notes}  # in no provision of the measures: the attachment's notes
    assert {b.key for b in notes} <= set(annex.block_keys)
    assert _own_text(part1, doc.blocks) == ["一、支持低空飞行器¹研发制造。对取得型号合格证的企业，给予最高2000万元奖励。"]
    assert _own_text(part3, doc.blocks) == ["三、本措施自印发之日起施行，有效期至2028年12月31日。"]
    assert part3.children == [] and [c.label for c in part2.children] == ["（一）", "（二）"]
    # 附表: its label over its title, its table under it
    by_key = {b.key: b for b in doc.blocks}
    assert [(by_key[k].kind, by_key[k].level, by_key[k].text[:8]) for k in schedule.block_keys] == [
        ("annex-label", 3, "附表"), ("title", 3, "2026年低空起"), ("table", 0, "区\t起降场（个）")]
    assert by_key[schedule.block_keys[2]].rows[1:] == [["延庆区", "10", "4"], ["平谷区", "8", "3"],
                                                       ["密云区", "12", "5"]]
    assert schedule.children == []
    # 附录: label and title, its definitions 1. 2. its own items
    assert [(by_key[k].kind, by_key[k].text) for k in appendix.block_keys[:2]] == [("annex-label", "附录"),
                                                                                  ("title", "名词解释")]
    assert [(c.anchor, c.label, c.title) for c in appendix.children] == [
        ("annex-1-appendix-1-part-1", "1.", "低空经济"), ("annex-1-appendix-1-part-2", "2.", "适航")]
    assert _own_text(appendix.children[1], doc.blocks) == ["2.适航：航空器能在预期的环境中安全飞行的固有品质。"]


def test_a_footnote_under_a_circular_s_or_its_attachment_s_date_is_a_note_not_a_title():
    """A footnote printed under the circular's signature and date was read as the title of its attachment (the
    measures' title a paragraph of its text), and one under the attachment's date made its signature a
    paragraph: rules and announcements leave the footnotes under their dates apart (text.before_footnotes); so
    does the circular now, where it reads itself and where it reads its attachment."""
    lines = ["北京市人民政府办公厅关于印发《北京市促进低空经济产业发展若干措施》的通知", "", "京政办发〔2026〕33号", "",
             "各区人民政府：", "", "经市政府同意，现将《北京市促进低空经济产业发展若干措施》¹印发给你们，请认真组织实施。", "",
             "北京市人民政府办公厅", "", "2026年6月28日", "", "¹ 本措施经市政府第10次常务会议审议通过。", "",
             "北京市促进低空经济产业发展若干措施", "", "一、支持低空飞行器³研发制造。", "", "二、本措施自印发之日起施行。", "",
             "北京市经济和信息化局", "", "2026年6月20日", "", "³ 低空飞行器，是指航空器。"]
    doc, errors, warnings, text = _read_source("c.txt", "\n".join(lines))
    assert errors == [] and warnings == []
    no_loss(text, doc.blocks)
    assert [(b.kind, b.text[:6]) for b in doc.blocks[4:]] == [
        ("signature", "北京市人民政"), ("date", "2026年6"), ("footnote", "¹ 本措施经"), ("title", "北京市促进低"),
        ("heading", "一、支持低空"), ("heading", "二、本措施自"), ("signature", "北京市经济和"), ("date", "2026年6"),
        ("footnote", "³ 低空飞行")]
    assert doc.attachment_title == "北京市促进低空经济产业发展若干措施"
    (annex,) = doc.provisions
    assert annex.title == "北京市促进低空经济产业发展若干措施"
    assert [_own_text(p, doc.blocks) for p in annex.children] == [["一、支持低空飞行器³研发制造。"],
                                                                ["二、本措施自印发之日起施行。"]]


def test_a_rule_s_attachment_has_its_appendix_and_its_articles_keep_only_their_text():
    """The other readers' attachments (attachment_part: rules, announcements, decisions) get their 附录 as a part
    of their own too, and a footnote printed between two articles is in neither."""
    lines = ["北京市低空飞行服务管理办法", "", "第一条 为了规范低空飞行服务¹，制定本办法。", "",
             "¹ 低空飞行服务，是指为低空飞行活动提供的服务。", "", "第二条 本办法自2026年7月1日起施行。", "", "附件", "",
             "低空飞行服务站设置标准", "", "一、服务站应当配备值守人员。", "", "附录一", "", "术语", "",
             "1.服务站：提供飞行服务的场所。", "", "2.值守：连续在岗。"]
    r = Report()
    blocks, provisions, _, _ = parse_rules(unwrap(lines, 0, len(lines))[0], "r.txt", r)
    assert r.errors == [] and r.warnings == []
    no_loss("\n".join(lines), blocks)
    art1, art2, annex = provisions
    assert [_own_text(p, blocks) for p in (art1, art2)] == [["第一条为了规范低空飞行服务¹，制定本办法。"],
                                                            ["第二条本办法自2026年7月1日起施行。"]]
    assert [(p.kind, p.anchor, p.label, p.title) for p in annex.children] == [
        ("heading", "annex-1-part-1", "一、", ""), ("appendix", "annex-1-appendix-1", "附录一", "术语")]
    assert [c.anchor for c in annex.children[1].children] == ["annex-1-appendix-1-part-1", "annex-1-appendix-1-part-2"]


def test_a_document_number_0_is_a_warning():
    """京政办发〔2026〕0号 was filed without a word (a review): a number counted from 1 is 0 only by a misprint or a
    number lost in the copy; the editor is told where, and the document is still read."""
    lines = ["北京市人民政府办公厅关于做好防汛工作的通知", "京政办发〔2026〕0号", "各区人民政府：", "一、各区要落实属地责任。",
             "北京市人民政府办公厅", "2026年6月1日"]
    paras = unwrap(lines, 0, len(lines))[0]
    r = Report()
    doc, _ = parse_circular(paras, "c.txt", r)
    assert r.errors == [] and doc.number == "京政办发〔2026〕0号"
    assert [(w.line, w.message) for w in r.warnings] == [(2, "the document number 京政办发〔2026〕0号 is 0")]
