"""Readers, one per document kind, chosen from one table by what the text
says (never by the file name), and the corpus loader that runs them, merges
repeated publications of the same document and proves nothing was lost."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from ..errors import Problem, Report, SourceError
from ..paths import REPLACED, SOURCES, Paths
from ..cache import READER_CODE, code_fingerprint
from ..cache.store import KnownSource, StatIndex, load_entry, prune, store_entry
from ..model import Corpus, Source
from ..normalize import cjk_chars, compact, is_traditional, normalize_text
from ..parallel import fork_map, paused_collector
from .. import kinds
from ..kinds.citations import cited_by_blocks
from ..kinds.tasklist import check_lead_units

SOURCES_DIR = SOURCES
REPLACED_DIR = REPLACED  # under SOURCES_DIR: texts replaced by `ingest --replace`, kept, not read
def detect_kind(text: str) -> str | None:
    """The name of the kind of a source text (kinds/: the registry decides)."""
    kind = kinds.detect(text)
    return kind.name if kind else None


def _rel_path(path: Path, root: Path) -> str:
    """A source's path as the site names it: relative to the project root when it lies inside it."""
    return path.relative_to(root).as_posix() if path.is_absolute() and root in path.parents else str(path)


def read_source(path: Path, root: Path, provenance: dict | None = None) -> Source:
    from ..fileio import decode_text, read_bytes

    rel = _rel_path(path, root)
    expected = "a government document as plain UTF-8 text"
    raw = read_bytes(path, rel, expected)
    text = decode_text(raw, rel, expected)
    if not text.strip():
        raise SourceError(Problem(rel, 1, "file is empty", "a government document as plain text"))
    kind = detect_kind(text)
    if kind is None:
        first = next((i + 1 for i, l in enumerate(text.split("\n")) if l.strip()), 1)
        raise SourceError(Problem(rel, first, "unknown document kind", kinds.expected_text()))
    prov = dict(provenance or {})
    digest = hashlib.sha256(raw).hexdigest()
    prov.setdefault("sha256", digest)
    # the script is detected when the text is parsed (a cached parse never needs it)
    return Source(path=rel, kind=kind, text=text, provenance=prov, digest=digest)


def _tell_numbers_apart(corpus: Corpus, rep: Report) -> None:
    """Documents whose numbers read alike without tones (京教发〔2027〕3号, 京交发〔2027〕3号) would share one
    address, one page replacing the other: the prefixes that came out after the first are written with tone
    numbers (romanize.tell_apart), and a warning says which documents' addresses that gives."""
    from ..i18n.romanize import number_slug, parse_number, pinyin_word, tell_apart

    numbered = [(d, parse_number(d.number)) for d in corpus.documents.values() if d.slug and d.number]
    came_out: dict[str, tuple] = {}  # prefix -> (date, year, serial) of its first document
    for d, parts in numbered:
        if parts:
            key = (d.date or "9999", parts[1], parts[2])
            came_out[parts[0]] = min(came_out.get(parts[0], key), key)
    written = tell_apart(came_out)
    first, count = {}, Counter()  # prefix -> its first document; how many it has
    for d, parts in numbered:
        if parts and parts[0] in written:
            d.slug = number_slug(d.number)
            first.setdefault(parts[0], d)
            count[parts[0]] += 1
    for prefix, d in sorted(first.items()):
        n = count[prefix]
        alike = "、".join(p for p in sorted(came_out) if p != prefix and pinyin_word(p) == pinyin_word(prefix))
        origin = d.origins[0] if d.origins else None
        rep.warn(origin.file if origin else "", origin.line if origin else None,
                 f"{prefix} reads as {alike} does without tones: the addresses of its {n} document(s) carry tone "
                 f"numbers (doc/{written[prefix]}-…/)", "nothing: this is how both get pages of their own")


def _line_of(item) -> int | None:
    origin = getattr(item, "origin", None)
    return getattr(origin, "line", None)


