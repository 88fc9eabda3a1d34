"""Atom feeds per language, the sitemap (an index of files of at most 50,000 URLs each) with hreflang
alternates, robots.txt and the root /404.html.

A feed has one entry per new item (gazette issue, document, note), never one per page of a long document split
into several pages; entries are ordered by date, then id. The root 404 page is language-neutral: Netlify serves
/404.html for a missing path outside the language folders (/zh/, /en/ …, which have their own 404 pages)."""
from __future__ import annotations

import datetime
import re
from operator import itemgetter
from typing import NamedTuple
from xml.sax.saxutils import escape

from .render import write_text


def _dt(iso: str) -> datetime.datetime:
    y, m, d = (int(x) for x in iso.split("-"))
    return datetime.datetime(y, m, d, tzinfo=datetime.timezone.utc)


class PageMeta(NamedTuple):
    """The little the sitemap and the feeds need of a page (a tuple: the manifest holds one per page)."""

    id: str
    lang: str
    url: str
    alternates: tuple  # ((hreflang, url), …): the page in its language, then in each other one that has it
    title: str
    kind: str
    date: str
    note_html: str = ""

    @classmethod
    def of(cls, page) -> "PageMeta":
        note = page.ctx.get("note") if page.kind == "note" else None
        own = next(lg.hreflang for lg in page.languages if lg.code == page.lang)
        alts = ((own, page.url), *((a["hreflang"], a["url"]) for a in page.alternates if a["url"]))
        return cls(page.id, page.lang, page.url, alts, page.title, page.kind, page.date,
                   note["html"] if note else "")


FEED_KINDS = ("gazette", "document", "note")
PART_SUFFIX = re.compile(r" \(\d+/\d+\)$")


def feed_entries(pages, lang: str, views=None) -> list[tuple[str, str, object]]:
    """(id, title, page) per new item in ``lang``, sorted by date then id. The pages
    of a document split into parts (``doc/<slug>/2`` …) are one item, the document."""
    entries = {}
    for p in pages:  # PageMeta fields, as a PageMeta or a plain tuple (from the build manifest)
        if p[1] != lang or p[5] not in FEED_KINDS or not p[6]:
            continue
        p = PageMeta._make(p)
        if p.kind == "document" and p.id.startswith("doc/"):
            continue  # a page of a long document after its first (doc/<slug>/2), not an item: decree/331 is one
        title = PART_SUFFIX.sub("", p.title)
        if views is not None and p.kind in ("gazette", "document"):
            title = views.title(p.id, lang) or title
        entries.setdefault(p.id, (p.id, title, p))
    return sorted(entries.values(), key=lambda e: (e[2].date, e[0]))


def feed_summary(views, corpus, item_id: str, lang: str) -> str:
    """What a feed entry says of its item besides its title: a gazette issue's documents, by their titles; a
    document's opening passage in the entry's language, or where that passage has no translation, its citation
    (number, date, issuer). Cut as a page's description is."""
    from .text import summary

    ui = views.ui[lang]
    issue = dict.get(corpus.gazettes, item_id)
    if issue is not None:
        text = ui["list_sep"].join(views.title(d, lang) for d in issue.documents)
    else:
        d = dict.get(corpus.documents, item_id)
        if d is None:
            return ""
        first = next((b for b in d.blocks if b.kind == "para" and not b.only_in), None)
        seg = views.block(first, d.id, lang) if first is not None else None
        text = seg["text"] if seg and seg.get("lang") == lang and seg.get("status") == "ok" else views.citation(
            item_id, lang)
    return summary(text, lang, mark=ui["ellipsis"]) if text else ""


def root_404(config, views) -> str:
    """A language-neutral page not found: every language's text (the theme's strings), the authoritative
    language's first, and links to every language's home and search page."""
    langs = sorted(config.languages, key=lambda lg: not lg.authoritative)
    first, rest = langs[0], langs[1:]
    t = config.title

    def s(lg, key):
        return escape(str(views.ui[lg.code][key]))

    sep = s(first, "part_sep")  # the languages' words side by side, parted as the first language parts them

    def link(lg, path: str, key: str) -> str:  # where its text says to go on: each language's home and search
        lang = "" if lg is first else f' lang="{lg.hreflang}"'
        return (f'<li{lang}><a href="/{lg.code}/{path}" hreflang="{lg.hreflang}">{escape(t[lg.code])}'
                f'{s(lg, "part_sep")}{s(lg, key)}</a></li>\n')

    return (
        f'<!doctype html>\n<html lang="{first.hreflang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f'<title>{sep.join(s(lg, "not_found") for lg in langs)}</title>\n'
        '</head>\n<body>\n<main>\n'
        f'<h1>{s(first, "not_found")}'
        + "".join(f'{sep}<span lang="{lg.hreflang}">{s(lg, "not_found")}</span>' for lg in rest) + '</h1>\n'
        f'<p>{s(first, "not_found_text")}</p>\n'
        + "".join(f'<p lang="{lg.hreflang}">{s(lg, "not_found_text")}</p>\n' for lg in rest)
        + '<ul>\n' + "".join(link(lg, path, key) for lg in langs for path, key in (("", "home"), ("search/", "search")))
        + '</ul>\n</main>\n</body>\n</html>\n')


