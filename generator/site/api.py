"""The open-data JSON API beside the pages: build/api/v1/*.json.

Every record carries its id (the same ``kind/year/number`` path as its pages;
documents as ``doc:`` + number), Chinese and English fields, and both page
URLs. Output is deterministic: keys sorted, records in id order, one record per line."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from ..i18n.romanize import romanize_number
from .opendata import index_links, schema_url
from .pages import Views
from .urls import url_for
from .views import report_front

API_ROOT = "api/v1"


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


def _en(v: Views, key: str, zh: str, family: str):
    """The English of one segment, looked up as the pages look it up (Views.seg); None where none exists."""
    if zh is None:
        return None
    s = v.seg(key, zh, "en", family)
    return s["text"] if s["status"] == "ok" and s["lang"] == "en" else None


def _seg_en(s: dict | None):
    return s["text"] if s and s["status"] == "ok" and s["lang"] == "en" else None


def _block_en(v: Views, b, key: str):
    """The English of one block of running text, as its page shows it; None where it is not translated."""
    s = v.block(b, key, "en")
    if b.kind == "table":
        return "\n".join("\t".join(r["cells"]) for r in s["rows"]) if s["status"] == "ok" else None
    return _seg_en(s)


def _blocks_en(v: Views, blocks, key: str):
    """The English of a run of blocks, one per line (as ``text_zh``), or None unless every block is translated."""
    out = [_block_en(v, b, key) for b in blocks]
    return "\n".join(out) if all(x is not None for x in out) else None


def _project_en(v: Views, p):
    """A project's text is its sub-items one after the other; in English, their translations the same way."""
    items = [_en(v, it.id, it.text, "livelihood") for it in p.items]
    return " ".join(items) if items and all(x is not None for x in items) else None


def _link_id(link) -> str:
    return f"{link.src}->{link.dst}#{link.kind}"


class Record:
    """One record of an API file: made by ``make()`` unless the previous build wrote it with the same ``key``
    (the fingerprint of the group of pages it belongs to, see generator/incremental.py, and its id)."""

    __slots__ = ("key", "make")

    def __init__(self, key, make):
        self.key, self.make = key, make


class RecordFile:
    """A file of records: ``make()`` returns its ``Record``s, and is not called when the previous build
    wrote the file with the same ``key`` (a digest of the fingerprints of every group its records belong
    to): the old file is copied whole. ``count`` is set when the file is written."""

    def __init__(self, key, make):
        self.key, self.make, self.count = key, make, None


def _digest(parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() + b"\n")
    return h.hexdigest()


