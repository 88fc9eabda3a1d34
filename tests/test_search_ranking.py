"""Issue 17: ranking, filters with counts, the language switch, and the incremental index — measured in
headless Chromium through the results page on the real seed site (and, for the incremental index, on a
copy of the project that gains a gazette issue)."""
from __future__ import annotations

import functools
import hashlib
import http.server
import re
import shutil
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import ROOT, make_project
from test_search import REAL_TERMS, all_result_hrefs, contains, reader_pieces, norm, ui_hrefs

pytestmark = pytest.mark.browser

# (query, the page a reader means): exact names, headings, titles and numbers; the page must be among the
# first three results
RANKING = [
    # departments by their names
    ("zh", "市交通委", "/zh/unit/shi-jiao-tong-wei/"),
    ("zh", "市发展改革委", "/zh/unit/shi-fa-zhan-gai-ge-wei/"),
    ("zh", "市民政局", "/zh/unit/shi-min-zheng-ju/"),
    ("zh", "市科委、中关村管委会", "/zh/unit/shi-ke-wei-zhong-guan-cun-guan-wei-hui/"),
    ("zh", "市生态环境局", "/zh/unit/shi-sheng-tai-huan-jing-ju/"),
    ("zh", "市消防救援局", "/zh/unit/shi-xiao-fang-jiu-yuan-ju/"),
    ("zh", "大兴区体育局", "/zh/unit/daxing-qu-ti-yu-ju/"),
    ("zh", "大兴机场临空经济区联合管委会", "/zh/unit/da-xing-ji-chang-lin-kong-jing-ji-qu-lian-he-guan-wei-hui/"),
    # … and by the full names they sign documents with (units.yaml's full:)
    ("zh", "北京市交通委员会", "/zh/unit/shi-jiao-tong-wei/"),
    ("zh", "北京市民政局", "/zh/unit/shi-min-zheng-ju/"),
    ("zh", "北京市卫生健康委员会", "/zh/unit/shi-wei-sheng-jian-kang-wei/"),
    ("zh", "中共北京市委宣传部", "/zh/unit/shi-wei-xuan-chuan-bu/"),
    ("zh", "北京市大兴区体育局", "/zh/unit/daxing-qu-ti-yu-ju/"),
    ("en", "Beijing Municipal Commission of Transport", "/en/unit/shi-jiao-tong-wei/"),
    ("en", "Beijing Municipal Civil Affairs Bureau", "/en/unit/shi-min-zheng-ju/"),
    # livelihood projects by their headings
    ("zh", "托幼育人方面", "/zh/livelihood/2026/1/"),
    ("zh", "颐养暖心方面", "/zh/livelihood/2026/2/"),
    ("zh", "助残扶弱方面", "/zh/livelihood/2026/3/"),
    ("zh", "和美乡村方面", "/zh/livelihood/2026/10/"),
    # documents by their numbers (the document before its parts) and titles
    ("zh", "京政发〔2026〕1号", "/zh/doc/jingzhengfa-2026-1/"),
    ("zh", "京政办发〔2026〕4号", "/zh/doc/jingzhengbanfa-2026-4/"),
    ("zh", "京政办发〔2026〕1号", "/zh/doc/jingzhengbanfa-2026-1/"),
    ("zh", "京商消一字〔2026〕5号", "/zh/doc/jingshangxiaoyizi-2026-5/"),
    ("zh", "京商流通字〔2026〕2号", "/zh/doc/jingshangliutongzi-2026-2/"),
    ("zh", "京商函字〔2026〕125号", "/zh/doc/jingshanghanzi-2026-125/"),
    ("zh", "京商电商字〔2026〕6号", "/zh/doc/jingshangdianshangzi-2026-6/"),
    ("en", "Jingzhengfa[2026] No. 1", "/en/doc/jingzhengfa-2026-1/"),
    # … typed with other brackets round the year
    ("zh", "京政发[2026]1号", "/zh/doc/jingzhengfa-2026-1/"),
    ("zh", "京政办发（2026）4号", "/zh/doc/jingzhengbanfa-2026-4/"),
    ("zh", "京商电商字【2026】6号", "/zh/doc/jingshangdianshangzi-2026-6/"),
    ("zh", "京政发〔2026〕第1号", "/zh/doc/jingzhengfa-2026-1/"),
    # … but where a page prints a number with ASCII brackets, it is found as typed
    ("zh", "京医保发[2025]4号", "/zh/progress/2025/daxing/9/"),
    ("zh", "北京市商务局关于开展北京市有奖发票试点活动有关事项的公告", "/zh/doc/jingshangdianshangzi-2026-6/"),
    ("zh", "关于印发《北京市2026年汽车以旧换新补贴实施方案》的通知", "/zh/doc/jingshangliutongzi-2026-2/"),
    # work-report headings
    ("zh", "提高应对极端天气能力", "/zh/report/2026/3.10.1/"),
    ("zh", "恪守依法行政的基本准则", "/zh/report/2026/3.11.2/"),
    ("zh", "把政府自身建设得更加坚强有力", "/zh/report/2026/3.11/"),
    ("zh", "打造现代化首都都市圈", "/zh/report/2026/3.1.4/"),
    # task-list sections by their headings
    ("zh", "深入落实城市总体规划，推动京津冀协同发展走深走实", "/zh/tasklist/2026/1/"),
    ("zh", "全面推进韧性城市建设，筑牢首都安全防线", "/zh/tasklist/2026/10/"),
    # tasks by their openings
    ("zh", "促进通勤圈一体发展", "/zh/task/2026/20/"),
    ("zh", "任务20", "/zh/task/2026/20/"),
    ("zh", "任务1", "/zh/task/2026/1/"),
    ("en", "Task 20", "/en/task/2026/20/"),
    ("zh", "深化中小学新型集团化办学改革", "/zh/task/2026/57/"),
    ("zh", "发展养老金融", "/zh/task/2026/101/"),
    ("zh", "筑牢首都公共卫生安全屏障", "/zh/task/2026/219/"),
    ("zh", "完善政府债务管理机制", "/zh/task/2026/300/"),
    # a gazette issue
    ("zh", "2026年第12期", "/zh/gazette/2026/12/"),
]

