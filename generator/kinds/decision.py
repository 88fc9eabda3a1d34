"""Reader for amendment and repeal decisions (关于修改《…》等N项规章部分条款的决定, 关于废止…的决定, and the
two together, 关于修改和废止部分规章的决定).

An amendment decision: title; sometimes its adoption line in parentheses; a preamble (市人民政府决定对…
作如下修改：); items ``一、《北京市A办法》（2010年3月1日北京市人民政府令第220号公布，根据…第277号令修改）``,
each naming the rule it changes with that rule's history, followed by numbered changes::

    1.删去第五条。                                  delete   {"article": 5}
    2.删去第八条第（三）项。                        delete   {"article": 8, "item": 3}
    3.第十二条修改为：“第十二条 …（一）…（二）…”    rewrite  {"article": 12}, text: the new wording
    4.将第九条第二款中的“A”修改为“B”。             rewrite  {"article": 9, "paragraph": 2}, old A, text B
      …，第（二）项中的“C”修改为“D”。              and      {"article": 9, "paragraph": 2, "item": 2}, old C, text D
    5.增加一条，作为第十条之一：“…”                insert   {"article": 10, "article_sub": 1}
    6.第三条增加一款，作为第二款：“…”              insert   {"article": 3, "paragraph": 2}
    7.将第二章的章名修改为“…”                      rename   {"chapter": 2}
    8.将第十一条调整为第十二条。                    renumber {"article": 11}, text 第十二条

A decision that amends one rule may name it in its preamble instead (市人民政府决定对《北京市A规定》作如下修改：,
mostly with the rule's history: 对《北京市A规定》（…令第340号公布，根据…修改）作如下修改：, kept as the amendment's
history): its items 一、二、 are then the changes themselves (``change-1``, ``change-2``), the rule has no item of its own.
An item may also name its rule without 《》, by its history (一、北京市A办法（…令第344号发布）).

A change replacing words in several places gives one record for each (the same number), a later provision
read relative to the one named before it; a replacement that cannot be placed, or words after the first that
are no replacement, are a warning with the change's line.

The quoted new wording may run over several paragraphs (and hold its own （一） and 1.): a change lasts
until its quotation marks close. An item may also be one change on its own line
(二、将《北京市B规定》第三条中的“A”修改为“B”。). The closing lines (本决定自…起施行; …根据本决定作相应修改，
重新公布) are kept as blocks. A repeal decision lists the repealed rules (一、北京市C办法（…发布）, with or
without 《》) with their history; in a decision that does both, group headings (一、修改的规章 /
二、废止的规章) hold items （一） （二）.

Every item and change is a provision: ``item-1``, ``item-1-change-3`` (``part-2-item-1`` inside a group).
"""
from __future__ import annotations

import dataclasses
import re

from ..errors import Report
from ..model import Amendment, Block, Change, Provision
from ..normalize import Para, normalize_text
from .attachments import attachment_part, split_attachments
from .circular import CircularKind
from .history import parse_history
from .structure import ends_sentence, ordinal, parse_ref, ref_anchor
from .text import CN_NUM, DECISION_TITLE, Keys, cn_number, simplified, to_block

ITEM = re.compile(rf"^({CN_NUM})\s*、\s*(.*)$", re.S)
SUB_ITEM = re.compile(rf"^[（(]\s*({CN_NUM})\s*[）)]\s*(.*)$", re.S)
CHANGE = re.compile(r"^(\d+)\s*[.．、]\s*(.*)$", re.S)
CHANGE_VERB = re.compile(r"删去|删除|修改为|改为|增加|调整为|移作|废止")
CLOSING = re.compile(r"本决定|此外|重新公布|相应调整|相应修改|自.{0,12}起施行")
# the preamble of a decision that amends one rule, whose changes are then its items (一、将第三条中的…):
# 市人民政府决定对《北京市A规定》作如下修改： (also 决定，对…作出如下修改; not 等N项规章, nor 下列规章), often with
# the rule's history between its title and 作: 对《北京市A规定》（2026年4月21日…令第340号公布）作如下修改 (see _one_rule)
ONE_RULE = re.compile(r"决定[，,]?\s*对\s*(?=《)")
ONE_RULE_END = re.compile(r"\s*(?:的?部分条款)?(?:作出|做出|作|做|进行)(?:如下|以下)修改")
# an item naming a rule without 《》, by its history: 一、北京市A办法（2026年6月2日北京市人民政府令第344号发布）
RULE_ITEM = re.compile(r"^[^，。；：“”「」]{2,60}?(?:办法|规定|细则|条例|规则|决定)\s*[（(][^）)]*?(?:发布|公布|通过)")


