"""Text normalisation shared by every reader.

* script: Traditional -> Simplified with OpenCC (the original is always kept);
* width: ASCII punctuation between Chinese characters becomes full-width, stray
  spaces inside Chinese text and numbers (``2026 年``) are removed;
* layout: PDF line wraps are joined back into paragraphs, running headers and page numbers are
  removed and recorded as artefacts, footnotes are lifted out of the paragraph
  they interrupt.

Nothing here drops a Chinese character silently: removed lines are returned as
artefacts so the coverage check can account for them.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
# Chinese punctuation that may sit next to a space which should not be there.
CJK_PUNCT = "，。、；：！？“”‘’（）《》〈〉【】〔〕—…·「」『』"
_CJKISH = f"[{CJK}{CJK_PUNCT}]"

TERMINAL = set("。；：！？…”’」』;:!?")
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"


_NOT_CJK_RE = re.compile(f"[^{CJK}]+")


def cjk_chars(text: str) -> str:
    """The Chinese characters of ``text``, in order (one regex pass, no list of one-character strings)."""
    return _NOT_CJK_RE.sub("", text)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


def is_traditional(text: str) -> bool:
    """True when converting to Simplified changes a noticeable share of characters."""
    sample = "".join(m.group(0) for m in itertools.islice(CJK_RE.finditer(text), 4000))
    if not sample:
        return False
    changed = sum(1 for a, b in zip(sample, to_simplified(sample)) if a != b)
    return changed / len(sample) > 0.03


_SPACE_BETWEEN = [
    # space between two Chinese characters / Chinese punctuation
    re.compile(f"(?<={_CJKISH})[ \u3000]+(?={_CJKISH})"),
    # space between Chinese and a digit, either way ("2026 年", "第 12 期")
    re.compile(f"(?<={_CJKISH})[ \u3000]+(?=[0-9])"),
    re.compile(f"(?<=[0-9%])[ \u3000]+(?={_CJKISH})"),
]

_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_PUNCT_NEAR_CJK = re.compile(f"(?<={_CJKISH})([,:;?!])|([,:;?!])(?={_CJKISH})")
_HALF_PUNCT = re.compile("[,:;?!]")
_PAREN_OPEN = re.compile(f"\\((?=[^()]*[{CJK}])([^()]*)\\)")


def clean_spaces(text: str) -> str:
    if " " not in text and "\u3000" not in text:
        return text
    for rx in _SPACE_BETWEEN:
        text = rx.sub("", text)
    return text


def fullwidth_punct(text: str) -> str:
    def sub(m):
        ch = m.group(1) or m.group(2)
        return _HALF_TO_FULL[ch]

    if _HALF_PUNCT.search(text):
        text = _PUNCT_NEAR_CJK.sub(sub, text)
    # parentheses whose content is Chinese become full-width
    if "(" in text:
        text = _PAREN_OPEN.sub(lambda m: "（" + m.group(1) + "）", text)
    return text


# every rewrite below needs one of these characters; most lines of Chinese text have none
_NEEDS_WORK = re.compile(r"[ \u3000,:;?!(]")


@lru_cache(maxsize=None)
def normalize_text(text: str) -> str:
    """Display form of a line of Chinese text.

    Memoised: the readers normalise each paragraph several times (to classify it,
    then to keep it). ``parse_source`` clears the memo for every source, so it
    holds one document's lines at most."""
    text = text.replace("**", "").replace("\t", " ").strip()
    if not _NEEDS_WORK.search(text):
        return text
    text = clean_spaces(text)
    text = fullwidth_punct(text)
    return text


@lru_cache(maxsize=1 << 16)
def compact(text: str) -> str:
    """Matching form: NFKC, Simplified, no whitespace, no markup. (Memoised: merging the publications
    of a document compares the same paragraphs again for every copy.)"""
    text = unicodedata.normalize("NFKC", text.replace("**", ""))
    text = re.sub(r"\s+", "", text)
    return to_simplified(text)


# --------------------------------------------------------------------------
# Paragraph assembly


