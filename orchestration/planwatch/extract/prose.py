"""Targets and results stated in running text: one row per figure, cut verbatim out of the sentence by
`planwatch.extract.cutting.extract_fragments` (the one convention shared with 专栏 boxes, docs/raw-contract.md).

- `read_prose`: every target in the running text from the 目标 section on (task sections, the text of task 专栏
  included), except a repeat of a row of the document's own tables or boxes (see `_repeat_of`). Each figure is
  dated by the time phrase that governs it (`planwatch.extract.dating`); one for a year up to the base year is an
  actual or baseline, not a target, and so is one stating a status reached (截至2023年底, “十四五”以来, 2023年…累计)
  or dated before the year of issue. A value in brackets after a target ("(2025年为85.2)") is the same
  indicator's value for the year it states. One table per (value kind, year); `extract_prose_targets` is the
  target year's.
- `read_prose_results`: the figures reported as achieved in the section reviewing the previous period, for a
  document without a table of its base year's values (the caller decides that); `extract_prose_results` is the
  base year's table. A figure no time phrase governs has no year (the table says so): the review of a period
  mixes the period's last year with counts at the time of writing.
"""

import re
from collections import Counter

from planwatch import vocabulary
from planwatch.extract.boxes import target_box_lines
from planwatch.extract.cutting import Fragment, clauses, extract_fragments
from planwatch.extract.dating import Dating, Governing
from planwatch.extract.finder import find_values
from planwatch.extract.manifest import issue_year
from planwatch.extract.model import Column, ExtractedTable
from planwatch.matching import same_characters
from planwatch.values import ParsedValue, chinese_number, parse_value

# ---- documents ----------------------------------------------------------------------------------------------------

# No lazy group before a trailing \s*$: on a long line of spaces that backtracks quadratically.
_TOP_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)、(.+)$")
_SUB_HEADING = re.compile(r"^\s*[((]([一二三四五六七八九十]+)[))](.+)$")
# Sections about the past: no targets there.
_PAST_HEADING = re.compile(r"成效|成就|回顾|现状|现实基础|发展基础|完成情况|取得")
# Sections that report a period's results as such ("“十三五”时期质量工作成效"). A 现状/现实基础 section mixes
# results with the situation of various years; it is read (each figure dated by its own time phrase) only for a
# document without any indicator table, whose running text is then its only source of actuals.
_RESULTS_HEADING = re.compile(r"成效|成就|回顾|完成情况|取得")
_SITUATION_HEADING = re.compile(r"现实基础|发展基础|现状")
_TARGETS_HEADING = re.compile(r"目标")
_PROSE_PUNCTUATION = re.compile(r"[,,。;;]")
_MAX_HEADING = 40


def _heading(line: str) -> tuple[int, str] | None:
    """(level, text) for a section heading line ("三、主要任务" → 1, "(二)以标准创新服务城市新发展。" → 2)."""
    line = line.strip()
    if len(line) > _MAX_HEADING:
        return None  # a numbered paragraph, not a heading
    for level, pattern in ((1, _TOP_HEADING), (2, _SUB_HEADING)):
        match = pattern.match(line)
        if match is None:
            continue
        text = match.group(2).strip()
        if not text or re.search(r"[,,;;]", text) or "。" in text.rstrip("。"):
            return None
        return level, text.rstrip("。").strip()
    return None


def _is_prose(line: str) -> bool:
    # Flattened table cells have no sentence punctuation. (Rows of target boxes are left out by the caller; the
    # text of a task 专栏 printed as "text |" is running text.)
    return bool(_PROSE_PUNCTUATION.search(line))


def _sentences(line: str) -> list[str]:
    # A pipe separates the cells of a 专栏 printed as pipe-delimited rows.
    return [s for s in re.split(r"[。!?!?|]", line) if s.strip()]


def _dash_lead(line: str) -> str:
    """ "——产品质量达到新水平。加快推进…" → 产品质量达到新水平: a paragraph's run-in lead, printed as a sub-heading."""
    match = re.match(r"^\s*—+\s*([^,,;;。]{1,20})。", line)
    return match.group(1).strip() if match else ""


