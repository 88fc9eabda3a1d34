"""Issue 6: editors' Markdown notes."""
from __future__ import annotations

import datetime
import re
import os
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, make_project, read, sitemap_urls


def run(*args):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True)


def test_notes_parsed(corpus):
    assert len(corpus.notes) >= 6
    assert {n.lang for n in corpus.notes} == {"zh", "en"}
    kinds = {r.split("/")[0].split(":")[0] for n in corpus.notes for r in n.refs}
    assert {"task", "livelihood", "progress", "doc", "report", "tasklist"} <= kinds
    pair = [n for n in corpus.notes if n.translation_key == "line22"]
    assert sorted(n.lang for n in pair) == ["en", "zh"]


def test_note_page_and_inline_references(site):
    zh = read(site, "/zh/note/2026-03-30-task-2026-20-zh/")
    # an item cited inline is named by what it is: its number and the opening of its text
    assert '<a href="/zh/task/2026/20/">任务20　促进通勤圈一体发展</a>' in zh
    assert '<a href="/zh/livelihood/2026/7.1/">7.1　轨道交通22号线（红庙—平谷）基本具备开通条件</a>' in zh
    assert "<table>" in zh and 'class="footnote' in zh  # tables and footnotes from mdit-py-plugins
    en = read(site, "/en/note/2026-03-30-task-2026-20-en/")
    assert '<a href="/en/task/2026/20/">Task 20: Promote integrated development of the commuting circle</a>' in en


def test_notes_panel_on_referenced_pages_newest_first(site):
    html = read(site, "/zh/task/2026/20/")
    panel = html[html.index('id="notes-h"'):]
    assert "22号线平谷段：任务清单与民生实事的同一项承诺" in panel
    html = read(site, "/zh/livelihood/2026/2.2/")
    assert "家庭养老床位5000张：三份文件里的同一个数字" in html
    en = read(site, "/en/progress/2025/daxing/5/")
    assert "Daxing affordable housing: 2,809 of 4,000 units" in en
    # zh notes are not shown on en pages and vice versa
    assert "22号线平谷段" not in read(site, "/en/task/2026/20/")


def test_notes_in_feeds_and_search_index(site):
    feed = (site / "zh" / "feed.xml").read_text("utf-8")
    assert "家庭养老床位5000张" in feed
    note = read(site, "/en/note/2026-04-05-progress-2025-daxing-5-en/")
    assert "data-pagefind-body" in note


def _note(proj, name, text):
    (proj / "content" / "notes" / name).write_text(text, "utf-8")


def test_unknown_inline_reference_is_an_error_with_line(tmp_path):
    proj = make_project(tmp_path)
    _note(proj, "bad.md", "---\ntitle: t\nlang: zh\ndate: 2026-05-01\nauthor: a\nrefs: [task/2026/20]\n---\n\n"
                          "第一行\n\n见 [[task/2026/999]]。\n")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "content/notes/bad.md:11: unknown reference [[task/2026/999]]" in r.stderr


def test_markdown_nested_past_the_readers_limit_is_an_error_not_lost_text(tmp_path):
    """Quotes 20 deep, or a list 10 levels deep, are where markdown-it stops reading (its nesting limit): the
    note built with exit 0 and the text below the limit was on no page (a hostile-input review). Now an error
    names the first line that would be lost; 19 quotes deep is read."""
    proj = make_project(tmp_path)
    head = "---\ntitle: t\nlang: zh\ndate: 2026-05-01\nauthor: a\nrefs: [task/2026/20]\n---\n\n第一行\n\n"
    _note(proj, "quotes.md", head + "> " * 20 + "最深处的一句\n")
    _note(proj, "list.md", head + "\n".join("  " * i + f"- 第{i}层" for i in range(12)) + "\n")
    r = _check(proj)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "content/notes/quotes.md:11: quotes or lists nested too deep: the Markdown reader stops here" in r.stderr
    assert "content/notes/list.md:20: quotes or lists nested too deep" in r.stderr
    assert "(expected at most 19 levels of quotes and lists inside one another)" in r.stderr
    _note(proj, "quotes.md", head + "> " * 19 + "最深处的一句\n")
    # valid Markdown the reader reads in full: a link definition with its title on the next line, one in a list
    # (the first version of this check took both for lines left unread)
    _note(proj, "list.md", head + "见[来源][a]。\n\n[a]: https://example.org\n  \"Title\"\n\n- [b]: https://example.org\n")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "build", "--no-search"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "最深处的一句" in (proj / "build/zh/note/quotes/index.html").read_text("utf-8")
    assert 'href="https://example.org"' in (proj / "build/zh/note/list/index.html").read_text("utf-8")


