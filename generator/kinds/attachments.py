"""Attachments (附件) of any document, each as its own part with its own provisions.

A document lists its attachments at the end of its body (``附件：1.北京市A方案`` / ``2.北京市B名单``, or
``附件：北京市A方案`` for one), then, after its signature and date, prints each one starting with a label
line ``附件1`` (``附件`` alone for a single one; ``附件2：<title>`` on one line also occurs) and its own
title. ``split_attachments`` cuts the paragraphs there; ``attachment_part`` makes the blocks and the
``attachment`` provision (anchor ``annex-1``; the provisions inside are ``annex-1-part-2``,
``annex-1-article-3`` …). Inside an attachment, a 附表 or 附录 on a line of its own over its title starts a part of
that attachment (``mark_appendices``; ``annex-1-schedule-1``, ``annex-1-appendix-1``: structure.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Report
from ..model import Block, Provision
from ..normalize import Para, compact
from .structure import classify, is_appendix, ordinal, parse_provisions
from .text import CN_NUM, Keys, appendix_label, cn_number, simplified, to_block

LABEL = re.compile(rf"^附件\s*(\d+|{CN_NUM})?\s*[：:]?$")
LABEL_TITLE = re.compile(r"^附件\s*(\d+)\s*[：:]\s*(\S.{0,79})$")
LISTING = re.compile(r"^附件\s*[：:]\s*(.+)$")
LABEL_START = re.compile(rf"^附件\s*(?:\d+|{CN_NUM})?")
LISTED = re.compile(r"^(\d+)\s*[.．、]\s*(.+)$")


@dataclass
class AttachmentPart:
    number: int  # as printed (附件2 -> 2); 0 for a single unnumbered 附件
    title: str
    line: int
    label: list[Para] = field(default_factory=list)  # the 附件N line (with the title when on one line)
    heading: list[Para] = field(default_factory=list)  # the title paragraph(s)
    body: list[Para] = field(default_factory=list)
    repeat: int = 1  # the second, third … attachment printed with this number (a misprinted 附件1 twice)

    @property
    def anchor(self) -> str:
        return annex_anchor(self.number or 1, self.repeat)


def annex_anchor(number: int, repeat: int = 1) -> str:
    """annex-2; the second attachment printed with that number (a misprint) annex-2-2nd."""
    return f"annex-{number}" + (f"-{ordinal(repeat)}" if repeat > 1 else "")


@dataclass
class Attachments:
    main: list[Para]
    listing: list[tuple[int, str, int]] = field(default_factory=list)  # (number, title, line) as listed
    listing_paras: list[Para] = field(default_factory=list)  # the 附件：… lines, inside ``main``
    parts: list[AttachmentPart] = field(default_factory=list)


def _title_like(text: str) -> bool:
    return 0 < len(text) <= 80 and not re.search(r"[。；;]", text) and text[-1] not in "，,：:"


def split_attachments(paras: list[Para], path: str = "", report: Report | None = None, convert=None) -> Attachments:
    """The main text of a document and each attachment as its own part (see the module docstring).
    Problems (numbers that skip, a listed attachment that is not printed) are warnings in ``report``."""
    texts = [simplified(p, convert) for p in paras]
    listing: list[tuple[int, str, int]] = []
    listing_paras: list[Para] = []
    starts: list[tuple[int, int, str, int]] = []  # (index of label, number, title, index of first body para)
    k = 0
    n = len(paras)
    while k < n:
        t = texts[k]
        if paras[k].kind != "para":
            k += 1
            continue
        m = LISTING.match(t)
        if m and not starts and not LABEL_TITLE.match(t):
            rest = m.group(1).strip()
            listing_paras.append(paras[k])
            lm = LISTED.match(rest)
            if lm:
                listing.append((int(lm.group(1)), lm.group(2).strip(), paras[k].line))
                while k + 1 < n and paras[k + 1].kind == "para" and (lm := LISTED.match(texts[k + 1])) \
                        and _title_like(lm.group(2).strip()):
                    k += 1
                    listing_paras.append(paras[k])
                    listing.append((int(lm.group(1)), lm.group(2).strip(), paras[k].line))
            else:
                listing.append((1, rest, paras[k].line))
            k += 1
            continue
        m = LABEL.match(t)
        if m and k + 1 < n and paras[k + 1].kind == "para" and _title_like(texts[k + 1]):
            num = cn_number(m.group(1)) if m.group(1) else 0
            j = k + 1
            title = texts[j]
            # a title wrapped onto a second short line (the joiner keeps short title lines apart)
            while j + 1 < n and paras[j + 1].kind == "para" and _title_like(texts[j + 1]) and len(title) >= 16 \
                    and not LABEL.match(texts[j + 1]) and len(texts[j + 1]) <= 12 and not re.search(r"[，,、]", texts[j + 1]):
                j += 1
                title += texts[j]
            starts.append((k, num, title, j + 1))
            k = j + 1
            continue
        m = LABEL_TITLE.match(t)
        if m and _title_like(m.group(2).strip()) and (listing or starts):
            starts.append((k, int(m.group(1)), m.group(2).strip(), k + 1))
        k += 1

    parts: list[AttachmentPart] = []
    repeats: dict[int, int] = {}  # number -> attachments printed with it so far (each needs its own anchor)
    for idx, (k, num, title, body_start) in enumerate(starts):
        end = starts[idx + 1][0] if idx + 1 < len(starts) else n
        heading_start = k + 1 if body_start > k + 1 else body_start
        repeats[num or 1] = repeats.get(num or 1, 0) + 1
        parts.append(AttachmentPart(num, title, paras[k].line, label=[paras[k]], heading=paras[heading_start:body_start],
                                    body=paras[body_start:end], repeat=repeats[num or 1]))
    main = paras[:starts[0][0]] if starts else list(paras)
    out = Attachments(main, listing, listing_paras, parts)
    _check(out, path, report)
    return out


def _check(a: Attachments, path: str, report: Report | None) -> None:
    if report is None:
        return
    for i, part in enumerate(a.parts):
        expected = i + 1
        if len(a.parts) > 1 and part.number != expected:
            report.warn(path, part.line, f"attachment numbered {part.number or '(none)'} where 附件{expected} "
                        "was expected", f"附件{expected}")
    if a.listing and a.parts:
        if len(a.listing) != len(a.parts):
            report.warn(path, a.listing[0][2], f"{len(a.listing)} attachments listed, {len(a.parts)} printed",
                        "each listed attachment printed after the signature, starting 附件N")
        for (num, title, line), part in zip(a.listing, a.parts):
            if compact(title) != compact(part.title):
                report.warn(path, part.line, f"attachment {part.number or 1} is titled {part.title[:30]!r} but "
                            f"listed as {title[:30]!r} (line {line})", "the same title in the list and above the attachment")
    elif a.listing and not a.parts:
        report.warn(path, a.listing[0][2], "attachments are listed but none is printed in this text",
                    "each attachment after the signature, starting 附件N")


def mark_appendices(blocks: list[Block]) -> list[Block]:
    """The 附表 and 附录 labels of an attachment's body (a paragraph 附表, 附表1, 附录一 …: ``text.APPENDIX``) typed as
    labels (``annex-label``, level 3: a part of the attachment, not an attachment of its own) and the short line
    under one as its title (``title``, level 3), as the 附件N label and its title are. Returns ``blocks``, changed in
    place."""
    for k, b in enumerate(blocks):
        if b.kind not in ("para", "heading") or appendix_label(b.text) is None:
            continue
        b.kind, b.level = "annex-label", 3
        after = blocks[k + 1] if k + 1 < len(blocks) else None
        if after is not None and after.kind in ("para", "heading") and _title_like(after.text.strip()) \
                and classify(after.text) is None and appendix_label(after.text) is None:
            after.kind, after.level = "title", 3
    return blocks


def attachment_part(part: AttachmentPart, keys: Keys, path: str = "", report: Report | None = None,
                    convert=None) -> tuple[list[Block], Provision]:
    """Blocks of one attachment (label, title, body) and its provision, whose children are the
    attachment's own provisions (anchors prefixed ``annex-N-``)."""
    blocks: list[Block] = []
    for p in part.label:
        blocks.append(to_block(p, keys(), "annex-label" if part.heading else "title", convert, level=2))
    for p in part.heading:
        blocks.append(to_block(p, keys(), "title", convert, level=2))
    body = mark_appendices([to_block(p, keys(), "para", convert) for p in part.body])
    blocks.extend(body)
    label = re.sub(r"\s+", "", LABEL_START.match(simplified(part.label[0], convert)).group(0))
    prov = Provision("attachment", str(part.number) if part.number else "", label, part.title, part.anchor, part.line,
                     block_keys=[b.key for b in blocks], text=part.title)
    prov.children = parse_provisions(body, path, report, prefix=f"{part.anchor}-")
    return blocks, prov


