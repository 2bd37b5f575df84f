"""The contract of raw/plans/<document>/: a manifest (checked field by field, region against the gazetteer) and
its tables, read and accepted or refused together."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from planwatch import vocabulary
from planwatch.contract.errors import RawFileError
from planwatch.contract.readers import decode_utf8, read_csv_rows
from planwatch.contract.text import DATE, REGION_CODE, check_text, is_kind, is_side_file, kind_name, whole_number
from planwatch.readonce import ReadFile, read_once
from planwatch.regions import check_identity

MANIFEST_FIELDS = {
    "document_id": str,
    "source_file": str,
    "region_code": str,
    "region_name": str,
    "region_full_name": str,
    "admin_level": str,
    "parent_code": str,
    "parent_name": str,
    "province_code": str,
    "province_name": str,
    "plan_title": str,
    "plan_period": str,
    "period_start": int,
    "period_end": int,
    "base_year": int,
    "target_year": int,
    "issuing_body": (str, type(None)),
    "document_number": (str, type(None)),
    "issued_date": (str, type(None)),
    "published_date": (str, type(None)),
    "tables": list,
}
# Fields a manifest may leave out; absent means null.
OPTIONAL_MANIFEST_FIELDS = {
    # The document_id of an earlier folder holding the same document: this one replaces it (see ingest).
    "supersedes": (str, type(None)),
}
TABLE_FIELDS = {
    "table_id": str,
    "file": str,
    "title": str,
    "kind": str,
    "plan_period": str,
    "source_line": int,
    "columns": list,
}


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


def read_plan_document(folder: Path, read: dict[str, ReadFile] | None = None) -> PlanDocument:
    """Validate one folder of raw/plans. `read` holds the folder's files as already read once (by name); a file
    not in it is read here. Raises RawFileError (or FileChanging) naming the file."""
    read = dict(read or {})

    def source(path: Path) -> ReadFile:
        if path.name not in read:
            read[path.name] = read_once(path)
        return read[path.name]

    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise RawFileError(manifest_path, "missing: every folder under raw/plans needs a manifest.json")
    manifest_file = source(manifest_path)
    manifest = read_manifest_file(manifest_file)
    if manifest["document_id"] != folder.name:
        raise RawFileError(
            manifest_path,
            f"document_id {manifest['document_id']!r} differs from its folder name {folder.name!r}",
            column="document_id",
        )
    tables = [_read_plan_table(folder, manifest_path, spec, i, source) for i, spec in enumerate(manifest["tables"])]
    listed = {spec["file"] for spec in manifest["tables"]}
    for stray in sorted(
        p.name for p in folder.iterdir() if p.suffix.lower() == ".csv" and not is_side_file(p) and p.name not in listed
    ):
        raise RawFileError(folder / stray, "not listed in manifest.json 'tables': add it there or remove it")
    return PlanDocument(folder, LoadedFile(manifest_path, manifest_file.digest, [manifest]), tables)


def read_manifest_file(source: ReadFile) -> dict:
    """A manifest.json, read once, checked against the contract (its tables are checked by read_plan_document)."""
    path = source.path
    try:
        manifest = json.loads(decode_utf8(source))
    except json.JSONDecodeError as exc:
        raise RawFileError(path, f"invalid JSON: {exc.msg}", row=exc.lineno) from exc
    except RecursionError:
        raise RawFileError(path, "invalid JSON: nested too deeply") from None
    if not isinstance(manifest, dict):
        raise RawFileError(path, "expected a JSON object")
    problems = manifest_problems(manifest, path)
    if problems:
        column, message = problems[0]
        raise RawFileError(path, message, column=column)
    manifest["admin_level"] = vocabulary.admin_level(manifest["admin_level"])  # stored as the level: 市 → prefecture
    return manifest


def manifest_problems(manifest: dict, path: Path | None = None) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with a manifest, in field order; [] when it meets the contract.
    Each field is checked on its own first, so that a person filling in a draft hears of every missing or
    malformed field at once (`planwatch promote`); the rules between fields follow once each field is sound."""
    problems: list[tuple[str, str]] = []
    for name, kind in MANIFEST_FIELDS.items():
        if name not in manifest:
            problems.append((name, "missing field"))
        elif not is_kind(manifest[name], kind) or manifest[name] == "":
            problems.append((name, f"expected {kind_name(kind)}, got {manifest[name]!r}"))
    for name, kind in OPTIONAL_MANIFEST_FIELDS.items():
        manifest.setdefault(name, None)
        if not is_kind(manifest[name], kind) or manifest[name] == "":
            problems.append((name, f"expected {kind_name(kind)}, got {manifest[name]!r}"))
    for name, value in manifest.items():
        if isinstance(value, str):
            try:
                check_text(path or Path("manifest.json"), value, None, name)
            except RawFileError as error:
                problems.append((name, error.reason))
    bad = {name for name, _ in problems}
    for name in ("region_code", "parent_code", "province_code"):
        if name not in bad and not REGION_CODE.fullmatch(manifest[name]):
            problems.append((name, f"expected a 6-digit GB/T 2260 code, got {manifest[name]!r}"))
    if "admin_level" not in bad and vocabulary.admin_level(manifest["admin_level"]) is None:
        problems.append(
            (
                "admin_level",
                f"expected a level: one of {list(vocabulary.codes('admin_level'))} or a "
                f"word for one ({', '.join(vocabulary.codes('admin_level_word'))}), "
                f"got {manifest['admin_level']!r}",
            )
        )
    if "plan_period" not in bad and manifest["plan_period"] not in vocabulary.period_names():
        problems.append(
            ("plan_period", f"expected one of {list(vocabulary.period_names())}, got {manifest['plan_period']!r}")
        )
    for name in ("issued_date", "published_date"):
        if name not in bad and manifest[name] is not None and not DATE.fullmatch(manifest[name]):
            problems.append((name, f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {manifest[name]!r}"))
    if "tables" not in bad and not manifest["tables"]:
        problems.append(("tables", "lists no tables"))
    if problems:
        return problems
    return _between_fields({**manifest, "admin_level": vocabulary.admin_level(manifest["admin_level"])})


def _between_fields(manifest: dict) -> list[tuple[str, str]]:
    """The rules that relate fields: years in order, the period of the target year, the region's identity."""
    problems = []
    if not manifest["period_start"] <= manifest["target_year"] <= manifest["period_end"]:
        problems.append(("target_year", "target_year must lie in period_start..period_end"))
    if not manifest["period_start"] - 1 <= manifest["base_year"] < manifest["target_year"]:
        problems.append(
            (
                "base_year",
                f"expected base_year to be the year before period_start or within the "
                f"period, before target_year, got {manifest['base_year']}",
            )
        )
    expected_period = vocabulary.period_of_year(manifest["target_year"])
    if manifest["plan_period"] != expected_period:
        problems.append(
            (
                "plan_period",
                f"expected plan_period {expected_period!r}, the period that contains "
                f"target_year {manifest['target_year']} (seeds/plan_periods.csv), "
                f"got {manifest['plan_period']!r}",
            )
        )
    identity = check_identity(manifest)
    if identity:
        problems.append(identity)
    return problems


def _check_period(path: Path, value: str, column: str) -> None:
    periods = vocabulary.period_names()
    if value not in periods:
        raise RawFileError(path, f"expected one of {list(periods)}, got {value!r}", column=column)


def _read_plan_table(folder: Path, manifest_path: Path, spec, index: int, source) -> LoadedFile:
    where = f"tables[{index}]"
    if not isinstance(spec, dict):
        raise RawFileError(manifest_path, f"expected each table to be a JSON object, got {spec!r}", column=where)
    for name, kind in TABLE_FIELDS.items():
        if name not in spec:
            raise RawFileError(manifest_path, f"{where} lacks {name!r}", column=f"{where}.{name}")
        if not is_kind(spec[name], kind) or spec[name] == "":
            raise RawFileError(
                manifest_path, f"expected {kind_name(kind)}, got {spec[name]!r}", column=f"{where}.{name}"
            )
    if spec["kind"] not in vocabulary.codes("table_kind"):
        raise RawFileError(
            manifest_path, f"kind must be one of {sorted(vocabulary.codes('table_kind'))}", column=f"{where}.kind"
        )
    if spec["plan_period"] not in vocabulary.period_names():
        raise RawFileError(
            manifest_path,
            f"plan_period must be one of {list(vocabulary.period_names())}",
            column=f"{where}.plan_period",
        )
    _check_columns(manifest_path, spec["columns"], where)

    if "/" in spec["file"] or "\\" in spec["file"] or ".." in spec["file"]:
        raise RawFileError(
            manifest_path,
            f"expected a file name in the document's folder, got {spec['file']!r}",
            column=f"{where}.file",
        )
    path = folder / spec["file"]
    if not path.is_file():
        raise RawFileError(path, f"missing: listed in {manifest_path.name} as {where}")
    table = source(path)
    header, rows = read_csv_rows(table)
    expected = ["source_line", *(c["name"] for c in spec["columns"])]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        raise RawFileError(
            path,
            f"header {header} does not match the manifest's columns {expected} (missing {missing}, unexpected {extra})",
            row=1,
            column=(missing + extra + [None])[0],
        )
    indicator = next(c["name"] for c in spec["columns"] if c["role"] == "indicator")
    for row_no, row in rows:
        whole_number(path, row["source_line"], row_no, "source_line", 1, 10_000_000)
        if not row[indicator]:
            raise RawFileError(path, "empty indicator name", row=row_no, column=indicator)
    if not rows:
        raise RawFileError(path, "has a header but no rows")
    return LoadedFile(path, table.digest, [dict(row, _row=row_no) for row_no, row in rows])


def _check_columns(manifest_path: Path, columns: list, where: str) -> None:
    roles = vocabulary.codes("column_role")
    single_roles = set(vocabulary.codes("column_role", "once"))
    if not columns:
        raise RawFileError(manifest_path, "columns must be a non-empty list", column=f"{where}.columns")
    seen_roles, seen_names = set(), set()
    for j, col in enumerate(columns):
        at = f"{where}.columns[{j}]"
        if (
            not isinstance(col, dict)
            or not isinstance(col.get("name"), str)
            or not col["name"]
            or col.get("role") not in roles
        ):
            raise RawFileError(manifest_path, f"each column needs a name and a role in {sorted(roles)}", column=at)
        if col["name"] in seen_names or col["name"] == "source_line":
            raise RawFileError(manifest_path, f"column name {col['name']!r} is used twice", column=at)
        if "published_header" in col and not isinstance(col["published_header"], str):
            raise RawFileError(manifest_path, "published_header must be text", column=at)
        seen_names.add(col["name"])
        if col["role"] in single_roles and col["role"] in seen_roles:
            raise RawFileError(manifest_path, f"role {col['role']!r} appears twice", column=at)
        seen_roles.add(col["role"])
        if col["role"] == "value" and col.get("value_kind") not in vocabulary.codes("value_kind"):
            raise RawFileError(
                manifest_path, f"a value column needs value_kind in {sorted(vocabulary.codes('value_kind'))}", column=at
            )
        if col["role"] in ("value", "reported_status") and not is_kind(col.get("year"), int):
            raise RawFileError(manifest_path, "a value or status column needs a whole-number year", column=at)
        if col.get("year") is not None and not is_kind(col["year"], int):
            raise RawFileError(manifest_path, "year must be a whole number", column=at)
    if "indicator" not in seen_roles:
        raise RawFileError(manifest_path, "no column has the role 'indicator'", column=f"{where}.columns")
