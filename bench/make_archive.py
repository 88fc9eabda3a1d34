"""Make a synthetic multi-year archive from the seed documents.

Each year gets a work report, a livelihood-project list, gazette issues (the
first carries that year's priority task list; later issues carry the other five
documents renumbered) and district progress tables for several districts. All
text is the seeds' own, with years, issue numbers, document numbers and
district names rewritten, so every reader and link rule runs on real layouts.

    python bench/make_archive.py OUT --years 25 --issues 40 --districts 8
"""
from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "content" / "sources"

DOC_NUMBERS = ["京政办发〔2026〕4号", "京商流通字〔2026〕2号", "京商函字〔2026〕125号", "京商电商字〔2026〕6号",
               "京商消一字〔2026〕5号"]
DISTRICTS = ["大兴区", "朝阳区", "海淀区", "丰台区", "通州区", "顺义区", "昌平区", "房山区", "门头沟区", "怀柔区",
             "平谷区", "密云区", "延庆区", "石景山区", "东城区", "西城区"]


def _renumber_docs(text: str, year: int, offset: int) -> str:
    """Give the five non-task-list documents of an issue new serial numbers."""
    for num in DOC_NUMBERS:
        prefix, serial = re.match(r"^(.+?)〔2026〕(\d+)号$", num).groups()
        new = int(serial) + offset
        # Chinese forms, also with the PDF's stray space ("2 号")
        text = re.sub(f"{prefix}〔{year}〕\\s*{serial}\\s*号", f"{prefix}〔{year}〕{new}号", text)
    # English TOC: "(Jingshangliutongzi〔2026〕No. 2)" and "[2026]No. 1"
    def en(m):
        return f"{m.group(1)}{m.group(2)}No. {int(m.group(3)) + offset}"
    text = re.sub(r"(Jing[a-z]+)([〔\[]\d{4}[〕\]])\s*No\.\s*(\d+)", en, text)
    return text


def _years(text: str, year: int) -> str:
    """The seeds' 2026 as ``year`` and 2025 as the year before, in one pass (two replacements in a row turned
    the year 2025's texts into 2024's, and gave every issue of a year the same document numbers)."""
    return re.sub(r"202[56]", lambda m: str(year) if m.group(0) == "2026" else str(year - 1), text)


def gazette(year: int, issue: int, total: int, with_tasklist: bool) -> str:
    text = _years((SEEDS / "2026-gazette-12.txt").read_text("utf-8"), year)
    text = re.sub(r"第 12 期 \(总第 936 期\)", f"第 {issue} 期 (总第 {total} 期)", text)
    text = re.sub(r"(\d{4}年\d{1,2}月\d{1,2}日) 第12期", lambda m: f"{m.group(1)} 第{issue}期", text)
    text = text.replace("Issue No. 12", f"Issue No. {issue}")
    if not with_tasklist:
        # the same circular layout, but not a second task list for the year
        text = text.replace("重点任务清单", "重点任务安排")
        text = re.sub(f"京政发〔{year}〕1号", f"京政发〔{year}〕{issue * 10 + 1}号", text)
        text = re.sub(r"Jingzhengfa\[(\d{4})\]No\. 1\)", lambda m: f"Jingzhengfa[{m.group(1)}]No. {issue * 10 + 1})", text)
    if issue > 1:
        text = _renumber_docs(text, year, issue * 1000)
    return text


