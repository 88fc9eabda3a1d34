"""The kinds of documents the site reads, one module each, and the registry the loader and the site ask.

Adding a kind: write a module here with a ``Kind`` (or ``DocumentKind``) subclass (see ``base.py``: detection,
reading, ids, titles, citation line, page groups) and an instance ``KIND``, list the module in ``MODULES`` in
the order its detection should be tried, and add a template under ``themes/<theme>/templates/`` if its pages
need one. Nothing else names kinds: the loader and the site go through the functions below.

``MODULES`` order matters: the most specific detection first (a gazette issue contains circulars; a task-list
circular is a circular; a decree contains rules).
"""
from __future__ import annotations

import dataclasses

from functools import lru_cache
from importlib import import_module

from ..normalize import normalize_text
from .base import DocumentKind, Kind, ReadContext, Reading

MODULES = ("gazette", "report", "progress", "livelihood", "tasklist", "decree", "announcement", "rules", "reply",
           "appointment", "decision", "circular", "units")

KINDS: list[Kind] = [import_module(f"{__name__}.{m}").KIND for m in MODULES]
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
BY_SCHEME: dict[str, Kind] = {s: k for k in KINDS for s in k.schemes}
DOCUMENT_KINDS: list[DocumentKind] = [k for k in KINDS if isinstance(k, DocumentKind)]


def detect(text: str) -> Kind | None:
    """The kind of a whole source file, from what its text says."""
    return next((k for k in KINDS if k.detect(text)), None)


def document_kind(paras, convert=None) -> DocumentKind | None:
    """The kind of one document (a gazette issue's, or one of several in a file), from its first paragraphs."""
    texts = [(convert or (lambda s: s))(normalize_text(p.text)) for p in paras[:40]]
    return next((k for k in DOCUMENT_KINDS if k.detect_document(paras, texts)), None)


def read_document(paras, path: str, rep, ctx: ReadContext, *, title_hint: str | None = None, hint=None):
    """(Document, TaskList | None) of one document's paragraphs, read by the kind it is (``hint``: the kind the
    gazette's table of contents names, tried first)."""
    kind = hint if hint is not None else document_kind(paras, ctx.convert)
    if kind is None:
        kind = BY_NAME["circular"]  # it reports what a document must have
    return kind.read_document(paras, path, rep, ctx, title_hint=title_hint)


def read_attachment(doc, attachment, path: str, rep, convert=None):
    """A circular's attachment read by the kind it is (a task list), or None when no kind claims it. With
    ``convert`` (a Traditional-script source) the kinds see it in Simplified, as the circular's reader does,
    converted once: the kind that claims it is handed the converted paragraphs too."""
    seen = [dataclasses.replace(p, text=convert(p.text)) for p in attachment] if convert else attachment
    for k in KINDS:
        detect = getattr(k, "detect_attachment", None)
        if detect is not None and detect(seen):
            return k.read_attachment(doc, attachment, path, rep, convert=convert, seen=seen)
    return None


def context(districts=None, convert=None) -> ReadContext:
    """What a reader is given: the registry's own dispatch for the documents and attachments it contains."""
    return ReadContext(districts or {}, convert, read_document, read_attachment)


def kind_of(doc) -> DocumentKind:
    """The kind that publishes a document: the owner of its id scheme, or, for a numbered document, the
    structure its genre was read with (a reply, an appointment, a decision)."""
    from ..ids import scheme

    owner = BY_SCHEME.get(scheme(doc.id))
    genre = BY_NAME.get(doc.kind)
    if genre is not None and genre is not owner and isinstance(genre, type(owner)):
        return genre
    return owner


@lru_cache(maxsize=1024)  # asked for each block of a document's running text, with the document's id
def for_id(item_id: str) -> Kind | None:
    """The kind that owns an id (its scheme)."""
    from ..ids import scheme

    return BY_SCHEME.get(scheme(item_id))


def of_family(family: str) -> Kind:
    """The kind whose items a corpus family holds (documents: the numbered documents' kind)."""
    return next(k for k in KINDS if k.family == family)


def all_item_ids(corpus) -> set[str]:
    """Every id the corpus knows: each item of each family and every part of it with an id of its own."""
    ids: set[str] = set()
    for family in families():
        kind = of_family(family)
        for item in dict.values(getattr(corpus, family)):
            ids.update(kind.item_ids(item))
    return ids


def structured_sources(corpus) -> dict[str, set[str]]:
    """Item id -> the source files it was read from, for the structured lists the link rules read (task lists,
    reports, livelihood lists, progress tables): every family but documents, gazette issues and units."""
    out: dict[str, set[str]] = {}
    for family in families():
        kind = of_family(family)
        if family in ("documents", "gazettes", "units"):
            continue
        for item in dict.values(getattr(corpus, family)):
            out[item.id] = kind.source_files(corpus, item)
    return out


def by_name(name: str) -> Kind:
    return BY_NAME[name]


def families() -> list[str]:
    """The corpus families that hold items, in registry order, each once."""
    return list(dict.fromkeys(k.family for k in KINDS if k.family))


def expected_text() -> str:
    """What the "unknown document kind" error says a source may be."""
    return "one of: " + ", ".join(k.expected for k in KINDS if k.expected)


__all__ = ["Kind", "DocumentKind", "Reading", "ReadContext", "KINDS", "DOCUMENT_KINDS", "detect", "document_kind",
           "read_document", "read_attachment", "context", "kind_of", "for_id", "by_name", "of_family", "families",
           "all_item_ids", "structured_sources", "expected_text"]
