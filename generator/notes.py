"""Editors' notes: Markdown files under content/notes/ with YAML front matter.

Parsed with markdown-it-py (front matter, tables, footnotes and heading
anchors from mdit-py-plugins); raw HTML is disabled in the parser and the
output is sanitised with nh3, so a note cannot inject script or styles.
``[[task/2026/20]]`` renders as a link carrying the target's title in the
page's language; an unknown id is a build error with file and line."""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import yaml

from .errors import Report
from .model import Corpus, Note

NOTES_DIR = "content/notes"
REQUIRED = ("title", "lang", "date", "author", "refs")
XREF = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
SAFE_SCHEMES = {"http", "https", "mailto"}


def _front_matter(text: str):
    if not text.startswith("---\n"):
        return None, text, 0
    end = text.find("\n---", 4)
    if end == -1:
        return None, text, 0
    fm = text[4:end]
    body_start = text.find("\n", end + 4)
    body = text[body_start + 1:] if body_start != -1 else ""
    return fm, body, fm.count("\n") + 3  # lines before the body: ---, front matter, ---


def slug_of(path: Path) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-")


def load_notes(corpus: Corpus, root: Path, rep: Report) -> None:
    from .link.overrides import known_ids

    d = Path(root) / NOTES_DIR
    if not d.is_dir():
        return
    ids = known_ids(corpus)
    notes = []
    for path in sorted(d.glob("*.md")):
        rel = path.relative_to(root).as_posix()
        text = path.read_text("utf-8")
        fm, body, body_line = _front_matter(text)
        if fm is None:
            rep.error(rel, 1, "note without YAML front matter", "a block between --- lines at the top")
            continue
        try:
            meta = yaml.safe_load(fm) or {}
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            rep.error(rel, (mark.line + 2) if mark else 1, f"invalid front matter: {getattr(e, 'problem', e)}",
                      "valid YAML between the --- lines")
            continue
        if not isinstance(meta, dict):
            rep.error(rel, 2, "front matter is not a mapping", "key: value lines")
            continue
        missing = [k for k in REQUIRED if not meta.get(k)]
        if missing:
            rep.error(rel, 2, f"front matter lacks {', '.join(missing)}", "title, lang, date, author, refs")
            continue
        langs = meta["lang"] if isinstance(meta["lang"], list) else [meta["lang"]]
        if any(l not in ("zh", "en") for l in langs):
            rep.error(rel, _line(fm, "lang"), f"unknown language {meta['lang']!r}", "zh or en")
            continue
        date = meta["date"]
        if isinstance(date, (datetime.date, datetime.datetime)):
            date = date.isoformat()[:10]
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", str(date)):
            rep.error(rel, _line(fm, "date"), f"bad date {date!r}", "YYYY-MM-DD")
            continue
        refs = meta["refs"] if isinstance(meta["refs"], list) else [meta["refs"]]
        ok = True
        for r in refs:
            if str(r) not in ids:
                rep.error(rel, _line(fm, str(r)) or _line(fm, "refs"), f"unknown reference {r!r}",
                          "an id such as task/2026/20, livelihood/2026/7 or doc:京政发〔2026〕1号")
                ok = False
        for m in XREF.finditer(body):
            if m.group(1).strip() not in ids:
                line = body_line + body[: m.start()].count("\n") + 1
                rep.error(rel, line, f"unknown reference [[{m.group(1)}]]", "an existing id inside [[…]]")
                ok = False
        if not ok:
            continue
        tags = meta.get("tags") or []
        for lang in langs:
            slug = slug_of(path) + (f"-{lang}" if len(langs) > 1 else "")
            notes.append(Note(id=f"note/{slug}", slug=slug, title=str(meta["title"]), lang=lang, date=str(date),
                              author=str(meta["author"]), refs=[str(r) for r in refs],
                              tags=[str(t) for t in tags], body_md=body, path=rel,
                              translation_key=str(meta.get("translation_key") or "")))
    corpus.notes = notes


def _line(fm: str, needle: str) -> int | None:
    for i, l in enumerate(fm.split("\n")):
        if needle in l:
            return i + 2
    return None


def markdown_renderer():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.use(front_matter_plugin).use(footnote_plugin).use(anchors_plugin, min_level=2, max_level=3)
    md.validateLink = lambda url: url.split(":", 1)[0].lower() in SAFE_SCHEMES if ":" in url.split("/", 1)[0] else True
    return md


def sanitize(html: str) -> str:
    import nh3

    tags = {"p", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "table",
            "thead", "tbody", "tr", "th", "td", "hr", "br", "sup", "sub", "section", "span", "del"}
    attrs = {"a": {"href", "title", "class", "id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "li": {"id"},
             "sup": {"class", "id"}, "section": {"class"}, "th": {"style"}, "td": {"style"}, "span": {"class"}}
    return nh3.clean(html, tags=tags, attributes=attrs, url_schemes=SAFE_SCHEMES, link_rel="noopener noreferrer",
                     strip_comments=True, filter_style_properties={"text-align"})


def render_notes(views, corpus: Corpus):
    """Render each note's HTML (per its language) and return its pages."""
    from .site.pages import Page
    from .site.urls import url_for

    md = markdown_renderer()
    pages = []
    for note in corpus.notes:
        lang = note.lang

        def xref(m, lang=lang):
            target = m.group(1).strip()
            title = views.title(target, lang).replace("]", "\\]").replace("[", "\\[")
            return f"[{title}]({url_for(target, lang)})"

        note.html = sanitize(md.render(XREF.sub(xref, note.body_md)))
        pages.append(Page(note.id, lang, "note.html", note.title, {
            "note": {"title": note.title, "date": views.date(note.date, lang), "author": note.author,
                     "tags": note.tags, "html": note.html, "path": note.path,
                     "refs": [{"title": views.title(r, lang), "url": url_for(r, lang)} for r in note.refs]},
            "links": [], "notes": [],
        }, kind="note", year=note.date[:4], breadcrumbs=[(views.ui[lang]["home"], f"/{lang}/")], date=note.date,
            citation=(f"{note.author}，{views.date(note.date, lang)}" if lang == "zh"
                      else f"{note.author}, {views.date(note.date, lang)}")))
    return pages
