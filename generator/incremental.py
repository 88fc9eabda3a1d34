"""What an incremental build may keep, from the dependencies recorded while each group of pages was made.

Pages come in groups (``site.views.page_groups``): the pages of one document, gazette issue, task list, report,
livelihood list or progress table, the department pages, and single pages of the site. While a group is made its
reads of the corpus are recorded (``cache/deps.py``); this module says what each recorded read's fingerprint is
in the current corpus, and installs the recording containers on the corpus, the translators and the glossary.

* an item of the corpus (a document, an issue, a task list …): the sources it was parsed from (each by its parse
  key: its bytes and the readers' code) and their provenance; for task lists and progress tables also the lead
  units the register gave their items (the glossary decides those);
* a department: its names and level; the links or the notes of an item: every field of them (a note with its
  rendered HTML);
* a catalog entry (family ``catalog:<language>``): its Chinese, translation, hash and fuzzy mark; a glossary
  look-up: its answer now.

The global inputs (the generator's code, the theme, the configuration and any content file no recorded read
covers) are in every fingerprint. A group whose fingerprint is the one recorded by the previous build is not
made again: its pages, their sitemap and feed entries and its translation lookups are taken from the manifest.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from . import kinds
from .paths import Paths
from .cache import code_fingerprint
from .fileio import read_bytes
from .cache.deps import (ALL, Fingerprints, IterRecordingDict, KeyedFamily, RecordingDict, RecordingList,
                         RecordingProxy, _digest, call_family, RECORDER)
from .i18n.catalog import key_scope, source_hash

# content files whose every read is recorded (per item, entry or name); any other file under content/ is a
# global input
RECORDED_CONTENT = (("sources", ".txt"), ("notes", ".md"), ("notes", ".markdown"), ("translations", ".po"),
                    ("glossary", ".yaml"))  # extensions in any case, as the loaders read them (content.py)


def global_fingerprint(root: Path, theme_key: str, glossary=None) -> str:
    """The code, the theme and every content file that no recorded read covers (site.yaml, links.yaml …), and
    the names written with tone numbers in addresses (documents' numbers, departments read alike without
    tones): when they change, so does every link to those pages."""
    from .i18n.romanize import tell_apart_words

    root = Path(root)
    h = hashlib.sha256((code_fingerprint() + theme_key).encode())
    h.update(repr(tell_apart_words()).encode())
    if glossary is not None:
        h.update(repr(sorted(glossary.unit_slugs_told_apart().items())).encode())
    content = Paths(root).content
    for p in sorted(content.rglob("*")):
        rel = p.relative_to(content)
        if not p.is_file() or (len(rel.parts) > 1 and (rel.parts[0], p.suffix.lower()) in RECORDED_CONTENT):
            continue
        if rel.as_posix() in ("links.yaml", "sources/provenance.yaml"):
            continue  # the links (after the overrides) and each source's provenance are recorded per item
        name = p.relative_to(root).as_posix()
        h.update(name.encode() + b"\0" + read_bytes(p, name) + b"\0")  # unreadable: an error naming it
    return h.hexdigest()


def catalog_family(lang: str) -> str:
    """The dependency family of one language's catalog entries."""
    return f"catalog:{lang}"


def install_recording(corpus, translators: dict, glossary):
    """From here on, reads of the corpus, catalog entries and glossary names are recorded while a group is
    being made. Call once the corpus is loaded and linked, before the page views are made; the page views get
    the glossary this returns (a recording stand-in)."""
    for family in kinds.families():
        setattr(corpus, family, RecordingDict(family, getattr(corpus, family)))
    corpus.notes = RecordingList("note", corpus.notes)  # a list of every note reads them all
    for lang, translator in translators.items():
        translator.entries = IterRecordingDict(catalog_family(lang), translator.entries)

        def recorded_get(key, zh, family="other", _get=translator.get, _family=catalog_family(lang)):
            # what a look-up returns depends on the entry at the key and on the entries of its scope that hold
            # the same Chinese (lookups are text-aware, see i18n/catalog.py)
            RECORDER.note(_family, (key, source_hash(zh)))
            return _get(key, zh, family)

        translator.get = recorded_get
    return RecordingProxy(glossary, "glossary")


def _catalog_fingerprints(translator) -> KeyedFamily:
    """The fingerprints of one language's recorded catalog look-ups. Their index over every entry is made
    when the first one is asked for (a build whose catalogs did not change may ask for none)."""
    entries = dict(dict.items(translator.entries))
    by_hash: dict = {}
    alone: set = set()  # entries no other of their scope shares Chinese with

    def index() -> None:
        if by_hash or not entries:
            return
        scopes: dict = {}  # one str for each scope, not one for each entry
        for k, e in entries.items():
            scope = key_scope(k)
            by_hash.setdefault((scopes.setdefault(scope, scope), e.zh_hash()), []).append(k)
        alone.update(ks[0] for ks in by_hash.values() if len(ks) == 1)

    def entry(e):  # what a page can show of an entry (not where it is in its file)
        return None if e is None else e.fingerprint()

    def catalog_fp(key) -> str:
        index()
        k, h = key
        e = entries.get(k)
        if e is not None and k in alone and e.zh_hash() == h:  # the usual case: the entry alone holds its Chinese
            return e.fingerprint()  # (a digest itself: hundreds of thousands of reads need no second one)
        return _digest(entry(e), [(o, entry(entries[o])) for o in by_hash.get((key_scope(k), h), ())])

    return KeyedFamily(catalog_fp, lambda: [], lambda: _digest(sorted((k, entry(e)) for k, e in entries.items())))


