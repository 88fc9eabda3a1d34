"""Issue 17: the search index's Python side — index copies, shards, the record store, indexing later (for
`serve`) — on the real seed documents. The browser tests are in test_search.py and test_search_ranking.py."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from conftest import ROOT, make_project


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _texts(shard: Path) -> dict[str, str]:
    from generator.search import fragment_words, read_text

    out = {}
    for f in shard.glob("fragment/*.pf_fragment"):
        frag = fragment_words(f)
        out[frag["url"]] = read_text(frag["content"])
    return out


def test_words_of_a_query_and_of_a_page_agree():
    from generator.search import query_words, read_text, rewrite_text_nodes

    assert query_words("城市副中心") == ["城市", "市副", "副中", "中心"]
    assert query_words("養老") == ["养老"]  # Traditional folded to Simplified
    number = query_words("京政发〔2026〕1号")
    assert number[:2] == ["京政", "政发"] and number[-1] == "1号" and "20" in number and len(number) == 8
    # a run that continues across inline markup keeps its pair; a gap stops a phrase at a block or a space
    words = rewrite_text_nodes("<p>由<a href='/x/'>市交通委</a>牵头</p><p>城市 副中心</p>")
    assert "由市" in words and "委牵" in words and "市副" not in words
    stored = re.sub("<[^>]+>", "", rewrite_text_nodes("<p>由<a href='/x/'>市交通委</a>牵头，2026年。</p>"))
    assert read_text(stored) == "由市交通委牵头，2026年。"  # what Pagefind stores reads back as the text


def test_ignored_listings_are_not_indexed(tmp_path):
    """Department pages are found by their names, not by the tasks they list; task-list sections by their
    headings (each listed task has its own page)."""
    from generator.build import build

    out = tmp_path / "site"
    build(ROOT, out, search=True)
    texts = _texts(out / "pagefind" / "zh" / "site")
    unit = texts["/zh/unit/shi-jiao-tong-wei/"]
    assert "市交通委" in unit and "Beijing Municipal Commission of Transport" in unit
    assert "促进通勤圈一体发展" not in unit  # task 20, which it leads, is on its own page
    y2026 = _texts(out / "pagefind" / "zh" / "2026")
    assert "促进通勤圈一体发展" in y2026["/zh/task/2026/20/"]
    assert "促进通勤圈一体发展" not in y2026["/zh/tasklist/2026/1.4/"]
    assert "打造现代化首都都市圈" in y2026["/zh/tasklist/2026/1.4/"]
    shards = json.loads((out / "pagefind" / "shards.json").read_text("utf-8"))
    assert [s["key"] for s in shards["langs"]["zh"]] == ["site", "2026", "2025"]


def test_index_later_for_serve(tmp_path):
    """``build(search=False, index_later=True)`` (serve's) makes the pages and their index copies but keeps
    the previous index; ``index_output`` (``python -m generator index``, serve's background indexer) then
    brings it up to date, indexing only what changed; after a build without search it makes the copies from
    the pages' files."""
    from generator.build import build, index_output

    proj = make_project(tmp_path)
    out = proj / "build"
    build(proj, out, search=True)
    before = _files(out / "pagefind")
    shutil.copy(ROOT / "tests" / "data" / "ingest" / "gazette-2026-13.txt",
                proj / "content" / "sources" / "2026-gazette-013.txt")
    quick = build(proj, out, search=False, index_later=True)
    assert quick.search is None and (out / "zh" / "gazette" / "2026" / "13" / "index.html").is_file()
    assert _files(out / "pagefind") == before  # the old index, as it was
    stats = index_output(proj, out)
    assert sorted(stats.indexed_shards) == ["en/recent", "zh/recent"] and stats.pages_indexed == 4
    assert "春季植树造林" in _texts(out / "pagefind" / "zh" / "recent")["/zh/gazette/2026/13/"]
    assert index_output(proj, out).indexed == 0  # up to date: nothing indexed
    # a build with search now finds the index current
    assert build(proj, out, search=True).search.indexed == 0
    # a build without search makes no copies: the indexer makes those it lacks from the pages' files, the same
    # copies the build would have made
    tl = proj / "content" / "sources" / "2026-gazette-12.txt"
    tl.write_text(tl.read_text("utf-8").replace("优化提升应寺、永乐等进京检查站", "优化提升应寺、永乐、漷县等进京检查站"),
                  "utf-8")
    build(proj, out, search=False)
    stats = index_output(proj, out)
    assert sorted(stats.indexed_shards) == ["en/recent", "zh/recent"], stats.indexed_shards
    assert "漷县" in _texts(out / "pagefind" / "zh" / "recent")["/zh/task/2026/20/"]
    after = _files(out / "pagefind")
    assert build(proj, out, search=True).search.indexed == 0 and _files(out / "pagefind") == after
    # the store is a cache: copies its files lost (a build stopped while rewriting them) are made again from the
    # pages' files, and the index is what it would have been
    import pickle

    from generator.search import store_dir

    records = store_dir(out) / "records" / "zh" / "2026.pickle"
    records.write_bytes(pickle.dumps({}))
    shutil.rmtree(out / "pagefind" / "zh" / "2026")  # and the shard's folder: it must be indexed again
    again = build(proj, out, search=True)
    assert "zh/2026" in again.search.indexed_shards, again.search.indexed_shards
    assert "漷县" in _texts(out / "pagefind" / "zh" / "2026")["/zh/task/2026/20/"]


def test_a_text_node_words_are_the_same_from_the_cache(tmp_path, monkeypatch):
    """rewrite_text_nodes keeps each text node's words by its text (most recur from page to page): every seed
    page's index body is the same made with the cache warm from the pages before it, with a cache so small it
    starts again all the time, and with none (cleared before each text)."""
    from generator import search
    from generator.build import build

    out = tmp_path / "site"
    build(ROOT, out, search=False)
    bodies = []
    for p in sorted(out.rglob("*.html")):
        html = p.read_text("utf-8")
        m, end = search._MAIN.search(html), html.rfind("</main>")
        if m and end >= 0 and "data-pagefind-body" in m.group(0):
            bodies.append(search._YEAR_FILTER.sub("", html[m.end():end]))
    assert len(bodies) > 100

    def each(budget=None, fresh=False):
        search._text_cache.clear()
        search._text_cached[0] = 0
        if budget is not None:
            monkeypatch.setattr(search, "_TEXT_CACHE_CHARS", budget)
        if fresh:  # every look-up misses: the words made from the text alone
            monkeypatch.setattr(search, "_text_cache", type("Never", (dict,), {"get": lambda self, k, d=None: d})())
        return [search.rewrite_text_nodes(b) for b in bodies]

    warm = each()
    assert len(search._text_cache) < sum(len(search._TAG_SPLIT.split(b)) for b in bodies) // 4  # texts recur
    assert warm == each(budget=500) == each(fresh=True)
    assert any("由市" in w for w in warm)  # a run across inline markup kept its pair


def _index_words(shard: Path) -> tuple[list, list, dict]:
    """A shard's pages (fragment hashes), metadata fields and words, as Pagefind's files hold them: {word or
    variant: [(page number, locations, metadata locations)]}, the page numbers decoded from their deltas."""
    from generator.search import _pf_load

    entry = json.loads((shard / "pagefind-entry.json").read_text("utf-8"))
    (info,) = entry["languages"].values()
    meta = _pf_load((shard / f"pagefind.{info['hash']}.pf_meta").read_bytes())
    words: dict[str, list] = {}
    for c in meta[2]:
        for w in _pf_load((shard / "index" / f"{c[2]}.pf_index").read_bytes())[0]:
            for form, entries in [(w[0], w[1])] + [(v[0], v[1]) for v in w[2]]:
                number = 0
                for delta, locs, meta_locs in entries:
                    number += delta
                    words.setdefault(form, []).append((number, locs, meta_locs))
    return [p[0] for p in meta[1]], meta[5], words


def test_breadcrumbs_are_shown_not_indexed(tmp_path):
    """Pagefind indexes the words of every metadata field; the breadcrumb is kept as metadata only to be shown
    with a result, in characters of which Pagefind makes no word (search.crumb_code). Every shard's word index is
    without its locations (no page is listed under a word only its breadcrumb holds), and the fragments keep
    the field, which reads back as the page's breadcrumb."""
    from generator import search
    from generator.build import build

    out = tmp_path / "site"
    build(ROOT, out, search=True)
    shards = sorted(p.parent for p in (out / "pagefind").glob("*/*/pagefind-entry.json"))
    assert len(shards) == 6
    for shard in shards:
        pages, fields, words = _index_words(shard)
        assert fields == ["breadcrumb", "title"]  # the breadcrumb's marker in meta_locs is -1
        for form, entries in words.items():
            for number, locs, meta_locs in entries:
                assert 0 <= number < len(pages), (shard, form)
                assert -1 not in meta_locs and (locs or meta_locs), (shard, form, meta_locs)
    # the English department pages sit under "Departments › ", and some do not hold the word: only those that
    # do are under "depart" (the stem) in the index
    site_shard = out / "pagefind" / "en" / "site"
    pages, _, words = _index_words(site_shard)
    frags = {h: search.fragment_words(site_shard / "fragment" / f"{h}.pf_fragment") for h in pages}
    under = {frags[pages[n]]["url"] for n, _, _ in words["depart"]}
    holding = {f["url"] for f in frags.values() if "depart" in search.read_text(f["content"]).lower()}
    crumbs = {f["url"]: search.crumb_text(f["meta"].get("breadcrumb", "")) for f in frags.values()}
    units = {url for url, crumb in crumbs.items() if crumb.startswith("Departments › ")}
    assert len(units) > 50 and units - holding  # shown with the breadcrumb; some lack the word
    assert under == holding
    # the Chinese ones read back whole
    zh_site = out / "pagefind" / "zh" / "site"
    zh = [search.fragment_words(f) for f in zh_site.glob("fragment/*.pf_fragment")]
    crumb = {f["url"]: search.crumb_text(f["meta"]["breadcrumb"]) for f in zh}["/zh/unit/shi-jiao-tong-wei/"]
    assert crumb == "部门 › 市交通委"


def test_a_new_shard_format_indexes_every_shard_again(tmp_path, monkeypatch):
    """A change of the shards' format (BUNDLE_VERSION) indexes every shard again, from the store's copies (the
    pages are unchanged): the folders the previous build left are of the old format. Then nothing."""
    from generator import search
    from generator.build import build

    out = tmp_path / "site"
    first = build(ROOT, out, search=True).search
    monkeypatch.setattr(search, "BUNDLE_VERSION", search.BUNDLE_VERSION + ".test")
    again = build(ROOT, out, search=True).search
    assert sorted(again.indexed_shards) == sorted(first.indexed_shards) and len(first.indexed_shards) == 6
    assert build(ROOT, out, search=True).search.indexed == 0


def test_a_breadcrumb_of_any_text_is_coded_in_characters_pagefind_makes_no_word_of():
    """Titles hold anything: markup escaped in the page, quotes, brackets, Traditional characters, emoji, Latin
    words and digits. The index copy's breadcrumb is made of CRUMB_DIGITS only (none a letter, a digit, a space or
    an emoji: Pagefind indexes none of them) and reads back as the page shows it."""
    import html

    from generator.search import CRUMB_DIGITS, crumb_text, index_copy

    crumbs = ["部门 › 市交通委", "A & B <i>not a tag</i> › “引号” 〔2026〕1号 › 條例 😀", "Notes › 2026-05-01: x_y*#~^`",
              "文件 › " + "很长的标题" * 60]
    for crumb in crumbs:
        page = (f'<html><body><main id="main" data-pagefind-body><span hidden data-pagefind-ignore '
                f'data-pagefind-meta="breadcrumb">{html.escape(crumb, False)}</span><p>正文</p></main></body></html>')
        copy = index_copy(page, lang="zh", title="标题", names=[], group="2026")
        code = re.search(r'data-pagefind-meta="breadcrumb">([^<]*)<', copy).group(1)
        assert code and set(code) <= set(CRUMB_DIGITS) and crumb_text(code) == crumb
    assert not any(c.isalnum() or c.isspace() or c in "#*\"'&<>" for c in CRUMB_DIGITS)
