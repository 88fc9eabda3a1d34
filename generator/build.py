"""The build: read -> link -> pages -> files, with per-stage timings."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import pickle
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError

from .config import load_config
from .errors import Problem, Report, SourceError
from .fileio import naming
from .i18n.catalog import load_translations
from .i18n.glossary import load_glossary
from .parallel import Forked, can_fork, fork_map, freeze_more, frozen_heap
from .cache.deps import RECORDER, stored
from .site.api import API_ROOT, ApiGroups, dump_to, iter_api_files
from .site.opendata import DB_NAME, write_open_data
from .site.feeds import PageMeta
from .site.pages import ViewContext
from .site.render import fingerprint_static, make_env, page_file, write_text
from .site.text import ui_strings
from .site.urls import codes
from .sources import load_corpus


@dataclass
class BuildResult:
    pages: int = 0
    files: int = 0
    timings: dict = field(default_factory=dict)
    coverage: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    corpus: object = None
    rendered: int = 0  # pages rendered in this build
    reused: int = 0  # pages whose inputs did not change, kept from the previous build
    notes: list = field(default_factory=list)  # what the user should know about the output (not warnings)
    groups_made: list = field(default_factory=list)  # (share, group id) of the groups made (not kept)
    search: object = None  # search.IndexStats of the index this build made (None: no index made)


class Timer:
    """Time per stage; ``on_stage(name)`` is called as each stage starts (the progress display names it)."""

    def __init__(self, on_stage=None):
        self.t = {}
        self.on_stage = on_stage

    def __call__(self, name):
        timer = self

        class _T:
            def __enter__(self_):
                if timer.on_stage is not None:
                    timer.on_stage(name)
                self_.start = time.perf_counter()

            def __exit__(self_, *a):
                timer.t[name] = timer.t.get(name, 0) + time.perf_counter() - self_.start

        return _T()


def _theme_key(theme_dir: Path, assets: dict, site: dict) -> str:
    from .fileio import read_text

    h = hashlib.sha256()
    for p in sorted((theme_dir / "templates").rglob("*")) + sorted((theme_dir / "i18n").rglob("*")):
        if not p.is_dir():  # a dangling link, a pipe, a template that is not UTF-8: an error naming it
            rel = p.relative_to(theme_dir.parent.parent).as_posix()
            # by its place in the theme, not on this machine: a project moved or copied (a CI cache restored in
            # another folder) keeps its pages' keys, so its first build there renders nothing again
            h.update(p.relative_to(theme_dir).as_posix().encode() + b"\0"
                     + read_text(p, rel, "a template of the theme").encode())
    h.update(json.dumps([assets, site], sort_keys=True).encode())
    from . import __version__
    from .cache import code_fingerprint

    # the code that turns a view model into HTML (site/: html.py, meta.py, charts.py …): a change to it must
    # write the pages again even where their view models did not change
    h.update(__version__.encode() + code_fingerprint(("site",)).encode())
    return h.hexdigest()


def page_key(theme_key: str, page) -> str:
    """Everything a page's HTML depends on: theme, template and the page's view model.

    View models are plain data (dicts, lists, strings, numbers) built in a fixed
    order, so their pickle is a stable fingerprint; the pickler's memo is off
    ("fast" mode) so that the bytes depend on values only, not on which equal
    strings happen to be one object (that differs between a fresh parse and a
    cached one). Much cheaper than sorted JSON (bench/README.md, "Figures behind the code's choices")."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True
    pickler.dump((page.id, page.lang, page.template, page.title, page.kind, page.year, page.units, page.issuers,
                  page.names, page.breadcrumbs, page.searchable, page.date, page.citation, page.genre, page.ctx))
    return hashlib.sha256(theme_key.encode() + buf.getvalue()).hexdigest()[:24]


def load_all(root: Path, on_stage=None, notes: bool = True):
    """Parse and link everything; no files written. Used by build and check. ``notes=False`` leaves the
    editors' notes out (``new-note``: a draft being written must not stop the next one)."""
    from .content import scan
    from .link import link_corpus
    from .notes import load_notes

    timer = Timer(on_stage)
    with timer("parse"):
        inventory = scan(root)  # every file under content/ is read by the loaders below, or reported here
        if inventory.errors:
            raise SourceError(inventory.errors)
        config = load_config(root)
        glossary = load_glossary(root)
        read: dict = {}

        def read_catalogs():  # in this process while the sources are parsed in workers: two cores busy
            try:
                read["translators"] = load_translations(root, config.languages)
            except SourceError as e:  # reported after the sources' own errors, as when read one after the other
                read["error"] = e

        corpus = load_corpus(root, glossary=glossary, meanwhile=read_catalogs)
        if "error" in read:
            raise read["error"]
        translators = read["translators"]
        freeze_more()
        corpus.warnings[:0] = inventory.warnings + translators.warnings
    with timer("link"):
        rep = Report()
        link_corpus(corpus, root, rep)
        _check_headings(glossary, corpus, rep)
        if notes:
            load_notes(corpus, root, rep)
        rep.raise_if_errors()
        corpus.warnings.extend(rep.warnings)
    return config, glossary, corpus, translators, timer