def fingerprints(corpus, translators: dict, glossary, views, global_fp: str,
                 previous: dict | None = None) -> Fingerprints:
    """The fingerprint of every kind of recorded read, in the current corpus. ``previous``: what the last
    build recorded (``record_fingerprints``): the fingerprints of a language's catalog look-ups are taken from it
    when that language's catalog files are the ones it read."""
    provenance = {s.path: s.provenance for s in corpus.sources}
    source_fp = {}

    def src(files) -> list:
        out = []
        for f in sorted(files):
            fp = source_fp.get(f)
            if fp is None:
                fp = source_fp[f] = corpus.source_keys.get(f, "?") + _digest(sorted(provenance.get(f, {}).items()))
            out.append(fp)
        return out

    def item(family):
        """An item: the sources it was read from, and what the build added to it (``Kind.derived``)."""
        data = getattr(corpus, family)
        kind = kinds.of_family(family)

        def fp(key) -> str:
            x = dict.get(data, key)
            if x is None:
                return "absent"
            return _digest(src(kind.source_files(corpus, x)), kind.derived(x))

        return KeyedFamily(fp, lambda: list(dict.keys(data)))

    def links_fp(key) -> str:
        return _digest([(l.src, l.dst, l.kind, l.score, l.evidence, l.rule, l.origin, d)
                        for l, d in dict.get(views.links_by_item, key, [])])

    def notes_fp(key) -> str:
        return _digest([(n.id, n.lang, n.title, n.date, n.author, n.html, n.refs, n.tags)
                        for n in dict.get(views.notes_by_item, key, [])])

    def citations_fp(key) -> str:
        return _digest([(r.key, r.line, r.text, r.target, r.provision, r.resolved)
                        for r in dict.get(views.citations_by_doc, key, [])])

    def note_fp(key) -> str:
        n = dict.get(views.notes_by_id, key)
        return "absent" if n is None else _digest(n.id, n.lang, n.title, n.date, n.author, n.html, n.refs, n.tags)

    families = {
        **{family: item(family) for family in kinds.families()},
        "links": KeyedFamily(links_fp, lambda: list(dict.keys(views.links_by_item))),
        "notes": KeyedFamily(notes_fp, lambda: list(dict.keys(views.notes_by_item))),
        "note": KeyedFamily(note_fp, lambda: list(dict.keys(views.notes_by_id))),
        "citations": KeyedFamily(citations_fp, lambda: list(dict.keys(views.citations_by_doc))),
        **{catalog_family(lang): _catalog_fingerprints(tr) for lang, tr in translators.items()},
        "glossary": call_family(glossary),
    }
    same_catalogs = (previous or {}).get("catalogs", {})
    trusted = [catalog_family(lang) for lang, tr in translators.items()
               if tr.source_digest and same_catalogs.get(lang) == tr.source_digest]
    return Fingerprints(families, global_fp, previous, trusted)


def record_fingerprints(fps: Fingerprints, translators: dict) -> dict:
    """What the manifest keeps for the next build's ``fingerprints(previous=...)``, besides the fingerprint of
    each dependency of its groups (kept with the groups: build._manifest_bytes): the global inputs' fingerprint
    and what each language's catalog look-ups were read from."""
    return {"global": fps.global_fp, "catalogs": {lang: tr.source_digest for lang, tr in translators.items()}}


def kept_groups(old: dict, fps: Fingerprints) -> dict:
    """(share, group id) or group id -> fingerprint, for the recorded groups of the previous build whose
    dependencies still have the fingerprints they had: their pages (or records) may be kept. With the previous
    build's fingerprint of each dependency (``Fingerprints.changed``), a group is kept when none of its
    dependencies changed, without making its fingerprint again."""
    out = {}
    changed = fps.changed()
    known = fps.previous
    for gk, g in old.items():
        if g is None or g.get("fp") is None or g.get("deps") is None:
            continue
        deps = g["deps"]
        if changed is not None and all(map(known.__contains__, deps)):
            if changed.isdisjoint(deps):
                out[gk] = g["fp"]
        elif fps.group(deps) == g["fp"]:
            out[gk] = g["fp"]
    return out


__all__ = ["ALL", "global_fingerprint", "install_recording", "fingerprints", "record_fingerprints", "kept_groups"]
