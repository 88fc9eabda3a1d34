"""Inline SVG charts drawn at build time (no JavaScript), each with a title and
a description for screen readers; colours come from CSS classes so dark mode
and print styles apply."""
from __future__ import annotations

import hashlib
from html import escape


def _svg(width: int, height: int, title: str, desc: str, body: str, cls: str) -> str:
    tid = "c" + hashlib.sha1((title + desc).encode("utf-8")).hexdigest()[:10]  # stable across builds
    return (f'<svg class="chart {cls}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{tid} {tid}d" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{tid}">{escape(title)}</title><desc id="{tid}d">{escape(desc)}</desc>{body}</svg>')


def bar_chart(rows: list[tuple[str, float, str]], title: str, desc: str, *, unit: str = "") -> str:
    """Horizontal bars: (label, value, link)."""
    if not rows:
        return ""
    wide = any(label.isascii() for label, _, _ in rows)  # English names are long
    width, label_w, row_h = (820, 430, 22) if wide else (640, 250, 22)
    cut = 60 if wide else 22
    top = max(v for _, v, _ in rows) or 1
    height = row_h * len(rows) + 8
    parts = []
    for i, (label, value, url) in enumerate(rows):
        y = 4 + i * row_h
        w = max(2.0, (width - label_w - 60) * value / top)
        text = escape(label if len(label) <= cut else label[:cut - 1] + "…")
        # no links inside: an image (role="img") must not hold interactive controls; the
        # lists next to each chart carry the links
        link_open = link_close = ""
        parts.append(
            f'{link_open}<text class="chart-label" x="{label_w - 8}" y="{y + 15}" text-anchor="end">{text}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" rx="2"/>'
            f'<text class="chart-value" x="{label_w + w + 6:.1f}" y="{y + 15}">{value:g}{escape(unit)}</text>{link_close}')
    return _svg(width, height, title, desc, "".join(parts), "bars")


def progress_dashboard(rows: list[dict], lang: str) -> str:
    """One line per progress row: reported against target for each matched figure, status colour, deadline."""
    width, label_w, row_h = 720, 64, 30
    lines = []
    y = 4
    desc_bits = []
    for r in rows:
        pairs = r["pairs"] or [None]
        for j, p in enumerate(pairs):
            status = "done" if r["done"] else "ongoing"
            label = f"{r['number']}" if j == 0 else ""
            lines.append(f'<text class="chart-label" x="{label_w - 10}" y="{y + 19}" text-anchor="end">{escape(label)}</text>')
            track_w = width - label_w - 250
            lines.append(f'<rect class="track" x="{label_w}" y="{y + 7}" width="{track_w}" height="14" rx="3"/>')
            if p:
                ratio = min(p["ratio"], 1.5)
                w = track_w * min(ratio, 1.0)
                lines.append(f'<rect class="bar bar-{status}" x="{label_w}" y="{y + 7}" width="{w:.1f}" height="14" rx="3"/>')
                if ratio > 1:
                    lines.append(f'<rect class="bar-over" x="{label_w + track_w - 4}" y="{y + 5}" width="4" height="18"/>')
                txt = f"{p['reported']} / {p['target']} ({p['ratio'] * 100:.0f}%)"
                desc_bits.append(f"{r['number']}: {txt}")
            else:
                lines.append(f'<rect class="bar bar-{status} bar-unknown" x="{label_w}" y="{y + 7}" width="{track_w}" height="14" rx="3"/>')
                txt = r["status"]["text"]
                desc_bits.append(f"{r['number']}: {txt}")
            lines.append(f'<text class="chart-value" x="{label_w + track_w + 8}" y="{y + 19}">{escape(txt)}</text>')
            y += row_h
    height = y + 6
    title = "进展仪表盘：已报告数与目标数" if lang == "zh" else "Dashboard: reported figures against targets"
    desc = ("每行一项民生实事；条形长度为已报告数占目标数的比例，颜色表示任务进度。" if lang == "zh"
            else "One line per livelihood project; bar length is the reported figure as a share of the target, "
                 "colour shows the status. ") + "; ".join(desc_bits)
    return _svg(width, height, title, desc, "".join(lines), "dashboard")
