"""Issue 7: ingest validates a new document, files it with a normalised name,
reports what it found, and never touches content/ when it refuses."""
from __future__ import annotations

import hashlib
import os
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


def test_the_publication_a_file_was_taken_from_is_recorded_and_cited(tmp_path):
    """A document ingested on its own (not in a gazette issue) named no publication: its pages said it was
    taken from "another publication", which a journalist cannot cite. ingest --publication/--publication-en/--url
    record where it was taken from, and its pages cite that; without them ingest says so."""
    proj = make_project(tmp_path)
    bad = [subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "ingest",
                           str(DATA / "circular-simplified.txt"), *extra], capture_output=True, text=True, cwd=ROOT)
           for extra in (["--url", "ftp://example.org/x"], ["--publication", "北京市\n人民政府网站"])]
    assert [r.returncode for r in bad] == [1, 1]
    assert "--url: given 'ftp://example.org/x' (expected an http(s) address, one line)" in bad[0].stderr
    assert "--publication: given '北京市\\n人民政府网站'" in bad[1].stderr
    assert snapshot(proj) == snapshot(make_project(tmp_path / "fresh"))  # nothing filed
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "ingest",
                        str(DATA / "circular-simplified.txt"), "--publication", "北京市人民政府网站",
                        "--publication-en", "Beijing Municipal Government website",
                        "--url", "https://www.beijing.gov.cn/zhengce/"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and "note: no --publication" not in r.stdout, r.stderr
    import yaml

    prov = yaml.safe_load((proj / "content/sources/provenance.yaml").read_text("utf-8"))
    entry = prov["2026-circular-jingzhengbanfa-2026-12.txt"]
    assert (entry["name_zh"], entry["name_en"], entry["url"]) == (
        "北京市人民政府网站", "Beijing Municipal Government website", "https://www.beijing.gov.cn/zhengce/")
    from generator.build import build

    out = tmp_path / "site"
    build(proj, out, search=False)
    for lang, name in (("zh", "北京市人民政府网站"), ("en", "Beijing Municipal Government website")):
        html = (out / lang / "doc" / "jingzhengbanfa-2026-12" / "index.html").read_text("utf-8")
        assert f'<li>{name} · <a href="https://www.beijing.gov.cn/zhengce/" rel="external">' in html, lang
        assert {"zh": "其他版本", "en": "another publication"}[lang] not in html
    other = ingest(proj, "circular-traditional.txt")
    assert other.returncode == 0, other.stderr
    assert "note: no --publication given" in other.stdout
    # given again for a file already filed: refused, not dropped without a word (what a user does after the note)
    again = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "ingest",
                            str(DATA / "circular-traditional.txt"), "--publication", "北京市人民政府网站"],
                           capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 1 and "already ingested as content/sources/" in again.stderr
    assert "recorded only when a file is filed" in again.stderr and "name_zh" not in \
        (proj / "content/sources/provenance.yaml").read_text("utf-8").split("circular-traditional")[-1]
    # an address's scheme in capitals is an address; a Chinese name alone is said to stand on English pages
    upper = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "ingest",
                            str(DATA / "announcement-2026-1.txt"), "--publication", "北京市人民政府网站",
                            "--url", "HTTPS://WWW.BEIJING.GOV.CN/"], capture_output=True, text=True, cwd=ROOT)
    assert upper.returncode == 0, upper.stderr
    assert "note: no --publication-en given: English pages name the publication 北京市人民政府网站" in upper.stdout


def test_the_editors_provenance_and_an_odd_file_name_survive_an_ingest(tmp_path):
    """Ingest adds its entry after what the editors wrote in provenance.yaml (their comments, inside entries
    too, and their order stay; it rewrote the file sorted, without them), and a file name that is not UTF-8 (a
    GBK name from a Windows zip) is recorded with its bytes written out: it was written as lone surrogates,
    and every later command failed on a provenance.yaml it could not read."""
    proj = make_project(tmp_path)
    prov = proj / "content/sources/provenance.yaml"
    before = prov.read_text("utf-8")
    assert "  # true properties of this copy" in before  # an editor's comment inside an entry
    name = os.fsdecode("公告.txt".encode("gbk"))  # the bytes of a GBK name, as Linux gives them to Python
    odd = tmp_path / name
    odd.write_bytes((DATA / "circular-simplified.txt").read_bytes())
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "ingest", str(odd)],
                       capture_output=True, encoding="utf-8", errors="replace", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    after = prov.read_text("utf-8")
    assert after.startswith(before.rstrip("\n") + "\n2026-circular-jingzhengbanfa-2026-12.txt:\n"), after[-600:]
    assert "origin: \\xb9\\xab\\xb8\\xe6.txt" in after
    check = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True,
                           text=True, cwd=ROOT)
    assert check.returncode == 0, check.stderr


def test_commands_that_write_content_run_one_at_a_time(tmp_path):
    """Two ingests at once each wrote provenance.yaml as it was before the other's entry: both said 'filed',
    and one entry was lost (a hostile-input sweep). While one ingest, i18n or new-note holds the project's
    lock, another stops at once, changing nothing, and says why; once it is free, they run."""
    import fcntl

    proj = make_project(tmp_path)
    before = snapshot(proj)
    lock = proj / ".cache" / "content.lock"
    lock.parent.mkdir(exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, b"4242\n")
        runs = [ingest(proj, "circular-simplified.txt")] + [
            subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), *args], capture_output=True,
                           text=True, cwd=ROOT) for args in (["i18n"], ["new-note", "--ref", "task/2026/20"])]
    finally:
        os.close(fd)
    for r, command in zip(runs, ("ingest", "i18n", "new-note")):
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert ("content/: another command (process 4242) is writing into content/; nothing was changed (expected "
                f"one ingest, i18n or new-note at a time: wait for it to finish, then run {command} again)") in r.stderr
    assert snapshot(proj) == before
    assert ingest(proj, "circular-simplified.txt").returncode == 0  # free again


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


def ingest_file(proj: Path, path: Path, *extra: str):
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "ingest", *extra, str(path)],
                          capture_output=True, text=True, cwd=ROOT)


