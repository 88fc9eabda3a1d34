"""Issue 4: a complete English edition, the Chinese authoritative."""
from __future__ import annotations

import json
import re
from pathlib import Path
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, make_project, read
from generator.i18n.romanize import number_slug, romanize_number, romanized_word


def test_romanisation_reproduces_the_gazette(corpus):
    g = corpus.gazettes["gazette/2026/12"]
    words = []
    for e in g.toc:
        ours = romanize_number(e.number_zh)
        assert romanized_word(ours) == romanized_word(e.number_en), (e.number_zh, e.number_en)
        assert re.fullmatch(r"[A-Z][a-z]+\[\d{4}\] No\. \d+", ours)  # one bracket style
        words.append(romanized_word(ours))
    assert words == ["Jingzhengfa", "Jingzhengbanfa", "Jingshangliutongzi", "Jingshanghanzi", "Jingshangdianshangzi",
                     "Jingshangxiaoyizi"]
    assert romanize_number("京政发〔2026〕1号") == "Jingzhengfa[2026] No. 1"
    assert romanize_number("京商流通字〔2026〕2 号") == "Jingshangliutongzi[2026] No. 2"
    assert romanize_number("京政辦發〔2026〕1號") == "Jingzhengbanfa[2026] No. 1"  # Traditional script too
    assert number_slug("京商消一字〔2026〕5号") == "jingshangxiaoyizi-2026-5"


def test_glossary_complete(corpus):
    gl = yaml.safe_load((ROOT / "content/glossary/headings.yaml").read_text("utf-8"))
    tl = corpus.tasklists["tasklist/2026"]
    for s in tl.sections:
        assert gl["tasklist"][str(s.number)]["en"]
        for ss in s.subsections:
            assert gl["tasklist"][f"{s.number}.{ss.number}"]["en"]
    rep = corpus.reports["report/2026"]
    numbers = [str(i) for i in range(1, len(rep.parts) + 1)]
    numbers += [f"{i}.{k}" for i, part in enumerate(rep.parts, 1) for k in range(1, len(part.sections) + 1)]
    assert "3.11" in numbers  # the closing section on the government's own work
    missing = [n for n in numbers if not (gl["report"].get(n) or {}).get("en")]
    assert not missing, f"report headings without English: {missing}"
    assert all(u.en for u in corpus.units.values())
    assert "terms" not in gl  # recurring terms are in the termbase (tests/test_termbase.py)
    units = yaml.safe_load((ROOT / "content/glossary/units.yaml").read_text("utf-8"))
    assert {d["slug"] for d in units["districts"]} >= {"daxing", "dongcheng", "xicheng", "tongzhou"}


