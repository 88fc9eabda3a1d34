"""Command line: build / check / serve / ingest / new-note / i18n.

Every user error is printed as ``file:line: message (expected …)`` with exit
status 1 — never a traceback."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from jinja2 import TemplateError

from .errors import SourceError
from .paths import Paths
from .output import output_path
from .site.render import template_problem


def _root(args) -> Path:
    return Path(args.root).resolve()


def _print_problems(e: SourceError) -> None:
    print(f"error: {len(e.problems)} problem(s) found; nothing was written.", file=sys.stderr)
    for p in e.problems:
        print(f"  {p}", file=sys.stderr)


def _warn(warnings) -> None:
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)


def _sorted_warnings(args, warnings) -> tuple[list, list]:
    """(printed, acknowledged): the warnings printed on stderr (all of them with --verbose), and those
    the sources' provenance acknowledges as true properties of a file (see generator/diagnostics.py)."""
    from .diagnostics import sort_warnings

    shown, known = sort_warnings(warnings, _root(args))
    _warn(shown + (known if args.verbose else []))
    return shown, known


def warnings_line(shown: list, known: list, verbose: bool) -> str:
    text = f"warnings: {len(shown)}"
    if known:
        text += (f" (and {len(known)} acknowledged in content/sources/provenance.yaml"
                 + (", listed above)" if verbose else "; --verbose lists them)"))
    return text


STAGES = {"parse": "parsing sources", "link": "linking", "render": "rendering pages", "write": "writing files",
          "index": "indexing for search"}


class _progress_bar:
    """What the build is doing, shown only on a terminal (CI logs and redirected output stay clean): a line
    naming the stage that runs (parse, link, render, write, index), with a count of pages while rendering.
    ``build`` calls it with ``stage=`` when a stage starts, and with the pages done since the last call
    (and once with ``total=``, the previous build's page count, when there is one)."""

    def __init__(self, console):
        self.console, self.bar, self.task, self.stage, self.total = console, None, None, None, None

    def __enter__(self):
        if self.console.is_terminal:
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                TextColumn("{task.fields[count]}"), TimeElapsedColumn(),
                                console=self.console, transient=True)
            self.bar.__enter__()
        return self

    def __call__(self, n: int, total: int | None = None, stage: str | None = None) -> None:
        if self.bar is None:
            return
        if total:
            self.total = total
        if stage and stage != self.stage:
            if self.task is not None:
                self.bar.update(self.task, visible=False)
            counted = stage == "render"
            self.task = self.bar.add_task(STAGES.get(stage, stage), total=self.total if counted else None,
                                          count="")
            self.stage = stage
            self.bar.refresh()  # every stage is shown, however short
        if self.task is None:
            return
        if total and self.stage == "render":
            self.bar.update(self.task, total=total)
        if n:
            self.bar.advance(self.task, n)
            t = next(t for t in self.bar.tasks if t.id == self.task)
            self.bar.update(self.task, count=f"{int(t.completed)}/{int(t.total)}" if t.total else f"{int(t.completed)}")

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def cmd_build(args) -> int:
    """Progress (a terminal only) and warnings go to stderr; the report of what was built (pages, time per
    stage, translation coverage, the number of warnings) goes to stdout, all of it: ``build > report.txt``
    keeps the whole report, and a terminal shows warnings above it."""
    from rich.console import Console
    from rich.table import Table

    from .build import build

    report = Console(file=sys.stdout, highlight=False, width=100, soft_wrap=True)  # lines as they are: greppable
    root = _root(args)
    out = output_path(args.out) if args.out else Paths(root).output
    t0 = time.perf_counter()
    with _progress_bar(Console(stderr=True)) as progress:
        result = build(root, out, search=not args.no_search, progress=progress)
    elapsed = time.perf_counter() - t0
    shown, known = _sorted_warnings(args, result.warnings)
    for note in result.notes:  # what the user should know of the output folder (not warnings about the sources)
        print(f"note: {note}", file=sys.stderr)
    report.print(f"built {result.pages} pages ({result.rendered} rendered, {result.reused} unchanged; "
                 f"{result.files} files) into {out} in {elapsed:.2f} s", markup=False)
    if result.search is not None:
        s = result.search
        report.print(f"search index: {s.pages} pages in {s.shards} shards; {s.indexed} shard(s) indexed "
                     f"({s.pages_indexed} pages), the others unchanged", markup=False)
    table = Table(title="time per stage")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for stage, secs in result.timings.items():
        table.add_row(stage, f"{secs:.3f}")
    table.add_row("total", f"{elapsed:.3f}", end_section=True)
    table.add_row("pages rendered", str(result.rendered))
    table.add_row("pages unchanged (cache hits)", str(result.reused))
    report.print(table)
    for lang, coverage in result.coverage.items():  # each translation's, in the configured order
        cov = coverage.get("all", {})
        if not cov.get("total"):
            continue
        report.print(f"translation coverage ({lang}): {cov['ok']}/{cov['total']} segments "
                     f"({100 * cov['ok'] / max(cov['total'], 1):.1f}%), {cov['stale']} stale, {cov['missing']} missing",
                     markup=False)
        for fam, c in coverage.items():
            if fam != "all":
                report.print(f"  {fam:<12} {c['ok']:>5}/{c['total']:<5} stale {c['stale']:<4} missing {c['missing']}",
                             markup=False)
    report.print(warnings_line(shown, known, args.verbose), markup=False)
    return 0


