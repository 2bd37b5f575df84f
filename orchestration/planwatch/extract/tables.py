"""Flattened HTML tables: a scraped page puts every table cell on a line of its own, empty cells often leave no
line at all, wrapped cells spill over several lines and merged cells appear once. This module finds such tables
by their header row and rebuilds their rows from the kinds of cells it sees (text, unit, value, status).

The rules are written for what plan tables look like, not for one document; what they cannot decide is written
into the table's notes for a person to check.
"""

import re
from dataclasses import dataclass

from planwatch import vocabulary
from planwatch.extract.model import Column, ExtractedTable
from planwatch.values import parse_unit, parse_value

# Header words by role. A header cell is one of these, possibly after a year ("2020" + "目标值").
_CATEGORY_HEADERS = ("类别", "分类", "关键领域", "领域", "类型")
_INDICATOR_HEADERS = ("指标名称", "主要指标", "工作内容及指标", "指标", "指标内容")
_HEADER_WORDS = (
    *_CATEGORY_HEADERS,
    *_INDICATOR_HEADERS,
    "序号",
    "单位",
    "属性",
    "指标属性",
    "备注",
    "目标值",
    "现状值",
    "完成情况",
    "完成",
    "情况",
    "规划目标",
    "实绩",
    "目标",
    "完成值",
    "现状",
    "基期值",
    "年目标",
    "年目标值",
    "年实绩",
    "年",
)
_YEAR = re.compile(r"^(?P<year>(?:19|20)\d\d)\s*年?")
_TITLE = re.compile(r"(表\s*\d|主要指标|主要目标|完成情况|具体目标|指标体系)")
_SECTION = re.compile(
    r"^(第[一二三四五六七八九十]+[章节]|[一二三四五六七八九十]+、|[((][一二三四五六七八九十]+[))]|\d+[.、].{0,40}[。:]$|表\s*\d)"
)
_STATUS = re.compile(r"^(已完成|未完成|基本完成|完成|未完成,|政策调整.*|不再.*|有待推进|.{0,6}(建设|推进|进行)中)$")
_NUMBERED = re.compile(r"^\d{1,2}[.、．](?=[^\d\s])")
_QUALITATIVE_VALUE = re.compile(r"(建成|创成|完成|下降|达标|任务|目标|要求|稳定|保持|通过|获得|实现|推进)")
_VALUE_START = re.compile(r"(\d|[≥≤<>]|完成|已|未|基本|创|建|稳|保持|力争|达到|不|多于|超过|高线|低线)")
_INDICATOR_ENDING = re.compile(r"(率|量|数|度|比例|企业|产品|奖|标准|项目|创建|机构|中心|工地|平台|示范区|浓度)$")


@dataclass
class _Header:
    title: str
    title_line: int
    columns: list[Column]
    body_start: int  # index into lines (0-based) of the first body line


def find_tables(lines: list[str]) -> list[ExtractedTable]:
    """Every flattened indicator table in the document, in order: t1, t2, ..."""
    tables = []
    i = 0
    while i < len(lines):
        header = _read_header(lines, i)
        if header is None:
            i += 1
            continue
        table, end = _read_body(lines, header, f"t{len(tables) + 1}")
        if table.rows:
            tables.append(table)
        i = max(end, i + 1)
    return tables


# ---- header ---------------------------------------------------------------------------------------------------


def _cells(lines: list[str], start: int, limit: int):
    """(index, text) of the next `limit` non-empty lines from `start`."""
    found = []
    for i in range(start, len(lines)):
        text = lines[i].strip()
        if text:
            found.append((i, text))
            if len(found) == limit:
                break
    return found


def _is_header_piece(text: str) -> bool:
    rest = _YEAR.sub("", text).strip()
    return bool(_YEAR.match(text)) and (rest == "" or rest in _HEADER_WORDS) or text in _HEADER_WORDS


def _read_header(lines: list[str], start: int) -> _Header | None:
    first = lines[start].strip()
    if first not in (*_CATEGORY_HEADERS, *_INDICATOR_HEADERS, "序号"):
        return None
    pieces = []
    for index, text in _cells(lines, start, 16):
        if not _is_header_piece(text):
            break
        pieces.append((index, text))
    names = _join_header_pieces([t for _, t in pieces])
    if not any(n in _INDICATOR_HEADERS for n in names) or not any(_YEAR.match(n) for n in names):
        return None
    title_line, title = _title_before(lines, start)
    columns = _columns(names)
    return _Header(title, title_line, columns, pieces[-1][0] + 1)


