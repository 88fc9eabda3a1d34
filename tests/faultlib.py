"""Helpers of the fault suite (test_faults.py, test_incremental_random.py): a project and a site built once,
cheap copies of them for each case, and byte-for-byte snapshots of folders."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT, make_project

SITE = "site"  # the output folder's name in every case: leftovers are .site-tmp-*, .site-old-*


_DIGESTS: dict = {}  # (device, inode, size, mtime, ctime) -> sha256: a file written again gets new times


def _rows_digest(path: str) -> str | None:
    """The open-data database by its rows (a dump in a fixed order): an incremental build updates it in place,
    so that its bytes are not a full build's. None when it is not a database that can be read."""
    import sqlite3

    from generator.site.opendata import dump

    try:
        return "rows:" + hashlib.sha256("\n".join(dump(Path(path))).encode()).hexdigest()
    except sqlite3.Error:
        return None


def tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` by relative path: a file's sha256 (the database's: of its rows), a link's
    target, a folder, a pipe. Never opens anything but regular files (a named pipe would block)."""
    out = {}
    folder = Path(folder)
    if not folder.exists():
        return out
    for dirpath, dirnames, names in os.walk(folder):
        for n in dirnames + names:
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, folder)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = "link:" + os.readlink(p)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = "dir"
            elif stat.S_ISREG(st.st_mode):
                key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                if key not in _DIGESTS:  # the cases' sites are hard links to one site: each file is hashed once
                    _DIGESTS[key] = _rows_digest(p) if n == "data.sqlite" else None
                    if _DIGESTS[key] is None:
                        with open(p, "rb") as fh:
                            _DIGESTS[key] = hashlib.sha256(fh.read()).hexdigest()
                out[rel] = _DIGESTS[key]
            else:
                out[rel] = f"special:{stat.S_IFMT(st.st_mode)}"
    return out


def diff(a: dict, b: dict) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def link_copy(src: Path, dest: Path) -> None:
    """A copy of a folder whose files are hard links: builds and caches never write a file in place (they
    write a new file and rename it), so sharing the bytes is safe, and a copy of a whole site takes no time."""
    shutil.copytree(src, dest, symlinks=True, copy_function=os.link)


@dataclass
class Base:
    proj: Path  # a copy of the project (content, themes) with a warm cache
    out: Path  # its site, built without search
    tree: dict  # the site's files


def make_base(tmp: Path) -> Base:
    from generator.build import build

    proj = make_project(tmp)
    out = tmp / SITE
    build(proj, out, search=False)
    return Base(proj, out, tree(out))


@dataclass
class Case:
    proj: Path
    out: Path
    home: Path  # the folder holding out, its lock, manifest and any leftovers
    before: dict  # the site's files before the case (see tree)

    def path(self, rel: str) -> Path:
        return self.proj / rel

    def write(self, rel: str, text: str) -> Path:
        p = self.proj / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.is_symlink() or p.exists():
            p.unlink()
        p.write_text(text, "utf-8")
        return p

    def write_bytes(self, rel: str, data: bytes) -> Path:
        p = self.proj / rel
        if p.is_symlink() or p.exists():
            p.unlink()
        p.write_bytes(data)
        return p

    def edit(self, rel: str, old: str, new: str, count: int = 1) -> None:
        p = self.proj / rel
        text = p.read_text("utf-8")
        assert old in text, (rel, old)
        p.unlink()  # a new file: the base copy shares this one's bytes (hard link)
        p.write_text(text.replace(old, new, count), "utf-8")

    def read(self, rel: str) -> str:
        return (self.proj / rel).read_text("utf-8")

    def remove(self, rel: str) -> None:
        p = self.proj / rel
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()

    def leftovers(self, timeout: float = 20.0) -> list[str]:
        """Staging and trash folders beside the output, once the generator's background deletions are done (a
        failed build renames its staging folder to a trash name and deletes it in a process of its own)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            found = sorted(p.name for p in self.home.iterdir()
                           if p.name.startswith((f".{SITE}-tmp-", f".{SITE}-old-")))
            if not found or time.monotonic() > deadline or any(n.startswith(f".{SITE}-tmp-") for n in found):
                return found
            time.sleep(0.1)


def new_case(base: Base, tmp: Path) -> Case:
    proj = tmp / "proj"
    link_copy(base.proj, proj)
    out = tmp / SITE
    link_copy(base.out, out)
    shutil.copy(base.out.parent / f".{SITE}.manifest.pickle", tmp / f".{SITE}.manifest.pickle")
    return Case(proj, out, tmp, base.tree)


def run(root: Path, *args: str) -> tuple[int, str, str]:
    """``python -m generator --root ROOT ARGS`` in this process: (exit status, stdout, stderr)."""
    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *args])
    return code, out.getvalue(), err.getvalue()


def run_process(root: Path, *args: str, env_extra: dict | None = None) -> subprocess.Popen:
    """The same as a separate process (to be killed, or to run beside another)."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/"), **(env_extra or {})}
    return subprocess.Popen([sys.executable, "-m", "generator", "--root", str(root), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
