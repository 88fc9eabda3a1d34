"""Link rules. Structural rules align headings; content rules compare text."""
from __future__ import annotations

from ..model import Corpus, Link
from ..normalize import compact


def _norm_heading(text: str) -> str:
    return compact(text).strip("。.")


def tasklist_report_alignment(corpus: Corpus) -> list[Link]:
    """Task-list sections and subsections detail the work-report sections and
    topic paragraphs of the same year with the same heading / lead phrase."""
    links = []
    for tl in corpus.tasklists.values():
        rep = corpus.reports.get(f"report/{tl.year}")
        if rep is None:
            continue
        sections = [s for p in rep.parts for s in p.sections]
        by_title = {_norm_heading(s.title): s for s in sections}
        topics = {_norm_heading(t.lead): t for s in sections for t in s.topics}
        for sec in tl.sections:
            rs = by_title.get(_norm_heading(sec.title))
            if rs is not None:
                links.append(Link(sec.id, rs.id, "details", 1.0, [sec.title], "heading-match"))
            for sub in sec.subsections:
                topic = topics.get(_norm_heading(sub.title))
                if topic is None:
                    continue
                links.append(Link(sub.id, topic.id, "details", 1.0, [sub.title], "lead-phrase-match"))
                for n in sub.tasks:
                    links.append(Link(tl.tasks[n].id, topic.id, "details", 0.9, [sub.title], "task-in-subsection"))
    return links


def led_by(corpus: Corpus) -> list[Link]:
    links = []
    for tl in corpus.tasklists.values():
        for t in tl.tasks.values():
            for u in t.units:
                links.append(Link(t.id, u, "led-by", 1.0, [corpus.units[u].zh], "lead-units-line"))
    for tb in corpus.progress.values():
        for r in tb.rows:
            for u in r.units:
                links.append(Link(r.id, u, "led-by", 1.0, [corpus.units[u].zh], "lead-units-cell"))
    return links


RULES = [tasklist_report_alignment, led_by]


# ---------------------------------------------------------------- content rules
import math
import re
from collections import Counter
from functools import lru_cache

from ..normalize import to_simplified

UNITS = ("平方米", "公里", "万人", "人次", "个", "套", "张", "处", "场", "人", "家", "条", "所", "名", "部", "台", "辆",
         "项", "户", "只", "座", "批", "万")
QTY = re.compile(r"(\d+(?:\.\d+)?)(万|亿)?(?:余)?(" + "|".join(sorted(set(UNITS), key=len, reverse=True)) + ")")
# measure words so common that a shared figure with them says little on its own
WEAK_UNITS = {"个", "项", "人", "家", "名", "场", "处", "条"}
STOP_GRAMS = ("推动", "推进", "加强", "完善", "提升", "实施", "建设", "新增", "开展", "持续", "进一步", "加快")


def _clean(text: str) -> str:
    """Chinese characters and figures only (a decimal point inside a figure is kept)."""
    return re.sub(r"(?<!\d)\.|\.(?!\d)|[^\u4e00-\u9fff0-9.]", "", to_simplified(text))


def quantities(text: str) -> dict[tuple[float, str], tuple[str, str]]:
    """(value, unit) -> (figure as written, the words just before it)."""
    out = {}
    simp = to_simplified(text)
    for m in QTY.finditer(simp):
        v = float(m.group(1)) * (1e4 if m.group(2) == "万" else 1e8 if m.group(2) == "亿" else 1)
        before = _clean(simp[max(0, m.start() - 8):m.start()])[-5:]
        after = _clean(simp[m.end():m.end() + 6])[:4]
        out.setdefault((v, m.group(3)), (m.group(0), before + "|" + after))
    return out


def _grams(text: str, n: int) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


