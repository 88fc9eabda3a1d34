"""Issue 16 on the built site: the gazette's other kinds of documents go in with `ingest`, are read with nothing
lost, and are published with their structure: every provision anchored and linkable, articles at their own
URLs, citations of documents in the archive as links (and listed on the cited document), an amendment decision
linked to the rule and the provision it changes, English labels by rule, and the API carrying the structure."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, make_project

KINDS = ROOT / "tests" / "data" / "kinds"
# texts in the shapes of the gazette beyond the seeds (see tests/test_kinds_parsing.py for their structure)
FILES = ["gazette-2026-14.txt", "rules-no-chapters.txt", "decision-street.txt", "rules-traditional.txt",
         "decree-rules.txt", "decree-traditional.txt", "announcement.txt", "notice-tonggao.txt", "appointment.txt",
         "reply.txt", "circular-with-attachments.txt", "decision-repeal-table.txt", "circular-project-table.txt",
         "circular-footnotes-appendix.txt"]


def ingest(proj: Path, path: Path):
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "ingest", str(path)],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kinds")
    proj = make_project(tmp)
    reports = {}
    for name in FILES:
        r = ingest(proj, KINDS / name)
        assert r.returncode == 0, (name, r.stdout, r.stderr)
        reports[name] = r.stdout
    from generator.build import build

    out = tmp / "site"
    result = build(proj, out, search=False)
    return proj, out, result, reports


def page(out: Path, url: str) -> str:
    return (out / url.strip("/") / "index.html").read_text("utf-8")


def test_ingest_files_each_kind_under_its_own_name(built):
    _, _, _, reports = built
    assert "gazette -> content/sources/2026-gazette-014.txt" in reports["gazette-2026-14.txt"]
    assert "  new document 北京市人民政府令第334号" in reports["gazette-2026-14.txt"]
    assert "  new document 北京市人民政府公告2026年第2号" in reports["gazette-2026-14.txt"]
    assert "rules -> content/sources/2008-rules-jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding.txt" in \
        reports["rules-no-chapters.txt"]
    assert "decision -> " in reports["decision-street.txt"]
    assert "decree -> content/sources/2026-decree-" in reports["decree-rules.txt"]
    assert "reply -> " in reports["reply.txt"] and "appointment -> " in reports["appointment.txt"]


def test_every_kind_has_its_id_scheme_and_pages_in_both_languages(built):
    _, out, result, _ = built
    docs = {d.id: d for d in result.corpus.documents.values()}
    kinds = {d.kind for d in docs.values()}
    assert {"decree", "rules", "decision", "announcement", "notice", "reply", "appointment", "circular"} <= kinds
    assert {"decree/334", "decree/335", "announcement/ren-min-zheng-fu/2026/2"} <= docs.keys()
    assert "rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding" in docs
    from generator.site.urls import url_for

    for d in docs.values():
        for lang in ("zh", "en"):
            html = page(out, url_for(d.id, lang))
            assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}"' in html and "<h1>" in html


def test_a_decree_page_shows_what_it_promulgates_and_its_articles_have_urls(built):
    _, out, _, _ = built
    zh = page(out, "/zh/decree/335/")
    assert "北京市人民政府令" in zh and "第335号" in zh
    assert '<span class="anchor" id="article-3"></span>' in zh
    assert 'class="permalink" href="/zh/decree/335/article/3/"' in zh  # the article's own page
    art = page(out, "/en/decree/335/article/3/")
    assert "<h1>Article 3</h1>" in art
    assert 'rel="prev" href="/en/decree/335/article/2/"' in art and 'rel="next" href="/en/decree/335/article/4/"' in art
    assert re.search(r'<p class="blk blk-para"[^>]*><span class="prov-label">第三条</span>',
                     page(out, "/zh/decree/335/article/3/"))


def test_a_rule_keeps_its_history_as_data_and_on_its_page(built):
    _, out, result, _ = built
    rule = result.corpus.documents["rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding"]
    assert [h.action for h in rule.history] == ["公布", "修改", "修改"]
    html = page(out, "/zh/rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding/")
    # the history as printed, each step once: its date is in its words (it was shown twice: 2008年5月6日 2008年5月6日…)
    assert 'id="history-h"' in html and ('<li><span lang="zh-CN"><time datetime="2008-05-06">2008年5月6日</time>'
                                         '北京市人民政府令第205号公布</span></li>') in html
    # every step's date, where its words print it (根据2018年2月12日…), is machine-readable in place, the words
    # themselves unchanged (the Chinese page had no <time> at all; the English one gives it before the words)
    steps = re.findall(r'<li><span lang="zh-CN">(.*?)</span></li>',
                       re.search(r'<section class="panel history".*?</section>', html, re.S).group(0))
    assert [re.sub(r"<[^>]+>", "", s) for s in steps] == [h.text for h in rule.history]
    assert [re.findall(r'<time datetime="([^"]+)">(.*?)</time>', s) for s in steps] == [
        [("2008-05-06", "2008年5月6日")], [("2018-02-12", "2018年2月12日")], [("2026-03-10", "2026年3月10日")]]
    assert steps[1].startswith('根据<time datetime="2018-02-12">2018年2月12日</time>北京市人民政府令第277号《')
    en_rule = page(out, "/en/rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding/")
    assert '<li><time datetime="2008-05-06">6 May 2008</time> <span lang="zh-CN">2008年5月6日' in en_rule
    # an article's label set apart from its text, as the gazette prints it (第一条　为了…), not run into it
    assert '<p class="blk blk-para"><span class="prov-label">第一条</span>为了加强街巷环境卫生管理' in html
    assert '<li><a href="#article-1"><span class="prov-label">第一条</span>为了加强街巷环境卫生管理</a></li>' in html
    article = page(out, "/zh/rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding/article/1/")
    assert '<p class="blk blk-para"><span class="prov-label">第一条</span>为了加强' in article
    assert '<span class="anchor" id="article-8-1"></span>' in html  # 第八条之一
    en = page(out, "/en/rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding/article/8-1/")
    assert "<h1>Article 8a</h1>" in en


def test_a_rule_sets_the_label_of_its_chapters_and_sections_apart(built):
    """第一章　总则 and 第一节　规划, printed with a space, read 第一章总则 and 第一节规划 once normalised: in the
    headings, the site's contents, the printed 目录 and the side-by-side view. Each label is now set apart as an
    article's is, by markup only: the characters (copied, searched) are those of the text."""
    _, out, result, _ = built
    zh = page(out, "/zh/decree/332/")
    assert re.findall(r'<h([23]) class="blk blk-heading">(.*?)</h\1>', zh) == [
        ("2", '<span class="prov-label">第一章</span>总则'), ("2", '<span class="prov-label">第二章</span>规划与建设'),
        ("3", '<span class="prov-label">第一节</span>规划'), ("3", '<span class="prov-label">第二节</span>建设与移交'),
        ("2", '<span class="prov-label">第三章</span>运营与服务'), ("2", '<span class="prov-label">第四章</span>监督管理'),
        ("2", '<span class="prov-label">第五章</span>附则')]
    nav = re.search(r'<nav class="contents".*?</nav>', zh, re.S).group(0)
    assert '<a href="#chapter-2"><span class="prov-label">第二章</span>规划与建设</a>' in nav
    assert '<a href="#chapter-2-section-1"><span class="prov-label">第一节</span>规划</a>' in nav
    toc = re.findall(r'<p class="blk blk-toc">(.*?)</p>', zh)
    assert toc[0] == "目录" and toc[3] == '<span class="prov-label">第一节</span>规划' and len(toc) == 8
    assert all(t.startswith('<span class="prov-label">第') for t in toc[1:])
    # the text is as it was: the heading blocks' words, and the page's text, unchanged
    d = result.corpus.documents["decree/332"]
    assert [b.text for b in d.blocks if b.kind == "heading"][:3] == ["第一章总则", "第二章规划与建设", "第一节规划"]
    assert [re.sub(r"<[^>]+>", "", t) for t in toc[1:3]] == ["第一章总则", "第二章规划与建设"]
    side = page(out, "/en/decree/332/parallel/")
    cells = re.findall(r'<div class="parallel-zh" role="cell" lang="zh-CN">(.*?)</div>', side)
    assert any(c.startswith('<h3 class="blk blk-heading"><span lang="zh-CN"><span class="prov-label">第一节</span>规划')
               for c in cells), cells[:12]


