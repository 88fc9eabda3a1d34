"""Issue 7: deterministic and incremental builds, feeds, sitemap, robots, Netlify and CI configuration."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from conftest import ROOT, make_project

DATA = ROOT / "tests" / "data" / "ingest"


def tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_builds_are_byte_identical(tmp_path):
    from generator.build import build

    a, b = tmp_path / "a" / "build", tmp_path / "b" / "build"
    build(ROOT, a, search=True)
    build(ROOT, b, search=True)
    ta, tb = tree(a), tree(b)
    assert ta.keys() == tb.keys()
    differ = [k for k in ta if ta[k] != tb[k]]
    assert not differ, differ[:10]
    assert any(k.startswith("pagefind/") for k in ta)


def test_incremental_build_renders_only_affected_pages(tmp_path):
    from generator.build import build

    proj = make_project(tmp_path)
    out = proj / "build"
    first = build(proj, out, search=False)
    assert first.rendered == first.pages
    again = build(proj, out, search=False)
    assert again.rendered == 0 and again.reused == again.pages
    shutil.copy(DATA / "gazette-2026-13.txt", proj / "content" / "sources" / "2026-gazette-013.txt")
    third = build(proj, out, search=False)
    # the new issue and its document in two languages, plus the pages that list issues and documents
    assert third.pages == first.pages + 6  # issue, document and its side-by-side view, in two languages
    assert 6 <= third.rendered <= 18, third.rendered
    html = (out / "zh" / "gazette" / "2026" / "13" / "index.html").read_text("utf-8")
    assert "北京市人民政府关于印发《北京市2026年春季植树造林工作方案》的通知" in html
    assert (out / "zh" / "task" / "2026" / "20" / "index.html").is_file()  # kept from the previous build
    assert "2026年第13期" in (out / "zh" / "gazette" / "index.html").read_text("utf-8")


def test_feeds_sitemap_robots(site):
    zh = (site / "zh" / "feed.xml").read_text("utf-8")
    en = (site / "en" / "feed.xml").read_text("utf-8")
    assert zh.startswith("<?xml") and "<feed xmlns=\"http://www.w3.org/2005/Atom\"" in zh
    assert "北京市人民政府公报 2026年第12期（总第936期）" in zh
    assert "Gazette of the People's Government of Beijing Municipality, 2026 Issue No. 12" in en
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert '<loc>https://beijing-gov-docs.netlify.app/zh/task/2026/20/</loc>' in sitemap
    assert ('<xhtml:link rel="alternate" hreflang="en" '
            'href="https://beijing-gov-docs.netlify.app/en/task/2026/20/"/>') in sitemap
    assert sitemap.count("<url>") >= 1200
    robots = (site / "robots.txt").read_text()
    assert "Sitemap: https://beijing-gov-docs.netlify.app/sitemap.xml" in robots
    assert (site / "zh" / "404.html").is_file() and (site / "en" / "404.html").is_file()


def test_netlify_configuration(site):
    cfg = tomllib.loads((ROOT / "netlify.toml").read_text("utf-8"))
    assert cfg["build"]["publish"] == "build"
    assert "python -m generator build" in cfg["build"]["command"] and "pip install" in cfg["build"]["command"]
    assert cfg["build"]["environment"]["PYTHON_VERSION"].startswith("3.")
    headers = {h["for"]: h["values"] for h in cfg["headers"]}
    csp = headers["/*"]["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert headers["/*"]["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in headers["/assets/*"]["Cache-Control"]
    redirects = cfg["redirects"]
    lang = [r for r in redirects if r["from"] == "/" and r.get("conditions", {}).get("Language")]
    assert lang and lang[0]["to"] == "/en/" and lang[0]["conditions"]["Language"] == ["en"]
    assert any(r["from"] == "/" and r["to"] == "/zh/" for r in redirects)
    four04 = {r["from"]: r["to"] for r in redirects if r.get("status") == 404}
    assert four04 == {"/en/*": "/en/404.html", "/zh/*": "/zh/404.html"}
    # no inline scripts on any page: the CSP forbids them
    for p in list((site / "zh").rglob("*.html"))[:50] + list((site / "en").rglob("*.html"))[:50]:
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", p.read_text("utf-8")), p


def test_ci_workflow():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text("utf-8"))
    on = wf.get(True) or wf.get("on")  # YAML reads the key `on` as True
    assert "push" in on and "pull_request" in on
    assert not (on["push"] or {}).get("paths")  # every push, so every new file under content/sources/
    steps = " ".join(str(s.get("run", "")) for job in wf["jobs"].values() for s in job["steps"])
    assert "bash .ci/run" in steps and "python -m generator build" in steps