def _check_headings(glossary, corpus, rep) -> None:
    """A warning for each entry of headings.yaml that translates no heading the sources print (a number no list
    has, or Chinese the heading no longer has), naming its line: its English is shown nowhere."""
    from collections import defaultdict

    from .paths import GLOSSARY

    printed: dict = defaultdict(lambda: defaultdict(list))
    for tl in corpus.tasklists.values():
        for a, sec in enumerate(tl.sections, 1):
            printed["tasklist"][str(a)].append(sec.title)
            for b, sub in enumerate(sec.subsections, 1):
                printed["tasklist"][f"{a}.{b}"].append(sub.title)
    for report in corpus.reports.values():
        for a, part in enumerate(report.parts, 1):
            printed["report"][str(a)].append(part.title)
            for b, sec in enumerate(part.sections, 1):
                printed["report"][f"{a}.{b}"].append(sec.title)
    for line, message, expected in glossary.heading_problems(printed):
        rep.warn(f"{GLOSSARY}/headings.yaml", line, message, expected)


MANIFEST_VERSION = 13


def _manifest_path(out: Path) -> Path:
    return out.parent / f".{out.name}.manifest.pickle"


def _incomplete_marker(out: Path) -> Path:
    return out.parent / f".{out.name}.incomplete"


def load_manifest(out: Path) -> dict | None:
    """The previous build's record of ``out`` (pages by group, their keys and metadata, every file it wrote),
    or None, which makes this build a full one: no output yet, no record, a record of another version, or a
    build that stopped while updating the folder."""
    path = _manifest_path(out)
    if not out.is_dir() or not path.is_file() or _incomplete_marker(out).exists():
        return None
    try:
        m = pickle.loads(path.read_bytes())
        if not isinstance(m, dict) or m.get("version") != MANIFEST_VERSION:
            return None
        _open_chunks(m)
    except Exception:  # damaged: build everything again
        return None
    from .output import served_tree

    served = served_tree(out)  # the record must describe the site the output serves
    if (m["trees"].get(served) != m["gen"]) if served else bool(m["trees"]):
        return None
    return m


# The groups' records (the pages' and the data API's) and their dependencies' fingerprints are most of the
# manifest, and most of them are the same from one build to the next: they are kept in chunks, one per year
# their groups name (and one for the rest), each pickled on its own; a chunk none of whose groups was made again
# is written back as the bytes it was read from, so that writing the manifest costs what changed, not the archive.
_YEAR = re.compile(r"(?:19|20)\d\d")


def _chunk_of(gid) -> str:
    m = _YEAR.search(str(gid))
    return m.group(0) if m else ""


def _open_chunks(m: dict) -> None:
    """The manifest's chunks unpickled into its ``groups``, ``api_groups`` and ``fps["deps"]``; ``m["chunks"]``
    becomes chunk -> (bytes, its page groups, its API groups), which ``_manifest_bytes`` writes back unchanged
    when the build kept those very groups."""
    groups, api_groups, deps, chunks = {}, {}, {}, {}
    for ck, raw in m.pop("chunks").items():
        c = pickle.loads(raw)
        groups.update(c["groups"])
        api_groups.update(c["api_groups"])
        deps.update(c["fps"])
        chunks[ck] = (raw, c["groups"], c["api_groups"])
    m.update(groups=groups, api_groups=api_groups, chunks=chunks)
    m["fps"] = {**m["fps"], "deps": deps}


