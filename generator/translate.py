"""``python -m generator i18n``: bring the PO catalogs in line with the sources.

Each translation (every language of site.yaml but the authoritative one, or those
``--lang`` names) has its catalogs in content/translations/<code>/, created when
missing. A language's segments are exactly those its pages ask for (the page views
run with a recording translator per language), so catalogs and pages cannot drift
apart; their msgids are the Chinese segments. Existing translations are kept; a
segment whose Chinese changed keeps its old translation as a *fuzzy* entry with the
previous source (``#| msgid``), which the build treats as stale until a translator
confirms it. ``--import DIR`` merges batch translations delivered as YAML into one
language's catalogs (see ``import_yaml``)."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from . import ids
from .normalize import CJK_RE, to_simplified

from .i18n.catalog import Translator, catalog_bytes
from .paths import SITE_FILE, catalogs

FAMILY_FILES = {"tasks": "tasks.po", "documents": "documents.po", "report": "report.po",
                "livelihood": "livelihood.po", "progress": "progress.po", "headings": "headings.po",
                "units": "units.po", "names": "names.po", "other": "other.po"}


def _requested(config, glossary, corpus, recorders: dict) -> dict[str, dict]:
    """Run every page view against the recording translators (language -> Translator); return, per language,
    key -> (zh, family) in page order. (The data API shows no translation the pages do not look up, so the
    pages ask for every segment there is.)"""
    from .site.pages import ViewContext
    from .site.views import build_pages
    from .site.text import ui_strings

    ui = {lang: ui_strings(str(config.theme_dir), lang, config.codes) for lang in config.codes}
    views = ViewContext(corpus, recorders, glossary, ui, config.languages)
    site = {"title": config.title, "tagline": config.tagline, "base_url": config.base_url}
    for _ in build_pages(views, site):  # the views ask the translators for every segment they show
        pass
    return {lang: {k: (zh, tr.families.get(k, "other")) for k, zh in tr.requested.items() if k}
            for lang, tr in recorders.items()}


def _languages(config, langs: list | None, import_dir) -> list[str]:
    """The languages whose catalogs ``i18n`` updates: ``langs`` (--lang), else every translation of the site;
    with ``import_dir``, exactly one."""
    from .errors import Problem, SourceError

    translations = [lg.code for lg in config.languages if not lg.authoritative]
    wanted = list(dict.fromkeys(langs)) if langs else translations
    authoritative = next(lg.code for lg in config.languages if lg.authoritative)
    problems = [Problem(SITE_FILE, None, f"--lang {code}: " + (
                    "the authoritative language, the sources' own: it has no catalogs" if code == authoritative
                    else "no such translation under languages:"),
                        "a code of a language that is not the authoritative one: " + ", ".join(translations))
                for code in wanted if code not in translations]
    if import_dir and not problems and len(wanted) != 1:
        problems.append(Problem(str(import_dir), None, f"batch translations, but {len(wanted)} languages to update "
                                f"({', '.join(wanted)})", "--lang CODE: the language the batch translations are in"))
    elif import_dir and not problems and wanted != ["en"]:  # the batches' format is English's (en: keys, "its English")
        problems.append(Problem(str(import_dir), None, f"batches hold English; --lang {wanted[0]} would file it as "
                                f"the {wanted[0]} translation", "--lang en, or no --lang, for batches of English"))
    if problems:
        raise SourceError(problems)
    return wanted


def _prefix(text: str, n: int = 12) -> str:
    from .normalize import to_simplified

    t = to_simplified(unicodedata.normalize("NFKC", text.replace("**", "")))
    t = re.sub(r"\s+", "", t)
    return t[:n]


def first_sentence(text: str) -> str:
    """The first sentence of an English paragraph, without its full stop. A full stop inside quotation
    marks (the "two new wings." style) ends the sentence with the quotation, and is dropped from it."""
    m = re.match(r'^(.+?)([.!?])(["\u201d\u2019\']?)(?=\s|$)', text.strip())
    if not m:
        return text.strip()
    return (m.group(1) + m.group(3)).strip()


BATCHES = {  # file name prefix -> the shape of the batch
    "tasks-": "a mapping of task number to its English (and year: its year, where the sources hold several)",
    "docs-": "a mapping of document number (or backmatter, backmatter 2026/12) to a list of {zh: …, en: …}",
    "report": "a list of {zh: …, en: …}, or {year: the report's year, entries: that list}",
    "livelihood": "a mapping with livelihood_notice, livelihood_footer, livelihood and progress (and year, "
                  "progress_table: which list and table, where the sources hold several)",
}
YEAR = "a year such as 2027"
BACKMATTER = re.compile(r"backmatter(?:\s+([0-9]{4})/([0-9]+))?")
PAIR = {"zh": "the Chinese it translates (its start is enough)", "en": "the English"}


def read_batch(f: Path) -> tuple[str, object, dict]:
    """One batch file of translations, its kind (by its name), its data and what it says it translates
    (``year``, ``progress_table``: key -> (value, line)), checked for shape; a file whose name says no kind,
    or whose shape is wrong, is an error naming it (and the line)."""
    from .errors import Problem, SourceError
    from .yamlfile import Shape, read_yaml, short

    rel = str(f)
    kind = next((k for k in BATCHES if f.name.startswith(k)), None)
    if kind is None:
        raise SourceError(Problem(rel, None, "the file name says no kind of batch; it would not be read",
                                  "a name starting with " + ", ".join(BATCHES)))
    expected = BATCHES[kind]
    doc = read_yaml(f, rel, expected)
    shape = Shape(doc, rel)
    data = doc.data if doc.data is not None else ([] if kind == "report" else {})
    which: dict = {"line": doc.line}  # and where the report's entries are

    def select(key, expected):
        """Take ``key`` (the year, the progress table) out of the batch's mapping ``data``."""
        if not isinstance(data, dict) or key not in data:
            return
        value = data.pop(key)
        if key == "year":
            number = shape.number(value, (key,), YEAR, 1900, 2999)
            value = int(number) if number is not None and number == int(number) else None
            if number is not None and value is None:  # 2027.5 names no year: never read as no year at all
                shape.error((key,), f"year is {number!r}", YEAR)
        else:
            value = shape.text(value, (key,), expected)
        if value is not None:
            which[key] = (value, doc.line(key))

    def number(n, at):
        if not (isinstance(n, int) and not isinstance(n, bool) and n > 0 or
                isinstance(n, str) and n.isascii() and n.isdigit() and int(n) > 0):
            shape.error(at, f"{n!r} is not a number", "a number counted from 1")
            return False
        return True

    def english(value, at, empty=True, words=False):
        """A text given as English: one mostly in Chinese characters is not (a batch of the wrong file, or a
        Chinese text pasted in), and would be published as the translation; nor, where ``words``, one without
        a letter (1: 5 for a task's sentence)."""
        text = shape.text(value, at, empty=empty)
        han = len(CJK_RE.findall(text or ""))
        latin = len(re.findall(r"[A-Za-z]", text or ""))
        if han and han >= latin:
            shape.error(at, f"{text[:30]!r} is Chinese, not English", "the English of the entry")
        elif words and text and text.strip() and not latin:
            shape.error(at, f"{text[:30]!r} is not English words", "the English of the entry, in words")
        return text

    seen: dict = {}

    def once(n, at, what):
        """A number given once: 8 and 08 (or "8") are one task, and the later would replace the earlier."""
        key = (at[:-1], int(n))
        if key in seen:
            shape.error(at, f"{what} {int(n)} is given twice, also as {short(seen[key])} at line "
                        f"{doc.line(*at[:-1], seen[key])}", f"each {what} once")
            return False
        seen[key] = n
        return True

    def pairs(items, at):
        for i, e in enumerate(shape.seq(items, at, "a list of {zh: …, en: …}") or []):
            if shape.mapping(e, (*at, i), "{zh: …, en: …}") is not None and \
                    shape.keys(e, (*at, i), PAIR, required=("zh", "en")):
                shape.text(e["zh"], (*at, i, "zh"))
                english(e.get("en") or "", (*at, i, "en"))

    if kind == "report":
        if isinstance(data, dict):  # {year: …, entries: […]}
            shape.keys(data, (), {"year": YEAR, "entries": "a list of {zh: …, en: …}"}, required=("entries",))
            select("year", YEAR)
            entries = data.get("entries") or []
            pairs(entries, ("entries",))
            data = entries if isinstance(entries, list) else []
            which["entries"] = ("entries",)
        else:
            pairs(data, ())
    else:
        data = shape.mapping(data, (), expected) or {}
        if kind != "docs-":
            select("year", YEAR)
        if kind == "livelihood":
            select("progress_table", "the id of a progress table, such as progress/2025/daxing")
    if kind == "tasks-":
        for n, en in data.items():
            if number(n, (n,)) and once(n, (n,), "task"):
                english(en, (n,), words=True)
    elif kind == "docs-":
        for number_, entries in data.items():
            text = shape.text(number_, (number_,), "a document number such as 京政发〔2026〕1号, or backmatter")
            if text and text.startswith("backmatter"):
                which.setdefault("lines", {})[text] = doc.line(number_)
                m = BACKMATTER.fullmatch(text)
                if not m:
                    shape.error((number_,), f"{text!r} names no gazette issue",
                                "backmatter, or backmatter and the issue's year/number (backmatter 2026/12)")
                else:  # backmatter 2027/12 and backmatter 2027/012: one issue, one entry would be lost
                    issue = (int(m.group(1)), int(m.group(2))) if m.group(1) else None
                    seen = which.setdefault("issues", {})
                    if issue in seen:
                        shape.error((number_,), f"{text!r} names the issue of {seen[issue]!r} at line "
                                    f"{doc.line(seen[issue])} again", "each gazette issue once")
                    seen.setdefault(issue, number_)
            pairs(entries, (number_,))
    elif kind == "livelihood":
        shape.keys(data, (), {"livelihood_notice": "a list of {zh, en}", "livelihood_footer": "label -> English",
                              "livelihood": "category number -> {title, items}", "progress": "row number -> fields"})
        pairs(data.get("livelihood_notice") or [], ("livelihood_notice",))
        footer = shape.mapping(data.get("livelihood_footer") or {}, ("livelihood_footer",), "label -> English")
        for k, v in (footer or {}).items():
            if k == "values":
                for kk, vv in (shape.mapping(v, ("livelihood_footer", k), "value -> English") or {}).items():
                    english(vv, ("livelihood_footer", k, kk))
            else:
                english(v, ("livelihood_footer", k))
        for n, cat in (shape.mapping(data.get("livelihood") or {}, ("livelihood",), "category number -> "
                                     "{title, items}") or {}).items():
            at = ("livelihood", n)
            if number(n, at) and once(n, at, "category") and \
                    shape.mapping(cat, at, "{title: …, items: […]}") is not None and \
                    shape.keys(cat, at, {"title": "the category's English", "items": "its items' English"},
                               required=("title",)):
                english(cat["title"], (*at, "title"), empty=False, words=True)
                for i, item in enumerate(shape.seq(cat.get("items") or [], (*at, "items"), "a list of texts") or []):
                    english(item, (*at, "items", i), empty=False, words=True)
        fields = {"source": "", "task": "", "status": "", "progress": ""}
        for n, row in (shape.mapping(data.get("progress") or {}, ("progress",), "row number -> fields") or {}).items():
            at = ("progress", n)
            if number(n, at) and once(n, at, "row") and \
                    shape.mapping(row, at, "{source, task, status, progress}") is not None and \
                    shape.keys(row, at, fields):
                for k, v in row.items():
                    english(v or "", (*at, k))
    shape.done()
    return kind, data, which


