"""The output folder: which folders a build may write, one build at a time, and the switch to a new site.

* **Refusal before anything is touched.** The output folder must not be the project, contain it, or lie inside
  one of its own folders (content/, themes/, generator/, tests/, .git, the cache …); an existing folder must be
  empty or carry the generator's marker (``.buildinfo``, written into every site it makes). Anything else is
  refused with a clear error, so a mistyped ``--out`` can never delete a project or somebody's files.
* **One build at a time** per output folder: an exclusive lock beside it (``.<name>.lock``); a second build
  exits at once, naming the process that holds it.
* **The switch is one step.** A reader, a web server or an interrupted build sees the whole old site or the
  whole new one (search index included), never a mix:
  - a build with no previous site to update writes the whole site into a staging folder beside the output and
    renames it into place (or exchanges it with the old one in one ``renameat2(RENAME_EXCHANGE)`` call);
  - an incremental build keeps two trees beside the output, ``.<name>.a`` and ``.<name>.b`` (blue/green): the
    output is a symbolic link to the one being served. The build brings the other tree up to date (the files
    the previous build changed, then this build's: work in proportion to the change, not to the site; files
    that did not change are hard links shared by both trees and never written in place), indexes it, and then
    points the link at it with one atomic rename. The tree it leaves becomes the next build's work tree.
* **Leftovers** of an interrupted build (staging folders, trees to delete, a half-updated work tree) are
  recognised by the next build and removed or repaired; folders to delete are deleted in the background.

What may be deleted is decided here and nowhere else: the staging and tree folders this module made (they carry
the marker) and, inside them, files a previous build wrote that the new site no longer has."""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from . import remove_folder
from .errors import Problem, SourceError
from .paths import CACHE, CONTENT, THEMES
from .fileio import write_error

MARKER = ".buildinfo"
MARKER_TEXT = ("This folder is a site written by `python -m generator build`.\n"
               "Each build replaces the files it made here.\n")
STAGING_PREFIX = "-tmp-"  # .<name>-tmp-XXXX: a build's new files, before they move into place
TRASH_PREFIX = "-old-"  # .<name>-old-XXXX: a folder to delete
TREES = ("a", "b")  # .<name>.a, .<name>.b: the two trees of an output folder kept by incremental builds
INDEX_DIR = "pagefind"  # the search index: kept as it is by a build without search

# the project's own folders, relative to its root: an output folder may not be, or lie inside, any of them
PROJECT_FOLDERS = (CONTENT, THEMES, "generator", "tests", "bench", ".git", CACHE, ".ci", ".github")


def output_path(out) -> Path:
    """The output folder as an absolute path whose last part is kept as given (it may be the generator's
    symbolic link to the tree it serves: resolving it would name the tree, not the output)."""
    out = Path(out).expanduser()
    out = Path(os.path.abspath(out))
    return out.parent.resolve() / out.name


def tree_path(out: Path, which: str) -> Path:
    return out.parent / f".{out.name}.{which}"


def served_tree(out: Path) -> str | None:
    """Which tree (a or b) the output's link points at; None when the output is a folder or missing."""
    if not out.is_symlink():
        return None
    target = os.readlink(out)
    for which in TREES:
        if target == tree_path(out, which).name:
            return which
    return None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(root: Path, out: Path) -> None:
    """Refuse an output folder the generator must not write into (see the module's docstring), and a root
    that is no project (a mistyped --root: said before a lock file or a folder is made there). Nothing is
    touched before this passes."""
    from .config import CONFIG_FILE, load_config

    root, out = Path(root).resolve(), output_path(out)
    if not (root / CONFIG_FILE).is_file():
        load_config(root)  # the error that names content/site.yaml
    shown = str(out)
    real = out.resolve()
    for path in {out, real}:
        if _inside(root, path):
            what = "is the project folder" if path == root else f"contains the project folder {root}"
            raise SourceError(Problem(shown, None, f"the output folder {what}; a build replaces its output "
                                      "folder, so it would delete the project", "an output folder outside the "
                                      "project's own files, such as build/ (the default)"))
        for name in PROJECT_FOLDERS:
            folder = (root / name).resolve()
            if _inside(path, folder):
                raise SourceError(Problem(shown, None, f"the output folder lies inside the project's {name}/ "
                                          "folder", "an output folder outside content/, themes/, generator/, "
                                          "tests/, bench/, .git and .cache, such as build/ (the default)"))
    for which in TREES:  # one of an output's own trees (.site.a), given as --out (a resolved path to the site)
        suffix = f".{which}"
        if out.name.startswith(".") and out.name.endswith(suffix) and len(out.name) > len(suffix) + 1:
            owner = out.parent / out.name[1:-len(suffix)]
            if owner.is_symlink() and served_tree(owner) is not None:
                raise SourceError(Problem(shown, None, f"the output folder is one of the two trees of the output "
                                          f"folder {owner}; a build into it would replace it outside that "
                                          "folder's lock and record", f"--out {owner}"))
    if out.is_symlink():
        if served_tree(out) is None:
            raise SourceError(Problem(shown, None, f"the output folder is a symbolic link to {os.readlink(out)}, "
                                      "which this generator did not make", "a folder; to write into the link's "
                                      "target, give that folder as --out"))
        return
    if out.exists():
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
    out = output_path(out)
    with held_lock(out.parent / f".{out.name}.lock", lambda who: Problem(
            str(out), None, f"another build{who} is writing this output folder; nothing was changed",
            "one build at a time per output folder: wait for it to finish, or build into another folder with --out")):
        yield


