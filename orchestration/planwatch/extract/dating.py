"""When a figure is for: the time phrase that governs it.

A plan dates its figures with a time phrase at the start of a clause: "到2018年,", "2020年设区城市…", "截至2020年底",
"“十三五”期间" / "到“十五五”末" (a period word means that period's last year, from `vocabulary.plan_periods()`),
"而在2015年," (a year the figures after it are for), also after a lead word ("提出到2015年", "力争到2020年全省…",
"计划在“十四五”时期创建…"). A time phrase inside a clause ("是2010年前总和的8倍", "获得2021年“中国质量大会”承办权")
dates nothing: it is part of what is said.

Scope (`Dating`): a time phrase governs the rest of its sentence. The time phrase of a paragraph's first sentence
governs the whole paragraph and the paragraphs after it (a news report dates a paragraph once: “十二五”期间,… then a
paragraph of more results), up to the next section heading, which sets its own (or none); one later in a paragraph
dates its own sentence only ("…。2018年,日照市被评为…。水环境质量全面提升,…" : the aside ends with its sentence). What no phrase
governs falls back to the plan's own year, and the row says so.
"""

import re
from dataclasses import dataclass

from planwatch import vocabulary
from planwatch.values import chinese_number

_LEAD = r"(?:而|并|且|即|其中|同时|提出|要求|明确|力争|争取|确保|计划|预计|目标是|目标为)*"
_PERIOD_WORD = r"“?(?P<period>十[一二三四五六七八九]五)”?(?:期间|时期|期末|末|以来|规划期)?"
_YEAR_WORD = r"(?P<year>(?:19|20)\d\d)\s*年(?:底|末|前|以前)?(?:前)?"
_TIME = re.compile(
    rf"^\s*{_LEAD}\s*(?:到|至|截至|截止到?|在|于)?\s*(?:{_YEAR_WORD}|{_PERIOD_WORD})(?![\d%])(?P<after>[,,]?)"
)
# "到2025年" followed by what the year is not: a unit or a count of years ("2021年度"), a range ("2021-2025年").
_NOT_A_DATE = re.compile(r"^(?:度|[-—~～至到]\s*\d)")


@dataclass(frozen=True)
class TimePhrase:
    year: int
    text: str  # as printed, lead words included ("提出到2015年")
    end: int  # where the phrase ends in the clause


def period_end(name: str) -> int | None:
    """十三五 → 2020: a period's last year, from seeds/plan_periods.csv; an older period by its number (十一五 →
    2010, the plans being five years each since 1953)."""
    periods = vocabulary.plan_periods()
    if name in periods:
        return periods[name]["period_end"]
    number = chinese_number(name[:-1]) if name.endswith("五") else None  # 十三五 → 13
    return 1955 + 5 * number if number else None


def time_phrase(clause: str) -> TimePhrase | None:
    """The time phrase at the start of `clause`, if any."""
    match = _TIME.match(clause)
    if match is None or _NOT_A_DATE.match(clause[match.end():]):
        return None
    year = int(match["year"]) if match["year"] else period_end(match["period"])
    if year is None:
        return None
    return TimePhrase(year, clause[:match.end()].strip(), match.end())


@dataclass
class Governing:
    """The year a figure is for and where it was stated ("line 12: 到2018年"), or None when nothing stated it."""
    year: int | None = None
    stated: str | None = None


class Dating:
    """The year that governs each sentence of a document read in order (see module docstring)."""

    def __init__(self):
        self.carried = Governing()  # from an earlier paragraph's first sentence, up to the next heading
        self.current = Governing()

    def heading(self, text: str, line: int) -> None:
        phrase = _phrase_in_heading(text)
        self.carried = Governing(phrase.year, f"line {line}: {phrase.text}") if phrase else Governing()
        self.current = self.carried

    def paragraph(self) -> None:
        self.current = self.carried

    def sentence(self) -> None:
        self.current = self.carried

    def clause(self, clause: str, line: int, first_sentence: bool) -> TimePhrase | None:
        """Reads a clause's time phrase (if any) into the scope, and returns it."""
        phrase = time_phrase(clause)
        if phrase is not None:
            self.current = Governing(phrase.year, f"line {line}: {phrase.text}")
            if first_sentence:
                self.carried = self.current
        return phrase


def _phrase_in_heading(text: str) -> TimePhrase | None:
    """"(二)到2027年主要目标", "“十三五”时期质量工作成效": a heading dates its section."""
    return time_phrase(text) or time_phrase(re.sub(r"^[^\d“十]{0,6}", "", text))
