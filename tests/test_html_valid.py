"""Every page of the built site is valid HTML by the Nu HTML Checker (the W3C's validator), ids unique on each
page. The pages of the gazette's other kinds are checked in tests/test_kinds_site.py."""
from __future__ import annotations

from conftest import nu_errors


def site_pages(site):
    """Every HTML page the site publishes (Pagefind's own files excluded: they are the library's)."""
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


def test_every_page_is_valid_html(site):
    pages = site_pages(site)
    assert len(pages) > 1300
    errors = nu_errors(pages)
    assert not errors, f"{len(errors)} errors, the first: " + "\n".join(errors[:20])


def test_the_checker_reports_what_is_wrong(tmp_path):
    """The check can fail: a page with a duplicate id and a stray end tag is reported, with its line."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>\n'
                   '<body><p id="a">one</p>\n<p id="a">two</p></span></body></html>\n', "utf-8")
    errors = nu_errors([bad])
    assert any(":3: Duplicate ID" in e for e in errors), errors
    assert any("Stray end tag" in e for e in errors), errors
