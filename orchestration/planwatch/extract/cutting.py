"""How a sentence is cut into (指标, value) pairs: the one convention of docs/raw-contract.md ("专栏 boxes and prose"),
used alike for 专栏 bullets, prose targets and prose results.

The values are found by `planwatch.values.find_values` (the project's one value grammar); this module only decides,
for each value, which neighbouring text names what it measures:

- **value**: the value phrase as `find_values` reads it: a qualifier or comparator word directly before the number
  (达到, 达, 力争, 保持在, 稳定在, 控制在, 不少于, 多于, 超过, ≥ …), the number, its multiplier and unit and a
  trailing 以上/以下/以内/左右 ("达到90%以上", "稳定在10%以下", "力争1~3项", "8(件/万人)以上").
- **value-last** ("承担省地方标准多于130项"): 指标 is the text from the previous boundary (clause start, the 、 after
  the previous target, or the end of the previous value) up to the value. Leading time phrases (到2025年, “十四五”
  期间) and connectives (并, 其中, 同时, a 、 or 和 joining the targets) are left out; everything else is kept, verbs
  included (创建…, 实现…, 力争…, 全市共有(获得)…, …浓度下降至).
- **number-first** ("培育500家小微企业导入…"): after a short lead-in (a verb, 我市, 2020年共有, a list closed by 等)
  a count, or any amount followed by 的, is printed before what it counts: 指标 is the text after the value up to
  the boundary (a linking 的 and a joining 和/、 left out); the lead-in is in neither cell.
- **shared values**: "A、B均达到300家" gives a row per name with the value as printed; "A和B满意度分别保持在85%和
  80%以上" gives A / 保持在85% and B满意度 / 80%以上. Listed kinds share the name after the last ("省级、市级专精特新
  企业" → 省级专精特新企业 / 市级专精特新企业; "国家、省、市三级质量奖获奖企业" → 国家级… / 省级… / 市级…;
  "重点工业产品、消费品的监督抽查合格率" → 重点工业产品的监督抽查合格率 / …), and a value of a 分别 list printed
  without a comparator word has the shared verb of the first ("分别达到30家、80家" → 达到30家 / 达到80家: one
  comparator for the list; the one cell put together from the sentence, and said so in a note).
- **bare numbers** (no unit, no comparator word: indices, scores) are figures only after 为/是 or a name ending in
  指数/率/满意度/得分, at the end of their phrase ("质量竞争力指数为85.2"); every other one is noted and dropped.
- **asides**: "达到87以上(2025年为85.2)": a bracket right after a value, holding a year (or 基期) and a value, is
  the same indicator's value for that year (`Fragment.aside`, `Fragment.year`); the caller dates it.
- **qualitative targets** (no figure: "环境空气质量符合省下达目标要求", "完成省下达的主要污染物总量减排任务",
  "创建全国质量强市示范城市、…") are rows only in 专栏 boxes, which list targets by design (`boxed=True`).
"""

import re
from dataclasses import dataclass, field

from planwatch.extract.dating import time_phrase
from planwatch.extract.finder import ValueInText, find_values
from planwatch.values import COUNT_UNITS, parse_value

