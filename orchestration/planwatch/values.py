"""The one parser of published values: "≥96", "98.2以上", "不少于12万台(件)", "力争1~3项", "完成上级下达任务", "-".

Every value in the warehouse goes through `parse_value`: the dbt staging models call it as the DuckDB function
`pw_parse_value` (registered by `planwatch.dbt_plugin`), and Python code (the document extractor, tests) imports
it. The published text itself is never changed; the parse result sits beside it.

A parse is a `ParsedValue`:
- `comparator`: `>=`, `>`, `<=`, `<`, `=`, `approx` (左右, 近3000, 40多, 1000余), `range` (1~3), `qual` (a
  qualitative target such
  as 完成上级下达任务 or 创成), `na` (nothing published: "-", "/", empty) or `unparsed` (digits we cannot read:
  flagged, never guessed);
- `number` (as printed, before the multiplier; "1,234.5" → 1234.5, "-3" → -3) and `upper` (a range's upper bound);
- `multiplier`: 10000 for 万, 100000000 for 亿, else 1; `value = number * multiplier`;
- `unit`: the unit printed with the number ("%", "项", "µg/m3", "件/万人"), None when none is printed;
- `qualifier`: words that qualify the target without changing its number (力争, 保持, 稳定在, 达到, 控制在,
  高线, 低线, “十四五”均值 ...), the word that makes a number approximate (近, 多, 余), and a change printed with
  the number: a change from the base (较2020年下降13%, 年均增长15%左右, 提升2个百分点以上: the number is the
  change) or a level reached by a change (提高到50%, 压缩到5个工作日以内: the number is the level; a fall to a level
  is a ceiling, a rise to one a floor, unless 以内/以上 … says otherwise).

A range may print its unit twice ("3家至5家", "5%-10%"): it reads as "3至5家".
"""

import re
import unicodedata
from dataclasses import asdict, dataclass
from decimal import Decimal

from planwatch import vocabulary

# The comparators a parse gives: the vocabulary 'comparator' (planwatch.vocabulary, seeds/vocabulary.csv).
COMPARATORS = vocabulary.codes("comparator")

# Printed before the number.
_PREFIX_COMPARATORS = {
    "≥": ">=", ">=": ">=", "不少于": ">=", "不低于": ">=", "不小于": ">=",
    ">": ">", "多于": ">", "超过": ">", "高于": ">", "大于": ">", "达到或超过": ">=", "达到或高于": ">=",
    "≤": "<=", "<=": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=", "不多于": "<=",
    "<": "<", "低于": "<", "少于": "<", "小于": "<",
}
# Printed after the number (and its unit).
_SUFFIX_COMPARATORS = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "approx"}
# Words that qualify a target; some also imply a direction when no comparator is printed.
_QUALIFIERS = {
    "力争": ">=", "争取": ">=", "达到": ">=", "达": ">=", "保持": "=", "保持在": "=", "稳定在": "=", "控制在": "<=",
}
# "近3000家", "40多项", "1000余家", "3万余人": the number is approximate (comparator approx unless another is printed).
_APPROX_PREFIX = "近"
_APPROX_SUFFIXES = ("多", "余")
_NA_TEXTS = {"", "-", "/", "—", "--", "——", "无", "/ ", "－", "−"}
_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}
# Traditional forms that occur in mirrored pages, folded only for parsing.
_TRADITIONAL = str.maketrans({"於": "于", "過": "过", "萬": "万", "億": "亿", "項": "项", "個": "个",
                              "內": "内", "達": "达", "穩": "稳", "爭": "争", "к": "k",
                              # change and unit words: 壓縮到, 較2020年, 噸, 小時, 標準煤, 單位
                              "壓": "压", "縮": "缩", "較": "较", "長": "长", "噸": "吨", "時": "时", "標": "标",
                              "準": "准", "單": "单", "點": "点", "樣": "样"})
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}

