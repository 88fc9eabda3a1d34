"""Randomized incremental builds (issue 15): seeded random sequences of edits of every kind of input (sources,
notes, catalogs, glossary, templates, links.yaml); after each sequence the incremental build's output must be
byte for byte what a full build of the same content writes into an empty folder. A mismatch prints the seed
and the edits, so the case can be replayed alone (``-k 'seed-17'``). The suite runs ten sequences;
``RANDOM_SEQUENCES=50`` (or any number) runs more."""
from __future__ import annotations

import os
import random
import re
import shutil

import pytest

from conftest import ROOT
from faultlib import diff, make_base, new_case, tree

DATA = ROOT / "tests" / "data" / "ingest"
SOURCES = "content/sources"
NEW_SOURCES = ["gazette-2026-13.txt", "circular-2027-jiaowei.txt", "circular-2027-letterhead.txt",
               "circular-halfwidth-number.txt", "circular-simplified.txt", "circular-traditional.txt"]
EDITABLE = ["2026-gazette-12.txt", "2026-work-report.txt"]  # running text whose lines carry no structure
CJK = re.compile(r"[\u4e00-\u9fff]")
REFS = ["task/2026/20", "task/2026/1", "task/2026/150", "livelihood/2026/7.1", "livelihood/2026/3",
        "report/2026/3.1.4", "progress/2025/daxing/5", "doc:京政发〔2026〕1号", "unit/shi-fa-zhan-gai-ge-wei",
        "gazette/2026/12", "tasklist/2026/1.4"]
# the suite runs 10 sequences (CI has 20 minutes for everything); RANDOM_SEQUENCES=50 runs more
SEEDS = range(1, 1 + int(os.environ.get("RANDOM_SEQUENCES", "10")))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    b = make_base(tmp_path_factory.mktemp("random-base"))
    from generator.build import load_all

    corpus = load_all(b.proj)[2]
    b.rule_links = sorted((l.src, l.dst) for l in corpus.links if l.origin == "rule")
    b.ids = sorted(i for i in corpus.tasklists["tasklist/2026"].tasks)  # task numbers
    return b


# ------------------------------------------------------------------ the edits: each returns what it did
def edit_source_paragraph(c, rng, base):
    """One character added inside a long line of running text (a paragraph, a task), never a line that
    carries structure (numbers, lead units, headings, the table of contents)."""
    name = rng.choice(EDITABLE)
    path = c.path(f"{SOURCES}/{name}")
    lines = path.read_text("utf-8").split("\n")
    candidates = [i for i, l in enumerate(lines) if len(CJK.findall(l)) >= 30 and "主责单位" not in l
                  and "\t" not in l and not re.match(r"^\s*(\d|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", l)]
    i = rng.choice(candidates)
    at = [m.start() for m in CJK.finditer(lines[i])][rng.randrange(5, 25)]
    ch = rng.choice("和及并且也")
    lines[i] = lines[i][:at] + ch + lines[i][at:]
    c.write(f"{SOURCES}/{name}", "\n".join(lines))
    return f"source {name}:{i + 1}: {ch!r} inserted at column {at + 1}"


def add_or_remove_source(c, rng, base):
    present = [n for n in NEW_SOURCES if c.path(f"{SOURCES}/zz-{n}").exists()]
    if present and rng.random() < 0.5:
        n = rng.choice(present)
        c.remove(f"{SOURCES}/zz-{n}")
        return f"source zz-{n} removed"
    n = rng.choice([n for n in NEW_SOURCES if n not in present] or NEW_SOURCES)
    shutil.copy(DATA / n, c.path(f"{SOURCES}/zz-{n}"))
    return f"source zz-{n} added"


def note_edit(c, rng, base):
    notes = sorted(p.name for p in c.path("content/notes").glob("*.md"))
    what = rng.choice(["add", "edit", "remove"] if notes else ["add"])
    if what == "add":
        k = rng.randrange(1000)
        ref, cited = rng.choice(REFS), rng.choice(REFS)
        lang = rng.choice(["zh", "en"])
        c.write(f"content/notes/2026-06-{k % 28 + 1:02d}-random-{k}-{lang}.md",
                f"---\ntitle: 随机说明 {k}\nlang: {lang}\ndate: 2026-06-{k % 28 + 1:02d}\nauthor: 编辑部\n"
                f"refs: [\"{ref}\"]\n---\n\n见 [[{cited}]]。第{k}条。\n")
        return f"note added about {ref} citing {cited}"
    name = rng.choice(notes)
    if what == "edit":
        c.write(f"content/notes/{name}", c.read(f"content/notes/{name}") + f"\n补充 {rng.randrange(1000)}。\n")
        return f"note {name} edited"
    c.remove(f"content/notes/{name}")
    return f"note {name} removed"


