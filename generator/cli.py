"""Command line: build / check / serve / ingest / new-note / i18n.

Every user error is printed as ``file:line: message (expected …)`` with exit
status 1 — never a traceback."""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from .errors import Problem, SourceError


def _root(args) -> Path:
    return Path(args.root).resolve()


def _print_problems(e: SourceError) -> None:
    print(f"error: {len(e.problems)} problem(s) found; nothing was written.", file=sys.stderr)
    for p in e.problems:
        print(f"  {p}", file=sys.stderr)


def _template_frames(e: BaseException) -> list[tuple[str, int]]:
    """(file, line) of the template code an error went through, innermost last. Jinja
    rewrites tracebacks so that template frames carry the template's file and line; an
    error raised in a render worker arrives with the worker's traceback as text."""
    frames = []
    tb = e.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if not code.co_filename.endswith(".py") and (code.co_name in ("top-level template code", "template")
                                                      or code.co_name.startswith(("block ", "macro"))):
            frames.append((code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    remote = getattr(e.__cause__, "tb", None)  # multiprocessing.pool.RemoteTraceback
    if isinstance(remote, str):
        frames += [(f, int(n)) for f, n in re.findall(
            r'File "([^"]+)", line (\d+), in (?:top-level template code|template|block |macro)', remote)]
    return frames


def template_problem(e: TemplateError, root: Path) -> Problem:
    """A template error as ``file:line: template error: …``."""
    file, line = None, None
    if isinstance(e, TemplateSyntaxError):
        file, line = e.filename or e.name, e.lineno
    frames = _template_frames(e)
    if file is None and frames:
        file, line = frames[-1]
    if file:
        try:
            file = Path(file).resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    message = getattr(e, "message", None) or str(e)
    if type(e).__name__ in ("TemplateNotFound", "TemplatesNotFound"):
        message = f"template not found: {message}"
    return Problem(file or "(template)", line, f"template error: {message}",
                   "" if file else "a template of the theme (themes/<name>/templates/)")


def _warn(warnings) -> None:
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)


class _progress_bar:
    """A rich progress bar over the pages, shown only on a terminal (CI logs stay clean).
    ``build`` calls it with the pages done since the last call, and once with
    ``total=`` (the previous build's page count, when there is one)."""

    def __init__(self, console):
        self.console, self.bar, self.task = console, None, None

    def __enter__(self):
        if self.console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("rendering pages"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=self.console, transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task("pages", total=None)
        return self

    def __call__(self, n: int, total: int | None = None) -> None:
        if self.bar is None:
            return
        if total:
            self.bar.update(self.task, total=total)
        if n:
            self.bar.advance(self.task, n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def cmd_build(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from .build import build

    console = Console(stderr=True, highlight=False, width=100)
    root = _root(args)
    out = Path(args.out).resolve() if args.out else root / "build"
    t0 = time.perf_counter()
    with _progress_bar(console) as progress:
        result = build(root, out, search=not args.no_search, progress=progress)
    elapsed = time.perf_counter() - t0
    _warn(result.warnings)
    cov = result.coverage.get("all", {})
    print(f"built {result.pages} pages ({result.rendered} rendered, {result.reused} unchanged; "
          f"{result.files} files) into {out} in {elapsed:.2f} s")
    if result.search is not None:
        s = result.search
        print(f"search index: {s.pages} pages in {s.shards} shards; {s.indexed} shard(s) indexed "
              f"({s.pages_indexed} pages), the others unchanged")
    table = Table(title="time per stage")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for stage, secs in result.timings.items():
        table.add_row(stage, f"{secs:.3f}")
    table.add_row("total", f"{elapsed:.3f}", end_section=True)
    table.add_row("pages rendered", str(result.rendered))
    table.add_row("pages unchanged (cache hits)", str(result.reused))
    console.print(table)
    if cov:
        line = (f"translation coverage: {cov['ok']}/{cov['total']} segments "
                f"({100 * cov['ok'] / max(cov['total'], 1):.1f}%), {cov['stale']} stale, {cov['missing']} missing")
        print(line)
        for fam, c in result.coverage.items():
            if fam != "all":
                print(f"  {fam:<12} {c['ok']:>5}/{c['total']:<5} stale {c['stale']:<4} missing {c['missing']}")
    return 0


def cmd_check(args) -> int:
    from .build import load_all

    config, glossary, corpus, translator, timer = load_all(_root(args))
    _warn(corpus.warnings)
    tasks = sum(len(t.tasks) for t in corpus.tasklists.values())
    print(f"ok: {len(corpus.sources)} sources, {len(corpus.documents)} documents, {tasks} tasks, "
          f"{sum(len(l.projects) for l in corpus.livelihood.values())} livelihood projects, "
          f"{sum(len(t.rows) for t in corpus.progress.values())} progress rows, {len(corpus.units)} units, "
          f"{len(corpus.links)} links, {len(corpus.notes)} notes")
    return 0


def cmd_serve(args) -> int:
    from .serve import serve

    return serve(_root(args), port=args.port, host=args.host, search=not args.no_search)


def cmd_ingest(args) -> int:
    from .ingest import ingest

    return ingest(_root(args), Path(args.file), dry_run=args.dry_run)


def cmd_new_note(args) -> int:
    from .scaffold import new_note

    return new_note(_root(args), ref=args.ref, lang=args.lang, title=args.title, author=args.author)


def cmd_i18n(args) -> int:
    from .i18n.update import update_catalogs

    return update_catalogs(_root(args), Path(args.import_dir) if args.import_dir else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator",
                                     description="Build the bilingual Beijing government documents site.")
    parser.add_argument("--root", default=".", help="project folder holding content/ and themes/ (default: .)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="parse, link and write the site (atomically)")
    b.add_argument("--out", help="output folder (default: build/)")
    b.add_argument("--no-search", action="store_true", help="skip the Pagefind index")
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="parse and validate everything without writing a site")
    c.set_defaults(func=cmd_check)
    s = sub.add_parser("serve", help="preview on localhost, rebuilding on change")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--no-search", action="store_true", help="skip the search index (faster rebuilds)")
    s.set_defaults(func=cmd_serve)
    i = sub.add_parser("ingest", help="validate a new gazette issue or circular and file it under content/")
    i.add_argument("file")
    i.add_argument("--dry-run", action="store_true", help="report what would be filed, change nothing")
    i.set_defaults(func=cmd_ingest)
    n = sub.add_parser("new-note", help="scaffold an editor's note")
    n.add_argument("--ref", required=True, help="id the note is about, e.g. task/2026/20")
    n.add_argument("--lang", default="zh", choices=["zh", "en"])
    n.add_argument("--title", default="")
    n.add_argument("--author", default="编辑部")
    n.set_defaults(func=cmd_new_note)
    t = sub.add_parser("i18n", help="update the PO catalogs from the current sources (new segments, stale marks)")
    t.add_argument("--import", dest="import_dir", help="merge batch translations (YAML) from this folder")
    t.set_defaults(func=cmd_i18n)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SourceError as e:
        _print_problems(e)
        return 1
    except TemplateError as e:  # a broken theme: where in which template, not a traceback
        _print_problems(SourceError(template_problem(e, _root(args))))
        return 1
    except KeyboardInterrupt:
        return 130
