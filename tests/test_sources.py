"""Issue 2: every seed parsed into its real structure, with exact counts."""
from __future__ import annotations

import pytest

from generator.normalize import compact
from generator.sources import detect_kind


def test_kinds_detected_from_text_not_names(root):
    kinds = {}
    for p in sorted((root / "content" / "sources").glob("*.txt")):
        kinds[p.name] = detect_kind(p.read_text("utf-8"))
    assert kinds == {
        "2025-daxing-progress.txt": "progress",
        "2026-gazette-12.txt": "gazette",
        "2026-livelihood-projects.txt": "livelihood",
        "2026-task-list-excerpt.txt": "tasklist",
        "2026-work-report.txt": "report",
    }


def test_gazette_issue_and_toc(corpus):
    g = corpus.gazettes["gazette/2026/12"]
    assert (g.year, g.number, g.total_number, g.date) == (2026, 12, 936, "2026-03-27")
    assert g.sponsor == "北京市人民政府办公厅主办"
    assert len(g.toc) == 6
    first = g.toc[0]
    assert first.category_zh == "市政府文件"
    assert first.category_en == "Documents of Beijing Municipal Government"
    assert first.title_zh == "北京市人民政府关于印发《2026年市政府工作报告重点任务清单》的通知"
    assert first.title_en.startswith("Circular of Beijing Municipal Government on Issuing the")
    assert first.number_zh == "京政发〔2026〕1号" and first.number_en == "Jingzhengfa[2026]No. 1"
    assert [e.page for e in g.toc] == [5, 92, 100, 108, 117, 121]
    assert [e.number_zh for e in g.toc] == ["京政发〔2026〕1号", "京政办发〔2026〕4号", "京商流通字〔2026〕2号",
                                            "京商函字〔2026〕125号", "京商电商字〔2026〕6号", "京商消一字〔2026〕5号"]
    # a TOC entry written on one line with its number and page
    assert g.toc[3].title_zh == "北京市商务局关于印发《北京市2026年家电以旧换新、数码和智能产品购新补贴实施细则》的通知"
    assert g.toc[2].title_en.endswith("Trade-In of Vehicles in Beijing”")


def test_gazette_documents_split(corpus):
    g = corpus.gazettes["gazette/2026/12"]
    docs = [corpus.documents[d] for d in g.documents]
    assert [d.date for d in docs] == ["2026-02-10", "2026-01-28", "2026-02-05", "2026-02-06", "2026-02-10", "2026-02-11"]
    assert docs[0].issuers == ["北京市人民政府"]
    assert docs[1].issuers == ["北京市人民政府办公厅"]
    assert docs[2].issuers == ["北京市商务局", "北京市发展和改革委员会", "北京市经济和信息化局", "北京市财政局",
                               "北京市生态环境局", "北京市市场监督管理局", "北京市公安局交通管理局", "国家税务总局北京市税务局"]
    assert docs[0].addressees == ["各区人民政府", "市政府各委、办、局", "各市属机构"]
    assert docs[5].addressees == ["各区商务局", "北京经济技术开发区商务金融局", "相关单位"]  # two bodies, then 相关单位
    assert docs[4].kind == "announcement" and docs[0].kind == "circular"
    assert docs[2].attachment_title == "北京市2026年汽车以旧换新补贴实施方案"
    assert docs[3].attachment_title == "北京市2026年家电以旧换新、数码和智能产品购新补贴实施细则"
    assert [d.title_en for d in docs] == [e.title_en for e in g.toc]


def test_running_headers_removed_and_listed(corpus):
    src = next(s for s in corpus.sources if s.kind == "gazette")
    assert [(a.line, a.text) for a in src.artefacts] == [(1666, "北京市人民政府公报")]
    doc = corpus.documents["doc:京商流通字〔2026〕2号"]
    assert not any(b.text == "北京市人民政府公报" for b in doc.blocks)


def test_wrapped_lines_joined_inside_names_and_numbers(corpus):
    tl = corpus.tasklists["tasklist/2026"]
    assert tl.tasks[3].units_raw[-2:] == ["东城区政府", "西城区政府"]  # "东城区" / blank / "政府,西城区政府"
    assert tl.tasks[14].text.startswith("以分内之事支持雄安新区建设，服务保障央属标志性项目向雄安疏解")
    assert "京蔚高（快）速等重要通道" in tl.tasks[251].text
    assert "提质一般制造业企业80家" in tl.tasks[8].text  # "80 家" -> "80家"
    doc = corpus.documents["doc:京政办发〔2026〕4号"]
    assert doc.title == "北京市人民政府办公厅印发《关于加强低收入人口动态监测做好分层分类社会救助工作的实施意见》的通知"


