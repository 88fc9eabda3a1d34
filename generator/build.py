"""The build: read -> link -> pages -> files, with per-stage timings."""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import load_config
from .errors import Report
from .i18n.catalog import load_catalogs
from .i18n.glossary import load_glossary
from .site.api import API_ROOT, dump_to, iter_api_files
from .site.feeds import PageMeta
from .site.pages import Views
from .site.render import fingerprint_static, make_env, page_file, replace_tree, write_text
from .site.text import ui_strings
from .site.urls import LANGS
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
    search: object = None  # search.IndexStats of the index this build made (None: no index made)


class Timer:
    def __init__(self):
        self.t = {}

    def __call__(self, name):
        timer = self

        class _T:
            def __enter__(self_):
                self_.start = time.perf_counter()

            def __exit__(self_, *a):
                timer.t[name] = timer.t.get(name, 0) + time.perf_counter() - self_.start

        return _T()


def _theme_key(theme_dir: Path, assets: dict, site: dict) -> str:
    h = hashlib.sha256()
    for p in sorted((theme_dir / "templates").rglob("*")) + sorted((theme_dir / "i18n").rglob("*")):
        if p.is_file():
            h.update(p.as_posix().encode() + b"\0" + p.read_bytes())
    h.update(json.dumps([assets, site], sort_keys=True).encode())
    from . import __version__

    h.update(__version__.encode())
    return h.hexdigest()


