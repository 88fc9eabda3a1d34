"""The fault suite (issue 15): hostile files of every kind the project reads, builds killed at random moments,
two builds at once, a full disk. Every case asserts the exit status, a message naming the file (and the line
where there is one), no traceback, content/ unchanged and the previous site unchanged (bytes compared).

Bad input is tried on a copy of the project with a site already built into ``site/``; the build runs in this
process (the command line's ``main``), except where a separate process is the point (kill -9, two builds)."""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT, leftovers
from faultlib import SITE, diff, make_base, new_case, run, run_process, tree

DATA = ROOT / "tests" / "data" / "ingest"
GAZETTE = "content/sources/2026-gazette-12.txt"
NOTE = "content/notes/2026-03-30-task-2026-20-zh.md"
UNITS = "content/glossary/units.yaml"
HEADINGS = "content/glossary/headings.yaml"
TERMBASE = "content/glossary/termbase.yaml"
PROVENANCE = "content/sources/provenance.yaml"
TASKS_PO = "content/translations/en/tasks.po"
LINKS = "content/links.yaml"
SITE_YAML = "content/site.yaml"
TEMPLATES = "themes/default/templates"
UI_EN = "themes/default/i18n/en.yaml"
FM = "---\ntitle: 说明\nlang: zh\ndate: 2026-05-01\nauthor: 编辑部\nrefs: [task/2026/20]\n{extra}---\n\n正文。\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_base(tmp_path_factory.mktemp("faults-base"))


@pytest.fixture()
def case(base, tmp_path):
    return new_case(base, tmp_path)


def note(c, name: str, front: str, body: str = "正文。\n"):
    c.write(f"content/notes/{name}", f"---\n{front}---\n\n{body}")


def outside(c, text: str = "secret\n") -> Path:
    """A file outside the project (beside it)."""
    p = c.home / "outside.txt"
    p.write_text(text, "utf-8")
    return p


def symlink(c, rel: str, target) -> None:
    p = c.path(rel)
    if p.is_symlink() or p.exists():
        p.unlink()
    os.symlink(target, p)


