"""The termbase (content/glossary/termbase.yaml): one English rendering for each recurring term, name,
slogan and document genre, with the source of that rendering (the English the government itself
publishes wherever it exists), plus the names of units, districts and issuing bodies that
content/glossary/units.yaml already holds (reused, not copied).

``check_catalogs`` holds every catalog entry to it: an entry whose Chinese contains a term and whose
English lacks the term's rendering is a violation, named ``file:line`` with its ``msgctxt`` and the term,
unless the termbase lists an exception for that entry and term, with a reason."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, Report, SourceError
from ..paths import GLOSSARY as GLOSSARY_DIR, TERMBASE

# the language of the whole glossary: the termbase's renderings, and units.yaml's and headings.yaml's names (en:)
NAMES_LANG = "en"



@dataclass
class Term:
    zh: str
    en: str
    source: str  # a key of the termbase's sources
    forms: list = field(default_factory=list)  # other accepted spellings (plural, possessive) of ``en``
    pattern: re.Pattern | None = None  # where the Chinese counts as the term (default: anywhere)
    category: str = ""
    note: str = ""
    line: int = 0
    origin: str = TERMBASE  # the file the term comes from (units.yaml for unit names)

    def in_zh(self, text: str) -> bool:
        return bool(self.pattern.search(text)) if self.pattern else self.zh in text

    def in_en(self, text: str) -> bool:
        t = fold(text)
        return any(fold(f) in t for f in [self.en, *self.forms])


@dataclass
class Termbase:
    terms: list[Term] = field(default_factory=list)
    sources: dict = field(default_factory=dict)  # key -> description
    exceptions: dict = field(default_factory=dict)  # (msgctxt, zh) -> reason
    exception_lines: dict = field(default_factory=dict)  # (msgctxt, zh) -> line in termbase.yaml

    def term(self, zh: str) -> Term | None:
        return next((t for t in self.terms if t.zh == zh), None)


def fold(text: str) -> str:
    """Comparison form of English: case, quotes, dashes and spaces do not count."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = re.sub(r"[\"“”‘’'`]", "", t)
    t = re.sub(r"[‐‑‒–—-]", "-", t)
    return re.sub(r"\s+", " ", t)


def _load_yaml(path: Path, root: Path) -> dict:
    """A glossary YAML file as a mapping (read through yamlfile: errors name the file and the line)."""
    from ..yamlfile import read_yaml

    rel = path.relative_to(root).as_posix()
    doc = read_yaml(path, rel, "a mapping (YAML)")
    data = doc.data or {}
    if not isinstance(data, dict):
        raise SourceError(Problem(rel, doc.line(), f"the file holds a {type(data).__name__}", "a mapping"))
    for key in ("sources",):
        if key in data and not isinstance(data[key], dict):
            raise SourceError(Problem(rel, doc.line(key), f"{key} is a {type(data[key]).__name__}", "a mapping"))
    for key in ("terms", "exceptions", "issuers", "districts"):
        if key in data and not isinstance(data[key], (list, type(None))):
            raise SourceError(Problem(rel, doc.line(key), f"{key} is a {type(data[key]).__name__}", "a list"))
    return data