def _merge_document(corpus: Corpus, doc, tl, src: Source, rep: Report, copies: dict | None = None):
    """Keep one canonical document per number; record every other publication as provenance.
    The task lists of the other publications are collected in ``copies`` (list id ->
    task lists) to be checked against the canonical one once every source is read."""
    existing = corpus.documents.get(doc.id)
    if existing is None:
        corpus.documents[doc.id] = doc
        if tl:
            corpus.tasklists[tl.id] = tl
        return
    other = next((o for o in existing.origins if o.file != src.path), None)
    same = next((o for o in existing.origins if o.file == src.path), None)
    if other is None and same is not None:  # one source prints two documents under one number
        here = doc.origins[0] if doc.origins else None
        rep.error(src.path, here.line if here else None,
                  f"{doc.number or doc.title} is the number of two documents of this source, here and at line "
                  f"{same.line} ({existing.title}); one of them would vanish from the site",
                  "one document per document number in a source (a misprinted number is corrected in the text)")
        return
    if other is not None and (doc.number or doc.title) != (existing.number or existing.title):
        # not two publications of one document: two documents whose ids are alike (an announcement's names its
        # issuer, a rule's its title, in toneless pinyin: 北京市水务局 and 北京市税务局 are both shui-wu-ju)
        here = doc.origins[0] if doc.origins else None
        rep.error(src.path, here.line if here else None,
                  f"{doc.number or doc.title} ({'、'.join(doc.issuers)}) and {existing.number or existing.title} "
                  f"({'、'.join(existing.issuers)}; {other.file}:{other.line}) get one address, {doc.id}: their "
                  "names read alike in its pinyin, without tones", "documents whose addresses differ; this site "
                  "cannot yet publish both (an announcement's address names its issuer, a rule's its title)")
        return
    if other is not None and not any(_declared_copies(corpus, src.path, o.file) for o in existing.origins):
        here = doc.origins[0] if doc.origins else None
        rep.error(src.path, here.line if here else None,
                  f"document {doc.number or doc.id} is also in {other.file}:{other.line}; two sources with one "
                  "document number would make one of them vanish from the site",
                  f"one source per document number; if this file is another publication of the same document, "
                  f"declare it in {SOURCES_DIR}/provenance.yaml ({src.name}: {{copy_of: {other.file.rsplit('/', 1)[-1]}}})"
                  ", or replace the filed text with `ingest --replace`")
        return
    old_tl = corpus.tasklists.get(existing.contains) if existing.contains else None
    # the more complete copy is canonical
    if tl and old_tl and len(tl.tasks) > len(old_tl.tasks):
        doc, existing = existing, doc
        tl, old_tl = old_tl, tl
        corpus.documents[existing.id] = existing
        corpus.tasklists[old_tl.id] = old_tl
        # existing/old_tl are now canonical; doc/tl the duplicate
    existing.origins.extend(doc.origins)
    _merge_blocks(existing, doc, rep)
    if tl and old_tl:
        if copies is not None:
            copies.setdefault(old_tl.id, []).append(tl)
        old_tl.origins.extend(tl.origins)
        for n, t in tl.tasks.items():
            canon = old_tl.tasks.get(n)
            if canon is None:
                rep.warn(src.path, t.origins[0].line, f"task {n} appears only in this copy of {doc.number}")
                continue
            if compact(canon.text) != compact(t.text):
                rep.warn(t.origins[0].file, t.origins[0].line,
                         f"task {n} differs from {canon.origins[0].file}:{canon.origins[0].line}; "
                         f"the complete publication is kept as canonical")
            canon.origins.extend(t.origins)


def _copy_of(corpus: Corpus, path: str) -> str | None:
    """The file name a source file is declared a copy of (provenance.yaml ``copy_of``), or None."""
    return next((s.provenance.get("copy_of") for s in corpus.sources if s.path == path), None)


def _declared_copies(corpus: Corpus, a: str, b: str) -> bool:
    """True when provenance.yaml declares one of the two source files another publication of the other's
    documents (``copy_of: <file name>``), or both publications of a third's."""
    name = lambda path: path.rsplit("/", 1)[-1]
    of_a, of_b = _copy_of(corpus, a), _copy_of(corpus, b)
    return of_a == name(b) or of_b == name(a) or (of_a is not None and of_a == of_b)


def _merge_blocks(canon, dup, rep: Report) -> None:
    """Text that only the duplicate publication carries is kept, in place, marked with its source."""
    canon_keys = [compact(b.text) for b in canon.blocks]  # in step with canon.blocks
    keys = set(canon_keys)
    prev = None
    for b in dup.blocks:
        k = compact(b.text)
        if k in keys:
            prev = k
            continue
        at = next((i + 1 for i, ck in enumerate(canon_keys) if ck == prev), len(canon.blocks))
        b.only_in = dup.origins[0].file
        b.key = f"{b.key}-{dup.origins[0].file.rsplit('/', 1)[-1].split('.')[0]}"
        canon.blocks.insert(at, b)
        canon_keys.insert(at, k)
        keys.add(k)
        prev = k
        rep.warn(dup.origins[0].file, b.line, f"{b.text[:20]!r} is only in this publication of "
                 f"{canon.number or canon.id}; "
                 "kept on the canonical page, marked with its source")


