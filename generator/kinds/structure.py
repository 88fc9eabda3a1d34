"""The provision tree of a document's text, shared by every kind: what a reader can link to.

``parse_provisions(blocks)`` reads the labels at the start of the body blocks (normalised,
Simplified text; Traditional sources keep their script in ``Block.original``):

* rules (办法, 规定, 条例 …): 第N编 > 第N章 > 第N节 > 第N条 > 款 (the unnumbered paragraphs of an article,
  counted 1, 2, …) > 项 （一） > 目 1. — books, chapters and sections are optional, and a 目 may stand
  directly in a paragraph when the text has no 项;
* any other document (no 第N条 at the start of a block): the numbered headings 一、 > （一） > 1. > （1）,
  nested in that order (a level may be skipped), optionally inside chapters; ``方向 1.`` (a word before the
  number) ranks with （一）, and an unnumbered ``——支持条件：`` opens a group whose list restarts at 1.
  (anchored ``part-1-1-group-2-3``: group headings are counted within their parent).

A paragraph the PDF joiner left cut (it does not end with 。；： …) is continued by the next unlabelled
block, not followed by a new 款. The list of attachments (附件：1.… 2.…), the blocks that are not running
text (title, number, signature, date …), the footnotes (notes of the document or of its attachment, wherever
their marker stands) and the variants found in only one of several publications (``Block.only_in``) belong to no
provision. A 附表 or 附录 label (``annex-label``) starts a part of its own (``schedule``, ``appendix``) that holds
everything after it up to the next one.

Anchors are readable and depend only on the printed numbers of the provision and of its ancestors,
never on the position of text elsewhere:

=====================================  =====================================================
``book-1``                             第一编
``chapter-2``, ``book-1-chapter-2``    第二章 (inside a book when the rule has books)
``chapter-2-section-1``                第二章第一节
``article-3``, ``article-10-1``        第三条, 第十条之一 (never the chapter: articles are numbered
                                       through the whole rule, so moving one keeps its id)
``article-3-paragraph-2``              第三条第二款 (only when the article has several paragraphs)
``article-3-item-2``                   第三条第（二）项, an item of the article's first paragraph
``article-3-paragraph-2-item-1``       第三条第二款第（一）项
``article-3-item-2-subitem-1``         第三条第（二）项第1目
``part-1``, ``part-1-2``, ``part-1-2-3``  一、 > （二） > 3. in a document without articles
``annex-1``, ``annex-1-part-2``        附件1 and its own provisions (``prefix``)
``annex-1-schedule-1``                 附表 (or 附表1) inside 附件1, its table under it
``annex-1-appendix-1-part-2``          附录 (附录一) inside 附件1 and its own numbered items
=====================================  =====================================================

When the printed numbering repeats or skips, a warning names the line (through ``errors.Report``) and
the anchors stay unique: the second 第三条 is ``article-3-2nd``.

English labels follow one rule per kind (``label_en``), with the words taken from the theme's
``i18n/en.yaml`` (section ``provisions``), never from this module. References to provisions
(``ref_en``) are written the way EUR-Lex writes them, keeping the Chinese numbering of items:
``第五条第二款第（三）项`` -> ``Article 5(2), item (3)``; ``第五条第（三）项`` -> ``Article 5, item (3)``;
``第十条之一`` -> ``Article 10a``; ``第二章第一节`` -> ``Chapter 2, Section 1``. Paragraphs are in
parentheses right after the article number because they have no printed label of their own; items
keep their Chinese figure ((3), not (c)) so that the English points to the same printed label.
"""
from __future__ import annotations

import re

from ..errors import Report
from ..model import Block, Provision
from .text import CN_NUM, NUM, appendix_label, cn_number, cn_numeral, unmarked

