"""Editors' link overrides: content/links.yaml can add a link the rules miss
or suppress a wrong one. Overrides that no longer match anything are reported."""
from __future__ import annotations

from pathlib import Path

from ..errors import Report
from ..paths import LINKS_FILE
from .. import kinds
from .evidence import evidence_of, spans_in
from ..model import Corpus, Link

OVERRIDES = LINKS_FILE
KINDS = {"details", "implements", "related", "led-by", "cites", "amends"}


def known_ids(corpus: Corpus) -> set[str]:
    return kinds.all_item_ids(corpus)


ADD_KEYS = {"source": "an item id", "target": "an item id", "kind": " | ".join(sorted(KINDS)),
            "score": "a number from 0 to 1, default 1", "evidence": "a text: why the link holds"}
REMOVE_KEYS = {"source": "an item id", "target": "an item id"}
ID_EXPECTED = "an id such as task/2026/20 or livelihood/2026/7.1"


def read_overrides(root: Path) -> tuple[list[dict], list[dict]]:
    """content/links.yaml checked for shape: a mapping with ``add`` and ``remove`` lists of mappings; each
    entry's keys known, ``source`` and ``target`` ids, ``kind`` a link kind, ``score`` a number from 0 to 1.
    Returns (additions, removals), each entry with its ``line``."""
    from ..content import files_of
    from ..yamlfile import Shape, read_yaml

    found = files_of(root, "links")
    if not found:
        return [], []
    expected = "a mapping with the lists add: and remove:"
    doc = read_yaml(found[0], OVERRIDES, expected)
    shape = Shape(doc, OVERRIDES)
    data = shape.mapping({} if doc.data is None else doc.data, (), expected)
    shape.done()
    shape.keys(data, (), {"add": "links to add", "remove": "links to remove"})
    out: dict[str, list[dict]] = {"add": [], "remove": []}
    seen: dict[tuple, int] = {}
    for section, keys in (("add", ADD_KEYS), ("remove", REMOVE_KEYS)):
        entries = data.get(section)
        if entries is None:
            continue
        entries = shape.seq(entries, (section,), f"a list of entries ({', '.join(keys)})")
        for i, e in enumerate(entries or []):
            at = (section, i)
            e = shape.mapping(e, at, "{" + ", ".join(f"{k}: …" for k in keys) + "}")
            if e is None or not shape.keys(e, at, keys, required=("source", "target")):
                continue
            entry = {"line": doc.line(*at)}
            entry["source"] = shape.text(e["source"], (*at, "source"), ID_EXPECTED)
            entry["target"] = shape.text(e["target"], (*at, "target"), ID_EXPECTED)
            if section == "add" and entry["source"] == entry["target"]:
                shape.error(at, f"add entry links {entry['source']} to itself",
                            "a source and a target that are two different items")
                continue
            if section == "add":
                entry["kind"] = shape.choice(e.get("kind", "related"), (*at, "kind"), KINDS)
                entry["score"] = shape.number(e.get("score", 1.0), (*at, "score"), "a number from 0 to 1", 0, 1)
                entry["evidence"] = shape.text(e.get("evidence", "editor's decision"), (*at, "evidence"))
            key = (section, entry["source"], entry["target"], entry.get("kind"))
            if key in seen:
                shape.error(at, f"{section} entry {entry['source']} -> {entry['target']} repeats the one at line "
                            f"{seen[key]}; one of them would be lost", "each link once")
            seen.setdefault(key, entry["line"])
            out[section].append(entry)
    added = {(e["source"], e["target"]): e["line"] for e in out["add"]}
    for i, e in enumerate(out["remove"]):
        if (e["source"], e["target"]) in added:
            shape.error(("remove", i), f"remove entry {e['source']} -> {e['target']} takes away the link the add "
                        f"entry at line {added[e['source'], e['target']]} makes", "a link added or removed, not both")
    shape.done()
    return out["add"], out["remove"]


DOCUMENT_SCHEMES = ("doc:", "decree/", "rule/", "announcement/", "notice/")


def kind_problem(kind: str, src: str, dst: str) -> str:
    """What is wrong with a link of ``kind`` from ``src`` to ``dst`` ('' if nothing): a lead is a department,
    an amendment joins two documents, and a department cites nothing and is cited by nothing."""
    if kind == "led-by" and (not dst.startswith("unit/") or src.startswith("unit/")):
        return f"{src} led-by {dst}: a lead is a department (unit/…) of an item that is not one"
    if kind == "amends" and not (src.startswith(DOCUMENT_SCHEMES) and dst.startswith(DOCUMENT_SCHEMES)):
        return f"{src} amends {dst}: an amendment is a document that changes another document"
    if kind == "cites" and (src.startswith("unit/") or dst.startswith("unit/")):
        return f"{src} cites {dst}: a department is not a text that cites or is cited"
    return ""


def apply_overrides(links: list[Link], corpus: Corpus, root: Path, rep: Report) -> list[Link]:
    adds, removes = read_overrides(root)
    if not adds and not removes:
        return links
    ids = known_ids(corpus)
    out = list(links)
    for entry in adds:
        ln, src, dst, kind = entry["line"], entry["source"], entry["target"], entry["kind"]
        bad = [x for x in (src, dst) if x not in ids]
        if bad:
            rep.error(OVERRIDES, ln, f"unknown reference {bad[0]!r}", ID_EXPECTED)
            continue
        wrong = kind_problem(kind, src, dst)
        if wrong:
            rep.error(OVERRIDES, ln, wrong, "a kind that fits its two ends: led-by a unit/…, amends between "
                      "documents, related or details between any two items")
            continue
        if any(l.src == src and l.dst == dst for l in links):
            rep.warn(OVERRIDES, ln, f"added link {src} -> {dst} is already found by the rules; the override is redundant")
        # the editor's evidence is quoted where either end has it (as written, or with other punctuation
        # between its words); otherwise it stands as the editor's reason, never shown as a quotation
        spans = spans_in(corpus, entry["evidence"], (src, dst))
        if not spans:
            rep.warn(OVERRIDES, ln, f"evidence {entry['evidence']!r} is not found in the text of {src} or {dst}; "
                     "it is shown as the editors' reason, not as a quotation (expected words quoted from either end)")
        out.append(Link(src, dst, kind, float(entry["score"]), evidence_of(spans) if spans else [entry["evidence"]],
                        "editor", origin="override", spans=spans))
    for entry in removes:
        ln, src, dst = entry["line"], entry["source"], entry["target"]
        bad = [x for x in (src, dst) if x not in ids]
        if bad:  # as in add: a misspelt id removes nothing, and the wrong link would stay without a word
            rep.error(OVERRIDES, ln, f"unknown reference {bad[0]!r}", ID_EXPECTED)
            continue
        before = len(out)
        out = [l for l in out if not (l.src == src and l.dst == dst and l.origin == "rule")]
        if len(out) == before:
            rep.warn(OVERRIDES, ln, f"override removes {src} -> {dst}, but no rule produces that link any more")
    return out