# "到2020年", "“十三五”期间", "截至2020年底", "到 2025 年": when a figure is meant, not what is measured.
TIME_PHRASE = re.compile(
    r"^(?:到|至|截至|截止到?|在)?\s*(?:“?十[一二三四五]五”?(?:期间|时期|期末|末)|(?:19|20)\d\d\s*年(?:底|末)?)[,,]?"
)
# Connectives that join a target to the text before it; part of neither cell.
_CONNECTOR = re.compile(r"^(?:以及|其中|同时|[、和及与并])+")
# "每年重点建设3项…": in a lead-in, but part of a value-last indicator ("每年清淤1000万立方米以上").
_EVERY_YEAR = re.compile(r"^(?:每年|年均)")
_SCOPE = re.compile(r"^(?:全市|我市|本市|全省|全区|全县|全域)")
# "全市共有(获得)…", "2020年共有": a totalling lead-in before a number-first count.
_TOTALLING = re.compile(r"^(?:(?:全市|我市|本市|全省|全区|全县)?共(?:有|计)?|共有|共计)(?:[((][^()()]{1,6}[))])?")
_ASPIRATION = re.compile(r"^(?:力争|争取|确保)")
_ANY_TIME_PHRASE = re.compile(TIME_PHRASE.pattern.lstrip("^"))
# "特种设备登记率和定检率保持100%": rates listed before one value each have it (a rate, unlike a count, is not
# summed over the names: "省级瞪羚企业、独角兽企业数量超过30家" is one combined count).
_RATE_NAME = re.compile(r"(?:率|比例|比重|满意度)$")
_LIST_SEPARATOR = re.compile(r"[、和及与]")
# The size of a building or project ("建设面积7000平方米", "…二期工程13300平方米"): a specification of a task, not
# a target.
_AREA_UNITS = ("平方米", "平方公里", "亩", "公顷", "m2")
_BUILDING = re.compile(r"(?:(?:建设|建筑|占地|使用)面积|工程|项目|中心|实验室|大楼|楼)$")

_CLAUSE_END = re.compile(r"[,,;;。!?!?]")
_MAX_CLAUSE = 2000  # a "clause" longer than this is not a sentence part (minified page, data blob): skipped
_TRAILING = re.compile(r"(?:均为|均在|均是|分别为|分别是|分别|均|都|为)$")
# A modal verb between the name and its value ("要达到", "将达到"); not 主要/重要/需要.
_MODAL = re.compile(r"(?:将要|也将|将|(?<![主重需必纲摘])要)$")
# Clauses that describe the previous figure ("涵盖…等8个领域") rather than state one.
_DESCRIPTIVE = re.compile(r"^(?:涵盖|包括|包含|涉及)")
# Counted things: a count unit printed before a noun counts that noun (500家小微企业); a measure unit there is a
# modifier (24小时回应, 10蒸吨/小时以下分散燃煤锅), unless 的 links it ("300万元的…经费", "50%以上的中小学校").
# Counts of events and occasions (人次, 次, 场 …) count no noun after them.
_COUNT_UNITS = tuple(sorted(COUNT_UNITS - {"人次", "批次", "次", "本", "场", "床"}, key=len, reverse=True))
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
    # A value stated in brackets after another one ("(2025年为85.2)"): the year it states (None: 基期 or 现状).
    aside: bool = False
    year: int | None = None
    end: int = -1  # where the fragment's value ends in its clause (asides are placed by it)


def clauses(text: str) -> list[str]:
    """The parts of a sentence between , ; 。 (full or half width), stripped, empty ones dropped."""
    return [c.strip() for c in _CLAUSE_END.split(text) if c.strip()]


def extract_fragments(text: str, boxed: bool = False) -> tuple[list[Fragment], list[str]]:
    """Every (indicator, value) stated in `text` (one bullet or one sentence), plus notes on what was skipped.
    `boxed`: the text is a 专栏 bullet, where a clause without a figure is a qualitative target."""
    fragments, notes = [], []
    for clause in clauses(text):
        if len(clause) > _MAX_CLAUSE:
            notes.append(f"a clause of {len(clause)} characters was skipped")
            continue
        clause, asides = _cut_asides(clause)
        found = _figures(clause, notes)
        if found and _DESCRIPTIVE.match(clause):
            notes.append(f"'{clause[:30]}' describes the previous figure; its numbers are not rows")
            continue
        if found:
            fragments.extend(_with_asides(_split_clause(clause, found, boxed, notes), asides, notes))
        elif boxed:
            qualitative = _qualitative(clause)
            if qualitative:
                fragments.extend(qualitative)
            else:
                notes.append(f"'{clause[:30]}' has no figure and no recognised qualitative phrase; not a row")
    return fragments, notes


