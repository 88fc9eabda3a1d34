"""What every file under content/ is: one table of (folder, name pattern) -> kind, and one walk that sorts
every file by it.

A file is read by the reader of its kind (sources, notes, catalogs, glossary, provenance, links.yaml,
site.yaml), known and deliberately not read (README files, texts replaced by ``ingest --replace``, a
``.gitkeep``), or reported: a warning naming it and what its folder holds, so a note saved as ``x.txt`` or a
catalog as ``tasks.po.bak`` is never silently left out. Extensions are matched without regard to case (a
source ``X.TXT`` is read). A symbolic link is followed when its target lies inside the project and refused
(an error) when it leaves it: a note linked to ``/etc/passwd`` would otherwise be published. A folder or a
dangling link where a reader expects a file is an error naming it.

The loaders take their file lists from here (``files_of``); ``scan`` is run once per build and check and
reports everything else."""
from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, SourceError
from .paths import CONTENT, GLOSSARY, REPLACED

GLOSSARY_DIR = GLOSSARY


@dataclass(frozen=True)
class Kind:
    name: str  # the reader: source, note, catalog, …; "" for files known and not read
    folder: str  # relative to content/ ("" for content/ itself)
    patterns: tuple  # file names (fnmatch, case-insensitive)
    what: str  # for messages: what the folder holds


# the table: (folder, name) -> kind. Order matters within a folder: the first match wins.
KINDS = (
    Kind("config", "", ("site.yaml",), "the site configuration"),
    Kind("links", "", ("links.yaml",), "the editors' link overrides"),
    Kind("provenance", "sources", ("provenance.yaml",), "where each source came from"),
    Kind("source", "sources", ("*.txt",), "source texts (*.txt)"),
    Kind("", f"sources/{REPLACED}", ("*",), "texts replaced by `ingest --replace` (kept, not read)"),
    Kind("note", "notes", ("*.md", "*.markdown"), "editors' notes (*.md, *.markdown)"),
    Kind("glossary", "glossary", ("units.yaml", "headings.yaml", "termbase.yaml"),
         "the glossary (units.yaml, headings.yaml, termbase.yaml)"),
    # one folder per language, named by its code (translations/en/, translations/fr/ …): the catalogs' loader
    # reads the folders of the languages site.yaml lists and warns about any other
    Kind("catalog", "translations/*", ("*.po",), "translation catalogs (*.po)"),
)
KNOWN = ("readme", "readme.*", ".gitkeep", ".gitignore")  # anywhere: known, not read
KEPT_FOLDERS = {k.folder for k in KINDS if not k.name}  # known folders whose files are not read
FOLDERS = ({k.folder for k in KINDS} | {"translations"}) - KEPT_FOLDERS  # folders of content/ the walk enters
SUMMARY = ("content/ holds site.yaml, links.yaml, sources/ (*.txt, provenance.yaml, replaced/), notes/ "
           "(*.md), glossary/ (units.yaml, headings.yaml, termbase.yaml) and translations/<language code>/ (*.po)")


@dataclass
class Inventory:
    files: dict = field(default_factory=dict)  # kind -> [Path], sorted by name
    errors: list = field(default_factory=list)  # Problems: links out of the project, folders or dangling links
    warnings: list = field(default_factory=list)  # Problems: files and folders nothing reads


def _in_folder(folder: str, pattern: str) -> bool:
    """Whether ``folder`` is one the table's ``pattern`` names (``translations/*``: any folder directly in
    translations/, not one below it)."""
    parts, wanted = folder.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, wanted))


def _kind_of(folder: str, name: str) -> Kind | None:
    low = name.lower()
    for k in KINDS:
        if _in_folder(folder, k.folder) and any(fnmatch.fnmatchcase(low, p) for p in k.patterns):
            return k
    return None


def _what(folder: str) -> str:
    kinds = [k.what for k in KINDS if _in_folder(folder, k.folder)]
    return ", ".join(kinds) if kinds and folder else SUMMARY


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def scan(root: Path) -> Inventory:
    """Sort every file under content/ by the table (see the module's docstring)."""
    root = Path(root)
    inv = Inventory()
    base = root / CONTENT
    # the project: its folder, and content/ wherever it really lies (a content/ linked in on purpose)
    roots = (os.path.realpath(root), os.path.realpath(base))
    stack = [""]
    while stack:
        folder = stack.pop()
        path = base / folder if folder else base
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except FileNotFoundError:
            continue
        except OSError as e:
            inv.errors.append(Problem(f"{CONTENT}/{folder}".rstrip("/"), None,
                                      f"folder cannot be read ({e.strerror})", "a readable folder"))
            continue
        for e in entries:
            rel = f"{folder}/{e.name}" if folder else e.name
            shown = f"{CONTENT}/{rel}"
            kind = _kind_of(folder, e.name)
            if e.is_symlink():
                target = os.path.realpath(e.path)
                if not _inside(target, roots):
                    inv.errors.append(Problem(shown, None, f"is a symbolic link to {target}, outside the project; "
                                              "it is not read", "a file inside the project (copy it into "
                                              "content/ instead of linking to it)"))
                    continue
            try:
                st = os.stat(e.path)
            except FileNotFoundError:
                if kind is not None and kind.name:
                    inv.errors.append(Problem(shown, None, "is a symbolic link to a file that does not exist",
                                              kind.what))
                else:
                    inv.warnings.append(Problem(shown, None, "is a symbolic link to a file that does not exist; "
                                                "it is not read", _what(folder)))
                continue
            except OSError as err:
                inv.errors.append(Problem(shown, None, f"cannot be read ({err.strerror})", "a readable file"))
                continue
            if stat.S_ISDIR(st.st_mode):
                if rel in KEPT_FOLDERS:
                    continue  # known, deliberately not read
                if any(_in_folder(rel, f) for f in FOLDERS):
                    stack.append(rel)
                    continue
                if kind is not None and kind.name:
                    inv.errors.append(Problem(shown, None, "is a folder", f"a file: {kind.what}"))
                else:
                    inv.warnings.append(Problem(shown + "/", None, "folder not read", _what(folder)))
                continue
            if any(fnmatch.fnmatchcase(e.name.lower(), p) for p in KNOWN):
                continue
            if kind is None:
                hint = ("a temporary file left by an interrupted write; it is not read"
                        if e.name.startswith(".") and e.name.endswith(".tmp") else "file not read")
                inv.warnings.append(Problem(shown, None, hint, _what(folder)))
                continue
            if not stat.S_ISREG(st.st_mode):
                inv.errors.append(Problem(shown, None, "is not a regular file (a named pipe, socket or device)",
                                          kind.what))
                continue
            inv.files.setdefault(kind.name, []).append(Path(e.path))
    for paths in inv.files.values():
        paths.sort()
    return inv


def files_of(root: Path, kind: str) -> list[Path]:
    """The files a reader reads (``kind`` of the table), sorted. Raises SourceError with every problem of the
    walk (a link out of the project, a folder or a dangling link where a file is expected): no reader starts
    on a content/ folder that holds one."""
    inv = scan(root)
    if inv.errors:
        raise SourceError(inv.errors)
    return inv.files.get(kind, [])
