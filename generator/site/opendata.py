"""Open data beside the JSON API: a SQLite database with a full-text index, CSV tables, a JSON Schema for
every API file, and the "Open data" page that describes them (/zh/data/, /en/data/).

Everything here is made FROM the API files the build has just written (build/api/v1/*.json), read back
record by record: the database, the CSV tables and the JSON can never disagree, and the English is the
English of the API (which is what the English pages show).

The database mirrors the records: one table per API file, its columns the record's fields under the same
names (``urls`` becomes ``url_zh``/``url_en``; lists of names and other small nested values are JSON text,
which SQLite's ``json_each`` reads), and each nested list of records a child table with its parent's id
and a 1-based ``position`` (a task's lead units, a project's sub-items, a report's parts, sections and topic
paragraphs, a gazette's table of contents, a document's provisions). ``items`` registers every id with its
kind and pages, so that links and citations, whose ends may be any item, have foreign keys. ``search`` is
an FTS5 table with the trigram tokenizer: a query of three or more characters finds any substring,
Chinese included; a shorter one (养老) is matched with LIKE on the same table (see the README).

The database is brought up to date, not made again: each record's line has a digest in ``_records``; a build
takes the database of the tree it will replace (two builds ago, moved when no other name shares it; else a
copy of the served one), deletes the rows of the records whose lines are gone and inserts those of the new
ones, in one transaction (update_database). A database that cannot be updated is made from scratch
(build_database). Either way the rows are the same (``dump`` lists them in a fixed order); the bytes are not.
A CSV table is written again only when the API file of its rows changed."""
from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import re
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from .. import ids
from ..cache import code_fingerprint
from ..errors import Problem, SourceError
from .urls import url_for

DB_NAME = "data.sqlite"
CSV_DIR = "csv"
SCHEMA_DIR = "schema"
HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "schemas"
EXAMPLES = SCHEMAS / "examples.sql"
# the API files the database is made from, in the order they are loaded (targets of foreign keys first)
API_FILES = ("gazettes.json", "documents.json", "units.json", "tasks.json", "projects.json", "progress.json",
             "reports.json", "links.json", "citations.json")
# one CSV file per main table
CSV_TABLES = ("documents", "tasks", "task_units", "units", "projects", "project_items", "progress_rows", "links")
# A spreadsheet cell holds at most 32,767 characters (Excel cuts a longer field when it opens the file): a
# document's full text is longer, so documents.csv has its other columns, and the texts are in the JSON and
# the database.
CELL_LIMIT = 32767
CSV_LEFT_OUT = {"documents": ("text_zh", "text_en")}
SCHEMA_VERSION = 3  # PRAGMA user_version of the database

# ---------------------------------------------------------------------------------------------- schema
# Each table: (name, columns). A column is "name TYPE [REFERENCES …]"; the first is the primary key unless the
# table declares its own. Tables are created and filled in this order.
TABLES: list[tuple[str, list[str], str]] = [
    ("items", ["id TEXT PRIMARY KEY", "kind TEXT NOT NULL", "parent TEXT REFERENCES items(id)", "title_zh TEXT",
               "title_en TEXT", "url_zh TEXT", "url_en TEXT"], ""),
    ("gazettes", ["id TEXT PRIMARY KEY", "year INTEGER", "number INTEGER", "total_number INTEGER", "date TEXT",
                  "documents TEXT", "url_zh TEXT", "url_en TEXT"], ""),
    ("gazette_toc", ["gazette TEXT NOT NULL REFERENCES gazettes(id)", "position INTEGER NOT NULL",
                     "category_zh TEXT", "category_en TEXT", "title_zh TEXT", "title_en TEXT", "number_zh TEXT",
                     "number_en TEXT", "number_en_printed TEXT", "page INTEGER",
                     "document TEXT REFERENCES documents(id)"], "PRIMARY KEY (gazette, position)"),
    ("documents", ["id TEXT PRIMARY KEY", "number TEXT", "number_en TEXT", "slug TEXT", "title_zh TEXT",
                   "title_en TEXT", "kind TEXT", "date TEXT", "year INTEGER", "issuers TEXT", "addressees TEXT",
                   "gazette TEXT REFERENCES gazettes(id)", "page INTEGER", "category_zh TEXT", "category_en TEXT",
                   "contains TEXT", "metadata TEXT", "original_script TEXT", "text_zh TEXT", "text_en TEXT",
                   "sources TEXT", "url_zh TEXT", "url_en TEXT"], ""),
    ("provisions", ["id TEXT PRIMARY KEY", "document TEXT NOT NULL REFERENCES documents(id)",
                    "parent TEXT REFERENCES provisions(id)", "position INTEGER NOT NULL", "depth INTEGER NOT NULL",
                    "anchor TEXT", "kind TEXT", "label_zh TEXT", "label_en TEXT", "title_zh TEXT", "title_en TEXT",
                    "text_zh TEXT", "text_en TEXT"], ""),
    ("units", ["id TEXT PRIMARY KEY", "name_zh TEXT", "name_en TEXT", "level TEXT", "district TEXT",
               "aliases TEXT", "full_name TEXT", "url_zh TEXT", "url_en TEXT"], ""),
    ("tasks", ["id TEXT PRIMARY KEY", "year INTEGER", "number INTEGER", "text_zh TEXT", "text_en TEXT",
               "section TEXT REFERENCES items(id)", "section_zh TEXT", "section_en TEXT",
               "subsection TEXT REFERENCES items(id)", "subsection_zh TEXT", "subsection_en TEXT", "units TEXT",
               "units_zh TEXT", "units_en TEXT", "document TEXT REFERENCES documents(id)", "sources TEXT",
               "url_zh TEXT", "url_en TEXT"], ""),
    ("task_units", ["task TEXT NOT NULL REFERENCES tasks(id)", "position INTEGER NOT NULL",
                    "unit TEXT NOT NULL REFERENCES units(id)", "unit_zh TEXT", "unit_en TEXT"],
     "PRIMARY KEY (task, position)"),
    ("projects", ["id TEXT PRIMARY KEY", "year INTEGER", "number INTEGER", "name_zh TEXT", "name_en TEXT",
                  "text_zh TEXT", "text_en TEXT", "text_original TEXT", "document TEXT REFERENCES documents(id)",
                  "url_zh TEXT", "url_en TEXT"], ""),
    ("project_items", ["id TEXT PRIMARY KEY", "project TEXT NOT NULL REFERENCES projects(id)",
                       "position INTEGER NOT NULL", "number TEXT", "text_zh TEXT", "text_en TEXT",
                       "text_original TEXT", "url_zh TEXT", "url_en TEXT"], ""),
    ("progress_rows", ["id TEXT PRIMARY KEY", "year INTEGER", "district TEXT", "district_zh TEXT",
                       "district_en TEXT", "number INTEGER", "source_zh TEXT", "source_en TEXT", "task_zh TEXT",
                       "task_en TEXT", "units TEXT", "units_zh TEXT", "units_en TEXT", "deadline TEXT",
                       "status_zh TEXT", "status_en TEXT", "completed INTEGER", "progress_zh TEXT",
                       "progress_en TEXT", "targets TEXT", "reported TEXT", "source_file TEXT",
                       "source_line INTEGER", "url_zh TEXT", "url_en TEXT"], ""),
    ("progress_units", ["row TEXT NOT NULL REFERENCES progress_rows(id)", "position INTEGER NOT NULL",
                        "unit TEXT NOT NULL REFERENCES units(id)", "unit_zh TEXT", "unit_en TEXT"],
     "PRIMARY KEY (row, position)"),
    ("progress_figures", ["row TEXT NOT NULL REFERENCES progress_rows(id)", "position INTEGER NOT NULL",
                          "target TEXT", "reported TEXT", "unit TEXT", "target_value REAL", "reported_value REAL"],
     "PRIMARY KEY (row, position)"),
    ("reports", ["id TEXT PRIMARY KEY", "year INTEGER", "title_zh TEXT", "title_en TEXT", "date TEXT",
                 "speaker_zh TEXT", "speaker_en TEXT", "url_zh TEXT", "url_en TEXT"], ""),
    ("report_targets", ["report TEXT NOT NULL REFERENCES reports(id)", "position INTEGER NOT NULL", "text_zh TEXT",
                        "text_en TEXT", "indicator_zh TEXT", "indicator_en TEXT", "value_zh TEXT", "value_en TEXT"],
     "PRIMARY KEY (report, position)"),
    ("report_parts", ["id TEXT PRIMARY KEY", "report TEXT NOT NULL REFERENCES reports(id)",
                      "position INTEGER NOT NULL", "title_zh TEXT", "title_en TEXT", "text_zh TEXT", "text_en TEXT",
                      "url_zh TEXT", "url_en TEXT"], ""),
    ("report_sections", ["id TEXT PRIMARY KEY", "part TEXT NOT NULL REFERENCES report_parts(id)",
                         "position INTEGER NOT NULL", "title_zh TEXT", "title_en TEXT", "text_zh TEXT",
                         "text_en TEXT", "url_zh TEXT", "url_en TEXT"], ""),
    ("report_topics", ["id TEXT PRIMARY KEY", "section TEXT NOT NULL REFERENCES report_sections(id)",
                       "position INTEGER NOT NULL", "lead_zh TEXT", "lead_en TEXT", "text_zh TEXT", "text_en TEXT",
                       "url_zh TEXT", "url_en TEXT"], ""),
    ("links", ["id TEXT PRIMARY KEY", "source TEXT NOT NULL REFERENCES items(id)",
               "target TEXT NOT NULL REFERENCES items(id)", "kind TEXT", "score REAL", "evidence TEXT", "rule TEXT",
               "origin TEXT"], ""),
    ("citations", ["id TEXT PRIMARY KEY", "source TEXT NOT NULL REFERENCES items(id)", "block TEXT", "text TEXT",
                   "target TEXT", "provision TEXT", "resolved TEXT REFERENCES items(id)", "line INTEGER"], ""),
]
INDEXES = ["items(kind)", "items(parent)", "documents(gazette)", "provisions(document)", "tasks(subsection)",
           "task_units(unit)", "project_items(project)", "progress_units(unit)", "report_topics(section)",
           "links(source)", "links(target)", "citations(source)", "citations(resolved)"]
