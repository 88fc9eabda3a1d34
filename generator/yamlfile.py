"""Reading the project's YAML files (configuration, glossary, provenance, link overrides, note front matter,
translation imports, theme strings) with errors that name the file and the line.

Beyond PyYAML's safe loader:
* aliases (``*name``) are refused: no file here needs them, and an alias bomb would take the memory of the
  machine (a "billion laughs" of nested aliases);
* a mapping that repeats a key is an error naming both lines (PyYAML keeps the last one silently);
* nesting deeper than MAX_DEPTH is refused before the document is composed (libyaml composes recursively in C:
  a hundred thousand nested brackets crash the interpreter);
* a value the safe loader cannot construct (a date 2026-13-45, ``!!int x``) is an error with its line;
* ``YamlDoc.line(*path)`` gives the line of any key or item, and ``Shape`` checks a document's shape (MkDocs'
  typed config options are the model): each problem names the file, the line and what was expected.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .errors import Problem, SourceError

# libyaml's loader where PyYAML was built with it (the wheels are): the same safe subset, parsed in C
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 8 * 1024 * 1024  # no YAML file of a project is near this; a bigger one is refused, not parsed
MAX_DEPTH = 64  # mappings and lists inside each other; the project's files use three or four levels
# what a YAML string may spell with an escape ("\x01", "\ud800") but no page, feed or UTF-8 file can carry:
# control characters other than tab and line ends, DEL, and lone surrogates
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class _BadValue(yaml.constructor.ConstructorError):
    def __init__(self, problem: str, expected: str, mark):
        super().__init__(None, None, problem, mark)
        self.expected = expected


class _Constructor(yaml.SafeLoader):
    """The safe constructor, whose values that cannot be made (a date 2026-13-45, ``!!int x``, an integer of
    a million digits) are errors with a position instead of a ValueError from deep inside PyYAML."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as e:
            if node.tag.endswith(":timestamp"):
                raise _BadValue(f"bad date {short(node.value)}: {e}", "a real date as YYYY-MM-DD",
                                node.start_mark) from None
            raise _BadValue(f"{short(node.value)} cannot be read as {node.tag.rsplit(':', 1)[-1]} ({e})",
                            "a value of that type, or the text quoted", node.start_mark) from None


@dataclass
class YamlDoc:
    data: object
    node: object  # the composed node tree (None for an empty document)
    offset: int = 0  # lines before the YAML text in its file (front matter after a '---' line)

    def line(self, *path) -> int | None:
        """1-based line of the value at ``path`` (mapping keys and list indexes), or of the nearest parent."""
        node, best = self.node, None
        if node is None:
            return None
        best = node.start_mark.line + 1 + self.offset
        for step in path:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(step):
                        best = k.start_mark.line + 1 + self.offset
                        node = v
                        break
                else:
                    return best
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
                best = node.start_mark.line + 1 + self.offset
            else:
                return best
        return best


    def keys_as_written(self, *path) -> list[tuple[str, str, int]]:
        """The keys of the mapping at ``path`` as written in the file: (text, YAML tag, line). A check can
        see here what a reader wrote (``3.10``) where the loaded data holds what YAML made of it (3.1)."""
        node = self.node
        for step in path:
            if not isinstance(node, yaml.MappingNode):
                return []
            node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(step)), None)
        if not isinstance(node, yaml.MappingNode):
            return []
        return [(k.value, k.tag, k.start_mark.line + 1 + self.offset) for k, _ in node.value
                if isinstance(k, yaml.ScalarNode)]


def _duplicate_keys(node, file: str, offset: int, problems: list) -> None:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen: dict = {}
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    line = k.start_mark.line + 1 + offset
                    if k.value in seen:
                        problems.append(Problem(file, line, f"key {k.value!r} appears twice (first at line "
                                                f"{seen[k.value]}); one of them would be lost",
                                                "each key once in a mapping"))
                    else:
                        seen[k.value] = line
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


def parse_yaml(text: str, file: str, expected: str = "valid YAML", *, offset: int = 0) -> YamlDoc:
    """Parse ``text`` (from ``file``; ``offset`` lines into it) or raise SourceError naming file and line."""
    if len(text) > MAX_BYTES:
        raise SourceError(Problem(file, None, f"file too large for a YAML file ({len(text)} characters)", expected))
    try:
        depth = 0
        for ev in yaml.parse(text, Loader=SAFE_LOADER):
            if isinstance(ev, yaml.AliasEvent):
                raise SourceError(Problem(file, ev.start_mark.line + 1 + offset,
                                          f"YAML alias *{ev.anchor} is not accepted here",
                                          f"{expected}, written out without anchors and aliases"))
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise SourceError(Problem(file, ev.start_mark.line + 1 + offset,
                                              f"lists and mappings nested more than {MAX_DEPTH} deep", expected))
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        what = getattr(e, "problem", None) or str(e).split("\n")[0]
        raise SourceError(Problem(file, mark.line + 1 + offset if mark else None, f"invalid YAML: {what}",
                                  expected)) from None
    if node is None:
        return YamlDoc(None, None, offset)
    problems: list = []
    _duplicate_keys(node, file, offset, problems)
    if problems:
        raise SourceError(problems)
    try:
        data = _Constructor("").construct_document(node)
    except RecursionError:
        raise SourceError(Problem(file, None, "invalid YAML: nested too deeply", expected)) from None
    except _BadValue as e:
        raise SourceError(Problem(file, e.problem_mark.line + 1 + offset, e.problem, e.expected)) from None
    except yaml.YAMLError as e:  # e.g. a tag the safe loader does not know (!!python/object)
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        raise SourceError(Problem(file, mark.line + 1 + offset if mark else None,
                                  f"invalid YAML: {getattr(e, 'problem', None) or e}", expected)) from None
    return YamlDoc(data, node, offset)


