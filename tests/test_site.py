"""Issue 2: pages for every item in both languages, nothing lost, data API."""
from __future__ import annotations

import bisect
import difflib
import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from generator.normalize import cjk_chars, to_simplified
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


# every source -> the zh pages that render its body, in the order of the source. A page given
# as (url, region) contributes only that region: the gazette issue page carries the cover (before
# the documents) and the back matter (after them); the progress table page marks no blocks, its
# body is the table and the title line above it.
SOURCE_PAGES = {
    "2026-gazette-12.txt": [("/zh/gazette/2026/12/", "cover"), "/zh/doc/jingzhengfa-2026-1/",
                            "/zh/doc/jingzhengbanfa-2026-4/", "/zh/doc/jingshangliutongzi-2026-2/",
                            "/zh/doc/jingshanghanzi-2026-125/", "/zh/doc/jingshangdianshangzi-2026-6/",
                            "/zh/doc/jingshangxiaoyizi-2026-5/", ("/zh/gazette/2026/12/", "back")],
    "2026-task-list-excerpt.txt": ["/zh/doc/jingzhengfa-2026-1/"],  # the canonical document, its only-in blocks
    "2026-work-report.txt": ["/zh/report/2026/"],
    "2026-livelihood-projects.txt": ["/zh/doc/jingzhengbanfa-2026-1/"],
    "2025-daxing-progress.txt": [("/zh/progress/2025/daxing/", "table")],
}
# inside a body block but not body text: the Traditional original beside its Simplified text (the
# source is compared in Simplified), the untranslated notice
_NOT_BODY = {"original", "tr-notice"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Body(HTMLParser):
    """The text of the body blocks (class ``blk``) of a page in document order; apart from
    it, footnote blocks (the model lifts footnotes out of the paragraph they interrupt) and
    blocks only another publication of the document carries (collapsed in a ``details.variant``, its summary
    naming that publication: not body text)."""

    def __init__(self, region: str | None):
        super().__init__()
        self.region = region
        self.stack: list[tuple[str, bool, bool, str, str]] = []  # tag, body, skip, kind, region
        self.blocks: dict[str, list[list[str]]] = {"main": [[]], "footnote": [], "only-in": []}

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        a = dict(attrs)
        cls = set((a.get("class") or "").split())
        _, body, skip, kind, region = self.stack[-1] if self.stack else ("", False, False, "main", "")
        if tag == "details" and "panel" in cls:
            region = "cover"
        elif a.get("aria-labelledby") == "back-h":
            region = "back"
        body = body or "blk" in cls or (self.region == "table" and bool(cls & {"lead", "progress-table"}))
        skip = skip or bool(cls & _NOT_BODY) or tag in ("script", "style")
        if kind == "main" and ("blk-footnote" in cls or tag == "details" and "variant" in cls):
            kind = "footnote" if "blk-footnote" in cls else "only-in"
            self.blocks[kind].append([])
        self.stack.append((tag, body, skip, kind, region))

    def handle_endtag(self, tag):
        for k in range(len(self.stack) - 1, -1, -1):  # tolerant of unclosed elements
            if self.stack[k][0] == tag:
                del self.stack[k:]
                return

    def handle_data(self, data):
        if not self.stack:
            return
        _, body, skip, kind, region = self.stack[-1]
        if body and not skip and (self.region in (None, "table") or region == self.region):
            self.blocks[kind][-1].append(data)


def _cjk(text: str) -> str:
    return "".join(cjk_chars(to_simplified(text)))


def rendered_body(pages: list[str], region: str | None = None) -> dict[str, list[str]]:
    """Chinese characters (in Simplified) of the body blocks of ``pages``, in order: "main" (one
    string per page), "footnote" and "only-in" (one string per block)."""
    out = {"main": [], "footnote": [], "only-in": []}
    for html in pages:
        p = _Body(region)
        p.feed(html)
        for kind, blocks in p.blocks.items():
            out[kind] += [_cjk("".join(b)) for b in blocks]
    return out


def unmatched(segments: list[str], shown: str) -> tuple[list[int], dict[int, int]]:
    """Align the source (``segments``: its lines, in order) with the rendered text, in order,
    and return the indexes of source characters that have no counterpart, with where each
    matched one was found. Lines that occur exactly once on both sides anchor the alignment
    (kept only where they follow one another on both sides); the stretches between anchors
    are compared character by character with difflib. The rendered side may carry more
    than the source (names completed by the register, other publications' text); any
    source character deleted or changed is unmatched."""
    src = "".join(segments)
    starts, at = [], 0
    for seg in segments:
        starts.append(at)
        at += len(seg)
    anchors = []  # (source start, rendered start, length)
    for seg, s0 in zip(segments, starts):
        if len(seg) >= 4 and src.count(seg) == 1 and shown.count(seg) == 1:
            anchors.append((s0, shown.index(seg), len(seg)))
    # the longest run of anchors in the same order on both sides, without overlaps
    tails, prev, idx = [], [None] * len(anchors), []
    for k, (_, r0, _) in enumerate(anchors):
        j = bisect.bisect_left(tails, r0)
        if j == len(tails):
            tails.append(r0)
            idx.append(k)
        else:
            tails[j], idx[j] = r0, k
        prev[k] = idx[j - 1] if j else None
    chain, k = [], idx[-1] if idx else None
    while k is not None:
        chain.append(anchors[k])
        k = prev[k]
    kept, end = [], 0
    for s0, r0, n in reversed(chain):
        if r0 >= end:
            kept.append((s0, r0, n))
            end = r0 + n
    found: dict[int, int] = {}
    for s0, r0, n in kept:
        found.update((s0 + i, r0 + i) for i in range(n))
    bounds = [(0, 0, 0)] + kept + [(len(src), len(shown), 0)]
    for (a_s, a_r, a_n), (b_s, b_r, _) in zip(bounds, bounds[1:]):
        s_lo, s_hi, r_lo, r_hi = a_s + a_n, b_s, a_r + a_n, b_r
        if s_lo >= s_hi:
            continue
        # before the first anchor and after the last one the rendered side may run on with text of
        # its own (the excerpt's canonical document has 244 tasks more): look only nearby there
        slack = 2 * (s_hi - s_lo) + 200
        if (a_s, a_n) == (0, 0):
            r_lo = max(r_lo, r_hi - slack)
        if b_s == len(src):
            r_hi = min(r_hi, r_lo + slack)
        sm = difflib.SequenceMatcher(None, src[s_lo:s_hi], shown[r_lo:r_hi], autojunk=False)
        for i, j, n in sm.get_matching_blocks():
            found.update((s_lo + i + t, r_lo + j + t) for t in range(n))
    return [i for i in range(len(src)) if i not in found], found


def _report(path: str, lines: list[tuple[int, str, str]], shown: str, missing: list[int], found: dict,
            what: str, limit: int = 20) -> list[str]:
    """``file:line: …`` for each source line with characters not shown, with the rendered text
    where they were expected (after the last character that was matched before them)."""
    src = "".join(seg for _, _, seg in lines)
    owner = [(line, raw) for line, raw, seg in lines for _ in seg]
    by_line: dict[int, list[int]] = {}
    for i in missing:
        by_line.setdefault(owner[i][0], []).append(i)
    out = []
    for line, idxs in sorted(by_line.items())[:limit]:
        at = next((found[j] + 1 for j in range(idxs[0] - 1, -1, -1) if j in found), 0)
        out.append(f"{path}:{line}: {len(idxs)} character(s) of the source not shown in {what}: "
                   f"{''.join(src[i] for i in idxs)!r}; source line: {owner[idxs[0]][1].strip()[:80]!r}; "
                   f"rendered there: {shown[max(0, at - 15):at + 25]!r}")
    if len(by_line) > limit:
        out.append(f"{path}: … and {len(by_line) - limit} more lines with characters not shown")
    return out


def source_lines(src, corpus, first: int = 1, last: int | None = None) -> tuple[list, list]:
    """The body of a source as (line, raw text, Chinese characters in Simplified) per line, from
    ``first`` to ``last``, without the layout artefacts the model lists (running headers); the
    footnote lines the model lifts out of their paragraphs are returned apart."""
    artefacts = {a.line for a in src.artefacts}
    notes = {b.line for d in corpus.documents.values() for b in d.blocks
             if b.kind == "footnote" and (b.only_in or d.origins[0].file) == src.path}
    body, foot = [], []
    for n, raw in enumerate(src.text.split("\n"), 1):
        if n < first or (last is not None and n > last) or n in artefacts:
            continue
        seg = _cjk(raw)
        if seg:
            (foot if n in notes else body).append((n, raw, seg))
    return body, foot


def lost_characters(name: str, corpus, pages: dict[str, list[str]]) -> list[str]:
    """Every Chinese character of the body of source ``name`` must be shown, in order, in the body
    blocks of the zh pages rendered for it (``pages``: url -> its html pages, parts included).
    Returns one ``file:line: …`` message per source line that lost characters."""
    src = next(s for s in corpus.sources if s.name == name)
    assert src.text.strip(), f"{name}: the corpus gives no text for it: nothing would be compared"
    shown = {"main": "", "footnote": "", "only-in": ""}
    for entry in SOURCE_PAGES[name]:
        url, region = entry if isinstance(entry, tuple) else (entry, None)
        for kind, texts in rendered_body(pages[url], region).items():
            shown[kind] += "".join(texts)
    copies = [(o.line, o.end_line) for d in corpus.documents.values() for o in d.origins[1:] if o.file == src.path]
    problems = []
    if copies:  # a further publication of a document: each copy against the canonical document's blocks,
        # and the paragraphs the model found only in this publication against the only-in blocks
        only = {_cjk(b.text) for d in corpus.documents.values() for b in d.blocks if b.only_in == src.path}
        covered = set()
        for first, last in copies:
            covered.update(range(first, last + 1))
            body, foot = source_lines(src, corpus, first, last)
            mine = _runs_of(body, only)
            problems += _compare(src.path, [x for k, x in enumerate(body) if k not in mine], shown["main"],
                                 "the canonical document")
            problems += _compare(src.path, [x for k, x in enumerate(body) if k in mine], shown["only-in"],
                                 "the blocks marked as only in this publication")
            problems += _compare(src.path, foot, shown["footnote"], "the footnotes")
        outside, _ = source_lines(src, corpus)
        problems += [f"{src.path}:{n}: text outside every copy of the document: {raw.strip()[:40]!r}"
                     for n, raw, _ in outside if n not in covered]
    else:  # other publications' only-in blocks are not this source's text
        body, foot = source_lines(src, corpus)
        problems += _compare(src.path, body, shown["main"], "the body blocks")
        problems += _compare(src.path, foot, shown["footnote"], "the footnotes")
    return problems


def _runs_of(lines, texts: set[str]) -> set[int]:
    """Indexes of the lines that, run together, make up one of ``texts`` (a wrapped paragraph)."""
    out, k = set(), 0
    while k < len(lines):
        for t in texts:
            acc, j = "", k
            while j < len(lines) and t.startswith(acc + lines[j][2]):
                acc += lines[j][2]
                j += 1
                if acc == t:
                    out.update(range(k, j))
                    break
            if k in out:
                k = j - 1
                break
        k += 1
    return out


def _compare(path, lines, shown: str, what: str) -> list[str]:
    missing, found = unmatched([seg for _, _, seg in lines], shown)
    return _report(path, lines, shown, missing, found, what) if missing else []


@pytest.mark.parametrize("name", sorted(SOURCE_PAGES))
def test_nothing_lost(site, corpus, name):
    """Every Chinese character of a source's body is shown, in its order, in the body blocks of
    the pages rendered for it. Allowed: running headers the model lists as artefacts, footnotes
    the model lifts out of their paragraphs (shown as footnote blocks), more text on the page
    than in the source. A further publication of a document (the 002 excerpt, twice over) is
    checked copy by copy against the canonical document, its only-in blocks included."""
    pages = {(e if isinstance(e, str) else e[0]): None for e in SOURCE_PAGES[name]}
    pages = {url: with_parts(site, url) for url in pages}
    problems = lost_characters(name, corpus, pages)
    assert not problems, "\n".join(problems[:20])


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
    assert "<h1>Task 20: Promote integrated development of the commuting circle</h1>" in en
    assert "Lead units" in en and "Unofficial translation — the Chinese text is authoritative" in en


def test_a_simplified_task_list_shows_no_traditional_original(site):
    """The seed task list is in Simplified script: since a Traditional one's task, lead-units and heading blocks,
    task pages and section pages show the lines as written (tests/test_ingest.py), none of the seed's shows a
    繁体原文 (its document, side by side, each task's page, the list's pages), in either language."""
    pages = [p for lang in ("zh", "en") for folder in ("task", "tasklist", "doc/jingzhengfa-2026-1")
             for p in (site / lang / folder).rglob("index.html")]
    assert len(pages) > 2 * (308 + 11 + 37)
    shown = [p for p in pages if 'class="original"' in p.read_text("utf-8")]
    assert shown == []


def test_the_livelihood_list_shows_its_items_as_written(site):
    """The seed livelihood list is in Traditional script: its project and item pages showed each text as written,
    its list page did not. The list shows every item's text as written beside it, by the same mark."""
    listed = read(site, "/zh/livelihood/2026/")
    assert ('1.1</a> 推动50个幼儿园新增2至3岁幼儿托位1000个；<span class="original" lang="zh-TW"><span class="label">'
            '繁体原文：</span>推動50個幼兒園新增2至3歲幼兒托位1000個；</span></li>') in listed
    assert listed.count('<span class="original" lang="zh-TW">') == listed.count('<a class="num" href="/zh/livelihood/')
    item = read(site, "/en/livelihood/2026/1.1/")
    assert '<span class="label">Original (Traditional script): </span>推動50個幼兒園新增2至3歲幼兒托位1000個；</span></p>' in item


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


# --- English part navigation, document metadata and addressees, bilingual API records ---------------------------

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _without_zh_spans(html: str) -> str:
    return re.sub(r'<span lang="zh-CN">[^<]*</span>', "", html)


def _parts_navs(site, lang: str) -> dict[str, str]:
    navs = {}
    for p in sorted((site / lang).rglob("index.html")):
        m = re.search(r'<nav class="parts".*?</nav>', p.read_text("utf-8"), re.S)
        if m:
            navs[p.relative_to(site).as_posix()] = m.group(0)
    return navs


def test_english_part_navigation_shows_english_headings(site):
    navs = _parts_navs(site, "en")
    # the side-by-side views of long texts are split at their headings: the task-list circular's 11, 3 + 3 + 2
    # other documents' (each document itself is read whole, with a table of contents)
    assert len(navs) == 19
    for path, nav in navs.items():
        for label in re.findall(r"<li>(.*?)</li>", nav):
            assert not CJK.search(_without_zh_spans(label)), (path, label)
            assert 'lang="zh-CN"' not in label, (path, label)  # every heading of the seed is translated
    # a part is named by its heading, which carries its own number: the part's is shown only where it has none
    # (it was '2 3. Priorities for 2026', '3 3. Keep advancing…')
    assert ">I. General Requirements</a>" in navs["en/doc/jingshangliutongzi-2026-2/parallel/index.html"]
    report = navs["en/report/2026/parallel/index.html"]
    assert '<li><span aria-current="page">1</span></li>' in report and ">3. Priorities for 2026</a>" in report
    tasks = navs["en/doc/jingzhengfa-2026-1/parallel/index.html"]
    assert ">2. Strengthen the leading role of…</a>" in tasks and not re.search(r">(\d+) \1\. ", tasks)
    zh = _parts_navs(site, "zh")["zh/doc/jingzhengfa-2026-1/parallel/index.html"]
    labels = re.findall(r"<li>(?:<a [^>]*>|<span [^>]*>)(.*?)</(?:a|span)></li>", zh)
    assert labels[0] == "1" and labels[1] == "二、增强内需主导能力，巩固拓…", labels[:2]  # cut with the ellipsis


def _contents(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="contents".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="#([^"]+)">(.*?)</a>', nav)


