"""Every word a reader sees comes from the theme's i18n files or the content, never from a Python literal (issue
21, point 4), kept by a checker: it walks the syntax tree of the modules that make what a reader sees and fails
on a string literal holding Chinese (ideographs or full-width punctuation), a typographic mark (the " · " between
a citation's parts, dashes, …) or English prose (three words or more) that can reach a page. The kinds' parser
modules are read in their functions that take a page's ``lang`` (titles, citation lines); link/evidence.py whole,
as its passages are quoted on the pages. It also fails on a flag named after a language (``zh = not
v.translated(lang)``): a page's choice of words is made for its language (the view's methods), not by a test
whose name says Chinese and means "not a translation".

A literal cannot reach a page, and is not reported, when it is
- a docstring;
- compared with something (``status == "已完成"``, ``x in ("…", "…")``): it matches the content, it is not shown;
- a regular expression or a parsing argument: an argument of ``re.…`` or of a string method that takes text
  apart (split, strip, startswith, find, maketrans …);
- a message for the editor, not the reader: an argument of ``Problem``, of an exception, of a report's
  ``error``/``warn`` or a YAML shape check, or an ``expected=``/``what=``/``message=`` keyword.
Everything else is reported unless ALLOWED names it (file and literal) with the reason it is not a reader's word.
"""
from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

from jinja2 import Environment

from conftest import ROOT
from generator.config import load_config

# the modules whose strings can end up on a page, in the search index, a feed or the open data (the kinds'
# modules beyond base.py, units.py and structure.py, which write labels and references, are parsers: their Chinese literals are the patterns they read)
SCOPE = ["generator/site", "generator/search.py", "generator/notes.py", "generator/kinds/base.py",
         "generator/kinds/units.py", "generator/kinds/structure.py", "generator/link/evidence.py"]
# the kinds' parsers: only their functions that take a page's language (title, citation …) make a reader's text
LANG_SCOPE = "generator/kinds"

# Chinese (ideographs, full-width punctuation) and the typographic marks of Latin-1 and General Punctuation (·,
# –, —, “ ”, …): a separator a reader sees is the theme's, as much as a word
CHINESE = re.compile(r"[\u00a1-\u00bf\u2010-\u205e\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
PROSE = re.compile(r"\b[A-Za-z][a-z]+(?: [a-z]+){2,}\b")  # "Tasks per section", not an id or a class name
TAG = re.compile(r"<[^>]*>")  # markup is not prose: its attributes are not words a reader sees

PARSING = {"split", "rsplit", "strip", "lstrip", "rstrip", "startswith", "endswith", "find", "rfind", "index",
           "rindex", "count", "partition", "rpartition", "maketrans", "removeprefix", "removesuffix"}
EDITOR = {"Problem", "SourceError", "error", "warn", "warning", "print"}
EDITOR_KEYWORDS = {"expected", "what", "message"}

# (file (its path as a regular expression), the literal as a regular expression, why it is not a reader's word -- or a TODO naming the finding that
# the module's owner finishes after the merge). Keep this list short: every entry must still match something.
ALLOWED = [
    ("generator/site/pages.py", r"^，。；：！？,;:!\?$", "the clause ends opening() cuts at: parsing"),
    ("generator/site/text.py", r"^，。；：！？,;:!\?$|^。；！？;!\?$|^0123456789\.．、 $",
     "clause and sentence ends, list numbering: parsing"),
    ("generator/site/text.py", r"^[《》（）()“”〈〉【】]$",
     "the pairs of marks opening() keeps whole: a title cut short is closed with the mark its source opened it with"),
    ("generator/site/html.py", r"^。$", "the sentence end a block's lead is cut at (text.find): parsing"),
    ("generator/site/opendata.py", r"^disk is full$|^unable to open database$",
     "SQLite's error messages, matched to tell a disk's fault from the data's (_DISK_ERRORS): parsing"),
    ("generator/kinds/structure.py", r"^。；：:;！？!\?$|^。；;：:！!？\?…”’」』$",
     "the punctuation a sentence or a paragraph ends with: parsing"),
    ("generator/kinds/structure.py", r"^第一条$|^第$|^条之$|^does not start at 第一条$|^款$",
     "the article or paragraph a numbering warning expects or names: messages for the editor, built in a "
     "variable before they reach report.warn"),
    ("generator/site/render.py", r"^a file of the theme$|^template not found: $",
     "messages for the editor passed on positionally (read_bytes' what, template_problem's message)"),
    ("generator/site/text.py", r"^UI strings: key: text lines",
     "what the theme's i18n file is expected to hold: a message for the editor"),
    ("generator/notes.py", r"^front matter: key: value lines", "what parse_yaml expects: a message for the editor"),
    ("generator/notes.py", r"^an id such as task/2026/20|^a Markdown note with YAML front matter$|"
     r"^a language code of content/site.yaml, or a list|^ids such as \[task/2026/20\]$|^a list of texts$|^a text shared with the note",
     "what a note's front matter expects: messages for the editor (notes.FIELDS, used by the shape checks)"),
]


def _call_name(call: ast.Call) -> tuple[str, str]:
    """(the receiver's name or "", the function's name) of a call: ``re.compile`` -> ("re", "compile")."""
    f = call.func
    if isinstance(f, ast.Attribute):
        owner = f.value.id if isinstance(f.value, ast.Name) else ""
        return owner, f.attr
    return "", f.id if isinstance(f, ast.Name) else ""


def _not_shown(node: ast.AST, parents: dict) -> bool:
    child = node
    while child in parents:
        p = parents[child]
        if isinstance(p, ast.Compare):
            return True
        if isinstance(p, ast.keyword) and p.arg in EDITOR_KEYWORDS:
            return True
        if isinstance(p, ast.Raise):
            return True
        if isinstance(p, ast.Call) and child is not p.func:
            owner, name = _call_name(p)
            if owner in ("re", "shape") or name in PARSING or name in EDITOR or name.endswith(("Error", "Problem")):
                return True
        child = p
    return False


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}


