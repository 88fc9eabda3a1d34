"""Reader for a government work report (政府工作报告): front matter (title,
occasion, speaker), parts 一、二、三、, the numbered sections of the work plan
part, topic paragraphs that open with a short lead phrase, the closing part on
the government's own work, and the year's main targets."""
from __future__ import annotations

import re

from ..errors import Report as Problems
from ..model import Block, Origin, ReportPart, ReportSection, Source, Target, Topic, WorkReport
from ..normalize import normalize_text, unwrap
from .common import cn_number, parse_date
from ..ids import format_id, parse as parse_id
from .base import Kind, Reading, cite_parts
from .. import ids

PART = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
SECTION = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(.+)$")
# a lead phrase: 4-20 characters up to the first full stop that is not inside quotation marks
# (推动“新两翼”联动发展。 and a quoted “……。” inside a lead does not end it)
LEAD = re.compile(r"^(要)?((?:“[^”。]*(?:。[^”]*)?”|[^，,；;：:。“])+?)。")
TARGETS = re.compile(r"主要预期目标是[：:](.+)$")


def detect(text: str) -> bool:
    head = re.sub(r"\s+", "", text[:400])
    return "政府工作报告" in head and "各位代表" in text[:2000]


def lead_phrase(text: str) -> tuple[str, bool] | None:
    m = LEAD.match(text)
    if not m or not 4 <= len(m.group(2)) <= 20:
        return None
    return m.group(2), bool(m.group(1))


def split_closing(text: str) -> list[str]:
    """Split the closing paragraph at each sentence that opens with 要 + a short lead phrase."""
    cuts = [0]
    for m in re.finditer(r"(?<=。)要[^，,；;：:。“”]{4,20}。", text):
        cuts.append(m.start())
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if text[a:b]]


def parse(source: Source, report: Problems) -> WorkReport:
    path = source.path
    lines = source.text.split("\n")
    # front matter: everything before 各位代表
    start = next((i for i, l in enumerate(lines) if l.strip().startswith("各位代表")), None)
    if start is None:
        report.error(path, 1, "work report without the address 各位代表", "各位代表： after the title")
        report.raise_if_errors()
    front_lines = [(i + 1, l.strip()) for i, l in enumerate(lines[:start]) if l.strip()]
    if len(front_lines) < 2:
        report.error(path, 1, "work report front matter incomplete", "title, occasion and speaker lines")
        report.raise_if_errors()
    title = re.sub(r"\s+", "", front_lines[0][1])
    occasion = "".join(t for _, t in front_lines[1:-1])
    speaker = re.sub(r"\s+", " ", front_lines[-1][1])
    date = parse_date(occasion) or ""
    year = int(date[:4]) if date else 0
    rid = ids.format_id("report", year)
    front = [Block("title", title, front_lines[0][0], key="front-title", level=1)]
    if len(front_lines) > 2:  # the occasion, wrapped over lines: one subtitle
        front.append(Block("subtitle", normalize_text(occasion), front_lines[1][0], key="front-0"))
    front.append(Block("speaker", speaker, front_lines[-1][0], key="front-speaker"))

    paras, artefacts = unwrap(lines, start, len(lines))
    source.artefacts.extend(artefacts)
    rep = WorkReport(id=rid, year=year, title=title, subtitle=normalize_text(occasion), speaker=speaker, date=date,
                 front=front, origin=Origin(path, 1, len(lines)))
    # the salutation belongs to the front
    salutation = paras.pop(0)
    front.append(Block("salutation", normalize_text(salutation.text), salutation.line, key="front-salutation"))
    part: ReportPart | None = None
    section: ReportSection | None = None
    for p in paras:
        text = normalize_text(p.text)
        if (m := PART.match(text)) and len(text) <= 40:
            num = cn_number(m.group(1))
            if num != len(rep.parts) + 1:
                report.error(path, p.line, f"part {m.group(1)}、 out of sequence", f"part {len(rep.parts) + 1}")
            part = ReportPart(id=f"{rid}/{num}", number=num, title=m.group(2), line=p.line)
            rep.parts.append(part)
            rep.blocks.append(Block("heading", text, p.line, key=f"{num}.h", level=2, anchor=part.id))
            section = None
            continue
        if part is None:  # opening words of the speech
            front.append(Block("para", text, p.line, key=f"front-p{len(front)}"))
            continue
        if section is not None and section.closing:
            rep.epilogue.append(Block("para", text, p.line, key=f"epilogue.p{len(rep.epilogue)}"))
            rep.blocks.append(rep.epilogue[-1])
            continue
        if (m := SECTION.match(text)) and len(text) <= 60 and text[-1] not in "。；":
            num = cn_number(m.group(1))
            if num != len(part.sections) + 1:
                report.error(path, p.line, f"section （{m.group(1)}） out of sequence", f"section {len(part.sections) + 1}")
            section = ReportSection(id=f"{rid}/{part.number}.{num}", number=f"{part.number}.{num}",
                                    title=m.group(2), line=p.line)
            part.sections.append(section)
            rep.blocks.append(Block("heading", text, p.line, key=f"{section.number}.h", level=3, anchor=section.id))
            continue
        if section is not None and text.startswith("各位代表"):
            # closing part: the government's own work, after the last section
            pieces = split_closing(text)
            first = pieces[0].rstrip("。")
            clause = re.split(r"[，,]", first)[-1]
            ctitle = re.sub(r"^(必须|要|就要)", "", clause)
            num = len(part.sections) + 1
            section = ReportSection(id=f"{rid}/{part.number}.{num}", number=f"{part.number}.{num}", title=ctitle,
                                    line=p.line, closing=True)
            part.sections.append(section)
            for k, piece in enumerate(pieces):
                block = Block("para", piece, p.line, key=f"{section.number}.p{k}")
                section.paragraphs.append(block)
                rep.blocks.append(block)
                lp = lead_phrase(piece) if k else None
                if lp:
                    tid = f"{section.id}.{len(section.topics) + 1}"
                    section.topics.append(Topic(id=tid, lead=lp[0], text=piece, line=p.line))
                    block.anchor = tid
            continue
        if section is None:
            block = Block("para", text, p.line, key=f"{part.number}.p{len(part.paragraphs)}")
            part.paragraphs.append(block)
            rep.blocks.append(block)
            if m := TARGETS.search(text):
                for piece in re.split(r"[，,；;]", m.group(1).rstrip("。")):
                    piece = piece.strip()
                    if not piece:
                        continue
                    tm = re.match(r"^(.+?)(增长|控制在|涨幅|达到|下降|提高到|保持)(.*)$", piece)
                    if tm:
                        rep.targets.append(Target(tm.group(1), tm.group(2) + tm.group(3), piece))
                    else:
                        rep.targets.append(Target(piece, "", piece))
            continue
        block = Block("para", text, p.line, key=f"{section.number}.p{len(section.paragraphs)}")
        section.paragraphs.append(block)
        rep.blocks.append(block)
        lp = lead_phrase(text) if section.paragraphs[:-1] else None
        if lp and not lp[1]:
            tid = f"{section.id}.{len(section.topics) + 1}"
            section.topics.append(Topic(id=tid, lead=lp[0], text=text, line=p.line))
            block.anchor = tid
    rep.blocks[:0] = front
    if len(rep.parts) < 1:
        report.error(path, start + 1, "work report without parts", "parts 一、二、三、")
    return rep