def _columns(value_name: str, value_kind: str, year: int) -> list[Column]:
    return [
        Column("领域", "category", published_header=""),
        Column("条目", "seq", published_header=""),
        Column("指标", "indicator", published_header=""),
        Column(value_name, "value", value_kind=value_kind, year=year, published_header=""),
    ]


def table_targets(tables: list[ExtractedTable], target_year: int) -> list[tuple[str, str]]:
    """(indicator, value as printed) of every row of `tables` with a target for `target_year`: what a prose target
    must not repeat. A 十三五 column of a 十四五 plan is no such target."""
    pairs = []
    for table in tables:
        indicator = table.column("indicator")
        if indicator is None:
            continue
        values = [c for c in table.columns if c.role == "value" and c.value_kind == "target" and c.year == target_year]
        for row in table.rows:
            pairs += [(row.get(indicator.name) or "", row.get(c.name) or "") for c in values]
    return [(name, value) for name, value in pairs if name.strip() and value.strip()]


def extract_prose_targets(
    lines: list[str], target_year: int | None, plan_period: str, exclude: list[tuple[str, str]], **options
) -> ExtractedTable | None:
    """The table of `read_prose` for the plan's target year (see there)."""
    return next(
        (t for t in read_prose(lines, target_year, plan_period, exclude, **options) if t.table_id == "prose_targets"),
        None,
    )


