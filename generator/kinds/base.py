"""What a kind of document is to the generator: the interface every module of ``kinds/`` implements.

A kind says how to recognise its text, how to read it into the model, which ids it owns, and how its items are
titled, cited and published (the page groups it adds to the site, the records it adds to the data API). The
loader (``sources/``) and the site (``site/``) ask the registry (``kinds/__init__.py``) and never test a kind's
name. The page-making methods receive the site's view context (``site.pages.ViewContext``) as ``v`` and use only
its methods: a kind module imports nothing from ``site/``, so the layers stay one-directional.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import ids


def opening_paragraphs(text: str, lines: int) -> list:
    """The paragraphs of a file's first ``lines`` lines (wrapped lines joined): what detection looks at."""
    from ..normalize import unwrap

    head = text.split("\n")[:lines]
    return unwrap(head, 0, len(head))[0]


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
    catalog = "documents"  # the translation catalog family of its running text (content/translations/en/)
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

    # ------------------------------------------------------------------ publishing (v: site.pages.ViewContext)
    def title(self, v, item_id: str, lang: str) -> str | None:
        """The title of an item (or of a part of it) this kind owns, in ``lang``; None if there is no such item."""
        return None

    def citation(self, v, item_id: str, lang: str) -> str | None:
        """The citation line of a page of this kind: document number, date, issuer, and where in it."""
        return None

    def page_groups(self, v, lang: str):
        """(group id, function making the group's pages) for every item of this kind."""
        return ()


# ---------------------------------------------------------------------------------------------- publishing
# The methods below receive the site's view context ``v`` (site.pages.ViewContext): the corpus (v.corpus), the
# translator, the glossary, the theme's strings (v.ui), and the builders of the shared page types
# (v.build: a document's page, its side-by-side view, an article's page). They never import site code.

def _doc_and_rest(v, item_id: str):
    """The document an id or page id belongs to, and what follows its path (["parallel", "2"],
    ["article", "3"]), and the provision anchor: (document, rest, anchor) or (None, [], "")."""
    from ..ids import anchor, parse, without_anchor

    base, frag = without_anchor(item_id), anchor(item_id)
    d = v.corpus.documents.get(base)
    if d is not None:
        return d, [], frag
    i = parse(base)
    if i.scheme == "doc":  # doc/<slug>/…: a page of a numbered document
        d = v.doc_by_slug.get(i.parts[0]) if i.parts else None
        return (d, list(i.parts[1:]), frag) if d is not None else (None, [], "")
    for n in range(len(i.parts) - 1, 0, -1):  # decree/334/article/3: the longest prefix that is a document
        d = v.corpus.documents.get(str(type(i)(i.scheme, i.parts[:n])))
        if d is not None:
            return d, list(i.parts[n:]), frag
    return None, [], ""


def cite_parts(ui: dict, *parts: str) -> str:
    """The parts of a citation line that are there (the item, then where in it), joined by the theme's
    ``part_sep``."""
    return ui["part_sep"].join(p for p in parts if p)


def group_title(v, doc, p, lang: str) -> str:
    """The name of a group heading (——支持条件：…, a heading without a number) in ``lang``: 支持条件, and in a
    translation the words its English puts before the colon (Conditions for support); the Chinese where the
    paragraph is not translated."""
    if lang != v.authoritative and p.block_keys:
        b = next((b for b in doc.blocks if b.key == p.block_keys[0]), None)
        s = v.block(b, doc.id, lang) if b is not None else None
        if s and s.get("status") == "ok" and s.get("lang") == lang:
            # before the colon; a translation without one: its first clause; a long one cut at a word
            head = re.split(r"[:：]|[,;.，；。](?:\s|$)", s["text"].lstrip("—–-— \t"), maxsplit=1)[0].strip()
            if len(head) > GROUP_LABEL:
                head = head[:GROUP_LABEL].rsplit(" ", 1)[0].rstrip(" ,;") + v.ui[lang]["ellipsis"]
            if head:
                return head
    return p.title


GROUP_LABEL = 60  # characters of a translated group heading's label at most


def provision_label(v, doc, p, lang: str) -> str:
    """A provision's label in ``lang``: as printed in the authoritative text (第三条, （二）; a paragraph 第二款 by
    rule), by rule in every other language, with the formats of its theme strings (Article 3, Item (2)). A
    group heading, which is printed with a dash and no number, is named by its words (``group_title``)."""
    from .structure import label_en
    from .text import cn_numeral

    if p.kind == "heading" and not p.level:
        return group_title(v, doc, p, lang)
    if lang == v.authoritative:
        if p.label:
            return p.label
        fmt = v.ui[lang]["provisions"].get(p.kind, "")
        return fmt.format(cn=cn_numeral(int(p.number)) if p.number.isdigit() else p.number) if fmt else p.title
    return label_en(p, v.ui[lang]["provisions"]) or p.title


