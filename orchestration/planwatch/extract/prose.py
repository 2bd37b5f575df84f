"""Targets and results stated in running text: one row per figure, cut verbatim out of the sentence.

A sentence such as "承担省地方标准多于130项、市地方标准多于150项" holds several targets. The values are found by
`planwatch.values.find_values` (the project's one value grammar); this module only decides, for each value, which
neighbouring text names what it measures:

- value-last ("社会公用计量标准多于150项"): the indicator is the text between the previous boundary (clause start,
  the previous value, or the 、 after it) and the value;
- number-first ("培育500家小微企业导入…", "建成104个…省控点、72个…预警点"): after a short lead-in (a verb, 我市,
  2020年共有) a count is printed before what it counts, so the indicator is the text after the value;
- a clause without a figure is a qualitative target ("环境空气质量符合省下达目标要求") where the caller wants those.

Where reviewed transcriptions differ by document kind (e.g. whether 达到 stays in the value, whether 建成/创建 stay
in the indicator), the difference is an explicit `Convention`, never a per-row exception.

`extract_fragments` is shared with `planwatch.extract.boxes`.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from planwatch.extract.model import Column, ExtractedTable
from planwatch.values import UNIT_TOKENS, ValueInText, find_values

# ---- conventions ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Convention:
    # Keep 达到/达 in the value cell (prose targets: "达到100%") or leave it out ("覆盖率达到90%以上" -> 90%以上).
    keep_attainment_verb: bool
    # Words dropped from the start of a value-last indicator, after the connectors every convention drops.
    strip_leading: tuple[re.Pattern, ...] = ()
    # A clause with no figure becomes a row (专栏 boxes state qualitative targets); prose skips them.
    qualitative_rows: bool = False


# "到2020年", "“十三五”期间", "截至2020年底": when a figure is meant, not what is measured.
_TIME_PHRASE = re.compile(
    r"^(?:到|至|截至|截止到?)?(?:“?十[一二三四五]五”?(?:期间|时期|期末|末)|(?:19|20)\d\d年(?:底|末)?)[,,]?"
)
# "每年重点建设3项…": in a lead-in, but part of a value-last indicator ("每年清淤1000万立方米以上").
_EVERY_YEAR = re.compile(r"^(?:每年|年均)")
_SCOPE = re.compile(r"^(?:全市|我市|本市|全省|全区|全县)")
# "全市共有(获得)全国知名品牌示范区1个", "全市共参与制定…": a totalling phrase, part of neither cell.
_TOTALLING = re.compile(r"^(?:(?:全市|我市|本市|全省|全区|全县)?共(?:有|计)?|共有|共计)(?:[((][^()()]{1,6}[))])?")
_ASPIRATION = re.compile(r"^(?:力争|争取|确保)")
# Verbs of establishing what is counted (建成…中心6家): the reviewed prose targets leave them out.
_ESTABLISH = re.compile(r"^(?:实现|建立|建成|创建|创成|拥有|引进|培育|打造)")

BOX = Convention(keep_attainment_verb=False, qualitative_rows=True)
PROSE_TARGETS = Convention(keep_attainment_verb=True, strip_leading=(_TIME_PHRASE, _SCOPE, _ASPIRATION, _ESTABLISH))
PROSE_RESULTS = Convention(keep_attainment_verb=False)

# ---- fragments ----------------------------------------------------------------------------------------------------

_CLAUSE_END = re.compile(r"[,,;;。!?!?]")
_MAX_CLAUSE = 2000  # a "clause" longer than this is not a sentence part (minified page, data blob): skipped
_CONNECTOR = re.compile(r"^(?:以及|其中|[、和及与并])+")
_TRAILING = re.compile(r"(?:均为|分别为|分别|均|都|为)$")
# "浓度下降至40…以下": the change verb leads to the level; part of neither cell. "增长9.4%" (no 至/到) is a change
# figure and keeps its verb.
_CHANGE_TO = re.compile(r"(?:下降|降低|减少|压减|提高|提升|增加|增长|上升)(?:至|到)$")
_ATTAINMENT = re.compile(r"^(?:达到|达)(?=\S)")
# Clauses that describe the previous figure ("涵盖…等8个领域") rather than state one.
_DESCRIPTIVE = re.compile(r"^(?:涵盖|包括|包含|涉及)")
# Counted things: a count unit printed before a noun counts that noun (500家小微企业); a measure unit there is a
# modifier (24小时回应, 10蒸吨/小时以下分散燃煤锅, 1万平方米以上的公共建筑).
_COUNT_UNITS = ("个", "项", "家", "件", "名", "张", "台", "批", "所", "座", "条", "处", "户", "人", "位", "款", "种",
                "套", "辆", "艘", "只", "头", "株", "篇", "部", "份")
# Where the measured thing ends and a qualitative result begins ("水质全部达到年度目标要求").
_QUAL_MARKERS = ("均", "全部", "总体", "符合", "有效保障")
# "完成省下达的主要污染物总量减排任务": the value is the completion phrase, the indicator what is completed.
_COMPLETION = re.compile(r"^(完成[^的,,、]{1,12}的)(?=\S)")
# "创建全国质量强市示范城市、国家级食品安全示范城市": the verb is the target, each title a row.
_CREATION = re.compile(r"^(创建|争创|创成|建成)(?=\S)")
# Between a number-first value and the next value ("300个重大服务业项目完成投资1000亿元以上") the text divides where
# the second target's verb starts.
_SPLIT_VERBS = re.compile(r"完成|实现|新增|累计|带动|吸引")


@dataclass
class Fragment:
    indicator: str
    value: str
    notes: list[str] = field(default_factory=list)
    # The indicator ends in 分别 ("A和B满意度分别…"): its names are shared out over the values that follow.
    respectively: bool = False


def clauses(text: str) -> list[str]:
    """The parts of a sentence between , ; 。 (full or half width), stripped, empty ones dropped."""
    return [c.strip() for c in _CLAUSE_END.split(text) if c.strip()]


def extract_fragments(text: str, convention: Convention) -> tuple[list[Fragment], list[str]]:
    """Every (indicator, value) stated in `text` (one bullet or one sentence), plus notes on what was skipped."""
    fragments, notes = [], []
    for clause in clauses(text):
        if len(clause) > _MAX_CLAUSE:
            notes.append(f"a clause of {len(clause)} characters was skipped")
            continue
        found = _figures(clause)
        if found and _DESCRIPTIVE.match(clause):
            notes.append(f"'{clause[:30]}' describes the previous figure; its numbers are not rows")
            continue
        if found:
            fragments.extend(_split_clause(clause, found, convention, notes))
        elif convention.qualitative_rows:
            qualitative = _qualitative(clause)
            if qualitative:
                fragments.extend(qualitative)
            else:
                notes.append(f"'{clause[:30]}' has no figure and no recognised qualitative phrase; not a row")
    return fragments, notes


def _figures(clause: str) -> list[ValueInText]:
    """The value phrases that are figures: not bare numbers (96345 热线, “1511计划”, 10强), not idioms in Chinese
    numerals (一批, 两届), not an amount that only qualifies the next target's name (100亿服务业项目5个)."""
    values = [_respan(clause, v) for v in find_values(clause)]
    values = [v for v in values if _is_figure(v)]
    kept: list[ValueInText] = []
    for i, value in enumerate(values):
        nxt = values[i + 1] if i + 1 < len(values) else None
        between = clause[value.end:nxt.start] if nxt else ""
        if (value.parsed.unit is None and nxt is not None and between.strip()
                and not re.search(r"[、和及与]", between)):
            continue  # "100亿服务业项目5个": 100亿 is part of the name of what 5个 counts
        kept.append(value)
    return kept


