"""Reader for a gazette issue (北京市人民政府公报): cover, bilingual table of
contents, the documents it carries (split using the table of contents), and
back matter. The running header inside the text (北京市人民政府公报, with the issue
or without) is removed and recorded as an artefact.

Every document of the issue must be listed in its table of contents: a document
found inside another one's text (its own title, number line and signature date)
is refused, never read as paragraphs of the document before it. Numbers are
matched in their id form (〔〕), whatever brackets the issue prints."""
from __future__ import annotations

import re

from ..errors import Report
from ..i18n.romanize import parse_number
from ..model import Block, Document, GazetteIssue, Origin, Source, TaskList, TocEntry
from ..normalize import RUNNING_TITLE, compact, normalize_text, to_simplified, unwrap
from .base import Kind, Reading
from .circular import canonical_number, title_like
from .citations import TOC_ANNOUNCEMENT, toc_target
from .tables import join_rows
from .common import is_date_line, is_number_line, is_org_line
from .text import calendar_date
from .. import ids

RUNNING_HEADER = "北京市人民政府公报"
ISSUE_RE = re.compile(r"第\s*(\d+)\s*期\s*[（(]\s*总第\s*(\d+)\s*期\s*[）)]")
MAX_NUMBER, MAX_TOTAL = 999, 999_999  # the largest issue number in a year, and in all
DATELINE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*第\s*(\d+)\s*期\s*(\S+)")
# an entry ends with what identifies the document in parentheses (a document number, 北京市人民政府令第N号, an
# announcement's 2026年第N号; in English Jingzhengfa[2026]No. 1, Decree No. N, No. N of 2026), then its page
TOC_ZH_END = re.compile(r"[（(]\s*([^()（）]*?(?:号|號))\s*[）)]\s*[（(]\s*(\d+)\s*[）)]\s*$")
TOC_EN_END = re.compile(r"\(\s*([^()]*?No\.\s*\d+[^()]*?)\s*\)\s*\(\s*(\d+)\s*\)\s*$")
CATEGORY_RE = re.compile(r"^【(.+)】$")


def detect(text: str) -> bool:
    """A gazette issue, printed in Simplified or in Traditional script (公報, 總第, 目錄): the head is matched in
    Simplified, as the decree's and the other kinds' detection is."""
    head = to_simplified(text[:3000])
    return RUNNING_HEADER in head and bool(ISSUE_RE.search(head)) and bool(re.search(r"目\s*录", head))


def _toc(lines: list[str], start: int, end: int, end_re, english: bool, path: str, report: Report):
    entries = []
    category = ""
    buf: list[str] = []
    buf_line = None
    for i in range(start, end):
        s = lines[i].strip()
        if not s:
            continue
        if m := CATEGORY_RE.match(s):
            category = m.group(1)
            buf, buf_line = [], None
            continue
        if buf_line is None:
            buf_line = i + 1
        m = end_re.search(s)
        head = s[: m.start()].strip() if m else s
        if head:
            buf.append(head)
        if m:
            sep = " " if english else ""
            title = sep.join(buf).strip()
            title = re.sub(r"\s+", " ", title) if english else normalize_text(title)
            entries.append((category, title, re.sub(r"\s+", " ", m.group(1)).strip(), int(m.group(2)), buf_line))
            buf, buf_line = [], None
    if buf:
        report.error(path, buf_line, f"table of contents entry without a document number and page: {' '.join(buf)[:40]!r}",
                     "an entry ending with (number) (page)")
    return entries