def test_unknown_ref_and_malformed_front_matter(tmp_path):
    proj = make_project(tmp_path)
    _note(proj, "a.md", "---\ntitle: t\nlang: zh\ndate: 2026-05-01\nauthor: a\nrefs: [task/2026/0]\n---\nx\n")
    _note(proj, "b.md", "---\ntitle: [unclosed\nlang: zh\n---\nx\n")
    _note(proj, "c.md", "no front matter here\n")
    _note(proj, "d.md", "---\ntitle: t\nlang: fr\ndate: 2026-05-01\nauthor: a\nrefs: [task/2026/1]\n---\nx\n")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "content/notes/a.md:6: unknown reference 'task/2026/0'" in r.stderr
    assert "content/notes/b.md:3: invalid YAML: did not find expected ',' or ']'" in r.stderr
    assert "content/notes/c.md:1: note without YAML front matter" in r.stderr
    assert "content/notes/d.md:3: unknown language 'fr' (expected zh or en)" in r.stderr


XSS = """---
title: "<script>alert('t')</script>"
lang: en
date: 2026-05-02
author: "x<img src=x onerror=alert(1)>"
refs: [task/2026/1]
---

<script>alert(1)</script>

<img src=x onerror="alert(2)">

<style>body{display:none}</style>

[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://www.beijing.gov.cn/)

<a href="javascript:alert(4)">raw</a> <iframe src="https://example.org"></iframe>

[[task/2026/1]]
"""


def elements(html: str) -> list[tuple[str, list]]:
    from html.parser import HTMLParser

    found = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    P().feed(html)
    return found


def test_notes_cannot_inject_script_or_style(tmp_path):
    from generator.build import build

    proj = make_project(tmp_path)
    _note(proj, "xss.md", XSS)
    out = tmp_path / "out"
    build(proj, out, search=False)
    html = (out / "en" / "note" / "xss" / "index.html").read_text("utf-8")
    body = html[html.index("<main"):html.index("</main>")]
    tags = elements(body)
    names = {t for t, _ in tags}
    assert not names & {"script", "style", "iframe", "img", "object", "embed"}
    for t, attrs in tags:
        for k, v in attrs:
            assert not k.startswith("on"), (t, k)
            if k in ("href", "src"):
                assert not (v or "").lower().startswith(("javascript:", "data:", "vbscript:")), (t, v)
    hrefs = [dict(a).get("href") for t, a in tags if t == "a"]
    assert "https://www.beijing.gov.cn/" in hrefs and "/en/task/2026/1/" in hrefs
    assert "&lt;script&gt;" in body  # shown as text, not run
    # the panel on the task page is sanitised too
    task = (out / "en" / "task" / "2026" / "1" / "index.html").read_text("utf-8")
    for t, attrs in elements(task):
        assert t != "script" or dict(attrs).get("src", "").startswith("/assets/") \
            or dict(attrs).get("type") == "application/ld+json"  # the page's schema.org data, made by the build
        assert not any(k.startswith("on") for k, _ in attrs)
        assert not dict(attrs).get("href", "").lower().startswith("javascript:")


def _write_body(path, text: str) -> None:
    """An editor writes the note's text in place of its body (new-note's placeholder line)."""
    front = path.read_text("utf-8").split("\n---\n", 1)[0]
    path.write_text(f"{front}\n---\n\n{text}\n" if text else f"{front}\n---\n", "utf-8")


