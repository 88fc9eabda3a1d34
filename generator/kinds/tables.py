"""A table's rows as printed, from a text that gives one line of cells (separated by tabs) for each printed line.

A cell too long for its column runs over two or more lines, and the text then has a line for each: the row
``3 | 北京市实施《中华人民共和国水土保持法》办法 | 1994年6月5日…`` comes as ``3\\t北京市实施《中华人民共和国`` and
``水土保持法》办法\\t1994年6月5日…``. ``normalize.unwrap`` makes a paragraph of each line with a tab (kind
``table``); ``join_rows`` puts the lines of one row back together, so every reader sees the rows and cells
as printed:

* the table's first line, its heading row, says how many cells a row has;
* a line goes on the row above it while that row has fewer cells than the heading row and the line's cells fit in
  the rest (a line with as many cells as the heading row is a row of its own): its first cell continues the row's
  last cell (the line starts where the row's last line was cut), its other cells are the row's next cells; a line
  whose first cell is the next number of a numbered table (row 4 after row 3) starts a row whatever the row above
  lacks;
* a line without a tab between two lines of the table (no blank line around it) continues the last cell of
  the row above, unless it reads as a heading or a numbered line of its own (``一、…``, ``（二）…``, ``1.…``);
* a row whose cells cannot be made as many as the heading row's is kept as printed, and a warning names its
  line and the count expected, and no character is dropped. What the counts cannot tell apart is read as one
  row: a row that lacks its last cell without a tab to say so, then a row whose first cell runs over two lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Report
from ..normalize import Para

# a line that starts a heading or a numbered line of its own (一、 （二） 3. （4） 第五条): not the rest of a cell
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)|"
                      r"第[一二三四五六七八九十百千零〇两]+[编章节条編條節])")


@dataclass
class _Row:
    cells: list[str]
    paras: list[Para] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        """Continue the last cell with ``text`` (the cell's next printed line)."""
        last, text = self.cells[-1].rstrip(), text.strip()
        sep = " " if last[-1:].isascii() and last[-1:].isalnum() and text[:1].isascii() and text[:1].isalpha() else ""
        self.cells[-1] = last + sep + text

    def para(self) -> Para:
        first, last = self.paras[0], self.paras[-1]
        if len(self.paras) == 1:
            return first
        return Para("\t".join(self.cells), first.line, last.end_line, [n for p in self.paras for n in p.lines],
                    kind="table")


def _cells(p: Para) -> list[str]:
    return p.text.split("\t")


def _number(cell: str) -> int | None:
    cell = cell.strip()
    return int(cell) if cell.isdigit() else None


def _continues(prev: Para, p: Para, after: Para | None) -> bool:
    """Paragraph ``p``, without a tab, is a cell's line between two lines of a table: ``prev`` (a line of the
    table) right above it and ``after`` (the next, a line of the table or another such line) right under it,
    no blank line between, and it is not a heading or a numbered line."""
    return (p.kind == "para" and after is not None and p.line == prev.end_line + 1 and after.line == p.end_line + 1
            and not NUMBERED.match(p.text.strip()))


def _table(paras: list[Para], i: int) -> int:
    """The end (exclusive) of the table whose first line is ``paras[i]``: its lines with tabs, and the lines
    without between two of them (``_continues``)."""
    j = i + 1
    while j < len(paras):
        if paras[j].kind == "table":
            j += 1
            continue
        k = j  # a run of lines without a tab: the table's only where a line of it follows right under them
        while k < len(paras) and _continues(paras[k - 1], paras[k], paras[k + 1] if k + 1 < len(paras) else None):
            k += 1
        if k == j or k >= len(paras) or paras[k].kind != "table" or paras[k].line != paras[k - 1].end_line + 1:
            break
        j = k
    return j


def _rows(lines: list[Para]) -> list[_Row]:
    width = len(_cells(lines[0]))
    rows = [_Row(_cells(lines[0]), [lines[0]])]
    number = None  # the number of the last numbered row
    for p in lines[1:]:
        row = rows[-1]
        if p.kind != "table":
            row.add_text(p.text)
            row.paras.append(p)
            continue
        cells = _cells(p)
        number = _number(row.cells[0]) if _number(row.cells[0]) is not None else number
        next_row = number is not None and _number(cells[0]) == number + 1 and len(cells) > 1
        # a line with all of a row's cells is a row (the row above lacks a cell: a cell left empty at its end)
        if len(row.cells) < width and len(cells) < width and len(row.cells) + len(cells) - 1 <= width and not next_row:
            row.add_text(cells[0])
            row.cells.extend(cells[1:])
            row.paras.append(p)
        else:
            rows.append(_Row(cells, [p]))
    return rows


def join_rows(paras: list[Para], path: str = "", report: Report | None = None) -> list[Para]:
    """``paras`` (``normalize.unwrap``'s) with the lines of each table row joined into one paragraph of kind
    ``table`` (see the module's docstring); rows that do not have the heading row's number of cells are
    warnings in ``report``."""
    out: list[Para] = []
    i = 0
    while i < len(paras):
        if paras[i].kind != "table":
            out.append(paras[i])
            i += 1
            continue
        end = _table(paras, i)
        rows = _rows(paras[i:end])
        width = len(rows[0].cells)
        for row in rows[1:]:
            if len(row.cells) != width and report is not None:
                report.warn(path, row.paras[0].line,
                            f"a row of the table has {len(row.cells)} cells, its heading row (line {paras[i].line}) "
                            f"{width}: it is kept as printed, its cells may be out of their columns",
                            f"{width} cells separated by tabs, a cell that runs over two lines continued at the "
                            "start of the next line")
        out.extend(r.para() for r in rows)
        i = end
    return out