def _refuse_unlisted(paras, texts, numbers, toc, starts, num_idx, path: str, report: Report) -> None:
    """A document-number line inside another document, with a title before it or a
    signature date block after it, is a document the table of contents does not
    list: refuse the issue rather than read it as the previous document's text."""
    spans = [(num_idx[j] + 1, starts[j + 1] if j + 1 < len(starts) else len(paras), toc[j]) for j in range(len(toc))]
    if starts and starts[0] > 0:
        spans.insert(0, (0, starts[0], None))
    for a, b, host in spans:
        for k in range(a, b):
            num = numbers[k]
            if num is None:
                continue
            titled = k - 1 >= a and paras[k - 1].kind == "para" and title_like(texts[k - 1])
            signed = next((d for d in range(k + 1, b) if paras[d].kind == "para" and is_date_line(texts[d])
                           and is_org_line(texts[d - 1]) and d - 1 > k), None)
            if not (titled or signed is not None or host is None):
                continue
            what = []
            if titled:
                what.append(f"title {texts[k - 1][:40]!r} at line {paras[k - 1].line}")
            if signed is not None:
                what.append(f"signature and date at line {paras[signed].line}")
            where = (f"it would be read as text of {host.number_zh} (listed at line {host.line})" if host
                     else "it comes before the first document the table of contents lists")
            if host is not None and num == host.number_zh:
                report.error(path, paras[k].line, f"a second document numbered {num} inside {num} "
                             f"({', '.join(what)}); {where}",
                             "each document of the issue once, listed in 目录 and CONTENTS")
            else:
                report.error(path, paras[k].line, f"document {num} is not in the table of contents "
                             f"({', '.join(what) or 'its number line'}); {where}",
                             f"an entry '… ({num}) (page)' for it in 目录 and CONTENTS, or no such document in the issue")