def _takes_lang(fn: ast.AST) -> bool:
    return isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        a.arg == "lang" for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs)


def _is_language_test(node: ast.AST) -> bool:
    """``v.translated(lang)``, ``lang == …``: a test of the page's language."""
    return any((isinstance(n, ast.Call) and _call_name(n)[1] == "translated")
               or (isinstance(n, ast.Compare) and any(isinstance(x, ast.Name) and x.id == "lang"
                                                      for x in [n.left, *n.comparators]))
               for n in ast.walk(node))


def reader_literals(path: Path, shown: str, only_lang_functions: bool = False,
                    languages: frozenset = frozenset({"zh", "en"})) -> list[tuple[str, int, str]]:
    """(file, line, literal) of every string literal in ``path`` that holds a reader's words and can reach a
    page, and of every flag named after one of ``languages`` set by a test of the page's language (see the
    module's docstring). ``only_lang_functions``: only in the functions that take ``lang``."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    docs = _docstrings(tree)
    parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    roots = [fn for fn in ast.walk(tree) if _takes_lang(fn)] if only_lang_functions else [tree]
    found = []
    for n in {id(n): n for root in roots for n in ast.walk(root)}.values():
        if (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                and n.targets[0].id in languages and _is_language_test(n.value)):
            found.append((shown, n.lineno, f"{n.targets[0].id} = {ast.unparse(n.value)}"))
        if not (isinstance(n, ast.Constant) and isinstance(n.value, str)) or id(n) in docs:
            continue
        s = n.value
        if (CHINESE.search(s) or PROSE.search(TAG.sub(" ", s))) and not _not_shown(n, parents):
            found.append((shown, n.lineno, s))
    return sorted(found, key=lambda hit: hit[1])


def _files(root: Path) -> list[tuple[Path, str, bool]]:
    """(file, its name, only its functions that take ``lang``) of every module the checker reads."""
    out, whole = [], set()
    for entry in SCOPE:
        p = root / entry
        for f in sorted(p.rglob("*.py")) if p.is_dir() else [p]:
            out.append((f, f.relative_to(root).as_posix(), False))
            whole.add(f)
    out += [(f, f.relative_to(root).as_posix(), True) for f in sorted((root / LANG_SCOPE).rglob("*.py"))
            if f not in whole]
    return out


def _languages() -> frozenset:
    return frozenset(load_config(ROOT).codes)


def _unallowed(found: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    return [(f, line, s) for f, line, s in found
            if not any(re.fullmatch(af, f) and re.search(pat, s) for af, pat, _ in ALLOWED)]


def test_no_reader_words_in_python():
    langs = _languages()
    found = [hit for f, shown, part in _files(ROOT) for hit in reader_literals(f, shown, part, langs)]
    bad = _unallowed(found)
    flags = tuple(f"{code} = " for code in langs)
    assert not bad, "\n".join(
        f"{f}:{line}: {s!r} names a language test after a language: choose the words for the page's language "
        f"(the view's methods: doc_number, issuer_name, unit_name …)" if s.startswith(flags) else
        f"{f}:{line}: the literal {s!r} can reach a page: its words belong in themes/default/i18n/{{zh,en}}.yaml "
        f"(or the content)" for f, line, s in bad)
    stale = [(af, pat) for af, pat, _ in ALLOWED
             if not any(re.fullmatch(af, f) and re.search(pat, s) for f, _, s in found)]
    assert not stale, f"allow-list entries that match nothing any more (remove them): {stale}"


def test_the_checker_finds_a_planted_literal(tmp_path):
    """A word written in Python is found, in both languages and inside an f-string; the literals that cannot
    reach a page are not."""
    mod = tmp_path / "planted.py"
    mod.write_text(textwrap.dedent('''
        """A docstring may say anything at all in 中文."""
        import re
        from generator.errors import Problem, SourceError
        STOP = re.compile(r"[，。]")
        def view(row, lang):
            if row.status == "已完成":
                pass
            parts = row.text.split("、")
            if not parts:
                raise SourceError([Problem("x", 1, "the row has no text at all", expected="a row with text")])
            title = "各部分任务数" if lang == "zh" else "Tasks per section"
            return {"title": title, "desc": f"{row.n} tasks in this section", "class": "chart-title"}
        '''), "utf-8")
    found = reader_literals(mod, "planted.py")
    assert sorted(s for _, _, s in found) == [" tasks in this section", "Tasks per section", "各部分任务数"]
    assert {line for _, line, _ in found} == {12, 13}
    assert _unallowed(found) == found  # the allow-list names files, so a planted module is never excused


def test_the_checker_finds_separators_and_language_flags(tmp_path):
    """A separator written in Python (" · ") and a flag named after a language are found; in a parser module
    only inside the functions that take a page's ``lang``, where the kinds make titles and citation lines."""
    mod = tmp_path / "kind.py"
    mod.write_text(textwrap.dedent('''
        SEP = " · "
        def parse(text):
            return text.split(" · ")
        def citation(v, d, lang):
            zh = not v.translated(lang)
            num = d.number if zh else d.number_en
            return num + " · " + v.date(d.date, lang)
        '''), "utf-8")
    whole = reader_literals(mod, "kind.py")
    assert [(line, s) for _, line, s in whole] == [(2, " · "), (6, "zh = not v.translated(lang)"), (8, " · ")]
    assert [(line, s) for _, line, s in reader_literals(mod, "kind.py", only_lang_functions=True)] == [
        (6, "zh = not v.translated(lang)"), (8, " · ")]
    assert reader_literals(mod, "kind.py", languages=frozenset({"fr"})) == [w for w in whole if w[1] != 6]