def _figures(clause: str, notes: list[str] | None = None) -> list[ValueInText]:
    """The value phrases that are figures: not bare numbers (96345 热线, “1511计划”, 10强; but an index or score
    after 为/是 or its name: `_is_bare_figure`), not small counts in Chinese numerals (两届, 三张金名片: idioms and
    names far more often than targets; round magnitudes such as 十家 / 百家 / 千家 are targets), not an amount that
    only qualifies the next target's name (100亿服务业项目5个). Each number set aside is said in `notes`."""
    notes = notes if notes is not None else []
    values = []
    for v in find_values(clause):
        if v.bare and not _is_bare_figure(clause, v):
            if not _is_label(clause, v):
                notes.append(f"{v.text} in '{clause[:30]}' is a bare number (no unit or comparator word); not a row")
        elif not v.bare and v.in_words and not re.search(r"[十百千万]", v.text):
            continue  # 两届, 三张金名片
        else:
            values.append(v)
    kept: list[ValueInText] = []
    for i, value in enumerate(values):
        nxt = values[i + 1] if i + 1 < len(values) else None
        between = clause[value.end : nxt.start] if nxt else ""
        if value.parsed.unit is None and nxt is not None and between.strip() and not re.search(r"[、和及与]", between):
            # "100亿服务业项目5个": 100亿 is part of the name of what 5个 counts
            notes.append(f"{value.text} in '{clause[:30]}' is part of the name of what {nxt.text} counts; not a row")
            continue
        if _is_threshold(clause, values, i):
            # "年主营业务超过1000亿元的名牌企业达到10家": the amount says which firms are counted
            notes.append(f"{value.text} in '{clause[:30]}' says which things are counted (a threshold); not a row")
            continue
        if _RANK.match(clause[value.end :]):
            notes.append(f"{value.text} in '{clause[:30]}' is a rank (…之一); not a row")
            continue
        of_list = _OF_LIST.match(clause[value.end :]) if clause[: value.start].endswith("等") else None
        if of_list and _ACTION.search(of_list["what"]):
            # "实施A、B等9个领域的质量提升行动": the number totals the list that qualifies an action
            notes.append(
                f"{value.text} in '{clause[:30]}' totals the list before it, which qualifies "
                f"'{of_list['what']}' (an action); not a row"
            )
            continue
        kept.append(value)
    return kept


_RANK = re.compile(r"^[^,,、;;]{0,12}之一")
# "…等9个领域的质量提升行动": the counted list qualifies an action named after 的 (unlike "打造A、B等5个百亿级的
# 产业集群" or "培育A、B等3个特色产业品牌", targets).
_OF_LIST = re.compile(r"^[^,,、;;的]{1,6}的(?P<what>[^,,、;;]*)")
_ACTION = re.compile(r"行动|工作|活动|工程")
# A bare number (no unit or comparator word) is a figure after a linking verb or a name that measures without a unit.
_BARE_VERB = re.compile(r"(?:为|是|达到|达|保持)$")
_BARE_NAME = re.compile(r"(?:指数|率|满意度|得分)(?:要|将)?(?:为|是|达到|达|保持在?)?$")


def _is_bare_figure(clause: str, value: ValueInText) -> bool:
    """ "制造业质量竞争力指数为85.2", "顾客满意度82": an index or score, printed with no unit, stated as a figure —
    after 为/是/达到/保持 or a name ending in 指数/率/满意度/得分, and at the end of its phrase (not "为5A级")."""
    before, after = clause[: value.start].rstrip(), clause[value.end :].lstrip()
    if not before or after[:1] not in ("", "(", "(", "、", "和", "及", "与", ",", ",", ";", ";"):
        return False
    if value.parsed.comparator == "range":
        return False
    return bool(_BARE_VERB.search(before) or _BARE_NAME.search(before))


def _is_label(clause: str, value: ValueInText) -> bool:
    """A list number ("1、深化…") or a number inside a quoted name (“1511计划”, “3•15”): no figure to note."""
    if value.start == 0 and clause[value.end : value.end + 1] in ("、", ".", "."):
        return True
    before = clause[: value.start]
    return before.count("“") > before.count("”") or before.count("《") > before.count("》")


