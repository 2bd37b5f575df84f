"""专栏 boxes printed as pipe-delimited rows: one row per target stated in a bullet.

    专栏1 质量基础发展主要目标 | |
    标准 | · 承担…多于240项,承担省地方标准多于130项、…; · 承担国家、省级标准化示范试点项目多于120个; · … |
    计量 | · 社会公用计量标准多于150项; · 强制检定计量器具不少于12万台(件)。 |

Only boxes whose title says 目标/指标 state targets; the later 专栏 of a plan are task boxes and yield no box
table (their text is running text, read by `planwatch.extract.prose`). The box runs from its title to the first
line without a pipe. 领域 = the row label, 条目 = the bullet's number within its row, 指标/value = the fragments cut
out of the bullet by `planwatch.extract.cutting.extract_fragments` (the same convention as prose, plus qualitative
targets, which boxes list by design).
"""

import re

from planwatch.extract.cutting import extract_fragments
from planwatch.extract.model import Column, ExtractedTable

# "专栏1 质量基础发展主要目标 | |". One greedy run up to the first pipe: no lazy group before optional
# whitespace, which backtracks quadratically on a long line without a pipe.
_TITLE = re.compile(r"^\s*专栏\s*(\d{1,3})([^|]*)\|")
_TARGET_TITLE = re.compile(r"目标|指标")
_BULLET = re.compile(r"[·•●]")


def _target_boxes(lines: list[str]):
    """(title match, title line number, [(row line number, row text)]) of every target-stating box."""
    number = 0
    while number < len(lines):
        title = _TITLE.match(lines[number])
        number += 1
        if title is None or not _TARGET_TITLE.search(title.group(2)):
            continue
        title_line, rows = number, []
        while number < len(lines) and "|" in lines[number] and not _TITLE.match(lines[number]):
            number += 1
            rows.append((number, lines[number - 1]))
        yield title, title_line, rows


def target_box_lines(lines: list[str]) -> set[int]:
    """The 1-based numbers of the lines of target-stating boxes (title and rows): they are not running text."""
    return {n for _, title_line, rows in _target_boxes(lines) for n in (title_line, *(r for r, _ in rows))}


def extract_boxes(lines: list[str], target_year: int, plan_period: str) -> list[ExtractedTable]:
    """Every target-stating 专栏 box in the document, in order (see module docstring)."""
    tables = []
    for title, title_line, rows in _target_boxes(lines):
        table = _new_table(title, title_line, target_year, plan_period)
        for line_number, text in rows:
            _read_row(text, line_number, table)
        if not table.rows:
            table.notes.append(f"line {table.source_line}: a target box with no target rows")
        tables.append(table)
    return tables


def _new_table(title: re.Match, line_number: int, target_year: int | None, plan_period: str) -> ExtractedTable:
    value_name = f"{target_year or ''}目标"  # no year when the plan's target year is not known (it is reported)
    columns = [
        Column("领域", "category", published_header=""),
        Column("条目", "seq", published_header=""),
        Column("指标", "indicator", published_header=""),
        Column(value_name, "value", value_kind="target", year=target_year, published_header=""),
    ]
    title_text = title.group(0).rstrip("|").strip()  # "专栏1 质量基础发展主要目标", as printed
    return ExtractedTable(f"box{int(title.group(1))}", title_text, "box", plan_period, line_number, columns)


def _read_row(line: str, line_number: int, table: ExtractedTable) -> None:
    """ "标准 | · bullet; · bullet |": the label, then one or more bullets, each giving one row per target."""
    cells = [c.strip() for c in line.split("|")]
    cells = [c for c in cells if c]
    if len(cells) < 2:
        if cells:
            table.notes.append(f"line {line_number}: box row without a label or content; skipped")
        return
    label = cells[0]
    value_name = table.columns[-1].name
    # Bullets are numbered through the row, also if the content is printed over several cells.
    bullets = [b for cell in cells[1:] for b in _BULLET.split(cell) if b.strip()]
    for seq, bullet in enumerate(bullets, start=1):
        fragments, notes = extract_fragments(bullet, boxed=True)
        table.notes.extend(f"line {line_number}, {label} bullet {seq}: {n}" for n in notes)
        for fragment in fragments:
            if fragment.aside:  # "(2020年为85)": a value of another year, not a target of the box
                table.notes.append(
                    f"line {line_number}, {label} bullet {seq}: {fragment.indicator} "
                    f"{fragment.value} in brackets is the value of {fragment.year or 'the base year'}"
                    f", not a target; not a row of the box"
                )
                continue
            table.notes.extend(f"line {line_number}, {label} bullet {seq}: {n}" for n in fragment.notes)
            table.rows.append(
                {
                    "source_line": line_number,
                    "领域": label,
                    "条目": str(seq),
                    "指标": fragment.indicator,
                    value_name: fragment.value,
                }
            )
