"""Issue 3: cross-links with evidence, measured against a hand-labelled set
(tests/data/expected_links.yaml, made by reading the documents)."""
from __future__ import annotations

import json
import subprocess
import sys

import yaml

from conftest import ARTIFACTS, ROOT, make_project, read

GOLD = yaml.safe_load((ROOT / "tests" / "data" / "expected_links.yaml").read_text("utf-8"))


def pr(predicted: set, gold: set) -> tuple[float, float]:
    tp = len(predicted & gold)
    return (tp / len(predicted) if predicted else 1.0), (tp / len(gold) if gold else 1.0)


def test_link_quality_per_family(corpus):
    rule = [l for l in corpus.links if l.origin == "rule"]  # editors' overrides are not counted
    fams = {}
    gold_lt = {(k, e["task"]) for k, v in GOLD["livelihood_task"].items() for e in (v or [])}
    fams["livelihood-task"] = pr({(l.src, l.dst) for l in rule if l.kind == "implements"}, gold_lt)
    gold_pr = {(k, e["target"]) for k, v in GOLD["progress_related"].items() for e in (v or [])}
    fams["progress-related"] = pr({(l.src, l.dst) for l in rule if l.kind == "related"}, gold_pr)
    # structural alignment: every task-list (sub)section and its report (sub)section/topic
    tl = corpus.tasklists["tasklist/2026"]
    rep = corpus.reports["report/2026"]
    secs = [s for p in rep.parts for s in p.sections]
    gold_struct = {(s.id, secs[s.number - 1].id) for s in tl.sections}
    topics = {t.lead: t.id for s in secs for t in s.topics}
    gold_struct |= {(ss.id, topics[ss.title]) for s in tl.sections for ss in s.subsections}
    fams["tasklist-report"] = pr({(l.src, l.dst) for l in rule if l.kind == "details" and l.src.startswith("tasklist/")},
                                 gold_struct)
    gold_task = {(tl.tasks[n].id, topics[ss.title]) for s in tl.sections for ss in s.subsections for n in ss.tasks}
    fams["task-report"] = pr({(l.src, l.dst) for l in rule if l.kind == "details" and l.src.startswith("task/")},
                             gold_task)
    report = {k: {"precision": round(p, 3), "recall": round(r, 3)} for k, (p, r) in fams.items()}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "link-quality.json").write_text(json.dumps(report, indent=1), "utf-8")
    print(report)
    assert len(gold_struct) == 11 + 37 and len(gold_task) == 308
    assert fams["tasklist-report"] == (1.0, 1.0)
    assert fams["task-report"] == (1.0, 1.0)
    # targets, not the values of the day (README states the values reached)
    p, r = fams["livelihood-task"]
    assert p >= 0.95 and r >= 0.90, report
    p, r = fams["progress-related"]
    assert p >= 0.90 and r >= 0.80, report


def _link(corpus, src, dst):
    return next(l for l in corpus.links if l.src == src and l.dst == dst)


def test_examples_from_the_documents(corpus):
    l = _link(corpus, "livelihood/2026/7.1", "task/2026/20")
    assert l.kind == "implements" and any("22号线" in e for e in l.evidence)
    l = _link(corpus, "livelihood/2026/3.3", "task/2026/271")
    assert any("逃生自救" in e for e in l.evidence) and "3万套" in l.evidence
    l = _link(corpus, "livelihood/2026/2.2", "task/2026/224")
    assert "5000张" in l.evidence and l.score >= 0.5
    l = _link(corpus, "livelihood/2026/9.1", "task/2026/251")
    assert "1000公里" in l.evidence
    assert not any(l.src == "livelihood/2026/9.1" and l.dst == "task/2026/160" for l in corpus.links)  # pipelines
    l = _link(corpus, "progress/2025/daxing/11", "livelihood/2026/3.1")
    assert l.kind == "related" and "新增残疾人就业岗位" in l.evidence
    # a phrase shared by a livelihood item and the task implementing it is not the less distinctive for it
    for dst in ("livelihood/2026/7.4", "task/2026/174"):
        l = _link(corpus, "progress/2025/daxing/10", dst)
        assert l.kind == "related" and "利用人防工程" in l.evidence
    # the same thing counted with the same measure word, whatever the figures (2880个 … 学位 / 学位1万个)
    l = _link(corpus, "progress/2025/daxing/3", "task/2026/56")
    assert l.kind == "related" and l.evidence[:3] == ["学位", "2880个", "1万个"]  # each quoted where it stands
    assert {(sp.item, sp.text) for sp in l.spans} >= {("progress/2025/daxing/3", "2880个"), ("task/2026/56", "1万个")}
    # the broad area alone is no link: row 4 (村卫生室) shares only 基层医疗卫生 with task 216
    assert not any(l.src == "progress/2025/daxing/4" and l.dst == "task/2026/216" for l in corpus.links)
    l = _link(corpus, "tasklist/2026/11.2", "report/2026/3.11.2")
    assert l.kind == "details" and l.evidence == ["恪守依法行政的基本准则"]


