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