def _names_rule(text: str, anywhere: bool = False) -> bool:
    """Whether an item's text names a rule: by its title in 《》 (opening the text, or ``anywhere`` in it: 关于…
    《…》的修改) or, without 《》, by the history it prints after the title (RULE_ITEM)."""
    return ("《" in text if anywhere else text.lstrip().startswith("《")) or RULE_ITEM.match(text) is not None


RULE_WORD = r"(?:本办法|本规定|本细则|本条例|本规则|本实施办法|该办法|该规定|该细则|该条例)"

Q_OPEN = "“"
Q_CLOSE = "”"


# Traditional-script texts (and some others) quote with corner brackets: 将第三条中的「A」修改为「B」
_CORNERS = str.maketrans({"「": Q_OPEN, "」": Q_CLOSE, "『": "‘", "』": "’"})


def _quote_open(text: str, state: tuple[int, bool] = (0, False)) -> tuple[int, bool]:
    depth, ascii_open = state
    depth += text.count(Q_OPEN) + text.count("「") - text.count(Q_CLOSE) - text.count("」")
    if text.count('"') % 2:
        ascii_open = not ascii_open
    return depth, ascii_open


def _is_open(state) -> bool:
    return state[0] > 0 or state[1]


def _outer_title(text: str):
    """(start, end, inner) of the first 《…》 (nesting allowed) in ``text``, or None."""
    s = text.find("《")
    if s < 0:
        return None
    depth = 0
    for j in range(s, len(text)):
        if text[j] == "《":
            depth += 1
        elif text[j] == "》":
            depth -= 1
            if depth == 0:
                return s, j + 1, text[s + 1:j]
    return None


def _one_rule(text: str) -> tuple[str, str] | None:
    """(title, history as printed or "") of the one rule a decision's preamble says it amends: 决定对《北京市A办法》
    （2026年4月21日北京市人民政府令第340号公布，根据…《…关于修改〈…〉的决定》修改）作如下修改; None when the
    preamble names no rule, or several (对《A》、《B》作如下修改), or not as a whole title."""
    for m in ONE_RULE.finditer(text):
        tt = _outer_title(text[m.end():])
        if tt is None or tt[0] != 0:
            continue
        at, history = m.end() + tt[1], ""
        paren = re.compile(r"\s*[（(]").match(text, at)
        if paren:
            end = _balanced_paren(text, paren.end() - 1)
            if end is None:
                continue
            history, at = text[paren.end() - 1:end], end
        if ONE_RULE_END.match(text, at):
            return tt[2], history
    return None


def _header_done(text: str, following: str) -> bool:
    """Whether an item's header naming a rule is whole: its title, then its history closed (or no history, and
    the ``following`` paragraph does not open one). The paragraph after a whole header is its one change
    (三、《北京市A办法》（…发布） / 将第二十一条中的“A”修改为“B”。), not more of the header."""
    tt = _outer_title(text)
    if tt is not None:
        start = tt[1]
    elif RULE_ITEM.match(text):
        start = re.search(r"[（(]", text).start()
    else:
        return False
    tail = text[start:].strip()
    if not tail:
        return following[:1] not in "（("
    return tail[0] in "（(" and _balanced_paren(tail, 0) == len(tail)


def _balanced_paren(text: str, start: int):
    """End of the parenthesised group starting at ``text[start]`` (（ or (), or None when not closed."""
    depth = 0
    for j in range(start, len(text)):
        if text[j] in "（(":
            depth += 1
        elif text[j] in "）)":
            depth -= 1
            if depth == 0:
                return j + 1
    return None


_UNITS = {"编": "book", "章": "chapter", "节": "section", "条": "article", "款": "paragraph", "项": "item", "目": "subitem"}
_LEVELS = ["book", "chapter", "section", "article", "article_sub", "paragraph", "item", "subitem"]


