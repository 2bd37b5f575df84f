"""The contract of raw/mappings: a person's decision about a published indicator name."""

import re
from pathlib import Path

from planwatch import vocabulary
from planwatch.contract.errors import RawFileError
from planwatch.contract.readers import TableContract
from planwatch.contract.text import DATE, check_text
from planwatch.values import parse_unit

# A person's decision about a published indicator name: it is this catalog id (optionally only in one document,
# or one table of it), or a new catalog entry with its unit and direction. Input data, validated like the rest.
MAPPINGS_COLUMNS = [
    "name_as_published",
    "document_id",
    "table_id",
    "indicator_id",
    "new_unit",
    "new_direction",
    "new_accumulation",
    "new_name_en",
    "reviewed_by",
    "reviewed_on",
    "note",
]
MAPPINGS_REQUIRED = ["name_as_published", "indicator_id", "reviewed_by"]
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_DOCUMENT_ID = re.compile(r"[A-Za-z0-9_\-]+")


def _check_mapping_row(path: Path, row_no: int, row: dict) -> None:
    for column, text in row.items():
        check_text(path, text, row_no, column, key=column == "name_as_published")
    for column in MAPPINGS_REQUIRED:
        if not row[column]:
            raise RawFileError(path, "required value is empty", row=row_no, column=column)
    if not _SLUG.fullmatch(row["indicator_id"]):
        raise RawFileError(
            path,
            f"expected a catalog id of lowercase letters, digits and _ (e.g. "
            f"manufacturing_product_pass_rate), got {row['indicator_id']!r}",
            row=row_no,
            column="indicator_id",
        )
    if row["document_id"] and not _DOCUMENT_ID.fullmatch(row["document_id"]):
        raise RawFileError(
            path,
            f"expected a document id (a folder name under raw/plans), got {row['document_id']!r}",
            row=row_no,
            column="document_id",
        )
    if row["table_id"] and not row["document_id"]:
        raise RawFileError(path, "a table_id needs its document_id", row=row_no, column="table_id")
    new = [c for c in ("new_unit", "new_direction", "new_accumulation", "new_name_en") if row[c]]
    if row["indicator_id"] in catalog_ids():
        if new:
            raise RawFileError(
                path,
                f"{row['indicator_id']!r} is in the catalog already: leave {new[0]} empty (a new "
                f"catalog entry needs an id the catalog does not have)",
                row=row_no,
                column=new[0],
            )
        return
    if row["new_direction"] not in vocabulary.codes("direction"):
        raise RawFileError(
            path,
            f"{row['indicator_id']!r} is no catalog id, so this row defines a new entry: expected "
            f"new_direction, one of {list(vocabulary.codes('direction'))}, got "
            f"{row['new_direction']!r}",
            row=row_no,
            column="new_direction",
        )
    unit = parse_unit(row["new_unit"]) if row["new_unit"] else None
    if row["new_unit"] and (unit is None or unit.multiplier != 1):
        raise RawFileError(
            path,
            f"expected new_unit to be a base unit of the unit table (%, 个, 件, 微克/立方米; not "
            f"万件), or empty for a qualitative indicator, got {row['new_unit']!r}",
            row=row_no,
            column="new_unit",
        )
    if row["new_accumulation"] and row["new_accumulation"] not in vocabulary.codes("accumulation"):
        raise RawFileError(
            path,
            f"expected one of {list(vocabulary.codes('accumulation'))}, got {row['new_accumulation']!r}",
            row=row_no,
            column="new_accumulation",
        )
    if row["reviewed_on"] and not DATE.fullmatch(row["reviewed_on"]):
        raise RawFileError(path, f"expected YYYY-MM-DD, got {row['reviewed_on']!r}", row=row_no, column="reviewed_on")


MAPPINGS = TableContract(MAPPINGS_COLUMNS, MAPPINGS_REQUIRED, _check_mapping_row)


def catalog_ids() -> frozenset[str]:
    """The ids of the reviewed catalog (dbt seed indicator_catalog)."""
    from planwatch.matching import seed_catalog

    return frozenset(seed_catalog())
