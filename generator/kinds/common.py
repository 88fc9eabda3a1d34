"""Pieces every reader shares: date parsing, organisation-name detection and
turning assembled paragraphs into typed blocks of a circular."""
from __future__ import annotations

import re

from ..model import Block
from .text import parse_date as _parse_date
from ..normalize import DATE_LINE, Para, normalize_text, display_width, compact

ORG_SUFFIX = re.compile(
    r"(人民政府|政府|办公厅|办公室|委员会|管委会|局|委|厅|办|中心|公司|总站|分行|海关|总队|协会|联合会|"
    r"处|所|院|部|署|会|团市委|残联|科协|社|台|站|事处)$"
)
NUMBER_LINE = re.compile(r"^[（(]?[\u4e00-\u9fff]{1,8}\s*[〔\[［]\s*\d{4}\s*[〕\]］]\s*\d+\s*[号號][）)]?$")
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING_2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
CHAPTER = re.compile(r"^第[一二三四五六七八九十百]+章")
PUBLIC_NOTE = re.compile(r"^[（(]此件.{0,6}[）)]$")

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int:
    """一 -> 1, 十一 -> 11, 二十三 -> 23, 一百零八 -> 108."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            raise ValueError(text)
    return total + current


def parse_date(text: str) -> str | None:
    """text.parse_date, None where it finds no date of the calendar."""
    return _parse_date(text) or None


def is_org_line(text: str) -> bool:
    t = normalize_text(text)
    return 2 <= len(t) <= 24 and not re.search(r"[，。；：,;:、《》“”]", t) and bool(ORG_SUFFIX.search(t))


def is_date_line(text: str) -> bool:
    return bool(DATE_LINE.match(text.strip()))


def is_number_line(text: str) -> bool:
    return bool(NUMBER_LINE.match(text.strip()))


def heading_level(text: str) -> int:
    t = text.strip()
    if CHAPTER.match(t):
        return 1
    if HEADING_1.match(t) and len(t) <= 40 and not re.search(r"[。；]", t[:-1]):
        return 2
    if HEADING_2.match(t) and len(t) <= 40 and t[-1] not in "。；":
        return 3
    return 0


def para_block(p: Para, key: str, original_script_convert=None) -> Block:
    """Type an ordinary body paragraph."""
    raw = p.text
    text = normalize_text(raw)
    original = ""
    if original_script_convert:
        original, text = text, original_script_convert(text)
    if p.kind == "footnote":
        return Block("footnote", text, p.line, key=key, original=original)
    if p.kind == "table":  # cells in Simplified like the text (a row is a catalog segment); original as written
        cells = [normalize_text(c) for c in raw.split("\t")]
        if original_script_convert:
            original, cells = "\t".join(cells), [original_script_convert(c) for c in cells]
        return Block("table", "\t".join(cells), p.line, key=key, rows=[cells], row_lines=[p.line], original=original)
    lvl = heading_level(text)
    if lvl:
        return Block("heading", text, p.line, key=key, level=lvl, original=original)
    if is_date_line(text):
        return Block("date", text, p.line, key=key, original=original)
    if PUBLIC_NOTE.match(text):
        return Block("note", text, p.line, key=key, original=original)
    return Block("para", text, p.line, key=key, original=original)


def settle_numbered_sentences(blocks: list[Block]) -> list[Block]:
    """A body's 一、 lines typed one at a time (``heading_level``) made again consistent with their siblings: a
    short one ending with 。 was taken for a heading (一、加强组织领导。), but where a sibling 一、 line is a paragraph
    and nothing stands under it before the next 一、 line (or the body's end), it is one of a list of numbered
    sentences (二、市城市管理委要会同…，具体任务见附件1。 between two numbered paragraphs) and a paragraph as they
    are. A heading with text or a table under it (not a footnote) stays one, whatever its siblings (一、充分认识…的重要性和
    紧迫性。). Returns
    ``blocks``, changed in place."""
    top = [k for k, b in enumerate(blocks) if b.kind in ("heading", "para") and HEADING_1.match(b.text)]
    if not any(blocks[k].kind == "para" for k in top):
        return blocks
    for k in top:
        b = blocks[k]
        under = blocks[k + 1] if k + 1 < len(blocks) and k + 1 not in top else None  # a footnote is not under it
        if b.kind == "heading" and b.level == 2 and b.text.endswith("。") and \
                (under is None or under.kind not in ("heading", "para", "table")):
            b.kind, b.level = "para", 0
    return blocks


def merge_tables(blocks: list[Block]) -> list[Block]:
    """Consecutive table lines become one table block (its original, the rows as written in Traditional
    script, joined like its text: the no-loss check and the page read a block's original where it has one)."""
    out: list[Block] = []
    for b in blocks:
        if b.kind == "table" and out and out[-1].kind == "table":
            last = out[-1]
            if last.original or b.original:
                last.original = (last.original or last.text) + "\n" + (b.original or b.text)
            last.rows.extend(b.rows)
            last.row_lines = (last.row_lines or [last.line]) + (b.row_lines or [b.line])
            last.text += "\n" + b.text
        else:
            out.append(b)
    return out


def first_sentence(text: str) -> str:
    m = re.match(r"^(.*?[。！？])", text)
    return m.group(1) if m else text


def same_text(a: str, b: str) -> bool:
    return compact(a) == compact(b)


__all__ = [
    "cn_number", "parse_date", "is_org_line", "is_date_line", "is_number_line", "heading_level",
    "para_block", "merge_tables", "first_sentence", "same_text", "display_width",
]