# the full-text table: one row per item, the text its own page shows of it in both languages
SEARCH = ("CREATE VIRTUAL TABLE search USING fts5(id UNINDEXED, kind UNINDEXED, title_zh, title_en, text_zh, "
          "text_en, tokenize='trigram')")
COLUMNS = {name: [c.split()[0] for c in cols] for name, cols, _ in TABLES}
TABLE_NAMES = [name for name, _, _ in TABLES] + ["search"]
SEARCH_COLUMNS = ("id", "kind", "title_zh", "title_en", "text_zh", "text_en")
_COUNTED_IN = {"search": "search_docsize"}  # where a table's rows are counted for the Open data page, if not in it
# the columns the loader gives: the items' rowid too (the full-text row of an item has the same rowid)
_INSERTED = dict(COLUMNS, items=["rowid"] + COLUMNS["items"])


def _json(v) -> str | None:
    """A list or mapping as one column: JSON text, keys sorted (as in the API files)."""
    return None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)


def _lines(*parts) -> str:
    """Texts joined one per line for the full-text table (None and empty left out)."""
    out = []
    for p in parts:
        if isinstance(p, (list, tuple)):
            out.extend(x for x in p if x)
        elif p:
            out.append(p)
    return "\n".join(out)


# ------------------------------------------------------------------------------------------- reading
def read_records(path: Path):
    """The records of one API file, one at a time. The API writes a JSON list with one record per line
    (generator/site/api.py), so a large file is read a line at a time, never whole; any other layout is
    parsed whole."""
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
        if first.strip() != "[":
            rest = first + fh.read()
            yield from json.loads(rest)
            return
        for line in fh:
            line = line.rstrip("\n")
            if line == "]":
                return
            yield json.loads(line[:-1] if line.endswith(",") else line)


