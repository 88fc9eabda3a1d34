"""Inline SVG charts drawn at build time (no JavaScript), each with a title and
a description for screen readers; colours come from CSS classes so dark mode
and print styles apply.

The charts have no viewBox: one SVG unit is one CSS pixel, so text keeps its
size (13 px labels, 12 px figures) on a phone as on a desktop. Each row is
stacked (label line, then the bar, then its figure), bar lengths are
percentages of the chart's width, and labels are cut to fit the narrowest
screen they are drawn for (a 360 px phone: 328 px inside the page margins),
so nothing needs to scroll sideways."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from html import escape

FIT = 328  # px of text a line may hold: a 360 px wide phone less the page's 1rem margins
LABEL_PX, VALUE_PX = 13, 12  # font sizes, in CSS px (the stylesheet sets the same)


def _svg(height: int, title: str, desc: str, body: str, cls: str) -> str:
    tid = "c" + hashlib.sha1((title + desc).encode("utf-8")).hexdigest()[:10]  # stable across builds
    return (f'<svg class="chart {cls}" width="100%" height="{height}" role="img" '
            f'aria-labelledby="{tid} {tid}d" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{tid}">{escape(title)}</title><desc id="{tid}d">{escape(desc)}</desc>{body}</svg>')


def _em(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch == " ":
        return .32
    if ch.isupper() or ch.isdigit() or ch in "%mwMW":
        return .7
    return .56


def text_width(text: str, px: float) -> float:
    """A generous estimate of the drawn width of ``text`` at ``px`` (CJK and full-width characters one em,
    Latin letters and digits as wide as in DejaVu Sans, the widest common sans)."""
    return sum(_em(ch) for ch in text) * px


def _cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in "WF" for c in text)


def wrap(text: str, px: float, room: float, lines: int = 1) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``room`` px, broken at a space in English (anywhere in
    Chinese); what does not fit is cut with an ellipsis."""
    out = []
    rest = text.strip()
    while rest and len(out) < lines:
        if text_width(rest, px) <= room:
            out.append(rest)
            rest = ""
            break
        last = len(out) == lines - 1
        cut, k = "", 0
        for k, ch in enumerate(rest):
            if text_width(cut + ch + ("…" if last else ""), px) > room:
                break
            cut += ch
        nxt = rest[len(cut):len(cut) + 1]
        if " " in cut and not _cjk(cut) and nxt != " ":
            cut = cut.rsplit(" ", 1)[0]
        elif nxt.isalnum() and nxt.isascii() and cut[-1:].isalnum() and cut[-1:].isascii():  # not inside 12345
            head = cut.rstrip("0123456789.,%" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
            cut = head or cut
        if not last and _cjk(cut) and len(rest) > len(cut):  # a Chinese line ends at a comma if the rest then fits
            k = max(cut.rfind("，"), cut.rfind("；"))
            if k >= 3 and text_width(rest[k + 1:], px) <= room:
                cut = cut[:k + 1]
            elif len(rest) - len(cut) < 4 and text_width(rest, px) <= 2 * room:  # no line of one or two characters
                cut = cut[:len(rest) - 4]
        rest = rest[len(cut):].lstrip()
        out.append(cut.rstrip(" ，、,;；:：") + "…" if last and rest else cut.rstrip())
    return out


def _lang(segment_lang: str, page_lang: str) -> str:
    return ' lang="zh-CN"' if segment_lang == "zh" and page_lang != "zh" else ""


def bar_chart(rows: list[tuple[str, float, str]], title: str, desc: str, *, unit: str = "") -> str:
    """Horizontal bars, each under its label: (label, value, link). The lists next to each chart carry the
    links: an image (role="img") must not hold interactive controls."""
    if not rows:
        return ""
    top = max(v for _, v, _ in rows) or 1
    parts = []
    y = 0
    for label, value, _url in rows:
        pct = 86 * value / top  # of the chart's width; the rest is room for the figure
        lang = ' lang="zh-CN"' if _cjk(label) and title.isascii() else ""  # a name not translated, on an English page
        shown = wrap(label, LABEL_PX, FIT, lines=2)
        tspans = "".join(f'<tspan x="0" y="{y + 14 + 17 * i}">{escape(t)}</tspan>' for i, t in enumerate(shown))
        y += 17 * (len(shown) - 1)
        parts.append(
            f'<text class="chart-label"{lang}>{tspans}</text>'
            f'<rect class="bar" x="0" y="{y + 20}" width="{max(pct, .5):.2f}%" height="12" rx="2"/>'
            f'<text class="chart-value" x="{pct:.2f}%" dx="6" y="{y + 30}">{value:g}{escape(unit)}</text>')
        y += 42
    return _svg(y, title, desc, "".join(parts), "bars")


def short_name(text: str, lang: str) -> str:
    """A task's short name: its first clause (the words before the first comma or full stop), or its first two
    where the first is only a phrase of time or manner ("Every quarter,")."""
    stop = r"[，。；：,;:.!?](?:\s|$)" if lang == "en" else r"[，。；：]"
    clauses = [c.strip() for c in re.split(stop, text.strip()) if c.strip()]
    if not clauses:
        return text.strip()
    first = clauses[0]
    short = len(first.split()) < 3 if lang == "en" else len(first) < 4
    return first + ("，" if lang != "en" else ", ") + clauses[1] if short and len(clauses) > 1 else first


def progress_dashboard(rows: list[dict], lang: str, words: dict) -> str:
    """One block per progress row: its number and short task name, then for each matched figure its indicator
    (the task's clause that sets it), a bar (reported against target, coloured by status; a rate drawn as
    itself with a mark at its target rate) over the figures, and the row's deadline. A row with no figure to
    compare gets no bar, only its status and the words "no figure reported". ``words``: the theme's wording
    (ui ``dashboard``: title, desc, due, none, target, num, sep, item_sep, when) and the as-of line."""
    lines, desc_bits = [], []
    y = 0
    for k, r in enumerate(rows):
        status = "done" if r["done"] else "ongoing"
        task = r["task"]
        name = short_name(task["text"], task.get("lang", lang))
        num = words["num"].format(n=r["number"])
        if k:
            lines.append(f'<line class="rule" x1="0" x2="100%" y1="{y + .5}" y2="{y + .5}"/>')
        y += 8
        indent = text_width(num + " ", LABEL_PX) + 2
        label = wrap(name, LABEL_PX, FIT - indent, lines=2)
        tspans = "".join(f'<tspan x="{indent:.0f}" y="{y + 14 + 17 * i}">{escape(t)}</tspan>' for i, t in enumerate(label))
        lines.append(f'<text class="chart-label" x="0" y="{y + 14}"><tspan class="chart-num">{escape(num)}</tspan>'
                     f'<tspan{_lang(task.get("lang", lang), lang)}>{tspans}</tspan></text>')
        y += 18 + 17 * (len(label) - 1)
        deadline = words["due"].format(date=r["deadline"]) if r.get("deadline") else ""
        bits = []
        for j, p in enumerate(r["pairs"]):
            share = p["unit"] == "%"  # a rate against a target rate: the bar is the rate itself, never a % of a %
            ind = p.get("indicator")
            if ind and ind.get("text"):  # what the bar counts, in the task's words (the page's language)
                for t in wrap(ind["text"], VALUE_PX, FIT, lines=2):
                    lines.append(f'<text class="chart-value chart-indicator" x="0" y="{y + 13}"'
                                 f'{_lang(ind.get("lang", lang), lang)}>{escape(t)}</text>')
                    y += 15
                bits.append(ind["text"])
            ratio = min(p["reported_value"] / 100 if share else p["ratio"], 1.0)
            lines.append(f'<rect class="track" x="0" y="{y + 4}" width="100%" height="10" rx="3"/>')
            lines.append(f'<rect class="bar bar-{status}" x="0" y="{y + 4}" width="{max(ratio * 100, .5):.1f}%" '
                         f'height="10" rx="3"/>')
            if share:  # the target rate: a mark on the track
                lines.append(f'<rect class="bar-over" x="{min(p["target_value"], 100):.1f}%" y="{y + 1}" width="3" '
                             f'height="16" transform="translate(-3 0)"/>')
            elif p["ratio"] > 1:  # more than the target: a mark at the end of the track
                lines.append(f'<rect class="bar-over" x="100%" y="{y + 1}" width="4" height="16" '
                             f'transform="translate(-4 0)"/>')
            txt = (words["rate"].format(reported=p["reported"], target=p["target"]) if share
                   else words["share"].format(reported=p["reported"], target=p["target"], pct=round(p["ratio"] * 100)))
            bits.append(txt)
            lines.append(f'<text class="chart-value" x="0" y="{y + 30}">{escape(txt)}</text>')
            if j == 0 and deadline:
                lines.append(f'<text class="chart-value" x="100%" y="{y + 30}" text-anchor="end">{escape(deadline)}</text>')
            y += 36
        if not r["pairs"]:
            txt = words["none"].format(status=r["status"]["text"])
            bits.append(txt)
            lines.append(f'<text class="chart-value chart-none" x="0" y="{y + 14}">{escape(txt)}</text>')
            if deadline:
                lines.append(f'<text class="chart-value" x="100%" y="{y + 14}" text-anchor="end">{escape(deadline)}</text>')
            y += 22
        when = words["when"].format(deadline=deadline) if deadline else ""
        desc_bits.append(f"{num} {name}{words['colon']}{words['item_sep'].join(bits)}{when}")
    title = words["title"] + (words["colon"] + words["as_of"] if words.get("as_of") else "")
    desc = words["desc"] + words["sep"].join(desc_bits)
    return _svg(y + 4, title, desc, "".join(lines), "dashboard")
