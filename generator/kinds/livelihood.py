"""Reader for a yearly livelihood-projects notice (重要民生实事项目): the issuing
notice, the project list (numbered categories "N.XX方面。" whose sub-items are
separated by ；) and the metadata footer ``[字段] 值``. Traditional-script
sources are kept as written and converted to Simplified (OpenCC) for display
choice and matching."""
from __future__ import annotations

import re

from ..errors import Report
from ..model import Block, Document, LivelihoodList, Project, Source, SubItem
from ..normalize import normalize_text, to_simplified, unwrap
from .circular import parse_circular
from ..ids import format_id, parse as parse_id
from .base import Kind, Reading, cite_parts
from .. import ids

CATEGORY = re.compile(r"^(\d+)[\.．]\s*([^。]{2,12})方面。(.+)$")
FOOTER = re.compile(r"^\[([^\]]+)\]\s*(.*)$")
LIST_TITLE = re.compile(r"^\D{0,6}(\d{4})年.*民生实事项目$")

FOOTER_KEYS = {  # Simplified field name -> key in Document.meta
    "主题分类": "topic", "实施日期": "effective", "发文字号": "number", "发布日期": "published",
    "发文机构": "issuer", "成文日期": "written", "废止日期": "repealed", "有效性": "validity",
}


def detect(text: str) -> bool:
    s = to_simplified(text[:20000])
    return "民生实事项目" in s and len(re.findall(r"^\d+[\.．]\s*[^。]{2,12}方面。", s, re.M)) >= 3


def parse(source: Source, report: Report) -> tuple[Document, LivelihoodList]:
    path = source.path
    lines = source.text.split("\n")
    paras, artefacts = unwrap(lines, 0, len(lines))
    source.artefacts.extend(artefacts)
    convert = to_simplified if source.traditional else None
    simp = [to_simplified(normalize_text(p.text)) for p in paras]
    # footer: trailing [字段] lines
    foot_start = len(paras)
    while foot_start > 0 and FOOTER.match(simp[foot_start - 1]):
        foot_start -= 1
    # list title: the paragraph matching ….民生实事项目 after the signature date
    title_idx = next((k for k in range(len(paras)) if LIST_TITLE.match(simp[k]) and k + 1 < len(paras)
                      and CATEGORY.match(simp[k + 1])), None)
    if title_idx is None:
        report.error(path, 1, "livelihood project list title not found", "a line 'YYYY年…民生实事项目' followed by '1.…方面。'")
        report.raise_if_errors()
    doc, rest = parse_circular(paras[:title_idx], path, report, convert=convert)
    if rest:
        report.error(path, rest[0].line, f"unexpected text between the notice and the project list: {simp[title_idx - len(rest)][:30]!r}",
                     "the list title right after the signature date")
    year = int(LIST_TITLE.match(simp[title_idx]).group(1))
    lid = ids.format_id("livelihood", year)
    ll = LivelihoodList(id=lid, year=year, title=simp[title_idx], document=doc.id)
    doc.attachment_title = ll.title
    doc.contains = lid
    doc.original_script = "traditional" if source.traditional else "simplified"
    doc.blocks.append(Block("title", simp[title_idx], paras[title_idx].line, key=f"p{len(doc.blocks)}", level=2,
                            anchor=lid, original=normalize_text(paras[title_idx].text)))
    for k in range(title_idx + 1, foot_start):
        text, orig = simp[k], normalize_text(paras[k].text)
        m = CATEGORY.match(text)
        if not m:
            report.error(path, paras[k].line, f"cannot read this line of the project list: {text[:30]!r}",
                         "a numbered category 'N.XX方面。…'")
            continue
        n = int(m.group(1))
        if n != len(ll.projects) + 1:
            report.error(path, paras[k].line, f"project {n} out of sequence", f"project {len(ll.projects) + 1}")
        om = CATEGORY.match(orig) or re.match(r"^(\d+)[\.．]\s*([^。]{2,12})方面。(.+)$", orig)
        items_s = [x for x in re.split(r"(?<=；)", m.group(3)) if x]
        items_o = [x for x in re.split(r"(?<=；)", om.group(3)) if x] if om else items_s
        if len(items_o) != len(items_s):
            items_o = items_s
        pid = f"{lid}/{n}"
        proj = Project(id=pid, year=year, number=n, name=m.group(2), text=m.group(3), original=orig,
                       line=paras[k].line)
        for j, (s_, o_) in enumerate(zip(items_s, items_o), 1):
            proj.items.append(SubItem(id=f"{pid}.{j}", number=f"{n}.{j}", text=s_, original=o_))
        ll.projects.append(proj)
        doc.blocks.append(Block("project", text, paras[k].line, key=f"p{len(doc.blocks)}", anchor=pid, original=orig))
    for k in range(foot_start, len(paras)):
        fm = FOOTER.match(simp[k])
        key = FOOTER_KEYS.get(fm.group(1))
        if key is None:
            report.warn(path, paras[k].line, f"unknown footer field [{fm.group(1)}] kept as is")
            key = fm.group(1)
        doc.meta[key] = fm.group(2)
        doc.blocks.append(Block("meta", simp[k], paras[k].line, key=f"p{len(doc.blocks)}",
                                original=normalize_text(paras[k].text)))
    if doc.meta.get("number") and re.sub(r"\s", "", doc.meta["number"]) != doc.number:
        report.error(path, paras[foot_start].line, f"footer number {doc.meta['number']} differs from {doc.number}",
                     "the same document number in header and footer")
    doc.origins[0].end_line = paras[-1].end_line
    if not ll.projects:
        report.error(path, paras[title_idx].line, "project list is empty", "numbered categories")
    return doc, ll


