"""The glossary in content/glossary/: English names of lead units and
districts, section headings and recurring terms. It also builds the register
of lead units: every way a unit is written maps to one Unit, and a unit with
no English name stops the build."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..content import GLOSSARY_DIR
from ..errors import Problem, Report, SourceError
from ..model import Corpus, Unit
from ..normalize import compact
from .romanize import slugify_zh, toned_pinyin
from .. import ids

LEVELS = {"city", "district", "central", "collective"}


def _heading_key(zh: str) -> str:
    return re.sub(r"[，,。.；;：:]", "", compact(zh))


def strip_alias(name: str) -> str:
    return re.sub(r"[（(][^()（）]*[)）]$", "", name).strip()


@dataclass
class Glossary:
    units: list[dict] = field(default_factory=list)
    districts: list[dict] = field(default_factory=list)
    headings: dict = field(default_factory=dict)
    heading_lines: dict = field(default_factory=dict)  # (family, number) -> its line in headings.yaml
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

    def heading_en(self, family: str, number: str, zh: str | None = None) -> str:
        """A heading's English. Identical Chinese reads identically wherever it stands: the English is
        the one the headings file gives that Chinese first (a work-report section and the task-list
        section with the same words share one rendering). ``zh``: the heading as the sources print it (its
        number before it or not); an entry whose Chinese is another (the heading changed, or another year's
        list numbers it so) gives none: like a catalog's stale entry, its English is not shown."""
        entry = self.headings.get(family, {}).get(str(number))
        if not isinstance(entry, dict):
            return ""
        own = str(entry.get("zh", ""))
        if zh is not None and own and not _heading_key(zh).endswith(_heading_key(own)):
            return ""
        return self.heading_for_zh(own) or entry.get("en", "")

    def heading_problems(self, printed: dict) -> list[tuple[int | None, str, str]]:
        """(line, message, expected) for each entry of headings.yaml that translates no heading the sources
        print: ``printed`` is family -> number -> the Chinese of that heading in each list or report (a family
        of which the sources hold no list is left alone)."""
        out = []
        for family, entries in self.headings.items():
            if not printed.get(family):  # no list of the family in the sources (yet): nothing to compare with
                continue
            for number, entry in entries.items():
                line = self.heading_lines.get((family, number))
                have = printed[family].get(str(number), [])
                own = str(entry.get("zh", ""))
                if not have:
                    out.append((line, f"{family} heading {number}: the sources print no such heading; its English "
                                "is used nowhere", "the number of a heading the sources print"))
                elif own and not any(_heading_key(zh).endswith(_heading_key(own)) for zh in have):
                    out.append((line, f"{family} heading {number}: {own[:30]!r} is not the heading the sources "
                                f"print ({have[-1][:30]!r}); its English is not shown", "the Chinese of the heading "
                                "as printed, and its English (update both)"))
        return out

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
                for name in [e["zh"], *e.get("aliases", []), *([e["full"]] if e.get("full") else [])]:
                    self._index.setdefault((compact(name), e.get("district", "")), e)
        return self._index

    def unit_slugs_told_apart(self) -> dict[str, str]:
        """Units whose names read alike without tones (市水务局 and 市税务局: shi-shui-wu-ju) would be one
        department: each of them is named in addresses with tone numbers (shi4-shui3-wu4-ju2 …). Returns
        {Chinese name: its slug} for those units only (made once: the register and the build's fingerprint ask)."""
        if "_told_apart" in self._lookups:
            return self._lookups["_told_apart"]
        by_slug: dict[str, set] = {}
        for e in self.units:
            by_slug.setdefault(slugify_zh(e["zh"]), set()).add(e["zh"])
        out: dict[str, str] = {}
        for names in (n for n in by_slug.values() if len(n) > 1):
            for zh in names:
                out[zh] = toned_pinyin(zh, "-")
        self._lookups["_told_apart"] = out
        return out

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
        slug_words = self.unit_slugs_told_apart()

        def register(raw: str, district: str, file: str, line: int) -> str | None:
            e = self.lookup(raw, district)
            if e is None or not e.get("en"):
                rep.error(file, line, f"lead unit {raw!r} has no English name in {GLOSSARY_DIR}/units.yaml",
                          "an entry with zh (or an alias) and en")
                return None
            d = e.get("district", "")
            local = d and e["zh"].startswith("区")
            slug = (f"{d}-" if local else "") + slug_words.get(e["zh"], slugify_zh(e["zh"]))
            uid = ids.format_id("unit", slug)
            if uid not in units:
                units[uid] = Unit(id=uid, slug=slug, zh=(self.district_zh(d) + e["zh"][1:]) if local else e["zh"],
                                  en=e["en"], level=e.get("level", "city"), district=d,
                                  aliases=list(e.get("aliases", [])), full=e.get("full", ""))
            if raw not in (units[uid].zh, units[uid].full) and raw not in units[uid].aliases:
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


