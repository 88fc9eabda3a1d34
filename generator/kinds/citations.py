"""Citations of other documents in running text: document numbers, government decrees, numbered
announcements and 《titles》, each with its exact span and a normalised target key.

=====================================================  ==========================================
as written                                             target
=====================================================  ==========================================
京政发〔2026〕1号, 京政办发[2026]20号, 京政发（2026）1号   ``doc:京政发〔2026〕1号`` (the id form: 〔〕, 号)
北京市人民政府令第330号, 北京市人民政府第12号令,          ``decree/330`` (decrees of Beijing's government)
政府令〔2026〕330号, 第330号令, 市政府令第330号
国务院令第588号                                         ``decree:国务院令第588号`` (another issuer's)
北京市人民政府公告2026年第1号                           ``announcement:北京市人民政府公告2026年第1号``
《北京市A办法》, 《关于转发〈…〉的通知》                   ``title:北京市A办法`` (Simplified, outer 《》 off)
=====================================================  ==========================================

A title followed by its number in parentheses (《…》（京政发〔2026〕1号）) is one citation whose target is
the number; a title or number followed by a provision (《北京市A办法》第十二条第二款) carries that
provision's anchor (``article-12-paragraph-2``, see ``structure.ref_anchor``). Traditional characters
(號, 條) are read like Simplified ones; the span is always the text as written.

What is not a citation: a number without its issuer (第3号, 2026年第1号), a 〔YYYY〕N号 without an issuing
office's abbreviation, 《》 with nothing inside or never closed, 《》 around a certificate, an invoice or a form
(《机动车登记证书》, 《项目申报情况汇总表》: ``NOT_A_DOCUMENT``). 《》 around a newspaper or a law outside
the archive is still a title citation: resolving targets against the archive is the linker's job.
"""
from __future__ import annotations

import re

from ..model import Citation
from ..normalize import to_simplified
from .structure import REF_RE, parse_ref, ref_anchor
from .. import ids

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
HAO = "[号號]"
OPEN = r"[〔\[［(（]"
CLOSE = r"[〕\]］)）]"

# what a title in 《》 names when it is no document: a certificate, an invoice, a form to fill in
NOT_A_DOCUMENT = re.compile(r"(证书|证明|发票|凭证|执照|执照副本|(?:许可|登记|居住|驾驶|行驶|身份|权)证|回执|"
                            r"(?:申请|登记|审批|申报|汇总|情况|采集|分工|备案)表|(?:委托|承诺|申请|申报)书)$")

# the bracketed core of a document number: 〔2026〕1号; the issuing office's abbreviation is found by
# looking back from it (see _prefix)
DOC_CORE = re.compile(rf"{OPEN}\s*((?:19|20)\d{{2}})\s*{CLOSE}\s*(\d{{1,5}})\s*{HAO}")

# words that come before a document number or an issuer in running text, never part of either
_LEAD_WORDS = ("根据", "按照", "依据", "依照", "参照", "参见", "详见", "对照", "落实", "贯彻", "执行", "印发", "转发",
               "文件", "精神", "要求", "规定", "通知", "关于", "同时", "以及", "或者", "废止", "修改", "实施", "结合",
               "引用", "适用", "见于")
_LEAD_CHARS = set("号的以由为在将把是同于见据照日了过被给向从对即并、")
# conjunctions: they also occur inside names (中华人民共和国, 北京市文化和旅游局), so an issuer is cut at
# one only when what follows starts like a name
_JOIN_CHARS = set("和与及或")
# characters no issuing office's abbreviation starts with (京经信发 has 经 second)
_NEVER_FIRST = set("经經按依凭憑")
ORG_STARTS = ("北京", "市", "中华", "中共", "中央", "国务院", "国家", "全国", "区")

# Beijing's own government, however it names itself
BEIJING_GOV = ("北京市人民政府", "北京市政府", "市人民政府", "市政府", "政府", "京政府")

