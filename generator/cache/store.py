"""The parse cache and the helpers every cache file is written and read with.

A parse-cache entry is one source's parse result, pickled, keyed by the source's bytes and the readers' code
(``sources.load_corpus`` makes the key). The running text of its documents (their blocks: most of its bytes) is
kept in a second file beside it (``.blocks``): loading an entry does not read it, and a document's blocks are
read from there (``LazyBlocks``) only when a page or the data API needs them, so an incremental build of a large
archive reads few of them. The model knows nothing of this: a document's ``blocks`` is a list either way."""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import time
from pathlib import Path

from ..errors import Problem, SourceError
from ..fileio import decode_text, read_bytes, replace_file
from ..model import Document, Source

CACHE_MAX_AGE_S = 30 * 86400  # a parse-cache entry no load has used for this long is deleted


def save_pickle(path: Path, obj) -> None:
    """A cache file, written atomically (``replace_file``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, pickle.dumps(obj, protocol=5))


def load_pickle(path: Path, default=None):
    """A cache file, or ``default`` when it is missing or damaged (a cache can always be made again)."""
    try:
        return pickle.loads(path.read_bytes())
    except Exception:
        return default


class BlobRef:
    """Bytes kept in a file (``path``, ``offset``, ``length``), read when asked for."""

    __slots__ = ("path", "offset", "length")

    def __init__(self, path: str, offset: int, length: int):
        self.path, self.offset, self.length = path, offset, length

    def read(self) -> bytes:
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            data = fh.read(self.length)
        if len(data) != self.length:
            raise OSError(f"{self.path}: cut short (a parse-cache entry changed while in use)")
        return data


def _lazy(name):
    method = getattr(list, name)

    def call(self, *a, **kw):
        self._load()
        return method(self, *a, **kw)

    call.__name__ = name
    return call


class LazyBlocks(list):
    """A document's blocks, unpickled from the cache's blob file the first time they are used (any list
    operation). ``first_title`` ((key, text) of the first title block) is known without reading them. Blocks
    loaded in a process can be let go again (``release_loaded``): a page worker that has made a group's pages
    need not keep the archive's text."""

    __slots__ = ("_ref", "_src", "first_title")

    def __init__(self, ref, first_title):
        list.__init__(self)
        self._ref, self._src, self.first_title = ref, ref, first_title

    def _load(self) -> None:
        ref = self._ref
        if ref is not None:
            self._ref = None
            list.extend(self, pickle.loads(ref.read() if isinstance(ref, BlobRef) else ref))
            _LOADED.append(self)

    def loaded(self) -> bool:
        return self._ref is None

    def release(self) -> None:
        """Back to the unread state: the next use reads the blob again."""
        if self._ref is None and self._src is not None:
            list.clear(self)
            self._ref = self._src

    def peek(self) -> list:
        """The blocks without keeping them in memory when they were not loaded yet (for one pass over every
        document, such as the data API's, that must not hold the whole archive's text at once)."""
        if self._ref is None:
            return list(self)
        return pickle.loads(self._ref.read() if isinstance(self._ref, BlobRef) else self._ref)

    def __reduce_ex__(self, protocol):
        return (list, (self.peek(),))


_LOADED: list = []  # the blocks this process read since the last release_loaded()


def forget_loaded() -> None:
    """In a freshly forked worker: the blocks its parent read stay as they are (the parent may have changed
    them); only what the worker reads itself is let go by ``release_loaded``."""
    _LOADED.clear()


def release_loaded() -> None:
    """Let go of every block list read since the last call (or ``forget_loaded``)."""
    for blocks in _LOADED:
        blocks.release()
    _LOADED.clear()


for _name in ("__len__", "__getitem__", "__setitem__", "__delitem__", "__iter__", "__reversed__", "__contains__",
              "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__add__", "__iadd__", "__mul__", "__imul__",
              "__repr__", "append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "copy",
              "clear"):
    setattr(LazyBlocks, _name, _lazy(_name))  # every list operation reads the blocks first
del _name


def first_title(doc: Document) -> tuple[str, str] | None:
    """(key, text) of a document's first title block, without reading the blocks of a cached document."""
    blocks = doc.blocks
    if isinstance(blocks, LazyBlocks) and not blocks.loaded():
        return blocks.first_title
    tb = next((b for b in blocks if b.kind == "title"), None)
    return (tb.key, tb.text) if tb is not None else None


def blocks_once(doc: Document) -> list:
    """A document's blocks, without keeping a cached document's blocks in memory afterwards."""
    blocks = doc.blocks
    return blocks.peek() if isinstance(blocks, LazyBlocks) else blocks


def _rebuild_document(state: dict, blob, first: tuple | None) -> Document:
    doc = object.__new__(Document)
    doc.__dict__.update(state)
    doc.blocks = LazyBlocks(blob, first)
    return doc