UNIT_KEYS = {"zh": "the canonical Chinese name", "en": "the English name", "aliases": "other spellings",
             "level": " | ".join(sorted(LEVELS)), "district": "a district slug, for district units",
             "full": "the official full name (北京市交通委员会)"}
PAIR_KEYS = {"zh": "the Chinese", "en": "the English"}
ISSUER_KEYS = {**PAIR_KEYS, "forms": "other English renderings the termbase check accepts"}
DISTRICT_KEYS = {"zh": "the Chinese name", "en": "the English name", "slug": "the name in URLs"}


def _units_file(path: Path, rel: str, g: "Glossary") -> None:
    """units.yaml: ``units`` (zh, en, aliases, level, district), ``districts`` (zh, en, slug) and ``issuers``
    (zh, en), each checked for shape; a name written twice (a unit's zh, an alias equal to another unit's
    name, a district, an issuer) is an error naming both lines: one of the entries would be lost."""
    from ..yamlfile import Shape, read_yaml

    expected = "a mapping with the lists units:, districts: and issuers:"
    doc = read_yaml(path, rel, expected)
    shape = Shape(doc, rel)
    data = shape.mapping({} if doc.data is None else doc.data, (), expected)
    shape.done()
    shape.keys(data, (), {"units": "lead units", "districts": "districts", "issuers": "issuing bodies"})

    def entries(section, keys, required):
        items = shape.seq(data.get(section) or [], (section,), f"a list of {{{', '.join(keys)}}}")
        for i, e in enumerate(items or []):
            e = shape.mapping(e, (section, i), "{" + ", ".join(f"{k}: …" for k in required) + "}")
            if e is not None and shape.keys(e, (section, i), keys, required=required):
                yield i, e

    districts, slugs, seen = {}, {}, {}
    for i, e in entries("districts", DISTRICT_KEYS, ("zh", "en", "slug")):
        zh, en = shape.text(e["zh"], ("districts", i, "zh")), shape.text(e["en"], ("districts", i, "en"))
        slug = shape.text(e["slug"], ("districts", i, "slug"), "a slug of a-z, 0-9 and -")
        if slug is not None and not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", slug):
            shape.error(("districts", i, "slug"), f"district slug {slug!r}", "a slug of a-z, 0-9 and -")
            slugs.setdefault(slug, doc.line("districts", i))  # known, so that its units are not reported too
            slug = None
        if None in (zh, en, slug):
            continue
        for table, key, what in ((districts, zh, "district"), (slugs, slug, "district slug")):
            if key in table:
                shape.error(("districts", i), f"{what} {key!r} is also at line {table[key]}; one of them would be "
                            "lost", f"each {what} once")
            table.setdefault(key, doc.line("districts", i))
        g.districts.append({"zh": zh, "en": en, "slug": slug})
    for i, e in entries("units", UNIT_KEYS, ("zh", "en")):
        at = ("units", i)
        zh, en = shape.text(e["zh"], (*at, "zh")), shape.text(e["en"], (*at, "en"))
        aliases = shape.texts(e.get("aliases") or [], (*at, "aliases"), "a list of other spellings")
        level = shape.choice(e.get("level", "city"), (*at, "level"), LEVELS)
        district = shape.text(e.get("district") or "", (*at, "district"), empty=True)
        full = shape.text("" if e.get("full") is None else e["full"], (*at, "full"), "a text: the full name",
                          empty=True)
        full = full.strip() if full is not None else None
        if district and district not in slugs:
            shape.error((*at, "district"), f"district {district!r} is not in the districts list",
                        "the slug of one of the districts: " + ", ".join(sorted(slugs)))
            district = None
        if None in (zh, en, aliases, level, district, full):
            continue
        names = [(zh, ("zh",)), *((a, ("aliases", j)) for j, a in enumerate(aliases))] + \
            ([(full, ("full",))] if full else [])
        for name, where_ in names:  # every way the unit is written names it alone
            key = (compact(name), district)
            line = doc.line(*at, *where_)
            if key in seen and seen[key][0] != i:
                shape.error(at + where_,
                            f"unit name {name!r} is also {seen[key][1]} at line {seen[key][2]}; one of the two "
                            "entries would never be found", "each name or alias once (per district)")
            seen.setdefault(key, (i, "a unit's full name" if where_ == ("full",) else "a unit's name or alias", line))
        g.units.append({"zh": zh, "en": en, "aliases": aliases, "level": level, "district": district,
                        **({"full": full} if full else {})})
    issuers = {}
    for i, e in entries("issuers", ISSUER_KEYS, ("zh", "en")):
        zh, en = shape.text(e["zh"], ("issuers", i, "zh")), shape.text(e["en"], ("issuers", i, "en"))
        forms = shape.texts(e.get("forms") or [], ("issuers", i, "forms"), "a list of other English renderings")
        if zh is None or en is None or forms is None:
            continue
        if zh in issuers:
            shape.error(("issuers", i), f"issuer {zh!r} is also at line {issuers[zh]}; one of them would be lost",
                        "each issuer once")
        issuers.setdefault(zh, doc.line("issuers", i))
        g.issuers.setdefault(zh, en)
    shape.done()


