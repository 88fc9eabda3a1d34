"""Evidence as spans of the texts it quotes.

The rules compare texts with punctuation, letters and spaces taken out (``rules._clean``), so what they find is
a string of the cleaned text. Shown as a quotation it would not be one ("火器营站2口纪家庙站口" for
"火器营站A2口、纪家庙站C口"): so every string found is located in the text it came from and recorded as a
``Span`` — the item, the character range, and the characters of the text in that range, exactly as written.
``passage`` says which text of an item the spans index."""
from __future__ import annotations

from functools import lru_cache

from .. import ids
from ..model import Corpus, Span
from ..normalize import to_simplified


def passage(corpus: Corpus, ref: str) -> str | None:
    """The text a span's ``item`` indexes: a task's or livelihood item's text, a progress row's task cell, a
    work-report topic paragraph, a task-list or report heading, a task's lead-units line (``task/…#units``: the
    list as the line prints it, with its own separators) or a progress row's lead-units cell (``…#units``: a
    name per line, as the table prints them; no separator is made up), a department's name; None for anything
    else. A passage is quoted as the source's text: its characters are the source's."""
    i = ids.parse(ref)
    item, part, scheme = ids.without_anchor(ref), i.anchor, i.scheme
    if scheme == "task":
        year, n = i.parts[:2]
        tl = corpus.tasklists.get(ids.format_id("tasklist", year))
        t = tl.tasks.get(int(n)) if tl and n.isdigit() else None
        if t is None:
            return None
        return t.units_line if part == "units" else t.text
    if scheme == "tasklist":
        tl = corpus.tasklists.get(ids.prefix(item, 1))
        for sec in tl.sections if tl else []:
            if sec.id == item:
                return sec.title
            for sub in sec.subsections:
                if sub.id == item:
                    return sub.title
        return None
    if scheme == "report":
        rep = corpus.reports.get(ids.prefix(item, 1))
        for p in rep.parts if rep else []:
            for s in p.sections:
                if s.id == item:
                    return s.title
                for t in s.topics:
                    if t.id == item:
                        return t.text
        return None
    if scheme == "livelihood":
        ll = corpus.livelihood.get(ids.prefix(item, 1))
        for p in ll.projects if ll else []:
            for it in p.items:
                if it.id == item:
                    return it.text
        return None
    if scheme == "progress":
        tb = corpus.progress.get(ids.prefix(item, 2))
        for r in tb.rows if tb else []:
            if r.id == item:
                return "\n".join(r.units_raw) if part == "units" else r.task
        return None
    if scheme == "unit":
        u = corpus.units.get(item)
        return u.zh if u else None
    return None


def _is_kept(simp: str, i: int) -> bool:
    """Is character i kept by rules._clean (a Chinese character, a digit, a decimal point inside a figure)?"""
    ch = simp[i]
    if "\u4e00" <= ch <= "\u9fff" or ch in "0123456789":
        return True
    return ch == "." and 0 < i < len(simp) - 1 and simp[i - 1].isdigit() and simp[i + 1].isdigit()


@lru_cache(maxsize=8192)
def _cleaned(text: str) -> tuple[str, tuple[int, ...]]:
    """The text as the rules compare it, and the position in ``text`` of each of its characters."""
    simp = to_simplified(text)
    if len(simp) != len(text):  # a phrase conversion changed the length: positions would not carry over
        simp = text
    pos = tuple(i for i in range(len(simp)) if _is_kept(simp, i))
    return "".join(simp[i] for i in pos), pos


def locate(text: str, found: str, item: str) -> Span | None:
    """The span of ``text`` that a string found by the rules stands for: the string itself where the text
    has it as written, else the shortest run of the text whose cleaned form is the string (so with the
    letters and punctuation between its characters). None where the text has neither."""
    if not found:
        return None
    k = text.find(found)
    if k >= 0:
        return Span(item, k, k + len(found), found)
    clean, pos = _cleaned(text)
    target = _cleaned(found)[0] or found
    k = clean.find(target)
    if k < 0:
        return None
    start, end = pos[k], pos[k + len(target) - 1] + 1
    return Span(item, start, end, text[start:end])


def spans_in(corpus: Corpus, found: str, items) -> list[Span]:
    """``found`` located in each of ``items`` (ids, or ids with #units) whose text has it."""
    out = []
    for item in items:
        text = passage(corpus, item)
        sp = locate(text, found, item) if text else None
        if sp is not None:
            out.append(sp)
    return out


def evidence_of(spans: list[Span]) -> list[str]:
    """The quoted strings of a link, each once, in the order found."""
    out = []
    for s in spans:
        if s.text not in out:
            out.append(s.text)
    return out
