"""Issue 6: `serve` previews on localhost, rebuilds on change and reports
build errors without dying."""
from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from conftest import ROOT, make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(lines: "queue.Queue[str]", needle: str, timeout: float = 60) -> str:
    end = time.time() + timeout
    seen = []
    while time.time() < end:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if needle in line:
            return "".join(seen)
    raise AssertionError(f"{needle!r} not printed; got: {''.join(seen)}")


def test_serve_rebuilds_and_survives_errors(tmp_path):
    proj = make_project(tmp_path)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-u", "-m", "generator", "--root", str(proj), "serve", "--no-search",
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout], daemon=True).start()
    try:
        wait_for(lines, f"serving {proj / 'build'} at http://127.0.0.1:{port}/")
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/zh/task/2026/20/", timeout=10).read().decode()
        assert "轨道交通22号线" in page
        note = proj / "content" / "notes" / "2026-04-02-livelihood-2026-2-2-zh.md"
        good = note.read_text("utf-8")
        note.write_text(good.replace("[[task/2026/224]]", "[[task/2026/999]]"), "utf-8")
        out = wait_for(lines, "still serving the last good site")
        out += wait_for(lines, "unknown reference [[task/2026/999]]")
        assert "2026-04-02-livelihood-2026-2-2-zh.md:" in out
        assert proc.poll() is None
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/zh/livelihood/2026/2.2/", timeout=10).read().decode()
        assert "家庭养老床位5000张" in page  # the last good site is still served
        note.write_text(good.replace("三份文件里的同一个数字", "三份文件里的同一数字"), "utf-8")
        wait_for(lines, "rebuilt")
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/zh/livelihood/2026/2.2/", timeout=10).read().decode()
        assert "三份文件里的同一数字" in page
        # a broken template: file and line in the terminal, the last good site still served
        tpl = proj / "themes" / "default" / "templates" / "task.html"
        good_tpl = tpl.read_text("utf-8")
        tpl.write_text(good_tpl.replace("{% block main %}", "{% block main %}{{ no_such_thing.attr }}", 1), "utf-8")
        out = wait_for(lines, "template error")
        assert "themes/default/templates/task.html:" in out and "Traceback" not in out
        assert proc.poll() is None
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/zh/task/2026/20/", timeout=10).read().decode()
        assert "轨道交通22号线" in page
        tpl.write_text(good_tpl, "utf-8")
        wait_for(lines, "rebuilt")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _index_processes(proj, wait: float = 0) -> list[int]:
    """Processes indexing the project (``generator … index``), found by their command line; waits up to
    ``wait`` seconds for one (a process just started may show an empty command line for a moment)."""
    end = time.time() + wait
    while True:
        found = _scan_index_processes(proj)
        if found or time.time() >= end:
            return found
        time.sleep(0.05)


