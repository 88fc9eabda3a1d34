"""Issue 6: editors' Markdown notes."""
from __future__ import annotations

import datetime
import re
import subprocess
import sys

from conftest import ROOT, make_project, read


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
    assert '<a href="/zh/task/2026/20/">任务20</a>' in zh
    assert '<a href="/zh/livelihood/2026/7.1/">民生实事7.1</a>' in zh
    assert "<table>" in zh and 'class="footnote' in zh  # tables and footnotes from mdit-py-plugins
    en = read(site, "/en/note/2026-03-30-task-2026-20-en/")
    assert '<a href="/en/task/2026/20/">Task 20</a>' in en


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
    assert "content/notes/b.md:" in r.stderr and "invalid front matter" in r.stderr
    assert "content/notes/c.md:1: note without YAML front matter" in r.stderr
    assert "content/notes/d.md:3: unknown language 'fr'" in r.stderr


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
        assert t != "script" or dict(attrs).get("src", "").startswith("/assets/")
        assert not any(k.startswith("on") for k, _ in attrs)
        assert not dict(attrs).get("href", "").lower().startswith("javascript:")


def test_new_note_scaffold_passes_check(tmp_path):
    from generator.scaffold import new_note
    from generator.build import load_all

    proj = make_project(tmp_path)
    new_note(proj, ref="livelihood/2026/7", lang="en", today=datetime.date(2026, 6, 1))
    path = proj / "content" / "notes" / "2026-06-01-livelihood-2026-7-en.md"
    assert path.is_file() and "refs: [\"livelihood/2026/7\"]" in path.read_text("utf-8")
    corpus = load_all(proj)[2]
    assert any(n.refs == ["livelihood/2026/7"] for n in corpus.notes)
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "new-note", "--ref", "task/2026/999"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "unknown reference 'task/2026/999'" in r.stderr
