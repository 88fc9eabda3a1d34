"""Translation catalogs: gettext PO files under content/translations/en/,
read and written with Babel so translators can use Poedit, Weblate or any
gettext tool.

One entry per segment (paragraph, task, sub-item, heading, table row):
``msgctxt`` is the segment's stable key (``task/2026/20``,
``doc:京政发〔2026〕1号#p12``), ``msgid`` the Chinese source text and an
extracted comment ``source-sha1:`` its hash. When the Chinese source changes,
the entry no longer matches: the segment is reported *stale* and the page shows
the Chinese with a notice instead of an outdated English text.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, SourceError

CATALOG_DIR = "content/translations/en"


def source_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class Segment:
    key: str
    zh: str
    en: str | None
    status: str  # ok | stale | missing

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class Translator:
    entries: dict = field(default_factory=dict)  # key -> (msgid, msgstr, sha, file)
    seen: dict = field(default_factory=dict)  # key -> status, for coverage
    families: dict = field(default_factory=dict)  # key -> family
    requested: dict = field(default_factory=dict)  # key -> Chinese source asked for, in order (if recording)
    record_requests: bool = False  # `generator i18n` records them; a build does not keep the corpus twice
    fuzzy: set = field(default_factory=set)  # keys a translator's tool (or `i18n`) marked for review

    def get(self, key: str, zh: str, family: str = "other") -> Segment:
        e = self.entries.get(key)
        if key in self.fuzzy:  # needs review: the English is not shown, as for a changed source
            status, en = "stale", None
        elif e is None or not e[1]:
            status, en = "missing", None
        elif e[0] != zh or (e[2] and e[2] != source_hash(zh)):
            status, en = "stale", None
        else:
            status, en = "ok", e[1]
        self.seen[key] = status
        self.families[key] = family
        if self.record_requests:
            self.requested.setdefault(key, zh)
        return Segment(key, zh, en, status)

    def unused(self) -> list[str]:
        return sorted(set(self.entries) - set(self.seen))


def coverage_table(counts) -> dict:
    """The coverage report from (family, status) -> number of segments: per family and "all", the ok,
    stale, missing and total counts."""
    by = defaultdict(Counter)
    for (f, st), n in counts.items():
        by[f][st] += n
    total = Counter()
    for c in by.values():
        total.update(c)
    by["all"] = total
    return {f: {"ok": c["ok"], "stale": c["stale"], "missing": c["missing"], "total": sum(c.values())}
            for f, c in sorted(by.items())}


def load_catalogs(root: Path) -> Translator:
    from babel.messages.pofile import PoFileError, read_po

    t = Translator()
    d = Path(root) / CATALOG_DIR
    if not d.is_dir():
        return t
    for po in sorted(d.glob("*.po")):
        rel = po.relative_to(root).as_posix()
        try:
            with po.open("rb") as fh:
                cat = read_po(fh, abort_invalid=True)
        except (PoFileError, Exception) as e:  # babel raises several kinds
            raise SourceError(Problem(rel, getattr(e, "lineno", None), f"unreadable PO catalog: {e}", "a gettext PO file"))
        for m in cat:
            if not m.id or not m.context:
                continue
            sha = next((c.split(":", 1)[1].strip() for c in m.auto_comments if c.startswith("source-sha1:")), "")
            msgstr = m.string if isinstance(m.string, str) else (m.string[0] if m.string else "")
            if m.fuzzy and msgstr:
                t.fuzzy.add(m.context)
            t.entries[m.context] = (m.id, msgstr, sha, rel)
    return t


def write_catalog(path: Path, segments: list[tuple], *, project="beijing-gov-docs") -> None:
    """Write a catalog from (key, zh, en, comment[, fuzzy, previous_zh]) tuples, in the given order."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    import datetime

    # a fixed date: rewriting a catalog with the same entries must not change the file
    stamp = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cat = Catalog(locale="en", project=project, version="1", charset="utf-8",
                  creation_date=stamp, revision_date=stamp, fuzzy=False)
    for seg in segments:
        key, zh, en, comment = seg[:4]
        fuzzy = len(seg) > 4 and seg[4]
        previous = seg[5] if len(seg) > 5 else None
        comments = [f"source-sha1: {source_hash(zh)}"] + ([comment] if comment else [])
        cat.add(zh, en or "", context=key, auto_comments=comments, flags=("fuzzy",) if fuzzy else (),
                previous_id=previous or ())
    import io

    from ..fileio import atomic_write

    buf = io.BytesIO()
    write_po(buf, cat, width=0, omit_header=False, sort_output=False, no_location=True, include_previous=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buf.getvalue())  # never a catalog cut off mid-entry (a full disk, an interruption)
