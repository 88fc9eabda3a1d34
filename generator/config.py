"""Typed, validated site configuration (content/site.yaml). Errors name the
file, the line and the key, and say what was expected."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, SourceError
from .paths import SITE_FILE, Paths
from .yamlfile import short

CONFIG_FILE = SITE_FILE


@dataclass(frozen=True)
class Language:
    """One language of the site (an entry of ``languages:`` in site.yaml)."""
    code: str  # the URL's first folder (/zh/, /en/), the catalogs' folder and the theme strings' file name
    hreflang: str  # the HTML lang and hreflang value (BCP 47: zh-CN, en)
    name: str  # its name in itself, for the language switcher
    authoritative: bool = False  # the language of the sources: exactly one is; the others are translations


@dataclass
class Config:
    root: Path
    title: dict  # language code -> the site's title (a language without one has the authoritative one's)
    tagline: dict  # the same, for the tagline
    base_url: str
    languages: list  # [Language], in the order the site lists them; the first is the root's default
    theme: str
    licence: dict  # language code -> the terms (falling back as title does); url: the licence's text

    @property
    def authoritative(self) -> str:
        """The code of the authoritative language (the sources')."""
        return next(lg.code for lg in self.languages if lg.authoritative)

    @property
    def codes(self) -> tuple:
        return tuple(lg.code for lg in self.languages)

    @property
    def paths(self) -> Paths:
        """Every folder and file of the project (paths.py)."""
        return Paths(self.root)

    @property
    def theme_dir(self) -> Path:
        return self.paths.theme(self.theme)


KEYS = {"title": "a text per language code", "tagline": "a text per language code", "base_url": "the site's address",
        "languages": "a list of languages (code, hreflang, name, authoritative)", "theme": "a folder under themes/",
        "licence": "a text per language code and url: the terms of the open data"}
LANGUAGE_KEYS = {"code": "the URL folder: lower-case letters, e.g. fr", "hreflang": "the BCP 47 tag, e.g. fr or zh-CN",
                 "name": "the language's name in itself", "authoritative": "true for the language of the sources"}
CODE_RE = re.compile(r"^[a-z]{2,3}$")
HREFLANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _languages(shape, data: dict, theme_dir) -> list:
    """The ``languages:`` list, each entry checked: known keys, a unique code, its theme strings present;
    exactly one authoritative language."""
    items = shape.seq(data["languages"], ("languages",), "a list of languages, each a mapping: "
                      + ", ".join(LANGUAGE_KEYS)) if "languages" in data else None
    if "languages" not in data:
        shape.error(None, "missing key 'languages'", "a list of languages: " + ", ".join(LANGUAGE_KEYS))
    if not items:
        if items == []:
            shape.error(("languages",), "the language list is empty", "at least the authoritative language")
        return []
    out, seen = [], {}
    for k, item in enumerate(items):
        path = ("languages", k)
        if shape.mapping(item, path, "a mapping: " + ", ".join(LANGUAGE_KEYS)) is None:
            continue
        if not shape.keys(item, path, LANGUAGE_KEYS, ("code", "hreflang", "name"), what=f"language {k + 1}"):
            continue
        code = item["code"]
        if not isinstance(code, str) or not CODE_RE.match(code):
            shape.error((*path, "code"), f"bad language code {short(code)}", LANGUAGE_KEYS["code"])
            continue
        if code in seen:
            shape.error((*path, "code"), f"language {code!r} is listed twice (also at line {seen[code]})",
                        "each language code once")
            continue
        seen[code] = shape.doc.line(*path, "code")
        hreflang = item["hreflang"]
        if not isinstance(hreflang, str) or not HREFLANG_RE.match(hreflang):
            shape.error((*path, "hreflang"), f"bad hreflang {short(hreflang)} for {code!r}", LANGUAGE_KEYS["hreflang"])
            continue
        name = shape.text(item["name"], (*path, "name"), LANGUAGE_KEYS["name"])
        auth = item.get("authoritative", False)
        if not isinstance(auth, bool):
            shape.error((*path, "authoritative"), f"bad value for authoritative: {short(auth)}", "true or false")
            continue
        strings = theme_dir / "i18n" / f"{code}.yaml" if theme_dir is not None else None
        if strings is not None and not (strings.exists() or strings.is_symlink()):  # what it is: the theme's reader
            shape.error((*path, "code"), f"language {code!r} has no theme strings",
                        f"themes/{theme_dir.name}/i18n/{code}.yaml with every string of the interface")
            continue
        if name is not None:
            out.append(Language(code, hreflang, name, auth))
    if len(out) == len(items):
        auth = [lg for lg in out if lg.authoritative]
        if len(auth) != 1:
            shape.error(("languages",), "no authoritative language" if not auth else
                        "two authoritative languages: " + ", ".join(lg.code for lg in auth),
                        "exactly one language with authoritative: true (the language of the sources)")
    return out


def load_config(root: Path) -> Config:
    """content/site.yaml, every key checked (type, value, unknown keys) with its line."""
    from .content import files_of
    from .yamlfile import Shape, read_yaml

    root = Path(root)
    found = files_of(root, "config")
    if not found:
        raise SourceError(Problem(CONFIG_FILE, None, "site configuration missing", SITE_FILE))
    doc = read_yaml(found[0], CONFIG_FILE, "the site configuration (YAML)")
    shape = Shape(doc, CONFIG_FILE)
    data = shape.mapping({} if doc.data is None else doc.data, (), "key: value lines (" + ", ".join(KEYS) + ")")
    shape.done()

    def need(key, check, expected):
        if key not in data:
            shape.error(None, f"missing key {key!r}", expected)
            return None
        v = data[key]
        if not check(v):
            shape.error((key,), f"bad value for {key!r}: {short(v)}", expected)
            return None
        return v

    theme = need("theme", lambda v: isinstance(v, str) and re.match(r"^[A-Za-z0-9._-]+$", v) and v not in (".", "..")
                 and (Paths(root).theme(v) / "templates").is_dir(), "a folder under themes/ with templates/")
    langs = _languages(shape, data, Paths(root).theme(theme) if theme else None)
    codes = [lg.code for lg in langs]
    auth = next((lg.code for lg in langs if lg.authoritative), None)

    def per_language(v, extra=()) -> bool:  # a text per configured language; the authoritative one at least
        if auth is None:  # the language list is wrong (reported): the texts cannot be checked against it
            return isinstance(v, dict)
        return (isinstance(v, dict) and auth in v and set(v) <= {*codes, *extra}
                and all(isinstance(v[c], str) and v[c].strip() for c in v if c not in extra))

    texts = f"a mapping of language codes ({', '.join(codes)}) to texts, {auth} at least"
    title = need("title", per_language, texts)
    tagline = need("tagline", per_language, texts)
    base = need("base_url", lambda v: isinstance(v, str) and re.match(r"^https?://[^\s/]+[^\s]*$", v),
                "an absolute http(s) URL")
    licence = need("licence", lambda v: per_language(v, ("url",)) and isinstance(v.get("url"), str)
                   and str(v["url"]).startswith(("http://", "https://")),
                   texts + " (the terms of the open data) and url (an absolute http(s) URL of the licence)")
    shape.keys(data, (), KEYS)
    shape.done()

    def filled(v: dict) -> dict:  # a language without its own text shows the authoritative one
        return {**v, **{c: v[c] if c in v else v[auth] for c in codes}}

    return Config(root=root, title=filled(title), tagline=filled(tagline), base_url=base.rstrip("/"),
                  languages=langs, theme=theme, licence=filled(licence))
