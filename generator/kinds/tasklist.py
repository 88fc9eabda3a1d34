"""Reader for a priority task list: sections 一、, subsections （一）, numbered
tasks ``N.`` each followed by ``主责单位：`` and a comma-separated list of lead
units. ``市科委、中关村管委会`` is one unit: only commas separate units."""
from __future__ import annotations

import dataclasses

import re

from ..errors import Report
from ..model import Block, Origin, Section, Subsection, Task, TaskList
from ..normalize import Para, normalize_text
from ..ids import format_id, parse as parse_id
from .base import cite_parts
from .circular import CircularKind
from .common import cn_number
from .. import ids

SECTION = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
SUBSECTION = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(.+)$")
TASK = re.compile(r"^(\d+)[\.．]\s*(.+)$")
UNITS = re.compile(r"^主责单位\s*[:：]\s*(.*)$")
TITLE = re.compile(r"^(\d{4})\s*年.*任务清单$")


def looks_like_tasklist(paras: list[Para]) -> bool:
    texts = [normalize_text(p.text) for p in paras[:3]]
    return bool(texts) and bool(TITLE.match(texts[0])) and sum(1 for p in paras if UNITS.match(normalize_text(p.text))) >= 3


def split_units(text: str) -> list[str]:
    units = [u.strip() for u in re.split(r"[，,]", text)]
    return [u for u in units if u]


def parse_tasklist(paras: list[Para], path: str, doc_id: str, report: Report) -> tuple[TaskList, list[Block]]:
    title = normalize_text(paras[0].text)
    year = int(TITLE.match(title).group(1))
    tl = TaskList(id=ids.format_id("tasklist", year), year=year, title=title, document=doc_id,
                  origins=[Origin(path, paras[0].line, paras[-1].end_line)])
    blocks = [Block("title", title, paras[0].line, key="tasklist-title", level=2, anchor=tl.id)]
    section = subsection = None
    last_task: Task | None = None
    for p in paras[1:]:
        text = normalize_text(p.text)
        if p.kind != "para":
            report.error(path, p.line, f"unexpected {p.kind} inside the task list: {text[:30]!r}",
                         "a section, subsection, task or 主责单位 line")
            continue
        if m := UNITS.match(text):
            if last_task is None or last_task.units_raw:
                report.error(path, p.line, "主责单位 line without a task before it", "a numbered task first")
                continue
            last_task.units_raw = split_units(m.group(1))
            last_task.units_line = m.group(1).strip()
            last_task.origins[0].end_line = p.end_line
            blocks.append(Block("units", text, p.line, anchor=last_task.id))
            continue
        if m := TASK.match(text):
            if section is None or subsection is None:
                report.error(path, p.line, "task before any section/subsection heading", "一、… and （一）… first")
                continue
            n = int(m.group(1))
            expected = (max(tl.tasks) + 1) if tl.tasks else 1
            if n != expected:
                report.error(path, p.line, f"task number {n} out of sequence", f"task {expected}")
            task = Task(id=ids.format_id("task", year, n), year=year, number=n, text=m.group(2).strip(), units_raw=[],
                        section=section.number, subsection=subsection.number,
                        origins=[Origin(path, p.line, p.end_line)])
            tl.tasks[n] = task
            subsection.tasks.append(n)
            last_task = task
            blocks.append(Block("task", f"{n}. {task.text}", p.line, anchor=task.id))
            continue
        if m := SUBSECTION.match(text):
            if section is None:
                report.error(path, p.line, "subsection before any section", "一、… first")
                continue
            num = cn_number(m.group(1))
            if num != len(section.subsections) + 1:
                report.error(path, p.line, f"subsection （{m.group(1)}） out of sequence",
                             f"subsection {len(section.subsections) + 1}")
            subsection = Subsection(id=ids.format_id("tasklist", year, f"{section.number}.{num}"), section=section.number,
                                    number=num, title=m.group(2).strip(), line=p.line)
            section.subsections.append(subsection)
            blocks.append(Block("heading", text, p.line, level=3, anchor=subsection.id))
            continue
        if m := SECTION.match(text):
            num = cn_number(m.group(1))
            if num != len(tl.sections) + 1:
                report.error(path, p.line, f"section {m.group(1)}、 out of sequence", f"section {len(tl.sections) + 1}")
            section = Section(id=ids.format_id("tasklist", year, num), number=num, title=m.group(2).strip(), line=p.line)
            tl.sections.append(section)
            subsection = None
            blocks.append(Block("heading", text, p.line, level=2, anchor=section.id))
            continue
        report.error(path, p.line, f"cannot place this paragraph in the task list: {text[:40]!r}",
                     "a section 一、, subsection （一）, numbered task N. or 主责单位 line")
    # a task without its 主责单位 line is judged once every publication is read
    # (check_lead_units): an error in the complete one, a warning in a partial copy
    return tl, blocks


