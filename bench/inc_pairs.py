"""Two versions of the code compared on incremental builds of one archive, old and new interleaved: each build adds
one gazette issue (2026, FIRST, FIRST+1, …) and is measured as bench/run.py measures a build (a whole process;
wall and CPU time; the peak of all its processes' memory together). Each round runs both codes, in alternating
order (A B, B A, …), so that a drift of the machine's load or of the archive's size falls on both.

    python bench/inc_pairs.py ARCHIVE SITE FIRST ROUNDS CODE_A CODE_B

ARCHIVE and SITE: an archive made by make_archive.py and its default build (archive_builds.py ... full); CODE_A,
CODE_B: checkouts of the project (their generator/ is imported). Both builds are made under CODE_A's code
fingerprint (generator.cache.PACKAGE), so that switching code does not make everything again: this compares
what each code does on the incremental path, and is meant for changes that leave the cached parses and the
output as they are (check that separately, e.g. diff -r of two sites). A first build with CODE_A brings the site
to that fingerprint (nothing new added). One line per build: code, issue, wall, CPU, all processes' peak, stages,
the shards indexed and their pages, the load average.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402
from make_archive import extra_issue  # noqa: E402

PIN = "from generator.build import build"


def pinned_script(package: Path) -> str:
    assert PIN in run.BUILD_SCRIPT
    return run.BUILD_SCRIPT.replace(
        PIN, f"import generator.cache\ngenerator.cache.PACKAGE = Path({str(package)!r})\n{PIN}")


def one(script: str, archive: Path, site: Path, code: str, issue: int | None) -> dict:
    if issue is not None:
        extra_issue(archive, 2026, issue)
    m = run.measured([sys.executable, "-c", script, str(archive), str(site), "1", code])
    r = json.loads(m.pop("stdout").strip().splitlines()[-1])
    r.update(m)
    s = r["search"] or {}
    print(code, issue, f"{r['seconds']:.1f} s", f"cpu {r['cpu']:.1f} s", f"peak {r['total_peak_mb']:.0f} MB",
          json.dumps({k: round(v, 1) for k, v in r["stages"].items()}),
          "indexed", s.get("indexed_shards"), s.get("pages_indexed"), "load", os.getloadavg()[0], flush=True)
    return r


def main() -> None:
    archive, site = Path(sys.argv[1]), Path(sys.argv[2])
    first, rounds, codes = int(sys.argv[3]), int(sys.argv[4]), [str(Path(c).resolve()) for c in sys.argv[5:7]]
    script = pinned_script(Path(codes[0]) / "generator")
    one(script, archive, site, codes[0], None)  # to the pinned fingerprint; not counted
    walls: dict[str, list[float]] = {c: [] for c in codes}
    issue = first
    for k in range(rounds):
        for code in (codes if k % 2 == 0 else codes[::-1]):
            walls[code].append(one(script, archive, site, code, issue)["seconds"])
            issue += 1
    for code, w in walls.items():
        print(code, "median", f"{statistics.median(w):.1f} s", "range", f"{min(w):.1f}-{max(w):.1f} s")


if __name__ == "__main__":
    main()
