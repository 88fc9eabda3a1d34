"""Search: Pagefind, through its Python package (extended build), plus one
addition that removes the weakness of stock Pagefind with Chinese.

Stock Pagefind segments Chinese with a dictionary at index time and with the
browser's ``Intl.Segmenter`` at query time; a query whose segmentation differs
from the page's, or that cuts across word boundaries, finds nothing. Here every
page is indexed with extra *bigram tokens*: every pair of adjacent Chinese
characters or digits in the text Pagefind indexes for the page (script folded
to Simplified; punctuation, letters and spaces end a run), each written as one
ASCII word (``q`` + two 4-digit base-36 code points). The tokens are taken from
exactly the text Pagefind indexes: ``indexed_text`` follows Pagefind's own rules
(``data-pagefind-body``, ``data-pagefind-ignore``, the elements it always leaves
out, the breaks it puts between blocks), and a test checks it against the
fragments Pagefind writes. The search page turns each query term into the same
tokens, asks Pagefind for pages holding all of them, then keeps only pages
whose indexed text really contains every term. Any query of two or more
characters that occurs in a page finds that page, whatever the segmenters
think. The tokens are added only to the copy of each page that Pagefind reads;
the published HTML stays small.

Traditional-script queries are folded to Simplified in the browser with a map
generated here from OpenCC for every character the site uses.
"""
from __future__ import annotations

import asyncio
import errno
import gzip
import hashlib
import html as html_lib
import concurrent.futures
import tempfile
import json
import os
import re
import shutil
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from .normalize import CJK, to_simplified, to_traditional

RUN = re.compile(f"[{CJK}0-9]+")


@lru_cache(maxsize=None)
def _simplified_char(ch: str) -> str:
    return to_simplified(ch)


def norm(text: str) -> str:
    """The matching alphabet, as the search page computes it: NFKC, then each
    character folded to Simplified (character by character, with the same map
    the browser gets), lower case. Punctuation and spaces are kept: they break
    words, and a query must match across them exactly as typed."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(_simplified_char(c) if ord(c) > 0x3000 else c for c in text).lower()


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(4, "0")


def token(a: str, b: str) -> str:
    return "q" + _b36(ord(a)) + _b36(ord(b))


def bigram_tokens(text: str) -> list[str]:
    """Every pair of adjacent Chinese characters / digits in ``norm(text)``.

    Pairs are taken inside runs only: punctuation, Latin letters and spaces (which
    include the breaks Pagefind puts between blocks) end a run. A query's pairs are
    taken the same way, so a page that contains the query holds all of them, and
    a two-character query finds exactly the pages that contain it."""
    seen, out = set(), []
    for run in RUN.findall(norm(text)):
        for a, b in zip(run, run[1:]):
            if a.isdigit() and b.isdigit():
                continue  # digit pairs carry no signal; numbers are found through their Chinese neighbours
            t = token(a, b)
            if t not in seen:
                seen.add(t)
                out.append(t)
    return out


# ------------------------------------------------------------ what Pagefind indexes
# Pagefind's own rules (pagefind/src/fossick/parser.rs, 1.x): with data-pagefind-body
# on the page only body elements count; data-pagefind-ignore drops an element's text
# (and "all" its filters and meta too); these elements are always dropped; these
# block elements are padded with spaces (and a "." after a final word character);
# <br> is a space. Nothing else (not ``hidden``, not <header>) is left out.
PF_REMOVE = {"head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav", "iframe", "template"}
PF_SENTENCE = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "td", "div", "ul", "li", "article", "section"}
SENTENCE_END_CHARS = set("'\")$*")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "param", "keygen"}
INDEXING, IGNORED, EXCLUDED, BODY, PARENT_OF_BODY = range(5)


def _word_char(c: str) -> bool:
    """Pagefind's test for "ends a sentence without punctuation": Rust's Unicode ``\\w``
    (letters, marks, digits, connectors) or one of ' " ) $ *."""
    cat = unicodedata.category(c)
    return c in SENTENCE_END_CHARS or cat[0] in "LM" or cat in ("Nd", "Nl", "Pc") or c in "\u200c\u200d"


class _Node:
    __slots__ = ("tag", "status", "parts")

    def __init__(self, tag: str, status: int):
        self.tag, self.status, self.parts = tag, status, []


