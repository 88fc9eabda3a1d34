"""Atom feeds per language, sitemap.xml with hreflang alternates, robots.txt."""
from __future__ import annotations

import datetime
from xml.sax.saxutils import escape

from .render import write_text
from .urls import other_lang


def _dt(iso: str) -> datetime.datetime:
    y, m, d = (int(x) for x in iso.split("-"))
    return datetime.datetime(y, m, d, tzinfo=datetime.timezone.utc)


def write_extras(out, pages, corpus, views, config) -> None:
    base = config.base_url
    # sitemap: one <url> per page with both language alternates
    seen = set()
    rows = []
    for p in sorted(pages, key=lambda p: p.url):
        if p.id == "__404__" or p.url in seen:
            continue
        seen.add(p.url)
        alt = p.alt_url
        lang_code = "zh-CN" if p.lang == "zh" else "en"
        other_code = "en" if p.lang == "zh" else "zh-CN"
        rows.append(
            f"<url><loc>{escape(base + p.url)}</loc>"
            f'<xhtml:link rel="alternate" hreflang="{lang_code}" href="{escape(base + p.url)}"/>'
            + (f'<xhtml:link rel="alternate" hreflang="{other_code}" href="{escape(base + alt)}"/>' if alt else "")
            + (f"<lastmod>{p.date}</lastmod>" if p.date else "") + "</url>")
    write_text(out, "sitemap.xml",
               '<?xml version="1.0" encoding="UTF-8"?>\n'
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
               + "\n".join(rows) + "\n</urlset>\n")
    write_text(out, "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n")
    # Atom feeds: new gazette issues, documents and notes, per language
    from feedgen.feed import FeedGenerator

    for lang in ("zh", "en"):
        fg = FeedGenerator()
        fg.id(f"{base}/{lang}/")
        fg.title(config.title[lang])
        fg.subtitle(config.tagline[lang])
        fg.language("zh-CN" if lang == "zh" else "en")
        fg.link(href=f"{base}/{lang}/", rel="alternate")
        fg.link(href=f"{base}/{lang}/feed.xml", rel="self")
        entries = []
        for p in pages:
            if p.lang == lang and p.kind in ("gazette", "note", "document") and p.date:
                entries.append(p)
        entries.sort(key=lambda p: (p.date, p.url))
        latest = max((p.date for p in entries), default="2026-01-01")
        fg.updated(_dt(latest))
        for p in entries[-50:]:
            fe = fg.add_entry(order="append")
            fe.id(base + p.url)
            fe.title(p.title)
            fe.link(href=base + p.url)
            fe.updated(_dt(p.date))
            fe.published(_dt(p.date))
            fe.category(term=p.kind)
            if p.kind == "note":
                fe.content(p.note_html, type="html")
        write_text(out, f"{lang}/feed.xml", fg.atom_str(pretty=True).decode("utf-8"))
