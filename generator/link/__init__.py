"""Cross-references. Each rule is a function ``rule(corpus) -> list[Link]``;
links carry a kind, a score and their evidence. Editors' overrides
(content/links.yaml) are applied last."""
from __future__ import annotations

from pathlib import Path

from ..errors import Report
from ..model import Corpus
from .rules import RULES


def link_corpus(corpus: Corpus, root: Path, rep: Report) -> None:
    links = []
    for rule in RULES:
        links.extend(rule(corpus))
    from .overrides import apply_overrides

    links = apply_overrides(links, corpus, Path(root), rep)
    # one link per (src, dst, kind): keep the best evidence
    best = {}
    for l in links:
        k = (l.src, l.dst, l.kind)
        if k not in best or l.score > best[k].score:
            best[k] = l
    corpus.links = sorted(best.values(), key=lambda l: (l.src, l.dst, l.kind))
