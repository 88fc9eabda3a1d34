"""Issue 20 (points 1 and 2): open data researchers can query — the SQLite database with its full-text index,
the CSV tables, the JSON Schemas of the API files and the Open data page, checked on the real seed build.

The database and the CSV tables are made from the API files; these tests read all three back and check that
they say the same thing, record for record."""
from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from conftest import ROOT, make_project, read

API = ("api", "v1")


def api_dir(site: Path) -> Path:
    return site.joinpath(*API)


def records(site: Path, name: str):
    return json.loads((api_dir(site) / name).read_text("utf-8"))


@pytest.fixture(scope="module")
def db(site):
    con = sqlite3.connect(f"file:{api_dir(site) / 'data.sqlite'}?mode=ro", uri=True)
    yield con
    con.close()


def rows(db, sql, *args):
    return db.execute(sql, args).fetchall()


# ------------------------------------------------------------------------------------------ database
# table -> (API file, how its rows are found in the file's records)
MIRRORS = {
    "documents": ("documents.json", lambda rs: rs),
    "tasks": ("tasks.json", lambda rs: rs),
    "units": ("units.json", lambda rs: rs),
    "projects": ("projects.json", lambda rs: rs),
    "project_items": ("projects.json", lambda rs: [it for r in rs for it in r["items"]]),
    "progress_rows": ("progress.json", lambda rs: rs),
    "links": ("links.json", lambda rs: rs),
    "gazettes": ("gazettes.json", lambda rs: rs),
    "reports": ("reports.json", lambda rs: rs),
    "report_parts": ("reports.json", lambda rs: [p for r in rs for p in r["parts"]]),
    "report_sections": ("reports.json", lambda rs: [s for r in rs for p in r["parts"] for s in p["sections"]]),
    "report_topics": ("reports.json", lambda rs: [t for r in rs for p in r["parts"] for s in p["sections"]
                                                  for t in s["topics"]]),
}


def test_database_holds_every_api_record_field_for_field(site, db):
    """Each table has one row per record (or nested record) of its API file, in the same order, and every
    column named like a field holds that field's value: the same Chinese, the same English, the same nulls;
    lists and mappings as JSON text; ``urls`` as url_zh and url_en."""
    for table, (name, pick) in MIRRORS.items():
        recs = pick(records(site, name))
        cur = db.execute(f"SELECT * FROM {table} ORDER BY rowid")
        cols = [d[0] for d in cur.description]
        got = [dict(zip(cols, r)) for r in cur.fetchall()]
        assert len(got) == len(recs), table
        compared = 0
        for rec, row in zip(recs, got):
            assert row["id"] == rec["id"], table
            for col, value in row.items():
                if col == "source_file" and isinstance(rec.get(col), dict):  # a progress row's {file, line}
                    assert (value, row["source_line"]) == (rec[col]["file"], rec[col]["line"]), rec["id"]
                elif col in rec:
                    want = rec[col]
                    if isinstance(want, (list, dict)):
                        value = json.loads(value)
                    if isinstance(want, bool):
                        want = int(want)
                    assert value == want, (table, rec["id"], col)
                    compared += 1
                elif col in ("url_zh", "url_en"):
                    assert value == rec["urls"][col[-2:]], (table, rec["id"], col)
        assert compared >= len(recs) * 4, table
    # the real seed: counts a reader can check against the documents
    assert rows(db, "SELECT count(*) FROM tasks") == [(308,)]
    assert rows(db, "SELECT count(*) FROM project_items") == [(27,)]
    assert rows(db, "SELECT count(*) FROM progress_rows") == [(22,)]
    assert rows(db, "SELECT count(*) FROM report_topics") == [(37,)]


def test_database_relations(site, db):
    """Lead units of tasks and rows, the figures of the rows, the table of contents, the items register, and
    every foreign key resolved."""
    tasks = records(site, "tasks.json")
    assert rows(db, "SELECT count(*) FROM task_units")[0][0] == sum(len(t["units"]) for t in tasks) == 1551
    t20 = next(t for t in tasks if t["id"] == "task/2026/20")
    assert rows(db, "SELECT unit, unit_zh, unit_en FROM task_units WHERE task = ? ORDER BY position", t20["id"]) == \
        list(zip(t20["units"], t20["units_zh"], t20["units_en"]))
    progress = records(site, "progress.json")
    assert rows(db, "SELECT count(*) FROM progress_units")[0][0] == sum(len(r["units"]) for r in progress)
    assert rows(db, "SELECT target, reported, target_value, reported_value FROM progress_figures "
                    "WHERE row = 'progress/2025/daxing/5'") == [("4000套", "2809套", 4000.0, 2809.0)]
    toc = records(site, "gazettes.json")[0]["toc"]
    assert rows(db, "SELECT position, title_zh, document FROM gazette_toc ORDER BY position") == \
        [(k, e["title_zh"], "doc:" + e["number_zh"]) for k, e in enumerate(toc, 1)]
    # every id of the API is an item, with its pages
    kinds = dict(rows(db, "SELECT kind, count(*) FROM items GROUP BY kind"))
    assert kinds["task"] == 308 and kinds["unit"] == len(records(site, "units.json"))
    assert kinds["tasklist-section"] == 11 and kinds["tasklist-subsection"] == 37
    assert rows(db, "SELECT url_zh FROM items WHERE id = 'tasklist/2026/1.4'")[0][0].endswith("/zh/tasklist/2026/1.4/")
    assert (site / "zh" / "tasklist" / "2026" / "1.4" / "index.html").is_file()
    assert rows(db, "SELECT count(*) FROM items WHERE url_zh IS NULL AND kind != 'provision'") == [(0,)]
    # links and citations point at items; every foreign key of every table resolves
    assert rows(db, "SELECT count(*) FROM links l LEFT JOIN items s ON s.id = l.source "
                    "LEFT JOIN items t ON t.id = l.target WHERE s.id IS NULL OR t.id IS NULL") == [(0,)]
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    fks = {t: rows(db, f"PRAGMA foreign_key_list({t})") for (t,) in rows(db, "SELECT name FROM sqlite_master "
                                                                            "WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%' AND name NOT LIKE 'search_%'")}
    assert {t for t, fk in fks.items() if fk} >= {"documents", "tasks", "task_units", "project_items", "links",
                                                   "citations", "provisions", "report_topics", "progress_units"}
    # the provisions of the documents (issue 16) and the citations found in their texts
    docs = records(site, "documents.json")

    def count(nodes):
        return sum(1 + count(n["children"]) for n in nodes)

    assert rows(db, "SELECT count(*) FROM provisions") == [(sum(count(d["structure"]) for d in docs),)]
    assert rows(db, "SELECT count(*) FROM citations") == [(len(records(site, "citations.json")),)]
    assert rows(db, "SELECT resolved FROM citations WHERE text = '《2026年市政府工作报告重点任务清单》'") == \
        [("tasklist/2026",)]


