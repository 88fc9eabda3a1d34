"""Reader for a government decree (政府令): the head ``北京市人民政府令`` / ``第330号`` (one line or two;
Traditional ``第330號`` alike), the promulgation sentence (《…》已经2026年3月3日市人民政府第85次常务会议审议
通过，现予公布，自2026年5月1日起施行。), the mayor's signature (``市长 殷勇``, spaces inside the name
allowed) and date, then the promulgated text: a rules text (``rules.parse_rules``) or an amendment or
repeal decision (``decision.parse_decision``).

Id scheme: ``decree/<N>`` (``decree/330``); cited as 北京市人民政府令第330号 (also 政府令〔2026〕330号,
第330号令: see ``citations``); in English "Decree No. 330 of the Beijing Municipal People's Government"
(the form is the theme's ``citation_forms.decree``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Report
from ..model import Amendment, Block, Document, HistoryEntry, Origin, Provision
from ..normalize import Para, to_simplified
from .base import DocumentKind, Reading, opening_paragraphs, read_single
from .text import DATE_RE, DECISION_TITLE, Keys, is_date_line, parse_date, simplified, to_block
from .. import ids

HEAD = re.compile(r"^(?P<issuer>\S{2,20}?(?:人民政府|政府))\s*令$")
HEAD_NUMBER = re.compile(r"^(?P<issuer>\S{2,20}?(?:人民政府|政府))\s*令\s*[（(]?\s*第\s*(?P<n>\d+)\s*号\s*[）)]?$")
NUMBER = re.compile(r"^[（(]?\s*第\s*(?P<n>\d+)\s*号\s*[）)]?$")
SIGNATURE = re.compile(r"^(?P<title>代理市长|代市长|常务副市长|副市长|市长)\s*(?P<name>[\u4e00-\u9fff·•]{2,8})"
                       r"\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?$")
MEETING = re.compile(r"已经\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)?\s*(?P<meeting>[^，,。]*?会议)\s*"
                     r"(?:审议)?通过")
EFFECTIVE = re.compile(r"自\s*(?P<when>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|公布之日|发布之日)\s*起\s*施行")
RULES_TITLE = re.compile(r"(办法|规定|细则|条例|规则|规程)$")


@dataclass
class DecreeParse:
    number: int
    id: str  # decree/330
    citation: str  # 北京市人民政府令第330号
    issuer: str  # 北京市人民政府
    date: str  # ISO date of signature
    signer: str  # 殷勇
    signer_title: str  # 市长
    titles: list[str]  # the promulgated titles, as the sentence names them
    meeting: str = ""  # 市人民政府第85次常务会议
    adopted: str = ""  # ISO date of that meeting
    effective: str = ""  # ISO date the promulgated text takes effect
    effective_text: str = ""  # as printed: 2026年5月1日, 公布之日
    blocks: list[Block] = field(default_factory=list)  # the decree itself
    rest: list[Para] = field(default_factory=list)  # the promulgated text
    text_kind: str = ""  # decision | rules | "" (what the promulgated text is, from its title)


def _same_title(a: str, b: str) -> bool:
    """Whether a title named in the decree is the text's title (or its first line, when the title wraps);
    a title inside a title is 〈…〉 in one and 《…》 in the other."""
    def norm(t):
        return re.sub(r"\s+", "", t).replace("〈", "《").replace("〉", "》")
    return norm(a) == norm(b) or (len(norm(b)) >= 8 and norm(a).startswith(norm(b)))


def citation_en(number: int, forms: dict) -> str:
    """English citation of a decree; ``forms`` is the theme's ``citation_forms`` (en)."""
    return forms["decree"].format(n=number)


def text_kind(title: str) -> str:
    t = re.sub(r"\s+", "", title)
    if DECISION_TITLE.search(t):
        return "decision"
    if RULES_TITLE.search(t):
        return "rules"
    return ""


def is_decree(paras: list[Para], convert=None) -> bool:
    """Whether a text starts with a decree head (北京市人民政府令)."""
    for p in paras[:2]:
        t = simplified(p, convert)
        if HEAD.match(t) or HEAD_NUMBER.match(t):
            return True
    return False


