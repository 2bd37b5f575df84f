"""The forms of unseen plan texts (issue 12 §3), one small table test each, on short synthetic sentences.

Each case is a document's text and the long rows (indicator, year, value_kind, raw_value) `extract_text` gives.
"""

import pytest

from planwatch.extract.document import NO_TABLE, extract_text, long_rows


def rows(text: str) -> list[tuple]:
    document = extract_text(text, "synthetic.txt")
    return [(r["indicator"], r["year"], r["value_kind"], r["raw_value"]) for r in long_rows(document.tables)]


FORMS = [
    # the year comes from the sentence that governs the value, not from the plan's period
    (
        "某市质量提升三年行动计划(2016-2018年)\n即到2018年,全市制定团体标准100项以上。",
        [("全市制定团体标准", 2018, "target", "100项以上")],
    ),
    ("某市质量发展规划\n到“十五五”末,全市培育品牌企业50家。", [("全市培育品牌企业", 2030, "target", "50家")]),
    # a time phrase after a lead word (力争, 提出) still dates its clause
    (
        "某省“十三五”规划\n力争到2020年全省在役工业机器人超过10万台。",
        [("全省在役工业机器人", 2020, "target", "超过10万台")],
    ),
    # a period's review inside a news report: the figures are actuals of that period's last year
    (
        "某省质量强省“十三五”规划\n“十二五”期间,全省导入卓越绩效管理的企业达到500家以上。",
        [("全省导入卓越绩效管理的企业", 2015, "actual", "达到500家以上")],
    ),
    # baselines stated after the targets, referring back to them
    (
        "某省质量提升“十三五”规划\n到2020年,甲指数要达到84.5,乙合格率要稳定在92%以上。而在2015年,这2个指标分别是83.5和91.1%。",
        [
            ("甲指数", 2020, "target", "达到84.5"),
            ("乙合格率", 2020, "target", "稳定在92%以上"),
            ("甲指数", 2015, "baseline", "83.5"),
            ("乙合格率", 2015, "baseline", "91.1%"),
        ],
    ),
    # 分别 lists: one comparator for every value (the shared verb's, given to the values printed without one)
    (
        "某市质量发展规划(2021-2025年)\n到2025年,甲产品、乙产品和丙产品分别达到20个、30个和5个。",
        [
            ("甲产品", 2025, "target", "达到20个"),
            ("乙产品", 2025, "target", "达到30个"),
            ("丙产品", 2025, "target", "达到5个"),
        ],
    ),
    (
        "某市质量发展规划(2021-2025年)\n到2025年,甲、乙满意度分别保持在85%和80%以上。",
        [("甲", 2025, "target", "保持在85%"), ("乙满意度", 2025, "target", "80%以上")],
    ),
    # 分别 lists of kinds sharing the name after the last one (levels; N级 gives each its 级)
    (
        "某区质量提升行动方案(2024-2026年)\n到2026年,全区省级、市级专精特新企业分别达到30家、80家。",
        [("省级专精特新企业", 2026, "target", "达到30家"), ("市级专精特新企业", 2026, "target", "达到80家")],
    ),
    (
        "某区质量提升行动方案(2024-2026年)\n到2026年,国家、省、市三级质量奖获奖企业分别达到2家、6家和15家。",
        [
            ("国家级质量奖获奖企业", 2026, "target", "达到2家"),
            ("省级质量奖获奖企业", 2026, "target", "达到6家"),
            ("市级质量奖获奖企业", 2026, "target", "达到15家"),
        ],
    ),
    # a list of thresholds inside the name, shared out by 分别
    (
        "某市质量发展规划(2021-2025年)\n到2025年,年营收超过100亿元、50亿元的企业分别达到3家、6家。",
        [("年营收超过100亿元的企业", 2025, "target", "达到3家"), ("年营收超过50亿元的企业", 2025, "target", "达到6家")],
    ),
    # one value shared by several indicators
    (
        "某市质量发展规划(2021-2025年)\n到2025年,甲抽查合格率和乙抽检合格率均在95%以上。",
        [("甲抽查合格率", 2025, "target", "95%以上"), ("乙抽检合格率", 2025, "target", "95%以上")],
    ),
    (
        "某市质量发展规划(2021-2025年)\n到2025年,道路、桥梁等工程验收合格率均为100%。",
        [("道路工程验收合格率", 2025, "target", "100%"), ("桥梁工程验收合格率", 2025, "target", "100%")],
    ),
    # 均 without 等: things without a measure of their own share the one after 的
    (
        "某县质量发展规划(2021-2025年)\n到2025年,重点工业产品、消费品的监督抽查合格率均保持在95%以上。",
        [
            ("重点工业产品的监督抽查合格率", 2025, "target", "保持在95%以上"),
            ("消费品的监督抽查合格率", 2025, "target", "保持在95%以上"),
        ],
    ),
    # changes relative to the base: the change words stay with the name (docs/raw-contract.md), the number is the value
    (
        "某市质量发展规划(2021-2025年)\n到2025年,单位产值能耗较2020年下降13%,专利拥有量年均增长15%左右。",
        [("单位产值能耗较2020年下降", 2025, "target", "13%"), ("专利拥有量年均增长", 2025, "target", "15%左右")],
    ),
    # a change printed without its subject is of the indicator of the clause before it
    (
        "某市质量发展规划(2021-2025年)\n到2025年,产品抽查合格率达到97%,较2020年提高1个百分点。",
        [("产品抽查合格率", 2025, "target", "达到97%"), ("产品抽查合格率较2020年提高", 2025, "target", "1个百分点")],
    ),
    # ranges written with the unit twice, upper bounds
    (
        "某市质量发展规划(2021-2025年)\n到2025年,培育链主企业3家至5家,审批时限压缩到5个工作日以内,投诉率控制在1%以下。",
        [
            ("培育链主企业", 2025, "target", "3家至5家"),
            ("审批时限压缩到", 2025, "target", "5个工作日以内"),
            ("投诉率", 2025, "target", "控制在1%以下"),
        ],
    ),
    # qualitative targets, in a document whose running text is its only list of targets
    (
        "某市质量发展规划(2021-2025年)\n到2025年,电子支付比例大幅提高,质量竞争力指数接近全国平均水平,质量水平不断提升。",
        [("电子支付比例", 2025, "target", "大幅提高"), ("质量竞争力指数", 2025, "target", "接近全国平均水平")],
    ),
    # a bare measure after a figure is of the thing just named
    (
        "某市质量发展规划(2021-2025年)\n到2025年,农产品监测2批次/千人,合格率98%。",
        [("农产品监测", 2025, "target", "2批次/千人"), ("农产品监测合格率", 2025, "target", "98%")],
    ),
    # traditional characters: read in simplified form, written as published
    (
        "某市質量發展規劃(2021-2025年)\n到2025年,全市產品質量合格率達到95%以上。",
        [("全市產品質量合格率", 2025, "target", "達到95%以上")],
    ),
    # a page of achievements only: its figures are actuals, never targets; the year is the text's, else none (a
    # count at the time of writing is not the base year's: no silent default)
    (
        "某省质量强省“十四五”规划\n一、现实基础\n质量发展走在前列。全省工程一次验收合格率100%,2020年城市空气优良天数比率达93.3%。",
        [("城市空气优良天数比率", 2020, "actual", "达93.3%"), ("全省工程一次验收合格率", None, "actual", "100%")],
    ),
    (
        "某省质量强省“十四五”规划\n一、发展基础\n标准体系不断完善。累计主导制定国际标准36项。2019年,全省新增起草单位120家。",
        [("累计主导制定国际标准", None, "actual", "36项"), ("全省新增起草单位", 2019, "actual", "120家")],
    ),
    # a bare "YYYY年," dates its own paragraph only; a 到YYYY年 or period phrase carries to the next ones
    (
        "某市质量强市“十四五”规划\n一、发展基础\n2018年,我市新增省级名牌产品20个。\n全市累计主导制定国家标准56项。\n"
        "二、发展目标\n到2025年,全市产品质量合格率达到96%以上。\n全市培育省级品牌企业30家。",
        [
            ("全市产品质量合格率", 2025, "target", "达到96%以上"),
            ("全市培育省级品牌企业", 2025, "target", "30家"),
            ("我市新增省级名牌产品", 2018, "actual", "20个"),
            ("全市累计主导制定国家标准", None, "actual", "56项"),
        ],
    ),
    # a baseline in brackets after a target: the same indicator's value for the year it states
    (
        "某市“十五五”质量发展规划\n二、发展目标\n到2030年,质量竞争力指数达到87以上(2025年为85.2),"
        "每万人口发明专利拥有量达到15件(2025年为9.6件)。",
        [
            ("质量竞争力指数", 2030, "target", "达到87以上"),
            ("每万人口发明专利拥有量", 2030, "target", "达到15件"),
            ("质量竞争力指数", 2025, "baseline", "85.2"),
            ("每万人口发明专利拥有量", 2025, "baseline", "9.6件"),
        ],
    ),
    # a bare number (an index, a score) is a figure after 为/是 or a name ending in 指数/率/满意度/得分
    (
        "某市质量发展规划(2021-2025年)\n到2025年,质量竞争力指数为86,顾客满意度82。",
        [("质量竞争力指数", 2025, "target", "86"), ("顾客满意度", 2025, "target", "82")],
    ),
    # 截至 states a status reached: an actual whatever the base year, and 截至2023年 is no target year
    (
        "某市质量强市工作总结\n截至2023年底,全市累计培育省级品牌企业45家。2023年全市产品抽查合格率为96.5%。",
        [("全市累计培育省级品牌企业", 2023, "actual", "45家"), ("全市产品抽查合格率", 2023, "actual", "96.5%")],
    ),
    (
        "某市质量发展规划(2021-2025年)\n到2025年,全市品牌企业达到60家。截至2023年底,全市累计拥有品牌企业45家。",
        [("全市品牌企业", 2025, "target", "达到60家"), ("全市累计拥有品牌企业", 2023, "actual", "45家")],
    ),
    # a count of a list is a target, unless the list qualifies an action (行动, 工作, 活动, 工程)
    (
        "某市质量发展规划(2021-2025年)\n到2025年,打造电子信息、装备制造等5个百亿级的产业集群。",
        [("百亿级的产业集群", 2025, "target", "5个")],
    ),
    # ranks, totals of a list and asides are no figures
    (
        "某市质量发展规划(2021-2025年)\n到2025年,实施甲、乙等9个领域的提升行动。2018年,我市被评为全国最好的4个市之一。",
        [],
    ),
]


