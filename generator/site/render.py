"""Jinja environment, page rendering and the atomic writer.

The site is rendered into a staging folder next to the output folder; only
when everything succeeded does it replace the output (a full build) or are its
files moved into it (an incremental one, see build.py), so a failed build never
leaves a half-written site behind."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from jinja2 import (Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, TemplateSyntaxError, select_autoescape)

from markupsafe import Markup

from ..errors import Problem, SourceError
from ..paths import THEMES
from ..fileio import naming
from .html import block_html, blocks_html, link_html, mark_zh, original_html, parallel_html, text_html
from .meta import head_view
from .text import UiStrings
from .urls import authoritative, file_for, hreflang


class MissingTemplate(SourceError, TemplateNotFound):
    """A template the theme lacks: a user error naming the file it should be (for the command line), and a
    TemplateNotFound for Jinja (``{% include … ignore missing %}`` keeps working)."""

    def __init__(self, name: str, file: str):
        TemplateNotFound.__init__(self, name)
        self.problems = [Problem(file, None, f"the theme has no template {name}",
                                 "every template the pages use, in the theme's templates/ folder")]

    def __reduce__(self):  # raised in a render worker, it travels back pickled
        return (type(self), (self.name, self.problems[0].file))


class _Loader(FileSystemLoader):
    def __init__(self, folder: Path, shown: str):
        super().__init__(str(folder))
        self.shown = shown

    def get_source(self, environment, template):
        try:
            return super().get_source(environment, template)
        except TemplateNotFound:
            raise MissingTemplate(template, f"{self.shown}/{template}") from None


class _Environment(Environment):
    def getattr(self, obj, attribute):
        """``x.name`` in a template: view models are plain dicts, so a dict's key is looked up first. Jinja
        asks for the attribute first, and a missing attribute raises and catches an exception, for each of
        the dozens of ``page.…``/``ui.…``/``item.…`` of every page. A name
        that is not a key (a dict's method, for instance) is still found as an attribute."""
        if type(obj) is dict or type(obj) is UiStrings:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return Environment.getattr(self, obj, attribute)


def make_env(theme_dir: Path, cache_dir: Path | None = None) -> Environment:
    """``cache_dir``: where compiled templates are kept between builds (Jinja's
    bytecode cache, keyed by template source), so a build does not compile every
    template again in every worker."""
    bytecode_cache = None
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        bytecode_cache = FileSystemBytecodeCache(str(cache_dir))
    env = _Environment(
        bytecode_cache=bytecode_cache,
        loader=_Loader(theme_dir / "templates", f"{THEMES}/{Path(theme_dir).name}/templates"),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # an environment serves one build (build.py makes one each time): a template is loaded once, without a
        # stat of its file each time a page asks for it (three times a page: its template, the base, a partial)
        auto_reload=False,
    )
    env.globals.update(block_html=block_html, blocks_html=blocks_html, link_html=link_html, parallel_html=parallel_html,
                       text_html=text_html, original_html=original_html)
    made: dict = {}

    def partial(name: str, key, **ctx) -> Markup:
        """A piece of the page chrome that is the same on many pages (the header for a language, the
        navigation for a language and section): rendered from the theme's template once per ``key``
        and reused, instead of once per page. ``key`` must decide everything the piece shows."""
        k = (name, key)
        if k not in made:
            made[k] = Markup(env.get_template(name).render(**ctx))
        return made[k]

    env.globals["partial"] = partial
    env.globals["page_head"] = head_view
    env.filters["hreflang"] = hreflang  # {{ lang|hreflang }}: the HTML lang value of a language code
    env.globals["authoritative"] = authoritative  # {% if lang != authoritative() %}: a translation's page
    env.filters["zh"] = mark_zh  # {{ title|zh(lang) }}: Chinese runs marked lang="zh-CN" on English pages
    return env


def fingerprint_static(theme_dir: Path, out: Path) -> dict[str, str]:
    """Copy static assets with a content hash in their name; returns logical -> public path."""
    assets = {}
    static = theme_dir / "static"
    if not static.is_dir():
        return assets
    from ..fileio import read_bytes

    for src in sorted(static.rglob("*")):
        if src.is_dir():
            continue
        rel = src.relative_to(static).as_posix()
        # a dangling link or a pipe is an error naming it, not an asset silently left out
        data = read_bytes(src, src.relative_to(theme_dir.parent.parent).as_posix(), "a file of the theme")
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, ext = rel.rpartition(".")
        public = f"/assets/{stem}.{digest}.{ext}" if dot else f"/assets/{rel}.{digest}"
        dest = out / public.lstrip("/")
        with naming(dest):
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        assets[rel] = public
    return assets


def write_text(out: Path, rel: str, text: str) -> None:
    """Write one file under ``out``. Pages are written into a fresh folder, each into a folder of its own
    (``…/index.html``) whose parent usually exists: so one mkdir, then the open (a mkdir per level only when
    the parent is missing too; an open that fails first would cost a third system call per page)."""
    path = os.path.join(out, rel)
    folder = os.path.dirname(path)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    with naming(path), open(path, "w", encoding="utf-8") as f:  # a full disk names the page
        f.write(text)


def page_file(url: str) -> str:
    return url.lstrip("/") if url.endswith(".html") else file_for(url)


def _template_frames(e: BaseException) -> list[tuple[str, int]]:
    """(file, line) of the template code an error went through, innermost last. Jinja
    rewrites tracebacks so that template frames carry the template's file and line; an
    error raised in a render worker arrives with the worker's traceback as text."""
    frames = []
    tb = e.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if not code.co_filename.endswith(".py") and (code.co_name in ("top-level template code", "template")
                                                      or code.co_name.startswith(("block ", "macro"))):
            frames.append((code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    remote = getattr(e.__cause__, "tb", None)  # multiprocessing.pool.RemoteTraceback
    if isinstance(remote, str):
        frames += [(f, int(n)) for f, n in re.findall(
            r'File "([^"]+)", line (\d+), in (?:top-level template code|template|block |macro)', remote)]
    return frames


def template_problem(e: TemplateError, root: Path) -> Problem:
    """A template error as ``file:line: template error: …``."""
    file, line = None, None
    if isinstance(e, TemplateSyntaxError):
        file, line = e.filename or e.name, e.lineno
    frames = _template_frames(e)
    if file is None and frames:
        file, line = frames[-1]
    if file:
        try:
            file = Path(file).resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    message = getattr(e, "message", None) or str(e)
    if type(e).__name__ in ("TemplateNotFound", "TemplatesNotFound"):
        message = f"template not found: {message}"
    return Problem(file or "(template)", line, f"template error: {message}",
                   "" if file else "a template of the theme (themes/<name>/templates/)")