def test_gazette_document_missing_from_the_table_of_contents_is_refused(tmp_path):
    """An extra document (title, number line, signature and date) inside the issue but not in its
    table of contents is refused, not read as paragraphs of the document before it."""
    proj = make_project(tmp_path)
    before = snapshot(proj)
    name = "bad-gazette-extra-document.txt"
    r = ingest(proj, name)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert (f"{DATA / name}:81: document 京政发〔2026〕9号 is not in the table of contents "
            "(title '北京市人民政府关于加强2026年春季森林防火工作的通知' at line 79, signature and date at line 93); "
            "it would be read as text of 京政发〔2026〕3号") in r.stderr
    assert "expected an entry '… (京政发〔2026〕9号) (page)' for it in 目录 and CONTENTS" in r.stderr
    assert "1 documents" not in r.stdout
    # the same extra document before the first listed one
    text = (DATA / "gazette-2026-13.txt").read_text("utf-8")
    extra = (DATA / name).read_text("utf-8")[len(text.rstrip("\n")) + 1:]
    first = "北京市人民政府关于印发《北京市2026年春季植树造林工作方案》的通知\n\n京政发〔2026〕3号"
    i = text.index(first, text.index("(The Table of Contents"))
    bad = tmp_path / "extra-first.txt"
    bad.write_text(text[:i] + extra.strip("\n") + "\n\n" + text[i:], "utf-8")
    r = ingest_file(proj, bad)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "document 京政发〔2026〕9号 is not in the table of contents" in r.stderr
    assert "it comes before the first document the table of contents lists" in r.stderr
    assert snapshot(proj) == before


def test_two_documents_of_one_issue_under_one_number_are_refused(tmp_path):
    """A gazette issue listing two different documents under one number (a misprint) was filed with exit 0: the
    second became 'only in this publication' passages of the first, and its title was on no page (a hostile-input
    review). Two sources with one number were already refused; one source with two documents now is too."""
    proj = make_project(tmp_path)
    before = snapshot(proj)
    text = (DATA / "gazette-2026-13.txt").read_text("utf-8")
    text = text.replace("(京政发〔2026〕3号) (3)\n", "(京政发〔2026〕3号) (3)\n\n北京市人民政府关于做好防汛工作的通知\n"
                        "(京政发〔2026〕3号) (5)\n", 1)
    text = text.replace("(Jingzhengfa[2026]No. 3) (3)\n", "(Jingzhengfa[2026]No. 3) (3)\n\nCircular on Flood Control\n"
                        "(Jingzhengfa[2026]No. 3) (5)\n", 1)
    text = text.rstrip("\n") + ("\n\n北京市人民政府关于做好防汛工作的通知\n\n京政发〔2026〕3号\n\n各区人民政府：\n\n"
                                 "请做好汛期防汛工作，确保安全度汛。\n\n北京市人民政府\n\n2026年3月26日\n")
    bad = tmp_path / "two-under-one-number.txt"
    bad.write_text(text, "utf-8")
    r = ingest_file(proj, bad)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    line = text.split("\n").index("北京市人民政府关于做好防汛工作的通知", 60) + 1  # the second document's title
    assert (f"{bad}:{line}: 京政发〔2026〕3号 is the number of two documents of this source, here and at line ") in r.stderr
    assert "one of them would vanish from the site" in r.stderr
    assert snapshot(proj) == before


def test_circular_of_another_body_and_year_with_its_footer(tmp_path):
    """A 2027 市教委 circular: number, issuer, date, title, body; its 版记 (抄送, …印发) is footer
    metadata, not an attachment title."""
    from generator.build import build, load_all

    proj = make_project(tmp_path)
    r = ingest(proj, "circular-2027-jiaowei.txt")
    assert r.returncode == 0, r.stderr
    assert "circular -> content/sources/2027-circular-jingjiaojiyi-2027-3.txt" in r.stdout
    assert "new document 京教基一〔2027〕3号: 北京市教育委员会关于做好2027年义务教育阶段入学工作的通知" in r.stdout
    doc = load_all(proj)[2].documents["doc:京教基一〔2027〕3号"]
    assert (doc.number, doc.year, doc.date) == ("京教基一〔2027〕3号", 2027, "2027-03-15")
    assert doc.title == "北京市教育委员会关于做好2027年义务教育阶段入学工作的通知" and doc.kind == "circular"
    assert doc.issuers == ["北京市教育委员会"] and doc.addressees == ["各区教委", "燕山地区教委", "各直属单位"]
    assert doc.attachment_title == ""
    assert not [b for b in doc.blocks if b.kind in ("title", "heading") and b.level >= 2]
    assert [b.kind for b in doc.blocks] == ["title", "number", "addressee", "para", "para", "para", "para",
                                            "signature", "date", "note", "footer", "footer"]
    assert doc.blocks[-2].text == "抄送：市政府办公厅，教育部基础教育司。" and doc.blocks[-2].line == 21
    assert doc.meta["cc"] == ["市政府办公厅", "教育部基础教育司"]
    assert (doc.meta["printed_by"], doc.meta["printed_date"]) == ("北京市教育委员会办公室", "2027-03-16")
    out = tmp_path / "out"
    build(proj, out, search=False)
    page = (out / "zh" / "doc" / "jingjiaojiyi-2027-3" / "index.html").read_text("utf-8")
    assert '<p class="blk blk-footer">抄送：市政府办公厅，教育部基础教育司。' in page
    assert "blk-title-2" not in page
    assert (out / "en" / "doc" / "jingjiaojiyi-2027-3" / "index.html").is_file()