def test_a_document_is_read_whole_with_a_table_of_contents(site):
    """The task-list circular is one page with its 308 tasks; its contents link to its parts' anchors, named
    in the page's language."""
    en = read(site, "/en/doc/jingzhengfa-2026-1/")
    assert en.count('class="blk blk-task"') == 308
    contents = _contents(en)
    assert contents[0] == ("part-1", "I. Adhere to the highest standards befitting the capital and take the "
                                     "initiative to…")
    assert ("annex-1-part-2", "Strengthen the leading role of domestic demand and consolidate and expand the "
                              "momentum of…") in contents
    for anchor, label in contents:
        assert f'id="{anchor}"' in en and not CJK.search(_without_zh_spans(label)), label
    zh = _contents(read(site, "/zh/doc/jingzhengfa-2026-1/"))
    assert ("annex-1-part-2", "二、增强内需主导能力，巩固拓展经济稳中向好势头") in zh


def _untranslated_views(loaded):
    """The seed corpus with an empty translation catalog: what pages look like before translators have worked."""
    from generator.i18n.catalog import Translator
    from generator.site.pages import ViewContext
    from generator.site.text import ui_strings

    config, glossary, corpus = loaded[0], loaded[1], loaded[2]
    ui = {lang: ui_strings(str(config.theme_dir), lang, config.codes) for lang in config.codes}
    return ViewContext(corpus, {"en": Translator("en")}, glossary, ui, config.languages)


