"""The generator deletes only what it made: output folders it must not touch are refused before anything is
written, one build at a time per output folder, and the switch to a new site is one step."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys

import pytest

from conftest import ROOT, make_project


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def snapshot(folder):
    """Every file under ``folder`` with its bytes."""
    out = {}
    for dirpath, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, folder)] = fh.read()
    return out


@pytest.fixture()
def proj(tmp_path):
    p = make_project(tmp_path)
    (p / "generator").mkdir()
    (p / "generator" / "keep.py").write_text("# the project's code\n", "utf-8")
    (p / ".git").mkdir()
    (p / ".git" / "HEAD").write_text("ref: refs/heads/main\n", "utf-8")
    return p


@pytest.mark.parametrize("out, says", [
    (".", "the output folder is the project folder"),
    ("..", "the output folder contains the project folder"),
    ("content", "lies inside the project's content/ folder"),
    ("content/sources/site", "lies inside the project's content/ folder"),
    ("themes", "lies inside the project's themes/ folder"),
    ("generator", "lies inside the project's generator/ folder"),
    (".git", "lies inside the project's .git/ folder"),
    (".cache/out", "lies inside the project's .cache/ folder"),
    ("tests", "lies inside the project's tests/ folder"),
])
def test_output_in_or_around_the_project_is_refused(proj, out, says):
    before = snapshot(proj.parent)
    r = run("--root", str(proj), "build", "--no-search", "--out", str(proj / out))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert says in r.stderr and "expected" in r.stderr
    assert snapshot(proj.parent) == before  # nothing touched: no cache, no staging folder, no lock file


def test_foreign_non_empty_folder_is_refused_and_untouched(proj, tmp_path):
    mine = tmp_path / "my-photos"
    mine.mkdir()
    (mine / "a.jpg").write_bytes(b"\xff\xd8 not really")
    before = snapshot(tmp_path / "my-photos")
    r = run("--root", str(proj), "build", "--no-search", "--out", str(mine))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{mine}: the output folder is not empty and was not written by this generator" in r.stderr
    assert snapshot(mine) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".my-photos")]


def test_a_file_as_output_is_refused(proj, tmp_path):
    f = tmp_path / "site"
    f.write_text("a file\n", "utf-8")
    r = run("--root", str(proj), "build", "--no-search", "--out", str(f))
    assert r.returncode == 1 and "the output folder is a file" in r.stderr
    assert f.read_text("utf-8") == "a file\n"


def test_empty_folder_and_own_output_are_accepted_and_foreign_files_never_deleted(proj, tmp_path):
    import pickle

    out = tmp_path / "site"
    out.mkdir()
    r = run("--root", str(proj), "build", "--no-search", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert (out / ".buildinfo").is_file() and (out / "zh" / "index.html").is_file()
    (out / "google-site-verification.html").write_text("verify\n", "utf-8")  # somebody else's file
    note = proj / "content" / "notes" / "2026-03-30-task-2026-20-zh.md"
    note.write_text(note.read_text("utf-8") + "\n补充一句。\n", "utf-8")
    r = run("--root", str(proj), "build", "--no-search", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "补充一句" in (out / "zh" / "task" / "2026" / "20" / "index.html").read_text("utf-8")
    assert out.is_symlink() and os.readlink(out) in (".site.a", ".site.b")  # incremental builds: two trees
    # a build that makes the whole site again (here: the record is of an older generator) moves the file it
    # did not make out of the way instead of deleting it
    manifest = tmp_path / ".site.manifest.pickle"
    m = pickle.loads(manifest.read_bytes())
    m["version"] = 0
    manifest.write_bytes(pickle.dumps(m))
    r = run("--root", str(proj), "build", "--no-search", "--out", str(out))
    assert r.returncode == 0, r.stderr
    kept = list((tmp_path / ".site.kept").rglob("google-site-verification.html"))
    assert kept and all(k.read_text("utf-8") == "verify\n" for k in kept)  # one per tree that held it
    assert f"{kept[0]}: a file no finished build recorded was in the output folder (put there by hand, or left by a " \
           "build that failed); it was moved here, not deleted" in r.stderr


def test_a_second_build_into_the_same_folder_is_refused_while_one_runs(proj, tmp_path):
    out = tmp_path / "site"
    lock = tmp_path / ".site.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242\n")
        r = run("--root", str(proj), "build", "--no-search", "--out", str(out))
    finally:
        os.close(fd)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "another build (process 4242) is writing this output folder; nothing was changed" in r.stderr
    assert not out.exists()


def test_one_of_the_outputs_own_trees_is_refused_as_output(proj, tmp_path):
    """--out given as the resolved site folder (.site.a, what `realpath site` prints once the output is a link)
    built a whole site into the served tree outside the output's lock, deleting a file the user had put there
    (a hostile-input sweep). It is refused, naming the output folder to give instead."""
    out = tmp_path / "site"
    note = proj / "content" / "notes" / "2026-03-30-task-2026-20-zh.md"
    assert run("--root", str(proj), "build", "--no-search", "--out", str(out)).returncode == 0
    note.write_text(note.read_text("utf-8") + "\n补充。\n", "utf-8")
    assert run("--root", str(proj), "build", "--no-search", "--out", str(out)).returncode == 0
    assert out.is_symlink()
    tree = out.resolve()
    (tree / "CNAME").write_text("docs.example.org\n", "utf-8")
    r = run("--root", str(proj), "build", "--no-search", "--out", str(tree))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert (f"{tree}: the output folder is one of the two trees of the output folder {out}; a build into it would "
            f"replace it outside that folder's lock and record (expected --out {out})") in r.stderr, r.stderr
    assert (tree / "CNAME").read_text("utf-8") == "docs.example.org\n"


def test_leftovers_of_an_interrupted_build_are_removed(proj, tmp_path):
    out = tmp_path / "site"
    assert run("--root", str(proj), "build", "--no-search", "--out", str(out)).returncode == 0
    left = tmp_path / ".site-tmp-abc123"
    (left / "zh").mkdir(parents=True)
    (left / ".buildinfo").write_text("x", "utf-8")
    (left / "zh" / "index.html").write_text("half a site", "utf-8")
    empty = tmp_path / ".site-old-xyz"
    empty.mkdir()
    other = tmp_path / ".site-tmp-not-ours"  # same name pattern, somebody else's files: kept
    other.mkdir()
    (other / "notes.txt").write_text("mine", "utf-8")
    assert run("--root", str(proj), "build", "--no-search", "--out", str(out)).returncode == 0
    assert not left.exists() and not empty.exists()  # renamed away at once, deleted in the background
    assert (other / "notes.txt").read_text("utf-8") == "mine"


def test_moving_files_in_empties_the_staging_folder_even_for_files_written_unchanged(tmp_path):
    """A file a build wrote unchanged can be a hard link to the tree's own: renaming it onto the tree does
    nothing (POSIX), so ``move_in`` must still take it out of the staging folder. Left there, it kept the
    staging folder non-empty until the end of the build, where a kill -9 in the middle of deleting it left a
    folder without its marker, which no later build would delete."""
    from generator import output

    staging, tree = tmp_path / "staging", tmp_path / "tree"
    (staging / "api").mkdir(parents=True)
    (tree / "api").mkdir(parents=True)
    (tree / "api" / "same.json").write_text("[]", "utf-8")
    os.link(tree / "api" / "same.json", staging / "api" / "same.json")  # written unchanged: the tree's file
    (staging / "api" / "new.json").write_text("[1]", "utf-8")
    (staging / "zh" / "p").mkdir(parents=True)
    (staging / "zh" / "p" / "index.html").write_text("page", "utf-8")
    output.move_in(staging, tree, ["api/same.json", "api/new.json", "zh/p/index.html"], [])
    assert output.list_files(staging) == set()
    assert output.list_files(tree) == {"api/same.json", "api/new.json", "zh/p/index.html"}
    assert (tree / "api" / "same.json").read_text("utf-8") == "[]"


def test_a_folder_is_deleted_with_its_marker_last(tmp_path, monkeypatch):
    """Stopped at any moment, a folder being deleted still carries the marker that lets the next build delete
    it: ``remove_folder`` deletes the marker only after everything else."""
    from generator import output, remove_folder

    folder = tmp_path / ".site-old-1"
    for rel in ("a/b/index.html", "z.json", "api/v1/x.csv"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("x", "utf-8")
    (folder / output.MARKER).write_text(output.MARKER_TEXT, "utf-8")
    gone = []
    real_unlink, real_rmtree = os.unlink, remove_folder.shutil.rmtree

    def unlink(path, *a, **k):
        assert (folder / output.MARKER).exists() or os.path.basename(path) == output.MARKER
        gone.append(os.path.basename(path))
        return real_unlink(path, *a, **k)

    def rmtree(path, *a, **k):
        assert (folder / output.MARKER).exists()
        gone.append(os.path.basename(path))
        return real_rmtree(path, *a, **k)

    monkeypatch.setattr(remove_folder.os, "unlink", unlink)
    monkeypatch.setattr(remove_folder.shutil, "rmtree", rmtree)
    output.remove_now(folder)
    assert not folder.exists()
    assert gone[-1] == output.MARKER and {"a", "api", "z.json"} <= set(gone)


def test_a_killed_deletion_is_finished_by_the_next_build(proj, tmp_path):
    """A trash folder whose deletion was stopped half-way (its marker still there, the rest partly gone) is
    deleted by the next build; the background deletion runs the same code as a script."""
    out = tmp_path / "site"
    assert run("--root", str(proj), "build", "--no-search", "--out", str(out)).returncode == 0
    half = tmp_path / ".site-old-999-half"
    (half / "api" / "v1").mkdir(parents=True)
    (half / "api" / "v1" / "links.json").write_text("{}", "utf-8")
    (half / ".buildinfo").write_text("x", "utf-8")
    assert run("--root", str(proj), "build", "--no-search", "--out", str(out)).returncode == 0
    from conftest import leftovers

    assert not leftovers(tmp_path, ".site-old-")


def test_no_search_keeps_the_existing_index_and_says_so(proj, tmp_path):
    out = tmp_path / "site"
    assert run("--root", str(proj), "build", "--no-search", "--out", str(out)).returncode == 0
    # stands for the index a build with search made (the index itself is tested in test_search)
    (out / "pagefind").mkdir()
    (out / "pagefind" / "pagefind.js").write_text("// index", "utf-8")
    r = run("--root", str(proj), "build", "--no-search", "--out", str(out))
    assert r.returncode == 0
    assert (out / "pagefind" / "pagefind.js").read_text("utf-8") == "// index"
    assert "the search index of the previous build was kept as it was" in r.stderr


def test_the_switch_keeps_the_old_site_until_the_new_one_is_whole(proj, tmp_path, monkeypatch):
    """A build that fails after writing its pages leaves the previous site exactly as it was."""
    from generator import build as build_mod
    from generator.errors import SourceError

    out = tmp_path / "site"
    build_mod.build(proj, out, search=False)
    before = snapshot(out)
    (proj / "content" / "notes" / "2026-03-30-task-2026-20-zh.md").write_text(
        (proj / "content" / "notes" / "2026-03-30-task-2026-20-zh.md").read_text("utf-8") + "\n补充。\n", "utf-8")

    def fail(*a, **kw):
        raise SourceError([])

    monkeypatch.setattr("generator.site.feeds.write_extras", fail)
    with pytest.raises(SourceError):
        build_mod.build(proj, out, search=False)
    assert snapshot(out) == before


def test_atomic_write_leaves_the_old_file_whole_when_writing_fails(tmp_path, monkeypatch):
    """A full disk (or any error) half-way through a write: the old file stays as it was, no temporary file is
    left, and the error names the file."""
    import errno as errno_mod

    from generator.errors import SourceError
    from generator.fileio import atomic_write

    target = tmp_path / "documents.po"
    target.write_text("msgid \"\"\nmsgstr \"\"\n" + "# 旧的条目\n" * 100, "utf-8")
    before = target.read_bytes()
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno_mod.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(SourceError) as e:
        atomic_write(target, "新的内容" * 10000)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert str(e.value).startswith(f"{target}: no space left on the device while writing this file")
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["documents.po"]
    atomic_write(target, "新的内容")
    assert target.read_text("utf-8") == "新的内容"
    assert [p.name for p in tmp_path.iterdir()] == ["documents.po"]
