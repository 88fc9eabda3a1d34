"""The build: read -> link -> pages -> files, with per-stage timings."""
from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import load_config
from .errors import Report
from .i18n.catalog import load_catalogs
from .i18n.glossary import load_glossary
from .site.api import API_ROOT, dump_to, iter_api_files
from .site.pages import Views
from .site.render import AtomicOutput, fingerprint_static, make_env, page_file, write_text
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
    pickler.dump((page.id, page.lang, page.template, page.title, page.kind, page.year, page.units,
                  page.breadcrumbs, page.searchable, page.date, page.citation, page.ctx))
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


@dataclass
class PageMeta:
    """The little the sitemap and the feeds need of a page."""

    id: str
    lang: str
    url: str
    alt_url: str
    title: str
    kind: str
    date: str
    note_html: str = ""

    @classmethod
    def of(cls, page) -> "PageMeta":
        note = page.ctx.get("note") if page.kind == "note" else None
        return cls(page.id, page.lang, page.url, page.alt_url, page.title, page.kind, page.date,
                   note["html"] if note else "")


def _pages_of(share: str):
    from .site import views as site_views

    v, site, notes = _JOB["views"], _JOB["site"], _JOB["notes"]
    if share == "notes":
        return iter(notes)
    return site_views.all_pages(v, share, site)


def _produce(share: str) -> dict:
    """Make, key, render and write one share of the site's pages (a language, or the notes).

    Runs in a forked worker that inherits the corpus and the view builder, so the
    view models are built where they are rendered and dropped right after: nothing
    is pickled but the small result, and memory holds one page at a time. A page
    whose key (a hash of everything its HTML depends on) matches the previous
    build's is not rendered again: the old file is linked into the new site."""
    job = _JOB
    env, ui, tmp, out, old_keys, theme_key = (job["env"], job["ui"], job["tmp"], job["out"], job["old_keys"],
                                              job["theme_key"])
    counter = job.get("counter")
    metas, keys, reused, rendered, pending = [], {}, [], 0, 0
    for page in _pages_of(share):
        rel = page_file(page.url)
        key = page_key(theme_key, page)
        keys[rel] = key
        metas.append(PageMeta.of(page))
        if old_keys.get(rel) == key and (out / rel).is_file():
            reused.append(rel)  # same inputs, same bytes: keep the page already written
        else:
            html = env.get_template(page.template).render(page=page, ui=ui[page.lang], lang=page.lang, **page.ctx)
            write_text(tmp, rel, html)
            rendered += 1
        pending += 1
        if counter is not None and pending >= 50:
            with counter.get_lock():
                counter.value += pending
            pending = 0
    if counter is not None and pending:
        with counter.get_lock():
            counter.value += pending
    # translations looked up while making these pages, for the coverage report: only what was added here
    # (dicts keep insertion order), not the whole record again; merging it in the parent is a no-op when
    # this ran in the parent itself
    tr, (n_seen, n_fam) = job["views"].tr, job["i18n_base"]
    i18n = (dict(itertools.islice(tr.seen.items(), n_seen, None)),
            dict(itertools.islice(tr.families.items(), n_fam, None)))
    return {"metas": metas, "keys": keys, "reused": reused, "rendered": rendered, "i18n": i18n}


def produce_pages(job: dict, *, workers: int | None = None, progress=None) -> list[dict]:
    """Every page of the site, one share per worker (zh, en, notes) on a multi-core
    machine, in order; the result does not depend on the split: each page is made
    and rendered on its own."""
    global _JOB
    shares = list(LANGS) + ["notes"]
    tr = job["views"].tr
    job["i18n_base"] = (len(tr.seen), len(tr.families))
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
                progress(len(r["metas"]))
            results.append(r)
        return results
    finally:
        job.pop("counter", None)
        _JOB = None


def build(root: Path, out: Path, *, search: bool = True, progress=None, workers: int | None = None) -> BuildResult:
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
    cache_path = out.parent / f".{out.name}.cache.json"
    old_keys = {}
    if out.exists() and cache_path.exists():
        try:
            old_keys = json.loads(cache_path.read_text("utf-8"))
        except ValueError:
            old_keys = {}
    if progress:
        progress(0, total=len(old_keys) or None)
    new_keys = {}
    reused = []
    metas = []  # what the sitemap and feeds need of every page, without its view model
    rendered = 0
    with AtomicOutput(out) as tmp:
        with timer("render"):
            assets = fingerprint_static(config.theme_dir, tmp)
            env.globals.update(site=site, assets=assets)
            theme_key = _theme_key(config.theme_dir, assets, site)
            shares = produce_pages({"views": views, "site": site, "notes": note_pages, "env": env, "ui": ui,
                                    "tmp": tmp, "out": out, "old_keys": old_keys, "theme_key": theme_key},
                                   workers=workers, progress=progress)
            for r in shares:
                translator.seen.update(r["i18n"][0])  # lookups made in a worker: coverage counts them too
                translator.families.update(r["i18n"][1])
                new_keys.update(r["keys"])
                metas.extend(r["metas"])
                reused.extend(r["reused"])
                rendered += r["rendered"]
        with timer("write"):
            for rel in reused:
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.link(out / rel, dest)
            for name, data in iter_api_files(views, config.base_url):  # one file at a time
                dump_to(tmp / API_ROOT / name, data)
                del data
            write_text(tmp, "index.html", env.get_template("root.html").render(site=site))
            from .site.feeds import write_extras

            write_extras(tmp, metas, corpus, views, config)
        if search:
            with timer("index"):
                from .search import index_site

                index_site(tmp)
        result.files = sum(1 for p in tmp.rglob("*") if p.is_file())
    cache_path.write_text(json.dumps(new_keys, sort_keys=True), "utf-8")
    result.pages = len(metas)
    result.rendered = rendered
    result.reused = len(reused)
    result.timings = timer.t
    result.coverage = translator.coverage()
    result.warnings = corpus.warnings
    return result