# Templates: the words between tags (and in Jinja string literals) must be expressions, not text. (template,
# the words as a regular expression, why they are not a reader's words to translate -- or a TODO)
TEMPLATES = ROOT / "themes" / "default" / "templates"
ALLOWED_IN_TEMPLATES = [
    ("base.html", r"^Atom$", "the name of the feed format, the same in every language"),
    ("gazette.html", r"^[【】（）]$", "the gazette's own table of contents, set in its printed punctuation"),
]
CODE = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S)
WORD = re.compile(r"[A-Za-z]{2,}(?:[ '-][A-Za-z]+)*|[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def template_words(path: Path) -> list[tuple[str, int, str]]:
    """(template, line, words) of the text a template writes itself: its markup's text outside tags (not in
    code examples, scripts or styles) and its Jinja string literals holding Chinese or English prose. An
    expression stands in as a NUL, so a tag that holds one is still a tag."""
    name = path.name
    found, text = [], []
    for line, kind, value in Environment().lex(path.read_text("utf-8")):
        if kind == "data":
            text.append(value)
            continue
        text.append("\0" + "\n" * value.count("\n"))
        if kind == "string" and (CHINESE.search(value) or PROSE.search(value)):
            found.append((name, line, value[1:-1]))
    body = CODE.sub(lambda m: "\n" * m.group(0).count("\n"), "".join(text))
    body = re.sub(r"<[^>]*>", lambda m: "\n" * m.group(0).count("\n"), body)
    body = re.sub(r'[\w-]+="[^"<>]*"', "", body)  # an attribute a macro adds to a tag its caller opened
    body = re.sub(r"&#?\w+;", " ", body)
    for m in WORD.finditer(body):
        found.append((name, body.count("\n", 0, m.start()) + 1, m.group(0)))
    return found


def _unallowed_in_templates(found):
    return [(f, line, s) for f, line, s in found
            if not any(f == af and re.search(pat, s) for af, pat, _ in ALLOWED_IN_TEMPLATES)]


def test_no_reader_words_in_templates():
    found = [hit for p in sorted(TEMPLATES.glob("*.html")) for hit in template_words(p)]
    bad = _unallowed_in_templates(found)
    assert not bad, "\n".join(f"themes/default/templates/{f}:{line}: {s!r} is written in the template: a reader's "
                              f"words come from ui (themes/default/i18n/{{zh,en}}.yaml) or the page's objects"
                              for f, line, s in bad)
    stale = [(af, pat) for af, pat, _ in ALLOWED_IN_TEMPLATES
             if not any(f == af and re.search(pat, s) for f, _, s in found)]
    assert not stale, f"allow-list entries that match nothing any more (remove them): {stale}"


def test_the_template_checker_finds_planted_words(tmp_path):
    planted = tmp_path / "planted.html"
    planted.write_text(textwrap.dedent('''\
        {# a comment may say anything: Tasks per section #}
        <h2 class="chart-title" title="{{ ui.x }}">{{ ui.tasks }}</h2>
        <p>Tasks per section</p>
        <p>{{ items|join('、') }} {{ 'no figure reported' if x else '' }}</p>
        <pre><code>sqlite3 -header data.sqlite</code></pre>
        <p>{{ ui.colon }}&nbsp;{{ n }}：</p>
        '''), "utf-8")
    found = template_words(planted)
    assert [(line, s) for _, line, s in found] == [
        (4, "、"), (4, "no figure reported"), (3, "Tasks per section"), (6, "：")]
    assert _unallowed_in_templates(found) == found


def test_the_moved_words_reach_the_pages(site):
    """The words taken out of Python and the templates reach the pages from the theme and the sources: the task
    list's charts' titles and descriptions, the gazette's note under its table of contents (as its source prints
    it), the label before a Traditional original with the page's own colon; and those pages are valid HTML."""
    from conftest import nu_errors, read

    tl = {lang: read(site, f"/{lang}/tasklist/2026/") for lang in ("zh", "en")}
    desc = {lang: re.findall(r"<desc id=\"c\w+d\">([^<]*)</desc>", tl[lang]) for lang in tl}
    assert desc["zh"][0].startswith("一、深入落实城市总体规划，推动京津冀协同发展走深走实：27项；二、")
    assert desc["en"][0].startswith("1. Implement the Urban Master Plan in depth and take Beijing-Tianjin-Hebei "
                                    "coordinated development deeper and further: 27 tasks; 2. ")
    assert desc["zh"][1].startswith("市发展改革委：98项；") and desc["en"][1].endswith(" tasks")
    assert re.findall(r'<figcaption class="chart-title">([^<]+)</figcaption>', tl["zh"]) == [
        "各部分任务数", "牵头任务最多的15个单位"]

    lines = (ROOT / "content/sources/2026-gazette-12.txt").read_text("utf-8").split("\n")
    k = next(i for i, t in enumerate(lines) if t.startswith("(The Table of Contents"))
    note = f"{lines[k].strip()} {lines[k + 1].strip()}"
    assert note.endswith("official.)")
    for lang in ("zh", "en"):
        assert f'<p class="muted" lang="en">{note}</p>' in read(site, f"/{lang}/gazette/2026/12/")

    en = read(site, "/en/livelihood/2026/3.3/")
    assert '<span class="label">Original (Traditional script): </span>' in en and "：</span>" not in en
    assert '<span class="label">繁体原文：</span>' in read(site, "/zh/livelihood/2026/3.3/")

    pages = [site / p for p in ("zh/tasklist/2026/index.html", "en/tasklist/2026/index.html",
                                "zh/progress/2025/daxing/index.html", "en/progress/2025/daxing/index.html",
                                "en/gazette/2026/12/index.html", "en/livelihood/2026/3.3/index.html")]
    assert nu_errors(pages) == []
