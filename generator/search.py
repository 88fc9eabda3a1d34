"""Search: Pagefind, through its Python package (extended build), plus one
addition that removes the weakness of stock Pagefind with Chinese.

Stock Pagefind segments Chinese with a dictionary at index time and with the
browser's ``Intl.Segmenter`` at query time; a query whose segmentation differs
from the page's, or that cuts across word boundaries, finds nothing. Here every
page is indexed with extra *bigram tokens*: the page's Chinese text (script
folded to Simplified, digits kept, everything else dropped) cut into
overlapping two-character pieces, each written as one ASCII word
(``q`` + two 4-digit base-36 code points). The search page turns a Chinese
query into the same tokens, asks Pagefind for pages holding all of them, then
keeps only pages whose text really contains the query. Any query of two or
more characters that occurs in a page finds that page, whatever the
segmenters think. The tokens are added only to the copy of each page that
Pagefind reads; the published HTML stays small.

Traditional-script queries are folded to Simplified in the browser with a map
generated here from OpenCC for every character the site uses.
"""
from __future__ import annotations

import asyncio
import gzip
import hashlib
import concurrent.futures
import tempfile
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from .normalize import CJK, to_simplified, to_traditional

KEEP = re.compile(f"[{CJK}0-9]")


def fold(text: str) -> str:
    """The search alphabet: NFKC, Simplified, only Chinese characters and digits."""
    text = to_simplified(unicodedata.normalize("NFKC", text))
    return "".join(KEEP.findall(text))


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
    f = fold(text)
    seen, out = set(), []
    for i in range(len(f) - 1):
        if not (KEEP.match(f[i]) and KEEP.match(f[i + 1])):
            continue
        if f[i].isdigit() and f[i + 1].isdigit():
            continue  # digit pairs carry no signal; numbers are found through their Chinese neighbours
        t = token(f[i], f[i + 1])
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


SKIP_TAGS = {"script", "style", "nav", "form", "header", "footer", "template", "noscript"}


class _Visible(HTMLParser):
    """Text a reader sees in <main>, minus what Pagefind is told to ignore."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipping)
        self.in_main = False

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag in VOID:
            return
        # what Pagefind leaves out of a page's content: scripts, navigation, forms, ignored elements
        skip = self.skipping or tag in SKIP_TAGS or "hidden" in a or "data-pagefind-ignore" in a
        self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.in_main and not self.skipping:
            self.parts.append(data)


def text_nodes(html: str) -> list[str]:
    """The text runs a reader sees in <main>, as Pagefind indexes them."""
    p = _Visible()
    p.feed(html)
    return [t for t in p.parts if t.strip()]


def page_text(html: str) -> str:
    return "\n".join(text_nodes(html))


def augment(html: str) -> str:
    """The copy of a page that Pagefind reads: the page plus its bigram tokens."""
    toks = bigram_tokens(page_text(html))
    if not toks:
        return html
    block = '<p class="pf-ngrams">' + " ".join(toks) + "</p>"
    return html.replace("</main>", block + "</main>", 1)


def script_map(texts) -> dict[str, str]:
    """Traditional -> Simplified for every character the site uses (OpenCC)."""
    chars = set()
    for t in texts:
        chars.update(re.findall(f"[{CJK}]", t))
    mapping = {}
    for ch in sorted(chars):
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

    async def run(src: Path):
        # an absolute path: the service also writes the bundle when the context closes, and a
        # relative one would land in the current directory
        cfg = IndexConfig(output_path=str(out / output_subdir))
        async with PagefindIndex(config=cfg) as index:
            # one request for the whole folder: the Python service answers one
            # response per 0.1 s, so a request per page would cost minutes
            added = await index.add_directory(path=str(src), glob="{zh,en}/**/*.html")
            # the bundle is written once, when the context closes, to cfg's output_path
        return added.get("page_count", 0) if isinstance(added, dict) else 0

    with tempfile.TemporaryDirectory(prefix="pagefind-src-") as tmp:
        src = Path(tmp)
        for p in files:
            html = p.read_text("utf-8")
            if "data-pagefind-body" not in html:
                continue
            if not stock:
                texts.append(page_text(html))
                html = augment(html)
            dest = src / p.relative_to(out)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(html, "utf-8")
        # a fresh thread has no running event loop (callers may have one, e.g. Playwright)
        with concurrent.futures.ThreadPoolExecutor(1) as ex:
            count = ex.submit(asyncio.run, run(src)).result()
    normalize_bundle(out / output_subdir)
    if not stock:
        mapping = script_map(texts)
        data = json.dumps(mapping, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        (out / output_subdir / "t2s.json").write_text(data, "utf-8")
    return {"pages": count}


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
