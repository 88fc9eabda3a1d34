"""The open-data JSON API beside the pages: build/api/v1/*.json.

Every record carries its id (the same ``kind/year/number`` path as its pages;
documents as ``doc:`` + number), Chinese and English fields, and both page
URLs. Output is deterministic: keys sorted, records in id order, one record per line."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

from ..cache.deps import RECORDER
from ..cache.store import blocks_once
from .. import ids, kinds
from ..i18n.romanize import parse_number, romanize_number
from .opendata import SCHEMAS, index_links, schema_url
from .pages import ViewContext
from .urls import url_for
from .views import amended_rules, report_front
from ..i18n.status import summarize

API_ROOT = "api/v1"



def _translated(en: str | None, zh: str) -> str | None:
    """An English field: None where the page falls back to the Chinese (the title of an untranslated document
    without a number to romanise), as README says untranslated fields are."""
    return None if not en or en == zh else en


def _urls(item_id: str, base: str) -> dict:
    return {"zh": base + url_for(item_id, "zh"), "en": base + url_for(item_id, "en")}


def _origins(origins) -> list[dict]:
    out, seen = [], set()
    for o in origins:
        k = (o.file, o.line, o.end_line)
        if k not in seen:
            seen.add(k)
            out.append(o.to_dict())
    return out


def _en(v: ViewContext, key: str, zh: str, family: str):
    """The English of one segment, looked up as the pages look it up (ViewContext.seg); None where none exists."""
    if zh is None:
        return None
    s = v.seg(key, zh, "en", family)
    return s["text"] if s["status"] == "ok" and s["lang"] == "en" else None


def _seg_en(s: dict | None):
    return s["text"] if s and s["status"] == "ok" and s["lang"] == "en" else None


def _block_en(v: ViewContext, b, key: str):
    """The English of one block of running text, as its page shows it; None where it is not translated."""
    s = v.block(b, key, "en")
    if b.kind == "table":
        return "\n".join("\t".join(r["cells"]) for r in s["rows"]) if s["status"] == "ok" else None
    return _seg_en(s)


def _blocks_en(v: ViewContext, blocks, key: str):
    """The English of a run of blocks, one per line (as ``text_zh``), or None unless every block is translated."""
    return _joined([_block_en(v, b, key) for b in blocks])


def _joined(ens: list):
    """Blocks' English (``_block_en``) one per line, or None unless every block is translated."""
    return "\n".join(ens) if all(x is not None for x in ens) else None


def _project_en(v: ViewContext, p):
    """A project's text is its sub-items one after the other; in English, their translations the same way."""
    items = [_en(v, it.id, it.text, "livelihood") for it in p.items]
    return " ".join(items) if items and all(x is not None for x in items) else None


NO_PASSAGES = {"state": "names-only", "passages": 0, "translated": 0, "machine": 0, "human": 0, "unknown": 0,
               "reviewed": 0, "translated_on": None, "source_version": None}


def _with_status(v: ViewContext, make):
    """``make`` with a ``translation_status`` added to the record it returns: the status (see
    generator/i18n/status.py) of every passage the record's English fields were looked up from, or, for a
    record whose English is only names (from the glossary or printed in the source), state "names-only"."""
    def run():
        outer, v.tally = v.tally, []
        try:
            record = make()
        finally:
            segs, v.tally = v.tally, outer
        record["translation_status"] = summarize(segs) or dict(NO_PASSAGES)
        return record
    return run


PLACEHOLDER = re.compile(r"[-—–－_\s]*")  # what a footer prints in a field that has no value (废止日期: ---)


def _metadata(meta: dict) -> dict:
    """A document's metadata as the data gives it: a field printed with a placeholder for no value is null."""
    return {k: None if isinstance(v, str) and PLACEHOLDER.fullmatch(v) else v for k, v in meta.items()}


def _heading_en(p, en_by_key: dict) -> str | None:
    """The English of a provision's title (a chapter's, an annex's): its heading block as the English page shows
    it, less the label; None where it is not translated or the provision has no title."""
    if not p.title or not p.block_keys or p.block_keys[0] not in en_by_key:
        return None
    return en_by_key[p.block_keys[0]] or None


