"""The parse and link stages alone (``build.load_all``): wall time, and CPU of this process and of its workers.

    python bench/load_time.py ARCHIVE cold|warm [CODE]

``cold`` deletes the archive's .cache first (a first build); CODE is the checkout whose generator is measured
(default: this one), so that two versions can be run one after the other on the same archive.
"""
from __future__ import annotations

import resource
import shutil
import sys
import time
from pathlib import Path

code = sys.argv[3] if len(sys.argv) > 3 else str(Path(__file__).resolve().parent.parent)
sys.path.insert(0, code)
from generator.build import load_all  # noqa: E402

root = Path(sys.argv[1])
if sys.argv[2] == "cold":
    shutil.rmtree(root / ".cache", ignore_errors=True)
t, c = time.perf_counter(), time.process_time()
*_, timer = load_all(root)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, sys.argv[2], f"wall {time.perf_counter() - t:.1f} s, this process {time.process_time() - c:.1f} CPU-s, "
      f"workers {kids.ru_utime + kids.ru_stime:.1f} CPU-s;", {k: round(v, 1) for k, v in timer.t.items()})
