"""Issue 6: `serve` previews on localhost, rebuilds on change and reports
build errors without dying."""
from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
import time
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
