"""``python -m generator ingest FILE``: take a new source as published (plain text) — a gazette issue, a
circular, a decree, rules, an announcement … (any kind of ``kinds/``) — validate it together with everything
already in content/, file it under content/sources/ with a normalised name (its kind decides it), record its
provenance, and report what it brought (a new issue, new documents, new or changed tasks, including those of
another copy of a task list already filed). A text of no known kind is refused with what the kinds expect;
nothing in content/ is touched unless the whole corpus, new file included, parses cleanly."""
from __future__ import annotations

import datetime
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import yaml

from . import kinds
from .errors import Problem, SourceError
from .paths import Paths
from .normalize import compact
from .sources import REPLACED_DIR, SOURCES_DIR, load_corpus, load_provenance, parse_source, read_source

def _task_changes(before, src, districts) -> list[tuple[str, list[str]]]:
    """What the incoming file says about tasks, against the canonical task list filed
    before: new tasks, and tasks whose text or lead units differ. Reported even when the
    file is another (partial) copy whose differences the site only warns about."""
    res = parse_source(src, districts)
    if res["errors"] or res["payload"] is None:
        return []
    tls = [tl for _, tl in res["payload"].documents if tl is not None]
    out = []
    seen: dict[str, dict] = {}
    for tl in tls:  # a file may carry a list more than once: the first copy of each task counts
        mine = seen.setdefault(tl.id, {})
        for n, t in tl.tasks.items():
            mine.setdefault(n, t)
    for tid, tasks in seen.items():
        old = before.tasklists.get(tid)
        new = sorted(n for n in tasks if not old or n not in old.tasks)
        changed = []
        for n in sorted(tasks):
            if old and n in old.tasks:
                a, b = old.tasks[n], tasks[n]
                units_differ = b.units_raw and compact("".join(a.units_raw)) != compact("".join(b.units_raw))
                if compact(a.text) != compact(b.text) or units_differ:
                    changed.append(n)
        lines = []
        if new:
            lines.append(f"{len(new)} new task{'s' if len(new) > 1 else ''} ({min(new)}–{max(new)})")
        if changed:
            lines.append(f"{len(changed)} changed task{'s' if len(changed) > 1 else ''}: "
                         f"{', '.join(map(str, changed[:20]))}"
                         + (", …" if len(changed) > 20 else ""))
        out.append((tid, lines))
    return out


def _differences(old, new) -> str:
    """What differs between two texts of one document, paragraph by paragraph (blocks compared without spaces
    and punctuation width): how many paragraphs, and the first difference with its lines in both files."""
    import difflib

    own = [x for x in old.blocks if not x.only_in]  # the canonical text, not what other publications add to its page
    a = [compact(x.text) for x in own]
    b = [compact(x.text) for x in new.blocks]
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not ops:
        return ""
    changed = sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in ops)
    tag, i1, i2, j1, j2 = ops[0]
    short = lambda t: t if len(t) <= 40 else t[:40] + "…"
    where_old = f"{old.origins[0].file}:{own[i1].line}" if i1 < len(own) else old.origins[0].file
    where_new = f"line {new.blocks[j1].line}" if j1 < len(new.blocks) else "its end"
    if j1 < j2 and i1 < i2:
        here, there = _around_difference(new.blocks[j1].text, own[i1].text)
        first = f"this file ({where_new}) has {here!r} where {where_old} has {there!r}"
    elif j1 < j2:
        first = f"this file ({where_new}) has {short(new.blocks[j1].text)!r}, which {old.origins[0].file} lacks"
    else:
        first = f"this file (at {where_new}) lacks {short(own[i1].text)!r}, which {where_old} has"
    return f"{changed} paragraph{'s differ' if changed != 1 else ' differs'}; first: {first}"


def _around_difference(a: str, b: str, before: int = 12, width: int = 40) -> tuple[str, str]:
    """The two texts around their first difference (a few characters before it, ``…`` where cut): two long
    paragraphs that differ late were quoted as the same forty first characters."""
    k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, k - before)

    def cut(t: str) -> str:
        piece = t[start:start + width]
        return ("…" if start else "") + piece + ("…" if start + width < len(t) else "")
    return cut(a), cut(b)


def _incoming_documents(src) -> list:
    """The documents the incoming file carries, parsed on their own (each once: a file may repeat one)."""
    res = parse_source(src, {})
    if res["errors"] or res["payload"] is None:
        return []
    first: dict = {}
    for d, _ in res["payload"].documents:
        first.setdefault(d.id, d)
    return list(first.values())