class PhraseIndex:
    """Document frequency of character n-grams over a collection of texts."""

    def __init__(self, texts: list[str], sizes=(4, 5, 6)):
        self.sizes = sizes
        self.df = Counter()
        for t in texts:
            c = _clean(t)
            for n in sizes:
                self.df.update(_grams(c, n))
        self.n = max(len(texts), 1)

    def shared(self, a: str, b: str) -> list[tuple[str, int]]:
        """Maximal shared phrases (≥4 characters) with their document frequency."""
        ca, cb = _clean(a), _clean(b)
        found = []
        i = 0
        while i < len(ca) - 3:
            best = 0
            for L in range(len(ca) - i, 3, -1):
                if ca[i:i + L] in cb:
                    best = L
                    break
            if best:
                phrase = ca[i:i + best]
                df = min(self.df.get(phrase[k:k + 4], 1) for k in range(0, best - 3))
                if not phrase.startswith(STOP_GRAMS) or best >= 6:
                    found.append((phrase, df))
                i += best
            else:
                i += 1
        return found


def similarity(a: str, b: str, idx: PhraseIndex) -> tuple[float, list[str]]:
    """Score in [0, 1] and the evidence: shared figures with units (stronger when the words
    around them agree) and distinctive shared phrases (rarer and longer is stronger)."""
    evidence, score = [], 0.0
    qa, qb = quantities(a), quantities(b)
    for key in sorted(set(qa) & set(qb)):
        (shown, ctx_a), (_, ctx_b) = qa[key], qb[key]
        same_context = bool(_grams(ctx_a.replace("|", ""), 2) & _grams(ctx_b.replace("|", ""), 2))
        v, u = key
        if same_context:
            score += 0.35 if (u in WEAK_UNITS or v < 10) else 0.55
        else:
            score += 0.1
        evidence.append(shown)
    for phrase, df in idx.shared(a, b):
        core = re.sub(r"\d", "", phrase)  # a figure is already counted above
        if len(core) < 4:
            continue
        rarity = 1.0 / math.sqrt(df)
        length = min(len(core), 10)
        s = rarity * (0.12 * (length - 3))
        if s >= 0.1:
            score += s
            evidence.append(phrase)
    return min(score, 1.0), evidence


LIVELIHOOD_TASK_MIN = 0.45
RELATED_MIN = 0.45


def livelihood_tasks(corpus: Corpus) -> list[Link]:
    """A livelihood sub-item implements the tasks that carry the same commitment."""
    links = []
    for ll in corpus.livelihood.values():
        tl = corpus.tasklists.get(f"tasklist/{ll.year}")
        if tl is None:
            continue
        texts = [t.text for t in tl.tasks.values()] + [it.text for p in ll.projects for it in p.items]
        idx = PhraseIndex(texts)
        for p in ll.projects:
            for it in p.items:
                # each measure of a bundled sub-item is compared on its own
                measures = [m for m in re.split(r"[，。；]", it.text) if len(_clean(m)) >= 4] or [it.text]
                for t in tl.tasks.values():
                    best, ev = 0.0, []
                    total_ev = []
                    for m in measures:
                        s, e = similarity(m, t.text, idx)
                        if s > best:
                            best = s
                        if s >= LIVELIHOOD_TASK_MIN:
                            total_ev.extend(x for x in e if x not in total_ev)
                    if best >= LIVELIHOOD_TASK_MIN:
                        links.append(Link(it.id, t.id, "implements", round(best, 3), total_ev[:5], "shared-commitment"))
    return links


def progress_related(corpus: Corpus) -> list[Link]:
    """District progress rows relate to the next year's projects and tasks on the same subject."""
    links = []
    for tb in corpus.progress.values():
        year = tb.year + 1
        ll = corpus.livelihood.get(f"livelihood/{year}")
        tl = corpus.tasklists.get(f"tasklist/{year}")
        targets = []
        if ll:
            targets += [(it.id, it.text) for p in ll.projects for it in p.items]
        if tl:
            targets += [(t.id, t.text) for t in tl.tasks.values()]
        if not targets:
            continue
        idx = PhraseIndex([t for _, t in targets] + [r.task for r in tb.rows])
        for r in tb.rows:
            for tid, text in targets:
                s, e = similarity(re.sub(r"\d+(?:\.\d+)?", "", r.task), text, idx)  # figures differ across years
                if s >= RELATED_MIN:
                    links.append(Link(r.id, tid, "related", round(s, 3), e[:5], "same-subject"))
    return links


RULES = [tasklist_report_alignment, led_by, livelihood_tasks, progress_related]
