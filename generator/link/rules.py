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


@lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    """Chinese characters and figures only (a decimal point inside a figure is kept)."""
    return re.sub(r"(?<!\d)\.|\.(?!\d)|[^\u4e00-\u9fff0-9.]", "", to_simplified(text))


@lru_cache(maxsize=65536)
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


CONTEXT_STOP = {"实施", "新增", "推进", "推动", "建设", "完成", "开展", "提供", "新建", "改造", "提升", "不少", "少于",
                "以上", "累计", "达到", "其中", "持续", "加快", "全市", "各区", "我区"}


def _context_match(ctx_a: str, ctx_b: str) -> bool:
    """Do two figures count the same thing? Compare the words just before them with
    each other, and the words just after them with each other."""
    (ba, aa), (bb, ab) = ctx_a.split("|"), ctx_b.split("|")
    before = _grams(ba, 2) & _grams(bb, 2)
    after = _grams(aa, 2) & _grams(ab, 2)
    return bool((before | after) - CONTEXT_STOP)


def similarity(a: str, b: str, idx: PhraseIndex) -> tuple[float, list[str]]:
    """Score in [0, 1] and the evidence: shared figures with units (strong when they count
    the same thing) and distinctive shared phrases (rarer and longer is stronger)."""
    evidence, score = [], 0.0
    qa, qb = quantities(a), quantities(b)
    for key in sorted(set(qa) & set(qb)):
        (shown, ctx_a), (_, ctx_b) = qa[key], qb[key]
        v, u = key
        if _context_match(ctx_a, ctx_b):
            score += 0.35 if v < 10 else 0.5
        else:
            score += 0.1
        evidence.append(shown)
    for phrase, df in idx.shared(a, b):
        core = re.sub(r"\d", "", phrase)  # a figure is already counted above
        if len(core) < 4:
            continue
        rarity = 1.0 / math.sqrt(max(df, 1))
        length = min(len(core), 10)
        s = rarity * (0.15 * (length - 3))
        if s >= 0.1:
            score += s
            evidence.append(phrase)
    return min(score, 1.0), evidence


class Candidates:
    """Inverted index: which targets share a distinctive 4-gram or a figure with a text.
    Similarity is computed only for those pairs (no shared rare phrase and no shared
    figure cannot reach the link threshold)."""

    RARE = 8

    def __init__(self, targets: list[tuple[str, str]], idx: PhraseIndex):
        self.by_gram: dict[str, list[int]] = {}
        self.by_qty: dict[tuple, list[int]] = {}
        self.targets = targets
        for k, (_, text) in enumerate(targets):
            for g in _grams(_clean(text), 4):
                if idx.df.get(g, 0) <= self.RARE:
                    self.by_gram.setdefault(g, []).append(k)
            for q in quantities(text):
                self.by_qty.setdefault(q, []).append(k)

    def __call__(self, text: str) -> list[tuple[str, str]]:
        hits = set()
        for g in _grams(_clean(text), 4):
            hits.update(self.by_gram.get(g, ()))
        for q in quantities(text):
            hits.update(self.by_qty.get(q, ()))
        return [self.targets[k] for k in sorted(hits)]


LIVELIHOOD_TASK_MIN = 0.45
RELATED_MIN = 0.45


def livelihood_tasks(corpus: Corpus) -> list[Link]:
    """A livelihood sub-item implements the tasks that carry the same commitment."""
    links = []
    for ll in corpus.livelihood.values():
        tl = corpus.tasklists.get(f"tasklist/{ll.year}")
        if tl is None:
            continue
        idx = PhraseIndex([t.text for t in tl.tasks.values()])  # how distinctive a phrase is among the tasks
        candidates = Candidates([(t.id, t.text) for t in tl.tasks.values()], idx)
        for p in ll.projects:
            for it in p.items:
                # each measure of a bundled sub-item is compared on its own
                measures = [m for m in re.split(r"[，。；]", it.text) if len(_clean(m)) >= 4] or [it.text]
                best: dict[str, float] = {}
                evidence: dict[str, list[str]] = {}
                for m in measures:
                    for tid, text in candidates(m):
                        s, e = similarity(m, text, idx)
                        best[tid] = max(best.get(tid, 0.0), s)
                        if s >= LIVELIHOOD_TASK_MIN:
                            ev = evidence.setdefault(tid, [])
                            ev.extend(x for x in e if x not in ev)
                for tid in sorted(best, key=lambda t: int(t.rsplit("/", 1)[1])):
                    if best[tid] >= LIVELIHOOD_TASK_MIN:
                        links.append(Link(it.id, tid, "implements", round(best[tid], 3), evidence[tid][:5],
                                          "shared-commitment"))
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
        idx = PhraseIndex([t for _, t in targets])
        candidates = Candidates(targets, idx)
        for r in tb.rows:
            task = re.sub(r"\d+(?:\.\d+)?", "", r.task)  # figures differ across years
            for tid, text in candidates(task):
                s, e = similarity(task, text, idx)
                if s >= RELATED_MIN:
                    links.append(Link(r.id, tid, "related", round(s, 3), e[:5], "same-subject"))
    return links


RULES = [tasklist_report_alignment, led_by, livelihood_tasks, progress_related]