# "(2025年为85.2)", "(基期值为9.6件)": a bracket right after a value holding another value.
_ASIDE = re.compile(r"\s*[((](?P<inner>[^()()]{2,40})[))]")
_ASIDE_BASE = re.compile(r"^(?:基期|基数|基准|现状|现值)(?:值|年)?")


def _cut_asides(clause: str) -> tuple[str, list[tuple[int, str]]]:
    """The clause without the bracketed asides that follow a value, and each aside as (where the value before
    it ends in the returned clause, the text inside the bracket)."""
    asides, out, last, removed = [], [], 0, 0
    ends = {v.end for v in find_values(clause)}
    for match in _ASIDE.finditer(clause):
        inner = match["inner"]
        if match.start() not in ends or not re.search(r"\d", inner):
            continue
        if not (time_phrase(inner) or _ASIDE_BASE.match(inner)):
            continue
        out.append(clause[last : match.start()])
        asides.append((match.start() - removed, inner))
        removed += match.end() - match.start()
        last = match.end()
    if not asides:
        return clause, []
    out.append(clause[last:])
    return "".join(out), asides


def _with_asides(fragments: list[Fragment], asides: list[tuple[int, str]], notes: list[str]) -> list[Fragment]:
    """Each aside as a fragment of the indicator whose value it follows, right after it."""
    if not asides:
        return fragments
    out = list(fragments)
    for at, inner in asides:
        owners = [f for f in fragments if f.end == at]
        phrase = time_phrase(inner)
        rest = inner[phrase.end :] if phrase else _ASIDE_BASE.sub("", inner, count=1)
        rest = re.sub(r"^[::]?(?:为|是)?", "", rest.strip())
        values = find_values(rest)
        if len(owners) != 1 or len(values) != 1 or values[0].start != 0 or rest[values[0].end :].strip():
            notes.append(f"the bracket '({inner})' states a value of no one indicator; not read")
            continue
        owner = owners[0]
        said = phrase.text if phrase else inner[: values[0].start or len(inner) - len(rest)].strip() or "基期"
        out.insert(
            out.index(owner) + 1,
            Fragment(
                owner.indicator,
                values[0].text,
                [f"{owner.indicator}: {values[0].text} is stated in brackets after {owner.value} ({said})"],
                aside=True,
                year=phrase.year if phrase else None,
                end=at,
            ),
        )
    return out


def _is_threshold(clause: str, values: list[ValueInText], i: int) -> bool:
    """A value (or a 、-run of values) followed by 的 and a name, with a later value in the clause, qualifies that
    name: "超过1000亿元、500亿元的名牌企业分别达到10家、20家"."""
    j = i
    while j + 1 < len(values) and re.fullmatch(r"\s*[、和及与]\s*", clause[values[j].end : values[j + 1].start]):
        j += 1  # the rest of the run
    if j + 1 >= len(values):
        return False
    between = clause[values[j].end : values[j + 1].start]
    return between.startswith("的") and len(between) > 1 and not re.search(r"[、和及与]", between)


