"""Appointments and removals (任免): a notice 北京市人民政府关于…任免的通知 (with a 发文字号, read by the
circular reader) or a 任免名单, whose body names each decision: ``任命张三为北京市A局局长；``,
``免去李四的北京市B委员会副主任职务。``, several in one paragraph or one a line, or under headings
``任命：`` / ``免去：`` (then ``张三为…`` / ``李四的…职务``). Several persons may share one decision
(任命张三、王五为…副局长).

``parse_appointments(blocks)`` turns the body blocks into one ``appointment`` provision per decision
(anchors ``appoint-1``, ``appoint-2``, …, ``remove-1`` …: counted within each list, in the order printed)
and an ``AppointmentEntry`` each with the persons and the position.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import Report
from .circular import CircularKind
from ..model import Block, Provision
from .structure import NOT_BODY

# a name, with what the notice prints after it: 刘芳（女）
NAME = r"[\u4e00-\u9fff·•]{2,6}?(?:[（(][\u4e00-\u9fff]{1,4}[）)])?"
NAME_NOTE = re.compile(r"[（(][\u4e00-\u9fff]{1,4}[）)]$")
# 免去其…职务, 任命其为…: a decision about the person the clause before names (任命A为X，免去其Y职务; 免去A的X职务，
# 任命其为Y)
REMOVE_THEIRS = re.compile(r"^免去其(?:的)?(?P<position>.+?)职务$")
APPOINT_THEIRS = re.compile(r"^任命其(?:为|任)(?P<position>.+?)(?:职务)?$")
NAMES = rf"{NAME}(?:、{NAME})*"
APPOINT = re.compile(rf"^(?:任命)?(?P<persons>{NAMES}?)(?:同志)?(?:为|任)(?P<position>.+?)(?:职务)?$")
REMOVE = re.compile(rf"^(?:免去)?(?P<persons>{NAMES}?)(?:同志)?的(?P<position>.+?)职务$")
REMOVE_BARE = re.compile(rf"^(?:免去)?(?P<persons>{NAMES}?)(?:同志)?(?P<position>(?:北京市|市|区|中国).+?)职务$")
SECTION = re.compile(r"^(任命|免去)\s*[：:]$")
NOTE = re.compile(r"[（(]([^（）()]*)[）)]$")
# a word after a removal's 职务, as the notice prints it: 免去…职务，退休
AFTER_DUTY = re.compile(r"^(?P<core>.+职务)[，,](?P<note>(?!.*(?:职务|的))[^，,]{1,12})$")  # not a second removal


@dataclass
class AppointmentEntry:
    action: str  # appoint | remove
    persons: list[str]
    position: str
    text: str  # the decision as printed
    line: int
    anchor: str
    note: str = ""  # a parenthesis after the position: （试用期一年）
    key: str = ""  # the block it is printed in


# 免去A的X职务，B的Y职务: a second removal after a comma, under the same 免去
_NEXT_REMOVAL = re.compile(r"(?<=职务)[，,](?=[^，,（(]{1,12}的[^，,]+职务)")


def _clauses(text: str) -> list[str]:
    """The decisions a paragraph prints: split at ；and 。, and at a comma before the next 任命 or 免去 (任命A为X，免去其Y
    职务 is two decisions)."""
    parts = re.split(r"[；;。]|[，,](?=任命|免去)", _NEXT_REMOVAL.sub("；", text))
    return [c for c in (x.strip() for x in parts) if c]


def parse_appointments(blocks: list[Block], path: str = "", report: Report | None = None
                       ) -> tuple[list[Provision], list[AppointmentEntry]]:
    """(provisions, entries) of the decisions in a 任免 text's body blocks."""
    provisions: list[Provision] = []
    entries: list[AppointmentEntry] = []
    counts = {"appoint": 0, "remove": 0}
    section = ""
    for b in blocks:
        if b.kind in NOT_BODY:
            continue
        t = re.sub(r"\s+", "", b.text)
        if m := SECTION.match(t):
            section = "appoint" if m.group(1) == "任命" else "remove"
            continue
        if re.search(r"决定[：:]$|如下[：:]$", t):
            continue
        verb = ""  # the verb of the clause before, for one that goes on under it (…职务，B的Y职务)
        for clause in _clauses(t):
            if clause.startswith("任命"):
                action = "appoint"
            elif clause.startswith("免去"):
                action = "remove"
            elif section or verb == "remove":
                action = section or verb
            else:
                continue
            verb = action
            core, note = clause, ""  # a note after the decision: （另有任用）, （挂职，时间一年）, ，退休
            if nm := NOTE.search(core):
                note, core = nm.group(1), core[:nm.start()]
            elif action == "remove" and (am := AFTER_DUTY.match(core)):
                note, core = am.group("note"), am.group("core")
            theirs = (REMOVE_THEIRS if action == "remove" else APPOINT_THEIRS).match(core) if entries else None
            m = theirs or (REMOVE.match(core) or REMOVE_BARE.match(core) if action == "remove" else APPOINT.match(core))
            if not m:
                if report is not None:
                    report.warn(path, b.line, f"cannot read this appointment or removal: {clause[:40]!r}",
                                "任命<name>为<position> or 免去<name>的<position>职务")
                continue
            position = m.group("position")
            counts[action] += 1
            anchor = f"{action}-{counts[action]}"
            persons = list(entries[-1].persons) if theirs else \
                [NAME_NOTE.sub("", p) for p in m.group("persons").split("、")]
            entry = AppointmentEntry(action, persons, position, clause, b.line, anchor, note, b.key)
            entries.append(entry)
            provisions.append(Provision("appointment", str(counts[action]), "", position, anchor, b.line,
                                        block_keys=[b.key], text=clause))
    if not entries and report is not None:
        line = next((b.line for b in blocks if b.kind not in NOT_BODY), blocks[0].line if blocks else 1)
        report.error(path, line, "an appointment notice that names no appointment or removal",
                     "任命<name>为<position>； or 免去<name>的<position>职务。")
    return provisions, entries


class AppointmentKind(CircularKind):
    """Appointments and removals (任免): a numbered document whose body names who is appointed to or removed
    from which position; each decision is a provision (``appoint-1``, ``remove-2``)."""

    name, schemes = "appointment", ()
    label = "appointments and removals (任免)"
    expected = ""

    def detect(self, text: str) -> bool:
        return super().detect(text) and bool(re.search(r"任免|任命", re.sub(r"\s+", "", text[:300])))

    def detect_document(self, paras, texts) -> bool:
        return super().detect_document(paras, texts) and any(re.search(r"任免|任命", t) for t in texts[:3])

    def structure(self, doc, path: str, rep) -> None:
        doc.kind = "appointment"
        doc.provisions, entries = parse_appointments(doc.blocks, path, rep)
        doc.meta["appointments"] = [{"action": e.action, "persons": e.persons, "position": e.position,
                                     "note": e.note, "anchor": e.anchor} for e in entries]


KIND = AppointmentKind()