def iter_api_files(v: Views, base: str, fp=None):
    """(name, records) for each file of the data API, one file at a time, index.json last: the build
    writes each and drops it, so a large archive never holds the whole API in memory. Records are
    ``Record``s, made when written; ``fp`` (incremental.Fingerprints) keys them by the fingerprint of
    their group, so an incremental build keeps the JSON of every record whose inputs did not change."""
    c = v.c

    def key(gid: str, rid: str):
        g = fp.group.get(gid) if fp is not None else None
        return f"{g}\0{rid}" if g else None

    files: dict[str, RecordFile] = {}

    def done(name: str, gids, records):
        """``gids``: the groups the file's records belong to (None: no file key); ``records``: a function."""
        file_key = None
        if fp is not None and gids is not None:
            fps = [fp.group.get(g) for g in gids]
            file_key = _digest([name] + [f"{g}\0{f}" for g, f in zip(gids, fps)]) if all(fps) else None
        files[name] = RecordFile(file_key, records)
        return name, files[name]

    def doc_record(d):
        blocks = d.blocks_once()
        return {
            "id": d.id, "number": d.number, "number_en": romanize_number(d.number), "slug": d.slug,
            "title_zh": d.title, "title_en": v.title(d.id, "en"), "kind": d.kind, "date": d.date, "year": d.year,
            "issuers": d.issuers, "addressees": d.addressees, "gazette": d.gazette or None, "page": d.page,
            "category_zh": d.category or None, "category_en": d.category_en or None, "contains": d.contains or None,
            "metadata": d.meta, "original_script": d.original_script,
            "text_zh": "\n".join(b.text for b in blocks), "text_en": _blocks_en(v, blocks, d.id),
            "sources": _origins(d.origins), "urls": _urls(d.id, base),
        }

    docs = sorted(c.documents.values(), key=lambda d: d.id)
    yield done("documents.json", [d.id for d in docs],
               lambda: [Record(key(d.id, d.id), lambda d=d: doc_record(d)) for d in docs])

    def task_record(tl, n):
        t = tl.tasks[n]
        sec = tl.sections[t.section - 1]
        sub = sec.subsections[t.subsection - 1]
        return {
            "id": t.id, "year": t.year, "number": n, "text_zh": t.text, "text_en": _en(v, t.id, t.text, "tasks"),
            "section": sec.id, "section_zh": sec.title, "section_en": v.title(sec.id, "en"),
            "subsection": sub.id, "subsection_zh": sub.title, "subsection_en": v.title(sub.id, "en"),
            "units": t.units, "units_zh": t.units_raw, "units_en": [v.unit_name(u, "en") for u in t.units],
            "document": tl.document, "sources": _origins(t.origins), "urls": _urls(t.id, base),
        }

    yield done("tasks.json", list(c.tasklists),
               lambda: [Record(key(tl.id, tl.tasks[n].id), lambda tl=tl, n=n: task_record(tl, n))
                        for tl in c.tasklists.values() for n in sorted(tl.tasks)])

    def project_record(ll, p):
        return {
            "id": p.id, "year": p.year, "number": p.number, "name_zh": p.name,
            "name_en": _en(v, f"{p.id}#name", p.name, "livelihood"), "text_zh": p.text,
            "text_en": _project_en(v, p), "text_original": p.original,
            "document": ll.document, "urls": _urls(p.id, base),
            "items": [{"id": it.id, "number": it.number, "text_zh": it.text, "text_original": it.original,
                       "text_en": _en(v, it.id, it.text, "livelihood"), "urls": _urls(it.id, base)}
                      for it in p.items],
        }

    yield done("projects.json", list(c.livelihood),
               lambda: [Record(key(ll.id, p.id), lambda ll=ll, p=p: project_record(ll, p))
                        for ll in c.livelihood.values() for p in ll.projects])

    def row_record(tb, r):
        return {
            "id": r.id, "year": r.year, "district": r.district, "district_zh": tb.district_zh,
            "district_en": v.g.district_en(tb.district), "number": r.number,
            "source_zh": r.source, "source_en": _en(v, f"{r.id}#source", r.source, "progress"),
            "task_zh": r.task, "task_en": _en(v, f"{r.id}#task", r.task, "progress"),
            "units": r.units, "units_zh": r.units_raw, "units_en": [v.unit_name(u, "en") for u in r.units],
            "deadline": r.deadline, "status_zh": r.status, "status_en": _en(v, f"{r.id}#status", r.status, "progress"),
            "completed": r.status == "已完成",
            "progress_zh": r.progress, "progress_en": _en(v, f"{r.id}#progress", r.progress, "progress"),
            "targets": [{"text": q.text, "value": q.value, "unit": q.unit} for q in r.targets],
            "reported": [{"text": q.text, "value": q.value, "unit": q.unit} for q in r.reported],
            "target_vs_reported": [{"target": a.text, "reported": b.text, "unit": a.unit,
                                    "target_value": a.value, "reported_value": b.value} for a, b in r.pairs],
            "source_file": {"file": tb.origin.file, "line": r.line}, "urls": _urls(r.id, base),
        }

    yield done("progress.json", list(c.progress),
               lambda: [Record(key(tb.id, r.id), lambda tb=tb, r=r: row_record(tb, r))
                        for tb in c.progress.values() for r in tb.rows])

    def unit_record(u):
        return {"id": u.id, "name_zh": u.zh, "name_en": u.en, "level": u.level, "district": u.district or None,
                "aliases": u.aliases, "urls": _urls(u.id, base)}

    yield done("units.json", ["unit"],
               lambda: [Record(key("unit", u.id), lambda u=u: unit_record(u)) for u in c.units.values()])

    def link_record(l):
        return {"id": _link_id(l), "source": l.src, "target": l.dst, "kind": l.kind, "score": round(l.score, 3),
                "evidence": l.evidence, "rule": l.rule, "origin": l.origin,
                "urls": {"source": _urls(l.src, base), "target": _urls(l.dst, base)}}

    def link_key(l):  # a link is part of the fingerprint of the groups at both its ends
        if fp is None:
            return None
        a, b = fp.group.get(fp.owner.get(l.src, "")), fp.group.get(fp.owner.get(l.dst, ""))
        return f"{a}\0{b}\0{_link_id(l)}" if a and b else None

    # every link is part of the fingerprint of the groups at its ends: those groups key the file
    ends = sorted({fp.owner.get(e, "?") for l in c.links for e in (l.src, l.dst)}) if fp is not None else None
    yield done("links.json", ends,
               lambda: [Record(link_key(l), lambda l=l: link_record(l))
                        for l in sorted(c.links, key=lambda l: (l.src, l.dst, l.kind))])

    def report_record(rep):
        front = report_front(v, rep, "en")

        def topic(sec, t):
            block = next((b for b in sec.paragraphs if b.anchor == t.id), None)
            return {"id": t.id, "lead_zh": t.lead, "lead_en": _en(v, f"{t.id}#lead", t.lead, "report"),
                    "text_zh": t.text, "text_en": _block_en(v, block, rep.id) if block is not None else None,
                    "urls": _urls(t.id, base)}

        return {
            "id": rep.id, "year": rep.year, "title_zh": rep.title, "title_en": _seg_en(front["title"]),
            "date": rep.date, "speaker_zh": rep.speaker, "speaker_en": _seg_en(front["speaker"]),
            "targets": [{"text_zh": t.text, "text_en": _en(v, f"{rep.id}#target{k}", t.text, "report"),
                         "indicator_zh": t.indicator,
                         "indicator_en": _en(v, f"{rep.id}#target{k}.indicator", t.indicator, "report"),
                         "value_zh": t.value, "value_en": _en(v, f"{rep.id}#target{k}.value", t.value, "report")}
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
               lambda: [Record(key(rep.id, rep.id), lambda rep=rep: report_record(rep)) for rep in c.reports.values()])

    def gazette_record(g):
        return {"id": g.id, "year": g.year, "number": g.number, "total_number": g.total_number, "date": g.date,
                "documents": g.documents, "toc": [{"category_zh": e.category_zh, "category_en": e.category_en,
                                                   "title_zh": e.title_zh, "title_en": e.title_en,
                                                   "number_zh": e.number_zh, "number_en": romanize_number(e.number_zh),
                                                   "number_en_printed": e.number_en, "page": e.page}
                                                  for e in g.toc],
                "urls": _urls(g.id, base)}

    yield done("gazettes.json", list(c.gazettes),
               lambda: [Record(key(g.id, g.id), lambda g=g: gazette_record(g)) for g in c.gazettes.values()])
    names = ["documents.json", "tasks.json", "projects.json", "progress.json", "units.json", "links.json",
             "reports.json", "gazettes.json"]
    yield "index.json", {
        "version": 1, "files": {name: {"records": files[name].count, "url": f"{base}/{API_ROOT}/{name}",
                                       "schema": schema_url(base, name)} for name in names},
        "id_scheme": "kind/year/number, documents as doc:<number>; pages at /{zh|en}/<id path>/",
        **index_links(base),
    }


def _record_json(record: dict) -> str:
    """A record on one line (keys sorted): a file is a JSON list with one record per line, which reads
    well, greps well, and is encoded by json's C encoder (an indented dump goes through its pure-Python
    encoder, which took 40% of the API's time)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def dump_to(path, data, old: dict | None = None, new: dict | None = None, old_dir=None) -> None:
    """One file of the data API, streamed to disk (never the whole text in memory). ``data``: a
    ``RecordFile`` or any JSON value.

    For a record file, ``new[file name]`` records its key, size, record count and where each keyed
    record's JSON lies in it (record key -> offset, length). With the previous build's record in ``old``
    and its files in ``old_dir``: a file with the same key is copied whole; otherwise each record
    whose key is in the old file's record is copied from it (runs of them in one read) instead of made.
    An old file that is not the size the previous build wrote is not used."""
    path.parent.mkdir(parents=True, exist_ok=True)
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
        offsets = _write_records(path, records, before["records"] if previous is not None else {}, previous)
        if new is not None:
            new[path.name] = {"key": data.key, "size": path.stat().st_size, "count": len(records),
                              "records": offsets}
    finally:
        if previous is not None:
            previous.close()


def _write_records(path, records: list, old: dict, previous) -> dict:
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
            previous.seek(start)
            left = end - start
            while left:  # in pieces: a run can be most of a 100 MB file
                piece = previous.read(min(left, 1 << 23))
                fh.write(piece)
                left -= len(piece)
            for key, off, length in run:
                offsets[key] = (pos + off - start, length)
            pos += end - start
            first = False
            run.clear()

        for r in records:
            where = old.get(r.key) if r.key is not None else None
            if where is not None:
                if run and where[0] != run[-1][1] + run[-1][2] + 2:  # not the next record of the old file
                    flush_run()
                run.append((r.key, where[0], where[1]))
                continue
            flush_run()
            chunk = _record_json(r.make()).encode("utf-8")
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
