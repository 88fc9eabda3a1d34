"""The open-data JSON API beside the pages: build/api/v1/*.json.

Every record carries its id (the same ``kind/year/number`` path as its pages;
documents as ``doc:`` + number), Chinese and English fields, and both page
URLs. Output is deterministic: keys sorted, records in id order."""
from __future__ import annotations

import json

from ..i18n.romanize import romanize_number
from .pages import Views
from .urls import url_for

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
    s = v.tr.get(key, zh, family)
    return s.en if s.ok else None


def api_files(v: Views, base: str) -> dict[str, object]:
    c = v.c
    docs = []
    for d in sorted(c.documents.values(), key=lambda d: d.id):
        docs.append({
            "id": d.id, "number": d.number, "number_en": romanize_number(d.number), "slug": d.slug,
            "title_zh": d.title, "title_en": v.title(d.id, "en"), "kind": d.kind, "date": d.date, "year": d.year,
            "issuers": d.issuers, "addressees": d.addressees, "gazette": d.gazette or None, "page": d.page,
            "category_zh": d.category or None, "category_en": d.category_en or None, "contains": d.contains or None,
            "metadata": d.meta, "original_script": d.original_script,
            "text_zh": "\n".join(b.text for b in d.blocks),
            "sources": _origins(d.origins), "urls": _urls(d.id, base),
        })
    tasks = []
    for tl in c.tasklists.values():
        for n in sorted(tl.tasks):
            t = tl.tasks[n]
            sec = tl.sections[t.section - 1]
            sub = sec.subsections[t.subsection - 1]
            tasks.append({
                "id": t.id, "year": t.year, "number": n, "text_zh": t.text, "text_en": _en(v, t.id, t.text, "tasks"),
                "section": sec.id, "section_zh": sec.title, "section_en": v.title(sec.id, "en"),
                "subsection": sub.id, "subsection_zh": sub.title, "subsection_en": v.title(sub.id, "en"),
                "units": t.units, "units_zh": t.units_raw, "units_en": [v.unit_name(u, "en") for u in t.units],
                "document": tl.document, "sources": _origins(t.origins), "urls": _urls(t.id, base),
            })
    projects = []
    for ll in c.livelihood.values():
        for p in ll.projects:
            projects.append({
                "id": p.id, "year": p.year, "number": p.number, "name_zh": p.name,
                "name_en": _en(v, f"{p.id}#name", p.name, "livelihood"), "text_zh": p.text, "text_original": p.original,
                "document": ll.document, "urls": _urls(p.id, base),
                "items": [{"id": it.id, "number": it.number, "text_zh": it.text, "text_original": it.original,
                           "text_en": _en(v, it.id, it.text, "livelihood"), "urls": _urls(it.id, base)}
                          for it in p.items],
            })
    rows = []
    for tb in c.progress.values():
        for r in tb.rows:
            rows.append({
                "id": r.id, "year": r.year, "district": r.district, "district_zh": tb.district_zh,
                "district_en": v.g.district_en(tb.district), "number": r.number,
                "source_zh": r.source, "task_zh": r.task, "task_en": _en(v, f"{r.id}#task", r.task, "progress"),
                "units": r.units, "units_zh": r.units_raw, "units_en": [v.unit_name(u, "en") for u in r.units],
                "deadline": r.deadline, "status_zh": r.status, "status_en": _en(v, f"{r.id}#status", r.status, "progress"),
                "completed": r.status == "已完成",
                "progress_zh": r.progress, "progress_en": _en(v, f"{r.id}#progress", r.progress, "progress"),
                "targets": [{"text": q.text, "value": q.value, "unit": q.unit} for q in r.targets],
                "reported": [{"text": q.text, "value": q.value, "unit": q.unit} for q in r.reported],
                "target_vs_reported": [{"target": a.text, "reported": b.text, "unit": a.unit,
                                        "target_value": a.value, "reported_value": b.value} for a, b in r.pairs],
                "source_file": {"file": tb.origin.file, "line": r.line}, "urls": _urls(r.id, base),
            })
    units = []
    for u in c.units.values():
        units.append({"id": u.id, "name_zh": u.zh, "name_en": u.en, "level": u.level, "district": u.district or None,
                      "aliases": u.aliases, "urls": _urls(u.id, base)})
    links = [{"source": l.src, "target": l.dst, "kind": l.kind, "score": round(l.score, 3), "evidence": l.evidence,
              "rule": l.rule, "origin": l.origin} for l in sorted(c.links, key=lambda l: (l.src, l.dst, l.kind))]
    reports = []
    for rep in c.reports.values():
        reports.append({
            "id": rep.id, "year": rep.year, "title_zh": rep.title, "date": rep.date, "speaker_zh": rep.speaker,
            "targets": [{"text_zh": t.text, "indicator_zh": t.indicator, "value_zh": t.value} for t in rep.targets],
            "parts": [{"id": p.id, "title_zh": p.title, "title_en": v.title(p.id, "en"), "urls": _urls(p.id, base),
                       "sections": [{"id": s.id, "title_zh": s.title, "title_en": v.title(s.id, "en"),
                                     "urls": _urls(s.id, base),
                                     "text_zh": "\n".join(b.text for b in s.paragraphs),
                                     "topics": [{"id": t.id, "lead_zh": t.lead, "text_zh": t.text,
                                                 "urls": _urls(t.id, base)} for t in s.topics]}
                                    for s in p.sections]} for p in rep.parts],
            "urls": _urls(rep.id, base),
        })
    gazettes = [{"id": g.id, "year": g.year, "number": g.number, "total_number": g.total_number, "date": g.date,
                 "documents": g.documents, "toc": [{"category_zh": e.category_zh, "category_en": e.category_en,
                                                    "title_zh": e.title_zh, "title_en": e.title_en,
                                                    "number_zh": e.number_zh, "number_en": romanize_number(e.number_zh),
                                                    "number_en_printed": e.number_en, "page": e.page}
                                                   for e in g.toc],
                 "urls": _urls(g.id, base)} for g in c.gazettes.values()]
    files = {
        "documents.json": docs, "tasks.json": tasks, "projects.json": projects, "progress.json": rows,
        "units.json": units, "links.json": links, "reports.json": reports, "gazettes.json": gazettes,
    }
    files["index.json"] = {
        "version": 1, "files": {name: {"records": len(data), "url": f"{base}/{API_ROOT}/{name}"}
                                for name, data in files.items()},
        "id_scheme": "kind/year/number, documents as doc:<number>; pages at /{zh|en}/<id path>/",
    }
    return files


def dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