BOOK = re.compile(rf"^第\s*({NUM})\s*编\s*(.*)$", re.S)
CHAPTER = re.compile(rf"^第\s*({NUM})\s*章\s*(.*)$", re.S)
SECTION = re.compile(rf"^第\s*({NUM})\s*节\s*(.*)$", re.S)
ARTICLE = re.compile(rf"^第\s*({NUM})\s*条(?:之({CN_NUM}|\d+))?\s*(.*)$", re.S)
ITEM = re.compile(rf"^[（(]\s*({CN_NUM})\s*[）)]\s*(.*)$", re.S)
# 1. / 1、 (a 目): not a decimal (1.5倍) or a date (2026.1), but a year right after the dot is its text (1.2026年…)
SUB_DOT = re.compile(r"^(\d+)\s*[.．、](?:(?![\d０-９])|(?=[\d０-９]{4}\s*年))\s*(.*)$", re.S)
# 1.10月1日前… / 2.3个工作日内…: a figure right after the dot; a 目 only where the numbering of its list says so
SUB_DOT_FIGURE = re.compile(r"^(\d+)\s*[.．](?=[\d０-９])(.*)$", re.S)
SUB_PAREN = re.compile(r"^[（(]\s*(\d+)\s*[）)]\s*(.*)$", re.S)
PART = re.compile(rf"^({CN_NUM})\s*、\s*(.*)$", re.S)
# a numbered heading with a word before its number: 方向 1. 支持打造…
WORD_DOT = re.compile(r"^((?!第|附件)[\u4e00-\u9fff]{1,4})\s*(\d+)\s*[.．](?![\d０-９])\s*(.*)$", re.S)
# an unnumbered heading that opens a list: ——支持条件：
GROUP = re.compile(r"^——\s*([^：:。]{1,20})[：:]\s*(.*)$", re.S)

# blocks that are not running text: they belong to no provision
NOT_BODY = {"title", "number", "addressee", "signature", "date", "issuer", "issuer-en", "footer", "meta", "cover",
            "back", "history", "toc", "note", "annex-label"}

# rank of each kind in the tree of a rules text (a new provision closes every open one of equal or lower rank)
RANK = {"book": 0, "chapter": 1, "section": 2, "article": 3, "paragraph": 4, "item": 5, "subitem": 6}
HEADING_RANK = 10  # + the depth of the heading's style (_HEADING_DEPTH)

_TERMINAL = "。；：:;！？!?"


