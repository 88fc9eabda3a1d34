"""Search benchmark, in headless Chromium against a built site served on localhost:

* recall and precision of the search page's own query code (``siteSearchAll``: every year, every result) on a
  sample of queries, in one browser page, against a ground truth parsed independently from the built HTML
  (tests/test_search.py's reader_pieces, in parallel, cached in ``--work``);
* for the first query of a fresh browser: the bytes the server sends until the first results are shown and
  until the page is done (its counts and filters), and the time from opening the search URL to the first
  results; for the seven queries below and ``--first-sampled`` sampled ones;
* index size and shard count.

    python bench/search.py                         # the seed site, built into bench/out/search-site
    python bench/search.py --site bench/out/site   # the archive bench/run.py built (default build)

Needs Debian's chromium (as the browser tests do). Bytes are counted by the server (the browser's response
events miss some of Pagefind's requests), as sent. The server compresses text files (HTML, CSS, JS, JSON) with
gzip when the browser asks for it, as any static host or CDN does (the index files are gzip already);
``--no-compress`` sends them as they are. Both figures are printed (``kB`` sent, ``raw_kB`` the files' sizes).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import functools
import gzip
import hashlib
import http.server
import io
import json
import os
import pickle
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
SENT = {"bytes": 0, "raw": 0}
_lock = threading.Lock()
TEXT_TYPES = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")
_gz_cache: dict[str, bytes] = {}


class Counting(http.server.SimpleHTTPRequestHandler):
    compress = True

    def log_message(self, *a):
        pass

    def send_head(self):
        """A text file, gzip-compressed when the browser accepts it (a directory's index.html included)."""
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        self._raw_counted = False
        if not (self.compress and "gzip" in self.headers.get("Accept-Encoding", "") and path.endswith(TEXT_TYPES)
                and os.path.isfile(path)):
            return super().send_head()
        raw = Path(path).read_bytes()
        data = _gz_cache.get(path)
        if data is None:
            data = _gz_cache[path] = gzip.compress(raw, 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with _lock:
            SENT["raw"] += len(raw)
        self._raw_counted = True
        return io.BytesIO(data)

    def copyfile(self, source, outputfile):
        data = source.read()
        with _lock:
            SENT["bytes"] += len(data)
            if not getattr(self, "_raw_counted", False):
                SENT["raw"] += len(data)
        outputfile.write(data)


def folder_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def _truth_of(paths: list[str]) -> list:
    from test_search import norm, reader_pieces

    out = []
    for path in paths:
        html = Path(path).read_text("utf-8")
        if "data-pagefind-body" not in html:
            continue
        pieces = reader_pieces(html)
        out.append((path, pieces, "\n".join(norm(x) for x in pieces)))
    return out


def truth_pages(site: Path, cache_dir: Path) -> dict:
    """zh page URL -> (raw pieces, normalised pieces joined by newlines: a term, which has no newline, is in a
    piece exactly when it is in the joined text), parsed from the HTML as tests/test_search.py does, by two
    processes, and kept in ``cache_dir`` for the same pages (their paths, sizes and times)."""
    files = sorted(str(p) for p in (site / "zh").rglob("index.html"))
    key = hashlib.sha256("\n".join(f"{f}\t{os.stat(f).st_size}\t{os.stat(f).st_mtime_ns}" for f in files).encode())
    cache = cache_dir / f"truth-{key.hexdigest()[:16]}.pickle"
    if cache.is_file():
        return pickle.loads(cache.read_bytes())
    chunks = [files[i:i + 500] for i in range(0, len(files), 500)]
    out = {}
    with concurrent.futures.ProcessPoolExecutor(min(2, os.cpu_count() or 1)) as ex:
        for part in ex.map(_truth_of, chunks):
            for path, pieces, joined in part:
                out["/" + Path(path).relative_to(site).as_posix()[: -len("index.html")]] = (pieces, joined)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out, protocol=5))
    return out


def fragment_urls(site: Path) -> dict[str, set[str]]:
    """page id (fragment name) -> the addresses of the Chinese pages of that id (one each, unless two shards
    share an id: indexes built before fragment names carried their shard)."""
    from generator.search import fragment_text

    out: dict[str, set[str]] = {}
    for f in (site / "pagefind" / "zh").glob("*/fragment/*.pf_fragment"):
        out.setdefault(f.name[:-len(".pf_fragment")], set()).add(fragment_text(f.read_bytes())["url"])
    return out


def holds(joined: str, terms: list[str]) -> bool:
    return all(t in joined for t in terms)


