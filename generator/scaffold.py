"""``python -m generator new-note --ref task/2026/20``: scaffold an editor's note."""
from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from .errors import Problem, SourceError
from .notes import NOTES_DIR


def _q(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one): quotes and backslashes in a title stay valid."""
    return json.dumps(text, ensure_ascii=False)


def new_note(root: Path, ref: str, lang: str = "zh", title: str = "", author: str = "编辑部",
             today: datetime.date | None = None) -> int:
    from .build import load_all
    from .link.overrides import known_ids

    corpus = load_all(root)[2]
    if ref not in known_ids(corpus):
        raise SourceError(Problem("--ref", None, f"unknown reference {ref!r}",
                                  "an id such as task/2026/20, livelihood/2026/7 or doc:京政发〔2026〕1号"))
    today = today or datetime.date.today()
    slug = re.sub(r"[^a-z0-9]+", "-", ref.lower()).strip("-") or "note"
    if ref.startswith("doc:"):
        from .i18n.romanize import number_slug
        slug = "doc-" + number_slug(ref[4:])
    d = root / NOTES_DIR
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{today.isoformat()}-{slug}-{lang}.md"
    # the same key for the zh and the en note made the same day on the same item: they are each other's translation
    key = f"{today.isoformat()}-{slug}"
    n = 2
    while path.exists():
        path = d / f"{today.isoformat()}-{slug}-{lang}-{n}.md"
        key = f"{today.isoformat()}-{slug}-{n}"
        n += 1
    title = title or ("编者注：" if lang == "zh" else "Editor's note: ") + ref
    from .fileio import atomic_write

    atomic_write(
        path,
        "---\n"
        f"title: {_q(title)}\n"
        f"lang: {lang}\n"
        f"date: {today.isoformat()}\n"
        f"author: {_q(author)}\n"
        f"refs: [{_q(ref)}]\n"
        "tags: []\n"
        f"translation_key: {_q(key)}\n"
        "---\n\n"
        + ("在此写下说明。可用 [[" + ref + "]] 引用条目。\n" if lang == "zh"
           else "Write the note here. Refer to items as [[" + ref + "]].\n"))
    print(path.relative_to(root).as_posix())
    return 0