# Thousands separators are read only in groups of exactly three digits ("12,345"); "1,2" is no number.
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_CN_NUMBER = r"[零〇一二两三四五六七八九十百千]+"
_RANGE_SEP = r"\s*(?:~|～|-|—|–|－|至|到)\s*"
_PERIOD = r"“?[十]?[一二三四五六七八九十]五”?(?:期间|时期)?(?:年)?均值|年均"
# A change printed before the number. "提高到50%": the level reached (a rise to it is a floor, a fall a ceiling);
# "较2020年下降13%", "年均增长15%", "整体提升2个百分点": the size of the change from the base.
_RISE, _FALL = r"提高|提升|上升|增加|增长", r"降低|下降|减少|压缩|缩短"
_TO_LEVEL = rf"(?:{_RISE}|{_FALL})(?:到|至)|降至|降到"
_CHANGE = (r"(?:(?:较|比)(?:(?:19|20)\d\d年(?:底|末)?|“?十[一二三四五]五”?(?:末|期末|时期)?|基期|上年|同期)?)?"
           rf"(?:平均|累计|整体|总体)?(?:{_RISE}|{_FALL})")
_UNIT_IN_NAME = re.compile(r"[((]([^()()]{1,12})[))]\s*$")


@dataclass(frozen=True)
class ParsedValue:
    comparator: str
    number: float | None = None
    upper: float | None = None
    multiplier: int = 1
    unit: str | None = None
    qualifier: str | None = None
    note: str | None = None

    @property
    def value(self) -> float | None:
        return None if self.number is None else scale(self.number, self.multiplier)

    @property
    def value_upper(self) -> float | None:
        return None if self.upper is None else scale(self.upper, self.multiplier)

    def as_dict(self) -> dict:
        return asdict(self) | {"value": self.value, "value_upper": self.value_upper}


def scale(number: float, multiplier: int) -> float:
    # Decimal keeps 6.5万 == 65000 exactly instead of 64999.99999999999.
    return float(Decimal(repr(number)) * multiplier)


def normalise(text: str) -> str:
    """Fold width, micro signs and traditional characters so one grammar reads every spelling."""
    folded = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    # NFKC turns the micro sign into Greek mu; keep one spelling (the published one stays in raw_value).
    folded = folded.replace("μ", "µ")
    return re.sub(r"\s+", "", folded)


_CN_NUMERAL = re.compile(
    r"^(?:(?P<qian>[一二两三四五六七八九]?)(?P<thousand>千))?零?(?:(?P<bai>[一二两三四五六七八九]?)(?P<hundred>百))?零?"
    r"(?:(?P<shi>[一二两三四五六七八九])?(?P<ten>十))?(?P<ge>[一二两三四五六七八九])?$"
)


def chinese_number(text: str) -> int | None:
    """两 → 2, 十二 → 12, 三百五十 → 350, 一千零五 → 1005, 百 → 100; None if `text` is not one numeral (十四五)."""
    match = _CN_NUMERAL.match(text or "")
    if not text or match is None or not any(match.groupdict().values()):
        return None
    g = match.groupdict()
    digit = lambda key: _CN_DIGITS[g[key]] if g[key] else 0  # noqa: E731
    tens = (digit("shi") or 1) if g["ten"] else 0
    hundreds = (digit("bai") or 1) if g["hundred"] else 0
    thousands = (digit("qian") or 1) if g["thousand"] else 0
    return thousands * 1000 + hundreds * 100 + tens * 10 + digit("ge")


def _to_number(text: str) -> float | None:
    if re.fullmatch(_NUMBER, text):
        return float(text.replace(",", ""))
    n = chinese_number(text)
    return None if n is None else float(n)


_HEAD = re.compile(
    rf"""^
    (?P<label>高线|低线)?:?
    (?P<period>{_PERIOD})?
    (?P<change>{_TO_LEVEL}|{_CHANGE})?
    (?P<qualifier>力争|争取|达到|达|保持在|保持|稳定在|控制在)?
    (?P<prefix>≥|>=|≤|<=|>|<|达到或超过|达到或高于|不少于|不低于|不小于|多于|超过|高于|大于|不超过|不高于|不大于|不多于|低于|少于|小于)?
    (?P<near>近)?
    (?P<sign>[-−](?=\d))?  # "-3", "−3.5": a minus is a sign only before digits; alone it is a placeholder
    (?P<number>{_NUMBER}|{_CN_NUMBER})
    (?P<about>多|余)?
    (?:{_RANGE_SEP}(?P<upper>{_NUMBER}|{_CN_NUMBER}))?
    (?P<multiplier>万|亿)?
    (?P<about2>多|余)?
    (?P<tail>.*)
    $""",
    re.VERBOSE,
)
# "高线:≤25低线:稳定达标": a ceiling and a floor in one cell. The first is parsed; the second rides along as
# qualifier text until bounds get rows of their own.
_SECOND_BOUND = re.compile(r"(?<=.)(低线|高线):?(?P<rest>.*)$")