def _line_of(lines: list[str], needle: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i + 1
    return 0


def load_termbase(root: Path) -> Termbase:
    """Read the termbase and the names in units.yaml. A term without zh, en or a known source, or an
    exception without a reason, stops with file:line."""
    root = Path(root)
    tb = Termbase()
    path = root / TERMBASE
    rep = Report()
    if not path.exists():
        return tb
    data = _load_yaml(path, root)
    lines = path.read_text("utf-8").split("\n")
    tb.sources = {str(k): str(v) for k, v in (data.get("sources") or {}).items()}
    seen: dict[str, list[int]] = {}  # zh -> lines of the terms read so far
    for k, e in enumerate(data.get("terms") or []):
        zh = str(e.get("zh", "")) if isinstance(e, dict) else ""
        line = _line_of(lines, f"zh: {zh}") or _line_of(lines, zh) if zh else 0
        if zh:
            at = [i for i, text in enumerate(lines, 1) if re.search(rf"\bzh: ['\"]?{re.escape(zh)}['\"]?[,}}]", text)]
            before = seen.setdefault(zh, [])
            line = at[len(before)] if len(at) > len(before) else line
            before.append(line)
            if len(before) > 1:
                rep.error(TERMBASE, line or None, f"term {zh} is also at line {before[0]}; one of its renderings "
                          "would be lost", "each term once (other spellings of its rendering go under forms)")
                continue
        if not isinstance(e, dict) or not e.get("zh") or not e.get("en"):
            rep.error(TERMBASE, line or None, f"term {k + 1} is incomplete: {e!r}", "zh and en")
            continue
        if str(e.get("source", "")) not in tb.sources:
            rep.error(TERMBASE, line or None, f"term {zh} names an unknown source {e.get('source')!r}",
                      "one of the keys under sources: " + ", ".join(tb.sources))
            continue
        try:
            pattern = re.compile(e["zh_pattern"]) if e.get("zh_pattern") else None
        except re.error as err:
            rep.error(TERMBASE, line or None, f"term {zh}: bad zh_pattern: {err}", "a regular expression")
            continue
        tb.terms.append(Term(zh, str(e["en"]), str(e["source"]), [str(f) for f in e.get("forms") or []], pattern,
                             str(e.get("category", "")), str(e.get("note", "")).strip(), line))
    for k, e in enumerate(data.get("exceptions") or []):
        key = str(e.get("key", "")) if isinstance(e, dict) else ""
        line = _line_of(lines, key) if key else 0
        if not isinstance(e, dict) or not key or not e.get("term") or not str(e.get("reason", "")).strip():
            rep.error(TERMBASE, line or None, f"exception {k + 1} needs key, term and a reason: {e!r}",
                      "key (the entry's msgctxt), term (the Chinese term) and reason")
            continue
        if (key, str(e["term"])) in tb.exceptions:
            rep.error(TERMBASE, line or None, f"exception for {key} and {e['term']} is also at line "
                      f"{tb.exception_lines[(key, str(e['term']))]}", "each exception once")
            continue
        tb.exceptions[(key, str(e["term"]))] = str(e["reason"]).strip()
        tb.exception_lines[(key, str(e["term"]))] = line
    rep.raise_if_errors()
    tb.terms.extend(_unit_terms(root))
    return tb


def _unit_terms(root: Path) -> list[Term]:
    """Units (city level: a district's 区商务局 is named by its district's own English), districts and
    issuing bodies, from units.yaml, as terms whose source is that file."""
    path = root / GLOSSARY_DIR / "units.yaml"
    if not path.exists():
        return []
    data = _load_yaml(path, root)
    rel = path.relative_to(root).as_posix()
    lines = path.read_text("utf-8").split("\n")
    out = []
    for e in data.get("issuers") or []:
        out.append(Term(str(e["zh"]), re.sub(r"^The ", "", str(e["en"])), "units.yaml",
                        [str(f) for f in e.get("forms") or []], None, "issuer", "",
                        _line_of(lines, str(e["zh"])), rel))
    for e in data.get("districts") or []:
        out.append(Term(str(e["zh"]), str(e["en"]), "units.yaml", [], None, "district", "",
                        _line_of(lines, str(e["zh"])), rel))
    return out


def _heading_entries(root: Path):
    """(key, zh, en, line) of every heading in headings.yaml: ``heading:tasklist/1.2``."""
    path = root / GLOSSARY_DIR / "headings.yaml"
    if not path.exists():
        return []
    data = _load_yaml(path, root)
    lines = path.read_text("utf-8").split("\n")
    out = []
    for fam, entries in data.items():
        if not isinstance(entries, dict):
            continue
        start = _line_of(lines, f"{fam}:")
        for num, e in entries.items():
            if isinstance(e, dict) and e.get("zh") and e.get("en"):
                out.append((f"heading:{fam}/{num}", str(e["zh"]), str(e["en"]),
                            _line_of(lines, f'"{num}":', max(start - 1, 0))))
    return out


@dataclass
class CheckResult:
    violations: list[Problem]
    entries: int  # catalog entries checked
    covered: int  # entries whose Chinese contains at least one term
    pairs: int  # (entry, term) pairs checked
    excused: list  # (msgctxt, term, reason) exceptions that applied
    unused: list  # exceptions that match no violation (stale)


def check_catalogs(root: Path, tb: Termbase | None = None) -> CheckResult:
    """The catalogs in the termbase's language (English, as the whole glossary: ``NAMES_LANG``) against its
    renderings."""
    from ..paths import catalogs
    from .catalog import read_catalog

    root = Path(root)
    tb = tb or load_termbase(root)
    violations, excused, used = [], [], set()
    entries = covered = pairs = 0
    for po in sorted((root / catalogs(NAMES_LANG)).glob("*.po")):
        for key, e in read_catalog(po, root):
            if not e.text:
                continue
            entries += 1
            hit = False
            for t in tb.terms:
                if not t.in_zh(e.zh):
                    continue
                hit = True
                pairs += 1
                if t.in_en(e.text):
                    continue
                if (key, t.zh) in tb.exceptions:
                    used.add((key, t.zh))
                    excused.append((key, t.zh, tb.exceptions[(key, t.zh)]))
                    continue
                violations.append(Problem(e.file, e.line or None,
                                          f"{key}: the Chinese has {t.zh} but the English lacks {t.en!r}",
                                          f"the termbase rendering ({t.origin}:{t.line}) or an exception with a reason"))
            covered += hit
    for key, zh, en, line in _heading_entries(root):  # the headings glossary is English a reader sees too
        entries += 1
        hit = False
        for t in tb.terms:
            if not t.in_zh(zh):
                continue
            hit = True
            pairs += 1
            if t.in_en(en):
                continue
            if (key, t.zh) in tb.exceptions:
                used.add((key, t.zh))
                excused.append((key, t.zh, tb.exceptions[(key, t.zh)]))
                continue
            violations.append(Problem(f"{GLOSSARY_DIR}/headings.yaml", line or None,
                                      f"{key}: the Chinese has {t.zh} but the English lacks {t.en!r}",
                                      f"the termbase rendering ({t.origin}:{t.line}) or an exception with a reason"))
        covered += hit
    unused = [(k, z, tb.exception_lines[(k, z)]) for (k, z) in tb.exceptions if (k, z) not in used]
    return CheckResult(violations, entries, covered, pairs, excused, unused)