def read_yaml(path, file: str, expected: str = "valid YAML") -> YamlDoc:
    """Read and parse a YAML file; ``file`` is the name errors show (relative to the project)."""
    from .fileio import read_text

    return parse_yaml(read_text(path, file, expected), file, expected)


def short(value, n: int = 40) -> str:
    """A value as an error message quotes it: repr, cut to ``n`` characters."""
    text = repr(value)
    return text if len(text) <= n else text[: n - 1] + "…"


def kind_of(value) -> str:
    """What a YAML value is, in the words of an error message."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"a number ({short(value)})"
    if isinstance(value, str):
        return f"a text ({short(value)})"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
    if hasattr(value, "isoformat"):
        return f"a date ({value.isoformat()})"
    return f"a {type(value).__name__}"


def where(path) -> str:
    """``("add", 2, "score")`` as ``add[3].score`` (items counted from 1, as a reader counts them)."""
    out = ""
    for step in path:
        out += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


class Shape:
    """Typed checks of a parsed YAML file, one per key (MkDocs' ``config_options`` is the model). Each check
    returns the value when it has the expected type (None otherwise) and records a problem naming the file,
    the line of the offending key or item and what was expected; ``done()`` raises them all at once."""

    def __init__(self, doc: YamlDoc, file: str):
        self.doc, self.file, self.problems = doc, file, []

    def error(self, path, message: str, expected: str = "") -> None:
        """A problem at the key or item ``path`` (None: the file as a whole, no line)."""
        self.problems.append(Problem(self.file, None if path is None else self.doc.line(*path), message, expected))

    def _type(self, value, path, types, expected: str, *, what: str = ""):
        types = types if isinstance(types, tuple) else (types,)
        if isinstance(value, bool) and bool not in types:
            ok = False
        else:
            ok = isinstance(value, types)
        if not ok:
            self.error(path, f"{what or where(path) or 'the file'} is {kind_of(value)}", expected)
            return None
        return value

    def mapping(self, value, path, expected: str, *, what: str = ""):
        return self._type(value, path, dict, expected, what=what)

    def seq(self, value, path, expected: str, *, what: str = ""):
        return self._type(value, path, list, expected, what=what)

    def keys(self, value: dict, path, allowed: dict, required=(), *, what: str = "") -> bool:
        """Unknown and missing keys of a mapping; ``allowed``: key -> what it holds (for the message)."""
        ok = True
        what = what or where(path) or "the file"
        for key in value:
            if key not in allowed:
                self.error((*path, key), f"unknown key {short(key)} in {what}",
                           "one of " + ", ".join(f"{k} ({v})" if v else k for k, v in allowed.items()))
                ok = False
        missing = [k for k in required if k not in value]
        if missing:
            self.error(path if path else None, f"{what} lacks {', '.join(missing)}",
                       ", ".join(f"{k}: {allowed[k]}" for k in missing))
            ok = False
        for k in required:  # present but empty (refs: []): said at its own line
            if k in value and (value[k] is None or value[k] == "" or value[k] == []):
                self.error((*path, k), f"{k} in {what} is empty", f"{k}: {allowed[k]}")
                ok = False
        return ok

    def text(self, value, path, expected: str = "a text", *, empty: bool = False, what: str = ""):
        """A string; numbers are accepted as their text (a title ``2026``), empty ones only if ``empty``."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        v = self._type(value, path, str, expected, what=what)
        if v is not None and not empty and not v.strip():
            self.error(path, f"{what or where(path)} is empty", expected)
            return None
        bad = UNWRITABLE.search(v) if v is not None else None
        if bad:  # "\x01" or "\ud800" in a quoted YAML string: no page, feed or UTF-8 file can carry it
            self.error(path, f"{what or where(path)} has the control character U+{ord(bad.group()):04X}",
                       f"{expected}, without control characters")
            return None
        return v

    def texts(self, value, path, expected: str, *, single: bool = True, what: str = ""):
        """A list of strings (or one string where ``single``); None if any item is not one."""
        if single and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]
        items = self.seq(value, path, expected, what=what)
        if items is None:
            return None
        out = [self.text(v, (*path, i), expected, what=f"{what or where(path)} item {i + 1}")
               for i, v in enumerate(items)]
        return None if None in out else out

    def number(self, value, path, expected: str, lo=None, hi=None, *, what: str = ""):
        v = self._type(value, path, (int, float), expected, what=what)
        if v is not None and ((lo is not None and v < lo) or (hi is not None and v > hi) or v != v):
            self.error(path, f"{what or where(path)} is {short(v)}", expected)
            return None
        return v

    def choice(self, value, path, choices, *, what: str = ""):
        if isinstance(value, str) and value in choices:
            return value
        self.error(path, f"{what or where(path)} is {kind_of(value)}", " or ".join(sorted(choices)))
        return None

    def done(self) -> None:
        if self.problems:
            raise SourceError(self.problems)