def _split_clause(clause: str, values: list[ValueInText], boxed: bool, notes: list[str]) -> list[Fragment]:
    """One clause with its figures → fragments, left to right; `cursor` is where the text not yet given to a
    fragment starts."""
    fragments: list[Fragment] = []
    cursor = 0
    for i, value in enumerate(values):
        for fragment in fragments:
            fragment.end = values[i - 1].end if fragment.end < 0 else fragment.end
        nxt = values[i + 1] if i + 1 < len(values) else None
        limit, ambiguous = _tail_limit(clause, value, nxt)
        tail = clause[value.end : limit]
        prefix = clause[cursor : value.start]
        if not _strip_connectors(tail) or re.fullmatch(r"\s*等+\s*", tail):  # "…500项以上等": the list ends
            fragments.extend(_value_last(prefix, value.text, i > 0))
            cursor = limit
            continue
        qualitative = _qualitative_tail(clause, value, tail, limit)
        if qualitative and _is_lead_in(prefix):
            if boxed:
                fragments.append(qualitative)
            else:
                notes.append(
                    f"'{qualitative.indicator}{qualitative.value}' is a qualitative result; not a row "
                    f"outside a 专栏 box"
                )
            cursor = limit
            continue
        if _is_lead_in(prefix) and _counts_things(value, tail):
            indicator, used, doubts = _counted_noun(tail, nxt is not None and ambiguous)
            if indicator:
                fragments.append(Fragment(indicator, value.text, [f"{value.text}{indicator}: {d}" for d in doubts]))
            cursor = value.end + used
            continue
        if prefix.endswith("中") and value.parsed.unit == "%" and tail.startswith("的"):
            # "完成《…目录》中90%的项目建设": the share is of what precedes 中.
            fragment = _value_last(prefix[:-1], value.text, i > 0)
            for f in fragment:
                f.notes.append(f"'{tail.strip()}' after {value.text} is in neither cell")
            fragments.extend(fragment)
            cursor = limit
            continue
        notes.append(f"{value.text} in '{clause[:30]}' qualifies what follows it; not a row")
        cursor = limit
    for fragment in fragments:
        fragment.end = values[-1].end if fragment.end < 0 else fragment.end
    _distribute_respectively(fragments, notes)
    kept = []
    for fragment in fragments:
        if not re.search(r"\w", fragment.indicator):
            notes.append(
                f"{fragment.value} in '{clause[:30]}' has no indicator printed before it"
                + (f" ('{fragment.indicator}' is no name)" if fragment.indicator else "")
                + "; not a row"
            )
        elif _is_building_size(fragment):
            notes.append(f"{fragment.indicator}{fragment.value} is the size of a building or project; not a row")
        elif fragment.value:
            kept.append(fragment)
    return kept


def _is_building_size(fragment: Fragment) -> bool:
    unit = next((v.parsed.unit for v in find_values(fragment.value)), None) or ""
    return unit.endswith(_AREA_UNITS) and bool(_BUILDING.search(fragment.indicator))


def _tail_limit(clause: str, value: ValueInText, nxt: ValueInText | None) -> tuple[int, bool]:
    """Where the text that may belong to `value` ends: at the last 、 before the next value, else at the next value
    (ambiguous: it may belong to either), else at the clause end."""
    if nxt is None:
        return len(clause), False
    between = clause[value.end : nxt.start]
    cut = between.rfind("、")
    if cut >= 0:
        return value.end + cut + 1, False
    return nxt.start, True


def _strip_connectors(text: str) -> str:
    return _CONNECTOR.sub("", text.strip()).strip()


def _leading_words_dropped(indicator: str) -> str:
    """Connectives and time phrases at the start of a value-last indicator, in any order ("其中“十三五”期间注册")."""
    while True:
        shorter = TIME_PHRASE.sub("", _strip_connectors(indicator), count=1).strip()
        if shorter == indicator:
            return indicator
        indicator = shorter


def _value_last(prefix: str, value: str, after_value: bool) -> list[Fragment]:
    """The indicator printed before its value; shared subjects with 均 give one row per listed name."""
    # "规划提出的具体量化发展指标还包括:建成…": the words before a colon announce the list.
    indicator = _leading_words_dropped(re.split(r"[::]", prefix)[-1].strip())
    indicator = _MODAL.sub("", indicator).strip()  # "…指数要达到84.5": 要/将 belong to neither cell
    if re.search(r"(?:均|都)(?:为|在|是)?$", indicator) and _LIST_SEPARATOR.search(indicator):
        # "“两书”签订率、工程质量监督覆盖率…均达到100%", "A和B均在95%以上": each listed indicator has the value.
        names = [n.strip() for n in _LIST_SEPARATOR.split(_TRAILING.sub("", indicator)) if n.strip()]
        return [Fragment(n, value) for n in _shared_head(names)]
    names = [n.strip() for n in _LIST_SEPARATOR.split(indicator)]
    if len(names) > 1 and all(_RATE_NAME.search(n) for n in names):
        return [Fragment(n, value) for n in names]
    respectively = bool(re.search(r"分别(?:为|是)?$", indicator))
    return [Fragment(_TRAILING.sub("", indicator).strip(), value, respectively=respectively)]