def test_an_amendment_decision_links_to_the_rule_and_provision_it_changes(built):
    _, out, result, _ = built
    rule = "rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding"
    links = [(l.src, l.dst, l.kind) for l in result.corpus.links]
    assert ("doc:京政发〔2026〕9号", rule, "amends") in links
    zh = page(out, "/zh/doc/jingzhengfa-2026-9/")
    assert f'class="amends" href="/zh/{rule}/#article-9"' in zh
    assert "第五条第（三）项" in zh
    en = page(out, "/en/doc/jingzhengfa-2026-9/")
    assert f'href="/en/{rule}/#article-5-item-3"' in en and "Article 5, item (3)" in en
    # the rule's page lists what amends and cites it
    rule_page = page(out, f"/zh/{rule}/")
    assert 'href="/zh/doc/jingzhengfa-2026-9/"' in rule_page


def test_a_rule_says_where_a_later_decision_changed_it(built):
    """The other end of the amendment: the rule's page and the changed articles' own pages say, beside the
    provision, which decision changed it after the text shown and link to the change (legislation.gov.uk's
    "changes to legislation"): deleted where the change deletes the provision, amended where it rewrites it."""
    _, out, _, _ = built
    rule = "rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding"
    zh, en = page(out, f"/zh/{rule}/"), page(out, f"/en/{rule}/")
    dec = "北京市人民政府关于修改《北京市街巷环境卫生责任区管理规定》的决定（2026年4月20日）"
    shown = re.findall(r'<p class="amended-by" data-pagefind-ignore>(.*?)</p>', zh)
    assert shown == [f'已被删去：<a href="/zh/doc/jingzhengfa-2026-9/#item-1-change-3">{dec} · 一、3.</a>',
                     f'已被删去：<a href="/zh/doc/jingzhengfa-2026-9/#item-1-change-1">{dec} · 一、1.</a>',
                     f'已被修改：<a href="/zh/doc/jingzhengfa-2026-9/#item-1-change-2">{dec} · 一、2.</a>'], shown
    # each beside its provision: item (3) of article 5, article 8a, article 9 (after the provision's text)
    for anchor, change in (("article-5-item-3", 3), ("article-8-1", 1), ("article-9", 2)):
        at = zh.index(f'id="{anchor}"')
        assert zh.index(f"#item-1-change-{change}", at) < zh.index('<span class="anchor"', at + 1), anchor
    assert 'Amended by: <a href="/en/doc/jingzhengfa-2026-9/#item-1-change-2">' in en
    assert en.count('<p class="amended-by"') == 3 and "(20 April 2026) · I. 2.</a>" in en
    # the article's own page says its text is the one before the change, and the item the change is about
    art5 = page(out, f"/zh/{rule}/article/5/")
    assert '<section class="amended-note"' in art5 and "本条所示为修改前的文本。此后的修改：" in art5
    assert (f'<li>（三） · 已被删去：<a href="/zh/doc/jingzhengfa-2026-9/#item-1-change-3">{dec} · 一、3.</a></li>'
            in art5)
    art9 = page(out, f"/en/{rule}/article/9/")
    assert '<li>Amended by: <a href="/en/doc/jingzhengfa-2026-9/#item-1-change-2">' in art9
    # an article no change is about says nothing of it
    assert "amended-note" not in page(out, f"/zh/{rule}/article/10/")
    assert "amended-by" not in page(out, "/zh/decree/335/")


def test_a_decision_amending_one_rule_with_its_history_in_the_preamble_marks_the_rule(tmp_path):
    """Decree 345 amends rule 340 by a preamble printing the rule's history (决定对《…》（2026年4月21日…令第340号
    公布）作如下修改：), the commonest form: it was refused by ingest ('a decision that names no rule it amends or
    repeals'). Its changes link to the provisions of rule 340 and are marked beside them; the history it prints is
    what tells which text its numbers are of: a history with a step the archive does not hold marks nothing."""
    from generator.build import build

    def site(decision: str, name: str) -> Path:
        proj = make_project(tmp_path / name)
        (tmp_path / name / "345.txt").write_text(decision, "utf-8")
        for path in (KINDS / "decree-parking-340.txt", tmp_path / name / "345.txt"):
            r = ingest(proj, path)
            assert r.returncode == 0, (r.stdout, r.stderr)
        build(proj, tmp_path / name / "site", search=False)
        return tmp_path / name / "site"

    text = (KINDS / "decree-parking-345.txt").read_text("utf-8")
    out = site(text, "a")
    dec = page(out, "/zh/decree/345/")
    assert re.findall(r'class="amends" href="/zh/decree/340/#([^"]+)"', dec) == [
        "article-3-paragraph-2", "article-5", "article-6-item-2-subitem-2", "article-9", "article-11-item-2"]
    zh = page(out, "/zh/decree/340/")
    for anchor, n, verb in (("article-3-paragraph-2", 1, "修改"), ("article-5", 2, "修改"),
                            ("article-6-item-2-subitem-2", 3, "删去"), ("article-9", 4, "修改"),
                            ("article-11-item-2", 5, "删去")):
        at = zh.index(f'id="{anchor}"')
        mark = f'<p class="amended-by" data-pagefind-ignore>已被{verb}：<a href="/zh/decree/345/#change-{n}">'
        assert zh.index(mark, at) < zh.index('<span class="anchor"', at + 1), anchor
    assert zh.count('<p class="amended-by"') == 5 and "修改之处已在所改条文旁标出。" in zh
    docs = json.loads((out / "api/v1/documents.json").read_text("utf-8"))
    [amendment] = next(d for d in docs if d["id"] == "decree/345")["amendments"]
    assert (amendment["rule_id"], [(h["date"], h["instrument"]) for h in amendment["history"]]) == \
        ("decree/340", [("2026-04-21", "北京市人民政府令第340号")])
    # the same decision printing a step after the text the archive shows (decree 342, not in it): nothing marked
    later = text.replace("第340号公布）", "第340号公布，根据2026年5月12日北京市人民政府令第342号修改）")
    zh = page(site(later, "b"), "/zh/decree/340/")
    assert "amended-by" not in zh and 'href="/zh/decree/345/"' in zh and "修改之处未在条文旁标出" in zh