def make(out: Path, years: int, issues: int, districts: int, last_year: int = 2026, english: bool = True) -> dict:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(ROOT / "themes", out / "themes")
    (out / "content").mkdir(parents=True)
    for d in ("glossary", "notes"):
        shutil.copytree(ROOT / "content" / d, out / "content" / d)
    shutil.copy(ROOT / "content" / "site.yaml", out / "content" / "site.yaml")
    src = out / "content" / "sources"
    src.mkdir()
    report = (SEEDS / "2026-work-report.txt").read_text("utf-8")
    livelihood = (SEEDS / "2026-livelihood-projects.txt").read_text("utf-8")
    progress = (SEEDS / "2025-daxing-progress.txt").read_text("utf-8")
    total = 1000
    count = {"gazette": 0, "report": 0, "livelihood": 0, "progress": 0}
    first = last_year - years + 1
    for year in range(first, last_year + 1):
        y = str(year)
        (src / f"{y}-work-report.txt").write_text(_years(report, year), "utf-8")
        (src / f"{y}-livelihood-projects.txt").write_text(livelihood.replace("2026", y), "utf-8")
        count["report"] += 1
        count["livelihood"] += 1
        for k in range(1, issues + 1):
            total += 1
            (src / f"{y}-gazette-{k:03d}.txt").write_text(gazette(year, k, total, k == 1), "utf-8")
            count["gazette"] += 1
        for d in DISTRICTS[:districts]:
            text = progress.replace("2025", str(year - 1)).replace("大兴区", d)
            (src / f"{year - 1}-{d}-progress.txt").write_text(text, "utf-8")
            count["progress"] += 1
    # district-level units of the other districts: same names, their own district
    gl_path = out / "content" / "glossary" / "units.yaml"
    gl = yaml.safe_load(gl_path.read_text("utf-8"))
    slugs = {d["zh"]: d["slug"] for d in gl["districts"]}
    dax = [u for u in gl["units"] if u.get("district") == "daxing" and "大兴" not in u["zh"]]
    for d in DISTRICTS[1:districts]:
        for u in dax:
            # a list of its own (not the Daxing unit's): a shared one would be dumped as a YAML alias, which
            # the glossary refuses
            gl["units"].append({**u, "aliases": list(u.get("aliases") or []), "district": slugs[d],
                                "en": u["en"].replace("Daxing District", f"{d} District")})
    gl_path.write_text(yaml.safe_dump(gl, allow_unicode=True, sort_keys=False), "utf-8")
    if english:
        shutil.copytree(ROOT / "content" / "translations", out / "content" / "translations")
        names = {d["slug"]: (d["zh"], d["en"]) for d in gl["districts"]}
        count["english"] = bilingual(out, names)
        shutil.rmtree(out / ".cache", ignore_errors=True)  # the benchmark's first build parses cold
    return count


# ------------------------------------------------------------------ English: the seed catalogs, rewritten
_YEAR_TOKENS = ("\u27e8Y\u27e9", "\u27e8P\u27e9")  # ⟨Y⟩ the year, ⟨P⟩ the year before
_CN_NUMBER = re.compile(r"(〔(?:\u27e8[YP]\u27e9|\d{4})〕\s*)(\d+)(\s*号)")
_EN_NUMBER = re.compile(r"([\[〔](?:\u27e8[YP]\u27e9|\d{4})[\]〕]\s*No\.\s*)(\d+)")
_TASK_LINE = re.compile(r"^(\d+)\.\s*(.+)$", re.S)


def _year_tokens(text: str, year: int) -> str:
    return text.replace(str(year), _YEAR_TOKENS[0]).replace(str(year - 1), _YEAR_TOKENS[1])


def _untokenize_years(text: str, year: int) -> str:
    return text.replace(_YEAR_TOKENS[0], str(year)).replace(_YEAR_TOKENS[1], str(year - 1))


def _template(zh: str, year: int, district: str | None) -> tuple[str, list[str]]:
    """A segment's Chinese as a lookup key: its year, the year before, its district and document serial numbers
    replaced by placeholders; and the serial numbers it had."""
    t = _year_tokens(zh, year).replace("重点任务安排", "重点任务清单")
    if district:
        t = t.replace(district, "\u27e8D\u27e9")
    numbers = [m.group(2) for m in _CN_NUMBER.finditer(t)]
    return _CN_NUMBER.sub(lambda m: m.group(1) + "\u27e8N\u27e9" + m.group(3), t), numbers