def parse_value(text: str | None) -> ParsedValue:
    """Parse one published value cell; never raises, never guesses (see module docstring)."""
    if text is None:
        return ParsedValue("na")
    cell = normalise(text)
    if cell in _NA_TEXTS:
        return ParsedValue("na")
    if not re.search(r"\d", cell) and not _is_chinese_numeral_value(cell):
        return ParsedValue("qual", qualifier=text.strip())

    cell = _fold_unit_range(cell)
    second = _SECOND_BOUND.search(cell)
    extra = None
    if second and cell.startswith(("高线", "低线")):
        cell, extra = cell[: second.start()], second.group(0)
    match = _HEAD.match(cell)
    if match is None:
        return ParsedValue("unparsed", note=f"no value grammar matches {text!r}")
    g = match.groupdict()
    number, upper = _to_number(g["number"]), _to_number(g["upper"]) if g["upper"] else None
    if g["sign"]:
        number = -number
    unit, suffix = _split_tail(g["tail"])
    trailing_period = None
    if unit is not None and re.fullmatch(rf"[((]?(?:{_PERIOD})[))]?", unit):
        # "≥57.5(“十四五”均值)": the bracket says over which period, it is no unit.
        trailing_period, unit = unit, None
    if unit is not None and parse_unit(unit) is None:
        return ParsedValue("unparsed", note=f"{unit!r} after the number is not a known unit")

    approx = [w for w in (g["near"], g["about"], g["about2"]) if w]
    if len(approx) > 1:
        return ParsedValue("unparsed", note=f"more than one approximating word in {text!r}")
    period, change = _period_word(g["period"] or trailing_period), g["change"]
    if period == "年均" and change:
        period, change = None, "年均" + change  # "年均增长15%": one phrase, the mean yearly change
    qualifiers = [q for q in (g["label"], period, change, g["qualifier"], *approx) if q]
    if upper is not None:
        comparator = "range"
        if g["prefix"] or suffix or approx:
            return ParsedValue("unparsed", note=f"a range with a comparator in {text!r}")
    else:
        comparator = (
            _PREFIX_COMPARATORS.get(g["prefix"] or "")
            or _SUFFIX_COMPARATORS.get(suffix or "")
            or ("approx" if approx else None)
            or (_QUALIFIERS.get(g["qualifier"]) if g["qualifier"] else None)
            or _change_direction(g["change"])
            or "="
        )
        if g["prefix"] and suffix and _SUFFIX_COMPARATORS[suffix] != comparator:
            return ParsedValue("unparsed", note=f"contradicting comparators in {text!r}")
    if extra:
        qualifiers.append(extra)
    return ParsedValue(
        comparator,
        number=number,
        upper=upper,
        multiplier=_MULTIPLIERS.get(g["multiplier"] or "", 1),
        unit=unit,
        qualifier=";".join(qualifiers) or None,
    )


def _change_direction(change: str | None) -> str | None:
    """A level reached by a change: a rise to it is a floor (提高到50% → >=), a fall to it a ceiling (降至30 → <=).
    The size of a change (下降13%) is just that number: None."""
    if not change or not re.fullmatch(_TO_LEVEL, change):
        return None
    return ">=" if re.match(_RISE, change) else "<="


# "3家至5家", "5%-10%": a range printed with its unit after both numbers.
_UNIT_RANGE = re.compile(rf"^(?P<head>.*?)(?P<low>{_NUMBER})(?P<unit>[^\d~～至到\-—–－−.,]{{1,8}}?)"
                         rf"(?P<sep>{_RANGE_SEP})(?P<high>{_NUMBER})(?P=unit)(?P<tail>.*)$")


def _fold_unit_range(cell: str) -> str:
    match = _UNIT_RANGE.match(cell)
    if match is None or parse_unit(match["unit"]) is None:
        return cell
    return match["head"] + match["low"] + match["sep"] + match["high"] + match["unit"] + match["tail"]


def _is_chinese_numeral_value(cell: str) -> bool:
    """"两个", "十二项": a whole cell that is a Chinese numeral with a unit, not words like 一次 or 一般."""
    match = _HEAD.match(cell)
    if match is None or match["near"] or chinese_number(match["number"]) is None:
        return False  # "近一年" is words, not an approximate count
    unit, _ = _split_tail(match["tail"])
    return unit is None or parse_unit(unit) is not None


