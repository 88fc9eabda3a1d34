"""Inline SVG charts drawn at build time (no JavaScript), each with a title and
a description for screen readers; colours come from CSS classes so dark mode
and print styles apply.

This module computes the charts' geometry and hands the templates ready chart
objects (plain dicts: positions, the lines of each label, the texts already
worded from the theme's i18n strings); the markup is the theme's
(``templates/_charts.html``), and so are the sizes of the shapes (a bar is 12 px
high, a dashboard track 10 px) the positions here leave room for.

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
from functools import lru_cache

from ..normalize import CJK_RE

FIT = 328  # px of text a line may hold: a 360 px wide phone less the page's 1rem margins
LABEL_PX, VALUE_PX = 13, 12  # font sizes, in CSS px (the stylesheet sets the same)


def _chart(kind: str, height: float, title: str, desc: str, rows: list[dict]) -> dict:
    """The chart object a template draws: ``kind`` is its CSS class (bars, dashboard); its id is derived from
    its words, so it is stable across builds and unique on a page whose charts say different things."""
    tid = "c" + hashlib.sha1((title + desc).encode("utf-8")).hexdigest()[:10]
    return {"kind": kind, "id": tid, "height": height, "title": title, "desc": desc, "rows": rows}


@lru_cache(maxsize=4096)  # a character's width: asked for each character of every label measured
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
    return sum(map(_em, text)) * px


def _cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in "WF" for c in text)


def wrap(text: str, px: float, room: float, lines: int, mark: str) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``room`` px, broken at a space in English (anywhere in
    Chinese); what does not fit is cut with ``mark`` (the theme's ellipsis). A figure stays with the Chinese
    after it (1.8万人次) unless only a break between them lets the whole text fit."""
    out, cut_short = _wrap(text, px, room, lines, mark, True)
    if cut_short:
        loose, loose_cut_short = _wrap(text, px, room, lines, mark, False)
        if not loose_cut_short:
            return loose
    return out


def _wrap(text: str, px: float, room: float, lines: int, mark: str, units: bool) -> tuple[list[str], bool]:
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
        if not last and _cjk(cut) and len(rest) > len(cut):  # a Chinese line ends at a comma if the rest then fits
            k = max(cut.rfind("，"), cut.rfind("；"))
            if k >= 3 and text_width(rest[k + 1:], px) <= room:
                cut = cut[:k + 1]
            elif len(rest) - len(cut) < 4 and text_width(rest, px) <= 2 * room:  # no line of one or two characters
                cut = cut[:len(rest) - 4]
        cut = _whole_numbers(cut, rest[len(cut):len(cut) + 1], units)
        rest = rest[len(cut):].lstrip()
        out.append(cut.rstrip(" ，、,;；:：") + mark if last and rest else cut.rstrip())
    return out, bool(rest)


_FIGURE = "0123456789.,%"
_NUMBER_PART = _FIGURE + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _whole_numbers(cut: str, nxt: str, units: bool = True) -> str:
    """``cut`` (a line) ended before a figure or Latin word it would split (12|345, 1|.8万, 70|%), or between a
    figure and the Chinese after it, its unit or measure word (1.8|万人次, 2026|年): the figure goes to the next
    line whole. A line that is nothing but the figure is kept as it is."""
    if cut and nxt and nxt.isascii() and nxt in _NUMBER_PART and cut[-1] in _NUMBER_PART:
        return cut.rstrip(_NUMBER_PART) or cut
    if units and cut[-1:].isdigit() and CJK_RE.match(nxt):
        return cut.rstrip(_FIGURE) or cut
    return cut


def _lang(segment_lang: str, page_lang: str) -> str:
    """The lang attribute a piece of text needs on the page: a Chinese passage (a name or task not translated)
    on a page of another language is marked, so screen readers and fonts treat it as Chinese."""
    return "zh-CN" if segment_lang == "zh" and page_lang != "zh" else ""


def _lines(text: str, px: float, room: float, lines: int, y: float, step: int, mark: str) -> list[dict]:
    return [{"y": y + step * i, "text": t} for i, t in enumerate(wrap(text, px, room, lines, mark))]


def bar_chart(rows: list[tuple[str, float]], lang: str, title: str, item: str, sep: str,
              mark: str) -> dict | None:
    """Horizontal bars, each under its label: (label, value) rows, for a page in ``lang``. ``title`` is the
    chart's title; its description lists every row as ``item`` (the theme's wording, with {label} and {n})
    joined by ``sep``; a label too long is cut with ``mark``. The lists next to each chart carry the links: an image (role="img") must not hold
    interactive controls. None when there is nothing to draw."""
    if not rows:
        return None
    top = max(v for _, v in rows) or 1
    out = []
    y = 0
    for label, value in rows:
        pct = 86 * value / top  # of the chart's width; the rest is room for the figure
        shown = _lines(label, LABEL_PX, FIT, 2, y + 14, 17, mark)
        y += 17 * (len(shown) - 1)
        out.append({"label": shown, "lang": _lang("zh" if _cjk(label) else lang, lang),
                    "bar_y": y + 20, "bar_width": f"{max(pct, .5):.2f}", "value_x": f"{pct:.2f}", "value_y": y + 30,
                    "value": f"{value:g}"})
        y += 42
    desc = sep.join(item.format(label=label, n=f"{value:g}") for label, value in rows)
    return _chart("bars", y, title, desc, out)