def _manifest_bytes(m: dict, fps=None, old: dict | None = None) -> bytes:
    """The manifest ``m`` (with ``groups`` and ``api_groups``; ``fps``: this build's Fingerprints, whose
    fingerprint of each dependency the next build compares with) as written: chunks (see above), those whose
    groups are all the ones ``old`` (the previous manifest) read taken as they were."""
    by: dict[str, tuple[dict, dict]] = {}
    for gk, g in m["groups"].items():  # the notes' group, made in every build, in a chunk of its own
        by.setdefault("notes" if gk[0] == "notes" else _chunk_of(gk[1]), ({}, {}))[0][gk] = g
    for gid, g in m["api_groups"].items():
        by.setdefault(_chunk_of(gid), ({}, {}))[1][gid] = g
    before = (old or {}).get("chunks", {})
    same = lambda a, b: a.keys() == b.keys() and all(a[k] is b[k] for k in a)
    deps_fp = (m.get("fps") or {}).get("deps", {})
    chunks = {}
    for ck, (groups, api_groups) in by.items():
        prev = before.get(ck)
        if prev is not None and same(prev[1], groups) and same(prev[2], api_groups):
            chunks[ck] = prev[0]
            continue
        fp = {}
        for g in (*groups.values(), *api_groups.values()):
            for dep in (g or {}).get("deps") or ():
                if dep not in fp:
                    fp[dep] = fps.of(*dep) if fps is not None else deps_fp[dep]
        chunks[ck] = pickle.dumps({"groups": groups, "api_groups": api_groups, "fps": fp}, protocol=5)
    rest = {k: v for k, v in m.items() if k not in ("groups", "api_groups", "chunks")}
    rest["fps"] = {k: v for k, v in (rest.get("fps") or {}).items() if k != "deps"}
    return pickle.dumps({**rest, "chunks": chunks}, protocol=5)


_STATUS = {"ok": "o", "stale": "s", "missing": "m"}
_STATUS_OF = {v: k for k, v in _STATUS.items()}


def _pack_lookups(seen: dict, families: dict) -> dict[str, str]:
    """Translation lookups (key -> status, key -> family) as {status letter + family: keys joined by
    newlines}: a few strings per group, which the manifest stores and loads as fast as bytes (a large
    archive makes half a million lookups) and the coverage report merges as sets (see _coverage)."""
    by: dict[str, list] = {}
    for k, st in seen.items():
        by.setdefault(_STATUS[st] + families.get(k, "other"), []).append(k)
    return {code: "\n".join(keys) for code, keys in by.items()}


def _coverage(packed: list[dict], languages) -> dict:
    """Translation coverage per language (``languages``: the translations' codes): catalog.coverage_table over
    the lookups of every group ({language: packed lookups}), each key once."""
    from collections import defaultdict

    from .i18n.catalog import coverage_table

    keys: dict[str, dict[str, set]] = {lang: defaultdict(set) for lang in languages}
    for by_lang in packed:
        for lang, p in by_lang.items():
            for code, joined in p.items():
                keys[lang][code].update(joined.split("\n"))
    return {lang: coverage_table({(code[1:], _STATUS_OF[code[0]]): len(ks) for code, ks in by.items()})
            for lang, by in keys.items()}


def _own_lookups(translators: dict, share: str) -> dict[str, dict]:
    """The lookups a share's groups count in the coverage, packed per language: a language's own pages count for
    it (the authoritative language's side-by-side views and a translation's look up the same segments as the
    pages of the language they show, so they add nothing); the notes count for every language."""
    return {lang: _pack_lookups(tr.seen, tr.families) for lang, tr in translators.items()
            if share == lang or share not in translators and share not in codes()}


def _groups_of(job: dict, share: str):
    from .site import views as site_views

    v, site, notes = job["views"], job["site"], job["notes"]
    if share == "notes":
        return [("notes", lambda: iter(notes))]
    return site_views.page_groups(v, share, site)


