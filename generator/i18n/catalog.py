"""Translation catalogs: gettext PO files under content/translations/<code>/, one
folder per language other than the authoritative one (en/, fr/ …), read and
written with Babel so translators can use Poedit, Weblate or any gettext tool.
Every language's catalogs have the same entries (the Chinese segments its
pages show); a ``Translator`` holds one language's.

One entry per segment (paragraph, task, sub-item, heading, table row):
``msgctxt`` is the segment's key (``task/2026/20``, ``doc:京政发〔2026〕1号#p12``),
``msgid`` the Chinese source text and an extracted comment ``source-sha1:`` its
hash. When the Chinese source changes, the entry no longer matches: the segment
is reported *stale* and the page shows the Chinese with a notice instead of an
outdated translation.

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
import pickle
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import ids
from ..errors import Problem, SourceError
from ..parallel import paused_collector
from ..paths import catalogs
from ..yamlfile import short

# The header every catalog is written with: fixed text for a language, so that rewriting a catalog with the same
# entries changes no byte whatever the installed Babel (whose version would otherwise go into Generated-By).
HEADER = """\
# {language} translations of the Beijing government documents (the Chinese text is authoritative).
# Written by `python -m generator i18n`; edit the msgstr lines with any gettext tool.
# Each entry's translator comments say who or what translated it, when, and whether anyone reviewed it.
#
msgid ""
msgstr ""
"Project-Id-Version: beijing-gov-docs 1\\n"
"Report-Msgid-Bugs-To: see /{code}/about/translations/\\n"
"POT-Creation-Date: 2026-01-01 00:00+0000\\n"
"PO-Revision-Date: 2026-01-01 00:00+0000\\n"
"Last-Translator: per entry (see the translated-by comments)\\n"
"Language: {code}\\n"
"Language-Team: none\\n"
"Plural-Forms: {plural_forms}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""


