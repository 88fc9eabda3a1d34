"""Search: a sharded Pagefind index, made from the pages as they are rendered and updated
shard by shard.

**What Pagefind indexes.** Stock Pagefind cuts Chinese into dictionary words when it indexes
and with the browser's segmenter when it searches; a query cut differently from the page, or
across word boundaries, finds nothing. Here Pagefind gets, for each searchable page, an *index
copy* whose text is rewritten into a stream of words that cannot be cut differently:

* every run of Chinese characters and digits becomes its overlapping pairs, in order
  (``城市副中心`` -> ``城市 市副 副中 中心``; a run of one character stays one word), script
  folded to Simplified and width to ASCII (NFKC);
* every punctuation mark becomes a word of its own, ``ϙ`` + its code point in consonant hex
  (``〔`` -> ``ϙgbch``; a mark alone would be dropped or kept inconsistently by Pagefind);
* a space next to a run, and every block boundary (paragraph, cell, heading …), becomes a gap word,
  a backquote, which Pagefind counts as a position but does not index;
* Latin words stay as they are (Pagefind lowercases them, and stems them on English pages);
* Chinese characters spaced out one by one (``殷 勇``, a name padded to the width of three; ``目 录``) are
  written together first: a reader types them together.

A query term is turned into the same words by the search page and looked up as an *exact
phrase* (Pagefind's quoted search: the words at consecutive positions). So a term is found
exactly where it occurs: two pairs meet only if the characters do, a gap stops a phrase at a
space or a block boundary, and punctuation must match as typed. Precision and recall need no
second pass over the pages' text, and the count of results is the count of pages.

The page's text is taken where Pagefind takes it (``data-pagefind-body``, minus
``data-pagefind-ignore`` and the elements Pagefind always leaves out); the rewriting works on
the text nodes and leaves the markup alone, so Pagefind's own rules still decide what is
indexed, and a run that continues across an inline tag (``由<a>市交通委</a>牵头``) keeps its
pairs. The fragment Pagefind stores for a page holds the stream; the search page reads the text
back from it for excerpts (the pairs overlap by one character).

**Names.** Each page also carries its names (title; a document's number; a department's other
names; a task's opening), as words marked ``ϛ`` inside a ``~ … ~`` block, with ``ϟ`` and ``ϡ``
words for their first and last word, so the search page can tell "a name equals the query" and
"a name contains it" from "the text contains it" and rank in that order.

**Shards.** The index is split by language and year, and within a year into documents (with
gazette issues) and everything else; pages without a year (departments, notes) form a shard of
their own. Each shard is a Pagefind index in ``pagefind/<lang>/<shard>/``; ``pagefind/shards.json``
lists them with their page counts and a fingerprint of their pages. The search page searches the
shards of its language newest first and stops when it has enough results (see search.js).

**Incremental.** Index copies are made by the page workers while they render
(``record_for``), kept in a record store beside the output (``.<out>.search/``) keyed by page and
transformation, and a shard is indexed again only when the set of its pages' records changed; a
build where nothing changed indexes nothing and links the previous shards into the new site.

**Fragments.** A long page's words are cut into parts (``split_fragment``): the search page loads a result's
fragment (title, filters, first part) and the one part that holds its match, not the whole text. Fragment
names carry their shard's key, so that no two pages of the site share an id when the shards are merged.

Traditional-script queries are folded to Simplified in the browser with a map generated here from
OpenCC for every character the site uses (``t2s/<bucket>.json``: a query loads its characters' buckets).
"""
from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import gzip
import hashlib
import html as html_lib
import itertools
import json
import operator
import os
import pickle
import re
import shutil
import threading
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .normalize import CJK, to_simplified, to_traditional

SEARCH_VERSION = "7"  # the format of the index copies and of the shard folders; a change re-indexes everything
# the format of the shard folders alone (fragments cut into parts): a change indexes every shard again from the
# copies the record store keeps (SEARCH_VERSION's change would make the copies again too)
BUNDLE_VERSION = "3"
INDEX_DIR = "pagefind"
SHARDS_FILE = "shards.json"
ZH_INDEX_LANG = "x"  # the language the Chinese shards are indexed as: no segmenter, no stemmer (see module doc)

# ------------------------------------------------------------------ the word stream
RUN_CLASS = f"{CJK}0-9"
LATIN = f"[^\\W\\d_{CJK}]"
_SPLIT_RUNS = re.compile(f"([{RUN_CLASS}]+)")
_SPLIT_LATIN = re.compile(f"({LATIN}+)")
_HAS_RUN = re.compile(f"[{RUN_CLASS}]")
_RUN_CHAR = re.compile(f"[{RUN_CLASS}]")
# characters NFKC changes that matter to a run or a Latin word: full-width letters and digits, CJK
# compatibility ideographs, number forms, enclosed numbers, radicals, compatibility spaces (punctuation
# is folded one mark at a time, see _between)
_COMPAT = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uf900-\ufaff\u2150-\u24ff\u2e80-\u2fdf"
                     "\u3200-\u33ff\ufb00-\ufb4f\u00a0\u2000-\u200a\u3000]")
PUNCT_MARK, NAME_MARK, NAME_FIRST, NAME_LAST = "\u03d9", "\u03db", "\u03df", "\u03e1"  # ϙ ϛ ϟ ϡ
# Pagefind (1.5) drops ASCII punctuation from the words it indexes but keeps other marks and "_": these three
# are plain ASCII marks, so the gap takes a position without being indexed, and the glue and the names' fences
# leave the words they touch unchanged
GAP = "`"
GLUE = "^"  # on a word: no space stood before it (inline markup between two pieces of text)
NAMES_DELIM = "~"
_HEX = "bcfghjkmnpqrtvwx"  # hex digits as consonants: no stemmer touches a word made of them
_add = operator.add


def punct_code(ch: str) -> str:
    """The index word of one (NFKC-normalised) punctuation mark."""
    return PUNCT_MARK + "".join(_HEX[int(c, 16)] for c in "%04x" % ord(ch))


# NFKC folds the full-width forms of these marks into ASCII; in Chinese text they were full-width
_FULL_WIDTH = str.maketrans(",;:?!()", "，；：？！（）")


def punct_char(word: str, chinese: bool = True) -> str:
    """The mark a punctuation word stands for (search.js: punctChar): NFKC folded the full-width forms of
    some marks into ASCII, which read back full-width in Chinese text."""
    code = word[1:].rstrip(".")
    ch = chr(int("".join("%x" % _HEX.index(c) for c in code if c in _HEX), 16))
    return ch.translate(_FULL_WIDTH) if chinese else ch


@lru_cache(maxsize=1)
def _fold_table() -> tuple[dict, re.Pattern]:
    """Traditional -> Simplified for every CJK character OpenCC changes on its own, and a pattern that finds
    any of them (most text has none, and then nothing is translated)."""
    table = {}
    for a, b in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for o in range(a, b + 1):
            s = to_simplified(chr(o))  # one character at a time, as the script map and the search page fold
            if s != chr(o) and len(s) == 1:
                table[o] = s
    return table, re.compile("[" + "".join(chr(o) for o in table) + "]")


_between_cache: dict[str, str] = {}


