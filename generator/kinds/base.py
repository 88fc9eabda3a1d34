"""What a kind of document is to the generator: the interface every module of ``kinds/`` implements.

A kind says how to recognise its text, how to read it into the model, which ids it owns, and how its items are
titled, cited and published (the page groups it adds to the site, the records it adds to the data API). The
loader (``sources/``) and the site (``site/``) ask the registry (``kinds/__init__.py``) and never test a kind's
name. The page-making methods receive the site's view context (``site.pages.Views``) as ``v`` and use only
its methods: a kind module imports nothing from ``site/``, so the layers stay one-directional.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Reading:
    """What reading one source gave: documents (each with the task list it carries, or None), other items by
    corpus family (``gazettes``, ``reports``, ``livelihood``, ``progress``), and every block of running text
    (for the no-loss check)."""

    documents: list = field(default_factory=list)  # [(Document, TaskList | None)]
    items: dict = field(default_factory=dict)  # family -> [item]
    blocks: list = field(default_factory=list)


@dataclass
class ReadContext:
    """What readers may need besides the text: the district names of the glossary (progress tables) and the
    script converter of a Traditional-script source."""

    districts: dict = field(default_factory=dict)
    convert: object = None  # Traditional -> Simplified, or None
    read_document: object = None  # the registry's read_document: a gazette issue reads each of its documents
    read_attachment: object = None  # the registry's read_attachment: a circular's attachment of another kind


class Kind:
    """A kind of source text or document. Subclasses set the class attributes and override what applies."""

    name = ""  # the registry key, also Source.kind of the files it reads (gazette, report, decree …)
    schemes: tuple = ()  # id schemes it owns (ids.py): ("task", "tasklist")
    family = ""  # the corpus attribute holding its items: documents, gazettes, tasklists …
    label = ""  # what the kind is called in errors and the ingest report (English)
    expected = ""  # how a text of this kind starts, for the "unknown document kind" error

    # ------------------------------------------------------------------ reading
    def detect(self, text: str) -> bool:
        """Whether a whole file is a text of this kind (the registry asks the kinds in order)."""
        return False

    def read(self, src, rep, ctx: ReadContext) -> Reading:
        raise NotImplementedError

    def item_ids(self, item) -> list[str]:
        """The id of an item of this kind and of every part of it that has an id of its own."""
        return [item.id]

    def source_files(self, corpus, item) -> set[str]:
        """The source files an item of this kind was read from."""
        return {o.file for o in getattr(item, "origins", []) or [getattr(item, "origin", None)] if o is not None}

    def derived(self, item):
        """What the build adds to an item after reading it (the lead units the register assigns), which its
        pages show: part of its fingerprint (``incremental.py``), with its sources."""
        return None

    def file_name(self, corpus, src) -> str:
        """The name ``ingest`` files a source of this kind under."""
        raise NotImplementedError

    # ------------------------------------------------------------------ publishing (v: site.pages.Views)
    def title(self, v, item_id: str, lang: str) -> str | None:
        """The title of an item (or of a part of it) this kind owns, in ``lang``; None if there is no such item."""
        return None

    def citation(self, v, item_id: str, lang: str) -> str | None:
        """The citation line of a page of this kind: document number, date, issuer, and where in it."""
        return None

    def page_groups(self, v, lang: str):
        """(group id, function making the group's pages) for every item of this kind."""
        return ()


class DocumentKind(Kind):
    """A kind of document (corpus.documents): read on its own from a file, or as one document of a gazette
    issue. ``detect_document`` looks at the document's first paragraphs; ``read_document`` reads it."""

    family = "documents"

    def detect_document(self, paras, texts) -> bool:
        return False

    def read_document(self, paras, path: str, rep, ctx: ReadContext, *, title_hint: str | None = None):
        """(Document, TaskList | None) of one document's paragraphs."""
        raise NotImplementedError

    def number_en(self, doc) -> str:
        """The document's number as English pages print it."""
        return ""
