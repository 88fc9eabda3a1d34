"""Bad input: clear errors naming file, line and what was expected; non-zero
exit; no traceback; no half-written site."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, leftovers, make_project


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
    assert r.returncode == 1 and "zz-bad.txt:1: not UTF-8: byte 0xbe at column 1 cannot be decoded" in r.stderr


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
    assert not leftovers(tmp_path, ".out-")  # no temp folders left (deleted in the background)


def test_bad_config_names_key(tmp_path):
    proj = make_project(tmp_path)
    cfg = proj / "content/site.yaml"
    cfg.write_text(cfg.read_text("utf-8").replace("theme: default", "theme: default\ntitel: x"), "utf-8")
    r = run("--root", str(proj), "check")
    assert r.returncode == 1 and "content/site.yaml:12: unknown key 'titel'" in r.stderr


def test_progress_table_missing_cell_named_where_the_row_goes_out_of_step(tmp_path):
    text = (ROOT / "content/sources/2025-daxing-progress.txt").read_text("utf-8")
    assert text.count("\t区民政局\n") == 1
    proj = make_project(tmp_path, {"2025-daxing-progress.txt": text.replace("\t区民政局\n", "")})  # row 1's lead unit
    r = run("--root", str(proj), "check")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert ("content/sources/2025-daxing-progress.txt:14: progress table out of step in row 1: field 4 (主责单位) is "
            "'2025年12月31日'; it looks like the 完成时限 cell, so 1 cell(s) before it are missing "
            "(expected lead unit names, one per line (区民政局) here; 7 cells per row (序号、来源、") in r.stderr
    assert ":203:" not in r.stderr


def test_task_without_lead_units_is_an_error_in_the_complete_publication(tmp_path):
    text = (ROOT / "content/sources/2026-gazette-12.txt").read_text("utf-8")
    units20 = "主责单位：市京津冀协同办，市公安局，市交通委，市重大项目办\n"
    assert text.count(units20) == 1
    proj = make_project(tmp_path, {"2026-gazette-12.txt": text.replace(units20, "")})
    r = run("--root", str(proj), "check")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert ("content/sources/2026-gazette-12.txt:213: task 20 has no 主责单位 line (expected a line '主责单位：…' "
            "naming its lead units before task 21 (line 216))") in r.stderr


def test_partial_copy_without_lead_units_only_warns(tmp_path):
    r = run("check", "--verbose")  # the 002 excerpt stops after task 64's text, twice (provenance.yaml knows)
    for line in (149, 297):
        assert (f"warning: content/sources/2026-task-list-excerpt.txt:{line}: task 64 has no 主责单位 line in this "
                f"partial copy (64 of 308 tasks); the lead units of content/sources/2026-gazette-12.txt:415 are used"
                ) in r.stderr
    text = (ROOT / "content/sources/2026-task-list-excerpt.txt").read_text("utf-8")
    units20 = "主责单位:市京津冀协同办,市公安局,市交通委,市重大项目办\n"
    proj = make_project(tmp_path, {"2026-task-list-excerpt.txt": text.replace(units20, "", 1)})
    r = run("--root", str(proj), "check")
    assert r.returncode == 0, r.stderr
    assert ("warning: content/sources/2026-task-list-excerpt.txt:55: task 20 has no 主责单位 line in this partial "
            "copy (64 of 308 tasks); the lead units of content/sources/2026-gazette-12.txt:213 are used") in r.stderr


def _break_template(proj, name: str, statement: str) -> int:
    """Put ``statement`` on a line of its own at the start of the template's main block; returns that line."""
    tpl = proj / "themes" / "default" / "templates" / name
    lines = tpl.read_text("utf-8").split("\n")
    at = next(i for i, l in enumerate(lines) if "{% block main %}" in l) + 1
    tpl.write_text("\n".join(lines[:at] + [statement] + lines[at:]), "utf-8")
    return at + 1


def test_template_error_names_template_and_line_without_traceback(tmp_path):
    proj = make_project(tmp_path)
    out = tmp_path / "out"
    assert run("--root", str(proj), "build", "--no-search", "--out", str(out)).returncode == 0
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    line = _break_template(proj, "task.html", "<p>{{ no_such_value.field }}</p>")  # fails while rendering
    r = run("--root", str(proj), "build", "--no-search", "--out", str(out))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"themes/default/templates/task.html:{line}: template error: 'no_such_value' is undefined" in r.stderr
    assert "nothing was written" in r.stderr
    after = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert before == after  # the previous site is untouched
    assert not leftovers(tmp_path, ".out-")  # no temp folders left (deleted in the background)