TOP = """async (queries) => {
  const out = [];
  for (const [q] of queries) out.push((await window.siteSearch(q, {}, 3)).map((r) => r.url));
  return out;
}"""


def _search_page(page, server, lang):
    page.goto(f"{server}/{lang}/search/")
    page.wait_for_selector("body[data-search-ready]")


def test_exact_names_rank_their_item_first(page, server):
    assert len(RANKING) >= 30
    found = {}
    for lang in ("zh", "en"):
        qs = [(q, url) for l, q, url in RANKING if l == lang]
        _search_page(page, server, lang)
        for (q, url), top in zip(qs, page.evaluate(TOP, qs)):
            found[q] = (url, top)
    misses = {q: v for q, v in found.items() if v[0] not in v[1]}
    assert not misses, misses


@pytest.fixture(scope="module")
def truth(site):
    """zh page URL -> (normalised pieces, kind, departments, issuers, year) for every page Pagefind indexes."""
    out = {}
    for p in sorted((site / "zh").rglob("index.html")):
        html = p.read_text("utf-8")
        if "data-pagefind-body" not in html:
            continue
        url = "/" + p.relative_to(site).as_posix()[: -len("index.html")]
        f = lambda name: re.findall(rf'data-pagefind-filter="{name}">([^<]*)<', html)  # noqa: E731
        out[url] = ([norm(x) for x in reader_pieces(html)], f("kind")[0], f("department"), f("issuer"),
                    (f("year") or [""])[0])
    return out


def _options(page, sel):
    return dict(page.eval_on_selector_all(f"{sel} option", "els => els.map(e => [e.value, e.textContent])"))


def test_filter_counts_are_those_of_the_current_results(page, server, truth):
    q = "养老"
    hits = [v for v in truth.values() if contains(v[0], q)]
    page.goto(f"{server}/zh/search/?q={quote(q)}")
    page.wait_for_selector("[data-search-results][data-done]")
    kinds = _options(page, "#f-kind")
    for kind in {h[1] for h in hits}:
        n = sum(1 for h in hits if h[1] == kind)
        assert kinds[kind].endswith(f"({n})"), (kind, kinds[kind], n)
    assert set(kinds) - {""} == {h[1] for h in hits}  # only kinds the results have
    departments = _options(page, "#f-department")
    n = sum(1 for h in hits if "市民政局" in h[2])
    assert departments["市民政局"].endswith(f"({n})")
    years = _options(page, "#f-year")
    for year in ("2025", "2026"):
        assert years[year] == f"{year} ({sum(1 for h in hits if h[4] == year)})"
    # a filter narrows the results to exactly its count, and the counts stay those of the query
    page.select_option("#f-kind", "task")
    page.wait_for_function("document.querySelector('[data-search-results]').dataset.done && "
                           "location.search.includes('kind=task')")
    n_task = sum(1 for h in hits if h[1] == "task")
    assert f"找到 {n_task} 条结果" in page.inner_text("#search-status")
    other = next(k for k in sorted(kinds) if k not in ("", "task"))  # another kind of the results (circular …)
    assert _options(page, "#f-kind")[other] == kinds[other]