def header(lang: str) -> str:
    """The header of ``lang``'s catalogs: its name in English and its plural forms from Babel's data (for a code
    Babel does not know: the code, and English's plural forms)."""
    from babel import Locale, UnknownLocaleError
    from babel.messages.plurals import get_plural

    try:
        name, plural = Locale.parse(lang, sep="-").english_name, str(get_plural(lang.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        name, plural = lang, str(get_plural("en"))
    return HEADER.format(language=name, code=lang, plural_forms=plural)


PROVENANCE_KEYS = ("translated-by", "translated-on", "reviewed")


@lru_cache(maxsize=4)  # a page's passage is hashed twice in a row: its look-up is recorded, then its provenance
def source_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def key_scope(key: str) -> str:
    """The part of a key that names the text a segment belongs to: ``doc:京政发〔2026〕1号`` for
    ``doc:京政发〔2026〕1号#p12``, ``task/2026`` for ``task/2026/20``, ``progress/2025/daxing`` for
    ``progress/2025/daxing/4#task``. Text-aware lookups stay inside one scope. (String operations for the usual
    ids: a build asks for the scope of every entry, twice; for the 612,000 keys of the bench's full archive
    0.50 s through ids.prefix, 0.32 s this way.)"""
    base = key.partition("#")[0]
    if base.startswith(ids.DOC_PREFIX):
        return base
    parts = base.rstrip("/").split("/")
    family = parts[0]
    if family == "gazette":
        return base
    if not family or family == "doc":  # an id this generator does not make (or a leading "/"): as ids reads it
        family = ids.scheme(base)
        return base if family in ("doc", "gazette") else ids.prefix(base, 2 if family == "progress" else 1)
    return "/".join(parts[:3] if family == "progress" else parts[:2])


@dataclass(slots=True)  # no __dict__: a large archive has hundreds of thousands
class Provenance:
    by: str = ""  # "machine (…)" | "human (…)" | "" (not recorded)
    on: str = ""  # ISO date the translation was written
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


def _entry_fp(zh: str, text: str, sha: str, prov_repr: str, fuzzy: bool) -> str:
    """An entry's fingerprint (``Entry.fingerprint``) from its fields, its provenance given by its repr: the
    digest of the repr of the tuple (zh, text, sha, prov, fuzzy)."""
    return hashlib.sha256(f"({zh!r}, {text!r}, {sha!r}, {prov_repr}, {fuzzy!r})".encode(
        "utf-8", "surrogatepass")).hexdigest()[:24]


@dataclass(slots=True)
class Entry:
    zh: str
    text: str  # the translation ("": none yet)
    sha: str
    file: str
    line: int = 0
    prov: Provenance = field(default_factory=Provenance)
    fuzzy: bool = False
    comments: list = field(default_factory=list)  # other translator comments, kept as they are
    # made once, when the entry is read, and kept with it in the catalogs' cache: a build that finds nothing
    # changed then hashes no catalog text (an Entry is not changed in place once these are made)
    _zh_hash: str = field(default="", compare=False, repr=False)
    _fp: str = field(default="", compare=False, repr=False)

    def zh_hash(self) -> str:
        """``source_hash`` of the Chinese."""
        if not self._zh_hash:
            self._zh_hash = source_hash(self.zh)
        return self._zh_hash

    def fingerprint(self) -> str:
        """A digest of what a page can show of the entry (not where it is in its file)."""
        if not self._fp:
            self._fp = _entry_fp(self.zh, self.text, self.sha, repr(self.prov), self.fuzzy)
        return self._fp


@dataclass
class Segment:
    key: str
    zh: str
    text: str | None  # the translation (None: missing or stale)
    status: str  # ok | stale | missing
    prov: Provenance | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class Translator:
    """One language's catalogs (``lang``), and the look-ups made in them."""
    lang: str = ""
    entries: dict = field(default_factory=dict)  # key -> Entry
    seen: dict = field(default_factory=dict)  # key -> status, for coverage
    families: dict = field(default_factory=dict)  # key -> family
    requested: dict = field(default_factory=dict)  # key -> Chinese source asked for, in order (if recording)
    record_requests: bool = False  # `generator i18n` records them; a build does not keep the corpus twice
    _by_text: dict | None = None  # (scope, Chinese) -> key of a usable entry holding that Chinese
    # a digest of the catalog files the entries were read from (their names and bytes): equal digests, equal
    # entries (an incremental build then trusts the fingerprints of its catalog look-ups from the last build)
    source_digest: str = ""

    @property
    def fuzzy(self) -> set:
        """Keys a translator's tool (or `i18n`) marked for review."""
        return {k for k, e in self.entries.items() if e.fuzzy}

    def by_text(self) -> dict:
        """The index of every usable entry by (scope, Chinese); made when first needed (a look-up whose own
        entry does not hold its Chinese), its reads of the entries not recorded (a build records each
        look-up with what decides it: see incremental.install_recording)."""
        if self._by_text is None:
            idx, scopes = {}, {}
            for k, e in dict.items(self.entries):
                if e.text and not e.fuzzy and (not e.sha or e.sha == e.zh_hash()):
                    scope = key_scope(k)  # one str for each scope, not one for each entry (11 MB on 3 years)
                    idx.setdefault((scopes.setdefault(scope, scope), e.zh), k)
            self._by_text = idx
        return self._by_text

    def find(self, key: str, zh: str) -> tuple[str, Entry | None, str]:
        """The entry that translates ``zh`` at ``key``: (status, entry, key of the entry used)."""
        e = self.entries.get(key)
        if e is not None and e.zh == zh and (not e.sha or e.sha == e.zh_hash()):
            if e.fuzzy:
                return "stale", None, key  # needs review: not shown, as for a changed source
            if e.text:
                return "ok", e, key
        other = self.by_text().get((key_scope(key), zh))
        if other is not None:  # the same Chinese under another key (a paragraph moved): its translation
            return "ok", self.entries[other], other
        if e is not None and e.text and e.zh != zh:
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
            return Segment(key, zh, e.text, "ok", e.prov)
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


PO_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')  # unrolled: no alternation per character
PO_ESCAPE = re.compile(r"\\(.)")
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
    body = m.group(1)
    if "\\" not in body:  # most strings: no escape to read
        return body
    bad = next((esc for esc in PO_ESCAPE.findall(body) if esc not in PO_ESCAPES), None)
    if bad is not None:
        problems.append(Problem(file, line, f"unknown escape \\{bad} in a string",
                                'one of \\n \\t \\r \\" \\\\ (a backslash itself is \\\\)'))
        return None
    return PO_ESCAPE.sub(lambda e: PO_ESCAPES[e.group(1)], body)


def _resolve_contexts(marked: list, file: str, offset: int, contexts: dict) -> list[Problem]:
    """The errors of a part of a catalog (``_check_part``) with its lines moved down by ``offset``; each msgctxt
    marker in it is entered into ``contexts`` (msgctxt -> line), or is an error when it is there already."""
    errors = []
    for m in marked:
        if type(m) is tuple:
            text_, line = m[0], m[1] + offset
            if text_ in contexts:
                errors.append(Problem(file, line, f"msgctxt {short(text_)} is also at {file}:{contexts[text_]}; "
                                      "one of the two entries would be lost", "each msgctxt once"))
            else:
                contexts[text_] = line
        else:
            errors.append(_moved_one(m, offset))
    return errors


def _check_part(text: str, file: str) -> tuple[list, list[Problem], list | None]:
    """Read the raw text of a PO catalog (or a part of one) as gettext does, entry by entry, because Babel
    repairs what it cannot read without a word; lines are counted from the text's start. Returns the errors
    in order (malformed strings and lines), with a (msgctxt, line) marker where each msgctxt's entry ends (a
    msgctxt twice in a file, which would lose one translation, is found over the whole file by
    ``_resolve_contexts``), the warnings (entries without msgctxt: never used), and the entries
    (``_read_entries``'s) when every entry of the text has the plain shape this pass reads as Babel does
    (``_Plain``), else None (Babel reads the text)."""
    errors, warnings = [], []
    entry: dict = {}
    field = None
    plain = _Plain(file)

    def close():
        if not entry:
            return
        ctx, msgid = entry.get("msgctxt"), entry.get("msgid")
        if ctx is not None:
            errors.append((ctx[0], ctx[1]))
        elif msgid is not None and msgid[0]:
            warnings.append(Problem(file, msgid[1], f"entry {short(msgid[0])} has no msgctxt; it is not used",
                                    "a msgctxt naming the segment (as `python -m generator i18n` writes it)"))
        plain.close(entry)
        entry.clear()

    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if len(line) != len(raw) and line != raw.strip(_ASCII_SPACE):  # Babel strips ASCII spaces only
            plain.ok = False
        if not line:
            field = None
            plain.close(entry)  # a blank line ends an entry for Babel as well
            continue
        if line.startswith("#"):
            if field is not None and not line.startswith("#~"):
                close()
                field = None
            plain.comment(line, entry)
            continue
        m = PO_KEYWORD.match(line)
        if m:
            keyword = m.group(1)
            if keyword in ("msgctxt", "msgid") and (keyword in entry or "msgstr" in entry
                                                    or (keyword == "msgctxt" and "msgid" in entry)):
                close()
            value = _po_string(m.group(2), file, n, errors)
            field = keyword.split("[")[0]
            plain.keyword(keyword, line)
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
    ok = plain.ok and all(type(m) is tuple for m in errors)  # no malformed string or line: errors hold markers
    return errors, warnings, (plain.entries if ok else None)


_ASCII_SPACE = " \t\n\r\x0b\x0c"


class _Plain:
    """The entries of a catalog part read in ``_check_part``'s pass, for the shape every catalog the generator
    writes has: comments, then msgctxt, msgid and msgstr in that order (each maybe continued), then a blank
    line, a comment or the next entry. Babel reads that shape as this does (its comments too: ``#.`` extracted,
    ``#,`` flags, any other ``#`` a translator comment, each list without repeats). Anything else, which Babel
    may read its own way (a header, ``#~`` obsolete entries, ``#:`` locations, plurals, a comment or a blank
    line inside an entry, a tab after a keyword), sets ``ok`` False: then Babel reads the part."""

    __slots__ = ("file", "ok", "entries", "auto", "user", "flags", "state", "provenances")
    STATES = {"msgctxt": 1, "msgid": 2, "msgstr": 3}  # 0: between entries

    def __init__(self, file: str):
        self.file, self.ok, self.entries, self.provenances = file, True, [], {}
        self.auto, self.user, self.flags, self.state = [], [], [], 0

    def comment(self, line: str, entry: dict) -> None:
        self.close(entry)
        tag = line[1:2]
        if tag == ".":
            c = line[2:].strip()
            if c:
                self.auto.append(c)
        elif tag == ",":
            self.flags.extend(f.strip() for f in line[2:].lstrip().split(","))
        elif tag in ("~", ":"):
            self.ok = False
        else:
            self.user.append(line[1:].strip())

    def keyword(self, keyword: str, line: str) -> None:
        state, before = self.STATES.get(keyword), self.state
        if state is None or line[len(keyword)] != " " or not (state == before + 1 or (state == 2 and before == 0)):
            self.ok = False
        self.state = state or 0

    def close(self, entry: dict) -> None:
        """The entry ``entry`` (``_check_part``'s) has ended; nothing when it was taken already."""
        if not self.state:
            return
        if self.state != 3:
            self.ok = False
        self.state = 0
        if self.ok:
            ctx, msgid = entry.get("msgctxt"), entry["msgid"][0]
            if not msgid:  # the header (or an entry Babel takes for it): Babel reads its fields
                self.ok = False
            elif ctx is not None and ctx[0]:
                self.entries.append(_entry(ctx[0], msgid, entry["msgstr"][0], self.auto, self.user, self.flags,
                                           self.file, ctx[1], self.provenances))
        self.auto, self.user, self.flags = [], [], []


def _msgctxt_lines(text: str) -> dict[str, int]:
    out = {}
    for n, line in enumerate(text.split("\n"), 1):
        if line.startswith("msgctxt "):
            m = re.match(r'^msgctxt "(.*)"$', line)
            if m:
                out.setdefault(m.group(1).replace('\\"', '"').replace("\\\\", "\\"), n)
    return out


def split_comments(user: list[str]) -> tuple[list[str], list[str]]:
    """An entry's translator comments: (its provenance lines, translated-by … reviewed, and the others)."""
    prov_lines = [c for c in user if c.partition(":")[0].strip() in PROVENANCE_KEYS]
    return prov_lines, [c for c in user if c not in prov_lines]


_NO_COMMENTS: list = []  # the other comments of nearly every entry: one list for all (never changed in place)


def _entry(ctx: str, msgid: str, msgstr: str, auto: list, user: list, flags, rel: str, line: int,
           provenances: dict) -> tuple[str, Entry]:
    """(key, Entry) of one PO entry: its source hash from the ``source-sha1:`` comment, its provenance from the
    translator comments (``provenances``: one object for each set of them), fuzzy when flagged and translated."""
    auto, user = list(dict.fromkeys(auto)), list(dict.fromkeys(user))  # as Babel's Message keeps them
    sha = next((c.split(":", 1)[1].strip() for c in auto if c.startswith("source-sha1:")), "")
    prov_lines, others = split_comments(user)
    # most entries share one provenance (one tool, one day): one object, its repr made once
    prov, prov_repr = provenances.get(tuple(prov_lines)) or (None, "")
    if prov is None:
        prov = Provenance.from_comments(prov_lines)
        provenances[tuple(prov_lines)] = prov, prov_repr = prov, repr(prov)
    fuzzy = bool("fuzzy" in flags and msgstr)
    e = Entry(msgid, msgstr, sha, rel, line, prov, fuzzy, others or _NO_COMMENTS)
    if sha and sha == source_hash(msgid):
        e._zh_hash = sha  # one string for both
    e.zh_hash()  # kept with the entry in the cache, as its fingerprint (its provenance's repr made once)
    e._fp = _entry_fp(msgid, msgstr, sha, prov_repr, fuzzy)
    return ctx, e


def _read_entries(text: str, rel: str, lines: dict[str, int] | None = None) -> list[tuple[str, Entry]]:
    """(key, Entry) for every entry of PO text (a catalog or a part of one), lines counted from its start,
    read by Babel; ``lines``: msgctxt -> the line of its entry, when the text was checked (``_check_part`` marks
    them). (``_check_part`` gives the same entries itself for the parts of the shape the generator writes.)"""
    from babel.messages.pofile import PoFileError, read_po

    try:
        cat = read_po(io.BytesIO(text.encode("utf-8")), abort_invalid=True)
    except (PoFileError, Exception) as e:  # babel raises several kinds
        raise SourceError(Problem(rel, getattr(e, "lineno", None), f"unreadable PO catalog: {e}", "a gettext PO file"))
    if lines is None:
        lines = _msgctxt_lines(text)
    out, provenances = [], {}
    for m in cat:
        if not m.id or not m.context:
            continue
        if not isinstance(m.id, str):  # msgid_plural: Babel gives the forms as a tuple
            raise SourceError(Problem(rel, lines.get(m.context) or m.lineno, "an entry with plural forms "
                                      f"(msgid_plural) for {short(m.context)}", "one msgid and one msgstr per segment"))
        msgstr = m.string if isinstance(m.string, str) else (m.string[0] if m.string else "")
        out.append(_entry(m.context, m.id, msgstr, m.auto_comments, m.user_comments, m.flags, rel,
                          lines.get(m.context, 0), provenances))
    return out


def read_catalog(path: Path, root: Path) -> list[tuple[str, Entry]]:
    """(key, Entry) for every entry of one PO file, in file order."""
    from ..fileio import read_text

    rel = path.relative_to(root).as_posix()
    return _read_entries(read_text(path, rel, "a gettext PO catalog"), rel)


# ---------------------------------------------------------------- the catalogs' cache
# A large archive's catalogs hold hundreds of thousands of entries (609,420 segments, 361 MB of PO for 15 years),
# and reading them with Babel took most of a build in which nothing changed. Each catalog is cut into parts at
# the entries where the text a key belongs to changes (a document, a task, a district's table: what one gazette
# issue adds or changes is a few parts), and each part's reading (_check_part's errors and warnings, Babel's
# entries) is kept in .cache/catalogs/, keyed by the part's text and this reader's code. A build reads only the
# parts it has not seen; the rest comes from the cache as it was read, its line numbers moved to where the part
# now starts. Cutting changes nothing of the reading: a part starts only at an entry's comments or msgctxt, after
# a blank line that follows a complete entry (one with its msgstr), where both _check_part and Babel close an entry.

CATALOG_CACHE_VERSION = 1
_MSGCTXT_LINE = re.compile(r'^msgctxt "([^"\n]*)', re.M)


def _part_label(key: str) -> str:
    """What decides where a catalog is cut: the text a key belongs to (``doc:X`` of ``doc:X#p12``, ``task/2026/20``
    of ``task/2026/20/3``)."""
    return "/".join(key.split("#", 1)[0].split("/", 3)[:3])


def _parts(text: str) -> list[tuple[int, str]]:
    """(first line, text) of the parts ``text`` is cut into (see above); the parts joined are ``text``."""
    out, start, line, label = [], 0, 1, None
    for m in _MSGCTXT_LINE.finditer(text):
        lab = _part_label(m.group(1))
        if lab == label:
            continue
        label = lab
        cut = text.rfind("\n\n", start, m.start())
        if cut < 0:
            continue
        cut += 2
        # only comments between the blank line and the msgctxt; a complete entry before the blank line
        between = text[cut:m.start()]
        if between and not all(x.startswith("#") for x in between.rstrip("\n").split("\n")):
            continue
        before = text.rfind("\nmsgstr", start, cut)
        if before < 0 or before < max(text.rfind("\nmsgid", start, cut), text.rfind("\nmsgctxt", start, cut)):
            continue
        part = text[start:cut]
        out.append((line, part))
        line += part.count("\n")
        start = cut
    out.append((line, text[start:]))
    return out


@lru_cache(maxsize=1)
def _reader_version() -> str:
    from importlib.metadata import version

    from ..cache import code_fingerprint

    return f"{CATALOG_CACHE_VERSION}-{code_fingerprint(('i18n/catalog.py', 'errors.py', 'yamlfile.py'))}-" \
           f"{version('babel')}"


class _PartCache:
    """The parts of one catalog read before: {part digest: (marked errors, warnings, entries or None)} in one
    file per catalog, written again only when this build read a part it did not have or left one unused."""

    def __init__(self, path: Path | None):
        from ..cache.store import load_pickle

        self.path = path
        data = load_pickle(path, {}) if path is not None else {}
        ok = data.get("version") == _reader_version()
        self.old = data.get("parts", {}) if ok else {}
        self.file = data.get("file") if ok else None  # (digest of the catalog's bytes, [(first line, part key)])
        self.new: dict = {}
        self.used: set = set()
        self.changed = False

    def same_file(self, digest: bytes) -> list | None:
        """[(first line, part digest)] of the catalog when its bytes are those of the last load and every part
        was read whole (so neither its text nor its parts need be made again), else None."""
        if self.file is None or self.file[0] != digest:
            return None
        order = self.file[1]
        keys = [k for _, k in order]
        if len(set(keys)) != len(keys) or any(self.old.get(k, (0, 0, None))[2] is None for k in keys):
            return None
        return order

    def cached(self, key: bytes) -> tuple[bytes, list, list]:
        """``check`` of a part known to be in the cache (``same_file``)."""
        hit = self.new[key] = self.old.pop(key)
        return key, hit[0], hit[1]

    def check(self, part: str, rel: str) -> tuple[bytes, list, list]:
        """(digest, marked errors, warnings) of a part (``_check_part``)."""
        key = hashlib.sha1(part.encode("utf-8", "surrogatepass")).digest()
        hit = self.new.get(key) or self.old.pop(key, None)
        if hit is None:
            hit = _check_part(part, rel)
            self.changed = True
        self.new[key] = hit
        return key, hit[0], hit[1]

    def entries(self, key: bytes, part: str, rel: str) -> list:
        """The entries of a part checked before (``check``, which reads them when the part has the usual shape):
        read by Babel when neither it nor the cache has them, read again when the same part came earlier in the
        catalog (its entries are in use, their lines moved)."""
        marked, warnings, entries = self.new[key]
        if key in self.used:
            entries = _check_part(part, rel)[2]
        if entries is None:
            entries = _read_entries(part, rel, {m[0]: m[1] for m in marked if type(m) is tuple})
            if key not in self.used:
                self.new[key] = (marked, warnings, entries)
                self.changed = True
        self.used.add(key)
        return entries

    def save(self, file: tuple | None = None) -> None:
        """Write the parts this load used (and ``file``: see ``same_file``) when anything changed."""
        from ..fileio import replace_file

        if self.path is not None and (self.changed or self.old or file != self.file):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                replace_file(self.path, _cache_bytes({"version": _reader_version(), "parts": self.new, "file": file}))
            except (OSError, SourceError):  # a full disk: the catalogs were read; the next load reads them again
                pass


# Pickle keeps a UTF-8 copy inside every non-ASCII str it writes (PyUnicode_AsUTF8AndSize), for as long as the
# str lives: writing the cache of the catalogs a build has just read made each entry's Chinese half as large again,
# for the whole build (23 MB on the 3-year archive). The entries' texts are written as UTF-8 bytes made for the
# purpose instead (and read back as the same str); the entries' keys are still pickled as they are.
def _utf8(text: str) -> str | bytes:
    return text if text.isascii() else text.encode("utf-8", "surrogatepass")


def _unutf8(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogatepass") if type(value) is bytes else value


def _entry_back(zh, text, sha: str, file: str, line: int, prov, fuzzy: bool, comments: list, zh_hash: str,
                fp: str) -> Entry:
    e = Entry(_unutf8(zh), _unutf8(text), sha, file, line, prov, fuzzy, comments)
    e._zh_hash, e._fp = zh_hash, fp
    return e


class _CachePickler(pickle.Pickler):
    def reducer_override(self, obj):
        if type(obj) is Entry:
            return _entry_back, (_utf8(obj.zh), _utf8(obj.text), obj.sha, obj.file, obj.line, obj.prov, obj.fuzzy,
                                 obj.comments, obj._zh_hash, obj._fp)
        return NotImplemented


def _cache_bytes(data: dict) -> bytes:
    buf = io.BytesIO()
    _CachePickler(buf, protocol=5).dump(data)
    return buf.getvalue()


def _moved_one(p: Problem, offset: int) -> Problem:
    """``p`` with its line moved down by ``offset`` (a part's lines are counted from the part's start)."""
    return p if not offset or p.line is None else Problem(p.file, p.line + offset, p.message, p.expected)


def _moved(problems: list[Problem], offset: int) -> list[Problem]:
    return [_moved_one(p, offset) for p in problems]


class Translations(dict):
    """Language code -> its Translator, for every language of the site but the authoritative one (a language
    without catalogs has an empty one), with the warnings found reading the catalogs."""

    def __init__(self, translators=(), warnings=()):
        super().__init__(translators)
        self.warnings = list(warnings)


def load_translations(root: Path, languages, *, cache: bool = True) -> Translations:
    """The catalogs of every language of ``languages`` (config.Language) but the authoritative one, each read
    from content/translations/<code>/ (``load_catalogs``); a folder there of a language site.yaml does not list
    (or of the authoritative one) is not read, and is a warning. SourceError with every problem of every catalog."""
    from ..content import files_of

    by_lang: dict[str, list] = {}
    for po in files_of(Path(root), "catalog"):
        by_lang.setdefault(po.parent.name, []).append(po)
    out, problems = Translations(), []
    for lg in languages:
        if lg.authoritative:
            continue
        try:
            out[lg.code] = load_catalogs(root, lg.code, cache=cache, files=by_lang.pop(lg.code, []))
        except SourceError as e:
            problems.extend(e.problems)
            continue
        out.warnings.extend(out[lg.code].warnings)
    if problems:
        raise SourceError(problems)
    listed = ", ".join(lg.code for lg in languages if not lg.authoritative)
    for code in sorted(by_lang):
        out.warnings.append(Problem(catalogs(code) + "/", None, f"catalogs of a language that content/site.yaml "
                                    f"does not list as a translation ({code!r}); they are not read",
                                    f"a folder named by the code of a language under languages: ({listed})"))
    return out


def load_catalogs(root: Path, lang: str, *, cache: bool = True, files: list | None = None) -> Translator:
    """``lang``'s catalogs (content/translations/<lang>/*.po; ``files``: those files, when the caller listed
    them): every entry (key -> Entry), with the warnings found reading them; SourceError with every problem of
    every catalog. ``cache``: read the parts read before from .cache/catalogs/ (see above; each catalog file
    has its own cache file, so languages never share an entry)."""
    from ..content import files_of
    from ..fileio import decode_text, read_bytes
    from ..paths import Paths

    t = Translator(lang)
    root = Path(root)
    if files is None:
        files = [po for po in files_of(root, "catalog") if po.parent.name == lang]
    read_from = hashlib.sha256(lang.encode() + b"\0")
    problems: list[Problem] = []
    where_ctx: dict[str, str] = {}
    cache_dir = Paths(root).cached("catalogs") if cache else None
    read_any = False
    # hundreds of thousands of entries made or unpickled: no collection in between (none is garbage); what Babel
    # left when it read a catalog is collected at the end
    with paused_collector(garbage=lambda: read_any):
        for po in files:
            rel = po.relative_to(root).as_posix()
            raw = read_bytes(po, rel, "a gettext PO catalog")
            digest = hashlib.sha1(raw).digest()
            read_from.update(rel.encode("utf-8", "surrogatepass") + b"\0" + digest)
            store = _PartCache(cache_dir / (hashlib.sha1(rel.encode("utf-8", "surrogatepass")).hexdigest()[:16]
                                            + ".pickle") if cache_dir is not None else None)
            order = store.same_file(digest)
            if order is not None:  # the same bytes as last time: no text to decode and cut (361 MB on an archive)
                parts = [(line, None) for line, _ in order]
            else:
                parts = _parts(decode_text(raw, rel, "a gettext PO catalog"))
            del raw
            errors, contexts, read, keys = [], {}, [], []
            for i, (line, part) in enumerate(parts):
                key, marked, warnings = store.check(part, rel) if part is not None else store.cached(order[i][1])
                keys.append(key)
                errors.extend(_resolve_contexts(marked, rel, line - 1, contexts))
                t.warnings.extend(_moved(warnings, line - 1))
            for ctx, line in contexts.items():
                if ctx in where_ctx:
                    errors.append(Problem(rel, line, f"msgctxt {short(ctx)} is also at {where_ctx[ctx]}; one of "
                                          "the two entries would be lost", "each msgctxt in one catalog only"))
                else:
                    where_ctx[ctx] = f"{rel}:{line}"
            if errors:
                problems.extend(errors)
                store.save()
                continue
            try:
                for (line, part), key in zip(parts, keys):
                    read.append((line, store.entries(key, part, rel)))
            except SourceError as e:
                problems.extend(_moved(e.problems, line - 1))
                store.save()
                continue
            store.save((digest, [(line, key) for (line, _), key in zip(parts, keys)]))
            read_any = read_any or store.changed
            for line, entries in read:
                for key, e in entries:
                    if line > 1:
                        e.line += line - 1 if e.line else 0
                    t.entries[key] = e
    if problems:
        raise SourceError(problems)
    t.source_digest = read_from.hexdigest()
    return t


def catalog_bytes(entries: list[tuple[str, Entry]], lang: str, previous: dict | None = None,
                  obsolete: list[tuple[str, Entry]] = ()) -> bytes:
    """A catalog of ``lang`` of (key, Entry) pairs in the given order, with its fixed header, as PO bytes;
    ``previous`` maps a fuzzy entry's key to the Chinese it translated (written as ``#| msgid``);
    ``obsolete``: translations no text asks for any more, written after them as gettext's obsolete entries
    (``#~``), which no reader takes for current ones and which keep what a translator wrote."""
    from babel.messages.catalog import Catalog, Message
    from babel.messages.pofile import write_po

    previous = previous or {}
    cat = Catalog(charset="utf-8", fuzzy=False)  # no header of Babel's (omit_header): no locale needed
    for key, e in entries:
        comments = [f"source-sha1: {source_hash(e.zh)}"]
        user = list(e.comments) + (e.prov.comments() if e.text else [])
        cat.add(e.zh, e.text or "", context=key, auto_comments=comments, user_comments=user,
                flags=("fuzzy",) if e.fuzzy and e.text else (), previous_id=previous.get(key) or ())
    for key, e in obsolete:  # key "": an obsolete entry without msgctxt, as another tool wrote it
        cat.obsolete[(e.zh, key) if key else e.zh] = Message(e.zh, e.text, context=key or None,
                                                              user_comments=list(e.comments) + e.prov.comments())
    buf = io.BytesIO()
    write_po(buf, cat, width=0, omit_header=True, sort_output=False, no_location=True, include_previous=True,
             ignore_obsolete=False)
    return (header(lang) + "\n" + buf.getvalue().decode("utf-8").lstrip("\n")).encode("utf-8")


def obsolete_entries(raw: bytes, rel: str) -> list[tuple[str, Entry]]:
    """The obsolete entries (``#~``) of a catalog's bytes, as (key, Entry): what ``catalog_bytes`` kept of
    translations no text asked for, to be kept again when the catalog is written anew."""
    if b"#~" not in raw:
        return []
    from babel.messages.pofile import read_po

    cat = read_po(io.BytesIO(raw), charset="utf-8")
    out = []
    for m in cat.obsolete.values():
        key = m.context or ""  # none: kept all the same (another tool's obsolete entry)
        if not m.id or not m.string or not isinstance(m.string, str):
            continue
        prov_lines, others = split_comments(m.user_comments)
        out.append((key, Entry(m.id, m.string, source_hash(m.id), rel, 0, Provenance.from_comments(prov_lines),
                               False, others)))
    return out