def read_prose(
    lines: list[str],
    target_year: int | None,
    plan_period: str,
    exclude: list[tuple[str, str]],
    base_year: int | None = None,
    qualitative: bool = False,
) -> list[ExtractedTable]:
    """Figures stated in the running text, from the 目标 section on, one table per (value kind, year).

    The year of a figure is the one its time phrase states (到2018年, “十三五”期间, 而在2015年: `dating.Dating`), else
    the plan's `target_year`, and the table notes say so. A figure for a year up to the plan's `base_year` is a
    baseline (而在2015年,这4个指标分别是…), not a target; so is one in brackets after a target ("达到87以上(2025年为
    85.2)"). A figure stating a status reached (截至2023年底, “十四五”以来, 2023年…累计 before the year of issue),
    dated by a bare year before the year of issue (`manifest.issue_year`), or dated in a text with no goal wording
    and no plan period is an actual. A change printed without its subject ("较上年提高1.2个百分点") is of the
    indicator of the clause before it, whose name is put in front. 领域 = the current (一)-level heading (in a section without
    one, the run-in lead of a "——产品质量达到新水平。…" paragraph, else the section heading), 条目 = the row's number
    within its 领域. `exclude` holds (indicator, value as printed) of the document's table and box rows
    (`table_targets`); a prose target that repeats one (`_repeat_of`: the same number under a close name) is not a
    row. Rows of target boxes are not running text (they are box tables). `qualitative`: a clause such as
    "电子支付比例大幅提高" is a target row too (for a document without an indicator table, whose running text is
    its only list of targets)."""
    tables = _TablesByYear(plan_period, target_year)
    issued = issue_year(lines)
    # A text without any goal wording (目标, 到2025年, 力争) reports what was done: its dated figures are actuals.
    no_goal = not any(_GOAL_WORDING.search(line) for line in lines)
    # ... and when it names no plan period either, its dated figures are read as actuals
    achievements = no_goal and target_year is None
    if no_goal:
        tables.document_notes.append(
            "the text states no target (no 目标, 到YYYY年 or 力争 anywhere): it looks like a report of achievements; "
            + (
                "its figures dated by a stated year are read as actuals"
                if achievements
                else f"its figures are still read as targets of the plan period's {target_year} unless dated earlier"
            )
        )
    # Targets are stated from the 目标 section on; without one, anywhere outside a section about the past.
    started = not any((h := _heading(line)) and _TARGETS_HEADING.search(h[1]) for line in lines)
    boxed = target_box_lines(lines)
    parsed_exclude = [(name, parse_value(value)) for name, value in exclude]
    top, sub = "", ""
    top_past = sub_past = False
    counts: dict[str, int] = {}
    dating = Dating()
    for number, line in enumerate(lines, start=1):
        heading = _heading(line)
        if heading:
            level, text = heading
            is_past = bool(_PAST_HEADING.search(text))
            if level == 1:
                top, sub, top_past, sub_past = text, "", is_past, False
            else:
                sub, sub_past = text, is_past
            if _TARGETS_HEADING.search(text):
                started = True
            dating.heading(text, number)
            continue
        if not started or top_past or sub_past or number in boxed or not _is_prose(line):
            continue
        dating.paragraph()
        area = sub or _dash_lead(line) or top
        named: list[str] = []  # the paragraph's names so far, for "这4个指标分别是…"
        for index, sentence in enumerate(_sentences(line)):
            dating.sentence()
            in_sentence = len(named)
            for clause in clauses(sentence):
                phrase = dating.clause(clause, number, index == 0)
                body = clause[phrase.end :].strip() if phrase else clause
                if not body:
                    continue
                year = dating.current.year
                # A figure up to the base year is a result already had: the base-year values of targets named
                # before ("而在2015年,这4个指标分别是…"), else an actual ("“十二五”期间,…达到5000家"); so is one
                # stating a status reached (截至2023年底, 2023年…累计), one dated before the year of issue, and a
                # dated one in a text that states no target.
                back = _back_reference(body, named)
                past = year is not None and base_year is not None and year <= base_year
                status = _is_status(dating.current, body, target_year, issued)
                achieved = year is not None and (status or achievements or _before_issue(dating.current, issued))
                kind = ("baseline" if back else "actual") if past else ("actual" if achieved else "target")
                fragments, notes = back or extract_fragments(body)
                if not fragments and qualitative and kind == "target":
                    fragments = _qualitative_target(body)
                table = tables.get(kind, year, number)
                table.notes.extend(f"line {number}: {n}" for n in notes)
                if fragments and kind == "actual" and not past:
                    why = (
                        "a status reached"
                        if status
                        else "a text of achievements"
                        if achievements
                        else f"before the year of issue {issued}"
                    )
                    _note_once(
                        table, f"line {number}: figures dated {year} ({dating.current.stated}) are actuals: {why}"
                    )
                carried = dating.carried_from(number)
                if fragments and carried:
                    _note_once(
                        table, f"line {number}: the year {year} is carried from an earlier paragraph ({carried})"
                    )
                for fragment in fragments:
                    if fragment.aside:
                        _aside_row(fragment, tables, base_year, number, area, counts)
                        continue
                    _complete_measure_name(fragment, named)
                    _complete_change_name(fragment, named[in_sentence:])
                    named.append(fragment.indicator)
                    repeat, how = _repeat_of(fragment.indicator, fragment.value, parsed_exclude, line)
                    if repeat is not None and kind == "target":
                        table.notes.append(
                            f"line {number}: {fragment.indicator} {fragment.value} repeats table "
                            f"row '{repeat}' ({how}); not a row"
                        )
                        continue
                    if how:
                        table.notes.append(f"line {number}: {fragment.indicator} {fragment.value} kept; {how}")
                    _add_row(table, counts, area, number, fragment)
                    tables.dated(table, dating.current.stated, number)
    return tables.result()


def _note_once(table: ExtractedTable, note: str) -> None:
    if note not in table.notes:
        table.notes.append(note)


# Words that state a goal: a text without any of them reports achievements.
_GOAL_WORDING = re.compile(r"目标|(?<![截止])(?:到|至)\s*(?:19|20)\d\d\s*年|十[一二三四五六七八九]五”?末|力争|争取")
# "全市累计培育…", "累计主导制定…": a total reached so far.
_CUMULATIVE = re.compile(r"^[^,,;;]{0,6}累计")


def _is_status(governing: Governing, body: str, target_year: int | None, issued: int | None) -> bool:
    """A figure stating a status reached: under 截至/截止/以来, or a running total (累计) dated by a bare year
    before the year of issue, or in a text with no plan period ("2023年,全市累计培育…"; not "到2025年,累计培育…",
    a goal, nor "2023年,累计培育…" in a 2021-2025 plan, an interim goal)."""
    phrase = governing.phrase
    if phrase is None:
        return False
    if phrase.status:
        return True
    bare_year = not phrase.target and not phrase.period
    return bool(
        _CUMULATIVE.match(body) and bare_year and (target_year is None or (issued is not None and phrase.year < issued))
    )


