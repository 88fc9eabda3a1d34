"""HTML for running text: one block or one translated segment.

A document page has hundreds of blocks and every document has a side-by-side
page as well, so block markup is produced here, by plain functions, the way a
Markdown renderer turns its tokens into HTML, instead of by a Jinja macro per
block: a macro call costs far more than the string it returns, and on a large
archive these calls were most of the render time. Page layout stays in the
templates; they call ``block_html(b, ui, lang)`` and ``text_html(seg, ui, lang)``.
Every value is escaped; the result is ``Markup`` so that templates do not
escape it again. Lists of blocks (``blocks_html``) and side-by-side rows
(``parallel_html``) are rendered in one call, so a page of 500 blocks costs one
template call, not 500."""
from __future__ import annotations

from markupsafe import Markup


def escape(value) -> str:
    """The same entities as ``markupsafe.escape``, as a plain ``str``: the pieces
    are joined here and wrapped in ``Markup`` once per call, instead of making a
    ``Markup`` object per value. Values that are already markup pass through."""
    if hasattr(value, "__html__"):
        return value.__html__()
    s = str(value)
    if not ("&" in s or "<" in s or ">" in s or '"' in s or "'" in s):
        return s
    return (s.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))

_LANG_ATTR = {"zh": "zh-CN", "en": "en"}


def _text(seg, ui: dict, lang: str) -> str:
    text = escape(seg["text"])
    if seg["status"] == "ok":
        if seg["lang"] == lang:
            return text
        return f'<span lang="{_LANG_ATTR.get(seg["lang"], "en")}">{text}</span>'
    return f'<span lang="zh-CN">{text}</span>{_notice(seg, ui)}'


def _notice(seg, ui: dict) -> str:
    """The notice beside a passage shown in Chinese for want of a translation ('' for a translated one)."""
    if seg.get("status", "ok") == "ok":
        return ""
    if seg.get("short"):
        notice = ui["untranslated_short"]
    else:
        notice = ui["untranslated"] if seg["status"] == "missing" else ui["stale"]
    return (f' <small class="tr-notice tr-{escape(seg["status"])}" '
            f'data-pagefind-ignore>{escape(notice)}</small>')


def link_html(seg, url: str, ui: dict, lang: str) -> Markup:
    """A passage as a link (a task in a list): the text is the link, the notice of a Chinese fallback
    stands after it."""
    text = escape(seg["text"])
    if seg["lang"] != lang:
        text = f'<span lang="{_LANG_ATTR.get(seg["lang"], "en")}">{text}</span>'
    return Markup(f'<a href="{escape(url)}">{text}</a>{_notice(seg, ui)}')


def text_html(seg, ui: dict, lang: str) -> Markup:
    """A segment in the page language, or the Chinese with a visible notice
    when its translation is missing or stale."""
    return Markup(_text(seg, ui, lang))


def _original(b, ui: dict) -> str:
    if b.get("original") and b["original"] != b.get("zh"):
        return (f'<span class="original" lang="zh-TW"><span class="label">{escape(ui["traditional_original"])}'
                f'{escape(ui["colon"])}</span>{escape(b["original"])}</span>')
    return ""


def _linked(b, ui: dict, lang: str) -> str:
    inner = _text(b, ui, lang)
    return f'<a href="{escape(b["url"])}">{inner}</a>' if b.get("url") else inner


def block_html(b, ui: dict, lang: str) -> Markup:
    return Markup(_block(b, ui, lang))


def blocks_html(blocks, ui: dict, lang: str, sep: str = "\n") -> Markup:
    """Every block of a list, each followed by ``sep``."""
    return Markup("".join(_block(b, ui, lang) + sep for b in blocks))


def parallel_html(rows, ui: dict, lang: str) -> Markup:
    """Rows of the side-by-side view: the Chinese block and its English."""
    return Markup("".join(
        '<div class="parallel-row" role="row">\n'
        f'<div class="parallel-zh" role="cell" lang="zh-CN">{_block(r["zh"], ui, lang)}</div>\n'
        f'<div class="parallel-en" role="cell" lang="en">{_block(r["en"], ui, lang)}</div>\n</div>\n'
        for r in rows))


def _block(b, ui: dict, lang: str) -> str:
    kind = b["kind"]
    ident = f' id="{escape(b["anchor"])}"' if b.get("anchor") else ""
    if kind == "heading":
        n = b["level"] + 1 if b["level"] < 5 else 6
        return f'<h{n} class="blk blk-heading"{ident}>{_linked(b, ui, lang)}</h{n}>'
    if kind == "title":
        return (f'<p class="blk blk-title blk-title-{escape(b["level"])}"{ident}>{_linked(b, ui, lang)}'
                f'{_original(b, ui)}</p>')
    if kind == "table":
        rows = b["rows"]
        out = [f'<div class="table-wrap" role="region" tabindex="0" aria-label="{escape(ui["table"])}">'
               '<table class="blk blk-table">']
        fallback = None
        for i, r in enumerate(rows):
            tag = "th" if i == 0 and len(rows) > 1 else "td"
            open_ = '<th scope="col">' if tag == "th" else "<td>"
            row_lang = r.get("lang", lang)
            attr = f' lang="{_LANG_ATTR.get(row_lang, "en")}"' if row_lang != lang else ""
            if r.get("status", "ok") != "ok":
                fallback = fallback or r
            out.append(f"<tr{attr}>" + "".join(f"{open_}{escape(c)}</{tag}>" for c in r["cells"]) + "</tr>")
        out.append("</table></div>")
        if fallback is not None:
            out.append(f'<p class="blk-table-note">{_notice(fallback, ui).strip()}</p>')
        return "".join(out)
    if kind == "task":
        return f'<p class="blk blk-task"{ident}><a href="{escape(b["url"])}">{_text(b, ui, lang)}</a></p>'
    if kind == "units":
        return f'<p class="blk blk-units">{_text(b, ui, lang)}</p>'
    if kind == "project":
        return (f'<p class="blk blk-project"{ident}><a href="{escape(b["url"])}">{_text(b, ui, lang)}</a>'
                f'{_original(b, ui)}</p>')
    only_in = b.get("only_in")
    cls = f"blk blk-{escape(kind)}" + (" only-in" if only_in else "")
    note = (f' <small class="only-in-note">{escape(ui["only_in"])} <code>{escape(only_in)}</code></small>'
            if only_in else "")
    return f'<p class="{cls}"{ident}>{_linked(b, ui, lang)}{_original(b, ui)}{note}</p>'