def _scan_index_processes(proj) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if str(proj).encode() in cmd and b"index" in cmd:
            found.append(int(pid))
    return found


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_serve_pages_first_search_after_own_404_and_incremental_rebuild(tmp_path):
    """Issue 20 point 4 / issue 17 point 5: after a build (README's first command; here without search) the
    first page answers in under 3 s; the search index comes afterwards from a background process, which an
    edit stops and starts again; unknown paths get the site's 404 page of their language with status 404; an
    edited note rebuilds only what it touches; stopping the server leaves no indexing behind. (Without any
    build the pages are built first, as test_serve_rebuilds_and_survives_errors starts.)"""
    from generator.build import build

    proj = make_project(tmp_path)
    build(proj, proj / "build", search=False)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-u", "-m", "generator", "--root", str(proj), "serve", "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout], daemon=True).start()
    try:
        while True:
            try:
                status, page = _get(f"{base}/zh/task/2026/20/")
                if status == 200:
                    break
            except OSError:  # not listening yet
                time.sleep(0.02)
            assert time.perf_counter() - t0 < 30 and proc.poll() is None
        ready = time.perf_counter() - t0
        assert ready < 3.0, f"first page after {ready:.2f} s"
        assert "轨道交通22号线" in page.decode()
        assert _get(f"{base}/pagefind/pagefind.js")[0] == 404  # pages first: no index yet

        # the site's own 404 pages, by the path's language, with status 404
        status, body = _get(f"{base}/zh/task/2026/999/")
        assert status == 404 and body == (proj / "build" / "zh" / "404.html").read_bytes()
        status, body = _get(f"{base}/en/no/such/page")
        assert status == 404 and body == (proj / "build" / "en" / "404.html").read_bytes()
        assert 'lang="en"' in body.decode() and 'lang="zh' in (proj / "build" / "zh" / "404.html").read_text("utf-8")
        assert _get(f"{base}/api/v1/")[0] == 404  # no folder listings

        # an edit while the index is being made: the pages are rebuilt (only those the note touches), the
        # indexing is stopped and made again from the new pages
        out = wait_for(lines, "serving")
        assert "bringing the last build up to date" in out
        out = wait_for(lines, "indexing for search in the background")
        assert "built 1338 pages (0 rendered)" in out  # the previous build was up to date
        assert _index_processes(proj, wait=5), f"no background indexing; serve said: {out}{''.join(lines.queue)}"
        note = proj / "content" / "notes" / "2026-04-02-livelihood-2026-2-2-zh.md"
        note.write_text(note.read_text("utf-8").replace("三份文件里的同一个数字", "三份文件里的同一数字"), "utf-8")
        out = wait_for(lines, "rebuilt")
        rendered = int(re.search(r"rebuilt (\d+) pages \((\d+) rendered\)", out.splitlines()[-1]).group(2))
        assert 0 < rendered < 100, out
        assert "三份文件里的同一数字" in _get(f"{base}/zh/livelihood/2026/2.2/")[1].decode()
        out = wait_for(lines, "search index ready", timeout=120)
        assert out.count("search index ready") == 1  # the first indexing was stopped, not finished
        assert "indexing for search in the background" in out  # and started again after the rebuild
        assert _get(f"{base}/pagefind/pagefind.js")[0] == 200
        assert not (proj / "build" / ".pagefind-new").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode == 0
    time.sleep(0.5)
    assert not _index_processes(proj)


def test_serve_says_what_is_wrong_with_its_port_or_host_before_building(tmp_path):
    """A port in use, a port that is no port and a host that is no address were internal errors (exit 70),
    after the whole site had been built (a hostile-input sweep): each is now an error naming the flag, at once,
    with nothing built."""
    proj = make_project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cases = [(["--port", str(port)], f"--port: port {port} of 127.0.0.1 is in use by another program"),
                 (["--port", "99999"], "--port: 99999 is not a port number (expected a number from 1 to 65535)"),
                 (["--port", "-1"], "--port: -1 is not a port number"),
                 (["--host", "no-such-host.invalid", "--port", str(free_port())], "--host: 'no-such-host.invalid' is "
                                                                                  "not an address")]
        for args, says in cases:
            r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "serve", "--no-search", *args],
                               capture_output=True, text=True, cwd=ROOT, timeout=60)
            assert r.returncode == 1 and "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
            assert says in r.stderr, r.stderr
    assert not (proj / "build").exists()  # nothing built


def test_serve_refuses_a_folder_the_build_would_refuse(tmp_path):
    """A user's own build/ folder (files of theirs, not written by the generator): the build refused it, and
    serve then served it over HTTP anyway (a hostile-input sweep). serve now stops with the build's error."""
    proj = make_project(tmp_path)
    mine = proj / "build"
    mine.mkdir()
    (mine / "private.txt").write_text("not for the web\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "--root", str(proj), "serve", "--no-search", "--port",
                        str(free_port())], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "the output folder is not empty and was not written by this generator" in r.stderr, r.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["private.txt"]