def test_issuing_body_filter(page, server, truth):
    q = "以旧换新"
    hits = [v for v in truth.values() if contains(v[0], q)]
    page.goto(f"{server}/zh/search/?q={quote(q)}")
    page.wait_for_selector("[data-search-results][data-done]")
    issuers = _options(page, "#f-issuer")
    n = sum(1 for h in hits if "北京市商务局" in h[3])
    assert n and issuers["北京市商务局"].endswith(f"({n})")
    page.goto(f"{server}/zh/search/?q={quote(q)}&issuer={quote('北京市商务局')}")
    page.wait_for_selector("[data-search-results][data-done]")
    assert f"找到 {n} 条结果" in page.inner_text("#search-status")
    hrefs = page.eval_on_selector_all("[data-search-results] .result > a", "els => els.map(e => e.getAttribute('href'))")
    assert all(h.startswith("/zh/doc/") for h in hrefs)


ALL = """async ([q]) => await window.siteSearchAll(q, {})"""


@pytest.mark.parametrize("lang, q", [("en", '"Line 22"'), ("en", '"Line 22" Daxing'), ("zh", '"殷 勇"'),
                                     ("zh", '"城市 副中心"')])
def test_a_phrase_in_quotes_finds_the_pages_that_hold_it(page, server, site, lang, q):
    """"Line 22" in quotation marks, the usual way to ask for a phrase, found nothing: the quotes were asked for as
    marks of the text (a researcher's review). A quoted phrase is now one term, spaces and all: the pages whose
    text holds it, and only those (a phrase no page holds finds nothing)."""
    phrase, rest = re.fullmatch(r'"([^"]+)"\s*(.*)', q).groups()
    want = set()
    for p in sorted((site / lang).rglob("index.html")):
        html = p.read_text("utf-8")
        if "data-pagefind-body" in html:
            pieces = [norm(x) for x in reader_pieces(html)]
            if any(norm(phrase) in x for x in pieces) and all(any(norm(t) in x for x in pieces) for t in rest.split()):
                want.add("/" + p.relative_to(site).as_posix()[: -len("index.html")])
    _search_page(page, server, lang)
    got = set(page.evaluate(ALL, [q]))
    assert got == want, (sorted(got - want)[:5], sorted(want - got)[:5])
    assert want or phrase == "城市 副中心", q  # a phrase that is there is found; one no page holds finds nothing


def test_language_switch_keeps_the_query(page, server):
    page.goto(f"{server}/zh/search/?q={quote('养老')}&kind=task")
    page.wait_for_selector("[data-search-results][data-done]")
    href = page.get_attribute("a.lang-switch", "href")
    assert href == f"/en/search/?q={quote('养老')}&kind=task"
    page.click("a.lang-switch")
    page.wait_for_selector("[data-search-results][data-done]")
    assert page.input_value("#q") == "养老"
    assert page.input_value("#f-kind") == "task"
    hrefs = page.eval_on_selector_all("[data-search-results] .result > a", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith("/en/task/") for h in hrefs)
    # a query typed on the results page carries over too
    page.fill("#q", "housing")
    page.press("#q", "Enter")
    page.wait_for_function("location.search.includes('q=housing')")
    assert page.get_attribute("a.lang-switch", "href").startswith("/zh/search/?q=housing")


def test_first_results_do_not_wait_for_the_filters(page, server):
    """The query starts at once: the results are on the page before the filters (whose counts need their
    files) are."""
    page.add_init_script("""
      window.__seen = {};
      new MutationObserver(() => {
        const t = performance.now();
        if (!window.__seen.results && document.querySelector('[data-search-results] .result')) window.__seen.results = t;
        if (!window.__seen.filters && document.querySelector('#f-kind')) window.__seen.filters = t;
      }).observe(document, { childList: true, subtree: true });
    """)
    page.goto(f"{server}/zh/search/?q={quote('家庭养老床位')}")
    page.wait_for_selector("[data-search-results][data-done]")
    seen = page.evaluate("window.__seen")
    assert seen["results"] < seen["filters"], seen


