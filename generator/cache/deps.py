"""Dependencies recorded while pages and data-API records are made (as Sphinx's ``env.note_dependency``).

Nothing here lists by hand what a page depends on. While a group of pages (or the data-API records of a group)
is made, every read of the corpus is recorded: the page views reach the corpus only through containers that
record each key they look up (``RecordingDict``: documents, gazette issues, task lists, reports, livelihood
lists, progress tables, departments, the links and the notes of each item), through the translators (each
catalog entry asked for) and through the glossary (each name looked up). Reading a whole family (a list of
every document) records the family. Memoised results replay the dependencies they were made with
(``recorded_cache``), so a cache cannot hide a read.

A dependency's fingerprint is computed from the current corpus (``Fingerprints``); a group's fingerprint is the
digest of its dependencies' fingerprints, with the global inputs (the code, the theme, the configuration). An
incremental build keeps a group whose dependencies' fingerprints are what they were when it was made: the same
reads of the same data by the same code give the same pages. A group whose data changed is made again and its
dependencies recorded afresh."""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from functools import wraps

ALL = "*"  # the key of a whole family (iteration, len)


class Recorder:
    """The dependencies of what is being made, per process (page workers are forked: each records its own)."""

    def __init__(self):
        self.stack: list[set] = []

    def note(self, family: str, key) -> None:
        if self.stack:
            self.stack[-1].add((family, key))

    def note_all(self, deps) -> None:
        if self.stack:
            self.stack[-1].update(deps)

    @contextmanager
    def recording(self):
        """Record into a new set for the duration; what was recorded is added to the enclosing recording too."""
        deps: set = set()
        self.stack.append(deps)
        try:
            yield deps
        finally:
            self.stack.pop()
            if self.stack:
                self.stack[-1].update(deps)


RECORDER = Recorder()


