"""Writing files so that no command can leave one half-written.

Every file the tool writes under content/ (catalogs, ingested sources, provenance, new notes) and every cache
entry goes through ``atomic_write``: the bytes go to a temporary file in the same folder, are flushed to disk,
and the temporary file is renamed over the target. A reader (or a build that stops half-way, or a full disk)
sees either the old file or the new one, never a file cut short, and no temporary file is left behind."""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import Problem, SourceError


def _describe(e: OSError) -> str:
    if e.errno == errno.ENOSPC:
        return "no space left on the device"
    if e.errno == errno.EDQUOT:
        return "disk quota exceeded"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if e.errno == errno.EROFS:
        return "read-only file system"
    return e.strerror or str(e)


def write_error(path, e: OSError, what: str = "writing") -> SourceError:
    """An OS error while writing ``path`` as a user-facing problem (disk full, permissions, …)."""
    return SourceError(Problem(str(path), None, f"{_describe(e)} while {what} this file; it was left as it was",
                               "a writable folder with free space"))


def atomic_write(path, data: bytes | str, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (temporary file, flush, fsync, rename).

    ``durable``: also fsync the file and its folder, so the new contents survive a power cut (content/ files);
    caches, which can always be made again, skip it. Raises SourceError naming the file on any OS error
    (disk full, permission denied), after removing the temporary file."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise write_error(path, e) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        try:
            mode = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)  # mkstemp makes 0600; keep the file's mode (or an ordinary file's)
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise write_error(path, e) from None
        raise
    if durable:
        try:
            dfd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:  # some file systems cannot fsync a folder; the rename is done
            pass


def read_text(path, file: str, expected: str = "a UTF-8 text file") -> str:
    """Read a project file as UTF-8 text (a BOM and CRLF line ends accepted), or raise SourceError naming it:
    a folder where a file is expected, a dangling symlink, a file that cannot be read or is not UTF-8."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise SourceError(Problem(file, None, "is a folder", expected)) from None
    except FileNotFoundError:
        what = "is a symbolic link to a file that does not exist" if path.is_symlink() else "does not exist"
        raise SourceError(Problem(file, None, what, expected)) from None
    except OSError as e:
        raise SourceError(Problem(file, None, f"cannot be read ({_describe(e)})", expected)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise SourceError(Problem(file, line, "not valid UTF-8 text", "UTF-8 text")) from None
    return text.lstrip("\ufeff").replace("\r\n", "\n")