def _years_made_big(route):
    """shards.json as the search page reads it, each year's shard counted as 2,000 pages: the first round is then
    what has no year and one year, as on a many-year archive, where the seed site's years would all be in it."""
    resp = route.fetch()
    manifest = resp.json()
    for shards in manifest["langs"].values():
        for s in shards:
            if s["year"]:
                s["pages"] = 2000
    route.fulfill(response=resp, json=manifest)


def _requested(page, fragment: str, before_mark: bool) -> list[str]:
    return page.evaluate("""([part, before]) => {
      const m = performance.getEntriesByName('search-first-results')[0].startTime;
      return performance.getEntriesByType('resource').filter((e) => e.name.includes(part) && (!before || e.startTime < m))
        .map((e) => e.name);
    }""", [fragment, before_mark])


def test_nothing_of_earlier_years_before_the_first_results(page, server, truth):
    """Issue 17: the first query asks for the first round's shards only (what has no year and the newest year)
    before its first results are drawn; a document number stops at its year once its document is found, and
    the earlier years come when the reader asks for them, with the true total."""
    years = sorted({v[4] for v in truth.values() if v[4]}, reverse=True)
    assert len(years) >= 2
    newest, earlier = years[0], years[1:]
    page.route("**/pagefind/shards.json", _years_made_big)
    # a term with results in the newest year, fewer than a page, and more in earlier years: they are searched on
    # their own, after the first results are drawn
    per_year = {q: Counter(v[4] for v in truth.values() if contains(v[0], q)) for q in REAL_TERMS}
    q = next(q for q, n in per_year.items() if 0 < n[newest] < 20 and any(n[y] for y in earlier))
    page.goto(f"{server}/zh/search/?q={quote(q)}")
    page.wait_for_selector("[data-search-results][data-done]")
    assert _requested(page, f"/pagefind/zh/{earlier[0]}/", False)  # after the first results
    assert not [u for y in earlier for u in _requested(page, f"/pagefind/zh/{y}/", True)]
    assert f"找到 {sum(per_year[q].values())} 条结果" in page.inner_text("#search-status")
    # a document number: its document first, its year searched, the earlier years not asked for at all
    q = "京政发〔2026〕1号"
    expected = {u for u, v in truth.items() if contains(v[0], q)}
    page.goto(f"{server}/zh/search/?q={quote(q)}")
    page.wait_for_selector("[data-search-results][data-done]")
    assert ui_hrefs(page)[0] == "/zh/doc/jingzhengfa-2026-1/"
    assert not [u for y in earlier for u in _requested(page, f"/pagefind/zh/{y}/", False)]
    assert page.inner_text("#search-status").startswith(f"已检索到 {newest} 年")
    assert set(all_result_hrefs(page)) == expected  # "search earlier years" until none is left
    assert f"找到 {len(expected)} 条结果" in page.inner_text("#search-status")
    assert _requested(page, f"/pagefind/zh/{earlier[0]}/", False)


