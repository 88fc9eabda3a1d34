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
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, SourceError
from ..yamlfile import short

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
    warnings: list = field(default_factory=list)  # Problems found reading the catalogs (entries not used)

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


def load_catalogs(root: Path) -> Translator:
    """Every catalog of the content inventory. Each file's raw text is checked first (``check_po``); a
    msgctxt in two catalogs is an error naming both places."""
    from babel.messages.pofile import read_po

    from ..content import files_of
    from ..fileio import read_bytes, decode_text

    t = Translator()
    problems: list[Problem] = []
    where_ctx: dict[str, str] = {}
    for po in files_of(root, "catalog"):
        rel = po.relative_to(root).as_posix()
        raw = read_bytes(po, rel, "a gettext PO catalog")
        errors, warnings, contexts = check_po(decode_text(raw, rel, "a gettext PO catalog"), rel)
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
            cat = read_po(io.BytesIO(raw), abort_invalid=True)
        except Exception as e:  # Babel raises several kinds (PoFileError, ValueError, …)
            problems.append(Problem(rel, getattr(e, "lineno", None), f"unreadable PO catalog: {e}",
                                    "a gettext PO file"))
            continue
        for m in cat:
            if not m.id or not m.context:
                continue
            sha = next((c.split(":", 1)[1].strip() for c in m.auto_comments if c.startswith("source-sha1:")), "")
            msgstr = m.string if isinstance(m.string, str) else (m.string[0] if m.string else "")
            if m.fuzzy and msgstr:
                t.fuzzy.add(m.context)
            t.entries[m.context] = (m.id, msgstr, sha, rel)
    if problems:
        raise SourceError(problems)
    return t


def catalog_bytes(segments: list[tuple], *, project="beijing-gov-docs") -> bytes:
    """A catalog from (key, zh, en, comment[, fuzzy, previous_zh]) tuples, in the given order, as PO bytes."""
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
    buf = io.BytesIO()
    write_po(buf, cat, width=0, omit_header=False, sort_output=False, no_location=True, include_previous=True)
    return buf.getvalue()


def write_catalog(path: Path, segments: list[tuple], *, project="beijing-gov-docs") -> None:
    """Write a catalog from (key, zh, en, comment[, fuzzy, previous_zh]) tuples, in the given order."""
    from ..fileio import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, catalog_bytes(segments, project=project))  # never a catalog cut off mid-entry
