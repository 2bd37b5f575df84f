"""The inbox: a plan document dropped into raw/inbox/ becomes draft raw tables in raw/extracted/<document>/,
with a report, in one run. Drafts are never loaded into the warehouse; `planwatch promote` makes one input."""

import hashlib
import json

import dagster as dg

from planwatch import settings
from planwatch.extract.document import extract_file, long_rows, safe_document_id, write_document

INBOX_SUFFIXES = {".txt", ".html", ".htm"}


def inbox_documents() -> dict[str, str]:
    """name → sha256 of every document waiting in raw/inbox/."""
    inbox = settings.raw_dir() / "inbox"
    if not inbox.is_dir():
        return {}
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(inbox.iterdir())
        if p.is_file() and p.suffix.lower() in INBOX_SUFFIXES
    }


@dg.asset(
    group_name="extract",
    kinds={"python"},
    description="Draft raw tables (raw/plans contract) extracted from each document in raw/inbox/, "
    "written to raw/extracted/<document>/ with report.md. Review, then `planwatch promote`.",
    check_specs=[
        dg.AssetCheckSpec(
            "drafts_complete",
            asset="extracted_drafts",
            description="Every extracted value row has an indicator, a year and a value kind, "
            "and every document yielded at least one table.",
        )
    ],
)
def extracted_drafts(context: dg.AssetExecutionContext):
    inbox = settings.raw_dir() / "inbox"
    out = settings.raw_dir() / "extracted"
    summary, incomplete = {}, []
    for name in inbox_documents():
        document = extract_file(inbox / name, safe_document_id(f"{inbox.joinpath(name).stem}"))
        write_document(document, out)
        rows = long_rows(document.tables)
        summary[name] = {
            "document_id": document.document_id,
            "tables": len(document.tables),
            "values": len(rows),
            "to_check": len(document.report),
        }
        if not document.tables:
            incomplete.append(f"{name}: no indicator table found")
        incomplete += [
            f"{name} {r['table_id']} row {r['row_no']}: missing {k}"
            for r in rows
            for k in ("indicator", "year", "value_kind")
            if not r[k]
        ]
        context.log.info(f"{name}: {len(document.tables)} tables, {len(rows)} values → {out / document.document_id}")
    yield dg.MaterializeResult(metadata={"documents": dg.MetadataValue.json(summary), "extracted_to": str(out)})
    yield dg.AssetCheckResult(
        check_name="drafts_complete",
        passed=not incomplete,
        metadata={"problems": dg.MetadataValue.json(incomplete[:50])},
    )


extract_job = dg.define_asset_job(
    "extract_inbox",
    selection=dg.AssetSelection.assets(extracted_drafts),
    description="Extract every document in raw/inbox/ into raw/extracted/.",
)


@dg.sensor(
    job=extract_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests an extraction when a document lands in (or changes in) raw/inbox/.",
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    documents = inbox_documents()
    digest = hashlib.sha256(json.dumps(documents, sort_keys=True).encode()).hexdigest()
    if not documents or digest == context.cursor:
        return dg.SkipReason("no new or changed document in raw/inbox/")
    context.update_cursor(digest)
    return dg.RunRequest(run_key=digest, tags={"planwatch/inbox": ", ".join(documents)[:1000]})
