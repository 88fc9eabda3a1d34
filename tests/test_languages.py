"""Issue 21 point 2: the language list is the configuration's (content/site.yaml ``languages:``). A third
language is a config entry, a theme strings file and its catalogs (content/translations/<code>/): it gets every
page, in the switcher, the hreflang alternates and the sitemap, shows its catalogs' translations, and the
authoritative Chinese, marked lang="zh-CN", where they have none. A bad language list is reported with its file
and line."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT, make_project, nu_errors, sitemap_urls

FR = """  - code: fr
    hreflang: fr
    name: Français
"""


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)


def with_languages(proj, entries: str) -> None:
    """Replace the ``languages:`` list of the project's site.yaml by ``entries`` (YAML list items)."""
    site = proj / "content" / "site.yaml"
    text = site.read_text("utf-8")
    new = re.sub(r"^languages: \[.*?\]\n(?=theme:)", "languages:\n" + entries, text, flags=re.M | re.S)
    assert new != text
    site.write_text(new, "utf-8")


SEED = """  - code: zh
    hreflang: zh-CN
    name: 中文
    authoritative: true
  - code: en
    hreflang: en
    name: English
"""


TASK21 = "Favoriser le développement innovant du cercle fonctionnel et la zone de coopération Pékin-Tianjin."
HEADING = "(4) Bâtir une aire métropolitaine moderne autour de la capitale"
TRANSPORT = "Commission municipale des transports de Pékin"
# a task-list subsection's title, a work-report section's title and an issuing body's name (keys <id>#title and
# issuer/<its Chinese>#name): the glossary holds them for English only
SUBSECTION = "Bâtir une aire métropolitaine moderne autour de la capitale"
REPORT_SECTION = "Mettre en œuvre le plan directeur de la ville et approfondir le développement coordonné de Pékin, " \
    "Tianjin et Hebei"
ISSUER = "Gouvernement populaire de la municipalité de Pékin"
PARAGRAPH = "La quatrième session du XVIe Congrès populaire municipal a approuvé le Rapport d'activité du gouvernement."
DOC = "doc:京政发〔2026〕1号"


def po_entry(key: str, zh: str, text: str) -> str:
    """One catalog entry as a translator writes it (with a gettext tool, or by hand)."""
    quoted = lambda x: '"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    return (f"# translated-by: human (A. Traductrice)\n# translated-on: 2026-12-01\n# reviewed: no\n"
            f"msgctxt {quoted(key)}\nmsgid {quoted(zh)}\nmsgstr {quoted(text)}\n\n")


def french_catalogs(corpus) -> dict[str, str]:
    """A French catalog of seven entries: a task, a task-list heading (as the text prints it), a department's
    name, a paragraph of the task list's notice, a task-list subsection's and a work-report section's title and
    an issuing body's name; file name -> its text."""
    d = corpus.documents[DOC]
    heading = next(b for b in d.blocks if b.anchor == "tasklist/2026/1.4")
    para = next(b for b in d.blocks if b.key == "p3")
    subsection = corpus.tasklists["tasklist/2026"].sections[0].subsections[3]
    section = corpus.reports["report/2026"].parts[2].sections[0]
    assert (subsection.id, section.id, d.issuers) == ("tasklist/2026/1.4", "report/2026/3.1", ["北京市人民政府"])
    return {"tasks.po": po_entry("task/2026/21", corpus.tasklists["tasklist/2026"].tasks[21].text, TASK21),
            "headings.po": po_entry("tasklist/2026/1.4#heading", heading.text, HEADING)
            + po_entry("tasklist/2026/1.4#title", subsection.title, SUBSECTION)
            + po_entry("report/2026/3.1#title", section.title, REPORT_SECTION),
            "names.po": po_entry("issuer/北京市人民政府#name", "北京市人民政府", ISSUER),
            "units.po": po_entry("unit/shi-jiao-tong-wei#name", corpus.units["unit/shi-jiao-tong-wei"].zh, TRANSPORT),
            "documents.po": po_entry(f"{DOC}#p3", para.text, PARAGRAPH)}