# ------------------------------------------------------------------ the incremental index
QUERIES = ["养老", "家庭养老床位", "春季植树造林", "京政发〔2026〕1号", "市交通委", "植树", "造林绿化", "漷县",
           "永乐等进京", "housing", "afforestation", "X 疾病"]


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _serve(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def _all_results(page, base: str) -> dict[str, list[str]]:
    out = {}
    for lang in ("zh", "en"):
        page.goto(f"{base}/{lang}/search/")
        page.wait_for_selector("body[data-search-ready]")
        for q in QUERIES:
            out[f"{lang}:{q}"] = sorted(page.evaluate("q => window.siteSearchAll(q)", q))
    return out


def test_incremental_index(tmp_path, browser):
    """A new gazette issue re-indexes only the small 'recent' shard of each language (its year's shard keeps
    its bytes); a build where nothing changed indexes nothing; an edited task re-indexes nothing but the
    recent shards again; and every search gives what a full build of the same project gives."""
    from generator.build import build

    proj = make_project(tmp_path)
    out = proj / "build"
    first = build(proj, out, search=True)
    assert first.search.indexed == first.search.shards and first.search.recent == 0
    before = _files(out / "pagefind")
    same = build(proj, out, search=True)
    assert same.search.indexed == 0 and _files(out / "pagefind") == before  # nothing changed: nothing indexed
    shutil.copy(ROOT / "tests" / "data" / "ingest" / "gazette-2026-13.txt",
                proj / "content" / "sources" / "2026-gazette-013.txt")
    served = out.resolve()
    added = build(proj, out, search=True)
    assert sorted(added.search.indexed_shards) == ["en/recent", "zh/recent"], added.search.indexed_shards
    assert added.search.pages_indexed == 4  # the issue and its document, in two languages
    after = _files(out / "pagefind")
    # the new index was made in the other tree, from its copy of the served one (hard links): the tree served
    # until then still holds the index as it was, every file unchanged
    assert out.resolve() != served and _files(served / "pagefind") == before
    assert sorted(k for k in added.search.changed if k.endswith("/")) == ["en/recent/", "zh/recent/"]  # only they
    unchanged = [k for k in before if k.startswith(("zh/2026/", "en/2026/", "zh/site/", "zh/2025/"))]
    assert unchanged and all(after.get(k) == before[k] for k in unchanged)  # the other shards kept their bytes
    # an edited task: its pages (task, document part, section) move to the recent shards, masked in 2026
    tl = proj / "content" / "sources" / "2026-gazette-12.txt"
    text = tl.read_text("utf-8")
    assert text.count("优化提升应寺、永乐等进京检查站") == 1
    tl.write_text(text.replace("优化提升应寺、永乐等进京检查站", "优化提升应寺、永乐、漷县等进京检查站"), "utf-8")
    edited = build(proj, out, search=True)
    assert sorted(edited.search.indexed_shards) == ["en/recent", "zh/recent"], edited.search.indexed_shards
    assert [k for k in edited.search.changed if k.endswith("/")] == ["en/recent/", "zh/recent/"]
    # a build where nothing changed brings the other tree's copy of the index up to date by what the last build
    # replaced: both trees then hold the same index
    served = out.resolve()
    again = build(proj, out, search=True)
    assert again.search.indexed == 0 and out.resolve() != served
    assert _files(out / "pagefind") == _files(served / "pagefind")
    fresh = tmp_path / "fresh"
    full = build(proj, fresh, search=True)
    assert full.search.recent == 0
    page = browser.new_page()
    servers = [_serve(out), _serve(fresh)]
    try:
        inc, ref = (_all_results(page, base) for _, base in servers)
    finally:
        for httpd, _ in servers:
            httpd.shutdown()
        page.close()
    assert inc == ref
    assert "/zh/task/2026/20/" in inc["zh:漷县"] and "/zh/task/2026/20/" not in inc["zh:永乐等进京"]
    assert "/zh/gazette/2026/13/" in inc["zh:春季植树造林"]


def test_a_number_typed_with_other_brackets_finds_the_document_and_the_pages_quoting_it_so(tmp_path, browser):
    """京政发[2026]1号 typed with ASCII brackets: the document (which prints 〔〕) and a note that quotes the number
    with ASCII brackets are both found, the document first. Before, only the pages holding the term as typed
    were asked for whenever there were any: the note came first, and the document was found only because its
    page shows the note's text in its notes panel."""
    from generator.build import build

    proj = make_project(tmp_path)
    (proj / "content" / "notes" / "2026-05-01-brackets-zh.md").write_text(
        '---\ntitle: 文号的写法\nlang: zh\ndate: 2026-05-01\nauthor: 编辑部\nrefs: ["doc:京政发〔2026〕1号"]\n---\n\n'
        "网上转载常把文号写成京政发[2026]1号。\n", "utf-8")
    out = tmp_path / "site"
    build(proj, out, search=True)
    page = browser.new_page()
    httpd, base = _serve(out)
    try:
        page.goto(f"{base}/zh/search/")
        page.wait_for_selector("body[data-search-ready]")
        got = page.evaluate("q => window.siteSearchAll(q)", "京政发[2026]1号")
        top = page.evaluate(TOP, [["京政发[2026]1号", ""]])[0]
    finally:
        httpd.shutdown()
        page.close()
    assert "/zh/doc/jingzhengfa-2026-1/" in got and "/zh/note/2026-05-01-brackets-zh/" in got, got
    assert top[0] == "/zh/doc/jingzhengfa-2026-1/", top  # the document first: it bears the number as its name