def _between(piece: str) -> str:
    """The words of what lies between two runs: Latin words as they are, each punctuation mark as its code
    followed by the mark itself (for display), spaces as a gap (none between two Latin words)."""
    w = _between_cache.get(piece)
    if w is not None:
        return w
    out: list[str] = []
    parts = _SPLIT_LATIN.split(piece)
    for j, q in enumerate(parts):
        if j % 2:
            out.append(q)
            continue
        for k, ch in enumerate(q):
            if ch.isspace():
                latin_both_sides = q.isspace() and 0 < j < len(parts) - 1
                if not latin_both_sides and (not out or out[-1] != GAP):
                    out.append(GAP)
                continue
            n = unicodedata.normalize("NFKC", ch)
            if n == ch or (len(n) == 1 and not n.isalnum() and not n.isspace()):
                out.append(punct_code(n[0]))
            else:  # a mark that NFKC spells with letters or digits (™ -> TM): its words, without display
                out.append(stream(n).strip())
    w = " ".join(x for x in out if x)
    if len(_between_cache) < 100_000:
        _between_cache[piece] = w
    return w


def stream(text: str) -> str:
    """The words of a piece of text (already NFKC where it matters and folded): see the module's docstring."""
    parts = _SPLIT_RUNS.split(text)
    for i in range(1, len(parts), 2):
        r = parts[i]
        if len(r) > 1:
            parts[i] = " ".join(map(_add, r, r[1:]))
    for i in range(0, len(parts), 2):
        if parts[i]:
            parts[i] = _between(parts[i])
    return " ".join(p for p in parts if p)


# Characters spaced out one by one (殷 勇, a two-character name padded to the width of three; 目 录, 地 址 as
# printed in headings and letterheads) are one word to a reader: the index copy and the search page's query
# write them together (search.js: joinSpaced), so 殷勇 finds 殷 勇 and 殷 勇 asks for 殷勇.
_SPACED = re.compile(f"(?<![{RUN_CLASS}])[{CJK}](?:\\s+[{CJK}])+(?![{RUN_CLASS}])")


def join_spaced(text: str) -> str:
    """``text`` with every run of single Chinese characters spaced apart written together."""
    return _SPACED.sub(lambda m: "".join(m.group().split()), text)


def normalize_text(text: str) -> str:
    """NFKC where it changes runs or Latin words, and Traditional folded to Simplified."""
    if _COMPAT.search(text):
        text = unicodedata.normalize("NFKC", text)
    table, foldable = _fold_table()
    if foldable.search(text):
        text = text.translate(table)
    return text


def query_words(term: str) -> list[str]:
    """The words of a query term, as the search page computes them (search.js: ``words``): used by tests."""
    return stream(join_spaced(normalize_text(unicodedata.normalize("NFKC", term)))).split()


