"""Romanisation of document numbers, the way the gazette's English table of
contents does it: the issuing-office prefix in toneless pinyin written as one
capitalised word, then the year and the serial number.

    京政发〔2026〕1号     -> Jingzhengfa[2026] No. 1
    京商流通字〔2026〕2号 -> Jingshangliutongzi[2026] No. 2

The gazette itself mixes ``[2026]No. 1`` and ``〔2026〕No. 4``; this site uses
one style, ``Word[YYYY] No. N``. Slugs for URLs: ``jingzhengfa-2026-1``.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..fileio import replace_file
from ..errors import fail

NUMBER_RE = re.compile(r"^\s*([\u4e00-\u9fff]+?)\s*[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(\d+)\s*[号號]\s*$")


_WORDS: dict[str, str] = {}  # issuing-office prefix -> its pinyin word
_SLUG_WORDS: dict[str, str] = {}  # prefix -> its word in addresses, where its toneless word is another prefix's too


def pinyin_word(chinese: str) -> str:
    word = _WORDS.get(chinese)
    if word is None:
        from pypinyin import Style, lazy_pinyin

        word = _WORDS[chinese] = "".join(lazy_pinyin(chinese, style=Style.NORMAL, errors="ignore"))
    return word


def learn_number(number: str, slug: str) -> None:
    """Remember the pinyin word of ``number``'s prefix from the slug a parse made of it (``number_slug``),
    so that a build whose sources all come from the parse cache names documents without pypinyin."""
    parts = parse_number(number)
    word = slug.rsplit("-", 2)[0] if slug.count("-") >= 2 else ""
    if parts and word and parts[0] not in _WORDS:
        _WORDS[parts[0]] = word


def parse_number(number: str) -> tuple[str, int, int] | None:
    m = NUMBER_RE.match(number)
    if not m:
        return None
    return m.group(1), int(m.group(2)), int(m.group(3))


def romanize_number(number: str) -> str:
    parts = parse_number(number)
    if not parts:
        raise fail("<document number>", None, f"cannot romanise {number!r}", "a number like 京政发〔2026〕1号")
    prefix, year, serial = parts
    word = pinyin_word(prefix)
    return f"{word[:1].upper()}{word[1:]}[{year}] No. {serial}"


def number_slug(number: str) -> str:
    parts = parse_number(number)
    if not parts:
        raise fail("<document number>", None, f"cannot make a URL slug of {number!r}", "a number like 京政发〔2026〕1号")
    prefix, year, serial = parts
    return f"{(_SLUG_WORDS.get(prefix) or pinyin_word(prefix)).lower()}-{year}-{serial}"


def tell_apart_words() -> list[tuple[str, str]]:
    """The prefixes written with tone numbers in addresses since the last ``tell_apart``, sorted."""
    return sorted(_SLUG_WORDS.items())


def tell_apart(first: dict) -> dict[str, str]:
    """Issuing-office prefixes whose toneless words are the same (京教发 and 京交发: jingjiaofa) would give their
    documents one address (jingjiaofa-2027-3). ``first``: each prefix -> when its first document came out (a
    sortable key: its date and number). The prefix that came out first keeps the toneless word, so that the
    addresses it has had do not change when a prefix alike arrives; each later one is written in addresses
    with its tone numbers (jing1jiao1fa1; if those are alike too, with a digest of the prefix). The English
    number keeps the toneless word, as the gazette writes it. Returns {prefix: its word in addresses} for the
    prefixes so written (none, usually); the choice holds for this process until the next call."""
    import hashlib

    by_word: dict[str, list[str]] = {}
    for prefix in sorted(first, key=lambda p: (first[p], p)):
        by_word.setdefault(pinyin_word(prefix).lower(), []).append(prefix)
    _SLUG_WORDS.clear()
    for alike in (ps[1:] for ps in by_word.values() if len(ps) > 1):
        toned = {p: toned_pinyin(p) for p in alike}
        for p in alike:
            same = sum(1 for q in alike if toned[q] == toned[p]) > 1
            _SLUG_WORDS[p] = toned[p] + (hashlib.sha1(p.encode()).hexdigest()[:4] if same else "")
    return dict(_SLUG_WORDS)


def toned_pinyin(text: str, sep: str = "") -> str:
    """``text`` in pinyin with tone numbers, lowercased (市水务局: shi4shui3wu4ju2): a name in an address where its
    toneless pinyin is another name's too."""
    from pypinyin import Style, lazy_pinyin

    return sep.join(lazy_pinyin(text, style=Style.TONE3, errors="ignore")).lower()


_SLUGS: dict[str, str] = {}  # name -> slug, kept between builds (see pinyin_memo)


def pinyin_memo(path: Path, version: str):
    """Context manager: department slugs (``slugify_zh``) and issuing-office words (``pinyin_word``)
    read from ``path`` before and written back after when new ones were made, so that a build whose
    names are all known does not start pypinyin and load its phrase dictionary (bench/README.md).
    ``version`` (the readers' code and pypinyin's version) invalidates the file."""
    import contextlib
    import json

    @contextlib.contextmanager
    def memo():
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("version") == version:
                _SLUGS.update(data.get("slugs", {}))
                _WORDS.update(data.get("words", {}))
        except (OSError, ValueError):
            pass
        before = (len(_SLUGS), len(_WORDS))
        yield
        if (len(_SLUGS), len(_WORDS)) != before:
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, json.dumps({"version": version, "slugs": _SLUGS, "words": _WORDS}, ensure_ascii=False,
                                          sort_keys=True).encode("utf-8"))

    return memo()


def slugify_zh(text: str) -> str:
    """URL slug for a Chinese name: toneless pinyin syllables joined by hyphens."""
    slug = _SLUGS.get(text)
    if slug is None:
        slug = _SLUGS[text] = _slugify_zh(text)
    return slug


MAX_SLUG = 100  # characters: a part of an address (a folder name) stays far below the file systems' 255 bytes


def _slugify_zh(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    out = []
    for syl in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: [c for c in s if c.isalnum()]):
        syl = re.sub(r"[^a-z0-9]", "", syl.lower())
        if syl:
            out.append(syl)
    return cut_slug("-".join(out))


def cut_slug(slug: str, limit: int = MAX_SLUG) -> str:
    """``slug`` cut at its last hyphen within ``limit`` characters when it is longer (a very long title)."""
    if len(slug) <= limit:
        return slug
    head = slug[:limit + 1]
    return (head.rsplit("-", 1)[0] if "-" in head else slug[:limit]).rstrip("-")


def romanized_word(number_en: str) -> str:
    """The romanised word of an English number as printed: 'Jingzhengfa[2026]No. 1' -> 'Jingzhengfa'."""
    m = re.match(r"\s*([A-Za-z]+)", number_en)
    return m.group(1) if m else ""
