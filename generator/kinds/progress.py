"""Reader for a district progress table (区民生实事任务进展情况汇总表) exported
one cell per line: a tab-indented line starts a cell, an untabbed line continues
the cell above (a wrapped name, or the next numbered item of a progress text).
The district is recognised from the names the table itself uses."""
from __future__ import annotations

import re

from ..errors import Report
from ..model import Block, Origin, ProgressRow, ProgressTable, Quantity, Source
from ..normalize import TERMINAL, normalize_text
from .common import ORG_SUFFIX, is_org_line, parse_date
from ..ids import format_id, parse as parse_id
from .base import Kind, Reading, cite_parts
from .. import ids

TITLE = re.compile(r"^(\d{4})年(.*)进展情况汇总表$")
FIELDS = 7
HEADER_KEYS = ["序号|编号", "来源", "任务|事项|内容", "单位|部门", "时限|时间|期限", "进度|状态", "进展|情况"]
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


def _figures(text: str) -> list[tuple[Quantity, bool]]:
    """The figures of a text, each with whether it names a project rather than counts
    a result: in 修缮、更新100个农村候车亭项目取得实施方案批复 the 100个 is the name of
    the project that was approved, not 100 shelters done. A rank (市级前100名, 第3名)
    is not a quantity and is left out."""
    text = strip_list_markers(text)
    out = []
    for m in QTY.finditer(text):
        if m.group(4) == "名" and text[max(0, m.start() - 1):m.start()] in ("前", "第"):
            continue
        value = float(m.group(1)) * (10000 if m.group(2) == "万" else 1e8 if m.group(2) == "亿" else 1)
        before = re.findall(r"[\u4e00-\u9fff]", text[max(0, m.start() - 12):m.start()])
        after = re.findall(r"[\u4e00-\u9fff]", text[m.end():m.end() + 10])
        names_project = bool(re.match(r"(?!项目)[\u4e00-\u9fff]{1,8}?项目", text[m.end():]))
        out.append((Quantity(value=value, unit=m.group(4), text=m.group(0),
                             context="".join(before[-8:]) + "|" + "".join(after[:8])), names_project))
    return out


def quantities(text: str) -> list[Quantity]:
    return [q for q, _ in _figures(text)]


def _overlap(a: str, b: str) -> int:
    grams = lambda s: {s[i:i + 2] for i in range(len(s) - 1)}
    return len(grams(a.replace("|", "")) & grams(b.replace("|", "")))


def pair_quantities(targets: list[Quantity], reported: list[Quantity],
                    names: frozenset[int] = frozenset()) -> list[tuple[Quantity, Quantity]]:
    """Match each target with the reported figure of the same unit whose context shares
    most words (at least two 2-grams), or with the only reported figure of its unit when
    the row has just one target and one reported figure of that unit (增加学位2880个 /
    完成新增学位2880个). Never paired: a reported figure that names a project (``names``,
    indexes into ``reported``), and a target that the reported figures of its unit add up
    to (调整5条 / 新开1条、调整4条: the progress breaks the target down, no single part
    answers it)."""
    pairs, used = [], set(names)
    for t in targets:
        same = [k for k, r in enumerate(reported) if r.unit == t.unit and k not in names]
        if len(same) >= 2 and abs(sum(reported[k].value for k in same) - t.value) < 1e-9:
            continue
        only = len(same) == 1 and sum(1 for x in targets if x.unit == t.unit) == 1
        best, best_score = None, -1
        for k in same:
            if k in used:
                continue
            score = _overlap(t.context, reported[k].context)
            if score > best_score:
                best, best_score = k, score
        if best is not None and (best_score >= 2 or only):
            used.add(best)
            pairs.append((t, reported[best]))
    return pairs


def join_units(parts: list[str]) -> list[str]:
    """One unit name per line; a line that does not end a name (区人力资源) continues on the next."""
    units: list[str] = []
    for part in parts:
        part = normalize_text(part)
        if units and not ORG_SUFFIX.search(units[-1]):
            units[-1] += part  # a wrapped unit name
        else:
            units.append(part)
    return units


def _text(cell) -> str:
    return normalize_text(" ".join(cell[0]))


NUMBER_CELL = re.compile(r"\d{1,3}")
DATE_CELL = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def _is_units(cell) -> bool:
    return all(is_org_line(u) for u in join_units(cell[0]))


