"""`planwatch map`: a person reviews the names the catalog does not know yet.

It lists the pending names of the published warehouse (marts.indicator_mapping_candidates) with their proposals,
and appends the decisions a person takes to a file under raw/mappings — input data like every other file there,
checked by the raw contract before it is written, and loaded by the next refresh (the sensor sees the file). A
decision maps a name to a catalog id (anywhere, in one document, or in one table of it), or defines a new
catalog entry with its unit and direction.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from planwatch.contract import MAPPINGS, MAPPINGS_COLUMNS, RawFileError, catalog_ids, iter_table
from planwatch.readonce import read_once

DECISIONS_FILE = "accepted.csv"


@dataclass(frozen=True)
class Pending:
    name: str
    unit: str | None
    status: str
    documents: str | None
    figures: int
    candidates: list[tuple[int, str, str | None, float, str]]  # rank, id, catalog name, score, reason


def pending(published: Path) -> list[Pending]:
    """The names without a reviewed mapping in the published warehouse, most figures first."""
    with duckdb.connect(str(published), read_only=True) as conn:
        rows = conn.execute(
            "SELECT name_as_published, unit, mapping_status, documents, figures, candidate_rank, "
            "candidate_indicator_id, candidate_name_zh, score, reason FROM marts.indicator_mapping_candidates "
            "ORDER BY figures DESC, name_as_published, candidate_rank"
        ).fetchall()
    found: dict[str, Pending] = {}
    for name, unit, status, documents, figures, rank, indicator_id, name_zh, score, reason in rows:
        entry = found.setdefault(name, Pending(name, unit, status, documents, figures, []))
        entry.candidates.append((rank, indicator_id, name_zh, score, reason))
    return list(found.values())


def render(names: list[Pending]) -> str:
    if not names:
        return "every published indicator name has a reviewed mapping"
    lines = []
    for entry in names:
        lines.append(
            f"{entry.name}  [{entry.status}; {entry.figures} figure(s); unit {entry.unit or '-'}; "
            f"{entry.documents or 'raw/actuals'}]"
        )
        for rank, indicator_id, name_zh, score, reason in entry.candidates:
            lines.append(f"  {rank}. {indicator_id} ({name_zh})  score {score:.2f}: {reason}")
    lines.append("")
    lines.append(
        'accept one:  planwatch map --accept "<name>" --id <indicator_id> --by <you> [--document ID [--table ID]]'
    )
    lines.append(
        'or a new entry:  planwatch map --accept "<name>" --id <new_id> --unit % --direction higher --by <you>'
    )
    return "\n".join(lines)


def accept(
    mappings_dir: Path,
    name: str,
    indicator_id: str,
    reviewed_by: str,
    document_id: str | None = None,
    table_id: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    accumulation: str | None = None,
    note: str | None = None,
) -> Path:
    """Append one decision to raw/mappings/accepted.csv, after checking it (and the whole file it joins) against
    the raw contract: a bad decision is refused here, with the contract's message, and nothing is written."""
    row = dict.fromkeys(MAPPINGS_COLUMNS, "") | {
        "name_as_published": name,
        "document_id": document_id or "",
        "table_id": table_id or "",
        "indicator_id": indicator_id,
        "reviewed_by": reviewed_by,
        "reviewed_on": date.today().isoformat(),
        "note": note or "",
    }
    if indicator_id not in catalog_ids() and (unit is not None or direction is not None):
        row |= {"new_unit": unit or "", "new_direction": direction or "", "new_accumulation": accumulation or ""}
    path = mappings_dir / DECISIONS_FILE
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MAPPINGS_COLUMNS, lineterminator="\n")
    if not existing:
        writer.writeheader()
    writer.writerow(row)
    text = existing + buffer.getvalue()
    mappings_dir.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.writing")
    staging.write_text(text, encoding="utf-8")
    try:
        with read_once(staging) as read:
            rows = list(iter_table(read, MAPPINGS))
        _refuse_repeated_keys(path, rows)
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)
    return path


def _refuse_repeated_keys(path: Path, rows) -> None:
    seen: dict[tuple, tuple[int, str]] = {}
    for row_no, row in rows:
        key = (row["name_as_published"], row["document_id"], row["table_id"])
        if key in seen and seen[key][1] != row["indicator_id"]:
            raise RawFileError(
                path,
                f"maps the name to {row['indicator_id']!r}, while row {seen[key][0]} maps it to "
                f"{seen[key][1]!r}: one name, one meaning (edit that row instead)",
                row=row_no,
                column="indicator_id",
            )
        seen[key] = (row_no, row["indicator_id"])
