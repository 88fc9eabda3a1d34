"""Page views, one function per kind of page. Each returns Page objects with
ready-to-print context."""
from __future__ import annotations

import re

from markupsafe import Markup

from ..i18n.romanize import parse_number, romanize_number
from ..normalize import CJK_RE
from ..sources.livelihood import FOOTER_KEYS
from .charts import bar_chart, progress_dashboard
from .html import text_html
from .pages import Page, Views, cn_ordinal
from .text import format_number
from .urls import url_for


INDEX_TITLES = {"gazette": "gazette_issues", "unit": "departments", "doc": "all_documents"}


def _crumbs(v: Views, lang: str, ids: list[str]) -> list[tuple[str, str]]:
    out = [(v.ui[lang]["home"], f"/{lang}/")]
    for i in ids:
        title = v.ui[lang][INDEX_TITLES[i]] if i in INDEX_TITLES else v.title(i, lang)
        out.append((title, url_for(i, lang)))
    return out


def _common(v: Views, item_id: str, lang: str) -> dict:
    return {"links": v.links(item_id, lang), "notes": v.notes(item_id, lang)}


def citation(v: Views, item_id: str, lang: str) -> str:
    """Citation line for any item: its document's number, date and issuer, then where in it."""
    from ..i18n.romanize import romanize_number

    c = v.c
    zh = lang == "zh"
    sep = "，" if zh else ", "

    def doc_cite(d, where=""):
        num = d.number if zh else romanize_number(d.number)
        issuer = "、".join(d.issuers) if zh else "; ".join(v.g.issuer_en(i) for i in d.issuers)
        out = sep.join(x for x in (num, v.date(d.date, lang), issuer) if x)
        return out + (f" · {where}" if where else "")

    def view_of(rest):  # a continuation page (["2"]) or the side-by-side view (["parallel", "2"]) of a text
        bits = (["中英对照" if zh else "side by side"] if rest[:1] == ["parallel"] else []) + \
               [f"第{n}部分" if zh else f"part {n}" for n in rest if n.isdigit()]
        return ("，" if zh else ", ").join(bits)

    parts = item_id.split("/")
    kind = parts[0].split(":")[0]
    if kind == "doc" and item_id in c.documents:
        return doc_cite(c.documents[item_id])
    if kind == "doc" and len(parts) >= 3:  # doc/<slug>/2, doc/<slug>/parallel[/2]
        if v.doc_by_slug is None:
            v.doc_by_slug = {d.slug: d for d in c.documents.values()}
        d = v.doc_by_slug.get(parts[1])
        if d:
            return doc_cite(d, view_of(parts[2:]))
    if kind in ("task", "tasklist") and len(parts) >= 2:
        tl = c.tasklists.get(f"tasklist/{parts[1]}")
        d = c.documents.get(tl.document) if tl else None
        if d:
            where = "" if len(parts) == 2 else (f"任务{parts[2]}" if kind == "task" and zh else
                                               f"task {parts[2]}" if kind == "task" else
                                               (f"第{parts[2]}部分" if zh else f"section {parts[2]}"))
            return doc_cite(d, where)
    if kind == "livelihood" and len(parts) >= 2:
        ll = c.livelihood.get(f"livelihood/{parts[1]}")
        d = c.documents.get(ll.document) if ll else None
        if d:
            return doc_cite(d, "" if len(parts) == 2 else (f"第{parts[2]}项" if zh else f"item {parts[2]}"))
    if kind == "report" and len(parts) >= 2:
        r = c.reports.get(f"report/{parts[1]}")
        if r:
            head = f"{r.year}年政府工作报告" if zh else f"Report on the Work of the Government {r.year}"
            who = r.speaker if zh else v.date(r.date, lang)
            base = sep.join([head, v.date(r.date, lang), r.speaker] if zh else [head, who])
            where = view_of(parts[2:]) if parts[2:3] == ["parallel"] else (parts[2] if len(parts) > 2 else "")
            return base + (f" · {where}" if where else "")
    if kind == "progress" and len(parts) >= 3:
        t = c.progress.get("/".join(parts[:3]))
        if t:
            head = f"{t.district_zh}{t.title}" if zh else f"{v.g.district_en(t.district)}, {t.year} livelihood projects progress table"
            if parts[3:4] == ["parallel"]:
                return f"{head} · {view_of(parts[3:])}"
            return head + (f" · {'第' + parts[3] + '项' if zh else 'row ' + parts[3]}" if len(parts) > 3 else "")
    if kind == "gazette" and item_id in c.gazettes:
        g = c.gazettes[item_id]
        return sep.join([v.title(g.id, lang), v.date(g.date, lang)])
    if kind == "unit" and item_id in c.units:
        u = c.units[item_id]
        return f"{u.zh}（{u.en}）" if zh else f"{u.en} ({u.zh})"
    if kind == "note":
        n = next((n for n in c.notes if n.id == item_id), None)
        if n:
            return sep.join([n.author, v.date(n.date, lang)])
    return ""


