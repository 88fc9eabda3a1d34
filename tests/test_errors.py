"""Bad input: clear errors naming file, line and what was expected; non-zero
exit; no traceback; no half-written site."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, make_project


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_check_passes_on_the_seeds():
    r = run("check")
    assert r.returncode == 0, r.stderr
    assert "5 sources, 7 documents, 308 tasks, 10 livelihood projects, 22 progress rows" in r.stdout


def test_unknown_document_kind(tmp_path):
    proj = make_project(tmp_path, {"zz-unknown.txt": "\n\n这是一段没有文号也没有标题的文字。\n"})
    r = run("--root", str(proj), "check")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "content/sources/zz-unknown.txt:3: unknown document kind (expected one of: gazette issue" in r.stderr


def test_malformed_task_list_names_line(tmp_path):
    bad = (ROOT / "content/sources/2026-task-list-excerpt.txt").read_text("utf-8").replace(
        "2.服务保障中央政务功能布局持续优化", "9.服务保障中央政务功能布局持续优化", 1)
    proj = make_project(tmp_path, {"2026-task-list-excerpt.txt": bad})
    r = run("--root", str(proj), "check")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "content/sources/2026-task-list-excerpt.txt:16: task number 9 out of sequence (expected task 2)" in r.stderr


def test_gazette_toc_entry_without_document(tmp_path):
    text = (ROOT / "content/sources/2026-gazette-12.txt").read_text("utf-8")
    bad = text.replace("京商电商字〔2026〕6号\n", "京商电商字〔2026〕7号\n")  # number line in the body changed
    proj = make_project(tmp_path, {"2026-gazette-12.txt": bad})
    r = run("--root", str(proj), "check")
    assert r.returncode == 1
    assert "document 京商电商字〔2026〕6号 listed in the table of contents is not in the issue" in r.stderr
    assert "content/sources/2026-gazette-12.txt:41:" in r.stderr


def test_not_utf8(tmp_path):
    proj = make_project(tmp_path)
    (proj / "content/sources/zz-bad.txt").write_bytes("京政发".encode("gbk") + b"\n")
    r = run("--root", str(proj), "check")
    assert r.returncode == 1 and "zz-bad.txt:1: file is not valid UTF-8 text" in r.stderr


def test_failed_build_leaves_previous_site_intact(tmp_path):
    proj = make_project(tmp_path)
    out = tmp_path / "out"
    assert run("--root", str(proj), "build", "--no-search", "--out", str(out)).returncode == 0
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    marker = (out / "zh" / "task" / "2026" / "20" / "index.html").read_text()
    (proj / "content/sources/zz-unknown.txt").write_text("随便写的一行字\n", "utf-8")
    r = run("--root", str(proj), "build", "--no-search", "--out", str(out))
    assert r.returncode == 1 and "nothing was written" in r.stderr
    after = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert before == after and (out / "zh" / "task" / "2026" / "20" / "index.html").read_text() == marker
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out-")]  # no temp folders left


def test_bad_config_names_key(tmp_path):
    proj = make_project(tmp_path)
    cfg = proj / "content/site.yaml"
    cfg.write_text(cfg.read_text("utf-8").replace("languages: [zh, en]", "languages: [zh]"), "utf-8")
    r = run("--root", str(proj), "check")
    assert r.returncode == 1 and "content/site.yaml:" in r.stderr and "bad value for 'languages'" in r.stderr
