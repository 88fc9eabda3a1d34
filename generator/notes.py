"""Editors' notes: Markdown files under content/notes/ with YAML front matter.

The front matter is split off here (UTF-8, a byte-order mark is dropped) and
the body parsed with markdown-it-py (tables, footnotes and heading anchors
from mdit-py-plugins); raw HTML is disabled in the parser and the output is
sanitised with nh3, so a note cannot inject script or styles.
``[[task/2026/20]]`` is an inline rule of the parser (so it stays literal in
code) and renders as a link carrying the target's title in the page's
language; an unknown id is a build error with file and line. Items cited
inline count as the note's refs, like those in the front matter. A zh and an
en note with the same ``translation_key`` are each other's alternate."""
from __future__ import annotations

import datetime
import re
import unicodedata
from pathlib import Path

from .errors import Problem, Report, SourceError
from .paths import NOTES
from .model import Corpus, Note
from .site.pages import Page, translations
from . import ids

NOTES_DIR = NOTES
REQUIRED = ("title", "lang", "date", "author", "refs")
XREF = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
SAFE_SCHEMES = {"http", "https", "mailto"}
REF_EXPECTED = "an id such as task/2026/20, livelihood/2026/7 or doc:京政发〔2026〕1号"
# `new-note` writes its placeholder body on a line that starts with this: a note that still has it is refused
PLACEHOLDER = "<!-- new-note:"
FIELDS = {"title": "a text", "lang": "a language code of content/site.yaml, or a list of them ([zh, en])", "date": "YYYY-MM-DD", "author": "a text",
          "refs": "ids such as [task/2026/20]", "tags": "a list of texts",
          "translation_key": "a text shared with the note's translation"}
EXPECTED = "a Markdown note with YAML front matter"


class _Malformed(Exception):
    def __init__(self, line: int, message: str, expected: str):
        super().__init__(message)
        self.line, self.message, self.expected = line, message, expected