def test_tables_and_footnotes_kept(corpus):
    doc = corpus.documents["doc:京商消一字〔2026〕5号"]
    foot = [b.text for b in doc.blocks if b.kind == "footnote"]
    assert [f[0] for f in foot] == ["¹", "²", "³"]
    # the paragraph the first footnote interrupted is whole again
    assert any("覆盖率¹不低于50%；如为统一收银场所，应能提供统一退税" in b.text for b in doc.blocks)
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 1 and len(tables[0].rows) == 9
    assert tables[0].rows[0] == ["方向", "时间安排"]
    assert tables[0].rows[3] == ["", "2026年4月30日前申报2026年一季度奖励"]
    prize = [b for b in corpus.documents["doc:京商电商字〔2026〕6号"].blocks if b.kind == "table"]
    assert prize and prize[0].rows[0][0] == "奖项"


def test_footnotes_are_notes_of_the_document_not_text_of_a_provision(corpus):
    """The gazette's three footnotes of 京商消一字〔2026〕5号 (¹ under item 3., ² ³ printed under 方向 2.'s first
    lines) were read as text of the provision open where they stand: the data's 方向2. held ² and ³, item 3.
    held ¹. A footnote is a note of the document: the provision with its marker keeps only its own text."""
    from generator.kinds.structure import find, walk

    doc = corpus.documents["doc:京商消一字〔2026〕5号"]
    notes = {b.key for b in doc.blocks if b.kind == "footnote"}
    assert len(notes) == 3 and not any(notes & set(p.block_keys) for p in walk(doc.provisions))
    by_key = {b.key: b for b in doc.blocks}
    item3 = find(doc.provisions, "part-1-1-group-2-3")
    assert [by_key[k].text for k in item3.block_keys] == [
        "3. 商圈（场所）如为非统一收银场所，应拥有离境退税商店家数不少于5家，离境退税商店覆盖率¹不低于50%；"
        "如为统一收银场所，应能提供统一退税和“即买即退”服务；退税商店标识、退税服务指引等设置清晰。"]
    assert not any("¹" in by_key[k].text or "²" in by_key[k].text for k in find(doc.provisions, "part-1-2").block_keys)


def test_task_list_structure(corpus):
    tl = corpus.tasklists["tasklist/2026"]
    assert len(tl.sections) == 11
    assert sum(len(s.subsections) for s in tl.sections) == 37
    assert len(tl.tasks) == 308 and sorted(tl.tasks) == list(range(1, 309))
    assert all(t.units_raw for t in tl.tasks.values())
    assert tl.sections[10].title == "把政府自身建设得更加坚强有力"
    assert [s.title for s in tl.sections[0].subsections] == [
        "充分发挥规划统筹引领作用", "接续实施疏解整治促提升", "推动“新两翼”联动发展", "打造现代化首都都市圈"]
    t7 = tl.tasks[7].units_raw
    assert "市科委、中关村管委会" in t7 and "市科委" not in t7 and len(t7) == 16
    assert tl.tasks[20].text.startswith("促进通勤圈一体发展，轨道交通22号线红庙至平谷段基本具备开通条件")


def test_task_list_deduplicated_with_provenance(corpus):
    docs = [d for d in corpus.documents.values() if d.number == "京政发〔2026〕1号"]
    assert len(docs) == 1
    tl = corpus.tasklists["tasklist/2026"]
    files = sorted({o.file for o in tl.origins})
    assert files == ["content/sources/2026-gazette-12.txt", "content/sources/2026-task-list-excerpt.txt"]
    t20 = tl.tasks[20]
    assert [o.file for o in t20.origins] == ["content/sources/2026-gazette-12.txt"] + \
        ["content/sources/2026-task-list-excerpt.txt"] * 2  # 002 repeats its text twice
    assert all(len(tl.tasks[n].origins) == 3 for n in range(1, 65))
    assert all(len(tl.tasks[n].origins) == 1 for n in range(65, 309))


