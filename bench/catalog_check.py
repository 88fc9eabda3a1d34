"""Read a project's catalogs from cold (its .cache deleted) with the generator of a given checkout: the time it
takes, and every entry's fields written to a file, so that two versions of the reader can be compared.

    python bench/catalog_check.py ARCHIVE OUT.pickle [CODE]      (CODE: the checkout to run; default this one)
    python bench/catalog_check.py --compare A.pickle B.pickle   (equal entries and warnings, or what differs)
"""
from __future__ import annotations

import pickle
import shutil
import sys
import time
from pathlib import Path


def read(root: Path, out: Path, code: str) -> None:
    sys.path.insert(0, code)
    from generator.config import load_config
    from generator.i18n.catalog import load_translations

    shutil.rmtree(root / ".cache", ignore_errors=True)
    t, c = time.perf_counter(), time.process_time()
    translators = load_translations(root, load_config(root).languages)
    print(code, f"cold: wall {time.perf_counter() - t:.1f} s, {time.process_time() - c:.1f} CPU-s")
    fields = {}
    for lang, tr in translators.items():
        fields[lang] = {k: (e.zh, e.text, e.sha, e.file, e.line, e.fuzzy, tuple(e.comments),
                            e.prov.comments() if e.prov else None, e.zh_hash(), e.fingerprint())
                        for k, e in tr.entries.items()}
        fields[f"{lang} warnings"] = [(p.file, p.line, p.message) for p in tr.warnings]
    out.write_bytes(pickle.dumps(fields, protocol=5))


def compare(a: Path, b: Path) -> None:
    x, y = pickle.loads(a.read_bytes()), pickle.loads(b.read_bytes())
    for name in sorted(set(x) | set(y)):
        ex, ey = x.get(name), y.get(name)
        if ex == ey:
            print(name, "equal:", len(ex))
        elif isinstance(ex, dict) and isinstance(ey, dict):
            diff = [k for k in ex.keys() | ey.keys() if ex.get(k) != ey.get(k)]
            print(name, f"{len(diff)} differ, e.g.", diff[:3])
        else:
            print(name, "differ")


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        compare(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        read(Path(sys.argv[1]), Path(sys.argv[2]),
             sys.argv[3] if len(sys.argv) > 3 else str(Path(__file__).resolve().parent.parent))
