"""The figures behind a few choices the code's docstrings explain (bench/README.md, "Figures behind the code's
choices"): each measured on a built site, so the docstrings say why and this says how much.

    python bench/design.py SITE     (SITE: the output of `python -m generator build --out SITE`)
"""
from __future__ import annotations

import datetime
import gzip
import io
import json
import pickle
import subprocess
import sys
import time
import timeit
from pathlib import Path


def main(site: Path) -> None:
    from babel.dates import format_date

    day = datetime.date(2025, 12, 31)
    n = 20_000
    per = timeit.timeit(lambda: format_date(day, format="long", locale="en"), number=n) / n
    print(f"site/text.format_date is memoised: Babel takes {per * 1e6:.1f} µs per date")

    code = ("import time; t = time.perf_counter(); from pypinyin import lazy_pinyin; "
            "lazy_pinyin('北京市发展和改革委员会'); print(time.perf_counter() - t)")
    start = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    print(f"i18n/romanize keeps a memo file: starting pypinyin and romanising one name takes {start:.2f} s")

    records = json.loads((site / "api/v1/tasks.json").read_text("utf-8"))
    one = timeit.timeit(lambda: [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records], number=20)
    indented = timeit.timeit(lambda: [json.dumps(r, ensure_ascii=False, sort_keys=True, indent=2) for r in records],
                             number=20)
    print(f"site/api writes a record on one line: an indented dump of the {len(records)} task records takes "
          f"{indented / one:.1f}× as long")

    def fast_pickle():
        buf = io.BytesIO()
        p = pickle.Pickler(buf, protocol=5)
        p.fast = True
        p.dump(records)
        return buf.getvalue()

    pk = timeit.timeit(fast_pickle, number=50)
    js = timeit.timeit(lambda: json.dumps(records, sort_keys=True, ensure_ascii=False).encode(), number=50)
    print(f"build.page_key pickles the view model: sorted JSON of the same records takes {js / pk:.1f}× as long")

    files = sorted(site.rglob("*.pf_index")) + sorted(site.rglob("*.pf_meta"))
    raw = [gzip.decompress(p.read_bytes()) for p in files]
    for level in (6, 9):
        t = time.perf_counter()
        size = sum(len(gzip.compress(r, compresslevel=level, mtime=0)) for r in raw)
        print(f"search._pf_dump gzip level {level}: {size:,} bytes in {(time.perf_counter() - t) * 1000:.0f} ms "
              f"({len(raw)} index files)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