def read_batches(folder: Path) -> list[tuple[Path, str, object]]:
    """Every batch file of ``folder`` (see ``read_batch``), all checked before anything is done; a file that
    is not YAML is an error, not skipped."""
    from .errors import Problem, SourceError

    if not folder.is_dir():
        what = "a file, not a folder" if folder.exists() else "no such folder"
        raise SourceError(Problem(str(folder), None, what, "a folder of batch translations (*.yaml)"))
    problems, batches = [], []
    for f in sorted(folder.iterdir()):
        if f.suffix.lower() not in (".yaml", ".yml"):
            problems.append(Problem(str(f), None, "not a YAML file; it would not be read", "*.yaml batch files"))
            continue
        try:
            batches.append((f, *read_batch(f)))
        except SourceError as e:
            problems.extend(e.problems)
    if problems:
        raise SourceError(problems)
    return batches


def _translated(f: Path, found: dict, which: dict, what: str, how: str):
    """The item of ``found`` (id -> task list, report or livelihood list) that batch ``f`` translates: the one
    of the year it names, or the only one. A year the sources do not hold, or no year where they hold several,
    is an error naming the file (and the year's line): a batch must never land on another year's items."""
    from .errors import Problem, SourceError

    items = sorted(found.values(), key=lambda i: i.year)
    years = ", ".join(str(i.year) for i in items)
    if "year" in which:
        year, line = which["year"]
        match = [i for i in items if i.year == year]
        if match:
            return match[0]
        raise SourceError(Problem(str(f), line, f"year {year}, but the sources hold {what}s of {years} only"
                                  if items else f"year {year}, but the sources hold no {what}",
                                  f"the year of a {what} the sources hold"))
    if not items:
        raise SourceError(Problem(str(f), None, f"a batch for a {what}, but the sources hold no {what}",
                                  "batches for documents the sources hold"))
    if len(items) > 1:
        raise SourceError(Problem(str(f), None, f"the sources hold {what}s of {years}, and the batch does not say "
                                  "which one it translates", how.format(year=items[-1].year)))
    return items[0]


