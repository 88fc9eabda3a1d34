"""Replies (批复): a document with a 发文字号 (read by the circular reader: title …的批复, number, addressee),
whose first paragraph names the request it answers: ``你委《关于…的请示》（京发改〔2026〕5号）收悉。现批复
如下：`` (also 你局报来的《…》收悉, 你们…的请示收悉, a request without a number), then the body, often
numbered points 一、 二、 (provisions as in ``structure``).

``parse_reply(blocks)`` finds the request (its title, its number, the citation target, the line) and the
provisions of the body.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Report
from .circular import CircularKind
from ..model import Block, Citation, Provision
from .citations import find_citations
from .structure import NOT_BODY, parse_provisions

RECEIVED = re.compile(r"收悉")


@dataclass
class ReplyParse:
    request_title: str  # 关于…的请示
    request_number: str  # 京发改〔2026〕5号 ("" when the reply gives none)
    request_target: str  # citation key: doc:京发改〔2026〕5号, or title:关于…的请示
    line: int
    citation: Citation | None = None
    provisions: list[Provision] = field(default_factory=list)


def parse_reply(blocks: list[Block], path: str = "", report: Report | None = None) -> ReplyParse:
    body = [b for b in blocks if b.kind not in NOT_BODY]
    provisions = parse_provisions(body, path, report)
    first = next((b for b in body[:3] if RECEIVED.search(b.text)), None)
    if first is None:
        if report is not None:
            line = body[0].line if body else (blocks[0].line if blocks else 1)
            report.error(path, line, "a reply (批复) that does not name the request it answers",
                         "你委《关于…的请示》（…〔2026〕N号）收悉 in its first paragraph")
        return ReplyParse("", "", "", 0, provisions=provisions)
    head = first.text[:RECEIVED.search(first.text).start()]
    cites = find_citations(head, first.line)
    cite = next((c for c in cites if c.kind in ("title", "doc")), None)
    title, number = "", ""
    if cite is not None:
        m = re.match(r"《(.+?)》", cite.text, re.S)
        title = m.group(1) if m else ""
        if cite.target.startswith("doc:"):
            number = cite.target[4:]
    else:  # 你们关于…的请示收悉: a request named without 《》
        m = re.search(r"(关于.+?的(?:请示|报告|函))", head)
        title = m.group(1) if m else ""
        if not title and report is not None:
            report.warn(path, first.line, "the request this reply answers is not named",
                        "《关于…的请示》 before 收悉")
    target = cite.target if cite is not None else (f"title:{title}" if title else "")
    return ReplyParse(title, number, target, first.line, cite, provisions)


class ReplyKind(CircularKind):
    """A reply (批复): a numbered document whose first paragraph names the request it answers; its numbered
    points are provisions, and the request it answers is a citation (``reply_to`` in its metadata)."""

    name, schemes = "reply", ()
    label = "reply (批复)"
    expected = ""

    def detect(self, text: str) -> bool:
        head = re.sub(r"\s+", "", text[:600])
        return super().detect(text) and bool(re.search(r"的批复", head)) and "收悉" in text[:3000]

    def detect_document(self, paras, texts) -> bool:
        return super().detect_document(paras, texts) and any(t.endswith("的批复") for t in texts[:4])

    def structure(self, doc, path: str, rep) -> None:
        doc.kind = "reply"
        r = parse_reply(doc.blocks, path, rep)
        doc.provisions = r.provisions
        if r.request_target:
            doc.meta["reply_to"] = r.request_target
            doc.meta["reply_to_title"] = r.request_title


KIND = ReplyKind()