def parse(source: Source, report: Report, ctx) -> tuple[GazetteIssue, list[Document], list[TaskList]]:
    path = source.path
    written = source.text.split("\n")
    convert = ctx.convert
    # cover, table of contents and the body are matched in Simplified; blocks keep the lines as written
    lines = [convert(x) for x in written] if convert else written
    head = "\n".join(lines[:40])
    m = ISSUE_RE.search(head)
    dm = DATELINE_RE.search(head)
    if not m or not dm:
        report.error(path, 1, "gazette cover without issue number or dateline",
                     "第 N 期 (总第 N 期) and a line 'YYYY年M月D日 第N期 …主办'")
        report.raise_if_errors()
    number, total = int(m.group(1)), int(m.group(2))
    year = int(dm.group(1))
    date = calendar_date(year, int(dm.group(2)), int(dm.group(3)))
    if not date:
        report.error(path, head[:dm.start()].count("\n") + 1, f"the issue's date {dm.group(0).split('日')[0]}日 is not a "
                     "date of the calendar", "YYYY年M月D日 with a month 1–12 and a day that month has")
    if not (1 <= number <= MAX_NUMBER and 1 <= total <= MAX_TOTAL):
        report.error(path, head[:m.start()].count("\n") + 1, f"issue number {number} (in all {total}) out of range",
                     f"第 N 期 (总第 N 期) with N from 1 to {MAX_NUMBER} and the total from 1 to {MAX_TOTAL}")
    report.raise_if_errors()
    sponsor = dm.group(5)
    gid = ids.format_id("gazette", year, number)

    def find(rx, start=0):
        for i in range(start, len(lines)):
            if re.search(rx, lines[i].strip()):
                return i
        return None

    toc_zh = find(r"^目\s*录$")
    en_head = find(r"^GAZETTE OF", (toc_zh or 0) + 1)
    contents = find(r"^CONTENTS$", (en_head or 0))
    toc_note = find(r"^\(The Table of Contents", (contents or 0))
    if None in (toc_zh, en_head, contents, toc_note):
        report.error(path, 1, "gazette table of contents not found",
                     "目 录 … then GAZETTE OF … CONTENTS … (The Table of Contents is prepared …)")
        report.raise_if_errors()
    zh = _toc(lines, toc_zh + 1, en_head, TOC_ZH_END, False, path, report)
    en = _toc(lines, contents + 1, toc_note, TOC_EN_END, True, path, report)
    if len(zh) != len(en):
        report.error(path, toc_zh + 1, f"Chinese table of contents has {len(zh)} entries, English has {len(en)}",
                     "the same number of entries in both languages")
        report.raise_if_errors()
    toc = [TocEntry(category_zh=a[0], category_en=b[0], title_zh=a[1], title_en=b[1],
                    number_zh=canonical_number(a[2]) if parse_number(re.sub(r"\s+", "", a[2])) else re.sub(r"\s+", "", a[2]),
                    number_en=b[2], page=a[3], line=a[4])
           for a, b in zip(zh, en)]
    targets = [toc_target(e.number_zh, e.title_zh) for e in toc]
    for e, t in zip(toc, targets):
        if t is None and TOC_ANNOUNCEMENT.match(re.sub(r"\s+", "", e.number_zh).strip("()（）")):
            report.error(path, e.line, f"the entry numbered {e.number_zh!r} in the table of contents is not titled as "
                         f"an announcement ({e.title_zh!r})", "a number like 2026年第2号 after a title ending with 公告 "
                         "or 通告 (its issuer, then 关于…的公告)")
        elif t is None:
            report.error(path, e.line, f"unreadable document number {e.number_zh!r} in the table of contents",
                         "a number like 京政发〔2026〕1号, 北京市人民政府令第334号 or 2026年第2号")
    report.raise_if_errors()  # an entry without a number cannot be found in the body

    # front matter: every non-empty line up to the end of the TOC note
    def cover(i: int) -> Block:
        text = normalize_text(lines[i]) if not lines[i].isascii() else lines[i].strip()
        original = normalize_text(written[i]) if convert and not written[i].isascii() else ""
        return Block("cover", text, i + 1, key=f"f{i}", original=original)

    front = [cover(i) for i in range(0, toc_note + 1) if lines[i].strip()]
    # the TOC note may wrap onto a second line
    body_start = toc_note + 1
    while body_start < len(lines) and lines[body_start].strip() and not lines[body_start - 1].strip().endswith(")"):
        front.append(cover(body_start))
        body_start += 1
    toc_note_text = " ".join(lines[i].strip() for i in range(toc_note, body_start) if lines[i].strip())
    # every page of the body carries the running header, a page number beside it or not (the seed's text layer
    # lost them): a line that is the header and nothing else, in either script, with the issue or without
    # (北京市人民政府公报, 北京市人民政府公报  2026年第12期), is the page's, not a document's
    headers = {s: "running header" for s in (x.strip() for x in written[body_start:]) if RUNNING_TITLE.match(s)}
    paras, artefacts = unwrap(written, body_start, len(lines), drop=headers)
    source.artefacts.extend(artefacts)
    paras = join_rows(paras, path, report)

    # locate each document: its number paragraph, then its title walking back
    texts = [convert(normalize_text(p.text)) if convert else normalize_text(p.text) for p in paras]
    numbers = [canonical_number(t) if p.kind == "para" and is_number_line(t) else None for p, t in zip(paras, texts)]
    starts, num_idx = [], []
    search_from = 0
    flat = [re.sub(r"[\s()（）]", "", t) for t in texts]
    for e, target in zip(toc, targets):
        if target.startswith("decree/"):  # the head 北京市人民政府令 / 第N号 starts the document
            head = f"第{target[len('decree/'):]}号"
            k = next((k for k in range(search_from, len(paras)) if flat[k] in (f"北京市人民政府令{head}", head)
                      and (flat[k] != head or (k > 0 and flat[k - 1] == "北京市人民政府令"))), None)
            if k is None:
                report.error(path, e.line, f"decree {e.number_zh} listed in the table of contents is not in the issue",
                             f"a head 北京市人民政府令 {head} in the body")
                continue
            start = k if flat[k] != head else k - 1
            starts.append(start)
            num_idx.append(k)
            search_from = k + 1
            continue
        printed = e.number_zh if target.startswith("doc:") else re.sub(r"[\s()（）]", "", e.number_zh)
        k = next((k for k in range(search_from, len(paras))
                  if (numbers[k] == printed if target.startswith("doc:") else flat[k] == printed)), None)
        if k is None:
            report.error(path, e.line, f"document {e.number_zh} listed in the table of contents is not in the issue",
                         f"a line {e.number_zh} in the body")
            continue
        want = compact(e.title_zh)
        acc, j, start = "", k - 1, None
        while j >= search_from:
            acc = compact(texts[j]) + acc
            if acc == want:
                start = j
                break
            if not want.endswith(acc):
                break
            start = j if acc.startswith("关于") else start
            j -= 1
        if start is None:
            report.error(path, paras[k].line, f"title of {e.number_zh} does not match the table of contents",
                         f"{e.title_zh!r} before the number line")
            continue
        while start - 1 >= search_from and is_org_line(texts[start - 1]):  # issuer block
            start -= 1
        starts.append(start)
        num_idx.append(k)
        search_from = k + 1
    report.raise_if_errors()
    _refuse_unlisted(paras, texts, numbers, toc, starts, num_idx, path, report)
    report.raise_if_errors()

    # back matter (how to obtain the gazette, its colophon) starts at the first short
    # heading that names the gazette after the last document's number line
    back_start = next((k for k in range(num_idx[-1] + 1, len(paras))
                       if paras[k].kind == "para" and "公报" in texts[k] and len(texts[k]) <= 20), len(paras))
    last_date = back_start - 1
    ends = starts[1:] + [back_start]
    docs: list[Document] = []
    tasklists: list[TaskList] = []
    for e, s, t in zip(toc, starts, ends):
        doc, tl = ctx.read_document(paras[s:t], path, report, ctx)
        doc.title_en = e.title_en
        doc.category, doc.category_en = e.category_zh, e.category_en
        doc.page, doc.gazette = e.page, gid
        doc.meta["number_en_printed"] = e.number_en
        if tl is not None:
            tasklists.append(tl)
        docs.append(doc)
    back = [Block("back", texts[k], paras[k].line, key=f"b{k}",
                  original=normalize_text(paras[k].text) if convert else "") for k in range(last_date + 1, len(paras))]
    issue = GazetteIssue(id=gid, year=year, number=number, total_number=total, date=date, sponsor=sponsor,
                         toc=toc, documents=[d.id for d in docs], front=front, back=back, toc_note=toc_note_text,
                         origin=Origin(path, 1, len(lines)))
    return issue, docs, tasklists


