"""Citations between documents: what each document's text cites (found when it was read, kinds/citations.py),
resolved against the archive.

A citation resolves when its target names a document of the archive: a document number (``doc:京政发〔2026〕1号``),
a decree (``decree/334``), an announcement's number, or a 《title》 that is a document's title or the title of
what it carries (a task list, a livelihood list, a work report, what a circular issues: 关于印发《X》的通知). A
document naming what it issues itself is resolved to itself, without a link. A title several items bear (《政府工作报告》, one
a year) resolves to the one of the citing document's year, else not at all. Every resolved citation becomes a
link ``cites`` from the citing document to the cited one, its evidence the citation as written; an amendment
or repeal decision also links ``amends`` to each rule it changes. Every citation, resolved or not, is kept in
``corpus.citations`` for the data API (unresolved ones are not errors: most cite documents outside the archive).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import kinds
from ..model import Corpus, Link
from ..kinds.citations import title_key
from ..normalize import to_simplified


@dataclass
class CitationRecord:
    source: str  # the citing document's id
    key: str  # the block it is in
    line: int
    start: int  # where in the block's text it starts
    text: str  # as written
    target: str  # the normalised key (kinds/citations.py)
    provision: str  # the anchor of the provision cited, if any
    resolved: str | None  # the id of the document (or list) it names in the archive


ENCLOSURE = re.compile(r"^[^《]*(?:关于)?(?:印发|发布|颁布|转发)《(.+)》的(?:通知|函|决定)$")


def citation_index(corpus: Corpus) -> dict[str, list[tuple[str, int]]]:
    """Citation key -> [(item id, year)] of the archive's items that a citation with that key names."""
    index: dict[str, list] = {}

    def add(key: str, item_id: str, year: int):
        if key and (item_id, year) not in index.setdefault(key, []):
            index[key].append((item_id, year))

    for d in dict.values(corpus.documents):
        for key in kinds.kind_of(d).citation_keys(d):
            add(key, d.id, d.year)
        add(title_key(d.title), d.id, d.year)
    for family in ("tasklists", "livelihood", "reports"):
        for x in dict.values(getattr(corpus, family)):
            add(title_key(x.title), x.id, x.year)
    # what a circular issues (关于印发《X》的通知) is in it: 《X》 names the circular, unless a list of its own
    # (a task list, a livelihood list) bears that title
    for d in dict.values(corpus.documents):
        m = ENCLOSURE.search(to_simplified(d.title))
        if m and title_key(m.group(1)) not in index:
            add(title_key(m.group(1)), d.id, d.year)
    return index


def resolve(c, citing, index) -> str | None:
    found = index.get(c.target, [])
    if len(found) > 1:  # the same title borne by several items: the one of the citing document's year
        found = [f for f in found if f[1] == citing.year]
    if len(found) != 1:
        return None
    return found[0][0]  # the citing document itself where it names what it issues: resolved, but no link


def citation_links(corpus: Corpus) -> tuple[list[Link], list[CitationRecord]]:
    index = citation_index(corpus)
    records, links = [], {}
    for d in dict.values(corpus.documents):
        for c in d.citations:
            target = resolve(c, d, index)
            provision = c.provision or (_enclosure(d, c.target) if target == d.id else "")
            records.append(CitationRecord(d.id, c.key, c.line, c.start, c.text, c.target, provision, target))
            if target is None or target == d.id:
                continue
            link = links.get((d.id, target, "cites"))
            if link is None:
                links[(d.id, target, "cites")] = Link(d.id, target, "cites", 1.0, [c.text], "citation")
            elif c.text not in link.evidence:
                link.evidence.append(c.text)
        for a in d.amendments:  # a decision: each rule it amends or repeals
            rule = resolve(_Target(title_key(a.rule_title)), d, index)
            if rule is None or rule == d.id:
                continue
            link = links.setdefault((d.id, rule, "amends"),
                                    Link(d.id, rule, "amends", 1.0, [f"《{a.rule_title}》"], "amendment"))
            if f"《{a.rule_title}》" not in link.evidence:
                link.evidence.append(f"《{a.rule_title}》")
    return list(links.values()), records


def _enclosure(d, target: str) -> str:
    """The anchor of the annex of ``d`` that bears the title ``target`` names (what a circular issues), or ""."""
    from ..kinds.structure import walk

    return next((p.anchor for p in walk(d.provisions) if p.kind == "attachment" and p.title
                 and title_key(p.title) == target), "")


@dataclass
class _Target:
    target: str