def _respan(clause: str, value: ValueInText) -> ValueInText:
    """Work around `find_values` joining unit words into the next word ("3个项目" → "3个项", "30名人才" → "30名人"):
    when the unit is no single known unit and the word runs on after the span, find the value again in a shorter
    span. Reported to the owner of planwatch.values; remove once the grammar stops at word ends."""
    unit = value.parsed.unit or ""
    runs_on = value.end < len(clause) and "\u4e00" <= clause[value.end] <= "\u9fff"
    if not runs_on or unit in UNIT_TOKENS or re.search(r"[/()()]", unit) or len(unit) < 2:
        return value
    for end in range(value.end - 1, value.end - len(unit), -1):
        shorter = find_values(clause[value.start:end])
        if len(shorter) == 1 and shorter[0].start == 0 and shorter[0].end == end - value.start:
            found = shorter[0]
            return ValueInText(value.start, end, found.text, found.parsed)
    return value


def _is_figure(value: ValueInText) -> bool:
    if not re.search(r"\d", value.text):
        return False  # 一批, 两届: Chinese numerals in running text are idioms, figures are printed in digits
    parsed = value.parsed
    # No unit, no 万/亿 and no comparator word: a code, hotline or phone number (96345, 023-85238885), not a figure.
    bare = parsed.unit is None and parsed.multiplier == 1 and re.fullmatch(r"[\d.~～\-—–－\s]+", value.text)
    return not bare


