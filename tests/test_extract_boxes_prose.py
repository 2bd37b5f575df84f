"""The 专栏 box and prose extractors against the reviewed transcriptions in raw/plans, plus small synthetic cases.

What the seed documents reach (asserted below, so a regression shows):
- rizhao_14th box1/box2/box3 and prose_actuals: every row equal to the reviewed CSV, in order.
- jiaxing_13th prose_targets: every row equal to the reviewed CSV, in order, with the repeats of table t1 left out
  by the rule of `_repeat_of` (the same number under a close name).
"""

import random

import pytest

from conftest import PROJECT_ROOT, SEEDS_DIR, needs_seeds
from planwatch.contract import read_plan_document
from planwatch.extract.boxes import extract_boxes
from planwatch.extract.model import lines_of
from planwatch.extract.prose import _repeat_of, extract_prose_results, extract_prose_targets
from planwatch.values import parse_value

RIZHAO, JIAXING = PROJECT_ROOT / "raw" / "plans" / "rizhao_14th", PROJECT_ROOT / "raw" / "plans" / "jiaxing_13th"


def reviewed(folder, table_id):
    """(spec, rows as tuples of text in CSV column order) of one reviewed table."""
    document = read_plan_document(folder)
    manifest = document.manifest.rows[0]
    for spec, table in zip(manifest["tables"], document.tables):
        if spec["table_id"] == table_id:
            names = ["source_line"] + [c["name"] for c in spec["columns"]]
            return spec, [tuple(str(row[n]) for n in names) for row in table.rows]
    raise KeyError(table_id)


def as_tuples(table):
    names = ["source_line"] + [c.name for c in table.columns]
    return [tuple(str(row[n]) for n in names) for row in table.rows]


def seed_lines(folder):
    source = read_plan_document(folder).manifest.rows[0]["source_file"]
    return lines_of((SEEDS_DIR / source).read_text(encoding="utf-8"))


# ---- the reviewed documents ---------------------------------------------------------------------------------------


@needs_seeds
def test_rizhao_boxes_equal_the_reviewed_tables():
    boxes = extract_boxes(seed_lines(RIZHAO), 2025, "十四五")
    # 专栏4 onwards are task boxes ("“标准化+”行动计划"): no table for them.
    assert [b.table_id for b in boxes] == ["box1", "box2", "box3"]
    for box in boxes:
        spec, rows = reviewed(RIZHAO, box.table_id)
        assert box.as_manifest()["columns"] == spec["columns"]
        assert (box.title, box.kind, box.plan_period, box.source_line) == (
            spec["title"],
            spec["kind"],
            spec["plan_period"],
            spec["source_line"],
        )
        assert as_tuples(box) == rows


@needs_seeds
def test_rizhao_box_notes_name_the_dropped_tail():
    box1 = extract_boxes(seed_lines(RIZHAO), 2025, "十四五")[0]
    assert any(n.startswith("line 34") and "的项目建设" in n for n in box1.notes)


@needs_seeds
def test_rizhao_prose_results_equal_the_reviewed_table():
    spec, rows = reviewed(RIZHAO, "prose_actuals")
    table = extract_prose_results(seed_lines(RIZHAO), 2020, "十三五")
    assert table.as_manifest()["columns"] == spec["columns"]
    assert (table.table_id, table.title, table.kind, table.source_line) == (
        "prose_actuals",
        spec["title"],
        "prose",
        spec["source_line"],
    )
    assert as_tuples(table) == rows


@needs_seeds
def test_jiaxing_prose_targets_equal_the_reviewed_table():
    spec, rows = reviewed(JIAXING, "prose_targets")
    _, t1 = reviewed(JIAXING, "t1")
    table = extract_prose_targets(seed_lines(JIAXING), 2020, "十三五", [(row[2], row[3]) for row in t1])
    assert table.as_manifest()["columns"] == spec["columns"]
    assert table.source_line == spec["source_line"]
    assert as_tuples(table) == rows
    # Repeats of t1 rows: a Latin alias, a one-character typo, words set aside or inserted, a close modifier.
    for repeat in ("PM2.5浓度下降至", "主导制订“浙江制造”标准", "力争通过“浙江制造”认证企业", "其他工程一次验收合格率"):
        assert any(repeat in n and "repeats table row" in n for n in table.notes), repeat


