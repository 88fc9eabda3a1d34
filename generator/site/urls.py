"""One URL scheme for every item: /{lang}/{kind}/{year}/{number}/ — the id of
an item is its path without the language. Documents are ``doc:<number>`` and
live at /{lang}/doc/<romanised-number-slug>/."""
from __future__ import annotations

from ..i18n.romanize import number_slug

LANGS = ("zh", "en")


def path_of(item_id: str) -> str:
    if item_id.startswith("doc:"):
        return f"doc/{number_slug(item_id[4:])}"
    return item_id.strip("/")


def url_for(item_id: str, lang: str) -> str:
    p = path_of(item_id)
    return f"/{lang}/" + (f"{p}/" if p else "")


def other_lang(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def file_for(url: str) -> str:
    """Output file (relative to the build root) for a URL ending in '/'."""
    return url.lstrip("/") + "index.html"
