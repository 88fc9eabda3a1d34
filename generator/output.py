"""The output folder: which folders a build may write, one build at a time, and the switch to a new site.

* **Refusal before anything is touched.** The output folder must not be the project, contain it, or lie inside
  one of its own folders (content/, themes/, generator/, tests/, .git, the cache …); an existing folder must be
  empty or carry the generator's marker (``.buildinfo``, written into every site it makes). Anything else is
  refused with a clear error, so a mistyped ``--out`` can never delete a project or somebody's files.
* **One build at a time** per output folder: an exclusive lock beside it (``.<name>.lock``); a second build
  exits at once, naming the process that holds it.
* **The switch.** A build writes a complete new site into a staging folder beside the output (unchanged files
  are hard links to the current ones), search index included, and then exchanges the two folders in one atomic
  system call (``renameat2(RENAME_EXCHANGE)``): a reader, a web server or an interrupted build sees the whole
  old site or the whole new one, never a mix. The old tree is then deleted: it carries the marker.
* **Leftovers** of an interrupted build (staging or old folders beside the output, with the marker) are removed
  by the next build.

What may be deleted is decided here and nowhere else: the staging and old folders this module made, files the
previous build wrote (listed in its manifest) that the new site no longer has. Files somebody else put into the
output folder are carried over into the new site untouched."""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import Problem, SourceError
from .fileio import write_error

MARKER = ".buildinfo"
MARKER_TEXT = ("This folder is a site written by `python -m generator build`.\n"
               "Each build replaces the files it made here; files it did not make are kept.\n")
STAGING_PREFIX = "-tmp-"  # .<name>-tmp-XXXX: a build's new site, before the switch
OLD_PREFIX = "-old-"  # .<name>-old-XXXX: the previous site after the switch, until it is deleted
INDEX_DIR = "pagefind"  # the search index: kept as it is by a build without search

# the project's own folders, relative to its root: an output folder may not be, or lie inside, any of them
PROJECT_FOLDERS = ("content", "themes", "generator", "tests", "bench", ".git", ".cache", ".ci", ".github")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(root: Path, out: Path) -> None:
    """Refuse an output folder the generator must not write into (see the module's docstring). Nothing is
    touched before this passes."""
    root, out = Path(root).resolve(), Path(out).resolve()
    shown = str(out)
    if _inside(root, out):
        what = "is the project folder" if out == root else f"contains the project folder {root}"
        raise SourceError(Problem(shown, None, f"the output folder {what}; a build replaces its output folder, "
                                  "so it would delete the project", "an output folder outside the project's own "
                                  "files, such as build/ (the default)"))
    for name in PROJECT_FOLDERS:
        folder = (root / name).resolve()
        if _inside(out, folder):
            raise SourceError(Problem(shown, None, f"the output folder lies inside the project's {name}/ folder",
                                      "an output folder outside content/, themes/, generator/, tests/, bench/, "
                                      ".git and .cache, such as build/ (the default)"))
    if out.is_symlink() or out.exists():
        if not out.is_dir():
            raise SourceError(Problem(shown, None, "the output folder is a file", "a folder (new, empty, or written "
                                      "by an earlier build)"))
        try:
            empty = not any(os.scandir(out))
        except OSError as e:
            raise SourceError(Problem(shown, None, f"the output folder cannot be read ({e.strerror})",
                                      "a readable and writable folder")) from None
        if not empty and not (out / MARKER).is_file():
            raise SourceError(Problem(shown, None, f"the output folder is not empty and was not written by this "
                                      f"generator (it has no {MARKER}); nothing was changed",
                                      "a new or empty folder, or one an earlier build wrote"))
    parent = out.parent
    above = next((a for a in out.parents if a.exists()), None)
    if above is not None and not above.is_dir():
        raise SourceError(Problem(shown, None, f"{above} is a file, so the output folder cannot be made there",
                                  "an output folder whose parent folders are folders"))
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
        try:
            why = "read-only file system" if os.statvfs(parent).f_flag & os.ST_RDONLY else "permission denied"
        except OSError:
            why = "permission denied"
        raise SourceError(Problem(str(parent), None, f"cannot write here: {why}",
                                  "a writable folder for the output and its staging folder"))


@contextmanager
def build_lock(out: Path):
    """Hold the output folder's lock for the duration of a build; a second build exits at once."""
    out = Path(out).resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out.parent / f".{out.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise write_error(out.parent / f".{out.name}.lock", e, "creating") from None
    try:
        if not _lock(fd):
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise SourceError(Problem(str(out), None, f"another build (process {holder}) is writing this output "
                                      "folder; nothing was changed", "one build at a time per output folder: wait "
                                      "for it to finish, or build into another folder with --out"))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _lock(fd: int, grace: float = 1.0) -> bool:
    """Take the lock at once; if the build that holds it has died (kill -9), wait up to ``grace`` seconds
    for the workers it forked (which hold the lock through the fork and are killed with it) to go."""
    import time

    deadline = time.monotonic() + grace
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            if not holder.isdigit() or _alive(int(holder)) or time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def _ours(path: Path) -> bool:
    """A folder this module made: it carries the marker, or is still empty (made, marker not yet written)."""
    try:
        return (path / MARKER).is_file() or not any(os.scandir(path))
    except OSError:
        return False


