"""Reader for a single official document (通知 / 公告 / 意见 …): optional issuer
block, title, document number, addressees, body, signature block, date,
optional publication note, and an optional attachment (the issued plan, rules
or list) that may end with its own signature and date."""
from __future__ import annotations

import re

from ..errors import Report
from ..i18n.romanize import number_slug, parse_number
from ..model import Block, Document, Origin
from ..normalize import CJK_RE, Para, normalize_text, compact
from .common import PUBLIC_NOTE, is_date_line, is_number_line, is_org_line, merge_tables, para_block, parse_date


def _kind_of(title: str) -> str:
    if title.endswith("公告"):
        return "announcement"
    if title.endswith("通知"):
        return "circular"
    return "notice"


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
        number = re.sub(r"\s+", "", text[num_idx]).strip("()（）")
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
    addressees: list[str] = []
    if i < n and text[i].endswith(("：", ":")) and len(text[i]) <= 80:
        addressees = [a for a in re.split(r"[，,]", text[i].rstrip("：:")) if a]
        add("addressee", i)
        i += 1
    # body until the first signature date
    date_idx = next((k for k in range(i, n) if paras[k].kind == "para" and is_date_line(text[k])), None)
    sig_start = date_idx
    if date_idx is not None:
        while sig_start - 1 >= i and paras[sig_start - 1].kind == "para" and is_org_line(text[sig_start - 1]):
            sig_start -= 1
    body_end = sig_start if sig_start is not None else n
    for k in range(i, body_end):
        blocks.append(_typed(paras[k], text[k], len(blocks), convert))
    signatories: list[str] = []
    date = ""
    rest_start = n
    if date_idx is not None:
        for k in range(sig_start, date_idx):
            signatories.append(text[k])
            add("signature", k)
        add("date", date_idx)
        date = parse_date(text[date_idx]) or ""
        rest_start = date_idx + 1
        if rest_start < n and PUBLIC_NOTE.match(text[rest_start]):
            add("note", rest_start)
            rest_start += 1
    letterhead = issuers
    issuers = signatories or issuers
    parsed = parse_number(number) if number else None
    year = parsed[1] if parsed else int(date[:4]) if date else 0
    doc = Document(
        id=f"doc:{number}", number=number, slug=number_slug(number) if parsed else "", year=year,
        title=title, kind=_kind_of(title), issuers=issuers, addressees=addressees, date=date,
        blocks=merge_tables(blocks),
        origins=[Origin(path, paras[0].line if paras else 1, paras[-1].end_line if paras else 1)],
    )
    if letterhead:
        doc.meta["letterhead"] = letterhead
    if not parsed:
        report.error(path, paras[num_idx].line if paras else 1, f"unreadable document number {number!r}",
                     "a number like 京政发〔2026〕1号")
    return doc, paras[rest_start:]


def _typed(p: Para, text: str, idx: int, convert) -> Block:
    b = para_block(p, f"p{idx}")
    if convert:
        b.original, b.text = b.text, text
    return b


def attachment_blocks(doc: Document, paras: list[Para], *, convert=None) -> None:
    """Append a generic attachment: title, body, trailing signature and date."""
    if not paras:
        return
    conv = convert or (lambda s: s)
    start = len(doc.blocks)
    first = paras[0]
    title = conv(normalize_text(first.text))
    doc.attachment_title = title
    doc.blocks.append(Block("title", title, first.line, key=f"p{start}", level=2,
                            original=normalize_text(first.text) if convert else ""))
    body = paras[1:]
    texts = [conv(normalize_text(p.text)) for p in body]
    # trailing signature + date
    end = len(body)
    tail: list[Block] = []
    if end and body[-1].kind == "para" and is_date_line(texts[-1]):
        k = end - 1
        sig = k
        while sig - 1 >= 0 and body[sig - 1].kind == "para" and is_org_line(texts[sig - 1]):
            sig -= 1
        end = sig
        for j in range(sig, k + 1):
            tail.append(Block("signature" if j < k else "date", texts[j], body[j].line))
    new = []
    for j in range(end):
        b = para_block(body[j], "")
        if convert:
            b.original, b.text = b.text, texts[j]
        new.append(b)
    new = merge_tables(new + tail)
    for b in new:
        b.key = f"p{len(doc.blocks)}"
        doc.blocks.append(b)
    doc.origins[0].end_line = paras[-1].end_line


def title_matches(toc_title: str, candidate: str) -> bool:
    return compact(toc_title) == compact(candidate)
