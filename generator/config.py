"""Typed, validated site configuration (content/site.yaml). Errors name the
file, the line and the key, and say what was expected."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import Problem, SourceError
from . import SAFE_LOADER

CONFIG_FILE = "content/site.yaml"


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
    def theme_dir(self) -> Path:
        return self.root / "themes" / self.theme


def _line_of(text: str, key: str) -> int | None:
    for i, l in enumerate(text.split("\n"), 1):
        if l.startswith(f"{key}:"):
            return i
    return None


def load_config(root: Path) -> Config:
    root = Path(root)
    path = root / CONFIG_FILE
    if not path.exists():
        raise SourceError(Problem(CONFIG_FILE, None, "site configuration missing", "content/site.yaml"))
    text = path.read_text("utf-8")
    try:
        data = yaml.load(text, Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise SourceError(Problem(CONFIG_FILE, mark.line + 1 if mark else None, f"invalid YAML: {getattr(e, 'problem', e)}",
                                  "valid YAML"))
    problems = []

    def need(key, kind, check=None, expected=""):
        if key not in data:
            problems.append(Problem(CONFIG_FILE, None, f"missing key {key!r}", expected or kind.__name__))
            return None
        v = data[key]
        if not isinstance(v, kind) or (check and not check(v)):
            problems.append(Problem(CONFIG_FILE, _line_of(text, key), f"bad value for {key!r}: {v!r}", expected or kind.__name__))
            return None
        return v

    bilingual = lambda v: set(v) >= {"zh", "en"} and all(isinstance(x, str) and x for x in v.values())
    title = need("title", dict, bilingual, "a mapping with zh and en strings")
    tagline = need("tagline", dict, bilingual, "a mapping with zh and en strings")
    base = need("base_url", str, lambda v: v.startswith(("http://", "https://")), "an absolute http(s) URL")
    langs = need("languages", list, lambda v: v == ["zh", "en"], "[zh, en]")
    auth = need("authoritative", str, lambda v: v == "zh", "zh")
    theme = need("theme", str, lambda v: (root / "themes" / v / "templates").is_dir(), "a folder under themes/ with templates/")
    licence = need("licence", dict, lambda v: set(v) == {"zh", "en", "url"} and bilingual({"zh": v["zh"], "en": v["en"]})
                   and isinstance(v["url"], str) and v["url"].startswith(("http://", "https://")),
                   "a mapping with zh and en strings (the terms of the open data) and url (an absolute http(s) URL "
                   "of the licence)")
    keys = ("title", "tagline", "base_url", "languages", "authoritative", "theme", "licence")
    for k in sorted(set(data) - set(keys)):
        problems.append(Problem(CONFIG_FILE, _line_of(text, k), f"unknown key {k!r}", "one of " + ", ".join(keys)))
    if problems:
        raise SourceError(problems)
    return Config(root=root, title=title, tagline=tagline, base_url=base.rstrip("/"), languages=langs,
                  authoritative=auth, theme=theme, licence=licence)
