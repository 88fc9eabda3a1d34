"""``python -m generator new-note --ref task/2026/20``: scaffold an editor's note.

The note is titled with the item's name in the note's language (for an item with a text of its own, a task, a
livelihood sub-item or a progress row, its name and the opening of its text), signed with the theme's
``note_author`` string of that language, and its body is a placeholder line that the notes reader refuses
(``notes.PLACEHOLDER``), so the note cannot be published before it is written."""
from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from .errors import Problem, SourceError
from .paths import THEMES
from .notes import NOTES_DIR, PLACEHOLDER

def _q(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one): quotes and backslashes in a title stay valid."""
    return json.dumps(text, ensure_ascii=False)


def _ui(config, ui: dict, lang: str, key: str) -> str:
    value = ui[lang].get(key)
    if not isinstance(value, str) or not value:
        raise SourceError(Problem(f"{THEMES}/{config.theme}/i18n/{lang}.yaml", None, f"no {key!r} string",
                                  f"{key}: a text, as in the default theme"))
    return value


def item_name(views, ref: str, lang: str) -> str:
    """What a note about ``ref`` is called by default: the item's title in the note's language (an item with a
    text of its own is titled by its number and the opening of that text)."""
    return views.title(ref, lang)


def new_note(root: Path, ref: str, lang: str = "zh", title: str | None = None, author: str | None = None,
             today: datetime.date | None = None) -> int:
    from .build import load_all
    from .link.overrides import known_ids
    from .site.pages import ViewContext
    from .site.text import ui_strings
    from .yamlfile import UNWRITABLE

    for flag, value in (("--title", title), ("--author", author)):
        bad = UNWRITABLE.search(value or "")
        if bad:  # a control character, or bytes of the command line that are not UTF-8
            raise SourceError(Problem(flag, None, f"has the character U+{ord(bad.group()):04X}, which a page "
                                      "cannot show", "a text in UTF-8 without control characters"))
    config, glossary, corpus, translators, _ = load_all(root, notes=False)
    if ref not in known_ids(corpus):
        raise SourceError(Problem("--ref", None, f"unknown reference {ref!r}",
                                  "an id such as task/2026/20, livelihood/2026/7 or doc:京政发〔2026〕1号"))
    ui = {lg: ui_strings(str(config.theme_dir), lg, config.codes) for lg in config.codes}
    if lang not in ui:
        raise SourceError(Problem("--lang", None, f"{lang!r} is not a language of the site",
                                  "one of " + ", ".join(config.codes) + " (content/site.yaml, languages)"))
    views = ViewContext(corpus, translators, glossary, ui, config.languages)
    title = title or item_name(views, ref, lang)
    author = author or _ui(config, ui, lang, "note_author")
    placeholder = _ui(config, ui, lang, "note_placeholder").format(ref=ref)
    today = today or datetime.date.today()
    slug = re.sub(r"[^a-z0-9]+", "-", ref.lower()).strip("-") or "note"
    if ref.startswith("doc:"):
        from .i18n.romanize import number_slug
        slug = "doc-" + number_slug(ref[4:])
    d = root / NOTES_DIR
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{today.isoformat()}-{slug}-{lang}.md"
    # the same key for the zh and the en note made the same day on the same item: they are each other's translation
    key = f"{today.isoformat()}-{slug}"
    n = 2
    while path.exists():
        path = d / f"{today.isoformat()}-{slug}-{lang}-{n}.md"
        key = f"{today.isoformat()}-{slug}-{n}"
        n += 1
    from .fileio import atomic_write

    atomic_write(
        path,
        "---\n"
        f"title: {_q(title)}\n"
        f"lang: {lang}\n"
        f"date: {today.isoformat()}\n"
        f"author: {_q(author)}\n"
        f"refs: [{_q(ref)}]\n"
        "tags: []\n"
        f"translation_key: {_q(key)}\n"
        "---\n\n"
        f"{PLACEHOLDER} {placeholder} -->\n")
    print(path.relative_to(root).as_posix())
    return 0
