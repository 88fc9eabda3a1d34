"""Where the build process's own memory goes before the page workers fork (issue 17).

    python bench/parent_memory.py CHECKOUT ARCHIVE [deep]

Runs, in this process and from CHECKOUT's generator package, what a build runs in its parent before it forks
the page workers (``load_all`` inside ``frozen_heap``, the views, the notes, the group fingerprints, the
catalogs' by-text index) and prints RSS and PSS (``/proc/self/smaps_rollup``) after each step. Delete the
archive's ``.cache/`` first for a cold build's figures. With ``deep``, the exclusive deep size of each
structure (catalogs, corpus, glossary, views, fingerprints, the rest), walked with ``gc.get_referents``,
the largest types of each.
"""
import gc
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

T0 = time.perf_counter()


def step(name: str) -> None:
    mem = {}
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            key, *value = line.split()
            if key in ("Rss:", "Pss:"):
                mem[key[:-1]] = int(value[0]) / 1024
    print(f"{time.perf_counter() - T0:7.1f}s {name:24s} RSS {mem['Rss']:8.1f} MB  PSS {mem['Pss']:8.1f} MB",
          flush=True)


def walk(obj, label: str, seen: set) -> float:
    """The size of what ``obj`` reaches that nothing walked before reached, by type."""
    by, count = Counter(), Counter()
    stack = [obj]
    skip = (type, type(sys), type(step), type(len))
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        if isinstance(o, skip):
            continue
        by[type(o).__name__] += sys.getsizeof(o)
        count[type(o).__name__] += 1
        stack.extend(gc.get_referents(o))
    total = sum(by.values()) / 2**20
    print(f"\n== {label}: {total:.1f} MB")
    for name, size in by.most_common(8):
        print(f"   {name:24s} {size / 2**20:8.1f} MB  n={count[name]}")
    return total


def main() -> None:
    sys.path.insert(0, sys.argv[1])
    root = Path(sys.argv[2]).resolve()
    step("start")
    from generator import build as B
    from generator.build import load_all
    from generator.incremental import fingerprints, global_fingerprint, install_recording
    from generator.notes import render_notes
    from generator.parallel import freeze_more, frozen_heap
    from generator.site.pages import ViewContext
    from generator.site.render import fingerprint_static
    from generator.site.text import ui_strings

    step("imports")
    with frozen_heap():
        config, glossary, corpus, translators, _ = load_all(root)
        step("after load_all")
        recording = install_recording(corpus, translators, glossary)
        ui = {lang: ui_strings(str(config.theme_dir), lang, config.codes) for lang in config.codes}
        views = ViewContext(corpus, translators, recording, ui, config.languages)
        notes = render_notes(views, corpus)
        step("after views and notes")
        with tempfile.TemporaryDirectory() as tmp:
            assets = fingerprint_static(config.theme_dir, Path(tmp))
        site = {"title": config.title, "tagline": config.tagline, "base_url": config.base_url}
        fps = fingerprints(corpus, translators, glossary, views,
                           global_fingerprint(root, B._theme_key(config.theme_dir, assets, site), glossary),
                           previous=None)
        step("after fingerprints")
        for tr in translators.values():
            tr.by_text()
        step("after by_text")
        freeze_more()
        gc.collect()
        step("after gc.collect")
    if "deep" in sys.argv[3:]:
        seen: set = {0}
        parts = {"catalogs": translators, "corpus": corpus, "glossary": glossary, "config": config,
                 "views": views, "notes": notes, "fingerprints": fps, "modules and the rest": sys.modules}
        totals = {name: round(walk(obj, name, seen), 1) for name, obj in parts.items()}
        print("\nMB:", totals, "sum", round(sum(totals.values()), 1))


if __name__ == "__main__":
    main()