@needs_seeds
def test_jiaxing_has_no_target_box_and_no_2020_results():
    lines = seed_lines(JIAXING)
    assert extract_boxes(lines, 2020, "十三五") == []
    # Its results section reviews “十二五”; it is no source of 2020 results.
    assert extract_prose_results(lines, 2020, "十三五") is None


# ---- synthetic ----------------------------------------------------------------------------------------------------

BOX = [
    "1.质量目标。",
    "专栏1 环境质量主要目标 | |",
    "环境质量 | · 环境空气质量符合省下达目标要求; · 饮用水水源地水质达标率保持100%,近岸海域水质优良比例达到90%以上。 |",
    "创建 | · 创建全国质量强市示范城市、省级全域旅游示范区; · 培育500家小微企业导入质量管理体系。 |",
    "二、主要任务",
    "专栏2 “标准化+”行动计划 |",
    "实施“标准化+”行动计划,新建40项计量标准。 |",
]


def test_box_with_qualitative_bullet():
    [box] = extract_boxes(BOX, 2025, "十四五")
    assert (box.table_id, box.title, box.kind, box.source_line) == ("box1", "专栏1 环境质量主要目标", "box", 2)
    assert [c.name for c in box.columns] == ["领域", "条目", "指标", "2025目标"]
    assert [(r["source_line"], r["领域"], r["条目"], r["指标"], r["2025目标"]) for r in box.rows] == [
        (3, "环境质量", "1", "环境空气质量", "符合省下达目标要求"),
        (3, "环境质量", "2", "饮用水水源地水质达标率", "保持100%"),
        (3, "环境质量", "2", "近岸海域水质优良比例", "达到90%以上"),
        (4, "创建", "1", "全国质量强市示范城市", "创建"),
        (4, "创建", "1", "省级全域旅游示范区", "创建"),
        (4, "创建", "2", "小微企业导入质量管理体系", "500家"),
    ]
    for row in box.rows:  # verbatim: every cell is cut out of its own line
        assert row["指标"] in BOX[row["source_line"] - 1] and row["2025目标"] in BOX[row["source_line"] - 1]


def test_box_whose_bullet_has_nothing_to_read_is_noted():
    [box] = extract_boxes(["专栏3 主要指标 | |", "服务 | · 加强服务业管理。 |"], 2025, "十四五")
    assert box.rows == []
    assert any("line 2" in n for n in box.notes)


PROSE = [
    "一、现实基础",
    "2020年,制造业产品质量合格率95%。",
    "二、发展目标",
    "到2025年,承担省地方标准多于130项、市地方标准多于150项,生产性服务业和生活性服务业满意度分别保持在85%和80%以上。",
    "三、主要任务",
    "(一)提升产品质量",
    "新开工建筑工程“两书”签订率、工程质量监督覆盖率均达到100%,细颗粒物浓度下降至30微克/立方米以下。",
]


def test_prose_sentence_with_two_values_and_a_shared_subject():
    table = extract_prose_targets(PROSE, 2025, "十四五", [])
    assert table.table_id == "prose_targets" and table.source_line == 4
    assert [(r["source_line"], r["领域"], r["条目"], r["指标"], r["2025目标"]) for r in table.rows] == [
        (4, "发展目标", "1", "承担省地方标准", "多于130项"),
        (4, "发展目标", "2", "市地方标准", "多于150项"),
        (4, "发展目标", "3", "生产性服务业", "保持在85%"),
        (4, "发展目标", "4", "生活性服务业满意度", "80%以上"),
        (7, "提升产品质量", "1", "新开工建筑工程“两书”签订率", "达到100%"),
        (7, "提升产品质量", "2", "工程质量监督覆盖率", "达到100%"),
        (7, "提升产品质量", "3", "细颗粒物浓度下降至", "30微克/立方米以下"),
    ]


def test_prose_targets_skip_repeats_of_table_rows():
    # A repeat has the same number under a close name: here a table name's Latin alias with the change verb
    # printed after it, and the same name with 达到 before the value. 生活性服务业满意度 narrows 服务业满意度 (words in
    # front) and 市地方标准 has another number: both are rows.
    exclude = [
        ("细颗粒物(PM2.5)浓度", "30"),
        ("工程质量监督覆盖率", "100%"),
        ("服务业满意度", "80%"),
        ("市地方标准", "140项"),
    ]
    table = extract_prose_targets(PROSE, 2025, "十四五", exclude)
    assert [(r["source_line"], r["条目"], r["指标"]) for r in table.rows] == [
        (4, "1", "承担省地方标准"),
        (4, "2", "市地方标准"),
        (4, "3", "生产性服务业"),
        (4, "4", "生活性服务业满意度"),
        (7, "1", "新开工建筑工程“两书”签订率"),
    ]
    assert any("细颗粒物浓度下降至" in n and "repeats table row" in n for n in table.notes)