def _join_header_pieces(pieces: list[str]) -> list[str]:
    """ "2020" + "目标值" → "2020目标值"; "完成" + "情况" → "完成情况"; a lone "2020" stays a header."""
    names: list[str] = []
    for piece in pieces:
        if names and (
            (_YEAR.fullmatch(names[-1]) and not _YEAR.match(piece)) or (names[-1] == "完成" and piece == "情况")
        ):
            names[-1] += piece
        else:
            names.append(piece)
    return names


def _title_before(lines: list[str], start: int) -> tuple[int, str]:
    for i in range(start - 1, max(start - 6, -1), -1):
        text = lines[i].strip()
        if text:
            if _TITLE.search(text) and len(text) <= 60:
                return i + 1, text.rstrip("。")
            break
    return start + 1, ""


def _columns(names: list[str]) -> list[Column]:
    targets = [int(_YEAR.match(n)["year"]) for n in names if _YEAR.match(n) and "目标" in n]
    target_year = max(targets) if targets else None
    columns = []
    for name in names:
        year = _YEAR.match(name)
        if name in _CATEGORY_HEADERS:
            columns.append(Column(name, "category"))
        elif name in _INDICATOR_HEADERS:
            columns.append(Column(name, "indicator"))
        elif name == "序号":
            columns.append(Column(name, "seq"))
        elif name == "单位":
            columns.append(Column(name, "unit"))
        elif name in ("属性", "指标属性"):
            columns.append(Column(name, "attribute"))
        elif year is None and "完成" in name:
            columns.append(Column(name, "reported_status", year=target_year))
        elif year is not None:
            y = int(year["year"])
            rest = name[year.end() :]
            if "目标" in rest or rest == "":
                kind = "target"
            elif target_year is not None and y < target_year:
                kind = "baseline"  # a 十四五 table's 2020 column: the plan's starting point
            else:
                kind = "actual"
            columns.append(Column(name, "value", value_kind=kind, year=y))
        else:
            columns.append(Column(name, "note"))
    return columns


# ---- body -----------------------------------------------------------------------------------------------------


def _kind(text: str) -> str:
    """value, unit, status or text: what a body cell looks like on its own."""
    if _STATUS.match(text):
        return "status"
    if _NUMBERED.match(text) and re.search(r"[\u4e00-\u9fff]", text):
        return "text"  # "1.产品监督抽查合格率", "8.工程竣工验收一次性合格率": a numbered heading or indicator
    if parse_unit(text) is not None and parse_value(text).number is None:
        return "unit"
    parsed = parse_value(text)
    if parsed.comparator == "unparsed" and re.match(r"[\u4e00-\u9fff“《]", text):
        return "text"  # "国家5A级景区": a name with a digit in it
    if parsed.comparator not in ("qual",):
        return "value"
    return "text"


def _is_qualitative_value(text: str) -> bool:
    return bool(_QUALITATIVE_VALUE.search(text)) and not _INDICATOR_ENDING.search(text)


def _body_lines(lines: list[str], header: _Header) -> tuple[list[tuple[int, str]], int]:
    body = []
    i = header.body_start
    while i < len(lines):
        text = lines[i].strip()
        if text:
            if (
                (_SECTION.match(text) and not _NUMBERED.match(text))
                or len(text) > 80
                or (_NUMBERED.match(text) and text.endswith(("。", ":")))
                or _read_header(lines, i)
            ):
                break  # a new section, running prose, or the next table's header
            if _TITLE.search(text) and ("表" in text[:3]):
                break
            body.append((i + 1, text))
        i += 1
    return body, i


def _read_body(lines: list[str], header: _Header, table_id: str) -> tuple[ExtractedTable, int]:
    body, end = _body_lines(lines, header)
    builder = _RowBuilder(header.columns)
    rows = builder.build(body)
    columns = builder.columns
    table = ExtractedTable(
        table_id, header.title, "table", period_of(columns), header.title_line, columns, rows, builder.notes
    )
    return table, end


def period_of(columns: list[Column]) -> str:
    """The period a table is about: the five-year period (seeds/plan_periods.csv) that holds the year its targets
    are for, else the latest year of its values; `other` when no column has a year."""
    years = [c.year for c in columns if c.role == "value" and c.value_kind == "target" and c.year] or [
        c.year for c in columns if c.role == "value" and c.year
    ]
    return vocabulary.period_of_year(max(years)) if years else vocabulary.OTHER_PERIOD