def test_part_navigation_falls_back_to_marked_chinese(loaded):
    from generator.site import views

    v = _untranslated_views(loaded)
    d = v.corpus.documents["doc:京商流通字〔2026〕2号"]
    pages = list(views.parallel(v, f"doc/{d.slug}/parallel", d.id, "t", d.blocks, "en", ["doc"], d.id))
    labels = [str(p["label"]) for p in pages[0].ctx["parts"]]
    assert labels[1:] == ['<span lang="zh-CN">一、总体要求</span>', '<span lang="zh-CN">四、职责分工</span>']
    # in a document's contents, a heading without English is its Chinese, marked as such
    from generator import kinds
    from generator.site.html import text_html

    first = next(views.document(v, d, "en", kinds.kind_of(d)))
    label = str(text_html(first.ctx["contents"][0]["children"][0]["text"], v.ui["en"], "en"))
    assert label.startswith('<span lang="zh-CN">'), label


def _meta_panel(html: str) -> list[tuple[str, str]]:
    panel = re.search(r'<h2 id="meta-h">.*?</dl>', html, re.S).group(0)
    return re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", panel)


def test_document_metadata_panel_is_localized(site):
    en = _meta_panel(read(site, "/en/doc/jingzhengbanfa-2026-1/"))
    assert en == [
        ("Subject category", "General Government Affairs/Others"),
        ("Effective date", '<time datetime="2026-02-03">3 February 2026</time>'),
        ("Document number", "Jingzhengbanfa[2026] No. 1"),
        ("Release date", '<time datetime="2026-02-03">3 February 2026</time>'),
        ("Issuing authority", "General Office of the People&#39;s Government of Beijing Municipality"),
        ("Date of formulation", '<time datetime="2026-02-03">3 February 2026</time>'),
        ("Date of repeal", "---"),
        ("Validity", "In force"),
    ]
    zh = _meta_panel(read(site, "/zh/doc/jingzhengbanfa-2026-1/"))
    assert [k for k, _ in zh] == ["主题分类", "实施日期", "发文字号", "发布日期", "发文机构", "成文日期", "废止日期", "有效性"]
    assert ("有效性", "现行有效") in zh and ("发文字号", "京政办发〔2026〕1号") in zh
    assert ("实施日期", '<time datetime="2026-02-03">2026年2月3日</time>') in zh