SITEMAP_MAX_URLS = 50_000  # the sitemaps protocol's limits for one file
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
SITEMAP_NS = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
              'xmlns:xhtml="http://www.w3.org/1999/xhtml"')


def _esc(s: str) -> str:  # URLs rarely hold &, < or >
    return escape(s) if ("&" in s or "<" in s or ">" in s) else s


def sitemap_files(pages, base: str, max_urls: int = SITEMAP_MAX_URLS,
                  max_bytes: int = SITEMAP_MAX_BYTES) -> dict[str, str]:
    """The sitemap as files: ``sitemap.xml`` is always a sitemap index (robots.txt names it), listing
    ``sitemaps/N.xml`` files of at most ``max_urls`` URLs and ``max_bytes`` bytes each, one ``<url>`` per page
    with its language alternates, in URL order (so a page keeps its file from build to build until pages are
    added before it)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SITEMAP_NS}>\n'
    tail = "</urlset>\n"
    room = max_bytes - len(head.encode()) - len(tail.encode())
    chunks: list[tuple[list[str], str]] = []  # (rows, newest lastmod)
    rows: list[str] = []
    size, newest, seen = 0, "", set()
    # PageMeta fields, as a PageMeta or a plain tuple (from the build manifest)
    for pid, lang, url, alts, _title, _kind, date, _note in sorted(pages, key=itemgetter(2)):
        if pid == "__404__" or url in seen:
            continue
        seen.add(url)
        row = (f"<url><loc>{_esc(base + url)}</loc>"
               + "".join(f'<xhtml:link rel="alternate" hreflang="{code}" href="{_esc(base + alt)}"/>'
                         for code, alt in alts)
               + (f"<lastmod>{date}</lastmod>" if date else "") + "</url>\n")
        n = len(row.encode())
        if rows and (len(rows) >= max_urls or size + n > room):
            chunks.append((rows, newest))
            rows, size, newest = [], 0, ""
        rows.append(row)
        size += n
        newest = max(newest, date or "")
    if rows or not chunks:
        chunks.append((rows, newest))
    files = {f"sitemaps/{i}.xml": head + "".join(r) + tail for i, (r, _) in enumerate(chunks, 1)}
    index = "".join(f"<sitemap><loc>{_esc(base)}/sitemaps/{i}.xml</loc>"
                    + (f"<lastmod>{d}</lastmod>" if d else "") + "</sitemap>\n"
                    for i, (_, d) in enumerate(chunks, 1))
    files["sitemap.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                            + index + "</sitemapindex>\n")
    return files


def write_extras(out, pages, corpus, views, config) -> None:
    base = config.base_url
    for name, text in sitemap_files(pages, base).items():
        write_text(out, name, text)
    write_text(out, "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n")
    # Atom feeds: new gazette issues, documents and notes, per language
    from feedgen.feed import FeedGenerator

    for language in config.languages:
        lang = language.code
        fg = FeedGenerator()
        fg.id(f"{base}/{lang}/")
        fg.title(config.title[lang])
        fg.subtitle(config.tagline[lang])
        fg.language(language.hreflang)
        fg.author(name=config.title[lang], uri=f"{base}/{lang}/")  # Atom requires an author of the feed
        fg.link(href=f"{base}/{lang}/", rel="alternate")
        fg.link(href=f"{base}/{lang}/feed.xml", rel="self")
        entries = feed_entries(pages, lang, views)
        latest = max((p.date for _, _, p in entries), default="2026-01-01")
        fg.updated(_dt(latest))
        for item_id, title, p in reversed(entries[-50:]):  # the newest first, as readers list them
            fe = fg.add_entry(order="append")
            fe.id(base + p.url)
            fe.title(title)
            fe.link(href=base + p.url)
            fe.updated(_dt(p.date))
            fe.published(_dt(p.date))
            fe.category(term=p.kind)
            if p.kind == "note":
                fe.content(p.note_html, type="html")
            else:
                text = feed_summary(views, corpus, item_id, lang)
                if text:
                    fe.summary(text)
        write_text(out, f"{lang}/feed.xml", fg.atom_str(pretty=True).decode("utf-8"))
    # a language-neutral 404 at the root, unless the theme brought its own
    from pathlib import Path

    if not (Path(out) / "404.html").exists():
        write_text(out, "404.html", root_404(config, views))