def page_key(theme_key: str, page) -> str:
    """Everything a page's HTML depends on: theme, template and the page's view model.

    View models are plain data (dicts, lists, strings, numbers) built in a fixed
    order, so their pickle is a stable fingerprint; the pickler's memo is off
    ("fast" mode) so that the bytes depend on values only, not on which equal
    strings happen to be one object (that differs between a fresh parse and a
    cached one). Three times cheaper than sorted JSON."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True
    pickler.dump((page.id, page.lang, page.template, page.title, page.kind, page.year, page.units, page.issuers,
                  page.names, page.breadcrumbs, page.searchable, page.date, page.citation, page.ctx))
    return hashlib.sha256(theme_key.encode() + buf.getvalue()).hexdigest()[:24]


def load_all(root: Path):
    """Parse and link everything; no files written. Used by build and check."""
    from .link import link_corpus
    from .notes import load_notes

    timer = Timer()
    with timer("parse"):
        config = load_config(root)
        glossary = load_glossary(root)
        corpus = load_corpus(root, glossary=glossary)
        translator = load_catalogs(root)
    with timer("link"):
        rep = Report()
        link_corpus(corpus, root, rep)
        load_notes(corpus, root, rep)
        rep.raise_if_errors()
        corpus.warnings.extend(rep.warnings)
    return config, glossary, corpus, translator, timer


_JOB = None  # what forked page workers inherit (see _produce)


MANIFEST_VERSION = 9


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
    except Exception:  # damaged: build everything again
        return None
    return m if isinstance(m, dict) and m.get("version") == MANIFEST_VERSION else None


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


def _coverage(packed: list[dict]) -> dict:
    """Translation coverage (catalog.coverage_table) over the lookups of every group, each key once."""
    from collections import defaultdict

    from .i18n.catalog import coverage_table

    keys: dict[str, set] = defaultdict(set)
    for p in packed:
        for code, joined in p.items():
            keys[code].update(joined.split("\n"))
    return coverage_table({(code[1:], _STATUS_OF[code[0]]): len(ks) for code, ks in keys.items()})


def _groups_of(share: str):
    from .site import views as site_views

    v, site, notes = _JOB["views"], _JOB["site"], _JOB["notes"]
    if share == "notes":
        return [("notes", lambda: iter(notes))]
    return site_views.page_groups(v, share, site)


def _produce(share: str) -> dict:
    """Make, key, render and write one share of the site's pages (a language, or the notes).

    Runs in a forked worker that inherits the corpus and the view builder, so the
    view models are built where they are rendered and dropped right after: nothing
    is pickled but the small result, and memory holds one page at a time.

    Pages come in groups (``views.page_groups``). A group whose fingerprint
    (``incremental.group_fingerprints``) is the one the previous build recorded is
    not made at all: its record is kept. In a group that is made, a page whose key
    (a hash of everything its HTML depends on) matches the previous build's is not
    written again. Only rendered pages are written, into the staging folder."""
    from . import search as search_mod

    job = _JOB
    env, ui, tmp, old_groups, old_keys, theme_key, fps = (
        job["env"], job["ui"], job["tmp"], job["old_groups"], job["old_keys"], job["theme_key"], job["fps"])
    counter = job.get("counter")
    # the search index's copies of the pages (search.py): made for searchable pages the record store lacks
    have = job.get("search_have")  # rel -> record key the store holds; None when the build makes no index
    spool = search_mod.Spool(job["search_store"]) if have is not None else None
    tr = job["views"].tr
    documents = job["views"].c.documents
    seen_all, families_all = tr.seen, tr.families
    groups, rendered, kept, pending = {}, 0, 0, 0

    def render(page):
        return env.get_template(page.template).render(page=page, ui=ui[page.lang], lang=page.lang, **page.ctx)

    try:
        for gid, make in _groups_of(share):
            fp = fps.get(gid) if share != "notes" else None
            old = old_groups.get((share, gid))
            if fp is not None and old is not None and old["fp"] == fp and \
                    (have is None or all(have.get(rel) == rkey for rel, _, rkey in old["search"])):
                groups[(share, gid)] = None  # same inputs: same pages, same lookups (the parent has them)
                kept += len(old["pages"])
                pending += len(old["pages"])
            else:
                tr.seen, tr.families = {}, {}  # the translation lookups of this group, for the coverage report
                pages, searchable = [], []
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
                        sid, rkey = f"{page.lang}/{search_mod.shard_of(page)}", search_mod.record_key(key)
                        searchable.append((rel, sid, rkey))
                        if have is not None and have.get(rel) != rkey:
                            copy = search_mod.record_for(page, html if html is not None else render(page))
                            if copy is not None:
                                spool.add(sid, rel, rkey, copy)
                # coverage counts what the English pages show; the Chinese pages' side-by-side views look up
                # the same segments as their English twins, so the Chinese share's lookups add nothing
                lookups = _pack_lookups(tr.seen, tr.families) if share != "zh" else {}
                groups[(share, gid)] = {"fp": fp, "pages": pages, "i18n": lookups, "search": searchable}
                doc = documents.get(gid)
                if doc is not None:  # its pages are made: its text need not stay in this worker
                    doc.release_blocks()
            if counter is not None and pending >= 50:
                with counter.get_lock():
                    counter.value += pending
                pending = 0
    finally:  # the lookups travel with their groups; the translator is left as it was
        tr.seen, tr.families = seen_all, families_all
        if spool is not None:
            spool.close()
    if counter is not None and pending:
        with counter.get_lock():
            counter.value += pending
    return {"groups": groups, "rendered": rendered, "kept": kept}


def produce_pages(job: dict, *, workers: int | None = None, progress=None, meanwhile=None) -> list[dict]:
    """Every page of the site, one share per worker (zh, en, notes) on a multi-core
    machine, in order; the result does not depend on the split: each page is made
    and rendered on its own. ``meanwhile()`` runs in this process while the workers
    render (after them without workers)."""
    global _JOB
    shares = list(LANGS) + ["notes"]
    workers = workers or os.cpu_count() or 1
    _JOB = job
    try:
        if workers > 1 and hasattr(os, "fork"):
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            job["counter"] = counter = ctx.Value("q", 0)
            with ctx.Pool(min(workers, len(shares))) as pool:
                pending = pool.map_async(_produce, shares, chunksize=1)
                seen = 0
                if meanwhile is not None:
                    meanwhile()
                while not pending.ready():
                    pending.wait(0.2)
                    if progress and counter.value > seen:
                        progress(counter.value - seen)
                        seen = counter.value
                results = pending.get()
            if progress and counter.value > seen:
                progress(counter.value - seen)
            return results
        results = []
        for share in shares:
            r = _produce(share)
            if progress:
                progress(r["rendered"] + r["kept"])
            results.append(r)
        if meanwhile is not None:
            meanwhile()
        return results
    finally:
        job.pop("counter", None)
        _JOB = None


def _staged_files(staging: Path) -> list[str]:
    """Every file under ``staging``, as a relative POSIX path. Plain strings: a full build stages one folder
    per page, and a Path per folder made this walk cost more than the sitemap and feeds together."""
    out: list[str] = []
    stack = [("", os.fspath(staging))]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as it:
            for entry in it:
                name = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append((name + "/", entry.path))
                else:
                    out.append(name)
    return out


def _move_in(out: Path, staging: Path, staged: list[str], stale: set[str]) -> None:
    """Move this build's new and changed files into the existing output and delete what it no longer has.
    A marker file is left while the folder is being changed, and removed only once the new manifest is
    written: if the build stops in between, the next one sees it and builds everything afresh instead of
    trusting a half-updated folder."""
    _incomplete_marker(out).write_text("an incremental build is updating this folder\n", "utf-8")
    for rel in staged:
        dest = out / rel
        try:
            os.replace(staging / rel, dest)
        except FileNotFoundError:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, dest)
    for rel in sorted(stale):
        (out / rel).unlink(missing_ok=True)
        parent = (out / rel).parent
        while parent != out:  # and the folders that held only it
            try:
                parent.rmdir()
            except OSError:  # not empty (or gone)
                break
            parent = parent.parent


# ------------------------------------------------------------------ search index (search.py)
# Three functions, kept apart from the rest of the build so that the output stage can change around them:
# the record store is opened before the pages are made (its workers add the copies it lacks), and the index
# is written into the staging folder, which then replaces the output or moves into it like every other file.

def _search_store(out: Path):
    """The index copies kept beside ``out`` (search.RecordStore), loaded, with the copies that workers of an
    earlier build spooled and no index used yet."""
    from .search import RecordStore, store_dir

    store = RecordStore(store_dir(out)).load()
    store.absorb_spools()
    return store


def _index_search(staging: Path, previous: Path | None, groups: dict, store, workers: int | None):
    """Write the search index of the new site into ``staging/pagefind``: the shards whose pages changed are
    indexed again, the others are linked from ``previous`` (the site being replaced)."""
    from .search import plan_from_groups, update_index

    plan = plan_from_groups(g for g in groups.values())
    _release_memory()  # what rendering left behind, before the Pagefind processes start
    return update_index(staging, plan=plan, store=store, previous=previous, workers=workers)


def _release_memory() -> None:
    """Collect garbage and hand the freed memory back to the system (glibc keeps it otherwise), so that the
    Pagefind processes that follow have room: the build's processes together are what counts."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _keep_search_index(previous: Path, staging: Path) -> None:
    """A build without search keeps the index the previous build made (linked into the new site): it does not
    cover what changed since; the next build with search updates the shards that changed."""
    from .search import INDEX_DIR, _link_tree

    if (previous / INDEX_DIR).is_dir():
        _link_tree(previous / INDEX_DIR, staging / INDEX_DIR)