def test_document_metadata_keeps_untranslatable_values_marked_chinese(loaded):
    from generator.site import views

    v = _untranslated_views(loaded)
    rows = {f["key"]: f for f in views.metadata(v, v.corpus.documents["doc:京政办发〔2026〕1号"], "en")}
    assert rows["topic"]["label"] == "Subject category"
    assert rows["topic"]["value"]["text"] == "综合政务/其他" and rows["topic"]["value"]["lang"] == "zh"
    assert rows["validity"]["value"]["text"] == "In force"  # from the UI strings, not the catalog
    assert rows["effective"]["value"]["text"] == "3 February 2026"


def test_addressees_in_english_where_the_glossary_knows_them(site):
    """Addressees in English: from the glossary when it knows every one, else the translator's
    English of the whole addressee line; Chinese (marked zh-CN) only when neither exists."""
    en = read(site, "/en/doc/jingzhengfa-2026-1/")
    assert ("<dt>To</dt><dd>The people&#39;s governments of all districts, all commissions, offices and bureaus "
            "of the Municipal Government, and all institutions directly under the Municipal Government</dd>") in en
    found = 0
    for p in sorted((site / "en" / "doc").glob("*/index.html")):
        m = re.search(r"<dt>To</dt><dd>(.*?)</dd>", p.read_text("utf-8"))
        if m:
            found += 1
            assert not CJK.search(m.group(1)), p  # every document's addressees are translated
    assert found == 6  # one document (京商电商字〔2026〕6号) names no addressee
    zh = read(site, "/zh/doc/jingzhengfa-2026-1/")
    assert "<dt>主送</dt><dd>各区人民政府，市政府各委、办、局，各市属机构</dd>" in zh


