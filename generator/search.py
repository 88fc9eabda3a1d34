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
import tempfile
import hashlib
import json
import re
import unicodedata
from pathlib import Path

from .normalize import CJK, to_simplified, to_traditional

KEEP = re.compile(f"[{CJK}0-9]")
MAIN = re.compile(r"<main\b[^>]*>(.*?)</main>", re.S)
TAG = re.compile(r"<[^>]+>")
IGNORED = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*data-pagefind-ignore[^>]*>.*?</(?:small|p|section|details|span|div)>",
                     re.S)


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


def page_text(html: str) -> str:
    m = MAIN.search(html)
    body = m.group(1) if m else html
    body = IGNORED.sub(" ", body)
    return TAG.sub(" ", body)


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
        cfg = IndexConfig(output_path=output_subdir)
        async with PagefindIndex(config=cfg) as index:
            # one request for the whole folder: the Python service answers one
            # response per 0.1 s, so a request per page would cost minutes
            added = await index.add_directory(path=str(src), glob="{zh,en}/**/*.html")
            await index.write_files(output_path=str(out / output_subdir))
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
        count = asyncio.run(run(src))
    if not stock:
        mapping = script_map(texts)
        data = json.dumps(mapping, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        (out / output_subdir / "t2s.json").write_text(data, "utf-8")
    return {"pages": count}