def _split_clause(clause: str, values: list[ValueInText], convention: Convention, notes: list[str]) -> list[Fragment]:
    """One clause with its figures → fragments, left to right; `cursor` is where the text not yet given to a
    fragment starts."""
    fragments: list[Fragment] = []
    cursor = 0
    for i, value in enumerate(values):
        nxt = values[i + 1] if i + 1 < len(values) else None
        limit, ambiguous = _tail_limit(clause, value, nxt)
        tail = clause[value.end:limit]
        prefix = clause[cursor:value.start]
        if not _strip_connectors(tail):
            fragment = _value_last(prefix, clause[value.start:value.end], convention, i > 0)
            fragments.extend(fragment)
            cursor = limit
            continue
        qualitative = _qualitative_tail(clause, value, tail, limit)
        if qualitative and _is_lead_in(prefix):
            fragments.append(qualitative)
            cursor = limit
            continue
        if _is_lead_in(prefix) and _counts_things(value, tail):
            indicator, used, doubts = _counted_noun(tail, nxt is not None and ambiguous)
            if indicator:
                fragments.append(Fragment(indicator, _value_text(value.text, convention),
                                          [f"{value.text}{indicator}: {d}" for d in doubts]))
            cursor = value.end + used
            continue
        if prefix.endswith("中") and value.parsed.unit == "%" and tail.startswith("的"):
            # "完成《…目录》中90%的项目建设": the share is of what precedes 中.
            fragment = _value_last(prefix[:-1], clause[value.start:value.end], convention, i > 0)
            for f in fragment:
                f.notes.append(f"'{tail.strip()}' after {value.text} is in neither cell")
            fragments.extend(fragment)
            cursor = limit
            continue
        notes.append(f"{value.text} in '{clause[:30]}' qualifies what follows it; not a row")
        cursor = limit
    _distribute_respectively(fragments, notes)
    for fragment in fragments:
        if not fragment.indicator:
            notes.append(f"{fragment.value} in '{clause[:30]}' has no indicator printed before it; not a row")
    return [f for f in fragments if f.indicator and f.value]


def _tail_limit(clause: str, value: ValueInText, nxt: ValueInText | None) -> tuple[int, bool]:
    """Where the text that may belong to `value` ends: at the last 、 before the next value, else at the next value
    (ambiguous: it may belong to either), else at the clause end."""
    if nxt is None:
        return len(clause), False
    between = clause[value.end:nxt.start]
    cut = between.rfind("、")
    if cut >= 0:
        return value.end + cut + 1, False
    return nxt.start, True


def _strip_connectors(text: str) -> str:
    return _CONNECTOR.sub("", text.strip()).strip()


def _value_text(text: str, convention: Convention) -> str:
    text = text.strip()
    if not convention.keep_attainment_verb:
        text = _ATTAINMENT.sub("", text, count=1)
    return text