def _before_issue(governing: Governing, issued: int | None) -> bool:
    """Dated by a bare year ("2019年,…为85.2") before the year the document was issued. Not the year of issue itself
    ("2021年,争取…" in a plan issued in 2021 is its first year's goal; and a page's date may be that of a later
    republication), nor a goal (到2021年) or a period ("“十四五”期间" of a 十四五 plan), whatever the year."""
    year = governing.year
    if issued is None or year is None or governing.phrase is None:
        return False
    return year < issued and not governing.target and not governing.phrase.period


def _aside_row(
    fragment: Fragment, tables: "_TablesByYear", base_year: int | None, number: int, area: str, counts: dict[str, int]
) -> None:
    """ "达到87以上(2025年为85.2)": the bracket's value is the indicator's for the year it states (基期: the base
    year): a baseline up to the base year, else an actual."""
    year = fragment.year if fragment.year is not None else base_year
    if year is None:
        table = tables.get("target", None, number)
        table.notes.append(
            f"line {number}: {fragment.indicator} {fragment.value} in brackets states no year and "
            f"the base year is not known; not a row"
        )
        return
    kind = "baseline" if base_year is not None and year <= base_year else "actual"
    table = tables.get(kind, year, number)
    _add_row(table, counts, area, number, fragment)


class _TablesByYear:
    """The prose tables of a document, one per (value kind, year): prose_targets for the plan's target year (and
    for figures without a stated year), prose_targets_2018, prose_baselines_2015 … for the years stated."""

    def __init__(self, plan_period: str, target_year: int | None):
        self.plan_period, self.target_year = plan_period, target_year
        self.tables: dict[tuple[str, int | None], ExtractedTable] = {}
        self.undated: dict[str, list[int]] = {}  # table id → lines of rows that took the plan's target year
        self.document_notes: list[str] = []  # about the whole text: first in the first table's notes

    def get(self, kind: str, year: int | None, line: int) -> ExtractedTable:
        year = year if year is not None or kind != "target" else self.target_year
        key = (kind, year)
        if key not in self.tables:
            plain = kind == "target" and year == self.target_year
            table_id = "prose_targets" if plain else f"prose_{kind}s_{year or 'undated'}"
            word = {"target": "目标", "baseline": "基数", "actual": "实绩"}[kind]
            value_name = f"{year or ''}{word}"
            self.tables[key] = ExtractedTable(
                table_id,
                f"正文所列{year or ''}年{word}",
                "prose",
                self.plan_period,
                line,
                _columns(value_name, kind, year),
            )
        return self.tables[key]

    def dated(self, table: ExtractedTable, stated: str | None, line: int) -> None:
        if stated is None:
            self.undated.setdefault(table.table_id, []).append(line)

    def result(self) -> list[ExtractedTable]:
        out, unplaced = [], []
        for table in self.tables.values():
            if not table.rows:
                unplaced += table.notes  # what was skipped in a year that yielded no row is still reported
                continue
            table.source_line = table.rows[0]["source_line"]
            lines = sorted(set(self.undated.get(table.table_id, [])))
            if lines:
                year = table.columns[-1].year
                said = (
                    f"the plan's target year {year} was assumed"
                    if year is not None
                    else "the plan's target year is not known either: year left empty"
                )
                table.notes.insert(
                    0, f"no year is stated for the figures of lines {', '.join(map(str, lines))}; {said}"
                )
            out.append(table)
        if out:
            out[0].notes += unplaced
            out[0].notes[:0] = self.document_notes
        return out


# "而在2015年,这4个指标分别是83.5、91.1%、92.9%和75": values of indicators named before, in order.
_BACK_REFERENCE = re.compile(
    r"^(?:这|上述|以上|前述)(?P<n>\d+|[一二两三四五六七八九十]+)(?:个|项)指标(?:分别|依次)?(?:是|为)"
    r"(?P<list>.+)$"
)


