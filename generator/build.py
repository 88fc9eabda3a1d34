"""The build: read -> link -> pages -> files, with per-stage timings."""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import load_config
from .errors import Report
from .i18n.catalog import load_catalogs
from .i18n.glossary import load_glossary
from .site.api import API_ROOT, api_files, dump
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
    """Everything a page's HTML depends on: theme, template and the page's view model."""
    data = json.dumps([page.id, page.lang, page.template, page.title, page.kind, page.year, page.units,
                       page.breadcrumbs, page.searchable, page.date, page.ctx],
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((theme_key + data).encode("utf-8")).hexdigest()[:24]


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


_JOB = None  # (env, pages, ui, out) inherited by forked render workers
BATCH = 6000  # pages made and rendered at a time


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


def _render_chunk(indices: list[int]) -> int:
    env, pages, ui, out = _JOB
    for i in indices:
        page = pages[i]
        html = env.get_template(page.template).render(page=page, ui=ui[page.lang], lang=page.lang, **page.ctx)
        write_text(out, page_file(page.url), html)
    return len(indices)


def render_pages(env, pages, ui, out: Path, todo: list[int], *, workers: int | None = None, progress=None) -> int:
    """Render and write the pages at ``todo``; uses every core for large builds.
    Each page is rendered on its own, so the output does not depend on the split."""
    global _JOB
    _JOB = (env, pages, ui, out)
    workers = workers or os.cpu_count() or 1
    chunks = [todo[i:i + 200] for i in range(0, len(todo), 200)]
    try:
        if workers > 1 and len(todo) > 400 and hasattr(os, "fork"):
            import multiprocessing

            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for n in pool.imap_unordered(_render_chunk, chunks):
                    if progress:
                        progress(n)
        else:
            for c in chunks:
                n = _render_chunk(c)
                if progress:
                    progress(n)
    finally:
        _JOB = None
    return len(todo)


def build(root: Path, out: Path, *, search: bool = True, progress=None, workers: int | None = None) -> BuildResult:
    root = Path(root)
    config, glossary, corpus, translator, timer = load_all(root)
    result = BuildResult(corpus=corpus)
    ui = {lang: ui_strings(str(config.theme_dir), lang) for lang in LANGS}
    site = {"title": config.title, "tagline": config.tagline, "base_url": config.base_url}
    with timer("render"):
        from .notes import render_notes
        from .site.pages import build_pages

        views = Views(corpus, translator, glossary, ui)
        note_pages = render_notes(views, corpus)  # note HTML first: item pages show it
        env = make_env(config.theme_dir)
    out = Path(out).resolve()
    cache_path = out.parent / f".{out.name}.cache.json"
    old_keys = {}
    if out.exists() and cache_path.exists():
        try:
            old_keys = json.loads(cache_path.read_text("utf-8"))
        except ValueError:
            old_keys = {}
    new_keys = {}
    reused = []
    metas = []  # what the sitemap and feeds need of every page, without its view model
    rendered = 0
    with AtomicOutput(out) as tmp:
        with timer("render"):
            assets = fingerprint_static(config.theme_dir, tmp)
            env.globals.update(site=site, assets=assets)
            theme_key = _theme_key(config.theme_dir, assets, site)
            # pages are made, rendered and dropped in batches: memory stays bounded by a batch
            batch: list = []
            for page in itertools.chain(build_pages(views, site), note_pages):
                rel = page_file(page.url)
                key = page_key(theme_key, page)
                new_keys[rel] = key
                metas.append(PageMeta.of(page))
                if old_keys.get(rel) == key and (out / rel).is_file():
                    reused.append(rel)  # same inputs, same bytes: keep the page already written
                else:
                    batch.append(page)
                if len(batch) >= BATCH:
                    rendered += render_pages(env, batch, ui, tmp, list(range(len(batch))), workers=workers,
                                             progress=progress)
                    batch = []
            if batch:
                rendered += render_pages(env, batch, ui, tmp, list(range(len(batch))), workers=workers,
                                         progress=progress)
            del batch
        with timer("write"):
            for rel in reused:
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.link(out / rel, dest)
            for name, data in api_files(views, config.base_url).items():
                write_text(tmp, f"{API_ROOT}/{name}", dump(data))
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
