"""Reader for a single official document (通知 / 公告 / 意见 …): optional issuer
block, title, document number, addressees, body, signature block, date,
optional publication note, and an optional attachment (the issued plan, rules
or list) that may end with its own signature and date.

Two layouts are read: the gazette's (title, then number) and the official
letterhead's (``北京市教育委员会文件``, number, then title). The 版记 at the end of
a 公文 (``抄送：…`` and ``<office> YYYY年M月D日印发``) is footer metadata, kept as
``footer`` blocks and in ``meta`` (cc, printed_by, printed_date), never a heading.

Document numbers are normalised in ids: ``京政办发[2026]20号`` and
``京政办发［2026］20号`` both become ``京政办发〔2026〕20号`` (the printed form
stays in the text and in ``meta["number_printed"]``)."""
from __future__ import annotations

import re

from ..errors import Report
from ..i18n.romanize import number_slug, parse_number, romanize_number
from .. import ids
from ..model import Block, Document, Origin
from ..normalize import ANNEX_LABEL, CJK_RE, Para, normalize_text, unwrap
from .attachments import document_provisions, mark_appendices
from .base import DocumentKind, Reading
from .tables import join_rows
from .common import (PUBLIC_NOTE, heading_level, is_date_line, is_number_line, is_org_line, merge_tables, para_block,
                     parse_date, settle_numbered_sentences)
from .text import before_footnotes, to_block


LETTERHEAD = re.compile(r"^([\u4e00-\u9fff、（）()]{2,40}?)\s*文件$")
TITLE_SUFFIX = re.compile(r"(通知|意见|决定|通报|批复|复函|函|报告|公告|通告|请示|命令|决议|方案|办法|规定|细则|规划|纲要|"
                          r"要点|规则|指引|清单|指南|标准|计划)")
CC_LINE = re.compile(r"^(抄送|抄报|分送)\s*[：:]\s*(.+?)[。.]?$")
PRINTED_LINE = re.compile(r"^(.+?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印\s*发$")
RULE_LINE = re.compile(r"^[—\-─━_=＝－]{3,}$")


def _addressees(line: str) -> list[str]:
    """The bodies a document is addressed to: parted by commas, and by 、 where each side names a body of its
    own (平谷区人民政府、市商务局), not where it lists the kinds of one (市政府各委、办、局)."""
    out = []
    for part in re.split(r"[，,]", line.rstrip("：:")):
        pieces = part.split("、")
        out += pieces if len(pieces) > 1 and all(is_org_line(x) for x in pieces) else [part]
    return [a for a in out if a]


def canonical_number(printed: str) -> str:
    """The id form of a document number: brackets 〔〕, no spaces, no enclosing
    parentheses. ``京政办发[2026]20号`` -> ``京政办发〔2026〕20号``. A text that is not
    a document number comes back without its spaces."""
    s = re.sub(r"\s+", "", printed).strip("()（）")
    parts = parse_number(s)
    return f"{parts[0]}〔{parts[1]}〕{parts[2]}号" if parts else s


def title_like(text: str) -> bool:
    """A line that can be a document title: short, not a sentence, heading, date or number."""
    return (bool(text) and len(text) <= 120 and text[-1] not in "。；：，,;:！？" and not heading_level(text)
            and not is_date_line(text) and not is_number_line(text))


def is_footer_line(text: str) -> bool:
    """A line of the 版记: 抄送/抄报 recipients, the printing office and date (…印发), a rule."""
    t = text.strip()
    return bool(CC_LINE.match(t) or PRINTED_LINE.match(t) or RULE_LINE.match(t))


def footer_meta(doc: Document, text: str, path: str, line: int, report: Report) -> None:
    """Record a 版记 line in the document's metadata."""
    t = text.strip()
    if RULE_LINE.match(t):
        return
    m = CC_LINE.match(t)
    if m and PRINTED_LINE.match(t):
        report.error(path, line, "the 抄送 line and the …印发 line of the 版记 run together",
                     "the 抄送 line ending with 。 and the printing office with its date (…印发) on a line of its own")
        return
    if m:
        doc.meta.setdefault("cc", []).extend(a for a in re.split(r"[，,、；;]", m.group(2)) if a)
        return
    m = PRINTED_LINE.match(t)
    doc.meta["printed_by"] = m.group(1).strip()
    doc.meta["printed_date"] = parse_date(m.group(2)) or ""