def tree(out, lang: str) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / lang).rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def french_project(tmp_path_factory, corpus):
    """The seed project with French added: its theme strings (a copy of the English ones, so that the
    interface is complete), built first without catalogs, then again (incrementally) with a French catalog of seven
    entries. Returns (project, output, the first build's zh/ and en/ files, the second build's stdout)."""
    proj = make_project(tmp_path_factory.mktemp("fr"))
    i18n = proj / "themes" / "default" / "i18n"
    # French labels of provisions, so that a French page's "Art. 2" is told from an English "Article 2"
    (i18n / "fr.yaml").write_text((i18n / "en.yaml").read_text("utf-8").replace('article: "Article {n}"',
                                                                               'article: "Art. {n}"'), "utf-8")
    with_languages(proj, SEED + FR)
    # a French version of the zh/en note about task 20 (same translation_key): the three are alternates
    (proj / "content" / "notes" / "2026-03-30-task-2026-20-fr.md").write_text(
        '---\ntitle: "La ligne 22 vers Pinggu"\nlang: fr\ndate: 2026-03-30\nauthor: Rédaction\n'
        'refs: ["task/2026/20"]\ntranslation_key: line22\n---\n\n[[task/2026/20]] : une promesse.\n', "utf-8")
    out = proj / "build"
    r = run("build", "--root", str(proj), "--out", str(out), "--no-search")
    assert r.returncode == 0, r.stderr
    before = {**tree(out, "zh"), **tree(out, "en")}
    folder = proj / "content" / "translations" / "fr"
    folder.mkdir()
    for name, text in french_catalogs(corpus).items():
        (folder / name).write_text(text, "utf-8")
    r = run("build", "--root", str(proj), "--out", str(out), "--no-search")
    assert r.returncode == 0, r.stderr
    return proj, out, before, r.stdout


@pytest.fixture(scope="module")
def french(french_project):
    return french_project[1]


def pages_of(out, lang: str) -> set[str]:
    return {p.relative_to(out / lang).as_posix() for p in (out / lang).rglob("*.html")}


def test_a_third_language_gets_every_page(french):
    zh, en, fr = pages_of(french, "zh"), pages_of(french, "en"), pages_of(french, "fr")
    notes = {p for p in zh | en | fr if p.startswith("note/") and p != "note/index.html"}
    assert len(zh) > 600 and fr - notes == zh - notes == en - notes  # notes are written in one language each
    assert fr & notes == {"note/2026-03-30-task-2026-20-fr/index.html"}
    # every page type: a folder of /zh/ (task, report, gazette, doc, unit, progress …) has its /fr/ pages
    assert {p.split("/")[0] for p in fr} == {p.split("/")[0] for p in zh}
    assert "404.html" in fr and "search/index.html" in fr and "data/index.html" in fr
    assert (french / "fr" / "feed.xml").is_file()