def _refs(text: str, base: dict | None = None) -> list[dict]:
    """Targets of a reference phrase that may name several provisions: 第五条、第八条; 第五条第二款、第三款
    (the second inherits its article); 本办法第九条. [] when nothing can be read. ``base``: the provision named
    just before the phrase, which its first target is read relative to, as the second is to the first (将第三条第一款
    中的“A”修改为“B”，第（二）项中的… : 第（二）项 of 第三条第一款)."""
    t = re.sub(rf"^{RULE_WORD}", "", re.sub(r"\s+", "", text)).rstrip("的")
    if not t:
        return []
    out: list[dict] = []
    for piece in re.split(r"[、，,]|和|及|以及", t):
        if not piece:
            continue
        target = parse_ref(piece)
        if target is None:
            return []
        prev = out[-1] if out else base
        if prev:  # inherit the levels above the first one given
            first = next(k for k in _LEVELS if k in target)
            above = {k: v for k, v in prev.items() if k in _LEVELS and _LEVELS.index(k) < _LEVELS.index(first)}
            if first == "paragraph" and "article_sub" in prev:
                above["article_sub"] = prev["article_sub"]
            target = {**above, **target}
        out.append(target)
    return out


def _new_text(text: str, colon_at: int) -> str:
    """The quoted new wording after ``colon_at`` (may run over paragraphs): outer quotes off."""
    rest = text[colon_at:].strip()
    rest = re.sub(r"^[：:]\s*", "", rest)
    if rest[:1] in (Q_OPEN, '"'):
        rest = rest[1:]
        end = max(rest.rfind(Q_CLOSE), rest.rfind('"'))
        if end >= 0:
            rest = rest[:end]
    return rest.strip()


def classify_change(text: str) -> tuple[str, list[dict], str, str] | None:
    """(action, targets, new text, old words) of a change's wording (without its number), or None. Words
    quoted in corner brackets (「」) are read as in “”, and given back in “”."""
    t = text.strip().translate(_CORNERS)
    # rename: 将第二章的章名修改为“…”; 将本办法的名称修改为“…”
    m = re.match(r"^将(?P<ref>.*?)的?(?P<what>章名|节名|编名|标题|名称|题目)(?:修改为|改为)[：:]?\s*[“\"《](?P<new>.+?)[”\"》]", t)
    if m:
        return "rename", _refs(m.group("ref")) if m.group("ref").startswith(("第", "本")) else [], m.group("new"), ""
    # delete words: 删去第五条中的“和”; 将第五条中的“和”删去
    m = re.match(r"^删去(?P<ref>[^“\"]*?)中的[“\"](?P<old>.+?)[”\"]", t) or \
        re.match(r"^将(?P<ref>[^“\"]*?)中的[“\"](?P<old>.+?)[”\"](?:删去|删除)", t)
    if m:
        return "delete", _refs(m.group("ref")), "", m.group("old")
    # delete provisions: 删去第五条。 删去第八条第（三）项、第（四）项。
    m = re.match(r"^(?:删去|删除)(?P<ref>[^“\"。；;]+?)[。；;]?$", t)
    if m and (refs := _refs(m.group("ref"))):
        return "delete", refs, "", ""
    # rewrite words: 将第九条第二款中的“A”修改为“B”; 将本办法中的“A”修改为“B”
    m = re.match(r"^将(?P<ref>[^“\"]*?)中的[“\"](?P<old>.+?)[”\"](?:修改为|改为|替换为)[“\"](?P<new>.+?)[”\"]", t, re.S)
    if m:
        ref = m.group("ref")
        refs = _refs(ref) if ref.strip() and not re.fullmatch(RULE_WORD, ref) else []
        return "rewrite", refs, m.group("new"), m.group("old")
    # rewrite a provision: 第十二条修改为：“…”
    m = re.match(r"^将?(?P<ref>第[^“\"：:]+?)(?:修改为|改为)[：:]\s*[“\"]", t)
    if m and (refs := _refs(m.group("ref"))):
        return "rewrite", refs, _new_text(t, m.end() - 1), ""
    # insert: 增加一条，作为第十条之一：“…”; 第三条增加一款，作为第二款：“…”; 在第五条后增加一条：“…”
    m = re.match(r"^(?:在(?P<after>第[^，,增]+?)(?:后|之后|前|之前|中)[，,]?)?(?P<host>第[^，,增“]+?)?增加(?:一|\d+)"
                 r"(?P<unit>编|章|节|条|款|项|目)[，,]?(?:作为(?P<ref>第[^：:“]+?))?[：:]\s*[“\"]", t)
    if m:
        host = _refs(m.group("host")) if m.group("host") else []
        if m.group("ref"):
            refs = _refs(m.group("ref"))
            if refs and host:
                refs = [{**host[0], **refs[0]}]
        elif m.group("after"):
            refs = [{**r, "position": "after" if "后" in t[:m.end()] else "before"} for r in _refs(m.group("after"))]
        else:
            refs = host
        return "insert", refs, _new_text(t, m.end() - 1), ""
    # renumber: 将第十一条调整为第十二条; 条文顺序作相应调整
    m = re.match(r"^将(?P<ref>第[^“\"]+?)(?:调整为|改为|移作|作为)(?P<new>第[^。；;“\"]+?)[。；;]?$", t)
    if m and (refs := _refs(m.group("ref"))):
        return "renumber", refs, m.group("new"), ""
    if re.search(r"(条文|章节|条款)?(顺序|序号).{0,8}(调整|相应)", t):
        return "renumber", [], "", ""
    return None


