"""Reading the project's YAML files (configuration, glossary, provenance, link overrides, note front matter,
translation imports, theme strings) with errors that name the file and the line.

Beyond PyYAML's safe loader:
* aliases (``*name``) are refused: no file here needs them, and an alias bomb would take the memory of the
  machine (a "billion laughs" of nested aliases);
* a mapping that repeats a key is an error naming both lines (PyYAML keeps the last one silently);
* ``YamlDoc.line(*path)`` gives the line of any key or item, for the callers' own shape checks.
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from . import SAFE_LOADER
from .errors import Problem, SourceError

MAX_BYTES = 8 * 1024 * 1024  # no YAML file of a project is near this; a bigger one is refused, not parsed


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
        for ev in yaml.parse(text, Loader=SAFE_LOADER):
            if isinstance(ev, yaml.AliasEvent):
                raise SourceError(Problem(file, ev.start_mark.line + 1 + offset,
                                          f"YAML alias *{ev.anchor} is not accepted here",
                                          f"{expected}, written out without anchors and aliases"))
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
        data = yaml.SafeLoader("").construct_document(node)
    except yaml.YAMLError as e:  # e.g. a tag the safe loader does not know (!!python/object)
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        raise SourceError(Problem(file, mark.line + 1 + offset if mark else None,
                                  f"invalid YAML: {getattr(e, 'problem', None) or e}", expected)) from None
    return YamlDoc(data, node, offset)


def read_yaml(path, file: str, expected: str = "valid YAML") -> YamlDoc:
    """Read and parse a YAML file; ``file`` is the name errors show (relative to the project)."""
    from .fileio import read_text

    return parse_yaml(read_text(path, file, expected), file, expected)
