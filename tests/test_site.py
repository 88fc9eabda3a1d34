"""Issue 2: pages for every item in both languages, nothing lost, data API."""
from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from generator.normalize import cjk_chars
from conftest import read


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    p = _Text()
    p.feed(html)
    return "".join(p.parts)


def main_text(html: str) -> str:
    m = re.search(r"<main.*?</main>", html, re.S)
    return page_text(m.group(0))


def with_parts(site, url: str) -> list[str]:
    first = read(site, url)
    nav = re.search(r'<nav class="parts".*?</nav>', first, re.S)
    if not nav:
        return [first]
    return [first] + [read(site, u) for u in re.findall(r'<a href="([^"]+)"', nav.group(0))]


def strip_nav(html: str) -> str:
    return re.sub(r'<nav class="parts".*?</nav>', "", html, flags=re.S)


# every source -> the page(s) rendered for it (its full-text pages)
SOURCE_PAGES = {
    "2026-gazette-12.txt": ["/zh/gazette/2026/12/", "/zh/doc/jingzhengfa-2026-1/", "/zh/doc/jingzhengbanfa-2026-4/",
                            "/zh/doc/jingshangliutongzi-2026-2/", "/zh/doc/jingshanghanzi-2026-125/",
                            "/zh/doc/jingshangdianshangzi-2026-6/", "/zh/doc/jingshangxiaoyizi-2026-5/"],
    "2026-task-list-excerpt.txt": ["/zh/doc/jingzhengfa-2026-1/"],
    "2026-work-report.txt": ["/zh/report/2026/"],
    "2026-livelihood-projects.txt": ["/zh/doc/jingzhengbanfa-2026-1/"],
    "2025-daxing-progress.txt": ["/zh/progress/2025/daxing/"],
}
# layout artefacts that are not body text, listed per source
ARTEFACTS = {"2026-gazette-12.txt": ["北京市人民政府公报"]}


@pytest.mark.parametrize("name", sorted(SOURCE_PAGES))
def test_nothing_lost(site, root, corpus, name):
    """Every Chinese character of a source's body appears on the page(s) rendered for it."""
    src = (root / "content" / "sources" / name).read_text("utf-8")
    expected = Counter(cjk_chars(src))
    for a in ARTEFACTS.get(name, []):
        expected.subtract(cjk_chars(a))  # one running header inside the body
    shown = Counter()
    for url in SOURCE_PAGES[name]:
        for html in with_parts(site, url):  # a very long document is split over several pages
            shown.update(cjk_chars(main_text(strip_nav(html))))
    if name == "2026-task-list-excerpt.txt":
        # the excerpt repeats its text twice; the canonical document shows it once
        missing = {ch for ch in expected if shown[ch] == 0}
    else:
        missing = {ch: n - shown[ch] for ch, n in expected.items() if n - shown[ch] > 0}
    assert not missing, f"{name}: characters not shown: {missing}"


def test_artefacts_are_only_the_running_header(corpus):
    listed = {s.name: [a.text for a in s.artefacts] for s in corpus.sources}
    assert listed == {"2025-daxing-progress.txt": [], "2026-gazette-12.txt": ["北京市人民政府公报"],
                      "2026-livelihood-projects.txt": [], "2026-task-list-excerpt.txt": [], "2026-work-report.txt": []}