def test_a_change_replacing_words_in_two_provisions_marks_both(tmp_path):
    """1.将第三条第一款中的“百分之三十”修改为“百分之三十五”，第（二）项中的“一平方米”修改为“一点五平方米”。: item (二)'s
    replacement was dropped, so the API had one target and item (二) of the rule was not marked. Both provisions are
    marked beside their text now, the change links to the first it names, the API records each replacement."""
    proj = make_project(tmp_path)
    for path in (KINDS / "decree-greening-343.txt", KINDS / "decision-greening-compound.txt"):
        r = ingest(proj, path)
        assert r.returncode == 0 and "warning" not in r.stdout + r.stderr, (r.stdout, r.stderr)
    from generator.build import build

    out = tmp_path / "site"
    build(proj, out, search=False)
    zh = page(out, "/zh/decree/343/")
    dec = "北京市人民政府关于修改《北京市城市园林绿化管理实施办法》等2项规章部分条款的决定（2026年7月20日）"
    for anchor, n, verb in (("article-3-paragraph-1", 1, "修改"), ("article-3-item-2", 1, "修改"),
                            ("article-3-item-3", 3, "删去"), ("article-4-paragraph-1", 2, "修改")):
        at = zh.index(f'id="{anchor}"')
        mark = (f'<p class="amended-by" data-pagefind-ignore>已被{verb}：'
                f'<a href="/zh/doc/jingzhengfa-2026-59/#item-1-change-{n}">{dec} · 一、{n}.</a></p>')
        assert zh.index(mark, at) < zh.index('<span class="anchor"', at + 1), anchor
    assert zh.count('<p class="amended-by"') == 4
    note = re.search(r'<section class="amended-note".*?</section>', page(out, "/zh/decree/343/article/3/"), re.S)
    assert re.findall(r"<li>(.*?) · 已被(..)：<a href=\"[^\"]+#(item-1-change-\d)\">", note.group(0)) == [
        ("第一款", "修改", "item-1-change-1"), ("（二）", "修改", "item-1-change-1"), ("（三）", "删去", "item-1-change-3")]
    decision = page(out, "/zh/doc/jingzhengfa-2026-59/")
    assert '<a class="amends" href="/zh/decree/343/#article-3-paragraph-1"' in decision
    docs = json.loads((out / "api/v1/documents.json").read_text("utf-8"))
    first = next(d for d in docs if d["id"] == "doc:京政发〔2026〕59号")["amendments"][0]
    assert [(c["id"], c["target"], c["old"], c["text"]) for c in first["changes"][:2]] == [
        ("doc:京政发〔2026〕59号#item-1-change-1", {"article": 3, "paragraph": 1}, "百分之三十", "百分之三十五"),
        ("doc:京政发〔2026〕59号#item-1-change-1", {"article": 3, "paragraph": 1, "item": 2}, "一平方米", "一点五平方米")]


def test_changes_the_text_holds_and_new_provisions_are_not_shown_as_changing_it(tmp_path):
    """A decision dated on or before the last step of the rule's printed history (its text as republished
    after that decision) is already in the text shown: no provision is marked by it. A change that adds a
    provision names the new one: the article that gains a paragraph or item is marked, while the article now
    numbered as the new one is not (增加一条，作为第九条 does not change the old 第九条)."""
    proj = make_project(tmp_path)
    held = (KINDS / "decision-street.txt").read_text("utf-8").replace("2026年4月20日", "2026年3月10日")
    (tmp_path / "held.txt").write_text(held, "utf-8")
    for path in (KINDS / "rules-no-chapters.txt", tmp_path / "held.txt", KINDS / "decision-insertions.txt",
                 KINDS / "decision-later.txt"):
        r = ingest(proj, path)
        assert r.returncode == 0, (r.stdout, r.stderr)
    from generator.build import build

    site = tmp_path / "site"
    build(proj, site, search=False)
    rule = "rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding"
    zh = page(site, f"/zh/{rule}/")
    assert 'href="/zh/doc/jingzhengfa-2026-9/"' in zh  # still listed as a decision amending the rule
    assert "jingzhengfa-2026-9/#" not in zh
    marked = re.findall(r'<p class="amended-by" data-pagefind-ignore>(.*?)<a href="([^"]+)"', zh)
    assert marked == [("已被修改：", "/zh/doc/jingzhengfa-2026-19/#item-1-change-2"),
                      ("已被删去：", "/zh/doc/jingzhengfa-2026-19/#item-1-change-4"),  # 删去第五条第（一）项、第（二）项:
                      ("已被删去：", "/zh/doc/jingzhengfa-2026-19/#item-1-change-4"),  # both items
                      ("已被修改：", "/zh/doc/jingzhengfa-2026-19/#item-1-change-3")], marked
    assert zh.index('id="article-5-item-1"') < zh.index("#item-1-change-4") < zh.index('id="article-5-item-2"')
    # a decision after another one that amended the rule numbers a text the archive does not show (an article
    # deleted renumbers the rest): its changes are not put on the text shown, and it links the rule as a whole
    assert "jingzhengfa-2026-23/#" not in zh and 'href="/zh/doc/jingzhengfa-2026-23/"' in zh
    later = page(site, "/zh/doc/jingzhengfa-2026-23/")
    assert f'<a class="amends" href="/zh/{rule}/" data-pagefind-ignore>修改： 北京市街巷环境卫生责任区管理规定 第十条</a>' \
        in later and f"/zh/{rule}/#" not in later
    assert zh.index('id="article-4"') < zh.index("#item-1-change-2") < zh.index('id="article-5"')
    assert zh.index('id="article-6"') < zh.index("#item-1-change-3") < zh.index('id="article-7"')
    for n in (9, 10, 11):
        assert "amended-note" not in page(site, f"/zh/{rule}/article/{n}/")
    assert "amended-note" in page(site, f"/en/{rule}/article/4/")
    # the decision: the new article links to the rule as a whole, the new paragraph and item to their article
    dec = page(site, "/zh/doc/jingzhengfa-2026-19/")
    assert f'<a class="amends" href="/zh/{rule}/" data-pagefind-ignore>修改： 北京市街巷环境卫生责任区管理规定 第九条</a>' in dec
    assert f'href="/zh/{rule}/#article-4"' in dec and f'href="/zh/{rule}/#article-6"' in dec
    assert f'href="/zh/{rule}/#article-9"' not in dec
    # the rule's page says which later decisions changed it and whether their changes are marked beside the text:
    # the one that numbers another text is said to mark nothing, so the text shown is not taken for the current one
    later = re.search(r'<section class="later-changes".*?</section>', zh, re.S).group(0)
    assert re.findall(r'<li><a href="([^"]+)">.*?<time datetime="([^"]+)">.*?</time>）：(.*?)</li>', later) == [
        ("/zh/doc/jingzhengfa-2026-19/", "2026-05-20", "修改之处已在所改条文旁标出。"),
        ("/zh/doc/jingzhengfa-2026-23/", "2026-06-30",
         "修改之处未在条文旁标出（该决定所引条款编号可能属于本站未收录的另一文本），请以该决定为准。")], later
    assert "jingzhengfa-2026-9/" not in later  # dated before the text shown: already in it
    en = page(site, f"/en/{rule}/")
    assert "Later changes: the text on this page is as it stood before the decisions below." in en
    # an article's page lists the decision that marks nothing (it may have changed any article), not the other
    art = page(site, f"/zh/{rule}/article/3/")
    assert "later-changes" in art and "jingzhengfa-2026-23/" in art and "jingzhengfa-2026-19/" not in art
    assert "later-changes" not in dec


def test_a_table_row_printed_over_two_lines_is_one_row_on_the_page_and_in_the_data(built):
    """A cell that runs over two lines made two rows of the table, one with the row's first cells, one with the
    rest in the wrong columns (政府 | 2026年12月 under 序号 and 项目名称), and the data's repealed rule was
    北京市实施《中华人民共和国 with no history (a reviewer's real-looking decision and circular): the page shows
    the rows as printed and the data API the whole rule with its history."""
    from generator.site.urls import url_for

    _, out, result, _ = built
    docs = {d.number: d for d in result.corpus.documents.values()}
    decision, circular = docs["京政发〔2026〕25号"], docs["京政办发〔2026〕31号"]
    zh = page(out, url_for(decision.id, "zh"))
    table = re.search(r'<table class="blk blk-table">.*?</table>', zh, re.S).group(0)
    assert len(re.findall("<tr", table)) == 6
    assert ("<tr><td>3</td><td>北京市实施《中华人民共和国水土保持法》办法</td>"
            "<td>1994年6月5日北京市人民政府令第18号</td></tr>") in table
    api = {d["id"]: d for d in json.loads((out / "api/v1/documents.json").read_text("utf-8"))}
    rule = api[decision.id]["amendments"][2]
    assert (rule["rule"], rule["history"]) == ("北京市实施《中华人民共和国水土保持法》办法", [
        {"date": "1994-06-05", "body": "北京市人民政府", "action": "公布", "instrument": "北京市人民政府令第18号",
         "text": "1994年6月5日北京市人民政府令第18号"}])
    table = re.search(r'<table class="blk blk-table">.*?</table>', page(out, url_for(circular.id, "zh")), re.S).group(0)
    assert re.findall(r"<tr>(.*?)</tr>", table)[1:] == [
        "<td>1</td><td>西城区真武庙五里3号院老旧小区改造</td><td>西城区</td><td>西城区人民政府</td><td>2026年12月</td>",
        "<td>2</td><td>朝阳区劲松北社区综合整治</td><td>朝阳区</td><td>朝阳区人民政府、市住房城乡建设委</td><td>2026年10月</td>",
        "<td>3</td><td>首钢园区北区工业遗存更新</td><td>石景山区</td><td>首钢集团</td><td>2027年6月</td>"]


