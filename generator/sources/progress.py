"""Reader for a district progress table (区民生实事任务进展情况汇总表) exported
one cell per line: a tab-indented line starts a cell, an untabbed line continues
the cell above (a wrapped name, or the next numbered item of a progress text).
The district is recognised from the names the table itself uses."""
from __future__ import annotations

import re

from ..errors import Report
from ..model import Origin, ProgressRow, ProgressTable, Quantity, Source
from ..normalize import TERMINAL, normalize_text
from .common import ORG_SUFFIX, parse_date

TITLE = re.compile(r"^(\d{4})年(.*)进展情况汇总表$")
FIELDS = 7
QTY = re.compile(
    r"(\d+(?:\.\d+)?)(万|亿)?(余)?(个百分点|平方米|公里|批次|人次|个|套|张|处|场|人|家|条|所|名|部|台|辆|项|户|次|场次|%|套次)"
)


def detect(text: str) -> bool:
    head = text[:600]
    return bool(re.search(r"进展情况汇总表", head)) and head.count("\t") >= 5


def strip_list_markers(text: str) -> str:
    """Items numbered 1., 2., 3. on their own lines: the numbers are markers, not figures
    (so "1.2处社区养老配建" is item 1, "2处"). A lone "1.5万" stays a figure."""
    lines = text.split("\n")
    if len(lines) >= 2 and all(re.match(rf"^\s*{i + 1}[\.．]", l) for i, l in enumerate(lines)):
        return "\n".join(re.sub(r"^\s*\d+[\.．]\s*", "", l) for l in lines)
    return re.sub(r"(^|\n)\s*\d+[\.．]\s*(?!\d)", r"\1", text)


def quantities(text: str) -> list[Quantity]:
    text = strip_list_markers(text)
    out = []
    for m in QTY.finditer(text):
        value = float(m.group(1)) * (10000 if m.group(2) == "万" else 1e8 if m.group(2) == "亿" else 1)
        before = re.findall(r"[\u4e00-\u9fff]", text[max(0, m.start() - 12):m.start()])
        after = re.findall(r"[\u4e00-\u9fff]", text[m.end():m.end() + 10])
        out.append(Quantity(value=value, unit=m.group(4), text=m.group(0),
                            context="".join(before[-8:]) + "|" + "".join(after[:8])))
    return out


def _overlap(a: str, b: str) -> int:
    grams = lambda s: {s[i:i + 2] for i in range(len(s) - 1)}
    return len(grams(a.replace("|", "")) & grams(b.replace("|", "")))


def pair_quantities(targets: list[Quantity], reported: list[Quantity]) -> list[tuple[Quantity, Quantity]]:
    """Match each target with the reported figure of the same unit whose context shares most words."""
    pairs, used = [], set()
    for t in targets:
        best, best_score = None, -1
        for k, r in enumerate(reported):
            if k in used or r.unit != t.unit:
                continue
            score = _overlap(t.context, r.context)
            if score > best_score:
                best, best_score = k, score
        if best is not None and best_score >= 2:
            used.add(best)
            pairs.append((t, reported[best]))
    return pairs


def parse(source: Source, report: Report, districts: dict[str, str]) -> ProgressTable:
    """``districts`` maps Chinese district names (大兴区) to slugs (daxing)."""
    path = source.path
    cells: list[list] = []  # [text_parts, first_line]
    for i, raw in enumerate(source.text.split("\n")):
        if not raw.strip():
            continue
        if raw.startswith("\t"):
            cells.append([[raw.strip()], i + 1])
        elif cells:
            cells[-1][0].append(raw.strip())
        else:
            report.error(path, i + 1, "text before the table title", "a tab-indented title line")
    report.raise_if_errors()
    if not cells:
        report.error(path, 1, "empty progress table", "tab-indented cells")
        report.raise_if_errors()
    title = normalize_text(cells[0][0][0])
    tm = TITLE.match(title)
    if not tm:
        report.error(path, cells[0][1], f"unexpected table title {title!r}", "'YYYY年…进展情况汇总表'")
        report.raise_if_errors()
    year = int(tm.group(1))
    headers = [normalize_text(" ".join(c[0])) for c in cells[1:1 + FIELDS]]
    body = cells[1 + FIELDS:]
    if len(body) % FIELDS:
        report.error(path, body[-1][1], f"{len(body)} cells after the header is not a whole number of {FIELDS}-field rows",
                     f"rows of {FIELDS} cells: {'、'.join(headers)}")
        report.raise_if_errors()
    text_all = source.text
    counts = {zh: text_all.count(zh) for zh in districts}
    district_zh = max(counts, key=counts.get) if counts and max(counts.values()) else ""
    if not district_zh:
        report.error(path, cells[0][1], "cannot tell which district this table belongs to",
                     "a district name (e.g. 大兴区) somewhere in the table")
        report.raise_if_errors()
    slug = districts[district_zh]
    table = ProgressTable(id=f"progress/{year}/{slug}", year=year, district=slug, district_zh=district_zh,
                          title=title, headers=headers, origin=Origin(path, 1, len(source.text.split("\n"))))
    for r in range(len(body) // FIELDS):
        row = body[r * FIELDS:(r + 1) * FIELDS]
        line = row[0][1]
        no = normalize_text(row[0][0][0])
        if not no.isdigit() or int(no) != r + 1:
            report.error(path, line, f"row number {no!r} out of sequence", f"row {r + 1}")
            continue
        def joined(parts):  # wrapped lines join directly; finished sentences/items keep a line break
            out = ""
            for p in parts:
                p = normalize_text(p)
                if out and (out[-1] in TERMINAL or re.match(r"^\d+[\.．]", p)):
                    out += "\n"
                out += p
            return out
        units: list[str] = []
        for part in row[3][0]:
            part = normalize_text(part)
            if units and not ORG_SUFFIX.search(units[-1]):
                units[-1] += part  # a wrapped unit name
            else:
                units.append(part)
        deadline_text = normalize_text(row[4][0][0])
        task = joined(row[2][0])
        progress = joined(row[6][0])
        pr = ProgressRow(id=f"{table.id}/{r + 1}", year=year, district=slug, number=r + 1,
                         source=joined(row[1][0]), task=task, units_raw=units,
                         deadline=parse_date(deadline_text) or "", deadline_text=deadline_text,
                         status=joined(row[5][0]), progress=progress, line=line)
        if not pr.deadline:
            report.error(path, row[4][1], f"unreadable deadline {deadline_text!r}", "a date like 2025年12月31日")
        pr.targets = quantities(task)
        pr.reported = quantities(progress)
        pr.pairs = pair_quantities(pr.targets, pr.reported)
        table.rows.append(pr)
    return table
