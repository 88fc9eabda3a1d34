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

import re

from markupsafe import Markup

from .urls import authoritative, hreflang


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



def _cited(seg) -> str:
    """The text with its citations of documents in the archive as links (``cites``: start, end, URL), its
    footnote markers as links to their notes (``footnote_refs``: start, end, the note's URL, the marker's id or
    None, its name for a screen reader: views.footnote_links), and the label it opens with set apart
    (``label_len``: 第一条, 第一章, as the gazette prints it before the text)."""
    text, out, at = seg["text"], [], seg.get("label_len", 0)
    if at:
        out.append(f'<span class="prov-label">{escape(text[:at])}</span>')
    spans = [(a, b, f'<a class="cite" href="{escape(url)}">{escape(text[a:b])}</a>')
             for a, b, url in seg.get("cites", [])]
    spans += [(a, b, f'<a class="footnote-ref" href="{escape(href)}"' + (f' id="{escape(ref)}"' if ref else "")
               + f' aria-label="{escape(name)}">{escape(text[a:b])}</a>')
              for a, b, href, ref, name in seg.get("footnote_refs", [])]
    for a, b, html in sorted(spans):
        if a < at or b > len(text):
            continue
        out.append(escape(text[at:a]))
        out.append(html)
        at = b
    out.append(escape(text[at:]))
    return "".join(out)


AUTOLINK = re.compile(r"&lt;(https?://[^\s&<>\"]+)&gt;")  # <http://…> as a PDF's text layer writes an address


def _text(seg, ui: dict, lang: str) -> str:
    text = _cited(seg) if seg.get("cites") or seg.get("label_len") or seg.get("footnote_refs") \
        else escape(seg["text"])
    if "&lt;http" in text:  # the address is shown as an address, a link, without its angle brackets
        text = AUTOLINK.sub(r'<a href="\1" rel="external">\1</a>', str(text))
    if seg["status"] == "ok":
        if seg["lang"] == lang:
            return text
        return f'<span lang="{hreflang(seg["lang"])}">{text}</span>'
    return f'<span lang="{hreflang(seg["lang"])}">{text}</span>{_notice(seg, ui)}'


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
        text = f'<span lang="{hreflang(seg["lang"])}">{text}</span>'
    return Markup(f'<a href="{escape(url)}">{text}</a>{_notice(seg, ui)}')


def text_html(seg, ui: dict, lang: str) -> Markup:
    """A segment in the page language, or the Chinese with a visible notice
    when its translation is missing or stale."""
    return Markup(_text(seg, ui, lang))


def _original(b, ui: dict, tag: str = "span") -> str:
    """A block's text as written in Traditional script (its ``original``), labelled 繁体原文, beside its Simplified
    text; nothing when it has none or it reads the same. A table's rows as written: a row a line, cells apart.
    Inside the block's element a ``span``; a ``p`` after a table, and after a heading (not in the words that name
    it in a screen reader's list of headings)."""
    orig = b.get("original")
    if not orig or orig == b.get("zh"):
        return ""
    if b.get("kind") == "table":
        body = "<br>".join(escape(ui["original_cell_sep"].join(r.split("\t"))) for r in orig.split("\n"))
    else:
        body = escape(orig)
    return (f'<{tag} class="original" lang="zh-TW"><span class="label">{escape(ui["traditional_original"])}'
            f'{escape(ui["colon"])}</span>{body}</{tag}>')


def original_html(original: str, zh: str, ui: dict, tag: str = "span") -> Markup:
    """For templates: the same as a block's original (``_original``), of a text shown outside a block (a task on
    its own page, a livelihood item): ``original`` as written, ``zh`` the Simplified text shown."""
    return Markup(_original({"original": original, "zh": zh}, ui, tag))


LEAD_MAX = 40  # a paragraph's opening sentence up to this long is its link to the item it is