def test_switcher_and_hreflang_list_three_languages(french):
    page = (french / "fr" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    assert '<html lang="fr">' in page
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
    base = "https://beijing-gov-docs.netlify.app"
    assert alternates == [("fr", f"{base}/fr/task/2026/20/"), ("zh-CN", f"{base}/zh/task/2026/20/"),
                          ("en", f"{base}/en/task/2026/20/")]
    switch = re.findall(r'<a class="lang-switch" href="([^"]+)" hreflang="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert switch == [("/zh/task/2026/20/", "zh-CN", "中文"), ("/en/task/2026/20/", "en", "English")]
    zh = (french / "zh" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    switch = re.findall(r'<a class="lang-switch" href="([^"]+)" hreflang="([^"]+)"[^>]*>([^<]+)</a>', zh)
    assert switch == [("/en/task/2026/20/", "en", "English"), ("/fr/task/2026/20/", "fr", "Français")]
    root = (french / "index.html").read_text("utf-8")
    assert re.findall(r'hreflang="([^"]+)" href="[^"]*/(\w+)/">', root) == [("zh-CN", "zh"), ("en", "en"),
                                                                              ("fr", "fr")]


def test_french_pages_are_valid_html(french):
    pages = ["fr/task/2026/20/index.html", "fr/unit/index.html", "fr/gazette/2026/12/index.html", "fr/404.html",
             "fr/data/index.html", "zh/task/2026/20/index.html", "index.html", "404.html"]
    assert nu_errors([french / p for p in pages]) == []


def test_untranslated_text_falls_back_to_the_chinese_marked_as_such(french):
    page = (french / "fr" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    # the task's text: not in the French catalog, so the authoritative Chinese, marked, with the theme's notice
    assert re.search(r'<p class="task-text"><span lang="zh-CN">促进通勤圈一体发展，轨道交通22号线[^<]*</span> '
                     r'<small class="tr-notice tr-missing"', page)
    assert '<p class="unofficial wrap"' in page  # a translation's page says the Chinese is authoritative
    # names without a French form (the lead units, the site's title) are the Chinese ones, marked too
    assert '<a href="/fr/unit/shi-gong-an-ju/"><span lang="zh-CN">市公安局</span></a>' in page
    assert '<a class="brand" href="/fr/"><span lang="zh-CN">北京政务公开文献库</span></a>' in page
    assert f'<a href="/fr/unit/shi-jiao-tong-wei/">{TRANSPORT}</a>' in page  # the one the catalog names
    # figures without a word are in every language: not marked English (the gazette's own English lines are)
    cover = (french / "fr" / "gazette" / "2026" / "12" / "index.html").read_text("utf-8")
    assert '<p class="blk blk-cover">2026</p>' in cover and '<span lang="en">2026</span>' not in cover
    # the English catalog is not used for French: no English sentence of the task on the French page
    en = (french / "en" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    english = re.search(r'<p class="task-text">([^<]+)', en).group(1)
    assert english.strip() and english not in page


def test_a_note_in_the_third_language_is_an_alternate_of_its_versions(french):
    note = (french / "fr" / "note" / "2026-03-30-task-2026-20-fr" / "index.html").read_text("utf-8")
    assert re.findall(r'<a class="lang-switch" href="([^"]+)"', note) == [
        "/zh/note/2026-03-30-task-2026-20-zh/", "/en/note/2026-03-30-task-2026-20-en/"]
    zh = (french / "zh" / "note" / "2026-03-30-task-2026-20-zh" / "index.html").read_text("utf-8")
    assert 'hreflang="fr" href="https://beijing-gov-docs.netlify.app/fr/note/2026-03-30-task-2026-20-fr/"' in zh
    task = (french / "fr" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    assert "La ligne 22 vers Pinggu" in task and "Line 22 to Pinggu" not in task  # its own version only


def test_sitemap_lists_the_french_pages_with_their_alternates(french):
    rows = sitemap_urls(french)
    fr = re.findall(r"<url><loc>[^<]*/fr/[^<]*</loc>", rows)
    assert len(fr) == len(pages_of(french, "fr")) - 1  # every page but the 404
    row = re.search(r"<url><loc>[^<]*/fr/task/2026/20/</loc>(.*?)</url>", rows).group(1)
    assert re.findall(r'hreflang="([^"]+)"', row) == ["fr", "zh-CN", "en"]


@pytest.mark.parametrize("entries, message", [
    (SEED + SEED.split("  - code: en")[0], "content/site.yaml:{line}: language 'zh' is listed twice"),
    (SEED.replace("    authoritative: true\n", ""), "content/site.yaml:{line}: no authoritative language"),
    (SEED + "    authoritative: true\n", "content/site.yaml:{line}: two authoritative languages: zh, en"),
    (SEED + FR, "content/site.yaml:{line}: language 'fr' has no theme strings (expected themes/default/i18n/fr.yaml"),
    (SEED.replace("code: en", "code: English"), "content/site.yaml:{line}: bad language code 'English'"),
    (SEED.replace("hreflang: en", "hreflang: en_GB"), "content/site.yaml:{line}: bad hreflang 'en_GB' for 'en'"),
], ids=["duplicate", "no-authoritative", "two-authoritative", "no-theme-strings", "bad-code", "bad-hreflang"])
def test_a_bad_language_list_is_reported_with_its_line(tmp_path, entries, message):
    proj = make_project(tmp_path)
    with_languages(proj, entries)
    r = run("check", "--root", str(proj))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = (proj / "content" / "site.yaml").read_text("utf-8").splitlines()
    head, _, rest = message.partition("{line}")
    found = [ln.strip() for ln in r.stderr.splitlines() if ln.strip().startswith(head) and rest in ln]
    assert found, r.stderr
    line = int(found[0][len(head):].split(":")[0])
    assert 1 <= line <= len(lines) and ("languages" in lines[line - 1] or "code" in lines[line - 1]
                                        or "hreflang" in lines[line - 1] or "authoritative" in lines[line - 1])


def test_french_pages_show_the_french_catalogs_translations(french):
    """A task, a heading, a department's name and a paragraph from content/translations/fr/: on the French pages,
    in the page's language (no lang="zh-CN" around them); the segments next to them, not in the catalog, are the
    Chinese, marked, with the notice."""
    task = (french / "fr" / "task" / "2026" / "21" / "index.html").read_text("utf-8")
    assert '<html lang="fr">' in task
    assert f'<p class="task-text">{TASK21}</p>' in task
    assert "<title>Task 21: Favoriser le développement innovant" in task  # its title: the French text's opening
    assert re.search(r'class="tr-status[^>]*>.*1 of 1 passages translated', task)
    assert f'<a href="/fr/unit/shi-jiao-tong-wei/">{TRANSPORT}</a>' in task
    assert '<a href="/fr/unit/shi-gong-an-ju/"><span lang="zh-CN">市公安局</span></a>' in task
    doc = (french / "fr" / "doc" / "jingzhengfa-2026-1" / "index.html").read_text("utf-8")
    assert re.search(r'<h4 class="blk blk-heading" id="tasklist-2026-1-4"><a href="/fr/tasklist/2026/1.4/">'
                     + re.escape(HEADING) + "</a></h4>", doc)
    assert f'<p class="blk blk-para">{PARAGRAPH.replace(chr(39), "&#39;")}</p>' in doc
    following = re.search(r'id="part-1".*?<p class="blk blk-para">(.*?)</p>', doc).group(1)
    assert following.startswith('<span lang="zh-CN">一、坚持首善标准') and "tr-missing" in following
    unit = (french / "fr" / "unit" / "shi-jiao-tong-wei" / "index.html").read_text("utf-8")
    assert f"<h1>{TRANSPORT}</h1>" in unit and f"Cite: {TRANSPORT} (市交通委)" in unit


def test_french_catalogs_change_no_english_or_chinese_page_and_have_their_own_coverage(french_project):
    """Adding the French catalogs to a built site makes again only French pages (and the Chinese About the
    translations page, which counts every language's catalogs); the build reports each language's coverage."""
    proj, out, before, report = french_project
    after = {**tree(out, "zh"), **tree(out, "en")}
    assert after.keys() == before.keys()
    assert [f for f in after if after[f] != before[f]] == ["zh/about/translations/index.html"]
    assert "译文库共有926段译文" in after["zh/about/translations/index.html"].decode()
    assert "The catalogs hold 7 translated passages" in (out / "fr/about/translations/index.html").read_text("utf-8")
    assert re.search(r"translation coverage \(en\): 919/919 segments", report)
    fr = re.search(r"translation coverage \(fr\): (\d+)/(\d+) segments", report)
    assert fr and fr.group(1) == "7" and int(fr.group(2)) > 1000
    assert re.search(r"^  units +1/\d+ ", report.split("(fr)")[1], re.M)
    assert re.search(r"^  headings +3/\d+ ", report.split("(fr)")[1], re.M)  # a heading and two titles
    assert re.search(r"^  names +1/\d+ ", report.split("(fr)")[1], re.M)  # an issuer


def test_i18n_writes_the_french_catalogs_from_the_chinese_segments(french_project, corpus):
    """`i18n --lang fr` writes content/translations/fr/ with one entry per segment the French pages show, its
    msgid the Chinese segment (the same as the English catalogs' for the same key), keeping the French entries;
    English's catalogs are not touched, and a plain `i18n` then rewrites nothing."""
    from generator.i18n.catalog import load_catalogs

    proj = french_project[0]
    en_dir, fr_dir = proj / "content" / "translations" / "en", proj / "content" / "translations" / "fr"
    en_before = {p.name: p.read_bytes() for p in en_dir.glob("*.po")}
    r = run("i18n", "--root", str(proj), "--lang", "fr")
    assert r.returncode == 0, r.stderr
    assert re.search(r"^fr tasks +1/308 translated", r.stdout, re.M) and not re.search(r"^en ", r.stdout, re.M)
    assert {p.name: p.read_bytes() for p in en_dir.glob("*.po")} == en_before
    fr, en = load_catalogs(proj, "fr").entries, load_catalogs(proj, "en").entries
    assert fr["task/2026/21"].text == TASK21 and fr["tasklist/2026/1.4#heading"].text == HEADING
    assert fr["unit/shi-jiao-tong-wei#name"].text == TRANSPORT and fr[f"{DOC}#p3"].text == PARAGRAPH
    assert fr["tasklist/2026/1.4#title"].text == SUBSECTION and fr["report/2026/3.1#title"].text == REPORT_SECTION
    assert fr["issuer/北京市人民政府#name"].text == ISSUER
    assert sum(bool(e.text) for e in fr.values()) == 7
    tasks = corpus.tasklists["tasklist/2026"].tasks
    assert all(fr[t.id].zh == t.text for t in tasks.values())  # every task, its Chinese the msgid
    # every title of a task-list section and subsection, of a work-report part, section and topic, and the names
    # of the issuers and the district, each with its Chinese as the msgid, untranslated but for the French ones
    tl, rep = corpus.tasklists["tasklist/2026"], corpus.reports["report/2026"]
    titles = {**{f"{s.id}#title": s.title for sec in tl.sections for s in [sec, *sec.subsections]},
              **{f"{p.id}#title": p.title for p in rep.parts},
              **{f"{s.id}#title": s.title for p in rep.parts for s in p.sections},
              **{f"{x.id}#title": x.lead for p in rep.parts for s in p.sections for x in s.topics}}
    assert len(titles) > 90 and {k: fr[k].zh for k in titles} == titles
    assert {k for k in titles if fr[k].text} == {"tasklist/2026/1.4#title", "report/2026/3.1#title"}
    issuers = {i for d in corpus.documents.values() for i in d.issuers}
    names = {k: e for k, e in fr.items() if e.file == "content/translations/fr/names.po"}
    assert set(names) == {f"issuer/{i}#name" for i in issuers} | {"district/daxing#name"}
    assert names["district/daxing#name"].zh == "大兴区" and not names["district/daxing#name"].text
    assert not any(k.endswith("#title") or k.startswith(("issuer/", "district/")) for k in en)  # the glossary's
    assert all(fr[k].zh == e.zh for k, e in en.items() if k in fr) and len(set(en) & set(fr)) > 850
    assert fr["unit/shi-gong-an-ju#name"].zh == "市公安局" and not fr["unit/shi-gong-an-ju#name"].text
    text = (fr_dir / "tasks.po").read_text("utf-8")
    assert '"Language: fr\\n"' in text and "# French translations" in text
    fr_after = {p.name: p.read_bytes() for p in fr_dir.glob("*.po")}
    r = run("i18n", "--root", str(proj))  # every translation: nothing changed since
    assert r.returncode == 0, r.stderr
    assert {p.name: p.read_bytes() for p in en_dir.glob("*.po")} == en_before
    assert {p.name: p.read_bytes() for p in fr_dir.glob("*.po")} == fr_after


def test_titles_and_issuers_come_from_the_french_catalogs(french):
    """The titles of a task-list subsection and of a work-report section, and an issuing body's name, from the
    French catalogs (their English comes from the glossary, which is English only): on the item's own page, in
    the links to it and in a document's metadata and citation line. Titles and names the catalogs lack are the
    Chinese, marked lang="zh-CN"."""
    marked = '<span lang="zh-CN">{}</span>'.format
    section = (french / "fr" / "tasklist" / "2026" / "1.4" / "index.html").read_text("utf-8")
    assert f"<h1>1.4 {SUBSECTION}</h1>" in section and f"<title>{SUBSECTION} · " in section
    task = (french / "fr" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    assert f'<a href="/fr/tasklist/2026/1.4/">{SUBSECTION}</a>' in task  # its section and subsection
    assert f'<a href="/fr/tasklist/2026/1/">{marked("深入落实城市总体规划，推动京津冀协同发展走深走实")}</a>' in task
    tasklist = (french / "fr" / "tasklist" / "2026" / "index.html").read_text("utf-8")
    assert f'<h3><a href="/fr/tasklist/2026/1.4/">1.4 {SUBSECTION}</a></h3>' in tasklist
    assert f'<h3><a href="/fr/tasklist/2026/1.1/">1.1 {marked("充分发挥规划统筹引领作用")}' \
        in tasklist
    report = (french / "fr" / "report" / "2026" / "3.1" / "index.html").read_text("utf-8")
    assert f"<h1>3.1 {REPORT_SECTION}</h1>" in report
    topic = (french / "fr" / "report" / "2026" / "3.1.1" / "index.html").read_text("utf-8")
    assert f'<a href="/fr/report/2026/3.1/">{REPORT_SECTION}</a>' in topic
    assert f"<h1>{marked('充分发挥规划统筹引领作用')}</h1>" in topic  # a topic's lead phrase: not translated
    other = (french / "fr" / "report" / "2026" / "3.2" / "index.html").read_text("utf-8")
    assert re.search(r'<h1>3\.2 <span lang="zh-CN">[^<]+</span></h1>', other)
    doc = (french / "fr" / "doc" / "jingzhengfa-2026-1" / "index.html").read_text("utf-8")
    assert f"<dt>Issued by</dt><dd>{ISSUER}</dd>" in doc
    assert f"Cite: 京政发〔2026〕1号, 10 février 2026, {ISSUER}</span>" in doc
    office = (french / "fr" / "doc" / "jingzhengbanfa-2026-1" / "index.html").read_text("utf-8")
    assert f"<dt>Issued by</dt><dd>{marked('北京市人民政府办公厅')}</dd>" in office
    assert f"<dt>Issuing authority</dt><dd>{marked('北京市人民政府办公厅')}</dd>" in office
    progress = (french / "fr" / "progress" / "2025" / "daxing" / "index.html").read_text("utf-8")
    assert f"<h1>{marked('大兴区')}: " in progress  # a district: no French name in the catalogs
    english = (french / "en" / "tasklist" / "2026" / "1.4" / "index.html").read_text("utf-8")
    assert SUBSECTION not in english and re.search(r"<h1>1\.4 [A-Z][a-z]+ [^<]+</h1>", english)  # the glossary's


def test_the_catalogs_cache_keeps_languages_apart(tmp_path):
    """A French tasks.po that is the English one with one translation changed: each language reads its own
    entries, from the files and then from .cache/catalogs/ (one cache file per catalog file)."""
    from generator.config import load_config
    from generator.i18n.catalog import load_translations

    proj = make_project(tmp_path)
    i18n = proj / "themes" / "default" / "i18n"
    (i18n / "fr.yaml").write_text((i18n / "en.yaml").read_text("utf-8"), "utf-8")
    with_languages(proj, SEED + FR)
    en_po = proj / "content" / "translations" / "en" / "tasks.po"
    (proj / "content" / "translations" / "fr").mkdir()
    text = en_po.read_text("utf-8")
    english = re.search(r'msgctxt "task/2026/21"\nmsgid "[^\n]*"\nmsgstr "([^\n]*)"', text).group(1)
    (proj / "content" / "translations" / "fr" / "tasks.po").write_text(text.replace(english, TASK21), "utf-8")
    languages = load_config(proj).languages
    for _ in range(2):  # read, then from the cache
        tr = load_translations(proj, languages)
        assert list(tr) == ["en", "fr"] and len(tr["fr"].entries) == 308
        assert tr["fr"].get("task/2026/21", tr["fr"].entries["task/2026/21"].zh).text == TASK21
        assert tr["en"].entries["task/2026/21"].text == english.replace('\\"', '"')  # as the PO file escapes it
        assert {e.file for e in tr["fr"].entries.values()} == {"content/translations/fr/tasks.po"}
        assert "content/translations/fr/tasks.po" not in {e.file for e in tr["en"].entries.values()}
    assert len(list((proj / ".cache" / "catalogs").glob("*.pickle"))) == 6  # five English catalogs, one French


def test_catalogs_of_a_language_not_listed_are_reported_and_i18n_names_the_languages(tmp_path):
    proj = make_project(tmp_path)
    (proj / "content" / "translations" / "de").mkdir()
    (proj / "content" / "translations" / "de" / "tasks.po").write_text("", "utf-8")
    r = run("check", "--root", str(proj))
    assert r.returncode == 0 and "content/translations/de/: catalogs of a language that content/site.yaml does " \
        "not list as a translation ('de'); they are not read" in r.stderr
    r = run("i18n", "--root", str(proj), "--lang", "de")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "content/site.yaml: --lang de: no such translation under languages: (expected a code of a language " \
        "that is not the authoritative one: en)" in r.stderr


def test_a_third_language_labels_provisions_with_its_theme_strings(french):
    """A provision's label is made by rule from the language's own formats (fr.yaml: Art. {n}), not the
    Chinese as printed, and not English's."""
    doc = "doc/jingshanghanzi-2026-125"
    fr = (french / "fr" / doc / "article" / "2" / "index.html").read_text("utf-8")
    en = (french / "en" / doc / "article" / "2" / "index.html").read_text("utf-8")
    assert re.search(r"<title>Art\. 2\b", fr), re.search(r"<title>.*?</title>", fr).group()
    assert "Link to Art. 2" in (french / "fr" / doc / "index.html").read_text("utf-8")
    assert "<title>Article 2" in en and "Art. 2" not in en


def test_a_third_language_shows_a_document_number_as_printed(french):
    """English cites a document number in its romanisation (Jingzhengfa[2026] No. 1); a language without one shows
    the number as printed, marked as Chinese, never English's romanisation."""
    fr = (french / "fr" / "doc" / "jingzhengfa-2026-1" / "index.html").read_text("utf-8")
    en = (french / "en" / "doc" / "jingzhengfa-2026-1" / "index.html").read_text("utf-8")
    assert 'Document number</dt><dd><span lang="zh-CN">京政发〔2026〕1号</span></dd>' in fr
    assert "Jingzhengfa[2026]" not in fr
    assert "Jingzhengfa[2026] No. 1 <span" in en