_MEASURE_END = re.compile(r"(?:率|比例|比重|满意度|指数|得分|数量|总量|数)$")
_SCOPE_WORD = re.compile(r"^(?:全市|我市|本市|全省|全区|全县|全域)")
_LEVEL = r"(?:国际|国家|全国|省|市|县|区|乡镇|镇|乡)级?"
_LEVEL_HEAD = re.compile(rf"^(?P<kind>{_LEVEL})(?P<levels>[二两三四五]级)?(?P<head>\S{{2,}})$")


def _shared_head(names: list[str]) -> list[str]:
    """Listed kinds that share the name printed after the last one; such names are put together from the
    sentence, not cut out of it:
    - "市政、交通、水利、建筑等工程验收合格率": short kinds listed before 等 share the name after it (市政工程验收合格率 …);
    - "省级、市级专精特新企业", "国家、省、市三级质量奖获奖企业": levels share the name after the last level
      (国家级质量奖获奖企业 …; a leading 全区 of the first is the scope of the list);
    - "重点工业产品、消费品的监督抽查合格率": things without a measure of their own share the one after 的."""
    *firsts, last = names
    if not firsts:
        return names
    if "等" in last and all(len(n) <= 4 for n in firsts):
        kind, head = last.split("等", 1)
        if kind and len(kind) <= 4 and len(head) >= 2:
            return [n + head for n in (*firsts, kind)]
        return names
    kinds = [_SCOPE_WORD.sub("", n, count=1) if i == 0 else n for i, n in enumerate(firsts)]
    level = _LEVEL_HEAD.match(last)
    if level and all(re.fullmatch(_LEVEL, k) for k in kinds):
        every = [*kinds, level["kind"]]
        if level["levels"]:
            every = [k if k.endswith("级") else k + "级" for k in every]
        return [k + level["head"] for k in every]
    if "的" in last and all(len(n) <= 8 and "的" not in n and not _MEASURE_END.search(n) for n in firsts):
        kind, head = last.split("的", 1)
        if kind and len(head) >= 2 and _MEASURE_END.search(head):
            return [n + "的" + head for n in firsts] + [last]
    return names


def _listed_values(name: str, count: int) -> list[str] | None:
    """ "年主营业务超过1000亿元、500亿元的名牌企业分别…": a name holding a list of `count` amounts is `count` names,
    each with one of them (and the comparator word printed before the first)."""
    values = find_values(name)
    if len(values) != count or any(
        not re.fullmatch(r"\s*[、和及与]\s*", name[a.end : b.start]) for a, b in zip(values, values[1:])
    ):
        return None
    first = values[0]
    lead = re.match(r"[^\d一二两三四五六七八九十百千]*", first.text).group(0)  # 超过, 不低于 …
    head, tail = name[: first.start], name[values[-1].end :]
    return [head + (v.text if v is first or v.text.startswith(lead) else lead + v.text) + tail for v in values]


def _distribute_respectively(fragments: list[Fragment], notes: list[str]) -> None:
    """ "A和B满意度分别保持在85%和80%以上": A gets 85%, B满意度 80%以上 (the names as printed)."""
    for i, fragment in enumerate(fragments):
        if not fragment.respectively:
            continue
        followers = []
        for other in fragments[i + 1 :]:
            if other.indicator:
                break
            followers.append(other)
        names = _listed_values(fragment.indicator, len(followers) + 1) or _shared_head(
            [n.strip() for n in re.split(r"[和、及与]", fragment.indicator) if n.strip()]
        )
        if followers and len(names) == len(followers) + 1:
            for target, name in zip([fragment, *followers], names):
                target.indicator = name.strip()
            _share_verb(fragment, followers)
        elif followers:
            notes.append(f"'{fragment.indicator}' 分别 does not divide into {len(followers) + 1} names")


