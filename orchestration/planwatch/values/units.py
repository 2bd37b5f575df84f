"""The unit grammar: the tokens a unit is built from ("件/万人" = 件 / 万 + 人), 万/亿 multipliers, units of counted
things, and the one resolution of a value's unit from its unit cell, its name ("(%)") and the unit printed with it
(`resolve_unit`), shared by the contract, staging (`pw_resolve_unit`) and the extractor."""

import re
from dataclasses import asdict, dataclass

from planwatch.values.text import normalise

MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}


_UNIT_IN_NAME = re.compile(r"[((]([^()()]{1,12})[))]\s*$")


# Units of whole things counted (people, firms, items, events): a count is never negative.
COUNT_UNITS = frozenset(
    [
        "个",
        "项",
        "家",
        "件",
        "张",
        "名",
        "人",
        "人次",
        "批次",
        "批",
        "台",
        "套",
        "座",
        "次",
        "户",
        "所",
        "条",
        "处",
        "本",
        "场",
        "种",
        "款",
        "位",
        "辆",
        "艘",
        "只",
        "头",
        "株",
        "篇",
        "部",
        "份",
        "床",
    ]
)


# Units seen in plans and statistics, as tokens a unit is built from ("件/万人" = 件 / 万 + 人). A word outside
# this list after a number ("12021获批") or in brackets after a name ("(工业)", "(累计)") is not taken as a unit.
# (durations and multiples such as 个工作日, 个月, 倍 are among them: "压缩到5个工作日以内", "8倍以上")
UNIT_TOKENS = sorted(
    {
        *COUNT_UNITS,
        *[
            "%",
            "‰",
            "℃",
            "个百分点",
            "百分点",
            "天",
            "日",
            "分",
            "元",
            "吨",
            "千克",
            "公斤",
            "克",
            "平方米",
            "立方米",
            "米",
            "千米",
            "公里",
            "亩",
            "公顷",
            "小时",
            "年",
            "月",
            "微克",
            "毫克",
            "升",
            "标准煤",
            "蒸吨",
            "GDP",
            "千瓦时",
            "千瓦",
            "µg",
            "ug",
            "mg",
            "m3",
            "m2",
            "km",
            "kg",
            "t",
            "m",
            "L",
            "h",
            "d",
            "kWh",
            "kW",
            "工作日",
            "个工作日",
            "个月",
            "倍",
        ],
    },
    key=len,
    reverse=True,
)


UNIT_PREFIXES = ("万", "亿", "千", "百", "十")


_UNIT_PIECE = re.compile(rf"(?:(?:{'|'.join(UNIT_PREFIXES)})?(?:{'|'.join(re.escape(t) for t in UNIT_TOKENS)}))+")


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
    if unit[0] in MULTIPLIERS and len(unit) > 1 and "/" not in unit[:2]:
        return ParsedUnit(unit[1:], MULTIPLIERS[unit[0]], note)
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