def test_circular_in_the_letterhead_layout(tmp_path):
    """The official layout: 北京市教育委员会文件, the number, then the title and the addressees."""
    from generator.build import load_all

    proj = make_project(tmp_path)
    r = ingest(proj, "circular-2027-letterhead.txt")
    assert r.returncode == 0, r.stderr
    assert "new document 京教基一〔2027〕5号: 北京市教育委员会关于加强2027年中小学校暑期安全工作的通知" in r.stdout
    doc = load_all(proj)[2].documents["doc:京教基一〔2027〕5号"]
    assert doc.title == "北京市教育委员会关于加强2027年中小学校暑期安全工作的通知"
    assert doc.issuers == ["北京市教育委员会"] and doc.date == "2027-06-20"
    assert doc.addressees == ["各区教委", "燕山地区教委", "各直属单位"]
    assert [(b.kind, b.line) for b in doc.blocks[:5]] == [("issuer", 1), ("number", 3), ("title", 5),
                                                          ("addressee", 7), ("para", 9)]
    assert doc.meta["cc"] == ["市政府办公厅", "市公安局", "市应急局"] and doc.meta["printed_date"] == "2027-06-21"


def test_traditional_script_circular_with_footer(tmp_path):
    """A Traditional-script copy of the 2027 circular: converted for matching, original kept, 版記 read."""
    from generator.normalize import to_traditional
    from generator.sources import parse_source, read_source

    text = to_traditional((DATA / "circular-2027-jiaowei.txt").read_text("utf-8"))
    assert "印發" in text and "教育委員會" in text
    f = tmp_path / "trad.txt"
    f.write_text(text, "utf-8")
    src = read_source(f, tmp_path)
    res = parse_source(src, {})
    assert res["errors"] == []
    (doc, _), = res["payload"].documents
    assert doc.id == "doc:京教基一〔2027〕3号" and doc.original_script == "traditional"
    assert doc.meta["printed_by"] == "北京市教育委员会办公室" and doc.meta["cc"] == ["市政府办公厅", "教育部基础教育司"]
    assert [b.kind for b in doc.blocks[-2:]] == ["footer", "footer"] and doc.blocks[-1].original.endswith("印發")


def test_run_together_footer_is_refused(tmp_path):
    proj = make_project(tmp_path)
    text = (DATA / "circular-2027-jiaowei.txt").read_text("utf-8")
    bad = tmp_path / "bad-footer.txt"
    bad.write_text(text.replace("抄送：市政府办公厅，教育部基础教育司。\n\n", "抄送：市政府办公厅，教育部基础教育司，北京市各区教育委员会\n"), "utf-8")
    r = ingest_file(proj, bad)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{bad}:21: the 抄送 line and the …印发 line of the 版记 run together" in r.stderr


def test_document_numbers_are_normalised_in_ids(tmp_path):
    """京政办发[2026]20号 has the id doc:京政办发〔2026〕20号 (which references use); the text keeps the printed form."""
    from generator.build import load_all

    proj = make_project(tmp_path)
    r = ingest(proj, "circular-halfwidth-number.txt")
    assert r.returncode == 0, r.stderr
    assert "circular -> content/sources/2026-circular-jingzhengbanfa-2026-20.txt" in r.stdout
    assert "new document 京政办发〔2026〕20号:" in r.stdout
    note = proj / "content" / "notes" / "2026-05-09-doc-jingzhengbanfa-2026-20-zh.md"
    note.write_text('---\ntitle: "防汛通知"\nlang: zh\ndate: 2026-05-09\nauthor: 编辑部\n'
                    'refs: ["doc:京政办发〔2026〕20号"]\n---\n\n见[[doc:京政办发〔2026〕20号]]。\n', "utf-8")
    corpus = load_all(proj)[2]
    assert not [d for d in corpus.documents if "[" in d]
    doc = corpus.documents["doc:京政办发〔2026〕20号"]
    assert doc.number == "京政办发〔2026〕20号" and doc.slug == "jingzhengbanfa-2026-20"
    assert next(b.text for b in doc.blocks if b.kind == "number") == "京政办发[2026]20号"
    assert doc.meta["number_printed"] == "京政办发[2026]20号"
    assert any(n.refs == ["doc:京政办发〔2026〕20号"] for n in corpus.notes)
    # a gazette whose table of contents prints 〔〕 and whose body prints [] (or ［］)
    gz = (DATA / "gazette-2026-13.txt").read_text("utf-8")
    head, body = gz.split("(The Table of Contents", 1)
    for printed in ("京政发[2026]3号", "京政发［2026］3号"):
        f = tmp_path / "gz.txt"
        f.write_text(head + "(The Table of Contents" + body.replace("京政发〔2026〕3号", printed), "utf-8")
        r = ingest_file(proj, f, "--dry-run")
        assert r.returncode == 0, r.stderr
        assert "new document 京政发〔2026〕3号:" in r.stdout and "1 documents" in r.stdout


def test_an_announcement_and_a_regulation_are_read(tmp_path):
    """Layouts refused before the kinds registry: an announcement numbered 2026年第1号 (no 发文字号) and a
    regulation made of chapters and articles are filed and read with their structure."""
    proj = make_project(tmp_path)
    r = ingest(proj, "announcement-2026-1.txt")
    assert r.returncode == 0, r.stderr
    assert "announcement -> content/sources/2026-announcement-ren-min-zheng-fu-1.txt" in r.stdout
    r = ingest(proj, "regulation-garbage.txt")
    assert r.returncode == 0, r.stderr
    assert "rules -> content/sources/2011-rules-sheng-huo-la-ji-guan-li-tiao-li.txt" in r.stdout
    from generator.build import load_all

    corpus = load_all(proj)[2]
    a = corpus.documents["announcement/ren-min-zheng-fu/2026/1"]
    assert a.number == "北京市人民政府公告2026年第1号" and a.kind == "announcement"
    assert [p.anchor for p in a.provisions] == ["part-1", "part-2"]
    rule = corpus.documents["rule/2011/sheng-huo-la-ji-guan-li-tiao-li"]
    assert rule.kind == "rules" and rule.title == "北京市生活垃圾管理条例"
    assert [h.action for h in rule.history][:2] == ["通过", "修正"]
    assert rule.provisions[0].anchor == "chapter-1" and rule.provisions[0].children[0].anchor == "article-1"