def _structure(v: ViewContext, d, blocks, ens: list, base: str) -> list[dict]:
    """A document's provisions as a tree: each node with its id (the document's id and its anchor), its
    label and title in both languages, its own text (without its children's) and its children. ``ens``: the
    English of each of ``blocks`` (``_block_en``), looked up once for the whole record: a provision's text is
    its blocks', which the document's ``text_en`` has just looked up."""
    from ..kinds.base import group_title, provision_label

    by_key = {b.key: b for b in blocks}
    en_by_key = {b.key: en for b, en in zip(blocks, ens)}  # the same block as by_key's where keys repeat
    page = _urls(d.id, base)  # every provision is on its document's page

    def title_en(p):
        """A group heading's title is its words before the colon (支持条件 and Conditions for support), as
        title_zh; any other's, its heading block's English."""
        en = _heading_en(p, en_by_key)
        return group_title(v, d, p, "en") if en and p.kind == "heading" and not p.level else en

    def node(p):
        inner = {k for c in p.children for k in c.block_keys}
        own = [k for k in p.block_keys if k not in inner and k in by_key]
        own_en = [en_by_key[k] for k in own]
        return {"id": ids.with_anchor(d.id, p.anchor), "anchor": p.anchor, "kind": p.kind,
                "label_zh": provision_label(v, d, p, "zh"), "label_en": provision_label(v, d, p, "en"),
                "title_zh": p.title or None, "title_en": title_en(p),
                "text_zh": "\n".join(by_key[k].text for k in own) or None,
                "text_en": _joined(own_en) if own else None,
                "urls": {lang: f"{url}#{p.anchor}" for lang, url in page.items()},
                "children": [node(c) for c in p.children]}

    return [node(p) for p in d.provisions]


def _link_id(link) -> str:
    return f"{link.src}->{link.dst}#{link.kind}"


class Record:
    """One record of an API file: made by ``make()`` unless the previous build wrote it with the same ``key``.
    ``gid``: the group whose dependencies the record's reads are recorded under (None: the key is the record's
    own content, as for a link)."""

    __slots__ = ("key", "make", "gid")

    def __init__(self, key, make, gid=None):
        self.key, self.make, self.gid = key, make, gid


class RecordFile:
    """A file of records: ``make()`` returns its ``Record``s, and is not called when the previous build wrote
    the file with the same ``key`` (every group of its records kept, the same groups): the old file is copied
    whole. ``count`` is set when the file is written."""

    def __init__(self, key, make, gids=None):
        self.key, self.make, self.gids, self.count = key, make, gids, None


class ApiGroups:
    """Which API records an incremental build may keep, by the dependencies recorded while they were made.

    Records belong to groups (a document, a task list, the departments …: the groups of the pages). A group
    whose recorded dependencies still have their fingerprints is ``kept``: its records are copied from the
    previous file. Records made in this build record their reads under their group (``made``)."""

    def __init__(self, kept: dict | None = None, old: dict | None = None):
        self.kept = kept or {}  # group id -> fingerprint, for the groups that may be kept
        self.old = old or {}  # group id -> {"fp", "deps"} of the previous build
        self.deps: dict = {}  # group id -> set of dependencies recorded in this build

    def reusable(self, r) -> bool:
        """May record ``r`` be copied from the previous file (its group kept, or keyed by its content)?"""
        return r.gid is None or r.gid in self.kept

    def file_key(self, name: str, gids):
        if gids is None or not all(g in self.kept for g in gids):
            return None
        return _digest([name] + [f"{g}\0{self.kept[g]}" for g in gids])

    def made(self, gid: str, deps) -> None:
        self.deps.setdefault(gid, set()).update(deps)

    def final_file_keys(self, written: dict, groups: dict) -> None:
        """Key each file written as the next build will check it (``file_key``): by the final fingerprints of
        its groups. ``written``: file name -> what ``dump_to`` recorded; ``groups``: ``groups(fps)``."""
        for name, rec in written.items():
            gids = rec.get("gids")
            if gids is not None and all(groups.get(g, {}).get("fp") for g in gids):
                rec["key"] = _digest([name] + [f"{g}\0{groups[g]['fp']}" for g in gids])

    def groups(self, fps) -> dict:
        """group id -> {"fp", "deps"} for the manifest: the kept groups as they were, the made ones new."""
        from ..cache.deps import stored

        out = {g: self.old[g] for g in self.kept if g in self.old and g not in self.deps}
        for g, deps in self.deps.items():
            if g in self.kept and g in self.old:
                deps = deps | set(self.old[g]["deps"])
            d = stored(deps)
            out[g] = {"fp": fps.group(d) if fps is not None else None, "deps": d}
        return out


def _digest(parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() + b"\n")
    return h.hexdigest()


def _history(entries) -> list[dict]:
    return [{"date": h.date or None, "body": h.body, "action": h.action, "instrument": h.instrument,
             "text": h.text} for h in entries]


