"""Page views, one function per kind of page. Each returns Page objects with
ready-to-print context."""
from __future__ import annotations

import re

from markupsafe import Markup

from ..i18n.romanize import parse_number, romanize_number
from ..normalize import CJK_RE
from ..kinds.livelihood import FOOTER, FOOTER_KEYS
from ..kinds.report import front_block
from ..kinds.text import unmarked as without_markers
from .charts import bar_chart, progress_dashboard
from .html import text_html
from .pages import Page, ViewContext, notes_shown
from .text import format_number
from .urls import authoritative, codes, path_of, url_for
from .. import kinds
from ..i18n.status import passages, summarize
from .. import ids


INDEX_TITLES = {"gazette": "gazette_issues", "unit": "departments", "doc": "all_documents"}


def _crumbs(v: ViewContext, lang: str, trail: list[str]) -> list[tuple[str, str]]:
    out = [(v.ui[lang]["home"], f"/{lang}/")]
    for i in trail:
        title = v.ui[lang][INDEX_TITLES[i]] if i in INDEX_TITLES else v.title(i, lang)
        out.append((title, url_for(i, lang)))
    return out


def _pager(v: ViewContext, lang: str, seq: list[str], k: int, up: str | None) -> dict:
    """Previous and next among the pages of one level (``seq``, in reading order) and the page one level up:
    each {"url", "title"} or None."""
    def ref(i):
        return {"url": url_for(i, lang), "title": v.title(i, lang)} if i else None

    return {"prev": ref(seq[k - 1]) if k > 0 else None, "next": ref(seq[k + 1]) if k + 1 < len(seq) else None,
            "up": ref(up)}


def _common(v: ViewContext, item_id: str, lang: str) -> dict:
    return {"links": v.links(item_id, lang), "notes": v.notes(item_id, lang)}


def all_pages(v: ViewContext, lang: str, site: dict):
    for _, make in page_groups(v, lang, site):
        yield from make()


def _cited(v: ViewContext, lang: str, pages):
    for page in pages:
        if not page.citation:  # every page that has a source: parts and side-by-side views too
            page.citation = v.citation(page.id, lang)
        if lang != v.authoritative and "translation" not in page.ctx:
            page.ctx["translation"] = translation_view(v, lang, page.ctx)
        yield page


def translation_view(v: ViewContext, lang: str, ctx) -> dict | None:
    """The page's translation status (generator/i18n/status.py) over every passage its view model shows,
    with the date formatted and the link to the About page: the quiet line under the page title."""
    segs = passages(ctx)  # walked once: the view model of a large page holds thousands of passages
    st = summarize(segs)
    if st is None:
        return None
    ok = st["translated"]
    by = ("mixed" if st["machine"] and st["human"] else "machine" if st["machine"] else "human" if st["human"]
          else "unknown") if ok else "none"
    details = sorted({s["tr"][0].partition("(")[2].rstrip(")") for s in segs
                      if s.get("status") == "ok" and s["tr"][0].startswith("machine (")})
    return {**st, "date": v.date(st["translated_on"], lang) if st["translated_on"] else "",
            "fallback": st["passages"] - ok, "about_url": url_for("about/translations", lang),
            "by": by, "by_detail": "; ".join(details) if by == "machine" else "",
            "review": "all" if ok and st["reviewed"] == ok else "some" if st["reviewed"] else "none"}


def about_translations(v: ViewContext, lang: str):
    """The About-the-translations page: what the translation is, how to cite, how to report an error, and the
    catalogs' own figures (how many passages, by whom, reviewed or not): of the page's language, or, on the
    authoritative language's page, of every language's catalogs."""
    ui = v.ui[lang]
    catalogs = [v.translators[lang]] if lang in v.translators else list(v.translators.values())
    entries = [e for tr in catalogs for e in tr.entries.values() if e.text]
    dates = sorted(e.prov.on for e in entries if e.prov.on)
    stats = {"passages": len(entries), "machine": sum(e.prov.machine for e in entries),
             "human": sum(e.prov.human for e in entries), "reviewed": sum(e.prov.is_reviewed for e in entries),
             "first": v.date(dates[0], lang) if dates else "", "last": v.date(dates[-1], lang) if dates else ""}
    yield Page("about/translations", lang, "about_translations.html", ui["about_translations"],
               {"stats": stats, "glossary_url": url_for("glossary", lang)}, kind="index",
               breadcrumbs=_crumbs(v, lang, []), searchable=False)


def about_links(v: ViewContext, lang: str):
    """The About-the-links page: what each kind of link means and what its evidence is (every Related panel
    links here)."""
    ui = v.ui[lang]
    kinds_ = [{"kind": k, "out": ui["link_phrases"][f"{k}-out"], "in": ui["link_phrases"][f"{k}-in"],
               "text": ui["about_links_kinds"][k]} for k in ViewContext.LINK_ORDER]
    yield Page("about/links", lang, "about_links.html", ui["about_links"], {"kinds": kinds_}, kind="index",
               breadcrumbs=_crumbs(v, lang, []), searchable=False)


def notes_index(v: ViewContext, lang: str):
    """Every editors' note: those in the page's language, then those only in the other one (announced)."""
    ui = v.ui[lang]
    notes = list(v.corpus.notes)
    shown = sorted(notes_shown(notes, lang, v.language_order), key=lambda n: (n.date, n.id), reverse=True)
    shown.sort(key=lambda n: n.lang != lang)
    yield Page("note", lang, "notes.html", ui["notes_index"], {"notes": [
        {"title": n.title, "url": url_for(n.id, n.lang), "date": v.date(n.date, lang), "author": n.author,
         "lang": n.lang, "other_lang": n.lang != lang,
         "refs": [{"title": v.title(r, lang), "url": url_for(r, lang)} for r in n.refs]} for n in shown]},
        kind="index", breadcrumbs=_crumbs(v, lang, []), searchable=False)


def glossary_page(v: ViewContext, lang: str):
    """The public glossary, generated from the termbase: each term's Chinese, English, category and the
    source of the rendering; then the issuing bodies and districts the termbase takes from units.yaml."""
    ui = v.ui[lang]
    tb = v.glossary.termbase
    cats = ui.get("term_categories", {})
    groups: dict[str, list] = {}
    for t in tb.terms if tb else []:
        groups.setdefault(t.category or "other", []).append(
            {"zh": t.zh, "en": t.en, "note": t.note, "source": tb.sources.get(t.source, ui["glossary_units_file"]),
             "source_key": t.source})
    order = [c for c in cats if c in groups] + sorted(c for c in groups if c not in cats)
    yield Page("glossary", lang, "glossary.html", ui["glossary"], {
        "groups": [{"id": f"terms-{c}", "label": cats.get(c, c), "terms": groups[c]} for c in order],
        "count": sum(len(g) for g in groups.values()), "units_url": url_for("unit", lang),
        "about_url": url_for("about/translations", lang),
    }, kind="index", breadcrumbs=_crumbs(v, lang, []), searchable=False)


def page_groups(v: ViewContext, lang: str, site: dict):
    """The site's pages in one language, in groups: (group id, a function making the group's pages).

    A group is the pages of one item of the corpus (a document with its side-by-side view and its articles, a
    gazette issue, a task list with its sections and tasks, a report, a livelihood list, a progress table),
    the department pages, or one page of the site. Each kind (kinds/) names the groups of its items; the site
    adds its own pages. An incremental build (generator/incremental.py) keeps a group whose recorded reads did
    not change. Each group reads what it shows from the corpus while it is made (never from objects captured
    here): those reads are its dependencies."""
    ui = v.ui[lang]
    if v.build is None:
        v.build = Build(v)

    def group(gid, make):
        return gid, lambda: _cited(v, lang, make())

    yield group("home", lambda: home(v, lang, site))
    yield group("doc", lambda: doc_index(v, lang))
    for kind in kinds.KINDS:
        for gid, make in kind.page_groups(v, lang):
            yield group(gid, make)
    yield group("about/translations", lambda: about_translations(v, lang))
    yield group("about/links", lambda: about_links(v, lang))
    yield group("note", lambda: notes_index(v, lang))
    yield group("glossary", lambda: glossary_page(v, lang))
    yield group("search", lambda: iter([Page("search", lang, "search.html", ui["search"], {}, kind="search",
                                             breadcrumbs=_crumbs(v, lang, []), searchable=False)]))
    yield group("__404__", lambda: iter([Page("__404__", lang, "404.html", ui["not_found"], {}, breadcrumbs=[],
                                              searchable=False)]))