def _back_reference(body: str, named: list[str]) -> tuple[list[Fragment], list[str]] | None:
    match = _BACK_REFERENCE.match(body)
    if match is None:
        return None
    count = int(match["n"]) if match["n"].isdigit() else chinese_number(match["n"])
    items = [i for i in re.split(r"[、和及与]", match["list"]) if i.strip()]
    if not count or len(items) != count or len(named) < count:
        return [], [f"'{body[:30]}' refers back to {count} indicators; not read"]
    if any(parse_value(i).comparator in ("qual", "na", "unparsed") for i in items):
        return [], [f"'{body[:30]}': not every item of the list is a value; not read"]
    return (
        [
            Fragment(name, item.strip(), [f"{name}: named in an earlier sentence ({body[:12]}…)"])
            for name, item in zip(named[-count:], items)
        ],
        [],
    )


# "电子支付比例大幅提高", "制造业质量竞争力指数接近全国平均水平": a measured thing and the change it is to make.
_QUALITATIVE_CHANGE = re.compile(
    r"^(?P<name>[^、和及与,,]{2,30}?(?:率|比例|比重|占比|指数|满意度))"
    r"(?P<value>(?:大幅|明显|显著|稳步|不断|持续|进一步|逐步|全面|有效)?(?:提高|提升|上升|增长|增强|改善|下降|降低)"
    r"|(?:达到或)?接近(?:全国|全省|国际|国内)?(?:平均|先进)水平)$"
)


def _qualitative_target(body: str) -> list[Fragment]:
    match = _QUALITATIVE_CHANGE.match(body.strip())
    return [Fragment(match["name"], match["value"])] if match else []


# A name that is only a measure ("合格率98%" after "农产品质量安全监测1.5批次/千人,") is of the thing just named.
_BARE_MEASURE = re.compile(r"^(?:合格率|达标率|覆盖率|满意度|普及率|优良率|占比|比重)$")


def _complete_measure_name(fragment: Fragment, named: list[str]) -> None:
    if named and _BARE_MEASURE.match(fragment.indicator) and not _BARE_MEASURE.match(named[-1]):
        subject = re.sub(r"(?:合格率|达标率|覆盖率|满意度|普及率|优良率|率|比例|比重|指数|数量)$", "", named[-1])
        if subject:
            fragment.notes.append(
                f"'{fragment.indicator}' is printed without its subject; '{subject}' from the name before it"
            )
            fragment.indicator = subject + fragment.indicator


# "较上年提高", "比2020年下降": a change printed without the thing that changes.
_CHANGE_ONLY = re.compile(
    r"^(?:较|比)(?:上年|去年|同期|上年同期|基期|(?:19|20)\d\d年(?:底|末)?|“?十[一二三四五六七八九]五”?"
    r"(?:末|期末|时期)?)?(?:平均|累计|整体|总体)?(?:提高|提升|上升|增加|增长|降低|下降|减少|缩短|压缩)$"
)


def _complete_change_name(fragment: Fragment, named: list[str]) -> None:
    """ "产品质量监督抽查合格率达到96.8%,较上年提高1.2个百分点": the change is of the indicator named just before it in
    the sentence, whose name is put in front."""
    if named and _CHANGE_ONLY.match(fragment.indicator) and not _CHANGE_ONLY.match(named[-1]):
        fragment.notes.append(
            f"'{fragment.indicator}' is printed without its subject; '{named[-1]}' from the clause before it"
        )
        fragment.indicator = named[-1] + fragment.indicator


def extract_prose_results(lines: list[str], result_year: int, plan_period: str) -> ExtractedTable | None:
    """The table of `read_prose_results` for `result_year` (see there)."""
    return next((t for t in read_prose_results(lines, result_year, plan_period) if t.table_id == "prose_actuals"), None)