def test_full_text_index_uses_trigrams(db):
    sql = rows(db, "SELECT sql FROM sqlite_master WHERE name = 'search'")[0][0]
    assert "fts5" in sql and "trigram" in sql
    # a Chinese substring in the middle of a word, found without segmentation
    ids = {r[0] for r in rows(db, "SELECT id FROM search WHERE search MATCH ?", "养老家庭照护")}
    assert ids == {"progress/2025/daxing/1"}
    # two characters: the trigram index has no token for them; instr() reads every row
    assert rows(db, "SELECT count(*) FROM search WHERE search MATCH '养老'") == [(0,)]
    assert rows(db, "SELECT count(*) FROM search WHERE instr(text_zh, '养老') > 0")[0][0] >= 10


# what a page shows besides its item's own text: the site search finds those pages too, the database does not
# hold that text (unit pages list the text of their tasks; a task list section, the whole report and the
# report's parts list the text of what is in them; editors' notes are not in the API)
SAME_TEXT_KINDS = {"document", "gazette", "task", "project", "project-item", "progress-row", "report-section",
                   "report-topic"}
TERMS = ["京政发〔2026〕1号", "京医保发[2025]4号", "轨道交通22号线", "老旧小区", "住宅老旧电梯", "离境退税", "市发展改革委",
         "中关村管委会", "月季花环", "恪守依法行政的基本准则", "养老"]


def fts_ids(db, term: str) -> set[str]:
    if len(term) >= 3:
        return {r[0] for r in rows(db, "SELECT id FROM search WHERE search MATCH ?", '"' + term.replace('"', '""') + '"')}
    return {r[0] for r in rows(db, "SELECT id FROM search WHERE instr(title_zh, ?) > 0 OR instr(text_zh, ?) > 0 "
                                   "OR instr(title_en, ?) > 0 OR instr(text_en, ?) > 0", *[term] * 4)}


@pytest.fixture(scope="module")
def searched_pages(site, db):
    """item id -> the normalised pieces of text Pagefind indexes on its Chinese pages (test_search's ground
    truth), for the items of SAME_TEXT_KINDS; a document's continuation pages count for the document."""
    from test_search import norm, reader_pieces

    by_url = {re.sub(r"^https?://[^/]+", "", url): (id, kind) for id, kind, url in
              rows(db, "SELECT id, kind, url_zh FROM items")}
    out: dict[str, list] = {}
    for p in sorted((site / "zh").rglob("index.html")):
        html = p.read_text("utf-8")
        if "data-pagefind-body" not in html:
            continue
        url = "/" + p.relative_to(site).as_posix()[: -len("index.html")]
        url = re.sub(r"^(/zh/doc/[^/]+/)\d+/$", r"\1", url)
        if url in by_url and by_url[url][1] in SAME_TEXT_KINDS:
            out.setdefault(by_url[url][0], []).extend(norm(x) for x in reader_pieces(html))
    assert len(out) > 400
    return out


@pytest.mark.parametrize("term", TERMS)
def test_full_text_ids_equal_the_site_search(db, searched_pages, term):
    """For real terms (from test_search's list), the items the full-text table finds are exactly the items
    whose pages the site's search finds (pages whose indexed text contains the term), kinds whose pages show
    only their own text."""
    from test_search import norm

    site_ids = {i for i, pieces in searched_pages.items() if any(norm(term) in p for p in pieces)}
    kinds = dict(rows(db, "SELECT id, kind FROM items"))
    db_ids = {i for i in fts_ids(db, term) if kinds[i] in SAME_TEXT_KINDS}
    assert site_ids, term
    assert db_ids == site_ids, (term, sorted(site_ids - db_ids)[:5], sorted(db_ids - site_ids)[:5])


# ------------------------------------------------------------------------------------ example queries
def readme_examples(root: Path) -> list[dict]:
    """The sqlite3 commands of the README's Open data section: SQL, how many lines shown, the output shown."""
    readme = (root / "README.md").read_text("utf-8")
    section = readme[readme.index("## Open data"):]
    section = section[:section.index("\n## ", 1)]
    out = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        m = re.match(r'sqlite3 build/api/v1/data\.sqlite "(.*?)"(?: \| head -n (\d+))?\n(.*)', block, re.S)
        if m:
            out.append({"sql": m.group(1), "head": int(m.group(2)) if m.group(2) else None,
                        "output": m.group(3).rstrip("\n").split("\n")})
    return out