DECREE_A = re.compile(rf"令\s*(?:(\d{{4}})\s*年\s*)?第\s*(\d{{1,5}})\s*{HAO}")  # …令第330号, …令2019年第1号
DECREE_B = re.compile(rf"第\s*(\d{{1,5}})\s*{HAO}\s*令")  # 北京市人民政府第12号令, 第330号令
DECREE_C = re.compile(rf"令\s*{OPEN}\s*((?:19|20)\d{{2}})\s*{CLOSE}\s*(\d{{1,5}})\s*{HAO}")  # 政府令〔2026〕330号
ANNOUNCE = re.compile(rf"([公通])\s*告\s*[（(]?\s*((?:19|20)\d{{2}})\s*年\s*第\s*(\d{{1,5}})\s*{HAO}\s*[）)]?")
ANNOUNCE_NO = re.compile(rf"[（(]\s*((?:19|20)\d{{2}})\s*年\s*第\s*(\d{{1,5}})\s*{HAO}\s*[）)]")

ORG_END = re.compile(r"(人民政府|政府|国务院|办公厅|办公室|委员会|局|委|厅|办|部|署|行|院|会|中心|总队|支队|管委会)$")


def _run_back(text: str, end: int, limit: int = 14) -> int:
    """Start of the run of Chinese characters (spaces allowed inside, as a PDF join leaves them) that
    ends at ``end``."""
    i = end
    while i > 0 and end - i < limit + 4:
        ch = text[i - 1]
        if re.match(f"[{CJK}]", ch) or (ch in " \u3000" and i - 1 > 0 and re.match(f"[{CJK}]", text[i - 2])):
            i -= 1
        else:
            break
    while i < end and text[i] in " \u3000":
        i += 1
    return i


def _trim_lead(text: str, start: int, end: int, org: bool = False) -> int:
    """Move ``start`` past the words of the sentence that precede a prefix or an issuer (根据, 了, 和 …)."""
    chunk = text[start:end]
    simp = to_simplified(chunk)
    if len(simp) != len(chunk):
        simp = chunk
    s = 0
    for w in _LEAD_WORDS:
        k = simp.rfind(w)
        if k >= 0:
            s = max(s, k + len(w))
    for k, ch in enumerate(simp):
        if ch in _LEAD_CHARS or (ch in _JOIN_CHARS and (not org or simp[k + 1:].startswith(ORG_STARTS))):
            s = max(s, k + 1)
    s += start
    while s < end and text[s] in " \u3000":
        s += 1
    return s


def _prefix_start(text: str, end: int) -> int | None:
    """Start of a document number's issuing-office abbreviation ending at ``end`` (京政发, 国办发 …)."""
    s = _run_back(text, end, 12)
    s = _trim_lead(text, s, end)
    while end - s >= 3 and text[s] in _NEVER_FIRST:  # 经京政发〔…〕: 经 (by way of) is the sentence's
        s += 1
    word = re.sub(r"\s+", "", text[s:end])
    if len(word) < 2:
        return None
    if len(word) > 8:  # a sentence ran into it: keep the last eight characters at most
        s = end - 8
    return s


def _issuer_start(text: str, end: int) -> int | None:
    """Start of the issuer's name ending at ``end`` (北京市人民政府, 北京市公安局交通管理局 …), or None."""
    before = to_simplified(re.sub(r"[ \u3000]+$", "", text[max(0, end - 10):end]))
    for form in BEIJING_GOV:  # longest first
        if before.endswith(form) and len(before) == len(text[max(0, end - 10):end].rstrip(" \u3000")):
            return end - (len(text[:end]) - len(text[:end].rstrip(" \u3000"))) - len(form)
    s = _run_back(text, end, 20)
    s = _trim_lead(text, s, end, org=True)
    name = re.sub(r"\s+", "", text[s:end])
    if not name:
        return None
    # the name must end like an organisation; otherwise a sentence ran into it
    if not ORG_END.search(to_simplified(name)):
        return None
    return s


def beijing_issuer(name: str) -> bool:
    return re.sub(r"\s+", "", to_simplified(name)) in BEIJING_GOV


def issuer_key(name: str) -> str:
    """The issuer as named in a key: 市人民政府 / 市政府 -> 北京市人民政府; 市公安局 -> 北京市公安局."""
    n = re.sub(r"\s+", "", to_simplified(name))
    if n in BEIJING_GOV:
        return "北京市人民政府"
    if n.startswith("市"):
        return "北京" + n
    return n


def doc_key(prefix: str, year: int | str, n: int | str) -> str:
    word = re.sub(r"\s+", "", to_simplified(prefix))
    return ids.doc_id(f"{word}〔{int(year)}〕{int(n)}号")