def _publication(name_zh: str | None, name_en: str | None, url: str | None) -> dict:
    """provenance.yaml's name_zh, name_en and url of the publication a file was taken from (ingest's
    --publication, --publication-en, --url), checked: one line of text each, an http(s) address."""
    out = {}
    options = (("name_zh", "--publication", name_zh, "北京市人民政府网站"),
               ("name_en", "--publication-en", name_en, "Beijing Municipal Government website"))
    for key, option, value, example in options:
        if value is None:
            continue
        value = value.strip()
        if not value or any(unicodedata.category(c)[0] in "CZ" and c != " " for c in value):
            raise SourceError(Problem(option, None, f"given {value!r}",
                                      f"the publication's name on one line, such as {example}"))
        out[key] = value
    if url is not None:
        if not re.fullmatch(r"https?://[^\s]+", url, re.I):
            raise SourceError(Problem("--url", None, f"given {url!r}", "an http(s) address, one line"))
        out["url"] = url
    return out


def ingest(root: Path, file: Path, dry_run: bool = False, today: datetime.date | None = None, *,
           replace: bool = False, copy: bool = False, publication: str | None = None,
           publication_en: str | None = None, url: str | None = None) -> int:
    """File ``file`` under content/sources/. A document whose number is already in the archive is refused when
    its text differs, naming both files and what differs, unless the caller chooses: ``replace`` (the filed
    text is moved to content/sources/replaced/, recorded in provenance, and this file takes its place) or
    ``copy`` (this file is another publication of the same document; the complete one stays canonical).
    ``publication``, ``publication_en`` and ``url`` name the publication the file was taken from (a gazette
    issue names itself): the pages cite it by that name."""
    from .content import files_of
    from .fileio import atomic_write, read_bytes, read_text

    root = Path(root).resolve()
    file = Path(file)
    if replace and copy:
        raise SourceError(Problem(str(file), None, "--replace and --copy were both given", "one of them"))
    named = _publication(publication, publication_en, url)
    if not file.exists() and not file.is_symlink():
        raise SourceError(Problem(str(file), None, "no such file", "a plain-text document"))
    raw = read_bytes(file, str(file), "a plain-text document")
    digest = hashlib.sha256(raw).hexdigest()
    sources_dir = root / SOURCES_DIR
    for existing in files_of(root, "source"):
        rel = existing.relative_to(root).as_posix()
        if hashlib.sha256(read_bytes(existing, rel)).hexdigest() == digest:
            if named:  # the options would be lost without a word: say where they go
                raise SourceError(Problem(str(file), None, f"already ingested as {rel}; --publication, "
                                          "--publication-en and --url are recorded only when a file is filed",
                                          f"name_zh, name_en or url written under {rel.rsplit('/', 1)[-1]} "
                                          f"in {SOURCES_DIR}/provenance.yaml"))
            print(f"already ingested as {rel}; nothing to do")
            return 0
    before = load_corpus(root)
    today = today or datetime.date.today()
    prov_path = sources_dir / "provenance.yaml"
    prov = load_provenance(root)
    with tempfile.TemporaryDirectory(prefix="ingest-") as tmp:
        trial = Path(tmp)
        _fs(lambda: shutil.copytree(Paths(root).content, Paths(trial).content, ignore_dangling_symlinks=True),
            Paths(trial).content)
        staged = trial / SOURCES_DIR / "zz-incoming.txt"
        _fs(lambda: staged.write_bytes(raw), staged)
        try:
            src = read_source(staged, trial)
        except SourceError as e:
            raise SourceError([Problem(str(file), p.line, p.message, p.expected) for p in e.problems]) from None
        # documents already in the archive: the same text is another publication; a different text is refused
        # unless the caller said what it is
        clashes = []
        for d in _incoming_documents(read_source(staged, trial)):
            old = before.documents.get(d.id)
            if old is not None:
                clashes.append((d, old, _differences(old, d)))
        different = [c for c in clashes if c[2]]
        if (replace or copy) and not clashes:  # the flag says this file is about filed documents: it is not
            flag = "--replace" if replace else "--copy"
            raise SourceError(Problem(str(file), None, f"{flag} was given, but no document of this file is in the "
                                      "archive yet; nothing was filed", f"{flag} only for a document already filed; "
                                      "without it for a new one"))
        if different and not (replace or copy):
            raise SourceError([Problem(str(file), d.origins[0].line if d.origins else None,
                                       f"{d.number or d.id} is already in the archive ({old.origins[0].file}:"
                                       f"{old.origins[0].line}) with different text: {diff}",
                                       "a document not yet in the archive; to replace the filed text use "
                                       "--replace, to file this as another publication of the same document "
                                       "use --copy")
                               for d, old, diff in different])
        to_replace: list[str] = []
        copy_of = None
        if clashes and replace:
            holders = {o.file for _, old, _ in clashes for o in old.origins}
            mine = {d.id for d, _, _ in clashes}
            for f in sorted(holders):
                others = sorted(x.number for x in before.documents.values()
                                if x.id not in mine and any(o.file == f for o in x.origins))
                if others:
                    raise SourceError(Problem(str(file), None, f"--replace would replace {f}, which also carries "
                                              f"{', '.join(others)}", "a file whose documents this file carries "
                                              "whole; correct that file by hand, or file this text with --copy"))
            to_replace = sorted(holders)
        elif clashes:  # the same text, or --copy: another publication of documents filed before; a copy of the
            # file that is no copy itself (the first publication filed), else of the canonical one
            names = [o.file.rsplit("/", 1)[-1] for o in clashes[0][1].origins]
            copy_of = next((n for n in names if not (prov.get(n) or {}).get("copy_of")), names[0])
        for f in to_replace:  # in the trial project first: the rest of the corpus must still parse
            (trial / f).unlink()
        trial_prov = dict(prov)
        if copy_of:
            trial_prov["zz-incoming.txt"] = {"copy_of": copy_of}
            atomic_write(trial / SOURCES_DIR / "provenance.yaml",
                         yaml.safe_dump(trial_prov, allow_unicode=True, sort_keys=True, width=200))
        try:
            after = load_corpus(trial)
        except SourceError as e:
            problems = [Problem(str(file) if p.file.endswith("zz-incoming.txt") else p.file, p.line, p.message, p.expected)
                        for p in e.problems]
            raise SourceError(problems) from None
        src = next(s for s in after.sources if s.path.endswith("zz-incoming.txt"))
        name = kinds.by_name(src.kind).file_name(after, src)
        from .i18n.glossary import load_glossary

        tasks = _task_changes(before, read_source(staged, trial), load_glossary(trial).district_names())
    if copy_of:  # another publication of a filed document: a name of its own beside the filed file's (…-copy.txt)
        stem, n = name[: -len(".txt")] if name.endswith(".txt") else name, 1
        while (sources_dir / name).exists():
            name = f"{stem}-copy{'' if n == 1 else f'-{n}'}.txt"
            n += 1
    target = sources_dir / name
    if target.exists() and f"{SOURCES_DIR}/{name}" not in to_replace:
        raise SourceError(Problem(str(file), None, f"{target.relative_to(root).as_posix()} already exists with other content",
                                  "a new issue or document (edit the existing file to correct it)"))
    # what the file brings
    print(f"{file}: {src.kind} -> {SOURCES_DIR}/{name}")
    for g in after.gazettes.values():
        if g.id not in before.gazettes:
            print(f"  gazette {g.year} issue {g.number} (总第{g.total_number}期), {g.date}, {len(g.documents)} documents")
    for d in after.documents.values():
        if d.id not in before.documents:
            print(f"  new document {d.number or d.id}: {d.title}")
    for d, old, diff in clashes:
        if to_replace:
            print(f"  {d.number or d.id}: replaces the text filed in {old.origins[0].file}"
                  + (f" ({diff})" if diff else ""))
        else:
            print(f"  {d.number or d.id}: another publication of the document filed in {old.origins[0].file}"
                  + (f" ({diff}); the complete publication stays canonical" if diff else ", with the same text"))
    for tid, lines in tasks:
        for line in lines:
            print(f"  {tid}: {line}")
        old, now = before.tasklists.get(tid), after.tasklists.get(tid)
        if old and now and now.origins[0].file != old.origins[0].file:
            print(f"  {tid}: this file becomes the canonical publication ({len(now.tasks)} tasks; "
                  f"{old.origins[0].file} has {len(old.tasks)})")
        elif old and lines:
            print(f"  {tid}: the canonical text stays that of {old.origins[0].file} (the complete publication); "
                  "this copy is kept as another publication")
    for w in after.warnings:
        if "zz-incoming" in w.file:
            print(f"  warning: {file}:{w.line}: {w.message}")
    if dry_run:
        print("dry run: nothing filed")
        return 0
    # the replaced texts stay recoverable: moved (not deleted) under replaced/, with their provenance. All or
    # nothing: a full disk or an error half-way puts back what was moved and removes what was written
    moved: list[tuple[Path, Path]] = []
    kept_names = []
    wrote_target = False
    try:
        for f in to_replace:
            old_name = f.rsplit("/", 1)[-1]
            kept = f"{REPLACED_DIR}/{today.isoformat()}-{old_name}"
            n = 2
            while (sources_dir / kept).exists():
                kept = f"{REPLACED_DIR}/{today.isoformat()}-{n}-{old_name}"
                n += 1
            _fs(lambda: (sources_dir / REPLACED_DIR).mkdir(exist_ok=True), sources_dir / REPLACED_DIR)
            _fs(lambda: os.replace(root / f, sources_dir / kept), sources_dir / kept)
            moved.append((root / f, sources_dir / kept))
            entry = dict(prov.pop(old_name, {}))
            entry.update({"replaced_by": name, "replaced_on": today.isoformat()})
            prov[kept] = entry
            kept_names.append(kept)
        atomic_write(target, raw)
        wrote_target = True
        # a name that is not UTF-8 (a GBK name from a Windows zip) is recorded with its bytes written out
        # (\xb9\xab.txt): YAML can hold no lone surrogate, and the file could not be read again
        origin = os.fsencode(file.name).decode("utf-8", "backslashreplace")
        prov[name] = {"origin": origin, "sha256": digest, "received": today.isoformat(),
                      "description": f"ingested {src.kind}", **named}
        if copy_of:
            prov[name]["copy_of"] = copy_of
        if to_replace:
            prov[name]["replaces"] = ", ".join(k for k in prov if prov[k].get("replaced_by") == name)
        before = read_text(prov_path, f"{SOURCES_DIR}/provenance.yaml") if prov_path.exists() else ""
        # the editors' text kept, comments and order: a replaced file's entry rewritten where it stands (under its
        # new name), the new entry after the rest
        text = _entries_replaced(before, {f.rsplit("/", 1)[-1]: k for f, k in zip(to_replace, kept_names)}, prov)
        text = text.rstrip("\n") + "\n" + yaml.safe_dump({name: prov[name]}, allow_unicode=True, sort_keys=True,
                                                           width=200) if text.strip() else \
            yaml.safe_dump({name: prov[name]}, allow_unicode=True, sort_keys=True, width=200)
        atomic_write(prov_path, text)
    except BaseException:
        if wrote_target:
            target.unlink(missing_ok=True)
        for back, away in reversed(moved):
            os.replace(away, back)
        raise
    for kept in kept_names:
        print(f"  kept the replaced text as {SOURCES_DIR}/{kept}")
    print(f"filed {SOURCES_DIR}/{name}")
    if src.kind != "gazette" and "name_zh" not in named and not copy_of:
        print("  note: no --publication given: its pages cite it as taken from another publication until "
              f"{SOURCES_DIR}/provenance.yaml names it (name_zh, name_en, url)")
    elif src.kind != "gazette" and "name_en" not in named and not copy_of:
        print(f"  note: no --publication-en given: English pages name the publication {named['name_zh']} until "
              f"{SOURCES_DIR}/provenance.yaml gives name_en")
    return 0