class GazetteKind(Kind):
    """An issue of the municipal gazette: cover, bilingual table of contents, the documents it carries (each
    read by its own kind), back matter."""

    name, schemes, family = "gazette", ("gazette",), "gazettes"
    label = "gazette issue"
    expected = "gazette issue (公报 cover with 第N期 and 目录)"

    def detect(self, text: str) -> bool:
        return detect(text)

    def read(self, src, rep, ctx) -> Reading:
        issue, docs, tls = parse(src, rep, ctx)
        for d in docs:  # each document of the issue is in the issue's script
            d.original_script = "traditional" if src.traditional else "simplified"
        by_doc = {t.document: t for t in tls}
        return Reading(documents=[(d, by_doc.get(d.id)) for d in docs], items={"gazettes": [issue]},
                       blocks=list(issue.front) + [b for d in docs for b in d.blocks] + list(issue.back))

    def source_files(self, corpus, g) -> set[str]:
        return {g.origin.file}

    def file_name(self, corpus, src) -> str:
        g = next(g for g in corpus.gazettes.values() if g.origin.file == src.path)
        return f"{g.year}-gazette-{g.number:03d}.txt"

    # -------------------------------------------------------------- publishing
    def title(self, v, item_id: str, lang: str) -> str | None:
        g = v.corpus.gazettes.get(item_id)
        if g is None:
            return None
        return v.ui[lang]["title_gazette"].format(year=g.year, n=g.number, total=g.total_number)

    def citation(self, v, item_id: str, lang: str) -> str | None:
        g = v.corpus.gazettes.get(item_id)
        return v.ui[lang]["list_sep"].join([v.title(g.id, lang), v.date(g.date, lang)]) if g else None

    def page_groups(self, v, lang: str):
        yield "gazette", (lambda: v.build.gazette_index(lang))
        for gid in [g.id for g in sorted(dict.values(v.corpus.gazettes), key=lambda g: (g.year, g.number), reverse=True)]:
            yield gid, (lambda gid=gid: iter([v.build.gazette(v.corpus.gazettes[gid], lang)]))


KIND = GazetteKind()
