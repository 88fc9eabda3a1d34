"""``python -m generator serve``: preview on localhost.

Pages first, search after: an existing build is served at once and brought up to date in place (the build is
incremental); without one, the pages are built without the search index and then served. The search index is
made afterwards by a background process (``python -m generator index``), which a change stops and starts again,
so the preview never waits for it. Every change under content/ and themes/ rebuilds what it touches.

Build errors are printed in the terminal and the last good site keeps being served (the build is atomic), so a
typo in a note never kills the preview. Unknown paths get the site's own 404 page in the path's language, with
status 404, as on Netlify (netlify.toml)."""
from __future__ import annotations

import http.server
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from jinja2 import TemplateError

from .errors import SourceError
from .paths import CONTENT, THEMES, Paths

WATCHED = (CONTENT, THEMES)


def _say(text: str) -> None:
    print(text, flush=True)


def _build(root: Path, out: Path, search: bool, verbose: bool = False, first: bool = False):
    """Build (incrementally) without the search index; the BuildResult, or None when the build failed."""
    from .build import build
    from .diagnostics import sort_warnings

    t0 = time.perf_counter()
    try:
        # in this process, not in forked workers: the server's threads (HTTP, file watcher, indexer) run while
        # it builds, and a pool forked from a threaded process hung now and then (a worker blocked on the pool's
        # queue lock for a minute, in Debian 12's Python 3.11.2); a preview rebuild renders few pages anyway
        result = build(root, out, search=False, index_later=search, workers=1)
    except (SourceError, TemplateError) as e:
        if isinstance(e, TemplateError):  # a broken template: which file and line, as `build` says it
            from .site.render import template_problem

            e = SourceError(template_problem(e, Path(root).resolve()))
        _say(f"build failed ({len(e.problems)} problem(s)); still serving the last good site:")
        for p in e.problems:
            _say(f"  {p}")
        return None
    except Exception as e:  # a bug, not bad input: report where, and keep serving
        import traceback

        where = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
        at = f" at {where.filename}:{where.lineno}" if where else ""
        _say(f"build crashed{at}: {type(e).__name__}: {e}; still serving the last good site")
        return None
    shown, known = sort_warnings(result.warnings, root)
    for w in shown + (known if verbose else []):
        _say(f"warning: {w}")
    _say(f"{'built' if first else 'rebuilt'} {result.pages} pages ({result.rendered} rendered) "
         f"in {time.perf_counter() - t0:.2f} s")
    return result


class Indexer:
    """The search index, made in a background process after each build; a newer build stops it first.

    The process runs in its own session, so stopping it stops Pagefind too; what it left half-made (the new
    bundle in the output, its scratch copies under .cache/) is removed. The bundle is swapped in only when
    complete, so the preview serves the previous index, or none, until then."""

    def __init__(self, root: Path, out: Path):
        self.root, self.out = root, out
        self.scratch = Paths(root).cached("serve-index")
        self.proc: subprocess.Popen | None = None
        self.lock = threading.Lock()
        self.indexed = None  # the pages (files and keys) the current bundle was made from, once known

    def start(self) -> None:
        """Index the output unless the bundle was made from exactly these pages in this session."""
        self.stop()
        pages = _pages(self.out)
        if pages is not None and pages == self.indexed and (self.out / "pagefind").is_dir():
            return
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, TMPDIR=str(self.scratch))
        cmd = [sys.executable, "-m", "generator", "--root", str(self.root), "index", "--out", str(self.out)]
        with self.lock:
            self.proc = proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parent.parent, env=env,
                                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                                start_new_session=True)
        _say("indexing for search in the background")
        threading.Thread(target=self._report, args=(proc, time.perf_counter(), pages), daemon=True).start()

    def _report(self, proc: subprocess.Popen, t0: float, pages) -> None:
        output = proc.communicate()[0]
        with self.lock:
            if proc is not self.proc:  # stopped for a newer build: nothing to say
                return
            self.proc = None
        if proc.returncode == 0:
            self.indexed = pages
            _say(f"search index ready in {time.perf_counter() - t0:.1f} s")
        else:
            _say(f"search index failed (exit status {proc.returncode}); pages are served without it:")
            for line in output.strip().splitlines()[-10:]:
                _say(f"  {line}")

    def stop(self) -> None:
        from .build import discard_partial_index

        with self.lock:
            proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()
        discard_partial_index(self.out)
        shutil.rmtree(self.scratch, ignore_errors=True)


def _pages(out: Path):
    """The pages of the output as its manifest records them (file and content key), or None."""
    from .build import load_manifest

    m = load_manifest(out)
    if m is None:
        return None
    return frozenset((rel, key) for g in m["groups"].values() for rel, key, _ in g["pages"])


