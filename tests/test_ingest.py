"""Issue 7: ingest validates a new document, files it with a normalised name,
reports what it found, and never touches content/ when it refuses."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, make_project

DATA = ROOT / "tests" / "data" / "ingest"


def ingest(proj: Path, name: str):
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "ingest", str(DATA / name)],
                          capture_output=True, text=True, cwd=ROOT)


def snapshot(proj: Path) -> dict:
    return {p.relative_to(proj).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (proj / "content").rglob("*") if p.is_file()}


def test_circular_without_gazette_wrapper(tmp_path):
    proj = make_project(tmp_path)
    r = ingest(proj, "circular-simplified.txt")
    assert r.returncode == 0, r.stderr
    assert "circular -> content/sources/2026-circular-jingzhengbanfa-2026-12.txt" in r.stdout
    assert "new document 京政办发〔2026〕12号: 北京市人民政府办公厅关于做好2026年清明节期间安全工作的通知" in r.stdout
    filed = proj / "content/sources/2026-circular-jingzhengbanfa-2026-12.txt"
    assert filed.read_bytes() == (DATA / "circular-simplified.txt").read_bytes()
    prov = (proj / "content/sources/provenance.yaml").read_text("utf-8")
    assert "2026-circular-jingzhengbanfa-2026-12.txt:" in prov and "origin: circular-simplified.txt" in prov
    from generator.build import load_all

    corpus = load_all(proj)[2]
    doc = corpus.documents["doc:京政办发〔2026〕12号"]
    assert doc.date == "2026-03-20" and doc.issuers == ["北京市人民政府办公厅"]
    assert [b.kind for b in doc.blocks][:4] == ["title", "number", "addressee", "para"]
    assert sum(1 for b in doc.blocks if b.kind == "para") == 4
    # ingesting the same file again changes nothing
    again = ingest(proj, "circular-simplified.txt")
    assert again.returncode == 0 and "already ingested" in again.stdout


def test_traditional_script_circular(tmp_path):
    proj = make_project(tmp_path)
    r = ingest(proj, "circular-traditional.txt")
    assert r.returncode == 0, r.stderr
    assert "new document 京政办发〔2026〕15号: 北京市人民政府办公厅关于加强2026年汛期地质灾害防治工作的通知" in r.stdout
    from generator.build import load_all

    doc = load_all(proj)[2].documents["doc:京政办发〔2026〕15号"]
    assert doc.original_script == "traditional"
    assert doc.blocks[0].original.startswith("北京市人民政府辦公廳關於")
    assert doc.date == "2026-04-10"


def test_new_gazette_issue(tmp_path):
    from generator.build import build

    proj = make_project(tmp_path)
    r = ingest(proj, "gazette-2026-13.txt")
    assert r.returncode == 0, r.stderr
    assert "gazette -> content/sources/2026-gazette-013.txt" in r.stdout
    assert "gazette 2026 issue 13 (总第937期), 2026-04-03, 1 documents" in r.stdout
    out = tmp_path / "out"
    build(proj, out, search=False)
    page = (out / "zh" / "doc" / "jingzhengfa-2026-3" / "index.html").read_text("utf-8")
    assert "全年新增造林绿化面积1万亩" in page
    assert "提高森林覆盖率和城市绿化覆盖率" in page  # soft-wrapped line joined
    assert (out / "en" / "gazette" / "2026" / "13" / "index.html").is_file()


def test_refused_files_touch_nothing(tmp_path):
    proj = make_project(tmp_path)
    before = snapshot(proj)
    r = ingest(proj, "bad-unknown.txt")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{DATA / 'bad-unknown.txt'}:1: unknown document kind" in r.stderr
    r = ingest(proj, "bad-gazette-missing-document.txt")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "document 京政发〔2026〕4号 listed in the table of contents is not in the issue" in r.stderr
    assert str(DATA / "bad-gazette-missing-document.txt") in r.stderr
    assert snapshot(proj) == before
