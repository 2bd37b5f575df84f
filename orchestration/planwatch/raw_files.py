"""Read and validate the files under raw/ (the contract is docs/raw-contract.md).

Everything here is pure: files in, rows out, or a `RawFileError` that names the file, the row and the column.
Nothing touches the warehouse, so a bad file can be rejected before anything stored is at risk.
"""

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from planwatch.values import parse_value

MANIFEST_FIELDS = {
    "document_id": str, "source_file": str, "region_code": str, "region_name": str, "region_full_name": str,
    "admin_level": str, "parent_code": str, "parent_name": str, "province_code": str, "province_name": str,
    "plan_title": str, "plan_period": str, "period_start": int, "period_end": int, "base_year": int,
    "target_year": int, "issuing_body": (str, type(None)), "document_number": (str, type(None)),
    "issued_date": (str, type(None)), "published_date": (str, type(None)), "tables": list,
}
ADMIN_LEVELS = {"province", "prefecture", "county"}
PLAN_PERIODS = {"十二五", "十三五", "十四五", "十五五"}
TABLE_KINDS = {"table", "box", "prose"}
ROLES = {"seq", "category", "subcategory", "indicator", "unit", "value", "reported_status", "attribute", "note"}
SINGLE_ROLES = ROLES - {"value", "reported_status", "note"}
VALUE_KINDS = {"target", "actual", "baseline"}

ACTUALS_COLUMNS = [
    "region_code", "region_name", "indicator", "year", "raw_value", "unit", "scope", "period", "status",
    "measure", "source_title", "source_url", "published_date", "source_fragment", "note",
]
ACTUALS_REQUIRED = ["region_code", "region_name", "indicator", "year", "raw_value", "source_title"]
ACTUALS_ENUMS = {
    "period": {"year", "h1", "point"},
    "status": {"normal", "provisional", "estimated", "candidate"},
    "measure": {"level", "stock", "flow", "count"},
}
_REGION_CODE = re.compile(r"\d{6}")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


class RawFileError(ValueError):
    """A raw file that breaks its contract; the message names file, row and column."""

    def __init__(self, path: Path | str, message: str, row: int | None = None, column: str | None = None):
        self.path, self.row, self.column, self.reason = str(path), row, column, message
        where = [self.path]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass
class LoadedFile:
    path: Path
    content_hash: str
    rows: list[dict] = field(default_factory=list)