_REPLACES = r"(?:修改为|改为|替换为)"
# a further replacement, in the provision before it or in one it names (，第（二）项中的“A”修改为“B”)
_PAIR = re.compile(r"[，,；;、]\s*(?:并)?(?:将|把)?(?:(?P<ref>[^“”\"，,；;。]+?)中的)?"
                   rf"[“\"](?P<old>[^”\"]+)[”\"]{_REPLACES}[“\"](?P<new>[^”\"]+)[”\"]")


def further_pairs(text: str) -> tuple[list[tuple[str, str, str]], str]:
    """The replacements after the first of a change of words, each (the provision it names, or "" for the one
    before it; old words; new words): 将第二十一条中的“市档案局”修改为“市档案馆”，“区县档案局”修改为“区档案馆” ->
    [("", "区县档案局", "区档案馆")]; 将第三条第一款中的“A”修改为“B”，第（二）项中的“C”修改为“D” -> [("第（二）项", "C", "D")].
    Then what follows the first replacement that is none of these, as printed ("" when nothing is): it is not to
    be lost without a word."""
    t = text.translate(_CORNERS)
    first = re.search(rf"{_REPLACES}[“\"][^”\"]+[”\"]", t)
    if not first:
        return [], ""
    pairs, rest, at = [], [], first.end()
    for m in _PAIR.finditer(t, first.end()):
        pairs.append(((m.group("ref") or "").strip(), m.group("old"), m.group("new")))
        rest.append(t[at:m.start()])
        at = m.end()
    rest.append(t[at:])
    return pairs, re.sub(r"^[\s，,；;、。.]+|[\s，,；;、。.]+$", "", "".join(rest))


