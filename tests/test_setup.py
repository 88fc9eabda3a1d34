"""Issue 20 point 3 and issue 19 point 6: the set-up a newcomer, CI and Netlify use. The README's two commands
are the ones CI runs; every dependency is pinned (with hashes) in the lock that all three install; the Python
version stated is the one tested; `i18n` on a clean checkout changes nothing."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

TEST_LOCK = ROOT / ".ci" / "requirements-test.txt"
RUNTIME_LOCK = ROOT / ".ci" / "requirements.txt"


def read_lock(path) -> dict[str, tuple[str, str, int]]:
    """name -> (version, marker, number of hashes) of a pip requirements file with hashes."""
    text = re.sub(r"\s*\\\n\s*", " ", path.read_text("utf-8"))  # join continuation lines
    pins = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        hashes = re.findall(r"--hash=sha256:[0-9a-f]{64}", line)
        req = Requirement(re.sub(r"\s*--hash=\S+", "", line))
        spec = list(req.specifier)
        assert len(spec) == 1 and spec[0].operator == "==", f"{path.name}: {line!r} is not pinned with =="
        pins[canonicalize_name(req.name)] = (spec[0].version, str(req.marker or ""), len(hashes))
    return pins


def test_lock_pins_every_dependency_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    test_pins, runtime_pins = read_lock(TEST_LOCK), read_lock(RUNTIME_LOCK)
    assert all(n >= 1 for _, _, n in test_pins.values()) and all(n >= 1 for _, _, n in runtime_pins.values())
    declared = {"runtime": project["dependencies"], "test": project["optional-dependencies"]["test"]}
    for group, reqs in declared.items():
        for spec in reqs:
            req = Requirement(spec)
            name = canonicalize_name(req.name)
            for lock in ([test_pins, runtime_pins] if group == "runtime" else [test_pins]):
                assert name in lock, f"{spec} is not in the lock: run .ci/lock"
                assert req.specifier.contains(lock[name][0]), f"{spec}: the lock pins {lock[name][0]}; run .ci/lock"
    assert "pagefind-bin-extended" in runtime_pins  # pagefind[extended]: the binary that segments Chinese
    # the runtime lock is the test lock less the test tools, at the same versions
    for name, pin in runtime_pins.items():
        assert test_pins.get(name) == pin, f"{name}: {pin} in requirements.txt, {test_pins.get(name)} in the test lock"
    assert not {"pytest", "playwright"} & set(runtime_pins)
    # the catalogs are written with a fixed header (i18n/catalog.py), which names no Babel version: what the
    # lock pins cannot change them
    from generator.i18n.catalog import header

    for p in (ROOT / "content" / "translations" / "en").glob("*.po"):
        text = p.read_text("utf-8")
        assert text.startswith(header("en")) and "Generated-By" not in text, p.name
    assert "babel" in test_pins


def test_python_version_stated_is_the_one_tested():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["requires-python"] == "==3.11.*"
    assert sys.version_info[:2] == (3, 11)
    assert "Tested with Python 3.11" in (ROOT / "README.md").read_text("utf-8")
    assert "--python-version 3.11" in (ROOT / ".ci" / "lock").read_text("utf-8")
    assert 'PYTHON_VERSION = "3.11"' in (ROOT / "netlify.toml").read_text("utf-8")


def test_readme_commands_are_what_ci_and_netlify_run():
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert blocks[:2] == ["bash .ci/setup && .venv/bin/python -m generator build", ".venv/bin/python -m pytest"]
    assert readme.index(blocks[0]) < readme.index("\n## ")  # the first thing a newcomer reads
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "bash .ci/setup\n.venv/bin/python -m pytest -q\n" in ci
    setup = (ROOT / ".ci" / "setup").read_text("utf-8")
    assert "--require-hashes -r .ci/requirements-test.txt" in setup
    for package in ("python3-venv", "chromium", "libatomic1", "fonts-noto-cjk", "default-jre-headless"):
        assert package in setup.split("PACKAGES=(", 1)[1].split(")", 1)[0]
    netlify = tomllib.loads((ROOT / "netlify.toml").read_text("utf-8"))
    assert netlify["build"]["command"].startswith("pip install --require-hashes -r .ci/requirements.txt && ")
    workflow = (ROOT / ".github" / "workflows" / "site.yml").read_text("utf-8")
    assert "run: bash .ci/run" in workflow and "pip install" not in workflow
    assert ".venv/" in (ROOT / ".gitignore").read_text("utf-8").split("\n"), ".venv/ is not ignored"


def test_i18n_on_a_clean_checkout_changes_nothing(tmp_path):
    """With the pinned Babel, refreshing the catalogs of an untouched copy leaves every byte as committed."""
    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "content", proj / "content")
    shutil.copytree(ROOT / "themes", proj / "themes")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "i18n"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    before = {p.relative_to(ROOT / "content").as_posix(): p.read_bytes()
              for p in (ROOT / "content" / "translations").rglob("*") if p.is_file()}
    after = {p.relative_to(proj / "content").as_posix(): p.read_bytes()
             for p in (proj / "content" / "translations").rglob("*") if p.is_file()}
    assert sorted(after) == sorted(before)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"i18n rewrote {changed}"


def test_what_a_build_leaves_beside_its_output_is_ignored_by_git():
    """Editors commit new issues and notes from the project folder: nothing the default build puts there (the
    output and its two trees, the search index's record store, the lock, the build's record, staging and trash
    folders, markers) may show up in `git status`, or a `git add -A` would commit the site."""
    from generator import output, search
    from generator.build import _incomplete_marker, _manifest_path

    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = ROOT / "build"
    paths = [out, output.tree_path(out, "a") / "index.html", output.tree_path(out, "b") / "x",
             search.store_dir(out) / "records" / "zh" / "2026.pickle", _manifest_path(out), _incomplete_marker(out),
             out.parent / f".{out.name}.lock", output.updating_marker(out, "a"),
             out.parent / f".{out.name}{output.STAGING_PREFIX}x1y2" / "index.html",
             out.parent / f".{out.name}{output.TRASH_PREFIX}123-ab" / "index.html",
             out.parent / f".{out.name}.kept" / "index.html-123" / "x"]
    rels = [p.relative_to(ROOT).as_posix() for p in paths]
    r = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--no-index", "--verbose", "--non-matching", *rels],
                       capture_output=True, text=True)
    assert r.returncode in (0, 1), r.stderr  # 1: none ignored
    not_ignored = [line.split("\t")[-1] for line in r.stdout.splitlines() if line.startswith("::")]
    assert not not_ignored, not_ignored
