"""The lead units (主责单位) of tasks and progress rows: not read from a source of their own but registered from
the glossary (``i18n/glossary.py``) as the task lists and progress tables name them; ids ``unit/<slug>``."""
from __future__ import annotations

from .base import Kind


class UnitsKind(Kind):
    name, schemes, family = "units", ("unit",), "units"
    label = "lead unit"

    def source_files(self, corpus, u) -> set[str]:
        return set()

    def derived(self, u):
        return (u.zh, u.en, u.level, u.district, u.aliases, u.slug)


KIND = UnitsKind()