def test_unit_without_english_name_fails_the_build(tmp_path):
    proj = make_project(tmp_path)
    text = (proj / "content/sources/2026-gazette-12.txt").read_text("utf-8")
    (proj / "content/sources/2026-gazette-12.txt").write_text(
        text.replace("主责单位:市规划自然资源委(首规委办)\n", "主责单位:市规划自然资源委(首规委办),市月球开发办\n", 1), "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 1
    assert ("content/sources/2026-gazette-12.txt:127: lead unit '市月球开发办' has no English name in "
            "content/glossary/units.yaml") in r.stderr


def test_a_department_is_found_and_shown_by_its_full_name(tmp_path, site):
    """The glossary named departments only as the task list abbreviates them (市交通委): a lead written as the
    department signs its documents (北京市交通委员会) had no English name and stopped the build, and search for the
    full name found nothing (a researcher's review). units.yaml's full: names it; the unit's page and units.json
    show it, and a lead written so is the same department."""
    from generator.build import load_all

    page = read(site, "/zh/unit/shi-jiao-tong-wei/")
    assert '<p class="full-name">全称：<span lang="zh-CN">北京市交通委员会</span></p>' in page
    assert 'Full name (Chinese): <span lang="zh-CN">北京市交通委员会</span>' in read(site, "/en/unit/shi-jiao-tong-wei/")
    units = {u["id"]: u for u in json.loads((site / "api/v1/units.json").read_text("utf-8"))}
    assert units["unit/shi-jiao-tong-wei"]["full_name"] == "北京市交通委员会"
    assert units["unit/daxing-qu-ti-yu-ju"]["full_name"] == "北京市大兴区体育局"
    proj = make_project(tmp_path)
    src = proj / "content/sources/2026-gazette-12.txt"
    text = src.read_text("utf-8")
    before = load_all(proj)[2]
    leads = [t.id for t in before.tasklists["tasklist/2026"].tasks.values() if "unit/shi-jiao-tong-wei" in t.units]
    src.write_text(text.replace(",市交通委,", ",北京市交通委员会,", 1), "utf-8")
    after = load_all(proj)[2]
    assert [t.id for t in after.tasklists["tasklist/2026"].tasks.values()
            if "unit/shi-jiao-tong-wei" in t.units] == leads
    assert after.units["unit/shi-jiao-tong-wei"].full == "北京市交通委员会"
    assert "北京市交通委员会" not in after.units["unit/shi-jiao-tong-wei"].aliases


def test_changed_source_marks_translation_stale(tmp_path):
    from generator.build import build

    proj = make_project(tmp_path)
    text = (proj / "content/sources/2026-gazette-12.txt").read_text("utf-8")
    assert "优化提升应寺、永乐等进京检查站。" in text
    (proj / "content/sources/2026-gazette-12.txt").write_text(
        text.replace("优化提升应寺、永乐等进京检查站。", "优化提升应寺、永乐、马驹桥等进京检查站。", 1), "utf-8")
    out = tmp_path / "out"
    result = build(proj, out, search=False)
    assert result.coverage["en"]["tasks"]["stale"] == 1
    en = (out / "en/task/2026/20/index.html").read_text("utf-8")
    assert "优化提升应寺、永乐、马驹桥等进京检查站" in en  # the Chinese is shown …
    assert "tr-stale" in en and "The Chinese source has changed" in en  # … with a visible notice
    assert "Promote integrated development of the commuting circle" not in en  # never the outdated English
    # the task text of a sibling is untouched
    assert "tr-stale" not in (out / "en/task/2026/21/index.html").read_text("utf-8")


def test_build_prints_translation_coverage(tmp_path):
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--no-search", "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    m = re.search(r"translation coverage \(en\): (\d+)/(\d+) segments", r.stdout)
    assert m and int(m.group(2)) > 850 and m.group(1) == m.group(2)  # 100 % on the seeds
    tasks = re.search(r"tasks\s+(\d+)/(\d+)", r.stdout)
    assert tasks and tasks.group(2) == "308"


def test_required_translations_present(corpus, loaded):
    tr = loaded[3]["en"]
    tl = corpus.tasklists["tasklist/2026"]
    missing = [n for n, t in tl.tasks.items() if not tr.get(t.id, t.text, "tasks").ok]
    assert not missing, f"tasks without an English translation: {missing[:20]}"
    ll = corpus.livelihood["livelihood/2026"]
    assert all(tr.get(it.id, it.text, "livelihood").ok for p in ll.projects for it in p.items)
    assert all(tr.get(f"{p.id}#name", p.name, "livelihood").ok for p in ll.projects)
    rows = corpus.progress["progress/2025/daxing"].rows
    assert all(tr.get(f"{r.id}#task", r.task, "progress").ok and tr.get(f"{r.id}#progress", r.progress, "progress").ok
               for r in rows)
    rep = corpus.reports["report/2026"]
    part3 = [b for s in rep.parts[2].sections for b in s.paragraphs] + rep.parts[2].paragraphs
    assert all(tr.get(f"{rep.id}#{b.key}", b.text, "report").ok for b in part3)
    for d in corpus.gazettes["gazette/2026/12"].documents:
        doc = corpus.documents[d]
        for b in doc.blocks:
            if b.kind in ("para", "heading", "footnote", "title", "addressee", "signature", "note") and not b.anchor \
                    and not b.only_in:
                assert tr.get(f"{doc.id}#{b.key}", b.text, "documents").ok, (doc.number, b.key, b.text[:30])


@pytest.mark.parametrize("url", ["/zh/task/2026/20/", "/en/livelihood/2026/7/", "/zh/report/2026/3.1/",
                                 "/en/progress/2025/daxing/4/", "/zh/doc/jingzhengfa-2026-1/", "/en/unit/shi-jiao-tong-wei/",
                                 "/zh/gazette/2026/12/", "/en/doc/jingzhengfa-2026-1/parallel/"])
def test_language_switch_goes_to_the_same_item(site, url):
    html = read(site, url)
    alt = re.search(r'<a class="lang-switch" href="([^"]+)"', html).group(1)
    assert alt == re.sub(r"^/(zh|en)/", lambda m: "/en/" if m.group(1) == "zh" else "/zh/", url)
    back = read(site, alt)
    assert re.search(r'<a class="lang-switch" href="([^"]+)"', back).group(1) == url
    assert f'hreflang="{"en" if url.startswith("/zh/") else "zh-CN"}"' in html


def test_english_dates_and_numbers(site):
    en = read(site, "/en/gazette/2026/12/")
    assert "27 March 2026" in en
    row = read(site, "/en/progress/2025/daxing/2/")
    assert "20,000" in row and "15,000" in row
    assert "31 December 2025" in row


def test_side_by_side_view(site, corpus):
    def rows(url):
        first = read(site, url)
        n = len(re.findall(r'<li>(?:<a href|<span aria-current)', first[first.find('class="parts"'):first.find('class="parallel"')])) \
            if 'class="parts"' in first else 1
        pages = [first] + [read(site, f"{url}{k}/") for k in range(2, n + 1)]
        return sum(p.count('class="parallel-row"') for p in pages), pages

    for d in corpus.documents.values():
        count, _ = rows(f"/en/doc/{d.slug}/parallel/")
        assert count == len(d.blocks), d.number
    count, pages = rows("/zh/doc/jingzhengfa-2026-1/parallel/")
    assert len(pages) >= 5  # the long task-list circular is split at its sections
    html = next(p for p in pages if 'id="task-2026-20"' in p)
    row = html[html.index('id="task-2026-20"') - 400:]
    assert "促进通勤圈一体发展" in row[:3000] and "Promote integrated development of the commuting circle" in row[:3000]
    count, _ = rows("/en/report/2026/parallel/")
    assert count == len(corpus.reports["report/2026"].blocks)


def test_english_catalogs_read_as_english():
    """English translations cite documents by their romanised numbers and write dates the
    way the site does (27 March 2026): no Chinese left inside an English string, no
    'March 27, 2026'."""
    import glob
    import re

    from babel.messages.pofile import read_po

    us_date = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                         r"December) \d{1,2}, \d{4}")
    bad = []
    entries = 0
    for f in sorted(glob.glob(str(ROOT / "content" / "translations" / "en" / "*.po"))):
        with open(f, "rb") as fh:
            for m in read_po(fh):
                if not m.id or not m.string:
                    continue
                entries += 1
                if re.search(r"[\u4e00-\u9fff]", m.string) or us_date.search(m.string):
                    bad.append((Path(f).name, m.context, m.string[:80]))
    assert entries >= 898  # the 37 lead phrases read from the headings glossary, not the catalogs
    assert not bad, bad


def test_untranslated_and_fuzzy_segments_show_the_chinese_with_a_notice(tmp_path):
    """An entry with no English shows the Chinese and says it is not translated yet; an entry a
    translator marked fuzzy (needs review) is not shown either: the Chinese, with the stale notice."""
    from babel.messages.pofile import read_po, write_po

    from generator.build import build

    proj = make_project(tmp_path)
    po = proj / "content/translations/en/tasks.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    next(m for m in cat if m.context == "task/2026/21").string = ""
    fuzzy = next(m for m in cat if m.context == "task/2026/22")
    fuzzy.flags.add("fuzzy")
    english_22 = fuzzy.string
    with po.open("wb") as fh:
        write_po(fh, cat)
    out = tmp_path / "out"
    result = build(proj, out, search=False)
    assert result.coverage["en"]["tasks"] == {"ok": 306, "stale": 1, "missing": 1, "total": 308}
    t21 = read(out, "/en/task/2026/21/")
    assert "tr-missing" in t21 and "This passage is not translated yet" in t21
    assert result.corpus.tasklists["tasklist/2026"].tasks[21].text[:12] in t21  # the Chinese, never a blank
    t22 = read(out, "/en/task/2026/22/")
    assert "tr-stale" in t22 and english_22[:40] not in t22
    assert "tr-" not in read(out, "/en/task/2026/23/").split("<main", 1)[1].split("</main>")[0]