def test_work_report(corpus):
    rep = corpus.reports["report/2026"]
    assert rep.date == "2026-01-25" and rep.title == "政府工作报告"
    assert [p.title for p in rep.parts] == ["2025年工作回顾", "“十四五”时期发展成就和“十五五”时期主要目标任务",
                                            "2026年重点工作"]
    part3 = rep.parts[2]
    assert len([s for s in part3.sections if not s.closing]) == 10
    closing = part3.sections[-1]
    assert closing.closing and closing.title == "把政府自身建设得更加坚强有力"
    leads = [t.lead for s in part3.sections for t in s.topics]
    assert len(leads) == 37
    subs = [ss.title for s in corpus.tasklists["tasklist/2026"].sections for ss in s.subsections]
    assert sorted(map(compact, leads)) == sorted(map(compact, subs))
    assert "恪守依法行政的基本准则" in [t.lead for t in closing.topics]  # found only after the wrap is joined
    assert part3.sections[2].title == "持续推动教育科技人才一体发展，构建有竞争优势的新质生产力发展格局"
    assert [t.text for t in rep.targets][:3] == ["地区生产总值增长5%左右", "一般公共预算收入增长4%左右",
                                                 "城镇调查失业率控制在5%以内"]
    assert len(rep.targets) == 7


def test_livelihood_projects(corpus):
    ll = corpus.livelihood["livelihood/2026"]
    assert [p.name for p in ll.projects] == ["托幼育人", "颐养暖心", "助残扶弱", "就业促进", "医疗服务", "安居便民",
                                            "出行便利", "文体惠民", "休闲宜居", "和美乡村"]
    assert [len(p.items) for p in ll.projects] == [3, 2, 3, 1, 1, 3, 5, 3, 4, 2]
    p7 = ll.projects[6]
    assert p7.items[0].text.startswith("轨道交通22号线（红庙—平谷）基本具备开通条件")
    assert "打通门头沟北路、通惠干渠路等50条断头路" in p7.text  # joined across the blank line
    assert p7.original.startswith("7.出行便利方面。軌道交通22號線")  # Traditional original kept
    doc = corpus.documents["doc:京政办发〔2026〕1号"]
    assert doc.original_script == "traditional"
    assert doc.meta["number"] == "京政办发〔2026〕1号"
    assert doc.meta["issuer"] == "北京市人民政府办公厅"
    assert doc.meta["validity"] == "现行有效" and doc.meta["effective"] == "2026-02-03"
    assert doc.meta["repealed"] == "---"


def test_progress_table(corpus):
    t = corpus.progress["progress/2025/daxing"]
    assert t.district_zh == "大兴区" and t.year == 2025
    assert t.headers == ["序号", "来源", "任务内容/督查事项", "主责单位", "完成时限", "任务进度", "进展情况"]
    assert len(t.rows) == 22
    r2 = t.rows[1]
    assert r2.units_raw == ["区人力资源社会保障局"]  # wrapped name joined
    assert t.rows[15].units_raw == ["区园林绿化局", "魏善庄镇人民政府", "黄村镇人民政府", "林校路街道办事处"]
    assert t.rows[0].progress.split("\n")[0] == "1.2处社区养老配建已交接使用并完成运营商招募，签订三方协议。"
    assert len(t.rows[0].progress.split("\n")) == 3
    r5 = t.rows[4]
    assert [(a.text, b.text) for a, b in r5.pairs] == [("4000套", "2809套")]
    assert t.rows[11].status == "已完成" and t.rows[11].deadline == "2025-05-31"
    assert sum(1 for r in t.rows if r.status == "正在推进") == 21
    r2pairs = {(a.text, b.text) for a, b in r2.pairs}
    assert r2pairs == {("2万个", "1.5万个"), ("200场", "148场"), ("3800人", "2231人")}


# the pairs of target and reported figure in every row of the Daxing table, read off the rows:
# a figure pairs with the reported one of the same measure word that answers it
PROGRESS_PAIRS = {
    1: [("2处", "2处"), ("200张", "500张")],  # 3处 (service centres) / 5家 (meal points): other things
    2: [("2万个", "1.5万个"), ("200场", "148场"), ("3800人", "2231人")],
    3: [("2880个", "2880个")],  # the only 个 on each side: 增加学位2880个 / 完成新增学位2880个
    4: [("70%", "66%")],
    5: [("4000套", "2809套")],
    6: [], 9: [], 12: [], 16: [], 17: [], 22: [],  # nothing reported against a figure
    7: [("30个", "26个")],
    # 5条 is broken down as 新开1条、调整4条 (no single part answers it); 100个农村候车亭项目 names the
    # project whose plan was approved, it does not report 100 shelters done
    8: [],
    10: [("500个", "450个")],
    11: [("185个", "130个"), ("330人", "185人"), ("225名", "225名")],
    13: [],  # 52条 = 已完工33条 + 在施19条, a breakdown
    14: [],  # 2个示范村 / 6个提升村 against counts of projects
    15: [],  # 市级前100名 is a rank, not a quantity
    18: [("1300场", "4024场"), ("800场", "341场")],
    19: [("100场", "60余场")],
    20: [("8个", "6个"), ("1000套", "9687套"), ("1.8万人", "16223人")],  # 6个小区 (229套 is the blockers)
    21: [("98.5%", "98.5%"), ("99%", "100%")],
}