def _progress_table(f: Path, corpus, which: dict):
    """The progress table a livelihood batch's progress rows translate: the one it names, or the only one."""
    from .errors import Problem, SourceError

    tables = sorted(corpus.progress)
    if "progress_table" in which:
        name, line = which["progress_table"]
        if name in corpus.progress:
            return corpus.progress[name]
        raise SourceError(Problem(str(f), line, f"progress_table {name!r} is not in the sources",
                                  "one of " + ", ".join(tables) if tables else "a progress table the sources hold"))
    if not tables:
        raise SourceError(Problem(str(f), None, "progress rows, but the sources hold no progress table",
                                  "batches for documents the sources hold"))
    if len(tables) > 1:
        raise SourceError(Problem(str(f), None, f"the sources hold {len(tables)} progress tables, and the batch "
                                  "does not say which one its progress rows translate",
                                  f"a line such as progress_table: {tables[-1]}"))
    return corpus.progress[tables[0]]


def _backmatter(f: Path, corpus, key: str, which: dict) -> str:
    """The scope of a docs batch's ``backmatter`` entry: the issue it names (backmatter 2026/12), or the
    only gazette issue of the sources."""
    from .errors import Problem, SourceError

    line = which.get("lines", {}).get(key)
    m = BACKMATTER.fullmatch(key)
    issues = sorted(corpus.gazettes)
    if m and m.group(1):
        scope = f"gazette/{int(m.group(1))}/{int(m.group(2))}"
        if scope in corpus.gazettes:
            return scope
        raise SourceError(Problem(str(f), line, f"{key!r}: the sources hold no such gazette issue",
                                  "one of " + ", ".join(i.replace("gazette/", "backmatter ") for i in issues)
                                  if issues else "a gazette issue the sources hold"))
    if len(issues) == 1:
        return issues[0]
    raise SourceError(Problem(str(f), line, f"'backmatter', but the sources hold {len(issues) or 'no'} gazette "
                              "issues" + (": the batch does not say which" if issues else ""),
                              "backmatter and the issue's year/number, such as " +
                              (issues[-1].replace("gazette/", "backmatter ") if issues else "backmatter 2026/12")))