def _produce(job: dict, share: str) -> dict:
    """Make, key, render and write one share of the site's pages (a language, or the notes).

    Runs in a forked worker that inherits the corpus and the view builder, so the
    view models are built where they are rendered and dropped right after: nothing
    is pickled but the small result, and memory holds one page at a time.

    Pages come in groups (``views.page_groups``). A group whose recorded dependencies
    still have the fingerprints they had (``incremental.kept_groups``) is not made at
    all: its record is kept. A group that is made records its reads of the corpus as
    its dependencies (``cache/deps.py``). In a group that is made, a page whose key
    (a hash of everything its HTML depends on) matches the previous build's is not
    written again. Only rendered pages are written, into the staging folder.

    Search (search.py): each searchable page's index copy is made here, from the HTML just rendered, when the
    record store beside the output lacks it, and spooled for the index stage; a group is kept only when the
    store holds the copies of all its pages. A group's record lists its searchable pages (file, shard, record
    key, title, names): what the index stage needs without the pages."""
    from . import search as search_mod
    from .cache.store import forget_loaded, release_loaded

    env, ui, tmp, old_groups, old_keys, theme_key, fps, kept_fps = (
        job["env"], job["ui"], job["tmp"], job["old_groups"], job["old_keys"], job["theme_key"], job["fps"],
        job["kept"])
    counter = job.get("counter")
    have = job.get("search_have")  # page file -> record key of the copies the store holds; None: no copies made
    spool = search_mod.Spool(job["search_store"]) if have is not None else None
    translators = job["views"].translators
    seen_all = {lang: (tr.seen, tr.families) for lang, tr in translators.items()}
    groups, rendered, kept, pending, made = {}, 0, 0, 0, 0
    dep_fps: dict = {}  # the fingerprint of each dependency of the groups made here, for the manifest
    forget_loaded()

    def render(page):
        return env.get_template(page.template).render(page=page, ui=ui[page.lang], lang=page.lang, **page.ctx)

    try:
        for gid, make in _groups_of(job, share):
            old = old_groups.get((share, gid))
            if old is not None and (share, gid) in kept_fps and \
                    (have is None or all(have.get(rel) == rkey for rel, _, rkey, *_ in old["search"])):
                groups[(share, gid)] = None  # same inputs: same pages, same lookups (the parent has them)
                kept += len(old["pages"])
                pending += len(old["pages"])
            else:
                for tr in translators.values():  # the translation lookups of this group, for the coverage report
                    tr.seen, tr.families = {}, {}
                made += 1
                pages, searchable = [], []
                recording = RECORDER.recording()
                deps = recording.__enter__()
                for page in make():
                    rel = page_file(page.url)
                    key = page_key(theme_key, page)
                    pages.append((rel, key, tuple(PageMeta.of(page))))  # a plain tuple: quick to (un)pickle
                    html = None
                    if old_keys.get(rel) == key:
                        kept += 1  # same inputs, same bytes: the page already in the output stays
                    else:
                        html = render(page)
                        write_text(tmp, rel, html)
                        rendered += 1
                    pending += 1
                    if page.searchable:
                        sid, rkey = search_mod.shard_id(page), search_mod.record_key(key)
                        searchable.append((rel, sid, rkey, page.title, tuple(page.names)))
                        if have is not None and have.get(rel) != rkey:
                            copy = search_mod.record_for(page, html if html is not None else render(page))
                            if copy is not None:
                                spool.add(sid, rel, rkey, copy)
                recording.__exit__(None, None, None)
                # notes pages are made in every build (their group reads every note): no dependencies kept
                deps = stored(deps) if share != "notes" else None
                lookups = _own_lookups(translators, share)
                groups[(share, gid)] = {"fp": fps.group(deps) if deps is not None else None, "deps": deps,
                                        "pages": pages, "i18n": lookups, "search": searchable}
                dep_fps.update((dep, fps.of(*dep)) for dep in deps or ())
                release_loaded()  # the documents' text read for this group need not stay in this worker
            if counter is not None and pending >= 50:
                with counter.get_lock():
                    counter.value += pending
                pending = 0
    finally:  # the lookups travel with their groups; the translators are left as they were
        for lang, tr in translators.items():
            tr.seen, tr.families = seen_all[lang]
        if spool is not None:
            spool.close()
    if counter is not None and pending:
        with counter.get_lock():
            counter.value += pending
    return {"groups": groups, "rendered": rendered, "kept": kept, "made": made, "dep_fps": dep_fps}


def produce_pages(job: dict, *, workers: int | None = None, progress=None, meanwhile=None) -> list[dict]:
    """Every page of the site, one share per worker (zh, en, notes) on a multi-core
    machine, in order; the result does not depend on the split: each page is made
    and rendered on its own. ``meanwhile()`` runs in this process while the workers
    render (after them without workers)."""
    shares = list(codes()) + ["notes"]
    if not can_fork(workers):
        results = []
        for share in shares:
            r = _produce(job, share)
            if progress:
                progress(r["rendered"] + r["kept"])
            results.append(r)
        if meanwhile is not None:
            meanwhile()
        return results
    import multiprocessing

    job["counter"] = counter = multiprocessing.get_context("fork").Value("q", 0)  # pages done, for progress
    seen = 0

    def report():
        nonlocal seen
        if progress and counter.value > seen:
            progress(counter.value - seen)
            seen = counter.value

    def wait(pending):
        if meanwhile is not None:
            meanwhile()
        while not pending.ready():
            pending.wait(0.2)
            report()

    try:
        results = fork_map(_produce, job, shares, min_items=1, workers=workers, while_waiting=wait)
        report()
        return results
    finally:
        job.pop("counter", None)


PARTIAL_INDEX = ".pagefind-new"  # where a search bundle is made, inside the site, before it is swapped in


