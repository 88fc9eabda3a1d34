"""Which warnings a command prints.

Some warnings state a true property of a source file rather than a misreading: a partial copy of a document
lacks what the complete one has, a second publication words a sentence differently. Such a file says so in
``content/sources/provenance.yaml`` under ``known_warnings:``, each entry a fragment of a warning's message
(the README explains each once). Those warnings are kept (``--verbose`` lists them) but not printed on every
build. The acknowledgement is per file and holds for the file as received (the ``sha256`` beside it): the same
warning from another file, or from an edited copy of this one, is still printed. An entry that no longer matches
any warning is itself reported, so the list cannot outlive its reason."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import Problem
from .paths import PROVENANCE

KNOWN = "known_warnings"


def _line_of(text: str, needle: str) -> int | None:
    for i, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return i
    return None


def sort_warnings(warnings: list, root: Path) -> tuple[list, list]:
    """(shown, acknowledged): the warnings to print, and those a source's ``known_warnings`` acknowledges.
    Entries that match no warning, or that are not a list of strings, are added to the shown ones."""
    from .sources import SOURCES_DIR, load_provenance

    root = Path(root)
    provenance = load_provenance(root)
    path = root / PROVENANCE
    text = path.read_text("utf-8") if path.exists() else ""
    known: dict[str, list[str]] = {}  # source path -> fragments
    problems: list[Problem] = []
    for name, entry in provenance.items():
        frags = entry.get(KNOWN) if isinstance(entry, dict) else None
        if frags is None:
            continue
        if not isinstance(frags, list) or not all(isinstance(f, str) and f.strip() for f in frags):
            problems.append(Problem(PROVENANCE, _line_of(text, f"{KNOWN}:"),
                                    f"{KNOWN} of {name} is not a list of texts; ignored",
                                    "a list of fragments of the warnings' messages"))
            continue
        source = root / SOURCES_DIR / name
        digest = entry.get("sha256")
        if digest and source.is_file() and hashlib.sha256(source.read_bytes()).hexdigest() != digest:
            continue  # not the file these warnings were acknowledged for
        known[f"{SOURCES_DIR}/{name}"] = frags
    shown, acknowledged, used = [], [], set()
    for w in warnings:
        frag = next((f for f in known.get(getattr(w, "file", ""), []) if f in w.message), None)
        if frag is None:
            shown.append(w)
        else:
            acknowledged.append(w)
            used.add((w.file, frag))
    for file, frags in known.items():
        for frag in frags:
            if (file, frag) not in used:
                problems.append(Problem(PROVENANCE, _line_of(text, frag),
                                        f"known warning {frag!r} of {Path(file).name} no longer occurs",
                                        f"the entry removed from {KNOWN}"))
    return shown + problems, acknowledged
