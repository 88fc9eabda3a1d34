"""The page list: one page per item and language, each with a ready view
model. Templates only format what they receive here; they never parse or
compute. Every item id maps to its URL through ``urls.url_for``."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..i18n.catalog import Translator, source_hash
from ..i18n.glossary import Glossary
from ..i18n.termbase import NAMES_LANG
from ..i18n.romanize import parse_number, romanize_number
from ..kinds.common import parse_date
from .. import ids, kinds
from ..cache.deps import RecordingDict, recorded_cache
from ..model import Block, Corpus
from ..normalize import CJK_RE
from .text import format_date, opening, summary
from ..link.evidence import passage
from markupsafe import Markup, escape
from .urls import authoritative, languages, other_langs, url_for, use_languages

def _provenance(prov, zh: str) -> tuple:
    """A translated passage's "tr": (translated-by, translated-on, reviewed, hash of its Chinese); an
    untranslated one's is ("", "", "no", hash)."""
    return (prov.by if prov else "", prov.on if prov else "", prov.reviewed if prov else "no", source_hash(zh))


def cn_ordinal(n: int, digits: str) -> str:
    """``n`` (0–99) in Chinese numerals, as a section of a Chinese text numbers itself; ``digits`` are the
    theme's numerals 0–10 (its ``numerals`` string, 零 … 十)."""
    ten = digits[10]
    if n <= 10:
        return digits[n]
    if n < 20:
        return ten + digits[n - 10]
    return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")


_LETTER = re.compile(r"[^\W\d_]")  # a letter of any script (the Chinese ones are found before it is asked)
NAV_SECTIONS = {"task": "tasklist"}  # URL's first folder -> the navigation entry it belongs to


def translations(notes: list) -> dict:
    """Note id -> {language code: its version in that language} (the other languages only; a note without a
    version in any other language is not a key): the notes with the same translation_key, or the other
    languages of the same file (``lang: [zh, en]``)."""
    groups: dict[str, dict] = {}
    for n in notes:
        groups.setdefault(n.translation_key or f"file:{n.path}", {}).setdefault(n.lang, n)
    out = {}
    for g in groups.values():
        if len(g) > 1:
            for lang, n in g.items():
                out[n.id] = {other: m for other, m in g.items() if other != lang}
    return out


def notes_shown(notes: list, lang: str, order: list) -> list:
    """The notes a page in ``lang`` lists: each note in ``lang``, and of a note with no version in ``lang`` one
    version only, the one whose language comes first in ``order`` (the authoritative language first)."""
    versions = translations(notes)
    rank = {code: k for k, code in enumerate(order)}

    def shown(n) -> bool:
        others = versions.get(n.id, {})
        if n.lang == lang:
            return True
        if lang in others:
            return False
        return all(rank.get(n.lang, 99) < rank.get(o, 99) for o in others)

    return [n for n in notes if shown(n)]


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
    crumb: str = ""  # the breadcrumb's last item where the title says more (an article: 第三条, not its document too)

    @property
    def here(self) -> str:
        """The page's own item of the breadcrumb."""
        return self.crumb or self.title

    @property
    def url(self) -> str:
        return Page.url_in(self, self.lang)

    def url_in(self, lang: str) -> str:
        """The page in ``lang`` ("" where it has no version in that language: a note without its translation)."""
        return url_for(self.id, lang) if self.id != "__404__" else f"/{lang}/404.html"

    def switch_url_in(self, lang: str) -> str:
        """Where the language switch to ``lang`` goes: the page in that language (a page without one overrides
        this)."""
        return self.url_in(lang)

    @property
    def languages(self) -> list:
        """The site's languages (config.Language), in the configured order."""
        return languages()

    @property
    def alternates(self) -> list[dict]:
        """The page's other languages, in the configured order: {"code", "hreflang", "name" (in itself, for the
        switcher), "url" (the page in that language, "" if it has none: no hreflang link then), "switch" (where
        the switcher goes)}."""
        return [{"code": lg.code, "hreflang": lg.hreflang, "name": lg.name, "url": self.url_in(lg.code),
                 "switch": self.switch_url_in(lg.code)} for lg in other_langs(self.lang)]

    @property
    def source_url(self) -> str:
        """The page in the authoritative language, on a translation's page that has one ("" otherwise)."""
        auth = authoritative()
        return self.url_in(auth) if self.lang != auth else ""

    @property
    def nav_section(self) -> str:
        """The part of the site the page is in, as the top navigation names it (a task is in the task list)."""
        first = self.url.split("/")[2]
        return NAV_SECTIONS.get(first, first)


