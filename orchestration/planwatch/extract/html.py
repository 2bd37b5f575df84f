"""A plan document saved as the publisher's HTML page: real <table> markup, read with BeautifulSoup.

rowspan and colspan are expanded so that a merged cell is repeated on every row and column it covers (the raw/
contract). Header rows are recognised by the same header words as in flattened text, and a header spread over two
rows ("2020" over "目标值" / "现状值") is joined per column. A table row's source_line is its <tr>'s line in the
HTML file; the page's text (for 专栏 boxes and prose) is rendered one block per line.
"""

import re

from bs4 import BeautifulSoup

from planwatch.extract.model import ExtractedTable
from planwatch.extract.tables import _columns, _is_header_piece, period_of

_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "article", "title")


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<table" in head or "<html" in head or "<body" in head or bool(re.search(r"<(p|div)[\s>]", head))


def read_html(text: str) -> tuple[list[str], list[ExtractedTable]]:
    """The page's text lines (tables left out) and its indicator tables."""
    soup = BeautifulSoup(text, "html.parser")
    tables = []
    for element in soup.find_all("table"):
        grid = _grid(element)
        table = _table_from_grid(grid, f"t{len(tables) + 1}", _caption(element))
        if table is not None:
            tables.append(table)
        element.replace_with(soup.new_string("\n"))
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = [re.sub(r"[ \t\u3000]+", " ", line).strip() for line in soup.get_text().splitlines()]
    return [line for line in lines if line], tables


def _caption(table) -> str:
    caption = table.find("caption")
    if caption is not None:
        return caption.get_text(" ", strip=True)
    previous = table.find_previous(string=lambda s: s and s.strip())
    return previous.strip() if previous else ""


def _grid(table) -> list[tuple[int, list[str]]]:
    """(source line, cells) per <tr>, with rowspan/colspan cells repeated where they reach."""
    pending: dict[int, tuple[str, int]] = {}  # column → (text, rows still covered)
    rows = []
    for tr in table.find_all("tr"):
        cells: list[str] = []
        column = 0

        def fill_pending():
            nonlocal column
            while column in pending:
                text, left = pending[column]
                cells.append(text)  # noqa: B023 (called within this iteration only)
                if left <= 1:
                    del pending[column]
                else:
                    pending[column] = (text, left - 1)
                column += 1

        for td in tr.find_all(["td", "th"], recursive=False):
            fill_pending()
            text = "".join(td.get_text("\n").split("\n")).strip()
            text = re.sub(r"\s+", " ", text)
            span = _span(td, "colspan")
            down = _span(td, "rowspan")
            for _ in range(span):
                cells.append(text)
                if down > 1:
                    pending[column] = (text, down - 1)
                column += 1
        fill_pending()
        rows.append((tr.sourceline or 0, cells))
    return rows


def _span(td, name: str) -> int:
    try:
        return max(1, min(int(td.get(name, 1)), 100))
    except (TypeError, ValueError):
        return 1


def _table_from_grid(grid, table_id: str, caption: str) -> ExtractedTable | None:
    header_rows = 0
    while (
        header_rows < len(grid)
        and grid[header_rows][1]
        and all(_is_header_piece(c) or c == "" for c in grid[header_rows][1])
    ):
        header_rows += 1
    if header_rows == 0 or header_rows == len(grid):
        return None
    width = max(len(cells) for _, cells in grid)
    names = []
    for k in range(width):
        parts = []
        for _, cells in grid[:header_rows]:
            piece = cells[k] if k < len(cells) else ""
            if piece and (not parts or parts[-1] != piece):
                parts.append(piece)
        # a group label over year columns ("目标" over "2020年实绩" / "2025年目标") is not part of their names
        dated = [k for k, part in enumerate(parts) if re.match(r"(19|20)\d\d", part)]
        names.append("".join(parts[dated[0] :] if dated else parts))
    columns = _columns(_unique(names))
    if not any(c.role == "indicator" for c in columns) or not any(c.role == "value" for c in columns):
        return None
    rows = []
    for line, cells in grid[header_rows:]:
        cells = cells + [""] * (width - len(cells))
        row = {"source_line": line, **{c.name: cells[k] for k, c in enumerate(columns)}}
        indicator = next(c.name for c in columns if c.role == "indicator")
        if row[indicator]:
            rows.append(row)
    if not rows:
        return None
    title_line = grid[0][0]
    return ExtractedTable(table_id, caption, "table", period_of(columns), title_line, columns, rows)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}{seen[name]}")
    return out
