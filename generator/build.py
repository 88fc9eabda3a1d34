"""The build: read -> link -> pages -> files, with per-stage timings."""
from __future__ import annotations

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


def build(root: Path, out: Path, *, search: bool = True, progress=None) -> BuildResult:
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
        pages = build_pages(views, site) + note_pages
        env = make_env(config.theme_dir)
        rendered = []
    with AtomicOutput(out) as tmp:
        with timer("render"):
            assets = fingerprint_static(config.theme_dir, tmp)
            env.globals.update(site=site, assets=assets)
            for page in pages:
                tpl = env.get_template(page.template)
                html = tpl.render(page=page, ui=ui[page.lang], lang=page.lang, **page.ctx)
                rendered.append((page_file(page.url), html))
                if progress:
                    progress()
        with timer("write"):
            for rel, html in rendered:
                write_text(tmp, rel, html)
            for name, data in api_files(views, config.base_url).items():
                write_text(tmp, f"{API_ROOT}/{name}", dump(data))
            write_text(tmp, "index.html", env.get_template("root.html").render(site=site))
            from .site.feeds import write_extras

            write_extras(tmp, pages, corpus, views, config)
        if search:
            with timer("index"):
                from .search import index_site

                index_site(tmp)
        result.files = sum(1 for p in tmp.rglob("*") if p.is_file())
    result.pages = len(pages)
    result.timings = timer.t
    result.coverage = translator.coverage()
    result.warnings = corpus.warnings
    return result