def announcement_key(issuer: str, word: str, year: int | str, n: int | str) -> str:
    """``announcement:北京市人民政府公告2026年第1号``; ``word`` is 公告 or 通告."""
    return f"announcement:{issuer_key(issuer)}{to_simplified(word)}{int(year)}年第{int(n)}号"


def _provision_after(text: str, end: int):
    """A provision reference right after a citation: (end, anchor) or None."""
    window = text[end:end + 40]
    simp = to_simplified(window)  # 第八條之一 is read like 第八条之一
    m = REF_RE.match(simp if len(simp) == len(window) else window)
    if not m or not m.group(0):
        return None
    phrase = m.group(0)
    target = parse_ref(phrase)
    if not target or not any(k in target for k in ("article", "chapter", "section", "book")):
        return None
    return end + m.end(), ref_anchor(target)


def _titles(text: str):
    """(start, end, inner) of every outermost 《…》, nesting of 《》 and 〈〉 allowed."""
    i = 0
    n = len(text)
    while i < n:
        if text[i] != "《":
            i += 1
            continue
        depth, j = 0, i
        while j < n:
            ch = text[j]
            if ch == "《":
                depth += 1
            elif ch == "》":
                depth -= 1
                if depth == 0:
                    break
            elif ch in "。\n" or j - i > 200:
                j = n
                break
            j += 1
        if j >= n:  # never closed: not a title
            i += 1
            continue
        inner = text[i + 1:j]
        if inner.strip():
            yield i, j + 1, inner
        i = j + 1


_INNER_QUOTES = str.maketrans("〈〉", "《》")


def title_key(title: str) -> str:
    """The key a document is cited and found by its title: Simplified, without spaces, and a title inside it
    in 《》 however it is nested (《关于修改〈北京市A办法〉的决定》 cites 关于修改《北京市A办法》的决定)."""
    return "title:" + re.sub(r"\s+", "", to_simplified(title)).translate(_INNER_QUOTES)


def _number_in_parens(text: str, end: int):
    """A document number, decree or announcement number in parentheses right after a title:
    (end of the closing parenthesis, kind, target) or None."""
    m = re.compile(r"\s*[（(]\s*").match(text, end)
    if not m:
        return None
    k = m.end()
    close = re.compile(r"\s*[）)]")
    # a document number
    core = DOC_CORE.search(text, k, min(len(text), k + 30))
    if core:
        s = _prefix_start(text, core.start())
        if s == k and (c := close.match(text, core.end())):
            return c.end(), "doc", doc_key(text[s:core.start()], core.group(1), core.group(2))
    # a decree
    for found in _decrees(text[k:k + 40]):
        if found[0] == 0 and (c := close.match(text, k + found[1])):
            return c.end(), "decree", found[2]
    return None


def _decrees(text: str):
    """(start, end, target) of decree citations in ``text``."""
    out = []
    for m in DECREE_A.finditer(text):
        s = _issuer_start(text, m.start())
        if s is None:
            continue
        issuer = text[s:m.start()]
        dated = re.search(r"\d{4}$", text[:s]) if issuer.startswith("年") else None
        if dated:  # 2011年国务院令第588号: the year it was made, before the issuer; the number says which
            issuer, s = issuer[1:], dated.start()
        if beijing_issuer(issuer) and not m.group(1):
            out.append((s, m.end(), ids.format_id("decree", int(m.group(2)))))
        else:
            year = f"{m.group(1)}年" if m.group(1) else ""
            out.append((s, m.end(), f"decree:{issuer_key(issuer)}令{year}第{int(m.group(2))}号"))
    for m in DECREE_B.finditer(text):  # 北京市人民政府第12号令, or the bare 第330号令 (Beijing's, in its texts)
        s = _issuer_start(text, m.start())
        start = s if s is not None and beijing_issuer(text[s:m.start()]) else m.start()
        out.append((start, m.end(), ids.format_id("decree", int(m.group(1)))))
    for m in DECREE_C.finditer(text):
        s = _issuer_start(text, m.start())
        if s is not None and beijing_issuer(text[s:m.start()]):
            out.append((s, m.end(), ids.format_id("decree", int(m.group(2)))))
    return out


