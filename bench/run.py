"""Benchmark: full and incremental builds of a synthetic archive, per-stage times
and peak memory, with two anchors measured in the same run on the same page
count: Hugo (Debian's `hugo`) building equivalent Markdown (each of our pages'
text, links and breadcrumbs) with an equivalent template (our page chrome), and
the I/O floor (copying our output tree). The first, lighter Hugo anchor (three
paragraphs a page) is still timed, for comparison with earlier runs.

    python bench/run.py --quick     # < 5 minutes
    python bench/run.py             # the ≥ 50,000-page archive (15 years)

Ends with one line to compare runs:
pages=N full_s=X incremental_s=Y peak_mb=Z hugo_ratio=R floor_ratio=F
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from make_archive import extra_issue, make  # noqa: E402

BUILD_SCRIPT = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from generator.build import build
t = time.perf_counter()
r = build(Path(sys.argv[1]), Path(sys.argv[2]), search=False)
total = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"pages": r.pages, "rendered": r.rendered, "reused": r.reused, "seconds": total,
                  "stages": r.timings, "peak_mb": max(peak, kids)}))
"""


def timed_build(project: Path, out: Path) -> dict:
    res = subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(project), str(out), str(ROOT)],
                         capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def hugo_site_small(dest: Path, pages: int) -> None:
    """The first anchor, kept for comparison with earlier runs: the same number of pages, each three paragraphs
    of the gazette seed (about a quarter of the text of our average page) in a plain layout."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content" / "p").mkdir(parents=True)
    (dest / "layouts" / "_default").mkdir(parents=True)
    (dest / "config.toml").write_text('baseURL = "http://example.org/"\ntitle = "bench"\n'
                                      'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', "utf-8")
    (dest / "layouts" / "_default" / "single.html").write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body><header><nav><a href="/">首页</a></nav></header><main><h1>{{ .Title }}</h1>'
        '<p class="context">{{ .Params.section }}</p>{{ .Content }}<section><h2>关联</h2><ul>'
        '{{ range .Params.links }}<li><a href="{{ . }}">{{ . }}</a></li>{{ end }}</ul></section></main>'
        '<footer>中文为正式文本</footer></body></html>', "utf-8")
    (dest / "layouts" / "_default" / "list.html").write_text("<html><body>{{ .Title }}</body></html>", "utf-8")
    text = (ROOT / "content" / "sources" / "2026-gazette-12.txt").read_text("utf-8")
    paras = [p.strip() for p in text.split("\n") if len(p.strip()) > 20]
    for i in range(pages):
        body = "\n\n".join(paras[(i * 3 + k) % len(paras)] for k in range(3))
        (dest / "content" / "p" / f"{i}.md").write_text(
            f'---\ntitle: "任务 {i}"\nsection: "第{i % 11 + 1}部分"\nlinks: ["/p/{(i + 1) % pages}/", "/p/{(i + 7) % pages}/"]\n---\n\n'
            f"{body}\n", "utf-8")


# The equivalent anchor: for each page we built, a Markdown file with that page's text, headings, lists and links
# (taken from its <main>), its title, language, breadcrumbs and other-language address in the front matter, and
# a Hugo layout with the same page chrome as ours (head links, header, search form, site navigation, breadcrumbs,
# footer).
_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
_TITLE = re.compile(r"<title>(.*?)( · [^<]*)?</title>", re.S)
_CRUMBS = re.compile(r'<nav class="wrap breadcrumbs".*?<ol>(.*?)</ol>', re.S)
_CRUMB = re.compile(r'<li><a href="([^"]*)">(.*?)</a></li>', re.S)
_OTHER = re.compile(r'<a class="lang-switch" href="([^"]*)"')
_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.S)
_HEADING = re.compile(r"<h([1-6])\b[^>]*>")
_BLOCK_END = re.compile(r"</(?:p|div|section|h[1-6]|tr|table|ul|ol|aside|dl|dd|dt|blockquote|figure|details|summary|"
                        r"article|header|footer|nav|li|td|th|caption|figcaption)>|<br\s*/?>")
_TAG = re.compile(r"<[^>]+>")


def _md_text(fragment: str) -> str:
    text = html.unescape(_TAG.sub("", fragment))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("[", "\\[").replace("]", "\\]")


def page_markdown(page: str) -> tuple[dict, str]:
    """One of our pages as Hugo input: front matter and a Markdown body with the same text and links."""
    main = _MAIN.search(page).group(1)
    main = re.sub(r"<span hidden[^>]*>.*?</span>", "", main)  # search-index metadata, not shown
    # links and headings become Markdown; block ends become paragraph breaks; other tags go
    main = _LINK.sub(lambda m: f"[{_md_text(m.group(2)).strip()}]({m.group(1)})", main)
    main = _HEADING.sub(lambda m: "\n\n" + "#" * int(m.group(1)) + " ", main)
    main = re.sub(r"<li\b[^>]*>", "\n\n- ", main)
    main = _BLOCK_END.sub("\n\n", main)
    parts = re.split(r"(\[[^\]]*\]\([^)]*\))", main)  # keep the Markdown links as they are
    body = "".join(p if i % 2 else _md_text(p) for i, p in enumerate(parts))
    paras = [" ".join(line.split()) for line in body.split("\n\n")]
    body = "\n\n".join(p for p in paras if p)
    title = _TITLE.search(page)
    crumbs = _CRUMBS.search(page)
    other = _OTHER.search(page)
    front = {"title": html.unescape(title.group(1)) if title else "",
             "lang": "en" if 'lang="en"' in page[:200] else "zh-CN",
             "crumbs": [{"url": u, "name": html.unescape(_TAG.sub("", t))}
                        for u, t in _CRUMB.findall(crumbs.group(1))] if crumbs else [],
             "other": other.group(1) if other else "/"}
    return front, body


def _write_markdown(job: tuple[Path, Path, int]) -> int:
    src, dest, i = job
    front, body = page_markdown(src.read_text("utf-8"))
    front["slug"] = str(i)
    # JSON front matter (Hugo reads it as it reads YAML or TOML)
    dest.write_text(json.dumps(front, ensure_ascii=False) + "\n\n" + body + "\n", "utf-8")
    return len(body)


HUGO_LAYOUT = """<!doctype html>
<html lang="{{ .Params.lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
<link rel="alternate" hreflang="{{ .Params.lang }}" href="{{ .Permalink }}">
<link rel="alternate" hreflang="x-other" href="{{ .Params.other | absURL }}"><link rel="alternate" type="application/atom+xml" title="{{ site.Title }}" href="/feed.xml">
<link rel="stylesheet" href="/assets/css/site.css">
<link rel="stylesheet" href="/assets/css/print.css" media="print">
</head>
<body class="kind-{{ .Section }}">
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap header-row">
    <a class="brand" href="/">{{ site.Title }}</a>
    <form class="search-box" role="search" action="/search/" method="get">
      <label class="visually-hidden" for="q-top">Search</label>
      <input id="q-top" name="q" type="search" placeholder="Search documents, tasks, projects, departments…">
      <button type="submit">Search</button>
    </form>
    <a class="lang-switch" href="{{ .Params.other }}" rel="alternate">{{ if eq .Params.lang "en" }}中文{{ else }}English{{ end }}</a>
  </div>
  <nav class="wrap site-nav" aria-label="Site">
    {{ range site.Params.nav }}<a href="{{ .url }}"{{ if eq .url $.Section }} aria-current="page"{{ end }}>{{ .name }}</a>
    {{ end }}
  </nav>