def _api(site, name):
    return json.loads((site / "api" / "v1" / name).read_text("utf-8"))


def test_api_every_chinese_field_has_its_english_field(site):
    lacking = []

    def walk(obj, where):
        if isinstance(obj, dict):
            lacking.extend(f"{where}.{k}" for k in obj if k.endswith("_zh") and k[:-3] + "_en" not in obj)
            for k, x in obj.items():
                walk(x, f"{where}.{k}")
        elif isinstance(obj, list):
            for x in obj:
                walk(x, where)

    for f in sorted((site / "api" / "v1").glob("*.json")):
        walk(json.loads(f.read_text("utf-8")), f.name)
    assert not lacking, Counter(lacking)


def test_api_english_fields_are_what_the_english_pages_show(site):
    rep = _api(site, "reports.json")[0]
    assert rep["title_en"] == "Report on the Work of the Government"
    assert rep["speaker_en"] == "Yin Yong, Mayor of Beijing"
    assert "Yin Yong, Mayor of Beijing" in main_text(read(site, "/en/report/2026/"))
    assert [t["text_en"] for t in rep["targets"]][:2] == ["regional GDP growth of around 5%",
                                                          "growth in general public budget revenue of around 4%"]
    # each target's indicator and value have their own English, from the catalog, for every target
    assert len(rep["targets"]) == 7
    assert all(t["indicator_en"] and t["value_en"] and not CJK.search(t["indicator_en"] + t["value_en"])
               for t in rep["targets"])
    assert [(t["indicator_en"], t["value_en"]) for t in rep["targets"]][2] == ("Surveyed urban unemployment rate",
                                                                               "kept within 5%")
    # and the report's page shows them, as "indicator: value" (so the API shows no English the site does not)
    assert "Regional GDP: growth of around 5%" in main_text(read(site, "/en/report/2026/"))
    assert "地区生产总值：增长5%左右" in main_text(read(site, "/zh/report/2026/"))
    sections = [s for p in rep["parts"] for s in p["sections"]]
    topics = [t for s in sections for t in s["topics"]]
    assert len(sections) == 11 and len(topics) == 37
    assert all(s["text_en"] for s in sections)
    assert all(t["lead_en"] and t["text_en"] and not CJK.search(t["text_en"]) for t in topics)
    t = next(t for t in topics if t["id"] == "report/2026/3.1.1")
    page = main_text(read(site, "/en/report/2026/3.1.1/"))
    assert t["text_en"] in page and t["lead_en"] in page
    docs = _api(site, "documents.json")
    assert len(docs) == 7 and all(d["text_en"] for d in docs)
    assert all(d["text_en"].count("\n") == d["text_zh"].count("\n") for d in docs)  # one line per block
    d = next(d for d in docs if d["id"] == "doc:京政发〔2026〕1号")
    assert d["text_en"].split("\n")[:2] == [
        'Circular of Beijing Municipal Government on Issuing the "Priority Task List of the 2026 Report on the Work '
        'of the Government"', "Jingzhengfa[2026] No. 1"]
    projects = _api(site, "projects.json")
    assert all(p["text_en"] == " ".join(it["text_en"] for it in p["items"]) for p in projects)
    rows = _api(site, "progress.json")
    assert all(r["source_en"] for r in rows)
    r5 = next(r for r in rows if r["id"] == "progress/2025/daxing/5")
    assert r5["source_en"] == "District livelihood project No. 5"
    assert r5["source_en"] in main_text(read(site, "/en/progress/2025/daxing/5/"))