class _Import:
    """Batch translations mapped onto segment keys (``import_yaml``): one method per kind of batch. An entry that
    lands on no segment is a problem naming its file and line, told with every other batch's."""

    HEAD = "a line such as year: {year} at its head"

    def __init__(self, segments: dict, corpus):
        self.segments, self.corpus = segments, corpus
        self.out: dict[str, str] = {}
        self.problems: list = []
        self.by_prefix = defaultdict(list)  # (scope, prefix) -> keys in order
        for key, (zh, fam) in segments.items():
            scope = key.split("#", 1)[0] if "#" in key else key
            self.by_prefix[(scope, _prefix(zh))].append(key)
        self.scopes = {scope for scope, _ in self.by_prefix}

    def nowhere(self, f: Path, which: dict, path: tuple, message: str, expected: str) -> None:
        from .errors import Problem

        self.problems.append(Problem(str(f), which["line"](*path), message, expected))

    def take(self, scope: str, zh_prefix: str, en: str) -> bool:
        keys = self.by_prefix.get((scope, _prefix(zh_prefix)))
        if not keys:
            return False
        keys = sorted(keys, key=lambda k: bool(re.search(r"#p\d+-", k)))  # canonical paragraphs first
        for k in keys:
            if k not in self.out:
                self.out[k] = en
                # a reading found only in another publication of the same document ("…#p4-<file>")
                # gets the same English as the canonical paragraph it varies
                for v in keys:
                    if v not in self.out and re.search(r"#p\d+-", v):
                        self.out[v] = en
                return True
        return False

    def passages(self, f, which, scope: str, what: str, entries, at: tuple) -> None:
        """{zh, en} pairs onto the passages of ``scope`` (a document, a gazette issue's back matter)."""
        for i, e in enumerate(entries):
            zh = str(e["zh"])
            if not self.take(scope, zh, str(e["en"]).strip()):
                known = scope in self.scopes
                self.nowhere(f, which, (*at, i), f"{zh[:24]!r} is not the start of a passage of {what}" if known
                             else f"{what}: the sources hold no such document, or it has no passage to translate",
                             "the Chinese of a passage as its page shows it (its first 12 characters are compared)"
                             if known else "the number of a document the sources hold")

    def tasks(self, f, data, which) -> None:
        if not (data or "year" in which):  # a year the sources lack is told, rows or not
            return
        tl = _translated(f, self.corpus.tasklists, which, "task list", self.HEAD)
        for n, en in data.items():
            task = tl.tasks.get(int(n))
            if task is not None and task.id in self.segments:
                self.out[task.id] = str(en).strip()
            else:
                self.nowhere(f, which, (n,), f"task {n}: the {tl.year} task list has no such task",
                             f"a task number of that list (1–{max(tl.tasks, default=0)})")

    def docs(self, f, data, which) -> None:
        for number, entries in data.items():
            key = str(number)  # a key YAML reads as a number (2027:) is its text
            scope = _backmatter(f, self.corpus, key, which) if BACKMATTER.fullmatch(key) else ids.doc_id(key)
            self.passages(f, which, scope, key, entries, (number,))

    def report(self, f, data, which) -> None:
        rep = _translated(f, self.corpus.reports, which, "work report", "the form {{year: {year}, entries: [...]}}")
        leads = {re.sub(r"\s+", "", t.text)[:12]: t for p in rep.parts for s in p.sections for t in s.topics}
        base = which.get("entries", ())
        for i, e in enumerate(data):
            zh, en = str(e["zh"]), str(e.get("en", "")).strip()
            if not en:
                continue
            if not self.take(rep.id, zh, en):
                self.nowhere(f, which, (*base, i), f"{zh[:24]!r} is not the start of a passage of the {rep.year} "
                             "work report", "the Chinese of a passage as its page shows it (its first 12 "
                             "characters are compared)")
            t = leads.get(_prefix(zh)) or next((t for k, t in leads.items() if k.startswith(_prefix(zh)[:8])), None)
            if t is not None:
                first = first_sentence(en)
                if first:
                    self.out[ids.with_anchor(t.id, "lead")] = first
            targets_m = re.search(r"targets[^:]*:\s*(.+)$", en, re.I)
            if zh.startswith("今年经济社会发展主要预期目标") and targets_m:
                pieces = [re.sub(r"^and ", "", p.strip(" ;,.")) for p in targets_m.group(1).split(";")]
                for k, piece in enumerate(pieces):
                    if piece and ids.with_anchor(rep.id, f"target{k}") in self.segments:
                        self.out[ids.with_anchor(rep.id, f"target{k}")] = piece

    def livelihood(self, f, data, which) -> None:
        parts = ("livelihood_notice", "livelihood_footer", "livelihood")
        if any(data.get(k) for k in parts) or "year" in which:
            self.livelihood_list(f, data, which)
        table = _progress_table(f, self.corpus, which) if data.get("progress") or "progress_table" in which \
            else None  # a table it names is checked, rows or not
        for n, row in (data.get("progress") or {}).items():
            rid = f"{table.id}/{int(n)}"
            if not any(ids.with_anchor(rid, f) in self.segments for f in ("source", "task", "status", "progress")):
                self.nowhere(f, which, ("progress", n), f"row {n}: {table.id} has no such row",
                             f"a row number of that table (1–{len(table.rows)})")
                continue
            for field in ("source", "task", "status", "progress"):
                if row.get(field):
                    self.out[ids.with_anchor(rid, field)] = str(row[field]).strip()

    def livelihood_list(self, f, data, which) -> None:
        ll = _translated(f, self.corpus.livelihood, which, "livelihood list", self.HEAD)
        doc_scope = ids.doc_id(self.corpus.documents[ll.document].number)
        self.passages(f, which, doc_scope, f"the {ll.year} livelihood list's circular",
                      data.get("livelihood_notice") or [], ("livelihood_notice",))
        footer = data.get("livelihood_footer") or {}
        values = {to_simplified(k): v for k, v in (footer.get("values") or {}).items()}
        labels = {to_simplified(k): v for k, v in footer.items() if k != "values"}
        for key, (zh, fam) in self.segments.items():
            m = re.match(r"^\[(.+?)\]\s*(.*)$", zh)
            if key.startswith(doc_scope + "#") and m and m.group(1) in labels:
                self.out[key] = f"[{labels[m.group(1)]}] {values.get(m.group(2), m.group(2))}"
        for n, cat in (data.get("livelihood") or {}).items():
            if int(n) > len(ll.projects):
                self.nowhere(f, which, ("livelihood", n), f"category {n}: the {ll.year} list has "
                             f"{len(ll.projects)}", f"a category number of that list (1–{len(ll.projects)})")
                continue
            p = ll.projects[int(n) - 1]
            self.out[ids.with_anchor(p.id, "name")] = str(cat["title"]).strip()
            items = cat.get("items") or []
            for it, en in zip(p.items, items):
                self.out[it.id] = str(en).strip()
            if len(items) > len(p.items):
                self.nowhere(f, which, ("livelihood", n, "items"), f"category {n}: {len(items)} items for its "
                             f"{len(p.items)}", f"the English of its {len(p.items)} items, in order")