def _linked(b, ui: dict, lang: str) -> str:
    """A block that is an item of its own (a work-report topic, a section heading) links to the item's page.
    Headings and titles link whole; running text is not a link: its opening sentence is, when it is short (a
    topic's lead phrase), else a small link after it."""
    if not b.get("url"):
        return _text(b, ui, lang)
    url = escape(b["url"])
    if b["kind"] in ("heading", "title"):
        return f'<a href="{url}">{_text(b, ui, lang)}</a>'
    text = b["text"]
    stop = "。" if b.get("lang", lang) == authoritative() else ". "
    cut = text.find(stop)
    if b.get("status", "ok") == "ok" and not b.get("cites") and 0 < cut < LEAD_MAX:
        end = cut + len(stop.strip())
        lead, rest = text[:end], text[end:]
        attr = f' lang="{hreflang(b["lang"])}"' if b.get("lang", lang) != lang else ""
        return f'<a href="{url}"{attr}>{escape(lead)}</a>{_text({**b, "text": rest}, ui, lang)}'
    return f'{_text(b, ui, lang)} <a class="item-link" href="{url}" aria-label="{_open_label(b, ui)}">→</a>'


def _open_label(b, ui: dict) -> str:
    """The name of a block's → link to its item, for a screen reader's list of links: the theme's words and the
    block's first words (each such link has a name of its own)."""
    text = " ".join(str(b.get("text", "")).split())
    head = text if len(text) <= 48 else text[:47].rstrip() + ui["ellipsis"]
    return escape(f"{ui['open_item']}{ui['colon']}{head}" if head else ui["open_item"])


def block_html(b, ui: dict, lang: str) -> Markup:
    return Markup(_block(b, ui, lang))


def blocks_html(blocks, ui: dict, lang: str, sep: str = "\n") -> Markup:
    """Every block of a list, each followed by ``sep``."""
    return Markup("".join(_block(b, ui, lang) + sep for b in blocks))


def _unanchored(b) -> dict:
    """A block without its anchors: the same passage in the other column must not repeat the ids (its footnote
    markers still link to their notes, without ids of their own)."""
    if b.get("footnote_refs"):
        b = {**b, "footnote_refs": [(a, e, href, None, name) for a, e, href, _, name in b["footnote_refs"]]}
    return {**b, "anchor": None, "marks": None} if b.get("anchor") or b.get("marks") else b


def parallel_html(rows, ui: dict, lang: str) -> Markup:
    """Rows of the side-by-side view: the Chinese block and its English. The column in the page's language
    carries the anchors (ids are unique on a page)."""
    def cell(r, side):
        return _block(r[side] if side == lang else _unanchored(r[side]), ui, lang)

    return Markup("".join(
        '<div class="parallel-row" role="row">\n'
        f'<div class="parallel-zh" role="cell" lang="zh-CN">{cell(r, "zh")}</div>\n'
        f'<div class="parallel-en" role="cell" lang="en">{cell(r, "en")}</div>\n</div>\n'
        for r in rows))


def _marks(b, ui: dict) -> str:
    """The anchors of the provisions that start at a block (empty elements carrying their ids: a block may
    start an article and its first paragraph), and a "link to this" link for the first of them (to the
    article's own page when it has one)."""
    marks = b.get("marks")
    if not marks:
        return ""
    ids = "".join(f'<span class="anchor" id="{escape(m["anchor"])}"></span>' for m in marks)
    first = marks[0]
    href = first["page"] or f'#{first["anchor"]}'
    label = f'{ui["link_to"]} {first["label"]}'.strip()
    amends = next((m["amends"] for m in marks if m.get("amends")), None)
    changed = (f'<a class="amends" href="{escape(amends["url"])}" data-pagefind-ignore>{escape(ui["amends_target"])}'
               f' {escape(amends["label"])}</a>') if amends else ""
    return (f'{ids}<a class="permalink" href="{escape(href)}" aria-label="{escape(label)}" '
            f'title="{escape(label)}" data-pagefind-ignore>{escape(ui["permalink_mark"])}</a>{changed}')


def amended_by_html(changes: list[dict], ui: dict) -> str:
    """The later changes to a provision (views.amended_by), beside it: "Amended by: <the decision, its date and
    the change>", one line per change, each a link to the change on the decision's page."""
    sep = escape(ui["label_title_sep"])
    return "".join(f'<p class="amended-by" data-pagefind-ignore>{escape(ui["amended_by"][c["action"]])}{sep}'
                   f'<a href="{escape(c["url"])}">{escape(c["label"])}</a></p>' for c in changes)