def build(root: Path, out: Path, *, search: bool | str = True, progress=None, workers: int | None = None) -> BuildResult:
    """``search``: True, the pages and their search index; False, the pages only (the previous index is kept as
    it was); ``"later"``, the pages and the index copies of those that changed, the previous index kept:
    ``search.index_output(out)`` brings it up to date afterwards (``serve`` does, in the background)."""
    from .incremental import global_fingerprint, group_fingerprints

    root = Path(root)
    config, glossary, corpus, translator, timer = load_all(root)
    result = BuildResult(corpus=corpus)
    ui = {lang: ui_strings(str(config.theme_dir), lang) for lang in LANGS}
    site = {"title": config.title, "tagline": config.tagline, "base_url": config.base_url}
    with timer("render"):
        from .notes import render_notes

        views = Views(corpus, translator, glossary, ui)
        note_pages = render_notes(views, corpus)  # note HTML first: item pages show it
        env = make_env(config.theme_dir, root / ".cache" / "templates")
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    manifest = load_manifest(out)  # None: a full build into a fresh folder
    old_groups = manifest["groups"] if manifest else {}
    old_keys = {rel: key for g in old_groups.values() for rel, key, _ in g["pages"]}
    if progress:
        progress(0, total=len(old_keys) or None)
    store = _search_store(out) if search else None
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-tmp-", dir=out.parent))
    os.chmod(staging, 0o755)  # it becomes the site folder: readable by a web server, as a folder made by mkdir
    try:
        with timer("render"):
            assets = fingerprint_static(config.theme_dir, staging)
            env.globals.update(site=site, assets=assets)
            theme_key = _theme_key(config.theme_dir, assets, site)
            fps = group_fingerprints(corpus, global_fingerprint(root, theme_key))
            api_old = manifest.get("api", {}) if manifest else {}
            api_new: dict = {}
            api_time = []

            def write_api():  # while the workers render: the data API needs the corpus, not the pages
                t = time.perf_counter()
                for name, data in iter_api_files(views, config.base_url, fps):  # one file at a time
                    dump_to(staging / API_ROOT / name, data, api_old, api_new, old_dir=out / API_ROOT)
                    del data
                api_time.append(time.perf_counter() - t)

            shares = produce_pages({"views": views, "site": site, "notes": note_pages, "env": env, "ui": ui,
                                    "tmp": staging, "old_groups": old_groups, "old_keys": old_keys,
                                    "theme_key": theme_key, "fps": fps.group,
                                    "search_have": store.have() if store else None,
                                    "search_store": store.root if store else None},
                                   workers=workers, progress=progress, meanwhile=write_api)
            groups, metas, rendered, kept, lookups = {}, [], 0, 0, []
            for r in shares:
                for gk, g in r["groups"].items():
                    g = groups[gk] = g or old_groups[gk]
                    metas.extend(m for _, _, m in g["pages"])
                    lookups.append(g["i18n"])  # made in a worker: coverage counts them too
                rendered += r["rendered"]
                kept += r["kept"]
        # the data API was written by this process during the render stage, while the workers rendered
        # the pages; its time is moved from "render" to "write", so the stages still add up to the total
        timer.t["render"] -= api_time[0]
        timer.t["write"] = timer.t.get("write", 0) + api_time[0]
        with timer("write"):
            write_text(staging, "index.html", env.get_template("root.html").render(site=site))
            from .site.feeds import write_extras

            write_extras(staging, metas, corpus, views, config)
        previous = out if out.is_dir() and not _incomplete_marker(out).exists() else None
        if search is True:
            with timer("index"):
                result.search = _index_search(staging, previous, groups, store, workers)
        elif previous is not None:
            _keep_search_index(previous, staging)
        with timer("write"):
            staged = _staged_files(staging)
            files = set(staged).union(rel for g in groups.values() for rel, _, _ in g["pages"])

        def write_manifest():
            with open(_manifest_path(out), "wb") as fh:  # streamed: no copy of the whole record in memory
                pickle.dump({"version": MANIFEST_VERSION, "groups": groups, "files": sorted(files), "api": api_new},
                            fh, protocol=5)

        if manifest is None:  # a full build: the staging folder becomes the output
            with timer("write"):
                _manifest_path(out).unlink(missing_ok=True)  # never a record of another tree
                replace_tree(out, staging)
                write_manifest()
                _incomplete_marker(out).unlink(missing_ok=True)
        else:  # an incremental one: changed files (the search index's among them) move into the output
            with timer("write"):
                _move_in(out, staging, staged, set(manifest["files"]) - files)
            with timer("write"):
                write_manifest()
                shutil.rmtree(staging, ignore_errors=True)
                _incomplete_marker(out).unlink()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.files = len(files)
    result.pages = len(metas)
    result.rendered = rendered
    result.reused = kept
    result.timings = timer.t
    # and the lookups made here (notes, data API)
    result.coverage = _coverage(lookups + [_pack_lookups(translator.seen, translator.families)])
    result.warnings = corpus.warnings
    return result
