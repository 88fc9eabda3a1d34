"""Reader for a rules text (规章 and regulations: 办法, 规定, 细则, 实施办法, 条例, 规则).

Layout: the title (one or more lines); optionally, right under it, the adoption and revision history in
parentheses, on one line or several::

    （2010年3月1日北京市人民政府令第220号公布 根据2018年2月12日北京市人民政府令第277号《北京市人民政府
    关于修改〈北京市A办法〉等12项规章的决定》第一次修改 根据2021年…第二次修改）

optionally a table of contents (目录, listing the chapters again: kept as ``toc`` blocks, never read as
the chapters themselves); then 第N编 / 第N章 / 第N节 / 第N条 as in ``structure``; attachments (附件) as
their own parts.

Id scheme: ``rule/<year>/<slug>``: the year of first promulgation from the history (else the text's
date), the slug the pinyin of the title without the leading 北京市 (北京市生活垃圾管理办法 ->
``rule/2020/sheng-huo-la-ji-guan-li-ban-fa``).
"""
from __future__ import annotations

import re

from ..errors import Report
from ..i18n.romanize import slugify_zh
from ..ids import parse as parse_id
from ..model import Block, Document, HistoryEntry, Origin, Provision
from ..normalize import Para, to_simplified
from .base import DocumentKind, Reading, opening_paragraphs, read_single
from .attachments import attachment_part, split_attachments
from .history import parse_history
from .structure import DIVISION, classify, parse_provisions
from .text import (DATE_RE, DECISION_TITLE, Keys, before_footnotes, date_span, is_date_line, is_org_line, parse_date,
                   simplified, to_block)
from .. import ids

RULE_TITLE = re.compile(r"(办法|规定|细则|条例|规则|规程|决定)$")

def rule_id(title: str, history: list[HistoryEntry], date: str = "") -> str:
    """``rule/<year>/<slug>`` (see the module docstring); ``date`` is the fallback for the year."""
    first = next((h.date for h in history if h.date), "") or date
    year = first[:4] if first else "0000"
    name = re.sub(r"^北京市", "", re.sub(r"\s+", "", title))
    return ids.format_id("rule", year, slugify_zh(name))


MAX_TITLE = 100  # characters of a rules text's title, at most


def _title_end(texts: list[str], paras: list[Para]) -> int:
    """Index of the first paragraph after the title."""
    for k, t in enumerate(texts[:6]):
        if k and (t[:1] in "（(" and (DATE_RE.search(t) or "令" in t)):
            return k
        if re.sub(r"\s+", "", t) == "目录" or classify(t) is not None:
            return k
    return 1 if texts else 0