class LivelihoodKind(Kind):
    name, schemes, family = "livelihood", ("livelihood",), "livelihood"
    label = "livelihood-project list"
    expected = "livelihood-project list (民生实事项目 with 'N.XX方面。')"

    def detect(self, text: str) -> bool:
        return detect(text)

    def read(self, src, rep, ctx) -> Reading:
        d, ll = parse(src, rep)
        return Reading(documents=[(d, None)], items={"livelihood": [ll]}, blocks=d.blocks)

    def item_ids(self, ll) -> list[str]:
        return [ll.id] + [i for p in ll.projects for i in [p.id] + [it.id for it in p.items]]

    def source_files(self, corpus, ll) -> set[str]:
        doc = dict.get(corpus.documents, ll.document)
        return {o.file for o in doc.origins} if doc else set()

    def file_name(self, corpus, src) -> str:
        d = next(d for d in corpus.documents.values() if any(o.file == src.path for o in d.origins))
        return f"{d.year}-livelihood-{d.slug}.txt"

    # -------------------------------------------------------------- publishing
    def _find(self, v, item_id: str):
        """(list, project, sub-item) of an id; project and sub-item None where the id names less."""
        i = parse_id(item_id)
        ll = v.corpus.livelihood.get(format_id("livelihood", i.year))
        if ll is None or len(i.parts) == 1:
            return ll, None, None
        num = i.last
        k = int(num.split(".")[0]) - 1
        p = ll.projects[k] if 0 <= k < len(ll.projects) else None
        if p is None or "." not in num:
            return ll, p, None
        return ll, p, next((it for it in p.items if it.id == item_id), None)

    def title(self, v, item_id: str, lang: str) -> str | None:
        ll, p, it = self._find(v, item_id)
        if ll is None:
            return None
        ui = v.ui[lang]
        if p is None:
            return ui["title_livelihood"].format(title=ll.title, year=ll.year)
        if it is not None:  # a sub-item: its number and its text's first clause
            s = v.seg(it.id, it.text, lang, "livelihood")
            return ui["title_subitem"].format(number=it.number, text=v.opening(s["text"], s["lang"]))
        return ui["title_project"].format(n=p.number, name=v.name_in(ids.with_anchor(p.id, "name"), p.name, lang, "livelihood")
                                          or p.name)

    def citation(self, v, item_id: str, lang: str) -> str | None:
        ll, p, it = self._find(v, item_id)
        d = v.corpus.documents.get(ll.document) if ll is not None else None
        if d is None:
            return None
        where = v.ui[lang]["where_item"].format(n=parse_id(item_id).last) if p is not None else ""
        return cite_parts(v.ui[lang], v.citation(d.id, lang), where)

    def page_groups(self, v, lang: str):
        for lid in list(dict.keys(v.corpus.livelihood)):
            yield lid, (lambda lid=lid: v.build.livelihood(v.corpus.livelihood[lid], lang))


KIND = LivelihoodKind()