def cli_lines(db, sql: str) -> list[str]:
    """A result as sqlite3's shell prints it by default (list mode: fields joined by |, NULL empty)."""
    return ["|".join("" if v is None else str(v) for v in r) for r in db.execute(sql)]


def test_readme_example_queries_are_the_pages_and_give_what_it_shows(site, db, root):
    from generator.site.opendata import example_queries

    examples = example_queries()
    shown = readme_examples(root)
    assert [e["sql"] for e in shown] == [q["sql"] for q in examples]
    assert all('"' not in q["sql"] for q in examples)  # each runs inside the shell's double quotes
    for e in shown:
        lines = cli_lines(db, e["sql"])
        assert e["output"] == (lines[:e["head"]] if e["head"] else lines), e["sql"]
    results = {q["name"]: db.execute(q["sql"]).fetchall() for q in examples}
    # 1. the tasks a department leads: as tasks.json says, and as many as its page counts
    tasks = records(site, "tasks.json")
    want = [(t["id"], t["text_zh"]) for t in tasks if "unit/shi-fa-zhan-gai-ge-wei" in t["units"]]
    assert results["tasks-of-a-department"] == want and len(want) == 98
    assert "任务 (98)" in read(site, "/zh/unit/shi-fa-zhan-gai-ge-wei/")
    # 2. the links of a task: every record of links.json with the task at one end
    links = [l for l in records(site, "links.json") if "task/2026/20" in (l["source"], l["target"])]
    assert sorted(r[1:3] for r in results["links-of-a-task"]) == sorted((l["source"], l["target"]) for l in links)
    assert len(links) == 6
    # 3. a full-text query: the site's search finds the same items (see above), with the pages given
    ids = [r[0] for r in results["full-text"]]
    assert "livelihood/2026/6.2" in ids and set(ids) == fts_ids(db, "老旧小区")
    for _, _, url in results["full-text"]:
        page, _, anchor = re.sub(r"^https?://[^/]+/", "", url).partition("#")
        html = (site / page / "index.html").read_text("utf-8")
        assert not anchor or f'id="{anchor}"' in html, url  # a provision: its anchor on its document's page
    assert {r[0] for r in results["full-text-two-characters"]} == {
        i for i in fts_ids(db, "养老")
        if rows(db, "SELECT 1 FROM search WHERE id = ? AND (instr(title_zh, '养老') OR instr(text_zh, '养老'))", i)}


# ------------------------------------------------------------------------------------------------ CSV
def test_csv_tables_open_in_spreadsheets(site, db):
    """UTF-8 with a byte-order mark, CRLF line ends, RFC 4180 quoting; read back with the csv module they
    give the database's rows (one per JSON record), Chinese and line breaks intact."""
    from generator.site.opendata import CSV_ORDER, CSV_TABLES, csv_columns

    counts = {"documents": len(records(site, "documents.json")), "tasks": 308, "units": len(records(site, "units.json")),
              "projects": 10, "project_items": 27, "progress_rows": 22, "links": len(records(site, "links.json")),
              "task_units": 1551}
    assert set(CSV_TABLES) == set(counts)
    for table in CSV_TABLES:
        raw = (api_dir(site) / "csv" / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), table
        text = raw.decode("utf-8-sig")
        parsed = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        header, body = parsed[0], parsed[1:]
        cols = csv_columns(table)
        assert header == cols and set(cols) <= {r[1] for r in rows(db, f"PRAGMA table_info({table})")}, table
        want = [["" if v is None else str(v) for v in r] for r in db.execute(f"SELECT {', '.join(cols)} FROM {table} "
                                                                             f"ORDER BY {CSV_ORDER[table]}")]
        assert body == want, table
        assert len(body) == counts[table], table
        assert max(len(v) for r in body for v in r) <= 32767, table  # what a spreadsheet cell holds
        # every record ends with CRLF; a bare LF occurs only inside a quoted field
        assert raw.endswith(b"\r\n") and raw.count(b"\r\n") >= len(body) + 1
    docs = list(csv.DictReader(io.StringIO((api_dir(site) / "csv" / "documents.csv").read_text("utf-8-sig"), newline="")))
    d = next(r for r in docs if r["id"] == "doc:京政发〔2026〕1号")
    api = next(r for r in records(site, "documents.json") if r["id"] == d["id"])
    assert d["title_zh"] == api["title_zh"] == "北京市人民政府关于印发《2026年市政府工作报告重点任务清单》的通知"
    assert "text_zh" not in d and len(api["text_zh"]) > 32767  # too long for a cell: in the JSON and the database
    assert json.loads(d["issuers"]) == api["issuers"]
    progress = list(csv.DictReader(io.StringIO((api_dir(site) / "csv" / "progress_rows.csv").read_text("utf-8-sig"),
                                                newline="")))
    row1 = records(site, "progress.json")[0]
    assert progress[0]["progress_zh"] == row1["progress_zh"] and "\n" in row1["progress_zh"]  # a line break, quoted
    tasks = list(csv.DictReader(io.StringIO((api_dir(site) / "csv" / "tasks.csv").read_text("utf-8-sig"), newline="")))
    t20 = next(r for r in tasks if r["id"] == "task/2026/20")
    assert t20["text_zh"].startswith("促进通勤圈一体发展，轨道交通22号线红庙至平谷段")
    assert json.loads(t20["units_zh"]) == ["市京津冀协同办", "市公安局", "市交通委", "市重大项目办"]