def test_i18n_command_marks_changed_sources_fuzzy_and_keeps_review_marks(tmp_path):
    """`generator i18n` after a source change: the changed task's entry becomes fuzzy with its
    previous Chinese and keeps its English for the translator; an entry already marked fuzzy keeps
    both its English and its mark; every other entry is unchanged."""
    from babel.messages.pofile import read_po, write_po

    proj = make_project(tmp_path)
    src = proj / "content/sources/2026-gazette-12.txt"
    # task 126 is only in the gazette (the web excerpt holds tasks 1-64)
    src.write_text(src.read_text("utf-8").replace("推进北京经济技术开发区马驹桥、", "推进北京经济技术开发区马驹桥、亦庄、", 1),
                   "utf-8")
    po = proj / "content/translations/en/tasks.po"
    with po.open("rb") as fh:
        before = {m.context: (m.id, m.string) for m in read_po(fh) if m.context}
    with po.open("rb") as fh:
        cat = read_po(fh)
    next(m for m in cat if m.context == "task/2026/22").flags.add("fuzzy")
    with po.open("wb") as fh:
        write_po(fh, cat)
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    with po.open("rb") as fh:
        after = {m.context: m for m in read_po(fh) if m.context}
    t126, t22 = after["task/2026/126"], after["task/2026/22"]
    assert t126.fuzzy and "马驹桥、亦庄" in t126.id and t126.string == before["task/2026/126"][1]
    block = po.read_text("utf-8").split('msgctxt "task/2026/126"')[0].rsplit("\n\n", 1)[-1]
    previous = "".join(line for line in block.splitlines() if line.startswith("#|"))
    assert "马驹桥、顺义" in previous  # the previous Chinese, for the translator's diff
    assert t22.fuzzy and t22.string == before["task/2026/22"][1]
    same = [k for k, m in after.items() if k not in ("task/2026/126", "task/2026/22")
            and (m.fuzzy or (m.id, m.string) != before.get(k))]
    assert not same, same[:5]


def test_progress_table_side_by_side(site, corpus):
    """The district progress table, like every document, reads side by side: each of its 22 rows with
    every field in Chinese and in English, linked to the row's page in each language."""
    t = corpus.progress["progress/2025/daxing"]
    for lang in ("zh", "en"):
        html = read(site, f"/{lang}/progress/2025/daxing/parallel/")
        rows = re.findall(r'<div class="parallel-row" role="row" id="row-(\d+)">(.*?)</div>\n</div>', html, re.S)
        assert [int(n) for n, _ in rows] == list(range(1, 23))
        assert "132/132" in html  # 22 rows x 6 fields, all translated
        for row, (_, body) in zip(t.rows, rows):
            zh, en = body.split('<div class="parallel-en"', 1)
            assert row.task in zh and f'href="/zh/progress/2025/daxing/{row.number}/"' in zh
            assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<[^>]+>", "", en.split(">", 1)[1]))
            assert f'href="/en/progress/2025/daxing/{row.number}/"' in en
    assert "Make efforts to improve the elderly care service system" in read(site, "/zh/progress/2025/daxing/parallel/")


# ---------------------------------------------------------------- issue 19: keys, provenance, status

DOC5 = "doc:京商消一字〔2026〕5号"
HEAD5 = "一、支持方向、方式、条件和标准\n\n"
NEW5 = "本通知所称资金项目，是指使用市级商务发展资金支持的国际化消费环境建设项目。\n\n"


def _entries(proj):
    from generator.i18n.catalog import load_catalogs

    return load_catalogs(proj, "en").entries


def _run_i18n(proj):
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("edit", ["insert", "delete", "move"])
def test_keys_survive_inserting_deleting_and_moving_a_paragraph(tmp_path, edit):
    """Keys are positions, lookups are by text: one inserted paragraph gives exactly one new untranslated
    entry and no fuzzy one; a deleted or moved paragraph leaves every other translation in place; the
    English page of the changed document shows every other paragraph translated."""
    from generator.build import build

    proj = make_project(tmp_path)
    src = proj / "content/sources/2026-gazette-12.txt"
    text = src.read_text("utf-8")
    start = text.index("京商消一字〔2026〕5号\n")
    head, body = text[:start], text[start:]
    assert body.count(HEAD5) == 1
    if edit == "insert":
        body = body.replace(HEAD5, HEAD5 + NEW5, 1)
    elif edit == "delete":
        body = body.replace("2. 商圈（场所）内商户数量不低于 50 家。\n\n", "", 1)
    else:  # the preamble moves below the first heading
        pre = body[body.index("为贯彻落实《财政部"):body.index(HEAD5)]
        body = body.replace(pre + HEAD5, HEAD5 + pre, 1)
    src.write_text(head + body, "utf-8")
    before = {e.text for k, e in _entries(proj).items() if k.startswith(DOC5)}
    out = _run_i18n(proj)
    after = {k: e for k, e in _entries(proj).items() if k.startswith(DOC5)}
    untranslated = [k for k, e in after.items() if not e.text]
    fuzzy = [k for k, e in after.items() if e.fuzzy]
    assert not fuzzy, (out, fuzzy)
    assert len(untranslated) == (1 if edit == "insert" else 0), out
    if edit == "insert":
        assert after[untranslated[0]].zh == NEW5.strip()
    assert {e.text for e in after.values() if e.text} == before - ({"2. The number of merchants in the business district "
                                                                 "(venue) shall be no less than 50."} if edit == "delete" else set()) \
        or edit == "delete"
    po = (proj / "content/translations/en/documents.po").read_text("utf-8")
    assert "#, fuzzy" not in po
    result = build(proj, tmp_path / "out", search=False)
    assert result.coverage["en"]["documents"]["stale"] == 0
    assert result.coverage["en"]["documents"]["missing"] == (1 if edit == "insert" else 0)
    html = read(tmp_path / "out", "/en/doc/jingshangxiaoyizi-2026-5/")
    assert html.count("tr-missing") == (1 if edit == "insert" else 0) and "tr-stale" not in html