class ViewContext:
    """Builds view models from the corpus for one language at a time."""

    def __init__(self, corpus: Corpus, translators: dict[str, Translator], glossary: Glossary, ui: dict,
                 languages: list):
        use_languages(languages)  # the site's (Config.languages): every page loop and alternate reads them
        self.languages = list(languages)
        self.authoritative = authoritative()
        # the authoritative language first, then the translations as configured (a note shown in place of one
        # missing in the page's language is the first of its versions in this order)
        self.language_order = [self.authoritative] + [lg.code for lg in languages if not lg.authoritative]
        self.corpus = corpus
        self.translators = translators  # language code -> its catalogs (catalog.Translations)
        self.glossary = glossary
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
            for link in self.corpus.links:
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
        auth = self.authoritative
        if lang == auth:
            return {"text": zh, "zh": zh, "status": "ok", "lang": auth}
        if not CJK_RE.search(zh):  # the gazette's own English lines, or figures and marks only (in any language)
            return {"text": zh, "zh": zh, "status": "ok", "lang": "en" if _LETTER.search(zh) else lang}
        tr = self.translators.get(lang)  # None: not a language of the site (the data API's English on a site
        s = tr.get(key, zh, family) if tr is not None else None  # without English): the authoritative text
        if s is not None and s.ok:
            out = {"text": s.text, "zh": zh, "status": "ok", "lang": lang, "tr": _provenance(s.prov, zh)}
        else:
            out = self._stand_in(zh, s.status if s is not None else "missing")
        if self.tally is not None:
            self.tally.append(out)
        return out

    def name_in(self, key: str, zh: str, lang: str, family: str) -> str | None:
        """A name's translation in ``lang``'s catalogs (a department's, a livelihood category's), or None where
        they have none (the authoritative language's pages: None)."""
        tr = self.translators.get(lang)
        s = tr.get(key, zh, family) if tr is not None else None
        return s.text if s is not None and s.ok else None

    @staticmethod
    def translated(lang: str) -> bool:
        """Whether the glossary holds ``lang``'s words: its names of departments, districts, issuers and
        headings, and its terms, are English (Unit.en, headings.yaml's en …). On another language's pages a
        name comes from that language's catalogs where they have it (``name_in``), else the authoritative one
        stands in."""
        return lang == NAMES_LANG

    def heading_title(self, item_id: str, zh: str, lang: str) -> str:
        """The title of an item that is a heading of its text (a task-list section, a work-report part, section
        or topic; ``zh``: the heading's words) in a language the glossary does not hold: its catalogs'
        (``<id>#title``), else the Chinese (counted as missing; the page marks it). The kind asks the glossary
        first for the glossary's language."""
        return self.name_in(ids.title_key(item_id), zh, lang, "headings") or zh

    def date(self, iso: str, lang: str) -> str:
        return format_date(iso, lang, self.ui[lang].get("date_format", "long"))

    def cn(self, n: int) -> str:
        """``n`` in the authoritative text's numerals (the {cn} of the theme's section labels)."""
        return cn_ordinal(n, self.ui[self.authoritative]["numerals"])

    def doc_number(self, d, lang: str) -> str:
        """A document's number as ``lang``'s pages cite it: the kind's citation form in the catalogs' language
        (京政发〔2026〕1号 -> Jingzhengfa[2026] No. 1), else as printed (another language: as printed)."""
        if self.translated(lang):
            return kinds.kind_of(d).number_en(d, self) or d.number
        return d.number

    def issuer_name(self, zh: str, lang: str) -> str:
        """An issuing body's name in ``lang``: the glossary's English, else ``lang``'s catalogs'
        (``issuer/<Chinese>#name``), else as printed."""
        if self.translated(lang):
            return self.glossary.issuer_en(zh)
        return self.name_in(ids.name_key(ids.ISSUER, zh), zh, lang, "names") or zh

    def district_name(self, slug: str, zh: str, lang: str) -> str:
        """A district's name in ``lang`` (``zh``: its Chinese name): the glossary's English, else ``lang``'s
        catalogs' (``district/<slug>#name``), else the Chinese."""
        if self.translated(lang):
            return self.glossary.district_en(slug)
        return self.name_in(ids.name_key(ids.DISTRICT, slug), zh, lang, "names") or zh

    def unit_name(self, uid: str, lang: str) -> str:
        """A department's name in ``lang`` where there is one (``own_unit_name``), else its Chinese name."""
        u = self.corpus.units.get(uid)
        if not u:
            return uid
        return self.own_unit_name(uid, lang) or u.zh

    def own_unit_name(self, uid: str, lang: str) -> str | None:
        """A department's name in ``lang``: the glossary's (Chinese, English), else ``lang``'s catalogs' (key
        ``unit/<slug>#name``), else None."""
        u = self.corpus.units.get(uid)
        if not u:
            return None
        if lang == self.authoritative:
            return u.zh
        if self.translated(lang):
            return u.en
        return self.name_in(ids.with_anchor(uid, "name"), u.zh, lang, "units")

    def unit_refs(self, uids: list[str], lang: str, printed: list[str] | None = None) -> list[dict]:
        """Links to departments, named in ``lang``; with ``printed`` (the names as the source prints them, one a
        department), the body a name adds in brackets is kept: 怀柔区政府（怀柔科学城管委会）."""
        printed = printed if printed and len(printed) == len(uids) else [""] * len(uids)
        return [{"name": self.unit_label(u, p, lang), "url": url_for(u, lang), "id": u} for u, p in zip(uids, printed)]

    def unit_label(self, uid: str, printed: str, lang: str) -> str:
        """A department's name in ``lang``, with the body its printed name adds in brackets (市规划自然资源委
        （首规委办）: the planning commission and the capital planning commission's office, one lead), in ``lang``
        where the glossary names that body as a department of its own, else in Chinese."""
        name = self.unit_name(uid, lang)
        u = self.corpus.units.get(uid)
        m = re.fullmatch(r"（(.+)）", printed[len(u.zh):]) if u and printed.startswith(u.zh) else None
        if m is None:
            return name
        if lang == authoritative():
            return printed
        other = next((x for x in self.corpus.units.values() if x.zh == m.group(1)), None)
        extra = (self.own_unit_name(other.id, lang) if other else None) or m.group(1)
        return f"{name} ({extra})"

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

    def opening(self, text: str, lang: str, limit: int | None = None) -> str:
        return opening(text, lang, limit, mark=self.ui[lang]["ellipsis"])

    # ------------------------------------------------------------- shared parts
    LINK_ORDER = ("details", "implements", "related", "cites", "amends")

    def links(self, item_id: str, lang: str) -> list[dict]:
        """The item's cross-links in groups, one per kind and direction, each named by what the relation is
        from this item's side (ui ``link_phrases``: "Detailed in", "Implemented by" …): every link with its
        other end's title and its evidence, quoted in context (``quotes``). Lead units are not repeated here:
        the page lists them."""
        ui = self.ui[lang]
        groups: dict[tuple, list] = {}
        for link, direction in self.links_by_item.get(item_id, []):
            if link.kind == "led-by":
                continue
            other = link.dst if direction == "out" else link.src
            quotes = self.quotes(link, item_id, lang)
            groups.setdefault((link.kind, direction), []).append({
                "title": self.title(other, lang), "url": url_for(other, lang), "id": other,
                "kind": link.kind, "direction": direction, "score": link.score, "quotes": quotes,
                "editor": link.origin == "override",
                # an editor's evidence that quotes neither end: the editors' reason, not a quotation
                "reason": link.evidence[0] if link.origin == "override" and not link.spans and link.evidence else "",
                "cited": [] if link.spans or link.origin == "override" else list(link.evidence),
            })
        order = {k: i for i, k in enumerate(self.LINK_ORDER)}
        out = []
        for (kind, direction), items in sorted(groups.items(), key=lambda g: (order.get(g[0][0], 99), g[0][1])):
            items.sort(key=lambda x: (-x["score"], x["id"]))
            # the same quotation for every link of the group (the tasks under one heading): shown once
            sig = [tuple(q["zh"] for q in i["quotes"]) for i in items]
            shared = []
            if len(items) > 1 and sig[0] and all(x == sig[0] for x in sig):
                shared = [{**q, "where": ""} for q in items[0]["quotes"]]
                items = [{**i, "quotes": []} for i in items]
            out.append({"kind": kind, "direction": direction, "items": items, "quotes": shared,
                        "label": ui["link_phrases"].get(f"{kind}-{direction}", kind)})
        return out

    def quotes(self, link, here: str, lang: str) -> list[dict]:
        """A link's evidence as the passages it quotes, the words shown in their context with the quoted
        ones marked: from the other end where it has them (the reader is on ``here``), else from wherever they
        stand (the heading a task stands under). Each: {"zh": Markup, "translation": the passage in the page's
        language where it is translated, or "", "where": the title of the passage's item when it is neither end}."""
        spans = [sp for sp in link.spans if ids.without_anchor(sp.item) != here] or list(link.spans)
        by_item: dict[str, list] = {}
        for sp in spans:
            by_item.setdefault(sp.item, []).append(sp)
        out = []
        cut = self.ui[self.authoritative]["ellipsis"]  # the passages' language: the authoritative one
        for item, group in by_item.items():
            text = passage(self.corpus, item)
            if text is None:
                continue
            base = ids.without_anchor(item)
            out.append({"zh": marked(text, [(sp.start, sp.end) for sp in group], cut),
                        "translation": self.passage_translation(item, text, lang),
                        "where": self.where(base, lang) if base not in (link.src, link.dst) else ""})
        return out

    def where(self, item: str, lang: str) -> str:
        """A quoted passage's item, named for a reader who sees the quotation: a part of a list (the task list's
        subsection whose heading a task stands under) with the list and its number, since the heading alone
        repeats the quotation ('see 打造现代化首都都市圈' under 打造现代化首都都市圈)."""
        title = self.title(item, lang)
        parts = item.split("/")
        if ids.scheme(item) == "tasklist" and len(parts) > 2:
            whole = self.title("/".join(parts[:2]), lang)
            return f"{whole}{self.ui[lang]['part_sep']}{parts[2]}{self.ui[lang]['label_title_sep'] or ' '}{title}"
        return title

    def passage_translation(self, item: str, zh: str, lang: str) -> str:
        """A quoted passage in ``lang``, where its catalogs (or the glossary) have it; "" on the authoritative
        language's pages (the quotation is the text)."""
        if lang == self.authoritative:
            return ""
        base, part = ids.without_anchor(item), ids.anchor(item)
        scheme = ids.scheme(base)
        if part == "units" or scheme == "unit":
            return ""  # names: the page links the departments by their names in its language
        if scheme in ("tasklist",) or (scheme == "report" and base.count(".") == 1):
            t = self.title(base, lang)
            return "" if CJK_RE.search(t) else t
        family = {"task": "tasks", "livelihood": "livelihood", "progress": "progress", "report": "report"}.get(scheme)
        if family is None:
            return ""
        key = base
        if scheme == "progress":
            key = ids.with_anchor(base, "task")
        elif scheme == "report":
            rep = self.corpus.reports.get(ids.prefix(base, 1))
            block = next((b for b in rep.blocks if b.anchor == base), None) if rep else None
            if block is None:
                return ""
            key = ids.with_anchor(rep.id, block.key)
        s = self.seg(key, zh, lang, family)
        return summary(s["text"], lang, 320, mark=self.ui[lang]["ellipsis"]) if s["status"] == "ok" and s["lang"] == lang \
            else ""

    def notes(self, item_id: str, lang: str) -> list[dict]:
        """The notes about an item in the page's language, and the notes in the other language that have no
        version in this one (``other_lang``: announced as such, marked with their language)."""
        notes = notes_shown(list(self.notes_by_item.get(item_id, [])), lang, self.language_order)
        notes.sort(key=lambda n: (n.date, n.id), reverse=True)
        notes.sort(key=lambda n: n.lang != lang)  # this language's first
        return [{"title": n.title, "url": url_for(n.id, n.lang), "date": self.date(n.date, n.lang),
                 "author": n.author, "html": n.html, "lang": n.lang, "other_lang": n.lang != lang} for n in notes]

    def origins(self, origins, lang: str) -> list[dict]:
        """Where an item was published, named as a reader cites it: a gazette issue with the page its document
        starts on, or the publication's name from provenance.yaml (``name_zh``/``name_en``), with the official
        address where provenance.yaml gives one. Files and line numbers are for the data API only."""
        ui = self.ui[lang]
        seen, out = set(), []
        for o in origins:
            name, page, url = self._publication(o.file, o.line, lang)
            if (name, page) in seen:
                continue
            seen.add((name, page))
            out.append({"name": name, "page": ui["prov_page"].format(page=page) if page else "", "url": url})
        return out

    def _publication(self, file: str, line: int, lang: str) -> tuple[str, int | None, str]:
        prov = next((s.provenance for s in self.corpus.sources if s.path == file), None) or {}
        for g in dict.values(self.corpus.gazettes):
            if g.origin is not None and g.origin.file == file:
                page = None
                for did in g.documents:
                    d = self.corpus.documents.get(did)
                    if d is not None and any(o.file == file and o.line <= line <= (o.end_line or o.line)
                                             for o in d.origins):
                        page = d.page
                return self.title(g.id, lang), page, prov.get("url", "")
        name = prov.get(f"name_{lang}") or prov.get("name_zh") or self.ui[lang]["prov_other"]
        return name, None, prov.get("url", "")

    def publication_name(self, file: str, lang: str) -> str:
        """The name of the publication a source file holds (a variant passage's note names it)."""
        return self._publication(file, 0, lang)[0]

    def block(self, b: Block, doc_key: str, lang: str) -> dict:
        """A block of running text with its translation and its link target."""
        v = {"kind": b.kind, "level": b.level, "line": b.line, "anchor": "", "url": "", "original": b.original,
             "only_in": self.ui[lang]["only_in_pub"].format(publication=self.publication_name(b.only_in, lang))
             if b.only_in else ""}
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
            names = [self.own_unit_name(u, lang) for u in task.units] if task is not None else [None]
            if lang != self.authoritative and all(names):  # every lead unit named in the page's language
                ui = self.ui[lang]
                v.update({"text": ui["lead_units"] + ui["colon"] + ui["units_sep"].join(names),
                          "zh": b.text, "status": "ok", "lang": lang})
            else:
                v.update(self.seg("", b.text, self.authoritative, "units"))
            v["units"] = self.unit_refs(task.units, lang) if task else []
        elif b.kind == "heading" and b.anchor.startswith(("tasklist/", "report/")) and b.anchor.count("/") >= 2:
            fam, num = ids.scheme(b.anchor), ids.number_of(b.anchor)
            en = self.glossary.heading_en(fam, num, b.text)
            if self.translated(lang) and en:
                label = num.split(".")[-1]
                v.update({"text": f"{label}. {en}", "zh": b.text, "status": "ok", "lang": "en"})
            else:
                v.update(self.seg(ids.with_anchor(b.anchor, "heading"), b.text, lang, "headings"))
        elif b.kind == "project":
            v.update(self._project_text(b, lang))
        elif b.kind == "date" and self.translated(lang) and parse_date(b.text):
            v.update({"text": self.date(parse_date(b.text), "en"), "zh": b.text, "status": "ok", "lang": "en"})
        elif b.kind == "number" and self.translated(lang) and parse_number(b.text.replace(" ", "")):
            v.update({"text": romanize_number(b.text.replace(" ", "")), "zh": b.text, "status": "ok", "lang": "en"})
        elif b.kind == "table":
            rows = []
            for k, row in enumerate(b.rows or []):
                zh_row = "\t".join(row)
                s = self.seg(ids.with_anchor(doc_key, f"{b.key}.r{k}"), zh_row, lang, "documents")
                rows.append({"cells": s["text"].split("\t"), "status": s["status"], "zh": row,
                             "lang": s["lang"], "tr": s.get("tr")})
            v.update({"text": b.text, "zh": b.text, "status": "ok" if all(r["status"] == "ok" for r in rows) else "missing",
                      "lang": lang, "rows": rows})
        else:
            owner = kinds.for_id(doc_key)
            v.update(self.seg(ids.with_anchor(doc_key, b.key), b.text, lang, owner.catalog if owner else "documents"))
        return v

    def _project_text(self, b, lang: str) -> dict:
        """A livelihood category in running text: its name and sub-items, each translated on its own."""
        tr = self.translators.get(lang)
        if tr is None:  # the authoritative language: the source's text
            return self.seg("", b.text, lang, "livelihood")
        ll = self.corpus.livelihood.get(ids.prefix(b.anchor, 1))
        p = ll.projects[int(ids.number_of(b.anchor)) - 1]
        name = tr.get(ids.with_anchor(p.id, "name"), p.name, "livelihood")
        items = [tr.get(it.id, it.text, "livelihood") for it in p.items]
        if name.ok and all(i.ok for i in items):
            text = f"{p.number}. {name.text}. " + " ".join(i.text for i in items)
            return {"text": text, "zh": b.text, "status": "ok", "lang": lang, "parts": [
                {"status": "ok", "zh": x.zh, "tr": _provenance(x.prov, x.zh)} for x in [name, *items]]}
        return self._stand_in(b.text, "missing")

    def _stand_in(self, zh: str, status: str) -> dict:
        """A passage without its translation (``status``: missing or stale): the authoritative text shown."""
        return {"text": zh, "zh": zh, "status": status, "lang": self.authoritative, "tr": _provenance(None, zh)}

    def _task_by_id(self, tid: str):
        tl = self.corpus.tasklists.get(ids.format_id("tasklist", ids.parse(tid).year))
        return tl.tasks.get(int(ids.number_of(tid))) if tl else None


