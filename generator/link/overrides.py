"""Editors' link overrides: content/links.yaml can add a link the rules miss
or suppress a wrong one. Overrides that no longer match anything are reported."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import Report
from .. import kinds
from ..model import Corpus, Link
from .. import SAFE_LOADER

OVERRIDES = "content/links.yaml"
KINDS = {"details", "implements", "related", "led-by", "cites", "amends"}


def known_ids(corpus: Corpus) -> set[str]:
    return kinds.all_item_ids(corpus)


def apply_overrides(links: list[Link], corpus: Corpus, root: Path, rep: Report) -> list[Link]:
    path = root / OVERRIDES
    if not path.exists():
        return links
    text = path.read_text("utf-8")
    try:
        data = yaml.load(text, Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        rep.error(OVERRIDES, mark.line + 1 if mark else None, f"invalid YAML: {getattr(e, 'problem', e)}", "valid YAML")
        return links
    lines = text.split("\n")

    def line_of(entry) -> int | None:
        needle = str(entry.get("source", ""))
        return next((i + 1 for i, l in enumerate(lines) if needle and needle in l), None)

    ids = known_ids(corpus)
    out = list(links)
    for entry in data.get("add", []) or []:
        ln = line_of(entry)
        src, dst, kind = entry.get("source"), entry.get("target"), entry.get("kind", "related")
        if kind not in KINDS:
            rep.error(OVERRIDES, ln, f"unknown link kind {kind!r}", " / ".join(sorted(KINDS)))
            continue
        bad = [x for x in (src, dst) if x not in ids]
        if bad:
            rep.error(OVERRIDES, ln, f"unknown reference {bad[0]!r}", "an id such as task/2026/20 or livelihood/2026/7.1")
            continue
        if any(l.src == src and l.dst == dst for l in links):
            rep.warn(OVERRIDES, ln, f"added link {src} -> {dst} is already found by the rules; the override is redundant")
        out.append(Link(src, dst, kind, float(entry.get("score", 1.0)),
                        [entry.get("evidence") or "editor's decision"], "editor", origin="override"))
    for entry in data.get("remove", []) or []:
        ln = line_of(entry)
        src, dst = entry.get("source"), entry.get("target")
        before = len(out)
        out = [l for l in out if not (l.src == src and l.dst == dst and l.origin == "rule")]
        if len(out) == before:
            rep.warn(OVERRIDES, ln, f"override removes {src} -> {dst}, but no rule produces that link any more")
    return out
