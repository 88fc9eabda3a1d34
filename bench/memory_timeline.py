"""Where a default build's memory goes over time: the PSS of every process of the build's tree (the build, its
page workers, Pagefind), sampled every two seconds, with the stage that runs, and the peak with its processes.

    python bench/memory_timeline.py ARCHIVE SITE

Cold caches and no output first, as bench/run.py's full build (run.cold); the build is the code of this checkout.
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

SCRIPT = r"""
import sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from generator.build import build
t0 = time.perf_counter()
def progress(n, total=None, stage=None):
    if stage:
        print("STAGE", stage, flush=True)
r = build(Path(sys.argv[1]), Path(sys.argv[2]), search=True, progress=progress)
print("DONE", round(time.perf_counter() - t0, 1), {k: round(v, 1) for k, v in r.timings.items()}, flush=True)
"""


def _tree(pid: int) -> list[tuple[str, int]]:
    """(name, PSS in MB) of ``pid`` and each of its descendants."""
    kids, stack, rows = run._children(), [pid], []
    while stack:
        p = stack.pop()
        stack.extend(kids.get(p, []))
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                pss = next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            with open(f"/proc/{p}/cmdline") as f:
                name = "build" if p == pid else f.read().split("\0")[0].rsplit("/", 1)[-1][:16]
            rows.append((name, pss // 1024))
        except (OSError, StopIteration):
            pass
    return rows


def main() -> None:
    project, out = Path(sys.argv[1]), Path(sys.argv[2])
    run.cold(project, out)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(project), str(out), str(run.ROOT)],
                            stdout=subprocess.PIPE, text=True)
    stage = ["start"]

    def read():
        for line in proc.stdout:
            if line.startswith("STAGE"):
                stage[0] = line.split()[1]
            else:
                print(f"{time.perf_counter() - t0:.1f}", line.strip(), flush=True)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    peak: tuple = (0, None)
    while proc.poll() is None:
        rows = sorted(_tree(proc.pid), key=lambda r: -r[1])
        total = sum(mb for _, mb in rows)
        at = f"{time.perf_counter() - t0:.1f}"
        if total > peak[0]:
            peak = (total, (at, stage[0], rows))
        print("MEM", at, stage[0], total, rows[:6], flush=True)
        time.sleep(2)
    reader.join()
    print("PEAK MB", peak[0], "at", peak[1])


if __name__ == "__main__":
    main()
