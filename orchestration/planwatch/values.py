"""The one parser of published values: "≥96", "98.2以上", "不少于12万台(件)", "力争1~3项", "完成上级下达任务", "-".

Every value in the warehouse goes through `parse_value`: the dbt staging models call it as the DuckDB function
`pw_parse_value` (registered by `planwatch.dbt_plugin`), and Python code (the document extractor, tests) imports
it. The published text itself is never changed; the parse result sits beside it.

A parse is a `ParsedValue`:
- `comparator`: `>=`, `>`, `<=`, `<`, `=`, `approx` (左右), `range` (1~3), `qual` (a qualitative target such
  as 完成上级下达任务 or 创成), `na` (nothing published: "-", "/", empty) or `unparsed` (digits we cannot read:
  flagged, never guessed);
- `number` (as printed, before the multiplier) and `upper` (a range's upper bound);
- `multiplier`: 10000 for 万, 100000000 for 亿, else 1; `value = number * multiplier`;
- `unit`: the unit printed with the number ("%", "项", "µg/m3", "件/万人"), None when none is printed;
- `qualifier`: words that qualify the target without changing its number (力争, 保持, 稳定在, 达到, 控制在,
  高线, 低线, “十四五”均值 ...).
"""

import re
import unicodedata
from dataclasses import asdict, dataclass
from decimal import Decimal

COMPARATORS = ("=", ">=", ">", "<=", "<", "approx", "range", "qual", "na", "unparsed")

# Printed before the number.
_PREFIX_COMPARATORS = {
    "≥": ">=", ">=": ">=", "不少于": ">=", "不低于": ">=", "不小于": ">=",
    ">": ">", "多于": ">", "超过": ">", "高于": ">", "大于": ">",
    "≤": "<=", "<=": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=", "不多于": "<=",
    "<": "<", "低于": "<", "少于": "<", "小于": "<",
}
# Printed after the number (and its unit).
_SUFFIX_COMPARATORS = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "approx"}
# Words that qualify a target; some also imply a direction when no comparator is printed.
_QUALIFIERS = {
    "力争": ">=", "达到": ">=", "达": ">=", "保持": "=", "保持在": "=", "稳定在": "=", "控制在": "<=",
}
_NA_TEXTS = {"", "-", "/", "—", "--", "——", "无", "/ ", "－"}
_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}
# Traditional forms that occur in mirrored pages, folded only for parsing.
_TRADITIONAL = str.maketrans({"於": "于", "過": "过", "萬": "万", "億": "亿", "項": "项", "個": "个",
                              "內": "内", "達": "达", "穩": "稳", "爭": "争", "к": "k"})
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

_NUMBER = r"\d+(?:\.\d+)?"
_CN_NUMBER = r"[零〇一二两三四五六七八九十百千]+"
_RANGE_SEP = r"\s*(?:~|～|-|—|–|－|至|到)\s*"
_PERIOD = r"“?[十]?[一二三四五六七八九十]五”?(?:期间|时期)?(?:年)?均值|年均"
_UNIT_IN_NAME = re.compile(r"[((]([^()()]{1,12})[))]\s*$")
# Words that sit in brackets at the end of an indicator name but are not units.
_NOT_UNITS = ("累计", "新增", "含", "年", "次/", "提名")


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
        return None if self.number is None else _scale(self.number, self.multiplier)

    @property
    def value_upper(self) -> float | None:
        return None if self.upper is None else _scale(self.upper, self.multiplier)

    def as_dict(self) -> dict:
        return asdict(self) | {"value": self.value, "value_upper": self.value_upper}


def _scale(number: float, multiplier: int) -> float:
    # Decimal keeps 6.5万 == 65000 exactly instead of 64999.99999999999.
    return float(Decimal(repr(number)) * multiplier)


def normalise(text: str) -> str:
    """Fold width, micro signs and traditional characters so one grammar reads every spelling."""
    folded = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    # NFKC turns the micro sign into Greek mu; keep one spelling (the published one stays in raw_value).
    folded = folded.replace("μ", "µ")
    return re.sub(r"\s+", "", folded)


def chinese_number(text: str) -> int | None:
    """两 → 2, 十二 → 12, 三百五十 → 350; None if `text` is not a Chinese numeral."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _to_number(text: str) -> float | None:
    if re.fullmatch(_NUMBER, text):
        return float(text)
    n = chinese_number(text)
    return None if n is None else float(n)


_HEAD = re.compile(
    rf"""^
    (?P<label>高线|低线)?:?
    (?P<period>{_PERIOD})?
    (?P<qualifier>力争|达到|达|保持在|保持|稳定在|控制在)?
    (?P<prefix>≥|>=|≤|<=|>|<|不少于|不低于|不小于|多于|超过|高于|大于|不超过|不高于|不大于|不多于|低于|少于|小于)?
    (?P<number>{_NUMBER}|{_CN_NUMBER})
    (?:{_RANGE_SEP}(?P<upper>{_NUMBER}|{_CN_NUMBER}))?
    (?P<multiplier>万|亿)?
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
    if not re.search(rf"\d|{_CN_NUMBER}(?:个|项|家|件|名|批|次|台|张|%)", cell):
        return ParsedValue("qual", qualifier=text.strip())

    second = _SECOND_BOUND.search(cell)
    extra = None
    if second and cell.startswith(("高线", "低线")):
        cell, extra = cell[: second.start()], second.group(0)
    match = _HEAD.match(cell)
    if match is None:
        return ParsedValue("unparsed", note=f"no value grammar matches {text!r}")
    g = match.groupdict()
    number, upper = _to_number(g["number"]), _to_number(g["upper"]) if g["upper"] else None
    unit, suffix = _split_tail(g["tail"])
    trailing_period = None
    if unit is not None and re.fullmatch(rf"[((]?(?:{_PERIOD})[))]?", unit):
        # "≥57.5(“十四五”均值)": the bracket says over which period, it is no unit.
        trailing_period, unit = unit, None
    if unit is not None and not _looks_like_unit(unit):
        return ParsedValue("unparsed", note=f"{unit!r} after the number is not a unit")

    qualifiers = [q for q in (g["label"], _period_word(g["period"] or trailing_period), g["qualifier"]) if q]
    if upper is not None:
        comparator = "range"
        if g["prefix"] or suffix:
            return ParsedValue("unparsed", note=f"a range with a comparator in {text!r}")
    else:
        comparator = (
            _PREFIX_COMPARATORS.get(g["prefix"] or "")
            or _SUFFIX_COMPARATORS.get(suffix or "")
            or (_QUALIFIERS.get(g["qualifier"]) if g["qualifier"] else None)
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


def _looks_like_unit(unit: str) -> bool:
    return len(unit) <= 12 and not any(word in unit for word in ("的", "和", "及", "、", ",", ","))


def unit_from_name(indicator: str | None) -> str | None:
    """The unit printed in brackets at the end of an indicator name: 规上工业新产品产值率(%) → %."""
    if not indicator:
        return None
    match = _UNIT_IN_NAME.search(indicator.strip())
    if match is None:
        return None
    inside = match.group(1).strip()
    if any(word in inside for word in _NOT_UNITS) or not _looks_like_unit(inside):
        return None
    return unicodedata.normalize("NFKC", inside).replace("μ", "µ")
