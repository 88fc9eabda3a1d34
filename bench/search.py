"""Search benchmark: index size, indexing time (ours and stock Pagefind on the
same pages) and the bytes a browser fetches to load search and for the first
page of results of each query (Chinese queries on the Chinese edition, one
English query on the English edition).

    python bench/search.py [--work DIR]   # builds the seed site into DIR/search-site (default bench/out)

Needs Debian's chromium (as the browser tests do)."""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["家庭养老床位", "轨道交通22号线", "養老", "京政发〔2026〕1号", "接诉即办", "保障性住房", "逃生自救",
           "城市副中心", "中关村", "老旧小区", "发展"]
EN_QUERY = "affordable housing"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def folder_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


SERVED = {"/pagefind/": 0, "/pagefind-stock/": 0}
_lock = threading.Lock()


class Counting(http.server.SimpleHTTPRequestHandler):
    """Serves the site quietly and counts the bytes of /pagefind/ it sends (counted
    here rather than from the browser's response events, which miss some)."""

    def log_message(self, *a):
        pass

    def copyfile(self, source, outputfile):
        data = source.read()
        bundle = "/" + self.path.split("/")[1] + "/"
        if bundle in SERVED:
            with _lock:
                SERVED[bundle] += len(data)
        outputfile.write(data)


def measure_queries(browser, base: str, lang: str, queries: list[str], stock: bool = False):
    """Bytes of the bundle fetched to load the search page's index, then per query
    (the first page of results, as the results page shows it), in a fresh browser
    context. ``stock``: the same queries, unchanged, to stock Pagefind's bundle."""
    bundle = "/pagefind-stock/" if stock else "/pagefind/"
    page = browser.new_page()
    start = SERVED[bundle]
    page.goto(f"{base}/{lang}/search/")
    page.wait_for_selector("body[data-search-ready]")
    page.wait_for_load_state("networkidle")
    if stock:  # what the search page loads, from stock Pagefind's bundle (no t2s.json there)
        page.evaluate("async () => { const pf = await import('/pagefind-stock/pagefind.js');"
                      " await pf.options({ excerptLength: 30 }); await pf.filters(); }")
        page.wait_for_load_state("networkidle")
    load = SERVED[bundle] - start
    rows = []
    for q in queries:
        before = SERVED[bundle]
        t = time.perf_counter()
        if stock:
            total = page.evaluate("async q => (await window.stockSearch(q, 20)).length", q)
        else:
            total = page.evaluate("async q => (await window.siteSearch(q)).total", q)
        ms = (time.perf_counter() - t) * 1e3
        page.wait_for_load_state("networkidle")
        rows.append({"q": q, "kB": round((SERVED[bundle] - before) / 1e3, 1), "results": total, "ms": round(ms)})
    page.close()
    return load, rows


def main():
    ap = argparse.ArgumentParser(description="search benchmark")
    ap.add_argument("--work", type=Path, default=HERE / "out", help="where the site is built (default bench/out)")
    a = ap.parse_args()
    from generator.build import build
    from generator.search import index_site

    out = a.work / "search-site"
    if out.exists():
        shutil.rmtree(out)
    build(ROOT, out, search=False)
    t = time.perf_counter()
    ours = index_site(out)
    ours_s = time.perf_counter() - t
    t = time.perf_counter()
    index_site(out, stock=True, output_subdir="pagefind-stock")
    stock_s = time.perf_counter() - t
    print(f"pages indexed: {ours['pages']}")
    print(f"index size: ours {folder_size(out / 'pagefind') / 1e6:.2f} MB, "
          f"stock {folder_size(out / 'pagefind-stock') / 1e6:.2f} MB")
    print(f"indexing time: ours {ours_s:.1f} s, stock {stock_s:.1f} s")

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        zh_load, zh = measure_queries(b, base, "zh", QUERIES)
        en_load, en = measure_queries(b, base, "en", [EN_QUERY])
        szh_load, szh = measure_queries(b, base, "zh", QUERIES, stock=True)
        sen_load, sen = measure_queries(b, base, "en", [EN_QUERY], stock=True)
        b.close()
    httpd.shutdown()
    print("bytes fetched (ours / stock Pagefind):")
    print(f"  to load search: zh {zh_load / 1e3:.1f} / {szh_load / 1e3:.1f} kB, en {en_load / 1e3:.1f} / {sen_load / 1e3:.1f} kB")
    print(f"  first query ({zh[0]['q']}): {zh[0]['kB']} / {szh[0]['kB']} kB")
    print(f"  tenth query ({zh[9]['q']}): {zh[9]['kB']} / {szh[9]['kB']} kB")
    print(f"  English query on the English edition ({EN_QUERY}): {en[0]['kB']} / {sen[0]['kB']} kB")
    print(json.dumps({"ours": {"zh": zh, "en": en}, "stock": {"zh": szh, "en": sen}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