STRUCTURAL = [
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
    re.compile(r"^\d+[\.．、](?!\d)"),
    re.compile(r"^[（(]\d+[）)]"),
    re.compile(r"^主责单位\s*[:：]"),
    re.compile(r"^第[一二三四五六七八九十百千零〇两]+[编章条节編條節]"),  # Traditional 條 節 編 too
    re.compile(f"^[{SUPERSCRIPTS}]"),
    re.compile(r"^——"),
    re.compile(r"^方向\s*\d"),
    re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$"),
    re.compile(r"^注\s*[:：]"),
    re.compile(r"^\[.+?\]"),
    re.compile(r"^[（(]?[\u4e00-\u9fff]{1,8}\s*[〔\[［]\s*\d{4}\s*[〕\]］]\s*\d+\s*[号號][）)]?$"),
    # the number line of a decree or an announcement (第331号, 2026年第1号, （2026年第1号）)
    re.compile(r"^[（(]?\s*(?:\d{4}\s*年\s*)?第\s*\d+\s*[号號]\s*[）)]?$"),
    # the label above an attachment (附件, 附件2)
    re.compile(r"^附件\s*\d*\s*[：:]?$"),
]
HEADING_START = [STRUCTURAL[0], STRUCTURAL[1], STRUCTURAL[5]]
DATE_LINE = STRUCTURAL[9]
ANNEX_LABEL = STRUCTURAL[14]
LABEL_LINE = re.compile(r"^[\u4e00-\u9fff ]{2,10}[:：]")
# a short line that only names an issuing body (a signature line: 北京市人民政府) does not continue a
# paragraph that did not stop at a comma: the end of a wrapped paragraph carries its punctuation
SIGNATURE_LINE = re.compile(r"^(?:北京市|中共北京市|国家)[\u4e00-\u9fff]{0,13}(人民政府|办公厅|办公室|委员会|局|委|厅)$")


def display_width(text: str) -> float:
    w = 0.0
    for ch in text:
        w += 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5
    return w


_STRUCTURAL_ANY = re.compile("|".join(f"(?:{rx.pattern})" for rx in STRUCTURAL))  # one match, not thirteen


def is_structural(line: str) -> bool:
    return _STRUCTURAL_ANY.match(line) is not None


@dataclass
class Para:
    text: str  # raw joined text (not yet normalised)
    line: int  # 1-based first source line
    end_line: int
    lines: list[int] = field(default_factory=list)
    kind: str = "para"  # para | footnote | table
    title_like: bool = False  # first paragraph after a signature date: a title
    annex_title: bool = False  # the title under an attachment's label (附件2), which may wrap onto a second line

    @property
    def clean(self) -> str:
        return normalize_text(self.text)


@dataclass
class Artefact:
    line: int
    text: str
    reason: str


# A wrapped PDF line is nearly full width; a shorter line ends its paragraph.
WRAP_WIDTH = 19.0


# a line that ends on one of these stops mid-sentence: it is never a heading
MID_SENTENCE = "，,、“‘《〈（(—"
# an article's line (第三条 …) is its text, not a heading over it (第一章 总则 is one)
ARTICLE_LINE = re.compile(r"^第[一二三四五六七八九十百千零〇两]+[条條](?:之[一二三四五六七八九十]+)?[\s\u3000]*\S")


def wrap_width(lines: list[str]) -> float | None:
    """The width a text extracted from a PDF was wrapped at: the width, give or take one, of at least three
    lines that run on into the next line without a blank between and stop mid-sentence, a third of such lines,
    and among them two that are not headings (headings over their text, one paragraph a line, and the title are
    as wide as their words; an article's line, 第三条…, is its text, not a heading); no more than a tenth of the
    lines wider. None: the text is not wrapped at one width."""
    first = next((i for i, x in enumerate(lines) if x.strip()), 0)  # the title: as wide as its words
    found = [(round(display_width(a)), is_structural(a.strip()) and not ARTICLE_LINE.match(a.strip()))
             for i, (a, b) in enumerate(zip(lines, lines[1:]))
             if i != first and a.strip() and b.strip() and a.rstrip()[-1] not in TERMINAL
             and display_width(a.strip()) >= WRAP_WIDTH]
    if not found:
        return None
    count = Counter(w for w, _ in found)
    w, n = max(((w, count[w - 1] + count[w] + count[w + 1]) for w in count), key=lambda x: (x[1], x[0]))
    if n < 3 or 3 * n < len(found) or sum(1 for x, head in found if abs(x - w) <= 1 and not head) < 2:
        return None
    text = [x for x in lines if x.strip()]
    wider = sum(1 for x in text if display_width(x.strip()) > w + 1.5)
    return float(w) if 10 * wider <= len(text) else None