def _value_last(prefix: str, value: str, convention: Convention, after_value: bool) -> list[Fragment]:
    """The indicator printed before its value; shared subjects with 均 give one row per listed name."""
    indicator = prefix.strip()
    indicator = _strip_connectors(indicator) if after_value else indicator
    indicator = re.sub(r"^其中", "", indicator).strip()
    indicator = _TOTALLING.sub("", indicator, count=1).strip()
    stripped = indicator
    for pattern in convention.strip_leading:
        stripped = pattern.sub("", stripped, count=1).strip()
    if stripped != indicator:
        stripped = re.sub(r"^并", "", stripped).strip()  # "建成并投入使用…平台": 并 only joined the dropped verb
    indicator = stripped
    indicator = _CHANGE_TO.sub("", indicator).strip()
    value_cell = _value_text(value, convention)
    if re.search(r"(?:均|都)(?:为)?$", indicator) and "、" in indicator:
        # "“两书”签订率、工程质量监督覆盖率…均达到100%": each listed indicator has the value.
        names = [n.strip() for n in _TRAILING.sub("", indicator).split("、")]
        return [Fragment(n, value_cell) for n in names if n]
    respectively = bool(re.search(r"分别(?:为)?$", indicator))
    return [Fragment(_TRAILING.sub("", indicator).strip(), value_cell, respectively=respectively)]


def _distribute_respectively(fragments: list[Fragment], notes: list[str]) -> None:
    """"A和B满意度分别保持在85%和80%以上": A gets 85%, B满意度 80%以上 (the names as printed)."""
    for i, fragment in enumerate(fragments):
        if not fragment.respectively:
            continue
        followers = []
        for other in fragments[i + 1:]:
            if other.indicator:
                break
            followers.append(other)
        names = [n for n in re.split(r"[和、及与]", fragment.indicator) if n.strip()]
        if followers and len(names) == len(followers) + 1:
            for target, name in zip([fragment, *followers], names):
                target.indicator = name.strip()
        elif followers:
            notes.append(f"'{fragment.indicator}' 分别 does not divide into {len(followers) + 1} names")


def _is_lead_in(prefix: str) -> bool:
    """A short lead-in before a number-first value: a verb (培育, 选树), 我市, 2020年共有, or a list closed by 等."""
    text = _strip_connectors(prefix)
    for pattern in (_TIME_PHRASE, _EVERY_YEAR, _SCOPE, _TOTALLING):
        text = pattern.sub("", text, count=1).strip()
    return len(text) <= 4 or text.endswith("等")


def _counts_things(value: ValueInText, tail: str) -> bool:
    unit = value.parsed.unit
    if unit is None:
        return value.parsed.multiplier > 1  # 450万居民
    if unit == "%":
        return tail.lstrip().startswith("的")  # 50%以上的中小学校: a share of what follows
    return unit.startswith(_COUNT_UNITS) and "/" not in unit and not unit.startswith("个百分点")


def _counted_noun(tail: str, shared_with_next: bool) -> tuple[str, int, list[str]]:
    """What a number-first value counts, how many characters of `tail` that used, and doubts worth a note."""
    used, doubts = len(tail), []
    if shared_with_next:
        # "重大服务业项目完成投资": the next value's indicator starts at its verb.
        verbs = [m.start() for m in _SPLIT_VERBS.finditer(tail) if m.start() > 0]
        if verbs:
            used = verbs[-1]
            doubts.append(f"the text up to the next value was divided before '{tail[used:used + 2]}'")
    # "新增1-2名一级注册计量师和2-3名二级注册计量师": the connector before the next count is in neither name.
    noun = re.sub(r"(?:[、和及与]|以及)+$", "", tail[:used].strip()).strip()
    noun = re.sub(r"^的", "", noun).strip()
    if "的" in noun:
        doubts.append(f"only the head noun after the last 的 of '{noun}' is the indicator")
        noun = noun[noun.rindex("的") + 1:].strip()  # "1个以…为主要框架的新型城镇化标准体系"
    if noun.endswith("建设") and len(noun) > 2:
        doubts.append("the trailing 建设 is left out")  # "5个…标准化项目建设": the projects are counted
        noun = noun[:-2].strip()
    return noun, used, doubts


