"""Search benchmark, in headless Chromium against a built site served on localhost:

* recall and precision of the results page on a sample of queries (every year searched, every page of
  results), against a ground truth parsed independently from the built HTML (tests/test_search.py);
* for the first query of a fresh browser: the bytes the server sends until the first results are shown and
  until the page is done (its counts and filters), and the time from opening the search URL to the first
  results; the same for a few more queries;
* index size and shard count.

    python bench/search.py                         # the seed site, built into bench/out/search-site
    python bench/search.py --site bench/out/site   # the archive bench/run.py built (default build)

Needs Debian's chromium (as the browser tests do). Bytes are counted by the server (the browser's response
events miss some of Pagefind's requests), as sent: the local server does not compress, as a CDN would for
pagefind.js and the JSON files (the index files are gzip already).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

FIRST_QUERIES = ["家庭养老床位", "轨道交通22号线", "養老", "京政发〔2026〕1号", "接诉即办", "市交通委", "城市副中心"]
REAL_TERMS = ["京政发〔2026〕1号", "京商消一字〔2026〕5号", "京政办发〔2026〕4号", "大兴区", "平谷", "雄安新区",
              "轨道交通22号线", "家庭养老床位", "逃生自救“四件套”", "市发展改革委", "中关村管委会", "市科委、中关村管委会",
              "接诉即办", "百千工程", "城市副中心", "北京经济技术开发区", "保障性住房", "老旧小区", "以旧换新", "离境退税",
              "魏善庄镇", "门头沟", "永定河", "民生实事", "低收入人口", "恪守依法行政的基本准则", "月季花环", "养老",
              "發展", "X 疾病"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SENT = {"bytes": 0}
_lock = threading.Lock()


class Counting(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def copyfile(self, source, outputfile):
        data = source.read()
        with _lock:
            SENT["bytes"] += len(data)
        outputfile.write(data)


def folder_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def truth_pages(site: Path) -> dict:
    """zh page URL -> (raw pieces, normalised pieces), as in tests/test_search.py."""
    from test_search import norm, reader_pieces

    out = {}
    for p in sorted((site / "zh").rglob("index.html")):
        html = p.read_text("utf-8")
        if "data-pagefind-body" not in html:
            continue
        pieces = reader_pieces(html)
        out["/" + p.relative_to(site).as_posix()[: -len("index.html")]] = (pieces, [norm(x) for x in pieces])
    return out


def first_query(browser, base: str, q: str) -> dict:
    """A fresh browser context opens the search URL: bytes sent and time to the first results, and to done."""
    ctx = browser.new_context()
    page = ctx.new_page()
    start = SENT["bytes"]
    t = time.perf_counter()
    page.goto(f"{base}/zh/search/?q={quote(q)}")
    page.wait_for_selector("[data-search-results] .result", timeout=120000)
    first_s = time.perf_counter() - t
    first_kb = (SENT["bytes"] - start) / 1e3
    page.wait_for_selector("[data-search-results][data-done]", timeout=300000)
    done_s = time.perf_counter() - t
    page.wait_for_load_state("networkidle")
    done_kb = (SENT["bytes"] - start) / 1e3
    status = page.inner_text("#search-status")
    ctx.close()
    return {"q": q, "first_results_s": round(first_s, 2), "first_results_kB": round(first_kb, 1),
            "done_s": round(done_s, 2), "done_kB": round(done_kb, 1), "status": status}


def main():
    ap = argparse.ArgumentParser(description="search benchmark")
    ap.add_argument("--site", type=Path, help="a built site (default: build the seed site)")
    ap.add_argument("--work", type=Path, default=HERE / "out")
    ap.add_argument("--queries", type=int, default=220, help="sampled queries for recall/precision (default 220)")
    a = ap.parse_args()
    site = a.site
    if site is None:
        from generator.build import build

        site = a.work / "search-site"
        if site.exists():
            shutil.rmtree(site)
        build(ROOT, site, search=True)
    shards = json.loads((site / "pagefind" / "shards.json").read_text("utf-8"))
    pages = sum(s["pages"] for ss in shards["langs"].values() for s in ss)
    print(f"site {site}: {pages} pages indexed in {sum(len(s) for s in shards['langs'].values())} shards, "
          f"index {folder_size(site / 'pagefind') / 1e6:.1f} MB", flush=True)

    t = time.perf_counter()
    truth = truth_pages(site)
    print(f"ground truth: {len(truth)} Chinese pages parsed in {time.perf_counter() - t:.0f} s", flush=True)
    from test_search import contains, sample_queries

    sampled = [q for q, _ in sample_queries(truth, n=a.queries)]
    queries = sampled + REAL_TERMS
    truths = [{u for u, (_, n) in truth.items() if contains(n, q)} for q in queries]

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        firsts = [first_query(b, base, q) for q in FIRST_QUERIES]
        print("first query of a fresh browser (bytes sent by the server; seconds from opening the search URL):")
        for r in firsts:
            print(f"  {r['q']}: first results after {r['first_results_kB']} kB, {r['first_results_s']} s; done "
                  f"(counts, filters) after {r['done_kB']} kB, {r['done_s']} s — {r['status']}")
        page = b.new_page()
        page.goto(f"{base}/zh/search/")
        page.wait_for_selector("body[data-search-ready]")
        t = time.perf_counter()
        returned = []
        for q in queries:
            returned.append(set(page.evaluate("q => window.siteSearchAll(q)", q)))
        seconds = time.perf_counter() - t
        b.close()
    httpd.shutdown()
    found = pairs = hit = ret = ok = 0
    missed, wrong = [], []
    for q, urls, tr in zip(queries, returned, truths):
        h = urls & tr
        found += h == tr
        pairs += len(tr)
        hit += len(h)
        ret += len(urls)
        ok += len(h)
        if h != tr:
            missed.append((q, sorted(tr - urls)[:3]))
        if urls - tr:
            wrong.append((q, sorted(urls - tr)[:3]))
    recall, precision = found / len(queries), (ok / ret if ret else 1.0)
    print(f"recall {recall:.4f} (page recall {hit / pairs:.4f}), precision {precision:.4f} on {len(queries)} "
          f"queries ({len(sampled)} sampled substrings + {len(REAL_TERMS)} real terms), every year, every "
          f"result; {seconds:.0f} s in the browser")
    if missed:
        print("  missed:", missed[:5])
    if wrong:
        print("  wrong:", wrong[:5])
    print(json.dumps({"pages": pages, "queries": len(queries), "recall": round(recall, 4),
                      "precision": round(precision, 4), "first": firsts,
                      "first_results_kB_median": statistics.median(r["first_results_kB"] for r in firsts),
                      "first_results_s_median": statistics.median(r["first_results_s"] for r in firsts)},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
