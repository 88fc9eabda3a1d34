"""Search benchmark: index size, indexing time (ours and stock Pagefind on the
same pages) and the bytes a browser fetches for a first and a tenth query.

    python bench/search.py            # builds the seed site into bench/out/search-site

Needs Debian's chromium (as the browser tests do)."""
from __future__ import annotations

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
           "城市副中心", "中关村", "老旧小区"]


def folder_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def main():
    from generator.build import build
    from generator.search import index_site

    out = HERE / "out" / "search-site"
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
    print(f"indexing time: ours {ours_s:.2f} s, stock {stock_s:.2f} s")

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass
    handler = functools.partial(Quiet, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = b.new_page()
        fetched = {"bytes": 0}

        def on_response(r):
            if "/pagefind/" in r.url:
                try:
                    fetched["bytes"] += len(r.body())
                except Exception:
                    pass
        page.on("response", on_response)
        page.goto(base + "/zh/search/")
        page.wait_for_selector("body[data-search-ready]")
        start = fetched["bytes"]
        per_query = []
        for q in QUERIES:
            before = fetched["bytes"]
            page.evaluate("async q => (await window.siteSearch(q)).length", q)
            per_query.append(fetched["bytes"] - before)
        b.close()
    httpd.shutdown()
    print(f"bytes fetched to load search: {start / 1e3:.1f} kB")
    print(f"bytes fetched by the first query ({QUERIES[0]}): {per_query[0] / 1e3:.1f} kB")
    print(f"bytes fetched by the tenth query ({QUERIES[9]}): {per_query[9] / 1e3:.1f} kB")
    print(json.dumps({"per_query_kB": [round(x / 1e3, 1) for x in per_query]}))


if __name__ == "__main__":
    main()