def all_pages(v: Views, lang: str, site: dict):
    for _, make in page_groups(v, lang, site):
        yield from make()


def _cited(v: Views, lang: str, pages):
    for page in pages:
        if not page.citation:  # every page that has a source: parts and side-by-side views too
            page.citation = citation(v, page.id, lang)
        yield page


def page_groups(v: Views, lang: str, site: dict):
    """The site's pages in one language, in groups: (group id, a function making the group's pages).

    A group is the pages of one item of the corpus (a document with its side-by-side view, a gazette issue,
    a task list with its sections and tasks, a report, a livelihood list, a progress table), the department
    pages, or one page of the site. An incremental build (generator/incremental.py) keys each group by
    its inputs and does not make the pages of a group whose inputs did not change."""
    c = v.c
    ui = v.ui[lang]

    def group(gid, make):
        return gid, lambda: _cited(v, lang, make())

    yield group("home", lambda: home(v, lang, site))
    docs = sorted(c.documents.values(), key=lambda d: (d.date, d.number), reverse=True)

    def doc_index():
        yield Page("doc", lang, "list.html", ui["all_documents"], {
            "heading": ui["all_documents"],
            "items": [{"title": v.title(d.id, lang), "url": url_for(d.id, lang),
                       "meta": f"{d.number if lang == 'zh' else romanize_number(d.number)} · {v.date(d.date, lang)}"}
                      for d in docs]}, kind="index", breadcrumbs=_crumbs(v, lang, []), searchable=False)

    def doc_pages(d):
        yield from document(v, d, lang)
        yield from parallel(v, f"doc/{d.slug}/parallel", d.id, v.title(d.id, lang), d.blocks, lang,
                            [d.gazette] if d.gazette else ["doc"], d.id)

    yield group("doc", doc_index)
    for d in docs:
        yield group(d.id, lambda d=d: doc_pages(d))
    issues = sorted(c.gazettes.values(), key=lambda g: (g.year, g.number), reverse=True)

    def gazette_index():
        yield Page("gazette", lang, "list.html", ui["gazette_issues"], {
            "heading": ui["gazette_issues"],
            "items": [{"title": v.title(g.id, lang), "url": url_for(g.id, lang), "meta": v.date(g.date, lang)}
                      for g in issues]},
            kind="index", breadcrumbs=_crumbs(v, lang, []), searchable=False)

    yield group("gazette", gazette_index)
    for g in issues:
        yield group(g.id, lambda g=g: iter([gazette(v, g, lang)]))
    for tl in c.tasklists.values():
        yield group(tl.id, lambda tl=tl: tasklist(v, tl, lang))
    for rep in c.reports.values():
        yield group(rep.id, lambda rep=rep: report(v, rep, lang))
    for ll in c.livelihood.values():
        yield group(ll.id, lambda ll=ll: livelihood(v, ll, lang))
    for t in c.progress.values():
        yield group(t.id, lambda t=t: progress(v, t, lang))
    yield group("unit", lambda: units(v, lang))
    yield group("search", lambda: iter([Page("search", lang, "search.html", ui["search"], {}, kind="search",
                                             breadcrumbs=_crumbs(v, lang, []), searchable=False)]))
    yield group("__404__", lambda: iter([Page("__404__", lang, "404.html", ui["not_found"], {}, breadcrumbs=[],
                                              searchable=False)]))