def parse_rules(paras: list[Para], path: str, report: Report, convert=None, *,
                key_start: int = 0) -> tuple[list[Block], list[Provision], list[HistoryEntry], str]:
    """(blocks, provisions, history, title) of a rules text (see the module docstring). Attachments come
    after the rule's own provisions as ``attachment`` provisions."""
    keys = Keys(key_start)
    att = split_attachments(paras, path, report, convert)
    paras = att.main
    texts = [simplified(p, convert) for p in paras]
    blocks: list[Block] = []
    if not paras:
        report.error(path, 1, "empty rules text", "a title such as 北京市A办法, then 第一条 …")
        return blocks, [], [], ""
    t_end = _title_end(texts, paras)
    title = "".join(texts[:t_end])
    if "。" in title or len(title) > MAX_TITLE:  # sentences (a decree's promulgation without its head line)
        report.error(path, paras[0].line, f"the title of a rules text runs on into its text: {title[:40]!r}…",
                     "the rule's title on its own (a line or two, no full stop), then its history in parentheses "
                     "or 第一条; a decree starts with its head 北京市人民政府令 第N号")
        return blocks, [], [], ""
    if not RULE_TITLE.search(title):
        report.error(path, paras[0].line, f"the title of a rules text does not name a rule: {title[:40]!r}",
                     "a title ending with 办法, 规定, 细则, 条例 or 规则")
    for k in range(t_end):
        blocks.append(to_block(paras[k], keys(), "title", convert, level=1))
    i = t_end
    # history: parentheses right under the title, on one or more lines
    history: list[HistoryEntry] = []
    if i < len(paras) and texts[i][:1] in "（(":
        j, depth = i, 0
        while j < len(paras):
            depth += texts[j].count("（") + texts[j].count("(") - texts[j].count("）") - texts[j].count(")")
            j += 1
            if depth <= 0:
                break
        if depth > 0:
            report.error(path, paras[i].line, "the history under the title is not closed",
                         "（… 公布 根据 … 修改） with its closing parenthesis")
        whole = "".join(texts[i:j])
        history = parse_history(whole)
        if not history:
            report.error(path, paras[i].line, f"cannot read the history under the title: {whole[:40]!r}",
                         "（2010年3月1日北京市人民政府令第220号公布 根据…第一次修改）")
        for k in range(i, j):
            blocks.append(to_block(paras[k], keys(), "history", convert))
        i = j
    # table of contents: 目录, then the chapters as listed, up to the first chapter printed again
    if i < len(paras) and re.sub(r"\s+", "", texts[i]) == "目录":
        blocks.append(to_block(paras[i], keys(), "toc", convert))
        first = None
        j = i + 1
        while j < len(paras):
            c = classify(texts[j])
            label = texts[j][:c[1].start(c[1].lastindex)].strip() if c else None
            if c and c[0] in ("book", "chapter", "section"):
                if first is None:
                    first = re.sub(r"\s+", "", label)
                elif re.sub(r"\s+", "", label) == first:
                    break
            elif c is None and first is not None and len(texts[j]) <= 20 and not re.search(r"[。；]", texts[j]):
                pass  # a chapter title the PDF put on its own line
            else:
                break
            j += 1
        if first is None or j >= len(paras) or classify(texts[j]) is None:
            report.error(path, paras[i].line, "a table of contents (目录) that is not followed by the chapters it lists",
                         "目录, the chapter titles, then 第一章 … again with its articles")
        for k in range(i + 1, j):
            blocks.append(to_block(paras[k], keys(), "toc", convert))
        i = j
    # body, and a closing signature and date when the rule carries them
    end = before_footnotes(paras, i)
    notes = [(k, "footnote") for k in range(end, len(paras))]
    tail: list[tuple[int, str]] = []
    if end > i and is_date_line(texts[end - 1]):
        s = end - 1
        while s - 1 > i and is_org_line(texts[s - 1]):
            s -= 1
        tail = [(k, "signature" if k < end - 1 else "date") for k in range(s, end)]
        end = s
    tail += notes
    body: list[Block] = []
    kinds = [(classify(texts[k]) or ("",))[0] for k in range(i, end)]
    levels = {"book": 1, "chapter": 2, "section": 3} if "book" in kinds else {"chapter": 1, "section": 2}
    for k, kind in zip(range(i, end), kinds):
        if kind in ("book", "chapter", "section"):
            body.append(to_block(paras[k], keys(), "heading", convert, level=levels[kind]))
        elif DIVISION.match(texts[k]):  # 附　　则 in a rule without chapters: a heading, in no article
            body.append(to_block(paras[k], keys(), "heading", convert, level=levels["chapter"]))
        else:
            body.append(to_block(paras[k], keys(), "para", convert))
    if not any(classify(b.text) and classify(b.text)[0] == "article" for b in body):
        report.error(path, paras[i].line if i < len(paras) else paras[-1].line,
                     f"a rules text without articles: {title[:30]!r}", "第一条 … at the start of a paragraph")
    blocks.extend(body)
    provisions = parse_provisions(body, path, report)
    for k, kind in tail:
        blocks.append(to_block(paras[k], keys(), kind, convert))
    for part in att.parts:
        b, prov = attachment_part(part, keys, path, report, convert)
        blocks.extend(b)
        provisions.append(prov)
    return blocks, provisions, history, title


ARTICLE_LINE = re.compile(r"^\s*第[一二三四五六七八九十百零〇]+条(?![例款件])")


def is_rules_text(paras, convert=None) -> bool:
    """A rules text: a title naming a rule (…办法, …规定, …条例 …) and articles (第一条 …) at the start of a
    paragraph near the top."""
    texts = [simplified(p, convert) for p in paras[:40]]
    if not texts or not RULE_TITLE.search("".join(texts[:_title_end(texts, paras[:40])])) or len(texts[0]) > 60:
        return False
    return any(ARTICLE_LINE.match(t) for t in texts)


MEETING = re.compile(r"^(.+?)(?:第[一二三四五六七八九十百零〇\d]+次)?(?:常务会议|全体会议|常务委员会会议)$")
ADOPTION_LINE = re.compile(r"^[（(].*\d{4}\s*年.*(通过|公布|发布)[）)]$")


def is_standalone_decision(paras, convert=None) -> bool:
    """An amendment or repeal decision as the rules database prints it, without the decree that promulgated it
    and without a number of its own: its title (…关于修改/废止…的决定, up to three lines), then its adoption in
    parentheses ((2026年9月1日北京市人民政府第60次常务会议通过)), then its text."""
    texts = [simplified(p, convert) for p in paras[:5]]
    for k in range(1, min(3, len(texts) - 1) + 1):
        title = re.sub(r"\s+", "", "".join(texts[:k]))
        if DECISION_TITLE.search(title) and len(title) <= MAX_TITLE:
            return bool(ADOPTION_LINE.match(re.sub(r"\s+", "", texts[k])))
    return False


