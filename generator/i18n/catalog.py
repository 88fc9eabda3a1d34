"""Translation catalogs: gettext PO files under content/translations/en/,
read and written with Babel so translators can use Poedit, Weblate or any
gettext tool.

One entry per segment (paragraph, task, sub-item, heading, table row):
``msgctxt`` is the segment's key (``task/2026/20``, ``doc:京政发〔2026〕1号#p12``),
``msgid`` the Chinese source text and an extracted comment ``source-sha1:`` its
hash. When the Chinese source changes, the entry no longer matches: the segment
is reported *stale* and the page shows the Chinese with a notice instead of an
outdated English text.

Keys are positions (the 12th paragraph), so an inserted or deleted paragraph
moves the Chinese under other keys. Lookups are therefore text-aware: an entry
whose key now holds different Chinese is not used; the entry of the same scope
(document, task list, report …) whose Chinese *is* the current text is used
instead. Only Chinese no entry holds is missing or stale.

Provenance: each entry carries translator comments (``#`` lines, which gettext
tools keep and let translators edit; ``msgmerge`` keeps them too, unlike the
extracted ``#.`` comments it regenerates)::

    # translated-by: machine (AI language model)
    # translated-on: 2026-11-23
    # reviewed: no

``translated-by`` is ``machine (…)`` or ``human (name)``; ``reviewed`` is ``no``
or ``yes (name, date)``. An entry without these lines reads as an unknown
translator, not reviewed: nothing claims a review that is not recorded.
"""
from __future__ import annotations

import hashlib
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import ids
from ..errors import Problem, SourceError
from ..paths import catalogs
from ..yamlfile import short

CATALOG_LANG = "en"  # the language whose catalogs are read (a Translator holds one language: Entry.en)
CATALOG_DIR = catalogs(CATALOG_LANG)

# The header every catalog is written with: fixed text, so that rewriting a catalog with the same entries
# changes no byte whatever the installed Babel (whose version would otherwise go into Generated-By).
HEADER = """\
# English translations of the Beijing government documents (the Chinese text is authoritative).
# Written by `python -m generator i18n`; edit the msgstr lines with any gettext tool.
# Each entry's translator comments say who or what translated it, when, and whether anyone reviewed it.
#
msgid ""
msgstr ""
"Project-Id-Version: beijing-gov-docs 1\\n"
"Report-Msgid-Bugs-To: see /en/about/translations/\\n"
"POT-Creation-Date: 2026-01-01 00:00+0000\\n"
"PO-Revision-Date: 2026-01-01 00:00+0000\\n"
"Last-Translator: per entry (see the translated-by comments)\\n"
"Language: en\\n"
"Language-Team: none\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""

PROVENANCE_KEYS = ("translated-by", "translated-on", "reviewed")


def source_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def key_scope(key: str) -> str:
    """The part of a key that names the text a segment belongs to: ``doc:京政发〔2026〕1号`` for
    ``doc:京政发〔2026〕1号#p12``, ``task/2026`` for ``task/2026/20``, ``progress/2025/daxing`` for
    ``progress/2025/daxing/4#task``. Text-aware lookups stay inside one scope."""
    base = ids.without_anchor(key)
    family = ids.scheme(base)
    if family in ("doc", "gazette"):
        return base
    return ids.prefix(base, 2 if family == "progress" else 1)


@dataclass
class Provenance:
    by: str = ""  # "machine (…)" | "human (…)" | "" (not recorded)
    on: str = ""  # ISO date the English was written
    reviewed: str = "no"  # "no" | "yes (name, date)"

    @property
    def machine(self) -> bool:
        return self.by.startswith("machine")

    @property
    def human(self) -> bool:
        return self.by.startswith("human")

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed.startswith("yes")

    def comments(self) -> list[str]:
        out = []
        if self.by:
            out.append(f"translated-by: {self.by}")
        if self.on:
            out.append(f"translated-on: {self.on}")
        out.append(f"reviewed: {self.reviewed or 'no'}")
        return out

    @classmethod
    def from_comments(cls, comments) -> "Provenance":
        p = cls()
        for c in comments or ():
            k, _, v = c.partition(":")
            k, v = k.strip(), v.strip()
            if k == "translated-by":
                p.by = v
            elif k == "translated-on":
                p.on = v
            elif k == "reviewed":
                p.reviewed = v or "no"
        return p


@dataclass
class Entry:
    zh: str
    en: str
    sha: str
    file: str
    line: int = 0
    prov: Provenance = field(default_factory=Provenance)
    fuzzy: bool = False
    comments: list = field(default_factory=list)  # other translator comments, kept as they are