def test_related_rarity_is_per_family():
    from generator.link.rules import FamilyRarity

    items = ["利用人防工程新增停车位5000个。", "新增家庭养老床位5000张。"]
    tasks = ["利用人防工程新增停车位5000个。", "新建绿道1000公里。"] + [f"改造老旧小区{n + 1}个。" for n in range(20)]
    rarity = FamilyRarity([items, tasks])
    assert rarity.term("利用人防工程") == 1.0  # once in each family: as distinctive as can be
    assert rarity.term("老旧小区") < 0.05  # in 20 of the 22 tasks
    assert rarity.counted("个", "停车位") == 1.0 and rarity.counted("个", "小区") < 0.05


def test_links_shown_on_both_pages(site):
    task = read(site, "/zh/task/2026/224/")
    panel = task[task.index('id="links-h"'):]
    assert 'href="/zh/livelihood/2026/2.2/"' in panel and "<mark>5000张</mark>" in panel and "由以下民生实事落实" in panel
    item = read(site, "/zh/livelihood/2026/2.2/")
    assert 'href="/zh/task/2026/224/"' in item and "落实以下重点任务" in item
    en = read(site, "/en/task/2026/224/")
    assert "Implemented by the livelihood project" in en and "<mark>5000张</mark>" in en
    topic = read(site, "/zh/report/2026/3.1.1/")
    assert 'href="/zh/tasklist/2026/1.1/"' in topic and 'href="/zh/task/2026/1/"' in topic


def test_links_exported(site):
    links = json.loads((site / "api" / "v1" / "links.json").read_text("utf-8"))
    kinds = {l["kind"] for l in links}
    assert kinds == {"details", "implements", "related", "led-by", "cites"}
    cites = {(l["source"], l["target"]) for l in links if l["kind"] == "cites"}
    # the seeds' citations of items in the archive: the task-list circular cites the report and its own list
    assert ("doc:京政发〔2026〕1号", "report/2026") in cites and ("doc:京政发〔2026〕1号", "tasklist/2026") in cites
    one = next(l for l in links if l["source"] == "livelihood/2026/2.2" and l["target"] == "task/2026/224")
    assert one["evidence"] and 0 < one["score"] <= 1 and one["rule"] == "shared-commitment"
    assert any(l["origin"] == "override" for l in links)


def test_unit_register(corpus, site):
    units = corpus.units
    plan = [u for u in units.values() if u.zh == "市规划自然资源委"]
    assert len(plan) == 1 and "市规划自然资源委（首规委办）" in plan[0].aliases  # one unit, two spellings
    assert "unit/daxing-qu-min-zheng-ju" in units and "unit/shi-min-zheng-ju" in units  # city and district apart
    assert units["unit/daxing-qu-min-zheng-ju"].zh == "大兴区民政局" and units["unit/daxing-qu-min-zheng-ju"].level == "district"
    ke = [u for u in units.values() if u.zh == "市科委、中关村管委会"]
    assert len(ke) == 1
    page = read(site, "/zh/unit/shi-ke-wei-zhong-guan-cun-guan-wei-hui/")
    n_tasks = sum(1 for t in corpus.tasklists["tasklist/2026"].tasks.values() if ke[0].id in t.units)
    assert f"任务 ({n_tasks})" in page and "共同牵头" in page
    dx = read(site, "/zh/unit/daxing-qu-zhu-fang-cheng-xiang-jian-she-wei/")
    assert 'href="/zh/progress/2025/daxing/5/"' in dx


def run_check(proj):
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "check"], capture_output=True,
                          text=True, cwd=ROOT)


