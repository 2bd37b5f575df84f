"""One document in, draft raw tables out: `extract_file(path)` → `ExtractedDocument`, written by `write_document`
in exactly the raw/plans contract (manifest.json, one CSV per table, plus report.md), or as long rows with the
columns of marts.fct_indicator_value that a document alone can give."""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from planwatch import vocabulary
from planwatch.extract.boxes import extract_boxes
from planwatch.extract.html import looks_like_html, read_html
from planwatch.extract.manifest import extract_manifest
from planwatch.extract.model import ExtractedTable, lines_of
from planwatch.extract.prose import read_prose, read_prose_results, table_targets
from planwatch.extract.script import Script, read_text
from planwatch.extract.tables import find_tables
from planwatch.values import parse_value, resolve_unit, scale

NO_TABLE = "no indicator table found"
LONG_COLUMNS = [
    "table_id",
    "row_no",
    "category",
    "indicator",
    "unit",
    "year",
    "value_kind",
    "raw_value",
    "comparator",
    "value",
    "value_upper",
    "reported_status",
    "source_line",
]


@dataclass
class ExtractedDocument:
    document_id: str
    manifest: dict  # every manifest field except "tables"
    tables: list[ExtractedTable]
    report: list[str] = field(default_factory=list)  # what the extractor was unsure about or did not find
    fields_to_check: list[str] = field(default_factory=list)  # manifest fields guessed or missing, and why

    @property
    def found_tables(self) -> bool:
        return bool(self.tables)

    def manifest_json(self) -> dict:
        return {"document_id": self.document_id, **self.manifest, "tables": [t.as_manifest() for t in self.tables]}


def read_document_text(path: Path) -> str:
    """Text of a saved page: UTF-8, else GB18030 or Big5, whichever reads as Chinese (`extract.script`)."""
    return read_text(path)


def extract_file(path: Path, document_id: str | None = None, given: dict | None = None) -> ExtractedDocument:
    return extract_text(read_document_text(path), path.name, document_id, given=given)


def extract_text(
    text: str, source_file: str, document_id: str | None = None, *, given: dict | None = None
) -> ExtractedDocument:
    """Every indicator table, 专栏 box and prose target/result set of one document. `given`: what a person said
    of the document (region, period: see extract.manifest), used over what the text suggests."""
    # A page in traditional characters is read in simplified form (one grammar for every page); every cell is
    # written back as published.
    script = Script(text)
    text = script.simplified
    html_tables: list[ExtractedTable] = []
    manifest_lines = lines_of(text)
    if looks_like_html(text):
        lines, html_tables = read_html(text)
        manifest_lines = lines
    else:
        lines = manifest_lines
    draft = extract_manifest(manifest_lines, source_file, given)
    manifest = draft.fields
    report: list[str] = []
    # No default period or year: what the manifest lacks stays empty here and is listed by draft.to_check().
    base_year, target_year = manifest.get("base_year"), manifest.get("target_year")
    period = manifest.get("plan_period")

    tables = html_tables or find_tables(lines)
    tables += extract_boxes(lines, target_year, period)
    # A document without an indicator table or target box lists its targets in the running text only: there a
    # qualitative clause ("电子支付比例大幅提高") is a target too.
    prose_only = not tables
    tables += read_prose(
        lines, target_year, period, table_targets(tables, target_year), base_year=base_year, qualitative=prose_only
    )
    # Prose results only fill in for a document without a table of its base year's values (docs/raw-contract.md);
    # a 现状 section is read too when the running text is all the document has.
    if base_year and not _has_base_year_values(tables, base_year):
        tables += read_prose_results(lines, base_year, vocabulary.period_of_year(base_year), situation=prose_only)
    for table in tables:
        _restore(table, script)
        report += [f"{table.table_id}: {note}" for note in table.notes]
    if not tables:
        report.insert(0, NO_TABLE)
    doc_id = document_id or _default_id(manifest)
    return ExtractedDocument(doc_id, manifest, tables, report, draft.to_check())


def _restore(table: ExtractedTable, script: Script) -> None:
    """Cells, titles and headers as published (traditional characters where the page has them)."""
    if not script.changed:
        return
    table.title = script.restore(table.title)
    for row in table.rows:
        for key, cell in list(row.items()):
            row[key] = script.restore(cell)


def _has_base_year_values(tables: list[ExtractedTable], base_year: int) -> bool:
    return any(
        c.role == "value" and c.value_kind in ("actual", "baseline") and c.year == base_year
        for t in tables
        for c in t.columns
    )


def _default_id(manifest: dict) -> str:
    """r330300_2018: the region and the target year (a person may name it better with --id)."""
    return f"r{manifest.get('region_code') or 'unknown'}_{manifest.get('target_year') or 'plan'}"


# ---- output ---------------------------------------------------------------------------------------------------


def write_document(document: ExtractedDocument, out_dir: Path) -> list[Path]:
    """manifest.json, <table_id>.csv per table and report.md under out_dir/<document_id>/."""
    folder = out_dir / document.document_id
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    manifest_path = folder / "manifest.json"
    manifest_path.write_text(
        json.dumps(document.manifest_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
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
    """What a reviewer must look at comes first: the manifest fields guessed or missing (with what each guess
    rests on), then the doubtful rows; what was found follows."""
    manifest = document.manifest
    lines = [
        f"# Extraction report: {document.document_id}",
        "",
        f"source: {manifest.get('source_file')}",
        f"title: {manifest.get('plan_title') or '(not found)'}",
        "",
        "## Manifest fields to check",
        "",
    ]
    lines += [f"- {item}" for item in document.fields_to_check] or ["- none: every field was found or given"]
    lines += ["", "## Rows to check", ""]
    lines += [f"- {item}" for item in document.report] or ["- nothing flagged"]
    lines += ["", "## Found", ""]
    if not document.tables:
        lines.append(f"**{NO_TABLE}.**")
    for table in document.tables:
        lines.append(
            f"- {table.table_id} ({table.kind}, {table.plan_period}, line {table.source_line}): "
            f"{len(table.rows)} rows — {table.title}"
        )
    lines += ["", "## Manifest", ""]
    lines += [f"- {name}: {manifest.get(name)}" for name in manifest if name != "source_file"]
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
                out.append(
                    {
                        "table_id": table.table_id,
                        "row_no": row_no,
                        "category": row.get(roles.get("category", ""), ""),
                        "indicator": indicator,
                        "unit": unit.unit or "",
                        "year": column.year,
                        "value_kind": column.value_kind,
                        "raw_value": raw,
                        "comparator": parsed.comparator,
                        "value": _scaled(parsed.value, unit.multiplier),
                        "value_upper": _scaled(parsed.value_upper, unit.multiplier),
                        "reported_status": row.get(statuses.get(column.year, ""), ""),
                        "source_line": row["source_line"],
                    }
                )
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