def test_progress_pairs_in_every_row(corpus):
    rows = corpus.progress["progress/2025/daxing"].rows
    assert {r.number: [(a.text, b.text) for a, b in r.pairs] for r in rows} == PROGRESS_PAIRS
    assert "100名" not in [q.text for r in rows for q in r.targets + r.reported]  # ranks are not figures
    assert [q.text for q in rows[7].reported] == ["1条", "4条", "100个"]  # figures are kept, only not paired


def _progress_cells(text: str) -> list[list[int]]:
    """0-based line indexes of each cell: its tab-indented line and the lines continuing it."""
    cells = []
    for i, line in enumerate(text.split("\n")):
        if line.startswith("\t"):
            cells.append([i])
        elif line.strip() and cells:
            cells[-1].append(i)
    return cells


def test_progress_table_cell_lost_is_reported_where_it_was(root):
    """Whichever cell of the real table is lost, the error names the line where the cells go
    out of step (the cell that moved into its place), not the end of the file."""
    from generator.errors import Report, SourceError
    from generator.model import Source
    from generator.kinds import progress

    text = (root / "content/sources/2025-daxing-progress.txt").read_text("utf-8")
    lines = text.split("\n")
    cells = _progress_cells(text)
    assert len(cells) == 1 + 7 + 22 * 7
    for cell in cells[1:-1]:  # every header and body cell but the last one of the table
        gone = set(range(cell[0], cell[-1] + 1))
        damaged = [l for i, l in enumerate(lines) if i not in gone]
        moved_up = next(j + 1 for j in range(cell[0], len(damaged)) if damaged[j].startswith("\t"))
        with pytest.raises(SourceError) as e:
            progress.parse(Source(path="t.txt", kind="progress", text="\n".join(damaged)), Report(), {"大兴区": "daxing"})
        first = e.value.problems[0]
        assert first.line == moved_up, (cell[0] + 1, str(first))
        assert first.expected
    # the last cell: the table ends inside row 22
    damaged = lines[:cells[-1][0]]
    with pytest.raises(SourceError) as e:
        progress.parse(Source(path="t.txt", kind="progress", text="\n".join(damaged)), Report(), {"大兴区": "daxing"})
    assert "ends inside row 22" in str(e.value)


def test_every_chinese_character_of_a_source_reaches_a_block(root):
    """The no-loss check on the real gazette: the parse carries every Chinese character of the body
    (running headers excepted); a block that drops one sentence is reported at the line it came from."""
    from generator.errors import Report
    from generator import kinds
    from generator.sources import check_coverage, read_source

    src = read_source(root / "content/sources/2026-gazette-12.txt", root)
    rep = Report()
    blocks = kinds.by_name("gazette").read(src, rep, kinds.context()).blocks
    assert src.artefacts  # running headers were removed, and are allowed for
    check_coverage(src, blocks, rep)
    assert rep.errors == []
    # drop the sentence of one paragraph: the error names its line and what went missing
    victim = next(b for b in blocks if b.kind == "para" and "鼓励" in b.text and len(b.text) > 40)
    sentence = next(s for s in victim.text.split("。") if "鼓励" in s)
    victim.text = victim.text.replace(sentence, "")
    rep = Report()
    check_coverage(src, blocks, rep)
    assert len(rep.errors) == 1
    err = rep.errors[0]
    assert err.file == "content/sources/2026-gazette-12.txt"
    lost = sum(1 for ch in sentence if "\u4e00" <= ch <= "\u9fff")
    assert err.message.startswith(f"{lost} Chinese characters of the source are not in the parsed document")
    assert err.line is not None and err.expected
    # the line named is the first that holds a lost character
    assert any(ch in src.text.split("\n")[err.line - 1] for ch in sentence if "\u4e00" <= ch <= "\u9fff")