@pytest.mark.parametrize("title, cell", [
    ('=HYPERLINK("https://example.org","点击")', '\'=HYPERLINK("https://example.org","点击")'),
    ("-2+3", "'-2+3"), ("+区级统筹", "'+区级统筹"), ("@SUM(A1)", "'@SUM(A1)"), ("-10℃以下", "'-10℃以下"),
    ("\t=1+1", "'\t=1+1"), ("-3", "-3"), ("+5%", "+5%"), ("-1,200.5", "-1,200.5"), ("-", "-"),
    ("北京市市容环境卫生管理办法", "北京市市容环境卫生管理办法")])
def test_csv_cell_a_spreadsheet_would_run_is_text(tmp_path, title, cell):
    """A text that starts like a formula is written with an apostrophe, so that Excel or LibreOffice shows it
    rather than running it; the database keeps the text as the source has it."""
    from generator.site.opendata import build_database, write_csv

    api = synthetic_api(tmp_path)
    doc = json.loads((api / "documents.json").read_text("utf-8"))[0]
    doc["title_zh"] = title
    (api / "documents.json").write_text(json.dumps([doc], ensure_ascii=False), "utf-8")
    build_database(api, api / "data.sqlite")
    write_csv(api / "data.sqlite", api / "csv", tables=("documents",))
    row = next(csv.DictReader(io.StringIO((api / "csv" / "documents.csv").read_text("utf-8-sig"), newline="")))
    assert row["title_zh"] == cell and row["number"] == "京政发〔2027〕3号"
    con = sqlite3.connect(api / "data.sqlite")
    try:
        assert con.execute("SELECT title_zh FROM documents").fetchone() == (title,)
    finally:
        con.close()


# ---------------------------------------------------------------------------------------- JSON Schema
def test_every_api_file_has_a_schema_that_its_records_meet(site):
    from jsonschema import Draft202012Validator

    api = api_dir(site)
    index = json.loads((api / "index.json").read_text("utf-8"))
    names = sorted(p.name for p in api.glob("*.json"))
    assert names == sorted(list(index["files"]) + ["index.json"])
    assert index["schema"].endswith("/api/v1/schema/index.schema.json")
    for name in names:
        path = api / "schema" / f"{name[:-5]}.schema.json"
        schema = json.loads(path.read_text("utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/api/v1/schema/{path.name}")
        if name != "index.json":
            assert index["files"][name]["schema"] == schema["$id"]
            assert schema["items"]["additionalProperties"] is False and schema["items"]["required"]
            assert schema["description"] and all("description" in p for p in schema["items"]["properties"].values())
        data = json.loads((api / name).read_text("utf-8"))
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        assert not errors, (name, [(list(e.absolute_path), e.message) for e in errors[:5]])


@pytest.mark.parametrize("name, break_it", [
    ("tasks.json", lambda r: r.pop("units")),                               # a missing key
    ("tasks.json", lambda r: r.update(number="20")),                         # a wrong type
    ("tasks.json", lambda r: r.update(colour="red")),                        # an unknown key
    ("documents.json", lambda r: r.update(text_en=5)),
    ("documents.json", lambda r: r["urls"].pop("en")),
    ("projects.json", lambda r: r["items"][0].update(text_zh=None)),
    ("progress.json", lambda r: r["target_vs_reported"].append({"target": "1个"})),
    ("progress.json", lambda r: r.update(completed="yes")),
    ("units.json", lambda r: r.update(level="province")),
    ("links.json", lambda r: r.update(score=2)),
    ("links.json", lambda r: r.update(source="nowhere")),
    ("reports.json", lambda r: r["parts"][2]["sections"][0]["topics"][0].pop("lead_zh")),
    ("gazettes.json", lambda r: r["toc"][0].update(page="5")),
])
def test_schemas_catch_a_wrong_record(site, name, break_it):
    from jsonschema import Draft202012Validator

    schema = json.loads((api_dir(site) / "schema" / f"{name[:-5]}.schema.json").read_text("utf-8"))
    data = records(site, name)
    assert not list(Draft202012Validator(schema).iter_errors(data))
    bad = copy.deepcopy(data[:1])
    break_it(bad[0])
    assert list(Draft202012Validator(schema).iter_errors(bad)), name


# -------------------------------------------------- provisions and citations (issue 16: shapes, synthetic)
def synthetic_api(tmp: Path) -> Path:
    """A small data API with the shapes the lead's provisions and citations will have: a document with a
    structure (chapter > article > paragraph) and a citations file."""
    api = tmp / "api" / "v1"
    api.mkdir(parents=True)
    base = "https://example.org"

    def urls(path):
        return {"zh": f"{base}/zh/{path}/", "en": f"{base}/en/{path}/"}

    def node(anchor, kind, zh, en, text, children=()):
        return {"id": f"doc:京政发〔2027〕3号#{anchor}", "anchor": anchor, "kind": kind, "label_zh": zh, "label_en": en,
                "title_zh": None, "title_en": None, "text_zh": text, "text_en": None, "children": list(children),
                "urls": {lang: u + f"#{anchor}" for lang, u in urls("doc/jingzhengfa-2027-3").items()}}

    doc = {"id": "doc:京政发〔2027〕3号", "number": "京政发〔2027〕3号", "number_en": "Jingzhengfa[2027] No. 3",
           "slug": "jingzhengfa-2027-3", "title_zh": "北京市市容环境卫生管理办法", "title_en": "Measures", "kind": "rules",
           "date": "2027-03-01", "year": 2027, "issuers": ["北京市人民政府"], "addressees": [], "gazette": None,
           "page": None, "category_zh": None, "category_en": None, "contains": None, "metadata": {},
           "original_script": "simplified", "text_zh": "第一章 总则\n第一条 为了加强市容管理，制定本办法。",
           "text_en": None, "sources": [{"file": "content/sources/x.txt", "line": 1, "end_line": 9}],
           "urls": urls("doc/jingzhengfa-2027-3"),
           "structure": [node("chapter-1", "chapter", "第一章", "Chapter 1", None, [
               node("article-1", "article", "第一条", "Article 1", "为了加强市容管理，制定本办法。", [
                   node("article-1-1", "paragraph", "第一款", "Paragraph 1", "本办法适用于本市行政区域。")]),
               node("article-2", "article", "第二条", "Article 2", "依照《北京市市容环境卫生条例》执行。")])],
           "history": [], "amendments": [],
           "translation_status": {"state": "untranslated", "passages": 3, "translated": 0, "machine": 0, "human": 0,
                                  "unknown": 0, "reviewed": 0, "translated_on": None, "source_version": "0" * 12}}
    citations = [
        {"id": "doc:京政发〔2027〕3号#c1", "source": "doc:京政发〔2027〕3号", "text": "《北京市市容环境卫生条例》",
         "target": "北京市市容环境卫生条例", "resolved": None, "line": 7, "block": "p5", "provision": None,
         "urls": None},
        {"id": "doc:京政发〔2027〕3号#c2", "source": "doc:京政发〔2027〕3号#article-2", "text": "京政发〔2027〕3号",
         "target": "京政发〔2027〕3号", "resolved": "doc:京政发〔2027〕3号", "line": 8, "block": "p7", "provision": None,
         "urls": urls("doc/jingzhengfa-2027-3")}]
    for name, recs in (("documents.json", [doc]), ("citations.json", citations)):
        (api / name).write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in recs)
                                + "\n]\n", "utf-8")
    return api