def _qualitative_tail(clause: str, value: ValueInText, tail: str, limit: int) -> Fragment | None:
    """"4个省控…断面水质全部达到年度目标要求": the count belongs to the subject, the result is the value."""
    positions = [tail.find(m) for m in _QUAL_MARKERS if tail.find(m) > 0]
    if not positions:
        return None
    cut = value.end + min(positions)
    indicator = clause[value.start:cut].strip()
    result = clause[cut:limit].strip()
    result = re.sub(r"^均", "", result).strip()
    return Fragment(indicator, result) if indicator and result else None


def _qualitative(clause: str) -> list[Fragment]:
    """A target without a figure: the measured thing as printed and the qualitative phrase as printed."""
    completion = _COMPLETION.match(clause)
    if completion:
        return [Fragment(clause[completion.end():].strip(), completion.group(1))]
    positions = [(clause.find(m), m) for m in _QUAL_MARKERS if clause.find(m) > 0]
    if positions:
        cut, marker = min(positions)
        subject, result = clause[:cut].strip(), clause[cut:].strip()
        if marker == "均":
            result = result[1:].strip()  # 均 ("both") is part of neither cell
            names = [n.strip() for n in subject.split("、") if n.strip()]
            return [Fragment(n, result) for n in names] if result else []
        return [Fragment(subject, result)] if result else []
    creation = _CREATION.match(clause)
    if creation:
        titles = [t.strip() for t in clause[creation.end():].split("、") if t.strip()]
        return [Fragment(t, creation.group(1)) for t in titles]
    return []


# ---- documents ----------------------------------------------------------------------------------------------------

# No lazy group before a trailing \s*$: on a long line of spaces that backtracks quadratically.
_TOP_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)、(.+)$")
_SUB_HEADING = re.compile(r"^\s*[((]([一二三四五六七八九十]+)[))](.+)$")
# Sections about the past: no targets there.
_PAST_HEADING = re.compile(r"成效|成就|回顾|现状|现实基础|发展基础|完成情况|取得")
# Sections that report a period's results as such ("“十三五”时期质量工作成效"). A 现状/现实基础 section mixes
# results with the situation of various years and is not read as a period's results.
_RESULTS_HEADING = re.compile(r"成效|成就|回顾|完成情况|取得")
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
    # Flattened table cells and pipe-delimited 专栏 boxes are not running text.
    return bool(_PROSE_PUNCTUATION.search(line)) and "|" not in line


def _sentences(line: str) -> list[str]:
    return [s for s in re.split(r"[。!?!?]", line) if s.strip()]


def _leading_year(sentence: str) -> int | None:
    """The year a sentence is dated by ("2018年,日照市被…" → 2018; "到2020年,…" → 2020), if it opens with one."""
    match = re.match(r"^\s*(?:到|至|截至|截止到?)?((?:19|20)\d\d)年(?:底|末)?(?:[,,]|$)", sentence)
    return int(match.group(1)) if match else None


def _columns(value_name: str, value_kind: str, year: int) -> list[Column]:
    return [
        Column("领域", "category", published_header=""),
        Column("条目", "seq", published_header=""),
        Column("指标", "indicator", published_header=""),
        Column(value_name, "value", value_kind=value_kind, year=year, published_header=""),
    ]