class _Loader:
    """Turns API records into the rows of the tables and of the full-text index, inserted in batches."""

    def __init__(self, db: sqlite3.Connection, next_rowid: int = 1):
        self.db = db
        self.pending: dict[str, list] = {}
        self.search: list = []
        # an item's row and its full-text row share a rowid, so that a record's rows are found (and deleted) by
        # its ids without scanning the full-text table
        self.next_rowid = next_rowid
        self.rowid_of: dict[str, int] = {}  # the items of the record being loaded

    def row(self, table: str, **values):
        cols = _INSERTED[table]
        pending = self.pending.get(table)
        if pending is None:  # the first row of a batch: its names are the table's (a programming error if not)
            assert set(values) <= set(cols), (table, set(values) - set(cols))
            pending = self.pending[table] = []
        pending.append(tuple(values.get(c) for c in cols))
        if len(pending) >= 2000:
            self.flush(table)

    def item(self, id, kind, parent=None, title_zh=None, title_en=None, urls=None):
        urls = urls or {}
        rowid = self.rowid_of[id] = self.next_rowid
        self.next_rowid += 1
        self.row("items", rowid=rowid, id=id, kind=kind, parent=parent, title_zh=title_zh, title_en=title_en,
                 url_zh=urls.get("zh"), url_en=urls.get("en"))

    def text(self, id, kind, title_zh=None, title_en=None, text_zh=None, text_en=None):
        self.search.append((self.rowid_of[id], id, kind, title_zh or "", title_en or "", text_zh or "",
                            text_en or ""))
        if len(self.search) >= 2000:
            self.flush_search()

    def flush(self, table: str):
        rows = self.pending.pop(table, [])
        if rows:
            cols = _INSERTED[table]
            self.db.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                                rows)

    def flush_search(self):
        if self.search:
            self.db.executemany(f"INSERT INTO search (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES (?,?,?,?,?,?,?)",
                                self.search)
            self.search = []

    def load(self, name: str, record: dict) -> None:
        """The rows of one record of the API file ``name``."""
        self.rowid_of.clear()
        getattr(self, name[: -len(".json")])(record)

    def flush_all(self):
        for table, _, _ in TABLES:
            self.flush(table)
        self.flush_search()

    # one method per API file ---------------------------------------------------------------------
    def gazettes(self, r):
        self.item(r["id"], "gazette", urls=r["urls"])
        self.row("gazettes", id=r["id"], year=r["year"], number=r["number"], total_number=r["total_number"],
                 date=r["date"], documents=_json(r["documents"]), url_zh=r["urls"]["zh"], url_en=r["urls"]["en"])
        docs = list(r["documents"])  # in the order of the table of contents
        for k, e in enumerate(r["toc"], 1):
            self.row("gazette_toc", gazette=r["id"], position=k, **{c: e[c] for c in (
                "category_zh", "category_en", "title_zh", "title_en", "number_zh", "number_en", "number_en_printed",
                "page")}, document=docs[k - 1] if k <= len(docs) else None)
        self.text(r["id"], "gazette", text_zh=_lines([e["title_zh"] for e in r["toc"]],
                                                      [e["number_zh"] for e in r["toc"]]),
                  text_en=_lines([e["title_en"] for e in r["toc"]], [e["number_en"] for e in r["toc"]]))

    def documents(self, r):
        self.item(r["id"], "document", title_zh=r["title_zh"], title_en=r["title_en"], urls=r["urls"])
        plain = {c: r[c] for c in ("id", "number", "number_en", "slug", "title_zh", "title_en", "kind", "date",
                                   "year", "gazette", "page", "category_zh", "category_en", "contains",
                                   "original_script", "text_zh", "text_en")}
        self.row("documents", **plain, issuers=_json(r["issuers"]), addressees=_json(r["addressees"]),
                 metadata=_json(r["metadata"]), sources=_json(r["sources"]), url_zh=r["urls"]["zh"],
                 url_en=r["urls"]["en"])
        self.text(r["id"], "document", r["title_zh"], r["title_en"], r["text_zh"], r["text_en"])
        self._provisions(r["id"], r.get("structure") or [], None, 0)

    def _provisions(self, doc, nodes, parent, depth):
        for k, n in enumerate(nodes, 1):
            self.item(n["id"], "provision", parent=parent or doc, title_zh=n["label_zh"], title_en=n["label_en"],
                      urls=n.get("urls"))  # None until provisions have pages (or addresses) of their own
            self.row("provisions", id=n["id"], document=doc, parent=parent, position=k, depth=depth,
                     **{c: n.get(c) for c in ("anchor", "kind", "label_zh", "label_en", "title_zh", "title_en",
                                              "text_zh", "text_en")})
            self.text(n["id"], "provision", _lines(n["label_zh"], n.get("title_zh")),
                      _lines(n.get("label_en"), n.get("title_en")), n.get("text_zh"), n.get("text_en"))
            self._provisions(doc, n.get("children") or [], n["id"], depth + 1)

    def units(self, r):
        self.item(r["id"], "unit", title_zh=r["name_zh"], title_en=r["name_en"], urls=r["urls"])
        self.row("units", id=r["id"], name_zh=r["name_zh"], name_en=r["name_en"], level=r["level"],
                 district=r["district"], aliases=_json(r["aliases"]), full_name=r["full_name"],
                 url_zh=r["urls"]["zh"], url_en=r["urls"]["en"])
        self.text(r["id"], "unit", r["name_zh"], r["name_en"], _lines(*r["aliases"], r["full_name"]))

    def tasks(self, r):  # its list, section and subsection are items too: see derive_lists
        self.item(r["id"], "task", parent=r["subsection"], urls=r["urls"])
        plain = {c: r[c] for c in ("id", "year", "number", "text_zh", "text_en", "section", "section_zh", "section_en",
                                   "subsection", "subsection_zh", "subsection_en", "document")}
        self.row("tasks", **plain, units=_json(r["units"]), units_zh=_json(r["units_zh"]),
                 units_en=_json(r["units_en"]), sources=_json(r["sources"]), url_zh=r["urls"]["zh"],
                 url_en=r["urls"]["en"])
        for k, (u, zh, en) in enumerate(zip(r["units"], r["units_zh"], r["units_en"]), 1):
            self.row("task_units", task=r["id"], position=k, unit=u, unit_zh=zh, unit_en=en)
        self.text(r["id"], "task", text_zh=_lines(r["text_zh"], r["section_zh"], r["subsection_zh"], r["units_zh"]),
                  text_en=_lines(r["text_en"], r["section_en"], r["subsection_en"], r["units_en"]))

    def projects(self, r):
        self.item(r["id"], "project", parent=ids.prefix(r["id"], 1), title_zh=r["name_zh"], title_en=r["name_en"],
                  urls=r["urls"])
        self.row("projects", **{c: r[c] for c in ("id", "year", "number", "name_zh", "name_en", "text_zh", "text_en",
                                                  "text_original", "document")},
                 url_zh=r["urls"]["zh"], url_en=r["urls"]["en"])
        self.text(r["id"], "project", r["name_zh"], r["name_en"], r["text_zh"], r["text_en"])
        for k, it in enumerate(r["items"], 1):
            self.item(it["id"], "project-item", parent=r["id"], urls=it["urls"])
            self.row("project_items", id=it["id"], project=r["id"], position=k, number=it["number"],
                     text_zh=it["text_zh"], text_en=it["text_en"], text_original=it["text_original"],
                     url_zh=it["urls"]["zh"], url_en=it["urls"]["en"])
            self.text(it["id"], "project-item", text_zh=_lines(it["text_zh"], r["name_zh"]),
                      text_en=_lines(it["text_en"], r["name_en"]))

    def progress(self, r):
        self.item(r["id"], "progress-row", parent=ids.prefix(r["id"], 2), urls=r["urls"])
        plain = {c: r[c] for c in ("id", "year", "district", "district_zh", "district_en", "number", "source_zh",
                                   "source_en", "task_zh", "task_en", "deadline", "status_zh", "status_en",
                                   "progress_zh", "progress_en")}
        self.row("progress_rows", **plain, units=_json(r["units"]), units_zh=_json(r["units_zh"]),
                 units_en=_json(r["units_en"]), completed=int(r["completed"]), targets=_json(r["targets"]),
                 reported=_json(r["reported"]), source_file=r["source_file"]["file"],
                 source_line=r["source_file"]["line"], url_zh=r["urls"]["zh"], url_en=r["urls"]["en"])
        for k, (u, zh, en) in enumerate(zip(r["units"], r["units_zh"], r["units_en"]), 1):
            self.row("progress_units", row=r["id"], position=k, unit=u, unit_zh=zh, unit_en=en)
        for k, p in enumerate(r["target_vs_reported"], 1):
            self.row("progress_figures", row=r["id"], position=k, **p)
        self.text(r["id"], "progress-row",
                  text_zh=_lines(r["source_zh"], r["task_zh"], r["units_zh"], r["status_zh"], r["progress_zh"]),
                  text_en=_lines(r["source_en"], r["task_en"], r["units_en"], r["status_en"], r["progress_en"]))

    def reports(self, r):
        self.item(r["id"], "report", title_zh=r["title_zh"], title_en=r["title_en"], urls=r["urls"])
        self.row("reports", **{c: r[c] for c in ("id", "year", "title_zh", "title_en", "date", "speaker_zh",
                                                 "speaker_en")}, url_zh=r["urls"]["zh"], url_en=r["urls"]["en"])
        self.text(r["id"], "report", r["title_zh"], r["title_en"], r["speaker_zh"], r["speaker_en"])
        for k, t in enumerate(r["targets"], 1):
            self.row("report_targets", report=r["id"], position=k, **t)
        for k, p in enumerate(r["parts"], 1):
            self.item(p["id"], "report-part", parent=r["id"], title_zh=p["title_zh"], title_en=p["title_en"],
                      urls=p["urls"])
            self.row("report_parts", id=p["id"], report=r["id"], position=k, title_zh=p["title_zh"],
                     title_en=p["title_en"], text_zh=p["text_zh"], text_en=p["text_en"], url_zh=p["urls"]["zh"],
                     url_en=p["urls"]["en"])
            self.text(p["id"], "report-part", p["title_zh"], p["title_en"], p["text_zh"], p["text_en"])
            for j, s in enumerate(p["sections"], 1):
                self.item(s["id"], "report-section", parent=p["id"], title_zh=s["title_zh"], title_en=s["title_en"],
                          urls=s["urls"])
                self.row("report_sections", id=s["id"], part=p["id"], position=j, title_zh=s["title_zh"],
                         title_en=s["title_en"], text_zh=s["text_zh"], text_en=s["text_en"], url_zh=s["urls"]["zh"],
                         url_en=s["urls"]["en"])
                self.text(s["id"], "report-section", s["title_zh"], s["title_en"], s["text_zh"], s["text_en"])
                for i, t in enumerate(s["topics"], 1):
                    self.item(t["id"], "report-topic", parent=s["id"], title_zh=t["lead_zh"], title_en=t["lead_en"],
                              urls=t["urls"])
                    self.row("report_topics", id=t["id"], section=s["id"], position=i, lead_zh=t["lead_zh"],
                             lead_en=t["lead_en"], text_zh=t["text_zh"], text_en=t["text_en"],
                             url_zh=t["urls"]["zh"], url_en=t["urls"]["en"])
                    self.text(t["id"], "report-topic", t["lead_zh"], t["lead_en"], _lines(t["text_zh"], s["title_zh"]),
                              _lines(t["text_en"], s["title_en"]))

    def links(self, r):
        self.row("links", **{c: r[c] for c in ("id", "source", "target", "kind", "score", "rule", "origin")},
                 evidence=_json(r["evidence"]))

    def citations(self, r):
        self.row("citations", **{c: r.get(c) for c in ("id", "source", "block", "text", "target", "provision",
                                                        "resolved", "line")})


# ------------------------------------------------------------------------------------------- writing
# what SQLite says when the disk, not the data, is at fault, as the OS error it stands for
_DISK_ERRORS = {"disk is full": errno.ENOSPC, "disk i/o error": errno.EIO, "unable to open database": errno.EACCES,
                "readonly database": errno.EROFS}