def cmd_check(args) -> int:
    from .build import load_all

    config, glossary, corpus, translators, timer = load_all(_root(args))
    shown, known = _sorted_warnings(args, corpus.warnings)
    tasks = sum(len(t.tasks) for t in corpus.tasklists.values())
    print(f"ok: {len(corpus.sources)} sources, {len(corpus.documents)} documents, {tasks} tasks, "
          f"{sum(len(l.projects) for l in corpus.livelihood.values())} livelihood projects, "
          f"{sum(len(t.rows) for t in corpus.progress.values())} progress rows, {len(corpus.units)} units, "
          f"{len(corpus.links)} links, {len(corpus.notes)} notes")
    print(warnings_line(shown, known, args.verbose))
    return 0


def cmd_serve(args) -> int:
    from .serve import serve

    return serve(_root(args), port=args.port, host=args.host, search=not args.no_search, verbose=args.verbose)


def cmd_index(args) -> int:
    from .build import index_output

    root = _root(args)
    out = output_path(args.out) if args.out else Paths(root).output
    t0 = time.perf_counter()
    s = index_output(root, out)
    print(f"indexed {out} for search in {time.perf_counter() - t0:.2f} s: {s.indexed} of {s.shards} shard(s) "
          f"indexed ({s.pages_indexed} of {s.pages} pages), the others unchanged")
    return 0


def cmd_ingest(args) -> int:
    from .ingest import ingest
    from .output import content_lock

    with content_lock(_root(args), "ingest"):
        return ingest(_root(args), Path(args.file), dry_run=args.dry_run, replace=args.replace, copy=args.copy,
                      publication=args.publication, publication_en=args.publication_en, url=args.url)


def cmd_new_note(args) -> int:
    from .output import content_lock
    from .scaffold import new_note

    with content_lock(_root(args), "new-note"):
        return new_note(_root(args), ref=args.ref, lang=args.lang, title=args.title, author=args.author)


def cmd_i18n(args) -> int:
    from .output import content_lock
    from .translate import update_catalogs

    with content_lock(_root(args), "i18n"):
        return update_catalogs(_root(args), Path(args.import_dir) if args.import_dir else None,
                               imported_by=args.translated_by, langs=args.langs)