# the genre a numbered document's title names by its last word (the genres of official documents, and the
# normative documents issued under a document number): its kind, which the theme's doc_kinds label. The keys are
# the open data's and the search filter's values; where a kind has a reader of its own (decision, reply) its
# reader sets it too. 报告 is not "report", the work report's pages' kind (a search filter of its own).
GENRES = {
    "通知": "circular", "通告": "notice", "公告": "announcement", "决定": "decision", "批复": "reply",
    "意见": "opinions", "办法": "measures", "方案": "plan", "规划": "development-plan", "规定": "provisions",
    "细则": "detailed-rules", "命令": "order", "函": "letter", "报告": "official-report", "纪要": "minutes",
    "决议": "resolution", "通报": "bulletin", "请示": "request", "议案": "motion", "公报": "communique",
}
GENRE_WORD = re.compile("(" + "|".join(sorted(GENRES, key=len, reverse=True)) + ")$")
TRAILING_BRACKETS = re.compile(r"(?:[（(][^（()）]*[）)])+$")  # …办法（试行）, …方案（2026—2028年）


def _kind_of(title: str) -> str:
    """The genre the title's last word names (before a bracket: …办法（试行）); "" where it names none the site
    knows (a wrong label is worse than none)."""
    m = GENRE_WORD.search(TRAILING_BRACKETS.sub("", title))
    return GENRES[m.group(1)] if m else ""