PROVENANCE_KEYS = {
    "description": "what the file is", "origin": "where it was received from", "received": "the date it was filed",
    "sha256": "the digest of the file as received", "copy_of": "the source file whose documents this file publishes again",
    "url": "the official address of the publication",
    "name_zh": "the publication's name as Chinese pages give it", "name_en": "the publication's name as English pages give it", "replaces": "the replaced text kept under replaced/",
    "replaced_by": "the file that replaced this text", "replaced_on": "the date it was replaced",
    "known_warnings": "warnings that are true properties of this source (diagnostics.py), not shown by default",
}


def load_provenance(root: Path) -> dict:
    """content/sources/provenance.yaml: file name -> what is known of its publication. Checked: a mapping of
    mappings, known keys only, ``copy_of`` naming another source file, ``url`` an http(s) address."""
    from ..content import files_of
    from ..yamlfile import read_yaml

    rel = f"{SOURCES_DIR}/provenance.yaml"
    found = files_of(root, "provenance")
    if not found:
        return {}
    p = found[0]
    expected = "a mapping of source file name to its provenance (description, origin, received, sha256, copy_of, url)"
    doc = read_yaml(p, rel, expected)
    data = doc.data or {}
    problems = []
    if not isinstance(data, dict):
        raise SourceError(Problem(rel, doc.line(), f"the file holds a {type(data).__name__}", expected))
    for name, entry in data.items():
        if not isinstance(entry, dict):
            problems.append(Problem(rel, doc.line(name), f"the entry of {name!r} is a {type(entry).__name__}",
                                    "a mapping such as {description: …, origin: …, received: YYYY-MM-DD}"))
            continue
        for key, value in entry.items():
            if key not in PROVENANCE_KEYS:
                problems.append(Problem(rel, doc.line(name, key), f"unknown key {key!r} in the entry of {name!r}",
                                        "one of " + ", ".join(f"{k} ({v})" for k, v in PROVENANCE_KEYS.items())))
            elif key == "copy_of" and (not isinstance(value, str) or value == name
                                       or not (Path(root) / SOURCES_DIR / value).is_file()):
                problems.append(Problem(rel, doc.line(name, key), f"copy_of of {name!r} is {value!r}",
                                        "the name of another file in content/sources/"))
            elif key == "url" and not (isinstance(value, str) and value.startswith(("http://", "https://"))):
                problems.append(Problem(rel, doc.line(name, key), f"url of {name!r} is {value!r}",
                                        "an http(s) address"))
            elif key == "known_warnings":
                if not (isinstance(value, list) and all(isinstance(x, str) and x for x in value)):
                    problems.append(Problem(rel, doc.line(name, key), f"known_warnings of {name!r} is not a list "
                                            "of texts", "a list of fragments of warning messages"))
            elif key in ("received", "replaced_on"):
                if not (hasattr(value, "isoformat") or isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value)):
                    problems.append(Problem(rel, doc.line(name, key), f"{key} of {name!r} is {value!r}",
                                            "a date as YYYY-MM-DD"))
            elif not isinstance(value, str):
                problems.append(Problem(rel, doc.line(name, key), f"{key} of {name!r} is a {type(value).__name__}",
                                        "a text"))
    if problems:
        raise SourceError(problems)
    return {k: {kk: (vv.isoformat() if hasattr(vv, "isoformat") else vv) for kk, vv in v.items()}
            for k, v in data.items()}


def check_coverage(src: Source, blocks, rep: Report) -> None:
    """Every Chinese character of the source body must be carried by a block;
    layout artefacts (running headers) are the only exception and are listed."""
    expected = Counter(cjk_chars(src.text))
    expected.subtract(cjk_chars("\n".join(a.text for a in src.artefacts)))
    got = Counter(cjk_chars("\n".join(b.original or b.text for b in blocks)))  # one pass, not one per block
    missing = {ch: n - got[ch] for ch, n in expected.items() if n - got[ch] > 0}
    if missing:
        lines = src.text.split("\n")
        first = next((i + 1 for i, l in enumerate(lines) if any(ch in l for ch in missing)), None)
        sample = "".join(sorted(missing)[:20])
        rep.error(src.path, first, f"{sum(missing.values())} Chinese characters of the source are not in the parsed "
                  f"document (e.g. {sample})", "every character of the body to reach a page")


