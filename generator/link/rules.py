"""Link rules. Structural rules align headings; content rules compare text."""
from __future__ import annotations

from .. import ids
from ..model import Corpus, Link
from ..normalize import compact
from .evidence import evidence_of, spans_in


def quoted(corpus: Corpus, src: str, dst: str, kind: str, score: float, found: list[str], rule: str,
           where: tuple = ()) -> Link:
    """A link whose evidence is ``found`` (strings as the rules compare texts), each located where it stands
    in the texts of ``where`` (default: both ends): the link quotes those spans, exactly as written."""
    spans = [sp for f in found for sp in spans_in(corpus, f, where or (src, dst))]
    return Link(src, dst, kind, score, evidence_of(spans), rule, spans=spans)


def _norm_heading(text: str) -> str:
    return compact(text).strip("。.")


def tasklist_report_alignment(corpus: Corpus) -> list[Link]:
    """Task-list sections and subsections detail the work-report sections and
    topic paragraphs of the same year with the same heading / lead phrase."""
    links = []
    for tl in corpus.tasklists.values():
        rep = corpus.reports.get(ids.format_id("report", tl.year))
        if rep is None:
            continue
        sections = [s for p in rep.parts for s in p.sections]
        by_title = {_norm_heading(s.title): s for s in sections}
        topics = {_norm_heading(t.lead): t for s in sections for t in s.topics}
        for sec in tl.sections:
            rs = by_title.get(_norm_heading(sec.title))
            if rs is not None:
                links.append(quoted(corpus, sec.id, rs.id, "details", 1.0, [sec.title, rs.title], "heading-match"))
            for sub in sec.subsections:
                topic = topics.get(_norm_heading(sub.title))
                if topic is None:
                    continue
                links.append(quoted(corpus, sub.id, topic.id, "details", 1.0, [sub.title, topic.lead],
                                    "lead-phrase-match"))
                for n in sub.tasks:  # the evidence: the heading the task stands under, the paragraph's lead
                    links.append(quoted(corpus, tl.tasks[n].id, topic.id, "details", 0.9, [sub.title, topic.lead],
                                        "task-in-subsection", (sub.id, topic.id)))
    return links


def led_by(corpus: Corpus) -> list[Link]:
    links = []
    for tl in corpus.tasklists.values():
        for t in tl.tasks.values():
            for u in t.units:
                links.append(quoted(corpus, t.id, u, "led-by", 1.0, _as_written(corpus, u, t.units_raw),
                                    "lead-units-line", (ids.with_anchor(t.id, "units"),)))
    for tb in corpus.progress.values():
        for r in tb.rows:
            for u in r.units:
                links.append(quoted(corpus, r.id, u, "led-by", 1.0, _as_written(corpus, u, r.units_raw),
                                    "lead-units-cell", (ids.with_anchor(r.id, "units"),)))
    return links


def _as_written(corpus: Corpus, uid: str, raw: list[str]) -> list[str]:
    """How a lead-units line writes a department: the entry naming it (市规划自然资源委（首规委办）)."""
    u = corpus.units[uid]
    names = [u.zh, *u.aliases]
    return [r for r in raw if any(n and n in r for n in names)][:1] or [u.zh]


RULES = [tasklist_report_alignment, led_by]


# ---------------------------------------------------------------- content rules
import math
import re
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from ..normalize import to_simplified

UNITS = ("平方米", "公里", "万人", "人次", "个", "套", "张", "处", "场", "人", "家", "条", "所", "名", "部", "台", "辆",
         "项", "户", "只", "座", "批", "万")
QTY = re.compile(r"(\d+(?:\.\d+)?)(万|亿)?(?:余)?(" + "|".join(sorted(set(UNITS), key=len, reverse=True)) + ")")
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
        tl = corpus.tasklists.get(ids.format_id("tasklist", ll.year))
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
                for tid in sorted(best, key=lambda t: int(ids.number_of(t))):
                    if best[tid] >= LIVELIHOOD_TASK_MIN:
                        links.append(quoted(corpus, it.id, tid, "implements", round(best[tid], 3),
                                            evidence[tid][:5], "shared-commitment"))
    return links


# ------------------------------------------------ district progress rows -> next year's items
# A 2025 progress row and a 2026 livelihood item or task are "related" when both commit to the same
# concrete thing: the same programme, facility type, named place or measure. Figures differ from one
# year to the next (200张 -> 5000张), so the evidence is (1) shared terms, weighed by how rare they are
# among the targets of the same family and by their length, and (2) things both texts count with the
# same measure word (200张…床位 / 5000张床位), weighed by how rare that counted thing is.