def first_query(browser, base: str, q: str) -> dict:
    """A fresh browser context opens the search URL: bytes sent and time to the first results, and to done."""
    ctx = browser.new_context()
    page = ctx.new_page()
    start, start_raw = SENT["bytes"], SENT["raw"]
    t = time.perf_counter()
    page.goto(f"{base}/zh/search/?q={quote(q)}")
    # the first results, or the status saying there are none
    page.wait_for_selector("[data-search-results] .result, [data-search-results][data-done]", timeout=120000)
    first_s = time.perf_counter() - t
    first_kb, first_raw = (SENT["bytes"] - start) / 1e3, (SENT["raw"] - start_raw) / 1e3
    # the browser's own account: the search page marks when its first results are on screen; what had arrived
    # by then (the server's count above also holds what was asked for before Playwright saw the results)
    mark = page.evaluate("""() => {
      const m = performance.getEntriesByName('search-first-results')[0];
      if (!m) return null;
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource').filter((e) => e.responseEnd <= m.startTime);
      return { ms: m.startTime, bytes: nav.transferSize + res.reduce((a, e) => a + e.transferSize, 0),
               requests: res.length + 1 };
    }""")
    page.wait_for_selector("[data-search-results][data-done]", timeout=300000)
    done_s = time.perf_counter() - t
    page.wait_for_load_state("networkidle")
    done_kb = (SENT["bytes"] - start) / 1e3
    status = page.inner_text("#search-status")
    excerpt = page.eval_on_selector_all("[data-search-results] .result .excerpt", "els => els.map(e => e.innerHTML)")
    ctx.close()
    return {"q": q, "first_results_s": round(first_s, 2), "first_results_kB": round(first_kb, 1),
            "browser_first_s": mark and round(mark["ms"] / 1e3, 2),
            "browser_first_kB": mark and round(mark["bytes"] / 1e3, 1),
            "first_results_raw_kB": round(first_raw, 1), "done_s": round(done_s, 2), "done_kB": round(done_kb, 1),
            "status": status, "excerpts_marked": sum("<mark>" in e for e in excerpt), "results_shown": len(excerpt)}


def main():
    ap = argparse.ArgumentParser(description="search benchmark")
    ap.add_argument("--site", type=Path, help="a built site (default: build the seed site)")
    ap.add_argument("--work", type=Path, default=HERE / "out")
    ap.add_argument("--queries", type=int, default=220, help="sampled queries for recall/precision (default 220)")
    ap.add_argument("--first-sampled", type=int, default=13,
                    help="sampled queries also measured as the first query of a fresh browser (default 13; -1: no "
                         "first-query measurement at all)")
    ap.add_argument("--no-compress", action="store_true", help="send text files as they are (no gzip)")
    a = ap.parse_args()
    Counting.compress = not a.no_compress
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
          f"index {folder_size(site / 'pagefind') / 1e6:.1f} MB; load average {os.getloadavg()[0]:.1f}", flush=True)

    t = time.perf_counter()
    truth = truth_pages(site, a.work / "truth-cache")
    print(f"ground truth: {len(truth)} Chinese pages in {time.perf_counter() - t:.0f} s", flush=True)
    from test_search import norm, sample_queries

    sampled = [q for q, _ in sample_queries(truth, n=max(a.queries, a.first_sampled))]
    queries = sampled[:a.queries] + (REAL_TERMS if a.queries else [])
    t = time.perf_counter()
    truths = [{u for u, (_, joined) in truth.items() if holds(joined, norm(q).split())} for q in queries]
    print(f"ground truth of {len(queries)} queries in {time.perf_counter() - t:.0f} s", flush=True)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    from playwright.sync_api import sync_playwright

    returned = []
    seconds = 0.0
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        first_qs = (FIRST_QUERIES if a.first_sampled >= 0 else []) + sampled[:max(a.first_sampled, 0)]
        firsts = []
        print("first query of a fresh browser (bytes sent by the server, and the files' own sizes; seconds from "
              "opening the search URL):", flush=True)
        for q in first_qs:
            r = first_query(b, base, q)
            firsts.append(r)
            print(f"  {r['q']}: first results after {r['first_results_kB']} kB ({r['first_results_raw_kB']} kB "
                  f"uncompressed), {r['first_results_s']} s (browser's account: {r['browser_first_kB']} kB, "
                  f"{r['browser_first_s']} s); done (counts, filters) after {r['done_kB']} kB, "
                  f"{r['done_s']} s; {r['excerpts_marked']}/{r['results_shown']} excerpts show the match — "
                  f"{r['status']}", flush=True)
        if queries:
            page = b.new_page()
            page.goto(f"{base}/zh/search/")
            page.wait_for_selector("body[data-search-ready]")
            t = time.perf_counter()
            # the search page's query code, every year; its results are page ids (fragment names), read as
            # addresses from the fragment files here (loading thousands of fragments in the browser took most
            # of the time)
            url_of = fragment_urls(site)
            for i, q in enumerate(queries):
                returned.append({u for i_ in page.evaluate("q => window.siteSearchIds(q)", q) for u in url_of[i_]})
                if (i + 1) % 25 == 0:
                    print(f"  {i + 1}/{len(queries)} queries in {time.perf_counter() - t:.0f} s", flush=True)
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
    recall = found / len(queries) if queries else None
    precision = (ok / ret if ret else 1.0) if queries else None
    if queries:
        print(f"recall {recall:.4f} (page recall {hit / max(pairs, 1):.4f}), precision {precision:.4f} on "
              f"{len(queries)} queries ({a.queries} sampled substrings + {len(REAL_TERMS)} real terms), every year, "
              f"every result ({ret} results); {seconds:.0f} s in the browser")
    if missed:
        print("  missed:", missed[:5])
    if wrong:
        print("  wrong:", wrong[:5])
    print(json.dumps({"pages": pages, "queries": len(queries), "recall": recall and round(recall, 4),
                      "precision": precision and round(precision, 4), "first": firsts,
                      **({"first_results_kB_max": max(r["first_results_kB"] for r in firsts),
                          "first_results_kB_median": statistics.median(r["first_results_kB"] for r in firsts),
                          "first_results_s_median": statistics.median(r["first_results_s"] for r in firsts),
                          "first_results_s_max": max(r["first_results_s"] for r in firsts),
                          "browser_first_kB_max": max(r["browser_first_kB"] or 0 for r in firsts),
                          "browser_first_s_max": max(r["browser_first_s"] or 0 for r in firsts)} if firsts else {}),
                      "load_average": os.getloadavg()[0]},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