@pytest.mark.parametrize("text, expected", FORMS, ids=[str(i) for i in range(len(FORMS))])
def test_form(text, expected):
    assert rows(text) == expected


def test_a_year_not_stated_is_the_target_year_and_the_report_says_so():
    document = extract_text("某市质量发展规划(2021-2025年)\n建成示范区10个。", "synthetic.txt")
    assert [(r["year"], r["raw_value"]) for r in long_rows(document.tables)] == [(2025, "10个")]
    assert any("no year is stated" in item and "2025 was assumed" in item for item in document.report)


def test_without_any_year_the_year_is_left_empty_and_reported():
    document = extract_text("建成示范区10个。", "synthetic.txt")
    assert [(r["year"], r["raw_value"]) for r in long_rows(document.tables)] == [(None, "10个")]
    assert any("not known either" in item for item in document.report)
    assert NO_TABLE not in document.report  # a prose-only document still yields rows


def report_of(text: str) -> list[str]:
    return extract_text(text, "synthetic.txt").report


def test_a_text_without_goal_wording_is_reported_as_achievements_and_jiezhi_is_no_target_year():
    document = extract_text("某市质量强市工作总结\n截至2023年底,全市累计培育省级品牌企业45家。", "synthetic.txt")
    assert document.manifest["target_year"] is None
    assert any("report of achievements" in item for item in document.report)


def test_what_is_set_aside_or_carried_is_noted():
    report = report_of(
        "某市质量发展规划(2021-2025年)\n到2025年,实施甲、乙等9个领域的提升行动,推动5G与制造业融合。\n"
        "全市培育品牌企业30家。"
    )
    assert any("9个" in item and "an action" in item for item in report)
    assert any("5 in" in item and "bare number" in item for item in report)
    assert any("carried from an earlier paragraph" in item for item in report)


def test_an_undated_result_is_reported_not_given_the_base_year():
    report = report_of("某省质量强省“十四五”规划\n一、发展基础\n标准体系不断完善。累计主导制定国际标准36项。")
    assert any("year left empty, not taken as 2020" in item for item in report)


def test_an_indicator_of_punctuation_only_is_no_row():
    from planwatch.extract.cutting import extract_fragments

    fragments, notes = extract_fragments("(9.6件)")
    assert fragments == [] and any("is no name" in n for n in notes)
