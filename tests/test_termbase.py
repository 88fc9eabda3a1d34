"""Issue 19: one English rendering per recurring term, checked over every catalog entry."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT, make_project, read
from generator.errors import SourceError
from generator.i18n.catalog import load_catalogs
from generator.i18n.termbase import check_catalogs, load_termbase
from generator.normalize import compact


@pytest.fixture(scope="module")
def termbase():
    return load_termbase(ROOT)


def test_every_catalog_entry_follows_the_termbase(termbase):
    r = check_catalogs(ROOT, termbase)
    assert not r.violations, "\n".join(map(str, r.violations[:20]))
    assert r.entries >= 898 + 60  # every catalog entry with English (898), and the headings glossary (62)
    assert r.covered >= 250 and r.pairs >= 380  # entries whose Chinese holds a term; (entry, term) pairs
    assert not r.unused, f"exceptions that excuse nothing: {r.unused}"
    assert len(r.excused) == len(termbase.exceptions) == 7
    assert all(len(reason) > 40 for _, _, reason in r.excused)


def test_termbase_holds_the_issue_terms_with_their_sources(termbase):
    en = {t.zh: t.en for t in termbase.terms}
    assert en["接诉即办"] == "prompt handling of public complaints"
    assert en["北京市人民政府公报"] == "Gazette of the People's Government of Beijing Municipality"
    assert en["通知"] == "Circular" and en["公告"] == "Announcement"
    assert en["疏解整治促提升"] == "Relocation and Rectification for Improvement Program"
    assert en["每月一题"] == "one issue per month" and en["人工智能+"] == "AI Plus"
    own = [t for t in termbase.terms if t.origin.endswith("termbase.yaml")]
    assert len(own) >= 50
    assert all(t.source in termbase.sources for t in own)
    assert {t.source for t in own} >= {"gazette", "report2026", "keywords2022", "scio2024"}
    # unit, district and issuer names are reused from units.yaml, not copied into the termbase
    from_units = [t for t in termbase.terms if t.origin.endswith("units.yaml")]
    assert {"北京市人民政府", "大兴区"} <= {t.zh for t in from_units}
    assert not {t.zh for t in own} & {t.zh for t in from_units}


def test_no_term_has_two_renderings_in_the_catalogs():
    """The issue's examples: one English each, wherever the Chinese stands."""
    tr = load_catalogs(ROOT, "en")
    english = " ".join(e.text for e in tr.entries.values())
    for wrong in ("immediate response to public complaints", "swift response to public complaints",
                  "one key issue each month", "one topic per month", '"AI +"', "Beijing Municipal People's Government Gazette",
                  "Internationalized Consumption Environment", "Prize-Winning Invoice", "carry out well", "Hold well",
                  "a Peaceful Beijing"):
        assert wrong.lower() not in english.lower(), wrong
    notices = [k for k, e in tr.entries.items() if re.search(r"的通知", e.zh) and re.search(r"\bNotice (of|on)\b", e.text)]
    assert not notices
    us = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}\b")
    assert not [k for k, e in tr.entries.items() if us.search(e.text)]  # one date style: 27 March 2026


def test_a_catalog_entry_that_drops_a_term_is_named(tmp_path):
    proj = make_project(tmp_path)
    po = proj / "content/translations/en/tasks.po"
    text = po.read_text("utf-8")
    assert text.count("prompt handling of public complaints") >= 1
    po.write_text(text.replace("prompt handling of public complaints", "swift response to public complaints"), "utf-8")
    r = check_catalogs(proj)
    assert len(r.violations) == 1
    line = next(i for i, l in enumerate(po.read_text("utf-8").split("\n"), 1) if l == 'msgctxt "task/2026/240"')
    assert str(r.violations[0]).startswith(f"content/translations/en/tasks.po:{line}: task/2026/240: the Chinese has 接诉即办 "
                                           "but the English lacks 'prompt handling of public complaints'")


def test_an_exception_without_a_reason_is_refused(tmp_path):
    proj = make_project(tmp_path)
    tb = proj / "content/glossary/termbase.yaml"
    tb.write_text(tb.read_text("utf-8") + '  - {key: "task/2026/1", term: 中关村}\n', "utf-8")
    with pytest.raises(SourceError) as e:
        load_termbase(proj)
    assert re.match(r"content/glossary/termbase.yaml:\d+: exception 8 needs key, term and a reason", str(e.value))


def test_identical_chinese_headings_read_identically(corpus, loaded):
    g = loaded[1]
    tl, rep = corpus.tasklists["tasklist/2026"], corpus.reports["report/2026"]
    subs = {compact(ss.title): g.heading_en("tasklist", f"{s.number}.{ss.number}") for s in tl.sections for ss in s.subsections}
    leads = [t for p in rep.parts for s in p.sections for t in s.topics]
    assert len(leads) == 37
    assert all(g.heading_for_zh(t.lead) == subs[compact(t.lead)] for t in leads)
    sections = {compact(s.title).rstrip("。"): g.heading_en("tasklist", str(s.number)) for s in tl.sections}
    for k, s in enumerate(rep.parts[2].sections, 1):
        if compact(s.title) in sections:
            assert g.heading_en("report", f"3.{k}") == sections[compact(s.title)]


def test_the_two_linked_pages_show_the_same_heading(site):
    title = lambda url: re.search(r"<title>(.*?) · ", read(site, url), re.S).group(1)
    assert title("/en/tasklist/2026/1.1/") == title("/en/report/2026/3.1.1/") == \
        "Give full play to the guiding and coordinating role of planning"
    assert "two new wings" in title("/en/report/2026/3.1.3/") and "We will provide" not in title("/en/report/2026/3.1.3/")


def test_official_titles_win_in_the_body(corpus, loaded):
    """The commerce bureau's documents: the body's title is the gazette's English contents title."""
    from generator.cache.store import first_title

    tr = loaded[3]["en"]
    for did in ("doc:京商函字〔2026〕125号", "doc:京商电商字〔2026〕6号", "doc:京商消一字〔2026〕5号"):
        d = corpus.documents[did]
        key, zh = first_title(d)
        body = tr.get(f"{d.id}#{key}", zh, "documents").text
        assert body.replace('"', "") == d.title_en.replace("“", "").replace("”", "").replace("–", "-"), did