def test_replace_or_copy_for_a_new_document_is_refused(tmp_path):
    """--copy or --replace says the file is about documents already filed; for a new one the flag was ignored
    without a word (a hostile-input sweep). It is refused, nothing filed."""
    proj = make_project(tmp_path)
    before = snapshot(proj)
    for flag in ("--copy", "--replace"):
        r = ingest_file(proj, DATA / "circular-simplified.txt", flag)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert (f"{flag} was given, but no document of this file is in the archive yet; nothing was filed "
                f"(expected {flag} only for a document already filed; without it for a new one)") in r.stderr
    assert snapshot(proj) == before


def test_a_text_of_no_known_kind_is_refused(tmp_path):
    proj = make_project(tmp_path)
    before = snapshot(proj)
    r = ingest(proj, "bad-unknown.txt")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "unknown document kind (expected one of: gazette issue" in r.stderr
    assert snapshot(proj) == before


def test_corrected_copy_of_the_task_list_reports_changed_tasks(tmp_path):
    """A corrected web copy of 京政发〔2026〕1号: ingest names the tasks whose text or lead units changed."""
    proj = make_project(tmp_path)
    text = (ROOT / "content" / "sources" / "2026-task-list-excerpt.txt").read_text("utf-8")
    assert text.count("优化提升应寺、永乐等进京检查站") == 2
    text = text.replace("优化提升应寺、永乐等进京检查站", "优化提升应寺、永乐、采育等进京检查站")
    i = text.index("\n21.")
    j = text.index("主责单位", i)
    k = text.index("\n", j)
    text = text[:j] + text[j:k].rstrip() + ",通州区政府" + text[k:]  # task 21 gains a lead unit (first copy)
    corrected = tmp_path / "task-list-corrected.txt"
    corrected.write_text(text, "utf-8")
    before = snapshot(proj)
    r = ingest_file(proj, corrected)  # a different text under a number already filed: the editor must say what it is
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert (f"{corrected}:1: 京政发〔2026〕1号 is already in the archive (content/sources/2026-gazette-12.txt:103) "
            "with different text: ") in r.stderr
    assert "to replace the filed text use --replace, to file this as another publication" in r.stderr
    assert snapshot(proj) == before
    r = ingest_file(proj, corrected, "--copy")
    assert r.returncode == 0, r.stderr
    assert "copy_of: 2026-gazette-12.txt" in (proj / "content/sources/provenance.yaml").read_text("utf-8")
    assert "tasklist -> content/sources/2026-tasklist-jingzhengfa-2026-1.txt" in r.stdout
    assert "  tasklist/2026: 2 changed tasks: 20, 21\n" in r.stdout
    assert "new task" not in r.stdout
    assert "tasklist/2026: the canonical text stays that of content/sources/2026-gazette-12.txt" in r.stdout


def test_two_circulars_in_one_file_are_refused(tmp_path):
    """The second circular of a file is not read as the first one's attachment."""
    proj = make_project(tmp_path)
    two = tmp_path / "two.txt"
    two.write_text((DATA / "circular-simplified.txt").read_text("utf-8")
                   + (DATA / "circular-halfwidth-number.txt").read_text("utf-8"), "utf-8")
    r = ingest_file(proj, two)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert (f"{two}:22: a second document, 京政办发〔2026〕20号 (title '北京市人民政府办公厅关于做好2026年防汛工作的通知' "
            "at line 20, signature and date at line 34), follows 京政办发〔2026〕12号 in the same file") in r.stderr


def test_a_second_text_under_a_filed_number_is_refused_or_replaced_on_request(tmp_path):
    """Two different circulars numbered 京政办发〔2026〕12号: the second is refused, naming both files and the first
    difference; with --replace it takes the place of the first, whose text is kept under replaced/."""
    proj = make_project(tmp_path)
    assert ingest(proj, "circular-simplified.txt").returncode == 0
    filed = proj / "content/sources/2026-circular-jingzhengbanfa-2026-12.txt"
    first = filed.read_bytes()
    second = tmp_path / "circular-corrected.txt"
    second.write_text((DATA / "circular-simplified.txt").read_text("utf-8").replace(
        "清明节期间安全工作", "清明节和劳动节期间安全工作"), "utf-8")
    before = snapshot(proj)
    r = ingest_file(proj, second)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert (f"{second}:1: 京政办发〔2026〕12号 is already in the archive "
            "(content/sources/2026-circular-jingzhengbanfa-2026-12.txt:1) with different text: 1 paragraph differs; first: this file (line 1) has "
            "'…关于做好2026年清明节和劳动节期间安全工作的通知' where "
            "content/sources/2026-circular-jingzhengbanfa-2026-12.txt:1 has '…关于做好2026年清明节期间安全工作的通知'"
            ) in r.stderr
    # a paragraph that differs late is quoted around the difference (both were its same first 40 characters)
    late = tmp_path / "circular-late.txt"
    text = (DATA / "circular-simplified.txt").read_text("utf-8")
    assert text.count("增加公交运力") == 1
    late.write_text(text.replace("增加公交运力", "增加地铁运力"), "utf-8")
    r = ingest_file(proj, late)
    assert r.returncode == 1 and "交通疏导，增加地铁运力，" in r.stderr and "交通疏导，增加公交运力，" in r.stderr, \
        r.stderr
    assert snapshot(proj) == before
    # an editor's comment on the filed text's entry, and the order of the file: --replace rewrote provenance.yaml
    # sorted, without the comments inside entries (a hostile-input review)
    prov_file = proj / "content/sources/provenance.yaml"
    edited = prov_file.read_text("utf-8").replace("2026-circular-jingzhengbanfa-2026-12.txt:\n",
                                                  "2026-circular-jingzhengbanfa-2026-12.txt:  # batch 7\n  # checked "
                                                  "against the PDF by an editor\n", 1)
    assert "# checked against the PDF" in edited
    prov_file.write_text(edited, "utf-8")
    head = edited[:edited.index("2026-circular-jingzhengbanfa-2026-12.txt:")]  # a comment after the key too
    r = ingest_file(proj, second, "--replace")
    assert r.returncode == 0, r.stderr
    kept = list((proj / "content/sources/replaced").glob("*-2026-circular-jingzhengbanfa-2026-12.txt"))
    assert len(kept) == 1 and kept[0].read_bytes() == first  # the replaced text stays recoverable
    assert filed.read_bytes() == second.read_bytes()
    prov = (proj / "content/sources/provenance.yaml").read_text("utf-8")
    assert f"replaced/{kept[0].name}:" in prov and "replaced_by: 2026-circular-jingzhengbanfa-2026-12.txt" in prov
    # everything before the replaced entry as the editors left it, their comment kept where the entry stood,
    # and the new entry last
    assert prov.startswith(head + "  # batch 7\n  # checked against the PDF by an editor\n"
                           f"replaced/{kept[0].name}:\n"), prov
    assert prov.rstrip("\n").split("\n")[-6:][0] == "2026-circular-jingzhengbanfa-2026-12.txt:", prov[-400:]
    from generator.build import load_all

    doc = load_all(proj)[2].documents["doc:京政办发〔2026〕12号"]
    assert doc.title == "北京市人民政府办公厅关于做好2026年清明节和劳动节期间安全工作的通知"