@dataclass
class Segment:
    key: str
    zh: str
    en: str | None
    status: str  # ok | stale | missing
    prov: Provenance | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class Translator:
    entries: dict = field(default_factory=dict)  # key -> Entry
    seen: dict = field(default_factory=dict)  # key -> status, for coverage
    families: dict = field(default_factory=dict)  # key -> family
    requested: dict = field(default_factory=dict)  # key -> Chinese source asked for, in order (if recording)
    record_requests: bool = False  # `generator i18n` records them; a build does not keep the corpus twice
    _by_text: dict | None = None  # (scope, Chinese) -> key of a usable entry holding that Chinese

    @property
    def fuzzy(self) -> set:
        """Keys a translator's tool (or `i18n`) marked for review."""
        return {k for k, e in self.entries.items() if e.fuzzy}

    def by_text(self) -> dict:
        if self._by_text is None:
            idx = {}
            for k, e in self.entries.items():
                if e.en and not e.fuzzy and (not e.sha or e.sha == source_hash(e.zh)):
                    idx.setdefault((key_scope(k), e.zh), k)
            self._by_text = idx
        return self._by_text

    def find(self, key: str, zh: str) -> tuple[str, Entry | None, str]:
        """The entry that translates ``zh`` at ``key``: (status, entry, key of the entry used)."""
        e = self.entries.get(key)
        if e is not None and e.zh == zh and (not e.sha or e.sha == source_hash(zh)):
            if e.fuzzy:
                return "stale", None, key  # needs review: not shown, as for a changed source
            if e.en:
                return "ok", e, key
        other = self.by_text().get((key_scope(key), zh))
        if other is not None:  # the same Chinese under another key (a paragraph moved): its English
            return "ok", self.entries[other], other
        if e is not None and e.en and e.zh != zh:
            return "stale", None, key
        if e is not None and e.fuzzy:
            return "stale", None, key
        return "missing", None, key
    warnings: list = field(default_factory=list)  # Problems found reading the catalogs (entries not used)

    def get(self, key: str, zh: str, family: str = "other") -> Segment:
        status, e, _ = self.find(key, zh)
        self.seen[key] = status
        self.families[key] = family
        if self.record_requests:
            self.requested.setdefault(key, zh)
        if status == "ok":
            return Segment(key, zh, e.en, "ok", e.prov)
        return Segment(key, zh, None, status)

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


PO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}  # those gettext tools and Babel read
PO_KEYWORD = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)$")


def _po_string(rest: str, file: str, line: int, problems: list) -> str | None:
    """The text of one quoted PO string (``rest``: what follows the keyword), or None with a problem: an
    unterminated string (Babel would drop its last character), a bad escape (kept as a backslash), text
    after the closing quote."""
    rest = rest.strip()
    m = PO_STRING.match(rest)
    if not rest.startswith('"') or m is None:
        problems.append(Problem(file, line, f"unterminated string {short(rest)}" if rest.startswith('"') else
                                f"{short(rest)} is not a quoted string", 'a string in double quotes: "…"'))
        return None
    if rest[m.end():].strip():
        problems.append(Problem(file, line, f"text after the closing quote: {short(rest[m.end():].strip())}",
                                'one string per line: "…" (a quote inside a string is written \\")'))
        return None
    out, body, i = [], m.group(1), 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            esc = body[i + 1]
            if esc not in PO_ESCAPES:
                problems.append(Problem(file, line, f"unknown escape \\{esc} in a string",
                                        'one of \\n \\t \\r \\" \\\\ (a backslash itself is \\\\)'))
                return None
            out.append(PO_ESCAPES[esc])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def check_po(text: str, file: str) -> tuple[list[Problem], list[Problem], dict[str, int]]:
    """Read the raw text of a PO catalog as gettext does, entry by entry, because Babel repairs what it
    cannot read without a word. Returns (errors, warnings, msgctxt -> line): malformed strings and lines,
    a msgctxt twice in the file (one translation would be lost), entries without msgctxt (never used)."""
    errors, warnings, contexts = [], [], {}
    entry: dict = {}
    field = None

    def close():
        if not entry:
            return
        ctx, msgid = entry.get("msgctxt"), entry.get("msgid")
        if ctx is not None:
            text_, line = ctx
            if text_ in contexts:
                errors.append(Problem(file, line, f"msgctxt {short(text_)} is also at {file}:{contexts[text_]}; "
                                      "one of the two entries would be lost", "each msgctxt once"))
            else:
                contexts[text_] = line
        elif msgid is not None and msgid[0]:
            warnings.append(Problem(file, msgid[1], f"entry {short(msgid[0])} has no msgctxt; it is not used",
                                    "a msgctxt naming the segment (as `python -m generator i18n` writes it)"))
        entry.clear()

    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            field = None
            continue
        if line.startswith("#"):
            if field is not None and not line.startswith("#~"):
                close()
                field = None
            continue
        m = PO_KEYWORD.match(line)
        if m:
            keyword = m.group(1)
            if keyword in ("msgctxt", "msgid") and (keyword in entry or "msgstr" in entry
                                                    or (keyword == "msgctxt" and "msgid" in entry)):
                close()
            value = _po_string(m.group(2), file, n, errors)
            field = keyword.split("[")[0]
            entry[field] = [value or "", n]
            continue
        if line.startswith('"'):
            if field is None:
                errors.append(Problem(file, n, "a string outside any entry", "msgctxt, msgid or msgstr before it"))
                continue
            value = _po_string(line, file, n, errors)
            entry[field][0] += value or ""
            continue
        errors.append(Problem(file, n, f"unexpected line {short(line)}",
                              'msgctxt "…", msgid "…", msgstr "…", a continued "…" string, or a # comment'))
    close()
    return errors, warnings, contexts