@dataclass
class PlanDocument:
    """One folder of raw/plans: the manifest and its tables, validated together (tables need the manifest)."""

    folder: Path
    manifest: LoadedFile
    tables: list[LoadedFile]

    @property
    def files(self) -> list[LoadedFile]:
        return [self.manifest, *self.tables]


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv_rows(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and (row number, row) pairs, row numbers as a spreadsheet shows them (the header is row 1)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise RawFileError(path, "the file is empty: expected a header row") from None
    rows = []
    for row_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise RawFileError(path, f"has {len(cells)} cells, the header has {len(header)}", row=row_no)
        rows.append((row_no, {h: c.strip() for h, c in zip(header, cells)}))
    return header, rows


def _whole_number(path: Path, value: str, row: int | None, column: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"\d+", value or ""):
        raise RawFileError(path, f"expected a whole number, got {value!r}", row=row, column=column)
    number = int(value)
    if not lo <= number <= hi:
        raise RawFileError(path, f"{number} is outside {lo}..{hi}", row=row, column=column)
    return number


# ---- plan documents -------------------------------------------------------------------------------------------

def read_plan_document(folder: Path) -> PlanDocument:
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise RawFileError(manifest_path, "missing: every folder under raw/plans needs a manifest.json")
    manifest = _read_manifest(manifest_path)
    if manifest["document_id"] != folder.name:
        raise RawFileError(manifest_path, f"document_id {manifest['document_id']!r} differs from its folder "
                                          f"name {folder.name!r}", column="document_id")
    tables = [_read_plan_table(folder, manifest_path, spec, i) for i, spec in enumerate(manifest["tables"])]
    listed = {spec["file"] for spec in manifest["tables"]}
    for stray in sorted(p.name for p in folder.glob("*.csv") if p.name not in listed):
        raise RawFileError(folder / stray, "not listed in manifest.json 'tables': add it there or remove it")
    return PlanDocument(folder, LoadedFile(manifest_path, content_hash(manifest_path), [manifest]), tables)


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise RawFileError(path, f"invalid JSON: {exc.msg}", row=exc.lineno) from exc
    if not isinstance(manifest, dict):
        raise RawFileError(path, "expected a JSON object")
    for name, kind in MANIFEST_FIELDS.items():
        if name not in manifest:
            raise RawFileError(path, "missing field", column=name)
        if not isinstance(manifest[name], kind) or manifest[name] == "":
            raise RawFileError(path, f"expected {_kind_name(kind)}, got {manifest[name]!r}", column=name)
    for name in ("region_code", "parent_code", "province_code"):
        if not _REGION_CODE.fullmatch(manifest[name]):
            raise RawFileError(path, f"expected a 6-digit GB/T 2260 code, got {manifest[name]!r}", column=name)
    if manifest["admin_level"] not in ADMIN_LEVELS:
        raise RawFileError(path, f"expected one of {sorted(ADMIN_LEVELS)}", column="admin_level")
    if manifest["plan_period"] not in PLAN_PERIODS:
        raise RawFileError(path, f"expected one of {sorted(PLAN_PERIODS)}", column="plan_period")
    if not manifest["period_start"] <= manifest["target_year"] <= manifest["period_end"]:
        raise RawFileError(path, "target_year must lie in period_start..period_end", column="target_year")
    for name in ("issued_date", "published_date"):
        if manifest[name] is not None and not _DATE.fullmatch(manifest[name]):
            raise RawFileError(path, f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {manifest[name]!r}", column=name)
    if not manifest["tables"]:
        raise RawFileError(path, "lists no tables", column="tables")
    return manifest


def _kind_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({str: "text", int: "a whole number", list: "a list", type(None): "null"}[k] for k in kinds)


def _read_plan_table(folder: Path, manifest_path: Path, spec: dict, index: int) -> LoadedFile:
    where = f"tables[{index}]"
    for name in ("table_id", "file", "title", "kind", "plan_period", "source_line", "columns"):
        if name not in spec:
            raise RawFileError(manifest_path, f"{where} lacks {name!r}", column=f"{where}.{name}")
    if spec["kind"] not in TABLE_KINDS:
        raise RawFileError(manifest_path, f"kind must be one of {sorted(TABLE_KINDS)}", column=f"{where}.kind")
    if spec["plan_period"] not in PLAN_PERIODS:
        raise RawFileError(manifest_path, f"plan_period must be one of {sorted(PLAN_PERIODS)}",
                           column=f"{where}.plan_period")
    _check_columns(manifest_path, spec["columns"], where)

    path = folder / spec["file"]
    if not path.is_file():
        raise RawFileError(path, f"missing: listed in {manifest_path.name} as {where}")
    header, rows = read_csv_rows(path)
    expected = ["source_line", *(c["name"] for c in spec["columns"])]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        raise RawFileError(path, f"header {header} does not match the manifest's columns {expected}"
                                 f" (missing {missing}, unexpected {extra})", row=1, column=(missing + extra + [None])[0])
    indicator = next(c["name"] for c in spec["columns"] if c["role"] == "indicator")
    for row_no, row in rows:
        _whole_number(path, row["source_line"], row_no, "source_line", 1, 10_000_000)
        if not row[indicator]:
            raise RawFileError(path, "empty indicator name", row=row_no, column=indicator)
    if not rows:
        raise RawFileError(path, "has a header but no rows")
    return LoadedFile(path, content_hash(path), [dict(row, _row=row_no) for row_no, row in rows])


def _check_columns(manifest_path: Path, columns: list, where: str) -> None:
    if not isinstance(columns, list) or not columns:
        raise RawFileError(manifest_path, "columns must be a non-empty list", column=f"{where}.columns")
    seen_roles, seen_names = set(), set()
    for j, col in enumerate(columns):
        at = f"{where}.columns[{j}]"
        if not isinstance(col, dict) or not col.get("name") or col.get("role") not in ROLES:
            raise RawFileError(manifest_path, f"each column needs a name and a role in {sorted(ROLES)}", column=at)
        if col["name"] in seen_names or col["name"] == "source_line":
            raise RawFileError(manifest_path, f"column name {col['name']!r} is used twice", column=at)
        seen_names.add(col["name"])
        if col["role"] in SINGLE_ROLES and col["role"] in seen_roles:
            raise RawFileError(manifest_path, f"role {col['role']!r} appears twice", column=at)
        seen_roles.add(col["role"])
        if col["role"] == "value" and col.get("value_kind") not in VALUE_KINDS:
            raise RawFileError(manifest_path, f"a value column needs value_kind in {sorted(VALUE_KINDS)}", column=at)
        if col["role"] in ("value", "reported_status") and not isinstance(col.get("year"), int):
            raise RawFileError(manifest_path, "a value or status column needs a whole-number year", column=at)
    if "indicator" not in seen_roles:
        raise RawFileError(manifest_path, "no column has the role 'indicator'", column=f"{where}.columns")


# ---- actuals --------------------------------------------------------------------------------------------------

def read_actuals(path: Path) -> LoadedFile:
    header, rows = read_csv_rows(path)
    missing = [c for c in ACTUALS_COLUMNS if c not in header]
    if missing:
        raise RawFileError(path, f"missing column(s) {missing}; expected {ACTUALS_COLUMNS}", row=1,
                           column=missing[0])
    extra = [c for c in header if c not in ACTUALS_COLUMNS]
    if extra:
        raise RawFileError(path, f"unexpected column(s) {extra}; expected {ACTUALS_COLUMNS}", row=1,
                           column=extra[0])
    out = []
    for row_no, row in rows:
        for column in ACTUALS_REQUIRED:
            if not row[column]:
                raise RawFileError(path, "required value is empty", row=row_no, column=column)
        if not _REGION_CODE.fullmatch(row["region_code"]):
            raise RawFileError(path, f"expected a 6-digit GB/T 2260 code, got {row['region_code']!r}",
                               row=row_no, column="region_code")
        _whole_number(path, row["year"], row_no, "year", 1949, 2100)
        parsed = parse_value(row["raw_value"])
        if parsed.number is None or parsed.comparator not in ("=", "approx"):
            raise RawFileError(path, f"expected a number as published (e.g. 96.23), got {row['raw_value']!r}",
                               row=row_no, column="raw_value")
        for column, allowed in ACTUALS_ENUMS.items():
            if row[column] and row[column] not in allowed:
                raise RawFileError(path, f"expected one of {sorted(allowed)}, got {row[column]!r}",
                                   row=row_no, column=column)
        if row["published_date"] and not _DATE.fullmatch(row["published_date"]):
            raise RawFileError(path, f"expected YYYY-MM-DD, got {row['published_date']!r}", row=row_no,
                               column="published_date")
        out.append(dict(row, _row=row_no))
    return LoadedFile(path, content_hash(path), out)