def check_lead_units(tl: TaskList, report: Report, copy: TaskList | None = None) -> None:
    """Every task of the canonical (complete) publication ``tl`` must name its lead
    units: a task without its 主责单位 line is an error. In another publication
    ``copy`` it is a warning only when that copy is known to be partial (it has fewer
    tasks than the canonical one, like a web excerpt), since the canonical units are used."""
    if copy is None or len(copy.tasks) >= len(tl.tasks):
        numbers = sorted((copy or tl).tasks)
        for n in numbers:
            t = (copy or tl).tasks[n]
            if not t.units_raw:
                o = t.origins[0]
                after = next(((copy or tl).tasks[m].origins[0].line for m in numbers if m > n), None)
                where = f"before task {n + 1} (line {after})" if after else "after the task text"
                report.error(o.file, o.line, f"task {n} has no 主责单位 line",
                             f"a line '主责单位：…' naming its lead units {where}")
        return
    for n in sorted(copy.tasks):
        t = copy.tasks[n]
        if not t.units_raw:
            o = t.origins[0]
            canon = tl.tasks.get(n)
            used = f"; the lead units of {canon.origins[0].file}:{canon.origins[0].line} are used" if canon else ""
            report.warn(o.file, o.line, f"task {n} has no 主责单位 line in this partial copy "
                        f"({len(copy.tasks)} of {len(tl.tasks)} tasks){used}")


def attach_tasklist(doc, attachment, path: str, rep, convert=None, seen=None):
    """Read a circular's attachment as its task list when it is one: the list's blocks go into the document,
    which records that it contains the list. Returns the TaskList, or None. A list in Traditional script
    (``convert``) is read in Simplified, each block keeping its line as written as its original, and each task
    its text and its 主责单位 line as written (its own page and the list's pages show them as the blocks do);
    ``seen``: the attachment converted already (the registry converts it once to find its kind)."""
    if seen is None:
        seen = [dataclasses.replace(p, text=convert(p.text)) for p in attachment] if convert else attachment
    if not looks_like_tasklist(seen):
        return None
    tl, blocks = parse_tasklist(seen, path, doc.id, rep)
    if convert:  # a line whose reading in Simplified differs from it holds Traditional characters
        read = {p.line: p.text for p in seen}
        written = {p.line: normalize_text(p.text) for p in attachment}
        tasks = {t.id: t for t in tl.tasks.values()}
        for b in blocks:
            w = written.get(b.line)
            if w is not None and normalize_text(read[b.line]) != w:
                b.original = w
                task = tasks.get(b.anchor) if b.kind in ("task", "units") else None
                if task is not None and b.kind == "units":
                    task.units_original = w
                elif task is not None:  # its text, after its number (N. as written)
                    m = TASK.match(w)
                    task.original = m.group(2).strip() if m else w
    for b in blocks:
        b.key = b.key or f"p{len(doc.blocks)}"
        doc.blocks.append(b)
    doc.attachment_title, doc.contains = tl.title, tl.id
    doc.origins[0].end_line = attachment[-1].end_line
    return tl