def check_dates(src: Source, blocks, rep: Report) -> None:
    """A date written 2026年2月30日 (no date of the calendar) is published as printed and read as no date (the
    readers' parse_date): a warning names it and its line."""
    from ..kinds.text import impossible_dates

    for b in blocks:
        for bad in impossible_dates(b.original or b.text):
            rep.warn(src.path, b.line, f"{bad} is not a date of the calendar: it is published as printed, and not "
                     "read as a date", "a date such as 2026年3月20日, with a month 1–12 and a day that month has")


def parse_source(src: Source, districts: dict) -> dict:
    """Parse one source on its own: a pure function of its text (and the district
    names), so results can be cached by content hash and computed in parallel."""
    rep = Report()
    out = {"kind": src.kind, "errors": [], "warnings": [], "artefacts": [], "payload": None}
    if src.traditional is None:
        src.traditional = is_traditional(src.text)
    normalize_text.cache_clear()  # a memo of this source's lines only (see normalize_text)
    try:
        convert = None
        if src.traditional:
            from ..normalize import to_simplified

            convert = to_simplified
        reading = kinds.by_name(src.kind).read(src, rep, kinds.context(districts, convert))
        out["payload"] = reading
        blocks = reading.blocks
        for doc, _ in reading.documents:  # what each document cites: a function of its text, cached with it
            doc.citations = cited_by_blocks(doc)
        check_dates(src, blocks, rep)
        if not rep.errors:
            check_coverage(src, blocks, rep)
    except SourceError as e:
        rep.errors.extend(p for p in e.problems if p not in rep.errors)
    out["errors"], out["warnings"], out["artefacts"] = rep.errors, rep.warnings, src.artefacts
    return out


def _code_version() -> str:
    """Parse results depend on the readers' code: a change to it invalidates the parse cache."""
    return code_fingerprint(READER_CODE)[:16]


def _parse_job(jobs: list, i: int) -> dict | Path:
    """Parse one source (``jobs[i]``). With a cache entry to write (``store``), a result without errors is written
    there and only its path returned: the parent then loads the entry as a warm build would (running text left
    on disk until a page needs it) instead of receiving the whole result and pickling it again. The workers
    inherit ``jobs`` and receive only ``i``: pickling a source's text in this process would keep a UTF-8 copy of
    it inside the string (pickle caches one in every non-ASCII str it writes) for the whole build, 21 MB on the
    3-year archive."""
    src, districts, store = jobs[i]
    result = parse_source(src, districts)
    if store is None or result["errors"]:
        return result
    store_entry(store, result)
    return store


def load_corpus(root: Path, *, glossary=None, only: list[Path] | None = None, cache: bool = True,
                meanwhile=None) -> Corpus:
    """Read and parse every source under content/sources. Raises SourceError
    with all problems found (file, line, what was expected).

    Parsed sources are cached under .cache/parse/ by the hash of their text and
    of the readers' code, so an incremental build parses only what changed; cache
    misses are parsed on all cores. Pinyin names made on the way are kept in
    .cache/pinyin.json (see romanize.pinyin_memo). ``meanwhile()`` runs once in this process, while the
    workers parse (or after the parse when it runs here): the build reads the catalogs then."""
    import contextlib
    from importlib.metadata import version as dist_version

    from ..i18n.romanize import pinyin_memo

    root = Path(root)
    memo = (pinyin_memo(Paths(root).cached("pinyin.json"), f"{_code_version()}-{dist_version('pypinyin')}") if cache
            else contextlib.nullcontext())
    with memo:
        return _load_corpus(root, glossary=glossary, only=only, cache=cache, meanwhile=meanwhile)