def ordinal(n: int) -> str:
    """2 -> 2nd, 3 -> 3rd, 11 -> 11th, 21 -> 21st (the suffix of a repeated anchor)."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return str(n) + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _title_of(rest: str) -> str:
    """A heading's title: its words up to the first full stop, when that is short and more follows it (a run-in
    heading: （一）加强组织领导。各区要…). A numbered item that is one sentence (三、市商务局要加强指导。) has none."""
    rest = rest.strip()
    m = re.match(r"^(.{1,40}?)[。：:]", rest)
    if m and (m.end() < len(rest) or not rest.endswith("。")):
        return unmarked(m.group(1))
    return unmarked(rest) if len(rest) <= 40 and not re.search("[。；;]", rest) else ""



def _short_title_line(text: str) -> bool:
    """A line that can finish a heading wrapped onto it (or give a bare 第一章 its title)."""
    return 0 < len(text) <= 30 and not re.search(r"[。；;，,：:、]", text) and classify(text) is None


def classify(text: str):
    """(kind, match) of the label a block's text starts with, or None. Kinds: book, chapter, section,
    article, item (（一）), subdot (1.), subparen (（1）), part (一、)."""
    t = text.lstrip(" \u3000")
    for kind, rx in (("article", ARTICLE), ("chapter", CHAPTER), ("section", SECTION), ("book", BOOK)):
        m = rx.match(t)
        if m:
            if kind != "article":
                rest = m.group(2).strip()
                if len(rest) > 40 or re.search("[。；;，,]", rest):  # a sentence that starts with 第N章
                    return None
            return kind, m
    for kind, rx in (("item", ITEM), ("subparen", SUB_PAREN), ("subdot", SUB_DOT), ("part", PART),
                     ("worddot", WORD_DOT), ("group", GROUP)):
        m = rx.match(t)
        if m:
            return kind, m
    return None


# an unnumbered division of a rule without chapters, printed on a line of its own: 附　　则, 总　则, 罚　则
DIVISION = re.compile(r"^[总附罚]\s*则$")
LISTING = re.compile(r"^附件\s*[：:]\s*\S")
LISTED = re.compile(r"^\d+\s*[.．、]\s*\S.{0,79}$")


def listing_keys(blocks: list[Block]) -> set[str]:
    """Keys of the list of attachments at the end of a body (附件：1.… / 2.…): not provisions."""
    keys: set[str] = set()
    in_list = False
    for x in blocks:
        if LISTING.match(x.text):
            keys.add(x.key)
            in_list = True
        elif in_list and LISTED.match(x.text) and not re.search(r"[。；;]", x.text):
            keys.add(x.key)
        else:
            in_list = False
    return keys


def has_articles(blocks: list[Block]) -> bool:
    return any(b.kind not in NOT_BODY and (c := classify(b.text)) is not None and c[0] == "article" for b in blocks)


class _Builder:
    def __init__(self, path: str, report: Report | None, prefix: str):
        self.path = path
        self.report = report
        self.prefix = prefix
        self.roots: list[Provision] = []
        self.stack: list[tuple[int, Provision]] = []
        self.used: dict[str, int] = {}
        self.para_no: dict[int, int] = {}  # id(article) -> its paragraphs so far
        self.paras: dict[int, list[Provision]] = {}  # id(article) -> its paragraph provisions
        self.last_child: dict[tuple[int, str], int] = {}  # (id(parent) or 0, kind/level) -> last number
        self.last_global: dict[str, int] = {}  # heading level -> last number anywhere
        self.last_article: tuple[int, int] | None = None
        self.text_open: list[Provision] = []  # provisions whose text a wrapped block continues
        self.rules = False  # the document is made of articles (_rules)

    # -- bookkeeping
    def warn(self, line: int, message: str, expected: str = ""):
        if self.report is not None:
            self.report.warn(self.path, line, message, expected)

    def unique(self, anchor: str, line: int, label: str) -> str:
        anchor = self.prefix + anchor
        n = self.used.get(anchor, 0) + 1
        self.used[anchor] = n
        if n == 1:
            return anchor
        new = f"{anchor}-{ordinal(n)}"
        self.warn(line, f"{label} appears again (its anchor {anchor} is taken); this one is {new}",
                  "each provision numbered once")
        return new

    def top(self, rank: int | None = None) -> Provision | None:
        for r, p in reversed(self.stack):
            if rank is None or r == rank:
                return p
        return None

    def close_to(self, rank: int) -> None:
        while self.stack and self.stack[-1][0] >= rank:
            r, p = self.stack.pop()
            if r == RANK["article"]:
                self._finish_article(p)
            elif self.rules and p.kind in ("book", "chapter", "section") and not p.children:
                # in rules every 编, 章 and 节 holds articles: one with none lost them (a page not copied,
                # a heading read as text) or is a heading of something else
                self.warn(p.line, f"{p.label} has no articles under it", "the articles of each chapter (第…条) "
                          "after its heading")

    def _finish_article(self, art: Provision) -> None:
        paras = self.paras.pop(id(art), [])
        if len(paras) <= 1:  # one paragraph: its items are the article's own
            art.children = paras[0].children if paras else []
        else:
            art.children = paras

    def open(self, rank: int, prov: Provision) -> Provision:
        self.close_to(rank)
        parent = self.stack[-1][1] if self.stack else None
        if prov.kind == "paragraph":
            self.paras.setdefault(id(self.top(RANK["article"])), []).append(prov)
        elif parent is None:
            self.roots.append(prov)
        else:
            parent.children.append(prov)
        self.stack.append((rank, prov))
        return prov

    def add_key(self, key: str) -> None:
        for _, p in self.stack:
            if not p.block_keys or p.block_keys[-1] != key:
                p.block_keys.append(key)

    def check_sequence(self, parent: Provision | None, kind: str, n: int, line: int, label: str,
                       allow_continue: bool = False) -> None:
        """Warn when the printed number is not the next one among its siblings (headings of circulars may
        also continue the numbering of the previous parent: （四） under 三、 after （三） under 二、)."""
        slot = (id(parent) if parent is not None else 0, kind)
        last = self.last_child.get(slot)
        expected = (last or 0) + 1
        ok = n == expected or (last is None and allow_continue and n == self.last_global.get(kind, 0) + 1)
        if not ok:
            what = "repeats" if last is not None and n <= last else "skips"
            self.warn(line, f"the numbering {what} at {label}", f"number {expected} here")
        self.last_child[slot] = n
        self.last_global[kind] = n


def parse_provisions(blocks: list[Block], path: str = "", report: Report | None = None, *,
                     prefix: str = "") -> list[Provision]:
    """The provisions of a document's body blocks, as a forest in document order (see the module
    docstring). ``prefix`` is put before every anchor (``annex-1-`` for an attachment's text). Blocks
    that are not running text (title, number, signature, date …) belong to no provision."""
    cut = next((k for k, x in enumerate(blocks) if is_appendix(x)), len(blocks))
    b = _Builder(path, report, prefix)
    listing = listing_keys(blocks[:cut])
    # a footnote is the document's (or the attachment's) note, in no provision: the one that holds its marker keeps
    # only its own text
    body = [x for x in blocks[:cut] if x.kind not in NOT_BODY and x.kind != "footnote" and x.key not in listing
            and not x.only_in]
    if has_articles(body):
        _rules(b, body)
    else:
        _headings(b, body)
    b.close_to(0)
    return b.roots + _appendices(blocks[cut:], path, report, prefix)


def is_appendix(b: Block) -> bool:
    """A block that opens a 附表 or 附录 (typed ``annex-label`` by its reader: ``attachments.mark_appendices``)."""
    return b.kind == "annex-label" and appendix_label(b.text) is not None


def _appendices(blocks: list[Block], path: str, report: Report | None, prefix: str) -> list[Provision]:
    """The 附表 and 附录 parts at the end of a text (``blocks`` starts at the first one's label): each a provision of
    its own (kind ``schedule`` or ``appendix``, anchor ``schedule-1``, ``appendix-1`` after ``prefix``; unnumbered
    ones numbered in order), its label and title, and under it the provisions of its own text (its table, its
    numbered items): not the last numbered item before it."""
    starts = [k for k, x in enumerate(blocks) if is_appendix(x)]
    out: list[Provision] = []
    counts: dict[str, int] = {}
    used: set[str] = set()
    for i, s in enumerate(starts):
        part = [x for x in blocks[s:starts[i + 1] if i + 1 < len(starts) else len(blocks)] if x.kind != "footer"]
        kind, printed = appendix_label(part[0].text)
        counts[kind] = counts.get(kind, 0) + 1
        number = printed if printed.isascii() and printed.isalpha() else \
            str(cn_number(printed)) if printed else str(counts[kind])
        anchor = f"{prefix}{kind}-{number.lower()}"
        if anchor in used:
            n = sum(1 for a in used if a == anchor or a.startswith(f"{anchor}-")) + 1
            new = f"{anchor}-{ordinal(n)}"
            if report is not None:
                report.warn(path, part[0].line, f"{part[0].text.strip()} appears again (its anchor {anchor} is taken); "
                            f"this one is {new}", "each 附表 and 附录 numbered once")
            anchor = new
        used.add(anchor)
        head = 2 if len(part) > 1 and part[1].kind == "title" else 1
        title = part[1].text if head == 2 else ""
        prov = Provision(kind, number if printed else "", re.sub(r"\s+", "", part[0].text), title, anchor,
                         part[0].line, block_keys=[x.key for x in part], text=title)
        prov.children = parse_provisions(part[head:], path, report, prefix=f"{anchor}-")
        out.append(prov)
    return out


def _container(b: _Builder, body: list[Block], i: int, kind: str, m) -> int:
    """Open a book, chapter or section at ``body[i]``; returns the index of the last block used (a bare
    第一章 takes its title from the next line)."""
    blk = body[i]
    n = cn_number(m.group(1))
    title = m.group(2).strip()
    keys = [blk.key]
    if not title and i + 1 < len(body) and _short_title_line(body[i + 1].text) and body[i + 1].kind not in ("table",):
        i += 1
        title = body[i].text.strip()
        keys.append(body[i].key)
    rank = RANK[kind]
    b.close_to(rank)
    if kind == "book":
        parent = None
        anchor = f"book-{n}"
    elif kind == "chapter":
        parent = b.top(RANK["book"])
        anchor = f"{parent.anchor[len(b.prefix):]}-chapter-{n}" if parent else f"chapter-{n}"
    else:
        parent = b.top(RANK["chapter"])
        anchor = f"{parent.anchor[len(b.prefix):]}-section-{n}" if parent else f"section-{n}"
    label = _label_of(blk.text, m)
    b.check_sequence(parent, kind, n, blk.line, label)
    prov = Provision(kind, str(n), label, title, b.unique(anchor, blk.line, label), blk.line, text=title)
    b.open(rank, prov)
    for k in keys:
        b.add_key(k)
    return i


def _label_of(text: str, m) -> str:
    """The printed label of a provision: the text of the match before its rest (last group)."""
    t = text.lstrip(" \u3000")
    return t[: m.start(m.lastindex)].strip() if m.lastindex else t[: m.end()].strip()


def division_label(text: str) -> str:
    """The label a line naming a 编, 章 or 节 opens with, as printed (第二章 of 第二章规划与建设: a line of a rule's
    printed table of contents), or ""."""
    c = classify(text)
    return _label_of(text, c[1]) if c is not None and c[0] in ("book", "chapter", "section") else ""


def _open_numbered(b: _Builder, blk: Block, m, kind: str, n: int, parent: Provision, base: str) -> None:
    """Open an item (（一）) or a sub-item (1. / (1)) of the current article: numbered ``n`` in sequence under
    ``parent``, its anchor under ``base`` (the article's for its first paragraph, else the paragraph's or the
    item's), and the provision the following lines continue. Items and sub-items differ only in these."""
    art = b.top(RANK["article"])
    label = _label_of(blk.text, m)
    where = f"{art.label}{label}"
    b.check_sequence(parent, kind, n, blk.line, where)
    b.close_to(RANK[kind])
    prov = Provision(kind, str(n), label, "", b.unique(f"{base[len(b.prefix):]}-{kind}-{n}", blk.line, where),
                     blk.line, text=m.group(2).strip())
    b.open(RANK[kind], prov)
    b.add_key(blk.key)
    b.text_open = [prov]


def _continuation(body: list[Block], i: int, rest: str) -> bool:
    """A long heading cut by a line wrap the joiner did not mend: the next block is its tail."""
    if i + 1 >= len(body) or len(rest) < 18 or rest[-1:] in _TERMINAL + "，,":
        return False
    nxt = body[i + 1].text.strip()
    return len(nxt) <= 10 and _short_title_line(nxt)


def ends_sentence(text: str) -> bool:
    """Whether a paragraph ends as a paragraph of a rule does (。；： …); one that does not was cut by a
    line wrap the joiner could not mend (after a short labelled line), and the next block continues it."""
    t = text.rstrip()
    return not t or t[-1] in PARA_END


PARA_END = set("。；;：:！!？?…”’」』")


def _figure_subitem(b: _Builder, body: list[Block], i: int, prev: str):
    """The match of ``body[i]`` as a 目 written with a figure right after its dot (1.10月1日前…), or None: only
    inside an article, numbered next in its list (1. after a line ending with ：, itself followed by 2.; N. right
    after 目 N-1), so that a paragraph opening with a decimal (1.5倍…) stays a 款."""
    m = SUB_DOT_FIGURE.match(body[i].text.lstrip(" \u3000"))
    if m is None or b.top(RANK["article"]) is None:
        return None
    n = int(m.group(1))
    if n == 1:
        nxt = body[i + 1].text.lstrip(" \u3000") if i + 1 < len(body) else ""
        follows = (c := classify(nxt)) is not None and c[0] == "subdot" and int(c[1].group(1)) == 2
        follows = follows or bool((f := SUB_DOT_FIGURE.match(nxt)) and int(f.group(1)) == 2)
        return m if prev.rstrip()[-1:] in "：:" and follows else None
    top = b.stack[-1][1] if b.stack else None
    return m if top is not None and top.kind == "subitem" and top.number == str(n - 1) else None


def _rules(b: _Builder, body: list[Block]) -> None:
    b.rules = True
    i = 0
    prev = ""
    while i < len(body):
        blk = body[i]
        c = classify(blk.text) if blk.kind != "table" else None
        if c is None and blk.kind != "table" and (f := _figure_subitem(b, body, i, prev)):
            c = ("subdot", f)
        kind, m = c if c else (None, None)
        continues = kind is None and blk.kind != "table" and not ends_sentence(prev)
        if blk.kind != "table":
            prev = blk.text
        if continues and b.top(RANK["article"]) is not None:
            b.add_key(blk.key)  # the rest of a wrapped paragraph
            for p in b.text_open:
                p.text += blk.text.strip()
            i += 1
            continue
        b.text_open = []
        if kind in ("book", "chapter", "section"):
            i = _container(b, body, i, kind, m)
        elif kind == "article":
            base = cn_number(m.group(1))
            sub = cn_number(m.group(2)) if m.group(2) else 0
            number = f"{base}-{sub}" if sub else str(base)
            label = _label_of(blk.text, m)
            last = b.last_article
            if last is None:
                ok = (base, sub) == (1, 0)
                expected = "第一条"
            elif sub:
                ok = base == last[0] and sub == last[1] + 1
                expected = f"第{last[0]}条之{last[1] + 1}"
            else:
                ok = base == last[0] + 1
                expected = f"article {last[0] + 1}"
            if not ok:
                what = "repeats" if last is not None and (base, sub) <= last else "skips"
                if last is None:
                    what = "does not start at 第一条"
                b.warn(blk.line, f"the article numbering {what}: {label}", expected)
            b.last_article = (base, sub)
            art = Provision("article", number, label, "", b.unique(f"article-{number}", blk.line, label), blk.line,
                            text=m.group(3).strip())
            b.open(RANK["article"], art)
            b.para_no[id(art)] = 1
            par = Provision("paragraph", "1", "", "", b.unique(f"{art.anchor[len(b.prefix):]}-paragraph-1", blk.line,
                                                               label),
                            blk.line, text=m.group(3).strip())
            b.open(RANK["paragraph"], par)
            b.add_key(blk.key)
            b.text_open = [art, par]
        elif kind is None and blk.kind == "heading":  # an unnumbered division (附则): the articles after it
            b.close_to(RANK["article"])                 # are not in the one before
            b.add_key(blk.key)
        elif b.top(RANK["article"]) is None:
            b.add_key(blk.key)  # preamble, or text between a chapter heading and its first article
        elif kind == "item":
            art, par = b.top(RANK["article"]), b.top(RANK["paragraph"])
            _open_numbered(b, blk, m, "item", cn_number(m.group(1)), par,
                           art.anchor if par.number == "1" else par.anchor)
        elif kind in ("subdot", "subparen"):
            art, par, item = b.top(RANK["article"]), b.top(RANK["paragraph"]), b.top(RANK["item"])
            _open_numbered(b, blk, m, "subitem", int(m.group(1)), item or par,
                           item.anchor if item else (art.anchor if par.number == "1" else par.anchor))
        elif blk.kind == "table":
            b.add_key(blk.key)  # belongs to the provision it stands in
        else:  # an unnumbered paragraph of the article: the next 款
            art = b.top(RANK["article"])
            n = b.para_no[id(art)] + 1
            b.para_no[id(art)] = n
            par = Provision("paragraph", str(n), "", "", b.unique(f"{art.anchor[len(b.prefix):]}-paragraph-{n}",
                                                                 blk.line, f"{art.label}第{n}款"),
                            blk.line, text=blk.text.strip())
            b.open(RANK["paragraph"], par)
            b.add_key(blk.key)
            b.text_open = [par]
        i += 1


# printed style -> Provision.level (a group heading, ——支持条件：, has no number: level 0)
_HEADING_LEVEL = {"part": 1, "item": 2, "worddot": 2, "subdot": 3, "subparen": 4, "group": 0}
# nesting rank of each style: a group heading sits between （一） and 1.
_HEADING_DEPTH = {"part": 1, "item": 2, "worddot": 2, "group": 3, "subdot": 4, "subparen": 5}


def _headings(b: _Builder, body: list[Block]) -> None:
    i = 0
    while i < len(body):
        blk = body[i]
        c = classify(blk.text) if blk.kind != "table" else None
        kind, m = c if c else (None, None)
        if kind in ("book", "chapter", "section"):
            i = _container(b, body, i, kind, m)
        elif kind in _HEADING_LEVEL:
            level = _HEADING_LEVEL[kind]
            rank = HEADING_RANK + _HEADING_DEPTH[kind]
            b.close_to(rank)
            parent = b.top()
            if kind == "group":  # unnumbered: counted among the group headings of its parent
                slot = (id(parent) if parent is not None else 0, "group")
                n = b.last_child.get(slot, 0) + 1
                b.last_child[slot] = n
                head = blk.text.strip()  # GROUP: it starts with ——, the label as printed
                label, rest = head[:2], head[2:].strip()
            else:
                n = int(m.group(2)) if kind == "worddot" else cn_number(m.group(1))
                label = _label_of(blk.text, m)
                rest = m.group(m.lastindex).strip()
            keys = [blk.key]
            if kind != "group" and _continuation(body, i, rest):
                i += 1
                rest += body[i].text.strip()
                keys.append(body[i].key)
            step = f"group-{n}" if kind == "group" else str(n)
            if parent is not None and parent.kind == "heading":
                anchor = f"{parent.anchor[len(b.prefix):]}-{step}"
            elif parent is not None:  # inside a chapter or section
                anchor = f"{parent.anchor[len(b.prefix):]}-part-{step}"
            else:
                anchor = f"part-{step}"
            if kind != "group":
                b.check_sequence(parent, f"heading-{_HEADING_DEPTH[kind]}", n, blk.line, label, allow_continue=True)
            title = m.group(1).strip() if kind == "group" else _title_of(rest)
            prov = Provision("heading", str(n), label, title, b.unique(anchor, blk.line, label), blk.line,
                             text=rest, level=level)
            b.open(rank, prov)
            for k in keys:
                b.add_key(k)
        else:
            b.add_key(blk.key)
        i += 1


def find(provisions: list[Provision], anchor: str) -> Provision | None:
    for root in provisions:
        for p in root.walk():
            if p.anchor == anchor:
                return p
    return None


def walk(provisions: list[Provision]):
    for root in provisions:
        yield from root.walk()


def article_pages(provisions: list[Provision]) -> dict[str, str]:
    """Anchor -> the name of the article's own page (``…/article/<name>``), for every article of a document: its
    number (第三条: 3); where a number is printed twice (a repeated 第二条, an article 1 in each of two
    attachments), each of those is named by its anchor (2, 2-2nd; annex-1-article-1, annex-2-article-1), so
    that no page takes another's place."""
    articles = [p for p in walk(provisions) if p.kind == "article"]
    seen: dict[str, int] = {}
    for p in articles:
        seen[p.number] = seen.get(p.number, 0) + 1
    return {p.anchor: p.number if seen[p.number] == 1 else p.anchor.removeprefix("article-") for p in articles}


def article_anchor(provisions: list[Provision], name: str) -> str:
    """The anchor of the article whose page is named ``name`` (article_pages), or "" for none."""
    return next((anchor for anchor, n in article_pages(provisions).items() if n == name), "")


# --------------------------------------------------------------------------
# English labels and references


_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    out = ""
    for v, s in _ROMAN:
        while n >= v:
            out += s
            n -= v
    return out


def article_en(number: str) -> str:
    """The English number of an article: "10" -> "10", "10-1" (第十条之一) -> "10a", "10-2" -> "10b"."""
    base, _, sub = str(number).partition("-")
    if not sub:
        return base
    k = int(sub)
    letters = ""
    while k:
        k, r = divmod(k - 1, 26)
        letters = chr(ord("a") + r) + letters
    return base + letters


def label_en(p: Provision, words: dict) -> str:
    """A provision's label by rule, in a language other than the authoritative one. ``words`` is the
    ``provisions`` section of that language's theme strings (``i18n/en.yaml``: formats such as ``Article {n}``)."""
    if p.kind == "article":
        return words["article"].format(n=article_en(p.number))
    if p.kind == "heading":
        if not p.level:  # a group heading (——支持条件：) has no number: its own words are its label
            return ""
        n = int(p.number)
        return words["heading"][p.level - 1].format(n=n, roman=roman(n))
    if not p.number and f"{p.kind}_single" in words:  # 附件, 附表, 附录 printed without a number
        return words[f"{p.kind}_single"]
    fmt = words[p.kind]
    n = int(p.number) if str(p.number).isdigit() else p.number
    return fmt.format(n=n, roman=roman(n) if isinstance(n, int) else n)


_REF = re.compile(
    rf"(?:第({NUM})编)?(?:第({NUM})章)?(?:第({NUM})节)?(?:第({NUM})条(?:之({CN_NUM}|\d+))?)?"
    rf"(?:第({NUM})款)?(?:第[（(]({CN_NUM}|\d+)[）)]项|第({CN_NUM})项)?(?:第({NUM})目)?")
REF_RE = _REF  # for callers that search references inside longer text
_REF_KEYS = ("book", "chapter", "section", "article", "article_sub", "paragraph", "item", "item", "subitem")


def parse_ref(text: str) -> dict | None:
    """A Chinese reference phrase as a target: 第五条第二款第（三）项 -> {"article": 5, "paragraph": 2,
    "item": 3}; 第十条之一 -> {"article": 10, "article_sub": 1}; 第二章第一节 -> {"chapter": 2, "section": 1}.
    None when ``text`` is not (wholly) such a phrase."""
    t = re.sub(r"\s+", "", text)
    m = _REF.fullmatch(t)
    if not m or not t:
        return None
    out: dict = {}
    for key, g in zip(_REF_KEYS, m.groups()):
        if g:
            out[key] = cn_number(g)
    return out or None


def changed_provisions(provisions: list[Provision], change) -> list[Provision]:
    """The provisions of an amended rule (``provisions``) that a change of an amendment decision alters, one for
    each it names (删去第七条第二款第（二）项、第（三）项: both items): the one named, except for an insert, which
    names the provision it adds: there the one that gains it (the article for a new paragraph or item, the
    paragraph where the rule numbers its paragraphs), and none for a new article, section or chapter (the rule
    as a whole gains it). A provision the rule does not have is left out."""
    out: list[Provision] = []
    for target in change.targets or [change.target]:
        t = {k: v for k, v in target.items() if k != "position"}
        if change.action == "insert":
            deepest = next((k for k in ("subitem", "item", "paragraph") if t.get(k)), None)
            if deepest is None or "article" not in t:
                continue
            del t[deepest]
        for anchor in (ref_anchor(t), ref_anchor({k: v for k, v in t.items() if k in ("article", "article_sub")})):
            p = find(provisions, anchor) if anchor else None
            if p is not None:
                if p not in out:
                    out.append(p)
                break
    return out


def ref_anchor(target: dict, prefix: str = "") -> str:
    """The anchor of a target (see ``parse_ref``) in the cited rule: {"article": 5, "paragraph": 2, "item": 3}
    -> article-5-paragraph-2-item-3; an item of the first paragraph is article-5-item-3."""
    if not target:
        return ""
    if "article" in target:
        a = target["article"]
        anchor = f"article-{a}" + (f"-{target['article_sub']}" if target.get("article_sub") else "")
        par = target.get("paragraph")
        if par and (par != 1 or not (target.get("item") or target.get("subitem"))):
            anchor += f"-paragraph-{par}"
        if target.get("item"):
            anchor += f"-item-{target['item']}"
        if target.get("subitem"):
            anchor += f"-subitem-{target['subitem']}"
        return prefix + anchor
    parts = []
    if target.get("book"):
        parts.append(f"book-{target['book']}")
    if target.get("chapter"):
        parts.append(f"chapter-{target['chapter']}")
    if target.get("section"):
        parts.append(f"section-{target['section']}")
    return prefix + "-".join(parts)


def ref_en(ref, words: dict) -> str:
    """English for a reference (a Chinese phrase or a target dict), in the convention of the module
    docstring: Article 5(2), item (3). ``words`` as for ``label_en``."""
    target = parse_ref(ref) if isinstance(ref, str) else ref
    if not target:
        return ""
    r = words["ref"]
    out = []
    if "article" in target:
        s = r["article"].format(n=article_en(f"{target['article']}-{target['article_sub']}"
                                              if target.get("article_sub") else str(target["article"])))
        if target.get("paragraph"):
            s += r["paragraph_of_article"].format(n=target["paragraph"])
        out.append(s)
    else:
        for key in ("book", "chapter", "section"):
            if target.get(key):
                out.append(r[key].format(n=target[key]))
        if target.get("paragraph"):
            out.append(r["paragraph"].format(n=target["paragraph"]))
    if target.get("item"):
        out.append(r["item"].format(n=target["item"]))
    if target.get("subitem"):
        out.append(r["subitem"].format(n=target["subitem"]))
    return r["join"].join(out)


def label_zh(p: Provision, words: dict) -> str:
    """Chinese label of a provision: the printed one, or for a 款 (which has none) the form in the theme's
    ``i18n/zh.yaml`` (``第{cn}款``)."""
    if p.label:
        return p.label
    fmt = words.get(p.kind)
    return fmt.format(n=p.number, cn=cn_numeral(int(p.number))) if fmt and str(p.number).isdigit() else ""


def ref_zh(target: dict, words: dict) -> str:
    """The Chinese form of a reference target: {"article": 5, "item": 3} -> 第五条第（三）项, in the forms of the
    theme's ``i18n/zh.yaml`` (``provisions.ref``: {cn} the number in Chinese numerals, {n} in digits)."""
    from .text import cn_numeral

    r = words["ref"]
    out = []
    for key in ("book", "chapter", "section", "article", "article_sub", "paragraph", "item", "subitem"):
        if target.get(key):
            out.append(r[key].format(n=int(target[key]), cn=cn_numeral(int(target[key]))))
    return r["join"].join(out)