def parse_decree(paras: list[Para], path: str, report: Report, convert=None, *, key_start: int = 0) -> DecreeParse:
    """Read the decree at the start of ``paras``; its ``rest`` is the promulgated text (see the module
    docstring). Problems are errors in ``report`` naming the line."""
    keys = Keys(key_start)
    texts = [simplified(p, convert) for p in paras]
    blocks: list[Block] = []
    n = len(paras)
    first_line = paras[0].line if paras else 1
    number, issuer, i = 0, "", 0
    if n and (m := HEAD_NUMBER.match(texts[0])):
        issuer, number = m.group("issuer"), int(m.group("n"))
        blocks.append(to_block(paras[0], keys(), "title", convert, level=1))
        i = 1
    elif n and (m := HEAD.match(texts[0])):
        issuer = m.group("issuer")
        blocks.append(to_block(paras[0], keys(), "title", convert, level=1))
        i = 1
        if i < n and (m2 := NUMBER.match(texts[i])):
            number = int(m2.group("n"))
            blocks.append(to_block(paras[i], keys(), "number", convert))
            i += 1
        else:
            report.error(path, paras[i].line if i < n else first_line,
                         f"a government decree ({issuer}令) without its number",
                         f"a line 第N号 right under {issuer}令")
    else:
        report.error(path, first_line, "not a government decree: no head 北京市人民政府令 at the top",
                     "北京市人民政府令 then 第N号")
        return DecreeParse(0, "", "", "", "", "", "", [], rest=list(paras))
    # the promulgation sentence(s), up to the signature
    sig = next((k for k in range(i, min(n, i + 8)) if SIGNATURE.match(texts[k])), None)
    if sig is None:
        report.error(path, paras[i].line if i < n else first_line, "a decree without the mayor's signature",
                     "a line 市长 <name> (then the date) after the promulgation sentence")
        sig = i + 1 if i < n else i
    sentence = "".join(texts[i:sig])
    for k in range(i, sig):
        blocks.append(to_block(paras[k], keys(), "para", convert))
    titles = [t for t in re.findall(r"《((?:[^《》]|《[^《》]*》)+)》", sentence)]
    if not titles:
        report.error(path, paras[i].line if i < n else first_line, "the decree does not name what it promulgates",
                     "《…》已经…常务会议审议通过，现予公布，自…起施行。")
    meeting = MEETING.search(sentence)
    eff = EFFECTIVE.search(sentence)
    if not eff and titles:
        report.warn(path, paras[i].line, "the decree does not say when the text takes effect", "自…起施行")
    signer, signer_title, date = "", "", ""
    j = sig
    if sig < n and (sm := SIGNATURE.match(texts[sig])):
        signer, signer_title = sm.group("name"), sm.group("title")
        blocks.append(to_block(paras[sig], keys(), "signature", convert))
        j = sig + 1
        if sm.group("date"):
            date = parse_date(sm.group("date"))
        elif j < n and is_date_line(texts[j]):
            date = parse_date(texts[j])
            blocks.append(to_block(paras[j], keys(), "date", convert))
            j += 1
        else:
            report.error(path, paras[sig].line, "the decree's signature is not followed by its date",
                         "a line 2026年3月10日 under 市长 <name>")
    effective_text = re.sub(r"\s+", "", eff.group("when")) if eff else ""
    effective = parse_date(effective_text) if eff and DATE_RE.match(effective_text) else (date if eff else "")
    rest = list(paras[j:])
    kind = ""
    if rest:
        first_title = simplified(rest[0], convert)
        kind = text_kind(first_title) or (text_kind(titles[0]) if titles else "")
        if titles and not any(_same_title(t, first_title) for t in titles):
            report.warn(path, rest[0].line, f"the text after the decree is titled {first_title[:40]!r}, "
                        f"the decree promulgates {titles[0][:40]!r}", "the promulgated title as the text's title")
    elif titles:
        report.warn(path, paras[-1].line if paras else 1, "the decree is not followed by the text it promulgates",
                    f"the text of 《{titles[0][:30]}》 after the date")
    return DecreeParse(
        number=number, id=ids.format_id("decree", number) if number else "", citation=f"{issuer}令第{number}号" if number else "",
        issuer=issuer, date=date, signer=signer, signer_title=signer_title, titles=titles,
        meeting=meeting.group("meeting") if meeting else "",
        adopted=parse_date(meeting.group("date") or "") if meeting else "",
        effective=effective, effective_text=effective_text, blocks=blocks, rest=rest, text_kind=kind)


