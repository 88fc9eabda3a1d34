"""Writing files so that no command can leave one half-written.

Every file the tool writes under content/ (catalogs, ingested sources, provenance, new notes) and every cache
entry goes through ``atomic_write``: the bytes go to a temporary file in the same folder, are flushed to disk,
and the temporary file is renamed over the target. A reader (or a build that stops half-way, or a full disk)
sees either the old file or the new one, never a file cut short, and no temporary file is left behind."""
from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from contextlib import contextmanager
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


@contextmanager
def naming(path):
    """An OSError raised inside (a write of a full disk has no file name) names ``path``."""
    try:
        yield
    except OSError as e:
        if e.filename is None:
            e.filename = os.fspath(path)
        raise


def write_error(path, e: OSError, what: str = "writing") -> SourceError:
    """An OS error while writing ``path`` as a user-facing problem (disk full, permissions, …)."""
    expected = ("a name of at most 255 bytes (a part of the site's address made from a long title?)"
                if e.errno == errno.ENAMETOOLONG else "a writable folder with free space")
    return SourceError(Problem(str(path), None, f"{_describe(e)} while {what} this file; it was left as it was",
                               expected))


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


# C0 and C1 controls but tab, LF and CR; the line ends no reader of this project splits at (NEL, U+2028, U+2029:
# line numbers would differ from the editor's, and HTML forbids NEL); the controls that reorder how text shows
# (U+202A-U+202E, U+2066-U+2069: a line could read otherwise than it is stored)
_CONTROL = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_NAMES = {0: "NUL", 0x0B: "vertical tab", 0x0C: "form feed", 0x1B: "escape", 0x7F: "delete",
                  0x85: "next-line character (NEL)", 0x2028: "line separator", 0x2029: "paragraph separator",
                  **{c: "bidirectional control" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}}


def atomic_write_many(files: dict) -> None:
    """Replace several files together (``path -> data``): every new file is written and flushed beside its
    target first, and only when all are on disk are they renamed over the targets. A full disk or an error
    while writing leaves every target as it was (renames need no space); no temporary file is left."""
    tmps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            if isinstance(data, str):
                data = data.encode("utf-8")
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            except OSError as e:
                raise write_error(path, e) from None
            tmps.append((tmp, path))
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                try:
                    mode = os.stat(path).st_mode & 0o777
                except FileNotFoundError:
                    mode = 0o644
                os.chmod(tmp, mode)
            except OSError as e:
                raise write_error(path, e) from None
        for tmp, path in tmps:
            try:
                os.replace(tmp, path)
            except OSError as e:
                raise write_error(path, e) from None
        tmps = []
        for folder in {path.parent for path in map(Path, files)}:
            try:
                dfd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
            except OSError:
                pass
    finally:
        for tmp, _ in tmps:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def read_bytes(path, file: str, expected: str = "a UTF-8 text file") -> bytes:
    """The bytes of a project file, or SourceError naming it: a folder where a file is expected, a dangling
    symlink, a named pipe or device (which would block or never end), a file that cannot be read."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        what = "is a symbolic link to a file that does not exist" if path.is_symlink() else "does not exist"
        raise SourceError(Problem(file, None, what, expected)) from None
    except IsADirectoryError:
        raise SourceError(Problem(file, None, "is a folder", expected)) from None
    except OSError as e:
        raise SourceError(Problem(file, None, f"cannot be read ({_describe(e)})", expected)) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise SourceError(Problem(file, None, "is a folder", expected))
        if not stat.S_ISREG(st.st_mode):
            raise SourceError(Problem(file, None, "is not a regular file (a named pipe, socket or device)",
                                      expected))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    except OSError as e:
        raise SourceError(Problem(file, None, f"cannot be read ({_describe(e)})", expected)) from None
    finally:
        os.close(fd)


def decode_text(raw: bytes, file: str, expected: str = "a UTF-8 text file") -> str:
    """``raw`` as UTF-8 text with \\n line ends (a BOM dropped; CRLF and a lone CR, the old Mac line end, read
    as \\n, as every editor shows them), or SourceError naming the file
    and line: UTF-16 (a Windows "Unicode" save), bytes that are not UTF-8, a control character (NUL, form
    feed, escape …: no text of this project has one, and pages and feeds could not carry it)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(Problem(file, 1, "file is UTF-16, not UTF-8", "a file saved as UTF-8"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise SourceError(Problem(file, line, f"not UTF-8: byte 0x{raw[e.start]:02x} at column {col} cannot be "
                                  "decoded", "a file saved as UTF-8")) from None
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        code = ord(bad.group())
        name = _CONTROL_NAMES.get(code, "control character")
        raise SourceError(Problem(file, line, f"{name} (U+{code:04X}) at column {col}",
                                  f"{expected}, with no control characters but tabs and line ends (\\n)"))
    return text


def read_text(path, file: str, expected: str = "a UTF-8 text file") -> str:
    """Read a project file as UTF-8 text (a BOM and CRLF line ends accepted), or raise SourceError naming it
    (see ``read_bytes`` and ``decode_text``)."""
    return decode_text(read_bytes(path, file, expected), file, expected)


def replace_file(path, data: bytes) -> None:
    """Write a cache file atomically (``atomic_write`` without the fsync: a cache can be made again)."""
    atomic_write(path, data, durable=False)