def test_a_schedule_and_an_appendix_are_parts_and_footnote_markers_link_to_their_notes(built):
    """A circular issuing measures followed by two footnotes, 附表 with a table and 附录 / 名词解释 (a reviewer's
    real-looking circular): the data's 三、 held the notes, the table and the definitions as its text and items
    (三、1., 三、2.); on the page 附表 and 附录 were plain paragraphs missing from the contents, and the markers ¹ ²
    plain characters. Now the notes are the attachment's, 附表 and 附录 parts of it with their label, title and
    content, in the contents, and each marker a link to its note and back."""
    from generator.site.urls import url_for

    _, out, result, _ = built
    doc = next(d for d in result.corpus.documents.values() if d.number == "京政办发〔2026〕33号")
    zh, en = page(out, url_for(doc.id, "zh")), page(out, url_for(doc.id, "en"))
    contents = re.search(r'<nav class="contents".*?</nav>', zh, re.S).group(0)
    assert re.findall(r'<a href="#(annex-1-[a-z]+-\d)">(.*?)</a>', contents) == [
        ("annex-1-part-1", "一、支持低空飞行器研发制造"), ("annex-1-part-2", "二、完善低空基础设施"),
        ("annex-1-part-3", "三、本措施自印发之日起施行"),
        ("annex-1-schedule-1", '<span class="prov-label">附表</span>2026年低空起降场建设分区任务表'),
        ("annex-1-appendix-1", '<span class="prov-label">附录</span>名词解释')]
    # each part anchored at its label, its title and content under it
    body = zh[zh.index('<span class="anchor" id="annex-1-part-3">'):]
    assert re.findall(r'<span class="anchor" id="([^"]+)">', body) == [
        "annex-1-part-3", "annex-1-schedule-1", "annex-1-appendix-1", "annex-1-appendix-1-part-1",
        "annex-1-appendix-1-part-2"]
    schedule = body[body.index('id="annex-1-schedule-1"'):body.index('id="annex-1-appendix-1"')]
    assert '<p class="blk blk-annex-label">附表</p>' in schedule
    assert '<p class="blk blk-title blk-title-3">2026年低空起降场建设分区任务表</p>' in schedule
    assert "<td>密云区</td><td>12</td><td>5</td>" in schedule
    assert '<p class="blk blk-annex-label">附录</p>\n<p class="blk blk-title blk-title-3">名词解释</p>' in body
    # the markers link to their notes, the notes back to the markers
    assert ('一、支持低空飞行器<a class="footnote-ref" href="#footnote-1" id="footnote-1-ref" aria-label="注1">¹</a>'
            '研发制造。') in zh
    assert '起降场<a class="footnote-ref" href="#footnote-2" id="footnote-2-ref" aria-label="注2">²</a>50个' in zh
    for n, note in ((1, "¹ 低空飞行器，是指"), (2, "² 起降场，包括")):
        assert re.search(rf'<p class="blk blk-footnote" id="footnote-{n}">{note}[^<]*'
                         rf'<a class="footnote-backref" href="#footnote-{n}-ref" aria-label="返回正文"', zh)
        assert f'href="#footnote-{n}"' in en and f'<p class="blk blk-footnote" id="footnote-{n}">' in en
    # the data: 三、 is its own text, the notes the attachment's, 附表 and 附录 with their content
    api = {d["id"]: d for d in json.loads((out / "api/v1/documents.json").read_text("utf-8"))}
    (annex,) = api[doc.id]["structure"]
    nodes = {n["anchor"]: n for n in annex["children"]}
    assert list(nodes) == ["annex-1-part-1", "annex-1-part-2", "annex-1-part-3", "annex-1-schedule-1",
                           "annex-1-appendix-1"]
    assert nodes["annex-1-part-3"]["text_zh"] == "三、本措施自印发之日起施行，有效期至2028年12月31日。"
    assert nodes["annex-1-part-3"]["children"] == []
    assert annex["text_zh"].split("\n")[1:] == ["¹ 低空飞行器，是指在真高1000米以下空域飞行的各类航空器。",
                                                "² 起降场，包括固定起降场和临时起降点。"]
    schedule = nodes["annex-1-schedule-1"]
    assert (schedule["kind"], schedule["label_zh"], schedule["label_en"], schedule["title_zh"]) == \
        ("schedule", "附表", "Schedule", "2026年低空起降场建设分区任务表")
    assert schedule["text_zh"].split("\n")[-1] == "密云区\t12\t5"
    appendix = nodes["annex-1-appendix-1"]
    assert (appendix["label_zh"], appendix["label_en"], appendix["title_zh"]) == ("附录", "Appendix", "名词解释")
    assert [(c["label_zh"], c["title_zh"]) for c in appendix["children"]] == [("1.", "低空经济"), ("2.", "适航")]


def test_citations_of_archived_documents_are_links_and_the_rest_are_listed(built):
    _, out, result, _ = built
    zh = page(out, "/zh/doc/jingzhengfa-2026-1/")
    assert '<a class="cite" href="/zh/tasklist/2026/">《2026年市政府工作报告重点任务清单》</a>' in zh
    api = json.loads((out / "api/v1/citations.json").read_text("utf-8"))
    resolved = [c for c in api if c["resolved"]]
    unresolved = [c for c in api if not c["resolved"]]
    assert resolved and unresolved
    assert all(c["text"].startswith(("《", "京", "北京", "国", "第", "政府令")) or c["target"] for c in api)
    assert any(c["target"] == "title:北京市森林防火办法" and c["resolved"] is None for c in unresolved)
    # the decree that promulgates the gazette's amendment decision cites it with the rule's title in 〈〉, the
    # decision prints it in 《》: the citation was left unresolved (a reviewer's real-looking decree)
    nested = [c for c in api if c["text"].startswith("《北京市人民政府关于修改〈北京市生活垃圾分类投放管理办法〉")]
    assert nested and all(c["resolved"] for c in nested), nested


def test_provision_ids_are_stable_and_in_the_api(built):
    _, out, _, _ = built
    docs = {d["id"]: d for d in json.loads((out / "api/v1/documents.json").read_text("utf-8"))}
    decree = docs["decree/335"]
    ids = [n["id"] for n in decree["structure"]]
    assert ids[:3] == ["decree/335#article-1", "decree/335#article-2", "decree/335#article-3"]
    art3 = decree["structure"][2]
    assert art3["label_zh"] == "第三条" and art3["label_en"] == "Article 3"
    assert art3["urls"]["en"].endswith("/en/decree/335/#article-3")
    circular = docs["doc:京政发〔2026〕6号"]
    assert circular["structure"] and circular["structure"][0]["anchor"].startswith(("part-", "annex-"))