def test_batch_entries_that_land_nowhere_are_said_and_english_goes_only_to_english(tmp_path):
    """A livelihood batch's category "0" replaced the last category's title (a string key passed the number
    check, and [-1] is the last), a task or progress row that does not exist was ignored without a word, and an
    English batch imported with --lang fr filled the French catalogs with English (a hostile-input sweep)."""
    proj = make_project(tmp_path)
    before = (proj / "content/translations/en/livelihood.po").read_bytes()
    imp = tmp_path / "imp"
    imp.mkdir()
    (imp / "livelihood-x.yaml").write_text('livelihood:\n  "0": {title: Zero}\n', "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(imp)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "'0' is not a number (expected a number counted from 1)" in r.stderr, r.stderr
    assert (proj / "content/translations/en/livelihood.po").read_bytes() == before
    # an entry that lands on nothing was printed as "not matched", without its line, and the import went on with
    # exit 0 (a hostile-input review): now each is an error naming its file and line, and nothing is written
    (imp / "livelihood-x.yaml").write_text("progress:\n  999: {task: X}\n", "utf-8")
    (imp / "tasks-x.yaml").write_text("1: Task one.\n999: No such task.\n", "utf-8")
    (imp / "docs-x.yaml").write_text("2027:\n  - {zh: 北京, en: Beijing}\n京政发〔2026〕1号:\n  - {zh: 没有这一段, en: No such}\n",
                                     "utf-8")  # 2027: a key YAML reads as a number
    tasks_po = (proj / "content/translations/en/tasks.po").read_bytes()
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(imp)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{imp}/tasks-x.yaml:2: task 999: the 2026 task list has no such task (expected a task number of that " \
           "list (1–308))" in r.stderr
    assert f"{imp}/livelihood-x.yaml:2: row 999: progress/2025/daxing has no such row" in r.stderr
    assert f"{imp}/docs-x.yaml:2: 2027: the sources hold no such document" in r.stderr
    assert f"{imp}/docs-x.yaml:4: '没有这一段' is not the start of a passage of 京政发〔2026〕1号" in r.stderr
    assert (proj / "content/translations/en/tasks.po").read_bytes() == tasks_po
    # one task given twice (8 and 08 are one number), and a number where a sentence is expected
    for f in imp.iterdir():
        f.unlink()
    (imp / "tasks-x.yaml").write_text('8: "First"\n08: "Second"\n1: 5\n', "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(imp)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{imp}/tasks-x.yaml:2: task 8 is given twice, also as 8 at line 1 (expected each task once)" in r.stderr
    assert f"{imp}/tasks-x.yaml:3: '5' is not English words" in r.stderr
    assert (proj / "content/translations/en/tasks.po").read_bytes() == tasks_po
    (imp / "tasks-x.yaml").write_text("999: No such task.\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(imp),
                        "--lang", "zh"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1
    site = proj / "content/site.yaml"
    site.write_text(site.read_text("utf-8").replace("{code: en, hreflang: en, name: English}",
                                                    "{code: en, hreflang: en, name: English}, "
                                                    "{code: fr, hreflang: fr, name: Français}"), "utf-8")
    theme = proj / "themes/default/i18n"
    (theme / "fr.yaml").write_text((theme / "en.yaml").read_text("utf-8"), "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(imp),
                        "--lang", "fr"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "batches hold English; --lang fr would file it as the fr translation" in r.stderr, \
        r.stderr
    assert not (proj / "content/translations/fr").exists()


def test_an_entry_stays_in_the_catalog_file_it_is_in(tmp_path):
    """A translator's own catalog (en/custom.po) holding an entry moved out of tasks.po: `i18n` wrote the entry
    into tasks.po as well, and every later command refused the msgctxt found twice (a hostile-input sweep). An
    entry now stays in the file it is in."""
    proj = make_project(tmp_path)
    tasks = proj / "content/translations/en/tasks.po"
    text = tasks.read_text("utf-8")
    i = text.index('msgctxt "task/2026/7"\n')
    a, b = text.rfind("\n\n", 0, i) + 2, text.index("\n\n", i) + 2
    head = text[:text.index("\n\n", text.index('msgid ""')) + 2]
    tasks.write_text(text[:a] + text[b:], "utf-8")
    custom = proj / "content/translations/en/custom.po"
    custom.write_text(head + text[a:b], "utf-8")
    _run_i18n(proj)
    assert 'msgctxt "task/2026/7"' not in tasks.read_text("utf-8")
    assert 'msgctxt "task/2026/7"' in custom.read_text("utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert _entries(proj)["task/2026/7"].text


def _run_i18n_import(proj, folder):
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(folder)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_a_batch_lands_on_the_year_it_names_and_never_on_another(tmp_path):
    """The import put a task batch's number N on task/2026/N, the backmatter on gazette 2026/12, and a report's
    or livelihood batch on the first of its kind, whatever year the batch was for: with 2027's task list, report,
    livelihood list and gazette issue filed, 2027's English went onto 2026's items without a word. A batch now
    says its year (its issue, for the backmatter) where the sources hold more than one; without it, or with a
    year they do not hold, the import stops naming the file and line, and writes nothing."""
    proj = make_project(tmp_path)
    src = proj / "content/sources"
    for name in ("2026-gazette-12.txt", "2026-work-report.txt", "2026-livelihood-projects.txt",
                 "2025-daxing-progress.txt"):
        text = (src / name).read_text("utf-8").replace("2026", "2027").replace("2025", "2026")
        (src / name.replace("2026", "2027").replace("2025", "2026")).write_text(text, "utf-8")
    cat = proj / "content/translations/en"
    before = {f.name: f.read_bytes() for f in cat.iterdir()}
    imp = tmp_path / "imp"
    imp.mkdir()
    (imp / "tasks-a.yaml").write_text("31: English of task 31.\n", "utf-8")
    (imp / "docs-a.yaml").write_text("backmatter:\n  - {zh: 北京市人民政府公报, en: The Gazette}\n", "utf-8")
    (imp / "report-a.yaml").write_text("- {zh: 政府工作报告, en: The Report}\n", "utf-8")
    (imp / "livelihood-a.yaml").write_text("year: 2030\nlivelihood:\n  1: {title: Childcare}\n", "utf-8")
    (imp / "livelihood-b.yaml").write_text("progress:\n  1: {task: Elderly care}\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(imp)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "tasks-a.yaml: the sources hold task lists of 2026, 2027, and the batch does not say which one it " \
           "translates (expected a line such as year: 2027 at its head)" in r.stderr, r.stderr
    assert "docs-a.yaml:1: 'backmatter', but the sources hold 2 gazette issues" in r.stderr
    assert "such as backmatter 2027/12" in r.stderr
    assert "report-a.yaml: the sources hold work reports of 2026, 2027" in r.stderr
    assert "(expected the form {year: 2027, entries: [...]})" in r.stderr
    assert "livelihood-a.yaml:1: year 2030, but the sources hold livelihood lists of 2026, 2027 only" in r.stderr
    assert "livelihood-b.yaml: the sources hold 2 progress tables, and the batch does not say which one its " \
           "progress rows translate (expected a line such as progress_table: progress/2026/daxing)" in r.stderr
    assert {f.name: f.read_bytes() for f in cat.iterdir()} == before

    (imp / "tasks-a.yaml").write_text("year: 2027\n31: English of task 31.\n", "utf-8")
    (imp / "docs-a.yaml").write_text("backmatter 2027/12:\n  - {zh: 北京市人民政府公报, en: The Gazette}\n", "utf-8")
    (imp / "report-a.yaml").write_text("year: 2027\nentries:\n  - {zh: 政府工作报告, en: The Report}\n", "utf-8")
    (imp / "livelihood-a.yaml").write_text("year: 2027\nlivelihood:\n  1: {title: Childcare}\n", "utf-8")
    (imp / "livelihood-b.yaml").write_text("progress_table: progress/2026/daxing\n"
                                           "progress:\n  1: {task: Elderly care}\n", "utf-8")
    _run_i18n_import(proj, imp)
    e = _entries(proj)
    old = _entries(ROOT)
    for key_2027, key_2026, en in [("task/2027/31", "task/2026/31", "English of task 31."),
                                   ("gazette/2027/12#f4", "gazette/2026/12#f4", "The Gazette"),
                                   ("report/2027#front-title", "report/2026#front-title", "The Report"),
                                   ("livelihood/2027/1#name", "livelihood/2026/1#name", "Childcare"),
                                   ("progress/2026/daxing/1#task", "progress/2025/daxing/1#task", "Elderly care")]:
        assert e[key_2027].text == en and e[key_2026].text == old[key_2026].text != en, key_2027


def test_a_translation_no_text_asks_for_is_kept_as_obsolete(tmp_path):
    """`i18n` dropped, without a word, a translator's entry whose msgctxt no page asks for, and the English of a
    deleted paragraph. Each is now kept at the end of its catalog as a gettext obsolete entry (#~) with its
    translator comments, counted in the report, kept again by the next update, and no build reads it."""
    from generator.build import build

    proj = make_project(tmp_path)
    po = proj / "content/translations/en/tasks.po"
    po.write_text(po.read_text("utf-8") + '\n# translated-by: human (Alice)\n# translated-on: 2026-12-01\n'
                  '# reviewed: yes\nmsgctxt "task/2026/999"\nmsgid "一个不存在的任务"\n'
                  'msgstr "A task that does not exist"\n', "utf-8")
    src = proj / "content/sources/2026-gazette-12.txt"
    text = src.read_text("utf-8")
    deleted = "2. 商圈（场所）内商户数量不低于 50 家。\n\n"
    assert text.count(deleted) == 1
    src.write_text(text.replace(deleted, ""), "utf-8")
    out = _run_i18n(proj)
    assert "en kept as obsolete (#~) at the end of tasks.po: 1 translation(s) no text asks for any more" in out
    assert "en kept as obsolete (#~) at the end of documents.po: 1 translation(s)" in out
    tasks = po.read_text("utf-8")
    assert ('# translated-by: human (Alice)\n# translated-on: 2026-12-01\n# reviewed: yes\n#~ msgctxt "task/2026/999"\n'
            '#~ msgid "一个不存在的任务"\n#~ msgstr "A task that does not exist"\n') in tasks
    docs = (proj / "content/translations/en/documents.po").read_text("utf-8")
    assert '#~ msgstr "2. The number of merchants within the business district (venue) shall be no fewer than 50."' \
        in docs
    assert "task/2026/999" not in _entries(proj)  # not a current entry
    again = _run_i18n(proj)  # kept, not counted again
    assert "obsolete" not in again and po.read_text("utf-8") == tasks
    # an obsolete entry another tool wrote, without msgctxt, is kept too
    po.write_text(tasks + '\n# translated-by: human (Bo)\n#~ msgid "旧的一句"\n#~ msgstr "An old sentence"\n', "utf-8")
    _run_i18n(proj)
    tasks = po.read_text("utf-8")
    assert '# translated-by: human (Bo)\n# reviewed: no\n#~ msgid "旧的一句"\n#~ msgstr "An old sentence"\n' in tasks
    assert '#~ msgctxt "task/2026/999"' in tasks
    again = _run_i18n(proj)
    assert "obsolete" not in again and po.read_text("utf-8") == tasks
    result = build(proj, tmp_path / "out", search=False)
    assert not [w for w in result.warnings if "translations" in w.file], result.warnings


def test_i18n_on_a_clean_checkout_changes_nothing(tmp_path):
    """The catalogs are written with a fixed header (no Babel version, no dates that move): running
    `generator i18n` on an unchanged project rewrites every catalog byte for byte."""
    proj = make_project(tmp_path)
    files = sorted((proj / "content/translations/en").glob("*.po"))
    before = {p.name: p.read_bytes() for p in files}
    _run_i18n(proj)
    after = {p.name: p.read_bytes() for p in sorted((proj / "content/translations/en").glob("*.po"))}
    assert after == before
    assert all(b"Generated-By" not in b and b"FULL NAME" not in b for b in after.values())


def test_every_entry_records_who_translated_it_and_no_review_is_claimed():
    from generator.i18n.catalog import load_catalogs

    entries = [e for e in load_catalogs(ROOT, "en").entries.values() if e.text]
    assert len(entries) == 919
    assert all(e.prov.by == "machine (AI language model)" for e in entries)
    assert all(re.fullmatch(r"2026-\d\d-\d\d", e.prov.on) for e in entries)
    assert not [e for e in entries if e.prov.reviewed != "no"]  # nobody has reviewed them: nothing says so
    text = (ROOT / "content/translations/en/tasks.po").read_text("utf-8")
    assert text.count("# translated-by: machine (AI language model)") == 308
    assert text.count("# reviewed: no") == 308


def test_import_and_editing_keep_provenance(tmp_path):
    """An entry edited with a gettext tool (Babel here) keeps its translator comments through `i18n`; a
    batch import records who made it."""
    from babel.messages.pofile import read_po, write_po

    proj = make_project(tmp_path)
    po = proj / "content/translations/en/tasks.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    m = next(m for m in cat if m.context == "task/2026/30")
    m.user_comments = ["translated-by: human (A. Translator)", "translated-on: 2026-12-01",
                       "reviewed: yes (B. Reviewer, 2026-12-02)"]
    with po.open("wb") as fh:
        write_po(fh, cat, width=0)
    imp = tmp_path / "imp"
    imp.mkdir()
    (imp / "tasks-fix.yaml").write_text("31: Revised English of task 31.\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(imp),
                        "--translated-by", "human (C. Editor)"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    e = _entries(proj)
    assert e["task/2026/30"].prov.by == "human (A. Translator)" and e["task/2026/30"].prov.is_reviewed
    assert e["task/2026/31"].text == "Revised English of task 31." and e["task/2026/31"].prov.by == "human (C. Editor)"
    assert e["task/2026/31"].prov.reviewed == "no"


def test_an_import_never_replaces_a_translation_a_person_made_or_reviewed(tmp_path):
    """A batch with other English for an entry a person translated or reviewed stops the import with the
    entry's file and line, and no catalog is written (it silently replaced reviewed English with a machine's);
    an empty English in a batch is no translation and leaves the catalog's (it erased it, and the report still
    counted it translated)."""
    from babel.messages.pofile import read_po, write_po

    proj = make_project(tmp_path)
    po = proj / "content/translations/en/tasks.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    for ctx, by, reviewed in (("task/2026/30", "human (A. Translator)", "no"),
                              ("task/2026/32", "machine (AI language model)", "yes (B. Reviewer, 2026-12-02)")):
        m = next(m for m in cat if m.context == ctx)
        m.user_comments = [f"translated-by: {by}", "translated-on: 2026-12-01", f"reviewed: {reviewed}"]
    with po.open("wb") as fh:
        write_po(fh, cat, width=0)
    before = {p.name: p.read_bytes() for p in (proj / "content/translations/en").iterdir()}
    e0 = _entries(proj)
    imp = tmp_path / "imp"
    imp.mkdir()
    (imp / "tasks-fix.yaml").write_text("30: Machine English.\n31: New English of task 31.\n32: Other English.\n",
                                        "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(imp)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    line30, line32 = e0["task/2026/30"].line, e0["task/2026/32"].line
    assert (f"content/translations/en/tasks.po:{line30}: task/2026/30: the batch has other English for this "
            "translation, made by human (A. Translator) (reviewed: no)") in r.stderr, r.stderr
    assert f"content/translations/en/tasks.po:{line32}: task/2026/32: " in r.stderr
    assert {p.name: p.read_bytes() for p in (proj / "content/translations/en").iterdir()} == before
    # without those two: imported; an empty English changes nothing
    (imp / "tasks-fix.yaml").write_text('31: New English of task 31.\n33: ""\n34: "  "\n', "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n", "--import", str(imp)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "left empty in the batches, the catalogs' English kept: 2 (task/2026/33, task/2026/34)" in r.stdout
    e = _entries(proj)
    assert e["task/2026/31"].text == "New English of task 31."
    assert e["task/2026/33"].text == e0["task/2026/33"].text != "" and e["task/2026/34"].text == e0["task/2026/34"].text
    assert e["task/2026/30"].text == e0["task/2026/30"].text and e["task/2026/30"].prov.human


def test_english_pages_show_their_translation_status(site):
    html = read(site, "/en/task/2026/20/")
    line = re.search(r'<p class="tr-status[^>]*>(.*?)</p>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", line)
    assert "Machine translation (AI language model)" in text and "not reviewed by a human translator" in text
    assert "1 of 1 passages translated" in text and re.search(r"translated \d{1,2} \w+ 2026", text)
    assert re.search(r"Chinese text version [0-9a-f]{12}", text)
    assert 'href="/en/about/translations/"' in line
    doc = re.sub(r"<[^>]+>", "", re.search(r'<p class="tr-status[^>]*>(.*?)</p>', read(site, "/en/doc/jingshangxiaoyizi-2026-5/"), re.S).group(1))
    assert "84 of 84 passages translated" in doc
    assert "tr-status" not in read(site, "/zh/task/2026/20/")
    about = read(site, "/en/about/translations/")
    assert "919 translated passages: 919 machine translations made by an AI language model and 0 human translations; 0 of them" in about
    for url in ("/en/task/2026/20/", "/zh/task/2026/20/"):
        assert f'href="/{url[1:3]}/about/translations/"' in read(site, url) and f'href="/{url[1:3]}/glossary/"' in read(site, url)


def test_api_records_carry_their_translation_status(site):
    import json

    tasks = json.loads((site / "api/v1/tasks.json").read_text("utf-8"))
    st = tasks[0]["translation_status"]
    assert st["state"] == "translated" and st["machine"] == st["passages"] == 1 and st["reviewed"] == 0
    assert st["translated_on"] and re.fullmatch(r"[0-9a-f]{12}", st["source_version"])
    for name in ("documents", "projects", "progress", "reports", "units", "gazettes"):
        records = json.loads((site / f"api/v1/{name}.json").read_text("utf-8"))
        assert all("translation_status" in r for r in records), name
    docs = json.loads((site / "api/v1/documents.json").read_text("utf-8"))
    assert all(d["translation_status"]["state"] == "translated" and d["translation_status"]["passages"] > 10 for d in docs)


def test_glossary_page_lists_the_termbase(site):
    from generator.i18n.termbase import load_termbase

    tb = load_termbase(ROOT)
    for lang in ("en", "zh"):
        html = read(site, f"/{lang}/glossary/")
        rows = re.findall(r'<tr><td lang="zh-CN">(.*?)</td><td lang="en">(.*?)(?:<br>|</td>)', html)
        assert len(rows) == len(tb.terms)
        assert ("接诉即办", "prompt handling of public complaints") in rows


def test_fallbacks_are_marked_chinese_with_a_notice_in_a_browser(tmp_path, browser):
    """A copy of the project with one catalog entry removed: every place its passage appears in English
    pages (the task page, the section list, the unit page) shows the Chinese marked lang="zh-CN" with a
    notice; the status line counts it; the glossary page lists the termbase."""
    import functools
    import http.server
    import threading

    from babel.messages.pofile import read_po, write_po

    from generator.build import build

    proj = make_project(tmp_path)
    po = proj / "content/translations/en/tasks.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    cat.delete(next(m for m in cat if m.context == "task/2026/21").id, context="task/2026/21")
    with po.open("wb") as fh:
        write_po(fh, cat, width=0)
    out = tmp_path / "out"
    build(proj, out, search=False)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    pg = browser.new_page()
    try:
        for url in ("/en/task/2026/21/", "/en/tasklist/2026/1/", "/en/tasklist/2026/1.4/"):
            pg.goto(base + url)
            zh = pg.locator('main [lang="zh-CN"]', has_text="功能圈").first
            assert zh.count() == 1, url
            assert pg.locator("main .tr-notice").first.is_visible(), url
        pg.goto(base + "/en/task/2026/21/")
        status = pg.locator(".tr-status").inner_text()
        assert "0 of 1 passages translated; 1 shown in Chinese" in status
        assert pg.locator(".tr-status").is_visible()
        pg.goto(base + "/en/glossary/")
        assert pg.locator("table.glossary tr").count() > 60
        assert pg.locator('table.glossary td[lang="en"]', has_text="prompt handling of public complaints").first.is_visible()
    finally:
        pg.close()
        httpd.shutdown()


def _snapshot(tr):
    return ([(k, e.zh, e.text, e.sha, e.file, e.line, e.prov, e.fuzzy, e.comments) for k, e in tr.entries.items()],
            [str(w) for w in tr.warnings])


def test_catalogs_come_from_their_cache_as_read_and_only_changed_parts_are_read_again(tmp_path, monkeypatch):
    """The catalogs' cache (.cache/catalogs/) gives what reading the PO files gives, entries, file lines and
    warnings alike; after one entry of the seed catalog changes, only the part holding it is read again."""
    from generator.i18n import catalog

    proj = make_project(tmp_path)
    po = proj / "content" / "translations" / "en" / "documents.po"
    fresh = _snapshot(catalog.load_catalogs(proj, "en", cache=False))
    assert len(fresh[0]) > 300
    first = _snapshot(catalog.load_catalogs(proj, "en"))  # fills the cache
    assert list((proj / ".cache" / "catalogs").glob("*.pickle"))
    reads = []
    real, real_babel = catalog._check_part, catalog._read_entries
    monkeypatch.setattr(catalog, "_check_part", lambda text, rel: reads.append(rel) or real(text, rel))
    monkeypatch.setattr(catalog, "_read_entries", lambda text, rel, *lines: reads.append(("babel", rel))
                        or real_babel(text, rel, *lines))
    cuts = []
    real_parts = catalog._parts
    monkeypatch.setattr(catalog, "_parts", lambda text: cuts.append(1) or real_parts(text))
    assert _snapshot(catalog.load_catalogs(proj, "en")) == first == fresh
    assert reads == [] and cuts == []  # nothing changed: no part read, no catalog text even decoded and cut
    parts = real_parts(po.read_text("utf-8"))
    assert len(parts) > 5 and "".join(p for _, p in parts) == po.read_text("utf-8")
    # a line added to one entry's English moves every later entry of the file down by one
    text = po.read_text("utf-8")
    i = text.index('msgctxt "doc:京商消一字〔2026〕5号#')
    j = text.index("\nmsgstr ", i)
    k = text.index("\n", j + 1)
    po.write_text(text[:k] + '\n"(revised)"' + text[k:], "utf-8")
    changed = _snapshot(catalog.load_catalogs(proj, "en"))
    assert reads == ["content/translations/en/documents.po"] and len(cuts) == 1  # one part of one catalog
    assert changed == _snapshot(catalog.load_catalogs(proj, "en", cache=False))
    lines = {key: n for n, line in enumerate(po.read_text("utf-8").split("\n"), 1)
             for key in [line[len('msgctxt "'):-1]] if line.startswith("msgctxt ")}
    assert all(e[5] == lines[e[0]] for e in changed[0] if e[4].endswith("documents.po"))
    assert sum(e[2].endswith("(revised)") for e in changed[0]) == 1


def test_a_msgctxt_twice_in_two_parts_of_a_catalog_is_an_error_with_both_lines_cached_or_not(tmp_path):
    from generator.errors import SourceError
    from generator.i18n.catalog import load_catalogs

    proj = make_project(tmp_path)
    po = proj / "content" / "translations" / "en" / "tasks.po"
    lines = po.read_text("utf-8").split("\n")
    ctx = [n for n, line in enumerate(lines) if line.startswith("msgctxt ")]
    lines[ctx[280]] = lines[ctx[5]]  # task 280's entry now claims the key of task 5 (another part of the file)
    po.write_text("\n".join(lines), "utf-8")
    for _ in range(2):  # read, then from the cache
        with pytest.raises(SourceError) as e:
            load_catalogs(proj, "en")
        assert [str(p) for p in e.value.problems] == [
            f"content/translations/en/tasks.po:{ctx[280] + 1}: msgctxt {lines[ctx[5]][9:-1]!r} is also at "
            f"content/translations/en/tasks.po:{ctx[5] + 1}; one of the two entries would be lost "
            "(expected each msgctxt once)"]


def _entries_seen(entries):
    return [(k, e.zh, e.text, e.sha, e.file, e.line, e.prov, e.fuzzy, e.comments, e.zh_hash(), e.fingerprint())
            for k, e in entries]


def _random_po(rng) -> str:
    """PO text of a few entries in the shape the generator writes, each maybe bent into another that gettext
    tools accept or reject (obsolete entries, plurals, a header, comments or blank lines inside an entry,
    locations, flags, tabs, other spaces, escapes, strings over several lines)."""
    def quoted(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'

    def field(keyword, text):
        if rng.random() < 0.2 and len(text) > 2:
            i = rng.randrange(1, len(text))
            return [f"{keyword} {quoted(text[:i])}", quoted(text[i:])]
        sep = rng.choice([" "] * 12 + ["  ", "\t"])
        return [f"{keyword}{sep}{quoted(text)}"]

    words = ["北京", "市政府", "a", "b c", 'q"uote', "back\\slash", "tab\there", "line\nbreak", "", " lead",
             "trail ", "〔2026〕1号", "x" * 3]
    lines = []
    if rng.random() < 0.2:
        lines += ['msgid ""', 'msgstr ""', '"Language: en\\n"', '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"', ""]
    for n in range(rng.randrange(1, 5)):
        zh = "".join(rng.choice(words) for _ in range(rng.randrange(0, 3)))
        comments = rng.sample(["# translated-by: machine (AI language model)", "# translated-on: 2026-12-06",
                               "# reviewed: no", "# reviewed: yes (Li, 2026-12-01)", "# a note", "#",
                               "# a note", "#. source-sha1: 1234", "#. other", "#.", "#, fuzzy",
                               "#, fuzzy, python-format", "#| msgid \"old\"", "#: file.py:3", "#~ msgid \"gone\"",
                               "#~ msgstr \"weg\""], rng.randrange(0, 5))
        entry = comments + (field("msgctxt", f"doc:k#{n}" if rng.random() < 0.9 else "") if rng.random() < 0.9
                            else []) + field("msgid", zh)
        if rng.random() < 0.05:
            entry += field("msgid_plural", zh + "s")
            entry += field("msgstr[0]", "one") + field("msgstr[1]", "many")
        elif rng.random() < 0.95:
            entry += field("msgstr", "".join(rng.choice(words) for _ in range(rng.randrange(0, 3))))
        if rng.random() < 0.05:
            entry.insert(rng.randrange(len(entry) + 1), rng.choice(["", "# inside", "#, fuzzy", "#~ old"]))
        if rng.random() < 0.05:
            i = rng.randrange(len(entry))
            entry[i] = rng.choice(["\u3000", "\xa0", " ", "\t"]) + entry[i] + rng.choice(["", "\u3000", " "])
        lines += entry + ([""] if rng.random() < 0.8 else [])
    return "\n".join(lines) + rng.choice(["", "\n"])


def test_the_check_pass_reads_entries_as_babel_does():
    """A catalog part's entries are read by the pass that checks it, not by Babel, when the part has the shape
    the generator writes; then they are Babel's entries field for field (comments, provenance, fuzzy, lines,
    hashes). Checked on every part of the seed catalogs and on 3,000 random parts of other shapes: where the
    pass reads entries, Babel reads the same ones; where Babel would read them its own way (or refuse the text),
    the pass leaves them to Babel."""
    import random

    from generator.errors import SourceError
    from generator.i18n import catalog

    texts = [part for po in sorted((ROOT / "content" / "translations").rglob("*.po"))
             for _, part in catalog._parts(po.read_text("utf-8"))]
    rng = random.Random(17)
    texts += [_random_po(rng) for _ in range(3000)]
    read_here = left = 0
    for text in texts:
        marked, _, entries = catalog._check_part(text, "f.po")
        if any(type(m) is not tuple for m in marked):
            assert entries is None
            continue  # malformed: reported, never read
        try:
            babel = catalog._read_entries(text, "f.po", {m[0]: m[1] for m in marked})
        except SourceError:
            babel = None
        if entries is None:
            left += 1
            continue
        read_here += 1
        assert babel is not None and _entries_seen(entries) == _entries_seen(babel), text
    assert read_here > 400 and left > 400, (read_here, left)  # both ways taken
    seed = [catalog._check_part(part, "f.po")[2] for po in (ROOT / "content" / "translations").rglob("*.po")
            for _, part in catalog._parts(po.read_text("utf-8"))[1:]]
    assert seed and all(e is not None for e in seed)  # the generator's own catalogs: all read in the one pass


def test_an_entry_with_plural_forms_is_an_error_naming_its_line(tmp_path):
    """msgid_plural has no place in a segment's entry: an error naming the file and the entry's line (Babel
    gives its forms as a tuple, which once ended the build with a traceback)."""
    from generator.errors import SourceError
    from generator.i18n import catalog

    proj = make_project(tmp_path)
    po = proj / "content" / "translations" / "en" / "report.po"
    text = po.read_text("utf-8")
    i = text.index("msgctxt ", text.index("msgctxt ") + 1)  # the second entry
    j = text.index("\nmsgstr ", i)
    k = text.index("\n\n", j)
    line = text[:i].count("\n") + 1
    po.write_text(text[:j] + '\nmsgid_plural "s"\nmsgstr[0] "one"\nmsgstr[1] "many"' + text[k:], "utf-8")
    with pytest.raises(SourceError) as e:
        catalog.load_catalogs(proj, "en", cache=False)
    [p] = e.value.problems
    assert (p.file, p.line) == ("content/translations/en/report.po", line) and "msgid_plural" in p.message


def test_a_catalog_key_scope_is_the_text_its_segment_belongs_to():
    """Text-aware look-ups stay inside a key's scope: a document or an issue whole, the year of a list, the district
    table of a year; ids this generator does not make are read as ids.parse reads them."""
    from generator.i18n.catalog import key_scope

    expected = {
        "doc:京政发〔2026〕1号#p12": "doc:京政发〔2026〕1号", "doc:京政发〔2026〕1号": "doc:京政发〔2026〕1号",
        "gazette/2026/3#toc-2": "gazette/2026/3", "gazette": "gazette", "gazette/": "gazette/",
        "task/2026/20": "task/2026", "task/2026/20#lead": "task/2026", "task/2026/": "task/2026", "task/": "task",
        "tasklist/2026/1.4#title": "tasklist/2026", "livelihood/2026/3#item-2": "livelihood/2026",
        "progress/2025/daxing/4#task": "progress/2025/daxing", "progress/2025//4": "progress/2025/",
        "issuer/北京市人民政府#name": "issuer/北京市人民政府", "report/2026/3.6.2": "report/2026",
        "doc/x": "doc/x", "/task/2026/1": "task/2026", "": "", "#p1": "",
    }
    assert {k: key_scope(k) for k in expected} == expected


def test_a_heading_entry_whose_chinese_is_not_the_heading_is_not_shown_and_is_said(tmp_path):
    """headings.yaml gives a heading's English by its number: with the heading's Chinese changed (or another
    year's list numbering another heading so) the old English was still shown, and an entry for a heading no
    list has was ignored, both without a word (a hostile-input review). Now such an entry's English is not
    shown (the heading is shown as printed, like a catalog's stale entry) and a warning names its line."""
    proj = make_project(tmp_path)
    gl = proj / "content/glossary/headings.yaml"
    text = gl.read_text("utf-8")
    text = text.replace('"1.1": {zh: "充分发挥规划统筹引领作用"', '"1.1": {zh: "完全不同的标题"', 1)
    text = text.replace('  "1.2": {', '  "1.9": {zh: "没有这个标题", en: "No such heading"}\n  "1.2": {', 1)
    gl.write_text(text, "utf-8")
    lines = text.split("\n")
    at = {k: next(i + 1 for i, l in enumerate(lines) if l.startswith(f'  "{k}":')) for k in ("1.1", "1.9")}
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "build", "--no-search", "--verbose"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    out = r.stdout + r.stderr
    assert (f"content/glossary/headings.yaml:{at['1.1']}: tasklist heading 1.1: '完全不同的标题' is not the heading "
            "the sources print ('充分发挥规划统筹引领作用'); its English is not shown") in out, out[-2000:]
    assert (f"content/glossary/headings.yaml:{at['1.9']}: tasklist heading 1.9: the sources print no such heading; "
            "its English is used nowhere") in out
    html = read(proj / "build", "/en/tasklist/2026/1.1/")
    assert "Give full play to the guiding and coordinating role of planning" not in html
    assert "充分发挥规划统筹引领作用" in re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert "Continue the Relocation and Rectification" in read(proj / "build", "/en/tasklist/2026/1.2/")