def test_provisions_and_citations_load_from_their_api_shapes(tmp_path):
    from jsonschema import Draft202012Validator

    from generator.site.opendata import build_database, published_schema

    api = synthetic_api(tmp_path)
    for name in ("documents.json", "citations.json"):  # the records meet the published schemas
        schema = published_schema(name, "https://example.org")
        assert not list(Draft202012Validator(schema).iter_errors(json.loads((api / name).read_text("utf-8"))))
    counts = build_database(api, api / "data.sqlite")
    assert counts["provisions"] == 4 and counts["citations"] == 2 and counts["documents"] == 1
    con = sqlite3.connect(api / "data.sqlite")
    try:
        assert con.execute("SELECT id, parent, position, depth, label_zh FROM provisions ORDER BY rowid").fetchall() == [
            ("doc:京政发〔2027〕3号#chapter-1", None, 1, 0, "第一章"),
            ("doc:京政发〔2027〕3号#article-1", "doc:京政发〔2027〕3号#chapter-1", 1, 1, "第一条"),
            ("doc:京政发〔2027〕3号#article-1-1", "doc:京政发〔2027〕3号#article-1", 1, 2, "第一款"),
            ("doc:京政发〔2027〕3号#article-2", "doc:京政发〔2027〕3号#chapter-1", 2, 1, "第二条")]
        assert con.execute("SELECT kind, parent FROM items WHERE id = 'doc:京政发〔2027〕3号#chapter-1'").fetchone() == \
            ("provision", "doc:京政发〔2027〕3号")
        # a provision is found by the text of its own
        assert [r[0] for r in con.execute("SELECT id FROM search WHERE search MATCH '本办法适用于'")] == \
            ["doc:京政发〔2027〕3号#article-1-1"]
        # citations join the items they come from and resolve to
        assert con.execute("SELECT c.text, s.kind, r.kind FROM citations c JOIN items s ON s.id = c.source "
                           "LEFT JOIN items r ON r.id = c.resolved ORDER BY c.rowid").fetchall() == [
            ("《北京市市容环境卫生条例》", "document", None), ("京政发〔2027〕3号", "provision", "document")]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


def test_a_reference_to_an_unknown_item_is_named(tmp_path):
    from generator.errors import SourceError
    from generator.site.opendata import build_database

    api = synthetic_api(tmp_path)
    text = (api / "citations.json").read_text("utf-8").replace('"resolved": "doc:京政发〔2027〕3号"',
                                                               '"resolved": "doc:京政发〔2027〕99号"')
    (api / "citations.json").write_text(text, "utf-8")
    with pytest.raises(SourceError) as e:
        build_database(api, api / "data.sqlite")
    assert "api/v1/citations.json: record doc:京政发〔2027〕3号#c2: its resolved 'doc:京政发〔2027〕99号' is in no row " \
           "of the items table (expected the id of a record of the data API)" in str(e.value)


# ------------------------------------------------------------------------------------ the Open data page
def num(n: int, lang: str) -> str:
    return f"{n:,}" if lang == "en" else str(n)