QUOTE_CONTEXT = 24  # characters of context on either side of a quotation, at most (to a clause end)
STOPS = "，。；：！？,;:!?"


def marked(text: str, spans: list[tuple[int, int]], mark: str) -> Markup:
    """The words of ``text`` around the spans, the spans marked (<mark>): each span with up to QUOTE_CONTEXT
    characters either side, cut at a clause end where there is one, with ``mark`` (the theme's ellipsis, of the
    passage's language) where text is left out; windows that touch are merged."""
    windows = []
    for start, end in sorted(spans):
        lo = max(0, start - QUOTE_CONTEXT)
        k = max(text.rfind(ch, lo, start) for ch in STOPS)
        lo = k + 1 if k >= 0 else lo
        hi = min(len(text), end + QUOTE_CONTEXT)
        ks = [i for i in (text.find(ch, end, hi) for ch in STOPS) if i >= 0]
        hi = min(ks) + 1 if ks else hi
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]), windows[-1][2] + [(start, end)])
        else:
            windows.append((lo, hi, [(start, end)]))
    cut = escape(mark)
    out = [cut] if windows and windows[0][0] > 0 else []
    for n, (lo, hi, marks) in enumerate(windows):
        if n:
            out.append(Markup(" ") + cut + Markup(" "))
        pos = lo
        for start, end in marks:
            start = max(start, pos)
            if end <= start:
                continue
            out.append(escape(text[pos:start]))
            out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
            pos = end
        out.append(escape(text[pos:hi]))
    if windows and windows[-1][1] < len(text):
        out.append(cut)
    return Markup("").join(out)