def read_prose_results(
    lines: list[str], result_year: int, plan_period: str, situation: bool = False
) -> list[ExtractedTable]:
    """Figures reported as results in the section that reviews `result_year`'s period ("(一)“十三五”时期质量工作
    成效", "一、现实基础"): 领域 = the passage's lead sentence ("质量基础设施不断完善"), 条目 = the number of the
    sentence after that lead. `plan_period` is the period the table is about (十三五 for a 十四五 plan's review);
    the section is found from `result_year`. A figure's year is the one its time phrase states ("2018年,…" →
    prose_actuals_2018; the heading's period, "(一)“十三五”时期质量工作成效" → prose_actuals), else none
    (prose_actuals_undated, and the table says so: a count at the time of writing is no figure of `result_year`);
    a year after `result_year` is no result. A change printed without its subject ("较2015年提高") keeps its name
    as printed (the reviewed convention of these tables), with a note naming the indicator before it. Qualitative
    results without a figure are not rows."""
    section = _results_section(lines, result_year, situation)
    if section is None:
        return []
    start, end = section
    title = lines[start - 1].strip()
    tables: dict[int | None, ExtractedTable] = {}
    undated: list[int] = []

    def table_for(year: int | None) -> ExtractedTable:
        if year not in tables:
            table_id = "prose_actuals" if year == result_year else f"prose_actuals_{year or 'undated'}"
            tables[year] = ExtractedTable(
                table_id, title, "prose", plan_period, start, _columns(f"{year or ''}实绩", "actual", year)
            )
        return tables[year]

    main = table_for(result_year)
    dating = Dating()
    # The section's heading dates its text ("(一)“十三五”时期质量工作成效"); a heading inside it only when it names
    # a time of its own.
    dating.heading((_heading(title) or (0, title))[1], start)
    for number in range(start + 1, end):
        line = lines[number - 1]
        inner = _heading(line)
        if inner is not None:
            dating.heading(inner[1], number, keep=True)
            continue
        if not _is_prose(line):
            continue
        dating.paragraph()
        area, seq = "", 0
        for index, sentence in enumerate(_sentences(line)):
            if _is_lead_sentence(sentence):
                # a run-in heading starts a new passage: the time phrase of the one before ("2018年,…") ends here
                area, seq = sentence.strip(), 0
                dating.paragraph()
                continue
            seq += 1
            dating.sentence()
            named: list[str] = []
            for clause in clauses(sentence):
                phrase = dating.clause(clause, number, index == 0)
                # No silent default: a count at the time of writing is no figure of the period's last year.
                year = dating.current.year
                body = clause[phrase.end :].strip() if phrase else clause
                if year is not None and year > result_year:
                    if find_values(body):
                        main.notes.append(
                            f"line {number}: a clause dated {year} is no result of {result_year}; skipped"
                        )
                    continue
                table = table_for(year)
                fragments, notes = extract_fragments(body)
                table.notes.extend(f"line {number}: {n}" for n in notes)
                if fragments and not area:
                    _note_once(table, f"line {number}: figures before any lead sentence; 领域 left empty")
                carried = dating.carried_from(number)
                if fragments and carried:
                    _note_once(
                        table, f"line {number}: the year {year} is carried from an earlier paragraph ({carried})"
                    )
                if fragments and year is None:
                    undated.append(number)
                for fragment in fragments:
                    if fragment.aside:
                        aside_year = fragment.year if fragment.year is not None else result_year
                        if aside_year > result_year:
                            main.notes.append(
                                f"line {number}: {fragment.indicator} {fragment.value} in brackets "
                                f"is dated {aside_year}, no result of {result_year}; skipped"
                            )
                            continue
                        target = table_for(aside_year)
                        target.notes.extend(f"line {number}: {n}" for n in fragment.notes)
                        target.rows.append(
                            {
                                "source_line": number,
                                "领域": area,
                                "条目": str(seq),
                                "指标": fragment.indicator,
                                target.columns[-1].name: fragment.value,
                            }
                        )
                        continue
                    if named and _CHANGE_ONLY.match(fragment.indicator):
                        # the reviewed convention of results keeps the name as printed; the subject is said
                        table.notes.append(
                            f"line {number}: '{fragment.indicator}' {fragment.value} is a change of "
                            f"'{named[-1]}', printed before it; the name is kept as printed"
                        )
                    named.append(fragment.indicator)
                    table.notes.extend(f"line {number}: {n}" for n in fragment.notes)
                    table.rows.append(
                        {
                            "source_line": number,
                            "领域": area,
                            "条目": str(seq),
                            "指标": fragment.indicator,
                            table.columns[-1].name: fragment.value,
                        }
                    )
    if None in tables and tables[None].rows:
        lines_ = ", ".join(map(str, sorted(set(undated))))
        tables[None].notes.insert(
            0,
            f"no time phrase governs the figures of lines {lines_} (none in the sentence, "
            f"the paragraph or the heading): year left empty, not taken as {result_year}",
        )
    return [t for t in tables.values() if t.rows]


