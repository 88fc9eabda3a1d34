"""Issue 18: pages that read like a publication — titles, meta descriptions, Open Graph and JSON-LD, whole
texts, verbatim evidence, real provenance, an honest dashboard, navigation. Checked on the built seed site (HTML,
and in Chromium at phone and desktop sizes, one load per page type; screenshots under
test-artifacts/screens/publication-*.png, besides the full set test_ui.py writes)."""
from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from conftest import ARTIFACTS, read

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _head(page_html: str) -> dict:
    title = htmllib.unescape(re.search(r"<title>(.*?)</title>", page_html, re.S).group(1))
    desc = re.search(r'<meta name="description" content="([^"]*)">', page_html)
    og = dict(re.findall(r'<meta property="(og:[a-z:_]+)" content="([^"]*)">', page_html))
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page_html, re.S)
    return {"title": title, "description": htmllib.unescape(desc.group(1)) if desc else "",
            "og": {k: htmllib.unescape(v) for k, v in og.items()},
            "ld": json.loads(ld.group(1)) if ld else None,
            "icon": bool(re.search(r'<link rel="icon" href="/assets/img/favicon\.[0-9a-f]+\.svg"', page_html))}


# ---------------------------------------------------------------------------------------------------- point 1
@pytest.mark.parametrize("url, title, kind", [
    ("/zh/task/2026/20/", "任务20　促进通勤圈一体发展", "CreativeWork"),
    ("/en/task/2026/20/", "Task 20: Promote integrated development of the commuting circle", "CreativeWork"),
    ("/en/livelihood/2026/2.2/", "2.2 Add 5,000 home-based elderly care beds ·", "CreativeWork"),  # 5,000 is a figure
    ("/en/livelihood/2026/7.1/", "7.1 Ensure that Rail Transit Line 22 (Hongmiao–Pinggu) basically meets the", "CreativeWork"),
    ("/en/progress/2025/daxing/4/", "Daxing District 2025, item 4: Further consolidate the foundation", "CreativeWork"),
    ("/zh/doc/jingzhengfa-2026-1/", "北京市人民政府关于印发《2026年市政府工作报告重点任务清单》的通知", "Legislation"),
    ("/en/gazette/2026/12/", "", "PublicationIssue"),
    ("/en/report/2026/", "", "Report"),
    ("/en/progress/2025/daxing/", "", "Dataset"),
    ("/en/unit/shi-fa-zhan-gai-ge-wei/", "Beijing Municipal Commission of Development and Reform", "GovernmentOrganization"),
    ("/en/note/2026-03-30-task-2026-20-en/", "", "Article"),
    ("/en/", "Beijing Government Documents", "WebSite"),
])
def test_pages_are_titled_described_and_typed(site, url, title, kind):
    h = _head(read(site, url))
    assert h["title"].startswith(title), h["title"]
    assert not re.search(r"^(任务|Task )\d+ ·|Livelihood project \d|item \d+ ·", h["title"]), h["title"]
    assert len(h["description"]) >= 15 and h["description"] != h["title"], h["description"]
    assert {"og:title", "og:description", "og:url", "og:type", "og:site_name", "og:locale"} <= set(h["og"])
    assert h["og"]["og:url"].endswith(url)
    assert h["ld"]["@type"] == kind and h["ld"]["url"] == h["og"]["og:url"] and h["icon"]
    if url.count("/") > 2:  # every page but the home page carries its breadcrumb trail
        trail = h["ld"]["breadcrumb"]["itemListElement"]
        assert trail[0]["position"] == 1 and trail[-1]["item"].endswith(url)


def test_gazette_addresses_are_links_and_qr_captions_say_the_codes_are_missing(site):
    g = read(site, "/zh/gazette/2026/12/")
    assert "&lt;http" not in g and '<a href="http://www.beijing.gov.cn" rel="external">' in g
    assert "扫描二维码 <small class=\"aside\">（原刊此处印有二维码，本站未收录）</small>" in g


def test_a_description_does_not_say_the_title_twice(site):
    """The report's description was '2026年政府工作报告：2026年政府工作报告，2026年1月25日，…': its title, then its
    citation, which begins with the title (a researcher's review)."""
    for url in ("/zh/report/2026/", "/en/report/2026/"):
        h = _head(read(site, url))
        title = h["title"].split(" · ")[0]
        assert h["description"].count(title) == 1 and h["description"].startswith(title), (url, h["description"])