@pytest.mark.parametrize(
    "name, value, table_name, table_value, repeat",
    [
        ("主导制订“浙江制造”标准", "30项以上", "主导制定“浙江制造”标准", "30", True),  # one character
        ("新增“浙江制造”标准", "7项", "制订“浙江制造”标准(新增)", "7", True),  # words in front set aside, (新增)
        ("服务质量满意度", "达到90%以上", "服务质量综合满意度", "90", True),  # a word inside the table's name
        ("区长质量奖企业", "5家以上", "区长质量奖", "5个以上", True),  # printed with a word after the name
        ("国家标准", "20项", "主导和参与制修订国家标准(新增)", "20", True),  # the sentence's shared subject omitted
        ("市区空气质量优良天数比例", "达到96%以上", "城市空气质量优良天数比例", "≥96", True),  # names close
        ("城市空气细颗粒物(PM2.5)浓度", "≤25微克/立方米", "城市空气细颗粒物(PM2.5)浓度", "高线:≤25低线:稳定达标", True),
        ("生活性服务业满意度", "80%以上", "服务业满意度", "80%", False),  # words in front narrow the name
        ("实现大中型工程一次验收合格率", "达到100%", "一般工程一次验收合格率", "100%", False),  # not close enough
        ("每万人高价值发明专利拥有量", "9.7件", "每万人高价值发明专利拥有量", "7.2", False),  # another number
        (
            "近岸海域水质优良(一、二类)比例",
            "达到57.5%以上",
            "近岸海域水质优良(一、二类)比例",
            "≥57.5(“十四五”均值)",
            False,
        ),  # a period mean is another measured thing
        ("省级检验检测中心", "10家以上", "市级检验检测中心", "10", False),  # a level differs
    ],
)
def test_what_repeats_a_table_row(name, value, table_name, table_value, repeat):
    found, how = _repeat_of(name, value, [(table_name, parse_value(table_value))])
    assert (found == table_name) is repeat, how


def test_task_box_text_is_running_text_and_target_box_rows_are_not():
    lines = [
        "(三)主要目标",
        "专栏1 质量基础发展主要目标 | |",
        "计量 | · 社会公用计量标准多于150项。 |",
        "(一)加强计量能力建设",
        "专栏5 计量重点建设项目 |",
        "能源计量检测中心。新建能源计量检测实验室,建设面积7000平方米。新建40多项计量标准,引进人才。 |",
        "——产品质量达到新水平。严格监管,特种设备登记率和定检率保持100%。计划在“十四五”时期创建15个特色质量小镇。",
    ]
    table = extract_prose_targets(lines, 2025, "十四五", [])
    assert [(r["source_line"], r["领域"], r["指标"], r["2025目标"]) for r in table.rows] == [
        (6, "加强计量能力建设", "计量标准", "40多项"),  # approximate, number before the thing counted
        (7, "加强计量能力建设", "特种设备登记率", "保持100%"),  # rates listed before one value each have it
        (7, "加强计量能力建设", "定检率", "保持100%"),
        (7, "加强计量能力建设", "特色质量小镇", "15个"),
    ]
    assert any("建设面积7000平方米" in n and "size" in n for n in table.notes)
    # Without a (一)-level heading, a ——paragraph's run-in lead names the 领域.
    table = extract_prose_targets(["三、主要目标", lines[6]], 2025, "十四五", [])
    assert {r["领域"] for r in table.rows} == {"产品质量达到新水平"}


def test_a_situation_section_is_not_a_source_of_period_results():
    # "现实基础" mixes results with the situation of various years; only a section that reports results as such
    # ("…成效", "…回顾") is read.
    assert extract_prose_results(PROSE, 2020, "十三五") is None