def test_api_links_have_ids_and_urls_of_both_ends(site):
    links = _api(site, "links.json")
    ids = [l["id"] for l in links]
    assert len(ids) == len(set(ids)) > 1000
    for l in links:
        assert l["id"] == f'{l["source"]}->{l["target"]}#{l["kind"]}'
        for end in ("source", "target"):
            for lang in ("zh", "en"):
                url = l["urls"][end][lang]
                path = url.split("://", 1)[1].split("/", 1)[1]
                assert (site / path / "index.html").is_file(), url
    l = next(l for l in links if l["id"] == "tasklist/2026/1.1->report/2026/3.1.1#details")
    assert l["urls"]["target"]["en"].endswith("/en/report/2026/3.1.1/")


def _example(text: str):
    """A README example as JSON: the … that stand for left-out keys and items are dropped (those inside strings
    stay: there they stand for left-out text)."""
    out, in_str, esc = [], False, False
    for ch in text:
        if in_str:
            esc = ch == "\\" and not esc
            in_str = not (ch == '"' and not esc)
        elif ch == '"':
            in_str = True
        elif ch == "…":
            continue
        out.append(ch)
    s = "".join(out)
    s = re.sub(r",(\s*,)+", ",", s)
    s = re.sub(r",\s*([}\]])", r"\1", s)
    s = re.sub(r"([{\[])\s*,", r"\1", s)
    return json.loads(s)