def index_output(root: Path, out: Path):
    """Index a built site for search where it is served (``index``, and ``serve`` after a build without
    search): the new bundle is made beside the old one and exchanged with it in one step, and the build's
    record notes that the index changed (the next incremental build brings its work tree up to date). Only the
    shards whose pages changed are indexed (search.update_index), from the index copies the build spooled
    (``build(..., index_later=True)``) or, for pages built without search, made from the pages' files.
    Returns the search.IndexStats."""
    from . import output

    root, out = Path(root).resolve(), output.output_path(out)
    output.check_output(root, out)
    with output.build_lock(out):
        m = load_manifest(out)
        if m is None:
            raise SourceError(Problem(str(out), None, "no complete built site to index",
                                      "a folder written by `python -m generator build` (e.g. with --no-search)"))
        served = out.resolve()
        discard_partial_index(out)
        store = _search_store(out)
        stats = _index(out, m["groups"], store, served / PARTIAL_INDEX, _live_index(served), site=served,
                       keep_if_same=True)
        if stats.unchanged:
            return stats
        output.replace_folder(out, served, PARTIAL_INDEX, output.INDEX_DIR)
        if m["delta"] is not None:
            m["delta"] = sorted(set(m["delta"]) | {output.INDEX_DIR + "/"})
        from .fileio import replace_file

        replace_file(_manifest_path(out), _manifest_bytes(m, old=m))
    return stats


def discard_partial_index(out: Path) -> None:
    """Remove what an indexing that was stopped half-way left in the served site."""
    shutil.rmtree(Path(out).resolve() / PARTIAL_INDEX, ignore_errors=True)


def build(root: Path, out: Path, *, search: bool = True, progress=None, workers: int | None = None,
          index_later: bool = False) -> BuildResult:
    """Parse, link, render and write the site into ``out``. The output folder is checked before anything is
    touched, locked for the build, and switched to the new site in one step (``output.py``): a failed or
    interrupted build leaves the previous site whole. A build without ``search`` keeps the previous search
    index; ``index_later``: the caller indexes the site afterwards (``serve``, with ``index_output``), so no
    note says it is old, and the index copies of the changed pages are made now (the indexing then has only
    to index the shards that changed)."""
    from . import output

    root, out = Path(root).resolve(), output.output_path(out)
    output.check_output(root, out)
    with output.build_lock(out):
        output.remove_leftovers(out)
        try:
            return _build(root, out, search=search, progress=progress, workers=workers, index_later=index_later)
        except TemplateError:  # TemplateNotFound is an OSError too: reported as a template error, not a full disk
            raise
        except SourceError as e:  # a write that failed in a worker names its file in the staging folder
            shown = [dataclasses.replace(p, file=output.shown_name(p.file, out)) for p in e.problems]
            if shown == e.problems:
                raise
            raise SourceError(shown) from None
        except OSError as e:  # disk full, permissions: name the file, never a traceback
            from .fileio import write_error

            raise write_error(output.shown_name(e.filename, out) if e.filename else out, e) from None


def _build(root: Path, out: Path, *, search: bool, progress, workers, index_later: bool = False) -> BuildResult:
    with frozen_heap():  # the corpus and the catalogs live until the end: the collector need not visit them
        config, glossary, corpus, translators, timer = load_all(
            root, on_stage=(lambda stage: progress(0, stage=stage)) if progress else None)
        return _build_pages(root, out, config, glossary, corpus, translators, timer, search=search,
                            progress=progress, workers=workers, index_later=index_later)