@contextmanager
def content_lock(root: Path, command: str):
    """Hold the project's lock on content/ while ``command`` (ingest, i18n, new-note) reads it and writes into
    it: two at once would each write what it read before the other wrote (provenance.yaml, a catalog), and
    one's work would be lost. A second one exits at once."""
    from .paths import Paths

    if not (Path(root) / "content").is_dir():  # not a project: the command says so, and nothing is made here
        yield
        return
    lock = Paths(root).cached("content.lock")
    with held_lock(lock, lambda who: Problem(
            "content/", None, f"another command{who} is writing into content/; nothing was changed",
            f"one ingest, i18n or new-note at a time: wait for it to finish, then run {command} again")):
        yield


@contextmanager
def held_lock(lock: Path, busy):
    """Hold the lock file ``lock`` (its holder's process id written in it); SourceError(``busy(who)``) at once
    when another process holds it, ``who`` being " (process N)", or "" when the holder has not written it yet."""
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise write_error(lock, e, "creating") from None
    try:
        if not _lock(fd):
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise SourceError(busy(f" (process {holder})" if holder.isdigit() else ""))
        try:  # who holds it, for the message of another that finds it held: on a full disk, not said
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
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


def remove_now(path: Path) -> None:
    """Delete a folder this module made, in this process, its marker last (``remove_folder``)."""
    remove_folder.remove(str(path), MARKER)


def delete_later(out: Path, path: Path) -> None:
    """Delete a folder this module made beside ``out``, in a process of its own: a whole site takes seconds to
    delete (a folder per page), and the build need not wait. It gets the marker, then is renamed to a trash
    name, so that a build starting meanwhile sees it as a leftover to delete (never as a tree or a staging
    folder), and one stopped at any moment leaves a folder that the next build knows for its own."""
    path = Path(path)
    if not (path / MARKER).is_file():
        (path / MARKER).write_text(MARKER_TEXT, "utf-8")
    if not path.name.startswith(f".{out.name}{TRASH_PREFIX}"):
        trash = out.parent / f".{out.name}{TRASH_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
        os.rename(path, trash)
        path = trash
    try:
        subprocess.Popen([sys.executable, remove_folder.__file__, str(path), MARKER], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                         close_fds=True)
    except OSError:
        remove_now(path)


def delete_site_later(out: Path, path: Path, known: set[str] | None) -> list[str]:
    """Delete a site folder (a tree or the previous output) like ``delete_later``, after moving out the files
    no build made (not in ``known``, the files the builds recorded): somebody put them there, and the generator
    deletes only what it made. They go to ``.<name>.kept/<folder>/`` beside the output; returns their paths.
    With no record of what the builds made (``known`` is None) every file counts as made."""
    rescued: list[str] = []
    if known is not None and path.is_dir() and not path.is_symlink():
        keep_root = out.parent / f".{out.name}.kept" / f"{path.name.lstrip('.')}-{os.getpid()}"
        for rel in sorted(list_files(path)):
            if rel in known or rel == MARKER or rel.startswith(INDEX_DIR + "/") or rel.startswith(".pagefind-new/") \
                    or rel.startswith(".pagefind-src-"):
                continue
            dest = keep_root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path / rel, dest)
            rescued.append(str(dest))
    delete_later(out, path)
    return rescued