URLS = ["/", "/gazette/", "/gazette/2026/12/", "/doc/", "/doc/jingzhengfa-2026-1/", "/doc/jingzhengbanfa-2026-1/",
        "/tasklist/2026/", "/tasklist/2026/1/", "/tasklist/2026/1.4/", "/task/2026/1/", "/task/2026/20/",
        "/task/2026/308/", "/report/2026/", "/report/2026/3/", "/report/2026/3.1/", "/report/2026/3.11/",
        "/report/2026/3.1.1/", "/livelihood/2026/", "/livelihood/2026/7/", "/livelihood/2026/7.1/",
        "/progress/2025/daxing/", "/progress/2025/daxing/4/", "/unit/", "/unit/shi-fa-zhan-gai-ge-wei/",
        "/search/"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("url", URLS)
def test_pages_exist_in_both_languages(site, url, lang):
    html = read(site, f"/{lang}{url}")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert "<h1" in html


def test_every_item_has_a_page(site, corpus):
    for lang in ("zh", "en"):
        for n in range(1, 309):
            assert (site / lang / "task" / "2026" / str(n) / "index.html").is_file()
        for p in corpus.livelihood["livelihood/2026"].projects:
            assert (site / lang / "livelihood" / "2026" / str(p.number) / "index.html").is_file()
            for it in p.items:
                assert (site / lang / "livelihood" / "2026" / it.number / "index.html").is_file()
        for r in range(1, 23):
            assert (site / lang / "progress" / "2025" / "daxing" / str(r) / "index.html").is_file()
        for u in corpus.units.values():
            assert (site / lang / "unit" / u.slug / "index.html").is_file()
        for d in corpus.documents.values():
            assert (site / lang / "doc" / d.slug / "index.html").is_file()
        for s in corpus.tasklists["tasklist/2026"].sections:
            assert (site / lang / "tasklist" / "2026" / str(s.number) / "index.html").is_file()
            for ss in s.subsections:
                assert (site / lang / "tasklist" / "2026" / f"{s.number}.{ss.number}" / "index.html").is_file()


def test_task_page_content(site):
    zh = main_text(read(site, "/zh/task/2026/20/"))
    assert "促进通勤圈一体发展，轨道交通22号线红庙至平谷段基本具备开通条件" in zh
    assert "市京津冀协同办" in zh and "打造现代化首都都市圈" in zh
    en = read(site, "/en/task/2026/20/")
    assert "<h1>Task 20</h1>" in en
    assert "Lead units" in en and "Unofficial translation — the Chinese text is authoritative" in en


def test_english_pages_have_english_navigation_and_metadata(site):
    en = read(site, "/en/doc/jingzhengfa-2026-1/")
    for s in ("Document number", "Jingzhengfa[2026] No. 1", "Issued by", "10 February 2026",
              "Circular of Beijing Municipal Government on Issuing the", "Priority Task List", "Departments"):
        assert s in en, s
    assert 'hreflang="zh-CN"' in en and 'href="/zh/doc/jingzhengfa-2026-1/"' in en


def test_gazette_page_has_bilingual_toc(site):
    html = read(site, "/zh/gazette/2026/12/")
    assert html.count('class="toc-entry"') == 6
    assert "Jingshangxiaoyizi[2026] No. 5" in html and "京商消一字〔2026〕5号" in html
    assert "Documents of Government Departments" in html and "【部门文件】" in html


def test_data_api(site, corpus):
    api = site / "api" / "v1"
    index = json.loads((api / "index.json").read_text())
    counts = {k: v["records"] for k, v in index["files"].items()}
    assert counts["tasks.json"] == 308
    assert counts["documents.json"] == 7
    assert counts["projects.json"] == 10
    assert counts["progress.json"] == 22
    assert counts["units.json"] == len(corpus.units)
    tasks = json.loads((api / "tasks.json").read_text())
    t20 = next(t for t in tasks if t["id"] == "task/2026/20")
    assert t20["urls"]["zh"].endswith("/zh/task/2026/20/") and t20["urls"]["en"].endswith("/en/task/2026/20/")
    assert t20["units_zh"] == ["市京津冀协同办", "市公安局", "市交通委", "市重大项目办"]
    assert all(u.startswith("unit/") for u in t20["units"])
    assert len(t20["sources"]) == 3
    docs = json.loads((api / "documents.json").read_text())
    d = next(d for d in docs if d["id"] == "doc:京政发〔2026〕1号")
    assert d["number_en"] == "Jingzhengfa[2026] No. 1" and d["urls"]["zh"].endswith("/zh/doc/jingzhengfa-2026-1/")
    rows = json.loads((api / "progress.json").read_text())
    r5 = next(r for r in rows if r["id"] == "progress/2025/daxing/5")
    assert r5["target_vs_reported"] == [{"target": "4000套", "reported": "2809套", "unit": "套",
                                         "target_value": 4000.0, "reported_value": 2809.0}]
    projects = json.loads((api / "projects.json").read_text())
    assert [len(p["items"]) for p in projects] == [3, 2, 3, 1, 1, 3, 5, 3, 4, 2]
    links = json.loads((api / "links.json").read_text())
    assert links and {"source", "target", "kind", "score", "evidence"} <= set(links[0])