def parse_circular(paras: list[Para], path: str, report: Report, *, convert=None,
                   title_hint: str | None = None) -> tuple[Document, list[Para]]:
    """Return the document (blocks up to and including the signature date and
    publication note) and the paragraphs of its attachment, if any."""
    conv = convert or (lambda s: s)
    text = [conv(normalize_text(p.text)) for p in paras]
    n = len(paras)
    i = 0
    blocks: list[Block] = []
    issuers: list[str] = []

    def add(kind, idx, **kw):
        orig = normalize_text(paras[idx].text) if convert else ""
        blocks.append(Block(kind, text[idx], paras[idx].line, key=f"p{len(blocks)}", original=orig, **kw))

    # number line
    num_idx = next((k for k in range(min(n, 25)) if paras[k].kind == "para" and is_number_line(text[k])), None)
    if num_idx is None:
        raise_line = paras[0].line if paras else 1
        report.error(path, raise_line, "no document number line near the top of the document",
                     "a line like 京政发〔2026〕1号")
        num_idx = 0
        number = ""
    else:
        printed = re.sub(r"\s+", "", text[num_idx]).strip("()（）")
        number = canonical_number(printed)
    letterhead_layout = num_idx > 0 and all(LETTERHEAD.match(text[k]) for k in range(num_idx))
    addressees: list[str] = []
    if letterhead_layout:
        # 北京市教育委员会文件 / number / title / addressees: the official letterhead layout
        for k in range(num_idx):
            issuers.append(LETTERHEAD.match(text[k]).group(1))
            add("issuer", k)
        add("number", num_idx)
        i = num_idx + 1
        title, i = _title_after_number(paras, text, i, add, blocks, path, report)
    else:
        # issuer block: organisation lines at the very top, followed by the title
        while i < num_idx and (is_org_line(text[i]) or (not CJK_RE.search(text[i]) and i > 0)) and i + 1 < num_idx:
            if not CJK_RE.search(text[i]):
                add("issuer-en", i)
            else:
                issuers.append(text[i])
                add("issuer", i)
            i += 1
        title_parts = text[i:num_idx]
        if not title_parts and title_hint:
            report.warn(path, paras[num_idx].line, "this copy of the document starts at its number without a title; "
                        "the title of the earlier copy is used")
            title_parts = [title_hint]
        elif not title_parts:
            report.error(path, paras[num_idx].line, "no title before the document number", "the document title")
        for k in range(i, num_idx):
            add("title", k, level=1)
        title = "".join(title_parts)
        add("number", num_idx)
        i = num_idx + 1
    if blocks and blocks[-1].kind == "addressee":  # split off the letterhead layout's title
        addressees = _addressees(blocks[-1].text)
    elif i < n and text[i].endswith(("：", ":")) and len(text[i]) <= 80:
        addressees = _addressees(text[i])
        add("addressee", i)
        i += 1
    # the 版记 (抄送, …印发) closes the document: it is neither body nor signature
    foot = n
    while foot - 1 >= i and paras[foot - 1].kind == "para" and is_footer_line(text[foot - 1]):
        foot -= 1
    # body until the first signature date
    date_idx = next((k for k in range(i, foot) if paras[k].kind == "para" and is_date_line(text[k])), None)
    sig_start = date_idx
    if date_idx is not None:
        while sig_start - 1 >= i and paras[sig_start - 1].kind == "para" and is_org_line(text[sig_start - 1]):
            sig_start -= 1
    body_end = sig_start if sig_start is not None else foot
    body_start = len(blocks)
    for k in range(i, body_end):
        blocks.append(para_block(paras[k], f"p{len(blocks)}", convert))  # typed in Simplified, original kept
    settle_numbered_sentences(blocks[body_start:])
    signatories: list[str] = []
    date = ""
    rest_start = foot
    footer: list[int] = []
    if date_idx is not None:
        for k in range(sig_start, date_idx):
            signatories.append(text[k])
            add("signature", k)
        add("date", date_idx)
        date = parse_date(text[date_idx]) or ""
        rest_start = date_idx + 1
        # the footnotes printed under the signature are the document's notes, not the start of an attachment
        while rest_start < n and paras[rest_start].kind == "footnote":
            add("footnote", rest_start)
            rest_start += 1
        if rest_start < n and PUBLIC_NOTE.match(text[rest_start]):
            add("note", rest_start)
            rest_start += 1
        while rest_start < n and paras[rest_start].kind == "footnote":
            add("footnote", rest_start)
            rest_start += 1
        # a 版记 right after the signature (before an attachment) belongs to the document
        while rest_start < n and paras[rest_start].kind == "para" and is_footer_line(text[rest_start]):
            footer.append(rest_start)
            add("footer", rest_start)
            rest_start += 1
    letterhead = issuers
    issuers = signatories or issuers
    parsed = parse_number(number) if number else None
    if parsed and parsed[2] == 0 and num_idx is not None:  # 京政办发〔2026〕0号: a misprint, or a number lost
        report.warn(path, paras[num_idx].line, f"the document number {number} is 0",
                    "a number counted from 1 (京政办发〔2026〕1号); correct the file if the print has another")
    year = parsed[1] if parsed else int(date[:4]) if date else 0
    doc = Document(
        id=ids.doc_id(number), number=number, slug=number_slug(number) if parsed else "", year=year,
        title=title, kind=_kind_of(title), issuers=issuers, addressees=addressees, date=date,
        blocks=merge_tables(blocks),
        origins=[Origin(path, paras[0].line if paras else 1, paras[-1].end_line if paras else 1)],
    )
    if letterhead:
        doc.meta["letterhead"] = letterhead
    if number and number != re.sub(r"\s+", "", text[num_idx]).strip("()（）"):
        doc.meta["number_printed"] = re.sub(r"\s+", "", text[num_idx]).strip("()（）")
    for k in footer:
        footer_meta(doc, text[k], path, paras[k].line, report)
    if not parsed:
        report.error(path, paras[num_idx].line if paras else 1, f"unreadable document number {number!r}",
                     "a number like 京政发〔2026〕1号")
    return doc, paras[rest_start:]