def build_database(api_dir: Path, path: Path, digests: dict | None = None) -> dict[str, int]:
    """Make the database at ``path`` from the API files in ``api_dir``; returns rows per table. A file that
    is absent (citations.json until the build writes it) leaves its tables empty. A full disk or an
    unwritable folder is an OSError naming the database file (the build reports it as any failed write)."""
    with _disk_errors(path):
        _build_database(api_dir, path, digests)
        return table_counts(path)


@contextmanager
def _disk_errors(path: Path):
    try:
        yield
    except sqlite3.OperationalError as e:
        code = next((c for m, c in _DISK_ERRORS.items() if m in str(e).lower()), None)
        if code is None:
            raise
        raise OSError(code, str(e), str(path)) from None  # the build names the file, as for any write


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table. The full-text table's are counted in its docsize table (FTS5 keeps one row there per row of
    the table): a count(*) of the table itself reads all of its text (a whole archive's, gigabytes)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {name: db.execute(f"SELECT count(*) FROM {_COUNTED_IN.get(name, name)}").fetchone()[0]
                for name in TABLE_NAMES}
    finally:
        db.close()


def code_key() -> str:
    """What the rows are made by: this code, the SQLite library and the schema version. A database made by
    another is made again from scratch, never updated."""
    return hashlib.sha256(f"{sqlite3.sqlite_version}\0{SCHEMA_VERSION}\0{code_fingerprint(('site/opendata.py',))}"
                          .encode()).hexdigest()


def _line_digest(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=16).digest()


def file_digest(path: Path) -> str:
    """The digest of an API file's bytes ("" for a file that is absent)."""
    if not path.is_file():
        return ""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _digest_as_before(path: Path, old_dir: Path | None, digest: str | None) -> str:
    """``file_digest(path)``; when ``path`` is a second name of the previous build's file (the API writer links
    a file whose records did not change, and a file is never written in place), the digest the previous build
    recorded for it, without reading it again (the API files of a large archive are a gigabyte)."""
    if digest is not None and old_dir is not None:
        try:
            if os.path.samefile(path, old_dir / path.name):
                return digest
        except OSError:
            pass
    return file_digest(path)


def record_lines(path: Path):
    """(digest, JSON text) of each record of an API file, without parsing it: the API writes one record a
    line (api.py), keys sorted, so the same record is the same line. Any other layout is parsed whole and
    each record written as the API writes it."""
    if not path.is_file():
        return
    with open(path, "rb") as fh:
        first = fh.readline()
        if first.strip() != b"[":
            for r in json.loads(first + fh.read()):
                line = json.dumps(r, ensure_ascii=False, sort_keys=True).encode("utf-8")
                yield _line_digest(line), line
            return
        for line in fh:
            line = line.rstrip(b"\n")
            if line == b"]":
                return
            if line.endswith(b","):
                line = line[:-1]
            yield _line_digest(line), line


def _create(db: sqlite3.Connection) -> None:
    for name, cols, extra in TABLES:
        db.execute(f"CREATE TABLE {name} ({', '.join(cols + ([extra] if extra else []))})")
    db.execute(SEARCH)
    # the full-text index holds up to 64 MB of new terms in memory before it writes a segment (FTS5's default is
    # 1 MB): fewer, larger segments to merge; 15-25 % less time to make the database of the --quick archive
    db.execute("INSERT INTO search(search, rank) VALUES ('hashsize', 67108864)")
    db.execute("CREATE TABLE _records (digest BLOB PRIMARY KEY, file TEXT NOT NULL, id TEXT NOT NULL) WITHOUT ROWID")
    db.execute("CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")


def _build_database(api_dir: Path, path: Path, digests: dict | None) -> None:
    """A fresh file: bulk-load settings (the file is not published until the build ends; a failed build
    deletes it), rows in a fixed order, indexes made once at the end."""
    for p in (path, path.with_name(path.name + "-journal")):
        p.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("page_size = 4096", "journal_mode = OFF", "synchronous = OFF", "cache_size = -131072",
                       "temp_store = MEMORY", f"user_version = {SCHEMA_VERSION}"):
            db.execute(f"PRAGMA {pragma}")
        db.execute("BEGIN")
        _create(db)
        loader = _Loader(db)
        records = []
        for name in API_FILES:
            for digest, line in record_lines(api_dir / name):
                r = json.loads(line)
                loader.load(name, r)
                records.append((digest, name, r["id"]))
                if len(records) >= 5000:
                    db.executemany("INSERT INTO _records VALUES (?,?,?)", records)
                    records = []
        db.executemany("INSERT INTO _records VALUES (?,?,?)", records)
        loader.flush_all()
        derive_lists(db, loader)
        for k, spec in enumerate(INDEXES):
            db.execute(f"CREATE INDEX ix_{spec.split('(')[0]}_{k} ON {spec}")
        _check_references(db, db.execute("PRAGMA foreign_key_check").fetchall())
        _set_meta(db, api_dir, digests)
        db.execute("COMMIT")
    finally:
        db.close()


def _set_meta(db: sqlite3.Connection, api_dir: Path, digests: dict | None = None) -> None:
    digests = digests or {name: file_digest(api_dir / name) for name in API_FILES}
    db.executemany("INSERT OR REPLACE INTO _meta VALUES (?, ?)",
                   [("code", code_key())] + [(f"file {n}", d) for n, d in digests.items()])


# the kinds of the items that are lists (a task list, its sections and subsections, a livelihood list, a progress
# table): known from their records, not records of their own
LIST_KINDS = ("tasklist", "tasklist-section", "tasklist-subsection", "livelihood", "progress")


def derive_lists(db: sqlite3.Connection, loader: _Loader) -> None:
    """The items of the structured lists, made again from the tables of tasks, projects and progress rows
    (in a fixed order, so that a full and an incremental build give the same rows): so that links and
    citations may name a list. A (sub)section has its title and a full-text row."""
    marks = ",".join("?" * len(LIST_KINDS))
    db.execute(f"DELETE FROM search WHERE rowid IN (SELECT rowid FROM items WHERE kind IN ({marks}))", LIST_KINDS)
    db.execute(f"DELETE FROM items WHERE kind IN ({marks})", LIST_KINDS)
    seen: set[str] = set()  # the list items made so far (several records name the same list)
    loader.rowid_of.clear()

    def item(item_id, kind, record_id, url_zh, parent=None, title_zh=None, title_en=None, text=False):
        if item_id in seen:
            return
        seen.add(item_id)
        # its pages follow the id scheme (index.json's id_scheme), on the site of the record's pages
        base = url_zh[: -len(url_for(record_id, "zh"))]
        loader.item(item_id, kind, parent=parent, title_zh=title_zh, title_en=title_en,
                    urls={lang: base + url_for(item_id, lang) for lang in ("zh", "en")})
        if text:
            loader.text(item_id, kind, title_zh, title_en)

    for tid, sec, sec_zh, sec_en, sub, sub_zh, sub_en, url in db.execute(
            "SELECT id, section, section_zh, section_en, subsection, subsection_zh, subsection_en, url_zh FROM tasks "
            "ORDER BY year, number, id"):
        item(ids.prefix(sec, 1), "tasklist", tid, url)
        item(sec, "tasklist-section", tid, url, ids.prefix(sec, 1), sec_zh, sec_en, text=True)
        item(sub, "tasklist-subsection", tid, url, sec, sub_zh, sub_en, text=True)
    for pid, url in db.execute("SELECT id, url_zh FROM projects ORDER BY year, number, id"):
        item(ids.prefix(pid, 1), "livelihood", pid, url)
    for rid, url in db.execute("SELECT id, url_zh FROM progress_rows ORDER BY id"):
        item(ids.prefix(rid, 2), "progress", rid, url)
    loader.flush_all()