def _headings_file(path: Path, rel: str, g: "Glossary") -> None:
    """headings.yaml: for each family (tasklist, report, …) a mapping of heading number (quoted text: 3.10 is
    not 3.1) to {zh, en}; and ``terms``, a list of {zh, en}, each term once."""
    from ..yamlfile import Shape, read_yaml

    expected = "a mapping of family (tasklist, report, …) to headings, and terms:"
    doc = read_yaml(path, rel, expected)
    shape = Shape(doc, rel)
    data = shape.mapping({} if doc.data is None else doc.data, (), expected)
    shape.done()
    for family, headings in data.items():
        if family == "terms":
            continue
        headings = shape.mapping(headings, (family,), 'heading number -> {zh: …, en: …}, e.g. "1.2": {zh: …, en: …}')
        if headings is None:
            continue
        out = {}
        for text, tag, line in doc.keys_as_written(family):
            if not tag.endswith((":str", ":int")):  # 3.10 unquoted is the number 3.1: another heading's key
                kind = {"float": "a decimal number"}.get(tag.rsplit(":", 1)[-1], f"a {tag.rsplit(':', 1)[-1]}")
                shape.problems.append(Problem(rel, line, f"heading number {text} is not quoted, so YAML reads it as "
                                              f"{kind}", f'a quoted number such as "{text}" (unquoted, 3.10 is read '
                                              "as 3.1, the key of another heading)"))
        for number, entry in headings.items():
            at = (family, number)
            if not isinstance(number, (str, int)) or isinstance(number, bool):
                continue
            entry = shape.mapping(entry, at, "{zh: …, en: …}")
            if entry is None or not shape.keys(entry, at, PAIR_KEYS, required=("en",)):
                continue
            if shape.text(entry["en"], (*at, "en")) is None or \
                    shape.text(entry.get("zh", ""), (*at, "zh"), empty=True) is None:
                continue
            out[number] = {k: str(v) for k, v in entry.items()}
            g.heading_lines[(str(family), number)] = doc.line(*at)
        g.headings[str(family)] = out
    terms, seen = shape.seq(data.get("terms") or [], ("terms",), "a list of {zh: …, en: …}"), {}
    for i, e in enumerate(terms or []):
        e = shape.mapping(e, ("terms", i), "{zh: …, en: …}")
        if e is None or not shape.keys(e, ("terms", i), PAIR_KEYS, required=("zh", "en")):
            continue
        zh, en = shape.text(e["zh"], ("terms", i, "zh")), shape.text(e["en"], ("terms", i, "en"))
        if zh is None or en is None:
            continue
        if zh in seen:
            shape.error(("terms", i), f"term {zh!r} is also at line {seen[zh]}; one of them would be lost",
                        "each term once")
            continue
        seen[zh] = doc.line("terms", i)
        g.terms.append({"zh": zh, "en": en})
    shape.done()


def load_glossary(root: Path) -> Glossary:
    from ..content import files_of

    root = Path(root)
    g = Glossary()
    found = {p.name.lower(): p for p in files_of(root, "glossary")}
    problems = []
    for name, read in (("units.yaml", _units_file), ("headings.yaml", _headings_file)):
        if name in found:
            rel = found[name].relative_to(root).as_posix()
            try:
                read(found[name], rel, g)
            except SourceError as e:
                problems.extend(e.problems)
            if name == "units.yaml":
                g.files["units"] = rel
    if problems:
        raise SourceError(problems)
    from .termbase import load_termbase

    g.termbase = load_termbase(root)
    return g
