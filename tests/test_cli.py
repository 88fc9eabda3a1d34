"""Issue 20 point 4: the command line as a new user meets it: help text with defaults for every command and
option, global options before or after the command, a progress display naming each stage on a terminal, the
build report on one stream, and no warnings on the untouched seeds (each known one explained in the README)."""
from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import time


from conftest import ROOT, make_project

COMMANDS = ["build", "check", "serve", "index", "ingest", "new-note", "i18n"]


def run(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, **kw)


def small_project(tmp_path):
    """Configuration, theme, glossary and catalogs of the real site, and one seed: the livelihood projects."""
    proj = tmp_path / "small"
    shutil.copytree(ROOT / "themes", proj / "themes")
    (proj / "content").mkdir()
    for name in ("site.yaml", "glossary", "translations"):
        src = ROOT / "content" / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, proj / "content" / name)
    (proj / "content" / "sources").mkdir()
    shutil.copy(ROOT / "content" / "sources" / "2026-livelihood-projects.txt", proj / "content" / "sources")
    return proj


def test_every_command_and_option_has_help_with_its_default():
    from generator.cli import make_parser

    parser = make_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert sorted(sub.choices) == sorted(COMMANDS)
    listed = run("--help").stdout
    for name in COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\s+\S", listed, re.M), f"{name} has no help line"
        r = run(name, "--help")
        assert r.returncode == 0 and r.stderr == ""
        text = " ".join(r.stdout.split())  # argparse wraps lines
        for action in sub.choices[name]._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"{name} {action.dest}: no help text"
            for opt in action.option_strings:
                assert opt in text
            if action.option_strings:  # every option says its default (a value, off, or what it falls back to)
                shown = " ".join(parser_help_for(sub.choices[name], action).split())
                assert "default" in shown, f"{name} {action.option_strings}: {shown!r}"
                assert shown in text
    assert "(default: 8000)" in " ".join(run("serve", "--help").stdout.split())
    assert "--no-search skip the Pagefind search index (default: off)" in " ".join(run("build", "--help").stdout.split())


def parser_help_for(parser, action) -> str:
    formatter = parser._get_formatter()
    return formatter._expand_help(action) if action.help else ""


def test_global_options_before_or_after_the_command(tmp_path):
    proj = small_project(tmp_path)
    r = run("build", "--root", str(proj), "--no-search")
    assert r.returncode == 0, r.stderr
    assert f"built 102 pages (102 rendered, 0 unchanged; 142 files) into {proj / 'build'}" in r.stdout
    assert (proj / "build" / "zh" / "livelihood" / "2026" / "7" / "index.html").is_file()
    r = run("--root", str(proj), "build", "--no-search")
    assert r.returncode == 0 and "built 102 pages (0 rendered, 102 unchanged" in r.stdout
    r = run("--root", str(ROOT / "no-such-folder"), "check", "--root", str(proj), "-v")  # the later one wins
    assert r.returncode == 0 and "ok: 1 sources" in r.stdout
    r = run("check", "--root", str(tmp_path / "nothing"))
    assert r.returncode == 1 and "content/site.yaml: site configuration missing" in r.stderr


def test_build_report_on_stdout_and_no_warnings_on_the_seeds(tmp_path):
    """The whole report (pages, time per stage, coverage, the count of warnings) is on stdout; stderr has the
    warnings only, and the untouched seeds print none: the six they give are acknowledged in provenance.yaml
    and explained in the README."""
    proj = make_project(tmp_path)
    r = run("--root", str(proj), "build", "--no-search")
    assert r.returncode == 0
    assert r.stderr == ""
    out = r.stdout
    for part in ("built 1338 pages", "time per stage", "parse", "link", "render", "write", "pages rendered",
                 "translation coverage (en): 919/919 segments",
                 "warnings: 0 (and 6 acknowledged in content/sources/provenance.yaml; --verbose lists them)"):
        assert part in out
    assert out.index("built") < out.index("time per stage") < out.index("translation coverage") < out.index("warnings")
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Warnings the seeds give"):]
    for fragment in ("starts at its number without a title", "is only in this publication of",
                     "has no 主责单位 line in this partial copy"):
        assert fragment in section.split("\n## ")[0]

    r = run("--root", str(proj), "check", "--verbose")
    assert r.returncode == 0 and len(re.findall(r"^warning: ", r.stderr, re.M)) == 6
    assert "warnings: 0 (and 6 acknowledged in content/sources/provenance.yaml, listed above)" in r.stdout

    # without the acknowledgement, the same six are printed on stderr and counted in the report
    prov = proj / "content" / "sources" / "provenance.yaml"
    text = prov.read_text("utf-8")
    prov.write_text(re.sub(r"  known_warnings:\n(  - .*\n)+", "", text), "utf-8")
    r = run("--root", str(proj), "check")
    assert len(re.findall(r"^warning: content/sources/2026-task-list-excerpt.txt:\d+: ", r.stderr, re.M)) == 6
    assert "warnings: 6\n" in r.stdout

    # an acknowledgement that matches nothing is itself reported, with its line
    prov.write_text(text.replace("  - starts at its number without a title\n",
                                 "  - starts at its number without a title\n  - a warning no reader gives\n"), "utf-8")
    line = prov.read_text("utf-8").split("\n").index("  - a warning no reader gives") + 1
    r = run("--root", str(proj), "check")
    assert r.returncode == 0
    assert (f"warning: content/sources/provenance.yaml:{line}: known warning 'a warning no reader gives' of "
            "2026-task-list-excerpt.txt no longer occurs (expected the entry removed from known_warnings)") in r.stderr
    assert "warnings: 1 (and 6 acknowledged" in r.stdout