# ------------------------------------------------------------------------------------ incremental update
# The rows a record of each API file owns, besides its items and their full-text rows: (table, condition on the
# record's id), deleted children first; and the queries that find the ids of its items besides its own.
_OWNED = {
    "gazettes.json": ([], [("gazette_toc", "gazette = ?"), ("gazettes", "id = ?")]),
    "documents.json": (["SELECT id FROM provisions WHERE document = ?"],
                       [("provisions", "document = ?"), ("documents", "id = ?")]),
    "units.json": ([], [("units", "id = ?")]),
    "tasks.json": ([], [("task_units", "task = ?"), ("tasks", "id = ?")]),
    "projects.json": (["SELECT id FROM project_items WHERE project = ?"],
                      [("project_items", "project = ?"), ("projects", "id = ?")]),
    "progress.json": ([], [("progress_units", "row = ?"), ("progress_figures", "row = ?"),
                           ("progress_rows", "id = ?")]),
    "reports.json": (["SELECT id FROM report_parts WHERE report = ?",
                      "SELECT s.id FROM report_sections AS s JOIN report_parts AS p ON p.id = s.part WHERE p.report = ?",
                      "SELECT t.id FROM report_topics AS t JOIN report_sections AS s ON s.id = t.section "
                      "JOIN report_parts AS p ON p.id = s.part WHERE p.report = ?"],
                     [("report_topics", "section IN (SELECT s.id FROM report_sections AS s JOIN report_parts AS p "
                                        "ON p.id = s.part WHERE p.report = ?)"),
                      ("report_sections", "part IN (SELECT id FROM report_parts WHERE report = ?)"),
                      ("report_parts", "report = ?"), ("report_targets", "report = ?"), ("reports", "id = ?")]),
    "links.json": (None, [("links", "id = ?")]),
    "citations.json": (None, [("citations", "id = ?")]),
}
# an update larger than this share of the records is a fresh build (cheaper than deleting most of the rows)
REBUILD_SHARE = 0.25


class _Stale(Exception):
    """The database cannot be updated: it is made again from scratch."""


def update_database(api_dir: Path, path: Path, digests: dict | None = None) -> dict | None:
    """Bring the database at ``path`` (made by an earlier build, a file of its own) up to date with the API
    files in ``api_dir``, in place and in one transaction: the rows of the records whose lines are gone are
    deleted, those of new lines inserted (a changed record is both). Returns what changed, per API file
    (records removed, added), or None when the file cannot be updated (missing, unreadable, another schema or
    code version, or a change too large to be worth it): the caller makes it again from scratch."""
    with _disk_errors(path):
        try:
            return _update_database(api_dir, path, digests or {n: file_digest(api_dir / n) for n in API_FILES})
        except _Stale:
            return None
        except sqlite3.DatabaseError as e:  # not a database, or a damaged one; a full disk is the disk's fault
            if any(m in str(e).lower() for m in _DISK_ERRORS):
                raise
            return None


def _update_database(api_dir: Path, path: Path, digests: dict) -> dict:
    if not path.is_file():
        raise _Stale
    db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None)
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            raise _Stale
        meta = dict(db.execute("SELECT key, value FROM _meta"))
        if meta.get("code") != code_key():
            raise _Stale
        for pragma in ("journal_mode = DELETE", "synchronous = OFF", "cache_size = -131072",
                       "temp_store = MEMORY"):
            db.execute(f"PRAGMA {pragma}")
        changed = [n for n in API_FILES if meta.get(f"file {n}") != digests[n]]
        db.execute("BEGIN")
        total = db.execute("SELECT count(*) FROM _records").fetchone()[0]
        gone: dict[str, dict[bytes, str]] = {}
        added: dict[str, list[bytes]] = {}
        for name in changed:
            old = dict(db.execute("SELECT digest, id FROM _records WHERE file = ?", (name,)))
            new = []
            for digest, line in record_lines(api_dir / name):
                if old.pop(digest, None) is None:
                    new.append(line)
            gone[name], added[name] = old, new
        size = sum(len(v) for v in gone.values()) + sum(len(v) for v in added.values())
        if size > REBUILD_SHARE * max(total, 1) and size > 1000:
            raise _Stale
        removed_items: set[str] = set()
        for name in changed:
            removed_items |= _delete_records(db, name, gone[name])
        before = {t: db.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0] for t in TABLE_NAMES
                  if t != "search"}
        loader = _Loader(db, before["items"] + 1)
        for name in API_FILES:  # in the order of a full build
            rows = []
            for line in added.get(name, ()):
                r = json.loads(line)
                loader.load(name, r)
                rows.append((_line_digest(line), name, r["id"]))
            db.executemany("INSERT INTO _records VALUES (?,?,?)", rows)
        loader.flush_all()
        if {"tasks.json", "projects.json", "progress.json"} & set(changed):
            removed_items |= {r[0] for r in db.execute(
                f"SELECT id FROM items WHERE kind IN ({','.join('?' * len(LIST_KINDS))})", LIST_KINDS)}
            derive_lists(db, loader)
        bad = _new_dangling(db, before)
        if any(db.execute("SELECT 1 FROM items WHERE id = ?", (i,)).fetchone() is None for i in removed_items):
            bad = db.execute("PRAGMA foreign_key_check").fetchall()  # a row may point at an item now gone
        _check_references(db, bad)
        _set_meta(db, api_dir, digests)
        db.execute("COMMIT")
        return {name: (len(gone[name]), len(added[name])) for name in changed}
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def _delete_records(db: sqlite3.Connection, name: str, records: dict[bytes, str]) -> set[str]:
    """Delete every row of these records (digest -> id) of the API file ``name``; returns the ids of the items
    deleted."""
    queries, owned = _OWNED[name]
    items: set[str] = set()
    for digest, rid in records.items():
        if queries is not None:
            mine = [rid] + [r[0] for q in queries for r in db.execute(q, (rid,))]
            for iid in mine:
                row = db.execute("SELECT rowid FROM items WHERE id = ?", (iid,)).fetchone()
                if row is not None:
                    db.execute("DELETE FROM search WHERE rowid = ?", row)
                    db.execute("DELETE FROM items WHERE rowid = ?", row)
                    items.add(iid)
        for table, cond in owned:
            db.execute(f"DELETE FROM {table} WHERE {cond}", (rid,))
        db.execute("DELETE FROM _records WHERE digest = ?", (digest,))
    return items


def _new_dangling(db: sqlite3.Connection, before: dict[str, int]) -> list[tuple]:
    """The foreign keys of the rows this update inserted that point nowhere, as PRAGMA foreign_key_check
    gives them (table, rowid, parent table, key number): the rows kept were checked when they were made."""
    bad = []
    for table in TABLE_NAMES:
        if table == "search":
            continue
        for fk, _, parent, col, to, *_ in db.execute(f"PRAGMA foreign_key_list({table})").fetchall():
            bad += db.execute(f"SELECT '{table}', t.rowid, '{parent}', {fk} FROM {table} AS t WHERE t.rowid > ? "
                              f"AND t.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent} AS p "
                              f"WHERE p.{to or 'id'} = t.{col})", (before[table],)).fetchall()
    return bad