class _Blob:
    """Bytes that go to the entry's blob file instead of the entry (see ``store_entry``)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


def store_entry(path: Path, result: dict) -> None:
    """A parse-cache entry: the result pickled, each document's blocks pickled into the blob file beside it."""
    blobs = io.BytesIO()

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            if type(obj) is Document:
                state = dict(obj.__dict__)
                blocks = list(state.pop("blocks"))
                tb = next((b for b in blocks if b.kind == "title"), None)
                first = (tb.key, tb.text) if tb is not None else None
                return _rebuild_document, (state, _Blob(pickle.dumps(blocks, protocol=5)), first)
            return NotImplemented

        def persistent_id(self, obj):
            if type(obj) is _Blob:
                off = blobs.tell()
                blobs.write(obj.data)
                return ("blob", off, len(obj.data))
            return None

    buf = io.BytesIO()
    Pickler(buf, protocol=5).dump(result)
    replace_file(path.with_suffix(".blocks"), blobs.getvalue())
    replace_file(path, buf.getvalue())  # the entry last: it names the blobs


def load_entry(path: Path) -> dict:
    side = str(path.with_suffix(".blocks"))

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid):
            tag, off, length = pid
            if tag != "blob":
                raise pickle.UnpicklingError(f"unknown reference {tag!r}")
            return BlobRef(side, off, length)

    with open(path, "rb") as fh:
        return Unpickler(fh).load()


def prune(cache_dir: Path, used: list[str]) -> None:
    """Mark this load's entries as used (their time set to now) and delete the entries, with their blocks,
    that no load has used for CACHE_MAX_AGE_S: texts since changed or removed, or parsed by an older
    generator. Entries another branch or checkout still uses within that time are kept."""
    now = time.time()
    keep = set(used)
    for key in keep:
        try:
            os.utime(cache_dir / f"{key}.pickle", (now, now))
        except OSError:
            pass
    try:
        names = os.listdir(cache_dir)
    except FileNotFoundError:
        return
    by_stem: dict[str, list[str]] = {}
    for name in names:
        stem, _, ext = name.partition(".")
        if stem not in keep and ext in ("pickle", "blocks", "pickle.tmp", "blocks.tmp"):
            by_stem.setdefault(stem, []).append(name)
    for stem, files in by_stem.items():
        # an entry is as old as its last use (its .pickle's time); its .blocks file goes with it
        judge = f"{stem}.pickle" if f"{stem}.pickle" in files else files[0]
        try:
            if now - (cache_dir / judge).stat().st_mtime <= CACHE_MAX_AGE_S:
                continue
        except OSError:
            continue
        for name in files:
            (cache_dir / name).unlink(missing_ok=True)


class KnownSource(Source):
    """A source known from the last build by its file's size and time (``StatIndex``): its text is read from
    the file the first time it is asked for (a build whose parse results all come from the cache never asks),
    and must be the bytes the index recorded: ``text`` is the source's text whichever way it was found."""

    file: str = ""  # the file's path as opened

    @property
    def text(self) -> str:
        text = self.__dict__.get("_text")
        if text is None:
            raw = read_bytes(self.file, self.path, "a government document as plain UTF-8 text")
            if hashlib.sha256(raw).hexdigest() != self.digest:
                raise SourceError(Problem(self.path, None, "changed while the site was being built (its size and "
                                          "time are those the last build recorded, its bytes are not)",
                                          "the file left as it is during a build; build again"))
            text = self.__dict__["_text"] = decode_text(raw, self.path)
        return text

    @text.setter
    def text(self, value: str) -> None:
        self.__dict__["_text"] = value or None

    def text_read(self) -> bool:
        return self.__dict__.get("_text") is not None


class StatIndex:
    """Sources known from the last build by their file's size and modification time (nanoseconds): their
    digest and kind are taken from here instead of reading and hashing the file again (on a large archive,
    hundreds of MB read for nothing). Their text is read only if they must be parsed. As git does for its index,
    a file modified less than two seconds before the index was written is not trusted (a later change
    within the same clock tick would keep its size and time)."""

    SLACK_NS = 2_000_000_000

    def __init__(self, path: Path):
        self.path = path
        self.old: dict = {}
        self.new: dict = {}
        self.racy = False  # a known file was too new to trust: write the index again, with a later time
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("version") == 1:
                self.old, self.written = data["files"], data["written_ns"]
        except (OSError, ValueError, KeyError):
            self.old = {}

    def source(self, path: Path, rel: str, provenance: dict | None) -> Source | None:
        known = self.old.get(rel)
        if known is None:
            return None
        st = path.stat()
        size, mtime, digest, kind = known
        if st.st_size != size or st.st_mtime_ns != mtime:
            return None
        if mtime >= self.written - self.SLACK_NS:
            self.racy = True
            return None
        prov = dict(provenance or {})
        prov.setdefault("sha256", digest)
        src = KnownSource(path=rel, kind=kind, text="", provenance=prov, digest=digest)
        src.file = str(path)
        return src

    def record(self, path: Path, src: Source) -> None:
        st = path.stat()
        self.new[src.path] = [st.st_size, st.st_mtime_ns, src.digest, src.kind]

    def save(self) -> None:
        if self.new == self.old and not self.racy:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(self.path, json.dumps({"version": 1, "written_ns": time.time_ns(), "files": self.new}).encode())
