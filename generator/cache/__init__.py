"""What a build keeps between runs, in one place (``.cache/`` of the project, and the manifest beside the
output folder):

* ``store``: the parse cache (each source's parse result, keyed by its bytes and the readers' code; documents'
  running text kept in a blob file and read when a page needs it), the index of source files by size and time,
  and the helpers every cache entry is written and read with;
* ``deps``: the dependencies each group of pages and each data-API record recorded while it was made (the
  items, catalog entries, glossary names, links and notes it read) and their fingerprints, which decide what an
  incremental build may keep;
* ``manifest``: the previous build's record of its output (pages by group, their keys, every file written).

``code_fingerprint`` is the one fingerprint of the generator's code."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent

# the code a source's parse result depends on: a change anywhere else keeps the parse cache
READER_CODE = ("sources", "kinds", "normalize.py", "model.py", "ids.py", "paths.py", "i18n/romanize.py",
               "cache/store.py")


@lru_cache(maxsize=None)  # the code does not change while a process runs
def code_fingerprint(parts: tuple[str, ...] | None = None) -> str:
    """A digest of the generator's Python files: all of them, or those under ``parts`` (files or folders
    relative to the package)."""
    h = hashlib.sha256()
    if parts is None:
        files = sorted(PACKAGE.rglob("*.py"))
    else:
        files = sorted({f for part in parts for f in ((PACKAGE / part).rglob("*.py") if (PACKAGE / part).is_dir()
                                                      else [PACKAGE / part] if (PACKAGE / part).is_file() else [])})
    for p in files:
        h.update(p.relative_to(PACKAGE).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()