def test_open_data_page(site, db):
    """Both languages: every file with its records (rows) and size, every field of every schema with its
    description, the database's tables, the licence from site.yaml, the update cadence, how to cite and the
    example queries with their first rows. Linked from every page's footer."""
    from generator.site.opendata import SCHEMAS, TABLE_NAMES, walk_fields

    cfg = yaml.safe_load((ROOT / "content" / "site.yaml").read_text("utf-8"))
    index = json.loads((api_dir(site) / "index.json").read_text("utf-8"))
    for lang in ("zh", "en"):
        ui = yaml.safe_load((ROOT / "themes" / "default" / "i18n" / f"{lang}.yaml").read_text("utf-8"))
        html = read(site, f"/{lang}/data/")
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids))
        assert f"<h1>{ui['data_title']}</h1>" in html
        for name, meta in index["files"].items():
            assert f'<a href="/api/v1/{name}"><code>{name}</code></a></td><td class="num">' \
                   f'{num(meta["records"], lang)}</td>' in html, (lang, name)
            assert f'href="/api/v1/schema/{name[:-5]}.schema.json"' in html
        for (table, n) in rows(db, "SELECT 'tasks', count(*) FROM tasks UNION ALL SELECT 'links', count(*) FROM links"):
            assert f'<a href="/api/v1/csv/{table}.csv" download><code>{table}.csv</code></a></td><td class="num">' \
                   f'{num(n, lang)}</td>' in html
        for table in TABLE_NAMES:  # every table with its rows (the full-text table's counted another way)
            n = rows(db, f"SELECT count(*) FROM {table}")[0][0]
            assert n > 0 and f'<tr><td><code>{table}</code></td><td class="num">{num(n, lang)}</td>' in html, table
        assert '<a href="/api/v1/data.sqlite" download>' in html
        assert "MB" in html and "KB" in html
        # fields: from the schemas, each with the words of this language
        for p in sorted(SCHEMAS.glob("*.json")):
            if p.name in ("common.json",) or not (api_dir(site) / p.name).exists():
                continue
            schema = json.loads(p.read_text("utf-8"))
            for path, _, _ in walk_fields(schema):
                assert f"<td><code>{path}</code>" in html, (lang, p.name, path)
        assert escape(ui["api_fields"]["documents.json number"]) in html
        assert "<code>search</code></td>" in html and escape(ui["api_tables"]["search"]) in html
        assert escape(cfg["licence"][lang]) in html and f'href="{cfg["licence"]["url"]}" rel="license"' in html
        assert escape(ui["data_cadence_text"]) in html
        latest = "2026年第12期（2026年3月27日）" if lang == "zh" else "2026 No. 12 (27 March 2026)"
        assert latest in html
        assert f"{cfg['title'][lang]}" in html and f"{cfg['base_url']}/{lang}/data/" in html
        assert "JOIN task_units AS tu ON tu.task = t.id" in html and "task/2026/20" in html
        # found on every page: the footer links here
        assert f'<a href="/{lang}/data/">{ui["data_api"]}</a>' in read(site, f"/{lang}/task/2026/20/")


def test_missing_field_description_is_named(site):
    from generator.errors import SourceError
    from generator.site.opendata import data_page_context
    from generator.site.text import ui_strings

    ui = copy.deepcopy(ui_strings(str(ROOT / "themes" / "default"), "en"))
    del ui["api_fields"]["deadline"]
    with pytest.raises(SourceError) as e:
        data_page_context(api_dir(site), "https://x", ui, "en", {"zh": "z", "en": "e", "url": "https://l"}, "T",
                          "themes/default/i18n")
    assert "themes/default/i18n/en.yaml: no description of the field 'deadline' of progress.json" in str(e.value)


def test_licence_is_checked(tmp_path):
    from test_errors import run

    proj = make_project(tmp_path)
    cfg = proj / "content" / "site.yaml"
    text = cfg.read_text("utf-8")
    cfg.write_text(text.replace("  url: https://creativecommons.org/licenses/by/4.0/\n", "  url: licence.html\n"), "utf-8")
    r = run("--root", str(proj), "check")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "content/site.yaml:" in r.stderr and "bad value for 'licence'" in r.stderr and "absolute http(s) URL" in r.stderr
    cfg.write_text(text[:text.index("licence:")], "utf-8")
    r = run("--root", str(proj), "check")
    assert r.returncode == 1 and "content/site.yaml: missing key 'licence' (expected a mapping of language codes" in r.stderr


# ------------------------------------------------------------------------------ incremental database
def dumped(path: Path) -> list[str]:
    from generator.site.opendata import dump

    return list(dump(path))


