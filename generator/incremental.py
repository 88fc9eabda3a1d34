"""What an incremental build may keep: a fingerprint of each group of pages' inputs.

Pages come in groups (``site.views.page_groups``): the pages of one document, gazette
issue, task list, report, livelihood list or progress table, the department pages,
and single pages of the site. A group's fingerprint covers everything its pages
are made from:

* the *global* inputs, which any page may read: the generator's code, the theme,
  the site configuration, the glossary, the translation catalogs, the link
  overrides (``global_fingerprint``);
* the sources its items were parsed from (each source by its parse-cache key: its
  text and the readers' code), every publication of a document included;
* every link with an end in the group (kind, score, evidence, rule, origin), with
  the sources of the item at the other end, since a page shows that item's title;
* the editors' notes about its items, as their pages show them (title, date,
  author and the rendered HTML, which holds the titles of the items a note cites):
  so a new or edited note remakes the groups of the items it is about, not the
  site. A note about something no group owns counts for every group.

A group whose fingerprint is the one recorded by the previous build is not made
again: its pages, their sitemap and feed entries and its translation lookups are
taken from the build manifest (``build.py``). Pages listing the whole corpus (home,
document and issue indexes, search, 404) have no fingerprint and are always made;
their files are only rewritten when their bytes would change. Deleting the output
folder, or a failed build, makes the next build a full one.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import item_ids

ALWAYS = None  # the fingerprint of a group that is made in every build


@lru_cache(maxsize=1)  # the code does not change while a process runs; linking and the pages both ask
def code_fingerprint() -> str:
    h = hashlib.sha256()
    base = Path(__file__).resolve().parent
    for p in sorted(base.rglob("*.py")):
        h.update(p.relative_to(base).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def global_fingerprint(root: Path, theme_key: str) -> str:
    """Code, theme and every content file that is neither a source text nor a note (both are keyed by the
    groups that show them: see group_fingerprints)."""
    root = Path(root)
    h = hashlib.sha256((code_fingerprint() + theme_key).encode())
    from .fileio import read_bytes

    content = root / "content"
    for p in sorted(content.rglob("*")):
        if not p.is_file() or (p.parent.name == "sources" and p.suffix == ".txt") or \
                (p.parent == content / "notes" and p.suffix == ".md"):
            continue
        rel = p.relative_to(root).as_posix()
        h.update(rel.encode() + b"\0" + read_bytes(p, rel) + b"\0")  # unreadable: an error naming it
    return h.hexdigest()


def _files(origins) -> set[str]:
    return {o.file for o in origins if o is not None}


def list_sources(corpus) -> dict[str, set[str]]:
    """Task list, report, livelihood list and progress table id -> the source files it was parsed from
    (every publication of a task list, and of the document carrying a task list or livelihood list)."""
    out: dict[str, set[str]] = {}
    for tl in corpus.tasklists.values():
        doc = corpus.documents.get(tl.document)
        out[tl.id] = _files(tl.origins) | (_files(doc.origins) if doc else set())
    for rep in corpus.reports.values():
        out[rep.id] = _files([rep.origin])
    for ll in corpus.livelihood.values():
        doc = corpus.documents.get(ll.document)
        out[ll.id] = _files(doc.origins) if doc else set()
    for t in corpus.progress.values():
        out[t.id] = _files([t.origin])
    return out


def _item_groups(corpus) -> tuple[dict[str, str], dict[str, set[str]]]:
    """item id -> group id, and group id -> the source files its pages are made from."""
    owner: dict[str, str] = {}
    sources: dict[str, set[str]] = {}
    for d in corpus.documents.values():
        owner[d.id] = d.id
        sources[d.id] = _files(d.origins)
    for g in corpus.gazettes.values():
        owner[g.id] = g.id
        sources[g.id] = _files([g.origin])
    for lists in (corpus.tasklists, corpus.reports, corpus.livelihood, corpus.progress):
        for x in lists.values():  # a structured list's pages show all its items
            for i in item_ids(x):
                owner[i] = x.id
    sources.update(list_sources(corpus))
    for u in corpus.units.values():
        owner[u.id] = "unit"
    # the department pages list every task and progress row with their lead units
    sources["unit"] = set().union(*(sources[i] for i in list(corpus.tasklists) + list(corpus.progress)))
    return owner, sources


@dataclass
class Fingerprints:
    group: dict  # group id -> fingerprint of its inputs (see the module's docstring)
    owner: dict  # item id -> the id of the group whose pages show it


def group_fingerprints(corpus, global_fp: str) -> Fingerprints:
    owner, sources = _item_groups(corpus)
    keys = corpus.source_keys

    def source_fp(gid: str | None) -> str:
        if gid is None:  # an end the corpus does not know (cannot happen after linking; kept safe)
            return "?"
        return ",".join(sorted(keys.get(f, f) for f in sources.get(gid, ())))

    src_fp = {gid: source_fp(gid) for gid in sources}
    hashers = {}
    for gid in sources:
        h = hashers[gid] = hashlib.sha256(global_fp.encode())
        h.update(gid.encode() + b"\0" + src_fp[gid].encode() + b"\0")
    # corpus.links is sorted (src, dst, kind), so each group sees its links in a fixed order
    for l in corpus.links:
        a, b = owner.get(l.src), owner.get(l.dst)
        if a not in hashers and b not in hashers:
            continue
        rec = f"{l.src}\0{l.dst}\0{l.kind}\0{l.score!r}\0{l.evidence!r}\0{l.rule}\0{l.origin}\0".encode()
        if a in hashers:
            hashers[a].update(rec + src_fp.get(b, "?").encode() + b"\n")
        if b in hashers and b != a:
            hashers[b].update(rec + src_fp.get(a, "?").encode() + b"\n")
    _add_notes(corpus, owner, hashers)
    out = {gid: h.hexdigest()[:32] for gid, h in hashers.items()}
    return Fingerprints(out, owner)


def _add_notes(corpus, owner: dict, hashers: dict) -> None:
    """Each note, as an item page shows it, into the groups of the items it is about (notes are rendered
    before the fingerprints are taken: their HTML is known). A note whose item has no group goes into all."""
    everywhere = []
    for n in corpus.notes:
        rec = "\0".join([n.id, n.lang, n.title, n.date, n.author, n.html, *n.refs]).encode() + b"\n"
        groups = {owner.get(r) for r in n.refs}
        if None in groups or not groups <= hashers.keys():
            everywhere.append(rec)
            continue
        for gid in sorted(groups):
            hashers[gid].update(b"note\0" + rec)
    if everywhere:
        for h in hashers.values():
            h.update(b"notes\0" + b"".join(everywhere))