def _not_found_page(out: Path, path: str) -> Path | None:
    """The site's own 404 page for a path: /<lang>/… gets its language's one (a folder of the output that has
    a 404.html), anything else the site-wide /404.html, as netlify.toml says."""
    first = path.strip("/").split("/")[0]
    for p in ((out / first / "404.html") if first and first not in (".", "..") else None, out / "404.html"):
        if p is not None and p.is_file():
            return p
    return None


def make_handler(out: Path):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(out), **kw)

        def log_message(self, fmt, *args):  # quiet
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-cache")  # a reload shows the rebuilt page
            super().end_headers()

        def send_error(self, code, message=None, explain=None):
            page = _not_found_page(out, self.path.split("?", 1)[0]) if code == 404 else None
            if page is None:
                return super().send_error(code, message, explain)
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def list_directory(self, path):  # no folder listings: a folder without index.html is not a page
            self.send_error(404)
            return None

    return Handler


_SERVER_PID = os.getpid()


def _interrupt(signum, frame):
    """SIGTERM in the server: stop as after Ctrl-C. A forked build worker inherits this handler, and the
    build's pool stops its workers with SIGTERM: there, die as by default."""
    if os.getpid() != _SERVER_PID:
        os._exit(128 + signum)
    raise KeyboardInterrupt


def _watch(root: Path, changes: "queue.Queue", stop: threading.Event) -> None:
    from watchfiles import watch

    for batch in watch(*(root / w for w in WATCHED if (root / w).exists()), debounce=300, stop_event=stop):
        changes.put(batch)


def _listen(host: str, port: int, out: Path) -> http.server.ThreadingHTTPServer:
    """The server bound to ``host``:``port``, or SourceError saying what is wrong with them."""
    import errno
    import socket

    from .errors import Problem, SourceError

    if not 0 <= port <= 65535:
        raise SourceError(Problem("--port", None, f"{port} is not a port number", "a number from 1 to 65535"))
    try:
        return http.server.ThreadingHTTPServer((host, port), make_handler(out))
    except socket.gaierror as e:
        raise SourceError(Problem("--host", None, f"{host!r} is not an address ({e.strerror})",
                                  "an address of this machine, such as 127.0.0.1")) from None
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise SourceError(Problem("--port", None, f"port {port} of {host} is in use by another program",
                                      f"a free port, such as --port {port + 1 if port < 65535 else 8000}")) from None
        raise SourceError(Problem("--host", None, f"cannot listen on {host} port {port} ({e.strerror})",
                                  "an address of this machine and a port above 1023")) from None


def serve(root: Path, port: int = 8000, host: str = "127.0.0.1", search: bool = True, once: bool = False,
          verbose: bool = False) -> int:
    from .build import load_manifest
    from .output import check_output

    root = Path(root).resolve()
    out = root / "build"
    check_output(root, out)  # a folder the build would refuse (a user's own build/) is never served either
    httpd = _listen(host, port, out)  # before any build: a port in use is said at once
    changes: "queue.Queue" = queue.Queue()
    stop = threading.Event()
    # watching starts first, so an edit made while the first build runs is not missed
    threading.Thread(target=_watch, args=(root, changes, stop), daemon=True).start()
    previous = load_manifest(out) is not None
    if not previous:  # nothing to show yet: the pages first
        _build(root, out, search, verbose, first=True)
        if not out.exists():
            _say("no site to serve yet; fix the errors above and save again")
            out.mkdir(parents=True, exist_ok=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    _say(f"serving {out} at http://{host}:{port}/ (Ctrl-C to stop)"
         + ("; bringing the last build up to date" if previous else ""))
    indexer = Indexer(root, out) if search else None
    # stopped by a signal (a test, a process manager): leave as after Ctrl-C, with no indexing left running
    global _SERVER_PID
    _SERVER_PID = os.getpid()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        ok = _build(root, out, search, verbose, first=True) if previous else out.joinpath("index.html").exists()
        if ok and indexer:
            indexer.start()
        while True:
            try:
                batch = changes.get(timeout=0.5)
            except queue.Empty:
                continue
            while not changes.empty():  # everything saved meanwhile, in one build
                batch = batch | changes.get()
            names = sorted({Path(p).name for _, p in batch})
            _say(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            if indexer:
                indexer.stop()
            if _build(root, out, search, verbose) and indexer:
                indexer.start()
            if once:
                break
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if indexer:
            indexer.stop()
        httpd.shutdown()
    return 0