def document_provisions(blocks: list[Block], path: str = "", report: Report | None = None) -> list[Provision]:
    """The provisions of a whole document as the existing readers give it (one list of blocks): the main
    text's, then one ``attachment`` provision for each part attached after it: a part starts at a 附件N
    label (kind ``annex-label``, or a paragraph reading 附件 / 附件2) or, without a label, at a title block
    of level 2 after the body (the plan or rules a circular issues). Attachments without a printed number
    are numbered in order (annex-1, annex-2 …)."""
    starts: list[int] = []
    seen_body = False
    for i, b in enumerate(blocks):
        if is_appendix(b) or (b.kind == "title" and i and is_appendix(blocks[i - 1])):
            seen_body = True  # a 附表 or 附录 inside the attachment, and its title: a part of that attachment
            continue
        label = b.kind == "annex-label" or (b.kind in ("para", "title") and LABEL.match(b.text.strip()))
        if label or (b.kind == "title" and b.level >= 2 and seen_body
                     and not (starts and starts[-1] == i - 1 and _is_label(blocks[i - 1]))):
            starts.append(i)
            seen_body = False
        elif b.kind not in ("title", "number", "addressee", "issuer", "issuer-en"):
            seen_body = True
    main = blocks[:starts[0]] if starts else blocks
    provisions = parse_provisions(main, path, report)
    repeats: dict[int, int] = {}  # number -> attachments with it so far: a repeated 附件1 gets annex-1-2nd
    for k, s in enumerate(starts):
        # the 版记 (抄送, …印发) after the last attachment closes the document, not the attachment
        part = [b for b in blocks[s:starts[k + 1] if k + 1 < len(starts) else len(blocks)] if b.kind != "footer"]
        head = [part[0]]
        if _is_label(part[0]) and len(part) > 1 and part[1].kind == "title":
            head.append(part[1])
        m = LABEL_START.match(part[0].text.strip()) if _is_label(part[0]) else None
        printed = re.sub(r"\D", "", m.group(0)) if m else ""
        number = int(printed) if printed else k + 1
        title = head[-1].text if head[-1].kind == "title" else ""
        repeats[number] = repeats.get(number, 0) + 1
        anchor = annex_anchor(number, repeats[number])
        if repeats[number] > 1 and report is not None:
            report.warn(path, part[0].line, f"attachment {number} appears again; this one is {anchor}",
                        "each attachment numbered once (附件1, 附件2 …)")
        prov = Provision("attachment", str(number), re.sub(r"\s+", "", m.group(0)) if m else "", title, anchor,
                         part[0].line, block_keys=[b.key for b in part], text=title)
        prov.children = parse_provisions(part[len(head):], path, report, prefix=f"{anchor}-")
        provisions.append(prov)
    return provisions


def _is_label(b: Block) -> bool:
    return (b.kind == "annex-label" and not is_appendix(b)) or bool(LABEL.match(b.text.strip()))
