"""Load validated raw files into the warehouse's `raw` schema, file by file, with lineage.

Each stored row carries `_source_file` (relative to raw/), `_source_row` (its row in that file), `_content_hash`
(sha256 of the file) and `_loaded_at`. `raw._files` remembers what was loaded from each file, so:
- an actuals or mappings file whose signature (device, inode, size, mtime and ctime in ns: planwatch.readonce) is
  the one recorded when its bytes were read is not read at all; any other file is read, and if its hash is
  unchanged it is skipped (its rows stay as they are, `_loaded_at` included) and its new signature recorded;
- a changed file replaces its rows, in one transaction;
- a file that is gone has its rows removed;
- a file that breaks its contract is rejected: its error goes to `raw._rejections`, a copy of it to the
  quarantine folder, and whatever it had loaded before stays untouched;
- a link that leads out of raw/ is rejected without being read.

An actuals file is streamed into its table in batches inside its transaction: Python holds one batch at a time,
DuckDB the staged rows (within its memory_limit, spilling beyond it). Rules across rows (repeated and conflicting
figures) are then checked by SQL on the rows just staged (planwatch.contract.rows), before the transaction commits.

Modules: schema (the raw tables), plans, files (actuals, mappings), quarantine, store (bookkeeping), report.
"""

from planwatch.ingest.files import ACTUALS_BATCH_ROWS, ingest_actuals, ingest_mappings
from planwatch.ingest.plans import PLAN_BATCH_DOCUMENTS, ingest_plans
from planwatch.ingest.report import IngestReport
from planwatch.ingest.schema import DDL, LINEAGE, PLAN_TABLES, RAW_TABLES, ensure_raw_schema

__all__ = [
    "ACTUALS_BATCH_ROWS",
    "DDL",
    "LINEAGE",
    "PLAN_BATCH_DOCUMENTS",
    "PLAN_TABLES",
    "RAW_TABLES",
    "IngestReport",
    "ensure_raw_schema",
    "ingest_actuals",
    "ingest_mappings",
    "ingest_plans",
]