def front_block(rep, name: str):
    """The block that prints the report's ``name`` (title, subtitle or speaker) at its head, or None."""
    text = getattr(rep, name) or ""
    return next((b for b in rep.blocks if b.kind == name and b.text == text), None) if text else None


class ReportKind(Kind):
    name, schemes, family = "report", ("report",), "reports"
    catalog = "report"
    label = "work report"
    expected = "work report (政府工作报告 … 各位代表)"

    def detect(self, text: str) -> bool:
        return detect(text)

    def read(self, src, rep, ctx) -> Reading:
        r = parse(src, rep)
        return Reading(items={"reports": [r]}, blocks=r.blocks)

    def item_ids(self, r) -> list[str]:
        out = [r.id]
        for part in r.parts:
            out.append(part.id)
            for sec in part.sections:
                out.append(sec.id)
                out.extend(t.id for t in sec.topics)
        return out

    def source_files(self, corpus, r) -> set[str]:
        return {r.origin.file}

    def file_name(self, corpus, src) -> str:
        r = next(r for r in corpus.reports.values() if r.origin.file == src.path)
        return f"{r.year}-work-report.txt"

    # -------------------------------------------------------------- publishing
    @staticmethod
    def part(rep, num: str):
        """The part, section or topic paragraph numbered ``3``, ``3.1`` or ``3.1.2``, or None."""
        bits = [int(x) for x in num.split(".")]
        try:
            part = rep.parts[bits[0] - 1]
            if len(bits) == 1:
                return part
            sec = part.sections[bits[1] - 1]
            return sec if len(bits) == 2 else sec.topics[bits[2] - 1]
        except IndexError:
            return None

    def title(self, v, item_id: str, lang: str) -> str | None:
        i = parse_id(item_id)
        rep = v.corpus.reports.get(format_id("report", i.year))
        if rep is None:
            return None
        if len(i.parts) == 1:
            return v.ui[lang]["title_report"].format(year=rep.year)
        num = i.last
        obj = self.part(rep, num)
        if obj is None:
            return None
        topic = num.count(".") == 2  # a topic paragraph: titled by its lead phrase
        zh = obj.lead if topic else obj.title
        if v.translated(lang):  # as the headings glossary renders it
            return (v.glossary.heading_for_zh(zh) if topic else v.glossary.heading_en("report", num, zh)) or zh
        return v.heading_title(item_id, zh, lang)

    def citation(self, v, item_id: str, lang: str) -> str | None:
        i = parse_id(item_id)
        rep = v.corpus.reports.get(format_id("report", i.year))
        if rep is None:
            return None
        ui = v.ui[lang]
        sep = ui["list_sep"]
        head = ui["title_report"].format(year=rep.year)
        # the speaker as a citation names a person: 北京市市长 殷 勇 (a two-character name spaced out to three, as
        # printed under the title) is cited 北京市市长 殷勇
        speaker = re.sub(r"(?<=\s[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff]$)", "", rep.speaker)
        if v.translated(lang):  # as the translated report prints it under its title; left out where it has none
            b = front_block(rep, "speaker")
            s = v.block(b, rep.id, lang) if b is not None else None
            speaker = s["text"] if s and s["status"] == "ok" and s["lang"] == lang else ""
        base = sep.join([head, v.date(rep.date, lang)] + ([speaker] if speaker else []))
        rest = list(i.parts[1:])
        where = ui["side_by_side"] if rest[:1] == ["parallel"] else (rest[0] if rest else "")
        return cite_parts(ui, base, where)

    def page_groups(self, v, lang: str):
        for rid in list(dict.keys(v.corpus.reports)):
            yield rid, (lambda rid=rid: v.build.report(v.corpus.reports[rid], lang))


KIND = ReportKind()