# Pagefind's rules (pagefind/src/fossick/parser.rs, 1.x): these elements are never indexed; an element with
# data-pagefind-ignore is left out with everything inside it. Run boundaries: where a reader sees text break.
PF_REMOVE = {"head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav", "iframe", "template"}
BLOCKS = {"address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
          "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section",
          "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "br", "nav", "footer", "form"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "param", "keygen"}
_TAG_SPLIT = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


# A text node's words (search.py's costliest step, for every searchable page), by the text as it stands in the
# HTML: most text nodes recur (labels, names, the Chinese of a passage on its document's page, side-by-side view and
# provision pages). The texts kept are bounded by their length in all: when full, the cache starts again.
_text_cache: dict[str, tuple[str, str | None]] = {}
_TEXT_CACHE_CHARS = 4_000_000
_text_cached = [0]


def _text_words(raw: str) -> tuple[str, str | None]:
    """A text node's text (entities decoded, normalized) and, if it holds a run or is not ASCII, its words."""
    text = html_lib.unescape(raw) if "&" in raw else raw
    text = join_spaced(normalize_text(text))
    words = stream(text) if _HAS_RUN.search(text) or not text.isascii() else None
    size = len(raw) + len(text) + (len(words) if words is not None else 0)
    if _text_cached[0] + size > _TEXT_CACHE_CHARS:
        _text_cache.clear()
        _text_cached[0] = 0
    _text_cache[raw] = (text, words)
    _text_cached[0] += size
    return text, words


def rewrite_text_nodes(fragment: str) -> str:
    """The HTML ``fragment`` with every text node Pagefind would index replaced by its words (module doc).
    Markup is left as it is; ignored and removed elements are emptied (unless they carry filters or
    metadata). A gap ends every block and stands for every space next to a run; text that continues across
    inline markup keeps its pair (``由<a>市交通委``: 由市) or, if it is not a run, a ``^`` on its first word
    that tells the reader of the stream no space stood there."""
    parts = _TAG_SPLIT.split(fragment)
    skip = None  # [tag name, depth, index of its opening tag] of the ignored element we are in
    prev = ""  # the last run character of the text before, when only inline markup lies between
    dirty = False  # words since the last gap
    glue = False  # the text before ended without a space, only inline markup lies between
    prev_raw = False  # the text before was left as it was (Latin text without digits)
    unigram_at = -1  # the part whose words end with a one-character run, which a pair across markup replaces
    for i in range(0, len(parts), 2):
        if i:
            tag = parts[i - 1]
            m = _TAG_NAME.match(tag)
            if m:
                name = m.group(1).lower()
                closing = tag[1] == "/"
                if skip is not None:
                    if name == skip[0] and name not in VOID:
                        if closing:
                            skip[1] -= 1
                            if not skip[1]:
                                _drop_ignored(parts, skip[2], i - 1)
                                skip = None
                        elif tag[-2] != "/":
                            skip[1] += 1
                elif not closing and (name in PF_REMOVE or "data-pagefind-ignore" in tag):
                    if name not in VOID and tag[-2] != "/":
                        skip = [name, 1, i - 1]
                elif name in BLOCKS:
                    if dirty:  # the gap ends the block's text (Pagefind's sentence dot lands on it)
                        parts[i - 1] = f" {GAP} " + tag
                        dirty = False
                    prev, glue, unigram_at = "", False, -1
        text = parts[i]
        if skip is not None or not text:
            continue
        if text.isspace():
            parts[i] = f" {GAP} " if dirty else " "
            prev, glue, dirty, unigram_at = "", False, False, -1
            continue
        text, words = _text_cache.get(text) or _text_words(text)
        trailing = text[-1].isspace()
        if words is not None:
            if prev and _RUN_CHAR.match(text[0]):  # the run goes on across the inline markup
                if unigram_at >= 0:  # the one-character run before it was not one
                    kept = parts[unigram_at].rstrip()
                    parts[unigram_at] = kept[:len(kept) - len(kept.rsplit(" ", 1)[-1])] + " "
                if len(text) == 1 or not _RUN_CHAR.match(text[1]):  # nor is this one's first
                    words = words.split(" ", 1)[1] if " " in words else ""
                words = prev + text[0] + (" " + words if words else "")
            elif glue:
                words = GLUE + words
            prev = text[-1] if _RUN_CHAR.match(text[-1]) else ""
            parts[i] = " " + html_lib.escape(words, False) + " "
            last = words.rsplit(" ", 1)[-1].lstrip(GLUE)
            unigram_at = i if len(last) == 1 and _RUN_CHAR.match(last) else -1
            prev_raw = False
        else:  # Latin text without digits: as it is (Pagefind reads its words as it would anyway)
            words = html_lib.escape(text, False)
            if text[0].isspace():
                words = f" {GAP} " + words
            elif glue and not prev_raw:
                words = " " + GLUE + words
            if trailing:
                words += f" {GAP} "
            parts[i] = words
            prev, prev_raw, unigram_at = "", True, -1
        glue = not trailing
        dirty = not trailing
    return "".join(parts)


def _drop_ignored(parts: list[str], start: int, end: int) -> None:
    """Empty an ignored element (parts[start..end], its tags included) in the index copy: Pagefind would not
    index its text anyway. Kept when it carries filters, metadata or sort keys, which count on ignored
    elements too."""
    chunk = "".join(parts[start:end + 1])
    if "data-pagefind-filter" in chunk or "data-pagefind-meta" in chunk or "data-pagefind-sort" in chunk:
        return
    for k in range(start, end + 1):
        parts[k] = ""


def name_words(names: list[str]) -> str:
    """The names block: for each name, ϟ + its first word, ϛ + each word, ϡ + its last word, names apart."""
    out = []
    for name in names:
        words = [w for w in query_words(name) if w != GAP]
        if not words:
            continue
        out.append(" ".join([NAME_FIRST + words[0], *(NAME_MARK + w for w in words), NAME_LAST + words[-1]]))
    return f" {GAP} ".join(out)


_MAIN = re.compile(r"<main\b[^>]*>")
# The breadcrumb a result shows ("部门 › 市交通委", a document's title over each of its articles) is kept as
# metadata, and Pagefind (1.5) indexes the words of every metadata field (``meta_locs`` in its word index) and
# returns a page for a word found only there: a query for an ancestor's word found every page under it, though
# their text does not hold it. No option leaves a field out (metaWeights only sets its boost), and taking the
# locations out of the index afterwards cost seconds a shard (every chunk decoded and written again). So the
# index copy carries the breadcrumb in characters of which Pagefind makes no word (ASCII punctuation, read
# whole: it indexes only letters and digits), two per byte of its UTF-8; the search page reads it back
# (search.js: crumbText). The page itself keeps the breadcrumb as text.
_CRUMB = re.compile(r'(<span hidden data-pagefind-ignore data-pagefind-meta="breadcrumb">)([^<]*)(</span>)')
CRUMB_DIGITS = "!$%()+,-./:;=?@["  # no letter, digit, space, quote, &, <, #, * (emoji), ` ^ ~ (the stream's marks)


def crumb_code(text: str) -> str:
    """The breadcrumb as the index copy carries it: each byte of its UTF-8 as two of CRUMB_DIGITS."""
    return "".join(CRUMB_DIGITS[b >> 4] + CRUMB_DIGITS[b & 15] for b in text.encode("utf-8"))


def crumb_text(code: str) -> str:
    """``crumb_code`` read back (as the search page does)."""
    digit = {c: i for i, c in enumerate(CRUMB_DIGITS)}
    return bytes(digit[code[i]] * 16 + digit[code[i + 1]] for i in range(0, len(code) - 1, 2)).decode("utf-8")

_YEAR_FILTER = re.compile(r'<span hidden data-pagefind-ignore data-pagefind-filter="year">[^<]*</span>')


def index_copy(html: str, *, lang: str, title: str, names: list[str], group: str) -> str | None:
    """What Pagefind reads for a page: its ``<main>`` (the only element with data-pagefind-body) with the text
    rewritten, its title as metadata, its names, and its group (year or ``site``, the filter ``g`` by which
    the search page asks each shard, the recent one included, for one year at a time); None for a page
    Pagefind would not index."""
    m = _MAIN.search(html)
    end = html.rfind("</main>")
    if not m or end < 0 or "data-pagefind-body" not in m.group(0):
        return None
    # the year is the shard's group filter ``g`` here (below); the page's own year filter is not needed
    body = rewrite_text_nodes(_YEAR_FILTER.sub("", html[m.end():end]))
    body = _CRUMB.sub(lambda c: c.group(1) + crumb_code(html_lib.unescape(c.group(2))) + c.group(3), body, count=1)
    head = (f'<span hidden data-pagefind-ignore data-pagefind-meta="title">{html_lib.escape(title)}</span>'
            f'<span hidden data-pagefind-ignore data-pagefind-filter="g">{html_lib.escape(group)}</span>'
            f'<p> {NAMES_DELIM} {html_lib.escape(name_words([title, *names]), False)} {NAMES_DELIM} </p>')
    index_lang = ZH_INDEX_LANG if lang == "zh" else lang
    return f'<html lang="{index_lang}"><body>{m.group(0)}{head}{body}</main></body></html>'


# ------------------------------------------------------------------ shards
def shard_of(page) -> str:
    """The shard a page is indexed in: its year, or ``site`` for pages without one (departments, notes)."""
    return str(page.year) if page.year else "site"


def shard_id(page) -> str:
    """``lang/shard``: the folder of the page's shard under pagefind/."""
    return f"{page.lang}/{shard_of(page)}"


def record_key(page_key: str) -> str:
    """What a page's index copy depends on: the page (its key: template, theme and view model) and this
    module's format."""
    return f"{page_key}:{SEARCH_VERSION}"


def url_of(rel: str) -> str:
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def store_dir(out: Path) -> Path:
    """Where the index copies of the pages of ``out`` are kept between builds: beside it, like the manifest."""
    out = Path(out)
    return out.parent / f".{out.name}.search"


class RecordStore:
    """Index copies by shard, kept between builds: ``records/<lang>/<shard>.pickle`` holds
    ``{rel: (record key, copy hash, zlib(index copy))}``; ``index.pickle`` lists every page's shard, record
    key and copy hash,
    each shard's characters (for the script map) and the state of the index the last build made (which pages
    each shard holds, see update_index). Workers add new copies to spool files of their own
    (``spool/<pid>/<lang>__<shard>``), merged when the index is updated."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.pages: dict[str, tuple[str, str, str]] = {}  # rel -> (shard id "lang/shard", record key, copy hash)
        self.chars: dict[str, str] = {}  # shard id -> its CJK characters
        self.state: dict = {}  # the index the last build made (update_index)

    def load(self) -> "RecordStore":
        try:
            data = pickle.loads((self.root / "index.pickle").read_bytes())
            if data.get("version") == SEARCH_VERSION:
                self.pages, self.chars, self.state = data["pages"], data["chars"], data["state"]
        except Exception:  # missing or damaged: every copy is made again
            self.pages, self.chars, self.state = {}, {}, {}
        # a shard file that is gone takes its pages with it
        present = {sid for sid in {v[0] for v in self.pages.values()} if self._file(sid).is_file()}
        self.pages = {rel: v for rel, v in self.pages.items() if v[0] in present}
        return self

    def absorb_spools(self) -> None:
        """Take in the copies workers spooled and no index used yet (a build with ``search="later"``, or one
        that stopped): they join the store, and the spool files go."""
        dirs = self.spool_dirs()
        if not dirs:
            return
        for sid, new in read_spools(dirs).items():
            records = self.read_shard(sid)
            records.update(new)
            self.write_shard(sid, records)
            for rel, (rkey, chash, _) in new.items():
                self.pages[rel] = (sid, rkey, chash)
        self.save_index()
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)

    def have(self) -> dict[str, str]:
        return {rel: v[1] for rel, v in self.pages.items()}

    def _file(self, sid: str) -> Path:
        return self.root / "records" / f"{sid}.pickle"

    def read_shard(self, sid: str) -> dict:
        path = self._file(sid)
        if not path.is_file():
            return {}
        return pickle.loads(path.read_bytes())

    def write_shard(self, sid: str, records: dict) -> None:
        from .fileio import replace_file

        self._file(sid).parent.mkdir(parents=True, exist_ok=True)
        replace_file(self._file(sid), pickle.dumps(records, protocol=5))

    def save_index(self) -> None:
        from .fileio import replace_file

        self.root.mkdir(parents=True, exist_ok=True)
        replace_file(self.root / "index.pickle", pickle.dumps(
            {"version": SEARCH_VERSION, "pages": self.pages, "chars": self.chars, "state": self.state}, protocol=5))

    def spool_dirs(self) -> list[Path]:
        d = self.root / "spool"
        return sorted(p for p in d.iterdir() if p.is_dir()) if d.is_dir() else []


class Spool:
    """A worker's new index copies, appended to one file per shard as they are made."""

    def __init__(self, root: Path):
        self.dir = Path(root) / "spool" / str(os.getpid())
        self.files: dict[str, object] = {}

    def add(self, sid: str, rel: str, rkey: str, copy: str) -> None:
        fh = self.files.get(sid)
        if fh is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            fh = self.files[sid] = open(self.dir / sid.replace("/", "__"), "ab")
        data = copy.encode("utf-8")
        pickle.dump((rel, rkey, hashlib.sha256(data).hexdigest()[:20], zlib.compress(data, 1)), fh, protocol=5)

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()
        self.files.clear()


def read_spools(dirs: list[Path]) -> dict[str, dict]:
    """shard id -> {rel: (record key, copy hash, zlib copy)} from the workers' spool files (a file cut short by
    a worker that was stopped ends where it was cut)."""
    out: dict[str, dict] = {}
    for d in dirs:
        for f in sorted(d.iterdir()):
            sid = f.name.replace("__", "/")
            recs = out.setdefault(sid, {})
            with open(f, "rb") as fh:
                while True:
                    try:
                        rel, rkey, chash, z = pickle.load(fh)
                    except EOFError:
                        break
                    except Exception:
                        break
                    recs[rel] = (rkey, chash, z)
    return out


def record_for(page, html: str) -> str | None:
    """The index copy of a rendered page (None if it is not searchable)."""
    if not page.searchable:
        return None
    return index_copy(html, lang=page.lang, title=page.title, names=list(getattr(page, "names", []) or []),
                      group=shard_of(page))


def shard_fingerprint(pages: dict[str, str]) -> str:
    h = hashlib.sha256(f"{SEARCH_VERSION}.{BUNDLE_VERSION}".encode())
    for rel in sorted(pages):
        h.update(f"{rel}\t{pages[rel]}\n".encode())
    return h.hexdigest()[:20]


# ------------------------------------------------------------------ Pagefind, through its Python API
def _service_class():
    from pagefind.service import PagefindService

    class FastService(PagefindService):
        """Pagefind's Python service, reading every response as it arrives: the package's own loop sleeps
        0.1 s before each one, so a request per page (add_html_file) would cost 100 minutes on a
        60,000-page archive. Responses also get a large enough buffer to carry a whole shard's files.
        Requests are sent as UTF-8 JSON (the package escapes every Chinese character as ``\\uXXXX``, twice
        the bytes to encode and for Pagefind to decode) and without the package's debug lines, which format
        each request, a page's whole text, twice even when nothing is logged; an answer leaves the table of
        pending ones when it comes (the package keeps every answer, the shard's files among them, until the
        service goes)."""

        async def send(self, payload):
            self._message_id += 1
            mid = self._message_id
            fut = self._responses[mid] = self._loop.create_future()
            msg = json.dumps({"message_id": mid, "payload": payload}, ensure_ascii=False, separators=(",", ":"))
            self._backend.stdin.write(base64.b64encode(msg.encode("utf-8")) + b",")
            await self._backend.stdin.drain()
            return await fut

        async def launch(self):
            self._backend = await asyncio.create_subprocess_exec(
                self._bin, "--service", cwd=os.getcwd(), stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, limit=2 ** 31 - 1)
            self._poll_task = self._loop.create_task(self._wait_for_responses())
            return self

        async def _wait_for_responses(self):
            while True:
                output = await self._backend.stdout.readuntil(b",")
                resp = json.loads(base64.b64decode(output[:-1]))
                if not resp:
                    continue
                mid = resp.get("message_id")
                fut = self._responses.pop(mid, None) if mid is not None else None
                if fut is None or fut.done():
                    continue
                payload = resp["payload"]
                if payload.get("type") == "Error":
                    fut.set_exception(RuntimeError(f"Pagefind: {payload.get('message')}"))
                else:
                    fut.set_result(payload)

        async def close(self):
            """Stop the process at once. The package's close() waits for answers still due and then for the
            process to end after SIGTERM: when another shard's indexing failed (a full disk) and this one is
            cancelled, no answer comes and the process does not end, and the build hung. Pagefind writes
            nothing here (the bundle is taken with GetFiles), so nothing is lost by killing it."""
            self._poll_task.cancel()
            if self._backend.returncode is None:
                self._backend.kill()
            await self._backend.wait()

    return FastService


async def _index_one(records: list[tuple[str, str]], building: asyncio.Lock) -> list[tuple[str, bytes]]:
    """Index (url, index copy) pairs with one Pagefind service; returns the bundle's files (in memory: Pagefind
    1.5 answers WriteFiles before its writes land, so they are taken with GetFiles and written here).
    ``building`` is held while Pagefind builds the bundle (GetFiles) until its process is gone: that is when it
    needs memory (a Chinese year: 0.25 GB when its pages are added, 0.9 GB while the bundle is built), so two
    shards may be added at once but are built one at a time."""
    service = await _service_class()().launch()
    try:
        index = await service.create_index({})
        await asyncio.gather(*(index.add_html_file(content=copy, url=url) for url, copy in records))
        records.clear()  # Pagefind holds them now
        async with building:
            files = await index.get_files()
            await service.close()
        return [(f["path"], f["content"]) for f in files]
    finally:
        await service.close()  # (again: it does nothing the second time)


def _run_jobs(jobs: list, workers: int, load, save) -> None:
    """Index each job (shard id, pages) with a Pagefind process of its own, ``workers`` at a time (in the
    order given), in a thread of its own (the caller may have an event loop running). ``load(job)`` gives its
    (url, index copy) pairs when its turn comes, ``save(job, files)`` takes the bundle as soon as it is made:
    only the shards being indexed are in memory. Pagefind builds one bundle at a time (``_index_one``: that
    is when it needs memory), and ``load`` and ``save`` run in threads of their own, so the event loop goes on
    feeding the other Pagefind process and reading its answers meanwhile; a shard's turn ends when its
    Pagefind process is gone, and the next one starts while its bundle is written."""
    async def run_all():
        sem = asyncio.Semaphore(max(1, workers))
        building = asyncio.Lock()
        failed: list[BaseException] = []

        async def one(job):
            try:
                async with sem:
                    if failed:  # another shard failed (a full disk): start no more
                        return
                    files = await _index_one(await asyncio.to_thread(load, job), building)
                await asyncio.to_thread(save, job, files)
            except BaseException as e:
                failed.append(e)

        # every job ends by itself (none is cancelled: a cancelled Pagefind service could hang the build);
        # then the first failure is raised
        await asyncio.gather(*(one(j) for j in jobs))
        if failed:
            raise failed[0]

    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        ex.submit(asyncio.run, run_all()).result()


# ------------------------------------------------------------------ bundle files
PF_SIG = b"pagefind_dcd"


def _pf_load(data: bytes):
    import cbor2

    raw = gzip.decompress(data)
    if not raw.startswith(PF_SIG):
        raise ValueError("not a Pagefind index file")
    return cbor2.loads(raw[len(PF_SIG):])


def _gzip(data: bytes) -> bytes:
    """A file of the index as the site serves it: level 6 (within 0.1 % of the size level 9 gives on these
    files, bench/README.md), no timestamp (the same pages give the same bytes)."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def _pf_dump(obj) -> bytes:
    import cbor2

    return _gzip(PF_SIG + cbor2.dumps(obj))


def shard_files(files: list[tuple[str, bytes]], sid: str = "") -> tuple[dict[str, bytes], dict[str, bytes], list[str]]:
    """A shard's bundle, made byte-stable and trimmed: (files of the shard folder, files shared by all shards).

    Pagefind (1.5) writes filter values and the list of filters in hash-map order (upstream issue #638), so
    two builds of the same pages differ there: values and filters are sorted and the files renamed after
    their content. The shard keeps its entry, metadata, index, fragments, filters and the WebAssembly of its
    language; pagefind.js is shared (one copy at the top); the UI bundles are not used. A long page's
    fragment is cut into parts (``split_fragment``; ``sid``, the shard's folder under pagefind/, says where the
    parts are). Also returns the fragment of each page, in the order the pages were added."""
    byname = dict(files)
    entry = json.loads(byname["pagefind-entry.json"])
    keep: dict[str, bytes] = {}
    shared = {"pagefind.js": byname["pagefind.js"]}
    hashes: list[str] = []
    # a page's id is its fragment's name, a short hash of its content that Pagefind makes unique within one
    # index only: two shards can hold different pages of the same id (the archive had one such pair), and the
    # search page, which merges the shards into one instance, would show one page's fragment for both. The
    # shard's key goes into the names of its fragments.
    renamed_frag: dict[str, str] = {}
    tag = sid.split("/")[-1] if sid else ""
    for lang, info in entry["languages"].items():
        meta = _pf_load(byname[f"pagefind.{info['hash']}.pf_meta"])
        if tag:
            for p in meta[1]:
                renamed_frag[p[0]] = new_id = f"{p[0][:len(lang) + 1]}{tag}-{p[0][len(lang) + 1:]}"
                p[0] = new_id
        hashes.extend(p[0] for p in meta[1])
        renamed = []
        for name, fhash in meta[3]:
            fname, values = _pf_load(byname[f"filter/{fhash}.pf_filter"])
            values = sorted(([v, sorted(ids)] for v, ids in values), key=lambda x: x[0])
            data = _pf_dump([fname, values])
            new = f"{lang}_{hashlib.sha256(data).hexdigest()[:7]}"
            keep[f"filter/{new}.pf_filter"] = data
            renamed.append([name, new])
        meta[3] = sorted(renamed)
        chunks = [(c, byname[f"index/{c[2]}.pf_index"]) for c in meta[2]]
        meta[2], index_files = _rechunk(lang, chunks)
        keep.update(index_files)
        data = _pf_dump(meta)
        width = len(info["hash"]) - len(lang) - 1
        info["hash"] = f"{lang}_{hashlib.sha256(data).hexdigest()[:width]}"
        keep[f"pagefind.{info['hash']}.pf_meta"] = data
        wasm = f"wasm.{info.get('wasm') or 'unknown'}.pagefind"
        keep[wasm] = byname[wasm]
    for path, data in files:
        if path.startswith("fragment/"):
            old = path[len("fragment/"):-len(".pf_fragment")]
            if old in renamed_frag:
                path = f"fragment/{renamed_frag[old]}.pf_fragment"
            keep.update(split_fragment(path, data, sid))
    keep["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, sort_keys=True,
                                             separators=(",", ":")).encode()
    return keep, shared, hashes


# A long page's words, in parts: the search page shows a result's title and the excerpt around its match, so it
# loads the fragment (title, filters, the first PART_WORDS words) and at most one part file more, the one holding
# the match (the result's word locations say which), instead of the whole page's words (a 46,000-character
# circular is 61 kB of fragment). Part k (k >= 1) holds words [k*PART_WORDS - PART_BACK, (k+1)*PART_WORDS +
# PART_AHEAD): the words before a match for the excerpt's start, and after it for the phrase and the excerpt's end.
PART_WORDS = 400
PART_BACK = 40
PART_AHEAD = 120
SPLIT_FROM_BYTES = 2500  # fragments smaller than this (gzip) are left as Pagefind wrote them
PART_EXT = ".pf_part"


def split_fragment(path: str, data: bytes, sid: str) -> dict[str, bytes]:
    """A fragment file as the shard keeps it: ``{path: data}`` as it was when it is small; else without its
    anchors (each carries its element's whole text; the search page does not use them) and, when the page
    has more than 2 * PART_WORDS words, with the content cut to its first part and the others in files of
    their own (``fragment/<hash>.<k>.pf_part``: gzip text; see PART_WORDS). The fragment then says
    ``parts`` (how many, the first included), ``part_words``, ``part_back`` and ``part_base`` (the parts' path
    under pagefind/ without ``.<k>.pf_part``)."""
    if len(data) < SPLIT_FROM_BYTES:
        return {path: data}
    raw = gzip.decompress(data)
    at = raw.index(b"{")
    frag = json.loads(raw[at:])
    frag["anchors"] = []
    out = {}
    words = frag["content"].split()
    if len(words) > 2 * PART_WORDS:
        n = -(-len(words) // PART_WORDS)
        name = path[len("fragment/"):-len(".pf_fragment")]
        frag["content"] = " ".join(words[:PART_WORDS + PART_AHEAD])
        frag.update(parts=n, part_words=PART_WORDS, part_back=PART_BACK, part_base=f"{sid}/fragment/{name}")
        for k in range(1, n):
            text = " ".join(words[k * PART_WORDS - PART_BACK:(k + 1) * PART_WORDS + PART_AHEAD])
            out[f"fragment/{name}.{k}{PART_EXT}"] = _gzip(text.encode("utf-8"))
    out[path] = _gzip(raw[:at] + json.dumps(frag, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return out


def fragment_words(path: Path) -> dict:
    """A fragment's JSON with its whole content, the parts of a long page joined again (for tests and the
    benchmark; the search page does the same in fullText)."""
    path = Path(path)
    frag = fragment_text(path.read_bytes())
    n = frag.get("parts", 1)
    if n > 1:
        pw, back = frag["part_words"], frag["part_back"]
        words = frag["content"].split()[:pw]
        for k in range(1, n):
            part = gzip.decompress((path.parent / f"{path.name[:-len('.pf_fragment')]}.{k}{PART_EXT}").read_bytes())
            words += part.decode("utf-8").split()[back:back + pw]
        frag["content"] = " ".join(words)
    return frag


META_ENTRY_BYTES = 12  # what one more chunk adds to a shard's metadata (its bounds and name), compressed
WORDS_PER_QUERY = 8  # index words a typical query looks up in a shard (five pairs and the names' words)
RECHUNK_ABOVE = 12_000  # bytes: shards whose chunks are smaller on average keep Pagefind's (re-cutting costs time)


def _rechunk(lang: str, chunks: list) -> tuple[list, dict[str, bytes]]:
    """The word index of a shard cut into chunks of the size that costs a first query least.

    A search loads the shard's metadata (which lists every chunk) and, for each word it looks up, the chunk
    holding it. Pagefind cuts chunks at 20,000 locations; with every position of every pair indexed, that
    makes a chunk of a small shard some 30 kB, of which a query needs a few hundred bytes. With ``L``
    locations in ``B`` bytes of index, chunks of ``s`` locations cost about ``L/s * META_ENTRY_BYTES`` in the
    metadata and ``WORDS_PER_QUERY * B * s / L`` per query: least at ``s = L * sqrt(e / (k * B))``. Words
    are never split; the chunks' bounds are shortened to distinguishing prefixes as Pagefind does. Returns the
    metadata's chunk list and the index files."""
    total_bytes = sum(len(data) for _, data in chunks)
    if total_bytes < RECHUNK_ABOVE * len(chunks):  # chunks small already (a shard with many repeated texts)
        return [list(c) for c, _ in chunks], {f"index/{c[2]}.pf_index": data for c, data in chunks}
    words = [w for _, data in chunks for w in _pf_load(data)[0]]
    locs = sum(len(p[1]) + 1 for w in words for p in w[1])
    size = int(locs * (META_ENTRY_BYTES / (WORDS_PER_QUERY * max(total_bytes, 1))) ** 0.5)
    size = max(500, min(20000, size))
    out, cur, n = [], [], 0
    for w in words:
        n += sum(len(p[1]) + 1 for p in w[1])
        cur.append(w)
        if n >= size:
            out.append(cur)
            cur, n = [], 0
    if cur:
        out.append(cur)
    files, entries = {}, []
    for c in out:
        data = _pf_dump([c])
        name = f"{lang}_{hashlib.sha256(data).hexdigest()[:10]}"
        files[f"index/{name}.pf_index"] = data
        entries.append([c[0][0], c[-1][0], name])
    for i in range(len(entries) - 1):  # Pagefind's get_prefixes
        a, b = entries[i][1], entries[i + 1][0]
        common = 0
        while common < min(len(a), len(b)) and a[common] == b[common]:
            common += 1
        entries[i][1], entries[i + 1][0] = a[:common + 1], b[:common + 1]
    return entries, files


def fragment_text(data: bytes) -> dict:
    """A fragment file's JSON (for tests)."""
    raw = gzip.decompress(data)
    return json.loads(raw[raw.index(b"{"):])


# ------------------------------------------------------------------ the site's index
RECENT = "recent"  # the shard of each language that holds the pages changed since their shard was indexed
RECENT_SHARE = 0.1  # a shard is indexed again when more than this share of its pages changed …
RECENT_MIN = 40  # … and more than this many


@dataclass
class IndexStats:
    shards: int = 0  # shards in the index
    indexed: int = 0  # shards indexed by this build
    pages: int = 0  # pages in the index
    pages_indexed: int = 0  # pages indexed by this build
    indexed_shards: list = field(default_factory=list)
    recent: int = 0  # pages in the recent shards
    unchanged: bool = False  # the index is the previous one as it was: nothing was written (keep_if_same)
    changed: list = field(default_factory=list)  # in place: what was replaced in the bundle (a folder ends with /)


def _shard_order(key: str) -> tuple:
    if key == "site":
        return (0, 0)
    if key == RECENT:
        return (2, 0)
    return (1, -int(key) if key.isdigit() else 0)


def _link_tree(src: Path, dest: Path) -> list[str]:
    """Hard-link every file of ``src`` into ``dest`` (a copy where links are not possible); relative paths."""
    done = []
    for dirpath, _, names in os.walk(src):
        rel_dir = os.path.relpath(dirpath, src)
        target = dest if rel_dir == "." else dest / rel_dir
        target.mkdir(parents=True, exist_ok=True)
        for n in names:
            try:
                os.link(os.path.join(dirpath, n), target / n)
            except OSError:
                shutil.copy2(os.path.join(dirpath, n), target / n)
            done.append(n if rel_dir == "." else f"{rel_dir}/{n}")
    return done


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` ({path relative to ``folder``: bytes}, new files) into ``folder``: each folder made once
    and each file with two system calls (a shard has thousands of small files; pathlib's ``mkdir`` and
    ``write_bytes`` for each cost six times as much CPU, bench/README.md)."""
    base = os.fspath(folder)
    for d in sorted({os.path.dirname(rel) for rel in files}):
        os.makedirs(os.path.join(base, d), exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    for rel, data in files.items():
        fd = os.open(os.path.join(base, rel), flags, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def _put(bundle: Path, rel: str, data: bytes, changed: list | None) -> None:
    """Write the file ``rel`` of ``bundle``. ``changed`` (a bundle updated in place, its files hard links to the
    served index's): a file that already holds ``data`` is left as it is, any other is replaced by a new file
    (never written in place) and listed in ``changed``."""
    path = bundle / rel
    if changed is not None:
        try:
            if path.read_bytes() == data:
                return
            path.unlink()
        except FileNotFoundError:
            pass
        changed.append(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def plan_from_groups(groups) -> dict[str, dict[str, str]]:
    """shard id ("lang/shard") -> {rel: record key} for every searchable page of the site (see build.py:
    each group records its searchable pages as (rel, shard id, record key, title, names))."""
    plan: dict[str, dict[str, str]] = {}
    for g in groups:
        for rel, sid, rkey, *_ in g.get("search", ()):
            plan.setdefault(sid, {})[rel] = rkey
    return plan


def _mask(bundle: Path, hashes: list[str]) -> dict[str, dict]:
    """fragment hash -> its filters, for the pages a shard masks (read from the shard's fragments)."""
    out = {}
    for h in hashes:
        try:
            out[h] = fragment_text((bundle / "fragment" / f"{h}.pf_fragment").read_bytes()).get("filters", {})
        except (OSError, ValueError):
            out[h] = {}
    return out


def _listing(new_state: dict, plan: dict, masks: dict) -> tuple[dict, str, int]:
    """shards.json's shards (what the search page needs, per language in the order it searches), the index's
    build id, and the pages in the recent shards."""
    langs: dict[str, list] = {}
    fps = {}
    recent = 0
    for sid in sorted(new_state["shards"], key=lambda s: (s.split("/")[0], _shard_order(s.split("/")[1]))):
        lang, key = sid.split("/")
        fps[sid] = shard_fingerprint(new_state["shards"][sid]["pages"])
        entry = {"key": key, "year": key if key != "site" else "", "pages": len(plan[sid]), "fp": fps[sid]}
        if sid in masks:
            entry["mask"] = masks[sid]
        langs.setdefault(lang, []).append(entry)
    for lang, rec in sorted(new_state["recent"].items()):
        fps[f"{lang}/{RECENT}"] = shard_fingerprint(rec["pages"])
        langs.setdefault(lang, []).append({"key": RECENT, "year": "", "pages": len(rec["pages"]),
                                           "fp": fps[f"{lang}/{RECENT}"]})
        recent += len(rec["pages"])
    build_id = hashlib.sha256(json.dumps([sorted(fps.items()), {k: sorted(v) for k, v in masks.items()}])
                              .encode()).hexdigest()[:16]
    return langs, build_id, recent


def update_index(bundle: Path, *, plan: dict[str, dict[str, str]], store: RecordStore, previous: Path | None,
                 workers: int | None = None, make_copy=None, keep_if_same: bool = False,
                 in_place: bool = False) -> IndexStats:
    """Write the search index of a site into the folder ``bundle`` (new or empty), from the index it replaces
    (``previous``: its bundle folder, or None).

    ``plan``: shard id -> {rel: record key} of every searchable page (``plan_from_groups``). The index in
    ``previous`` and the state the store kept of it decide the work:

    * a shard whose pages are those it was indexed with (the same index copies, by hash) is hard-linked from
      ``previous``;
    * a shard where a few pages changed, were added or removed (at most RECENT_SHARE of them, or
      RECENT_MIN) is linked too; those pages are *masked* in it (shards.json lists their fragments, which
      the search page drops, with the filter values it takes off the counts) and the changed and new ones
      are indexed in the language's ``recent`` shard, which holds only such pages;
    * any other shard is indexed again, from the record store (the copies kept from earlier builds and those
      the workers spooled in this one), and leaves the recent shard.

    A full build (no previous index) indexes every shard and has no recent shard. Writes into ``bundle``: the
    shard folders, shards.json, the script map (t2s/) and pagefind.js. A page whose copy the store lacks (the pages were
    built without search) is asked of ``make_copy(sid, rel)``, which returns it, made from the page's file.
    An unchanged shard's files are hard links to the previous ones: files of a bundle are never written in
    place. ``keep_if_same``: when the new index would be the previous one as it is (nothing changed), nothing
    is written and the stats say ``unchanged`` (the caller keeps the previous index where it is).

    ``in_place``: ``bundle`` already holds the index ``previous`` is, as hard links to its files (the work tree's
    copy of the served index, see output.py). Only what changed is replaced there: the folder of each shard
    indexed again or dropped, and each shared file whose bytes changed; an unchanged shard costs nothing, where
    a new bundle links every one of its files. ``stats.changed`` lists what was replaced (paths relative to the
    bundle; a shard's folder ends with ``/``): the next build brings the other tree's copy up to date by it."""
    bundle = Path(bundle)
    prev_bundle = Path(previous) if previous is not None else None
    try:
        live = json.loads((prev_bundle / SHARDS_FILE).read_text("utf-8")) if prev_bundle else {}
    except (OSError, ValueError):
        live = {}
    # the state of the index being replaced, when the store's is that index's and its shards have this module's
    # format (a shard folder of another BUNDLE_VERSION is indexed again, from the copies the store keeps)
    state = store.state if (live.get("build") and store.state.get("build") == live.get("build")
                            and store.state.get("bundle") == BUNDLE_VERSION) else {}
    old_shards = state.get("shards", {})  # sid -> {"pages": {rel: copy hash}, "frag": {rel: fragment hash}}
    old_recent = state.get("recent", {})  # lang -> the same, for the recent shard
    spooled = read_spools(store.spool_dirs())
    # what each page's index copy is (its hash): a page whose view changed where the index does not look
    # (a link panel, a listing left out of the index) has the same copy, and changes nothing here
    content: dict[str, dict[str, str]] = {}
    for sid, pages in plan.items():
        new = spooled.get(sid, {})
        c = content[sid] = {}
        for rel, rkey in pages.items():
            if rel in new and new[rel][0] == rkey:
                c[rel] = new[rel][1]
            elif rel in store.pages and store.pages[rel][1] == rkey:
                c[rel] = store.pages[rel][2]
            elif make_copy is not None:
                copy = make_copy(sid, rel)
                data = copy.encode("utf-8")
                new[rel] = (rkey, hashlib.sha256(data).hexdigest()[:20], zlib.compress(data, 1))
                spooled[sid] = new
                c[rel] = new[rel][1]
            else:
                raise RuntimeError(f"search: no index copy of {rel}; the record store {store.root} is incomplete "
                                   "(build again: it is made afresh)")
    keys = plan
    plan = content
    # (a build stopped from here on may leave shard files that lack a copy the store's index still lists: such
    # a copy is made again from the page's file by make_copy; the store is a cache, never the only copy)
    stats = IndexStats()
    new_state = {"shards": {}, "recent": {}, "bundle": BUNDLE_VERSION}
    masks: dict[str, dict[str, dict]] = {}  # sid -> {fragment hash: filters}
    recent: dict[str, dict[str, str]] = {}  # lang -> {rel: copy hash}
    recent_from: dict[str, set] = {}  # lang -> the shards its pages belong to
    jobs: list[tuple[str, dict[str, str]]] = []  # (shard id, pages) to index

    def folder_ok(sid):
        return prev_bundle is not None and (prev_bundle / sid / "pagefind-entry.json").is_file()

    for sid in sorted(plan):
        pages = plan[sid]
        old = old_shards.get(sid)
        if old is None or not folder_ok(sid):
            jobs.append((sid, pages))
            continue
        changed = {rel for rel, chash in pages.items() if old["pages"].get(rel) != chash}
        removed = set(old["pages"]) - set(pages)
        if len(changed) + len(removed) > max(RECENT_MIN, RECENT_SHARE * len(old["pages"])):
            jobs.append((sid, pages))
            continue
        new_state["shards"][sid] = old  # as it was indexed, masks aside
        stale = {rel for rel in changed | removed if rel in old["pages"]}
        if stale:
            masks[sid] = _mask(prev_bundle / sid, sorted({old["frag"][rel] for rel in stale if rel in old["frag"]}))
        lang = sid.split("/")[0]
        if changed:
            recent.setdefault(lang, {}).update((rel, pages[rel]) for rel in changed)
            recent_from.setdefault(lang, set()).add(sid)
    for lang, pages in sorted(recent.items()):
        rsid = f"{lang}/{RECENT}"
        old = old_recent.get(lang)
        if old is not None and old["pages"] == pages and folder_ok(rsid):
            new_state["recent"][lang] = old
        else:
            jobs.append((rsid, pages))
    # the store keeps every page's newest copy, by shard (the workers' new ones merged in)
    for sid in plan:
        if sid in spooled:
            records = store.read_shard(sid)
            records.update(spooled[sid])
            store.write_shard(sid, {rel: records[rel] for rel in plan[sid] if rel in records})
    del spooled
    cjk = re.compile(f"[{CJK}]")

    shard_of_rel = {rel: sid for sid, pages in plan.items() for rel in pages}

    def load(job):  # the copies to index, from the store
        sid, pages = job
        lang, key = sid.split("/")
        records = {}
        for src in ({sid} if key != RECENT else recent_from[lang]):
            have = store.read_shard(src)
            records.update((rel, have[rel]) for rel in pages if rel in have and have[rel][1] == pages[rel])
        missing = sorted(set(pages) - set(records))
        if missing and make_copy is not None:
            for rel in missing:
                data = make_copy(shard_of_rel[rel], rel).encode("utf-8")
                if hashlib.sha256(data).hexdigest()[:20] == pages[rel]:
                    records[rel] = (keys[shard_of_rel[rel]][rel], pages[rel], zlib.compress(data, 1))
            missing = sorted(set(pages) - set(records))
        if missing:
            raise RuntimeError(f"search: no index copy of {len(missing)} page(s), e.g. {missing[0]}; the record "
                               f"store {store.root} is incomplete (build again: it is made afresh)")
        copies = [(url_of(rel), zlib.decompress(records[rel][2]).decode("utf-8")) for rel in sorted(records)]
        if key != RECENT:
            chars = set()
            for _, c in copies:
                chars.update(c)
            store.chars[sid] = "".join(sorted(ch for ch in chars if cjk.match(ch)))
        return copies

    shared: dict[str, bytes] = {}
    written = set()

    changed = stats.changed if in_place else None
    booking = threading.Lock()  # two shards' saves may run at once (_run_jobs: each in a thread of its own)

    def save(job, files):
        sid, pages = job
        keep, common, hashes = shard_files(files, sid)
        if changed is not None:  # the shard's old folder goes (its files stay the served index's)
            shutil.rmtree(bundle / sid, ignore_errors=True)
        _write_files(bundle / sid, keep)
        if len(hashes) != len(pages):
            raise RuntimeError(f"search: Pagefind indexed {len(hashes)} of the {len(pages)} pages of {sid}")
        entry = {"pages": dict(pages), "frag": dict(zip(sorted(pages), hashes))}
        lang, key = sid.split("/")
        with booking:  # what the index records of its shards: no update lost to the other save's thread
            shared.update(common)
            if changed is not None:
                changed.append(f"{sid}/")
            if key == RECENT:
                new_state["recent"][lang] = entry
            else:
                new_state["shards"][sid] = entry
            written.add(sid)
            stats.indexed_shards.append(sid)
            stats.pages_indexed += len(pages)

    # largest first, the languages taking turns: the two Pagefind processes running at a time are mostly one
    # Chinese shard (the larger index to build) and one English shard, whose builds take turns (_index_one)
    by_lang: dict[str, list] = {}
    for job in sorted(jobs, key=lambda j: -len(j[1])):
        by_lang.setdefault(job[0].split("/")[0], []).append(job)
    order = [j for group in itertools.zip_longest(*by_lang.values()) for j in group if j is not None]
    if keep_if_same and not jobs and prev_bundle is not None:
        langs, build_id, recent_pages = _listing(new_state, plan, masks)
        if live.get("version") == SEARCH_VERSION and live.get("build") == build_id and live.get("langs") == langs:
            new_state["build"] = build_id
            store.pages = {rel: (sid, keys[sid][rel], chash) for sid, pages in plan.items()
                           for rel, chash in pages.items()}
            store.state = new_state
            store.save_index()
            for d in store.spool_dirs():
                shutil.rmtree(d, ignore_errors=True)
            stats.unchanged = True
            stats.recent = recent_pages
            stats.shards = len(new_state["shards"]) + len(new_state["recent"])
            stats.pages = sum(len(p) for p in plan.values())
            return stats
    _run_jobs(order, workers or min(2, os.cpu_count() or 1), load, save)
    kept = set(new_state["shards"]) | {f"{lang}/{RECENT}" for lang in new_state["recent"]}
    for sid in sorted(kept - written):
        if not (in_place and (bundle / sid).is_dir()):
            _link_tree(prev_bundle / sid, bundle / sid)
    if changed is not None:  # the shards the new index no longer has
        for lang in sorted({sid.split("/")[0] for sid in plan} | set(live.get("langs", {}))):
            if not (bundle / lang).is_dir():
                continue
            for key in sorted(e.name for e in os.scandir(bundle / lang) if e.is_dir()):
                if f"{lang}/{key}" not in kept | written:
                    shutil.rmtree(bundle / lang / key)
                    changed.append(f"{lang}/{key}/")
    if not shared and prev_bundle is not None and (prev_bundle / "pagefind.js").is_file():
        shared = {"pagefind.js": (prev_bundle / "pagefind.js").read_bytes()}
    if not shared and plan:
        raise RuntimeError("search: no pagefind.js to publish (no shard was indexed and there is no previous index)")
    bundle.mkdir(parents=True, exist_ok=True)
    for name, data in shared.items():
        _put(bundle, name, data, changed)
    langs, build_id, stats.recent = _listing(new_state, plan, masks)
    _put(bundle, SHARDS_FILE, json.dumps({"version": SEARCH_VERSION, "build": build_id, "langs": langs,
                                          "t2s_buckets": T2S_BUCKETS},
                                         ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"),
         changed)
    write_script_map(bundle, script_map(store.chars.get(sid, "") for sid in plan), changed)
    # the store keeps exactly the pages of the new site, and the state of the index just written
    store.pages = {rel: (sid, keys[sid][rel], chash) for sid, pages in plan.items() for rel, chash in pages.items()}
    store.chars = {sid: store.chars.get(sid, "") for sid in plan}
    new_state["build"] = build_id
    store.state = new_state
    store.save_index()
    for d in store.spool_dirs():
        shutil.rmtree(d, ignore_errors=True)
    stats.changed.sort()  # the shards were saved in the order their indexing ended
    stats.shards = len(new_state["shards"]) + len(new_state["recent"])
    stats.indexed = len(written)
    stats.pages = sum(len(p) for p in plan.values())
    return stats


_RUN_WORD = re.compile(f"[{RUN_CLASS}]{{1,2}}")


def read_text(content: str) -> str:
    """A page's text read back from the words Pagefind stored for it (search.js: readText): pairs overlap by
    one character, a gap is a space, a punctuation word shows its mark; the names block is left out."""
    content = re.sub(r"(^|\s)~\s[^~]*\s~(?=\s|$)", " ", content, count=1)
    out: list[str] = []
    prev_run, prev_kind = "", ""
    for raw in content.split():
        glued = raw.startswith(GLUE)
        if glued:
            raw = raw[1:]
            if not raw:
                continue
        if raw in (GAP, GAP + "."):
            if out and out[-1] != " ":
                out.append(" ")
            prev_run, prev_kind = "", "gap"
            continue
        if raw.startswith(PUNCT_MARK):
            out.append(punct_char(raw))
            prev_run, prev_kind = "", "punct"
            continue
        core = raw[:-1] if len(raw) > 1 and raw.endswith(".") and _RUN_WORD.fullmatch(raw[:-1]) else raw
        if _RUN_WORD.fullmatch(core):
            out.append(core[1] if len(core) == 2 and prev_run == core[0] else core)
            prev_run, prev_kind = core[-1], "run"
            continue
        if prev_kind == "latin" and not glued:
            out.append(" ")
        out.append(raw)
        prev_run, prev_kind = "", "latin"
    return re.sub(" {2,}", " ", "".join(out)).strip()


def index_stock(site: Path, output_subdir: str = "pagefind-stock") -> int:
    """Index the pages of ``site`` as they are, with stock Pagefind (its own Chinese segmenter), into
    ``site/<output_subdir>``: the comparison the tests and the benchmark make. Returns the page count."""
    site = Path(site)

    async def run():
        service = await _service_class()().launch()
        try:
            index = await service.create_index({})
            added = await index.add_directory(path=str(site.resolve()), glob="{zh,en}/**/*.html")
            return added.get("page_count", 0), [(f["path"], f["content"]) for f in await index.get_files()]
        finally:
            await service.close()

    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        count, files = ex.submit(asyncio.run, run()).result()
    dest = site / output_subdir
    if dest.exists():
        shutil.rmtree(dest)
    for path, data in files:
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        (dest / path).write_bytes(data)
    return count


T2S_BUCKETS = 32  # the script map's files: a query loads those of its characters (code point modulo this)


def write_script_map(bundle: Path, mapping: dict[str, str], changed: list | None = None) -> None:
    """The script map in T2S_BUCKETS files ``t2s/<code point % T2S_BUCKETS>.json`` (every one written, empty or
    not): the search page loads those of the query's characters, a few hundred bytes each, not the whole map.
    ``changed``: the bundle is updated in place (``_put``)."""
    buckets: dict[int, dict[str, str]] = {b: {} for b in range(T2S_BUCKETS)}
    for trad, simp in mapping.items():
        buckets[ord(trad) % T2S_BUCKETS][trad] = simp
    (bundle / "t2s").mkdir(parents=True, exist_ok=True)
    for b, part in buckets.items():
        _put(bundle, f"t2s/{b}.json", json.dumps(part, ensure_ascii=False, sort_keys=True,
                                                 separators=(",", ":")).encode("utf-8"), changed)


def script_map(texts) -> dict[str, str]:
    """Traditional -> Simplified for every character the site uses (OpenCC): the site's text is folded to
    Simplified, so each of its characters maps every Traditional form of it."""
    chars = set()
    for t in texts:
        chars.update(re.findall(f"[{CJK}]", t))
    mapping = {}
    for ch in sorted(chars):
        simp = to_simplified(ch)
        if simp != ch and len(simp) == 1:
            mapping[ch] = simp
            continue
        for trad in set(to_traditional(ch)):
            if trad != ch and to_simplified(trad) == ch:
                mapping[trad] = ch
    return mapping


def norm(text: str) -> str:
    """The matching alphabet of the ground truth in tests: NFKC, each character folded to Simplified, lower
    case."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(to_simplified(c) if ord(c) > 0x3000 else c for c in text).lower()