def _build_pages(root: Path, out: Path, config, glossary, corpus, translators, timer, *, search: bool, progress,
                 workers, index_later: bool) -> BuildResult:
    from . import output
    from .incremental import fingerprints, global_fingerprint, install_recording, kept_groups, record_fingerprints

    recorded_glossary = install_recording(corpus, translators, glossary)  # from here on, page reads are recorded
    result = BuildResult(corpus=corpus)
    ui = {lang: ui_strings(str(config.theme_dir), lang, config.codes) for lang in config.codes}
    site = {"title": config.title, "tagline": config.tagline, "base_url": config.base_url}
    with timer("render"):
        from .notes import render_notes

        views = ViewContext(corpus, translators, recorded_glossary, ui, config.languages)
        note_pages = render_notes(views, corpus)  # note HTML first: item pages show it
        env = make_env(config.theme_dir, config.paths.cached("templates"))
    manifest = load_manifest(out)  # None: every page is made again, into a new folder
    old_groups = manifest["groups"] if manifest else {}
    old_keys = {rel: key for g in old_groups.values() for rel, key, _ in g["pages"]}
    freeze_more()  # the previous build's record lives until the end too (millions of objects on an archive)
    if progress:
        progress(0, total=len(old_keys) or None)
    # the index copies kept beside the output: the workers make those it lacks (with search, or to index later)
    store = _search_store(out) if (search or index_later) else None
    staging = output.new_staging(out)
    forked = []  # the process making the open data, when it is made alongside (below)
    try:
        with timer("render"):
            assets = fingerprint_static(config.theme_dir, staging)
            env.globals.update(site=site, assets=assets)
            theme_key = _theme_key(config.theme_dir, assets, site)
            fps = fingerprints(corpus, translators, glossary, views, global_fingerprint(root, theme_key, glossary),
                               previous=manifest.get("fps") if manifest else None)
            kept_fps = kept_groups(old_groups, fps)
            if fps.changed() != set():  # groups will be made: the catalogs' index over their entries, made once
                for tr in translators.values():  # here rather than in each worker that needs it
                    tr.by_text()
            api_old = manifest.get("api", {}) if manifest else {}
            api_old_groups = manifest.get("api_groups", {}) if manifest else {}
            api_groups = ApiGroups(kept_groups(api_old_groups, fps), api_old_groups)
            api_new: dict = {}
            api_time = []
            data_pages = []  # the Open data pages, made with the files they describe (opendata.DataPages)
            # a full build with search makes the open data (a database of the whole archive) in a process of its
            # own, from when the API files are written while the workers render until this one has made the search
            # index: neither needs the other, and each takes minutes on an archive. Otherwise it is made here while
            # the workers render (an incremental build updates it: seconds)
            alongside = manifest is None and search and can_fork(workers)

            def open_data():  # from the API files: schemas, database, CSV tables, the page describing them
                t_open = time.perf_counter()
                # the database of the tree this build will bring up to date (two builds ago) is updated in place
                served = output.served_tree(out) if manifest else None
                spare = (output.tree_path(out, "b" if served == "a" else "a") / API_ROOT / DB_NAME) if served else None
                pages = write_open_data(staging, out if manifest else None, env, ui, site, config, api_old, api_new,
                                        spare)
                # what write_open_data recorded of the database, returned from a forked process
                return pages, api_new.get(DB_NAME), time.perf_counter() - t_open

            def write_api():  # while the workers render: the data API needs the corpus, not the pages
                t = time.perf_counter()
                for name, data in iter_api_files(views, config.base_url, api_groups):  # one file at a time
                    with naming(staging / API_ROOT / name):  # a full disk names the file
                        dump_to(staging / API_ROOT / name, data, api_old, api_new, old_dir=out / API_ROOT,
                                groups=api_groups)
                    del data
                api_time.append(time.perf_counter() - t)
                if alongside:
                    forked.append(Forked(open_data))
                else:
                    pages, _, seconds = open_data()
                    data_pages.append(pages)
                    api_time.append(seconds)

            # what was made since the corpus was loaded (links, notes, views, fingerprints) lives until the end too:
            # out of the collector's work before the workers fork, so neither this process writing the data API
            # nor the workers visit it again in each full collection (nor copy its memory pages by doing so)
            freeze_more()
            shares = produce_pages({"views": views, "site": site, "notes": note_pages, "env": env, "ui": ui,
                                    "tmp": staging, "old_groups": old_groups, "old_keys": old_keys,
                                    "theme_key": theme_key, "fps": fps, "kept": kept_fps,
                                    "search_have": store.have() if store is not None else None,
                                    "search_store": store.root if store is not None else None}, workers=workers,
                                   progress=progress, meanwhile=write_api)
            groups, metas, rendered, kept, lookups = {}, [], 0, 0, []
            for r in shares:
                for gk, g in r["groups"].items():
                    g = groups[gk] = g or old_groups[gk]
                    metas.extend(m for _, _, m in g["pages"])
                    lookups.append(g["i18n"])  # made in a worker: coverage counts them too
                rendered += r["rendered"]
                kept += r["kept"]
                fps.memo.update(r["dep_fps"])  # made in the worker: not made again for the manifest
                result.groups_made.extend(gk for gk, g in r["groups"].items() if g is not None)
        # the data API was written by this process during the render stage, while the workers rendered the pages;
        # its time is moved from "render" to "write", and the open data's (made beside it, or alongside the index)
        # to a stage of its own: the stages add up to the total, except that the open data and the index overlap
        # when they run side by side
        timer.t["render"] -= sum(api_time)
        timer.t["write"] = timer.t.get("write", 0) + api_time[0]
        if forked:  # the open data in a process of its own, the index here: the two stages' times overlap
            timer.t["open data"] = 0.0  # (listed before the index, as where it is made here)
            with timer("index"):
                result.search = _index(out, groups, store, staging / output.INDEX_DIR, _live_index(out), site=staging,
                                       workers=workers)
            made, db_record, seconds = forked[0].result()
            data_pages.append(made)
            if db_record is not None:
                api_new[DB_NAME] = db_record
            api_time.append(seconds)
        timer.t["open data"] = api_time[1]  # database, CSV tables, schemas, Open data pages
        metas.extend(data_pages[0].metas)
        rendered, kept = rendered + data_pages[0].rendered, kept + data_pages[0].kept
        with timer("write"):
            api_group_records = api_groups.groups(fps)
            api_groups.final_file_keys(api_new, api_group_records)
            editions = [{"code": lg.code, "hreflang": lg.hreflang, "title": config.title[lg.code],
                         "enter": ui[lg.code]["enter_edition"]} for lg in config.languages]
            write_text(staging, "index.html", env.get_template("root.html").render(site=site, languages=editions))
            from .site.feeds import write_extras

            write_extras(staging, metas, corpus, views, config)
            staged = output.list_files(staging)
            staged.discard(output.MARKER)
            if result.search is not None:  # made already (alongside the open data): the index is not a page's file
                staged = {rel for rel in staged if not rel.startswith(output.INDEX_DIR + "/")}
            files = staged.union(rel for g in groups.values() for rel, _, _ in g["pages"])
        gen = (manifest["gen"] + 1) if manifest else 1
        if manifest is None:  # a full build: the staging folder holds the whole site
            if search and result.search is None:
                with timer("index"):
                    result.search = _index(out, groups, store, staging / output.INDEX_DIR, _live_index(out),
                                           site=staging, workers=workers)
            with timer("write"):
                marker = _incomplete_marker(out)
                marker.write_text("a build is switching this folder to a new site\n", "utf-8")
                rescued = output.publish_full(out, staging, _known_files(out))  # one step: old site or new one
                served = output.served_tree(out)
                record = {"gen": gen, "trees": {served: gen} if served else {}, "delta": None}
        else:  # an incremental one: the tree not served is brought up to date, then served
            with timer("write"):
                which, tree, rescued = output.work_tree(out, manifest["gen"], manifest["trees"], manifest["delta"],
                                                        set(manifest["files"]) | set(manifest["delta"] or ()))
                stale = set(manifest["files"]) - files
                output.move_in(staging, tree, staged, stale)
                delta = staged | stale
            if search:
                with timer("index"):
                    live = _live_index(out)
                    # the work tree holds a copy of the served index (hard links): it is brought up to date where
                    # it is, shard by shard, and the next build does the same to the other tree's copy
                    in_place = live is not None and _same_index(tree / output.INDEX_DIR, live)
                    result.search = _index(out, groups, store, tree / (output.INDEX_DIR if in_place else PARTIAL_INDEX),
                                           live, site=tree, workers=workers, keep_if_same=True, in_place=in_place)
                    if in_place:
                        delta.update(f"{output.INDEX_DIR}/{rel}" for rel in result.search.changed)
                    elif not result.search.unchanged:  # else the work tree holds the served index already
                        output.replace_folder(out, tree, PARTIAL_INDEX, output.INDEX_DIR)
                        delta.add(output.INDEX_DIR + "/")
            elif (tree / output.INDEX_DIR).is_dir() and not index_later:
                result.notes.append("the search index of the previous build was kept as it was; it does not "
                                    "cover what changed since (build without --no-search to update it)")
            with timer("write"):
                marker = _incomplete_marker(out)
                marker.write_text("a build is switching this folder to a new site\n", "utf-8")
                output.point_to(out, which)  # one atomic step: the whole old site or the whole new one
                other = "b" if which == "a" else "a"
                record = {"gen": gen, "trees": {which: gen, other: manifest["gen"]}, "delta": sorted(delta)}
                output.finish(out, which)
                output.remove_now(staging)  # what is left of it: empty folders and the marker
        with timer("write"):
            from .fileio import replace_file

            replace_file(_manifest_path(out), _manifest_bytes(
                {"version": MANIFEST_VERSION, "groups": groups, "files": sorted(files), "api": api_new,
                 "api_groups": api_group_records, "fps": record_fingerprints(fps, translators), **record},
                fps, manifest))
            marker.unlink()
    except BaseException:
        for process in forked:  # not writing into the staging folder any more
            process.stop()
        if staging.exists():
            output.delete_later(out, staging)
        raise
    for path in rescued:
        result.notes.append(f"{path}: a file no finished build recorded was in the output folder (put there by hand, "
                            "or left by a build that failed); it was moved here, not deleted")
    result.files = len(files)
    result.pages = len(metas)
    result.rendered = rendered
    result.reused = kept
    result.timings = timer.t
    # and the lookups made here (notes, data API)
    result.coverage = _coverage(lookups + [{lang: _pack_lookups(tr.seen, tr.families)
                                            for lang, tr in translators.items()}], translators)
    result.warnings = corpus.warnings
    return result