def test_a_task_is_described_by_its_own_text(site):
    h = _head(read(site, "/en/task/2026/20/"))
    assert h["description"].startswith("Promote integrated development of the commuting circle, ensure that")
    assert h["ld"]["translationOfWork"]["@id"].endswith("/zh/task/2026/20/")


def test_every_page_has_a_description_open_graph_and_json_ld(site):
    missing = []
    for p in list((site / "zh").rglob("*.html")) + list((site / "en").rglob("*.html")):
        h = _head(p.read_text("utf-8"))
        if not (h["description"] and "og:title" in h["og"] and h["ld"] and h["icon"]):
            missing.append(p.relative_to(site).as_posix())
    assert not missing, missing[:10]


# ---------------------------------------------------------------------------------------------------- point 4
def test_every_evidence_string_is_verbatim_in_its_source(corpus):
    """Every quoted string of every link stands, exactly as written, in the text its span names; every rule
    link's evidence string is the text of one of its spans (none made up by the comparison's cleaning)."""
    from generator.link.evidence import passage

    checked = 0
    for link in corpus.links:
        for sp in link.spans:
            assert passage(corpus, sp.item)[sp.start:sp.end] == sp.text, (link.src, link.dst, sp)
            checked += 1
        if link.kind in ("cites", "amends"):  # the citation as the citing document writes it
            text = "".join(b.text for b in corpus.documents[link.src].blocks)
            assert all(e.replace(" ", "") in text.replace(" ", "") for e in link.evidence), link
            continue
        assert link.spans, (link.src, link.dst, link.evidence)
        assert set(link.evidence) <= {sp.text for sp in link.spans}, (link.src, link.dst, link.evidence)
    assert checked > 3000


def test_evidence_keeps_the_punctuation_of_the_source(corpus):
    ev = {e for l in corpus.links for e in l.evidence}
    assert any("火器营站A2口、纪家庙站C口" in e for e in ev)
    assert not any("火器营站2口纪家庙站口" in e for e in ev)


@pytest.mark.browser
def test_related_panel_quotes_in_context(page, server):
    """Phone size, English: the quoted words are marked inside their Chinese sentence, the passage's English
    is shown first, no score, groups named by relation, lead units not repeated, About the links linked."""
    page.set_viewport_size(PHONE)
    page.goto(server + "/en/task/2026/20/")
    panel = page.locator("section.links")
    text = panel.inner_text()
    assert "Score" not in text and "led by" not in text.lower()
    assert panel.locator("h3").all_inner_texts() == ["Details the work report's commitment",
                                                    "Implemented by the livelihood project"]
    marks = panel.locator("blockquote.evidence p[lang=zh-CN] mark").all_inner_texts()
    assert "打造现代化首都都市圈" in marks and "基本具备开通条件" in marks
    en = panel.locator("blockquote.evidence p:not([lang])").all_inner_texts()
    assert any(e.startswith("Ensure that Rail Transit Line 22") for e in en)
    assert panel.locator("a[href='/en/about/links/']").count() == 1
    units = page.locator("ul.units-list li").all_inner_texts()
    assert len(units) == 4 and "Beijing Municipal Commission of Transport" in units
    page.screenshot(path=str(_shots() / "publication-task-en-390.png"), full_page=True)
    page.goto(server + "/zh/about/links/")
    assert page.locator("dl.link-kinds dt").count() == 5