</header>
{{ if eq .Params.lang "en" }}<p class="unofficial wrap" role="note">Unofficial translation — the Chinese text is authoritative</p>{{ end }}<nav class="wrap breadcrumbs" aria-label="Breadcrumb">
  <ol>{{ range .Params.crumbs }}<li><a href="{{ .url }}">{{ .name }}</a></li>{{ end }}<li aria-current="page">{{ .Title }}</li></ol>
</nav>
<main id="main" class="wrap">
{{ .Content }}
<p class="cite"><span>Permalink: <a href="{{ .RelPermalink }}">{{ .Permalink }}</a></span></p></main>
<footer class="site-footer">
  <div class="wrap">
    <p class="footer-note">The Chinese text is authoritative.</p>
    <ul class="footer-links"><li><a href="/api/v1/index.json">Open data</a></li><li><a href="/feed.xml">Atom</a></li><li><a href="{{ .Params.other }}">{{ if eq .Params.lang "en" }}中文{{ else }}English{{ end }}</a></li></ul>
  </div>
</footer>
</body>
</html>
"""
HUGO_NAV = [("Municipal Gazette", "/gazette/"), ("Priority Task List", "/tasklist/"), ("Government Work Report", "/report/"),
            ("Livelihood Projects", "/livelihood/"), ("District Livelihood Progress", "/progress/"),
            ("Departments", "/unit/"), ("Documents", "/doc/")]


def hugo_site(dest: Path, built: Path, pages: int) -> int:
    """Hugo's input for the pages of the site built in ``built``: one Markdown file per page (see page_markdown),
    ``pages`` of them. Returns the characters of Markdown written."""
    import multiprocessing

    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content" / "p").mkdir(parents=True)
    (dest / "layouts" / "_default").mkdir(parents=True)
    nav = "".join(f'[[params.nav]]\nname = "{n}"\nurl = "{u}"\n' for n, u in HUGO_NAV)
    (dest / "config.toml").write_text('baseURL = "http://example.org/"\ntitle = "Beijing Government Documents"\n'
                                      'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[params]\n' + nav,
                                      "utf-8")
    (dest / "layouts" / "_default" / "single.html").write_text(HUGO_LAYOUT, "utf-8")
    (dest / "layouts" / "_default" / "list.html").write_text("<html><body>{{ .Title }}</body></html>", "utf-8")
    files = sorted(p for lang in ("zh", "en") for p in (built / lang).rglob("index.html"))[:pages]
    jobs = [(f, dest / "content" / "p" / f"{i}.md", i) for i, f in enumerate(files)]
    with multiprocessing.get_context("fork").Pool() as pool:
        return sum(pool.imap_unordered(_write_markdown, jobs, chunksize=256))


def time_hugo(site: Path) -> tuple[float, float] | None:
    """Hugo's wall time and its peak memory (MB)."""
    if not shutil.which("hugo"):
        return None
    t = time.perf_counter()
    proc = subprocess.Popen(["hugo", "--quiet", "-s", str(site), "-d", str(site / "public")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"hugo failed: {proc.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def same_tree(a: Path, b: Path) -> tuple[bool, int]:
    """Whether two output folders hold the same files with the same bytes; and how many files."""
    import filecmp

    def files(root: Path) -> list[str]:
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    fa, fb = files(a), files(b)
    if fa != fb:
        return False, len(fa)
    return all(filecmp.cmp(a / f, b / f, shallow=False) for f in fa), len(fa)


def time_copy(src: Path, dst: Path) -> float:
    if dst.exists():
        shutil.rmtree(dst)
    t = time.perf_counter()
    subprocess.run(["cp", "-r", str(src), str(dst)], check=True)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description="build benchmark")
    ap.add_argument("--quick", action="store_true", help="a smaller archive, under 5 minutes")
    ap.add_argument("--work", type=Path, default=HERE / "out")
    ap.add_argument("--years", type=int, help="archive size (default: 3 quick, 15 full, about 54,000 pages)")
    ap.add_argument("--issues", type=int, help="gazette issues a year (default: 8 quick, 40 full)")
    ap.add_argument("--districts", type=int, help="district progress tables a year (default: 4 quick, 8 full)")
    ap.add_argument("--verify", action=argparse.BooleanOptionalAction, default=None,
                    help="build the archive again from scratch and check the incremental output is byte for "
                         "byte the same (default: with --quick)")
    a = ap.parse_args()
    years, issues, districts = (3, 8, 4) if a.quick else (15, 40, 8)
    years, issues, districts = a.years or years, a.issues or issues, a.districts or districts
    work = a.work
    work.mkdir(parents=True, exist_ok=True)
    # the seed site (target: under 1.5 s without Pagefind): a fresh copy, so the first build parses cold
    seed = work / "seed"
    if seed.exists():
        shutil.rmtree(seed)
    for d in ("content", "themes"):
        shutil.copytree(ROOT / d, seed / d)
    seed_cold = timed_build(seed, seed / "out-cold")
    seed_warm = timed_build(seed, seed / "out-warm")  # parse cache warm, every page rendered
    print(f"seed site: {seed_cold['pages']} pages, {seed_cold['seconds']:.2f} s with a cold parse cache, "
          f"{seed_warm['seconds']:.2f} s warm (stages {json.dumps({k: round(v, 2) for k, v in seed_warm['stages'].items()})})",
          flush=True)
    project = work / "archive"
    t = time.perf_counter()
    counts = make(project, years, issues, districts)
    print(f"archive: {counts} in {time.perf_counter() - t:.1f} s", flush=True)
    out = work / "site"
    if out.exists():
        shutil.rmtree(out)
    full = timed_build(project, out)
    print(f"full build: {full['pages']} pages in {full['seconds']:.2f} s, peak {full['peak_mb']:.0f} MB, "
          f"stages {json.dumps({k: round(v, 2) for k, v in full['stages'].items()})}", flush=True)
    extra_issue(project, 2026, issues + 1)
    inc = timed_build(project, out)
    print(f"incremental (one new gazette issue): {inc['seconds']:.2f} s, {inc['rendered']} pages rendered, "
          f"{inc['reused']} unchanged, stages {json.dumps({k: round(v, 2) for k, v in inc['stages'].items()})}",
          flush=True)
    if a.verify if a.verify is not None else a.quick:
        fresh = work / "site-fresh"
        if fresh.exists():
            shutil.rmtree(fresh)
        timed_build(project, fresh)
        same, files = same_tree(out, fresh)
        print(f"incremental output identical to a full build of the same archive: {'yes' if same else 'NO'} "
              f"({files} files)", flush=True)
        if not same:
            raise SystemExit("the incremental build differs from a full build")
    hsite = work / "hugo"
    md_chars = hugo_site(hsite, out, full["pages"])
    hugo_s, hugo_mb = time_hugo(hsite) or (None, None)
    hsmall = work / "hugo-small"
    hugo_site_small(hsmall, full["pages"])
    small_s, _ = time_hugo(hsmall) or (None, None)
    floor_s = time_copy(out, work / "copy")
    if hugo_s:
        print(f"hugo, equivalent pages (each of our pages' text, links and breadcrumbs as Markdown, "
              f"{md_chars / full['pages']:.0f} characters a page; our page chrome): {hugo_s:.2f} s for "
              f"{full['pages']} pages, {_tree_mb(hsite / 'public'):.0f} MB written (ours: {_tree_mb(out):.0f} MB), "
              f"peak memory {hugo_mb:.0f} MB",
              flush=True)
        print(f"hugo, the first, lighter anchor (three gazette paragraphs a page, plain layout): {small_s:.2f} s, "
              f"{_tree_mb(hsmall / 'public'):.0f} MB written; our time over it: {full['seconds'] / small_s:.2f}",
              flush=True)
    else:
        print("hugo: not installed", flush=True)
    print(f"copy floor: {floor_s:.2f} s", flush=True)
    pps = full["pages"] / full["seconds"]
    print(f"throughput: {pps:.0f} pages/s"
          + (f", hugo {full['pages'] / hugo_s:.0f} pages/s" if hugo_s else ""))
    hugo_ratio = full["seconds"] / hugo_s if hugo_s else float("nan")
    floor_ratio = full["seconds"] / floor_s
    print(f"pages={full['pages']} full_s={full['seconds']:.2f} incremental_s={inc['seconds']:.2f} "
          f"peak_mb={full['peak_mb']:.0f} hugo_ratio={hugo_ratio:.2f} floor_ratio={floor_ratio:.2f}")


def _tree_mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 2**20

if __name__ == "__main__":
    main()
