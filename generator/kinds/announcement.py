"""Reader for announcements and notices (公告, 通告): the issuer and the word 公告/通告 (one title line, or
the issuer on its own line above; a subject title 北京市人民政府关于…的通告 also occurs; joint issuers are
one line each), the number line ``2026年第1号`` (also ``（2026年第1号）``, ``第3号``, Traditional ``第1號``),
no 发文字号, the body (numbered headings as in ``structure``), ``特此公告。`` / ``特此通告。``, the issuer(s)
and the date; attachments as their own parts.

Id scheme: ``announcement/<issuer-slug>/<year>/<n>`` for a 公告, ``notice/<issuer-slug>/<year>/<n>`` for a 通告:
the two are numbered in series of their own (北京市人民政府公告2026年第3号 and 北京市人民政府通告2026年第3号 are two
documents), so the genre is part of the id, the address and the file name. The issuer slug is in pinyin without
北京市 or 市 (北京市人民政府 -> ``ren-min-zheng-fu``); the year is the number's, else the date's. Cited as
北京市人民政府公告2026年第1号 (key ``announcement:北京市人民政府公告2026年第1号``, see ``citations``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Report
from ..i18n.romanize import slugify_zh
from ..ids import parse as parse_id
from ..model import Block, Document, Origin, Provision
from ..normalize import Para, to_simplified
from .base import DocumentKind, Reading, opening_paragraphs, read_single
from .attachments import attachment_part, split_attachments
from .citations import announcement_key, issuer_key
from .structure import parse_provisions
from .text import Keys, before_footnotes, is_date_line, is_org_line, parse_date, simplified, to_block
from .. import ids

NUMBER = re.compile(r"^[（(]?\s*(?:(?P<year>\d{4})\s*年\s*)?第\s*(?P<n>\d+)\s*号\s*[）)]?$")
CLOSING = re.compile(r"^特此(公告|通告)[。.]?$")
TITLE_WORD = re.compile(r"(公告|通告)$")
# a title that names its subject (北京市人民政府关于…的通告); without one (北京市人民政府公告) only the number tells
# one announcement from the next
SUBJECT = re.compile(r"关于.+的(?:公告|通告)$")
# the genre each title word names: the document's kind, and the scheme of its id (each genre its own number series)
GENRES = {"公告": "announcement", "通告": "notice"}


@dataclass
class AnnouncementParse:
    id: str  # announcement/ren-min-zheng-fu/2026/1 (a 通告: notice/ren-min-zheng-fu/2026/1)
    key: str  # announcement:北京市人民政府公告2026年第1号 (the citation target)
    citation: str  # 北京市人民政府公告2026年第1号
    kind: str  # announcement (公告) | notice (通告)
    word: str  # 公告 | 通告
    issuers: list[str]
    title: str
    year: int
    number: int
    date: str
    blocks: list[Block] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    signatories: list[str] = field(default_factory=list)


def is_announcement(paras: list[Para], convert=None) -> bool:
    """A title ending with 公告/通告 followed (within three lines) by a number line 2026年第1号."""
    texts = [simplified(p, convert) for p in paras[:5]]
    for k, t in enumerate(texts):
        if NUMBER.match(t):
            return k > 0 and bool(TITLE_WORD.search("".join(texts[:k])))
    return False


def issuer_slug(issuer: str) -> str:
    """北京市人民政府 / 市人民政府 -> ren-min-zheng-fu; 北京市公安局交通管理局 -> gong-an-ju-jiao-tong-guan-li-ju."""
    name = re.sub(r"^(北京市|市)", "", re.sub(r"\s+", "", issuer))
    return slugify_zh(name)


def citation_en(a: AnnouncementParse, issuer_en: str, forms: dict) -> str:
    """English citation; ``issuer_en`` from the glossary, ``forms`` the theme's ``citation_forms`` (en)."""
    return forms[a.kind].format(issuer=issuer_en, n=a.number, year=a.year)


