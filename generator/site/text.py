"""Language-aware formatting of dates and numbers, and UI strings."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import Problem, SourceError
from ..paths import THEMES


@lru_cache(maxsize=1 << 14)  # a few hundred dates recur on thousands of pages, and Babel formats each anew
def format_date(iso: str, lang: str, pattern: str = "long") -> str:
    """An ISO date as a reader of ``lang`` writes it: ``pattern`` is the theme's ``date_format`` (a CLDR date
    pattern such as ``y年M月d日``, or one of Babel's names: long, medium …), in the language's locale."""
    if not iso or not re.match(r"^\d{4}-\d{2}-\d{2}$", iso):
        return iso or ""
    y, m, d = (int(x) for x in iso.split("-"))
    from babel.dates import format_date as bd
    import datetime

    return bd(datetime.date(y, m, d), format=pattern, locale=_locale(lang))


def format_number(value: float, lang: str) -> str:
    if value == int(value):
        value = int(value)
    if lang == "zh":
        return str(value)
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(lang))


BABEL_LOCALES = {"en": "en_GB"}  # the locale whose conventions a language's dates and figures follow


@lru_cache(maxsize=16)
def _locale(lang: str) -> str:
    """Babel's locale for a language code: British English for en, else the code's own (fr …), else en_GB."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(BABEL_LOCALES.get(lang, lang)))
    except (UnknownLocaleError, ValueError):
        return "en_GB"


class MissingString(SourceError, KeyError):
    """A UI string the theme lacks: a user error naming the file (in Python code), and a KeyError for Jinja,
    which then reports the template and line that asked for it."""

    def __str__(self) -> str:
        return SourceError.__str__(self)


class UiStrings(dict):
    """A language's UI strings; a missing one is an error naming the theme's file, not a KeyError."""

    file = ""

    def __missing__(self, key):
        raise MissingString(Problem(self.file, None, f"the theme has no string {key!r}",
                                    f"a line {key}: … in {self.file}"))


UI_EXPECTED = "UI strings: key: text lines (or a key with a list of texts or a mapping of key: text)"