_ANY_PERIOD = re.compile(r"十[一二三四五六七八九]五")


def _results_section(lines: list[str], result_year: int, situation: bool = False) -> tuple[int, int] | None:
    """(heading line, first line after the section), 1-based, of the first results section about `result_year`'s
    period: its heading names that period, or (no period in the heading) its text names that period most, or no
    period at all. A 十三五 plan's “十二五”期间 review is no source of 2020 results."""
    period = vocabulary.period_of_year(result_year)
    sections = []
    start, level = None, None
    for number, line in enumerate(lines + ["一、"], start=1):  # the sentinel closes the last section
        heading = _heading(line) if number <= len(lines) else (1, "")
        if heading is None:
            continue
        if start is not None and heading[0] <= level:
            sections.append((start, number))
            start = None
        if start is None and (
            _RESULTS_HEADING.search(heading[1]) or situation and _SITUATION_HEADING.search(heading[1])
        ):
            start, level = number, heading[0]
    for start, end in sections:
        # The heading's period decides; else the period the text names most (“十三五”时期… 比“十二五”时期增长).
        named = Counter(_ANY_PERIOD.findall(lines[start - 1])) or Counter(
            _ANY_PERIOD.findall("".join(lines[start : end - 1]))
        )
        if not named or (period is not None and named.most_common(1)[0][0] == period):
            return start, min(end, len(lines) + 1)
    return None


def _is_lead_sentence(sentence: str) -> bool:
    """ "质量基础设施不断完善": a short sentence without commas or figures heads the passage that follows."""
    text = sentence.strip()
    return 0 < len(text) <= 20 and not re.search(r"[,,、;;::\d]", text)


# ---- repeats of table rows ----------------------------------------------------------------------------------------

_NAME_NOISE = re.compile(r"[“”\"‘’《》「」\s、]")
_BRACKETED = re.compile(r"[((][^()()]*[))]")
_LATIN_ALIAS = re.compile(r"^(?P<term>[^()()]+)[((](?P<alias>[A-Za-z][A-Za-z0-9.]*)[))](?P<rest>.*)$")
# Words in front of the measured thing that do not change it, set aside when names are compared (never cut from a
# cell): 力争/争取 (aspiration), 创建/建成/培育/制定 (establishing), 新增 (a table says "(新增)" after the name),
# 全市 (scope). "新增“浙江制造”标准" and "制订“浙江制造”标准(新增)" are the same count.
_SET_ASIDE = re.compile(
    r"^(?:力争|争取|确保|争创|创建|创成|建成|建立|实现|新增|新建|新培育|培育|引进|打造|拥有|通过|"
    r"制订|制定|全市|我市|全区|全县|本市)"
)
_PERIOD_MEAN = re.compile(r"均值|年均")
_LEVEL_CHARS = set("国省市县区")
_MAX_NAME = 80
_CLOSE = 0.8


def _repeat_of(
    name: str, value: str, exclude: list[tuple[str, ParsedValue]], paragraph: str = ""
) -> tuple[str | None, str]:
    """(table indicator, how) when the prose target (`name`, `value`) repeats a table row; else (None, a note for a
    reviewer or "").

    A repeat has the same number (value and upper bound after 万/亿; comparator words aside: "达到96%以上" repeats
    "96") and, unless one of them is a period mean ("≥57.5(“十四五”均值)"), a close name. Names are compared
    without quotes, spaces and 、, also without their brackets or under a printed Latin alias (PM2.5浓度 for
    细颗粒物(PM2.5)浓度), and with the words of `_SET_ASIDE` in front left out. They are close when equal, one
    character apart (主导制订 / 主导制定; not a level: 省级 / 市级), when one is the other with words inside or after
    it (服务质量满意度 / 服务质量综合满意度, 区长质量奖企业 / 区长质量奖) or the table's with words in front (国家标准
    / 主导和参与制修订国家标准: a subject shared in the sentence), or when they share 80% of their characters in
    order (城市 / 市区空气质量优良天数比例). Words in front of the table's name in the prose narrow it: 生活性服务业满意度
    does not repeat 服务业满意度.
    """
    mine = parse_value(value)
    if mine.value is None:
        return None, ""
    same_value = [
        (other, parsed)
        for other, parsed in exclude
        if parsed.value == mine.value and parsed.value_upper == mine.value_upper
    ]
    near = ""
    for other, parsed in same_value:
        how = _close_names(name, other)
        if how and _is_period_mean(parsed) != _is_period_mean(mine):
            near = near or f"'{other}' has the same number but is a period mean"
            continue
        if how:
            return other, how
        # "省级优质工程10项" in a paragraph that names 钱江杯 elsewhere restates the table's “钱江杯”优质工程奖 10;
        # a target that itself carries the name (企业产品通过“品字标”国际认证) is a different thing, said above
        named = next(
            (term for term in re.findall(r"“([^”]{2,})”", other) if term in paragraph and term not in name), None
        )
        if named:
            return other, f"same number, and the paragraph names “{named}”"
        if not near and _similarity(_plain(name), _plain(other)) >= 0.5:
            near = f"same number as table row '{other}' under a different name"
    return None, near