def test_prose_results_number_first_and_skips():
    lines = [
        "(一)“十三五”时期工作成效",
        "品牌建设成果丰硕。“十三五”时期,我市3家企业获得“泰山品质产品”认证,建立24小时回应机制。"
        "2018年,我市被评为5个示范市之一。全市有效注册商标达31202件,其中“十三五”期间注册23002件。",
        "(二)存在问题",
        "质量基础薄弱,检测机构仅有5家。",
    ]
    table = extract_prose_results(lines, 2020, "十三五")
    assert (table.table_id, table.title, table.source_line) == ("prose_actuals", "(一)“十三五”时期工作成效", 1)
    assert table.columns[-1].name == "2020实绩" and table.columns[-1].value_kind == "actual"
    assert [(r["领域"], r["条目"], r["指标"], r["2020实绩"]) for r in table.rows] == [
        ("品牌建设成果丰硕", "1", "企业获得“泰山品质产品”认证", "3家"),
        ("品牌建设成果丰硕", "3", "全市有效注册商标", "达31202件"),
        ("品牌建设成果丰硕", "3", "注册", "23002件"),  # 其中 and the time phrase “十三五”期间 are left out
    ]


def test_a_unit_is_not_read_into_the_next_word():
    # find_values stops at the unit: "3个项目" is 3个 and 项目 what it counts.
    [box] = extract_boxes(
        ["专栏1 主要目标 | |", "项目 | · 新增3个项目,培养30名人才; · 培训100人次。 |"], 2025, "十四五"
    )
    assert [(r["条目"], r["指标"], r["2025目标"]) for r in box.rows] == [
        ("1", "项目", "3个"),
        ("1", "人才", "30名"),
        ("2", "培训", "100人次"),
    ]


def test_no_box_and_no_prose_figures():
    assert extract_boxes(["一、发展现状", "质量工作稳步推进。"], 2025, "十四五") == []
    assert extract_boxes([], 2025, "十四五") == []
    assert extract_prose_targets([], 2025, "十四五", []) is None
    assert extract_prose_results([], 2020, "十三五") is None
    assert extract_prose_targets(["(三)发展目标", "质量水平稳步提升,品牌影响力明显增强。"], 2025, "十四五", []) is None
    # Numbers that are no figures: a hotline, a phone number, a plan's name, counts in words, 一批.
    assert (
        extract_prose_targets(
            ["(三)发展目标", "开通96345热线和0633-8888888电话,实施“1511计划”,形成一批品牌,建设两个中心。"],
            2025,
            "十四五",
            [],
        )
        is None
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "专栏",
        "专栏1 主要目标 |",
        "专栏1 主要目标 | |\n标准 | · 多于 |",
        "专栏1" + " " * 100_000,
        "一、" + " " * 100_000,
        "(一)" + " " * 100_000 + "成效",
        "1" * 100_000,
        "承担标准多于240项," * 10_000,
        "达到" * 50_000,
        "1个" * 50_000 + "、",
        "·" * 100_000 + "|",
        "专栏9 目标 | |\n" + "x | " + "· 1家、" * 20_000 + " |",
        "(一)成效\n" + "质量提升。" + "全市共有1个、" * 20_000,
        "1多" * 50_000,
        "近" * 100_000 + "1",
        "0633-" * 40_000,
        "1(个/" * 30_000,
        "(三)目标\n" + "达到近1多万余个以上," * 10_000,
    ],
)
def test_never_crashes_or_hangs(text):
    lines = lines_of(text)
    assert isinstance(extract_boxes(lines, 2025, "十四五"), list)
    extract_prose_targets(lines, 2025, "十四五", [("x", "1"), ("承担标准", "多于240项")])
    extract_prose_results(lines, 2020, "十三五")


def test_random_unicode_never_crashes():
    rng = random.Random(20251121)
    alphabet = (
        "专栏目标指标|·,,。;;、和均分别达到多于以上%个项家0123456789.~-()()“”的中全部符合创建完成一二三十五(一)、\n"
    )
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        lines = lines_of(text)
        for table in extract_boxes(lines, 2025, "十四五"):
            for row in table.rows:
                assert row["指标"] in lines[row["source_line"] - 1]
        for table in (extract_prose_targets(lines, 2025, "十四五", []), extract_prose_results(lines, 2020, "十三五")):
            for row in table.rows if table else []:
                line, value = lines[row["source_line"] - 1], row[table.columns[-1].name]
                assert row["指标"] in line and value in line  # verbatim
                assert row["指标"] == row["指标"].strip() and value == value.strip() and row["指标"] and value
