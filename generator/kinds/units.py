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

    def title(self, v, item_id: str, lang: str) -> str | None:
        u = v.corpus.units.get(item_id)
        return None if u is None else v.unit_name(item_id, lang)

    def citation(self, v, item_id: str, lang: str) -> str | None:
        u = v.corpus.units.get(item_id)
        if u is None:
            return None
        own = v.own_unit_name(item_id, lang)
        # the name in the page's language and the Chinese one (on a Chinese page, or where there is no name in
        # the page's language: the Chinese name and the English one)
        name, other = (own, u.zh) if own and own != u.zh else (u.zh, u.en)
        return v.ui[lang]["unit_citation"].format(name=name, other=other)

    def page_groups(self, v, lang: str):
        yield "unit", (lambda: v.build.units(lang))


KIND = UnitsKind()