def catalog_edit(c, rng, base):
    name = rng.choice(["tasks.po", "documents.po", "report.po", "livelihood.po", "progress.po"])
    rel = f"content/translations/en/{name}"
    lines = c.read(rel).split("\n")
    i = rng.choice([i for i, l in enumerate(lines) if l.startswith('msgstr "') and len(l) > 12])
    lines[i] = 'msgstr "Revised: ' + lines[i][len('msgstr "'):]
    c.write(rel, "\n".join(lines))
    return f"catalog {name}:{i + 1} changed"


def glossary_edit(c, rng, base):
    """A unit's English name (units.yaml) or a heading's (headings.yaml) changed."""
    if rng.random() < 0.7:
        rel, start = "content/glossary/units.yaml", "    en: "
    else:
        rel, start = "content/glossary/headings.yaml", '  "'
    lines = c.read(rel).split("\n")
    i = rng.choice([i for i, l in enumerate(lines) if l.startswith(start) and l.rstrip().endswith('"}' if
                                                                                                start == '  "' else '"')])
    end = -2 if lines[i].rstrip().endswith('"}') else -1
    lines[i] = lines[i].rstrip()[:end] + f" (renamed {rng.randrange(100)})" + lines[i].rstrip()[end:]
    c.write(rel, "\n".join(lines))
    return f"English renamed at {rel.rsplit('/', 1)[-1]}:{i + 1}"


def template_edit(c, rng, base):
    templates = sorted(p.name for p in c.path("themes/default/templates").glob("*.html"))
    name = rng.choice(templates)
    rel = f"themes/default/templates/{name}"
    word = rng.choice(["版本", "revised", "v2"])
    text = c.read(rel)
    # a word of the page chrome: inside the first element that holds text, or a comment in a partial
    m = re.search(r"</(h1|p|footer|main|span|a)>", text)
    text = (text[:m.start()] + f" {word}" + text[m.start():]) if m else text + f"<!-- {word} -->\n"
    c.write(rel, text)
    return f"template {name}: word {word!r} added"


def links_edit(c, rng, base):
    """An override added (a livelihood project -> a task) or a rule's link removed; never one entry twice
    (that is an error of its own)."""
    rel = "content/links.yaml"
    text = c.read(rel)
    if rng.random() < 0.5:
        src, dst = rng.choice([p for p in base.rule_links if f"{{source: {p[0]}, target: {p[1]}}}" not in text])
        entry = f"  - {{source: {src}, target: {dst}}}"
        # remove: is the file's last section
        text = text.replace("remove: []", "remove:\n" + entry) if "remove: []" in text else text + entry + "\n"
        c.write(rel, text)
        return f"links.yaml: rule link {src} -> {dst} removed"
    src, n = f"livelihood/2026/{rng.randrange(1, 11)}", rng.choice(base.ids)
    while f"{{source: {src}, target: task/2026/{n}," in text:
        n = rng.choice(base.ids)
    c.write(rel, text.replace("add:\n", f"add:\n  - {{source: {src}, target: task/2026/{n}, kind: related, "
                                        f"evidence: 随机{n}}}\n", 1))
    return f"links.yaml: {src} -> task/2026/{n} added"


EDITS = [edit_source_paragraph, add_or_remove_source, note_edit, catalog_edit, glossary_edit, template_edit,
         links_edit]


@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed-{s}" for s in SEEDS])
def test_incremental_build_equals_full_build_after_random_edits(base, tmp_path, seed):
    from generator.build import build

    rng = random.Random(seed)
    case = new_case(base, tmp_path)
    done = [edit(case, rng, base) for edit in rng.choices(EDITS, k=rng.randint(1, 4))]
    inc = build(case.proj, case.out, search=False)
    full_out = tmp_path / "full" / "site"
    full = build(case.proj, full_out, search=False)
    now = tree(case.out)
    differ = diff(now, tree(full_out))
    assert not differ, f"seed {seed}, edits {done}: incremental output differs from a full build in {differ[:8]}"
    assert diff(now, base.tree), f"seed {seed}, edits {done}: the edits changed nothing (the test would be idle)"
    assert inc.pages == full.pages and inc.rendered + inc.reused == inc.pages, (seed, done)
    assert inc.coverage == full.coverage, (seed, done)