def _on_a_terminal(args: list[str], cwd) -> str:
    """Run the command with a pseudo-terminal as its stdout and stderr; what it wrote, escape codes removed."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "generator", *args], stdin=slave, stdout=slave, stderr=slave,
                            cwd=cwd, env=dict(os.environ, COLUMNS="120", TERM="xterm-256color"))
    os.close(slave)
    data, end = b"", time.time() + 120
    while time.time() < end:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            data += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(master)
    assert proc.returncode == 0, data.decode("utf-8", "replace")[-2000:]
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", data.decode("utf-8", "replace"))


def test_progress_names_each_stage_on_a_terminal_only(tmp_path):
    proj = small_project(tmp_path)
    screen = _on_a_terminal(["--root", str(proj), "build"], ROOT)
    stages = []
    for m in re.finditer(r"(parsing sources|linking|rendering pages|writing files|indexing for search)", screen):
        if not stages or stages[-1] != m.group(1):
            stages.append(m.group(1))
    # a full build indexes while the open data is made in a process of its own, then writes the sitemaps and feeds
    assert stages == ["parsing sources", "linking", "rendering pages", "indexing for search", "writing files"]
    assert re.search(r"rendering pages[━\s]*\d+", screen)  # pages are counted while they render
    assert "built 102 pages" in screen and "time per stage" in screen
    # without a terminal (CI, a redirect) nothing but the report and the warnings
    r = run("--root", str(proj), "build")
    assert r.returncode == 0 and r.stderr == ""
    assert not re.search("parsing sources|indexing for search", r.stdout)
    assert "│ index " in r.stdout


def test_ctrl_c_while_the_modules_load_prints_no_traceback(tmp_path):
    """Ctrl-C in the first tenth of a second, while the command's modules load, printed a KeyboardInterrupt
    traceback (the imports ran outside main's handler; a hostile-input sweep). The interrupt is made certain
    here: a module of the same name as one the command line imports, first on the path, raises it."""
    fake = tmp_path / "fake"
    (fake / "jinja2").mkdir(parents=True)
    (fake / "jinja2" / "__init__.py").write_text("raise KeyboardInterrupt\n", "utf-8")
    r = run("--help", env={**os.environ, "PYTHONPATH": f"{fake}{os.pathsep}{ROOT}"})
    assert r.returncode == 130 and r.stderr.strip() == "interrupted", r.stderr[-300:]


def test_empty_or_malformed_option_values_are_refused(tmp_path):
    """An empty --title, --author or --out fell back to the default without a word, and --translated-by took
    any text ('bob') into every imported entry, though its help asks for machine (…) or human (…) (a
    hostile-input sweep). Each is refused by the command line (exit 2), nothing done."""
    proj = make_project(tmp_path)
    before = sorted(p.relative_to(proj).as_posix() for p in proj.rglob("*"))
    for args, says in ((["new-note", "--ref", "task/2026/20", "--title", ""], "argument --title: empty"),
                       (["new-note", "--ref", "task/2026/20", "--author", " "], "argument --author: empty"),
                       (["build", "--out", ""], "argument --out: empty"),
                       (["i18n", "--translated-by", "bob"], "argument --translated-by: 'bob': expected 'machine "
                                                            "(<system>)' or 'human (<name>)'")):
        r = run("--root", str(proj), *args)
        assert r.returncode == 2 and says in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
    assert sorted(p.relative_to(proj).as_posix() for p in proj.rglob("*")) == before
    r = run("--root", str(proj), "i18n", "--translated-by", "human (Ann Lee)")
    assert r.returncode == 0, r.stderr


def test_a_folder_that_is_no_project_is_said_and_left_as_it_was(tmp_path):
    """build and serve given a --root without content/site.yaml said so, but left a lock file (and serve an
    empty build/ folder) there (a hostile-input sweep)."""
    for command in (["build", "--no-search"], ["serve", "--no-search", "--port", "0"]):
        r = run("--root", str(tmp_path), *command)
        assert r.returncode == 1 and "content/site.yaml: site configuration missing" in r.stderr, r.stderr
        assert not list(tmp_path.iterdir()), list(tmp_path.iterdir())


def test_a_reader_that_goes_away_ends_the_output_without_an_error(tmp_path):
    """ingest piped into head, which stops reading: the output ended in "internal error, please report:
    BrokenPipeError" (a review), after the document was filed or, had the reader gone sooner, before. The command
    still does all it was asked, and ends without an error: what it would have said goes nowhere."""
    proj = make_project(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(proj), "ingest",
                             str(ROOT / "tests" / "data" / "ingest" / "circular-simplified.txt")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()  # the reader goes before the command has written a line
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 0, err
    assert "internal error" not in err and "Traceback" not in err and "BrokenPipe" not in err, err
    assert (proj / "content" / "sources" / "2026-circular-jingzhengbanfa-2026-12.txt").is_file()
