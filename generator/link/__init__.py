"""Cross-references. Each rule is a function ``rule(corpus) -> list[Link]``;
links carry a kind, a score and their evidence. Editors' overrides
(content/links.yaml) are applied last."""
from __future__ import annotations

import hashlib
from operator import attrgetter
from pathlib import Path

from ..cache.store import load_pickle, save_pickle
from .. import kinds
from ..errors import Report
from ..paths import Paths
from ..model import Corpus
from ..parallel import fork_map
from .citations import citation_links
from .overrides import apply_overrides
from .rules import RULES


def _rules_key(corpus: Corpus, root: Path) -> str | None:
    """What the rules read: task lists, reports, livelihood lists, progress tables and the departments
    (from the glossary), never a gazette's other documents. So their links are keyed by the generator's
    code, the glossary and the sources those items were parsed from; adding a gazette issue keeps the key."""
    from ..cache import code_fingerprint

    if not corpus.source_keys:
        return None
    files = set().union(*kinds.structured_sources(corpus).values())
    h = hashlib.sha256(code_fingerprint().encode())
    for f in sorted(files):
        h.update(f"{f}\0{corpus.source_keys.get(f, '?')}\n".encode())
    glossary = Paths(root).glossary
    for g in sorted(glossary.glob("*")) if glossary.is_dir() else []:
        if g.is_file():
            h.update(g.name.encode() + b"\0" + g.read_bytes())
    h.update(repr(sorted(corpus.units)).encode())
    return h.hexdigest()


def rule_links(corpus: Corpus, root: Path, cache: bool = True) -> list:
    """Every rule's links, from .cache/links/ when their inputs (``_rules_key``) are unchanged."""
    key = _rules_key(corpus, root) if cache else None
    path = Paths(root).cached("links") / f"{key}.pickle" if key else None
    if path is not None and path.is_file():
        cached = load_pickle(path)  # None when damaged: link again
        if cached is not None:
            return cached
    links = _best(l for found in _run_rules(corpus) for l in found)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("*.pickle"):  # one entry: the archive's current state
            old.unlink(missing_ok=True)
        save_pickle(path, links)
    return links


PARALLEL_MIN_JOBS = 9  # fewer (the seed site has four): forking costs more than it saves


def _rule_job(corpus: Corpus, job) -> list:
    rule, shard = job
    return rule(corpus) if shard is None else rule(corpus, shard)


def _run_rules(corpus: Corpus) -> list[list]:
    """Every rule's links, in the order of RULES. A rule with ``shards`` runs one shard at a time; on a
    long archive (more than a handful of jobs) the jobs run on all cores, in forked workers that inherit
    the corpus. The result does not depend on the split: ``_best`` sorts the links."""
    jobs = []
    for rule in RULES:
        shards = getattr(rule, "shards", None)
        jobs.extend([(rule, s) for s in shards(corpus)] if shards else [(rule, None)])
    return fork_map(_rule_job, corpus, jobs, min_items=PARALLEL_MIN_JOBS)


def link_corpus(corpus: Corpus, root: Path, rep: Report) -> None:
    """The rules' links (cached by what they read), the citations between documents (resolved each build:
    index look-ups), then the editors' overrides."""
    links = rule_links(corpus, root)
    cited, corpus.citations = citation_links(corpus)
    links = _best(links + cited) if cited else links
    out = apply_overrides(links, corpus, Path(root), rep)
    corpus.links = links if out is links else _best(out)


def _best(links) -> list:
    """One link per (src, dst, kind), the best evidence kept, sorted by (src, dst, kind)."""
    best = {}
    for l in links:
        k = (l.src, l.dst, l.kind)
        if k not in best or l.score > best[k].score:
            best[k] = l
    return sorted(best.values(), key=attrgetter("src", "dst", "kind"))