def test_replace_refuses_to_replace_a_gazette_issue_for_one_of_its_documents(tmp_path):
    proj = make_project(tmp_path)
    text = (ROOT / "content/sources/2026-task-list-excerpt.txt").read_text("utf-8").replace(
        "优化提升应寺、永乐等进京检查站", "优化提升应寺、永乐、采育等进京检查站")
    f = tmp_path / "corrected.txt"
    f.write_text(text, "utf-8")
    before = snapshot(proj)
    r = ingest_file(proj, f, "--replace")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "--replace would replace content/sources/2026-gazette-12.txt, which also carries 京商函字〔2026〕125号" in r.stderr
    assert snapshot(proj) == before


def test_two_sources_with_one_number_fail_the_build_unless_declared_copies(tmp_path):
    proj = make_project(tmp_path)
    src = proj / "content/sources"
    (src / "zz-web-copy.txt").write_bytes((src / "2026-task-list-excerpt.txt").read_bytes())
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert ("content/sources/zz-web-copy.txt:1: document 京政发〔2026〕1号 is also in content/sources/2026-gazette-12.txt:103"
            in r.stderr)
    assert "(zz-web-copy.txt: {copy_of: 2026-gazette-12.txt})" in r.stderr
    prov = src / "provenance.yaml"
    prov.write_text(prov.read_text("utf-8") + "zz-web-copy.txt:\n  copy_of: 2026-gazette-12.txt\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


TRADITIONAL_ANNEXES = """北京市人民政府辦公廳關於公布2026年北京市
古樹名木保護名錄的通知

京政辦發〔2026〕41號

各區人民政府，市政府各委、辦、局：

經市政府同意，現將2026年北京市古樹名木保護名錄予以公布，請認真做好養護管理。

附件：2026年北京市古樹名木保護名錄

北京市人民政府辦公廳

2026年10月9日

（此件公開發布）

附件

2026年北京市古樹名木保護名錄

序號	樹種	樹齡	所在區
1	側柏	八百年	東城區
2	國槐	六百年	豐台區

養護責任單位應當建立檔案，定期巡查。

北京市園林綠化局

2026年10月8日
"""


def test_traditional_attachment_with_a_table_and_its_own_signature(tmp_path):
    """A Traditional-script circular whose attachment has a table of several rows and ends with its issuer and
    date was refused by the no-loss check: the merged table kept only its first row's original, and the
    attachment's signature and date were made without theirs. Every such block keeps the text as written, the
    table's cells are Simplified like its text, and the page shows the Traditional rows under the table."""
    from generator.build import build, load_all

    proj = make_project(tmp_path)
    f = tmp_path / "annex-trad.txt"
    f.write_text(TRADITIONAL_ANNEXES, "utf-8")
    r = ingest_file(proj, f)
    assert r.returncode == 0, r.stderr
    doc = load_all(proj)[2].documents["doc:京政办发〔2026〕41号"]
    assert doc.original_script == "traditional"
    table, = [b for b in doc.blocks if b.kind == "table"]
    assert table.rows == [["序号", "树种", "树龄", "所在区"], ["1", "侧柏", "八百年", "东城区"],
                          ["2", "国槐", "六百年", "丰台区"]]
    assert table.text == "\n".join("\t".join(r) for r in table.rows)
    assert table.original == "序號\t樹種\t樹齡\t所在區\n1\t側柏\t八百年\t東城區\n2\t國槐\t六百年\t豐台區"
    sig, date = doc.blocks[-2:]
    assert (sig.kind, sig.text, sig.original) == ("signature", "北京市园林绿化局", "北京市園林綠化局")
    assert (date.kind, date.original) == ("date", "2026年10月8日")
    out = tmp_path / "out"
    build(proj, out, search=False)
    page = (out / "zh" / "doc" / "jingzhengbanfa-2026-41" / "index.html").read_text("utf-8")
    assert "北京市园林绿化局<span class=\"original\" lang=\"zh-TW\"><span class=\"label\">繁体原文：</span>" \
           "北京市園林綠化局</span>" in page
    assert "</table></div><p class=\"original\" lang=\"zh-TW\"><span class=\"label\">繁体原文：</span>" \
           "序號　樹種　樹齡　所在區<br>1　側柏　八百年　東城區<br>2　國槐　六百年　豐台區</p>" in page


TRADITIONAL_GAZETTE = """北京市人民政府公報

2026

第 30 期 (總第 954 期)

GAZETTE OF THE PEOPLE'S
GOVERNMENT OF BEIJING MUNICIPALITY

北京市人民政府公報

BEIJINGSHI RENMIN ZHENGFU GONGBAO

2026年10月16日 第30期 北京市人民政府辦公廳主辦

目 錄

【市政府辦公廳文件】

北京市人民政府辦公廳關於做好2026年冬季供暖
保障工作的通知
(京政辦發〔2026〕52號) (3)

GAZETTE OF THE PEOPLES GOVERNMENT OF BEIJING MUNICIPALITY

October 16, 2026

Issue No. 30

Sponsored by the General Office of the People's Government of Beijing Municipality

CONTENTS

【Documents of the General Office of Beijing Municipal Government】

Circular of the General Office of Beijing Municipal Government on
Ensuring Heating Supply in the Winter of 2026
(Jingzhengbanfa[2026]No. 52) (3)

(The Table of Contents is prepared in both Chinese and English, with
the Chinese version being official.)

北京市人民政府辦公廳關於做好2026年冬季供暖保障工作的通知

京政辦發〔2026〕52號

各區人民政府，市政府各委、辦、局：

爲確保全市居民溫暖過冬，現就做好2026年冬季供暖保障工作通知如下。

北京市人民政府公報

一、各區要在11月15日前完成供熱設施檢修，儲備足量燃料。

二、供熱單位要設立服務熱線，及時處理居民報修。

北京市人民政府辦公廳

2026年10月10日

（此件公開發布）
"""


def test_a_task_list_in_traditional_script_is_read(tmp_path):
    """The seed gazette issue in Traditional script: its circular's attachment, the 308-task list (主責單位 lines),
    was not recognised (the task list's reader matched the script as written), so 京政发〔2026〕1号 lost its list.
    It is read in Simplified as the seed's list is (the same tasks, sections and lead units), each block keeping
    its line as written."""
    from generator.normalize import to_traditional
    from generator.sources import parse_source, read_source

    seed = (ROOT / "content" / "sources" / "2026-gazette-12.txt").read_text("utf-8")
    lists = {}
    for name, text in (("simp.txt", seed), ("trad.txt", to_traditional(seed))):
        (tmp_path / name).write_text(text, "utf-8")
        res = parse_source(read_source(tmp_path / name, tmp_path), {})
        assert res["errors"] == [], res["errors"]
        lists[name] = next(tl for _, tl in res["payload"].documents if tl is not None)
    simp, trad = lists["simp.txt"], lists["trad.txt"]
    assert (trad.id, len(trad.tasks)) == ("tasklist/2026", 308)
    assert [(t.number, t.units_raw, t.section, t.subsection) for t in trad.tasks.values()] == \
        [(t.number, t.units_raw, t.section, t.subsection) for t in simp.tasks.values()]
    # the seed writes 中小學生 in one task: the Traditional copy read back is all Simplified
    assert sum(a.text != b.text for a, b in zip(trad.tasks.values(), simp.tasks.values())) == 1
    # nothing lost (parse_source's coverage check found every character of the source in a block)
    # the web copy of the list alone (two copies of the circular, tasks 1–64), in Traditional script: it was taken
    # for a plain circular (its kind detected in the script as written), then refused with 77 errors
    from generator import kinds

    excerpt = to_traditional((ROOT / "content" / "sources" / "2026-task-list-excerpt.txt").read_text("utf-8"))
    assert kinds.detect(excerpt).name == "tasklist"
    (tmp_path / "excerpt.txt").write_text(excerpt, "utf-8")
    res = parse_source(read_source(tmp_path / "excerpt.txt", tmp_path), {})
    assert res["errors"] == [], res["errors"][:3]
    assert [len(tl.tasks) for _, tl in res["payload"].documents] == [64, 64]


def test_a_traditional_task_list_shows_its_lines_as_written(tmp_path):
    """The seed gazette issue in Traditional script was read right, and its task list's blocks kept their lines as
    written, but no page showed them: the task, lead-units and heading blocks printed no 繁体原文 as the other
    blocks do, and neither did a task's own page nor the list's section pages. Each shows the line as written
    now, by the same mark as every other block. A livelihood list in Simplified script showed its own text as
    繁体原文 on its project and item pages: it shows none now."""
    from generator.build import build
    from generator.normalize import normalize_text, to_simplified, to_traditional

    proj = make_project(tmp_path)
    src = proj / "content" / "sources"
    trad = to_traditional((src / "2026-gazette-12.txt").read_text("utf-8"))
    (src / "2026-gazette-12.txt").write_text(trad, "utf-8")
    ll = src / "2026-livelihood-projects.txt"
    ll.write_text(to_simplified(ll.read_text("utf-8")), "utf-8")
    out = tmp_path / "site"
    build(proj, out, search=False)

    def page(url):
        return (out / url.strip("/") / "index.html").read_text("utf-8")

    task = "持續推動鐵路沿線環境整治，打造“進京最美第一印象”，改善旅客出行體驗。"
    units = "主責單位：市平安鐵路專項辦，市發展改革委，市規劃自然資源委，市城市管理委，市水務局，市農業農村局，市園林綠化局，市重點站區管委會"
    heading = "（二）接續實施疏解整治促提升"
    lines = trad.split("\n")
    for line in (f"11. {task}", units, heading):  # lines of the source, as written (and as the page prints them)
        assert line in lines and normalize_text(line) == line, line
    zh_units = to_simplified(units)

    def mark(text, tag="span", label="繁体原文："):
        return f'<{tag} class="original" lang="zh-TW"><span class="label">{label}</span>{text}</{tag}>'

    doc = page("/zh/doc/jingzhengfa-2026-1/")
    assert f'{to_simplified(task)}{mark(f"11. {task}")}</p>' in doc
    assert f'<p class="blk blk-units">{zh_units}{mark(units)}</p>' in doc
    assert f'>{to_simplified(heading)}</a></h4>{mark(heading, "p")}' in doc
    assert mark(heading, "p") in page("/zh/doc/jingzhengfa-2026-1/parallel/")
    assert mark(f"11. {task}", label="Original (Traditional script): ") in page("/en/doc/jingzhengfa-2026-1/")
    own = page("/zh/task/2026/11/")
    assert f'<p class="task-text">{to_simplified(task)}{mark(task)}</p>' in own
    assert f'</ul>\n{mark(units, "p")}' in own
    assert mark(task, label="Original (Traditional script): ") in page("/en/task/2026/11/")
    for url in ("/zh/tasklist/2026/1/", "/zh/tasklist/2026/1.2/"):  # the section's and the subsection's tasks in full
        listed = page(url)
        assert f"{to_simplified(task)}{mark(task)}" in listed and f"</span>{mark(units)}</li>" in listed, url
    # a livelihood list in Simplified script: its text is not shown again as an original
    for url in ("/zh/livelihood/2026/", "/zh/livelihood/2026/7/", "/zh/livelihood/2026/7.1/",
                "/zh/doc/jingzhengbanfa-2026-1/", "/en/livelihood/2026/7/"):
        assert 'class="original"' not in page(url), url


def test_traditional_gazette_issue(tmp_path):
    """A whole gazette issue in Traditional script (公報, 總第, 目 錄) was refused as an unknown kind: the gazette's
    detection, cover and table of contents were matched in Simplified only. It is read as its Simplified version
    is (the same documents, the same issue), its running header 北京市人民政府公報 inside the text dropped, and the
    lines as written kept as the blocks' originals."""
    import dataclasses

    from generator import kinds
    from generator.normalize import to_simplified
    from generator.sources import parse_source, read_source

    assert kinds.detect(TRADITIONAL_GAZETTE).name == "gazette"

    def parsed(name: str, text: str):
        (tmp_path / name).write_text(text, "utf-8")
        res = parse_source(read_source(tmp_path / name, tmp_path), {})
        assert res["errors"] == [], res["errors"]
        return res

    def plain(x):  # a document or issue without what only the script changes
        if dataclasses.is_dataclass(x):
            x = dataclasses.asdict(x)
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items() if k not in ("original", "original_script", "file")}
        return [plain(v) for v in x] if isinstance(x, list) else x

    trad, simp = parsed("trad.txt", TRADITIONAL_GAZETTE), parsed("simp.txt", to_simplified(TRADITIONAL_GAZETTE))
    (doc, _), = trad["payload"].documents
    assert doc.id == "doc:京政办发〔2026〕52号" and doc.original_script == "traditional" and doc.gazette == "gazette/2026/30"
    assert doc.title == "北京市人民政府办公厅关于做好2026年冬季供暖保障工作的通知"
    assert doc.blocks[0].original == "北京市人民政府辦公廳關於做好2026年冬季供暖保障工作的通知"
    assert [plain(d) for d, _ in trad["payload"].documents] == [plain(d) for d, _ in simp["payload"].documents]
    issue, = trad["payload"].items["gazettes"]
    assert plain(issue) == plain(simp["payload"].items["gazettes"][0])
    assert (issue.total_number, issue.sponsor) == (954, "北京市人民政府办公厅主办")
    assert (issue.front[0].text, issue.front[0].original) == ("北京市人民政府公报", "北京市人民政府公報")
    assert [(a.line, a.text) for a in trad["artefacts"]] == [(51, "北京市人民政府公報")]
    f = tmp_path / "gazette-trad.txt"
    f.write_text(TRADITIONAL_GAZETTE, "utf-8")
    r = ingest_file(make_project(tmp_path), f)
    assert r.returncode == 0, r.stderr
    assert "gazette 2026 issue 30 (总第954期), 2026-10-16, 1 documents" in r.stdout