class DocumentKindPages:
    """Titles, citation lines and page groups of documents (mixed into DocumentKind)."""

    def documents_of(self, v) -> list[str]:
        """Ids of the documents this kind publishes, newest first (the order of the site's lists)."""
        from . import kind_of

        docs = [d for d in dict.values(v.corpus.documents) if kind_of(d) is self]
        return [d.id for d in sorted(docs, key=lambda d: (d.date, d.number), reverse=True)]

    def doc_title(self, v, d, lang: str) -> str:
        from ..cache.store import first_title

        if lang == v.authoritative:
            return d.title
        if v.translated(lang) and d.title_en:  # the gazette's own English title
            return d.title_en
        tb = first_title(d)  # else the catalogs' translation of the title block
        if tb is not None and tb[1] == d.title:
            s = v.name_in(ids.with_anchor(d.id, tb[0]), tb[1], lang, "documents")
            if s:
                return s
        return (self.number_en(d, v) if v.translated(lang) else "") or d.title

    def title(self, v, item_id: str, lang: str) -> str | None:
        from .structure import article_anchor, find

        d, rest, frag = _doc_and_rest(v, item_id)
        if d is None:
            return None
        head = self.doc_title(v, d, lang)
        if rest[:1] == ["article"] and len(rest) > 1:
            frag = article_anchor(d.provisions, rest[1])
        if frag:
            p = find(d.provisions, frag)
            if p is not None:
                return provision_label(v, d, p, lang)
        return head

    def number_en(self, d, v=None) -> str:
        return ""

    def number_in_title(self, d) -> bool:
        """Whether the document's title (``doc_title``) carries its number (an announcement titled by it), so that
        its citation line does not repeat the number after the title."""
        return False

    def citation(self, v, item_id: str, lang: str) -> str | None:
        """The document as it is cited: its title and number (or citation form), its date, and its issuer
        where the title does not begin with it; then where in it (an article, a part)."""
        from .structure import article_anchor, find

        d, rest, frag = _doc_and_rest(v, item_id)
        if d is None:
            return None
        ui = v.ui[lang]
        sep = ui["list_sep"]
        number, title = v.doc_number(d, lang), self.doc_title(v, d, lang)
        if lang != v.authoritative and (title == number or title == d.title and number):
            title = ""  # no title in the page's language: cited by number, date and issuer as before
        names = [v.issuer_name(i, lang) for i in d.issuers]
        issuer = ui["issuers_sep"].join(names)
        if title and d.issuers and d.title.startswith(tuple(d.issuers)):
            issuer = ""  # the title names it already (a translation of the title too)
        elif title and d.title.startswith("关于") and names:
            if lang == v.authoritative:  # 关于印发…的通知 is titled in full with its issuers before it
                title, issuer = ui["issuers_sep"].join(names) + title, ""
            elif names[0] in title:  # the gazette's English title names them
                issuer = ""
        head = ui["cite_title"].format(title=title, number=number) \
            if number and title and title != number and not self.number_in_title(d) else title or number
        out = sep.join(x for x in (head, v.date(d.date, lang), issuer) if x)
        where = []
        if rest[:1] == ["parallel"]:
            where.append(ui["side_by_side"])
        if rest[:1] == ["article"] and len(rest) > 1:
            frag = article_anchor(d.provisions, rest[1])
        if frag:
            p = find(d.provisions, frag)
            if p is not None:
                where.append(provision_label(v, d, p, lang))
        return cite_parts(ui, out, sep.join(where))

    def page_context(self, v, d, lang: str) -> dict:
        """What this kind's document pages show besides the text (a decree's promulgation, a rule's history)."""
        return {}

    def page_groups(self, v, lang: str):
        for did in self.documents_of(v):
            yield did, (lambda did=did: v.build.document_pages(v.corpus.documents[did], lang, self))


class DocumentKind(DocumentKindPages, Kind):
    """A kind of document (corpus.documents): read on its own from a file, or as one document of a gazette
    issue. ``detect_document`` looks at the document's first paragraphs; ``read_document`` reads it."""

    family = "documents"

    def detect_document(self, paras, texts) -> bool:
        return False

    def read_document(self, paras, path: str, rep, ctx: ReadContext, *, title_hint: str | None = None):
        """(Document, TaskList | None) of one document's paragraphs."""
        raise NotImplementedError

    def citation_keys(self, doc) -> list[str]:
        """The keys a citation of this document resolves to (kinds/citations.py): its id, and the other forms
        it is cited by."""
        return [doc.id]


def read_single(kind: DocumentKind, src, rep, ctx) -> Reading:
    """A file holding one document of ``kind``: its paragraphs (PDF lines joined back) read by the kind."""
    from ..normalize import unwrap
    from .tables import join_rows

    lines = src.text.split("\n")
    paras, artefacts = unwrap(lines, 0, len(lines))
    src.artefacts.extend(artefacts)
    paras = join_rows(paras, src.path, rep)
    if not paras:
        return Reading()
    doc, tl = kind.read_document(paras, src.path, rep, ctx)
    doc.original_script = "traditional" if src.traditional else "simplified"
    return Reading(documents=[(doc, tl)], blocks=list(doc.blocks))