class _PagefindText(HTMLParser):
    """The text Pagefind indexes for a page (its "digest"), built the way Pagefind builds it."""

    # Pagefind reads text as written in the HTML: entities are decoded only at the end
    # (so a block ending in &#34; gets no "."), hence convert_charrefs=False.
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack = [_Node("", INDEXING)]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-pagefind-body" in a:
            status = BODY
        elif "data-pagefind-ignore" in a:
            status = IGNORED if (a["data-pagefind-ignore"] or "").lower() in ("", "index", "true") else EXCLUDED
        else:
            status = INDEXING
        if tag in PF_REMOVE:
            status = IGNORED
        parent = self.stack[-1]
        if parent.status == EXCLUDED:
            status = EXCLUDED
        if a.get("id") and status not in (IGNORED, EXCLUDED):
            parent.parts.append(" ")  # where Pagefind notes an anchor (a word of its own, dropped later)
        if tag in VOID:
            if tag == "br" and status != EXCLUDED:
                parent.parts.append(" ")
            return
        self.stack.append(_Node(tag, status))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                while len(self.stack) > i:
                    self._close()
                return

    def _close(self):
        node = self.stack.pop()
        parent = self.stack[-1]
        if node.status in (IGNORED, EXCLUDED):
            return
        value = "".join(node.parts)
        if node.tag in PF_SENTENCE:
            value = " " + value
            if _word_char(value[-1]):
                value += "."
            value += " "
        if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            value = " " + value + " "  # Pagefind's weight markers, dropped from the content, leave spaces
        if parent.status == PARENT_OF_BODY and node.status not in (BODY, PARENT_OF_BODY):
            return
        if node.status == INDEXING:
            parent.parts.append(value)
        else:  # a body, or the parent of one: only bodies count from here up
            if parent.status != PARENT_OF_BODY:
                parent.parts.clear()
            parent.parts.append(value)
            parent.status = PARENT_OF_BODY

    def handle_data(self, data):
        self.stack[-1].parts.append(data)

    def handle_entityref(self, name):
        self.stack[-1].parts.append(f"&{name};")

    def handle_charref(self, name):
        self.stack[-1].parts.append(f"&#{name};")

    def result(self) -> str:
        while len(self.stack) > 1:
            self._close()
        return " ".join(html_lib.unescape("".join(self.stack[0].parts)).split())


def indexed_text(html: str) -> str:
    """The text Pagefind indexes for this page: what its search results' ``content``
    holds (without the zero-width spaces Pagefind puts between Chinese words)."""
    p = _PagefindText()
    p.feed(html)
    p.close()
    return p.result()


H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def augment(html: str, text: str | None = None) -> str:
    """The copy of a page that Pagefind reads: the page plus its bigram tokens
    (those of its title once more, weighted like the title, so that pages about a
    term rank above pages that mention it). ``text``: the page's ``indexed_text``."""
    toks = bigram_tokens(indexed_text(html) if text is None else text)
    if not toks:
        return html
    block = '<p class="pf-ngrams">' + " ".join(toks) + "</p>"
    m = H1.search(html)
    title_toks = bigram_tokens(html_lib.unescape(re.sub(r"<[^>]+>", "", m.group(1)))) if m else []
    if title_toks:
        block = '<p class="pf-ngrams" data-pagefind-weight="7">' + " ".join(title_toks) + "</p>" + block
    return html.replace("</main>", block + "</main>", 1)


def script_map(texts) -> dict[str, str]:
    """Traditional -> Simplified for every character the site uses (OpenCC)."""
    chars = set()
    for t in texts:
        chars.update(re.findall(f"[{CJK}]", t))
    mapping = {}
    for ch in sorted(chars):
        simp = _simplified_char(ch)
        if simp != ch:  # Traditional text on the site (originals kept as published)
            mapping[ch] = simp
            continue
        for trad in set(to_traditional(ch)):
            if trad != ch and to_simplified(trad) == ch:
                mapping[trad] = ch
    return mapping