def _split_tail(tail: str) -> tuple[str | None, str | None]:
    """What follows the number: a unit and/or a trailing comparator word (以上, 以下, 以内, 左右)."""
    suffix = next((s for s in _SUFFIX_COMPARATORS if tail.endswith(s)), None)
    if suffix:
        tail = tail[: -len(suffix)]
    elif (lead := next((s for s in _SUFFIX_COMPARATORS if tail.startswith(s)), None)) is not None:
        suffix, tail = lead, tail[len(lead):]
    unit = tail.strip()
    # "8(件/万人)以上": a unit printed in brackets right after the number.
    if re.fullmatch(r"[((][^()()]+[))]", unit):
        unit = unit[1:-1]
    return (unit or None), suffix


def _period_word(period: str | None) -> str | None:
    return re.sub(r"[()()]", "", period) if period else None


def _clean_unit(unit: str | None) -> str | None:
    unit = (unit or "").strip()
    return unit or None


# Units seen in plans and statistics, as tokens a unit is built from ("件/万人" = 件 / 万 + 人). A word outside
# this list after a number ("12021获批") or in brackets after a name ("(工业)", "(累计)") is not taken as a unit.
UNIT_TOKENS = sorted({
    "%", "‰", "℃", "个百分点", "百分点", "个", "项", "家", "件", "张", "名", "人", "人次", "批次", "批", "台", "套", "座",
    "天", "日", "次", "分", "元", "吨", "千克", "公斤", "克", "平方米", "立方米", "米", "千米", "公里", "亩", "公顷",
    "小时", "年", "月", "户", "所", "条", "处", "本", "场", "种", "款", "位", "辆", "艘", "只", "头", "株", "篇", "部",
    "份", "床", "微克", "毫克", "升", "标准煤", "蒸吨", "GDP", "千瓦时", "千瓦", "µg", "ug", "mg", "m3", "m2", "km", "kg",
    "t", "m", "L", "h", "d", "kWh", "kW",
    # durations and multiples: "压缩到5个工作日以内", "缩短至3个月", "是2010年前总和的8倍以上"
    "工作日", "个工作日", "个月", "倍",
}, key=len, reverse=True)
_UNIT_PREFIXES = ("万", "亿", "千", "百", "十")
# Units of whole things counted (people, firms, items, events): a count is never negative.
COUNT_UNITS = frozenset({
    "个", "项", "家", "件", "张", "名", "人", "人次", "批次", "批", "台", "套", "座", "次", "户", "所", "条", "处", "本",
    "场", "种", "款", "位", "辆", "艘", "只", "头", "株", "篇", "部", "份", "床",
})
_UNIT_PIECE = re.compile(
    rf"(?:(?:{'|'.join(_UNIT_PREFIXES)})?(?:{'|'.join(re.escape(t) for t in UNIT_TOKENS)}))+"
)


@dataclass(frozen=True)
class ParsedUnit:
    unit: str
    multiplier: int = 1
    note: str | None = None


def parse_unit(text: str | None) -> ParsedUnit | None:
    """A unit as printed → base unit and multiplier: "万件" → (件, 10000), "件/万人" → (件/万人, 1), "%" → (%, 1).

    None when the text is not built from known unit tokens: it is then no unit (and a caller flags it).
    """
    if text is None:
        return None
    unit = normalise(text)
    # "个(共76个站位)": a bracket holding a number annotates the unit; it is kept as a note.
    annotation = re.search(r"[((]([^()()]*\d[^()()]*)[))]$", unit)
    note = None
    if annotation and annotation.start() > 0:
        unit, note = unit[: annotation.start()], annotation.group(1)
    if not unit:
        return None
    pieces = [p for p in re.split(r"[/()()每]", unit) if p]
    if not pieces or not all(_UNIT_PIECE.fullmatch(p) for p in pieces):
        return None
    # Only a leading 万/亿 scales the value ("万件"); one after a slash is part of the unit ("件/万人").
    if unit[0] in _MULTIPLIERS and len(unit) > 1 and "/" not in unit[:2]:
        return ParsedUnit(unit[1:], _MULTIPLIERS[unit[0]], note)
    return ParsedUnit(unit, 1, note)


