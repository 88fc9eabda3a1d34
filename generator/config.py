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


@dataclass
class Config:
    root: Path
    title: dict
    tagline: dict
    base_url: str
    languages: list
    authoritative: str
    theme: str
    licence: dict  # zh, en: the terms in each language; url: the licence's text

    @property
    def paths(self) -> Paths:
        """Every folder and file of the project (paths.py)."""
        return Paths(self.root)

    @property
    def theme_dir(self) -> Path:
        return self.paths.theme(self.theme)


KEYS = {"title": "zh and en", "tagline": "zh and en", "base_url": "the site's address",
        "languages": "[zh, en]", "authoritative": "zh", "theme": "a folder under themes/",
        "licence": "zh, en and url: the terms of the open data"}


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

    bilingual = lambda v: (isinstance(v, dict) and set(v) == {"zh", "en"}
                           and all(isinstance(x, str) and x.strip() for x in v.values()))
    title = need("title", bilingual, "a mapping with zh and en texts")
    tagline = need("tagline", bilingual, "a mapping with zh and en texts")
    base = need("base_url", lambda v: isinstance(v, str) and re.match(r"^https?://[^\s/]+[^\s]*$", v),
                "an absolute http(s) URL")
    langs = need("languages", lambda v: v == ["zh", "en"], "[zh, en]")
    auth = need("authoritative", lambda v: v == "zh", "zh")
    theme = need("theme", lambda v: isinstance(v, str) and re.match(r"^[A-Za-z0-9._-]+$", v) and v not in (".", "..")
                 and (Paths(root).theme(v) / "templates").is_dir(), "a folder under themes/ with templates/")
    licence = need("licence", lambda v: isinstance(v, dict) and set(v) == {"zh", "en", "url"}
                   and bilingual({"zh": v["zh"], "en": v["en"]}) and isinstance(v["url"], str)
                   and v["url"].startswith(("http://", "https://")),
                   "a mapping with zh and en texts (the terms of the open data) and url (an absolute http(s) URL of "
                   "the licence)")
    shape.keys(data, (), KEYS)
    shape.done()
    return Config(root=root, title=title, tagline=tagline, base_url=base.rstrip("/"), languages=langs,
                  authoritative=auth, theme=theme, licence=licence)
