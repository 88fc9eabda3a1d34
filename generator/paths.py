"""Every folder and file of a project that the generator reads or writes, named in this one place.

The names are relative to the project root (as messages show them: ``content/sources/x.txt:3: …``); ``Paths``
gives them as paths under a root, and ``Config.paths`` is the one a build uses. No other module spells
``content/…``, ``.cache/…`` or ``themes/…``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONTENT = "content"
SITE_FILE = f"{CONTENT}/site.yaml"  # the site configuration
LINKS_FILE = f"{CONTENT}/links.yaml"  # the editors' link overrides
SOURCES = f"{CONTENT}/sources"  # the documents as received
PROVENANCE = f"{SOURCES}/provenance.yaml"  # where each source came from
REPLACED = "replaced"  # the folder under SOURCES that keeps the texts `ingest --replace` replaced
NOTES = f"{CONTENT}/notes"  # the editors' Markdown notes
GLOSSARY = f"{CONTENT}/glossary"  # units.yaml, headings.yaml, termbase.yaml
TERMBASE = f"{GLOSSARY}/termbase.yaml"
TRANSLATIONS = f"{CONTENT}/translations"  # one folder of PO catalogs per language other than the authoritative
THEMES = "themes"
CACHE = ".cache"  # what a build can always make again
OUTPUT = "build"  # the default output folder


def catalogs(lang: str) -> str:
    """The folder of one language's translation catalogs (``lang``: its code in site.yaml's ``languages:``)."""
    return f"{TRANSLATIONS}/{lang}"


@dataclass(frozen=True)
class Paths:
    """The project's folders and files under one root."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    @property
    def content(self) -> Path:
        return self.root / CONTENT

    @property
    def sources(self) -> Path:
        return self.root / SOURCES

    @property
    def glossary(self) -> Path:
        return self.root / GLOSSARY

    @property
    def cache(self) -> Path:
        return self.root / CACHE

    def cached(self, name: str) -> Path:
        """A folder or file of the cache: ``parse``, ``links``, ``templates``, ``pinyin.json``, ``serve-index``."""
        return self.root / CACHE / name

    def theme(self, name: str) -> Path:
        return self.root / THEMES / name

    @property
    def output(self) -> Path:
        return self.root / OUTPUT

    def rel(self, path) -> str:
        """``path`` as the project-relative name messages show (unchanged when it lies outside the project)."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)
