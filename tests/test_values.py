"""The one value parser, on every form that occurs in the five published plans (and the extractor's extras)."""

import pytest

from conftest import PROJECT_ROOT, plan_value_cells
from planwatch.values import chinese_number, is_count_unit, parse_unit, parse_value, unit_from_name

# (published text, comparator, number, upper, multiplier, unit, qualifier)
FORMS = [
    ("100", "=", 100, None, 1, None, None),
    ("0.3", "=", 0.3, None, 1, None, None),
    ("≥96", ">=", 96, None, 1, None, None),
    ("≥98.2", ">=", 98.2, None, 1, None, None),
    ("≤0.42", "<=", 0.42, None, 1, None, None),
    ("98.2以上", ">=", 98.2, None, 1, None, None),
    ("98% 以上", ">=", 98, None, 1, "%", None),
    ("93.5%以上", ">=", 93.5, None, 1, "%", None),
    ("95%", "=", 95, None, 1, "%", None),
    ("96.23%", "=", 96.23, None, 1, "%", None),
    ("40µg/m3", "=", 40, None, 1, "µg/m3", None),
    ("多于240项", ">", 240, None, 1, "项", None),
    ("超过40%", ">", 40, None, 1, "%", None),
    ("超过6.5万件", ">", 6.5, None, 10_000, "件", None),
    ("不少于12万台(件)", ">=", 12, None, 10_000, "台(件)", None),
    ("不少于5批次/千人/年", ">=", 5, None, 1, "批次/千人/年", None),
    ("8(件/万人)以上", ">=", 8, None, 1, "件/万人", None),
    ("20个(人)", "=", 20, None, 1, "个(人)", None),
    ("1000亿元以上", ">=", 1000, None, 100_000_000, "元", None),
    ("5320.79万元", "=", 5320.79, None, 10_000, "元", None),
    ("16.1个百分点", "=", 16.1, None, 1, "个百分点", None),
    ("力争1~3项", "range", 1, 3, 1, "项", "力争"),
    ("保持100%", "=", 100, None, 1, "%", "保持"),
    ("保持在85%", "=", 85, None, 1, "%", "保持在"),
    ("稳定在10%以下", "<=", 10, None, 1, "%", "稳定在"),
    ("稳定在98%以上", ">=", 98, None, 1, "%", "稳定在"),
    ("达到300家", ">=", 300, None, 1, "家", "达到"),
    ("达98%以上", ">=", 98, None, 1, "%", "达"),
    ("85分以上", ">=", 85, None, 1, "分", None),
    ("≥57.5(“十四五”均值)", ">=", 57.5, None, 1, None, "“十四五”均值"),
    ("高线:≤25低线:稳定达标", "<=", 25, None, 1, None, "高线;低线:稳定达标"),
    # forms the document extractor will meet
    ("1-2", "range", 1, 2, 1, None, None),
    ("1—2项", "range", 1, 2, 1, "项", None),
    ("不超过30", "<=", 30, None, 1, None, None),
    ("控制在0.5以内", "<=", 0.5, None, 1, None, "控制在"),
    ("96左右", "approx", 96, None, 1, None, None),
    ("１００％", "=", 100, None, 1, "%", None),
    ("不少於12萬件", ">=", 12, None, 10_000, "件", None),
    ("两个", "=", 2, None, 1, "个", None),
    ("40μg/m3", "=", 40, None, 1, "µg/m3", None),
    # forms of published statistics (raw/actuals)
    ("12,345", "=", 12345, None, 1, None, None),
    ("1,234.5", "=", 1234.5, None, 1, None, None),
    ("1,234,567", "=", 1234567, None, 1, None, None),
    ("１２，３４５件", "=", 12345, None, 1, "件", None),
    ("1,000~2,000", "range", 1000, 2000, 1, None, None),
    ("12,345.6万元", "=", 12345.6, None, 10_000, "元", None),
    ("９６.５％", "=", 96.5, None, 1, "%", None),
    ("-3", "=", -3, None, 1, None, None),
    ("−3.5", "=", -3.5, None, 1, None, None),
    ("－0.6%", "=", -0.6, None, 1, "%", None),
    # forms of unseen plans (issue 12): changes from the base, ranges with the unit twice, ceilings, traditional
    ("较2020年下降13%", "=", 13, None, 1, "%", "较2020年下降"),  # the number is the size of the change
    ("比“十三五”末提高5个百分点", "=", 5, None, 1, "个百分点", "比“十三五”末提高"),
    ("年均增长15%左右", "approx", 15, None, 1, "%", "年均增长"),
    ("整体提升2个百分点以上", ">=", 2, None, 1, "个百分点", "整体提升"),
    ("提高到50%", ">=", 50, None, 1, "%", "提高到"),  # a level reached by a rise is a floor
    ("降至30微克/立方米", "<=", 30, None, 1, "微克/立方米", "降至"),  # … by a fall a ceiling
    ("压缩到5个工作日以内", "<=", 5, None, 1, "个工作日", "压缩到"),
    ("缩短至3个月以内", "<=", 3, None, 1, "个月", "缩短至"),
    ("控制在5%以下", "<=", 5, None, 1, "%", "控制在"),
    ("3家至5家", "range", 3, 5, 1, "家", None),
    ("5%-10%", "range", 5, 10, 1, "%", None),
    ("达到或超过90%", ">=", 90, None, 1, "%", None),
    ("8倍以上", ">=", 8, None, 1, "倍", None),
    ("達到95%以上", ">=", 95, None, 1, "%", "达到"),
    ("壓縮到3個工作日以內", "<=", 3, None, 1, "个工作日", "压缩到"),
]