def test_every_kind_meets_the_schemas_the_data_publishes(built):
    """The published JSON Schemas knew only the seeds' records: a decree's, a rule's and an announcement's id
    (doc: only), a rule without a document number, a circular's 抄送 list, the signatories and appointments
    failed them, so a researcher who validated the data against them was told every such record is wrong.
    Each API file of a site with every kind now meets its schema, and a placeholder (废止日期: ---) is null."""
    from jsonschema import Draft202012Validator

    proj, out, result, reports = built
    api = out / "api" / "v1"
    errors = []
    for f in sorted(api.glob("*.json")):
        if f.name == "index.json":
            continue
        schema = json.loads((api / "schema" / f"{f.stem}.schema.json").read_text("utf-8"))
        errors += [(f.name, list(e.path)[:3], e.message[:80])
                   for e in Draft202012Validator(schema).iter_errors(json.loads(f.read_text("utf-8")))]
    assert not errors, errors[:10]
    docs = {d["id"]: d for d in json.loads((api / "documents.json").read_text("utf-8"))}
    kinds = {d["kind"] for d in docs.values()}
    assert {"decree", "rules", "announcement", "appointment", "reply", "circular"} <= kinds, kinds
    assert any(d["id"].startswith("decree/") for d in docs.values())
    assert any(d["id"].startswith("rule/") and d["number"] is None for d in docs.values())
    # an English field is null where untranslated: a rule without a number had its Chinese title as title_en
    assert not [d["id"] for d in docs.values() if d["title_en"] == d["title_zh"]]
    assert any(d["title_en"] is None and d["number"] is None for d in docs.values())
    # a change of words within an article says which words (将第十五条中的“二百元以下”修改为“五十元以上二百元以下”):
    # it read as if the whole article were replaced by 五十元以上二百元以下
    changes = [c for d in docs.values() for a in d["amendments"] or [] for c in a["changes"]]
    assert {"action": "rewrite", "target": {"article": 15}, "text": "五十元以上二百元以下", "old": "二百元以下"} in [
        {k: c[k] for k in ("action", "target", "text", "old")} for c in changes]
    # each change says where it is on the decision's page, every provision it names and its words as printed;
    # each rule, the rule of the archive it resolved to (the page links it) and its history as printed
    assert {"id": "decree/334#item-2-change-1", "action": "delete", "target": {"article": 11, "item": 4},
            "targets": [{"article": 11, "item": 4}], "text": None, "old": None, "source": "删去第十一条第（四）项。"} \
        in changes, changes
    decision = docs["doc:京政发〔2026〕9号"]["amendments"]
    assert [a["rule_id"] for a in decision] == ["rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding"]
    assert [h["instrument"] for h in decision[0]["history"]] == ["北京市人民政府令第205号", "北京市人民政府令第331号"]
    assert all(a["rule_id"] is None for a in docs["decree/334"]["amendments"])  # rules the archive does not hold
    assert any(c["action"] == "rewrite" and c["old"] is None and c["text"] for c in changes)  # a whole provision
    assert any(d["metadata"].get("appointments") for d in docs.values())
    assert docs["doc:京政办发〔2026〕1号"]["metadata"]["repealed"] is None
    # a circular's 抄送 (tests/data/ingest/circular-2027-jiaowei.txt has one; test_ingest.py reads it)
    schema = json.loads((api / "schema" / "documents.schema.json").read_text("utf-8"))
    circular = next(d for d in docs.values() if d["kind"] == "circular")
    circular = {**circular, "metadata": {**circular["metadata"], "cc": ["市政府办公厅", "市公安局"],
                                         "printed_by": "北京市教育委员会办公室", "printed_date": "2027-03-16"}}
    assert not list(Draft202012Validator(schema).iter_errors([circular]))


def test_the_feeds_announce_every_kind_of_document(built):
    """The feeds left out every document whose id is not doc:<number> (a check meant for pages of a long
    document that no longer exist): a new decree, rule or announcement never reached a subscriber."""
    proj, out, result, reports = built
    docs = json.loads((out / "api" / "v1" / "documents.json").read_text("utf-8"))
    for lang in ("zh", "en"):
        feed = (out / lang / "feed.xml").read_text("utf-8")
        ids = set(re.findall(r"<id>https?://[^/<]+(/[^<]*)</id>", feed))
        missing = [d["id"] for d in docs if d["date"] and re.sub(r"^https?://[^/]+", "", d["urls"][lang]) not in ids]
        assert not missing, (lang, missing)
        assert any(i.startswith(f"/{lang}/decree/") for i in ids) and any(i.startswith(f"/{lang}/rule/") for i in ids)
        assert any(i.startswith(f"/{lang}/announcement/") for i in ids)


def test_an_announcement_titled_without_a_subject_carries_its_number(built):
    """北京市人民政府 / 公告 / 2026年第1号 names no subject: its Chinese page was titled 北京市人民政府公告, as is every
    announcement of that issuer, in the tab, the heading and every list (the English page said …Announcement No.
    1 of 2026). It is titled with its number as the gazette prints it; a title with a subject is left as printed."""
    _, out, result, _ = built
    zh = page(out, "/zh/announcement/ren-min-zheng-fu/2026/1/")
    assert "<title>北京市人民政府公告（2026年第1号） · " in zh and "<h1>北京市人民政府公告（2026年第1号）</h1>" in zh
    # cited by that title, the number not repeated after it
    assert "引用：北京市人民政府公告（2026年第1号），2026年3月16日</span>" in zh
    listed = page(out, "/zh/doc/")
    assert '<a href="/zh/announcement/ren-min-zheng-fu/2026/1/">北京市人民政府公告（2026年第1号）</a>' in listed
    assert ("<h1>The People&#39;s Government of Beijing Municipality Announcement No. 1 of 2026</h1>"
            in page(out, "/en/announcement/ren-min-zheng-fu/2026/1/"))
    # the gazette's announcement 北京市人民政府关于…的公告 names its subject: its title as printed
    gz = result.corpus.documents["announcement/ren-min-zheng-fu/2026/2"]
    assert f"<h1>{gz.title}</h1>" in page(out, "/zh/announcement/ren-min-zheng-fu/2026/2/")
    assert '>北京市人民政府关于2026年春季植树造林期间森林防火的公告</a>' in listed


def test_a_document_without_an_english_title_is_cited_with_its_issuer(built):
    """An English page cites a document by its title; where the title is untranslated (the page's title is the
    romanised number) the line gives number, date and issuer, and never leaves the issuer out (a review found
    Cite: Jingzhengbanfa[2026] No. 12, 20 March 2026, whose Chinese title begins with its issuer)."""
    proj, out, result, reports = built
    docs = json.loads((out / "api" / "v1" / "documents.json").read_text("utf-8"))
    bare = [d for d in docs if d["number_en"] and d["title_en"] == d["number_en"] and d["id"].startswith("doc:")]
    assert bare
    for d in bare:
        page = (out / "en" / d["urls"]["en"].split("/en/", 1)[1] / "index.html").read_text("utf-8")
        cite = re.search(r"<span>Cite: ([^<]*)</span>", page).group(1)
        assert cite.startswith(d["number_en"] + ", ") and cite.count(", ") >= 2, (d["id"], cite)


def test_a_rule_without_a_date_has_no_year_in_the_data(tmp_path):
    """A rule printed without its history and with no date anywhere was published with year 0, which its own
    schema refuses (a year from 1949): the data now says null, and the record meets the schema."""
    from jsonschema import Draft202012Validator

    proj = make_project(tmp_path)
    text = (KINDS / "rules-no-chapters.txt").read_text("utf-8")
    text = re.sub(r"（2008年.*?第二次修改）\n", "", text, flags=re.S)
    text = re.sub(r"\d{4}年\d{1,2}月\d{1,2}日", "", text)
    src = tmp_path / "rule-undated.txt"
    src.write_text(text, "utf-8")
    r = ingest(proj, src)
    assert r.returncode == 0, r.stderr
    from generator.build import build

    out = tmp_path / "site"
    build(proj, out, search=False)
    api = out / "api" / "v1"
    docs = json.loads((api / "documents.json").read_text("utf-8"))
    rule = next(d for d in docs if d["title_zh"] == "北京市街巷环境卫生责任区管理规定")
    assert rule["year"] is None and rule["date"] == ""
    schema = json.loads((api / "schema" / "documents.schema.json").read_text("utf-8"))
    assert not list(Draft202012Validator(schema).iter_errors([rule]))