def _full(line: str, width: float | None) -> bool:
    """The line is as wide as the text's wrapped lines: it was cut where the page ended, not where it ends."""
    return width is not None and abs(display_width(line) - width) <= 1.5


# the words a document's title ends with (its genre), or a closing bracket (…方案（2026—2028年）)
TITLE_END = re.compile(r"(方案|办法|规定|意见|细则|通知|决定|计划|规划|纲要|目录|清单|名单|名录|要点|措施|标准|规范|指引|指南|"
                       r"说明|规则|条例|公告|通告|报告|表|书|[）)])$")


def _title_goes_on(prev: Para, last: str, nxt: str) -> bool:
    """An attachment's title wrapped onto a second line: its first line is long and stops without a mark, and
    the next is shorter, holds no sentence's punctuation and ends the title (…集中充电设施建设 / 三年行动方案
    （2026—2028年））; the text under a title, or a heading without a number, does not."""
    return (len(prev.lines) == 1 and display_width(last) >= WRAP_WIDTH and last.rstrip()[-1:] not in TERMINAL
            and display_width(nxt) < display_width(last) - 1 and not re.search("[。，,；;：:！？]", nxt)
            and bool(TITLE_END.search(nxt.strip())))


def _joins(prev: Para, prev_last_line: str, nxt: str, hard: bool, width: float | None = None,
           first: str = "") -> bool:
    """Whether line ``nxt`` goes on paragraph ``prev``, whose last line is ``prev_last_line`` and first ``first``;
    ``width``: the text's wrap width (``wrap_width``)."""
    if hard or prev.kind != "para":
        return False
    # a line that looks like a label (联系人：) goes on a paragraph whose last line was cut at the full width of
    # its lines before (…现就有关事项通 / 告如下：), or at the full width of the text's lines inside a sentence,
    # on a word or a comma (第三条…其中集中绿地 / 面积应当符合下列要求：)
    end = prev_last_line.rstrip()[-1:]
    cut = (len(prev.lines) > 1 and abs(display_width(prev_last_line) - display_width(first)) <= 1
           or _full(prev_last_line, width) and (end.isalnum() or end in MID_SENTENCE))
    label = LABEL_LINE.match(nxt) and display_width(nxt) <= 30 and not cut
    if "\t" in nxt or is_structural(nxt) or nxt.startswith("**") or label:
        return False
    if prev.title_like and not (prev.annex_title and _title_goes_on(prev, prev_last_line, nxt)):
        return False
    if SIGNATURE_LINE.match(nxt) and prev_last_line.rstrip()[-1:] not in "，,、；;：:":
        return False
    if bool(CJK_RE.search(prev_last_line)) != bool(CJK_RE.search(nxt)):  # English line next to Chinese
        return False
    p = prev_last_line.rstrip()
    if not p or p[-1] in TERMINAL:
        return False
    if p[0] in "(（" and p[-1] in ")）":  # a whole parenthesised line, e.g. (此件公开发布)
        return False
    if p.endswith("**"):
        return False
    first_line = prev.text.split("\n")[0]
    if any(rx.match(first_line) for rx in HEADING_START) and len(prev.lines) == 1 \
            and display_width(first_line) < 45 and not re.search("[。；;]", first_line) \
            and not (ARTICLE_LINE.match(first_line) or p[-1] in MID_SENTENCE or _full(p, width)):
        return False
    return display_width(p) >= WRAP_WIDTH


# a printed page's number as a PDF's text layer gives it: — 23 —, －4－, - 12 -
PAGE_NUMBER = re.compile(r"^[—–－-]{1,2}\s*\d{1,4}\s*[—–－-]{1,2}$")
# the running header or footer beside it, a line that is nothing else: the publication's name (in either script,
# its letters spaced or not), its issue (2026年第20期, 总第944期, both), or both in either order with any space
# between (北京市人民政府公报          2026年第20期; an even page may print the issue alone, an odd one the name).
# A document titled …公报, or a sentence naming the gazette, is not furniture.
_GAZETTE_NAME = r"\s*".join("北京市人民政府公") + r"\s*[报報]"
_ISSUE = (r"(?:(?:\d{4}\s*年\s*)?第\s*\d{1,3}\s*期\s*(?:[（(]?\s*[总總]\s*第\s*\d{1,6}\s*期\s*[）)]?)?"
          r"|[（(]?\s*[总總]\s*第\s*\d{1,6}\s*期\s*[）)]?)")