def _amendments(v, d) -> list[dict]:
    """An amendment or repeal decision's rules (the id of each one the archive holds, its history as the
    decision prints it) and their changes (each with its id on the decision, every provision it names, and
    its words as printed)."""
    from ..kinds.decision import change_anchor

    rules = amended_rules(v, d) if d.amendments else {}
    return [{"rule": a.rule_title, "rule_id": getattr(rules.get(a.rule_title.replace(" ", "")), "id", None),
             "history": _history(a.history),
             "changes": [{"id": f"{d.id}#{change_anchor(a.anchor, ch.number)}" if ch.number else None,
                          "action": ch.action, "target": ch.target,
                          "targets": ch.targets,
                          "text": ch.text or None, "old": ch.old or None, "source": ch.source}
                         for ch in a.changes]}
            for a in d.amendments]


def iter_api_files(v: ViewContext, base: str, groups: ApiGroups | None = None):
    """(name, records) for each file of the data API, one file at a time, index.json last: the build
    writes each and drops it, so a large archive never holds the whole API in memory. Records are
    ``Record``s, made when written; ``groups`` says which groups' records an incremental build keeps
    (their JSON is copied from the previous file) and collects what the others read."""
    c = v.corpus
    groups = groups or ApiGroups()
    # each record reads its item from the corpus when it is made (not from an object captured here), so the
    # read is recorded as a dependency of its group

    def key(gid: str, rid: str):  # a record is stored under its id; whether it may be reused is its group's
        return rid

    files: dict[str, RecordFile] = {}

    def done(name: str, gids, records):
        """``gids``: the groups the file's records belong to (None: keyed by content); ``records``: a function."""
        files[name] = RecordFile(groups.file_key(name, gids), records, gids)
        return name, files[name]

    def doc_record(d):
        blocks = blocks_once(d)
        record = {
            "id": d.id, "number": d.number or None, "number_en": kinds.kind_of(d).number_en(d, v) or None,
            "slug": d.slug,
            "title_zh": d.title, "title_en": _translated(v.title(d.id, "en"), d.title),
            "kind": d.kind or None, "date": d.date,  # no kind: the title names no genre the site knows
            "year": d.year or None,
            "issuers": d.issuers, "addressees": d.addressees, "gazette": d.gazette or None, "page": d.page,
            "category_zh": d.category or None, "category_en": d.category_en or None, "contains": d.contains or None,
            "metadata": _metadata(d.meta), "original_script": d.original_script,
            "text_zh": "\n".join(b.text for b in blocks)}
        # each block's English, looked up once for the text and the provisions (after the fields above: the
        # translation status sums passages in the order they were looked up)
        ens = [_block_en(v, b, d.id) for b in blocks]
        record.update({
            "text_en": _joined(ens), "sources": _origins(d.origins), "urls": _urls(d.id, base),
            "structure": _structure(v, d, blocks, ens, base),
            "history": _history(d.history),
            "amendments": _amendments(v, d),
        })
        return record

    docs = sorted(c.documents.values(), key=lambda d: d.id)
    yield done("documents.json", [d.id for d in docs],
               lambda: [Record(key(d.id, d.id), _with_status(v, lambda i=d.id: doc_record(c.documents[i])), d.id) for d in docs])

    def task_record(tl, n):
        t = tl.tasks[n]
        sec = tl.sections[t.section - 1]
        sub = sec.subsections[t.subsection - 1]
        return {
            "id": t.id, "year": t.year, "number": n, "text_zh": t.text, "text_en": _en(v, t.id, t.text, "tasks"),
            "section": sec.id, "section_zh": sec.title, "section_en": v.title(sec.id, "en"),
            "subsection": sub.id, "subsection_zh": sub.title, "subsection_en": v.title(sub.id, "en"),
            "units": t.units, "units_zh": t.units_raw,
            "units_en": [v.unit_label(u, raw, "en") for u, raw in zip(t.units, t.units_raw)],
            "document": tl.document, "sources": _origins(t.origins), "urls": _urls(t.id, base),
        }

    yield done("tasks.json", list(c.tasklists),
               lambda: [Record(key(tl.id, tl.tasks[n].id), _with_status(v, lambda i=tl.id, n=n: task_record(c.tasklists[i], n)), tl.id)
                        for tl in c.tasklists.values() for n in sorted(tl.tasks)])

    def project_record(ll, p):
        return {
            "id": p.id, "year": p.year, "number": p.number, "name_zh": p.name,
            "name_en": _en(v, ids.with_anchor(p.id, "name"), p.name, "livelihood"), "text_zh": p.text,
            "text_en": _project_en(v, p), "text_original": p.original,
            "document": ll.document, "urls": _urls(p.id, base),
            "items": [{"id": it.id, "number": it.number, "text_zh": it.text, "text_original": it.original,
                       "text_en": _en(v, it.id, it.text, "livelihood"), "urls": _urls(it.id, base)}
                      for it in p.items],
        }

    yield done("projects.json", list(c.livelihood),
               lambda: [Record(key(ll.id, p.id), _with_status(v, lambda i=ll.id, k=k: project_record(
                                   c.livelihood[i], c.livelihood[i].projects[k])), ll.id)
                        for ll in c.livelihood.values() for k, p in enumerate(ll.projects)])

    def row_record(tb, r):
        return {
            "id": r.id, "year": r.year, "district": r.district, "district_zh": tb.district_zh,
            "district_en": v.glossary.district_en(tb.district), "number": r.number,
            "source_zh": r.source, "source_en": _en(v, ids.with_anchor(r.id, "source"), r.source, "progress"),
            "task_zh": r.task, "task_en": _en(v, ids.with_anchor(r.id, "task"), r.task, "progress"),
            "units": r.units, "units_zh": r.units_raw, "units_en": [v.unit_name(u, "en") for u in r.units],
            "deadline": r.deadline, "status_zh": r.status, "status_en": _en(v, ids.with_anchor(r.id, "status"), r.status, "progress"),
            "completed": r.status == "已完成",
            "progress_zh": r.progress, "progress_en": _en(v, ids.with_anchor(r.id, "progress"), r.progress, "progress"),
            "targets": [{"text": q.text, "value": q.value, "unit": q.unit} for q in r.targets],
            "reported": [{"text": q.text, "value": q.value, "unit": q.unit} for q in r.reported],
            "target_vs_reported": [{"target": a.text, "reported": b.text, "unit": a.unit,
                                    "target_value": a.value, "reported_value": b.value} for a, b in r.pairs],
            "source_file": {"file": tb.origin.file, "line": r.line}, "urls": _urls(r.id, base),
        }

    yield done("progress.json", list(c.progress),
               lambda: [Record(key(tb.id, r.id), _with_status(v, lambda i=tb.id, k=k: row_record(c.progress[i], c.progress[i].rows[k])),
                               tb.id)
                        for tb in c.progress.values() for k, r in enumerate(tb.rows)])

    def unit_record(u):
        return {"id": u.id, "name_zh": u.zh, "name_en": u.en, "level": u.level, "district": u.district or None,
                "aliases": u.aliases, "full_name": u.full or None, "urls": _urls(u.id, base)}

    yield done("units.json", ["unit"],
               lambda: [Record(key("unit", u.id), _with_status(v, lambda i=u.id: unit_record(c.units[i])), "unit") for u in c.units.values()])

    def link_record(l):
        return {"id": _link_id(l), "source": l.src, "target": l.dst, "kind": l.kind, "score": round(l.score, 3),
                "evidence": l.evidence, "rule": l.rule, "origin": l.origin,
                "urls": {"source": _urls(l.src, base), "target": _urls(l.dst, base)}}

    def link_key(l):  # a link's record is made from the link alone: its content keys it
        return _digest([_link_id(l), repr((l.score, l.evidence, l.rule, l.origin))])

    links = sorted(dict.values(c.links) if isinstance(c.links, dict) else c.links, key=lambda l: (l.src, l.dst, l.kind))
    links_key = _digest(["links.json"] + [link_key(l) for l in links])
    files["links.json"] = RecordFile(links_key, lambda: [Record(link_key(l), lambda l=l: link_record(l)) for l in links])
    yield "links.json", files["links.json"]

    def report_record(rep):
        front = report_front(v, rep, "en")

        def topic(sec, t):
            block = next((b for b in sec.paragraphs if b.anchor == t.id), None)
            return {"id": t.id, "lead_zh": t.lead, "lead_en": v.glossary.heading_for_zh(t.lead) or None,
                    "text_zh": t.text, "text_en": _block_en(v, block, rep.id) if block is not None else None,
                    "urls": _urls(t.id, base)}

        return {
            "id": rep.id, "year": rep.year, "title_zh": rep.title, "title_en": _seg_en(front["title"]),
            "date": rep.date, "speaker_zh": rep.speaker, "speaker_en": _seg_en(front["speaker"]),
            "targets": [{"text_zh": t.text, "text_en": _en(v, ids.with_anchor(rep.id, f"target{k}"), t.text, "report"),
                         "indicator_zh": t.indicator,
                         "indicator_en": _en(v, ids.with_anchor(rep.id, f"target{k}.indicator"), t.indicator, "report"),
                         "value_zh": t.value, "value_en": _en(v, ids.with_anchor(rep.id, f"target{k}.value"), t.value, "report")}
                        for k, t in enumerate(rep.targets)],
            "parts": [{"id": p.id, "title_zh": p.title, "title_en": v.title(p.id, "en"), "urls": _urls(p.id, base),
                       # the part's own paragraphs, before its first section (all of a part without sections)
                       "text_zh": "\n".join(b.text for b in p.paragraphs),
                       "text_en": _blocks_en(v, p.paragraphs, rep.id),
                       "sections": [{"id": s.id, "title_zh": s.title, "title_en": v.title(s.id, "en"),
                                     "urls": _urls(s.id, base),
                                     "text_zh": "\n".join(b.text for b in s.paragraphs),
                                     "text_en": _blocks_en(v, s.paragraphs, rep.id),
                                     "topics": [topic(s, t) for t in s.topics]}
                                    for s in p.sections]} for p in rep.parts],
            "urls": _urls(rep.id, base),
        }

    yield done("reports.json", list(c.reports),
               lambda: [Record(key(rep.id, rep.id), _with_status(v, lambda i=rep.id: report_record(c.reports[i])), rep.id)
                        for rep in c.reports.values()])

    def gazette_record(g):
        return {"id": g.id, "year": g.year, "number": g.number, "total_number": g.total_number, "date": g.date,
                "documents": g.documents, "toc": [{"category_zh": e.category_zh, "category_en": e.category_en,
                                                   "title_zh": e.title_zh, "title_en": e.title_en,
                                                   "number_zh": e.number_zh, "number_en": romanize_number(e.number_zh) if parse_number(e.number_zh) else None,
                                                   "number_en_printed": e.number_en, "page": e.page}
                                                  for e in g.toc],
                "urls": _urls(g.id, base)}

    yield done("gazettes.json", list(c.gazettes),
               lambda: [Record(key(g.id, g.id), _with_status(v, lambda i=g.id: gazette_record(c.gazettes[i])), g.id) for g in c.gazettes.values()])
    def citation_record(r):
        return {"id": f"{r.source}#{r.key}@{r.start}", "source": r.source, "block": r.key, "line": r.line,
                "text": r.text, "target": r.target, "provision": r.provision or None, "resolved": r.resolved,
                "urls": {lang: u + (f"#{r.provision}" if r.provision else "")
                         for lang, u in _urls(r.resolved, base).items()} if r.resolved else None}

    cites = sorted(c.citations, key=lambda r: (r.source, r.line, r.key, r.start))

    def cite_key(r):  # a citation's record is made from the citation alone: its content keys it
        return _digest([repr((r.source, r.key, r.line, r.start, r.text, r.target, r.provision, r.resolved))])

    files["citations.json"] = RecordFile(_digest(["citations.json"] + [cite_key(r) for r in cites]),
                                         lambda: [Record(cite_key(r), lambda r=r: citation_record(r)) for r in cites])
    yield "citations.json", files["citations.json"]
    names = ["documents.json", "tasks.json", "projects.json", "progress.json", "units.json", "links.json",
             "reports.json", "gazettes.json", "citations.json"]
    yield "index.json", {
        "version": 1, "files": {name: {"records": files[name].count, "url": f"{base}/{API_ROOT}/{name}",
                                       "schema": schema_url(base, name)} for name in names},
        "id_scheme": id_scheme(),
        **index_links(base),
    }


