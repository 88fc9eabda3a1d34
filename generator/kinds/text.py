"""Small pieces the kind parsers share: Chinese numerals, dates, signature lines, and turning
assembled paragraphs (``normalize.Para``) into blocks that keep the original script.

Pure functions: no I/O, nothing from the site or the loader."""
from __future__ import annotations

import re

from ..model import Block
from ..normalize import DATE_LINE, SUPERSCRIPTS, Para, normalize_text

# a Chinese numeral of any size as printed in labels (第一百二十三条), or Arabic figures (第12号)
CN_NUM = r"[零〇一二两三四五六七八九十百千]+"
NUM = rf"(?:{CN_NUM}|\d+)"

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_number(text: str) -> int:
    """一 -> 1, 十一 -> 11, 二十三 -> 23, 一百零八 -> 108, 一千零一 -> 1001, 12 -> 12 (full-width figures too)."""
    t = text.strip().translate(_FULLWIDTH_DIGITS)
    if t.isdigit():
        return int(t)
    if not t:
        raise ValueError(text)
    total, current = 0, 0
    for ch in t:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            raise ValueError(text)
    return total + current


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# the title of an amendment or repeal decision: …关于修改/废止…的决定
DECISION_TITLE = re.compile(r"关于.*(修改|废止).*的决定$")
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def calendar_date(y: int, m: int, d: int) -> str:
    """The ISO form of a date of the calendar (years 1 to 9999); "" for one that is not (2月30日, 13月, year 0)."""
    import datetime

    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return ""


def parse_date(text: str) -> str:
    """ISO form of the first date written 2026年3月1日 in ``text``, or "" (none, or a misprint that is no date
    of the calendar: read as no date; parse_source reports it with its line, see impossible_dates)."""
    m = DATE_RE.search(text)
    return calendar_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else ""


def date_span(text: str, iso: str) -> tuple[int, int] | None:
    """Where ``text`` prints the date ``iso`` (2026年3月1日, as printed: spaces inside included), or None."""
    for m in DATE_RE.finditer(text):
        if calendar_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) == iso:
            return m.span()
    return None


def impossible_dates(text: str) -> list[str]:
    """The dates written 2026年3月1日 in ``text`` that are no dates of the calendar."""
    return [m.group(0) for m in DATE_RE.finditer(text)
            if not calendar_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))]


def is_date_line(text: str) -> bool:
    return bool(DATE_LINE.match(text.strip()))


ORG_SUFFIX = re.compile(r"(人民政府|政府|办公厅|办公室|委员会|管委会|局|委|厅|办|中心|公司|海关|总队|协会|联合会|"
                        r"处|所|院|部|署|会|社|台|站)$")


def is_org_line(text: str) -> bool:
    """A short line naming an organisation (a signature or issuer line)."""
    return 2 <= len(text) <= 24 and not re.search(r"[，。；：,;:、《》“”]", text) and bool(ORG_SUFFIX.search(text))


def to_block(p: Para, key: str, kind: str = "para", convert=None, **kw) -> Block:
    """A block of ``p``: normalised text in Simplified script; ``original`` keeps the text as written
    when ``convert`` (Traditional -> Simplified) is given."""
    written = normalize_text(p.text)
    if p.kind == "table":
        cells = [normalize_text(c) for c in p.text.split("\t")]
        written = "\t".join(cells)
        text = convert(written) if convert else written
        return Block("table", text, p.line, key=key, rows=[text.split("\t")], row_lines=[p.line],
                     original=written if convert else "")
    if p.kind == "footnote":
        kind = "footnote"
    text = convert(written) if convert else written
    return Block(kind, text, p.line, key=key, original=written if convert else "", **kw)


def before_footnotes(paras: list[Para], start: int = 0) -> int:
    """The index after the last paragraph of ``paras[start:]`` that is not a footnote: where a document's closing
    date stands when footnotes are printed under it."""
    end = len(paras)
    while end > start and paras[end - 1].kind == "footnote":
        end -= 1
    return end