def _is_period_mean(parsed: ParsedValue) -> bool:
    return bool(parsed.qualifier and _PERIOD_MEAN.search(parsed.qualifier))


def _plain(name: str) -> str:
    return _NAME_NOISE.sub("", name)


def _readings(name: str) -> list[str]:
    """The name for comparison: as printed, without brackets, under its Latin alias; words in front set aside."""
    plain = _plain(name)
    readings = [plain, _BRACKETED.sub("", plain)]
    alias = _LATIN_ALIAS.match(plain)
    if alias:
        readings.append(alias["alias"] + alias["rest"])
    out = []
    for reading in readings:
        for _ in range(4):
            shorter = _SET_ASIDE.sub("", reading, count=1)
            if shorter == reading or len(shorter) < 2:
                break
            reading = shorter
        if reading and reading not in out:
            out.append(reading)
    return out


def _close_names(mine: str, theirs: str) -> str:
    """How the prose name `mine` reads as the table name `theirs`, or "" if it does not (see `_repeat_of`)."""
    for a in _readings(mine):
        for b in _readings(theirs):
            how = _close(a, b)
            if how:
                return how
    return ""


def _close(mine: str, theirs: str) -> str:
    if mine == theirs:
        return "the same name"
    if len(mine) > _MAX_NAME or len(theirs) > _MAX_NAME or min(len(mine), len(theirs)) < 2:
        return ""
    if _one_character_apart(mine, theirs):
        return "one character different"
    if mine.endswith(theirs):
        return ""  # words in front narrow the table's name: 生活性服务业满意度 is not 服务业满意度
    if len(mine) >= 4 and _is_subsequence(mine, theirs):
        return "the table's name has more words"
    if len(theirs) >= 4 and mine[0] == theirs[0] and _is_subsequence(theirs, mine):
        return "printed with more words"  # after or inside the name, not in front of it
    if _similarity(mine, theirs) >= _CLOSE and not (
        set(mine) - set(theirs) & _LEVEL_CHARS and set(theirs) - set(mine) & _LEVEL_CHARS
    ):
        return "names close"  # but not 省级… for 市级…
    return ""


def _similarity(a: str, b: str) -> float:
    if len(a) > _MAX_NAME or len(b) > _MAX_NAME:
        return 0.0
    return same_characters(a, b)


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def _one_character_apart(a: str, b: str) -> bool:
    if len(a) != len(b) or len(a) < 4:
        return False
    different = [(x, y) for x, y in zip(a, b) if x != y]
    return len(different) == 1 and not (set(different[0]) & _LEVEL_CHARS)


def _add_row(table, counts: dict, area: str, number: int, fragment) -> None:
    """A figure as a row of its table, numbered within its area (条目), with the fragment's notes."""
    counts[area] = counts.get(area, 0) + 1
    table.notes.extend(f"line {number}: {n}" for n in fragment.notes)
    table.rows.append(
        {
            "source_line": number,
            "领域": area,
            "条目": str(counts[area]),
            "指标": fragment.indicator,
            table.columns[-1].name: fragment.value,
        }
    )
