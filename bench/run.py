"""Benchmark: the default build (with the search index) of a synthetic bilingual archive — full, after one new
gazette issue, and when nothing changed — with the memory of all its processes together, the same builds
without search, and Hugo (Debian's `hugo`) building the same pages as Markdown in paired, interleaved runs.

    python bench/run.py --quick     # a small archive, a few minutes
    python bench/run.py             # the >= 50,000-page archive (15 years), about half an hour

How each figure is measured:
* times are wall-clock seconds of a whole process (`python -m generator build`, or a Python process calling
  `generator.build.build` where its stage times are wanted), started fresh;
* memory "all processes together" is the peak, sampled every 0.25 s, of the sum of the proportional set size
  (PSS, /proc/<pid>/smaps_rollup) of the build process and all its descendants (page workers, Pagefind):
  shared pages count once; "one process" is the largest resident set of any single process, as before;
* Hugo ratios are our default build's time over Hugo's, from pairs run one right after the other (ours, then
  Hugo), at least three pairs; the median and the range are printed. Each of our builds in a pair starts
  from empty caches and an empty output folder, as the first one does.

Ends with one line to compare runs:
pages=N full_s=X incremental_s=Y peak_mb=Z hugo_ratio=R floor_ratio=F search_full_s=S search_incremental_s=I
total_peak_mb=M search_full_cpu_s=C search_incremental_cpu_s=D search_incremental_next_s=J
(full_s, incremental_s, peak_mb: builds without search, as before; search_*: the default build; hugo_ratio: the
median of the paired ratios of the default build; floor_ratio: the default build over copying its output;
search_incremental_s is the first build after the full one, which also makes the second output tree and its
database once; search_incremental_next_s a second new issue after a build with nothing changed, when both trees
have caught up.)
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from make_archive import extra_issue, make  # noqa: E402

BUILD_SCRIPT = r"""
import json, sys, time
sys.path.insert(0, sys.argv[4])
from pathlib import Path
from generator.build import build
t = time.perf_counter()
r = build(Path(sys.argv[1]), Path(sys.argv[2]), search=sys.argv[3] == "1")
total = time.perf_counter() - t
s = r.search
print(json.dumps({"pages": r.pages, "rendered": r.rendered, "reused": r.reused, "seconds": total,
                  "stages": r.timings, "search": None if s is None else {
                      "shards": s.shards, "indexed": s.indexed, "pages_indexed": s.pages_indexed,
                      "indexed_shards": sorted(s.indexed_shards), "recent": s.recent}}))
