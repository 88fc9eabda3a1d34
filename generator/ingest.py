"""``python -m generator ingest FILE``: take a new gazette issue or circular as
published (plain text), validate it together with everything already in
content/, file it under content/sources/ with a normalised name, record its
provenance, and report what it brought. A file that cannot be understood is
refused with the reason; nothing in content/ is touched unless the whole
corpus, new file included, parses cleanly."""
from __future__ import annotations

import datetime
import hashlib
import shutil
import tempfile
from pathlib import Path

import yaml

from .errors import Problem, SourceError
from .sources import SOURCES_DIR, detect_kind, load_corpus, read_source


def _target_name(corpus, src, kind: str) -> str:
    if kind == "gazette":
        g = next(g for g in corpus.gazettes.values() if g.origin.file == src.path)
        return f"{g.year}-gazette-{g.number:03d}.txt"
    if kind == "report":
        r = next(r for r in corpus.reports.values() if r.origin.file == src.path)
        return f"{r.year}-work-report.txt"
    if kind == "progress":
        t = next(t for t in corpus.progress.values() if t.origin.file == src.path)
        return f"{t.year}-{t.district}-progress.txt"
    docs = [d for d in corpus.documents.values() if any(o.file == src.path for o in d.origins)]
    d = docs[0]
    prefix = {"livelihood": "livelihood", "tasklist": "tasklist"}.get(kind, "circular")
    return f"{d.year}-{prefix}-{d.slug}.txt"


def ingest(root: Path, file: Path, dry_run: bool = False, today: datetime.date | None = None) -> int:
    root = Path(root).resolve()
    file = Path(file)
    if not file.is_file():
        raise SourceError(Problem(str(file), None, "no such file", "a plain-text document"))
    raw = file.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    sources_dir = root / SOURCES_DIR
    for existing in sources_dir.glob("*.txt"):
        if hashlib.sha256(existing.read_bytes()).hexdigest() == digest:
            print(f"already ingested as {existing.relative_to(root).as_posix()}; nothing to do")
            return 0
    before = load_corpus(root)
    with tempfile.TemporaryDirectory(prefix="ingest-") as tmp:
        trial = Path(tmp)
        shutil.copytree(root / "content", trial / "content")
        staged = trial / SOURCES_DIR / "zz-incoming.txt"
        staged.write_bytes(raw)
        try:
            src = read_source(staged, trial)
        except SourceError as e:
            raise SourceError([Problem(str(file), p.line, p.message, p.expected) for p in e.problems]) from None
        try:
            after = load_corpus(trial)
        except SourceError as e:
            problems = [Problem(str(file) if p.file.endswith("zz-incoming.txt") else p.file, p.line, p.message, p.expected)
                        for p in e.problems]
            raise SourceError(problems) from None
        src = next(s for s in after.sources if s.path.endswith("zz-incoming.txt"))
        name = _target_name(after, src, src.kind)
    target = sources_dir / name
    if target.exists():
        raise SourceError(Problem(str(file), None, f"{target.relative_to(root).as_posix()} already exists with other content",
                                  "a new issue or document (edit the existing file to correct it)"))
    # what the file brings
    print(f"{file}: {src.kind} -> {SOURCES_DIR}/{name}")
    for g in after.gazettes.values():
        if g.id not in before.gazettes:
            print(f"  gazette {g.year} issue {g.number} (总第{g.total_number}期), {g.date}, {len(g.documents)} documents")
    for d in after.documents.values():
        if d.id not in before.documents:
            print(f"  new document {d.number}: {d.title}")
    for tl in after.tasklists.values():
        old = before.tasklists.get(tl.id)
        new = [n for n in tl.tasks if not old or n not in old.tasks]
        changed = [n for n in tl.tasks if old and n in old.tasks and old.tasks[n].text != tl.tasks[n].text]
        if new:
            print(f"  {tl.id}: {len(new)} new tasks ({min(new)}–{max(new)})")
        if changed:
            print(f"  {tl.id}: {len(changed)} changed tasks: {', '.join(map(str, changed[:20]))}")
    for w in after.warnings:
        if "zz-incoming" in w.file:
            print(f"  warning: {file}:{w.line}: {w.message}")
    if dry_run:
        print("dry run: nothing filed")
        return 0
    target.write_bytes(raw)
    prov_path = sources_dir / "provenance.yaml"
    prov = yaml.safe_load(prov_path.read_text("utf-8")) if prov_path.exists() else {}
    prov = prov or {}
    prov[name] = {"origin": file.name, "sha256": digest,
                  "received": (today or datetime.date.today()).isoformat(),
                  "description": f"ingested {src.kind}"}
    header = "".join(l + "\n" for l in prov_path.read_text("utf-8").split("\n") if l.startswith("#")) \
        if prov_path.exists() else ""
    prov_path.write_text(header + yaml.safe_dump(prov, allow_unicode=True, sort_keys=True, width=200), "utf-8")
    print(f"filed {SOURCES_DIR}/{name}")
    return 0