def parse_decision(paras: list[Para], path: str, report: Report, convert=None, *,
                   key_start: int = 0) -> tuple[list[Block], list[Provision], list[Amendment]]:
    """(blocks, provisions, amendments) of an amendment or repeal decision (see the module docstring)."""
    keys = Keys(key_start)
    att = split_attachments(paras, path, report, convert)
    paras = att.main
    texts = [simplified(p, convert) for p in paras]
    n = len(paras)
    blocks: list[Block] = []
    provisions: list[Provision] = []
    amendments: list[Amendment] = []
    if not n:
        report.error(path, 1, "empty decision", "a title …的决定, then its items")
        return blocks, provisions, amendments
    # title: up to the paragraph that ends with 决定
    t_end = next((k + 1 for k in range(min(n, 3)) if "".join(texts[:k + 1]).endswith("决定")), None)
    if t_end is None:
        report.error(path, paras[0].line, f"the title of a decision does not end with 决定: {texts[0][:40]!r}",
                     "…关于修改《…》等N项规章部分条款的决定")
        t_end = 1
    title = "".join(texts[:t_end])
    for k in range(t_end):
        blocks.append(to_block(paras[k], keys(), "title", convert, level=1))
    repeal_only = "废止" in title and "修改" not in title
    mixed = "废止" in title and "修改" in title
    i = t_end
    if i < n and texts[i][:1] in "（(" and texts[i][-1:] in "）)" and re.search(r"通过|公布|发布", texts[i]):
        blocks.append(to_block(paras[i], keys(), "history", convert))
        i += 1

    group: Provision | None = None
    group_repeal = repeal_only
    one_rule: Provision | None = None  # the item the preamble makes of the one rule a decision amends
    item: Provision | None = None
    amendment: Amendment | None = None
    change: Provision | None = None
    change_rec: Change | None = None
    change_texts: list[str] = []
    quote = (0, False)
    quote_line = 0

    def finish_change():
        nonlocal change, change_rec, change_texts
        if change is None:
            return
        whole = "\n".join(change_texts)
        res = classify_change(whole)
        if res is None:
            report.warn(path, change.line, f"cannot read this change: {whole[:40]!r}",
                        "删去第N条。 / 第N条修改为：“…” / 将第N条中的“…”修改为“…” / 增加一条，作为第N条：“…”")
            change_rec.action = "unknown"
        else:
            action, refs, new, old = res
            change_rec.action = action
            change_rec.target = refs[0] if refs else {}
            change_rec.targets = refs
            change_rec.text = new
            change_rec.old = old
            change_rec.anchor = ref_anchor({k: v for k, v in change_rec.target.items() if k != "position"})
            if action in ("delete", "rewrite", "insert") and not refs and not old:
                report.warn(path, change.line, f"the change does not say which provision it is about: {whole[:40]!r}",
                            "a provision such as 第五条第二款")
        change_rec.source = whole
        change.text = whole
        if change_rec.action == "rewrite" and change_rec.old:  # …“A”修改为“B”，“C”修改为“D”: one record each
            further(change, change_rec, whole)
        change, change_rec, change_texts = None, None, []

    def further(change: Provision, first: Change, whole: str):
        """A record for each replacement after the first (same number), in the provision before it or in the
        one it names, read relative to that one (，第（二）项中的“C”修改为“D”: of the article and paragraph before);
        a warning for a replacement that names a provision that cannot be read, or for words not read at all."""
        pairs, unread = further_pairs(whole)
        prev = first
        for ref, old, new in pairs:
            if not ref:
                rec = dataclasses.replace(prev, old=old, text=new)
            elif re.fullmatch(RULE_WORD, ref):  # ，本办法中的“C”修改为“D”: everywhere in the rule
                rec = dataclasses.replace(prev, target={}, targets=[], anchor="", old=old, text=new)
            else:
                refs = _refs(re.sub(r"^[该本同][条款项]", "", ref), prev.targets[-1] if prev.targets else None)
                if not (refs and ref_anchor(refs[0])):  # nothing read, or an item of no article
                    report.warn(path, change.line, f"cannot tell which provision this replacement is in: "
                                f"{ref}中的“{old}”", "a provision such as 第五条第二款 or 第（二）项, "
                                "read relative to the one named before it")
                    continue
                rec = dataclasses.replace(prev, target=refs[0], targets=refs, old=old, text=new, anchor=ref_anchor(
                    {k: v for k, v in refs[0].items() if k != "position"}))
            amendment.changes.append(rec)
            prev = rec
        if unread:
            report.warn(path, change.line, f"part of this change is not read: {unread[:40]!r}",
                        "further replacements such as ，第（二）项中的“A”修改为“B”")

    def new_item(k: int, number: int, label: str, rest: str, repeal: bool):
        """Open an item naming a rule: its title, its history, perhaps its one change."""
        nonlocal item, amendment
        finish_change()
        text = rest
        j = k
        # a header the joiner left cut (after a short 一、 line): the next paragraphs that are not numbered
        while not ends_sentence(text) and j + 1 < n and not (
                ITEM.match(texts[j + 1]) or SUB_ITEM.match(texts[j + 1]) or CHANGE.match(texts[j + 1])
                or CLOSING.search(texts[j + 1]) or _header_done(text, texts[j + 1])):
            j += 1
            text += texts[j]
        tt = _outer_title(text)
        if tt:
            rule_title = re.sub(r"\s+", "", tt[2])
            after = tt[1]
            lead = text[:tt[0]]
        else:  # 北京市C办法（2005年…发布）: a repeal list may omit 《》
            cut = re.search(r"[（(]", text)
            rule_title = text[:cut.start()] if cut else text.rstrip("。；;")
            after = cut.start() if cut else len(text)
            lead = ""
        history = []
        tail = text[after:]
        if tail.lstrip()[:1] in "（(":
            off = after + (len(tail) - len(tail.lstrip()))
            end = _balanced_paren(text, off)
            while end is None and j + 1 < n:  # the history ran onto the next paragraph
                j += 1
                text += texts[j]
                end = _balanced_paren(text, off)
            if end is None:
                report.error(path, paras[k].line, "the history of the rule named here is not closed",
                             "（…发布，根据…修改） with its closing parenthesis")
                end = len(text)
            history = parse_history(text[off:end])
            tail = text[end:]
        parent_anchor = f"{group.anchor}-" if group is not None else ""
        anchor = f"{parent_anchor}item-{number}"
        siblings = group.children if group is not None else provisions
        if any(p.anchor == anchor for p in siblings):
            report.warn(path, paras[k].line, f"item {label} appears twice", "items numbered once")
            anchor += f"-{ordinal(sum(1 for p in siblings if p.anchor.startswith(anchor)) + 1)}"
        expected = sum(1 for p in siblings if p.kind == "amendment") + 1
        if number != expected:
            report.warn(path, paras[k].line, f"the items' numbering skips or repeats at {label}", f"item {expected}")
        item = Provision("amendment", str(number), label, rule_title, anchor, paras[k].line,
                         block_keys=[], text=rule_title)
        amendment = Amendment(rule_title, history, [], paras[k].line, number=number, anchor=anchor,
                              repeal=repeal)
        siblings.append(item)
        amendments.append(amendment)
        for x in range(k, j + 1):
            b = to_block(paras[x], keys(), "para", convert)
            blocks.append(b)
            item.block_keys.append(b.key)
            if group is not None:
                group.block_keys.append(b.key)
        if repeal:
            amendment.changes.append(Change("repeal", {}, "", paras[k].line, source=text))
        inline = (lead + tail).strip(" ，,：:")
        if not repeal and CHANGE_VERB.search(inline) and "作如下修改" not in inline:
            start_change(k, 1, "", inline, keyed=False)
        return j

    def start_change(k: int, number: int, label: str, text: str, keyed: bool = True):
        nonlocal change, change_rec, change_texts, quote, quote_line
        finish_change()
        expected = len({c.number for c in amendment.changes}) + 1  # a change may hold several records
        if number != expected:
            report.warn(path, paras[k].line, f"the changes of item {item.label} skip or repeat at {label}",
                        f"change {expected}")
        anchor = change_anchor(item.anchor, number)
        if any(c.anchor == anchor for c in item.children):
            anchor += f"-{ordinal(sum(1 for c in item.children if c.anchor.startswith(anchor)) + 1)}"
        change = Provision("change", str(number), label, "", anchor, paras[k].line)
        change_rec = Change("", {}, "", paras[k].line, number=number)
        change_texts = [text]
        item.children.append(change)
        amendment.changes.append(change_rec)
        if keyed:
            b = to_block(paras[k], keys(), "para", convert)
            blocks.append(b)
            for p in (group, item, change):
                if p is not None:
                    p.block_keys.append(b.key)
        else:  # the item's own paragraph holds the change
            change.block_keys.append(item.block_keys[0])
        quote = _quote_open(text)
        quote_line = paras[k].line
        if not _is_open(quote):
            finish_change()

    k = i
    while k < n:
        t = texts[k]
        if change is not None and _is_open(quote):  # inside the quoted new wording
            change_texts.append(t)
            b = to_block(paras[k], keys(), "para", convert)
            blocks.append(b)
            for p in (group, item, change):
                if p is not None:
                    p.block_keys.append(b.key)
            quote = _quote_open(t, quote)
            if not _is_open(quote):
                finish_change()
            k += 1
            continue
        m_item = ITEM.match(t)
        m_sub = SUB_ITEM.match(t)
        m_change = CHANGE.match(t)
        if m_item and mixed and not CLOSING.search(m_item.group(2)[:6]):
            finish_change()
            item = amendment = None
            number = cn_number(m_item.group(1))
            label = t[:m_item.start(2)].strip()
            group = Provision("heading", str(number), label, m_item.group(2).strip(), f"part-{number}",
                              paras[k].line, text=m_item.group(2).strip(), level=1)
            group_repeal = "废止" in m_item.group(2)
            provisions.append(group)
            b = to_block(paras[k], keys(), "heading", convert, level=2)
            blocks.append(b)
            group.block_keys.append(b.key)
            k += 1
            continue
        if m_item and one_rule is not None and _names_rule(m_item.group(2)) and not one_rule.children:
            # 一、《北京市A规定》（…）: the preamble's rule has an item of its own after all, which holds the changes
            amendments.remove(amendment)
            item = amendment = one_rule = None
        if m_item and item is not None and item is one_rule and not CLOSING.search(m_item.group(2)[:6]):
            start_change(k, cn_number(m_item.group(1)), t[:m_item.start(2)].strip(), m_item.group(2))
            k += 1
            continue
        named = m_item is not None and _names_rule(m_item.group(2), anywhere=True)
        if m_item and ((named or repeal_only) and not CLOSING.search(m_item.group(2)[:6])) and not mixed:
            k = new_item(k, cn_number(m_item.group(1)), t[:m_item.start(2)].strip(), m_item.group(2), repeal_only) + 1
            continue
        if m_sub and group is not None:
            k = new_item(k, cn_number(m_sub.group(1)), t[:m_sub.start(2)].strip(), m_sub.group(2), group_repeal) + 1
            continue
        if m_change and item is not None and not amendment.repeal:
            start_change(k, int(m_change.group(1)), t[:m_change.start(2)].strip(), m_change.group(2))
            k += 1
            continue
        m = m_change or m_sub
        if m and (repeal_only or (group is not None and group_repeal)) \
                and ("《" in m.group(2) or re.search(r"[（(][^）)]*(发布|公布|通过)", m.group(2))):
            num = int(m.group(1)) if m_change else cn_number(m.group(1))
            k = new_item(k, num, t[:m.start(2)].strip(), m.group(2), True) + 1
            continue
        if m_sub and item is not None and not amendment.repeal and not mixed:  # changes numbered （一）
            start_change(k, cn_number(m_sub.group(1)), t[:m_sub.start(2)].strip(), m_sub.group(2))
            k += 1
            continue
        # an unnumbered paragraph: the one change of an item, or the decision's closing words
        finish_change()
        if item is not None and not amendment.changes and CHANGE_VERB.search(t) and not CLOSING.search(t):
            start_change(k, 1, "", t)
            k += 1
            continue
        if CLOSING.search(t):
            item = amendment = group = None
        blocks.append(to_block(paras[k], keys(), "para", convert))
        one = _one_rule(t) if not amendments and group is None and not repeal_only else None
        if one:
            # its changes are top-level provisions (change-1 …), the amendment has no item of its own; the rule's
            # history it prints is the amendment's, as an item's is (which text of the rule its numbers are of)
            rule_title = re.sub(r"\s+", "", one[0])
            item = one_rule = Provision("amendment", "1", "", rule_title, "", paras[k].line,
                                        block_keys=[blocks[-1].key], text=rule_title)
            amendment = Amendment(rule_title, parse_history(one[1]) if one[1] else [], [], paras[k].line, number=1)
            amendments.append(amendment)
        k += 1
    if change is not None and _is_open(quote):
        report.error(path, quote_line, "a quotation opened in this change is never closed",
                     "the new wording between “ and ”")
    finish_change()
    if one_rule is not None:
        provisions.extend(one_rule.children)
    if not amendments and repeal_only:  # 等5部规章予以废止（目录附后）: the rules are the rows of its annex's table
        amendments.extend(_listed_repeals(att.parts, convert, report, path))
        m = re.search(r"等\s*(\d+|[一二三四五六七八九十]+)\s*[部项件]", title)
        listed = (int(m.group(1)) if m.group(1).isdigit() else cn_number(m.group(1))) if m else None
        if amendments and listed and listed != len(amendments):
            report.warn(path, paras[0].line, f"the title names {listed} rules, the annex's list {len(amendments)}",
                        "as many rows in the list as the title counts")
    if not amendments:
        report.error(path, paras[i].line if i < n else paras[-1].line,
                     "a decision that names no rule it amends or repeals",
                     "items such as 一、《北京市A办法》（…） followed by changes 1.删去第五条。")
    for part in att.parts:
        b, prov = attachment_part(part, keys, path, report, convert)
        blocks.extend(b)
        provisions.append(prov)
    return blocks, provisions, amendments


