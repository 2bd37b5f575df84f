"""The one parser of published values (the cell grammar): "≥96", "98.2以上", "不少于12万台(件)", "力争1~3项", "完成上级下达任务", "-".

Every value in the warehouse goes through `parse_value`: the dbt staging models call it as the DuckDB function
`pw_parse_value` (registered by `planwatch.dbt.plugin`), and Python code (the document extractor, tests) imports
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
from dataclasses import asdict, dataclass
from decimal import Decimal

from planwatch import vocabulary

# The comparators a parse gives: the vocabulary 'comparator' (planwatch.vocabulary, seeds/vocabulary.csv).
from planwatch.values.text import normalise
from planwatch.values.units import MULTIPLIERS, parse_unit

# The comparators a parse gives: the vocabulary 'comparator' (planwatch.vocabulary, seeds/vocabulary.csv).
COMPARATORS = vocabulary.codes("comparator")


# Printed before the number.
_PREFIX_COMPARATORS = {
    "≥": ">=",
    ">=": ">=",
    "不少于": ">=",
    "不低于": ">=",
    "不小于": ">=",
    ">": ">",
    "多于": ">",
    "超过": ">",
    "高于": ">",
    "大于": ">",
    "达到或超过": ">=",
    "达到或高于": ">=",
    "≤": "<=",
    "<=": "<=",
    "不超过": "<=",
    "不高于": "<=",
    "不大于": "<=",
    "不多于": "<=",
    "<": "<",
    "低于": "<",
    "少于": "<",
    "小于": "<",
}


# Printed after the number (and its unit).
_SUFFIX_COMPARATORS = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "approx"}


# Words that qualify a target; some also imply a direction when no comparator is printed.
_QUALIFIERS = {
    "力争": ">=",
    "争取": ">=",
    "达到": ">=",
    "达": ">=",
    "保持": "=",
    "保持在": "=",
    "稳定在": "=",
    "控制在": "<=",
}


# "近3000家", "40多项", "1000余家", "3万余人": the number is approximate (comparator approx unless another is printed).
_APPROX_PREFIX = "近"


_APPROX_SUFFIXES = ("多", "余")


_NA_TEXTS = {"", "-", "/", "—", "--", "——", "无", "/ ", "－", "−"}


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


# Thousands separators are read only in groups of exactly three digits ("12,345"); "1,2" is no number.
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"


_CN_NUMBER = r"[零〇一二两三四五六七八九十百千]+"


RANGE_SEP = r"\s*(?:~|～|-|—|–|－|至|到)\s*"


_PERIOD = r"“?[十]?[一二三四五六七八九十]五”?(?:期间|时期)?(?:年)?均值|年均"


# A change printed before the number. "提高到50%": the level reached (a rise to it is a floor, a fall a ceiling);
# "较2020年下降13%", "年均增长15%", "整体提升2个百分点": the size of the change from the base.
_RISE, _FALL = r"提高|提升|上升|增加|增长", r"降低|下降|减少|压缩|缩短"


_TO_LEVEL = rf"(?:{_RISE}|{_FALL})(?:到|至)|降至|降到"


_CHANGE = (
    r"(?:(?:较|比)(?:(?:19|20)\d\d年(?:底|末)?|“?十[一二三四五]五”?(?:末|期末|时期)?|基期|上年|同期)?)?"
    rf"(?:平均|累计|整体|总体)?(?:{_RISE}|{_FALL})"
)


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
    (?:{RANGE_SEP}(?P<upper>{_NUMBER}|{_CN_NUMBER}))?
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
        multiplier=MULTIPLIERS.get(g["multiplier"] or "", 1),
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
_UNIT_RANGE = re.compile(
    rf"^(?P<head>.*?)(?P<low>{_NUMBER})(?P<unit>[^\d~～至到\-—–－−.,]{{1,8}}?)"
    rf"(?P<sep>{RANGE_SEP})(?P<high>{_NUMBER})(?P=unit)(?P<tail>.*)$"
)


def _fold_unit_range(cell: str) -> str:
    match = _UNIT_RANGE.match(cell)
    if match is None or parse_unit(match["unit"]) is None:
        return cell
    return match["head"] + match["low"] + match["sep"] + match["high"] + match["unit"] + match["tail"]


def _is_chinese_numeral_value(cell: str) -> bool:
    """ "两个", "十二项": a whole cell that is a Chinese numeral with a unit, not words like 一次 or 一般."""
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
        suffix, tail = lead, tail[len(lead) :]
    unit = tail.strip()
    # "8(件/万人)以上": a unit printed in brackets right after the number.
    if re.fullmatch(r"[((][^()()]+[))]", unit):
        unit = unit[1:-1]
    return (unit or None), suffix


def _period_word(period: str | None) -> str | None:
    return re.sub(r"[()()]", "", period) if period else None
