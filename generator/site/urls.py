"""One URL scheme for every item: /{lang}/{kind}/{year}/{number}/ — the id of
an item is its path without the language. Documents are ``doc:<number>`` and
live at /{lang}/doc/<romanised-number-slug>/.

The languages are the configuration's (``Config.languages``, content/site.yaml): ``use_languages`` installs them
once per build (the ViewContext does, before any page is made; forked workers inherit them) and every page loop,
alternate link and switcher reads them from here."""
from __future__ import annotations

from .. import ids
from ..i18n.romanize import number_slug

_LANGUAGES: list = []  # [config.Language] of the site, set by use_languages
_BY_CODE: dict = {}  # code -> config.Language, and None -> the authoritative one: asked for by every passage shown


def use_languages(languages) -> None:
    """Install the site's languages (``Config.languages``: code, hreflang, name, authoritative)."""
    if sum(1 for lg in languages if lg.authoritative) != 1:
        raise ValueError("exactly one authoritative language")  # config.py has reported it with its line
    _LANGUAGES[:] = list(languages)
    _BY_CODE.clear()
    for lg in _LANGUAGES:
        _BY_CODE.setdefault(lg.code, lg)  # the first, as a search of the list finds
    _BY_CODE[None] = next(lg for lg in _LANGUAGES if lg.authoritative)


def languages() -> list:
    """The site's languages, in the configured order."""
    if not _LANGUAGES:
        raise RuntimeError("the site's languages are not installed (urls.use_languages)")
    return _LANGUAGES


def codes() -> tuple:
    return tuple(lg.code for lg in languages())


def authoritative() -> str:
    """The code of the authoritative language: the sources' language, which every translation falls back to."""
    lg = _BY_CODE.get(None)
    return lg.code if lg is not None else next(lg.code for lg in languages() if lg.authoritative)


def language(code: str):
    lg = _BY_CODE.get(code) if code is not None else None
    return lg if lg is not None else next(lg for lg in languages() if lg.code == code)


def hreflang(code: str) -> str:
    """The HTML lang / hreflang value of a language code."""
    return language(code).hreflang


def other_langs(lang: str) -> list:
    """The other languages of the site, in the configured order."""
    return [lg for lg in languages() if lg.code != lang]


def path_of(item_id: str) -> str:
    if item_id.startswith(ids.DOC_PREFIX):  # doc:<number>: its page is named by the number's slug
        return f"doc/{number_slug(item_id[len(ids.DOC_PREFIX):])}"
    return item_id.strip("/")


def url_for(item_id: str, lang: str) -> str:
    p = path_of(item_id)
    return f"/{lang}/" + (f"{p}/" if p else "")


def file_for(url: str) -> str:
    """Output file (relative to the build root) for a URL ending in '/'."""
    return url.lstrip("/") + "index.html"