# ------------------------------------------------------------------ the search index (search.py)
# The record store (index copies of the pages, kept beside the output) is opened before the pages are made; the
# workers add the copies it lacks; the index stage writes the new index into a folder of the tree being
# prepared (the staging folder, or the work tree), indexing only the shards whose pages changed and linking the
# others from the index being replaced; the folder then switches with the rest of the site.

def _search_store(out: Path):
    """The index copies kept beside ``out`` (search.RecordStore), with the copies that the workers of an
    earlier build spooled and no index used yet (a build for ``serve``, or one that stopped)."""
    from .search import RecordStore, store_dir

    store = RecordStore(store_dir(out)).load()
    store.absorb_spools()
    return store


def _live_index(site: Path) -> Path | None:
    """The search index ``site`` serves now (the one a new index is made from), or None."""
    from .search import SHARDS_FILE

    bundle = Path(site) / "pagefind"
    return bundle if (bundle / SHARDS_FILE).is_file() else None


def _same_index(copy: Path, served: Path) -> bool:
    """Does ``copy`` (the work tree's index folder) hold the index ``served`` is? The work tree is kept equal to
    the served site file by file (output.work_tree); its list of shards, which names the index's build, is the
    check that nothing else (the ``index`` command) changed the served index since."""
    from .search import SHARDS_FILE

    try:
        return (copy / SHARDS_FILE).read_bytes() == (served / SHARDS_FILE).read_bytes()
    except OSError:
        return False