def index_site(out: Path, *, stock: bool = False, output_subdir: str = "pagefind") -> dict:
    """Index every page under out/{zh,en}/ with Pagefind. ``stock=True`` indexes
    the pages as they are (for comparison in tests and benchmarks)."""
    from pagefind.index import IndexConfig, PagefindIndex

    files = sorted(p for lang in ("zh", "en") for p in (out / lang).rglob("*.html"))
    texts = []

    async def run(src: Path, scratch: Path):
        # Pagefind (1.5) answers WriteFiles before its last writes land, and closing the context
        # writes the bundle once more and stops the service at once, which can cut those writes
        # short. So the bundle is written here, explicitly, and given time to land while the service
        # still runs; the write made on closing goes to a scratch folder that is thrown away.
        # Absolute paths: a relative one would land in the service's current directory.
        cfg = IndexConfig(output_path=str(scratch))
        async with PagefindIndex(config=cfg) as index:
            # one request for the whole folder: the Python service answers one
            # response per 0.1 s, so a request per page would cost minutes
            added = await index.add_directory(path=str(src), glob="{zh,en}/**/*.html")
            await index.write_files(output_path=str(out / output_subdir))
            await _settle(out / output_subdir)
        return added.get("page_count", 0) if isinstance(added, dict) else 0

    # the pages' copies are made inside the folder being indexed (a build's staging folder), not in /tmp: a
    # build stopped with kill -9 leaves them where the next build deletes its leftovers
    with tempfile.TemporaryDirectory(prefix=".pagefind-src-", dir=out) as tmp:
        src = Path(tmp)
        for p in files:
            html = p.read_text("utf-8")
            if "data-pagefind-body" not in html:
                continue
            if not stock:
                text = indexed_text(html)
                texts.append(text)
                html = augment(html, text)
            dest = src / p.relative_to(out)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(html, "utf-8")
        bundle = out / output_subdir
        for attempt in range(1, 4):
            if bundle.exists():
                shutil.rmtree(bundle)
            # a fresh thread has no running event loop (callers may have one, e.g. Playwright)
            with concurrent.futures.ThreadPoolExecutor(1) as ex:
                count = ex.submit(asyncio.run, run(src, Path(tmp) / ".scratch-bundle")).result()
            bad = incomplete_files(bundle)
            if not bad:
                break
            if shutil.disk_usage(bundle).free < 1 << 20:  # cut short by a full disk: trying again cannot help
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(bundle / bad[0]))
            if attempt == 3:
                raise RuntimeError(f"Pagefind left incomplete files in {bundle} three times: {bad[:3]}")
    normalize_bundle(bundle)
    if not stock:
        mapping = script_map(texts)
        data = json.dumps(mapping, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        (out / output_subdir / "t2s.json").write_text(data, "utf-8")
    return {"pages": count}


async def _settle(bundle: Path, quiet: float = 0.3, limit: float = 10.0) -> None:
    """Wait until the bundle's files stop changing (names and sizes the same for ``quiet`` seconds)."""
    def state():
        return sorted((str(p), p.stat().st_size) for p in bundle.rglob("*") if p.is_file())

    waited, last = 0.0, None
    while waited < limit:
        now = state()
        if now == last and now:
            return
        last = now
        await asyncio.sleep(quiet)
        waited += quiet


def incomplete_files(bundle: Path) -> list[str]:
    """Files of a written bundle that are empty or cut short.

    Pagefind (1.5) answers the service's WriteFiles request once its last writes
    are queued, not done (tokio file writes that are never flushed); the Python
    package then terminates the service, and under load a file or two is left
    empty (seen: pagefind-entry.json, wasm.unknown.pagefind). Index files are
    gzip (length and CRC checked), the entry file is JSON."""
    if not (bundle / "pagefind-entry.json").exists():
        return ["pagefind-entry.json"]
    bad = []
    for f in sorted(bundle.rglob("*")):
        if not f.is_file():
            continue
        data = f.read_bytes()
        try:
            if not data:
                raise ValueError("empty")
            if f.suffix.startswith(".pf_"):
                gzip.decompress(data)
            elif f.name == "pagefind-entry.json":
                json.loads(data)
        except (ValueError, OSError, EOFError):
            bad.append(str(f.relative_to(bundle)))
    return bad


# ------------------------------------------------------------------ determinism
PF_SIG = b"pagefind_dcd"


def _pf_load(path: Path):
    import cbor2

    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(PF_SIG):
        raise ValueError(f"{path}: not a Pagefind index file")
    return cbor2.loads(raw[len(PF_SIG):])


def _pf_dump(obj) -> bytes:
    import cbor2

    return gzip.compress(PF_SIG + cbor2.dumps(obj), mtime=0)


def normalize_bundle(bundle: Path) -> None:
    """Make Pagefind's filter and meta indexes byte-stable.

    Pagefind (1.5) writes filter values and the list of filters from a hash map,
    so two builds of the same pages differ in those files and in the names that
    point to them (upstream issue #638: fragments were fixed, filter and
    metadata indexes were not). Here the values and filters are sorted, the files
    renamed after their new content, and the references updated.
    """
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _pf_load(meta_path)
        filters = meta[3]
        renamed = []
        for name, fhash in filters:
            fpath = bundle / "filter" / f"{fhash}.pf_filter"
            fname, values = _pf_load(fpath)
            values = sorted(([v, sorted(ids)] for v, ids in values), key=lambda x: x[0])
            data = _pf_dump([fname, values])
            new = f"{lang}_{hashlib.sha256(data).hexdigest()[:7]}"
            fpath.unlink()
            (bundle / "filter" / f"{new}.pf_filter").write_bytes(data)
            renamed.append([name, new])
        meta[3] = sorted(renamed)
        data = _pf_dump(meta)
        width = len(info["hash"]) - len(lang) - 1
        new_hash = f"{lang}_{hashlib.sha256(data).hexdigest()[:width]}"
        meta_path.unlink()
        (bundle / f"pagefind.{new_hash}.pf_meta").write_bytes(data)
        info["hash"] = new_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")), "utf-8")