def _matches(ex, act) -> bool:
    if isinstance(ex, dict):
        return isinstance(act, dict) and all(k in act and _matches(x, act[k]) for k, x in ex.items())
    if isinstance(ex, list):
        return isinstance(act, list) and all(any(_matches(x, a) for a in act) for x in ex)
    if isinstance(ex, str) and "…" in ex:
        if not isinstance(act, str):
            return False
        pos = 0
        for k, piece in enumerate(ex.split("…")):
            at = act.find(piece, pos)
            if at < 0 or (k == 0 and at != 0):
                return False
            pos = at + len(piece)
        return True
    return ex == act


def test_readme_api_examples_match_the_json(site, root):
    readme = (root / "README.md").read_text("utf-8")
    section = readme[readme.index("## Open-data API"):readme.index("## How it works")]
    rows = re.findall(r"^\| `([\w.]+\.json)` \| [^|]* \| `(.*)` \|$", section, re.M)
    assert {name for name, _ in rows} == {p.name for p in (site / "api" / "v1").glob("*.json")}
    for name, example in rows:
        ex, data = _example(example), _api(site, name)
        records = data if isinstance(data, list) else [data]
        assert any(_matches(ex, r) for r in records), f"README example of {name} does not match {name}"


def test_a_group_heading_is_named_by_its_words_in_each_language(site):
    """——支持方式：奖励 opens a group of a circular's part without a number. Its label was the Chinese 支持方式 in
    label_en of documents.json (and of the database), and its permalink read 'Link to 支持方式' on the English
    page and '链接到 ——' on the Chinese (a researcher's review). It is now named by its words in each language:
    the Chinese before the colon, and the words its English puts there."""
    docs = {d["id"]: d for d in json.loads((site / "api" / "v1" / "documents.json").read_text("utf-8"))}

    def nodes(ns):
        for n in ns:
            yield n
            yield from nodes(n["children"])

    groups = [n for d in docs.values() for n in nodes(d["structure"]) if "-group-" in n["id"] and
              n["label_zh"] in ("支持方式", "支持条件", "支持标准")]
    assert len(groups) == 9
    assert {(n["label_zh"], n["label_en"], n["title_en"]) for n in groups} == {
        ("支持方式", "Method of support", "Method of support"),
        ("支持条件", "Conditions for support", "Conditions for support"),
        ("支持标准", "Standards of support", "Standards of support")}
    every = [n for d in docs.values() for n in nodes(d["structure"])]
    assert not [n["id"] for n in every if n["label_en"] and CJK.search(n["label_en"]) and n["text_en"]]
    en = read(site, "/en/doc/jingshangxiaoyizi-2026-5/")
    assert 'aria-label="Link to Method of support"' in en
    assert not re.findall(r'aria-label="Link to [^"]*[\u4e00-\u9fff]', en)
    assert 'aria-label="链接到 支持方式"' in read(site, "/zh/doc/jingshangxiaoyizi-2026-5/")


def test_a_lead_unit_keeps_the_body_its_printed_name_adds(site):
    """The task list prints 怀柔区政府（怀柔科学城管委会） and 市规划自然资源委（首规委办）: one lead, with a second body in
    brackets. The task pages and the English of tasks.json named only the first (a researcher's review): the
    Chinese now shows the name as printed, the English the department's name with the body in brackets (in
    Chinese, marked, where the glossary names it as no department of its own)."""
    zh = read(site, "/zh/task/2026/72/")
    assert '<a href="/zh/unit/huai-rou-qu-zheng-fu/">怀柔区政府（怀柔科学城管委会）</a>' in zh
    en = read(site, "/en/task/2026/1/")
    assert ('<a href="/en/unit/shi-gui-hua-zi-ran-zi-yuan-wei/">Beijing Municipal Commission of Planning and Natural '
            'Resources (<span lang="zh-CN">首规委办</span>)</a>') in en
    section = read(site, "/zh/tasklist/2026/1/")
    assert ">市规划自然资源委（首规委办）</a>" in section
    tasks = {t["id"]: t for t in json.loads((site / "api" / "v1" / "tasks.json").read_text("utf-8"))}
    t72 = tasks["task/2026/72"]
    assert t72["units_zh"][3] == "怀柔区政府（怀柔科学城管委会）" and t72["units_en"][3] == "Huairou District Government (怀柔科学城管委会)"
    # a department named as the glossary names it keeps its name
    assert tasks["task/2026/20"]["units_en"][2] == "Beijing Municipal Commission of Transport"