# The words before the number of a value: 达到, 保持在, 不少于 …
_VALUE_LEAD = re.compile(r"^[^\d一二两三四五六七八九十百千近]+")


def _share_verb(first: Fragment, followers: list[Fragment]) -> None:
    """ "分别达到30家、80家": the verb before the first value is the list's; a later value with no comparator word
    of its own is given it (达到80家), so that every value of the list has the same comparator."""
    lead = _VALUE_LEAD.match(first.value)
    if lead is None or parse_value(first.value).comparator == "=":
        return
    for other in followers:
        parsed = parse_value(other.value)
        if parsed.comparator == "=" and parsed.qualifier is None and not _VALUE_LEAD.match(other.value):
            other.notes.append(
                f"{other.value}: the verb '{lead.group(0)}' of the 分别 list is printed before "
                f"{first.value} only; given to this value too"
            )
            other.value = lead.group(0) + other.value


def _is_lead_in(prefix: str) -> bool:
    """A short lead-in before a number-first value: a verb (培育, 选树), 我市, 2020年共有, 争取每年设立, or a list
    closed by 等."""
    text = _ANY_TIME_PHRASE.sub("", _strip_connectors(prefix), count=1).strip()  # 计划在“十四五”时期创建
    for pattern in (_ASPIRATION, _EVERY_YEAR, _SCOPE, _TOTALLING):
        text = pattern.sub("", text, count=1).strip()
    return len(text) <= 4 or text.endswith("等")


def _counts_things(value: ValueInText, tail: str) -> bool:
    unit = value.parsed.unit
    if tail.lstrip().startswith("的"):
        return True  # "50%以上的中小学校", "300万元的…经费": the value is of what follows 的
    if unit is None:
        return value.parsed.multiplier > 1  # 450万居民
    return unit.startswith(_COUNT_UNITS) and "/" not in unit and not unit.startswith("个百分点")


def _counted_noun(tail: str, shared_with_next: bool) -> tuple[str, int, list[str]]:
    """What a number-first value counts (the text after it), how many characters of `tail` that used, and doubts
    worth a note."""
    used, doubts = len(tail), []
    if shared_with_next:
        # "重大服务业项目完成投资": the next value's indicator starts at its verb.
        verbs = [m.start() for m in _SPLIT_VERBS.finditer(tail) if m.start() > 0]
        if verbs:
            used = verbs[-1]
            doubts.append(f"the text up to the next value was divided before '{tail[used : used + 2]}'")
    # "新增1-2名一级注册计量师和2-3名二级注册计量师": the connector before the next count is in neither name.
    noun = re.sub(r"(?:[、和及与]|以及)+$", "", tail[:used].strip()).strip()
    noun = re.sub(r"^的", "", noun).strip()
    return noun, used, doubts


def _qualitative_tail(clause: str, value: ValueInText, tail: str, limit: int) -> Fragment | None:
    """ "4个省控…断面水质全部达到年度目标要求": the count belongs to the subject, the result is the value."""
    positions = [tail.find(m) for m in _QUAL_MARKERS if tail.find(m) > 0]
    if not positions:
        return None
    cut = value.end + min(positions)
    indicator = clause[value.start : cut].strip()
    result = clause[cut:limit].strip()
    result = re.sub(r"^均", "", result).strip()
    return Fragment(indicator, result) if indicator and result else None


def _qualitative(clause: str) -> list[Fragment]:
    """A target without a figure: the measured thing as printed and the qualitative phrase as printed."""
    completion = _COMPLETION.match(clause)
    if completion:
        return [Fragment(clause[completion.end() :].strip(), completion.group(1))]
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
        titles = [t.strip() for t in clause[creation.end() :].split("、") if t.strip()]
        return [Fragment(t, creation.group(1)) for t in titles]
    return []