@dataclass
class DecreeDocument:
    """A decree with its promulgated text read: the decree, every block in order (keys unique), the
    provisions of the promulgated text, the rule's history or the decision's amendments."""

    decree: DecreeParse
    blocks: list[Block]
    provisions: list[Provision]
    title: str
    history: list[HistoryEntry] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)


def parse_decree_document(paras: list[Para], path: str, report: Report, convert=None) -> DecreeDocument:
    """``parse_decree``, then the promulgated text as a rules text or a decision."""
    from .decision import parse_decision
    from .rules import parse_rules

    d = parse_decree(paras, path, report, convert)
    blocks = list(d.blocks)
    if not d.rest:
        return DecreeDocument(d, blocks, [], d.titles[0] if d.titles else "")
    if d.text_kind == "decision":
        b, provs, amendments = parse_decision(d.rest, path, report, convert, key_start=len(blocks))
        title = "".join(x.text for x in b if x.kind == "title")
        return DecreeDocument(d, blocks + b, provs, title, amendments=amendments)
    if d.text_kind != "rules":
        report.error(path, d.rest[0].line, f"cannot tell what the decree promulgates: {simplified(d.rest[0], convert)[:40]!r}",
                     "a rules text (…办法, …规定, …条例) or a decision (…关于修改/废止…的决定)")
    b, provs, history, title = parse_rules(d.rest, path, report, convert, key_start=len(blocks))
    return DecreeDocument(d, blocks + b, provs, title, history=history)


class DecreeKind(DocumentKind):
    """A government decree (政府令) with the text it promulgates (a rules text, or a decision amending or
    repealing rules), as one document: id ``decree/<N>``, cited 北京市人民政府令第N号."""

    name, schemes = "decree", ("decree",)
    label = "government decree"
    expected = "government decree (北京市人民政府令 / 第N号)"

    def detect(self, text: str) -> bool:
        paras = opening_paragraphs(text, 60)
        return is_decree(paras[:3], to_simplified) or is_decree(paras[:3])

    def detect_document(self, paras, texts) -> bool:
        return is_decree(paras[:3], to_simplified)

    def read(self, src, rep, ctx) -> Reading:
        return read_single(self, src, rep, ctx)

    def read_document(self, paras, path: str, rep, ctx, *, title_hint: str | None = None, **_):
        dd = parse_decree_document(paras, path, rep, ctx.convert)
        d = dd.decree
        title = dd.title or (d.titles[0] if d.titles else d.citation)
        doc = Document(id=d.id or "decree/0", number=d.citation, slug=str(d.number), year=int(d.date[:4]) if d.date else 0,
                       title=title, kind="decree", issuers=[d.issuer] if d.issuer else [], date=d.date,
                       blocks=dd.blocks, origins=[Origin(path, paras[0].line, paras[-1].end_line)],
                       provisions=dd.provisions, history=dd.history, amendments=dd.amendments, effective=d.effective)
        doc.meta.update({k: v for k, v in (("signer", f"{d.signer_title} {d.signer}".strip()), ("meeting", d.meeting),
                                           ("adopted", d.adopted), ("promulgates", d.text_kind)) if v})
        return doc, None

    def number_en(self, d, v=None) -> str:
        n = int(d.slug) if d.slug.isdigit() else 0
        return citation_en(n, v.ui["en"]["citation_forms"]) if v is not None and n else ""

    def page_context(self, v, d, lang: str) -> dict:
        """The decree's promulgation: when it was adopted and takes effect, who signed it, what it promulgates."""
        ui = v.ui[lang]
        facts = []
        if d.meta.get("adopted"):
            facts.append({"label": ui["decree_adopted"], "value": v.date(d.meta["adopted"], lang)})
        if d.effective:
            facts.append({"label": ui["decree_effective"], "value": v.date(d.effective, lang)})
        return {"facts": facts}

    def file_name(self, corpus, src) -> str:
        d = next(d for d in corpus.documents.values() if any(o.file == src.path for o in d.origins))
        return f"{d.year}-decree-{d.slug}.txt"


KIND = DecreeKind()
