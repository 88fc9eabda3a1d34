"""Issue 21 point 2: the language list is the configuration's (content/site.yaml ``languages:``). A third
language is a config entry and a theme strings file: it gets every page, in the switcher, the hreflang
alternates and the sitemap, and shows the authoritative Chinese, marked lang="zh-CN", where it has no
translation. A bad language list is reported with its file and line."""
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


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    """The seed project with French added: its theme strings (a copy of the English ones, so that the
    interface is complete) and no catalogs."""
    proj = make_project(tmp_path_factory.mktemp("fr"))
    i18n = proj / "themes" / "default" / "i18n"
    (i18n / "fr.yaml").write_text((i18n / "en.yaml").read_text("utf-8"), "utf-8")
    with_languages(proj, SEED + FR)
    # a French version of the zh/en note about task 20 (same translation_key): the three are alternates
    (proj / "content" / "notes" / "2026-03-30-task-2026-20-fr.md").write_text(
        '---\ntitle: "La ligne 22 vers Pinggu"\nlang: fr\ndate: 2026-03-30\nauthor: Rédaction\n'
        'refs: ["task/2026/20"]\ntranslation_key: line22\n---\n\n[[task/2026/20]] : une promesse.\n', "utf-8")
    out = proj / "build"
    r = run("build", "--root", str(proj), "--out", str(out), "--no-search")
    assert r.returncode == 0, r.stderr
    return out


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
    # the task's text: no French catalog, so the authoritative Chinese, marked, with the theme's notice
    assert re.search(r'<p class="task-text"><span lang="zh-CN">促进通勤圈一体发展，轨道交通22号线[^<]*</span> '
                     r'<small class="tr-notice tr-missing"', page)
    assert '<p class="unofficial wrap"' in page  # a translation's page says the Chinese is authoritative
    # names without a French form (the lead units, the site's title) are the Chinese ones, marked too
    assert '<a href="/fr/unit/shi-gong-an-ju/"><span lang="zh-CN">市公安局</span></a>' in page
    assert '<a class="brand" href="/fr/"><span lang="zh-CN">北京政务公开文献库</span></a>' in page
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