def dump(path: Path):
    """Every row of the database as text, in a fixed order (each table by its key; the full-text table by id),
    without rowids: what an incremental and a full build must agree on (their bytes may differ)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for name, cols, extra in TABLES:
            key = extra[extra.index("(") + 1: -1] if extra else COLUMNS[name][0]
            for row in db.execute(f"SELECT {', '.join(COLUMNS[name])} FROM {name} ORDER BY {key}"):
                yield f"{name}\t{json.dumps(row, ensure_ascii=False)}"
        for row in db.execute(f"SELECT {', '.join(SEARCH_COLUMNS)} FROM search ORDER BY id, kind"):
            yield f"search\t{json.dumps(row, ensure_ascii=False)}"
        for table in ("_records", "_meta"):
            for row in db.execute(f"SELECT * FROM {table} ORDER BY 1"):
                yield f"{table}\t{json.dumps([v.hex() if isinstance(v, bytes) else v for v in row])}"
    finally:
        db.close()


# which API file the rows of a table (or the items of a kind) come from, to name it in an error
_FILE_OF = {"gazette_toc": "gazettes.json", "provisions": "documents.json", "task_units": "tasks.json",
            "project_items": "projects.json", "progress_units": "progress.json", "progress_figures": "progress.json",
            "report_targets": "reports.json", "report_parts": "reports.json", "report_sections": "reports.json",
            "report_topics": "reports.json", "progress_rows": "progress.json", "gazette": "gazettes.json",
            "document": "documents.json", "provision": "documents.json", "unit": "units.json", "task": "tasks.json",
            "tasklist-section": "tasks.json", "tasklist-subsection": "tasks.json", "project": "projects.json",
            "project-item": "projects.json", "progress-row": "progress.json", "report": "reports.json",
            "report-part": "reports.json", "report-section": "reports.json", "report-topic": "reports.json"}


def _check_references(db: sqlite3.Connection, bad: list[tuple]) -> None:
    """Every foreign key points at a row (``bad``: those that do not, as PRAGMA foreign_key_check lists them): a
    link or a citation to an item no API file has stops the build, naming the file and the record, rather
    than publishing a database whose joins silently lose rows."""
    if not bad:
        return
    problems = []
    for table, rowid, parent, fk in bad[:20]:
        fkrow = db.execute(f"PRAGMA foreign_key_list({table})").fetchall()
        col = next(r[3] for r in fkrow if r[0] == fk)
        rid, value = db.execute(f"SELECT {COLUMNS[table][0]}, {col} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        if table == "items":
            table = db.execute("SELECT kind FROM items WHERE rowid = ?", (rowid,)).fetchone()[0]
        file = _FILE_OF.get(table, f"{table}.json")
        problems.append(Problem(f"api/v1/{file}", None, f"record {rid}: its {col} {value!r} is in no row of the "
                                                       f"{parent} table", "the id of a record of the data API"))
    raise SourceError(problems)


# A text cell that a spreadsheet would take for a formula (what OWASP calls CSV injection): it starts with = + -
# or @ (Excel and LibreOffice evaluate =HYPERLINK(…), -2+3, @SUM(…)), or with a tab or CR, which Excel skips
# before looking. Such a cell is written with an apostrophe in front, so that it is shown as the text it is; a
# number written as text (-3, +5%, -1.5) and a lone dash stay as they are: no spreadsheet runs them.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)?%?")


def spreadsheet_cell(value):
    """``value`` as a CSV cell: a text a spreadsheet would run as a formula with an apostrophe before it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_columns(table: str) -> list[str]:
    return [c for c in COLUMNS[table] if c not in CSV_LEFT_OUT.get(table, ())]


# the order of a CSV table's rows: the order a reader expects (a year's tasks by number), never the rowid, which
# an incremental build does not keep
CSV_ORDER = {"documents": "date, id", "tasks": "year, number, id",
             "task_units": "(SELECT year FROM tasks WHERE tasks.id = task), "
                           "(SELECT number FROM tasks WHERE tasks.id = task), task, position",
             "units": "id", "projects": "year, number, id",
             "project_items": "(SELECT year FROM projects WHERE projects.id = project), "
                              "(SELECT number FROM projects WHERE projects.id = project), project, position",
             "progress_rows": "year, district, number, id", "links": "id"}


def _source_of(row: dict) -> tuple[str | None, int | None]:
    """The source file and line of a table's row, where the row records them (sources: a JSON list of
    {file, line}; source_file and source_line), else (None, None)."""
    if row.get("source_file"):
        return row["source_file"], row.get("source_line")
    try:
        first = (json.loads(row.get("sources") or "[]") or [{}])[0]
    except (ValueError, TypeError, IndexError):
        return None, None
    return (first.get("file"), first.get("line")) if isinstance(first, dict) else (None, None)


def write_csv(db_path: Path, csv_dir: Path, tables=CSV_TABLES) -> dict[str, int]:
    """One CSV file per main table (those of ``tables``), for spreadsheets: UTF-8 with a byte-order mark
    (without it Excel on Windows reads UTF-8 as the local code page and shows mojibake; LibreOffice detects
    it too), CRLF line ends and RFC 4180 quoting (a field with a comma, quote or line break is quoted, quotes
    doubled). NULL is an empty field; lists are JSON text, as in the database; a text a spreadsheet would
    run as a formula has an apostrophe before it (``spreadsheet_cell``). Rows in the order of
    CSV_ORDER. A cell longer than a spreadsheet holds stops the build rather than being cut where the
    reader cannot see it."""
    csv_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for table in tables:
            cols = csv_columns(table)
            dest = csv_dir / f"{table}.csv"
            if os.path.lexists(dest):  # never written in place: it may be a hard link to the served site's
                os.unlink(dest)
            with open(dest, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh, dialect="excel", lineterminator="\r\n")
                w.writerow(cols)
                n = 0
                for raw in db.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {CSV_ORDER[table]}"):
                    row = [spreadsheet_cell(v) for v in raw]
                    for col, v in zip(cols, row):
                        if isinstance(v, str) and len(v) > CELL_LIMIT:
                            file, line = _source_of(dict(zip(cols, raw)))
                            raise SourceError(Problem(file or f"api/v1/csv/{table}.csv", line if file else n + 2,
                                                      f"{row[0]}: its {col} has {len(v)} characters, more than a "
                                                      f"spreadsheet cell of api/v1/csv/{table}.csv holds",
                                                      f"at most {CELL_LIMIT} characters in one field"))
                    w.writerow(row)
                    n += 1
            counts[table] = n
    finally:
        db.close()
    return counts


# the API file whose records give the rows of each CSV table
CSV_SOURCES = {"documents": "documents.json", "tasks": "tasks.json", "task_units": "tasks.json",
               "units": "units.json", "projects": "projects.json", "project_items": "projects.json",
               "progress_rows": "progress.json", "links": "links.json"}


def write_database_and_csv(api_dir: Path, old_dir: Path | None = None, old: dict | None = None,
                           new: dict | None = None, spare: Path | None = None) -> dict:
    """The database and the CSV tables in ``api_dir``, made from its API files.

    The database is an earlier build's brought up to date by the difference of records (update_database):
    ``spare``, the database of the tree this build will replace (two builds ago), when it is a file of its
    own (moved here, never one with a second name: that is the served site's file); else a copy of the
    served one (in ``old_dir``, the previous build's api/v1); else, or when neither can be updated, it is
    made from scratch. A CSV table is written again only when the API file of its rows changed since the
    previous build (its record in ``old``), and otherwise is a second name for the served file. ``new``
    receives this build's record. Returns how the database was made (``how``: fresh, updated or copied and
    updated; ``changes``: records removed and added per API file)."""
    path = api_dir / DB_NAME
    before = (old or {}).get(DB_NAME) or {}
    known = before.get("files", {}) if old_dir is not None else {}
    digests = {name: _digest_as_before(api_dir / name, old_dir, known.get(name)) for name in API_FILES}
    how = _take(spare, old_dir / DB_NAME if old_dir is not None else None, path)
    changes = update_database(api_dir, path, digests) if how else None
    if changes is None:
        how = "fresh"
        build_database(api_dir, path, digests)
    same_code = before.get("code") == code_key()
    sizes = before.get("csv", {})
    write = []
    for table in CSV_TABLES:
        rel = f"{CSV_DIR}/{table}.csv"
        src = CSV_SOURCES[table]
        if not (same_code and old_dir is not None and before.get("files", {}).get(src) == digests[src]
                and table in sizes and _link_same(old_dir / rel, api_dir / rel, sizes[table])):
            write.append(table)
    write_csv(path, api_dir / CSV_DIR, write)
    if new is not None:
        new[DB_NAME] = {"code": code_key(), "files": digests,
                        "csv": {t: (api_dir / CSV_DIR / f"{t}.csv").stat().st_size for t in CSV_TABLES}}
    return {"how": how, "changes": changes, "csv_written": write}


def _take(spare: Path | None, served: Path | None, path: Path) -> str | None:
    """Put an earlier build's database at ``path`` to be updated in place: the spare one moved (when no other
    name shares its bytes), else a copy of the served one. None when there is neither."""
    for p in (path, path.with_name(path.name + "-journal")):
        p.unlink(missing_ok=True)
    if spare is not None:
        try:
            if os.stat(spare).st_nlink == 1 and not spare.with_name(spare.name + "-journal").exists():
                os.rename(spare, path)
                return "updated"
        except OSError:
            pass
    if served is not None and served.is_file():
        try:
            shutil.copyfile(served, path)
            return "copied"
        except OSError:
            path.unlink(missing_ok=True)
    return None