# What a figure is and where a phrase stops: phrases never run across a figure or a punctuation mark.
FIGURE = re.compile(QTY.pattern + r"|\d+(?:\.\d+)?%?")
PUNCT = re.compile(r"[，。；：、,;:!?！？（）()“”‘’《》〈〉「」\s]")
CLAUSE_END = re.compile(r"[，。；：,;:]")
PARENS = re.compile(r"（[^）]*）|\([^)]*\)")
# Words that say what is done, how much or how well, not to what: stripped from both ends of a shared
# phrase, so that 服务中心新增 counts as 服务中心 and 养老服务体系 as 养老服务 (a system of X is the
# broad area of X, not a thing one builds), and a phrase made only of them counts for nothing.
GENERIC = sorted(set(STOP_GRAMS) | CONTEXT_STOP | {
    "服务", "工作", "进行", "有效", "积极", "着力", "不断", "全面", "深入", "重点", "群众",
    "体系", "机制", "水平", "能力", "质量", "品质", "效能", "成效", "环境"} | set("为对在向与和及等的更并将把以了是从于由之其各"),
    key=len, reverse=True)
# Around a term that stands on its own: punctuation, list markers, figures and measure words.
TERM_EDGE = set("，。；：、,;:（）()“”‘’《》 等和及与的或") | set("".join(UNITS)) | set("0123456789")
AFTER_FIGURE = re.compile(r"^(?:以上|以内|左右|余|多)+")


@lru_cache(maxsize=65536)
def segments(text: str) -> tuple[str, ...]:
    """The runs of Chinese text between figures and punctuation marks."""
    parts = PUNCT.sub("|", FIGURE.sub("|", to_simplified(text))).split("|")
    return tuple(c for c in (_clean(x) for x in parts) if c)


def trim(phrase: str) -> str:
    """phrase without GENERIC words at either end ("" if nothing else is left)."""
    changed = True
    while changed:
        changed = False
        for g in GENERIC:
            if phrase.startswith(g) and len(phrase) > len(g):
                phrase, changed = phrase[len(g):], True
            if phrase.endswith(g) and len(phrase) > len(g):
                phrase, changed = phrase[:-len(g)], True
    return "" if phrase in GENERIC else phrase


def shared_phrases(a: str, b: str, minlen: int = 3) -> list[str]:
    """The phrases of a found in b (at least minlen characters, none across a figure or punctuation
    mark), longest first, none overlapping a longer one: 促进农村劳动力 against 促进农民 and 农村劳动力
    gives 农村劳动力 only."""
    hay = "\0".join(segments(b))  # one string to search: no phrase contains the separator
    found = []
    for ca in segments(a):
        spans = []
        L = 0
        for i in range(len(ca) - minlen + 1):
            # the longest phrase of ca starting at i that b contains. Any part of a phrase found in b
            # is in b too, so it is at least one shorter than the one found at i - 1: grow from there.
            L = max(L - 1, 0)
            while i + L < len(ca) and ca[i:i + L + 1] in hay:
                L += 1
            if L >= minlen:
                spans.append((i, i + L))
        taken: list[tuple[int, int]] = []
        for i, j in sorted(spans, key=lambda sp: (sp[0] - sp[1], sp[0])):
            if all(j <= x or i >= y for x, y in taken):
                taken.append((i, j))
        found.extend(ca[i:j] for i, j in sorted(taken))
    return found


def stands_alone(term: str, text: str) -> bool:
    """Is term, somewhere in text, next to punctuation, a list marker, a figure or a measure word
    (so not a piece of two different words, like 业人员 in 从业人员 and 失业人员)?"""
    simp = to_simplified(text)
    for m in re.finditer(re.escape(term), simp):
        left = simp[m.start() - 1] if m.start() else "，"
        right = simp[m.end()] if m.end() < len(simp) else "，"
        if left in TERM_EDGE or right in TERM_EDGE:
            return True
    return False


class Count(NamedTuple):
    """A figure with its measure word."""
    unit: str
    names: frozenset  # names of the counted thing (see counts)
    shown: str  # the figure as written, 5000张
    clause: str  # the clause it stands in