# ------------------------------------------------------------------------------------------- the cases
# (id, setup(case), what stderr must say). Every one must fail with exit 1 and leave content/ and the site as
# they were.
S = "content/sources"
N = "content/notes"
HOSTILE = [
    # --- sources
    ("source-newline-in-name", lambda c: c.write(f"{S}/a\nb\x1b.txt", "这不是任何一种文件。\n"),
     ["  content/sources/a\\nb\\x1b.txt:1: unknown document kind"]),  # one line, as a CI log shows it
    ("source-empty", lambda c: c.write(f"{S}/zz.txt", ""), ["content/sources/zz.txt:1: file is empty"]),
    ("source-blank-lines", lambda c: c.write(f"{S}/zz.txt", "\n \n\t\n"), ["content/sources/zz.txt:1: file is empty"]),
    ("source-only-bom", lambda c: c.write_bytes(f"{S}/zz.txt", b"\xef\xbb\xbf"), ["content/sources/zz.txt:1: file is empty"]),
    ("source-binary", lambda c: c.write_bytes(f"{S}/zz.txt", bytes(range(256)) * 40),
     ["content/sources/zz.txt:3: not UTF-8: byte 0x80 at column 115 cannot be decoded"]),  # CR (13) ends line 2
    ("source-cr-not-utf8", lambda c: c.write_bytes(f"{S}/zz.txt", "第一行\r第二行\r\n第三\r".encode() + b"ab\xff"),
     ["content/sources/zz.txt:4: not UTF-8: byte 0xff at column 3 cannot be decoded"]),
    ("source-png", lambda c: c.write_bytes(f"{S}/zz.txt", b"\x89PNG\r\n\x1a\n" + os.urandom(64)),
     ["content/sources/zz.txt:1: not UTF-8: byte 0x89 at column 1 cannot be decoded"]),
    ("source-utf16-bom", lambda c: c.write_bytes(f"{S}/zz.txt", c.read(GAZETTE).encode("utf-16")),
     ["content/sources/zz.txt:1: file is UTF-16, not UTF-8"]),
    ("source-utf16-no-bom", lambda c: c.write_bytes(f"{S}/zz.txt", "京政发〔2027〕1号\n".encode("utf-16-le")),
     ["content/sources/zz.txt:1: "]),
    ("source-gbk", lambda c: c.write_bytes(f"{S}/zz.txt", "北京市人民政府\n京政发〔2027〕1号\n".encode("gbk")),
     ["content/sources/zz.txt:1: not UTF-8: byte 0xb1 at column 1 cannot be decoded"]),
    ("source-bad-byte-line-5", lambda c: c.write_bytes(f"{S}/zz.txt", "一\n二\n三\n四\n".encode() + b"ok \xff\n"),
     ["content/sources/zz.txt:5: not UTF-8: byte 0xff at column 4 cannot be decoded"]),
    ("source-nul", lambda c: c.edit(GAZETTE, "北京市人民政府关于印发", "北京市人民政府\x00关于印发"),
     [f"{GAZETTE}:", "NUL (U+0000) at column"]),
    ("source-form-feed", lambda c: c.write(f"{S}/zz.txt", "北京市人民政府\n\x0c京政发〔2027〕1号\n"),
     ["content/sources/zz.txt:2: form feed (U+000C) at column 1"]),
    ("source-escape", lambda c: c.write(f"{S}/zz.txt", "北京\x1b[31m市\n"),
     ["content/sources/zz.txt:1: escape (U+001B) at column 3"]),
    # accepted before (a hostile-input review): NEL, which HTML forbids; a line separator no reader splits at; a
    # right-to-left override, which shows a line otherwise than it is stored
    ("source-nel", lambda c: c.edit(GAZETTE, "北京市人民政府关于印发", "北京市人民政府\x85关于印发"),
     [f"{GAZETTE}:", "next-line character (NEL) (U+0085) at column"]),
    ("source-line-separator", lambda c: c.write(f"{S}/zz.txt", "北京市人民政府\n京政发\u2028〔2027〕1号\n"),
     ["content/sources/zz.txt:2: line separator (U+2028) at column 4"]),
    ("source-bidi-override", lambda c: c.write(f"{S}/zz.txt", "北京\u202e市人民政府\n"),
     ["content/sources/zz.txt:1: bidirectional control (U+202E) at column 3",
      "with no control characters but tabs and line ends (\\n)"]),
    ("source-10mb-one-line", lambda c: c.write(f"{S}/zz.txt", "北京市人民政府关于" * (10 * 1024 * 1024 // 27)),
     ["content/sources/zz.txt:1: unknown document kind"]),
    ("source-unknown-kind", lambda c: c.write(f"{S}/zz.txt", "\n\n这是一段没有文号也没有标题的文字。\n"),
     ["content/sources/zz.txt:3: unknown document kind"]),
    ("source-gazette-missing-document", lambda c: shutil.copy(DATA / "bad-gazette-missing-document.txt",
                                                              c.path(f"{S}/2026-gazette-013.txt")),
     ["content/sources/2026-gazette-013.txt:"]),
    ("source-folder", lambda c: c.path(f"{S}/zz.txt").mkdir(),
     ["content/sources/zz.txt: is a folder (expected a file: source texts (*.txt))"]),
    ("source-dangling-link", lambda c: symlink(c, f"{S}/zz.txt", "nowhere.txt"),
     ["content/sources/zz.txt: is a symbolic link to a file that does not exist"]),
    ("source-link-out-of-project", lambda c: symlink(c, f"{S}/zz.txt", outside(c, c.read(GAZETTE))),
     ["content/sources/zz.txt: is a symbolic link to", "outside the project; it is not read"]),
    ("source-link-to-etc", lambda c: symlink(c, f"{S}/zz.txt", "/etc/hostname"),
     ["content/sources/zz.txt: is a symbolic link to /etc/hostname, outside the project"]),
    ("source-fifo", lambda c: os.mkfifo(c.path(f"{S}/zz.txt")),
     ["content/sources/zz.txt: is not a regular file (a named pipe, socket or device)"]),
    ("source-same-document-twice", lambda c: shutil.copy(c.path(GAZETTE), c.path(f"{S}/2026-gazette-12-copy.txt")),
     ["content/sources/2026-gazette-12.txt:", "is also in content/sources/2026-gazette-12-copy.txt:"]),
    ("source-task-out-of-sequence", lambda c: c.edit(GAZETTE, "\n2. 服务保障", "\n9. 服务保障"),
     [f"{GAZETTE}:", "task number 9 out of sequence"]),
    # --- notes
    ("note-title-control-character",
     lambda c: c.write(f"{N}/x.md", FM.format(extra="").replace("title: 说明", 'title: "说\\x01明"')),
     ["content/notes/x.md:2: title has the control character U+0001 (expected a text, without control characters)"]),
    ("links-evidence-control-character", lambda c: c.write(LINKS, 'add:\n  - {source: task/2026/1, target: '
                                                                   'task/2026/2, evidence: "a\\x07b"}\n'),
     ["content/links.yaml:2: ", "has the control character U+0007"]),
    ("note-no-front-matter", lambda c: c.write(f"{N}/x.md", "no front matter here\n"),
     ["content/notes/x.md:1: note without YAML front matter"]),
    ("note-unclosed-front-matter", lambda c: c.write(f"{N}/x.md", "---\ntitle: t\nlang: zh\n\nbody\n"),
     ["content/notes/x.md:1: front matter opened on this line has no closing ---"]),
    ("note-front-matter-list", lambda c: note(c, "x.md", "- title\n- lang\n"),
     ["content/notes/x.md:2: the front matter is a list (expected key: value lines"]),
    ("note-front-matter-text", lambda c: note(c, "x.md", "just some words\n"),
     ["content/notes/x.md:2: the front matter is a text ('just some words')"]),
    ("note-front-matter-empty", lambda c: note(c, "x.md", ""),
     ["content/notes/x.md: the front matter lacks title, lang, date, author, refs"]),
    ("note-missing-refs", lambda c: c.write(f"{N}/x.md", FM.replace("refs: [task/2026/20]\n", "").format(extra="")),
     ["content/notes/x.md: the front matter lacks refs (expected refs: ids such as [task/2026/20])"]),
    ("note-refs-mapping", lambda c: c.write(f"{N}/x.md", FM.format(extra="").replace("refs: [task/2026/20]",
                                                                                          "refs: {task: 20}")),
     ["content/notes/x.md:6: refs is a mapping (key: value lines) (expected ids such as [task/2026/20])"]),
    ("note-refs-item-mapping", lambda c: c.write(f"{N}/x.md", FM.format(extra="").replace(
        "refs: [task/2026/20]", "refs:\n  - task/2026/20\n  - {id: 1}")),
     ["content/notes/x.md:8: refs item 2 is a mapping (key: value lines)"]),
    ("note-refs-empty-list", lambda c: c.write(f"{N}/x.md", FM.replace("[task/2026/20]", "[]").format(extra="")),
     ["content/notes/x.md:6: refs in the front matter is empty (expected refs: ids such as [task/2026/20])"]),
    ("note-unknown-ref", lambda c: c.write(f"{N}/x.md", FM.replace("task/2026/20", "task/2026/999").format(extra="")),
     ["content/notes/x.md:6: unknown reference 'task/2026/999'"]),
    ("note-unknown-inline-ref", lambda c: c.write(f"{N}/x.md", FM.format(extra="") + "\n见 [[task/2026/0]]。\n"),
     ["content/notes/x.md:11: unknown reference [[task/2026/0]]"]),
    ("note-unknown-language", lambda c: c.write(f"{N}/x.md", FM.replace("lang: zh", "lang: fr").format(extra="")),
     ["content/notes/x.md:3: unknown language 'fr' (expected zh or en)"]),
    ("note-language-list", lambda c: c.write(f"{N}/x.md", FM.replace("lang: zh", "lang: [zh, de]").format(extra="")),
     ["content/notes/x.md:3: unknown language 'de' (expected zh or en)"]),
    ("note-bad-date", lambda c: c.write(f"{N}/x.md", FM.replace("2026-05-01", "2026-13-45").format(extra="")),
     ["content/notes/x.md:4: bad date '2026-13-45': month must be in 1..12"]),
    ("note-date-words", lambda c: c.write(f"{N}/x.md", FM.replace("2026-05-01", "yesterday").format(extra="")),
     ["content/notes/x.md:4: bad date 'yesterday' (expected YYYY-MM-DD)"]),
    ("note-date-number", lambda c: c.write(f"{N}/x.md", FM.replace("2026-05-01", "20260501").format(extra="")),
     ["content/notes/x.md:4: bad date 20260501 (expected YYYY-MM-DD)"]),
    ("note-title-list", lambda c: c.write(f"{N}/x.md", FM.replace("title: 说明", "title: [a, b]").format(extra="")),
     ["content/notes/x.md:2: title is a list (expected a text)"]),
    ("note-title-empty", lambda c: c.write(f"{N}/x.md", FM.replace("title: 说明", "title: ''").format(extra="")),
     ["content/notes/x.md:2: title in the front matter is empty (expected title: a text)"]),
    ("note-unknown-key", lambda c: c.write(f"{N}/x.md", FM.format(extra="ref: task/2026/1\n")),
     ["content/notes/x.md:7: unknown key 'ref' in the front matter (expected one of title"]),
    ("note-duplicate-key", lambda c: c.write(f"{N}/x.md", FM.format(extra="title: again\n")),
     ["content/notes/x.md:7: key 'title' appears twice (first at line 2); one of them would be lost"]),
    ("note-tags-mapping", lambda c: c.write(f"{N}/x.md", FM.format(extra="tags: {a: 1}\n")),
     ["content/notes/x.md:7: tags is a mapping (key: value lines) (expected a list of texts)"]),
    ("note-translation-key-list", lambda c: c.write(f"{N}/x.md", FM.format(extra="translation_key: [a]\n")),
     ["content/notes/x.md:7: translation_key is a list (expected a text)"]),
    ("note-alias-bomb", lambda c: c.write(f"{N}/x.md", "---\n" + "".join(
        f"{k}: &{k} [" + ", ".join([f"*{chr(ord(k) - 1)}"] * 9 if k > "a" else ["lol"] * 9) + "]\n"
        for k in "abcdefghi") + "title: t\n---\nx\n"),
     ["content/notes/x.md:3: YAML alias *a is not accepted here"]),
    ("note-deep-nesting", lambda c: note(c, "x.md", "title: " + "[" * 100000 + "]" * 100000 + "\n"),
     ["content/notes/x.md:2: lists and mappings nested more than 64 deep"]),
    ("note-huge-front-matter", lambda c: note(c, "x.md", "title: t\n" + "# padding\n" * 900_000),
     ["content/notes/x.md: file too large for a YAML file"]),
    ("note-python-tag", lambda c: c.write(f"{N}/x.md", FM.format(extra="x: !!python/object/apply:os.system [ls]\n")),
     ["content/notes/x.md:7: invalid YAML: could not determine a constructor for the tag"]),
    ("note-tab-indent", lambda c: note(c, "x.md", "title: t\nrefs:\n\t- task/2026/1\n"),
     ["content/notes/x.md:4: invalid YAML: found character that cannot start any token"]),
    ("note-not-utf8", lambda c: c.write_bytes(f"{N}/x.md", FM.format(extra="").encode() + "café\n".encode("latin-1")),
     ["content/notes/x.md:10: not UTF-8: byte 0xe9 at column 4 cannot be decoded"]),
    ("note-utf16", lambda c: c.write_bytes(f"{N}/x.md", FM.format(extra="").encode("utf-16")),
     ["content/notes/x.md:1: file is UTF-16, not UTF-8"]),
    ("note-nul-in-body", lambda c: c.write(f"{N}/x.md", FM.format(extra="") + "a\x00b\n"),
     ["content/notes/x.md:10: NUL (U+0000) at column 2"]),
    ("note-folder-named-md", lambda c: c.path(f"{N}/x.md").mkdir(),
     ["content/notes/x.md: is a folder (expected a file: editors' notes (*.md, *.markdown))"]),
    ("note-dangling-link", lambda c: symlink(c, f"{N}/x.md", "gone.md"),
     ["content/notes/x.md: is a symbolic link to a file that does not exist"]),
    ("note-link-out-of-project", lambda c: symlink(c, f"{N}/x.md", outside(c, FM.format(extra=""))),
     ["content/notes/x.md: is a symbolic link to", "outside the project"]),
    ("note-link-to-etc-passwd", lambda c: symlink(c, f"{N}/passwd.md", "/etc/passwd"),
     ["content/notes/passwd.md: is a symbolic link to /etc/passwd, outside the project"]),
    ("note-link-loop", lambda c: symlink(c, f"{N}/x.md", "x.md"),
     ["content/notes/x.md: cannot be read (Too many levels of symbolic links)"]),
    ("note-fifo", lambda c: os.mkfifo(c.path(f"{N}/x.md")),
     ["content/notes/x.md: is not a regular file"]),
    ("note-same-page-twice", lambda c: (c.write(f"{N}/same.md", FM.format(extra="")),
                                        c.write(f"{N}/SAME.MD", FM.format(extra=""))),
     ["note page note/same is also made from content/notes/"]),
    ("note-translation-key-twice", lambda c: (c.write(f"{N}/k1.md", FM.format(extra="translation_key: k\n")),
                                              c.write(f"{N}/k2.md", FM.format(extra="translation_key: k\n"))),
     ["content/notes/k2.md:7: translation_key 'k' is already used by the zh note content/notes/k1.md"]),
    # --- links.yaml
    ("links-list", lambda c: c.write(LINKS, "- source: task/2026/1\n  target: task/2026/2\n"),
     ["content/links.yaml:1: the file is a list (expected a mapping with the lists add: and remove:)"]),
    ("links-text", lambda c: c.write(LINKS, "hello\n"), ["content/links.yaml:1: the file is a text ('hello')"]),
    ("links-add-mapping", lambda c: c.write(LINKS, "add:\n  source: task/2026/1\n"),
     ["content/links.yaml:1: add is a mapping (key: value lines) (expected a list of entries"]),
    ("links-entry-text", lambda c: c.write(LINKS, "add:\n  - task/2026/1 -> task/2026/2\n"),
     ["content/links.yaml:2: add[1] is a text ('task/2026/1 -> task/2026/2')"]),
    ("links-score-high", lambda c: c.edit(LINKS, "    kind: implements\n", "    kind: implements\n    score: high\n"),
     ["content/links.yaml:11: add[1].score is a text ('high') (expected a number from 0 to 1)"]),
    ("links-score-out-of-range", lambda c: c.edit(LINKS, "    kind: implements\n", "    kind: implements\n    score: 5\n"),
     ["content/links.yaml:11: add[1].score is 5 (expected a number from 0 to 1)"]),
    ("links-unknown-key", lambda c: c.edit(LINKS, "    kind: implements\n", "    kind: implements\n    weight: 1\n"),
     ["content/links.yaml:11: unknown key 'weight' in add[1] (expected one of source"]),
    ("links-missing-target", lambda c: c.write(LINKS, "add:\n  - source: task/2026/1\n"),
     ["content/links.yaml:2: add[1] lacks target (expected target: an item id)"]),
    ("links-unknown-kind", lambda c: c.edit(LINKS, "kind: implements", "kind: resembles"),
     ["content/links.yaml:10: add[1].kind is a text ('resembles') (expected "]),
    ("links-unknown-section", lambda c: c.write(LINKS, "delete: []\n"),
     ["content/links.yaml:1: unknown key 'delete' in the file (expected one of add (links to add), remove"]),
    ("links-evidence-list", lambda c: c.edit(LINKS, 'evidence: "生育友好医院"', "evidence: [a, b]"),
     ["content/links.yaml:11: add[1].evidence is a list (expected a text)"]),
    ("links-repeated-entry", lambda c: c.write(LINKS, "add:\n  - {source: task/2026/1, target: task/2026/2}\n"
                                                      "  - {source: task/2026/1, target: task/2026/2, score: 0.5}\n"),
     ["content/links.yaml:3: add entry task/2026/1 -> task/2026/2 repeats the one at line 2"]),
    ("links-self-link", lambda c: c.write(LINKS, "add:\n  - {source: task/2026/1, target: task/2026/2}\n"
                                                  "  - {source: task/2026/3, target: task/2026/3}\n"),
     ["content/links.yaml:3: add entry links task/2026/3 to itself (expected a source and a target that are two "
      "different items)"]),
    ("links-unknown-id", lambda c: c.write(LINKS, "add:\n  - {source: task/2026/999, target: task/2026/1}\n"),
     ["content/links.yaml:2: unknown reference 'task/2026/999'"]),
    ("links-alias", lambda c: c.write(LINKS, "add:\n  - &a {source: task/2026/1, target: task/2026/2}\n  - *a\n"),
     ["content/links.yaml:3: YAML alias *a is not accepted here"]),
    ("links-bad-yaml", lambda c: c.write(LINKS, "add:\n  - {source: task/2026/1\n"),
     ["content/links.yaml:3: invalid YAML: did not find expected ',' or '}'"]),
    ("links-folder", lambda c: (c.remove(LINKS), c.path(LINKS).mkdir()),
     ["content/links.yaml: is a folder (expected a file: the editors' link overrides)"]),
    ("links-dangling-link", lambda c: symlink(c, LINKS, "missing.yaml"),
     ["content/links.yaml: is a symbolic link to a file that does not exist"]),
    ("links-not-utf8", lambda c: c.write_bytes(LINKS, b"add: []\n# \xfe\n"),
     ["content/links.yaml:2: not UTF-8: byte 0xfe at column 3"]),
    # --- site.yaml
    ("site-list", lambda c: c.write(SITE_YAML, "- title\n"), ["content/site.yaml:1: the file is a list"]),
    ("site-missing-title", lambda c: c.edit(SITE_YAML, "title:\n  zh: 北京政务公开文献库\n  en: Beijing Government Documents\n", ""),
     ["content/site.yaml: missing key 'title' (expected a mapping of language codes (zh, en) to texts, zh at least)"]),
    ("site-title-text", lambda c: c.edit(SITE_YAML, "title:\n  zh: 北京政务公开文献库\n  en: Beijing Government Documents\n",
                                         "title: Beijing\n"),
     ["content/site.yaml:2: bad value for 'title': 'Beijing' (expected a mapping of language codes (zh, en) to texts, "
      "zh at least)"]),
    ("site-base-url", lambda c: c.edit(SITE_YAML, "base_url: https://beijing-gov-docs.netlify.app", "base_url: ftp://x"),
     ["content/site.yaml:", "bad value for 'base_url': 'ftp://x' (expected an absolute http(s) URL)"]),
    ("site-unknown-key", lambda c: c.edit(SITE_YAML, "theme: default", "theme: default\nlanguage: zh"),
     ["content/site.yaml:12: unknown key 'language' in the file"]),
    ("site-theme-missing", lambda c: c.edit(SITE_YAML, "theme: default", "theme: nope"),
     ["content/site.yaml:11: bad value for 'theme': 'nope' (expected a folder under themes/ with templates/)"]),
    ("site-theme-path", lambda c: c.edit(SITE_YAML, "theme: default", "theme: ../../etc"),
     ["content/site.yaml:11: bad value for 'theme': '../../etc'"]),
    ("site-languages", lambda c: c.edit(SITE_YAML, "languages: [{code: zh", "languages: zh\nx: [{code: zh"),
     ["content/site.yaml:9: languages is a text ('zh') (expected a list of languages, each a mapping: code, hreflang"]),
    ("site-languages-authoritative", lambda c: c.edit(SITE_YAML, "name: English}", "name: English, authoritative: true}"),
     ["content/site.yaml:9: two authoritative languages: zh, en (expected exactly one language with authoritative: true"]),
    ("site-missing", lambda c: c.remove(SITE_YAML),
     ["content/site.yaml: site configuration missing"]),
    ("site-empty", lambda c: c.write(SITE_YAML, ""), ["content/site.yaml: missing key 'title'"]),
    ("site-duplicate-key", lambda c: c.edit(SITE_YAML, "theme: default", "theme: default\ntheme: default"),
     ["content/site.yaml:12: key 'theme' appears twice (first at line 11)"]),
    ("site-bad-date-value", lambda c: c.edit(SITE_YAML, "theme: default", "theme: 2026-02-30"),
     ["content/site.yaml:11: bad date '2026-02-30': day is out of range for month"]),
    # --- glossary
    ("units-list", lambda c: c.write(UNITS, "- zh: 市发展改革委\n"), ["content/glossary/units.yaml:1: the file is a list"]),
    ("units-units-mapping", lambda c: c.write(UNITS, "units:\n  zh: 市发展改革委\n"),
     ["content/glossary/units.yaml:1: units is a mapping (key: value lines) (expected a list of {zh, en, aliases"]),
    ("units-entry-text", lambda c: c.edit(UNITS, '  - zh: "市发展改革委"\n    aliases: []\n', '  - 市发展改革委\n  - zh: "市发展改革委"\n    aliases: []\n'),
     ["content/glossary/units.yaml:14: units[2] is a text ('市发展改革委')"]),
    ("units-missing-en", lambda c: c.edit(UNITS, '    en: "Beijing Municipal Commission of Development and Reform"\n', ""),
     ["content/glossary/units.yaml:14: units[2] lacks en (expected en: the English name)"]),
    ("units-en-list", lambda c: c.edit(UNITS, 'en: "Beijing Municipal Finance Bureau"', "en: [a, b]"),
     ["content/glossary/units.yaml:21: units[3].en is a list (expected a text)"]),
    ("units-unknown-level", lambda c: c.edit(UNITS, 'level: "city"', 'level: "town"'),
     ["content/glossary/units.yaml:12: units[1].level is a text ('town') (expected central or city or collective or "
      "district)"]),
    ("units-unknown-district", lambda c: c.edit(UNITS, 'district: "daxing"', 'district: "atlantis"'),
     ["content/glossary/units.yaml:", "district 'atlantis' is not in the districts list"]),
    ("units-unknown-key", lambda c: c.edit(UNITS, '    level: "city"\n', '    level: "city"\n    abbr: x\n', 1),
     ["content/glossary/units.yaml:13: unknown key 'abbr' in units[1]"]),
    ("units-same-name-twice", lambda c: c.edit(UNITS, '  - zh: "市财政局"', '  - zh: "市发展改革委"'),
     ["content/glossary/units.yaml:19: unit name '市发展改革委' is also a unit's name or alias at line 14"]),
    ("units-alias-is-another-unit", lambda c: c.edit(UNITS, 'aliases: ["市规划自然资源委(首规委办)"]',
                                                     'aliases: ["市规划自然资源委(首规委办)", "市财政局"]'),
     ["content/glossary/units.yaml:19: unit name '市财政局' is also a unit's name or alias at line 10"]),
    ("units-full-name-is-another-unit", lambda c: c.edit(UNITS, 'full: "北京市发展和改革委员会"', 'full: "市财政局"'),
     ["content/glossary/units.yaml:19: unit name '市财政局' is also a unit's full name at line 18"]),
    ("units-full-yes", lambda c: c.edit(UNITS, 'full: "北京市发展和改革委员会"', 'full: true'),
     ["content/glossary/units.yaml:18: units[2].full is true (a yes/no value) (expected a text: the full name)"]),
    ("units-aliases-mapping", lambda c: c.edit(UNITS, 'aliases: ["市规划自然资源委(首规委办)"]', "aliases: {a: b}"),
     ["content/glossary/units.yaml:10: units[1].aliases is a mapping (key: value lines) (expected a list of other "
      "spellings)"]),
    ("units-district-twice", lambda c: c.edit(UNITS, '{zh: "西城区", en: "Xicheng District", slug: "xicheng"}',
                                              '{zh: "东城区", en: "Xicheng District", slug: "xicheng"}'),
     ["content/glossary/units.yaml:686: district '东城区' is also at line 685; one of them would be lost"]),
    ("units-issuer-twice", lambda c: c.edit(UNITS, "{zh: 北京市财政局,", "{zh: 北京市商务局,"),
     ["content/glossary/units.yaml:711: issuer '北京市商务局' is also at line 708"]),
    ("units-bad-slug", lambda c: c.edit(UNITS, 'slug: "xicheng"', 'slug: "Xi Cheng"'),
     ["content/glossary/units.yaml:686: district slug 'Xi Cheng' (expected a slug of a-z, 0-9 and -)"]),
    ("headings-unquoted-number", lambda c: c.edit(HEADINGS, '  "3.10": {zh:', "  3.10: {zh:"),
     ["content/glossary/headings.yaml:70: heading number 3.10 is not quoted, so YAML reads it as a decimal number "
      '(expected a quoted number such as "3.10"']),
    ("headings-entry-list", lambda c: c.edit(HEADINGS, '  "1.1": {zh: "充分发挥规划统筹引领作用", en: "Give full play to the guiding and coordinating role of planning"}',
                                             '  "1.1": [a, b]'),
     ["content/glossary/headings.yaml:9: tasklist.1.1 is a list (expected {zh: …, en: …})"]),
    ("termbase-term-twice", lambda c: c.edit(TERMBASE, "  - {zh: 通知, en: Circular,",
                                             "  - {zh: 通知, en: Notice, source: site}\n  - {zh: 通知, en: Circular,"),
     ["content/glossary/termbase.yaml:30: term 通知 is also at line 29; one of its renderings would be lost"]),
    ("headings-family-list", lambda c: c.write(HEADINGS, "report: [a]\n"),
     ["content/glossary/headings.yaml:1: report is a list"]),
    ("glossary-folder", lambda c: (c.remove(HEADINGS), c.path(HEADINGS).mkdir()),
     ["content/glossary/headings.yaml: is a folder"]),
    # --- provenance.yaml
    ("provenance-list", lambda c: c.write(PROVENANCE, "- a\n"), ["content/sources/provenance.yaml:1: the file holds a list"]),
    ("provenance-entry-text", lambda c: c.write(PROVENANCE, "2026-gazette-12.txt: from the web\n"),
     ["content/sources/provenance.yaml:1: the entry of '2026-gazette-12.txt' is a str"]),
    ("provenance-unknown-key", lambda c: c.edit(PROVENANCE, "  origin: shared/seeds/004", "  author: x\n  origin: shared/seeds/004"),
     ["content/sources/provenance.yaml:5: unknown key 'author' in the entry of '2025-daxing-progress.txt'"]),
    ("provenance-copy-of-missing", lambda c: c.edit(PROVENANCE, "copy_of: 2026-gazette-12.txt", "copy_of: 2026-gazette-99.txt"),
     ["content/sources/provenance.yaml:", "copy_of of '2026-task-list-excerpt.txt' is '2026-gazette-99.txt'"]),
    ("provenance-url", lambda c: c.edit(PROVENANCE, "  origin: shared/seeds/004", "  url: www.beijing.gov.cn\n  origin: shared/seeds/004"),
     ["content/sources/provenance.yaml:5: url of '2025-daxing-progress.txt' is 'www.beijing.gov.cn' (expected an http(s) address)"]),
    ("provenance-bad-date", lambda c: c.edit(PROVENANCE, "received: '2026-11-22'", "received: 2026-11-31"),
     ["content/sources/provenance.yaml:6: bad date '2026-11-31': day is out of range for month"]),
    ("provenance-date-list", lambda c: c.edit(PROVENANCE, "received: '2026-11-22'", "received: [1]"),
     ["content/sources/provenance.yaml:6: received of '2025-daxing-progress.txt' is [1] (expected a date as YYYY-MM-DD)"]),
    ("provenance-alias", lambda c: c.write(PROVENANCE, "a.txt: &x {description: d}\nb.txt: *x\n"),
     ["content/sources/provenance.yaml:2: YAML alias *x is not accepted here"]),
    # --- catalogs
    ("po-unterminated", lambda c: c.edit(TASKS_PO, 'msgstr "Improve the capital\'s planning system', 'msgstr "Improve the capital\'s planning system', 1)
     or c.edit(TASKS_PO, 'construction land."\n', 'construction land.\n'),
     ["content/translations/en/tasks.po:25: unterminated string"]),
    ("po-bad-escape", lambda c: c.edit(TASKS_PO, 'msgstr "Improve the capital', 'msgstr "Improve\\q the capital'),
     ["content/translations/en/tasks.po:25: unknown escape \\q in a string"]),
    ("po-text-after-quote", lambda c: c.edit(TASKS_PO, 'construction land."\n', 'construction land." more\n'),
     ["content/translations/en/tasks.po:25: text after the closing quote: 'more'"]),
    ("po-garbage-line", lambda c: c.edit(TASKS_PO, '#. source-sha1: 4558f536a296\n', '#. source-sha1: 4558f536a296\nhello\n'),
     ["content/translations/en/tasks.po:31: unexpected line 'hello'"]),
    ("po-duplicate-in-file", lambda c: c.edit(TASKS_PO, 'msgctxt "task/2026/2"', 'msgctxt "task/2026/1"'),
     ["content/translations/en/tasks.po:31: msgctxt 'task/2026/1' is also at content/translations/en/tasks.po:23; one "
      "of the two entries would be lost"]),
    ("po-duplicate-across-files", lambda c: c.write("content/translations/en/zz.po",
                                                     'msgctxt "task/2026/20"\nmsgid "x"\nmsgstr "y"\n'),
     ["content/translations/en/zz.po:1: msgctxt 'task/2026/20' is also at content/translations/en/tasks.po:"]),
    ("po-not-utf8", lambda c: c.write_bytes("content/translations/en/zz.po", b'msgid "\xe9"\nmsgstr ""\n'),
     ["content/translations/en/zz.po:1: not UTF-8: byte 0xe9 at column 8"]),
    ("po-folder", lambda c: c.path("content/translations/en/zz.po").mkdir(),
     ["content/translations/en/zz.po: is a folder"]),
    ("po-string-outside-entry", lambda c: c.write("content/translations/en/zz.po", '"orphan"\n'),
     ["content/translations/en/zz.po:1: a string outside any entry"]),
    # --- theme
    ("template-syntax", lambda c: c.edit(f"{TEMPLATES}/task.html", "{% block main %}", "{% block main %}{% if %}"),
     ["themes/default/templates/task.html:", "template error: Expected an expression"]),
    ("template-missing", lambda c: c.remove(f"{TEMPLATES}/task.html"), ["themes/default/templates/task.html: the theme has no template task.html"]),
    ("template-undefined", lambda c: c.edit(f"{TEMPLATES}/task.html", "{% block main %}",
                                            "{% block main %}{{ nothing.here }}"),
     ["themes/default/templates/task.html:", "template error: 'nothing' is undefined"]),
    ("template-dangling-link", lambda c: symlink(c, f"{TEMPLATES}/extra.html", "gone.html"),
     ["themes/default/templates/extra.html: is a symbolic link to a file that does not exist"]),
    ("template-not-utf8", lambda c: c.write_bytes(f"{TEMPLATES}/task.html", c.path(f"{TEMPLATES}/task.html")
                                                  .read_bytes().replace(b"{% block main %}", b"{% block main %}\xff", 1)),
     ["themes/default/templates/task.html:", "not UTF-8: byte 0xff"]),
    ("template-fifo", lambda c: os.mkfifo(c.path(f"{TEMPLATES}/extra.html")),
     ["themes/default/templates/extra.html: is not a regular file"]),
    ("ui-fifo", lambda c: (c.remove(UI_EN), os.mkfifo(c.path(UI_EN))), ["themes/default/i18n/en.yaml: is not a regular file"]),
    ("ui-bad-yaml", lambda c: c.write(UI_EN, "home: [Home\n"), ["themes/default/i18n/en.yaml:2: invalid YAML"]),
    ("ui-key-missing", lambda c: c.edit(UI_EN, "\nhome: Home\n", "\n"),
     ["themes/default/i18n/en.yaml: no string 'home' (it is in themes/default/i18n/zh.yaml:"]),
    ("ui-list", lambda c: c.write(UI_EN, "- Home\n"), ["themes/default/i18n/en.yaml:1: the file is a list"]),
    ("ui-value-list", lambda c: c.edit(UI_EN, "\nhome: Home\n", "\nhome: [Home]\n"),
     ["themes/default/i18n/en.yaml:5: home is a list (expected a text, as in themes/default/i18n/zh.yaml:5)"]),
    ("ui-missing-file", lambda c: c.remove(UI_EN),  # a configured language without its strings: site.yaml says
     ["content/site.yaml:10: language 'en' has no theme strings (expected themes/default/i18n/en.yaml"]),
    ("ui-alias", lambda c: c.write(UI_EN, c.read(UI_EN) + "x: &a y\nz: *a\n"), ["themes/default/i18n/en.yaml:", "YAML alias *a"]),
    ("static-dangling-link", lambda c: symlink(c, "themes/default/static/css/gone.css", "nowhere.css"),
     ["themes/default/static/css/gone.css: is a symbolic link to a file that does not exist"]),
    # --- the content/ walk
    ("content-folder-linked-out", lambda c: (shutil.rmtree(c.path("content/notes")),
                                             os.symlink(c.home / "elsewhere", c.path("content/notes")),
                                             (c.home / "elsewhere").mkdir()),
     ["content/notes: is a symbolic link to", "outside the project"]),
]


@pytest.mark.parametrize("setup, says", [pytest.param(s, w, id=i) for i, s, w in HOSTILE])
def test_hostile_input_is_refused_with_file_and_line(case, setup, says):
    setup(case)
    content_before, themes_before = tree(case.path("content")), tree(case.path("themes"))
    code, out, err = run(case.proj, "build", "--no-search", "--out", str(case.out))
    assert code == 1, out + err
    assert "Traceback" not in err + out and "internal error" not in err, err
    assert "nothing was written" in err
    for s in says:
        assert s in err, err
    assert tree(case.path("content")) == content_before
    assert tree(case.path("themes")) == themes_before
    assert not diff(tree(case.out), case.before), "the previous site changed"
    assert not case.leftovers()


# ------------------------------------------------------------------ files that are fine, or only reported
def _page(c, url: str) -> str:
    return (c.out / url.lstrip("/") / "index.html").read_text("utf-8")


def _gazette13(c, rel: str) -> None:
    shutil.copy(DATA / "gazette-2026-13.txt", c.path(rel))


XSS = ("<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[x](javascript:alert(3))\n\n"
       "<a href=\"javascript:alert(4)\">a</a> <iframe src=\"https://example.org\"></iframe>\n")
# (id, command, setup, what the output must say, check(case) after the command)
ACCEPTED = [
    ("source-upper-case-TXT", "build", lambda c: _gazette13(c, f"{S}/2026-gazette-013.TXT"), [],
     lambda c: "2026年第13期" in _page(c, "/zh/gazette/2026/13/")),
    ("source-link-inside-project", "build",
     lambda c: ((c.proj / "incoming").mkdir(), _gazette13(c, "incoming/g13.txt"),
                symlink(c, f"{S}/2026-gazette-013.txt", "../../incoming/g13.txt")), [],
     lambda c: "2026年第13期" in _page(c, "/zh/gazette/2026/13/")),
    ("source-crlf-and-bom", "build",
     lambda c: c.write_bytes(GAZETTE, b"\xef\xbb\xbf" + c.read(GAZETTE).replace("\n", "\r\n").encode()), [],
     lambda c: not diff(tree(c.out), c.before)),  # the same text: the same site, byte for byte
    ("source-cr-line-ends", "build", lambda c: c.write_bytes(GAZETTE, c.read(GAZETTE).replace("\n", "\r").encode()), [],
     lambda c: not diff(tree(c.out), c.before)),  # old Mac line ends: the same text, the same site
    ("note-upper-case-MD", "build", lambda c: c.write(f"{N}/Upper.MD", FM.format(extra="")), [],
     lambda c: "说明" in _page(c, "/zh/note/upper/")),
    ("note-markdown-extension", "build", lambda c: c.write(f"{N}/long.markdown", FM.format(extra="")), [],
     lambda c: "说明" in _page(c, "/zh/note/long/")),
    ("note-link-inside-project", "build",
     lambda c: ((c.proj / "drafts").mkdir(), c.write("drafts/n.md", FM.format(extra="")),
                symlink(c, f"{N}/linked.md", "../../drafts/n.md")), [],
     lambda c: "说明" in _page(c, "/zh/note/linked/")),
    ("note-script-is-inert", "build", lambda c: c.write(f"{N}/xss.md", FM.format(extra="") + XSS), [],
     lambda c: "&lt;script&gt;alert(1)" in _page(c, "/zh/note/xss/")  # shown as text, never as markup
     and not re.search(r"<script>alert|<img|<iframe|<a [^>]*href=\"javascript|<[^>]*\sonerror=", _page(c, "/zh/note/xss/"))),
    ("readme-files-are-known", "check",
     lambda c: (c.write("content/README.md", "# content\n"), c.write(f"{N}/README.md", "# notes\n"),
                c.write(f"{S}/README.txt", "说明\n"), c.write(f"{N}/.gitkeep", "")), [],
     lambda c: True),
    ("replaced-texts-are-kept-not-read", "check", lambda c: (c.path(f"{S}/replaced").mkdir(),
                                                             c.write(f"{S}/replaced/2026-01-01-old.txt", "旧文本\n")),
     [], lambda c: True),
    ("note-as-txt-is-reported", "check", lambda c: c.write(f"{N}/draft.txt", "草稿\n"),
     ["warning: content/notes/draft.txt: file not read (expected editors' notes (*.md, *.markdown))"], None),
    ("unknown-folder-is-reported", "check", lambda c: c.write("content/data/x.csv", "a,b\n"),
     ["warning: content/data/: folder not read (expected content/ holds site.yaml, links.yaml, sources/"], None),
    ("extra-glossary-file-is-reported", "check", lambda c: c.write("content/glossary/terms.yaml", "terms: []\n"),
     ["warning: content/glossary/terms.yaml: file not read (expected the glossary (units.yaml, headings.yaml, termbase.yaml))"],
     None),
    ("catalog-backup-is-reported", "check", lambda c: shutil.copy(c.path(TASKS_PO), c.path(TASKS_PO + ".bak")),
     ["warning: content/translations/en/tasks.po.bak: file not read (expected translation catalogs (*.po))"],
     None),
    ("other-language-folder-is-reported", "check", lambda c: c.write("content/translations/fr/tasks.po", ""),
     ["warning: content/translations/fr/: catalogs of a language that content/site.yaml does not list as a "
      "translation ('fr'); they are not read"], None),
    ("interrupted-write-leftover-is-reported", "check",
     lambda c: c.write("content/translations/en/.tasks.po.x1y2.tmp", "half"),
     ["warning: content/translations/en/.tasks.po.x1y2.tmp: a temporary file left by an interrupted write"], None),
    ("dotfile-is-reported", "check", lambda c: c.write_bytes(f"{N}/.DS_Store", b"\0\1"),
     ["warning: content/notes/.DS_Store: file not read"], None),
    ("dangling-link-nobody-reads-is-reported", "check", lambda c: symlink(c, f"{N}/old.bak", "gone"),
     ["warning: content/notes/old.bak: is a symbolic link to a file that does not exist; it is not read"], None),
    ("po-entry-without-context-is-reported", "check",
     lambda c: c.write("content/translations/en/zz.po", 'msgid ""\nmsgstr ""\n\nmsgid "孤立"\nmsgstr "alone"\n'),
     ["warning: content/translations/en/zz.po:4: entry '孤立' has no msgctxt; it is not used"], None),
    ("provenance-entry-without-file-is-reported", "check",
     lambda c: c.write(PROVENANCE, c.read(PROVENANCE) + "2026-gazette-99.txt:\n  description: x\n"),
     ["warning: content/sources/provenance.yaml: entry '2026-gazette-99.txt' names no file in content/sources/"],
     None),
    ("links-empty-file", "check", lambda c: c.write(LINKS, ""), [], None),
]


@pytest.mark.parametrize("command, setup, says, check", [pytest.param(*a, id=i) for i, *a in ACCEPTED])
def test_files_are_read_or_reported(case, command, setup, says, check):
    """Every file under content/ is read (extensions in any case, links inside the project) or reported."""
    setup(case)
    content_before = tree(case.path("content"))
    args = ["build", "--no-search", "--out", str(case.out)] if command == "build" else [command]
    code, out, err = run(case.proj, *args)
    assert code == 0, err
    assert "Traceback" not in err + out and "internal error" not in err
    for s in says:
        assert s in err, err
    assert tree(case.path("content")) == content_before
    if check is not None:
        assert check(case)
    assert not case.leftovers()


def test_upper_case_catalog_extension_is_read(case):
    case.write("content/translations/en/EXTRA.PO", 'msgctxt "task/2026/20"\nmsgid "x"\nmsgstr "y"\n')
    code, _, err = run(case.proj, "check")
    assert code == 1 and "content/translations/en/tasks.po:175: msgctxt 'task/2026/20' is also at " \
                          "content/translations/en/EXTRA.PO:1; one of the two entries would be lost" in err


# ------------------------------------------------------------------ kill -9 at random moments
def _without_index(t: dict) -> dict:
    return {k: v for k, v in t.items() if not k.startswith("pagefind")}


@pytest.fixture(scope="module")
def searched(site, base):
    """The seed site with its search index (the session's), which is the base site plus pagefind/."""
    t = tree(site)
    assert _without_index(t) == base.tree, "a site does not depend on the folder it is built from"
    return site, t


def _edit_for_incremental(c) -> None:
    """Changes that make an incremental build do real work: a task's text (its pages, the list, the
    departments, the API) and a note."""
    c.edit(GAZETTE, "20. 促进通勤圈一体发展，", "20. 大力促进通勤圈一体发展，")
    c.edit(NOTE, "两处表述的区别：", "两处表述的区别如下：")


KILLS = [("full", False, 1), ("full", False, 2), ("incremental", False, 1), ("incremental", False, 2),
         ("full", True, 1), ("incremental", True, 1)]


@pytest.mark.parametrize("kind, search, seed", KILLS, ids=[f"{k}-{'search' if s else 'no-search'}-{n}"
                                                          for k, s, n in KILLS])
def test_killed_build_leaves_the_old_site_or_the_new_one(base, case, request, tmp_path, kind, search, seed):
    """kill -9 after a random (seeded) delay within the build's duration: the output folder is the previous
    site or the new one, whole; no temporary file is left in TMPDIR; the next build succeeds and removes
    the killed build's leftovers."""
    rng = random.Random(f"{kind}-{search}-{seed}")
    from generator.build import build

    if search:
        site, site_tree = request.getfixturevalue("searched")
    if kind == "full":  # no previous site: the folder is absent, or the whole new site
        shutil.rmtree(case.out)
        (case.home / f".{SITE}.manifest.pickle").unlink()
        old = {}
        new = site_tree if search else base.tree
    else:
        if search:  # the previous site has an index: the seed site with search
            shutil.rmtree(case.out)
            shutil.copytree(site, case.out, copy_function=os.link)
            shutil.copy(site.parent / f".{site.name}.manifest.pickle", case.home / f".{SITE}.manifest.pickle")
            old = site_tree
        else:
            old = base.tree
        _edit_for_incremental(case)
        ref = tmp_path / "ref" / SITE
        build(case.proj, ref, search=search)
        new = tree(ref)
    content = tree(case.path("content"))
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    args = ["build", "--out", str(case.out)] + ([] if search else ["--no-search"])
    # the build's duration: about 3 s without the index and 12 s with it on this machine, more under load
    delay = rng.uniform(0.2, 12.0 if search else 3.0)
    p = run_process(case.proj, *args, env_extra={"TMPDIR": str(tmpdir)})
    try:
        p.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
    state = tree(case.out)
    assert state == old or state == new, (f"seed {seed}, killed after {delay:.2f} s: neither the old site nor the "
                                          f"new one: {diff(state, new)[:5]} differ from the new one")
    assert tree(case.path("content")) == content
    # the next build (without the index: quick) succeeds and removes what the killed one left
    code, out, err = run(case.proj, "build", "--no-search", "--out", str(case.out))
    assert code == 0, err
    assert not case.leftovers()
    assert _without_index(tree(case.out)) == _without_index(new)
    assert not list(tmpdir.iterdir()), "the killed build left files in TMPDIR"
    assert not list(case.out.glob(".pagefind-src-*"))


def test_two_builds_at_once_one_waits_for_none(base, case):
    """Two builds into one folder: one runs, the other exits at once with the lock message and changes
    nothing; the first one's site is whole."""
    shutil.rmtree(case.out)
    (case.home / f".{SITE}.manifest.pickle").unlink()
    lock = case.home / f".{SITE}.lock"
    for _ in range(3):
        first = run_process(case.proj, "build", "--no-search", "--out", str(case.out))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and first.poll() is None:
            if lock.exists() and lock.read_text().strip() == str(first.pid):
                break
            time.sleep(0.005)
        code, out, err = run(case.proj, "build", "--no-search", "--out", str(case.out))
        running = first.poll() is None
        _, first_err = first.communicate()
        assert first.returncode == 0, first_err
        if running:
            break
        shutil.rmtree(case.out)  # the first one finished before the second started: try again
    else:
        pytest.skip("the first build finished too quickly three times to be overlapped")
    assert code == 1 and "Traceback" not in err
    assert f"another build (process {first.pid}) is writing this output folder; nothing was changed" in err
    assert tree(case.out) == base.tree
    assert not case.leftovers()


# ------------------------------------------------------------------ a full disk
@pytest.fixture()
def small_disk(tmp_path):
    """mount(size) -> a folder on a tmpfs of that size (this machine runs as root and allows it; skipped with
    the reason where mounting is refused); fill(folder, leave) fills it up to ``leave`` bytes free."""
    mounted = []

    def mount(size: str) -> Path:
        d = tmp_path / f"disk{len(mounted)}"
        d.mkdir()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(d)], capture_output=True,
                           text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {r.stderr.strip() or r.returncode}")
        mounted.append(d)
        return d

    yield mount
    for d in mounted:
        subprocess.run(["umount", "-l", str(d)], capture_output=True)


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system of ``folder`` until ``leave`` bytes are free."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free - leave
    with open(filler, "wb") as fh:
        try:
            while free > 0:
                fh.write(b"\0" * min(free, 1 << 20))
                free -= 1 << 20
            fh.flush()
        except OSError:
            pass
    return filler


def _site_on(disk: Path, base) -> Path:
    out = disk / SITE
    shutil.copytree(base.out, out)
    shutil.copy(base.out.parent / f".{SITE}.manifest.pickle", disk / f".{SITE}.manifest.pickle")
    return out


def test_disk_full_during_a_build_keeps_the_previous_site(base, case, small_disk):
    """The output's disk fills up while the pages are written: exit 1 naming the file, the previous site as
    it was, no staging folder left; with room again the build succeeds."""
    disk = small_disk("112m")  # the site (40 MB without search) and a whole new one
    out = _site_on(disk, base)
    before = tree(out)
    case.edit(f"{TEMPLATES}/base.html", "</main>", "</main>\n", 1)  # every page is written again
    filler = fill(disk, leave=1 << 20)
    content = tree(case.path("content"))
    code, _, err = run(case.proj, "build", "--no-search", "--out", str(out))
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    assert re.search(rf"{re.escape(str(out))}/\S+: no space left on the device while writing this file", err), err
    assert tree(out) == before
    assert tree(case.path("content")) == content
    assert leftovers(disk, f".{SITE}-") == []  # the failed build's staging folder, deleted in the background
    assert sorted(p.name for p in disk.iterdir()) == [f".{SITE}.lock", f".{SITE}.manifest.pickle", "filler", SITE]
    filler.unlink()
    code, _, err = run(case.proj, "build", "--no-search", "--out", str(out))
    assert code == 0, err


def test_disk_full_on_a_first_build_leaves_nothing(case, small_disk):
    disk = small_disk("4m")
    out = disk / SITE
    code, _, err = run(case.proj, "build", "--no-search", "--out", str(out))
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    # a file of the site, or the site's folder itself when the write that failed had no file name of its own
    # (about one run in ten: where a 4 MB disk fills varies)
    assert re.search(rf"{re.escape(str(out))}(/\S+)?: no space left on the device while writing", err), err
    assert leftovers(disk, f".{SITE}-") == []  # no half site, no staging folder (deleted in the background)
    assert sorted(p.name for p in disk.iterdir()) == [f".{SITE}.lock"]


@pytest.mark.parametrize("leave_mb", [6, 20])
def test_disk_full_on_a_first_build_with_search_leaves_nothing(case, small_disk, leave_mb):
    """A first build with search makes the open data in a process of its own while it indexes (build.py): a disk
    that fills up once the pages are written (here the index finds it full; tests/test_publishing.py has the open
    data's side fail) stops the build with one error naming the folder, no traceback, no half site and no
    process left writing."""
    disk = small_disk("64m")
    out = disk / SITE
    fill(disk, leave=(26 + leave_mb) << 20)  # the seed's pages and API files take some 26 MB
    code, _, err = run(case.proj, "build", "--out", str(out))
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    assert "no space left on the device" in err and f"{disk}/" in err, err
    assert leftovers(disk, f".{SITE}-") == []
    assert not out.exists()
    time.sleep(0.5)
    assert sorted(p.name for p in disk.iterdir() if p.name != f".{SITE}.search") == [f".{SITE}.lock", "filler"]
    assert not subprocess.run(["pgrep", "-f", str(out)], capture_output=True).stdout  # nothing still writing


def test_disk_full_while_indexing_keeps_the_previous_site(base, case, small_disk):
    """Room for the pages' copies but not for Pagefind's bundle: Pagefind's incomplete files are reported
    as a full disk at once (not three attempts), naming the index. (The room left holds the open data's copy of
    the served database, 12 MB, which an incremental build updates in place, and the pages. Measured on the seed
    site: with 12 MB left the disk fills before the index, with 16-24 MB while indexing, with 28 MB the build
    succeeds; 20 MB is the middle of that window.)"""
    disk = small_disk("80m")
    out = _site_on(disk, base)
    before = tree(out)
    fill(disk, leave=20 << 20)
    code, _, err = run(case.proj, "build", "--out", str(out))
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    # the index, or the record store of the pages' index copies beside the output (search.py)
    assert (f"{out}/pagefind" in err or f"{disk}/.{SITE}.search/" in err) and "no space left on the device" in err, err
    assert tree(out) == before
    assert not [p for p in disk.iterdir() if p.name.startswith(f".{SITE}-")]


def _project_on(disk: Path, case) -> Path:
    proj = disk / "proj"
    shutil.copytree(case.proj, proj, symlinks=True)
    return proj


def test_disk_full_during_i18n_leaves_every_catalog_as_it_was(case, small_disk):
    """i18n writes all catalogs or none: with the disk full, exit 1 naming a catalog, every catalog as it
    was, no temporary file left."""
    disk = small_disk("24m")
    proj = _project_on(disk, case)
    po = proj / TASKS_PO
    text = po.read_text("utf-8")
    start = text.index('#. source-sha1: 4558f536a296')  # task 2's entry: i18n puts it back
    po.write_text(text[:start] + text[text.index("#. source-sha1:", start + 10):], "utf-8")
    catalogs = tree(proj / "content")
    fill(disk)
    code, out, err = run(proj, "i18n")
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    assert re.search(r"content/translations/en/\w+\.po: no space left on the device while writing this file", err)
    assert tree(proj / "content") == catalogs


def test_disk_full_during_ingest_files_nothing(case, small_disk):
    disk = small_disk("24m")
    proj = _project_on(disk, case)
    content = tree(proj / "content")
    fill(disk)
    code, out, err = run(proj, "ingest", str(DATA / "gazette-2026-13.txt"))
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    assert "content/sources/2026-gazette-013.txt: no space left on the device while writing this file" in err
    assert tree(proj / "content") == content


# ------------------------------------------------------------------ an output that cannot be written
def test_read_only_disk_is_refused_before_anything_is_done(case, tmp_path):
    disk = tmp_path / "ro"
    disk.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(disk)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {r.stderr.strip()}")
    try:
        code, _, err = run(case.proj, "build", "--no-search", "--out", str(disk / SITE))
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    assert f"{disk}: cannot write here: read-only file system" in err


def test_output_under_a_file_is_refused(case):
    (case.home / "plain").write_text("a file\n", "utf-8")
    code, _, err = run(case.proj, "build", "--no-search", "--out", str(case.home / "plain" / SITE))
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    assert f"{case.home}/plain/{SITE}: {case.home}/plain is a file, so the output folder cannot be made there" in err
    assert (case.home / "plain").read_text("utf-8") == "a file\n"


def test_output_folder_that_cannot_be_replaced_is_left_whole(case):
    """An output folder the system will not let us rename (immutable, a mount point): exit 1 naming it, the
    site as it was, the staging folder removed."""
    if subprocess.run(["chattr", "+i", str(case.out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available on this file system")
    try:
        case.edit(NOTE, "两处表述的区别：", "两处表述的区别如下：")
        code, _, err = run(case.proj, "build", "--no-search", "--out", str(case.out))
    finally:
        subprocess.run(["chattr", "-i", str(case.out)], capture_output=True)
    assert code == 1 and "Traceback" not in err and "internal error" not in err, err
    assert f"{case.out}: permission denied while writing this file; it was left as it was" in err
    assert tree(case.out) == case.before
    assert not case.leftovers()


# ------------------------------------------------------------------ ingest and i18n --import
def _batch(c, name: str, text: str) -> Path:
    d = c.home / "batch"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, "utf-8")
    return d


COMMANDS = [
    ("ingest-binary", lambda c: (c.home / "in.txt").write_bytes(os.urandom(2000) + b"\0"), ["ingest", "{home}/in.txt"],
     ["{home}/in.txt:"]),
    ("ingest-utf16", lambda c: (c.home / "in.txt").write_bytes((DATA / "gazette-2026-13.txt").read_text("utf-8")
                                                                .encode("utf-16")),
     ["ingest", "{home}/in.txt"], ["{home}/in.txt:1: file is UTF-16, not UTF-8"]),
    ("ingest-folder", lambda c: (c.home / "in.txt").mkdir(), ["ingest", "{home}/in.txt"], ["{home}/in.txt: is a folder"]),
    ("ingest-missing", lambda c: None, ["ingest", "{home}/none.txt"], ["{home}/none.txt: no such file"]),
    ("ingest-dangling-link", lambda c: os.symlink(c.home / "gone.txt", c.home / "in.txt"), ["ingest", "{home}/in.txt"],
     ["{home}/in.txt: is a symbolic link to a file that does not exist"]),
    ("ingest-unknown-kind", lambda c: shutil.copy(DATA / "bad-unknown.txt", c.home / "in.txt"), ["ingest", "{home}/in.txt"],
     ["{home}/in.txt:1: unknown document kind"]),
    ("import-not-yaml", lambda c: _batch(c, "tasks-1.txt", "1: x\n"), ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/tasks-1.txt: not a YAML file; it would not be read"]),
    ("import-unknown-batch", lambda c: _batch(c, "misc.yaml", "a: b\n"), ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/misc.yaml: the file name says no kind of batch"]),
    ("import-tasks-list", lambda c: _batch(c, "tasks-1.yaml", "- a\n"), ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/tasks-1.yaml:1: the file is a list (expected a mapping of task number to its English (and "
      "year: its year, where the sources hold several))"]),
    # a year that names no year is an error, never read as no year (the batch would land on the only list)
    ("import-year-fraction", lambda c: _batch(c, "tasks-1.yaml", "year: 2027.5\n31: X.\n"),
     ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/tasks-1.yaml:1: year is 2027.5 (expected a year such as 2027)"]),
    ("import-year-not-held", lambda c: _batch(c, "tasks-1.yaml", "year: 2030\n"), ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/tasks-1.yaml:1: year 2030, but the sources hold task lists of 2026 only"]),
    ("import-backmatter-twice", lambda c: _batch(c, "docs-1.yaml", "backmatter 2026/12:\n  - {zh: 北京, en: B}\n"
                                                  "backmatter 2026/012:\n  - {zh: 北京, en: C}\n"),
     ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/docs-1.yaml:3: 'backmatter 2026/012' names the issue of 'backmatter 2026/12' at line 1 again"]),
    ("import-table-not-held", lambda c: _batch(c, "livelihood-1.yaml", "progress_table: progress/2030/x\n"),
     ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/livelihood-1.yaml:1: progress_table 'progress/2030/x' is not in the sources"]),
    ("import-table-yes", lambda c: _batch(c, "livelihood-1.yaml", "progress_table: true\nprogress:\n  1: {task: X}\n"),
     ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/livelihood-1.yaml:1: progress_table is true (a yes/no value) (expected the id of a "
      "progress table"]),
    ("import-task-number", lambda c: _batch(c, "tasks-1.yaml", "twenty: Promote\n"), ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/tasks-1.yaml:1: 'twenty' is not a number (expected a number counted from 1)"]),
    ("import-report-entry", lambda c: _batch(c, "report.yaml", "- {zh: 各位代表}\n"), ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/report.yaml:1: [1] lacks en"]),
    ("import-alias-bomb", lambda c: _batch(c, "docs-1.yaml", "a: &a [x, x]\nb: [*a, *a]\n"),
     ["i18n", "--import", "{home}/batch"], ["{home}/batch/docs-1.yaml:2: YAML alias *a is not accepted here"]),
    ("import-missing-folder", lambda c: None, ["i18n", "--import", "{home}/nothing"], ["{home}/nothing: no such folder"]),
    ("import-chinese-as-english", lambda c: _batch(c, "tasks-1.yaml", "3: Improve the capital's planning.\n"
                                                                       "4: 完善首都规划体系和实施机制\n"),
     ["i18n", "--import", "{home}/batch"],
     ["{home}/batch/tasks-1.yaml:2: '完善首都规划体系和实施机制' is Chinese, not English (expected the English of the entry)"]),
    ("import-a-file", lambda c: _batch(c, "tasks-1.yaml", "1: x\n"), ["i18n", "--import", "{home}/batch/tasks-1.yaml"],
     ["{home}/batch/tasks-1.yaml: a file, not a folder (expected a folder of batch translations (*.yaml))"]),
    ("i18n-authoritative-language", lambda c: None, ["i18n", "--lang", "zh"],
     ["content/site.yaml: --lang zh: the authoritative language, the sources' own: it has no catalogs"]),
]


@pytest.mark.parametrize("setup, args, says", [pytest.param(s, a, w, id=i) for i, s, a, w in COMMANDS])
def test_ingest_and_import_refuse_bad_files(case, setup, args, says):
    setup(case)
    content = tree(case.path("content"))
    code, out, err = run(case.proj, *[a.format(home=case.home) for a in args])
    assert code == 1, out + err
    assert "Traceback" not in err + out and "internal error" not in err, err
    for s in says:
        assert s.format(home=case.home) in err, err
    assert tree(case.path("content")) == content