class RulesKind(DocumentKind):
    """Rules and regulations (办法, 规定, 细则, 条例) published on their own: the title, the adoption and revision
    history as data, 编/章/节/条/款/项/目 as provisions; id ``rule/<year>/<slug>``, articles at
    ``…/article/N``. (A rules text that a decree promulgates is read with the decree: ``decree.py``.)"""

    name, schemes = "rules", ("rule",)
    label = "rules or regulations (办法, 规定, 条例)"
    expected = "rules (a title ending 办法/规定/条例, then 第一条 …)"

    def detect(self, text: str) -> bool:
        paras = opening_paragraphs(text, 80)
        return is_rules_text(paras, to_simplified) or is_standalone_decision(paras, to_simplified)

    def detect_document(self, paras, texts) -> bool:
        return is_rules_text(paras, to_simplified) or is_standalone_decision(paras, to_simplified)

    def read(self, src, rep, ctx) -> Reading:
        return read_single(self, src, rep, ctx)

    def read_document(self, paras, path: str, rep, ctx, *, title_hint: str | None = None, **_):
        if is_standalone_decision(paras, ctx.convert):
            return self._decision(paras, path, rep, ctx.convert), None
        blocks, provisions, history, title = parse_rules(paras, path, rep, ctx.convert)
        date = next((b.text for b in reversed(blocks) if b.kind == "date"), "")
        iso = parse_date(date) if date else ""
        rid = rule_id(title, history, iso)
        first = next((h.date for h in history if h.date), "") or iso
        doc = Document(id=rid, number="", slug=parse_id(rid).last, year=int(first[:4]) if first else 0, title=title,
                       kind="rules", date=first, blocks=blocks, provisions=provisions, history=history,
                       origins=[Origin(path, paras[0].line, paras[-1].end_line)] if paras else [])
        issuer = next((h.body for h in history if h.body), "")
        if issuer:
            doc.issuers = [issuer]
        return doc, None

    def _decision(self, paras, path: str, rep, convert) -> Document:
        """A decision without its decree (is_standalone_decision): read as a decree's decision is
        (``decision.parse_decision``), its adoption as its history; a rule of the archive like the texts it
        changes (``rule/<year>/<slug>-<MMDD>``, the year and day of its adoption: one title may be adopted twice in
        a year), so that it has an address without a number."""
        from .decision import parse_decision

        blocks, provisions, amendments = parse_decision(paras, path, rep, convert)
        title = "".join(b.text for b in blocks if b.kind == "title")
        history = [h for b in blocks if b.kind == "history" for h in parse_history(b.text)]
        if not history:
            rep.error(path, paras[1].line, "cannot read the decision's adoption under its title",
                      "（2026年9月1日北京市人民政府第60次常务会议通过）")
        first = next((h.date for h in history if h.date), "")
        # 修改…的决定: what it does, in its address, with its day of adoption (the city adopts a 关于修改部分规章的决定
        # more than once in a year, under one title)
        rid = rule_id(re.sub(r"^北京市人民政府关于", "", title), history)
        if first:
            rid += f"-{first[5:7]}{first[8:10]}"
        doc = Document(id=rid, number="", slug=parse_id(rid).last, year=int(first[:4]) if first else 0, title=title,
                       kind="decision", date=first, blocks=blocks, provisions=provisions, history=history,
                       amendments=amendments, origins=[Origin(path, paras[0].line, paras[-1].end_line)])
        body = next((h.body for h in history if h.body), "")
        meeting = MEETING.match(body)  # 北京市人民政府第60次常务会议: the government issues, its meeting adopted
        if meeting:
            doc.meta["meeting"] = body
            body = meeting.group(1)
        if body:
            doc.issuers = [body]
        return doc

    def page_context(self, v, d, lang: str) -> dict:
        """The rule's adoption and revision history, as data: date, body, what was done, by which instrument, and
        where its printed words give the date (``date_at``: start, end; None where they do not)."""
        return {"history": [{"date": v.date(h.date, lang) if h.date else "", "date_iso": h.date, "body": h.body,
                             "action": h.action, "instrument": h.instrument, "text": h.text,
                             "date_at": date_span(h.text, h.date) if h.date else None} for h in d.history]}

    def file_name(self, corpus, src) -> str:
        d = next(d for d in corpus.documents.values() if any(o.file == src.path for o in d.origins))
        return f"{d.year}-rules-{d.slug}.txt"


KIND = RulesKind()