@lru_cache(maxsize=65536)
def counts(text: str) -> tuple[Count, ...]:
    """The figures of a text and what they count. The counted thing is named by the words after the
    figure up to the end of its clause (新增5000张家庭养老床位), or, when nothing follows the figure in
    its clause, by the last words before it (家庭养老床位5000张). Names are the last two to four
    characters of those words, where a noun phrase has its head (5000张家庭养老床位, 2个乡村振兴示范村,
    not 乡村), and, after a figure, the first three or four (500个停车位，…; 225名残疾儿童提供…)."""
    simp = to_simplified(text)
    ms = list(QTY.finditer(simp))
    out = []
    for k, m in enumerate(ms):
        lo = ms[k - 1].end() if k else 0
        hi = ms[k + 1].start() if k + 1 < len(ms) else len(simp)
        after = AFTER_FIGURE.sub("", simp[m.end():hi])
        after = "" if after[:1] == "、" else trim(_clean(CLAUSE_END.split(after)[0].split("（")[0])[:16])
        if after:
            names = {after[:n] for n in (3, 4)} | {after[-n:] for n in (2, 3, 4)}
        else:
            before = trim(_clean(re.split(r"[，。；：、,;:（）()]", PARENS.sub("", simp[lo:m.start()]))[-1]))
            names = {before[-n:] for n in (2, 3, 4)}
        c0 = max(simp.rfind(ch, 0, m.start()) for ch in "，。；：")
        c1 = min([i for i in (simp.find(ch, m.end()) for ch in "，。；：") if i >= 0] or [len(simp)])
        out.append(Count(m.group(3), frozenset(n for n in names if len(n) >= 2 and n not in GENERIC),
                         m.group(0), simp[c0 + 1:c1]))
    return tuple(out)


def counted_together(a: Count, b: Count) -> set[str]:
    """What two figures with the same measure word both count: a shared name of the counted thing,
    or a term of three characters or more standing on its own in their clauses."""
    if a.unit != b.unit:
        return set()
    found = set(a.names & b.names)
    for p in shared_phrases(a.clause, b.clause):
        p = trim(p)
        if len(p) >= 3 and (stands_alone(p, a.clause) or stands_alone(p, b.clause)):
            found.add(p)
    return found


class FamilyRarity:
    """How distinctive a term is among the targets, computed per family (livelihood items, tasks).

    Rarity is the inverse document frequency normalised to [0, 1]: 1 - ln(df) / ln(N + 1), where 1
    means the term names one target only. df is counted within each family and the larger count is
    used: a livelihood item and the task that implements it say the same thing in the same words, so
    counting both families together would halve the weight of exactly the phrases that matter (a
    phrase in 7.4 and task 174 has df 1, not 2); and the livelihood family (about 30 items) is too
    small to tell on its own that a word such as 小区 is common, which the task family (about 300)
    tells. N is the size of the largest family."""

    def __init__(self, families: list[list[str]]):
        self.families = [[(segments(t), counts(t)) for t in texts] for texts in families if texts]
        self.log_n = math.log(max((len(f) for f in self.families), default=1) + 1)
        self._cache: dict = {}

    def _idf(self, key, has) -> float:
        if key not in self._cache:
            df = max(sum(1 for item in f if has(*item)) for f in self.families)
            self._cache[key] = 1.0 - math.log(max(df, 1)) / self.log_n
        return self._cache[key]

    def term(self, term: str) -> float:
        return self._idf(term, lambda segs, _: any(term in s for s in segs))

    def counted(self, unit: str, name: str) -> float:
        """How rare it is to count this thing with this measure word."""
        return self._idf((unit, name), lambda _, cs: any(
            c.unit == unit and (name in c.names or name in _clean(c.clause)) for c in cs))


# Weights. A shared term weighs W_TERM per character beyond two, times its rarity: a distinctive
# 3-character term (灭火毯) 0.15, 4 characters (背街小巷) 0.30, 5 (高校毕业生) 0.45, capped at 8
# characters. Two-character words are too ambiguous to count on their own. A thing both texts count
# with the same measure word (学位…个, 床位…张, 候车亭…个) weighs W_COUNT times its rarity: a distinctive
# counted thing is a commitment of the same kind, enough on its own. The threshold is the weight of one
# such fully distinctive piece of evidence (a counted thing, or a distinctive term of five characters),
# or of two distinctive shorter terms (百千工程 + 示范村; 食品安全 + 抽检监测); a term shared with several
# targets (就业岗位, df 4 among the tasks) does not reach it alone. Scores between 0.40 and 0.45 give the
# same links on the 2025/2026 documents, so the threshold is not balanced on one pair.
W_TERM = 0.15
W_COUNT = 0.45
RELATED_MIN = 0.45


