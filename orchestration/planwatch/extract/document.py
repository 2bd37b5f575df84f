"""One document in, draft raw tables out: `extract_file(path)` → `ExtractedDocument`, written by `write_document`
in exactly the raw/plans contract (manifest.json, one CSV per table, plus report.md), or as long rows with the
columns of marts.fct_indicator_value that a document alone can give."""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from planwatch.extract.boxes import extract_boxes
from planwatch.extract.html import looks_like_html, read_html
from planwatch.extract.manifest import extract_manifest
from planwatch.extract.model import ExtractedTable, lines_of
from planwatch.extract.prose import extract_prose_results, extract_prose_targets, table_targets
from planwatch.extract.tables import find_tables
from planwatch.values import parse_value, resolve_unit, scale

NO_TABLE = "no indicator table found"
LONG_COLUMNS = ["table_id", "row_no", "category", "indicator", "unit", "year", "value_kind", "raw_value",
                "comparator", "value", "value_upper", "reported_status", "source_line"]
_PERIOD_EN = {"十二五": "12th", "十三五": "13th", "十四五": "14th", "十五五": "15th"}


@dataclass
class ExtractedDocument:
    document_id: str
    manifest: dict  # every manifest field except "tables"
    tables: list[ExtractedTable]
    report: list[str] = field(default_factory=list)  # what the extractor was unsure about or did not find

    @property
    def found_tables(self) -> bool:
        return bool(self.tables)

    def manifest_json(self) -> dict:
        return {"document_id": self.document_id, **self.manifest, "tables": [t.as_manifest() for t in self.tables]}


def read_document_text(path: Path) -> str:
    """Text of a saved page; GB18030 (a superset of GBK/GB2312) is common on government sites."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def extract_file(path: Path, document_id: str | None = None) -> ExtractedDocument:
    return extract_text(read_document_text(path), path.name, document_id)


def extract_text(text: str, source_file: str, document_id: str | None = None) -> ExtractedDocument:
    """Every indicator table, 专栏 box and prose target/result set of one document."""
    html_tables: list[ExtractedTable] = []
    manifest_lines = lines_of(text)
    if looks_like_html(text):
        lines, html_tables = read_html(text)
        manifest_lines = lines
    else:
        lines = manifest_lines
    manifest, missing = extract_manifest(manifest_lines, source_file)
    report = [f"manifest field not found: {name}" for name in missing]
    base_year, target_year = manifest.get("base_year"), manifest.get("target_year")
    period = manifest.get("plan_period") or "十四五"

    tables = html_tables or find_tables(lines)
    tables += extract_boxes(lines, target_year or 2025, period)
    prose_targets = extract_prose_targets(lines, target_year or 2025, period,
                                          table_targets(tables, target_year or 2025))
    if prose_targets is not None and prose_targets.rows:
        tables.append(prose_targets)
    # Prose results only fill in for a document without a table of its base year's values (docs/raw-contract.md).
    if base_year and not _has_base_year_values(tables, base_year):
        results = extract_prose_results(lines, base_year, _previous_period(period))
        if results is not None and results.rows:
            tables.append(results)
    for table in tables:
        report += [f"{table.table_id}: {note}" for note in table.notes]
    if not tables:
        report.insert(0, NO_TABLE)
    doc_id = document_id or _default_id(manifest)
    return ExtractedDocument(doc_id, manifest, tables, report)


def _has_base_year_values(tables: list[ExtractedTable], base_year: int) -> bool:
    return any(c.role == "value" and c.value_kind in ("actual", "baseline") and c.year == base_year
               for t in tables for c in t.columns)


def _previous_period(period: str) -> str:
    order = list(_PERIOD_EN)
    return order[order.index(period) - 1] if period in order and order.index(period) > 0 else period


def _default_id(manifest: dict) -> str:
    code = manifest.get("region_code") or "unknown"
    return f"r{code}_{_PERIOD_EN.get(manifest.get('plan_period') or '', 'plan')}"


# ---- output ---------------------------------------------------------------------------------------------------

def write_document(document: ExtractedDocument, out_dir: Path) -> list[Path]:
    """manifest.json, <table_id>.csv per table and report.md under out_dir/<document_id>/."""
    folder = out_dir / document.document_id
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    manifest_path = folder / "manifest.json"
    manifest_path.write_text(json.dumps(document.manifest_json(), ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    written.append(manifest_path)
    for table in document.tables:
        path = folder / table.file
        path.write_text(table_csv(table), encoding="utf-8")
        written.append(path)
    report = folder / "report.md"
    report.write_text(report_markdown(document), encoding="utf-8")
    written.append(report)
    return written


def table_csv(table: ExtractedTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = [c.name for c in table.columns]
    writer.writerow(["source_line", *names])
    for row in table.rows:
        writer.writerow([row["source_line"], *(row.get(n, "") for n in names)])
    return buffer.getvalue()


def report_markdown(document: ExtractedDocument) -> str:
    lines = [f"# Extraction report: {document.document_id}", "",
             f"source: {document.manifest.get('source_file')}",
             f"title: {document.manifest.get('plan_title') or '(not found)'}", ""]
    if not document.tables:
        lines.append(f"**{NO_TABLE}.**")
    for table in document.tables:
        lines.append(f"- {table.table_id} ({table.kind}, {table.plan_period}, line {table.source_line}): "
                     f"{len(table.rows)} rows — {table.title}")
    lines += ["", "## To check", ""]
    lines += [f"- {item}" for item in document.report] or ["- nothing flagged"]
    return "\n".join(lines) + "\n"


def long_rows(tables: list[ExtractedTable]) -> list[dict]:
    """One row per published value, with the fields of marts.fct_indicator_value a document alone gives."""
    out = []
    for table in tables:
        roles = {c.role: c.name for c in table.columns if c.role not in ("value", "reported_status")}
        statuses = {c.year: c.name for c in table.columns if c.role == "reported_status"}
        for row_no, row in enumerate(table.rows, start=1):
            indicator = row.get(roles.get("indicator", ""), "")
            for column in (c for c in table.columns if c.role == "value"):
                raw = row.get(column.name, "")
                parsed = parse_value(raw)
                unit = resolve_unit(row.get(roles.get("unit", ""), ""), indicator, parsed.unit)
                out.append({
                    "table_id": table.table_id, "row_no": row_no, "category": row.get(roles.get("category", ""), ""),
                    "indicator": indicator, "unit": unit.unit or "", "year": column.year,
                    "value_kind": column.value_kind, "raw_value": raw, "comparator": parsed.comparator,
                    "value": _scaled(parsed.value, unit.multiplier), "value_upper": _scaled(parsed.value_upper, unit.multiplier),
                    "reported_status": row.get(statuses.get(column.year, ""), ""),
                    "source_line": row["source_line"],
                })
    return out


def _scaled(value: float | None, multiplier: int):
    return None if value is None else scale(value, multiplier)


def long_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=LONG_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def safe_document_id(text: str) -> str:
    """A folder name that cannot leave the output folder."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")
    return slug or "document"