def test_the_side_by_side_view_sets_an_article_label_apart(site):
    """The implementing rules annexed to 京商函字〔2026〕125号 print 第一条 补贴范围。…: the document's page sets the
    label apart, but the Chinese column of the side-by-side view ran it into the text (第一条补贴范围。…). Each of
    the 23 articles is now set apart there too, in the pages of both languages, its characters unchanged."""
    for lang in ("zh", "en"):
        html = read(site, f"/{lang}/doc/jingshanghanzi-2026-125/parallel/")
        cells = re.findall(r'<div class="parallel-zh" role="cell" lang="zh-CN">(.*?)</div>', html)
        first = next(c for c in cells if "第一条" in c)
        assert re.match(r'<p class="blk blk-para">(<span lang="zh-CN">)?<span class="prov-label">第一条</span>'
                        r'补贴范围。按照全国统一的品类和标准', first), first
        assert page_text(first).startswith("第一条补贴范围。按照全国统一的品类和标准")  # copied, it reads as printed
        assert len(re.findall(r'<p class="blk blk-para">(?:<span lang="zh-CN">)?<span class="prov-label">第[^<]*条'
                              r'</span>', "".join(cells))) == 23, lang
        # the English column has its own space after the label, and no label markup
        en = re.findall(r'<div class="parallel-en" role="cell" lang="en">(.*?)</div>', html)
        assert "Article 1 Scope of subsidies." in "".join(en) and "prov-label" not in "".join(en)


def test_a_chapter_heading_sets_its_label_apart(site):
    """The same rules print 第一章 补贴范围和标准; the heading read 第一章补贴范围和标准, in the text and in the
    contents, once normalising took the space out. The label is set apart as an article's is, by markup only:
    the heading's characters (what is copied, what the search indexes) are as they were."""
    zh = read(site, "/zh/doc/jingshanghanzi-2026-125/")
    headings = re.findall(r'<h2 class="blk blk-heading">(.*?)</h2>', zh)
    assert headings[:2] == ['<span class="prov-label">第一章</span>补贴范围和标准',
                            '<span class="prov-label">第二章</span>补贴方式及资格设置'], headings
    assert len([h for h in headings if re.match(r'<span class="prov-label">第[一二三四五六]章</span>', h)]) == 6
    contents = dict(_contents(zh))
    assert contents["annex-1-chapter-1"] == '<span class="prov-label">第一章</span>补贴范围和标准'
    assert contents["annex-1-chapter-6"] == '<span class="prov-label">第六章</span>附则'
    assert "第一章补贴范围和标准" in page_text(zh) and "第六章附则" in page_text(zh)
    from generator.search import query_words, rewrite_text_nodes

    # the search index reads the heading as before: 第一章补贴… is one run (its pair 章补 kept across the markup)
    words = re.sub(r"<[^>]+>", " ", rewrite_text_nodes(f'<h2 class="blk blk-heading">{headings[0]}</h2>')).split()
    assert words[:-1] == query_words("第一章补贴范围和标准"), words
    for lang in ("zh", "en"):  # the Chinese column of the side-by-side view
        cells = re.findall(r'<div class="parallel-zh" role="cell" lang="zh-CN">(.*?)</div>',
                           read(site, f"/{lang}/doc/jingshanghanzi-2026-125/parallel/"))
        assert sum('<span class="prov-label">第' in c and "章</span>" in c for c in cells) == 6, lang
    # the English headings carry their own words and space (Chapter 1 …): no label markup there
    assert "prov-label" not in read(site, "/en/doc/jingshanghanzi-2026-125/")


def test_a_footnote_marker_links_to_its_note_and_the_note_back(site):
    """The gazette's footnote markers (覆盖率¹) were plain characters, their notes printed further down without a
    way there and back: each marker is now a link to its note, the note a link back to the marker, in both
    languages (the English text keeps the marker where the translation puts it)."""
    for lang, name in (("zh", "注1"), ("en", "Note 1")):
        html = read(site, f"/{lang}/doc/jingshangxiaoyizi-2026-5/")
        assert f'<a class="footnote-ref" href="#footnote-1" id="footnote-1-ref" aria-label="{name}">¹</a>' in html
        for n in (1, 2, 3):
            note = re.search(rf'<p class="blk blk-footnote" id="footnote-{n}">(.*?)</p>', html, re.S).group(1)
            assert note.startswith("¹²³"[n - 1]) and f'class="footnote-backref" href="#footnote-{n}-ref"' in note
            assert html.count(f'href="#footnote-{n}"') == 1 and html.count(f'id="footnote-{n}-ref"') == 1