@pytest.mark.parametrize("text, comparator, number, upper, multiplier, unit, qualifier", FORMS)
def test_published_forms(text, comparator, number, upper, multiplier, unit, qualifier):
    parsed = parse_value(text)
    assert (parsed.comparator, parsed.number, parsed.upper, parsed.multiplier, parsed.unit, parsed.qualifier) == (
        comparator,
        number,
        upper,
        multiplier,
        unit,
        qualifier,
    )


@pytest.mark.parametrize("text", ["-", "－", "−", "/", "", "  ", None])
def test_nothing_published_is_na(text):
    assert parse_value(text).comparator == "na"


@pytest.mark.parametrize(
    "text",
    [
        "完成上级下达任务",
        "创成",
        "已创成",
        "基本建成",
        "稳步下降(完成市下达任务)",
        "符合省下达目标要求",
        "国家级生态文明建设示范区",
        "稳步提升",
        "不断提高",
        "接近全国平均水平",
    ],
)
def test_qualitative_text_is_kept_as_qualitative(text):
    parsed = parse_value(text)
    assert parsed.comparator == "qual" and parsed.number is None and parsed.qualifier == text


@pytest.mark.parametrize(
    "text",
    [
        "12021获批",
        "约3成",
        "第2批次以后",
        # a thousands group is exactly three digits; formulas are no numbers
        "1,2",
        "1,2345",
        "12,34.5",
        "1,234,56",
        "-2+3",
        "=1+2",
        "@SUM(1)",
    ],
)
def test_digits_we_cannot_read_are_flagged_not_guessed(text):
    parsed = parse_value(text)
    assert parsed.comparator == "unparsed" and parsed.number is None and parsed.note


def test_multiplier_is_exact():
    assert parse_value("6.5万件").value == 65_000
    assert parse_value("4.3万").value == 43_000
    assert parse_value("11.7万台(件)").value == 117_000


def test_chinese_numerals():
    assert [chinese_number(t) for t in ("十", "十二", "二十", "三百五十", "两千", "一千零五")] == [
        10,
        12,
        20,
        350,
        2000,
        1005,
    ]
    assert chinese_number("十四五") is None


def test_units():
    assert parse_unit("万件").unit == "件" and parse_unit("万件").multiplier == 10_000
    assert parse_unit("件/万人").multiplier == 1
    assert parse_unit("个(共76个站位)").unit == "个" and parse_unit("个(共76个站位)").note == "共76个站位"
    assert parse_unit("微克/立方米").unit == "微克/立方米"
    assert parse_unit("获批") is None
    assert unit_from_name("规上工业新产品产值率(%)") == "%"
    assert unit_from_name("农业“三品”认证产品累计数量(个)") == "个"
    assert unit_from_name("台州市政府质量奖企业(累计)") is None
    assert unit_from_name("浙江名牌产品总数(工业)") is None