def remove_leftovers(out: Path) -> list[str]:
    """Delete the staging and trash folders that interrupted builds left beside ``out`` (in the background);
    returns their names. Call with the lock held (a running build's staging folder looks the same)."""
    out = output_path(out)
    removed = []
    try:
        entries = list(os.scandir(out.parent))
    except FileNotFoundError:
        return removed
    for e in entries:
        name = e.name
        if not (name.startswith(f".{out.name}{STAGING_PREFIX}") or name.startswith(f".{out.name}{TRASH_PREFIX}")):
            continue
        if e.is_dir(follow_symlinks=False) and _ours(Path(e.path)):
            delete_later(out, Path(e.path))
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
    """An empty site folder beside ``out`` (same file system, so moving it into place is a rename), with the
    marker."""
    out = output_path(out)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING_PREFIX}", dir=out.parent))
        os.chmod(staging, 0o755)  # it may become the site folder: readable by a web server, as mkdir makes it
        (staging / MARKER).write_text(MARKER_TEXT, "utf-8")
    except OSError as e:
        raise write_error(out.parent, e, "creating a staging folder in") from None
    return staging


def list_files(folder: Path) -> set[str]:
    """Every file under ``folder``, as relative POSIX paths (plain strings: this walks whole sites)."""
    found: set[str] = set()
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
                    found.add(name)
    return found


def _link(src: str, dest: str) -> None:
    """``dest`` becomes a hard link to ``src`` (a copy where the file system has none); never written in place."""
    try:
        os.link(src, dest, follow_symlinks=False)
    except FileExistsError:
        os.unlink(dest)
        os.link(src, dest, follow_symlinks=False)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.link(src, dest, follow_symlinks=False)
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(src, dest, follow_symlinks=False)


def _remove_file(tree: Path, rel: str) -> None:
    """Delete one file of a tree and the folders it leaves empty."""
    try:
        os.unlink(tree / rel)
    except FileNotFoundError:
        return
    parent = (tree / rel).parent
    while parent != tree:
        try:
            parent.rmdir()
        except OSError:  # not empty
            break
        parent = parent.parent


def sync_files(src: Path, dest: Path, rels, out: Path | None = None) -> None:
    """Make each file ``rels`` of ``dest`` what it is in ``src``: linked where ``src`` has it, else deleted. A
    name ending with ``/`` is a whole folder (the search index): replaced by a copy (hard links) of ``src``'s."""
    for rel in rels:
        if rel.endswith("/"):
            target = Path(dest) / rel.rstrip("/")
            if os.path.lexists(target):
                if out is not None:
                    delete_later(out, target)
                else:
                    shutil.rmtree(target, ignore_errors=True)
            if (Path(src) / rel).is_dir():
                clone_tree(Path(src) / rel, target)
            continue
        s = os.path.join(src, rel)
        if os.path.lexists(s):
            _link(s, os.path.join(dest, rel))
        else:
            _remove_file(dest, rel)


def clone_tree(src: Path, dest: Path) -> None:
    """``dest`` becomes a copy of the site ``src`` made of hard links (a folder per folder, a link per file)."""
    made: set[str] = set()
    for rel in sorted(list_files(src)):
        d = os.path.join(dest, rel)
        folder = os.path.dirname(d)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        _link(os.path.join(src, rel), d)