def test_an_article_s_page_shows_the_notes_its_markers_call(tmp_path):
    """A footnote printed between two articles was text of the article before it, and so on that article's own
    page; it is in no provision now (a note of the rule), and the article's page still shows it, under the
    article's text, linked both ways; the next article's page does not."""
    proj = make_project(tmp_path)
    src = tmp_path / "rule-notes.txt"
    src.write_text("\n\n".join(["北京市低空飞行服务管理办法", "第一条 为了规范低空飞行服务¹，制定本办法。",
                                 "¹ 低空飞行服务，是指为低空飞行活动提供的服务。", "第二条 本办法自2026年7月1日起施行。",
                                 "北京市人民政府", "2026年6月1日"]), "utf-8")
    r = ingest(proj, src)
    assert r.returncode == 0, r.stderr
    from generator.build import build

    out = tmp_path / "site"
    result = build(proj, out, search=False)
    from generator.site.urls import url_for

    (rule,) = [d for d in result.corpus.documents.values() if d.title == "北京市低空飞行服务管理办法"]
    first, second = (page(out, url_for(f"{rule.id}/article/{n}", "zh")) for n in (1, 2))
    body = re.search(r'<div class="doc-body">(.*?)</div>', first, re.S).group(1)
    assert re.findall(r'<p class="blk blk-(\w+)"', body) == ["para", "footnote"]
    assert '低空飞行服务<a class="footnote-ref" href="#footnote-1" id="footnote-1-ref" aria-label="注1">¹</a>' in body
    assert '<p class="blk blk-footnote" id="footnote-1">¹ 低空飞行服务，是指' in body
    assert 'class="footnote-backref" href="#footnote-1-ref"' in body
    assert "blk-footnote" not in second


def test_provision_anchors_do_not_move_when_text_elsewhere_changes(tmp_path):
    from generator.build import load_all
    from generator.kinds.structure import walk

    proj = make_project(tmp_path, {"2008-rules-street.txt": (KINDS / "rules-no-chapters.txt").read_text("utf-8")})
    before = {p.anchor: p.line for d in load_all(proj)[2].documents.values() if d.kind == "rules"
              for p in walk(d.provisions)}
    text = (KINDS / "rules-no-chapters.txt").read_text("utf-8").replace(
        "第二条 本市城镇地区", "第二条 本市城镇地区和农村地区").replace(
        "街道办事处、乡镇人民政府负责组织", "街道办事处、乡镇人民政府负责组织、指导")
    (proj / "content/sources/2008-rules-street.txt").write_text(text, "utf-8")
    after = {p.anchor for d in load_all(proj)[2].documents.values() if d.kind == "rules" for p in walk(d.provisions)}
    assert set(before) == after


def test_new_kinds_go_into_the_catalogs_as_untranslated_segments(built):
    proj, out, _, _ = built
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    po = (proj / "content/translations/en/documents.po").read_text("utf-8")
    assert 'msgctxt "decree/335#' in po
    en = page(out, "/en/decree/335/")
    assert 'lang="zh-CN"' in en and "tr-notice" in en  # shown in Chinese, with the notice


def test_pages_of_the_other_kinds_are_valid_html(built, site):
    """The pages the new kinds add (documents, their articles, the gazette issue that carries them: every page
    the seed site does not have) pass the Nu HTML Checker; the seed's pages are checked by
    tests/test_html_valid.py."""
    from conftest import nu_errors

    _, out, _, _ = built
    pages = [p for p in out.rglob("*.html")
             if "pagefind" not in p.relative_to(out).parts and not (site / p.relative_to(out)).exists()]
    assert len(pages) > 100, len(pages)
    assert {p.relative_to(out).parts[1] for p in pages} >= {"decree", "rule", "announcement", "doc", "gazette"}
    errors = nu_errors(pages)
    assert not errors, f"{len(errors)} errors, the first: " + "\n".join(errors[:20])


def test_english_headings_and_breadcrumbs_mark_their_chinese(built):
    """A title that falls back to Chinese on an English page (a rule the catalogs do not translate yet, an
    issuing body the glossary has no English for) is marked lang="zh-CN" in the heading and the breadcrumbs
    (issue 19, point 5), on every English page of the site."""
    _, out, _, _ = built
    cjk, marked = re.compile(r"[\u4e00-\u9fff]"), re.compile(r'<span lang="zh-CN">.*?</span>', re.S)
    checked, fallbacks, unmarked = 0, 0, []
    for p in (out / "en").rglob("index.html"):
        html = p.read_text("utf-8")
        for part in re.findall(r"<h1[^>]*>.*?</h1>|<nav class=\"wrap breadcrumbs.*?</nav>", html, re.S):
            checked += 1
            fallbacks += bool(marked.search(part))
            if cjk.search(marked.sub("", re.sub(r'aria-label="[^"]*"', "", part))):
                unmarked.append((p.relative_to(out).as_posix(), part[:120]))
    assert checked > 1400 and fallbacks >= 6, (checked, fallbacks)  # the untranslated rules and a notice's issuers
    assert not unmarked, unmarked[:5]
    rule = page(out, "/en/rule/2019/gong-gong-tu-shu-guan-du-zhe-fu-wu-gui-ding/")
    assert '<h1><span lang="zh-CN">北京市公共图书馆读者服务规定</span></h1>' in rule


def test_a_number_printed_twice_gives_each_provision_its_own_page_and_anchor(tmp_path):
    """A misprint that repeats a number must not put one provision in another's place: a second 第二条 gets
    ``article/2-2nd`` beside ``article/2`` (each page with its own text), a second 附件1 the anchor
    ``annex-1-2nd`` (no id twice, no internal error), articles numbered from 1 in two attachments each their own
    page; each repeat is a warning naming its line."""
    from generator.build import build

    rules = (KINDS / "decree-rules.txt").read_text("utf-8")
    assert rules.count("第三条　市民政部门负责") == 1
    circular = (KINDS / "circular-with-attachments.txt").read_text("utf-8")
    lines = circular.split("\n")
    assert lines[45] == "附件2" and "北京市老旧小区综合整治项目验收办法" in circular
    second = "\n".join(lines[:45] + ["附件1"] + lines[46:])
    annex3 = ("\n附件3\n\n北京市老旧小区综合整治资金管理办法\n\n第一条　ZQANNEX3为规范资金管理，制定本办法。\n\n"
              "第二条　本办法自印发之日起施行。\n")
    proj = make_project(tmp_path, {"2026-rules.txt": rules.replace("第三条　市民政部门负责", "第二条　ZQDUP市民政部门负责"),
                                   "2026-att.txt": second, "2026-att3.txt": circular.replace("京政办发〔2026〕9号",
                                                                                             "京政办发〔2026〕99号")
                                   .rstrip("\n") + "\n" + annex3})
    out = tmp_path / "site"
    result = build(proj, out, search=False)
    warned = [f"{w.file}:{w.line}: {w.message}" for w in result.warnings]
    assert any(w.startswith("content/sources/2026-rules.txt:38: 第二条 appears again") for w in warned), warned
    assert "content/sources/2026-att.txt:46: attachment 1 appears again; this one is annex-1-2nd" in warned
    decree = next(p for p in (out / "zh" / "decree").iterdir() if (p / "article" / "2-2nd").is_dir())
    two, again = page(out, f"zh/decree/{decree.name}/article/2"), page(out, f"zh/decree/{decree.name}/article/2-2nd")
    assert "ZQDUP" in again and "ZQDUP" not in two and "本办法适用于" in two
    whole = page(out, f"zh/decree/{decree.name}")
    assert f'href="/zh/decree/{decree.name}/article/2-2nd/"' in whole and 'id="article-2-2nd"' in whole
    doc = page(out, "zh/doc/jingzhengbanfa-2026-9")
    ids = re.findall(r'\bid="([^"]+)"', doc)
    assert len(ids) == len(set(ids)) and {"annex-1", "annex-1-2nd"} <= set(ids)
    assert "北京市老旧小区综合整治项目验收办法" in doc
    # two attachments with their own 第一条: each article its own page, named by its anchor
    names = sorted(p.name for p in (out / "zh" / "doc" / "jingzhengbanfa-2026-99" / "article").iterdir())
    assert "annex-2-article-1" in names and "annex-3-article-1" in names and "1" not in names, names
    assert "ZQANNEX3" in page(out, "zh/doc/jingzhengbanfa-2026-99/article/annex-3-article-1")
    assert "ZQANNEX3" not in page(out, "zh/doc/jingzhengbanfa-2026-99/article/annex-2-article-1")