def is_count_unit(unit: str | None) -> bool:
    """A base unit (as `parse_unit` gives it, 万 already split off) that counts things: 个, 人, 台(件); not 件/万人."""
    pieces = [p for p in re.split(r"[()()]", unit or "") if p]
    return bool(pieces) and all(p in COUNT_UNITS for p in pieces)


def unit_from_name(indicator: str | None) -> str | None:
    """The unit printed in brackets at the end of an indicator name: 规上工业新产品产值率(%) → %.

    "(累计)", "(新增)", "(工业)" are not units and give None.
    """
    if not indicator:
        return None
    match = _UNIT_IN_NAME.search(indicator.strip())
    if match is None or parse_unit(match.group(1)) is None:
        return None
    return normalise(match.group(1))


@dataclass(frozen=True)
class ResolvedUnit:
    unit: str | None  # base unit (万件 → 件), or the printed text when it is not a known unit
    as_published: str | None
    source: str | None  # unit_column, indicator_name, inline
    multiplier: int = 1  # from the unit column / name (万件); an inline 万 is already in the parsed value
    recognised: bool = True
    conflict: bool = False  # the unit column (or name) and the value's own unit disagree
    note: str | None = None  # an annotation printed with the unit: 个(共76个站位) → 共76个站位

    @property
    def is_count(self) -> bool:
        """The unit counts whole things (个, 家, 人次 …): such a value is never below 0."""
        return is_count_unit(self.unit)

    def as_dict(self) -> dict:
        return asdict(self) | {"is_count": self.is_count}


def resolve_unit(unit_cell: str | None, indicator: str | None, inline_unit: str | None) -> ResolvedUnit:
    """A value's unit: the table's unit column first, then "(%)" in the indicator name, then a unit printed
    with the value itself ("95%"). A unit column holding "/" or "-" means "no unit"."""
    cell = (unit_cell or "").strip()
    printed = cell if cell not in ("", "/", "-") else unit_from_name(indicator)
    if printed is None:
        return ResolvedUnit(inline_unit, inline_unit, "inline" if inline_unit else None)
    parsed = parse_unit(printed)
    base = parsed.unit if parsed else printed
    return ResolvedUnit(
        unit=base,
        as_published=printed,
        source="unit_column" if cell not in ("", "/", "-") else "indicator_name",
        multiplier=parsed.multiplier if parsed else 1,
        recognised=parsed is not None,
        conflict=inline_unit is not None and inline_unit != base,
        note=parsed.note if parsed else None,
    )


# ---- values inside running text -------------------------------------------------------------------------------

_LATIN_UNITS = {"t", "m", "h", "d", "L"}  # too short to trust inside running text unless after a number
# Counted things printed in words: "两个", "十余家". "一批" (a batch of) and "一些" are no counts.
_CN_COUNT_UNITS = ("个", "项", "家", "件", "名", "批", "台", "张")
_INDEFINITE = re.compile(r"^一(?:批|些)")


def _unit_pattern() -> str:
    """A unit inside running text. Unlike a whole cell (where "件/万人", "个百分点" and "吨标准煤" are read by
    `parse_unit`), a sentence goes on after the unit, so unit tokens are not strung together: "3个项目" is 3个
    (not 3个项), "30名人才" is 30名. Tokens join only through "/" and brackets ("件/万人", "台(件)"), and 标准煤
    may follow a unit ("万吨标准煤")."""
    tokens = "|".join(re.escape(t) for t in UNIT_TOKENS)
    piece = rf"(?:(?:{'|'.join(_UNIT_PREFIXES)})?(?:{tokens})(?:标准煤)?)"
    path = rf"{piece}(?:/{piece})*"
    return rf"(?:{path}(?:[((]{path}[))])?|[((]{path}[))])"


