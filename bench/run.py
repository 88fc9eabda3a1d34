"""Benchmark: full and incremental builds of a synthetic archive, per-stage times
and peak memory, with two anchors measured in the same run on the same page
count: Hugo (Debian's `hugo`) building equivalent Markdown with an equivalent
template, and the I/O floor (copying our output tree).

    python bench/run.py --quick     # < 5 minutes
    python bench/run.py             # the ≥ 50,000-page archive (15 years)

Ends with one line to compare runs:
pages=N full_s=X incremental_s=Y peak_mb=Z hugo_ratio=R floor_ratio=F
"""
from __future__ import annotations

import argparse
import json
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


def hugo_site(dest: Path, pages: int) -> None:
    """Equivalent Markdown for Hugo: the same number of pages, similar text and a similar layout."""
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


def time_hugo(site: Path) -> float | None:
    if not shutil.which("hugo"):
        return None
    t = time.perf_counter()
    subprocess.run(["hugo", "--quiet", "-s", str(site), "-d", str(site / "public")], check=True,
                   capture_output=True)
    return time.perf_counter() - t


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
    hugo_site(hsite, full["pages"])
    hugo_s = time_hugo(hsite)
    floor_s = time_copy(out, work / "copy")
    print(f"hugo: {hugo_s:.2f} s for {full['pages']} pages" if hugo_s else "hugo: not installed", flush=True)
    print(f"copy floor: {floor_s:.2f} s", flush=True)
    pps = full["pages"] / full["seconds"]
    print(f"throughput: {pps:.0f} pages/s"
          + (f", hugo {full['pages'] / hugo_s:.0f} pages/s" if hugo_s else ""))
    hugo_ratio = full["seconds"] / hugo_s if hugo_s else float("nan")
    floor_ratio = full["seconds"] / floor_s
    print(f"pages={full['pages']} full_s={full['seconds']:.2f} incremental_s={inc['seconds']:.2f} "
          f"peak_mb={full['peak_mb']:.0f} hugo_ratio={hugo_ratio:.2f} floor_ratio={floor_ratio:.2f}")


if __name__ == "__main__":
    main()