def test_a_numbered_document_is_labelled_with_the_genre_its_title_names(tmp_path):
    """北京市人民政府关于加快推进智慧城市建设的实施意见 (京政发〔2026〕27号) was labelled 文种 通告 / Kind Notice, "kind":
    "notice" in the data and in the search filter: every numbered document whose title did not end in 通知 or 公告
    fell back to 通告. The genre is the one its title's last word names (意见: opinions); a title that names none
    the site knows (…工作要点) has no label rather than a wrong one, null in the data."""
    import yaml
    from jsonschema import Draft202012Validator

    from generator.build import build

    proj = make_project(tmp_path)
    for name in ("opinion.txt", "work-points.txt"):
        r = ingest(proj, KINDS / name)
        assert r.returncode == 0, (name, r.stderr)
    out = tmp_path / "site"
    build(proj, out, search=False)
    filter_of = '<span hidden data-pagefind-ignore data-pagefind-filter="kind">{}</span>'.format
    zh, en = page(out, "/zh/doc/jingzhengfa-2026-27/"), page(out, "/en/doc/jingzhengfa-2026-27/")
    assert "<dt>文种</dt><dd>意见</dd>" in zh and "<dt>Kind</dt><dd>Opinions</dd>" in en
    assert filter_of("opinions") in zh and "通告" not in zh and "Notice" not in en
    zh, en = page(out, "/zh/doc/jingzhengbanfa-2026-30/"), page(out, "/en/doc/jingzhengbanfa-2026-30/")
    assert "<dt>文种</dt>" not in zh and "<dt>Kind</dt>" not in en
    assert filter_of("document") in zh  # filtered with the documents, under no genre
    api = out / "api" / "v1"
    docs = {d["id"]: d for d in json.loads((api / "documents.json").read_text("utf-8"))}
    assert docs["doc:京政发〔2026〕27号"]["kind"] == "opinions" and docs["doc:京政办发〔2026〕30号"]["kind"] is None
    schema = json.loads((api / "schema" / "documents.schema.json").read_text("utf-8"))
    assert not list(Draft202012Validator(schema).iter_errors(list(docs.values())))
    # every genre a title can name is one the data publishes and the pages and the search filter label
    from generator.kinds.circular import GENRES

    published = set(next(a["enum"] for a in schema["items"]["properties"]["kind"]["anyOf"] if "enum" in a))
    for lang in ("zh", "en"):
        words = yaml.safe_load((ROOT / f"themes/default/i18n/{lang}.yaml").read_text("utf-8"))
        assert set(GENRES.values()) <= published == set(words["doc_kinds"]) <= set(words["search_kinds"])


def test_documents_whose_numbers_read_alike_each_keep_their_page(tmp_path):
    """京教发 (education) and 京交发 (transport) read jingjiaofa without tones: their 2027年第3号 documents both had
    the address doc/jingjiaofa-2027-3, and one page silently replaced the other (found by a hostile-input
    sweep). The prefix that came out first keeps the toneless address, so that a published address does not
    change when a prefix alike arrives; the later one's documents have addresses with tone numbers, with a
    warning. The English number keeps the gazette's toneless form; the documents' other numbers are not touched."""
    from generator.build import build

    text = (ROOT / "tests/data/ingest/circular-2027-jiaowei.txt").read_text("utf-8")
    edu = text.replace("京教基一〔2027〕3号", "京教发〔2027〕3号").replace("为做好", "ZQEDU为做好", 1)
    transport = (text.replace("北京市教育委员会关于做好2027年义务教育阶段入学工作的通知", "北京市交通委员会关于做好2027年春运工作的通知")
                 .replace("京教基一〔2027〕3号", "京交发〔2027〕3号").replace("为做好", "ZQTRANS为做好", 1))
    assert "\n2027年3月15日\n" in transport
    transport = transport.replace("\n2027年3月15日\n", "\n2027年4月2日\n")  # out after the education one
    proj = make_project(tmp_path, {"2027-a.txt": edu})
    out = tmp_path / "site"
    build(proj, out, search=False)
    published = page(out, "zh/doc/jingjiaofa-2027-3")
    assert "ZQEDU" in published
    # the transport one arrives: the education one's address stays; the newcomer's carries tone numbers
    (proj / "content" / "sources" / "2027-b.txt").write_text(transport, "utf-8")
    result = build(proj, out, search=False)
    warned = [f"{w.file}:{w.line}: {w.message}" for w in result.warnings]
    assert "content/sources/2027-b.txt:1: 京交发 reads as 京教发 does without tones: the addresses of its 1 " \
           "document(s) carry tone numbers (doc/jing1jiao1fa1-…/)" in warned, warned
    assert not any("京教发 reads as" in w for w in warned), warned
    a, b = page(out, "zh/doc/jingjiaofa-2027-3"), page(out, "zh/doc/jing1jiao1fa1-2027-3")
    assert "ZQEDU" in a and "ZQTRANS" not in a and "ZQTRANS" in b and "ZQEDU" not in b
    assert not (out / "zh" / "doc" / "jing1jiao4fa1-2027-3").exists()
    assert "Jingjiaofa[2027] No. 3" in page(out, "en/doc/jing1jiao1fa1-2027-3")
    assert (out / "zh" / "doc" / "jingzhengfa-2026-1" / "index.html").is_file()  # the others as they were
    # the same sources built from scratch give the same addresses: the choice is made from the texts alone
    fresh = tmp_path / "fresh"
    build(proj, fresh, search=False)
    assert "ZQEDU" in page(fresh, "zh/doc/jingjiaofa-2027-3")
    assert "ZQTRANS" in page(fresh, "zh/doc/jing1jiao1fa1-2027-3")


def test_departments_whose_names_read_alike_stay_two_departments(tmp_path):
    """市水务局 (water) and a 市税务局 (tax) read shi-shui-wu-ju without tones: the second was registered as an
    alias of the first, and every task of the water authority named the tax service as its lead (found by a
    hostile-input sweep). Each is now a department of its own, named in addresses with tone numbers."""
    from generator.build import build

    proj = make_project(tmp_path)
    units = proj / "content" / "glossary" / "units.yaml"
    text = units.read_text("utf-8")
    water = '  - zh: "市水务局"\n    aliases: []\n    en: "Beijing Water Authority"\n    level: "city"\n'
    assert water in text
    units.write_text(text.replace(water, water + '  - zh: "市税务局"\n    aliases: []\n    en: "ZQTAX Tax Service"\n'
                                                 '    level: "city"\n'), "utf-8")
    gazette = proj / "content" / "sources" / "2026-gazette-12.txt"
    lines = gazette.read_text("utf-8").split("\n")
    assert lines[128] == "主责单位:市规划自然资源委(首规委办)"
    lines[128] += ",市税务局"
    gazette.write_text("\n".join(lines), "utf-8")
    out = tmp_path / "site"
    build(proj, out, search=False)
    api = {u["name_zh"]: u for u in json.loads((out / "api" / "v1" / "units.json").read_text("utf-8"))}
    assert api["市水务局"]["id"] != api["市税务局"]["id"] and "市水务局" not in api["市税务局"].get("aliases", [])
    water_page = page(out, "en/" + api["市水务局"]["id"])
    assert "Beijing Water Authority" in water_page and "ZQTAX" not in water_page
    assert "ZQTAX Tax Service" in page(out, "en/task/2026/1")