def _index(out: Path, groups: dict, store, bundle: Path, previous: Path | None, *, site: Path,
           workers: int | None = None, keep_if_same: bool = False, in_place: bool = False):
    """Write the search index of the pages of ``groups`` (the build's group records) into ``bundle``, from
    the index ``previous`` (see search.update_index; ``in_place``: ``bundle`` holds a copy of it to update);
    returns its IndexStats. ``site``: the folder holding the new site's pages, from which a copy the store lacks
    is made (pages built without search, or a store left incomplete by a stopped build). A failure is an error naming the index in the output, never a traceback."""
    from . import output
    from .search import index_copy, plan_from_groups, update_index

    plan = plan_from_groups(groups.values())
    pages = {rel: (title, names) for g in groups.values() for rel, _, _, title, names in g.get("search", ())}

    def make_copy(sid: str, rel: str) -> str:
        from .fileio import read_text

        lang, shard = sid.split("/")
        title, names = pages[rel]
        html = read_text(site / rel, str(out / rel), "a page of the site")
        copy = index_copy(html, lang=lang, title=title, names=list(names), group=shard)
        if copy is None:
            raise SourceError(Problem(str(out / rel), None, "this page has no indexed part",
                                      "a page written by this generator (build again)"))
        return copy

    _release_memory()  # what rendering left behind, before the Pagefind processes start
    try:
        with naming(out / output.INDEX_DIR):
            return update_index(bundle, plan=plan, store=store, previous=previous, workers=workers,
                                make_copy=make_copy, keep_if_same=keep_if_same, in_place=in_place)
    except (OSError, SourceError):
        raise
    except Exception as e:  # Pagefind reports its failures (a full disk among them) as Exception
        raise SourceError(Problem(str(out / output.INDEX_DIR), None, f"the search index could not be written: "
                                  f"{str(e).replace(str(bundle.parent), str(out))}",
                                  "free space for the index, or build with --no-search")) from None


def _release_memory() -> None:
    """Collect garbage and hand freed memory back to the system (glibc keeps it otherwise), so that the
    Pagefind processes that follow have room: the build's processes together are what counts."""
    import ctypes
    import gc

    gc.collect(1)  # not a full collection: one over a large archive's corpus takes seconds and finds little
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _known_files(out: Path) -> set[str] | None:
    """The files the builds made in ``out``, from any manifest that can be read (of this version or an older
    one): what a full build may delete without asking. None when there is no record (an old output folder)."""
    try:
        m = pickle.loads(_manifest_path(out).read_bytes())
        return set(m["files"]) | set(m.get("delta") or ())
    except Exception:
        return None