_ISSUE_ALONE = r"(?=[（(]?\s*(?:\d{4}\s*年|[总總]))" + _ISSUE  # an issue alone names its year or its total number
_BETWEEN = r"\s*[·•・|｜]?\s*"  # 公报·2026年第20期, 公报（2026年第20期）: what a header may print between name and issue
RUNNING_TITLE = re.compile(rf"^(?:{_GAZETTE_NAME}(?:{_BETWEEN}[（(]?\s*{_ISSUE}\s*[）)]?|{_BETWEEN}{_ISSUE})?|"
                           rf"{_ISSUE}{_BETWEEN}{_GAZETTE_NAME}|{_ISSUE_ALONE})$")


def page_furniture(lines: list[str], start: int, end: int) -> dict[int, str]:
    """The lines of ``lines[start:end]`` that are a page's furniture, not its text: page numbers, and the
    running header next to one (only blank lines between; a header of two lines, the name over the issue, too).
    Index -> the reason, as an artefact records it."""
    out: dict[int, str] = {}
    for i in range(start, end):
        if not PAGE_NUMBER.match(lines[i].strip()):
            continue
        out[i] = "page number"
        for step in (-1, 1):
            j = i + step
            for _ in range(2):
                while start <= j < end and not lines[j].strip():
                    j += step
                if not (start <= j < end and RUNNING_TITLE.match(lines[j].strip())):
                    break
                out[j] = "running header"
                j += step
    return out


def unwrap(lines: list[str], start: int, end: int, *, drop: dict[str, str] | None = None,
           hard: set[int] | None = None) -> tuple[list[Para], list[Artefact]]:
    """Assemble paragraphs from ``lines[start:end]`` (0-based, end exclusive).

    ``drop`` maps exact line texts (stripped) to the reason they are layout
    artefacts (running headers). ``hard`` holds 0-based line indexes that must
    start a new paragraph. Consecutive non-blank lines inside ``** … **`` or
    without a blank between them are joined (PDF soft wrap); a line after a
    blank joins the previous paragraph when that paragraph was cut mid-sentence
    at full line width. Footnotes and running headers met inside a wrapped
    paragraph do not break it.
    """
    drop = drop or {}
    hard = hard or set()
    furniture = page_furniture(lines, start, end)
    width = wrap_width([x for i, x in enumerate(lines[start:end], start) if i not in furniture])  # the text's own
    paras: list[Para] = []
    artefacts: list[Artefact] = []
    open_para: Para | None = None  # paragraph that may still continue
    last_line_text = ""
    in_bold = False
    for i in range(start, end):
        raw = lines[i].rstrip("\n").rstrip("\r")
        s = raw.strip()
        if not s:
                    continue
        if s in drop or i in furniture:
            artefacts.append(Artefact(i + 1, s, drop.get(s) or furniture[i]))
            continue
        if s[0] in SUPERSCRIPTS:
            paras.append(Para(s, i + 1, i + 1, [i + 1], kind="footnote"))
            continue
        if "\t" in raw:
            paras.append(Para(raw.rstrip(" \r\n\u3000"), i + 1, i + 1, [i + 1], kind="table"))
            open_para = None
            continue
        soft = in_bold and open_para is not None
        if open_para is not None and (soft or _joins(open_para, last_line_text, s, i in hard, width,
                                                     lines[open_para.line - 1].strip())):
            prev_ch = open_para.text[-1]
            sep = " " if prev_ch.isascii() and prev_ch.isalnum() and s[0].isascii() and s[0].isalpha() else ""
            open_para.text += sep + s
            open_para.end_line = i + 1
            open_para.lines.append(i + 1)
        else:
            # the first paragraph, and the one after a signature date or an attachment label (附件2), is a
            # title: it does not run on into the text under it
            annex = bool(paras) and paras[-1].kind == "para" and bool(ANNEX_LABEL.match(paras[-1].text))
            after_date = not paras or annex or (paras[-1].kind == "para" and bool(DATE_LINE.match(paras[-1].text)))
            open_para = Para(s, i + 1, i + 1, [i + 1], title_like=after_date, annex_title=annex)
            paras.append(open_para)
        if s.count("**") % 2 == 1:
            in_bold = not in_bold
        last_line_text = s
    return paras, artefacts
