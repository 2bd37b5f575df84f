"""When a figure is for: the time phrase that governs it.

A plan dates its figures with a time phrase at the start of a clause: "到2018年,", "2020年设区城市…", "截至2020年底",
"“十三五”期间" / "到“十五五”末" (a period word means that period's last year, from `vocabulary.plan_periods()`),
"而在2015年," (a year the figures after it are for), also after a lead word ("提出到2015年", "力争到2020年全省…",
"计划在“十四五”时期创建…"). A time phrase inside a clause ("是2010年前总和的8倍", "获得2021年“中国质量大会”承办权")
dates nothing: it is part of what is said.

Scope (`Dating`): a time phrase governs the rest of its sentence. The time phrase of a paragraph's first sentence
governs the whole paragraph; a period phrase ("“十二五”期间", "“十三五”时期", "“十四五”以来") or a target phrase
("到2025年", "力争到2020年") there also governs the paragraphs after it (a news report dates a paragraph once:
“十二五”期间,… then a paragraph of more results), up to the next section heading, which sets its own (or none). A
bare "2018年," dates its own paragraph only, and one later in a paragraph its own sentence only ("…。2018年,日照市
被评为…。水环境质量全面提升,…" : the aside ends with its sentence). A year carried from an earlier paragraph is said
so by the caller (`Governing.line`). What no phrase governs falls back to the plan's own year, and the row says so.

A phrase of 截至/截止 ("截至2023年底") or 以来 states a status reached, not a goal (`TimePhrase.status`): its figures
are actuals. One of 到/至 or after an aspiration word (力争到2020年) states a goal (`TimePhrase.target`).
"""

import re
from dataclasses import dataclass

from planwatch import vocabulary
from planwatch.values import chinese_number

_LEAD = r"(?P<lead>(?:而|并|且|即|其中|同时|提出|要求|明确|力争|争取|确保|计划|预计|目标是|目标为)*)"
_GOAL_LEAD = re.compile(r"力争|争取|确保|计划|预计|目标")
_PERIOD_WORD = r"“?(?P<period>十[一二三四五六七八九]五)”?(?:期间|时期|期末|末|以来|规划期)?"
_YEAR_WORD = r"(?P<year>(?:19|20)\d\d)\s*年(?:底|末|前|以前)?(?:前)?"
_TIME = re.compile(
    rf"^\s*{_LEAD}\s*(?P<word>到|至|截至|截止到?|在|于)?\s*(?:{_YEAR_WORD}|{_PERIOD_WORD})(?![\d%])(?P<after>[,,]?)"
)
# "到2025年" followed by what the year is not: a unit or a count of years ("2021年度"), a range ("2021-2025年").
_NOT_A_DATE = re.compile(r"^(?:度|[-—~～至到]\s*\d)")


@dataclass(frozen=True)
class TimePhrase:
    year: int
    text: str  # as printed, lead words included ("提出到2015年")
    end: int  # where the phrase ends in the clause
    status: bool = False  # 截至2023年底, “十四五”以来: a status reached (actuals)
    target: bool = False  # 到2025年, 力争在2020年, 到“十五五”末: a goal
    period: bool = False  # “十三五”时期 …: a period's phrase

    @property
    def carries(self) -> bool:
        """Governs the paragraphs after its own (a bare "2018年," does not)."""
        return self.period or self.target


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
    if match is None or _NOT_A_DATE.match(clause[match.end() :]):
        return None
    year = int(match["year"]) if match["year"] else period_end(match["period"])
    if year is None:
        return None
    text = clause[: match.end()].strip()
    word, bare = match["word"] or "", re.sub(r"[,,]$", "", text)
    status = word.startswith("截") or bare.endswith("以来")
    target = not status and (
        word in ("到", "至")
        or bool(_GOAL_LEAD.search(match["lead"] or ""))
        or bool(bare.endswith("末") and match["period"])
    )
    return TimePhrase(year, text, match.end(), status=status, target=target, period=bool(match["period"]))


@dataclass
class Governing:
    """The year a figure is for and where it was stated ("line 12: 到2018年"), or None when nothing stated it;
    `line` is the line of the phrase (None for a heading's), `phrase` the phrase itself."""

    year: int | None = None
    stated: str | None = None
    line: int | None = None
    phrase: TimePhrase | None = None

    @property
    def status(self) -> bool:
        return self.phrase is not None and self.phrase.status

    @property
    def target(self) -> bool:
        return self.phrase is not None and self.phrase.target


class Dating:
    """The year that governs each sentence of a document read in order (see module docstring)."""

    def __init__(self):
        self.carried = Governing()  # from a heading, or an earlier paragraph's period or target phrase
        self.para = Governing()  # from the paragraph's first sentence
        self.current = Governing()

    def heading(self, text: str, line: int, keep: bool = False) -> None:
        """A heading sets the time of its section, or none; `keep`: one without a time phrase keeps the time
        governing before it (a sub-heading inside a section the caller reads as one)."""
        phrase = _phrase_in_heading(text)
        if phrase is None and keep:
            self.current = self.para = self.carried
            return
        self.carried = Governing(phrase.year, f"line {line}: {phrase.text}", None, phrase) if phrase else Governing()
        self.current = self.para = self.carried

    def paragraph(self) -> None:
        self.current = self.para = self.carried

    def sentence(self) -> None:
        self.current = self.para

    def clause(self, clause: str, line: int, first_sentence: bool) -> TimePhrase | None:
        """Reads a clause's time phrase (if any) into the scope, and returns it."""
        phrase = time_phrase(clause)
        if phrase is not None:
            self.current = Governing(phrase.year, f"line {line}: {phrase.text}", line, phrase)
            if first_sentence:
                self.para = self.current
                if phrase.carries:
                    self.carried = self.current
        return phrase

    def carried_from(self, line: int) -> str | None:
        """ "line 3: “十二五”期间" when the year governing `line` was stated in an earlier paragraph."""
        current = self.current
        if current.line is not None and current.line < line:
            return current.stated
        return None


def _phrase_in_heading(text: str) -> TimePhrase | None:
    """ "(二)到2027年主要目标", "“十三五”时期质量工作成效": a heading dates its section."""
    return time_phrase(text) or time_phrase(re.sub(r"^[^\d“十]{0,6}", "", text))