def related_similarity(a: str, b: str, rarity: FamilyRarity) -> tuple[float, list[str]]:
    """Score in [0, 1] and the evidence (strongest first) that a and b commit to the same thing."""
    found: dict[str, tuple[float, str]] = {}  # term as scored -> (weight, evidence as shown)
    for p in shared_phrases(a, b):
        t = trim(p)
        if len(t) >= 3 and not any(t in u for u in found):  # each term once
            found[t] = (rarity.term(t) * W_TERM * (min(len(t), 8) - 2), p)

    def host(name: str) -> str:
        """The shared term that (partly) names the counted thing: the two are one piece of evidence."""
        overlap = {t: len(_grams(name, 2) & _grams(shown, 2)) for t, (_, shown) in found.items()}
        return max((t for t in overlap if overlap[t]), key=lambda t: (overlap[t], len(t), t), default=name)

    for ca in counts(a):
        best = None  # each figure adds the counted thing that adds most
        for cb in counts(b):
            for name in counted_together(ca, cb):
                w = rarity.counted(ca.unit, name) * W_COUNT
                t = host(name)
                cand = (w - found.get(t, (0.0, ""))[0], t in found, len(name), name, w, cb.shown)
                best = max(best or cand, cand)
        if best and best[0] > 0:
            _, _, _, name, w, shown_b = best
            t = host(name)
            # the counted thing and the figure each text gives it: three quotations, one piece of evidence
            prev = found[t][1] if t in found else name
            found[t] = (w, (prev[0] if isinstance(prev, tuple) else prev, ca.shown, shown_b))
    score = round(sum(w for w, _ in found.values()), 3)
    evidence = [e if isinstance(e, tuple) else (e,)
                for w, e in sorted(found.values(), key=lambda x: -x[0]) if w >= 0.1]
    return min(score, 1.0), evidence


def _related_targets(corpus: Corpus, year: int):
    ll = corpus.livelihood.get(ids.format_id("livelihood", year))
    tl = corpus.tasklists.get(ids.format_id("tasklist", year))
    families = [[(it.id, it.text) for p in ll.projects for it in p.items] if ll else [],
                [(t.id, t.text) for t in tl.tasks.values()] if tl else []]
    targets = [t for f in families for t in f]
    rarity = FamilyRarity([[text for _, text in f] for f in families])
    # Only pairs sharing a 3-character string or a 2-character counted name can score: index those.
    by_key: dict = {}
    for k, (_, text) in enumerate(targets):
        keys = {g for s in segments(text) for g in _grams(s, 3)}
        keys |= {(c.unit, n) for c in counts(text) for n in c.names if len(n) == 2}
        for key in keys:
            by_key.setdefault(key, []).append(k)
    return targets, rarity, by_key


def progress_related(corpus: Corpus, years: set[int] | None = None) -> list[Link]:
    """District progress rows relate to the next year's livelihood items and tasks that commit to the
    same thing (see related_similarity). ``years``: only the tables of these years (a shard, see
    ``shards``)."""
    links = []
    per_year: dict = {}  # the next year's targets, their rarity and index: shared by every district's table
    for tb in corpus.progress.values():
        if years is not None and tb.year not in years:
            continue
        year = tb.year + 1
        if year not in per_year:
            per_year[year] = _related_targets(corpus, year)
        targets, rarity, by_key = per_year[year]
        if not targets:
            continue
        for r in tb.rows:
            keys = {g for s in segments(r.task) for g in _grams(s, 3)}
            keys |= {(c.unit, n) for c in counts(r.task) for n in c.names if len(n) == 2}
            for k in sorted({k for key in keys for k in by_key.get(key, ())}):
                tid, text = targets[k]
                s, e = related_similarity(r.task, text, rarity)
                if s >= RELATED_MIN:
                    links.append(quoted(corpus, r.id, tid, "related", s, [x for group in e[:5] for x in group],
                                        "same-subject"))
    return links


# The costliest rule on a long archive; its years are independent, so it can run a year at a time.
progress_related.shards = lambda corpus: [{y} for y in sorted({tb.year for tb in corpus.progress.values()})]

RULES = [tasklist_report_alignment, led_by, livelihood_tasks, progress_related]
