"""The adoption and revision history a rule prints under its title, or an amendment decision beside the rule it
names: （2010年3月1日北京市人民政府令第220号公布 根据2018年2月12日北京市人民政府令第277号《…的决定》第一次修改）,
read into its steps (``parse_history``). Shared by the rules reader and the decisions' reader."""
from __future__ import annotations

import re

from ..model import HistoryEntry
from .citations import find_citations
from .text import cn_number, parse_date

_VERBS = "修改|修正|修订|公布|发布|通过|批准|废止|施行"
_ENTRY = re.compile(
    rf"\s*(?P<lead>根据)?\s*(?P<date>\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)?(?P<mid>[^，,；;]*?)"
    rf"(?P<ord>第[一二三四五六七八九十]+次)?(?P<action>{_VERBS})(?=$|[，,；;\s）)]|根据|\d{{4}}\s*年)")


def _mask_titles(text: str) -> str:
    """``text`` with every 《…》 (nesting included) replaced by as many placeholders, so that the words
    inside a title (关于修改…的决定) are not read as the history's own verbs."""
    out = list(text)
    depth = 0
    for i, ch in enumerate(text):
        if ch == "《":
            depth += 1
        if depth:
            out[i] = "□"
        if ch == "》" and depth:
            depth -= 1
    return "".join(out)


def parse_history(text: str) -> list[HistoryEntry]:
    """The entries of an adoption/revision history (with or without its enclosing parentheses):
    ``2010年3月1日北京市人民政府令第220号公布``, ``根据…北京市人民政府令第277号《…的决定》第一次修改``,
    ``…第十三次会议通过``, ``第220号令发布``. Returns [] when the text has no such entry."""
    t = text.strip()
    if t[:1] in "（(" and t[-1:] in "）)":
        t = t[1:-1]
    masked = _mask_titles(t)
    entries: list[HistoryEntry] = []
    for m in _ENTRY.finditer(masked):
        raw = t[m.start():m.end()].strip(" ，,；;")
        mid = t[m.start("mid"):m.end("mid")].strip()
        if not (m.group("date") or mid):
            continue
        if not re.search(r"\d|令|会议|决定|政府|委员会", raw):  # a verb in ordinary words, not an entry
            continue
        cites = find_citations(mid)
        body, instrument, target = mid, "", ""
        if cites:
            first = cites[0]
            instrument = mid[first.start:]
            body = mid[:first.start].strip()
            target = first.target
            if first.kind == "decree":
                m2 = re.match(r"^(.*?)(?:令|第)", first.text)
                issuer = m2.group(1) if m2 else ""
                if issuer and not body:
                    body = issuer
        ord_text = m.group("ord") or ""
        ordinal = cn_number(ord_text[1:-1]) if ord_text else 0
        entries.append(HistoryEntry(parse_date(m.group("date") or ""), body, m.group("action"), instrument, raw,
                                    ordinal=ordinal, target=target))
    return entries