def doc_index(v: ViewContext, lang: str):
    ui = v.ui[lang]
    docs = sorted(v.corpus.documents.values(), key=lambda d: (d.date, d.number), reverse=True)

    yield Page("doc", lang, "list.html", ui["all_documents"], {
        "heading": ui["all_documents"],
        "items": [{"title": v.title(d.id, lang), "url": url_for(d.id, lang),
                   "meta": ui["part_sep"].join(x for x in (v.doc_number(d, lang), v.date(d.date, lang)) if x)} for d in docs]},
        kind="index", breadcrumbs=_crumbs(v, lang, []), searchable=False)


class Build:
    """The builders of the site's page types, which the kinds call by name (``v.build.tasklist(…)``) from their
    page groups: kinds/ never imports the site."""

    def __init__(self, v: ViewContext):
        self.v = v

    def document_pages(self, d, lang: str, kind):
        v = self.v
        yield from document(v, d, lang, kind)
        base = path_of(d.id)
        yield from parallel(v, f"{base}/parallel", d.id, v.title(d.id, lang), d.blocks, lang,
                            [d.gazette] if d.gazette else ["doc"], d.id, labels=printed_labels(d))
        yield from article_pages(v, d, lang)

    def gazette_index(self, lang: str):
        return gazette_index(self.v, lang)

    def gazette(self, g, lang: str):
        return gazette(self.v, g, lang)

    def tasklist(self, tl, lang: str):
        return tasklist(self.v, tl, lang)

    def report(self, rep, lang: str):
        return report(self.v, rep, lang)

    def livelihood(self, ll, lang: str):
        return livelihood(self.v, ll, lang)

    def progress(self, t, lang: str):
        return progress(self.v, t, lang)

    def units(self, lang: str):
        return units(self.v, lang)


def gazette_index(v: ViewContext, lang: str):
    ui = v.ui[lang]
    issues = sorted(v.corpus.gazettes.values(), key=lambda g: (g.year, g.number), reverse=True)
    yield Page("gazette", lang, "list.html", ui["gazette_issues"], {
        "heading": ui["gazette_issues"],
        "items": [{"title": v.title(g.id, lang), "url": url_for(g.id, lang), "meta": v.date(g.date, lang)}
                  for g in issues]},
        kind="index", breadcrumbs=_crumbs(v, lang, []), searchable=False)


def home(v: ViewContext, lang: str, site: dict):
    c = v.corpus
    ui = v.ui[lang]
    collections = []
    for g in sorted(c.gazettes.values(), key=lambda g: (g.year, g.number), reverse=True):
        collections.append({"label": ui["gazette"], "title": v.title(g.id, lang), "url": url_for(g.id, lang),
                            "count": len(g.documents), "unit": ui["documents"]})
    for tl in c.tasklists.values():
        collections.append({"label": ui["tasklist"], "title": v.title(tl.id, lang), "url": url_for(tl.id, lang),
                            "count": len(tl.tasks), "unit": ui["tasks"]})
    for rep in c.reports.values():
        collections.append({"label": ui["report"], "title": v.title(rep.id, lang), "url": url_for(rep.id, lang),
                            "count": len(rep.parts), "unit": ui["part"]})
    for ll in c.livelihood.values():
        collections.append({"label": ui["livelihood"], "title": v.title(ll.id, lang), "url": url_for(ll.id, lang),
                            "count": len(ll.projects), "unit": ui["projects"]})
    for t in c.progress.values():
        collections.append({"label": ui["progress"], "title": v.title(t.id, lang), "url": url_for(t.id, lang),
                            "count": len(t.rows), "unit": ui["rows"]})
    collections.append({"label": ui["departments"], "title": ui["units"], "url": url_for("unit", lang),
                        "count": len(c.units), "unit": ui["units"]})
    notes = sorted((n for n in c.notes if n.lang == lang), key=lambda n: (n.date, n.id), reverse=True)[:5]
    yield Page("", lang, "home.html", site["title"][lang], {
        "tagline": site["tagline"][lang], "collections": collections,
        "notes": [{"title": n.title, "url": url_for(n.id, lang), "date": v.date(n.date, lang)} for n in notes],
    }, kind="index", breadcrumbs=[], searchable=False)


def _fixed(text: str, text_lang: str) -> dict:
    """A value already decided (a name from the glossary, a formatted date): a segment that needs no notice."""
    return {"text": text, "zh": text, "status": "ok", "lang": text_lang}


def _untranslated(zh: str) -> dict:
    """A short value (a name, a metadata field) with no English: the Chinese, with the short notice."""
    return {"text": zh, "zh": zh, "status": "missing", "lang": authoritative(), "short": True}


def glossary_en(v: ViewContext, zh: str) -> str:
    """The English name of a unit, district or issuing body from content/glossary/, or ''. District-level units
    are left out: their glossary names belong to one district (区商务局 is Daxing's), not to any other."""
    e = v.glossary.lookup(zh)
    if e and not e.get("district") and e.get("en"):
        return e["en"]
    en = v.glossary.district_en_by_zh(zh)
    if en:
        return en
    en = v.glossary.issuer_en(zh)
    return en if en != zh else ""