def test_new_note_refuses_a_title_a_page_cannot_show(tmp_path):
    """A --title or --author with a control character, or with bytes of the command line that are not UTF-8,
    is refused naming the flag: such a title passed `check` and then stopped the build with an internal error
    in the feed (a hostile-input sweep); a non-UTF-8 one was an internal error at once."""
    proj = make_project(tmp_path)
    before = sorted(p.name for p in (proj / "content" / "notes").iterdir())
    for flag, value, code in (("--title", "a\x01b", "U+0001"), ("--author", "x\x1b[31m", "U+001B"),
                              ("--title", os.fsdecode(b"bad\xff"), "U+DCFF")):
        r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "new-note", "--ref", "task/2026/20",
                            flag, value], capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert f"{flag}: has the character {code}, which a page cannot show" in r.stderr, r.stderr
    assert sorted(p.name for p in (proj / "content" / "notes").iterdir()) == before


def test_new_note_scaffold_is_named_signed_and_refused_until_written(tmp_path):
    """Issue 20 point 5: the default author comes from the note's language (the theme's note_author), the
    title is the item's name (a task: its number and the opening of its text), and the placeholder body
    fails `check`, naming the file and line, until it is replaced by a text."""
    from generator.scaffold import new_note

    proj = make_project(tmp_path)
    day = datetime.date(2026, 6, 1)
    new_note(proj, ref="task/2026/20", lang="en", today=day)
    new_note(proj, ref="task/2026/20", lang="zh", today=day)
    new_note(proj, ref="livelihood/2026/7.1", lang="en", today=day)
    notes = proj / "content" / "notes"
    en, zh, sub = (notes / f"2026-06-01-{n}.md" for n in ("task-2026-20-en", "task-2026-20-zh", "livelihood-2026-7-1-en"))
    meta = {p: yaml.safe_load(p.read_text("utf-8").split("---")[1]) for p in (en, zh, sub)}
    assert meta[en]["author"] == "Editorial team" and meta[zh]["author"] == "编辑部"
    # titled by the item's name: its number and the opening of its text, cut at punctuation
    assert meta[en]["title"] == "Task 20: Promote integrated development of the commuting circle"
    assert meta[zh]["title"] == "任务20　促进通勤圈一体发展"
    assert meta[sub]["title"].startswith("7.1 Ensure that Rail Transit Line 22 (Hongmiao–Pinggu)")
    assert meta[en]["refs"] == ["task/2026/20"] and meta[en]["lang"] == "en"

    def check():
        return subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"],
                              capture_output=True, text=True, cwd=ROOT)

    r = check()
    assert r.returncode == 1 and "Traceback" not in r.stderr
    for p in (en, zh, sub):
        line = p.read_text("utf-8").split("\n").index(next(l for l in p.read_text("utf-8").split("\n")
                                                            if l.startswith("<!-- new-note:"))) + 1
        assert (f"content/notes/{p.name}:{line}: the note still has the placeholder new-note wrote "
                "(expected the note's text in place of this line)") in r.stderr
    # deleting the placeholder without writing anything is no better
    for p in (en, zh, sub):
        _write_body(p, "")
    r = check()
    assert r.returncode == 1 and f"content/notes/{en.name}:9: the note has no text" in r.stderr
    _write_body(en, "The line is due to open this year; see [[livelihood/2026/7.1]].")
    _write_body(zh, "见 [[livelihood/2026/7.1]]。")
    _write_body(sub, "Same line as [[task/2026/20]].")
    r = check()
    assert r.returncode == 0, r.stderr
    assert "8 notes" not in r.stdout and "9 notes" in r.stdout  # the six seeds' and these three

    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "new-note", "--ref", "task/2026/999"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "unknown reference 'task/2026/999'" in r.stderr