def _title_after_number(paras: list[Para], text: list[str], i: int, add, blocks: list[Block], path: str,
                        report: Report) -> tuple[str, int]:
    """The title of the letterhead layout: the paragraph(s) after the number, up to a
    title ending (…的通知, …方案). A title that ran into the addressee line (a PDF
    wrap across the blank line) is split there. Returns (title, next index)."""
    n = len(paras)
    acc, j = "", i
    while j < n and j < i + 3 and paras[j].kind == "para":
        acc += text[j]
        last = None
        for last in TITLE_SUFFIX.finditer(acc):
            pass
        if last is not None and last.end() == len(acc) and not re.search(r"[。；：:]", acc):
            for k in range(i, j + 1):
                add("title", k, level=1)
            return acc, j + 1
        if acc.endswith(("：", ":")):
            cut = [m.end() for m in TITLE_SUFFIX.finditer(acc)
                   if 2 <= len(acc) - m.end() <= 80 and not re.search(r"[《》。；]|关于", acc[m.end():])]
            if cut and j == i:
                k = cut[-1]
                p = paras[j]
                add("title", j, level=1)
                add("addressee", j)
                t, a = blocks[-2], blocks[-1]
                t.text, a.text = acc[:k], acc[k:]
                a.line = p.lines[-1] if p.lines else p.line
                if t.original:  # the original script: split at the same place when conversion kept the length
                    orig = t.original
                    t.original, a.original = (orig[:k], orig[k:]) if len(orig) == len(acc) else (orig, "")
                return acc[:k], j + 1
            break
        j += 1
    line = paras[i].line if i < n else paras[-1].end_line
    report.error(path, line, "no title after the document number of a letterhead (…文件) layout",
                 "the title, ending with 通知, 意见, 方案 or the like, on the lines after the number")
    return "", i


def attachment_blocks(doc: Document, paras: list[Para], *, convert=None, path: str = "",
                      report: Report | None = None) -> None:
    """Append a generic attachment: title, body, trailing signature and date, and
    the 版记 (抄送, …印发) that closes the document, as footer blocks."""
    if not paras:
        return
    conv = convert or (lambda s: s)
    foot = len(paras)
    while foot > 0 and paras[foot - 1].kind == "para" and is_footer_line(conv(normalize_text(paras[foot - 1].text))):
        foot -= 1
    footer, paras = paras[foot:], paras[:foot]
    own = report or Report()
    where = path or doc.origins[0].file
    texts = [conv(normalize_text(p.text)) for p in paras]
    for k, t in enumerate(texts):  # another document (title, number, signature) is not an attachment
        if paras[k].kind != "para" or not is_number_line(t):
            continue
        titled = k > 0 and paras[k - 1].kind == "para" and title_like(texts[k - 1])
        signed = next((d for d in range(k + 2, len(texts)) if paras[d].kind == "para" and is_date_line(texts[d])
                       and is_org_line(texts[d - 1])), None)
        if titled or signed is not None:
            what = ([f"title {texts[k - 1][:40]!r} at line {paras[k - 1].line}"] if titled else []) + \
                   ([f"signature and date at line {paras[signed].line}"] if signed is not None else [])
            own.error(where, paras[k].line, f"a second document, {canonical_number(t)} ({', '.join(what)}), "
                      f"follows {doc.number} in the same file; it would be read as its attachment",
                      "one document per file, or a gazette issue whose table of contents lists every document")
    if paras:
        _attachment(doc, paras, conv, convert)
    for p in footer:
        text = conv(normalize_text(p.text))
        doc.blocks.append(Block("footer", text, p.line, key=f"p{len(doc.blocks)}",
                                original=normalize_text(p.text) if convert else ""))
        footer_meta(doc, text, path or doc.origins[0].file, p.line, own)
    if report is None:  # a caller without a report still gets the problem
        own.raise_if_errors()
    if footer:
        doc.origins[0].end_line = footer[-1].end_line


def _attachment(doc: Document, paras: list[Para], conv, convert) -> None:
    if len(paras) > 1 and paras[0].kind == "para" and ANNEX_LABEL.match(conv(normalize_text(paras[0].text))):
        # 附件 on a line of its own: the label over the title, not the title
        doc.blocks.append(to_block(paras.pop(0), f"p{len(doc.blocks)}", "annex-label", convert, level=2))
    start = len(doc.blocks)
    first = paras[0]
    title = conv(normalize_text(first.text))
    doc.attachment_title = title
    doc.blocks.append(Block("title", title, first.line, key=f"p{start}", level=2,
                            original=normalize_text(first.text) if convert else ""))
    body = paras[1:]
    texts = [conv(normalize_text(p.text)) for p in body]
    # trailing signature + date (and the footnotes printed under them, as a rule's and an announcement's are)
    end = before_footnotes(body)
    tail: list[Block] = []
    if end and body[end - 1].kind == "para" and is_date_line(texts[end - 1]):
        k = end - 1
        sig = k
        while sig - 1 >= 0 and body[sig - 1].kind == "para" and is_org_line(texts[sig - 1]):
            sig -= 1
        for j in range(sig, k + 1):  # the attachment's own issuer and date keep their original as the body does
            tail.append(to_block(body[j], "", "signature" if j < k else "date", convert))
        tail += [to_block(body[j], "", "footnote", convert) for j in range(end, len(body))]
        end = sig
    else:
        end = len(body)
    new = settle_numbered_sentences([para_block(body[j], "", convert) for j in range(end)])
    for b, after in zip(new, new[1:]):  # a further attachment (附件2) over its own title, as the first one is
        if b.kind == "para" and ANNEX_LABEL.match(b.text) and after.kind in ("para", "heading") \
                and title_like(after.text):
            b.kind, b.level, after.kind, after.level = "annex-label", 2, "title", 2
    mark_appendices(new)  # 附表, 附录: parts of this attachment
    new = merge_tables(new + tail)
    for b in new:
        b.key = f"p{len(doc.blocks)}"
        doc.blocks.append(b)
    doc.origins[0].end_line = paras[-1].end_line