def _en_series(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def addressees(v: ViewContext, d, lang: str) -> list[dict]:
    """Each addressee in the page language: in English when the glossary knows every part of it
    (各区人民政府 -> All district governments), else the translation of the whole addressee line (the one the
    text shows; a language without the glossary has only that), else the Chinese (marked as such by text_html)."""
    if lang == v.authoritative or not d.addressees:
        return [_fixed(a, v.authoritative) for a in d.addressees]
    out = [None] * len(d.addressees)
    if v.translated(lang):
        for k, a in enumerate(d.addressees):
            names = [glossary_en(v, part) for part in a.split("、")]
            out[k] = _fixed(_en_series(names), "en") if all(names) else None
        if all(out):
            return out
    # otherwise the translator's words for the whole addressee line, as one entry
    block = next((b for b in d.blocks if b.kind == "addressee"), None)
    if block is not None:
        s = v.seg(ids.with_anchor(d.id, block.key), block.text, lang, "documents")
        if s["status"] == "ok" and s["lang"] == lang:
            return [_fixed(s["text"].rstrip(":： "), lang)]
    if not v.translated(lang):  # as the names without a translation in this language: the Chinese, marked
        return [_fixed(a, v.authoritative) for a in d.addressees]
    return [o or _untranslated(a) for o, a in zip(out, d.addressees)]


META_HIDDEN = {"letterhead", "number_en_printed"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def metadata(v: ViewContext, d, lang: str) -> list[dict]:
    """The metadata footer ([主题分类] …, [有效性] …) as label/value pairs in the page language.

    Labels come from the UI strings (meta_fields). Values: dates are formatted; on English pages a document
    number is romanised, an issuing body named from the glossary, a validity phrase taken from the UI strings
    (validity_values), anything else from the translation of the document's own footer line; what is still
    Chinese stays Chinese (text_html marks it lang="zh-CN")."""
    if not d.meta.get("validity"):
        return []
    ui = v.ui[lang]
    labels = ui.get("meta_fields", {})
    footer_blocks = {}
    for b in d.blocks:
        m = FOOTER.match(b.text) if b.kind == "meta" else None
        if m and FOOTER_KEYS.get(m.group(1)):
            footer_blocks[FOOTER_KEYS[m.group(1)]] = b
    out = []
    for key, raw in d.meta.items():
        if key in META_HIDDEN or raw in (None, "", []):
            continue
        # a list of values in the source's words, joined as the source joins them (an English page translates them)
        value = v.ui[v.authoritative]["units_sep"].join(raw) if isinstance(raw, list) else str(raw)
        iso = value if ISO_DATE.match(value) else ""
        shown = v.date(value, lang) if iso else value
        if v.translated(lang) and CJK_RE.search(shown):
            en = ""
            if key == "number" and parse_number(value):
                en = romanize_number(value)
            elif key == "issuer":
                en = glossary_en(v, value)
            elif key == "validity":
                en = ui.get("validity_values", {}).get(value, "")
            if not en and key in footer_blocks:
                s = v.block(footer_blocks[key], d.id, "en")
                m = FOOTER.match(s["text"]) if s["status"] == "ok" and s["lang"] == "en" else None
                if m and m.group(2) and not CJK_RE.search(m.group(2)):
                    en = m.group(2)
            seg = _fixed(en, "en") if en else _untranslated(value)
        elif key == "issuer" and lang != v.authoritative:  # a language without the glossary: its catalogs' names
            names = [v.issuer_name(x, lang) for x in (raw if isinstance(raw, list) else [value])]
            seg = _fixed(ui["issuers_sep"].join(names), lang) if not any(CJK_RE.search(n) for n in names) \
                else _fixed(value, v.authoritative)
        else:  # a page in the authoritative language, a value without Chinese (a date, ---), or the source's
            seg = _fixed(shown, v.authoritative if CJK_RE.search(shown) else lang)  # value standing in
        out.append({"key": key, "label": labels.get(key, key), "value": seg, "datetime": iso})
    return out


NAV_LABEL_ZH = 14  # characters of a Chinese heading in the parts navigation
NAV_LABEL_EN = 40  # characters of an English heading, cut at a word


def _nav_labels(v: ViewContext, parts: list[list], key: str, lang: str) -> list[Markup]:
    """Each part's label for the parts navigation: the opening of its heading in the page language
    (the same translation the heading has in the text), the Chinese marked lang="zh-CN" where none exists,
    cut with the ellipsis. The heading carries its own number (二、, 2.): the navigation shows the part's
    number only where it has no heading."""
    out = []
    for part in parts:
        b = part[0]
        if b.kind != "heading":
            out.append(Markup(""))
            continue
        s = v.block(b, key, lang)
        text_lang = s["lang"] if s["status"] == "ok" else v.authoritative
        text = s["text"] if s["status"] == "ok" else b.text
        if text_lang == v.authoritative and len(text) > NAV_LABEL_ZH:
            text = text[:NAV_LABEL_ZH].rstrip("，、；：,;:") + v.ui[text_lang]["ellipsis"]
        elif len(text) > NAV_LABEL_EN:
            text = text[:NAV_LABEL_EN + 1].rsplit(" ", 1)[0].rstrip(",;:") + v.ui[text_lang]["ellipsis"]
        out.append(text_html(_fixed(text, text_lang), v.ui[lang], lang))
    return out


def provision_marks(v: ViewContext, d, lang: str) -> dict:
    """Block key -> the provisions that start at that block: their anchors (HTML ids on the page) and labels
    (for the "link to this" affordance), and the URL of an article's own page."""
    from ..kinds.base import provision_label
    from ..kinds.structure import article_pages, walk

    base = path_of(d.id)
    amended = amended_targets(v, d, lang)
    later = amended_by(v, d, lang)
    names = article_pages(d.provisions)
    marks: dict[str, list] = {}
    for p in walk(d.provisions):
        if not p.block_keys:
            continue
        page = url_for(f"{base}/article/{names[p.anchor]}", lang) if p.kind == "article" else ""
        marks.setdefault(p.block_keys[0], []).append(
            {"anchor": p.anchor, "label": provision_label(v, d, p, lang), "page": page,
             "amends": amended.get(p.anchor), "amended_by": later.get(p.anchor, [])})
    return marks


def text_date(rule) -> str:
    """The date of the text of a rule the archive shows: the latest step of its printed history, or its own."""
    return max([h.date for h in rule.history if h.date] + [rule.date or ""])


def numbers_the_text_shown(v: ViewContext, rule, dec, a, decisions: list | None = None) -> bool:
    """Whether the provision numbers an amendment ``a`` of decision ``dec`` names are those of the text of
    ``rule`` the archive shows: the decision comes after that text (its date, and the rule's history it prints,
    no later than the text's), and no other decision of the archive amended the rule in between (a deleted
    article renumbers the ones after it; nor on the same day). Otherwise its 第五条 may be another article of the text
    shown.
    ``decisions``: ``amending_decisions(v, rule)``, where the caller has it already."""
    shown = text_date(rule)
    if not (shown and dec.date) or dec.date <= shown:
        return False
    if max([h.date for h in a.history if h.date] + [""]) > shown:
        return False
    decisions = amending_decisions(v, rule) if decisions is None else decisions
    # another decision of the same day counts as one in between: which of the two came first is not known
    return not any(other.id != dec.id and other.date and shown < other.date <= dec.date for other in decisions)


def _amends(v: ViewContext, doc_id: str, direction: str) -> list:
    """The documents of the archive at the other end of ``doc_id``'s "amends" links in ``direction`` ("in": the
    decisions amending it; "out": the rules it amends), in the links' order."""
    out = []
    for link, d in v.links_by_item.get(doc_id, []):
        other = v.corpus.documents.get(link.src if d == "in" else link.dst) \
            if link.kind == "amends" and d == direction else None
        if other is not None:
            out.append(other)
    return out


def amending_decisions(v: ViewContext, rule) -> list:
    """The decisions of the archive that amend or repeal ``rule`` (its incoming "amends" links)."""
    return _amends(v, rule.id, "in")


def later_decisions(v: ViewContext, d, lang: str, unmarked_only: bool = False) -> list[dict]:
    """The decisions of the archive that changed the rule ``d`` after the text its pages show (legislation.gov.uk's
    "changes to legislation" for the whole text), by date: each {"url", "title", "date", "date_iso", "state"}:
    "repealed" (the decision repeals the rule), "marked" (its changes are marked beside the provisions they change:
    ``numbers_the_text_shown``) or "unmarked" (its provision numbers are another text's, so nothing beside the
    provisions says it changed them). ``unmarked_only``: leave out the marked ones (an article's page lists the
    changes to that article on its own)."""
    shown = text_date(d)
    decisions = amending_decisions(v, d)
    title = d.title.replace(" ", "")
    out, seen = [], set()
    for dec in sorted(decisions, key=lambda x: (x.date or "", x.id)):
        if dec.id in seen or not (shown and dec.date) or dec.date <= shown:
            continue  # the text shown already holds what a decision before it (or undated) changed
        seen.add(dec.id)
        mine = [a for a in dec.amendments if a.rule_title.replace(" ", "") == title]
        if any(a.repeal for a in mine):
            state = "repealed"
        elif any(a.changes and numbers_the_text_shown(v, d, dec, a, decisions) for a in mine):
            state = "marked"
        else:
            state = "unmarked"
        if state != "marked" or not unmarked_only:
            out.append({"url": url_for(dec.id, lang), "title": v.title(dec.id, lang), "date": v.date(dec.date, lang),
                        "date_iso": dec.date, "state": state})
    return out


def amended_by(v: ViewContext, d, lang: str) -> dict[str, list[dict]]:
    """For a rule of the archive: the anchor of each of its provisions that a decision of the archive changes
    after the text shown (``numbers_the_text_shown``) -> those changes, each {"url" (the change on the
    decision's page), "label" (the decision's title, date and the change's label), "action" ("delete" where the
    change deletes the provision itself, else "amend")}. The other end of ``amended_targets``:
    legislation.gov.uk's "changes to legislation" on the provision that has changed."""
    from ..kinds.base import provision_label
    from ..kinds.decision import change_anchor
    from ..kinds.structure import changed_provisions, find

    out: dict[str, list[dict]] = {}
    if not d.provisions:
        return out
    title = d.title.replace(" ", "")
    ui = v.ui[lang]
    decisions = amending_decisions(v, d)
    for dec in decisions:
        named = v.title(dec.id, lang)  # the decision: its title and date, the start of each change's label
        if dec.date:
            named += ui["amended_on"].format(date=v.date(dec.date, lang))
        for a in dec.amendments:
            if a.rule_title.replace(" ", "") != title or not numbers_the_text_shown(v, d, dec, a, decisions):
                continue
            for ch in a.changes:
                at = find(dec.provisions, change_anchor(a.anchor, ch.number))
                label = named
                if at is not None:  # 一、3. / I. 3.: the item naming the rule, then the change
                    item = find(dec.provisions, a.anchor) if a.anchor else None
                    label += ui["part_sep"] + (ui["label_title_sep"].join(
                        [provision_label(v, dec, item, lang), provision_label(v, dec, at, lang)]) if item else
                        provision_label(v, dec, at, lang))
                entry = {"url": url_for(dec.id, lang) + (f"#{at.anchor}" if at is not None else ""), "label": label,
                         "action": "delete" if ch.action == "delete" and not ch.old else "amend"}
                for target in changed_provisions(d.provisions, ch):
                    if entry not in out.setdefault(target.anchor, []):  # one change replacing two phrases: once
                        out[target.anchor].append(entry)
    return out


def amended_rules(v: ViewContext, d) -> dict:
    """The rules of the archive a decision amends or repeals (its "amends" links), by their titles written
    without spaces: what its amendments' ``rule_title`` name."""
    return {rule.title.replace(" ", ""): rule for rule in _amends(v, d.id, "out")}


def amended_targets(v: ViewContext, d, lang: str) -> dict[str, dict]:
    """For an amendment or repeal decision: the anchor of each item and change -> the rule (and the provision
    of it) it changes, when that rule is in the archive: {"url", "label"}."""
    from ..kinds.decision import change_anchor
    from ..kinds.structure import changed_provisions, ref_en, ref_zh

    out: dict[str, dict] = {}
    if not d.amendments:
        return out
    by_title = amended_rules(v, d)
    for a in d.amendments:
        rule = by_title.get(a.rule_title.replace(" ", ""))
        if rule is None:
            continue
        if a.anchor:
            out[a.anchor] = {"url": url_for(rule.id, lang), "label": v.title(rule.id, lang)}
        # the provision of the text shown, where the decision numbers that text; a new article or chapter is in no
        # provision of it: the link goes to the rule, as it does where the numbers are another text's
        shown = numbers_the_text_shown(v, rule, d, a)
        for ch in a.changes:
            anchor = change_anchor(a.anchor, ch.number)
            if anchor in out:  # a change replacing words in two provisions: it links to the first it names
                continue
            target = next(iter(changed_provisions(rule.provisions, ch)), None) if shown else None
            if target is not None or ch.target:
                words = v.ui[lang]["provisions"]
                where = ref_zh(ch.target, words) if not v.translated(lang) else ref_en(ch.target, words)
                out[anchor] = {"url": url_for(rule.id, lang) + (f"#{target.anchor}" if target is not None else ""),
                               "label": f"{v.title(rule.id, lang)} {where}"}
    return out


def cited_spans(v: ViewContext, d, lang: str) -> dict[str, list]:
    """Block key -> [(start, end, url)] of the citations in the block's Chinese text that name a document of
    the archive (its provision's anchor when the citation names one): the Chinese text links them where it
    is shown."""
    resolved = {(r.key, r.text, r.line): r for r in v.citations_by_doc.get(d.id, []) if r.resolved}
    out: dict[str, list] = {}
    for c in d.citations:
        r = resolved.get((c.key, c.text, c.line))
        if r is not None and (r.resolved != d.id or r.provision):  # itself: only where its annex is
            url = url_for(r.resolved, lang) + (f"#{r.provision}" if r.provision else "")
            out.setdefault(c.key, []).append((c.start, c.end, url))
    return out


APPENDICES = ("schedule", "appendix")  # 附表 and 附录: parts of an attachment, in the contents as its chapters are


def contents(v: ViewContext, d, lang: str) -> list[dict]:
    """The document's table of contents: its top-level provisions (chapters, parts, articles, annexes) as
    links to their anchors, each named by the opening of its heading as the page shows it (in the page's
    language where translated), with the next level below for chapters and annexes."""
    by_key = {b.key: b for b in d.blocks}

    def entry(p, depth):
        b = by_key.get(p.block_keys[0]) if p.block_keys else None
        seg = v.block(b, d.id, lang) if b is not None else None
        if seg is not None and seg.get("status") == "ok" and seg.get("text"):
            shown = seg["text"]
            if b.kind not in ("heading", "title") or len(shown) > NAV_LABEL_EN + 20:
                shown = v.opening(shown, seg["lang"])
            text = _fixed(shown, seg["lang"])
        elif b is not None and b.text:  # no translation: the Chinese, marked as such by text_html
            text = _fixed(b.text if b.kind in ("heading", "title") else v.opening(b.text, v.authoritative),
                          v.authoritative)
        else:
            from ..kinds.base import provision_label

            label = provision_label(v, d, p, lang)
            text = (_fixed(label, lang) if v.translated(lang)
                    else _fixed(f"{label} {p.title}".strip(), v.authoritative))
        text = {**text, "text": without_markers(text["text"])}  # a heading's name, without the markers of its notes
        title = by_key.get(p.block_keys[1]) if p.kind in APPENDICES and len(p.block_keys) > 1 else None
        if title is not None and title.kind == "title":  # 附表 over its title: named by both, as a chapter is
            from ..kinds.base import provision_label

            tseg = v.block(title, d.id, lang)
            if v.translated(lang) and tseg.get("status") == "ok" and tseg.get("lang") == lang:
                text = _fixed(provision_label(v, d, p, lang) + v.ui[lang]["label_title_sep"] + tseg["text"], lang)
            else:  # the Chinese, its label set apart
                text = label_apart(v, _fixed(p.label + title.text, v.authoritative), p.label)
        if p.kind in SET_APART:  # 第一条, 第一章 set apart from the words after them, as in the text
            text = label_apart(v, text, p.label)
        item = {"anchor": p.anchor, "text": text, "children": []}
        if depth < 1 and p.kind in ("book", "chapter", "attachment"):
            item["children"] = [entry(c, depth + 1) for c in p.children
                                if c.kind in ("chapter", "section", "attachment") + APPENDICES
                                or (c.kind == "heading" and c.level == 1)]
        return item

    tops = [p for p in d.provisions if p.kind in ("book", "chapter", "section", "article", "heading", "attachment",
                                                  "amendment") + APPENDICES]
    entries = [entry(p, 0) for p in tops]
    return entries if len(entries) + sum(len(e["children"]) for e in entries) > 1 else []


def _variants(v: ViewContext, d, lang: str) -> dict:
    """A passage worded differently in another publication of the document (a block only in that publication
    whose key is the canonical passage's key with the publication's file stem added): {"of": keys of those
    blocks, "at": canonical key -> [{"label": "Variant wording in <publication>", "text": its words}]}. A block
    only in another publication with no canonical counterpart (an added line) stays in place, marked."""
    keys = {b.key for b in d.blocks if not b.only_in}
    out = {"of": set(), "at": {}}
    for b in d.blocks:
        if not b.only_in:
            continue
        stem = b.only_in.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        base = b.key[:-len(stem) - 1] if b.key.endswith(f"-{stem}") else ""
        if base in keys:
            seg = v.block(b, d.id, lang)
            out["of"].add(b.key)
            out["at"].setdefault(base, []).append({
                "label": v.ui[lang]["variant_in"].format(publication=v.publication_name(b.only_in, lang)),
                "text": seg})
    return out


def document(v: ViewContext, d, lang: str, kind):
    """A document's page: the whole text, every provision anchored (and linkable), with its metadata and
    what its kind adds (a decree's promulgation, a rule's history)."""
    meta = {
        # the number's citation form where the page's language has one (English's romanisation), else as printed
        "number": d.number, "number_en": kind.number_en(d, v) if v.translated(lang) else None,
        "date": v.date(d.date, lang), "date_iso": d.date,
        "issuers": [v.issuer_name(i, lang) for i in d.issuers],
        "addressees": addressees(v, d, lang),
        "gazette": {"title": v.title(d.gazette, lang), "url": url_for(d.gazette, lang)} if d.gazette else None,
        "page": d.page, "category": d.category if not v.translated(lang) else (d.category_en or d.category),
        "contains": {"title": v.title(d.contains, lang), "url": url_for(d.contains, lang)} if d.contains else None,
        "footer": metadata(v, d, lang),
        "script": d.original_script,
        "kind": v.ui[lang].get("doc_kinds", {}).get(d.kind, ""),
    }
    marks = provision_marks(v, d, lang)
    labels = printed_labels(d)
    cites = cited_spans(v, d, lang)
    blocks = []
    variants = _variants(v, d, lang)
    for b in d.blocks:
        if b.key in variants["of"]:  # another publication's wording of a passage: shown under the passage
            continue
        bv = v.block(b, d.id, lang)
        if b.key in marks:
            bv["marks"] = marks[b.key]
        bv = label_apart(v, bv, labels.get(b.key, ""))
        if b.key in cites and bv.get("lang") == v.authoritative:
            bv["cites"] = cites[b.key]
        if b.key in variants["at"]:
            bv["variants"] = variants["at"][b.key]
        blocks.append(bv)
    footnote_links(v, d, [(b, bv) for b, bv in zip((b for b in d.blocks if b.key not in variants["of"]), blocks)],
                   lang)
    crumbs = _crumbs(v, lang, ([d.gazette] if d.gazette else ["doc"]))
    yield Page(d.id, lang, "document.html", v.title(d.id, lang), {
        "doc": meta, "blocks": blocks, "origins": v.origins(d.origins, lang), "contents": contents(v, d, lang),
        "parallel_url": url_for(f"{path_of(d.id)}/parallel", lang), "extra": kind.page_context(v, d, lang),
        "later": later_decisions(v, d, lang),
        **_common(v, d.id, lang),
    }, kind="document", genre=d.kind, year=str(d.year), breadcrumbs=crumbs, date=d.date,
        issuers=meta["issuers"], names=[n for n in [v.doc_number(d, lang)] if n])


def footnote_links(v: ViewContext, d, shown: list[tuple], lang: str, targets: dict | None = None) -> None:
    """The footnotes of a page and their markers, linked both ways (legislation.gov.uk's footnotes): each marker
    (¹ in the text, as the page shows it, in whatever language) a link to its note (``kinds.text.footnote_targets``),
    each note anchored ``footnote-N`` (N: its place among the document's notes) with a link back to the first
    marker calling it (``footnote-N-ref``; a further one ``footnote-N-ref-2`` …). ``shown``: (block, the view of
    it the page shows) in page order; the views are changed in place. A block that is a link itself (an item's
    heading) and a table keep their markers as printed: a link cannot hold a link, a table row is not one text.
    ``targets``: ``footnote_targets(d.blocks)``, where the caller has it already."""
    from ..kinds.text import footnote_targets, marker_number, markers

    ui = v.ui[lang]
    targets = footnote_targets(d.blocks) if targets is None else targets
    ids = {b.key: f"footnote-{k}" for k, b in enumerate((b for b in d.blocks if b.kind == "footnote"), 1)}
    calls: dict[str, int] = {}
    first: dict[str, str] = {}
    for b, bv in shown:
        mine = targets.get(b.key)
        if not mine or bv.get("url") or bv.get("kind") == "table":
            continue
        refs = []
        for start, end, mark in markers(str(bv.get("text", ""))):
            note = mine.get(mark)
            if note is None:
                continue
            calls[note] = calls.get(note, 0) + 1
            ref = f"{ids[note]}-ref" + (f"-{calls[note]}" if calls[note] > 1 else "")
            first.setdefault(note, ref)
            refs.append((start, end, f"#{ids[note]}", ref, ui["footnote_ref"].format(n=marker_number(mark))))
        if refs:
            bv["footnote_refs"] = refs
    for b, bv in shown:
        if b.kind == "footnote":
            bv["anchor"] = ids[b.key]
            if b.key in first:
                bv["footnote_back"] = f"#{first[b.key]}"



# the provisions whose block opens with their printed label: 第一编, 第一章, 第一节 (their heading) and 第一条
SET_APART = ("book", "chapter", "section", "article")


def printed_labels(d) -> dict[str, str]:
    """Block key -> the label as printed (第一章, 第一条) of the provision that block opens, or of the chapter a line
    of the printed table of contents (目录) names: what ``label_apart`` sets apart wherever the block is shown
    (the document's page, the side-by-side view)."""
    from ..kinds.structure import division_label, walk

    labels: dict[str, str] = {}
    for p in walk(d.provisions):
        if p.kind in SET_APART and p.label and p.block_keys:
            labels.setdefault(p.block_keys[0], p.label)
    for b in d.blocks:
        if b.kind == "toc" and (label := division_label(b.text)):
            labels[b.key] = label
    return labels


def label_apart(v: ViewContext, bv: dict, label: str) -> dict:
    """A block that opens an article or a chapter, with its label set apart from its text (``label_len``: the
    page prints 第一条 before 为了…, 第一章 before 总则, which normalising the spaces ran together; markup and
    CSS only, the characters stay as they are), where the text shown is the authoritative one and opens with the
    label (the provision's label as printed)."""
    if label and bv.get("status") == "ok" and bv.get("lang") == v.authoritative \
            and str(bv.get("text", "")).startswith(label):
        return {**bv, "label_len": len(label)}
    return bv


def article_pages(v: ViewContext, d, lang: str):
    """A page of its own for every article of a rules text (legislation.gov.uk's provision pages): its text
    with its paragraphs and items, the rule it belongs to, the previous and next article."""
    from ..kinds.base import provision_label
    from ..kinds.structure import article_pages, walk
    from ..kinds.text import footnote_targets

    articles = [p for p in walk(d.provisions) if p.kind == "article"]
    if not articles:
        return
    names = article_pages(d.provisions)
    base = path_of(d.id)
    by_key = {b.key: b for b in d.blocks}
    doc_title = v.title(d.id, lang)
    crumbs = _crumbs(v, lang, ([d.gazette] if d.gazette else ["doc"]) + [d.id])
    later = amended_by(v, d, lang)
    unmarked = later_decisions(v, d, lang, unmarked_only=True)  # changes that may touch any article: on each page
    notes = footnote_targets(d.blocks)
    for k, p in enumerate(articles):
        pid = f"{base}/article/{names[p.anchor]}"

        def ref(q):
            return {"url": url_for(f"{base}/article/{names[q.anchor]}", lang), "label": provision_label(v, d, q, lang)}

        label = provision_label(v, d, p, lang)
        own = [by_key[key] for key in p.block_keys if key in by_key]
        called = {note for b in own for note in notes.get(b.key, {}).values()}
        own += [b for b in d.blocks if b.key in called]  # the notes its markers call, under its text
        blocks = [v.block(b, d.id, lang) for b in own]
        if blocks:  # 第一条 set apart, as on the document's page
            blocks[0] = label_apart(v, blocks[0], p.label)
        footnote_links(v, d, list(zip(own, blocks)), lang, notes)
        yield Page(pid, lang, "provision.html", v.ui[lang]["part_sep"].join((label, doc_title)), {
            "label": label,
            "doc": {"title": doc_title, "url": url_for(d.id, lang), "anchor_url": url_for(d.id, lang) + f"#{p.anchor}"},
            "blocks": blocks,
            "prev": ref(articles[k - 1]) if k > 0 else None,
            "next": ref(articles[k + 1]) if k + 1 < len(articles) else None,
            # the later changes to the article or to a paragraph or item of it, each named by where it falls
            "amended": [{**c, "where": provision_label(v, d, q, lang) if q is not p else ""}
                        for q in p.walk() for c in later.get(q.anchor, [])],
            "later": unmarked,
        }, kind="article", year=str(d.year), breadcrumbs=crumbs, date=d.date, crumb=label)


PARALLEL_MAX_ROWS = 60


def _parallel_parts(blocks, limit: int = PARALLEL_MAX_ROWS) -> list[list]:
    """Long documents are split at their top-level headings so each page stays light."""
    if len(blocks) <= limit:
        return [list(blocks)]
    parts, cur = [], []
    for b in blocks:
        if cur and b.kind == "heading" and b.level <= 2 and len(cur) >= 20:
            parts.append(cur)
            cur = []
        cur.append(b)
    if cur:
        parts.append(cur)
    return parts


def parallel(v: ViewContext, pid: str, key: str, title: str, blocks, lang: str, crumbs: list[str], back: str,
             labels: dict[str, str] | None = None):
    """Chinese and English side by side, block by block (EUR-Lex's multilingual display). ``labels``: the
    printed labels the blocks open with (printed_labels), set apart in the Chinese column as on the document's
    page."""
    labels = labels or {}
    parts = _parallel_parts(blocks)
    page_ids = [pid if k == 0 else f"{pid}/{k + 1}" for k in range(len(parts))]
    names = _nav_labels(v, parts, key, lang) if len(parts) > 1 else []
    for k, part in enumerate(parts):
        rows = [{"zh": label_apart(v, v.block(b, key, "zh"), labels.get(b.key, "")), "en": v.block(b, key, "en")}
                for b in part]
        done = sum(1 for r in rows if r["en"].get("status") == "ok")
        nav = [{"n": j + 1, "url": url_for(i, lang), "current": j == k, "label": names[j]}
               for j, i in enumerate(page_ids)] if len(parts) > 1 else []
        yield Page(page_ids[k], lang, "parallel.html", title + (f" ({k + 1}/{len(parts)})" if len(parts) > 1 else ""), {
            "rows": rows, "back": {"title": title, "url": url_for(back, lang)}, "translated": done, "total": len(rows),
            "parts": nav,
        }, kind="parallel", breadcrumbs=_crumbs(v, lang, crumbs + [back]), searchable=False)


def _qr_note(bv: dict, zh: str, ui: dict) -> dict:
    """A printed caption of a QR code (扫描二维码): the code itself is an image the text does not carry, so the
    caption says that it is not reproduced here."""
    if "二维码" in zh:
        bv["aside"] = ui["qr_not_reproduced"]
    return bv


def gazette(v: ViewContext, g, lang: str) -> Page:
    toc = []
    for e, did in zip(g.toc, g.documents):
        toc.append({"category_zh": e.category_zh, "category_en": e.category_en, "title_zh": e.title_zh,
                    "title_en": e.title_en, "number_zh": e.number_zh, "number_en": romanize_number(e.number_zh) if parse_number(e.number_zh) else e.number_en,
                    "number_printed": e.number_en, "page": e.page, "url": url_for(did, lang)})
    return Page(g.id, lang, "gazette.html", v.title(g.id, lang), {
        "issue": {"year": g.year, "number": g.number, "total": g.total_number, "date": v.date(g.date, lang),
                  "sponsor": g.sponsor},
        "toc": toc, "toc_note": g.toc_note,
        "front": [v.block(b, g.id, lang) for b in g.front],
        "back": [_qr_note(v.block(b, g.id, lang), b.text, v.ui[lang]) for b in g.back],
        **_common(v, g.id, lang),
    }, kind="gazette", year=str(g.year), breadcrumbs=_crumbs(v, lang, ["gazette"]), date=g.date)


GIST = {"zh": 36, "en": 80}  # a task in the task list's overview: its opening clause, at most this long (another language: as English)


def _task_summary(v: ViewContext, t, lang: str, gist: bool = False) -> dict:
    """A task in a list: its text (``gist``: its opening only, a link to its page, where the whole is) and its lead
    units; in full, with its text and its 主责单位 line as written in a Traditional source (``original``,
    ``units_original``: "" in a Simplified one)."""
    s = v.seg(t.id, t.text, lang, "tasks")
    if gist:  # cut at a clause end, else at a word: never inside a word
        s = {**s, "text": v.opening(s["text"], s["lang"], GIST.get(s["lang"], GIST["en"])), "gist": True}
    return {"number": t.number, "url": url_for(t.id, lang), "text": s, "status": s["status"],
            "units": v.unit_refs(t.units, lang, t.units_raw),
            "original": "" if gist else t.original, "units_original": "" if gist else t.units_original}


def tasklist(v: ViewContext, tl, lang: str):
    doc = v.corpus.documents.get(tl.document)
    def section_view(sec, gist: bool) -> dict:
        subs = []
        for sub in sec.subsections:
            subs.append({"title": v.title(sub.id, lang), "url": url_for(sub.id, lang), "count": len(sub.tasks),
                         "label": v.ui[lang]["label_tasklist_subsection"].format(
                             n=sub.number, cn=v.cn(sub.number), section=sec.number),
                         "tasks": [_task_summary(v, tl.tasks[n], lang, gist=gist) for n in sub.tasks]})
        return {"title": v.title(sec.id, lang), "url": url_for(sec.id, lang),
                "label": v.ui[lang]["label_tasklist_section"].format(n=sec.number, cn=v.cn(sec.number)),
                "subsections": subs, "count": sum(len(s.tasks) for s in sec.subsections)}

    sections = [section_view(sec, gist=True) for sec in tl.sections]  # the overview: each task's opening
    # lead departments overview
    per_unit = {}
    for t in tl.tasks.values():
        for u in t.units:
            per_unit[u] = per_unit.get(u, 0) + 1
    top_units = sorted(per_unit.items(), key=lambda x: (-x[1], x[0]))[:15]
    ui = v.ui[lang]
    per_section = [(s["label"] + ui["label_title_sep"] + s["title"], s["count"]) for s in sections]
    charts = [bar_chart(per_section, lang, ui["chart_per_section"], ui["chart_item"], ui["chart_item_sep"],
                        ui["ellipsis"]),
              bar_chart([(v.unit_name(u, lang), n) for u, n in top_units], lang,
                        ui["chart_top_units"].format(n=len(top_units)), ui["chart_item"], ui["chart_item_sep"],
                        ui["ellipsis"])]
    doc_ref = {"title": v.title(doc.id, lang), "url": url_for(doc.id, lang), "number": doc.number} if doc else None
    yield Page(tl.id, lang, "tasklist.html", v.title(tl.id, lang), {
        "sections": sections, "doc": doc_ref, "task_count": len(tl.tasks),
        "top_units": [{"name": v.unit_name(u, lang), "url": url_for(u, lang), "count": n} for u, n in top_units],
        "charts": [c for c in charts if c],
        "origins": v.origins(tl.origins, lang), **_common(v, tl.id, lang),
    }, kind="tasklist", year=str(tl.year), breadcrumbs=_crumbs(v, lang, [tl.document] if doc else []))
    sec_ids = [sec.id for sec in tl.sections]
    sub_ids = [sub.id for sec in tl.sections for sub in sec.subsections]
    for si, sec in enumerate(tl.sections):
        sv = section_view(sec, gist=False)  # a section page: the tasks in full
        yield Page(sec.id, lang, "tasklist_section.html", v.title(sec.id, lang), {
            "section": sv, "label": sv["label"], **_common(v, sec.id, lang),
            "pager": _pager(v, lang, sec_ids, si, tl.id),
        }, kind="tasklist", year=str(tl.year), breadcrumbs=_crumbs(v, lang, [tl.id]))
        for sub, subv in zip(sec.subsections, sv["subsections"]):
            yield Page(sub.id, lang, "tasklist_section.html", v.title(sub.id, lang), {
                "section": {"title": subv["title"], "subsections": [subv]}, "label": subv["label"],
                **_common(v, sub.id, lang), "pager": _pager(v, lang, sub_ids, sub_ids.index(sub.id), sec.id),
            }, kind="tasklist", year=str(tl.year), breadcrumbs=_crumbs(v, lang, [tl.id, sec.id]))
    numbers = sorted(tl.tasks)
    for n in numbers:
        t = tl.tasks[n]
        sec = tl.sections[t.section - 1]
        sub = sec.subsections[t.subsection - 1]
        s = v.seg(t.id, t.text, lang, "tasks")
        prev_id = ids.format_id("task", tl.year, n - 1) if n - 1 in tl.tasks else None
        next_id = ids.format_id("task", tl.year, n + 1) if n + 1 in tl.tasks else None
        yield Page(t.id, lang, "task.html", v.title(t.id, lang), {
            "task": {"number": n, "text": s, "units": v.unit_refs(t.units, lang, t.units_raw), "units_raw": t.units_raw,
                     "original": t.original, "units_original": t.units_original,
                     "section": {"title": v.title(sec.id, lang), "url": url_for(sec.id, lang)},
                     "subsection": {"title": v.title(sub.id, lang), "url": url_for(sub.id, lang)}},
            "doc": doc_ref, "origins": v.origins(t.origins, lang), "summary": s,
            "pager": {"prev": {"url": url_for(prev_id, lang), "title": v.title(prev_id, lang)} if prev_id else None,
                      "next": {"url": url_for(next_id, lang), "title": v.title(next_id, lang)} if next_id else None,
                      "up": {"url": url_for(sub.id, lang), "title": v.title(sub.id, lang)}},
            **_common(v, t.id, lang),
        }, kind="task", year=str(tl.year), units=[v.unit_name(u, lang) for u in t.units],
            breadcrumbs=_crumbs(v, lang, [tl.id, sec.id, sub.id]),
            # its number as a reader asks for it (任务20, Task 20): before tasks 200-209, whose names begin so too
            names=[v.ui[lang]["where_task"].format(n=n),
                   v.opening(s["text"], s["lang"], 60 if s["lang"] == v.authoritative else 160)])


def report_front(v: ViewContext, rep, lang: str) -> dict:
    """The report's title, subtitle and speaker lines as segments in ``lang``: each is translated as the block
    that prints it at the head of the report (report/2026#front-speaker); None where the report has none."""
    out = {}
    for name in ("title", "subtitle", "speaker"):
        zh = getattr(rep, name) or ""
        b = front_block(rep, name)
        if not zh:
            out[name] = None
        elif b is not None:
            out[name] = v.block(b, rep.id, lang)
        else:
            out[name] = (_fixed(zh, lang) if lang == v.authoritative
                         else {"text": zh, "zh": zh, "status": "missing", "lang": v.authoritative})
    return out


def report(v: ViewContext, rep, lang: str):
    front = report_front(v, rep, lang)
    outline = []
    for part in rep.parts:
        outline.append({"title": v.title(part.id, lang), "url": url_for(part.id, lang),
                        "sections": [{"title": v.title(s.id, lang), "url": url_for(s.id, lang),
                                      "topics": [{"title": v.title(t.id, lang), "url": url_for(t.id, lang)}
                                                 for t in s.topics]} for s in part.sections]})
    targets = []
    for k, t in enumerate(rep.targets):  # "indicator: value" where both are translated, else the whole target
        whole = v.seg(ids.with_anchor(rep.id, f"target{k}"), t.text, lang, "report")
        ind = v.seg(ids.with_anchor(rep.id, f"target{k}.indicator"), t.indicator, lang, "report")
        val = v.seg(ids.with_anchor(rep.id, f"target{k}.value"), t.value, lang, "report")
        split = ind["status"] == val["status"] == "ok"
        targets.append({"text": whole, "indicator": ind["text"] if split else "",
                        "value": val["text"] if split else "", "parts": [ind, val] if split else [whole]})
    yield Page(rep.id, lang, "report.html", v.title(rep.id, lang), {
        "report": {"title": rep.title, "subtitle": front["subtitle"], "speaker": front["speaker"],
                   "date": v.date(rep.date, lang)},
        "outline": outline, "blocks": [v.block(b, rep.id, lang) for b in rep.blocks], "targets": targets,
        "origins": v.origins([rep.origin], lang), **_common(v, rep.id, lang),
    }, kind="report", year=str(rep.year), breadcrumbs=_crumbs(v, lang, []), date=rep.date)
    yield from parallel(v, f"{rep.id}/parallel", rep.id, v.title(rep.id, lang), rep.blocks, lang, [], rep.id)
    part_ids = [p.id for p in rep.parts]
    sec_ids = [s.id for p in rep.parts for s in p.sections]
    topic_ids = [t.id for p in rep.parts for s in p.sections for t in s.topics]
    for pi, part in enumerate(rep.parts):
        yield Page(part.id, lang, "report_part.html", v.title(part.id, lang), {
            "pager": _pager(v, lang, part_ids, pi, rep.id),
            "paragraphs": [v.block(b, rep.id, lang) for b in part.paragraphs],
            "sections": [{"title": v.title(s.id, lang), "url": url_for(s.id, lang)} for s in part.sections],
            "label": v.ui[lang]["label_report_part"].format(n=part.number, cn=v.cn(part.number)),
            **_common(v, part.id, lang),
        }, kind="report", year=str(rep.year), breadcrumbs=_crumbs(v, lang, [rep.id]), date=rep.date)
        for sec in part.sections:
            yield Page(sec.id, lang, "report_section.html", v.title(sec.id, lang), {
                "label": v.ui[lang]["label_report_closing" if sec.closing else "label_report_section"].format(
                    number=sec.number, cn=v.cn(int(sec.number.split(".")[1]))),
                "paragraphs": [v.block(b, rep.id, lang) for b in sec.paragraphs],
                "topics": [{"title": v.title(t.id, lang), "url": url_for(t.id, lang)} for t in sec.topics],
                **_common(v, sec.id, lang), "pager": _pager(v, lang, sec_ids, sec_ids.index(sec.id), part.id),
            }, kind="report", year=str(rep.year), breadcrumbs=_crumbs(v, lang, [rep.id, part.id]), date=rep.date)
            for k, topic in enumerate(sec.topics):
                block = next(b for b in sec.paragraphs if b.anchor == topic.id)
                yield Page(topic.id, lang, "report_topic.html", v.title(topic.id, lang), {
                    "paragraph": {**v.block(block, rep.id, lang), "url": ""},  # on its own page: no link to itself
                    "lead": topic.lead,
                    "summary": v.block(block, rep.id, lang),
                    "section": {"title": v.title(sec.id, lang), "url": url_for(sec.id, lang)},
                    **_common(v, topic.id, lang),
                    "pager": _pager(v, lang, topic_ids, topic_ids.index(topic.id), sec.id),
                }, kind="report", year=str(rep.year), breadcrumbs=_crumbs(v, lang, [rep.id, part.id, sec.id]),
                    date=rep.date)


def livelihood(v: ViewContext, ll, lang: str):
    doc = v.corpus.documents.get(ll.document)
    doc_ref = {"title": v.title(doc.id, lang), "url": url_for(doc.id, lang), "number": doc.number} if doc else None
    # the text as written is shown beside the Simplified one where the source is in Traditional script (the
    # model keeps it for a Simplified source too, where it is the same text: not an original to show)
    written = doc is not None and doc.original_script == "traditional"
    projects = []
    for p in ll.projects:
        items = []
        for it in p.items:
            s = v.seg(it.id, it.text, lang, "livelihood")
            items.append({"number": it.number, "url": url_for(it.id, lang), "text": s,
                          "original": it.original if written else "", "links": v.links(it.id, lang)})
        projects.append({"number": p.number, "title": v.title(p.id, lang), "url": url_for(p.id, lang),
                         "items": items, "original": p.original if written else ""})
    yield Page(ll.id, lang, "livelihood.html", v.title(ll.id, lang), {
        "projects": projects, "doc": doc_ref, **_common(v, ll.id, lang),
    }, kind="livelihood", year=str(ll.year), breadcrumbs=_crumbs(v, lang, [ll.document] if doc else []))
    proj_ids = [p.id for p in ll.projects]
    item_ids = [it.id for p in ll.projects for it in p.items]
    for pi, (p, pv) in enumerate(zip(ll.projects, projects)):
        yield Page(p.id, lang, "project.html", pv["title"], {
            "pager": _pager(v, lang, proj_ids, pi, ll.id),
            "project": pv, "doc": doc_ref, "original": pv["original"], **_common(v, p.id, lang),
            "summary": " ".join(i["text"]["text"] for i in pv["items"]),
        }, kind="livelihood", year=str(ll.year), breadcrumbs=_crumbs(v, lang, [ll.id]))
        for it, iv in zip(p.items, pv["items"]):
            yield Page(it.id, lang, "subitem.html", v.title(it.id, lang), {
                "item": iv, "project": {"title": pv["title"], "url": pv["url"]}, "doc": doc_ref, "summary": iv["text"],
                **_common(v, it.id, lang), "pager": _pager(v, lang, item_ids, item_ids.index(it.id), p.id),
            }, kind="livelihood", year=str(ll.year), breadcrumbs=_crumbs(v, lang, [ll.id, p.id]))


CLAUSE = re.compile(r"[^，。；：]+")


def target_clause(task: str, figure: str) -> str:
    """The clause of a task that sets a target figure (新增200张养老家庭照护床位): what the figure counts, and
    its measure, in the task's own words; the indicator a bar of the dashboard is labelled with."""
    for m in CLAUSE.finditer(task):
        if figure in m.group(0):
            return m.group(0).strip()
    return ""


def _row_view(v: ViewContext, t, row, lang: str) -> dict:
    key = row.id
    pairs = []
    for k, (tq, rq) in enumerate(row.pairs):
        ratio = rq.value / tq.value if tq.value else 0
        clause = target_clause(row.task, tq.text)
        # the indicator in the page's language: the clause is a catalog entry of its own (key …#target<k>)
        indicator = v.seg(ids.with_anchor(key, f"target{k}"), clause, lang, "progress") if clause else None
        if v.translated(lang):  # figures read naturally: 4,000 / 2,809; the counted thing is in the task text
            shown_t = format_number(tq.value, "en") + ("%" if tq.unit == "%" else "")
            shown_r = format_number(rq.value, "en") + ("%" if rq.unit == "%" else "")
        else:
            shown_t, shown_r = tq.text, rq.text
        pairs.append({"target": shown_t, "reported": shown_r, "ratio": round(ratio, 3), "unit": tq.unit,
                      "target_value": tq.value, "reported_value": rq.value, "indicator": indicator,
                      "rate": tq.unit == "%"})
    return {
        "number": row.number, "url": url_for(row.id, lang),
        "source": v.seg(ids.with_anchor(key, "source"), row.source, lang, "progress"),
        "task": v.seg(ids.with_anchor(key, "task"), row.task, lang, "progress"),
        "progress": v.seg(ids.with_anchor(key, "progress"), row.progress, lang, "progress"),
        "status": v.seg(ids.with_anchor(key, "status"), row.status, lang, "progress"),
        "done": row.status == "已完成",
        "units": v.unit_refs(row.units, lang), "deadline": v.date(row.deadline, lang), "deadline_iso": row.deadline,
        "pairs": pairs,
    }


def progress_parallel(v: ViewContext, t, lang: str) -> Page:
    """The progress table's rows with their Chinese and English side by side, field by field."""
    rows, done, total = [], 0, 0
    for row in t.rows:
        columns = []
        for col in ("zh", "en"):
            ui = v.ui[col]
            rv = _row_view(v, t, row, col)
            units = ui["lead_units_sep"].join(u["name"] for u in rv["units"])
            fields = [(ui["source"], rv["source"], False), (ui["task_content"], rv["task"], False),
                      (ui["lead_units"], _fixed(units, col), False),
                      (ui["deadline"], _fixed(rv["deadline"], col), False), (ui["status"], rv["status"], False),
                      (ui["progress_text"], rv["progress"], True)]
            if col == "en":
                for _, seg, _ in fields:
                    total += 1
                    done += seg["status"] == "ok"
            columns.append({"lang": col, "ui": ui, "url": url_for(row.id, col), "title": v.title(row.id, col),
                            "fields": [{"label": lab, "seg": seg, "pre": pre} for lab, seg, pre in fields]})
        rows.append({"number": row.number, "columns": columns})
    return Page(f"{t.id}/parallel", lang, "progress_parallel.html", v.title(t.id, lang), {
        "rows": rows, "back": {"title": v.title(t.id, lang), "url": url_for(t.id, lang)},
        "translated": done, "total": total,
    }, kind="parallel", breadcrumbs=_crumbs(v, lang, [t.id]), searchable=False)


AS_OF = re.compile(r"截至(?:(\d{4})年)?(\d{1,2})月(?:底|末)")


def _as_of(t) -> str:
    """The date the table's figures were reported at: the month its rows say (截至6月底, the most common
    where they differ), its last day, in the table's year; "" when no row says."""
    import calendar
    from collections import Counter

    found = Counter((int(m.group(1) or t.year), int(m.group(2))) for r in t.rows for m in AS_OF.finditer(r.progress))
    if not found:
        return ""
    (year, month), _ = found.most_common(1)[0]
    if not 1 <= month <= 12:
        return ""
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def progress(v: ViewContext, t, lang: str):
    ui = v.ui[lang]
    rows = [_row_view(v, t, r, lang) for r in t.rows]
    headers = t.headers if not v.translated(lang) else ui["progress_headers"]
    done = sum(1 for r in rows if r["done"])
    as_of = _as_of(t)
    as_of_text = ui["as_of"].format(date=v.date(as_of, lang)) if as_of else ""
    words = {**ui["dashboard"], "colon": ui["colon"], "ellipsis": ui["ellipsis"], "as_of": as_of_text}
    yield Page(t.id, lang, "progress.html", v.title(t.id, lang), {
        "as_of": as_of_text, "as_of_iso": as_of,
        "rows": rows, "headers": headers, "dashboard": progress_dashboard(rows, lang, words),
        "done": done, "title_zh": t.title, "origins": v.origins([t.origin], lang),
        **_common(v, t.id, lang),
    }, kind="progress", year=str(t.year), breadcrumbs=_crumbs(v, lang, []))
    row_ids = [r.id for r in t.rows]
    for ri, (row, rv) in enumerate(zip(t.rows, rows)):
        yield Page(row.id, lang, "progress_row.html", v.title(row.id, lang), {
            "pager": _pager(v, lang, row_ids, ri, t.id),
            "row": rv, "table": {"title": v.title(t.id, lang), "url": url_for(t.id, lang)}, "summary": rv["task"],
            "origins": v.origins([type(t.origin)(t.origin.file, row.line)], lang), **_common(v, row.id, lang),
        }, kind="progress", year=str(t.year), units=[v.unit_name(u, lang) for u in row.units],
            breadcrumbs=_crumbs(v, lang, [t.id]))
    yield progress_parallel(v, t, lang)


def units(v: ViewContext, lang: str):
    c = v.corpus
    ui = v.ui[lang]
    led = {}
    for tl in c.tasklists.values():
        for t in tl.tasks.values():
            for u in t.units:
                led.setdefault(u, {"tasks": [], "rows": []})["tasks"].append(t)
    for tb in c.progress.values():
        for r in tb.rows:
            for u in r.units:
                led.setdefault(u, {"tasks": [], "rows": []})["rows"].append(r)
    groups = {}
    for u in c.units.values():
        groups.setdefault(u.level, []).append(u)
    order = ["city", "district", "central", "collective"]
    listing = []
    for level in order:
        us = sorted(groups.get(level, []), key=lambda u: (-len(led.get(u.id, {}).get("tasks", [])) - len(led.get(u.id, {}).get("rows", [])), u.id))
        listing.append({"level": level, "units": [{"name": v.unit_name(u.id, lang), "url": url_for(u.id, lang),
                                                    "count": len(led.get(u.id, {}).get("tasks", [])) + len(led.get(u.id, {}).get("rows", []))}
                                                   for u in us]})
    yield Page("unit", lang, "units.html", ui["departments"], {"groups": listing}, kind="index",
               breadcrumbs=_crumbs(v, lang, []), searchable=False)
    for u in c.units.values():
        data = led.get(u.id, {"tasks": [], "rows": []})
        tasks = []
        for t in data["tasks"]:
            tv = _task_summary(v, t, lang, gist=True)  # a list: each task's opening; its page has the whole text
            tv["co_leads"] = [x for x in tv["units"] if x["id"] != u.id]
            tasks.append(tv)
        rows = []
        for r in data["rows"]:
            tb = c.progress[ids.format_id("progress", r.year, r.district)]
            rv = _row_view(v, tb, r, lang)
            rv["co_leads"] = [x for x in rv["units"] if x["id"] != u.id]
            rows.append(rv)
        yield Page(u.id, lang, "unit.html", v.unit_name(u.id, lang), {
            "unit": {"zh": u.zh, "en": u.en, "level": u.level, "district": u.district, "aliases": u.aliases,
                     "full": u.full},
            "tasks": tasks, "rows": rows, **_common(v, u.id, lang),
            "summary": ui["unit_summary"].format(name=v.unit_name(u.id, lang), tasks=len(tasks), rows=len(rows)),
        }, kind="unit", units=[v.unit_name(u.id, lang)], breadcrumbs=_crumbs(v, lang, ["unit"]),
            names=[u.en if not v.translated(lang) else u.zh, *u.aliases, *([u.full] if u.full else [])])


def build_pages(v: ViewContext, site: dict):
    """Every page of the site, one at a time (a generator: callers keep only what they need)."""
    for lang in codes():
        yield from all_pages(v, lang, site)