def test_new_note_while_another_is_a_draft(tmp_path):
    """A draft that does not build yet does not stop the next scaffold (the zh and en notes of one item)."""
    proj = make_project(tmp_path)
    for lang in ("zh", "en"):
        r = subprocess.run([sys.executable, "-m", "generator", "new-note", "--root", str(proj), "--ref",
                            "progress/2025/daxing/5", "--lang", lang], capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip().endswith(f"-progress-2025-daxing-5-{lang}.md")


# ---------------------------------------------------------------- translations, alternates and links
BASE = "https://beijing-gov-docs.netlify.app"


def _target(site, url: str):
    """The file a site-internal URL serves, or None for an external one."""
    url = url.split("#")[0].split("?")[0]
    if url.startswith(BASE):
        url = url[len(BASE):] or "/"
    if not url.startswith("/") or url.startswith("//"):
        return None
    path = site / url.lstrip("/")
    return path / "index.html" if url.endswith("/") else path


def _ids(html: str) -> set[str]:
    return {v for _, attrs in elements(html) for k, v in attrs if k == "id"}


def test_every_link_and_alternate_on_note_pages_resolves(site):
    pages = sorted(site.glob("*/note/*/index.html"))
    assert len(pages) >= 6
    for page in pages:
        html = page.read_text("utf-8")
        ids = _ids(html)
        for tag, attrs in elements(html):
            a = dict(attrs)
            for k in ("href", "src"):
                url = a.get(k)
                if not url:
                    continue
                if url.startswith("#"):
                    assert url[1:] in ids, (page, url)
                    continue
                target = _target(site, url)
                assert target is None or target.is_file(), (page.relative_to(site), tag, url)


def test_every_hreflang_alternate_in_pages_and_sitemap_exists(site):
    alternates = re.compile(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"')
    checked = 0
    for page in site.rglob("*.html"):
        for url in alternates.findall(page.read_text("utf-8")):
            assert _target(site, url).is_file(), (page.relative_to(site), url)
            checked += 1
    sitemap = sitemap_urls(site)
    for url in re.findall(r'<xhtml:link rel="alternate" hreflang="[^"]+" href="([^"]+)"', sitemap):
        assert _target(site, url).is_file(), url
        checked += 1
    assert checked > 2000


def _switch(html: str) -> str:
    return re.search(r'<a class="lang-switch" href="([^"]+)"', html).group(1)


def test_notes_with_one_translation_key_are_each_others_alternate(site):
    zh_url, en_url = "/zh/note/2026-03-30-task-2026-20-zh/", "/en/note/2026-03-30-task-2026-20-en/"
    zh, en = read(site, zh_url), read(site, en_url)
    assert _switch(zh) == en_url and _switch(en) == zh_url
    assert f'<link rel="alternate" hreflang="en" href="{BASE}{en_url}">' in zh
    assert f'<link rel="alternate" hreflang="zh-CN" href="{BASE}{zh_url}">' in en
    sitemap = sitemap_urls(site)
    row = re.search(rf"<url><loc>{re.escape(BASE + zh_url)}</loc>.*?</url>", sitemap).group(0)
    assert f'hreflang="en" href="{BASE}{en_url}"' in row


def test_note_without_translation_switches_to_what_it_is_about(site):
    url = "/zh/note/2026-04-02-livelihood-2026-2-2-zh/"
    html = read(site, url)
    # no translation: the switch goes to the English page of the item the note annotates ...
    assert _switch(html) == "/en/livelihood/2026/2.2/"
    # ... which is not declared as this page's alternate (it is not a translation), in the page or the sitemap
    assert 'hreflang="en" href="' + BASE not in html
    sitemap = sitemap_urls(site)
    row = re.search(rf"<url><loc>{re.escape(BASE + url)}</loc>.*?</url>", sitemap).group(0)
    assert 'hreflang="en"' not in row and 'hreflang="zh-CN"' in row
    assert _switch(read(site, "/en/note/2026-04-05-progress-2025-daxing-5-en/")) == "/zh/progress/2025/daxing/5/"


# ---------------------------------------------------------------- inline references count as refs
def test_inline_references_are_refs_once(corpus):
    note = next(n for n in corpus.notes if n.id == "note/2026-03-30-task-2026-20-zh")
    # task/2026/20 is in the front matter and cited twice inline; report/2026/3.1.4 only inline
    assert note.refs == ["task/2026/20", "livelihood/2026/7.1", "report/2026/3.1.4"]


def test_panel_lists_notes_that_cite_the_item_inline(site):
    html = read(site, "/zh/report/2026/3.1.4/")
    panel = html[html.index('id="notes-h"'):]
    assert "22号线平谷段：任务清单与民生实事的同一项承诺" in panel
    assert "家庭养老床位5000张" in read(site, "/zh/progress/2025/daxing/1/")
    task = read(site, "/zh/task/2026/20/")
    assert task.count('href="/zh/note/2026-03-30-task-2026-20-zh/"') == 1  # cited three times, listed once


# ---------------------------------------------------------------- a throwaway project with notes of our own
FM = "---\ntitle: {title}\nlang: {lang}\ndate: {date}\nauthor: a\nrefs: [{refs}]\n{extra}---\n\n{body}\n"


@pytest.fixture(scope="module")
def notes_site(tmp_path_factory):
    """A copy of the project with extra notes on task/2026/1, built once."""
    from generator.build import build

    tmp = tmp_path_factory.mktemp("notes")
    proj = make_project(tmp)
    # file names sort against the dates, so the panel order can only come from the dates
    _note(proj, "a-old.md", FM.format(title="旧注", lang="zh", date="2026-05-01", refs="task/2026/1", extra="",
                                      body="较早。"))
    _note(proj, "b-new.md", FM.format(title="新注", lang="zh", date="2026-06-01", refs="task/2026/1", extra="",
                                      body="最新。"))
    _note(proj, "c-mid.md", FM.format(title="中注", lang="zh", date="2026-05-15", refs="task/2026/2", extra="",
                                      body="只在正文里引用 [[task/2026/1]]，两次：[[task/2026/1]]。"))
    code = ("In code the id stays as it is: `[[task/2026/1]]` and `[[task/2026/999]]`.\n\n"
            "```\n[[task/2026/1]]\n[[no/such/id]]\n```\n\n    [[task/2026/1]] indented\n\n"
            "Outside code it is a link: [[task/2026/1]].")
    _note(proj, "code.md", FM.format(title="Code", lang="en", date="2026-05-02", refs="task/2026/3", extra="",
                                     body=code))
    # a byte-order mark and Windows line ends are fine
    bom = FM.format(title="带BOM", lang="zh", date="2026-05-03", refs="task/2026/3", extra="", body="正文 [[task/2026/3]]")
    (proj / "content" / "notes" / "bom.md").write_bytes(b"\xef\xbb\xbf" + bom.replace("\n", "\r\n").encode("utf-8"))
    # a pair by translation_key, and one file in both languages
    _note(proj, "pair-zh.md", FM.format(title="成对", lang="zh", date="2026-05-04", refs="task/2026/4",
                                        extra="translation_key: pair\n", body="中文。"))
    _note(proj, "pair-en.md", FM.format(title="Pair", lang="en", date="2026-05-04", refs="task/2026/4",
                                        extra="translation_key: pair\n", body="English."))
    _note(proj, "both.md", FM.format(title="Both", lang="[zh, en]", date="2026-05-05", refs="task/2026/5", extra="",
                                     body="Both."))
    out = tmp / "out"
    build(proj, out, search=False)
    return out


def test_panel_lists_notes_newest_first(notes_site):
    html = read(notes_site, "/zh/task/2026/1/")
    panel = html[html.index('id="notes-h"'):]
    positions = [panel.index(t) for t in ("新注", "中注", "旧注")]
    assert positions == sorted(positions), positions
    assert panel.count('href="/zh/note/c-mid/"') == 1


def test_xref_stays_literal_in_code(notes_site):
    html = read(notes_site, "/en/note/code/")
    body = html[html.index('<div class="note-body">'):html.index("</article>")]
    assert "<code>[[task/2026/1]]</code>" in body and "<code>[[task/2026/999]]</code>" in body
    assert "<pre><code>[[task/2026/1]]\n[[no/such/id]]\n</code></pre>" in body
    assert "<pre><code>[[task/2026/1]] indented\n</code></pre>" in body
    assert body.count('<a href="/en/task/2026/1/"') == 1  # only the one outside code
    assert "[Task 1]" not in body and "](/en/" not in body


def test_note_with_byte_order_mark_and_crlf(notes_site):
    html = read(notes_site, "/zh/note/bom/")
    assert "<h1>带BOM</h1>" in html and '<a href="/zh/task/2026/3/"' in html


def test_translation_pairs_in_a_new_project(notes_site):
    assert _switch(read(notes_site, "/zh/note/pair-zh/")) == "/en/note/pair-en/"
    assert _switch(read(notes_site, "/en/note/pair-en/")) == "/zh/note/pair-zh/"
    assert _switch(read(notes_site, "/zh/note/both-zh/")) == "/en/note/both-en/"
    assert _switch(read(notes_site, "/en/note/code/")) == "/zh/task/2026/3/"


# ---------------------------------------------------------------- malformed notes: file:line, never a traceback
def _check(proj):
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True,
                          text=True, cwd=ROOT)


def test_malformed_notes_are_errors_with_file_and_line(tmp_path):
    proj = make_project(tmp_path)
    ok = dict(title="t", lang="zh", refs="task/2026/20", extra="", body="x")
    _note(proj, "date.md", FM.format(date="2026-13-45", **ok))
    _note(proj, "date2.md", FM.format(date='"2026-02-30"', **ok))
    (proj / "content" / "notes" / "latin1.md").write_bytes(
        FM.format(date="2026-05-01", **ok).encode("utf-8") + "caf\u00e9\n".encode("latin-1"))
    _note(proj, "open.md", "---\ntitle: t\nlang: zh\n\nbody\n")
    _note(proj, "key1.md", FM.format(date="2026-05-01", **{**ok, "extra": "translation_key: k\n"}))
    _note(proj, "key2.md", FM.format(date="2026-05-01", **{**ok, "extra": "tags: [x]\ntranslation_key: k\n"}))
    _note(proj, "lines.md", FM.format(date="2026-05-01", **{**ok, "body": "| a | b |\n|---|---|\n| [[task/2026/1]] | "
                                                                        "[[task/2026/0]] |\n\n- item\n  more "
                                                                        "[[task/2026/998]]\n"}))
    r = _check(proj)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    err = r.stderr
    assert "content/notes/date.md:4: bad date '2026-13-45'" in err
    assert "content/notes/date2.md:4: bad date '2026-02-30'" in err
    assert "content/notes/latin1.md:10: not UTF-8" in err
    assert "content/notes/open.md:1: front matter opened on this line has no closing ---" in err
    assert "content/notes/key2.md:8: translation_key 'k' is already used by the zh note content/notes/key1.md" in err
    assert "content/notes/lines.md:11: unknown reference [[task/2026/0]]" in err
    assert "content/notes/lines.md:14: unknown reference [[task/2026/998]]" in err


def test_serve_shows_the_broken_note(tmp_path, capsys):
    from generator.serve import _build

    proj = make_project(tmp_path)
    (proj / "content" / "notes" / "bad.md").write_bytes(b"---\ntitle: \xff\n---\n")
    _build(proj, tmp_path / "out", search=False)
    out = capsys.readouterr().out
    assert "build failed" in out and "content/notes/bad.md:2: not UTF-8" in out
    assert "crashed" not in out


def test_scaffolded_zh_and_en_notes_are_a_pair(tmp_path):
    from generator.build import load_all
    from generator.notes import translations
    from generator.scaffold import new_note

    proj = make_project(tmp_path)
    day = datetime.date(2026, 6, 2)
    new_note(proj, ref="task/2026/20", lang="zh", today=day, title='引号"与\\反斜杠')
    new_note(proj, ref="task/2026/20", lang="en", today=day)
    for lang in ("zh", "en"):
        _write_body(proj / "content" / "notes" / f"2026-06-02-task-2026-20-{lang}.md", "[[task/2026/20]]")
    notes = {n.id: n for n in load_all(proj)[2].notes}
    zh, en = notes["note/2026-06-02-task-2026-20-zh"], notes["note/2026-06-02-task-2026-20-en"]
    assert zh.title == '引号"与\\反斜杠'
    assert zh.translation_key == en.translation_key == "2026-06-02-task-2026-20"
    assert translations(list(notes.values()))[zh.id] == {"en": en}


def test_documents_cited_with_any_bracket_form(tmp_path):
    """A document cited as printed, with half- or full-width square brackets, is the same document."""
    from generator.build import build

    proj = make_project(tmp_path)
    _note(proj, "brackets.md", "---\ntitle: 括号\nlang: zh\ndate: 2026-05-01\nauthor: 编辑部\n"
                               "refs: ['doc:京政办发[2026]4号']\n---\n\n另见 [[doc:京政发［2026］1号]]。\n")
    out = tmp_path / "out"
    build(proj, out, search=False)
    page = read(out, "/zh/note/brackets/")
    assert 'href="/zh/doc/jingzhengfa-2026-1/"' in page
    assert "/zh/note/brackets/" in read(out, "/zh/doc/jingzhengbanfa-2026-4/")  # shown in the doc's notes panel


def test_notes_shown_together_keep_every_id_unique_and_a_chinese_file_name_its_own_address(tmp_path):
    """Two notes with footnotes [^1] on one item page, and a note whose headings are the theme's own ids (main,
    q-top): each id once per page, each footnote link going to its own note's footnote. A note named in Chinese
    only (笔记.md) gets a pinyin address of its own, not the notes index's; a name with nothing to make an
    address from is an error naming the file."""
    from generator.build import build

    proj = make_project(tmp_path)
    front = "---\ntitle: {t}\nlang: zh\ndate: 2026-05-0{d}\nauthor: 编辑部\nrefs: [\"task/2026/20\"]\n---\n\n"
    _note(proj, "笔记.md", front.format(t="第二篇", d=1) + "第二篇说明ZQF1[^1]。\n\n[^1]: ZQF2脚注。\n")
    _note(proj, "2026-05-02-ids.md", front.format(t="Ids", d=2) + "## main\n\n正文。\n\n## q-top\n\n再一段[^1]。\n\n"
          "[^1]: 第三个脚注。\n")
    out = tmp_path / "out"
    build(proj, out, search=False)
    own = out / "zh" / "note" / "bi-ji" / "index.html"
    assert own.is_file() and "ZQF1" in own.read_text("utf-8")
    index = (out / "zh" / "note" / "index.html").read_text("utf-8")
    assert "ZQF1" not in index and "/zh/note/bi-ji/" in index and "/zh/note/2026-03-30-task-2026-20-zh/" in index
    pages = [out / "zh" / "task" / "2026" / "20" / "index.html", own,
             out / "zh" / "note" / "2026-05-02-ids" / "index.html"]
    for p in pages:
        ids = [dict(a)["id"] for _, a in elements(p.read_text("utf-8")) if dict(a).get("id")]
        assert len(ids) == len(set(ids)), (p, sorted(i for i in ids if ids.count(i) > 1))
    task = pages[0].read_text("utf-8")
    for slug in ("bi-ji", "2026-03-30-task-2026-20-zh", "2026-05-02-ids"):  # each note's [1] goes to its own footnote
        assert f'href="#fn-{slug}-1"' in task and f'id="fn-{slug}-1"' in task, slug
    assert 'id="note-2026-05-02-ids-main"' in task and task.count('id="main"') == 1
    _note(proj, "😀.md", front.format(t="t", d=3) + "正文。\n")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "content/notes/😀.md: the note's file name has no letter, digit or Chinese character" in r.stderr, r.stderr