# what each of the seven fields holds, to tell a row that is out of step (a cell
# missing or split in two) from one that is merely badly filled in
FIELD_CHECKS = [
    (lambda c: bool(NUMBER_CELL.fullmatch(_text(c))), "the row number (a whole number)"),
    (lambda c: len(_text(c)) <= 30 and not NUMBER_CELL.fullmatch(_text(c)) and not parse_date(_text(c))
     and not re.search(r"[。；]", _text(c)), "a short source reference such as 区民生实事第1项"),
    (lambda c: len(_text(c)) >= 4 and not NUMBER_CELL.fullmatch(_text(c)) and not DATE_CELL.fullmatch(_text(c))
     and not _is_units(c), "the task text"),
    (_is_units, "lead unit names, one per line (区民政局)"),
    (lambda c: bool(parse_date(_text(c))) and len(_text(c)) <= 20, "a deadline such as 2025年12月31日"),
    (lambda c: len(_text(c)) <= 12 and not re.search(r"[\d，。；：,.;:]", _text(c)) and not _is_units(c),
     "a short status such as 正在推进 or 已完成"),
    (lambda c: bool(_text(c)) and not NUMBER_CELL.fullmatch(_text(c)), "the progress text"),
]


def _looks_like(cell) -> int | None:
    """The field a misplaced cell unmistakably belongs to, if any."""
    t = _text(cell)
    if NUMBER_CELL.fullmatch(t):
        return 0
    if DATE_CELL.fullmatch(t):
        return 4
    if _is_units(cell):
        return 3
    return None


def check_rows(body: list, headers: list[str], path: str, report: Report) -> list[int]:
    """Walk the body cells row by row and return where each row starts. A row is in
    step when it has seven cells and the next row's number follows them; the first row
    that is not is reported at the first cell that does not fit its field (the place
    where a cell was lost or split), and the walk stops there: every row after it would
    be shifted too."""
    layout = "、".join(headers)
    starts, i, r = [], 0, 1
    while i < len(body):
        row = body[i:i + FIELDS]
        nxt = body[i + FIELDS] if i + FIELDS < len(body) else None
        bad = [k for k, cell in enumerate(row) if not FIELD_CHECKS[k][0](cell)]
        if len(row) == FIELDS and (nxt is None or NUMBER_CELL.fullmatch(_text(nxt))) and set(bad) <= {4}:
            starts.append(i)  # in step (an unreadable deadline is reported with the row's content)
            i, r = i + FIELDS, r + 1
            continue
        expected = f"{FIELDS} cells per row ({layout})"
        if bad:
            k = bad[0]
            cell = row[k]
            hint = ""
            j = _looks_like(cell)
            if j == 0 and k > 0:
                hint = f"; it looks like the next row's number, so row {r} is {FIELDS - k} cell(s) short"
            elif j is not None and j > k:
                hint = f"; it looks like the {headers[j]} cell, so {j - k} cell(s) before it are missing"
            elif j is not None and j < k:
                hint = f"; it looks like a {headers[j]} cell, so a cell before it was split in two or repeated"
            report.error(path, cell[1], f"progress table out of step in row {r}: field {k + 1} ({headers[k]}) "
                         f"is {_text(cell)[:24]!r}{hint}", f"{FIELD_CHECKS[k][1]} here; {expected}")
        elif len(row) < FIELDS:
            report.error(path, row[-1][1], f"progress table ends inside row {r}: it has {len(row)} of {FIELDS} cells, "
                         f"the last is {headers[len(row) - 1]}", expected)
        else:
            report.error(path, nxt[1], f"progress table out of step after row {r}: {_text(nxt)[:24]!r} follows "
                         f"its {headers[-1]} cell", f"row {r + 1}'s number (序号) or the end of the table; {expected}")
        break
    return starts


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
    if len(headers) < FIELDS or any(NUMBER_CELL.fullmatch(h) for h in headers):
        n = next((k for k, h in enumerate(headers) if NUMBER_CELL.fullmatch(h)), len(headers))
        # the first header that is not the usual one for its place is where a header cell is missing
        k = next((k for k in range(n) if not re.search(HEADER_KEYS[k], headers[k])), n)
        at = cells[1 + k] if 1 + k < len(cells) else cells[-1]
        report.error(path, at[1], f"the header row has {n} cells; {_text(at)[:24]!r} is in place of header {k + 1}",
                     f"{FIELDS} header cells (序号、来源、任务内容、主责单位、完成时限、任务进度、进展情况) before the first row")
        report.raise_if_errors()
    starts = check_rows(body, headers, path, report)
    report.raise_if_errors()
    text_all = source.text
    counts = {zh: text_all.count(zh) for zh in districts}
    district_zh = max(counts, key=counts.get) if counts and max(counts.values()) else ""
    if not district_zh:
        report.error(path, cells[0][1], "cannot tell which district this table belongs to",
                     "a district name (e.g. 大兴区) somewhere in the table")
        report.raise_if_errors()
    slug = districts[district_zh]
    table = ProgressTable(id=ids.format_id("progress", year, slug), year=year, district=slug, district_zh=district_zh,
                          title=title, headers=headers, origin=Origin(path, 1, len(source.text.split("\n"))))
    expected_no = 1
    for r, start in enumerate(starts):
        row = body[start:start + FIELDS]
        line = row[0][1]
        no = normalize_text(row[0][0][0])
        if int(no) != expected_no:  # a row left out or numbered twice: the cells are still in step
            report.error(path, line, f"row number {no!r} out of sequence", f"row {expected_no}")
        expected_no = int(no) + 1
        def joined(parts):  # wrapped lines join directly; finished sentences/items keep a line break
            out = ""
            for p in parts:
                p = normalize_text(p)
                if out and (out[-1] in TERMINAL or re.match(r"^\d+[\.．]", p)):
                    out += "\n"
                out += p
            return out
        units = join_units(row[3][0])
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
        figures = _figures(progress)
        pr.reported = [q for q, _ in figures]
        pr.pairs = pair_quantities(pr.targets, pr.reported, frozenset(k for k, (_, n) in enumerate(figures) if n))
        table.rows.append(pr)
    return table