def _load_corpus(root: Path, *, glossary=None, only: list[Path] | None = None, cache: bool = True,
                 meanwhile=None) -> Corpus:
    from ..i18n.glossary import load_glossary

    root = Path(root)
    corpus = Corpus(root=str(root))
    rep = Report()
    glossary = glossary or load_glossary(root)
    districts = glossary.district_names()
    provenance = load_provenance(root)
    if only:
        files = only
    else:
        from ..content import files_of

        files = files_of(root, "source")
        for name in provenance:  # an entry whose file is not there (a misspelt name) describes nothing
            if not (root / SOURCES_DIR / str(name)).is_file():
                rep.warn(f"{SOURCES_DIR}/provenance.yaml", None, f"entry {name!r} names no file in {SOURCES_DIR}/",
                         "an entry per source file, named as the file is")
    cache_dir = Paths(root).cached("parse")
    seen_files = StatIndex(cache_dir / "files.json") if cache and not only else None
    sources, paths = [], []
    for path in files:
        try:
            src = seen_files.source(path, _rel_path(path, root), provenance.get(path.name)) if seen_files else None
            sources.append(src or read_source(path, root, provenance.get(path.name)))
            paths.append(path)
            if seen_files:
                seen_files.record(path, sources[-1])
        except SourceError as e:
            rep.errors.extend(e.problems)
    version = _code_version()
    dkey = json.dumps(districts, sort_keys=True, ensure_ascii=False)
    results: list = [None] * len(sources)
    keys = []
    with paused_collector():  # the entries' objects all stay alive: collections while loading them find nothing
        for i, src in enumerate(sources):
            # the file's bytes decide its text (the reader only drops a BOM and CRLF), so their digest keys it
            key = hashlib.sha256(f"{version}\0{dkey}\0{src.path}\0{src.digest}".encode()).hexdigest()
            keys.append(key)
            f = cache_dir / f"{key}.pickle"
            if cache and f.exists():
                try:
                    results[i] = load_entry(f)
                except Exception:  # a damaged cache entry is parsed again
                    results[i] = None
    todo = [i for i, r in enumerate(results) if r is None]
    for i in todo:  # a source known by its file's size and time has not read its text yet: parsing needs it
        if isinstance(sources[i], KnownSource) and not sources[i].text_read():
            sources[i] = read_source(paths[i], root, provenance.get(paths[i].name))
    if seen_files:
        seen_files.save()
    if cache and todo:
        cache_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(sources[i], districts, cache_dir / f"{keys[i]}.pickle" if cache else None) for i in todo]
    waited = []

    def wait(_pending):
        waited.append(True)
        meanwhile()

    parsed = fork_map(_parse_job, jobs, range(len(jobs)), min_items=9, chunksize=4,
                      while_waiting=wait if meanwhile is not None else None)
    if meanwhile is not None and not waited:
        meanwhile()
    for i, r in zip(todo, parsed):
        results[i] = r
    with paused_collector():
        for i in todo:
            if isinstance(results[i], Path):  # written to the cache by the worker: load it as a warm build does
                results[i] = load_entry(results[i])
    copies: dict = {}  # task list id -> the task lists of its non-canonical publications
    made_by: dict = {}  # (family, item id) -> (the source that made it, its line)
    # a publication declared a copy of another (provenance.yaml copy_of) is merged after the others, so the one it
    # copies is canonical whatever the files' names (…-copy.txt sorts before the file it copies)
    merged = sorted(zip(sources, keys, results), key=lambda t: bool((t[0].provenance or {}).get("copy_of")))
    for src, key, res in merged:
        corpus.sources.append(src)
        corpus.source_keys[src.path] = key
        src.artefacts = res["artefacts"]
        rep.warnings.extend(res["warnings"])
        if res["errors"]:
            rep.errors.extend(res["errors"])
            continue
        reading = res["payload"]
        for family, items in reading.items.items():
            target = getattr(corpus, family)
            for item in items:
                first = made_by.setdefault((family, item.id), (src.path, _line_of(item)))
                if first[0] != src.path:  # two gazette issues of one year and number, two reports of one year …
                    rep.error(src.path, _line_of(item), f"{item.id} is also made from {first[0]}:{first[1] or 1}; "
                              "two sources of one item would make one of them vanish from the site",
                              "one source per gazette issue (its year and number), work report (its year), list of "
                              "livelihood projects (its year) and district progress table (its district and year)")
                    continue
                target[item.id] = item
        for d, tl in reading.documents:
            _merge_document(corpus, d, tl, src, rep, copies)
    for tl in corpus.tasklists.values():  # now that every publication is read and the canonical one known
        check_lead_units(tl, rep)
        for copy in copies.get(tl.id, []):
            check_lead_units(tl, rep, copy)
    rep.raise_if_errors()
    from ..i18n.romanize import learn_number

    for d in corpus.documents.values():  # so that naming documents does not need pypinyin either
        if d.slug:
            learn_number(d.number, d.slug)
    _tell_numbers_apart(corpus, rep)
    glossary.build_register(corpus, rep)
    rep.raise_if_errors()
    corpus.warnings = rep.warnings
    if cache and not only:
        prune(cache_dir, keys)
    return corpus