# ---------------------------------------------------------------------------------------------------- point 2
@pytest.mark.browser
def test_task_list_overview_is_short_and_never_cuts_a_word(page, server):
    page.set_viewport_size(PHONE)
    page.goto(server + "/en/tasklist/2026/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 99_942 / 4, height  # a quarter of the 99,942 px the issue measured
    gists = page.locator("ol.gists li").all_inner_texts()
    assert len(gists) == 308
    for g in gists:
        body = g.split(" ", 1)[1].strip()
        if body.endswith("…"):  # cut: after a whole word, never inside one
            assert re.search(r"[A-Za-z)\]’”'\"]…$", body) and not re.search(r"\s…$", body), body
    page.screenshot(path=str(_shots() / "publication-tasklist-en-390.png"))
    # the whole text is one page: every task, in full, with its lead units
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/zh/doc/jingzhengfa-2026-1/")
    assert page.locator("p.blk-task").count() == 308 and page.locator("p.blk-units").count() == 308
    assert page.locator("p.blk-task a.num").first.inner_text() == "1."


def _shots():
    d = ARTIFACTS / "screens"
    d.mkdir(parents=True, exist_ok=True)
    return d


# ---------------------------------------------------------------------------------------------------- point 3
def test_variant_passages_are_shown_once_and_named_by_publication(site):
    for lang, name in (("zh", "京政发〔2026〕1号网络版（任务1—64）"), ("en", "web edition of Jingzhengfa[2026] No. 1")):
        doc = read(site, f"/{lang}/doc/jingzhengfa-2026-1/")
        body = doc[doc.index('<div class="doc-body">'):]
        assert body.count('<details class="variant">') == 3
        assert sum(name in s for s in re.findall(r'<details class="variant"><summary>(.*?)</summary>', body)) == 3
    zh = read(site, "/zh/doc/jingzhengfa-2026-1/")
    zh = zh[zh.index('<div class="doc-body">'):]
    assert zh.count("一、坚持首善标准") == 2  # the gazette's paragraph, and the web copy's in its collapsed note
    assert zh.index("各区人民政府要以习近平") < zh.index("各区政府要以习近平")


def test_provenance_names_publications_not_files(site):
    task = read(site, "/zh/task/2026/20/")
    prov = task[task.index('class="provenance"'):]
    assert "北京市人民政府公报 2026年第12期（总第936期），第5页起" in prov
    assert "京政发〔2026〕1号网络版（任务1—64）" in prov
    for p in list((site / "zh").rglob("*.html")) + list((site / "en").rglob("*.html")):
        if "/data/" in p.as_posix() or "/glossary/" in p.as_posix():  # the data and glossary pages cite files
            continue
        assert "content/sources/" not in p.read_text("utf-8"), p


# ---------------------------------------------------------------------------------------------------- point 5
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_is_honest_and_one_card_per_row_on_a_phone(page, server, lang):
    page.set_viewport_size(PHONE)
    page.goto(server + f"/{lang}/progress/2025/daxing/")
    as_of = page.locator("p.as-of time")
    assert as_of.get_attribute("datetime") == "2025-06-30"
    chart = page.locator("svg.dashboard").inner_html()
    assert ("66% (target 70%)" if lang == "en" else "66% (目标 70%)") in chart
    assert "(94%)" not in chart  # 66 % is not shown as a share of the 70 % target
    boxes = page.evaluate("""() => [...document.querySelectorAll('.progress-table tbody tr')].map(tr => {
        const r = tr.getBoundingClientRect(); return [r.left, r.top, r.width]; })""")
    assert len(boxes) == 22
    tops = [b[1] for b in boxes]
    assert tops == sorted(tops) and len(set(round(t) for t in tops)) == 22  # stacked: one card per row
    assert all(b[2] <= 390 for b in boxes)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    page.screenshot(path=str(_shots() / f"publication-progress-{lang}-390.png"), full_page=True)


# ---------------------------------------------------------------------------------------------------- point 6
@pytest.mark.browser
def test_navigation_pager_notes(page, server):
    page.set_viewport_size(DESKTOP)
    page.goto(server + "/en/task/2026/20/")
    assert page.locator(".site-nav [aria-current]").inner_text() == "Priority Task List"
    # body text is not a link: only numbers and headings are
    page.goto(server + "/en/livelihood/2026/")
    assert page.locator("ol.items li > a").first.inner_text() == "1.1"
    page.goto(server + "/en/report/2026/3.1/")
    pager = page.locator("nav.pager")
    assert pager.locator("a[rel=next]").get_attribute("href") == "/en/report/2026/3.2/"
    assert pager.locator("a.pager-up").get_attribute("href") == "/en/report/2026/3/"
    for url in ("/en/report/2026/3.1.1/", "/en/livelihood/2026/7/", "/en/livelihood/2026/7.1/",
                "/en/progress/2025/daxing/5/", "/en/tasklist/2026/1.4/"):
        page.goto(server + url)
        assert page.locator("nav.pager a.pager-up").count() == 1, url
    page.goto(server + "/en/note/")
    assert page.locator(".site-nav [aria-current]").inner_text() == "Editors' notes"
    assert page.locator("ul.notes-index > li").count() >= 3
    page.screenshot(path=str(_shots() / "publication-notes-en-1280.png"), full_page=True)


def test_empty_notes_panels_are_hidden_and_other_language_notes_announced(site, corpus):
    assert 'class="panel notes"' not in read(site, "/en/task/2026/21/")
    from generator.notes import translations

    versions = translations(corpus.notes)
    lonely = [n for n in corpus.notes if n.id not in versions]
    for n in lonely:  # a note with no version in the other language is shown there, announced
        other = "en" if n.lang == "zh" else "zh"
        from generator.site.urls import url_for

        page = read(site, url_for(n.refs[0], other))
        assert 'class="note-lang"' in page and n.title in htmllib.unescape(page)