_IN_TEXT = re.compile(
    rf"""
    (?P<value>
        (?:(?:高线|低线)[::]?)?
        (?:力争|争取|达到|达|保持在|保持|稳定在|控制在)?
        (?:≥|>=|≤|<=|>|<|不少于|不低于|不小于|多于|超过|高于|大于|不超过|不高于|不大于|不多于|低于|少于|小于)?
        (?:近(?!\d+(?:\.\d+)?个?[年月天日周]))?
        (?P<number>\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+(?=[多余]?(?:{"|".join(_CN_COUNT_UNITS)})))
        (?:(?P<lowunit>{_unit_pattern()})\s*(?:至|到|~|～)\s*\d+(?:\.\d+)?(?=(?P=lowunit)))?
        (?:[多余](?=[万亿]|{_unit_pattern()}))?
        (?:{_RANGE_SEP}\d+(?:\.\d+)?)?
        (?:万|亿)?
        (?:[多余](?={_unit_pattern()}))?
        (?P<unit>{_unit_pattern()})?
        (?:\s?(?:以上|以下|以内|左右))?
    )""",
    re.VERBOSE,
)
# Telephone numbers and codes: "023-85238885", "0576-88888888", "400-123-4567", "13812345678", "(0576)8888888".
_LEADING_ZERO = re.compile(r"^0\d")
_DIGIT_DASH = re.compile(r"\d\s?[-—–－]$")
_DASH_DIGIT = re.compile(r"^\s?[-—–－]\s?\d")
_LONG_CODE = 7  # a bare integer of this many digits or more is a number of something else (phone, ID, account)


@dataclass(frozen=True)
class ValueInText:
    start: int
    end: int
    text: str
    parsed: ParsedValue
    # Nothing printed against the number: no unit, no 万/亿, no comparator or qualifier word ("96345", "“1511计划”",
    # "10强"). Such a number is as likely a code, a name or a rank as a figure; the caller decides.
    bare: bool = False
    # The number is printed in Chinese numerals ("两个", "十余家"), as in idioms, not in digits.
    in_words: bool = False


def find_values(text: str) -> list[ValueInText]:
    """Every value phrase in a sentence ("产品抽样总体合格率96.23%" → "96.23%"), parsed by `parse_value`.

    Years ("2025年", "2020年底"), telephone numbers and codes ("023-85238885", "ISO9000", "GB/T 19001") and the
    indefinite 一批/一些 are not values. Spans are positions in `text` itself, so a caller can cut the indicator
    name that precedes a value out of the published sentence verbatim. A number with nothing printed against it
    is returned with `bare` set; one printed in Chinese numerals with `in_words` set.
    """
    found = []
    for match in _IN_TEXT.finditer(text):
        phrase = match.group("value")
        number = match.group("number")
        unit = match.group("unit") or ""
        start, end = match.start("value"), match.end("value")
        if re.fullmatch(r"(?:19|20)\d\d", number) and (unit.startswith("年") or not unit):
            continue  # a year, not a value
        if unit in _LATIN_UNITS and text[end:end + 1].isascii() and text[end:end + 1].isalpha():
            continue  # "9001m..." is part of a code, not 9001 m
        # inside a longer token (ISO9000, GB/T 19001, 1.5.2); a list number "3." before a word is no part of it
        glued = start > 0 and (re.match(r"[\dA-Za-z]", text[start - 1])
                               or (text[start - 1] == "." and text[start:start + 1].isdigit()))
        if re.match(r"[\d.]", text[end:end + 1] or "x") or glued:
            continue  # inside a longer token (ISO9000, GB/T 19001)
        if _is_code(text, match, number):
            continue
        in_words = not number[0].isdigit()
        if in_words and _INDEFINITE.match(text[match.start("number"):]):
            continue
        parsed = parse_value(phrase)
        if parsed.comparator in ("qual", "na", "unparsed"):
            continue
        bare = (parsed.unit is None and parsed.multiplier == 1 and parsed.qualifier is None
                and parsed.comparator in ("=", "range"))
        found.append(ValueInText(start, end, phrase, parsed, bare=bare, in_words=in_words))
    return found


def _is_code(text: str, match: re.Match, number: str) -> bool:
    """A telephone number or code rather than a value: digits only (no unit or word printed with them) and a
    leading zero ("023", "0576"), or a part of a dash-joined chain of digits ("400-123-4567": each part), or a
    long integer ("13812345678")."""
    phrase = match.group("value")
    if not re.fullmatch(rf"\d+(?:{_RANGE_SEP}\d+)?", phrase):
        return False  # "5%-10%": a unit or word is printed with it, it is a value
    start, end = match.start("value"), match.end("value")
    if _DIGIT_DASH.search(text[max(0, start - 2):start]) or _DASH_DIGIT.match(text[end:end + 3]):
        return True
    return any(_LEADING_ZERO.match(part) or len(part) >= _LONG_CODE for part in re.findall(r"\d+", phrase))