def parse_announcement(paras: list[Para], path: str, report: Report, convert=None, *,
                       key_start: int = 0) -> AnnouncementParse:
    keys = Keys(key_start)
    att = split_attachments(paras, path, report, convert)
    paras = att.main
    texts = [simplified(p, convert) for p in paras]
    n = len(paras)
    first_line = paras[0].line if paras else 1
    num_idx = next((k for k in range(min(n, 6)) if NUMBER.match(texts[k])), None)
    if num_idx is None or num_idx == 0:
        report.error(path, first_line, "an announcement without its number",
                     "a line 2026年第1号 under the title (…公告 / …通告)")
        return AnnouncementParse("", "", "", "", "", [], "", 0, 0, "")
    title = "".join(texts[:num_idx])
    tm = TITLE_WORD.search(title)
    if not tm:
        report.error(path, first_line, f"the title of an announcement does not end with 公告 or 通告: {title[:40]!r}",
                     "…公告 or …通告 above the number line")
    word = tm.group(1) if tm else "公告"
    # issuers: organisation lines above the title word, or the title before 关于 / before 公告
    issuers = [t for t in texts[:num_idx - 1] if is_org_line(t)] if num_idx > 1 else []
    if not issuers:
        m = re.match(r"^(.+?)(?:关于.*的)?(?:公告|通告)$", title)
        head = m.group(1) if m else title
        issuers = [head] if head else []
    blocks: list[Block] = []
    for k in range(num_idx):
        blocks.append(to_block(paras[k], keys(), "issuer" if k < num_idx - 1 and is_org_line(texts[k]) else "title",
                               convert, level=1))
    blocks.append(to_block(paras[num_idx], keys(), "number", convert))
    nm = NUMBER.match(texts[num_idx])
    number = int(nm.group("n"))
    # signature and date at the end (before the footnotes printed under them)
    end = before_footnotes(paras, num_idx + 1)
    notes = [(k, "footnote") for k in range(end, n)]
    date = ""
    signatories: list[str] = []
    tail: list[tuple[int, str]] = notes
    if end > num_idx + 1 and is_date_line(texts[end - 1]):
        date = parse_date(texts[end - 1])
        s = end - 1
        while s - 1 > num_idx and is_org_line(texts[s - 1]):
            s -= 1
        signatories = texts[s:end - 1]
        tail = [(k, "signature" if k < end - 1 else "date") for k in range(s, end)] + notes
        end = s
    else:
        report.error(path, paras[-1].line if paras else first_line, "an announcement without its closing date",
                     "the issuer and the date (2026年3月1日) at the end")
    closing = next((k for k in range(end - 1, num_idx, -1) if CLOSING.match(texts[k])), None)
    if closing is None:
        report.warn(path, paras[end - 1].line if end > num_idx + 1 else first_line,
                    f"the announcement does not end with 特此{word}。", f"特此{word}。 before the signature")
    body: list[Block] = []
    for k in range(num_idx + 1, end):
        b = to_block(paras[k], keys(), "note" if k == closing else "para", convert)
        blocks.append(b)
        if k != closing:  # 特此公告 closes the text: no provision
            body.append(b)
    provisions = parse_provisions(body, path, report)
    for k, kind in tail:
        blocks.append(to_block(paras[k], keys(), kind, convert))
    for part in att.parts:
        b, prov = attachment_part(part, keys, path, report, convert)
        blocks.extend(b)
        provisions.append(prov)
    year = int(nm.group("year")) if nm.group("year") else (int(date[:4]) if date else 0)
    if not year:
        report.error(path, paras[num_idx].line, "cannot tell the year of this announcement's number",
                     "2026年第1号, or a closing date")
    issuer = issuers[0] if issuers else ""
    key = announcement_key(issuer, word, year, number) if issuer and year else ""
    kind = GENRES[word]
    return AnnouncementParse(
        id=ids.format_id(kind, issuer_slug(issuer), year, number) if issuer and year else "",
        key=key, citation=key.split(":", 1)[1] if key else "", kind=kind,
        word=word, issuers=[issuer_key(i) if i.startswith("市") else i for i in issuers], title=title, year=year,
        number=number, date=date, blocks=blocks, provisions=provisions, signatories=signatories)


class AnnouncementKind(DocumentKind):
    """An announcement (公告) or notice (通告) numbered 2026年第N号, with no document number: id
    ``announcement/<issuer>/<year>/<n>`` (a 通告: ``notice/…``, a number series of its own), cited
    …公告2026年第N号 / …通告2026年第N号."""

    name, schemes = "announcement", tuple(GENRES.values())
    label = "announcement or notice (公告, 通告)"
    expected = "announcement (…公告 / …通告 numbered 2026年第N号)"

    def detect(self, text: str) -> bool:
        paras = opening_paragraphs(text, 30)
        return is_announcement(paras, to_simplified)

    def detect_document(self, paras, texts) -> bool:
        return is_announcement(paras, to_simplified)

    def read(self, src, rep, ctx) -> Reading:
        return read_single(self, src, rep, ctx)

    def read_document(self, paras, path: str, rep, ctx, *, title_hint: str | None = None, **_):
        a = parse_announcement(paras, path, rep, ctx.convert)
        doc = Document(id=a.id or "announcement/unknown", number=a.citation, slug=str(a.number), year=a.year,
                       title=a.title, kind=a.kind, issuers=a.issuers, date=a.date, blocks=a.blocks,
                       origins=[Origin(path, paras[0].line, paras[-1].end_line)] if paras else [],
                       provisions=a.provisions)
        if a.signatories:
            doc.meta["signatories"] = a.signatories
        return doc, None

    def doc_title(self, v, d, lang: str) -> str:
        """The title as printed; one that names no subject (北京市人民政府公告) with the number after it, as the
        gazette prints it (北京市人民政府公告（2026年第2号）): else every such page has the same title. English
        pages titled by the number's citation form (…Announcement No. 2 of 2026) carry it already."""
        title = super().doc_title(v, d, lang)
        if self.number_in_title(d) and title != self.number_en(d, v):
            return v.ui[lang]["title_announcement"].format(title=title, year=d.year, n=d.slug)
        return title

    def number_in_title(self, d) -> bool:
        return bool(d.number) and not SUBJECT.search(d.title)

    def number_en(self, d, v=None) -> str:
        if v is None or not d.number:
            return ""
        word = "notice" if d.kind == "notice" else "announcement"
        issuer = v.ui["en"]["issuers_sep"].join(v.glossary.issuer_en(i) for i in d.issuers)
        return v.ui["en"]["citation_forms"][word].format(issuer=issuer, n=d.slug, year=d.year)

    def citation_keys(self, doc) -> list[str]:
        return [doc.id, f"announcement:{doc.number}"] if doc.number else [doc.id]

    def file_name(self, corpus, src) -> str:
        d = next(d for d in corpus.documents.values() if any(o.file == src.path for o in d.origins))
        i = parse_id(d.id)  # the genre (the id's scheme) too: a 公告 and a 通告 may share issuer, year and number
        return f"{d.year}-{i.scheme}-{i.parts[0]}-{d.slug}.txt"


KIND = AnnouncementKind()