class _RowBuilder:
    """Turns the stream of body cells into rows.

    A row is: heading lines (category, subcategory) that only the first row of a group carries, the indicator
    (possibly wrapped over two lines), the unit, the values and the reported status. Cells a merged cell covered
    are repeated from the row above.
    """

    def __init__(self, columns: list[Column]):
        self.columns = list(columns)
        self.notes: list[str] = []
        self.value_columns = [c for c in columns if c.role == "value"]
        self.has = {c.role for c in columns}
        self.category = ""
        self.subcategory = ""
        self.needs_subcategory = False

    def build(self, body: list[tuple[int, str]]) -> list[dict]:
        rows: list[dict] = []
        i = 0
        while i < len(body):
            more, i = self._next_rows(body, i, rows[-1] if rows else None)
            if not more:
                break
            rows.extend(more)
        if self.needs_subcategory and "subcategory" not in self.has:
            at = next(k for k, c in enumerate(self.columns) if c.role == "category") + 1
            self.columns.insert(at, Column("分项", "subcategory", published_header=""))
        return rows

    def _next_rows(self, body, i, previous) -> tuple[list[dict], int]:
        """The rows that start at body[i] (usually one; two when two indicators share a cell), and where the next
        one starts. Four steps, each reading on from where the last stopped: heading, unit, values, status."""
        seq, heading, i = self._read_heading(body, i)
        if not heading:
            return [], len(body)
        shared = self._shared_cell(heading, body, i)
        if shared:
            return shared
        indicator_line, indicator = self._split_heading(heading)
        unit, i = self._read_unit(body, i)
        values, i = self._read_values(body, i)
        status, i = self._read_status(body, i)
        values, status = self._fill_merged(indicator_line, indicator, values, status, previous)
        return [self._row(indicator_line, indicator, seq, unit, values, status)], i

    def _read_heading(self, body, i) -> tuple[str | None, list[tuple[int, str]], int]:
        """1. The sequence number, heading and indicator text: every text cell up to the first that is not text."""
        seq = None
        heading: list[tuple[int, str]] = []
        while i < len(body):
            line, text = body[i]
            if "seq" in self.has and seq is None and re.fullmatch(r"\d{1,3}", text) and len(heading) <= 2:
                seq = text
                i += 1
                continue
            if _kind(text) != "text":
                break
            if heading and _is_qualitative_value(text) and not _is_qualitative_value(heading[-1][1]):
                break
            heading.append((line, text))
            i += 1
        return seq, heading, i

    def _read_unit(self, body, i) -> tuple[str, int]:
        """2. The unit cell, when the table has a unit column; "/" or "-" counts as one when values or the next
        indicator follow it."""
        if "unit" not in self.has or i >= len(body):
            return "", i
        text = body[i][1]
        is_unit = _kind(text) == "unit" or (
            i + 1 < len(body)
            and text in ("/", "-")
            and (self._values_ahead(body, i + 1) >= len(self.value_columns) or _kind(body[i + 1][1]) == "text")
        )
        return (text, i + 1) if is_unit else ("", i)

    def _read_values(self, body, i) -> tuple[list[str], int]:
        """3. Up to one value per value column; a value wrapped over two lines is joined."""
        n_values = len(self.value_columns)
        values: list[str] = []
        while i < len(body):
            text = body[i][1]
            kind = _kind(text)
            if kind in ("status", "unit"):
                break
            if values and self._continues_value(text, body, i):
                values[-1] += text
                i += 1
                continue
            if len(values) >= n_values or not (kind == "value" or (kind == "text" and _is_qualitative_value(text))):
                break
            values.append(text)
            i += 1
        if len(values) < n_values and "reported_status" in self.has:
            values, i = self._values_up_to_status(body, i, values, n_values)
        return values, i

    def _read_status(self, body, i) -> tuple[str, int]:
        """4. The reported status, when the table has one."""
        if "reported_status" not in self.has or i >= len(body) or _kind(body[i][1]) != "status":
            return "", i
        status = body[i][1]
        i += 1
        # "政策调整," + "不再开展", "未完成," + "有待推进": a status cell wrapped after its comma
        while i < len(body) and status.endswith((",", ",")) and _kind(body[i][1]) in ("status", "text"):
            status += body[i][1]
            i += 1
        return status, i

    def _fill_merged(self, indicator_line, indicator, values, status, previous) -> tuple[list[str], str]:
        """Merged cells: a row that printed no values (or no status) shares the row above's."""
        if not values and previous is not None:
            values = [previous[c.name] for c in self.value_columns]
            self.notes.append(
                f"line {indicator_line}: no values printed for {indicator!r}; taken as merged with the row above"
            )
        if "reported_status" in self.has and not status and previous is not None and values:
            status = previous[self._name("reported_status")]
        return values + [""] * (len(self.value_columns) - len(values)), status

    def _row(self, indicator_line, indicator, seq, unit, values, status) -> dict:
        by_role = {
            "category": self.category,
            "subcategory": self.subcategory,
            "indicator": indicator,
            "unit": unit,
            "seq": seq or "",
            "reported_status": status,
        }
        row = {"source_line": indicator_line}
        row.update({c.name: by_role[c.role] for c in self.columns if c.role in by_role})
        row.update({c.name: value for c, value in zip(self.value_columns, values)})
        row["分项"] = self.subcategory if self.needs_subcategory else ""
        return row

    def _shared_cell(self, heading, body, i):
        """ "建设工程国家优质工程奖" / "省优质工程奖" / "3" / "50": two indicators printed in one cell and their
        values in the next. Taken as two rows when exactly one value per indicator and column follows."""
        n_values = len(self.value_columns)
        if (
            len(heading) < 2
            or "unit" in self.has
            or "reported_status" in self.has
            or n_values != 1
            or len(heading[0][1]) <= 6
            or self._values_ahead(body, i) != len(heading)
        ):
            return None
        rows = []
        for k, (line, text) in enumerate(heading):
            row = {c.name: "" for c in self.columns}
            row.update({"source_line": line, self._name("indicator"): text, "分项": ""})
            if "category" in self.has:
                row[self._name("category")] = self.category
            row[self.value_columns[0].name] = body[i + k][1]
            rows.append(row)
        self.notes.append(
            f"lines {heading[0][0]}-{body[i + len(heading) - 1][0]}: {len(heading)} indicators "
            f"share one cell and their values the next; read as {len(heading)} rows"
        )
        return rows, i + len(heading)

    def _values_up_to_status(self, body, i, values, n_values):
        """Qualitative values in a narrow column ("国家级生" "态文明建" "设示范区"): everything up to the row's
        status cell is values; pieces of at most five characters in a row are one wrapped cell."""
        for j in range(i, min(i + 8, len(body))):
            if _kind(body[j][1]) == "status":
                break
        else:
            return values, i
        groups: list[str] = []
        previous_piece = ""
        for _, text in body[i:j]:
            if groups and len(text) <= 5 and len(previous_piece) <= 5:
                groups[-1] += text
            else:
                groups.append(text)
            previous_piece = text
        if len(values) + len(groups) != n_values:
            return values, i
        return values + groups, j

    def _continues_value(self, text: str, body, i: int) -> bool:
        """A piece of a value cell wrapped onto the next line: "(完成市下达任务)" after "稳步下降",
        "低线:稳定达标" after "高线:≤25", "下达任务" after "完成上级" when the status cell follows."""
        if text[:1] in "((" or text.startswith("低线"):
            return True
        if _kind(text) != "text" or _VALUE_START.match(text) or "reported_status" not in self.has:
            return False
        ahead = [_kind(t) for _, t in body[i + 1 : i + 4]]
        return "status" in ahead and "value" not in ahead[: ahead.index("status")]

    def _name(self, role):
        return next(c.name for c in self.columns if c.role == role)

    def _values_ahead(self, body, i) -> int:
        count = 0
        while i < len(body) and _kind(body[i][1]) == "value":
            count += 1
            i += 1
        return count

    def _split_heading(self, heading: list[tuple[int, str]]) -> tuple[int, str]:
        """Category / subcategory / indicator from the text lines that open a row."""
        numbered = [k for k, (_, t) in enumerate(heading) if _NUMBERED.match(t)]
        if numbered and "category" in self.has:
            first = numbered[0]
            if first > 0:
                self.category = "".join(t for _, t in heading[:first])
            # a narrow subcategory column wraps after a few characters: "19.主要污" "染物排放削" "减率"
            last = first
            while last + 2 < len(heading) and len(heading[last + 1][1]) <= 5:
                last += 1
            self.subcategory = "".join(t for _, t in heading[first : last + 1])
            self.needs_subcategory = True
            rest = heading[last + 1 :]
            if not rest:
                return heading[first][0], self.subcategory
            return rest[0][0], "".join(t for _, t in rest)
        pieces = _join_wrapped(heading)
        # Group headings are short ("产品质量", "综合指标", "政府质量奖") and come first; the rest is the
        # indicator, wrapped or not ("地表水区控以上断面水质" + "好于Ⅲ类的比例").
        headings = 0
        while "category" in self.has and headings < len(pieces) - 1 and len(pieces[headings][1]) <= 6:
            headings += 1
        if headings >= 1:
            self.category = pieces[0][1]
            self.subcategory = pieces[1][1] if headings >= 2 else ""
            self.needs_subcategory = self.needs_subcategory or headings >= 2
        rest = pieces[headings:]
        return rest[0][0], "".join(t for _, t in rest)


def _join_wrapped(heading: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Lines of one wrapped cell: a piece of at most two characters ("建设", "情况", "质量") continues the line
    above; so does a piece that opens with a closing bracket."""
    joined: list[tuple[int, str]] = []
    for line, text in heading:
        if joined and (len(text) <= 2 or text[:1] in ")》" or len(joined[-1][1]) <= 2 and not _NUMBERED.match(text)):
            joined[-1] = (joined[-1][0], joined[-1][1] + text)
        else:
            joined.append((line, text))
    return joined