# a part of its own inside an attachment, printed on a line of its own over its title: 附表 (a schedule: a table the
# text refers to), 附录 (an appendix: definitions, forms …), numbered or not (附表1, 附录一, 附录A)
APPENDIX = re.compile(rf"^(?:(?P<schedule>附表)|(?P<appendix>附录))\s*(?P<n>{CN_NUM}|\d+|[A-Z])?$")


def appendix_label(text: str):
    """(the provision kind, "schedule" or "appendix", and the number as printed or "") of a line that is a 附表 or
    附录 label, or None."""
    m = APPENDIX.match(text.strip())
    return ("schedule" if m.group("schedule") else "appendix", m.group("n") or "") if m else None


# a footnote's marker: superscript figures (¹, ²³ …), as printed after the words a note explains and before the note
MARKER = re.compile(f"[{SUPERSCRIPTS}]+")
_EXPONENT = re.compile(r"\d\s*[A-Za-z]{0,3}$")  # 10³, 5000m², 3 km²: a power, not a note's marker
_SUPER_DIGITS = str.maketrans(SUPERSCRIPTS, "1234567890")


def markers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, marker) of each footnote marker in ``text`` (not an exponent: 5000m²)."""
    return [(m.start(), m.end(), m.group(0)) for m in MARKER.finditer(text)
            if not _EXPONENT.search(text[:m.start()])]


def unmarked(text: str) -> str:
    """``text`` without its footnote markers: a heading's name (支持低空飞行器¹研发制造 -> 支持低空飞行器研发制造); the
    markers call a note from the text, the name is the words."""
    for start, end, _ in reversed(markers(text)):
        text = text[:start] + text[end:]
    return text


def marker_number(marker: str) -> str:
    """The figures of a marker: ² -> 2, ¹⁰ -> 10."""
    return marker.translate(_SUPER_DIGITS)


def footnote_marker(text: str) -> str:
    """The marker a footnote opens with (¹ of ``¹ 低空飞行器，是指…``), or ""."""
    m = MARKER.match(text.lstrip())
    return m.group(0) if m else ""


def footnote_targets(blocks: list[Block]) -> dict[str, dict[str, str]]:
    """Key of each block of running text that carries footnote markers -> {marker: key of its footnote}: the first
    footnote block with that marker after the block (a note is printed under the text that calls it, at the foot of
    its page; an attachment numbers its notes afresh), else the last one before it (a note lifted out of the
    paragraph it interrupted stands before the end of that paragraph)."""
    notes = [(k, footnote_marker(b.text), b.key) for k, b in enumerate(blocks) if b.kind == "footnote"]
    out: dict[str, dict[str, str]] = {}
    for k, b in enumerate(blocks):
        if b.kind in ("footnote", "table"):
            continue
        for _, _, mark in markers(b.text):
            after = next((key for j, m, key in notes if j > k and m == mark), None)
            before = next((key for j, m, key in reversed(notes) if j < k and m == mark), None)
            if after or before:
                out.setdefault(b.key, {})[mark] = after or before
    return out


def simplified(p: Para, convert=None) -> str:
    """The normalised, Simplified text of a paragraph (what the parsers match against)."""
    t = normalize_text(p.text)
    return convert(t) if convert else t


class Keys:
    """Block keys ``p0``, ``p1``, … in document order (translation keys, as the other readers make)."""

    def __init__(self, start: int = 0):
        self.n = start

    def __call__(self) -> str:
        k = f"p{self.n}"
        self.n += 1
        return k


def cn_numeral(n: int) -> str:
    """2 -> 二, 10 -> 十, 12 -> 十二, 23 -> 二十三, 105 -> 一百零五 (labels such as 第二款)."""
    d = "零一二三四五六七八九"
    if n < 10:
        return d[n]
    if n < 20:
        return "十" + (d[n % 10] if n % 10 else "")
    if n < 100:
        return d[n // 10] + "十" + (d[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + d[rest] if rest < 10 else ("一" + cn_numeral(rest) if rest < 20 else cn_numeral(rest)))
        return d[n // 100] + "百" + tail
    return str(n)