def split_copies(paras):
    """A file may carry the same circular more than once: split at each title+number pair."""
    from ..normalize import is_structural

    idx = [k for k, p in enumerate(paras) if p.kind == "para" and is_number_line(normalize_text(p.text))]
    # a copy starts at its title, or at its number when the copy has no title line
    starts = [k - 1 if k > 0 and not is_structural(normalize_text(paras[k - 1].text)) else k for k in idx] or [0]
    starts[0] = 0
    return [paras[a:b] for a, b in zip(starts, starts[1:] + [len(paras)])]


class CircularKind(DocumentKind):
    """A document filed under its document number (发文字号): 通知, 意见, 公告 with a number, …, with an optional
    attachment (a task list is read by its own kind, through ``ctx.read_attachment``)."""

    name, schemes = "circular", ("doc",)
    label = "circular / notice"
    expected = "circular (a document number line such as 京政发〔2026〕1号)"
    copies = False  # a file of this kind may carry the document more than once (a web copy repeated)

    def detect(self, text: str) -> bool:
        lines = [l.strip() for l in text.split("\n")[:40] if l.strip()]
        return any(is_number_line(normalize_text(l)) for l in lines)

    def detect_document(self, paras, texts) -> bool:
        return any(p.kind == "para" and is_number_line(t) for p, t in zip(paras[:25], texts[:25]))

    def read(self, src, rep, ctx) -> Reading:
        """A file of one document (or of copies of one document)."""
        lines = src.text.split("\n")
        paras, artefacts = unwrap(lines, 0, len(lines))
        src.artefacts.extend(artefacts)
        paras = join_rows(paras, src.path, rep)
        results = []
        for copy in (split_copies(paras) if self.copies else [paras]):
            doc, tl = self.read_document(copy, src.path, rep, ctx,
                                         title_hint=results[0][0].title if results else None, in_file=True)
            doc.original_script = "traditional" if src.traditional else "simplified"
            results.append((doc, tl))
        return Reading(documents=results, blocks=[b for d, _ in results for b in d.blocks])

    def read_document(self, paras, path: str, rep, ctx, *, title_hint: str | None = None, in_file: bool = False):
        doc, attachment = parse_circular(paras, path, rep, convert=ctx.convert, title_hint=title_hint)
        tl = ctx.read_attachment(doc, attachment, path, rep, convert=ctx.convert) \
            if attachment and ctx.read_attachment else None
        if tl is None and attachment:
            if in_file:  # the file's own: a problem raises at once, as a circular file always did
                attachment_blocks(doc, attachment, convert=ctx.convert)
            else:
                attachment_blocks(doc, attachment, convert=ctx.convert, path=path, report=rep)
        self.structure(doc, path, rep)
        return doc, tl

    def structure(self, doc: Document, path: str, rep) -> None:
        """The document's provisions: numbered headings, and each attachment as a part of its own."""
        doc.provisions = document_provisions(doc.blocks, path, rep)

    def number_en(self, d, v=None) -> str:
        return romanize_number(d.number) if d.number and parse_number(d.number) else ""

    def file_name(self, corpus, src) -> str:
        d = next(d for d in corpus.documents.values() if any(o.file == src.path for o in d.origins))
        return f"{d.year}-{self.name if self.name != 'circular' else 'circular'}-{d.slug}.txt"


KIND = CircularKind()
