"""Translation status of a page or an API record: how many of its passages are translated, by whom
(machine or human), whether anyone reviewed them, when, and which version of the Chinese they translate.

A passage is any segment a view looked up in the catalogs (``ViewContext.seg``): a dict with ``"tr"``, the
provenance tuple (translated-by, translated-on, reviewed, hash of the Chinese). Names from the glossary
and figures are not passages: they are not translated per page. The status is computed from what a page
shows, so it applies to pages of every kind without per-kind code."""
from __future__ import annotations

import hashlib


def passages(value) -> list[dict]:
    """Every passage in a view model (dicts and lists walked; Markup and other values skipped), in a fixed
    order (a page's view model holds thousands of dicts: the walk is written out, without generators)."""
    out: list[dict] = []
    stack = [value]
    pop, push, add = stack.pop, stack.append, out.append
    containers, inner = (dict, list, tuple), (dict, list)
    while stack:
        x = pop()
        if isinstance(x, dict):
            parts = x.get("parts")
            if isinstance(parts, list) and parts and isinstance(parts[0], dict) and "tr" in parts[0]:
                out.extend(parts)  # one block made of several passages (a livelihood category)
                continue
            if isinstance(x.get("tr"), tuple):
                add(x)
                continue
            for v in x.values():
                if isinstance(v, containers):
                    push(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                if isinstance(v, inner):
                    push(v)
    return out


def summarize(segs) -> dict | None:
    """The status of a set of passages, or None when there are none. Keys: state (translated | partial |
    untranslated), passages, translated, machine, human, unknown (translator not recorded), reviewed,
    translated_on (the latest date), source_version (a hash of the Chinese texts)."""
    seen = {}
    for s in segs:
        tr = s.get("tr")
        if not tr:
            continue
        seen.setdefault((tr[3], s.get("status")), s)
    if not seen:
        return None
    ok = [s for s in seen.values() if s.get("status") == "ok"]
    by = [s["tr"][0] for s in ok]
    dates = [s["tr"][1] for s in ok if s["tr"][1]]
    n, k = len(seen), len(ok)
    h = hashlib.sha1("\n".join(sorted(t for t, _ in seen)).encode()).hexdigest()[:12]
    return {
        "state": "translated" if k == n else "partial" if k else "untranslated",
        "passages": n, "translated": k,
        "machine": sum(b.startswith("machine") for b in by), "human": sum(b.startswith("human") for b in by),
        "unknown": sum(not b for b in by),
        "reviewed": sum(s["tr"][2].startswith("yes") for s in ok),
        "translated_on": max(dates) if dates else None,
        "source_version": h,
    }