def bilingual(project: Path, districts: dict) -> dict:
    """Catalogs for the archive, so that its English pages show English: every segment the archive's pages ask
    for (found by the generator's own i18n recorder) gets the English of the seed segment it was made from, with
    its year, district and document numbers put back. A task line of a task-list circular that is not parsed
    as a task list (every issue but a year's first) gets its task's English with its number; a lead-units line
    gets the units' English names. Returns (segments, translated)."""
    import sys as _sys

    _sys.path.insert(0, str(ROOT))
    from generator.fileio import atomic_write
    from generator.build import load_all
    from generator.i18n.catalog import Entry, Provenance, Translator, catalog_bytes, load_catalogs, source_hash
    from generator.paths import catalogs
    from generator.translate import FAMILY_FILES, _requested

    seed = load_catalogs(ROOT, "en")
    import unicodedata

    nfkc = lambda x: unicodedata.normalize("NFKC", x)  # noqa: E731
    glossary = yaml.safe_load((ROOT / "content" / "glossary" / "units.yaml").read_text("utf-8"))
    unit_en = {}
    for u in glossary["units"]:
        for name in [u["zh"], *u.get("aliases", [])]:
            unit_en.setdefault(nfkc(name), u["en"])
    # task-list headings (一、… （四）…): their English is in the glossary, by number
    headings = {}
    for family, entries in (yaml.safe_load((ROOT / "content" / "glossary" / "headings.yaml").read_text("utf-8"))
                            or {}).items():
        for num, e in (entries.items() if isinstance(entries, dict) else ()):
            if isinstance(e, dict) and e.get("zh") and e.get("en"):
                headings[nfkc(str(e["zh"])).strip()] = e["en"]
    table: dict[str, str] = {}
    for key, entry in seed.entries.items():
        zh, en = entry.zh, entry.text
        if not en:
            continue
        t, numbers = _template(zh, 2026, "大兴区" if key.startswith("progress/") else None)
        e = _year_tokens(en, 2026)
        if key.startswith("progress/"):
            e = e.replace("Daxing", "\u27e8D\u27e9")
        it = iter(numbers)
        e = _EN_NUMBER.sub(lambda m: m.group(1) + ("\u27e8N\u27e9" if next(it, None) is not None else m.group(2)), e)
        table.setdefault(t, e)
    config, glossary, corpus, _, _ = load_all(project)
    recorder = Translator("en", record_requests=True)
    segments = _requested(config, glossary, corpus, {"en": recorder})["en"]
    by_file: dict[str, list] = {}
    done = 0
    for key, (zh, fam) in segments.items():
        m = re.search(r"(\d{4})", key)
        year = int(m.group(1)) if m else 2026
        if key.startswith("progress/"):
            year += 1  # the table of year Y-1 was made from the seed's 2025 table, in the archive's year Y
        district = None
        dm = re.match(r"progress/\d{4}/([a-z]+)/", key)
        if dm:
            district = districts.get(dm.group(1))
        t, numbers = _template(zh, year, district[0] if district else None)
        en = table.get(t)
        if en is None and (tm := _TASK_LINE.match(zh.strip())):  # "20. 促进…" in a circular's attachment
            inner = table.get(_template(tm.group(2), year, None)[0])
            en = f"{tm.group(1)}. {inner}" if inner else None
        if en is None and zh.startswith("主责单位："):  # units are separated by "，" (a name may hold "、")
            names = [nfkc(n).strip() for n in re.split(r"[，,]", zh[len("主责单位："):].strip())]
            en = "Lead units: " + "; ".join(unit_en.get(n, n) for n in names)
        if en is None and (hm := re.match(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*(.+)$", zh.strip())):
            head = headings.get(nfkc(hm.group(2)).strip())
            if head:
                en = head
        if en is not None:
            it = iter(numbers)
            en = en.replace("\u27e8N\u27e9", "{N}")
            while "{N}" in en:
                en = en.replace("{N}", next(it, "?"), 1)
            en = _untokenize_years(en, year)
            if district:
                en = en.replace("\u27e8D\u27e9", district[1].replace(" District", ""))
            done += 1
        by_file.setdefault(FAMILY_FILES.get(fam, "other.po"), []).append(
            (key, Entry(zh, en or "", source_hash(zh), "", 0, Provenance(), False, [])))
    (project / catalogs("en")).mkdir(parents=True, exist_ok=True)
    for name, segs in sorted(by_file.items()):
        atomic_write(project / catalogs("en") / name, catalog_bytes(segs, "en"))
    return {"segments": len(segments), "translated": done}


def extra_issue(out: Path, year: int, issue: int) -> Path:
    """One more gazette issue, as a new file (the incremental-build step)."""
    p = out / "content" / "sources" / f"{year}-gazette-{issue:03d}.txt"
    p.write_text(gazette(year, issue, 9000 + issue, False), "utf-8")
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--years", type=int, default=25)
    ap.add_argument("--issues", type=int, default=40)
    ap.add_argument("--districts", type=int, default=8)
    a = ap.parse_args()
    print(make(a.out, a.years, a.issues, a.districts))


if __name__ == "__main__":
    main()