def test_overrides_add_remove_and_report_stale(tmp_path):
    from generator.build import load_all

    proj = make_project(tmp_path)
    (proj / "content" / "links.yaml").write_text(
        "add:\n"
        "  - {source: livelihood/2026/8.2, target: task/2026/145, kind: related, evidence: 博物馆}\n"
        "remove:\n"
        "  - {source: livelihood/2026/9.1, target: task/2026/251}\n"
        "  - {source: livelihood/2026/1.2, target: task/2026/1}\n", "utf-8")
    corpus = load_all(proj)[2]
    pairs = {(l.src, l.dst): l for l in corpus.links}
    assert pairs[("livelihood/2026/8.2", "task/2026/145")].origin == "override"
    assert ("livelihood/2026/9.1", "task/2026/251") not in pairs
    stale = [str(w) for w in corpus.warnings if "no rule produces that link" in w.message]
    assert stale == ["content/links.yaml:5: override removes livelihood/2026/1.2 -> task/2026/1, but no rule "
                     "produces that link any more"]
    (proj / "content" / "links.yaml").write_text("add:\n  - {source: task/2026/999, target: task/2026/1}\n", "utf-8")
    r = run_check(proj)
    assert r.returncode == 1 and "content/links.yaml:2: unknown reference 'task/2026/999'" in r.stderr
    # what passed with exit 0 (a hostile-input review): a remove naming no item (a misspelt id, the wrong link
    # stays), one link both added and removed, a task led by a task, a report section that amends a department
    wrong_kinds = ("  - {source: task/2026/1, target: task/2026/2, kind: led-by}\n"
                   "  - {source: report/2026/3.1, target: unit/shi-fa-zhan-gai-ge-wei, kind: amends}\n")
    unknown = "  - {source: task/2026/9999, target: unit/shi-fa-zhan-gai-ge-wei}\n"
    links = proj / "content" / "links.yaml"
    both = "{source: livelihood/2026/8.2, target: task/2026/145"
    links.write_text(f"add:\n{wrong_kinds}  - {both}, kind: related, evidence: 博物馆}}\nremove:\n{unknown}  - {both}}}\n",
                     "utf-8")
    r = run_check(proj)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "content/links.yaml:7: remove entry livelihood/2026/8.2 -> task/2026/145 takes away the link the add " \
           "entry at line 4 makes (expected a link added or removed, not both)" in r.stderr, r.stderr
    links.write_text("add:\n" + wrong_kinds + "remove:\n" + unknown, "utf-8")
    r = run_check(proj)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "content/links.yaml:2: task/2026/1 led-by task/2026/2: a lead is a department" in r.stderr, r.stderr
    assert "content/links.yaml:3: report/2026/3.1 amends unit/shi-fa-zhan-gai-ge-wei: an amendment is a document " \
           "that changes another document" in r.stderr
    assert "content/links.yaml:5: unknown reference 'task/2026/9999'" in r.stderr


def test_rules_on_all_cores_give_the_links_of_one(tmp_path, monkeypatch):
    """On a long archive the rules run in forked workers, the costliest a year at a time; the links are the
    same as those found in one process, on a two-year archive made from the seeds."""
    import sys

    import generator.link as link
    from generator.i18n.glossary import load_glossary
    from generator.sources import load_corpus

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_archive import make
    finally:
        sys.path.remove(str(ROOT / "bench"))
    make(tmp_path / "a", 2, 2, 2)
    corpus = load_corpus(tmp_path / "a", glossary=load_glossary(tmp_path / "a"))
    years = sorted({t.year for t in corpus.progress.values()})
    assert len(years) == 2 and len(corpus.progress) == 4
    monkeypatch.setattr(link, "PARALLEL_MIN_JOBS", 1)
    from generator import parallel as par

    monkeypatch.setattr(par.os, "cpu_count", lambda: 2)
    parallel = link._best(l for found in link._run_rules(corpus) for l in found)
    monkeypatch.setattr(par.os, "cpu_count", lambda: 1)
    serial = link._best(l for found in link._run_rules(corpus) for l in found)
    assert parallel == serial
    related = [l for l in serial if l.kind == "related"]
    assert {l.src.split("/")[1] for l in related} == {str(y) for y in years}  # progress/<year>/… of both years


def test_a_circular_naming_what_it_issues_resolves_to_its_annex(site):
    """关于印发《北京市2026年汽车以旧换新补贴实施方案》的通知 names the plan it carries as its annex; that citation was
    left unresolved (the site does not hold it, the data said) while 京政发〔2026〕1号's of its task list was
    resolved (a researcher's review). What a circular issues now resolves to the circular, at its annex: the
    text links there, the record's urls carry the anchor, and no link goes from a document to itself."""
    cites = json.loads((site / "api" / "v1" / "citations.json").read_text("utf-8"))
    own = {c["source"]: c for c in cites if c["resolved"] == c["source"]}
    assert set(own) == {"doc:京商流通字〔2026〕2号", "doc:京政办发〔2026〕4号"}
    for c in own.values():
        assert c["provision"] == "annex-1" and c["urls"]["zh"].endswith("/#annex-1"), c
    assert [c["resolved"] for c in cites if c["target"] == "title:2026年市政府工作报告重点任务清单"][0] == "tasklist/2026"
    links = json.loads((site / "api" / "v1" / "links.json").read_text("utf-8"))
    assert not [link for link in links if link["source"] == link["target"]]
    page = read(site, "/zh/doc/jingshangliutongzi-2026-2/")
    assert '<a class="cite" href="/zh/doc/jingshangliutongzi-2026-2/#annex-1">《北京市2026年汽车以旧换新补贴实施方案》</a>' in page