def _entries_replaced(text: str, renamed: dict[str, str], prov: dict) -> str:
    """provenance.yaml's ``text`` with the entry of each replaced file (old name -> its name under replaced/)
    written again as ``prov`` now holds it, in its place: the lines from its key to the next entry's give way to
    the comments among them and the entry; every other line stays as the editors wrote it."""
    if not renamed or not text.strip():
        return text
    lines = text.split("\n")
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return text
    starts = [k.start_mark.line for k, _ in root.value]
    spans = {}
    for i, (k, _) in enumerate(root.value):
        if k.value in renamed:
            end = starts[i + 1] if i + 1 < len(starts) else len(lines)
            spans[k.start_mark.line] = (end, renamed[k.value])
    out, i = [], 0
    while i < len(lines):
        if i in spans:
            end, kept = spans[i]
            block = lines[i:end]
            trailing = []  # blank lines and comments before the next entry belong to it
            while block and (not block[-1].strip() or block[-1].lstrip().startswith("#")):
                trailing.insert(0, block.pop())
            out += [c for c in map(_comment_of, block) if c]  # the editors' comments, whole-line or after a value
            entry = yaml.safe_dump({kept: prov[kept]}, allow_unicode=True, sort_keys=True, width=200)
            out += entry.rstrip("\n").split("\n")
            out += trailing
            i = end
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def _comment_of(line: str) -> str:
    """The comment on a line of YAML, as a line of its own ('' if none): a whole-line comment as it is, one after
    a key or value (outside quotes) indented under its entry."""
    if line.lstrip().startswith("#"):
        return line
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and i and line[i - 1] in " \t":
            return "  " + line[i:]
    return ""


def _fs(action, path: Path):
    """Run a file-system action; an OSError (a full disk, permissions) is an error naming ``path``."""
    from .fileio import write_error

    try:
        return action()
    except OSError as e:
        raise write_error(path, e) from None