def test_a_traditional_attachment_is_converted_once(tmp_path, monkeypatch):
    """A circular's attachment in Traditional script is converted to Simplified once, by the registry that finds
    its kind, which hands the paragraphs it converted to the kind's reader: the task list's reader converted every
    paragraph again, and every block's line a third time to learn whether it held Traditional characters. The
    list read is the same (308 tasks, every block that held Traditional characters keeping its line as written)."""
    from generator import kinds
    from generator.normalize import to_traditional
    from generator.sources import parse_source, read_source

    seen = []  # each attachment read: [its paragraphs, the texts converted while it was read]
    read_attachment = kinds.read_attachment

    def counted(doc, attachment, path, rep, convert=None):
        entry = [len(attachment), []]
        seen.append(entry)

        def convert_counted(text):
            entry[1].append(text)
            return convert(text)

        return read_attachment(doc, attachment, path, rep, convert=convert_counted if convert else None)

    monkeypatch.setattr(kinds, "read_attachment", counted)
    seed = (ROOT / "content" / "sources" / "2026-gazette-12.txt").read_text("utf-8")
    (tmp_path / "trad.txt").write_text(to_traditional(seed), "utf-8")
    res = parse_source(read_source(tmp_path / "trad.txt", tmp_path), {})
    assert res["errors"] == [], res["errors"][:3]
    paragraphs, calls = max(seen)  # the task list's attachment
    assert paragraphs > 300 and len(calls) == paragraphs
    assert all(len(c) == n for n, c in seen)  # the other attachments too: once each
    doc, tl = next((d, tl) for d, tl in res["payload"].documents if tl is not None)
    assert len(tl.tasks) == 308
    originals = [b for b in doc.blocks if b.original]
    assert len(originals) > 300
    assert any("主責單位" in b.original for b in originals)