class _Help(argparse.HelpFormatter):
    """Every option's help ends with its default: the value, "off" for a flag, or what the help says."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" in text or not action.option_strings or action.default is argparse.SUPPRESS:
            return text
        if isinstance(action, (argparse._StoreTrueAction, argparse._HelpAction)):
            return text if isinstance(action, argparse._HelpAction) else f"{text} (default: off)"
        return f"{text} (default: %(default)s)"


def _global_options(parser, after_command: bool) -> None:
    """Options every command takes, before or after its name (``--root X build`` = ``build --root X``).
    After the name their default is SUPPRESS, so it does not override a value given before it."""
    keep = (lambda v: argparse.SUPPRESS) if after_command else (lambda v: v)
    parser.add_argument("--root", default=keep("."), metavar="DIR",
                        help="project folder holding content/ and themes/ (default: the current folder)")
    parser.add_argument("-v", "--verbose", action="store_true", default=keep(False),
                        help="also print the warnings that content/sources/provenance.yaml acknowledges as "
                             "known properties of a source (default: off)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", formatter_class=_Help,
                                     description="Build the bilingual Beijing government documents site.")
    _global_options(parser, after_command=False)
    sub = parser.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    def command(name, func, help, description=None):
        p = sub.add_parser(name, help=help, description=description or help[:1].upper() + help[1:] + ".",
                           formatter_class=_Help)
        _global_options(p, after_command=True)
        p.set_defaults(func=func)
        return p

    b = command("build", cmd_build, "parse, link, render and write the site (incrementally, atomically), then "
                "index it for search")
    b.add_argument("--out", metavar="DIR", type=_given("a folder"),
                   help="output folder (default: build/ in the project folder)")
    b.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    command("check", cmd_check, "parse and validate everything without writing a site")
    s = command("serve", cmd_serve, "preview on localhost: serve the pages at once, index them for search in "
                "the background, rebuild on change")
    s.add_argument("--port", type=int, default=8000, help="port to listen on")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on")
    s.add_argument("--no-search", action="store_true", help="do not index for search (the search page finds "
                   "nothing)")
    x = command("index", cmd_index, "index a built site for search with Pagefind (after build --no-search)")
    x.add_argument("--out", metavar="DIR", type=_given("a folder"),
                   help="the built site (default: build/ in the project folder)")
    i = command("ingest", cmd_ingest, "validate a new source (a gazette issue, a circular, a decree, rules, an "
                "announcement …) and file it under content/sources/")
    i.add_argument("file", help="the document as published, as plain text")
    i.add_argument("--dry-run", action="store_true", help="report what would be filed, change nothing")
    i.add_argument("--replace", action="store_true",
                   help="the file corrects documents already filed: their text moves to content/sources/replaced/")
    i.add_argument("--copy", action="store_true",
                   help="the file is another publication of documents already filed (declared in provenance.yaml)")
    i.add_argument("--publication", metavar="NAME", help="the publication the file was taken from, as Chinese "
                   "pages cite it (e.g. 北京市人民政府网站; a gazette issue is cited by its own title, and --url "
                   "gives its official page)")
    i.add_argument("--publication-en", metavar="NAME", help="the same publication's name on English pages")
    i.add_argument("--url", help="the publication's official address (http or https)")
    n = command("new-note", cmd_new_note, "scaffold an editor's note about an item, to edit before it builds")
    n.add_argument("--ref", required=True, help="id of the item the note is about, e.g. task/2026/20 "
                   "(required; no default)")
    n.add_argument("--lang", default="zh", help="language of the note: a code of content/site.yaml's languages "
                   "(default zh)")
    n.add_argument("--title", type=_given("a title"), help="title (default: the item's name in the note's language)")
    n.add_argument("--author", type=_given("an author"),
                   help="author (default: the theme's note_author string in the note's language)")
    t = command("i18n", cmd_i18n, "update the PO catalogs from the current sources (new segments, stale marks)")
    t.add_argument("--lang", dest="langs", action="append", metavar="CODE",
                   help="a language whose catalogs (content/translations/CODE/) to create or update: a code of "
                        "content/site.yaml's languages other than the authoritative one; may be given more than "
                        "once (default: every such language)")
    t.add_argument("--import", dest="import_dir", metavar="DIR",
                   help="merge batch translations (YAML) from this folder into the catalogs of the one language "
                        "updated (--lang, or the site's only translation) (default: none)")
    t.add_argument("--translated-by", default="machine (AI language model)", type=_translated_by,
                   help="who or what made the imported translations, recorded in each entry: "
                        "'machine (<system>)' or 'human (<name>)'")
    return parser


def _given(what: str):
    """An option's value that may not be empty: an empty one (--title '') fell back to the default unsaid."""
    def check(value: str) -> str:
        if not value.strip():
            raise argparse.ArgumentTypeError(f"empty; {what} is expected (or leave the option out)")
        return value
    return check


def _translated_by(value: str) -> str:
    """Who made imported translations, as each entry records it: machine (<system>) or human (<name>)."""
    import re

    if not re.fullmatch(r"(machine|human) \([^()\n]+\)", value.strip()):
        raise argparse.ArgumentTypeError(f"{value!r}: expected 'machine (<system>)' or 'human (<name>)'")
    return value.strip()


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if not isinstance(sys.stdout, _ReaderMayGo):
        sys.stdout = _ReaderMayGo(sys.stdout)
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except SourceError as e:
        _print_problems(e)
        return 1
    except TemplateError as e:  # a broken theme: where in which template, not a traceback
        _print_problems(SourceError(template_problem(e, _root(args))))
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug, not the user's input: where it happened, without a traceback
        return _internal_error(e)


class _ReaderMayGo:
    """The command's output, whose reader may go away before the command ends (ingest … | head): the command
    still does all it was asked (an ingest half done because nobody read its report would be worse), and what it
    would have said goes nowhere, with no error and no traceback."""

    def __init__(self, stream):
        self._stream = stream

    def _gone(self) -> None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._gone()
            self._stream.flush()  # what it held goes to the null device now

    def __getattr__(self, name):
        return getattr(self._stream, name)


INTERNAL_ERROR = 70  # EX_SOFTWARE: not a problem of the input (those exit with 1)


def _internal_error(e: BaseException) -> int:
    import traceback

    frames = traceback.extract_tb(e.__traceback__)
    at = next((f for f in reversed(frames) if "/generator/" in f.filename.replace("\\", "/")), frames[-1] if frames
              else None)
    where = f" at {Path(at.filename).parent.name}/{Path(at.filename).name}:{at.lineno}" if at else ""
    print(f"internal error, please report: {type(e).__name__}: {str(e)[:300]}{where}", file=sys.stderr)
    return INTERNAL_ERROR
