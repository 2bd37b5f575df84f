"""planwatch: a warehouse of what Chinese quality-development plans promised and what they achieved.

Refresh it from raw/ (`planwatch refresh`), see how it stands (`status`, `verify`), add plans (`extract`,
`promote`) and names (`map`), go back a version (`rollback`)."""

import argparse
import sys
import tempfile
from pathlib import Path

import duckdb

# sysexits EX_TEMPFAIL: the refresh was not run because another one was; try again later
BUSY = 75
EXIT_CODES = """exit codes:
  0   done (refresh: published, or nothing changed)
  1   not done (refresh: not published - a check failed, an error, the removal guard refused)
  2   bad usage
  3   refresh: published, but some input files were refused (listed; fix them and refresh again)
  75  refresh: another refresh is running (with --no-wait or --wait-timeout)"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planwatch", description=__doc__, epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"planwatch {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    refresh_parser = commands.add_parser(
        "refresh",
        help="ingest raw/, build the dbt models, run every check, publish; print a summary",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    refresh_parser.add_argument(
        "--no-wait", action="store_true", help=f"if another refresh is running, do not wait: exit {BUSY} at once"
    )
    refresh_parser.add_argument(
        "--wait-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"wait at most this long for another refresh, then exit {BUSY}",
    )
    refresh_parser.add_argument(
        "--allow-removals",
        action="store_true",
        help="publish even though this refresh removes more of the published plans' or "
        "actuals' files or rows than the removal guard allows (files deleted on "
        "purpose); scheduled and sensor runs never can",
    )
    loudness = refresh_parser.add_mutually_exclusive_group()
    loudness.add_argument(
        "--quiet",
        action="store_true",
        help="one line per step; dbt's and Dagster's logs go to warehouse/logs/ (the default)",
    )
    loudness.add_argument("--verbose", action="store_true", help="print dbt's and Dagster's logs as they come")
    refresh_parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild even when the inputs and the code are those of the published build",
    )
    commands.add_parser(
        "status", help="the published build, its age and checks, and the last refresh that did not publish"
    )
    extract = commands.add_parser("extract", help="draft raw tables from a plan document (scraped text or HTML)")
    extract.add_argument(
        "document", type=Path, help="the plan text (.txt, one table cell per line) or saved page (.html)"
    )
    extract.add_argument("--out", type=Path, help="write <out>/<document_id>/manifest.json, *.csv, report.md")
    extract.add_argument("--long", type=Path, help="write one row per published value to this CSV")
    extract.add_argument("--id", help="document id (folder name); default r<region code>_<target year>")
    extract.add_argument(
        "--region",
        help="the plan's region, a GB/T 2260 code or a name (330300, 温州市): used over what the text suggests",
    )
    extract.add_argument(
        "--period",
        help="the plan's period, a five-year period (十四五) or years (2016-2018): used over what the text suggests",
    )
    promote = commands.add_parser("promote", help="copy a reviewed draft from raw/extracted into raw/plans")
    promote.add_argument("draft", type=Path, help="the draft folder that `planwatch extract --out` wrote")
    promote.add_argument("--replace", action="store_true", help="overwrite an existing raw/plans/<document>")
    rollback = commands.add_parser(
        "rollback",
        help="publish a kept version of the warehouse again, after verifying "
        "it (default: the one before the published one)",
    )
    rollback.add_argument("--to", metavar="VERSION", help="the kept version to publish (a name from --list)")
    rollback.add_argument("--list", action="store_true", help="list the kept versions and which one is published")
    verify = commands.add_parser("verify", help="run every Great Expectations suite against a warehouse file")
    verify.add_argument("path", type=Path, nargs="?", help="the warehouse file to verify (default: the published one)")
    mapping = commands.add_parser(
        "map",
        help="list the indicator names without a reviewed catalog id, with proposals; "
        "accept one (written to raw/mappings, loaded by the next refresh)",
    )
    mapping.add_argument("--accept", metavar="NAME", help="the published indicator name to map")
    mapping.add_argument(
        "--id",
        dest="indicator_id",
        metavar="INDICATOR_ID",
        help="the catalog id it is, or a new id (then give --unit and --direction)",
    )
    mapping.add_argument("--by", dest="reviewed_by", metavar="WHO", help="who reviewed it (required with --accept)")
    mapping.add_argument("--document", help="the mapping holds in this document only (a raw/plans folder)")
    mapping.add_argument("--table", help="... and in this table of it only (with --document)")
    mapping.add_argument(
        "--unit", help="a new catalog entry's unit (a base unit: %%, 个, 微克/立方米; empty: qualitative)"
    )
    mapping.add_argument("--direction", help="a new catalog entry's direction: higher, lower or band")
    mapping.add_argument("--accumulation", help="a new catalog entry's accumulation: level, stock (累计) or new (新增)")
    mapping.add_argument("--note", help="why, in a few words")
    mapping.add_argument(
        "--evaluate",
        action="store_true",
        help="measure the proposals: how often the reviewed id of each alias comes first, with that alias left out",
    )
    accuracy = commands.add_parser("extract-accuracy", help="extract the seed documents and compare with raw/plans")
    accuracy.add_argument("--seeds", type=Path, default=None, help="folder of the documents (../shared/seeds)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "refresh":
        return locked_refresh(
            wait=not args.no_wait,
            timeout=args.wait_timeout,
            allow_removals=args.allow_removals,
            verbose=args.verbose,
            force=args.force,
        )
    if args.command == "status":
        from planwatch import settings
        from planwatch.status import status

        print(status(settings.warehouse_path()))
        return 0
    if args.command == "extract":
        return extract_command(
            args.document, args.out, args.long, args.id, {"region": args.region, "period": args.period}
        )
    if args.command == "promote":
        return promote_command(args.draft, args.replace)
    if args.command == "rollback":
        return rollback_command(args.to, args.list)
    if args.command == "verify":
        return verify_command(args.path)
    if args.command == "map":
        return map_command(args)
    if args.command == "extract-accuracy":
        return accuracy_command(args.seeds)
    return 2


def extract_command(
    document: Path, out: Path | None, long: Path | None, document_id: str | None, given: dict | None = None
) -> int:
    from planwatch.extract.document import (
        NO_TABLE,
        extract_file,
        long_csv,
        long_rows,
        report_markdown,
        safe_document_id,
        write_document,
    )

    if not document.is_file():
        print(f"planwatch extract: {document}: no such file", file=sys.stderr)
        return 2
    try:
        result = extract_file(document, safe_document_id(document_id) if document_id else None, given)
    except ValueError as error:  # a flag the extractor cannot use (an unknown region, a period it cannot read)
        print(f"planwatch extract: {error}", file=sys.stderr)
        return 2
    if out is not None:
        for path in write_document(result, out):
            print(f"wrote {path}")
        for item in result.fields_to_check:
            print(f"  to check: {item}")
    if long is not None:
        long.write_text(long_csv(long_rows(result.tables)), encoding="utf-8")
        print(f"wrote {long}")
    if out is None and long is None:
        print(report_markdown(result))
    if not result.found_tables:
        print(f"planwatch extract: {document}: {NO_TABLE}", file=sys.stderr)
        return 1
    return 0


def promote_command(draft: Path, replace: bool) -> int:
    from planwatch import settings
    from planwatch.extract.promote import PromoteError, promote

    try:
        target = promote(draft, settings.raw_dir() / "plans", replace)
    except PromoteError as error:
        print(f"planwatch promote: {error}", file=sys.stderr)
        return 1
    print(f"promoted {draft} → {target}; the next refresh loads it")
    return 0


def rollback_command(to: str | None, show: bool) -> int:
    from planwatch import settings
    from planwatch.publish import PublishRefused, build_info, kept_versions, rollback
    from planwatch.verify import problems

    published, versions = settings.warehouse_path(), settings.versions_dir()
    if show:
        try:
            current = build_info(published)["version"]
        except (duckdb.Error, OSError, TypeError):
            current = None
        for version in kept_versions(versions):
            print(f"{'*' if version.name == current else ' '} {version.name}")
        return 0
    try:
        version = rollback(published, versions, to, verify=problems)
    except (LookupError, PublishRefused, duckdb.Error) as error:
        print(f"planwatch rollback: {error}", file=sys.stderr)
        return 1
    info = build_info(published)
    print(f"published {version.name} again (run {info['run_id']}, built {info['built_at']}), after verifying it")
    return 0


def verify_command(path: Path | None) -> int:
    from planwatch import settings
    from planwatch.verify import blocking_failures, verify

    path = path or settings.warehouse_path()
    try:
        results = verify(path)
    except duckdb.Error as error:
        print(f"planwatch verify: {path}: {error}", file=sys.stderr)
        return 1
    for table, severity, outcome in results:
        state = "passed" if outcome.passed else "FAILED" if severity == "error" else "warned"
        what = (
            "sha256 and every table read back" if outcome.suite == "integrity" else f"{outcome.evaluated} expectations"
        )
        print(f"{state:>7}  {outcome.suite} on {table} ({what})")
    failures = blocking_failures(results)
    for failure in failures:
        print(f"planwatch verify: {failure}", file=sys.stderr)
    return 1 if failures else 0


def map_command(args) -> int:
    from planwatch import settings
    from planwatch.contract import RawFileError

    if args.evaluate:
        from planwatch.matching import leave_one_out

        measured = leave_one_out()
        print(
            f"leave-one-out over {measured.aliases} reviewed aliases (and {measured.trivial} that are the catalog's "
            f"own names, not counted): the reviewed id is ranked first for {measured.first} "
            f"({measured.share_first():.1%}), among the three proposals for {measured.in_top} "
            f"({measured.in_top / (measured.aliases or 1):.1%})"
        )
        return 0
    if args.accept is None:
        from planwatch.review import pending, render

        try:
            print(render(pending(settings.warehouse_path())))
        except duckdb.Error as error:
            print(
                f"planwatch map: {settings.warehouse_path()}: {error} (run `planwatch refresh` first)", file=sys.stderr
            )
            return 1
        return 0
    if not args.indicator_id or not args.reviewed_by:
        print("planwatch map: --accept needs --id and --by", file=sys.stderr)
        return 2
    from planwatch.review import accept

    try:
        path = accept(
            settings.raw_dir() / "mappings",
            args.accept,
            args.indicator_id,
            args.reviewed_by,
            args.document,
            args.table,
            args.unit,
            args.direction,
            args.accumulation,
            args.note,
        )
    except RawFileError as error:
        print(f"planwatch map: not written: {error}", file=sys.stderr)
        return 1
    print(f"wrote the mapping {args.accept!r} → {args.indicator_id} to {path}; the next refresh loads it")
    return 0


def accuracy_command(seeds: Path | None) -> int:
    from planwatch import settings
    from planwatch.extract.accuracy import measure, measure_dev_set, render, render_dev_set

    seeds = seeds or settings.PROJECT_ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        print(f"planwatch extract-accuracy: {seeds}: the published documents are not there", file=sys.stderr)
        return 2
    print("bundled seeds against raw/plans:\n")
    print(render(measure(settings.raw_dir() / "plans", seeds)))
    dev_set = seeds.parent / "extraction-dev"
    if not (dev_set / "score.py").is_file():
        print(f"\nplanwatch extract-accuracy: {dev_set}: the development set is not there", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        print("\n" + render_dev_set(measure_dev_set(dev_set, Path(work))))
    return 0


def locked_refresh(
    wait: bool, timeout: float | None, allow_removals: bool = False, verbose: bool = False, force: bool = False
) -> int:
    """One writer at a time: take the refresh lock (waiting, or not) before anything else, then refresh."""
    from planwatch import settings
    from planwatch.lock import RefreshBusy, refresh_lock

    try:
        with refresh_lock(
            settings.warehouse_path(),
            wait=wait,
            timeout=timeout,
            on_wait=lambda message: print(f"planwatch: {message}", flush=True),
        ):
            return refresh(allow_removals, verbose, force)
    except RefreshBusy as busy:
        print(f"planwatch refresh: skipped: {busy}", file=sys.stderr)
        return BUSY
    except OSError as error:  # the lock file cannot be created: an unwritable or read-only warehouse folder
        print(
            f"planwatch refresh: not published: cannot write in {settings.warehouse_path().parent} "
            f"({error.strerror or error}); the refresh lock, the working file and the published file live there",
            file=sys.stderr,
        )
        return 1


def refresh(allow_removals: bool = False, verbose: bool = False, force: bool = True) -> int:
    """The refresh, in this process (planwatch.refresh_run). Called without the CLI (tests), it always rebuilds."""
    from planwatch.refresh_run import refresh as run

    return run(allow_removals=allow_removals, verbose=verbose, force=force)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("planwatch")
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