REPEAL = """北京市人民政府关于废止《北京市街巷环境卫生责任区管理规定》的决定
京政发〔2026〕30号
各区人民政府，市政府各委、办、局，各市属机构：
为了维护法制统一，市人民政府决定，对下列规章予以废止：
一、《北京市街巷环境卫生责任区管理规定》（2008年5月6日北京市人民政府令第205号公布）
本决定自公布之日起施行。
北京市人民政府
2026年8月3日
"""


def test_a_rule_repealed_after_its_text_says_so_on_its_pages(tmp_path):
    """A decision of the archive repealing a rule after the text shown: the rule's page and each article's page say
    that the decision repealed it, with its date; nothing beside the provisions, which no change names."""
    proj = make_project(tmp_path)
    (tmp_path / "repeal.txt").write_text(REPEAL, "utf-8")
    for path in (KINDS / "rules-no-chapters.txt", tmp_path / "repeal.txt"):
        r = ingest(proj, path)
        assert r.returncode == 0, (r.stdout, r.stderr)
    from generator.build import build

    site = tmp_path / "site"
    build(proj, site, search=False)
    rule = "rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding"
    for url in (f"/zh/{rule}/", f"/zh/{rule}/article/2/"):
        later = re.search(r'<section class="later-changes".*?</section>', page(site, url), re.S).group(0)
        assert re.findall(r'<li><a href="([^"]+)">.*?<time datetime="([^"]+)">.*?</time>）：(.*?)</li>', later) == [
            ("/zh/doc/jingzhengfa-2026-30/", "2026-08-03", "本规章已被该决定废止。")], later
        assert "amended-by" not in page(site, url)
    assert "it repealed this rule." in page(site, f"/en/{rule}/")


STANDALONE = """北京市人民政府关于修改《北京市街巷环境卫生责任区管理规定》的决定

（2026年9月1日北京市人民政府第60次常务会议通过）

市人民政府决定对《北京市街巷环境卫生责任区管理规定》作如下修改：

一、将第十条中的“环境卫生意识”修改为“环境卫生意识和文明素养”。

二、删去第十一条。

本决定自2026年10月1日起施行。

《北京市街巷环境卫生责任区管理规定》根据本决定作相应修改，重新公布。
"""


def test_a_decision_printed_without_its_decree_or_a_number_is_read(tmp_path):
    """A decision as the rules database prints it, headed by its title and its adoption (…常务会议通过), without the
    decree that promulgated it and without a number of its own, was refused as an unknown kind. It is read as a
    decree's decision is, at an address of its own (rule/<year of adoption>/<what it does>), its adoption as its
    history; its changes link the rule's provisions and the rule's page marks them."""
    proj = make_project(tmp_path)
    (tmp_path / "decision.txt").write_text(STANDALONE, "utf-8")
    for path in (KINDS / "rules-no-chapters.txt", tmp_path / "decision.txt"):
        r = ingest(proj, path)
        assert r.returncode == 0, (r.stdout, r.stderr)
    slug = "xiu-gai-bei-jing-shi-jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding-de-jue-ding-0901"
    # a document without a number is named by its address (was "new document : …")
    assert f"  new document rule/2026/{slug}: 北京市人民政府关于修改" in r.stdout
    assert (proj / "content" / "sources" / f"2026-rules-{slug}.txt").read_text("utf-8") == STANDALONE
    from generator.build import build

    site = tmp_path / "site"
    build(proj, site, search=False)
    rule = "rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding"
    dec = page(site, f"/zh/rule/2026/{slug}/")
    assert "<h1>北京市人民政府关于修改《北京市街巷环境卫生责任区管理规定》的决定</h1>" in dec
    assert "（2026年9月1日北京市人民政府第60次常务会议通过）" in dec and 'id="history-h"' in dec
    assert re.findall(r'<a class="amends" href="([^"]+)"', dec) == [f"/zh/{rule}/#article-{n}" for n in (10, 11)]
    zh = page(site, f"/zh/{rule}/")
    assert re.findall(r'<p class="amended-by" data-pagefind-ignore>(.*?)<a href="([^"]+)"', zh) == [
        ("已被修改：", f"/zh/rule/2026/{slug}/#change-1"), ("已被删去：", f"/zh/rule/2026/{slug}/#change-2")]
    assert '<time datetime="2026-09-01">2026年9月1日</time>）：修改之处已在所改条文旁标出。' in zh


def test_decisions_printed_without_a_number_under_one_title_are_two_documents(tmp_path):
    """The city adopts a 关于修改部分规章的决定 more than once in a year under one title: a second one printed without
    its decree or a number got the first one's address and was refused as a differing text of it (a review), and
    --replace or --copy, which the refusal offered, would have lost one. Each decision's address carries its day of
    adoption. Its issuer is the government, not the meeting that adopted it (which is the data's meeting); a decision
    of the same day as another amending the same rule marks nothing, since which came first is not known."""
    proj = make_project(tmp_path)
    first = STANDALONE.replace("关于修改《北京市街巷环境卫生责任区管理规定》的决定", "关于修改部分规章的决定", 1)
    second = first.replace("2026年9月1日北京市人民政府第60次", "2026年11月3日北京市人民政府第72次") \
        .replace("“环境卫生意识和文明素养”", "“环境卫生意识和公共道德”")
    same_day = STANDALONE.replace("二、删去第十一条。\n\n", "").replace("第十条", "第九条")
    for name, text in (("a.txt", first), ("b.txt", second), ("c.txt", same_day)):
        (tmp_path / name).write_text(text, "utf-8")
    for path in (KINDS / "rules-no-chapters.txt", tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"):
        r = ingest(proj, path)
        assert r.returncode == 0, (r.stdout, r.stderr)
    from generator.build import build

    site = tmp_path / "site"
    build(proj, site, search=False)
    a = page(site, "/zh/rule/2026/xiu-gai-bu-fen-gui-zhang-de-jue-ding-0901/")
    b = page(site, "/zh/rule/2026/xiu-gai-bu-fen-gui-zhang-de-jue-ding-1103/")
    assert "第60次常务会议通过" in a and "第72次常务会议通过" in b and "公共道德" in b and "公共道德" not in a
    api = [json.loads(line.rstrip(",")) for line in (site / "api/v1/documents.json").read_text("utf-8").splitlines()
           if line.startswith("{")]
    dec = next(d for d in api if d["id"] == "rule/2026/xiu-gai-bu-fen-gui-zhang-de-jue-ding-0901")
    assert dec["issuers"] == ["北京市人民政府"] and dec["metadata"]["meeting"] == "北京市人民政府第60次常务会议"
    # a and c were adopted on one day and both amend the rule: neither is put beside its provisions
    rule = page(site, "/zh/rule/2008/jie-xiang-huan-jing-wei-sheng-ze-ren-qu-guan-li-gui-ding/")
    assert "xiu-gai-bu-fen-gui-zhang-de-jue-ding-0901/#" not in rule
    assert "xiu-gai-bu-fen-gui-zhang-de-jue-ding-1103/#" not in rule  # after both: another text's numbers
    assert rule.count("修改之处未在条文旁标出（该决定所引条款编号可能属于本站未收录的另一文本），请以该决定为准。") == 3
