"""The content model every stage speaks: plain dataclasses, no behaviour
beyond small derived properties. Readers fill it, the linker adds Links,
the site stage turns it into pages. Chinese is the authoritative text; English
is attached later by the i18n stage and never replaces it.

Ids are stable and double as URL paths: ``task/2026/20`` is served at
``/zh/task/2026/20/`` and ``/en/task/2026/20/``. Documents use
``doc:<document number>`` as id and the romanised number as URL slug.
"""
from __future__ import annotations

import pickle

from dataclasses import dataclass, field


class BlobRef:
    """Bytes kept in a file (``path``, ``offset``, ``length``), read when asked for."""

    __slots__ = ("path", "offset", "length")

    def __init__(self, path: str, offset: int, length: int):
        self.path, self.offset, self.length = path, offset, length

    def read(self) -> bytes:
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            data = fh.read(self.length)
        if len(data) != self.length:
            raise OSError(f"{self.path}: cut short (a parse-cache entry changed while in use)")
        return data


@dataclass
class Origin:
    """Where a piece of text comes from: a source file and its lines."""

    file: str
    line: int
    end_line: int | None = None

    def to_dict(self):
        return {"file": self.file, "line": self.line, "end_line": self.end_line or self.line}


@dataclass
class Block:
    """A unit of running text on a full-document page, in source order."""

    kind: str  # title | number | addressee | para | heading | signature | date | table | footnote | note | meta
    text: str  # normalised Chinese text (tables: rows joined by newlines, cells by tabs)
    line: int
    key: str = ""  # translation key, unique within the document
    level: int = 0  # heading level
    anchor: str = ""  # id of an entity this block renders (task/2026/3 …), for links
    rows: list[list[str]] | None = None
    original: str = ""  # text as written before script conversion (Traditional sources)
    only_in: str = ""  # set when this block is found in only one of several publications (file name)


@dataclass
class Source:
    path: str  # relative to the project root, e.g. content/sources/2026-gazette-12.txt
    kind: str  # gazette | circular | tasklist | report | livelihood | progress
    text: str
    provenance: dict = field(default_factory=dict)
    artefacts: list = field(default_factory=list)  # normalize.Artefact
    traditional: bool | None = None  # None until the text is parsed
    digest: str = ""  # sha256 of the file's bytes

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class TocEntry:
    category_zh: str
    category_en: str
    title_zh: str
    title_en: str
    number_zh: str
    number_en: str  # as printed in the English TOC
    page: int
    line: int


@dataclass
class Document:
    id: str  # doc:京政发〔2026〕1号
    number: str  # 京政发〔2026〕1号
    slug: str  # jingzhengfa-2026-1
    year: int
    title: str
    title_en: str = ""
    kind: str = "circular"  # circular | announcement | notice
    issuers: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    date: str = ""  # ISO signature date
    blocks: list[Block] = field(default_factory=list)
    category: str = ""
    category_en: str = ""
    gazette: str = ""  # gazette issue id, if published in one
    page: int | None = None
    origins: list[Origin] = field(default_factory=list)
    attachment_title: str = ""
    meta: dict = field(default_factory=dict)  # footer metadata (livelihood notices)
    original_script: str = "simplified"  # or traditional
    contains: str = ""  # id of a structured list inside: tasklist/2026, livelihood/2026

    @property
    def url_path(self) -> str:
        return f"doc/{self.slug}"

    # A pickled document (the parse cache) keeps its blocks as one pickled blob, unpickled when they are
    # first used: an incremental build reads every cached source but needs the running text of only the
    # documents whose pages it makes. Its first title block, which the English title falls back on, is
    # kept beside the blob.
    # (The parse cache goes further: it stores the blobs in a file beside the entry, and a loaded
    # document holds a BlobRef to its bytes there; see sources.load_corpus.)
    def __getstate__(self):
        state = dict(self.__dict__)
        if "blocks" in state:
            blocks = state.pop("blocks")
            state["_blocks_blob"] = pickle.dumps(blocks, protocol=5)
            tb = next((b for b in blocks if b.kind == "title"), None)
            state["_first_title"] = (tb.key, tb.text) if tb is not None else None
        elif isinstance(state.get("_blocks_blob"), BlobRef):
            state["_blocks_blob"] = state["_blocks_blob"].read()
        return state

    def __getattr__(self, name):  # only called for attributes not set: the blocks of a pickled document
        if name == "blocks" and "_blocks_blob" in self.__dict__:
            blocks = self.blocks_once()
            self.blocks = blocks  # the blob stays: release_blocks() can let them go again
            return blocks
        raise AttributeError(name)

    def release_blocks(self) -> None:
        """Let go of blocks that were unpickled from the blob and can be again: a page worker, once it has
        made a document's pages, so that it does not end up holding the whole archive's text."""
        if "_blocks_blob" in self.__dict__:
            self.__dict__.pop("blocks", None)

    def blocks_once(self) -> list:
        """The blocks, without keeping them unpickled when they were not (for a pass over every document,
        such as the data API's, that should not hold the whole archive's text at once)."""
        blob = self.__dict__.get("_blocks_blob")
        if blob is None:
            return self.blocks
        return pickle.loads(blob.read() if isinstance(blob, BlobRef) else blob)

    def first_title(self) -> tuple[str, str] | None:
        """(key, text) of the first title block, without unpickling the blocks."""
        if "_blocks_blob" in self.__dict__:
            return self.__dict__["_first_title"]
        tb = next((b for b in self.blocks if b.kind == "title"), None)
        return (tb.key, tb.text) if tb is not None else None