def _link_same(src: Path, dest: Path, size: int) -> bool:
    """``dest`` becomes a second name of ``src`` when that is the size the previous build wrote."""
    try:
        if src.stat().st_size != size:
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(dest):
            os.unlink(dest)
        try:
            os.link(src, dest)
        except OSError:
            shutil.copyfile(src, dest)
        return True
    except OSError:
        return False


# ------------------------------------------------------------------------------------------ schemas
def _field_descriptions(ui: dict) -> dict:
    return ui.get("api_fields") or {}


def published_schema(name: str, base: str, ui_en: dict | None = None) -> dict:
    """The JSON Schema (draft 2020-12) of the API file ``name``, as published: its own ``$id``, and the shared
    definitions it uses copied in, so that it stands alone. With ``ui_en`` (the theme's English strings), each
    field carries its description from there (``api_fields``), the words the Open data page shows."""
    stem = name[: -len(".json")]
    body = json.loads((SCHEMAS / f"{stem}.json").read_text("utf-8"))
    common = json.loads((SCHEMAS / "common.json").read_text("utf-8"))["$defs"]
    defs: dict = {}

    def collect(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                d = ref[len("#/$defs/"):]
                if d not in defs:
                    defs[d] = common[d]
                    collect(common[d])
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    collect(body)
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema",
           "$id": f"{base}/api/v1/{SCHEMA_DIR}/{stem}.schema.json"}
    if ui_en is not None:
        out["title"] = f"/api/v1/{name}"
        desc = (ui_en.get("api_files") or {}).get(name)
        if desc:
            out["description"] = desc
        _describe(body, name, "", _field_descriptions(ui_en))
        for d, node in defs.items():
            _describe(node, name, f"${d}", _field_descriptions(ui_en))
    out.update(body)
    if defs:
        out["$defs"] = {d: defs[d] for d in sorted(defs)}
    return out


def walk_fields(node: dict, path: str = ""):
    """(path, schema node, required) of every field of a record schema, depth first: ``a.b`` for a field of an
    object, ``a[].b`` for a field of the objects of a list. A field defined by reference (``urls``, a shared
    shape) is not entered: its fields are listed once, under the shape."""
    if node.get("type") == "array" and isinstance(node.get("items"), dict) and "properties" in node["items"]:
        node = node["items"]
    required = set(node.get("required", ()))
    for key, sub in (node.get("properties") or {}).items():
        p = f"{path}.{key}" if path else key
        yield p, sub, key in required
        if "properties" in sub:
            yield from walk_fields(sub, p)
        elif isinstance(sub.get("additionalProperties"), dict) and "properties" in sub["additionalProperties"]:
            yield from walk_fields(sub["additionalProperties"], p + ".*")  # a mapping: name -> object
        elif sub.get("type") == "array" and isinstance(sub.get("items"), dict) and "properties" in sub["items"]:
            yield from walk_fields(sub["items"], p + "[]")


def _describe(node: dict, file: str, path: str, words: dict) -> None:
    """Put each field's description (looked up as field_description does) into the schema."""
    for p, sub, _ in walk_fields(node, path):
        text = field_description(words, file, p)
        if text:
            sub["description"] = text


def field_description(words: dict, file: str, path: str) -> str | None:
    """The description of a field: ``<file> <path>`` (a field particular to one file), then the path (a
    nested field, ``items[].number``; ``$urls.zh`` for a shared shape), then the field's own name."""
    last = path.rsplit(".", 1)[-1].replace("[]", "")
    for k in (f"{file} {path}", path, last):
        if k in words:
            return words[k]
    return None


