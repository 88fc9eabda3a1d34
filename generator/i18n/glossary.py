"""The glossary in content/glossary/: English names of lead units and
districts, section headings and recurring terms. It also builds the register
of lead units: every way a unit is written maps to one Unit, and a unit with
no English name stops the build."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Problem, Report, SourceError
from ..model import Corpus, Unit
from ..normalize import compact
from .romanize import slugify_zh
from .. import SAFE_LOADER

GLOSSARY_DIR = "content/glossary"
LEVELS = {"city", "district", "central", "collective"}


def _load_yaml(path: Path, root: Path):
    rel = path.relative_to(root).as_posix()
    try:
        return yaml.load(path.read_text("utf-8"), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise SourceError(Problem(rel, mark.line + 1 if mark else None, f"invalid YAML: {getattr(e, 'problem', e)}",
                                  "valid YAML"))


def _heading_key(zh: str) -> str:
    return re.sub(r"[，,。.；;：:]", "", compact(zh))


def strip_alias(name: str) -> str:
    return re.sub(r"[（(][^()（）]*[)）]$", "", name).strip()


@dataclass
class Glossary:
    units: list[dict] = field(default_factory=list)
    districts: list[dict] = field(default_factory=list)
    headings: dict = field(default_factory=dict)
    issuers: dict = field(default_factory=dict)  # zh -> en
    termbase: object = None  # termbase.Termbase: recurring terms with their sources (content/glossary/termbase.yaml)
    files: dict = field(default_factory=dict)
    _index: dict = field(default_factory=dict)
    _lookups: dict = field(default_factory=dict)  # (name, district) -> entry: names recur in every list

    def district_names(self) -> dict[str, str]:
        return {d["zh"]: d["slug"] for d in self.districts}

    def district_en(self, slug: str) -> str:
        return next((d["en"] for d in self.districts if d["slug"] == slug), slug.title())

    def issuer_en(self, zh: str) -> str:
        return self.issuers.get(zh, zh)

    def district_en_by_zh(self, zh: str) -> str:
        return next((d["en"] for d in self.districts if d.get("zh") == zh and d.get("en")), "")

    def district_zh(self, slug: str) -> str:
        return next((d["zh"] for d in self.districts if d["slug"] == slug), slug)

    def heading_en(self, family: str, number: str) -> str:
        """A heading's English. Identical Chinese reads identically wherever it stands: the English is
        the one the headings file gives that Chinese first (a work-report section and the task-list
        section with the same words share one rendering)."""
        entry = self.headings.get(family, {}).get(str(number))
        if not isinstance(entry, dict):
            return ""
        return self.heading_for_zh(str(entry.get("zh", ""))) or entry.get("en", "")

    def heading_for_zh(self, zh: str) -> str:
        """The English of a heading or lead phrase from its Chinese (compared in matching form), or ''."""
        if "_headings" not in self._lookups:
            idx = {}
            for fam in self.headings.values():
                for e in (fam or {}).values() if isinstance(fam, dict) else ():
                    if isinstance(e, dict) and e.get("zh") and e.get("en"):
                        idx.setdefault(_heading_key(str(e["zh"])), e["en"])
            self._lookups["_headings"] = idx
        return self._lookups["_headings"].get(_heading_key(zh), "")

    def index(self):
        if not self._index:
            for e in self.units:
                for name in [e["zh"], *e.get("aliases", [])]:
                    self._index.setdefault((compact(name), e.get("district", "")), e)
        return self._index

    def lookup(self, name: str, district: str = "") -> dict | None:
        memo = self._lookups
        if (name, district) not in memo:
            memo[(name, district)] = self._lookup(name, district)
        return memo[(name, district)]

    def _lookup(self, name: str, district: str = "") -> dict | None:
        idx = self.index()
        for key in (compact(name), compact(strip_alias(name))):
            for d in (district, ""):
                if (key, d) in idx:
                    return idx[(key, d)]
            if not district:
                hits = [e for (k, _), e in idx.items() if k == key]
                if len(hits) == 1:
                    return hits[0]
        return None

    def build_register(self, corpus: Corpus, rep: Report) -> None:
        units: dict[str, Unit] = {}

        def register(raw: str, district: str, file: str, line: int) -> str | None:
            e = self.lookup(raw, district)
            if e is None or not e.get("en"):
                rep.error(file, line, f"lead unit {raw!r} has no English name in {GLOSSARY_DIR}/units.yaml",
                          "an entry with zh (or an alias) and en")
                return None
            d = e.get("district", "")
            local = d and e["zh"].startswith("区")
            slug = (f"{d}-" if local else "") + slugify_zh(e["zh"])
            uid = f"unit/{slug}"
            if uid not in units:
                units[uid] = Unit(id=uid, slug=slug, zh=(self.district_zh(d) + e["zh"][1:]) if local else e["zh"],
                                  en=e["en"], level=e.get("level", "city"), district=d,
                                  aliases=list(e.get("aliases", [])))
            if raw != units[uid].zh and raw not in units[uid].aliases:
                units[uid].aliases.append(raw)
            return uid

        for tl in corpus.tasklists.values():
            for t in tl.tasks.values():
                t.units = [u for u in (register(r, "", t.origins[0].file, t.origins[0].line) for r in t.units_raw) if u]
        for table in corpus.progress.values():
            for row in table.rows:
                row.units = [u for u in (register(r, table.district, table.origin.file, row.line)
                                         for r in row.units_raw) if u]
        corpus.units = dict(sorted(units.items()))


def load_glossary(root: Path) -> Glossary:
    root = Path(root)
    g = Glossary()
    d = root / GLOSSARY_DIR
    rep = Report()
    units_file = d / "units.yaml"
    if units_file.exists():
        data = _load_yaml(units_file, root)
        rel = units_file.relative_to(root).as_posix()
        lines = units_file.read_text("utf-8").split("\n")
        for k, e in enumerate(data.get("units", []) or []):
            if not isinstance(e, dict) or not e.get("zh") or not e.get("en"):
                line = next((i + 1 for i, l in enumerate(lines) if isinstance(e, dict) and str(e.get("zh")) in l), None)
                rep.error(rel, line, f"unit entry {k + 1} is incomplete: {e!r}", "zh and en")
                continue
            if e.get("level", "city") not in LEVELS:
                rep.error(rel, None, f"unit {e['zh']} has unknown level {e.get('level')!r}", " or ".join(sorted(LEVELS)))
            e.setdefault("aliases", [])
            e["aliases"] = e["aliases"] or []
            e["district"] = e.get("district") or ""
            g.units.append(e)
        g.districts = list(data.get("districts", []) or [])
        g.issuers = {e["zh"]: e["en"] for e in data.get("issuers", []) or []}
        g.files["units"] = rel
    headings_file = d / "headings.yaml"
    if headings_file.exists():
        data = _load_yaml(headings_file, root)
        g.headings = {k: v for k, v in data.items() if isinstance(v, dict)}
    rep.raise_if_errors()
    from .termbase import load_termbase

    g.termbase = load_termbase(root)
    return g