def change_anchor(item_anchor: str, number: int) -> str:
    """The anchor of a decision's change: item-2-change-3 (the third change of the rule its item 二、 names);
    change-3 in a decision amending one rule, whose items are its changes."""
    return f"{item_anchor}-change-{number}" if item_anchor else f"change-{number}"


def _listed_repeals(parts, convert=None, report: Report | None = None, path: str = "") -> list[Amendment]:
    """The rules a repeal decision lists in a table of its annex (序号 | 规章名称 | 发布日期及文号), each a repeal:
    the title from the column the heading row names 名称 (else the second), its 《》 off; its history from the
    cell with its decree (令第N号), read with the verb the heading gives (发布日期 -> 发布) where the cell has
    none. A numbered row without a name is a warning, not dropped without a word."""
    out: list[Amendment] = []
    for part in parts:
        verb, name_col = "发布", 1
        rows = [row for p in part.body if p.kind == "table" for row in _table_rows(p)]
        for line, row in rows:
            cells = [(convert or str)(normalize_text(c)).strip() for c in row.split("\t")]
            if not cells or not re.fullmatch(r"\d+", cells[0]):  # the heading row
                verb = next((v for v in ("公布", "发布") if any(v in c for c in cells)), verb)
                name_col = next((i for i, c in enumerate(cells) if "名称" in c), name_col)
                continue
            title = re.sub(r"^《(.*)》$", r"\1", cells[name_col]) if name_col < len(cells) else ""
            if not title:
                if report is not None:
                    report.warn(path, line, f"row {cells[0]} of the annex's list names no rule",
                                "序号, the rule's title, its decree")
                continue
            decree = next((c for i, c in enumerate(cells) if i not in (0, name_col) and re.search(r"令第\s*\d+\s*号", c)),
                          "")
            printed_verb = bool(re.search("发布|公布", decree))
            history = parse_history(f"（{decree}{'' if printed_verb else verb}）") if decree else []
            if not printed_verb:
                for h in history:
                    h.text = decree  # as printed: the verb is the heading's
            out.append(Amendment(title, history, [Change("repeal", {}, "", line, source=row.strip())], line,
                                 number=int(cells[0]), anchor=part.anchor, repeal=True))
    return out


