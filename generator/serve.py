"""``python -m generator serve``: build, serve on localhost, rebuild on change.

Build errors are printed in the terminal and the last good site keeps being
served (the build is atomic), so a typo in a note never kills the preview."""
from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from jinja2 import TemplateError

from .errors import SourceError

WATCHED = ("content", "themes")


def _build(root: Path, out: Path, search: bool) -> None:
    from .build import build

    t0 = time.perf_counter()
    try:
        result = build(root, out, search=search)
    except (SourceError, TemplateError) as e:
        if isinstance(e, TemplateError):  # a broken template: which file and line, as `build` says it
            from .cli import template_problem

            e = SourceError(template_problem(e, Path(root).resolve()))
        print(f"build failed ({len(e.problems)} problem(s)); still serving the last good site:", flush=True)
        for p in e.problems:
            print(f"  {p}", flush=True)
        return
    except Exception as e:  # a bug, not bad input: report where, and keep serving
        import traceback

        where = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
        at = f" at {where.filename}:{where.lineno}" if where else ""
        print(f"build crashed{at}: {type(e).__name__}: {e}; still serving the last good site", flush=True)
        return
    print(f"rebuilt {result.pages} pages in {time.perf_counter() - t0:.2f} s", flush=True)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):  # quiet
        pass


def serve(root: Path, port: int = 8000, host: str = "127.0.0.1", search: bool = True, once: bool = False) -> int:
    from watchfiles import watch

    out = root / "build"
    _build(root, out, search)
    if not out.exists():
        print("no site to serve yet; fix the errors above and save again", flush=True)
        out.mkdir(parents=True, exist_ok=True)

    class Handler(_Handler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(out), **kw)

    httpd = http.server.ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(f"serving {out} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        for changes in watch(*(root / w for w in WATCHED), debounce=300, stop_event=None):
            names = sorted({Path(p).name for _, p in changes})
            print(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}", flush=True)
            _build(root, out, search)
            if once:
                break
    except KeyboardInterrupt:
        pass
    finally:
        httpd.shutdown()
    return 0
