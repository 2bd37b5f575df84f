"""The raw/ contract (docs/raw-contract.md), by rule: what a cell's text may be (text), how a file is read
(readers), a plan document (plans), an actuals file (actuals), a mappings file (mappings), and the one error that
names file, row and column (errors). The rules across rows of a file (repeats, conflicts) are SQL over the rows
as they are staged: planwatch.contract.rows.

Everything here is pure: files in, rows out, or a RawFileError; nothing touches the warehouse, so a bad file is
refused before anything stored is at risk. Every file is read once (planwatch.readonce)."""

from planwatch.contract.actuals import (
    ACTUALS,
    ACTUALS_COLUMNS,
    ACTUALS_OPTIONAL,
    ACTUALS_REQUIRED,
    ACTUALS_STORED,
    iter_actuals,
)
from planwatch.contract.errors import RawFileError
from planwatch.contract.mappings import MAPPINGS, MAPPINGS_COLUMNS, catalog_ids
from planwatch.contract.plans import (
    MANIFEST_FIELDS,
    OPTIONAL_MANIFEST_FIELDS,
    LoadedFile,
    PlanDocument,
    manifest_problems,
    read_manifest_file,
    read_plan_document,
)
from planwatch.contract.readers import ACTUALS_SUFFIXES, TableContract, iter_table, read_csv_rows
from planwatch.contract.text import check_inside, check_text, is_side_file, resolves_inside
from planwatch.readonce import FileChanging, content_hash
from planwatch.vocabulary import plan_years

__all__ = [
    "ACTUALS",
    "ACTUALS_COLUMNS",
    "ACTUALS_OPTIONAL",
    "ACTUALS_REQUIRED",
    "ACTUALS_STORED",
    "ACTUALS_SUFFIXES",
    "MANIFEST_FIELDS",
    "MAPPINGS",
    "manifest_problems",
    "MAPPINGS_COLUMNS",
    "OPTIONAL_MANIFEST_FIELDS",
    "FileChanging",
    "LoadedFile",
    "PlanDocument",
    "RawFileError",
    "TableContract",
    "catalog_ids",
    "check_inside",
    "check_text",
    "content_hash",
    "is_side_file",
    "iter_actuals",
    "iter_table",
    "plan_years",
    "read_csv_rows",
    "read_manifest_file",
    "read_plan_document",
    "resolves_inside",
]
