"""The content model every stage speaks: plain dataclasses, no behaviour
beyond small derived properties. Readers fill it, the linker adds Links,
the site stage turns it into pages. Chinese is the authoritative text; English
is attached later by the i18n stage and never replaces it.

Ids are stable and double as URL paths: ``task/2026/20`` is served at
``/zh/task/2026/20/`` and ``/en/task/2026/20/``. Documents use
``doc:<document number>`` as id and the romanised number as URL slug.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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
    row_lines: list[int] | None = None  # tables: the source line each row starts on (a row may run over lines)
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
    """One document, whatever its kind (the kind's module in kinds/ read it and set its id scheme):
    a numbered document ``doc:京政发〔2026〕1号``, a decree ``decree/334``, a rules text ``rule/2026/<slug>``,
    an announcement ``announcement/<issuer>/2026/2`` (a 通告 ``notice/<issuer>/2026/2``)."""

    id: str  # doc:京政发〔2026〕1号
    number: str  # how it is cited by number: 京政发〔2026〕1号, 北京市人民政府令第334号, …公告2026年第2号 ("" for rules)
    slug: str  # the last part of its path: jingzhengfa-2026-1 (a doc: id's romanised number)
    year: int
    title: str
    title_en: str = ""
    kind: str = "circular"  # the genre: circular | notice | announcement | decree | rules | decision | reply | appointment
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
    number_en: str = ""  # the number as English pages print it (Jingzhengfa[2026] No. 1, Decree No. 334)
    provisions: list = field(default_factory=list)  # its provisions, as a tree (Provision, kinds/structure.py)
    history: list = field(default_factory=list)  # adoption and revision history (HistoryEntry) of a rules text
    amendments: list = field(default_factory=list)  # what an amendment or repeal decision changes (Amendment)
    effective: str = ""  # ISO date a promulgated text takes effect
    citations: list = field(default_factory=list)  # documents its text cites (Citation), found when it is read


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
    toc_note: str = ""  # the English note under the table of contents, as printed ("(The Table of Contents …)")
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
    units_line: str = ""  # the 主责单位 line's list as printed (its own separators): what evidence quotes
    original: str = ""  # a Traditional source's task text as written (``text`` is Simplified), else ""
    units_original: str = ""  # a Traditional source's 主责单位 line as written (主責單位：…), else ""


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
class WorkReport:
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
    full: str = ""  # the official full name (北京市交通委员会), where units.yaml gives it


@dataclass(frozen=True)
class Span:
    """Words of a link's evidence where they stand: ``text`` is ``passage(item)[start:end]`` exactly
    (link/evidence.py says which text of an item a span indexes: a task's text, a heading, a units line)."""
    item: str
    start: int
    end: int
    text: str


@dataclass
class Link:
    src: str
    dst: str
    kind: str  # details | implements | related | led-by
    score: float
    evidence: list[str]  # the quoted words, verbatim (an editor's link: the editor's reason)
    rule: str
    origin: str = "rule"  # rule | override
    spans: list = field(default_factory=list)  # [Span]: where each quoted string stands, in either end


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
    reports: dict[str, WorkReport] = field(default_factory=dict)
    livelihood: dict[str, LivelihoodList] = field(default_factory=dict)
    progress: dict[str, ProgressTable] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    warnings: list = field(default_factory=list)
    source_keys: dict = field(default_factory=dict)  # source path -> its parse key (text and readers' code)
    citations: list = field(default_factory=list)  # every citation of a document, resolved or not (link/citations.py)


@dataclass
class Provision:
    """A numbered unit of a document's text, with a stable anchor.

    ``kind``: book (编) | chapter (章) | section (节) | article (条) | paragraph (款) | item (项) |
    subitem (目) | heading (numbered headings of circulars: 一、 （一） 1. （1）, ``level`` 1-4) |
    attachment (附件) | amendment (an item of an amendment or repeal decision naming one rule) | change
    (one numbered change of an amendment item) | appointment (任命/免去 one person).
    ``number`` is the printed number in Arabic figures ("3", "10-1" for 第十条之一); ``label`` the label as
    printed (第三条, （二）, 1., 一、; empty for 款, which have none); ``anchor`` the fragment id, unique in the
    document and independent of text elsewhere (see kinds/structure.py); ``block_keys`` the keys of every
    block the provision covers, its children's included, in order; ``text`` the provision's own first
    passage without its label (for chapters and sections: the title)."""

    kind: str
    number: str
    label: str
    title: str
    anchor: str
    line: int
    block_keys: list[str] = field(default_factory=list)
    children: list["Provision"] = field(default_factory=list)
    text: str = ""
    level: int = 0  # heading level (1: 一、, 2: （一）, 3: 1., 4: （1）)

    def walk(self):
        """This provision and every descendant, in document order."""
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class HistoryEntry:
    """One step of a rule's adoption and revision history, as printed under its title:
    ``2010年3月1日北京市人民政府令第220号公布`` -> date 2010-03-01, body 北京市人民政府, action 公布,
    instrument 北京市人民政府令第220号, target decree/220."""

    date: str  # ISO date, "" when the text gives none
    body: str  # who acted: 北京市人民政府, 北京市第十五届人民代表大会常务委员会第十次会议 …
    action: str  # as printed: 公布 | 发布 | 通过 | 批准 | 修改 | 修正 | 修订 | 废止
    instrument: str  # the decree or decision, as printed: 北京市人民政府令第277号《…的决定》
    text: str  # the whole entry, verbatim
    ordinal: int = 0  # 第二次修改 -> 2
    target: str = ""  # citation key of the instrument: decree/277, title:…


@dataclass
class Change:
    """One change an amendment decision makes to a rule: ``删去第八条第（三）项。`` -> action delete, target
    {"article": 8, "item": 3}. ``text`` is the new wording (rewrite, insert, rename), ``old`` the words
    replaced or deleted when the change names them."""

    action: str  # delete | rewrite | insert | rename | renumber | repeal | unknown
    target: dict
    text: str
    line: int
    number: int = 0  # printed number of the change within its item
    old: str = ""
    anchor: str = ""  # anchor of the target provision in the amended rule (article-8-item-3)
    targets: list = field(default_factory=list)  # every provision named, when more than one
    source: str = ""  # the change as printed


@dataclass
class Amendment:
    """An item of an amendment or repeal decision: the rule it changes (with that rule's history) and
    its changes."""

    rule_title: str
    history: list[HistoryEntry]
    changes: list[Change]
    line: int
    number: int = 0
    anchor: str = ""
    repeal: bool = False


@dataclass
class Citation:
    """A reference to a document found in running text. ``text`` is the exact substring (``start``/``end``
    offsets into the text searched); ``target`` a normalised key: ``doc:国办发〔2016〕19号``, ``decree/330``,
    ``announcement:北京市人民政府公告2026年第1号`` or ``title:<title, Simplified>``; ``provision`` the anchor of
    the provision cited inside it (``article-12-paragraph-2``), if any."""

    kind: str  # doc | decree | announcement | title
    text: str
    start: int
    end: int
    target: str
    line: int
    provision: str = ""
    key: str = ""  # the block it was found in (the document's blocks)