def id_scheme() -> str:
    """How ids are made, as index.json states it: the data contract's words, kept where the contract is (the
    ``const`` that schemas/index.json gives ``id_scheme``), so the file and its published schema say the same."""
    return json.loads((SCHEMAS / "index.json").read_text("utf-8"))["properties"]["id_scheme"]["const"]


def _record_json(record: dict) -> str:
    """A record on one line (keys sorted): a file is a JSON list with one record per line, which reads
    well, greps well, and is encoded by json's C encoder (an indented dump goes through its pure-Python
    encoder, several times slower: bench/README.md)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def dump_to(path, data, old: dict | None = None, new: dict | None = None, old_dir=None,
            groups: ApiGroups | None = None) -> None:
    """One file of the data API, streamed to disk (never the whole text in memory). ``data``: a
    ``RecordFile`` or any JSON value.

    For a record file, ``new[file name]`` records its key, size, record count and where each keyed
    record's JSON lies in it (record key -> offset, length). With the previous build's record in ``old``
    and its files in ``old_dir``: a file with the same key is copied whole; otherwise each record
    whose key is in the old file's record is copied from it (runs of them in one read) instead of made.
    An old file that is not the size the previous build wrote is not used."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(path):  # never written in place: it may be a hard link to a file of the served site
        os.unlink(path)
    if not isinstance(data, RecordFile):
        with open(path, "wb") as fh:
            fh.write(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") + b"\n")
        return
    before = (old or {}).get(path.name)
    previous = None
    if before is not None and old_dir is not None:
        try:
            previous = open(Path(old_dir) / path.name, "rb")
        except OSError:
            previous = None
        if previous is not None and os.fstat(previous.fileno()).st_size != before["size"]:
            previous.close()
            previous = None
    try:
        if previous is not None and data.key is not None and before["key"] == data.key:
            try:  # the same bytes: a second name for the old file (it is renamed over itself later)
                os.link(Path(old_dir) / path.name, path)
            except OSError:
                with open(path, "wb") as fh:
                    shutil.copyfileobj(previous, fh, 1 << 23)
            data.count = before["count"]
            if new is not None:
                new[path.name] = before
            return
        records = data.make()
        data.count = len(records)
        offsets = _write_records(path, records, before["records"] if previous is not None else {}, previous, groups)
        if new is not None:
            new[path.name] = {"key": data.key, "size": path.stat().st_size, "count": len(records),
                              "records": offsets, "gids": data.gids}
    finally:
        if previous is not None:
            previous.close()


def _copy_range(src, dest, start: int, length: int) -> None:
    """Append ``length`` bytes of the open file ``src`` from ``start`` to the open file ``dest``: copied by the
    kernel (copy_file_range: no trip through this process; a run of kept records can be most of a file of
    hundreds of MB), or read and written in pieces where the system cannot."""
    dest.flush()
    done = 0
    try:
        while done < length:
            n = os.copy_file_range(src.fileno(), dest.fileno(), length - done, start + done)
            if n == 0:  # the file is shorter than its record says: the reader below reports nothing either
                break
            done += n
    except (OSError, AttributeError):  # another file system, or no copy_file_range: copied here below
        pass
    dest.seek(0, os.SEEK_END)  # the buffered writer's idea of its position, after the kernel wrote
    src.seek(start + done)
    left = length - done
    while left:
        piece = src.read(min(left, 1 << 23))
        if not piece:
            raise OSError(f"{src.name}: cut short (changed while it was read)")
        dest.write(piece)
        left -= len(piece)


def _write_records(path, records: list, old: dict, previous, groups: ApiGroups | None = None) -> dict:
    """Write ``records`` as a JSON list; returns record key -> (offset, length) in the file written."""
    offsets: dict = {}
    with open(path, "wb") as fh:
        if not records:
            fh.write(b"[]\n")
            return offsets
        fh.write(b"[\n")
        pos = 2  # bytes written so far
        first = True
        run: list = []  # reused records that follow each other in the old file: (key, old offset, length)

        def flush_run():
            nonlocal pos, first
            if not run:
                return
            start, end = run[0][1], run[-1][1] + run[-1][2]
            if not first:
                fh.write(b",\n")
                pos += 2
            _copy_range(previous, fh, start, end - start)
            for key, off, length in run:
                offsets[key] = (pos + off - start, length)
            pos += end - start
            first = False
            run.clear()

        for r in records:
            where = old.get(r.key) if r.key is not None and (groups is None or groups.reusable(r)) else None
            if where is not None:
                if run and where[0] != run[-1][1] + run[-1][2] + 2:  # not the next record of the old file
                    flush_run()
                run.append((r.key, where[0], where[1]))
                continue
            flush_run()
            if groups is not None and r.gid is not None:
                with RECORDER.recording() as deps:
                    rec = r.make()
                groups.made(r.gid, deps)
            else:
                rec = r.make()
            chunk = _record_json(rec).encode("utf-8")
            if not first:
                fh.write(b",\n")
                pos += 2
            fh.write(chunk)
            if r.key is not None:
                offsets[r.key] = (pos, len(chunk))
            pos += len(chunk)
            first = False
        flush_run()
        fh.write(b"\n]\n")
    return offsets
