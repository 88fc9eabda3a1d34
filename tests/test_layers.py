"""The shape of the code, kept by checkers (issue 21): the layers and the absence of import cycles written as
import-linter contracts in pyproject.toml; no dead code (vulture, configured there too); no unused imports or
variables (ruff's pyflakes rules)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True)


def test_import_contracts_are_kept():
    r = run("lint-imports", "--no-cache")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    assert "Contracts: 2 kept, 0 broken." in r.stdout


def test_no_dead_code():
    r = run("vulture")  # paths, confidence and the names called by libraries: [tool.vulture] in pyproject.toml
    assert r.returncode == 0 and not r.stdout, r.stdout + r.stderr


def test_no_unused_imports_or_names():
    r = run("ruff", "check", "--no-cache", "--select", "F", "--output-format", "concise", "generator")
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_layer_check_can_fail(tmp_path):
    """An import that runs the wrong way (the model importing the site) breaks the contract."""
    pkg = tmp_path / "generator"
    for f in (ROOT / "generator").rglob("*.py"):
        dest = pkg / f.relative_to(ROOT / "generator")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(f.read_text("utf-8"), "utf-8")
    model = pkg / "model.py"
    model.write_text(model.read_text("utf-8") + "\nfrom .site import urls  # noqa\n", "utf-8")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text("utf-8"), "utf-8")
    r = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                       env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "generator.model -> generator.site.urls" in r.stdout, r.stdout[-2000:]