def _front_matter(text: str) -> tuple[str, str, int]:
    """(front matter, body, number of lines before the body); the front matter sits between two ``---`` lines."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise _Malformed(1, "note without YAML front matter", "a block between --- lines at the top")
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 1
    raise _Malformed(1, "front matter opened on this line has no closing ---",
                     "a line with only --- after the front matter")


_HAN_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


def slug_of(path: Path) -> str:
    """The note's address, from its file name: letters and digits lowercased (full-width ones as half-width),
    Chinese in toneless pinyin (笔记.md: bi-ji), anything else a hyphen; "" when the name has none of them."""
    from .i18n.romanize import MAX_SLUG, cut_slug, slugify_zh

    parts = []
    for k, run in enumerate(_HAN_RUN.split(unicodedata.normalize("NFKC", path.stem).lower())):
        part = slugify_zh(run) if k % 2 else re.sub(r"[^a-z0-9-]+", "-", run).strip("-")
        if part:
            parts.append(part)
    return cut_slug("-".join(parts), 2 * MAX_SLUG)


# tokens that hold a line's text (the others open and close quotes, lists and items around them)
_CONTAINERS = {"blockquote_open", "blockquote_close", "bullet_list_open", "bullet_list_close", "ordered_list_open",
               "ordered_list_close", "list_item_open", "list_item_close"}


def _read_lines(tokens) -> set[int]:
    return {i for t in tokens if t.map and t.type not in _CONTAINERS for i in range(*t.map)}


def find_xrefs(md, body: str, is_known) -> tuple[list[str], list[tuple[str, int]], int | None]:
    """The ids a note's body cites with ``[[id]]`` outside code (each once, in order), the unknown ones with
    their line in the body (0-based), and the first line the Markdown parser left unread (0-based; None): it
    stops without a word below its nesting limit (quotes and lists 20 deep), and the text there would be lost.
    Such a line is one a parse without the limit reads and the parse with it does not."""
    env = {"xref": lambda target: ("", "") if is_known(target) else None}
    tokens = md.parse(body, env)
    found = list(dict.fromkeys(env.get("xref_ids", [])))
    unknown = list(dict.fromkeys(env.get("xref_unknown", [])))
    deepest = max((t.level for t in tokens), default=0)
    if deepest < md.options["maxNesting"] - 2:  # nowhere near the limit: nothing was left unread
        return found, unknown, None
    limit = md.options["maxNesting"]
    md.options["maxNesting"] = 10_000
    try:
        unlimited = md.parse(body, {"xref": env["xref"]})
    finally:
        md.options["maxNesting"] = limit
    lost = sorted(_read_lines(unlimited) - _read_lines(tokens))
    return found, unknown, (lost[0] if lost else None)


def read_note(path: Path, rel: str):
    """(front matter as a YamlDoc, body, number of lines before the body) of one note file, or SourceError
    naming the file and line (not a text file, no front matter, YAML that cannot be read)."""
    from .fileio import read_text
    from .yamlfile import parse_yaml

    text = read_text(path, rel, EXPECTED).replace("\r", "\n")
    try:
        fm, body, body_line = _front_matter(text)
    except _Malformed as e:
        raise SourceError(Problem(rel, e.line, e.message, e.expected)) from None
    return parse_yaml(fm, rel, "front matter: key: value lines between the --- lines", offset=1), body, body_line


def note_meta(doc, rel: str, codes: tuple) -> dict:
    """The front matter, checked key by key (types, languages, the date; unknown keys are errors: a misspelt
    ``ref:`` must not be dropped). Returns title, langs, date, author, refs, tags, translation_key."""
    from .yamlfile import Shape

    shape = Shape(doc, rel)
    meta = shape.mapping({} if doc.data is None else doc.data, (), "key: value lines (title, lang, date, author, refs)",
                         what="the front matter")
    shape.done()
    if not shape.keys(meta, (), FIELDS, required=REQUIRED, what="the front matter"):
        shape.done()
    langs = meta["lang"] if isinstance(meta["lang"], list) else [meta["lang"]]
    for i, l in enumerate(langs):
        if not isinstance(l, str) or l not in codes:
            shape.error(("lang", i) if isinstance(meta["lang"], list) else ("lang",), f"unknown language {l!r}",
                        " or ".join(codes))  # the languages of content/site.yaml
    langs = list(dict.fromkeys(l for l in langs if isinstance(l, str)))
    out = {
        "title": shape.text(meta["title"], ("title",)),
        "author": shape.text(meta["author"], ("author",)),
        "langs": langs,
        "refs": shape.texts(meta["refs"], ("refs",), FIELDS["refs"]),
        "tags": shape.texts(meta.get("tags") or [], ("tags",), FIELDS["tags"]),
        "translation_key": shape.text(meta.get("translation_key") or "", ("translation_key",), empty=True),
    }
    value = meta["date"]
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        out["date"] = value.isoformat()
    elif isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
        try:
            out["date"] = datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError as e:
            shape.error(("date",), f"bad date {value.strip()!r}: {e}", "a real date as YYYY-MM-DD")
    else:
        shape.error(("date",), f"bad date {value!r}", "YYYY-MM-DD")
    shape.done()
    return out


def load_notes(corpus: Corpus, root: Path, rep: Report, files: list[Path] | None = None) -> None:
    """Read every note (``files``: the notes of the content inventory, see ``content.py``)."""
    from .content import files_of
    from .link.overrides import known_ids

    root = Path(root)
    paths = files_of(root, "note") if files is None else files
    if not paths:
        corpus.notes = []
        return
    from .config import load_config

    codes = load_config(root).codes  # the languages a note may be written in
    known = known_ids(corpus)
    md = markdown_renderer()
    notes, key_lines = [], {}
    for path in paths:
        rel = path.relative_to(root).as_posix()
        try:
            doc, body, body_line = read_note(path, rel)
            meta = note_meta(doc, rel, codes)
        except SourceError as e:
            rep.errors.extend(e.problems)
            continue
        key_lines[rel] = doc.line("translation_key")
        refs = [canonical_ref(r) for r in meta["refs"]]
        ok = True
        for i, r in enumerate(refs):
            if r not in known:
                rep.error(rel, doc.line("refs", i), f"unknown reference {r!r}", REF_EXPECTED)
                ok = False
        placeholder = re.search("^" + re.escape(PLACEHOLDER), body, re.M)
        if placeholder:
            at = body_line + body[:placeholder.start()].count("\n") + 1
            rep.error(rel, at, "the note still has the placeholder new-note wrote",
                      "the note's text in place of this line")
            ok = False
        elif not body.strip():
            rep.error(rel, body_line, "the note has no text", "the note in Markdown below the front matter")
            ok = False
        inline, unknown, unread = find_xrefs(md, body, known.__contains__)
        for raw, line in unknown:
            rep.error(rel, body_line + (line if line is not None else _first_line(body, raw)) + 1,
                      f"unknown reference {raw}", "an existing id inside [[…]]")
            ok = False
        if unread is not None:
            rep.error(rel, body_line + unread + 1, "quotes or lists nested too deep: the Markdown reader stops here "
                      "and the text from this line on would be lost", f"at most {md.options['maxNesting'] - 1} "
                      "levels of quotes and lists inside one another")
            ok = False
        if not ok:
            continue
        if not slug_of(path):
            rep.error(rel, None, "the note's file name has no letter, digit or Chinese character to make its "
                      "address from", "a file name such as 2026-03-30-line-22.md")
            continue
        langs = meta["langs"]
        # the panel on an item's page lists every note that cites it, in the front matter or inline
        all_refs = list(dict.fromkeys(refs + inline))
        for lang in langs:
            slug = slug_of(path) + (f"-{lang}" if len(langs) > 1 else "")
            notes.append(Note(id=ids.format_id("note", slug), slug=slug, title=meta["title"], lang=lang, date=meta["date"],
                              author=meta["author"], refs=list(all_refs), tags=meta["tags"], body_md=body,
                              path=rel, translation_key=meta["translation_key"]))
    notes = _check_unique(notes, rep, key_lines)
    corpus.notes = notes


def _check_unique(notes: list[Note], rep: Report, key_lines: dict) -> list[Note]:
    """One page per note id, and at most one note per language for each translation_key."""
    by_id: dict[str, Note] = {}
    by_key: dict[tuple[str, str], Note] = {}
    kept = []
    for n in notes:
        if n.id in by_id and by_id[n.id].path != n.path:
            rep.error(n.path, 1, f"note page {n.id} is also made from {by_id[n.id].path}",
                      "file names that differ in more than case and punctuation")
            continue
        by_id[n.id] = n
        if n.translation_key:
            other = by_key.get((n.translation_key, n.lang))
            if other is not None:
                rep.error(n.path, key_lines.get(n.path),
                          f"translation_key {n.translation_key!r} is already used by the {n.lang} note {other.path}",
                          "one note per language for each translation_key")
                continue
            by_key[(n.translation_key, n.lang)] = n
        kept.append(n)
    return kept


def _first_line(body: str, raw: str) -> int:
    i = body.find(raw)
    return body[:i].count("\n") if i >= 0 else 0


# ---------------------------------------------------------------- [[id]] as a markdown-it inline rule
def canonical_ref(ref: str) -> str:
    """A document is cited the way it is printed, with any brackets (doc:京政办发[2026]20号); its id
    uses 〔〕 like every document id."""
    if ref.startswith("doc:"):
        from .kinds.circular import canonical_number

        return "doc:" + canonical_number(ref[4:])
    return ref


def _xref_rule(state, silent: bool) -> bool:
    """``[[task/2026/20]]``: a link to the item, with its title in the page language. Runs where the link rule
    would, so code spans, fenced code and autolinks keep the text literally. ``env["xref"]`` maps an id to
    (title, url), or None if unknown; without it the text stays as it is."""
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    resolve = state.env.get("xref")
    m = XREF.match(src, pos)
    if resolve is None or m is None:
        return False
    target = canonical_ref(m.group(1).strip())
    found = resolve(target)
    if not silent:
        if found is None:
            state.env.setdefault("xref_unknown", []).append((m.group(0), _body_line(state)))
            state.push("text", "", 0).content = m.group(0)
        else:
            state.env.setdefault("xref_ids", []).append(target)
            title, url = found
            if state.linkLevel > 0:  # inside a link's text: no link within a link
                state.push("text", "", 0).content = title
            else:
                tok = state.push("link_open", "a", 1)
                tok.attrs = {"href": url}
                tok.markup = "xref"
                state.push("text", "", 0).content = title
                state.push("link_close", "a", -1).markup = "xref"
    state.pos = m.end()
    return True


def _body_line(state) -> int | None:
    """0-based line in the Markdown source of the inline text at ``state.pos``."""
    block = state.env.get("_xref_block")
    if not block or not block[0]:
        return None
    line_map, content = block
    base = 0 if state.src is content else content.find(state.src)  # an inline footnote is parsed on its own
    if base < 0:
        return None
    return line_map[0] + content[:base + state.pos].count("\n")


def _inline_with_lines(state) -> None:
    """The core ``inline`` rule, telling the inline rules which block (and so which line) they are in."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            state.env["_xref_block"] = (token.map, token.content)
            state.md.inline.parse(token.content, state.md, state.env, token.children)
    state.env.pop("_xref_block", None)