def _block(b, ui: dict, lang: str) -> str:
    if not b.get("marks"):
        return _block_body(b, ui, lang)
    later = "".join(amended_by_html(m["amended_by"], ui) for m in b["marks"] if m.get("amended_by"))
    return _marks(b, ui) + _block_body(b, ui, lang) + later


def _block_body(b, ui: dict, lang: str) -> str:
    kind = b["kind"]
    ident = f' id="{escape(b["anchor"])}"' if b.get("anchor") else ""
    if kind == "heading":
        n = b["level"] + 1 if b["level"] < 5 else 6
        return f'<h{n} class="blk blk-heading"{ident}>{_linked(b, ui, lang)}</h{n}>{_original(b, ui, "p")}'
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
            attr = f' lang="{hreflang(row_lang)}"' if row_lang != lang else ""
            if r.get("status", "ok") != "ok":
                fallback = fallback or r
            out.append(f"<tr{attr}>" + "".join(f"{open_}{escape(c)}</{tag}>" for c in r["cells"]) + "</tr>")
        out.append("</table></div>")
        out.append(_original(b, ui, "p"))  # the rows as written, like a paragraph's original
        if fallback is not None:
            out.append(f'<p class="blk-table-note">{_notice(fallback, ui).strip()}</p>')
        return "".join(out)
    if kind in ("task", "project"):  # the number links to the item's page; the text is not a link
        num, dot, rest = b["text"].partition(". ")
        if dot and num.isdigit():
            body = (f'<a class="num" href="{escape(b["url"])}">{escape(num)}.</a> '
                    f'{_text({**b, "text": rest}, ui, lang)}')
        else:
            body = f'{_text(b, ui, lang)} <a class="item-link" href="{escape(b["url"])}" ' \
                   f'aria-label="{_open_label(b, ui)}">→</a>'
        return f'<p class="blk blk-{kind}"{ident}>{body}{_original(b, ui)}</p>'
    if kind == "units":
        return f'<p class="blk blk-units">{_text(b, ui, lang)}{_original(b, ui)}</p>'

    only_in = b.get("only_in")
    cls = f"blk blk-{escape(kind)}"
    aside = f' <small class="aside">{escape(b["aside"])}</small>' if b.get("aside") else ""
    if b.get("footnote_back"):  # a note: back to the marker calling it, as the editors' notes' footnotes do
        aside += (f' <a class="footnote-backref" href="{escape(b["footnote_back"])}" '
                  f'aria-label="{escape(ui["footnote_back"])}" data-pagefind-ignore>'
                  f'{escape(ui["footnote_back_mark"])}</a>')
    para = f'<p class="{cls}"{ident}>{_linked(b, ui, lang)}{_original(b, ui)}{aside}</p>'
    if only_in:  # a passage only one other publication has: collapsed, named by that publication
        return f'<details class="variant"><summary>{escape(only_in)}</summary>{para}</details>'
    for var in b.get("variants", ()):  # the same passage as another publication words it
        para += (f'<details class="variant"><summary>{escape(var["label"])}</summary>'
                 f'<p class="blk blk-{escape(kind)}">{_text(var["text"], ui, lang)}</p></details>')
    return para


# Chinese characters and the punctuation that goes with them, as one run (a title that falls back to Chinese,
# or names a body whose English the glossary lacks)
_CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+"
                      r"(?:[\s\d.·、，,（）()《》“”]*[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+)*")


def mark_zh(text, lang: str) -> Markup:
    """``text`` escaped, its Chinese runs marked ``lang="zh-CN"`` on a page in another language (a screen reader
    then reads them as Chinese, and the page says which words are not in its language)."""
    if lang == authoritative() or hasattr(text, "__html__"):
        return Markup(escape(text))
    tag = hreflang(authoritative())
    text = str(text)
    out, at = [], 0
    for m in _CJK_RUN.finditer(text):
        out.append(escape(text[at:m.start()]))
        out.append(f'<span lang="{tag}">{escape(m.group(0))}</span>')
        at = m.end()
    out.append(escape(text[at:]))
    return Markup("".join(out))