def write_schemas(api_dir: Path, base: str, ui_en: dict) -> list[str]:
    """A schema for every API file in ``api_dir`` (index.json included), under schema/; returns their names."""
    out = api_dir / SCHEMA_DIR
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for p in sorted(api_dir.glob("*.json")):
        if not (SCHEMAS / p.name).is_file():
            raise SourceError(Problem(f"api/v1/{p.name}", None, "no JSON Schema for this API file",
                                      f"generator/site/schemas/{p.name}"))
        schema = published_schema(p.name, base, ui_en)
        with open(out / f"{p.stem}.schema.json", "w", encoding="utf-8") as fh:
            fh.write(json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        names.append(p.name)
    return names


def index_links(base: str) -> dict:
    """What index.json says about the files beside the JSON: the database, the CSV tables, its own schema and
    the pages describing them."""
    root = f"{base}/api/v1"
    return {"database": f"{root}/{DB_NAME}", "csv": {t: f"{root}/{CSV_DIR}/{t}.csv" for t in CSV_TABLES},
            "schema": f"{root}/{SCHEMA_DIR}/index.schema.json",
            "documentation": {lang: f"{base}/{lang}/data/" for lang in ("zh", "en")}}


def schema_url(base: str, name: str) -> str:
    return f"{base}/api/v1/{SCHEMA_DIR}/{name[: -len('.json')]}.schema.json"


# ---------------------------------------------------------------------------------------- examples
def example_queries() -> list[dict]:
    """The example queries (schemas/examples.sql): ``-- name: <key>`` starts one; the README shows the same
    queries and the tests run them."""
    out, cur = [], None
    for line in EXAMPLES.read_text("utf-8").splitlines():
        m = re.match(r"^-- name: ([\w-]+)\s*$", line)
        if m:
            cur = {"name": m.group(1), "sql": []}
            out.append(cur)
        elif cur is not None and line.strip() and not line.startswith("--"):
            cur["sql"].append(line)
    for q in out:
        q["sql"] = "\n".join(q["sql"]).strip()
    return out


def run_query(db_path: Path, sql: str) -> tuple[list[str], list[tuple]]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        cur = db.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        db.close()


# ------------------------------------------------------------------------------------- the data page
SHAPES = ("urls", "origin", "quantity", "provision")  # shared object shapes, described once on the page


def _type_parts(node: dict, defs: dict, ui: dict) -> list[dict]:
    """A field's type in words, as pieces ({"text", "href"}): a shared shape links to its description."""
    words = ui["api_types"]
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in SHAPES:
            return [{"text": ui["api_shapes"][name]["name"], "href": f"#shape-{name}"}]
        return _type_parts(defs[name], defs, ui)
    if "const" in node:
        return [{"text": json.dumps(node["const"]), "href": None}]
    if "enum" in node:
        values = ", ".join(json.dumps(v, ensure_ascii=False) for v in node["enum"])
        return [{"text": ui["api_one_of"].format(values=values), "href": None}]
    alts = node.get("anyOf")
    if alts is None:
        t = node.get("type", "object")
        alts = [dict(node, type=x) for x in t] if isinstance(t, list) else None
    if alts is not None:
        out: list[dict] = []
        for k, alt in enumerate(alts):
            if k:
                out.append({"text": ui["api_or"], "href": None})
            out.extend(_type_parts(alt, defs, ui))
        return out
    t = node.get("type", "object")
    if t == "array" and isinstance(node.get("items"), dict):
        inner = _type_parts(node["items"], defs, ui) if "properties" not in node["items"] else \
            [{"text": words["object"], "href": None}]
        before, _, after = ui["api_list_of"].partition("{type}")
        return [{"text": before, "href": None}] + inner + [{"text": after, "href": None}]
    if t == "object" and isinstance(node.get("additionalProperties"), dict):
        return [{"text": ui["api_mapping"], "href": None}]
    return [{"text": words[t], "href": None}]


def _fields(schema: dict, file: str, ui: dict, lang: str, path: str = "", node: dict | None = None,
            where: str = "i18n") -> list[dict]:
    words = ui.get("api_fields") or {}
    out = []
    for p, sub, required in walk_fields(node if node is not None else schema, path):
        text = field_description(words, file, p)
        if text is None:
            keys = dict.fromkeys([p, p.rsplit(".", 1)[-1].replace("[]", "")])
            raise SourceError(Problem(f"{where}/{lang}.yaml", None, f"no description of the field {p!r} of {file}",
                                      "a key " + " or ".join(repr(k) for k in keys) + " under api_fields"))
        out.append({"name": p.lstrip("$").split(".", 1)[-1] if path.startswith("$") else p,
                    "type": _type_parts(sub, schema.get("$defs", {}), ui), "required": required,
                    "description": text})
    return out


def _size(n: int, ui: dict, lang: str) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            from .text import format_number

            return ui["api_size"][unit].format(n=format_number(round(n / scale, 1), lang))
    return ui["api_size"]["B"].format(n=n)


def data_page_context(api_dir: Path, base: str, ui: dict, lang: str, licence: dict, site_title: str,
                      where: str = "i18n", results: dict | None = None) -> dict:
    """What the Open data page shows in one language, read from the files just written: each file with its
    records (or rows) and size, the fields of each API file (from its schema), the database's tables, the
    licence, the update cadence, how to cite, and the example queries with the first rows they return."""
    from .text import format_date, format_number

    root = "/api/v1"
    index = json.loads((api_dir / "index.json").read_text("utf-8"))
    json_files, fields = [], []
    for name in sorted(p.name for p in api_dir.glob("*.json")):
        schema = published_schema(name, base)  # the published one, its fields in their authored order
        schema_file = api_dir / SCHEMA_DIR / f"{name[:-5]}.schema.json"
        records = index["files"].get(name, {}).get("records")
        json_files.append({
            "name": name, "url": f"{root}/{name}", "size": _size((api_dir / name).stat().st_size, ui, lang),
            "records": format_number(records, lang) if records is not None else "",
            "description": (ui.get("api_files") or {}).get(name, ""), "fields_anchor": "fields-" + name[:-5],
            "schema": {"name": schema_file.name, "url": f"{root}/{SCHEMA_DIR}/{schema_file.name}",
                       "size": _size(schema_file.stat().st_size, ui, lang)}})
        fields.append({"file": name, "anchor": "fields-" + name[:-5], "fields": _fields(schema, name, ui, lang, where=where)})
    common = json.loads((SCHEMAS / "common.json").read_text("utf-8"))["$defs"]
    shapes = [{"name": ui["api_shapes"][d]["name"], "anchor": f"shape-{d}",
               "description": ui["api_shapes"][d]["description"],
               "fields": _fields({"$defs": common}, "", ui, lang, f"${d}", common[d], where)} for d in SHAPES]
    db_path = api_dir / DB_NAME
    results = results if results is not None else {}
    if "tables" not in results:  # the same in both languages: counted once (a whole table read each)
        counts = table_counts(db_path)
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            results["tables"] = {name: ([r[1] for r in db.execute(f"PRAGMA table_info({name})")], counts[name])
                                 for name in TABLE_NAMES}
        finally:
            db.close()
    tables = [{"name": name, "rows": format_number(rows, lang), "columns": ", ".join(cols),
               "description": (ui.get("api_tables") or {}).get(name, "")}
              for name, (cols, rows) in results["tables"].items()]
    csv_rows = {t: results["tables"][t][1] for t in CSV_TABLES}
    csv_files = [{"name": f"{t}.csv", "url": f"{root}/{CSV_DIR}/{t}.csv", "rows": format_number(csv_rows[t], lang),
                  "size": _size((api_dir / CSV_DIR / f"{t}.csv").stat().st_size, ui, lang)} for t in CSV_TABLES]
    examples = []
    for q in example_queries():
        if q["name"] not in results:  # the same in both languages: run once
            cols, rows = run_query(db_path, q["sql"])
            results[q["name"]] = (cols, rows[:5], len(rows))
        cols, rows, total = results[q["name"]]
        words = ui["api_examples"][q["name"]]
        examples.append({"name": q["name"], "title": words["title"], "description": words["description"],
                         "sql": q["sql"],
                         "columns": cols, "rows": [[_cell(v, ui) for v in r] for r in rows[:5]],
                         "total": ui["api_rows_total"].format(n=format_number(total, lang))})
    gazettes = list(read_records(api_dir / "gazettes.json")) if (api_dir / "gazettes.json").is_file() else []
    latest = max(gazettes, key=lambda g: (g["year"], g["number"]), default=None)
    as_of = format_date(latest["date"], lang) if latest else ""
    # the API's records carry the zh and en addresses (API v1's fields); another language's page is its own
    latest_url = (latest["urls"].get(lang) or base + url_for(latest["id"], lang)) if latest else ""
    return {
        "json_files": json_files, "csv_files": csv_files, "fields": fields, "shapes": shapes,
        # no size: an incremental build's file has the rows of a full build's but not its bytes, and the page is
        # the same whichever build made it
        "database": {"name": DB_NAME, "url": f"{root}/{DB_NAME}", "tables": tables},
        "index": {"name": "index.json", "url": f"{root}/index.json"},
        "licence": {"text": licence[lang], "url": licence["url"]},
        "latest": ui["api_latest"].format(year=latest["year"], number=latest["number"], date=as_of,
                                          url=latest_url) if latest else "",
        "latest_url": latest_url.replace(base, ""),
        "cite": ui["api_cite_format"].format(title=site_title, url=f"{base}/{lang}/data/", date=as_of),
        "examples": examples,
    }


def _cell(v, ui: dict) -> str:
    if v is None:
        return ui["api_null"]
    s = str(v)
    return s if len(s) <= 80 else s[:79] + ui["ellipsis"]


class DataPages:
    """The Open data pages of a build: their PageMeta (for the sitemap), how many changed and how many did not
    (a page is always written, with the files it describes, but counted as rendered only when its bytes
    differ from the previous build's)."""

    def __init__(self):
        self.metas: list = []
        self.rendered = 0
        self.kept = 0


def write_data_pages(out: Path, env, ui: dict, site: dict, config, old_out: Path | None = None,
                     results: dict | None = None) -> DataPages:
    """Render the Open data page in each language into ``out`` (the staging folder). ``results``: what the
    pages read from the database (table sizes, example queries' first rows), filled here where it lacks them."""
    from .feeds import PageMeta
    from .pages import Page
    from .render import page_file, write_text

    result = DataPages()
    where = (Path(config.theme_dir) / "i18n").relative_to(config.root).as_posix()  # names the file in an error
    results = results if results is not None else {}
    for lang, strings in ui.items():
        ctx = data_page_context(out / "api" / "v1", site["base_url"], strings, lang, config.licence,
                                site["title"][lang], where, results)
        page = Page("data", lang, "data.html", strings["data_title"], ctx, kind="index",
                    breadcrumbs=[(strings["home"], f"/{lang}/")], searchable=False, citation=ctx["cite"])
        html = env.get_template(page.template).render(page=page, ui=strings, lang=lang, **page.ctx)
        rel = page_file(page.url)
        write_text(out, rel, html)
        result.metas.append(tuple(PageMeta.of(page)))
        try:
            same = old_out is not None and (old_out / rel).read_text("utf-8") == html
        except OSError:
            same = False
        if same:
            result.kept += 1
        else:
            result.rendered += 1
    return result


def write_open_data(out: Path, old_out: Path | None, env, ui: dict, site: dict, config,
                    old: dict | None, new: dict | None, spare: Path | None = None) -> DataPages:
    """Everything beside the JSON API in the staging folder ``out``, once the API files are written: the
    schemas, the database (``spare``: the database of the tree this build replaces, updated in place) and the
    CSV tables (kept from the previous build's output ``old_out`` when their rows did not change; see
    write_database_and_csv), then the Open data pages, which show their sizes."""
    api_dir = out / "api" / "v1"
    write_schemas(api_dir, site["base_url"], ui["en"])
    write_database_and_csv(api_dir, old_out / "api" / "v1" if old_out is not None else None, old, new, spare)
    # the database has the rows of the previous build's when it was made by the same code from API files with the
    # same digests: what the pages read from it (whole-table counts, example queries) is taken as it was then
    before, now = (old or {}).get(DB_NAME) or {}, (new or {}).get(DB_NAME) or {}
    same = old_out is not None and now and before.get("code") == now["code"] and before.get("files") == now["files"]
    results = dict(before.get("page_data") or {}) if same else {}
    pages = write_data_pages(out, env, ui, site, config, old_out, results)
    if now:
        now["page_data"] = results
    return pages