def _msgctxt_lines(path: Path) -> dict[str, int]:
    out = {}
    for n, line in enumerate(path.read_text("utf-8").split("\n"), 1):
        if line.startswith("msgctxt "):
            m = re.match(r'^msgctxt "(.*)"$', line)
            if m:
                out.setdefault(m.group(1).replace('\\"', '"').replace("\\\\", "\\"), n)
    return out


def read_catalog(path: Path, root: Path) -> list[tuple[str, Entry]]:
    """(key, Entry) for every entry of one PO file, in file order."""
    from babel.messages.pofile import PoFileError, read_po

    rel = path.relative_to(root).as_posix()
    try:
        with path.open("rb") as fh:
            cat = read_po(fh, abort_invalid=True)
    except (PoFileError, Exception) as e:  # babel raises several kinds
        raise SourceError(Problem(rel, getattr(e, "lineno", None), f"unreadable PO catalog: {e}", "a gettext PO file"))
    lines = _msgctxt_lines(path)
    out = []
    for m in cat:
        if not m.id or not m.context:
            continue
        sha = next((c.split(":", 1)[1].strip() for c in m.auto_comments if c.startswith("source-sha1:")), "")
        msgstr = m.string if isinstance(m.string, str) else (m.string[0] if m.string else "")
        prov_lines = [c for c in m.user_comments if c.partition(":")[0].strip() in PROVENANCE_KEYS]
        others = [c for c in m.user_comments if c not in prov_lines]
        out.append((m.context, Entry(m.id, msgstr, sha, rel, lines.get(m.context, 0),
                                     Provenance.from_comments(prov_lines), bool(m.fuzzy and msgstr), others)))
    return out


def load_catalogs(root: Path) -> Translator:
    t = Translator()
    root = Path(root)
    from ..content import files_of
    from ..fileio import decode_text, read_bytes

    problems: list[Problem] = []
    where_ctx: dict[str, str] = {}
    for po in files_of(root, "catalog"):
        rel = po.relative_to(root).as_posix()
        errors, warnings, contexts = check_po(decode_text(read_bytes(po, rel, "a gettext PO catalog"), rel,
                                                          "a gettext PO catalog"), rel)
        t.warnings.extend(warnings)
        for ctx, line in contexts.items():
            if ctx in where_ctx:
                errors.append(Problem(rel, line, f"msgctxt {short(ctx)} is also at {where_ctx[ctx]}; one of the two "
                                      "entries would be lost", "each msgctxt in one catalog only"))
            else:
                where_ctx[ctx] = f"{rel}:{line}"
        if errors:
            problems.extend(errors)
            continue
        try:
            for key, e in read_catalog(po, root):
                t.entries[key] = e
        except SourceError as e:
            problems.extend(e.problems)
    if problems:
        raise SourceError(problems)
    return t


def catalog_bytes(entries: list[tuple[str, Entry]], previous: dict | None = None) -> bytes:
    """A catalog of (key, Entry) pairs in the given order, with the fixed HEADER, as PO bytes; ``previous``
    maps a fuzzy entry's key to the Chinese it translated (written as ``#| msgid``)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    previous = previous or {}
    cat = Catalog(locale="en", charset="utf-8", fuzzy=False)
    for key, e in entries:
        comments = [f"source-sha1: {source_hash(e.zh)}"]
        user = list(e.comments) + (e.prov.comments() if e.en else [])
        cat.add(e.zh, e.en or "", context=key, auto_comments=comments, user_comments=user,
                flags=("fuzzy",) if e.fuzzy and e.en else (), previous_id=previous.get(key) or ())
    buf = io.BytesIO()
    write_po(buf, cat, width=0, omit_header=True, sort_output=False, no_location=True, include_previous=True)
    return (HEADER + "\n" + buf.getvalue().decode("utf-8").lstrip("\n")).encode("utf-8")