def short_name(text: str, lang: str) -> str:
    """A task's short name: its first clause (the words before the first comma or full stop), or its first two
    where the first is only a phrase of time or manner ("Every quarter,"), as the task writes them."""
    text = text.strip()
    stop = re.compile(r"[，。；：,;:.!?](?:\s|$)" if lang == "en" else r"[，。；：]")
    ends = [m for m in stop.finditer(text) if text[:m.start()].strip()]  # a clause is never empty
    if not ends:
        return text
    first = text[:ends[0].start()].strip()
    short = len(first.split()) < 3 if lang == "en" else len(first) < 4
    if not short or not text[ends[0].end():].strip():
        return first
    return text[:ends[1].start()].strip() if len(ends) > 1 else text


def progress_dashboard(rows: list[dict], lang: str, words: dict) -> dict:
    """One block per progress row: its number and short task name, then for each matched figure its indicator
    (the task's clause that sets it), a bar (reported against target, coloured by status; a rate drawn as
    itself with a mark at its target rate) over the figures, and the row's deadline. A row with no figure to
    compare gets no bar, only its status and the words "no figure reported". ``words``: the theme's wording
    (ui ``dashboard``: title, desc, due, none, target, num, sep, item_sep, when, gap), the colon, the ellipsis and
    the as-of line."""
    out, desc_bits = [], []
    y = 0
    for k, r in enumerate(rows):
        task = r["task"]
        name = short_name(task["text"], task.get("lang", lang))
        num = words["num"].format(n=r["number"])
        row = {"status": "done" if r["done"] else "ongoing", "rule_y": y + .5 if k else None, "num": num}
        y += 8
        indent = text_width(num + words["gap"], LABEL_PX) + 2
        row.update(label_y=y + 14, indent=f"{indent:.0f}", lang=_lang(task.get("lang", lang), lang),
                   label=_lines(name, LABEL_PX, FIT - indent, 2, y + 14, 17, words["ellipsis"]))
        y += 18 + 17 * (len(row["label"]) - 1)
        deadline = words["due"].format(date=r["deadline"]) if r.get("deadline") else ""
        bits, figures = [], []
        for j, p in enumerate(r["pairs"]):
            share = p["unit"] == "%"  # a rate against a target rate: the bar is the rate itself, never a % of a %
            fig = {"indicator": [], "indicator_lang": ""}
            ind = p.get("indicator")
            if ind and ind.get("text"):  # what the bar counts, in the task's words (the page's language)
                fig["indicator"] = _lines(ind["text"], VALUE_PX, FIT, 2, y + 13, 15, words["ellipsis"])
                fig["indicator_lang"] = _lang(ind.get("lang", lang), lang)
                y += 15 * len(fig["indicator"])
                bits.append(ind["text"])
            ratio = min(p["reported_value"] / 100 if share else p["ratio"], 1.0)
            fig.update(track_y=y + 4, bar_width=f"{max(ratio * 100, .5):.1f}", over=None)
            if share:  # the target rate: a mark on the track
                fig["over"] = {"x": f"{min(p['target_value'], 100):.1f}", "y": y + 1, "w": 3}
            elif p["ratio"] > 1:  # more than the target: a mark at the end of the track
                fig["over"] = {"x": "100", "y": y + 1, "w": 4}
            fig["value"] = (words["rate"].format(reported=p["reported"], target=p["target"]) if share
                            else words["share"].format(reported=p["reported"], target=p["target"],
                                                       pct=round(p["ratio"] * 100)))
            bits.append(fig["value"])
            fig.update(value_y=y + 30, deadline=deadline if j == 0 else "")
            figures.append(fig)
            y += 36
        row.update(figures=figures, none=None)
        if not r["pairs"]:
            row["none"] = {"y": y + 14, "text": words["none"].format(status=r["status"]["text"]), "deadline": deadline}
            bits.append(row["none"]["text"])
            y += 22
        out.append(row)
        when = words["when"].format(deadline=deadline) if deadline else ""
        desc_bits.append(f"{num}{words['gap']}{name}{words['colon']}{words['item_sep'].join(bits)}{when}")
    title = words["title"] + (words["colon"] + words["as_of"] if words.get("as_of") else "")
    desc = words["desc"] + words["sep"].join(desc_bits)
    return _chart("dashboard", y + 4, title, desc, out)