def test_a_second_publication_of_a_single_document_is_filed_beside_it(tmp_path):
    """--copy files another publication of a filed document, as the refusal of a differing text says to do; for a
    document filed alone (a circular) it was refused again, because the copy's file name was the filed file's own
    ("… already exists with other content"), and so was the same text printed in the other script without any
    option. The copy is filed under a name of its own beside the filed one (…-copy.txt, then -copy-2), recorded as
    a copy of it; the filed file is untouched and stays canonical."""
    from generator.build import load_all
    from generator.normalize import to_traditional

    proj = make_project(tmp_path)
    original = (DATA / "circular-simplified.txt").read_text("utf-8")
    filed = proj / "content" / "sources" / "2026-circular-jingzhengbanfa-2026-12.txt"
    trad = tmp_path / "trad.txt"
    trad.write_text(to_traditional(original), "utf-8")
    r = ingest_file(proj, trad)
    assert r.returncode == 0, r.stderr
    assert filed.read_text("utf-8") == to_traditional(original)
    # the same text in Simplified: another publication of the same document, without an option
    r = ingest_file(proj, DATA / "circular-simplified.txt")
    assert r.returncode == 0, r.stderr
    assert "another publication of the document filed in content/sources/2026-circular-jingzhengbanfa-2026-12.txt, " \
           "with the same text" in r.stdout
    assert (filed.parent / "2026-circular-jingzhengbanfa-2026-12-copy.txt").read_text("utf-8") == original
    # a text that differs in one figure: refused without an option, then filed with --copy as the next copy
    varied = tmp_path / "varied.txt"
    varied.write_text(original.replace("加强林区巡查", "加强林区和陵园巡查"), "utf-8")
    assert ingest_file(proj, varied).returncode == 1
    r = ingest_file(proj, varied, "--copy")
    assert r.returncode == 0, r.stderr
    assert (filed.parent / "2026-circular-jingzhengbanfa-2026-12-copy-2.txt").read_text("utf-8") == \
        varied.read_text("utf-8")
    prov = (proj / "content" / "sources" / "provenance.yaml").read_text("utf-8")
    assert prov.count("copy_of: 2026-circular-jingzhengbanfa-2026-12.txt") == 2
    assert filed.read_text("utf-8") == to_traditional(original)
    corpus = load_all(proj)[2]
    doc = corpus.documents["doc:京政办发〔2026〕12号"]
    assert doc.origins[0].file.endswith("/2026-circular-jingzhengbanfa-2026-12.txt")
    # a third publication, with a variant of its own (a review): compared with the filed text, not with what the
    # other copies add to its page; the page shows each copy's variant, each credited to its own publication
    third = tmp_path / "third.txt"
    third.write_text(original.replace("增加公交运力", "增加公交和地铁运力"), "utf-8")
    r = ingest_file(proj, third, "--copy")
    assert r.returncode == 0, r.stderr
    assert "1 paragraph differs" in r.stdout and "陵园" not in r.stdout
    from generator.build import build

    site = tmp_path / "site"
    result = build(proj, site, search=False)
    html = (site / "zh/doc/jingzhengbanfa-2026-12/index.html").read_text("utf-8")
    assert "增加公交和地铁运力" in html and "加强林区和陵园巡查" in html
    only = [(w.file, w.message) for w in result.warnings if "jingzhengbanfa-2026-12" in w.file]
    assert sorted(f.rsplit("/", 1)[-1] for f, _ in only) == ["2026-circular-jingzhengbanfa-2026-12-copy-2.txt",
                                                            "2026-circular-jingzhengbanfa-2026-12-copy-3.txt"]
    assert any("陵园" in m for f, m in only if f.endswith("-copy-2.txt"))
    assert any("二、做好交通保障" in m for f, m in only if f.endswith("-copy-3.txt"))