def test_every_value_in_raw_parses_or_is_flagged_on_purpose():
    """Every value cell of the five plans parses; the one garbled cell (12021获批) is flagged, not guessed."""
    cells = list(plan_value_cells(PROJECT_ROOT / "raw"))
    assert len(cells) > 400
    assert [text for *_, text in cells if parse_value(text).comparator == "unparsed"] == ["12021获批"]


def test_count_units():
    assert [is_count_unit(u) for u in ("个", "家", "人", "台(件)", "人次")] == [True] * 5
    assert [is_count_unit(u) for u in ("%", "件/万人", "天", "元", "微克/立方米", "", None)] == [False] * 7


def test_unit_resolution_order():
    from planwatch.values import resolve_unit

    column = resolve_unit("万件", "国内有效商标注册数(累计)", None)
    assert (column.unit, column.multiplier, column.source, column.recognised) == ("件", 10_000, "unit_column", True)
    named = resolve_unit("", "规上工业新产品产值率(%)", None)
    assert (named.unit, named.source) == ("%", "indicator_name")
    inline = resolve_unit("/", "生态文明示范区创建", "个")
    assert (inline.unit, inline.source) == ("个", "inline")
    assert resolve_unit("%", "x", "个").conflict
    unknown = resolve_unit("站位", "x", None)
    assert (unknown.unit, unknown.recognised) == ("站位", False)


# ---- approximate values and values inside running text ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, comparator, number, multiplier, unit, qualifier",
    [
        ("40多项", "approx", 40, 1, "项", "多"),
        ("1000余家", "approx", 1000, 1, "家", "余"),
        ("近3000家", "approx", 3000, 1, "家", "近"),
        ("3万余人", "approx", 3, 10_000, "人", "余"),
        ("9100多万元", "approx", 9100, 10_000, "元", "多"),
        ("十余家", "approx", 10, 1, "家", "余"),
        ("达到40多项", "approx", 40, 1, "项", "达到;多"),
        ("1000余家以上", ">=", 1000, 1, "家", "余"),  # a printed comparator wins; the word stays a qualifier
        ("20ug/m3", "=", 20, 1, "ug/m3", None),
        ("控制在20ug/m3以内", "<=", 20, 1, "ug/m3", "控制在"),
    ],
)
def test_approximate_and_ug_forms(text, comparator, number, multiplier, unit, qualifier):
    parsed = parse_value(text)
    assert (parsed.comparator, parsed.number, parsed.multiplier, parsed.unit, parsed.qualifier) == (
        comparator,
        number,
        multiplier,
        unit,
        qualifier,
    )


def test_words_are_not_read_as_approximate_counts():
    assert parse_value("近一年").comparator == "qual"
    assert parse_value("近10~20项").comparator == "unparsed"  # an approximate range is not guessed


def _found(text):
    from planwatch.extract.finder import find_values

    return [(v.text, v.bare, v.in_words) for v in find_values(text)]


def test_find_values_stops_at_the_unit():
    assert _found("新增3个项目,培养30名人才,培训100人次") == [
        ("3个", False, False),
        ("30名", False, False),
        ("100人次", False, False),
    ]
    # Units still join through a slash or brackets, and 标准煤 may follow a unit.
    assert _found("不少于5批次/千人/年,8(件/万人)以上,不少于12万台(件),节约5万吨标准煤") == [
        ("不少于5批次/千人/年", False, False),
        ("8(件/万人)以上", False, False),
        ("不少于12万台(件)", False, False),
        ("5万吨标准煤", False, False),
    ]


def test_find_values_skips_phone_numbers_and_codes_and_flags_bare_numbers():
    text = "热线96345,电话0633-8888888、400-123-4567、13812345678、(0576)88888888,ISO9000,“1511计划”,1-2"
    assert _found(text) == [("96345", True, False), ("1511", True, False), ("1-2", True, False)]
    assert _found("5%-10%") == [("5%", False, False), ("10%", False, False)]
    assert _found("2025年,增长9.4%") == [("9.4%", False, False)]


def test_find_values_in_words_and_approximate():
    assert _found("形成一批品牌、一些企业,建设两个中心,十余家企业") == [("两个", False, True), ("十余家", False, True)]
    assert _found("新建40多项计量标准,1000余家,近3000家,近5年来") == [
        ("40多项", False, False),
        ("1000余家", False, False),
        ("近3000家", False, False),
        ("5年", False, False),
    ]
    assert _found("控制在20ug/m3以内") == [("控制在20ug/m3以内", False, False)]
