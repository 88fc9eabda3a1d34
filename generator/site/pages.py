"""The page list: one page per item and language, each with a ready view
model. Templates only format what they receive here; they never parse or
compute. Every item id maps to its URL through ``urls.url_for``."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..i18n.catalog import Translator, source_hash
from ..i18n.glossary import Glossary
from ..i18n.romanize import parse_number, romanize_number
from ..kinds.common import parse_date
from .. import ids, kinds
from ..cache.deps import RecordingDict, recorded_cache
from ..cache.store import first_title
from ..model import Block, Corpus
from ..normalize import CJK_RE
from .text import format_date, opening
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
    genre: str = ""  # a document page: the kind of document (decree, rules …), the search filter's value

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
        # indexes of the corpus the pages read: their reads are recorded as dependencies (cache/deps.py)
        self.doc_by_slug = RecordingDict("doc_slug", {d.slug: d for d in dict.values(corpus.documents)})
        self._links_by_item: dict[str, list] | None = None  # made when first asked (see links_by_item)
        by_item: dict[str, list] = defaultdict(list)
        for note in corpus.notes:
            for ref in note.refs:
                by_item[ref].append(note)
        self.notes_by_item = RecordingDict("notes", by_item)
        self.notes_by_id = RecordingDict("note", {n.id: n for n in corpus.notes})
        by_doc: dict[str, list] = defaultdict(list)
        for r in corpus.citations:
            by_doc[r.source].append(r)
        self.citations_by_doc = RecordingDict("citations", by_doc)
        self.title = recorded_cache(self._title)  # memoised with the reads each title made
        self.citation = recorded_cache(self._citation)
        self.build = None  # the builders of the site's page types (site/views.py sets them)
        self.tally: list | None = None  # when a list: every passage looked up is appended (the data API)

    @property
    def links_by_item(self) -> dict[str, list]:
        """item id -> [(link, "out" | "in")]. Made on first use: in a page worker when it makes a page
        with links, so an incremental build that makes few pages does not index every link first."""
        if self._links_by_item is None:
            index: dict[str, list] = defaultdict(list)
            for link in self.c.links:
                index[link.src].append((link, "out"))
                index[link.dst].append((link, "in"))
            self._links_by_item = RecordingDict("links", index)
        return self._links_by_item

    # ------------------------------------------------------------------ text
    def seg(self, key: str, zh: str, lang: str, family: str) -> dict:
        """One passage in ``lang``: {"text", "zh", "status" (ok | stale | missing), "lang" (of the text
        shown: "zh" wherever the Chinese stands in for a missing translation)}; a translated passage also
        has "tr": its provenance (translated-by, translated-on, reviewed, hash of the Chinese), which the
        page's translation status sums up (see translation_status)."""
        if lang == "zh":
            return {"text": zh, "zh": zh, "status": "ok", "lang": "zh"}
        if not CJK_RE.search(zh):  # already English (the gazette's own English lines) or figures only
            return {"text": zh, "zh": zh, "status": "ok", "lang": "en"}
        s = self.tr.get(key, zh, family)
        if s.ok:
            p = s.prov
            out = {"text": s.en, "zh": zh, "status": "ok", "lang": "en",
                   "tr": (p.by if p else "", p.on if p else "", p.reviewed if p else "no", source_hash(zh))}
        else:
            out = {"text": zh, "zh": zh, "status": s.status, "lang": "zh", "tr": ("", "", "no", source_hash(zh))}
        if self.tally is not None:
            self.tally.append(out)
        return out

    def date(self, iso: str, lang: str) -> str:
        return format_date(iso, lang)

    def unit_name(self, uid: str, lang: str) -> str:
        u = self.c.units.get(uid)
        if not u:
            return uid
        return u.zh if lang == "zh" else u.en

    def unit_refs(self, uids: list[str], lang: str) -> list[dict]:
        return [{"name": self.unit_name(u, lang), "url": url_for(u, lang), "id": u} for u in uids]

    # ------------------------------------------------------------- titles
    def _title(self, item_id: str, lang: str) -> str:
        """Human title of any item, in the page language (``title``: the same, memoised): the kind that owns
        the id says it (kinds/); a note is titled by its author."""
        kind = kinds.for_id(item_id)
        t = kind.title(self, item_id, lang) if kind is not None else None
        if t is not None:
            return t
        n = self.notes_by_id.get(item_id)
        return n.title if n is not None else item_id

    def _citation(self, item_id: str, lang: str) -> str:
        """The citation line of any page: the kind that owns its id says it (``citation``: memoised)."""
        kind = kinds.for_id(item_id)
        c = kind.citation(self, item_id, lang) if kind is not None else None
        if c is not None:
            return c
        n = self.notes_by_id.get(item_id)
        return self.ui[lang]["list_sep"].join([n.author, self.date(n.date, lang)]) if n is not None else ""

    def opening(self, text: str, lang: str) -> str:
        return opening(text, lang)

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
            fam, num = ids.scheme(b.anchor), ids.number_of(b.anchor)
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
                rows.append({"cells": s["text"].split("\t"), "status": s["status"], "zh": row,
                             "lang": s["lang"], "tr": s.get("tr")})
            v.update({"text": b.text, "zh": b.text, "status": "ok" if all(r["status"] == "ok" for r in rows) else "missing",
                      "lang": lang, "rows": rows})
        else:
            owner = kinds.for_id(doc_key)
            v.update(self.seg(f"{doc_key}#{b.key}", b.text, lang, owner.catalog if owner else "documents"))
        return v

    def _project_text(self, b, lang: str) -> dict:
        """A livelihood category in running text: its name and sub-items, each translated on its own."""
        if lang == "zh":
            return self.seg("", b.text, "zh", "livelihood")
        ll = self.c.livelihood.get(ids.prefix(b.anchor, 1))
        p = ll.projects[int(ids.number_of(b.anchor)) - 1]
        name = self.tr.get(f"{p.id}#name", p.name, "livelihood")
        items = [self.tr.get(it.id, it.text, "livelihood") for it in p.items]
        if name.ok and all(i.ok for i in items):
            text = f"{p.number}. {name.en}. " + " ".join(i.en for i in items)
            return {"text": text, "zh": b.text, "status": "ok", "lang": "en", "parts": [
                {"status": "ok", "zh": x.zh, "tr": (x.prov.by if x.prov else "", x.prov.on if x.prov else "",
                                                  x.prov.reviewed if x.prov else "no", source_hash(x.zh))}
                for x in [name, *items]]}
        return {"text": b.text, "zh": b.text, "status": "missing", "lang": "zh", "tr": ("", "", "no", source_hash(b.text))}

    def _task_by_id(self, tid: str):
        tl = self.c.tasklists.get(ids.format_id("tasklist", ids.parse(tid).year))
        return tl.tasks.get(int(ids.number_of(tid))) if tl else None


def build_pages(v: "Views", site: dict):
    """Every page of the site, one at a time (a generator: callers keep only what they need)."""
    from . import views

    for lang in LANGS:
        yield from views.all_pages(v, lang, site)