def home(v: Views, lang: str, site: dict):
    c = v.c
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


DOCUMENT_MAX_BLOCKS = 300  # longer documents (the 308-task circular) are split at their top-level headings


def _fixed(text: str, text_lang: str) -> dict:
    """A value already decided (a name from the glossary, a formatted date): a segment that needs no notice."""
    return {"text": text, "zh": text, "status": "ok", "lang": text_lang}


def glossary_en(v: Views, zh: str) -> str:
    """The English name of a unit, district or issuing body from content/glossary/, or ''. District-level units
    are left out: their glossary names belong to one district (区商务局 is Daxing's), not to any other."""
    e = v.g.lookup(zh)
    if e and not e.get("district") and e.get("en"):
        return e["en"]
    for dist in v.g.districts:
        if dist.get("zh") == zh and dist.get("en"):
            return dist["en"]
    return v.g.issuers.get(zh, "")


def _en_series(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def addressees(v: Views, d, lang: str) -> list[dict]:
    """Each addressee in the page language: in English when the glossary knows every part of it
    (各区人民政府 -> All district governments), else the Chinese (marked as such by text_html)."""
    if lang == "zh":
        return [_fixed(a, "zh") for a in d.addressees]
    out = []
    for a in d.addressees:
        names = [glossary_en(v, part) for part in a.split("、")]
        out.append(_fixed(_en_series(names), "en") if all(names) else None)
    if all(out):
        return out
    # otherwise the translator's English of the whole addressee line, as one entry
    block = next((b for b in d.blocks if b.kind == "addressee"), None)
    if block is not None:
        s = v.seg(f"{d.id}#{block.key}", block.text, "en", "documents")
        if s["status"] == "ok" and s["lang"] == "en":
            return [_fixed(s["text"].rstrip(":： "), "en")]
    return [o or _fixed(a, "zh") for o, a in zip(out, d.addressees)]


META_HIDDEN = {"letterhead", "number_en_printed"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FOOTER_FIELD = re.compile(r"^\[([^\]]+)\]\s*(.*)$")


def metadata(v: Views, d, lang: str) -> list[dict]:
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
        m = FOOTER_FIELD.match(b.text) if b.kind == "meta" else None
        if m and FOOTER_KEYS.get(m.group(1)):
            footer_blocks[FOOTER_KEYS[m.group(1)]] = b
    out = []
    for key, raw in d.meta.items():
        if key in META_HIDDEN or raw in (None, "", []):
            continue
        value = "、".join(raw) if isinstance(raw, list) else str(raw)
        iso = value if ISO_DATE.match(value) else ""
        shown = v.date(value, lang) if iso else value
        if lang == "en" and CJK_RE.search(shown):
            en = ""
            if key == "number" and parse_number(value):
                en = romanize_number(value)
            elif key == "issuer":
                en = glossary_en(v, value)
            elif key == "validity":
                en = ui.get("validity_values", {}).get(value, "")
            if not en and key in footer_blocks:
                s = v.block(footer_blocks[key], d.id, "en")
                m = FOOTER_FIELD.match(s["text"]) if s["status"] == "ok" and s["lang"] == "en" else None
                if m and m.group(2) and not CJK_RE.search(m.group(2)):
                    en = m.group(2)
            seg = _fixed(en, "en") if en else _fixed(value, "zh")
        else:  # a Chinese page, or a value without Chinese (a date, ---)
            seg = _fixed(shown, lang)
        out.append({"key": key, "label": labels.get(key, key), "value": seg, "datetime": iso})
    return out


NAV_LABEL_ZH = 14  # characters of a Chinese heading in the parts navigation
NAV_LABEL_EN = 40  # characters of an English heading, cut at a word


def _nav_labels(v: Views, parts: list[list], key: str, lang: str) -> list[Markup]:
    """Each part's label for the parts navigation: the opening of its heading in the page language
    (the same translation the heading has in the text), the Chinese marked lang="zh-CN" where none exists."""
    out = []
    for part in parts:
        b = part[0]
        if b.kind != "heading":
            out.append(Markup(""))
            continue
        s = v.block(b, key, lang)
        text_lang = s["lang"] if s["status"] == "ok" else "zh"
        text = s["text"] if s["status"] == "ok" else b.text
        if text_lang == "zh":
            text = text[:NAV_LABEL_ZH]
        elif len(text) > NAV_LABEL_EN:
            text = text[:NAV_LABEL_EN + 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        out.append(text_html(_fixed(text, text_lang), v.ui[lang], lang))
    return out


def document(v: Views, d, lang: str):
    ui = v.ui[lang]
    meta = {
        "number": d.number, "number_en": romanize_number(d.number) if d.number else "",
        "date": v.date(d.date, lang), "date_iso": d.date,
        "issuers": d.issuers if lang == "zh" else [v.g.issuer_en(i) for i in d.issuers],
        "addressees": addressees(v, d, lang),
        "gazette": {"title": v.title(d.gazette, lang), "url": url_for(d.gazette, lang)} if d.gazette else None,
        "page": d.page, "category": d.category if lang == "zh" else (d.category_en or d.category),
        "contains": {"title": v.title(d.contains, lang), "url": url_for(d.contains, lang)} if d.contains else None,
        "footer": metadata(v, d, lang),
        "script": d.original_script,
    }
    crumbs = _crumbs(v, lang, ([d.gazette] if d.gazette else ["doc"]))
    issuers = meta["issuers"]
    number = d.number if lang == "zh" else meta["number_en"]
    parts = _parallel_parts(d.blocks, DOCUMENT_MAX_BLOCKS)
    ids = [d.id if k == 0 else f"doc/{d.slug}/{k + 1}" for k in range(len(parts))]
    labels = _nav_labels(v, parts, d.id, lang) if len(parts) > 1 else []
    title = v.title(d.id, lang)
    for k, part in enumerate(parts):
        nav = [{"n": j + 1, "url": url_for(i, lang), "current": j == k, "label": labels[j]}
               for j, i in enumerate(ids)] if len(parts) > 1 else []
        yield Page(ids[k], lang, "document.html", title + (f" ({k + 1}/{len(parts)})" if len(parts) > 1 else ""), {
            "doc": meta, "blocks": [v.block(b, d.id, lang) for b in part], "origins": v.origins(d.origins),
            "parts": nav, "first": k == 0,
            "parallel_url": url_for(f"doc/{d.slug}/parallel", lang),
            **(_common(v, d.id, lang) if k == 0 else {"links": [], "notes": []}),
        }, kind="document", year=str(d.year), breadcrumbs=crumbs if k == 0 else crumbs + [(title, url_for(d.id, lang))],
            date=d.date, issuers=issuers, names=[number] if k == 0 and number else [])


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


def parallel(v: Views, pid: str, key: str, title: str, blocks, lang: str, crumbs: list[str], back: str):
    """Chinese and English side by side, block by block (EUR-Lex's multilingual display)."""
    parts = _parallel_parts(blocks)
    ids = [pid if k == 0 else f"{pid}/{k + 1}" for k in range(len(parts))]
    labels = _nav_labels(v, parts, key, lang) if len(parts) > 1 else []
    for k, part in enumerate(parts):
        rows = [{"zh": v.block(b, key, "zh"), "en": v.block(b, key, "en")} for b in part]
        done = sum(1 for r in rows if r["en"].get("status") == "ok")
        nav = [{"n": j + 1, "url": url_for(i, lang), "current": j == k, "label": labels[j]}
               for j, i in enumerate(ids)] if len(parts) > 1 else []
        yield Page(ids[k], lang, "parallel.html", title + (f" ({k + 1}/{len(parts)})" if len(parts) > 1 else ""), {
            "rows": rows, "back": {"title": title, "url": url_for(back, lang)}, "translated": done, "total": len(rows),
            "parts": nav,
        }, kind="parallel", breadcrumbs=_crumbs(v, lang, crumbs + [back]), searchable=False)


def gazette(v: Views, g, lang: str) -> Page:
    toc = []
    for e, did in zip(g.toc, g.documents):
        toc.append({"category_zh": e.category_zh, "category_en": e.category_en, "title_zh": e.title_zh,
                    "title_en": e.title_en, "number_zh": e.number_zh, "number_en": romanize_number(e.number_zh),
                    "number_printed": e.number_en, "page": e.page, "url": url_for(did, lang)})
    return Page(g.id, lang, "gazette.html", v.title(g.id, lang), {
        "issue": {"year": g.year, "number": g.number, "total": g.total_number, "date": v.date(g.date, lang),
                  "sponsor": g.sponsor},
        "toc": toc,
        "front": [v.block(b, g.id, lang) for b in g.front],
        "back": [v.block(b, g.id, lang) for b in g.back],
        **_common(v, g.id, lang),
    }, kind="gazette", year=str(g.year), breadcrumbs=_crumbs(v, lang, ["gazette"]), date=g.date)


def _gist(text: str, limit: int) -> str:
    """The opening of a task for lists: its first sentence, or the first ``limit`` characters."""
    m = re.match(r"^(.+?[。；;.])(\s|$)", text)
    first = m.group(1) if m else text
    return first if len(first) <= limit else first[:limit].rstrip() + "…"


def _task_summary(v: Views, t, lang: str, gist: bool = False) -> dict:
    s = v.seg(t.id, t.text, lang, "tasks")
    text = _gist(s["text"], 60 if s["lang"] == "zh" else 160) if gist else s["text"]
    return {"number": t.number, "url": url_for(t.id, lang), "text": text, "status": s["status"],
            "units": v.unit_refs(t.units, lang)}


def tasklist(v: Views, tl, lang: str):
    ui = v.ui[lang]
    doc = v.c.documents.get(tl.document)
    def section_view(sec, gist: bool) -> dict:
        subs = []
        for sub in sec.subsections:
            subs.append({"title": v.title(sub.id, lang), "url": url_for(sub.id, lang), "count": len(sub.tasks),
                         "label": f"（{cn_ordinal(sub.number)}）" if lang == "zh" else f"{sec.number}.{sub.number}",
                         "tasks": [_task_summary(v, tl.tasks[n], lang, gist=gist) for n in sub.tasks]})
        return {"title": v.title(sec.id, lang), "url": url_for(sec.id, lang),
                "label": f"{cn_ordinal(sec.number)}、" if lang == "zh" else f"{sec.number}.",
                "subsections": subs, "count": sum(len(s.tasks) for s in sec.subsections)}

    sections = [section_view(sec, gist=True) for sec in tl.sections]  # the overview: each task's opening
    # lead departments overview
    per_unit = {}
    for t in tl.tasks.values():
        for u in t.units:
            per_unit[u] = per_unit.get(u, 0) + 1
    top_units = sorted(per_unit.items(), key=lambda x: (-x[1], x[0]))[:15]
    zh = lang == "zh"
    per_section = [(f"{cn_ordinal(sec.number)}、{v.title(sec.id, lang)}" if zh else f"{sec.number}. {v.title(sec.id, lang)}",
                    sum(len(ss.tasks) for ss in sec.subsections), url_for(sec.id, lang)) for sec in tl.sections]
    charts = [
        bar_chart(per_section, "各部分任务数" if zh else "Tasks per section",
                  ("；".join(f"{l}：{n}项" for l, n, _ in per_section)) if zh
                  else "; ".join(f"{l}: {n} tasks" for l, n, _ in per_section)),
        bar_chart([(v.unit_name(u, lang), n, url_for(u, lang)) for u, n in top_units],
                  "牵头任务最多的15个单位" if zh else "The 15 units leading the most tasks",
                  ("；".join(f"{v.unit_name(u, lang)}：{n}项" for u, n in top_units)) if zh
                  else "; ".join(f"{v.unit_name(u, lang)}: {n} tasks" for u, n in top_units)),
    ]
    doc_ref = {"title": v.title(doc.id, lang), "url": url_for(doc.id, lang), "number": doc.number} if doc else None
    yield Page(tl.id, lang, "tasklist.html", v.title(tl.id, lang), {
        "sections": sections, "doc": doc_ref, "task_count": len(tl.tasks),
        "top_units": [{"name": v.unit_name(u, lang), "url": url_for(u, lang), "count": n} for u, n in top_units],
        "charts": [Markup(c) for c in charts],
        "origins": v.origins(tl.origins), **_common(v, tl.id, lang),
    }, kind="tasklist", year=str(tl.year), breadcrumbs=_crumbs(v, lang, [tl.document] if doc else []))
    for sec in tl.sections:
        sv = section_view(sec, gist=False)  # a section page: the tasks in full
        yield Page(sec.id, lang, "tasklist_section.html", v.title(sec.id, lang), {
            "section": sv, "label": sv["label"], **_common(v, sec.id, lang),
        }, kind="tasklist", year=str(tl.year), breadcrumbs=_crumbs(v, lang, [tl.id]))
        for sub, subv in zip(sec.subsections, sv["subsections"]):
            yield Page(sub.id, lang, "tasklist_section.html", v.title(sub.id, lang), {
                "section": {"title": subv["title"], "subsections": [subv]}, "label": subv["label"],
                **_common(v, sub.id, lang),
            }, kind="tasklist", year=str(tl.year), breadcrumbs=_crumbs(v, lang, [tl.id, sec.id]))
    numbers = sorted(tl.tasks)
    for n in numbers:
        t = tl.tasks[n]
        sec = tl.sections[t.section - 1]
        sub = sec.subsections[t.subsection - 1]
        s = v.seg(t.id, t.text, lang, "tasks")
        prev_id = f"task/{tl.year}/{n - 1}" if n - 1 in tl.tasks else None
        next_id = f"task/{tl.year}/{n + 1}" if n + 1 in tl.tasks else None
        yield Page(t.id, lang, "task.html", v.title(t.id, lang), {
            "task": {"number": n, "text": s, "units": v.unit_refs(t.units, lang), "units_raw": t.units_raw,
                     "section": {"title": v.title(sec.id, lang), "url": url_for(sec.id, lang)},
                     "subsection": {"title": v.title(sub.id, lang), "url": url_for(sub.id, lang)}},
            "doc": doc_ref, "origins": v.origins(t.origins),
            "prev": {"url": url_for(prev_id, lang), "title": v.title(prev_id, lang)} if prev_id else None,
            "next": {"url": url_for(next_id, lang), "title": v.title(next_id, lang)} if next_id else None,
            **_common(v, t.id, lang),
        }, kind="task", year=str(tl.year), units=[v.unit_name(u, lang) for u in t.units],
            breadcrumbs=_crumbs(v, lang, [tl.id, sec.id, sub.id]),
            names=[_gist(s["text"], 60 if s["lang"] == "zh" else 160)])


def report_front(v: Views, rep, lang: str) -> dict:
    """The report's title, subtitle and speaker lines as segments in ``lang``: each is translated as the block
    that prints it at the head of the report (report/2026#front-speaker); None where the report has none."""
    out = {}
    for name in ("title", "subtitle", "speaker"):
        zh = getattr(rep, name) or ""
        b = next((b for b in rep.blocks if b.kind == name and b.text == zh), None)
        if not zh:
            out[name] = None
        elif b is not None:
            out[name] = v.block(b, rep.id, lang)
        else:
            out[name] = _fixed(zh, "zh") if lang == "zh" else {"text": zh, "zh": zh, "status": "missing", "lang": "zh"}
    return out


def report(v: Views, rep, lang: str):
    ui = v.ui[lang]
    front = report_front(v, rep, lang)
    outline = []
    for part in rep.parts:
        outline.append({"title": v.title(part.id, lang), "url": url_for(part.id, lang),
                        "sections": [{"title": v.title(s.id, lang), "url": url_for(s.id, lang),
                                      "topics": [{"title": v.title(t.id, lang), "url": url_for(t.id, lang)}
                                                 for t in s.topics]} for s in part.sections]})
    targets = []
    for k, t in enumerate(rep.targets):  # "indicator: value" where both are translated, else the whole target
        whole = v.seg(f"{rep.id}#target{k}", t.text, lang, "report")
        ind = v.seg(f"{rep.id}#target{k}.indicator", t.indicator, lang, "report")
        val = v.seg(f"{rep.id}#target{k}.value", t.value, lang, "report")
        split = ind["status"] == val["status"] == "ok"
        targets.append({"text": whole["text"], "indicator": ind["text"] if split else "",
                        "value": val["text"] if split else ""})
    yield Page(rep.id, lang, "report.html", v.title(rep.id, lang), {
        "report": {"title": rep.title, "subtitle": front["subtitle"], "speaker": front["speaker"],
                   "date": v.date(rep.date, lang)},
        "outline": outline, "blocks": [v.block(b, rep.id, lang) for b in rep.blocks], "targets": targets,
        "origins": v.origins([rep.origin]), **_common(v, rep.id, lang),
    }, kind="report", year=str(rep.year), breadcrumbs=_crumbs(v, lang, []), date=rep.date)
    yield from parallel(v, f"{rep.id}/parallel", rep.id, v.title(rep.id, lang), rep.blocks, lang, [], rep.id)
    for part in rep.parts:
        yield Page(part.id, lang, "report_part.html", v.title(part.id, lang), {
            "paragraphs": [v.block(b, rep.id, lang) for b in part.paragraphs],
            "sections": [{"title": v.title(s.id, lang), "url": url_for(s.id, lang)} for s in part.sections],
            "label": f"{cn_ordinal(part.number)}、" if lang == "zh" else f"Part {part.number}",
            **_common(v, part.id, lang),
        }, kind="report", year=str(rep.year), breadcrumbs=_crumbs(v, lang, [rep.id]), date=rep.date)
        for sec in part.sections:
            yield Page(sec.id, lang, "report_section.html", v.title(sec.id, lang), {
                "label": (f"（{cn_ordinal(int(sec.number.split('.')[1]))}）" if not sec.closing else "") if lang == "zh"
                         else sec.number,
                "paragraphs": [v.block(b, rep.id, lang) for b in sec.paragraphs],
                "topics": [{"title": v.title(t.id, lang), "url": url_for(t.id, lang)} for t in sec.topics],
                **_common(v, sec.id, lang),
            }, kind="report", year=str(rep.year), breadcrumbs=_crumbs(v, lang, [rep.id, part.id]), date=rep.date)
            for k, topic in enumerate(sec.topics):
                block = next(b for b in sec.paragraphs if b.anchor == topic.id)
                yield Page(topic.id, lang, "report_topic.html", v.title(topic.id, lang), {
                    "paragraph": v.block(block, rep.id, lang), "lead": topic.lead,
                    "section": {"title": v.title(sec.id, lang), "url": url_for(sec.id, lang)},
                    **_common(v, topic.id, lang),
                }, kind="report", year=str(rep.year), breadcrumbs=_crumbs(v, lang, [rep.id, part.id, sec.id]),
                    date=rep.date)


def livelihood(v: Views, ll, lang: str):
    doc = v.c.documents.get(ll.document)
    doc_ref = {"title": v.title(doc.id, lang), "url": url_for(doc.id, lang), "number": doc.number} if doc else None
    projects = []
    for p in ll.projects:
        items = []
        for it in p.items:
            s = v.seg(it.id, it.text, lang, "livelihood")
            items.append({"number": it.number, "url": url_for(it.id, lang), "text": s, "original": it.original,
                          "links": v.links(it.id, lang)})
        projects.append({"number": p.number, "title": v.title(p.id, lang), "url": url_for(p.id, lang),
                         "items": items, "original": p.original})
    yield Page(ll.id, lang, "livelihood.html", v.title(ll.id, lang), {
        "projects": projects, "doc": doc_ref, **_common(v, ll.id, lang),
    }, kind="livelihood", year=str(ll.year), breadcrumbs=_crumbs(v, lang, [ll.document] if doc else []))
    for p, pv in zip(ll.projects, projects):
        yield Page(p.id, lang, "project.html", pv["title"], {
            "project": pv, "doc": doc_ref, "original": p.original, **_common(v, p.id, lang),
        }, kind="livelihood", year=str(ll.year), breadcrumbs=_crumbs(v, lang, [ll.id]))
        for it, iv in zip(p.items, pv["items"]):
            yield Page(it.id, lang, "subitem.html", v.title(it.id, lang), {
                "item": iv, "project": {"title": pv["title"], "url": pv["url"]}, "doc": doc_ref,
                **_common(v, it.id, lang),
            }, kind="livelihood", year=str(ll.year), breadcrumbs=_crumbs(v, lang, [ll.id, p.id]))


def _row_view(v: Views, t, row, lang: str) -> dict:
    key = row.id
    pairs = []
    for tq, rq in row.pairs:
        ratio = rq.value / tq.value if tq.value else 0
        if lang == "en":  # figures read naturally: 4,000 / 2,809; the counted thing is in the task text
            shown_t = format_number(tq.value, "en") + ("%" if tq.unit == "%" else "")
            shown_r = format_number(rq.value, "en") + ("%" if rq.unit == "%" else "")
        else:
            shown_t, shown_r = tq.text, rq.text
        pairs.append({"target": shown_t, "reported": shown_r, "ratio": round(ratio, 3), "unit": tq.unit,
                      "target_value": tq.value, "reported_value": rq.value})
    return {
        "number": row.number, "url": url_for(row.id, lang),
        "source": v.seg(f"{key}#source", row.source, lang, "progress"),
        "task": v.seg(f"{key}#task", row.task, lang, "progress"),
        "progress": v.seg(f"{key}#progress", row.progress, lang, "progress"),
        "status": v.seg(f"{key}#status", row.status, lang, "progress"),
        "done": row.status == "已完成",
        "units": v.unit_refs(row.units, lang), "deadline": v.date(row.deadline, lang), "deadline_iso": row.deadline,
        "pairs": pairs,
    }


def progress_parallel(v: Views, t, lang: str) -> Page:
    """The progress table's rows with their Chinese and English side by side, field by field."""
    rows, done, total = [], 0, 0
    for row in t.rows:
        columns = []
        for col in ("zh", "en"):
            ui = v.ui[col]
            rv = _row_view(v, t, row, col)
            units = ("、" if col == "zh" else "; ").join(u["name"] for u in rv["units"])
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


def progress(v: Views, t, lang: str):
    rows = [_row_view(v, t, r, lang) for r in t.rows]
    headers = t.headers if lang == "zh" else ["No.", "Source", "Task", "Lead units", "Deadline", "Status", "Progress"]
    done = sum(1 for r in rows if r["done"])
    yield Page(t.id, lang, "progress.html", v.title(t.id, lang), {
        "rows": rows, "headers": headers, "dashboard": Markup(progress_dashboard(rows, lang)),
        "done": done, "title_zh": t.title, "origins": v.origins([t.origin]),
        **_common(v, t.id, lang),
    }, kind="progress", year=str(t.year), breadcrumbs=_crumbs(v, lang, []))
    for row, rv in zip(t.rows, rows):
        yield Page(row.id, lang, "progress_row.html", v.title(row.id, lang), {
            "row": rv, "table": {"title": v.title(t.id, lang), "url": url_for(t.id, lang)},
            "origins": v.origins([type(t.origin)(t.origin.file, row.line)]), **_common(v, row.id, lang),
        }, kind="progress", year=str(t.year), units=[v.unit_name(u, lang) for u in row.units],
            breadcrumbs=_crumbs(v, lang, [t.id]))
    yield progress_parallel(v, t, lang)


def units(v: Views, lang: str):
    c = v.c
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
            tv = _task_summary(v, t, lang)
            tv["co_leads"] = [x for x in tv["units"] if x["id"] != u.id]
            tasks.append(tv)
        rows = []
        for r in data["rows"]:
            tb = c.progress[f"progress/{r.year}/{r.district}"]
            rv = _row_view(v, tb, r, lang)
            rv["co_leads"] = [x for x in rv["units"] if x["id"] != u.id]
            rows.append(rv)
        yield Page(u.id, lang, "unit.html", v.unit_name(u.id, lang), {
            "unit": {"zh": u.zh, "en": u.en, "level": u.level, "district": u.district, "aliases": u.aliases},
            "tasks": tasks, "rows": rows, **_common(v, u.id, lang),
        }, kind="unit", units=[v.unit_name(u.id, lang)], breadcrumbs=_crumbs(v, lang, ["unit"]),
            names=[u.en if lang == "zh" else u.zh, *u.aliases])