def _table_rows(p: Para) -> list[tuple[int, str]]:
    """(line, row) of each row of a table paragraph: a reader's paragraph is one row, on its first line (its
    ``lines`` are those the row runs over); a table block's (``DecisionKind.structure``) has a row a line of its
    text, and in ``lines`` the line each row starts on."""
    rows = p.text.split("\n")
    starts = p.lines if len(p.lines) == len(rows) else [p.line + k for k in range(len(rows))]
    return list(zip(starts, rows))


def _remap(provisions, keys: dict) -> None:
    for p in provisions:
        p.block_keys = [keys.get(k, k) for k in p.block_keys]
        _remap(p.children, keys)


class DecisionKind(CircularKind):
    """An amendment or repeal decision (关于修改/废止…的决定) with a document number of its own: each item names
    the rule it changes (with that rule's history) and each change the provision it deletes or rewrites.
    (A decision that a decree promulgates is read with the decree: ``decree.py``.)"""

    name, schemes = "decision", ()
    label = "amendment or repeal decision"
    expected = ""

    def detect(self, text: str) -> bool:
        return super().detect(text) and bool(re.search(r"关于.{0,80}(修改|废止).{0,80}的决定", re.sub(r"\s+", "", text[:300])))

    def detect_document(self, paras, texts) -> bool:
        return super().detect_document(paras, texts) and bool(
            DECISION_TITLE.search("".join(texts[:3])))

    def structure(self, doc, path: str, rep) -> None:
        doc.kind = "decision"
        text_blocks = [b for b in doc.blocks if b.kind not in ("number", "addressee", "signature", "date", "footer",
                                                               "note", "issuer", "issuer-en")]
        # a table block's paragraph lists the line each of its rows starts on (_listed_repeals names them)
        paras = [Para(b.text, b.line, b.line, b.row_lines or [b.line], kind="table") if b.kind == "table"
                 else Para(b.text, b.line, b.line, kind="para") for b in text_blocks]
        blocks, provisions, amendments = parse_decision(paras, path, rep)
        by_line = {b.line: b.key for b in text_blocks}
        _remap(provisions, {b.key: by_line.get(b.line, b.key) for b in blocks})
        doc.provisions, doc.amendments = provisions, amendments


KIND = DecisionKind()