def test_incremental_builds_update_their_own_database_to_the_rows_of_a_full_build(tmp_path):
    """Each build updates the database of the tree it replaces (a file of its own, never the served one) by the
    difference of records; after each build its rows (a dump in a fixed order) are a full build's. A CSV
    table is written again only when its rows changed, else it is the served file under a second name."""
    from generator.build import build

    proj = make_project(tmp_path)
    out = proj / "build"
    db_path = out.joinpath(*API, "data.sqlite")
    csv_dir = out.joinpath(*API, "csv")
    build(proj, out, search=False)
    first = dumped(db_path)
    served_ino = db_path.stat().st_ino
    again = build(proj, out, search=False)  # nothing changed: a copy of the served file, updated by nothing
    assert again.rendered == 0 and dumped(db_path) == first
    assert db_path.stat().st_nlink == 1 and db_path.stat().st_ino != served_ino
    csv_before = {p.name: p.stat().st_ino for p in csv_dir.iterdir()}
    src = proj / "content" / "sources" / "2025-daxing-progress.txt"
    src.write_text(src.read_text("utf-8").replace("3.已完成500张养老家庭照护床位建设。", "3.已完成600张养老家庭照护床位建设。"),
                   "utf-8")
    shutil.copy(ROOT / "tests" / "data" / "ingest" / "gazette-2026-13.txt",
                proj / "content" / "sources" / "2026-gazette-013.txt")
    other = [t for t in out.parent.glob(".build.[ab]") if t.resolve() != out.resolve()]
    spare = other[0].joinpath(*API, "data.sqlite")
    assert spare.is_file() and spare.stat().st_nlink == 1  # the tree of two builds ago has a file of its own
    spare_ino = spare.stat().st_ino
    served_before = db_path.read_bytes()
    served_file = out.resolve().joinpath(*API, "data.sqlite")
    build(proj, out, search=False)
    assert served_file.read_bytes() == served_before  # the site served during the build was not touched
    # the spare file itself (not a copy of the served one), moved in and updated
    assert db_path.resolve() == spare and db_path.stat().st_ino == spare_ino and db_path.stat().st_nlink == 1
    assert sorted(p.name for p in db_path.parent.glob("data.sqlite*")) == ["data.sqlite"]  # no journal left
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT id FROM search WHERE search MATCH '已完成600张'").fetchall() == \
            [("progress/2025/daxing/1",)]
        assert con.execute("SELECT count(*) FROM documents WHERE gazette = 'gazette/2026/13'").fetchone()[0] >= 1
    finally:
        con.close()
    fresh = tmp_path / "fresh" / "build"
    build(proj, fresh, search=False)
    assert dumped(db_path) == dumped(fresh.joinpath(*API, "data.sqlite")) != first
    for t in sorted(csv_before):
        assert fresh.joinpath(*API, "csv", t).read_bytes() == (csv_dir / t).read_bytes(), t
    now = {p.name: p.stat().st_ino for p in csv_dir.iterdir()}
    assert now["units.csv"] == csv_before["units.csv"]  # its rows did not change: the same file
    assert now["progress_rows.csv"] != csv_before["progress_rows.csv"]
    assert now["documents.csv"] != csv_before["documents.csv"]
    build(proj, out, search=False)  # and the other tree's database (of the build before) catches up too
    assert dumped(db_path) == dumped(fresh.joinpath(*API, "data.sqlite"))


@pytest.fixture()
def two_apis(site, tmp_path):
    """The seed site's API files (new/) and an older state of them (old/): a document's and a task's text
    changed, a link and a report topic's text different, a citation not there yet."""
    new, old = tmp_path / "new", tmp_path / "old"
    for d in (new, old):
        d.mkdir()
    for p in api_dir(site).glob("*.json"):
        shutil.copy(p, new / p.name)
        lines = p.read_text("utf-8").split("\n")
        if p.name == "documents.json":
            lines[1] = lines[1].replace("北京市", "北平市", 3)
        elif p.name == "tasks.json":
            lines[5] = lines[5].replace("\"text_zh\": \"", "\"text_zh\": \"改", 1)
        elif p.name == "links.json":
            del lines[3]
        elif p.name == "reports.json":
            lines[1] = lines[1].replace("经济", "金济", 2)
        elif p.name == "citations.json":
            del lines[2]
        (old / p.name).write_text(fix_list("\n".join(lines)), "utf-8")
    return old, new


def fix_list(text: str) -> str:
    """A JSON list with one record a line, after a line was deleted (the last record has no comma)."""
    lines = text.split("\n")
    if "]" not in lines:  # not a record file (index.json)
        return text
    end = lines.index("]")
    if lines[end - 1].endswith(","):
        lines[end - 1] = lines[end - 1][:-1]
    return "\n".join(lines)


def test_database_update_equals_a_fresh_database(two_apis, tmp_path):
    from generator.site.opendata import build_database, update_database

    old, new = two_apis
    build_database(old, tmp_path / "db.sqlite")
    build_database(new, tmp_path / "fresh.sqlite")
    changes = update_database(new, tmp_path / "db.sqlite")
    assert changes == {"documents.json": (1, 1), "tasks.json": (1, 1), "reports.json": (1, 1),
                       "links.json": (0, 1), "citations.json": (0, 1)}
    assert dumped(tmp_path / "db.sqlite") == dumped(tmp_path / "fresh.sqlite")
    assert update_database(new, tmp_path / "db.sqlite") == {}  # nothing changed: nothing done
    con = sqlite3.connect(tmp_path / "db.sqlite")
    try:
        assert con.execute("SELECT count(*) FROM search WHERE search MATCH '北平市'").fetchone()[0] == 0
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


@pytest.mark.parametrize("spoil", ["missing", "garbage", "schema", "code", "linked"])
def test_a_database_that_cannot_be_updated_is_made_again(two_apis, tmp_path, spoil):
    """A spare database that is missing, unreadable, of another schema or code version is not used: the
    database is copied from the served one, or made from scratch; one with a second name (the served
    site's file) is never moved nor written."""
    from generator.site.opendata import build_database, write_database_and_csv

    old, new = two_apis
    spare = tmp_path / "spare.sqlite"
    build_database(old, spare)
    twin = None
    if spoil == "missing":
        spare.unlink()
    elif spoil == "garbage":
        spare.write_bytes(b"not a database" * 100)
    elif spoil in ("schema", "code"):
        con = sqlite3.connect(spare)
        con.execute("PRAGMA user_version = 1" if spoil == "schema" else "UPDATE _meta SET value = 'x' WHERE key = 'code'")
        con.commit()
        con.close()
    else:
        twin = tmp_path / "served.sqlite"
        os.link(spare, twin)
    before = twin.read_bytes() if twin else None
    build_database(new, tmp_path / "fresh.sqlite")
    r = write_database_and_csv(new, spare=spare)
    assert r["how"] == "fresh" and r["changes"] is None, r
    assert dumped(new / "data.sqlite") == dumped(tmp_path / "fresh.sqlite")
    if twin:
        assert spare.is_file() and twin.read_bytes() == before and os.stat(twin).st_nlink == 2
    # with a good spare it is moved and updated
    good = tmp_path / "good.sqlite"
    build_database(old, good)
    r = write_database_and_csv(new, spare=good)
    assert r["how"] == "updated" and not good.exists() and r["changes"]["links.json"] == (0, 1)
    assert dumped(new / "data.sqlite") == dumped(tmp_path / "fresh.sqlite")


