"""Item ids, parsed and formatted in one place: no other code takes an id string apart.

Every item has one id, which is also its path under a language: ``task/2026/20`` is served at
``/zh/task/2026/20/`` and ``/en/task/2026/20/``. The first part is the id's *scheme*, which names the document
kind (or site family) that owns it (``kinds/``): ``task``, ``tasklist``, ``report``, ``livelihood``,
``progress``, ``gazette``, ``decree``, ``rule``, ``announcement`` (公告), ``notice`` (通告), ``unit``, ``note``.
Documents filed under a document number (发文字号) have the id ``doc:<number>`` (``doc:京政发〔2026〕1号``) and the
romanised number as their path (``doc/jingzhengfa-2026-1``). A provision of a document (an article, a paragraph,
a numbered heading) is the document's id, ``#`` and the provision's anchor (``rule/2026/…#article-3``); an
article that has a page of its own adds ``/article/N`` to the document's path.

Pages that are not items (a document's continuation page, its side-by-side view, the index pages) have page ids
of the same shape: ``doc/<slug>/2``, ``doc/<slug>/parallel``, ``doc``, ``search``.

A translation catalog names each segment by a key of the same shape (i18n/catalog.py): an item's id with an
anchor. An item's title that is a heading of its text (a task-list section, a work-report part, section or
topic) is ``<id>#title`` (``title_key``); a name with no page of its own is ``<scheme>/<name>#name``
(``name_key``): an issuing body by its Chinese name (``issuer/北京市人民政府#name``), a district by its slug
(``district/daxing#name``).
"""
from __future__ import annotations

from dataclasses import dataclass

DOC_PREFIX = "doc:"
TITLE, NAME = "title", "name"  # the anchors of a title's and a name's catalog keys
ISSUER, DISTRICT = "issuer", "district"  # the schemes of names without pages (catalog keys only)


@dataclass(frozen=True)
class ItemId:
    scheme: str  # task, tasklist, doc, decree, …
    parts: tuple  # the parts after the scheme (for doc: ids, the document number)
    anchor: str = ""  # a provision inside the item

    @property
    def year(self) -> str:
        return self.parts[0] if self.parts else ""

    @property
    def last(self) -> str:
        return self.parts[-1] if self.parts else ""

    def __str__(self) -> str:
        return format_id(self.scheme, *self.parts, anchor=self.anchor)


def parse(item_id: str) -> ItemId:
    """``task/2026/20`` -> ItemId("task", ("2026", "20")); ``doc:京政发〔2026〕1号#part-1`` ->
    ItemId("doc", ("京政发〔2026〕1号",), "part-1")."""
    base, _, anchor = item_id.partition("#")
    if base.startswith(DOC_PREFIX):
        return ItemId("doc", (base[len(DOC_PREFIX):],), anchor)
    scheme, *parts = base.strip("/").split("/")
    return ItemId(scheme, tuple(parts), anchor)


def format_id(scheme: str, *parts, anchor: str = "") -> str:
    base = f"{DOC_PREFIX}{parts[0]}" if scheme == "doc" else "/".join([scheme, *(str(p) for p in parts)])
    return f"{base}#{anchor}" if anchor else base


def scheme(item_id: str) -> str:
    return DOC_PREFIX[:-1] if item_id.startswith(DOC_PREFIX) else item_id.split("/", 1)[0]


def without_anchor(item_id: str) -> str:
    return item_id.partition("#")[0]


def anchor(item_id: str) -> str:
    return item_id.partition("#")[2]


def with_anchor(item_id: str, anchor: str) -> str:
    return f"{without_anchor(item_id)}#{anchor}" if anchor else without_anchor(item_id)


def prefix(item_id: str, n: int) -> str:
    """The id made of the scheme and the first ``n`` parts: ``prefix("task/2026/20", 1)`` = ``task/2026``."""
    i = parse(item_id)
    return format_id(i.scheme, *i.parts[:n])


def number_of(item_id: str) -> str:
    """The last part of an id (a task's number, a section's number such as ``1.4``)."""
    return parse(item_id).last


def title_key(item_id: str) -> str:
    """The catalog key of an item's title: ``tasklist/2026/1.4#title`` (for ``tasklist/2026/1.4``, with or
    without an anchor)."""
    i = parse(item_id)
    return format_id(i.scheme, *i.parts, anchor=TITLE)


def name_key(scheme: str, name: str) -> str:
    """The catalog key of a name that has no page: ``name_key("issuer", "北京市人民政府")`` =
    ``issuer/北京市人民政府#name``."""
    return format_id(scheme, name, anchor=NAME)


def doc_id(number: str) -> str:
    return f"{DOC_PREFIX}{number}"