def test_an_announcement_and_a_notice_with_one_number_are_two_documents(tmp_path):
    """北京市人民政府通告2026年第3号 and 北京市人民政府公告2026年第3号 are two documents in two number series, but
    both got the id announcement/ren-min-zheng-fu/2026/3: ingest refused the second as the first "with different
    text", and --replace would have destroyed the 通告. The genre is part of the identity: the 公告 keeps its id,
    the 通告 is notice/…; both are filed, built and cited, each at its own address."""
    proj = make_project(tmp_path)
    r = ingest(proj, "tonggao-2026-3.txt")
    assert r.returncode == 0, r.stderr
    assert "announcement -> content/sources/2026-notice-ren-min-zheng-fu-3.txt" in r.stdout
    assert "new document 北京市人民政府通告2026年第3号: 北京市人民政府关于在部分区域禁止燃放烟花爆竹的通告" in r.stdout
    filed = snapshot(proj)
    # the 公告 is not the 通告: --replace has nothing to replace, and the 通告 stays as filed
    r = ingest_file(proj, DATA / "announcement-2026-3.txt", "--replace")
    assert r.returncode == 1 and "--replace was given, but no document of this file is in the archive yet" in r.stderr
    assert snapshot(proj) == filed
    r = ingest(proj, "announcement-2026-3.txt")
    assert r.returncode == 0, r.stderr
    assert "announcement -> content/sources/2026-announcement-ren-min-zheng-fu-3.txt" in r.stdout
    assert "new document 北京市人民政府公告2026年第3号" in r.stdout
    r = ingest(proj, "circular-cites-tonggao-and-gonggao.txt")
    assert r.returncode == 0, r.stderr
    for name, data in (("2026-notice-ren-min-zheng-fu-3.txt", "tonggao-2026-3.txt"),
                       ("2026-announcement-ren-min-zheng-fu-3.txt", "announcement-2026-3.txt")):
        assert (proj / "content/sources" / name).read_bytes() == (DATA / data).read_bytes()
    from generator.build import build

    out = tmp_path / "site"
    result = build(proj, out, search=False)
    docs = result.corpus.documents
    assert docs["notice/ren-min-zheng-fu/2026/3"].number == "北京市人民政府通告2026年第3号"
    assert docs["announcement/ren-min-zheng-fu/2026/3"].number == "北京市人民政府公告2026年第3号"

    def page(url: str) -> str:
        return (out / url.strip("/") / "index.html").read_text("utf-8")

    tonggao, gonggao = page("/zh/notice/ren-min-zheng-fu/2026/3/"), page("/zh/announcement/ren-min-zheng-fu/2026/3/")
    assert "五环路以内（含五环路）区域为禁止燃放烟花爆竹区域。" in tonggao and "建筑施工作业" not in tonggao
    assert "全市范围内禁止产生环境噪声污染的建筑施工作业。" in gonggao and "烟花爆竹" not in gonggao
    issuer = "The People&#39;s Government of Beijing Municipality"  # each cited in English as its genre
    assert f"<h1>{issuer} Notice No. 3 of 2026</h1>" in page("/en/notice/ren-min-zheng-fu/2026/3/")
    assert f"<h1>{issuer} Announcement No. 3 of 2026</h1>" in page("/en/announcement/ren-min-zheng-fu/2026/3/")
    # a citation of each, in another document, links to that one
    cites = page("/zh/doc/jingzhengbanfa-2026-21/")
    assert '<a class="cite" href="/zh/notice/ren-min-zheng-fu/2026/3/">北京市人民政府通告2026年第3号</a>' in cites
    assert '<a class="cite" href="/zh/announcement/ren-min-zheng-fu/2026/3/">北京市人民政府公告2026年第3号</a>' in cites