class TaskListKind(CircularKind):
    """A circular that issues a priority task list (…重点任务清单): the circular, and the list with its sections,
    subsections and tasks (ids ``tasklist/Y``, ``tasklist/Y/1.4``, ``task/Y/N``). A web copy may carry the
    circular more than once, and only part of the list."""

    name, schemes, family = "tasklist", ("task", "tasklist"), "tasklists"
    label = "task list circular"
    expected = "task list (a circular whose attachment is 'YYYY年…任务清单' with 主责单位 lines)"
    copies = True

    def detect(self, text: str) -> bool:
        head = text[:5000]  # in either script (重點任務清單, 主責單位): a Traditional copy is read in Simplified
        return super().detect(text) and ("重点任务清单" in head or "重點任務清單" in head) \
            and text.count("主责单位") + text.count("主責單位") >= 3

    def detect_document(self, paras, texts) -> bool:
        return False  # inside a gazette issue the circular's attachment is recognised (read_attachment)

    def detect_attachment(self, paras) -> bool:
        return looks_like_tasklist(paras)

    def read_attachment(self, doc, attachment, path: str, rep, convert=None, seen=None):
        return attach_tasklist(doc, attachment, path, rep, convert, seen)

    def read_document(self, paras, path: str, rep, ctx, *, title_hint: str | None = None, in_file: bool = False):
        doc, tl = super().read_document(paras, path, rep, ctx, title_hint=title_hint, in_file=in_file)
        if tl is None:
            rep.error(path, paras[0].line, "task list circular without a task list",
                      "a title 'YYYY年…任务清单' followed by sections and tasks")
        return doc, tl

    def item_ids(self, tl) -> list[str]:
        out = [tl.id]
        for sec in tl.sections:
            out.append(sec.id)
            out.extend(sub.id for sub in sec.subsections)
        out.extend(t.id for t in tl.tasks.values())
        return out

    def source_files(self, corpus, tl) -> set[str]:
        doc = dict.get(corpus.documents, tl.document)
        return {o.file for o in tl.origins} | ({o.file for o in doc.origins} if doc else set())

    def derived(self, tl):
        return [(t.number, t.units) for t in tl.tasks.values()]

    # -------------------------------------------------------------- publishing
    def _list(self, v, item_id: str):
        i = parse_id(item_id)
        return v.corpus.tasklists.get(format_id("tasklist", i.year)), i

    def heading(self, tl, num: str) -> str:
        """The Chinese heading of section ``1`` or subsection ``1.4``."""
        if "." in num:
            a, b = (int(x) for x in num.split("."))
            return tl.sections[a - 1].subsections[b - 1].title
        return tl.sections[int(num) - 1].title

    def title(self, v, item_id: str, lang: str) -> str | None:
        tl, i = self._list(v, item_id)
        if tl is None:
            return None
        ui = v.ui[lang]
        if i.scheme == "task":
            t = tl.tasks.get(int(i.last)) if i.last.isdigit() else None
            if t is None:
                return None
            s = v.seg(t.id, t.text, lang, "tasks")
            return ui["title_task"].format(n=t.number, text=v.opening(s["text"], s["lang"]))
        if len(i.parts) == 1:
            return ui["title_tasklist"].format(title=tl.title, year=tl.year)
        num = i.last
        zh = self.heading(tl, num)
        if v.translated(lang):
            return v.glossary.heading_en("tasklist", num, zh) or zh
        return v.heading_title(item_id, zh, lang)

    def citation(self, v, item_id: str, lang: str) -> str | None:
        tl, i = self._list(v, item_id)
        if tl is None:
            return None
        d = v.corpus.documents.get(tl.document)
        if d is None:
            return None
        base = v.citation(d.id, lang)
        ui = v.ui[lang]
        where = (ui["where_task"] if i.scheme == "task" else ui["where_section"]).format(n=i.last) \
            if len(i.parts) > 1 else ""
        return cite_parts(ui, base, where)

    def page_groups(self, v, lang: str):
        for tid in list(dict.keys(v.corpus.tasklists)):
            yield tid, (lambda tid=tid: v.build.tasklist(v.corpus.tasklists[tid], lang))

    def file_name(self, corpus, src) -> str:
        d = next(d for d in corpus.documents.values() if any(o.file == src.path for o in d.origins))
        return f"{d.year}-tasklist-{d.slug}.txt"


KIND = TaskListKind()
