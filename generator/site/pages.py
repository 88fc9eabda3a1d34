"""The page list: one page per item and language, each with a ready view
model. Templates only format what they receive here; they never parse or
compute. Every item id maps to its URL through ``urls.url_for``."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..i18n.catalog import Translator
from ..i18n.glossary import Glossary
from ..i18n.romanize import parse_number, romanize_number
from ..sources.common import parse_date
from ..model import Block, Corpus
from ..normalize import CJK_RE
from .text import format_date
from .urls import LANGS, other_lang, url_for

CN_NUM = "零一二三四五六七八九十"


def cn_ordinal(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n - 10] if n > 10 else "")
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


@dataclass
class Page:
    id: str
    lang: str
    template: str
    title: str
    ctx: dict
    kind: str = ""  # search filter: document kind
    year: str = ""
    units: list = field(default_factory=list)  # search filter: lead departments (names in page language)
    issuers: list = field(default_factory=list)  # search filter: issuing bodies of a document (page language)
    names: list = field(default_factory=list)  # search: what the page is called besides its title (a number,
    # a department's other names, a task's opening); an exact match ranks the page first
    breadcrumbs: list = field(default_factory=list)  # [(title, url)]
    searchable: bool = True
    date: str = ""
    citation: str = ""  # document number, date, issuer (+ where in it), in the page language

    @property
    def url(self) -> str:
        return url_for(self.id, self.lang) if self.id != "__404__" else f"/{self.lang}/404.html"

    @property
    def alt_url(self) -> str:
        return url_for(self.id, other_lang(self.lang)) if self.id != "__404__" else f"/{other_lang(self.lang)}/404.html"

    @property
    def switch_url(self) -> str:  # the language switch; a page without an alternate (alt_url "") overrides it
        return self.alt_url


class Views:
    """Builds view models from the corpus for one language at a time."""

    def __init__(self, corpus: Corpus, translator: Translator, glossary: Glossary, ui: dict):
        self.c = corpus
        self.tr = translator
        self.g = glossary
        self.ui = ui  # lang -> strings
        self.titles: dict[tuple[str, str], str] = {}
        self.doc_by_slug: dict | None = None  # slug -> document, made when first asked (citation)
        self._links_by_item: dict[str, list] | None = None  # made when first asked (see links_by_item)
        self.notes_by_item: dict[str, list] = defaultdict(list)
        for note in corpus.notes:
            for ref in note.refs:
                self.notes_by_item[ref].append(note)
        self._unit_index = {}
        for u in corpus.units.values():
            self._unit_index[u.id] = u

    @property
    def links_by_item(self) -> dict[str, list]:
        """item id -> [(link, "out" | "in")]. Made on first use: in a page worker when it makes a page
        with links, so an incremental build that makes few pages does not index every link first."""
        if self._links_by_item is None:
            index: dict[str, list] = defaultdict(list)
            for link in self.c.links:
                index[link.src].append((link, "out"))
                index[link.dst].append((link, "in"))
            self._links_by_item = index
        return self._links_by_item

    # ------------------------------------------------------------------ text
    def seg(self, key: str, zh: str, lang: str, family: str) -> dict:
        if lang == "zh":
            return {"text": zh, "zh": zh, "status": "ok", "lang": "zh"}
        if not CJK_RE.search(zh):  # already English (the gazette's own English lines) or figures only
            return {"text": zh, "zh": zh, "status": "ok", "lang": "en"}
        s = self.tr.get(key, zh, family)
        if s.ok:
            return {"text": s.en, "zh": zh, "status": "ok", "lang": "en"}
        return {"text": zh, "zh": zh, "status": s.status, "lang": "zh"}

    def date(self, iso: str, lang: str) -> str:
        return format_date(iso, lang)

    def unit_name(self, uid: str, lang: str) -> str:
        u = self._unit_index.get(uid)
        if not u:
            return uid
        return u.zh if lang == "zh" else u.en

    def unit_refs(self, uids: list[str], lang: str) -> list[dict]:
        return [{"name": self.unit_name(u, lang), "url": url_for(u, lang), "id": u} for u in uids]

    # ------------------------------------------------------------- titles
    def title(self, item_id: str, lang: str) -> str:
        """Human title of any item, in the page language."""
        key = (item_id, lang)
        if key in self.titles:
            return self.titles[key]
        t = self._title(item_id, lang)
        self.titles[key] = t
        return t

    def _title(self, item_id: str, lang: str) -> str:
        c = self.c
        zh = lang == "zh"
        if item_id.startswith("doc:"):
            d = c.documents.get(item_id)
            if not d:
                return item_id
            if zh:
                return d.title
            if d.title_en:
                return d.title_en
            tb = d.first_title()
            if tb is not None and tb[1] == d.title:
                s = self.tr.get(f"{d.id}#{tb[0]}", tb[1], "documents")
                if s.ok:
                    return s.en
            return f"{romanize_number(d.number)}"
        parts = item_id.split("/")
        kind = parts[0]
        if kind == "task":
            return f"任务{parts[2]}" if zh else f"Task {parts[2]}"
        if kind == "tasklist":
            tl = c.tasklists.get("/".join(parts[:2]))
            if len(parts) == 2:
                return tl.title if zh else f"Priority Task List for {parts[1]}"
            num = parts[2]
            head = self._tasklist_heading(tl, num)
            if zh:
                return head
            en = self.g.heading_en("tasklist", num)
            return en or (f"Section {num}" if "." not in num else f"Subsection {num}")
        if kind == "report":
            rep = c.reports.get("/".join(parts[:2]))
            if len(parts) == 2:
                return (f"{rep.year}年政府工作报告" if zh else f"{rep.year} Government Work Report")
            num = parts[2]
            obj = self._report_obj(rep, num)
            if obj is None:
                return item_id
            if num.count(".") == 2:
                return obj.lead if zh else (self._topic_en(obj) or f"Topic {num}")
            if zh:
                return obj.title
            return self.g.heading_en("report", num) or (f"Part {num}" if "." not in num else f"Section {num}")
        if kind == "livelihood":
            ll = c.livelihood.get("/".join(parts[:2]))
            if len(parts) == 2:
                return ll.title if zh else f"Beijing's Important Livelihood Projects for {ll.year}"
            num = parts[2]
            if "." in num:
                return (f"民生实事{num}" if zh else f"Livelihood project {num}")
            p = ll.projects[int(num) - 1]
            if zh:
                return f"{p.number}. {p.name}方面"
            s = self.tr.get(f"{p.id}#name", p.name, "livelihood")
            return f"{p.number}. {s.en}" if s.ok else f"Livelihood project {p.number}"
        if kind == "progress":
            t = c.progress.get("/".join(parts[:3]))
            dist = t.district_zh if zh else self.g.district_en(t.district)
            if len(parts) == 3:
                return f"{dist}{t.year}年民生实事进展" if zh else f"{dist}: {t.year} livelihood projects progress"
            return f"{dist}{t.year}年民生实事第{parts[3]}项" if zh else f"{dist} {t.year}, item {parts[3]}"
        if kind == "unit":
            return self.unit_name(item_id, lang)
        if kind == "gazette":
            g = c.gazettes.get(item_id)
            if g:
                return (f"北京市人民政府公报 {g.year}年第{g.number}期（总第{g.total_number}期）" if zh
                        else f"Gazette of the People's Government of Beijing Municipality, {g.year} Issue No. {g.number} (No. {g.total_number})")
        if kind == "note":
            for n in c.notes:
                if n.id == item_id:
                    return n.title
        return item_id

    def _topic_en(self, topic) -> str:
        s = self.tr.get(f"{topic.id}#lead", topic.lead, "report")
        return s.en if s.ok else ""

    @staticmethod
    def _tasklist_heading(tl, num: str) -> str:
        if "." in num:
            a, b = (int(x) for x in num.split("."))
            return tl.sections[a - 1].subsections[b - 1].title
        return tl.sections[int(num) - 1].title

    @staticmethod
    def _report_obj(rep, num: str):
        bits = [int(x) for x in num.split(".")]
        try:
            part = rep.parts[bits[0] - 1]
            if len(bits) == 1:
                return part
            sec = part.sections[bits[1] - 1]
            if len(bits) == 2:
                return sec
            return sec.topics[bits[2] - 1]
        except IndexError:
            return None

    # ------------------------------------------------------------- shared parts
    def links(self, item_id: str, lang: str) -> list[dict]:
        out = []
        for link, direction in self.links_by_item.get(item_id, []):
            other = link.dst if direction == "out" else link.src
            out.append({
                "kind": link.kind, "label": self.ui[lang]["kind_labels"].get(link.kind, link.kind),
                "direction": direction, "title": self.title(other, lang), "url": url_for(other, lang),
                "id": other, "score": round(link.score, 2), "evidence": link.evidence, "rule": link.rule,
                "origin": link.origin,
            })
        out.sort(key=lambda x: (x["kind"], -x["score"], x["id"]))
        return out

    def notes(self, item_id: str, lang: str) -> list[dict]:
        notes = [n for n in self.notes_by_item.get(item_id, []) if n.lang == lang]
        notes.sort(key=lambda n: (n.date, n.id), reverse=True)
        return [{"title": n.title, "url": url_for(n.id, lang), "date": self.date(n.date, lang), "author": n.author,
                 "html": n.html} for n in notes]

    def origins(self, origins) -> list[dict]:
        seen, out = set(), []
        for o in origins:
            k = (o.file, o.line, o.end_line)
            if k in seen:
                continue
            seen.add(k)
            out.append({"file": o.file, "line": o.line, "end_line": o.end_line or o.line})
        return out

    def block(self, b: Block, doc_key: str, lang: str) -> dict:
        """A block of running text with its translation and its link target."""
        v = {"kind": b.kind, "level": b.level, "line": b.line, "anchor": "", "url": "", "original": b.original,
             "only_in": b.only_in}
        if b.anchor:
            v["anchor"] = b.anchor.replace("/", "-").replace(".", "-")
            v["url"] = url_for(b.anchor, lang)
        if b.kind == "task":
            n, text = b.text.split(". ", 1)
            s = self.seg(b.anchor, text, lang, "tasks")
            s["text"] = f"{n}. {s['text']}"
            s["zh"] = b.text
            v.update(s)
        elif b.kind == "units":
            task = self._task_by_id(b.anchor)
            if lang == "en" and task is not None:
                v.update({"text": "Lead units: " + "; ".join(self.unit_name(u, "en") for u in task.units),
                          "zh": b.text, "status": "ok", "lang": "en"})
            else:
                v.update(self.seg("", b.text, "zh", "units"))
            v["units"] = self.unit_refs(task.units, lang) if task else []
        elif b.kind == "heading" and b.anchor.startswith(("tasklist/", "report/")) and b.anchor.count("/") >= 2:
            fam, num = ("tasklist" if b.anchor.startswith("tasklist/") else "report"), b.anchor.split("/")[2]
            en = self.g.heading_en(fam, num)
            if lang == "en" and en:
                prefix = re.match(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])", b.text)
                label = num.split(".")[-1]
                v.update({"text": f"{label}. {en}", "zh": b.text, "status": "ok", "lang": "en"})
            else:
                v.update(self.seg(f"{b.anchor}#heading", b.text, lang, "headings"))
        elif b.kind == "project":
            v.update(self._project_text(b, lang))
        elif b.kind == "date" and lang == "en" and parse_date(b.text):
            v.update({"text": self.date(parse_date(b.text), "en"), "zh": b.text, "status": "ok", "lang": "en"})
        elif b.kind == "number" and lang == "en" and parse_number(b.text.replace(" ", "")):
            v.update({"text": romanize_number(b.text.replace(" ", "")), "zh": b.text, "status": "ok", "lang": "en"})
        elif b.kind == "table":
            rows = []
            for k, row in enumerate(b.rows or []):
                zh_row = "\t".join(row)
                s = self.seg(f"{doc_key}#{b.key}.r{k}", zh_row, lang, "documents")
                rows.append({"cells": s["text"].split("\t"), "status": s["status"], "zh": row})
            v.update({"text": b.text, "zh": b.text, "status": "ok" if all(r["status"] == "ok" for r in rows) else "missing",
                      "lang": lang, "rows": rows})
        else:
            v.update(self.seg(f"{doc_key}#{b.key}", b.text, lang, "documents" if doc_key.startswith(("doc:", "gazette"))
                              else "report"))
        return v

    def _project_text(self, b, lang: str) -> dict:
        """A livelihood category in running text: its name and sub-items, each translated on its own."""
        if lang == "zh":
            return self.seg("", b.text, "zh", "livelihood")
        ll = self.c.livelihood.get("/".join(b.anchor.split("/")[:2]))
        p = ll.projects[int(b.anchor.split("/")[2]) - 1]
        name = self.tr.get(f"{p.id}#name", p.name, "livelihood")
        items = [self.tr.get(it.id, it.text, "livelihood") for it in p.items]
        if name.ok and all(i.ok for i in items):
            text = f"{p.number}. {name.en}. " + " ".join(i.en for i in items)
            return {"text": text, "zh": b.text, "status": "ok", "lang": "en"}
        return {"text": b.text, "zh": b.text, "status": "missing", "lang": "zh"}

    def _task_by_id(self, tid: str):
        parts = tid.split("/")
        tl = self.c.tasklists.get(f"tasklist/{parts[1]}")
        return tl.tasks.get(int(parts[2])) if tl else None


def build_pages(v: "Views", site: dict):
    """Every page of the site, one at a time (a generator: callers keep only what they need)."""
    from . import views

    for lang in LANGS:
        yield from views.all_pages(v, lang, site)
