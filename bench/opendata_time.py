"""The open-data stage's database alone (``opendata.build_database``) from a built site's API files: CPU of the
full-text inserts and of the other rows, the file's size and the full-text index's segments.

    python bench/opendata_time.py SITE_API_DIR OUT.sqlite [CODE] [--fts option=value,...] [--optimize]

SITE_API_DIR is read only (a built site's api/v1); OUT.sqlite is made from scratch. CODE is the checkout whose
generator is measured (default: this one), so that two versions can be run one after the other. ``--fts``
sets FTS5 options (automerge, crisismerge, pgsz, ...) right after the table is made, ``--optimize`` merges the
index into one segment before the indexes are made: what branch od2 measured (see bench/README.md).
"""
from __future__ import annotations

import os
import resource
import sqlite3
import sys
import time
from pathlib import Path

args = [a for a in sys.argv[1:] if not a.startswith("--")]
opts = sys.argv[1:]
code = args[2] if len(args) > 2 else str(Path(__file__).resolve().parent.parent)
sys.path.insert(0, code)
from generator.site import opendata as od  # noqa: E402

fts = dict(kv.split("=") for kv in opts[opts.index("--fts") + 1].split(",")) if "--fts" in opts else {}
cpu: dict[str, float] = {}


def timed(key, f):
    def run(*a, **k):
        c = time.process_time()
        try:
            return f(*a, **k)
        finally:
            cpu[key] = cpu.get(key, 0) + time.process_time() - c
    return run


od._Loader.flush_search = timed("full-text inserts", od._Loader.flush_search)
od._Loader.flush = timed("other rows", od._Loader.flush)
create, derive = od._create, od.derive_lists


def _create(db):
    create(db)
    for k, v in fts.items():
        db.execute("INSERT INTO search(search, rank) VALUES (?, ?)", (k, int(v)))


def derive_lists(db, loader):
    derive(db, loader)
    if "--optimize" in opts:
        timed("optimize", db.execute)("INSERT INTO search(search) VALUES ('optimize')")


od._create, od.derive_lists = _create, derive_lists


def varint(b: bytes, i: int) -> tuple[int, int]:
    v = 0
    for k in range(9):
        c = b[i]
        i += 1
        if k == 8:
            return (v << 8) | c, i
        v = (v << 7) | (c & 0x7F)
        if not c & 0x80:
            return v, i
    raise AssertionError


def segments(path: Path) -> list[tuple[int, int]]:
    """(segments, leaf pages) of each level of the full-text index (FTS5's structure record, id 10)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        b = db.execute("SELECT block FROM search_data WHERE id = 10").fetchone()[0]
    finally:
        db.close()
    nlevel, i = varint(b, 4)
    _, i = varint(b, i)  # segments in all
    _, i = varint(b, i)  # write counter
    out = []
    for _ in range(nlevel):
        _, i = varint(b, i)  # segments being merged
        n, i = varint(b, i)
        pages = 0
        for _ in range(n):
            _, i = varint(b, i)
            first, i = varint(b, i)
            last, i = varint(b, i)
            pages += last - first + 1
        out.append((n, pages))
    return out


t, c = time.perf_counter(), time.process_time()
od.build_database(Path(args[0]), Path(args[1]))
ru = resource.getrusage(resource.RUSAGE_SELF)
print(code, f"fts {fts}{' optimize' if '--optimize' in opts else ''}: wall {time.perf_counter() - t:.1f} s, "
      f"CPU {time.process_time() - c:.1f} s ({', '.join(f'{k} {v:.1f}' for k, v in cpu.items())}), "
      f"{os.path.getsize(args[1]) / 1e6:.0f} MB, max RSS {ru.ru_maxrss / 1024:.0f} MB, "
      f"segments (count, leaf pages) by level {segments(Path(args[1]))}, load {os.getloadavg()[0]:.1f}", flush=True)