def remove_leftovers(out: Path) -> list[str]:
    """Delete the staging and old folders that interrupted builds left beside ``out``; returns their names.
    Call with the lock held (a running build's staging folder looks the same)."""
    out = Path(out).resolve()
    removed = []
    try:
        entries = list(os.scandir(out.parent))
    except FileNotFoundError:
        return removed
    for e in entries:
        name = e.name
        if not (name.startswith(f".{out.name}{STAGING_PREFIX}") or name.startswith(f".{out.name}{OLD_PREFIX}")):
            continue
        if e.is_dir(follow_symlinks=False) and _ours(Path(e.path)):
            shutil.rmtree(e.path, ignore_errors=True)
            removed.append(name)
    return removed


def shown_name(path, out: Path) -> str:
    """A path inside a staging folder as the file of the output folder it stands for (errors name the site's
    file, not a temporary folder the user never sees)."""
    out = Path(out).resolve()
    text = os.fsdecode(path)
    prefix = os.path.join(str(out.parent), f".{out.name}{STAGING_PREFIX}")
    if text.startswith(prefix):
        rest = text[len(prefix):]
        rest = rest[rest.index(os.sep):] if os.sep in rest else ""
        if rest.startswith(f"{os.sep}.pagefind-src-"):  # the pages' copies for Pagefind: the index is being made
            return str(out / INDEX_DIR)
        return str(out) + rest
    return text


def new_staging(out: Path) -> Path:
    """An empty site folder beside ``out`` (same file system, so the switch is a rename), with the marker."""
    out = Path(out).resolve()
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING_PREFIX}", dir=out.parent))
        os.chmod(staging, 0o755)  # it becomes the site folder: readable by a web server, as mkdir makes it
        (staging / MARKER).write_text(MARKER_TEXT, "utf-8")
    except OSError as e:
        raise write_error(out.parent, e, "creating a staging folder in") from None
    return staging


def list_files(folder: Path) -> set[str]:
    """Every file under ``folder``, as relative POSIX paths (plain strings: this walks whole sites)."""
    out: set[str] = set()
    stack = [("", os.fspath(folder))]
    while stack:
        rel, path = stack.pop()
        try:
            it = os.scandir(path)
        except (FileNotFoundError, NotADirectoryError):
            continue
        with it:
            for entry in it:
                name = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append((name + "/", entry.path))
                else:
                    out.add(name)
    return out


def carry_over(out: Path, staging: Path, existing: set[str], *, keep: set[str], made_before: set[str],
               keep_index: bool) -> list[str]:
    """Complete the new site in ``staging`` with files of the current one: the unchanged files of this build
    (``keep``), the search index when this build makes none (``keep_index``), and files somebody else put into
    the output folder (neither this build's nor the previous one's, ``made_before``). Hard links where the file
    system allows them (nothing is copied; a file is never written in place, so sharing is safe). Returns the
    files carried over that no build made."""
    foreign = []
    made_dirs: set[str] = set()
    for rel in sorted(existing):
        if rel == MARKER or os.path.lexists(os.path.join(staging, rel)):
            continue
        if rel in keep or (keep_index and rel.startswith(INDEX_DIR + "/")):
            pass
        elif rel in made_before or rel.startswith(INDEX_DIR + "/"):
            continue  # the previous build made it and this one does not: stale
        else:
            foreign.append(rel)
        src, dest = os.path.join(out, rel), os.path.join(staging, rel)
        folder = os.path.dirname(dest)
        if folder not in made_dirs:
            os.makedirs(folder, exist_ok=True)
            made_dirs.add(folder)
        try:
            os.link(src, dest, follow_symlinks=False)
        except OSError as e:
            if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                raise
            shutil.copy2(src, dest, follow_symlinks=False)
    return foreign


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """In a forked worker (the initializer of every pool): be killed when the build process dies. A build
    stopped with kill -9 must not leave workers that go on writing into its staging folder (the next build
    deletes it) and hold its lock (inherited through the fork). Linux only; elsewhere nothing is done."""
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:  # the parent died before the call above
        os._exit(1)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one system call (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def switch(out: Path, staging: Path) -> None:
    """Make ``staging`` the output folder and delete the previous site."""
    out = Path(out).resolve()
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        old = staging  # the previous site, now at the staging path
    else:  # two renames: for a moment there is no output folder; the next build cleans up either way
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}{OLD_PREFIX}", dir=out.parent))
        (old / MARKER).write_text(MARKER_TEXT, "utf-8")
        os.rename(out, old / "site")
        os.rename(staging, out)
    shutil.rmtree(old, ignore_errors=True)
