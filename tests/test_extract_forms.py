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
    ("某市质量提升三年行动计划(2016-2018年)\n即到2018年,全市制定团体标准100项以上。",
     [("全市制定团体标准", 2018, "target", "100项以上")]),
    ("某市质量发展规划\n到“十五五”末,全市培育品牌企业50家。",
     [("全市培育品牌企业", 2030, "target", "50家")]),
    # a time phrase after a lead word (力争, 提出) still dates its clause
    ("某省“十三五”规划\n力争到2020年全省在役工业机器人超过10万台。",
     [("全省在役工业机器人", 2020, "target", "超过10万台")]),
    # a period's review inside a news report: the figures are actuals of that period's last year
    ("某省质量强省“十三五”规划\n“十二五”期间,全省导入卓越绩效管理的企业达到500家以上。",
     [("全省导入卓越绩效管理的企业", 2015, "actual", "达到500家以上")]),
    # baselines stated after the targets, referring back to them
    ("某省质量提升“十三五”规划\n到2020年,甲指数要达到84.5,乙合格率要稳定在92%以上。而在2015年,这2个指标分别是83.5和91.1%。",
     [("甲指数", 2020, "target", "达到84.5"), ("乙合格率", 2020, "target", "稳定在92%以上"),
      ("甲指数", 2015, "baseline", "83.5"), ("乙合格率", 2015, "baseline", "91.1%")]),
    # 分别 lists
    ("某市质量发展规划(2021-2025年)\n到2025年,甲产品、乙产品和丙产品分别达到20个、30个和5个。",
     [("甲产品", 2025, "target", "达到20个"), ("乙产品", 2025, "target", "30个"), ("丙产品", 2025, "target", "5个")]),
    # a list of thresholds inside the name, shared out by 分别
    ("某市质量发展规划(2021-2025年)\n到2025年,年营收超过100亿元、50亿元的企业分别达到3家、6家。",
     [("年营收超过100亿元的企业", 2025, "target", "达到3家"), ("年营收超过50亿元的企业", 2025, "target", "6家")]),
    # one value shared by several indicators
    ("某市质量发展规划(2021-2025年)\n到2025年,甲抽查合格率和乙抽检合格率均在95%以上。",
     [("甲抽查合格率", 2025, "target", "95%以上"), ("乙抽检合格率", 2025, "target", "95%以上")]),
    ("某市质量发展规划(2021-2025年)\n到2025年,道路、桥梁等工程验收合格率均为100%。",
     [("道路工程验收合格率", 2025, "target", "100%"), ("桥梁工程验收合格率", 2025, "target", "100%")]),
    # changes relative to the base: the change words stay with the name (docs/raw-contract.md), the number is the value
    ("某市质量发展规划(2021-2025年)\n到2025年,单位产值能耗较2020年下降13%,专利拥有量年均增长15%左右。",
     [("单位产值能耗较2020年下降", 2025, "target", "13%"), ("专利拥有量年均增长", 2025, "target", "15%左右")]),
    # ranges written with the unit twice, upper bounds
    ("某市质量发展规划(2021-2025年)\n到2025年,培育链主企业3家至5家,审批时限压缩到5个工作日以内,投诉率控制在1%以下。",
     [("培育链主企业", 2025, "target", "3家至5家"), ("审批时限压缩到", 2025, "target", "5个工作日以内"),
      ("投诉率", 2025, "target", "控制在1%以下")]),
    # qualitative targets, in a document whose running text is its only list of targets
    ("某市质量发展规划(2021-2025年)\n到2025年,电子支付比例大幅提高,质量竞争力指数接近全国平均水平,质量水平不断提升。",
     [("电子支付比例", 2025, "target", "大幅提高"), ("质量竞争力指数", 2025, "target", "接近全国平均水平")]),
    # a bare measure after a figure is of the thing just named
    ("某市质量发展规划(2021-2025年)\n到2025年,农产品监测2批次/千人,合格率98%。",
     [("农产品监测", 2025, "target", "2批次/千人"), ("农产品监测合格率", 2025, "target", "98%")]),
    # traditional characters: read in simplified form, written as published
    ("某市質量發展規劃(2021-2025年)\n到2025年,全市產品質量合格率達到95%以上。",
     [("全市產品質量合格率", 2025, "target", "達到95%以上")]),
    # a page of achievements only: its figures are actuals, never targets (year from the text, else the base year)
    ("某省质量强省“十四五”规划\n一、现实基础\n质量发展走在前列。全省工程一次验收合格率100%,2020年城市空气优良天数比率达93.3%。",
     [("全省工程一次验收合格率", 2020, "actual", "100%"), ("城市空气优良天数比率", 2020, "actual", "达93.3%")]),
    # ranks, totals of a list and asides are no figures
    ("某市质量发展规划(2021-2025年)\n到2025年,实施甲、乙等9个领域的提升行动。2018年,我市被评为全国最好的4个市之一。",
     []),
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