@dataclass
class GazetteIssue:
    id: str  # gazette/2026/12
    year: int
    number: int
    total_number: int
    date: str
    sponsor: str
    toc: list[TocEntry] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # document ids in order
    front: list[Block] = field(default_factory=list)  # cover and TOC text
    back: list[Block] = field(default_factory=list)  # back matter
    origin: Origin | None = None


@dataclass
class Task:
    id: str  # task/2026/20
    year: int
    number: int
    text: str
    units_raw: list[str]
    section: int
    subsection: int
    units: list[str] = field(default_factory=list)  # unit ids, filled by the register
    origins: list[Origin] = field(default_factory=list)


@dataclass
class Subsection:
    id: str  # tasklist/2026/1.2
    section: int
    number: int
    title: str
    tasks: list[int] = field(default_factory=list)
    line: int = 0


@dataclass
class Section:
    id: str  # tasklist/2026/1
    number: int
    title: str
    subsections: list[Subsection] = field(default_factory=list)
    line: int = 0


@dataclass
class TaskList:
    id: str  # tasklist/2026
    year: int
    title: str
    document: str  # doc id
    sections: list[Section] = field(default_factory=list)
    tasks: dict[int, Task] = field(default_factory=dict)
    origins: list[Origin] = field(default_factory=list)  # every source that carries (part of) it


@dataclass
class Topic:
    id: str  # report/2026/3.1.2
    lead: str  # 充分发挥规划统筹引领作用
    text: str  # whole paragraph
    line: int


@dataclass
class ReportSection:
    id: str  # report/2026/3.1 (or report/2026/3.11 for the closing part)
    number: str  # "3.1"
    title: str
    paragraphs: list[Block] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    line: int = 0
    closing: bool = False


@dataclass
class ReportPart:
    id: str  # report/2026/3
    number: int
    title: str
    paragraphs: list[Block] = field(default_factory=list)  # paragraphs before the first section
    sections: list[ReportSection] = field(default_factory=list)
    line: int = 0


@dataclass
class Target:
    indicator: str
    value: str
    text: str


@dataclass
class Report:
    id: str  # report/2026
    year: int
    title: str
    subtitle: str
    speaker: str
    date: str
    front: list[Block] = field(default_factory=list)
    parts: list[ReportPart] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    epilogue: list[Block] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)  # everything, in source order
    origin: Origin | None = None


@dataclass
class SubItem:
    id: str  # livelihood/2026/7.3
    number: str
    text: str
    original: str  # as written (Traditional)


@dataclass
class Project:
    id: str  # livelihood/2026/7
    year: int
    number: int
    name: str  # 出行便利
    text: str  # Simplified
    original: str  # as written
    items: list[SubItem] = field(default_factory=list)
    line: int = 0


@dataclass
class LivelihoodList:
    id: str  # livelihood/2026
    year: int
    title: str
    document: str
    projects: list[Project] = field(default_factory=list)


@dataclass
class Quantity:
    value: float
    unit: str
    text: str  # as written, e.g. 4000套
    context: str  # words before the figure


@dataclass
class ProgressRow:
    id: str  # progress/2025/daxing/4
    year: int
    district: str  # slug
    number: int
    source: str
    task: str
    units_raw: list[str]
    deadline: str  # ISO date
    deadline_text: str
    status: str
    progress: str
    units: list[str] = field(default_factory=list)
    targets: list[Quantity] = field(default_factory=list)
    reported: list[Quantity] = field(default_factory=list)
    pairs: list[tuple] = field(default_factory=list)  # (target, reported) matched
    line: int = 0


@dataclass
class ProgressTable:
    id: str  # progress/2025/daxing
    year: int
    district: str  # slug
    district_zh: str
    title: str
    headers: list[str]
    rows: list[ProgressRow] = field(default_factory=list)
    origin: Origin | None = None


@dataclass
class Unit:
    id: str  # unit/<slug>
    slug: str
    zh: str
    en: str
    level: str  # city | district | central | collective
    district: str = ""
    aliases: list[str] = field(default_factory=list)


@dataclass
class Link:
    src: str
    dst: str
    kind: str  # details | implements | related | led-by
    score: float
    evidence: list[str]
    rule: str
    origin: str = "rule"  # rule | override


@dataclass
class Note:
    id: str  # note/<slug>
    slug: str
    title: str
    lang: str
    date: str
    author: str
    refs: list[str]
    tags: list[str]
    body_md: str
    path: str
    translation_key: str = ""
    html: str = ""


@dataclass
class Corpus:
    """Everything read from content/, before and after linking."""

    root: str
    sources: list[Source] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)
    gazettes: dict[str, GazetteIssue] = field(default_factory=dict)
    tasklists: dict[str, TaskList] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    livelihood: dict[str, LivelihoodList] = field(default_factory=dict)
    progress: dict[str, ProgressTable] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    warnings: list = field(default_factory=list)
    source_keys: dict = field(default_factory=dict)  # source path -> its parse key (text and readers' code)


def item_ids(x) -> list[str]:
    """The id of a task list, report, livelihood list or progress table and of every item in it
    (sections, subsections, tasks; parts, sections, topics; projects, sub-items; rows)."""
    ids = [x.id]
    if isinstance(x, TaskList):
        for sec in x.sections:
            ids.append(sec.id)
            ids.extend(sub.id for sub in sec.subsections)
        ids.extend(t.id for t in x.tasks.values())
    elif isinstance(x, Report):
        for part in x.parts:
            ids.append(part.id)
            for sec in part.sections:
                ids.append(sec.id)
                ids.extend(t.id for t in sec.topics)
    elif isinstance(x, LivelihoodList):
        for p in x.projects:
            ids.append(p.id)
            ids.extend(it.id for it in p.items)
    elif isinstance(x, ProgressTable):
        ids.extend(r.id for r in x.rows)
    return ids