def _read_ui(path: Path, rel: str):
    from ..fileio import read_text
    from ..yamlfile import Shape, parse_yaml

    if not path.exists() and not path.is_symlink():
        raise SourceError(Problem(rel, None, "the theme's UI strings are missing", UI_EXPECTED))
    doc = parse_yaml(read_text(path, rel, UI_EXPECTED), rel, UI_EXPECTED)
    shape = Shape(doc, rel)
    data = shape.mapping({} if doc.data is None else doc.data, (), UI_EXPECTED)
    shape.done()
    def check(value, at):  # a text, a list of texts, or a mapping of these (the API's example groups)
        if isinstance(value, dict):
            for k, v in value.items():
                check(v, (*at, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                shape.text(v, (*at, i), "a text", empty=True)
        else:
            shape.text(value, at, "a text, a list of texts, or a mapping of key: text", empty=True)

    for key, value in data.items():
        if not isinstance(key, str):
            shape.error((key,), f"key {key!r} is not a text", "a name such as home or search_placeholder")
        else:
            check(value, (key,))
    shape.done()
    return doc, data


def _stamp(theme_dir: str) -> tuple:
    """The UI files' sizes and times: ``load_ui`` reads them again when they change (``serve``)."""
    out = []
    for p in sorted((Path(theme_dir) / "i18n").glob("*.yaml")):
        try:
            st = p.stat()
            out.append((p.name, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((p.name, None, None))
    return tuple(out)


def load_ui(theme_dir: str, codes: tuple | None = None) -> dict:
    """Language code -> its UI strings, for the languages ``codes`` (the configuration's, in its order; None:
    every language the theme has a file for)."""
    if codes is None:
        codes = tuple(sorted(p.stem for p in (Path(theme_dir) / "i18n").glob("*.yaml")))
    return _load_ui(str(theme_dir), tuple(codes), _stamp(str(theme_dir)))


@lru_cache(maxsize=4)
def _load_ui(theme_dir: str, LANGS: tuple, stamp: tuple) -> dict:
    """The UI strings of every language (themes/<name>/i18n/<code>.yaml), checked: a mapping of texts (or of
    mappings of texts), and the same keys in every file, so a string deleted from one language is an error
    naming both files instead of a page that breaks later."""
    theme_dir = Path(theme_dir)
    base = f"{THEMES}/{theme_dir.name}/i18n"
    problems, docs = [], {}
    for lang in LANGS:
        try:
            docs[lang] = _read_ui(theme_dir / "i18n" / f"{lang}.yaml", f"{base}/{lang}.yaml")
        except SourceError as e:
            problems.extend(e.problems)
    if problems:
        raise SourceError(problems)
    for lang in LANGS:
        for other in LANGS:
            doc, data = docs[other]
            for key in data:
                if key not in docs[lang][1]:
                    problems.append(Problem(f"{base}/{lang}.yaml", None, f"no string {key!r} (it is in "
                                            f"{base}/{other}.yaml:{doc.line(key)})",
                                            "every key of the UI strings in every language"))
    if not problems:  # a key holds the same shape in every language: a text, a list, or a mapping
        first = LANGS[0]
        for lang in LANGS[1:]:
            problems.extend(_shape_problems(docs[first], docs[lang], (), f"{base}/{first}.yaml",
                                            f"{base}/{lang}.yaml"))
    if problems:
        raise SourceError(problems)
    out = {}
    for lang in LANGS:
        out[lang] = UiStrings(docs[lang][1])
        out[lang].file = f"{base}/{lang}.yaml"
    return out


_SHAPES = {dict: "a mapping", list: "a list", str: "a text"}


def _shape_problems(ref, other, at: tuple, ref_file: str, other_file: str) -> list:
    """Where ``other`` (doc, data) holds a value of another shape than ``ref`` at the same key (nested
    mappings compared key by key): ``home: [Home]`` in one language where the other has a text."""
    (ref_doc, ref_data), (doc, data) = ref, other
    out = []
    for key, value in data.items():
        if key not in ref_data:
            continue
        want, got = type(ref_data[key]), type(value)
        path = (*at, key)
        name = ".".join(str(k) for k in path)
        if _SHAPES.get(want) != _SHAPES.get(got):
            out.append(Problem(other_file, doc.line(*path), f"{name} is {_SHAPES.get(got, got.__name__)}",
                               f"{_SHAPES.get(want, want.__name__)}, as in {ref_file}:{ref_doc.line(*path)}"))
        elif want is dict:
            out.extend(_shape_problems((ref_doc, ref_data[key]), (doc, value), path, ref_file, other_file))
    return out


def ui_strings(theme_dir: str, lang: str, codes: tuple | None = None) -> dict:
    return load_ui(str(theme_dir), codes)[lang]


CLAUSE_END = "，。；：！？,;:!?"
OPENING = {"zh": 28, "en": 90}  # at most this many characters of a text name it in titles and lists


def opening(text: str, lang: str, limit: int | None = None, *, mark: str) -> str:
    """The opening of a text that names it in a title or a list: its first clause (up to the first comma,
    full stop, semicolon or colon) when that is short enough, else the text cut at the last clause end or, in
    English, the last word before ``limit``, with ``mark`` (the theme's ellipsis). Never cut inside a word."""
    limit = limit or OPENING.get(lang, OPENING["en"])  # a language written in words: as English
    text = text.strip().lstrip("0123456789.．、 ")
    # the clause ends up to ``limit`` decide (a first one further on is cut like no end at all): a long passage is
    # not scanned to its end
    ends = [i for i in range(min(len(text), limit + 1)) if _clause_end(text, i)]
    cut = ends[0] if ends else len(text)
    if cut <= limit:
        return text[:cut].rstrip()
    k = max((i for i in ends if i < limit), default=-1)
    if k >= limit // 2:
        return text[:k].rstrip() + mark
    head, closing = text[:limit], ""
    if lang != "zh" and " " in head and text[limit:limit + 1] not in ("", " "):
        head = head.rsplit(" ", 1)[0]
    elif lang == "zh":
        cut, closing = _whole_cut(text, limit)
        head = text[:cut]
    return head.rstrip(" ,;:.") + mark + closing


_OPENERS = {"《": "》", "（": "）", "(": ")", "“": "”", "〈": "〉", "【": "】"}
_FIGURE = re.compile(r"[0-9０-９.．年月日号]")


def _whole_cut(text: str, limit: int) -> tuple[int, str]:
    """Where a Chinese text cut at about ``limit`` characters is cut so as not to break a parenthesis, a quotation
    or a title inside it (before the first one still open that leaves at least half the limit) or a date or figure
    (before it), and the closing marks of those still open where it is cut (a title cut short is still closed:
    原则同意《北京经济技术开发区部分区域控制性详细规划…》, not …规划（…; 6月24日至…, not 6月24日至6月26…)."""
    stack: list[int] = []
    for i, ch in enumerate(text[:limit]):
        if ch in _OPENERS:
            stack.append(i)
        elif stack and ch == _OPENERS[text[stack[-1]]]:
            stack.pop()
    cut = next((j for j in stack if j >= limit // 2), limit)
    k = cut
    while 0 < k < len(text) and _FIGURE.match(text[k]) and _FIGURE.match(text[k - 1]):
        k -= 1
    cut = k if k >= limit // 2 else cut
    return cut, "".join(_OPENERS[text[j]] for j in reversed(stack) if j < cut)


def _clause_end(text: str, i: int) -> bool:
    """Does a clause end at text[i]? A Chinese mark always; a Latin one (, ; : ! ? and a full stop) only before a
    space or the end: 5,000 and 3.5 are figures, not two clauses."""
    ch = text[i]
    if ch in "，。；：！？":
        return True
    if ch in ",;:!?.":
        if not (i + 1 == len(text) or text[i + 1] == " "):
            return False
        if ch == ".":  # not after an enumerator or an abbreviation: "I. Adhere", "No. 1", "e.g. this"
            word = text[:i].rsplit(" ", 1)[-1]
            return not NOT_A_SENTENCE.match(word)
        return True
    return False


NOT_A_SENTENCE = re.compile(r"^(?:[IVXLC]+|\d+|[A-Za-z]|No|Nos|Art|Arts|para|paras|e\.g|i\.e|etc|Mr|Ms|Dr|St|vs)$")


SENTENCE_END = "。；！？;!?"
SUMMARY = {"zh": 110, "en": 200}  # a page's meta description: at most this many characters


def summary(text: str, lang: str, limit: int | None = None, *, mark: str) -> str:
    """A passage cut short enough for a meta description or a search snippet: whole sentences while they
    fit, else cut at the last clause end (or, in English, the last word) before ``limit``, with ``mark``.
    Never cut inside a word."""
    limit = limit or SUMMARY.get(lang, SUMMARY["en"])
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [i for i in range(len(head)) if _clause_end(text, i)]
    k = max((i for i in ends if head[i] in SENTENCE_END + "."), default=-1)
    if k >= limit // 2:
        return head[:k + 1]
    k = max(ends, default=-1)
    if k >= limit // 2:
        return head[:k].rstrip() + mark
    if lang != "zh" and " " in head and text[limit:limit + 1] not in ("", " "):
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.") + mark
