"""Errors that name the file, the line and what was expected.

Every failure a user can cause (bad source, broken note, unknown reference,
bad configuration) is raised as a ``SourceError`` and reported by the CLI
without a traceback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# what a file name may hold that would break its message's line on a terminal or in a CI log: control
# characters (a newline, an escape), line and paragraph separators, and the surrogates that stand for bytes
# that are not UTF-8 (which could not even be printed); each is shown as Python writes it (\n, \x1b, \udcff)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def shown_file(name: str) -> str:
    """A file's name as a message shows it: on one line, printable."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], name)


@dataclass
class Problem:
    file: str
    line: int | None
    message: str
    expected: str = ""

    def __str__(self) -> str:
        file = shown_file(self.file)
        loc = file if self.line is None else f"{file}:{self.line}"
        text = f"{loc}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class SourceError(Exception):
    """One or more problems in the input. Carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self):  # raised in a forked worker, it comes back pickled: as its problems, not its message
        return type(self), (self.problems,)


def fail(file: str | Path, line: int | None, message: str, expected: str = "") -> SourceError:
    return SourceError(Problem(str(file), line, message, expected))


@dataclass
class Report:
    """Collects warnings and errors during a build stage."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, file, line, message, expected=""):
        self.errors.append(Problem(str(file), line, message, expected))

    def warn(self, file, line, message, expected=""):
        self.warnings.append(Problem(str(file), line, message, expected))

    def raise_if_errors(self):
        if self.errors:
            raise SourceError(self.errors)
