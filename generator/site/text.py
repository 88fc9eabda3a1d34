"""Language-aware formatting of dates and numbers, and UI strings."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from .. import SAFE_LOADER


@lru_cache(maxsize=1 << 14)  # a few hundred dates recur on thousands of pages (Babel takes ~20 µs each)
def format_date(iso: str, lang: str) -> str:
    if not iso or not re.match(r"^\d{4}-\d{2}-\d{2}$", iso):
        return iso or ""
    y, m, d = (int(x) for x in iso.split("-"))
    if lang == "zh":
        return f"{y}年{m}月{d}日"
    from babel.dates import format_date as bd
    import datetime

    return bd(datetime.date(y, m, d), format="d MMMM y", locale="en_GB")


def format_number(value: float, lang: str) -> str:
    if value == int(value):
        value = int(value)
    if lang == "zh":
        return str(value)
    from babel.numbers import format_decimal

    return format_decimal(value, locale="en_GB")


@lru_cache(maxsize=8)
def ui_strings(theme_dir: str, lang: str) -> dict:
    p = Path(theme_dir) / "i18n" / f"{lang}.yaml"
    return yaml.load(p.read_text("utf-8"), Loader=SAFE_LOADER) or {}


CLAUSE_END = "，。；：！？,;:!?"
OPENING = {"zh": 28, "en": 90}  # at most this many characters of a text name it in titles and lists


def opening(text: str, lang: str, limit: int | None = None) -> str:
    """The opening of a text that names it in a title or a list: its first clause (up to the first comma,
    full stop, semicolon or colon) when that is short enough, else the text cut at the last clause end or, in
    English, the last word before ``limit``, with an ellipsis. Never cut inside a word."""
    limit = limit or OPENING[lang]
    text = text.strip().lstrip("0123456789.．、 ")
    cut = next((i for i, ch in enumerate(text) if ch in CLAUSE_END), len(text))
    if cut <= limit:
        return text[:cut].rstrip()
    head = text[:limit]
    k = max(head.rfind(ch) for ch in CLAUSE_END)
    if k >= limit // 2:
        return head[:k].rstrip() + "…"
    if lang != "zh":
        head = head.rsplit(" ", 1)[0] if " " in head else head
    return head.rstrip(" ,;:") + "…"