def extract_prose_targets(lines: list[str], target_year: int, plan_period: str,
                          exclude: set[str]) -> ExtractedTable | None:
    """Figures stated as targets in the running text, from the 目标 section on; 领域 = the current (一)-level
    heading, 条目 = the row's number within its 领域. Indicators already in the document's tables (`exclude`, also
    under a printed Latin alias or with a one-character typo, see `_repeat_of`) are skipped.

    When the document has tables or boxes (`exclude` not empty), the prose of the 目标 section itself only
    summarises them ("制造业产品质量合格率达到96%以上…" above 表2) and is not read; the task sections after it are."""
    value_name = f"{target_year}目标"
    table = ExtractedTable("prose_targets", f"正文所列{target_year}年目标", "prose", plan_period, 0,
                           _columns(value_name, "target", target_year))
    # Targets are stated from the 目标 section on; without one, anywhere outside a section about the past.
    started = not any((h := _heading(line)) and _TARGETS_HEADING.search(h[1]) for line in lines)
    summary_level = None  # level of the 目标 heading while inside a 目标 section that only summarises the tables
    top, sub = "", ""
    top_past = sub_past = False
    counts: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        heading = _heading(line)
        if heading:
            level, text = heading
            is_past = bool(_PAST_HEADING.search(text))
            if level == 1:
                top, sub, top_past, sub_past = text, "", is_past, False
            else:
                sub, sub_past = text, is_past
            if summary_level is not None and level <= summary_level:
                summary_level = None
            if _TARGETS_HEADING.search(text) and not started:
                started = True
                summary_level = level if exclude else None
            continue
        if not started or summary_level is not None or top_past or sub_past or not _is_prose(line):
            continue
        area = sub or top
        for sentence in _sentences(line):
            year = _leading_year(sentence)
            if year is not None and year != target_year:
                if find_values(sentence):
                    table.notes.append(f"line {number}: a sentence dated {year} is not about {target_year}; "
                                       f"skipped")
                continue
            fragments, notes = extract_fragments(sentence, PROSE_TARGETS)
            table.notes.extend(f"line {number}: {n}" for n in notes)
            for fragment in fragments:
                repeat, how = _repeat_of(fragment.indicator, exclude)
                if repeat is not None:
                    if how != "exact":
                        table.notes.append(f"line {number}: '{fragment.indicator}' taken as a repeat of table "
                                           f"indicator '{repeat}' ({how})")
                    continue
                if how:
                    table.notes.append(f"line {number}: '{fragment.indicator}' kept although its name is close to "
                                       f"table indicator '{how}' (a repeat if the values agree)")
                counts[area] = counts.get(area, 0) + 1
                table.notes.extend(f"line {number}: {n}" for n in fragment.notes)
                table.rows.append({"source_line": number, "领域": area, "条目": str(counts[area]),
                                   "指标": fragment.indicator, value_name: fragment.value})
    if not table.rows:
        return None
    table.source_line = table.rows[0]["source_line"]
    return table


def extract_prose_results(lines: list[str], result_year: int, plan_period: str) -> ExtractedTable | None:
    """Figures reported as results in the section that reviews `result_year`'s period ("(一)“十三五”时期质量工作
    成效"): 领域 = the passage's lead sentence ("质量基础设施不断完善"), 条目 = the number of the sentence after
    that lead. `plan_period` is the period the table is about (十三五 for a 十四五 plan's review); the section is
    found from `result_year`. Sentences dated another year ("2018年,…") are skipped; qualitative results without a
    figure are not rows."""
    section = _results_section(lines, result_year)
    if section is None:
        return None
    start, end = section
    value_name = f"{result_year}实绩"
    title = lines[start - 1].strip()
    table = ExtractedTable("prose_actuals", title, "prose", plan_period, start,
                           _columns(value_name, "actual", result_year))
    for number in range(start + 1, end):
        line = lines[number - 1]
        if not _is_prose(line):
            continue
        area, seq = "", 0
        for sentence in _sentences(line):
            if _is_lead_sentence(sentence):
                area, seq = sentence.strip(), 0
                continue
            seq += 1
            year = _leading_year(sentence)
            if year is not None and year != result_year:
                if find_values(sentence):
                    table.notes.append(f"line {number}: a sentence dated {year} is not about {result_year}; skipped")
                continue
            fragments, notes = extract_fragments(sentence, PROSE_RESULTS)
            table.notes.extend(f"line {number}: {n}" for n in notes)
            if fragments and not area:
                table.notes.append(f"line {number}: figures before any lead sentence; 领域 left empty")
            for fragment in fragments:
                table.notes.extend(f"line {number}: {n}" for n in fragment.notes)
                table.rows.append({"source_line": number, "领域": area, "条目": str(seq),
                                   "指标": fragment.indicator, value_name: fragment.value})
    return table if table.rows else None


_PERIODS = {2010: "十一五", 2015: "十二五", 2020: "十三五", 2025: "十四五", 2030: "十五五"}
_ANY_PERIOD = re.compile(r"十[一二三四五]五")


