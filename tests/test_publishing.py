"""Issue 7: deterministic and incremental builds, feeds, sitemap, robots, Netlify and CI configuration."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
import xml.etree.ElementTree as ET

import pytest
import yaml

from conftest import ROOT, leftovers, make_project, sitemap_urls
from faultlib import _rows_digest

DATA = ROOT / "tests" / "data" / "ingest"


def tree(out: Path, db_rows: bool = False) -> dict[str, str]:
    """Every file by its sha256; with ``db_rows`` the open-data database by its rows instead (an incremental
    build updates it in place: the same rows as a full build's, not the same bytes)."""
    return {p.relative_to(out).as_posix(): (_rows_digest(str(p)) if db_rows and p.name == "data.sqlite"
                                            else hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_builds_are_byte_identical(tmp_path):
    from generator.build import build

    a, b = tmp_path / "a" / "build", tmp_path / "b" / "build"
    build(ROOT, a, search=True)
    build(ROOT, b, search=True)
    ta, tb = tree(a), tree(b)
    assert ta.keys() == tb.keys()
    differ = [k for k in ta if ta[k] != tb[k]]
    assert not differ, differ[:10]
    assert any(k.startswith("pagefind/") for k in ta)


def test_incremental_build_renders_only_affected_pages(tmp_path):
    from generator.build import build

    proj = make_project(tmp_path)
    out = proj / "build"
    first = build(proj, out, search=False)
    assert first.rendered == first.pages
    again = build(proj, out, search=False)
    assert again.rendered == 0 and again.reused == again.pages
    shutil.copy(DATA / "gazette-2026-13.txt", proj / "content" / "sources" / "2026-gazette-013.txt")
    third = build(proj, out, search=False)
    # the new issue and its document in two languages, plus the pages that list issues and documents
    assert third.pages == first.pages + 6  # issue, document and its side-by-side view, in two languages
    assert 6 <= third.rendered <= 18, third.rendered
    html = (out / "zh" / "gazette" / "2026" / "13" / "index.html").read_text("utf-8")
    assert "北京市人民政府关于印发《北京市2026年春季植树造林工作方案》的通知" in html
    assert (out / "zh" / "task" / "2026" / "20" / "index.html").is_file()  # kept from the previous build
    assert "2026年第13期" in (out / "zh" / "gazette" / "index.html").read_text("utf-8")


def test_a_project_moved_to_another_folder_renders_nothing_again(tmp_path):
    """A CI cache restored into another folder, or a project copied: its pages' keys do not depend on where
    the project lies on this machine, so the first build there reuses every page of the output it had."""
    from generator.build import build

    first_proj = make_project(tmp_path / "one")
    out = tmp_path / "site"
    first = build(first_proj, out, search=False)
    moved = tmp_path / "elsewhere" / "proj"
    shutil.copytree(first_proj, moved, symlinks=True)
    again = build(moved, out, search=False)
    assert again.rendered == 0 and again.reused == again.pages == first.pages


def test_catalog_fingerprints_made_again_only_when_catalogs_change(tmp_path, monkeypatch):
    """A build whose catalog files are the previous build's takes the fingerprints of its catalog look-ups from
    the manifest instead of indexing every entry again (on a large archive most of a nothing-changed build);
    once a catalog file changes, they are made again and the page showing the changed entry is rendered anew."""
    import generator.incremental as inc
    from generator.build import build

    proj = make_project(tmp_path)
    out = proj / "build"
    first = build(proj, out, search=False)
    scoped = []
    real = inc.key_scope
    monkeypatch.setattr(inc, "key_scope", lambda k: scoped.append(k) or real(k))
    again = build(proj, out, search=False)
    assert again.rendered == 0 and again.reused == again.pages == first.pages
    assert scoped == []  # no entry indexed: the catalogs did not change
    po = proj / "content" / "translations" / "en" / "tasks.po"
    old = "Address shortfalls in convenience services in communities"
    _edit(po, f'msgstr "{old}', f'msgstr "Revised: {old}')
    third = build(proj, out, search=False)
    assert scoped  # the changed language's look-ups fingerprinted again
    assert 1 <= third.rendered < third.pages
    shown = [p for p in (out / "en").rglob("*.html") if "Revised: Address shortfalls" in p.read_text("utf-8")]
    assert shown, "the revised translation is on no page"


def test_manifest_chunks_of_unchanged_years_are_written_back_as_they_were(tmp_path):
    """The groups' records are kept in the manifest in chunks by year: a new 2026 issue makes the 2026 chunk
    (and the site-wide pages' one) again; the 2025 chunk, none of whose groups was made, is the same bytes, and
    the next build reads every group back from the chunks."""
    import pickle

    from generator.build import build, load_manifest

    proj = make_project(tmp_path)
    out = proj / "build"
    build(proj, out, search=False)
    path = proj / ".build.manifest.pickle"
    before = pickle.loads(path.read_bytes())["chunks"]
    shutil.copy(DATA / "gazette-2026-13.txt", proj / "content" / "sources" / "2026-gazette-013.txt")
    second = build(proj, out, search=False)
    after = pickle.loads(path.read_bytes())["chunks"]
    assert before.keys() == after.keys() and {"2025", "2026"} <= after.keys()
    assert after["2025"] == before["2025"] and after["2026"] != before["2026"]
    m = load_manifest(out)
    assert sum(len(g["pages"]) for g in m["groups"].values()) + 2 == second.pages  # + the Open data pages
    third = build(proj, out, search=False)
    assert third.rendered == 0 and third.pages == second.pages
    assert pickle.loads(path.read_bytes())["chunks"] == after


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, (path.name, old)
    path.write_text(text.replace(old, new), "utf-8")


def test_incremental_builds_equal_full_builds(tmp_path):
    """After each kind of change an incremental build's output is byte for byte what a full build of the
    same content writes (the open-data database row for row): a new issue, an edited progress table and task list (whose pages, departments and
    the pages linking to them change), a changed translation, an edited, a new and a removed note, a removed
    issue."""
    from generator.build import build

    proj = make_project(tmp_path)
    out = proj / "build"
    src = proj / "content" / "sources"
    first = build(proj, out, search=False)

    def check(label: str, most: int):
        inc = build(proj, out, search=False)
        fresh_out = tmp_path / f"fresh-{label}" / "build"
        fresh = build(proj, fresh_out, search=False)
        a, b = tree(out, db_rows=True), tree(fresh_out, db_rows=True)
        assert a.keys() == b.keys(), (label, sorted(a.keys() ^ b.keys())[:10])
        differ = [k for k in a if a[k] != b[k]]
        assert not differ, (label, differ[:10])
        assert inc.pages == fresh.pages == inc.rendered + inc.reused
        assert inc.rendered <= most, (label, inc.rendered)
        assert inc.coverage == fresh.coverage, label
        return inc

    shutil.copy(DATA / "gazette-2026-13.txt", src / "2026-gazette-013.txt")
    check("new-issue", 18)
    _edit(src / "2025-daxing-progress.txt", "3.已完成500张养老家庭照护床位建设。", "3.已完成600张养老家庭照护床位建设。")
    inc = check("progress-edit", first.pages // 4)
    assert "已完成600张养老家庭照护床位建设" in (out / "zh" / "progress" / "2025" / "daxing" / "1" / "index.html").read_text("utf-8")
    _edit(src / "2026-gazette-12.txt", "20. 促进通勤圈一体发展，", "20. 大力促进通勤圈一体发展，")
    check("task-edit", first.pages)
    assert "大力促进通勤圈一体发展" in (out / "zh" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    po = proj / "content" / "translations" / "en" / "tasks.po"
    _edit(po, 'msgstr "Provide services and support for the continued optimization', 'msgstr "Serve and support the continued optimization')
    check("translation", first.pages + 6)
    # notes: only the groups of the items a note is about are made again (not the whole site)
    notes = proj / "content" / "notes"
    _edit(notes / "2026-03-30-task-2026-20-zh.md", "两处表述的区别：", "两处表述的区别如下：")
    inc = check("note-edit", 12)
    assert inc.reused > first.pages * 0.9, inc.reused
    assert "两处表述的区别如下" in (out / "zh" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    (notes / "2026-05-01-progress-2025-daxing-3-zh.md").write_text(
        "---\ntitle: 大兴区第3项的进度\nlang: zh\ndate: 2026-05-01\nauthor: 编辑部\n"
        "refs: [\"progress/2025/daxing/3\"]\n---\n\n[[progress/2025/daxing/3]]的进度见下表。\n", "utf-8")
    inc = check("note-added", 12)
    assert inc.reused > first.pages * 0.9, inc.reused
    assert "大兴区第3项的进度" in (out / "zh" / "progress" / "2025" / "daxing" / "3" / "index.html").read_text("utf-8")
    (notes / "2026-03-30-task-2026-20-zh.md").unlink()
    check("note-removed", 12)
    assert "两处表述的区别" not in (out / "zh" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    (src / "2026-gazette-013.txt").unlink()
    check("issue-removed", 12)
    assert not (out / "zh" / "gazette" / "2026" / "13").exists()


def test_incremental_build_failure_and_interruption(tmp_path):
    """A failed incremental build leaves the site as it was; a build that stopped while moving its files into
    the site (its marker left behind) makes the next build a full one."""
    from generator.build import build
    from generator.errors import SourceError

    proj = make_project(tmp_path)
    out = proj / "build"
    first = build(proj, out, search=False)
    before = tree(out)
    (proj / "content" / "sources" / "2026-gazette-099.txt").write_text("北京市人民政府公报\n\n这不是一期公报。\n", "utf-8")
    try:
        build(proj, out, search=False)
        raise AssertionError("a malformed source was accepted")
    except SourceError:
        pass
    assert tree(out) == before
    assert not leftovers(out.parent, ".build-tmp-")
    (proj / "content" / "sources" / "2026-gazette-099.txt").unlink()
    (out.parent / ".build.incomplete").write_text("", "utf-8")
    again = build(proj, out, search=False)
    assert again.rendered == again.pages == first.pages
    assert not (out.parent / ".build.incomplete").exists()
    assert tree(out) == before


def test_feeds_sitemap_robots(site):
    zh = (site / "zh" / "feed.xml").read_text("utf-8")
    en = (site / "en" / "feed.xml").read_text("utf-8")
    assert zh.startswith("<?xml") and "<feed xmlns=\"http://www.w3.org/2005/Atom\"" in zh
    assert "北京市人民政府公报 2026年第12期（总第936期）" in zh
    assert "Gazette of the People's Government of Beijing Municipality, 2026 Issue No. 12" in en
    sitemap = sitemap_urls(site)
    assert '<loc>https://beijing-gov-docs.netlify.app/zh/task/2026/20/</loc>' in sitemap
    assert ('<xhtml:link rel="alternate" hreflang="en" '
            'href="https://beijing-gov-docs.netlify.app/en/task/2026/20/"/>') in sitemap
    assert sitemap.count("<url>") >= 1200
    # robots.txt names the sitemap index; the index lists the files that hold the URLs
    robots = (site / "robots.txt").read_text()
    assert "Sitemap: https://beijing-gov-docs.netlify.app/sitemap.xml" in robots
    index = ET.fromstring((site / "sitemap.xml").read_bytes())
    assert index.tag == f"{{{SM}}}sitemapindex"
    locs = [e.text for e in index.iter(f"{{{SM}}}loc")]
    assert locs == ["https://beijing-gov-docs.netlify.app/sitemaps/1.xml"]
    urls = ET.fromstring((site / "sitemaps" / "1.xml").read_bytes()).findall(f"{{{SM}}}url")
    pages = [p for p in site.rglob("*.html") if p.name != "404.html" and "pagefind" not in p.parts
             and p != site / "index.html"]  # the root page only sends a reader to /zh/ or /en/
    assert len(urls) == len(pages)  # every page once, and nothing else
    assert (site / "zh" / "404.html").is_file() and (site / "en" / "404.html").is_file()
    # the page for an address outside every language says to go on from the home page or search: it links both
    root = (site / "404.html").read_text("utf-8")
    assert re.findall(r'href="(/[a-z]+/(?:search/)?)"', root) == ["/zh/", "/zh/search/", "/en/", "/en/search/"]


SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_sitemap_splits_into_an_index_at_the_protocols_limits():
    """At archive scale the sitemap is an index of files of at most 50,000 URLs (and 50 MB) each."""
    from generator.site.feeds import SITEMAP_MAX_URLS, PageMeta, sitemap_files

    base = "https://example.org"
    pages = [PageMeta(f"task/{i}", "zh", f"/zh/task/{i:06d}/",
                      (("zh-CN", f"/zh/task/{i:06d}/"), ("en", f"/en/task/{i:06d}/")), "", "task",
                      f"2026-01-{1 + i % 28:02d}") for i in range(2 * SITEMAP_MAX_URLS + 1)]
    files = sitemap_files(pages, base)
    assert sorted(files) == ["sitemap.xml", "sitemaps/1.xml", "sitemaps/2.xml", "sitemaps/3.xml"]
    counts = [ET.fromstring(files[f"sitemaps/{i}.xml"]).findall(f"{{{SM}}}url") for i in (1, 2, 3)]
    assert [len(c) for c in counts] == [50_000, 50_000, 1]
    index = ET.fromstring(files["sitemap.xml"])
    assert [e.findtext(f"{{{SM}}}loc") for e in index] == [f"{base}/sitemaps/{i}.xml" for i in (1, 2, 3)]
    assert [e.findtext(f"{{{SM}}}lastmod") for e in index] == ["2026-01-28", "2026-01-28", f"2026-01-{1 + len(pages[:-1]) % 28:02d}"]
    all_locs = [u.findtext(f"{{{SM}}}loc") for c in counts for u in c]
    assert all_locs == sorted(all_locs) and len(set(all_locs)) == len(pages)
    # the byte limit splits too, whatever the count
    small = sitemap_files(pages[:100], base, max_bytes=10_000)
    assert len(small) > 2 and all(len(t.encode()) <= 10_000 for n, t in small.items() if n != "sitemap.xml")
    assert sum(t.count("<url>") for t in small.values()) == 100


def test_feeds_are_valid_atom(site):
    """RFC 4287: the feed has an id, title, updated and author and a self link; every entry an id (unique),
    title, updated and an alternate link (no content needed then); dates are RFC 3339."""
    rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
    for lang in ("zh", "en"):
        root = ET.fromstring((site / lang / "feed.xml").read_bytes())
        assert root.tag == f"{ATOM}feed"
        for tag in ("id", "title", "updated"):
            assert len(root.findall(f"{ATOM}{tag}")) == 1 and root.findtext(f"{ATOM}{tag}").strip(), tag
        assert rfc3339.match(root.findtext(f"{ATOM}updated"))
        assert root.find(f"{ATOM}author").findtext(f"{ATOM}name").strip()
        assert [l.get("href") for l in root.findall(f"{ATOM}link") if l.get("rel") == "self"] == [
            f"https://beijing-gov-docs.netlify.app/{lang}/feed.xml"]
        entries = root.findall(f"{ATOM}entry")
        assert entries
        ids = [e.findtext(f"{ATOM}id") for e in entries]
        assert len(set(ids)) == len(ids) and all(i.startswith("https://") for i in ids)
        for e in entries:
            assert e.findtext(f"{ATOM}title").strip() and rfc3339.match(e.findtext(f"{ATOM}updated"))
            assert [l for l in e.findall(f"{ATOM}link") if l.get("rel", "alternate") == "alternate"]
        assert root.findtext(f"{ATOM}updated") == max(e.findtext(f"{ATOM}updated") for e in entries)
        # the newest first (they were oldest first), as feed readers and people reading the file expect
        dates = [e.findtext(f"{ATOM}updated") for e in entries]
        assert dates == sorted(dates, reverse=True) and dates[0] != dates[-1], dates
        # a subscriber saw only a document's title: an issue now lists its documents, a document opens with its
        # first passage (in the feed's language: the English feed quotes the translation)
        summaries = {e.findtext(f"{ATOM}id").split("/", 3)[3]: e.findtext(f"{ATOM}summary") or "" for e in entries}
        issue, doc = summaries[f"{lang}/gazette/2026/12/"], summaries[f"{lang}/doc/jingzhengfa-2026-1/"]
        assert issue.startswith({"zh": "北京市人民政府关于印发《2026年市政府工作报告重点任务清单》的通知，",
                                 "en": "Circular of Beijing Municipal Government on Issuing the"}[lang]), issue
        assert doc.startswith({"zh": "市第十六届人民代表大会第四次会议批准了《政府工作报告》",
                               "en": "The Fourth Session of the Sixteenth Beijing Municipal People's Congress"}[lang])
        assert all(summaries[k] for k in summaries if "/doc/" in k or "/gazette/" in k)


def test_netlify_configuration(site):
    cfg = tomllib.loads((ROOT / "netlify.toml").read_text("utf-8"))
    assert cfg["build"]["publish"] == "build"
    assert "python -m generator build" in cfg["build"]["command"] and "pip install" in cfg["build"]["command"]
    assert cfg["build"]["environment"]["PYTHON_VERSION"].startswith("3.")
    headers = {h["for"]: h["values"] for h in cfg["headers"]}
    csp = headers["/*"]["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert headers["/*"]["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in headers["/assets/*"]["Cache-Control"]
    redirects = cfg["redirects"]
    lang = [r for r in redirects if r["from"] == "/" and r.get("conditions", {}).get("Language")]
    assert lang and lang[0]["to"] == "/en/" and lang[0]["conditions"]["Language"] == ["en"]
    assert any(r["from"] == "/" and r["to"] == "/zh/" for r in redirects)
    four04 = {r["from"]: r["to"] for r in redirects if r.get("status") == 404}
    assert four04 == {"/en/*": "/en/404.html", "/zh/*": "/zh/404.html"}
    # no inline scripts on any page: the CSP forbids them
    for p in list((site / "zh").rglob("*.html"))[:50] + list((site / "en").rglob("*.html"))[:50]:
        # (a schema.org description is data, not code: browsers never run it, CSP does not apply to it)
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", p.read_text("utf-8")), p


def test_feed_has_one_entry_per_item_newest_first(site):
    """The task-list circular is split into several pages; the feed lists it once, under its own title. The
    entries come newest first."""
    ns = {"a": "http://www.w3.org/2005/Atom"}
    import xml.etree.ElementTree as ET

    for lang in ("zh", "en"):
        root = ET.fromstring((site / lang / "feed.xml").read_bytes())
        entries = root.findall("a:entry", ns)
        titles = [e.find("a:title", ns).text for e in entries]
        links = [e.find("a:link", ns).get("href") for e in entries]
        assert not [t for t in titles if re.search(r"\(\d+/\d+\)$", t)], titles
        assert not [u for u in links if re.search(r"/doc/[^/]+/\d+/$", u)], links
        assert len(set(links)) == len(links)
        tasklist_doc = [u for u in links if u.endswith(f"/{lang}/doc/jingzhengfa-2026-1/")]
        assert len(tasklist_doc) == 1
        dates = [e.find("a:published", ns).text for e in entries]
        assert dates == sorted(dates, reverse=True)
    zh = (site / "zh" / "feed.xml").read_text("utf-8")
    assert "<title>北京市人民政府关于印发《2026年市政府工作报告重点任务清单》的通知</title>" in zh


def test_feed_entries_unit():
    """Parts of a document are one entry; entries sort by date, then id (never by the text of a part number)."""
    from generator.site.feeds import PageMeta, feed_entries

    def P(**kw):  # the fields the feeds read; pages reach them as PageMeta (or its plain tuple)
        return PageMeta(url="", alternates=(), **kw)

    pages = [P(id="doc:京政发〔2026〕1号", lang="zh", kind="document", date="2026-02-10", title="清单通知 (1/11)")]
    pages += [P(id=f"doc/jingzhengfa-2026-1/{k}", lang="zh", kind="document", date="2026-02-10",
                title=f"清单通知 ({k}/11)") for k in (10, 11, 2, 3)]
    pages += [P(id="gazette/2026/12", lang="zh", kind="gazette", date="2026-03-01", title="公报第12期"),
              P(id="doc:京政办发〔2026〕4号", lang="zh", kind="document", date="2026-02-10", title="意见通知"),
              P(id="note/a", lang="zh", kind="note", date="2026-01-05", title="注"),
              P(id="doc:京政发〔2026〕1号", lang="en", kind="document", date="2026-02-10", title="List (1/11)"),
              P(id="task/2026/1", lang="zh", kind="task", date="2026-02-10", title="任务1"),
              P(id="decree/331", lang="zh", kind="document", date="2026-02-11", title="令")]
    got = [(i, t) for i, t, _ in feed_entries(pages, "zh")]
    assert got == [(i, t) for i, t, _ in feed_entries([tuple(p) for p in pages], "zh")]
    assert got == [("note/a", "注"), ("doc:京政办发〔2026〕4号", "意见通知"), ("doc:京政发〔2026〕1号", "清单通知"),
                   ("decree/331", "令"), ("gazette/2026/12", "公报第12期")]


def test_root_404_page(site):
    """A language-neutral /404.html for paths outside /zh/ and /en/, linking both homes; Netlify serves it
    for any missing path, and the per-language 404 rules still come first for their prefixes."""
    html = (site / "404.html").read_text("utf-8")
    assert 'href="/zh/"' in html and 'href="/en/"' in html
    assert "页面未找到" in html and "Page not found" in html
    assert 'name="robots" content="noindex"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style|style=", html)  # the CSP forbids inline code
    assert "404.html" not in sitemap_urls(site)
    cfg = tomllib.loads((ROOT / "netlify.toml").read_text("utf-8"))
    rules = cfg["redirects"]
    # nothing catches every path before Netlify's own /404.html fallback
    assert not [r for r in rules if r["from"] in ("/*", "/**")], rules
    four04 = [r for r in rules if r.get("status") == 404]
    assert all(r["from"] in ("/en/*", "/zh/*") and not r.get("force") for r in four04)
    assert all((site / r["to"].lstrip("/")).is_file() for r in four04)


def test_ci_workflow():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text("utf-8"))
    on = wf.get(True) or wf.get("on")  # YAML reads the key `on` as True
    assert "push" in on and "pull_request" in on
    assert not (on["push"] or {}).get("paths")  # every push, so every new file under content/sources/
    assert not (on["pull_request"] or {}).get("paths")
    job = wf["jobs"]["test-and-build"]
    # the tests run as CI and a newcomer run them (README): .ci/run on Debian 12, as root, which installs
    # Debian's chromium, a CJK font and Java and the pinned packages into .venv/; Chromium needs a /dev/shm
    # larger than Docker's 64 MB
    assert job["container"]["image"] == "debian:bookworm"
    assert "--shm-size" in job["container"]["options"]
    runs = [str(s.get("run", "")) for s in job["steps"]]
    order = [next(i for i, r in enumerate(runs) if r.strip() == needle)
             for needle in ("bash .ci/run", ".venv/bin/python -m generator build")]
    assert order == sorted(order)
    assert not any("pip install" in r or "sudo" in r for r in runs)  # everything is .ci/setup's
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "bash .ci/setup\n.venv/bin/python -m pytest -q" in ci


def test_tests_honour_browser_path():
    """BROWSER_PATH picks the browser executable; without it, Debian's /usr/bin/chromium as before."""
    import os

    code = "import conftest; print(conftest.CHROMIUM)"
    env = {k: v for k, v in os.environ.items() if k != "BROWSER_PATH"}
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "tests", env=env)
    assert plain.stdout.strip() == "/usr/bin/chromium", plain.stderr
    env["BROWSER_PATH"] = "/opt/ms-playwright/chromium/chrome-linux/chrome"
    set_ = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "tests", env=env)
    assert set_.stdout.strip() == env["BROWSER_PATH"], set_.stderr


def test_api_records_reused_by_offset(tmp_path):
    """dump_to copies a file whose key did not change; otherwise it copies reused records from the
    previous file by offset, in runs, and makes every record again when the previous file is not the
    size it wrote."""
    import json

    from generator.site.api import Record, RecordFile, dump_to

    made = []

    def rec(i, text):
        def make():
            made.append(i)
            return {"id": i, "text": text, "list": [i, {"zh": "中文"}]}
        return Record(f"k{i}", make)

    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    recs = [rec(i, f"记录{i}") for i in range(5)]
    first: dict = {}
    dump_to(old_dir / "x.json", RecordFile("v1", lambda: recs), None, first)
    expected = [{"id": i, "text": f"记录{i}", "list": [i, {"zh": "中文"}]} for i in range(5)]
    assert json.loads((old_dir / "x.json").read_text("utf-8")) == expected
    assert first["x.json"]["count"] == 5
    # the same key: the old file is copied, no record is made
    made.clear()
    same = RecordFile("v1", lambda: 1 / 0)
    dump_to(tmp_path / "same" / "x.json", same, first, {}, old_dir=old_dir)
    assert made == [] and same.count == 5
    assert (tmp_path / "same" / "x.json").read_bytes() == (old_dir / "x.json").read_bytes()
    # a new record in the middle; the others come from the old file
    made.clear()
    recs2 = recs[:2] + [rec(9, "新的")] + recs[2:]
    second: dict = {}
    dump_to(new_dir / "x.json", RecordFile("v2", lambda: recs2), first, second, old_dir=old_dir)
    assert made == [9]
    text = (new_dir / "x.json").read_text("utf-8")
    want = expected[:2] + [{"id": 9, "text": "新的", "list": [9, {"zh": "中文"}]}] + expected[2:]
    assert json.loads(text) == want
    assert text == "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in want) + "\n]\n"
    raw = (new_dir / "x.json").read_bytes()
    for key, (off, length) in second["x.json"]["records"].items():
        assert json.loads(raw[off:off + length])["id"] == int(key[1:])
    # the old file changed behind the build's back: everything is made again
    (old_dir / "x.json").write_text("[]\n", "utf-8")
    made.clear()
    dump_to(tmp_path / "third" / "x.json", RecordFile("v1", lambda: recs2), first, {}, old_dir=old_dir)
    assert sorted(made) == [0, 1, 2, 3, 4, 9]
    assert (tmp_path / "third" / "x.json").read_text("utf-8") == text


def test_parse_cache_keeps_what_is_used_and_drops_what_is_long_unused(tmp_path):
    """Each load marks the parse-cache entries it used; entries (with their blocks) that no load has used for
    30 days are deleted, those used more recently (another branch, say) are kept."""
    import os
    import time

    from generator.cache.store import CACHE_MAX_AGE_S
    from generator.sources import load_corpus

    proj = make_project(tmp_path)
    load_corpus(proj)
    cache = proj / ".cache" / "parse"
    used = sorted(p.name for p in cache.glob("*.pickle"))
    assert len(used) == len(list((proj / "content" / "sources").glob("*.txt")))
    long_ago = time.time() - CACHE_MAX_AGE_S - 86400
    for name in used:  # not touched for long, but still this content's: kept, and marked as used again
        os.utime(cache / name, (long_ago, long_ago))
    for stem, when in (("0" * 64, long_ago), ("1" * 64, time.time() - 86400)):
        for ext in (".pickle", ".blocks"):
            (cache / f"{stem}{ext}").write_bytes(b"x")
            os.utime(cache / f"{stem}{ext}", (when, when))
    load_corpus(proj)
    left = {p.name for p in cache.iterdir()}
    assert set(used) <= left
    assert all(time.time() - (cache / n).stat().st_mtime < 600 for n in used)
    assert {f"{'1' * 64}.pickle", f"{'1' * 64}.blocks"} <= left  # used a day ago: kept
    assert not {f"{'0' * 64}.pickle", f"{'0' * 64}.blocks"} & left  # unused for 31 days: gone
    assert "files.json" in left


def test_a_source_known_by_its_size_and_time_still_gives_its_text(tmp_path):
    """A warm load takes a source whose file has the size and time the last load recorded from the parse cache's
    index without reading it; its ``text`` is still the file's text when asked for (read then), as a cold load
    gives it. Bytes changed behind an unchanged size and time are an error naming the file, never another
    text (or none: a check that compares a page with an empty source finds nothing lost)."""
    import os
    import time

    from generator.cache.store import KnownSource
    from generator.errors import SourceError
    from generator.sources import load_corpus

    proj = make_project(tmp_path)
    files = sorted((proj / "content" / "sources").glob("*.txt"))
    past = time.time() - 3600  # older than the index by more than its two seconds' slack: trusted
    for f in files:
        os.utime(f, (past, past))
    cold = load_corpus(proj)
    warm = load_corpus(proj)
    assert [s.path for s in warm.sources] == [s.path for s in cold.sources]
    assert len(warm.sources) == len(files) and all(isinstance(s, KnownSource) for s in warm.sources)
    assert not any(s.text_read() for s in warm.sources)  # the warm load itself read none of them
    for c, w in zip(cold.sources, warm.sources):
        assert not isinstance(c, KnownSource) and len(c.text) > 1000
        assert w.text == c.text
    victim = next(f for f in files if "一" in f.read_text("utf-8"))
    st = victim.stat()
    victim.write_text(victim.read_text("utf-8").replace("一", "二", 1), "utf-8")  # same length in UTF-8
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = next(s for s in load_corpus(proj).sources if s.name == victim.name)
    with pytest.raises(SourceError) as e:
        _ = again.text
    assert str(e.value).startswith(f"content/sources/{victim.name}") and "changed while" in str(e.value)


def test_the_heap_is_frozen_inside_a_build_block_and_handed_back_after_it():
    """frozen_heap leaves what lives out of the collector's work until its end; a fork_map inside it (the
    workers) and freeze_more keep it frozen, and only the outermost end unfreezes. Outside a block, freeze_more
    freezes nothing and a fork_map hands back what it froze."""
    import gc

    from generator.parallel import fork_map, freeze_more, frozen_heap

    assert gc.get_freeze_count() == 0
    freeze_more()
    assert gc.get_freeze_count() == 0
    assert fork_map(lambda _, x: x * 2, None, range(4), min_items=2, workers=2) == [0, 2, 4, 6]
    assert gc.get_freeze_count() == 0
    with frozen_heap():
        frozen = gc.get_freeze_count()
        assert frozen > 0
        made = [[] for _ in range(1000)]  # noqa: F841 (kept alive, tracked by the collector: freeze_more takes them)
        freeze_more()
        assert gc.get_freeze_count() >= frozen + 1000
        assert fork_map(lambda _, x: x + 1, None, range(4), min_items=2, workers=2) == [1, 2, 3, 4]
        assert gc.get_freeze_count() >= frozen + 1000  # the workers' call did not thaw the build's heap
        with frozen_heap():
            pass
        assert gc.get_freeze_count() >= frozen + 1000  # nor did an inner block
    assert gc.get_freeze_count() == 0


def test_an_error_raised_in_a_forked_worker_keeps_its_problems():
    """A SourceError comes back from a forked worker pickled: it must be the same problems, which the CLI
    prints one a line (it came back made of its message's characters, one problem each)."""
    from generator.errors import Problem, SourceError
    from generator.parallel import fork_map

    problem = Problem("content/sources/x.txt", 3, "unknown document kind", "a kind the readers know")

    def job(_, item):
        raise SourceError(problem)

    with pytest.raises(SourceError) as e:
        fork_map(job, None, ["a", "b"], min_items=2, workers=2)
    assert e.value.problems == [problem]
    assert str(e.value) == "content/sources/x.txt:3: unknown document kind (expected a kind the readers know)"


CTRL_C = r"""
import os, signal, sys, time
sys.path.insert(0, sys.argv[1])
from generator.parallel import fork_map

def work(_, item):
    if item == 0:
        os.killpg(0, signal.SIGINT)  # Ctrl-C reaches the whole process group: this worker, the others, the build
    time.sleep(3)
    return item

try:
    fork_map(work, None, range(4), min_items=2, workers=2)
except KeyboardInterrupt:
    print("stopped", flush=True)
"""


def test_ctrl_c_stops_the_workers_without_a_traceback(tmp_path):
    """Ctrl-C in a build: the build process stops its workers and the CLI says it was interrupted; the workers
    themselves leave it to the build (before: a traceback from each worker, on the terminal)."""
    import signal

    # as from a terminal: a test run in the background (CI's shell, nohup) has SIGINT ignored, and a child
    # would inherit that and never see the Ctrl-C
    r = subprocess.run([sys.executable, "-c", CTRL_C, str(ROOT)], capture_output=True, text=True, timeout=60,
                       start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert r.stdout.strip() == "stopped", (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "KeyboardInterrupt" not in r.stderr, r.stderr


def test_a_forked_process_gives_its_result_or_its_error_and_can_be_stopped(tmp_path):
    """parallel.Forked (a full build's open data, made in a process of its own while this one renders and indexes):
    what it returns, made in another process; the error it raised, raised by result() as the error it was; a
    process that died without a word is an error too; stop() ends it before it writes anything more."""
    import os
    import signal
    import time

    from generator.errors import Problem, SourceError
    from generator.parallel import Forked

    pid, doubled = Forked(lambda: (os.getpid(), 21 * 2)).result()
    assert doubled == 42 and pid != os.getpid()

    def fails():
        raise SourceError(Problem("api/v1/data.sqlite", None, "no space left on the device", "room"))

    with pytest.raises(SourceError, match="data.sqlite: no space left") as e:
        Forked(fails).result()
    assert e.value.problems[0].file == "api/v1/data.sqlite"

    with pytest.raises(RuntimeError, match="ended without its result"):
        Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)).result()

    late = tmp_path / "late"

    def slow():
        time.sleep(1.5)
        late.write_text("written after the build had failed")

    process = Forked(slow)
    process.stop()
    time.sleep(2.5)
    assert not late.exists()


def test_a_paused_collection_inside_a_build_freezes_what_it_loaded_after_collecting_its_garbage():
    """What a paused_collector block loads lives on: inside frozen_heap (a build) it is frozen at the block's end,
    else the next collections visit all of it (it sits in the youngest generation); the garbage the block says it
    left is collected first, never frozen. Outside a build nothing is frozen, and the collector is on again."""
    import gc
    import weakref

    from generator.parallel import frozen_heap, paused_collector

    class Cycle:
        pass

    def cycle():
        c = Cycle()
        vars(c)["me"] = c  # a cycle: only the collector frees it
        return weakref.ref(c)

    with paused_collector():
        outside = [[] for _ in range(1000)]  # noqa: F841
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with frozen_heap():
        frozen = gc.get_freeze_count()
        with paused_collector(garbage=lambda: True):
            loaded = [[] for _ in range(1000)]  # noqa: F841 (a name bound once: kept alive)
            left = cycle()  # garbage only the collector finds
            assert left() is not None
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + 1000
        assert left() is None  # collected, not frozen
        gc.collect()
        frozen = gc.get_freeze_count()
        with paused_collector(garbage=lambda: False):
            loaded_too = [[] for _ in range(1000)]  # noqa: F841
            kept = cycle()
        assert gc.get_freeze_count() >= frozen + 1000
        gc.collect()
        assert kept() is not None  # no collection asked for: frozen with the rest, until the build ends
    gc.collect()
    assert kept() is None and gc.get_freeze_count() == 0


def test_a_write_that_fails_in_a_worker_names_the_sites_file_not_the_staging_folder(tmp_path, monkeypatch):
    """A page write that fails in a render worker comes back as a SourceError naming the file in the build's
    staging folder (.build-tmp-…), which the user never sees: the build names the output's file instead."""
    import generator.build as gb
    from generator.errors import Problem, SourceError
    from generator.output import STAGING_PREFIX

    proj = make_project(tmp_path)
    out = proj / "build"
    staged = out.parent / f".{out.name}{STAGING_PREFIX}x1y2z3" / "zh" / "task" / "2026" / "20" / "index.html"

    def fails(*_, **__):
        raise SourceError(Problem(str(staged), None, "permission denied while writing this file",
                                  "a writable folder with free space"))

    monkeypatch.setattr(gb, "_build", fails)
    with pytest.raises(SourceError) as e:
        gb.build(proj, out, search=False)
    assert [p.file for p in e.value.problems] == [str(out.resolve() / "zh" / "task" / "2026" / "20" / "index.html")]
