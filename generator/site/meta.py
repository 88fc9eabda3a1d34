"""What a page says about itself to machines and to the apps a link is shared in: its meta description, its
Open Graph tags and its schema.org description (JSON-LD), each fitting the kind of page. Made from the page's
view model (never from its HTML), so templates print ready values."""
from __future__ import annotations

import html
import json
import re

from markupsafe import Markup

from .text import summary
from .urls import hreflang

# the schema.org type of each kind of page (Page.kind; a document page by its genre)
SCHEMA_TYPES = {
    "document": "Legislation", "article": "Legislation", "gazette": "PublicationIssue", "report": "Report",
    "tasklist": "CreativeWork", "task": "CreativeWork", "livelihood": "CreativeWork", "progress": "Dataset",
    "unit": "GovernmentOrganization", "note": "Article", "index": "CollectionPage", "search": "SearchResultsPage",
    "parallel": "WebPage",
}
OG_TYPES = {"note": "article", "document": "article", "article": "article"}
LOCALES = {"zh": "zh_CN", "en": "en_GB"}  # Open Graph's locale of a language code (else its hreflang, as ll_CC)


def _og_locale(lang: str) -> str:
    return LOCALES.get(lang) or hreflang(lang).replace("-", "_")


def _text_of(seg) -> str:
    if isinstance(seg, dict):
        return seg.get("text") or ""
    return str(seg or "")


def page_summary(page, ui: dict) -> str:
    """The passage that says what the page is: the view model's ``summary`` (a task's, an item's, a row's own
    text), else the page's citation line, else its title."""
    lang = page.lang
    text = _text_of(page.ctx.get("summary")) or _text_of(page.ctx.get("tagline"))  # the home page: the tagline
    if not text and page.ctx.get("paragraphs"):  # a report's part or section: its opening paragraph
        text = _text_of(page.ctx["paragraphs"][0])
    if not text and page.ctx.get("note"):  # a note: its first paragraph
        first = re.search(r"<p>(.*?)</p>", page.ctx["note"]["html"], re.S)
        text = re.sub(r"<[^>]+>", "", first.group(1) if first else page.ctx["note"]["html"])
        text = re.sub(r"<[^>]*>", "", html.unescape(text))  # markup the note shows as text: not in a summary
    mark = ui["ellipsis"]
    if text:
        return summary(text, lang, mark=mark)
    if page.citation:  # the title, then the citation; once where the citation begins with the title (a report)
        cited = page.citation if page.citation.startswith(page.title) else f"{page.title}{ui['colon']}{page.citation}"
        return summary(cited, lang, mark=mark)
    return summary(page.title, lang, mark=mark)


def head_view(page, site: dict, ui: dict) -> dict:
    """{"description", "og": [(property, content)], "jsonld": Markup} of one page."""
    lang = page.lang
    base = site["base_url"]
    url = base + page.url
    description = page_summary(page, ui)
    site_title = site["title"][lang]
    kind = page.kind or "page"
    home = page.id == "" and kind == "index"
    og = [("og:type", "website" if home else OG_TYPES.get(kind, "article" if page.date else "website")),
          ("og:title", page.title), ("og:description", description), ("og:url", url),
          ("og:site_name", site_title), ("og:locale", _og_locale(lang))]
    for alt in page.alternates:
        if alt["url"]:
            og.append(("og:locale:alternate", _og_locale(alt["code"])))
    schema = "WebSite" if home else SCHEMA_TYPES.get(kind, "WebPage")
    if page.template == "progress_row.html":  # one row of the table: a work, the table is the data set
        schema = "CreativeWork"
    ld = {"@context": "https://schema.org", "@type": schema,
          "name": page.title, "url": url, "inLanguage": hreflang(lang),
          "description": description}
    if not home:
        ld["isPartOf"] = {"@type": "WebSite", "name": site_title, "url": f"{base}/{lang}/"}
    if page.date:
        ld["datePublished"] = page.date
    if kind in ("document", "article") and page.ctx.get("doc", {}).get("number"):
        ld["legislationIdentifier"] = page.ctx["doc"]["number"]
        ld["legislationDate"] = page.date or None
    if kind == "gazette" and page.ctx.get("issue"):
        ld["issueNumber"] = str(page.ctx["issue"]["number"])
    if kind == "note" and page.ctx.get("note"):
        ld["author"] = {"@type": "Organization", "name": page.ctx["note"]["author"]}
        ld["about"] = [{"@id": base + r["url"], "name": r["title"]} for r in page.ctx["note"]["refs"]]
    if page.citation:
        ld["citation"] = page.citation
    if page.source_url:  # a translation: of the page in the authoritative language
        ld["translationOfWork"] = {"@id": base + page.source_url}
    if page.breadcrumbs:
        crumbs = list(page.breadcrumbs) + [(page.here, page.url)]
        ld["breadcrumb"] = {"@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": k + 1, "name": t, "item": base + u} for k, (t, u) in enumerate(crumbs)]}
    ld = {k: v for k, v in ld.items() if v not in (None, "")}
    text = json.dumps(ld, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # inside <script>: no "</" or "<!--" may appear, whatever a title holds
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return {"description": description, "og": og, "jsonld": Markup(text)}