def move_in(staging: Path, tree: Path, staged, stale) -> None:
    """Move the files a build wrote (``staged``, relative paths under ``staging``) into ``tree``, replacing
    what is there (a rename: a hard link shared with the other tree is never written), and delete ``stale``."""
    for rel in staged:
        dest = os.path.join(tree, rel)
        src = os.path.join(staging, rel)
        try:
            os.replace(src, dest)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.replace(src, dest)
        # a file written unchanged is a hard link to the tree's: renaming a file onto another link to it does
        # nothing (POSIX), so the staging folder's name is removed here
        with contextlib.suppress(FileNotFoundError):
            os.unlink(src)
    for rel in sorted(stale):
        _remove_file(tree, rel)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one system call (Linux renameat2); False where the system cannot."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def point_to(out: Path, which: str, known: set[str] | None = None) -> list[str]:
    """Point the output's link at tree ``which``, atomically (a new link renamed over the old one). An
    output that is a folder (from a full build) changes places with the link in one step and becomes the
    other tree."""
    out = output_path(out)
    tmp = out.parent / f".{out.name}.link-{os.getpid()}"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(tree_path(out, which).name, tmp)
    rescued: list[str] = []
    if out.is_dir() and not out.is_symlink():
        other = tree_path(out, "b" if which == "a" else "a")
        if os.path.lexists(other):
            rescued = delete_site_later(out, other, known)
        if _exchange(tmp, out):
            os.rename(tmp, other)  # tmp now names the old folder
        else:  # two renames: for a moment there is no output; the next build repairs either way
            os.rename(out, other)
            os.rename(tmp, out)
        return rescued
    os.replace(tmp, out)
    return rescued


def publish_full(out: Path, staging: Path, known: set[str] | None = None) -> list[str]:
    """Put a complete new site (``staging``) in place of the output: renamed into place, or exchanged with the
    old folder in one step, or, when the output is a link to a tree, made the other tree and linked to."""
    out = output_path(out)
    served = served_tree(out)
    rescued: list[str] = []
    if served is not None:
        which = "b" if served == "a" else "a"
        tree = tree_path(out, which)
        if os.path.lexists(tree):
            rescued = delete_site_later(out, tree, known)
        os.rename(staging, tree)
        # the served tree stops being served: files somebody put there are moved out now, before the next
        # build makes it its work tree
        served_path = tree_path(out, served)
        point_to(out, which)
        rescued += delete_site_later(out, served_path, known)
        return rescued
    if not out.exists():
        os.rename(staging, out)
        return rescued
    if _exchange(staging, out):
        return delete_site_later(out, staging, known)  # the previous site, now at the staging path
    old = out.parent / f".{out.name}{TRASH_PREFIX}{os.getpid()}"
    os.rename(out, old)
    os.rename(staging, out)
    return delete_site_later(out, old, known)


def updating_marker(out: Path, which: str) -> Path:
    """Beside a tree while a build changes it: its contents are unknown if the build stops."""
    return out.parent / f".{out.name}.{which}.updating"


def work_tree(out: Path, served_gen: int, trees: dict, delta, known: set[str] | None = None) -> tuple[str, Path, list]:
    """The tree an incremental build updates: the one the output does not serve, brought to the served site's
    state (generation ``served_gen``). When it holds the state before that (``trees[which] == served_gen - 1``)
    only the files the previous build changed (``delta``) are made equal to the served ones; otherwise
    (missing, left by an interrupted build, or older) it is made again as hard links to the served site. It is
    marked as being updated until ``finish``."""
    out = output_path(out)
    served = served_tree(out)
    source = tree_path(out, served) if served else out
    which = "b" if served == "a" else "a"
    tree = tree_path(out, which)
    marker = updating_marker(out, which)
    if (trees.get(which) == served_gen - 1 and delta is not None and tree.is_dir() and not tree.is_symlink()
            and not marker.exists()):
        marker.write_text("a build is updating this tree\n", "utf-8")
        sync_files(source, tree, delta, out)
        return which, tree, []
    marker.write_text("a build is updating this tree\n", "utf-8")
    rescued = delete_site_later(out, tree, known) if os.path.lexists(tree) else []
    tree.mkdir()
    os.chmod(tree, 0o755)
    clone_tree(source, tree)
    return which, tree, rescued


def finish(out: Path, which: str) -> None:
    """The work tree is complete and served: clear its updating mark."""
    updating_marker(output_path(out), which).unlink(missing_ok=True)


def replace_folder(out: Path, tree: Path, new: str, name: str) -> None:
    """Inside a tree being updated: the folder ``new`` takes the place of ``name`` (the old one is deleted in
    the background; its files may be shared with the served tree, so they are never changed in place)."""
    a, b = tree / new, tree / name
    if b.exists() and _exchange(a, b):
        delete_later(out, a)  # the old folder, now under the new name
        return
    if b.exists():
        delete_later(out, b)
    os.rename(a, b)