def xref_plugin(md) -> None:
    md.inline.ruler.before("link", "xref", _xref_rule)
    md.core.ruler.at("inline", _inline_with_lines)


def _own_heading_ids(state) -> None:
    """Heading ids prefixed with ``env["id_prefix"]`` (the note's): a note is shown on its page and on every
    item it is about, beside other notes and the theme's own ids ("main"), and an id is unique on a page. The
    footnotes take the note's slug from ``env["docId"]`` (mdit-py-plugins' footnote plugin)."""
    prefix = state.env.get("id_prefix") if isinstance(state.env, dict) else None
    if not prefix:
        return
    for token in state.tokens:
        if token.type == "heading_open" and token.attrGet("id"):
            token.attrSet("id", prefix + str(token.attrGet("id")))


def markdown_renderer():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.use(footnote_plugin).use(anchors_plugin, min_level=2, max_level=3)
    md.core.ruler.push("note_ids", _own_heading_ids)
    md.use(xref_plugin)
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
    from .site.urls import other_langs, url_for

    md = markdown_renderer()
    other = translations(corpus.notes)
    pages = []
    for note in corpus.notes:
        lang = note.lang
        env = {"xref": lambda target, lang=lang: (views.title(target, lang), url_for(target, lang)),
               "docId": note.slug, "id_prefix": f"note-{note.slug}-"}  # its ids unique on any page showing it
        note.html = sanitize(md.render(note.body_md, env))
        # each other language: the note's version in it if there is one, else (for the switch only) the page of
        # what the note is about in that language
        versions = other.get(note.id, {})
        alternate = {lg.code: {"translation": url_for(versions[lg.code].id, lg.code) if lg.code in versions else "",
                               "nearest": url_for(note.refs[0], lg.code)} for lg in other_langs(lang)}
        pages.append(NotePage(note.id, lang, "note.html", note.title, {
            "note": {"title": note.title, "date": views.date(note.date, lang), "author": note.author,
                     "tags": note.tags, "html": note.html, "path": note.path,
                     "refs": [{"title": views.title(r, lang), "url": url_for(r, lang)} for r in note.refs]},
            "links": [], "notes": [], "alternate": alternate,
        }, kind="note", year=note.date[:4], breadcrumbs=[(views.ui[lang]["home"], f"/{lang}/")], date=note.date,
            citation=views.ui[lang]["note_citation"].format(author=note.author, title=note.title,
                                                             date=views.date(note.date, lang))))
    return pages


class NotePage(Page):
    """A note and its translation are different notes (paired by translation_key), so the other language's
    page is not the same id there. Without a translation there is no alternate (hreflang, sitemap); the
    language switch then goes to the other language's page of the first item the note is about."""

    def url_in(self, lang: str) -> str:
        return self.url if lang == self.lang else self.ctx["alternate"][lang]["translation"]

    def switch_url_in(self, lang: str) -> str:
        return self.url_in(lang) or self.ctx["alternate"][lang]["nearest"]