"""


# ------------------------------------------------------------------ memory of a process tree
def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(p))
            except (OSError, ValueError, IndexError):
                pass
    return kids


def _tree_memory(pid: int) -> tuple[int, int]:
    """(sum of PSS over the process and its descendants, largest RSS of one of them), in kB."""
    kids = _children()
    stack, pss, rss = [pid], 0, 0
    while stack:
        p = stack.pop()
        stack.extend(kids.get(p, []))
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss = max(rss, int(line.split()[1]))
        except OSError:
            pass
    return pss, rss


def measured(cmd: list[str], cwd: Path | None = None) -> dict:
    """Run ``cmd``; its wall time, the CPU time of all its processes (user + system, every descendant waited
    for: workers, Pagefind), the peak of its processes' PSS together and the largest single RSS (MB), its
    stdout. (On a shared machine the wall time moves with the load; the CPU time much less.)"""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0, 0]

    def sample():
        while proc.poll() is None:
            pss, rss = _tree_memory(proc.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.25)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    th.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": time.perf_counter() - t, "cpu": cpu, "total_peak_mb": peak[0] / 1024, "peak_mb": peak[1] / 1024,
            "stdout": out}


def timed_build(project: Path, out: Path, search: bool) -> dict:
    m = measured([sys.executable, "-c", BUILD_SCRIPT, str(project), str(out), "1" if search else "0", str(ROOT)])
    r = json.loads(m.pop("stdout").strip().splitlines()[-1])
    r.update(m)
    return r


def cold(project: Path, out: Path) -> None:
    """Empty caches and no output: the state of a first build."""
    shutil.rmtree(project / ".cache", ignore_errors=True)
    for p in [out, *out.parent.glob(f".{out.name}.*")]:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif os.path.lexists(p):  # a file, or the output's link to the tree it serves (after incremental builds)
            p.unlink()


# ------------------------------------------------------------------ Hugo, the same pages as Markdown
# For each page we built, a Markdown file with that page's text, headings, lists and links (taken from its
# <main>), its title, language, breadcrumbs and other-language address in the front matter, and a Hugo layout
# with the same page chrome as ours (head links, header, search form, site navigation, breadcrumbs, footer).
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


def time_hugo(site: Path) -> dict | None:
    if not shutil.which("hugo"):
        return None
    shutil.rmtree(site / "public", ignore_errors=True)
    return measured(["hugo", "--quiet", "-s", str(site), "-d", str(site / "public")])


def same_pages(a: Path, b: Path) -> tuple[bool, int]:
    """Whether two output folders hold the same files with the same bytes (the database: the same rows), the
    search index aside (an incremental build keeps a small 'recent' shard a full build does not have); and how
    many files."""
    import filecmp

    def files(root: Path) -> list[str]:
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                      if p.is_file() and not p.relative_to(root).as_posix().startswith("pagefind/"))

    def same(f: str) -> bool:
        if f.endswith("/data.sqlite"):  # updated in place by an incremental build: the same rows, not the same bytes
            if str(ROOT) not in sys.path:  # this checkout's generator, not the installed one
                sys.path.insert(0, str(ROOT))
            from generator.site.opendata import dump

            return list(dump(a / f)) == list(dump(b / f))
        return filecmp.cmp(a / f, b / f, shallow=False)

    fa, fb = files(a), files(b)
    if fa != fb:
        return False, len(fa)
    return all(same(f) for f in fa), len(fa)


def time_copy(src: Path, dst: Path) -> float:
    if dst.exists():
        shutil.rmtree(dst)
    t = time.perf_counter()
    # the output is a link to the tree it serves (blue/green builds): copy the tree, not the link
    subprocess.run(["cp", "-r", str(Path(src).resolve()), str(dst)], check=True)
    return time.perf_counter() - t


def _stages(r: dict) -> str:
    return json.dumps({k: round(v, 1) for k, v in r["stages"].items()})


def _tree_mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 2**20


def main():
    ap = argparse.ArgumentParser(description="build benchmark")
    ap.add_argument("--quick", action="store_true", help="a smaller archive, a few minutes")
    ap.add_argument("--work", type=Path, default=HERE / "out")
    ap.add_argument("--years", type=int, help="archive size (default: 3 quick, 15 full, about 60,000 pages)")
    ap.add_argument("--issues", type=int, help="gazette issues a year (default: 8 quick, 40 full)")
    ap.add_argument("--districts", type=int, help="district progress tables a year (default: 4 quick, 8 full)")
    ap.add_argument("--pairs", type=int, default=3, help="paired runs ours/Hugo (default 3)")
    ap.add_argument("--verify", action=argparse.BooleanOptionalAction, default=None,
                    help="build the archive again from scratch and check the incremental output's pages are byte "
                         "for byte the same (default: with --quick)")
    a = ap.parse_args()
    years, issues, districts = (3, 8, 4) if a.quick else (15, 40, 8)
    years, issues, districts = a.years or years, a.issues or issues, a.districts or districts
    work = a.work
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)",
          flush=True)

    # the seed site, as a reader builds it: a whole process, a fresh copy of the project (cold caches)
    seed = work / "seed"
    for search in (True, False):
        if seed.exists():
            shutil.rmtree(seed)
        for d in ("content", "themes"):
            shutil.copytree(ROOT / d, seed / d)
        cmd = [sys.executable, "-m", "generator", "--root", str(seed), "build", "--out", str(seed / "out")]
        m = measured(cmd + ([] if search else ["--no-search"]), cwd=ROOT)
        print(f"seed site, `python -m generator build{'' if search else ' --no-search'}` (whole process, cold "
              f"caches): {m['wall']:.2f} s, all processes together {m['total_peak_mb']:.0f} MB", flush=True)

    project = work / "archive"
    t = time.perf_counter()
    counts = make(project, years, issues, districts)
    print(f"archive: {counts} in {time.perf_counter() - t:.1f} s", flush=True)
    out, plain = work / "site", work / "site-nosearch"

    # 1. the default build, full: the first of the pairs with Hugo
    cold(project, out)
    full = timed_build(project, out, search=True)
    print(f"default build, full: {full['pages']} pages in {full['wall']:.1f} s (CPU {full['cpu']:.0f} s; build() "
          f"{full['seconds']:.1f} s), "
          f"all processes together {full['total_peak_mb']:.0f} MB (largest one {full['peak_mb']:.0f} MB), "
          f"{full['search']['shards']} shards; stages {_stages(full)}", flush=True)
    hsite = work / "hugo"
    md_chars = hugo_site(hsite, out, full["pages"])
    pairs = []
    h = time_hugo(hsite)
    if h:
        pairs.append((full["wall"], h["wall"]))
        print(f"  pair 1: ours {full['wall']:.1f} s, hugo {h['wall']:.1f} s ({h['total_peak_mb']:.0f} MB), "
              f"ratio {full['wall'] / h['wall']:.2f}", flush=True)

    # 2. without search, full (cold caches), for the figures of earlier runs
    cold(project, plain)
    nos = timed_build(project, plain, search=False)
    print(f"build without search, full: {nos['wall']:.1f} s (CPU {nos['cpu']:.0f} s), all processes together {nos['total_peak_mb']:.0f} MB "
          f"(largest one {nos['peak_mb']:.0f} MB); stages {_stages(nos)}", flush=True)

    # 3. one new gazette issue; then nothing changed
    extra_issue(project, 2026, issues + 1)
    inc = timed_build(project, out, search=True)
    print(f"default build, one new issue: {inc['wall']:.2f} s (CPU {inc['cpu']:.1f} s), {inc['rendered']} pages rendered, "
          f"{inc['search']['pages_indexed']} pages indexed in {inc['search']['indexed_shards']}, "
          f"all processes together {inc['total_peak_mb']:.0f} MB; stages {_stages(inc)}", flush=True)
    inc_plain = timed_build(project, plain, search=False)
    print(f"build without search, one new issue: {inc_plain['wall']:.2f} s; stages {_stages(inc_plain)}", flush=True)
    again = timed_build(project, out, search=True)
    print(f"default build, nothing changed: {again['wall']:.2f} s (CPU {again['cpu']:.1f} s), "
          f"{again['search']['indexed']} shards indexed; "
          f"stages {_stages(again)}", flush=True)
    # 3b. a second new issue: the first build after a full one makes the second output tree and its own copy of
    # the database, and the next one brings that tree up to date (once each); from here on a new issue costs this
    extra_issue(project, 2026, issues + 2)
    nxt = timed_build(project, out, search=True)
    print(f"default build, a second new issue (both output trees caught up): {nxt['wall']:.2f} s "
          f"(CPU {nxt['cpu']:.1f} s), {nxt['rendered']} pages rendered, {nxt['search']['pages_indexed']} pages "
          f"indexed in {nxt['search']['indexed_shards']}, all processes together {nxt['total_peak_mb']:.0f} MB; "
          f"stages {_stages(nxt)}", flush=True)
    if a.verify if a.verify is not None else a.quick:
        fresh = work / "site-fresh"
        cold(project, fresh)
        timed_build(project, fresh, search=True)
        same, files = same_pages(out, fresh)
        print(f"incremental pages identical to a full build of the same archive: {'yes' if same else 'NO'} "
              f"({files} files besides the search index)", flush=True)
        if not same:
            raise SystemExit("the incremental build differs from a full build")

    # 4. the other pairs: ours (default, full, cold) then Hugo, one right after the other
    if h:
        pair_out = work / "site-pair"
        for i in range(2, a.pairs + 1):
            cold(project, pair_out)
            ours = timed_build(project, pair_out, search=True)
            hh = time_hugo(hsite)
            pairs.append((ours["wall"], hh["wall"]))
            print(f"  pair {i}: ours {ours['wall']:.1f} s, hugo {hh['wall']:.1f} s, ratio "
                  f"{ours['wall'] / hh['wall']:.2f}", flush=True)
        cold(project, pair_out)
        ratios = [o / hh for o, hh in pairs]
        print(f"hugo, equivalent pages ({md_chars / full['pages']:.0f} characters of Markdown a page; our page "
              f"chrome; {_tree_mb(hsite / 'public'):.0f} MB written, ours {_tree_mb(out):.0f} MB with the index): "
              f"our default build over Hugo, {len(pairs)} pairs: median {statistics.median(ratios):.2f}, "
              f"range {min(ratios):.2f}-{max(ratios):.2f}", flush=True)
    else:
        ratios = []
        print("hugo: not installed (apt-get install -y hugo)", flush=True)
    floor_s = time_copy(out, work / "copy")
    shutil.rmtree(work / "copy", ignore_errors=True)
    print(f"copy floor: {floor_s:.2f} s", flush=True)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    hugo_ratio = statistics.median(ratios) if ratios else float("nan")
    print(f"pages={full['pages']} full_s={nos['wall']:.2f} incremental_s={inc_plain['wall']:.2f} "
          f"peak_mb={nos['peak_mb']:.0f} hugo_ratio={hugo_ratio:.2f} floor_ratio={full['wall'] / floor_s:.2f} "
          f"search_full_s={full['wall']:.2f} search_incremental_s={inc['wall']:.2f} "
          f"total_peak_mb={full['total_peak_mb']:.0f} search_full_cpu_s={full['cpu']:.0f} "
          f"search_incremental_cpu_s={inc['cpu']:.1f} search_incremental_next_s={nxt['wall']:.2f}")


if __name__ == "__main__":
    main()
