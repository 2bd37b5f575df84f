"""Values inside running text: `find_values` finds each figure of a sentence (its span, as printed) for the
extractor; each figure found is parsed by the one value parser, `planwatch.values.parse_value`."""

import re
from dataclasses import dataclass

# The comparators a parse gives: the vocabulary 'comparator' (planwatch.vocabulary, seeds/vocabulary.csv).
from planwatch.values.cells import RANGE_SEP, ParsedValue, parse_value
from planwatch.values.units import UNIT_PREFIXES, UNIT_TOKENS

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
    piece = rf"(?:(?:{'|'.join(UNIT_PREFIXES)})?(?:{tokens})(?:标准煤)?)"
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
        (?:{RANGE_SEP}\d+(?:\.\d+)?)?
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
        if unit in _LATIN_UNITS and text[end : end + 1].isascii() and text[end : end + 1].isalpha():
            continue  # "9001m..." is part of a code, not 9001 m
        # inside a longer token (ISO9000, GB/T 19001, 1.5.2); a list number "3." before a word is no part of it
        glued = start > 0 and (
            re.match(r"[\dA-Za-z]", text[start - 1]) or (text[start - 1] == "." and text[start : start + 1].isdigit())
        )
        if re.match(r"[\d.]", text[end : end + 1] or "x") or glued:
            continue  # inside a longer token (ISO9000, GB/T 19001)
        if _is_code(text, match, number):
            continue
        in_words = not number[0].isdigit()
        if in_words and _INDEFINITE.match(text[match.start("number") :]):
            continue
        parsed = parse_value(phrase)
        if parsed.comparator in ("qual", "na", "unparsed"):
            continue
        bare = (
            parsed.unit is None
            and parsed.multiplier == 1
            and parsed.qualifier is None
            and parsed.comparator in ("=", "range")
        )
        found.append(ValueInText(start, end, phrase, parsed, bare=bare, in_words=in_words))
    return found


def _is_code(text: str, match: re.Match, number: str) -> bool:
    """A telephone number or code rather than a value: digits only (no unit or word printed with them) and a
    leading zero ("023", "0576"), or a part of a dash-joined chain of digits ("400-123-4567": each part), or a
    long integer ("13812345678")."""
    phrase = match.group("value")
    if not re.fullmatch(rf"\d+(?:{RANGE_SEP}\d+)?", phrase):
        return False  # "5%-10%": a unit or word is printed with it, it is a value
    start, end = match.start("value"), match.end("value")
    if _DIGIT_DASH.search(text[max(0, start - 2) : start]) or _DASH_DIGIT.match(text[end : end + 3]):
        return True
    return any(_LEADING_ZERO.match(part) or len(part) >= _LONG_CODE for part in re.findall(r"\d+", phrase))