def test_template_error_location_when_rendered_in_process(tmp_path):
    """Rendered in this process (small or incremental builds), the template frames of the traceback
    give the line; a syntax error carries its own."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

    from generator.site.render import template_problem

    (tmp_path / "base.html").write_text("<main>\n{% block main %}{% endblock %}\n</main>\n", "utf-8")
    (tmp_path / "page.html").write_text('{% extends "base.html" %}\n{% block main %}\nok\n{{ x.y }}\n{% endblock %}\n',
                                        "utf-8")
    env = Environment(loader=FileSystemLoader(str(tmp_path)), undefined=StrictUndefined)
    try:
        env.get_template("page.html").render()
    except TemplateError as e:
        problem = template_problem(e, tmp_path)
    assert str(problem) == "page.html:4: template error: 'x' is undefined"
    (tmp_path / "page.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n', "utf-8")
    try:
        env.get_template("page.html").render()
    except TemplateError as e:
        problem = template_problem(e, tmp_path)
    assert str(problem) == "page.html:3: template error: Expected an expression, got 'end of statement block'"


def test_a_date_not_in_the_calendar_is_published_as_printed_with_a_warning(tmp_path):
    """A signature date misprinted as 2026年2月29日 (or 13月45日) is no date: the page shows it as printed, the
    document has no date (no empty <time>), and a warning names the file and line; no internal error."""
    circular = (ROOT / "tests/data/ingest/circular-simplified.txt").read_text("utf-8")
    assert "\n2026年3月20日\n" in circular
    for printed in ("2026年2月29日", "2026年13月45日"):
        proj = make_project(tmp_path / printed, {"2026-c.txt": circular.replace("\n2026年3月20日\n", f"\n{printed}\n")})
        r = run("--root", str(proj), "build", "--no-search")
        assert r.returncode == 0 and "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
        assert f"content/sources/2026-c.txt:17: {printed} is not a date of the calendar" in r.stderr
        pages = [p for p in (proj / "build").rglob("*.html") if printed in p.read_text("utf-8")]
        assert len(pages) >= 2  # the document's page in each language at least
        assert all('datetime=""' not in p.read_text("utf-8") for p in pages)
        assert run("--root", str(proj), "check").returncode == 0


def test_a_gazette_cover_out_of_the_calendar_or_of_range_is_an_error(tmp_path):
    """The issue's date and numbers make its address and its place in the archive: a date not in the calendar,
    year 0 or a number past the range is an error naming the cover's line, and nothing is written."""
    issue = (ROOT / "tests/data/ingest/gazette-2026-13.txt").read_text("utf-8")
    lines = issue.split("\n")
    assert lines[16].startswith("2026年4月3日") and "第 13 期 (总第 937 期)" in lines[7]
    cases = {
        "2月30日": (issue.replace("2026年4月3日 第13期", "2026年2月30日 第13期"), 17, "the issue's date 2026年2月30日 "
                   "is not a date of the calendar"),
        "year 0": (issue.replace("2026年4月3日 第13期", "0000年4月3日 第13期"), 17, "the issue's date 0000年4月3日"),
        "number": (issue.replace("第 13 期 (总第 937 期)", "第 13 期 (总第 99999999999999999999 期)"), 8,
                   "issue number 13 (in all 99999999999999999999) out of range"),
    }
    for name, (text, line, message) in cases.items():
        proj = make_project(tmp_path / name.replace(" ", "-"), {"2026-gazette-013.txt": text})
        r = run("--root", str(proj), "build", "--no-search")
        assert r.returncode == 1 and "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
        assert f"content/sources/2026-gazette-013.txt:{line}: {message}" in r.stderr, r.stderr
        assert not (proj / "build").exists()


def test_two_sources_of_one_gazette_issue_are_an_error(tmp_path):
    """Two files that are both issue 13 of 2026 (another date, other documents): one of them would vanish from
    the site. An error names both files; nothing is written."""
    issue = (ROOT / "tests/data/ingest/gazette-2026-13.txt").read_text("utf-8")
    other = (issue.replace("京政发〔2026〕3号", "京政发〔2026〕93号").replace("春季植树造林", "秋季植树造林")
             .replace("2026年4月3日 第13期", "2026年4月9日 第13期"))
    assert other.count("京政发〔2026〕93号") >= 2 and other != issue
    proj = make_project(tmp_path, {"2026-gazette-013.txt": issue, "2026-gazette-13-again.txt": other})
    r = run("--root", str(proj), "build", "--no-search")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert ("content/sources/2026-gazette-13-again.txt:1: gazette/2026/13 is also made from "
            "content/sources/2026-gazette-013.txt:1; two sources of one item would make one of them vanish") in r.stderr
    assert not (proj / "build").exists()