def find_citations(text: str, line: int = 0) -> list[Citation]:
    """Every citation in ``text``, in order, without overlaps (see the module docstring)."""
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(kind: str, a: int, b: int, target: str, provision: str = ""):
        found.append(Citation(kind, text[a:b], a, b, target, line, provision))
        taken.append((a, b))

    # titles first: what follows them (their number, a provision) belongs to them
    for a, b, inner in _titles(text):
        end, kind, target = b, "title", title_key(inner)
        simp = re.sub(r"\s+", "", to_simplified(inner))
        after = _number_in_parens(text, b)
        if after:
            end, kind, target = after
        else:
            m = ANNOUNCE_NO.match(text, b) if text[b:b + 1] in "（(" else None
            t = re.match(r"^(.+?)关于.*的([公通])告$", simp)
            if m and t:
                end, kind = m.end(), "announcement"
                target = announcement_key(t.group(1), t.group(2) + "告", m.group(1), m.group(2))
        prov = _provision_after(text, end)
        provision = ""
        if prov:
            end, provision = prov
        if kind == "title" and not provision and NOT_A_DOCUMENT.search(re.sub(r"[（(][^（()）]*[）)]$", "", simp)):
            continue  # a certificate, an invoice, a form (《机动车登记证书》): named in 《》, but not a document
        add(kind, a, end, target, provision)

    candidates = []
    for s, e, target in _decrees(text):
        candidates.append((s, e, "decree", target))
    for m in ANNOUNCE.finditer(text):
        s = _issuer_start(text, m.start())
        if s is None:
            continue
        word = "公告" if m.group(1) == "公" else "通告"
        end = m.end()
        if text[m.end() - 1] in "）)" and not re.search(r"[（(]", text[m.start():m.end()]):
            end -= 1  # a closing parenthesis that belongs to the sentence
        candidates.append((s, end, "announcement", announcement_key(text[s:m.start()], word, m.group(2), m.group(3))))
    for m in DOC_CORE.finditer(text):
        s = _prefix_start(text, m.start())
        if s is None:
            continue
        prefix = re.sub(r"\s+", "", text[s:m.start()])
        if prefix.endswith("令"):  # 政府令〔2026〕330号 is a decree (found above)
            continue
        candidates.append((s, m.end(), "doc", doc_key(prefix, m.group(1), m.group(2))))
    # longest first where two overlap, then in text order
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    for s, e, kind, target in sorted(candidates, key=lambda c: -(c[1] - c[0])):
        if not free(s, e):
            continue
        prov = _provision_after(text, e)
        provision = ""
        if prov and free(e, prov[0]):
            e, provision = prov
        add(kind, s, e, target, provision)
    found.sort(key=lambda c: c.start)
    return found


# --------------------------------------------------------------------------
# The gazette's table of contents: what an entry prints in parentheses after its title

TOC_DECREE = re.compile(rf"^北京市人民政府令\s*第\s*(\d+)\s*{HAO}$")
TOC_ANNOUNCEMENT = re.compile(rf"^((?:19|20)\d{{2}})\s*年\s*第\s*(\d+)\s*{HAO}$")


def toc_target(number: str, title: str = "") -> str | None:
    """The target key of what a gazette TOC entry prints in its parentheses: a document number
    (京政发〔2026〕1号 -> doc:…), a decree (北京市人民政府令第331号 -> decree/331) or an announcement's
    number (2026年第1号, whose issuer and word 公告/通告 come from the entry's title)."""
    s = re.sub(r"\s+", "", to_simplified(number)).strip("()（）")
    if m := TOC_DECREE.match(s):
        return ids.format_id("decree", int(m.group(1)))
    if m := TOC_ANNOUNCEMENT.match(s):
        t = re.match(r"^(.+?)(?:关于.*的)?([公通]告)$", to_simplified(title))
        return announcement_key(t.group(1), t.group(2), m.group(1), m.group(2)) if t else None
    m = DOC_CORE.search(s)
    if m and m.end() == len(s) and m.start() >= 2:
        return doc_key(s[:m.start()], m.group(1), m.group(2))
    return None


# blocks whose text names the document itself (its title, its number): not citations
_OWN = {"title", "number", "issuer", "issuer-en", "signature", "date", "footer", "meta", "cover", "back"}


def cited_by_blocks(doc) -> list[Citation]:
    """Every citation in a document's running text (each with the key of its block), the document's own title,
    number and signature lines left out."""
    out = []
    for b in doc.blocks:
        if b.kind in _OWN and not (b.kind == "title" and b.level > 1):
            continue
        for c in find_citations(b.text, b.line):
            c.key = b.key
            out.append(c)
    return out