def _period_of(year: int) -> str | None:
    """The five-year period a year falls in: 2020 → 十三五, 2018 → 十三五."""
    return next((name for end, name in sorted(_PERIODS.items()) if end - 4 <= year <= end), None)


def _results_section(lines: list[str], result_year: int) -> tuple[int, int] | None:
    """(heading line, first line after the section), 1-based, of the first results section about `result_year`'s
    period: its heading names that period, or (no period in the heading) its text names that period most, or no
    period at all. A 十三五 plan's “十二五”期间 review is no source of 2020 results."""
    period = _period_of(result_year)
    sections = []
    start, level = None, None
    for number, line in enumerate(lines + ["一、"], start=1):  # the sentinel closes the last section
        heading = _heading(line) if number <= len(lines) else (1, "")
        if heading is None:
            continue
        if start is not None and heading[0] <= level:
            sections.append((start, number))
            start = None
        if start is None and _RESULTS_HEADING.search(heading[1]):
            start, level = number, heading[0]
    for start, end in sections:
        # The heading's period decides; else the period the text names most (“十三五”时期… 比“十二五”时期增长).
        named = Counter(_ANY_PERIOD.findall(lines[start - 1])) or Counter(
            _ANY_PERIOD.findall("".join(lines[start:end - 1])))
        if not named or (period is not None and named.most_common(1)[0][0] == period):
            return start, min(end, len(lines) + 1)
    return None


def _is_lead_sentence(sentence: str) -> bool:
    """"质量基础设施不断完善": a short sentence without commas or figures heads the passage that follows."""
    text = sentence.strip()
    return 0 < len(text) <= 20 and not re.search(r"[,,、;;::\d]", text)


# ---- repeats of table indicators ----------------------------------------------------------------------------------

_NAME_NOISE = re.compile(r"[“”\"‘’《》\s]")
_LATIN_ALIAS = re.compile(r"^(?P<term>[^()()]+)[((](?P<alias>[A-Za-z][A-Za-z0-9.]*)[))](?P<rest>.*)$")
_LEVEL_CHARS = set("国省市县区")
_MAX_NAME = 80


def _repeat_of(name: str, exclude: set[str]) -> tuple[str | None, str]:
    """(table indicator, how) when `name` repeats one of `exclude`; (None, a close table name or "") otherwise.

    A repeat is the same name (quotes and spacing aside), the name under its printed Latin alias
    (PM2.5浓度 for 细颗粒物(PM2.5)浓度), or the name with one character different (主导制订 for 主导制定) unless
    that character is a level (省级 vs 市级). Anything looser cannot tell 品牌企业 from 品牌认证企业 by name alone,
    so close names are only reported.
    """
    mine = _NAME_NOISE.sub("", name)
    closest, best = "", 0.0
    for other in exclude:
        for reading, how in _readings(other):
            if mine == reading:
                return other, how
        theirs = _NAME_NOISE.sub("", other)
        if _one_character_apart(mine, theirs):
            return other, "one character different"
        if 4 <= len(mine) <= _MAX_NAME and len(theirs) <= _MAX_NAME:
            similarity = 2 * _common_subsequence(mine, theirs) / (len(mine) + len(theirs))
            if similarity >= 0.8 and similarity > best:
                closest, best = other, similarity
    return None, closest


def _readings(table_name: str) -> list[tuple[str, str]]:
    plain = _NAME_NOISE.sub("", table_name)
    readings = [(plain, "exact")]
    alias = _LATIN_ALIAS.match(plain)
    if alias:
        readings.append((alias["alias"] + alias["rest"], "its Latin alias"))
        readings.append((alias["term"] + alias["rest"], "without its Latin alias"))
    return readings


def _one_character_apart(a: str, b: str) -> bool:
    if len(a) != len(b) or len(a) < 4:
        return False
    different = [(x, y) for x, y in zip(a, b) if x != y]
    return len(different) == 1 and not (set(different[0]) & _LEVEL_CHARS)


def _common_subsequence(a: str, b: str) -> int:
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if ch == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]
