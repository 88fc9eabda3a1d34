"""One default build of each kind on an archive made by make_archive.py, measured as bench/run.py measures them
(a whole process; wall and CPU time; the peak of all its processes' memory together), without the seed
builds, the builds without search and the Hugo pairs: for the full archive on a busy machine, where run.py in full
takes hours.

    python bench/make_archive.py /tmp/archive --years 15 --issues 40 --districts 8
    python bench/archive_builds.py /tmp/archive /tmp/site full,inc,same

full: cold caches, no output; inc: one more gazette issue (2026, issue 41 by default), then a build; same: a
build with nothing changed. One JSON line per build, with its stages and the load average.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402
from make_archive import extra_issue  # noqa: E402


def show(name: str, r: dict) -> None:
    print(name, json.dumps({k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items() if k != "stages"}),
          json.dumps({k: round(v, 1) for k, v in r["stages"].items()}), "load", os.getloadavg(), flush=True)


def main() -> None:
    project, out, steps = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].split(",")
    if "full" in steps:
        run.cold(project, out)
        show("full", run.timed_build(project, out, search=True))
    if "inc" in steps:
        extra_issue(project, 2026, int(sys.argv[4]) if len(sys.argv) > 4 else 41)
        show("inc", run.timed_build(project, out, search=True))
    if "same" in steps:
        show("same", run.timed_build(project, out, search=True))


if __name__ == "__main__":
    main()