class RecordingDict(dict):
    """A dict of the corpus whose reads are recorded as dependencies of ``family``: a key looked up (found or
    not: a page that shows "not in the archive" depends on the key's absence too), or the whole family when
    it is iterated or counted."""

    __slots__ = ("family",)

    def __init__(self, family: str, data=()):
        dict.__init__(self, data)
        self.family = family

    def __getitem__(self, key):
        RECORDER.note(self.family, key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        RECORDER.note(self.family, key)
        return dict.get(self, key, default)

    def __contains__(self, key):
        RECORDER.note(self.family, key)
        return dict.__contains__(self, key)

    def __iter__(self):
        RECORDER.note(self.family, ALL)
        return dict.__iter__(self)

    def __len__(self):
        RECORDER.note(self.family, ALL)
        return dict.__len__(self)

    def keys(self):
        RECORDER.note(self.family, ALL)
        return dict.keys(self)

    def values(self):
        RECORDER.note(self.family, ALL)
        return dict.values(self)

    def items(self):
        RECORDER.note(self.family, ALL)
        return dict.items(self)


class IterRecordingDict(dict):
    """A dict whose lookups are recorded elsewhere (more precisely) but whose iteration reads the whole
    ``family`` (the catalog entries: a page of figures over every entry)."""

    __slots__ = ("family",)

    def __init__(self, family: str, data=()):
        dict.__init__(self, data)
        self.family = family

    def __iter__(self):
        RECORDER.note(self.family, ALL)
        return dict.__iter__(self)

    def __len__(self):
        RECORDER.note(self.family, ALL)
        return dict.__len__(self)

    def keys(self):
        RECORDER.note(self.family, ALL)
        return dict.keys(self)

    def values(self):
        RECORDER.note(self.family, ALL)
        return dict.values(self)

    def items(self):
        RECORDER.note(self.family, ALL)
        return dict.items(self)


class RecordingList(list):
    """A list of the corpus (the notes) whose iteration is recorded as reading the whole ``family``."""

    __slots__ = ("family",)

    def __init__(self, family: str, data=()):
        list.__init__(self, data)
        self.family = family

    def __iter__(self):
        RECORDER.note(self.family, ALL)
        return list.__iter__(self)

    def __len__(self):
        RECORDER.note(self.family, ALL)
        return list.__len__(self)

    def __getitem__(self, i):
        RECORDER.note(self.family, ALL)
        return list.__getitem__(self, i)


def recorded_cache(fn):
    """Memoise ``fn`` by its arguments together with the dependencies recorded while it ran; a cached answer
    records them again for whoever asks."""
    memo: dict = {}

    @wraps(fn)
    def call(*args):
        hit = memo.get(args)
        if hit is not None:
            RECORDER.note_all(hit[1])
            return hit[0]
        with RECORDER.recording() as deps:
            value = fn(*args)
        memo[args] = (value, frozenset(deps))
        return value

    call.cache_clear = memo.clear
    return call


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(repr(p).encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()[:24]


class Fingerprints:
    """The fingerprint of each dependency in the current corpus, made when first asked and kept for the build.

    ``families`` maps a family name to a function key -> fingerprint (a string; "absent" for a key that is
    not there); a family's ALL key is the digest of every key of it with its fingerprint."""

    def __init__(self, families: dict, global_fp: str, previous: dict | None = None, trusted=()):
        self.families = families
        self.global_fp = global_fp
        self.memo: dict = {}
        self.lines: dict = {}  # (family, key) -> its line in a group's fingerprint
        # the previous build's fingerprint of every dependency of its groups ((family, key) -> fingerprint), when
        # it was made with the same global inputs (the code among them); None otherwise
        self.previous = previous.get("deps") if previous and previous.get("global") == global_fp else None
        self._changed: set | None = None
        if self.previous is not None and trusted:
            # families whose inputs are the previous build's (a language's catalog files, byte for byte): the same
            # code on the same inputs gives the same fingerprints, taken as they were instead of made again
            trusted = set(trusted)
            self.memo.update((dep, fp) for dep, fp in self.previous.items() if dep[0] in trusted)

    def changed(self) -> set | None:
        """The dependencies of the previous build's groups whose fingerprint is not what it was (None: no
        previous fingerprints to compare with). A group none of whose dependencies is here has the fingerprint it
        had: it is kept without its fingerprint being made again (most of the work of a build where little
        changed, on a large archive)."""
        if self._changed is None and self.previous is not None:
            of = self.of
            self._changed = {dep for dep, fp in self.previous.items() if of(*dep) != fp}
        return self._changed

    def of(self, family: str, key) -> str:
        k = (family, key)
        fp = self.memo.get(k)
        if fp is None:
            fn = self.families.get(family)
            if fn is None:
                fp = "unknown-family"
            elif key == ALL:
                fp = (fn.all_fp() if getattr(fn, "all_fp", None) else
                      _digest(*((x, fn(x)) for x in sorted(fn.keys(), key=repr))))
            else:
                fp = fn(key)
            self.memo[k] = fp
        return fp

    def group(self, deps) -> str:
        """The fingerprint of a group made with dependencies ``deps`` (a sorted tuple, as stored). Each
        dependency's line is made once per build: the groups of a large archive share most of their reads
        (the two languages' groups of an item read the same entries), millions of reads in all."""
        lines = self.lines
        try:  # the lines joined in C: the usual case, once the first groups have made most of them
            body = b"".join(map(lines.__getitem__, deps))
        except KeyError:
            for dep in deps:
                if dep not in lines:
                    family, key = dep
                    lines[dep] = f"{family}\0{key!r}\0{self.of(family, key)}\n".encode("utf-8", "surrogatepass")
            body = b"".join(map(lines.__getitem__, deps))
        return hashlib.sha256(self.global_fp.encode() + body).hexdigest()[:32]


def stored(deps) -> tuple:
    """Dependencies as the manifest keeps them: sorted, each string interned (many groups share them)."""
    import sys

    def intern(x):
        return sys.intern(x) if type(x) is str else x

    return tuple(sorted(((intern(f), intern(k) if type(k) is str else k) for f, k in deps), key=repr))


class KeyedFamily:
    """A family's fingerprint function with the keys it knows (for its ALL fingerprint), or a function that
    fingerprints the whole family at once (``all_fp``)."""

    def __init__(self, fn, keys, all_fp=None):
        self.fn, self._keys, self.all_fp = fn, keys, all_fp

    def __call__(self, key) -> str:
        return self.fn(key)

    def keys(self):
        return self._keys()


class RecordingProxy:
    """Stands for ``obj`` (the glossary) in the page views: every attribute read is recorded as a dependency
    (family, (name,)), every method call as (family, (name, *args)); ``call_family`` fingerprints them by
    reading or calling again on the current object."""

    __slots__ = ("_obj", "_family")

    def __init__(self, obj, family: str):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_family", family)

    def __getattr__(self, name):
        value = getattr(self._obj, name)
        family = self._family
        if callable(value):
            def call(*args):
                RECORDER.note(family, (name, *args))
                return value(*args)

            return call
        RECORDER.note(family, (name,))
        return value


def call_family(obj):
    """Fingerprints of recorded calls: call the method again on the current object."""

    def fp(key) -> str:
        name, *args = key
        try:
            value = getattr(obj, name)
            return _digest(value(*args) if callable(value) else value)
        except Exception as e:  # the read or call fails now: that is a change too
            return f"error:{type(e).__name__}"

    return KeyedFamily(fp, lambda: [])