def test_a_toc_entry_that_cannot_be_found_is_an_error_not_an_internal_one(tmp_path):
    """A stray character after an announcement's title in the table of contents: its number (2026年第2号) names
    no document without the title's 公告, so the entry cannot be found in the body. The error says so and names
    the entry's line; the build stops there instead of crashing on the entry."""
    lines = (ROOT / "tests/data/kinds/gazette-2026-14.txt").read_text("utf-8").split("\n")
    assert lines[32] == "森林防火的公告" and lines[33].startswith("(2026年第2号)")  # the TOC entry's second line
    lines[32] += "X"
    proj = make_project(tmp_path, {"2026-gazette-014.txt": "\n".join(lines)})
    r = run("--root", str(proj), "build", "--no-search")
    assert r.returncode == 1 and "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert ("content/sources/2026-gazette-014.txt:32: the entry numbered '2026年第2号' in the table of contents is not "
            "titled as an announcement") in r.stderr, r.stderr


def test_a_decree_without_its_head_line_is_an_error_naming_the_title_line(tmp_path):
    """Without 北京市人民政府令 第332号 the text reads as rules whose title runs on through the promulgation
    sentence: an error naming the line (before: a slug of 500 characters, 'File name too long' naming a folder
    of the output, and `check` said ok)."""
    text = (ROOT / "tests/data/kinds/decree-rules.txt").read_text("utf-8")
    assert text.startswith("北京市人民政府令 第332号\n")
    proj = make_project(tmp_path, {"2026-rules.txt": text.split("\n", 1)[1]})
    for command in (["check"], ["build", "--no-search"]):
        r = run("--root", str(proj), *command)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert "content/sources/2026-rules.txt:2: the title of a rules text runs on into its text" in r.stderr, r.stderr
    assert not (proj / "build").exists()


def test_a_very_long_title_gives_a_short_address(tmp_path):
    """A rules title of 55 characters (pinyin of about 250) is published under an address whose parts stay
    short (file systems allow 255 bytes a name)."""
    text = (ROOT / "tests/data/kinds/rules-no-chapters.txt").read_text("utf-8")
    title = text.split("\n", 1)[0]
    assert title.endswith("规定") and len(title) < 30
    long = "北京市城市街巷与背街小巷环境卫生责任区划分及日常保洁门前三包和垃圾分类管理若干规定实施细则之补充管理规定"
    assert 50 <= len(long) <= 60
    proj = make_project(tmp_path, {"2008-rules.txt": text.replace(title, long, 1)})
    r = run("--root", str(proj), "build", "--no-search")
    assert r.returncode == 0, r.stderr
    folders = [p for p in (proj / "build" / "zh" / "rule").rglob("*") if p.is_dir()]
    assert folders and max(len(p.name) for p in folders) <= 100
    assert any(long in p.read_text("utf-8") for p in (proj / "build" / "zh" / "rule").rglob("index.html"))


def test_two_issuers_whose_names_read_alike_are_told_apart_in_the_error(tmp_path):
    """北京市水务局 and 北京市税务局 read alike without tones (shui-wu-ju): their announcements 2026年第1号 get one
    address. The error says so, naming both issuers and files, instead of calling them two copies of one
    document (whose remedies, copy_of or --replace, would drop one of them)."""
    text = (ROOT / "tests/data/kinds/announcement.txt").read_text("utf-8")
    lines = text.split("\n")
    assert lines[0] == "北京市人民政府" and lines[24] == "北京市人民政府"

    def issued_by(name: str) -> str:
        return "\n".join([name] + lines[1:24] + [name] + lines[25:])

    proj = make_project(tmp_path, {"2026-water.txt": issued_by("北京市水务局"), "2026-tax.txt": issued_by("北京市税务局")})
    r = run("--root", str(proj), "build", "--no-search")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "(北京市水务局) and 北京市税务局公告2026年第1号 (北京市税务局; content/sources/2026-tax.txt:1) get one " \
           "address, announcement/shui-wu-ju/2026/1: their names read alike" in r.stderr, r.stderr
    assert "copy_of" not in r.stderr