def table_blocks(t):
    """The cells of a progress table as blocks, row by row (what the no-loss check counts)."""
    yield Block("title", t.title, 1)
    for h in t.headers:
        yield Block("th", h, 1)
    for row in t.rows:
        for v in (str(row.number), row.source, row.task, "".join(row.units_raw), row.deadline_text,
                  row.status, row.progress):
            yield Block("td", v, row.line)


class ProgressKind(Kind):
    name, schemes, family = "progress", ("progress",), "progress"
    label = "progress table"
    expected = "progress table (…进展情况汇总表, tab cells)"

    def detect(self, text: str) -> bool:
        return detect(text)

    def read(self, src, rep, ctx) -> Reading:
        t = parse(src, rep, ctx.districts)
        return Reading(items={"progress": [t]}, blocks=list(table_blocks(t)))

    def item_ids(self, t) -> list[str]:
        return [t.id] + [r.id for r in t.rows]

    def source_files(self, corpus, t) -> set[str]:
        return {t.origin.file}

    def derived(self, t):
        return [(r.number, r.units) for r in t.rows]

    # -------------------------------------------------------------- publishing
    def _find(self, v, item_id: str):
        i = parse_id(item_id)
        t = v.corpus.progress.get(format_id("progress", *i.parts[:2]))
        rest = list(i.parts[2:])
        row = None
        if t is not None and rest[:1] and rest[0].isdigit():
            row = next((r for r in t.rows if r.number == int(rest[0])), None)
        return t, row, rest

    def title(self, v, item_id: str, lang: str) -> str | None:
        t, row, rest = self._find(v, item_id)
        if t is None:
            return None
        ui = v.ui[lang]
        district = v.district_name(t.district, t.district_zh, lang)
        if row is None:
            return ui["title_progress"].format(district=district, year=t.year)
        s = v.seg(ids.with_anchor(row.id, "task"), row.task, lang, "progress")
        return ui["title_row"].format(district=district, year=t.year, n=row.number, text=v.opening(s["text"], s["lang"]))

    def citation(self, v, item_id: str, lang: str) -> str | None:
        t, row, rest = self._find(v, item_id)
        if t is None:
            return None
        ui = v.ui[lang]
        head = v.title(t.id, lang)
        if rest[:1] == ["parallel"]:
            return cite_parts(ui, head, ui["side_by_side"])
        return cite_parts(ui, head, ui["where_row"].format(n=row.number) if row is not None else "")

    def page_groups(self, v, lang: str):
        for tid in list(dict.keys(v.corpus.progress)):
            yield tid, (lambda tid=tid: v.build.progress(v.corpus.progress[tid], lang))

    def file_name(self, corpus, src) -> str:
        t = next(t for t in corpus.progress.values() if t.origin.file == src.path)
        return f"{t.year}-{t.district}-progress.txt"


KIND = ProgressKind()