def import_yaml(folder: Path, segments: dict, corpus, batches: list | None = None) -> dict[str, str]:
    """Map batch translations (YAML) onto segment keys. Returns key -> English. ``batches``: read_batches'
    result, when the caller checked the files first. Every batch's problems are told at once (a batch that
    does not say clearly what it translates, an entry that lands on nothing), and nothing is returned."""
    from .errors import SourceError

    imp = _Import(segments, corpus)
    by_kind = {"tasks-": imp.tasks, "docs-": imp.docs, "report": imp.report, "livelihood": imp.livelihood}
    for f, kind, data, which in batches if batches is not None else read_batches(folder):
        try:
            by_kind[kind](f, data, which)
        except SourceError as e:
            imp.problems.extend(e.problems)
    if imp.problems:
        raise SourceError(imp.problems)
    empty = [k for k, en in imp.out.items() if not en]
    if empty:  # an empty English is no translation: the catalog's stays as it is
        print(f"  left empty in the batches, the catalogs' English kept: {len(empty)} ({', '.join(empty[:5])}"
              f"{', …' if len(empty) > 5 else ''})")
    return {k: en for k, en in imp.out.items() if en}


MACHINE = "machine (AI language model)"


def _similar(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def plan_entries(existing: Translator, segments: dict, imported: dict | None = None,
                 imported_by: str = MACHINE, today: str = "") -> tuple[dict, dict, dict]:
    """Decide each requested segment's entry from the existing catalogs. Returns (key -> Entry,
    key -> previous Chinese for fuzzy entries, family -> Counter of outcomes).

    Text first, position second: a key whose Chinese is held by an entry of the same scope (the
    paragraph moved: inserted, deleted or reordered neighbours) takes that entry, English, provenance
    and all; a key whose old entry's Chinese is gone from the scope (edited in place) keeps its English
    marked fuzzy with the previous Chinese; a new text that closely resembles an entry whose Chinese is
    gone (edited *and* moved) is paired with it the same way; anything else is new and untranslated.
    An imported English replaces the entry's, except a current translation made or reviewed by a person:
    SourceError naming each such entry, and nothing is written."""
    import datetime

    from .errors import Problem, SourceError
    from .i18n.catalog import Entry, Provenance, key_scope, source_hash

    imported = imported or {}
    guarded: list = []  # (key, entry) of translations a person made or reviewed that the batch would replace
    today = today or datetime.date.today().isoformat()
    by_text = existing.by_text()
    current = {(key_scope(k), zh) for k, (zh, _) in segments.items()}
    # entries with English whose Chinese no requested segment holds any more: edited (or deleted) texts
    orphans = defaultdict(list)
    for k, e in existing.entries.items():
        if e.text and (key_scope(k), e.zh) not in current:
            orphans[key_scope(k)].append(k)
    claimed = set()
    plan, previous, counts = {}, {}, defaultdict(lambda: defaultdict(int))
    for key, (zh, fam) in segments.items():
        scope = key_scope(key)
        old = existing.entries.get(key)
        entry, outcome = None, "new"
        if old is not None and old.zh == zh:
            entry, outcome = old, ("fuzzy" if old.fuzzy else "kept" if old.text else "new")
        elif (scope, zh) in by_text:
            src = existing.entries[by_text[(scope, zh)]]
            entry, outcome = Entry(zh, src.text, src.sha, src.file, 0, src.prov, False, list(src.comments)), "moved"
        else:
            cand = None
            if old is not None and old.text and key in orphans.get(scope, ()) and key not in claimed:
                cand = key
            else:
                best = max(((_similar(zh, existing.entries[k].zh), k) for k in orphans.get(scope, ())
                            if k not in claimed), default=(0, None))
                if best[0] >= 0.6:
                    cand = best[1]
            if cand is not None:
                claimed.add(cand)
                src = existing.entries[cand]
                entry = Entry(zh, src.text, source_hash(zh), src.file, 0, src.prov, True, list(src.comments))
                previous[key] = src.zh
                outcome = "fuzzy"
        if entry is None:
            entry = Entry(zh, "", source_hash(zh), "", 0, Provenance(), False, [])
        if key in imported and imported[key] != entry.text and entry.text and not entry.fuzzy and \
                (entry.prov.human or entry.prov.is_reviewed):
            guarded.append((key, entry))
        elif key in imported and imported[key] != entry.text:
            entry = Entry(zh, imported[key], source_hash(zh), entry.file, 0,
                          Provenance(by=imported_by, on=today, reviewed="no"), False, list(entry.comments))
            previous.pop(key, None)
            outcome = "imported"
        plan[key] = entry
        counts[fam][outcome] += 1
    if guarded:  # a person's work is never replaced by a batch: nothing is written
        raise SourceError([Problem(e.file, e.line or None, f"{key}: the batch has other English for this "
                                   f"translation, made by {e.prov.by or 'someone not recorded'} (reviewed: "
                                   f"{e.prov.reviewed or 'no'})", "a batch that leaves translations made or "
                                   "reviewed by a person as they are; change such an entry in the catalog itself")
                           for key, e in guarded])
    return plan, previous, counts


def _obsolete(existing: Translator, plan: dict, imported: dict, folder: Path, names: set, root: Path,
              report: list, lang: str) -> dict[str, list]:
    """Catalog file name -> the translations it keeps as obsolete (``#~``) entries: those it kept before, and
    those whose English no entry of the plan carries on (a paragraph deleted, a msgctxt no page has), except
    those a batch replaced (``imported``). A translator's work is never dropped by an update; each newly kept
    one is counted in ``report``. An obsolete entry whose Chinese is a current, translated entry's again is
    dropped."""
    from .fileio import read_bytes
    from .i18n.catalog import obsolete_entries

    carried = {e.text for e in plan.values() if e.text}
    out: dict[str, dict] = defaultdict(dict)  # file name -> (key, Chinese) -> entry: keys are positions, and
    # an obsolete entry's key may be a current entry's or another obsolete one's
    for name in names:
        path = folder / name
        if path.is_file():
            for key, e in obsolete_entries(read_bytes(path, path.relative_to(root).as_posix()), name):
                out[name][(key, e.zh)] = e
    new = defaultdict(int)
    for key, e in existing.entries.items():
        name = Path(e.file).name
        if e.text and e.text not in carried and key not in imported and name in names \
                and (key, e.zh) not in out[name]:
            out[name][(key, e.zh)] = e
            new[name] += 1
    for name, n in sorted(new.items()):
        report.append(f"{lang} kept as obsolete (#~) at the end of {name}: {n} translation(s) no text asks for "
                      "any more")
    current = {e.zh for e in plan.values() if e.text}  # a text back and translated: its obsolete entry goes
    return {name: [(k, e) for (k, zh), e in sorted(kept.items()) if zh not in current]
            for name, kept in out.items()}


def update_catalogs(root: Path, import_dir: Path | None = None, imported_by: str = MACHINE,
                    langs: list | None = None) -> int:
    """Create or update the catalogs of ``langs`` (default: every translation of the site; see the module's
    docstring), and print what each language's hold per family."""
    from .build import load_all
    from .fileio import atomic_write_many, write_error

    root = Path(root)
    batches = read_batches(import_dir) if import_dir else None  # a bad batch file stops it before any work
    config, glossary, corpus, existing, _ = load_all(root)
    targets = _languages(config, langs, import_dir)
    recorders = {lang: Translator(lang, entries=dict(tr.entries), record_requests=True)
                 for lang, tr in existing.items()}  # every language's: the views look up each one's
    requested = _requested(config, glossary, corpus, recorders)
    files, report = {}, []
    for lang in targets:
        segments = requested[lang]
        imported = import_yaml(import_dir, segments, corpus, batches) if import_dir else {}
        plan, previous, counts = plan_entries(existing[lang], segments, imported, imported_by)
        by_file = defaultdict(list)
        d = root / catalogs(lang)
        for key, (zh, fam) in segments.items():
            # an entry stays in the catalog file it is in (a translator's own custom.po too: written into its
            # family's file as well, it would be there twice, and every later command would refuse the catalogs)
            held = Path(plan[key].file).name if plan[key].file else ""
            by_file[held if held.endswith(".po") and (d / held).is_file() else FAMILY_FILES.get(fam, "other.po")] \
                .append((key, plan[key]))
        try:
            d.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise write_error(d, e, "creating") from None
        obsolete = _obsolete(existing[lang], plan, imported, d, set(by_file), root, report, lang)
        files.update({d / name: catalog_bytes(entries, lang, previous, obsolete.get(name, ()))
                      for name, entries in sorted(by_file.items())})
        for fam, c in sorted(counts.items()):
            total = sum(c.values())
            done = total - c["new"] - c["fuzzy"]
            report.append(f"{lang} {fam:<12} {done}/{total} translated, {c['fuzzy']} stale (fuzzy), {c['new']} new "
                          "untranslated" + (f", {c['moved']} found under another key" if c["moved"] else ""))
    # all catalogs or none: a full disk half-way leaves every catalog as it was
    atomic_write_many(files)
    for line in report:
        print(line)
    return 0