def test_an_update_to_an_unknown_item_is_named_and_changes_nothing(two_apis, tmp_path):
    from generator.errors import SourceError
    from generator.site.opendata import build_database, update_database

    old, new = two_apis
    db = tmp_path / "db.sqlite"
    build_database(old, db)
    before = dumped(db)
    text = (new / "links.json").read_text("utf-8")
    first = json.loads(text.split("\n")[1].rstrip(","))
    (new / "links.json").write_text(text.replace(f'"target": "{first["target"]}"', '"target": "task/2099/1"', 1),
                                    "utf-8")
    with pytest.raises(SourceError) as e:
        update_database(new, db)
    assert f"api/v1/links.json: record {first['id']}: its target 'task/2099/1' is in no row of the items table" \
        in str(e.value)
    assert dumped(db) == before  # one transaction: rolled back


# ------------------------------------------------------------------------------------------- in a browser
@pytest.mark.browser
def test_open_data_page_in_a_browser(page, server, tmp_path):
    """From a page's footer to the Open data page, then a CSV table downloaded: Chinese intact."""
    page.goto(server + "/en/task/2026/20/")
    page.click("footer a[href='/en/data/']")
    page.wait_for_url("**/en/data/")
    assert page.locator("h1").inner_text() == "Open data"
    rows_ = page.locator("table.data-files").first.locator("tbody tr")
    assert rows_.count() == 10  # the nine JSON files of the API and index.json
    with page.expect_download() as info:
        page.click("a[href='/api/v1/csv/tasks.csv']")
    saved = tmp_path / "tasks.csv"
    info.value.save_as(saved)
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "促进通勤圈一体发展" in raw.decode("utf-8-sig")
    page.click("a[href='#fields-tasks']")
    assert page.locator("#fields-tasks").is_visible() and page.locator("#fields-tasks + div td code", has_text="units_zh").count() == 1
    response = page.request.get(server + "/api/v1/schema/tasks.schema.json")
    assert response.ok and response.json()["$id"].endswith("/api/v1/schema/tasks.schema.json")


def test_descriptions_name_what_the_fields_hold(db):
    """A researcher's review found the links' kind described as four kinds (the schema has six), a provision's
    id as 'id / anchor' (it is 'id#anchor'), and a link's urls as 'its pages' (a link has none: its ends do)."""
    from generator.site.opendata import published_schema

    for lang in ("en", "zh"):
        words = yaml.safe_load((ROOT / "themes/default/i18n" / f"{lang}.yaml").read_text("utf-8"))["api_fields"]
        kinds = json.loads((ROOT / "generator/site/schemas/links.json").read_text("utf-8"))
        enum = next(v["enum"] for k, v in _walk(kinds) if k == "kind" and "enum" in v)
        assert all(k in words["links.json kind"] for k in enum), (lang, enum)
        assert "#" in words["$provision.id"] and "source" in words["links.json urls"]
    en = yaml.safe_load((ROOT / "themes/default/i18n/en.yaml").read_text("utf-8"))
    assert "a whole list" in en["api_tables"]["search"]  # the lists have no row of their own: said
    assert {k for (k,) in db.execute("SELECT kind FROM items WHERE id NOT IN (SELECT id FROM search)")} == {
        "tasklist", "livelihood", "progress"}
    schema = json.dumps(published_schema("links.json", "https://example.org", en), ensure_ascii=False)
    assert "The addresses of the pages of its two ends: source and target" in schema


def _walk(node):
    """(key, value) of every mapping entry in a JSON tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def test_a_field_too_long_for_a_spreadsheet_names_its_source_line(tmp_path):
    """A task's text longer than a spreadsheet cell holds stops the build, as it should, but the error named
    api/v1/csv/tasks.csv:2, a file the build makes, not the line an editor must shorten (a hostile-input
    review). It now names the source and line the record came from."""
    import subprocess
    import sys

    proj = make_project(tmp_path)
    src = proj / "content/sources/2026-gazette-12.txt"
    lines = src.read_text("utf-8").split("\n")
    n = next(i for i, l in enumerate(lines) if l.startswith("1. 完善首都规划体系"))
    lines[n] = lines[n].replace("做好城市总体规划实施", "做好城市总体规划实施" + "，做好城市总体规划实施" * 3300, 1)
    src.write_text("\n".join(lines), "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "build", "--no-search"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"content/sources/2026-gazette-12.txt:{n + 1}: task/2026/1: its text_zh has " in r.stderr, r.stderr
    assert "more than a spreadsheet cell of api/v1/csv/tasks.csv holds (expected at most 32767 characters in one " \
           "field)" in r.stderr
    assert not (proj / "build").exists()
